/*
 * Per-function control-flow graphs (include/leakscope/gocfg.h, docs/cfg.md).
 *
 * The builder walks the statements once, keeping a "current" block that
 * offered nodes are appended to.  Nodes and edges are collected as
 * (block, node) and (from, to) pairs in arena vectors and sorted into
 * per-block arrays by a counting sort at the end, so a block may be
 * created long before it becomes current (a loop's exit, a forward goto's
 * label).  After a jump (return, break, goto, a no-return call) the current
 * block is a fresh "dead" one: edges out of it are dropped while it is
 * still empty, so unreachable tails cost nothing.
 *
 * Recursion follows statement nesting only (the parser bounds it); lists
 * and else-if chains are loops.  Queries are a worklist over blocks.
 */
#include <string.h>

#include "leakscope/gocfg.h"

#define NONE UINT32_MAX

typedef struct node_ent {
    uint32_t block;
    go_node *node;
} node_ent;

typedef struct edge_ent {
    uint32_t from, to;
} edge_ent;

/* An enclosing statement that break (and, for loops, continue) can leave. */
typedef struct target {
    const ls_atom *label; /* NULL: unlabelled */
    uint32_t brk, cont;   /* cont NONE: switch/select */
} target;

typedef struct label_ent {
    const ls_atom *name;
    uint32_t block;
    bool placed;
} label_ent;

typedef struct builder {
    ls_arena *a;
    go_cfg_no_return_fn no_return;
    void *ctx;
    node_ent *nodes;
    uint32_t nnodes, capnodes;
    edge_ent *edges;
    uint32_t nedges, capedges;
    uint8_t *terms;
    uint32_t nblocks, capblocks;
    target *targets;
    uint32_t ntargets, captargets;
    label_ent *labels;
    uint32_t nlabels, caplabels;
    go_cfg_defer *defers;
    uint32_t ndefers, capdefers;
    uint32_t cur;         /* the current block */
    bool dead;            /* cur was made after a jump and nothing is in it yet */
    uint32_t fallthrough; /* the next clause body inside a switch clause, or NONE */
} builder;

/* Grows an arena vector to hold at least one more element (doubling: the
 * abandoned copies add up to less than the final size). */
static void *grow(ls_arena *a, void *p, uint32_t *cap, uint32_t len, size_t elsize) {
    if (len < *cap)
        return p;
    uint32_t ncap = *cap ? *cap * 2 : 16;
    void *np = ls_arena_alloc(a, (size_t)ncap * elsize);
    if (len)
        memcpy(np, p, (size_t)len * elsize);
    *cap = ncap;
    return np;
}

static uint32_t new_block(builder *b) {
    b->terms = grow(b->a, b->terms, &b->capblocks, b->nblocks, 1);
    b->terms[b->nblocks] = GO_CFG_TERM_NONE;
    return b->nblocks++;
}

static void add_node(builder *b, go_node *n) {
    if (!n)
        return;
    b->nodes = grow(b->a, b->nodes, &b->capnodes, b->nnodes, sizeof *b->nodes);
    b->nodes[b->nnodes++] = (node_ent){b->cur, n};
    b->dead = false;
}

static void add_edge(builder *b, uint32_t from, uint32_t to) {
    b->edges = grow(b->a, b->edges, &b->capedges, b->nedges, sizeof *b->edges);
    b->edges[b->nedges++] = (edge_ent){from, to};
}

/* An edge from the current block, unless it is an empty dead block. */
static void edge_from_cur(builder *b, uint32_t to) {
    if (!b->dead)
        add_edge(b, b->cur, to);
}

static void set_cur(builder *b, uint32_t block) {
    b->cur = block;
    b->dead = false;
}

/* The current block ends (jump, return, no-return call): what follows is
 * unreachable until a label or a join makes it current again. */
static void end_block(builder *b) {
    b->cur = new_block(b);
    b->dead = true;
}

static void jump(builder *b, uint32_t to) {
    edge_from_cur(b, to);
    end_block(b);
}

