/*
 * leakscope lint: applying the fixes that rules attach to findings
 * (lint_fix_edit in lint.h, lint_edit in lintrun.h; docs/lint.md, "Fixes").
 *
 * Three steps per file.  lint_fix_plan picks the edits: each finding's fix
 * is taken whole or not at all, in the order the findings are given; a fix
 * with an edit that overlaps an edit already taken is skipped (the next run
 * fixes it), and an edit identical to one already taken (two findings
 * adding the same import) is taken once.  lint_fix_render and
 * lint_fix_diff turn the plan into the new content or a unified diff;
 * only bytes inside the edits ever change.  lint_fix_write_file replaces
 * the file atomically.  Nothing here prints.
 */
#ifndef LEAKSCOPE_LINTFIX_H
#define LEAKSCOPE_LINTFIX_H

#include "leakscope/lintrun.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lint_fix_plan {
    lint_edit *edits;   /* the edits to apply, by start offset, each once (malloc'ed) */
    size_t nedits;
    bool *applied;      /* per finding given: its fix is in the plan (malloc'ed) */
    size_t napplied;    /* findings whose fix is in the plan */
    size_t nconflicts;  /* findings whose fix overlapped one in the plan: skipped */
} lint_fix_plan;

/*
 * Plans the fixes of findings[0..n), all of one file of file_len bytes.
 * Findings without edits are neither applied nor conflicts; a fix with an
 * edit past file_len (the file changed since it was linted) or with edits
 * that overlap each other is skipped as a conflict.  Edits at the same offset keep the order of their findings;
 * an insertion at the start of a replaced range goes before it.
 */
void lint_fix_plan_make(const lint_finding *const *findings, size_t n, size_t file_len, lint_fix_plan *out);
void lint_fix_plan_free(lint_fix_plan *p);

/*
 * Appends src[0..len) with the planned edits applied to out.  In a file
 * whose first line ends in CRLF, a bare "\n" in an edit's text is written
 * as "\r\n", so the file keeps one line ending.
 */
void lint_fix_render(const char *src, size_t len, const lint_edit *edits, size_t n, ls_buf *out);

/*
 * Where byte offset pos of src[0..len) is after the planned edits (as
 * lint_fix_render writes them): shifted by the edits before it; an offset
 * inside a replaced range maps to the start of its replacement.  For the
 * positions of the findings a fix left.
 */
size_t lint_fix_map_offset(const char *src, size_t len, const lint_edit *edits, size_t n, size_t pos);

/*
 * Appends the unified diff (--- a/PATH, +++ b/PATH, hunks with 3 lines of
 * context) from src[0..len) to the rendered file; nothing when the edits
 * change nothing.  `patch -p1` and `git apply` accept it from the
 * directory that paths are relative to.
 */
void lint_fix_diff(ls_buf *out, const char *path, const char *src, size_t len, const lint_edit *edits, size_t n);

/*
 * Replaces the file at path (a symbolic link: its target) with data:
 * written to a temporary file in the same directory with the same
 * permissions, flushed to disk (fsync), then renamed over it, so the file
 * is either the old one or the new one, never half written.  Returns 0 or
 * an errno value; EACCES when the file has no write permission bit set
 * (even for root) or cannot be written.
 */
int lint_fix_write_file(const char *path, const char *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
