/*
 * watch_run: the scheduling loop of `leakscope watch`, on one thread.
 *
 * Every target has a due time; due targets are started while fewer than
 * --concurrency scrapes are in flight, and libcurl's multi interface moves
 * all transfers on while the loop waits for the next due time.  A finished
 * scrape is stored, then handed to the target's detector.  A target that
 * fails is retried after interval * 2^failures (at most --max-backoff), so a
 * dead service costs little.  SIGHUP reloads the targets file: targets that
 * keep their name keep their history in memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "watch_internal.h"


typedef struct loop {
    const watch_options *o;
    const watch_events *ev;
    watch_scraper *scraper;
    watch_store *store;
    dump_ignore *ignore;
    target_state **states;
    size_t nstates;
    target_state *current; /* the target whose alerts are being raised */
    char *last_store_error; /* so that a full disk is said once, not every scrape */
    watch_http *http;       /* --listen */
    bool dirty;             /* the published documents are out of date */
    double last_publish;
} loop;

static double now_seconds(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void problem(loop *l, const char *fmt, const char *a, const char *b) {
    char msg[4096];
    snprintf(msg, sizeof msg, fmt, a, b);
    if (l->ev->problem)
        l->ev->problem(l->ev->ctx, msg);
}

static void state_free(target_state *s) {
    watch_target_clear(&s->t);
    watch_detector_free(s->detector);
    free(s);
}

static int load_targets(const watch_options *o, watch_targets *out, char *err, size_t errlen) {
    for (size_t i = 0; i < o->nargs; i++)
        watch_targets_add_arg(out, o->args[i], o->format, o->interval, &o->thresholds);
    if (o->targets_file &&
        watch_targets_load(out, o->targets_file, o->format, o->interval, &o->thresholds, err, errlen))
        return -1;
    if (out->len == 0) {
        snprintf(err, errlen, "no targets: give URLs (host:port) or --targets FILE");
        return -1;
    }
    return 0;
}

static target_state *find_state(loop *l, const char *name) {
    for (size_t i = 0; i < l->nstates; i++)
        if (!l->states[i]->removed && strcmp(l->states[i]->t.name, name) == 0)
            return l->states[i];
    return NULL;
}

static bool same_thresholds(const dump_series_options *a, const dump_series_options *b) {
    return a->growth_pct == b->growth_pct && a->growth_min == b->growth_min &&
           a->window_seconds == b->window_seconds && a->blocked_pct == b->blocked_pct &&
           a->blocked_snapshots == b->blocked_snapshots;
}

/* Takes the targets of list (which is emptied): known names keep their
 * state, new names get one, missing names are removed. */
static void adopt_targets(loop *l, watch_targets *list) {
    target_state **next = calloc(list->len + l->nstates + 1, sizeof *next);
    if (!next)
        abort();
    size_t n = 0;
    for (size_t i = 0; i < list->len; i++) {
        target_state *s = find_state(l, list->at[i].name);
        if (s && s->adopted)
            s = NULL; /* the same name twice (argument and file): two targets */
        if (s && !same_thresholds(&s->t.thresholds, &list->at[i].thresholds)) {
            watch_detector_free(s->detector);
            s->detector = NULL;
        }
        if (s) {
            watch_target_clear(&s->t);
        } else {
            s = calloc(1, sizeof *s);
            if (!s)
                abort();
            /* first scrapes spread over the interval: 50 targets scraped at
             * the same instant would slow each other (and the host) down */
            s->next_due = now_seconds() + list->at[i].interval * (double)i / (double)list->len;
        }
        s->t = list->at[i];
        s->adopted = true;
        if (!s->detector)
            s->detector = watch_detector_new(&s->t.thresholds, l->ignore);
        next[n++] = s;
    }
    for (size_t i = 0; i < l->nstates; i++) {
        target_state *s = l->states[i];
        if (s->adopted) {
            s->adopted = false;
            continue;
        }
        s->removed = true;
        if (s->in_flight)
            next[n++] = s; /* freed when its scrape ends */
        else
            state_free(s);
    }
    for (size_t i = 0; i < n; i++)
        next[i]->adopted = false;
    free(l->states);
    l->states = next;
    l->nstates = n;
    list->len = 0;
    watch_targets_free(list);
}

static void reload(loop *l) {
    watch_targets list = {0};
    char err[1024];
    if (load_targets(l->o, &list, err, sizeof err)) {
        watch_targets_free(&list);
        problem(l, "reload failed, keeping the targets as they were: %s%s", err, "");
        return;
    }
    adopt_targets(l, &list);
}

static void on_alert(void *ctx, const watch_alert *a) {
    loop *l = ctx;
    target_state *s = l->current;
    watch_alert copy = *a;
    if (a->kind == WATCH_ALERT_GROWTH)
        s->stats.alerts_growth++;
    else
        s->stats.alerts_blocked++;
    if (l->store && a->bucket) {
        double first = watch_store_first_seen(l->store, &s->t, a->bucket->id);
        if (first >= 0)
            copy.first_seen = first;
    }
    ls_buf json = {0};
    watch_alert_json(&json, &s->t, &copy);
    ls_buf_putc(&json, '\0');
    if (l->ev->alert)
        l->ev->alert(l->ev->ctx, &s->t, json.data, json.len - 1);
    char err[1024];
    if (l->store && watch_store_put_alert(l->store, &s->t, a->time, a->bucket ? a->bucket->id : 0,
                                          a->kind == WATCH_ALERT_GROWTH ? "growth" : "blocked", json.data, err,
                                          sizeof err))
        problem(l, "%s%s", err, "");
    ls_buf_free(&json);
}

static void store_scrape(loop *l, target_state *s, const watch_scrape *r) {
    char err[1024];
    if (watch_store_put_scrape(l->store, &s->t, r, err, sizeof err) == 0) {
        if (l->last_store_error) {
            problem(l, "%s: history is being saved again%s", l->o->db_path, "");
            free(l->last_store_error);
            l->last_store_error = NULL;
        }
        return;
    }
    if (!l->last_store_error || strcmp(l->last_store_error, err) != 0)
        problem(l, "%s; watching goes on, and saving is retried every scrape%s", err, "");
    free(l->last_store_error);
    l->last_store_error = strdup(err);
}

static void schedule(loop *l, target_state *s, const watch_scrape *r) {
    double wait = s->t.interval;
    if (r->error[0]) {
        s->failures++;
        for (unsigned i = 0; i < s->failures && wait < l->o->max_backoff; i++)
            wait *= 2;
        if (wait > l->o->max_backoff)
            wait = l->o->max_backoff > s->t.interval ? l->o->max_backoff : s->t.interval;
        char detail[320];
        snprintf(detail, sizeof detail, "%s (failure %u; next try in %.0fs)", r->error, s->failures, wait);
        problem(l, "target %s: %s", s->t.name, detail);
    } else {
        s->failures = 0;
    }
    s->next_due = r->start + wait;
}

static void count_scrape(target_state *s, const watch_scrape *r) {
    watch_target_stats *st = &s->stats;
    st->scrapes++;
    st->errors += r->error[0] != '\0';
    st->up = r->error[0] == '\0';
    st->last_time = r->start;
    st->last_duration = r->duration;
    snprintf(st->last_error, sizeof st->last_error, "%s", r->error);
}

static void on_scrape(void *ctx, watch_scrape *r) {
    loop *l = ctx;
    target_state *s = r->owner;
    s->in_flight = false;
    if (s->removed) {
        dump_buckets_free(r->buckets);
        return; /* freed by the sweep in the loop */
    }
    schedule(l, s, r);
    count_scrape(s, r);
    l->dirty = true;
    if (l->store)
        store_scrape(l, s, r);
    if (r->buckets) {
        l->current = s;
        watch_detector_add(s->detector, r->start, r->buckets, on_alert, l);
        l->current = NULL;
    }
    if (l->ev->scraped)
        l->ev->scraped(l->ev->ctx, &s->t, r);
}

/* Starts the due targets while there is room; returns the next due time. */
static double start_due(loop *l, double now) {
    double next = now + 1.0;
    for (size_t i = 0; i < l->nstates; i++) {
        target_state *s = l->states[i];
        if (s->in_flight || s->removed)
            continue;
        if (s->next_due > now) {
            next = s->next_due < next ? s->next_due : next;
            continue;
        }
        if (watch_scraper_in_flight(l->scraper) >= l->o->concurrency)
            return now + 0.05; /* wait for room */
        if (watch_scraper_start(l->scraper, s->t.url, s) == 0)
            s->in_flight = true;
        else
            s->next_due = now + s->t.interval;
    }
    return next;
}

static void sweep_removed(loop *l) {
    size_t k = 0;
    for (size_t i = 0; i < l->nstates; i++) {
        target_state *s = l->states[i];
        if (s->removed && !s->in_flight)
            state_free(s);
        else
            l->states[k++] = s;
    }
    l->nstates = k;
}

static void retain(loop *l, double now) {
    char err[1024];
    if (watch_store_retain(l->store, now, l->o->retain_age, l->o->retain_bytes, err, sizeof err) < 0)
        problem(l, "%s%s", err, "");
}

/* Renders what --listen serves, at most once a second. */
static void publish(loop *l, double now) {
    if (!l->http || !l->dirty || now - l->last_publish < 1.0)
        return;
    ls_buf metrics = {0}, json = {0};
    watch_status_metrics(&metrics, l->states, l->nstates, l->o->metrics_top, l->ignore);
    watch_status_json(&json, l->states, l->nstates, l->o->metrics_top);
    watch_http_publish(l->http, &metrics, &json);
    ls_buf_free(&metrics);
    ls_buf_free(&json);
    l->dirty = false;
    l->last_publish = now;
}

static void run_loop(loop *l) {
    const watch_options *o = l->o;
    double start = now_seconds(), last_retain = start;
    for (;;) {
        double now = now_seconds();
        if ((o->stop && *o->stop) || (o->duration > 0 && now - start >= o->duration))
            break;
        if (o->reload && *o->reload) {
            *o->reload = 0;
            reload(l);
            l->dirty = true;
        }
        double next = start_due(l, now);
        double wait_ms = (next - now) * 1000;
        wait_ms = wait_ms < 0 ? 0 : wait_ms > 1000 ? 1000 : wait_ms;
        watch_scraper_poll(l->scraper, (int)wait_ms, on_scrape, l);
        sweep_removed(l);
        publish(l, now);
        if (l->store && now - last_retain >= 60) {
            retain(l, now);
            last_retain = now;
        }
    }
}

static int start_http(loop *l, char *err, size_t errlen) {
    char *url = NULL;
    l->http = watch_http_start(l->o->listen, &url, err, errlen);
    if (!l->http)
        return -1;
    l->dirty = true;
    publish(l, now_seconds()); /* an empty document before the first scrape */
    if (l->ev->listening)
        l->ev->listening(l->ev->ctx, url);
    free(url);
    return 0;
}

static void cleanup(loop *l) {
    watch_http_stop(l->http);
    watch_scraper_free(l->scraper);
    for (size_t i = 0; i < l->nstates; i++)
        state_free(l->states[i]);
    free(l->states);
    dump_ignore_free(l->ignore);
    watch_store_close(l->store);
    free(l->last_store_error);
}

int watch_run(const watch_options *o, const watch_events *ev, char *err, size_t errlen) {
    loop l = {.o = o, .ev = ev};
    watch_targets list = {0};
    if (load_targets(o, &list, err, errlen)) {
        watch_targets_free(&list);
        return -1;
    }
    if (o->db_path && !(l.store = watch_store_open(o->db_path, err, errlen))) {
        watch_targets_free(&list);
        return -1;
    }
    l.scraper = watch_scraper_new(o->timeout, o->format, DUMP_GROUP_LINE);
    if (!l.scraper) {
        snprintf(err, errlen, "cannot start libcurl");
        watch_targets_free(&list);
        watch_store_close(l.store);
        return -1;
    }
    l.ignore = dump_ignore_new(true);
    adopt_targets(&l, &list);
    if (o->listen && start_http(&l, err, errlen)) {
        cleanup(&l);
        return -1;
    }
    if (l.store)
        retain(&l, now_seconds());
    run_loop(&l);
    cleanup(&l);
    return 0;
}
