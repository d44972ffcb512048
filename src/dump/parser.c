/*
 * The dump parser object: format sniffing for DUMP_FORMAT_AUTO, the line
 * splitter that feeds the text readers, and the problem counters.
 *
 * The splitter finds line ends (64 bytes at a time, as a bit mask) and hands
 * each complete line to the reader straight out of the caller's chunk; only
 * a line cut by a chunk
 * boundary is copied (into `carry`), so a byte is touched about once.
 */
#define _GNU_SOURCE /* memmem, memrchr */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "dump_internal.h"

const char *dump_format_name(dump_format f) {
    switch (f) {
    case DUMP_FORMAT_AUTO: return "auto";
    case DUMP_FORMAT_TEXT: return "text";
    case DUMP_FORMAT_DEBUG1: return "debug1";
    case DUMP_FORMAT_PPROF: return "pprof";
    }
    return "?";
}

dump_parser *dump_parser_new(dump_format format, const char *source_name, dump_sink_fn sink,
                             void *sink_ctx) {
    dump_parser *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->requested = format;
    p->source = strdup(source_name ? source_name : "<input>");
    p->sink = sink;
    p->sink_ctx = sink_ctx;
    p->stats.format = format;
    if (!p->source) {
        free(p);
        return NULL;
    }
    return p;
}

void dump_parser_free(dump_parser *p) {
    if (!p)
        return;
    free(p->source);
    free(p->error);
    ls_buf_free(&p->carry);
    ls_buf_free(&p->sniff);
    dump_stanza_free(&p->st);
    dump_pprof_free(p->pprof);
    free(p);
}

const dump_stats *dump_parser_stats(const dump_parser *p) { return &p->stats; }
const char *dump_parser_error(const dump_parser *p) { return p->error; }

void dump_problem(dump_parser *p, const char *what) {
    if (!p->stats.first_problem_line) {
        p->stats.first_problem_line = p->stats.lines ? p->stats.lines : 1;
        p->stats.first_problem = what;
    }
}

void dump_skip_line(dump_parser *p, const char *what) {
    p->stats.skipped_lines++;
    dump_problem(p, what);
}

void dump_fail(dump_parser *p, const char *fmt, ...) {
    if (p->failed)
        return;
    p->failed = true;
    ls_buf b = {0};
    ls_buf_puts(&b, p->source);
    ls_buf_puts(&b, ": ");
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ls_buf_puts(&b, msg);
    ls_buf_putc(&b, '\0');
    p->error = b.data;
}

void dump_set_preamble(dump_parser *p, const char *s, size_t n) {
    if (p->stats.preamble.len)
        return;
    if (n >= sizeof p->preamble)
        n = sizeof p->preamble - 1;
    memcpy(p->preamble, s, n);
    p->preamble[n] = '\0';
    p->stats.preamble = ls_str_make(p->preamble, n);
}

/* ---- line splitting --------------------------------------------------- */

static inline __attribute__((always_inline)) void dispatch_line(dump_parser *p, const char *s, size_t n) {
    p->stats.lines++;
    if (n && s[n - 1] == '\r')
        n--;
    if (p->stats.format == DUMP_FORMAT_DEBUG1)
        dump_debug1_line(p, s, n);
    else
        dump_text_line(p, s, n);
}

/* Finds the line ends of a chunk 64 bytes at a time, as a bit mask: lines
 * of a dump are short (40 bytes on average), and a memchr call per line
 * cost more than the scan itself. */
typedef struct nl_scan {
    const char *base; /* the 64 bytes that mask covers */
    const char *end;
    uint64_t mask;    /* line ends at or after the last one returned */
} nl_scan;

static inline uint64_t nl_mask64(const char *s, const char *end) {
    uint64_t m = 0;
#ifdef __SSE2__
    if (end - s >= 64) {
        const __m128i nl = _mm_set1_epi8('\n');
        for (int i = 0; i < 4; i++) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * i));
            m |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) << (16 * i);
        }
        return m;
    }
#endif
    size_t n = end - s < 64 ? (size_t)(end - s) : 64;
    for (size_t i = 0; i < n; i++)
        m |= (uint64_t)(s[i] == '\n') << i;
    return m;
}

/* The next line end, or NULL when the chunk has no more. */
static inline const char *nl_next(nl_scan *sc) {
    while (!sc->mask) {
        sc->base += 64;
        if (sc->base >= sc->end)
            return NULL;
        sc->mask = nl_mask64(sc->base, sc->end);
    }
    const char *nl = sc->base + __builtin_ctzll(sc->mask);
    sc->mask &= sc->mask - 1;
    return nl;
}

