/*
 * leakscope lint: the engine-facing API (lint.h is the rule-facing one).
 *
 * lint_run() takes a list of Go files, groups them into packages (one
 * directory and one package clause: a directory's `foo_test` files are a
 * package of their own), parses and resolves every file, reads the `go`
 * directive of the nearest go.mod, runs the enabled rules, drops findings
 * that a suppression comment covers, and returns the findings and the
 * input errors sorted by path, line, column and rule ID, whatever the
 * number of threads.  Nothing here prints.
 *
 * Suppression comments (docs/lint.md), on the finding's line or alone on
 * the line before:
 *     //leakscope:ignore CTX001,lost-cancel reason
 *     //nolint  //nolint:all  //nolint:leakscope  //nolint:a,leakscope,b // reason
 */
#ifndef LEAKSCOPE_LINTRUN_H
#define LEAKSCOPE_LINTRUN_H

#include "leakscope/lint.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One edit of a finding's fix (lint_fix_edit): replace the bytes
 * [start, end) of the file with text (start == end inserts). */
typedef struct lint_edit {
    go_pos start, end;
    const char *text;
} lint_edit;

typedef struct lint_finding {
    const lint_rule *rule;
    const char *path;     /* as given to lint_run */
    go_pos pos;           /* byte offset in the file */
    uint32_t line, col;   /* 1-based; col in bytes; 0 when pos is GO_NOPOS */
    lint_severity severity;
    const char *message;
    /* related information; related_message is NULL when there is none */
    go_pos related_pos;
    uint32_t related_line, related_col;
    const char *related_message;
    /* the finding's fix (lintfix.h): edits in the order the rule gave them,
     * never overlapping; nedits is 0 when the rule offers no fix */
    const lint_edit *edits;
    size_t nedits;
} lint_finding;

typedef enum lint_error_kind {
    LINT_ERR_SYNTAX, /* the file's first syntax error; the recovered tree was linted */
    LINT_ERR_READ,   /* the file could not be read (line and col are 0) */
} lint_error_kind;

typedef struct lint_error {
    lint_error_kind kind;
    const char *path;
    go_pos pos; /* GO_NOPOS for read errors */
    uint32_t line, col;
    const char *message; /* syntax: the parser's message; read: strerror() */
} lint_error;

typedef struct lint_options {
    /* The rules to run.  NULL: every rule of the registry (lint_rules()). */
    const lint_rule *const *rules;
    size_t nrules;
    unsigned threads;   /* 0: one per core */
    uint32_t max_depth; /* parser nesting limit (go_parse_options); 0: its default */
    int go_minor;       /* > 0: the Go version of every file (22 for go1.22), as go vet's
                         * config gives it; 0: the nearest go.mod's `go` directive */
    const char *cache_dir; /* the result cache's directory (docs/lint.md, "Cache");
                            * NULL: no cache */
} lint_options;

typedef struct lint_result {
    lint_finding *findings; /* sorted by path, line, col, rule ID, message */
    size_t nfindings;
    lint_error *errors;     /* sorted by path, line, col */
    size_t nerrors;
    size_t files;           /* files read */
    size_t suppressed;      /* findings dropped by suppression comments */
    void *priv;             /* owns the strings */
} lint_result;

/*
 * Lints paths[0..n) (Go files; the caller expands patterns).  Returns 0,
 * or an errno value when threads could not be started (out is then
 * empty but still to be freed).  Unreadable files and syntax errors are
 * in out->errors, not failures of the run.
 */
int lint_run(const char *const *paths, size_t n, const lint_options *opts, lint_result *out);
void lint_result_free(lint_result *r);

/* The default cache directory: $LEAKSCOPE_CACHE, else $XDG_CACHE_HOME/leakscope,
 * else $HOME/.cache/leakscope; malloc'ed; NULL when none of them is set. */
char *lint_cache_dir_default(void);

/*
 * The minor version of the `go` directive of the go.mod in dir or the
 * nearest directory above it (21 for "go 1.21" or "go 1.21.3"), 0 when
 * there is none.  Uncached; lint_run caches per directory.
 */
int lint_go_minor_for_dir(const char *dir);

/*
 * Whether the comment text (with its leading "//") is a suppression
 * directive that covers rule.  Exposed for tests.
 */
bool lint_comment_suppresses(const char *text, size_t len, const lint_rule *rule);

#ifdef __cplusplus
}
#endif
#endif
