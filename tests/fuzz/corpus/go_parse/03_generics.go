package generics

type Number interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~float32 | ~float64
}

type Pair[K comparable, V any] struct {
	Key   K
	Value V
}

type List[T any] struct {
	head *node[T]
	size int
}

type node[T any] struct {
	val  T
	next *node[T]
}

func (l *List[T]) Push(v T) {
	l.head = &node[T]{val: v, next: l.head}
	l.size++
}

func Sum[T Number](xs ...T) (s T) {
	for _, x := range xs {
		s += x
	}
	return
}

func Map[S ~[]E, E, R any](s S, f func(E) R) []R {
	out := make([]R, 0, len(s))
	for _, e := range s {
		out = append(out, f(e))
	}
	return out
}

type Tree[T interface{ Less(T) bool }] struct {
	Left, Right *Tree[T]
	Val         T
}

var (
	_ = Sum[int](1, 2, 3)
	_ = Map[[]int, int, string]
	_ Pair[string, List[int]]
	_ = Sum(1.5, 2.5)
)

type Alias[T any] = Pair[string, T]

func Zero[T any]() (z T) { return }

type Set[T comparable] map[T]struct{}

func (s Set[T]) Has(v T) bool { _, ok := s[v]; return ok }