static void push_target(builder *b, const ls_atom *label, uint32_t brk, uint32_t cont) {
    b->targets = grow(b->a, b->targets, &b->captargets, b->ntargets, sizeof *b->targets);
    b->targets[b->ntargets++] = (target){label, brk, cont};
}

static const ls_atom *ident_atom(const go_node *n) {
    return n && n->kind == GO_IDENT ? n->u.ident.name : NULL;
}

/* The block of a label, made on first mention (a goto may come first). */
static label_ent *label_get(builder *b, const ls_atom *name) {
    for (uint32_t i = 0; i < b->nlabels; i++)
        if (b->labels[i].name == name)
            return &b->labels[i];
    b->labels = grow(b->a, b->labels, &b->caplabels, b->nlabels, sizeof *b->labels);
    label_ent *l = &b->labels[b->nlabels++];
    *l = (label_ent){name, new_block(b), false};
    return l;
}

static void build_stmt(builder *b, go_node *s, const ls_atom *label);

static void build_list(builder *b, go_list l) {
    for (uint32_t i = 0; i < l.len; i++)
        build_stmt(b, l.at[i], NULL);
}

static void build_body(builder *b, go_node *block) {
    if (block && block->kind == GO_BLOCK_STMT)
        build_list(b, block->u.block.list);
    else if (block)
        build_stmt(b, block, NULL);
}

static void build_branch(builder *b, go_node *s) {
    const ls_atom *label = ident_atom(s->u.branch.label);
    uint32_t to = NONE;
    switch (s->op) {
    case GO_TOK_BREAK:
    case GO_TOK_CONTINUE:
        for (uint32_t i = b->ntargets; i-- > 0;) {
            target *t = &b->targets[i];
            if (label ? t->label == label : (s->op == GO_TOK_BREAK || t->cont != NONE)) {
                to = s->op == GO_TOK_BREAK ? t->brk : t->cont;
                break;
            }
        }
        break;
    case GO_TOK_GOTO:
        if (label)
            to = label_get(b, label)->block;
        break;
    case GO_TOK_FALLTHROUGH:
        to = b->fallthrough;
        break;
    default:
        break;
    }
    if (to != NONE)
        jump(b, to);
    else
        end_block(b); /* invalid code: the path ends here */
}

static void build_if(builder *b, go_node *s) {
    uint32_t done = new_block(b);
    for (;;) {
        if (s->u.if_stmt.init)
            build_stmt(b, s->u.if_stmt.init, NULL);
        add_node(b, s->u.if_stmt.cond);
        go_node *els = s->u.if_stmt.else_;
        uint32_t then = new_block(b), other = els ? new_block(b) : done;
        edge_from_cur(b, then);
        edge_from_cur(b, other);
        set_cur(b, then);
        build_body(b, s->u.if_stmt.body);
        edge_from_cur(b, done);
        if (!els)
            break;
        set_cur(b, other);
        if (els->kind == GO_IF_STMT) { /* else if: a loop, not recursion */
            s = els;
            continue;
        }
        build_body(b, els);
        edge_from_cur(b, done);
        break;
    }
    set_cur(b, done);
}

static void build_for(builder *b, go_node *s, const ls_atom *label) {
    if (s->u.for_stmt.init)
        build_stmt(b, s->u.for_stmt.init, NULL);
    uint32_t head = new_block(b);
    edge_from_cur(b, head);
    set_cur(b, head);
    add_node(b, s->u.for_stmt.cond);
    uint32_t body = new_block(b), done = new_block(b);
    uint32_t post = s->u.for_stmt.post ? new_block(b) : head;
    add_edge(b, head, body);
    if (s->u.for_stmt.cond)
        add_edge(b, head, done);
    push_target(b, label, done, post);
    set_cur(b, body);
    build_body(b, s->u.for_stmt.body);
    b->ntargets--;
    edge_from_cur(b, post);
    if (s->u.for_stmt.post) {
        set_cur(b, post);
        build_stmt(b, s->u.for_stmt.post, NULL);
        edge_from_cur(b, head);
    }
    set_cur(b, done);
}

