package breaker

import "time"

// Policy turns a caller's remaining deadline into the dynamic threshold for
// one call: the longest the call may take and still count as healthy. The
// breaker rejects a call whose expected duration exceeds its threshold, and
// counts a call that takes longer than its threshold as a failure.
type Policy interface {
	// Threshold returns the threshold for a call with remaining time left
	// before its deadline. hasDeadline is false when the caller's context
	// has no deadline (remaining is then 0). base is Config.BaseThreshold.
	Threshold(remaining time.Duration, hasDeadline bool, base time.Duration) time.Duration
}

// PolicyFunc adapts a function to [Policy].
type PolicyFunc func(remaining time.Duration, hasDeadline bool, base time.Duration) time.Duration

// Threshold calls f.
func (f PolicyFunc) Threshold(remaining time.Duration, hasDeadline bool, base time.Duration) time.Duration {
	return f(remaining, hasDeadline, base)
}

// DeadlinePolicy is the default policy: the base threshold scaled by the
// remaining deadline, with a floor, and the floor alone when little time is
// left. With the zero value's constants it is
//
//	threshold = 50ms                                      if remaining < 200ms
//	threshold = max(50ms, base × remaining / 1s)          otherwise
//	threshold = base                                      without a deadline
//
// so a caller with less than a second left gets a proportionally tighter
// threshold than base, and one about to time out gets only the floor: the
// breaker stops starting slow calls that would use up the last of a deadline
// (the "one more retry in the last second" that turns a slow dependency into
// an outage).
type DeadlinePolicy struct {
	// Floor is the smallest threshold (default 50ms).
	Floor time.Duration
	// Cutoff is the remaining time under which the threshold is Floor
	// (default 200ms).
	Cutoff time.Duration
	// Scale is the remaining time at which the threshold equals base
	// (default 1s).
	Scale time.Duration
}

// Threshold implements [Policy].
func (p DeadlinePolicy) Threshold(remaining time.Duration, hasDeadline bool, base time.Duration) time.Duration {
	floor, cutoff, scale := p.Floor, p.Cutoff, p.Scale
	if floor <= 0 {
		floor = 50 * time.Millisecond
	}
	if cutoff <= 0 {
		cutoff = 200 * time.Millisecond
	}
	if scale <= 0 {
		scale = time.Second
	}
	if !hasDeadline {
		return base
	}
	if remaining < cutoff {
		return floor
	}
	// base × remaining / scale in float64: the product of two durations
	// overflows int64 nanoseconds beyond about 3 s × 3 s.
	t := time.Duration(float64(base) * float64(remaining) / float64(scale))
	return max(floor, t)
}
