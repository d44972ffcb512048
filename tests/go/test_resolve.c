/*
 * Tests of go_resolve and the semantics API (include/leakscope/goscope.h)
 * on the Go files in tests/go/testdata/resolve.
 *
 * Expectations are written in the Go files: a block comment right after an
 * identifier says what it must be bound to, by its text:
 *
 *     =self          a declaration: decl is the Ident itself
 *     =nil           unbound (universe, field key, selector, `_`)
 *     =27            bound to the declaring Ident of the same name on line 27
 *     =46:19         ... at line 46, column 19
 *     =pkg:context   unbound, and go_import_of finds import "context"
 *
 * closures.go lists each FuncLit's captures in a `// captures:` comment
 * before it.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <sys/stat.h>

#include "leakscope/goscope.h"
#include "parse_helpers.h"

/* ---- collecting nodes ------------------------------------------------------ */

typedef struct node_vec {
    go_node **at;
    size_t len, cap;
    int kind; /* -1: every node */
} node_vec;

static bool collect_pre(void *ctx, go_node *n) {
    node_vec *v = ctx;
    if (v->kind >= 0 && n->kind != v->kind)
        return true;
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 256;
        v->at = realloc(v->at, v->cap * sizeof *v->at);
        if (!v->at)
            abort();
    }
    v->at[v->len++] = n;
    return true;
}

static node_vec collect(go_file *f, int kind) {
    node_vec v = {NULL, 0, 0, kind};
    go_walk(f->root, collect_pre, NULL, &v);
    return v;
}

/* The node's source text without the block comments (the markers). */
static bool text_is(go_file *f, const go_node *n, const char *text) {
    const char *p = f->src + n->pos, *end = f->src + n->end;
    while (p < end) {
        if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
            const char *close = p + 2;
            while (close + 1 < end && !(close[0] == '*' && close[1] == '/'))
                close++;
            p = close + 2;
            continue;
        }
        if (*text++ != *p++)
            return false;
    }
    return *text == 0;
}

/* The nth (0-based) node of kind whose source text, markers left out, is
 * exactly text. */
static go_node *find_node(go_file *f, go_kind kind, const char *text, int nth) {
    node_vec v = collect(f, (int)kind);
    go_node *found = NULL;
    for (size_t i = 0; i < v.len && !found; i++) {
        go_node *n = v.at[i];
        if (text_is(f, n, text) && nth-- == 0)
            found = n;
    }
    free(v.at);
    if (!found)
        fprintf(stderr, "no %s \"%s\" in %s\n", go_kind_name(kind), text, f->path);
    return found;
}

/* ---- the markers ------------------------------------------------------------- */

static void describe(go_file *f, const go_node *id) {
    if (!id) {
        fputs("nil", stderr);
        return;
    }
    go_position at = go_file_position(f, id->pos);
    fprintf(stderr, "%s@%u:%u", ident_name(id), at.line, at.col);
}

