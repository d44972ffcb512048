/*
 * CTX005 context-growth-in-loop: a context variable derived from itself
 * on every trip round a loop, so that the chain of parents grows with the
 * number of iterations.
 *
 *   for _, kv := range pairs {
 *       ctx = context.WithValue(ctx, kv.k, kv.v)        // one more layer
 *   }
 *   for {
 *       ctx, cancel = context.WithTimeout(ctx, time.Second)
 *       ...
 *   }
 *
 * Three ideas:
 *  - Only calls known to return a child of their first argument count as
 *    a derivation (context.With*, WithoutCancel, signal.NotifyContext and
 *    a short list of well-known wrappers such as pprof.WithLabels and
 *    metadata.AppendToOutgoingContext).  A call to an unknown function
 *    might return its argument unchanged; syntax cannot tell, so no.
 *  - The assignment must write a variable that already exists
 *    (`=`, or `:=` that reuses a name of the same scope); `ctx := …` in the
 *    loop body makes a new variable per iteration and does not grow.
 *  - Growth needs the assignment to run again on the value it produced:
 *    the control-flow graph must lead from the assignment back to itself
 *    without passing a statement that gives the variable a value not made
 *    from itself (`ctx = base`, a range clause that assigns it).  A loop
 *    that returns or breaks right after the assignment is not reported.
 */
#include <stdio.h>
#include <string.h>

#include "leakscope/gocfg.h"
#include "leakscope/lint.h"
#include "rulekit.h"

/* Functions whose result wraps their first argument. */
static const struct deriver {
    const char *path, *name;
} derivers[] = {
    {"context", "WithValue"},
    {"context", "WithCancel"},
    {"context", "WithCancelCause"},
    {"context", "WithTimeout"},
    {"context", "WithTimeoutCause"},
    {"context", "WithDeadline"},
    {"context", "WithDeadlineCause"},
    {"context", "WithoutCancel"},
    {"os/signal", "NotifyContext"},
    {"runtime/pprof", "WithLabels"},
    {"net/http/httptrace", "WithClientTrace"},
    {"google.golang.org/grpc/metadata", "AppendToOutgoingContext"},
    {"google.golang.org/grpc/metadata", "NewOutgoingContext"},
    {"google.golang.org/grpc/metadata", "NewIncomingContext"},
    {"go.opentelemetry.io/otel/trace", "ContextWithSpan"},
    {"go.opentelemetry.io/otel/trace", "ContextWithSpanContext"},
    {"go.opentelemetry.io/otel/trace", "ContextWithRemoteSpanContext"},
    {"go.opentelemetry.io/otel/baggage", "ContextWithBaggage"},
    {"runtime/trace", "NewTask"},
};

/* ctx, span = tracer.Start(ctx, name): a tracing span's context, wrapping
 * its first argument.  Taken only for a method (not a package function)
 * called Start or StartSpan, with two results, when the variable is
 * declared as a context (see declared_context). */
static const struct deriver span_start = {"", "Start"};

static const struct deriver *deriver_of(const go_file *f, const go_node *call) {
    call = rulekit_unparen(call);
    if (!call || call->kind != GO_CALL_EXPR || call->u.call.args.len == 0)
        return NULL;
    for (size_t i = 0; i < sizeof derivers / sizeof *derivers; i++)
        if (go_is_pkg_call(f, call, derivers[i].path, derivers[i].name))
            return &derivers[i];
    return NULL;
}

typedef struct func_check {
    lint_pass *pass;
    const go_node *fn; /* FuncDecl or FuncLit */
    go_node *body;
    go_cfg *cfg; /* built on the first candidate */
} func_check;

/* ---- does an expression mention the variable? --------------------------- */

typedef struct mention {
    const go_node *decl;
    bool found;
} mention;

static bool mention_pre(void *ctx, go_node *n) {
    mention *m = ctx;
    if (n->kind == GO_IDENT && n->u.ident.decl == m->decl)
        m->found = true;
    return !m->found;
}

static bool mentions(const go_node *x, const go_node *decl) {
    mention m = {.decl = decl};
    go_walk((go_node *)x, mention_pre, NULL, &m);
    return m.found;
}

