/*
 * Self-test of the lint engine and of the `// want` driver, with fake rules
 * defined here (never in the registry):
 *   TST001 panic-call  flags every call of the builtin panic; its message
 *                      names the package, its file count and the go minor,
 *                      so the testdata checks package grouping and go.mod
 *   TST002 exit-call   flags os.Exit; requires_import "os"
 * on tests/lint/driver_selftest: matched wants pass, a missing want and an
 * extra finding fail, every suppression form works, syntax errors are
 * reported once and the rest is linted, unreadable files are reported,
 * and -j1 and -j2 give the same sorted output.
 */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "want_check.h"

#ifndef SELFTEST_DIR
#error SELFTEST_DIR must be defined
#endif

/* ---- the fake rules ---------------------------------------------------------- */

typedef struct walk_ctx {
    lint_pass *pass;
} walk_ctx;

static bool is_ident(const go_node *n, const char *name) {
    return n && n->kind == GO_IDENT && n->u.ident.name && n->u.ident.name->len == strlen(name) &&
           memcmp(n->u.ident.name->ptr, name, n->u.ident.name->len) == 0;
}

static bool panic_visit(void *ctx, go_node *n) {
    lint_pass *pass = ((walk_ctx *)ctx)->pass;
    //   panic(x)    with panic the builtin (unbound)
    if (n->kind == GO_CALL_EXPR && is_ident(n->u.call.fun, "panic") && !go_decl_of(n->u.call.fun))
        lint_report(pass, n->pos, "call to panic in package %s (%zu files, go minor %d)", go_package_name(pass->pkg),
                    go_package_file_count(pass->pkg), pass->go_minor);
    return true;
}

static void check_panic(lint_pass *pass) {
    walk_ctx c = {pass};
    go_walk(pass->file->root, panic_visit, NULL, &c);
}

static bool exit_visit(void *ctx, go_node *n) {
    lint_pass *pass = ((walk_ctx *)ctx)->pass;
    //   os.Exit(code)
    if (go_is_pkg_call(pass->file, n, "os", "Exit"))
        lint_report_related(pass, n->pos, pass->file->root->pos, "package clause", "call to os.Exit");
    return true;
}

static void check_exit(lint_pass *pass) {
    walk_ctx c = {pass};
    go_walk(pass->file->root, exit_visit, NULL, &c);
}

static const lint_rule rule_panic = {"TST001", "panic-call", "flags calls of panic", LINT_ERROR, NULL, check_panic};
static const lint_rule rule_exit = {"TST002", "exit-call", "flags os.Exit", LINT_WARNING, "os", check_exit};
static const lint_rule *const fake_rules[] = {&rule_panic, &rule_exit};

/* ---- helpers --------------------------------------------------------------------- */

/* Runs want_check on SELFTEST_DIR/sub, capturing the output. */
static want_counts run_want(const char *sub, char **output) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", SELFTEST_DIR, sub);
    want_counts counts = {0};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    int rc = want_check(dir, fake_rules, 2, 2, out, &counts);
    fclose(out);
    CHECK(rc == 0);
    *output = buf;
    return counts;
}

static char *format_result(const lint_result *r) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    for (size_t i = 0; i < r->nerrors; i++)
        fprintf(out, "E %s:%u:%u: %s\n", r->errors[i].path, r->errors[i].line, r->errors[i].col, r->errors[i].message);
    for (size_t i = 0; i < r->nfindings; i++) {
        const lint_finding *f = &r->findings[i];
        fprintf(out, "F %s:%u:%u: %s %s %s: %s", f->path, f->line, f->col, f->rule->id, f->rule->name,
                lint_severity_name(f->severity), f->message);
        if (f->related_message)
            fprintf(out, " [%u:%u %s]", f->related_line, f->related_col, f->related_message);
        fputc('\n', out);
    }
    fprintf(out, "files=%zu suppressed=%zu\n", r->files, r->suppressed);
    fclose(out);
    return buf;
}

/* ---- the tests ----------------------------------------------------------------- */

static void test_matched_wants_pass(void) {
    char *out;
    want_counts c = run_want("ok", &out);
    CHECK(c.failed == 0);
    CHECK(c.passed == 8);
    CHECK_EQ_STR(out, "");
    free(out);

    c = run_want("gomod", &out);
    CHECK(c.failed == 0 && c.passed == 1);
    CHECK_EQ_STR(out, "");
    free(out);
}

static void test_missing_want_fails(void) {
    char *out;
    want_counts c = run_want("missing", &out);
    CHECK(c.passed == 0 && c.failed == 1);
    CHECK(strstr(out, "missing/missing.go:4: missing finding matching \"call to panic\"\n") != NULL);
    free(out);
}

static void test_extra_finding_fails(void) {
    char *out;
    want_counts c = run_want("extra", &out);
    CHECK(c.passed == 0 && c.failed == 1);
    CHECK(strstr(out, "extra/extra.go:4: unexpected finding: TST001 panic-call: call to panic in package extra") !=
          NULL);
    free(out);
}

