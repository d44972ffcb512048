/*
 * The analysistest convention for leakscope's lint rules: Go files carry
 * `// want "REGEXP"` comments, and a rule passes its testdata when every
 * finding on a line matches a distinct want of that line and every want is
 * matched.  Used by lint_want (one ctest per tests/lint/testdata/<ID>) and
 * by the driver's self-test.
 */
#ifndef LS_TESTS_WANT_CHECK_H
#define LS_TESTS_WANT_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "leakscope/lintrun.h"

typedef struct want_counts {
    size_t passed; /* wants matched by a finding */
    size_t failed; /* findings no want matches + wants no finding matches */
} want_counts;

/* Appends every .go file below dir (sorted, recursively) to *paths. */
void want_collect(const char *dir, char ***paths, size_t *n);
void want_free_paths(char **paths, size_t n);

/*
 * Lints dir (every .go file below it; each directory its own package) with
 * exactly rules[0..nrules) on `threads` threads and compares the findings
 * and syntax errors with the wants.  Prints each mismatch to out as
 *   path:line: unexpected finding: ID name: message
 *   path:line: missing finding matching "REGEXP"
 * Returns -1 when the run could not be made (message on out).
 */
int want_check(const char *dir, const lint_rule *const *rules, size_t nrules, unsigned threads, FILE *out,
               want_counts *counts);

#endif
