/*
 * cfg_goroot DIR: builds the control-flow graph of every function and
 * function literal of every .go file under DIR (GOROOT/src in ctest), as a
 * crash, sanitizer and speed check, and checks invariants on each graph:
 *
 *  - edges are in range and succs/preds agree;
 *  - in files without syntax errors, the graph offers exactly the nodes
 *    gocfg.h promises (every simple statement outside closures, and the
 *    conditions, tags, range operands and case expressions), each once;
 *  - a block ending in a return ends with its ReturnStmt; defers are all
 *    recorded.
 *
 * It also asks go_cfg_all_paths from the first 32 offered nodes of each
 * function.  Prints counts and the time spent parsing, building and
 * querying; exits 1 when an invariant fails.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leakscope/gocfg.h"

static struct {
    unsigned long files, broken, funcs, blocks, nodes, queries, failures;
    uint64_t parse_ns, build_ns, query_ns;
    ls_arena *arena;
    const char *path;
} st;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fail(const char *what, unsigned long a, unsigned long b) {
    if (st.failures++ < 20)
        fprintf(stderr, "%s: %s (%lu, %lu)\n", st.path, what, a, b);
}

/* What the graph of a body must offer, counted independently. */
typedef struct expect {
    unsigned long nodes, defers;
} expect;

static bool count_pre(void *ctx, go_node *n) {
    expect *e = ctx;
    switch (n->kind) {
    case GO_FUNC_LIT:
        return false;
    case GO_BAD_STMT: case GO_DECL_STMT: case GO_EMPTY_STMT: case GO_EXPR_STMT:
    case GO_SEND_STMT: case GO_INC_DEC_STMT: case GO_ASSIGN_STMT: case GO_GO_STMT:
    case GO_RETURN_STMT: case GO_BRANCH_STMT:
        e->nodes++;
        break;
    case GO_DEFER_STMT:
        e->nodes++;
        e->defers++;
        break;
    case GO_IF_STMT:
        e->nodes += n->u.if_stmt.cond != NULL;
        break;
    case GO_FOR_STMT:
        e->nodes += n->u.for_stmt.cond != NULL;
        break;
    case GO_RANGE_STMT:
        e->nodes += n->u.range_stmt.x != NULL;
        break;
    case GO_SWITCH_STMT: {
        e->nodes += n->u.switch_stmt.tag != NULL;
        go_list cs = n->u.switch_stmt.body->u.block.list;
        for (uint32_t i = 0; i < cs.len; i++)
            e->nodes += cs.at[i]->u.case_clause.list.len;
        break;
    }
    default:
        break;
    }
    return true;
}

static bool never(void *ctx, const go_node *n) {
    (void)ctx;
    (void)n;
    return false;
}

static void check_graph(go_file *f, go_node *body) {
    uint64_t t0 = now_ns();
    go_cfg *g = go_cfg_build(st.arena, body, NULL);
    uint64_t t1 = now_ns();
    st.build_ns += t1 - t0;
    st.funcs++;
    st.blocks += g->nblocks;
    unsigned long nodes = 0, succs = 0, preds = 0;
    for (uint32_t i = 0; i < g->nblocks; i++) {
        const go_cfg_block *k = &g->blocks[i];
        nodes += k->nnodes;
        succs += k->nsuccs;
        preds += k->npreds;
        if (k->index != i)
            fail("block index", i, k->index);
        for (uint32_t j = 0; j < k->nsuccs; j++)
            if (k->succs[j] >= g->nblocks)
                fail("successor out of range", i, k->succs[j]);
        for (uint32_t j = 0; j < k->npreds; j++)
            if (k->preds[j] >= g->nblocks)
                fail("predecessor out of range", i, k->preds[j]);
        if (k->term == GO_CFG_TERM_RETURN && (!k->nnodes || k->nodes[k->nnodes - 1]->kind != GO_RETURN_STMT))
            fail("return block without its ReturnStmt", i, k->nnodes);
        if (k->term != GO_CFG_TERM_NONE && k->nsuccs)
            fail("exit block with successors", i, k->nsuccs);
        for (uint32_t j = 0; j < k->nnodes; j++)
            if (k->nodes[j]->pos < body->pos || k->nodes[j]->end > body->end)
                fail("node outside the body", k->nodes[j]->pos, body->pos);
    }
    st.nodes += nodes;
    if (succs != preds)
        fail("succs and preds disagree", succs, preds);
    if (!f->nerrors) {
        expect e = {0, 0};
        go_walk(body, count_pre, NULL, &e);
        if (e.nodes != nodes)
            fail("offered nodes", nodes, e.nodes);
        if (e.defers != g->ndefers)
            fail("defers", g->ndefers, e.defers);
    }
    /* queries from the first offered nodes */
    unsigned long asked = 0;
    for (uint32_t i = 0; i < g->nblocks && asked < 32; i++)
        for (uint32_t j = 0; j < g->blocks[i].nnodes && asked < 32; j++, asked++) {
            const go_node *escape = NULL;
            bool all = go_cfg_all_paths(g, g->blocks[i].nodes[j], never, NULL, &escape);
            if (all != (escape == NULL))
                fail("all_paths and escape disagree", all, escape != NULL);
        }
    go_cfg_reaches_exit(g, NULL);
    st.queries += asked + 1;
    st.query_ns += now_ns() - t1;
}

typedef struct walk_ctx {
    go_file *f;
} walk_ctx;

static bool func_pre(void *ctx, go_node *n) {
    walk_ctx *w = ctx;
    if (n->kind == GO_FUNC_DECL && n->u.func_decl.body)
        check_graph(w->f, n->u.func_decl.body);
    else if (n->kind == GO_FUNC_LIT && n->u.func_lit.body)
        check_graph(w->f, n->u.func_lit.body);
    return true;
}

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
    (void)sb;
    (void)ftw;
    size_t n = strlen(path);
    if (type != FTW_F || n < 3 || strcmp(path + n - 3, ".go") != 0)
        return 0;
    int err = 0;
    go_file *f = go_parse_path(path, NULL, NULL, &err);
    if (!f)
        return 0;
    st.path = path;
    st.files++;
    st.broken += f->nerrors > 0;
    st.parse_ns += f->parse_ns;
    st.arena = ls_arena_new(0);
    walk_ctx w = {f};
    if (f->root)
        go_walk(f->root, func_pre, NULL, &w);
    ls_arena_free(st.arena);
    go_file_free(f);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fputs("usage: cfg_goroot DIR\n", stderr);
        return 2;
    }
    uint64_t t0 = now_ns();
    if (nftw(argv[1], visit, 64, FTW_PHYS) != 0) {
        perror(argv[1]);
        return 2;
    }
    double wall = (double)(now_ns() - t0) / 1e9;
    printf("files %lu (%lu with syntax errors), functions %lu, blocks %lu, nodes %lu, queries %lu\n",
           st.files, st.broken, st.funcs, st.blocks, st.nodes, st.queries);
    printf("parse %.3f s, cfg build %.3f s (%.1f%% of parse), queries %.3f s, wall %.3f s\n",
           (double)st.parse_ns / 1e9, (double)st.build_ns / 1e9,
           st.parse_ns ? 100.0 * (double)st.build_ns / (double)st.parse_ns : 0.0,
           (double)st.query_ns / 1e9, wall);
    if (st.files < 100)
        fail("too few files", st.files, 100);
    printf("%lu invariant failures\n", st.failures);
    return st.failures ? 1 : 0;
}
