module example.com/grt005

go 1.22
