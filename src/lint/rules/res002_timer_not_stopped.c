/*
 * RES002 timer-not-stopped: a ticker or timer that nothing stops.
 *
 *   t := time.NewTicker(d)              // also time.NewTimer
 *   if err := step(); err != nil {
 *       return err                      // t keeps ticking: reported
 *   }
 *   defer t.Stop()
 *
 *   for range time.Tick(d) { … }        // outside main/init: can never be stopped
 *
 * Two ideas:
 *  - A walk over the function's control-flow graph from the assignment
 *    looks for, on every path to a return, a node that stops the ticker
 *    (t.Stop(), defer t.Stop(), if !t.Stop() {…}) or lets it escape
 *    (returned, passed to a call, stored, assigned, or used by a closure
 *    other than through t.C / t.Reset).  A timer whose channel has been
 *    received from (`<-t.C`, `case <-t.C:`) has fired and needs no Stop.
 *    A goroutine started from a function literal that calls t.Stop()
 *    covers every path.  A constant duration <= 0 is skipped: NewTimer has
 *    fired, Tick returns nil, NewTicker panics.
 *    A ticker that is never stopped anywhere is reported even when its
 *    function loops forever.  In `func main` and `init` tickers live as
 *    long as the program and are not reported.
 *  - Severity follows the nearest go.mod: before Go 1.23 an unstopped
 *    ticker is never garbage collected (error); since 1.23 it is collected
 *    once unreferenced, but keeps firing until then (warning).
 *
 * The fix (docs/lint.md, "Fixes") puts `defer t.Stop()` on the line after
 * `t := time.NewTicker(d)` (or `var t = …`), only in the simple case where
 * that is clearly right: t is declared by that statement, the statement
 * is in a statement list outside any loop of the function (a loop body
 * would pile up defers), and t is used only as `<-t.C`, `range t.C`,
 * `t.Reset(…)` and `t.Stop()` outside closures -- never assigned, passed,
 * returned or shared with a goroutine, which a deferred Stop could break.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixkit.h"
#include "leakscope/gocfg.h"
#include "leakscope/goscope.h"
#include "leakscope/lint.h"
#include "rulekit.h"

typedef struct rule_ctx {
    lint_pass *pass;
    go_file *f;
    lint_severity severity;
    bool main_pkg;
    bool in_func; /* the walk is inside a function body */
} rule_ctx;

/* One ticker or timer being followed through one function. */
typedef struct track {
    rule_ctx *rc;
    const go_node *stmt;    /* the creating statement */
    const go_node *var;     /* declaring Ident of the ticker variable */
    const go_node *results; /* the function's result FieldList, or NULL */
    bool timer;             /* NewTimer (fires once) rather than NewTicker */
    rulekit_conds conds;    /* the function's branch conditions */
    bool covered; /* set by the node walk */
    bool in_closure;
    struct flag_loop *loops; /* the function's flag loops (see below) */
    size_t nloops;
} track;

/*
 * A loop that a boolean flag ends:
 *
 *   for running := true; running; {        // or: done := false; for !done {
 *                                          // or: var done bool; for !done {
 *       select {
 *       case <-t.C:
 *           running = false                // the only way the loop ends
 *       default:
 *           work()
 *       }
 *   }
 *
 * The flag holds on the first test, so the loop cannot be skipped: the
 * graph's edge from the condition to the loop's end is followed only
 * after an assignment to the flag.  The walk stops at each such
 * assignment (recording it), and a second walk checks the paths from the
 * loop's end.  A flag qualifies when it is a local set by the loop's init
 * or the statement just before the loop, and written nowhere else but by
 * plain assignments in the loop's body, outside closures, and never
 * shared (&flag, a closure).
 */
typedef struct flag_loop {
    const go_node *loop;      /* the ForStmt */
    const go_node *var;       /* declaring Ident of the flag */
    const go_node **assigns;  /* `flag = …` in the body */
    size_t nassigns;
    bool reached;             /* the walk reached an assignment unstopped */
} flag_loop;



/* ---- constant durations ------------------------------------------------------ */

