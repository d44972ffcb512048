package lineage

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"
)

// preset is a sampling mode: a starting rate, the most the adaptive
// controller may raise it to, and whether it adapts at all.
type preset struct {
	name    string
	rate    float64
	max     float64
	adaptve bool
}

// The presets follow the article the method comes from: 0.05% of roots in
// steady state, 0.1% at peak, 0.5% during an error burst. "default"
// starts at the peak rate and lets the CPU budget decide how far up or
// down to go; "all" traces everything (tests, lineage builds).
var presets = map[string]preset{
	"all":     {name: "all", rate: 1, max: 1},
	"default": {name: "default", rate: 0.001, max: 1, adaptve: true},
	"stable":  {name: "stable", rate: 0.0005, max: 0.0005, adaptve: true},
	"peak":    {name: "peak", rate: 0.001, max: 0.001, adaptve: true},
	"burst":   {name: "burst", rate: 0.005, max: 0.005, adaptve: true},
	"off":     {name: "off"},
}

func parseSample(s string) (preset, error) {
	if s == "" {
		s = "default"
	}
	if p, ok := presets[s]; ok {
		return p, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1 || math.IsNaN(f) {
		return preset{}, fmt.Errorf("lineage: sample %q: want all, default, stable, peak, burst, off or a fraction in [0,1]", s)
	}
	return preset{name: s, rate: f, max: f}, nil
}

// timedShift: one unsampled derivation in 1<<timedShift is timed, and its
// time counted 1<<timedShift times.
const timedShift = 6

// sampler decides per root and keeps the package's CPU time under the
// budget. The rate is stored as a threshold on a uniform 64-bit number.
type sampler struct {
	threshold atomic.Uint64
	spentNS   atomic.Int64
	// lastOverhead holds the float64 bits of the last measured share.
	lastOverhead atomic.Uint64
	p            preset
	off          bool // the "off" preset: no derivation is looked at
	budget       float64
	min          float64
	last         time.Time
}

func (s *sampler) init(p preset, budget float64) {
	s.p = p
	s.off = p.name == "off"
	s.budget = budget
	s.min = math.Min(p.rate, 1e-5)
	s.last = time.Now()
	s.set(p.rate)
}

func (s *sampler) set(rate float64) {
	switch {
	case rate >= 1:
		s.threshold.Store(math.MaxUint64)
	case rate <= 0:
		s.threshold.Store(0)
	default:
		s.threshold.Store(uint64(rate * (1 << 63) * 2))
	}
}

func (s *sampler) rate() float64 {
	t := s.threshold.Load()
	if t == math.MaxUint64 {
		return 1
	}
	return float64(t) / (1 << 63) / 2
}

// decide draws for one root.
func (s *sampler) decide(r uint64) bool {
	t := s.threshold.Load()
	return t == math.MaxUint64 || r < t
}

// A timed region longer than this was descheduled, not busy: counting it
// whole would make a loaded machine look like an expensive package.
const (
	maxTimedUnsampled = 2 * time.Microsecond
	maxTimedSampled   = time.Millisecond
)

func (s *sampler) spent(d time.Duration) { s.spentNS.Add(int64(min(d, maxTimedSampled))) }

// spentUnsampled counts one timed untraced root for the 1<<timedShift
// it stands for. d is net of the clock reads' own cost (netSince): they
// are part of the measurement, not of the work, or every untraced root
// would be charged for them.
func (s *sampler) spentUnsampled(d time.Duration) {
	s.spentNS.Add(int64(min(d, maxTimedUnsampled)) << timedShift)
}

// clockCost is the least time a time.Now/time.Since pair measures.
var clockCost = func() time.Duration {
	best := time.Duration(1 << 62)
	for i := 0; i < 200; i++ {
		t0 := time.Now()
		if d := time.Since(t0); d < best {
			best = d
		}
	}
	return best
}()

// overhead returns the share measured in the last second.
func (s *sampler) overhead() float64 { return math.Float64frombits(s.lastOverhead.Load()) }

// adjust runs once a second on the drain goroutine: overhead is the
// package's measured time over wall time × GOMAXPROCS. Over budget, the
// rate drops in proportion; under half the budget, it doubles (up to the
// preset's ceiling).
func (s *sampler) adjust() {
	now := time.Now()
	wall := now.Sub(s.last)
	s.last = now
	spent := s.spentNS.Swap(0)
	if wall <= 0 {
		return
	}
	overhead := float64(spent) / (float64(wall) * float64(runtime.GOMAXPROCS(0)))
	s.lastOverhead.Store(math.Float64bits(overhead))
	if !s.p.adaptve || s.budget < 0 {
		return
	}
	r := s.rate()
	switch {
	case overhead > s.budget:
		r *= math.Max(0.1, 0.8*s.budget/overhead)
		r = math.Max(r, s.min)
	case overhead < s.budget/2:
		r = math.Min(s.p.max, math.Max(r*2, s.min))
	}
	s.set(r)
}

func draw() uint64 { return rand.Uint64() }
