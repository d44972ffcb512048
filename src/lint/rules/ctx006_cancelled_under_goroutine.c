/*
 * CTX006 cancelled-under-goroutine: a goroutine doing one-shot work with
 * a context that is cancelled as soon as the function that started it
 * returns, while that function never waits for it.
 *
 *   ctx, cancel := context.WithTimeout(parent, time.Second)
 *   defer cancel()
 *   go func() { _ = s.audit.Record(ctx, ev) }()   // cut short at return
 *   return nil
 *
 *   func (s *S) ServeHTTP(w http.ResponseWriter, r *http.Request) {
 *       go s.notify(r.Context(), user)              // the server cancels it
 *   }
 *
 * Three ideas:
 *  - The contexts followed are the ones surely cancelled at return: made
 *    by context.With{Cancel,Timeout,Deadline}[Cause] or
 *    signal.NotifyContext with a `defer cancel()` in the same function,
 *    and an HTTP handler's r.Context() (the server cancels it when the
 *    handler returns); also contexts derived from those (WithValue, …, but
 *    not WithoutCancel, which is the fix).
 *  - Only goroutines doing one-shot work are judged: a function literal or
 *    a function of the package, whose body has no loop and passes the
 *    context to a call.  A goroutine with a loop, or one that only waits
 *    on ctx.Done() to clean up, is a helper that is meant to stop when
 *    the function returns: cancel is how it is stopped.  A call to a
 *    function outside the package (`go srv.Serve(ctx)`) is not judged.
 *  - Any join after the go statement on some path of the function
 *    silences the finding: a Wait() call (sync.WaitGroup, errgroup), a
 *    receive from or range over a channel the goroutine sends on or
 *    closes (or that the go call is given), or a call handed a channel
 *    the goroutine sends on or closes (a helper that receives).  A function that waits on one
 *    path and leaves early on another (error, timeout) gives up on the
 *    result on purpose; cancelling then is what it wants.
 */
#include <string.h>

#include "leakscope/gocfg.h"
#include "leakscope/lint.h"
#include "rulekit.h"

/* Constructors whose cancel function, when deferred, ends the context at
 * return. */
static const struct maker {
    const char *path, *name;
} makers[] = {
    {"context", "WithCancel"},       {"context", "WithCancelCause"},   {"context", "WithTimeout"},
    {"context", "WithTimeoutCause"}, {"context", "WithDeadline"},      {"context", "WithDeadlineCause"},
    {"os/signal", "NotifyContext"},
};

/* Derivations that keep the parent's cancellation (WithoutCancel does not). */
static const char *const derivers[] = {
    "WithValue",        "WithCancel",   "WithCancelCause",   "WithTimeout",
    "WithTimeoutCause", "WithDeadline", "WithDeadlineCause",
};

#define MAX_TRACKED 32

/* A context variable cancelled when the function returns. */
typedef struct tracked {
    const go_node *decl;
    const go_node *origin; /* the creation call, or the handler's request parameter */
    bool request;          /* from r.Context() of an HTTP handler */
    bool overwritten;      /* also given a value that is not cancelled at return */
} tracked;

typedef struct func_check {
    lint_pass *pass;
    const go_node *fn; /* FuncDecl or FuncLit */
    go_node *body;
    const go_node *request; /* the *http.Request parameter of a handler */
    tracked t[MAX_TRACKED];
    size_t nt;
    go_cfg *cfg;
} func_check;

/* ---- small predicates ------------------------------------------------------ */

static const go_node *ident_decl(const go_node *x) {
    x = rulekit_unparen(x);
    return x && x->kind == GO_IDENT ? x->u.ident.decl : NULL;
}

