/*
 * GRT003 goroutine-ignores-context: a goroutine that has a context in
 * reach runs a waiting endless loop that never looks at it.
 *
 *   func (w *watcher) run(ctx context.Context) {
 *       go func() {
 *           for {
 *               select {
 *               case <-w.stop: return     // a way out, but not ctx's
 *               case e := <-w.events: w.handle(e)
 *               }
 *           }
 *       }()
 *       _ = ctx.Err()
 *   }
 *
 * Three ideas:
 *  - The context in reach is a context.Context parameter of the launched
 *    function, or one the function literal captures (referenced inside it)
 *    from an enclosing function: a context.Context parameter or variable,
 *    or the result of context.With…, signal.NotifyContext or X.Context().
 *    A context the closure never mentions is not counted: a constructor's
 *    ctx is often meant only for the setup.
 *  - The loop consults the context when it mentions it, or a variable
 *    assigned (in the goroutine) from an expression that mentions it: a
 *    derived context, `done := ctx.Done()`, a struct that holds ctx.  Any
 *    mention counts (ctx.Done(), ctx.Err(), passing it to a call).
 *  - One loop, one finding: a loop with no way out at all is GRT002's; this
 *    rule takes the loops that have some way out (a stop channel, a close
 *    check, an error return) but not the context.  Goroutines that live as
 *    long as the program and test files are skipped as in GRT002.
 */

#include "leakscope/goscope.h"
#include "leakscope/lint.h"
#include "rulekit.h"

enum { MAX_CTX = 32, MAX_CAPTURES = 128 };

/* Declarations that hold the goroutine's context or something made from it. */
typedef struct ctx_set {
    const go_node *decl[MAX_CTX];
    size_t n;
    bool full; /* a declaration did not fit: the set cannot prove absence */
} ctx_set;

static bool set_has(const ctx_set *s, const go_node *d) {
    for (size_t i = 0; i < s->n; i++)
        if (s->decl[i] == d)
            return true;
    return false;
}

static void set_add(void *ctx, const go_node *d) {
    ctx_set *s = ctx;
    if (!d || set_has(s, d))
        return;
    if (s->n < MAX_CTX)
        s->decl[s->n++] = d;
    else
        s->full = true;
}

/* ---- contexts declared in the enclosing function ------------------------- */

static const char *const ctx_ctors[] = {"WithCancel",      "WithCancelCause", "WithTimeout",
                                        "WithTimeoutCause", "WithDeadline",    "WithDeadlineCause",
                                        "WithValue",        "WithoutCancel"};

/* An expression whose value is a context: context.With…(…),
 * signal.NotifyContext(…), X.Context(). */
static bool makes_context(const go_file *f, const go_node *x) {
    x = rulekit_unparen(x);
    if (!x || x->kind != GO_CALL_EXPR)
        return false;
    for (size_t i = 0; i < sizeof ctx_ctors / sizeof *ctx_ctors; i++)
        if (go_is_pkg_call(f, x, "context", ctx_ctors[i]))
            return true;
    if (go_is_pkg_call(f, x, "os/signal", "NotifyContext"))
        return true;
    const go_node *fun = rulekit_unparen(x->u.call.fun);
    return x->u.call.args.len == 0 && fun && fun->kind == GO_SELECTOR_EXPR &&
           rulekit_ident_is(fun->u.selector.sel, "Context");
}

typedef struct ctx_decls {
    const go_file *f;
    ctx_set *set;
} ctx_decls;

static bool ctx_decls_pre(void *ctx, go_node *n) {
    ctx_decls *c = ctx;
    switch (n->kind) {
    case GO_FIELD:
        if (go_is_pkg_selector(c->f, n->u.field.type, "context", "Context"))
            for (uint32_t i = 0; i < n->u.field.names.len; i++)
                set_add(c->set, go_decl_of(n->u.field.names.at[i]));
        return true;
    case GO_ASSIGN_STMT:
        if (n->op == GO_TOK_DEFINE && n->u.assign.rhs.len == 1 && n->u.assign.lhs.len >= 1 &&
            makes_context(c->f, n->u.assign.rhs.at[0]))
            set_add(c->set, go_decl_of(n->u.assign.lhs.at[0]));
        return true;
    case GO_VALUE_SPEC: {
        bool typed = go_is_pkg_selector(c->f, n->u.value_spec.type, "context", "Context");
        bool made = n->u.value_spec.values.len == 1 && makes_context(c->f, n->u.value_spec.values.at[0]);
        for (uint32_t i = 0; i < n->u.value_spec.names.len && (typed || made); i++)
            if (typed || i == 0)
                set_add(c->set, go_decl_of(n->u.value_spec.names.at[i]));
        return true;
    }
    default:
        return true;
    }
}

