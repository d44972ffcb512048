/*
 * Applying fixes (lintfix.h): which edits a plan takes (overlaps between
 * fixes, insertions at one offset, identical edits, a fix taken whole or
 * not at all), the rendered text (file start and end, CRLF files), the
 * unified diff (context, hunk numbers, no newline at the end), the
 * atomic write (permissions kept, read-only files refused), and the
 * engine's side with fake rules: edits reach the finding reported last by
 * the same rule, a fix with overlapping or out-of-file edits is dropped,
 * suppressed findings take their fix with them, and the result cache
 * keeps the edits.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "../check.h"
#include "leakscope/lintfix.h"

#define MAXF 8

/* A set of findings, each with its edits. */
typedef struct fixture {
    lint_finding f[MAXF];
    lint_edit e[MAXF][4];
    const lint_finding *ptrs[MAXF];
    size_t n;
} fixture;

static void add_finding(fixture *x) {
    memset(&x->f[x->n], 0, sizeof x->f[x->n]);
    x->f[x->n].edits = x->e[x->n];
    x->ptrs[x->n] = &x->f[x->n];
    x->n++;
}

/* Adds an edit to the last finding. */
static void add_edit(fixture *x, go_pos start, go_pos end, const char *text) {
    lint_finding *f = &x->f[x->n - 1];
    x->e[x->n - 1][f->nedits] = (lint_edit){start, end, text};
    f->nedits++;
}

/* src with the plan of x applied, as a static string; plan kept in *p. */
static const char *apply(const char *src, fixture *x, lint_fix_plan *p) {
    static char out[1024];
    lint_fix_plan_make(x->ptrs, x->n, strlen(src), p);
    ls_buf b = {0};
    lint_fix_render(src, strlen(src), p->edits, p->nedits, &b);
    snprintf(out, sizeof out, "%.*s", (int)b.len, b.data ? b.data : "");
    ls_buf_free(&b);
    return out;
}

static void test_overlap(void) {
    fixture x = {0};
    lint_fix_plan p;
    add_finding(&x);
    add_edit(&x, 2, 5, "XYZ");
    add_finding(&x);
    add_edit(&x, 4, 6, "Q"); /* shares byte 4: skipped */
    CHECK_EQ_STR(apply("0123456789", &x, &p), "01XYZ56789");
    CHECK(p.applied[0] && !p.applied[1]);
    CHECK_EQ_UINT(p.napplied, 1);
    CHECK_EQ_UINT(p.nconflicts, 1);
    lint_fix_plan_free(&p);
}

static void test_whole_fix_or_nothing(void) {
    fixture x = {0};
    lint_fix_plan p;
    add_finding(&x);
    add_edit(&x, 0, 1, "A");
    add_finding(&x);
    add_edit(&x, 8, 9, "I"); /* fine alone, but its other edit conflicts */
    add_edit(&x, 0, 1, "B");
    CHECK_EQ_STR(apply("0123456789", &x, &p), "A123456789");
    CHECK_EQ_UINT(p.nconflicts, 1);
    lint_fix_plan_free(&p);
    /* a fix whose own edits overlap (from a corrupt source): skipped */
    fixture y = {0};
    add_finding(&y);
    add_edit(&y, 0, 1, "");
    add_edit(&y, 0, 2, "x");
    CHECK_EQ_STR(apply("0123", &y, &p), "0123");
    CHECK_EQ_UINT(p.nconflicts, 1);
    lint_fix_plan_free(&p);
}

static void test_insertions(void) {
    fixture x = {0};
    lint_fix_plan p;
    /* two insertions at one offset: both, in the order of the findings */
    add_finding(&x);
    add_edit(&x, 3, 3, "a");
    add_finding(&x);
    add_edit(&x, 3, 3, "b");
    CHECK_EQ_STR(apply("012345", &x, &p), "012ab345");
    CHECK_EQ_UINT(p.napplied, 2);
    lint_fix_plan_free(&p);

    /* an insertion at either end of a replaced range is no conflict; at the
     * start it goes before the replacement */
    fixture y = {0};
    add_finding(&y);
    add_edit(&y, 2, 4, "R");
    add_finding(&y);
    add_edit(&y, 2, 2, "<");
    add_finding(&y);
    add_edit(&y, 4, 4, ">");
    CHECK_EQ_STR(apply("012345", &y, &p), "01<R>45");
    CHECK_EQ_UINT(p.nconflicts, 0);
    lint_fix_plan_free(&p);

    /* inside it: a conflict */
    fixture z = {0};
    add_finding(&z);
    add_edit(&z, 1, 4, "R");
    add_finding(&z);
    add_edit(&z, 2, 2, "!");
    CHECK_EQ_STR(apply("012345", &z, &p), "0R45");
    CHECK_EQ_UINT(p.nconflicts, 1);
    lint_fix_plan_free(&p);
}

