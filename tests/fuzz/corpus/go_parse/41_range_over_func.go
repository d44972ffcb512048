package iter

type Seq[V any] func(yield func(V) bool)

func Count(n int) Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func use() (sum int) {
	for v := range Count(5) {
		sum += v
	}
	for range Count(2) {
	}
	var k, v int
	for k, v = range map[int]int{} {
	}
	_, _ = k, v
	return
}
