package anon

var config = struct {
	Server struct {
		Host string
		Port int
	}
	Debug bool
}{}

func handler() (result struct{ Code int }, err error) {
	result.Code = 200
	return
}

var table = []struct {
	name string
	in   []int
	want int
}{
	{"empty", nil, 0},
	{"one", []int{1}, 1},
	{name: "named", in: []int{1, 2}, want: 3},
}
