package lineage

import (
	"context"
	"fmt"
	"hash/fnv"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// kind is what made a context; the names are the "kind" values of the
// event format (docs/lineage-events.md).
type kind uint8

const (
	kindCancel kind = iota
	kindCancelCause
	kindTimeout
	kindTimeoutCause
	kindDeadline
	kindDeadlineCause
	kindValue
	kindWithoutCancel
	kindAfterFunc
)

var kindNames = [...]string{"cancel", "cancel_cause", "timeout", "timeout_cause",
	"deadline", "deadline_cause", "value", "without_cancel", "afterfunc"}

func (k kind) String() string { return kindNames[k] }

// cancelable reports whether a context of this kind has an ending of its
// own worth watching (and so can be "held" by its goroutine).
func (k kind) cancelable() bool { return k <= kindDeadlineCause }

// node is the lineage of one sampled context. It never points at the
// context's cancel function: the "never" cleanup needs that function to be
// unreachable from here.
type node struct {
	id         string
	kind       kind
	valueDepth int32
	g          uint64
	ended      atomic.Bool
	sink       *Sink
	remote     *remoteParent // W3C trace data this lineage continues, if any
	up         *node         // the nearest traced ancestor, nil at a root

	// For cancelable nodes (set by watch before the context is handed
	// out): what classifying and cascading an ending needs.
	ctx         context.Context
	stop        func() bool // stops the AfterFunc that watches ctx
	ownDeadline bool
	deadline    time.Time
	// endMu is held by whoever records an ending of a cancelable node,
	// from winning ended to the written event, so a cancel that lost the
	// race returns only once the end is in the file.
	endMu sync.Mutex

	mu   sync.Mutex         // guards kids and reg
	kids map[*node]struct{} // live cancelable descendants registered here
	reg  *node              // the ancestor whose kids hold this node
}

// unsampled is carried by the contexts below a root that was not sampled,
// so their descendants follow the root's decision without deciding again.
var unsampled = &node{id: "unsampled"}

type nodeKey struct{}

// tracked is a context made by this package: the standard library's
// context plus its lineage. Done, Err, Deadline and every other Value go to
// the embedded context, so the context package still sees its own
// cancelCtx underneath (no extra goroutine per derivation).
type tracked struct {
	context.Context
	n *node
}

func (c *tracked) Value(key any) any {
	if _, ok := key.(nodeKey); ok {
		return c.n
	}
	return c.Context.Value(key)
}

func (c *tracked) String() string {
	return fmt.Sprint(c.Context) + ".Lineage(" + c.n.id + ")"
}

// nodeOf returns the lineage node carried by ctx, nil for a context this
// package never saw.
func nodeOf(ctx context.Context) *node {
	n, _ := ctx.Value(nodeKey{}).(*node)
	return n
}

// ID returns the lineage ID of ctx (the nearest sampled context this
// package made, ctx itself or an ancestor), or "" when there is none.
func ID(ctx context.Context) string {
	if n := nodeOf(ctx); n != nil && n != unsampled {
		return n.id
	}
	return ""
}

// site is one creation or cancel site, resolved once per program counter.
type site struct {
	fn, file string
	line     int
	hash     uint32
	frame    string // "func file:line", for stacks
}

var siteCache sync.Map // uintptr -> *site

func siteOf(pc uintptr) *site {
	if s, ok := siteCache.Load(pc); ok {
		return s.(*site)
	}
	frames := runtime.CallersFrames([]uintptr{pc})
	f, _ := frames.Next()
	actual, _ := siteCache.LoadOrStore(pc, newSite(f))
	return actual.(*site)
}

func newSite(f runtime.Frame) *site {
	s := &site{fn: f.Function, file: f.File, line: f.Line}
	s.frame = f.Function + " " + f.File + ":" + strconv.Itoa(f.Line)
	h := fnv.New32a()
	h.Write([]byte(s.frame))
	s.hash = h.Sum32()
	return s
}

// constructorSite returns the innermost frame outside this package,
// inlined frames included, of a constructor's caller: Middleware(h) is
// small enough to be inlined into the user's function, where the
// program counter of the call names Middleware, not the user's line, and
// callerSite, which works per program counter, would pass over it. Called
// once per constructor call, so the cost does not matter.
func constructorSite() *site {
	var pcs [16]uintptr
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs[:])])
	for {
		f, more := frames.Next()
		if fn := f.Function; len(fn) < len(pkgPrefix) || fn[:len(pkgPrefix)] != pkgPrefix {
			return newSite(f)
		}
		if !more {
			return &site{fn: "?", file: "?"}
		}
	}
}

