/*
 * Detection for one target: the snapshots of the last window, analyzed by
 * dump_series_analyze after every scrape with the target's thresholds, so
 * that `watch` and `dump` of the same dumps agree on what grows.
 *
 * An alert fires once per bucket.  The bucket then counts as alerting until
 * it recovers: its count falls back to where the growth started, or it is
 * gone.  A leak that stops growing has not recovered: its goroutines are
 * still there.  The blocked-share alert works the same way for the target.
 */
#include <stdlib.h>
#include <string.h>

#include "leakscope/watch.h"

typedef struct alerting {
    uint64_t id;
    uint64_t baseline; /* the count the growth started from */
} alerting;

typedef struct snapshot {
    double time;
    dump_buckets *buckets;
} snapshot;

typedef struct seen {
    uint64_t id;
    double first;
} seen;

struct watch_detector {
    dump_series_options opt;
    const dump_ignore *ignore;
    snapshot *snaps;
    size_t nsnaps, capsnaps;
    alerting *alerts;
    size_t nalerts, capalerts;
    bool blocked_alerting;
    seen *seen; /* first sightings, sorted by ID */
    size_t nseen, capseen;
};

static void *grow(void *p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap)
        return p;
    *cap = *cap ? *cap * 2 : 16;
    if (*cap < need)
        *cap = need;
    p = realloc(p, *cap * size);
    if (!p)
        abort();
    return p;
}

watch_detector *watch_detector_new(const dump_series_options *opt, const dump_ignore *ignore) {
    watch_detector *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->opt = *opt;
    d->ignore = ignore;
    return d;
}

/* Keeps what the window and the blocked run need, frees the rest. */
static void trim(watch_detector *d, double now) {
    size_t keep_last = d->opt.blocked_snapshots > 2 ? d->opt.blocked_snapshots : 2;
    size_t drop = 0;
    while (drop < d->nsnaps && d->nsnaps - drop > keep_last && now - d->snaps[drop].time > d->opt.window_seconds)
        drop++;
    for (size_t i = 0; i < drop; i++)
        dump_buckets_free(d->snaps[i].buckets);
    memmove(d->snaps, d->snaps + drop, (d->nsnaps - drop) * sizeof *d->snaps);
    d->nsnaps -= drop;
}

static alerting *find_alerting(watch_detector *d, uint64_t id) {
    for (size_t i = 0; i < d->nalerts; i++)
        if (d->alerts[i].id == id)
            return &d->alerts[i];
    return NULL;
}

/* Buckets that recovered leave the alerting set. */
static void recover(watch_detector *d, const dump_buckets *latest) {
    size_t k = 0;
    for (size_t i = 0; i < d->nalerts; i++) {
        const dump_bucket *b = dump_buckets_find(latest, d->alerts[i].id);
        if (b && b->count > d->alerts[i].baseline)
            d->alerts[k++] = d->alerts[i];
    }
    d->nalerts = k;
}

/* First sightings: binary search, insertion keeps the array sorted.  Grows
 * with the distinct stacks a target ever has, which stay few. */
static double first_seen(watch_detector *d, uint64_t id, double now) {
    size_t lo = 0, hi = d->nseen;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->seen[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < d->nseen && d->seen[lo].id == id)
        return d->seen[lo].first;
    d->seen = grow(d->seen, &d->capseen, d->nseen + 1, sizeof *d->seen);
    memmove(d->seen + lo + 1, d->seen + lo, (d->nseen - lo) * sizeof *d->seen);
    d->seen[lo] = (seen){id, now};
    d->nseen++;
    return now;
}

static uint64_t window_min(const dump_series_bucket *sb, size_t n) {
    uint64_t m = sb->counts[0];
    for (size_t i = 1; i < n; i++)
        if (sb->counts[i] < m)
            m = sb->counts[i];
    return m;
}