/* Two findings adding the same import: one edit. */
static void test_identical_edits(void) {
    fixture x = {0};
    lint_fix_plan p;
    add_finding(&x);
    add_edit(&x, 0, 0, "import \"errors\"\n");
    add_edit(&x, 4, 5, "A");
    add_finding(&x);
    add_edit(&x, 0, 0, "import \"errors\"\n");
    add_edit(&x, 6, 7, "B");
    CHECK_EQ_STR(apply("x\ny\nz\nw\n", &x, &p), "import \"errors\"\nx\ny\nA\nB\n");
    CHECK_EQ_UINT(p.napplied, 2);
    CHECK_EQ_UINT(p.nedits, 3);
    lint_fix_plan_free(&p);
}

static void test_file_ends(void) {
    fixture x = {0};
    lint_fix_plan p;
    add_finding(&x);
    add_edit(&x, 0, 0, "// head\n");
    add_finding(&x);
    add_edit(&x, 4, 4, "// tail\n");
    CHECK_EQ_STR(apply("a\nb\n", &x, &p), "// head\na\nb\n// tail\n");
    lint_fix_plan_free(&p);
    /* an edit past the end (the file changed since): that fix is skipped */
    fixture y = {0};
    add_finding(&y);
    add_edit(&y, 3, 9, "");
    CHECK_EQ_STR(apply("a\nb\n", &y, &p), "a\nb\n");
    CHECK_EQ_UINT(p.nconflicts, 1);
    lint_fix_plan_free(&p);
    /* an empty file */
    fixture z = {0};
    add_finding(&z);
    add_edit(&z, 0, 0, "package p\n");
    CHECK_EQ_STR(apply("", &z, &p), "package p\n");
    lint_fix_plan_free(&p);
}

static void test_crlf(void) {
    fixture x = {0};
    lint_fix_plan p;
    add_finding(&x);
    add_edit(&x, 3, 3, "\tdefer cancel()\n"); /* after "a\r\n" */
    add_finding(&x);
    add_edit(&x, 6, 6, "c\r\n"); /* already CRLF: not doubled */
    CHECK_EQ_STR(apply("a\r\nb\r\n", &x, &p), "a\r\n\tdefer cancel()\r\nb\r\nc\r\n");
    lint_fix_plan_free(&p);
    /* an LF file keeps LF */
    fixture y = {0};
    add_finding(&y);
    add_edit(&y, 2, 2, "x\n");
    CHECK_EQ_STR(apply("a\nb\n", &y, &p), "a\nx\nb\n");
    lint_fix_plan_free(&p);
}

/* The diff of src with x's plan, as a static string. */
static const char *diff(const char *src, fixture *x) {
    static char out[2048];
    lint_fix_plan p;
    lint_fix_plan_make(x->ptrs, x->n, strlen(src), &p);
    ls_buf b = {0};
    lint_fix_diff(&b, "p/a.go", src, strlen(src), p.edits, p.nedits);
    snprintf(out, sizeof out, "%.*s", (int)b.len, b.data ? b.data : "");
    ls_buf_free(&b);
    lint_fix_plan_free(&p);
    return out;
}

static const char ten[] = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";

