/*
 * Applying fixes (lintfix.h): choosing the edits of one file, writing the
 * new content or a unified diff of it, and replacing the file atomically.
 *
 * The diff is not computed by comparing the two files: the edits say
 * exactly which lines change.  Each edit covers the whole lines it
 * touches; edits sharing a line form one block; a block's old and new
 * lines are trimmed of the lines they have in common (an insertion of a
 * line shows as one `+` line); blocks closer than 2 × 3 lines of context
 * share a hunk.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leakscope/lintfix.h"
#include "xalloc.h"

#define DIFF_CONTEXT 3

/* ---- the plan ------------------------------------------------------------------ */

static bool is_insertion(const lint_edit *e) { return e->start == e->end; }

static bool same_edit(const lint_edit *a, const lint_edit *b) {
    return a->start == b->start && a->end == b->end && strcmp(a->text, b->text) == 0;
}

/* Two edits of different fixes conflict when their ranges share a byte,
 * or an insertion falls strictly inside a replaced range.  Insertions at
 * one offset, and an insertion at either end of a range, do not. */
static bool conflict(const lint_edit *a, const lint_edit *b) {
    if (same_edit(a, b))
        return false;
    if (is_insertion(a))
        return a->start > b->start && a->start < b->end;
    if (is_insertion(b))
        return b->start > a->start && b->start < a->end;
    return a->start < b->end && b->start < a->end;
}

typedef struct planned {
    lint_edit edit;
    size_t order; /* acceptance order: ties at one offset keep it */
} planned;

