package grt004

import "sync"

// pool keeps its WaitGroup in a field declared in this file; bad.go uses it.
type pool struct {
	mu      sync.Mutex
	workers *sync.WaitGroup
}
