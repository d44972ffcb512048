/*
 * CTX008 err-equality: an error compared with context.Canceled or
 * context.DeadlineExceeded by == or != (or by a switch case), where
 * errors.Is would also see the sentinel inside a wrapped error.
 *
 *   if err == context.Canceled { … }      // err from a call
 *   if err != context.DeadlineExceeded { … }
 *   switch err { case context.Canceled: … }
 *
 * Two ideas:
 *  - The sentinel must really be the context package's (go_is_pkg_selector
 *    knows aliases, dot imports and a local variable named `context`).
 *  - An `Is(target error) bool` method is where == against a sentinel is
 *    the right thing to write (errors.Is calls it), so its body is skipped;
 *    so are _test.go files, where asserting the exact sentinel is the point.
 *  - X.Err() (directly, through a local variable only ever assigned X.Err(),
 *    or as a switch tag) is exact: a context's Err returns the sentinels
 *    themselves, never wrapped, so the comparison is correct and is not
 *    reported -- unless X was made in scope by WithCancelCause,
 *    WithTimeoutCause or WithDeadlineCause: then Err() drops the cause, and
 *    the report suggests context.Cause(X).
 * For other comparisons, when such a …Cause context is in scope, the
 * message also names context.Cause(ctx).
 *
 * The fix (docs/lint.md, "Fixes") rewrites `err == context.Canceled` as
 * `errors.Is(err, context.Canceled)` and `!=` as `!errors.Is(…)`, adding
 * the "errors" import when it is missing.  errors.Is compiles only for an
 * error, and there are no types here, so the fix is offered only when the
 * other operand is a variable declared as `error`, or an err-named
 * variable assigned from a call (not recover()): `err := f()`,
 * `v, err := f()`.  Switch cases are left for a person to rewrite.
 */
#include "fixkit.h"
#include "leakscope/lint.h"
#include "rulekit.h"

#include <stdio.h>
#include <string.h>

/* The walk keeps its ancestors, to find the …Cause contexts in scope. */
typedef struct walker {
    lint_pass *pass;
    go_node **stack;
    size_t depth, cap;
} walker;


/* context.Canceled or context.DeadlineExceeded: the name, else NULL. */
static const char *sentinel(const go_file *f, const go_node *x) {
    if (go_is_pkg_selector(f, x, "context", "Canceled")) return "Canceled";
    if (go_is_pkg_selector(f, x, "context", "DeadlineExceeded")) return "DeadlineExceeded";
    return NULL;
}

static bool is_nil(const go_node *x) {
    return x && x->kind == GO_IDENT && !x->u.ident.decl && x->u.ident.name->len == 3 &&
           memcmp(x->u.ident.name->ptr, "nil", 3) == 0;
}


/* The source text of x when it is short and on one line, else `fallback`. */
static const char *text_of(lint_pass *pass, const go_node *x, const char *fallback) {
    const go_file *f = pass->file;
    if (!x || x->pos == GO_NOPOS || x->end <= x->pos || x->end > f->len || x->end - x->pos > 40) return fallback;
    if (memchr(f->src + x->pos, '\n', x->end - x->pos)) return fallback;
    return ls_arena_strndup(pass->arena, f->src + x->pos, x->end - x->pos);
}

static const char *const cause_ctors[] = {"WithCancelCause", "WithTimeoutCause", "WithDeadlineCause"};

/* The …Cause constructor that call is, else NULL. */
static const char *cause_ctor(const go_file *f, const go_node *call) {
    for (size_t i = 0; i < sizeof cause_ctors / sizeof *cause_ctors; i++)
        if (go_is_pkg_call(f, call, "context", cause_ctors[i])) return cause_ctors[i];
    return NULL;
}

/* ctx, cancel := context.WithCancelCause(parent) (or var ctx, cancel = …):
 * the declaring Ident of ctx, else NULL. */
