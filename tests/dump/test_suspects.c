/*
 * Leak suspects (src/dump/suspects.c): wait kinds from states and frames,
 * the built-in and user ignore rules, reasons in words, scores and the
 * goroutine count that --fail-on compares.
 */
#include <string.h>

#include "../check.h"
#include "make_goroutine.h"

static void sink_n(dump_buckets *set, uint64_t first_id, uint64_t n, const char *state, int64_t wait,
                   const dump_frame *f, size_t nf, const dump_frame *created_by) {
    for (uint64_t i = 0; i < n; i++) {
        dump_goroutine g = mk_goroutine(first_id + i, state, wait < 0 ? -1 : wait + (int64_t)i, f, nf);
        if (created_by) {
            g.has_created_by = true;
            g.created_by = *created_by;
        }
        dump_buckets_sink(set, &g);
    }
}

static const dump_frame signal_loop[] = {
    {.func = S("runtime.gopark"), .file = S("/usr/local/go/src/runtime/proc.go"), .line = 460},
    {.func = S("os/signal.signal_recv"), .file = S("/usr/local/go/src/runtime/sigqueue.go"), .line = 152},
    {.func = S("os/signal.loop"), .file = S("/usr/local/go/src/os/signal/signal_unix.go"), .line = 23},
};
static const dump_frame read_loop[] = {
    {.func = S("runtime.gopark"), .file = S("/usr/local/go/src/runtime/proc.go"), .line = 460},
    {.func = S("runtime.selectgo"), .file = S("/usr/local/go/src/runtime/select.go"), .line = 351},
    {.func = S("net/http.(*persistConn).readLoop"), .file = S("/usr/local/go/src/net/http/transport.go"), .line = 2395},
};
static const dump_frame worker[] = {
    {.func = S("runtime.gopark"), .file = S("/usr/local/go/src/runtime/proc.go"), .line = 460},
    {.func = S("runtime.chanrecv"), .file = S("/usr/local/go/src/runtime/chan.go"), .line = 664},
    {.func = S("runtime.chanrecv2"), .file = S("/usr/local/go/src/runtime/chan.go"), .line = 511},
    {.func = S("main.worker"), .file = S("/src/app/pool.go"), .line = 14},
};
static const dump_frame mutex_wait[] = {
    {.func = S("runtime.gopark"), .file = S("/usr/local/go/src/runtime/proc.go"), .line = 460},
    {.func = S("runtime.semacquire1"), .file = S("/usr/local/go/src/runtime/sema.go"), .line = 188},
    {.func = S("internal/sync.runtime_SemacquireMutex"), .file = S("/usr/local/go/src/runtime/sema.go"), .line = 95},
    {.func = S("sync.(*Mutex).Lock"), .file = S("/usr/local/go/src/sync/mutex.go"), .line = 46},
    {.func = S("main.update"), .file = S("/src/app/cache.go"), .line = 31},
};
static const dump_frame created_by_handle = {.func = S("main.handle"), .file = S("/src/app/main.go"), .line = 88};

static void test_wait_kinds(void) {
    dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
    dump_goroutine g = mk_goroutine(0, NULL, -1, mutex_wait, 5); /* debug=1: no state */
    g.count = 3;
    dump_buckets_sink(set, &g);
    dump_buckets_finish(set);
    const dump_bucket *b = dump_buckets_at(set, 0);
    CHECK_EQ_INT(dump_bucket_wait_kind(b), DUMP_WAIT_SYNC);
    CHECK_EQ_UINT(dump_bucket_blocked(b), 3);
    CHECK_EQ_MEM(dump_bucket_top_user_frame(b)->func.ptr, dump_bucket_top_user_frame(b)->func.len,
                 "main.update");
    ls_str inferred = dump_bucket_state_or_inferred(b);
    CHECK_EQ_MEM(inferred.ptr, inferred.len, "sync.Mutex.Lock");
    dump_buckets_free(set);

    size_t n;
    const dump_frame *send = chan_send_stack(&n, "()");
    set = dump_buckets_new(DUMP_GROUP_LINE);
    sink_n(set, 1, 1, "chan send (nil chan)", -1, send, n, NULL);
    sink_n(set, 10, 2, "IO wait", -1, worker, 4, NULL);
    dump_buckets_finish(set);
    CHECK_EQ_INT(dump_bucket_wait_kind(dump_buckets_at(set, 0)), DUMP_WAIT_NONE); /* IO wait */
    CHECK_EQ_INT(dump_bucket_wait_kind(dump_buckets_at(set, 1)), DUMP_WAIT_FOREVER);
    dump_buckets_free(set);
}

