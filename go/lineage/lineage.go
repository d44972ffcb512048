package lineage

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

// deriving carries what begin learned about the parent to finish.
type deriving struct {
	s       *Sink
	parent  *node  // nil: the parent is a root
	root    string // "root:background", "root:todo", "root:untracked", "root:remote"
	remote  *remoteParent
	sampled bool
	held    string
	g       uint64 // 0 until known
	// followed: a root that follows the decision of the unsampled
	// request its goroutine is serving, instead of drawing.
	followed bool
	// timed: an untraced root whose cost the controller samples (see
	// roll); pre is what begin took of it. The context call between
	// begin and finish is the context package's work, not counted.
	timed bool
	pre   time.Duration
	// at: the creation site to record when it is not the caller's (a
	// Middleware context is made where Middleware was called); nil: the
	// caller's.
	at *site
}

// roll is one random draw for one root. One draw in 1<<timedShift is
// timed, from the draw to the end of the root's untraced work, so that
// the adaptive controller sees what untraced roots cost.
type roll struct {
	r  uint64
	t0 time.Time
}

func newRoll() roll {
	r := draw()
	if r&(1<<timedShift-1) == 0 {
		return roll{r: r, t0: time.Now()}
	}
	return roll{r: r}
}

// untraced charges a timed untraced root's part in begin, and the part
// since t1 (zero: none) in finish.
func (d *deriving) untraced(t1 time.Time) {
	if !d.timed {
		return
	}
	spent := d.pre
	if !t1.IsZero() {
		spent += netSince(t1)
	}
	d.s.sampler.spentUnsampled(spent)
}

// netSince is the time since t0 less the clock reads' own cost.
func netSince(t0 time.Time) time.Duration { return max(time.Since(t0)-clockCost, 0) }

// begin decides whether a derivation of kind k from parent is traced.
// pass means "do nothing but the context call": no sink, a descendant of
// an unsampled root, or a value or WithoutCancel context made directly
// from a context this package did not make (see derivesRoot).
func begin(parent context.Context, k kind) (d deriving, pass bool) {
	return beginRolled(parent, k, nil)
}

// beginRolled is begin with the root's draw made by the caller (nil: begin
// draws when it meets a root). Middleware draws first so that its timed
// hops include the header reads.
func beginRolled(parent context.Context, k kind, rl *roll) (d deriving, pass bool) {
	s := active.Load()
	if s == nil || s.sampler.off {
		return d, true
	}
	var pn *node
	if t, ok := parent.(*tracked); ok { // the common case: no walk up the chain
		pn = t.n
	} else {
		pn = nodeOf(parent)
	}
	d.s = s // FromRemote needs the sink even below an unsampled root
	if pn == unsampled {
		// The root decided: no draw, no clock, nothing to record.
		return d, true
	}
	if pn != nil {
		d.parent, d.sampled, d.remote = pn, true, pn.remote
		return d, false
	}
	d.root = rootName(parent)
	if !derivesRoot(d.root, k) {
		return d, true
	}
	if d.root == "root:untracked" {
		if marked, timed := servingUnsampled(); marked {
			// Made while serving a request Middleware did not sample (see
			// serving.go): the request decided. Not sampled, no draw.
			d.followed, d.timed = true, timed
			return d, false
		}
	}
	// A root: the only place a draw is made.
	if rl == nil {
		r := newRoll()
		rl = &r
	}
	if d.root != "root:untracked" && held.count.Load() > 0 {
		d.g = goid()
		if d.held = heldBy(d.g); d.held != "" {
			d.sampled = true // a broken chain is always worth a record
		}
	}
	d.sampled = d.sampled || s.sampler.decide(rl.r)
	if !d.sampled && !rl.t0.IsZero() {
		d.timed, d.pre = true, netSince(rl.t0)
	}
	return d, false
}

// derivesRoot says whether a derivation of kind k from an untracked parent
// (root names the parent) is a root that decides for its subtree. A value
// or WithoutCancel context made from a context this package did not make,
// other than Background and TODO, is not: it has no end the package could
// see (it ends with a parent nobody records), so as a recorded root it
// would stay live in the reader forever, held by a goroutine that may
// serve many more requests. The first derivation below it that can end
// decides instead.
func derivesRoot(root string, k kind) bool {
	return root != "root:untracked" || (k != kindValue && k != kindWithoutCancel)
}

func rootName(ctx context.Context) string {
	switch ctx {
	case context.Background():
		return "root:background"
	case context.TODO():
		return "root:todo"
	}
	return "root:untracked"
}

