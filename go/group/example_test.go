package group_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/leakscope/leakscope/go/group"
)

func ExampleGroup() {
	g := group.New(context.Background(), group.WithLimit(2))
	var mu sync.Mutex
	var squares []int
	for i := 1; i <= 4; i++ {
		g.Go(func(ctx context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			squares = append(squares, i*i)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		fmt.Println("error:", err)
	}
	sort.Ints(squares)
	fmt.Println(squares)
	// Output: [1 4 9 16]
}

func ExampleGroup_cancel() {
	g := group.New(context.Background())
	g.Go(func(ctx context.Context) error {
		return errors.New("backend down")
	})
	g.Go(func(ctx context.Context) error {
		<-ctx.Done() // the sibling's failure cancels this one
		fmt.Println("stopped because:", context.Cause(ctx))
		return ctx.Err()
	})
	fmt.Println("Wait:", g.Wait())
	// Output:
	// stopped because: backend down
	// Wait: backend down
}

func ExamplePanicError() {
	g := group.New(context.Background())
	g.Go(func(ctx context.Context) error {
		var m map[string]int
		m["x"] = 1 // panics
		return nil
	})
	err := g.Wait()
	var p *group.PanicError
	if errors.As(err, &p) {
		fmt.Println("recovered:", p.Value)
		fmt.Println("stack captured:", len(p.Stack) > 0)
	}
	// Output:
	// recovered: assignment to entry in nil map
	// stack captured: true
}

func ExampleSafeGo() {
	task := group.SafeGo(context.Background(),
		func(ctx context.Context) error { panic("unexpected") },
		group.OnError(func(err error) { fmt.Println("handled:", err) }))
	task.Wait()
	// Output: handled: group: recovered panic: unexpected
}
