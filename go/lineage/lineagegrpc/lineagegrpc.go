// Package lineagegrpc carries context lineage (package lineage) across
// gRPC calls: the client interceptors put the caller's lineage ID in the
// traceparent/tracestate metadata (W3C Trace Context, member
// lnscope=<id>), and the server interceptors derive each call's context
// from it, so the caller's and the callee's event files join into one
// graph. It is a module of its own so that the lineage package itself
// depends on the standard library only.
package lineagegrpc

import (
	"context"
	"strings"

	"github.com/leakscope/leakscope/go/lineage"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

const (
	traceparentKey = "traceparent"
	tracestateKey  = "tracestate"
)

// serverContext derives the call's context from the incoming metadata.
func serverContext(ctx context.Context) (context.Context, context.CancelFunc) {
	md, _ := metadata.FromIncomingContext(ctx)
	return lineage.FromRemote(ctx, first(md.Get(traceparentKey)), strings.Join(md.Get(tracestateKey), ","))
}

// clientContext adds the lineage of ctx to its outgoing metadata.
func clientContext(ctx context.Context) context.Context {
	md, _ := metadata.FromOutgoingContext(ctx)
	tp, ts, ok := lineage.Outgoing(ctx, first(md.Get(traceparentKey)), strings.Join(md.Get(tracestateKey), ","))
	if !ok {
		return ctx
	}
	md = md.Copy()
	md.Set(traceparentKey, tp)
	md.Set(tracestateKey, ts)
	return metadata.NewOutgoingContext(ctx, md)
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// UnaryServerInterceptor derives each unary call's context with
// lineage.FromRemote and cancels it when the handler returns.
func UnaryServerInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		ctx, cancel := serverContext(ctx)
		defer cancel()
		return handler(ctx, req)
	}
}

// StreamServerInterceptor does the same for streaming calls.
func StreamServerInterceptor() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		ctx, cancel := serverContext(ss.Context())
		defer cancel()
		return handler(srv, &serverStream{ServerStream: ss, ctx: ctx})
	}
}

type serverStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *serverStream) Context() context.Context { return s.ctx }

// UnaryClientInterceptor sends the lineage of each call's context.
func UnaryClientInterceptor() grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		return invoker(clientContext(ctx), method, req, reply, cc, opts...)
	}
}

// StreamClientInterceptor sends the lineage of each stream's context.
func StreamClientInterceptor() grpc.StreamClientInterceptor {
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		return streamer(clientContext(ctx), desc, cc, method, opts...)
	}
}
