module example.com/ctx008

go 1.22
