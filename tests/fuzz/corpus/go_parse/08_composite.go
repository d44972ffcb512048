package composite

type Point struct{ X, Y int }

var (
	p1 = Point{1, 2}
	p2 = Point{X: 1}
	p3 = &Point{Y: -1}
	ps = []Point{{1, 2}, {X: 3}, {}}
	pp = []*Point{{1, 2}, &Point{}}
	m  = map[string]Point{"a": {1, 2}, "b": {}}
	mm = map[Point]string{{1, 2}: "a"}
	a  = [...]int{1, 2, 3, 9: 10}
	s  = [][]int{{1}, {2, 3}, nil}
	e  = struct {
		A int
		B []string
	}{A: 1, B: []string{"x"}}
	f = func() int { return Point{}.X }()
)

func f2() {
	if p1 == (Point{1, 2}) {
	}
	for _, q := range []Point{{1, 2}} {
		_ = q
	}
	switch (Point{}) {
	}
}
