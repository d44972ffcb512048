/*
 * rulekit: helpers shared by the lint rules (see rulekit.h).
 *
 * Also small node predicates several rules share.
 *
 * Collecting branch conditions lets the control-flow walk
 * (rulekit_all_paths) follow only one side of a check such as
 * `if err != nil` or `if t != nil`.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rulekit.h"

#include "leakscope/goscope.h"
#include "leakscope/lint.h"

typedef struct collector {
    rulekit_conds *out;
    ls_arena *arena;
} collector;

static void add_cond(collector *k, go_node *cond, uint8_t when_true) {
    rulekit_conds *t = k->out;
    go_node **c = ls_arena_alloc(k->arena, (t->n + 1) * sizeof *c);
    uint8_t *w = ls_arena_alloc(k->arena, t->n + 1);
    if (t->n) {
        memcpy(c, t->conds, t->n * sizeof *c);
        memcpy(w, t->when_true, t->n);
    }
    c[t->n] = cond;
    w[t->n++] = when_true;
    t->conds = c;
    t->when_true = w;
}

/* The graph gives an if condition's block the successors (then, else or
 * after), and a switch case's test block (next test, clause body). */
static bool collect_cond(void *ctx, go_node *n) {
    collector *k = ctx;
    if (n->kind == GO_FUNC_LIT)
        return false;
    if (n->kind == GO_IF_STMT && n->u.if_stmt.cond)
        add_cond(k, n->u.if_stmt.cond, 0);
    if (n->kind == GO_SWITCH_STMT && !n->u.switch_stmt.tag && n->u.switch_stmt.body) {
        go_list cl = n->u.switch_stmt.body->u.block.list;
        for (uint32_t i = 0; i < cl.len; i++)
            if (cl.at[i] && cl.at[i]->kind == GO_CASE_CLAUSE && cl.at[i]->u.case_clause.list.len == 1)
                add_cond(k, cl.at[i]->u.case_clause.list.at[0], 1);
    }
    return true;
}

void rulekit_conds_collect(rulekit_conds *out, ls_arena *arena, go_node *body) {
    *out = (rulekit_conds){0};
    collector k = {.out = out, .arena = arena};
    go_walk(body, collect_cond, NULL, &k);
}

int rulekit_conds_when_true(const rulekit_conds *c, const go_node *cond) {
    for (size_t i = 0; i < c->n; i++)
        if (c->conds[i] == cond)
            return c->when_true[i];
    return -1;
}

go_node *rulekit_unparen(const go_node *x) {
    while (x && x->kind == GO_PAREN_EXPR)
        x = x->u.paren.x;
    return (go_node *)x;
}

bool rulekit_ident_is(const go_node *x, const char *name) {
    size_t n = strlen(name);
    return x && x->kind == GO_IDENT && x->u.ident.name->len == n && memcmp(x->u.ident.name->ptr, name, n) == 0;
}

const go_node *rulekit_nil_compared(const go_node *cond, bool *neq) {
    cond = rulekit_unparen(cond);
    if (!cond || cond->kind != GO_BINARY_EXPR || (cond->op != GO_TOK_EQL && cond->op != GO_TOK_NEQ))
        return NULL;
    const go_node *x = rulekit_unparen(cond->u.binary.x), *y = rulekit_unparen(cond->u.binary.y);
    if (rulekit_ident_is(x, "nil") && !go_decl_of(x)) {
        const go_node *s = x;
        x = y;
        y = s;
    }
    if (!x || !rulekit_ident_is(y, "nil") || go_decl_of(y))
        return NULL;
    *neq = cond->op == GO_TOK_NEQ;
    return x;
}

bool rulekit_is_test_file(const go_file *f) {
    size_t n = f->path ? strlen(f->path) : 0;
    return n >= 8 && strcmp(f->path + n - 8, "_test.go") == 0;
}

/* The depth-first search rulekit_all_paths and rulekit_reaches share: it
 * starts just after node i0 of block b0 and pushes every other block once,
 * from its first node. */
typedef struct cfg_dfs {
    bool *seen;
    uint32_t *stack, *from;
    size_t depth;
} cfg_dfs;

static void cfg_dfs_start(cfg_dfs *d, ls_arena *arena, const go_cfg *g, uint32_t b0, uint32_t i0) {
    d->seen = ls_arena_zalloc(arena, g->nblocks * sizeof *d->seen);
    d->stack = ls_arena_alloc(arena, (g->nblocks + 1) * sizeof *d->stack);
    d->from = ls_arena_alloc(arena, (g->nblocks + 1) * sizeof *d->from);
    d->depth = 0;
    d->stack[d->depth] = b0;
    d->from[d->depth++] = i0 + 1;
}

