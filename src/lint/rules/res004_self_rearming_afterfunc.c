/*
 * RES004 self-rearming-afterfunc: a time.AfterFunc callback that schedules
 * itself again and nothing can ever stop.
 *
 *   func (p *poller) poll() {
 *       p.refresh()
 *       time.AfterFunc(time.Minute, p.poll)   // reported
 *   }
 *
 *   time.AfterFunc(d, func() { work(); p.schedule() })   // inside schedule
 *
 *   var tick func()
 *   tick = func() { work(); time.AfterFunc(d, tick) }
 *
 * Two ideas:
 *  - Three shapes re-arm: the callback is the enclosing named function or
 *    method (`f`, `recv.m`); the callback is a function literal that calls
 *    the enclosing function; the callback is a local variable holding the
 *    function literal the call sits in.
 *  - The rule is conservative: it stays silent when anything on the way
 *    round could stop the chain.  That is, in the body that re-arms (and
 *    in the enclosing function for the second shape): a return before the
 *    re-arming call, a re-arming call inside an if, switch, select or
 *    loop, a receive, a select, a call of a method named Done, Err or
 *    Stop (a context or stop channel is consulted).  And the *Timer must
 *    be thrown away: an AfterFunc whose result is returned or passed on is
 *    left alone, and one stored in a variable or field is left alone when
 *    the package calls Stop on something of that name.  A chain that init
 *    (or main of package main) starts is the program's own: in those
 *    functions, and in an unexported function that only they refer to
 *    (besides itself), nothing is reported.
 */
#include <string.h>

#include "leakscope/goscope.h"
#include "leakscope/lint.h"
#include "rulekit.h"

/* A local variable assigned a function literal: `tick = func() {…}`. */
typedef struct lit_var {
    const go_node *var; /* declaring Ident */
    const go_node *lit; /* FuncLit */
} lit_var;

typedef struct rule_ctx {
    lint_pass *pass;
    go_file *f;
    const go_node *func_decl; /* the FuncDecl being walked */
    const go_node **funcs;    /* enclosing FuncDecl / FuncLit nodes, innermost last */
    size_t nfuncs, capfuncs;
    lit_var *lits;
    size_t nlits, caplits;
    bool main_pkg;
} rule_ctx;

/* ---- the enclosing function ------------------------------------------------ */

/* The receiver's declaring Ident of method fd, or NULL. */
static const go_node *recv_name(const go_node *fd) {
    const go_node *recv = fd->u.func_decl.recv;
    if (!recv || recv->u.field_list.list.len != 1 || recv->u.field_list.list.at[0]->u.field.names.len != 1)
        return NULL;
    return recv->u.field_list.list.at[0]->u.field.names.at[0];
}

/* x names the function fd itself: `f` (bound to fd) or `recv.m` on fd's
 * own receiver. */
static bool names_func(const go_node *fd, const go_node *x) {
    x = rulekit_unparen(x);
    const go_node *name = fd ? fd->u.func_decl.name : NULL;
    if (!x || !name)
        return false;
    if (!fd->u.func_decl.recv)
        return x->kind == GO_IDENT && go_decl_of(x) == name;
    const go_node *r = recv_name(fd);
    if (x->kind != GO_SELECTOR_EXPR || !r || !x->u.selector.sel || x->u.selector.sel->kind != GO_IDENT ||
        x->u.selector.sel->u.ident.name != name->u.ident.name)
        return false;
    const go_node *rx = rulekit_unparen(x->u.selector.x);
    return rx && rx->kind == GO_IDENT && go_decl_of(rx) == r;
}

/* ---- stop conditions --------------------------------------------------------- */

typedef struct stop_scan {
    const go_node *site; /* the re-arming call */
    int conds;           /* depth of conditional statements around the walk */
    bool stop;
} stop_scan;

static bool is_conditional(const go_node *n) {
    switch (n->kind) {
    case GO_IF_STMT:
    case GO_SWITCH_STMT:
    case GO_TYPE_SWITCH_STMT:
    case GO_SELECT_STMT:
    case GO_FOR_STMT:
    case GO_RANGE_STMT:
        return true;
    default:
        return false;
    }
}

