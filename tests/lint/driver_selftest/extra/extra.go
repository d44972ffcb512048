package extra

func e() {
	panic("no want on this line")
}