static bool cfg_dfs_pop(cfg_dfs *d, uint32_t *b, uint32_t *from) {
    if (!d->depth)
        return false;
    d->depth--;
    *b = d->stack[d->depth];
    *from = d->from[d->depth];
    return true;
}

static void cfg_dfs_push(cfg_dfs *d, uint32_t b) {
    if (d->seen[b])
        return;
    d->seen[b] = true;
    d->stack[d->depth] = b;
    d->from[d->depth++] = 0;
}

bool rulekit_all_paths(ls_arena *arena, go_cfg *g, uint32_t b0, uint32_t i0, const go_node *stmt,
                       bool (*covers)(void *ctx, go_node *n), int (*live_fn)(void *ctx, const go_node *n), void *ctx,
                       rulekit_walk *w) {
    cfg_dfs d;
    cfg_dfs_start(&d, arena, g, b0, i0);
    uint32_t b, i;
    while (cfg_dfs_pop(&d, &b, &i)) {
        go_cfg_block *k = &g->blocks[b];
        int live = -1;
        bool done = false;
        for (; i < k->nnodes; i++) {
            go_node *n = k->nodes[i];
            if (n == stmt) {
                w->miss = n;
                return false;
            }
            if (covers(ctx, n)) {
                done = w->saw_cover = true;
                break;
            }
            if (i + 1 == k->nnodes)
                live = live_fn(ctx, n);
        }
        if (done)
            continue;
        if (k->term == GO_CFG_TERM_RETURN) {
            w->miss = k->nnodes ? k->nodes[k->nnodes - 1] : g->body;
            return false;
        }
        if (k->term == GO_CFG_TERM_FALLOFF) {
            w->miss = g->body;
            return false;
        }
        if (k->term == GO_CFG_TERM_NO_RETURN || k->nsuccs == 0) {
            w->saw_end = true;
            continue;
        }
        for (uint32_t s = 0; s < k->nsuccs; s++) {
            if (live >= 0 && k->nsuccs == 2 && s != (uint32_t)live)
                continue;
            cfg_dfs_push(&d, k->succs[s]);
        }
    }
    return true;
}

/* ---- goroutines and their loops (GRT002, GRT003) -------------------------- */

static bool atom_eq(const ls_atom *a, const char *s) {
    size_t n = strlen(s);
    return a && a->len == n && memcmp(a->ptr, s, n) == 0;
}

/* The atom's text in buf (NUL-terminated); false when it does not fit. */
static bool atom_cstr(const ls_atom *a, char *buf, size_t cap) {
    if (!a || a->len + 1 > cap)
        return false;
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = 0;
    return true;
}

/* The base type name of a receiver type: T, *T, T[K], *T[K]. */
const ls_atom *rulekit_recv_base_type(const go_node *t) {
    t = rulekit_unparen(t);
    if (t && t->kind == GO_STAR_EXPR)
        t = rulekit_unparen(t->u.star.x);
    if (t && t->kind == GO_INDEX_EXPR)
        t = t->u.index.x;
    else if (t && t->kind == GO_INDEX_LIST_EXPR)
        t = t->u.index_list.x;
    return t && t->kind == GO_IDENT ? t->u.ident.name : NULL;
}

static bool fill_from_decl(const go_node *fd, go_file *file, rulekit_goroutine *out) {
    if (!fd || fd->kind != GO_FUNC_DECL || !fd->u.func_decl.body)
        return false;
    out->fn = (go_node *)fd;
    out->body = fd->u.func_decl.body;
    out->params = fd->u.func_decl.type ? fd->u.func_decl.type->u.func_type.params : NULL;
    out->file = file;
    const ls_atom *a = fd->u.func_decl.name ? fd->u.func_decl.name->u.ident.name : NULL;
    out->name = a ? ls_str_make(a->ptr, a->len) : ls_str_make(NULL, 0);
    return true;
}

/* Finds the type of one variable in a function: a parameter, receiver or
 * `var v T` gives T; `v := T{…}` or `v := &T{…}` gives T.  A variable's
 * type never changes, so one declaration is enough. */
typedef struct var_type {
    const go_node *var;
    const ls_atom *type;
} var_type;

static const ls_atom *composite_type(const go_node *x) {
    x = rulekit_unparen(x);
    if (x && x->kind == GO_UNARY_EXPR && x->op == GO_TOK_AND)
        x = rulekit_unparen(x->u.unary.x);
    return x && x->kind == GO_COMPOSITE_LIT ? rulekit_recv_base_type(x->u.composite.type) : NULL;
}

