/*
 * Baselines (lintbaseline.h): fingerprints of findings, and the baseline
 * file, written as JSON and read back with libyaml (a JSON document as
 * leakscope writes it is YAML: flow mappings and double-quoted strings).
 *
 * A fingerprint does not use the line number, so a finding keeps it when
 * lines are added above it; it changes when its own line changes.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "leakscope/lintbaseline.h"
#include "leakscope/report.h"
#include "xalloc.h"

static char *xstrdup_or_empty(const char *s) {
    char *p = strdup(s ? s : "");
    if (!p)
        abort();
    return p;
}

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* text with runs of blanks made one space, without leading and trailing
 * blanks (into out, which has room for len bytes). */
static size_t normalise(const char *text, size_t len, char *out) {
    size_t o = 0;
    bool gap = false;
    for (size_t i = 0; i < len; i++) {
        if (blank(text[i])) {
            gap = o > 0;
            continue;
        }
        if (gap)
            out[o++] = ' ';
        gap = false;
        out[o++] = text[i];
    }
    return o;
}

static uint64_t fingerprint_norm(const char *rule_id, const char *path, const char *norm, size_t n, unsigned occ) {
    ls_buf b = {0};
    ls_buf_puts(&b, rule_id);
    ls_buf_putc(&b, 0);
    ls_buf_puts(&b, path);
    ls_buf_putc(&b, 0);
    ls_buf_append(&b, norm, n);
    ls_buf_putc(&b, 0);
    ls_buf_printf(&b, "%u", occ);
    uint64_t h = ls_hash(b.data, b.len);
    ls_buf_free(&b);
    return h;
}

uint64_t lint_fingerprint(const char *rule_id, const char *path, const char *text, size_t len, unsigned occurrence) {
    char *norm = xrealloc(NULL, len + 1);
    size_t n = normalise(text, len, norm);
    uint64_t h = fingerprint_norm(rule_id, path, norm, n, occurrence);
    free(norm);
    return h;
}

/* path relative to base_dir when the file lies below it (malloc'd). */
static char *baseline_path(const char *path, const char *base_dir) {
    char *abs = realpath(path, NULL);
    if (!abs)
        return xstrdup_or_empty(path);
    char *out;
    size_t n = base_dir ? strlen(base_dir) : 0;
    if (n == 1 && base_dir[0] == '/')
        out = xstrdup_or_empty(abs + 1);
    else if (n && strncmp(abs, base_dir, n) == 0 && abs[n] == '/')
        out = xstrdup_or_empty(abs + n + 1);
    else
        out = xstrdup_or_empty(abs);
    free(abs);
    return out;
}

typedef struct line_key {
    const char *rule;
    const char *text; /* normalised, malloc'd */
    size_t len;
} line_key;

void lint_baseline_from_findings(const lint_finding *findings, size_t n, const char *base_dir, lint_baseline *out) {
    memset(out, 0, sizeof *out);
    out->at = xrealloc(NULL, n * sizeof *out->at);
    out->len = n;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(findings[j].path, findings[i].path) == 0)
            j++;
        /* findings[i..j) are one file's, sorted by line */
        ls_file_data fd = {0};
        bool have = ls_file_read(findings[i].path, &fd) == 0;
        char *path = baseline_path(findings[i].path, base_dir);
        line_key *keys = xrealloc(NULL, (j - i) * sizeof *keys);
        const char *p = have ? fd.data : NULL, *end = have ? fd.data + fd.len : NULL;
        uint32_t at_line = 1;
        for (size_t k = i; k < j; k++) {
            const lint_finding *f = &findings[k];
            const char *text = "";
            size_t len = 0;
            if (p && f->line) {
                while (at_line < f->line && p < end) {
                    const char *nl = memchr(p, '\n', (size_t)(end - p));
                    p = nl ? nl + 1 : end;
                    at_line++;
                }
                if (at_line == f->line) {
                    const char *nl = memchr(p, '\n', (size_t)(end - p));
                    text = p;
                    len = (size_t)((nl ? nl : end) - p);
                }
            }
            line_key *key = &keys[k - i];
            char *norm = xrealloc(NULL, len + 1);
            key->len = normalise(text, len, norm);
            key->text = norm;
            key->rule = f->rule->id;
            unsigned occ = 0;
            for (size_t q = i; q < k; q++)
                if (strcmp(keys[q - i].rule, key->rule) == 0 && keys[q - i].len == key->len &&
                    memcmp(keys[q - i].text, key->text, key->len) == 0)
                    occ++;
            lint_baseline_entry *e = &out->at[k];
            e->rule = xstrdup_or_empty(f->rule->id);
            e->path = xstrdup_or_empty(path);
            e->message = xstrdup_or_empty(f->message);
            snprintf(e->fingerprint, sizeof e->fingerprint, "%016llx",
                     (unsigned long long)fingerprint_norm(key->rule, path, key->text, key->len, occ));
        }
        for (size_t k = 0; k < j - i; k++)
            free((char *)keys[k].text);
        free(keys);
        free(path);
        if (have)
            ls_file_release(&fd);
        i = j;
    }
}

static int cmp_entry(const void *a, const void *b) {
    const lint_baseline_entry *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c)
        return c;
    c = strcmp(x->rule, y->rule);
    if (c)
        return c;
    return strcmp(x->fingerprint, y->fingerprint);
}

static void sort_entries(lint_baseline *b) {
    if (!b->sorted && b->len)
        qsort(b->at, b->len, sizeof *b->at, cmp_entry);
    b->sorted = true;
}

bool lint_baseline_has(lint_baseline *b, const lint_baseline_entry *e) {
    sort_entries(b);
    return b->len && bsearch(e, b->at, b->len, sizeof *b->at, cmp_entry) != NULL;
}

