module example.com/ctx003

go 1.22
