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
 */
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

#endif
