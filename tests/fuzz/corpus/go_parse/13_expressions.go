package expr

var a, b, c, i, j, k int
var x, y float64
var s []int
var arr [10]int
var p *int
var ch chan int
var f func(...int) int
var m map[string]int
var iface any

var (
	_ = a + b*c - i/j%k
	_ = a<<2 | b>>1 & c ^ i &^ j
	_ = a == b || b != c && !(a < b) && a <= c || b > c && c >= a
	_ = -a + +b - ^c
	_ = *p + arr[i] + s[j]
	_ = &arr
	_ = <-ch
	_ = s[1:2]
	_ = s[:]
	_ = s[1:]
	_ = s[:2]
	_ = s[1:2:3]
	_ = s[:2:3]
	_ = arr[i:j:k]
	_ = "str"[1]
	_ = f(s...)
	_ = f(1, 2, 3)
	_ = f()
	_ = m["k"]
	_ = iface.(int)
	_ = iface.(interface{ M() })
	_ = (a + b) * (c - i)
	_ = ((((a))))
	_ = x*y + float64(a)
	_ = []byte("abc")
	_ = len(s) + cap(s)
	_ = func(x int) int { return x }(1)
	_ = new(int)
	_ = make(map[string]int, 10)
	_ = [2]int{1, 2}[1]
	_ = (*int)(nil)
	_ = (<-chan int)(nil)
	_ = (func())(nil)
	_ = a > b == (c < i)
)