/* x is `r.Context()` for the request parameter r. */
static bool is_request_context(const func_check *fc, const go_node *x) {
    x = rulekit_unparen(x);
    if (!fc->request || !x || x->kind != GO_CALL_EXPR || x->u.call.args.len != 0)
        return false;
    const go_node *fun = rulekit_unparen(x->u.call.fun);
    return fun && fun->kind == GO_SELECTOR_EXPR && rulekit_ident_is(fun->u.selector.sel, "Context") &&
           ident_decl(fun->u.selector.x) == fc->request;
}

static tracked *tracked_find(func_check *fc, const go_node *decl) {
    for (size_t i = 0; decl && i < fc->nt; i++)
        if (fc->t[i].decl == decl)
            return &fc->t[i];
    return NULL;
}

/* The variable's entry, unless some assignment may have replaced the
 * context (`ctx = context.WithoutCancel(ctx)`): then which one a goroutine
 * sees is not known. */
static const tracked *tracked_of(const func_check *fc, const go_node *decl) {
    const tracked *t = tracked_find((func_check *)fc, decl);
    return t && !t->overwritten ? t : NULL;
}

static bool track(func_check *fc, const go_node *decl, const go_node *origin, bool request) {
    if (decl && !tracked_find(fc, decl) && fc->nt < MAX_TRACKED)
        fc->t[fc->nt++] = (tracked){decl, origin, request, false};
    return decl != NULL;
}

/* What context x stands for: a tracked variable or r.Context(). */
static bool tracked_expr(const func_check *fc, const go_node *x, tracked *out) {
    const tracked *t = tracked_of(fc, ident_decl(x));
    if (t)
        return *out = *t, true;
    if (is_request_context(fc, x))
        return *out = (tracked){.origin = fc->request, .request = true}, true;
    return false;
}

/* ---- the contexts cancelled at return ---------------------------------------- */

typedef struct defer_scan {
    const go_node *cancel;
    bool found;
} defer_scan;

/* cancel() or cancel(cause) */
static bool calls_cancel(const defer_scan *d, const go_node *call) {
    return call && call->kind == GO_CALL_EXPR && ident_decl(call->u.call.fun) == d->cancel;
}

/*   defer func() { …; cancel(); … }()
 * A statement of the literal's own body (not one under a condition). */
static bool deferred_literal_calls(const defer_scan *d, const go_node *call) {
    const go_node *lit = rulekit_unparen(call->u.call.fun);
    if (!lit || lit->kind != GO_FUNC_LIT || !lit->u.func_lit.body || call->u.call.args.len)
        return false;
    const go_list *l = &lit->u.func_lit.body->u.block.list;
    for (uint32_t i = 0; i < l->len; i++)
        if (l->at[i] && l->at[i]->kind == GO_EXPR_STMT && calls_cancel(d, rulekit_unparen(l->at[i]->u.expr_stmt.x)))
            return true;
    return false;
}

static bool defer_pre(void *ctx, go_node *n) {
    defer_scan *d = ctx;
    if (n->kind == GO_FUNC_LIT || d->found)
        return false;
    if (n->kind == GO_DEFER_STMT && n->u.defer_stmt.call && n->u.defer_stmt.call->kind == GO_CALL_EXPR)
        d->found = calls_cancel(d, n->u.defer_stmt.call) || deferred_literal_calls(d, n->u.defer_stmt.call);
    return true;
}

/*   ctx, cancel := context.WithTimeout(p, d)   + defer cancel()
 *   vctx := context.WithValue(ctx, k, v)        (derived: also tracked)
 *   rctx := r.Context()                         (in a handler) */