static bool var_type_pre(void *ctx, go_node *n) {
    var_type *v = ctx;
    if (v->type)
        return false;
    if (n->kind == GO_FIELD) {
        for (uint32_t i = 0; i < n->u.field.names.len; i++)
            if (n->u.field.names.at[i] == v->var)
                v->type = rulekit_recv_base_type(n->u.field.type);
    } else if (n->kind == GO_VALUE_SPEC && n->u.value_spec.type) {
        for (uint32_t i = 0; i < n->u.value_spec.names.len; i++)
            if (n->u.value_spec.names.at[i] == v->var)
                v->type = rulekit_recv_base_type(n->u.value_spec.type);
    } else if (n->kind == GO_ASSIGN_STMT && n->op == GO_TOK_DEFINE && n->u.assign.lhs.len == n->u.assign.rhs.len) {
        for (uint32_t i = 0; i < n->u.assign.lhs.len; i++)
            if (n->u.assign.lhs.at[i] == v->var)
                v->type = composite_type(n->u.assign.rhs.at[i]);
    }
    return !v->type;
}

/* go v.m() where v is a receiver, parameter or local of decl whose type
 * is a named type T of the package: the method T.m. */
static bool goroutine_of_method(const go_package *pkg, const go_node *sel, const go_node *decl,
                                rulekit_goroutine *out) {
    const go_node *x = rulekit_unparen(sel->u.selector.x);
    const go_node *d = x && x->kind == GO_IDENT ? go_decl_of(x) : NULL;
    if (!decl || decl->kind != GO_FUNC_DECL || !d || go_decl_is_pkg(d) || !sel->u.selector.sel)
        return false;
    var_type v = {d, NULL};
    go_walk((go_node *)decl, var_type_pre, NULL, &v);
    char type[128], name[128];
    if (!atom_cstr(v.type, type, sizeof type) || !atom_cstr(sel->u.selector.sel->u.ident.name, name, sizeof name))
        return false;
    go_file *file = NULL;
    const go_node *fd = go_package_method(pkg, type, name, &file);
    return fill_from_decl(fd, file, out);
}

bool rulekit_goroutine_of(go_file *f, const go_package *pkg, const go_node *go_stmt, const go_node *decl,
                          rulekit_goroutine *out) {
    memset(out, 0, sizeof *out);
    const go_node *call = go_stmt->u.go_stmt.call;
    if (!call || call->kind != GO_CALL_EXPR)
        return false;
    go_node *fun = rulekit_unparen(call->u.call.fun);
    if (fun && fun->kind == GO_FUNC_LIT) {
        out->fn = fun;
        out->body = fun->u.func_lit.body;
        out->params = fun->u.func_lit.type ? fun->u.func_lit.type->u.func_type.params : NULL;
        out->file = f;
        return out->body != NULL;
    }
    if (!pkg || !fun)
        return false;
    if (fun->kind == GO_SELECTOR_EXPR)
        return goroutine_of_method(pkg, fun, decl, out);
    if (fun->kind != GO_IDENT)
        return false;
    const go_node *d = go_decl_of(fun);
    if (d && !go_decl_is_pkg(d))
        return false; /* a local function value: anything */
    char name[128];
    if (!atom_cstr(fun->u.ident.name, name, sizeof name))
        return false;
    go_file *file = NULL;
    const go_node *fd = go_package_func(pkg, name, &file);
    return fill_from_decl(fd, file, out);
}

/* lit is called on the spot (or started with go). */
static bool lit_runs_in_place(const go_node *lit, const go_node *parent) {
    return parent && parent->kind == GO_CALL_EXPR && rulekit_unparen(parent->u.call.fun) == lit;
}

/* lit is handed to a one-argument .Do: sync.Once runs it once per process. */
static bool lit_runs_once(const go_node *lit, const go_node *parent) {
    if (!parent || parent->kind != GO_CALL_EXPR || parent->u.call.args.len != 1 || parent->u.call.args.at[0] != lit)
        return false;
    const go_node *fun = rulekit_unparen(parent->u.call.fun);
    return fun && fun->kind == GO_SELECTOR_EXPR && rulekit_ident_is(fun->u.selector.sel, "Do");
}

typedef struct calls_name {
    const char *name;
    bool found;
} calls_name;

static bool calls_name_pre(void *ctx, go_node *n) {
    calls_name *c = ctx;
    if (c->found)
        return false;
    if (n->kind == GO_CALL_EXPR) {
        const go_node *fun = rulekit_unparen(n->u.call.fun);
        if (fun && fun->kind == GO_IDENT && atom_eq(fun->u.ident.name, c->name))
            c->found = true;
    }
    return true;
}