static void build_range(builder *b, go_node *s, const ls_atom *label) {
    add_node(b, s->u.range_stmt.x);
    uint32_t head = new_block(b);
    edge_from_cur(b, head);
    set_cur(b, head);
    uint32_t body = new_block(b), done = new_block(b);
    add_edge(b, head, body);
    add_edge(b, head, done);
    push_target(b, label, done, head);
    set_cur(b, body);
    build_body(b, s->u.range_stmt.body);
    b->ntargets--;
    edge_from_cur(b, head);
    set_cur(b, done);
}

/* Expression switches and type switches.  An expression switch tests its
 * cases in order: each non-default clause has a block for its case
 * expressions, chained one to the next, the last going on to the default
 * clause or out of the switch.  A type switch goes from its header to each
 * clause (its cases are types: nothing is evaluated). */
static void build_switch(builder *b, go_node *s, const ls_atom *label) {
    bool type_switch = s->kind == GO_TYPE_SWITCH_STMT;
    go_node *init = type_switch ? s->u.type_switch.init : s->u.switch_stmt.init;
    go_node *body = type_switch ? s->u.type_switch.body : s->u.switch_stmt.body;
    if (init)
        build_stmt(b, init, NULL);
    if (type_switch) {
        if (s->u.type_switch.assign)
            build_stmt(b, s->u.type_switch.assign, NULL);
    } else {
        add_node(b, s->u.switch_stmt.tag);
    }
    go_list clauses = body && body->kind == GO_BLOCK_STMT ? body->u.block.list : (go_list){NULL, 0};
    uint32_t header = b->dead ? NONE : b->cur; /* NONE: unreachable, no edges */
    uint32_t done = new_block(b);
    uint32_t *test = clauses.len ? ls_arena_alloc(b->a, clauses.len * sizeof *test) : NULL;
    uint32_t *bodies = clauses.len ? ls_arena_alloc(b->a, clauses.len * sizeof *bodies) : NULL;
    uint32_t dflt = NONE, last = header;
    for (uint32_t i = 0; i < clauses.len; i++) {
        go_node *c = clauses.at[i];
        bodies[i] = new_block(b);
        test[i] = NONE;
        if (!c || c->kind != GO_CASE_CLAUSE)
            continue;
        if (c->u.case_clause.list.len == 0) {
            dflt = i;
        } else if (type_switch) {
            if (header != NONE)
                add_edge(b, header, bodies[i]);
        } else {
            test[i] = new_block(b);
            if (last != NONE)
                add_edge(b, last, test[i]);
            last = test[i];
        }
    }
    if (type_switch)
        last = header;
    if (last != NONE)
        add_edge(b, last, dflt != NONE ? bodies[dflt] : done);
    push_target(b, label, done, NONE);
    uint32_t outer_fallthrough = b->fallthrough;
    for (uint32_t i = 0; i < clauses.len; i++) {
        go_node *c = clauses.at[i];
        if (test[i] != NONE) {
            set_cur(b, test[i]);
            for (uint32_t j = 0; j < c->u.case_clause.list.len; j++)
                add_node(b, c->u.case_clause.list.at[j]);
            edge_from_cur(b, bodies[i]);
        }
        set_cur(b, bodies[i]);
        b->fallthrough = i + 1 < clauses.len ? bodies[i + 1] : NONE;
        if (c && c->kind == GO_CASE_CLAUSE)
            build_list(b, c->u.case_clause.body);
        edge_from_cur(b, done);
    }
    b->fallthrough = outer_fallthrough;
    b->ntargets--;
    set_cur(b, done);
}

static void build_select(builder *b, go_node *s, const ls_atom *label) {
    go_node *body = s->u.select_stmt.body;
    go_list clauses = body && body->kind == GO_BLOCK_STMT ? body->u.block.list : (go_list){NULL, 0};
    if (clauses.len == 0) { /* select {}: blocks forever */
        end_block(b);
        return;
    }
    uint32_t done = new_block(b);
    uint32_t first = b->nblocks;
    for (uint32_t i = 0; i < clauses.len; i++)
        edge_from_cur(b, new_block(b));
    push_target(b, label, done, NONE);
    for (uint32_t i = 0; i < clauses.len; i++) {
        go_node *c = clauses.at[i];
        set_cur(b, first + i);
        if (c && c->kind == GO_COMM_CLAUSE) {
            if (c->u.comm_clause.comm)
                build_stmt(b, c->u.comm_clause.comm, NULL);
            build_list(b, c->u.comm_clause.body);
        }
        edge_from_cur(b, done);
    }
    b->ntargets--;
    set_cur(b, done);
}

