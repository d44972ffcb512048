/*
 * GRT001 abandoned-sender: a goroutine blocks forever on a channel
 * operation because the function that started it can return without the
 * other half.
 *
 *   done := make(chan result)            // unbuffered
 *   go func() { done <- fetch() }()      // blocks until someone receives
 *   select {
 *   case r := <-done:
 *       return r, nil
 *   case <-ctx.Done():                   // leaves without receiving:
 *       return result{}, ctx.Err()       // the sender waits forever
 *   }
 *
 * and the mirror case, a goroutine waiting for a value or a close that
 * some path of the function never provides:
 *
 *   jobs := make(chan int)
 *   go func() { for j := range jobs { work(j) } }()
 *   for _, j := range list {
 *       if j < 0 {
 *           return errBad                // jobs is never closed
 *       }
 *       jobs <- j
 *   }
 *   close(jobs)
 *
 * The channel facts (gochan.h) say who does what with each channel the
 * function makes; the rule speaks only when the picture is complete: the
 * channel does not escape, no closure of unknown lifetime touches it, the
 * goroutine side only sends (or only receives) and does so outside any
 * select, and the function side only does the other half.  Then the
 * function's control-flow graph is asked whether every path from the go
 * statement to a return passes the other half; a path that does not is the
 * finding.  func main of package main is left alone (returning ends the
 * process), and so are paths that end in panic, os.Exit or t.Fatal.  In
 * tests, a failing case beside a receive is a failure, not a way out: a
 * counted join under a failing timeout is a join, and a channel whose
 * case fails the test carries failures only.
 *
 * Fix (sender case only): make(chan T) -> make(chan T, 1) when exactly one
 * goroutine, started once, sends once.
 */
#include <stdio.h>
#include <string.h>

#include "leakscope/gochan.h"
#include "leakscope/gocfg.h"
#include "leakscope/lint.h"
#include "rulekit.h"

/* The function-side operations that let the goroutine go on. */
typedef struct cover {
    const go_chan *chan;
    unsigned kinds;        /* bit per go_chan_op_kind */
    const go_node **loops; /* conditions of loops that hold such an operation */
    uint32_t nloops;
    bool test_file;        /* a failing test's path needs nothing */
    const go_chan_facts *cf;
    uint32_t goroutine;    /* the goroutine whose operation is in question */
} cover;

/* d is a channel of the function that only goroutine k signals (sends on or
 * closes) and nothing else touches but the function's receives: when the
 * function receives from d, k has reported its outcome there instead.
 *   go func() { if err != nil { errs <- err; return }; close(done) }()
 *   select { case err := <-errs: …; case <-done: … }                   */
static bool signalled_by(const cover *cv, const go_node *ref) {
    const go_node *id = rulekit_unparen(ref);
    const go_chan *d = id && id->kind == GO_IDENT ? go_chan_find(cv->cf, go_decl_of(id)) : NULL;
    if (!d || d == cv->chan || d->escapes)
        return false;
    bool signalled = false;
    for (uint32_t i = 0; i < d->nops; i++) {
        const go_chan_op *op = &d->ops[i];
        if (op->flags & GO_CHAN_OP_IN_CLOSURE)
            return false;
        if (op->goroutine == 0) {
            if (op->kind != GO_CHAN_OP_RECV && op->kind != GO_CHAN_OP_RECV_OK)
                return false;
        } else if (op->goroutine != cv->goroutine ||
                   (op->kind != GO_CHAN_OP_SEND && op->kind != GO_CHAN_OP_CLOSE)) {
            return false;
        } else {
            signalled = true;
        }
    }
    return signalled;
}

/* n is the comm of a case of a select where the function also receives
 * from the channel in question. */
static bool is_sibling_comm(const cover *cv, const go_node *n) {
    for (uint32_t i = 0; i < cv->chan->nops; i++) {
        const go_chan_op *op = &cv->chan->ops[i];
        go_node *body = op->goroutine == 0 && op->select_stmt ? op->select_stmt->u.select_stmt.body : NULL;
        for (uint32_t j = 0; body && j < body->u.block.list.len; j++)
            if (body->u.block.list.at[j] && body->u.block.list.at[j]->kind == GO_COMM_CLAUSE &&
                body->u.block.list.at[j]->u.comm_clause.comm == n)
                return true;
    }
    return false;
}

