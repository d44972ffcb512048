/*
 * The `// want "REGEXP"` checker (want_check.h).
 *
 * Wants are read from the comments of the parsed files: a comment whose
 * text is `want` followed by one or more Go string literals ("..." with
 * escapes, or `...`), or that holds `// want ...` after other text (so
 * `//nolint:x // want "..."` works).  A want belongs to the line the
 * comment starts on.  Regexps are POSIX extended (regcomp) and match
 * anywhere in the message or in "ID name: message"; syntax errors count
 * as findings of rule "syntax" with the parser's message.
 */
#define _GNU_SOURCE /* vasprintf */
#include "want_check.h"

#include <dirent.h>
#include <stdarg.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct want {
    const char *path;
    uint32_t line;
    char *text; /* the regexp as written, unquoted */
    regex_t re;
    bool ok, matched;
} want;

typedef struct want_list {
    want *at;
    size_t len, cap;
} want_list;

/* Mismatches are collected and printed sorted by path and line. */
typedef struct mismatch {
    char *path;
    uint32_t line;
    size_t seq;
    char *text;
} mismatch;

static mismatch *mismatches;
static size_t nmismatches;

static void report(const char *path, uint32_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(const char *path, uint32_t line, const char *fmt, ...) {
    mismatches = realloc(mismatches, (nmismatches + 1) * sizeof *mismatches);
    if (!mismatches)
        abort();
    mismatch *m = &mismatches[nmismatches];
    m->path = strdup(path);
    m->line = line;
    m->seq = nmismatches++;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&m->text, fmt, ap) < 0)
        abort();
    va_end(ap);
}

static int cmp_mismatch(const void *a, const void *b) {
    const mismatch *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void flush_mismatches(FILE *out) {
    if (nmismatches)
        qsort(mismatches, nmismatches, sizeof *mismatches, cmp_mismatch);
    for (size_t i = 0; i < nmismatches; i++) {
        fprintf(out, "%s:%u: %s\n", mismatches[i].path, mismatches[i].line, mismatches[i].text);
        free(mismatches[i].path);
        free(mismatches[i].text);
    }
    free(mismatches);
    mismatches = NULL;
    nmismatches = 0;
}

static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n);
    if (!p)
        abort();
    return p;
}

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void push_path(char ***paths, size_t *n, const char *p) {
    *paths = xrealloc(*paths, (*n + 1) * sizeof **paths);
    (*paths)[*n] = strdup(p);
    if (!(*paths)[*n])
        abort();
    (*n)++;
}

void want_collect(const char *dir, char ***paths, size_t *n) {
    DIR *d = opendir(dir);
    if (!d)
        return;
    char **names = NULL;
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            push_path(&names, &nn, e->d_name);
    closedir(d);
    if (nn)
        qsort(names, nn, sizeof *names, cmp_cstr);
    for (size_t i = 0; i < nn; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *p = malloc(len);
        if (!p)
            abort();
        snprintf(p, len, "%s/%s", dir, names[i]);
        struct stat st;
        size_t k = strlen(names[i]);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            want_collect(p, paths, n);
        else if (k > 3 && strcmp(names[i] + k - 3, ".go") == 0)
            push_path(paths, n, p);
        free(p);
        free(names[i]);
    }
    free(names);
}

