/*
 * CTX001 lost-cancel: the cancel function of a derived context is thrown
 * away, or some path out of the function never calls it.
 *
 *   ctx, cancel := context.WithTimeout(parent, d)   // also WithCancel,
 *   var ctx, cancel = context.WithDeadline(p, t)     // WithDeadline, the
 *   ctx, cancel = context.WithCancelCause(parent)    // …Cause variants and
 *   ctx, stop := signal.NotifyContext(parent, sig)   // signal.NotifyContext
 *
 * Two ideas:
 *
 *  - `_` in the cancel position is always a finding: nothing can ever
 *    release the context before its parent ends (or, for a timeout, before
 *    its timer fires).  Except with a literal nil parent: the call panics
 *    (a panic test) and returns no cancel function.
 *  - Otherwise any mention of the cancel variable after the creation "uses"
 *    it, as go vet's lostcancel counts uses: a call (`cancel()`, `defer
 *    cancel()`), but also anything that hands it on (`return ctx, cancel`,
 *    `s.stop = cancel`, `t.Cleanup(cancel)`, `go cancel()`, `if cancel !=
 *    nil`).  The rule asks the control-flow graph whether every path from
 *    the creation to a return passes such a use, and reports the creation
 *    with the return (or closing brace) of one path that does not.  Where
 *    syntax cannot tell what happens to cancel, the rule stays silent: a
 *    variable captured by any closure of the function, whose address is
 *    taken, or that is declared outside the function body (a parameter, a
 *    named result, an outer or package-level variable) is never reported.
 *
 * Each function body (FuncDecl or FuncLit) is its own unit: a cancel made
 * inside a closure must be called inside that closure.  `func main()` of
 * package main needs no cancel on its paths (returning ends the process),
 * as go vet also judges; `_` is still reported there, except for the stop
 * function of signal.NotifyContext in main or init, where a registration
 * for the life of the process is the point.
 *
 * The fix (docs/lint.md, "Fixes"), for the `_` case only: `_` becomes
 * `cancel` (`stop` for NotifyContext) and `defer cancel()` goes on the
 * line after the creation (the constructors return no error, so there is
 * no error check to wait for).  Offered only when that is clearly right:
 * the creation is `:=` or `var` in a statement list and not inside a loop
 * (defers would pile up); the context cannot outlive the function (it is
 * not returned, stored, sent, captured by a closure or a goroutine, nor
 * handed to a call whose result is kept other than as an error -- a
 * deferred cancel would end a context that is still in use); and the name -- or the fallback cancelCtx /
 * stopSignals -- is spelled nowhere in the enclosing top-level
 * declaration, so the new variable shadows nothing and collides with
 * nothing.
 */
#include <stdio.h>
#include <string.h>

#include "fixkit.h"
#include "leakscope/gocfg.h"
#include "leakscope/lint.h"

/* The constructors, with the package that must be the callee's. */
static const struct maker {
    const char *path, *pkg, *name;
    bool timer; /* keeps a timer alive until the deadline */
} makers[] = {
    {"context", "context", "WithCancel", false},
    {"context", "context", "WithCancelCause", false},
    {"context", "context", "WithTimeout", true},
    {"context", "context", "WithTimeoutCause", true},
    {"context", "context", "WithDeadline", true},
    {"context", "context", "WithDeadlineCause", true},
    {"os/signal", "signal", "NotifyContext", false},
};

/* x (parentheses allowed) calls one of the makers: which, and the call. */
static const struct maker *maker_of(const go_file *f, const go_node *x, const go_node **call) {
    while (x && x->kind == GO_PAREN_EXPR)
        x = x->u.paren.x;
    if (!x || x->kind != GO_CALL_EXPR)
        return NULL;
    *call = x;
    for (size_t i = 0; i < sizeof makers / sizeof *makers; i++)
        if (go_is_pkg_call(f, x, makers[i].path, makers[i].name))
            return &makers[i];
    return NULL;
}

/* ---- uses of the cancel variable ----------------------------------------- */

