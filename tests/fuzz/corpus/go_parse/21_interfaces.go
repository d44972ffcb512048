package ifaces

import "fmt"

type Shape interface {
	Area() float64
	Perimeter() float64
	fmt.Stringer
}

type Constraint interface {
	~int | ~string
	comparable
	String() string
}

type Union interface {
	int | int8 | *int | []byte | map[string]int | chan int | func()
}

type Empty interface{}

type WithTypeParamMethod[T any] interface {
	Get() T
	Set(T)
}

type Nested interface {
	interface{ A() }
	interface {
		B()
		C(int) (string, error)
	}
}
