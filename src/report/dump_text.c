/*
 * The terminal view of `leakscope dump`, written for the 3 a.m. reader:
 * the total first, then the leak suspects with their reasons, then growth
 * across snapshots, then the largest buckets with their top frames.  Lines
 * are cut to the terminal width; colors only when asked for.
 */
#include <string.h>

#include "dump_common.h"

typedef struct text_out {
    ls_buf *out;
    const dump_report *r;
    size_t line_start; /* where the current line began, for cutting to width */
} text_out;

static const char *color(const text_out *t, const char *code) { return t->r->color ? code : ""; }
#define BOLD "\033[1m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define DIM "\033[2m"
#define RESET "\033[0m"
/* Frames start right of the count column ("%9s  "). */
#define FRAME_INDENT "           "

/* Display width of s[0..n): UTF-8 continuation bytes and escapes take no column. */
static size_t columns(const char *s, size_t n, size_t *cut, size_t width) {
    size_t cols = 0;
    *cut = n;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0x1b) {
            while (i < n && s[i] != 'm')
                i++;
            continue;
        }
        if ((c & 0xc0) == 0x80)
            continue;
        if (cols == width && *cut == n)
            *cut = i;
        cols++;
    }
    return cols;
}

/* Ends the current line, cutting it to the width with "…" when longer. */
static void end_line(text_out *t) {
    ls_buf *o = t->out;
    const char *line = o->data + t->line_start;
    size_t len = o->len - t->line_start, cut;
    unsigned width = t->r->width;
    if (width > 10 && columns(line, len, &cut, width - 1) > width) {
        o->len = t->line_start + cut;
        ls_buf_puts(o, "…");
        if (t->r->color)
            ls_buf_puts(o, RESET);
    }
    ls_buf_putc(o, '\n');
    t->line_start = o->len;
}

static void put_str(text_out *t, ls_str s) { ls_buf_append(t->out, s.ptr, s.len); }

static void put_site(text_out *t, const dump_frame *f) {
    put_str(t, f->func);
    if (f->file.len) {
        ls_buf_puts(t->out, "  ");
        ls_buf_puts(t->out, color(t, DIM));
        put_str(t, dump_file_base(f->file));
        ls_buf_printf(t->out, ":%u", f->line);
        ls_buf_puts(t->out, color(t, RESET));
    }
}

static void put_header(text_out *t) {
    const dump_report *r = t->r;
    ls_buf *o = t->out;
    ls_buf_puts(o, color(t, BOLD));
    dump_put_count(o, dump_buckets_total(r->buckets));
    ls_buf_puts(o, " goroutines in ");
    dump_put_count(o, dump_buckets_len(r->buckets));
    ls_buf_puts(o, dump_buckets_len(r->buckets) == 1 ? " bucket" : " buckets");
    ls_buf_puts(o, color(t, RESET));
    if (r->ninputs == 1) {
        ls_buf_printf(o, " (%s", r->inputs[0].name);
        if (r->inputs[0].stats)
            ls_buf_printf(o, ", %s", dump_format_name(r->inputs[0].stats->format));
        ls_buf_putc(o, ')');
    } else if (r->ninputs > 1) {
        ls_buf_printf(o, " in the last of %zu snapshots (%s)", r->ninputs, r->inputs[r->ninputs - 1].name);
    }
    end_line(t);
    for (size_t i = 0; i < r->ninputs; i++) {
        const dump_stats *st = r->inputs[i].stats;
        if (st && st->preamble.len) {
            ls_buf_puts(o, "  ");
            put_str(t, st->preamble);
            end_line(t);
        }
    }
    if (r->suspects && r->suspects->ignored_goroutines) {
        ls_buf_puts(o, color(t, DIM));
        ls_buf_puts(o, "  ");
        dump_put_count(o, r->suspects->ignored_goroutines);
        ls_buf_puts(o, " goroutines in ");
        dump_put_count(o, r->suspects->ignored_buckets);
        ls_buf_puts(o, " buckets live forever by design (runtime, os/signal, net/http, database/sql...): not suspects");
        ls_buf_puts(o, color(t, RESET));
        end_line(t);
    }
    end_line(t);
}

