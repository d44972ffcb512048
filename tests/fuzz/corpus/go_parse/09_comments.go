// Copyright notice that comes before the package clause.

//go:build linux || darwin

/*
Package comments has comments everywhere.
*/
package comments // trailing

import /* in the middle */ "fmt"

// Doc comment for T.
//
// With a second paragraph.
type T struct {
	// field doc
	A int // field comment
	/* block */ B string
}

//go:noinline
func F( /* no params */ ) /* between */ {
	/* a
	   multi-line
	   comment */
	fmt.Println( // after paren
		1, /* inline */ 2,
	) /* after a statement
	spanning lines */
	x := 1 /* semicolon goes after this */
	_ = x
}

//line foo.go:10
var _ = 0

/**/
/***/
//
// last comment, no newline at the end