typedef struct use_scan {
    const go_node *decl; /* the declaring Ident of cancel */
    int in_lit;          /* depth of FuncLits around the current node */
    bool used;           /* a use was seen (see use_pre) */
    bool escapes;        /* captured by a closure or its address taken */
} use_scan;

static bool is_ref(const use_scan *s, const go_node *n) {
    return n && n->kind == GO_IDENT && n->u.ident.decl == s->decl && n != s->decl;
}

static bool use_pre(void *ctx, go_node *n) {
    use_scan *s = ctx;
    if (n->kind == GO_FUNC_LIT)
        s->in_lit++;
    else if (is_ref(s, n)) {
        s->used = true;
        if (s->in_lit)
            s->escapes = true;
    } else if (n->kind == GO_UNARY_EXPR && n->op == GO_TOK_AND) {
        const go_node *x = n->u.unary.x;
        while (x && x->kind == GO_PAREN_EXPR)
            x = x->u.paren.x;
        if (is_ref(s, x))
            s->escapes = true; /* &cancel */
    }
    return true;
}

static void use_post(void *ctx, go_node *n) {
    use_scan *s = ctx;
    if (n->kind == GO_FUNC_LIT)
        s->in_lit--;
}

/* The go_cfg_all_paths predicate: node mentions cancel, FuncLits included
 *   cancel()   defer cancel()   defer func() { cancel() }()   return ctx, cancel */
static bool uses_cancel(void *ctx, const go_node *node) {
    use_scan s = {.decl = ctx};
    go_walk((go_node *)node, use_pre, use_post, &s);
    return s.used;
}

/* cancel is captured by a closure or has its address taken somewhere in the
 * function: what happens to it then is beyond syntax. */
static bool escapes_anywhere(go_node *body, const go_node *decl) {
    use_scan s = {.decl = decl};
    go_walk(body, use_pre, use_post, &s);
    return s.escapes;
}

/* ---- one function body ------------------------------------------------- */

typedef struct func_check {
    lint_pass *pass;
    go_node *body;
    const go_node *results; /* the function's result FieldList, or NULL */
    go_cfg *cfg;    /* built on the first creation that needs it */
    bool main_main; /* func main of package main: returning ends the process */
    bool once;      /* main.main or init: runs once per process */
} func_check;

static void report_discarded(func_check *fc, const go_node *call, const struct maker *m) {
    if (strcmp(m->pkg, "signal") == 0)
        lint_report(fc->pass, call->pos,
                    "the stop function returned by signal.NotifyContext is discarded: the signal "
                    "registration and the context stay alive until the parent context ends");
    else
        lint_report(fc->pass, call->pos,
                    "the cancel function returned by context.%s is discarded: the context is never "
                    "cancelled before its parent%s (assign it and call it, e.g. defer cancel())",
                    m->name, m->timer ? ", and its timer runs until the deadline" : "");
}

/* ---- the fix ------------------------------------------------------------------- */

/* Follows the derived context's variable through the function: may it be
 * in use after the function returns? */
typedef struct ctx_escape {
    const go_node *decl;
    int keep;     /* > 0 inside something that may keep the context */
    bool escapes;
    bool results_errors; /* every result of the function is an error (or none) */
} ctx_escape;

static bool ident_named(const go_node *x, const char *name) {
    return x && x->kind == GO_IDENT && x->u.ident.name->len == strlen(name) &&
           memcmp(x->u.ident.name->ptr, name, x->u.ident.name->len) == 0;
}

/* `_` or a variable named err…/…Err: what is kept there is not the context. */
static bool err_or_blank(const go_node *x) {
    if (!x || x->kind != GO_IDENT)
        return false;
    const ls_atom *a = x->u.ident.name;
    if (a->len == 1 && a->ptr[0] == '_')
        return true;
    for (size_t i = 0; i + 3 <= a->len; i++)
        if ((a->ptr[i] | 0x20) == 'e' && (a->ptr[i + 1] | 0x20) == 'r' && (a->ptr[i + 2] | 0x20) == 'r')
            return true;
    return false;
}

