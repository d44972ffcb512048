/*
 * Channel facts (gochan.h, docs/chanfacts.md): the channels a function
 * makes and what its body and its goroutines do with them.
 *
 * Three walks.  The first finds the function's own `make(chan ...)`
 * assignments to local variables and whether it has a `go` statement at
 * all (most functions stop here).  The second walks the body once,
 * nested function literals included, keeping the chain of ancestors, so
 * that each identifier naming a channel is classified by its parent: an
 * operation, a go-statement argument, or an escape.  A frame per function
 * literal says whose code it is (the function, a goroutine, or a closure
 * that may run anywhere).  The third walks the body of each same-package
 * callee launched with `go f(ch)`, where the parameter stands for the
 * channel.  A table of aliases maps declaring identifiers (the variable,
 * or a parameter that receives it) to channels; lookups are linear: a
 * function has a handful of channels.
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "leakscope/gochan.h"

/* ---- small syntax helpers -------------------------------------------------- */

static go_node *unparen(go_node *x) {
    while (x && x->kind == GO_PAREN_EXPR)
        x = x->u.paren.x;
    return x;
}

static bool ident_is(const go_node *x, const char *name) {
    size_t n = strlen(name);
    return x && x->kind == GO_IDENT && x->u.ident.name && x->u.ident.name->len == n &&
           memcmp(x->u.ident.name->ptr, name, n) == 0;
}

/* An unbound (universe) identifier spelled name: make, close, len, nil. */
static bool builtin_is(const go_node *x, const char *name) {
    return ident_is(x, name) && !x->u.ident.decl;
}

/* x is make(chan T[, n]) */
static bool is_chan_make(go_node *x) {
    x = unparen(x);
    return x && x->kind == GO_CALL_EXPR && builtin_is(unparen(x->u.call.fun), "make") && x->u.call.args.len >= 1 &&
           unparen(x->u.call.args.at[0]) && unparen(x->u.call.args.at[0])->kind == GO_CHAN_TYPE;
}

static bool in_range(const go_node *n, go_pos p) {
    return n && p >= n->pos && p < n->end;
}

bool go_chan_text_may_have(const char *src, size_t len) {
    if (!src || !memmem(src, len, "make(chan", 9))
        return false;
    for (const char *p = src, *end = src + len; (p = memmem(p, (size_t)(end - p), "go ", 3)); p += 3)
        if (p == src || p[-1] == '\t' || p[-1] == ' ' || p[-1] == '{' || p[-1] == ';' || p[-1] == '\n')
            return true;
    return false;
}

/* ---- constants ------------------------------------------------------------- */

/* An integer literal (Go syntax: 0x, 0o, 0b, leading-0 octal, underscores). */
static bool parse_int(const go_node *lit, int64_t *out) {
    char buf[32];
    size_t n = 0;
    for (uint32_t i = 0; i < lit->u.lit.len; i++)
        if (lit->u.lit.text[i] != '_') {
            if (n + 1 >= sizeof buf)
                return false;
            buf[n++] = lit->u.lit.text[i];
        }
    buf[n] = 0;
    int base = 10;
    const char *s = buf;
    if (n > 1 && s[0] == '0') {
        char b = (char)(s[1] | 0x20);
        base = b == 'x' ? 16 : b == 'o' ? 8 : b == 'b' ? 2 : 8;
        s += (b == 'x' || b == 'o' || b == 'b') ? 2 : 1;
    }
    char *end = NULL;
    long long v = strtoll(s, &end, base);
    if (!end || *end || end == s)
        return false;
    *out = v;
    return true;
}

typedef struct const_find {
    const go_node *decl;
    go_node *gen;   /* the innermost GenDecl around the walk */
    go_node *value; /* found: the constant's value expression */
    bool is_const;  /* found: declared in a const block */
    bool found;
} const_find;

