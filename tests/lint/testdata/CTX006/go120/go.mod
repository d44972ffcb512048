module example.com/ctx006/go120

go 1.20
