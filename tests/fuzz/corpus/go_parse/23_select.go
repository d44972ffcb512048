package sel

func pump(in <-chan int, out chan<- int, quit chan struct{}) {
	var pending []int
	for {
		var send chan<- int
		var first int
		if len(pending) > 0 {
			send, first = out, pending[0]
		}
		select {
		case v, ok := <-in:
			if !ok {
				in = nil
				continue
			}
			pending = append(pending, v)
		case send <- first:
			pending = pending[1:]
		case <-quit:
			return
		case quit <- struct{}{}:
		}
	}
}

func block() { select {} }
