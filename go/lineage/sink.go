package lineage

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config says where events go and how many contexts are traced.
type Config struct {
	// Path is the events file, created or truncated. "%p" in it is
	// replaced by the process ID. Ignored when Writer is set.
	Path string
	// Writer receives the events when set; the sink does not close it.
	Writer io.Writer
	// Process names the process in the header (default: the base name of
	// the executable).
	Process string
	// Buffer is how many events wait for the writer before new ones are
	// dropped (default 8192).
	Buffer int
	// Sample is the sampling preset: "all", "default", "stable", "peak",
	// "burst", "off", or a fraction such as "0.02" (default "default").
	Sample string
	// Budget is the CPU share the package may use before the adaptive
	// rate backs off (default 0.003, i.e. 0.3%); negative turns the
	// adaptation off.
	Budget float64
	// Stacks records the full creation stack of every derived context.
	Stacks bool
	// Sync writes each event before the call that made it returns,
	// instead of through the buffer: nothing is dropped or lost when the
	// process exits without Close, at the price of a write per event on
	// the caller's goroutine. Lineage builds (LEAKSCOPE_LINEAGE) use it.
	Sync bool
	// Trace mirrors every event into runtime/trace user logs (category
	// "lineage") while a trace is being taken.
	Trace bool
}

// Sink receives the events of the running process. At most one sink is
// active at a time; without one, every function of the package only calls
// its context counterpart.
type Sink struct {
	cfg        Config
	events     chan *event   // from eventPool; see queued
	kick       chan struct{} // wakes drain before its tick: the queue is half full
	drops      atomic.Int64  // since the last drops line
	dropsTotal atomic.Int64
	closed     atomic.Bool
	done       chan struct{}
	stopped    chan struct{}
	file       *os.File
	w          *bufio.Writer
	err        error
	sampler    sampler
	syncMu     sync.Mutex // Sync mode: serializes encoding and writing
	syncBuf    []byte
	process    string
	start      time.Time
}

var active atomic.Pointer[Sink]

// ErrActive is returned by Start while another sink is active.
var ErrActive = errors.New("lineage: a sink is already active")

// Start opens the sink described by cfg and makes it the active one.
func Start(cfg Config) (*Sink, error) {
	if cfg.Buffer <= 0 {
		cfg.Buffer = 8192
	}
	if cfg.Budget == 0 {
		cfg.Budget = 0.003
	}
	preset, err := parseSample(cfg.Sample)
	if err != nil {
		return nil, err
	}
	s := &Sink{cfg: cfg, events: make(chan *event, cfg.Buffer), kick: make(chan struct{}, 1), done: make(chan struct{}),
		stopped: make(chan struct{}), start: time.Now()}
	s.sampler.init(preset, cfg.Budget)
	s.process = cfg.Process
	if s.process == "" {
		s.process = filepath.Base(os.Args[0])
	}
	out := cfg.Writer
	if out == nil {
		if cfg.Path == "" {
			return nil, errors.New("lineage: Config needs a Path or a Writer")
		}
		path := strings.ReplaceAll(cfg.Path, "%p", strconv.Itoa(os.Getpid()))
		f, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("lineage: %w", err)
		}
		s.file, out = f, f
	}
	s.w = bufio.NewWriterSize(out, 64<<10)
	if !active.CompareAndSwap(nil, s) {
		if s.file != nil {
			s.file.Close()
		}
		return nil, ErrActive
	}
	s.writeHeader(preset.name)
	go s.drain()
	return s, nil
}

// Close stops tracing, writes the events still buffered and a last drops
// line, flushes, and closes the file it opened. It returns the first write
// error.
func (s *Sink) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		<-s.stopped
		return s.err
	}
	active.CompareAndSwap(s, nil)
	close(s.done)
	<-s.stopped
	if s.file != nil {
		if err := s.file.Close(); err != nil && s.err == nil {
			s.err = err
		}
	}
	return s.err
}

// Drops returns how many events were dropped so far because the buffer
// was full.
func (s *Sink) Drops() int64 { return s.dropsTotal.Load() }

// Overhead returns the share of CPU time (wall time × GOMAXPROCS) that
// the package measured itself using over the last full second.
func (s *Sink) Overhead() float64 { return s.sampler.overhead() }

// Rate returns the current sampling rate (fraction of roots traced).
func (s *Sink) Rate() float64 { return s.sampler.rate() }

// emit queues ev without ever blocking; a full buffer counts a drop.
func (s *Sink) emit(ctx context.Context, ev *event) {
	if s.cfg.Trace && trace.IsEnabled() {
		trace.Log(ctx, "lineage", string(appendEvent(nil, ev)))
	}
	if s.closed.Load() {
		return
	}
	if s.cfg.Sync {
		s.syncMu.Lock()
		if !s.closed.Load() {
			s.syncBuf = appendEvent(s.syncBuf[:0], ev)
			s.write(s.syncBuf)
			s.flush()
		}
		s.syncMu.Unlock()
		return
	}
	q := queued(ev)
	select {
	case s.events <- q:
		if len(s.events) >= cap(s.events)/2 {
			select {
			case s.kick <- struct{}{}:
			default:
			}
		}
	default:
		release(q)
		s.drops.Add(1)
		s.dropsTotal.Add(1)
	}
}

