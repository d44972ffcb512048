module example.com/ctx004

go 1.22
