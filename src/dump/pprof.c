/*
 * Reader for the pprof protobuf goroutine profile (debug=0, and Go 1.26's
 * goroutineleak profile), gzip'd or not.  The wire format is decoded here by
 * hand: the profile is small (unique stacks, not goroutines), so the
 * inflated bytes are kept until the end and decoded in two passes — the
 * string table, functions and locations first, then the samples, which refer
 * to them by ID and may come before them in the file.
 *
 * Frames are delivered the way runtime/pprof prints the same profile as
 * debug=1 text: runtime.goexit dropped, and the runtime frames at the top
 * (runtime.gopark, runtime.chansend...) hidden unless the stack has nothing
 * else.  So a stack reads the same from debug=1 and debug=0.  A location
 * with several lines is an inlined call chain, innermost first.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dump_internal.h"

#define PPROF_MAX_BYTES ((size_t)1 << 30)

typedef struct span {
    size_t off, len;
} span;

typedef struct pb_function {
    uint64_t id;
    uint64_t name, file; /* string table indices */
} pb_function;

typedef struct pb_line {
    uint64_t function_id;
    int64_t line;
} pb_line;

typedef struct pb_location {
    uint64_t id;
    size_t first_line, nlines;
} pb_location;

/* A growable array of T: `T *v; size_t n, cap;` */
#define VEC(T)                                                                                     \
    struct {                                                                                       \
        T *v;                                                                                      \
        size_t n, cap;                                                                             \
    }
#define VEC_PUSH(vec)                                                                              \
    (((vec).n == (vec).cap ? vec_grow((void **)&(vec).v, &(vec).cap, sizeof *(vec).v) : (void)0),  \
     &(vec).v[(vec).n++])

static void vec_grow(void **v, size_t *cap, size_t size) {
    size_t ncap = *cap ? *cap * 2 : 64;
    void *n = realloc(*v, ncap * size);
    if (!n)
        abort();
    *v = n;
    *cap = ncap;
}

struct dump_pprof {
    bool decided, gzip, z_ready, z_ended;
    z_stream z;
    uint64_t in_offset; /* compressed bytes consumed so far */
    ls_buf data;        /* the (inflated) profile */
    VEC(span) strings;
    VEC(span) samples;
    VEC(pb_function) functions;
    VEC(pb_location) locations;
    VEC(pb_line) lines;
    uint64_t sample_type, period_type; /* string indices of the first type names */
    bool has_sample_type, has_period_type;
    /* per sample, reused */
    VEC(dump_frame) frames;
    VEC(dump_label) labels;
    VEC(uint64_t) location_ids;
    ls_buf numbers; /* numeric label values, formatted */
    VEC(size_t) number_offs;
};

dump_pprof *dump_pprof_new(void) {
    dump_pprof *pb = calloc(1, sizeof *pb);
    if (!pb)
        abort();
    return pb;
}

void dump_pprof_free(dump_pprof *pb) {
    if (!pb)
        return;
    if (pb->z_ready)
        inflateEnd(&pb->z);
    ls_buf_free(&pb->data);
    ls_buf_free(&pb->numbers);
    free(pb->strings.v);
    free(pb->samples.v);
    free(pb->functions.v);
    free(pb->locations.v);
    free(pb->lines.v);
    free(pb->frames.v);
    free(pb->labels.v);
    free(pb->location_ids.v);
    free(pb->number_offs.v);
    free(pb);
}

/* ---- input: raw or gzip ------------------------------------------------- */

static int append_plain(dump_parser *p, const unsigned char *data, size_t len) {
    dump_pprof *pb = p->pprof;
    if (pb->data.len + len > PPROF_MAX_BYTES) {
        dump_fail(p, "profile larger than 1 GiB; not a goroutine profile?");
        return -1;
    }
    ls_buf_append(&pb->data, data, len);
    return 0;
}

