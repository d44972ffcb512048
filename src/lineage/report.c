/*
 * The lineage report writers: text, JSON (docs/lineage.md), DOT and one
 * self-contained HTML page.  They take a finished lineage_result and know
 * nothing of how it was read.
 *
 * The graph outputs draw only what the reader kept: contexts with findings
 * and their ancestors (at most --max-nodes), since a whole event file can
 * hold millions of contexts.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "leakscope/lineage.h"
#include "leakscope/report.h"

/* ---- shared ------------------------------------------------------------------ */

/* µs as a short human duration: 12us, 3.4ms, 1.2s, 5m10s, 2h3m. */
static void put_age(ls_buf *o, int64_t us) {
    if (us < 0)
        us = 0;
    if (us < 1000)
        ls_buf_printf(o, "%lldus", (long long)us);
    else if (us < 1000000)
        ls_buf_printf(o, "%.1fms", us / 1e3);
    else if (us < 60000000)
        ls_buf_printf(o, "%.1fs", us / 1e6);
    else if (us < 3600000000ll)
        ls_buf_printf(o, "%lldm%llds", (long long)(us / 60000000), (long long)(us / 1000000 % 60));
    else
        ls_buf_printf(o, "%lldh%lldm", (long long)(us / 3600000000ll), (long long)(us / 60000000 % 60));
}

static int cmp_by_kind(const void *a, const void *b, void *kind) {
    const lineage_site *x = *(lineage_site *const *)a, *y = *(lineage_site *const *)b;
    int k = *(const int *)kind;
    uint64_t cx = x->agg[k].count, cy = y->agg[k].count;
    if (cx != cy)
        return cx > cy ? -1 : 1;
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return strcmp(x->func, y->func);
}

/* The sites with findings of kind k, most first (malloc'd; *n set). */
static const lineage_site **sites_of_kind(const lineage_result *r, int k, size_t *n) {
    const lineage_site **v = malloc((r->nsites ? r->nsites : 1) * sizeof *v);
    if (!v)
        abort();
    *n = 0;
    for (size_t i = 0; i < r->nsites; i++)
        if (r->sites[i]->agg[k].count)
            v[(*n)++] = r->sites[i];
    qsort_r(v, *n, sizeof *v, cmp_by_kind, &k);
    return v;
}

static uint64_t total_findings(const lineage_result *r) {
    uint64_t t = 0;
    for (int k = 0; k < LINEAGE_F_COUNT; k++)
        t += r->totals[k];
    return t;
}

static void put_site(ls_buf *o, const lineage_site *s) {
    ls_buf_printf(o, "%s:%lld %s", *s->file ? s->file : "?", (long long)s->line, s->func);
}

/* ---- text ----------------------------------------------------------------------- */