static bool clause_fails_test(const go_node *clause);

/* In a test, the select holding the comm n receives from the channel in a
 * case that fails the test: the channel carries failures only (`case err
 * := <-errc: t.Fatal(err)`), so its senders send only when something went
 * wrong, and leaving by another case means the test saw success. */
static bool failure_channel_select(const cover *cv, const go_node *n) {
    for (uint32_t i = 0; cv->test_file && i < cv->chan->nops; i++) {
        const go_chan_op *op = &cv->chan->ops[i];
        go_node *body = op->goroutine == 0 && op->select_stmt ? op->select_stmt->u.select_stmt.body : NULL;
        bool has_n = false;
        const go_node *own = NULL;
        for (uint32_t j = 0; body && j < body->u.block.list.len; j++) {
            const go_node *cl = body->u.block.list.at[j];
            if (!cl || cl->kind != GO_COMM_CLAUSE)
                continue;
            has_n |= cl->u.comm_clause.comm == n;
            if (op->ref->pos >= cl->pos && op->ref->pos < cl->end)
                own = cl;
        }
        if (has_n && own && own->u.comm_clause.comm != n && clause_fails_test(own))
            return true;
    }
    return false;
}

/* n is a case of the same select receiving from a channel that only the
 * goroutine in question signals, or (in a test) a case beside the
 * channel's failure case. */
static bool receives_signal(const cover *cv, const go_node *n) {
    if (!is_sibling_comm(cv, n))
        return false;
    if (failure_channel_select(cv, n))
        return true;
    const go_node *x = n->kind == GO_EXPR_STMT                                      ? n->u.expr_stmt.x
                       : n->kind == GO_ASSIGN_STMT && n->u.assign.rhs.len == 1 ? n->u.assign.rhs.at[0]
                                                                                 : NULL;
    x = rulekit_unparen(x);
    return x && x->kind == GO_UNARY_EXPR && x->op == GO_TOK_ARROW && signalled_by(cv, x->u.unary.x);
}

/* The kinds a range or v, ok receiver waits for: only a close ends it. */
#define K_CLOSE_ONLY (1u << GO_CHAN_OP_CLOSE)

/* op is one of the function's own operations of the wanted kinds. */
static bool wanted(const cover *cv, const go_chan_op *op) {
    return op->goroutine == 0 && (cv->kinds & (1u << op->kind));
}

/* n calls t.Error, t.Fatalf, b.FailNow, t.Skip, ... (any receiver), or
 * Ginkgo's Fail. */
static bool fails_test(void *ctx, go_node *n) {
    bool *found = ctx;
    if (*found || n->kind == GO_FUNC_LIT)
        return false;
    if (n->kind == GO_CALL_EXPR) {
        go_node *fun = rulekit_unparen(n->u.call.fun);
        static const char *const names[] = {"Error", "Errorf", "Fatal", "Fatalf", "Fail", "FailNow",
                                            "Skip", "Skipf", "SkipNow"};
        for (size_t i = 0; fun && fun->kind == GO_SELECTOR_EXPR && i < sizeof names / sizeof *names; i++)
            if (rulekit_ident_is(fun->u.selector.sel, names[i]))
                *found = true;
        /* Ginkgo's Fail (dot-imported or ginkgo.Fail) aborts the spec */
        if (rulekit_ident_is(fun, "Fail") || (fun && fun->kind == GO_SELECTOR_EXPR &&
                                              rulekit_ident_is(fun->u.selector.sel, "Fail")))
            *found = true;
    }
    return !*found;
}

/* A select clause fails the test whenever it is taken: one of its own
 * statements (not one under an if) is t.Fatal, t.Error, ... */
