/*
 * CTX007 ineffective-nested-timeout: a timeout derived from a parent that
 * the same function gave a shorter constant timeout, so the inner one can
 * never fire.
 *
 *   ctx, cancel := context.WithTimeout(parent, 5*time.Second)
 *   defer cancel()
 *   ...
 *   qctx, qcancel := context.WithTimeout(ctx, 30*time.Second) // never fires
 *
 * The outer deadline is (time of the outer call) + d1, the inner one
 * (a later time) + d2; with d1 < d2 the outer always comes first, and
 * context.WithDeadline then simply keeps the parent's deadline.
 *
 * Two ideas:
 *  - Both durations must be constants (rulekit_duration): literals, unit
 *    constants, named constants of the package.  A deadline counts when it
 *    is time.Now().Add(constant).
 *  - The parent must surely be the outer context: a variable written by
 *    exactly one statement of the function (the outer creation: no other
 *    assignment, no range clause, no &x, nothing in a closure), and the
 *    inner call in a later statement of the same block (or nested in one),
 *    so that every path to it has run the creation.
 */
#include <stdio.h>
#include <string.h>

#include "leakscope/lint.h"
#include "rulekit.h"

static const struct maker {
    const char *name;
    bool deadline; /* the second argument is a time.Time */
} makers[] = {
    {"WithTimeout", false},
    {"WithTimeoutCause", false},
    {"WithDeadline", true},
    {"WithDeadlineCause", true},
};

static const struct maker *maker_of(const go_file *f, const go_node *call) {
    call = rulekit_unparen(call);
    if (!call || call->kind != GO_CALL_EXPR || call->u.call.args.len < 2 || call->u.call.ellipsis != GO_NOPOS)
        return NULL;
    for (size_t i = 0; i < sizeof makers / sizeof *makers; i++)
        if (go_is_pkg_call(f, call, "context", makers[i].name))
            return &makers[i];
    return NULL;
}

/* The timeout a constructor call sets, relative to the moment it runs:
 *   WithTimeout(p, 5*time.Second)     WithDeadline(p, time.Now().Add(time.Minute)) */
static bool timeout_of(lint_pass *pass, const go_node *call, const struct maker *m, int64_t *ns) {
    const go_file *f = pass->file;
    const go_node *arg = rulekit_unparen(call->u.call.args.at[1]);
    if (!m->deadline)
        return rulekit_duration(f, pass->pkg, arg, ns);
    if (!arg || arg->kind != GO_CALL_EXPR || arg->u.call.args.len != 1)
        return false;
    const go_node *fun = rulekit_unparen(arg->u.call.fun);
    if (!fun || fun->kind != GO_SELECTOR_EXPR || !rulekit_ident_is(fun->u.selector.sel, "Add"))
        return false;
    const go_node *now = rulekit_unparen(fun->u.selector.x);
    return now && now->kind == GO_CALL_EXPR && now->u.call.args.len == 0 && go_is_pkg_call(f, now, "time", "Now") &&
           rulekit_duration(f, pass->pkg, arg->u.call.args.at[0], ns);
}

/* ---- the parent variable is written once -------------------------------- */

typedef struct write_count {
    const go_node *decl;
    int writes;
} write_count;

static bool is_var(const go_node *x, const go_node *decl) {
    x = rulekit_unparen(x);
    return x && x->kind == GO_IDENT && x->u.ident.decl == decl;
}

static bool write_pre(void *ctx, go_node *n) {
    write_count *w = ctx;
    if (n->kind == GO_ASSIGN_STMT) {
        for (uint32_t i = 0; i < n->u.assign.lhs.len; i++)
            if (is_var(n->u.assign.lhs.at[i], w->decl))
                w->writes++;
    } else if (n->kind == GO_VALUE_SPEC && n->u.value_spec.values.len) { /* not `var ctx T` */
        for (uint32_t i = 0; i < n->u.value_spec.names.len; i++)
            if (n->u.value_spec.names.at[i] == w->decl)
                w->writes++;
    } else if (n->kind == GO_RANGE_STMT) {
        if (is_var(n->u.range_stmt.key, w->decl) || is_var(n->u.range_stmt.value, w->decl))
            w->writes++;
    } else if (n->kind == GO_UNARY_EXPR && n->op == GO_TOK_AND && is_var(n->u.unary.x, w->decl))
        w->writes += 2; /* &ctx: written who knows where */
    return true;
}