static void build_stmt(builder *b, go_node *s, const ls_atom *label) {
    if (!s)
        return;
    switch (s->kind) {
    case GO_LABELED_STMT: {
        const ls_atom *name = ident_atom(s->u.labeled.label);
        if (name) {
            label_ent *l = label_get(b, name);
            uint32_t block = l->placed ? new_block(b) : l->block; /* a duplicate label */
            l->placed = true;
            edge_from_cur(b, block);
            set_cur(b, block);
        }
        build_stmt(b, s->u.labeled.stmt, name);
        break;
    }
    case GO_BLOCK_STMT:
        build_list(b, s->u.block.list);
        break;
    case GO_IF_STMT:
        build_if(b, s);
        break;
    case GO_FOR_STMT:
        build_for(b, s, label);
        break;
    case GO_RANGE_STMT:
        build_range(b, s, label);
        break;
    case GO_SWITCH_STMT:
    case GO_TYPE_SWITCH_STMT:
        build_switch(b, s, label);
        break;
    case GO_SELECT_STMT:
        build_select(b, s, label);
        break;
    case GO_RETURN_STMT:
        add_node(b, s);
        b->terms[b->cur] = GO_CFG_TERM_RETURN;
        end_block(b);
        break;
    case GO_BRANCH_STMT:
        add_node(b, s);
        build_branch(b, s);
        break;
    case GO_EXPR_STMT: {
        add_node(b, s);
        go_node *x = s->u.expr_stmt.x;
        if (x && x->kind == GO_CALL_EXPR && b->no_return(b->ctx, x)) {
            b->terms[b->cur] = GO_CFG_TERM_NO_RETURN;
            end_block(b);
        }
        break;
    }
    case GO_DEFER_STMT:
        add_node(b, s);
        b->defers = grow(b->a, b->defers, &b->capdefers, b->ndefers, sizeof *b->defers);
        b->defers[b->ndefers++] = (go_cfg_defer){s, b->cur};
        break;
    default: /* simple statements; clauses out of place in broken trees */
        add_node(b, s);
        break;
    }
}

/* ---- no-return calls ------------------------------------------------------ */

static bool atom_is(const ls_atom *a, const char *s) {
    size_t n = strlen(s);
    return a && a->len == n && memcmp(a->ptr, s, n) == 0;
}

static const go_node *unparen(const go_node *n) {
    while (n && n->kind == GO_PAREN_EXPR)
        n = n->u.paren.x;
    return n;
}

bool go_cfg_default_no_return(void *ctx, const go_node *call) {
    (void)ctx;
    if (!call || call->kind != GO_CALL_EXPR)
        return false;
    const go_node *fun = unparen(call->u.call.fun);
    if (!fun)
        return false;
    if (fun->kind == GO_IDENT)
        return atom_is(fun->u.ident.name, "panic");
    if (fun->kind != GO_SELECTOR_EXPR)
        return false;
    const ls_atom *sel = ident_atom(fun->u.selector.sel);
    if (!sel)
        return false;
    static const char *const methods[] = {"Fatal", "Fatalf", "FailNow", "Skip", "Skipf", "SkipNow"};
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
        if (atom_is(sel, methods[i]))
            return true;
    const ls_atom *pkg = ident_atom(unparen(fun->u.selector.x));
    if (atom_is(pkg, "os") || atom_is(pkg, "syscall"))
        return atom_is(sel, "Exit");
    if (atom_is(pkg, "runtime"))
        return atom_is(sel, "Goexit");
    if (atom_is(pkg, "log"))
        return atom_is(sel, "Fatalln") || atom_is(sel, "Panic") || atom_is(sel, "Panicf") ||
               atom_is(sel, "Panicln");
    return false;
}

