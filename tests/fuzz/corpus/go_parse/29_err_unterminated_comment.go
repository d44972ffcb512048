package broken

func f() {
	/* this comment never ends
	x := 1
