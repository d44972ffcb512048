package types

import (
	"io"
	"sync"
)

type (
	Array    [16]byte
	Arr2     [2][3]float64
	Slice    []string
	Ptr      *int
	PtrPtr   **Array
	Fn       func(int, string) (bool, error)
	Fn2      func(a, b int, rest ...string) func() int
	Map      map[string][]*Array
	Ch       chan int
	SendCh   chan<- int
	RecvCh   <-chan int
	ChCh     chan<- chan int
	ChCh2    chan (<-chan int)
	Empty    struct{}
	Any      interface{}
	Readerish interface {
		io.Reader
		Close() error
		Name() (string, bool)
	}
	Embed struct {
		sync.Mutex
		*io.PipeReader
		io.Writer
		a, b int   `json:"a"`
		c    string "tag"
		_    [0]func()
		next *Embed
	}
	Alias = map[int]string
)

var ellipsis = [...]string{"a", "b", "c"}

type Recursive func(Recursive) Recursive
