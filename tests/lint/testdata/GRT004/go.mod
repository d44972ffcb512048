module example.com/grt004

go 1.25
