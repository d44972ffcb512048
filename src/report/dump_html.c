/*
 * `leakscope dump --format=html`: one self-contained page (no network, no
 * external files).  The bucket table and the stacks are plain HTML
 * (<details> expands a stack without script); for a series a small script
 * draws the counts of the top buckets over time as inline SVG, from the
 * report's JSON embedded in the page.  When drawing is done the script
 * marks the page (#chart-status, data-chart="drawn") and any script error
 * is written into #js-errors, so a headless browser can check both.
 */
#include <string.h>

#include "dump_common.h"

static void put_html(ls_buf *o, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': ls_buf_puts(o, "&amp;"); break;
        case '<': ls_buf_puts(o, "&lt;"); break;
        case '>': ls_buf_puts(o, "&gt;"); break;
        case '"': ls_buf_puts(o, "&quot;"); break;
        case '\'': ls_buf_puts(o, "&#39;"); break;
        default: ls_buf_putc(o, s[i]);
        }
    }
}

static void put_hs(ls_buf *o, ls_str s) { put_html(o, s.ptr, s.len); }
static void put_hc(ls_buf *o, const char *s) { put_html(o, s, strlen(s)); }

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d1d1f;background:#fff}"
    "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #ddd;"
    "vertical-align:top}th{background:#f4f4f6}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "code,pre{font:12px/1.35 ui-monospace,monospace}pre{margin:4px 0;white-space:pre-wrap}"
    ".suspect{color:#b00020;font-weight:600}.dim{color:#777}.alert{color:#b00020}"
    "ol li{margin-bottom:.6em}summary{cursor:pointer}#chart svg{border:1px solid #ddd;background:#fcfcfd}"
    "#js-errors:empty{display:none}#js-errors{color:#b00020;border:1px solid #b00020;padding:4px}";

static void put_frames_pre(ls_buf *o, const dump_bucket *b) {
    ls_buf_puts(o, "<pre>");
    for (size_t i = 0; i < b->nframes; i++) {
        const dump_frame *f = &b->frames[i];
        put_hs(o, f->func);
        put_hs(o, f->args);
        ls_buf_puts(o, "\n    ");
        put_hs(o, f->file.len ? f->file : ls_str_make("?", 1));
        ls_buf_printf(o, ":%u\n", f->line);
    }
    if (b->has_created_by) {
        ls_buf_puts(o, "created by ");
        put_hs(o, b->created_by.func);
        ls_buf_puts(o, "\n    ");
        put_hs(o, b->created_by.file);
        ls_buf_printf(o, ":%u\n", b->created_by.line);
    }
    ls_buf_puts(o, "</pre>");
}

static void put_summary(ls_buf *o, const dump_report *r) {
    ls_buf_puts(o, "<h1>leakscope dump: ");
    dump_put_count(o, dump_buckets_total(r->buckets));
    ls_buf_puts(o, " goroutines in ");
    dump_put_count(o, dump_buckets_len(r->buckets));
    ls_buf_puts(o, " buckets</h1>\n<p class=\"dim\">");
    for (size_t i = 0; i < r->ninputs; i++) {
        ls_buf_puts(o, i ? ", " : "Read: ");
        put_hc(o, r->inputs[i].name);
        if (r->inputs[i].error) {
            ls_buf_puts(o, " (<span class=\"alert\">");
            put_hc(o, r->inputs[i].error);
            ls_buf_puts(o, "</span>)");
        }
    }
    ls_buf_puts(o, "</p>\n<div id=\"js-errors\"></div>\n");
}

static void put_suspects(ls_buf *o, const dump_report *r) {
    const dump_suspects *s = r->suspects;
    ls_buf_puts(o, "<h2>Leak suspects</h2>\n");
    if (!s || s->len == 0) {
        ls_buf_puts(o, "<p>No leak suspects.</p>\n");
        return;
    }
    char hex[17];
    ls_buf_puts(o, "<ol>\n");
    for (size_t i = 0; i < s->len; i++) {
        ls_buf_puts(o, "<li><span class=\"suspect\">");
        put_hc(o, s->at[i].reason);
        ls_buf_printf(o, "</span> <span class=\"dim\">bucket <a href=\"#b-%s\"><code>%s</code></a>, score %.1f</span></li>\n",
                      dump_id_hex(s->at[i].bucket->id, hex), hex, s->at[i].score);
    }
    ls_buf_puts(o, "</ol>\n");
}