static bool all_err_or_blank(const go_list *l) {
    for (uint32_t i = 0; i < l->len; i++)
        if (!err_or_blank(l->at[i]))
            return false;
    return true;
}

static bool escape_pre(void *ctx, go_node *n);
static void escape_post(void *ctx, go_node *n);

static void escape_walk_list(ctx_escape *e, const go_list *l, bool keep) {
    e->keep += keep;
    for (uint32_t i = 0; i < l->len && !e->escapes; i++)
        go_walk(l->at[i], escape_pre, escape_post, e);
    e->keep -= keep;
}

static bool keeps(const go_node *n) {
    return n->kind == GO_FUNC_LIT || n->kind == GO_GO_STMT || n->kind == GO_COMPOSITE_LIT || n->kind == GO_SEND_STMT ||
           (n->kind == GO_UNARY_EXPR && n->op == GO_TOK_AND);
}

static bool escape_pre(void *ctx, go_node *n) {
    ctx_escape *e = ctx;
    if (e->escapes)
        return false;
    if (n->kind == GO_IDENT) {
        if (n != e->decl && n->u.ident.decl == e->decl && e->keep)
            e->escapes = true;
        return false;
    }
    if (n->kind == GO_ASSIGN_STMT) { /* x := f(ctx) keeps what f returns */
        escape_walk_list(e, &n->u.assign.rhs, !all_err_or_blank(&n->u.assign.lhs));
        return false;
    }
    if (n->kind == GO_VALUE_SPEC) {
        escape_walk_list(e, &n->u.value_spec.values, !all_err_or_blank(&n->u.value_spec.names));
        return false;
    }
    if (n->kind == GO_RETURN_STMT) {
        escape_walk_list(e, &n->u.return_stmt.results, !e->results_errors);
        return false;
    }
    if (keeps(n))
        e->keep++;
    return true;
}

static void escape_post(void *ctx, go_node *n) {
    ctx_escape *e = ctx;
    if (keeps(n))
        e->keep--;
}

static bool results_are_errors(const go_node *results) {
    if (!results)
        return true;
    go_list fields = results->u.field_list.list;
    for (uint32_t i = 0; i < fields.len; i++) {
        const go_node *t = fields.at[i]->u.field.type;
        if (!(ident_named(t, "error") && !t->u.ident.decl))
            return false;
    }
    return true;
}

/* The context variable declared by from (ctx in `ctx, _ := …`) may be in
 * use after the function returns. */
static bool ctx_may_outlive(func_check *fc, const go_node *from) {
    const go_node *id = NULL;
    if (from->kind == GO_ASSIGN_STMT)
        id = from->u.assign.lhs.at[0];
    else if (from->kind == GO_DECL_STMT)
        id = from->u.decl_stmt.decl->u.gen_decl.specs.at[0]->u.value_spec.names.at[0];
    const go_node *decl = id && id->kind == GO_IDENT ? go_decl_of(id) : NULL;
    if (!decl)
        return !(id && ident_named(id, "_")); /* _, _ := …: nothing to keep */
    if (decl->pos < fc->body->pos || decl->pos >= fc->body->end)
        return true; /* an outer or package variable: others see it */
    ctx_escape e = {.decl = decl, .results_errors = results_are_errors(fc->results)};
    go_walk(fc->body, escape_pre, escape_post, &e);
    return e.escapes;
}

/* A name for the cancel function that nothing in the top-level
 * declaration around from spells; NULL when both candidates are taken. */
static const char *free_name(func_check *fc, const go_node *from, const struct maker *m) {
    static const char *const context_names[] = {"cancel", "cancelCtx"};
    static const char *const signal_names[] = {"stop", "stopSignals"};
    const char *const *names = strcmp(m->pkg, "signal") == 0 ? signal_names : context_names;
    go_node *top = fixkit_top_decl(fc->pass->file, from->pos);
    if (!top)
        return NULL;
    for (size_t i = 0; i < 2; i++)
        if (!fixkit_name_used(top, go_file_atom(fc->pass->file, names[i])))
            return names[i];
    return NULL;
}

