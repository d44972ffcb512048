// Package newer is a module on Go 1.23, where a timer nobody references is
// collected before it fires: the findings are warnings.
package newer

import "time"

// churn leaves a timer behind on every message.
func churn(in <-chan int) {
	for {
		select {
		case <-in:
		case <-time.After(time.Minute): // want "garbage until the collector finds it"
			return
		}
	}
}
