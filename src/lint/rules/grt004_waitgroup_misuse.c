/*
 * GRT004 waitgroup-misuse: a sync.WaitGroup counted from inside the
 * goroutine it counts, or a goroutine that leaves without Done on a path.
 *
 *   go func() {
 *       wg.Add(1)           // races with wg.Wait(): reported
 *       defer wg.Done()
 *       …
 *   }()
 *
 *   go func() {
 *       if err := step(); err != nil {
 *           return          // no Done: wg.Wait() blocks forever
 *       }
 *       wg.Done()           // reported here, with the return
 *   }()
 *
 * Two ideas:
 *  - A WaitGroup is recognised only where the syntax says so: a variable,
 *    parameter or result declared `sync.WaitGroup` / `*sync.WaitGroup`, or
 *    made by `sync.WaitGroup{}`, `&sync.WaitGroup{}`, `new(sync.WaitGroup)`,
 *    and a field of that type in a struct of this package (`s.wg`).  Two
 *    mentions are the same WaitGroup when they are the same variable, or
 *    the same field of the same variable.
 *  - A goroutine is the body of a function literal started with `go`, or
 *    of a function or method of this file started with `go f(…)` /
 *    `go recv.m(…)`.  Its own statements are judged, not those of the
 *    literals inside it.  The Add finding needs a Done of the same
 *    WaitGroup in the goroutine (it counts itself) and no `go` statement in
 *    it, nor a function literal handed to a call after the Add that can
 *    reach the WaitGroup (an Add there may count a child).  The Done finding follows the
 *    goroutine's control-flow graph from its entry: a return, the end of
 *    the body, or a panic that a deferred recover() turns into a return,
 *    reached without a Done.  It stays silent when Done is deferred, when a
 *    Done sits in a loop (the WaitGroup counts items, not goroutines) and
 *    when the WaitGroup is handed on (passed, stored, `wg.Done` as a value,
 *    used in a nested literal).
 */
#include <string.h>

#include "leakscope/gocfg.h"
#include "leakscope/goscope.h"
#include "leakscope/lint.h"
#include "rulekit.h"

typedef struct rule_ctx {
    lint_pass *pass;
    go_file *f;
    /* pointer sets, grown by push() */
    const void **vars;    /* declaring Idents of WaitGroup variables */
    size_t nvars, capvars;
    const void **fields;  /* name atoms of WaitGroup fields of this package */
    size_t nfields, capfields;
    const void **seen;    /* goroutine bodies already judged */
    size_t nseen, capseen;
    const go_node *func_decl; /* the FuncDecl being walked */
} rule_ctx;

static void push(lint_pass *pass, const void ***arr, size_t *n, size_t *cap, const void *x) {
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        const void **a = ls_arena_alloc(pass->arena, c * sizeof *a);
        if (*n)
            memcpy(a, *arr, *n * sizeof *a);
        *arr = a;
        *cap = c;
    }
    (*arr)[(*n)++] = x;
}

/* ---- recognising a WaitGroup ------------------------------------------------ */

/* sync.WaitGroup or *sync.WaitGroup, in file f */
static bool wg_type(const go_file *f, const go_node *t) {
    t = rulekit_unparen(t);
    if (t && t->kind == GO_STAR_EXPR)
        t = rulekit_unparen(t->u.star.x);
    return t && go_is_pkg_selector(f, t, "sync", "WaitGroup");
}

/* sync.WaitGroup{}, &sync.WaitGroup{}, new(sync.WaitGroup) */
static bool wg_value(const go_file *f, const go_node *v) {
    v = rulekit_unparen(v);
    if (v && v->kind == GO_UNARY_EXPR && v->op == GO_TOK_AND)
        v = rulekit_unparen(v->u.unary.x);
    if (!v)
        return false;
    if (v->kind == GO_COMPOSITE_LIT)
        return v->u.composite.elts.len == 0 && wg_type(f, v->u.composite.type);
    if (v->kind == GO_CALL_EXPR && v->u.call.args.len == 1 && rulekit_ident_is(v->u.call.fun, "new") &&
        !go_decl_of(v->u.call.fun))
        return wg_type(f, v->u.call.args.at[0]);
    return false;
}

static void add_var(rule_ctx *rc, const go_node *id) {
    if (id && id->kind == GO_IDENT && go_decl_of(id) == id)
        push(rc->pass, &rc->vars, &rc->nvars, &rc->capvars, id);
}