void lint_baseline_write(ls_buf *out, const lint_baseline *b) {
    lint_baseline sorted = *b;
    sorted.at = xrealloc(NULL, b->len * sizeof *b->at);
    if (b->len)
        memcpy(sorted.at, b->at, b->len * sizeof *b->at);
    sorted.sorted = false;
    sort_entries(&sorted);
    ls_buf_printf(out, "{\n  \"version\": %d,\n  \"findings\": [", LINT_BASELINE_VERSION);
    for (size_t i = 0; i < sorted.len; i++) {
        const lint_baseline_entry *e = &sorted.at[i];
        ls_buf_puts(out, i ? ",\n    {\"rule\": " : "\n    {\"rule\": ");
        report_json_string(out, e->rule, strlen(e->rule));
        ls_buf_puts(out, ", \"path\": ");
        report_json_string(out, e->path, strlen(e->path));
        ls_buf_printf(out, ", \"fingerprint\": \"%s\",\n     \"message\": ", e->fingerprint);
        report_json_string(out, e->message, strlen(e->message));
        ls_buf_putc(out, '}');
    }
    ls_buf_puts(out, sorted.len ? "\n  ]\n}\n" : "]\n}\n");
    free(sorted.at);
}

/* ---- reading ----------------------------------------------------------------- */

static bool fail_at(char *err, size_t errlen, const char *path, yaml_mark_t m, const char *msg, const char *arg) {
    char text[512];
    snprintf(text, sizeof text, msg, arg);
    snprintf(err, errlen, "%s:%zu:%zu: %s", path, m.line + 1, m.column + 1, text);
    return false;
}

static const char *map_get(yaml_document_t *d, const yaml_node_t *map, const char *key, const yaml_node_t **val) {
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        if (k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0) {
            *val = yaml_document_get_node(d, p->value);
            return (*val)->type == YAML_SCALAR_NODE ? (const char *)(*val)->data.scalar.value : NULL;
        }
    }
    *val = NULL;
    return NULL;
}

static bool is_hex16(const char *s) {
    if (strlen(s) != 16)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

bool lint_baseline_read(const char *path, lint_baseline *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    ls_file_data fd;
    int rc = ls_file_read(path, &fd);
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot read the baseline: %s", path, strerror(rc));
        return false;
    }
    static const char redo[] = "; rewrite it with --baseline-update or remove it to write a new one";
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        abort();
    yaml_parser_set_input_string(&parser, (const unsigned char *)(fd.data ? fd.data : ""), fd.data ? fd.len : 0);
    bool ok = true;
    if (!yaml_parser_load(&parser, &doc)) {
        fail_at(err, errlen, path, parser.problem_mark, "not a baseline file (JSON syntax error: %s)",
                parser.problem ? parser.problem : "cannot parse");
        size_t n = strlen(err);
        snprintf(err + n, errlen - n, "%s", redo);
        yaml_parser_delete(&parser);
        ls_file_release(&fd);
        return false;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    const yaml_node_t *v;
    const char *version;
    yaml_mark_t zero = {0, 0, 0};
    if (!root || root->type != YAML_MAPPING_NODE) {
        ok = fail_at(err, errlen, path, root ? root->start_mark : zero, "not a baseline file: %s",
                     "want a JSON object with \"version\" and \"findings\"");
    } else if (!(version = map_get(&doc, root, "version", &v)) || strcmp(version, "1") != 0) {
        ok = fail_at(err, errlen, path, v ? v->start_mark : root->start_mark, "%s",
                     "the baseline's \"version\" must be 1");
    } else {
        map_get(&doc, root, "findings", &v);
        if (!v || v->type != YAML_SEQUENCE_NODE) {
            ok = fail_at(err, errlen, path, v ? v->start_mark : root->start_mark, "%s",
                         "the baseline needs a \"findings\" array");
        } else {
            size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
            out->at = xrealloc(NULL, n * sizeof *out->at);
            for (yaml_node_item_t *it = v->data.sequence.items.start; ok && it < v->data.sequence.items.top; it++) {
                yaml_node_t *e = yaml_document_get_node(&doc, *it);
                const yaml_node_t *x;
                const char *rule = NULL, *fpath = NULL, *fp = NULL, *msg = NULL;
                if (e->type == YAML_MAPPING_NODE) {
                    rule = map_get(&doc, e, "rule", &x);
                    fpath = map_get(&doc, e, "path", &x);
                    fp = map_get(&doc, e, "fingerprint", &x);
                    msg = map_get(&doc, e, "message", &x);
                }
                if (!rule || !fpath || !fp || !is_hex16(fp)) {
                    ok = fail_at(err, errlen, path, e->start_mark, "%s",
                                 "each finding needs \"rule\", \"path\" and a 16-hex-digit \"fingerprint\"");
                    break;
                }
                lint_baseline_entry *en = &out->at[out->len++];
                en->rule = xstrdup_or_empty(rule);
                en->path = xstrdup_or_empty(fpath);
                en->message = xstrdup_or_empty(msg);
                memcpy(en->fingerprint, fp, 17);
            }
        }
    }
    if (!ok) {
        size_t n = strlen(err);
        snprintf(err + n, errlen - n, "%s", redo);
        lint_baseline_free(out);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    ls_file_release(&fd);
    return ok;
}

void lint_baseline_free(lint_baseline *b) {
    if (!b)
        return;
    for (size_t i = 0; i < b->len; i++) {
        free(b->at[i].rule);
        free(b->at[i].path);
        free(b->at[i].message);
    }
    free(b->at);
    memset(b, 0, sizeof *b);
}