static void put_bucket_row(ls_buf *o, const dump_report *r, const dump_bucket *b) {
    char hex[17];
    const dump_suspect *s = dump_report_suspect_of(r, b);
    ls_buf_printf(o, "<tr id=\"b-%s\"><td class=\"n%s\">", dump_id_hex(b->id, hex), s ? " suspect" : "");
    dump_put_count(o, b->count);
    ls_buf_puts(o, "</td><td>");
    for (size_t i = 0; i < b->nstates; i++) {
        ls_buf_puts(o, i ? ", " : "");
        put_hs(o, b->states[i].state.len ? b->states[i].state : ls_str_cstr("(not recorded)"));
        if (b->nstates > 1)
            ls_buf_printf(o, " %llu", (unsigned long long)b->states[i].count);
    }
    ls_buf_puts(o, "</td><td class=\"n\">");
    if (b->wait_max >= 0)
        ls_buf_printf(o, "%lld / %lld / %lld", (long long)b->wait_min, (long long)b->wait_median,
                      (long long)b->wait_max);
    ls_buf_puts(o, "</td><td><details><summary>");
    const dump_frame *top = dump_bucket_top_user_frame(b);
    if (top) {
        put_hs(o, top->func);
        ls_buf_puts(o, " <span class=\"dim\">");
        put_hs(o, dump_file_base(top->file));
        ls_buf_printf(o, ":%u</span>", top->line);
    } else {
        ls_buf_puts(o, "(no frames)");
    }
    ls_buf_puts(o, "</summary>");
    put_frames_pre(o, b);
    ls_buf_puts(o, "</details></td><td>");
    if (b->has_created_by) {
        put_hs(o, b->created_by.func);
        if (b->creator_bucket)
            ls_buf_printf(o, " <a class=\"dim\" href=\"#b-%s\">creator</a>", dump_id_hex(b->creator_bucket, hex));
    }
    ls_buf_printf(o, "</td><td><code>%s</code>", dump_id_hex(b->id, hex));
    const char *ignored = dump_ignore_match(r->ignore, b);
    if (ignored) {
        ls_buf_puts(o, " <span class=\"dim\">ignored: ");
        put_hc(o, ignored);
        ls_buf_puts(o, "</span>");
    }
    ls_buf_puts(o, "</td></tr>\n");
}