void lineage_report_text(ls_buf *o, const lineage_result *r) {
    for (int k = 0; k < LINEAGE_F_COUNT; k++) {
        if (!r->totals[k])
            continue;
        ls_buf_printf(o, "%s: %llu context%s — %s\n", lineage_finding_name(k), (unsigned long long)r->totals[k],
                      r->totals[k] == 1 ? "" : "s", lineage_finding_summary(k));
        size_t n;
        const lineage_site **v = sites_of_kind(r, k, &n);
        for (size_t i = 0; i < n; i++) {
            const lineage_agg *a = &v[i]->agg[k];
            ls_buf_puts(o, "  ");
            put_site(o, v[i]);
            ls_buf_printf(o, ": %llu", (unsigned long long)a->count);
            if (k == LINEAGE_F_VALUE_DEEP) {
                ls_buf_printf(o, ", depth up to %lld", (long long)a->age_max);
            } else if (k != LINEAGE_F_NEW_ROOT) {
                ls_buf_puts(o, k == LINEAGE_F_TIMEOUT_NO_EFFECT ? ", too long by up to " : ", age up to ");
                put_age(o, a->age_max);
                ls_buf_puts(o, " (mean ");
                put_age(o, a->age_sum / (int64_t)a->count);
                ls_buf_putc(o, ')');
            }
            ls_buf_printf(o, ", e.g. %s\n", a->example);
        }
        free(v);
    }
    uint64_t t = total_findings(r);
    ls_buf_printf(o, "%llu finding%s in %zu creation site%s; %llu events (%llu derive, %llu end) in %zu file%s",
                  (unsigned long long)t, t == 1 ? "" : "s", r->nsites, r->nsites == 1 ? "" : "s",
                  (unsigned long long)r->events, (unsigned long long)r->derives, (unsigned long long)r->ends,
                  r->files, r->files == 1 ? "" : "s");
    if (r->unknown_ev)
        ls_buf_printf(o, ", %llu of unknown kinds skipped", (unsigned long long)r->unknown_ev);
    if (r->bad_lines)
        ls_buf_printf(o, ", %llu bad lines skipped", (unsigned long long)r->bad_lines);
    ls_buf_putc(o, '\n');
    if (r->drops)
        ls_buf_printf(o, "warning: the writer dropped %llu events (its buffer was full): the graph may miss "
                         "contexts, and some findings may be missing or wrong\n",
                      (unsigned long long)r->drops);
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_str(ls_buf *o, const char *s) { report_json_string(o, s, strlen(s)); }

static void json_site_finding(ls_buf *o, const lineage_site *s, int k) {
    const lineage_agg *a = &s->agg[k];
    ls_buf_puts(o, "{\"kind\":");
    json_str(o, lineage_finding_name(k));
    ls_buf_puts(o, ",\"func\":");
    json_str(o, s->func);
    ls_buf_puts(o, ",\"file\":");
    json_str(o, s->file);
    ls_buf_printf(o, ",\"line\":%lld,\"count\":%llu,\"derived\":%llu", (long long)s->line,
                  (unsigned long long)a->count, (unsigned long long)s->derived);
    if (k == LINEAGE_F_VALUE_DEEP)
        ls_buf_printf(o, ",\"depth_max\":%lld", (long long)a->age_max);
    else if (k != LINEAGE_F_NEW_ROOT)
        ls_buf_printf(o, ",\"age_max_us\":%lld,\"age_mean_us\":%lld", (long long)a->age_max,
                      (long long)(a->age_sum / (int64_t)a->count));
    ls_buf_puts(o, ",\"example\":");
    json_str(o, a->example);
    if (s->stack) {
        ls_buf_puts(o, ",\"stack\":");
        ls_buf_puts(o, s->stack); /* already JSON, checked by the scanner */
    }
    ls_buf_putc(o, '}');
}

void lineage_report_json(ls_buf *o, const lineage_result *r, const lineage_options *opt) {
    ls_buf_printf(o, "{\"version\":%d,\"files\":%zu,\"events\":%llu,\"derives\":%llu,\"ends\":%llu,", LINEAGE_JSON_VERSION,
                  r->files, (unsigned long long)r->events, (unsigned long long)r->derives,
                  (unsigned long long)r->ends);
    ls_buf_printf(o, "\"unknown_events\":%llu,\"bad_lines\":%llu,\"drops\":%llu,\"orphan_ends\":%llu,\"peak_live\":%llu,",
                  (unsigned long long)r->unknown_ev, (unsigned long long)r->bad_lines,
                  (unsigned long long)r->drops, (unsigned long long)r->orphan_ends,
                  (unsigned long long)r->peak_live);
    ls_buf_printf(o, "\"thresholds\":{\"max_value_depth\":%lld,\"late_us\":%lld},\"totals\":{",
                  (long long)opt->max_value_depth, (long long)opt->late_us);
    for (int k = 0; k < LINEAGE_F_COUNT; k++)
        ls_buf_printf(o, "%s\"%s\":%llu", k ? "," : "", lineage_finding_name(k), (unsigned long long)r->totals[k]);
    ls_buf_puts(o, "},\"findings\":[");
    bool first = true;
    for (int k = 0; k < LINEAGE_F_COUNT; k++) {
        size_t n;
        const lineage_site **v = sites_of_kind(r, k, &n);
        for (size_t i = 0; i < n; i++) {
            if (!first)
                ls_buf_putc(o, ',');
            first = false;
            json_site_finding(o, v[i], k);
        }
        free(v);
    }
    ls_buf_printf(o, "],\"graph_nodes\":%zu,\"graph_truncated\":%s}\n", r->nnodes,
                  r->nodes_truncated ? "true" : "false");
}

/* ---- DOT -------------------------------------------------------------------------- */

static void dot_str(ls_buf *o, const char *s) {
    ls_buf_putc(o, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            ls_buf_putc(o, '\\');
        if (*s == '\n')
            ls_buf_puts(o, "\\n");
        else
            ls_buf_putc(o, *s);
    }
    ls_buf_putc(o, '"');
}

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void node_label(ls_buf *tmp, const lineage_gnode *n) {
    tmp->len = 0;
    ls_buf_printf(tmp, "%s\n%s\n%s:%lld", n->kind, n->site->func, base_name(n->site->file), (long long)n->site->line);
    for (int k = 0; k < LINEAGE_F_COUNT; k++)
        if (n->findings & (1u << k))
            ls_buf_printf(tmp, "\n%s", lineage_finding_name(k));
    ls_buf_putc(tmp, 0);
}

void lineage_report_dot(ls_buf *o, const lineage_result *r) {
    ls_buf_puts(o, "digraph lineage {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n");
    if (r->nodes_truncated)
        ls_buf_puts(o, "  label=\"more findings than --max-nodes: the graph shows the first ones\";\n");
    ls_buf tmp = {0};
    for (size_t i = 0; i < r->nnodes; i++) {
        const lineage_gnode *n = &r->nodes[i];
        node_label(&tmp, n);
        ls_buf_printf(o, "  n%zu [label=", i);
        dot_str(o, tmp.data);
        ls_buf_puts(o, ", tooltip=");
        dot_str(o, n->id);
        if (n->findings & (1u << LINEAGE_F_NEVER_CANCELLED))
            ls_buf_puts(o, ", color=red, penwidth=2, style=filled, fillcolor=\"#ffe0e0\", peripheries=2");
        else if (n->findings)
            ls_buf_puts(o, ", color=red");
        ls_buf_puts(o, "];\n");
        if (n->parent_index < 0 && n->parent) {
            ls_buf_printf(o, "  r%zu [shape=ellipse, label=", i);
            dot_str(o, n->parent);
            ls_buf_printf(o, "];\n  r%zu -> n%zu;\n", i, i);
        }
    }
    for (size_t i = 0; i < r->nnodes; i++) {
        const lineage_gnode *n = &r->nodes[i];
        if (n->parent_index >= 0)
            ls_buf_printf(o, "  n%d -> n%zu%s;\n", n->parent_index, i,
                          n->cancel_lost_edge ? " [color=red, style=dashed, label=\"cancel lost\"]"
                          : n->remote_edge    ? " [style=dotted, label=\"remote\"]"
                                              : "");
        if (n->broken_index >= 0)
            ls_buf_printf(o, "  n%d -> n%zu [color=red, style=dashed, label=\"broken: new root\"];\n",
                          n->broken_index, i);
    }
    ls_buf_free(&tmp);
    ls_buf_puts(o, "}\n");
}

/* ---- HTML ------------------------------------------------------------------------- */

/* JSON inside <script>: "</script" or "<!--" would change how the HTML
 * parser reads the element, so every '<' (only ever inside JSON strings
 * here) is written as \u003c. */
static void put_script_json(ls_buf *o, const ls_buf *json) {
    for (size_t i = 0; i < json->len; i++) {
        if (json->data[i] == '<')
            ls_buf_puts(o, "\\u003c");
        else
            ls_buf_putc(o, json->data[i]);
    }
}

static void html_graph_json(ls_buf *j, const lineage_result *r) {
    ls_buf_puts(j, "{\"nodes\":[");
    for (size_t i = 0; i < r->nnodes; i++) {
        const lineage_gnode *n = &r->nodes[i];
        if (i)
            ls_buf_putc(j, ',');
        ls_buf_puts(j, "{\"id\":");
        json_str(j, n->id);
        ls_buf_printf(j, ",\"p\":%d,\"b\":%d,\"lost\":%s,\"remote\":%s,\"kind\":", n->parent_index,
                      n->broken_index, n->cancel_lost_edge ? "true" : "false", n->remote_edge ? "true" : "false");
        json_str(j, n->kind);
        ls_buf_puts(j, ",\"parent\":");
        json_str(j, n->parent ? n->parent : "");
        ls_buf_puts(j, ",\"func\":");
        json_str(j, n->site->func);
        ls_buf_puts(j, ",\"file\":");
        json_str(j, n->site->file);
        ls_buf_printf(j, ",\"line\":%lld,\"t\":%lld,\"g\":%lld,\"cg\":%lld,\"deadline\":%lld,\"end\":",
                      (long long)n->site->line, (long long)n->t, (long long)n->g, (long long)n->cg,
                      (long long)n->deadline);
        json_str(j, n->end_how ? n->end_how : "");
        ls_buf_printf(j, ",\"end_t\":%lld,\"findings\":[", (long long)n->end_t);
        bool first = true;
        for (int k = 0; k < LINEAGE_F_COUNT; k++) {
            if (!(n->findings & (1u << k)))
                continue;
            if (!first)
                ls_buf_putc(j, ',');
            first = false;
            json_str(j, lineage_finding_name(k));
        }
        ls_buf_puts(j, "],\"stack\":");
        ls_buf_puts(j, n->site->stack ? n->site->stack : "[]");
        ls_buf_putc(j, '}');
    }
    ls_buf_printf(j, "],\"truncated\":%s,\"summary\":", r->nodes_truncated ? "true" : "false");
    ls_buf text = {0};
    lineage_report_text(&text, r);
    report_json_string(j, text.data ? text.data : "", text.len);
    ls_buf_free(&text);
    ls_buf_puts(j, "}");
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<title>leakscope lineage</title>\n"
    "<script>/* errors go into the page, where a test (or a reader) sees them */\n"
    "window.lsErrors=[];function lsErr(m){window.lsErrors.push(String(m));var e=document.getElementById('errors');"
    "if(e)e.textContent=window.lsErrors.join('\\n');}\n"
    "window.onerror=function(m,s,l){lsErr(m+' at '+l);};\n"
    "(function(){var ce=console.error;console.error=function(){lsErr(Array.prototype.join.call(arguments,' '));"
    "ce.apply(console,arguments);};})();</script>\n"
    "<style>body{font:13px sans-serif;margin:0;display:flex;height:100vh}"
    "#side{width:34%;overflow:auto;padding:8px;border-right:1px solid #ccc;box-sizing:border-box}"
    "#main{flex:1;overflow:auto}pre{white-space:pre-wrap;font:12px monospace}"
    ".n rect{fill:#f4f6fb;stroke:#556}.n.f rect{stroke:#c00}.n.never rect{fill:#ffe0e0;stroke:#c00;stroke-width:3}"
    ".n text{font:11px monospace;pointer-events:none}.n{cursor:pointer}.n.sel rect{stroke:#06c;stroke-width:3}"
    ".e{stroke:#889;fill:none}.e.bad{stroke:#d00;stroke-dasharray:6 4;stroke-width:2}"
    "#errors{color:#c00}</style>\n</head>\n<body>\n"
    "<div id=\"side\"><h3>leakscope lineage</h3><pre id=\"summary\"></pre><h4>Selected context</h4>"
    "<pre id=\"detail\">Click a node.</pre><pre id=\"errors\"></pre><div id=\"status\"></div></div>\n"
    "<div id=\"main\"><svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\"></svg></div>\n"
    "<script type=\"application/json\" id=\"data\">";

/* Layout: a column per depth (left to right), a row per node in
 * depth-first order, so every subtree is a contiguous band of rows. */
static const char html_tail[] =
    "</script>\n<script>\n(function(){\n"
    "var D=JSON.parse(document.getElementById('data').textContent),N=D.nodes;\n"
    "document.getElementById('summary').textContent=D.summary;\n"
    "var kids=N.map(function(){return [];}),roots=[];\n"
    "N.forEach(function(n,i){if(n.p>=0)kids[n.p].push(i);else roots.push(i);});\n"
    "var W=230,H=62,GX=60,GY=14,row=0,depth=[],rows=[];\n"
    "var stack=roots.slice().reverse().map(function(i){return [i,0];});\n"
    "while(stack.length){var top=stack.pop(),i=top[0];depth[i]=top[1];rows[i]=row++;\n"
    "  for(var k=kids[i].length-1;k>=0;k--)stack.push([kids[i][k],top[1]+1]);}\n"
    "var NS='http://www.w3.org/2000/svg',svg=document.getElementById('graph'),maxd=0;\n"
    "depth.forEach(function(d){if(d>maxd)maxd=d;});\n"
    "svg.setAttribute('width',(maxd+1)*(W+GX)+20);svg.setAttribute('height',row*(H+GY)+20);\n"
    "function X(i){return 10+depth[i]*(W+GX);}function Y(i){return 10+rows[i]*(H+GY);}\n"
    "function el(t,a,p){var e=document.createElementNS(NS,t);for(var k in a)e.setAttribute(k,a[k]);"
    "(p||svg).appendChild(e);return e;}\n"
    "function edge(a,b,bad,title){var x1=X(a)+W,y1=Y(a)+H/2,x2=X(b),y2=Y(b)+H/2;\n"
    "  if(x2<=x1){x1=X(a)+W/2;y1=Y(a)+H;x2=X(b)+W/2;y2=Y(b);}\n"
    "  var p=el('path',{d:'M'+x1+','+y1+' C'+(x1+GX/2)+','+y1+' '+(x2-GX/2)+','+y2+' '+x2+','+y2,"
    "'class':bad?'e bad':'e'});if(title){el('title',{},p).textContent=title;}}\n"
    "N.forEach(function(n,i){if(n.p>=0)edge(n.p,i,n.lost,n.lost?'cancel never reached this context':"
    "n.remote?'parent in another process':'');"
    "if(n.b>=0)edge(n.b,i,true,'broken chain: a new root made while this context was live '+"
    "'(in its goroutine or the one that started it)');});\n"
    "function short(s,m){return s.length>m?'\\u2026'+s.slice(s.length-m+1):s;}\n"
    "var sel=null;\n"
    "N.forEach(function(n,i){var never=n.findings.indexOf('never-cancelled')>=0;\n"
    "  var g=el('g',{'class':'n'+(n.findings.length?' f':'')+(never?' never':''),"
    "transform:'translate('+X(i)+','+Y(i)+')','data-index':i});\n"
    "  el('rect',{width:W,height:H,rx:4},g);\n"
    "  var lines=[(never?'\\u2716 NEVER CANCELLED ':'')+n.kind,short(n.func,32),"
    "short(n.file.split('/').pop()+':'+n.line,32),n.findings.join(' ')];\n"
    "  lines.forEach(function(s,k){el('text',{x:6,y:14+k*13},g).textContent=s;});\n"
    "  g.addEventListener('click',function(){if(sel)sel.classList.remove('sel');sel=g;g.classList.add('sel');\n"
    "    var st=n.stack.length?n.stack.join('\\n  '):'(no stack recorded: run with full stacks)';\n"
    "    document.getElementById('detail').textContent='id: '+n.id+'\\nkind: '+n.kind+'\\nparent: '+n.parent+"
    "'\\ncreated at: '+n.func+' '+n.file+':'+n.line+'\\ngoroutine: '+n.g+"
    "(n.cg?' (started by goroutine '+n.cg+')':'')+'\\nend: '+(n.end||'none')+"
    "'\\nfindings: '+(n.findings.join(', ')||'none (an ancestor of one)')+'\\nstack:\\n  '+st;});\n"
    "});\n"
    "document.getElementById('status').textContent='rendered '+N.length+' contexts'+"
    "(D.truncated?' (more findings than --max-nodes)':'');\n"
    "if(location.hash==='#click'&&N.length){/* for tests: click the first node with a finding */\n"
    "  var f=0;N.forEach(function(n,i){if(!f&&n.findings.length)f=i;});\n"
    "  svg.querySelector('[data-index=\"'+f+'\"]').dispatchEvent(new MouseEvent('click'));}\n"
    "document.body.setAttribute('data-rendered','ok');\n"
    "})();\n</script>\n</body></html>\n";

void lineage_report_html(ls_buf *o, const lineage_result *r) {
    ls_buf json = {0};
    html_graph_json(&json, r);
    ls_buf_puts(o, html_head);
    put_script_json(o, &json);
    ls_buf_puts(o, html_tail);
    ls_buf_free(&json);
}
