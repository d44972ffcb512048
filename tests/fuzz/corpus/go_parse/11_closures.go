package closures

func counter() func() int {
	n := 0
	return func() int {
		n++
		return n
	}
}

func apply(fs ...func(int) int) func(int) int {
	return func(x int) int {
		for _, f := range fs {
			x = f(x)
		}
		return x
	}
}

var twice = apply(func(x int) int { return x * 2 }, func(x int) int { return x * 2 })

func curry(a int) func(int) func(int) int {
	return func(b int) func(int) int { return func(c int) int { return a + b + c } }
}

var _ = curry(1)(2)(3)
var _ = func() {}