static bool const_pre(void *ctx, go_node *n) {
    const_find *c = ctx;
    if (c->found || !in_range(n, c->decl->pos))
        return false;
    if (n->kind == GO_GEN_DECL)
        c->gen = n;
    if (n->kind == GO_VALUE_SPEC)
        for (uint32_t i = 0; i < n->u.value_spec.names.len; i++)
            if (n->u.value_spec.names.at[i] == c->decl) {
                c->found = true;
                c->is_const = c->gen && c->gen->op == GO_TOK_CONST;
                c->value = i < n->u.value_spec.values.len ? n->u.value_spec.values.at[i] : NULL;
            }
    return !c->found;
}

/* decl is declared in a const block: *value gets its expression (NULL
 * for an implicit repetition such as iota lists). */
static bool const_decl(go_file *f, const go_node *decl, go_node **value) {
    const_find cf = {.decl = decl};
    go_walk(f->root, const_pre, NULL, &cf);
    *value = unparen(cf.value);
    return cf.is_const;
}

/* Only literals, operators, constants and unbound names: a constant
 * expression we do not evaluate (true), or something computed at run time
 * (false). */
static bool looks_constant(go_file *f, go_node *x) {
    x = unparen(x);
    go_node *v = NULL;
    if (!x)
        return false;
    switch (x->kind) {
    case GO_BASIC_LIT:
        return true;
    case GO_IDENT:
        return !x->u.ident.decl || const_decl(f, x->u.ident.decl, &v);
    case GO_BINARY_EXPR:
        return looks_constant(f, x->u.binary.x) && looks_constant(f, x->u.binary.y);
    case GO_UNARY_EXPR:
        return x->op != GO_TOK_ARROW && x->op != GO_TOK_AND && looks_constant(f, x->u.unary.x);
    default:
        return false;
    }
}

static void set_capacity(go_file *f, go_chan *c, go_node *make) {
    if (make->u.call.args.len < 2) {
        c->cap_kind = GO_CHAN_CAP_CONST;
        c->cap = 0;
        return;
    }
    go_node *x = unparen(make->u.call.args.at[1]);
    c->cap_expr = make->u.call.args.at[1];
    c->cap_kind = GO_CHAN_CAP_UNKNOWN;
    if (x && x->kind == GO_BASIC_LIT && x->op == GO_TOK_INT) {
        if (parse_int(x, &c->cap))
            c->cap_kind = GO_CHAN_CAP_CONST;
    } else if (x && x->kind == GO_IDENT && x->u.ident.decl) {
        go_node *v = NULL;
        if (!const_decl(f, x->u.ident.decl, &v))
            c->cap_kind = GO_CHAN_CAP_EXPR;
        else if (v && v->kind == GO_BASIC_LIT && v->op == GO_TOK_INT && parse_int(v, &c->cap))
            c->cap_kind = GO_CHAN_CAP_CONST;
    } else if (!looks_constant(f, x))
        c->cap_kind = GO_CHAN_CAP_EXPR;
}

/* ---- the state of the walks ---------------------------------------------- */

/* A declaring identifier that stands for a channel: the variable itself, or a
 * parameter of a goroutine's function.  scope: the walk that may see it (0:
 * the function body and its literals; k: the body of goroutine k's callee). */
typedef struct chan_alias {
    const go_node *decl;
    uint32_t chan, scope;
} chan_alias;

/* Whose code the walk is in: one frame per function literal entered. */
typedef struct frame {
    uint32_t goroutine; /* 0: the function; k: goroutines[k - 1] */
    uint32_t loops;     /* loops entered since the goroutine started */
    bool closure;       /* inside a literal that may run anywhere */
} frame;

typedef struct walker {
    ls_arena *arena;
    go_file *f;
    const go_package *pkg;
    go_chan_facts *cf;
    uint32_t *opcap;  /* capacity of each chan's ops array */
    uint32_t capchans, capgo;
    chan_alias *aliases;
    uint32_t naliases, capaliases;
    go_node **stack;  /* ancestors, stack[depth - 1] the current node */
    uint32_t depth, capstack;
    frame *frames;
    uint32_t nframes, capframes;
    uint32_t scope;   /* 0: the function; k: the callee of goroutine k */
    /* first walk */
    int lit_depth;
    bool has_go;
} walker;

