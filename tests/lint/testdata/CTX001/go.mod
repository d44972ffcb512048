module example.com/ctx001

go 1.22