/* A package-level variable named by x (an Ident, or the root of x.a.b):
 * its declaring Ident when in this file, else x itself when unbound and
 * not an import.  NULL for anything else. */
static const go_node *pkg_var_root(const go_file *f, const go_node *x) {
    x = rulekit_unparen(x);
    while (x && x->kind == GO_SELECTOR_EXPR)
        x = rulekit_unparen(x->u.selector.x);
    if (!x || x->kind != GO_IDENT)
        return NULL;
    const go_node *d = go_decl_of(x);
    if (d)
        return go_decl_is_pkg(d) ? d : NULL;
    return go_import_of(f, x) ? NULL : x;
}

static bool same_pkg_var(const go_node *a, const go_node *b) {
    return a == b || (a->u.ident.name == b->u.ident.name && go_decl_of(a) == go_decl_of(b));
}

/* The hand-written once:  if started != nil { return }; started = …; go …
 * with `started` a package variable: one goroutine per process. */
static bool guarded_once(const go_file *f, const go_node *decl, const go_node *go_stmt) {
    const go_list *l = &decl->u.func_decl.body->u.block.list;
    const go_node *guard = NULL;
    for (uint32_t i = 0; i < l->len && l->at[i]->end <= go_stmt->pos; i++) {
        const go_node *s = l->at[i];
        if (!guard && s->kind == GO_IF_STMT && !s->u.if_stmt.init && !s->u.if_stmt.else_ && s->u.if_stmt.body &&
            s->u.if_stmt.body->u.block.list.len == 1 &&
            s->u.if_stmt.body->u.block.list.at[0]->kind == GO_RETURN_STMT) {
            const go_node *c = rulekit_unparen(s->u.if_stmt.cond);
            if (c && c->kind == GO_BINARY_EXPR)
                c = c->u.binary.x;
            else if (c && c->kind == GO_UNARY_EXPR && c->op == GO_TOK_NOT)
                c = c->u.unary.x;
            guard = pkg_var_root(f, c);
        } else if (guard && s->kind == GO_ASSIGN_STMT) {
            for (uint32_t j = 0; j < s->u.assign.lhs.len; j++) {
                const go_node *v = pkg_var_root(f, s->u.assign.lhs.at[j]);
                if (v && same_pkg_var(v, guard))
                    return true;
            }
        }
    }
    return false;
}

bool rulekit_go_lives_with_program(const go_file *f, const go_package *pkg, const go_node *go_stmt,
                                   go_node *const *stack, size_t depth) {
    const go_node *decl = NULL;
    for (size_t d = depth; d-- > 0 && !decl;) {
        const go_node *n = stack[d];
        if (n->kind == GO_FUNC_DECL)
            decl = n;
        else if (n->kind == GO_FUNC_LIT && lit_runs_once(n, d ? stack[d - 1] : NULL))
            return true;
        else if (n->kind == GO_FUNC_LIT && !lit_runs_in_place(n, d ? stack[d - 1] : NULL))
            return false;
    }
    if (!decl || !decl->u.func_decl.body || !decl->u.func_decl.name)
        return false;
    if (guarded_once(f, decl, go_stmt))
        return true;
    if (decl->u.func_decl.recv)
        return false;
    const ls_atom *name = decl->u.func_decl.name->u.ident.name;
    if (atom_eq(name, "init"))
        return true;
    const go_node *pkg_name = f->root ? f->root->u.file.name : NULL;
    if (!pkg_name || !atom_eq(pkg_name->u.ident.name, "main"))
        return false;
    if (atom_eq(name, "main"))
        return true;
    /* one level down: a helper that main calls by name */
    char buf[128];
    const go_node *main_fn = pkg ? go_package_func(pkg, "main", NULL) : NULL;
    if (!main_fn || !atom_cstr(name, buf, sizeof buf))
        return false;
    calls_name c = {buf, false};
    go_walk(main_fn->u.func_decl.body, calls_name_pre, NULL, &c);
    return c.found;
}

/* ---- loop facts ---- */

typedef struct loop_walk {
    const go_file *f;
    const go_package *pkg;
    const go_node *loop;
    rulekit_loop *out;
    int nest; /* breakable statements between the loop and the node */
} loop_walk;

/* A method whose name says it does not come back: s.fatalf, l.Panic,
 * p.exit, mustParse… (a project's own no-return helpers). */
