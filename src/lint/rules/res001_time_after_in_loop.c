/*
 * RES001 time-after-in-loop: a time.After select case that a loop runs
 * again while the timer of the last round is still armed.
 *
 *   for {
 *       select {
 *       case v := <-in:              // wins: round again ...
 *           handle(v)
 *       case <-time.After(time.Minute): // ... and a new timer here: reported
 *           return
 *       }
 *   }
 *
 * Two ideas:
 *  - "In a loop" is asked of the control-flow graph, not of the syntax: the
 *    finding needs a path that starts in a case other than the time.After
 *    one (that case won, so the timer is still armed) and comes back to the
 *    time.After case without leaving the function.  A select whose other
 *    cases all return, break out of the loop or panic is a one-shot (each
 *    loop run leaves at most one armed timer); a select whose only case is
 *    time.After is a sleep (every timer fires).  A select in a function
 *    literal is judged in that literal: a goroutine per item with its own
 *    timeout is not a loop of timers.  A `case <-ctx.Done():`, or a
 *    receive from a channel the package closes and never sends on, is not
 *    a way round even when its body falls through: a closed channel wins
 *    every later round, so such loops leave by their next check (a
 *    context-aware call fails) rather than spin.  Nor is a case that sets
 *    a variable a loop condition on the way round tests (`case errc =
 *    <-quit:` under `for errc == nil`).
 *  - Severity follows the nearest go.mod as in RES002: before Go 1.23 a
 *    timer nobody stops is not freed until it fires (error); from 1.23 on
 *    the collector frees it once unreferenced, so what is left is one
 *    allocation per round (warning, also when the version is unknown).
 * _test.go files are skipped: there the pattern is a watchdog around a
 * short loop, and the process ends with the test.
 */
#include <string.h>

#include "leakscope/gocfg.h"
#include "leakscope/goscope.h"
#include "leakscope/lint.h"
#include "rulekit.h"

/* Channel names already judged by signal_chan, for the whole file (a
 * package walk each otherwise).  Names are atoms of the file. */
typedef struct signal_memo {
    const ls_atom *name[32];
    bool signal[32];
    size_t n;
} signal_memo;

typedef struct rule_ctx {
    lint_pass *pass;
    signal_memo *memo;
    go_file *f;
    lint_severity severity;
    go_cfg *g;       /* its graph, built at the first candidate */
    struct for_conds *conds; /* its loop conditions, collected then */
    go_node *body;
} rule_ctx;

/* `<-time.After(d)` as a comm statement (`case <-…:`, `case v := <-…:`):
 * the call, else NULL. */
static const go_node *after_call(const rule_ctx *rc, const go_node *comm) {
    const go_node *x = NULL;
    if (!comm)
        return NULL;
    if (comm->kind == GO_EXPR_STMT)
        x = comm->u.expr_stmt.x;
    else if (comm->kind == GO_ASSIGN_STMT && comm->u.assign.rhs.len == 1)
        x = comm->u.assign.rhs.at[0];
    x = rulekit_unparen(x);
    if (!x || x->kind != GO_UNARY_EXPR || x->op != GO_TOK_ARROW)
        return NULL;
    x = rulekit_unparen(x->u.unary.x);
    return x && go_is_pkg_call(rc->f, x, "time", "After") ? x : NULL;
}

/* The last name of a channel expression (`done`, `s.quit`), or NULL. */
static const ls_atom *last_name(const go_node *x) {
    x = rulekit_unparen(x);
    if (x && x->kind == GO_SELECTOR_EXPR)
        x = x->u.selector.sel;
    return x && x->kind == GO_IDENT ? x->u.ident.name : NULL;
}