static bool collect_vars(void *ctx, go_node *n) {
    rule_ctx *rc = ctx;
    switch (n->kind) {
    case GO_FUNC_DECL: /* a WaitGroup type or value in it is spelt so */
        return rulekit_text_has(rc->f, n, "WaitGroup");
    case GO_FIELD:
        if (wg_type(rc->f, n->u.field.type))
            for (uint32_t i = 0; i < n->u.field.names.len; i++)
                add_var(rc, n->u.field.names.at[i]);
        return true;
    case GO_VALUE_SPEC: {
        bool typed = wg_type(rc->f, n->u.value_spec.type);
        for (uint32_t i = 0; i < n->u.value_spec.names.len; i++)
            if (typed || (n->u.value_spec.values.len == n->u.value_spec.names.len &&
                          wg_value(rc->f, n->u.value_spec.values.at[i])))
                add_var(rc, n->u.value_spec.names.at[i]);
        return true;
    }
    case GO_ASSIGN_STMT:
        if (n->op == GO_TOK_DEFINE && n->u.assign.lhs.len == n->u.assign.rhs.len)
            for (uint32_t i = 0; i < n->u.assign.lhs.len; i++)
                if (wg_value(rc->f, n->u.assign.rhs.at[i]))
                    add_var(rc, n->u.assign.lhs.at[i]);
        return true;
    default:
        return true;
    }
}

/* The WaitGroup fields of the package's struct types (top level). */
static void collect_fields(rule_ctx *rc) {
    const go_package *p = rc->pass->pkg;
    size_t nf = p ? go_package_file_count(p) : 0;
    for (size_t k = 0; k < (p ? nf : 1); k++) {
        go_file *f = p ? go_package_file(p, k) : rc->f;
        if (!f || !f->root || !go_file_atom(f, "WaitGroup")) /* wg_type needs the name */
            continue;
        go_list decls = f->root->u.file.decls;
        for (uint32_t d = 0; d < decls.len; d++) {
            const go_node *g = decls.at[d];
            if (g->kind != GO_GEN_DECL || g->op != GO_TOK_TYPE)
                continue;
            for (uint32_t s = 0; s < g->u.gen_decl.specs.len; s++) {
                const go_node *ts = g->u.gen_decl.specs.at[s];
                const go_node *st = ts->kind == GO_TYPE_SPEC ? ts->u.type_spec.type : NULL;
                if (!st || st->kind != GO_STRUCT_TYPE || !st->u.struct_type.fields)
                    continue;
                go_list fl = st->u.struct_type.fields->u.field_list.list;
                for (uint32_t i = 0; i < fl.len; i++) {
                    if (!wg_type(f, fl.at[i]->u.field.type))
                        continue;
                    for (uint32_t j = 0; j < fl.at[i]->u.field.names.len; j++) {
                        const ls_atom *name = fl.at[i]->u.field.names.at[j]->u.ident.name;
                        /* names are interned per file: find ours */
                        const ls_atom *a = name;
                        if (f != rc->f) {
                            char buf[128];
                            if (name->len >= sizeof buf)
                                continue;
                            memcpy(buf, name->ptr, name->len);
                            buf[name->len] = 0;
                            a = go_file_atom(rc->f, buf);
                        }
                        if (a)
                            push(rc->pass, &rc->fields, &rc->nfields, &rc->capfields, a);
                    }
                }
            }
        }
    }
}

/* x is a WaitGroup: a known variable, or a selector of a known field. */
static bool is_wg(const rule_ctx *rc, const go_node *x) {
    x = rulekit_unparen(x);
    if (!x)
        return false;
    if (x->kind == GO_IDENT) {
        const go_node *d = go_decl_of(x);
        for (size_t i = 0; d && i < rc->nvars; i++)
            if (rc->vars[i] == d)
                return true;
        return false;
    }
    if (x->kind == GO_SELECTOR_EXPR && x->u.selector.sel && x->u.selector.sel->kind == GO_IDENT)
        for (size_t i = 0; i < rc->nfields; i++)
            if (rc->fields[i] == x->u.selector.sel->u.ident.name)
                return true;
    return false;
}

/* The name of selector x's Sel, or NULL on a broken tree. */
static const ls_atom *sel_atom(const go_node *x) {
    const go_node *s = x->u.selector.sel;
    return s && s->kind == GO_IDENT ? s->u.ident.name : NULL;
}