static int cmp_planned(const void *x, const void *y) {
    const planned *a = x, *b = y;
    if (a->edit.start != b->edit.start)
        return a->edit.start < b->edit.start ? -1 : 1;
    bool ia = is_insertion(&a->edit), ib = is_insertion(&b->edit);
    if (ia != ib)
        return ia ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static bool fix_fits(const lint_finding *f, const planned *taken, size_t ntaken, size_t file_len) {
    for (size_t i = 0; i < f->nedits; i++) {
        const lint_edit *e = &f->edits[i];
        if (e->start > e->end || e->end > file_len)
            return false;
        for (size_t k = 0; k < i; k++) /* a fix that overlaps itself is broken */
            if (conflict(e, &f->edits[k]))
                return false;
        for (size_t k = 0; k < ntaken; k++)
            if (conflict(e, &taken[k].edit))
                return false;
    }
    return true;
}

void lint_fix_plan_make(const lint_finding *const *findings, size_t n, size_t file_len, lint_fix_plan *out) {
    memset(out, 0, sizeof *out);
    out->applied = xmalloc(n * sizeof *out->applied);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += findings[i]->nedits;
    planned *taken = xmalloc(total * sizeof *taken);
    size_t ntaken = 0;
    for (size_t i = 0; i < n; i++) {
        const lint_finding *f = findings[i];
        out->applied[i] = false;
        if (!f->nedits)
            continue;
        if (!fix_fits(f, taken, ntaken, file_len)) {
            out->nconflicts++;
            continue;
        }
        for (size_t k = 0; k < f->nedits; k++) {
            bool dup = false;
            for (size_t j = 0; j < ntaken && !dup; j++)
                dup = same_edit(&f->edits[k], &taken[j].edit);
            if (!dup) {
                taken[ntaken].edit = f->edits[k];
                taken[ntaken].order = ntaken;
                ntaken++;
            }
        }
        out->applied[i] = true;
        out->napplied++;
    }
    qsort(taken, ntaken, sizeof *taken, cmp_planned);
    out->edits = xmalloc(ntaken * sizeof *out->edits);
    for (size_t i = 0; i < ntaken; i++)
        out->edits[i] = taken[i].edit;
    out->nedits = ntaken;
    free(taken);
}

void lint_fix_plan_free(lint_fix_plan *p) {
    if (!p)
        return;
    free(p->edits);
    free(p->applied);
    memset(p, 0, sizeof *p);
}

/* ---- rendering -------------------------------------------------------------------- */

static bool uses_crlf(const char *src, size_t len) {
    if (!len)
        return false;
    const char *nl = memchr(src, '\n', len);
    return nl && nl > src && nl[-1] == '\r';
}

static void put_text(ls_buf *out, const char *text, bool crlf) {
    if (!crlf) {
        ls_buf_puts(out, text);
        return;
    }
    for (const char *p = text; *p; p++) {
        if (*p == '\n' && (p == text || p[-1] != '\r'))
            ls_buf_putc(out, '\r');
        ls_buf_putc(out, *p);
    }
}

/* src[from..to) with edits[0..n) (all inside it) applied. */
static void render_range(const char *src, size_t from, size_t to, const lint_edit *edits, size_t n, bool crlf,
                         ls_buf *out) {
    size_t at = from;
    for (size_t i = 0; i < n; i++) {
        ls_buf_append(out, src + at, edits[i].start - at);
        put_text(out, edits[i].text, crlf);
        at = edits[i].end;
    }
    ls_buf_append(out, src + at, to - at);
}

void lint_fix_render(const char *src, size_t len, const lint_edit *edits, size_t n, ls_buf *out) {
    if (!src)
        src = ""; /* an empty file may come without a buffer */
    render_range(src, 0, len, edits, n, uses_crlf(src, len), out);
}

/* The length of text as put_text writes it. */
static size_t text_len(const char *text, bool crlf) {
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += 1 + (crlf && *p == '\n' && (p == text || p[-1] != '\r'));
    return n;
}

size_t lint_fix_map_offset(const char *src, size_t len, const lint_edit *edits, size_t n, size_t pos) {
    bool crlf = src && uses_crlf(src, len);
    size_t out = pos;
    for (size_t i = 0; i < n && edits[i].start <= pos; i++) {
        /* an insertion at pos goes before what is at pos */
        if (pos < edits[i].end)
            return out - (pos - edits[i].start);
        out = out - (edits[i].end - edits[i].start) + text_len(edits[i].text, crlf);
    }
    return out;
}

/* ---- the unified diff ------------------------------------------------------------- */

/* Lines of a text: starts[i] is where line i begins; starts[n] == len. */
typedef struct lines {
    size_t *starts;
    size_t n;
    bool open; /* the last line has no newline: the end of the text is on it */
} lines;

static lines split_lines(const char *s, size_t len) {
    lines l = {xmalloc((len + 2) * sizeof(size_t)), 0, len && s[len - 1] != '\n'};
    size_t at = 0;
    while (at < len) {
        l.starts[l.n++] = at;
        const char *nl = memchr(s + at, '\n', len - at);
        at = nl ? (size_t)(nl - s) + 1 : len;
    }
    l.starts[l.n] = len;
    return l;
}

/* The line holding byte offset pos (len: one past the last line). */
static size_t line_of(const lines *l, size_t pos) {
    if (l->open && pos >= l->starts[l->n])
        return l->n - 1;
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->starts[mid + 1] <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* One change: old lines [old_first, old_first + old_count) become the new
 * lines new_text[new_starts...]. */
typedef struct block {
    size_t old_first, old_count;
    ls_buf text;   /* the new lines */
    lines nl;      /* their starts in text */
    size_t new_skip, new_count; /* the new lines after trimming */
} block;

static bool same_line(const char *a, size_t an, const char *b, size_t bn) { return an == bn && memcmp(a, b, an) == 0; }

static void put_line(ls_buf *out, char mark, const char *s, size_t n) {
    ls_buf_putc(out, mark);
    ls_buf_append(out, s, n);
    if (!n || s[n - 1] != '\n')
        ls_buf_puts(out, "\n\\ No newline at end of file\n");
}

/* Builds the block of edits[0..n) (sharing lines), trimmed. */
static void make_block(const char *src, size_t len, const lines *old, const lint_edit *edits, size_t n, bool crlf,
                       block *b) {
    size_t first = line_of(old, edits[0].start);
    size_t last_end = edits[n - 1].end > edits[n - 1].start ? edits[n - 1].end - 1 : edits[n - 1].end;
    size_t last = line_of(old, last_end);
    size_t from = first < old->n ? old->starts[first] : len;
    size_t to = last < old->n ? old->starts[last + 1] : len;
    memset(b, 0, sizeof *b);
    render_range(src, from, to, edits, n, crlf, &b->text);
    b->nl = split_lines(b->text.data ? b->text.data : "", b->text.len);
    b->old_first = first;
    b->old_count = (last < old->n ? last + 1 : old->n) - first;
    b->new_skip = 0;
    b->new_count = b->nl.n;
    /* lines the edits left as they were, at either end, are context */
    while (b->old_count && b->new_count) {
        size_t o = b->old_first, k = b->new_skip;
        if (!same_line(src + old->starts[o], old->starts[o + 1] - old->starts[o], b->text.data + b->nl.starts[k],
                       b->nl.starts[k + 1] - b->nl.starts[k]))
            break;
        b->old_first++, b->old_count--, b->new_skip++, b->new_count--;
    }
    while (b->old_count && b->new_count) {
        size_t o = b->old_first + b->old_count - 1, k = b->new_skip + b->new_count - 1;
        if (!same_line(src + old->starts[o], old->starts[o + 1] - old->starts[o], b->text.data + b->nl.starts[k],
                       b->nl.starts[k + 1] - b->nl.starts[k]))
            break;
        b->old_count--, b->new_count--;
    }
}

static void free_block(block *b) {
    ls_buf_free(&b->text);
    free(b->nl.starts);
}

static void put_old_lines(ls_buf *out, char mark, const char *src, const lines *old, size_t from, size_t to) {
    for (size_t i = from; i < to; i++)
        put_line(out, mark, src + old->starts[i], old->starts[i + 1] - old->starts[i]);
}

/* Prints blocks[0..n) as one hunk; delta is new minus old lines before it. */
static void put_hunk(ls_buf *out, const char *src, const lines *old, const block *blocks, size_t n, long delta) {
    size_t begin = blocks[0].old_first > DIFF_CONTEXT ? blocks[0].old_first - DIFF_CONTEXT : 0;
    size_t stop = blocks[n - 1].old_first + blocks[n - 1].old_count;
    size_t end = stop + DIFF_CONTEXT < old->n ? stop + DIFF_CONTEXT : old->n;
    size_t old_count = end - begin, new_count = old_count;
    for (size_t i = 0; i < n; i++)
        new_count = new_count - blocks[i].old_count + blocks[i].new_count;
    /* an empty side is numbered by the line before it, as diff does */
    size_t old_start = old_count ? begin + 1 : begin;
    size_t new_start = new_count ? (size_t)((long)begin + delta) + 1 : (size_t)((long)begin + delta);
    ls_buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", old_start, old_count, new_start, new_count);
    size_t at = begin;
    for (size_t i = 0; i < n; i++) {
        const block *b = &blocks[i];
        put_old_lines(out, ' ', src, old, at, b->old_first);
        put_old_lines(out, '-', src, old, b->old_first, b->old_first + b->old_count);
        for (size_t k = b->new_skip; k < b->new_skip + b->new_count; k++)
            put_line(out, '+', b->text.data + b->nl.starts[k], b->nl.starts[k + 1] - b->nl.starts[k]);
        at = b->old_first + b->old_count;
    }
    put_old_lines(out, ' ', src, old, at, end);
}

void lint_fix_diff(ls_buf *out, const char *path, const char *src, size_t len, const lint_edit *edits, size_t n) {
    if (!n)
        return;
    if (!src)
        src = "";
    bool crlf = uses_crlf(src, len);
    lines old = split_lines(src, len);
    block *blocks = xmalloc(n * sizeof *blocks);
    size_t nb = 0;
    for (size_t i = 0; i < n;) {
        /* edits touching the same lines go into one block */
        size_t j = i + 1;
        size_t last_end = edits[i].end > edits[i].start ? edits[i].end - 1 : edits[i].end;
        size_t last = line_of(&old, last_end);
        while (j < n && line_of(&old, edits[j].start) <= last) {
            size_t e = edits[j].end > edits[j].start ? edits[j].end - 1 : edits[j].end;
            size_t l = line_of(&old, e);
            if (l > last)
                last = l;
            j++;
        }
        make_block(src, len, &old, edits + i, j - i, crlf, &blocks[nb]);
        if (blocks[nb].old_count || blocks[nb].new_count)
            nb++;
        else
            free_block(&blocks[nb]);
        i = j;
    }
    if (nb) {
        ls_buf_printf(out, "--- a/%s\n+++ b/%s\n", path, path);
        long delta = 0;
        for (size_t i = 0; i < nb;) {
            size_t j = i + 1;
            while (j < nb && blocks[j].old_first <= blocks[j - 1].old_first + blocks[j - 1].old_count + 2 * DIFF_CONTEXT)
                j++;
            put_hunk(out, src, &old, blocks + i, j - i, delta);
            for (size_t k = i; k < j; k++)
                delta += (long)blocks[k].new_count - (long)blocks[k].old_count;
            i = j;
        }
    }
    for (size_t i = 0; i < nb; i++)
        free_block(&blocks[i]);
    free(blocks);
    free(old.starts);
}

/* ---- the atomic write --------------------------------------------------------------- */

static int write_all(int fd, const char *data, size_t len) {
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return errno;
        if (w == 0)
            return EIO;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* After the rename, the directory entry itself is made durable; a failure
 * here does not undo a rename that has happened. */
static void sync_dir(const char *dir) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int lint_fix_write_file(const char *path, const char *data, size_t len) {
    char *target = realpath(path, NULL);
    if (!target)
        return errno;
    struct stat st;
    if (stat(target, &st) != 0) {
        int err = errno;
        free(target);
        return err;
    }
    /* the write bits say whether the owner wants the file changed; root
     * could write anyway, and rename() would replace it regardless */
    if (!(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) || access(target, W_OK) != 0) {
        free(target);
        return EACCES;
    }
    char *dirbuf = xstrdup(target);
    const char *dir = dirname(dirbuf);
    size_t n = strlen(target);
    char *tmp = xmalloc(n + sizeof ".leakscope-fix.XXXXXX");
    memcpy(tmp, target, n);
    memcpy(tmp + n, ".leakscope-fix.XXXXXX", sizeof ".leakscope-fix.XXXXXX");
    int err = 0;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        err = errno;
    } else {
        err = write_all(fd, data, len);
        if (!err && fchmod(fd, st.st_mode & 07777) != 0)
            err = errno;
        if (!err && fsync(fd) != 0)
            err = errno;
        if (close(fd) != 0 && !err)
            err = errno;
        if (!err && rename(tmp, target) != 0)
            err = errno;
        if (err)
            unlink(tmp);
        else
            sync_dir(dir);
    }
    free(tmp);
    free(dirbuf);
    free(target);
    return err;
}
