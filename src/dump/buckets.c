/*
 * Buckets: goroutines with the same normalized stack (docs/dump-buckets.md),
 * counted as they stream out of a parser.
 *
 * The per-goroutine path does no allocation: the normalized stack is built in
 * one reused buffer, hashed, and looked up in an open-addressing table of
 * bucket indexes.  Buckets, frames, states and labels are copied into the
 * arena once per bucket; function, file and state names are interned, so a
 * name shared by many buckets is stored once.  What is kept per goroutine is
 * 12 bytes (its ID and its bucket's index), so that "created by ... in
 * goroutine N" can be resolved to N's bucket after the last goroutine, when N
 * has certainly been seen.  Wait times are kept as a few (minutes, count)
 * pairs and, past those, in a log-linear histogram per bucket, so the median
 * costs no per-goroutine memory either.  A bucket is about 260 bytes plus its
 * frames: --group=exact on pointer arguments makes a bucket per goroutine.
 */
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "leakscope/dump.h"

/* Wait-time histogram: minutes 0..63 exactly, then 8 bins per power of two
 * up to 2^24 minutes (32 years); a bin's width is at most 1/8 of its value. */
enum { HIST_EXACT = 64, HIST_SUB = 8, HIST_TOP_EXP = 24 };
enum { HIST_BINS = HIST_EXACT + (HIST_TOP_EXP - 6 + 1) * HIST_SUB };
/* Distinct creating goroutines remembered per bucket to find its creator
 * bucket; the first inline, the rest allocated when a second one arrives. */
enum { CREATOR_SAMPLES = 16 };
/* Distinct wait times kept as pairs before a histogram is allocated. */
enum { WAIT_PAIRS = 2 };

typedef struct wait_pair {
    uint32_t minutes, count;
} wait_pair;

typedef struct bucket {
    dump_bucket pub;
    uint64_t *wait_hist; /* HIST_BINS counts, once the pairs overflow */
    wait_pair waits[WAIT_PAIRS];
    uint32_t nwaits;
    uint32_t states_cap;
    uint32_t ncreators;
    uint64_t creator0;
    uint64_t *creators; /* CREATOR_SAMPLES, [0] == creator0 */
    uint64_t leak_profile_count; /* goroutines of this bucket read from a goroutineleak profile */
    uint32_t index; /* in at[] while reading (sorting comes after) */
} bucket;

/* One goroutine: 12 bytes, kept unaligned-free by splitting the ID. */
typedef struct goroutine_ref {
    uint32_t id_lo, id_hi;
    uint32_t bucket;
} goroutine_ref;

struct dump_buckets {
    dump_group group;
    ls_arena *arena;
    ls_buf stack; /* the normalized stack being hashed, reused */
    ls_intern *names; /* function, file and state names, copied once */
    bucket **at; /* in the arena; the array of pointers is malloc'd */
    size_t len, cap;
    size_t peak_refs_bytes;
    uint32_t *table; /* bucket index + 1, 0 = empty; size a power of two */
    size_t table_mask;
    goroutine_ref *refs;
    size_t nrefs, refs_cap;
    bool refs_sorted;
    uint64_t total;
    bool finished;
};

/* ---- the normalized stack and its ID ------------------------------------ */

static bool is_goexit(const dump_frame *f) {
    return f->func.len == 14 && memcmp(f->func.ptr, "runtime.goexit", 14) == 0;
}