static void test_ignores(void) {
    dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
    sink_n(set, 1, 1, "syscall", 300, signal_loop, 3, NULL);
    sink_n(set, 10, 40, "select", 120, read_loop, 3, NULL);
    sink_n(set, 100, 8, "chan receive", 90, worker, 4, NULL);
    dump_buckets_finish(set);

    dump_ignore *none = dump_ignore_new(false);
    dump_ignore *ig = dump_ignore_new(true);
    const dump_bucket *sig = NULL, *idle = NULL, *work = NULL;
    for (size_t i = 0; i < dump_buckets_len(set); i++) {
        const dump_bucket *b = dump_buckets_at(set, i);
        if (b->count == 1)
            sig = b;
        else if (b->count == 40)
            idle = b;
        else
            work = b;
    }
    CHECK_EQ_STR(dump_ignore_match(ig, sig), "built-in: os/signal.loop");
    CHECK_EQ_STR(dump_ignore_match(ig, idle), "built-in: net/http.(*persistConn).readLoop");
    CHECK_EQ_STR(dump_ignore_match(ig, work), NULL);
    CHECK_EQ_STR(dump_ignore_match(none, idle), NULL);
    CHECK_EQ_STR(dump_ignore_match(NULL, idle), NULL);

    /* Without ignores the idle connections are suspects; with them, not. */
    dump_suspects *s = dump_suspects_find(set, NULL, none, NULL);
    CHECK_EQ_UINT(s->len, 2);
    CHECK_EQ_UINT(s->goroutines, 48);
    dump_suspects_free(s);
    s = dump_suspects_find(set, NULL, ig, NULL);
    CHECK_EQ_UINT(s->len, 1);
    CHECK_EQ_PTR(s->at[0].bucket, work);
    CHECK_EQ_UINT(s->ignored_buckets, 2);
    CHECK_EQ_UINT(s->ignored_goroutines, 41);
    dump_suspects_free(s);

    /* --ignore-top: the first frame outside the runtime, like goleak's IgnoreTopFunction */
    dump_ignore_add_top(ig, "main.worker");
    CHECK_EQ_STR(dump_ignore_match(ig, work), "--ignore-top main.worker");
    dump_ignore_free(ig);

    /* --ignore-stack: an extended regular expression on "FUNC FILE:LINE" lines */
    ig = dump_ignore_new(false);
    char err[200];
    CHECK_EQ_INT(dump_ignore_add_stack(ig, "^main\\.worker /src/app/pool\\.go:1[0-9]$", err, sizeof err), 0);
    CHECK_EQ_STR(dump_ignore_match(ig, work), "--ignore-stack ^main\\.worker /src/app/pool\\.go:1[0-9]$");
    CHECK_EQ_STR(dump_ignore_match(ig, idle), NULL);
    CHECK_EQ_INT(dump_ignore_add_stack(ig, "main.(worker", err, sizeof err), -1);
    CHECK(strstr(err, "--ignore-stack 'main.(worker'") != NULL);
    dump_ignore_free(ig);
    dump_ignore_free(none);
    dump_buckets_free(set);
}

