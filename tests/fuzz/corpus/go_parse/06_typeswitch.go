package ts

import "fmt"

func describe(i interface{}) string {
	switch v := i.(type) {
	case nil:
		return "nil"
	case int, int64:
		return fmt.Sprint("int ", v)
	case string:
		return "string " + v
	case []byte:
		return string(v)
	case func() error:
		return "func"
	case map[string]any, chan int:
		return "container"
	case fmt.Stringer:
		return v.String()
	default:
		_ = v
	}
	switch i.(type) {
	}
	switch x := 1; y := i.(type) {
	case error:
		_, _ = x, y
	}
	if s, ok := i.(fmt.Stringer); ok {
		return s.String()
	}
	return ""
}
