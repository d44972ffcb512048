package watchdog

import (
	"bytes"
	"context"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"
)

// Config configures a [Watchdog]. The zero value of each field selects its
// default, the thresholds `leakscope dump` and `leakscope watch` use.
type Config struct {
	// Interval between samples (default 30s).
	Interval time.Duration
	// Growth alert: a bucket grew by at least GrowthMin goroutines
	// (default 50) and by at least GrowthRatio of its earlier count
	// (default 0.15) within GrowthWindow (default 5m).
	GrowthMin    int
	GrowthRatio  float64
	GrowthWindow time.Duration
	// Blocked alert: more than BlockedShare (default 0.20) of all
	// goroutines are blocked on channels, selects or sync primitives in
	// BlockedSamples consecutive samples (default 2). It names the largest
	// blocked bucket.
	BlockedShare   float64
	BlockedSamples int
	// FuncOnly buckets stacks by function names only (the "func" grouping
	// of docs/dump-buckets.md) instead of function and file:line.
	FuncOnly bool
	// NoCreationSite skips the full traceback taken when an alert fires to
	// find the bucket's creation site (see Alert.CreatedBy).
	NoCreationSite bool
	// Handler receives each alert, on the sampling goroutine. An alert
	// fires once per bucket until the bucket recovers (falls back to the
	// count it grew from; for a blocked alert, the blocked share falls back
	// under the threshold).
	Handler func(Alert)
}

// Reason says which threshold an alert crossed.
type Reason int

const (
	// Growth: the bucket grew by GrowthMin and GrowthRatio within
	// GrowthWindow.
	Growth Reason = iota + 1
	// Blocked: blocked goroutines were more than BlockedShare of all for
	// BlockedSamples samples, and this is the largest blocked bucket.
	Blocked
)

func (r Reason) String() string {
	switch r {
	case Growth:
		return "growth"
	case Blocked:
		return "blocked"
	}
	return "unknown"
}

// Bucket is the set of goroutines with one normalized stack.
type Bucket struct {
	// ID is the bucket ID of docs/dump-buckets.md (see [FormatID]).
	ID uint64
	// Stack is the normalized stack the ID hashes, one frame per line.
	Stack string
	// Frames are the stack's frames, innermost first.
	Frames []Frame
	// Blocked reports whether its goroutines are parked on a channel,
	// select or sync primitive.
	Blocked bool
}

// BucketCount is a bucket and how many goroutines it held in a sample.
type BucketCount struct {
	*Bucket
	Count int
}

// Sample is one look at the process's goroutines.
type Sample struct {
	At      time.Time
	Total   int // goroutines
	Blocked int // goroutines in blocked buckets
	// Buckets, largest first (ties by ID).
	Buckets []BucketCount
	// Cost is how long taking and bucketing the sample took.
	Cost time.Duration
}

// Alert is what the handler receives.
type Alert struct {
	Reason Reason
	Bucket *Bucket
	// Count is the bucket's size now; From its size at Since, the oldest
	// sample within GrowthWindow (0 if it did not exist then).
	Count, From int
	Since, At   time.Time
	// Total goroutines and the share of them blocked, now.
	Total        int
	BlockedShare float64
	// CreatedBy is the go statement that started the bucket's goroutines
	// ("created by" in a traceback): its function and file:line. The zero
	// Frame when unknown (Config.NoCreationSite, or no goroutine of the
	// bucket was found in the traceback).
	CreatedBy Frame
}

// Watchdog samples the goroutines of the process it runs in.
type Watchdog struct {
	cfg Config

	mu        sync.Mutex // guards everything below; sampling is serialized
	buckets   map[uint64]*Bucket
	history   []snapshot // within GrowthWindow, oldest first
	blockedN  int        // consecutive samples over BlockedShare
	alerted   map[uint64]alertState
	latest    *Sample
	recs      []runtime.StackRecord
	pcCounts  map[[32]uintptr]int
	byPCs     map[[32]uintptr]*Bucket // symbolized PC stacks
	profBuf   bytes.Buffer
	scratch   []byte
	fallbacks int // samples read from the debug=1 profile
}

