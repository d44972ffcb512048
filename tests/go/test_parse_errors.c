/*
 * Tests of the parser on broken and hostile input: recovery after a
 * syntax error (later declarations are still in the tree), errors sorted
 * by position with the right line:col, one diagnostics-sink call per
 * error, and inputs that must give an error without crashing: an empty
 * file, 10 MB on one line, nesting far beyond the depth limit (parsed on a
 * thread with an ordinary 8 MiB stack and default options, as a library
 * user would), binary junk and UTF-16 text.
 *
 * Expected error positions are go/parser's for the same files.
 */
#include <pthread.h>
#include <stdlib.h>

#include "parse_helpers.h"

/* ---- helpers ------------------------------------------------------------ */

static bool has_error(const go_file *f, const char *words) {
    for (uint32_t i = 0; i < f->nerrors; i++)
        if (strstr(f->errors[i].msg, words))
            return true;
    return false;
}

static bool errors_sorted_and_in_file(const go_file *f) {
    for (uint32_t i = 0; i < f->nerrors; i++) {
        if (f->errors[i].pos > f->len || !f->errors[i].msg)
            return false;
        if (i > 0 && f->errors[i - 1].pos > f->errors[i].pos)
            return false;
    }
    return true;
}

static void print_errors(const go_file *f) {
    for (uint32_t i = 0; i < f->nerrors && i < 5; i++)
        fprintf(stderr, "  error at %u: %s\n", f->errors[i].pos, f->errors[i].msg);
}

/* Checks that f's first error is at line:col and says words. */
#define CHECK_FIRST_ERROR(f, line_, col_, words)                                                   \
    do {                                                                                           \
        go_position at_ = (f)->nerrors ? go_file_position((f), (f)->errors[0].pos) : (go_position){0, 0}; \
        if (!CHECK_HERE((f)->nerrors > 0 && at_.line == (line_) && at_.col == (col_) &&            \
                        strstr((f)->errors[0].msg, (words)))) {                                    \
            fprintf(stderr, "want first error at %d:%d saying \"%s\", got %u errors\n", (line_),   \
                    (col_), (words), (f)->nerrors);                                                \
            print_errors(f);                                                                       \
        }                                                                                          \
    } while (0)

typedef struct parse_job {
    const char *src;
    size_t len;
    const go_parse_options *opts;
    go_file *file;
} parse_job;

static void *parse_job_run(void *arg) {
    parse_job *job = arg;
    job->file = go_parse("deep.go", job->src, job->len, job->opts, NULL);
    return NULL;
}

/* Parses on a new thread with an 8 MiB stack, the usual default for a
 * program's threads; a parser that recursed without bound would crash. */
static go_file *parse_on_8mib_stack(const char *src, size_t len, const go_parse_options *opts) {
    parse_job job = {src, len, opts, NULL};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, (size_t)8 << 20);
    pthread_t tid;
    if (pthread_create(&tid, &attr, parse_job_run, &job) != 0) {
        perror("pthread_create");
        exit(2);
    }
    pthread_join(tid, NULL);
    pthread_attr_destroy(&attr);
    return job.file;
}

/* prefix + open*n + middle + close*n + suffix, in a malloc'd buffer of
 * exactly that length (no NUL), so that a read past the end is caught. */
static char *nested(const char *prefix, const char *open, size_t n, const char *middle,
                    const char *close, const char *suffix, size_t *len) {
    size_t lp = strlen(prefix), lo = strlen(open), lm = strlen(middle), lc = strlen(close);
    size_t ls = strlen(suffix);
    *len = lp + n * lo + lm + n * lc + ls;
    char *s = malloc(*len), *p = s;
    memcpy(p, prefix, lp), p += lp;
    for (size_t i = 0; i < n; i++)
        memcpy(p, open, lo), p += lo;
    memcpy(p, middle, lm), p += lm;
    for (size_t i = 0; i < n; i++)
        memcpy(p, close, lc), p += lc;
    memcpy(p, suffix, ls);
    return s;
}

/* ---- recovery ------------------------------------------------------------ */