/* Doubles an arena array of n used elements of size sz when it is full. */
static void *grow(ls_arena *a, void *arr, uint32_t n, uint32_t *cap, size_t sz) {
    if (n < *cap)
        return arr;
    uint32_t nc = *cap ? *cap * 2 : 8;
    void *p = ls_arena_alloc(a, nc * sz);
    if (n)
        memcpy(p, arr, n * sz);
    *cap = nc;
    return p;
}

static void add_alias(walker *w, const go_node *decl, uint32_t chan, uint32_t scope) {
    w->aliases = grow(w->arena, w->aliases, w->naliases, &w->capaliases, sizeof *w->aliases);
    w->aliases[w->naliases++] = (chan_alias){decl, chan, scope};
}

/* The channel index decl stands for in the current walk, or -1. */
static int chan_of(const walker *w, const go_node *decl) {
    if (!decl)
        return -1;
    for (uint32_t i = 0; i < w->naliases; i++)
        if (w->aliases[i].decl == decl && w->aliases[i].scope == w->scope)
            return (int)w->aliases[i].chan;
    return -1;
}

static void escape(walker *w, uint32_t c, unsigned how, go_pos at) {
    go_chan *ch = &w->cf->chans[c];
    if (!ch->escapes)
        ch->escape_pos = at;
    ch->escapes |= how;
}

/* ---- first walk: the makes ------------------------------------------------ */

static void note_make(walker *w, go_node *id, go_node *make, go_node *stmt, go_node *body) {
    if (!id || id->kind != GO_IDENT || !id->u.ident.decl)
        return;
    const go_node *decl = id->u.ident.decl;
    if (!in_range(body, decl->pos))
        return; /* a parameter, result, or outer variable */
    int c = chan_of(w, decl);
    if (c >= 0) { /* made twice */
        w->cf->chans[c].cap_kind = GO_CHAN_CAP_UNKNOWN;
        escape(w, (uint32_t)c, GO_CHAN_ESC_REASSIGN, stmt->pos);
        return;
    }
    go_chan_facts *cf = w->cf;
    cf->chans = grow(w->arena, cf->chans, cf->nchans, &w->capchans, sizeof *cf->chans);
    go_chan *ch = &cf->chans[cf->nchans];
    *ch = (go_chan){.decl = decl, .make = unparen(make), .make_stmt = stmt, .escape_pos = GO_NOPOS};
    set_capacity(w->f, ch, ch->make);
    add_alias(w, decl, cf->nchans++, 0);
}

static bool makes_pre(void *ctx, go_node *n) {
    walker *w = ctx;
    switch (n->kind) {
    case GO_FUNC_LIT:
        w->lit_depth++;
        break;
    case GO_GO_STMT:
        w->has_go = true;
        break;
    case GO_ASSIGN_STMT:
        if (!w->lit_depth && n->u.assign.lhs.len == n->u.assign.rhs.len &&
            (n->op == GO_TOK_DEFINE || n->op == GO_TOK_ASSIGN))
            for (uint32_t i = 0; i < n->u.assign.rhs.len; i++)
                if (is_chan_make(n->u.assign.rhs.at[i]))
                    note_make(w, n->u.assign.lhs.at[i], n->u.assign.rhs.at[i], n, w->cf->body);
        break;
    case GO_DECL_STMT: {
        go_node *gd = n->u.decl_stmt.decl;
        if (w->lit_depth || !gd || gd->kind != GO_GEN_DECL || gd->op != GO_TOK_VAR)
            break;
        for (uint32_t s = 0; s < gd->u.gen_decl.specs.len; s++) {
            go_node *vs = gd->u.gen_decl.specs.at[s];
            if (vs && vs->kind == GO_VALUE_SPEC && vs->u.value_spec.names.len == vs->u.value_spec.values.len)
                for (uint32_t i = 0; i < vs->u.value_spec.values.len; i++)
                    if (is_chan_make(vs->u.value_spec.values.at[i]))
                        note_make(w, vs->u.value_spec.names.at[i], vs->u.value_spec.values.at[i], n,
                                  w->cf->body);
        }
        break;
    }
    default:
        break;
    }
    return true;
}