static bool stop_pre(void *ctx, go_node *n) {
    stop_scan *s = ctx;
    if (s->stop || n->kind == GO_FUNC_LIT)
        return false;
    if (n == s->site) {
        if (s->conds > 0)
            s->stop = true; /* the re-arm itself is conditional */
        return false;
    }
    if (is_conditional(n)) {
        s->conds++;
        if (n->kind == GO_SELECT_STMT)
            s->stop = true;
    }
    switch (n->kind) {
    case GO_RETURN_STMT:
        if (n->pos < s->site->pos)
            s->stop = true;
        break;
    case GO_UNARY_EXPR:
        if (n->op == GO_TOK_ARROW)
            s->stop = true;
        break;
    case GO_CALL_EXPR: {
        const go_node *fun = rulekit_unparen(n->u.call.fun);
        if (fun && fun->kind == GO_SELECTOR_EXPR &&
            (rulekit_ident_is(fun->u.selector.sel, "Done") || rulekit_ident_is(fun->u.selector.sel, "Err") ||
             rulekit_ident_is(fun->u.selector.sel, "Stop")))
            s->stop = true;
        break;
    }
    default:
        break;
    }
    return !s->stop;
}

static void stop_post(void *ctx, go_node *n) {
    stop_scan *s = ctx;
    if (is_conditional(n))
        s->conds--;
}

/* Something in body could end the chain before or at the re-arming site. */
static bool can_stop(go_node *body, const go_node *site) {
    stop_scan s = {.site = site};
    if (body)
        go_walk(body, stop_pre, stop_post, &s);
    return s.stop;
}

/* ---- a kept *Timer --------------------------------------------------------- */

typedef struct stop_call {
    const char *name;
    uint32_t len;
    bool found;
} stop_call;

/* X.Stop() where X is `name` or ends in `.name` */
static bool find_stop(void *ctx, go_node *n) {
    stop_call *s = ctx;
    if (s->found)
        return false;
    if (n->kind != GO_CALL_EXPR)
        return true;
    const go_node *fun = rulekit_unparen(n->u.call.fun);
    if (!fun || fun->kind != GO_SELECTOR_EXPR || !rulekit_ident_is(fun->u.selector.sel, "Stop"))
        return true;
    const go_node *x = rulekit_unparen(fun->u.selector.x);
    if (x && x->kind == GO_SELECTOR_EXPR)
        x = x->u.selector.sel;
    if (x && x->kind == GO_IDENT && x->u.ident.name->len == s->len && memcmp(x->u.ident.name->ptr, s->name, s->len) == 0)
        s->found = true;
    return !s->found;
}

/* The package calls Stop on a variable or field spelled like the one the
 * timer was stored in. */
static bool stopped_somewhere(const rule_ctx *rc, const go_node *lhs) {
    lhs = rulekit_unparen(lhs);
    if (lhs && lhs->kind == GO_SELECTOR_EXPR)
        lhs = lhs->u.selector.sel;
    if (!lhs || lhs->kind != GO_IDENT)
        return true; /* s.timers[i] = …: trust it */
    stop_call s = {lhs->u.ident.name->ptr, lhs->u.ident.name->len, false};
    const go_package *p = rc->pass->pkg;
    size_t n = p ? go_package_file_count(p) : 0;
    if (!p)
        go_walk(rc->f->root, find_stop, NULL, &s);
    for (size_t i = 0; i < n && !s.found; i++) {
        go_file *f = go_package_file(p, i);
        if (f && f->root)
            go_walk(f->root, find_stop, NULL, &s);
    }
    return s.found;
}

/* ---- the rule ------------------------------------------------------------------ */

typedef struct call_site {
    const go_node *fd;   /* the FuncDecl that re-arms, or NULL */
    const go_node *site; /* a call to it inside the literal */
} call_site;

static bool find_self_call(void *ctx, go_node *n) {
    call_site *c = ctx;
    if (c->site || n->kind == GO_FUNC_LIT)
        return false;
    if (n->kind == GO_CALL_EXPR && names_func(c->fd, n->u.call.fun))
        c->site = n;
    return !c->site;
}

static go_node *body_of(const go_node *fn) {
    return fn->kind == GO_FUNC_DECL ? fn->u.func_decl.body : fn->u.func_lit.body;
}

static void report(rule_ctx *rc, const go_node *call, const go_node *site) {
    lint_report_related(rc->pass, call->pos, site->pos, "it re-arms here",
                        "the time.AfterFunc callback re-arms itself with no way to end the chain (no condition "
                        "returns first, no context is checked, the *Timer is not kept to Stop): it runs for the "
                        "life of the process (keep the *Timer and Stop it, or check a context or stop flag "
                        "before re-arming)");
}

/* ---- chains the program starts once ---------------------------------------- */

typedef struct name_refs {
    const ls_atom *name;    /* the function's name */
    const go_node *self;    /* its FuncDecl */
    const go_node *top;     /* the top-level declaration being walked */
    bool main_pkg;
    unsigned from_start;    /* references from init (or main of package main) */
    unsigned elsewhere;     /* references from any other declaration */
} name_refs;

