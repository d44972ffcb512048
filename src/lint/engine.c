/*
 * The lint engine: files in, sorted findings out (lintrun.h).
 *
 * Two ideas.  Work goes in batches of whole directories: the files of a
 * batch are parsed and resolved in parallel, then (on the calling thread)
 * grouped into packages by directory and package clause and indexed, then
 * the rules run on every file in parallel, and the batch's trees are freed,
 * so memory stays bounded however many files there are.  Each file's
 * findings go to its own list (one thread per file at a time, no locks);
 * the lists are merged and sorted at the end, so the output is the same for
 * any number of threads.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cache.h"
#include "leakscope/lintrun.h"
#include "xalloc.h"

/* Files per batch: enough to keep every core busy, few enough that the
 * batch's syntax trees fit comfortably in memory. */
#define BATCH_FILES 256
/* Parser and rules recurse once per nesting level; threads get big stacks
 * (address space, not memory). */
#define LINT_STACK ((size_t)512 << 20)

/* ---- one file ------------------------------------------------------------ */

typedef struct eng_file {
    const char *path;
    const char *dir;    /* owned by the run's dir table */
    int go_minor;
    go_file *gf;        /* NULL when unreadable */
    const go_package *pkg;
    /* results, written only by the thread working on this file */
    ls_arena *arena;    /* strings of findings and errors; created on first use */
    const char *path_copy;
    lint_finding *findings;
    size_t nfindings, cap;
    lint_error error;
    bool has_error;
    size_t suppressed;
    size_t pass_first;  /* findings before the running rule's: its own start here */
    size_t broken_fix;  /* 1 + index of a finding whose fix was refused, else 0 */
    /* the result cache (cache.h) */
    uint8_t hash[16];   /* content hash */
    bool hashed;        /* hash is set */
    bool cached;        /* results came from the cache: not parsed */
    bool store;         /* first file of a directory whose results go to the cache */
    uint8_t key[16];    /* the directory's key, when store */
} eng_file;

static ls_arena *file_arena(eng_file *ef) {
    if (!ef->arena) {
        ef->arena = ls_arena_new(4096);
        ef->path_copy = ls_arena_strndup(ef->arena, ef->path, strlen(ef->path));
    }
    return ef->arena;
}

