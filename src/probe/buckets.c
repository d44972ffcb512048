/*
 * The probe's live goroutines as `leakscope dump` sees goroutines: each one
 * whose stack was read becomes the dump_goroutine that a traceback stanza
 * of it would give (its goid, state, frames, `created by` line and parent
 * goid), handed to a dump sink.  Fed to dump_buckets_sink, the buckets,
 * their IDs, suspects and the JSON writer are those of `leakscope dump`,
 * so the two tools' reports join (docs/dump-buckets.md).
 *
 * The frames come from the stack text the session kept at the snapshot
 * ("FUNC FILE:LINE" lines, the bytes of probe_stack); they are parsed back
 * rather than unwound again, so the ID is the one the text report prints.
 */
#include <stdlib.h>
#include <string.h>

#include "leakscope/probe.h"

/* One "FUNC FILE:LINE" line into f (pointing into the line). */
static void parse_frame(const char *line, size_t len, dump_frame *f) {
    memset(f, 0, sizeof *f);
    const char *space = memchr(line, ' ', len);
    if (!space) {
        f->func = ls_str_make(line, len);
        return;
    }
    f->func = ls_str_make(line, (size_t)(space - line));
    const char *at = space + 1, *end = line + len, *colon = end;
    while (colon > at && colon[-1] != ':')
        colon--;
    if (colon == at) { /* no line number */
        f->file = ls_str_make(at, (size_t)(end - at));
        return;
    }
    f->file = ls_str_make(at, (size_t)(colon - 1 - at));
    uint32_t n = 0;
    for (const char *p = colon; p < end && *p >= '0' && *p <= '9'; p++)
        n = n * 10 + (uint32_t)(*p - '0');
    f->line = n;
}

/* The frames of text into *frames (grown as needed); returns how many. */
static size_t parse_frames(const char *text, dump_frame **frames, size_t *cap) {
    size_t n = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (n == *cap) {
            size_t c = *cap ? *cap * 2 : 32;
            dump_frame *nf = realloc(*frames, c * sizeof *nf);
            if (!nf)
                return n;
            *frames = nf;
            *cap = c;
        }
        parse_frame(line, len, &(*frames)[n++]);
        line += len + (end != NULL);
    }
    return n;
}

/* The traceback's `created by` line: the function holding the go statement
 * (outermost, not inlined) and the position of gopc - 1.  The runtime
 * prints none for the main goroutine. */
static bool created_by(const gobin *b, const probe_goroutine *g, dump_frame *f) {
    gobin_pos at;
    memset(f, 0, sizeof *f);
    if (g->goid == 1 || !g->gopc || !gobin_pc_pos(b, g->gopc - 1, &at))
        return false;
    f->func = ls_str_cstr(at.func);
    f->file = ls_str_cstr(at.file);
    f->line = at.line;
    return true;
}

size_t probe_dump_goroutines(const probe_session *s, const gobin *b, const probe_goroutine *g, size_t n,
                             dump_sink_fn sink, void *ctx) {
    dump_frame *frames = NULL;
    size_t cap = 0, given = 0;
    for (size_t i = 0; i < n; i++) {
        const char *text = g[i].stack_id ? probe_stack(s, g[i].stack_id) : NULL;
        if (!text)
            continue;
        const char *state = probe_goroutine_state(b, &g[i]);
        dump_goroutine d = {
            .id = g[i].goid,
            .count = 1,
            .state = ls_str_cstr(state ? state : ""),
            .wait_minutes = -1, /* the probe reads no wait-since time */
            .creator_id = g[i].parent_goid,
        };
        d.nframes = parse_frames(text, &frames, &cap);
        d.frames = frames;
        d.has_created_by = created_by(b, &g[i], &d.created_by);
        given++;
        if (sink(ctx, &d))
            break;
    }
    free(frames);
    return given;
}
