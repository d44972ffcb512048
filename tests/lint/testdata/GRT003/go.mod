module example.com/grt003

go 1.22
