/*
 * lint_want DIR RULE_ID: checks one rule against its testdata in the
 * analysistest convention (want_check.h).  Every .go file below DIR is
 * linted with only that rule enabled (each directory is its own package);
 * every finding must match a `// want "REGEXP"` on its line and every want
 * must be matched.  Prints the mismatches and `N passed, N failed`; exits
 * 0 when nothing failed, 1 otherwise, 2 on usage errors.
 */
#include <stdio.h>
#include <stdlib.h>

#include "want_check.h"

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: lint_want DIR RULE_ID\n");
        return 2;
    }
    const lint_rule *rule = lint_rule_find(argv[2]);
    if (!rule) {
        fprintf(stderr, "lint_want: no rule %s in the registry: add src/lint/rules/<id>_<name>.c defining "
                        "lint_rule_<id> and re-run cmake\n", argv[2]);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    want_counts counts = {0};
    const lint_rule *rules[] = {rule};
    int rc = want_check(argv[1], rules, 1, 0, stdout, &counts);
    if (rc != 0)
        counts.failed++;
    printf("%zu passed, %zu failed\n", counts.passed, counts.failed);
    return counts.failed ? 1 : 0;
}
