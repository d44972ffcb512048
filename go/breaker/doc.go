// Package breaker is a circuit breaker that takes the caller's deadline into
// account.
//
// A classic breaker asks one question — has the dependency been failing? —
// and answers it the same way for every caller. This one also asks whether
// this caller has time for the call: a request with 80 ms left should not
// start a call that usually takes 120 ms, and a request about to time out
// should not spend its last moments on a retry against a struggling
// dependency. So every admission decision couples the caller's remaining
// deadline (from its context) with the breaker's state:
//
//   - Open: the dependency failed too often in the sliding window (default
//     10 s, at least half of at least 20 calls); every call is rejected with
//     [ErrOpen] until [Config].OpenFor has passed, then a few probe calls are
//     let through (half-open) and decide whether it closes again.
//   - Deadline too short: the remaining deadline is shorter than the
//     expected duration of a successful call (the 90th percentile of
//     the last 32 successful calls in the window): rejected with [ErrDeadlineTooShort] at once,
//     without touching the dependency. A call whose deadline cannot cover it
//     is never started.
//   - Over threshold: a [Policy] maps the remaining deadline to a dynamic
//     threshold; the default [DeadlinePolicy] scales [Config].BaseThreshold
//     by remaining/1s, with a 50 ms floor that applies outright under 200 ms
//     left. A call expected to take longer than its threshold is rejected
//     with [ErrOverThreshold], and an admitted call that takes longer than
//     its threshold counts as a failure, so the breaker trips sooner when
//     callers are short of time.
//
// Rejections are not failures: they do not count towards opening the
// breaker. Every decision, outcome and state change goes to an [Observer];
// github.com/leakscope/leakscope/go/breaker/prommetrics exports them as
// Prometheus metrics (circuit_breaker_dynamic_threshold_ms,
// context_timeout_coupling_ratio, state and rejection counters) without
// making this package depend on anything outside the standard library.
//
// A decision takes well under a microsecond and does not allocate.
package breaker
