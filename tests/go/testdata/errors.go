// Three functions with a syntax error each, and one without.
package errors

func A() {
	x := )
	_ = x
}

func B() {
	y := 1 +
	return y
}

func C() {
	z := 'ab'
	_ = z
}

func D() {}
