/*
 * `leakscope watch`: flags in, watch_run out (docs/watch.md).  This file
 * only turns flags into watch_options, installs the signal handlers (SIGINT
 * and SIGTERM stop, SIGHUP reloads the targets file) and prints: alerts as
 * JSON lines on stderr, through --on-alert and --webhook, problems as
 * "leakscope watch: ..." lines.
 */
#define _GNU_SOURCE /* gmtime_r */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "leakscope/watch.h"
#include "watch_deliver.h"

static volatile sig_atomic_t stop_requested, reload_requested;

static void on_stop(int sig) {
    (void)sig;
    stop_requested = 1;
}

static void on_hup(int sig) {
    (void)sig;
    reload_requested = 1;
}

typedef struct watch_cli {
    watch_options o;
    const char *on_alert, *webhook;
    unsigned webhook_attempts;
    watch_deliver *deliver;
    bool quiet;
    unsigned long alerts;
    bool report;
    double since; /* seconds before now; 0: all */
    const char *target, *output;
} watch_cli;

static void watch_usage(FILE *to) {
    fprintf(to,
            "usage: leakscope watch [flags] TARGET...\n"
            "       leakscope watch [flags] --targets FILE\n"
            "       leakscope watch --report [--db FILE] [--since D] [--target NAME] [-o FILE]\n"
            "\n"
            "Polls the goroutine profile of live Go services, keeps the history in\n"
            "SQLite, and alerts on stacks that grow (docs/watch.md). A TARGET is\n"
            "host:port or a URL; host:port and http://host:port/ are scraped at\n"
            "/debug/pprof/goroutine. Alerts are JSON lines on stderr (version %d).\n"
            "\n"
            "targets and scraping:\n"
            "  --targets FILE        a YAML targets file (name, url, labels, interval,\n"
            "                        thresholds); SIGHUP reloads it\n"
            "  --interval D          time between scrapes of a target (default 30s)\n"
            "  --timeout D           limit for one scrape (default 10s)\n"
            "  --concurrency N       scrapes in flight at most (default 16)\n"
            "  --format F            pprof (debug=0, the default: cheapest for the target),\n"
            "                        debug1, or debug2 (adds creation sites; stops the\n"
            "                        target's world for the whole dump)\n"
            "  --max-backoff D       longest wait before retrying a target that is down\n"
            "                        (default 5m)\n"
            "  --duration D          stop after D (default: run until SIGINT/SIGTERM)\n"
            "\n"
            "history:\n"
            "  --db FILE             the SQLite history (default ./leakscope.db)\n"
            "  --no-db               keep no history\n"
            "  --retain D            delete scrapes older than D (default 7d; 0: keep all)\n"
            "  --retain-size N       keep the data under N bytes (K, M, G suffixes;\n"
            "                        default 1G; 0: no limit)\n"
            "\n"
            "detection (the thresholds of leakscope dump; a targets file may set them per target):\n"
            "  --growth-pct P        a bucket alerts when it grows by >= P%% ... (default 15)\n"
            "  --growth-min N        ... and by >= N goroutines ...            (default 50)\n"
            "  --window D            ... within D                              (default 5m)\n"
            "  --blocked-pct P       a target alerts when >= P%% of its goroutines are\n"
            "                        blocked ...                               (default 20)\n"
            "  --blocked-scrapes N   ... for N scrapes in a row (default 2; 0: never)\n"
            "\n"
            "metrics:\n"
            "  --listen ADDR         serve /metrics (Prometheus), /api/targets (JSON) and a\n"
            "                        page with charts at / on ADDR (127.0.0.1:9464, :9464)\n"
            "  --metrics-top N       buckets per target with their own series (default 20;\n"
            "                        the rest are summed as bucket=\"other\")\n"
            "\n"
            "report (no scraping):\n"
            "  --report              write the history of a target as the HTML report of\n"
            "                        leakscope dump for a series (--db, the thresholds)\n"
            "  --since D             only the last D of the history (default: all of it)\n"
            "  --target NAME         the target (needed when the history holds several)\n"
            "  -o, --output FILE     write the report to FILE (default: stdout)\n"
            "\n"
            "alerts:\n"
            "  --on-alert CMD        run CMD (with sh -c) for each alert, the JSON on stdin\n"
            "  --webhook URL         POST each alert's JSON to URL (3 attempts)\n"
            "  -q, --quiet           do not report scrape failures, only alerts\n"
            "  -h, --help            show this help\n"
            "\n"
            "Exit status: 0 stopped with no alert, 1 stopped after alerts, 2 usage or\n"
            "input error (a bad flag, an unreadable targets file or database), 3 internal.\n",
            WATCH_ALERT_VERSION);
}

