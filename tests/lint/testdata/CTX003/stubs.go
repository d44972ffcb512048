// Package brokenchain is the testdata of CTX003 broken-chain:
// context.Background() or context.TODO() called where a context from the
// caller is in scope.
package brokenchain

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Store stands for any client whose calls take a context.
type Store struct {
	mu   sync.Mutex
	once sync.Once
	conn *Conn
}

// Conn is a connection made once and shared by every caller.
type Conn struct{}

func dial(ctx context.Context) (*Conn, error) { return &Conn{}, ctx.Err() }

func query(ctx context.Context, q string) error { return ctx.Err() }

func notify(ctx context.Context, id string) { _ = ctx.Err() }

func audit(ctx context.Context, msg string) { _ = ctx.Err() }

// Server stands for an *http.Server.
type Server struct{}

// Shutdown stops the server, waiting at most until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error { return ctx.Err() }

// Group stands for singleflight.Group: Do runs fn once for all callers of key.
type Group struct{}

// Do runs fn once for every concurrent caller with the same key.
func (g *Group) Do(key string, fn func() (any, error)) (any, error) { return fn() }

var _ = http.StatusOK
var _ = time.Second
