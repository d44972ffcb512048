/*
 * The JSON document of `leakscope dump --format=json` (docs/dump-json.md):
 * inputs, buckets, suspects and, for several inputs, the series.  Bucket IDs
 * are strings of 16 hex digits, because 64-bit integers do not survive
 * JavaScript and many JSON readers.
 */
#include <math.h>
#include <string.h>

#include "dump_common.h"
#include "leakscope/report.h"

#define DUMP_JSON_VERSION 1

static void put_s(ls_buf *o, ls_str s) { report_json_string(o, s.ptr, s.len); }
static void put_cs(ls_buf *o, const char *s) { report_json_string(o, s, strlen(s)); }

static void put_id(ls_buf *o, uint64_t id) {
    char hex[17];
    ls_buf_printf(o, "\"%s\"", dump_id_hex(id, hex));
}

static void put_num(ls_buf *o, double v) {
    if (!isfinite(v))
        v = 0;
    if (v == floor(v) && fabs(v) < 1e15)
        ls_buf_printf(o, "%.0f", v);
    else
        ls_buf_printf(o, "%.6g", v);
}

/* Seconds; unix times need more digits than %g keeps. */
static void put_time(ls_buf *o, double v) {
    if (!isfinite(v))
        v = 0;
    if (v == floor(v) && fabs(v) < 1e15)
        ls_buf_printf(o, "%.0f", v);
    else
        ls_buf_printf(o, "%.3f", v);
}

static void put_frame(ls_buf *o, const dump_frame *f) {
    ls_buf_puts(o, "{\"func\":");
    put_s(o, f->func);
    if (f->args.len) {
        ls_buf_puts(o, ",\"args\":");
        put_s(o, f->args);
    }
    ls_buf_puts(o, ",\"file\":");
    put_s(o, f->file);
    ls_buf_printf(o, ",\"line\":%u", f->line);
    if (f->inlined)
        ls_buf_puts(o, ",\"inlined\":true");
    ls_buf_putc(o, '}');
}

static void put_inputs(ls_buf *o, const dump_report *r) {
    ls_buf_puts(o, "\"inputs\":[");
    for (size_t i = 0; i < r->ninputs; i++) {
        const dump_report_input *in = &r->inputs[i];
        const dump_stats *st = in->stats;
        ls_buf_puts(o, i ? ",{\"name\":" : "{\"name\":");
        put_cs(o, in->name);
        ls_buf_puts(o, ",\"time\":");
        put_time(o, in->time);
        if (in->live_format)
            ls_buf_printf(o, ",\"pid\":%d,\"without_stack\":%llu", in->pid,
                          (unsigned long long)in->without_stack);
        if (st) {
            ls_buf_puts(o, ",\"format\":");
            put_cs(o, in->live_format ? in->live_format : dump_format_name(st->format));
            ls_buf_printf(o,
                          ",\"bytes\":%llu,\"lines\":%llu,\"goroutines\":%llu,\"records\":%llu,"
                          "\"skipped_lines\":%llu,\"truncated_stanzas\":%llu",
                          (unsigned long long)st->bytes, (unsigned long long)st->lines,
                          (unsigned long long)st->goroutines, (unsigned long long)st->stacks,
                          (unsigned long long)st->skipped_lines, (unsigned long long)st->truncated_stanzas);
            ls_buf_puts(o, ",\"preamble\":");
            put_s(o, st->preamble);
            if (st->first_problem_line) {
                ls_buf_printf(o, ",\"first_problem\":{\"line\":%llu,\"message\":",
                              (unsigned long long)st->first_problem_line);
                put_cs(o, st->first_problem ? st->first_problem : "");
                ls_buf_putc(o, '}');
            }
        }
        ls_buf_puts(o, ",\"error\":");
        if (in->error)
            put_cs(o, in->error);
        else
            ls_buf_puts(o, "null");
        ls_buf_putc(o, '}');
    }
    ls_buf_putc(o, ']');
}