static bool note_assign(func_check *fc, const go_node *n) {
    if (n->u.assign.rhs.len != 1 || n->u.assign.lhs.len < 1 || n->u.assign.lhs.len > 2)
        return false;
    const go_file *f = fc->pass->file;
    const go_node *rhs = rulekit_unparen(n->u.assign.rhs.at[0]);
    const go_node *lhs0 = n->u.assign.lhs.at[0];
    if (!lhs0 || lhs0->kind != GO_IDENT || !rhs || rhs->kind != GO_CALL_EXPR)
        return false;
    if (n->u.assign.lhs.len == 1 && is_request_context(fc, rhs))
        return track(fc, go_decl_of(lhs0), fc->request, true);
    tracked parent;
    for (size_t i = 0; i < sizeof derivers / sizeof *derivers; i++)
        if (rhs->u.call.args.len && go_is_pkg_call(f, rhs, "context", derivers[i]) &&
            tracked_expr(fc, rhs->u.call.args.at[0], &parent))
            return track(fc, go_decl_of(lhs0), parent.origin, parent.request);
    if (n->u.assign.lhs.len != 2)
        return false;
    const go_node *cancel = go_decl_of(n->u.assign.lhs.at[1]);
    for (size_t i = 0; cancel && i < sizeof makers / sizeof *makers; i++)
        if (go_is_pkg_call(f, rhs, makers[i].path, makers[i].name)) {
            defer_scan d = {.cancel = cancel};
            go_walk(fc->body, defer_pre, NULL, &d);
            return d.found && track(fc, go_decl_of(lhs0), rhs, false);
        }
    return false;
}

static bool note_pre(void *ctx, go_node *n) {
    if (n->kind == GO_FUNC_LIT)
        return false;
    if (n->kind != GO_ASSIGN_STMT)
        return true;
    func_check *fc = ctx;
    bool keeps = (n->op == GO_TOK_DEFINE || n->op == GO_TOK_ASSIGN) && note_assign(fc, n);
    /* any other write of a followed variable: ctx = context.WithoutCancel(ctx) */
    for (uint32_t i = keeps ? 1 : 0; i < n->u.assign.lhs.len; i++) {
        tracked *t = tracked_find(fc, ident_decl(n->u.assign.lhs.at[i]));
        if (t)
            t->overwritten = true;
    }
    return true;
}

/* ---- the goroutine: one-shot work with the context? --------------------------- */

/* The goroutine's body and which of its names hold the tracked context. */
typedef struct goroutine {
    const func_check *fc;
    const go_node *body;
    const go_node *params[8]; /* parameters given the context */
    size_t nparams;
    tracked ctx;  /* which tracked context it uses */
    bool uses;    /* passes it to a call in its body */
    bool looping; /* has a loop or waits for the cancellation: a helper */
    const go_node *comm; /* the comm statement of the select case being walked */
} goroutine;

/* x refers to the tracked context inside the goroutine's body. */
static bool is_ctx_ref(goroutine *g, const go_node *x) {
    const go_node *d = ident_decl(x);
    for (size_t i = 0; d && i < g->nparams; i++)
        if (g->params[i] == d)
            return true;
    tracked t;
    if (tracked_expr(g->fc, x, &t)) {
        g->ctx = t;
        return true;
    }
    return false;
}

typedef struct ref_scan {
    goroutine *g;
    bool found;
} ref_scan;

/* The context handed on: `save(ctx)`, `save(context.WithValue(ctx, …))`;
 * not `f(ctx.Err())` or `f(ctx.Value(k))`, which only read it. */
static bool ref_pre(void *ctx, go_node *n) {
    ref_scan *r = ctx;
    if (r->found)
        return false;
    if (n->kind == GO_SELECTOR_EXPR)
        return !is_ctx_ref(r->g, n->u.selector.x) && !is_request_context(r->g->fc, n->u.selector.x);
    if (is_ctx_ref(r->g, n))
        r->found = true;
    return !r->found;
}

/*   <-ctx.Done()   as a statement of its own: the goroutine waits for the
 * cancellation to do its job (close a connection, stop something). */