/* a and b name the same variable, or the same field path of it. */
static bool same_ref(const go_node *a, const go_node *b) {
    a = rulekit_unparen(a);
    b = rulekit_unparen(b);
    if (!a || !b || a->kind != b->kind)
        return false;
    if (a->kind == GO_IDENT)
        return go_decl_of(a) ? go_decl_of(a) == go_decl_of(b) : !go_decl_of(b) && a->u.ident.name == b->u.ident.name;
    if (a->kind == GO_SELECTOR_EXPR)
        return sel_atom(a) && sel_atom(a) == sel_atom(b) && same_ref(a->u.selector.x, b->u.selector.x);
    return false;
}

/* call is X.method() with X a WaitGroup: X, else NULL */
static const go_node *wg_method(const rule_ctx *rc, const go_node *call, const char *method) {
    if (!call || call->kind != GO_CALL_EXPR)
        return NULL;
    const go_node *fun = rulekit_unparen(call->u.call.fun);
    if (!fun || fun->kind != GO_SELECTOR_EXPR || !rulekit_ident_is(fun->u.selector.sel, method))
        return NULL;
    return is_wg(rc, fun->u.selector.x) ? fun->u.selector.x : NULL;
}

/* ---- what a goroutine does with its WaitGroups ------------------------------- */

typedef struct facts {
    const rule_ctx *rc;
    const go_node *wg;   /* the WaitGroup asked about (NULL: collect candidates) */
    const go_node *add;  /* first X.Add(…) of the goroutine's own statements */
    const go_node *done; /* first non-deferred X.Done() */
    bool deferred_done;  /* defer X.Done(), or in a deferred literal */
    bool done_in_loop;
    bool handed_on;      /* X used other than as X.Add/Done/Wait receiver */
    bool starts_goroutine;
    bool recovers;       /* a deferred literal calls recover() */
    int loops;           /* loop depth of the walk */
    int in_defer_lit;    /* inside the literal of a defer */
    int in_lit;          /* inside another literal */
} facts;

static bool facts_pre(void *ctx, go_node *n);
static void facts_post(void *ctx, go_node *n);

static bool mentions_recover(void *ctx, go_node *n) {
    if (n->kind == GO_CALL_EXPR && rulekit_ident_is(rulekit_unparen(n->u.call.fun), "recover") &&
        !go_decl_of(rulekit_unparen(n->u.call.fun)))
        *(bool *)ctx = true;
    return !*(bool *)ctx;
}

/* defer wg.Done(), or defer func() { … }(): its literal runs at every
 * way out, so a Done there covers them all.  False: do not descend. */
static bool facts_defer(facts *fx, go_node *n) {
    const go_node *call = n->u.defer_stmt.call;
    const go_node *x = wg_method(fx->rc, call, "Done");
    if (x && same_ref(x, fx->wg)) {
        fx->deferred_done = true;
        return false;
    }
    const go_node *fun = call && call->kind == GO_CALL_EXPR ? rulekit_unparen(call->u.call.fun) : NULL;
    if (!fun || fun->kind != GO_FUNC_LIT || !fun->u.func_lit.body)
        return true;
    go_walk(fun->u.func_lit.body, mentions_recover, NULL, &fx->recovers);
    fx->in_defer_lit++;
    go_walk(fun->u.func_lit.body, facts_pre, facts_post, fx);
    fx->in_defer_lit--;
    for (uint32_t i = 0; i < call->u.call.args.len; i++)
        go_walk(call->u.call.args.at[i], facts_pre, facts_post, fx);
    return false;
}

/* The variable a WaitGroup reference starts from: wg, or s of s.wg. */
static const go_node *wg_base(const go_node *x) {
    x = rulekit_unparen(x);
    while (x && x->kind == GO_SELECTOR_EXPR)
        x = rulekit_unparen(x->u.selector.x);
    return x && x->kind == GO_IDENT ? x : NULL;
}

typedef struct base_use {
    const go_node *base;
    bool found;
} base_use;

static bool finds_base(void *ctx, go_node *n) {
    base_use *u = ctx;
    if (!u->found && n->kind == GO_IDENT && same_ref(n, u->base))
        u->found = true;
    return !u->found;
}

/*
 * A function literal handed to a call after the Add, that can reach the
 * WaitGroup (it mentions it, or the variable whose field it is):
 *
 *   mirror.wg.Add(1)
 *   if !srv.startGoRoutine(func() { mset.processMirrorMsgs(mirror) }) {
 *       mirror.wg.Done()        // undoes the Add when nothing started
 *   }
 *
 * A helper may start it as a goroutine (a pool, a supervisor): the Add may
 * count that child, like one before a `go` statement.
 */
