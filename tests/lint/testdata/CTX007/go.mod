module example.com/ctx007

go 1.22
