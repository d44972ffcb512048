// Cause 3, correct: the remaining budget is checked before the task
// starts, and the task's timeout fits inside it.
package main

import (
	"context"
	"time"
)

func longTask(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(20 * time.Millisecond):
	}
}

func main() {
	req, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	time.Sleep(10 * time.Millisecond)
	if req.Err() != nil {
		return
	}
	task, stop := context.WithTimeout(req, 500*time.Millisecond)
	defer stop()
	longTask(task)
}