static void makes_post(void *ctx, go_node *n) {
    walker *w = ctx;
    if (n->kind == GO_FUNC_LIT)
        w->lit_depth--;
}

/* ---- callees of go statements -------------------------------------------- */

typedef struct field_find {
    const go_node *decl;
    go_node *type;
    bool found;
} field_find;

static bool field_pre(void *ctx, go_node *n) {
    field_find *ff = ctx;
    if (ff->found || !in_range(n, ff->decl->pos))
        return false;
    if (n->kind == GO_FIELD)
        for (uint32_t i = 0; i < n->u.field.names.len; i++)
            if (n->u.field.names.at[i] == ff->decl) {
                ff->type = n->u.field.type;
                ff->found = true;
            }
    return !ff->found;
}

/* The name of T for a receiver or parameter declared `x T` or `x *T`. */
static const ls_atom *named_type_of_field(go_file *f, const go_node *decl) {
    field_find ff = {.decl = decl};
    go_walk(f->root, field_pre, NULL, &ff);
    go_node *t = unparen(ff.type);
    if (t && t->kind == GO_STAR_EXPR)
        t = unparen(t->u.star.x);
    if (t && t->kind == GO_INDEX_EXPR) /* T[K] */
        t = unparen(t->u.index.x);
    return t && t->kind == GO_IDENT ? t->u.ident.name : NULL;
}

static bool atom_cstr(const ls_atom *a, char *buf, size_t cap) {
    if (!a || a->len >= cap)
        return false;
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = 0;
    return true;
}

/* The FuncDecl named name at the top level of f, for when there is no
 * package index. */
static go_node *file_func(go_file *f, const go_node *decl) {
    go_list ds = f->root->u.file.decls;
    for (uint32_t i = 0; i < ds.len; i++)
        if (ds.at[i] && ds.at[i]->kind == GO_FUNC_DECL && ds.at[i]->u.func_decl.name == decl)
            return ds.at[i];
    return NULL;
}

/* The FuncDecl that `go fun(...)` runs, and its file; NULL when unknown. */
static go_node *callee_of(walker *w, go_node *fun, go_file **file) {
    fun = unparen(fun);
    char name[256], type[256];
    *file = w->f;
    if (fun && fun->kind == GO_IDENT) {
        const go_node *decl = fun->u.ident.decl;
        if (decl && go_decl_is_pkg(decl))
            return file_func(w->f, decl);
        if (decl || !w->pkg || !atom_cstr(fun->u.ident.name, name, sizeof name))
            return NULL; /* a local func value, or no index */
        return (go_node *)go_package_func(w->pkg, name, file);
    }
    if (fun && fun->kind == GO_SELECTOR_EXPR && w->pkg) {
        go_node *x = unparen(fun->u.selector.x);
        if (!x || x->kind != GO_IDENT || !x->u.ident.decl || go_decl_is_pkg(x->u.ident.decl))
            return NULL;
        const ls_atom *t = named_type_of_field(w->f, x->u.ident.decl);
        if (!fun->u.selector.sel || !atom_cstr(t, type, sizeof type) ||
            !atom_cstr(fun->u.selector.sel->u.ident.name, name, sizeof name))
            return NULL;
        return (go_node *)go_package_method(w->pkg, type, name, file);
    }
    return NULL;
}

/* The declaring Ident of parameter i of ftype (a FuncType); NULL when it
 * has no name or is `_`; *variadic when i falls on a `...T` parameter. */