static void test_recovery_keeps_later_functions(void) {
    go_file *f = parse_testdata("recovery.go");
    CHECK(f->nerrors > 0);
    CHECK_FIRST_ERROR(f, 9, 2, "expected operand");
    go_list decls = f->root->u.file.decls;
    CHECK_EQ_UINT(decls.len, 4);
    static const char *const names[] = {"A", "B", "C", "D"};
    static const uint32_t lines[] = {5, 7, 13, 15};
    for (uint32_t i = 0; i < 4 && i < decls.len; i++) {
        CHECK_EQ_INT(decls.at[i]->kind, GO_FUNC_DECL);
        CHECK_EQ_STR(ident_name(decls.at[i]->u.func_decl.name), names[i]);
        CHECK_EQ_UINT(go_file_position(f, decls.at[i]->pos).line, lines[i]);
    }
    /* the function after the error is whole */
    go_node *d = func_named(f, "D");
    REQUIRE(d);
    CHECK_NODE(f, d, GO_FUNC_DECL, "func D(ctx int) int { return ctx }");
    CHECK_NODE(f, body_stmt(d, 0), GO_RETURN_STMT, "return ctx");
    go_file_free(f);
}

static void test_errors_sorted_with_positions(void) {
    go_file *f = parse_testdata("errors.go");
    CHECK_EQ_UINT(f->nerrors, 3);
    CHECK(errors_sorted_and_in_file(f));
    static const struct {
        uint32_t line, col;
        const char *words;
    } want[] = {
        {5, 7, "expected operand"},
        {11, 2, "found 'return'"},
        {15, 7, "illegal rune literal"},
    };
    for (uint32_t i = 0; i < 3 && i < f->nerrors; i++) {
        go_position at = go_file_position(f, f->errors[i].pos);
        CHECK_EQ_UINT(at.line, want[i].line);
        CHECK_EQ_UINT(at.col, want[i].col);
        if (!CHECK_HERE(strstr(f->errors[i].msg, want[i].words) != NULL))
            fprintf(stderr, "error %u says \"%s\", want \"%s\"\n", i, f->errors[i].msg, want[i].words);
    }
    /* A, then (B is lost to the error, as in go/parser) C and D */
    CHECK(func_named(f, "A") != NULL);
    go_node *c = func_named(f, "C"), *d = func_named(f, "D");
    CHECK(c != NULL && d != NULL);
    CHECK(c && d && c->pos < d->pos);
    CHECK(d && d->u.func_decl.body != NULL);
    go_file_free(f);
}

typedef struct diag_log {
    int calls;
    ls_diag diags[8];
    char messages[8][128];
    char files[8][128];
} diag_log;

static void log_diag(void *ctx, const ls_diag *d) {
    diag_log *log = ctx;
    if (log->calls < 8) {
        log->diags[log->calls] = *d;
        snprintf(log->messages[log->calls], sizeof log->messages[0], "%s", d->message);
        snprintf(log->files[log->calls], sizeof log->files[0], "%s", d->file);
    }
    log->calls++;
}

static void test_diagnostics_sink(void) {
    go_file *ref = parse_testdata("errors.go");
    diag_log log = {0};
    ls_diag_sink sink = {log_diag, &log};
    go_file *f = go_parse("in/errors.go", ref->src, ref->len, NULL, &sink);
    CHECK_EQ_UINT(f->nerrors, 3);
    CHECK_EQ_INT(log.calls, (int)f->nerrors); /* one call per error */
    for (uint32_t i = 0; i < f->nerrors && i < 8; i++) {
        go_position at = go_file_position(f, f->errors[i].pos);
        CHECK_EQ_STR(log.files[i], "in/errors.go");
        CHECK_EQ_UINT(log.diags[i].line, at.line);
        CHECK_EQ_UINT(log.diags[i].col, at.col);
        CHECK_EQ_UINT(log.diags[i].offset, f->errors[i].pos);
        CHECK_EQ_INT(log.diags[i].severity, LS_SEV_ERROR);
        CHECK_EQ_STR(log.messages[i], f->errors[i].msg);
    }
    go_file_free(f);

    /* a clean file: no calls */
    log.calls = 0;
    f = go_parse("ok.go", "package p\n", 10, NULL, &sink);
    CHECK_EQ_UINT(f->nerrors, 0);
    CHECK_EQ_INT(log.calls, 0);
    go_file_free(f);
    /* a sink without a function is no sink */
    ls_diag_sink empty = {NULL, NULL};
    f = go_parse("bad.go", "package", 7, NULL, &empty);
    CHECK(f->nerrors > 0);
    go_file_free(f);
    go_file_free(ref);
}

/* ---- hostile input ------------------------------------------------------- */

