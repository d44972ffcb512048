/*
 * Leak suspects: which buckets look like leaks, why, and how sure we are.
 *
 * A bucket is judged by what its goroutines wait on (the state the traceback
 * printed, or the runtime function at the top of the stack when the format
 * prints no state), how many wait there, for how long, whether a
 * goroutineleak profile reported it, and whether it grows across snapshots.
 * Goroutines that the runtime and the standard library keep forever by
 * design are matched by an ignore list (built-in rules plus the user's) and
 * never reported.
 */
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakscope/dump.h"

/* ---- states ----------------------------------------------------------------- */

ls_str dump_bucket_state(const dump_bucket *b) {
    return b->nstates ? b->states[0].state : ls_str_make("", 0);
}

static bool has_prefix(ls_str s, const char *p) { return ls_str_has_prefix(s, p); }

/* The runtime's wait reasons (runtime2.go, waitReasonStrings). */
static dump_wait_kind kind_of_state(ls_str s) {
    if (has_prefix(s, "chan send (nil chan)") || has_prefix(s, "chan receive (nil chan)") ||
        has_prefix(s, "select (no cases)"))
        return DUMP_WAIT_FOREVER;
    if (has_prefix(s, "chan send"))
        return DUMP_WAIT_CHAN_SEND;
    if (has_prefix(s, "chan receive"))
        return DUMP_WAIT_CHAN_RECV;
    if (has_prefix(s, "select"))
        return DUMP_WAIT_SELECT;
    if (has_prefix(s, "sync.") || has_prefix(s, "semacquire"))
        return DUMP_WAIT_SYNC;
    return DUMP_WAIT_NONE;
}

static bool func_is(ls_str f, const char *name) { return ls_str_eq_cstr(f, name); }

/* Without a state (debug=1 and pprof print none, and hide runtime frames):
 * the runtime or sync function the goroutine parked in, as the state the
 * traceback would have printed. */
static const struct parked_in {
    const char *func, *state;
} parked_in[] = {
    {"runtime.chansend", "chan send"},
    {"runtime.chansend1", "chan send"},
    {"runtime.chanrecv", "chan receive"},
    {"runtime.chanrecv1", "chan receive"},
    {"runtime.chanrecv2", "chan receive"},
    {"runtime.selectgo", "select"},
    {"runtime.block", "select (no cases)"},
    {"sync.(*Mutex).Lock", "sync.Mutex.Lock"},
    {"sync.(*RWMutex).RLock", "sync.RWMutex.RLock"},
    {"sync.(*RWMutex).Lock", "sync.RWMutex.Lock"},
    {"sync.(*WaitGroup).Wait", "sync.WaitGroup.Wait"},
    {"sync.(*Cond).Wait", "sync.Cond.Wait"},
    {"internal/sync.runtime_SemacquireMutex", "sync.Mutex.Lock"},
    {"sync.runtime_SemacquireWaitGroup", "sync.WaitGroup.Wait"},
    {"sync.runtime_SemacquireRWMutexR", "sync.RWMutex.RLock"},
    {"sync.runtime_SemacquireRWMutex", "sync.RWMutex.Lock"},
    {"sync.runtime_notifyListWait", "sync.Cond.Wait"},
    {"sync.runtime_Semacquire", "semacquire"},
};

static const char *state_from_frames(const dump_bucket *b) {
    for (size_t i = 0; i < b->nframes && i < 8; i++)
        for (size_t k = 0; k < sizeof parked_in / sizeof *parked_in; k++)
            if (func_is(b->frames[i].func, parked_in[k].func))
                return parked_in[k].state;
    return NULL;
}

static dump_wait_kind kind_of_frames(const dump_bucket *b) {
    const char *state = state_from_frames(b);
    return state ? kind_of_state(ls_str_cstr(state)) : DUMP_WAIT_NONE;
}

ls_str dump_bucket_state_or_inferred(const dump_bucket *b) {
    ls_str s = dump_bucket_state(b);
    if (s.len)
        return s;
    const char *state = state_from_frames(b);
    return state ? ls_str_cstr(state) : s;
}

dump_wait_kind dump_bucket_wait_kind(const dump_bucket *b) {
    ls_str s = dump_bucket_state(b);
    return s.len ? kind_of_state(s) : kind_of_frames(b);
}