static const go_node *param_at(const go_node *ftype, uint32_t i, bool *variadic) {
    *variadic = false;
    const go_node *ps = ftype ? ftype->u.func_type.params : NULL;
    uint32_t k = 0;
    for (uint32_t j = 0; ps && j < ps->u.field_list.list.len; j++) {
        const go_node *fld = ps->u.field_list.list.at[j];
        uint32_t names = fld->u.field.names.len ? fld->u.field.names.len : 1;
        bool var = fld->u.field.type && fld->u.field.type->kind == GO_ELLIPSIS;
        if (i < k + names) {
            *variadic = var;
            const go_node *id = fld->u.field.names.len ? fld->u.field.names.at[i - k] : NULL;
            return id && !ident_is(id, "_") ? id : NULL;
        }
        k += names;
        if (var) {
            *variadic = true;
            return NULL;
        }
    }
    return NULL;
}

/* Registers the go statement n; maps channel arguments to parameters. */
static void note_go(walker *w, go_node *n) {
    go_chan_facts *cf = w->cf;
    frame *fr = &w->frames[w->nframes - 1];
    go_node *call = n->u.go_stmt.call;
    go_node *fun = call ? unparen(call->u.call.fun) : NULL;
    go_chan_goroutine g = {.go_stmt = n, .file = w->f, .in_loop = fr->loops > 0, .parent = fr->goroutine};
    if (fun && fun->kind == GO_FUNC_LIT)
        g.func = fun;
    else if (fun)
        g.func = callee_of(w, fun, &g.file);
    cf->goroutines = grow(w->arena, cf->goroutines, cf->ngoroutines, &w->capgo, sizeof *cf->goroutines);
    cf->goroutines[cf->ngoroutines++] = g;
    uint32_t k = cf->ngoroutines;
    const go_node *ftype = !g.func ? NULL
                           : g.func->kind == GO_FUNC_LIT ? g.func->u.func_lit.type
                                                         : g.func->u.func_decl.type;
    for (uint32_t i = 0; call && i < call->u.call.args.len; i++) {
        go_node *a = unparen(call->u.call.args.at[i]);
        int c = a && a->kind == GO_IDENT ? chan_of(w, a->u.ident.decl) : -1;
        if (c < 0)
            continue;
        bool variadic = false;
        const go_node *p = param_at(ftype, i, &variadic);
        if (!g.func || variadic || call->u.call.ellipsis != GO_NOPOS)
            escape(w, (uint32_t)c, GO_CHAN_ESC_CALL, a->pos);
        else if (p)
            add_alias(w, p, (uint32_t)c, g.func->kind == GO_FUNC_LIT ? w->scope : k);
    }
}

/* ---- second walk: classifying uses --------------------------------------- */

/* The nearest ancestor of stack[from] that is not a ParenExpr (NULL at
 * the root); *at gets its stack index. */
static go_node *ancestor(const walker *w, uint32_t from, uint32_t *at) {
    while (from > 0 && w->stack[from - 1]->kind == GO_PAREN_EXPR)
        from--;
    if (from == 0)
        return NULL;
    *at = from - 1;
    return w->stack[from - 1];
}

