/*
 * Groups live goroutines by creation site for the probe's report.  The
 * site is the position of gopc - 1: gopc is the return address of the call
 * into the runtime made by the `go` statement, so the instruction before
 * it belongs to the statement (the runtime's "created by" line does the
 * same).  Names come from the pclntab, so stripped binaries work too.
 */
#include <stdlib.h>
#include <string.h>

#include "leakscope/probe.h"

/* runtime2.go: _Gidle ... _Gpreempted; the _Gscan bit (0x1000) is masked */
static const char *const status_names[] = {"idle",     "runnable",      "running",   "syscall",   "waiting",
                                           "moribund", "dead",          "enqueue",   "copystack", "preempted"};

const char *probe_goroutine_state(const gobin *b, const probe_goroutine *g) {
    if (!g->have_status)
        return NULL;
    uint32_t st = g->status & ~0x1000u;
    const char *reason = gobin_wait_reason(b, g->waitreason);
    if (st == 4 && reason && *reason)
        return reason;
    return st < sizeof status_names / sizeof *status_names ? status_names[st] : "?";
}

static void site_of(const gobin *b, const probe_goroutine *g, probe_site *s) {
    gobin_pos at, start;
    memset(s, 0, sizeof *s);
    s->file = "?";
    s->creator = s->start = "?";
    if (g->gopc && gobin_pc_pos(b, g->gopc - 1, &at)) {
        s->file = at.file;
        s->line = at.line;
        s->creator = at.func;
    }
    if (gobin_pc_pos(b, g->startpc, &start))
        s->start = start.func;
    const gobin_func *f = gobin_func_for_pc(b, g->startpc);
    const char *wrapped = f ? gobin_gowrap_target(b, f) : NULL;
    if (wrapped)
        s->start = wrapped;
    s->runtime = strncmp(s->start, "runtime.", 8) == 0 || strncmp(s->creator, "runtime.", 8) == 0;
}

static int same_site(const probe_site *a, const probe_site *b) {
    return a->line == b->line && strcmp(a->file, b->file) == 0 && strcmp(a->start, b->start) == 0 &&
           strcmp(a->creator, b->creator) == 0;
}

static int site_cmp(const void *pa, const void *pb) {
    const probe_site *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return strcmp(a->start, b->start);
}

size_t probe_group_sites(const gobin *b, const probe_goroutine *g, size_t n, uint64_t min_age_ns,
                         probe_site **out) {
    probe_site *sites = calloc(n ? n : 1, sizeof *sites);
    size_t nsites = 0;
    if (!sites) {
        *out = NULL;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        probe_site s;
        site_of(b, &g[i], &s);
        size_t k = 0; /* sites are few: a linear search is enough */
        while (k < nsites && !same_site(&sites[k], &s))
            k++;
        if (k == nsites) {
            sites[nsites++] = s;
            sites[k].oldest_ns = g[i].age_ns;
            sites[k].state = probe_goroutine_state(b, &g[i]);
            sites[k].stack_id = g[i].stack_id;
            sites[k].youngest_ns = g[i].age_ns;
        }
        sites[k].count++;
        sites[k].aged += g[i].age_ns >= min_age_ns;
        if (g[i].age_ns >= sites[k].oldest_ns) {
            sites[k].oldest_ns = g[i].age_ns;
            sites[k].state = probe_goroutine_state(b, &g[i]);
            sites[k].stack_id = g[i].stack_id;
        }
        if (g[i].age_ns < sites[k].youngest_ns)
            sites[k].youngest_ns = g[i].age_ns;
    }
    qsort(sites, nsites, sizeof *sites, site_cmp);
    *out = sites;
    return nsites;
}
