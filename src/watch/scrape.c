/*
 * The scraper: many /debug/pprof/goroutine requests at once on one thread,
 * through libcurl's multi interface.
 *
 * Each transfer owns a dump_parser whose sink is a fresh dump_buckets; the
 * write callback pushes body bytes straight into the parser, so a body is
 * never held whole and memory per target is its buckets, not its dump.  How
 * many transfers run at once is the caller's decision (it starts them).
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "leakscope/watch.h"

typedef struct transfer {
    CURL *easy;
    dump_parser *parser;
    watch_scrape result;
    bool parse_failed;
    char curl_err[CURL_ERROR_SIZE];
    struct transfer *next;
} transfer;

struct watch_scraper {
    CURLM *multi;
    double timeout;
    dump_format format;
    dump_group group;
    transfer *active; /* a list: there are few */
    size_t in_flight;
};

static double now_seconds(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

watch_scraper *watch_scraper_new(double timeout, dump_format format, dump_group group) {
    static bool curl_ready;
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return NULL;
        curl_ready = true;
    }
    watch_scraper *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->multi = curl_multi_init();
    if (!s->multi) {
        free(s);
        return NULL;
    }
    s->timeout = timeout;
    s->format = format;
    s->group = group;
    return s;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx) {
    transfer *t = ctx;
    size_t n = size * nmemb;
    t->result.bytes += n;
    if (dump_parser_feed(t->parser, data, n)) {
        t->parse_failed = true;
        return 0; /* CURLE_WRITE_ERROR: stop this transfer */
    }
    return n;
}

static void transfer_free(transfer *t) {
    if (t->easy)
        curl_easy_cleanup(t->easy);
    dump_parser_free(t->parser);
    dump_buckets_free(t->result.buckets);
    free(t);
}

int watch_scraper_start(watch_scraper *s, const char *url, void *owner) {
    transfer *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    t->result.owner = owner;
    t->result.start = now_seconds();
    t->result.buckets = dump_buckets_new(s->group);
    t->parser = dump_parser_new(s->format, url, dump_buckets_sink, t->result.buckets);
    t->easy = curl_easy_init();
    if (!t->parser || !t->easy) {
        transfer_free(t);
        return -1;
    }
    CURL *c = t->easy;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(c, CURLOPT_PRIVATE, t);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->curl_err);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(s->timeout * 1000));
    curl_easy_setopt(c, CURLOPT_USERAGENT, "leakscope-watch/" LEAKSCOPE_VERSION);
    /* the body of a pprof profile is gzip'd by the runtime already; text
     * formats are compressed in transit when the server offers it */
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    if (curl_multi_add_handle(s->multi, c) != CURLM_OK) {
        transfer_free(t);
        return -1;
    }
    t->next = s->active;
    s->active = t;
    s->in_flight++;
    return 0;
}

size_t watch_scraper_in_flight(const watch_scraper *s) {
    return s->in_flight;
}

static void unlink_transfer(watch_scraper *s, transfer *t) {
    for (transfer **p = &s->active; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    curl_multi_remove_handle(s->multi, t->easy);
    s->in_flight--;
}

/* The result of a finished transfer: buckets, or an error in words. */
static void conclude(transfer *t, CURLcode code) {
    watch_scrape *r = &t->result;
    r->duration = now_seconds() - r->start;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r->http_status);
    if (t->parse_failed || (code == CURLE_OK && dump_parser_finish(t->parser))) {
        const char *e = dump_parser_error(t->parser);
        snprintf(r->error, sizeof r->error, "%s", e ? e : "the body is not a goroutine profile");
    } else if (code != CURLE_OK) {
        snprintf(r->error, sizeof r->error, "%s", t->curl_err[0] ? t->curl_err : curl_easy_strerror(code));
    }
    if (r->error[0]) {
        dump_buckets_free(r->buckets);
        r->buckets = NULL;
    } else {
        dump_buckets_finish(r->buckets);
    }
}

size_t watch_scraper_poll(watch_scraper *s, int timeout_ms, void (*done)(void *ctx, watch_scrape *r), void *ctx) {
    int running = 0;
    curl_multi_perform(s->multi, &running);
    /* waits the whole timeout when nothing is in flight: the loop's sleep */
    curl_multi_poll(s->multi, NULL, 0, timeout_ms, NULL);
    curl_multi_perform(s->multi, &running);
    size_t finished = 0;
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(s->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        transfer *t = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        CURLcode code = m->data.result;
        unlink_transfer(s, t);
        conclude(t, code);
        done(ctx, &t->result);
        t->result.buckets = NULL; /* the callee took it */
        transfer_free(t);
        finished++;
    }
    return finished;
}

void watch_scraper_free(watch_scraper *s) {
    if (!s)
        return;
    while (s->active) {
        transfer *t = s->active;
        unlink_transfer(s, t);
        transfer_free(t);
    }
    curl_multi_cleanup(s->multi);
    free(s);
}