/* Decimal digits of v at the end of buf[0..10); returns where they start. */
static char *u32_digits(uint32_t v, char *end) {
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

/* One line of the normalized stack.  Called once per frame of every
 * goroutine: one reserve, then plain copies. */
static void put_frame(ls_buf *out, const dump_frame *f, dump_group group) {
    size_t need = f->func.len + f->args.len + f->file.len + 16;
    ls_buf_reserve(out, need);
    char *p = out->data + out->len;
    memcpy(p, f->func.ptr, f->func.len);
    p += f->func.len;
    if (group == DUMP_GROUP_FUNC) {
        *p++ = '\n';
        out->len = (size_t)(p - out->data);
        return;
    }
    if (group == DUMP_GROUP_EXACT) {
        if (f->args.len) {
            memcpy(p, f->args.ptr, f->args.len);
            p += f->args.len;
        } else {
            *p++ = '(';
            *p++ = ')';
        }
    }
    *p++ = ' ';
    if (f->file.len) {
        memcpy(p, f->file.ptr, f->file.len);
        p += f->file.len;
    } else {
        *p++ = '?';
    }
    *p++ = ':';
    char digits[10], *end = digits + sizeof digits;
    char *start = u32_digits(f->file.len ? f->line : 0, end);
    memcpy(p, start, (size_t)(end - start));
    p += end - start;
    *p++ = '\n';
    out->len = (size_t)(p - out->data);
}

/* A frame of the runtime itself (not runtime/pprof, runtime/trace...). */
static bool is_runtime_frame(const dump_frame *f) {
    /* Literal lengths, so that the compiler inlines the compares: this runs
     * twice per frame of every goroutine. */
    const char *s = f->func.ptr;
    size_t n = f->func.len;
    return (n >= 8 && memcmp(s, "runtime.", 8) == 0) || (n >= 17 && memcmp(s, "internal/runtime/", 17) == 0);
}

/* "NAME.gowrapN" or "NAME.deferwrapN": name ends in `word` and digits. */
static bool ends_in_numbered(const char *s, size_t n, const char *word, size_t k) {
    size_t d = n;
    while (d && s[d - 1] >= '0' && s[d - 1] <= '9')
        d--;
    return d < n && d >= k + 1 && s[d - k - 1] == '.' && memcmp(s + d - k, word, k) == 0;
}

/* A function the compiler made around another: the closure of `go f(x)`
 * (NAME.gowrapN, Go 1.22+) and of `defer f(x)` (NAME.deferwrapN), a method
 * value (NAME-fm), and the wrappers in <autogenerated> (pointer receivers
 * for value methods, interface adapters).  Tracebacks show them only under
 * GOTRACEBACK=system/crash, runtime.CallersFrames never (so neither do the
 * profiles). */
static bool is_wrapper_frame(const dump_frame *f) {
    const char *s = f->func.ptr;
    size_t n = f->func.len;
    if (n < 3)
        return false;
    if (s[n - 1] >= '0' && s[n - 1] <= '9')
        return ends_in_numbered(s, n, "gowrap", 6) || ends_in_numbered(s, n, "deferwrap", 9);
    if (s[n - 3] == '-' && s[n - 2] == 'f' && s[n - 1] == 'm')
        return true;
    return f->file.len == 15 && memcmp(f->file.ptr, "<autogenerated>", 15) == 0;
}

/* The runtime's own frames are left out of the ID because each format shows
 * a different subset of them: tracebacks hide unexported runtime frames
 * unless GOTRACEBACK=system, profiles hide those at the top but keep
 * runtime.main and runtime.goexit at the bottom.  A stack with nothing else
 * (a runtime worker) keeps them, all but runtime.goexit.  The compiler's
 * wrappers are left out for the same reason. */
uint64_t dump_stack_id(const dump_goroutine *g, dump_group group, ls_buf *out) {
    size_t user = 0;
    for (size_t i = 0; i < g->nframes; i++)
        user += !is_runtime_frame(&g->frames[i]) && !is_wrapper_frame(&g->frames[i]);
    size_t start = out->len;
    for (size_t i = 0; i < g->nframes; i++) {
        const dump_frame *f = &g->frames[i];
        if (user ? is_runtime_frame(f) || is_wrapper_frame(f) : is_goexit(f) || is_wrapper_frame(f))
            continue;
        put_frame(out, f, group);
    }
    return XXH64(out->data ? out->data + start : "", out->len - start, 0);
}

/* ---- copying into the arena --------------------------------------------- */

static ls_str copy_str(ls_arena *a, ls_str s) {
    if (s.len == 0)
        return ls_str_make("", 0);
    return ls_str_make(ls_arena_strndup(a, s.ptr, s.len), s.len);
}

/* A name stored once for all buckets. */
static ls_str intern_str(dump_buckets *b, ls_str s) {
    if (s.len == 0 || s.len > UINT32_MAX)
        return s.len ? copy_str(b->arena, s) : ls_str_make("", 0);
    const ls_atom *a = ls_intern_get(b->names, s.ptr, s.len);
    if (!a)
        a = ls_intern_put(b->names, ls_arena_strndup(b->arena, s.ptr, s.len), s.len);
    return ls_str_make(a->ptr, a->len);
}

static void copy_frame(dump_buckets *b, dump_frame *to, const dump_frame *from) {
    *to = *from;
    to->func = intern_str(b, from->func);
    to->args = copy_str(b->arena, from->args);
    to->file = intern_str(b, from->file);
}

static void copy_labels(ls_arena *a, dump_bucket *b, const dump_label *from, size_t n) {
    b->labels = ls_arena_alloc(a, n * sizeof *b->labels);
    for (size_t i = 0; i < n; i++) {
        b->labels[i].key = copy_str(a, from[i].key);
        b->labels[i].value = copy_str(a, from[i].value);
    }
    b->nlabels = n;
}

/* ---- the table ------------------------------------------------------------ */

dump_buckets *dump_buckets_new(dump_group group) {
    dump_buckets *b = calloc(1, sizeof *b);
    if (!b)
        abort();
    b->group = group;
    b->arena = ls_arena_new(0);
    b->names = ls_intern_new(b->arena);
    b->table_mask = 1023;
    b->table = calloc(b->table_mask + 1, sizeof *b->table);
    if (!b->table)
        abort();
    b->refs_sorted = true;
    return b;
}

static void *grow(void *p, size_t *cap, size_t elem, size_t min) {
    size_t n = *cap ? *cap * 2 : min;
    p = realloc(p, n * elem);
    if (!p)
        abort();
    *cap = n;
    return p;
}

static size_t slot_of(const dump_buckets *b, uint64_t id) {
    /* The ID is a good hash already; the multiply spreads its high bits. */
    return (size_t)((id * 0x9e3779b97f4a7c15ull) >> 20) & b->table_mask;
}

static void table_insert(dump_buckets *b, uint64_t id, uint32_t index) {
    size_t s = slot_of(b, id);
    while (b->table[s])
        s = (s + 1) & b->table_mask;
    b->table[s] = index + 1;
}

static void table_rebuild(dump_buckets *b, size_t size) {
    free(b->table);
    b->table = calloc(size, sizeof *b->table);
    if (!b->table)
        abort();
    b->table_mask = size - 1;
    for (size_t i = 0; i < b->len; i++)
        table_insert(b, b->at[i]->pub.id, (uint32_t)i);
}

static bucket *table_find(const dump_buckets *b, uint64_t id) {
    size_t s = slot_of(b, id);
    for (uint32_t v; (v = b->table[s]) != 0; s = (s + 1) & b->table_mask)
        if (b->at[v - 1]->pub.id == id)
            return b->at[v - 1];
    return NULL;
}

static bucket *bucket_add(dump_buckets *b, uint64_t id, const dump_frame *from, size_t n) {
    if (b->len == b->cap)
        b->at = grow(b->at, &b->cap, sizeof *b->at, 256);
    if ((b->len + 1) * 2 > b->table_mask + 1)
        table_rebuild(b, (b->table_mask + 1) * 2);
    bucket *k = ls_arena_zalloc(b->arena, sizeof *k);
    b->at[b->len] = k;
    k->pub.id = id;
    k->index = (uint32_t)b->len;
    dump_frame *frames = ls_arena_alloc(b->arena, (n ? n : 1) * sizeof *frames);
    for (size_t i = 0; i < n; i++)
        copy_frame(b, &frames[i], &from[i]);
    k->pub.frames = frames;
    k->pub.nframes = n;
    k->pub.wait_min = k->pub.wait_median = k->pub.wait_max = -1;
    table_insert(b, id, (uint32_t)b->len);
    b->len++;
    return k;
}

/* ---- per goroutine -------------------------------------------------------- */

static size_t hist_bin(int64_t minutes) {
    uint64_t v = (uint64_t)minutes;
    if (v < HIST_EXACT)
        return (size_t)v;
    int e = 63 - __builtin_clzll(v); /* >= 6 */
    if (e > HIST_TOP_EXP)
        return HIST_BINS - 1;
    size_t sub = (size_t)(v >> (e - 3)) & (HIST_SUB - 1);
    return HIST_EXACT + (size_t)(e - 6) * HIST_SUB + sub;
}

/* The smallest value that falls into bin i. */
static int64_t hist_floor(size_t i) {
    if (i < HIST_EXACT)
        return (int64_t)i;
    size_t e = (i - HIST_EXACT) / HIST_SUB + 6, sub = (i - HIST_EXACT) % HIST_SUB;
    return (int64_t)(((uint64_t)HIST_SUB + sub) << (e - 3));
}

static void add_wait(dump_buckets *b, bucket *k, int64_t minutes, uint64_t count) {
    if (minutes < 0)
        return;
    dump_bucket *p = &k->pub;
    if (p->wait_min < 0 || minutes < p->wait_min)
        p->wait_min = minutes;
    if (minutes > p->wait_max)
        p->wait_max = minutes;
    if (!k->wait_hist) {
        for (uint32_t i = 0; i < k->nwaits; i++) {
            if (k->waits[i].minutes == minutes && count <= UINT32_MAX - k->waits[i].count) {
                k->waits[i].count += (uint32_t)count;
                return;
            }
        }
        if (k->nwaits < WAIT_PAIRS && minutes <= UINT32_MAX && count <= UINT32_MAX) {
            k->waits[k->nwaits++] = (wait_pair){(uint32_t)minutes, (uint32_t)count};
            return;
        }
        k->wait_hist = ls_arena_zalloc(b->arena, HIST_BINS * sizeof *k->wait_hist);
        for (uint32_t i = 0; i < k->nwaits; i++)
            k->wait_hist[hist_bin(k->waits[i].minutes)] += k->waits[i].count;
        k->nwaits = 0;
    }
    k->wait_hist[hist_bin(minutes)] += count;
}

static void add_state(dump_buckets *b, bucket *k, ls_str state, uint64_t count) {
    dump_bucket *p = &k->pub;
    for (size_t i = 0; i < p->nstates; i++) {
        if (ls_str_eq(p->states[i].state, state)) {
            p->states[i].count += count;
            return;
        }
    }
    if (p->nstates == k->states_cap) {
        /* States per bucket are few: the old array stays in the arena. */
        uint32_t cap = k->states_cap ? k->states_cap * 2 : 2;
        dump_state_count *s = ls_arena_alloc(b->arena, cap * sizeof *s);
        if (p->nstates)
            memcpy(s, p->states, p->nstates * sizeof *s);
        p->states = s;
        k->states_cap = cap;
    }
    p->states[p->nstates].state = intern_str(b, state);
    p->states[p->nstates].count = count;
    p->nstates++;
}

static void add_creator(dump_buckets *b, bucket *k, uint64_t creator) {
    if (creator == 0 || k->ncreators == CREATOR_SAMPLES || k->creator0 == creator)
        return;
    if (k->ncreators == 0) {
        k->creator0 = creator;
        k->ncreators = 1;
        return;
    }
    for (uint32_t i = 1; i < k->ncreators; i++)
        if (k->creators[i] == creator)
            return;
    if (!k->creators) {
        k->creators = ls_arena_alloc(b->arena, CREATOR_SAMPLES * sizeof *k->creators);
        k->creators[0] = k->creator0;
    }
    k->creators[k->ncreators++] = creator;
}

static uint64_t ref_id(const goroutine_ref *r) { return (uint64_t)r->id_hi << 32 | r->id_lo; }

static void add_ref(dump_buckets *b, uint64_t id, size_t index) {
    if (id == 0)
        return;
    if (b->nrefs == b->refs_cap)
        b->refs = grow(b->refs, &b->refs_cap, sizeof *b->refs, 4096);
    goroutine_ref *r = &b->refs[b->nrefs];
    r->id_lo = (uint32_t)id;
    r->id_hi = (uint32_t)(id >> 32);
    r->bucket = (uint32_t)index;
    if (b->nrefs > 0) {
        const goroutine_ref *prev = r - 1;
        uint64_t prev_id = (uint64_t)prev->id_hi << 32 | prev->id_lo;
        if (prev_id > id)
            b->refs_sorted = false;
    }
    b->nrefs++;
}

int dump_buckets_sink(void *ctx, const dump_goroutine *g) {
    dump_buckets *b = ctx;
    b->stack.len = 0;
    uint64_t id = dump_stack_id(g, b->group, &b->stack);
    bucket *k = table_find(b, id);
    if (!k)
        k = bucket_add(b, id, g->frames, g->nframes);
    dump_bucket *p = &k->pub;
    uint64_t count = g->count ? g->count : 1;
    p->count += count;
    b->total += count;
    add_state(b, k, g->state, count);
    add_wait(b, k, g->wait_minutes, count);
    if (g->has_created_by && !p->has_created_by) {
        p->has_created_by = true;
        copy_frame(b, &p->created_by, &g->created_by);
    }
    add_creator(b, k, g->creator_id);
    if (g->nlabels && !p->nlabels)
        copy_labels(b->arena, p, g->labels, g->nlabels);
    if (g->id && (p->example_id == 0 || g->id < p->example_id))
        p->example_id = g->id;
    if (g->from_leak_profile) {
        p->in_leak_profile = true;
        k->leak_profile_count += count;
    }
    if (g->locked_to_thread)
        p->locked_to_thread += count;
    add_ref(b, g->id, k->index);
    return 0;
}

/* ---- merging -------------------------------------------------------------- */

/* src's wait times added to k as if its goroutines came one by one: pairs
 * are added as pairs (add_wait turns them into a histogram past WAIT_PAIRS
 * distinct values, as it would have), a histogram bin by bin. */
static void merge_waits(dump_buckets *dst, bucket *k, const bucket *s) {
    if (!s->wait_hist) {
        for (uint32_t i = 0; i < s->nwaits; i++)
            add_wait(dst, k, s->waits[i].minutes, s->waits[i].count);
        return;
    }
    dump_bucket *p = &k->pub;
    if (p->wait_min < 0 || s->pub.wait_min < p->wait_min)
        p->wait_min = s->pub.wait_min;
    if (s->pub.wait_max > p->wait_max)
        p->wait_max = s->pub.wait_max;
    if (!k->wait_hist) {
        k->wait_hist = ls_arena_zalloc(dst->arena, HIST_BINS * sizeof *k->wait_hist);
        for (uint32_t i = 0; i < k->nwaits; i++)
            k->wait_hist[hist_bin(k->waits[i].minutes)] += k->waits[i].count;
        k->nwaits = 0;
    }
    for (size_t i = 0; i < HIST_BINS; i++)
        k->wait_hist[i] += s->wait_hist[i];
}

static void merge_bucket(dump_buckets *dst, bucket *k, const bucket *s) {
    dump_bucket *p = &k->pub;
    const dump_bucket *q = &s->pub;
    p->count += q->count;
    for (size_t i = 0; i < q->nstates; i++)
        add_state(dst, k, q->states[i].state, q->states[i].count);
    merge_waits(dst, k, s);
    if (q->has_created_by && !p->has_created_by) {
        p->has_created_by = true;
        copy_frame(dst, &p->created_by, &q->created_by);
    }
    /* src's samples are its first distinct creators in order: enough to
     * fill what k still lacks, whatever k holds already. */
    for (uint32_t i = 0; i < s->ncreators; i++)
        add_creator(dst, k, i == 0 ? s->creator0 : s->creators[i]);
    if (q->nlabels && !p->nlabels)
        copy_labels(dst->arena, p, q->labels, q->nlabels);
    if (q->example_id && (p->example_id == 0 || q->example_id < p->example_id))
        p->example_id = q->example_id;
    p->in_leak_profile |= q->in_leak_profile;
    k->leak_profile_count += s->leak_profile_count;
    p->locked_to_thread += q->locked_to_thread;
}

void dump_buckets_merge(dump_buckets *dst, const dump_buckets *src) {
    if (dst->finished || src->finished || dst->group != src->group)
        abort(); /* a caller's mistake that would silently change results */
    uint32_t *index = malloc((src->len ? src->len : 1) * sizeof *index);
    if (!index)
        abort();
    /* src->at is in first-seen order while reading: new buckets get the
     * indexes they would have had reading dst's input then src's. */
    for (size_t i = 0; i < src->len; i++) {
        const bucket *s = src->at[i];
        bucket *k = table_find(dst, s->pub.id);
        if (!k)
            k = bucket_add(dst, s->pub.id, s->pub.frames, s->pub.nframes);
        merge_bucket(dst, k, s);
        index[i] = k->index;
    }
    if (dst->refs_cap < dst->nrefs + src->nrefs) { /* exactly: no doubling past what is needed */
        dst->refs_cap = dst->nrefs + src->nrefs;
        dst->refs = realloc(dst->refs, dst->refs_cap * sizeof *dst->refs);
        if (!dst->refs)
            abort();
    }
    for (size_t i = 0; i < src->nrefs; i++)
        add_ref(dst, ref_id(&src->refs[i]), index[src->refs[i].bucket]);
    dst->total += src->total;
    free(index);
}

/* ---- finishing ------------------------------------------------------------ */

static int64_t hist_median(const uint64_t *hist, uint64_t n, const dump_bucket *p) {
    uint64_t half = (n + 1) / 2, seen = 0;
    for (size_t i = 0; i < HIST_BINS; i++) {
        seen += hist[i];
        if (seen >= half) {
            int64_t v = hist_floor(i);
            return v < p->wait_min ? p->wait_min : v > p->wait_max ? p->wait_max : v;
        }
    }
    return p->wait_max;
}

static int cmp_pair(const void *x, const void *y) {
    const wait_pair *a = x, *b = y;
    return (a->minutes > b->minutes) - (a->minutes < b->minutes);
}

static void finish_waits(bucket *k) {
    if (k->nwaits) { /* few distinct values: the exact median */
        qsort(k->waits, k->nwaits, sizeof *k->waits, cmp_pair);
        uint64_t n = 0, seen = 0;
        for (uint32_t i = 0; i < k->nwaits; i++)
            n += k->waits[i].count;
        for (uint32_t i = 0; i < k->nwaits; i++) {
            seen += k->waits[i].count;
            if (seen >= (n + 1) / 2) {
                k->pub.wait_median = k->waits[i].minutes;
                break;
            }
        }
        return;
    }
    if (!k->wait_hist)
        return;
    uint64_t n = 0;
    for (size_t i = 0; i < HIST_BINS; i++)
        n += k->wait_hist[i];
    k->pub.wait_median = hist_median(k->wait_hist, n, &k->pub);
}

static int cmp_state(const void *x, const void *y) {
    const dump_state_count *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    size_t n = a->state.len < b->state.len ? a->state.len : b->state.len;
    int c = n ? memcmp(a->state.ptr, b->state.ptr, n) : 0;
    return c ? c : (a->state.len > b->state.len) - (a->state.len < b->state.len);
}

static int cmp_ref(const void *x, const void *y) {
    uint64_t a = ref_id(x), b = ref_id(y);
    return (a > b) - (a < b);
}

/* The bucket index of goroutine id, or -1 when it is not in the input. */
static long find_ref(const dump_buckets *b, uint64_t id) {
    size_t lo = 0, hi = b->nrefs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t v = ref_id(&b->refs[mid]);
        if (v == id)
            return (long)b->refs[mid].bucket;
        if (v < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The bucket most of the sampled creating goroutines are in. */
static void resolve_creator(const dump_buckets *b, bucket *k) {
    long found[CREATOR_SAMPLES];
    size_t n = 0;
    for (uint32_t i = 0; i < k->ncreators; i++) {
        long idx = find_ref(b, i == 0 ? k->creator0 : k->creators[i]);
        if (idx >= 0)
            found[n++] = idx;
    }
    size_t best = 0, best_votes = 0;
    for (size_t i = 0; i < n; i++) {
        size_t votes = 0;
        for (size_t j = 0; j < n; j++)
            votes += found[j] == found[i];
        if (votes > best_votes) {
            best = i;
            best_votes = votes;
        }
    }
    k->pub.creator_bucket = best_votes ? b->at[found[best]]->pub.id : 0;
}

static int cmp_bucket(const void *x, const void *y) {
    const dump_bucket *a = &(*(bucket *const *)x)->pub, *b = &(*(bucket *const *)y)->pub;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

void dump_buckets_finish(dump_buckets *b) {
    if (b->finished)
        return;
    b->finished = true;
    if (!b->refs_sorted && b->nrefs > 1)
        qsort(b->refs, b->nrefs, sizeof *b->refs, cmp_ref);
    for (size_t i = 0; i < b->len; i++) {
        bucket *k = b->at[i];
        finish_waits(k);
        if (k->pub.nstates > 1)
            qsort(k->pub.states, k->pub.nstates, sizeof *k->pub.states, cmp_state);
        resolve_creator(b, k);
    }
    /* Creator buckets are IDs, not indexes, so sorting does not disturb them. */
    if (b->len > 1)
        qsort(b->at, b->len, sizeof *b->at, cmp_bucket);
    b->peak_refs_bytes = b->refs_cap * sizeof *b->refs;
    free(b->refs);
    b->refs = NULL;
    b->nrefs = b->refs_cap = 0;
    ls_buf_free(&b->stack);
    table_rebuild(b, b->table_mask + 1);
}

size_t dump_buckets_len(const dump_buckets *b) { return b->len; }

const dump_bucket *dump_buckets_at(const dump_buckets *b, size_t i) {
    return i < b->len ? &b->at[i]->pub : NULL;
}

const dump_bucket *dump_buckets_find(const dump_buckets *b, uint64_t id) {
    bucket *k = table_find(b, id);
    return k ? &k->pub : NULL;
}

uint64_t dump_buckets_total(const dump_buckets *b) { return b->total; }

dump_group dump_buckets_group(const dump_buckets *b) { return b->group; }

bool dump_bucket_only_in_leak_profile(const dump_buckets *b, const dump_bucket *p) {
    const bucket *k = (const bucket *)p; /* pub is the first member */
    (void)b;
    return k->leak_profile_count > 0 && k->leak_profile_count == p->count;
}

size_t dump_buckets_memory(const dump_buckets *b) {
    size_t refs = b->refs_cap * sizeof *b->refs;
    return ls_arena_used(b->arena) + b->cap * sizeof *b->at + (b->table_mask + 1) * sizeof *b->table +
           (refs > b->peak_refs_bytes ? refs : b->peak_refs_bytes) + b->stack.cap;
}

void dump_buckets_free(dump_buckets *b) {
    if (!b)
        return;
    ls_arena_free(b->arena);
    free(b->at);
    free(b->table);
    free(b->refs);
    ls_buf_free(&b->stack);
    free(b);
}

const char *dump_id_hex(uint64_t id, char buf[17]) {
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, id >>= 4)
        buf[i] = hex[id & 15];
    buf[16] = '\0';
    return buf;
}
