package lineage_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/leakscope/leakscope/go/lineage"
)

func TestHTTPJoinsCallerAndCallee(t *testing.T) {
	var callerID, seenState, seenParent string
	evs := record(t, lineage.Config{}, func() {
		srv := httptest.NewServer(lineage.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seenState = r.Header.Get("tracestate")
			seenParent = r.Header.Get("traceparent")
			ctx, cancel := lineage.WithTimeout(r.Context(), time.Second)
			defer cancel()
			_ = ctx
		})))
		defer srv.Close()
		client := &http.Client{Transport: &lineage.Transport{}}
		ctx, cancel := lineage.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		callerID = lineage.ID(ctx)
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		req.Header.Add("tracestate", "rojo=00f067aa0ba902b7, lnscope=ln-old")
		req.Header.Add("tracestate", "congo=t61rcWkgMzE")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if req.Header.Get("tracestate") != "rojo=00f067aa0ba902b7, lnscope=ln-old" {
			t.Error("Transport changed the caller's request")
		}
	})
	if want := "lnscope=" + callerID + ",rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"; seenState != want {
		t.Errorf("tracestate sent %q, want %q", seenState, want)
	}
	if seenParent != "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" {
		t.Errorf("traceparent changed: %q", seenParent)
	}
	var served, inner map[string]any
	for _, e := range derives(evs) {
		if e.str("parent") == "root:remote" {
			served = e
		}
	}
	if served == nil || served["remote_parent"] != callerID {
		t.Fatalf("no root:remote derive with remote_parent %s: %v", callerID, derives(evs))
	}
	for _, e := range derives(evs) {
		if e.str("parent") == served["id"] {
			inner = e
		}
	}
	if inner == nil || inner["kind"] != "timeout" {
		t.Errorf("handler's context not under the served one: %v", derives(evs))
	}
	// The request's context is made where Middleware was called (line 17
	// of this file), not inside package lineage.
	file, _ := served["file"].(string)
	if !strings.HasSuffix(file, "remote_test.go") || served["line"] != float64(17) ||
		served["func"] != "github.com/leakscope/leakscope/go/lineage_test.TestHTTPJoinsCallerAndCallee.func1" {
		t.Errorf("served context's site %v %v:%v, want this test's Middleware call (remote_test.go:17)",
			served["func"], served["file"], served["line"])
	}
}

