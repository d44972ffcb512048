package missing

func m() {
	println("no panic here") // want "call to panic"
}