static const go_node *cause_ctx_of(const go_file *f, const go_node *stmt) {
    const go_list *lhs = NULL, *rhs = NULL;
    if (stmt->kind == GO_ASSIGN_STMT && (stmt->op == GO_TOK_DEFINE || stmt->op == GO_TOK_ASSIGN)) {
        lhs = &stmt->u.assign.lhs;
        rhs = &stmt->u.assign.rhs;
    } else if (stmt->kind == GO_DECL_STMT && stmt->u.decl_stmt.decl->kind == GO_GEN_DECL &&
               stmt->u.decl_stmt.decl->op == GO_TOK_VAR) {
        const go_node *gd = stmt->u.decl_stmt.decl;
        for (uint32_t i = 0; i < gd->u.gen_decl.specs.len; i++) {
            const go_node *vs = gd->u.gen_decl.specs.at[i];
            if (vs->kind == GO_VALUE_SPEC && vs->u.value_spec.values.len == 1 && vs->u.value_spec.names.len >= 1) {
                if (cause_ctor(f, vs->u.value_spec.values.at[0])) return go_decl_of(vs->u.value_spec.names.at[0]);
            }
        }
        return NULL;
    }
    if (!lhs || rhs->len != 1 || lhs->len < 1) return NULL;
    if (!cause_ctor(f, rhs->at[0])) return NULL;
    return go_decl_of(lhs->at[0]); /* NULL for `_` */
}

/* A …Cause context declared before `at` in the statement lists (and
 * if/switch/for init statements) that enclose it.  When the comparison is
 * of X.Err(), want is X's declaration and only X itself qualifies. */
static const go_node *cause_ctx_in_scope(walker *w, go_pos at, const go_node *want) {
    const go_node *found = NULL;
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
        case GO_FOR_STMT: init = n->u.for_stmt.init; break;
        default: break;
        }
        uint32_t count = stmts ? stmts->len : (init ? 1 : 0);
        for (uint32_t i = 0; i < count; i++) {
            const go_node *stmt = stmts ? stmts->at[i] : init;
            if (stmt->end > at) break;
            const go_node *c = cause_ctx_of(w->pass->file, stmt);
            if (c && want && c == want) return c;
            if (c && !want && !found) found = c;
        }
    }
    return found;
}

/* The receiver X when x is X.Err() (no arguments), else NULL. */
static const go_node *err_call_recv(const go_node *x) {
    x = rulekit_unparen((go_node *)x);
    if (!x || x->kind != GO_CALL_EXPR || x->u.call.args.len != 0) return NULL;
    const go_node *fun = rulekit_unparen(x->u.call.fun);
    if (!fun || fun->kind != GO_SELECTOR_EXPR || !rulekit_ident_is(fun->u.selector.sel, "Err")) return NULL;
    return rulekit_unparen(fun->u.selector.x);
}

/* Every assignment to one variable, judged: all of X.Err()?  nil and the
 * sentinels themselves are exact too:
 *   err := ctx.Err(); if err == context.Canceled { err = nil } */
typedef struct var_uses {
    const go_file *f;
    const go_node *decl;
    const go_node *recv; /* the X of the first X.Err() assigned */
    bool bad;            /* assigned something else, or its address taken */
} var_uses;

static bool is_the_var(const var_uses *v, const go_node *x) {
    x = rulekit_unparen((go_node *)x);
    return x && x->kind == GO_IDENT && (x == v->decl || go_decl_of(x) == v->decl);
}

static void judge_value(var_uses *v, const go_node *value) {
    if (value && (is_nil(rulekit_unparen((go_node *)value)) || sentinel(v->f, rulekit_unparen((go_node *)value)))) return;
    const go_node *r = value ? err_call_recv(value) : NULL;
    if (!r) v->bad = true;
    else if (!v->recv) v->recv = r;
}

