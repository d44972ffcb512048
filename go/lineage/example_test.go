package lineage_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/leakscope/leakscope/go/lineage"
)

// A program traces its contexts by deriving them with lineage instead of
// context, with a sink started.
func Example() {
	var events strings.Builder
	s, err := lineage.Start(lineage.Config{Writer: &events, Sample: "all"})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := lineage.WithTimeout(context.Background(), time.Second)
	cancel()
	fmt.Println(strings.HasPrefix(lineage.ID(ctx), "ln-"))
	s.Close()
	for _, line := range strings.Split(strings.TrimSpace(events.String()), "\n") {
		fmt.Println(line[:strings.Index(line, ",")])
	}
	// Output:
	// true
	// {"ev":"header"
	// {"ev":"derive"
	// {"ev":"end"
}

// A server continues the lineage its callers send; a client sends its own.
func ExampleMiddleware() {
	s, _ := lineage.Start(lineage.Config{Writer: io.Discard, Sample: "all"})
	defer s.Close()
	srv := httptest.NewServer(lineage.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("tracestate has lnscope:", strings.HasPrefix(r.Header.Get("tracestate"), "lnscope=ln-"))
	})))
	defer srv.Close()
	client := &http.Client{Transport: &lineage.Transport{}}
	ctx, cancel := lineage.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
	}
	// Output:
	// tracestate has lnscope: true
}
