package watchdog

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// leakySend is started by a timer and blocks until release is closed: the
// leak under test.
func leakySend(ch chan int, release chan struct{}) {
	select {
	case ch <- 1:
	case <-release:
	}
}

// stableWait blocks on a channel: a stable blocked bucket.
func stableWait(release chan struct{}) { <-release }

// stableSleep sleeps in a loop: a stable bucket that is not blocked.
func stableSleep(stop *atomic.Bool) {
	for !stop.Load() {
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLeakFiresOnce runs a watchdog at a fast interval over a process with a
// goroutine that leaks on a timer and stable buckets beside it (400 sleepers,
// and 30 goroutines blocked on a channel, under the blocked share). The
// handler must fire exactly once, for the leaking bucket, with its stack and
// creation site, and never for the others.
func TestLeakFiresOnce(t *testing.T) {
	release := make(chan struct{})
	var stop atomic.Bool
	var workers sync.WaitGroup
	defer func() {
		stop.Store(true)
		close(release)
		workers.Wait()
	}()
	for i := 0; i < 400; i++ {
		workers.Add(1)
		go func() { defer workers.Done(); stableSleep(&stop) }()
	}
	for i := 0; i < 30; i++ {
		workers.Add(1)
		go func() { defer workers.Done(); stableWait(release) }()
	}

	// A goroutine that has not run yet shows its entry line, not the line
	// it settles on: let them all settle before the first sample.
	time.Sleep(100 * time.Millisecond)

	var mu sync.Mutex
	var alerts []Alert
	w := New(Config{
		Interval:     20 * time.Millisecond,
		GrowthWindow: 300 * time.Millisecond,
		Handler: func(a Alert) {
			mu.Lock()
			alerts = append(alerts, a)
			mu.Unlock()
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- w.Run(ctx) }()

	// Let it see the stable state for a while: no alert.
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	if len(alerts) != 0 {
		t.Fatalf("alert before any leak: %+v", alerts[0])
	}
	mu.Unlock()

	// Leak one goroutine per millisecond for 600 ms, then stop leaking and
	// keep sampling.
	ch := make(chan int)
	workers.Add(1)
	go func() {
		defer workers.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		// Catch up on late ticks, so that a loaded machine leaks as many.
		start, leaked := time.Now(), 0
		for now := range tick.C {
			elapsed := min(now.Sub(start), 600*time.Millisecond)
			for ; leaked < int(elapsed/time.Millisecond); leaked++ {
				workers.Add(1)
				go func() { defer workers.Done(); leakySend(ch, release) }()
			}
			if elapsed >= 600*time.Millisecond {
				return
			}
		}
	}()
	time.Sleep(1200 * time.Millisecond)
	cancel()
	if err := <-runDone; err != context.Canceled {
		t.Fatalf("Run = %v", err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(alerts) != 1 {
		for _, a := range alerts {
			t.Logf("alert %v %s count %d from %d:\n%s", a.Reason, FormatID(a.Bucket.ID), a.Count, a.From, a.Bucket.Stack)
		}
		t.Fatalf("%d alerts, want exactly 1", len(alerts))
	}
	// With 400 sleepers the growth threshold (50) is normally crossed
	// before the blocked share (20%, at about 75 leaked); either way it is
	// the one alert for the bucket.
	a := alerts[0]
	if !strings.HasPrefix(a.Bucket.Stack, "github.com/leakscope/leakscope/go/watchdog.leakySend ") {
		t.Fatalf("alert %v for bucket:\n%s", a.Reason, a.Bucket.Stack)
	}
	if !a.Bucket.Blocked {
		t.Error("the leaking bucket (blocked in select) is not marked blocked")
	}
	if a.Reason == Growth && a.Count-a.From < 50 {
		t.Errorf("alert at growth %d, under GrowthMin", a.Count-a.From)
	}
	if !strings.HasSuffix(a.CreatedBy.Func, "TestLeakFiresOnce.func") && !strings.Contains(a.CreatedBy.Func, "TestLeakFiresOnce.func") {
		t.Errorf("creation site %+v, want the test's leaking closure", a.CreatedBy)
	}
	if !strings.HasSuffix(a.CreatedBy.File, "watchdog_test.go") || a.CreatedBy.Line == 0 {
		t.Errorf("creation site %+v, want a line of watchdog_test.go", a.CreatedBy)
	}
	if a.Bucket.ID != StackID(a.Bucket.Frames, false) {
		t.Error("bucket ID is not the ID of its frames")
	}
	s := w.Latest()
	if s == nil || s.Total < 430+590 {
		t.Fatalf("latest sample has %d goroutines, want the stable 430 and the leaked ones", s.Total)
	}
}

// The bucket IDs the watchdog computes from the profile are the IDs of the
// same goroutines in a full traceback (debug=2), the other format
// `leakscope dump` reads.
func TestProfileAndTracebackAgree(t *testing.T) {
	release := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); stableWait(release) }()
	}
	defer func() { close(release); wg.Wait() }()
	time.Sleep(10 * time.Millisecond)
	w := New(Config{})
	s, err := w.Sample()
	if err != nil {
		t.Fatal(err)
	}
	var target *BucketCount
	for i := range s.Buckets {
		if strings.HasPrefix(s.Buckets[i].Stack, "github.com/leakscope/leakscope/go/watchdog.stableWait ") {
			target = &s.Buckets[i]
		}
	}
	if target == nil || target.Count != 10 || !target.Blocked {
		t.Fatalf("bucket of the 10 waiting goroutines: %+v", target)
	}
	a := []Alert{{Bucket: target.Bucket}}
	w.findCreationSites(a)
	if !strings.Contains(a[0].CreatedBy.Func, "TestProfileAndTracebackAgree") {
		t.Fatalf("no goroutine in the traceback has bucket %s (creation site %+v)", FormatID(target.ID), a[0].CreatedBy)
	}
}

func TestSleepersAreNotBlocked(t *testing.T) {
	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); stableSleep(&stop) }()
	}
	defer func() { stop.Store(true); wg.Wait() }()
	time.Sleep(10 * time.Millisecond)
	s, err := New(Config{}).Sample()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range s.Buckets {
		if strings.HasPrefix(b.Stack, "time.Sleep") && b.Blocked {
			t.Fatalf("sleeping bucket marked blocked:\n%s", b.Stack)
		}
	}
}

