package breaker_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/leakscope/leakscope/go/breaker"
)

func Example() {
	b := breaker.New(breaker.Config{
		// Until it has measured real calls, assume one takes 100 ms.
		InitialExpected: 100 * time.Millisecond,
	})
	fetch := func(ctx context.Context) error { return nil } // the dependency

	// A caller with 10 ms left is refused at once: the call could not
	// finish in time, so it is not started.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	err := b.Do(ctx, fetch)
	fmt.Println(errors.Is(err, breaker.ErrDeadlineTooShort))

	// A caller with a second left gets through.
	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Second)
	defer cancel2()
	fmt.Println(b.Do(ctx2, fetch))
	// Output:
	// true
	// <nil>
}

func ExampleDeadlinePolicy() {
	p := breaker.DeadlinePolicy{} // the default: floor 50 ms under 200 ms, base × remaining/1s above
	base := 400 * time.Millisecond
	for _, remaining := range []time.Duration{100 * time.Millisecond, 500 * time.Millisecond, 3 * time.Second} {
		fmt.Println(remaining, "left:", p.Threshold(remaining, true, base))
	}
	// Output:
	// 100ms left: 50ms
	// 500ms left: 200ms
	// 3s left: 1.2s
}

func ExampleBreaker_Allow() {
	b := breaker.New(breaker.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()

	ticket, err := b.Allow(ctx)
	if err != nil {
		fmt.Println("rejected:", err) // fall back, serve from cache, …
		return
	}
	err = func() error { return nil }() // the call itself
	ticket.Done(err)
	fmt.Println("state:", b.State())
	// Output: state: closed
}
