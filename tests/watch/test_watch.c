/*
 * Unit tests of the watch library: durations and target URLs, the targets
 * file (good, inherited and broken), the detector (one alert per bucket until
 * it recovers, none for a stable bucket) and the store (a scrape round trip
 * with the same bucket IDs, first sightings, retention by age).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "../dump/make_goroutine.h"
#include "leakscope/watch.h"

/* CHECK as an expression: true when the check passed. */
#define CHECK_OK(cond) (CHECK_HERE(!!(cond)) || (fprintf(stderr, "CHECK(%s) failed\n", #cond), false))

static char tmpdir[] = "/tmp/leakscope_watch_test.XXXXXX";

static const char *write_tmp(const char *name, const char *text) {
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_durations(void) {
    CHECK(watch_parse_duration("30s") == 30);
    CHECK(watch_parse_duration("5m") == 300);
    CHECK(watch_parse_duration("1h30m") == 5400);
    CHECK(watch_parse_duration("250ms") == 0.25);
    CHECK(watch_parse_duration("2d") == 172800);
    CHECK(watch_parse_duration("7") == 7);
    CHECK(watch_parse_duration("") < 0);
    CHECK(watch_parse_duration("5q") < 0);
    CHECK(watch_parse_duration("-3s") < 0);
    CHECK(watch_parse_duration("1e300s") < 0);
    CHECK(watch_parse_duration("inf") < 0);
    CHECK(watch_parse_duration("nan") < 0);
}

static void check_url(const char *arg, dump_format f, const char *want) {
    char *got = watch_target_url(arg, f);
    CHECK_EQ_STR(got, want);
    free(got);
}

static void test_urls(void) {
    check_url("127.0.0.1:6060", DUMP_FORMAT_PPROF, "http://127.0.0.1:6060/debug/pprof/goroutine?debug=0");
    check_url("http://h:1", DUMP_FORMAT_DEBUG1, "http://h:1/debug/pprof/goroutine?debug=1");
    check_url("http://h:1/", DUMP_FORMAT_TEXT, "http://h:1/debug/pprof/goroutine?debug=2");
    check_url("https://h/custom/goroutines?x=1", DUMP_FORMAT_PPROF, "https://h/custom/goroutines?x=1");
}

static void test_targets_file(void) {
    dump_series_options d;
    dump_series_options_default(&d);
    const char *good = write_tmp("good.yml", "interval: 10s\n"
                                             "thresholds: {growth_min: 7}\n"
                                             "targets:\n"
                                             "  - name: api\n"
                                             "    url: 10.0.0.1:6060\n"
                                             "    labels: {team: pay}\n"
                                             "    interval: 2s\n"
                                             "    thresholds: {growth_pct: 30, window: 1m, blocked_scrapes: 0}\n"
                                             "  - url: http://10.0.0.2:6060/\n");
    watch_targets t = {0};
    char err[512] = "";
    CHECK(watch_targets_load(&t, good, DUMP_FORMAT_PPROF, 30, &d, err, sizeof err) == 0);
    if (CHECK_OK(t.len == 2)) {
        CHECK_EQ_STR(t.at[0].name, "api");
        CHECK_EQ_STR(t.at[0].url, "http://10.0.0.1:6060/debug/pprof/goroutine?debug=0");
        CHECK(t.at[0].interval == 2);
        CHECK(t.at[0].thresholds.growth_pct == 30);
        CHECK(t.at[0].thresholds.growth_min == 7); /* from the top of the file */
        CHECK(t.at[0].thresholds.window_seconds == 60);
        CHECK(t.at[0].thresholds.blocked_snapshots == 0);
        CHECK(t.at[0].nlabels == 1 && strcmp(t.at[0].labels[0].value, "pay") == 0);
        CHECK(t.at[0].source_line == 4);
        CHECK_EQ_STR(t.at[1].name, "10.0.0.2:6060");
        CHECK(t.at[1].interval == 10);
        CHECK(t.at[1].thresholds.growth_pct == d.growth_pct);
    }
    watch_targets_free(&t);

    struct {
        const char *text, *want;
    } bad[] = {
        {"targets:\n  - url: a:1\n    intervall: 5s\n", "bad.yml:3: unknown key 'intervall'"},
        {"targets:\n  - name: x\n", "bad.yml:2: this target has no url"},
        {"targets:\n  - {name: x, url: a:1}\n  - {name: x, url: b:1}\n", "bad.yml:3: a second target named 'x'"},
        {"targets:\n  - {url: a:1, interval: soon}\n", "bad.yml:2: interval must be a duration"},
        {"targets:\n  - {url: a:1, thresholds: {growth: 5}}\n", "bad.yml:2: unknown threshold 'growth'"},
        {"targets: [\n", "bad.yml:2: not valid YAML"},
        {"target:\n  - url: a:1\n", "bad.yml:1: unknown key 'target' at the top"},
        /* found by fuzz_watch_targets: a count too large for an integer */
        {"targets:\n  - {url: a:1, thresholds: {growth_min: 88888888888888888888888888}}\n",
         "bad.yml:2: growth_min must be a number from 0 to 10^12"},
        {"targets:\n  - {url: a:1, thresholds: {blocked_scrapes: 55555555552}}\n",
         "bad.yml:2: blocked_scrapes must be at most 1000000"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        watch_targets b = {0};
        const char *path = write_tmp("bad.yml", bad[i].text);
        err[0] = '\0';
        CHECK(watch_targets_load(&b, path, DUMP_FORMAT_PPROF, 30, &d, err, sizeof err) == -1);
        CHECK(b.len == 0); /* a broken file adds nothing */
        const char *at = strstr(err, "bad.yml:");
        if (!CHECK_OK(at && strncmp(at, bad[i].want, strlen(bad[i].want)) == 0))
            fprintf(stderr, "case %zu: got '%s', want '%s...'\n", i, err, bad[i].want);
        watch_targets_free(&b);
    }
}

/* A snapshot with `leak` goroutines sending on a channel and 20 in a stable
 * pool (a different stack). */
static dump_buckets *snapshot(uint64_t leak) {
    dump_buckets *b = dump_buckets_new(DUMP_GROUP_LINE);
    size_t n;
    const dump_frame *send = chan_send_stack(&n, "()");
    dump_goroutine g = mk_goroutine(1, "chan send", -1, send, n);
    g.count = leak;
    if (leak)
        dump_buckets_sink(b, &g);
    static dump_frame pool[2];
    pool[0] = mk_frame("runtime.gopark", "()", "/usr/local/go/src/runtime/proc.go", 460);
    pool[1] = mk_frame("main.worker", "()", "/src/app/pool.go", 12);
    dump_goroutine p = mk_goroutine(2, "chan receive", -1, pool, 2);
    p.count = 20;
    dump_buckets_sink(b, &p);
    dump_buckets_finish(b);
    return b;
}

typedef struct seen_alerts {
    int growth, blocked;
    uint64_t bucket;
    char first_func[64];
} seen_alerts;

static void on_alert(void *ctx, const watch_alert *a) {
    seen_alerts *s = ctx;
    if (a->kind == WATCH_ALERT_BLOCKED) {
        s->blocked++;
        return;
    }
    s->growth++;
    s->bucket = a->bucket->id;
    const dump_frame *f = dump_bucket_top_user_frame(a->bucket);
    snprintf(s->first_func, sizeof s->first_func, "%.*s", (int)f->func.len, f->func.ptr);
}

static void test_detector(void) {
    dump_series_options o;
    dump_series_options_default(&o);
    o.blocked_snapshots = 0;
    watch_detector *d = watch_detector_new(&o, NULL);
    seen_alerts s = {0};
    /* minute by minute: 10, 100 (alert), 200 (still alerting: no new
     * alert), 200, 5 (recovered), 5, 300 (grows again: a second alert) */
    uint64_t counts[] = {10, 100, 200, 200, 5, 5, 300};
    int want_growth[] = {0, 1, 1, 1, 1, 1, 2};
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        watch_detector_add(d, 1000.0 + 60.0 * (double)i, snapshot(counts[i]), on_alert, &s);
        if (!CHECK_OK(s.growth == want_growth[i]))
            fprintf(stderr, "after minute %zu (count %llu): %d alerts, want %d\n", i,
                    (unsigned long long)counts[i], s.growth, want_growth[i]);
    }
    CHECK_EQ_STR(s.first_func, "main.lookup.func1");
    CHECK(s.blocked == 0);
    /* the window (5 minutes) holds 6 snapshots at most */
    CHECK(watch_detector_len(d) <= 6);
    watch_detector_free(d);

    /* blocked: every goroutine blocked, 2 scrapes in a row: one alert */
    dump_series_options_default(&o);
    d = watch_detector_new(&o, NULL);
    memset(&s, 0, sizeof s);
    for (int i = 0; i < 4; i++)
        watch_detector_add(d, 60.0 * i, snapshot(10), on_alert, &s);
    CHECK(s.blocked == 1);
    CHECK(s.growth == 0);
    watch_detector_free(d);
}

static void test_store(void) {
    char path[512], err[512] = "";
    snprintf(path, sizeof path, "%s/h.db", tmpdir);
    watch_store *st = watch_store_open(path, err, sizeof err);
    if (!CHECK_OK(st)) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    watch_target t = {.name = "api", .url = "http://a:1/debug/pprof/goroutine?debug=0", .interval = 30};
    dump_buckets *sets[3];
    for (int i = 0; i < 3; i++) {
        watch_scrape r = {.start = 1000.0 + 60 * i, .duration = 0.01, .http_status = 200};
        sets[i] = r.buckets = snapshot(50 * (uint64_t)(i + 1));
        CHECK(watch_store_put_scrape(st, &t, &r, err, sizeof err) == 0);
    }
    watch_scrape failed = {.start = 1200, .duration = 1};
    snprintf(failed.error, sizeof failed.error, "connection refused");
    CHECK(watch_store_put_scrape(st, &t, &failed, err, sizeof err) == 0);

    const dump_bucket *leak = dump_buckets_at(sets[2], 0);
    CHECK(watch_store_first_seen(st, &t, leak->id) == 1000.0);
    CHECK(watch_store_first_seen(st, &t, 12345) < 0);

    watch_history h;
    if (CHECK_OK(watch_store_history(st, NULL, 0, 0, &h, err, sizeof err) == 0)) {
        CHECK_EQ_STR(h.target, "api");
        CHECK(h.n == 3); /* the failed scrape is not a point */
        for (size_t i = 0; i < h.n && i < 3; i++) {
            CHECK(dump_buckets_len(h.snaps[i]) == dump_buckets_len(sets[i]));
            for (size_t j = 0; j < dump_buckets_len(sets[i]); j++) {
                const dump_bucket *want = dump_buckets_at(sets[i], j);
                const dump_bucket *got = dump_buckets_find(h.snaps[i], want->id);
                CHECK(got && got->count == want->count);
            }
        }
        watch_history_free(&h);
    }
    /* at most 2 points: the first and the last */
    if (CHECK_OK(watch_store_history(st, "api", 0, 2, &h, err, sizeof err) == 0)) {
        CHECK(h.n == 2 && h.times[0] == 1000.0 && h.times[1] == 1120.0);
        watch_history_free(&h);
    }
    /* retention: at 1200 with a 100 s limit, the scrapes at 1000 and 1060 go */
    CHECK(watch_store_retain(st, 1200, 100, 0, err, sizeof err) == 2);
    CHECK(watch_store_first_seen(st, &t, leak->id) == 1000.0); /* still counted at 1120 */
    CHECK(watch_store_retain(st, 5000, 100, 0, err, sizeof err) == 2);
    CHECK(watch_store_first_seen(st, &t, leak->id) < 0); /* no scrape refers to it */
    CHECK(watch_store_history(st, NULL, 0, 0, &h, err, sizeof err) == -1);
    CHECK(strstr(err, "no scrapes") != NULL);
    watch_history_free(&h);
    for (int i = 0; i < 3; i++)
        dump_buckets_free(sets[i]);
    watch_store_close(st);
}

/* Retention by size: the oldest scrapes go until the data fits. */
static void test_retain_size(void) {
    char path[512], err[512] = "";
    snprintf(path, sizeof path, "%s/size.db", tmpdir);
    watch_store *st = watch_store_open(path, err, sizeof err);
    if (!CHECK_OK(st))
        return;
    watch_target t = {.name = "api", .url = "http://a:1/", .interval = 1};
    dump_buckets *set = snapshot(10);
    for (int i = 0; i < 2000; i++) {
        watch_scrape r = {.start = 1000.0 + i, .duration = 0.01, .http_status = 200, .buckets = set};
        watch_store_put_scrape(st, &t, &r, err, sizeof err);
    }
    watch_history h;
    CHECK(watch_store_history(st, NULL, 0, 0, &h, err, sizeof err) == 0 && h.n == 2000);
    watch_history_free(&h);
    long deleted = watch_store_retain(st, 3000, 0, 64 * 1024, err, sizeof err);
    CHECK(deleted > 0 && deleted < 2000);
    if (CHECK_OK(watch_store_history(st, NULL, 0, 0, &h, err, sizeof err) == 0)) {
        CHECK(h.n == (size_t)(2000 - deleted));
        CHECK(h.times[h.n - 1] == 2999.0); /* the newest are kept */
        watch_history_free(&h);
    }
    CHECK(watch_store_retain(st, 3000, 0, 64 * 1024, err, sizeof err) == 0); /* it fits now */
    dump_buckets_free(set);
    watch_store_close(st);
}

int main(void) {
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_durations();
    test_urls();
    test_targets_file();
    test_detector();
    test_store();
    test_retain_size();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return check_finish();
}
