module example.com/res001/newer

go 1.23