static void fire_growth(watch_detector *d, const dump_series *s, double now,
                        void (*alert)(void *ctx, const watch_alert *a), void *ctx) {
    const dump_buckets *latest = d->snaps[d->nsnaps - 1].buckets;
    for (size_t i = 0; i < s->nbuckets; i++) {
        const dump_series_bucket *sb = &s->buckets[i];
        if (!sb->alert)
            break; /* alerting buckets sort first */
        const dump_bucket *b = dump_buckets_find(latest, sb->id);
        if (!b || find_alerting(d, sb->id))
            continue;
        /* the growth must still be there: not an old rise since undone */
        uint64_t base = window_min(sb, s->npoints);
        double pct = 100.0 * (double)(b->count - base) / (double)(base ? base : 1);
        if (b->count < base + d->opt.growth_min || pct < d->opt.growth_pct)
            continue;
        d->alerts = grow(d->alerts, &d->capalerts, d->nalerts + 1, sizeof *d->alerts);
        d->alerts[d->nalerts++] = (alerting){sb->id, base};
        watch_alert a = {WATCH_ALERT_GROWTH, now, b, sb, first_seen(d, sb->id, now), sb->alert_text};
        alert(ctx, &a);
    }
}

static void fire_blocked(watch_detector *d, const dump_series *s, double now,
                         void (*alert)(void *ctx, const watch_alert *a), void *ctx) {
    const dump_series_point *last = &s->points[s->npoints - 1];
    double pct = last->total ? 100.0 * (double)last->blocked / (double)last->total : 0;
    if (pct < d->opt.blocked_pct)
        d->blocked_alerting = false;
    if (!s->blocked_alert || d->blocked_alerting || pct < d->opt.blocked_pct)
        return;
    d->blocked_alerting = true;
    watch_alert a = {WATCH_ALERT_BLOCKED, now, NULL, NULL, -1, s->blocked_text};
    alert(ctx, &a);
}

void watch_detector_add(watch_detector *d, double time, dump_buckets *buckets,
                        void (*alert)(void *ctx, const watch_alert *a), void *ctx) {
    d->snaps = grow(d->snaps, &d->capsnaps, d->nsnaps + 1, sizeof *d->snaps);
    d->snaps[d->nsnaps++] = (snapshot){time, buckets};
    trim(d, time);
    for (size_t i = 0; i < dump_buckets_len(buckets); i++)
        first_seen(d, dump_buckets_at(buckets, i)->id, time);
    recover(d, buckets);
    double *times = malloc(d->nsnaps * sizeof *times);
    const dump_buckets **sets = malloc(d->nsnaps * sizeof *sets);
    if (!times || !sets)
        abort();
    for (size_t i = 0; i < d->nsnaps; i++) {
        times[i] = d->snaps[i].time;
        sets[i] = d->snaps[i].buckets;
    }
    dump_series *s = dump_series_analyze(&d->opt, times, sets, d->nsnaps, d->ignore);
    fire_growth(d, s, time, alert, ctx);
    fire_blocked(d, s, time, alert, ctx);
    dump_series_free(s);
    free(times);
    free(sets);
}

const dump_buckets *watch_detector_latest(const watch_detector *d) {
    return d->nsnaps ? d->snaps[d->nsnaps - 1].buckets : NULL;
}

size_t watch_detector_len(const watch_detector *d) {
    return d->nsnaps;
}

const dump_buckets *watch_detector_at(const watch_detector *d, size_t i, double *time) {
    if (time)
        *time = d->snaps[i].time;
    return d->snaps[i].buckets;
}

size_t watch_detector_alerting(const watch_detector *d) {
    return d->nalerts;
}

void watch_detector_free(watch_detector *d) {
    if (!d)
        return;
    for (size_t i = 0; i < d->nsnaps; i++)
        dump_buckets_free(d->snaps[i].buckets);
    free(d->snaps);
    free(d->alerts);
    free(d->seen);
    free(d);
}
