package lineage

import (
	"strings"
	"testing"
)

// FuzzTracestate checks, for any incoming header values, that what we
// send is a valid W3C tracestate with our member first, and that a trace
// ID is only accepted in its exact form. `go test -fuzz FuzzTracestate`
// explores further; the seeds run with every go test.
func FuzzTracestate(f *testing.F) {
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
	f.Add("", "lnscope=ln-1-2-g3, a=1 ,,b@c=2")
	f.Add("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", "k="+strings.Repeat("v", 300))
	f.Add("zz", "=,=,==,a=b=c,A=1")
	f.Fuzz(func(t *testing.T, traceparent, tracestate string) {
		if id := parseTraceparent(traceparent); id != "" {
			if len(id) != 32 || !isLowerHex(id) || strings.Trim(id, "0") == "" {
				t.Fatalf("accepted trace ID %q from %q", id, traceparent)
			}
		}
		out := withStateMember(tracestate, StateKey, "ln-1-2-g3")
		members := strings.Split(out, ",")
		if len(members) > maxStateMembers || members[0] != StateKey+"=ln-1-2-g3" {
			t.Fatalf("tracestate %q", out)
		}
		for _, m := range members[1:] {
			k, v, ok := strings.Cut(m, "=")
			if !ok || k == StateKey || !validStateKey(k) || !validStateValue(v) {
				t.Fatalf("member %q in %q", m, out)
			}
		}
		_ = stateValue(tracestate, StateKey)
	})
}
