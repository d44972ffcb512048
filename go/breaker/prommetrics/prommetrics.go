// Package prommetrics exports what a [breaker.Breaker] decides as
// Prometheus metrics. It is a module of its own so that the breaker package
// depends on the standard library only.
//
// Metrics, each with a constant label breaker="NAME":
//
//	circuit_breaker_dynamic_threshold_ms   gauge      the threshold of the latest decision
//	context_timeout_coupling_ratio         histogram  remaining deadline / base threshold, per call with a deadline
//	circuit_breaker_state                  gauge      0 closed, 1 open, 2 half-open
//	circuit_breaker_state_changes_total    counter    by "to" state
//	circuit_breaker_rejections_total       counter    by "reason": open, deadline, threshold
//	circuit_breaker_calls_total            counter    admitted calls by "result": success, failure
package prommetrics

import (
	"time"

	"github.com/leakscope/leakscope/go/breaker"
	"github.com/prometheus/client_golang/prometheus"
)

// Observer implements [breaker.Observer] with Prometheus collectors.
type Observer struct {
	threshold    prometheus.Gauge
	coupling     prometheus.Histogram
	state        prometheus.Gauge
	changes      [3]prometheus.Counter // by breaker.State
	rejectOpen   prometheus.Counter
	rejectDead   prometheus.Counter
	rejectThresh prometheus.Counter
	success      prometheus.Counter
	failure      prometheus.Counter
}

// CouplingBuckets are the default buckets of context_timeout_coupling_ratio:
// a ratio under 0.2 means the caller had a fifth of the base threshold left.
var CouplingBuckets = []float64{0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30}

// New creates the collectors for the breaker called name and registers them
// with reg (prometheus.DefaultRegisterer if nil).
func New(reg prometheus.Registerer, name string) (*Observer, error) {
	if reg == nil {
		reg = prometheus.DefaultRegisterer
	}
	labels := prometheus.Labels{"breaker": name}
	o := &Observer{
		threshold: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "circuit_breaker_dynamic_threshold_ms", ConstLabels: labels,
			Help: "Dynamic threshold of the latest admission decision, in milliseconds.",
		}),
		coupling: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "context_timeout_coupling_ratio", ConstLabels: labels, Buckets: CouplingBuckets,
			Help: "Caller's remaining deadline divided by the base threshold, per call with a deadline.",
		}),
		state: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "circuit_breaker_state", ConstLabels: labels,
			Help: "Breaker state: 0 closed, 1 open, 2 half-open.",
		}),
	}
	changes := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "circuit_breaker_state_changes_total", ConstLabels: labels,
		Help: "State transitions, by the state entered.",
	}, []string{"to"})
	rejections := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "circuit_breaker_rejections_total", ConstLabels: labels,
		Help: "Calls rejected without being started, by reason.",
	}, []string{"reason"})
	calls := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "circuit_breaker_calls_total", ConstLabels: labels,
		Help: "Admitted calls, by result (a call slower than its threshold is a failure).",
	}, []string{"result"})
	for _, s := range []breaker.State{breaker.Closed, breaker.Open, breaker.HalfOpen} {
		o.changes[s] = changes.WithLabelValues(s.String())
	}
	o.rejectOpen = rejections.WithLabelValues("open")
	o.rejectDead = rejections.WithLabelValues("deadline")
	o.rejectThresh = rejections.WithLabelValues("threshold")
	o.success = calls.WithLabelValues("success")
	o.failure = calls.WithLabelValues("failure")
	for _, c := range []prometheus.Collector{o.threshold, o.coupling, o.state, changes, rejections, calls} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// ObserveDecision implements [breaker.Observer].
func (o *Observer) ObserveDecision(d breaker.Decision) {
	o.threshold.Set(float64(d.Threshold) / float64(time.Millisecond))
	if d.HasDeadline {
		o.coupling.Observe(d.CouplingRatio())
	}
	switch d.Rejected {
	case nil:
	case breaker.ErrOpen:
		o.rejectOpen.Inc()
	case breaker.ErrDeadlineTooShort:
		o.rejectDead.Inc()
	case breaker.ErrOverThreshold:
		o.rejectThresh.Inc()
	}
}

// ObserveOutcome implements [breaker.Observer].
func (o *Observer) ObserveOutcome(_ time.Duration, failed bool) {
	if failed {
		o.failure.Inc()
	} else {
		o.success.Inc()
	}
}

// ObserveStateChange implements [breaker.Observer].
func (o *Observer) ObserveStateChange(_, to breaker.State) {
	o.state.Set(float64(to))
	if int(to) < len(o.changes) {
		o.changes[to].Inc()
	}
}
