/*
 * leakscope report writers: findings in, bytes out.  They know nothing of
 * how the findings were found (style.md: data flows one way).
 *
 *  - report_json_string: a JSON string literal (quotes included); UTF-8 is
 *    passed through, control bytes become \u00XX, invalid UTF-8 becomes
 *    U+FFFD.
 *  - report_lint_text: go vet style, `path:line:col: ID name: message`, a
 *    related position on a second line `\tpath:line:col: message`.
 *  - report_lint_json: the JSON document of docs/lint-json.md.
 */
#ifndef LEAKSCOPE_REPORT_H
#define LEAKSCOPE_REPORT_H

#include "leakscope/lintrun.h"

#ifdef __cplusplus
extern "C" {
#endif

void report_json_string(ls_buf *out, const char *s, size_t len);

/* An input problem that is not in a lint_result: a pattern that matched
 * nothing readable (line and col 0). */
typedef struct report_input_error {
    const char *path;
    const char *message;
} report_input_error;

/* The document's "version" (docs/lint-json.md). */
#define REPORT_LINT_JSON_VERSION 1

void report_lint_text(ls_buf *out, const lint_result *r);
void report_lint_json(ls_buf *out, const lint_result *r, const report_input_error *extra, size_t nextra);

#ifdef __cplusplus
}
#endif
#endif