static const char *vformat(ls_arena *a, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return ls_arena_strndup(a, "", 0);
    if ((size_t)n < sizeof small)
        return ls_arena_strndup(a, small, (size_t)n);
    char *p = ls_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

static void add_finding(lint_pass *pass, lint_severity sev, go_pos pos, go_pos related,
                        const char *related_message, const char *fmt, va_list ap) {
    eng_file *ef = pass->engine;
    if (!ef || !pass->rule)
        return;
    ls_arena *a = file_arena(ef);
    if (ef->nfindings == ef->cap) {
        ef->cap = ef->cap ? ef->cap * 2 : 8;
        ef->findings = xrealloc(ef->findings, ef->cap * sizeof *ef->findings);
    }
    lint_finding *f = &ef->findings[ef->nfindings++];
    memset(f, 0, sizeof *f);
    f->rule = pass->rule;
    f->path = ef->path_copy;
    f->pos = pos;
    f->severity = sev;
    if (pos != GO_NOPOS && pos <= pass->file->len) {
        go_position at = go_file_position(pass->file, pos);
        f->line = at.line;
        f->col = at.col;
    }
    f->message = vformat(a, fmt, ap);
    f->related_pos = GO_NOPOS;
    if (related_message) {
        f->related_pos = related;
        f->related_message = ls_arena_strndup(a, related_message, strlen(related_message));
        if (related != GO_NOPOS && related <= pass->file->len) {
            go_position at = go_file_position(pass->file, related);
            f->related_line = at.line;
            f->related_col = at.col;
        }
    }
}

void lint_report(lint_pass *pass, go_pos pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    add_finding(pass, pass->rule ? pass->rule->severity : LINT_ERROR, pos, GO_NOPOS, NULL, fmt, ap);
    va_end(ap);
}

void lint_report_related(lint_pass *pass, go_pos pos, go_pos related, const char *related_message,
                         const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    add_finding(pass, pass->rule ? pass->rule->severity : LINT_ERROR, pos, related, related_message, fmt, ap);
    va_end(ap);
}

void lint_report_severity(lint_pass *pass, lint_severity severity, go_pos pos, go_pos related,
                          const char *related_message, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    add_finding(pass, severity, pos, related, related_message, fmt, ap);
    va_end(ap);
}

/* ---- suppression comments --------------------------------------------------- */

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static bool name_is(const char *s, size_t n, const char *name) {
    return name && strlen(name) == n && strncasecmp(s, name, n) == 0;
}

static bool item_matches(const char *s, size_t n, const lint_rule *rule, bool nolint) {
    if (nolint && (name_is(s, n, "leakscope") || name_is(s, n, "all")))
        return true;
    return rule && (name_is(s, n, rule->id) || name_is(s, n, rule->name));
}

/* Walks a comma-separated list at s[0..n) (items [A-Za-z0-9_-]+, spaces
 * allowed after a comma) and reports whether an item names rule. */
static bool list_matches(const char *s, size_t n, const lint_rule *rule, bool nolint) {
    size_t i = 0;
    bool hit = false;
    for (;;) {
        size_t start = i;
        while (i < n && (s[i] == '-' || s[i] == '_' || (s[i] >= '0' && s[i] <= '9') ||
                         ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')))
            i++;
        if (i == start)
            return false; /* empty item: not a directive */
        if (item_matches(s + start, i - start, rule, nolint))
            hit = true;
        if (i < n && s[i] == ',') {
            i++;
            while (i < n && (s[i] == ' ' || s[i] == '\t'))
                i++;
            continue;
        }
        /* the list ends at the end of the comment or at a blank */
        if (i < n && !is_space(s[i]))
            return false;
        return hit;
    }
}

bool lint_comment_suppresses(const char *text, size_t len, const lint_rule *rule) {
    static const char ignore[] = "//leakscope:ignore";
    static const char nolint[] = "//nolint";
    if (len > sizeof ignore - 1 && memcmp(text, ignore, sizeof ignore - 1) == 0) {
        size_t i = sizeof ignore - 1;
        if (!is_space(text[i]))
            return false;
        while (i < len && (text[i] == ' ' || text[i] == '\t'))
            i++;
        return i < len && list_matches(text + i, len - i, rule, false);
    }
    if (len >= sizeof nolint - 1 && memcmp(text, nolint, sizeof nolint - 1) == 0) {
        size_t i = sizeof nolint - 1;
        if (i == len || is_space(text[i]))
            return true; /* bare //nolint: every linter */
        if (text[i] != ':')
            return false;
        return list_matches(text + i + 1, len - i - 1, rule, true);
    }
    return false;
}

typedef struct directive {
    uint32_t line;
    bool alone; /* nothing but blanks before it on its line: covers the next line too */
    const go_node *comment;
} directive;

static bool alone_on_line(const go_file *f, go_pos pos) {
    while (pos > 0 && pos <= f->len) {
        char c = f->src[pos - 1];
        if (c == '\n')
            return true;
        if (c != ' ' && c != '\t' && c != '\r')
            return false;
        pos--;
    }
    return true;
}

static void apply_suppressions(eng_file *ef) {
    go_file *f = ef->gf;
    if (!ef->nfindings || !f->root)
        return;
    directive *dirs = NULL;
    size_t ndirs = 0, cap = 0;
    go_list groups = f->root->u.file.comments;
    for (uint32_t g = 0; g < groups.len; g++) {
        go_list cs = groups.at[g]->u.comment_group.list;
        for (uint32_t k = 0; k < cs.len; k++) {
            const go_node *c = cs.at[k];
            const char *t = c->u.lit.text;
            if (c->u.lit.len < 8 || t[0] != '/' || t[1] != '/' || (t[2] != 'l' && t[2] != 'n'))
                continue;
            if (ndirs == cap) {
                cap = cap ? cap * 2 : 8;
                dirs = xrealloc(dirs, cap * sizeof *dirs);
            }
            dirs[ndirs].line = go_file_position(f, c->pos).line;
            dirs[ndirs].alone = alone_on_line(f, c->pos);
            dirs[ndirs].comment = c;
            ndirs++;
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < ef->nfindings; i++) {
        lint_finding *fd = &ef->findings[i];
        bool drop = false;
        for (size_t d = 0; d < ndirs && !drop; d++) {
            if (fd->line && (dirs[d].line == fd->line || (dirs[d].alone && dirs[d].line + 1 == fd->line)))
                drop = lint_comment_suppresses(dirs[d].comment->u.lit.text, dirs[d].comment->u.lit.len, fd->rule);
        }
        if (drop)
            ef->suppressed++;
        else
            ef->findings[kept++] = *fd;
    }
    ef->nfindings = kept;
    free(dirs);
}

/* ---- go.mod ------------------------------------------------------------------- */

/* The minor version of the go directive of the go.mod file at path; -1 when
 * there is no such file; 0 when it has no (readable) go directive. */
static int go_mod_minor(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    ls_file_data fd;
    if (ls_file_read(path, &fd) != 0)
        return 0;
    int minor = 0;
    const char *p = fd.data, *end = fd.data + fd.len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *s = p;
        while (s < eol && (*s == ' ' || *s == '\t'))
            s++;
        if (eol - s > 3 && s[0] == 'g' && s[1] == 'o' && (s[2] == ' ' || s[2] == '\t')) {
            s += 2;
            while (s < eol && (*s == ' ' || *s == '\t'))
                s++;
            if (s < eol && *s == '"')
                s++;
            if (eol - s >= 3 && s[0] == '1' && s[1] == '.' && s[2] >= '0' && s[2] <= '9') {
                s += 2;
                int v = 0;
                while (s < eol && *s >= '0' && *s <= '9' && v < 100000)
                    v = v * 10 + (*s++ - '0');
                minor = v;
            }
            break;
        }
        p = eol + 1;
    }
    ls_file_release(&fd);
    return minor;
}

/* Directory -> go minor cache, keyed by absolute path. */
typedef struct minor_cache {
    char **keys;
    int *vals;
    size_t cap, len;
} minor_cache;

static bool cache_get(const minor_cache *c, const char *key, int *val) {
    if (!c->cap)
        return false;
    size_t i = ls_hash(key, strlen(key)) & (c->cap - 1);
    for (; c->keys[i]; i = (i + 1) & (c->cap - 1))
        if (strcmp(c->keys[i], key) == 0) {
            *val = c->vals[i];
            return true;
        }
    return false;
}

static void cache_put(minor_cache *c, const char *key, int val) {
    if ((c->len + 1) * 2 > c->cap) {
        minor_cache n = {0};
        n.cap = c->cap ? c->cap * 2 : 64;
        n.keys = calloc(n.cap, sizeof *n.keys);
        n.vals = calloc(n.cap, sizeof *n.vals);
        if (!n.keys || !n.vals)
            abort();
        for (size_t i = 0; i < c->cap; i++)
            if (c->keys[i]) {
                size_t j = ls_hash(c->keys[i], strlen(c->keys[i])) & (n.cap - 1);
                while (n.keys[j])
                    j = (j + 1) & (n.cap - 1);
                n.keys[j] = c->keys[i];
                n.vals[j] = c->vals[i];
                n.len++;
            }
        free(c->keys);
        free(c->vals);
        *c = n;
    }
    size_t i = ls_hash(key, strlen(key)) & (c->cap - 1);
    while (c->keys[i])
        i = (i + 1) & (c->cap - 1);
    c->keys[i] = xstrdup(key);
    c->vals[i] = val;
    c->len++;
}

static void cache_free(minor_cache *c) {
    for (size_t i = 0; i < c->cap; i++)
        free(c->keys[i]);
    free(c->keys);
    free(c->vals);
}

/* abs is an absolute directory path without a trailing slash ("" for /). */
static int minor_of_abs(minor_cache *cache, char *abs) {
    int v;
    if (cache && cache_get(cache, abs, &v))
        return v;
    size_t n = strlen(abs);
    char *mod = xmalloc(n + sizeof "/go.mod");
    memcpy(mod, abs, n);
    memcpy(mod + n, "/go.mod", sizeof "/go.mod");
    v = go_mod_minor(mod);
    free(mod);
    if (v < 0) {
        char *slash = strrchr(abs, '/');
        if (!slash || n == 0) {
            v = 0;
        } else {
            char saved = *slash;
            *slash = 0;
            v = minor_of_abs(cache, abs);
            *slash = saved;
        }
    }
    if (cache)
        cache_put(cache, abs, v);
    return v;
}

static int minor_for_dir(minor_cache *cache, const char *dir) {
    char *abs = realpath(dir, NULL);
    if (!abs)
        return 0;
    size_t n = strlen(abs);
    if (n == 1 && abs[0] == '/')
        abs[0] = 0;
    int v = minor_of_abs(cache, abs);
    free(abs);
    return v;
}

int lint_go_minor_for_dir(const char *dir) { return minor_for_dir(NULL, dir); }

/* ---- the run ------------------------------------------------------------------ */

typedef struct run {
    eng_file *files; /* the current batch */
    size_t nfiles;
    const lint_rule *const *rules;
    size_t nrules;
    go_parse_options popts;
} run;

typedef struct run_priv {
    ls_arena **arenas;
    size_t n, cap;
} run_priv;

static void phase_hash(void *ctx, size_t i) {
    run *r = ctx;
    eng_file *ef = &r->files[i];
    ef->hashed = lint_cache_hash_file(ef->path, ef->hash) == 0;
}

/* Looks up the directory files[0..n) in the cache: on a hit the files are
 * marked cached and hold their results; on a miss the first one is marked
 * to be stored (when every file could be hashed). */
static void cache_lookup(const lint_cache *c, eng_file *files, size_t n) {
    const char **paths = xmalloc(n * sizeof *paths);
    uint8_t(*hashes)[16] = xmalloc(n * sizeof *hashes);
    int *minors = xmalloc(n * sizeof *minors);
    lint_cache_file *cf = xmalloc(n * sizeof *cf);
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        all = all && files[i].hashed;
        paths[i] = files[i].path;
        memcpy(hashes[i], files[i].hash, 16);
        minors[i] = files[i].go_minor;
    }
    if (all) {
        lint_cache_key(c, paths, (const uint8_t(*)[16])hashes, minors, n, files[0].key);
        for (size_t i = 0; i < n; i++) {
            memset(&cf[i], 0, sizeof cf[i]);
            cf[i].arena = file_arena(&files[i]);
            cf[i].path = files[i].path_copy;
        }
        if (lint_cache_load(c, files[0].key, cf, n)) {
            for (size_t i = 0; i < n; i++) {
                eng_file *ef = &files[i];
                ef->cached = true;
                ef->suppressed = cf[i].suppressed;
                ef->has_error = cf[i].has_error;
                ef->error = cf[i].error;
                ef->findings = cf[i].findings;
                ef->nfindings = ef->cap = cf[i].nfindings;
            }
        } else {
            files[0].store = true;
        }
    }
    free(cf);
    free(minors);
    free(hashes);
    free(paths);
}

static void cache_store(const lint_cache *c, eng_file *files, size_t n) {
    lint_cache_file *cf = xmalloc(n * sizeof *cf);
    for (size_t i = 0; i < n; i++) {
        memset(&cf[i], 0, sizeof cf[i]);
        cf[i].suppressed = files[i].suppressed;
        cf[i].has_error = files[i].has_error;
        cf[i].error = files[i].error;
        cf[i].findings = files[i].findings;
        cf[i].nfindings = files[i].nfindings;
    }
    lint_cache_store(c, files[0].key, cf, n);
    free(cf);
}

static void phase_parse(void *ctx, size_t i) {
    run *r = ctx;
    eng_file *ef = &r->files[i];
    if (ef->cached)
        return;
    int err = 0;
    ef->gf = go_parse_path(ef->path, &r->popts, NULL, &err);
    if (!ef->gf) {
        ls_arena *a = file_arena(ef);
        const char *msg = strerror(err ? err : EIO);
        ef->has_error = true;
        ef->error.kind = LINT_ERR_READ;
        ef->error.path = ef->path_copy;
        ef->error.pos = GO_NOPOS;
        ef->error.message = ls_arena_strndup(a, msg, strlen(msg));
        return;
    }
    go_resolve(ef->gf);
    /* build the line table now: rules may ask positions in other files of
     * the package, which must not be built lazily by two threads */
    go_file_position(ef->gf, 0);
    if (ef->gf->nerrors) {
        ls_arena *a = file_arena(ef);
        const go_syntax_error *e = &ef->gf->errors[0];
        go_position at = go_file_position(ef->gf, e->pos);
        ef->has_error = true;
        ef->error.kind = LINT_ERR_SYNTAX;
        ef->error.path = ef->path_copy;
        ef->error.pos = e->pos;
        ef->error.line = at.line;
        ef->error.col = at.col;
        ef->error.message = ls_arena_strndup(a, e->msg, strlen(e->msg));
    }
}

static void phase_check(void *ctx, size_t i) {
    run *r = ctx;
    eng_file *ef = &r->files[i];
    if (!ef->gf || !ef->gf->root)
        return;
    for (size_t k = 0; k < r->nrules; k++) {
        const lint_rule *rule = r->rules[k];
        if (!rule || !rule->check)
            continue;
        if (rule->requires_import && !go_file_imports(ef->gf, rule->requires_import))
            continue;
        lint_pass pass = {
            .file = ef->gf,
            .pkg = ef->pkg,
            .rule = rule,
            .go_minor = ef->go_minor,
            .arena = ef->gf->arena,
            .engine = ef,
        };
        ef->pass_first = ef->nfindings;
        rule->check(&pass);
    }
    apply_suppressions(ef);
}

static ls_str package_name(const go_file *f) {
    if (!f || !f->root || !f->root->u.file.name || f->root->u.file.name->kind != GO_IDENT)
        return ls_str_make(NULL, 0);
    const ls_atom *a = f->root->u.file.name->u.ident.name;
    return a ? ls_str_make(a->ptr, a->len) : ls_str_make(NULL, 0);
}

/* Builds the package indexes of files[0..n) (one directory). */
static void index_packages(eng_file *files, size_t n, go_package ***pkgs, size_t *npkgs, size_t *pcap) {
    go_file **gfs = xmalloc(n * sizeof *gfs);
    for (size_t i = 0; i < n; i++)
        gfs[i] = files[i].gf;
    for (size_t i = 0; i < n; i++) {
        if (!files[i].gf || files[i].pkg)
            continue;
        ls_str name = package_name(files[i].gf);
        go_package *p;
        if (!name.len) {
            p = go_package_new(&gfs[i], 1);
        } else {
            char buf[256];
            size_t len = name.len < sizeof buf - 1 ? name.len : sizeof buf - 1;
            memcpy(buf, name.ptr, len);
            buf[len] = 0;
            p = go_package_new_named(gfs + i, n - i, buf);
        }
        if (*npkgs == *pcap) {
            *pcap = *pcap ? *pcap * 2 : 16;
            *pkgs = xrealloc(*pkgs, *pcap * sizeof **pkgs);
        }
        (*pkgs)[(*npkgs)++] = p;
        files[i].pkg = p;
        if (name.len)
            for (size_t j = i + 1; j < n; j++)
                if (files[j].gf && !files[j].pkg && ls_str_eq(package_name(files[j].gf), name))
                    files[j].pkg = p;
    }
    free(gfs);
}

typedef struct input {
    const char *path;
    char *dir;
    size_t index;
} input;

static int cmp_input(const void *a, const void *b) {
    const input *x = a, *y = b;
    int c = strcmp(x->dir, y->dir);
    if (c)
        return c;
    c = strcmp(x->path, y->path);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

static char *dir_of(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    size_t n = (size_t)(slash - path);
    char *d = xmalloc(n + 1);
    memcpy(d, path, n);
    d[n] = 0;
    return d;
}

static int cmp_finding(const void *a, const void *b) {
    const lint_finding *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    c = strcmp(x->rule->id, y->rule->id);
    if (c)
        return c;
    c = strcmp(x->message, y->message);
    if (c)
        return c;
    if (x->related_line != y->related_line)
        return x->related_line < y->related_line ? -1 : 1;
    return x->related_col < y->related_col ? -1 : x->related_col > y->related_col;
}

static int cmp_error(const void *a, const void *b) {
    const lint_error *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

int lint_run(const char *const *paths, size_t n, const lint_options *opts, lint_result *out) {
    lint_options none = {0};
    if (!opts)
        opts = &none;
    memset(out, 0, sizeof *out);
    run_priv *priv = calloc(1, sizeof *priv);
    if (!priv)
        abort();
    out->priv = priv;

    run r = {0};
    r.popts.max_depth = opts->max_depth;
    if (opts->rules) {
        r.rules = opts->rules;
        r.nrules = opts->nrules;
    } else {
        r.rules = lint_rules(&r.nrules);
    }

    /* sort by directory, drop duplicate paths */
    input *in = xmalloc(n * sizeof *in);
    for (size_t i = 0; i < n; i++) {
        in[i].path = paths[i];
        in[i].dir = dir_of(paths[i]);
        in[i].index = i;
    }
    qsort(in, n, sizeof *in, cmp_input);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && strcmp(in[m - 1].path, in[i].path) == 0) {
            free(in[i].dir);
            continue;
        }
        in[m++] = in[i];
    }

    lint_cache *rcache = opts->cache_dir ? lint_cache_open(opts->cache_dir, r.rules, r.nrules) : NULL;

    minor_cache cache = {0};
    int *minors = xmalloc(m * sizeof *minors);
    for (size_t i = 0; i < m; i++)
        minors[i] = opts->go_minor > 0                                  ? opts->go_minor
                    : i && strcmp(in[i].dir, in[i - 1].dir) == 0 ? minors[i - 1]
                                                                 : minor_for_dir(&cache, in[i].dir);
    cache_free(&cache);

    size_t fcap = 0, ecap = 0;
    int status = 0;
    eng_file *batch = xmalloc((m < BATCH_FILES ? m : BATCH_FILES) * sizeof *batch + 1);
    for (size_t start = 0; start < m && status == 0;) {
        /* whole directories, at least one, up to BATCH_FILES files if possible */
        size_t end = start;
        while (end < m) {
            size_t dir_end = end + 1;
            while (dir_end < m && strcmp(in[dir_end].dir, in[end].dir) == 0)
                dir_end++;
            if (end > start && dir_end - start > BATCH_FILES)
                break;
            end = dir_end;
            if (end - start >= BATCH_FILES)
                break;
        }
        size_t k = end - start;
        if (k > BATCH_FILES)
            batch = xrealloc(batch, k * sizeof *batch);
        memset(batch, 0, k * sizeof *batch);
        for (size_t i = 0; i < k; i++) {
            batch[i].path = in[start + i].path;
            batch[i].dir = in[start + i].dir;
            batch[i].go_minor = minors[start + i];
        }
        r.files = batch;
        r.nfiles = k;
        if (rcache) {
            status = ls_pool_run(k, opts->threads, LINT_STACK, phase_hash, &r);
            for (size_t i = 0; i < k && status == 0;) {
                size_t j = i + 1;
                while (j < k && strcmp(batch[j].dir, batch[i].dir) == 0)
                    j++;
                cache_lookup(rcache, batch + i, j - i);
                i = j;
            }
        }
        if (status == 0)
            status = ls_pool_run(k, opts->threads, LINT_STACK, phase_parse, &r);

        go_package **pkgs = NULL;
        size_t npkgs = 0, pcap = 0;
        if (status == 0) {
            for (size_t i = 0; i < k;) {
                size_t j = i + 1;
                while (j < k && strcmp(batch[j].dir, batch[i].dir) == 0)
                    j++;
                index_packages(batch + i, j - i, &pkgs, &npkgs, &pcap);
                i = j;
            }
            status = ls_pool_run(k, opts->threads, LINT_STACK, phase_check, &r);
        }
        for (size_t i = 0; i < npkgs; i++)
            go_package_free(pkgs[i]);
        free(pkgs);
        if (rcache && status == 0)
            for (size_t i = 0; i < k;) {
                size_t j = i + 1;
                while (j < k && strcmp(batch[j].dir, batch[i].dir) == 0)
                    j++;
                if (batch[i].store)
                    cache_store(rcache, batch + i, j - i);
                i = j;
            }

        for (size_t i = 0; i < k; i++) {
            eng_file *ef = &batch[i];
            if (ef->gf || (ef->cached && !(ef->has_error && ef->error.kind == LINT_ERR_READ)))
                out->files++;
            go_file_free(ef->gf);
            ef->gf = NULL;
            if (status == 0) {
                if (out->nfindings + ef->nfindings > fcap) {
                    fcap = (out->nfindings + ef->nfindings) * 2;
                    out->findings = xrealloc(out->findings, fcap * sizeof *out->findings);
                }
                if (ef->nfindings)
                    memcpy(out->findings + out->nfindings, ef->findings, ef->nfindings * sizeof *ef->findings);
                out->nfindings += ef->nfindings;
                out->suppressed += ef->suppressed;
                if (ef->has_error) {
                    if (out->nerrors == ecap) {
                        ecap = ecap ? ecap * 2 : 16;
                        out->errors = xrealloc(out->errors, ecap * sizeof *out->errors);
                    }
                    out->errors[out->nerrors++] = ef->error;
                }
            }
            free(ef->findings);
            if (ef->arena) {
                if (priv->n == priv->cap) {
                    priv->cap = priv->cap ? priv->cap * 2 : 64;
                    priv->arenas = xrealloc(priv->arenas, priv->cap * sizeof *priv->arenas);
                }
                priv->arenas[priv->n++] = ef->arena;
            }
        }
        start = end;
    }
    free(batch);
    lint_cache_close(rcache);
    free(minors);
    for (size_t i = 0; i < m; i++)
        free(in[i].dir);
    free(in);

    if (status != 0) {
        lint_result_free(out);
        out->priv = calloc(1, sizeof(run_priv));
        return status;
    }
    if (out->nfindings)
        qsort(out->findings, out->nfindings, sizeof *out->findings, cmp_finding);
    if (out->nerrors)
        qsort(out->errors, out->nerrors, sizeof *out->errors, cmp_error);
    return 0;
}

void lint_result_free(lint_result *r) {
    if (!r)
        return;
    run_priv *priv = r->priv;
    if (priv) {
        for (size_t i = 0; i < priv->n; i++)
            ls_arena_free(priv->arenas[i]);
        free(priv->arenas);
        free(priv);
    }
    free(r->findings);
    free(r->errors);
    memset(r, 0, sizeof *r);
}

/* ---- fixes ----------------------------------------------------------------------- */

static bool edits_overlap(const lint_edit *a, go_pos start, go_pos end) {
    if (a->start == a->end) /* an insertion meets a range only inside it */
        return a->start > start && a->start < end;
    if (start == end)
        return start > a->start && start < a->end;
    return start < a->end && a->start < end;
}

/* A finding's edits live in the file's arena, in an array whose capacity
 * is the next power of two of nedits (so no capacity field is needed). */
void lint_fix_edit(lint_pass *pass, go_pos start, go_pos end, const char *text) {
    eng_file *ef = pass ? pass->engine : NULL;
    if (!ef || ef->nfindings <= ef->pass_first || !text)
        return;
    size_t idx = ef->nfindings - 1;
    lint_finding *f = &ef->findings[idx];
    if (ef->broken_fix == idx + 1)
        return;
    /* an edit outside the file or overlapping one of the same fix makes the
     * whole fix unsafe: the finding is kept, without a fix */
    bool bad = start > end || end > pass->file->len;
    for (size_t i = 0; i < f->nedits && !bad; i++)
        bad = edits_overlap(&f->edits[i], start, end);
    if (bad) {
        ef->broken_fix = idx + 1;
        f->edits = NULL;
        f->nedits = 0;
        return;
    }
    ls_arena *a = file_arena(ef);
    size_t n = f->nedits;
    lint_edit *edits = (lint_edit *)f->edits;
    if ((n & (n - 1)) == 0) { /* 0, 1, 2, 4, ...: full */
        lint_edit *grown = ls_arena_alloc(a, (n ? 2 * n : 1) * sizeof *grown);
        if (n)
            memcpy(grown, edits, n * sizeof *grown);
        edits = grown;
    }
    edits[n].start = start;
    edits[n].end = end;
    edits[n].text = ls_arena_strndup(a, text, strlen(text));
    f->edits = edits;
    f->nedits = n + 1;
}
