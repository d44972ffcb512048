/*
 * leakscope's channel facts: for one function, the channels it makes and
 * what every goroutine it starts does with them (syntax plus scopes, no
 * types).  docs/chanfacts.md explains the model with examples.
 *
 *  - A channel is a local variable of the function that is given a
 *    `make(chan T[, n])` in the function's own statements:
 *        ch := make(chan T)   var ch = make(chan T, n)   ch = make(chan T)
 *  - Its operations are found in the function body and in the goroutines
 *    the function launches: `go func(){...}()` literals (captured or passed
 *    as an argument) and same-package functions and methods
 *    (`go worker(ch)`, `go s.loop(ch)` with s a receiver or parameter of a
 *    named type), whose parameter takes the channel's place.
 *  - Everything else that is done with the channel — returned, stored,
 *    passed to a call, sent on a channel, its address taken, assigned to
 *    another variable, reassigned — is recorded as an escape: the rules
 *    stay silent about channels they cannot follow.
 *  - Memory comes from the arena passed in; nothing is cached.  Facts are
 *    computed on demand, and go_chan_facts_of returns NULL at once for a
 *    function that has no `make(chan` or no `go` statement.
 */
#ifndef LEAKSCOPE_GOCHAN_H
#define LEAKSCOPE_GOCHAN_H

#include "leakscope/goast.h"
#include "leakscope/goscope.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What is known of a channel's capacity. */
typedef enum go_chan_cap {
    GO_CHAN_CAP_CONST,   /* a constant whose value is in go_chan.cap (0: unbuffered) */
    GO_CHAN_CAP_EXPR,    /* a non-constant expression: make(chan T, len(xs)), make(chan T, n) with n a variable */
    GO_CHAN_CAP_UNKNOWN, /* a constant we cannot evaluate (other file, arithmetic), or made more than once */
} go_chan_cap;

/* One operation on a channel. */
typedef enum go_chan_op_kind {
    GO_CHAN_OP_SEND,    /* ch <- v */
    GO_CHAN_OP_RECV,    /* <-ch, v := <-ch, v = <-ch */
    GO_CHAN_OP_RECV_OK, /* v, ok := <-ch, v, ok = <-ch */
    GO_CHAN_OP_RANGE,   /* for v := range ch */
    GO_CHAN_OP_CLOSE,   /* close(ch) */
} go_chan_op_kind;

/* go_chan_op.flags */
enum {
    GO_CHAN_OP_IN_SELECT = 1 << 0, /* the comm of a select case */
    GO_CHAN_OP_SELECT_EXIT = 1 << 1, /* ... whose select has another case or a default */
    GO_CHAN_OP_IN_LOOP = 1 << 2,   /* inside a for/range loop of its goroutine (not counting
                                      loops outside the launching go statement) */
    GO_CHAN_OP_IN_CLOSURE = 1 << 3, /* inside a function literal that is neither launched with
                                       go, nor called on the spot, nor deferred: it may run
                                       anywhere, any number of times */
};

/* go_chan_op.select_ways: the other ways out of the op's select */
enum {
    GO_CHAN_WAY_DEFAULT = 1 << 0, /* default: */
    GO_CHAN_WAY_DONE = 1 << 1,    /* case <-x.Done(): (a context or anything with Done) */
    GO_CHAN_WAY_TIMER = 1 << 2,   /* case <-time.After(d):, <-t.C, <-time.Tick(d) */
    GO_CHAN_WAY_OTHER = 1 << 3,   /* any other case */
};

typedef struct go_chan_op {
    uint8_t kind;         /* go_chan_op_kind */
    uint8_t flags;        /* GO_CHAN_OP_* */
    uint8_t select_ways;  /* GO_CHAN_WAY_*, when in a select */
    uint32_t goroutine;   /* 0: the function itself; k: goroutines[k - 1] */
    go_node *ref;         /* the identifier naming the channel (or the callee's parameter) */
    go_node *node;        /* SendStmt, UnaryExpr (<-), AssignStmt (v, ok), RangeStmt, CallExpr (close) */
    go_node *select_stmt; /* the SelectStmt, when in one */
} go_chan_op;

/* go_chan.escapes: what the function does with the channel besides operating on it */
enum {
    GO_CHAN_ESC_RETURN = 1 << 0,   /* return ch */
    GO_CHAN_ESC_STORE = 1 << 1,    /* s.ch = ch, m[k] = ch, T{ch}, x := ch, global = ch */
    GO_CHAN_ESC_CALL = 1 << 2,     /* f(ch) for any call but close/len/cap, or go f(ch) with f unknown */
    GO_CHAN_ESC_SEND = 1 << 3,     /* chch <- ch */
    GO_CHAN_ESC_ADDR = 1 << 4,     /* &ch */
    GO_CHAN_ESC_REASSIGN = 1 << 5, /* assigned again (ch = nil, a second make, ...) */
    GO_CHAN_ESC_OTHER = 1 << 6,    /* any use this layer does not understand */
};

typedef struct go_chan {
    const go_node *decl;  /* the declaring Ident of the variable */
    go_node *make;        /* the first make(chan ...) CallExpr */
    go_node *make_stmt;   /* its AssignStmt or DeclStmt */
    uint8_t cap_kind;     /* go_chan_cap */
    int64_t cap;          /* when GO_CHAN_CAP_CONST */
    go_node *cap_expr;    /* the capacity argument, NULL for make(chan T) */
    unsigned escapes;     /* GO_CHAN_ESC_* */
    go_pos escape_pos;    /* where the first escape is, GO_NOPOS when none */
    go_chan_op *ops;      /* in walk order: the function body first, then each named callee */
    uint32_t nops;
} go_chan;

/* A `go` statement of the function (also inside its closures). */
typedef struct go_chan_goroutine {
    go_node *go_stmt;  /* the GoStmt */
    go_node *func;     /* the FuncLit or the callee's FuncDecl; NULL when unknown */
    go_file *file;     /* the file holding func (the callee may be in another file) */
    bool in_loop;      /* the go statement is inside a loop of the function */
    uint32_t parent;   /* 0: launched by the function itself; k: inside goroutines[k - 1] */
} go_chan_goroutine;

typedef struct go_chan_facts {
    go_node *func;     /* the FuncDecl or FuncLit */
    go_node *body;     /* its BlockStmt */
    go_chan *chans;    /* in order of their first make */
    uint32_t nchans;
    go_chan_goroutine *goroutines; /* in source order */
    uint32_t ngoroutines;
} go_chan_facts;

/*
 * The channel facts of func (a FuncDecl or FuncLit of f, which must be
 * resolved with go_resolve).  pkg (may be NULL) finds the callees of
 * `go name(...)` in other files of the package.  Channels made inside
 * nested function literals belong to those literals: ask about them
 * separately.  Returns NULL when func's body has no `make(chan` of a
 * local variable or no `go` statement.  Memory comes from arena.
 */
go_chan_facts *go_chan_facts_of(ls_arena *arena, go_file *f, const go_package *pkg, go_node *func);

/* Cheap pre-check on source text: src[0..len) contains both `make(chan`
 * and a `go` keyword followed by a space.  False means no function in it
 * can have channel facts. */
bool go_chan_text_may_have(const char *src, size_t len);

/* The channel whose variable is decl, or NULL. */
const go_chan *go_chan_find(const go_chan_facts *cf, const go_node *decl);

#ifdef __cplusplus
}
#endif
#endif
