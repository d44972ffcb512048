// A syntax error in the middle of one function: the functions after it
// are still parsed.
package recovery

func A() {}

func B() {
	x := 1 +
	if x {
	}
}

func C() {}

func D(ctx int) int { return ctx }
