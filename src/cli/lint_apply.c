/*
 * `leakscope lint --fix` / `--diff` (lint_apply.h).  Works one file at a
 * time over the findings, which lint_run sorted by path: the file is read
 * afresh, its findings' fixes are planned together (lint_fix_plan_make),
 * then written through a temporary file and rename or rendered as a diff.
 * A file that cannot be read or written is reported and its findings stay;
 * the other files are still fixed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "leakscope/lintfix.h"
#include "lint_apply.h"

static bool has_syntax_error(const lint_result *res, const char *path) {
    for (size_t i = 0; i < res->nerrors; i++)
        if (strcmp(res->errors[i].path, path) == 0)
            return true;
    return false;
}

static bool any_fix(const lint_finding *f, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (f[i].nedits)
            return true;
    return false;
}

static void say_skipped(const lint_finding *f, const char *why) {
    fprintf(stderr, "leakscope lint: %s:%u:%u: %s: fix not applied: %s\n", f->path, f->line, f->col, f->rule->id,
            why);
}

/* The Go convention for generated files: a line `// Code generated … DO
 * NOT EDIT.` before the package clause.  Their fixes belong in the
 * generator, and the next generation would undo them. */
static bool is_generated(const char *s, size_t len) {
    static const char head[] = "// Code generated ", tail[] = " DO NOT EDIT.";
    const size_t hn = sizeof head - 1, tn = sizeof tail - 1;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(s + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - s) : len, n = end - at;
        if (n && s[end - 1] == '\r')
            n--;
        if (n >= 7 && memcmp(s + at, "package", 7) == 0)
            return false;
        if (n >= hn + tn && memcmp(s + at, head, hn) == 0 && memcmp(s + at + n - tn, tail, tn) == 0)
            return true;
        at = end + 1;
    }
    return false;
}

/* The 1-based line and byte column of offset pos in text. */
static void line_col(const char *text, size_t len, size_t pos, uint32_t *line, uint32_t *col) {
    uint32_t l = 1;
    size_t start = 0;
    for (size_t i = 0; i < pos && i < len; i++)
        if (text[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *col = (uint32_t)(pos - start) + 1;
}

/* A finding the fixes left points into the rewritten file. */
static void move_finding(lint_finding *f, const ls_file_data *old, const lint_fix_plan *plan, const ls_buf *now) {
    const char *text = now->data ? now->data : "";
    if (f->line && f->pos <= old->len) {
        f->pos = (go_pos)lint_fix_map_offset(old->data, old->len, plan->edits, plan->nedits, f->pos);
        line_col(text, now->len, f->pos, &f->line, &f->col);
    }
    if (f->related_line && f->related_pos <= old->len) {
        f->related_pos = (go_pos)lint_fix_map_offset(old->data, old->len, plan->edits, plan->nedits, f->related_pos);
        line_col(text, now->len, f->related_pos, &f->related_line, &f->related_col);
    }
}

/* Fixes (or diffs) findings[0..n), all of one file; marks fixed[i]. */
static void apply_file(const lint_result *res, lint_finding *findings, size_t n, bool write, ls_buf *diff,
                       bool *fixed, lint_apply_stats *st) {
    const char *path = findings[0].path;
    if (has_syntax_error(res, path)) {
        for (size_t i = 0; i < n; i++)
            if (findings[i].nedits) {
                say_skipped(&findings[i], "the file has a syntax error; fix that first");
                st->skipped++;
            }
        return;
    }
    ls_file_data fd;
    int err = ls_file_read(path, &fd);
    if (err) {
        fprintf(stderr, "leakscope lint: %s: cannot read the file to fix it: %s\n", path, strerror(err));
        st->failed++;
        return;
    }
    if (is_generated(fd.data, fd.len)) {
        for (size_t i = 0; i < n; i++)
            if (findings[i].nedits) {
                say_skipped(&findings[i], "the file is generated (// Code generated ... DO NOT EDIT.); fix the generator");
                st->skipped++;
            }
        ls_file_release(&fd);
        return;
    }
    const lint_finding **ptrs = malloc((n ? n : 1) * sizeof *ptrs);
    if (!ptrs)
        abort();
    for (size_t i = 0; i < n; i++)
        ptrs[i] = &findings[i];
    lint_fix_plan plan;
    lint_fix_plan_make(ptrs, n, fd.len, &plan);
    for (size_t i = 0; i < n; i++)
        if (findings[i].nedits && !plan.applied[i]) {
            say_skipped(&findings[i], "it overlaps another fix in this file; run --fix again");
            st->skipped++;
        }
    bool done = plan.napplied > 0;
    if (done && write) {
        ls_buf out = {0};
        lint_fix_render(fd.data, fd.len, plan.edits, plan.nedits, &out);
        err = lint_fix_write_file(path, out.data ? out.data : "", out.len);
        if (!err)
            for (size_t i = 0; i < n; i++)
                if (!plan.applied[i])
                    move_finding(&findings[i], &fd, &plan, &out);
        ls_buf_free(&out);
        if (err) {
            fprintf(stderr, "leakscope lint: %s: cannot write the fixes: %s%s; the file is unchanged\n", path,
                    err == EACCES ? "the file is read-only or not writable" : strerror(err),
                    err == EACCES ? " (make it writable, e.g. chmod u+w, and run --fix again)" : "");
            st->failed++;
            done = false;
        }
    } else if (done) {
        lint_fix_diff(diff, path, fd.data, fd.len, plan.edits, plan.nedits);
    }
    if (done) {
        st->files++;
        for (size_t i = 0; i < n; i++)
            if (plan.applied[i]) {
                fixed[i] = true;
                st->fixed++;
            }
    }
    lint_fix_plan_free(&plan);
    free(ptrs);
    ls_file_release(&fd);
}

void lint_apply_fixes(lint_result *res, bool write, ls_buf *diff, lint_apply_stats *st) {
    memset(st, 0, sizeof *st);
    bool *fixed = calloc(res->nfindings + 1, sizeof *fixed);
    if (!fixed)
        abort();
    for (size_t i = 0; i < res->nfindings;) {
        size_t j = i + 1;
        while (j < res->nfindings && strcmp(res->findings[j].path, res->findings[i].path) == 0)
            j++;
        if (any_fix(res->findings + i, j - i))
            apply_file(res, res->findings + i, j - i, write, diff, fixed + i, st);
        i = j;
    }
    if (write) {
        size_t kept = 0;
        for (size_t i = 0; i < res->nfindings; i++)
            if (!fixed[i])
                res->findings[kept++] = res->findings[i];
        res->nfindings = kept;
    }
    free(fixed);
}
