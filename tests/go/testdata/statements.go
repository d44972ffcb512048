// Type switches, select, go and defer.
package statements

func f(x any, ch chan int, out chan<- int, done <-chan struct{}) {
	switch y := x.(type) {
	case int, string:
		_ = y
	case nil:
	default:
	}
	switch x.(type) {
	}
	select {
	case out <- 1:
	case v := <-ch:
		_ = v
	case v, ok := <-ch:
		_, _ = v, ok
	case <-done:
	default:
	}
	go f(nil, ch, out, done)
	defer func() { recover() }()
}