// The queue holds pointers to pooled events rather than events: a
// buffer of 8192 events with their strings is 2 MB that the garbage
// collector would scan in every cycle, even empty, in every program with
// a sink (at "off" and at rate 0 too); 8192 pointers are 64 KB.
var eventPool = sync.Pool{New: func() any { return new(event) }}

func queued(ev *event) *event {
	q := eventPool.Get().(*event)
	*q = *ev
	return q
}

// release clears ev (it must not keep its strings alive) and pools it.
func release(ev *event) {
	*ev = event{}
	eventPool.Put(ev)
}

// drainEvery is how often the writer goroutine looks at the queue unless
// a half-full queue wakes it sooner. Waking it for every event, as a
// goroutine blocked on the channel would be, costs more than the event
// itself when events are rare (a wakeup is a few µs of scheduler work and
// system calls on two threads; at a sampling rate of 0.1% that was most
// of what tracing cost).
const drainEvery = 100 * time.Millisecond

// adjustEvery ticks of drainEvery, the sampler adjusts its rate.
const adjustEvery = int(time.Second / drainEvery)

// drain is the only goroutine that encodes and writes. It writes and
// flushes what is queued every drainEvery (sooner when the queue is half
// full), so a process that exits without Close loses at most the events
// of its last tenth of a second.
func (s *Sink) drain() {
	defer close(s.stopped)
	tick := time.NewTicker(drainEvery)
	defer tick.Stop()
	var buf []byte
	for ticks := 0; ; {
		select {
		case <-s.kick:
		case <-tick.C:
			if ticks++; ticks%adjustEvery == 0 {
				s.sampler.adjust()
			}
		case <-s.done:
			for {
				select {
				case ev := <-s.events:
					buf = s.writeBatch(buf, ev)
					continue
				default:
				}
				break
			}
			s.syncMu.Lock() // Sync mode: an emit past the closed check finishes first
			s.writeDrops()
			s.flush()
			s.syncMu.Unlock()
			return
		}
		select {
		case ev := <-s.events:
			t0 := time.Now()
			buf = s.writeBatch(buf, ev)
			s.sampler.spent(time.Since(t0))
		default:
		}
	}
}

// writeBatch writes first and whatever else is queued, then any drops,
// then flushes.
func (s *Sink) writeBatch(buf []byte, first *event) []byte {
	buf = appendEvent(buf[:0], first)
	release(first)
	s.write(buf)
	for more := true; more; {
		select {
		case ev := <-s.events:
			buf = appendEvent(buf[:0], ev)
			release(ev)
			s.write(buf)
		default:
			more = false
		}
	}
	s.writeDrops()
	s.flush()
	return buf
}

func (s *Sink) writeDrops() {
	if n := s.drops.Swap(0); n > 0 {
		ev := event{ev: evDrops, t: time.Now().UnixMicro(), n: n}
		s.write(appendEvent(nil, &ev))
	}
}

func (s *Sink) write(b []byte) {
	if s.err != nil {
		return
	}
	if _, err := s.w.Write(b); err != nil {
		s.err = fmt.Errorf("lineage: writing events: %w", err)
	}
}

func (s *Sink) flush() {
	if s.err == nil {
		if err := s.w.Flush(); err != nil {
			s.err = fmt.Errorf("lineage: writing events: %w", err)
		}
	}
}

func (s *Sink) writeHeader(sample string) {
	host, _ := os.Hostname()
	b := []byte(`{"ev":"header","v":1,"pid":`)
	b = strconv.AppendInt(b, int64(os.Getpid()), 10)
	b = appendField(b, "process", s.process)
	b = appendField(b, "host", host)
	b = appendInt(b, "t", s.start.UnixMicro())
	b = appendField(b, "sample", sample)
	b = appendField(b, "go", runtime.Version())
	b = append(b, "}\n"...)
	s.write(b)
	s.flush()
}

var envOnce sync.Once

// startFromEnv starts a sink when LEAKSCOPE_LINEAGE names an events file,
// so programs built by `leakscope lineage build` trace without code
// changes. LEAKSCOPE_LINEAGE_SAMPLE picks the preset (default "all" there:
// such builds are made to be looked at); events are written synchronously
// (LEAKSCOPE_LINEAGE_SYNC=0: buffered) because nobody calls Close. Failures are reported once on
// stderr; the program runs on untraced.
func startFromEnv() {
	envOnce.Do(func() {
		path := os.Getenv("LEAKSCOPE_LINEAGE")
		if path == "" {
			return
		}
		sample := os.Getenv("LEAKSCOPE_LINEAGE_SAMPLE")
		if sample == "" {
			sample = "all"
		}
		_, err := Start(Config{Path: path, Sample: sample, Sync: os.Getenv("LEAKSCOPE_LINEAGE_SYNC") != "0",
			Stacks: os.Getenv("LEAKSCOPE_LINEAGE_STACKS") == "1"})
		if err != nil {
			fmt.Fprintf(os.Stderr, "leakscope lineage: %v (LEAKSCOPE_LINEAGE=%q); tracing is off\n", err, path)
		}
	})
}

func init() { startFromEnv() }