static bool clause_fails_test(const go_node *clause) {
    bool failed = false;
    go_list l = clause->u.comm_clause.body;
    for (uint32_t i = 0; i < l.len && !failed; i++)
        if (l.at[i] && l.at[i]->kind == GO_EXPR_STMT)
            go_walk(l.at[i], fails_test, NULL, &failed);
    return failed;
}

/* In a test, every case of op's select but op's own fails the test: a
 * loop around it (`for i := 0; i < n; i++ { select { case <-c: case
 * <-time.After(d): t.Fatal(...) } }`) is a counted join whose early ways
 * out are failures. */
static bool other_cases_fail(const cover *cv, const go_chan_op *op) {
    go_node *body = op->select_stmt ? op->select_stmt->u.select_stmt.body : NULL;
    if (!cv->test_file || !body)
        return false;
    for (uint32_t j = 0; j < body->u.block.list.len; j++) {
        const go_node *cl = body->u.block.list.at[j];
        if (!cl || cl->kind != GO_COMM_CLAUSE)
            return false;
        if (op->ref->pos >= cl->pos && op->ref->pos < cl->end)
            continue;
        if (!clause_fails_test(cl))
            return false;
    }
    return true;
}

/* An offered node covers when it contains one of the function's own
 * operations of the wanted kinds (its `ref` position is inside n), when it
 * is the condition of a loop holding one (the loop may run any number of
 * times: `for i := 0; i < n; i++ { <-done }` joins n senders), or, in a
 * test, when it reports a failure (the test has failed already). */
static bool covers(void *ctx, const go_node *n) {
    const cover *cv = ctx;
    for (uint32_t i = 0; i < cv->chan->nops; i++) {
        const go_chan_op *op = &cv->chan->ops[i];
        if (wanted(cv, op) && op->ref->pos >= n->pos && op->ref->pos < n->end)
            return true;
    }
    for (uint32_t i = 0; i < cv->nloops; i++)
        if (cv->loops[i] == n)
            return true;
    if (cv->kinds != K_CLOSE_ONLY && receives_signal(cv, n))
        return true;
    bool failed = false;
    if (cv->test_file)
        go_walk((go_node *)n, fails_test, NULL, &failed);
    return failed;
}

typedef struct loop_scan {
    cover *cv;
    ls_arena *arena;
    uint32_t cap;
} loop_scan;

/* ---- flag loops ---------------------------------------------------------- */

/* The writes to one local flag, judged against a loop and a select case. */
typedef struct flag_writes {
    const go_node *var;    /* declaring Ident of the flag */
    const go_node *loop;   /* the ForStmt */
    const go_node *clause; /* the CommClause of the receive */
    bool keep;             /* the value that keeps the loop running */
    int in_lit;
    bool bad;
} flag_writes;

static bool is_the_flag(const flag_writes *fw, const go_node *x) {
    x = rulekit_unparen((go_node *)x);
    return x && x->kind == GO_IDENT && go_decl_of(x) == fw->var;
}

static bool bool_lit(const go_node *x, bool value) {
    x = rulekit_unparen((go_node *)x);
    return rulekit_ident_is(x, value ? "true" : "false") && !go_decl_of(x);
}

/* A write before the loop must set the running value; inside the loop it
 * must sit in the receive's case; anything else (a closure, &flag, a write
 * after the loop or elsewhere in it) spoils the picture. */
static void judge_write(flag_writes *fw, const go_node *stmt, const go_node *value, bool plain) {
    if (fw->in_lit || !plain)
        fw->bad = true;
    else if (stmt->pos >= fw->clause->pos && stmt->end <= fw->clause->end)
        return;
    else if (stmt->end > fw->loop->pos || !value || !bool_lit(value, fw->keep))
        fw->bad = true;
}

