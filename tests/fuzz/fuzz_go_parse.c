/*
 * libFuzzer target for the Go front end: go_parse() on arbitrary bytes,
 * then every consumer of the tree (go_walk, go_node_children, go_dump,
 * go_file_position, go_file_atom) on whatever came out, under ASan+UBSan.
 *
 * Besides "no crash, no leak, no undefined behaviour" it checks invariants
 * that hold for every tree, and abort()s with a message when one breaks:
 *
 *  - every node has a known kind, lists hold no NULL pointers, and
 *    go_file.imports holds only ImportSpecs;
 *  - pos <= end whenever both positions are valid;
 *  - positions, valid ones, lie within the source (end may be one past it
 *    only in files with syntax errors, where go/parser places a missing
 *    closing token at EOF);
 *  - go_walk calls post() once for every pre(), and the dump has exactly
 *    one line per node that go_walk visits;
 *  - errors are sorted, have a message, lie within the source (EOF
 *    included) and go_file_position() agrees with the source bytes.
 *
 * and, for files without syntax errors (where go/ast's positions are
 * well-formed; verified over all of GOROOT/src):
 *
 *  - every child lies within its parent's [pos, end), except File.Comments
 *    (comments before `package` or after the last declaration);
 *  - every Ident is the source text at its position and is interned:
 *    go_file_atom() of its name returns its atom.
 *
 * The input is parsed straight from libFuzzer's buffer, which is not
 * NUL-terminated, so ASan also catches any read past the end of the source.
 * max_depth is 500 so that recursion stays within the main thread's stack
 * even with ASan's larger frames (chains such as a.b.b.b or 1+1+1 count
 * against it too, as in go/parser).
 *
 * Then the semantic layers run on the same tree, broken or not: name
 * resolution (go_resolve), and a control-flow graph with an all-paths query
 * and the channel facts (gochan.h) for every function and function literal.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakscope/goast.h"
#include "leakscope/gochan.h"
#include "leakscope/gocfg.h"
#include "leakscope/goscope.h"

typedef struct check {
    go_file *f;
    size_t nodes;
    size_t depth, indent; /* current depth; the dump's indentation bytes */
    bool strict; /* no syntax errors: the stronger invariants apply */
} check;

static void fail(const check *c, const go_node *n, const char *what) {
    if (n)
        fprintf(stderr, "fuzz_go_parse: %s: %s %u-%u (file of %zu bytes, %u errors)\n", what,
                go_kind_name((go_kind)n->kind), n->pos, n->end, c->f->len, c->f->nerrors);
    else
        fprintf(stderr, "fuzz_go_parse: %s (file of %zu bytes, %u errors)\n", what, c->f->len,
                c->f->nerrors);
    abort();
}

static void check_pos(const check *c, const go_node *n, go_pos p) {
    if (p == GO_NOPOS)
        return;
    size_t limit = c->strict ? c->f->len : c->f->len + 1;
    if (p > limit)
        fail(c, n, "position past the end of the source");
}

typedef struct child_ctx {
    check *c;
    go_node *parent;
} child_ctx;

static void check_child(void *ctx, go_node *child, const char *label, int index) {
    (void)index;
    child_ctx *cc = ctx;
    if (!child)
        fail(cc->c, cc->parent, "NULL child in a list");
    if (!label || !*label)
        fail(cc->c, cc->parent, "child without a label");
    if (!cc->c->strict || child->pos == GO_NOPOS || child->end == GO_NOPOS)
        return;
    const go_node *p = cc->parent;
    if (p->kind == GO_FILE && strcmp(label, "Comments") == 0)
        return;
    if (p->pos == GO_NOPOS || p->end == GO_NOPOS)
        return;
    if (child->pos < p->pos || child->end > p->end) {
        fprintf(stderr, "fuzz_go_parse: child %s %u-%u (%s) outside its parent\n",
                go_kind_name((go_kind)child->kind), child->pos, child->end, label);
        fail(cc->c, p, "child outside its parent");
    }
}

static void check_ident(const check *c, const go_node *n) {
    const ls_atom *a = n->u.ident.name;
    if (!a || !a->ptr)
        fail(c, n, "Ident without a name");
    if (!c->strict)
        return;
    if (n->pos == GO_NOPOS || n->end - n->pos != a->len ||
        memcmp(c->f->src + n->pos, a->ptr, a->len) != 0)
        fail(c, n, "Ident name differs from the source");
    char name[256];
    if (a->len >= sizeof name || memchr(a->ptr, 0, a->len))
        return;
    memcpy(name, a->ptr, a->len);
    name[a->len] = 0;
    if (go_file_atom(c->f, name) != a)
        fail(c, n, "Ident name is not interned");
}

static bool pre(void *ctx, go_node *n) {
    check *c = ctx;
    if (!n)
        fail(c, NULL, "go_walk visited a NULL node");
    if (n->kind >= GO_KIND_COUNT)
        fail(c, n, "unknown node kind");
    c->nodes++;
    c->indent += 2 * c->depth++;
    check_pos(c, n, n->pos);
    check_pos(c, n, n->end);
    if (n->pos != GO_NOPOS && n->end != GO_NOPOS && n->pos > n->end)
        fail(c, n, "pos > end");
    if (n->kind == GO_IDENT)
        check_ident(c, n);
    if ((n->kind == GO_BASIC_LIT || n->kind == GO_COMMENT) && n->u.lit.len && !n->u.lit.text)
        fail(c, n, "literal without text");
    child_ctx cc = {c, n};
    go_node_children(n, check_child, &cc);
    return true;
}

