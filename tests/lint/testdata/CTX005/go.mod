module example.com/ctx005

go 1.22