const char *dump_wait_kind_name(dump_wait_kind k) {
    switch (k) {
    case DUMP_WAIT_CHAN_SEND: return "chan send";
    case DUMP_WAIT_CHAN_RECV: return "chan receive";
    case DUMP_WAIT_SELECT: return "select";
    case DUMP_WAIT_SYNC: return "sync";
    case DUMP_WAIT_FOREVER: return "nil channel or empty select";
    case DUMP_WAIT_NONE: break;
    }
    return "not blocked";
}

uint64_t dump_bucket_blocked(const dump_bucket *b) {
    if (b->nstates == 0 || (b->nstates == 1 && b->states[0].state.len == 0))
        return kind_of_frames(b) != DUMP_WAIT_NONE ? b->count : 0;
    uint64_t n = 0;
    for (size_t i = 0; i < b->nstates; i++)
        if (b->states[i].state.len ? kind_of_state(b->states[i].state) != DUMP_WAIT_NONE
                                   : kind_of_frames(b) != DUMP_WAIT_NONE)
            n += b->states[i].count;
    return n;
}

/* Frames a reader skips to reach the program's own code. */
static bool in_runtime(ls_str f) {
    return has_prefix(f, "runtime.") || has_prefix(f, "internal/") || has_prefix(f, "sync.");
}

const dump_frame *dump_bucket_top_user_frame(const dump_bucket *b) {
    for (size_t i = 0; i < b->nframes; i++)
        if (!in_runtime(b->frames[i].func))
            return &b->frames[i];
    return b->nframes ? &b->frames[0] : NULL;
}

/* ---- ignores ------------------------------------------------------------------ */

typedef enum rule_kind { RULE_TOP, RULE_ANY, RULE_REGEX } rule_kind;

typedef struct ignore_rule {
    rule_kind kind;
    char *func;
    regex_t re;
    char *label; /* what dump_ignore_match returns */
} ignore_rule;

struct dump_ignore {
    ignore_rule *at;
    size_t len, cap;
};

/*
 * Goroutines that live for the whole process by design.  "any": the
 * function is on the stack; "top": it is the top user frame.
 */
static const struct builtin_rule {
    rule_kind kind;
    const char *func;
} builtin_rules[] = {
    /* the runtime's own workers (they are system goroutines; a crash with
     * GOTRACEBACK=system or crash prints them) */
    {RULE_ANY, "runtime.gcBgMarkWorker"},
    {RULE_ANY, "runtime.bgsweep"},
    {RULE_ANY, "runtime.bgscavenge"},
    {RULE_ANY, "runtime.runfinq"},
    {RULE_ANY, "runtime.runCleanups"},
    {RULE_ANY, "runtime.forcegchelper"},
    {RULE_ANY, "runtime.timerproc"},
    {RULE_ANY, "runtime.updateMaxProcsGoroutine"},
    {RULE_ANY, "runtime.(*cleanupQueue).dequeue"},
    {RULE_ANY, "unique.runtime_registerUniqueMapCleanup.func1"},
    {RULE_ANY, "runtime.ensureSigM.func1"},
    /* signal delivery */
    {RULE_ANY, "os/signal.loop"},
    {RULE_TOP, "os/signal.signal_recv"},
    {RULE_ANY, "os/signal.watchSignalLoop"},
    /* net/http: idle keep-alive client connections, the accept loop */
    {RULE_ANY, "net/http.(*persistConn).readLoop"},
    {RULE_ANY, "net/http.(*persistConn).writeLoop"},
    {RULE_ANY, "net/http.(*Server).Serve"},
    {RULE_ANY, "net/http.(*Server).ListenAndServe"},
    {RULE_ANY, "net/http.(*http2ClientConn).readLoop"},
    {RULE_ANY, "net/http.(*http2serverConn).serve"},
    /* database/sql pools */
    {RULE_ANY, "database/sql.(*DB).connectionOpener"},
    {RULE_ANY, "database/sql.(*DB).connectionCleaner"},
    {RULE_ANY, "database/sql.(*DB).connectionResetter"},
    /* the test binary's main goroutine and its parents of subtests */
    {RULE_ANY, "testing.(*M).Run"},
    {RULE_TOP, "testing.(*T).Run"},
    {RULE_TOP, "testing.(*T).Parallel"},
    {RULE_TOP, "testing.runFuzzing"},
    /* well-known library daemons that run once per process */
    {RULE_ANY, "github.com/golang/glog.(*loggingT).flushDaemon"},
    {RULE_ANY, "github.com/golang/glog.(*fileSink).flushDaemon"},
    {RULE_ANY, "k8s.io/klog.(*loggingT).flushDaemon"},
    {RULE_ANY, "k8s.io/klog/v2.(*flushDaemon).run.func1"},
    {RULE_ANY, "go.opencensus.io/stats/view.(*worker).start"},
    {RULE_ANY, "github.com/patrickmn/go-cache.(*janitor).Run"},
};