static void put_table(ls_buf *o, const dump_report *r) {
    size_t shown = dump_report_shown(r);
    ls_buf_printf(o, "<h2>Buckets (%zu of %zu)</h2>\n", shown, dump_buckets_len(r->buckets));
    ls_buf_puts(o, "<table id=\"buckets\"><thead><tr><th>goroutines</th><th>state</th>"
                   "<th>wait min/median/max (min)</th><th>stack (click to expand)</th><th>created by</th>"
                   "<th>bucket</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < shown; i++)
        put_bucket_row(o, r, dump_buckets_at(r->buckets, i));
    ls_buf_puts(o, "</tbody></table>\n");
}

/* The chart's data: times and, per charted bucket, its counts and a label. */
static void put_series_data(ls_buf *o, const dump_report *r) {
    const dump_series *s = r->series;
    char hex[17];
    ls_buf_puts(o, "<script type=\"application/json\" id=\"series-data\">{\"times\":[");
    for (size_t p = 0; p < s->npoints; p++)
        ls_buf_printf(o, p ? ",%.3f" : "%.3f", s->points[p].time - s->points[0].time);
    ls_buf_puts(o, "],\"buckets\":[");
    for (size_t i = 0; i < dump_report_series_shown(r); i++) {
        const dump_series_bucket *b = &s->buckets[i];
        const dump_frame *top = b->last ? dump_bucket_top_user_frame(b->last) : NULL;
        ls_buf_printf(o, "%s{\"id\":\"%s\",\"label\":\"", i ? "," : "", dump_id_hex(b->id, hex));
        /* the label is HTML-escaped and has no quotes or backslashes left */
        if (top)
            for (size_t k = 0; k < top->func.len; k++)
                if (top->func.ptr[k] != '\\' && (unsigned char)top->func.ptr[k] >= 0x20)
                    put_html(o, &top->func.ptr[k], 1);
        ls_buf_puts(o, "\",\"verdict\":\"");
        put_hc(o, b->verdict_text);
        ls_buf_puts(o, "\",\"counts\":[");
        for (size_t p = 0; p < s->npoints; p++)
            ls_buf_printf(o, p ? ",%llu" : "%llu", (unsigned long long)b->counts[p]);
        ls_buf_puts(o, "]}");
    }
    ls_buf_puts(o, "]}</script>\n");
}

static void put_series_section(ls_buf *o, const dump_report *r) {
    const dump_series *s = r->series;
    if (!s || s->npoints < 2)
        return;
    ls_buf_printf(o, "<h2>Series: %zu snapshots over ", s->npoints);
    dump_put_duration(o, s->points[s->npoints - 1].time - s->points[0].time);
    ls_buf_puts(o, "</h2>\n");
    if (r->times_assumed)
        ls_buf_puts(o, "<p class=\"dim\">No timestamps: snapshots assumed one minute apart.</p>\n");
    if (s->blocked_alert) {
        ls_buf_puts(o, "<p class=\"alert\">ALERT ");
        put_hc(o, s->blocked_text);
        ls_buf_puts(o, "</p>\n");
    }
    ls_buf_puts(o, "<div id=\"chart\"></div><p id=\"chart-status\" class=\"dim\"></p>\n");
    ls_buf_puts(o, "<table id=\"series\"><thead><tr><th>bucket</th><th>top frame</th><th>counts</th>"
                   "<th>per minute</th><th>verdict</th></tr></thead><tbody>\n");
    char hex[17];
    for (size_t i = 0; i < dump_report_series_shown(r); i++) {
        const dump_series_bucket *b = &s->buckets[i];
        const dump_frame *top = b->last ? dump_bucket_top_user_frame(b->last) : NULL;
        ls_buf_printf(o, "<tr><td><a href=\"#b-%s\"><code>%s</code></a></td><td>", dump_id_hex(b->id, hex), hex);
        if (top)
            put_hs(o, top->func);
        ls_buf_puts(o, "</td><td class=\"n\">");
        for (size_t p = 0; p < s->npoints; p++)
            ls_buf_printf(o, p ? " %llu" : "%llu", (unsigned long long)b->counts[p]);
        ls_buf_printf(o, "</td><td class=\"n\">%+.1f</td><td>", b->slope_per_minute);
        put_hc(o, b->verdict_text);
        if (b->alert) {
            ls_buf_puts(o, " <span class=\"alert\">ALERT ");
            put_hc(o, b->alert_text);
            ls_buf_puts(o, "</span>");
        }
        ls_buf_puts(o, "</td></tr>\n");
    }
    ls_buf_puts(o, "</tbody></table>\n");
    put_series_data(o, r);
}

/* Draws one polyline per bucket; axes in minutes and goroutines. */
static const char chart_script[] =
    "(function(){\n"
    "var el=document.getElementById('series-data');if(!el)return;\n"
    "var d=JSON.parse(el.textContent),W=900,H=320,L=60,R=220,T=16,B=36,NS='http://www.w3.org/2000/svg';\n"
    "var colors=['#d62728','#1f77b4','#2ca02c','#ff7f0e','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf'];\n"
    "var tmax=Math.max.apply(null,d.times)||1,cmax=1;\n"
    "d.buckets.forEach(function(b){b.counts.forEach(function(c){if(c>cmax)cmax=c;});});\n"
    "function x(t){return L+(W-L-R)*t/tmax;}function y(c){return H-B-(H-T-B)*c/cmax;}\n"
    "function mk(n,a,txt){var e=document.createElementNS(NS,n);for(var k in a)e.setAttribute(k,a[k]);"
    "if(txt!==undefined)e.textContent=txt;return e;}\n"
    "var svg=mk('svg',{width:W,height:H,viewBox:'0 0 '+W+' '+H,role:'img'});\n"
    "svg.appendChild(mk('line',{x1:L,y1:H-B,x2:W-R,y2:H-B,stroke:'#444'}));\n"
    "svg.appendChild(mk('line',{x1:L,y1:T,x2:L,y2:H-B,stroke:'#444'}));\n"
    "for(var i=0;i<=4;i++){var c=Math.round(cmax*i/4);svg.appendChild(mk('text',{x:L-6,y:y(c)+4,'text-anchor':'end',"
    "'font-size':11},String(c)));}\n"
    "svg.appendChild(mk('text',{x:(L+W-R)/2,y:H-8,'text-anchor':'middle','font-size':11},"
    "'minutes since the first snapshot ('+(tmax/60).toFixed(1)+')'));\n"
    "var drawn=0;d.buckets.forEach(function(b,i){var col=colors[i%colors.length],pts=b.counts.map(function(c,j){"
    "return x(d.times[j]).toFixed(1)+','+y(c).toFixed(1);}).join(' ');\n"
    "var pl=mk('polyline',{points:pts,fill:'none',stroke:col,'stroke-width':2,'class':'series-line'});"
    "pl.appendChild(mk('title',{},b.id+' '+b.label+': '+b.verdict));svg.appendChild(pl);\n"
    "svg.appendChild(mk('text',{x:W-R+8,y:T+14*i+10,fill:col,'font-size':11},b.label.slice(0,34)));drawn++;});\n"
    "document.getElementById('chart').appendChild(svg);\n"
    "document.getElementById('chart-status').textContent='chart drawn: '+drawn+' buckets, '+d.times.length+' snapshots';\n"
    "document.body.setAttribute('data-chart','drawn');\n"
    "})();\n";

void dump_report_html(ls_buf *o, const dump_report *r) {
    ls_buf_puts(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width\">"
                   "<title>leakscope dump</title><style>");
    ls_buf_puts(o, style);
    /* Errors go into the page before any other script runs. */
    ls_buf_puts(o, "</style><script>window.onerror=function(m,s,l){var e=document.getElementById('js-errors');"
                   "if(e)e.textContent+='script error: '+m+' (line '+l+')\\n';"
                   "document.documentElement.setAttribute('data-js-error','1');};</script></head>\n<body>\n");
    put_summary(o, r);
    put_suspects(o, r);
    put_series_section(o, r);
    put_table(o, r);
    ls_buf_puts(o, "<script>");
    ls_buf_puts(o, chart_script);
    ls_buf_puts(o, "</script>\n</body></html>\n");
}
