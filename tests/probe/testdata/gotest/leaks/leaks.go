// Package leaks starts a watcher goroutine that nothing ever stops.
package leaks

var events = make(chan string)

// Watch starts a goroutine that waits for events forever.
func Watch() {
	go func() { // LEAK-SITE
		for e := range events {
			_ = e
		}
	}()
}