static void add_rule(dump_ignore *ig, ignore_rule r) {
    if (ig->len == ig->cap) {
        ig->cap = ig->cap ? ig->cap * 2 : 64;
        ig->at = realloc(ig->at, ig->cap * sizeof *ig->at);
        if (!ig->at)
            abort();
    }
    ig->at[ig->len++] = r;
}

static char *label_of(const char *prefix, const char *what) {
    size_t n = strlen(prefix) + strlen(what) + 1;
    char *s = malloc(n);
    if (!s)
        abort();
    snprintf(s, n, "%s%s", prefix, what);
    return s;
}

static char *xstrdup(const char *s) {
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

dump_ignore *dump_ignore_new(bool builtin) {
    dump_ignore *ig = calloc(1, sizeof *ig);
    if (!ig)
        abort();
    for (size_t i = 0; builtin && i < sizeof builtin_rules / sizeof *builtin_rules; i++) {
        ignore_rule r = {.kind = builtin_rules[i].kind, .func = xstrdup(builtin_rules[i].func)};
        r.label = label_of("built-in: ", r.func);
        add_rule(ig, r);
    }
    return ig;
}

void dump_ignore_add_top(dump_ignore *ig, const char *func) {
    ignore_rule r = {.kind = RULE_TOP, .func = xstrdup(func)};
    r.label = label_of("--ignore-top ", func);
    add_rule(ig, r);
}

int dump_ignore_add_stack(dump_ignore *ig, const char *regex, char *err, size_t errlen) {
    ignore_rule r = {.kind = RULE_REGEX};
    int rc = regcomp(&r.re, regex, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
    if (rc != 0) {
        char msg[128];
        regerror(rc, &r.re, msg, sizeof msg);
        snprintf(err, errlen, "--ignore-stack '%s': %s", regex, msg);
        return -1;
    }
    r.label = label_of("--ignore-stack ", regex);
    add_rule(ig, r);
    return 0;
}

/* Like goleak's IgnoreTopFunction, but tracebacks differ in how many
 * runtime frames they show: FUNC may be the very first frame, the first
 * outside package runtime, or the first of the program's own code. */
static bool top_matches(const dump_bucket *b, const char *func) {
    const dump_frame *user = dump_bucket_top_user_frame(b);
    if (!user)
        return false;
    for (size_t i = 0; i < b->nframes; i++) {
        if (ls_str_eq_cstr(b->frames[i].func, func))
            return true;
        if (!has_prefix(b->frames[i].func, "runtime.") || &b->frames[i] == user)
            break;
    }
    return ls_str_eq_cstr(user->func, func);
}

static bool any_matches(const dump_bucket *b, const char *func) {
    for (size_t i = 0; i < b->nframes; i++)
        if (ls_str_eq_cstr(b->frames[i].func, func))
            return true;
    return false;
}

/* The normalized stack in "line" form, NUL-terminated, for regexec. */
static void stack_text(const dump_bucket *b, ls_buf *out) {
    dump_goroutine g = {.frames = b->frames, .nframes = b->nframes};
    out->len = 0;
    dump_stack_id(&g, DUMP_GROUP_LINE, out);
    ls_buf_putc(out, '\0');
}

const char *dump_ignore_match(const dump_ignore *ig, const dump_bucket *b) {
    if (!ig)
        return NULL;
    ls_buf text = {0};
    const char *hit = NULL;
    for (size_t i = 0; i < ig->len && !hit; i++) {
        const ignore_rule *r = &ig->at[i];
        if (r->kind == RULE_TOP && top_matches(b, r->func))
            hit = r->label;
        else if (r->kind == RULE_ANY && any_matches(b, r->func))
            hit = r->label;
        else if (r->kind == RULE_REGEX) {
            if (!text.data)
                stack_text(b, &text);
            if (regexec(&r->re, text.data, 0, NULL, 0) == 0)
                hit = r->label;
        }
    }
    ls_buf_free(&text);
    return hit;
}

void dump_ignore_free(dump_ignore *ig) {
    if (!ig)
        return;
    for (size_t i = 0; i < ig->len; i++) {
        if (ig->at[i].kind == RULE_REGEX)
            regfree(&ig->at[i].re);
        free(ig->at[i].func);
        free(ig->at[i].label);
    }
    free(ig->at);
    free(ig);
}

/* ---- suspects ---------------------------------------------------------------- */

void dump_suspect_options_default(dump_suspect_options *o) {
    o->min_count = 5;
    o->long_wait = 10;
    o->deadlock = false;
}

/* How strongly a wait points at a leak: a sender nobody receives from is the
 * classic leak; an idle receiver is often a worker waiting for work. */
static double kind_weight(dump_wait_kind k) {
    switch (k) {
    case DUMP_WAIT_FOREVER: return 5.0;
    case DUMP_WAIT_CHAN_SEND: return 3.0;
    case DUMP_WAIT_SYNC: return 2.5;
    case DUMP_WAIT_SELECT: return 2.0;
    case DUMP_WAIT_CHAN_RECV: return 2.0;
    case DUMP_WAIT_NONE: break;
    }
    return 1.0;
}

void dump_put_count(ls_buf *out, uint64_t v) {
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            ls_buf_putc(out, ',');
        ls_buf_putc(out, digits[i]);
    }
}

static void put_wait(ls_buf *out, const dump_bucket *b) {
    if (b->wait_max < 0)
        return;
    if (b->wait_min == b->wait_max)
        ls_buf_printf(out, " for %lld minutes", (long long)b->wait_max);
    else
        ls_buf_printf(out, " for %lld-%lld minutes", (long long)b->wait_min, (long long)b->wait_max);
}

static void put_site(ls_buf *out, const dump_frame *f) {
    ls_buf_append(out, f->func.ptr, f->func.len);
    if (f->file.len) {
        const char *base = f->file.ptr + f->file.len;
        while (base > f->file.ptr && base[-1] != '/')
            base--;
        ls_buf_printf(out, " at %.*s:%u", (int)(f->file.ptr + f->file.len - base), base, f->line);
    }
}

/* What a bucket waits on, possibly learnt from another snapshot. */
typedef struct waiting {
    dump_wait_kind kind;
    ls_str state;
    uint64_t blocked;
} waiting;

/*
 * debug=1 and protobuf snapshots record no states: in a series, the same
 * bucket (same ID) in a traceback snapshot tells what it waits on.
 */
static waiting waiting_of(const dump_bucket *b, const dump_series *series) {
    waiting w = {dump_bucket_wait_kind(b), dump_bucket_state_or_inferred(b), dump_bucket_blocked(b)};
    if (w.state.len || !series)
        return w;
    for (size_t p = series->npoints; p-- > 0;) {
        const dump_bucket *other = dump_buckets_find(series->points[p].buckets, b->id);
        if (other && dump_bucket_state(other).len) {
            w.kind = dump_bucket_wait_kind(other);
            w.state = dump_bucket_state(other);
            w.blocked = w.kind != DUMP_WAIT_NONE ? b->count : 0;
            break;
        }
    }
    return w;
}

static void put_reason(ls_buf *out, const dump_buckets *set, const dump_bucket *b, const waiting *w,
                       const dump_series_bucket *sb, bool deadlock) {
    dump_wait_kind kind = w->kind;
    uint64_t blocked = w->blocked;
    dump_put_count(out, blocked ? blocked : b->count);
    ls_buf_puts(out, b->count == 1 ? " goroutine" : " goroutines");
    ls_str state = w->state;
    if (kind != DUMP_WAIT_NONE) {
        ls_buf_puts(out, " blocked in ");
        if (state.len)
            ls_buf_append(out, state.ptr, state.len);
        else
            ls_buf_puts(out, dump_wait_kind_name(kind));
    } else if (state.len) {
        ls_buf_puts(out, " in ");
        ls_buf_append(out, state.ptr, state.len);
    }
    put_wait(out, b);
    ls_buf_puts(out, " on one stack");
    if (deadlock && kind != DUMP_WAIT_NONE)
        ls_buf_puts(out, "; the runtime found every goroutine asleep (deadlock)");
    if (set && dump_bucket_only_in_leak_profile(set, b))
        ls_buf_puts(out, "; reported by the runtime's goroutineleak profile (unreachable, can never wake)");
    if (sb && sb->verdict == DUMP_VERDICT_GROWS)
        ls_buf_printf(out, "; %s, %+.1f per minute", sb->verdict_text, sb->slope_per_minute);
    if (sb && sb->alert)
        ls_buf_printf(out, "; %s", sb->alert_text);
    if (b->has_created_by) {
        ls_buf_puts(out, "; created by ");
        put_site(out, &b->created_by);
    }
}

typedef struct judged {
    bool suspect;
    double score;
} judged;

static judged judge(const dump_buckets *set, const dump_bucket *b, const dump_suspect_options *opt,
                    const waiting *w, const dump_series_bucket *sb) {
    judged j = {0};
    dump_wait_kind kind = w->kind;
    uint64_t blocked = w->blocked;
    bool leak_profile = dump_bucket_only_in_leak_profile(set, b) || b->in_leak_profile;
    bool grows = sb && (sb->verdict == DUMP_VERDICT_GROWS || sb->alert);
    bool many = kind != DUMP_WAIT_NONE && blocked >= opt->min_count;
    /* A lone goroutine idling in receive or select for long is usually a
     * daemon (a loop on ctx.Done()); a lone blocked sender or lock waiter is not. */
    bool lone_ok = kind == DUMP_WAIT_CHAN_RECV || kind == DUMP_WAIT_SELECT;
    bool long_wait = kind != DUMP_WAIT_NONE && b->wait_max >= opt->long_wait && (blocked >= 2 || !lone_ok);
    bool forever = kind == DUMP_WAIT_FOREVER || (opt->deadlock && kind != DUMP_WAIT_NONE);
    j.suspect = many || long_wait || forever || leak_profile || grows;
    if (!j.suspect)
        return j;
    double n = (double)(blocked ? blocked : b->count);
    double wait = b->wait_max > 0 ? (double)(b->wait_max < 600 ? b->wait_max : 600) : 0;
    j.score = kind_weight(kind) * log2(1.0 + n) * (1.0 + wait / 60.0);
    if (leak_profile)
        j.score *= 3.0;
    if (grows)
        j.score *= 2.0 + (sb->fit > 0 ? sb->fit : 0);
    return j;
}

static int cmp_suspect(const void *x, const void *y) {
    const dump_suspect *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->goroutines != b->goroutines)
        return a->goroutines > b->goroutines ? -1 : 1;
    return (a->bucket->id > b->bucket->id) - (a->bucket->id < b->bucket->id);
}