static bool waits_for_cancel(goroutine *g, const go_node *n) {
    if (n->kind != GO_EXPR_STMT)
        return false;
    const go_node *x = rulekit_unparen(n->u.expr_stmt.x);
    if (!x || x->kind != GO_UNARY_EXPR || x->op != GO_TOK_ARROW)
        return false;
    const go_node *call = rulekit_unparen(x->u.unary.x);
    if (!call || call->kind != GO_CALL_EXPR || call->u.call.args.len != 0)
        return false;
    const go_node *fun = rulekit_unparen(call->u.call.fun);
    return fun && fun->kind == GO_SELECTOR_EXPR && rulekit_ident_is(fun->u.selector.sel, "Done") &&
           (is_ctx_ref(g, fun->u.selector.x) || is_request_context(g->fc, fun->u.selector.x));
}

static bool body_pre(void *ctx, go_node *n) {
    goroutine *g = ctx;
    if (n->kind == GO_COMM_CLAUSE)
        g->comm = n->u.comm_clause.comm; /* a select case: one way out of several */
    else if (n->kind == GO_FOR_STMT || n->kind == GO_RANGE_STMT || (n != g->comm && waits_for_cancel(g, n)))
        g->looping = true; /* a helper, not one-shot work */
    if (n->kind == GO_CALL_EXPR)
        for (uint32_t i = 0; i < n->u.call.args.len; i++) {
            ref_scan r = {.g = g};
            go_walk(n->u.call.args.at[i], ref_pre, NULL, &r);
            if (r.found)
                g->uses = true;
        }
    return !g->looping;
}

/* The parameter names of a function type, in order, one per argument. */
static size_t param_names(const go_node *ftype, const go_node **out, size_t max) {
    const go_node *params = ftype ? ftype->u.func_type.params : NULL;
    size_t n = 0;
    for (uint32_t i = 0; params && i < params->u.field_list.list.len; i++) {
        const go_node *field = params->u.field_list.list.at[i];
        if (!field)
            return 0; /* broken parameter list: positions unknown */
        if (field->u.field.names.len == 0 && n < max)
            out[n++] = NULL;
        for (uint32_t j = 0; j < field->u.field.names.len && n < max; j++)
            out[n++] = field->u.field.names.at[j];
    }
    return n;
}

/* The FuncDecl of the package that a go statement calls: f(…), or
 * recv.m(…) where recv is the receiver of the enclosing method. */
static const go_node *callee_of(const func_check *fc, const go_node *fun, go_file **in) {
    const go_package *pkg = fc->pass->pkg;
    fun = rulekit_unparen(fun);
    if (!pkg || !fun)
        return NULL;
    char name[128];
    if (fun->kind == GO_IDENT && !fun->u.ident.decl && !go_import_of(fc->pass->file, fun) &&
        fun->u.ident.name->len < sizeof name) {
        memcpy(name, fun->u.ident.name->ptr, fun->u.ident.name->len);
        name[fun->u.ident.name->len] = 0;
        return go_package_func(pkg, name, in);
    }
    if (fun->kind == GO_IDENT && fun->u.ident.decl && go_decl_is_pkg(fun->u.ident.decl)) {
        const ls_atom *a = fun->u.ident.name;
        if (a->len >= sizeof name)
            return NULL;
        memcpy(name, a->ptr, a->len);
        name[a->len] = 0;
        return go_package_func(pkg, name, in);
    }
    if (fun->kind != GO_SELECTOR_EXPR || fc->fn->kind != GO_FUNC_DECL || !fc->fn->u.func_decl.recv)
        return NULL;
    const go_node *recv = fc->fn->u.func_decl.recv;
    if (recv->u.field_list.list.len != 1 || !recv->u.field_list.list.at[0])
        return NULL;
    const go_node *field = recv->u.field_list.list.at[0];
    if (field->u.field.names.len != 1 || ident_decl(fun->u.selector.x) != field->u.field.names.at[0])
        return NULL;
    const go_node *t = rulekit_unparen(field->u.field.type);
    if (t && t->kind == GO_STAR_EXPR)
        t = rulekit_unparen(t->u.star.x);
    if (t && (t->kind == GO_INDEX_EXPR || t->kind == GO_INDEX_LIST_EXPR))
        t = t->kind == GO_INDEX_EXPR ? t->u.index.x : t->u.index_list.x;
    const go_node *sel = fun->u.selector.sel;
    char tname[128];
    if (!t || t->kind != GO_IDENT || t->u.ident.name->len >= sizeof tname || sel->u.ident.name->len >= sizeof name)
        return NULL;
    memcpy(tname, t->u.ident.name->ptr, t->u.ident.name->len);
    tname[t->u.ident.name->len] = 0;
    memcpy(name, sel->u.ident.name->ptr, sel->u.ident.name->len);
    name[sel->u.ident.name->len] = 0;
    return go_package_method(pkg, tname, name, in);
}

