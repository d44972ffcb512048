package watchdog

import (
	"net/http"
	"runtime/pprof"
	"strconv"
)

// ServeHTTP serves the goroutine profile as net/http/pprof's
// /debug/pprof/goroutine does (?debug=0, the default, a gzip'd protobuf;
// ?debug=1 the aggregated text; ?debug=2 full tracebacks), so `leakscope
// watch`, go tool pprof or a browser can poll a process that runs a
// watchdog. Each request collects a fresh profile, like net/http/pprof; the
// package does not import net/http/pprof, which would register its handlers
// on http.DefaultServeMux. The X-Leakscope-Last-Sample header gives the time
// of the watchdog's latest sample (absent before the first).
func (w *Watchdog) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	debug, err := strconv.Atoi(r.FormValue("debug"))
	if err != nil {
		debug = 0
	}
	h := rw.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	if debug == 0 {
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", `attachment; filename="goroutine"`)
	} else {
		h.Set("Content-Type", "text/plain; charset=utf-8")
	}
	if s := w.Latest(); s != nil {
		h.Set("X-Leakscope-Last-Sample", s.At.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
	}
	if err := pprof.Lookup("goroutine").WriteTo(rw, debug); err != nil {
		http.Error(rw, "watchdog: "+err.Error(), http.StatusInternalServerError)
	}
}
