package breaker

import (
	"context"
	"testing"
	"time"
)

// BenchmarkDecision measures Allow plus Done on a closed breaker with a
// deadline-carrying context: the cost the breaker adds to a call.
func BenchmarkDecision(b *testing.B) {
	br := New(Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		t, err := br.Allow(ctx)
		if err == nil {
			t.Done(nil)
		}
	}
}

// BenchmarkDecisionParallel is the same from every P at once (one mutex).
func BenchmarkDecisionParallel(b *testing.B) {
	br := New(Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			t, err := br.Allow(ctx)
			if err == nil {
				t.Done(nil)
			}
		}
	})
}

// BenchmarkReject measures a rejection for a short deadline.
func BenchmarkReject(b *testing.B) {
	br := New(Config{InitialExpected: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond*500)
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := br.Allow(ctx); err == nil {
			b.Fatal("admitted")
		}
	}
}

// BenchmarkAllow measures the admission decision alone (Allow on a closed
// breaker, the ticket dropped).
func BenchmarkAllow(b *testing.B) {
	br := New(Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		br.Allow(ctx)
	}
}
