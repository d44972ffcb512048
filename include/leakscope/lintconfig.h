/*
 * leakscope lint: the configuration file `.leakscope.yml`
 * (docs/lint-config.md) and the path globs it uses.
 *
 *     version: 1
 *     rules:
 *       enable: [CTX001, body-not-closed]
 *       disable: [CTX004]
 *     severity:
 *       CTX008: warning
 *     exclude:
 *       - "*_gen.go"
 *       - internal/legacy
 *     tests: false
 *
 * The file is read with libyaml; every mistake in it (bad YAML, an
 * unknown key, an unknown rule, a value of the wrong kind) is reported as
 * one message "FILE:LINE:COL: what is wrong; what to do".  Nothing here
 * prints or exits.
 */
#ifndef LEAKSCOPE_LINTCONFIG_H
#define LEAKSCOPE_LINTCONFIG_H

#include "leakscope/lint.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LINT_CONFIG_NAME ".leakscope.yml"

typedef struct lint_config_severity {
    const lint_rule *rule;
    lint_severity severity;
} lint_config_severity;

typedef struct lint_config {
    char *path;     /* the file that was read */
    char *dir;      /* the real path of its directory; exclude globs are relative to it */
    bool has_enable; /* rules.enable was given (possibly empty) */
    const lint_rule **enable;
    size_t nenable;
    const lint_rule **disable;
    size_t ndisable;
    lint_config_severity *severity;
    size_t nseverity;
    char **exclude;
    size_t nexclude;
    int tests; /* -1 not set, 0 false, 1 true */
} lint_config;

/*
 * The path of LINT_CONFIG_NAME in dir or the nearest directory above it
 * (malloc'd), NULL when there is none.  The search stops at the first
 * directory that holds `.git` (the repository root) and at "/".
 */
char *lint_config_find(const char *dir);

/*
 * Reads the file at path into cfg.  Returns true, or false with a message
 * "PATH:LINE:COL: ..." (or "PATH: ..." when it cannot be read) in err; cfg
 * is then empty but still to be freed.
 */
bool lint_config_load(const char *path, lint_config *cfg, char *err, size_t errlen);
/* The same over a string; path only names it in messages, dir is the
 * directory exclude globs are relative to. */
bool lint_config_parse(const char *path, const char *dir, const char *text, size_t len, lint_config *cfg, char *err,
                       size_t errlen);
void lint_config_free(lint_config *cfg);

/* The severity the file sets for rule; false when it sets none. */
bool lint_config_severity_of(const lint_config *cfg, const lint_rule *rule, lint_severity *out);

/*
 * Whether an exclude glob covers file (a path relative to the working
 * directory, or absolute; it is resolved with realpath and made relative
 * to cfg->dir).  A glob covers a path when it matches the whole path or a
 * directory that contains it; a glob without '/' matches a name at any
 * depth, like .gitignore.
 */
bool lint_config_excludes(const lint_config *cfg, const char *file);

/*
 * Glob matching of a '/'-separated relative path: `*`, `?` and `[...]`
 * match within one element (fnmatch), `**` as a whole element matches any
 * number of elements, none included.  The whole path must match.
 */
bool lint_glob_match(const char *pattern, const char *path);

#ifdef __cplusplus
}
#endif
#endif
