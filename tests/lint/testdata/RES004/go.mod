module example.com/res004

go 1.22
