package lineage_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"runtime/trace"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakscope/leakscope/go/lineage"
)

type event map[string]any

func (e event) str(k string) string { s, _ := e[k].(string); return s }
func (e event) num(k string) int64  { f, _ := e[k].(float64); return int64(f) }

// syncBuffer is an io.Writer safe for the drain goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// record runs fn with a sink at 100% sampling and returns the events,
// header first.
func record(t *testing.T, cfg lineage.Config, fn func()) []event {
	t.Helper()
	var buf syncBuffer
	cfg.Writer = &buf
	if cfg.Sample == "" {
		cfg.Sample = "all"
	}
	s, err := lineage.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fn()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return parse(t, buf.String())
}

func parse(t *testing.T, text string) []event {
	t.Helper()
	var out []event
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if !strings.HasPrefix(line, `{"ev":"`) {
			t.Fatalf("line does not start with the ev member: %s", line)
		}
		var e event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		out = append(out, e)
	}
	if len(out) == 0 || out[0].str("ev") != "header" || out[0].num("v") != 1 {
		t.Fatalf("no header first: %v", out)
	}
	return out
}

func find(evs []event, ev, id string) event {
	for _, e := range evs {
		if e.str("ev") == ev && e.str("id") == id {
			return e
		}
	}
	return nil
}

func derives(evs []event) []event {
	var out []event
	for _, e := range evs {
		if e.str("ev") == "derive" {
			out = append(out, e)
		}
	}
	return out
}

func TestConstructorsRecordKindParentSite(t *testing.T) {
	type key struct{}
	var ids []string
	var line int
	evs := record(t, lineage.Config{}, func() {
		bg := context.Background()
		c1, cancel1 := lineage.WithCancel(bg)
		_, _, line, _ = runtime.Caller(0)
		line-- // the WithCancel line
		c2, cancel2 := lineage.WithCancelCause(c1)
		c3, cancel3 := lineage.WithTimeout(c2, time.Hour)
		c4, cancel4 := lineage.WithTimeoutCause(c3, time.Minute, errors.New("slow"))
		c5, cancel5 := lineage.WithDeadline(c4, time.Now().Add(30*time.Second))
		c6, cancel6 := lineage.WithDeadlineCause(c5, time.Now().Add(10*time.Second), errors.New("late"))
		c7 := lineage.WithValue(c6, key{}, 1)
		c8 := lineage.WithValue(c7, key{}, 2)
		c9 := lineage.WithoutCancel(c8)
		stop := lineage.AfterFunc(c9, func() {})
		for _, c := range []context.Context{c1, c2, c3, c4, c5, c6, c7, c8, c9} {
			ids = append(ids, lineage.ID(c))
		}
		stop()
		cancel6()
		cancel5()
		cancel4()
		cancel3()
		cancel2(errors.New("done"))
		cancel1()
		if c8.Value(key{}) != 2 {
			t.Error("WithValue lost its value")
		}
	})
	ds := derives(evs)
	wantKinds := []string{"cancel", "cancel_cause", "timeout", "timeout_cause", "deadline", "deadline_cause", "value", "value", "without_cancel", "afterfunc"}
	if len(ds) != len(wantKinds) {
		t.Fatalf("got %d derives, want %d: %v", len(ds), len(wantKinds), ds)
	}
	for i, d := range ds {
		if d.str("kind") != wantKinds[i] {
			t.Errorf("derive %d: kind %q, want %q", i, d.str("kind"), wantKinds[i])
		}
		if i < len(ids) && d.str("id") != ids[i] {
			t.Errorf("derive %d: id %q, want ID(ctx) %q", i, d.str("id"), ids[i])
		}
		wantParent := "root:background"
		if i > 0 {
			wantParent = ds[i-1].str("id")
		}
		if d.str("parent") != wantParent {
			t.Errorf("derive %d (%s): parent %q, want %q", i, d.str("kind"), d.str("parent"), wantParent)
		}
		if !strings.HasSuffix(d.str("file"), "lineage_test.go") || !strings.HasSuffix(d.str("func"), "TestConstructorsRecordKindParentSite.func1") {
			t.Errorf("derive %d: site %s %s", i, d.str("func"), d.str("file"))
		}
		if d.num("g") == 0 || !strings.HasSuffix(d.str("id"), "-g"+jsonNum(d.num("g"))) || !strings.HasPrefix(d.str("id"), "ln-") {
			t.Errorf("derive %d: id %q, g %d", i, d.str("id"), d.num("g"))
		}
	}
	if ds[0].num("line") != int64(line) {
		t.Errorf("site line %d, want %d", ds[0].num("line"), line)
	}
	if got := ds[2].num("timeout_us"); got != time.Hour.Microseconds() {
		t.Errorf("timeout_us %d", got)
	}
	if ds[2].num("deadline") == 0 || ds[1].num("deadline") != 0 || ds[3].num("parent_deadline") != ds[2].num("deadline") {
		t.Errorf("deadlines wrong: %v / %v / %v", ds[1], ds[2], ds[3])
	}
	if us := ds[4].num("timeout_us"); us < 29e6 || us > 30e6 {
		t.Errorf("deadline timeout_us %d", us)
	}
	if ds[6].num("value_depth") != 1 || ds[7].num("value_depth") != 2 || !strings.HasSuffix(ds[7].str("key"), ".key") {
		t.Errorf("value chain: %v %v", ds[6], ds[7])
	}
	for i, id := range ids[:6] {
		e := find(evs, "end", id)
		if e == nil || e.str("how") != "cancel" || !strings.HasSuffix(e.str("file"), "lineage_test.go") || e.str("err") != "context canceled" {
			t.Errorf("end of %d: %v", i, e)
		}
	}
	if e := find(evs, "end", ids[1]); e.str("cause") != "done" {
		t.Errorf("cause of cancel_cause end: %v", e)
	}
	if e := find(evs, "end", ds[9].str("id")); e == nil || e.str("how") != "cancel" {
		t.Errorf("stopped AfterFunc: %v", e)
	}
}

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestEndings(t *testing.T) {
	var buf syncBuffer
	s, err := lineage.Start(lineage.Config{Writer: &buf, Sample: "all", Sync: true})
	if err != nil {
		t.Fatal(err)
	}
	p, cancelP := lineage.WithCancel(context.TODO())
	child, cancelChild := lineage.WithTimeout(p, time.Hour)
	defer cancelChild()
	parentEnd, cancelID := lineage.ID(child), lineage.ID(p)
	cancelP()
	d, cancelD := lineage.WithTimeoutCause(context.Background(), time.Millisecond, errors.New("too slow"))
	defer cancelD()
	deadlineEnd := lineage.ID(d)
	// The ends seen by AfterFunc are written from goroutines of their own.
	for _, id := range []string{parentEnd, deadlineEnd} {
		waitFor(t, &buf, `{"ev":"end","id":"`+id+`"`)
	}
	s.Close()
	evs := parse(t, buf.String())
	if e := find(evs, "end", parentEnd); e == nil || e.str("how") != "parent" || e.str("err") != "context canceled" {
		t.Errorf("parent end: %v", e)
	}
	if e := find(evs, "end", cancelID); e == nil || e.str("how") != "cancel" {
		t.Errorf("cancel end: %v", e)
	}
	if e := find(evs, "end", deadlineEnd); e == nil || e.str("how") != "deadline" || e.str("err") != "context deadline exceeded" || e.str("cause") != "too slow" {
		t.Errorf("deadline end: %v", e)
	}
	if find(evs, "derive", parentEnd).str("parent") != cancelID || find(evs, "derive", cancelID).str("parent") != "root:todo" {
		t.Error("parents wrong")
	}
}