static void test_empty_file(void) {
    go_file *f = go_parse("empty.go", "", 0, NULL, NULL);
    REQUIRE(f && f->root);
    CHECK_FIRST_ERROR(f, 1, 1, "expected 'package'");
    CHECK_EQ_INT(f->root->kind, GO_FILE);
    CHECK_EQ_UINT(f->root->u.file.decls.len, 0);
    go_file_free(f);

    /* only white space and comments: still no package clause; the error
     * is at EOF */
    f = go_parse("blank.go", "\n\n// c\n", 7, NULL, NULL);
    REQUIRE(f->nerrors > 0);
    CHECK_EQ_UINT(f->errors[0].pos, 7);
    CHECK(strstr(f->errors[0].msg, "expected 'package'") != NULL);
    go_file_free(f);
}

static void test_ten_megabytes_on_one_line(void) {
    const size_t n = (size_t)10 << 20;
    size_t len;
    char *src = nested("package p; var x = \"", "a", n, "", "", "\"", &len);
    go_file *f = parse_on_8mib_stack(src, len, NULL);
    CHECK_EQ_UINT(f->nerrors, 0);
    go_node *decl = nth(f->root->u.file.decls, 0);
    REQUIRE(decl && decl->kind == GO_GEN_DECL);
    go_node *lit = nth(decl->u.gen_decl.specs, 0);
    REQUIRE(lit);
    lit = nth(lit->u.value_spec.values, 0);
    REQUIRE(lit && lit->kind == GO_BASIC_LIT);
    CHECK_EQ_UINT(lit->pos, 19);
    CHECK_EQ_UINT(lit->end, len);
    CHECK_EQ_UINT(go_file_position(f, lit->end).col, len + 1);
    go_file_free(f);
    free(src);

    /* 10 MB of '(' where an expression should be, and as the whole file */
    src = nested("package p; var x = ", "(", n, "", "", "", &len);
    f = parse_on_8mib_stack(src, len, NULL);
    CHECK(f->nerrors > 0);
    CHECK(errors_sorted_and_in_file(f));
    go_file_free(f);
    f = parse_on_8mib_stack(src + 19, len - 19, NULL);
    CHECK_FIRST_ERROR(f, 1, 1, "expected 'package'");
    go_file_free(f);
    free(src);
}

static void test_deep_nesting(void) {
    size_t len;
    /* 100,000 nested parentheses in an expression */
    char *src = nested("package p\n\nfunc ok() {}\n\nvar x = ", "(", 100000, "1", ")", "\n", &len);
    go_file *f = parse_on_8mib_stack(src, len, NULL);
    if (!CHECK_HERE(has_error(f, "exceeded max nesting depth"))) {
        fputs("100,000 nested parentheses:\n", stderr);
        print_errors(f);
    }
    CHECK(errors_sorted_and_in_file(f));
    /* what was complete before the giving up is kept */
    CHECK(func_named(f, "ok") != NULL);
    go_file_free(f);
    free(src);

    /* 100,000 nested blocks in a function */
    src = nested("package p\n\nfunc f() ", "{", 100000, "", "}", "\n", &len);
    f = parse_on_8mib_stack(src, len, NULL);
    if (!CHECK_HERE(has_error(f, "exceeded max nesting depth"))) {
        fputs("100,000 nested blocks:\n", stderr);
        print_errors(f);
    }
    go_file_free(f);
    free(src);

    /* 100,000 nested composite literals and 100,000 nested unary operators */
    src = nested("package p\n\nvar x = ", "T{", 100000, "", "}", "\n", &len);
    f = parse_on_8mib_stack(src, len, NULL);
    CHECK(has_error(f, "exceeded max nesting depth"));
    go_file_free(f);
    free(src);
    src = nested("package p\n\nvar x = ", "!", 100000, "true", "", "\n", &len);
    f = parse_on_8mib_stack(src, len, NULL);
    CHECK(has_error(f, "exceeded max nesting depth"));
    go_file_free(f);
    free(src);

    /* well within the default limit: real, if odd, code parses */
    src = nested("package p\n\nvar x = ", "(", 1000, "1", ")", "\n", &len);
    f = parse_on_8mib_stack(src, len, NULL);
    CHECK_EQ_UINT(f->nerrors, 0);
    go_file_free(f);
    free(src);
    src = nested("package p\n\nfunc f() ", "{", 1000, "", "}", "\n", &len);
    f = parse_on_8mib_stack(src, len, NULL);
    CHECK_EQ_UINT(f->nerrors, 0);
    go_file_free(f);
    free(src);
}

