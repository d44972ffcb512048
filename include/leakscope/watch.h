/*
 * leakscope watch: live /debug/pprof/goroutine endpoints polled on an
 * interval, each scrape bucketed by the dump library, kept in SQLite, and
 * checked with the dump series thresholds (docs/watch.md).
 *
 * Four pieces, each usable alone:
 *
 *   - targets (src/watch/targets.c): what to scrape, from arguments or a
 *     YAML targets file, with per-target interval, labels and thresholds;
 *   - the scraper (src/watch/scrape.c): libcurl multi, bounded concurrency,
 *     a timeout per scrape; bodies are pushed through a dump_parser into a
 *     dump_buckets as they arrive (no body is kept whole);
 *   - the store (src/watch/store.c): history in SQLite, one transaction per
 *     scrape, each bucket's stack stored once per target;
 *   - the detector (src/watch/detect.c): a window of snapshots per target,
 *     dump_series_analyze over it, and alerts that fire once per bucket until
 *     the bucket recovers.
 *
 * watch_run (src/watch/loop.c) ties them together; it prints nothing and
 * reports through the callbacks of watch_events.
 */
#ifndef LEAKSCOPE_WATCH_H
#define LEAKSCOPE_WATCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leakscope/base.h"
#include "leakscope/dump.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The "version" of the alert JSON (docs/watch.md). */
#define WATCH_ALERT_VERSION 1

/* ---- targets ------------------------------------------------------------- */

typedef struct watch_label {
    char *key, *value;
} watch_label;

typedef struct watch_target {
    char *name;            /* unique; defaults to host:port of the URL */
    char *url;             /* the full URL scraped */
    watch_label *labels;
    size_t nlabels;
    double interval;       /* seconds */
    dump_series_options thresholds;
    unsigned source_line;  /* line in the targets file, 0 for arguments */
} watch_target;

typedef struct watch_targets {
    watch_target *at;
    size_t len, cap;
} watch_targets;

/*
 * The URL to scrape for an argument: "host:port", "http://host:port" and
 * "http://host:port/" get /debug/pprof/goroutine?debug=N for format (pprof:
 * 0, debug1: 1, text: 2); a URL with any other path is taken as it is.
 * Returns a malloc'd string.
 */
char *watch_target_url(const char *arg, dump_format format);
/* Adds a target for a command-line argument with the given defaults. */
void watch_targets_add_arg(watch_targets *t, const char *arg, dump_format format, double interval,
                           const dump_series_options *thresholds);
/*
 * Reads a targets file (docs/watch.md): targets inherit interval and
 * thresholds from the arguments given here unless they set their own.
 * Returns 0, or -1 with "FILE:LINE: what is wrong; what to do" in err
 * (nothing is added then).
 */
int watch_targets_load(watch_targets *t, const char *path, dump_format format, double interval,
                       const dump_series_options *thresholds, char *err, size_t errlen);
/* The same for a targets file already in memory; name is used in messages. */
int watch_targets_parse(watch_targets *t, const char *name, const char *data, size_t len, dump_format format,
                        double interval, const dump_series_options *thresholds, char *err, size_t errlen);
void watch_targets_free(watch_targets *t);
/* Frees what one target owns (for targets moved out of a watch_targets). */
void watch_target_clear(watch_target *w);

/* "30s", "5m", "1h30m", "250ms", "2d" or a bare number of seconds; -1 if bad
 * or over 10^9 seconds. */
double watch_parse_duration(const char *s);

/* ---- the scraper --------------------------------------------------------- */

typedef struct watch_scrape {
    void *owner;             /* what watch_scraper_start was given */
    double start;            /* unix seconds */
    double duration;         /* seconds */
    dump_buckets *buckets;   /* finished; the receiver owns it; NULL on error */
    char error[256];         /* "" when the scrape worked */
    long http_status;        /* 0 when no response */
    uint64_t bytes;          /* body bytes received */
} watch_scrape;

typedef struct watch_scraper watch_scraper;

/* timeout: seconds for a whole scrape (connect, response, body). */
watch_scraper *watch_scraper_new(double timeout, dump_format format, dump_group group);
/* Starts scraping url; owner comes back in the result. 0 or -1 (out of resources). */
int watch_scraper_start(watch_scraper *s, const char *url, void *owner);
size_t watch_scraper_in_flight(const watch_scraper *s);
/*
 * Waits up to timeout_ms for network activity, moves transfers on, and calls
 * done for each finished scrape (the callee takes r->buckets).  Returns the
 * number finished.
 */
size_t watch_scraper_poll(watch_scraper *s, int timeout_ms,
                          void (*done)(void *ctx, watch_scrape *r), void *ctx);
/* Aborts transfers in flight (their owners get no callback). */
void watch_scraper_free(watch_scraper *s);

/* ---- history ------------------------------------------------------------- */

typedef struct watch_store watch_store;

/* Opens or creates the database (WAL, synchronous=NORMAL) and its tables.
 * NULL with a message in err. */
watch_store *watch_store_open(const char *path, char *err, size_t errlen);
/*
 * One scrape in one transaction: the scrape row, a count row per bucket and
 * the stacks not stored yet.  On failure (disk full, I/O error) nothing of
 * the scrape is kept and err says what happened; the store stays usable.
 */
int watch_store_put_scrape(watch_store *st, const watch_target *t, const watch_scrape *r,
                           char *err, size_t errlen);
