module example.com/leakyserver

go 1.26