// timeout is what a derivation asked for: a duration (timeout kinds) or a
// deadline (deadline kinds).
type timeout struct {
	d        time.Duration
	deadline time.Time
	has      bool
}

// finish records the derivation of ctx from parent and returns the
// context to hand out.
func (d *deriving) finish(parent, ctx context.Context, k kind, to timeout, key any) context.Context {
	if !d.sampled {
		if !d.timed {
			return &tracked{Context: ctx, n: unsampled}
		}
		t1 := time.Now()
		out := &tracked{Context: ctx, n: unsampled}
		d.untraced(t1)
		return out
	}
	t0 := time.Now()
	if d.g == 0 {
		d.g = goid()
	}
	st := d.at
	if st == nil {
		st = callerSite()
	}
	t := uniqueMicros()
	n := &node{id: makeID(t, st.hash, d.g), kind: k, g: d.g, sink: d.s, remote: d.remote, valueDepth: 1, up: d.parent}
	ev := event{ev: evDerive, t: t, id: n.id, kind: k, g: d.g, site: st, held: d.held}
	if d.parent != nil {
		ev.parent = d.parent.id
		if d.parent.kind == kindValue && k == kindValue {
			n.valueDepth = d.parent.valueDepth + 1
		}
	} else {
		ev.parent = d.root
		// Who started this goroutine: a root made in a goroutine whose
		// creator held a live context is a broken chain too (the reader's
		// new-root), only roots need it, and only traced ones pay for it.
		ev.cg = creatorGoid()
		if d.remote != nil {
			ev.remoteParent = d.remote.id
		}
	}
	if dl, ok := ctx.Deadline(); ok {
		ev.deadline = dl.UnixMicro()
	}
	if pdl, ok := parent.Deadline(); ok {
		ev.parentDeadline = pdl.UnixMicro()
	}
	if to.has {
		ev.hasTimeout = true
		if to.d != 0 || to.deadline.IsZero() {
			ev.timeoutUS = to.d.Microseconds()
		} else {
			ev.timeoutUS = to.deadline.UnixMicro() - t
		}
	}
	if k == kindValue {
		ev.key = fmt.Sprintf("%T", key)
		ev.valueDepth = n.valueDepth
	}
	if d.s.cfg.Stacks {
		ev.stack = callerStack()
	}
	out := &tracked{Context: ctx, n: n}
	d.s.emit(out, &ev)
	d.s.sampler.spent(time.Since(t0))
	return out
}

// watch observes the end of a sampled cancelable context and returns the
// wrapped cancel function's state. ownDeadline says whether ctx has a
// timer of its own (WithDeadline falls back to WithCancel when the parent
// ends first).
func watch(n *node, ctx context.Context, ownDeadline bool, cancel context.CancelCauseFunc) *cancelRec {
	t0 := time.Now()
	defer func() { n.sink.sampler.spent(time.Since(t0)) }()
	holdAdd(n)
	n.ctx, n.ownDeadline = ctx, ownDeadline
	if dl, ok := ctx.Deadline(); ok {
		n.deadline = dl
	}
	n.stop = context.AfterFunc(ctx, func() {
		n.endMu.Lock()
		defer n.endMu.Unlock()
		if n.ended.CompareAndSwap(false, true) {
			endNode(n, howEnded(n), nil, 0)
		}
	})
	register(n) // after n.stop is set: an ancestor's cascade calls it
	rec := &cancelRec{n: n, cancel: cancel}
	// The cleanup's argument must not reach rec, or rec never becomes
	// unreachable: n does not point back at it.
	rec.cleanup = runtime.AddCleanup(rec, neverCancelled, n)
	return rec
}

// register puts n among the kids of its nearest cancelable traced
// ancestor (through value contexts; not through WithoutCancel, whose
// descendants its cancellation does not reach).
func register(n *node) {
	a := n.up
	for a != nil && a.kind == kindValue {
		a = a.up
	}
	if a == nil || !a.kind.cancelable() {
		return
	}
	// Lock order: ancestor, then descendant. An n that ends while this
	// runs may stay in a.kids until a ends; a's cascade skips it.
	a.mu.Lock()
	if !a.ended.Load() && !n.ended.Load() {
		if a.kids == nil {
			a.kids = make(map[*node]struct{})
		}
		a.kids[n] = struct{}{}
		n.mu.Lock()
		n.reg = a
		n.mu.Unlock()
	}
	a.mu.Unlock()
}

