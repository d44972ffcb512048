/*
 * CTX004 value-only-root: context.WithValue on a fresh root while the
 * function already has a context of its own.
 *
 *   func handle(ctx context.Context, id string) {
 *       vctx := context.WithValue(context.Background(), idKey, id)   // or context.TODO()
 *       work(vctx)     // carries id, but not ctx's deadline or cancellation
 *   }
 *
 * Two ideas:
 *  - "A context in scope" is what syntax can see: a parameter of type
 *    context.Context or *http.Request (its r.Context()), or a local
 *    assigned earlier in an enclosing block from a constructor that carries
 *    cancellation (context.WithCancel/WithTimeout/WithDeadline and their
 *    …Cause forms, signal.NotifyContext) or from x.Context().  WithoutCancel
 *    and WithValue locals do not count: the first has no deadline to lose,
 *    the second's parent is found on its own or has nothing to lose.
 *  - The walk keeps its ancestors; the innermost context found going
 *    outwards (statements before the call, then the parameters of each
 *    enclosing function, closures included) is the one the message names.
 * Functions main, init and TestMain (and closures in them) own the root
 * context and are skipped.
 */
#include "leakscope/lint.h"
#include "rulekit.h"

#include <stdio.h>
#include <string.h>

typedef struct walker {
    lint_pass *pass;
    go_node **stack;
    size_t depth, cap;
} walker;

/* The context found in scope: the declaring Ident, and whether it is an
 * *http.Request (named as r.Context()). */
typedef struct scope_ctx {
    const go_node *name;
    bool request;
} scope_ctx;



/* context.Background() or context.TODO() */
static bool is_root(const go_file *f, const go_node *x) {
    x = rulekit_unparen((go_node *)x);
    return x && x->kind == GO_CALL_EXPR && x->u.call.args.len == 0 &&
           (go_is_pkg_call(f, x, "context", "Background") || go_is_pkg_call(f, x, "context", "TODO"));
}

/* A call whose result is a context that can be cancelled:
 *   context.WithTimeout(parent, d)     r.Context()
 *   signal.NotifyContext(parent, sig)
 * WithValue is not one: `v := context.WithValue(ctx, k, x)` has ctx in
 * scope already, and a chain of WithValue on a root has nothing to lose. */
static bool is_cancellable_source(const go_file *f, const go_node *x) {
    static const char *const makers[] = {"WithCancel",       "WithTimeout",      "WithDeadline",
                                         "WithCancelCause",  "WithTimeoutCause", "WithDeadlineCause"};
    x = rulekit_unparen((go_node *)x);
    if (!x || x->kind != GO_CALL_EXPR) return false;
    for (size_t i = 0; i < sizeof makers / sizeof *makers; i++)
        if (go_is_pkg_call(f, x, "context", makers[i])) return true;
    if (go_is_pkg_call(f, x, "os/signal", "NotifyContext")) return true;
    const go_node *fun = rulekit_unparen(x->u.call.fun);
    return x->u.call.args.len == 0 && fun->kind == GO_SELECTOR_EXPR && rulekit_ident_is(fun->u.selector.sel, "Context") &&
           !go_import_of(f, rulekit_unparen(fun->u.selector.x)); /* a method, not pkg.Context() */
}

/* ctx, cancel := context.WithTimeout(parent, d)   var ctx = r.Context()
 * The declaring Ident of the first name (ctx), else NULL. */
static const go_node *local_ctx_of(const go_file *f, const go_node *stmt) {
    if (stmt->kind == GO_ASSIGN_STMT && (stmt->op == GO_TOK_DEFINE || stmt->op == GO_TOK_ASSIGN)) {
        if (stmt->u.assign.rhs.len != 1 || stmt->u.assign.lhs.len < 1) return NULL;
        if (!is_cancellable_source(f, stmt->u.assign.rhs.at[0])) return NULL;
        const go_node *decl = go_decl_of(stmt->u.assign.lhs.at[0]);
        return decl && !go_decl_is_pkg(decl) ? decl : NULL;
    }
    if (stmt->kind != GO_DECL_STMT || stmt->u.decl_stmt.decl->kind != GO_GEN_DECL ||
        stmt->u.decl_stmt.decl->op != GO_TOK_VAR)
        return NULL;
    const go_node *gd = stmt->u.decl_stmt.decl;
    for (uint32_t i = 0; i < gd->u.gen_decl.specs.len; i++) {
        const go_node *vs = gd->u.gen_decl.specs.at[i];
        if (vs->kind == GO_VALUE_SPEC && vs->u.value_spec.values.len == 1 && vs->u.value_spec.names.len >= 1 &&
            is_cancellable_source(f, vs->u.value_spec.values.at[0]))
            return go_decl_of(vs->u.value_spec.names.at[0]);
    }
    return NULL;
}

