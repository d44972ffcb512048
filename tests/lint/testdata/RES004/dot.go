package res004

import . "time"

// dotImport re-arms with time dot-imported.
func dotImport() {
	work()
	AfterFunc(Second, dotImport) // want "re-arms itself"
}
