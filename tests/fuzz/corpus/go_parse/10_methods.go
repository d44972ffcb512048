package methods

type Counter struct{ n int }

func (c *Counter) Inc()         { c.n++ }
func (c Counter) Value() int    { return c.n }
func (*Counter) Name() string   { return "counter" }
func (Counter) private() (x int) { return }
func (c *Counter) Add(ns ...int) *Counter {
	for _, n := range ns {
		c.n += n
	}
	return c
}

var (
	inc  = (*Counter).Inc
	val  = Counter.Value
	c    Counter
	bound = c.Value
	_    = (&c).Add(1, 2, 3).Add([]int{4}...).Value()
)

func init() {}
func init() { _ = inc; _ = val; _ = bound }

func external(x int) int