static void add_suspect(dump_suspects *s, size_t *cap, dump_suspect x) {
    if (s->len == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        s->at = realloc(s->at, *cap * sizeof *s->at);
        if (!s->at)
            abort();
    }
    s->at[s->len++] = x;
}

dump_suspects *dump_suspects_find(const dump_buckets *set, const dump_suspect_options *opt,
                                  const dump_ignore *ignore, const dump_series *series) {
    dump_suspect_options defaults;
    if (!opt) {
        dump_suspect_options_default(&defaults);
        opt = &defaults;
    }
    dump_suspects *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->arena = ls_arena_new(0);
    size_t cap = 0;
    ls_buf reason = {0};
    for (size_t i = 0; i < dump_buckets_len(set); i++) {
        const dump_bucket *b = dump_buckets_at(set, i);
        if (dump_ignore_match(ignore, b)) {
            s->ignored_buckets++;
            s->ignored_goroutines += b->count;
            continue;
        }
        waiting w = waiting_of(b, series);
        const dump_series_bucket *sb = series ? dump_series_find(series, b->id) : NULL;
        judged j = judge(set, b, opt, &w, sb);
        if (!j.suspect)
            continue;
        reason.len = 0;
        put_reason(&reason, set, b, &w, sb, opt->deadlock);
        dump_suspect x = {b, j.score, b->count, ls_arena_strndup(s->arena, reason.data, reason.len)};
        add_suspect(s, &cap, x);
        s->goroutines += b->count;
    }
    ls_buf_free(&reason);
    if (s->len > 1)
        qsort(s->at, s->len, sizeof *s->at, cmp_suspect);
    return s;
}

void dump_suspects_free(dump_suspects *s) {
    if (!s)
        return;
    ls_arena_free(s->arena);
    free(s->at);
    free(s);
}
