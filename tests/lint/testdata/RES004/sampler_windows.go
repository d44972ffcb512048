//go:build windows

package res004

import "time"

// The same sampler for another platform: each file's periodic refers to
// its own name, which is not a second caller.
func periodic() {
	work()
	time.AfterFunc(2*time.Second, periodic)
}
