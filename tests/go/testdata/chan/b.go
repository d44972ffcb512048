package chanfacts

type server struct{ n int }

// worker ranges over jobs and sends each result.
func worker(jobs <-chan int, results chan<- int) {
	for j := range jobs {
		results <- j
	}
}

// drain receives with v, ok until the channel is closed.
func (s *server) drain(in <-chan int) {
	for {
		v, ok := <-in
		if !ok {
			return
		}
		s.n += v
	}
}
