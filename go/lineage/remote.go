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
	d, pass := remoteDecision(parent, traceparent, tracestate)
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

// remoteDecision is begin for FromRemote: a caller's lineage ID makes a
// sampled "root:remote" whatever the local decision.
func remoteDecision(parent context.Context, traceparent, tracestate string) (d deriving, pass bool) {
	d, pass = begin(parent)
	if d.s == nil {
		return d, true
	}
	// W3C: no valid traceparent, no tracestate; and nothing allocated
	// for a request that carries neither (the unsampled fast path).
	if traceID := parseTraceparent(traceparent); traceID != "" {
		rp := &remoteParent{traceID: traceID, state: tracestate, id: stateValue(tracestate, StateKey)}
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
	n := nodeOf(ctx)
	if n == nil || n == unsampled {
		return traceparent, tracestate, false
	}
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
	return traceparent, withStateMember(tracestate, StateKey, n.id), true
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

// Middleware derives every request's context as FromRemote does from its
// traceparent and tracestate headers, and cancels it when the handler
// returns. An unsampled request's context is net/http's own with the
// not-sampled marker (net/http cancels it on return); with no sink, or
// "off", the request passes through untouched.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := active.Load(); s == nil || s.sampler.off {
			// Nothing would be recorded: skip the context and the
			// request copy (net/http cancels r's context on return).
			next.ServeHTTP(w, r)
			return
		}
		parent := r.Context()
		d, pass := remoteDecision(parent, r.Header.Get("traceparent"),
			strings.Join(r.Header.Values("tracestate"), ","))
		switch {
		case pass: // below an unsampled root already
			next.ServeHTTP(w, r)
		case !d.sampled:
			// An unsampled root needs its marker and nothing else: no end
			// is recorded, and net/http cancels r's context on return.
			next.ServeHTTP(w, r.WithContext(&tracked{Context: parent, n: unsampled}))
		default:
			ctx, cancel := context.WithCancel(parent)
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
// headers change, as the interface requires.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	tp, ts, ok := Outgoing(req.Context(), req.Header.Get("traceparent"),
		strings.Join(req.Header.Values("tracestate"), ","))
	if !ok {
		return base.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	out.Header.Set("traceparent", tp)
	out.Header.Set("tracestate", ts)
	return base.RoundTrip(out)
}