static void test_suppression(void) {
    char *out;
    want_counts c = run_want("suppress", &out);
    CHECK(c.failed == 0);
    CHECK(c.passed == 7);
    CHECK_EQ_STR(out, "");
    free(out);

    static const struct {
        const char *text;
        bool suppresses;
    } cases[] = {
        {"//leakscope:ignore TST001 reason", true},
        {"//leakscope:ignore TST001", true},
        {"//leakscope:ignore tst002,panic-call reason", true},
        {"//leakscope:ignore TST001, TST002 reason", true},
        {"//leakscope:ignore TST002 reason", false},
        {"//leakscope:ignore", false},
        {"//leakscope:ignoreTST001", false},
        {"// leakscope:ignore TST001", false},
        {"//nolint", true},
        {"//nolint // reason", true},
        {"//nolint:all", true},
        {"//nolint:leakscope", true},
        {"//nolint:LeakScope // reason", true},
        {"//nolint:a,leakscope,b", true},
        {"//nolint:a,b", false},
        {"//nolint:", false},
        {"//nolintx", false},
        {"//nolint:panic-call", true},
        {"/*nolint*/", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bool got = lint_comment_suppresses(cases[i].text, strlen(cases[i].text), &rule_panic);
        if (!CHECK_HERE(got == cases[i].suppresses))
            fprintf(stderr, "%s: suppresses %d, want %d\n", cases[i].text, got, cases[i].suppresses);
    }
}

static void test_syntax_errors(void) {
    char *out;
    want_counts c = run_want("syntax", &out);
    CHECK(c.failed == 0 && c.passed == 3);
    CHECK_EQ_STR(out, "");
    free(out);
}

static void test_deterministic_and_errors(void) {
    char **paths = NULL;
    size_t n = 0;
    want_collect(SELFTEST_DIR, &paths, &n);
    /* an unreadable file, and a duplicate: reported once, linted once */
    paths = realloc(paths, (n + 2) * sizeof *paths);
    paths[n++] = strdup(SELFTEST_DIR "/no/such/file.go");
    paths[n++] = strdup(paths[0]);
    /* reverse the input order: the output must not depend on it */
    for (size_t i = 0; i < n / 2; i++) {
        char *t = paths[i];
        paths[i] = paths[n - 1 - i];
        paths[n - 1 - i] = t;
    }
    char *text[3];
    for (unsigned j = 1; j <= 3; j++) {
        lint_options opts = {.rules = fake_rules, .nrules = 2, .threads = j};
        lint_result r;
        CHECK(lint_run((const char *const *)paths, n, &opts, &r) == 0);
        CHECK(r.files == n - 2);
        CHECK(r.nerrors == 2);
        if (r.nerrors == 2) {
            CHECK(r.errors[0].kind == LINT_ERR_READ);
            CHECK(strstr(r.errors[0].path, "no/such/file.go") != NULL);
            CHECK(r.errors[1].kind == LINT_ERR_SYNTAX);
            CHECK(r.errors[1].line == 11 && r.errors[1].col == 1);
        }
        CHECK(r.suppressed == 13);
        for (size_t i = 1; i < r.nfindings; i++) {
            const lint_finding *a = &r.findings[i - 1], *b = &r.findings[i];
            int c = strcmp(a->path, b->path);
            CHECK(c < 0 || (c == 0 && (a->line < b->line || (a->line == b->line && a->col <= b->col))));
        }
        /* the related position and the rule's own severity */
        bool saw_exit = false;
        for (size_t i = 0; i < r.nfindings; i++)
            if (r.findings[i].rule == &rule_exit) {
                saw_exit = true;
                CHECK(r.findings[i].severity == LINT_WARNING);
                CHECK(r.findings[i].related_line == 1 && r.findings[i].related_col == 1);
                CHECK_EQ_STR(r.findings[i].related_message, "package clause");
            }
        CHECK(saw_exit);
        text[j - 1] = format_result(&r);
        lint_result_free(&r);
    }
    CHECK_EQ_STR(text[0], text[1]);
    CHECK_EQ_STR(text[0], text[2]);
    for (int j = 0; j < 3; j++)
        free(text[j]);
    want_free_paths(paths, n);
}

static void test_go_minor(void) {
    CHECK(lint_go_minor_for_dir(SELFTEST_DIR "/gomod") == 21);
    CHECK(lint_go_minor_for_dir(SELFTEST_DIR "/gomod/inner") == 21);
    CHECK(lint_go_minor_for_dir(SELFTEST_DIR "/ok") == 0);
}

static void test_registry(void) {
    size_t n;
    const lint_rule *const *rules = lint_rules(&n);
    CHECK(rules != NULL);
    CHECK(rules[n] == NULL);
    for (size_t i = 0; i < n; i++) {
        const lint_rule *r = rules[i];
        CHECK(r->id && r->name && r->summary && r->check);
        CHECK(lint_rule_find(r->id) == r);
        CHECK(lint_rule_find(r->name) == r);
        if (i)
            CHECK(strcmp(rules[i - 1]->id, r->id) < 0);
    }
    CHECK(lint_rule_find("TST001") == NULL);
    CHECK(lint_rule_find(NULL) == NULL);
    CHECK_EQ_STR(lint_severity_name(LINT_ERROR), "error");
    CHECK_EQ_STR(lint_severity_name(LINT_WARNING), "warning");
}

int main(void) {
    test_matched_wants_pass();
    test_missing_want_fails();
    test_extra_finding_fails();
    test_suppression();
    test_syntax_errors();
    test_deterministic_and_errors();
    test_go_minor();
    test_registry();
    return check_finish();
}
