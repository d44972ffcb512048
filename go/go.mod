module github.com/leakscope/leakscope/go

go 1.24
