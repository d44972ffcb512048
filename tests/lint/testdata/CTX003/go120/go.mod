module example.com/ctx003/go120

go 1.20
