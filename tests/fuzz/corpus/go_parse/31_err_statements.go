package broken

func f() {
	x := := 1
	for i := range {
	}
	if {
	}
	switch x.(type) := y {
	}
	go f
	defer 1
	a, b := <-
	case 1:
	else {}
	return,
}

func (a, b T) two() {}
func generic[]() {}
type T[ = int