static void facts_lit_args(facts *fx, const go_node *call) {
    const go_node *base = wg_base(fx->wg);
    if (!fx->add || !base)
        return;
    for (uint32_t i = 0; i < call->u.call.args.len; i++) {
        const go_node *a = rulekit_unparen(call->u.call.args.at[i]);
        if (!a || a->kind != GO_FUNC_LIT || !a->u.func_lit.body)
            continue;
        base_use u = {base, false};
        go_walk(a->u.func_lit.body, finds_base, NULL, &u);
        if (u.found)
            fx->starts_goroutine = true;
    }
}

/* wg.Done(), wg.Add(n), wg.Wait(), or another method (hands it on). */
static bool facts_call(facts *fx, go_node *n) {
    if (!fx->in_lit && !fx->in_defer_lit)
        facts_lit_args(fx, n);
    const go_node *fun = rulekit_unparen(n->u.call.fun);
    if (!fun || fun->kind != GO_SELECTOR_EXPR || !same_ref(fun->u.selector.x, fx->wg))
        return true;
    if (rulekit_ident_is(fun->u.selector.sel, "Done")) {
        if (fx->in_defer_lit) {
            fx->deferred_done = true;
        } else if (fx->in_lit) {
            fx->handed_on = true; /* Done in some callback: not followed */
        } else {
            if (!fx->done)
                fx->done = n;
            if (fx->loops)
                fx->done_in_loop = true;
        }
    } else if (rulekit_ident_is(fun->u.selector.sel, "Add")) {
        if (!fx->in_lit && !fx->in_defer_lit && !fx->add)
            fx->add = n;
    } else if (!rulekit_ident_is(fun->u.selector.sel, "Wait")) {
        fx->handed_on = true;
    }
    for (uint32_t i = 0; i < n->u.call.args.len; i++)
        go_walk(n->u.call.args.at[i], facts_pre, facts_post, fx);
    return false;
}

static bool facts_pre(void *ctx, go_node *n) {
    facts *fx = ctx;
    switch (n->kind) {
    case GO_GO_STMT:
        fx->starts_goroutine = true;
        return true;
    case GO_DEFER_STMT:
        return facts_defer(fx, n);
    case GO_FUNC_LIT:
        fx->in_lit++;
        return true;
    case GO_FOR_STMT:
    case GO_RANGE_STMT:
        fx->loops++;
        return true;
    case GO_CALL_EXPR:
        return facts_call(fx, n);
    default:
        /* any other mention of the WaitGroup hands it on (passed, stored,
         * &wg, wg.Done as a value) */
        if ((n->kind == GO_IDENT || n->kind == GO_SELECTOR_EXPR) && same_ref(n, fx->wg)) {
            fx->handed_on = true;
            return false;
        }
        return true;
    }
}

static void facts_post(void *ctx, go_node *n) {
    facts *fx = ctx;
    if (n->kind == GO_FUNC_LIT)
        fx->in_lit--;
    else if (n->kind == GO_FOR_STMT || n->kind == GO_RANGE_STMT)
        fx->loops--;
}

/* ---- does every path call Done? ------------------------------------------------ */

typedef struct done_ctx {
    const rule_ctx *rc;
    const go_node *wg;
    bool found;
} done_ctx;

static bool find_done(void *ctx, go_node *n) {
    done_ctx *d = ctx;
    if (d->found || n->kind == GO_FUNC_LIT)
        return false;
    const go_node *x = wg_method(d->rc, n, "Done");
    if (x && same_ref(x, d->wg))
        d->found = true;
    return !d->found;
}

static bool calls_done(const rule_ctx *rc, const go_node *wg, go_node *n) {
    done_ctx d = {rc, wg, false};
    go_walk(n, find_done, NULL, &d);
    return d.found;
}

static bool is_panic(const go_node *n) {
    if (n->kind != GO_EXPR_STMT)
        return false;
    const go_node *c = rulekit_unparen(n->u.expr_stmt.x);
    return c && c->kind == GO_CALL_EXPR && rulekit_ident_is(rulekit_unparen(c->u.call.fun), "panic") &&
           !go_decl_of(rulekit_unparen(c->u.call.fun));
}

static bool done_pred(void *ctx, const go_node *n) {
    const done_ctx *d = ctx;
    return calls_done(d->rc, d->wg, (go_node *)n); /* the walk does not modify n */
}

