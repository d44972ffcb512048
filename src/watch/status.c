/*
 * What `watch --listen` serves, rendered from the loop's state: Prometheus
 * text exposition for /metrics and the JSON of /api/targets.
 *
 * Series per target are bounded: the top buckets by count get a series
 * each (labelled with their top function and state), the rest are summed
 * under bucket="other", so a target with 10,000 distinct stacks does not
 * become 10,000 series in Prometheus.
 */
#include <stdio.h>
#include <string.h>

#include "leakscope/report.h"
#include "watch_internal.h"

/* A label value: backslash, double quote and newline escaped. */
static void put_label(ls_buf *o, const char *s, size_t n) {
    ls_buf_putc(o, '"');
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' || c == '"')
            ls_buf_putc(o, '\\');
        if (c == '\n') {
            ls_buf_puts(o, "\\n");
            continue;
        }
        ls_buf_putc(o, c);
    }
    ls_buf_putc(o, '"');
}

static void put_target_label(ls_buf *o, const target_state *s) {
    ls_buf_puts(o, "{target=");
    put_label(o, s->t.name, strlen(s->t.name));
}

static void help(ls_buf *o, const char *name, const char *type, const char *text) {
    ls_buf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

typedef double (*target_value_fn)(const target_state *s);

static void per_target(ls_buf *o, target_state *const *ts, size_t n, const char *name, target_value_fn value) {
    for (size_t i = 0; i < n; i++) {
        if (ts[i]->removed)
            continue;
        ls_buf_puts(o, name);
        put_target_label(o, ts[i]);
        ls_buf_printf(o, "} %.17g\n", value(ts[i]));
    }
}

static double v_up(const target_state *s) { return s->stats.up; }
static double v_scrapes(const target_state *s) { return (double)s->stats.scrapes; }
static double v_errors(const target_state *s) { return (double)s->stats.errors; }
static double v_duration(const target_state *s) { return s->stats.last_duration; }
static double v_alerting(const target_state *s) { return (double)watch_detector_alerting(s->detector); }
static double v_goroutines(const target_state *s) {
    const dump_buckets *b = watch_detector_latest(s->detector);
    return b ? (double)dump_buckets_total(b) : 0;
}
static double v_buckets(const target_state *s) {
    const dump_buckets *b = watch_detector_latest(s->detector);
    return b ? (double)dump_buckets_len(b) : 0;
}

static void bucket_series(ls_buf *o, const target_state *s, unsigned top) {
    const dump_buckets *set = watch_detector_latest(s->detector);
    if (!set)
        return;
    uint64_t other = 0;
    for (size_t i = 0; i < dump_buckets_len(set); i++) {
        const dump_bucket *b = dump_buckets_at(set, i); /* by count, descending */
        if (i >= top) {
            other += b->count;
            continue;
        }
        char hex[17];
        const dump_frame *f = dump_bucket_top_user_frame(b);
        ls_str state = dump_bucket_state_or_inferred(b);
        ls_buf_puts(o, "leakscope_watch_bucket_goroutines");
        put_target_label(o, s);
        ls_buf_printf(o, ",bucket=\"%s\",top_function=", dump_id_hex(b->id, hex));
        put_label(o, f ? f->func.ptr : "", f ? f->func.len : 0);
        ls_buf_puts(o, ",state=");
        put_label(o, state.ptr ? state.ptr : "", state.len);
        ls_buf_printf(o, "} %llu\n", (unsigned long long)b->count);
    }
    if (dump_buckets_len(set) > top) {
        ls_buf_puts(o, "leakscope_watch_bucket_goroutines");
        put_target_label(o, s);
        ls_buf_printf(o, ",bucket=\"other\",top_function=\"\",state=\"\"} %llu\n", (unsigned long long)other);
    }
}

static void suspect_series(ls_buf *o, target_state *const *ts, size_t n, const dump_ignore *ignore) {
    help(o, "leakscope_watch_suspect_buckets", "gauge",
         "Leak suspect buckets in the last good scrape (the suspects of leakscope dump).");
    ls_buf tail = {0};
    dump_suspect_options opt;
    dump_suspect_options_default(&opt);
    for (size_t i = 0; i < n; i++) {
        const dump_buckets *set = watch_detector_latest(ts[i]->detector);
        if (ts[i]->removed || !set)
            continue;
        dump_suspects *sus = dump_suspects_find(set, &opt, ignore, NULL);
        ls_buf_puts(o, "leakscope_watch_suspect_buckets");
        put_target_label(o, ts[i]);
        ls_buf_printf(o, "} %zu\n", sus->len);
        ls_buf_puts(&tail, "leakscope_watch_suspect_goroutines");
        put_target_label(&tail, ts[i]);
        ls_buf_printf(&tail, "} %llu\n", (unsigned long long)sus->goroutines);
        dump_suspects_free(sus);
    }
    help(o, "leakscope_watch_suspect_goroutines", "gauge", "Goroutines in leak suspect buckets.");
    if (tail.len)
        ls_buf_append(o, tail.data, tail.len);
    ls_buf_free(&tail);
}

static void alert_series(ls_buf *o, target_state *const *ts, size_t n) {
    help(o, "leakscope_watch_alerts_total", "counter", "Alerts raised since watch started, by kind.");
    for (size_t i = 0; i < n; i++) {
        if (ts[i]->removed)
            continue;
        for (int k = 0; k < 2; k++) {
            ls_buf_puts(o, "leakscope_watch_alerts_total");
            put_target_label(o, ts[i]);
            ls_buf_printf(o, ",kind=\"%s\"} %llu\n", k ? "blocked" : "growth",
                          (unsigned long long)(k ? ts[i]->stats.alerts_blocked : ts[i]->stats.alerts_growth));
        }
    }
    help(o, "leakscope_watch_alerting_buckets", "gauge", "Buckets that alerted and have not recovered.");
    per_target(o, ts, n, "leakscope_watch_alerting_buckets", v_alerting);
}

void watch_status_metrics(ls_buf *o, target_state *const *ts, size_t n, unsigned top, const dump_ignore *ignore) {
    help(o, "leakscope_watch_up", "gauge", "1 when the last scrape of the target worked.");
    per_target(o, ts, n, "leakscope_watch_up", v_up);
    help(o, "leakscope_watch_scrapes_total", "counter", "Scrapes since watch started.");
    per_target(o, ts, n, "leakscope_watch_scrapes_total", v_scrapes);
    help(o, "leakscope_watch_scrape_errors_total", "counter", "Failed scrapes since watch started.");
    per_target(o, ts, n, "leakscope_watch_scrape_errors_total", v_errors);
    help(o, "leakscope_watch_scrape_duration_seconds", "gauge", "How long the last scrape took.");
    per_target(o, ts, n, "leakscope_watch_scrape_duration_seconds", v_duration);
    help(o, "leakscope_watch_goroutines", "gauge", "Goroutines of the target in the last good scrape.");
    per_target(o, ts, n, "leakscope_watch_goroutines", v_goroutines);
    help(o, "leakscope_watch_buckets", "gauge", "Distinct stacks (buckets) in the last good scrape.");
    per_target(o, ts, n, "leakscope_watch_buckets", v_buckets);
    help(o, "leakscope_watch_bucket_goroutines", "gauge",
         "Goroutines per bucket in the last good scrape; the largest buckets only, the rest summed as bucket=\"other\".");
    for (size_t i = 0; i < n; i++)
        if (!ts[i]->removed)
            bucket_series(o, ts[i], top);
    suspect_series(o, ts, n, ignore);
    alert_series(o, ts, n);
}

/* ---- /api/targets -------------------------------------------------------- */

static void put_cstr(ls_buf *o, const char *s) {
    report_json_string(o, s, strlen(s));
}

static void json_bucket(ls_buf *o, const watch_detector *d, const dump_bucket *b) {
    char hex[17];
    const dump_frame *f = dump_bucket_top_user_frame(b);
    ls_str state = dump_bucket_state_or_inferred(b);
    ls_buf_printf(o, "{\"bucket\":\"%s\",\"goroutines\":%llu,\"top_function\":", dump_id_hex(b->id, hex),
                  (unsigned long long)b->count);
    report_json_string(o, f ? f->func.ptr : "", f ? f->func.len : 0);
    ls_buf_puts(o, ",\"file\":");
    report_json_string(o, f ? f->file.ptr : "", f ? f->file.len : 0);
    ls_buf_printf(o, ",\"line\":%u,\"state\":", f ? f->line : 0);
    report_json_string(o, state.ptr ? state.ptr : "", state.len);
    ls_buf_puts(o, ",\"history\":[");
    for (size_t i = 0; i < watch_detector_len(d); i++) {
        double t;
        const dump_buckets *set = watch_detector_at(d, i, &t);
        const dump_bucket *x = dump_buckets_find(set, b->id);
        ls_buf_printf(o, "%s[%.3f,%llu]", i ? "," : "", t, (unsigned long long)(x ? x->count : 0));
    }
    ls_buf_puts(o, "]}");
}

static void json_target(ls_buf *o, const target_state *s, unsigned top) {
    ls_buf_puts(o, "{\"name\":");
    put_cstr(o, s->t.name);
    ls_buf_puts(o, ",\"url\":");
    put_cstr(o, s->t.url);
    ls_buf_puts(o, ",\"labels\":{");
    for (size_t i = 0; i < s->t.nlabels; i++) {
        ls_buf_puts(o, i ? "," : "");
        put_cstr(o, s->t.labels[i].key);
        ls_buf_putc(o, ':');
        put_cstr(o, s->t.labels[i].value);
    }
    ls_buf_printf(o, "},\"up\":%s,\"scrapes\":%llu,\"errors\":%llu,\"last_scrape\":%.3f,\"error\":",
                  s->stats.up ? "true" : "false", (unsigned long long)s->stats.scrapes,
                  (unsigned long long)s->stats.errors, s->stats.last_time);
    put_cstr(o, s->stats.last_error);
    const dump_buckets *set = watch_detector_latest(s->detector);
    ls_buf_printf(o, ",\"goroutines\":%llu,\"alerting\":%zu,\"buckets\":[",
                  set ? (unsigned long long)dump_buckets_total(set) : 0ull, watch_detector_alerting(s->detector));
    for (size_t i = 0; set && i < dump_buckets_len(set) && i < top; i++) {
        ls_buf_puts(o, i ? "," : "");
        json_bucket(o, s->detector, dump_buckets_at(set, i));
    }
    ls_buf_puts(o, "]}");
}

void watch_status_json(ls_buf *o, target_state *const *ts, size_t n, unsigned top) {
    ls_buf_printf(o, "{\"version\":%d,\"targets\":[", WATCH_ALERT_VERSION);
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (ts[i]->removed)
            continue;
        ls_buf_puts(o, shown++ ? "," : "");
        json_target(o, ts[i], top);
    }
    ls_buf_puts(o, "]}\n");
}
