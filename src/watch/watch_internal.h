/* What the loop, the status renderers and the HTTP server of watch share. */
#ifndef LS_WATCH_INTERNAL_H
#define LS_WATCH_INTERNAL_H

#include "leakscope/watch.h"

/* Counters of one target since watch started, for /metrics. */
typedef struct watch_target_stats {
    uint64_t scrapes, errors;
    uint64_t alerts_growth, alerts_blocked;
    double last_time, last_duration; /* of the last scrape, good or not */
    bool up;                         /* the last scrape worked */
    char last_error[256];
} watch_target_stats;

typedef struct target_state {
    watch_target t;
    watch_detector *detector;
    watch_target_stats stats;
    double next_due;
    unsigned failures;
    bool in_flight, removed;
    bool adopted; /* during adopt_targets */
} target_state;

/* Prometheus text exposition (format 0.0.4) of the targets: at most top
 * buckets per target, the rest summed under bucket="other". */
void watch_status_metrics(ls_buf *out, target_state *const *targets, size_t n, unsigned top,
                          const dump_ignore *ignore);
/* The JSON of /api/targets (docs/watch.md): each target, its top buckets
 * and their counts over the detector's window. */
void watch_status_json(ls_buf *out, target_state *const *targets, size_t n, unsigned top);

/* The page at / (src/watch/page.c): draws /api/targets. */
extern const char watch_page_html[];

/* An HTTP server on its own thread (libmicrohttpd) serving documents that
 * the loop publishes; the two threads share nothing else. */
typedef struct watch_http watch_http;

/* addr: "HOST:PORT" or ":PORT" (IPv4; port 0 picks one).  *url gets
 * "http://HOST:PORT" (malloc'd). */
watch_http *watch_http_start(const char *addr, char **url, char *err, size_t errlen);
/* Replaces the documents served (copied). */
void watch_http_publish(watch_http *h, const ls_buf *metrics, const ls_buf *json);
void watch_http_stop(watch_http *h);

#endif
