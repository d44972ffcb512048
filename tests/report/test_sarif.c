/*
 * The SARIF writer (report.h, docs/lint-sarif.md) on results built here
 * over files written here: byte columns turned into UTF-16 code units
 * (2- and 3-byte UTF-8 one unit, 4-byte two, an invalid byte one), the
 * fallback to byte columns when the file cannot be read, fingerprints that
 * ignore whitespace and line numbers but count repeated lines, and the
 * empty document.  tests/cli_lint_sarif.sh checks the command's output on
 * real rule testdata.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "leakscope/report.h"

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

/* The text of `"key": ` up to the next ',' or '}' after the n-th (0-based)
 * occurrence of anchor in doc, into out. */
static void field_after(const char *doc, const char *anchor, int n, const char *key, char *out, size_t cap) {
    out[0] = 0;
    const char *p = doc;
    for (int i = 0; p && i <= n; i++) {
        p = strstr(p, anchor);
        if (p && i < n)
            p += strlen(anchor);
    }
    if (!p)
        return;
    char k[64];
    snprintf(k, sizeof k, "\"%s\": ", key);
    p = strstr(p, k);
    if (!p)
        return;
    p += strlen(k);
    size_t len = strcspn(p, ",}");
    if (len >= cap)
        len = cap - 1;
    memcpy(out, p, len);
    out[len] = 0;
}

static lint_finding finding_at(const char *path, const char *text, const char *needle, uint32_t line) {
    const char *at = strstr(text, needle);
    CHECK(at != NULL);
    size_t pos = at ? (size_t)(at - text) : 0;
    size_t b = pos;
    while (b > 0 && text[b - 1] != '\n')
        b--;
    lint_finding f = {
        .rule = lint_rule_find("CTX001"),
        .path = path,
        .pos = (go_pos)pos,
        .line = line,
        .col = (uint32_t)(pos - b + 1),
        .severity = LINT_ERROR,
        .message = "the cancel function is discarded",
        .related_pos = GO_NOPOS,
    };
    return f;
}

static char *sarif_of(lint_finding *f, size_t n) {
    lint_result r = {.findings = f, .nfindings = n};
    ls_buf b = {0};
    report_lint_sarif(&b, &r, NULL, 0);
    ls_buf_putc(&b, 0);
    return b.data;
}

