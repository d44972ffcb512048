/*
 * rulekit: helpers shared by the lint rules (see rulekit.h).
 *
 * Also small node predicates several rules share.
 *
 * Collecting branch conditions lets the control-flow walk
 * (rulekit_all_paths) follow only one side of a check such as
 * `if err != nil` or `if t != nil`.
 */
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
