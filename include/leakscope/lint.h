/*
 * leakscope lint: rules over the Go syntax tree, and the engine that runs
 * them.
 *
 * A rule is data plus one function (like a go vet analyzer): a
 * `const lint_rule` with its ID, name, one-line summary, default severity,
 * an import that must be present for it to have anything to say (its fast
 * path), and a check function.  The check function gets a lint_pass for one
 * file — parsed, with names resolved (goscope.h), its package index and the
 * Go version of the nearest go.mod — and reports findings through
 * lint_report*.  Rules never print, allocate only from pass->arena, and
 * keep no state between calls (files are checked on several threads).
 *
 * The engine (lint_run) finds the files, parses them, runs the enabled
 * rules, drops suppressed findings, and returns them sorted by file, line,
 * column and rule whatever the number of threads.
 */
#ifndef LEAKSCOPE_LINT_H
#define LEAKSCOPE_LINT_H

#include "leakscope/goast.h"
#include "leakscope/goscope.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lint_severity { LINT_ERROR, LINT_WARNING } lint_severity;

const char *lint_severity_name(lint_severity s); /* "error", "warning" */

typedef struct lint_pass lint_pass;

typedef struct lint_rule {
    const char *id;      /* "CTX001" */
    const char *name;    /* "lost-cancel" */
    const char *summary; /* one line: what it finds */
    lint_severity severity;
    /* The rule reports nothing in a file that does not import this path
     * (NULL: run on every file).  Checked by the engine before check(). */
    const char *requires_import;
    void (*check)(lint_pass *pass);
} lint_rule;

/* What a rule's check function gets: one file. */
struct lint_pass {
    go_file *file;          /* parsed and resolved; may have syntax errors */
    const go_package *pkg;  /* every file of the same package in the directory */
    const lint_rule *rule;
    int go_minor;           /* 21 for "go 1.21" in the nearest go.mod; 0 unknown */
    ls_arena *arena;        /* scratch memory, freed after the file */
    void *engine;           /* private */
};

/*
 * Reports a finding of pass->rule at pos with the rule's default severity.
 * The message says what leaks and why, in one line, without the rule ID.
 */
void lint_report(lint_pass *pass, go_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same, with a related position and what it is ("context created here",
 * "the path that returns without calling cancel"). */
void lint_report_related(lint_pass *pass, go_pos pos, go_pos related, const char *related_message,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The same, with a severity chosen by the rule (e.g. by Go version). */
void lint_report_severity(lint_pass *pass, lint_severity severity, go_pos pos, go_pos related,
                          const char *related_message, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* ---- fixes ----------------------------------------------------------------- */

/*
 * Attaches an edit to the finding this pass reported last: replace the bytes
 * [start, end) of the file with text (start == end inserts).  All edits of one
 * finding together are its one safe mechanical fix (rules.md, "Fixes");
 * `leakscope lint --fix` applies them and `--diff` shows them (lintfix.h).
 * Edits of one finding must not overlap (insertions at one offset are made
 * in the order given); an edit that overlaps another of the same finding,
 * or lies outside the file, drops the finding's whole fix (the finding is
 * still reported).  text is copied; a "\n" in it becomes "\r\n" in a CRLF
 * file.  Does nothing when this rule's pass has not reported anything yet.
 */
void lint_fix_edit(lint_pass *pass, go_pos start, go_pos end, const char *text);

/* ---- the registry --------------------------------------------------------- */

/* Every rule, in ID order. */
const lint_rule *const *lint_rules(size_t *count);
/* By ID ("CTX001") or name ("lost-cancel"), case-insensitive; NULL if none. */
const lint_rule *lint_rule_find(const char *id_or_name);

#ifdef __cplusplus
}
#endif
#endif