enum {
    OPT_TARGETS = 256, OPT_INTERVAL, OPT_TIMEOUT, OPT_CONCURRENCY, OPT_FORMAT, OPT_MAX_BACKOFF, OPT_DURATION,
    OPT_DB, OPT_NO_DB, OPT_RETAIN, OPT_RETAIN_SIZE, OPT_GROWTH_PCT, OPT_GROWTH_MIN, OPT_WINDOW,
    OPT_BLOCKED_PCT, OPT_BLOCKED_SCRAPES, OPT_ON_ALERT, OPT_WEBHOOK, OPT_LISTEN, OPT_METRICS_TOP,
    OPT_REPORT, OPT_SINCE, OPT_TARGET,
};

static const struct option longopts[] = {
    {"targets", required_argument, NULL, OPT_TARGETS},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"max-backoff", required_argument, NULL, OPT_MAX_BACKOFF},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"db", required_argument, NULL, OPT_DB},
    {"no-db", no_argument, NULL, OPT_NO_DB},
    {"retain", required_argument, NULL, OPT_RETAIN},
    {"retain-size", required_argument, NULL, OPT_RETAIN_SIZE},
    {"growth-pct", required_argument, NULL, OPT_GROWTH_PCT},
    {"growth-min", required_argument, NULL, OPT_GROWTH_MIN},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"blocked-pct", required_argument, NULL, OPT_BLOCKED_PCT},
    {"blocked-scrapes", required_argument, NULL, OPT_BLOCKED_SCRAPES},
    {"on-alert", required_argument, NULL, OPT_ON_ALERT},
    {"webhook", required_argument, NULL, OPT_WEBHOOK},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"metrics-top", required_argument, NULL, OPT_METRICS_TOP},
    {"report", no_argument, NULL, OPT_REPORT},
    {"since", required_argument, NULL, OPT_SINCE},
    {"target", required_argument, NULL, OPT_TARGET},
    {"output", required_argument, NULL, 'o'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static bool bad_value(const char *flag, const char *want, const char *got) {
    fprintf(stderr, "leakscope watch: %s wants %s, not '%s'\n", flag, want, got);
    return false;
}

static bool number(const char *s, double *out) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= 0 && v <= 1e12)) /* bounded: converted to integers */
        return false;
    *out = v;
    return true;
}

/* 1000, 500K, 64M, 1G (powers of 1024). */
static bool size_value(const char *s, uint64_t *out) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0)
        return false;
    double unit = *end == 'K' ? 1024.0 : *end == 'M' ? 1048576.0 : *end == 'G' ? 1073741824.0 : 1.0;
    if (unit > 1)
        end++;
    if (*end == 'B' || *end == 'i')
        end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
    if (*end)
        return false;
    *out = (uint64_t)(v * unit);
    return true;
}

static bool duration_flag(const char *flag, const char *arg, double *out, bool zero_ok) {
    double d = watch_parse_duration(arg);
    if (d < 0 || (d == 0 && !zero_ok))
        return bad_value(flag, "a duration such as 30s, 5m or 1h", arg);
    *out = d;
    return true;
}

static bool set_format(const char *arg, dump_format *f) {
    if (strcmp(arg, "pprof") == 0)
        *f = DUMP_FORMAT_PPROF;
    else if (strcmp(arg, "debug1") == 0)
        *f = DUMP_FORMAT_DEBUG1;
    else if (strcmp(arg, "debug2") == 0)
        *f = DUMP_FORMAT_TEXT;
    else
        return bad_value("--format", "pprof, debug1 or debug2", arg);
    return true;
}

