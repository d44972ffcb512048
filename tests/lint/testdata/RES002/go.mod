module example.com/res002

go 1.22