func TestOutgoingMakesTraceparent(t *testing.T) {
	record(t, lineage.Config{}, func() {
		ctx, cancel := lineage.WithCancel(context.Background())
		defer cancel()
		tp, ts, ok := lineage.Outgoing(ctx, "", "")
		if !ok || len(tp) != 55 || !strings.HasPrefix(tp, "00-") || !strings.HasSuffix(tp, "-01") {
			t.Errorf("traceparent %q ok=%v", tp, ok)
		}
		if ts != "lnscope="+lineage.ID(ctx) {
			t.Errorf("tracestate %q", ts)
		}
		// A traceparent the caller has is kept; without a valid one its
		// tracestate must not be trusted (W3C).
		tp2, ts2, _ := lineage.Outgoing(ctx, "garbage", "a=1")
		if tp2 == "garbage" || ts2 != "lnscope="+lineage.ID(ctx) {
			t.Errorf("invalid traceparent kept: %q %q", tp2, ts2)
		}
		// Members that break the W3C syntax are dropped, the list stays at
		// 32 members at most.
		var many []string
		for i := 0; i < 40; i++ {
			many = append(many, "k"+string(rune('a'+i%26))+strings.Repeat("x", i/26)+"=v")
		}
		many = append(many, "BAD=1", "ok=has space ", "t@sys=1")
		_, ts3, _ := lineage.Outgoing(ctx, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", strings.Join(many, ","))
		members := strings.Split(ts3, ",")
		if len(members) != 32 || strings.Contains(ts3, "BAD") || !strings.HasPrefix(ts3, "lnscope=") {
			t.Errorf("%d members: %q", len(members), ts3)
		}
	})
	// Unsampled or untraced contexts change nothing.
	if _, _, ok := lineage.Outgoing(context.Background(), "", ""); ok {
		t.Error("Outgoing on an untraced context")
	}
}

func TestFromRemoteRejectsBadTraceparent(t *testing.T) {
	evs := record(t, lineage.Config{}, func() {
		for _, tp := range []string{
			"00-00000000000000000000000000000000-00f067aa0ba902b7-01",   // zero trace ID
			"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",   // zero parent ID
			"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // version ff
			"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",   // upper case
			"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", // v00 is exactly 55
		} {
			_, cancel := lineage.FromRemote(context.Background(), tp, "lnscope=ln-1-2-g3")
			cancel()
		}
		_, cancel := lineage.FromRemote(context.Background(), "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future", "lnscope=ln-1-2-g3")
		cancel()
	})
	ds := derives(evs)
	for i, d := range ds[:5] {
		if d.str("parent") != "root:background" {
			t.Errorf("%d: %v", i, d)
		}
	}
	if ds[5].str("parent") != "root:remote" || ds[5].str("remote_parent") != "ln-1-2-g3" {
		t.Errorf("a later version's traceparent was refused: %v", ds[5])
	}
}

func TestRemoteLineageIsTracedAtAnyRate(t *testing.T) {
	const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	var withID, withoutID string
	evs := record(t, lineage.Config{Sample: "0"}, func() {
		ctx, cancel := lineage.FromRemote(context.Background(), tp, "x=1,lnscope=ln-5-6-g7")
		defer cancel()
		withID = lineage.ID(ctx)
		// A client call from here continues the caller's trace ID.
		out, ts, ok := lineage.Outgoing(ctx, "", "")
		if !ok || !strings.HasPrefix(out, "00-4bf92f3577b34da6a3ce929d0e0e4736-") || ts != "lnscope="+withID+",x=1" {
			t.Errorf("outgoing %q %q %v", out, ts, ok)
		}
		// (From a server's context: one from Background would be marked
		// held, and so traced, since this goroutine holds ctx.)
		server := context.WithValue(context.Background(), http.ServerContextKey, nil)
		ctx2, cancel2 := lineage.FromRemote(server, tp, "x=1")
		defer cancel2()
		withoutID = lineage.ID(ctx2)
	})
	if withID == "" || withoutID != "" {
		t.Errorf("traced: with lnscope %q, without %q", withID, withoutID)
	}
	if d := derives(evs); len(d) != 1 || d[0].str("remote_parent") != "ln-5-6-g7" {
		t.Errorf("derives %v", d)
	}
}

// An unsampled request passes Middleware untouched and nothing below it
// is recorded; a caller's lineage ID still makes a traced root:remote.
// With "off" the request passes untouched too.
func TestMiddlewareUnsampledAndOff(t *testing.T) {
	const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	var sameRequest bool
	var ids []string
	h := func(in *http.Request) http.Handler {
		return lineage.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			sameRequest = r == in
			ctx, cancel := lineage.WithCancel(r.Context())
			defer cancel()
			ids = append(ids, lineage.ID(ctx))
		}))
	}
	server := context.WithValue(context.Background(), http.ServerContextKey, nil)
	evs := record(t, lineage.Config{Sample: "0"}, func() {
		plainReq := httptest.NewRequest("GET", "/", nil).WithContext(server)
		plainReq.Header.Set("traceparent", tp) // another tracer's, without lnscope
		h(plainReq).ServeHTTP(httptest.NewRecorder(), plainReq)
		if sameRequest != lineage.MarksGoroutines {
			t.Errorf("unsampled: request kept %v (it is copied, with a marked context, only where goroutines cannot be marked)", sameRequest)
		}
		remoteReq := httptest.NewRequest("GET", "/", nil).WithContext(server)
		remoteReq.Header.Set("traceparent", tp)
		remoteReq.Header.Set("tracestate", "lnscope=ln-5-6-g7")
		h(remoteReq).ServeHTTP(httptest.NewRecorder(), remoteReq)
	})
	if len(ids) != 2 || ids[0] != "" || ids[1] == "" {
		t.Errorf("ids below the middleware: %q (want none, then one)", ids)
	}
	if d := derives(evs); len(d) != 2 || d[0].str("remote_parent") != "ln-5-6-g7" {
		t.Errorf("derives %v", d)
	}
	record(t, lineage.Config{Sample: "off"}, func() {
		req := httptest.NewRequest("GET", "/", nil).WithContext(server)
		h(req).ServeHTTP(httptest.NewRecorder(), req)
		if !sameRequest {
			t.Error("off: the request was copied")
		}
	})
}