/* ---- resets: a value for the variable not made from itself ---------------- */

static bool lhs_writes(const go_list *lhs, const go_node *decl) {
    for (uint32_t i = 0; i < lhs->len; i++)
        if (lhs->at[i] && lhs->at[i]->kind == GO_IDENT && lhs->at[i]->u.ident.decl == decl)
            return true;
    return false;
}

typedef struct reset_ctx {
    const go_node *decl;
} reset_ctx;

/*   ctx = base     ctx := other()     var ctx = …
 * An assignment whose right side mentions the variable keeps the chain
 * (ctx = wrap(ctx)) and is not a reset. */
static bool is_reset(const reset_ctx *r, const go_node *n) {
    if (n->kind == GO_ASSIGN_STMT && lhs_writes(&n->u.assign.lhs, r->decl)) {
        for (uint32_t i = 0; i < n->u.assign.rhs.len; i++)
            if (mentions(n->u.assign.rhs.at[i], r->decl))
                return false;
        return true;
    }
    if (n->kind == GO_DECL_STMT)
        return mentions(n, r->decl); /* var ctx = …: declares it afresh */
    return false;
}

/* The innermost loop around stmt, found by one walk of the body. */
typedef struct loop_scan {
    const go_node *stmt;
    const go_node *stack[64];
    int depth;
    const go_node *found;   /* the innermost loop */
    const go_node *outer;   /* the outermost loop that decl is declared outside of */
    const go_node *decl;
    bool done;
} loop_scan;

static bool loop_pre(void *ctx, go_node *n) {
    loop_scan *s = ctx;
    if (s->done || n->kind == GO_FUNC_LIT)
        return false;
    if (n == s->stmt) {
        s->found = s->depth > 0 && s->depth <= 64 ? s->stack[s->depth - 1] : NULL;
        for (int i = 0; i < s->depth && i < 64 && !s->outer; i++)
            if (s->decl->pos < s->stack[i]->pos || s->decl->pos >= s->stack[i]->end)
                s->outer = s->stack[i];
        s->done = true;
        return false;
    }
    if (n->kind == GO_FOR_STMT || n->kind == GO_RANGE_STMT) {
        if (s->depth < 64)
            s->stack[s->depth] = n;
        s->depth++;
    }
    return true;
}

static void loop_post(void *ctx, go_node *n) {
    loop_scan *s = ctx;
    if (n->kind == GO_FOR_STMT || n->kind == GO_RANGE_STMT)
        s->depth--;
}

static bool writes_ident(const go_node *x, const go_node *decl) {
    return x && x->kind == GO_IDENT && x->u.ident.decl == decl;
}

/*   for _, ctx := range ctxs { ctx = context.WithValue(ctx, …) }
 * The range clause gives the variable a new value before each trip round
 * its own loop (the graph does not show that assignment). */
static bool range_resets(const go_node *l, const go_node *decl) {
    return l && l->kind == GO_RANGE_STMT &&
           (writes_ident(l->u.range_stmt.key, decl) || writes_ident(l->u.range_stmt.value, decl));
}

/* ---- does the assignment run again on its own result? ---------------------- */

typedef struct comes_back_scan {
    const go_node *stmt;
    const reset_ctx *r;
} comes_back_scan;

static rulekit_reach_step comes_back_visit(void *ctx, const go_node *n) {
    const comes_back_scan *c = ctx;
    if (n == c->stmt)
        return RULEKIT_REACH_FOUND;
    return is_reset(c->r, n) ? RULEKIT_REACH_CUT : RULEKIT_REACH_ON;
}

static bool comes_back(func_check *fc, const go_node *stmt, const reset_ctx *r) {
    uint32_t b0, i0;
    if (!go_cfg_find(fc->cfg, stmt, &b0, &i0))
        return false;
    comes_back_scan c = {stmt, r};
    return rulekit_reaches(fc->pass->arena, fc->cfg, b0, i0, comes_back_visit, &c);
}

/* ---- writes from closures ------------------------------------------------------ */

typedef struct lit_write {
    const go_node *decl;
    int in_lit;
    bool found;
} lit_write;