/* ---- assembly ------------------------------------------------------------- */

go_cfg *go_cfg_build(ls_arena *arena, go_node *body, const go_cfg_options *opts) {
    builder b;
    memset(&b, 0, sizeof b);
    b.a = arena;
    b.no_return = opts && opts->is_no_return ? opts->is_no_return : go_cfg_default_no_return;
    b.ctx = opts ? opts->ctx : NULL;
    b.fallthrough = NONE;
    set_cur(&b, new_block(&b));
    if (body)
        build_body(&b, body);
    if (!b.dead)
        b.terms[b.cur] = GO_CFG_TERM_FALLOFF;

    go_cfg *g = ls_arena_zalloc(arena, sizeof *g);
    uint32_t n = b.nblocks;
    g->body = body;
    g->nblocks = n;
    g->blocks = ls_arena_zalloc(arena, (size_t)n * sizeof *g->blocks);
    g->defers = b.defers;
    g->ndefers = b.ndefers;
    g->mark_ = ls_arena_zalloc(arena, ((size_t)n + 1) * sizeof *g->mark_);
    g->stack_ = ls_arena_alloc(arena, (size_t)n * sizeof *g->stack_);
    for (uint32_t i = 0; i < n; i++) {
        g->blocks[i].index = i;
        g->blocks[i].term = b.terms[i];
    }

    /* counting sorts: count, hand out slices, fill (stable: source order) */
    go_node **nodes = ls_arena_alloc(arena, ((size_t)b.nnodes + 1) * sizeof *nodes);
    uint32_t *succs = ls_arena_alloc(arena, ((size_t)b.nedges + 1) * sizeof *succs);
    uint32_t *preds = ls_arena_alloc(arena, ((size_t)b.nedges + 1) * sizeof *preds);
    for (uint32_t i = 0; i < b.nnodes; i++)
        g->blocks[b.nodes[i].block].nnodes++;
    for (uint32_t i = 0; i < b.nedges; i++) {
        g->blocks[b.edges[i].from].nsuccs++;
        g->blocks[b.edges[i].to].npreds++;
    }
    uint32_t on = 0, os = 0, op = 0;
    for (uint32_t i = 0; i < n; i++) {
        go_cfg_block *k = &g->blocks[i];
        k->nodes = nodes + on;
        k->succs = succs + os;
        k->preds = preds + op;
        on += k->nnodes;
        os += k->nsuccs;
        op += k->npreds;
        k->nnodes = k->nsuccs = k->npreds = 0;
    }
    for (uint32_t i = 0; i < b.nnodes; i++) {
        go_cfg_block *k = &g->blocks[b.nodes[i].block];
        k->nodes[k->nnodes++] = b.nodes[i].node;
    }
    for (uint32_t i = 0; i < b.nedges; i++) {
        go_cfg_block *f = &g->blocks[b.edges[i].from], *t = &g->blocks[b.edges[i].to];
        f->succs[f->nsuccs++] = b.edges[i].to;
        t->preds[t->npreds++] = b.edges[i].from;
    }
    /* reachability from the entry, for go_cfg_for_each_exit and readers */
    uint32_t *stack = g->stack_, depth = 0;
    g->blocks[0].reachable = true;
    stack[depth++] = 0;
    while (depth) {
        const go_cfg_block *k = &g->blocks[stack[--depth]];
        for (uint32_t i = 0; i < k->nsuccs; i++)
            if (!g->blocks[k->succs[i]].reachable) {
                g->blocks[k->succs[i]].reachable = true;
                stack[depth++] = k->succs[i];
            }
    }
    return g;
}

/* ---- queries -------------------------------------------------------------- */

bool go_cfg_find(const go_cfg *g, const go_node *node, uint32_t *block, uint32_t *index) {
    if (!node)
        return false;
    for (uint32_t i = 0; i < g->nblocks; i++)
        for (uint32_t j = 0; j < g->blocks[i].nnodes; j++)
            if (g->blocks[i].nodes[j] == node) {
                if (block)
                    *block = i;
                if (index)
                    *index = j;
                return true;
            }
    return false;
}

