// Generic declarations and instantiations.
package generics

type Number interface {
	~int | ~int64 | ~float64
}

func F[T any, P ~int | ~string](t T, p P) {}

func Map[K comparable, V any](m map[K]V, f func(V) V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = f(v)
	}
	return out
}

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

var (
	f1 = F[int]
	f2 = F[int, string]
	m  = Map[K, V]
	p  Pair[string, int]
)
