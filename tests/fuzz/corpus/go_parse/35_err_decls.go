package broken

const (
	a =
	b int = 1, 2
)
var (
	c int =
)
type
func
import "late"
var d [...]int
var e = map[string]{}