func deregister(n *node) {
	n.mu.Lock()
	a := n.reg
	n.reg = nil
	n.mu.Unlock()
	if a != nil {
		a.mu.Lock()
		delete(a.kids, n)
		a.mu.Unlock()
	}
}

// howEnded classifies an ending that was not a call of n's own cancel.
func howEnded(n *node) string {
	if n.ownDeadline && !n.deadline.IsZero() && !time.Now().Before(n.deadline) &&
		errors.Is(n.ctx.Err(), context.DeadlineExceeded) {
		return "deadline"
	}
	return "parent"
}

// endNode records n's end, then the ends of its registered descendants
// that ended with it. Cancellation reaches a context's descendants before
// cancel returns, so they are recorded at once, on this goroutine, rather
// than by their AfterFuncs' goroutines later: a process that exits right
// after a cancel (a test binary) still has every end in its file.
func endNode(n *node, how string, st *site, g uint64) {
	endEvent(n, n.ctx, how, st, g)
	deregister(n)
	endKids(n)
}

// endKids records the ends of n's registered descendants that have ended.
// A kid not ended yet stays registered: either an untraced WithoutCancel
// lies in between (its own AfterFunc will see its end), or the
// cancellation is still on its way down on the goroutine that called
// cancel while this runs on n's AfterFunc goroutine. That goroutine's
// cascade then finds it here, below a kid already ended, and records it
// before cancel returns.
func endKids(n *node) {
	n.mu.Lock()
	kids := n.kids
	n.kids = nil
	n.mu.Unlock()
	for k := range kids {
		k.endMu.Lock() // lock order: ancestor's endMu, then descendant's
		switch {
		case k.ctx.Err() == nil:
			n.mu.Lock()
			if n.kids == nil {
				n.kids = make(map[*node]struct{})
			}
			n.kids[k] = struct{}{}
			n.mu.Unlock()
		case k.ended.CompareAndSwap(false, true):
			k.stop()
			endNode(k, howEnded(k), nil, 0)
		default: // ended by its AfterFunc, which may have left kids behind
			endKids(k)
		}
		k.endMu.Unlock()
	}
}

// cancelRec is what the wrapped cancel function closes over; when it
// becomes unreachable without having been called, the context was never
// cancelled by its owner.
type cancelRec struct {
	n      *node
	cancel context.CancelCauseFunc
	// cleanup is stopped when cancel is called: the GC then has nothing
	// to run for this context.
	cleanup runtime.Cleanup
	called  atomic.Bool
}

func (r *cancelRec) call() { r.callCause(nil) }

func (r *cancelRec) callCause(cause error) {
	if r.called.Swap(true) {
		r.cancel(cause)
		return
	}
	t0 := time.Now()
	r.cleanup.Stop()
	r.n.endMu.Lock()
	defer r.n.endMu.Unlock()
	if r.n.ctx.Err() != nil {
		// Ended by its deadline or its parent already; the AfterFunc
		// goroutine that records that may not have run yet, and a
		// program often returns right after this deferred call. Record
		// the end here so the file has it before the process exits.
		if r.n.ended.CompareAndSwap(false, true) {
			r.n.stop()
			endNode(r.n, howEnded(r.n), nil, 0)
		}
		r.cancel(cause)
		r.n.sink.sampler.spent(time.Since(t0))
		return
	}
	if !r.n.ended.CompareAndSwap(false, true) {
		r.cancel(cause)
		r.n.sink.sampler.spent(time.Since(t0))
		return
	}
	r.n.stop()
	r.cancel(cause)
	endNode(r.n, "cancel", callerSite(), goid())
	r.n.sink.sampler.spent(time.Since(t0))
}

func neverCancelled(n *node) {
	if n.ended.CompareAndSwap(false, true) {
		endEvent(n, context.Background(), "never", nil, 0)
		deregister(n)
	}
}

func endEvent(n *node, ctx context.Context, how string, st *site, g uint64) {
	holdRemove(n)
	ev := event{ev: evEnd, id: n.id, t: time.Now().UnixMicro(), how: how, site: st, g: g}
	if how != "never" {
		if err := ctx.Err(); err != nil {
			ev.err = err.Error()
		}
		if c := context.Cause(ctx); c != nil {
			ev.cause = c.Error()
		}
	}
	n.sink.emit(ctx, &ev)
}