/* NewTimer(d ≤ 0) fires at once, Tick(d ≤ 0) returns nil, NewTicker(d ≤ 0)
 * panics: nothing is left armed.  The constant is folded as CTX002 and
 * CTX007 fold theirs (rulekit_duration). */
static bool nonpositive_arg(const rule_ctx *rc, const go_node *call) {
    int64_t v;
    return call->u.call.args.len == 1 && rulekit_duration(rc->f, rc->pass->pkg, call->u.call.args.at[0], &v) &&
           v <= 0;
}

/* ---- does a node stop the ticker or let it escape? ------------------------- */

static bool is_var(const track *t, const go_node *x) {
    x = rulekit_unparen(x);
    return x && x->kind == GO_IDENT && go_decl_of(x) == t->var;
}

/* t.C */
static bool is_chan(const track *t, const go_node *x) {
    x = rulekit_unparen(x);
    return x && x->kind == GO_SELECTOR_EXPR && rulekit_ident_is(x->u.selector.sel, "C") && is_var(t, x->u.selector.x);
}

static bool scan_use(void *ctx, go_node *n);

static void scan(track *t, go_node *n) {
    if (n && !t->covered)
        go_walk(n, scan_use, NULL, t);
}

/* go_walk pre-visit: sets t->covered at a Stop or an escape. */
static bool scan_use(void *ctx, go_node *n) {
    track *t = ctx;
    if (t->covered)
        return false;
    switch (n->kind) {
    case GO_FUNC_LIT: {
        /* go func() { for range t.C {…} }() does not stop it;
         * a closure that calls t.Stop() or takes t itself does */
        bool was = t->in_closure;
        t->in_closure = true;
        scan(t, n->u.func_lit.body);
        t->in_closure = was;
        return false;
    }
    case GO_CALL_EXPR: {
        const go_node *fun = rulekit_unparen(n->u.call.fun);
        if (fun && fun->kind == GO_SELECTOR_EXPR && is_var(t, fun->u.selector.x)) {
            /* t.Stop(); t.Reset(d) re-arms and stops nothing */
            if (rulekit_ident_is(fun->u.selector.sel, "Reset")) {
                for (uint32_t i = 0; i < n->u.call.args.len; i++)
                    scan(t, n->u.call.args.at[i]);
            } else {
                t->covered = true; /* Stop, or a method we do not know */
            }
            return false;
        }
        return true;
    }
    case GO_UNARY_EXPR:
        /* <-t.C: a timer that fired needs no Stop (also when a goroutine
         * waits for it: it will fire) */
        if (n->op == GO_TOK_ARROW && is_chan(t, n->u.unary.x)) {
            if (t->timer)
                t->covered = true;
            return false;
        }
        return true;
    case GO_RANGE_STMT: /* for range t.C (in a closure) */
        if (is_chan(t, n->u.range_stmt.x)) {
            scan(t, n->u.range_stmt.key);
            scan(t, n->u.range_stmt.value);
            scan(t, n->u.range_stmt.body);
            return false;
        }
        return true;
    case GO_SELECTOR_EXPR:
        if (is_var(t, n->u.selector.x)) {
            /* t.C elsewhere: a ticker's channel cannot stop it; a timer's
             * may be received from under another name, so trust it */
            if (!rulekit_ident_is(n->u.selector.sel, "C") || t->timer)
                t->covered = true;
            return false;
        }
        return true;
    case GO_BINARY_EXPR: /* t != nil */
        if ((n->op == GO_TOK_EQL || n->op == GO_TOK_NEQ) &&
            ((is_var(t, n->u.binary.x) && rulekit_ident_is(rulekit_unparen(n->u.binary.y), "nil")) ||
             (is_var(t, n->u.binary.y) && rulekit_ident_is(rulekit_unparen(n->u.binary.x), "nil"))))
            return false;
        return true;
    case GO_IDENT: /* any other use: returned, passed, stored, assigned */
        if (go_decl_of(n) == t->var)
            t->covered = true;
        return false;
    default:
        return true;
    }
}