/* Checks every marker of f; returns how many there were. */
static size_t check_markers(go_file *f) {
    node_vec ids = collect(f, GO_IDENT);
    size_t markers = 0;
    go_list groups = f->root->u.file.comments;
    for (uint32_t g = 0; g < groups.len; g++) {
        go_list cs = groups.at[g]->u.comment_group.list;
        for (uint32_t c = 0; c < cs.len; c++) {
            const go_node *cm = cs.at[c];
            const char *text = cm->u.lit.text;
            size_t len = cm->u.lit.len;
            if (len < 6 || memcmp(text, "/*=", 3) != 0)
                continue;
            markers++;
            char want[128];
            snprintf(want, sizeof want, "%.*s", (int)(len - 5), text + 3);
            go_node *id = NULL;
            for (size_t i = 0; i < ids.len && !id; i++)
                if (ids.at[i]->end == cm->pos)
                    id = ids.at[i];
            go_position at = go_file_position(f, cm->pos);
            if (!CHECK_HERE(id != NULL)) {
                fprintf(stderr, "%s:%u:%u: marker /*=%s*/ follows no identifier\n", f->path, at.line, at.col, want);
                continue;
            }
            const go_node *decl = id->u.ident.decl;
            bool ok;
            if (strcmp(want, "self") == 0) {
                ok = decl == id;
            } else if (strcmp(want, "nil") == 0) {
                ok = decl == NULL;
            } else if (strncmp(want, "pkg:", 4) == 0) {
                const go_node *spec = go_import_of(f, id);
                ok = decl == NULL && spec && go_import_path_is(spec, want + 4);
            } else {
                unsigned line = 0, col = 0;
                int fields = sscanf(want, "%u:%u", &line, &col);
                ok = decl && decl != id && decl->kind == GO_IDENT && decl->u.ident.name == id->u.ident.name;
                if (ok) {
                    go_position d = go_file_position(f, decl->pos);
                    ok = fields >= 1 && d.line == line && (fields < 2 || d.col == col);
                }
            }
            /* a bound identifier is never taken for a package */
            if (ok && decl)
                ok = go_import_of(f, id) == NULL;
            if (!CHECK_HERE(ok)) {
                fprintf(stderr, "%s:%u:%u: %s/*=%s*/ is bound to ", f->path, at.line, at.col, ident_name(id), want);
                describe(f, decl);
                fputc('\n', stderr);
            }
        }
    }
    free(ids.at);
    return markers;
}

static go_file *resolved(const char *name) {
    go_file *f = parse_testdata(name);
    CHECK_EQ_UINT(f->nerrors, 0);
    CHECK_EQ_INT(go_resolve(f), 0);
    return f;
}

/* ---- tests ---------------------------------------------------------------------- */

static void test_scopes(void) {
    go_file *f = resolved("resolve/scopes.go");
    CHECK(check_markers(f) >= 200);
    /* resolving again changes nothing */
    CHECK_EQ_INT(go_resolve(f), 0);
    CHECK(check_markers(f) >= 200);
    /* package-level declarations carry the flag, locals do not */
    go_node *limit = find_node(f, GO_IDENT, "limit", 0);
    CHECK(go_decl_is_pkg(go_decl_of(limit)));
    go_node *shadowing = func_named(f, "shadowing");
    CHECK(go_decl_is_pkg(shadowing->u.func_decl.name));
    go_node *param = shadowing->u.func_decl.type->u.func_type.params->u.field_list.list.at[0]->u.field.names.at[0];
    CHECK(!go_decl_is_pkg(param));
    CHECK(!go_decl_is_pkg(func_named(f, "init")->u.func_decl.name));
    go_file_free(f);
}