static bool is_start_func(const name_refs *r, const go_node *d) {
    if (!d || d->kind != GO_FUNC_DECL || d->u.func_decl.recv)
        return false;
    return rulekit_ident_is(d->u.func_decl.name, "init") || (r->main_pkg && rulekit_ident_is(d->u.func_decl.name, "main"));
}

static bool name_refs_pre(void *ctx, go_node *n) {
    name_refs *r = ctx;
    if (n->kind == GO_SELECTOR_EXPR) { /* x.name is a method or a field */
        go_walk(n->u.selector.x, name_refs_pre, NULL, r);
        return false;
    }
    /* names are interned per file: compare the spelling */
    if (n->kind != GO_IDENT || n == r->self->u.func_decl.name || n->u.ident.name->len != r->name->len ||
        memcmp(n->u.ident.name->ptr, r->name->ptr, r->name->len) != 0)
        return true;
    const go_node *d = go_decl_of(n);
    if (d && !go_decl_is_pkg(d))
        return true; /* a local of the same name */
    /* its own body, or that of a variant for another platform (pse_linux.go,
     * pse_darwin.go each declare the function, under build constraints) */
    if (r->top == r->self || (r->top->kind == GO_FUNC_DECL && !r->top->u.func_decl.recv &&
                              r->top->u.func_decl.name && r->top->u.func_decl.name->u.ident.name->len == r->name->len &&
                              memcmp(r->top->u.func_decl.name->u.ident.name->ptr, r->name->ptr, r->name->len) == 0))
        return true;
    if (is_start_func(r, r->top))
        r->from_start++;
    else
        r->elsewhere++;
    return true;
}

/*
 * fd is an unexported function of the package that only init (or main of
 * package main) refers to, besides itself: the chain is started once and
 * meant to last as long as the program, like one started in init itself.
 *
 *   func init() { periodic() }
 *   func periodic() { sample(); time.AfterFunc(time.Second, periodic) }
 */
static bool started_once_by_program(const rule_ctx *rc, const go_node *fd) {
    const go_node *name = fd->u.func_decl.name;
    if (fd->u.func_decl.recv || !name || name->kind != GO_IDENT || !name->u.ident.name->len ||
        (name->u.ident.name->ptr[0] >= 'A' && name->u.ident.name->ptr[0] <= 'Z'))
        return false;
    name_refs r = {.name = name->u.ident.name, .self = fd, .main_pkg = rc->main_pkg};
    size_t nfiles = rc->pass->pkg ? go_package_file_count(rc->pass->pkg) : 0;
    for (size_t i = 0; i < (nfiles ? nfiles : 1); i++) {
        const go_file *f = nfiles ? go_package_file(rc->pass->pkg, i) : rc->f;
        if (!f || !f->root)
            continue;
        const go_list *decls = &f->root->u.file.decls;
        for (uint32_t k = 0; k < decls->len; k++) {
            r.top = decls->at[k];
            if (r.top)
                go_walk((go_node *)r.top, name_refs_pre, NULL, &r);
        }
    }
    return r.from_start && !r.elsewhere;
}

/* call is time.AfterFunc(d, cb) whose *Timer is thrown away (or kept in
 * lhs, not NULL, that nobody stops).  Decides whether it re-arms itself. */
static void judge(rule_ctx *rc, const go_node *call, const go_node *lhs) {
    const go_node *inner = rc->nfuncs ? rc->funcs[rc->nfuncs - 1] : NULL;
    const go_node *fd = rc->func_decl;
    if (!inner || call->u.call.args.len != 2)
        return;
    const go_node *cb = rulekit_unparen(call->u.call.args.at[1]);
    const go_node *site = NULL;
    if (inner == fd && names_func(fd, cb)) {
        /* func (p *poller) poll() { …; time.AfterFunc(d, p.poll) } */
        if (can_stop(body_of(fd), call))
            return;
        site = call;
    } else if (inner == fd && cb && cb->kind == GO_FUNC_LIT) {
        /* time.AfterFunc(d, func() { …; p.schedule() }) in schedule */
        call_site c = {fd, NULL};
        go_walk(cb->u.func_lit.body, find_self_call, NULL, &c);
        if (!c.site || can_stop(body_of(fd), call) || can_stop(cb->u.func_lit.body, c.site))
            return;
        site = c.site;
    } else if (inner->kind == GO_FUNC_LIT && cb && cb->kind == GO_IDENT && go_decl_of(cb) &&
               !go_decl_is_pkg(go_decl_of(cb))) {
        /* tick = func() { …; time.AfterFunc(d, tick) } */
        bool holds = false;
        for (size_t i = 0; i < rc->nlits && !holds; i++)
            holds = rc->lits[i].var == go_decl_of(cb) && rc->lits[i].lit == inner;
        if (!holds || can_stop(inner->u.func_lit.body, call))
            return;
        site = call;
    } else {
        return;
    }
    if (lhs && stopped_somewhere(rc, lhs))
        return;
    if (fd && inner == fd && started_once_by_program(rc, fd))
        return;
    report(rc, call, site);
}

