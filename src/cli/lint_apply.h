/*
 * `leakscope lint --fix` and `--diff`, between the command and the fix
 * library (lintfix.h; docs/lint.md, "Fixes"): after the findings are
 * filtered, the fixes of each file's findings are planned together and
 * either written (atomically, file by file) or printed as one unified
 * diff.  Prints its own messages about files and skipped fixes.
 */
#ifndef LS_CLI_LINT_APPLY_H
#define LS_CLI_LINT_APPLY_H

#include "leakscope/base.h"
#include "leakscope/lintrun.h"

typedef struct lint_apply_stats {
    size_t fixed;     /* findings whose fix was written (or, for --diff, shown) */
    size_t files;     /* files written (or shown) */
    size_t skipped;   /* fixes left out: overlapping another, or in a file with a syntax error */
    size_t failed;    /* files that could not be read or written */
} lint_apply_stats;

/*
 * With write, rewrites each file that has fixes and drops the findings
 * fixed from res (what is left is what still needs a hand); without it,
 * appends the diff of every file to diff and leaves res alone.
 */
void lint_apply_fixes(lint_result *res, bool write, ls_buf *diff, lint_apply_stats *st);

#endif