static void put_bucket(ls_buf *o, const dump_report *r, const dump_bucket *b) {
    ls_buf_puts(o, "{\"id\":");
    put_id(o, b->id);
    ls_buf_printf(o, ",\"count\":%llu,\"blocked\":%llu,\"wait_kind\":", (unsigned long long)b->count,
                  (unsigned long long)dump_bucket_blocked(b));
    put_cs(o, dump_wait_kind_name(dump_bucket_wait_kind(b)));
    ls_buf_puts(o, ",\"state\":");
    put_s(o, dump_bucket_state_or_inferred(b));
    ls_buf_puts(o, ",\"states\":[");
    for (size_t i = 0; i < b->nstates; i++) {
        ls_buf_puts(o, i ? ",{\"state\":" : "{\"state\":");
        put_s(o, b->states[i].state);
        ls_buf_printf(o, ",\"count\":%llu}", (unsigned long long)b->states[i].count);
    }
    ls_buf_puts(o, "],\"wait_minutes\":");
    if (b->wait_max >= 0)
        ls_buf_printf(o, "{\"min\":%lld,\"median\":%lld,\"max\":%lld}", (long long)b->wait_min,
                      (long long)b->wait_median, (long long)b->wait_max);
    else
        ls_buf_puts(o, "null");
    ls_buf_puts(o, ",\"frames\":[");
    for (size_t i = 0; i < b->nframes; i++) {
        if (i)
            ls_buf_putc(o, ',');
        put_frame(o, &b->frames[i]);
    }
    ls_buf_puts(o, "],\"created_by\":");
    if (b->has_created_by)
        put_frame(o, &b->created_by);
    else
        ls_buf_puts(o, "null");
    ls_buf_puts(o, ",\"creator_bucket\":");
    if (b->creator_bucket)
        put_id(o, b->creator_bucket);
    else
        ls_buf_puts(o, "null");
    ls_buf_puts(o, ",\"labels\":{");
    for (size_t i = 0; i < b->nlabels; i++) {
        if (i)
            ls_buf_putc(o, ',');
        put_s(o, b->labels[i].key);
        ls_buf_putc(o, ':');
        put_s(o, b->labels[i].value);
    }
    ls_buf_printf(o, "},\"example_id\":%llu,\"locked_to_thread\":%llu,\"in_leak_profile\":%s",
                  (unsigned long long)b->example_id, (unsigned long long)b->locked_to_thread,
                  b->in_leak_profile ? "true" : "false");
    const char *ignored = dump_ignore_match(r->ignore, b);
    ls_buf_puts(o, ",\"ignored\":");
    if (ignored)
        put_cs(o, ignored);
    else
        ls_buf_puts(o, "null");
    ls_buf_printf(o, ",\"suspect\":%s}", dump_report_suspect_of(r, b) ? "true" : "false");
}

static void put_suspects(ls_buf *o, const dump_report *r) {
    const dump_suspects *s = r->suspects;
    ls_buf_puts(o, "\"suspects\":[");
    for (size_t i = 0; s && i < s->len; i++) {
        ls_buf_puts(o, i ? ",{\"bucket\":" : "{\"bucket\":");
        put_id(o, s->at[i].bucket->id);
        ls_buf_puts(o, ",\"score\":");
        put_num(o, round(s->at[i].score * 10) / 10);
        ls_buf_printf(o, ",\"goroutines\":%llu,\"reason\":", (unsigned long long)s->at[i].goroutines);
        put_cs(o, s->at[i].reason);
        ls_buf_putc(o, '}');
    }
    ls_buf_printf(o, "],\"suspect_goroutines\":%llu,\"ignored_goroutines\":%llu",
                  (unsigned long long)(s ? s->goroutines : 0), (unsigned long long)(s ? s->ignored_goroutines : 0));
}

static const char *verdict_name(dump_verdict v) {
    switch (v) {
    case DUMP_VERDICT_GROWS: return "grows";
    case DUMP_VERDICT_DRAINS: return "drains";
    case DUMP_VERDICT_GONE: return "gone";
    case DUMP_VERDICT_NEW: return "new";
    case DUMP_VERDICT_STABLE: break;
    }
    return "stable";
}

