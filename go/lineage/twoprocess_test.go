package lineage_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakscope/leakscope/go/lineage"
)

// TestHelperServerProcess is the callee of TestTwoProcessesJoin, run in a
// process of its own (the test binary started again); it does nothing in
// a normal test run.
func TestHelperServerProcess(t *testing.T) {
	events := os.Getenv("LINEAGE_HELPER_EVENTS")
	if events == "" {
		t.Skip("helper process only")
	}
	s, err := lineage.Start(lineage.Config{Path: events, Sample: "0", Process: "callee"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: lineage.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := lineage.WithTimeout(r.Context(), time.Second) // the callee's own work
		defer cancel()
		fmt.Fprint(w, lineage.ID(ctx))
	}))}
	go srv.Serve(ln)
	fmt.Println("listening", ln.Addr())
	bufio.NewReader(os.Stdin).ReadString('\n') // until the caller is done
	srv.Shutdown(context.Background())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestTwoProcessesJoin: a caller and a callee, each with its own events
// file and the callee sampling nothing locally, join into one graph
// through tracestate.
func TestTwoProcessesJoin(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	dir := t.TempDir()
	calleeEvents := filepath.Join(dir, "callee.jsonl")
	helper := exec.Command(os.Args[0], "-test.run=^TestHelperServerProcess$")
	helper.Env = append(os.Environ(), "LINEAGE_HELPER_EVENTS="+calleeEvents)
	stdin, _ := helper.StdinPipe()
	stdout, _ := helper.StdoutPipe()
	helper.Stderr = os.Stderr
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	defer helper.Wait()
	defer stdin.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		t.Fatalf("helper said %q: %v", line, err)
	}

	var callerID, calleeID string
	callerEvents := record(t, lineage.Config{Process: "caller"}, func() {
		ctx, cancel := lineage.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		callerID = lineage.ID(ctx)
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+addr+"/", nil)
		resp, err := (&http.Client{Transport: &lineage.Transport{}}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := make([]byte, 100)
		n, _ := resp.Body.Read(b)
		calleeID = string(b[:n])
	})
	stdin.Close()
	if err := helper.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	if find(callerEvents, "derive", callerID) == nil {
		t.Fatal("caller's derive missing")
	}
	data, err := os.ReadFile(calleeEvents)
	if err != nil {
		t.Fatal(err)
	}
	callee := parse(t, string(data))
	if callee[0].str("process") != "callee" || callee[0].str("sample") != "0" {
		t.Errorf("callee header %v", callee[0])
	}
	work := find(callee, "derive", calleeID)
	if work == nil {
		t.Fatalf("callee's context %q not in its file:\n%s", calleeID, data)
	}
	served := find(callee, "derive", work.str("parent"))
	if served == nil || served.str("parent") != "root:remote" || served.str("remote_parent") != callerID {
		t.Errorf("callee root %v does not name the caller's %s", served, callerID)
	}
	var ends int
	for _, e := range callee {
		if e.str("ev") == "end" {
			ends++
		}
	}
	if ends != 2 {
		t.Errorf("callee ends: %d, want 2 (handler's cancel, middleware's cancel)", ends)
	}
}
