/*
 * The lint result cache (cache.h).  Entry format, all integers little
 * endian: the 8-byte magic "LSLC0002", the 16-byte key, the number of
 * files (u32), then per file: suppressed (u32), has_error (u8) and, if
 * set, kind (u8), pos, line, col (u32) and the message; the number of
 * findings (u32) and per finding: rule ID, pos, line, col (u32), severity
 * (u8), message, related pos, line, col (u32), has_related (u8) and, if
 * set, the related message, the number of fix edits (u32) and per edit:
 * start, end (u32) and the text; then the XXH3-64 of everything before it (u64)
 * and the 4-byte trailer "END\n".  Strings are
 * a u32 length and the bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cache.h"
#include "xalloc.h"

#define MAGIC "LSLC0002" /* 0002: findings carry their fix edits */
#define TRAILER "END\n"

struct lint_cache {
    char *dir;
    const lint_rule *const *rules;
    size_t nrules;
    uint8_t base[16]; /* version, executable, rules */
};

static bool mkdirs(const char *dir) {
    char *p = xstrdup(dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        mkdir(p, 0777);
        *s = '/';
    }
    mkdir(p, 0777);
    struct stat st;
    bool ok = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
    free(p);
    return ok;
}

static void put_canon(XXH3_state_t *st, const uint8_t h[16]) { XXH3_128bits_update(st, h, 16); }

static void put_u64(XXH3_state_t *st, uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    XXH3_128bits_update(st, b, 8);
}

static void put_str(XXH3_state_t *st, const char *s) {
    size_t n = s ? strlen(s) : 0;
    put_u64(st, n);
    if (n)
        XXH3_128bits_update(st, s, n);
}

static void digest(XXH3_state_t *st, uint8_t out[16]) {
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
    memcpy(out, c.digest, 16);
}

lint_cache *lint_cache_open(const char *dir, const lint_rule *const *rules, size_t nrules) {
    if (!dir || !*dir || !mkdirs(dir))
        return NULL;
    lint_cache *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->dir = xstrdup(dir);
    c->rules = rules;
    c->nrules = nrules;
    XXH3_state_t st;
    XXH3_128bits_reset(&st);
    put_str(&st, MAGIC);
    put_str(&st, LEAKSCOPE_VERSION);
    /* the executable: a rebuild changes its size or mtime */
    struct stat es;
    if (stat("/proc/self/exe", &es) == 0) {
        put_u64(&st, (uint64_t)es.st_size);
        put_u64(&st, (uint64_t)es.st_mtim.tv_sec);
        put_u64(&st, (uint64_t)es.st_mtim.tv_nsec);
        put_u64(&st, (uint64_t)es.st_ino);
    } else {
        put_u64(&st, 0);
    }
    put_u64(&st, nrules);
    for (size_t i = 0; i < nrules; i++) {
        put_str(&st, rules[i] ? rules[i]->id : "");
        put_u64(&st, rules[i] ? (uint64_t)rules[i]->severity : 99);
    }
    digest(&st, c->base);
    return c;
}

void lint_cache_close(lint_cache *c) {
    if (!c)
        return;
    free(c->dir);
    free(c);
}

void lint_cache_key(const lint_cache *c, const char *const *paths, const uint8_t (*hashes)[16],
                    const int *minors, size_t n, uint8_t key[16]) {
    XXH3_state_t st;
    XXH3_128bits_reset(&st);
    put_canon(&st, c->base);
    put_u64(&st, n);
    for (size_t i = 0; i < n; i++) {
        put_str(&st, paths[i]);
        put_u64(&st, (uint64_t)(int64_t)minors[i]);
        put_canon(&st, hashes[i]);
    }
    digest(&st, key);
}

int lint_cache_hash_file(const char *path, uint8_t hash[16]) {
    /* read(), not mmap(): cheaper for the small files that Go files are */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    XXH3_state_t st;
    XXH3_128bits_reset(&st);
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            close(fd);
            return err ? err : EIO;
        }
        if (n == 0)
            break;
        XXH3_128bits_update(&st, buf, (size_t)n);
    }
    close(fd);
    digest(&st, hash);
    return 0;
}

static char *entry_path(const lint_cache *c, const uint8_t key[16]) {
    size_t n = strlen(c->dir);
    char *p = xmalloc(n + 1 + 32 + 1);
    memcpy(p, c->dir, n);
    p[n] = '/';
    for (int i = 0; i < 16; i++)
        snprintf(p + n + 1 + 2 * i, 3, "%02x", key[i]);
    return p;
}