static bool flag_write_pre(void *ctx, go_node *n) {
    flag_writes *fw = ctx;
    if (fw->bad)
        return false;
    switch (n->kind) {
    case GO_FUNC_LIT:
        fw->in_lit++;
        return true;
    case GO_ASSIGN_STMT:
        for (uint32_t k = 0; k < n->u.assign.lhs.len; k++)
            if (is_the_flag(fw, n->u.assign.lhs.at[k]))
                judge_write(fw, n, n->u.assign.rhs.len == n->u.assign.lhs.len ? n->u.assign.rhs.at[k] : NULL,
                            n->op == GO_TOK_ASSIGN || n->op == GO_TOK_DEFINE);
        return true;
    case GO_VALUE_SPEC:
        for (uint32_t k = 0; k < n->u.value_spec.names.len; k++)
            if (n->u.value_spec.names.at[k] == fw->var) {
                if (n->u.value_spec.values.len) /* var done = false */
                    judge_write(fw, n, n->u.value_spec.values.at[k], true);
                else if (fw->keep || n->end > fw->loop->pos) /* var done bool: false */
                    fw->bad = true;
            }
        return true;
    case GO_UNARY_EXPR:
        if (n->op == GO_TOK_AND && is_the_flag(fw, n->u.unary.x))
            fw->bad = true;
        return true;
    case GO_INC_DEC_STMT:
    case GO_RANGE_STMT:
        if ((n->kind == GO_RANGE_STMT && (is_the_flag(fw, n->u.range_stmt.key) || is_the_flag(fw, n->u.range_stmt.value))))
            fw->bad = true;
        return true;
    default:
        return true;
    }
}

static void flag_write_post(void *ctx, go_node *n) {
    flag_writes *fw = ctx;
    if (n->kind == GO_FUNC_LIT)
        fw->in_lit--;
}

typedef struct clause_find {
    go_pos at;
    const go_node *clause;
} clause_find;

static bool find_clause(void *ctx, go_node *n) {
    clause_find *c = ctx;
    if (n->kind == GO_FUNC_LIT || c->clause)
        return false;
    if (n->kind == GO_COMM_CLAUSE && n->u.comm_clause.comm && c->at >= n->u.comm_clause.comm->pos &&
        c->at < n->u.comm_clause.comm->end)
        c->clause = n;
    return true;
}

/*
 * A loop that only the receive's own case can end, through a local flag:
 *
 *   done := false                 // or var done bool
 *   for !done {
 *       select {
 *       case <-doneCh:
 *           done = true           // the only write in the loop
 *       default:
 *           poll()
 *       }
 *   }
 *
 * The flag keeps the loop running until that case sets it, so the loop
 * leaves only after receiving: it joins the sender like a plain receive.
 */
static bool flag_loop_waits_for(const cover *cv, const go_node *loop, const go_chan_op *op) {
    if (loop->kind != GO_FOR_STMT || loop->u.for_stmt.post)
        return false;
    const go_node *cond = rulekit_unparen(loop->u.for_stmt.cond);
    bool keep = true;
    if (cond && cond->kind == GO_UNARY_EXPR && cond->op == GO_TOK_NOT) {
        cond = rulekit_unparen(cond->u.unary.x);
        keep = false;
    }
    const go_node *var = cond && cond->kind == GO_IDENT ? go_decl_of(cond) : NULL;
    if (!var || go_decl_is_pkg(var) || var->pos < cv->cf->body->pos || var->pos >= cv->cf->body->end)
        return false;
    clause_find cf = {.at = op->ref->pos};
    go_walk(loop->u.for_stmt.body, find_clause, NULL, &cf);
    if (!cf.clause)
        return false;
    flag_writes fw = {.var = var, .loop = loop, .clause = cf.clause, .keep = keep};
    go_walk(cv->cf->body, flag_write_pre, flag_write_post, &fw);
    return !fw.bad;
}

/* Collects the conditions of loops whose body holds a wanted operation
 * that is not a select case with other ways out. */