/* The other ways out of the select around clause. */
static uint8_t select_ways(walker *w, go_node *sel, go_node *clause) {
    uint8_t ways = 0;
    go_list cl = sel->u.select_stmt.body ? sel->u.select_stmt.body->u.block.list : (go_list){0};
    for (uint32_t i = 0; i < cl.len; i++) {
        go_node *c = cl.at[i];
        if (!c || c == clause || c->kind != GO_COMM_CLAUSE)
            continue;
        go_node *comm = c->u.comm_clause.comm;
        if (!comm) {
            ways |= GO_CHAN_WAY_DEFAULT;
            continue;
        }
        go_node *x = comm->kind == GO_EXPR_STMT                                      ? comm->u.expr_stmt.x
                     : comm->kind == GO_ASSIGN_STMT && comm->u.assign.rhs.len == 1 ? comm->u.assign.rhs.at[0]
                                                                                     : NULL;
        x = unparen(x);
        go_node *ch = x && x->kind == GO_UNARY_EXPR && x->op == GO_TOK_ARROW ? unparen(x->u.unary.x) : NULL;
        go_node *fun = ch && ch->kind == GO_CALL_EXPR && ch->u.call.args.len == 0 ? unparen(ch->u.call.fun) : NULL;
        if (fun && fun->kind == GO_SELECTOR_EXPR && ident_is(fun->u.selector.sel, "Done"))
            ways |= GO_CHAN_WAY_DONE;
        else if (ch && (go_is_pkg_call(w->f, ch, "time", "After") || go_is_pkg_call(w->f, ch, "time", "Tick") ||
                        (ch->kind == GO_SELECTOR_EXPR && ident_is(ch->u.selector.sel, "C"))))
            ways |= GO_CHAN_WAY_TIMER;
        else
            ways |= GO_CHAN_WAY_OTHER;
    }
    return ways;
}

static void add_op(walker *w, uint32_t c, uint8_t kind, go_node *ref, go_node *node, uint32_t stmt_at) {
    go_chan *ch = &w->cf->chans[c];
    frame *fr = &w->frames[w->nframes - 1];
    go_chan_op op = {.kind = kind, .goroutine = fr->goroutine, .ref = ref, .node = node};
    if (fr->closure)
        op.flags |= GO_CHAN_OP_IN_CLOSURE;
    uint32_t loops = fr->loops;
    if (kind == GO_CHAN_OP_RANGE && loops)
        loops--; /* the range statement itself */
    if (loops)
        op.flags |= GO_CHAN_OP_IN_LOOP;
    /* the statement is a select case's comm: CommClause > stmt */
    uint32_t at = 0;
    go_node *clause = ancestor(w, stmt_at, &at);
    go_node *sel = NULL;
    if (clause && clause->kind == GO_COMM_CLAUSE && clause->u.comm_clause.comm == w->stack[stmt_at] && at >= 2 &&
        (sel = w->stack[at - 2])->kind == GO_SELECT_STMT) {
        op.flags |= GO_CHAN_OP_IN_SELECT;
        op.select_stmt = sel;
        op.select_ways = select_ways(w, sel, clause);
        if (op.select_ways)
            op.flags |= GO_CHAN_OP_SELECT_EXIT;
    }
    ch->ops = grow(w->arena, ch->ops, ch->nops, &w->opcap[c], sizeof *ch->ops);
    ch->ops[ch->nops++] = op;
}

static bool list_has(go_list l, const go_node *x) {
    for (uint32_t i = 0; i < l.len; i++)
        if (unparen(l.at[i]) == x)
            return true;
    return false;
}