static void post(void *ctx, go_node *n) {
    (void)n;
    ((check *)ctx)->depth--;
}

static void check_errors(const check *c) {
    go_file *f = c->f;
    for (uint32_t i = 0; i < f->nerrors; i++) {
        const go_syntax_error *e = &f->errors[i];
        if (!e->msg || !*e->msg)
            fail(c, NULL, "syntax error without a message");
        if (i > 0 && e->pos < f->errors[i - 1].pos)
            fail(c, NULL, "syntax errors not sorted by position");
        go_position at = go_file_position(f, e->pos);
        if (e->pos == GO_NOPOS) {
            if (at.line != 0 || at.col != 0)
                fail(c, NULL, "line:col for an invalid position");
            continue;
        }
        /* go/parser clamps error positions to EOF (parser.safePos) */
        if (e->pos > f->len)
            fail(c, NULL, "syntax error past the end of the source");
        if (at.line == 0 || at.col == 0 || at.col - 1 > e->pos)
            fail(c, NULL, "bad line:col for a syntax error");
        /* col counts bytes since the line start: a newline (or the start
         * of the file) just before it, and no newline in between, except
         * that, as in go/token, no line starts at EOF: EOF after a final
         * newline is at the end of the last line. */
        uint32_t start = e->pos - (at.col - 1), scan = at.col - 1;
        if (e->pos == f->len && scan > 0 && f->src[e->pos - 1] == '\n')
            scan--;
        if ((start > 0 && (start >= f->len || f->src[start - 1] != '\n')) ||
            memchr(f->src + start, '\n', scan))
            fail(c, NULL, "go_file_position disagrees with the source");
        if (at.line == 1 && start != 0)
            fail(c, NULL, "line 1 does not start at offset 0");
    }
}

static bool never(void *ctx, const go_node *n) {
    (void)ctx;
    (void)n;
    return false;
}

typedef struct semantics {
    go_file *f;
    ls_arena *arena;
} semantics;

/* Builds and queries the control-flow graph and the channel facts of every
 * function body. */
static bool cfg_of_funcs(void *ctx, go_node *n) {
    semantics *sem = ctx;
    ls_arena *arena = sem->arena;
    go_node *body = n->kind == GO_FUNC_DECL ? n->u.func_decl.body
                    : n->kind == GO_FUNC_LIT ? n->u.func_lit.body
                                             : NULL;
    if (body && body->kind == GO_BLOCK_STMT) {
        go_cfg *g = go_cfg_build(arena, body, NULL);
        const go_node *escape = NULL;
        if (g && body->u.block.list.len)
            go_cfg_all_paths(g, body->u.block.list.at[0], never, NULL, &escape);
        if (g)
            go_cfg_reaches_exit(g, NULL);
        go_chan_facts *cf = go_chan_facts_of(arena, sem->f, NULL, n);
        for (uint32_t i = 0; cf && i < cf->nchans; i++)
            if (go_chan_find(cf, cf->chans[i].decl) != &cf->chans[i] || !cf->chans[i].make)
                abort();
    }
    return true;
}

static void run_semantics(go_file *f) {
    go_resolve(f);
    semantics sem = {.f = f, .arena = ls_arena_new(0)};
    go_walk(f->root, cfg_of_funcs, NULL, &sem);
    ls_arena_free(sem.arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    go_parse_options opts = {.max_depth = 500};
    go_file *f = go_parse("fuzz.go", (const char *)data, size, &opts, NULL);
    check c = {.f = f};
    if (!f)
        fail(&c, NULL, "go_parse returned NULL");
    if (!f->root || f->root->kind != GO_FILE)
        fail(&c, f->root, "no File node at the root");
    if (f->nerrors && !f->errors)
        fail(&c, NULL, "errors counted but missing");
    c.strict = f->nerrors == 0;

    for (uint32_t i = 0; i < f->imports.len; i++)
        if (!f->imports.at[i] || f->imports.at[i]->kind != GO_IMPORT_SPEC)
            fail(&c, f->imports.at[i], "go_file.imports holds something else than an ImportSpec");

    go_walk(f->root, pre, post, &c);
    if (c.depth != 0)
        fail(&c, f->root, "go_walk called pre and post unequally");
    check_errors(&c);
    run_semantics(f);

    /* The dump indents by depth, so its size is quadratic in the depth of
     * left-nested chains (a.b.b.b…, 1+1+1…): skip it when it would be huge
     * rather than run out of memory. */
    if (c.indent > ((size_t)64 << 20)) {
        go_file_free(f);
        return 0;
    }
    ls_buf out = {0};
    go_dump(f, &out);
    size_t lines = 0;
    for (const char *p = out.data, *e = out.data + out.len; p && (p = memchr(p, '\n', (size_t)(e - p))); p++)
        lines++;
    if (lines != c.nodes) {
        fprintf(stderr, "fuzz_go_parse: dump has %zu lines for %zu nodes\n", lines, c.nodes);
        fail(&c, f->root, "dump and walk disagree");
    }
    if (out.len == 0 || out.data[out.len - 1] != '\n' || strncmp(out.data, "File ", 5) != 0)
        fail(&c, f->root, "dump does not start with the File line or end with a newline");
    ls_buf_free(&out);
    go_file_free(f);
    return 0;
}
