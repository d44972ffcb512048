/*
 * Series: the same buckets followed across snapshots taken over time.
 *
 * Each bucket gets its count at every point, a least-squares line through
 * those counts (growth per minute and how well a line fits), a verdict in
 * words, and an alert when it crosses the growth threshold (by default +15%
 * and +50 goroutines within 5 minutes).  The snapshot as a whole alerts when
 * blocked goroutines stay above a share of all goroutines for consecutive
 * snapshots.  `watch` reuses this with thresholds per target.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakscope/dump.h"

void dump_series_options_default(dump_series_options *o) {
    o->growth_pct = 15;
    o->growth_min = 50;
    o->window_seconds = 300;
    o->blocked_pct = 20;
    o->blocked_snapshots = 2;
}

static int cmp_u64(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* Every bucket ID of every snapshot, sorted, once. */
static uint64_t *all_ids(const dump_buckets *const *snaps, size_t n, size_t *len) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += dump_buckets_len(snaps[i]);
    uint64_t *ids = malloc((total ? total : 1) * sizeof *ids);
    if (!ids)
        abort();
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < dump_buckets_len(snaps[i]); j++)
            ids[k++] = dump_buckets_at(snaps[i], j)->id;
    qsort(ids, k, sizeof *ids, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || ids[u - 1] != ids[i])
            ids[u++] = ids[i];
    *len = u;
    return ids;
}