static const go_node *exit_node(const go_cfg *g, const go_cfg_block *k) {
    if (k->term == GO_CFG_TERM_RETURN)
        return k->nodes[k->nnodes - 1];
    return k->term == GO_CFG_TERM_FALLOFF ? g->body : NULL;
}

enum { SCAN_COVERED, SCAN_EXIT, SCAN_STOP, SCAN_ON };

/* Runs block k from node `start`: covered by pred, at an exit, stopped (a
 * no-return call, or no successors), or going on. */
static int scan(const go_cfg_block *k, uint32_t start, go_cfg_pred pred, void *ctx) {
    for (uint32_t i = start; i < k->nnodes; i++)
        if (pred(ctx, k->nodes[i]))
            return SCAN_COVERED;
    if (k->term == GO_CFG_TERM_RETURN || k->term == GO_CFG_TERM_FALLOFF)
        return SCAN_EXIT;
    return k->term == GO_CFG_TERM_NO_RETURN || k->nsuccs == 0 ? SCAN_STOP : SCAN_ON;
}

bool go_cfg_all_paths(const go_cfg *g, const go_node *from, go_cfg_pred pred, void *ctx,
                      const go_node **escape) {
    if (escape)
        *escape = NULL;
    uint32_t start = 0, index = 0;
    if (from) {
        if (!go_cfg_find(g, from, &start, &index))
            return false;
        index++;
    }
    uint32_t *mark = g->mark_, gen = ++mark[g->nblocks];
    if (gen == 0) { /* wrapped: start the generations again */
        memset(mark, 0, (size_t)g->nblocks * sizeof *mark);
        gen = mark[g->nblocks] = 1;
    }
    uint32_t *stack = g->stack_, depth = 0;
    /* The start block is scanned from `from` on; it is marked only when
     * a path comes round to its beginning. */
    uint32_t b = start, at = index;
    for (;;) {
        const go_cfg_block *k = &g->blocks[b];
        int r = scan(k, at, pred, ctx);
        if (r == SCAN_EXIT) {
            if (escape)
                *escape = exit_node(g, k);
            return false;
        }
        if (r == SCAN_ON)
            for (uint32_t i = 0; i < k->nsuccs; i++)
                if (mark[k->succs[i]] != gen) {
                    mark[k->succs[i]] = gen;
                    stack[depth++] = k->succs[i];
                }
        if (depth == 0)
            return true;
        b = stack[--depth];
        at = 0;
    }
}

static bool never(void *ctx, const go_node *n) {
    (void)ctx;
    (void)n;
    return false;
}

bool go_cfg_reaches_exit(const go_cfg *g, const go_node *from) {
    if (from && !go_cfg_find(g, from, NULL, NULL))
        return false;
    return !go_cfg_all_paths(g, from, never, NULL, NULL);
}

void go_cfg_for_each_exit(const go_cfg *g, go_cfg_exit_fn fn, void *ctx) {
    for (uint32_t i = 0; i < g->nblocks; i++) {
        const go_node *e = g->blocks[i].reachable ? exit_node(g, &g->blocks[i]) : NULL;
        if (e)
            fn(ctx, e, i);
    }
}

void go_cfg_dump(const go_cfg *g, ls_buf *out) {
    static const char *const terms[] = {"", " return", " falloff", " noreturn"};
    for (uint32_t i = 0; i < g->nblocks; i++) {
        const go_cfg_block *k = &g->blocks[i];
        ls_buf_printf(out, "b%u [", i);
        for (uint32_t j = 0; j < k->nnodes; j++)
            ls_buf_printf(out, "%s%s@%u", j ? " " : "", go_kind_name((go_kind)k->nodes[j]->kind),
                          k->nodes[j]->pos);
        ls_buf_printf(out, "]%s ->", k->term < 4 ? terms[k->term] : "?");
        for (uint32_t j = 0; j < k->nsuccs; j++)
            ls_buf_printf(out, " b%u", k->succs[j]);
        ls_buf_putc(out, '\n');
    }
}
