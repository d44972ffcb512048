package breaker

import "time"

// Decision describes one admission decision, for an [Observer].
type Decision struct {
	// Remaining is the caller's remaining deadline (0 without one).
	Remaining   time.Duration
	HasDeadline bool
	// Threshold is the dynamic threshold the policy computed.
	Threshold time.Duration
	// Base is Config.BaseThreshold; Remaining/Base is the coupling ratio.
	Base time.Duration
	// Expected is the expected call duration at the time of the decision.
	Expected time.Duration
	// State is the breaker's state when the decision was made.
	State State
	// Rejected is the reason the call was rejected, or nil if it was
	// admitted: [ErrOpen], [ErrDeadlineTooShort] or [ErrOverThreshold].
	Rejected error
}

// CouplingRatio is Remaining / Base, the distribution the Prometheus
// observer exports as context_timeout_coupling_ratio. It is only meaningful
// when HasDeadline is true.
func (d Decision) CouplingRatio() float64 {
	if d.Base <= 0 {
		return 0
	}
	return float64(d.Remaining) / float64(d.Base)
}

// Observer receives what a breaker decides and sees. Its methods are called
// synchronously on the caller's goroutine (never with the breaker's lock
// held), so they must be cheap and safe for concurrent use. The Prometheus
// implementation is in the prommetrics sub-module.
type Observer interface {
	// ObserveDecision is called once for every call to Allow or Do.
	ObserveDecision(d Decision)
	// ObserveOutcome is called when an admitted call finishes: failed is
	// whether it counted as a failure (an error, or slower than its
	// threshold).
	ObserveOutcome(latency time.Duration, failed bool)
	// ObserveStateChange is called after each state transition.
	ObserveStateChange(from, to State)
}

type nopObserver struct{}

func (nopObserver) ObserveDecision(Decision)           {}
func (nopObserver) ObserveOutcome(time.Duration, bool) {}
func (nopObserver) ObserveStateChange(from, to State)  {}