/* ---- reading ---- */

typedef struct reader {
    const uint8_t *p, *end;
    bool bad;
} reader;

static uint32_t get_u32(reader *r) {
    if (r->end - r->p < 4) {
        r->bad = true;
        r->p = r->end;
        return 0;
    }
    uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
    r->p += 4;
    return v;
}

static uint8_t get_u8(reader *r) {
    if (r->p >= r->end) {
        r->bad = true;
        return 0;
    }
    return *r->p++;
}

static const char *get_str(reader *r, ls_arena *a) {
    uint32_t n = get_u32(r);
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        r->p = r->end;
        return "";
    }
    const char *s = ls_arena_strndup(a, (const char *)r->p, n);
    r->p += n;
    return s;
}

static const lint_rule *rule_by_id(const lint_cache *c, const char *id) {
    for (size_t i = 0; i < c->nrules; i++)
        if (c->rules[i] && strcmp(c->rules[i]->id, id) == 0)
            return c->rules[i];
    return NULL;
}

/* A finding's fix: the edit count, then start, end and text per edit. */
static void get_edits(reader *r, ls_arena *a, lint_finding *x) {
    uint32_t n = get_u32(r);
    if (r->bad || n > (size_t)(r->end - r->p) / 12) {
        r->bad = true;
        return;
    }
    if (!n)
        return;
    lint_edit *e = ls_arena_alloc(a, n * sizeof *e);
    for (uint32_t i = 0; i < n; i++) {
        e[i].start = get_u32(r);
        e[i].end = get_u32(r);
        e[i].text = get_str(r, a);
        if (e[i].start > e[i].end)
            r->bad = true;
    }
    x->edits = e;
    x->nedits = n;
}

bool lint_cache_load(const lint_cache *c, const uint8_t key[16], lint_cache_file *files, size_t n) {
    char *path = entry_path(c, key);
    ls_file_data fd;
    int err = ls_file_read(path, &fd);
    free(path);
    if (err)
        return false;
    reader r = {(const uint8_t *)fd.data, (const uint8_t *)fd.data + fd.len, false};
    size_t done = 0;
    if (fd.len < 8 + 16 + 4 + 8 + 4 || memcmp(r.p, MAGIC, 8) != 0 || memcmp(r.p + 8, key, 16) != 0 ||
        memcmp(r.end - 4, TRAILER, 4) != 0)
        goto miss;
    r.end -= 12;
    uint64_t sum = 0;
    for (int i = 0; i < 8; i++)
        sum |= (uint64_t)r.end[i] << (8 * i);
    if (sum != XXH3_64bits(fd.data, fd.len - 12))
        goto miss;
    r.p += 24;
    if (get_u32(&r) != n)
        goto miss;
    for (; done < n; done++) {
        lint_cache_file *f = &files[done];
        f->findings = NULL;
        f->nfindings = 0;
        f->suppressed = get_u32(&r);
        f->has_error = get_u8(&r) != 0;
        memset(&f->error, 0, sizeof f->error);
        if (f->has_error) {
            uint8_t kind = get_u8(&r);
            if (kind > LINT_ERR_READ)
                r.bad = true;
            f->error.kind = (lint_error_kind)kind;
            f->error.path = f->path;
            f->error.pos = get_u32(&r);
            f->error.line = get_u32(&r);
            f->error.col = get_u32(&r);
            f->error.message = get_str(&r, f->arena);
        }
        uint32_t nf = get_u32(&r);
        if (r.bad || nf > (size_t)(r.end - r.p) / 16) {
            done++;
            goto miss;
        }
        if (nf)
            f->findings = xmalloc(nf * sizeof *f->findings);
        f->nfindings = nf;
        for (uint32_t k = 0; k < nf; k++) {
            lint_finding *x = &f->findings[k];
            memset(x, 0, sizeof *x);
            x->rule = rule_by_id(c, get_str(&r, f->arena));
            x->path = f->path;
            x->pos = get_u32(&r);
            x->line = get_u32(&r);
            x->col = get_u32(&r);
            uint8_t sev = get_u8(&r);
            x->severity = sev == LINT_WARNING ? LINT_WARNING : LINT_ERROR;
            x->message = get_str(&r, f->arena);
            x->related_pos = get_u32(&r);
            x->related_line = get_u32(&r);
            x->related_col = get_u32(&r);
            if (get_u8(&r))
                x->related_message = get_str(&r, f->arena);
            get_edits(&r, f->arena, x);
            if (!x->rule || sev > LINT_WARNING)
                r.bad = true;
        }
        if (r.bad) {
            done++;
            goto miss;
        }
    }
    if (r.p != r.end)
        goto miss;
    ls_file_release(&fd);
    return true;
miss:
    for (size_t i = 0; i < done; i++) {
        free(files[i].findings);
        files[i].findings = NULL;
        files[i].nfindings = 0;
        files[i].has_error = false;
        files[i].suppressed = 0;
    }
    ls_file_release(&fd);
    return false;
}