static bool loop_pre(void *ctx, go_node *n) {
    loop_scan *ls = ctx;
    cover *cv = ls->cv;
    if (n->kind == GO_FUNC_LIT)
        return false;
    const go_node *cond = n->kind == GO_FOR_STMT ? n->u.for_stmt.cond : n->kind == GO_RANGE_STMT ? n->u.range_stmt.x : NULL;
    const go_node *body = n->kind == GO_FOR_STMT ? n->u.for_stmt.body : n->kind == GO_RANGE_STMT ? n->u.range_stmt.body : NULL;
    if (!cond || !body)
        return true;
    for (uint32_t i = 0; i < cv->chan->nops; i++) {
        const go_chan_op *op = &cv->chan->ops[i];
        if (wanted(cv, op) && op->ref->pos >= body->pos && op->ref->pos < body->end &&
            (!(op->flags & GO_CHAN_OP_SELECT_EXIT) || other_cases_fail(cv, op) || flag_loop_waits_for(cv, n, op))) {
            if (cv->nloops == ls->cap) {
                ls->cap = ls->cap ? ls->cap * 2 : 8;
                const go_node **l = ls_arena_alloc(ls->arena, ls->cap * sizeof *l);
                if (cv->nloops)
                    memcpy(l, cv->loops, cv->nloops * sizeof *l);
                cv->loops = l;
            }
            cv->loops[cv->nloops++] = cond;
            break;
        }
    }
    return true;
}

/* What the goroutines and the function do with one channel. */
typedef struct sides {
    unsigned fn_kinds, go_kinds; /* bits per go_chan_op_kind */
    bool unclear;                /* a closure, a select on the goroutine side, a nested goroutine */
    bool go_loop_recv;           /* a goroutine receives (not range) inside a loop */
    uint32_t sender;             /* 1 + index of the only sending goroutine, 0 when none or many */
    uint32_t nsenders, nsends;
    bool send_in_loop;
    const go_chan_op *fn_select; /* a function-side op in a select with other ways out */
} sides;

static void collect_sides(const go_chan_facts *cf, const go_chan *c, sides *s) {
    *s = (sides){0};
    uint32_t last_sender = 0;
    for (uint32_t i = 0; i < c->nops; i++) {
        const go_chan_op *op = &c->ops[i];
        if (op->flags & GO_CHAN_OP_IN_CLOSURE) {
            s->unclear = true;
            continue;
        }
        if (op->goroutine == 0) {
            s->fn_kinds |= 1u << op->kind;
            if ((op->flags & GO_CHAN_OP_SELECT_EXIT) && !s->fn_select)
                s->fn_select = op;
            continue;
        }
        const go_chan_goroutine *g = &cf->goroutines[op->goroutine - 1];
        if ((op->flags & GO_CHAN_OP_IN_SELECT) || g->parent != 0 || !g->func)
            s->unclear = true;
        s->go_kinds |= 1u << op->kind;
        if ((op->kind == GO_CHAN_OP_RECV || op->kind == GO_CHAN_OP_RECV_OK) && (op->flags & GO_CHAN_OP_IN_LOOP))
            s->go_loop_recv = true;
        if (op->kind == GO_CHAN_OP_SEND) {
            s->nsends++;
            s->send_in_loop |= (op->flags & GO_CHAN_OP_IN_LOOP) != 0;
            if (op->goroutine != last_sender) {
                last_sender = op->goroutine;
                s->nsenders++;
            }
        }
    }
    if (s->nsenders == 1)
        s->sender = last_sender;
}

#define K(kind) (1u << (kind))
#define RECVS (K(GO_CHAN_OP_RECV) | K(GO_CHAN_OP_RECV_OK))

/* ---- reporting ------------------------------------------------------------ */

typedef struct func_check {
    lint_pass *pass;
    go_chan_facts *cf;
    go_cfg *cfg; /* built on first use */
    const char *func_name;
} func_check;

/* How the select around op lets the function leave at exit: "the select
 * can take <-ctx.Done() instead" (the comm of the clause holding exit, as
 * written, when it fits on one short line). */