/* func(ctx context.Context, …) or func(w http.ResponseWriter, r *http.Request) */
static bool param_ctx_of(const go_file *f, const go_node *ftype, scope_ctx *out) {
    const go_node *params = ftype ? ftype->u.func_type.params : NULL;
    if (!params) return false;
    for (uint32_t i = 0; i < params->u.field_list.list.len; i++) {
        const go_node *field = params->u.field_list.list.at[i];
        const go_node *t = rulekit_unparen(field->u.field.type);
        bool request = false;
        if (!t) continue;
        if (t->kind == GO_STAR_EXPR && go_is_pkg_selector(f, t->u.star.x, "net/http", "Request")) request = true;
        else if (!go_is_pkg_selector(f, t, "context", "Context")) continue;
        for (uint32_t j = 0; j < field->u.field.names.len; j++) {
            const go_node *name = field->u.field.names.at[j];
            if (rulekit_ident_is(name, "_")) continue;
            *out = (scope_ctx){name, request};
            return true;
        }
    }
    return false;
}

/* The innermost context in scope at `at`, going outwards through the
 * ancestors: statements before `at` in each enclosing statement list (and
 * if/switch/for init statements), then each enclosing function's params. */
static bool ctx_in_scope(walker *w, go_pos at, scope_ctx *out) {
    const go_file *f = w->pass->file;
    for (size_t d = w->depth; d-- > 0;) {
        const go_node *n = w->stack[d];
        const go_list *stmts = NULL;
        const go_node *init = NULL;
        switch (n->kind) {
        case GO_BLOCK_STMT: stmts = &n->u.block.list; break;
        case GO_CASE_CLAUSE: stmts = &n->u.case_clause.body; break;
        case GO_COMM_CLAUSE: stmts = &n->u.comm_clause.body; break;
        case GO_IF_STMT: init = n->u.if_stmt.init; break;
        case GO_SWITCH_STMT: init = n->u.switch_stmt.init; break;
        case GO_TYPE_SWITCH_STMT: init = n->u.type_switch.init; break;
        case GO_FOR_STMT: init = n->u.for_stmt.init; break;
        case GO_FUNC_LIT:
            if (param_ctx_of(f, n->u.func_lit.type, out)) return true;
            break;
        case GO_FUNC_DECL:
            return param_ctx_of(f, n->u.func_decl.type, out);
        default: break;
        }
        if (init && init->end <= at) {
            const go_node *c = local_ctx_of(f, init);
            if (c) return *out = (scope_ctx){c, false}, true;
        }
        for (uint32_t i = stmts ? stmts->len : 0; i-- > 0;) {
            if (stmts->at[i]->end > at) continue;
            const go_node *c = local_ctx_of(f, stmts->at[i]);
            if (c) return *out = (scope_ctx){c, false}, true;
        }
    }
    return false;
}

/*   context.WithValue(context.Background(), key, v) */
static void check_call(walker *w, go_node *call) {
    const go_file *f = w->pass->file;
    if (call->u.call.args.len < 1 || !go_is_pkg_call(f, call, "context", "WithValue")) return;
    const go_node *root = rulekit_unparen(call->u.call.args.at[0]);
    if (!is_root(f, root)) return;
    scope_ctx sc;
    if (!ctx_in_scope(w, call->pos, &sc)) return;
    const ls_atom *a = sc.name->u.ident.name;
    char name[96];
    snprintf(name, sizeof name, "%.*s%s", (int)a->len, a->ptr, sc.request ? ".Context()" : "");
    const char *rootname = go_is_pkg_call(f, root, "context", "TODO") ? "context.TODO()" : "context.Background()";
    char hint[160] = "";
    if (w->pass->go_minor >= 21)
        snprintf(hint, sizeof hint, " (or from context.WithoutCancel(%s) if it must outlive it)", name);
    lint_report_related(w->pass, call->pos, sc.name->pos, sc.request ? "request in scope here" : "context in scope here",
                        "context.WithValue on %s while %s is in scope: the values survive but its deadline and "
                        "cancellation are lost; derive from %s instead%s",
                        rootname, name, name, hint);
}

/* main, init and TestMain start from the root context by design. */
static bool owns_root(const go_node *n) {
    if (n->kind != GO_FUNC_DECL || n->u.func_decl.recv) return false;
    const go_node *name = n->u.func_decl.name;
    return rulekit_ident_is(name, "main") || rulekit_ident_is(name, "init") || rulekit_ident_is(name, "TestMain");
}

static bool pre(void *ctx, go_node *n) {
    walker *w = ctx;
    if (owns_root(n)) return false;
    if (n->kind == GO_CALL_EXPR) check_call(w, n);
    if (w->depth == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        go_node **s = ls_arena_alloc(w->pass->arena, cap * sizeof *s);
        if (w->depth) memcpy(s, w->stack, w->depth * sizeof *s);
        w->stack = s;
        w->cap = cap;
    }
    w->stack[w->depth++] = n;
    return true;
}

static void post(void *ctx, go_node *n) {
    (void)n;
    ((walker *)ctx)->depth--;
}

static void check(lint_pass *pass) {
    const go_file *f = pass->file;
    if (!f->root) return;
    /* fast path: no identifier named WithValue */
    if (!go_file_atom(f, "WithValue")) return;
    walker w = {pass, NULL, 0, 0};
    go_walk(f->root, pre, post, &w);
}

const lint_rule lint_rule_ctx004 = {
    .id = "CTX004",
    .name = "value-only-root",
    .summary = "context.WithValue(context.Background()/TODO(), ...) where a context is in scope: deadline and cancellation are lost",
    .severity = LINT_ERROR,
    .requires_import = "context",
    .check = check,
};