func TestBlockedShareAlert(t *testing.T) {
	release := make(chan struct{})
	var wg sync.WaitGroup
	defer func() { close(release); wg.Wait() }()
	var alerts []Alert
	// GrowthMin out of reach: only the blocked rule can fire.
	w := New(Config{GrowthMin: 1 << 30, Handler: func(a Alert) { alerts = append(alerts, a) }})
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); stableWait(release) }()
	}
	time.Sleep(10 * time.Millisecond)
	w.Sample()
	if len(alerts) != 0 {
		t.Fatalf("blocked alert after one sample over the share")
	}
	w.Sample()
	if len(alerts) != 1 || alerts[0].Reason != Blocked ||
		!strings.HasPrefix(alerts[0].Bucket.Stack, "github.com/leakscope/leakscope/go/watchdog.stableWait ") {
		t.Fatalf("alerts %+v, want one blocked alert for stableWait", alerts)
	}
	w.Sample()
	if len(alerts) != 1 {
		t.Fatal("blocked alert fired again before recovery")
	}
}

func TestServeHTTP(t *testing.T) {
	w := New(Config{})
	srv := httptest.NewServer(w)
	defer srv.Close()
	get := func(q string) (string, string) {
		resp, err := srv.Client().Get(srv.URL + "/debug/pprof/goroutine" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), resp.Header.Get("X-Leakscope-Last-Sample")
	}
	if body, at := get("?debug=1"); !strings.HasPrefix(body, "goroutine profile: total ") || at != "" {
		t.Fatalf("debug=1 before a sample: %q, sample time %q", body[:min(len(body), 40)], at)
	}
	w.Sample()
	if body, at := get("?debug=1"); !strings.HasPrefix(body, "goroutine profile: total ") || at == "" {
		t.Fatalf("debug=1 after a sample: %q, sample time %q", body[:min(len(body), 40)], at)
	}
	if body, _ := get("?debug=2"); !strings.HasPrefix(body, "goroutine ") {
		t.Fatalf("debug=2: %q", body[:min(len(body), 40)])
	}
	if body, _ := get(""); len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
		t.Fatal("debug=0 is not a gzip'd profile")
	}
}

// The two sources (GoroutineProfile records, and the debug=1 profile used
// when a stack may be cut short) bucket the same goroutines identically.
func TestSourcesAgree(t *testing.T) {
	release := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); stableWait(release) }()
	}
	defer func() { close(release); wg.Wait() }()
	time.Sleep(10 * time.Millisecond)
	w := New(Config{})
	w.mu.Lock()
	fast, err1 := w.take(time.Now())
	slow, err2 := w.fromProfile(time.Now())
	w.mu.Unlock()
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	find := func(s *Sample) BucketCount {
		for _, b := range s.Buckets {
			if strings.HasPrefix(b.Stack, "github.com/leakscope/leakscope/go/watchdog.stableWait ") {
				return b
			}
		}
		return BucketCount{}
	}
	a, b := find(fast), find(slow)
	if a.Bucket == nil || b.Bucket == nil || a.ID != b.ID || a.Count != 20 || b.Count != 20 || !a.Blocked {
		t.Fatalf("records: %+v, profile: %+v", a, b)
	}
	if w.fallbacks != 1 {
		t.Fatalf("fallbacks = %d", w.fallbacks)
	}
}