static void way_out(const lint_pass *pass, const go_chan_op *op, const go_node *exit, char *buf, size_t cap) {
    go_node *body = op->select_stmt->u.select_stmt.body;
    for (uint32_t i = 0; body && i < body->u.block.list.len; i++) {
        const go_node *cl = body->u.block.list.at[i];
        if (!cl || cl->kind != GO_COMM_CLAUSE || exit->pos < cl->pos || exit->pos >= cl->end)
            continue;
        const go_node *comm = cl->u.comm_clause.comm;
        if (!comm) {
            snprintf(buf, cap, "the select can take its default case instead");
            return;
        }
        size_t n = comm->end - comm->pos;
        if (comm->pos <= comm->end && comm->end <= pass->file->len && n < 64 &&
            !memchr(pass->file->src + comm->pos, '\n', n)) {
            snprintf(buf, cap, "the select can take case %.*s instead", (int)n, pass->file->src + comm->pos);
            return;
        }
    }
    snprintf(buf, cap, "the select can take another case instead");
}

static int line_of(lint_pass *pass, go_pos p) {
    return (int)go_file_position(pass->file, p).line;
}

/* The source text of the channel's element type, for the message. */
static void elem_text(const lint_pass *pass, const go_chan *c, char *buf, size_t cap) {
    const go_node *t = c->make->u.call.args.at[0];
    size_t n = t->end - t->pos;
    if (t->pos > t->end || t->end > pass->file->len || n >= cap || memchr(pass->file->src + t->pos, '\n', n))
        snprintf(buf, cap, "chan T");
    else
        snprintf(buf, cap, "%.*s", (int)n, pass->file->src + t->pos);
}

/* make(chan T) -> make(chan T, 1); make(chan T, 0) -> make(chan T, 1). */
static void add_fix(lint_pass *pass, const go_chan *c) {
    const go_node *m = c->make;
    go_list args = m->u.call.args;
    if (args.len == 1 && args.at[0]->end + 1 == m->end && pass->file->src[args.at[0]->end] == ')')
        lint_fix_edit(pass, args.at[0]->end, args.at[0]->end, ", 1");
    else if (args.len == 2 && args.at[1]->end + 1 == m->end && pass->file->src[args.at[1]->end] == ')')
        lint_fix_edit(pass, args.at[1]->pos, args.at[1]->end, "1");
}

/* A statement of the function's outermost block, before go_stmt, defers
 * one of the wanted operations: every path to go_stmt registered it. */
static bool deferred_before(const cover *cv, const go_node *body, const go_node *go_stmt) {
    go_list l = body->u.block.list;
    for (uint32_t i = 0; i < l.len && l.at[i] && l.at[i]->end <= go_stmt->pos; i++) {
        if (l.at[i]->kind != GO_DEFER_STMT)
            continue;
        for (uint32_t j = 0; j < cv->chan->nops; j++) {
            const go_chan_op *op = &cv->chan->ops[j];
            if (wanted(cv, op) && op->ref->pos >= l.at[i]->pos && op->ref->pos < l.at[i]->end)
                return true;
        }
    }
    return false;
}

/* Every path from the go statement of goroutine k to a return passes one of
 * the function's operations in kinds; else the exit that misses. */
static const go_node *missing_path(func_check *fc, const go_chan *c, uint32_t k, unsigned kinds) {
    if (!fc->cfg)
        fc->cfg = go_cfg_build(fc->pass->arena, fc->cf->body, NULL);
    cover cv = {.chan = c,
                .kinds = kinds,
                .cf = fc->cf,
                .goroutine = k,
                .test_file = rulekit_is_test_file(fc->pass->file) || go_file_imports(fc->pass->file, "testing")};
    if (deferred_before(&cv, fc->cf->body, fc->cf->goroutines[k - 1].go_stmt))
        return NULL;
    loop_scan ls = {.cv = &cv, .arena = fc->pass->arena};
    go_walk(fc->cf->body, loop_pre, NULL, &ls);
    const go_node *exit = NULL;
    if (go_cfg_all_paths(fc->cfg, fc->cf->goroutines[k - 1].go_stmt, covers, &cv, &exit))
        return NULL;
    return exit; /* NULL too when the go statement is not in the graph */
}

static go_pos exit_pos(const go_node *exit) {
    return exit->kind == GO_RETURN_STMT ? exit->pos : exit->end - 1;
}

