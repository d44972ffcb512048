/*
 * `leakscope lint`'s adoption features, between the command and the
 * library (docs/lint-config.md): the configuration file, --new-from-rev
 * and the baseline.  cmd_lint.c calls these in this order:
 *
 *   lint_adopt_config     before the rules are picked
 *   lint_adopt_exclude    after the patterns are expanded
 *   lint_adopt_filter     after lint_run: severities, --new-from-rev,
 *                         --baseline (which may write the file)
 *
 * Each prints its own messages and says which exit status to use.
 */
#ifndef LS_CLI_LINT_ADOPT_H
#define LS_CLI_LINT_ADOPT_H

#include "cli.h"
#include "leakscope/lintconfig.h"
#include "leakscope/lintrun.h"

typedef struct lint_adopt_opts {
    const char *config;       /* --config FILE */
    bool no_config;           /* --no-config */
    const char *baseline;     /* --baseline FILE */
    bool baseline_update;     /* --baseline-update */
    const char *new_from_rev; /* --new-from-rev REV */
} lint_adopt_opts;

/*
 * Loads the configuration file named by --config, or found from the
 * working directory upwards, unless --no-config.  *have says whether one
 * was loaded.  false (after printing the error) means exit status 2.
 */
bool lint_adopt_config(const lint_adopt_opts *o, lint_config *cfg, bool *have);

/* Drops the files an exclude glob covers. */
void lint_adopt_exclude(const lint_config *cfg, path_list *files);

/*
 * Applies the configuration's severities, then --new-from-rev, then the
 * baseline to res (dropping findings in place; after writing a baseline
 * none are left).  Returns EXIT_INPUT after printing an error (git, the
 * baseline file), otherwise -1: the command goes on as usual.
 */
int lint_adopt_filter(const lint_adopt_opts *o, const lint_config *cfg, lint_result *res);

#endif
