/*
 * Series (src/dump/series.c): verdicts from the least-squares line, the
 * growth alert (+15% and +50 within 5 minutes by default) and the blocked
 * share alert, on snapshots built by hand.
 */
#include <string.h>

#include "../check.h"
#include "make_goroutine.h"

static const dump_frame leak[] = {
    {.func = S("runtime.gopark"), .file = S("/usr/local/go/src/runtime/proc.go"), .line = 460},
    {.func = S("runtime.chansend1"), .file = S("/usr/local/go/src/runtime/chan.go"), .line = 161},
    {.func = S("main.lookup.func1"), .file = S("/src/app/main.go"), .line = 21},
};
static const dump_frame steady[] = {
    {.func = S("internal/poll.runtime_pollWait"), .file = S("/usr/local/go/src/runtime/netpoll.go"), .line = 351},
    {.func = S("main.serve"), .file = S("/src/app/main.go"), .line = 60},
};
static const dump_frame draining[] = {
    {.func = S("runtime.gopark"), .file = S("/usr/local/go/src/runtime/proc.go"), .line = 460},
    {.func = S("main.batch"), .file = S("/src/app/batch.go"), .line = 9},
};

static dump_buckets *snapshot(uint64_t leaking, const char *leak_state, uint64_t serving, uint64_t batch) {
    dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
    uint64_t id = 1;
    for (uint64_t i = 0; i < leaking; i++) {
        dump_goroutine g = mk_goroutine(id++, leak_state, -1, leak, 3);
        dump_buckets_sink(set, &g);
    }
    for (uint64_t i = 0; i < serving; i++) {
        dump_goroutine g = mk_goroutine(id++, "IO wait", -1, steady, 2);
        dump_buckets_sink(set, &g);
    }
    for (uint64_t i = 0; i < batch; i++) {
        dump_goroutine g = mk_goroutine(id++, "runnable", -1, draining, 2);
        dump_buckets_sink(set, &g);
    }
    dump_buckets_finish(set);
    return set;
}

static const dump_series_bucket *by_func(const dump_series *s, const char *func) {
    for (size_t i = 0; i < s->nbuckets; i++) {
        const dump_bucket *b = s->buckets[i].last;
        if (ls_str_eq_cstr(b->frames[b->nframes - 1].func, func))
            return &s->buckets[i];
    }
    return NULL;
}

static void test_linear_growth(void) {
    enum { N = 6 };
    dump_buckets *snaps[N];
    double times[N];
    for (int i = 0; i < N; i++) {
        times[i] = 1795000000.0 + 60.0 * i; /* one a minute */
        snaps[i] = snapshot(400 + 40 * (uint64_t)i, "chan send", 1000 + (i % 2), 600 - 100 * (uint64_t)i);
    }
    dump_ignore *ig = dump_ignore_new(true);
    dump_series *s = dump_series_analyze(NULL, times, (const dump_buckets *const *)snaps, N, ig);
    CHECK_EQ_UINT(s->npoints, N);
    CHECK_EQ_UINT(s->nbuckets, 3);
    const dump_series_bucket *grow = by_func(s, "main.lookup.func1");
    CHECK_EQ_PTR(&s->buckets[0], grow); /* alerting buckets first */
    CHECK_EQ_INT(grow->verdict, DUMP_VERDICT_GROWS);
    CHECK_EQ_STR(grow->verdict_text, "grows linearly (fit 1.00)");
    CHECK(grow->slope_per_minute > 39.99 && grow->slope_per_minute < 40.01);
    CHECK_EQ_UINT(grow->counts[5], 600);
    CHECK(grow->alert);
    /* 5 minutes: from 400 to 600 is +200 (+50%) */
    CHECK_EQ_STR(grow->alert_text, "+200 (+50%) in 5m0s, from 400 to 600");
    CHECK_EQ_PTR(dump_series_find(s, grow->id), grow);

    const dump_series_bucket *flat = by_func(s, "main.serve");
    CHECK_EQ_INT(flat->verdict, DUMP_VERDICT_STABLE);
    CHECK_EQ_STR(flat->verdict_text, "stable");
    CHECK(!flat->alert);
    const dump_series_bucket *drain = by_func(s, "main.batch");
    CHECK_EQ_INT(drain->verdict, DUMP_VERDICT_DRAINS);
    CHECK(drain->slope_per_minute < -99.9);

    /* blocked share: 400/2000 = 20% at the start, 600/1601 = 37% at the end */
    CHECK(s->blocked_alert);
    CHECK(strstr(s->blocked_text, "for 6 consecutive snapshots") != NULL);

    /* growth becomes a suspect reason */
    dump_suspects *sus = dump_suspects_find(snaps[N - 1], NULL, ig, s);
    CHECK(sus->len >= 1);
    CHECK_EQ_UINT(sus->at[0].bucket->id, grow->id);
    CHECK(strstr(sus->at[0].reason, "grows linearly (fit 1.00), +40.0 per minute; +200 (+50%) in 5m0s") != NULL);
    dump_suspects_free(sus);
    dump_series_free(s);
    dump_ignore_free(ig);
    for (int i = 0; i < N; i++)
        dump_buckets_free(snaps[i]);
}

