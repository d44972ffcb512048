/*
 * Helpers for the parser tests: parse a file from tests/go/testdata (the
 * directory comes from the build as LEAKSCOPE_TESTDATA) or an inline
 * source, find declarations and statements, and check a node by its kind
 * and the exact source text it spans:
 *
 *     CHECK_NODE(f, call, GO_CALL_EXPR, "f(v)");
 *
 * which checks both ends of the node's position range at once, in terms a
 * reader can see in the .go file.
 */
#ifndef LS_TESTS_PARSE_HELPERS_H
#define LS_TESTS_PARSE_HELPERS_H

#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "leakscope/goast.h"

#ifndef LEAKSCOPE_TESTDATA
#error "LEAKSCOPE_TESTDATA must name tests/go/testdata"
#endif

static inline go_file *parse_testdata(const char *name) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", LEAKSCOPE_TESTDATA, name);
    int err = 0;
    go_file *f = go_parse_path(path, NULL, NULL, &err);
    if (!f) {
        fprintf(stderr, "cannot read %s: %s\n", path, strerror(err));
        exit(2);
    }
    return f;
}

/* Sources handed to go_parse must outlive their files: kept until exit. */
static struct {
    char *at[64];
    int n;
} source_copies;

static inline void free_source_copies(void) {
    while (source_copies.n > 0)
        free(source_copies.at[--source_copies.n]);
}

/*
 * Parses src from a copy in a buffer of exactly its length, so that
 * AddressSanitizer catches a read past the end (a string literal would
 * have its NUL there).
 */
static inline go_file *parse_source(const char *src) {
    size_t len = strlen(src);
    if (source_copies.n == 0)
        atexit(free_source_copies);
    if (source_copies.n == 64) {
        fputs("parse_source: too many sources\n", stderr);
        exit(2);
    }
    char *copy = malloc(len ? len : 1);
    memcpy(copy, src, len);
    source_copies.at[source_copies.n++] = copy;
    return go_parse("inline.go", copy, len, NULL, NULL);
}

/* The node's name as a C string (static storage), "" for a non-Ident. */
static inline const char *ident_name(const go_node *n) {
    static char buf[256];
    if (!n || n->kind != GO_IDENT || !n->u.ident.name)
        return "";
    snprintf(buf, sizeof buf, "%.*s", (int)n->u.ident.name->len, n->u.ident.name->ptr);
    return buf;
}

/* The top-level FuncDecl named name, or NULL. */
static inline go_node *func_named(const go_file *f, const char *name) {
    go_list decls = f->root->u.file.decls;
    for (uint32_t i = 0; i < decls.len; i++)
        if (decls.at[i]->kind == GO_FUNC_DECL && strcmp(ident_name(decls.at[i]->u.func_decl.name), name) == 0)
            return decls.at[i];
    return NULL;
}

/* The i-th statement of a FuncDecl's body, or NULL. */
static inline go_node *body_stmt(const go_node *fn, uint32_t i) {
    if (!fn || !fn->u.func_decl.body || i >= fn->u.func_decl.body->u.block.list.len)
        return NULL;
    return fn->u.func_decl.body->u.block.list.at[i];
}

/* The i-th element of a list, or NULL when the list is shorter. */
static inline go_node *nth(go_list l, uint32_t i) { return i < l.len ? l.at[i] : NULL; }

static inline bool check_node_at(const char *file, int line, const char *func, const go_file *f,
                                 const go_node *n, go_kind kind, const char *text) {
    size_t want = strlen(text);
    bool ok = n && n->kind == kind && n->pos != GO_NOPOS && n->end != GO_NOPOS && n->pos <= n->end &&
              n->end <= f->len && n->end - n->pos == want && memcmp(f->src + n->pos, text, want) == 0;
    if (check_record(ok, file, line, func))
        return true;
    if (!n) {
        fprintf(stderr, "want %s ", go_kind_name(kind));
        check_print_bytes(text, want);
        fputs(", got NULL\n", stderr);
        return false;
    }
    fprintf(stderr, "want %s ", go_kind_name(kind));
    check_print_bytes(text, want);
    fprintf(stderr, ", got %s %u-%u ", go_kind_name((go_kind)n->kind), n->pos, n->end);
    if (n->pos <= n->end && n->end <= f->len)
        check_print_bytes(f->src + n->pos, n->end - n->pos);
    fputc('\n', stderr);
    return false;
}

/* n is a node of the kind spanning exactly the source text. */
#define CHECK_NODE(f, n, kind, text) check_node_at(__FILE__, __LINE__, __func__, (f), (n), (kind), (text))

/* n is an Ident spelled name, and its interned name says so too. */
#define CHECK_IDENT(f, n, name)                                                                    \
    do {                                                                                           \
        if (CHECK_NODE(f, n, GO_IDENT, name))                                                      \
            CHECK_EQ_STR(ident_name(n), name);                                                     \
    } while (0)

#endif
