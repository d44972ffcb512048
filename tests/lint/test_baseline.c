/*
 * Baselines (lintbaseline.h): fingerprints survive line shifts and
 * whitespace changes and change with the line's text; identical lines get
 * distinct fingerprints; a baseline written is read back and matches.
 */
#include <stdlib.h>
#include <unistd.h>

#include "../check.h"
#include "leakscope/lintbaseline.h"

static void test_fingerprint(void) {
    const char *line = "\tctx, _ := context.WithCancel(parent)";
    uint64_t a = lint_fingerprint("CTX001", "p/a.go", line, strlen(line), 0);
    const char *spaced = "   ctx, _  :=   context.WithCancel(parent)  \r";
    CHECK(a == lint_fingerprint("CTX001", "p/a.go", spaced, strlen(spaced), 0));
    const char *changed = "\tctx, _ := context.WithCancel(other)";
    CHECK(a != lint_fingerprint("CTX001", "p/a.go", changed, strlen(changed), 0));
    CHECK(a != lint_fingerprint("CTX002", "p/a.go", line, strlen(line), 0));
    CHECK(a != lint_fingerprint("CTX001", "p/b.go", line, strlen(line), 0));
    CHECK(a != lint_fingerprint("CTX001", "p/a.go", line, strlen(line), 1));
}

static const lint_rule *ctx001;

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* One finding of CTX001 per line number in lines[]. */
static void entries(const char *path, const uint32_t *lines, size_t n, const char *dir, lint_baseline *out) {
    lint_finding f[8];
    memset(f, 0, sizeof f);
    for (size_t i = 0; i < n; i++) {
        f[i].rule = ctx001;
        f[i].path = path;
        f[i].line = lines[i];
        f[i].col = 2;
        f[i].message = "lost";
    }
    lint_baseline_from_findings(f, n, dir, out);
}

static void test_files(void) {
    ctx001 = lint_rule_find("CTX001");
    REQUIRE(ctx001);
    char tmpl[] = "/tmp/leakscope_baseline_XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    char *dir = realpath(tmpl, NULL);
    REQUIRE(dir);
    char path[512], bpath[512];
    snprintf(path, sizeof path, "%s/a.go", dir);
    snprintf(bpath, sizeof bpath, "%s/baseline.json", dir);

    write_file(path, "package a\n"
                     "func f() {\n"
                     "\tctx, _ := context.WithCancel(p)\n"
                     "\tctx, _ := context.WithCancel(p)\n"
                     "}\n");
    lint_baseline before;
    uint32_t l1[] = {3, 4};
    entries(path, l1, 2, dir, &before);
    REQUIRE(before.len == 2);
    CHECK_EQ_STR(before.at[0].path, "a.go"); /* relative to dir */
    CHECK(strcmp(before.at[0].fingerprint, before.at[1].fingerprint) != 0); /* same text, other occurrence */

    /* written and read back */
    ls_buf out = {0};
    lint_baseline_write(&out, &before);
    ls_buf_putc(&out, 0);
    write_file(bpath, out.data);
    ls_buf_free(&out);
    lint_baseline read;
    char err[512] = "";
    bool ok = lint_baseline_read(bpath, &read, err, sizeof err);
    if (!CHECK_HERE(ok))
        fprintf(stderr, "%s\n", err);
    CHECK_EQ_UINT(read.len, 2);

    /* two lines added above: the same fingerprints */
    write_file(path, "package a\n"
                     "// a comment\n"
                     "\n"
                     "func f() {\n"
                     "    ctx, _ :=  context.WithCancel(p)\n"
                     "\tctx, _ := context.WithCancel(p)\n"
                     "}\n");
    lint_baseline shifted;
    uint32_t l2[] = {5, 6};
    entries(path, l2, 2, dir, &shifted);
    for (size_t i = 0; i < 2; i++) {
        CHECK_EQ_STR(shifted.at[i].fingerprint, before.at[i].fingerprint);
        CHECK(lint_baseline_has(&read, &shifted.at[i]));
    }
    lint_baseline_free(&shifted);

    /* the line's text changed: a new fingerprint, not in the baseline */
    write_file(path, "package a\n"
                     "func f() {\n"
                     "\tctx, _ := context.WithCancel(q)\n"
                     "\tctx, _ := context.WithCancel(p)\n"
                     "}\n");
    lint_baseline edited;
    entries(path, l1, 2, dir, &edited);
    CHECK(!lint_baseline_has(&read, &edited.at[0]));
    /* the other line is now the first of its text: index 0, also new */
    CHECK(strcmp(edited.at[1].fingerprint, before.at[1].fingerprint) != 0);
    CHECK(lint_baseline_has(&read, &edited.at[1]) == (strcmp(edited.at[1].fingerprint, before.at[0].fingerprint) == 0));
    lint_baseline_free(&edited);
    lint_baseline_free(&read);
    lint_baseline_free(&before);

    /* not a baseline: a message with the position and what to do */
    write_file(bpath, "{\"version\": 2, \"findings\": []}\n");
    CHECK(!lint_baseline_read(bpath, &read, err, sizeof err));
    CHECK(strstr(err, "baseline.json:1:13: the baseline's \"version\" must be 1") && strstr(err, "--baseline-update"));
    write_file(bpath, "{\"version\": 1, \"findings\": [\n  {\"rule\": \"CTX001\"}]}\n");
    CHECK(!lint_baseline_read(bpath, &read, err, sizeof err));
    CHECK(strstr(err, "baseline.json:2:3: each finding needs"));
    write_file(bpath, "{\"version\": 1,, \n");
    CHECK(!lint_baseline_read(bpath, &read, err, sizeof err));
    CHECK(strstr(err, "baseline.json:1:") && strstr(err, "JSON syntax error"));

    snprintf(path, sizeof path, "rm -rf %s", dir);
    CHECK(system(path) == 0);
    free(dir);
}

int main(void) {
    test_fingerprint();
    test_files();
    return check_finish();
}