static bool lit_write_pre(void *ctx, go_node *n) {
    lit_write *w = ctx;
    if (n->kind == GO_FUNC_LIT)
        w->in_lit++;
    else if (w->in_lit && n->kind == GO_ASSIGN_STMT && lhs_writes(&n->u.assign.lhs, w->decl))
        w->found = true;
    else if (n->kind == GO_UNARY_EXPR && n->op == GO_TOK_AND && rulekit_unparen(n->u.unary.x) &&
             rulekit_unparen(n->u.unary.x)->kind == GO_IDENT && rulekit_unparen(n->u.unary.x)->u.ident.decl == w->decl)
        w->found = true; /* &ctx: someone else may reset it */
    return !w->found;
}

static void lit_write_post(void *ctx, go_node *n) {
    lit_write *w = ctx;
    if (n->kind == GO_FUNC_LIT)
        w->in_lit--;
}

/* A closure assigns the variable or its address is taken: resets may
 * happen where syntax does not show them. */
static bool written_elsewhere(go_node *body, const go_node *decl) {
    lit_write w = {.decl = decl};
    go_walk(body, lit_write_pre, lit_write_post, &w);
    return w.found;
}

/* ---- does the loop work with the context? ------------------------------------ */

/* A self-derivation: `x = deriver(x, …)` or `x, c = deriver(x, …)` with x
 * an existing variable; the deriver found, or NULL. */
static bool is_span_start(const go_file *f, const go_node *n, const go_node *call) {
    if (!call || call->kind != GO_CALL_EXPR || call->u.call.args.len < 2 || n->u.assign.lhs.len != 2)
        return false;
    const go_node *fun = rulekit_unparen(call->u.call.fun);
    const go_node *x = fun && fun->kind == GO_SELECTOR_EXPR ? rulekit_unparen(fun->u.selector.x) : NULL;
    return x && (rulekit_ident_is(fun->u.selector.sel, "Start") || rulekit_ident_is(fun->u.selector.sel, "StartSpan")) &&
           !(x->kind == GO_IDENT && go_import_of(f, x));
}

static const struct deriver *self_derivation(const go_file *f, const go_node *n, const go_node **decl_out) {
    if (n->kind != GO_ASSIGN_STMT || (n->op != GO_TOK_ASSIGN && n->op != GO_TOK_DEFINE) || n->u.assign.rhs.len != 1 ||
        n->u.assign.lhs.len < 1 || n->u.assign.lhs.len > 2)
        return NULL;
    const go_node *call = rulekit_unparen(n->u.assign.rhs.at[0]);
    const struct deriver *d = deriver_of(f, call);
    if (!d && is_span_start(f, n, call))
        d = &span_start;
    const go_node *id = n->u.assign.lhs.at[0];
    if (!d || !id || id->kind != GO_IDENT)
        return NULL;
    const go_node *decl = go_decl_of(id);
    const go_node *parent = rulekit_unparen(call->u.call.args.at[0]);
    /* id == decl: `ctx := …` declares a new variable (one per iteration) */
    if (!decl || decl == id || !parent || parent->kind != GO_IDENT || go_decl_of(parent) != decl)
        return NULL;
    *decl_out = decl;
    return d;
}

/* x is the variable itself (parentheses allowed) */
static bool mentions_ident(const go_node *x, const go_node *decl) {
    x = rulekit_unparen(x);
    return x && x->kind == GO_IDENT && x->u.ident.decl == decl;
}

typedef struct use_scan {
    const go_file *f;
    const go_node *decl;
    bool used;
} use_scan;

static bool use_pre(void *ctx, go_node *n) {
    use_scan *u = ctx;
    const go_node *decl = NULL;
    if (u->used)
        return false;
    if (self_derivation(u->f, n, &decl) && decl == u->decl) {
        /* only the other arguments can use it: WithValue(ctx, k, ctx.Value(j)) */
        const go_node *call = rulekit_unparen(n->u.assign.rhs.at[0]);
        for (uint32_t i = 1; i < call->u.call.args.len; i++)
            go_walk(call->u.call.args.at[i], use_pre, NULL, u);
        return false;
    }
    if (n->kind != GO_CALL_EXPR)
        return true;
    /* a call given the context, or a method of it: f(ctx), f(wrap(ctx)),
     * ctx.Value(k), <-ctx.Done().  Returning it or storing it is not work. */
    const go_node *fun = rulekit_unparen(n->u.call.fun);
    if (fun && fun->kind == GO_SELECTOR_EXPR && mentions_ident(fun->u.selector.x, u->decl))
        u->used = true;
    for (uint32_t i = 0; i < n->u.call.args.len && !u->used; i++)
        u->used = mentions_ident(n->u.call.args.at[i], u->decl);
    return !u->used;
}