// waitFor polls buf for text for up to 5 seconds (a loaded machine may
// take a while to run the goroutine that writes it).
func waitFor(t *testing.T, buf *syncBuffer, text string) {
	t.Helper()
	for i := 0; i < 1000 && !strings.Contains(buf.String(), text); i++ {
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(buf.String(), text) {
		t.Fatalf("%s not written:\n%s", text, buf.String())
	}
}

//go:noinline
func dropCancel() string {
	ctx, _ := lineage.WithCancel(context.Background()) //nolint:govet // the leak under test
	return lineage.ID(ctx)
}

func TestNeverCancelled(t *testing.T) {
	var buf syncBuffer
	s, err := lineage.Start(lineage.Config{Writer: &buf, Sample: "all", Sync: true})
	if err != nil {
		t.Fatal(err)
	}
	id := dropCancel()
	want := `{"ev":"end","id":"` + id + `","t":`
	for i := 0; i < 100 && !strings.Contains(buf.String(), want); i++ {
		runtime.GC() // the cleanup runs after the collection that frees the cancel func
		time.Sleep(5 * time.Millisecond)
	}
	s.Close()
	if e := find(parse(t, buf.String()), "end", id); e == nil || e.str("how") != "never" {
		t.Fatalf("no never end for %s:\n%s", id, buf.String())
	}
}

func TestHeldMarksBrokenChain(t *testing.T) {
	var outer, inner string
	evs := record(t, lineage.Config{}, func() {
		ctx, cancel := lineage.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		outer = lineage.ID(ctx)
		fresh, cancel2 := lineage.WithTimeout(context.Background(), time.Second) // should have used ctx
		defer cancel2()
		inner = lineage.ID(fresh)
		done := make(chan struct{})
		go func() { // another goroutine holds nothing
			c, cl := lineage.WithCancel(context.Background())
			defer cl()
			if e := lineage.ID(c); e == "" {
				t.Error("untraced")
			}
			close(done)
		}()
		<-done
	})
	if e := find(evs, "derive", inner); e == nil || e.str("held") != outer {
		t.Errorf("inner root not marked held by %s: %v", outer, e)
	}
	if e := find(evs, "derive", outer); e.str("held") != "" {
		t.Errorf("outer marked: %v", e)
	}
	n := 0
	for _, d := range derives(evs) {
		if d.str("held") != "" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d derives marked held, want 1", n)
	}
}

func TestRootRecordsCreatingGoroutine(t *testing.T) {
	var req, job, child string
	evs := record(t, lineage.Config{}, func() {
		ctx, cancel := lineage.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		req = lineage.ID(ctx)
		done := make(chan struct{})
		go func() { // started without ctx: its root names this goroutine
			defer close(done)
			c, stop := lineage.WithCancel(context.Background())
			defer stop()
			job = lineage.ID(c)
			v := lineage.WithValue(c, struct{}{}, 1)
			child = lineage.ID(v)
		}()
		<-done
	})
	r, j, c := find(evs, "derive", req), find(evs, "derive", job), find(evs, "derive", child)
	if r == nil || j == nil || c == nil {
		t.Fatalf("missing derives: %v %v %v", r, j, c)
	}
	if j.num("cg") != r.num("g") || j.num("g") == r.num("g") {
		t.Errorf("the goroutine's root: g %d, cg %d; want cg = %d (the goroutine that started it)",
			j.num("g"), j.num("cg"), r.num("g"))
	}
	if _, ok := c["cg"]; ok {
		t.Errorf("a derivation from a tracked parent carries cg: %v", c)
	}
	if _, ok := j["held"]; ok {
		t.Errorf("the goroutine held nothing itself: %v", j)
	}
}

func TestUntrackedRootAndPassThrough(t *testing.T) {
	type k struct{}
	outside := context.WithValue(context.Background(), k{}, "v")
	// Without a sink, nothing is wrapped.
	ctx, cancel := lineage.WithCancel(outside)
	cancel()
	if lineage.ID(ctx) != "" {
		t.Error("traced without a sink")
	}
	evs := record(t, lineage.Config{}, func() {
		c, cancel := lineage.WithCancel(outside)
		cancel()
		if c.Value(k{}) != "v" {
			t.Error("lost parent value")
		}
	})
	if d := derives(evs); len(d) != 1 || d[0].str("parent") != "root:untracked" {
		t.Errorf("derives: %v", d)
	}
}

func TestSinkDropsUnderTinyBuffer(t *testing.T) {
	var buf syncBuffer
	release := make(chan struct{})
	writes := 0
	w := writerFunc(func(p []byte) (int, error) {
		if writes++; writes > 1 { // the header goes through; then the writer stalls
			<-release
		}
		return buf.Write(p)
	})
	s, err := lineage.Start(lineage.Config{Writer: w, Buffer: 2, Sample: "all"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 2000
	for i := 0; i < n; i++ {
		_ = lineage.WithValue(context.Background(), i, i)
	}
	close(release)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	evs := parse(t, buf.String())
	kept, dropped := len(derives(evs)), int64(0)
	for _, e := range evs {
		if e.str("ev") == "drops" {
			dropped += e.num("n")
		}
	}
	if int64(kept)+dropped != n || dropped != s.Drops() || dropped < n/2 {
		t.Errorf("kept %d + dropped %d != %d (Drops() %d)", kept, dropped, n, s.Drops())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestSamplingKeepsGraphsWhole(t *testing.T) {
	const roots = 4000
	evs := record(t, lineage.Config{Sample: "0.25", Sync: true}, func() {
		for i := 0; i < roots; i++ {
			r, cancel := lineage.WithCancel(context.Background())
			c := lineage.WithValue(r, "k", i)
			g, cancel2 := lineage.WithTimeout(c, time.Minute)
			cancel2()
			cancel()
			_ = g
		}
	})
	ds := derives(evs)
	byID := map[string]event{}
	for _, d := range ds {
		byID[d.str("id")] = d
	}
	rootsSeen := 0
	for _, d := range ds {
		p := d.str("parent")
		if strings.HasPrefix(p, "root:") {
			rootsSeen++
			if d.str("kind") != "cancel" {
				t.Fatalf("a non-root was recorded as a root: %v", d)
			}
			continue
		}
		if byID[p] == nil {
			t.Fatalf("derive %v has a parent that was not recorded", d)
		}
	}
	if len(ds) != 3*rootsSeen {
		t.Errorf("%d derives for %d sampled roots: graphs not whole", len(ds), rootsSeen)
	}
	if rootsSeen < roots/8 || rootsSeen > roots/2 {
		t.Errorf("sampled %d of %d roots at 25%%", rootsSeen, roots)
	}
}

func TestStartTwiceAndPresets(t *testing.T) {
	s, err := lineage.Start(lineage.Config{Writer: &syncBuffer{}, Sample: "stable"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lineage.Start(lineage.Config{Writer: &syncBuffer{}}); !errors.Is(err, lineage.ErrActive) {
		t.Errorf("second Start: %v", err)
	}
	if s.Rate() != 0.0005 {
		t.Errorf("stable rate %v", s.Rate())
	}
	s.Close()
	if _, err := lineage.Start(lineage.Config{Writer: &syncBuffer{}, Sample: "lots"}); err == nil {
		t.Error("bad preset accepted")
	}
}

func TestStacks(t *testing.T) {
	evs := record(t, lineage.Config{Stacks: true}, func() {
		_, cancel := lineage.WithCancel(context.Background())
		cancel()
	})
	d := derives(evs)[0]
	st, _ := d["stack"].([]any)
	if len(st) < 2 || !strings.Contains(st[0].(string), "TestStacks") {
		t.Errorf("stack: %v", d["stack"])
	}
}

func TestTraceMirror(t *testing.T) {
	var tr bytes.Buffer
	if err := trace.Start(&tr); err != nil {
		t.Skip("a trace is already running:", err)
	}
	var id string
	record(t, lineage.Config{Trace: true}, func() {
		ctx, cancel := lineage.WithCancel(context.Background())
		id = lineage.ID(ctx)
		cancel()
	})
	trace.Stop()
	if !bytes.Contains(tr.Bytes(), []byte(id)) {
		t.Errorf("lineage ID %s not in the runtime trace", id)
	}
}

func TestSyncWritesBeforeReturning(t *testing.T) {
	var buf syncBuffer
	s, err := lineage.Start(lineage.Config{Writer: &buf, Sample: "all", Sync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := lineage.WithCancel(context.Background())
	if !strings.Contains(buf.String(), `"id":"`+lineage.ID(ctx)+`"`) {
		t.Error("derive not written when WithCancel returned")
	}
	cancel()
	if !strings.Contains(buf.String(), `{"ev":"end","id":"`+lineage.ID(ctx)+`"`) {
		t.Error("end not written when cancel returned")
	}
}

// A cancel records the ends of the traced descendants it reaches before it
// returns, so a process that exits right after still has them.
func TestCancelRecordsDescendantsAtOnce(t *testing.T) {
	var buf syncBuffer
	s, err := lineage.Start(lineage.Config{Writer: &buf, Sample: "all", Sync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	root, cancel := lineage.WithCancel(context.Background())
	child, cancelChild := lineage.WithTimeout(lineage.WithValue(root, "k", 1), time.Hour)
	defer cancelChild()
	grandchild, cancelGrandchild := lineage.WithCancel(child)
	defer cancelGrandchild()
	detached, cancelDetached := lineage.WithCancel(lineage.WithoutCancel(root))
	defer cancelDetached()
	cancel()
	text := buf.String()
	for _, c := range []context.Context{child, grandchild} {
		if !strings.Contains(text, `{"ev":"end","id":"`+lineage.ID(c)+`","t":`) {
			t.Errorf("end of %s not written when cancel returned:\n%s", lineage.ID(c), text)
		}
	}
	if strings.Contains(text, `"id":"`+lineage.ID(detached)+`","t":`) && strings.Contains(text, `{"ev":"end","id":"`+lineage.ID(detached)) {
		t.Error("a context under WithoutCancel was recorded as ended")
	}
	evs := parse(t, text)
	if e := find(evs, "end", lineage.ID(grandchild)); e == nil || e.str("how") != "parent" || e.str("err") != "context canceled" {
		t.Errorf("grandchild end %v", e)
	}
}

// A cancel called after the context ended by its deadline or its parent
// records that end before it returns, even if the AfterFunc that watches
// the context has not run yet: a program that returns right after its
// deferred cancel still has the end in its file.
func TestCancelAfterEndRecordsEndAtOnce(t *testing.T) {
	var buf syncBuffer
	s, err := lineage.Start(lineage.Config{Writer: &buf, Sample: "all", Sync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < 50; i++ {
		expired, cancel := lineage.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		child, cancelChild := lineage.WithTimeout(expired, time.Hour)
		cancelChild()
		cancel()
		text := buf.String()
		evs := parse(t, text)
		if e := find(evs, "end", lineage.ID(child)); e == nil || e.str("how") != "parent" {
			t.Fatalf("child of an expired context: end %v when its cancel returned", e)
		}
		if e := find(evs, "end", lineage.ID(expired)); e == nil || e.str("how") != "deadline" || e.str("err") != "context deadline exceeded" {
			t.Fatalf("expired context: end %v when its cancel returned:\n%s", e, text)
		}
	}
}