static void test_thresholds(void) {
    /* +40 in 5 minutes (+10%): under the defaults (50 and 15%) */
    dump_buckets *snaps[2] = {snapshot(400, "chan send", 10, 0), snapshot(440, "chan send", 10, 0)};
    double times[2] = {0, 300};
    dump_series *s = dump_series_analyze(NULL, times, (const dump_buckets *const *)snaps, 2, NULL);
    const dump_series_bucket *b = by_func(s, "main.lookup.func1");
    CHECK(!b->alert);
    CHECK_EQ_STR(b->verdict_text, "grows");
    dump_series_free(s);

    dump_series_options o;
    dump_series_options_default(&o);
    CHECK_EQ_UINT(o.growth_min, 50);
    CHECK(o.growth_pct == 15 && o.window_seconds == 300 && o.blocked_pct == 20 && o.blocked_snapshots == 2);
    o.growth_min = 40;
    o.growth_pct = 10;
    s = dump_series_analyze(&o, times, (const dump_buckets *const *)snaps, 2, NULL);
    CHECK(by_func(s, "main.lookup.func1")->alert);
    dump_series_free(s);

    /* outside the window: the growth spreads over 10 minutes, but snapshots
     * further apart than the window are compared pairwise */
    double far[2] = {0, 600};
    o.window_seconds = 300;
    s = dump_series_analyze(&o, far, (const dump_buckets *const *)snaps, 2, NULL);
    CHECK(by_func(s, "main.lookup.func1")->alert);
    dump_series_free(s);

    /* blocked share needs consecutive snapshots */
    o.blocked_snapshots = 3;
    s = dump_series_analyze(&o, times, (const dump_buckets *const *)snaps, 2, NULL);
    CHECK(!s->blocked_alert);
    dump_series_free(s);
    for (int i = 0; i < 2; i++)
        dump_buckets_free(snaps[i]);
}

static void test_new_and_gone(void) {
    dump_buckets *snaps[3] = {snapshot(0, "chan send", 10, 5), snapshot(0, "chan send", 10, 0),
                              snapshot(7, "chan send", 10, 0)};
    double times[3] = {0, 60, 120};
    dump_series *s = dump_series_analyze(NULL, times, (const dump_buckets *const *)snaps, 3, NULL);
    CHECK_EQ_INT(by_func(s, "main.lookup.func1")->verdict, DUMP_VERDICT_NEW);
    CHECK_EQ_INT(by_func(s, "main.batch")->verdict, DUMP_VERDICT_GONE);
    CHECK_EQ_UINT(by_func(s, "main.batch")->counts[2], 0);
    dump_series_free(s);
    for (int i = 0; i < 3; i++)
        dump_buckets_free(snaps[i]);
}

/* A debug=1 snapshot has no states: the traceback snapshot before it tells. */
static void test_states_across_formats(void) {
    dump_buckets *text = snapshot(100, "chan send", 10, 0);
    dump_buckets *agg = dump_buckets_new(DUMP_GROUP_LINE);
    dump_goroutine g = mk_goroutine(0, NULL, -1, leak, 3);
    g.count = 300;
    dump_buckets_sink(agg, &g);
    dump_buckets_finish(agg);
    const dump_buckets *sets[2] = {text, agg};
    double times[2] = {0, 60};
    dump_series *s = dump_series_analyze(NULL, times, sets, 2, NULL);
    dump_suspects *sus = dump_suspects_find(agg, NULL, NULL, s);
    CHECK_EQ_UINT(sus->len, 1);
    CHECK(strncmp(sus->at[0].reason, "300 goroutines blocked in chan send on one stack; grows", 55) == 0);
    dump_suspects_free(sus);
    dump_series_free(s);
    dump_buckets_free(text);
    dump_buckets_free(agg);
}

int main(void) {
    test_states_across_formats();
    test_linear_growth();
    test_thresholds();
    test_new_and_gone();
    return check_finish();
}
