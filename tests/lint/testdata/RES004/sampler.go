package res004

// Chains the program starts once (docs/accuracy.md, "More modules").

import "time"

func init() {
	periodic()
	refresh()
	Sample()
}

// periodic samples process usage for the life of the process: only init
// (and its own timer) calls it.
func periodic() {
	work()
	time.AfterFunc(time.Second, periodic)
}

// refresh is started by init, but also by reset: each reset starts one
// more chain.
func refresh() {
	work()
	time.AfterFunc(time.Second, refresh) // want "re-arms itself"
}

func reset() { refresh() }

// Sample is exported: other packages may start more chains.
func Sample() {
	work()
	time.AfterFunc(time.Second, Sample) // want "re-arms itself"
}