static bool var_uses_pre(void *ctx, go_node *n) {
    var_uses *v = ctx;
    if (v->bad) return false;
    switch (n->kind) {
    case GO_ASSIGN_STMT:
        for (uint32_t i = 0; i < n->u.assign.lhs.len; i++)
            if (is_the_var(v, n->u.assign.lhs.at[i]))
                judge_value(v, (n->op == GO_TOK_DEFINE || n->op == GO_TOK_ASSIGN) &&
                                       n->u.assign.rhs.len == n->u.assign.lhs.len
                                   ? n->u.assign.rhs.at[i]
                                   : NULL);
        return true;
    case GO_VALUE_SPEC:
        for (uint32_t i = 0; i < n->u.value_spec.names.len; i++)
            if (n->u.value_spec.names.at[i] == v->decl) {
                if (n->u.value_spec.values.len == n->u.value_spec.names.len)
                    judge_value(v, n->u.value_spec.values.at[i]);
                else if (n->u.value_spec.values.len) v->bad = true; /* var a, b = f() */
            }
        return true;
    case GO_RANGE_STMT:
        if (is_the_var(v, n->u.range_stmt.key) || is_the_var(v, n->u.range_stmt.value)) v->bad = true;
        return true;
    case GO_UNARY_EXPR:
        if (n->op == GO_TOK_AND && is_the_var(v, n->u.unary.x)) v->bad = true;
        return true;
    default:
        return true;
    }
}

/* Is `other` the Err() of some X, directly or through a local variable
 * that is only ever assigned X.Err()?  Then the comparison is exact:
 * a context's Err returns Canceled or DeadlineExceeded themselves.  *recv
 * is X. */
static bool is_exact_err(walker *w, const go_node *other, const go_node **recv) {
    *recv = err_call_recv(other);
    if (*recv) return true;
    other = rulekit_unparen((go_node *)other);
    if (!other || other->kind != GO_IDENT) return false;
    const go_node *decl = go_decl_of(other);
    if (!decl || go_decl_is_pkg(decl)) return false;
    /* the outermost function on the walk holds every assignment to it */
    const go_node *fn = NULL;
    for (size_t d = 0; d < w->depth && !fn; d++)
        if (w->stack[d]->kind == GO_FUNC_DECL || w->stack[d]->kind == GO_FUNC_LIT) fn = w->stack[d];
    if (!fn) return false;
    var_uses v = {.f = w->pass->file, .decl = decl};
    go_walk((go_node *)fn, var_uses_pre, NULL, &v);
    if (v.bad || !v.recv) return false;
    *recv = v.recv;
    return true;
}

/* Reports one comparison of `other` with the sentinel `sent` (source node);
 * true when it was reported as a comparison errors.Is should replace. */
static bool report(walker *w, go_pos pos, const go_node *other, const go_node *sent, bool negated, bool in_switch) {
    lint_pass *pass = w->pass;
    const char *name = sentinel(pass->file, sent);
    const char *stext = text_of(pass, sent, name);
    const char *otext = text_of(pass, other, "err");
    const char *what = in_switch ? "switch case compares" : "comparing";
    const char *op = negated ? "!=" : "==";
    const go_node *recv = NULL;
    if (is_exact_err(w, other, &recv)) {
        /* X.Err() is exactly the sentinel: correct, unless X has a cause
         * that the comparison throws away */
        const go_node *decl = recv && recv->kind == GO_IDENT ? go_decl_of(recv) : NULL;
        const go_node *cause = decl ? cause_ctx_in_scope(w, pos, decl) : NULL;
        if (!cause) return false;
        const ls_atom *a = cause->u.ident.name;
        lint_report(pass, pos,
                    "%s %s with %s by %s: %.*s was made with a cancellation cause, which Err() drops (it gives "
                    "only the sentinel); the cause is lost, use context.Cause(%.*s)",
                    what, otext, stext, op, (int)a->len, a->ptr, (int)a->len, a->ptr);
        return false;
    }
    const go_node *cause = cause_ctx_in_scope(w, pos, NULL);
    char cause_note[128] = "";
    if (cause) {
        const ls_atom *a = cause->u.ident.name;
        snprintf(cause_note, sizeof cause_note, "; %.*s has a cancellation cause, context.Cause(%.*s) gives it",
                 (int)a->len, a->ptr, (int)a->len, a->ptr);
    }
    lint_report(pass, pos, "%s %s with %s by %s: wrapped errors and causes are missed; use %serrors.Is(%s, %s)%s",
                what, otext, stext, op, negated ? "!" : "", otext, stext, cause_note);
    return true;
}