/* n (at stack index top) names channel c: what is done with it. */
static void classify(walker *w, go_node *n, uint32_t c, uint32_t top) {
    uint32_t pi = 0, qi = 0;
    go_node *p = ancestor(w, top, &pi);
    go_node *q = p ? ancestor(w, pi, &qi) : NULL;
    if (!p) {
        escape(w, c, GO_CHAN_ESC_OTHER, n->pos);
        return;
    }
    switch (p->kind) {
    case GO_SEND_STMT:
        if (unparen(p->u.send.chan) == n)
            add_op(w, c, GO_CHAN_OP_SEND, n, p, pi);
        else
            escape(w, c, GO_CHAN_ESC_SEND, n->pos);
        return;
    case GO_UNARY_EXPR:
        if (p->op == GO_TOK_AND) {
            escape(w, c, GO_CHAN_ESC_ADDR, n->pos);
        } else if (p->op != GO_TOK_ARROW) {
            escape(w, c, GO_CHAN_ESC_OTHER, n->pos);
        } else if (q && q->kind == GO_ASSIGN_STMT && q->u.assign.lhs.len == 2 && q->u.assign.rhs.len == 1 &&
                   unparen(q->u.assign.rhs.at[0]) == p) {
            add_op(w, c, GO_CHAN_OP_RECV_OK, n, q, qi);
        } else {
            /* the statement around `<-ch`: ExprStmt, or AssignStmt v := <-ch */
            bool stmt = q && (q->kind == GO_EXPR_STMT || q->kind == GO_ASSIGN_STMT);
            add_op(w, c, GO_CHAN_OP_RECV, n, p, stmt ? qi : pi);
        }
        return;
    case GO_RANGE_STMT:
        if (unparen(p->u.range_stmt.x) == n)
            add_op(w, c, GO_CHAN_OP_RANGE, n, p, pi);
        else
            escape(w, c, GO_CHAN_ESC_REASSIGN, n->pos);
        return;
    case GO_CALL_EXPR:
        if (unparen(p->u.call.fun) == n)
            escape(w, c, GO_CHAN_ESC_OTHER, n->pos);
        else if (builtin_is(unparen(p->u.call.fun), "close"))
            add_op(w, c, GO_CHAN_OP_CLOSE, n, p, pi);
        else if (builtin_is(unparen(p->u.call.fun), "len") || builtin_is(unparen(p->u.call.fun), "cap"))
            ;
        else if (!(q && q->kind == GO_GO_STMT && q->u.go_stmt.call == p && w->scope == 0))
            escape(w, c, GO_CHAN_ESC_CALL, n->pos); /* go f(ch) was mapped by note_go */
        return;
    case GO_RETURN_STMT:
        escape(w, c, GO_CHAN_ESC_RETURN, n->pos);
        return;
    case GO_ASSIGN_STMT:
        if (list_has(p->u.assign.lhs, n)) {
            if (p != w->cf->chans[c].make_stmt || w->scope)
                escape(w, c, GO_CHAN_ESC_REASSIGN, n->pos);
        } else if (!(p->u.assign.lhs.len == 1 && ident_is(p->u.assign.lhs.at[0], "_"))) {
            escape(w, c, GO_CHAN_ESC_STORE, n->pos);
        }
        return;
    case GO_BINARY_EXPR:
        if (p->op != GO_TOK_EQL && p->op != GO_TOK_NEQ)
            escape(w, c, GO_CHAN_ESC_OTHER, n->pos);
        return;
    case GO_VALUE_SPEC:
    case GO_COMPOSITE_LIT:
    case GO_KEY_VALUE_EXPR:
        escape(w, c, GO_CHAN_ESC_STORE, n->pos);
        return;
    case GO_EXPR_STMT:
        return;
    default:
        escape(w, c, GO_CHAN_ESC_OTHER, n->pos);
        return;
    }
}

static void push_frame(walker *w, frame fr) {
    w->frames = grow(w->arena, w->frames, w->nframes, &w->capframes, sizeof *w->frames);
    w->frames[w->nframes++] = fr;
}

/* Entering a function literal at stack index top: whose code is it? */
static void enter_lit(walker *w, go_node *lit, uint32_t top) {
    frame cur = w->frames[w->nframes - 1];
    uint32_t pi = 0, qi = 0;
    go_node *p = ancestor(w, top, &pi);
    go_node *q = p ? ancestor(w, pi, &qi) : NULL;
    bool called = p && p->kind == GO_CALL_EXPR && unparen(p->u.call.fun) == lit;
    if (called && q && q->kind == GO_GO_STMT && w->scope == 0) {
        for (uint32_t k = 0; k < w->cf->ngoroutines; k++)
            if (w->cf->goroutines[k].go_stmt == q) {
                push_frame(w, (frame){.goroutine = k + 1, .closure = cur.closure});
                return;
            }
    }
    /* func(){...}() and defer func(){...}() run here, once */
    if (called && q && (q->kind == GO_EXPR_STMT || q->kind == GO_DEFER_STMT))
        push_frame(w, cur);
    else
        push_frame(w, (frame){.goroutine = cur.goroutine, .loops = cur.loops, .closure = true});
}

