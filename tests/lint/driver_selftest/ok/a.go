// Package ok: every want is matched by the fake rule TST001, which flags
// calls of the builtin panic (tests/lint/test_driver.c).
package ok

import "errors"

func a(err error) {
	if err != nil {
		panic(err) // want "call to panic"
	}
	panic("two") /* want `package ok \(2 files` */
}

func b() {
	panic := func(string) {} // a local panic is not the builtin
	panic("not flagged")
	_ = errors.New("x")
}

func c() { panic(1); panic(2) } // want "panic" "panic"