static bool covers(track *t, go_node *n) {
    for (size_t k = 0; k < t->nloops; k++)
        for (size_t a = 0; a < t->loops[k].nassigns; a++)
            if (t->loops[k].assigns[a] == n) {
                t->loops[k].reached = true;
                return true;
            }
    /* a bare return with t among the named results hands it back */
    if (n->kind == GO_RETURN_STMT && n->u.return_stmt.results.len == 0 && t->results &&
        t->var->pos >= t->results->pos && t->var->pos < t->results->end)
        return true;
    t->covered = false;
    t->in_closure = false;
    scan(t, n);
    return t->covered;
}

/* ---- nil checks ---------------------------------------------------------------- */

/*
 * At `if t != nil` / `if t == nil`, the index of the successor where the
 * ticker exists; -1 for any other node.
 *   var t *time.Timer
 *   if d > 0 { t = time.NewTimer(d) }
 *   …
 *   if t != nil { t.Stop() }          // the nil branch needs nothing
 */
static int live_branch(const track *t, const go_node *n) {
    for (size_t k = 0; k < t->nloops; k++)
        if (n == t->loops[k].loop->u.for_stmt.cond)
            return 0; /* the graph's first successor of a loop head is its body */
    int when_true = rulekit_conds_when_true(&t->conds, n);
    bool neq;
    const go_node *x = when_true < 0 ? NULL : rulekit_nil_compared(n, &neq);
    if (!x || !is_var(t, x))
        return -1;
    return neq ? when_true : 1 - when_true;
}

/* ---- stops inside goroutines ------------------------------------------------ */

typedef struct go_stop {
    const track *t;
    const go_node *after;
    bool found;
} go_stop;

static bool find_stop_call(void *ctx, go_node *n) {
    go_stop *g = ctx;
    if (g->found)
        return false;
    if (n->kind == GO_CALL_EXPR) {
        const go_node *fun = rulekit_unparen(n->u.call.fun);
        if (fun && fun->kind == GO_SELECTOR_EXPR && rulekit_ident_is(fun->u.selector.sel, "Stop") &&
            is_var(g->t, fun->u.selector.x))
            g->found = true;
    }
    return !g->found;
}

/* go func() { … t.Stop() … }() after the creation: the goroutine stops it
 * (the walk cannot follow it; prefer the false negative). */
static bool find_go_stop(void *ctx, go_node *n) {
    go_stop *g = ctx;
    if (g->found)
        return false;
    if (n->kind == GO_GO_STMT && n->pos > g->after->pos && n->u.go_stmt.call &&
        n->u.go_stmt.call->kind == GO_CALL_EXPR) {
        const go_node *fun = rulekit_unparen(n->u.go_stmt.call->u.call.fun);
        if (fun && fun->kind == GO_FUNC_LIT && fun->u.func_lit.body)
            go_walk(fun->u.func_lit.body, find_stop_call, NULL, g);
    }
    return !g->found;
}

/* ---- flag loops ------------------------------------------------------------------ */

/* x is the literal true or false (not a shadowing declaration). */
static bool is_bool_lit(const go_node *x, bool value) {
    x = rulekit_unparen(x);
    return rulekit_ident_is(x, value ? "true" : "false") && !go_decl_of(x);
}

/* `v := true` / `v = true` / `var v = true` setting a local to value: its
 * declaring Ident, else NULL. */
