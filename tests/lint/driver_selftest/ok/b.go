package ok

// The exit-call rule (TST002) needs "os", which this file does not import:
// the engine never runs it here.
func exit() {
	var os struct{ Exit func(int) }
	os.Exit(1)
	panic("b") // want `^call to panic in package ok \(2 files, go minor 0\)$`
}
