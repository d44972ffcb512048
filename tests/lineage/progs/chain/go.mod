module example.com/lineagechain

go 1.26

require github.com/leakscope/leakscope/go v0.0.0

replace github.com/leakscope/leakscope/go => ../../../../go