static void test_max_depth_option(void) {
    go_parse_options shallow = {.max_depth = 50};
    size_t len;
    char *src = nested("package p\n\nvar x = ", "(", 100, "1", ")", "\n", &len);
    go_file *f = go_parse("deep.go", src, len, &shallow, NULL);
    CHECK(has_error(f, "exceeded max nesting depth"));
    go_file_free(f);
    f = go_parse("deep.go", src, len, NULL, NULL); /* the default allows it */
    CHECK_EQ_UINT(f->nerrors, 0);
    go_file_free(f);
    free(src);
    src = nested("package p\n\nvar x = ", "(", 10, "1", ")", "\n", &len);
    f = go_parse("shallow.go", src, len, &shallow, NULL);
    CHECK_EQ_UINT(f->nerrors, 0);
    go_file_free(f);
    free(src);
}

static void test_binary_junk(void) {
    enum { N = 256 * 256 };
    char *junk = malloc(N + 10);
    memcpy(junk, "package p\n", 10);
    for (size_t i = 0; i < N; i++)
        junk[10 + i] = (char)(i % 256);
    /* all bytes 0..255, over and over; then after a valid package clause */
    go_file *f = parse_on_8mib_stack(junk + 10, N, NULL);
    CHECK(f->nerrors > 0);
    CHECK_FIRST_ERROR(f, 1, 1, "NUL");
    CHECK(errors_sorted_and_in_file(f));
    go_file_free(f);
    f = parse_on_8mib_stack(junk, N + 10, NULL);
    CHECK_FIRST_ERROR(f, 2, 1, "NUL");
    CHECK(errors_sorted_and_in_file(f));
    CHECK_EQ_INT(f->root->kind, GO_FILE);
    go_file_free(f);

    /* pseudo-random bytes */
    uint32_t state = 12345;
    for (size_t i = 0; i < N; i++) {
        state = state * 1103515245u + 12345u;
        junk[10 + i] = (char)(state >> 16);
    }
    f = parse_on_8mib_stack(junk, N + 10, NULL);
    CHECK(f->nerrors > 0);
    CHECK(errors_sorted_and_in_file(f));
    go_file_free(f);
    free(junk);
}

/* "package p\n\nfunc f() {}\n" in UTF-16, with a byte order mark. */
static char *utf16(const char *ascii, bool big_endian, size_t *len) {
    size_t n = strlen(ascii);
    *len = 2 * n + 2;
    char *s = malloc(*len);
    s[0] = big_endian ? (char)0xFE : (char)0xFF;
    s[1] = big_endian ? (char)0xFF : (char)0xFE;
    for (size_t i = 0; i < n; i++) {
        s[2 + 2 * i + (big_endian ? 0 : 1)] = 0;
        s[2 + 2 * i + (big_endian ? 1 : 0)] = ascii[i];
    }
    return s;
}

static void test_utf16(void) {
    for (int be = 0; be < 2; be++) {
        size_t len;
        char *src = utf16("package p\n\nfunc f() {}\n", be, &len);
        go_file *f = parse_on_8mib_stack(src, len, NULL);
        /* 0xFF and 0xFE are never UTF-8: the very first byte is wrong */
        CHECK_FIRST_ERROR(f, 1, 1, "illegal UTF-8 encoding");
        CHECK(errors_sorted_and_in_file(f));
        go_file_free(f);
        free(src);
    }
}

static void test_many_errors(void) {
    /* thousands of bad statements: the parser gives up at some point and
     * keeps what it has */
    size_t len;
    char *src = nested("package p\n\nfunc f() {\n", "\t) ] }\n", 5000, "", "", "}\n", &len);
    go_file *f = parse_on_8mib_stack(src, len, NULL);
    CHECK_FIRST_ERROR(f, 4, 2, "expected statement");
    CHECK(errors_sorted_and_in_file(f));
    go_file_free(f);
    free(src);
}

int main(void) {
    test_recovery_keeps_later_functions();
    test_errors_sorted_with_positions();
    test_diagnostics_sink();
    test_empty_file();
    test_ten_megabytes_on_one_line();
    test_deep_nesting();
    test_max_depth_option();
    test_binary_junk();
    test_utf16();
    test_many_errors();
    return check_finish();
}