static bool exits_by_name(const go_node *fun) {
    static const char *const prefixes[] = {"fatal", "panic", "exit", "goexit", "die", "abort", "must"};
    const ls_atom *a = NULL;
    if (fun->kind == GO_SELECTOR_EXPR && fun->u.selector.sel && fun->u.selector.sel->kind == GO_IDENT)
        a = fun->u.selector.sel->u.ident.name;
    else if (fun->kind == GO_IDENT)
        a = fun->u.ident.name;
    if (!a)
        return false;
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        size_t n = strlen(prefixes[i]);
        if (a->len >= n && strncasecmp(a->ptr, prefixes[i], n) == 0)
            return true;
    }
    return false;
}

static bool finds_no_return_pre(void *ctx, go_node *n) {
    bool *found = ctx;
    if (*found || n->kind == GO_FUNC_LIT)
        return false;
    if (n->kind == GO_CALL_EXPR && go_cfg_default_no_return(NULL, n))
        *found = true;
    return true;
}

/* f() where f is a package function with a panic/os.Exit/… in its body. */
static bool calls_exiting_func(const loop_walk *w, const go_node *fun) {
    if (!w->pkg || fun->kind != GO_IDENT)
        return false;
    const go_node *d = go_decl_of(fun);
    char name[128];
    if ((d && !go_decl_is_pkg(d)) || !atom_cstr(fun->u.ident.name, name, sizeof name))
        return false;
    const go_node *fd = go_package_func(w->pkg, name, NULL);
    bool found = false;
    if (fd && fd->u.func_decl.body)
        go_walk(fd->u.func_decl.body, finds_no_return_pre, NULL, &found);
    return found;
}

static void loop_call(loop_walk *w, go_node *call) {
    const go_node *fun = rulekit_unparen(call->u.call.fun);
    if (!fun)
        return;
    if (go_is_pkg_call(w->f, call, "time", "Sleep") ||
        (fun->kind == GO_SELECTOR_EXPR && call->u.call.args.len == 0 && rulekit_ident_is(fun->u.selector.sel, "Wait"))) {
        if (!w->out->blocks)
            w->out->blocks = call;
        return;
    }
    if (go_cfg_default_no_return(NULL, call) || exits_by_name(fun) || calls_exiting_func(w, fun))
        w->out->exit = call;
}

/* The label of a break or goto is declared outside the loop. */
static bool label_outside(const loop_walk *w, const go_node *label) {
    const go_node *d = go_decl_of(label);
    return !d || d->pos < w->loop->pos || d->pos >= w->loop->end;
}

static bool select_has_default(const go_node *sel) {
    const go_list *cl = &sel->u.select_stmt.body->u.block.list;
    for (uint32_t i = 0; i < cl->len; i++)
        if (cl->at[i]->kind == GO_COMM_CLAUSE && !cl->at[i]->u.comm_clause.comm)
            return true;
    return false;
}

static bool loop_pre(void *ctx, go_node *n);
static void loop_post(void *ctx, go_node *n);

/* A select with a default never waits: only its clause bodies matter. */
static void loop_polling_select(loop_walk *w, go_node *sel) {
    const go_list *cl = &sel->u.select_stmt.body->u.block.list;
    w->nest++;
    for (uint32_t i = 0; i < cl->len; i++) {
        if (cl->at[i]->kind != GO_COMM_CLAUSE)
            continue;
        const go_list *body = &cl->at[i]->u.comm_clause.body;
        for (uint32_t j = 0; j < body->len; j++)
            go_walk(body->at[j], loop_pre, loop_post, w);
    }
    w->nest--;
}

static bool loop_pre(void *ctx, go_node *n) {
    loop_walk *w = ctx;
    switch (n->kind) {
    case GO_FUNC_LIT:
        return false;
    case GO_RETURN_STMT:
        w->out->exit = w->out->leaves = n;
        return true;
    case GO_BRANCH_STMT:
        if ((n->op == GO_TOK_BREAK && !n->u.branch.label && w->nest == 0) ||
            ((n->op == GO_TOK_BREAK || n->op == GO_TOK_GOTO) && n->u.branch.label &&
             label_outside(w, n->u.branch.label)))
            w->out->exit = w->out->leaves = n;
        return true;
    case GO_SELECT_STMT:
        if (!n->u.select_stmt.body)
            return false;
        if (select_has_default(n)) {
            loop_polling_select(w, n);
            return false;
        }
        if (!w->out->blocks)
            w->out->blocks = n;
        w->nest++;
        return true;
    case GO_FOR_STMT:
    case GO_RANGE_STMT:
    case GO_SWITCH_STMT:
    case GO_TYPE_SWITCH_STMT:
        w->nest++;
        return true;
    case GO_UNARY_EXPR:
        if (n->op == GO_TOK_ARROW && !w->out->blocks)
            w->out->blocks = n;
        return true;
    case GO_SEND_STMT:
        if (!w->out->blocks)
            w->out->blocks = n;
        return true;
    case GO_CALL_EXPR:
        loop_call(w, n);
        return true;
    default:
        return true;
    }
}