static void put_suspects(text_out *t) {
    const dump_suspects *s = t->r->suspects;
    ls_buf *o = t->out;
    if (!s)
        return;
    if (s->len == 0) {
        ls_buf_puts(o, "No leak suspects.");
        end_line(t);
        end_line(t);
        return;
    }
    ls_buf_puts(o, color(t, BOLD RED));
    ls_buf_printf(o, "LEAK SUSPECTS: %zu bucket%s, ", s->len, s->len == 1 ? "" : "s");
    dump_put_count(o, s->goroutines);
    ls_buf_puts(o, " goroutines");
    ls_buf_puts(o, color(t, RESET));
    end_line(t);
    size_t shown = s->len < 10 || t->r->top > 10 ? s->len : 10;
    if (t->r->top && shown > t->r->top)
        shown = t->r->top;
    char hex[17];
    for (size_t i = 0; i < shown; i++) {
        const dump_suspect *x = &s->at[i];
        /* The reason is one sentence; it wraps rather than being cut. */
        ls_buf_printf(o, "%2zu. %s", i + 1, x->reason);
        ls_buf_putc(o, '\n');
        t->line_start = o->len;
        ls_buf_printf(o, "    %sbucket %s, score %.1f%s", color(t, DIM), dump_id_hex(x->bucket->id, hex), x->score,
                      color(t, RESET));
        end_line(t);
        const dump_frame *top = dump_bucket_top_user_frame(x->bucket);
        if (top) {
            ls_buf_puts(o, "    at ");
            put_site(t, top);
            end_line(t);
        }
    }
    if (shown < s->len) {
        ls_buf_printf(o, "    ... %zu more (--top N, or --format=json)", s->len - shown);
        end_line(t);
    }
    end_line(t);
}

static void put_series(text_out *t) {
    const dump_series *s = t->r->series;
    ls_buf *o = t->out;
    if (!s || s->npoints < 2)
        return;
    ls_buf_puts(o, color(t, BOLD));
    ls_buf_printf(o, "SERIES: %zu snapshots over ", s->npoints);
    dump_put_duration(o, s->points[s->npoints - 1].time - s->points[0].time);
    ls_buf_puts(o, color(t, RESET));
    if (t->r->times_assumed)
        ls_buf_puts(o, " (no timestamps: assumed one minute apart; see --interval)");
    end_line(t);
    if (s->blocked_alert) {
        ls_buf_printf(o, "  %sALERT%s %s", color(t, RED), color(t, RESET), s->blocked_text);
        end_line(t);
    }
    ls_buf_puts(o, "  BUCKET            LAST   PER MIN  VERDICT");
    end_line(t);
    char hex[17];
    for (size_t i = 0; i < dump_report_series_shown(t->r); i++) {
        const dump_series_bucket *b = &s->buckets[i];
        ls_buf_printf(o, "  %s  %5llu  %+8.1f  %s", dump_id_hex(b->id, hex),
                      (unsigned long long)b->counts[s->npoints - 1], b->slope_per_minute, b->verdict_text);
        if (b->alert)
            ls_buf_printf(o, "  %sALERT %s%s", color(t, RED), b->alert_text, color(t, RESET));
        end_line(t);
        const dump_frame *top = b->last ? dump_bucket_top_user_frame(b->last) : NULL;
        if (top) {
            ls_buf_puts(o, "      ");
            put_site(t, top);
            ls_buf_puts(o, "  counts:");
            for (size_t p = 0; p < s->npoints; p++)
                ls_buf_printf(o, " %llu", (unsigned long long)b->counts[p]);
            end_line(t);
        }
    }
    end_line(t);
}

static void put_states(text_out *t, const dump_bucket *b) {
    for (size_t i = 0; i < b->nstates && i < 3; i++) {
        ls_buf_puts(t->out, i ? ", " : "");
        if (b->states[i].state.len)
            put_str(t, b->states[i].state);
        else
        {
            ls_str inferred = dump_bucket_state_or_inferred(b);
            if (inferred.len)
                put_str(t, inferred);
            else
                ls_buf_puts(t->out, "state not recorded");
        }
        if (b->nstates > 1) {
            ls_buf_puts(t->out, " ");
            dump_put_count(t->out, b->states[i].count);
        }
    }
    if (b->wait_max >= 0)
        ls_buf_printf(t->out, "; waiting %lld/%lld/%lld min (min/median/max)", (long long)b->wait_min,
                      (long long)b->wait_median, (long long)b->wait_max);
}

/* The frames worth reading: from the first one outside the runtime. */
static void put_frames(text_out *t, const dump_bucket *b) {
    const dump_frame *top = dump_bucket_top_user_frame(b);
    size_t start = top ? (size_t)(top - b->frames) : 0, shown = 0;
    for (size_t i = start; i < b->nframes && shown < 5; i++, shown++) {
        if (ls_str_eq_cstr(b->frames[i].func, "runtime.goexit"))
            break;
        ls_buf_puts(t->out, FRAME_INDENT);
        put_site(t, &b->frames[i]);
        end_line(t);
    }
    if (b->nframes - start > shown && shown == 5) {
        ls_buf_printf(t->out, FRAME_INDENT "%s... %zu more frames%s", color(t, DIM), b->nframes - start - shown,
                      color(t, RESET));
        end_line(t);
    }
}

