/*
 * leakscope's per-function control-flow graph (syntax only, no types).
 *
 * go_cfg_build() turns the BlockStmt body of a FuncDecl or FuncLit into
 * basic blocks that hold the function's statements, in execution order,
 * and the edges between them.  It answers the question the lifecycle rules
 * ask: "is X called on every path from here to a return?"
 * (go_cfg_all_paths).  docs/cfg.md describes the model with examples.
 *
 *  - Nodes offered.  A block's `nodes` are, in execution order:
 *      - every simple statement: ExprStmt, AssignStmt, DeclStmt, IncDecStmt,
 *        SendStmt, GoStmt, DeferStmt, ReturnStmt, BranchStmt, EmptyStmt,
 *        BadStmt (including the Init and Post statements of if/for/switch,
 *        the Assign statement of a type switch and the Comm statement of a
 *        select clause);
 *      - the expressions a compound statement evaluates itself: IfStmt.Cond,
 *        ForStmt.Cond, SwitchStmt.Tag, RangeStmt.X, and the expressions of
 *        an expression switch's CaseClause List (in a block of their own
 *        that is tested before the clause body; a type switch's cases are
 *        types and are not offered).
 *    Compound statements (BlockStmt, IfStmt, ForStmt, RangeStmt,
 *    SwitchStmt, TypeSwitchStmt, SelectStmt, LabeledStmt, CaseClause,
 *    CommClause) are never offered themselves: their parts are.
 *  - Function literals are not descended into: a FuncLit is a separate
 *    function (build its own graph).  A node that contains a FuncLit is
 *    offered whole; a predicate that walks it must skip FuncLit bodies.
 *  - Exits.  A block's `term` says how it ends: with a ReturnStmt (its last
 *    node), by falling off the end of the body, in a no-return call (its
 *    last node is the ExprStmt of panic(...), os.Exit(...), t.Fatal(...), …,
 *    see go_cfg_default_no_return), or not at all (successors; none for
 *    `select {}` and for the unreachable tail after a jump).  Only returns
 *    and falling off the end are exits ("normal exits").
 *  - Memory comes from the arena given to go_cfg_build (no per-statement
 *    malloc); the graph lives as long as the arena and the tree.  A graph
 *    keeps scratch space for its queries: do not query one graph from two
 *    threads at once.
 *  - Construction and queries are iterative (worklists); recursion is only
 *    as deep as statement nesting, which the parser bounds.
 */
#ifndef LEAKSCOPE_GOCFG_H
#define LEAKSCOPE_GOCFG_H

#include "leakscope/goast.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How a block ends. */
typedef enum go_cfg_term {
    GO_CFG_TERM_NONE,      /* goes on to its successors (none: blocks forever / unreachable) */
    GO_CFG_TERM_RETURN,    /* its last node is a ReturnStmt: a normal exit */
    GO_CFG_TERM_FALLOFF,   /* falls off the closing brace of the body: a normal exit */
    GO_CFG_TERM_NO_RETURN, /* its last node is an ExprStmt calling a no-return function */
} go_cfg_term;

typedef struct go_cfg_block {
    uint32_t index;    /* g->blocks[index] is this block */
    uint8_t term;      /* go_cfg_term */
    bool reachable;    /* some path from the entry leads here */
    go_node **nodes;   /* offered nodes in execution order (see above) */
    uint32_t nnodes;
    uint32_t *succs;   /* successor block indices, in source order */
    uint32_t nsuccs;
    uint32_t *preds;   /* predecessor block indices */
    uint32_t npreds;
} go_cfg_block;

typedef struct go_cfg_defer {
    go_node *stmt;   /* the DeferStmt */
    uint32_t block;  /* the block it is in */
} go_cfg_defer;

typedef struct go_cfg {
    go_node *body;         /* the BlockStmt the graph was built from */
    go_cfg_block *blocks;  /* blocks[0] is the entry */
    uint32_t nblocks;
    go_cfg_defer *defers;  /* every DeferStmt of the function, in source order */
    uint32_t ndefers;
    /* private: query scratch */
    uint32_t *mark_;       /* nblocks + 1 generation marks */
    uint32_t *stack_;      /* nblocks worklist entries */
} go_cfg;

