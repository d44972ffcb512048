/*
 * Writers for lint results (report.h): go vet style text and the JSON
 * document of docs/lint-json.md.  Both write findings in the order of the
 * result, which the engine has sorted.
 */
#include <string.h>

#include "leakscope/report.h"

/* Length of the valid UTF-8 sequence at s[0..n), 0 when it is invalid
 * (overlong forms, surrogates and code points above U+10FFFF included). */
static size_t utf8_len(const unsigned char *s, size_t n) {
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    uint32_t cp, min;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, cp = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, cp = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void report_json_string(ls_buf *out, const char *s, size_t len) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    ls_buf_putc(out, '"');
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            ls_buf_putc(out, '\\');
            ls_buf_putc(out, (char)c);
            i++;
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            ls_buf_append(out, esc, sizeof esc);
            i++;
        } else if (c < 0x80) {
            ls_buf_putc(out, (char)c);
            i++;
        } else {
            size_t n = utf8_len(p + i, len - i);
            if (n) {
                ls_buf_append(out, p + i, n);
                i += n;
            } else {
                ls_buf_append(out, "\xef\xbf\xbd", 3); /* U+FFFD */
                i++;
            }
        }
    }
    ls_buf_putc(out, '"');
}

/* Text output keeps one finding per line: control bytes in messages (a
 * quoted raw string holding a newline) are written as \xHH. */
static void put_line_text(ls_buf *out, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            ls_buf_printf(out, "\\x%02x", c);
        else
            ls_buf_putc(out, (char)c);
    }
}

void report_lint_text(ls_buf *out, const lint_result *r) {
    for (size_t i = 0; i < r->nfindings; i++) {
        const lint_finding *f = &r->findings[i];
        ls_buf_printf(out, "%s:%u:%u: %s %s: ", f->path, f->line, f->col, f->rule->id, f->rule->name);
        put_line_text(out, f->message);
        ls_buf_putc(out, '\n');
        if (f->related_message) {
            ls_buf_printf(out, "\t%s:%u:%u: ", f->path, f->related_line, f->related_col);
            put_line_text(out, f->related_message);
            ls_buf_putc(out, '\n');
        }
    }
}

static void json_key_str(ls_buf *out, const char *key, const char *value) {
    ls_buf_printf(out, "\"%s\": ", key);
    report_json_string(out, value ? value : "", value ? strlen(value) : 0);
}

void report_lint_json(ls_buf *out, const lint_result *r, const report_input_error *extra, size_t nextra) {
    ls_buf_printf(out, "{\n  \"version\": %d,\n  \"tool\": {\"name\": \"leakscope\", \"version\": \"%s\"},\n",
                  REPORT_LINT_JSON_VERSION, LEAKSCOPE_VERSION);
    ls_buf_puts(out, "  \"findings\": [");
    for (size_t i = 0; i < r->nfindings; i++) {
        const lint_finding *f = &r->findings[i];
        ls_buf_puts(out, i ? ",\n    {" : "\n    {");
        json_key_str(out, "rule", f->rule->id);
        ls_buf_puts(out, ", ");
        json_key_str(out, "name", f->rule->name);
        ls_buf_puts(out, ", ");
        json_key_str(out, "severity", lint_severity_name(f->severity));
        ls_buf_puts(out, ", ");
        json_key_str(out, "path", f->path);
        ls_buf_printf(out, ", \"line\": %u, \"column\": %u, \"offset\": %u, ", f->line, f->col,
                      f->pos == GO_NOPOS ? 0u : f->pos);
        json_key_str(out, "message", f->message);
        ls_buf_puts(out, ", \"related\": [");
        if (f->related_message) {
            ls_buf_puts(out, "{");
            json_key_str(out, "path", f->path);
            ls_buf_printf(out, ", \"line\": %u, \"column\": %u, ", f->related_line, f->related_col);
            json_key_str(out, "message", f->related_message);
            ls_buf_puts(out, "}");
        }
        ls_buf_puts(out, "]}");
    }
    ls_buf_puts(out, r->nfindings ? "\n  ],\n" : "],\n");
    ls_buf_puts(out, "  \"errors\": [");
    size_t k = 0;
    for (size_t i = 0; i < nextra; i++, k++) {
        ls_buf_puts(out, k ? ",\n    {" : "\n    {");
        json_key_str(out, "kind", "pattern");
        ls_buf_puts(out, ", ");
        json_key_str(out, "path", extra[i].path);
        ls_buf_puts(out, ", \"line\": 0, \"column\": 0, ");
        json_key_str(out, "message", extra[i].message);
        ls_buf_puts(out, "}");
    }
    for (size_t i = 0; i < r->nerrors; i++, k++) {
        const lint_error *e = &r->errors[i];
        ls_buf_puts(out, k ? ",\n    {" : "\n    {");
        json_key_str(out, "kind", e->kind == LINT_ERR_READ ? "read" : "syntax");
        ls_buf_puts(out, ", ");
        json_key_str(out, "path", e->path);
        ls_buf_printf(out, ", \"line\": %u, \"column\": %u, ", e->line, e->col);
        json_key_str(out, "message", e->message);
        ls_buf_puts(out, "}");
    }
    ls_buf_puts(out, k ? "\n  ]\n}\n" : "]\n}\n");
}