/* ---- writing ---- */

static void w_u32(ls_buf *b, uint32_t v) {
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    ls_buf_append(b, x, 4);
}

static void w_u8(ls_buf *b, uint8_t v) { ls_buf_append(b, &v, 1); }

static void w_str(ls_buf *b, const char *s) {
    size_t n = s ? strlen(s) : 0;
    w_u32(b, (uint32_t)n);
    if (n)
        ls_buf_append(b, s, n);
}

void lint_cache_store(const lint_cache *c, const uint8_t key[16], const lint_cache_file *files, size_t n) {
    ls_buf b = {0};
    ls_buf_append(&b, MAGIC, 8);
    ls_buf_append(&b, key, 16);
    w_u32(&b, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        const lint_cache_file *f = &files[i];
        w_u32(&b, (uint32_t)f->suppressed);
        w_u8(&b, f->has_error);
        if (f->has_error) {
            w_u8(&b, (uint8_t)f->error.kind);
            w_u32(&b, f->error.pos);
            w_u32(&b, f->error.line);
            w_u32(&b, f->error.col);
            w_str(&b, f->error.message);
        }
        w_u32(&b, (uint32_t)f->nfindings);
        for (size_t k = 0; k < f->nfindings; k++) {
            const lint_finding *x = &f->findings[k];
            w_str(&b, x->rule->id);
            w_u32(&b, x->pos);
            w_u32(&b, x->line);
            w_u32(&b, x->col);
            w_u8(&b, (uint8_t)x->severity);
            w_str(&b, x->message);
            w_u32(&b, x->related_pos);
            w_u32(&b, x->related_line);
            w_u32(&b, x->related_col);
            w_u8(&b, x->related_message != NULL);
            if (x->related_message)
                w_str(&b, x->related_message);
            w_u32(&b, (uint32_t)x->nedits);
            for (size_t e = 0; e < x->nedits; e++) {
                w_u32(&b, x->edits[e].start);
                w_u32(&b, x->edits[e].end);
                w_str(&b, x->edits[e].text);
            }
        }
    }
    uint64_t sum = XXH3_64bits(b.data, b.len);
    w_u32(&b, (uint32_t)sum);
    w_u32(&b, (uint32_t)(sum >> 32));
    ls_buf_append(&b, TRAILER, 4);

    char *path = entry_path(c, key);
    size_t pn = strlen(path);
    char *tmp = xmalloc(pn + sizeof ".tmp.XXXXXX");
    memcpy(tmp, path, pn);
    memcpy(tmp + pn, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(tmp);
    if (fd >= 0) {
        const char *p = b.data;
        size_t left = b.len;
        bool ok = true;
        while (left) {
            ssize_t w = write(fd, p, left);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                ok = false;
                break;
            }
            p += w;
            left -= (size_t)w;
        }
        fchmod(fd, 0644);
        if (close(fd) != 0)
            ok = false;
        if (!ok || rename(tmp, path) != 0)
            unlink(tmp);
    }
    free(tmp);
    free(path);
    ls_buf_free(&b);
}

static char *join(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    char *p = xmalloc(n + m + 1);
    memcpy(p, a, n);
    memcpy(p + n, b, m + 1);
    return p;
}

char *lint_cache_dir_default(void) {
    const char *e = getenv("LEAKSCOPE_CACHE");
    if (e && *e)
        return xstrdup(e);
    e = getenv("XDG_CACHE_HOME");
    if (e && *e == '/')
        return join(e, "/leakscope");
    e = getenv("HOME");
    if (e && *e)
        return join(e, "/.cache/leakscope");
    return NULL;
}