static void test_reasons_and_scores(void) {
    size_t n;
    const dump_frame *send = chan_send_stack(&n, "()");
    dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
    /* 1,204 senders blocked 47..312 minutes, created by main.handle */
    for (uint64_t i = 0; i < 1204; i++) {
        dump_goroutine g = mk_goroutine(1000 + i, "chan send", 47 + (int64_t)(i * 265 / 1203), send, n);
        g.has_created_by = true;
        g.created_by = created_by_handle;
        dump_buckets_sink(set, &g);
    }
    sink_n(set, 5000, 6, "sync.Mutex.Lock", 2, mutex_wait, 5, NULL);
    sink_n(set, 6000, 3, "chan receive", -1, worker, 4, NULL); /* a small idle pool: not a suspect */
    dump_buckets_finish(set);
    dump_ignore *ig = dump_ignore_new(true);
    dump_suspects *s = dump_suspects_find(set, NULL, ig, NULL);
    CHECK_EQ_UINT(s->len, 2);
    CHECK_EQ_STR(s->at[0].reason, "1,204 goroutines blocked in chan send for 47-312 minutes on one stack; "
                                  "created by main.handle at main.go:88");
    CHECK_EQ_STR(s->at[1].reason, "6 goroutines blocked in sync.Mutex.Lock for 2-7 minutes on one stack");
    CHECK(s->at[0].score > s->at[1].score);
    CHECK_EQ_UINT(s->goroutines, 1210);
    dump_suspects_free(s);

    /* Fewer than min_count but waiting long enough is a suspect too. */
    dump_suspect_options opt;
    dump_suspect_options_default(&opt);
    opt.min_count = 2000;
    opt.long_wait = 400;
    s = dump_suspects_find(set, &opt, ig, NULL);
    CHECK_EQ_UINT(s->len, 0);
    CHECK_EQ_UINT(s->goroutines, 0);
    dump_suspects_free(s);

    /* In a runtime deadlock every blocked bucket is a suspect. */
    opt.deadlock = true;
    s = dump_suspects_find(set, &opt, ig, NULL);
    CHECK_EQ_UINT(s->len, 3);
    CHECK(strstr(s->at[2].reason, "3 goroutines blocked in chan receive on one stack; the runtime found every "
                                  "goroutine asleep (deadlock)") != NULL);
    dump_suspects_free(s);
    dump_ignore_free(ig);
    dump_buckets_free(set);
}

static void test_leak_profile(void) {
    dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
    dump_goroutine g = mk_goroutine(0, NULL, -1, worker, 4);
    g.count = 2;
    g.from_leak_profile = true;
    dump_buckets_sink(set, &g);
    dump_buckets_finish(set);
    dump_suspects *s = dump_suspects_find(set, NULL, NULL, NULL);
    CHECK_EQ_UINT(s->len, 1);
    CHECK(strstr(s->at[0].reason, "goroutineleak profile") != NULL);
    CHECK(strstr(s->at[0].reason, "2 goroutines blocked in chan receive") != NULL);
    dump_suspects_free(s);
    dump_buckets_free(set);
}

/* Long waits: a lone receiver is a daemon, a lone sender or lock waiter a suspect. */
static void test_lone_long_waits(void) {
    size_t n;
    const dump_frame *send = chan_send_stack(&n, "()");
    dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
    sink_n(set, 1, 1, "chan receive", 600, worker, 4, NULL);
    sink_n(set, 2, 1, "chan send", 600, send, n, NULL);
    sink_n(set, 3, 1, "sync.Mutex.Lock", 30, mutex_wait, 5, NULL);
    sink_n(set, 10, 2, "select", 30, read_loop, 3, NULL); /* two: a suspect (no built-in ignores here) */
    dump_buckets_finish(set);
    dump_suspects *s = dump_suspects_find(set, NULL, NULL, NULL);
    CHECK_EQ_UINT(s->len, 3);
    CHECK_EQ_UINT(s->goroutines, 4);
    for (size_t i = 0; i < s->len; i++)
        CHECK(strstr(s->at[i].reason, "chan receive") == NULL);
    dump_suspects_free(s);
    dump_buckets_free(set);
}

int main(void) {
    test_lone_long_waits();
    test_wait_kinds();
    test_ignores();
    test_reasons_and_scores();
    test_leak_profile();
    return check_finish();
}