/*   ctx, _ := context.WithTimeout(p, d)  ->  ctx, cancel := context.WithTimeout(p, d)
 *                                            defer cancel() */
static void offer_fix(func_check *fc, const go_node *from, const go_node *id, const struct maker *m) {
    bool in_loop = false;
    if (from->kind == GO_ASSIGN_STMT && from->op != GO_TOK_DEFINE)
        return; /* ctx, _ = …: cancel would have to be declared elsewhere */
    if (from->kind == GO_DECL_STMT && from->u.decl_stmt.decl->u.gen_decl.specs.len != 1)
        return;
    if (!fixkit_stmt_in_list(fc->body, from, &in_loop) || in_loop ||
        !fixkit_can_insert_line_after(fc->pass->file, from) || ctx_may_outlive(fc, from))
        return;
    const char *name = free_name(fc, from, m);
    if (!name)
        return;
    char line[64];
    snprintf(line, sizeof line, "defer %s()", name);
    lint_fix_edit(fc->pass, id->pos, id->end, name);
    fixkit_insert_line_after(fc->pass, from, line);
}

/* from: the offered statement (AssignStmt or DeclStmt) that creates the
 * context; id: the cancel Ident on its left; call: the constructor call. */
static void check_creation(func_check *fc, const go_node *from, const go_node *id, const go_node *call,
                           const struct maker *m) {
    if (id->u.ident.name->len == 1 && id->u.ident.name->ptr[0] == '_') {
        /* signal.NotifyContext in init or main: meant to last the process */
        if (fc->once && strcmp(m->pkg, "signal") == 0)
            return;
        /* _, _ = context.WithCancel(nil) panics (a panic test): no cancel
         * function is ever returned.  Only the discard: a named cancel with
         * a nil stand-in parent is still followed, as go vet does. */
        const go_node *parent = call->u.call.args.len ? call->u.call.args.at[0] : NULL;
        while (parent && parent->kind == GO_PAREN_EXPR)
            parent = parent->u.paren.x;
        if (!(parent && parent->kind == GO_IDENT && !parent->u.ident.decl && parent->u.ident.name->len == 3 &&
              memcmp(parent->u.ident.name->ptr, "nil", 3) == 0)) {
            report_discarded(fc, call, m);
            offer_fix(fc, from, id, m);
        }
        return;
    }
    const go_node *decl = go_decl_of(id);
    /* Declared outside this body (parameter, named result, captured outer or
     * package-level variable, another file): someone else may call it. */
    if (!decl || decl->pos < fc->body->pos || decl->pos >= fc->body->end)
        return;
    if (fc->main_main || escapes_anywhere(fc->body, decl))
        return;
    if (!fc->cfg)
        fc->cfg = go_cfg_build(fc->pass->arena, fc->body, NULL);
    const go_node *exit = NULL;
    if (go_cfg_all_paths(fc->cfg, from, uses_cancel, (void *)decl, &exit) || !exit)
        return;
    const ls_atom *name = id->u.ident.name;
    bool ret = exit->kind == GO_RETURN_STMT;
    go_pos at = ret ? exit->pos : exit->end - 1;
    char related[128];
    snprintf(related, sizeof related, "%s reached without calling %.*s",
             ret ? "this return is" : "the end of the function is", (int)name->len, name->ptr);
    if (strcmp(m->pkg, "signal") == 0)
        lint_report_related(fc->pass, call->pos, at, related,
                            "the stop function returned by signal.NotifyContext is not called on every "
                            "path: the signal registration and the context stay alive until the parent "
                            "ends (call %.*s, e.g. defer %.*s())",
                            (int)name->len, name->ptr, (int)name->len, name->ptr);
    else
        lint_report_related(fc->pass, call->pos, at, related,
                            "the cancel function returned by context.%s is not called on every path: "
                            "the context leaks until its parent ends (call %.*s, e.g. defer %.*s())",
                            m->name, (int)name->len, name->ptr, (int)name->len, name->ptr);
}

/* Looks at one statement of the body for a creation (nested FuncLits are
 * their own functions and are skipped). */
