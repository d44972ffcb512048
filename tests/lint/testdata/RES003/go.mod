module example.com/res003

go 1.22