static void test_imports(void) {
    go_file *f = resolved("resolve/imports.go");
    CHECK(check_markers(f) >= 40);

    CHECK(go_file_dot_imports(f, "errors"));
    CHECK(!go_file_dot_imports(f, "context"));
    CHECK(go_file_imports(f, "embed"));
    CHECK(go_file_imports(f, "context"));
    CHECK(!go_file_imports(f, "io"));

    const char *names[][2] = {
        {"\"context\"", "context"}, {"ctx \"context\"", "ctx"},   {". \"errors\"", ""},
        {"_ \"embed\"", ""},        {"\"gopkg.in/yaml.v3\"", "yaml"}, {"\"github.com/example/thing/v2\"", "thing"},
        {"\"github.com/example/go-widget\"", "widget"}, {"\"net/http\"", "http"}, {"\"example.com/ver/v\"", "v"},
        {"\"example.com/ver/v1x\"", "v1x"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        go_node *spec = find_node(f, GO_IMPORT_SPEC, names[i][0], 0);
        CHECK(spec != NULL);
        ls_str local = go_import_local_name(spec);
        if (!CHECK_HERE(ls_str_eq_cstr(local, names[i][1])))
            fprintf(stderr, "local name of %s: got %.*s, want %s\n", names[i][0], (int)local.len, local.ptr,
                    names[i][1]);
    }
    go_node *yaml = find_node(f, GO_IMPORT_SPEC, "\"gopkg.in/yaml.v3\"", 0);
    CHECK(go_import_path_is(yaml, "gopkg.in/yaml.v3"));
    CHECK(!go_import_path_is(yaml, "gopkg.in/yaml.v2"));
    CHECK(!go_import_path_is(yaml, "gopkg.in/yaml"));

    /* c, cancel := ctx.WithCancel(context.Background()) */
    go_node *with_cancel = find_node(f, GO_CALL_EXPR, "ctx.WithCancel(context.Background())", 0);
    CHECK(go_is_pkg_call(f, with_cancel, "context", "WithCancel"));
    CHECK(go_is_pkg_call(f, with_cancel, "context", NULL));
    CHECK(!go_is_pkg_call(f, with_cancel, "context", "WithTimeout"));
    CHECK(!go_is_pkg_call(f, with_cancel, "errors", "WithCancel"));
    CHECK(go_is_pkg_call(f, with_cancel->u.call.args.at[0], "context", "Background"));
    CHECK(go_is_pkg_call(f, find_node(f, GO_CALL_EXPR, "signal.NotifyContext(ctx.TODO(), nil)", 0), "os/signal",
                         "NotifyContext"));
    /* a local ctx is not the package */
    CHECK(!go_is_pkg_selector(f, find_node(f, GO_SELECTOR_EXPR, "ctx.WithCancel", 1), "context", "WithCancel"));
    CHECK(go_is_pkg_selector(f, find_node(f, GO_SELECTOR_EXPR, "ctx.Background", 0), "context", "Background"));
    /* the struct field named context is not the package either */
    CHECK(!go_is_pkg_selector(f, find_node(f, GO_SELECTOR_EXPR, "s.context", 0), "context", NULL));
    /* dot import: New is errors.New until a local New shadows it */
    CHECK(go_is_pkg_call(f, find_node(f, GO_CALL_EXPR, "New(\"dot-imported\")", 0), "errors", "New"));
    CHECK(!go_is_pkg_call(f, find_node(f, GO_CALL_EXPR, "New(\"local\")", 0), "errors", "New"));
    CHECK(go_is_pkg_call(f, find_node(f, GO_CALL_EXPR, "Is(nil, nil)", 0), "errors", "Is"));
    CHECK(!go_is_pkg_call(f, find_node(f, GO_CALL_EXPR, "Is(nil, nil)", 0), "context", "Is"));
    /* a blank import has no name */
    CHECK(go_import_of(f, find_node(f, GO_IDENT, "embed", 0)) == NULL);
    go_file_free(f);
}

static void test_inline_imports(void) {
    go_file *f = parse_source("package p\n"
                              "import (\n"
                              "\tc \"context\"\n"
                              "\t\"\\x65rrors\"\n"
                              "\t`os/exec`\n"
                              ")\n"
                              "func f() { c.WithTimeout[int](nil, 0); errors.New(); exec.Command() }\n");
    CHECK_EQ_UINT(f->nerrors, 0);
    go_resolve(f);
    CHECK(go_is_pkg_call(f, find_node(f, GO_CALL_EXPR, "c.WithTimeout[int](nil, 0)", 0), "context", "WithTimeout"));
    CHECK(go_is_pkg_call(f, find_node(f, GO_CALL_EXPR, "exec.Command()", 0), "os/exec", "Command"));
    CHECK(go_import_path_is(f->imports.at[1], "errors"));
    CHECK(!go_import_path_is(f->imports.at[1], "errorsx"));
    CHECK(!go_import_path_is(f->imports.at[1], "error"));
    go_file_free(f);
}

static void check_captures(go_file *f, go_node *lit, const char *want_list) {
    const go_node *got[32];
    size_t n = go_func_lit_captures(lit, got, 32);
    char buf[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < n && i < 32; i++) {
        go_position at = go_file_position(f, got[i]->pos);
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s@%u", i ? " " : "", ident_name(got[i]), at.line);
        if (used >= sizeof buf)
            break;
    }
    if (n == 0)
        snprintf(buf, sizeof buf, "none");
    go_position at = go_file_position(f, lit->pos);
    if (!CHECK_HERE(strcmp(buf, want_list) == 0))
        fprintf(stderr, "%s:%u: FuncLit captures %s, want %s\n", f->path, at.line, buf, want_list);
    /* counting without storing, and with a short array */
    CHECK_EQ_UINT(go_func_lit_captures(lit, NULL, 0), n);
    if (n > 1) {
        const go_node *one[1];
        CHECK_EQ_UINT(go_func_lit_captures(lit, one, 1), n);
        CHECK(one[0] == got[0]);
    }
}

static void test_closures(void) {
    go_file *f = resolved("resolve/closures.go");
    node_vec lits = collect(f, GO_FUNC_LIT);
    /* the `// captures:` comments, in order */
    size_t k = 0;
    go_list groups = f->root->u.file.comments;
    for (uint32_t g = 0; g < groups.len; g++) {
        go_list cs = groups.at[g]->u.comment_group.list;
        for (uint32_t c = 0; c < cs.len; c++) {
            const go_node *cm = cs.at[c];
            const char *prefix = "// captures: ";
            size_t plen = strlen(prefix);
            if (cm->u.lit.len <= plen || memcmp(cm->u.lit.text, prefix, plen) != 0)
                continue;
            char want[256];
            snprintf(want, sizeof want, "%.*s", (int)(cm->u.lit.len - plen), cm->u.lit.text + plen);
            /* the first FuncLit after the comment */
            go_node *lit = NULL;
            for (size_t i = 0; i < lits.len && !lit; i++)
                if (lits.at[i]->pos > cm->pos)
                    lit = lits.at[i];
            CHECK(lit != NULL);
            if (lit)
                check_captures(f, lit, want);
            k++;
        }
    }
    CHECK_EQ_UINT(k, 7);
    CHECK_EQ_UINT(go_func_lit_captures(NULL, NULL, 0), 0);
    free(lits.at);
    go_file_free(f);
}

static void test_package(void) {
    go_file *a = resolved("resolve/pkg/a.go");
    go_file *b = resolved("resolve/pkg/b.go");
    go_file *t = resolved("resolve/pkg/a_test.go");
    go_file *files[] = {a, NULL, b, t};
    go_package *p = go_package_new(files, 4);
    CHECK_EQ_STR(go_package_name(p), "pkg");
    CHECK_EQ_UINT(go_package_file_count(p), 2);
    CHECK(go_package_file(p, 0) == a && go_package_file(p, 1) == b && go_package_file(p, 2) == NULL);

    go_file *in = NULL;
    const go_node *d = go_package_func(p, "helper", &in);
    CHECK(d == func_named(a, "helper") && in == a);
    d = go_package_func(p, "run", &in);
    CHECK(d == func_named(b, "run") && in == b);
    CHECK(go_package_func(p, "init", &in) == NULL && in == NULL);
    CHECK(go_package_func(p, "onlyInTests", NULL) == NULL);
    CHECK(go_package_func(p, "Close", NULL) == NULL); /* a method */
    d = go_package_method(p, "Client", "Close", &in);
    CHECK(d && d->kind == GO_FUNC_DECL && in == a);
    CHECK(d && strcmp(ident_name(d->u.func_decl.name), "Close") == 0);
    d = go_package_method(p, "Client", "String", &in);
    CHECK(d && in == b);
    CHECK(go_package_method(p, "Set", "Add", NULL) != NULL);
    CHECK(go_package_method(p, "Set", "Len", NULL) != NULL);
    CHECK(go_package_method(p, "Client", "Add", NULL) == NULL);
    CHECK(go_package_method(p, "*Client", "Close", NULL) == NULL);
    CHECK(go_package_method(p, NULL, "Close", NULL) == NULL);
    d = go_package_type(p, "Set", &in);
    CHECK(d && d->kind == GO_TYPE_SPEC && in == b);
    CHECK(go_package_type(p, "Client", NULL) != NULL);
    CHECK(go_package_type(p, "helper", NULL) == NULL);
    go_package_free(p);

    /* the external test package is indexed on its own */
    go_file *tfirst[] = {t, a, b};
    p = go_package_new(tfirst, 3);
    CHECK_EQ_STR(go_package_name(p), "pkg_test");
    CHECK_EQ_UINT(go_package_file_count(p), 1);
    CHECK(go_package_func(p, "helper", &in) == func_named(t, "helper") && in == t);
    CHECK(go_package_func(p, "run", NULL) == NULL);
    go_package_free(p);
    p = go_package_new_named(tfirst, 3, "pkg");
    CHECK_EQ_UINT(go_package_file_count(p), 2);
    CHECK(go_package_func(p, "helper", NULL) == func_named(a, "helper"));
    go_package_free(p);
    p = go_package_new(NULL, 0);
    CHECK_EQ_STR(go_package_name(p), "");
    CHECK(go_package_func(p, "x", NULL) == NULL);
    go_package_free(p);
    go_file_free(a);
    go_file_free(b);
    go_file_free(t);
}

/* Broken files resolve without crashing, and what was recovered is bound. */
static void test_syntax_errors(void) {
    static const char *sources[] = {
        "package p\nfunc f(x int) { y := x +; return y }\nfunc g() { z := 1; _ = z }\n",
        "package p\nfunc (",
        "package p\nfunc f() { switch x := .(type) { case int: _ = x } }\n",
        "package p\nfunc f() { for a, b, c := range { } goto; break L }\n",
        "package p\nvar x = T{a: , b}\ntype T[ struct{}\n",
        "package",
        "",
    };
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
        go_file *f = parse_source(sources[i]);
        CHECK_EQ_INT(go_resolve(f), f->root ? 0 : -1);
        go_file_free(f);
    }
    go_file *f = parse_source(sources[0]);
    go_resolve(f);
    go_node *z = find_node(f, GO_IDENT, "z", 1);
    CHECK(z && z->u.ident.decl == find_node(f, GO_IDENT, "z", 0));
    go_file_free(f);
    CHECK_EQ_INT(go_resolve(NULL), -1);
}