/* Least squares of counts over minutes: slope and r^2. */
static void fit_line(const double *times, const uint64_t *counts, size_t n, double *slope, double *r2) {
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) {
        mx += (times[i] - times[0]) / 60.0;
        my += (double)counts[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxx = 0, sxy = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = (times[i] - times[0]) / 60.0 - mx, dy = (double)counts[i] - my;
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    *slope = sxx > 0 ? sxy / sxx : 0;
    *r2 = syy == 0 ? 1.0 : sxx > 0 ? (sxy * sxy) / (sxx * syy) : 0;
}

static void format_duration(char *buf, size_t len, double seconds) {
    long s = (long)(seconds + 0.5);
    if (s >= 3600)
        snprintf(buf, len, "%ldh%ldm%lds", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, len, "%ldm%lds", s / 60, s % 60);
}

/* Growth within the window ending at each point; the largest that crosses
 * both thresholds raises the alert.  Snapshots further apart than the
 * window are compared with their predecessor. */
static void check_growth(dump_series_bucket *sb, const double *times, size_t n, const dump_series_options *o) {
    uint64_t best = 0;
    for (size_t j = 1; j < n; j++) {
        size_t i = j;
        while (i > 0 && times[j] - times[i - 1] <= o->window_seconds)
            i--;
        if (i == j)
            i = j - 1;
        if (sb->counts[j] <= sb->counts[i])
            continue;
        uint64_t growth = sb->counts[j] - sb->counts[i];
        double base = sb->counts[i] ? (double)sb->counts[i] : 1.0;
        double pct = 100.0 * (double)growth / base;
        if (growth < o->growth_min || pct < o->growth_pct || growth <= best)
            continue;
        best = growth;
        sb->alert = true;
        char dur[32];
        format_duration(dur, sizeof dur, times[j] - times[i]);
        snprintf(sb->alert_text, sizeof sb->alert_text, "+%llu (+%.0f%%) in %s, from %llu to %llu",
                 (unsigned long long)growth, pct, dur, (unsigned long long)sb->counts[i],
                 (unsigned long long)sb->counts[j]);
    }
}

static void judge_bucket(dump_series_bucket *sb, const double *times, size_t n) {
    fit_line(times, sb->counts, n, &sb->slope_per_minute, &sb->fit);
    uint64_t first = sb->counts[0], last = sb->counts[n - 1];
    size_t present = 0;
    for (size_t i = 0; i < n; i++)
        present += sb->counts[i] > 0;
    double base = first ? (double)first : 1.0;
    double rel = ((double)last - (double)first) / base;
    char *text = sb->verdict_text;
    size_t len = sizeof sb->verdict_text;
    if (last > first && last - first >= 3 && rel >= 0.10 && sb->slope_per_minute > 0) {
        bool line = n >= 3 && present >= 3 && sb->fit >= 0.8;
        if (first == 0 && present < 3) {
            sb->verdict = DUMP_VERDICT_NEW;
            snprintf(text, len, "new");
        } else if (n < 3) {
            sb->verdict = DUMP_VERDICT_GROWS;
            snprintf(text, len, "grows");
        } else {
            sb->verdict = DUMP_VERDICT_GROWS;
            snprintf(text, len, "%sgrows %s (fit %.2f)", first == 0 ? "new, " : "",
                     line ? "linearly" : "irregularly", sb->fit);
        }
    } else if (first == 0 && last > 0) {
        sb->verdict = DUMP_VERDICT_NEW;
        snprintf(text, len, "new");
    } else if (first > 0 && last == 0) {
        sb->verdict = DUMP_VERDICT_GONE;
        snprintf(text, len, "gone");
    } else if (last < first && rel <= -0.10) {
        sb->verdict = DUMP_VERDICT_DRAINS;
        snprintf(text, len, "drains");
    } else {
        sb->verdict = DUMP_VERDICT_STABLE;
        snprintf(text, len, first == 0 && last == 0 ? "came and went" : "stable");
    }
}

static void check_blocked(dump_series *s, const dump_ignore *ignore) {
    unsigned run = 0, longest = 0;
    double worst = 0;
    size_t end = 0;
    for (size_t p = 0; p < s->npoints; p++) {
        dump_series_point *pt = &s->points[p];
        const dump_buckets *set = pt->buckets;
        pt->total = dump_buckets_total(set);
        for (size_t i = 0; i < dump_buckets_len(set); i++) {
            const dump_bucket *b = dump_buckets_at(set, i);
            if (!dump_ignore_match(ignore, b))
                pt->blocked += dump_bucket_blocked(b);
        }
        double pct = pt->total ? 100.0 * (double)pt->blocked / (double)pt->total : 0;
        run = pct > s->opt.blocked_pct && pt->total ? run + 1 : 0;
        if (run > longest || (run == longest && run && pct > worst)) {
            longest = run;
            worst = pct;
            end = p;
        }
    }
    if (s->opt.blocked_snapshots && longest >= s->opt.blocked_snapshots) {
        s->blocked_alert = true;
        snprintf(s->blocked_text, sizeof s->blocked_text,
                 "blocked goroutines at %.0f%% of all (threshold %.0f%%) for %u consecutive snapshots, "
                 "through snapshot %zu",
                 worst, s->opt.blocked_pct, longest, end + 1);
    }
}

static int cmp_series_bucket(const void *x, const void *y) {
    const dump_series_bucket *a = x, *b = y;
    if (a->alert != b->alert)
        return a->alert ? -1 : 1;
    bool ga = a->verdict == DUMP_VERDICT_GROWS, gb = b->verdict == DUMP_VERDICT_GROWS;
    if (ga != gb)
        return ga ? -1 : 1;
    if (a->last->count != b->last->count)
        return a->last->count > b->last->count ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

static const dump_series *sort_ctx;

static int cmp_index_by_id(const void *x, const void *y) {
    uint64_t a = sort_ctx->buckets[*(const uint32_t *)x].id, b = sort_ctx->buckets[*(const uint32_t *)y].id;
    return (a > b) - (a < b);
}

/* dump_series_find is called once per bucket by the suspects: a sorted index. */
static void index_by_id(dump_series *s) {
    s->by_id = ls_arena_alloc(s->arena, (s->nbuckets ? s->nbuckets : 1) * sizeof *s->by_id);
    for (size_t i = 0; i < s->nbuckets; i++)
        s->by_id[i] = (uint32_t)i;
    sort_ctx = s; /* qsort has no context argument; analysis is single-threaded */
    qsort(s->by_id, s->nbuckets, sizeof *s->by_id, cmp_index_by_id);
    sort_ctx = NULL;
}

dump_series *dump_series_analyze(const dump_series_options *opt, const double *times,
                                 const dump_buckets *const *snaps, size_t n, const dump_ignore *ignore) {
    dump_series *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    if (opt)
        s->opt = *opt;
    else
        dump_series_options_default(&s->opt);
    s->arena = ls_arena_new(0);
    s->npoints = n;
    s->points = ls_arena_zalloc(s->arena, (n ? n : 1) * sizeof *s->points);
    for (size_t p = 0; p < n; p++) {
        s->points[p].time = times[p];
        s->points[p].buckets = snaps[p];
    }
    if (n == 0)
        return s;
    size_t nids;
    uint64_t *ids = all_ids(snaps, n, &nids);
    s->buckets = ls_arena_zalloc(s->arena, (nids ? nids : 1) * sizeof *s->buckets);
    s->nbuckets = nids;
    for (size_t k = 0; k < nids; k++) {
        dump_series_bucket *sb = &s->buckets[k];
        sb->id = ids[k];
        sb->counts = ls_arena_zalloc(s->arena, n * sizeof *sb->counts);
        for (size_t p = 0; p < n; p++) {
            const dump_bucket *b = dump_buckets_find(snaps[p], sb->id);
            if (b) {
                sb->counts[p] = b->count;
                sb->last = b;
            }
        }
        judge_bucket(sb, times, n);
        if (!dump_ignore_match(ignore, sb->last))
            check_growth(sb, times, n, &s->opt);
    }
    free(ids);
    qsort(s->buckets, s->nbuckets, sizeof *s->buckets, cmp_series_bucket);
    index_by_id(s);
    check_blocked(s, ignore);
    return s;
}

const dump_series_bucket *dump_series_find(const dump_series *s, uint64_t id) {
    if (!s || !s->by_id)
        return NULL;
    size_t lo = 0, hi = s->nbuckets;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const dump_series_bucket *b = &s->buckets[s->by_id[mid]];
        if (b->id == id)
            return b;
        if (b->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void dump_series_free(dump_series *s) {
    if (!s)
        return;
    ls_arena_free(s->arena);
    free(s);
}