/* The sender case: goroutines only send, the function only receives. */
static void check_sender(func_check *fc, const go_chan *c, const sides *s) {
    if (c->cap_kind != GO_CHAN_CAP_CONST || c->cap != 0 || s->go_kinds & ~(K(GO_CHAN_OP_SEND) | K(GO_CHAN_OP_CLOSE)) ||
        !(s->go_kinds & K(GO_CHAN_OP_SEND)) || s->fn_kinds & ~RECVS)
        return;
    lint_pass *pass = fc->pass;
    const ls_atom *name = c->decl->u.ident.name;
    char elem[96];
    elem_text(pass, c, elem, sizeof elem);
    for (uint32_t k = 1; k <= fc->cf->ngoroutines; k++) {
        bool sends = false;
        for (uint32_t i = 0; i < c->nops && !sends; i++)
            sends = c->ops[i].goroutine == k && c->ops[i].kind == GO_CHAN_OP_SEND;
        if (!sends)
            continue;
        const go_node *exit = missing_path(fc, c, k, RECVS);
        if (!exit)
            continue;
        const go_chan_goroutine *g = &fc->cf->goroutines[k - 1];
        bool in_select = s->fn_select && s->fn_select->select_stmt->pos <= exit->pos &&
                         exit->pos < s->fn_select->select_stmt->end;
        char how[128];
        if (!s->fn_kinds)
            snprintf(how, sizeof how, "nothing ever receives from it");
        else if (in_select)
            way_out(pass, s->fn_select, exit, how, sizeof how);
        else
            snprintf(how, sizeof how, "on a path that skips the receive");
        bool one = s->sender == k && s->nsends == 1 && !s->send_in_loop && !g->in_loop;
        char fix[160];
        if (one)
            snprintf(fix, sizeof fix, "give it a buffer for the one value: make(%s, 1)", elem);
        else
            snprintf(fix, sizeof fix, "give it a buffer for every value sent, or let the senders select on a done channel");
        lint_report_related(pass, c->make->pos, exit_pos(exit), "returns here without receiving",
                            "%.*s is unbuffered and the goroutine started on line %d sends on it, but %s "
                            "can return without receiving (%s): the sender then blocks forever; %s",
                            (int)name->len, name->ptr, line_of(pass, g->go_stmt->pos), fc->func_name, how, fix);
        if (one)
            add_fix(pass, c);
        return; /* one finding per channel */
    }
}

/* The function sends or closes before it starts the goroutine (a
 * semaphore: `sem <- token{}; go func() { ...; <-sem }()`): the value
 * the goroutine waits for may already be there. */
static bool provided_before(const go_chan *c, const go_node *go_stmt) {
    for (uint32_t i = 0; i < c->nops; i++)
        if (c->ops[i].goroutine == 0 && c->ops[i].ref->pos < go_stmt->pos)
            return true;
    return false;
}

/* The mirror case: goroutines only receive, the function only sends or
 * closes. */
