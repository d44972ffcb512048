package crlf

func f() {
	x := `raw
string`
	_ = x // comment
	/* block
	comment */
}