// A stack deeper than a StackRecord holds makes the sample fall back to the
// debug=1 profile, whose frames are not cut at 32.
func TestDeepStackFallsBack(t *testing.T) {
	release := make(chan struct{})
	done := make(chan struct{})
	go func() { defer close(done); deep(40, release) }()
	defer func() { close(release); <-done }()
	time.Sleep(10 * time.Millisecond)
	w := New(Config{})
	s, err := w.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if w.fallbacks != 1 {
		t.Fatalf("fallbacks = %d, want 1", w.fallbacks)
	}
	for _, b := range s.Buckets {
		if strings.HasPrefix(b.Stack, "github.com/leakscope/leakscope/go/watchdog.stableWait ") {
			if n := strings.Count(b.Stack, "watchdog.deep "); n != 41 { // deep(40) down to deep(0)
				t.Fatalf("deep bucket has %d deep frames, want 41", n)
			}
			return
		}
	}
	t.Fatal("deep bucket not found")
}

//go:noinline
func deep(n int, release chan struct{}) {
	if n == 0 {
		stableWait(release)
		return
	}
	deep(n-1, release)
}

// Growth is measured against the oldest sample inside the window, or the
// previous sample when that one is already outside it.
func TestGrowthBase(t *testing.T) {
	w := New(Config{GrowthWindow: time.Minute, GrowthMin: 50})
	t0 := time.Unix(1000, 0)
	feed := func(at time.Duration, n int) []Alert {
		counts := map[uint64]int{1: n}
		w.buckets[1] = &Bucket{ID: 1}
		return w.evaluate(w.finishSample(t0.Add(at), counts))
	}
	feed(0, 100)
	if a := feed(30*time.Second, 140); len(a) != 0 {
		t.Fatal("alert for +40")
	}
	if a := feed(50*time.Second, 160); len(a) != 1 || a[0].From != 100 || a[0].Count != 160 {
		t.Fatalf("alerts %+v, want one from 100 to 160", a)
	}
	// Samples two minutes apart: compared with the previous one.
	w = New(Config{GrowthWindow: time.Minute, GrowthMin: 50})
	feed(0, 100)
	if a := feed(2*time.Minute, 200); len(a) != 1 || a[0].From != 100 {
		t.Fatalf("alerts %+v, want one from 100", a)
	}
	// 15%: +60 on 1,000 is not enough.
	w = New(Config{GrowthWindow: time.Minute, GrowthMin: 50})
	feed(0, 1000)
	if a := feed(10*time.Second, 1060); len(a) != 0 {
		t.Fatal("alert for +6%")
	}
}

// An alert fires once per bucket until the bucket recovers (falls back to
// the count it grew from), and again if it then grows again.
func TestAlertRearmsAfterRecovery(t *testing.T) {
	w := New(Config{GrowthWindow: time.Minute, GrowthMin: 50})
	t0 := time.Unix(1000, 0)
	at := time.Duration(0)
	feed := func(n int) int {
		at += 10 * time.Second
		w.buckets[1] = &Bucket{ID: 1}
		return len(w.evaluate(w.finishSample(t0.Add(at), map[uint64]int{1: n})))
	}
	steps := []struct{ count, alerts int }{
		{100, 0}, {200, 1}, // grows: alert
		{300, 0}, {400, 0}, // still growing: no second alert
		{100, 0}, // back to where it grew from: re-armed
		{200, 1}, // grows again: alert again
	}
	for i, s := range steps {
		if got := feed(s.count); got != s.alerts {
			t.Fatalf("step %d (count %d): %d alerts, want %d", i, s.count, got, s.alerts)
		}
	}
}

func lockForever(mu *sync.Mutex)     { mu.Lock() }
func waitForever(wg *sync.WaitGroup) { wg.Wait() }

// Waits in package sync are blocked; the runtime's own semaphore waits
// (a goroutine whose allocation starts a collection another is starting)
// are not, which only the stack under runtime.semacquire1 tells apart.
func TestSyncWaitsAreBlocked(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	var never sync.WaitGroup
	never.Add(1)
	go lockForever(&mu)
	go waitForever(&never)
	defer func() { mu.Unlock(); never.Done() }()
	time.Sleep(20 * time.Millisecond)
	s, err := New(Config{}).Sample()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"watchdog.lockForever", "watchdog.waitForever"} {
		found := false
		for _, b := range s.Buckets {
			if strings.Contains(b.Stack, name) {
				found = true
				if !b.Blocked {
					t.Errorf("%s: not marked blocked:\n%s", name, b.Stack)
				}
			}
		}
		if !found {
			t.Errorf("%s: no bucket", name)
		}
	}
}
