// Composite literals in the headers of if, for and switch statements.
package headers

type T struct{ a int }

func f(x T, ch chan int) {
	if x == (T{}) {
	}
	for _, v := range []int{1, 2} {
		_ = v
	}
	switch y := (T{a: 1}); y {
	}
	for i := range ch {
		_ = i
	}
	for range ch {
	}
}