int watch_store_put_alert(watch_store *st, const watch_target *t, double time, uint64_t bucket,
                          const char *kind, const char *json, char *err, size_t errlen);
/* When the bucket was first stored for the target; -1 if never. */
double watch_store_first_seen(watch_store *st, const watch_target *t, uint64_t bucket);
/* Deletes scrapes older than max_age seconds (0: no limit) and then the
 * oldest until the data fits in max_bytes (0: no limit); stacks no longer
 * counted anywhere go with them.  Returns the scrapes deleted, or -1. */
long watch_store_retain(watch_store *st, double now, double max_age, uint64_t max_bytes,
                        char *err, size_t errlen);
void watch_store_close(watch_store *st);

/* A target's good scrapes rebuilt from the history, for `watch --report`. */
typedef struct watch_history {
    char *target;
    size_t n;
    double *times;         /* unix seconds, increasing */
    dump_buckets **snaps;  /* finished bucket sets (line grouping) */
} watch_history;

/*
 * Reads the scrapes of target (NULL: the only target in the history) since
 * the given unix time, at most max_points of them spread evenly (the last
 * one always).  Returns 0, or -1 with a message in err (no such target,
 * several targets and none named, no scrapes).
 */
int watch_store_history(watch_store *st, const char *target, double since, size_t max_points,
                        watch_history *out, char *err, size_t errlen);
void watch_history_free(watch_history *h);

/* ---- detection ----------------------------------------------------------- */

typedef enum watch_alert_kind { WATCH_ALERT_GROWTH, WATCH_ALERT_BLOCKED } watch_alert_kind;

typedef struct watch_alert {
    watch_alert_kind kind;
    double time;                   /* of the scrape that raised it */
    const dump_bucket *bucket;     /* growth: the bucket in the last snapshot */
    const dump_series_bucket *series;
    double first_seen;             /* growth: unix seconds */
    const char *text;              /* the series' alert text */
} watch_alert;

typedef struct watch_detector watch_detector;

/* opt: thresholds (copied); ignore may be NULL and must outlive the detector. */
watch_detector *watch_detector_new(const dump_series_options *opt, const dump_ignore *ignore);
/*
 * Adds the snapshot taken at time (the detector takes buckets), drops
 * snapshots that left the window, and calls alert for each new alert.
 * first_seen may be NULL; it lets the caller supply a bucket's first sighting
 * (from the history); otherwise the detector's own is used.
 */
void watch_detector_add(watch_detector *d, double time, dump_buckets *buckets,
                        void (*alert)(void *ctx, const watch_alert *a), void *ctx);
/* The latest snapshot, or NULL. */
const dump_buckets *watch_detector_latest(const watch_detector *d);
/* The snapshots in the window, oldest first; *time gets the i-th's time. */
size_t watch_detector_len(const watch_detector *d);
const dump_buckets *watch_detector_at(const watch_detector *d, size_t i, double *time);
/* Buckets alerting now (fired and not recovered). */
size_t watch_detector_alerting(const watch_detector *d);
void watch_detector_free(watch_detector *d);

/* The alert as one line of JSON (no newline), docs/watch.md. */
void watch_alert_json(ls_buf *out, const watch_target *t, const watch_alert *a);

/* POSTs body (application/json) to url, retrying with backoff up to
 * attempts times. 0, or -1 with a message in err. */
int watch_webhook_post(const char *url, const char *body, size_t len, unsigned attempts,
                       char *err, size_t errlen);
/* Runs cmd with sh -c, the body on its stdin; waits for it. Its exit status,
 * or -1 with a message in err.  The caller ignores SIGPIPE (a command that
 * does not read its stdin would otherwise end the process). */
int watch_run_command(const char *cmd, const char *body, size_t len, char *err, size_t errlen);

/* ---- the loop ------------------------------------------------------------ */

typedef struct watch_events {
    void *ctx;
    /* One alert, as its JSON line. */
    void (*alert)(void *ctx, const watch_target *t, const char *json, size_t len);
    /* A problem that does not stop watching (a scrape failed, the disk is
     * full, a reload failed); msg names the target or file. */
    void (*problem)(void *ctx, const char *msg);
    /* Optional: the HTTP server listens at url ("http://127.0.0.1:9090"). */
    void (*listening)(void *ctx, const char *url);
    /* Optional: after each scrape is stored and checked. */
    void (*scraped)(void *ctx, const watch_target *t, const watch_scrape *r);
} watch_events;

typedef struct watch_options {
    const char *targets_file;  /* NULL: only the arguments */
    const char *const *args;
    size_t nargs;
    dump_format format;
    double interval, timeout;  /* seconds */
    unsigned concurrency;      /* scrapes in flight at most */
    dump_series_options thresholds;
    const char *db_path;       /* NULL: no history */
    double retain_age;         /* seconds, 0: forever */
    uint64_t retain_bytes;     /* 0: no limit */
    double max_backoff;        /* seconds */
    double duration;           /* stop after this many seconds; 0: run until stopped */
    const char *listen;        /* "HOST:PORT" for /metrics, /api/targets and /; NULL: none */
    unsigned metrics_top;      /* buckets per target in the metrics and the API */
    const volatile sig_atomic_t *stop;   /* set by SIGINT/SIGTERM */
    volatile sig_atomic_t *reload;       /* set by SIGHUP; cleared when done */
} watch_options;

/* Runs until *stop or duration.  0, or -1 with a message in err when it
 * cannot start (no targets, unreadable targets file, database). */
int watch_run(const watch_options *o, const watch_events *ev, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
