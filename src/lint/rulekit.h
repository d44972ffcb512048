/*
 * rulekit: helpers shared by the lint rules in src/lint/rules/.
 * Private to the lint library; rule files include it as "rulekit.h".
 */
#ifndef LEAKSCOPE_RULEKIT_H
#define LEAKSCOPE_RULEKIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leakscope/base.h"
#include "leakscope/goast.h"
#include "leakscope/gocfg.h"
#include "leakscope/goscope.h"

/*
 * The branch conditions of one function body: each if statement's
 * condition and each single-expression case of a tagless switch, with
 * the index of the successor its control-flow block takes when the
 * condition is true (0 for an if: then; 1 for a case: the clause body).
 * Used to follow only one side of an error or nil check.
 */
typedef struct rulekit_conds {
    go_node **conds;
    uint8_t *when_true;
    size_t n;
} rulekit_conds;

/*
 * Fills *out with the conditions found in body, not descending into
 * function literals.  Arrays are allocated in arena; *out is overwritten.
 */
void rulekit_conds_collect(rulekit_conds *out, ls_arena *arena, go_node *body);

/*
 * The successor index taken when cond is true, if cond is one of the
 * collected conditions (compared by node identity); -1 otherwise.
 */
int rulekit_conds_when_true(const rulekit_conds *c, const go_node *cond);

/* What rulekit_all_paths saw. */
typedef struct rulekit_walk {
    const go_node *miss; /* on false: the exit that misses (see below) */
    bool saw_cover;      /* some path reached a node that covers */
    bool saw_end;        /* some path ended: no-return call, no successor */
} rulekit_walk;

/*
 * Follows every path of g from node i0 of block b0 (exclusive) and tells
 * whether each reaches a node for which covers(ctx, n) is true before
 * leaving the function.  At the last node of a block with two
 * successors, live(ctx, n) may name the only successor to follow (-1:
 * both), so one side of an error or nil check can be ignored.  Returns
 * false, with w->miss set, when a path reaches stmt again (w->miss =
 * stmt), a return (the ReturnStmt, or g->body for an empty block) or the
 * end of the body (g->body).  Paths ending in a no-return call are fine.
 * Scratch memory comes from arena; *w must be zeroed by the caller.
 * i0 = RULEKIT_BLOCK_START starts at the block's first node, inclusive.
 */
#define RULEKIT_BLOCK_START UINT32_MAX /* the node "before" node 0: i0 + 1 wraps to 0 */
bool rulekit_all_paths(ls_arena *arena, go_cfg *g, uint32_t b0, uint32_t i0, const go_node *stmt,
                       bool (*covers)(void *ctx, go_node *n), int (*live)(void *ctx, const go_node *n), void *ctx,
                       rulekit_walk *w);

/*
 * x with any enclosing parentheses removed; NULL for NULL.  Like strchr,
 * the result is not const so that callers holding a mutable node keep one.
 */
go_node *rulekit_unparen(const go_node *x);

/* Whether x is an identifier spelled exactly name (x may be NULL;
 * a non-NULL identifier must have its name set). */
bool rulekit_ident_is(const go_node *x, const char *name);

/* For `x == nil` / `x != nil` (either order, parentheses allowed, nil the
 * universe one): x, unparenthesised, and in *neq whether the operator is
 * !=.  NULL for any other node. */
const go_node *rulekit_nil_compared(const go_node *cond, bool *neq);

/* Whether the file's path ends in "_test.go" (false when it has none). */
bool rulekit_is_test_file(const go_file *f);

/* The name of the base type of a receiver or value type: T of T, *T, T[K],
 * *T[K] (parentheses allowed); NULL for anything else.  Shared by the
 * goroutine following here and GRT004's method lookup. */
const ls_atom *rulekit_recv_base_type(const go_node *type);


/* ---- goroutines and their loops (GRT002, GRT003) -------------------------- */

/* What a `go` statement starts, when syntax can tell. */
typedef struct rulekit_goroutine {
    go_node *fn;     /* the FuncLit or FuncDecl */
    go_node *body;   /* its body BlockStmt */
    go_node *params; /* its parameter FieldList (may be NULL) */
    go_file *file;   /* the file that holds fn */
    ls_str name;     /* the function's name; empty for a literal */
} rulekit_goroutine;

/*
 * Resolves what go_stmt starts: `go func(){…}()`, `go f()` with f a
 * top-level function of the package (through pkg), or `go v.m()` with v a
 * receiver, parameter or local variable of decl (the outermost FuncDecl
 * around go_stmt, may be NULL) whose type is a named type T of the package
 * (`v *T`, `var v T`, `v := &T{…}`) and m a method of T.  False for
 * anything else (a function value, an interface, a body-less declaration).
 */
bool rulekit_goroutine_of(go_file *f, const go_package *pkg, const go_node *go_stmt, const go_node *decl,
                          rulekit_goroutine *out);

/*
 * Whether a goroutine started by go_stmt lives as long as the program by
 * construction, so that a loop that never ends is its job: go_stmt is in
 * `func init()`, in `func main()` of package main, or in a function of
 * package main that main/init calls by name; function literals in between
 * must be started with `go`, called on the spot or passed to a one-argument
 * `.Do` (sync.Once).  Also a hand-written once: before go_stmt the
 * function returns early on a package variable it then sets (`if started
 * != nil { return }; started = …`).  stack[0..depth) are go_stmt's
 * ancestors, outermost first.
 */