/* Fills g for `go call`: false when the goroutine is not one we judge. */
static bool goroutine_of(const func_check *fc, const go_node *call, goroutine *g) {
    *g = (goroutine){.fc = fc};
    if (!call || call->kind != GO_CALL_EXPR || call->u.call.ellipsis != GO_NOPOS)
        return false;
    const go_node *fun = rulekit_unparen(call->u.call.fun), *ftype = NULL;
    go_file *in = NULL;
    if (!fun)
        return false;
    if (fun->kind == GO_FUNC_LIT) {
        g->body = fun->u.func_lit.body;
        ftype = fun->u.func_lit.type;
    } else {
        const go_node *decl = callee_of(fc, fun, &in);
        if (!decl || !decl->u.func_decl.body)
            return false;
        g->body = decl->u.func_decl.body;
        ftype = decl->u.func_decl.type;
    }
    const go_node *names[8];
    size_t n = param_names(ftype, names, 8);
    bool passed = false;
    for (uint32_t i = 0; i < call->u.call.args.len && i < n; i++) {
        tracked t;
        if (tracked_expr(fc, call->u.call.args.at[i], &t)) {
            passed = true;
            g->ctx = t;
            if (names[i] && !rulekit_ident_is(names[i], "_") && g->nparams < 8)
                g->params[g->nparams++] = names[i];
        }
    }
    /* A callee in another file has its own atoms and declarations: only its
     * parameters can be recognised there, which is all that is needed. */
    if (fun->kind != GO_FUNC_LIT && !passed)
        return false;
    go_walk((go_node *)g->body, body_pre, NULL, g);
    return g->uses && !g->looping;
}

/* ---- joins --------------------------------------------------------------------- */

#define MAX_CHANS 16

typedef struct joins {
    const go_node *chans[MAX_CHANS]; /* channels the goroutine sends on, closes, or is given */
    bool signals[MAX_CHANS];         /* sent on or closed by the goroutine: surely a channel */
    size_t n;
    bool found;
} joins;

static void add_chan(joins *j, const go_node *x, bool signals) {
    const go_node *d = ident_decl(x);
    for (size_t i = 0; d && i < j->n; i++)
        if (j->chans[i] == d) {
            j->signals[i] |= signals;
            return;
        }
    if (d && j->n < MAX_CHANS) {
        j->signals[j->n] = signals;
        j->chans[j->n++] = d;
    }
}

static bool chan_pre(void *ctx, go_node *n) {
    joins *j = ctx;
    if (n->kind == GO_SEND_STMT)
        add_chan(j, n->u.send.chan, true);
    else if (n->kind == GO_CALL_EXPR && n->u.call.args.len == 1 && rulekit_ident_is(n->u.call.fun, "close") &&
             !n->u.call.fun->u.ident.decl)
        add_chan(j, n->u.call.args.at[0], true);
    return true;
}

static bool is_chan(const joins *j, const go_node *x) {
    const go_node *d = ident_decl(x);
    for (size_t i = 0; d && i < j->n; i++)
        if (j->chans[i] == d)
            return true;
    return false;
}

