package grt005

import (
	"os"
	"testing"
)

// TestHelperProcess parks a child process on purpose.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("GRT005_HELPER") != "1" {
		t.Skip("helper process")
	}
	select {}
}