static void test_diff(void) {
    fixture x = {0};
    add_finding(&x);
    add_edit(&x, 8, 9, "E");
    CHECK_EQ_STR(diff(ten, &x), "--- a/p/a.go\n+++ b/p/a.go\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n");

    /* an inserted line is one + line, numbered at the file's start */
    fixture y = {0};
    add_finding(&y);
    add_edit(&y, 0, 0, "x\n");
    CHECK_EQ_STR(diff(ten, &y), "--- a/p/a.go\n+++ b/p/a.go\n@@ -1,3 +1,4 @@\n+x\n a\n b\n c\n");

    /* at the end */
    fixture z = {0};
    add_finding(&z);
    add_edit(&z, 4, 4, "c\n");
    CHECK_EQ_STR(diff("a\nb\n", &z), "--- a/p/a.go\n+++ b/p/a.go\n@@ -1,2 +1,3 @@\n a\n b\n+c\n");

    /* no newline at the end of the file */
    fixture w = {0};
    add_finding(&w);
    add_edit(&w, 2, 3, "B");
    CHECK_EQ_STR(diff("a\nb", &w), "--- a/p/a.go\n+++ b/p/a.go\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
                                   "+B\n\\ No newline at end of file\n");

    /* changes more than 6 lines apart: two hunks, the second shifted by
     * the line the first adds */
    fixture v = {0};
    add_finding(&v);
    add_edit(&v, 0, 0, "x\n");
    add_finding(&v);
    add_edit(&v, 18, 19, "J");
    CHECK_EQ_STR(diff(ten, &v), "--- a/p/a.go\n+++ b/p/a.go\n@@ -1,3 +1,4 @@\n+x\n a\n b\n c\n"
                                "@@ -7,4 +8,4 @@\n g\n h\n i\n-j\n+J\n");

    /* closer: one hunk */
    fixture u = {0};
    add_finding(&u);
    add_edit(&u, 2, 3, "B");
    add_finding(&u);
    add_edit(&u, 12, 13, "G");
    CHECK_EQ_STR(diff(ten, &u), "--- a/p/a.go\n+++ b/p/a.go\n@@ -1,10 +1,10 @@\n a\n-b\n+B\n c\n d\n e\n f\n-g\n+G\n"
                                " h\n i\n j\n");

    /* an edit that changes nothing: no diff at all */
    fixture t = {0};
    add_finding(&t);
    add_edit(&t, 2, 3, "b");
    CHECK_EQ_STR(diff(ten, &t), "");
}

/* Offsets after the edits: for the findings a fix leaves. */
static void test_map_offset(void) {
    const char *src = "a\nbb\ncc\n";
    lint_edit e[] = {{2, 2, "x\n"}, {3, 4, "BBB"}};
    CHECK_EQ_UINT(lint_fix_map_offset(src, 9, e, 2, 0), 0);
    CHECK_EQ_UINT(lint_fix_map_offset(src, 9, e, 2, 2), 4); /* the insertion goes before */
    CHECK_EQ_UINT(lint_fix_map_offset(src, 9, e, 2, 3), 5); /* inside a replacement: its start */
    CHECK_EQ_UINT(lint_fix_map_offset(src, 9, e, 2, 6), 10);
    const char *crlf = "a\r\nb\r\n";
    lint_edit c[] = {{3, 3, "x\n"}};
    CHECK_EQ_UINT(lint_fix_map_offset(crlf, 6, c, 1, 3), 6); /* "x\r\n" is 3 bytes */
}

static const char *read_all(const char *path) {
    static char buf[256];
    FILE *f = fopen(path, "r");
    if (!f)
        return "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static int count_entries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_write(void) {
    char dir[] = "/tmp/leakscope_fix_XXXXXX";
    if (!CHECK_HERE(mkdtemp(dir) != NULL)) {
        fprintf(stderr, "mkdtemp failed\n");
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/a.go", dir);
    FILE *f = fopen(path, "w");
    fputs("old\n", f);
    fclose(f);
    chmod(path, 0640);
    CHECK_EQ_INT(lint_fix_write_file(path, "new\n", 4), 0);
    CHECK_EQ_STR(read_all(path), "new\n");
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);
    CHECK_EQ_INT(count_entries(dir), 1); /* no temporary file left */
    /* read-only: refused (even for root), the file unchanged */
    chmod(path, 0444);
    CHECK_EQ_INT(lint_fix_write_file(path, "newer\n", 6), EACCES);
    CHECK_EQ_STR(read_all(path), "new\n");
    CHECK_EQ_INT(count_entries(dir), 1);
    /* a missing file */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.go", dir);
    CHECK_EQ_INT(lint_fix_write_file(missing, "x", 1), ENOENT);
    unlink(path);
    rmdir(dir);
}