/* ---- the fix ---------------------------------------------------------------- */

static bool err_named(const go_node *id) {
    const ls_atom *a = id->u.ident.name;
    for (size_t i = 0; i + 3 <= a->len; i++)
        if ((a->ptr[i] | 0x20) == 'e' && (a->ptr[i + 1] | 0x20) == 'r' && (a->ptr[i + 2] | 0x20) == 'r') return true;
    return false;
}

static bool is_error_type(const go_node *t) {
    return t && t->kind == GO_IDENT && !t->u.ident.decl && rulekit_ident_is(t, "error");
}

/* A call that returns an error by convention (not recover(), which gives any). */
static bool is_error_call(const go_node *x) {
    x = rulekit_unparen(x);
    if (!x || x->kind != GO_CALL_EXPR) return false;
    const go_node *fun = rulekit_unparen(x->u.call.fun);
    return !(fun && fun->kind == GO_IDENT && !fun->u.ident.decl && rulekit_ident_is(fun, "recover"));
}

/* Names and values of a declaration: is the name at i (of n) an error? */
static bool judged_error(const go_node *decl, const go_node *type, const go_list *values, uint32_t i, uint32_t n) {
    if (type) return is_error_type(type);
    if (!err_named(decl)) return false;
    if (values->len == n) return is_error_call(values->at[i]);
    return values->len == 1 && i == n - 1 && is_error_call(values->at[0]); /* v, err := f() */
}

typedef struct decl_find {
    const go_node *decl;
    bool found, is_error;
} decl_find;

static void judge_names(decl_find *d, const go_list *names, const go_node *type, const go_list *values) {
    for (uint32_t i = 0; i < names->len; i++)
        if (names->at[i] == d->decl) {
            d->found = true;
            d->is_error = judged_error(d->decl, type, values, i, names->len);
        }
}

static bool decl_find_pre(void *ctx, go_node *n) {
    decl_find *d = ctx;
    static const go_list none = {0};
    if (d->found) return false;
    if (n->kind == GO_FIELD) judge_names(d, &n->u.field.names, n->u.field.type, &none);
    else if (n->kind == GO_VALUE_SPEC) judge_names(d, &n->u.value_spec.names, n->u.value_spec.type, &n->u.value_spec.values);
    else if (n->kind == GO_ASSIGN_STMT && n->op == GO_TOK_DEFINE) judge_names(d, &n->u.assign.lhs, NULL, &n->u.assign.rhs);
    return !d->found;
}

/* x is a variable that is clearly an error (see the file comment). */
static bool is_error_var(walker *w, const go_node *x) {
    x = rulekit_unparen((go_node *)x);
    const go_node *decl = x && x->kind == GO_IDENT ? go_decl_of(x) : NULL;
    if (!decl) return false;
    go_node *root = w->pass->file->root;
    for (size_t d = 0; d < w->depth && !go_decl_is_pkg(decl); d++)
        if (w->stack[d]->kind == GO_FUNC_DECL || w->stack[d]->kind == GO_FUNC_LIT) {
            root = w->stack[d];
            break;
        }
    decl_find f = {.decl = decl};
    go_walk(root, decl_find_pre, NULL, &f);
    return f.found && f.is_error;
}

/* The source of [from, to) is one line without comments. */
static bool plain_one_line(const go_file *f, go_pos from, go_pos to) {
    for (go_pos i = from; i < to; i++)
        if (f->src[i] == '\n' || (f->src[i] == '/' && i + 1 < to && (f->src[i + 1] == '/' || f->src[i + 1] == '*')))
            return false;
    return true;
}

/*   err == context.Canceled   ->  errors.Is(err, context.Canceled)
 *   context.Canceled != err   -> !errors.Is(err, context.Canceled) */
