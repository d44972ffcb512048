//go:build unix

package lineage_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/leakscope/leakscope/go/lineage"
)

// An order service as real ones are written: the front end decodes a JSON
// order, derives a request timeout and a request-ID value, asks a pricing
// service over HTTP (its own timeout, lineage.Transport when traced), and
// encodes a JSON reply. Both servers and the client run in this process,
// so the CPU per request counts all three; that is the denominator of the
// overhead shares below.

type orderLine struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

type order struct {
	Customer string      `json:"customer"`
	Lines    []orderLine `json:"lines"`
}

type quote struct {
	SKU   string  `json:"sku"`
	Price float64 `json:"price"`
	Stock int     `json:"stock"`
}

type orderReply struct {
	Customer string  `json:"customer"`
	Total    float64 `json:"total"`
	Quotes   []quote `json:"quotes"`
}

var catalogue = func() map[string]quote {
	m := make(map[string]quote, 1000)
	for i := 0; i < 1000; i++ {
		sku := "sku-" + strconv.Itoa(i)
		m[sku] = quote{SKU: sku, Price: float64(i%97) + 0.99, Stock: i % 13}
	}
	return m
}()

func pricingHandler(w http.ResponseWriter, r *http.Request) {
	var lines []orderLine
	if err := json.NewDecoder(r.Body).Decode(&lines); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	quotes := make([]quote, 0, len(lines))
	for _, l := range lines {
		quotes = append(quotes, catalogue[l.SKU])
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(quotes)
}

func priceLines(ctx context.Context, d derivers, c *http.Client, url string, lines []orderLine) ([]quote, error) {
	ctx, cancel := d.withTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	body, err := json.Marshal(lines)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var quotes []quote
	err = json.NewDecoder(resp.Body).Decode(&quotes)
	io.Copy(io.Discard, resp.Body)
	return quotes, err
}

func orderHandler(d derivers, c *http.Client, pricingURL string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := d.withTimeout(r.Context(), 2*time.Second)
		defer cancel()
		ctx = d.withValue(ctx, requestIDKey{}, r.Header.Get("X-Request-Id"))
		var o order
		if err := json.NewDecoder(r.Body).Decode(&o); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		quotes, err := priceLines(ctx, d, c, pricingURL, o.Lines)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		reply := orderReply{Customer: o.Customer, Quotes: quotes}
		for i, q := range quotes {
			reply.Total += q.Price * float64(o.Lines[i].Qty)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(reply)
	}
}

// orderService is one variant's servers and the client that loads them.
type orderService struct {
	front, pricing *httptest.Server
	client         *http.Client
	body           []byte
}

func newOrderService(withLineage bool) *orderService {
	d := plain
	wrap := func(h http.Handler) http.Handler { return h }
	var rt http.RoundTripper = &http.Transport{MaxIdleConnsPerHost: 4}
	if withLineage {
		d = traced
		wrap = lineage.Middleware
		rt = &lineage.Transport{Base: rt}
	}
	s := &orderService{}
	s.pricing = httptest.NewServer(wrap(http.HandlerFunc(pricingHandler)))
	s.front = httptest.NewServer(wrap(orderHandler(d, &http.Client{Transport: rt}, s.pricing.URL)))
	s.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	o := order{Customer: "c-1042"}
	for i := 0; i < 20; i++ {
		o.Lines = append(o.Lines, orderLine{SKU: "sku-" + strconv.Itoa(i*37%1000), Qty: 1 + i%3})
	}
	s.body, _ = json.Marshal(o)
	return s
}

func (s *orderService) close() {
	s.front.Close()
	s.pricing.Close()
}

func (s *orderService) do() error {
	req, _ := http.NewRequest("POST", s.front.URL+"/order", bytes.NewReader(s.body))
	req.Header.Set("X-Request-Id", "r-1")
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// overheadModes are the variants: package context, twice (the second
// measures the noise: its "overhead" should be 0), and lineage with no
// sink and with a sink at "off", 0 (every request drawn, none
// traced), "default" and "all".
var overheadModes = []struct {
	name, sample string
	traced, sink bool
}{
	{"context", "", false, false},
	{"context-again", "", false, false},
	{"lineage-nosink", "", true, false},
	{"lineage-off", "off", true, true},
	{"lineage-0", "0", true, true},
	{"lineage-default", "default", true, true},
	{"lineage-all", "all", true, true},
}

// roundResult is one round of one mode: CPU per request, and the sink's
// rate and self-measured share at its end.
type roundResult struct {
	cpu           time.Duration
	rate, selfPct float64
}

func runRound(s *orderService, sample string, sink bool, n int) (roundResult, error) {
	var r roundResult
	var sk *lineage.Sink
	if sink {
		var err error
		if sk, err = lineage.Start(lineage.Config{Writer: io.Discard, Sample: sample}); err != nil {
			return r, err
		}
	}
	runtime.GC() // the previous round's garbage is not this round's cost
	c0 := cpuTime()
	for i := 0; i < n; i++ {
		if err := s.do(); err != nil {
			return r, err
		}
	}
	r.cpu = (cpuTime() - c0) / time.Duration(n)
	if sk != nil {
		r.rate, r.selfPct = sk.Rate()*100, sk.Overhead()*100
		sk.Close()
	}
	return r, nil
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// TestHandlerOverhead measures lineage's CPU overhead on the order
// service: LINEAGE_OVERHEAD_SETS sets of rounds (skipped when unset), each
// round LINEAGE_OVERHEAD_REQUESTS requests of one mode, the modes' order
// rotating from set to set. CPU time is getrusage's (user + system, every
// thread), so other load on the machine counts only through caches and
// frequency; a mode's overhead in a set is its CPU per request over the
// "context" round's of the same set, and the sets' spread is the noise
// band. bench/lineage.sh runs this.
func TestHandlerOverhead(t *testing.T) {
	sets := envInt(t, "LINEAGE_OVERHEAD_SETS", 0)
	if os.Getenv("LINEAGE_OVERHEAD_SETS") == "" {
		t.Skip("LINEAGE_OVERHEAD_SETS not set (bench/lineage.sh sets it)")
	}
	n := envInt(t, "LINEAGE_OVERHEAD_REQUESTS", 2000)
	services := make([]*orderService, len(overheadModes))
	for i, m := range overheadModes {
		services[i] = newOrderService(m.traced)
		defer services[i].close()
		if _, err := runRound(services[i], m.sample, m.sink, n/10+1); err != nil { // warm up
			t.Fatal(err)
		}
	}
	results := make([][]roundResult, len(overheadModes))
	for set := 0; set < sets; set++ {
		for j := range overheadModes {
			i := (j + set) % len(overheadModes)
			m := overheadModes[i]
			r, err := runRound(services[i], m.sample, m.sink, n)
			if err != nil {
				t.Fatal(err)
			}
			results[i] = append(results[i], r)
		}
	}
	printOverhead(results, sets, n)
	printPattern(sets, results[0])
}

type serverKey struct{ name string }

// requestPattern is the context work of one order request without the
// rest: the front end's three derivations and, with lineage, both
// servers' Middleware and the Transport's Outgoing call, on requests whose
// context is shaped like net/http's.
type requestPattern struct {
	front, down   *http.Request
	plainH, linH  http.Handler
	downMW        http.Handler
	withTransport bool
	tp, ts        string // what the front's Outgoing sent ("" when nothing)
}

func newRequestPattern(parent context.Context) *requestPattern {
	p := &requestPattern{
		front: httptest.NewRequest("POST", "/order", nil).WithContext(parent),
		down:  httptest.NewRequest("POST", "/price", nil).WithContext(parent),
	}
	work := func(d derivers, lin bool) http.Handler {
		return http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			ctx, cancel1 := d.withTimeout(r.Context(), 2*time.Second)
			defer cancel1()
			ctx = d.withValue(ctx, requestIDKey{}, "r-1")
			ctx, cancel2 := d.withTimeout(ctx, 500*time.Millisecond)
			defer cancel2()
			if lin {
				p.tp, p.ts, _ = lineage.Outgoing(ctx, "", "")
			}
		})
	}
	p.plainH = work(plain, false)
	p.linH = lineage.Middleware(work(traced, true))
	p.downMW = lineage.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	return p
}

// run serves one request. The pricing service's Middleware runs after the
// front end's handler, not inside it: in the real service it runs on
// another goroutine (another process), which the front end's marking of
// its own goroutine does not reach.
func (p *requestPattern) run(withLineage bool) {
	if !withLineage {
		p.plainH.ServeHTTP(nil, p.front)
		return
	}
	p.linH.ServeHTTP(nil, p.front)
	if p.tp != "" {
		p.down.Header.Set("traceparent", p.tp)
		p.down.Header.Set("tracestate", p.ts)
	}
	p.downMW.ServeHTTP(nil, p.down)
	if p.tp != "" {
		p.down.Header.Del("traceparent")
		p.down.Header.Del("tracestate")
	}
}

// patternCPU is the CPU time of one requestPattern, in rounds of
// LINEAGE_OVERHEAD_REQUESTS×20 alternating plain and lineage at sample.
func patternCPU(sets, n int, sample string) (plainNS, linNS []float64) {
	parent := context.WithValue(context.WithValue(context.Background(),
		serverKey{"server"}, 1), serverKey{"addr"}, 2)
	parent, cancel := context.WithCancel(parent)
	defer cancel()
	p := newRequestPattern(parent)
	for set := 0; set < sets; set++ {
		for _, lin := range []bool{set%2 == 0, set%2 != 0} {
			var sk *lineage.Sink
			if lin {
				sk, _ = lineage.Start(lineage.Config{Writer: io.Discard, Sample: sample})
			}
			runtime.GC()
			c0 := cpuTime()
			for i := 0; i < n; i++ {
				p.run(lin)
			}
			ns := float64(cpuTime()-c0) / float64(n)
			if sk != nil {
				sk.Close()
				linNS = append(linNS, ns)
			} else {
				plainNS = append(plainNS, ns)
			}
		}
	}
	return plainNS, linNS
}

func printPattern(sets int, base []roundResult) {
	var baseUS []float64
	for _, r := range base {
		baseUS = append(baseUS, float64(r.cpu.Nanoseconds())/1e3)
	}
	slices.Sort(baseUS)
	handlerNS := baseUS[len(baseUS)/2] * 1e3
	fmt.Printf("the request's context work alone (tight loop, %d interleaved rounds each), over the context handler's %.1f us:\n", sets, handlerNS/1e3)
	fmt.Printf("%-16s %12s %12s %14s %12s\n", "sample", "plain_ns", "lineage_ns", "extra_ns", "share%")
	for _, sample := range []string{"off", "0", "default"} {
		p, l := patternCPU(sets, 20000, sample)
		var diffs []float64
		for k := range p {
			diffs = append(diffs, l[k]-p[k])
		}
		mean, se := meanSE(diffs)
		pm, _ := meanSE(p)
		lm, _ := meanSE(l)
		fmt.Printf("%-16s %12.0f %12.0f %14s %12s\n", sample, pm, lm, fmt.Sprintf("%.0f±%.0f", mean, 2*se),
			fmt.Sprintf("%.3f±%.3f", 100*mean/handlerNS, 200*se/handlerNS))
		if sample == "default" {
			lo, hi := 100*(mean-2*se)/handlerNS, 100*(mean+2*se)/handlerNS
			verdict := "undecided (the band straddles 0.3%)"
			switch {
			case hi <= 0.3:
				verdict = "met"
			case lo > 0.3:
				verdict = "NOT met"
			}
			defer fmt.Printf("target <= 0.3%% CPU at the default rate (context work, %.3f..%.3f%%): %s\n", lo, hi, verdict)
		}
	}
	fmt.Println("(plain: the handler's three derivations; lineage adds both servers' Middleware and Outgoing. sample 0: every request drawn and not sampled; default adds its 0.1% of traced roots. The tight loop leaves out what the allocations cost the garbage collector later, which the end-to-end rounds above include.)")
}

func printOverhead(results [][]roundResult, sets, n int) {
	fmt.Printf("lineage overhead: order service (2 HTTP hops, JSON, 4 derivations + 2 middleware roots per request), %d sets x %d requests a round, GOMAXPROCS %d\n",
		sets, n, runtime.GOMAXPROCS(0))
	fmt.Printf("%-16s %12s %10s %10s %16s %9s %9s\n", "mode", "cpu_us/req", "overhead%", "median%", "band%(min..max)", "rate%", "self%")
	base := results[0]
	for i, m := range overheadModes {
		var cpus, shares []float64
		var rate, self float64
		for k, r := range results[i] {
			cpus = append(cpus, float64(r.cpu.Nanoseconds())/1e3)
			shares = append(shares, 100*(float64(r.cpu)/float64(base[k].cpu)-1))
			rate, self = r.rate, r.selfPct
		}
		mean, se := meanSE(shares)
		slices.Sort(shares)
		slices.Sort(cpus)
		rateS, selfS := "-", "-"
		if m.sink {
			rateS, selfS = fmt.Sprintf("%.3f", rate), fmt.Sprintf("%.3f", self)
		}
		over := fmt.Sprintf("%+.2f±%.2f", mean, 2*se)
		if i == 0 {
			over = "(base)"
		}
		fmt.Printf("%-16s %12.1f %10s %10s %16s %9s %9s\n", m.name, cpus[len(cpus)/2], over,
			fmt.Sprintf("%+.2f", shares[len(shares)/2]),
			fmt.Sprintf("%+.1f..%+.1f", shares[0], shares[len(shares)-1]), rateS, selfS)
	}
	fmt.Println("overhead%: mean over sets of (mode / context in the same set - 1), ± 2 standard errors; the context-again line is the noise floor")
}

func meanSE(xs []float64) (mean, se float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss/float64(len(xs)-1)) / math.Sqrt(float64(len(xs)))
}

// BenchmarkOrderService is the same service as a Go benchmark, one mode
// per sub-benchmark (cpu-ns/op from getrusage); TestHandlerOverhead
// interleaves the modes, which a loaded machine needs.
func BenchmarkOrderService(b *testing.B) {
	for _, m := range overheadModes[1:] {
		if m.name == "context-again" {
			m.name = "context"
		}
		b.Run(m.name, func(b *testing.B) {
			s := newOrderService(m.traced)
			defer s.close()
			var sk *lineage.Sink
			if m.sink {
				var err error
				if sk, err = lineage.Start(lineage.Config{Writer: io.Discard, Sample: m.sample}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			c0 := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := s.do(); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
			if sk != nil {
				b.ReportMetric(sk.Rate()*100, "%sampled")
				sk.Close()
			}
		})
	}
}