/* ---- the engine ------------------------------------------------------------------- */

/* TST101 flags each call of panic and fixes it: panic -> PANIC, and a
 * comment inserted after the call; a call of panic with two arguments
 * gets two overlapping edits, so no fix. */
static bool panic_visit(void *ctx, go_node *n) {
    lint_pass *pass = ctx;
    if (n->kind != GO_CALL_EXPR || n->u.call.fun->kind != GO_IDENT || n->u.call.fun->u.ident.name->len != 5 ||
        memcmp(n->u.call.fun->u.ident.name->ptr, "panic", 5) != 0)
        return true;
    lint_report(pass, n->pos, "panic");
    lint_fix_edit(pass, n->u.call.fun->pos, n->u.call.fun->end, "PANIC");
    lint_fix_edit(pass, n->end, n->end, " /* fixed */");
    if (n->u.call.args.len == 2)
        lint_fix_edit(pass, n->pos, n->pos + 2, "xx"); /* overlaps the first */
    return true;
}

static void check_panic(lint_pass *pass) {
    lint_fix_edit(pass, 0, 0, "nothing reported yet"); /* ignored */
    go_walk(pass->file->root, panic_visit, NULL, pass);
    lint_fix_edit(pass, 0, 0, "x"); /* attaches to the last finding: panic(4) */
}

/* TST102 reports nothing but tries to attach edits: they must not land on
 * TST101's findings. */
static void check_quiet(lint_pass *pass) { lint_fix_edit(pass, 0, 0, "stray"); }

static const lint_rule rule_panic = {"TST101", "panic-fix", "panic", LINT_ERROR, NULL, check_panic};
static const lint_rule rule_quiet = {"TST102", "quiet", "nothing", LINT_ERROR, NULL, check_quiet};

static void check_findings(const lint_result *r, const char *what) {
    if (!CHECK_HERE(r->nfindings == 3)) {
        fprintf(stderr, "%s: %zu findings, want 3\n", what, r->nfindings);
        return;
    }
    /* line 4: panic("a") -- two edits, plus the trailing one (last finding only) */
    CHECK_EQ_UINT(r->findings[0].nedits, 2);
    CHECK_EQ_STR(r->findings[0].edits[0].text, "PANIC");
    CHECK_EQ_STR(r->findings[0].edits[1].text, " /* fixed */");
    /* line 5: panic(1, 2) -- overlapping edits: no fix */
    CHECK_EQ_UINT(r->findings[1].nedits, 0);
    /* line 7: the last finding also got check_panic's final edit */
    CHECK_EQ_UINT(r->findings[2].nedits, 3);
    CHECK_EQ_STR(r->findings[2].edits[2].text, "x");
    CHECK_EQ_UINT(r->suppressed, 1);
}

static void test_engine(void) {
    char dir[] = "/tmp/leakscope_fixeng_XXXXXX";
    if (!CHECK_HERE(mkdtemp(dir) != NULL))
        return;
    char path[128], cache[128];
    snprintf(path, sizeof path, "%s/a.go", dir);
    snprintf(cache, sizeof cache, "%s/cache", dir);
    FILE *f = fopen(path, "w");
    fputs("package a\n\nfunc f() {\n\tpanic(\"a\")\n\tpanic(1, 2)\n\tpanic(3) //nolint\n\tpanic(4)\n}\n", f);
    fclose(f);
    const lint_rule *rules[] = {&rule_panic, &rule_quiet};
    const char *paths[] = {path};
    for (int pass = 0; pass < 2; pass++) { /* cold, then from the cache */
        lint_options o = {.rules = rules, .nrules = 2, .threads = 1, .cache_dir = cache};
        lint_result r;
        CHECK_EQ_INT(lint_run(paths, 1, &o, &r), 0);
        check_findings(&r, pass ? "warm" : "cold");
        lint_result_free(&r);
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_EQ_INT(system(cmd), 0);
}

int main(void) {
    test_overlap();
    test_whole_fix_or_nothing();
    test_insertions();
    test_identical_edits();
    test_file_ends();
    test_crlf();
    test_diff();
    test_map_offset();
    test_write();
    test_engine();
    return check_finish();
}