static const go_node *sets_flag(const go_node *st, bool value) {
    if (!st)
        return NULL;
    const go_node *lhs = NULL, *rhs = NULL;
    if (st->kind == GO_ASSIGN_STMT && st->u.assign.lhs.len == 1 && st->u.assign.rhs.len == 1) {
        lhs = st->u.assign.lhs.at[0];
        rhs = st->u.assign.rhs.at[0];
    } else if (st->kind == GO_DECL_STMT && st->u.decl_stmt.decl && st->u.decl_stmt.decl->kind == GO_GEN_DECL &&
               st->u.decl_stmt.decl->u.gen_decl.specs.len == 1) {
        const go_node *spec = st->u.decl_stmt.decl->u.gen_decl.specs.at[0];
        if (spec->kind == GO_VALUE_SPEC && spec->u.value_spec.names.len == 1 && spec->u.value_spec.values.len == 1) {
            lhs = spec->u.value_spec.names.at[0];
            rhs = spec->u.value_spec.values.at[0];
        } else if (!value && spec->kind == GO_VALUE_SPEC && spec->u.value_spec.names.len == 1 &&
                   !spec->u.value_spec.values.len && rulekit_ident_is(spec->u.value_spec.type, "bool") &&
                   !go_decl_of(spec->u.value_spec.type)) {
            /* var done bool: false until set */
            const go_node *d = go_decl_of(spec->u.value_spec.names.at[0]);
            return d && !go_decl_is_pkg(d) ? d : NULL;
        }
    }
    if (!lhs || lhs->kind != GO_IDENT || !is_bool_lit(rhs, value))
        return NULL;
    const go_node *d = go_decl_of(lhs);
    return d && !go_decl_is_pkg(d) ? d : NULL;
}

/* The uses of a flag: writes must be `flag = …` inside the loop body. */
typedef struct flag_uses {
    flag_loop *fl;
    const go_node *init; /* the statement that sets it first */
    ls_arena *arena;
    int closure;         /* depth of function literals */
    bool bad;
} flag_uses;

static bool flag_use(void *ctx, go_node *n) {
    flag_uses *u = ctx;
    if (u->bad || n == u->init)
        return false;
    const go_node *body = u->fl->loop->u.for_stmt.body;
    switch (n->kind) {
    case GO_FUNC_LIT:
        u->closure++;
        return true;
    case GO_UNARY_EXPR: /* &flag */
        if (n->op == GO_TOK_AND && go_decl_of(rulekit_unparen(n->u.unary.x)) == u->fl->var)
            u->bad = true;
        return !u->bad;
    case GO_ASSIGN_STMT:
    case GO_INC_DEC_STMT:
    case GO_RANGE_STMT: {
        const go_list *lhs = n->kind == GO_ASSIGN_STMT ? &n->u.assign.lhs : NULL;
        bool writes = false;
        for (uint32_t k = 0; lhs && k < lhs->len; k++)
            writes |= go_decl_of(rulekit_unparen(lhs->at[k])) == u->fl->var;
        if (n->kind == GO_RANGE_STMT)
            writes = go_decl_of(rulekit_unparen(n->u.range_stmt.key)) == u->fl->var ||
                     go_decl_of(rulekit_unparen(n->u.range_stmt.value)) == u->fl->var;
        if (!writes)
            return true;
        if (n->kind != GO_ASSIGN_STMT || n->op != GO_TOK_ASSIGN || lhs->len != 1 || u->closure ||
            n->pos < body->pos || n->end > body->end) {
            u->bad = true;
            return false;
        }
        flag_loop *fl = u->fl;
        const go_node **na = ls_arena_alloc(u->arena, (fl->nassigns + 1) * sizeof *na);
        if (fl->nassigns)
            memcpy(na, fl->assigns, fl->nassigns * sizeof *na);
        na[fl->nassigns++] = n;
        fl->assigns = na;
        return true;
    }
    case GO_IDENT: /* any use inside a closure may write it */
        if (u->closure && go_decl_of(n) == u->fl->var)
            u->bad = true;
        return false;
    default:
        return true;
    }
}

static void flag_use_post(void *ctx, go_node *n) {
    flag_uses *u = ctx;
    if (n->kind == GO_FUNC_LIT)
        u->closure--;
}

typedef struct loop_finder {
    track *t;
    go_node *body; /* the function body */
} loop_finder;