/*
 * A panic statement that some path from the entry of g reaches without
 * calling wg.Done(), or NULL.  Asked only when a deferred recover() turns
 * the panic into a normal end of the goroutine; the graph counts it as a
 * no-return call, so go_cfg_all_paths cannot see it.
 */
static const go_node *panic_without_done(const rule_ctx *rc, const go_node *wg, const go_cfg *g) {
    bool *seen = ls_arena_zalloc(rc->pass->arena, g->nblocks * sizeof *seen);
    uint32_t *stack = ls_arena_alloc(rc->pass->arena, (g->nblocks + 1) * sizeof *stack);
    size_t depth = 0;
    stack[depth++] = 0;
    seen[0] = true;
    while (depth) {
        const go_cfg_block *k = &g->blocks[stack[--depth]];
        bool covered = false;
        for (uint32_t i = 0; i < k->nnodes && !covered; i++) {
            if (calls_done(rc, wg, k->nodes[i]))
                covered = true;
            else if (is_panic(k->nodes[i]))
                return k->nodes[i];
        }
        if (covered || k->term != GO_CFG_TERM_NONE)
            continue;
        for (uint32_t s = 0; s < k->nsuccs; s++)
            if (!seen[k->succs[s]]) {
                seen[k->succs[s]] = true;
                stack[depth++] = k->succs[s];
            }
    }
    return NULL;
}

/*
 * The first way out of body that some path from the entry reaches without
 * calling wg.Done(): a ReturnStmt, or the body itself (falling off the
 * end), by go_cfg_all_paths; or, when recovered, a panic statement.  NULL
 * when every path calls it.
 */
static const go_node *missing_path(const rule_ctx *rc, const go_node *wg, go_node *body, bool recovered) {
    go_cfg *g = go_cfg_build(rc->pass->arena, body, NULL);
    done_ctx d = {rc, wg, false};
    const go_node *escape = NULL;
    if (!go_cfg_all_paths(g, NULL, done_pred, &d, &escape))
        return escape ? escape : body;
    return recovered ? panic_without_done(rc, wg, g) : NULL;
}

/* ---- judging one goroutine --------------------------------------------------- */

/* The distinct WaitGroups whose Add or Done the body calls itself. */
typedef struct cands {
    const rule_ctx *rc;
    const go_node *refs[16];
    size_t n;
} cands;

static bool collect_cands(void *ctx, go_node *n) {
    cands *c = ctx;
    if (n->kind == GO_FUNC_LIT)
        return false;
    const go_node *x = wg_method(c->rc, n, "Done");
    if (!x)
        x = wg_method(c->rc, n, "Add");
    if (x) {
        for (size_t i = 0; i < c->n; i++)
            if (same_ref(c->refs[i], x))
                return true;
        if (c->n < sizeof c->refs / sizeof *c->refs)
            c->refs[c->n++] = x;
    }
    return true;
}

/* The WaitGroup as written (`wg`, `s.wg`), for messages. */
static void name_of(const rule_ctx *rc, const go_node *x, const char **s, int *len) {
    x = rulekit_unparen(x);
    *s = rc->f->src + x->pos;
    *len = (int)(x->end - x->pos);
}

static void judge(rule_ctx *rc, go_node *body) {
    for (size_t i = 0; i < rc->nseen; i++)
        if (rc->seen[i] == body)
            return;
    push(rc->pass, &rc->seen, &rc->nseen, &rc->capseen, body);
    cands c = {.rc = rc};
    go_walk(body, collect_cands, NULL, &c);
    /* each WaitGroup the goroutine itself calls Add or Done on */
    for (size_t w = 0; w < c.n; w++) {
        facts fx = {.rc = rc, .wg = c.refs[w]};
        go_walk(body, facts_pre, facts_post, &fx);
        const char *name;
        int len;
        name_of(rc, fx.wg, &name, &len);
        if (fx.add && (fx.done || fx.deferred_done) && !fx.starts_goroutine) {
            lint_report(rc->pass, fx.add->pos,
                        "%.*s.Add is called inside the goroutine it counts, so it races with %.*s.Wait, which "
                        "can return before the goroutine has started (call %.*s.Add before the go statement, or "
                        "use %.*s.Go)",
                        len, name, len, name, len, name, len, name);
            continue;
        }
        if (!fx.done || fx.deferred_done || fx.done_in_loop || fx.handed_on || fx.add)
            continue;
        const go_node *miss = missing_path(rc, fx.wg, body, fx.recovers);
        if (!miss)
            continue;
        const char *what = miss == body ? "the goroutine ends here without it"
                           : miss->kind == GO_RETURN_STMT ? "this return leaves without it"
                                                          : "this panic, recovered, leaves without it";
        lint_report_related(rc->pass, fx.done->pos, miss == body ? body->end - 1 : miss->pos, what,
                            "the goroutine calls %.*s.Done() on some paths only; where it leaves without it, "
                            "%.*s.Wait blocks forever (defer %.*s.Done() at the top of the goroutine)",
                            len, name, len, name, len, name);
    }
}

