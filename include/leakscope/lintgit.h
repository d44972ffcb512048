/*
 * leakscope lint: which lines changed since a git revision
 * (`--new-from-rev REV`, docs/lint-config.md#new-from-rev).
 *
 * lint_changes_since() runs git (posix_spawnp, no shell) in the working
 * directory's repository:
 *     git rev-parse --show-toplevel
 *     git rev-parse --verify --quiet REV^{commit}
 *     git diff --unified=0 COMMIT --      (working tree against REV)
 *     git ls-files -z                     (tracked files)
 * and keeps, per file, the line ranges of the hunks' `+c,d` sides.  A line
 * counts as changed when a hunk added or changed it; a file that git does
 * not track (untracked, ignored) or that lies outside the repository
 * counts as changed in full.  Nothing here prints.
 */
#ifndef LEAKSCOPE_LINTGIT_H
#define LEAKSCOPE_LINTGIT_H

#include "leakscope/base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lint_changes lint_changes;

/* NULL with a message in err (not a repository, unknown revision, git
 * missing or failing). */
lint_changes *lint_changes_since(const char *rev, char *err, size_t errlen);

/* Whether line (1-based) of file (relative to the working directory or
 * absolute) was added or changed. */
bool lint_changes_has_line(const lint_changes *c, const char *file, uint32_t line);

void lint_changes_free(lint_changes *c);

/* For tests: changes from the text of `git diff --unified=0` (paths
 * relative to root, a real path), every file in it tracked. */
lint_changes *lint_changes_from_diff(const char *root, const char *diff, size_t len);

#ifdef __cplusplus
}
#endif
#endif