/* for …; flag; … { }  with `before` the statement just before it, or NULL */
static void consider_loop(loop_finder *lf, const go_node *loop, const go_node *before) {
    const go_node *cond = rulekit_unparen(loop->u.for_stmt.cond);
    bool want = true;
    if (cond && cond->kind == GO_UNARY_EXPR && cond->op == GO_TOK_NOT) {
        cond = rulekit_unparen(cond->u.unary.x);
        want = false;
    }
    if (!cond || cond->kind != GO_IDENT)
        return;
    const go_node *init = loop->u.for_stmt.init;
    const go_node *var = sets_flag(init, want);
    if (!var) {
        init = before;
        var = sets_flag(init, want);
    }
    if (!var || var != go_decl_of(cond))
        return;
    flag_loop fl = {.loop = loop, .var = var};
    flag_uses u = {.fl = &fl, .init = init, .arena = lf->t->rc->pass->arena};
    go_walk(lf->body, flag_use, flag_use_post, &u);
    if (u.bad || !fl.nassigns)
        return;
    flag_loop *nl = ls_arena_alloc(u.arena, (lf->t->nloops + 1) * sizeof *nl);
    if (lf->t->nloops)
        memcpy(nl, lf->t->loops, lf->t->nloops * sizeof *nl);
    nl[lf->t->nloops++] = fl;
    lf->t->loops = nl;
}

static bool find_loops(void *ctx, go_node *n) {
    loop_finder *lf = ctx;
    if (n->kind == GO_FUNC_LIT)
        return false; /* its own function */
    if (n->kind == GO_BLOCK_STMT)
        for (uint32_t i = 0; i < n->u.block.list.len; i++) {
            const go_node *st = n->u.block.list.at[i];
            if (st && st->kind == GO_FOR_STMT)
                consider_loop(lf, st, i ? n->u.block.list.at[i - 1] : NULL);
        }
    return true;
}

/* The block of g whose last node is cond, and its exit successor. */
static bool loop_exit(const go_cfg *g, const go_node *cond, uint32_t *exit) {
    for (uint32_t b = 0; b < g->nblocks; b++) {
        const go_cfg_block *k = &g->blocks[b];
        if (k->nnodes && k->nodes[k->nnodes - 1] == cond && k->nsuccs == 2) {
            *exit = k->succs[1];
            return true;
        }
    }
    return false;
}

/* ---- the walk -------------------------------------------------------------------- */

/* walk_result: miss is the exit that misses (see all_paths); saw_cover,
 * some path reached a Stop or an escape; saw_end, some path ended (exit,
 * no-return call, select {}). */
typedef rulekit_walk walk_result;

static bool covers_cb(void *ctx, go_node *n) { return covers(ctx, n); }
static int live_cb(void *ctx, const go_node *n) { return live_branch(ctx, n); }

/*
 * Every path from just after t->stmt (block b0, index i0) to a normal exit
 * passes a node that covers the ticker.  On false, w->miss is the exit that
 * misses: a ReturnStmt, the body for falling off the end, or the creating
 * statement itself when a loop comes back to it.
 */
static bool all_paths(track *t, go_cfg *g, uint32_t b0, uint32_t i0, walk_result *w) {
    return rulekit_all_paths(t->rc->pass->arena, g, b0, i0, t->stmt, covers_cb, live_cb, t, w);
}

/* ---- the rule ---------------------------------------------------------------------- */

/* time.NewTicker(d) -> "ticker", time.NewTimer(d) -> "timer", else NULL */
static const char *creation(const rule_ctx *rc, const go_node *call) {
    call = rulekit_unparen(call);
    if (!call || call->kind != GO_CALL_EXPR)
        return NULL;
    if (go_is_pkg_call(rc->f, call, "time", "NewTicker"))
        return "ticker";
    if (go_is_pkg_call(rc->f, call, "time", "NewTimer"))
        return "timer";
    return NULL;
}

static void report(rule_ctx *rc, const go_node *at, go_pos related, const char *related_msg, const char *what,
                   const char *how, const char *name, int len) {
    lint_report_severity(rc->pass, rc->severity, at->pos, related, related_msg,
                         "the %s is %s; its runtime timer stays armed%s (stop it: defer %.*s.Stop())", what, how,
                         rc->severity == LINT_ERROR ? " and is never freed before Go 1.23"
                                                    : " until the garbage collector finds it unreferenced",
                         len, name);
}

/* ---- the fix ------------------------------------------------------------------------ */

typedef struct plain_uses {
    const go_node *var;
    bool bad; /* a use other than <-t.C, range t.C, t.Reset(…), t.Stop() */
} plain_uses;

