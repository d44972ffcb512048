package dr

import "errors"

func safeDiv(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("division by zero")
		}
	}()
	q = a / b
	return
}

func cleanup() {
	for i := 0; i < 3; i++ {
		defer println(i)
	}
	defer (func())(nil)
	defer func(f func()) { f() }(func() {})
}
