package grt002

// drainForever is started from bad.go.
func drainForever(in chan event) {
	for {
		handle(<-in)
	}
}

// drainUntilClosed is started from good.go.
func drainUntilClosed(in chan event) {
	for {
		e, ok := <-in
		if !ok {
			return
		}
		handle(e)
	}
}