static bool set_threshold(int c, const char *arg, dump_series_options *t) {
    double v;
    switch (c) {
    case OPT_GROWTH_PCT:
        return number(arg, &v) ? (t->growth_pct = v, true) : bad_value("--growth-pct", "a percentage", arg);
    case OPT_GROWTH_MIN:
        return number(arg, &v) ? (t->growth_min = (uint64_t)v, true)
                               : bad_value("--growth-min", "a number of goroutines", arg);
    case OPT_WINDOW: return duration_flag("--window", arg, &t->window_seconds, false);
    case OPT_BLOCKED_PCT:
        return number(arg, &v) ? (t->blocked_pct = v, true) : bad_value("--blocked-pct", "a percentage", arg);
    case OPT_BLOCKED_SCRAPES:
        return number(arg, &v) && v <= 1000000 ? (t->blocked_snapshots = (unsigned)v, true)
                                               : bad_value("--blocked-scrapes", "a number of scrapes", arg);
    }
    return false;
}

static bool set_option(int c, const char *arg, watch_cli *w) {
    watch_options *o = &w->o;
    double v;
    switch (c) {
    case OPT_TARGETS: o->targets_file = arg; return true;
    case OPT_INTERVAL: return duration_flag("--interval", arg, &o->interval, false);
    case OPT_TIMEOUT: return duration_flag("--timeout", arg, &o->timeout, false);
    case OPT_CONCURRENCY:
        return number(arg, &v) && v >= 1 && v <= 10000 ? (o->concurrency = (unsigned)v, true)
                                                       : bad_value("--concurrency", "a number from 1 to 10000", arg);
    case OPT_FORMAT: return set_format(arg, &o->format);
    case OPT_MAX_BACKOFF: return duration_flag("--max-backoff", arg, &o->max_backoff, false);
    case OPT_DURATION: return duration_flag("--duration", arg, &o->duration, false);
    case OPT_DB: o->db_path = arg; return true;
    case OPT_NO_DB: o->db_path = NULL; return true;
    case OPT_RETAIN: return duration_flag("--retain", arg, &o->retain_age, true);
    case OPT_RETAIN_SIZE:
        return size_value(arg, &o->retain_bytes) ? true : bad_value("--retain-size", "a size such as 500M or 2G", arg);
    case OPT_ON_ALERT: w->on_alert = arg; return true;
    case OPT_WEBHOOK: w->webhook = arg; return true;
    case 'q': w->quiet = true; return true;
    case OPT_REPORT: w->report = true; return true;
    case OPT_SINCE: return duration_flag("--since", arg, &w->since, false);
    case OPT_TARGET: w->target = arg; return true;
    case 'o': w->output = arg; return true;
    case OPT_LISTEN: o->listen = arg; return true;
    case OPT_METRICS_TOP:
        return number(arg, &v) && v >= 1 && v <= 10000 ? (o->metrics_top = (unsigned)v, true)
                                                       : bad_value("--metrics-top", "a number from 1 to 10000", arg);
    }
    return set_threshold(c, arg, &o->thresholds);
}

static void print_alert(void *ctx, const watch_target *t, const char *json, size_t len) {
    (void)t;
    watch_cli *w = ctx;
    w->alerts++;
    fprintf(stderr, "%.*s\n", (int)len, json);
    fflush(stderr);
    watch_deliver_push(w->deliver, json, len);
}

static void print_problem(void *ctx, const char *msg) {
    watch_cli *w = ctx;
    if (!w->quiet || strstr(msg, "target ") != msg)
        fprintf(stderr, "leakscope watch: %s\n", msg);
}

static void print_listening(void *ctx, const char *url) {
    (void)ctx;
    fprintf(stderr, "leakscope watch: serving %s/metrics, %s/api/targets and %s/\n", url, url, url);
    fflush(stderr);
}

/* The time of a point, as its name in the report. */
static void point_name(char buf[32], double t) {
    time_t secs = (time_t)t;
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(buf, 32, "%Y-%m-%d %H:%M:%SZ", &tm);
}

