/*
 * leakscope lint: baselines (docs/lint-config.md#baseline).  A baseline
 * file lists the findings a project has accepted, so that only new ones
 * are reported:
 *
 *     {"version": 1, "findings": [
 *       {"rule": "CTX001", "path": "server/h.go", "fingerprint": "9f3c0a1d5e2b7c44",
 *        "message": "the cancel function ... is not called on every path"}]}
 *
 * A finding matches an entry with the same rule, path and fingerprint.
 * The fingerprint survives line shifts: it hashes (XXH3) the rule ID, the
 * path, the text of the finding's line with whitespace normalised (runs
 * of blanks become one space, leading and trailing blanks dropped) and the
 * finding's index among the findings of the same rule and path on lines
 * of the same text.  Nothing here prints.
 */
#ifndef LEAKSCOPE_LINTBASELINE_H
#define LEAKSCOPE_LINTBASELINE_H

#include "leakscope/lintrun.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LINT_BASELINE_VERSION 1

typedef struct lint_baseline_entry {
    char *rule;           /* "CTX001" */
    char *path;           /* relative to the baseline file's directory when below it */
    char fingerprint[17]; /* 16 lowercase hex digits */
    char *message;        /* for people; not matched */
} lint_baseline_entry;

typedef struct lint_baseline {
    lint_baseline_entry *at;
    size_t len;
    bool sorted; /* internal */
} lint_baseline;

/* The fingerprint of a finding of rule_id in path on a line holding
 * text[0..len) (not yet normalised), the occurrence-th (from 0) such
 * finding with the same normalised text. */
uint64_t lint_fingerprint(const char *rule_id, const char *path, const char *text, size_t len, unsigned occurrence);

/*
 * One entry per finding, in the same order (out->at[i] is findings[i]):
 * the line text is read from the finding's file, and the path is made
 * relative to base_dir (a real path) when the file lies below it.
 * findings must be sorted as lint_run sorts them.
 */
void lint_baseline_from_findings(const lint_finding *findings, size_t n, const char *base_dir, lint_baseline *out);

/* Reads a baseline file.  false with "PATH:LINE:COL: ..." or "PATH: ..."
 * in err when it cannot be read or is not a baseline. */
bool lint_baseline_read(const char *path, lint_baseline *out, char *err, size_t errlen);

/* The JSON document, entries sorted by path, rule and fingerprint. */
void lint_baseline_write(ls_buf *out, const lint_baseline *b);

/* Whether b holds an entry with e's rule, path and fingerprint.  Sorts b
 * on first use. */
bool lint_baseline_has(lint_baseline *b, const lint_baseline_entry *e);

void lint_baseline_free(lint_baseline *b);

#ifdef __cplusplus
}
#endif
#endif
