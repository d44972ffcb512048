package prommetrics

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/leakscope/leakscope/go/breaker"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestMetrics(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	obs, err := New(reg, "backend")
	if err != nil {
		t.Fatal(err)
	}
	b := breaker.New(breaker.Config{Observer: obs, MinCalls: 2, FailureRatio: 1,
		BaseThreshold: 500 * time.Millisecond, InitialExpected: 100 * time.Millisecond})

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	boom := errors.New("boom")
	b.Do(ctx, func(context.Context) error { return boom })
	b.Do(ctx, func(context.Context) error { return boom }) // trips
	b.Do(ctx, func(context.Context) error { return nil })  // rejected: open
	short, cancel2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel2()
	b.Do(short, func(context.Context) error { return nil }) // rejected: open first

	want := `
# HELP circuit_breaker_rejections_total Calls rejected without being started, by reason.
# TYPE circuit_breaker_rejections_total counter
circuit_breaker_rejections_total{breaker="backend",reason="deadline"} 0
circuit_breaker_rejections_total{breaker="backend",reason="open"} 2
circuit_breaker_rejections_total{breaker="backend",reason="threshold"} 0
# HELP circuit_breaker_state Breaker state: 0 closed, 1 open, 2 half-open.
# TYPE circuit_breaker_state gauge
circuit_breaker_state{breaker="backend"} 1
# HELP circuit_breaker_calls_total Admitted calls, by result (a call slower than its threshold is a failure).
# TYPE circuit_breaker_calls_total counter
circuit_breaker_calls_total{breaker="backend",result="failure"} 2
circuit_breaker_calls_total{breaker="backend",result="success"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"circuit_breaker_rejections_total", "circuit_breaker_state", "circuit_breaker_calls_total"); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(reg, "context_timeout_coupling_ratio"); n != 1 {
		t.Fatalf("coupling histogram series: %d", n)
	}
	// The latest decision (10 ms left, under the 200 ms cutoff): the 50 ms floor.
	g, _ := reg.Gather()
	for _, mf := range g {
		if mf.GetName() == "circuit_breaker_dynamic_threshold_ms" {
			if v := mf.GetMetric()[0].GetGauge().GetValue(); v != 50 {
				t.Fatalf("dynamic threshold gauge %v, want 50", v)
			}
		}
		if mf.GetName() == "context_timeout_coupling_ratio" {
			if c := mf.GetMetric()[0].GetHistogram().GetSampleCount(); c != 4 {
				t.Fatalf("coupling ratio samples %d, want 4", c)
			}
		}
	}
}

func TestDeadlineRejectionCounted(t *testing.T) {
	reg := prometheus.NewRegistry()
	obs, _ := New(reg, "x")
	b := breaker.New(breaker.Config{Observer: obs, InitialExpected: 100 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := b.Do(ctx, func(context.Context) error { return nil }); !errors.Is(err, breaker.ErrDeadlineTooShort) {
		t.Fatal(err)
	}
	if v := testutil.ToFloat64(obs.rejectDead); v != 1 {
		t.Fatalf("deadline rejections %v", v)
	}
}

func TestDoubleRegistrationFails(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := New(reg, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := New(reg, "a"); err == nil {
		t.Fatal("registering the same breaker twice succeeded")
	}
}

// BenchmarkDecisionWithMetrics is breaker.BenchmarkDecision with this
// observer attached.
func BenchmarkDecisionWithMetrics(b *testing.B) {
	obs, _ := New(prometheus.NewRegistry(), "bench")
	br := breaker.New(breaker.Config{Observer: obs})
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