/* ---- invariants on a whole tree (GOROOT) ------------------------------------------ */

typedef struct invariants {
    go_file *f;
    node_vec branch_labels; /* BranchStmt labels may point forward */
    node_vec type_params;   /* so may type parameters: [S ~[]E, E any] */
    size_t idents, bound, lits, captures;
} invariants;

static bool invariant_pre(void *ctx, go_node *n) {
    invariants *v = ctx;
    if (n->kind == GO_BRANCH_STMT && n->u.branch.label)
        collect_pre(&v->branch_labels, n->u.branch.label);
    go_node *tparams = n->kind == GO_FUNC_TYPE   ? n->u.func_type.type_params
                       : n->kind == GO_TYPE_SPEC ? n->u.type_spec.type_params
                                                 : NULL;
    for (uint32_t i = 0; tparams && i < tparams->u.field_list.list.len; i++) {
        go_list names = tparams->u.field_list.list.at[i]->u.field.names;
        for (uint32_t j = 0; j < names.len; j++)
            collect_pre(&v->type_params, names.at[j]);
    }
    if (n->kind == GO_SELECTOR_EXPR && n->u.selector.sel && !CHECK_HERE(n->u.selector.sel->u.ident.decl == NULL))
        fprintf(stderr, "%s:%u: selector is bound\n", v->f->path, go_file_position(v->f, n->pos).line);
    if (n->kind == GO_FUNC_LIT) {
        const go_node *caps[64];
        size_t k = go_func_lit_captures(n, caps, 64);
        v->lits++;
        v->captures += k;
        for (size_t i = 0; i < k && i < 64; i++)
            if (!CHECK_HERE(caps[i]->pos < n->pos && !go_decl_is_pkg(caps[i])))
                fprintf(stderr, "%s:%u: capture %s is not an outer local\n", v->f->path,
                        go_file_position(v->f, n->pos).line, ident_name(caps[i]));
    }
    if (n->kind != GO_IDENT)
        return true;
    v->idents++;
    const go_node *d = n->u.ident.decl;
    if (!d)
        return true;
    v->bound++;
    bool ok = d->kind == GO_IDENT && d->u.ident.name == n->u.ident.name && d->u.ident.decl == d &&
              !(n->u.ident.name->len == 1 && n->u.ident.name->ptr[0] == '_');
    /* locals are declared before they are used; labels may be used first */
    if (ok && d != n && !go_decl_is_pkg(d) && d->pos >= n->pos) {
        ok = false;
        for (size_t i = 0; i < v->branch_labels.len && !ok; i++)
            ok = v->branch_labels.at[i] == n;
        for (size_t i = 0; i < v->type_params.len && !ok; i++)
            ok = v->type_params.at[i] == d;
    }
    if (!CHECK_HERE(ok)) {
        go_position at = go_file_position(v->f, n->pos);
        fprintf(stderr, "%s:%u:%u: %s is bound to ", v->f->path, at.line, at.col, ident_name(n));
        describe(v->f, d);
        fputc('\n', stderr);
    }
    return true;
}

