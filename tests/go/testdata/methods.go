// Method expressions and struct tags.
package methods

type T struct {
	Name string `json:"name"`
	Age  int    "age"
	*Embedded
	a, b int `x:"y"`
}

type Embedded struct{}

func (T) M() {}

func (t *T) N(x int) int { return x }

var (
	m = T.M
	n = (*T).N
)