bool rulekit_go_lives_with_program(const go_file *f, const go_package *pkg, const go_node *go_stmt,
                                   go_node *const *stack, size_t depth);

/* What a `for` loop's body shows, not looking into function literals. */
typedef struct rulekit_loop {
    const go_node *blocks; /* a select without default, a channel send or
                              receive, time.Sleep, X.Wait(): NULL if none */
    const go_node *exit;   /* a return, a break or goto that leaves the
                              loop, a call that never returns: NULL if none */
    const go_node *leaves; /* a return, a break or goto that leaves the
                              loop (calls aside): NULL if none */
} rulekit_loop;

/* Fills *out for loop (a ForStmt or a RangeStmt).  pkg (may be NULL) lets
 * a call to a package function that panics or exits count as a way out. */
void rulekit_loop_facts(const go_file *f, const go_package *pkg, go_node *loop, rulekit_loop *out);

/* The next `for` statement without a condition at the top level of body
 * (labels looked through) at or after index *i; *i is moved past it.
 * NULL when there is none. */
go_node *rulekit_next_forever_loop(const go_node *body, uint32_t *i);

/* The declaring Ident of a parameter or result of type context.Context in
 * fields (a FieldList of f), for each one, through visit. */
void rulekit_context_params(const go_file *f, const go_node *fields, void (*visit)(void *ctx, const go_node *decl),
                            void *ctx);


/* False when f's source cannot hold a `go` statement (no `go` keyword
 * preceded by a space, tab, newline, `;`, `{` or `:` and followed by a
 * space, tab or `(`): rules about goroutines skip the file without a walk.
 * True may be wrong (the word in a comment); false never is. */
bool rulekit_may_start_goroutine(const go_file *f);

/*
 * The value of a constant duration expression in nanoseconds (plain
 * integers count as nanoseconds, as time.Duration(n) does): integer
 * literals, unary + and -, binary + - * /, parentheses, time.Nanosecond …
 * time.Hour (also dot-imported), time.Duration(c), and named constants of
 * this file or, when pkg is not NULL, of another file of the package
 * (`const d = 5 * time.Second`; not iota, not floats).  False for anything
 * else (a variable, a call, an overflow): unknown is never a value.
 */
struct go_package;
bool rulekit_duration(const go_file *f, const struct go_package *pkg, const go_node *x, int64_t *ns);

/* A duration as Go prints the simple ones ("0s", "5s", "-1500ms"). */
void rulekit_fmt_duration(char *buf, size_t size, int64_t ns);

/* ---- source text prefilters ---------------------------------------------- */

/*
 * The source text of n (n->pos to n->end) contains s.  A subtree whose
 * text lacks an identifier's name holds no identifier spelled so, and the
 * text is searched far faster than the tree is walked: rules pass over a
 * function that cannot match before building anything for it.
 */
bool rulekit_text_has(const go_file *f, const go_node *n, const char *s);

/* ---- the go statements of a file, for goroutine rules ------------------- */

/*
 * GRT002 and GRT003 judge each `go` statement the same way: with its
 * ancestors at hand (rulekit_go_lives_with_program reads them), the
 * enclosing FuncDecl, what the statement starts, and the blocking forever
 * loops of that body.  One walk and one loop iterator serve both, so a fix
 * to how a goroutine is followed reaches both rules.
 */
struct lint_pass;
typedef struct rulekit_go_walker {
    struct lint_pass *pass;
    go_node **stack; /* ancestors of the node being visited */
    size_t depth, cap;
    void (*on_go)(struct rulekit_go_walker *w, const go_node *go_stmt, const go_node *decl,
                  const rulekit_goroutine *g);
} rulekit_go_walker;

/* Calls on_go for every `go` statement of pass->file whose goroutine
 * rulekit_goroutine_of can follow; decl is the top-level FuncDecl around
 * it (NULL outside one).  Functions without a go statement are skipped. */
void rulekit_walk_go_stmts(struct lint_pass *pass, void (*on_go)(rulekit_go_walker *w, const go_node *go_stmt,
                                                                 const go_node *decl, const rulekit_goroutine *g));

/* The next `for {}` loop of body (from *i, as rulekit_next_forever_loop)
 * that visibly blocks, with its facts in *lf; NULL when none is left. */
go_node *rulekit_next_blocking_loop(const rulekit_goroutine *g, const go_package *pkg, uint32_t *i,
                                    rulekit_loop *lf);

/* The last element of path for a message ("?" for none). */
const char *rulekit_base_name(const char *path);

/* ---- reaching forward through a function's graph --------------------------- */

/*
 * CTX005 (does the assignment come back to itself?) and CTX006 (does a
 * join follow the go statement?) searched the graph forward the same way;
 * one search keeps their order of visits, and so their findings, equal.
 */
typedef enum rulekit_reach_step {
    RULEKIT_REACH_ON,    /* go on along this path */
    RULEKIT_REACH_CUT,   /* this path ends here: not past n, not to its successors */
    RULEKIT_REACH_FOUND, /* done: rulekit_reaches returns true */
} rulekit_reach_step;

/* Offers visit the nodes of g reachable from just after node i0 of block
 * b0, depth first, each block once (b0 itself once more from its start if
 * a loop leads back to it); true as soon as visit says FOUND. */
bool rulekit_reaches(ls_arena *arena, const go_cfg *g, uint32_t b0, uint32_t i0,
                     rulekit_reach_step (*visit)(void *ctx, const go_node *n), void *ctx);

#endif
