module example.com/gomod

go 1.21.3 // a comment

toolchain go1.22.0
