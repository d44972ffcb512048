module example.com/ctx002

go 1.22
