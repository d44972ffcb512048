package inner

func g() {
	panic("g") // want "go minor 21"
}
