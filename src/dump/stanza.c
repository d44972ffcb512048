/*
 * The stanza under construction, shared by the text and debug=1 readers:
 * one goroutine (or one aggregated stack) whose strings are offsets into a
 * reused byte buffer, turned into a dump_goroutine for the sink when it ends.
 *
 * All arrays here only grow, up to the largest stanza seen, so reading a
 * dump of a million goroutines allocates about as often as reading one.
 */
#define _GNU_SOURCE /* memmem, memrchr */
#include <stdlib.h>
#include <string.h>

#include "dump_internal.h"

void dump_stanza_reset(dump_stanza *st) {
    st->open = false;
    st->bytes.len = 0;
    st->id = 0;
    st->count = 1;
    st->creator_id = 0;
    st->input_line = 0;
    st->state_off = 0;
    st->state_len = 0;
    st->wait_minutes = -1;
    st->locked = st->elided = st->truncated = st->has_created_by = st->leaked = false;
    memset(&st->created_by, 0, sizeof st->created_by);
    st->nframes = st->nlabels = st->nancestors = 0;
    st->file_target = DUMP_FILE_NONE;
}

void dump_stanza_free(dump_stanza *st) {
    ls_buf_free(&st->bytes);
    free(st->frames);
    free(st->labels);
    free(st->ancestors);
    free(st->out_frames);
    free(st->out_labels);
    free(st->out_ancestors);
    memset(st, 0, sizeof *st);
}

size_t dump_stanza_copy(dump_stanza *st, const char *s, size_t n) {
    size_t off = st->bytes.len;
    /* reserved even for n == 0: callers point into data right after */
    if (__builtin_expect(st->bytes.cap - off < n || !st->bytes.data, 0))
        ls_buf_reserve(&st->bytes, n ? n : 1);
    if (n)
        memcpy(st->bytes.data + off, s, n);
    st->bytes.len = off + n;
    return off;
}

/* Grows *arr (of elements of size `size`) to hold one more; aborts on OOM
 * like the arena does. */
static void *grow(void *arr, size_t *cap, size_t need, size_t size) {
    if (need <= *cap)
        return arr;
    size_t ncap = *cap ? *cap * 2 : 32;
    while (ncap < need)
        ncap *= 2;
    void *n = realloc(arr, ncap * size);
    if (!n)
        abort();
    *cap = ncap;
    return n;
}

dump_raw_frame *dump_stanza_add_frame(dump_stanza *st) {
    if (st->nframes >= DUMP_MAX_FRAMES)
        return NULL;
    st->frames = grow(st->frames, &st->frames_cap, st->nframes + 1, sizeof *st->frames);
    dump_raw_frame *f = &st->frames[st->nframes++];
    memset(f, 0, sizeof *f);
    return f;
}

dump_raw_label *dump_stanza_add_label(dump_stanza *st) {
    if (st->nlabels >= DUMP_MAX_LABELS)
        return NULL;
    st->labels = grow(st->labels, &st->labels_cap, st->nlabels + 1, sizeof *st->labels);
    return &st->labels[st->nlabels++];
}

dump_raw_ancestor *dump_stanza_add_ancestor(dump_stanza *st) {
    if (st->nancestors >= DUMP_MAX_ANCESTORS)
        return NULL;
    st->ancestors =
        grow(st->ancestors, &st->ancestors_cap, st->nancestors + 1, sizeof *st->ancestors);
    dump_raw_ancestor *a = &st->ancestors[st->nancestors++];
    memset(a, 0, sizeof *a);
    a->first_frame = st->nframes;
    return a;
}

static ls_str at(const dump_stanza *st, size_t off, uint32_t len) {
    return len ? ls_str_make(st->bytes.data + off, len) : ls_str_make("", 0);
}

static dump_frame cook_frame(const dump_stanza *st, const dump_raw_frame *r) {
    dump_frame f;
    f.func = r->func_static ? ls_str_cstr(r->func_static) : at(st, r->func_off, r->func_len);
    f.args = at(st, r->args_off, r->args_len);
    f.file = r->has_file ? at(st, r->file_off, r->file_len) : ls_str_make("", 0);
    f.line = r->has_file ? r->line : 0;
    f.pc_offset = r->pc_offset;
    f.inlined = r->inlined;
    return f;
}

void dump_stanza_emit(dump_parser *p) {
    dump_stanza *st = &p->st;
    if (!st->open)
        return;
    st->out_frames = grow(st->out_frames, &st->out_frames_cap, st->nframes + 1,
                          sizeof *st->out_frames);
    for (size_t i = 0; i < st->nframes; i++)
        st->out_frames[i] = cook_frame(st, &st->frames[i]);
    st->out_labels = grow(st->out_labels, &st->out_labels_cap, st->nlabels + 1,
                          sizeof *st->out_labels);
    for (size_t i = 0; i < st->nlabels; i++) {
        const dump_raw_label *l = &st->labels[i];
        st->out_labels[i].key = at(st, l->key_off, l->key_len);
        st->out_labels[i].value = at(st, l->value_off, l->value_len);
    }
    st->out_ancestors = grow(st->out_ancestors, &st->out_ancestors_cap, st->nancestors + 1,
                             sizeof *st->out_ancestors);
    size_t own_frames = st->nancestors ? st->ancestors[0].first_frame : st->nframes;
    for (size_t i = 0; i < st->nancestors; i++) {
        const dump_raw_ancestor *a = &st->ancestors[i];
        dump_goroutine *g = &st->out_ancestors[i];
        memset(g, 0, sizeof *g);
        g->id = a->id;
        g->count = 1;
        g->wait_minutes = -1;
        g->state = ls_str_make("", 0);
        g->frames = st->out_frames + a->first_frame;
        g->nframes = a->nframes;
        g->frames_elided = a->frames_elided;
        g->has_created_by = a->has_created_by;
        if (a->has_created_by)
            g->created_by = cook_frame(st, &a->created_by);
    }
    dump_goroutine g;
    memset(&g, 0, sizeof g);
    g.id = st->id;
    g.count = st->count;
    g.state = at(st, st->state_off, st->state_len);
    g.wait_minutes = st->wait_minutes;
    g.locked_to_thread = st->locked;
    g.frames_elided = st->elided;
    g.from_leak_profile = p->leak_profile || st->leaked;
    g.frames = st->out_frames;
    g.nframes = own_frames;
    g.has_created_by = st->has_created_by;
    if (st->has_created_by)
        g.created_by = cook_frame(st, &st->created_by);
    g.creator_id = st->creator_id;
    g.labels = st->out_labels;
    g.nlabels = st->nlabels;
    g.ancestors = st->out_ancestors;
    g.nancestors = st->nancestors;
    g.input_line = st->input_line;
    if (st->truncated)
        p->stats.truncated_stanzas++;
    p->stats.stacks++;
    p->stats.goroutines += st->count;
    st->open = false;
    if (p->sink && p->sink(p->sink_ctx, &g))
        p->stopped = true;
    dump_stanza_reset(st);
}