static struct {
    char **at;
    size_t len, cap;
} tree_files;

static int add_go_file(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st;
    (void)ftw;
    size_t n = strlen(path);
    if (type == FTW_F && n > 3 && strcmp(path + n - 3, ".go") == 0) {
        if (tree_files.len == tree_files.cap) {
            tree_files.cap = tree_files.cap ? tree_files.cap * 2 : 1024;
            tree_files.at = realloc(tree_files.at, tree_files.cap * sizeof *tree_files.at);
            if (!tree_files.at)
                abort();
        }
        tree_files.at[tree_files.len++] = strdup(path);
    }
    return 0;
}

/* Resolves every .go file below dir and checks what must hold for any Go
 * code, valid or not: bindings point to declarations of the same name,
 * locals are declared before use, selectors stay unbound, captures are
 * outer locals. */
static void check_tree(const char *dir) {
    CHECK_EQ_INT(nftw(dir, add_go_file, 32, FTW_PHYS), 0);
    invariants v = {0};
    v.branch_labels.kind = v.type_params.kind = -1;
    for (size_t i = 0; i < tree_files.len; i++) {
        int err = 0;
        go_file *f = go_parse_path(tree_files.at[i], NULL, NULL, &err);
        free(tree_files.at[i]);
        if (!f)
            continue;
        CHECK_EQ_INT(go_resolve(f), f->root ? 0 : -1);
        v.f = f;
        v.branch_labels.len = v.type_params.len = 0;
        if (f->root)
            go_walk(f->root, invariant_pre, NULL, &v); /* a BranchStmt comes before its label */
        go_file_free(f);
    }
    printf("%zu files, %zu identifiers, %zu bound, %zu func literals, %zu captures\n", tree_files.len, v.idents,
           v.bound, v.lits, v.captures);
    CHECK(tree_files.len > 1000);
    CHECK(v.bound > v.idents / 3);
    free(tree_files.at);
    free(v.branch_labels.at);
    free(v.type_params.at);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        check_tree(argv[1]);
        return check_finish();
    }
    test_scopes();
    test_imports();
    test_inline_imports();
    test_closures();
    test_package();
    test_syntax_errors();
    return check_finish();
}