/* x is a channel the goroutine sends on or closes. */
static bool is_signal_chan(const joins *j, const go_node *x) {
    const go_node *d = ident_decl(x);
    for (size_t i = 0; d && i < j->n; i++)
        if (j->chans[i] == d)
            return j->signals[i];
    return false;
}

/*   wg.Wait()   g.Wait()   <-done   v := <-results   for r := range results
 *   cfg, err := receiveConfig(configCh, errCh)   (a helper given the channel) */
static bool join_pre(void *ctx, go_node *n) {
    joins *j = ctx;
    if (j->found)
        return false;
    if (n->kind == GO_GO_STMT)
        return false; /* go other(ch): another goroutine, not a wait */
    if (n->kind == GO_CALL_EXPR && n->u.call.args.len == 0) {
        const go_node *fun = rulekit_unparen(n->u.call.fun);
        if (fun && fun->kind == GO_SELECTOR_EXPR && rulekit_ident_is(fun->u.selector.sel, "Wait"))
            j->found = true;
    } else if (n->kind == GO_CALL_EXPR && !(rulekit_ident_is(n->u.call.fun, "close") && !n->u.call.fun->u.ident.decl)) {
        /* a call handed the channel may receive from it: prefer the miss */
        for (uint32_t k = 0; k < n->u.call.args.len && !j->found; k++)
            j->found = is_signal_chan(j, rulekit_unparen(n->u.call.args.at[k]));
    } else if (n->kind == GO_UNARY_EXPR && n->op == GO_TOK_ARROW && is_chan(j, n->u.unary.x))
        j->found = true;
    return !j->found;
}

static rulekit_reach_step join_visit(void *ctx, const go_node *n) {
    joins *j = ctx;
    go_walk((go_node *)n, join_pre, NULL, j); /* deferred joins and closures included */
    /* range over the channel: its X is offered */
    return j->found || is_chan(j, n) ? RULEKIT_REACH_FOUND : RULEKIT_REACH_ON;
}

/* Some path from the go statement reaches a join. */
static bool joined(func_check *fc, const go_node *stmt, joins *j) {
    if (!fc->cfg)
        fc->cfg = go_cfg_build(fc->pass->arena, fc->body, NULL);
    go_cfg *g = fc->cfg;
    uint32_t b0, i0;
    if (!go_cfg_find(g, stmt, &b0, &i0))
        return true; /* not offered: do not judge */
    return rulekit_reaches(fc->pass->arena, g, b0, i0, join_visit, j);
}

/* ---- report ---------------------------------------------------------------------- */

static void report(func_check *fc, const go_node *stmt, const goroutine *g) {
    lint_pass *pass = fc->pass;
    bool detach = pass->go_minor >= 21;
    if (g->ctx.request) {
        lint_report_related(pass, stmt->pos, g->ctx.origin->pos, "the request whose context the server cancels",
                            "goroutine is handed the request's context, which the server cancels as soon as "
                            "the handler returns, and the handler does not wait for it: whatever in it honours "
                            "the context fails or stops early "
                            "(give it %s, or wait for it before returning)",
                            detach ? "context.WithoutCancel(r.Context()) with its own timeout"
                                   : "a context that lives as long as the server (e.g. its base context) with its "
                                     "own timeout");
        return;
    }
    lint_report_related(pass, stmt->pos, g->ctx.origin->pos, "context made here, cancelled by the deferred cancel",
                        "goroutine is handed a context that the deferred cancel ends as soon as this function "
                        "returns, and nothing waits for it: whatever in it honours the context fails or stops "
                        "early (wait for it with a "
                        "sync.WaitGroup, errgroup or result channel, or give it %s)",
                        detach ? "context.WithoutCancel(ctx) with its own timeout"
                               : "a context not tied to this call, with its own timeout");
}