static void offer_fix(walker *w, const go_node *n, const go_node *other, const go_node *sent, bool negated) {
    lint_pass *pass = w->pass;
    const go_file *f = pass->file;
    other = rulekit_unparen((go_node *)other);
    sent = rulekit_unparen((go_node *)sent);
    if (n->end > f->len || !plain_one_line(f, n->pos, n->end) || !is_error_var(w, other)) return;
    fixkit_import imp = fixkit_need_import(pass, "errors", "errors");
    if (!imp.name) return;
    int on = (int)(other->end - other->pos), sn = (int)(sent->end - sent->pos);
    size_t cap = strlen(imp.name) + (size_t)on + (size_t)sn + 16;
    char *text = ls_arena_alloc(pass->arena, cap);
    snprintf(text, cap, "%s%s.Is(%.*s, %.*s)", negated ? "!" : "", imp.name, on, f->src + other->pos, sn,
             f->src + sent->pos);
    lint_fix_edit(pass, n->pos, n->end, text);
    fixkit_add_import(pass, &imp);
}


static void check_binary(walker *w, go_node *n) {
    if (n->op != GO_TOK_EQL && n->op != GO_TOK_NEQ) return;
    const go_file *f = w->pass->file;
    go_node *x = rulekit_unparen(n->u.binary.x), *y = rulekit_unparen(n->u.binary.y);
    bool sx = sentinel(f, x) != NULL, sy = sentinel(f, y) != NULL;
    if (sx == sy) return; /* neither, or sentinel vs sentinel */
    go_node *other = sx ? y : x, *sent = sx ? x : y;
    if (is_nil(other)) return;
    if (report(w, n->pos, other, sent, n->op == GO_TOK_NEQ, false)) offer_fix(w, n, other, sent, n->op == GO_TOK_NEQ);
}

/*   switch err { case context.Canceled: … } */
static void check_switch(walker *w, go_node *n) {
    go_node *tag = rulekit_unparen(n->u.switch_stmt.tag);
    if (!tag || !n->u.switch_stmt.body) return;
    if (sentinel(w->pass->file, tag)) return;
    const go_list *clauses = &n->u.switch_stmt.body->u.block.list;
    for (uint32_t i = 0; i < clauses->len; i++) {
        const go_node *cc = clauses->at[i];
        if (cc->kind != GO_CASE_CLAUSE) continue;
        for (uint32_t j = 0; j < cc->u.case_clause.list.len; j++) {
            go_node *e = rulekit_unparen(cc->u.case_clause.list.at[j]);
            if (sentinel(w->pass->file, e)) report(w, e->pos, tag, e, false, true);
        }
    }
}

/*   func (e *myErr) Is(target error) bool { return target == context.Canceled } */
static bool is_is_method(const go_node *n) {
    return n->kind == GO_FUNC_DECL && n->u.func_decl.recv && rulekit_ident_is(n->u.func_decl.name, "Is");
}

static bool pre(void *ctx, go_node *n) {
    walker *w = ctx;
    if (is_is_method(n)) return false;
    if (n->kind == GO_BINARY_EXPR) check_binary(w, n);
    else if (n->kind == GO_SWITCH_STMT) check_switch(w, n);
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
    walker *w = ctx;
    (void)n;
    w->depth--;
}

static void check(lint_pass *pass) {
    const go_file *f = pass->file;
    if (!f->root) return;
    /* Tests check that an API returns exactly the sentinel, on purpose:
     *   if err := ctx.Err(); err != context.Canceled { t.Fatalf(…) } */
    if (rulekit_is_test_file(f)) return;
    /* fast path: no identifier named Canceled or DeadlineExceeded */
    if (!go_file_atom(f, "Canceled") && !go_file_atom(f, "DeadlineExceeded")) return;
    walker w = {pass, NULL, 0, 0};
    go_walk(f->root, pre, post, &w);
}

const lint_rule lint_rule_ctx008 = {
    .id = "CTX008",
    .name = "err-equality",
    .summary = "error compared with context.Canceled or context.DeadlineExceeded by == instead of errors.Is",
    .severity = LINT_WARNING,
    .requires_import = "context",
    .check = check,
};
