/*
 * The lineage reader: live-context bookkeeping over a stream of events
 * (docs/lineage.md, "Memory").
 *
 * A context is a node from its `derive` until it has ended and every child
 * has been released; each finding is folded into its creation site's
 * aggregate the moment it is known, so a released node leaves nothing
 * behind and memory follows the contexts alive at once, not the file size.
 * What that costs: a derive that names an already released parent cannot
 * see it (the parent had ended with no children left, so no finding needs
 * it), and contexts without a cancel function (value, without_cancel,
 * afterfunc), which write no `end`, are taken to end with their parent.
 *
 * The exceptions are nodes with findings, kept (up to max_nodes, with
 * their ancestors) for the graph outputs.
 *
 * Nodes come from slabs with a free list; IDs up to 47 bytes live in the
 * node; creation sites are interned in an arena.  A node is found by a
 * chained hash of (process, ID); a process is a header's (host, pid).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "leakscope/lineage.h"

enum { ID_INLINE = 48, MAX_ERRORS_SHOWN = 20, MAX_LINE = 64 << 20, MAX_CREATOR_WALK = 16, MAX_VALUE_WALK = 64 };

typedef enum end_how {
    END_NONE,
    END_CANCEL,
    END_PARENT,
    END_DEADLINE,
    END_NEVER,
    END_OTHER,    /* an `how` this reader does not know */
    END_WITH_PARENT, /* no cancel function: ended when its parent did */
    END_DETACHED, /* under a without_cancel: released with its parent, not cancelled */
} end_how;

static const char *const end_names[] = {NULL, "cancel", "parent", "deadline", "never", "other", "with-parent", "detached"};

typedef enum parent_kind { P_TRACKED, P_BACKGROUND, P_TODO, P_UNTRACKED, P_REMOTE, P_MISSING } parent_kind;
static const char *const parent_names[] = {NULL, "root:background", "root:todo", "root:untracked", "root:remote", NULL};

typedef enum node_kind {
    K_CANCEL, K_CANCEL_CAUSE, K_TIMEOUT, K_TIMEOUT_CAUSE, K_DEADLINE, K_DEADLINE_CAUSE,
    K_VALUE, K_WITHOUT_CANCEL, K_AFTERFUNC, K_UNKNOWN
} node_kind;
static const char *const kind_names[] = {"cancel", "cancel_cause", "timeout", "timeout_cause", "deadline",
                                         "deadline_cause", "value", "without_cancel", "afterfunc", "unknown"};

typedef struct goroutine {
    struct goroutine *hnext;
    uint64_t proc;
    int64_t g;
    struct node *live; /* the contexts it made that have not ended, newest first */
} goroutine;

typedef struct node {
    struct node *hnext; /* hash chain; the free list when free */
    struct node *parent;
    struct node *first_child, *next_sib, *prev_sib;
    struct node *g_prev, *g_next;
    struct node *broken_from;
    goroutine *gor;
    lineage_site *site;
    char *id_long; /* malloc'd when the ID does not fit inline */
    uint64_t hash, proc, seq;
    int64_t t, end_t, deadline, g, cg;
    uint32_t refs; /* children plus nodes whose broken_from this is */
    struct node *deep_head; /* value-deep: the link the chain's finding was counted at */
    uint32_t value_depth, chain_depth;
    uint32_t findings;
    int32_t out_index;
    uint16_t idlen;
    uint8_t kind, end_how, parent_kind, in_graph, cancel_lost, freed;
    char id[ID_INLINE];
} node;

struct lineage_reader {
    lineage_options opt;
    ls_diag_sink diags;
    ls_arena *arena; /* sites, their strings, result arrays */
    ls_buf scratch, carry;
    lineage_result res;

    node **buckets;
    size_t nbuckets, nnodes;
    node *free_nodes;
    uint64_t seq;
    goroutine **gbuckets;
    size_t ngbuckets, ngor;
    goroutine *free_gor;
    lineage_site **sbuckets;
    size_t nsbuckets, nsites;
    node **work;
    size_t nwork, capwork;
    size_t graph_nodes;

    const char *path;
    uint64_t lineno, file_errors, errors;
    uint64_t proc;
    int64_t seg_t; /* the current header's time: goroutine IDs start over with a process */
    bool seen_line, finished, long_line;
    int64_t max_t;
};

/* ---- small helpers ------------------------------------------------------------ */

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "leakscope: out of memory\n");
        abort();
    }
    return q;
}

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n, size);
    if (!p) {
        fprintf(stderr, "leakscope: out of memory\n");
        abort();
    }
    return p;
}

/* a - b and a + b, clamped to int64: times come from files, and hostile
 * ones must not overflow. */