static int write_report(const watch_cli *w, const watch_history *h) {
    dump_ignore *ignore = dump_ignore_new(true);
    dump_series *series = dump_series_analyze(&w->o.thresholds, h->times, (const dump_buckets *const *)h->snaps,
                                              h->n, ignore);
    dump_suspect_options sopt;
    dump_suspect_options_default(&sopt);
    const dump_buckets *last = h->snaps[h->n - 1];
    dump_suspects *suspects = dump_suspects_find(last, &sopt, ignore, series);
    dump_report_input *inputs = calloc(h->n, sizeof *inputs);
    char (*names)[32] = calloc(h->n, sizeof *names);
    if (!inputs || !names)
        abort();
    for (size_t i = 0; i < h->n; i++) {
        point_name(names[i], h->times[i]);
        inputs[i] = (dump_report_input){.name = names[i], .time = h->times[i]};
    }
    dump_report r = {.inputs = inputs, .ninputs = h->n, .buckets = last, .suspects = suspects,
                     .series = h->n > 1 ? series : NULL, .ignore = ignore, .top = 50};
    ls_buf out = {0};
    dump_report_html(&out, &r);
    bool alert = false;
    for (size_t i = 0; i < series->nbuckets; i++)
        alert |= series->buckets[i].alert;
    FILE *f = w->output ? fopen(w->output, "wb") : stdout;
    int status = alert ? EXIT_FINDINGS : EXIT_CLEAN;
    if (!f || fwrite(out.data, 1, out.len, f) != out.len || (w->output && fclose(f) != 0)) {
        fprintf(stderr, "leakscope watch: %s: cannot write the report: %s\n", w->output ? w->output : "<stdout>",
                strerror(errno));
        status = EXIT_INPUT;
    }
    ls_buf_free(&out);
    free(inputs);
    free(names);
    dump_suspects_free(suspects);
    dump_series_free(series);
    dump_ignore_free(ignore);
    return status;
}

/* --report: the history as dump's HTML report for a series. */
static int run_report(const watch_cli *w) {
    const char *db = w->o.db_path;
    if (!db || access(db, R_OK) != 0) {
        fprintf(stderr, "leakscope watch: --report: %s: cannot read the history%s%s\n", db ? db : "(--no-db)",
                db ? ": " : "", db ? strerror(errno) : "");
        return EXIT_INPUT;
    }
    char err[1024];
    watch_store *st = watch_store_open(db, err, sizeof err);
    if (!st) {
        fprintf(stderr, "leakscope watch: %s\n", err);
        return EXIT_INPUT;
    }
    watch_history h;
    double since = w->since > 0 ? (double)time(NULL) - w->since : 0;
    int status;
    if (watch_store_history(st, w->target, since, 500, &h, err, sizeof err)) {
        fprintf(stderr, "leakscope watch: --report: %s\n", err);
        status = EXIT_INPUT;
    } else {
        status = write_report(w, &h);
    }
    watch_history_free(&h);
    watch_store_close(st);
    return status;
}

static void install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    /* a peer or an --on-alert command that goes away must not end watch */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

int cmd_watch(int argc, char **argv) {
    watch_cli w = {.webhook_attempts = 3};
    watch_options *o = &w.o;
    o->format = DUMP_FORMAT_PPROF;
    o->interval = 30;
    o->timeout = 10;
    o->concurrency = 16;
    o->max_backoff = 300;
    o->db_path = "leakscope.db";
    o->retain_age = 7 * 86400;
    o->retain_bytes = (uint64_t)1 << 30;
    o->metrics_top = 20;
    dump_series_options_default(&o->thresholds);
    bool bad = false;
    int c;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, "qho:", longopts, NULL)) != -1) {
        if (c == 'h') {
            watch_usage(stdout);
            return EXIT_CLEAN;
        }
        bad = c == '?' || c == ':' || !set_option(c, optarg, &w);
    }
    if (!bad && w.report)
        return run_report(&w);
    if (!bad && optind >= argc && !o->targets_file) {
        fprintf(stderr, "leakscope watch: no targets; give host:port or URLs, or --targets FILE\n");
        bad = true;
    }
    if (bad) {
        fprintf(stderr, "run 'leakscope watch --help' for the flags\n");
        return EXIT_INPUT;
    }
    o->args = (const char *const *)(argv + optind);
    o->nargs = (size_t)(argc - optind);
    o->stop = &stop_requested;
    o->reload = &reload_requested;
    install_signals();
    watch_events ev = {.ctx = &w, .alert = print_alert, .problem = print_problem, .listening = print_listening};
    char err[1024];
    w.deliver = watch_deliver_start(w.on_alert, w.webhook, w.webhook_attempts);
    int rc = watch_run(o, &ev, err, sizeof err);
    watch_deliver_finish(w.deliver); /* what is queued is still delivered */
    if (rc) {
        fprintf(stderr, "leakscope watch: %s\n", err);
        return EXIT_INPUT;
    }
    return w.alerts ? EXIT_FINDINGS : EXIT_CLEAN;
}