type snapshot struct {
	at     time.Time
	counts map[uint64]int
}

type alertState struct {
	reason Reason
	from   int
}

// New returns a watchdog; call Run to start sampling, or Sample to take
// samples yourself.
func New(cfg Config) *Watchdog {
	if cfg.Interval <= 0 {
		cfg.Interval = 30 * time.Second
	}
	if cfg.GrowthMin <= 0 {
		cfg.GrowthMin = 50
	}
	if cfg.GrowthRatio <= 0 {
		cfg.GrowthRatio = 0.15
	}
	if cfg.GrowthWindow <= 0 {
		cfg.GrowthWindow = 5 * time.Minute
	}
	if cfg.BlockedShare <= 0 {
		cfg.BlockedShare = 0.20
	}
	if cfg.BlockedSamples <= 0 {
		cfg.BlockedSamples = 2
	}
	return &Watchdog{cfg: cfg, buckets: map[uint64]*Bucket{}, alerted: map[uint64]alertState{},
		pcCounts: map[[32]uintptr]int{}, byPCs: map[[32]uintptr]*Bucket{}}
}

// Run samples every Config.Interval, starting at once, until ctx is done,
// and returns ctx's error.
func (w *Watchdog) Run(ctx context.Context) error {
	t := time.NewTicker(w.cfg.Interval)
	defer t.Stop()
	for {
		if _, err := w.Sample(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Latest returns the most recent sample, or nil before the first.
func (w *Watchdog) Latest() *Sample {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.latest
}

// Sample takes a sample now, applies the thresholds, calls the handler for
// each new alert and returns the sample.
func (w *Watchdog) Sample() (*Sample, error) {
	w.mu.Lock()
	start := time.Now()
	s, err := w.take(start)
	if err != nil {
		w.mu.Unlock()
		return nil, err
	}
	alerts := w.evaluate(s)
	s.Cost = time.Since(start)
	w.latest = s
	w.mu.Unlock()

	if len(alerts) > 0 && !w.cfg.NoCreationSite {
		w.findCreationSites(alerts)
	}
	if w.cfg.Handler != nil {
		for _, a := range alerts {
			w.cfg.Handler(a)
		}
	}
	return s, nil
}

// take reads the goroutine profile and buckets it. w.mu is held.
//
// The source is runtime.GoroutineProfile: one record of PCs per goroutine,
// collected by the runtime without formatting anything. Equal PC stacks are
// counted in a map keyed by the PC array, and only a PC stack not seen in
// an earlier sample is symbolized (see pcBucket). A record that fills all
// 32 slots of a StackRecord may have been cut short, and a cut stack would
// get another ID than the C tools give it; such a sample is read from
// runtime/pprof's debug=1 profile instead (up to 128 frames, the format the
// C tools read). See docs/gokit.md for the costs of the alternatives.
func (w *Watchdog) take(now time.Time) (*Sample, error) {
	for {
		n, ok := runtime.GoroutineProfile(w.recs)
		if ok {
			w.recs = w.recs[:cap(w.recs)]
			return w.fromRecords(now, w.recs[:n])
		}
		w.recs = make([]runtime.StackRecord, n+n/4+64)
	}
}

func (w *Watchdog) fromRecords(now time.Time, recs []runtime.StackRecord) (*Sample, error) {
	clear(w.pcCounts)
	for i := range recs {
		if recs[i].Stack0[len(recs[i].Stack0)-1] != 0 {
			return w.fromProfile(now) // possibly truncated: see take
		}
		w.pcCounts[recs[i].Stack0]++
	}
	counts := map[uint64]int{}
	for pcs, n := range w.pcCounts {
		b := w.pcBucket(pcs)
		counts[b.ID] += n
	}
	return w.finishSample(now, counts), nil
}

// pcBucket returns the bucket of a PC stack, symbolizing it the first time:
// frames as runtime/pprof prints them for debug=1 (leading runtime frames
// and runtime.goexit hidden), so that the ID is the one the C tools compute
// from that profile.
func (w *Watchdog) pcBucket(key [32]uintptr) *Bucket {
	if b := w.byPCs[key]; b != nil {
		return b
	}
	pcs := key[:]
	for len(pcs) > 0 && pcs[len(pcs)-1] == 0 {
		pcs = pcs[:len(pcs)-1]
	}
	frames := profileFrames(pcs, false)
	if len(frames) == 0 {
		frames = profileFrames(pcs, true)
	}
	b := w.bucketFor(frames, pcs)
	w.byPCs[key] = b
	return b
}

// profileFrames symbolizes pcs the way runtime/pprof's debug=1 text does.
func profileFrames(pcs []uintptr, all bool) []Frame {
	var out []Frame
	show := all
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		name := f.Function
		switch {
		case name == "":
			show = true
			out = append(out, Frame{Func: "?"})
		case name != "runtime.goexit" &&
			(show || !(strings.HasPrefix(name, "runtime.") || strings.HasPrefix(name, "internal/runtime/"))):
			show = true
			out = append(out, Frame{Func: name, File: f.File, Line: f.Line})
		}
		if !more {
			return out
		}
	}
}

// fromProfile reads runtime/pprof's debug=1 goroutine profile.
func (w *Watchdog) fromProfile(now time.Time) (*Sample, error) {
	w.profBuf.Reset()
	if err := pprof.Lookup("goroutine").WriteTo(&w.profBuf, 1); err != nil {
		return nil, err
	}
	counts := map[uint64]int{}
	err := parseDebug1(w.profBuf.Bytes(), func(rec *profileStack) {
		counts[w.bucketFor(rec.frames, rec.pcs).ID] += rec.count
	})
	if err != nil {
		return nil, err
	}
	w.fallbacks++
	return w.finishSample(now, counts), nil
}

// bucketFor returns the bucket of frames, creating it (blocked or not from
// pcs) the first time. w.mu is held.
func (w *Watchdog) bucketFor(frames []Frame, pcs []uintptr) *Bucket {
	w.scratch = appendNormalized(w.scratch[:0], frames, w.cfg.FuncOnly)
	id := xxh64(w.scratch)
	b := w.buckets[id]
	if b == nil {
		b = &Bucket{ID: id, Stack: string(w.scratch), Frames: append([]Frame(nil), frames...),
			Blocked: isBlocked(pcs)}
		w.buckets[id] = b
	}
	return b
}

func (w *Watchdog) finishSample(now time.Time, counts map[uint64]int) *Sample {
	s := &Sample{At: now, Buckets: make([]BucketCount, 0, len(counts))}
	for id, n := range counts {
		b := w.buckets[id]
		s.Buckets = append(s.Buckets, BucketCount{b, n})
		s.Total += n
		if b.Blocked {
			s.Blocked += n
		}
	}
	sort.Slice(s.Buckets, func(i, j int) bool {
		a, b := s.Buckets[i], s.Buckets[j]
		return a.Count > b.Count || (a.Count == b.Count && a.ID < b.ID)
	})
	w.history = append(w.history, snapshot{at: now, counts: counts})
	return s
}

// evaluate applies the thresholds to the newest snapshot. w.mu is held.
func (w *Watchdog) evaluate(s *Sample) []Alert {
	// The base is the oldest snapshot inside the window ending now; when
	// the previous one is already older than the window (samples further
	// apart than the window), the previous one, as `leakscope dump` does.
	cut := s.At.Add(-w.cfg.GrowthWindow)
	i := 0
	for i < len(w.history)-1 && w.history[i].at.Before(cut) {
		i++
	}
	if i == len(w.history)-1 && i > 0 {
		i--
	}
	w.history = w.history[i:]
	base, cur := w.history[0], w.history[len(w.history)-1]

	share := 0.0
	if s.Total > 0 {
		share = float64(s.Blocked) / float64(s.Total)
	}
	overBlocked := share > w.cfg.BlockedShare
	if overBlocked {
		w.blockedN++
	} else {
		w.blockedN = 0
	}

	// Re-arm buckets that recovered.
	for id, st := range w.alerted {
		n := cur.counts[id]
		if n == 0 || (st.reason == Growth && n <= st.from) || (st.reason == Blocked && !overBlocked) {
			delete(w.alerted, id)
		}
	}

	var alerts []Alert
	mk := func(r Reason, bc BucketCount) Alert {
		from := base.counts[bc.ID]
		w.alerted[bc.ID] = alertState{reason: r, from: from}
		return Alert{Reason: r, Bucket: bc.Bucket, Count: bc.Count, From: from, Since: base.at, At: s.At,
			Total: s.Total, BlockedShare: share}
	}
	for _, bc := range s.Buckets {
		if _, done := w.alerted[bc.ID]; done {
			continue
		}
		from := base.counts[bc.ID]
		growth := bc.Count - from
		if growth >= w.cfg.GrowthMin && float64(growth) >= w.cfg.GrowthRatio*float64(from) {
			alerts = append(alerts, mk(Growth, bc))
		}
	}
	if w.blockedN >= w.cfg.BlockedSamples {
		// The largest blocked bucket holds the most of the blocked share;
		// if it has been reported already, so has the problem.
		for _, bc := range s.Buckets { // largest first
			if bc.Blocked {
				if _, done := w.alerted[bc.ID]; !done {
					alerts = append(alerts, mk(Blocked, bc))
				}
				break
			}
		}
	}
	w.forgetGone()
	return alerts
}

// forgetGone drops the descriptions of buckets no snapshot in the history
// refers to, so that a process whose stacks churn does not grow the table
// forever. w.mu is held.
func (w *Watchdog) forgetGone() {
	if len(w.buckets)+len(w.byPCs) < 4096 {
		return // not worth a pass
	}
	live := map[uint64]bool{}
	for _, h := range w.history {
		for id := range h.counts {
			live[id] = true
		}
	}
	for id := range w.buckets {
		if !live[id] {
			delete(w.buckets, id)
		}
	}
	for key, b := range w.byPCs {
		if !live[b.ID] {
			delete(w.byPCs, key)
		}
	}
}

// findCreationSites fills Alert.CreatedBy from one full traceback of all
// goroutines: the profile does not record creation sites. A goroutine whose
// normalized stack has the alert's bucket ID is looked for first; failing
// that (a traceback hides a few frames the profile shows, such as
// runtime.main, and elides stacks deeper than 100 frames), one whose
// outermost frame is the bucket's.
func (w *Watchdog) findCreationSites(alerts []Alert) {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	want := map[uint64]int{}
	outer := map[Frame]int{}
	for i, a := range alerts {
		want[a.Bucket.ID] = i
		if f := a.Bucket.Frames; len(f) > 0 {
			outer[f[len(f)-1]] = i
		}
	}
	exact := make([]bool, len(alerts))
	var norm []byte
	parseDebug2(buf, func(tb *traceback) {
		if !tb.hasCreate || len(tb.frames) == 0 {
			return
		}
		norm = appendNormalized(norm[:0], tb.frames, w.cfg.FuncOnly)
		if i, ok := want[xxh64(norm)]; ok && !exact[i] {
			alerts[i].CreatedBy, exact[i] = tb.createdBy, true
			return
		}
		if i, ok := outer[tb.frames[len(tb.frames)-1]]; ok && !exact[i] && alerts[i].CreatedBy == (Frame{}) {
			alerts[i].CreatedBy = tb.createdBy
		}
	})
}