static bool go_pre(void *ctx, go_node *n) {
    func_check *fc = ctx;
    if (n->kind == GO_FUNC_LIT)
        return false;
    if (n->kind != GO_GO_STMT)
        return true;
    goroutine g;
    if (!goroutine_of(fc, n->u.go_stmt.call, &g) || !g.ctx.origin || g.ctx.origin->pos > n->pos)
        return false;
    joins j = {0};
    const go_node *call = n->u.go_stmt.call;
    for (uint32_t i = 0; i < call->u.call.args.len; i++)
        add_chan(&j, call->u.call.args.at[i], false);
    go_walk((go_node *)g.body, chan_pre, NULL, &j);
    if (!joined(fc, n, &j))
        report(fc, n, &g);
    return false;
}

/* ---- functions ------------------------------------------------------------------- */

/* func(w http.ResponseWriter, r *http.Request): the r parameter. */
static const go_node *handler_request(const go_file *f, const go_node *ftype) {
    const go_node *params = ftype ? ftype->u.func_type.params : NULL;
    if (!params || params->u.field_list.list.len != 2)
        return NULL;
    const go_node *w = params->u.field_list.list.at[0], *r = params->u.field_list.list.at[1];
    if (!w || !r || !w->u.field.type)
        return NULL;
    const go_node *rt = rulekit_unparen(r->u.field.type);
    if (!go_is_pkg_selector(f, w->u.field.type, "net/http", "ResponseWriter") || !rt || rt->kind != GO_STAR_EXPR ||
        !go_is_pkg_selector(f, rt->u.star.x, "net/http", "Request") || r->u.field.names.len != 1)
        return NULL;
    return rulekit_ident_is(r->u.field.names.at[0], "_") ? NULL : r->u.field.names.at[0];
}

static bool name_is(const go_node *id, const char *name) {
    return id && rulekit_ident_is(id, name);
}

static void check_func(lint_pass *pass, const go_node *fn, go_node *body, const go_node *ftype) {
    if (!body || body->kind != GO_BLOCK_STMT)
        return;
    func_check fc = {.pass = pass, .fn = fn, .body = body, .request = handler_request(pass->file, ftype)};
    go_walk(body, note_pre, NULL, &fc);
    if (fc.nt == 0 && !fc.request)
        return;
    go_walk(body, go_pre, NULL, &fc);
}

static bool func_pre(void *ctx, go_node *n) {
    lint_pass *pass = ctx;
    if (n->kind == GO_FUNC_DECL) {
        if (!(n->flags & GO_FLAG_HAS_GO))
            return false; /* no goroutine starts in it or in its literals */
        /* returning from main ends the process: no goroutine outlives it */
        if (!n->u.func_decl.recv && name_is(n->u.func_decl.name, "main") &&
            name_is(pass->file->root->u.file.name, "main"))
            return true;
        check_func(pass, n, n->u.func_decl.body, n->u.func_decl.type);
    } else if (n->kind == GO_FUNC_LIT)
        check_func(pass, n, n->u.func_lit.body, n->u.func_lit.type);
    return true;
}

static void check(lint_pass *pass) {
    go_file *f = pass->file;
    if (!f->root || !go_file_kind_count(f, GO_GO_STMT) ||
        !(go_file_imports(f, "context") || go_file_imports(f, "net/http")))
        return;
    /* A test's goroutines end with the test; cutting them short when the
     * test function returns is how tests stop background RPCs and
     * watchers, on purpose. */
    if (rulekit_is_test_file(f))
        return;
    go_walk(f->root, func_pre, NULL, pass);
}

const lint_rule lint_rule_ctx006 = {
    .id = "CTX006",
    .name = "cancelled-under-goroutine",
    .summary = "a goroutine doing one-shot work with a context cancelled when the function returns (defer "
               "cancel(), a handler's r.Context()) that nobody waits for",
    .severity = LINT_WARNING,
    .requires_import = NULL, /* context or net/http: checked in check() */
    .check = check,
};
