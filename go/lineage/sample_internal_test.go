package lineage

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestAdaptiveRateFollowsBudget(t *testing.T) {
	var s sampler
	s.init(presets["default"], 0.003)
	start := s.rate()
	s.last = time.Now().Add(-time.Second)
	s.spentNS.Store(int64(time.Second)) // a whole CPU-second: far over budget
	s.adjust()
	if r := s.rate(); r >= start || r < s.min {
		t.Fatalf("over budget: rate %v -> %v", start, r)
	}
	low := s.rate()
	s.last = time.Now().Add(-time.Second)
	s.adjust() // nothing spent: doubles
	if r := s.rate(); r < 1.9*low || r > 2.1*low {
		t.Errorf("under budget: rate %v -> %v", low, r)
	}
	for i := 0; i < 40; i++ {
		s.last = time.Now().Add(-time.Second)
		s.adjust()
	}
	if s.rate() != 1 {
		t.Errorf("default preset did not reach its ceiling: %v", s.rate())
	}

	var peak sampler
	peak.init(presets["peak"], 0.003)
	for i := 0; i < 5; i++ {
		peak.last = time.Now().Add(-time.Second)
		peak.adjust()
	}
	if peak.rate() != 0.001 {
		t.Errorf("peak went past 0.1%%: %v", peak.rate())
	}
}

func TestEncoderEscapes(t *testing.T) {
	ev := event{ev: evEnd, id: "a\"b\\c\n\x01\xff\u00e9", t: 1, how: "never"}
	got := string(appendEvent(nil, &ev))
	want := `{"ev":"end","id":"a\"b\\c\n\u0001\ufffdé","t":1,"how":"never"}` + "\n"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestEncoderAllocatesNothing(t *testing.T) {
	st := &site{fn: "main.f", file: "/a.go", line: 3}
	ev := event{ev: evDerive, id: "ln-1-2-g3", parent: "root:todo", kind: kindTimeout, t: 5, g: 3, site: st, deadline: 9, hasTimeout: true, timeoutUS: 4}
	buf := make([]byte, 0, 512)
	if n := testing.AllocsPerRun(100, func() { buf = appendEvent(buf[:0], &ev) }); n != 0 {
		t.Errorf("%v allocations per event", n)
	}
}

func TestGoidMatchesRuntimeStack(t *testing.T) {
	if haveGetg && goid() != stackGoid() {
		t.Fatalf("goid %d, runtime.Stack says %d", goid(), stackGoid())
	}
	if haveGetg && goidWord.off < 0 {
		t.Error("no goid offset found: falling back to runtime.Stack")
	}
	done := make(chan [2]uint64)
	for i := 0; i < 5; i++ {
		go func() { done <- [2]uint64{goid(), stackGoid()} }()
		if got := <-done; got[0] != got[1] {
			t.Errorf("goid %d, runtime.Stack says %d", got[0], got[1])
		}
	}
}

func TestCreatorGoidMatchesRuntimeStack(t *testing.T) {
	if haveGetg && creatorGoid() != stackCreatorGoid() {
		t.Fatalf("creator %d, runtime.Stack says %d", creatorGoid(), stackCreatorGoid())
	}
	if haveGetg && creatorWord.off < 0 {
		t.Error("no creator offset found: falling back to runtime.Stack")
	}
	// Nested: each level's creator is the level above, a different ID
	// every time.
	type ids struct{ self, creator, fromStack, creatorOfParent uint64 }
	done := make(chan ids)
	var start func(depth int, parent uint64)
	start = func(depth int, parent uint64) {
		got := ids{goid(), creatorGoid(), stackCreatorGoid(), parent}
		if depth == 0 {
			done <- got
			return
		}
		go start(depth-1, got.self)
	}
	go start(4, goid())
	got := <-done
	if got.creator == 0 || got.creator != got.fromStack || got.creator != got.creatorOfParent {
		t.Errorf("creator %d, runtime.Stack says %d, the goroutine that started it is %d",
			got.creator, got.fromStack, got.creatorOfParent)
	}
}

func TestStackCreatorGoidOfDeepStack(t *testing.T) {
	// A traceback longer than the first buffer: the "created by" line is
	// at its end.
	var deep func(n int) uint64
	deep = func(n int) uint64 {
		if n == 0 {
			return stackCreatorGoid()
		}
		return deep(n - 1)
	}
	want := goid()
	done := make(chan uint64)
	go func() { done <- deep(200) }()
	if got := <-done; got != want {
		t.Errorf("stackCreatorGoid %d at depth 200, want %d", got, want)
	}
}

// BenchmarkGoroutineIDs: what a traced root pays for its goroutine's ID
// and its creator's (cg), read from g, and what the runtime.Stack
// fallback would cost instead.
func BenchmarkGoroutineIDs(b *testing.B) {
	var sink uint64
	b.Run("goid", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink += goid()
		}
	})
	b.Run("creator", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink += creatorGoid()
		}
	})
	b.Run("creator-from-stack", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink += stackCreatorGoid()
		}
	})
	_ = sink
}

// Middleware marks the goroutine serving an unsampled request for exactly
// as long as it serves it, and roots made there follow the request.
func TestServingMarkLastsTheRequest(t *testing.T) {
	if !haveGetg {
		t.Skip("no getg: Middleware marks the request's context instead")
	}
	s, err := Start(Config{Writer: io.Discard, Sample: "0"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var inside, followed bool
	h := Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		inside, _ = servingUnsampled()
		d, pass := begin(r.Context(), kindTimeout)
		followed = !pass && d.followed && !d.sampled
	}))
	server := context.WithValue(context.Background(), http.ServerContextKey, nil)
	h.ServeHTTP(nil, httptest.NewRequest("GET", "/", nil).WithContext(server))
	if !inside || !followed {
		t.Errorf("inside the handler: marked %v, root followed %v", inside, followed)
	}
	if marked, _ := servingUnsampled(); marked {
		t.Error("the mark outlived the request")
	}
	func() {
		defer func() { recover() }()
		Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("handler") })).
			ServeHTTP(nil, httptest.NewRequest("GET", "/", nil).WithContext(server))
	}()
	if marked, _ := servingUnsampled(); marked {
		t.Error("the mark outlived a panicking handler")
	}
}

func TestServingMarkCarriesTimed(t *testing.T) {
	if !haveGetg {
		t.Skip("no getg")
	}
	for _, timed := range []bool{false, true} {
		mark, slot := markServing(timed)
		if m, tm := servingUnsampled(); !m || tm != timed {
			t.Errorf("marked with timed=%v: read %v, %v", timed, m, tm)
		}
		done := make(chan bool)
		go func() { m, _ := servingUnsampled(); done <- m }()
		if <-done {
			t.Error("another goroutine reads the mark as its own")
		}
		unmarkServing(mark, slot)
		if m, _ := servingUnsampled(); m {
			t.Error("mark not taken off")
		}
	}
}
