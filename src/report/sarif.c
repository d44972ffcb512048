/*
 * The SARIF 2.1.0 writer of lint results (report.h, docs/lint-sarif.md):
 * one run whose driver lists every rule of the registry, one result per
 * finding, and the input errors as tool execution notifications.
 *
 * Two things need the finding's source line, which the result does not
 * hold, so the writer reads each file once (findings come sorted by path):
 *  - SARIF columns count UTF-16 code units (run.columnKind), ours count
 *    bytes: the bytes of the line before the position are decoded as UTF-8
 *    (an invalid byte counts as one U+FFFD);
 *  - partialFingerprints.primaryLocationLineHash hashes rule, path and the
 *    line with its whitespace removed, plus ":N" for the Nth finding with
 *    that hash in the file, so it survives lines inserted above.
 * A file that cannot be read (any more) keeps byte columns and hashes an
 * empty line: the document is still complete.
 */
#include <stdlib.h>
#include <string.h>

#include "leakscope/report.h"

/* ---- the source of the current file -------------------------------------- */

typedef struct source {
    const char *path; /* the path read last (not owned); NULL: none */
    ls_file_data data;
    bool ok;
} source;

static void source_load(source *s, const char *path) {
    if (s->path && strcmp(s->path, path) == 0)
        return;
    if (s->ok)
        ls_file_release(&s->data);
    s->path = path;
    s->ok = ls_file_read(path, &s->data) == 0;
}

static void source_free(source *s) {
    if (s->ok)
        ls_file_release(&s->data);
    s->ok = false;
    s->path = NULL;
}

/* The line holding byte offset pos (without its '\n' or "\r\n"), when the
 * file is loaded and pos is the position of (line, col) in it. */
static bool source_line(const source *s, go_pos pos, uint32_t line, uint32_t col, const char **start,
                        size_t *len) {
    if (!s->ok || pos == GO_NOPOS || line == 0 || col == 0 || pos > s->data.len)
        return false;
    const char *d = s->data.data;
    size_t b = pos;
    while (b > 0 && d[b - 1] != '\n')
        b--;
    if (pos - b + 1 != col) /* the file changed since it was linted */
        return false;
    size_t e = pos;
    while (e < s->data.len && d[e] != '\n')
        e++;
    if (e > b && d[e - 1] == '\r')
        e--;
    *start = d + b;
    *len = e - b;
    return true;
}

/* Length of the valid UTF-8 sequence at p[0..n), 0 when it is invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n) {
    unsigned char c = p[0];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

uint32_t report_utf16_column(const char *line, size_t len, uint32_t byte_col) {
    if (byte_col == 0)
        return 0;
    size_t end = byte_col - 1 < len ? byte_col - 1 : len;
    const unsigned char *p = (const unsigned char *)line;
    uint32_t units = 0;
    size_t i = 0;
    while (i < end) {
        size_t n = utf8_seq(p + i, len - i);
        if (n == 0 || i + n > end) { /* invalid (or cut by the position): one U+FFFD */
            units++;
            i++;
        } else {
            units += n == 4 ? 2 : 1; /* above U+FFFF: a surrogate pair */
            i += n;
        }
    }
    return units + 1 + (uint32_t)(byte_col - 1 - end);
}

/* ---- fingerprints ----------------------------------------------------------- */

typedef struct seen {
    uint64_t *hash;
    uint32_t *count;
    size_t len, cap;
} seen;

/* How many times h was seen in the current file, this time included. */
static uint32_t seen_add(seen *s, uint64_t h) {
    for (size_t i = 0; i < s->len; i++)
        if (s->hash[i] == h)
            return ++s->count[i];
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->hash = realloc(s->hash, s->cap * sizeof *s->hash);
        s->count = realloc(s->count, s->cap * sizeof *s->count);
        if (!s->hash || !s->count)
            abort();
    }
    s->hash[s->len] = h;
    s->count[s->len] = 1;
    s->len++;
    return 1;
}