static void loop_post(void *ctx, go_node *n) {
    loop_walk *w = ctx;
    switch (n->kind) {
    case GO_SELECT_STMT:
    case GO_FOR_STMT:
    case GO_RANGE_STMT:
    case GO_SWITCH_STMT:
    case GO_TYPE_SWITCH_STMT:
        w->nest--;
        break;
    default:
        break;
    }
}

void rulekit_loop_facts(const go_file *f, const go_package *pkg, go_node *loop, rulekit_loop *out) {
    memset(out, 0, sizeof *out);
    loop_walk w = {f, pkg, loop, out, 0};
    go_node *body = loop->kind == GO_FOR_STMT     ? loop->u.for_stmt.body
                    : loop->kind == GO_RANGE_STMT ? loop->u.range_stmt.body
                                                  : NULL;
    if (body)
        go_walk(body, loop_pre, loop_post, &w);
}

go_node *rulekit_next_forever_loop(const go_node *body, uint32_t *i) {
    if (!body || body->kind != GO_BLOCK_STMT)
        return NULL;
    const go_list *l = &body->u.block.list;
    for (; *i < l->len; (*i)++) {
        go_node *s = l->at[*i];
        while (s && s->kind == GO_LABELED_STMT)
            s = s->u.labeled.stmt;
        if (s && s->kind == GO_FOR_STMT && !s->u.for_stmt.cond) {
            (*i)++;
            return s;
        }
    }
    return NULL;
}

void rulekit_context_params(const go_file *f, const go_node *fields, void (*visit)(void *ctx, const go_node *decl),
                            void *ctx) {
    if (!fields || fields->kind != GO_FIELD_LIST)
        return;
    for (uint32_t i = 0; i < fields->u.field_list.list.len; i++) {
        const go_node *fd = fields->u.field_list.list.at[i];
        if (!go_is_pkg_selector(f, fd->u.field.type, "context", "Context"))
            continue;
        for (uint32_t j = 0; j < fd->u.field.names.len; j++) {
            const go_node *d = go_decl_of(fd->u.field.names.at[j]);
            if (d)
                visit(ctx, d);
        }
    }
}