static const go_node *afterfunc(const rule_ctx *rc, const go_node *x) {
    x = rulekit_unparen(x);
    return x && go_is_pkg_call(rc->f, x, "time", "AfterFunc") ? x : NULL;
}

/* The statements that hold an AfterFunc call directly: where its *Timer
 * goes is known. */
static void check_stmt(rule_ctx *rc, const go_node *n) {
    const go_node *call;
    switch (n->kind) {
    case GO_EXPR_STMT:
        if ((call = afterfunc(rc, n->u.expr_stmt.x)))
            judge(rc, call, NULL);
        return;
    case GO_ASSIGN_STMT:
        for (uint32_t i = 0; i < n->u.assign.rhs.len && n->u.assign.lhs.len == n->u.assign.rhs.len; i++) {
            const go_node *lhs = n->u.assign.lhs.at[i];
            if ((call = afterfunc(rc, n->u.assign.rhs.at[i])))
                judge(rc, call, rulekit_ident_is(lhs, "_") ? NULL : lhs);
            const go_node *rhs = rulekit_unparen(n->u.assign.rhs.at[i]);
            if (rhs && rhs->kind == GO_FUNC_LIT && lhs->kind == GO_IDENT && go_decl_of(lhs)) {
                lit_var lv = {go_decl_of(lhs), rhs};
                if (rc->nlits == rc->caplits) {
                    size_t cap = rc->caplits ? rc->caplits * 2 : 8;
                    lit_var *a = ls_arena_alloc(rc->pass->arena, cap * sizeof *a);
                    if (rc->nlits)
                        memcpy(a, rc->lits, rc->nlits * sizeof *a);
                    rc->lits = a;
                    rc->caplits = cap;
                }
                rc->lits[rc->nlits++] = lv;
            }
        }
        return;
    case GO_VALUE_SPEC:
        for (uint32_t i = 0; i < n->u.value_spec.values.len && n->u.value_spec.names.len == n->u.value_spec.values.len;
             i++)
            if ((call = afterfunc(rc, n->u.value_spec.values.at[i])))
                judge(rc, call, rulekit_ident_is(n->u.value_spec.names.at[i], "_") ? NULL : n->u.value_spec.names.at[i]);
        return;
    default:
        return;
    }
}

static bool visit(void *ctx, go_node *n) {
    rule_ctx *rc = ctx;
    if (n->kind == GO_FUNC_DECL) {
        /* main and init of the program: a chain there lives as long as it */
        const go_node *name = n->u.func_decl.name;
        if (!n->u.func_decl.recv &&
            (rulekit_ident_is(name, "init") || (rc->main_pkg && rulekit_ident_is(name, "main"))))
            return false;
        rc->func_decl = n;
    }
    if (n->kind == GO_FUNC_DECL || n->kind == GO_FUNC_LIT) {
        if (rc->nfuncs == rc->capfuncs) {
            size_t cap = rc->capfuncs ? rc->capfuncs * 2 : 16;
            const go_node **a = ls_arena_alloc(rc->pass->arena, cap * sizeof *a);
            if (rc->nfuncs)
                memcpy(a, rc->funcs, rc->nfuncs * sizeof *a);
            rc->funcs = a;
            rc->capfuncs = cap;
        }
        rc->funcs[rc->nfuncs++] = n;
        return true;
    }
    check_stmt(rc, n);
    return true;
}

static void leave(void *ctx, go_node *n) {
    rule_ctx *rc = ctx;
    if (n->kind == GO_FUNC_DECL || n->kind == GO_FUNC_LIT)
        rc->nfuncs--;
    if (n->kind == GO_FUNC_DECL)
        rc->func_decl = NULL;
}

static void check(lint_pass *pass) {
    if (!pass->file || !pass->file->root || !go_file_atom(pass->file, "AfterFunc"))
        return;
    rule_ctx rc = {.pass = pass, .f = pass->file};
    rc.main_pkg = rulekit_ident_is(pass->file->root->u.file.name, "main");
    go_walk(pass->file->root, visit, leave, &rc);
}

const lint_rule lint_rule_res004 = {
    .id = "RES004",
    .name = "self-rearming-afterfunc",
    .summary = "a time.AfterFunc callback re-arms itself with no stop condition, context check or kept *Timer",
    .severity = LINT_WARNING,
    .requires_import = "time",
    .check = check,
};
