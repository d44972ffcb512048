module example.com/lineageprogs

go 1.26