bool rulekit_may_start_goroutine(const go_file *f) {
    const char *src = f->src, *end = f->src + f->len;
    for (const char *p = src; p + 2 < end && (p = memchr(p, 'g', (size_t)(end - p - 2)));) {
        const char *q = p++;
        if (q[1] != 'o' || (q[2] != ' ' && q[2] != '\t' && q[2] != '('))
            continue;
        if (q == src || q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\n' || q[-1] == ';' || q[-1] == '{' ||
            q[-1] == ':')
            return true;
    }
    return false;
}

/* ---- constant durations ------------------------------------------------- */

/* Nanoseconds of the time package's unit constants. */
static const struct duration_unit {
    const char *name;
    int64_t ns;
} duration_units[] = {
    {"Nanosecond", 1},         {"Microsecond", 1000},         {"Millisecond", 1000000},
    {"Second", 1000000000LL},  {"Minute", 60LL * 1000000000}, {"Hour", 3600LL * 1000000000},
};

/* An integer literal (decimal, 0x, 0o, 0b, legacy octal, with `_`). */
static bool duration_int_lit(const go_node *x, int64_t *out) {
    const char *s = x->u.lit.text;
    uint32_t n = x->u.lit.len, i = 0;
    int base = 10;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        base = 16, i = 2;
    else if (n >= 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
        base = 8, i = 2;
    else if (n >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
        base = 2, i = 2;
    else if (n >= 2 && s[0] == '0')
        base = 8, i = 1;
    int64_t v = 0;
    for (; i < n; i++) {
        char ch = s[i];
        int d;
        if (ch == '_')
            continue;
        if (ch >= '0' && ch <= '9')
            d = ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            d = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            d = ch - 'A' + 10;
        else
            return false;
        if (d >= base || __builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, d, &v))
            return false;
    }
    *out = v;
    return true;
}

typedef struct const_find {
    const go_node *decl; /* a declaring Ident, or NULL to match by name */
    const char *name;
    size_t len;
    const go_node *value; /* out */
} const_find;

static bool value_mentions_iota(void *ctx, go_node *n) {
    if (rulekit_ident_is(n, "iota") && !n->u.ident.decl)
        *(bool *)ctx = true;
    return !*(bool *)ctx;
}

/* A const spec with explicit values: the value of the name sought.  Specs
 * without values repeat the one before them and may use iota: skipped. */
static bool const_find_pre(void *ctx, go_node *n) {
    const_find *c = ctx;
    if (c->value)
        return false;
    if (n->kind != GO_GEN_DECL) /* by name: top-level consts only */
        return c->decl || (n->kind != GO_FUNC_DECL && n->kind != GO_FUNC_LIT);
    if (n->op != GO_TOK_CONST)
        return false;
    for (uint32_t i = 0; i < n->u.gen_decl.specs.len; i++) {
        const go_node *vs = n->u.gen_decl.specs.at[i];
        if (!vs || vs->kind != GO_VALUE_SPEC || vs->u.value_spec.names.len != vs->u.value_spec.values.len)
            continue;
        for (uint32_t j = 0; j < vs->u.value_spec.names.len; j++) {
            const go_node *id = vs->u.value_spec.names.at[j];
            bool match = c->decl ? id == c->decl
                                 : id && id->kind == GO_IDENT && id->u.ident.name->len == c->len &&
                                       memcmp(id->u.ident.name->ptr, c->name, c->len) == 0;
            if (!match)
                continue;
            bool iota = false;
            go_walk(vs->u.value_spec.values.at[j], value_mentions_iota, NULL, &iota);
            if (!iota)
                c->value = vs->u.value_spec.values.at[j];
            return false;
        }
    }
    return false;
}

/* The value expression of the constant x names, and the file it is in. */
static const go_node *duration_const(const go_file *f, const struct go_package *pkg, const go_node *x,
                                     const go_file **in) {
    const go_node *decl = go_decl_of(x);
    *in = f;
    if (decl) {
        const_find c = {.decl = decl};
        go_walk(f->root, const_find_pre, NULL, &c);
        return c.value;
    }
    if (!pkg || go_import_of(f, x))
        return NULL;
    /* declared in another file of the package (only top-level names are
     * left unbound by go_resolve) */
    const_find c = {.name = x->u.ident.name->ptr, .len = x->u.ident.name->len};
    for (size_t i = 0; i < go_package_file_count(pkg) && !c.value; i++) {
        go_file *g = go_package_file(pkg, i);
        if (g == f || !g->root)
            continue;
        for (uint32_t d = 0; d < g->root->u.file.decls.len && !c.value; d++)
            go_walk(g->root->u.file.decls.at[d], const_find_pre, NULL, &c);
        if (c.value)
            *in = g;
    }
    return c.value;
}

static bool duration_eval(const go_file *f, const struct go_package *pkg, const go_node *x, int depth, int64_t *out) {
    x = rulekit_unparen(x);
    if (!x || depth > 32)
        return false;
    switch (x->kind) {
    case GO_BASIC_LIT:
        return x->op == GO_TOK_INT && duration_int_lit(x, out);
    case GO_SELECTOR_EXPR:
    case GO_IDENT: {
        for (size_t i = 0; i < sizeof duration_units / sizeof *duration_units; i++)
            if (go_is_pkg_selector(f, x, "time", duration_units[i].name)) {
                *out = duration_units[i].ns;
                return true;
            }
        if (x->kind != GO_IDENT)
            return false;
        const go_file *in = f;
        const go_node *v = duration_const(f, pkg, x, &in);
        return v && duration_eval(in, pkg, v, depth + 1, out);
    }
    case GO_UNARY_EXPR: {
        int64_t v;
        if (!duration_eval(f, pkg, x->u.unary.x, depth + 1, &v))
            return false;
        if (x->op == GO_TOK_ADD)
            return *out = v, true;
        return x->op == GO_TOK_SUB && !__builtin_sub_overflow((int64_t)0, v, out);
    }
    case GO_BINARY_EXPR: {
        int64_t a, b;
        if (!duration_eval(f, pkg, x->u.binary.x, depth + 1, &a) || !duration_eval(f, pkg, x->u.binary.y, depth + 1, &b))
            return false;
        switch (x->op) {
        case GO_TOK_ADD:
            return !__builtin_add_overflow(a, b, out);
        case GO_TOK_SUB:
            return !__builtin_sub_overflow(a, b, out);
        case GO_TOK_MUL:
            return !__builtin_mul_overflow(a, b, out);
        case GO_TOK_QUO: /* integer constants divide with truncation, as in Go */
            if (b == 0 || (a == INT64_MIN && b == -1))
                return false;
            return *out = a / b, true;
        default:
            return false;
        }
    }
    case GO_CALL_EXPR: /* time.Duration(c) */
        return x->u.call.args.len == 1 && x->u.call.ellipsis == GO_NOPOS &&
               go_is_pkg_selector(f, x->u.call.fun, "time", "Duration") &&
               duration_eval(f, pkg, x->u.call.args.at[0], depth + 1, out);
    default:
        return false;
    }
}

bool rulekit_duration(const go_file *f, const struct go_package *pkg, const go_node *x, int64_t *ns) {
    return duration_eval(f, pkg, x, 0, ns);
}

void rulekit_fmt_duration(char *buf, size_t size, int64_t ns) {
    static const struct {
        int64_t ns;
        const char *unit;
    } steps[] = {
        {3600LL * 1000000000, "h"}, {60LL * 1000000000, "m"}, {1000000000, "s"},
        {1000000, "ms"},            {1000, "µs"},             {1, "ns"},
    };
    if (ns == 0) {
        snprintf(buf, size, "0s");
        return;
    }
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (ns % steps[i].ns == 0) {
            snprintf(buf, size, "%lld%s", (long long)(ns / steps[i].ns), steps[i].unit);
            return;
        }
}

/* ---- source text prefilters ---------------------------------------------- */

bool rulekit_text_has(const go_file *f, const go_node *n, const char *s) {
    return f->src && n && n->pos <= n->end && n->end <= f->len && memmem(f->src + n->pos, n->end - n->pos, s, strlen(s));
}

/* ---- the go statements of a file, for goroutine rules ---------------------- */

/* GRT002 and GRT003 walked files and loops the same way; these keep it in
 * one place (rulekit.h says why). */

static bool go_walker_pre(void *ctx, go_node *n) {
    rulekit_go_walker *w = ctx;
    if (n->kind == GO_FUNC_DECL && !(n->flags & GO_FLAG_HAS_GO))
        return false; /* no goroutine starts in it */
    if (n->kind == GO_GO_STMT) {
        lint_pass *pass = w->pass;
        const go_node *decl = w->depth > 1 && w->stack[1]->kind == GO_FUNC_DECL ? w->stack[1] : NULL;
        rulekit_goroutine g;
        if (rulekit_goroutine_of(pass->file, pass->pkg, n, decl, &g))
            w->on_go(w, n, decl, &g);
    }
    if (w->depth == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        go_node **s = ls_arena_alloc(w->pass->arena, cap * sizeof *s);
        if (w->depth)
            memcpy(s, w->stack, w->depth * sizeof *s);
        w->stack = s;
        w->cap = cap;
    }
    w->stack[w->depth++] = n;
    return true;
}

static void go_walker_post(void *ctx, go_node *n) {
    (void)n;
    ((rulekit_go_walker *)ctx)->depth--;
}

void rulekit_walk_go_stmts(lint_pass *pass, void (*on_go)(rulekit_go_walker *w, const go_node *go_stmt,
                                                          const go_node *decl, const rulekit_goroutine *g)) {
    rulekit_go_walker w = {pass, NULL, 0, 0, on_go};
    go_walk(pass->file->root, go_walker_pre, go_walker_post, &w);
}

go_node *rulekit_next_blocking_loop(const rulekit_goroutine *g, const go_package *pkg, uint32_t *i,
                                    rulekit_loop *lf) {
    go_node *loop;
    while ((loop = rulekit_next_forever_loop(g->body, i))) {
        rulekit_loop_facts(g->file, pkg, loop, lf);
        if (lf->blocks)
            return loop;
    }
    return NULL;
}

const char *rulekit_base_name(const char *path) {
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : (path ? path : "?");
}

/* ---- reaching forward through a function's graph ---------------------------- */

/* CTX005 and CTX006 carried this search twice (rulekit.h says why). */
bool rulekit_reaches(ls_arena *arena, const go_cfg *g, uint32_t b0, uint32_t i0,
                     rulekit_reach_step (*visit)(void *ctx, const go_node *n), void *ctx) {
    cfg_dfs d;
    cfg_dfs_start(&d, arena, g, b0, i0);
    uint32_t b, i;
    while (cfg_dfs_pop(&d, &b, &i)) {
        const go_cfg_block *k = &g->blocks[b];
        bool cut = false;
        for (; i < k->nnodes && !cut; i++) {
            rulekit_reach_step step = visit(ctx, k->nodes[i]);
            if (step == RULEKIT_REACH_FOUND)
                return true;
            cut = step == RULEKIT_REACH_CUT;
        }
        if (cut)
            continue;
        for (uint32_t s = 0; s < k->nsuccs; s++)
            cfg_dfs_push(&d, k->succs[s]);
    }
    return false;
}
