package gcalls

func F[T any, U any](t T, u U) {}

type G[T any] struct{ v T }

func (g G[T]) Get() T { return g.v }
func (g *G[_]) Reset() {}

var (
	_ = F[int, string]
	_ = G[int]{v: 1}.Get()
	_ = []G[int]{{1}, {2}}
	_ = map[G[string]]G[int]{}
	_ G[[]map[string]G[int]]
)

func call() {
	F[int](1, "x")
	F(1, 2)
	var a [4]int
	_ = a[1]
	var m map[int]int
	_ = m[a[0]]
	x := G[G[int]]{}
	_ = x.v.v
	type P[T any] *T
	type Q[T interface{ ~int }] []T
	type R[T *int] struct{}
	type S[T *int,] struct{}
	type U[P *[]int] struct{}
}
