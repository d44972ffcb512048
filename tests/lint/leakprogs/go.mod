module example.com/leakprogs

go 1.22