// pkgPrefix starts the function names of this package (not of its
// sub-packages, whose names continue with "/").
const pkgPrefix = "github.com/leakscope/leakscope/go/lineage."

// userPCs returns the program counters of the calling goroutine from the
// first frame outside this package on (method-value wrappers and inlining
// make a fixed skip count unreliable), at most len(all) frames deep. The
// unwinding is the expensive part, so callers ask for few frames unless
// they want the whole stack.
func userPCs(all []uintptr) []uintptr {
	n := runtime.Callers(3, all)
	for i, pc := range all[:n] {
		if fn := siteOf(pc).fn; len(fn) < len(pkgPrefix) || fn[:len(pkgPrefix)] != pkgPrefix {
			return all[i:n]
		}
	}
	return nil
}

// callerSite returns the innermost site outside this package.
func callerSite() *site {
	var buf [6]uintptr // deep enough for every path through this package
	if pcs := userPCs(buf[:]); len(pcs) > 0 {
		return siteOf(pcs[0])
	}
	return &site{fn: "?", file: "?"}
}

// callerStack returns the frames outside this package, innermost first.
func callerStack() []string {
	var buf [64]uintptr
	pcs := userPCs(buf[:])
	out := make([]string, 0, len(pcs))
	for _, pc := range pcs {
		out = append(out, siteOf(pc).frame)
	}
	return out
}

// lastMicros makes lineage timestamps strictly increasing, so two
// contexts made at one site by one goroutine in the same microsecond still
// get distinct IDs.
var lastMicros atomic.Int64

func uniqueMicros() int64 {
	now := time.Now().UnixMicro()
	for {
		last := lastMicros.Load()
		t := now
		if t <= last {
			t = last + 1
		}
		if lastMicros.CompareAndSwap(last, t) {
			return t
		}
	}
}

// makeID formats ln-<µs hex>-<8 hex site hash>-g<goroutine>.
func makeID(t int64, hash uint32, g uint64) string {
	var b [64]byte
	out := append(b[:0], "ln-"...)
	out = strconv.AppendInt(out, t, 16)
	out = append(out, '-')
	const hexdigits = "0123456789abcdef"
	for shift := 28; shift >= 0; shift -= 4 {
		out = append(out, hexdigits[(hash>>uint(shift))&0xf])
	}
	out = append(out, "-g"...)
	out = strconv.AppendUint(out, g, 10)
	return string(out)
}

// held remembers, per goroutine, the live sampled cancelable contexts it
// made, so that a new root from Background or TODO in that goroutine can
// name the context it should have used.
var held struct {
	mu    sync.Mutex
	byG   map[uint64]map[*node]struct{}
	count atomic.Int64
}

func holdAdd(n *node) {
	held.mu.Lock()
	if held.byG == nil {
		held.byG = make(map[uint64]map[*node]struct{})
	}
	set := held.byG[n.g]
	if set == nil {
		set = make(map[*node]struct{})
		held.byG[n.g] = set
	}
	set[n] = struct{}{}
	held.mu.Unlock()
	held.count.Add(1)
}

func holdRemove(n *node) {
	held.mu.Lock()
	if set := held.byG[n.g]; set != nil {
		if _, ok := set[n]; ok {
			delete(set, n)
			held.count.Add(-1)
		}
		if len(set) == 0 {
			delete(held.byG, n.g)
		}
	}
	held.mu.Unlock()
}

// heldBy returns the ID of the most recently made live context that
// goroutine g holds, or "".
func heldBy(g uint64) string {
	held.mu.Lock()
	defer held.mu.Unlock()
	best := ""
	for n := range held.byG[g] {
		if n.id > best { // IDs start with the hex timestamp: later sorts higher at equal length
			best = n.id
		}
	}
	return best
}
