package sub

func s() {
	defer func() { recover() }()
	panic("sub") // want "package sub \\(1 files"
}
