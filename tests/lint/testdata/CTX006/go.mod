module example.com/ctx006

go 1.22