static bool plain_use_pre(void *ctx, go_node *n);

static void plain_walk(plain_uses *u, go_node *n) {
    if (n && !u->bad)
        go_walk(n, plain_use_pre, NULL, u);
}

static bool is_ref(const plain_uses *u, const go_node *x) {
    x = rulekit_unparen(x);
    return x && x->kind == GO_IDENT && go_decl_of(x) == u->var && x != u->var;
}

static bool is_ref_sel(const plain_uses *u, const go_node *x, const char *sel) {
    x = rulekit_unparen(x);
    return x && x->kind == GO_SELECTOR_EXPR && rulekit_ident_is(x->u.selector.sel, sel) && is_ref(u, x->u.selector.x);
}

static bool plain_use_pre(void *ctx, go_node *n) {
    plain_uses *u = ctx;
    if (u->bad)
        return false;
    switch (n->kind) {
    case GO_FUNC_LIT: /* any use inside a closure: it may outlive the Stop */
        u->bad = fixkit_name_used(n, u->var->u.ident.name);
        return false;
    case GO_UNARY_EXPR:
        return !(n->op == GO_TOK_ARROW && is_ref_sel(u, n->u.unary.x, "C"));
    case GO_RANGE_STMT:
        if (!is_ref_sel(u, n->u.range_stmt.x, "C"))
            return true;
        plain_walk(u, n->u.range_stmt.key);
        plain_walk(u, n->u.range_stmt.value);
        plain_walk(u, n->u.range_stmt.body);
        return false;
    case GO_CALL_EXPR:
        if (is_ref_sel(u, n->u.call.fun, "Stop") || is_ref_sel(u, n->u.call.fun, "Reset")) {
            for (uint32_t i = 0; i < n->u.call.args.len; i++)
                plain_walk(u, n->u.call.args.at[i]);
            return false;
        }
        return true;
    case GO_IDENT:
        if (is_ref(u, n))
            u->bad = true;
        return false;
    default:
        return true;
    }
}

/*   t := time.NewTicker(d)  ->  t := time.NewTicker(d)
 *                               defer t.Stop() */
static void offer_fix(rule_ctx *rc, const go_node *stmt, const go_node *lhs, const go_node *var, go_node *body) {
    bool in_loop = false;
    if (lhs != var || (stmt->kind == GO_ASSIGN_STMT && stmt->op != GO_TOK_DEFINE))
        return;
    if (!fixkit_stmt_in_list(body, stmt, &in_loop) || in_loop || !fixkit_can_insert_line_after(rc->f, stmt))
        return;
    plain_uses u = {.var = var};
    plain_walk(&u, body);
    if (u.bad)
        return;
    const ls_atom *a = var->u.ident.name;
    char line[128];
    if (a->len > 100)
        return;
    snprintf(line, sizeof line, "defer %.*s.Stop()", (int)a->len, a->ptr);
    fixkit_insert_line_after(rc->pass, stmt, line);
}