uint64_t report_line_hash(const char *rule_id, const char *path, const char *line, size_t len) {
    ls_buf b = {0};
    ls_buf_puts(&b, rule_id);
    ls_buf_putc(&b, 0);
    ls_buf_puts(&b, path);
    ls_buf_putc(&b, 0);
    for (size_t i = 0; i < len; i++) {
        char c = line[i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\v' && c != '\f')
            ls_buf_putc(&b, c);
    }
    uint64_t h = ls_hash(b.data, b.len);
    ls_buf_free(&b);
    return h;
}

/* ---- JSON pieces -------------------------------------------------------------- */

static void put_str(ls_buf *out, const char *s) { report_json_string(out, s ? s : "", s ? strlen(s) : 0); }

/* A path as a URI reference: relative paths stay relative (to %SRCROOT%),
 * absolute ones become file:// URIs; bytes other than unreserved ones and
 * '/' are percent-encoded. */
static void put_uri(ls_buf *out, const char *path) {
    static const char hex[] = "0123456789ABCDEF";
    ls_buf u = {0};
    if (path[0] == '/')
        ls_buf_puts(&u, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~' || c == '/') {
            ls_buf_putc(&u, (char)c);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            ls_buf_append(&u, esc, 3);
        }
    }
    report_json_string(out, u.data ? u.data : "", u.len);
    ls_buf_free(&u);
}

