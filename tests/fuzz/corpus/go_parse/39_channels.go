package chans

func pipeline() {
	gen := func(n int) <-chan int {
		out := make(chan int, n)
		for i := range n {
			out <- i
		}
		close(out)
		return out
	}
	sq := func(in <-chan int) <-chan int {
		out := make(chan int)
		go func() {
			defer close(out)
			for v := range in {
				out <- v * v
			}
		}()
		return out
	}
	for v := range sq(sq(gen(10))) {
		_ = v
	}
	var chs [3]chan<- <-chan int
	_ = chs
	var c chan (<-chan int)
	_ = <-<-c
	x := make(chan chan int)
	(<-x) <- 1
}