/* t := time.NewTicker(d)  /  t = …  /  var t = …  /  time.NewTimer(d) */
static void check_stmt(rule_ctx *rc, go_cfg *g, uint32_t b, uint32_t i, const go_node *fn, const go_node *ftype,
                       go_node *body) {
    go_node *n = g->blocks[b].nodes[i];
    const go_node *call = NULL, *lhs = NULL;
    if (n->kind == GO_ASSIGN_STMT && n->u.assign.rhs.len == 1 && n->u.assign.lhs.len == 1 &&
        (n->op == GO_TOK_DEFINE || n->op == GO_TOK_ASSIGN)) {
        call = n->u.assign.rhs.at[0];
        lhs = n->u.assign.lhs.at[0];
    } else if (n->kind == GO_DECL_STMT && n->u.decl_stmt.decl && n->u.decl_stmt.decl->kind == GO_GEN_DECL &&
               n->u.decl_stmt.decl->u.gen_decl.specs.len == 1) {
        const go_node *spec = n->u.decl_stmt.decl->u.gen_decl.specs.at[0];
        if (spec->kind == GO_VALUE_SPEC && spec->u.value_spec.values.len == 1 &&
            spec->u.value_spec.names.len == 1) {
            call = spec->u.value_spec.values.at[0];
            lhs = spec->u.value_spec.names.at[0];
        }
    } else if (n->kind == GO_EXPR_STMT) {
        call = n->u.expr_stmt.x;
    }
    const char *what = creation(rc, call);
    if (!what)
        return;
    call = rulekit_unparen(call);
    if (nonpositive_arg(rc, call))
        return;
    if (!lhs || rulekit_ident_is(lhs, "_")) { /* time.NewTimer(d) as a statement, _ = time.NewTicker(d) */
        report(rc, call, GO_NOPOS, NULL, what, "discarded, so it can never be stopped", "t", 1);
        return;
    }
    if (lhs->kind != GO_IDENT) /* s.ticker = time.NewTicker(d): stored */
        return;
    const go_node *var = go_decl_of(lhs);
    /* declared in this function (a captured or package variable escapes) */
    if (!var || var->pos < fn->pos || var->pos >= body->end)
        return;
    track t = {.rc = rc, .stmt = n, .var = var, .timer = strcmp(what, "timer") == 0};
    t.results = ftype ? ftype->u.func_type.results : NULL;
    /* a defer made before the assignment may stop it (the variable was
     * declared earlier):
     *   defer func() { if timer != nil { timer.Stop() } }()
     *   …
     *   timer = time.NewTimer(d) */
    for (uint32_t k = 0; k < g->ndefers; k++)
        if (g->defers[k].stmt->pos < n->pos && covers(&t, g->defers[k].stmt))
            return;
    go_stop gst = {.t = &t, .after = n};
    go_walk(body, find_go_stop, NULL, &gst);
    if (gst.found)
        return;
    rulekit_conds_collect(&t.conds, rc->pass->arena, body);
    loop_finder lf = {&t, body};
    go_walk(body, find_loops, NULL, &lf);
    walk_result w = {0};
    const char *name = var->u.ident.name->ptr;
    int len = (int)var->u.ident.name->len;
    bool ok = all_paths(&t, g, b, i, &w);
    /* the paths that left a flag loop go on from its end; a loop reached
     * there again is followed the same way (nloops bounds the rounds) */
    for (size_t round = 0; ok && round < t.nloops; round++)
        for (size_t k = 0; ok && k < t.nloops; k++) {
            uint32_t exit;
            if (!t.loops[k].reached || !loop_exit(g, t.loops[k].loop->u.for_stmt.cond, &exit))
                continue;
            t.loops[k].reached = false;
            ok = all_paths(&t, g, exit, RULEKIT_BLOCK_START, &w);
        }
    if (ok) {
        /* for { select { case <-t.C: … } } without a way out: the function
         * never returns, and nothing ever stops the ticker */
        if (!t.timer && !w.saw_cover && !w.saw_end) {
            report(rc, call, GO_NOPOS, NULL, what, "never stopped", name, len);
            offer_fix(rc, n, lhs, var, body);
        }
        return;
    }
    if (w.miss == n)
        report(rc, call, n->pos, "the loop comes back here and makes a new one without stopping the old", what,
               "not stopped on every path", name, len);
    else if (w.miss && w.miss->kind == GO_RETURN_STMT) {
        report(rc, call, w.miss->pos, "this return does not stop it", what, "not stopped on every path", name, len);
        offer_fix(rc, n, lhs, var, body);
    } else {
        report(rc, call, body->end - 1, "the function ends here without stopping it", what,
               "not stopped on every path", name, len);
        offer_fix(rc, n, lhs, var, body);
    }
}

/* Is there a NewTicker/NewTimer call in the body (nested closures aside)? */
typedef struct has_call {
    const rule_ctx *rc;
    const go_node *root;
    bool found;
} has_call;

static bool find_candidate(void *ctx, go_node *n) {
    has_call *h = ctx;
    if (h->found || (n->kind == GO_FUNC_LIT && n != h->root))
        return false;
    if (n->kind == GO_CALL_EXPR && creation(h->rc, n))
        h->found = true;
    return !h->found;
}