void want_free_paths(char **paths, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

static int hexval(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parses one Go string literal at s[*i] ('"' or '`'); returns the
 * unquoted text (malloc'd) or NULL. */
static char *unquote(const char *s, size_t n, size_t *i) {
    char q = s[*i];
    char *out = malloc(n + 1);
    if (!out)
        abort();
    size_t o = 0, k = *i + 1;
    for (; k < n && s[k] != q; k++) {
        char c = s[k];
        if (q == '"' && c == '\\' && k + 1 < n) {
            char e = s[++k];
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'x':
                if (k + 2 < n && hexval(s[k + 1]) >= 0 && hexval(s[k + 2]) >= 0) {
                    c = (char)(hexval(s[k + 1]) * 16 + hexval(s[k + 2]));
                    k += 2;
                } else {
                    c = 'x';
                }
                break;
            default: c = e; break; /* \" \\ and the rest: the character itself */
            }
        }
        out[o++] = c;
    }
    if (k >= n) {
        free(out);
        return NULL;
    }
    out[o] = 0;
    *i = k + 1;
    return out;
}

static void add_wants(want_list *wl, const char *path, uint32_t line, const char *s, size_t n,
                      want_counts *counts) {
    size_t i = 0;
    for (;;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i >= n || (s[i] != '"' && s[i] != '`'))
            return;
        char *text = unquote(s, n, &i);
        if (!text) {
            report(path, line, "unterminated string in want comment");
            counts->failed++;
            return;
        }
        if (wl->len == wl->cap) {
            wl->cap = wl->cap ? wl->cap * 2 : 16;
            wl->at = xrealloc(wl->at, wl->cap * sizeof *wl->at);
        }
        want *w = &wl->at[wl->len++];
        memset(w, 0, sizeof *w);
        w->path = path;
        w->line = line;
        w->text = text;
        int rc = regcomp(&w->re, text, REG_EXTENDED | REG_NOSUB);
        w->ok = rc == 0;
        if (!w->ok) {
            char msg[256];
            regerror(rc, &w->re, msg, sizeof msg);
            report(path, line, "bad want regexp \"%s\": %s", text, msg);
            counts->failed++;
            w->matched = true; /* reported already */
        }
    }
}

static void read_wants(const char *path, want_list *wl, want_counts *counts) {
    int err = 0;
    go_file *f = go_parse_path(path, NULL, NULL, &err);
    if (!f)
        return;
    if (f->root) {
        go_list groups = f->root->u.file.comments;
        for (uint32_t g = 0; g < groups.len; g++) {
            go_list cs = groups.at[g]->u.comment_group.list;
            for (uint32_t k = 0; k < cs.len; k++) {
                const char *t = cs.at[k]->u.lit.text;
                size_t n = cs.at[k]->u.lit.len;
                if (n < 2)
                    continue;
                const char *body = t + 2;
                size_t blen = n - 2;
                if (t[1] == '*' && blen >= 2)
                    blen -= 2;
                size_t i = 0;
                while (i < blen && (body[i] == ' ' || body[i] == '\t'))
                    i++;
                const char *at = NULL;
                if (blen - i > 4 && memcmp(body + i, "want", 4) == 0 && (body[i + 4] == ' ' || body[i + 4] == '\t'))
                    at = body + i + 4;
                for (size_t j = 0; !at && j + 8 <= blen; j++)
                    if (memcmp(body + j, "// want ", 8) == 0)
                        at = body + j + 7;
                if (!at)
                    continue;
                uint32_t line = go_file_position(f, cs.at[k]->pos).line;
                add_wants(wl, path, line, at, (size_t)(body + blen - at), counts);
            }
        }
    }
    go_file_free(f);
}

static bool want_matches(const want *w, const char *id, const char *name, const char *message) {
    if (!w->ok)
        return false;
    if (regexec(&w->re, message, 0, NULL, 0) == 0)
        return true;
    size_t n = strlen(id) + strlen(name) + strlen(message) + 4;
    char *full = malloc(n);
    if (!full)
        abort();
    snprintf(full, n, "%s %s: %s", id, name, message);
    bool ok = regexec(&w->re, full, 0, NULL, 0) == 0;
    free(full);
    return ok;
}

/* Matches one finding against the unmatched wants of its line. */
static void match_one(want_list *wl, const char *path, uint32_t line, const char *id, const char *name,
                      const char *message, want_counts *counts) {
    for (size_t i = 0; i < wl->len; i++) {
        want *w = &wl->at[i];
        if (!w->matched && w->line == line && strcmp(w->path, path) == 0 && want_matches(w, id, name, message)) {
            w->matched = true;
            counts->passed++;
            return;
        }
    }
    report(path, line, "unexpected finding: %s %s: %s", id, name, message);
    counts->failed++;
}

int want_check(const char *dir, const lint_rule *const *rules, size_t nrules, unsigned threads, FILE *out,
               want_counts *counts) {
    char **paths = NULL;
    size_t n = 0;
    want_collect(dir, &paths, &n);
    if (n == 0) {
        fprintf(out, "%s: no .go files\n", dir);
        want_free_paths(paths, n);
        return -1;
    }
    want_list wl = {0};
    for (size_t i = 0; i < n; i++)
        read_wants(paths[i], &wl, counts);

    lint_options opts = {.rules = rules, .nrules = nrules, .threads = threads};
    lint_result res;
    int rc = lint_run((const char *const *)paths, n, &opts, &res);
    if (rc != 0) {
        fprintf(out, "%s: lint_run failed: %s\n", dir, strerror(rc));
    } else {
        for (size_t i = 0; i < res.nerrors; i++) {
            const lint_error *e = &res.errors[i];
            match_one(&wl, e->path, e->line, "syntax", e->kind == LINT_ERR_READ ? "read-error" : "error", e->message,
                      counts);
        }
        for (size_t i = 0; i < res.nfindings; i++) {
            const lint_finding *f = &res.findings[i];
            match_one(&wl, f->path, f->line, f->rule->id, f->rule->name, f->message, counts);
        }
        for (size_t i = 0; i < wl.len; i++)
            if (!wl.at[i].matched) {
                report(wl.at[i].path, wl.at[i].line, "missing finding matching \"%s\"", wl.at[i].text);
                counts->failed++;
            }
    }
    flush_mismatches(out);
    lint_result_free(&res);
    for (size_t i = 0; i < wl.len; i++) {
        if (wl.at[i].ok)
            regfree(&wl.at[i].re);
        free(wl.at[i].text);
    }
    free(wl.at);
    want_free_paths(paths, n);
    return rc == 0 ? 0 : -1;
}
