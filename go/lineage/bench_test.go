//go:build unix

package lineage_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/leakscope/leakscope/go/lineage"
)

// derivers lets one handler use either package context or lineage.
type derivers struct {
	withTimeout func(context.Context, time.Duration) (context.Context, context.CancelFunc)
	withCancel  func(context.Context) (context.Context, context.CancelFunc)
	withValue   func(context.Context, any, any) context.Context
}

var (
	plain  = derivers{context.WithTimeout, context.WithCancel, context.WithValue}
	traced = derivers{lineage.WithTimeout, lineage.WithCancel, lineage.WithValue}
)

type requestIDKey struct{}

type item struct {
	ID    int      `json:"id"`
	Name  string   `json:"name"`
	Tags  []string `json:"tags"`
	Price float64  `json:"price"`
}

// lookup stands for a database call made under its own timeout.
func lookup(ctx context.Context, d derivers, id int) ([]item, error) {
	ctx, cancel := d.withTimeout(ctx, time.Second)
	defer cancel()
	out := make([]item, 8)
	for i := range out {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out[i] = item{ID: id*10 + i, Name: "item-" + strconv.Itoa(i), Tags: []string{"a", "b"}, Price: float64(i) * 1.5}
	}
	return out, nil
}

// handler is a typical request path: a request timeout, a request ID
// value, a cancelable scope for fan-out, a lookup with its own timeout,
// and a JSON response.
func handler(d derivers) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := d.withTimeout(r.Context(), 5*time.Second)
		defer cancel()
		ctx = d.withValue(ctx, requestIDKey{}, r.Header.Get("X-Request-Id"))
		ctx, stop := d.withCancel(ctx)
		defer stop()
		id, _ := strconv.Atoi(r.URL.Query().Get("id"))
		items, err := lookup(ctx, d, id)
		if err != nil {
			http.Error(w, err.Error(), http.StatusGatewayTimeout)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(items)
	})
}

// cpuTime is the process's user+system CPU time: on a shared machine it
// moves far less than wall time per op.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func serve(b *testing.B, h http.Handler) {
	b.ReportAllocs()
	c0 := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op") }()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", "/items?id=42", nil)
			req.Header.Set("X-Request-Id", "r-1")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatal(rec.Code)
			}
		}
	})
}

// BenchmarkHandler compares a handler deriving four contexts per request
// with package context and with lineage at several sampling rates
// (numbers in docs/lineage-go.md).
func BenchmarkHandler(b *testing.B) {
	b.Run("context", func(b *testing.B) { serve(b, handler(plain)) })
	b.Run("lineage-nosink", func(b *testing.B) { serve(b, handler(traced)) })
	for _, sample := range []string{"off", "default", "all"} {
		b.Run("lineage-"+sample, func(b *testing.B) {
			s, err := lineage.Start(lineage.Config{Writer: io.Discard, Sample: sample})
			if err != nil {
				b.Fatal(err)
			}
			serve(b, handler(traced))
			b.StopTimer()
			b.ReportMetric(s.Rate()*100, "%sampled")
			b.ReportMetric(s.Overhead()*100, "%self-measured")
			s.Close()
			b.ReportMetric(float64(s.Drops())/float64(b.N), "drops/op")
		})
	}
}

// BenchmarkDerive measures one WithCancel and its cancel: plain, as an
// unsampled root, as a sampled root, below an unsampled root, and sampled.
func BenchmarkDerive(b *testing.B) {
	b.Run("context", func(b *testing.B) {
		root, cancel := context.WithCancel(context.Background())
		defer cancel()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, c := context.WithCancel(root)
			c()
		}
	})
	b.Run("unsampled-root", func(b *testing.B) {
		s, _ := lineage.Start(lineage.Config{Writer: io.Discard, Sample: "0"})
		defer s.Close()
		root, cancel := context.WithCancel(context.Background())
		defer cancel()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, c := lineage.WithCancel(root)
			c()
		}
	})
	// A traced root pays for the goroutine ID and the creating
	// goroutine's (cg) besides what every traced context pays.
	b.Run("sampled-root", func(b *testing.B) {
		s, _ := lineage.Start(lineage.Config{Writer: io.Discard, Sample: "all"})
		defer s.Close()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, c := lineage.WithCancel(context.Background())
			c()
		}
	})
	for name, sample := range map[string]string{"unsampled-descendant": "0", "sampled": "all"} {
		b.Run(name, func(b *testing.B) {
			s, _ := lineage.Start(lineage.Config{Writer: io.Discard, Sample: sample})
			defer s.Close()
			root, cancel := lineage.WithCancel(context.Background())
			defer cancel()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_, c := lineage.WithCancel(root)
				c()
			}
		})
	}
}
