/*
 * rulekit: helpers shared by the lint rules (see rulekit.h).
 *
 * Also small node predicates several rules share.
 *
 * Collecting branch conditions lets the control-flow walk
 * (rulekit_all_paths) follow only one side of a check such as
 * `if err != nil` or `if t != nil`.
 */
#include <stdio.h>
#include <string.h>

#include "rulekit.h"

#include "leakscope/goscope.h"

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

bool rulekit_all_paths(ls_arena *arena, go_cfg *g, uint32_t b0, uint32_t i0, const go_node *stmt,
                       bool (*covers)(void *ctx, go_node *n), int (*live_fn)(void *ctx, const go_node *n), void *ctx,
                       rulekit_walk *w) {
    bool *seen = ls_arena_zalloc(arena, g->nblocks * sizeof *seen);
    uint32_t *stack = ls_arena_alloc(arena, (g->nblocks + 1) * sizeof *stack);
    uint32_t *from = ls_arena_alloc(arena, (g->nblocks + 1) * sizeof *from);
    size_t depth = 0;
    stack[depth] = b0;
    from[depth++] = i0 + 1;
    while (depth) {
        depth--;
        go_cfg_block *k = &g->blocks[stack[depth]];
        uint32_t i = from[depth];
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
            uint32_t nb = k->succs[s];
            if (seen[nb])
                continue;
            seen[nb] = true;
            stack[depth] = nb;
            from[depth++] = 0;
        }
    }
    return true;
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