static void check_receiver(func_check *fc, const go_chan *c, const sides *s) {
    if (!(s->go_kinds & (RECVS | K(GO_CHAN_OP_RANGE))) ||
        s->go_kinds & ~(RECVS | K(GO_CHAN_OP_RANGE)) || s->go_loop_recv ||
        s->fn_kinds & ~(K(GO_CHAN_OP_SEND) | K(GO_CHAN_OP_CLOSE)))
        return;
    /* a range or a v, ok receive waits for the close; a single receive
     * for a value or the close */
    bool needs_close = (s->go_kinds & (K(GO_CHAN_OP_RANGE) | K(GO_CHAN_OP_RECV_OK))) != 0;
    unsigned kinds = needs_close ? K(GO_CHAN_OP_CLOSE) : K(GO_CHAN_OP_CLOSE) | K(GO_CHAN_OP_SEND);
    lint_pass *pass = fc->pass;
    const ls_atom *name = c->decl->u.ident.name;
    for (uint32_t k = 1; k <= fc->cf->ngoroutines; k++) {
        bool recvs = false;
        for (uint32_t i = 0; i < c->nops && !recvs; i++)
            recvs = c->ops[i].goroutine == k && c->ops[i].kind != GO_CHAN_OP_SEND;
        if (!recvs || provided_before(c, fc->cf->goroutines[k - 1].go_stmt))
            continue;
        const go_node *exit = missing_path(fc, c, k, kinds);
        /* The function's main path reaching its end without the send or
         * close is usually ordered by something syntax cannot see (the
         * goroutine's own progress, another case that cannot fire); an
         * early return, or no send or close at all, is the bug. */
        if (!exit || (exit->kind != GO_RETURN_STMT && s->fn_kinds))
            continue;
        const go_chan_goroutine *g = &fc->cf->goroutines[k - 1];
        lint_report_related(pass, c->make->pos, exit_pos(exit),
                            needs_close ? "returns here without closing it" : "returns here without sending or closing",
                            "the goroutine started on line %d waits on %.*s, but %s can return without %s it: "
                            "the goroutine then blocks forever (%s)",
                            line_of(pass, g->go_stmt->pos), (int)name->len, name->ptr, fc->func_name,
                            needs_close ? "closing" : "sending on or closing",
                            needs_close ? "close it on every path, e.g. defer close(...)"
                                        : "send or close on every path, e.g. defer close(...)");
        return;
    }
}

static void check_func(lint_pass *pass, go_node *fn, const char *func_name) {
    go_chan_facts *cf = go_chan_facts_of(pass->arena, pass->file, pass->pkg, fn);
    if (!cf)
        return;
    func_check fc = {.pass = pass, .cf = cf, .func_name = func_name};
    for (uint32_t i = 0; i < cf->nchans; i++) {
        const go_chan *c = &cf->chans[i];
        sides s;
        if (c->escapes)
            continue;
        collect_sides(cf, c, &s);
        if (s.unclear)
            continue;
        check_sender(&fc, c, &s);
        check_receiver(&fc, c, &s);
    }
}

/* The function's name for messages: "lookupPrice", or "the function
 * literal" (stored in the arena). */
static const char *name_of(lint_pass *pass, const go_node *fn) {
    if (fn->kind != GO_FUNC_DECL || !fn->u.func_decl.name)
        return "the function literal";
    const ls_atom *a = fn->u.func_decl.name->u.ident.name;
    return ls_arena_strndup(pass->arena, a->ptr, a->len);
}

static bool func_pre(void *ctx, go_node *n) {
    lint_pass *pass = ctx;
    if (n->kind == GO_FUNC_DECL) {
        /* the channel facts need make( in the body and a go statement, and
         * so does every function literal inside it */
        if (!(n->flags & GO_FLAG_HAS_GO) || !rulekit_text_has(pass->file, n->u.func_decl.body, "make("))
            return false;
        /* func main of package main: returning ends the process */
        if (!n->u.func_decl.recv && rulekit_ident_is(n->u.func_decl.name, "main") &&
            rulekit_ident_is(pass->file->root->u.file.name, "main"))
            return true;
        check_func(pass, n, name_of(pass, n));
    } else if (n->kind == GO_FUNC_LIT) {
        check_func(pass, n, name_of(pass, n));
    }
    return true;
}

static void check(lint_pass *pass) {
    go_file *f = pass->file;
    /* the channel facts need make(chan T), so a channel type, and a go
     * statement somewhere in the file */
    if (!f->root || !go_file_kind_count(f, GO_CHAN_TYPE) || !go_file_kind_count(f, GO_GO_STMT) ||
        !go_chan_text_may_have(f->src, f->len))
        return;
    go_walk(f->root, func_pre, NULL, pass);
}

const lint_rule lint_rule_grt001 = {
    .id = "GRT001",
    .name = "abandoned-sender",
    .summary = "a goroutine blocks forever on an unbuffered channel the function can return without "
               "receiving from (or on a receive the function may never send or close for)",
    .severity = LINT_ERROR,
    .requires_import = NULL,
    .check = check,
};