static bool uses_pre(void *ctx, go_node *n) {
    walker *w = ctx;
    w->stack = grow(w->arena, w->stack, w->depth, &w->capstack, sizeof *w->stack);
    w->stack[w->depth++] = n;
    switch (n->kind) {
    case GO_FUNC_LIT:
        enter_lit(w, n, w->depth - 1);
        break;
    case GO_FOR_STMT:
    case GO_RANGE_STMT:
        w->frames[w->nframes - 1].loops++;
        break;
    case GO_GO_STMT:
        if (w->scope == 0)
            note_go(w, n);
        break;
    case GO_IDENT:
        if (n->u.ident.decl && n->u.ident.decl != n) {
            int c = chan_of(w, n->u.ident.decl);
            if (c >= 0)
                classify(w, n, (uint32_t)c, w->depth - 1);
        }
        break;
    default:
        break;
    }
    return true;
}

static void uses_post(void *ctx, go_node *n) {
    walker *w = ctx;
    w->depth--;
    if (n->kind == GO_FUNC_LIT)
        w->nframes--;
    else if (n->kind == GO_FOR_STMT || n->kind == GO_RANGE_STMT)
        w->frames[w->nframes - 1].loops--;
}

/* Walks body as the code of goroutine `scope` (0: the function). */
static void walk_uses(walker *w, go_node *body, uint32_t scope) {
    w->scope = scope;
    w->depth = 0;
    w->nframes = 0;
    push_frame(w, (frame){.goroutine = scope});
    go_walk(body, uses_pre, uses_post, w);
}

/* ---- the API ------------------------------------------------------------- */

static go_node *body_of(go_node *func) {
    if (!func)
        return NULL;
    go_node *b = func->kind == GO_FUNC_DECL  ? func->u.func_decl.body
                 : func->kind == GO_FUNC_LIT ? func->u.func_lit.body
                                             : NULL;
    return b && b->kind == GO_BLOCK_STMT ? b : NULL;
}

go_chan_facts *go_chan_facts_of(ls_arena *arena, go_file *f, const go_package *pkg, go_node *func) {
    go_node *body = body_of(func);
    if (!f || !f->src || !body || body->pos > body->end || body->end > f->len || !memmem(f->src + body->pos, body->end - body->pos, "make(", 5))
        return NULL;
    go_chan_facts *cf = ls_arena_zalloc(arena, sizeof *cf);
    cf->func = func;
    cf->body = body;
    walker w = {.arena = arena, .f = f, .pkg = pkg, .cf = cf};
    go_walk(body, makes_pre, makes_post, &w);
    if (!cf->nchans || !w.has_go)
        return NULL;
    w.opcap = ls_arena_zalloc(arena, cf->nchans * sizeof *w.opcap);
    walk_uses(&w, body, 0);
    /* the callees of `go f(ch)`: their parameter is the channel */
    for (uint32_t k = 0; k < cf->ngoroutines; k++) {
        go_chan_goroutine *g = &cf->goroutines[k];
        bool mapped = false;
        for (uint32_t i = 0; i < w.naliases; i++)
            mapped |= w.aliases[i].scope == k + 1;
        if (!mapped || !g->func || g->func->kind != GO_FUNC_DECL || !body_of(g->func))
            continue;
        go_file *saved = w.f;
        w.f = g->file;
        walk_uses(&w, body_of(g->func), k + 1);
        w.f = saved;
    }
    return cf;
}

const go_chan *go_chan_find(const go_chan_facts *cf, const go_node *decl) {
    for (uint32_t i = 0; cf && i < cf->nchans; i++)
        if (cf->chans[i].decl == decl)
            return &cf->chans[i];
    return NULL;
}