/*   for _, kv := range pairs { ctx = context.WithValue(ctx, kv.k, kv.v) }
 * A loop that only layers the context builds the chain on purpose (its
 * depth is the length of the input); a loop that also works with it
 * (passes it on, waits on Done) is a processing loop whose chain grows by
 * accident. */
static bool loop_uses(const go_file *f, const go_node *loop, const go_node *decl) {
    use_scan u = {.f = f, .decl = decl};
    go_walk((go_node *)loop, use_pre, NULL, &u);
    return u.used;
}

/* ---- is the variable a context? (for span starts) ------------------------------ */

typedef struct ctx_decl {
    const go_file *f;
    const go_node *decl;
    bool yes;
} ctx_decl;

static bool names_have(const go_list *names, const go_node *decl) {
    for (uint32_t i = 0; i < names->len; i++)
        if (names->at[i] == decl)
            return true;
    return false;
}

/*   func f(ctx context.Context)   var ctx context.Context   ctx := context.Background() */
static bool ctx_decl_pre(void *ctx, go_node *n) {
    ctx_decl *c = ctx;
    if (c->yes)
        return false;
    if (n->kind == GO_FIELD && names_have(&n->u.field.names, c->decl))
        c->yes = go_is_pkg_selector(c->f, n->u.field.type, "context", "Context");
    else if (n->kind == GO_VALUE_SPEC && names_have(&n->u.value_spec.names, c->decl))
        c->yes = n->u.value_spec.type && go_is_pkg_selector(c->f, n->u.value_spec.type, "context", "Context");
    else if (n->kind == GO_ASSIGN_STMT && n->op == GO_TOK_DEFINE && n->u.assign.lhs.len >= 1 &&
             n->u.assign.lhs.at[0] == c->decl && n->u.assign.rhs.len == 1)
        c->yes = go_is_pkg_call(c->f, rulekit_unparen(n->u.assign.rhs.at[0]), "context", NULL);
    return !c->yes;
}

/* Syntax shows the variable is a context.Context: a parameter or var
 * declared with that type, or := from a call of the context package. */
static bool declared_context(const func_check *fc, const go_node *decl) {
    ctx_decl c = {.f = fc->pass->file, .decl = decl};
    go_walk((go_node *)fc->fn, ctx_decl_pre, NULL, &c);
    return c.yes;
}

/* ---- candidates --------------------------------------------------------------- */

/*   ctx = context.WithValue(ctx, k, v)      ctx, cancel = context.WithCancel(ctx) */
static void check_assign(func_check *fc, go_node *n) {
    const go_node *decl = NULL;
    const struct deriver *d = self_derivation(fc->pass->file, n, &decl);
    if (!d || written_elsewhere(fc->body, decl) || (d == &span_start && !declared_context(fc, decl)))
        return;
    loop_scan ls = {.stmt = n, .decl = decl};
    go_walk(fc->body, loop_pre, loop_post, &ls);
    const go_node *loop = ls.outer ? ls.outer : fc->body; /* no loop statement: a goto loop */
    if (range_resets(ls.found, decl) || !loop_uses(fc->pass->file, loop, decl))
        return;
    if (!fc->cfg)
        fc->cfg = go_cfg_build(fc->pass->arena, fc->body, NULL);
    reset_ctx r = {.decl = decl};
    if (!comes_back(fc, n, &r))
        return;
    const go_node *id = n->u.assign.lhs.at[0];
    const ls_atom *name = id->u.ident.name;
    char what[160];
    const go_node *fun = rulekit_unparen(rulekit_unparen(n->u.assign.rhs.at[0])->u.call.fun);
    const go_node *recv = d == &span_start ? rulekit_unparen(fun->u.selector.x) : NULL;
    if (recv && recv->kind == GO_IDENT)
        snprintf(what, sizeof what, "%.*s.%.*s (a span's context)", (int)recv->u.ident.name->len, recv->u.ident.name->ptr,
                 (int)fun->u.selector.sel->u.ident.name->len, fun->u.selector.sel->u.ident.name->ptr);
    else if (d == &span_start)
        snprintf(what, sizeof what, "a %.*s method (a span's context)", (int)fun->u.selector.sel->u.ident.name->len,
                 fun->u.selector.sel->u.ident.name->ptr);
    else
        snprintf(what, sizeof what, "%s.%s", strrchr(d->path, '/') ? strrchr(d->path, '/') + 1 : d->path, d->name);
    lint_report(fc->pass, n->pos,
                "%.*s is derived from itself with %s on every iteration of a loop that works with it: "
                "each pass adds a layer to the context chain, so memory and Value lookups grow with the "
                "iterations (derive each iteration's context from one made outside the loop, into a "
                "variable declared in the loop body with :=)",
                (int)name->len, name->ptr, what);
}