/* "physicalLocation": {...}; line 0 leaves the region out. */
static void put_physical(ls_buf *out, const source *src, const char *path, go_pos pos, uint32_t line,
                         uint32_t col) {
    ls_buf_puts(out, "\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
    put_uri(out, path);
    if (path[0] != '/')
        ls_buf_puts(out, ", \"uriBaseId\": \"%SRCROOT%\"");
    ls_buf_puts(out, "}");
    if (line > 0) {
        ls_buf_printf(out, ", \"region\": {\"startLine\": %u", line);
        if (col > 0) {
            const char *text;
            size_t len;
            uint32_t c16 = source_line(src, pos, line, col, &text, &len) ? report_utf16_column(text, len, col) : col;
            ls_buf_printf(out, ", \"startColumn\": %u", c16);
        }
        ls_buf_puts(out, "}");
    }
    ls_buf_puts(out, "}");
}

static void put_rule(ls_buf *out, const lint_rule *r) {
    ls_buf_puts(out, "{\"id\": ");
    put_str(out, r->id);
    ls_buf_puts(out, ", \"name\": ");
    put_str(out, r->name);
    ls_buf_puts(out, ",\n          \"shortDescription\": {\"text\": ");
    put_str(out, r->summary);
    ls_buf_puts(out, "},\n          \"fullDescription\": {\"text\": ");
    ls_buf full = {0};
    ls_buf_printf(&full, "%s %s: %s. Documented in docs/rules/%s.md.", r->id, r->name, r->summary, r->id);
    report_json_string(out, full.data, full.len);
    ls_buf_printf(out, "},\n          \"helpUri\": \"%s%s.md\",\n          \"help\": {\"text\": ", REPORT_SARIF_RULE_DOCS,
                  r->id);
    full.len = 0;
    ls_buf_printf(&full, "%s %s: %s.\n\nWhat it finds, why it matters, examples and how to suppress it: %s%s.md",
                  r->id, r->name, r->summary, REPORT_SARIF_RULE_DOCS, r->id);
    report_json_string(out, full.data, full.len);
    ls_buf_puts(out, ", \"markdown\": ");
    full.len = 0;
    ls_buf_printf(&full,
                  "**%s %s**: %s.\n\nWhat it finds, why it matters, examples and how to suppress it: "
                  "[docs/rules/%s.md](%s%s.md).",
                  r->id, r->name, r->summary, r->id, REPORT_SARIF_RULE_DOCS, r->id);
    report_json_string(out, full.data, full.len);
    ls_buf_free(&full);
    ls_buf_printf(out, "},\n          \"defaultConfiguration\": {\"level\": \"%s\"}}", lint_severity_name(r->severity));
}

/* ---- the document --------------------------------------------------------------- */

void report_lint_sarif(ls_buf *out, const lint_result *r, const report_input_error *extra, size_t nextra) {
    size_t nrules;
    const lint_rule *const *rules = lint_rules(&nrules);
    ls_buf_puts(out, "{\n  \"$schema\": \"" REPORT_SARIF_SCHEMA "\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n"
                     "    {\n      \"tool\": {\"driver\": {\n        \"name\": \"leakscope\",\n");
    ls_buf_puts(out, "        \"version\": \"" LEAKSCOPE_VERSION "\",\n        \"semanticVersion\": \"" LEAKSCOPE_VERSION
                     "\",\n        \"informationUri\": \"" REPORT_SARIF_INFO_URI "\",\n        \"rules\": [");
    for (size_t i = 0; i < nrules; i++) {
        ls_buf_puts(out, i ? ",\n        " : "\n        ");
        put_rule(out, rules[i]);
    }
    ls_buf_puts(out, nrules ? "\n        ]\n      }},\n" : "]\n      }},\n");
    ls_buf_puts(out, "      \"columnKind\": \"utf16CodeUnits\",\n");

    /* invocations: every input problem is a notification; the run itself
     * succeeded (an internal error writes no document at all) */
    ls_buf_puts(out, "      \"invocations\": [{\"executionSuccessful\": true, \"toolExecutionNotifications\": [");
    source src = {0};
    size_t k = 0;
    for (size_t i = 0; i < nextra; i++, k++) {
        ls_buf_puts(out, k ? ",\n        " : "\n        ");
        ls_buf_puts(out, "{\"level\": \"error\", \"descriptor\": {\"id\": \"pattern\"}, \"message\": {\"text\": ");
        ls_buf msg = {0};
        ls_buf_printf(&msg, "%s: %s", extra[i].path ? extra[i].path : "", extra[i].message ? extra[i].message : "");
        report_json_string(out, msg.data, msg.len);
        ls_buf_free(&msg);
        ls_buf_puts(out, "}}");
    }
    for (size_t i = 0; i < r->nerrors; i++, k++) {
        const lint_error *e = &r->errors[i];
        bool syntax = e->kind == LINT_ERR_SYNTAX;
        ls_buf_puts(out, k ? ",\n        " : "\n        ");
        ls_buf_printf(out, "{\"level\": \"error\", \"descriptor\": {\"id\": \"%s\"}, \"message\": {\"text\": ",
                      syntax ? "syntax" : "read");
        ls_buf msg = {0};
        ls_buf_printf(&msg, "%s: %s", syntax ? "syntax error" : "cannot read", e->message ? e->message : "");
        report_json_string(out, msg.data, msg.len);
        ls_buf_free(&msg);
        ls_buf_puts(out, "},\n         \"locations\": [{");
        if (syntax)
            source_load(&src, e->path);
        put_physical(out, &src, e->path, e->pos, syntax ? e->line : 0, syntax ? e->col : 0);
        ls_buf_puts(out, "}]}");
    }
    ls_buf_puts(out, k ? "\n      ]}],\n" : "]}],\n");

    ls_buf_puts(out, "      \"results\": [");
    seen fp = {0};
    for (size_t i = 0; i < r->nfindings; i++) {
        const lint_finding *f = &r->findings[i];
        if (!src.path || strcmp(src.path, f->path) != 0)
            fp.len = 0; /* occurrences count per file */
        source_load(&src, f->path);
        ls_buf_puts(out, i ? ",\n        {" : "\n        {");
        ls_buf_puts(out, "\"ruleId\": ");
        put_str(out, f->rule->id);
        for (size_t j = 0; j < nrules; j++)
            if (rules[j] == f->rule)
                ls_buf_printf(out, ", \"ruleIndex\": %zu", j);
        ls_buf_printf(out, ", \"level\": \"%s\",\n         \"message\": {\"text\": ", lint_severity_name(f->severity));
        put_str(out, f->message);
        ls_buf_puts(out, "},\n         \"locations\": [{");
        put_physical(out, &src, f->path, f->pos, f->line, f->col);
        ls_buf_puts(out, "}]");
        if (f->related_message) {
            ls_buf_puts(out, ",\n         \"relatedLocations\": [{\"id\": 1, ");
            put_physical(out, &src, f->path, f->related_pos, f->related_line, f->related_col);
            ls_buf_puts(out, ", \"message\": {\"text\": ");
            put_str(out, f->related_message);
            ls_buf_puts(out, "}}]");
        }
        const char *text = "";
        size_t len = 0;
        if (!source_line(&src, f->pos, f->line, f->col, &text, &len))
            text = "", len = 0;
        uint64_t h = report_line_hash(f->rule->id, f->path, text, len);
        ls_buf_printf(out, ",\n         \"partialFingerprints\": {\"primaryLocationLineHash\": \"%016llx:%u\"}}",
                      (unsigned long long)h, seen_add(&fp, h));
    }
    ls_buf_puts(out, r->nfindings ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n");
    free(fp.hash);
    free(fp.count);
    source_free(&src);
}
