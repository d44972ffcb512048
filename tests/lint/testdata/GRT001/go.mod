module example.com/grt001

go 1.22