// Under Middleware at a partial rate a request is sampled once: traced
// whole from its own context, or not at all in the goroutine that serves
// it, whose roots follow the request's decision. Only a goroutine of the
// handler's that derives directly from r.Context() decides for itself.
// Every recorded graph is whole.
func TestMiddlewareSamplesRequestsWhole(t *testing.T) {
	const requests = 400
	var in *http.Request
	copied := 0
	h := lineage.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		if r != in {
			copied++ // Middleware traced the request: a new context, so a copy
		}
		ctx, cancel := lineage.WithTimeout(r.Context(), time.Minute)
		defer cancel()
		ctx = lineage.WithValue(ctx, "id", 1)
		ctx, cancel2 := lineage.WithCancel(ctx)
		defer cancel2()
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, cancel := lineage.WithCancelCause(r.Context())
			cancel(nil)
		}()
		<-done
	}))
	server := context.WithValue(context.Background(), http.ServerContextKey, nil)
	evs := record(t, lineage.Config{Sample: "0.5", Sync: true}, func() {
		for i := 0; i < requests; i++ {
			in = httptest.NewRequest("GET", "/", nil).WithContext(server)
			h.ServeHTTP(httptest.NewRecorder(), in)
		}
	})
	ds := derives(evs)
	byID := map[string]event{}
	for _, d := range ds {
		byID[d.str("id")] = d
	}
	requestRoots, goroutineRoots := 0, 0
	for _, d := range ds {
		switch p := d.str("parent"); {
		case p == "root:untracked" && d.str("kind") == "cancel":
			requestRoots++
		case p == "root:untracked" && d.str("kind") == "cancel_cause":
			goroutineRoots++
		case strings.HasPrefix(p, "root:"):
			t.Fatalf("unexpected root %v", d)
		case byID[p] == nil:
			t.Fatalf("derive %v has a parent that was not recorded", d)
		}
	}
	if len(ds) != 5*requestRoots+goroutineRoots {
		t.Errorf("%d derives for %d request roots and %d goroutine roots: graphs not whole", len(ds), requestRoots, goroutineRoots)
	}
	if !lineage.MarksGoroutines {
		// The request's context carries the decision: copied every time,
		// and the goroutine follows it too.
		copied, goroutineRoots = requestRoots, requests
	}
	if requestRoots != copied || requestRoots < requests/4 || goroutineRoots < requests/16 {
		t.Errorf("%d requests traced (%d given a new context), %d goroutine roots", requestRoots, copied, goroutineRoots)
	}
}

// A value or WithoutCancel context made from a context the package did
// not make (other than Background and TODO) is not a root: it could never
// be seen to end. The first cancelable context below it is.
func TestValueOnUntrackedIsNotARoot(t *testing.T) {
	type k struct{}
	outside := context.WithValue(context.Background(), k{}, "v")
	var ids []string
	evs := record(t, lineage.Config{}, func() {
		v := lineage.WithValue(outside, k{}, "w")
		wc := lineage.WithoutCancel(outside)
		c, cancel := lineage.WithCancel(v)
		defer cancel()
		bg := lineage.WithValue(context.Background(), k{}, "x")
		ids = []string{lineage.ID(v), lineage.ID(wc), lineage.ID(c), lineage.ID(bg)}
		if c.Value(k{}) != "w" {
			t.Error("lost the value")
		}
	})
	if ids[0] != "" || ids[1] != "" || ids[2] == "" || ids[3] == "" {
		t.Errorf("ids %q", ids)
	}
	d := derives(evs)
	if len(d) != 2 || d[0].str("parent") != "root:untracked" || d[0].str("kind") != "cancel" ||
		d[1].str("parent") != "root:background" || d[1].str("kind") != "value" {
		t.Errorf("derives %v", d)
	}
}

// The untraced path of Middleware and Transport allocates nothing: no
// request copy, no context, no header canonicalization.
func TestUnsampledHopAllocatesNothing(t *testing.T) {
	var served int
	h := lineage.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served++ }))
	server := context.WithValue(context.Background(), http.ServerContextKey, nil)
	req := httptest.NewRequest("GET", "/", nil).WithContext(server)
	resp := &http.Response{StatusCode: 200}
	tr := &lineage.Transport{Base: roundTripFunc(func(*http.Request) (*http.Response, error) { return resp, nil })}
	out, _ := http.NewRequestWithContext(server, "GET", "http://example.invalid/", nil)
	record(t, lineage.Config{Sample: "0"}, func() {
		if n := testing.AllocsPerRun(200, func() { h.ServeHTTP(nil, req) }); n != 0 && lineage.MarksGoroutines {
			t.Errorf("Middleware: %v allocations per unsampled request", n)
		}
		if n := testing.AllocsPerRun(200, func() { tr.RoundTrip(out) }); n != 0 {
			t.Errorf("Transport: %v allocations per untraced request", n)
		}
	})
	if served == 0 {
		t.Error("handler not called")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
