// Package lineage records the lineage of contexts: which context was
// derived from which, where, by which goroutine, and how each one ended
// (cancelled by whom, by its parent, by its deadline, or never). A leak
// report says how many goroutines wait; lineage says why no deadline
// reached them, e.g. a context derived from context.Background in a helper
// while the request's context was at hand.
//
// # Use
//
// The constructors are drop-in replacements for those of package context,
// with the same signatures: WithCancel, WithCancelCause, WithTimeout,
// WithTimeoutCause, WithDeadline, WithDeadlineCause, WithValue,
// WithoutCancel and AfterFunc. Until a Sink is started they only call
// their context counterparts. Start one early in main:
//
//	s, err := lineage.Start(lineage.Config{Path: "lineage-%p.jsonl"})
//	...
//	defer s.Close()
//
// or set LEAKSCOPE_LINEAGE=path (and optionally LEAKSCOPE_LINEAGE_SAMPLE)
// in the environment, which is what `leakscope lineage build` relies on.
// `leakscope lineage EVENTS...` reads the files and reports contexts never
// cancelled, broken chains, timeouts that could not take effect and deep
// WithValue chains.
//
// # Events
//
// Every sampled derivation writes a "derive" event and every ending an
// "end" event, one JSON object per line, in the format of
// docs/lineage-events.md (version 1). Lineage IDs read
// ln-<µs timestamp hex>-<8 hex digits of the creation site's hash>-g<goroutine ID>.
// A parent the package did not make is recorded as root:background,
// root:todo or root:untracked. A context whose cancel function became
// unreachable without being called is found by a cleanup
// (runtime.AddCleanup) after a garbage collection and ends "never". A new
// root made from Background or TODO by a goroutine that holds a live
// traced context is marked "held" with that context's ID. Every traced
// root records the ID of the goroutine that started its goroutine ("cg"),
// so the reader can also find a root made by a goroutine that was started
// without the context its creator held.
//
// # Cost
//
// The sink never blocks the caller: events wait in a bounded buffer
// drained by one goroutine, and when it is full they are dropped and
// counted ("drops" events). Sampling is decided once per root and carried
// by the context, so every descendant follows and sampled graphs are
// whole. The presets are "all" (tests), "default" (adaptive: as many
// roots as a CPU budget of 0.3% allows, starting at 0.1%), "stable"
// (0.05%), "peak" (0.1%), "burst" (0.5%, for an error burst) and "off";
// all but "all" and "off" back off when the package's measured time
// exceeds the budget. A sampled derivation costs a few microseconds
// (stack unwinding for its site, an AfterFunc to see its end, a cleanup);
// an unsampled one a context lookup, and one allocation at its root.
//
// # Across processes
//
// Middleware (HTTP servers) and Transport (HTTP clients) carry the caller's
// lineage ID in the W3C tracestate header as the member lnscope=<id>,
// keeping the traceparent and the other members; FromRemote and Outgoing
// do the same for other transports (see the lineagegrpc module).
// Middleware makes each request a root; an unsampled request passes
// through untouched, and the contexts its handler derives from it are
// then roots of their own.
package lineage
