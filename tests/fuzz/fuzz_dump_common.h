/*
 * Shared body of the dump reader fuzz targets (fuzz_dump_text.c,
 * fuzz_dump_debug1.c, fuzz_dump_pprof.c): the input goes through one
 * reader twice, whole and in chunks whose sizes the input's last byte
 * picks, under ASan+UBSan.  Invariants, abort()ing when broken:
 *
 *  - every record's strings are readable (ASan checks each byte as the
 *    sink hashes them) and its counts are sane;
 *  - the stats agree with what the sink received;
 *  - chunk boundaries change nothing: both runs deliver the same records
 *    (by hash), the same stats and the same error (text formats never fail).
 */
#ifndef FUZZ_DUMP_COMMON_H
#define FUZZ_DUMP_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakscope/dump.h"

typedef struct fuzz_seen {
    uint64_t records, goroutines, hash;
} fuzz_seen;

static uint64_t fuzz_mix(uint64_t h, const void *p, size_t n) {
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t fuzz_frame(uint64_t h, const dump_frame *f) {
    h = fuzz_mix(h, f->func.ptr, f->func.len);
    h = fuzz_mix(h, f->args.ptr, f->args.len);
    h = fuzz_mix(h, f->file.ptr, f->file.len);
    h = fuzz_mix(h, &f->line, sizeof f->line);
    return fuzz_mix(h, &f->inlined, sizeof f->inlined);
}

static uint64_t fuzz_goroutine(uint64_t h, const dump_goroutine *g, int depth) {
    if (depth > 1 || g->count == 0 || (g->nframes && !g->frames))
        abort();
    h = fuzz_mix(h, &g->id, sizeof g->id);
    h = fuzz_mix(h, &g->count, sizeof g->count);
    h = fuzz_mix(h, g->state.ptr, g->state.len);
    h = fuzz_mix(h, &g->wait_minutes, sizeof g->wait_minutes);
    for (size_t i = 0; i < g->nframes; i++)
        h = fuzz_frame(h, &g->frames[i]);
    if (g->has_created_by)
        h = fuzz_frame(h, &g->created_by);
    for (size_t i = 0; i < g->nlabels; i++) {
        h = fuzz_mix(h, g->labels[i].key.ptr, g->labels[i].key.len);
        h = fuzz_mix(h, g->labels[i].value.ptr, g->labels[i].value.len);
    }
    for (size_t i = 0; i < g->nancestors; i++)
        h = fuzz_goroutine(h, &g->ancestors[i], depth + 1);
    return h;
}

static int fuzz_sink(void *ctx, const dump_goroutine *g) {
    fuzz_seen *s = ctx;
    s->records++;
    s->goroutines += g->count;
    s->hash = fuzz_goroutine(s->hash * 31 + 7, g, 0);
    return 0;
}

/* chunk == 0: the whole input at once */
static void fuzz_run(dump_format fmt, const uint8_t *data, size_t size, size_t chunk,
                     fuzz_seen *seen, dump_stats *stats, char *err, size_t errlen) {
    dump_parser *p = dump_parser_new(fmt, "fuzz", fuzz_sink, seen);
    int rc = 0;
    if (!chunk)
        chunk = size ? size : 1;
    for (size_t off = 0; rc == 0 && off < size; off += chunk)
        rc = dump_parser_feed(p, data + off, size - off < chunk ? size - off : chunk);
    if (rc == 0)
        rc = dump_parser_finish(p);
    *stats = *dump_parser_stats(p);
    const char *e = dump_parser_error(p);
    if ((rc != 0) != (e != NULL))
        abort();
    snprintf(err, errlen, "%s", e ? e : "");
    if (stats->stacks != seen->records || stats->goroutines != seen->goroutines)
        abort();
    dump_parser_free(p);
}

static int fuzz_dump(dump_format fmt, const uint8_t *data, size_t size) {
    fuzz_seen a = {0}, b = {0};
    dump_stats sa, sb;
    char ea[600], eb[600];
    fuzz_run(fmt, data, size, 0, &a, &sa, ea, sizeof ea);
    size_t chunk = size ? (size_t)data[size - 1] % 17 + 1 : 1;
    fuzz_run(fmt, data, size, chunk, &b, &sb, eb, sizeof eb);
    if (fmt != DUMP_FORMAT_PPROF && (ea[0] || eb[0]))
        abort(); /* text formats never fail */
    /* a gzip error's byte offset may differ with chunking; whether it failed may not */
    if ((ea[0] != 0) != (eb[0] != 0))
        abort();
    if (!ea[0] && (a.records != b.records || a.hash != b.hash || sa.lines != sb.lines ||
                   sa.skipped_lines != sb.skipped_lines ||
                   sa.truncated_stanzas != sb.truncated_stanzas || sa.format != sb.format))
        abort();
    return 0;
}

#endif