static bool same_name(const ls_atom *a, const ls_atom *b) {
    return a && b && a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

typedef struct chan_use {
    const ls_atom *name;
    bool closed, sent;
} chan_use;

static bool find_chan_use(void *ctx, go_node *n) {
    chan_use *u = ctx;
    if (n->kind == GO_SEND_STMT && same_name(last_name(n->u.send.chan), u->name))
        u->sent = true;
    if (n->kind == GO_CALL_EXPR && n->u.call.args.len == 1 && rulekit_ident_is(rulekit_unparen(n->u.call.fun), "close") &&
        !go_decl_of(rulekit_unparen(n->u.call.fun)) && same_name(last_name(n->u.call.args.at[0]), u->name))
        u->closed = true;
    return !u->sent;
}

/* Some file of the package closes a channel of this name and none sends
 * on one: a done signal (the owner closes it once). */
static bool signal_chan(const rule_ctx *rc, const go_node *ch) {
    chan_use u = {.name = last_name(ch)};
    if (!u.name)
        return false;
    signal_memo *m = rc->memo;
    for (size_t i = 0; i < m->n; i++)
        if (m->name[i] == u.name)
            return m->signal[i];
    const go_package *p = rc->pass->pkg;
    size_t n = p ? go_package_file_count(p) : 0;
    if (!p)
        go_walk(rc->f->root, find_chan_use, NULL, &u);
    for (size_t i = 0; i < n && !u.sent; i++) {
        go_file *f = go_package_file(p, i);
        if (f && f->root)
            go_walk(f->root, find_chan_use, NULL, &u);
    }
    if (m->n < sizeof m->name / sizeof *m->name) {
        m->name[m->n] = u.name;
        m->signal[m->n++] = u.closed && !u.sent;
    }
    return u.closed && !u.sent;
}

/*
 * `case <-ctx.Done():` (any X.Done()), or a receive from a channel the
 * package only ever closes: once closed it is ready on every round, so a
 * loop that went on after it would spin; such loops leave by their next
 * check instead (a context-aware call fails, the loop condition sees the
 * shutdown).  Not a way round.
 */
static bool done_case(const rule_ctx *rc, const go_node *comm) {
    const go_node *x = NULL;
    if (comm && comm->kind == GO_EXPR_STMT)
        x = comm->u.expr_stmt.x;
    else if (comm && comm->kind == GO_ASSIGN_STMT && comm->u.assign.rhs.len == 1)
        x = comm->u.assign.rhs.at[0];
    x = rulekit_unparen(x);
    if (!x || x->kind != GO_UNARY_EXPR || x->op != GO_TOK_ARROW)
        return false;
    x = rulekit_unparen(x->u.unary.x);
    if (x && x->kind == GO_CALL_EXPR) {
        const go_node *fun = rulekit_unparen(x->u.call.fun);
        return x->u.call.args.len == 0 && fun && fun->kind == GO_SELECTOR_EXPR &&
               rulekit_ident_is(fun->u.selector.sel, "Done");
    }
    return signal_chan(rc, x);
}

/* ---- variables a case sets, and loop conditions that test them ------------- */

typedef struct assigned {
    const go_node *decls[16]; /* declaring Idents; too many: all is true */
    size_t n;
    bool all;
} assigned;

static void note_assigned(assigned *a, const go_node *lhs) {
    const go_node *d = go_decl_of(rulekit_unparen(lhs));
    if (!d)
        return;
    if (a->n == sizeof a->decls / sizeof *a->decls)
        a->all = true;
    else
        a->decls[a->n++] = d;
}

static bool collect_assigned(void *ctx, go_node *n) {
    assigned *a = ctx;
    if (n->kind == GO_FUNC_LIT)
        return false;
    if (n->kind == GO_ASSIGN_STMT)
        for (uint32_t i = 0; i < n->u.assign.lhs.len; i++)
            note_assigned(a, n->u.assign.lhs.at[i]);
    else if (n->kind == GO_INC_DEC_STMT)
        note_assigned(a, n->u.inc_dec.x);
    return true;
}

typedef struct mention {
    const assigned *a;
    bool found;
} mention;

static bool find_mention(void *ctx, go_node *n) {
    mention *m = ctx;
    if (m->found || n->kind == GO_FUNC_LIT)
        return false;
    if (n->kind == GO_IDENT && go_decl_of(n))
        for (size_t i = 0; i < m->a->n && !m->found; i++)
            m->found = m->a->decls[i] == go_decl_of(n);
    return !m->found;
}

typedef struct for_conds {
    const go_node **at;
    size_t n, cap;
    lint_pass *pass;
} for_conds;

static bool collect_for_cond(void *ctx, go_node *n) {
    for_conds *c = ctx;
    if (n->kind == GO_FUNC_LIT)
        return false;
    if (n->kind == GO_FOR_STMT && n->u.for_stmt.cond) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 8;
            const go_node **a = ls_arena_alloc(c->pass->arena, cap * sizeof *a);
            if (c->n)
                memcpy(a, c->at, c->n * sizeof *a);
            c->at = a;
            c->cap = cap;
        }
        c->at[c->n++] = n->u.for_stmt.cond;
    }
    return true;
}