static int inflate_chunk(dump_parser *p, const unsigned char *data, size_t len) {
    dump_pprof *pb = p->pprof;
    unsigned char out[65536];
    pb->z.next_in = (unsigned char *)data;
    pb->z.avail_in = (uInt)len;
    while (pb->z.avail_in > 0) {
        if (pb->z_ended) {
            /* another gzip member follows (concatenated files) */
            inflateReset(&pb->z);
            pb->z_ended = false;
        }
        pb->z.next_out = out;
        pb->z.avail_out = sizeof out;
        uInt before = pb->z.avail_in;
        int rc = inflate(&pb->z, Z_NO_FLUSH);
        pb->in_offset += before - pb->z.avail_in;
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
            dump_fail(p, "corrupt gzip stream at byte %llu: %s",
                      (unsigned long long)pb->in_offset, pb->z.msg ? pb->z.msg : "inflate failed");
            return -1;
        }
        if (append_plain(p, out, sizeof out - pb->z.avail_out))
            return -1;
        if (rc == Z_STREAM_END)
            pb->z_ended = true;
        else if (rc == Z_BUF_ERROR && pb->z.avail_out != 0)
            break;
    }
    return 0;
}

int dump_pprof_feed(dump_parser *p, const unsigned char *data, size_t len) {
    dump_pprof *pb = p->pprof;
    if (!len)
        return 0;
    if (!pb->decided) {
        /* 0x1f never starts a protobuf (wire type 7 does not exist) */
        pb->decided = true;
        pb->gzip = data[0] == 0x1f;
        if (pb->gzip) {
            if (inflateInit2(&pb->z, 16 + MAX_WBITS) != Z_OK) {
                dump_fail(p, "cannot start zlib");
                return -1;
            }
            pb->z_ready = true;
        }
    }
    if (!pb->gzip) {
        pb->in_offset += len;
        return append_plain(p, data, len);
    }
    return inflate_chunk(p, data, len);
}

/* ---- the wire format -------------------------------------------------------- */

typedef struct wire {
    const unsigned char *base, *p, *end;
} wire;

