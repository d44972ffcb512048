package broken

func f() {
	if x := 1; x > 0 {
		println(x)

func g() {}