/* n is a loop condition that tests a variable the case set:
 *   for errc == nil { select { case errc = <-quit: … case <-time.After(d): } }
 * the loop may end there. */
static bool tests_assigned(const rule_ctx *rc, const assigned *a, go_node *n) {
    bool cond = false;
    for (size_t i = 0; i < rc->conds->n && !cond; i++)
        cond = rc->conds->at[i] == n;
    if (!cond)
        return false;
    if (a->all)
        return true;
    mention m = {a, false};
    go_walk(n, find_mention, NULL, &m);
    return m.found;
}

/*
 * Whether some path from the start of block `from` reaches `comm` (the
 * time.After comm statement) again before leaving the function.  Paths end
 * at returns, at the end of the body, in no-return calls, in blocks
 * without successors and at a loop condition that tests a variable in
 * `set` (what the case assigned).
 */
static bool comes_back(rule_ctx *rc, uint32_t from, const go_node *comm, const assigned *set) {
    go_cfg *g = rc->g;
    bool *seen = ls_arena_zalloc(rc->pass->arena, g->nblocks * sizeof *seen);
    uint32_t *stack = ls_arena_alloc(rc->pass->arena, (g->nblocks + 1) * sizeof *stack);
    size_t depth = 0;
    stack[depth++] = from;
    seen[from] = true;
    while (depth) {
        const go_cfg_block *k = &g->blocks[stack[--depth]];
        bool leaves = false;
        for (uint32_t i = 0; i < k->nnodes && !leaves; i++) {
            if (k->nodes[i] == comm)
                return true;
            leaves = tests_assigned(rc, set, k->nodes[i]);
        }
        if (leaves || k->term != GO_CFG_TERM_NONE)
            continue;
        for (uint32_t s = 0; s < k->nsuccs; s++)
            if (!seen[k->succs[s]]) {
                seen[k->succs[s]] = true;
                stack[depth++] = k->succs[s];
            }
    }
    return false;
}

static void report(rule_ctx *rc, const go_node *call, const go_node *clause) {
    if (rc->severity == LINT_ERROR)
        lint_report_severity(rc->pass, rc->severity, call->pos, clause->pos,
                             "when this case wins, the loop comes back and makes another timer",
                             "time.After in a select in a loop makes a timer every round; each one another case "
                             "beats stays armed and is not freed until it fires (Go < 1.23 by go.mod): make one "
                             "time.NewTimer before the loop and Reset it, or use a context deadline");
    else
        lint_report_severity(rc->pass, rc->severity, call->pos, clause->pos,
                             "when this case wins, the loop comes back and makes another timer",
                             "time.After in a select in a loop makes a timer every round that another case beats, "
                             "garbage until the collector finds it: make one time.NewTimer before the loop and "
                             "Reset it, or use a context deadline");
}

/* Whether clause (starting block `from`) can win and come back round to
 * comm. */
