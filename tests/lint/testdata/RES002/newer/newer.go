// Package newer is a module on Go 1.23, where an unreferenced ticker is
// collected even when nobody stops it: the findings are warnings.
package newer

import "time"

// leak forgets the ticker; since Go 1.23 it is freed once unreferenced.
func leak() {
	t := time.NewTicker(time.Second) // want "until the garbage collector finds it unreferenced"
	<-t.C
}
