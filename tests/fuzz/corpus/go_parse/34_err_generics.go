package broken

type A[T] struct{}
type B[T any, U] struct{}
func F[T any](x T) T { return x }
var _ = F[]()
var _ = F[int,](1)
type C[T ~] int
func (r R[T, ]) M() {}
