package ok_test

import "os"

func TestX() {
	panic("x") // want "package ok_test \\(1 files"
	os.Exit(2) // want "TST002 exit-call: call to os.Exit"
}