static bool creation_pre(void *ctx, go_node *n) {
    func_check *fc = ctx;
    const go_file *f = fc->pass->file;
    switch (n->kind) {
    case GO_FUNC_LIT:
        return false;
    case GO_ASSIGN_STMT: /* ctx, cancel := context.WithCancel(parent) */
        if (n->u.assign.lhs.len == 2 && n->u.assign.rhs.len == 1 &&
            (n->op == GO_TOK_DEFINE || n->op == GO_TOK_ASSIGN)) {
            const go_node *call = NULL;
            const struct maker *m = maker_of(f, n->u.assign.rhs.at[0], &call);
            const go_node *id = n->u.assign.lhs.at[1];
            if (m && id && id->kind == GO_IDENT) /* s.cancel, m[k]: stored, not ours */
                check_creation(fc, n, id, call, m);
        }
        return true;
    case GO_DECL_STMT: { /* var ctx, cancel = context.WithCancel(parent) */
        const go_node *gd = n->u.decl_stmt.decl;
        if (gd && gd->kind == GO_GEN_DECL && gd->op == GO_TOK_VAR)
            for (uint32_t i = 0; i < gd->u.gen_decl.specs.len; i++) {
                const go_node *vs = gd->u.gen_decl.specs.at[i];
                if (!vs || vs->kind != GO_VALUE_SPEC || vs->u.value_spec.names.len != 2 ||
                    vs->u.value_spec.values.len != 1)
                    continue;
                const go_node *call = NULL;
                const struct maker *m = maker_of(f, vs->u.value_spec.values.at[0], &call);
                const go_node *id = vs->u.value_spec.names.at[1];
                if (m && id && id->kind == GO_IDENT)
                    check_creation(fc, n, id, call, m);
            }
        return false;
    }
    default:
        return true;
    }
}

static bool name_is(const go_node *id, const char *name) {
    return id && id->kind == GO_IDENT && id->u.ident.name && id->u.ident.name->len == strlen(name) &&
           memcmp(id->u.ident.name->ptr, name, id->u.ident.name->len) == 0;
}

static void check_body(lint_pass *pass, const go_node *ftype, go_node *body, bool main_main, bool once) {
    if (!body || body->kind != GO_BLOCK_STMT)
        return;
    func_check fc = {.pass = pass, .body = body, .main_main = main_main, .once = once};
    fc.results = ftype && ftype->kind == GO_FUNC_TYPE ? ftype->u.func_type.results : NULL;
    for (uint32_t i = 0; i < body->u.block.list.len; i++)
        if (body->u.block.list.at[i])
            go_walk(body->u.block.list.at[i], creation_pre, NULL, &fc);
}

static bool func_pre(void *ctx, go_node *n) {
    lint_pass *pass = ctx;
    if (n->kind == GO_FUNC_DECL) {
        /* func main() in package main: like go vet, no path needs cancel */
        bool main_main = !n->u.func_decl.recv && name_is(n->u.func_decl.name, "main") &&
                         name_is(pass->file->root->u.file.name, "main");
        bool init = !n->u.func_decl.recv && name_is(n->u.func_decl.name, "init");
        check_body(pass, n->u.func_decl.type, n->u.func_decl.body, main_main, main_main || init);
    } else if (n->kind == GO_FUNC_LIT)
        check_body(pass, n->u.func_lit.type, n->u.func_lit.body, false, false);
    return true;
}

static void check(lint_pass *pass) {
    go_file *f = pass->file;
    if (!f->root || !(go_file_imports(f, "context") || go_file_imports(f, "os/signal")))
        return;
    go_walk(f->root, func_pre, NULL, pass);
}

const lint_rule lint_rule_ctx001 = {
    .id = "CTX001",
    .name = "lost-cancel",
    .summary = "the cancel function of context.With{Cancel,Timeout,Deadline}[Cause] or "
               "signal.NotifyContext is discarded or not called on every path",
    .severity = LINT_ERROR,
    .requires_import = NULL, /* "context" or "os/signal": checked in check() */
    .check = check,
};