static bool assign_pre(void *ctx, go_node *n) {
    if (n->kind == GO_FUNC_LIT)
        return false;
    if (n->kind == GO_ASSIGN_STMT && (n->op == GO_TOK_ASSIGN || n->op == GO_TOK_DEFINE))
        check_assign(ctx, n);
    return true;
}

static void check_body(lint_pass *pass, const go_node *fn, go_node *body) {
    if (!body || body->kind != GO_BLOCK_STMT)
        return;
    func_check fc = {.pass = pass, .fn = fn, .body = body};
    for (uint32_t i = 0; i < body->u.block.list.len; i++)
        if (body->u.block.list.at[i])
            go_walk(body->u.block.list.at[i], assign_pre, NULL, &fc);
}

/* The names a self-derivation in this file can call: the derivers imported
 * and named in it, and Start (which StartSpan contains). */
typedef struct file_scan {
    lint_pass *pass;
    const char *names[sizeof derivers / sizeof *derivers + 1];
    size_t nnames;
} file_scan;

static bool names_one(const file_scan *fs, const go_node *n) {
    for (size_t i = 0; i < fs->nnames; i++)
        if (rulekit_text_has(fs->pass->file, n, fs->names[i]))
            return true;
    return false;
}

static bool func_pre(void *ctx, go_node *n) {
    file_scan *fs = ctx;
    if (n->kind == GO_FUNC_DECL) {
        /* no deriver named in the body: nothing in it or in its literals
         * can be a self-derivation */
        if (!names_one(fs, n->u.func_decl.body))
            return false;
        check_body(fs->pass, n, n->u.func_decl.body);
    } else if (n->kind == GO_FUNC_LIT) {
        check_body(fs->pass, n, n->u.func_lit.body);
    }
    return true;
}

static void check(lint_pass *pass) {
    go_file *f = pass->file;
    if (!f->root)
        return;
    file_scan fs = {.pass = pass};
    bool any = false;
    for (size_t i = 0; i < sizeof derivers / sizeof *derivers; i++) {
        bool imported = go_file_imports(f, derivers[i].path);
        any = any || imported;
        /* a deriver is called by its name: without it in the file no
         * assignment can be a self-derivation */
        if (imported && go_file_atom(f, derivers[i].name))
            fs.names[fs.nnames++] = derivers[i].name;
    }
    if (go_file_atom(f, "Start") || go_file_atom(f, "StartSpan"))
        fs.names[fs.nnames++] = "Start";
    if (any && fs.nnames)
        go_walk(f->root, func_pre, NULL, &fs);
}

const lint_rule lint_rule_ctx005 = {
    .id = "CTX005",
    .name = "context-growth-in-loop",
    .summary = "a context variable re-derived from itself in a loop (ctx = context.WithValue(ctx, ...)): the "
               "chain grows every iteration",
    .severity = LINT_ERROR,
    .requires_import = NULL, /* context or one of the wrappers' packages: checked in check() */
    .check = check,
};