int main(void) {
    /* ---- UTF-16 columns */
    CHECK_EQ_INT(report_utf16_column("abc", 3, 1), 1);
    CHECK_EQ_INT(report_utf16_column("abc", 3, 3), 3);
    CHECK_EQ_INT(report_utf16_column("\tx", 2, 2), 2);                         /* a tab is one unit */
    CHECK_EQ_INT(report_utf16_column("\xc3\xa9x", 3, 3), 2);                   /* é: 2 bytes, 1 unit */
    CHECK_EQ_INT(report_utf16_column("\xe4\xb8\xadx", 4, 4), 2);               /* 中: 3 bytes, 1 unit */
    CHECK_EQ_INT(report_utf16_column("\xf0\x9f\x98\x80x", 5, 5), 3);           /* 😀: 4 bytes, 2 units */
    CHECK_EQ_INT(report_utf16_column("\xff\xfex", 3, 3), 3);                   /* invalid: 1 unit a byte */
    CHECK_EQ_INT(report_utf16_column("\xc3\xa9\xf0\x9f\x98\x80 x", 8, 8), 5);  /* é😀 x */
    CHECK_EQ_INT(report_utf16_column("ab", 2, 3), 3);                          /* just past the end */
    CHECK_EQ_INT(report_utf16_column("ab", 2, 0), 0);

    /* ---- fingerprints: whitespace and line numbers do not count */
    const char *l1 = "\tctx, _ := context.WithCancel(parent)";
    const char *l2 = "        ctx, _ :=   context.WithCancel(parent)  ";
    CHECK(report_line_hash("CTX001", "a.go", l1, strlen(l1)) == report_line_hash("CTX001", "a.go", l2, strlen(l2)));
    CHECK(report_line_hash("CTX001", "a.go", l1, strlen(l1)) != report_line_hash("CTX002", "a.go", l1, strlen(l1)));
    CHECK(report_line_hash("CTX001", "a.go", l1, strlen(l1)) != report_line_hash("CTX001", "b.go", l1, strlen(l1)));

    char dir[] = "/tmp/leakscope_sarif_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], shifted[256], gone[256];
    snprintf(path, sizeof path, "%s/a.go", dir);
    snprintf(shifted, sizeof shifted, "%s/b.go", dir);
    snprintf(gone, sizeof gone, "%s/gone.go", dir);

    /* ---- a line with non-ASCII text before the position: é (1 unit) and
     * 😀 (2 units) take 6 bytes but 3 UTF-16 units */
    const char *src = "package p\n"
                      "\n"
                      "func f() {\n"
                      "\ts := \"\xc3\xa9\xf0\x9f\x98\x80\"; ctx, _ := context.WithCancel(parent)\n"
                      "}\n";
    write_file(path, src);
    lint_finding f = finding_at(path, src, "ctx, _", 4);
    CHECK_EQ_INT(f.col, 17);
    char *doc = sarif_of(&f, 1);
    char v[128];
    field_after(doc, "\"results\"", 0, "startLine", v, sizeof v);
    CHECK_EQ_STR(v, "4");
    field_after(doc, "\"results\"", 0, "startColumn", v, sizeof v);
    CHECK_EQ_STR(v, "14");
    CHECK(strstr(doc, "\"columnKind\": \"utf16CodeUnits\"") != NULL);
    char fp1[128];
    field_after(doc, "\"results\"", 0, "primaryLocationLineHash", fp1, sizeof fp1);
    CHECK(strlen(fp1) == 2 + 16 + 2 && strcmp(fp1 + 17, ":1\"") == 0);
    free(doc);

    /* the same file, a blank line inserted above: the line moves, the
     * fingerprint stays (the path is part of it, so the same path) */
    const char *moved = "package p\n"
                        "\n"
                        "\n"
                        "func f() {\n"
                        "\ts := \"\xc3\xa9\xf0\x9f\x98\x80\"; ctx, _ := context.WithCancel(parent)\n"
                        "}\n";
    write_file(path, moved);
    f = finding_at(path, moved, "ctx, _", 5);
    doc = sarif_of(&f, 1);
    field_after(doc, "\"results\"", 0, "startLine", v, sizeof v);
    CHECK_EQ_STR(v, "5");
    field_after(doc, "\"results\"", 0, "primaryLocationLineHash", v, sizeof v);
    CHECK_EQ_STR(v, fp1);
    free(doc);

    /* ---- two findings on identical lines: same hash, :1 and :2 */
    const char *twice = "package p\n"
                        "func f() {\n"
                        "\tctx, _ := context.WithCancel(parent)\n"
                        "\tctx, _ := context.WithCancel(parent)\n"
                        "}\n";
    write_file(shifted, twice);
    lint_finding two[2] = {finding_at(shifted, twice, "ctx", 3), finding_at(shifted, twice, "ctx", 3)};
    two[1].pos = (go_pos)(strstr(strstr(twice, "ctx") + 1, "ctx") - twice);
    two[1].line = 4;
    doc = sarif_of(two, 2);
    char a[128], b[128];
    field_after(doc, "\"results\"", 0, "primaryLocationLineHash", a, sizeof a);
    field_after(doc, "\"partialFingerprints\"", 1, "primaryLocationLineHash", b, sizeof b);
    CHECK(strlen(a) == 20 && strlen(b) == 20 && strncmp(a, b, 17) == 0);
    CHECK(strcmp(a + 17, ":1\"") == 0 && strcmp(b + 17, ":2\"") == 0);
    free(doc);

    /* ---- a file that cannot be read: byte columns, a hash of rule and path */
    lint_finding g = f;
    g.path = gone;
    doc = sarif_of(&g, 1);
    field_after(doc, "\"results\"", 0, "startColumn", v, sizeof v);
    CHECK_EQ_STR(v, "17");
    CHECK(strstr(doc, "\"uri\": \"file:///tmp/leakscope_sarif_") != NULL); /* absolute: a file URI */
    CHECK(strstr(doc, "\"uriBaseId\"") == NULL);
    free(doc);

    /* ---- the empty document: every rule, no results, no notifications */
    lint_result empty = {0};
    ls_buf e = {0};
    report_lint_sarif(&e, &empty, NULL, 0);
    ls_buf_putc(&e, 0);
    CHECK(strstr(e.data, "\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\"") != NULL);
    CHECK(strstr(e.data, "\"version\": \"2.1.0\"") != NULL);
    CHECK(strstr(e.data, "\"results\": []") != NULL);
    CHECK(strstr(e.data, "\"toolExecutionNotifications\": []") != NULL);
    size_t nrules;
    const lint_rule *const *rules = lint_rules(&nrules);
    for (size_t i = 0; i < nrules; i++) {
        char id[64];
        snprintf(id, sizeof id, "{\"id\": \"%s\"", rules[i]->id);
        CHECK(strstr(e.data, id) != NULL);
    }
    ls_buf_free(&e);

    unlink(path);
    unlink(shifted);
    rmdir(dir);
    return check_finish();
}
