package fn

type Handler func(w Writer, r *Request) error
type Middleware func(Handler) Handler
type Writer interface{ Write([]byte) (int, error) }
type Request struct{}

func Chain(hs ...Middleware) Middleware {
	return func(final Handler) Handler {
		for i := len(hs) - 1; i >= 0; i-- {
			final = hs[i](final)
		}
		return final
	}
}

func variadic(prefix string, args ...interface{}) {}
func named(a, b int, c string) (x, y int, err error) { return }
func unnamed(int, string) (int, error) { return 0, nil }
func noBody()
func _() {}
