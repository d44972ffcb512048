module github.com/leakscope/leakscope/go/group/errgroupbench

go 1.26.0

require github.com/leakscope/leakscope/go v0.0.0

require golang.org/x/sync v0.24.0

replace github.com/leakscope/leakscope/go => ../..
