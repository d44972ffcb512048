module example.com/res001

go 1.22
