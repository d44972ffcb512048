package lineagegrpc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakscope/leakscope/go/lineage"
	"github.com/leakscope/leakscope/go/lineage/lineagegrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/test/bufconn"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// seen records the metadata and lineage each call arrived with.
type seen struct {
	mu     sync.Mutex
	states []string
	ids    []string
}

func (s *seen) note(ctx context.Context) {
	md, _ := metadata.FromIncomingContext(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.states = append(s.states, strings.Join(md.Get("tracestate"), ","))
	s.ids = append(s.ids, lineage.ID(ctx))
}

func TestInterceptorsJoinCallerAndCallee(t *testing.T) {
	var events lockedBuffer
	sink, err := lineage.Start(lineage.Config{Writer: &events, Sample: "all"})
	if err != nil {
		t.Fatal(err)
	}
	var calls seen
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(lineagegrpc.UnaryServerInterceptor(),
			func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
				calls.note(ctx)
				return h(ctx, req)
			}),
		grpc.ChainStreamInterceptor(lineagegrpc.StreamServerInterceptor(),
			func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
				calls.note(ss.Context())
				return h(srv, ss)
			}))
	hs := health.NewServer()
	healthpb.RegisterHealthServer(srv, hs)
	go srv.Serve(lis)
	defer srv.Stop()

	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithUnaryInterceptor(lineagegrpc.UnaryClientInterceptor()),
		grpc.WithStreamInterceptor(lineagegrpc.StreamClientInterceptor()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := healthpb.NewHealthClient(conn)

	ctx, cancel := lineage.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	callerID := lineage.ID(ctx)
	ctx = metadata.AppendToOutgoingContext(ctx, "tracestate", "rojo=00f067aa0ba902b7")
	if _, err := client.Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatal(err)
	}
	sctx, scancel := lineage.WithCancel(ctx)
	streamCaller := lineage.ID(sctx)
	stream, err := client.Watch(sctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	scancel()
	time.Sleep(50 * time.Millisecond)
	srv.Stop()
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}

	calls.mu.Lock()
	defer calls.mu.Unlock()
	if len(calls.states) != 2 {
		t.Fatalf("%d calls seen", len(calls.states))
	}
	// W3C: no traceparent on the caller's side, so its tracestate is not
	// passed on; ours leads.
	if calls.states[0] != "lnscope="+callerID || calls.states[1] != "lnscope="+streamCaller {
		t.Errorf("tracestate on the wire: %q", calls.states)
	}
	remote := map[string]string{} // callee id -> remote parent
	for _, line := range strings.Split(strings.TrimSpace(events.b.String()), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		if e["ev"] == "derive" && e["parent"] == "root:remote" {
			remote[e["id"].(string)] = e["remote_parent"].(string)
		}
	}
	if remote[calls.ids[0]] != callerID || remote[calls.ids[1]] != streamCaller {
		t.Errorf("callee contexts %v not joined to callers %s, %s", remote, callerID, streamCaller)
	}
}
