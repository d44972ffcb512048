package lineage

import (
	"context"
	"net/http"
	"strings"
)

// Lineage crosses processes in W3C Trace Context headers: the caller's
// lineage ID travels as the tracestate member "lnscope=<id>", and the
// traceparent's trace ID is kept (or made) so that other tracers see one
// trace. Other tracestate members pass through untouched.

// StateKey is this package's tracestate member key.
const StateKey = "lnscope"

const maxStateMembers = 32 // W3C: a tracestate carries at most 32 members

// remoteParent is what an incoming request said about its caller.
type remoteParent struct {
	id      string // the caller's lineage ID ("" if it sent none)
	traceID string // 32 lowercase hex digits ("" if no valid traceparent)
	state   string // the incoming tracestate, to pass on
}

// parseTraceparent returns the trace ID of a valid traceparent header
// ("00-<32 hex>-<16 hex>-<2 hex>"; later versions may append
// "-..." fields), or "".
func parseTraceparent(h string) string {
	h = strings.TrimSpace(h)
	if len(h) < 55 || !isLowerHex(h[:2]) || h[:2] == "ff" || h[2] != '-' || h[35] != '-' || h[52] != '-' {
		return ""
	}
	if h[:2] == "00" && len(h) != 55 || len(h) > 55 && h[55] != '-' {
		return ""
	}
	traceID, parentID, flags := h[3:35], h[36:52], h[53:55]
	if !isLowerHex(traceID) || !isLowerHex(parentID) || !isLowerHex(flags) ||
		strings.Trim(traceID, "0") == "" || strings.Trim(parentID, "0") == "" {
		return ""
	}
	return traceID
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// stateMembers splits a tracestate value (several headers joined with
// ",") into its list members, trimming optional whitespace and skipping
// empty members, as the W3C list rules allow.
func stateMembers(ts string) []string {
	var out []string
	for _, m := range strings.Split(ts, ",") {
		if m = strings.Trim(m, " \t"); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// validStateKey checks the W3C key syntax: lcalpha then up to 255 of
// lcalpha, digit, "_", "-", "*", "/", with an optional "@" tenant part
// (tenant up to 241 characters, system up to 14) for multi-tenant keys.
func validStateKey(k string) bool {
	tenant, system, multi := strings.Cut(k, "@")
	ok := func(s string, max int, first func(byte) bool) bool {
		if len(s) == 0 || len(s) > max || !first(s[0]) {
			return false
		}
		for i := 1; i < len(s); i++ {
			c := s[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '*' || c == '/') {
				return false
			}
		}
		return true
	}
	lower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	lowerOrDigit := func(c byte) bool { return lower(c) || c >= '0' && c <= '9' }
	if !multi {
		return ok(k, 256, lower)
	}
	return ok(tenant, 241, lowerOrDigit) && ok(system, 14, lower)
}

// validStateValue checks the W3C value syntax: up to 256 printable ASCII
// characters other than "," and "=", not ending in a space.
func validStateValue(v string) bool {
	if len(v) == 0 || len(v) > 256 || v[len(v)-1] == ' ' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e || c == ',' || c == '=' {
			return false
		}
	}
	return true
}

// stateValue returns the value of member key in ts, or "".
func stateValue(ts, key string) string {
	for _, m := range stateMembers(ts) {
		if k, v, ok := strings.Cut(m, "="); ok && k == key && validStateValue(v) {
			return v
		}
	}
	return ""
}

// withStateMember puts key=value first (a member that changed moves to
// the left), drops any other member with that key and malformed members,
// keeps the rest in order, and cuts the list at 32 members.
func withStateMember(ts, key, value string) string {
	out := []string{key + "=" + value}
	for _, m := range stateMembers(ts) {
		k, v, ok := strings.Cut(m, "=")
		if k == key || !ok || !validStateKey(k) || !validStateValue(v) {
			continue // ours, or malformed: a receiver may drop those
		}
		if len(out) == maxStateMembers {
			break
		}
		out = append(out, m)
	}
	return strings.Join(out, ",")
}

// FromRemote derives a cancelable context from parent for work done on
// behalf of a caller in another process, given that request's traceparent
// and tracestate header values. When the caller sent its lineage ID
// (tracestate member lnscope), the new context is recorded with parent
// "root:remote" and that ID as remote_parent, and is always sampled (the
// caller sampled its side). Otherwise it is an ordinary root.
func FromRemote(parent context.Context, traceparent, tracestate string) (context.Context, context.CancelFunc) {
	d, pass := remoteDecision(parent, traceparent, func() string { return tracestate }, nil)
	ctx, cancel := context.WithCancel(parent)
	if pass {
		return ctx, cancel
	}
	out := d.finish(parent, ctx, kindCancel, timeout{}, nil)
	if !d.sampled {
		return out, cancel
	}
	return out, watch(nodeOf(out), out, false, ignoreCause(cancel)).call
}

// remoteDecision is begin for FromRemote and Middleware: a caller's
// lineage ID makes a sampled "root:remote" whatever the local decision.
// The tracestate is read only when the traceparent is valid (W3C: no
// valid traceparent, no tracestate), so a request that carries neither
// costs one header lookup and allocates nothing.
func remoteDecision(parent context.Context, traceparent string, tracestate func() string, rl *roll) (d deriving, pass bool) {
	d, pass = beginRolled(parent, kindCancel, rl)
	if d.s == nil {
		return d, true
	}
	if traceID := parseTraceparent(traceparent); traceID != "" {
		ts := tracestate()
		rp := &remoteParent{traceID: traceID, state: ts, id: stateValue(ts, StateKey)}
		if rp.id != "" {
			d, pass = deriving{s: d.s, root: "root:remote", remote: rp, sampled: true}, false
		} else if d.parent == nil {
			d.remote = rp
		}
	}
	return d, pass
}

// Outgoing returns the traceparent and tracestate to send from ctx, given
// the values a request already carries ("" when none). ok is false when
// ctx has no sampled lineage: then nothing needs to change. An existing
// valid traceparent is kept; otherwise one is made with the incoming
// request's trace ID or a new random one.
func Outgoing(ctx context.Context, traceparent, tracestate string) (tp, ts string, ok bool) {
	n := sampledNode(ctx)
	if n == nil {
		return traceparent, tracestate, false
	}
	tp, ts = outgoing(n, traceparent, tracestate)
	return tp, ts, true
}

// sampledNode returns the lineage of ctx when it is sampled, else nil.
func sampledNode(ctx context.Context) *node {
	if n := nodeOf(ctx); n != unsampled {
		return n
	}
	return nil
}

func outgoing(n *node, traceparent, tracestate string) (tp, ts string) {
	if parseTraceparent(traceparent) == "" {
		traceID := ""
		tracestate = ""
		if n.remote != nil && n.remote.traceID != "" {
			traceID, tracestate = n.remote.traceID, n.remote.state
		}
		if traceID == "" {
			traceID = randomHex(2)
		}
		traceparent = "00-" + traceID + "-" + randomHex(1) + "-01"
	}
	return traceparent, withStateMember(tracestate, StateKey, n.id)
}

func randomHex(words int) string {
	const hexdigits = "0123456789abcdef"
	b := make([]byte, 0, 16*words)
	for i := 0; i < words; i++ {
		v := draw() | 1 // never all zeros
		for shift := 60; shift >= 0; shift -= 4 {
			b = append(b, hexdigits[(v>>uint(shift))&0xf])
		}
	}
	return string(b)
}

// Header keys as net/http stores them (it canonicalizes every key it
// parses, and Header.Get canonicalizes the key it is given: reading the
// map with the canonical key finds what Get finds, without allocating).
const (
	traceparentHeader = "Traceparent"
	tracestateHeader  = "Tracestate"
)

func firstValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Middleware makes every request a root, sampled or not once, and traces
// a sampled one as FromRemote does from its traceparent and tracestate
// headers, cancelling that context when the handler returns. A request
// whose caller sent its lineage (tracestate member lnscope) is always
// traced. An unsampled request passes through untouched (no request copy,
// no context): the goroutine serving it is marked instead, and the
// contexts it derives from the request follow the request's decision
// (serving.go). With no sink, or "off", every request passes through
// untouched.
func Middleware(next http.Handler) http.Handler {
	at := constructorSite() // the requests' contexts are made "here", at the user's Middleware call
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := active.Load(); s == nil || s.sampler.off {
			next.ServeHTTP(w, r)
			return
		}
		rl := newRoll() // drawn first: a timed hop includes the header read
		parent := r.Context()
		d, pass := remoteDecision(parent, firstValue(r.Header, traceparentHeader),
			func() string { return strings.Join(r.Header[tracestateHeader], ",") }, &rl)
		switch {
		case pass || d.followed:
			// Below an unsampled root, or inside an unsampled request
			// already: that decision stands.
			next.ServeHTTP(w, r)
		case !d.sampled && haveGetg:
			mark, slot := markServing(d.timed)
			defer unmarkServing(mark, slot)
			if d.timed { // the whole hop, from the draw: no context call in it
				d.s.sampler.spentUnsampled(netSince(rl.t0))
			}
			next.ServeHTTP(w, r)
		case !d.sampled:
			// No getg to mark the goroutine with: mark the context.
			out := d.finish(parent, parent, kindCancel, timeout{}, nil)
			next.ServeHTTP(w, r.WithContext(out))
		default:
			ctx, cancel := context.WithCancel(parent)
			d.at = at
			out := d.finish(parent, ctx, kindCancel, timeout{}, nil)
			stop := watch(nodeOf(out), out, false, ignoreCause(cancel)).call
			defer stop()
			next.ServeHTTP(w, r.WithContext(out))
		}
	})
}

// Transport is an http.RoundTripper that adds the lineage of each
// request's context to its traceparent and tracestate headers.
type Transport struct {
	// Base does the round trip (http.DefaultTransport when nil).
	Base http.RoundTripper
}

// RoundTrip implements http.RoundTripper. The request is cloned before its
// headers change, as the interface requires; a request whose context is
// not sampled is passed on as it is, its headers not even read.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	n := sampledNode(req.Context())
	if n == nil {
		return base.RoundTrip(req)
	}
	tp, ts := outgoing(n, req.Header.Get("traceparent"), strings.Join(req.Header.Values("tracestate"), ","))
	out := req.Clone(req.Context())
	out.Header.Set("traceparent", tp)
	out.Header.Set("tracestate", ts)
	return base.RoundTrip(out)
}