static bool varint(wire *w, uint64_t *v) {
    uint64_t x = 0;
    for (int shift = 0; shift < 64 && w->p < w->end; shift += 7) {
        unsigned char b = *w->p++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

/* One field: its number and wire type; for length-delimited fields the
 * payload as a sub-reader, for varints the value. */
typedef struct field {
    uint64_t num;
    unsigned type;
    uint64_t value;
    wire sub;
} field;

static bool next_field(wire *w, field *f, const char **why) {
    uint64_t key;
    if (!varint(w, &key)) {
        *why = "truncated field key";
        return false;
    }
    f->num = key >> 3;
    f->type = (unsigned)(key & 7);
    switch (f->type) {
    case 0:
        if (!varint(w, &f->value)) {
            *why = "truncated varint";
            return false;
        }
        return true;
    case 1:
    case 5: {
        size_t k = f->type == 1 ? 8 : 4;
        if ((size_t)(w->end - w->p) < k) {
            *why = "truncated fixed-size field";
            return false;
        }
        f->value = 0;
        for (size_t i = k; i-- > 0;)
            f->value = f->value << 8 | w->p[i];
        w->p += k;
        return true;
    }
    case 2: {
        uint64_t n;
        if (!varint(w, &n) || n > (uint64_t)(w->end - w->p)) {
            *why = "length-delimited field runs past its end";
            return false;
        }
        f->sub = (wire){w->base, w->p, w->p + n};
        w->p += n;
        return true;
    }
    default: *why = "invalid wire type"; return false;
    }
}

static int malformed(dump_parser *p, const wire *w, const char *why) {
    dump_pprof *pb = p->pprof;
    size_t at = (size_t)(w->p - w->base);
    if (pb->gzip)
        dump_fail(p, "malformed pprof profile at byte %zu of the inflated data: %s", at, why);
    else
        dump_fail(p, "malformed pprof profile at byte %zu: %s", at, why);
    return -1;
}

/* A repeated integer field, packed (type 2) or not (type 0): calls `put`. */
#define FOR_EACH_INT(f, x, body)                                                                   \
    do {                                                                                           \
        if ((f).type == 0) {                                                                       \
            uint64_t x = (f).value;                                                                \
            body;                                                                                  \
        } else if ((f).type == 2) {                                                                \
            wire pk_ = (f).sub;                                                                    \
            uint64_t x;                                                                            \
            while (pk_.p < pk_.end) {                                                              \
                if (!varint(&pk_, &x))                                                             \
                    return malformed(p, &pk_, "truncated packed varint");                          \
                body;                                                                              \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/*
 * The varint fields numbered 1..n of message *w into v[0..n-1] (the last
 * one of a number wins, as protobuf has it), has[k] telling which came
 * (has may be NULL); fields of other numbers or wire types are skipped.
 * ValueType, Function, Line and Label are all flat messages of varints:
 * one reader serves the four.
 */
static int read_varints(dump_parser *p, wire *w, uint64_t *v, bool *has, size_t n) {
    field f;
    const char *why;
    while (w->p < w->end) {
        if (!next_field(w, &f, &why))
            return malformed(p, w, why);
        if (f.type != 0 || f.num < 1 || f.num > n)
            continue;
        v[f.num - 1] = f.value;
        if (has)
            has[f.num - 1] = true;
    }
    return 0;
}

static int read_value_type(dump_parser *p, wire w, uint64_t *type) {
    uint64_t v[1] = {0};
    int rc = read_varints(p, &w, v, NULL, 1);
    *type = v[0];
    return rc;
}

static int read_function(dump_parser *p, wire w) {
    pb_function *fn = VEC_PUSH(p->pprof->functions);
    uint64_t v[4] = {0}; /* id, name, system_name, filename */
    int rc = read_varints(p, &w, v, NULL, 4);
    fn->id = v[0];
    fn->name = v[1];
    fn->file = v[3];
    return rc;
}

static int read_line(dump_parser *p, wire w) {
    pb_line *l = VEC_PUSH(p->pprof->lines);
    uint64_t v[2] = {0}; /* function_id, line */
    int rc = read_varints(p, &w, v, NULL, 2);
    l->function_id = v[0];
    l->line = (int64_t)v[1];
    return rc;
}

static int read_location(dump_parser *p, wire w) {
    dump_pprof *pb = p->pprof;
    pb_location loc = {0, pb->lines.n, 0};
    field f;
    const char *why;
    while (w.p < w.end) {
        if (!next_field(&w, &f, &why))
            return malformed(p, &w, why);
        if (f.num == 1 && f.type == 0)
            loc.id = f.value;
        else if (f.num == 4 && f.type == 2) {
            if (read_line(p, f.sub))
                return -1;
            loc.nlines++;
        }
    }
    *VEC_PUSH(pb->locations) = loc;
    return 0;
}

/* Pass 1: everything but the samples, whose spans are remembered. */
static int read_profile(dump_parser *p) {
    dump_pprof *pb = p->pprof;
    wire w = {(const unsigned char *)pb->data.data, (const unsigned char *)pb->data.data,
              (const unsigned char *)pb->data.data + pb->data.len};
    field f;
    const char *why;
    while (w.p < w.end) {
        if (!next_field(&w, &f, &why))
            return malformed(p, &w, why);
        bool bytes = f.type == 2;
        size_t off = bytes ? (size_t)(f.sub.p - w.base) : 0, len = bytes ? (size_t)(f.sub.end - f.sub.p) : 0;
        int rc = 0;
        if (f.num == 1 && bytes && !pb->has_sample_type) {
            rc = read_value_type(p, f.sub, &pb->sample_type);
            pb->has_sample_type = true;
        } else if (f.num == 11 && bytes) {
            rc = read_value_type(p, f.sub, &pb->period_type);
            pb->has_period_type = true;
        } else if (f.num == 2 && bytes) {
            *VEC_PUSH(pb->samples) = (span){off, len};
        } else if (f.num == 4 && bytes) {
            rc = read_location(p, f.sub);
        } else if (f.num == 5 && bytes) {
            rc = read_function(p, f.sub);
        } else if (f.num == 6 && bytes) {
            *VEC_PUSH(pb->strings) = (span){off, len};
        } else if (f.num >= 1 && f.num <= 6 && !bytes) {
            return malformed(p, &w, "profile field has the wrong wire type");
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int by_function_id(const void *a, const void *b) {
    uint64_t x = ((const pb_function *)a)->id, y = ((const pb_function *)b)->id;
    return x < y ? -1 : x > y;
}

static int by_location_id(const void *a, const void *b) {
    uint64_t x = ((const pb_location *)a)->id, y = ((const pb_location *)b)->id;
    return x < y ? -1 : x > y;
}

static bool string_at(const dump_pprof *pb, uint64_t i, ls_str *out) {
    if (i >= pb->strings.n)
        return false;
    *out = ls_str_make(pb->data.data + pb->strings.v[i].off, pb->strings.v[i].len);
    return true;
}

static bool string_is(const dump_pprof *pb, uint64_t i, const char *s) {
    ls_str v;
    return string_at(pb, i, &v) && ls_str_eq_cstr(v, s);
}

/* ---- pass 2: samples ----------------------------------------------------- */

static bool runtime_name(ls_str s) {
    return ls_str_has_prefix(s, "runtime.") || ls_str_has_prefix(s, "internal/runtime/");
}

/* Appends the frames of one location (its lines, innermost first). */
static int location_frames(dump_parser *p, const wire *w, uint64_t loc_id) {
    dump_pprof *pb = p->pprof;
    pb_location key = {loc_id, 0, 0};
    const pb_location *loc =
        pb->locations.n ? bsearch(&key, pb->locations.v, pb->locations.n, sizeof key, by_location_id)
                        : NULL;
    if (!loc)
        return malformed(p, w, "sample refers to a location that does not exist");
    if (loc->nlines == 0) {
        dump_frame *fr = VEC_PUSH(pb->frames);
        *fr = (dump_frame){ls_str_cstr("?"), ls_str_make("", 0), ls_str_make("", 0), 0, 0, false};
        return 0;
    }
    for (size_t i = 0; i < loc->nlines; i++) {
        const pb_line *l = &pb->lines.v[loc->first_line + i];
        pb_function fkey = {l->function_id, 0, 0};
        const pb_function *fn =
            pb->functions.n
                ? bsearch(&fkey, pb->functions.v, pb->functions.n, sizeof fkey, by_function_id)
                : NULL;
        if (!fn)
            return malformed(p, w, "location refers to a function that does not exist");
        dump_frame *fr = VEC_PUSH(pb->frames);
        memset(fr, 0, sizeof *fr);
        if (!string_at(pb, fn->name, &fr->func) || !string_at(pb, fn->file, &fr->file))
            return malformed(p, w, "function name or file is not in the string table");
        if (fr->func.len == 0)
            fr->func = ls_str_cstr("?");
        fr->args = ls_str_make("", 0);
        fr->line = l->line > 0 && l->line <= UINT32_MAX ? (uint32_t)l->line : 0;
        fr->inlined = i + 1 < loc->nlines;
    }
    return 0;
}

/* The channel wait a hidden runtime frame stands for: the state a
 * traceback would print, which the profile itself does not carry. */
static const char *parked_state(ls_str func) {
    static const struct {
        const char *func, *state;
    } parked[] = {
        {"runtime.chansend", "chan send"},      {"runtime.chansend1", "chan send"},
        {"runtime.chanrecv", "chan receive"},   {"runtime.chanrecv1", "chan receive"},
        {"runtime.chanrecv2", "chan receive"},  {"runtime.selectgo", "select"},
        {"runtime.block", "select (no cases)"},
    };
    for (size_t i = 0; i < sizeof parked / sizeof *parked; i++)
        if (ls_str_eq_cstr(func, parked[i].func))
            return parked[i].state;
    return NULL;
}

/* runtime/pprof's debug=1 rule (printStackRecord): drop runtime.goexit,
 * hide the runtime frames on top unless nothing else is left.  Returns the
 * channel wait those hidden frames show ("" if none): with it the stack's
 * bucket can still count as blocked (watch's default format is this one). */
static const char *hide_runtime_frames(dump_pprof *pb) {
    size_t n = 0;
    bool show = false;
    const char *state = "";
    for (size_t i = 0; i < pb->frames.n; i++) {
        dump_frame *f = &pb->frames.v[i];
        if (ls_str_eq_cstr(f->func, "runtime.goexit"))
            continue;
        if (!show && !*state && parked_state(f->func))
            state = parked_state(f->func);
        if (!show && !runtime_name(f->func))
            show = true;
        if (show || ls_str_eq_cstr(f->func, "?"))
            pb->frames.v[n++] = *f, show = true;
    }
    if (n == 0) { /* all runtime: keep them, still without goexit */
        for (size_t i = 0; i < pb->frames.n; i++)
            if (!ls_str_eq_cstr(pb->frames.v[i].func, "runtime.goexit"))
                pb->frames.v[n++] = pb->frames.v[i];
    }
    pb->frames.n = n;
    return state;
}

static int sample_label(dump_parser *p, wire w) {
    dump_pprof *pb = p->pprof;
    uint64_t v[3] = {0}; /* key, str, num */
    bool has[3] = {false};
    if (read_varints(p, &w, v, has, 3))
        return -1;
    uint64_t key = v[0], str = v[1], num = v[2];
    bool has_str = has[1], has_num = has[2];
    dump_label *l = VEC_PUSH(pb->labels);
    if (!string_at(pb, key, &l->key) || !string_at(pb, str, &l->value))
        return malformed(p, &w, "label key or value is not in the string table");
    if (has_num && !(has_str && str != 0)) {
        /* numeric label: formatted now, pointed at once all are written */
        *VEC_PUSH(pb->number_offs) = pb->numbers.len;
        ls_buf_printf(&pb->numbers, "%lld", (long long)num);
        l->value = ls_str_make(NULL, pb->numbers.len - pb->number_offs.v[pb->number_offs.n - 1]);
    }
    return 0;
}

static int read_sample(dump_parser *p, span s) {
    dump_pprof *pb = p->pprof;
    wire w = {(const unsigned char *)pb->data.data, (const unsigned char *)pb->data.data + s.off,
              (const unsigned char *)pb->data.data + s.off + s.len};
    pb->frames.n = pb->labels.n = pb->location_ids.n = pb->number_offs.n = 0;
    pb->numbers.len = 0;
    int64_t count = 0;
    bool has_value = false;
    field f;
    const char *why;
    while (w.p < w.end) {
        if (!next_field(&w, &f, &why))
            return malformed(p, &w, why);
        if (f.num == 1)
            FOR_EACH_INT(f, id, *VEC_PUSH(pb->location_ids) = id);
        else if (f.num == 2)
            FOR_EACH_INT(f, v, { if (!has_value) { count = (int64_t)v; has_value = true; } });
        else if (f.num == 3 && f.type == 2 && sample_label(p, f.sub))
            return -1;
    }
    if (count <= 0)
        return 0;
    for (size_t i = 0; i < pb->location_ids.n; i++)
        if (location_frames(p, &w, pb->location_ids.v[i]))
            return -1;
    const char *state = hide_runtime_frames(pb);
    for (size_t i = 0, k = 0; i < pb->labels.n; i++)
        if (!pb->labels.v[i].value.ptr)
            pb->labels.v[i].value.ptr = pb->numbers.data + pb->number_offs.v[k++];
    dump_goroutine g;
    memset(&g, 0, sizeof g);
    g.count = (uint64_t)count;
    g.state = ls_str_cstr(state);
    g.wait_minutes = -1;
    g.from_leak_profile = p->leak_profile;
    g.frames = pb->frames.v;
    g.nframes = pb->frames.n;
    g.labels = pb->labels.v;
    g.nlabels = pb->labels.n;
    p->stats.stacks++;
    p->stats.goroutines += g.count;
    if (p->sink && p->sink(p->sink_ctx, &g))
        p->stopped = true;
    return 0;
}

int dump_pprof_finish(dump_parser *p) {
    dump_pprof *pb = p->pprof;
    if (pb->gzip && !pb->z_ended) {
        dump_fail(p, "truncated gzip stream (ends at byte %llu)", (unsigned long long)pb->in_offset);
        return -1;
    }
    if (pb->data.len == 0) {
        dump_fail(p, "empty input is not a pprof profile");
        return -1;
    }
    if (read_profile(p))
        return -1;
    if (!pb->has_sample_type || pb->strings.n == 0) {
        dump_fail(p, "not a pprof profile (no sample type or string table)");
        return -1;
    }
    if (pb->functions.n > 1)
        qsort(pb->functions.v, pb->functions.n, sizeof *pb->functions.v, by_function_id);
    if (pb->locations.n > 1)
        qsort(pb->locations.v, pb->locations.n, sizeof *pb->locations.v, by_location_id);
    p->leak_profile = string_is(pb, pb->sample_type, "goroutineleak") ||
                      (pb->has_period_type && string_is(pb, pb->period_type, "goroutineleak"));
    for (size_t i = 0; i < pb->samples.n && !p->stopped; i++)
        if (read_sample(p, pb->samples.v[i]))
            return -1;
    return 0;
}