static void put_series(ls_buf *o, const dump_report *r) {
    const dump_series *s = r->series;
    ls_buf_puts(o, "\"series\":");
    if (!s) {
        ls_buf_puts(o, "null");
        return;
    }
    ls_buf_printf(o, "{\"times_assumed\":%s,\"thresholds\":{\"growth_pct\":", r->times_assumed ? "true" : "false");
    put_num(o, s->opt.growth_pct);
    ls_buf_printf(o, ",\"growth_min\":%llu,\"window_seconds\":", (unsigned long long)s->opt.growth_min);
    put_num(o, s->opt.window_seconds);
    ls_buf_puts(o, ",\"blocked_pct\":");
    put_num(o, s->opt.blocked_pct);
    ls_buf_printf(o, ",\"blocked_snapshots\":%u},\"points\":[", s->opt.blocked_snapshots);
    for (size_t p = 0; p < s->npoints; p++) {
        ls_buf_puts(o, p ? ",{\"time\":" : "{\"time\":");
        put_time(o, s->points[p].time);
        ls_buf_printf(o, ",\"total\":%llu,\"blocked\":%llu}", (unsigned long long)s->points[p].total,
                      (unsigned long long)s->points[p].blocked);
    }
    ls_buf_printf(o, "],\"blocked_alert\":%s,\"blocked_text\":", s->blocked_alert ? "true" : "false");
    put_cs(o, s->blocked_text);
    ls_buf_puts(o, ",\"buckets\":[");
    for (size_t i = 0; i < s->nbuckets; i++) {
        const dump_series_bucket *b = &s->buckets[i];
        ls_buf_puts(o, i ? ",{\"id\":" : "{\"id\":");
        put_id(o, b->id);
        ls_buf_puts(o, ",\"counts\":[");
        for (size_t p = 0; p < s->npoints; p++)
            ls_buf_printf(o, p ? ",%llu" : "%llu", (unsigned long long)b->counts[p]);
        ls_buf_puts(o, "],\"slope_per_minute\":");
        put_num(o, b->slope_per_minute);
        ls_buf_puts(o, ",\"fit\":");
        put_num(o, b->fit);
        ls_buf_puts(o, ",\"verdict\":");
        put_cs(o, verdict_name(b->verdict));
        ls_buf_puts(o, ",\"verdict_text\":");
        put_cs(o, b->verdict_text);
        ls_buf_printf(o, ",\"alert\":%s,\"alert_text\":", b->alert ? "true" : "false");
        put_cs(o, b->alert_text);
        ls_buf_putc(o, '}');
    }
    ls_buf_puts(o, "]}");
}

void dump_report_json(ls_buf *o, const dump_report *r) {
    ls_buf_printf(o, "{\"version\":%d,\"tool\":", DUMP_JSON_VERSION);
    put_cs(o, r->tool ? r->tool : "leakscope dump");
    ls_buf_puts(o, ",\"group\":");
    dump_group g = dump_buckets_group(r->buckets);
    put_cs(o, g == DUMP_GROUP_FUNC ? "func" : g == DUMP_GROUP_EXACT ? "exact" : "line");
    ls_buf_putc(o, ',');
    put_inputs(o, r);
    ls_buf_printf(o, ",\"total\":%llu,\"bucket_count\":%zu,", (unsigned long long)dump_buckets_total(r->buckets),
                  dump_buckets_len(r->buckets));
    put_suspects(o, r);
    ls_buf_puts(o, ",\"buckets\":[");
    size_t shown = dump_report_shown(r);
    for (size_t i = 0; i < shown; i++) {
        if (i)
            ls_buf_putc(o, ',');
        put_bucket(o, r, dump_buckets_at(r->buckets, i));
    }
    ls_buf_puts(o, "],");
    put_series(o, r);
    ls_buf_puts(o, "}\n");
}