// hasOwnDeadline mirrors context.WithDeadline: the child gets a timer
// unless the parent's deadline comes strictly earlier.
func hasOwnDeadline(parent context.Context, d time.Time) bool {
	pd, ok := parent.Deadline()
	return !ok || !pd.Before(d)
}

func ignoreCause(cancel context.CancelFunc) context.CancelCauseFunc {
	return func(error) { cancel() }
}

// WithCancel is context.WithCancel, recorded.
func WithCancel(parent context.Context) (context.Context, context.CancelFunc) {
	d, pass := begin(parent, kindCancel)
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

// WithCancelCause is context.WithCancelCause, recorded.
func WithCancelCause(parent context.Context) (context.Context, context.CancelCauseFunc) {
	d, pass := begin(parent, kindCancelCause)
	ctx, cancel := context.WithCancelCause(parent)
	if pass {
		return ctx, cancel
	}
	out := d.finish(parent, ctx, kindCancelCause, timeout{}, nil)
	if !d.sampled {
		return out, cancel
	}
	return out, watch(nodeOf(out), out, false, cancel).callCause
}

// WithTimeout is context.WithTimeout, recorded.
func WithTimeout(parent context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	return withDeadline(parent, time.Now().Add(timeout), timeout, kindTimeout, nil)
}

// WithTimeoutCause is context.WithTimeoutCause, recorded.
func WithTimeoutCause(parent context.Context, timeout time.Duration, cause error) (context.Context, context.CancelFunc) {
	return withDeadline(parent, time.Now().Add(timeout), timeout, kindTimeoutCause, cause)
}

// WithDeadline is context.WithDeadline, recorded.
func WithDeadline(parent context.Context, d time.Time) (context.Context, context.CancelFunc) {
	return withDeadline(parent, d, 0, kindDeadline, nil)
}

// WithDeadlineCause is context.WithDeadlineCause, recorded.
func WithDeadlineCause(parent context.Context, d time.Time, cause error) (context.Context, context.CancelFunc) {
	return withDeadline(parent, d, 0, kindDeadlineCause, cause)
}

func withDeadline(parent context.Context, dl time.Time, dur time.Duration, k kind, cause error) (context.Context, context.CancelFunc) {
	d, pass := begin(parent, k)
	var ctx context.Context
	var cancel context.CancelFunc
	if k == kindTimeoutCause || k == kindDeadlineCause {
		ctx, cancel = context.WithDeadlineCause(parent, dl, cause)
	} else {
		ctx, cancel = context.WithDeadline(parent, dl)
	}
	if pass {
		return ctx, cancel
	}
	to := timeout{d: dur, deadline: dl, has: true}
	if k == kindDeadline || k == kindDeadlineCause {
		to.d = 0
	}
	out := d.finish(parent, ctx, k, to, nil)
	if !d.sampled {
		return out, cancel
	}
	return out, watch(nodeOf(out), out, hasOwnDeadline(parent, dl), ignoreCause(cancel)).call
}

// WithValue is context.WithValue, recorded.
func WithValue(parent context.Context, key, val any) context.Context {
	d, pass := begin(parent, kindValue)
	ctx := context.WithValue(parent, key, val)
	if pass {
		return ctx
	}
	return d.finish(parent, ctx, kindValue, timeout{}, key)
}

// WithoutCancel is context.WithoutCancel, recorded.
func WithoutCancel(parent context.Context) context.Context {
	d, pass := begin(parent, kindWithoutCancel)
	ctx := context.WithoutCancel(parent)
	if pass {
		return ctx
	}
	return d.finish(parent, ctx, kindWithoutCancel, timeout{}, nil)
}

// AfterFunc is context.AfterFunc, recorded as an "afterfunc" node under
// ctx: it ends "parent" when f is started because ctx ended, "cancel"
// when stop prevents that.
func AfterFunc(ctx context.Context, f func()) (stop func() bool) {
	d, pass := begin(ctx, kindAfterFunc)
	if pass || !d.sampled {
		d.untraced(time.Time{})
		return context.AfterFunc(ctx, f)
	}
	out := d.finish(ctx, ctx, kindAfterFunc, timeout{}, nil)
	n := nodeOf(out)
	stopInner := context.AfterFunc(ctx, func() {
		if n.ended.CompareAndSwap(false, true) {
			endEvent(n, ctx, "parent", nil, 0)
		}
		f()
	})
	return func() bool {
		stopped := stopInner()
		if stopped && n.ended.CompareAndSwap(false, true) {
			endEvent(n, ctx, "cancel", callerSite(), goid())
		}
		return stopped
	}
}