static void check_func(rule_ctx *rc, const go_node *fn, const go_node *ftype, go_node *body) {
    if (!body)
        return;
    has_call h = {rc, body, false};
    go_walk(body, find_candidate, NULL, &h);
    if (!h.found)
        return;
    go_cfg *g = go_cfg_build(rc->pass->arena, body, NULL);
    for (uint32_t b = 0; b < g->nblocks; b++)
        for (uint32_t i = 0; i < g->blocks[b].nnodes; i++)
            check_stmt(rc, g, b, i, fn, ftype, body);
}

/* func main() in package main, func init(): they live as long as the program */
static bool lives_forever(const rule_ctx *rc, const go_node *fn) {
    if (fn->u.func_decl.recv || !fn->u.func_decl.name)
        return false;
    return rulekit_ident_is(fn->u.func_decl.name, "init") || (rc->main_pkg && rulekit_ident_is(fn->u.func_decl.name, "main"));
}

static bool visit(void *ctx, go_node *n);

static void visit_body(rule_ctx *rc, go_node *body) {
    bool was = rc->in_func;
    rc->in_func = true;
    if (body)
        go_walk(body, visit, NULL, rc);
    rc->in_func = was;
}

static bool visit(void *ctx, go_node *n) {
    rule_ctx *rc = ctx;
    switch (n->kind) {
    case GO_FUNC_DECL:
        if (lives_forever(rc, n))
            return false;
        check_func(rc, n, n->u.func_decl.type, n->u.func_decl.body);
        visit_body(rc, n->u.func_decl.body);
        return false;
    case GO_FUNC_LIT:
        check_func(rc, n, n->u.func_lit.type, n->u.func_lit.body);
        visit_body(rc, n->u.func_lit.body);
        return false;
    case GO_RANGE_STMT: {
        /* for range time.Tick(d) { … } with no return, break or goto out
         * of it: the loop, and the goroutine running it, never end, so the
         * ticker is in use for as long as it exists (an endless function,
         * as staticcheck calls it); nothing is lost by not stopping it */
        const go_node *x = rulekit_unparen(n->u.range_stmt.x);
        if (x && go_is_pkg_call(rc->f, x, "time", "Tick")) {
            rulekit_loop lf;
            rulekit_loop_facts(rc->f, NULL, n, &lf);
            if (!lf.leaves) {
                go_walk(n->u.range_stmt.body, visit, NULL, rc);
                return false;
            }
        }
        return true;
    }
    case GO_CALL_EXPR:
        /* for range time.Tick(d) { … } in a function (var ticks =
         * time.Tick(d) at package level lives as long as the program) */
        if (rc->in_func && go_is_pkg_call(rc->f, n, "time", "Tick") && !nonpositive_arg(rc, n))
            lint_report_severity(rc->pass, rc->severity, n->pos, GO_NOPOS, NULL,
                                 "the ticker of time.Tick can never be stopped; it keeps firing%s (use "
                                 "time.NewTicker and defer Stop)",
                                 rc->severity == LINT_ERROR ? " and is never freed before Go 1.23"
                                                            : " until the garbage collector finds it unreferenced");
        return true;
    default:
        return true;
    }
}

static void check(lint_pass *pass) {
    if (!pass->file || !pass->file->root)
        return;
    rule_ctx rc = {.pass = pass, .f = pass->file};
    /* go.mod before 1.23: an unstopped timer is never collected */
    rc.severity = pass->go_minor > 0 && pass->go_minor < 23 ? LINT_ERROR : LINT_WARNING;
    const go_node *pkg = pass->file->root->u.file.name;
    rc.main_pkg = rulekit_ident_is(pkg, "main");
    go_walk(pass->file->root, visit, NULL, &rc);
}

const lint_rule lint_rule_res002 = {
    .id = "RES002",
    .name = "timer-not-stopped",
    .summary = "a time.Ticker or time.Timer is not stopped on every path, or time.Tick is used in a function",
    .severity = LINT_ERROR,
    .requires_import = "time",
    .check = check,
};