static void put_bucket(text_out *t, const dump_bucket *b) {
    ls_buf *o = t->out;
    char hex[17];
    const dump_suspect *s = dump_report_suspect_of(t->r, b);
    const char *ignored = dump_ignore_match(t->r->ignore, b);
    ls_buf_puts(o, color(t, s ? BOLD RED : BOLD));
    ls_buf digits = {0};
    dump_put_count(&digits, b->count);
    ls_buf_printf(o, "%9.*s", (int)digits.len, digits.data);
    ls_buf_free(&digits);
    ls_buf_puts(o, color(t, RESET));
    ls_buf_puts(o, "  ");
    put_states(t, b);
    ls_buf_printf(o, "  %s%s%s", color(t, DIM), dump_id_hex(b->id, hex), color(t, RESET));
    if (s)
        ls_buf_printf(o, "  %sSUSPECT%s", color(t, RED), color(t, RESET));
    if (ignored)
        ls_buf_printf(o, "  %s(ignored: %s)%s", color(t, DIM), ignored, color(t, RESET));
    end_line(t);
    put_frames(t, b);
    if (b->has_created_by) {
        ls_buf_puts(o, FRAME_INDENT "created by ");
        put_site(t, &b->created_by);
        if (b->creator_bucket)
            ls_buf_printf(o, "  %s(creator bucket %s)%s", color(t, DIM), dump_id_hex(b->creator_bucket, hex),
                          color(t, RESET));
        end_line(t);
    }
    if (b->nlabels) {
        ls_buf_puts(o, FRAME_INDENT "labels:");
        for (size_t i = 0; i < b->nlabels; i++) {
            ls_buf_putc(o, ' ');
            put_str(t, b->labels[i].key);
            ls_buf_putc(o, '=');
            put_str(t, b->labels[i].value);
        }
        end_line(t);
    }
}

static void put_buckets(text_out *t) {
    const dump_report *r = t->r;
    size_t shown = dump_report_shown(r), n = dump_buckets_len(r->buckets);
    ls_buf_puts(t->out, color(t, BOLD));
    ls_buf_printf(t->out, "TOP BUCKETS (%zu of %zu)", shown, n);
    ls_buf_puts(t->out, color(t, RESET));
    end_line(t);
    for (size_t i = 0; i < shown; i++) {
        if (i)
            end_line(t); /* a blank line between buckets */
        put_bucket(t, dump_buckets_at(r->buckets, i));
    }
    if (shown < n) {
        ls_buf_printf(t->out, "  ... %zu more buckets (--top 0 shows all)", n - shown);
        end_line(t);
    }
}

static void put_stats(text_out *t) {
    ls_buf *o = t->out;
    end_line(t);
    ls_buf_puts(o, color(t, BOLD));
    ls_buf_puts(o, "READ");
    ls_buf_puts(o, color(t, RESET));
    end_line(t);
    for (size_t i = 0; i < t->r->ninputs; i++) {
        const dump_report_input *in = &t->r->inputs[i];
        const dump_stats *st = in->stats;
        ls_buf_printf(o, "  %s: ", in->name);
        if (!st) {
            ls_buf_puts(o, in->error ? in->error : "not read");
            end_line(t);
            continue;
        }
        ls_buf_printf(o, "%s, ", dump_format_name(st->format));
        dump_put_count(o, st->bytes);
        ls_buf_puts(o, " bytes, ");
        dump_put_count(o, st->lines);
        ls_buf_puts(o, " lines, ");
        dump_put_count(o, st->goroutines);
        ls_buf_puts(o, " goroutines, ");
        dump_put_count(o, st->stacks);
        ls_buf_puts(o, " records; skipped ");
        dump_put_count(o, st->skipped_lines);
        ls_buf_puts(o, " lines, ");
        dump_put_count(o, st->truncated_stanzas);
        ls_buf_puts(o, " truncated stanzas");
        if (st->parts > 1)
            ls_buf_printf(o, "; read by %u threads", st->parts);
        end_line(t);
    }
    ls_buf_printf(o, "  bucket memory: %.1f MB", (double)dump_buckets_memory(t->r->buckets) / 1048576.0);
    end_line(t);
}

void dump_report_text(ls_buf *out, const dump_report *r) {
    text_out t = {out, r, out->len};
    put_header(&t);
    put_suspects(&t);
    put_series(&t);
    put_buckets(&t);
    if (r->stats)
        put_stats(&t);
}
