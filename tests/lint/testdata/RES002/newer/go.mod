module example.com/res002/newer

go 1.23
