module leakscope.bench/probe

go 1.21