static int writes_of(go_node *body, const go_node *decl) {
    write_count w = {.decl = decl};
    go_walk(body, write_pre, NULL, &w);
    return w.writes;
}

/* ---- one function --------------------------------------------------------- */

#define MAX_ALIASES 8

typedef struct outer {
    lint_pass *pass;
    const go_node *fn;
    go_node *body;
    const go_node *decl;
    const go_node *call;
    const struct maker *m;
    int64_t ns;
    /* variables derived from decl that keep its deadline:
     *   vctx := context.WithValue(ctx, k, v)   cctx, c := context.WithCancel(ctx) */
    const go_node *alias[MAX_ALIASES];
    size_t nalias;
} outer;

static int writes_of(go_node *body, const go_node *decl);

/* x names decl or one of its aliases: which one, or NULL. */
static const go_node *parent_of(const outer *o, const go_node *x) {
    if (is_var(x, o->decl))
        return o->decl;
    for (size_t i = 0; i < o->nalias; i++)
        if (is_var(x, o->alias[i]))
            return o->alias[i];
    return NULL;
}

/* Derivations that keep the parent's deadline (WithoutCancel drops it;
 * another timeout is judged as an inner call instead). */
static const char *const keepers[] = {"WithValue", "WithCancel", "WithCancelCause"};

static void note_alias(outer *o, const go_node *n) {
    if (n->op != GO_TOK_DEFINE || n->u.assign.rhs.len != 1 || n->u.assign.lhs.len < 1 || o->nalias == MAX_ALIASES)
        return;
    const go_node *call = rulekit_unparen(n->u.assign.rhs.at[0]);
    const go_node *decl = go_decl_of(n->u.assign.lhs.at[0]);
    if (!call || call->kind != GO_CALL_EXPR || call->u.call.args.len < 1 || decl != n->u.assign.lhs.at[0] ||
        !parent_of(o, call->u.call.args.at[0]))
        return;
    for (size_t i = 0; i < sizeof keepers / sizeof *keepers; i++)
        if (go_is_pkg_call(o->pass->file, call, "context", keepers[i]) && writes_of(o->body, decl) == 1) {
            o->alias[o->nalias++] = decl;
            return;
        }
}

static bool inner_pre(void *ctx, go_node *n) {
    outer *o = ctx;
    if (n->kind == GO_ASSIGN_STMT)
        note_alias(o, n);
    if (n->kind != GO_CALL_EXPR)
        return true;
    const struct maker *m = maker_of(o->pass->file, n);
    const go_node *parent = m ? parent_of(o, n->u.call.args.at[0]) : NULL;
    int64_t ns;
    if (!parent || !timeout_of(o->pass, n, m, &ns) || ns <= o->ns)
        return true;
    char d1[64], d2[64], related[160], under[160];
    rulekit_fmt_duration(d1, sizeof d1, o->ns);
    rulekit_fmt_duration(d2, sizeof d2, ns);
    const ls_atom *name = o->decl->u.ident.name, *via = parent->u.ident.name;
    snprintf(related, sizeof related, "%.*s is made here with context.%s and a timeout of %s", (int)name->len,
             name->ptr, o->m->name, d1);
    if (parent == o->decl)
        snprintf(under, sizeof under, "%.*s", (int)name->len, name->ptr);
    else
        snprintf(under, sizeof under, "%.*s (derived from %.*s)", (int)via->len, via->ptr, (int)name->len, name->ptr);
    lint_report_related(o->pass, n->pos, o->call->pos, related,
                        "context.%s with a timeout of %s under %s, whose own timeout of %s ends first: "
                        "the inner timeout can never fire and the effective limit is %s (shorten it, or "
                        "derive from a parent without the shorter timeout)",
                        m->name, d2, under, d1, d1);
    return true;
}

/* Statement i of list is an outer creation: look for inner calls in the
 * statements after it. */
