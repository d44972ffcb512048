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
 *  - report_lint_sarif: SARIF 2.1.0 (docs/lint-sarif.md).
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

/*
 * SARIF 2.1.0 for GitHub code scanning (docs/lint-sarif.md): every rule of
 * the registry in tool.driver.rules, one result per finding with a
 * line-shift-proof partialFingerprints.primaryLocationLineHash, input
 * errors as tool execution notifications.  Reads the findings' files (by
 * their paths, relative to the working directory) for UTF-16 columns and
 * fingerprints; a file that cannot be read keeps byte columns.
 */
#define REPORT_SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define REPORT_SARIF_INFO_URI "https://github.com/leakscope/leakscope"
/* helpUri of rule ID: REPORT_SARIF_RULE_DOCS "ID.md" */
#define REPORT_SARIF_RULE_DOCS "https://github.com/leakscope/leakscope/blob/main/docs/rules/"
void report_lint_sarif(ls_buf *out, const lint_result *r, const report_input_error *extra, size_t nextra);
/* The 1-based UTF-16 column of 1-based byte column byte_col of line[0..len)
 * (invalid UTF-8 counts one unit a byte, as U+FFFD); 0 stays 0. */
uint32_t report_utf16_column(const char *line, size_t len, uint32_t byte_col);
/* The hash of a fingerprint: rule ID, path and the line without whitespace. */
uint64_t report_line_hash(const char *rule_id, const char *path, const char *line, size_t len);

#ifdef __cplusplus
}
#endif
#endif