static bool way_round(rule_ctx *rc, go_node *clause, uint32_t from, const go_node *comm) {
    if (!clause || clause->kind != GO_COMM_CLAUSE || done_case(rc, clause->u.comm_clause.comm))
        return false;
    assigned set = {.n = 0};
    if (clause->u.comm_clause.comm)
        go_walk(clause->u.comm_clause.comm, collect_assigned, NULL, &set);
    for (uint32_t i = 0; i < clause->u.comm_clause.body.len; i++)
        go_walk(clause->u.comm_clause.body.at[i], collect_assigned, NULL, &set);
    if (!rc->conds) {
        rc->conds = ls_arena_zalloc(rc->pass->arena, sizeof *rc->conds);
        rc->conds->pass = rc->pass;
        go_walk(rc->body, collect_for_cond, NULL, rc->conds);
    }
    return comes_back(rc, from, comm, &set);
}

/* A select of the function being walked (not of a nested literal). */
static void check_select(rule_ctx *rc, const go_node *sel) {
    const go_node *body = sel->u.select_stmt.body;
    if (!body || body->kind != GO_BLOCK_STMT)
        return;
    go_list clauses = body->u.block.list;
    for (uint32_t c = 0; c < clauses.len; c++) {
        const go_node *cl = clauses.at[c];
        const go_node *call = cl && cl->kind == GO_COMM_CLAUSE ? after_call(rc, cl->u.comm_clause.comm) : NULL;
        if (!call || clauses.len < 2)
            continue;
        if (!rc->g)
            rc->g = go_cfg_build(rc->pass->arena, rc->body, NULL);
        const go_node *comm = cl->u.comm_clause.comm;
        uint32_t b, i;
        if (!go_cfg_find(rc->g, comm, &b, &i) || i != 0 || rc->g->blocks[b].npreds != 1)
            continue;
        /* the select's header goes to every clause, in source order */
        const go_cfg_block *head = &rc->g->blocks[rc->g->blocks[b].preds[0]];
        if (head->nsuccs != clauses.len || head->succs[c] != b)
            continue;
        for (uint32_t o = 0; o < clauses.len; o++)
            if (o != c && way_round(rc, clauses.at[o], head->succs[o], comm)) {
                report(rc, call, clauses.at[o]);
                break;
            }
    }
}

static bool visit(void *ctx, go_node *n);

static void walk_func(rule_ctx *rc, go_node *body) {
    if (!body)
        return;
    rule_ctx inner = *rc;
    inner.body = body;
    inner.g = NULL;
    inner.conds = NULL;
    go_walk(body, visit, NULL, &inner);
}

static bool visit(void *ctx, go_node *n) {
    rule_ctx *rc = ctx;
    switch (n->kind) {
    case GO_FUNC_DECL:
        walk_func(rc, n->u.func_decl.body);
        return false;
    case GO_FUNC_LIT:
        walk_func(rc, n->u.func_lit.body);
        return false;
    case GO_SELECT_STMT:
        if (rc->body)
            check_select(rc, n);
        return true;
    default:
        return true;
    }
}

static void check(lint_pass *pass) {
    /* a test's watchdog timeout in a short loop is not worth a finding:
     * the process ends with the test */
    if (!pass->file || !pass->file->root || rulekit_is_test_file(pass->file))
        return;
    if (!go_file_atom(pass->file, "After")) /* no identifier After: no time.After */
        return;
    signal_memo memo = {.n = 0};
    rule_ctx rc = {.pass = pass, .f = pass->file, .memo = &memo};
    /* go.mod before 1.23: an unstopped timer lives until it fires */
    rc.severity = pass->go_minor > 0 && pass->go_minor < 23 ? LINT_ERROR : LINT_WARNING;
    go_walk(pass->file->root, visit, NULL, &rc);
}

const lint_rule lint_rule_res001 = {
    .id = "RES001",
    .name = "time-after-in-loop",
    .summary = "time.After as a select case in a loop: a new timer every round, left armed when another case wins",
    .severity = LINT_ERROR,
    .requires_import = "time",
    .check = check,
};