static void check_creation(lint_pass *pass, const go_node *fn, go_node *body, go_node *const *list, uint32_t n,
                           uint32_t i, const go_node *lhs0, const go_node *call) {
    call = rulekit_unparen(call); /* ctx, cancel := (context.WithTimeout(p, d)) */
    const struct maker *m = maker_of(pass->file, call);
    const go_node *decl = go_decl_of(lhs0);
    int64_t ns;
    /* declared in this function: a parameter or a local, not a captured
     * or package-level variable someone else may write */
    if (!m || !decl || decl->pos < fn->pos || decl->pos >= fn->end || !timeout_of(pass, call, m, &ns))
        return;
    if (writes_of(body, decl) != 1)
        return;
    outer o = {.pass = pass, .fn = fn, .body = body, .decl = decl, .call = call, .m = m, .ns = ns};
    for (uint32_t j = i + 1; j < n; j++)
        go_walk(list[j], inner_pre, NULL, &o);
}

/*   ctx, cancel := context.WithTimeout(p, d)     var ctx, cancel = context.WithTimeout(p, d) */
static void check_stmt(lint_pass *pass, const go_node *fn, go_node *body, go_node *const *list, uint32_t n, uint32_t i) {
    const go_node *s = list[i];
    if (!s)
        return;
    if (s->kind == GO_ASSIGN_STMT && s->u.assign.lhs.len == 2 && s->u.assign.rhs.len == 1 &&
        s->u.assign.lhs.at[0] && s->u.assign.lhs.at[0]->kind == GO_IDENT)
        check_creation(pass, fn, body, list, n, i, s->u.assign.lhs.at[0], s->u.assign.rhs.at[0]);
    else if (s->kind == GO_DECL_STMT && s->u.decl_stmt.decl && s->u.decl_stmt.decl->op == GO_TOK_VAR) {
        const go_node *gd = s->u.decl_stmt.decl;
        for (uint32_t k = 0; k < gd->u.gen_decl.specs.len; k++) {
            const go_node *vs = gd->u.gen_decl.specs.at[k];
            if (vs && vs->kind == GO_VALUE_SPEC && vs->u.value_spec.names.len == 2 && vs->u.value_spec.values.len == 1)
                check_creation(pass, fn, body, list, n, i, vs->u.value_spec.names.at[0], vs->u.value_spec.values.at[0]);
        }
    }
}

typedef struct func_check {
    lint_pass *pass;
    const go_node *fn;
    go_node *body;
} func_check;

/* Every statement list of the function (blocks and clause bodies), not
 * those of function literals (their own functions). */
static bool list_pre(void *ctx, go_node *n) {
    func_check *fc = ctx;
    if (n->kind == GO_FUNC_LIT)
        return false;
    const go_list *l = n->kind == GO_BLOCK_STMT     ? &n->u.block.list
                       : n->kind == GO_CASE_CLAUSE ? &n->u.case_clause.body
                       : n->kind == GO_COMM_CLAUSE ? &n->u.comm_clause.body
                                                   : NULL;
    if (l)
        for (uint32_t i = 0; i < l->len; i++)
            check_stmt(fc->pass, fc->fn, fc->body, l->at, l->len, i);
    return true;
}

static bool func_pre(void *ctx, go_node *n) {
    func_check fc = {.pass = ctx, .fn = n};
    /* both timeouts are made in the function: a body that names neither
     * maker (their Cause forms contain the names) has no finding, nor have
     * the literals in it */
    if (n->kind == GO_FUNC_DECL && !rulekit_text_has(fc.pass->file, n->u.func_decl.body, "WithTimeout") &&
        !rulekit_text_has(fc.pass->file, n->u.func_decl.body, "WithDeadline"))
        return false;
    if (n->kind == GO_FUNC_DECL)
        fc.body = n->u.func_decl.body;
    else if (n->kind == GO_FUNC_LIT)
        fc.body = n->u.func_lit.body;
    if (fc.body && fc.body->kind == GO_BLOCK_STMT)
        go_walk(fc.body, list_pre, NULL, &fc);
    return true;
}

static void check(lint_pass *pass) {
    const go_file *f = pass->file;
    if (!f->root || (!go_file_atom(f, "WithTimeout") && !go_file_atom(f, "WithTimeoutCause") &&
                     !go_file_atom(f, "WithDeadline") && !go_file_atom(f, "WithDeadlineCause")))
        return;
    go_walk(f->root, func_pre, NULL, pass);
}

const lint_rule lint_rule_ctx007 = {
    .id = "CTX007",
    .name = "ineffective-nested-timeout",
    .summary = "context.WithTimeout/WithDeadline under a parent the same function gave a shorter constant "
               "timeout: the inner one never fires",
    .severity = LINT_WARNING,
    .requires_import = "context",
    .check = check,
};