static int64_t sat_sub(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return b < 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static int64_t sat_add(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static const char *node_id(const node *n) { return n->id_long ? n->id_long : n->id; }

/* By ID alone, so that a remote parent can be found in any process; the
 * process is compared on lookup. */
static uint64_t id_hash(ls_str id) { return XXH3_64bits(id.ptr, id.len); }

static void diag(lineage_reader *r, ls_severity sev, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void diag(lineage_reader *r, ls_severity sev, const char *fmt, ...) {
    if (sev == LS_SEV_ERROR) {
        r->errors++;
        r->res.bad_lines++;
        if (++r->file_errors > MAX_ERRORS_SHOWN)
            return;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ls_diag d = {r->path, (uint32_t)r->lineno, 0, 0, sev, msg};
    if (r->diags.emit)
        r->diags.emit(r->diags.ctx, &d);
}

void lineage_options_default(lineage_options *o) {
    o->max_value_depth = 8;
    o->late_us = 1000000;
    o->max_nodes = 2000;
}

static const char *const finding_names[] = {"never-cancelled", "live-at-end", "new-root", "cancel-lost",
                                            "timeout-no-effect", "value-deep", "late-end"};
static const char *const finding_summaries[] = {
    "its cancel function became unreachable without being called",
    "cancellable and still live when the input ended",
    ("made from context.Background/TODO by a goroutine that held a live context, or was started by one that did: "
     "the chain is broken"),
    "its parent ended but it never did: a cancel that never reached it",
    "its timeout is longer than the parent's remaining time, so it can never fire",
    "a WithValue chain deeper than the limit (each lookup walks the chain)",
    "ended long after its deadline",
};

const char *lineage_finding_name(lineage_finding_kind k) { return k < LINEAGE_F_COUNT ? finding_names[k] : "?"; }
const char *lineage_finding_summary(lineage_finding_kind k) {
    return k < LINEAGE_F_COUNT ? finding_summaries[k] : "?";
}

/* ---- the reader's lifetime ----------------------------------------------------- */

lineage_reader *lineage_reader_new(const lineage_options *o, ls_diag_sink diags) {
    lineage_reader *r = xcalloc(1, sizeof *r);
    if (o)
        r->opt = *o;
    else
        lineage_options_default(&r->opt);
    r->diags = diags;
    r->arena = ls_arena_new(0);
    r->nbuckets = 1024;
    r->buckets = xcalloc(r->nbuckets, sizeof *r->buckets);
    r->ngbuckets = 256;
    r->gbuckets = xcalloc(r->ngbuckets, sizeof *r->gbuckets);
    r->nsbuckets = 256;
    r->sbuckets = xcalloc(r->nsbuckets, sizeof *r->sbuckets);
    r->seg_t = INT64_MIN;
    return r;
}

void lineage_reader_free(lineage_reader *r) {
    if (!r)
        return;
    for (size_t i = 0; i < r->nbuckets; i++)
        for (node *n = r->buckets[i]; n; n = n->hnext)
            free(n->id_long);
    free(r->buckets);
    free(r->gbuckets);
    free(r->sbuckets);
    free(r->work);
    ls_buf_free(&r->scratch);
    ls_buf_free(&r->carry);
    ls_arena_free(r->arena);
    free(r);
}

uint64_t lineage_reader_errors(const lineage_reader *r) { return r->errors; }

/* ---- node table ---------------------------------------------------------------- */

static node *find_node(lineage_reader *r, uint64_t proc, ls_str id) {
    uint64_t h = id_hash(id);
    for (node *n = r->buckets[h & (r->nbuckets - 1)]; n; n = n->hnext)
        if (n->hash == h && n->proc == proc && n->idlen == id.len && memcmp(node_id(n), id.ptr, id.len) == 0)
            return n;
    return NULL;
}

/* A context of another process by its lineage ID (a remote parent). */
static node *find_remote(lineage_reader *r, uint64_t proc, ls_str id) {
    uint64_t h = id_hash(id);
    for (node *n = r->buckets[h & (r->nbuckets - 1)]; n; n = n->hnext)
        if (n->hash == h && n->proc != proc && n->idlen == id.len && memcmp(node_id(n), id.ptr, id.len) == 0)
            return n;
    return NULL;
}

static void grow_nodes(lineage_reader *r) {
    size_t nb = r->nbuckets * 2;
    node **b = xcalloc(nb, sizeof *b);
    for (size_t i = 0; i < r->nbuckets; i++) {
        for (node *n = r->buckets[i], *next; n; n = next) {
            next = n->hnext;
            n->hnext = b[n->hash & (nb - 1)];
            b[n->hash & (nb - 1)] = n;
        }
    }
    free(r->buckets);
    r->buckets = b;
    r->nbuckets = nb;
}

static node *alloc_node(lineage_reader *r) {
    if (!r->free_nodes) {
        enum { SLAB = 256 };
        node *slab = ls_arena_alloc(r->arena, SLAB * sizeof *slab);
        for (size_t i = 0; i < SLAB; i++) {
            slab[i].hnext = r->free_nodes;
            r->free_nodes = &slab[i];
        }
    }
    node *n = r->free_nodes;
    r->free_nodes = n->hnext;
    memset(n, 0, offsetof(node, id));
    return n;
}

static void insert_node(lineage_reader *r, node *n) {
    if (r->nnodes >= r->nbuckets)
        grow_nodes(r);
    size_t b = n->hash & (r->nbuckets - 1);
    n->hnext = r->buckets[b];
    r->buckets[b] = n;
    if (++r->nnodes > r->res.peak_live)
        r->res.peak_live = r->nnodes;
}

static void remove_node(lineage_reader *r, node *n) {
    node **pp = &r->buckets[n->hash & (r->nbuckets - 1)];
    while (*pp != n)
        pp = &(*pp)->hnext;
    *pp = n->hnext;
    r->nnodes--;
    free(n->id_long);
    n->id_long = NULL;
    n->freed = 1; /* callers may still hold it until their walk ends */
    n->hnext = r->free_nodes;
    r->free_nodes = n;
}

/* ---- goroutines ------------------------------------------------------------------ */

static goroutine *find_goroutine(lineage_reader *r, uint64_t proc, int64_t g, bool create) {
    uint64_t h = XXH3_64bits_withSeed(&g, sizeof g, proc);
    goroutine **pp = &r->gbuckets[h & (r->ngbuckets - 1)];
    for (goroutine *x = *pp; x; x = x->hnext)
        if (x->g == g && x->proc == proc)
            return x;
    if (!create)
        return NULL;
    if (r->ngor >= r->ngbuckets) {
        size_t nb = r->ngbuckets * 2;
        goroutine **b = xcalloc(nb, sizeof *b);
        for (size_t i = 0; i < r->ngbuckets; i++) {
            for (goroutine *x = r->gbuckets[i], *next; x; x = next) {
                next = x->hnext;
                uint64_t xh = XXH3_64bits_withSeed(&x->g, sizeof x->g, x->proc);
                x->hnext = b[xh & (nb - 1)];
                b[xh & (nb - 1)] = x;
            }
        }
        free(r->gbuckets);
        r->gbuckets = b;
        r->ngbuckets = nb;
        pp = &r->gbuckets[h & (nb - 1)];
    }
    goroutine *x = r->free_gor;
    if (x)
        r->free_gor = x->hnext;
    else
        x = ls_arena_alloc(r->arena, sizeof *x);
    x->proc = proc;
    x->g = g;
    x->live = NULL;
    x->hnext = *pp;
    *pp = x;
    r->ngor++;
    return x;
}

static void drop_goroutine(lineage_reader *r, goroutine *x) {
    uint64_t h = XXH3_64bits_withSeed(&x->g, sizeof x->g, x->proc);
    goroutine **pp = &r->gbuckets[h & (r->ngbuckets - 1)];
    while (*pp != x)
        pp = &(*pp)->hnext;
    *pp = x->hnext;
    x->hnext = r->free_gor;
    r->free_gor = x;
    r->ngor--;
}

static void goroutine_unlink(lineage_reader *r, node *n) {
    goroutine *x = n->gor;
    if (!x)
        return;
    if (n->g_prev)
        n->g_prev->g_next = n->g_next;
    else
        x->live = n->g_next;
    if (n->g_next)
        n->g_next->g_prev = n->g_prev;
    n->gor = NULL;
    n->g_prev = n->g_next = NULL;
    if (!x->live)
        drop_goroutine(r, x);
}

/* ---- creation sites ---------------------------------------------------------------- */

/* a equals the NUL-terminated b, without measuring b first. */
static bool eq_nul(ls_str a, const char *b) {
    for (size_t i = 0; i < a.len; i++)
        if (b[i] != a.ptr[i] || b[i] == 0)
            return false;
    return b[a.len] == 0;
}

static const char *arena_str(lineage_reader *r, ls_str s) { return ls_arena_strndup(r->arena, s.ptr, s.len); }

static lineage_site *intern_site(lineage_reader *r, const lineage_event *ev) {
    uint64_t h = XXH3_64bits_withSeed(ev->func.ptr, ev->func.len, (uint64_t)ev->line) ^
                 XXH3_64bits(ev->file.ptr, ev->file.len) * 0x9E3779B97F4A7C15ull;
    lineage_site **pp = &r->sbuckets[h & (r->nsbuckets - 1)];
    for (lineage_site *s = *pp; s; s = s->next_in_bucket)
        if (s->hash == h && s->line == ev->line && eq_nul(ev->func, s->func) && eq_nul(ev->file, s->file))
            return s;
    if (r->nsites >= r->nsbuckets) {
        size_t nb = r->nsbuckets * 2;
        lineage_site **b = xcalloc(nb, sizeof *b);
        for (size_t i = 0; i < r->nsbuckets; i++) {
            for (lineage_site *s = r->sbuckets[i], *next; s; s = next) {
                next = s->next_in_bucket;
                s->next_in_bucket = b[s->hash & (nb - 1)];
                b[s->hash & (nb - 1)] = s;
            }
        }
        free(r->sbuckets);
        r->sbuckets = b;
        r->nsbuckets = nb;
        pp = &r->sbuckets[h & (nb - 1)];
    }
    lineage_site *s = ls_arena_zalloc(r->arena, sizeof *s);
    s->func = arena_str(r, ev->func.len ? ev->func : ls_str_cstr("?"));
    s->file = arena_str(r, ev->file);
    s->line = ev->line;
    s->hash = h;
    s->index = (uint32_t)r->nsites++;
    s->next_in_bucket = *pp;
    *pp = s;
    return s;
}

/* ---- findings ------------------------------------------------------------------------ */

/* Keeps n and its ancestors for the graph outputs while the budget lasts. */
static void keep_for_graph(lineage_reader *r, node *n) {
    size_t need = 0;
    for (node *a = n; a && !a->in_graph; a = a->parent)
        need++;
    if (need == 0)
        return;
    if (r->graph_nodes + need > r->opt.max_nodes) {
        r->res.nodes_truncated = true;
        return;
    }
    for (node *a = n; a && !a->in_graph; a = a->parent)
        a->in_graph = 1;
    r->graph_nodes += need;
}

static void note_finding(lineage_reader *r, node *n, lineage_finding_kind k, int64_t age) {
    lineage_agg *a = &n->site->agg[k];
    if (a->count++ == 0)
        a->example = ls_arena_strndup(r->arena, node_id(n), n->idlen);
    a->age_sum = sat_add(a->age_sum, age);
    if (age > a->age_max)
        a->age_max = age;
    r->res.totals[k]++;
    n->findings |= 1u << k;
    keep_for_graph(r, n);
    if (n->broken_from)
        keep_for_graph(r, n->broken_from);
}

/* ---- release ---------------------------------------------------------------------------- */

static bool cancellable(const node *n) { return n->kind <= K_DEADLINE_CAUSE; }

static void push_work(lineage_reader *r, node *n) {
    if (r->nwork == r->capwork) {
        r->capwork = r->capwork ? r->capwork * 2 : 64;
        r->work = xrealloc(r->work, r->capwork * sizeof *r->work);
    }
    r->work[r->nwork++] = n;
}

static bool releasable(const node *n) {
    return !n->freed && n->end_how != END_NONE && n->refs == 0 && !n->in_graph;
}

/* Frees n if it may go, then whatever that frees in turn (its parent, the
 * node it pinned).  Iterative: chains can be as long as the input. */
static void release(lineage_reader *r, node *start) {
    size_t base = r->nwork;
    push_work(r, start);
    while (r->nwork > base) {
        node *n = r->work[--r->nwork];
        if (!releasable(n))
            continue;
        node *p = n->parent;
        if (p) {
            if (n->prev_sib)
                n->prev_sib->next_sib = n->next_sib;
            else
                p->first_child = n->next_sib;
            if (n->next_sib)
                n->next_sib->prev_sib = n->prev_sib;
            p->refs--;
            push_work(r, p);
        }
        if (n->broken_from) {
            n->broken_from->refs--;
            push_work(r, n->broken_from);
        }
        goroutine_unlink(r, n);
        remove_node(r, n);
    }
}

/* Ends n; children without a cancel function end with it, and so on down
 * (iteratively); then everything that may go is released, deepest first. */
static void end_node(lineage_reader *r, node *n, end_how how, int64_t t) {
    n->end_how = (uint8_t)how;
    n->end_t = t;
    goroutine_unlink(r, n);
    size_t base = r->nwork;
    push_work(r, n);
    for (size_t i = base; i < r->nwork; i++) {
        node *x = r->work[i];
        /* WithoutCancel is made to stop a cancel: what hangs below it is
         * released with it but was not cancelled (see finish_live). */
        end_how inherited = x->end_how == END_DETACHED ? END_DETACHED : END_WITH_PARENT;
        for (node *c = x->first_child; c; c = c->next_sib) {
            if (c->end_how != END_NONE || cancellable(c))
                continue;
            c->end_how = (uint8_t)(c->kind == K_WITHOUT_CANCEL ? END_DETACHED : inherited);
            c->end_t = t;
            goroutine_unlink(r, c);
            push_work(r, c);
        }
    }
    size_t top = r->nwork;
    for (size_t i = top; i-- > base;) {
        r->nwork = top;
        release(r, r->work[i]);
    }
    r->nwork = base;
}

/* ---- events ------------------------------------------------------------------------------ */

static node_kind parse_kind(ls_str k) {
    for (size_t i = 0; i < K_UNKNOWN; i++)
        if (eq_nul(k, kind_names[i]))
            return (node_kind)i;
    return K_UNKNOWN;
}

static end_how parse_how(ls_str h) {
    for (size_t i = END_CANCEL; i <= END_NEVER; i++)
        if (eq_nul(h, end_names[i]))
            return (end_how)i;
    return END_OTHER;
}

static parent_kind parse_root(ls_str p) {
    if (!ls_str_has_prefix(p, "root:"))
        return P_TRACKED;
    for (size_t i = P_BACKGROUND; i <= P_REMOTE; i++)
        if (eq_nul(p, parent_names[i]))
            return (parent_kind)i;
    return P_UNTRACKED;
}

static void on_header(lineage_reader *r, const lineage_event *ev) {
    r->res.headers++;
    uint64_t h = XXH3_64bits(ev->host.ptr, ev->host.len);
    if (ev->has & LINEAGE_HAS_PID)
        h = XXH3_64bits_withSeed(&ev->pid, sizeof ev->pid, h);
    else /* no pid: a process of its own, per header */
        h = XXH3_64bits_withSeed(&r->res.headers, sizeof r->res.headers, h ^ 0x5bd1e995u);
    r->proc = h | 1; /* 0 is the process before any header */
    r->seg_t = ev->has & LINEAGE_HAS_T ? ev->t : INT64_MIN;
}

static void link_child(node *p, node *n) {
    n->parent = p;
    n->next_sib = p->first_child;
    if (p->first_child)
        p->first_child->prev_sib = n;
    p->first_child = n;
    p->refs++;
}

/* n carries a cancellation: it has a cancel function, or is a WithValue
 * over one (the walk is bounded: a deep value chain is a finding of its
 * own, not a reason to walk it per root). */
static bool carries_cancel(const node *n) {
    for (int i = 0; n && i < MAX_VALUE_WALK; i++, n = n->parent) {
        if (cancellable(n))
            return true;
        if (n->kind != K_VALUE)
            return false;
    }
    return false;
}

/* The context ev's goroutine could have been handed: the newest one that
 * carries a cancellation, made before ev by the goroutine that started
 * ev's (`cg`), not ended.  Goroutine IDs are unique in a process, but a
 * restarted process may come back with the same host and pid, so contexts
 * older than the current header do not count.  The walk is bounded: the
 * newest few are the ones that matter. */
static node *creator_held(lineage_reader *r, const lineage_event *ev) {
    if (!(ev->has & LINEAGE_HAS_CG) || ev->cg <= 0 || ((ev->has & LINEAGE_HAS_G) && ev->cg == ev->g))
        return NULL;
    goroutine *creator = find_goroutine(r, r->proc, ev->cg, false);
    if (!creator)
        return NULL;
    node *c = creator->live;
    for (int i = 0; c && i < MAX_CREATOR_WALK; i++, c = c->g_next)
        if (c->t <= ev->t && c->t >= r->seg_t && carries_cancel(c))
            return c;
    return NULL;
}

/* A new root made by a goroutine that holds a live context, or that was
 * started by one that did (docs: new-root). */
static void check_new_root(lineage_reader *r, node *n, const lineage_event *ev, goroutine *gor) {
    if (n->parent_kind != P_BACKGROUND && n->parent_kind != P_TODO)
        return;
    node *from = NULL;
    if (ev->held.len)
        from = find_node(r, r->proc, ev->held);
    else if (gor && gor->live)
        from = gor->live;
    else if (!(from = creator_held(r, ev)))
        return;
    if (from && from != n) { /* held naming itself: a writer's bug, no edge */
        n->broken_from = from;
        from->refs++;
    }
    note_finding(r, n, LINEAGE_F_NEW_ROOT, 0);
}

static void check_timeout(lineage_reader *r, node *n, const lineage_event *ev) {
    if (n->kind < K_TIMEOUT || n->kind > K_DEADLINE_CAUSE || !(ev->has & LINEAGE_HAS_TIMEOUT))
        return;
    int64_t pd;
    if (ev->has & LINEAGE_HAS_PARENT_DEADLINE)
        pd = ev->parent_deadline;
    else if (n->parent && n->parent->deadline)
        pd = n->parent->deadline;
    else
        return;
    int64_t remaining = sat_sub(pd, ev->t);
    if (ev->timeout_us > remaining)
        note_finding(r, n, LINEAGE_F_TIMEOUT_NO_EFFECT, sat_sub(ev->timeout_us, remaining));
}

static void check_value_depth(lineage_reader *r, node *n, const lineage_event *ev) {
    if (n->kind != K_VALUE)
        return;
    node *p = n->parent;
    bool parent_value = p && p->kind == K_VALUE;
    int64_t depth = ev->has & LINEAGE_HAS_VALUE_DEPTH ? ev->value_depth : parent_value ? p->value_depth + 1 : 1;
    if (depth < 1)
        depth = 1;
    n->value_depth = depth > UINT32_MAX ? UINT32_MAX : (uint32_t)depth;
    if (depth <= r->opt.max_value_depth)
        return;
    /* One finding per chain, counted at its first link past the limit (the
     * head); deeper links raise the depth reported for it.  The head is an
     * ancestor, so it lives as long as they do. */
    node *head = parent_value ? p->deep_head : NULL;
    if (!head) {
        n->deep_head = n;
        n->chain_depth = n->value_depth;
        note_finding(r, n, LINEAGE_F_VALUE_DEEP, depth);
        return;
    }
    n->deep_head = head;
    if (n->value_depth > head->chain_depth) {
        lineage_agg *a = &head->site->agg[LINEAGE_F_VALUE_DEEP];
        a->age_sum = sat_add(a->age_sum, (int64_t)(n->value_depth - head->chain_depth));
        if (n->value_depth > a->age_max)
            a->age_max = n->value_depth;
        head->chain_depth = n->value_depth;
    }
}

/* A node for ev's context, not yet linked anywhere. */
static node *new_node(lineage_reader *r, const lineage_event *ev) {
    node *n = alloc_node(r);
    n->hash = id_hash(ev->id);
    n->proc = r->proc;
    n->seq = r->seq++;
    n->idlen = (uint16_t)ev->id.len;
    char *id = n->id;
    if (ev->id.len >= ID_INLINE)
        id = n->id_long = xrealloc(NULL, ev->id.len + 1); /* longer than the Go package writes */
    memcpy(id, ev->id.ptr, ev->id.len);
    id[ev->id.len] = 0;
    n->t = ev->t;
    n->g = ev->g;
    n->cg = ev->has & LINEAGE_HAS_CG ? ev->cg : 0;
    n->kind = (uint8_t)parse_kind(ev->kind);
    n->deadline = ev->has & LINEAGE_HAS_DEADLINE ? ev->deadline : 0;
    n->out_index = -1;
    n->site = intern_site(r, ev);
    n->site->derived++;
    if (!n->site->stack && ev->stack.len)
        n->site->stack = arena_str(r, ev->stack);
    return n;
}

static void link_parent(lineage_reader *r, node *n, const lineage_event *ev) {
    n->parent_kind = (uint8_t)parse_root(ev->parent);
    if (n->parent_kind == P_TRACKED) {
        node *p = find_node(r, r->proc, ev->parent);
        if (p)
            link_child(p, n);
        else
            n->parent_kind = P_MISSING;
    } else if (n->parent_kind == P_REMOTE && ev->remote_parent.len) {
        /* The caller's context, when its file came first: one graph, and a
         * cancel that never crossed the wire is a cancel-lost. */
        node *p = find_remote(r, r->proc, ev->remote_parent);
        if (p)
            link_child(p, n);
    }
}

static void goroutine_push(goroutine *gor, node *n) {
    n->gor = gor;
    n->g_next = gor->live;
    if (gor->live)
        gor->live->g_prev = n;
    gor->live = n;
}

static bool derive_is_valid(lineage_reader *r, const lineage_event *ev) {
    if (!ev->id.len || !ev->parent.len || !ev->kind.len || !(ev->has & LINEAGE_HAS_T)) {
        diag(r, LS_SEV_ERROR, "a derive needs \"id\", \"parent\", \"kind\" and \"t\" (docs/lineage-events.md)");
        return false;
    }
    if (ev->id.len > UINT16_MAX) {
        diag(r, LS_SEV_ERROR, "a lineage ID of %zu bytes is too long", ev->id.len);
        return false;
    }
    if (find_node(r, r->proc, ev->id)) {
        r->res.duplicates++;
        diag(r, LS_SEV_ERROR, "a second derive for %.*s (IDs are unique per process; was a file given twice?)",
             (int)(ev->id.len > 80 ? 80 : ev->id.len), ev->id.ptr);
        return false;
    }
    return true;
}

static void on_derive(lineage_reader *r, const lineage_event *ev) {
    if (!derive_is_valid(r, ev))
        return;
    r->res.derives++;
    node *n = new_node(r, ev);
    link_parent(r, n, ev);
    insert_node(r, n);
    bool has_g = ev->has & LINEAGE_HAS_G;
    goroutine *gor = has_g ? find_goroutine(r, r->proc, ev->g, false) : NULL;
    check_new_root(r, n, ev, gor); /* before n counts as held by its goroutine */
    check_timeout(r, n, ev);
    check_value_depth(r, n, ev);
    if (has_g)
        goroutine_push(gor ? gor : find_goroutine(r, r->proc, ev->g, true), n);
    node *p = n->parent;
    if (p && p->end_how != END_NONE && !cancellable(n)) /* made under an ended context: ended already */
        end_node(r, n, p->end_how == END_DETACHED || n->kind == K_WITHOUT_CANCEL ? END_DETACHED : END_WITH_PARENT,
                 ev->t);
}

static void on_end(lineage_reader *r, const lineage_event *ev) {
    if (!ev->id.len || !ev->how.len || !(ev->has & LINEAGE_HAS_T)) {
        diag(r, LS_SEV_ERROR, "an end needs \"id\", \"how\" and \"t\" (docs/lineage-events.md)");
        return;
    }
    r->res.ends++;
    node *n = find_node(r, r->proc, ev->id);
    if (!n) {
        r->res.orphan_ends++; /* derived before the file began, or not sampled */
        return;
    }
    if (n->end_how != END_NONE && n->end_how != END_WITH_PARENT && n->end_how != END_DETACHED)
        return; /* the first ending counts */
    end_how how = parse_how(ev->how);
    if (how == END_NEVER)
        note_finding(r, n, LINEAGE_F_NEVER_CANCELLED, sat_sub(ev->t, n->t));
    else if (n->deadline && sat_sub(ev->t, n->deadline) > r->opt.late_us)
        note_finding(r, n, LINEAGE_F_LATE_END, sat_sub(ev->t, n->deadline));
    end_node(r, n, how, ev->t);
}

static void on_event(lineage_reader *r, const lineage_event *ev) {
    r->res.events++;
    if ((ev->has & LINEAGE_HAS_T) && ev->t > r->max_t)
        r->max_t = ev->t;
    switch (ev->ev) {
    case LINEAGE_EV_HEADER: on_header(r, ev); break;
    case LINEAGE_EV_DERIVE: on_derive(r, ev); break;
    case LINEAGE_EV_END: on_end(r, ev); break;
    case LINEAGE_EV_DROPS:
        if (ev->has & LINEAGE_HAS_N && ev->n > 0)
            r->res.drops += (uint64_t)ev->n;
        break;
    case LINEAGE_EV_UNKNOWN: r->res.unknown_ev++; break;
    }
}

/* ---- lines and files -------------------------------------------------------------------- */

static void on_line(lineage_reader *r, const char *p, size_t n, bool last_unterminated) {
    r->lineno++;
    lineage_event ev;
    const char *why = NULL;
    lineage_scan_status st = lineage_scan_line(p, n, &ev, &r->scratch, &why);
    if (st == LINEAGE_SCAN_BLANK)
        return;
    if (st != LINEAGE_SCAN_OK) {
        if (last_unterminated && st == LINEAGE_SCAN_SYNTAX)
            diag(r, LS_SEV_ERROR, "the last line is cut short (%s): the writer stopped mid-event; the rest was read",
                 why);
        else
            diag(r, LS_SEV_ERROR, "not a lineage event: %s (each line is one JSON object starting with \"ev\")", why);
        r->seen_line = true;
        return;
    }
    if (!r->seen_line && ev.ev != LINEAGE_EV_HEADER)
        diag(r, LS_SEV_WARNING, "the file does not start with a header; events are read as one unnamed process");
    r->seen_line = true;
    on_event(r, &ev);
}

void lineage_reader_begin_file(lineage_reader *r, const char *path) {
    r->path = path;
    r->lineno = 0;
    r->file_errors = 0;
    r->seen_line = false;
    r->proc = 0;
    r->seg_t = INT64_MIN;
    r->carry.len = 0;
    r->long_line = false;
    r->res.files++;
}

/* Keeps the start of a line cut by the end of a feed.  Past MAX_LINE the
 * rest of the line is dropped (and reported once it ends), so one endless
 * line cannot take memory without bound. */
static void carry_append(lineage_reader *r, const char *p, size_t n) {
    if (r->long_line)
        return;
    if (r->carry.len + n > MAX_LINE) {
        r->long_line = true;
        r->carry.len = 0;
        return;
    }
    ls_buf_append(&r->carry, p, n);
}

/* The line that was being carried has ended. */
static void carry_line(lineage_reader *r, bool unterminated) {
    if (r->long_line) {
        r->lineno++;
        diag(r, LS_SEV_ERROR, "a line longer than %d MiB: skipped (is this an event file?)", MAX_LINE >> 20);
        r->long_line = false;
    } else {
        on_line(r, r->carry.data, r->carry.len, unterminated);
    }
    r->carry.len = 0;
}

void lineage_reader_feed(lineage_reader *r, const char *data, size_t len) {
    const char *p = data, *end = data + len;
    if (r->carry.len || r->long_line) {
        const char *nl = memchr(p, '\n', len);
        if (!nl) {
            carry_append(r, p, len);
            return;
        }
        carry_append(r, p, (size_t)(nl - p));
        carry_line(r, false);
        p = nl + 1;
    }
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        if ((size_t)(nl - p) > MAX_LINE) {
            r->long_line = true;
            carry_line(r, false);
        } else {
            on_line(r, p, (size_t)(nl - p), false);
        }
        p = nl + 1;
    }
    if (p < end)
        carry_append(r, p, (size_t)(end - p));
}

void lineage_reader_end_file(lineage_reader *r) {
    if (r->carry.len || r->long_line)
        carry_line(r, true);
    if (r->file_errors > MAX_ERRORS_SHOWN) {
        uint64_t hidden = r->file_errors - MAX_ERRORS_SHOWN;
        r->lineno = 0;
        ls_diag d = {r->path, 0, 0, 0, LS_SEV_NOTE, NULL};
        char msg[128];
        snprintf(msg, sizeof msg, "%llu more bad lines not shown", (unsigned long long)hidden);
        d.message = msg;
        if (r->diags.emit)
            r->diags.emit(r->diags.ctx, &d);
    }
}

int lineage_reader_read_path(lineage_reader *r, const char *path) {
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    enum { BLOCK = 1 << 20 };
    char *buf = xrealloc(NULL, BLOCK);
    lineage_reader_begin_file(r, is_stdin ? "<stdin>" : path);
    int err = 0;
    for (;;) {
        ssize_t got = read(fd, buf, BLOCK);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            break;
        }
        if (got == 0)
            break;
        lineage_reader_feed(r, buf, (size_t)got);
    }
    lineage_reader_end_file(r);
    free(buf);
    if (!is_stdin)
        close(fd);
    return err;
}

/* ---- the end of the input ------------------------------------------------------------------ */

static bool propagates(uint8_t how) {
    return how == END_CANCEL || how == END_PARENT || how == END_DEADLINE || how == END_OTHER ||
           how == END_WITH_PARENT;
}

/* Contexts still live: a cancel that never reached them, or just live. */
static void finish_live(lineage_reader *r) {
    for (size_t i = 0; i < r->nbuckets; i++) {
        for (node *n = r->buckets[i]; n; n = n->hnext) {
            if (n->end_how != END_NONE || !cancellable(n))
                continue;
            node *p = n->parent;
            if (p && propagates(p->end_how)) {
                n->cancel_lost = 1;
                note_finding(r, n, LINEAGE_F_CANCEL_LOST, sat_sub(r->max_t, p->end_t));
            } else {
                note_finding(r, n, LINEAGE_F_LIVE_AT_END, sat_sub(r->max_t, n->t));
            }
        }
    }
}

static uint64_t site_weight(const lineage_site *s) {
    uint64_t w = 0;
    for (int k = 0; k < LINEAGE_F_COUNT; k++)
        w += s->agg[k].count;
    return w;
}

static int cmp_sites(const void *a, const void *b) {
    const lineage_site *x = *(lineage_site *const *)a, *y = *(lineage_site *const *)b;
    uint64_t wx = site_weight(x), wy = site_weight(y);
    if (wx != wy)
        return wx > wy ? -1 : 1;
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    c = strcmp(x->func, y->func);
    return c ? c : (x->index < y->index ? -1 : x->index > y->index);
}

static int cmp_seq(const void *a, const void *b) {
    const node *x = *(node *const *)a, *y = *(node *const *)b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void collect_sites(lineage_reader *r) {
    lineage_result *res = &r->res;
    res->sites = ls_arena_alloc(r->arena, (r->nsites ? r->nsites : 1) * sizeof *res->sites);
    for (size_t i = 0; i < r->nsbuckets; i++)
        for (lineage_site *s = r->sbuckets[i]; s; s = s->next_in_bucket)
            if (site_weight(s))
                res->sites[res->nsites++] = s;
    qsort(res->sites, res->nsites, sizeof *res->sites, cmp_sites);
}

static const char *parent_text(lineage_reader *r, const node *n) {
    if (n->parent)
        return ls_arena_strndup(r->arena, node_id(n->parent), n->parent->idlen);
    return parent_names[n->parent_kind];
}

static void collect_graph(lineage_reader *r) {
    lineage_result *res = &r->res;
    size_t count = 0;
    for (size_t i = 0; i < r->nbuckets; i++)
        for (node *n = r->buckets[i]; n; n = n->hnext)
            count += n->in_graph;
    node **order = xrealloc(NULL, (count ? count : 1) * sizeof *order);
    size_t k = 0;
    for (size_t i = 0; i < r->nbuckets; i++)
        for (node *n = r->buckets[i]; n; n = n->hnext)
            if (n->in_graph)
                order[k++] = n;
    qsort(order, count, sizeof *order, cmp_seq);
    res->nodes = ls_arena_zalloc(r->arena, (count ? count : 1) * sizeof *res->nodes);
    res->nnodes = count;
    for (size_t i = 0; i < count; i++) {
        node *n = order[i];
        n->out_index = (int32_t)i;
        lineage_gnode *o = &res->nodes[i];
        o->id = ls_arena_strndup(r->arena, node_id(n), n->idlen);
        o->parent = parent_text(r, n);
        o->kind = kind_names[n->kind];
        o->end_how = end_names[n->end_how];
        o->site = n->site;
        o->t = n->t;
        o->end_t = n->end_t;
        o->deadline = n->deadline;
        o->g = n->g;
        o->cg = n->cg;
        o->findings = n->findings;
        o->cancel_lost_edge = n->cancel_lost;
        o->remote_edge = n->parent && n->parent->proc != n->proc;
        o->parent_index = n->parent && n->parent->in_graph ? n->parent->out_index : -1;
        o->broken_index = -1;
        if (n->broken_from) {
            o->broken_from = ls_arena_strndup(r->arena, node_id(n->broken_from), n->broken_from->idlen);
            if (n->broken_from->in_graph)
                o->broken_index = n->broken_from->out_index;
        }
    }
    free(order);
}

const lineage_result *lineage_reader_finish(lineage_reader *r) {
    if (r->finished)
        return &r->res;
    r->finished = true;
    finish_live(r);
    collect_sites(r);
    collect_graph(r);
    return &r->res;
}