/* ---- finding goroutines ---------------------------------------------------------- */

/* The name atom of a method receiver's base type (T of `*T[K]`), or NULL. */
static const ls_atom *recv_type(const go_node *fd) {
    const go_node *recv = fd->u.func_decl.recv;
    if (!recv || recv->u.field_list.list.len != 1)
        return NULL;
    return rulekit_recv_base_type(recv->u.field_list.list.at[0]->u.field.type);
}

/* The body of the function of this file that `go fun(…)` starts, or NULL. */
static go_node *started_body(const rule_ctx *rc, const go_node *fun) {
    const ls_atom *type = NULL, *name = NULL;
    if (fun->kind == GO_IDENT && go_decl_of(fun) && go_decl_is_pkg(go_decl_of(fun))) {
        name = fun->u.ident.name;
    } else if (fun->kind == GO_SELECTOR_EXPR && rc->func_decl && rc->func_decl->u.func_decl.recv) {
        /* go s.run() where s is the receiver of the method we are in */
        const go_node *recv = rc->func_decl->u.func_decl.recv;
        const go_node *rf = recv->u.field_list.list.len == 1 ? recv->u.field_list.list.at[0] : NULL;
        const go_node *x = rulekit_unparen(fun->u.selector.x);
        if (!rf || rf->u.field.names.len != 1 || !x || x->kind != GO_IDENT ||
            go_decl_of(x) != rf->u.field.names.at[0] || !go_decl_of(x))
            return NULL;
        type = recv_type(rc->func_decl);
        name = sel_atom(fun);
        if (!type || !name)
            return NULL;
    } else {
        return NULL;
    }
    go_list decls = rc->f->root->u.file.decls;
    for (uint32_t d = 0; d < decls.len; d++) {
        go_node *fd = decls.at[d];
        if (fd->kind != GO_FUNC_DECL || !fd->u.func_decl.name || fd->u.func_decl.name->u.ident.name != name)
            continue;
        if (type ? recv_type(fd) == type : !fd->u.func_decl.recv)
            return fd->u.func_decl.body;
    }
    return NULL;
}

static bool visit(void *ctx, go_node *n) {
    rule_ctx *rc = ctx;
    if (n->kind == GO_FUNC_DECL) {
        rc->func_decl = n;
        return n->flags & GO_FLAG_HAS_GO; /* no goroutine starts in it */
    }
    if (n->kind != GO_GO_STMT || !n->u.go_stmt.call || n->u.go_stmt.call->kind != GO_CALL_EXPR)
        return true;
    const go_node *fun = rulekit_unparen(n->u.go_stmt.call->u.call.fun);
    go_node *body = NULL;
    if (fun && fun->kind == GO_FUNC_LIT)
        body = fun->u.func_lit.body;
    else if (fun)
        body = started_body(rc, fun);
    if (body)
        judge(rc, body);
    return true;
}

static void check(lint_pass *pass) {
    /* nothing to judge without a go statement and an identifier Add or Done
     * in the file */
    if (!pass->file || !pass->file->root || !go_file_kind_count(pass->file, GO_GO_STMT) ||
        (!go_file_atom(pass->file, "Add") && !go_file_atom(pass->file, "Done")))
        return;
    rule_ctx rc = {.pass = pass, .f = pass->file};
    if (go_file_atom(pass->file, "WaitGroup")) /* a variable's type or value names it */
        go_walk(pass->file->root, collect_vars, NULL, &rc);
    collect_fields(&rc);
    if (rc.nvars == 0 && rc.nfields == 0)
        return;
    go_walk(pass->file->root, visit, NULL, &rc);
}

const lint_rule lint_rule_grt004 = {
    .id = "GRT004",
    .name = "waitgroup-misuse",
    .summary = "sync.WaitGroup.Add inside the goroutine it counts, or a goroutine that misses Done on some path",
    .severity = LINT_ERROR,
    .requires_import = "sync",
    .check = check,
};
