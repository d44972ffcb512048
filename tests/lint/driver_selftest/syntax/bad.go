package syntax

// A syntax error is reported once, as a finding of "syntax", and the
// parts of the file the parser recovered are linted.
func ok() {
	panic("still linted") // want "call to panic"
}

func broken() {
	x := 1 +
} // want "syntax error: expected operand"

func after() {
	panic("after the error") // want "call to panic"
}
