module example.com/fixdata

go 1.22