/* The contexts a function literal captures from the function around it. */
static void captured_contexts(rulekit_go_walker *rc, const go_node *lit, const go_node *outer, ctx_set *out) {
    const go_node *caps[MAX_CAPTURES];
    size_t n = go_func_lit_captures(lit, caps, MAX_CAPTURES);
    if (n == 0 || !outer)
        return;
    if (n > MAX_CAPTURES)
        n = MAX_CAPTURES;
    ctx_set in_outer = {.n = 0};
    ctx_decls c = {rc->pass->file, &in_outer};
    go_walk((go_node *)outer, ctx_decls_pre, NULL, &c);
    if (in_outer.full) {
        out->full = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (set_has(&in_outer, caps[i]))
            set_add(out, caps[i]);
}

/* ---- what the goroutine makes from its context --------------------------- */

typedef struct mention {
    const ctx_set *set;
    bool found;
} mention;

static bool mention_pre(void *ctx, go_node *n) {
    mention *m = ctx;
    if (m->found)
        return false;
    if (n->kind == GO_IDENT && n->u.ident.decl && set_has(m->set, n->u.ident.decl))
        m->found = true;
    return true;
}

static bool mentions(const ctx_set *set, go_node *n) {
    mention m = {set, false};
    go_walk(n, mention_pre, NULL, &m);
    return m.found;
}

/* The variable an assignment target stands for: x, or the root of x.f[i]. */
static const go_node *target_decl(const go_node *x) {
    for (;;) {
        x = rulekit_unparen(x);
        if (!x)
            return NULL;
        if (x->kind == GO_SELECTOR_EXPR)
            x = x->u.selector.x;
        else if (x->kind == GO_INDEX_EXPR)
            x = x->u.index.x;
        else if (x->kind == GO_STAR_EXPR)
            x = x->u.star.x;
        else
            return x->kind == GO_IDENT ? go_decl_of(x) : NULL;
    }
}

static bool derived_pre(void *ctx, go_node *n) {
    ctx_set *set = ctx;
    const go_list *lhs = NULL, *rhs = NULL;
    if (n->kind == GO_ASSIGN_STMT) {
        lhs = &n->u.assign.lhs;
        rhs = &n->u.assign.rhs;
    } else if (n->kind == GO_VALUE_SPEC) {
        lhs = &n->u.value_spec.names;
        rhs = &n->u.value_spec.values;
    } else {
        return true;
    }
    bool from_ctx = false;
    for (uint32_t i = 0; i < rhs->len && !from_ctx; i++)
        from_ctx = mentions(set, rhs->at[i]);
    for (uint32_t i = 0; i < lhs->len && from_ctx; i++)
        set_add(set, target_decl(lhs->at[i]));
    return true;
}

/* ---- the rule ------------------------------------------------------------- */

static const ls_atom *first_name(const ctx_set *s) {
    return s->n ? s->decl[0]->u.ident.name : NULL;
}

static void report(rulekit_go_walker *rc, const go_node *go_stmt, const rulekit_goroutine *g, const go_node *loop,
                   const ctx_set *ctxs) {
    lint_pass *pass = rc->pass;
    const ls_atom *a = first_name(ctxs);
    int len = a ? (int)a->len : 3;
    const char *name = a ? a->ptr : "ctx";
    go_position at = go_file_position(g->file, loop->pos);
    if (g->file == pass->file) {
        lint_report_related(pass, go_stmt->pos, loop->pos, "the loop that never looks at the context",
                            "goroutine ignores %.*s: its for loop (line %u) waits and leaves only by other ways, "
                            "so cancelling %.*s does not stop it; add `case <-%.*s.Done(): return`",
                            len, name, at.line, len, name, len, name);
        return;
    }
    const char *path = rulekit_base_name(g->file->path);
    lint_report(pass, go_stmt->pos,
                "goroutine %.*s ignores %.*s: its for loop (%s:%u) waits and leaves only by other ways, so "
                "cancelling %.*s does not stop it; add `case <-%.*s.Done(): return`",
                (int)g->name.len, g->name.ptr, len, name, path, at.line, len, name, len, name);
}

static void check_go(rulekit_go_walker *rc, const go_node *go_stmt, const go_node *decl,
                     const rulekit_goroutine *g) {
    (void)decl; /* captured_contexts looks at any top-level function around it */
    lint_pass *pass = rc->pass;
    ctx_set ctxs = {.n = 0};
    rulekit_context_params(g->file, g->params, set_add, &ctxs);
    if (g->fn->kind == GO_FUNC_LIT)
        captured_contexts(rc, g->fn, rc->depth > 1 ? rc->stack[1] : NULL, &ctxs);
    if (ctxs.n == 0)
        return;
    size_t own = ctxs.n; /* the message names one of these */
    go_walk(g->body, derived_pre, NULL, &ctxs);
    if (ctxs.full)
        return;
    uint32_t i = 0;
    go_node *loop;
    rulekit_loop lf;
    while ((loop = rulekit_next_blocking_loop(g, pass->pkg, &i, &lf))) {
        if (!lf.exit)
            return; /* GRT002's */
        if (mentions(&ctxs, loop))
            continue;
        if (rulekit_go_lives_with_program(pass->file, pass->pkg, go_stmt, rc->stack, rc->depth))
            return;
        ctx_set named = ctxs;
        named.n = own;
        report(rc, go_stmt, g, loop, &named);
        return;
    }
}

static void check(lint_pass *pass) {
    const go_file *f = pass->file;
    if (!f->root || rulekit_is_test_file(f))
        return;
    /* fast path: no go statement, no context.Context, no X.Context(), no
     * `go` keyword */
    if (!go_file_kind_count(f, GO_GO_STMT) || !go_file_atom(f, "Context") || !rulekit_may_start_goroutine(f))
        return;
    rulekit_walk_go_stmts(pass, check_go);
}

const lint_rule lint_rule_grt003 = {
    .id = "GRT003",
    .name = "goroutine-ignores-context",
    .summary = "goroutine with a context in reach runs a blocking loop that never consults it",
    .severity = LINT_WARNING,
    .requires_import = NULL,
    .check = check,
};