static void split_lines(dump_parser *p, const char *data, size_t len) {
    if (!len)
        return; /* data may be NULL (an input that never sent a byte) */
    const char *end = data + len;
    nl_scan sc = {data, end, nl_mask64(data, end)};
    while (data < end && !p->stopped) {
        const char *nl = nl_next(&sc);
        if (!nl) {
            size_t rest = (size_t)(end - data);
            if (p->carry_overflow || p->carry.len + rest > DUMP_MAX_LINE) {
                if (!p->carry_overflow && !p->stats.first_problem_line) {
                    p->stats.first_problem_line = p->stats.lines + 1; /* not counted yet */
                    p->stats.first_problem = "line longer than 1 MiB skipped";
                }
                p->carry_overflow = true;
                p->carry.len = 0;
            } else {
                ls_buf_append(&p->carry, data, rest);
            }
            return;
        }
        size_t n = (size_t)(nl - data);
        if (p->carry_overflow) {
            p->stats.lines++;
            p->stats.skipped_lines++;
            p->carry_overflow = false;
        } else if (p->carry.len) {
            if (p->carry.len + n > DUMP_MAX_LINE) {
                p->stats.lines++;
                dump_skip_line(p, "line longer than 1 MiB skipped");
            } else {
                ls_buf_append(&p->carry, data, n);
                dispatch_line(p, p->carry.data, p->carry.len);
            }
            p->carry.len = 0;
        } else if (n > DUMP_MAX_LINE) {
            p->stats.lines++;
            dump_skip_line(p, "line longer than 1 MiB skipped");
        } else {
            dispatch_line(p, data, n);
        }
        data = nl + 1;
    }
}

/* ---- sniffing ---------------------------------------------------------- */

#define SNIFF_MAX 4096

static bool has_control_bytes(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 && s[i] != '\n' && s[i] != '\r' && s[i] != '\t' &&
            s[i] != 0x1b) /* ESC: colored log prefixes are still text */
            return true;
    return false;
}

/* Decides the format from the held bytes, or returns AUTO to wait for more. */
static dump_format sniff_format(const unsigned char *s, size_t n, bool at_end) {
    if (n == 0)
        return at_end ? DUMP_FORMAT_TEXT : DUMP_FORMAT_AUTO;
    if (n >= 2 && s[0] == 0x1f && s[1] == 0x8b)
        return DUMP_FORMAT_PPROF;
    if (n == 1 && s[0] == 0x1f && !at_end)
        return DUMP_FORMAT_AUTO;
    size_t i = 0;
    while (i < n && (s[i] == '\n' || s[i] == '\r' || s[i] == ' ' || s[i] == '\t'))
        i++;
    const unsigned char *nl = memchr(s + i, '\n', n - i);
    size_t line_end = nl ? (size_t)(nl - s) : n;
    if (has_control_bytes(s, line_end))
        return DUMP_FORMAT_PPROF;
    if (!nl && !at_end && n < SNIFF_MAX)
        return DUMP_FORMAT_AUTO;
    static const char header[] = " profile: total ";
    if (memmem(s + i, line_end - i, header, sizeof header - 1))
        return DUMP_FORMAT_DEBUG1;
    return DUMP_FORMAT_TEXT;
}

static int feed_known(dump_parser *p, const void *data, size_t len) {
    if (p->stats.format == DUMP_FORMAT_PPROF)
        return dump_pprof_feed(p, data, len);
    split_lines(p, data, len);
    return 0;
}

static int resolve_and_feed(dump_parser *p, const void *data, size_t len, bool at_end) {
    if (p->stats.format != DUMP_FORMAT_AUTO)
        return feed_known(p, data, len);
    ls_buf_append(&p->sniff, data, len);
    dump_format f = sniff_format((const unsigned char *)p->sniff.data, p->sniff.len, at_end);
    if (f == DUMP_FORMAT_AUTO)
        return 0;
    p->stats.format = f;
    if (f == DUMP_FORMAT_PPROF && !p->pprof)
        p->pprof = dump_pprof_new();
    ls_buf held = p->sniff;
    p->sniff = (ls_buf){0};
    int rc = feed_known(p, held.data, held.len);
    ls_buf_free(&held);
    return rc;
}

int dump_parser_feed(dump_parser *p, const void *data, size_t len) {
    if (p->failed)
        return -1;
    if (p->stopped || p->finished)
        return 0;
    p->stats.bytes += len;
    if (p->stats.format == DUMP_FORMAT_PPROF && !p->pprof)
        p->pprof = dump_pprof_new();
    int rc = resolve_and_feed(p, data, len, false);
    return rc || p->failed ? -1 : 0;
}

int dump_parser_finish(dump_parser *p) {
    if (p->failed)
        return -1;
    if (p->finished)
        return 0;
    if (p->stats.format == DUMP_FORMAT_AUTO) {
        if (resolve_and_feed(p, "", 0, true))
            return -1;
        if (p->stats.format == DUMP_FORMAT_AUTO)
            p->stats.format = DUMP_FORMAT_TEXT; /* empty input */
    }
    p->finished = true;
    if (p->stats.format == DUMP_FORMAT_PPROF) {
        if (!p->pprof)
            p->pprof = dump_pprof_new();
        return dump_pprof_finish(p) || p->failed ? -1 : 0;
    }
    if (!p->stopped && p->carry.len && !p->carry_overflow) {
        ls_buf line = p->carry;
        p->carry = (ls_buf){0};
        dispatch_line(p, line.data, line.len);
        ls_buf_free(&line);
    } else if (p->carry_overflow) {
        p->stats.lines++;
        p->stats.skipped_lines++;
    }
    if (p->stats.format == DUMP_FORMAT_DEBUG1)
        dump_debug1_finish(p);
    else
        dump_text_finish(p);
    return 0;
}