/* Decides whether a call never returns normally.  call is a CallExpr. */
typedef bool (*go_cfg_no_return_fn)(void *ctx, const go_node *call);

typedef struct go_cfg_options {
    /* NULL: go_cfg_default_no_return.  Plug name resolution in here to
     * tell a real os.Exit from a local variable named os. */
    go_cfg_no_return_fn is_no_return;
    void *ctx;
} go_cfg_options;

/*
 * The syntactic default: panic(...); os.Exit, syscall.Exit, runtime.Goexit;
 * log.Fatal, log.Fatalf, log.Fatalln, log.Panic, log.Panicf, log.Panicln
 * (the receiver must be the identifier `os`/`syscall`/`runtime`/`log`);
 * and the methods Fatal, Fatalf, FailNow, Skip, Skipf, SkipNow on any
 * receiver (t.Fatal, b.SkipNow, logger.Fatalf, …).  Parentheses around the
 * function are looked through.  ctx is unused.
 */
bool go_cfg_default_no_return(void *ctx, const go_node *call);

/*
 * Builds the graph of body (the BlockStmt of a FuncDecl or FuncLit; NULL
 * gives a graph of one empty block that falls off the end).  Works on the
 * partial trees of files with syntax errors.  opts may be NULL.
 */
go_cfg *go_cfg_build(ls_arena *arena, go_node *body, const go_cfg_options *opts);

/* Finds the block and position of an offered node; false when node is not
 * offered by this graph (a compound statement, a node of a FuncLit, …).
 * Linear in the size of the graph. */
bool go_cfg_find(const go_cfg *g, const go_node *node, uint32_t *block, uint32_t *index);

/* A predicate on offered nodes. */
typedef bool (*go_cfg_pred)(void *ctx, const go_node *node);

/*
 * True when every path from just after `from` (an offered node; NULL: the
 * function entry) to a normal exit passes a node for which pred(ctx, node)
 * is true.  A path is covered at the first such node, whatever it is: an
 * ExprStmt `cancel()`, an `if` condition that calls it, or a DeferStmt
 * `defer cancel()` (which then covers every exit after it).  Paths that
 * end in a no-return call, block forever (`select {}`) or loop forever do
 * not reach an exit and need nothing.  A path that comes round a loop to
 * `from` again goes on through it (pred may say true for `from` to stop
 * there instead).
 *
 * When false and escape is not NULL, *escape is the exit of one path that
 * misses: its ReturnStmt, or the body BlockStmt when the path falls off
 * the end (report at its closing brace, body->end - 1).  When `from` is not
 * offered by the graph, returns false with *escape NULL.
 */
bool go_cfg_all_paths(const go_cfg *g, const go_node *from, go_cfg_pred pred, void *ctx,
                      const go_node **escape);

/* True when some path from just after `from` (NULL: the entry) reaches a
 * normal exit. */
bool go_cfg_reaches_exit(const go_cfg *g, const go_node *from);

/*
 * Calls fn(ctx, exit, block) for each normal exit of the function, in block
 * order: exit is the ReturnStmt, or the body BlockStmt for the block that
 * falls off the end.  Exits that no path from the entry reaches (after an
 * endless loop, in dead code) are left out.
 */
typedef void (*go_cfg_exit_fn)(void *ctx, const go_node *exit, uint32_t block);
void go_cfg_for_each_exit(const go_cfg *g, go_cfg_exit_fn fn, void *ctx);

/* Appends a readable listing of the graph, one block per line:
 *   b3 [ExprStmt@120 ReturnStmt@131] return -> ()
 * (positions are byte offsets), for tests and debugging. */
void go_cfg_dump(const go_cfg *g, ls_buf *out);

#ifdef __cplusplus
}
#endif
#endif
