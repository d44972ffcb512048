module example.com/grt002

go 1.22
