/*
 * Reader for the aggregated goroutine profile text (debug=1):
 *
 *   goroutine profile: total 7
 *   3 @ 0x43e4ee 0x40b9b1 0x46b4d1
 *   # labels: {"job":"sync", "shard":"2"}
 *   #	0x46b4d0	main.worker+0x30	/src/app/main.go:12
 *
 * One stanza per "K @" line, delivered with count K.  The writer pads its
 * columns with a tabwriter, so fields are separated by runs of tabs.  It
 * also hides the runtime frames at the top of each stack (runtime.gopark
 * and its callers) and runtime.goexit; what is printed is what we deliver.
 */
#define _GNU_SOURCE /* memmem, memrchr */
#include <string.h>

#include "dump_internal.h"

#define HAS_PREFIX(s, n, lit) ((n) >= sizeof(lit) - 1 && memcmp((s), (lit), sizeof(lit) - 1) == 0)

/* Splits off the next tab-separated field (runs of tabs count as one). */
static bool next_field(const char **s, size_t *n, const char **f, size_t *flen) {
    while (*n && (**s == '\t' || **s == ' '))
        (*s)++, (*n)--;
    if (!*n)
        return false;
    const char *tab = memchr(*s, '\t', *n);
    *f = *s;
    *flen = tab ? (size_t)(tab - *s) : *n;
    *s += *flen;
    *n -= *flen;
    return true;
}

/* "#\t0xPC\tFUNC+0xOFF\tFILE:LINE", or "#\t0xPC" for an unknown function. */
static void frame_line(dump_parser *p, const char *s, size_t n) {
    dump_stanza *st = &p->st;
    const char *pc, *fn, *loc;
    size_t pclen, fnlen, loclen;
    uint64_t pcv;
    if (!next_field(&s, &n, &pc, &pclen) || !dump_parse_hex(pc, pclen, &pcv)) {
        dump_skip_line(p, "malformed '#\\t0xPC\\tfunc+0xOFF\\tfile:line' line");
        return;
    }
    dump_raw_frame *f = dump_stanza_add_frame(st);
    if (!f) {
        st->elided = true;
        return;
    }
    if (!next_field(&s, &n, &fn, &fnlen)) {
        f->func_static = "?";
        return;
    }
    const char *plus = NULL; /* the last "+0x" */
    for (const char *q = fn; (q = dump_find(q, (size_t)(fn + fnlen - q), "+0x", 3)) != NULL; q++)
        plus = q;
    size_t name_len = plus ? (size_t)(plus - fn) : fnlen;
    f->func_off = dump_stanza_copy(st, fn, name_len);
    f->func_len = (uint32_t)name_len;
    if (plus)
        dump_parse_hex(plus + 1, (size_t)(fn + fnlen - plus - 1), &f->pc_offset);
    size_t file_len;
    uint32_t line;
    uint64_t ignored;
    if (next_field(&s, &n, &loc, &loclen)) {
        /* the file may contain tabs only in theory; take the rest of the line */
        loclen += n;
        if (dump_parse_file_line(loc, loclen, &file_len, &line, &ignored)) {
            f->file_off = dump_stanza_copy(st, loc, file_len);
            f->file_len = (uint32_t)file_len;
            f->line = line;
            f->has_file = true;
            return;
        }
    }
    dump_problem(p, "debug=1 frame without file:line");
}

/* "K @ 0x... 0x..." opens a stanza of count K. */
static bool count_line(dump_parser *p, const char *s, size_t n) {
    const char *at = dump_find(s, n, " @", 2);
    uint64_t k;
    if (!at || !dump_parse_uint(s, (size_t)(at - s), &k) || k == 0)
        return false; /* "0 @" counts no goroutine: junk */
    if (p->st.open)
        dump_stanza_emit(p);
    if (p->stopped)
        return true;
    dump_stanza_reset(&p->st);
    p->st.open = true;
    p->st.count = k;
    p->st.input_line = p->stats.lines;
    return true;
}

static void labels_line(dump_parser *p, const char *s, size_t n) {
    size_t base = dump_stanza_copy(&p->st, s, n);
    if (!dump_parse_labels(&p->st, base, p->st.bytes.data + base, n))
        dump_skip_line(p, "malformed '# labels: {...}' line");
}

static bool profile_header(dump_parser *p, const char *s, size_t n) {
    const char *h = dump_find(s, n, " profile: total ", 16);
    if (!h)
        return false;
    p->leak_profile = (size_t)(h - s) == 13 && memcmp(s, "goroutineleak", 13) == 0;
    return true;
}

void dump_debug1_line(dump_parser *p, const char *s, size_t n) {
    if (n == 0) {
        if (p->st.open)
            dump_stanza_emit(p);
        return;
    }
    if (s[0] == '#' && p->st.open) {
        if (HAS_PREFIX(s, n, "# labels: "))
            labels_line(p, s + 10, n - 10);
        else if (n > 1 && s[1] == '\t')
            frame_line(p, s + 2, n - 2);
        else
            dump_skip_line(p, "unexpected '#' line in a debug=1 profile");
        return;
    }
    if (s[0] >= '0' && s[0] <= '9' && count_line(p, s, n))
        return;
    if (profile_header(p, s, n))
        return;
    dump_skip_line(p, "not part of a debug=1 goroutine profile");
}

void dump_debug1_finish(dump_parser *p) {
    if (p->st.open && !p->stopped)
        dump_stanza_emit(p);
}
