/*
 * `leakscope dump`: reads goroutine dumps (files, stdin, http:// endpoints),
 * buckets each one, ranks leak suspects, follows buckets across several
 * inputs as a time series, and writes text, JSON or HTML (docs/dump.md).
 *
 * Each input gets its own bucket set, kept for the series; a bucket set holds
 * buckets, not goroutines, so memory stays small however large the dumps.
 */
#define _GNU_SOURCE /* timegm */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "leakscope/dump.h"

typedef enum time_from { TIME_AUTO, TIME_NAME, TIME_MTIME, TIME_ORDER } time_from;
typedef enum out_format { OUT_TEXT, OUT_JSON, OUT_HTML } out_format;

typedef struct dump_opts {
    out_format format;
    const char *output;
    dump_format input_format;
    dump_group group;
    long top; /* -1: the format's default */
    bool no_color, stats, builtin_ignores;
    uint64_t fail_on;
    dump_suspect_options suspect;
    dump_series_options series;
    time_from time_from;
    double interval; /* seconds; 0 when not given */
    dump_ignore *ignore;
    unsigned threads; /* -j: 0 one per core (at most 4) */
} dump_opts;

/* One input: its name, time, what the reader saw, its buckets. */
typedef struct input {
    const char *name;
    double time;
    bool has_time;
    dump_stats stats;
    char preamble[512]; /* the reader's preamble buffer is reused per input */
    char *error;
    dump_buckets *buckets;
} input;

static void dump_usage(FILE *to) {
    fprintf(to,
            "usage: leakscope dump [flags] FILE|-|URL...\n"
            "\n"
            "Reads goroutine dumps and groups goroutines with the same stack into\n"
            "buckets, ranks leak suspects with their reasons and, given several dumps\n"
            "of one process, reports which buckets grow (docs/dump.md). An input is a\n"
            "file, - (stdin) or an http:// URL of /debug/pprof/goroutine; its format\n"
            "(debug=2 text, panics and crashes, debug=1, pprof protobuf, goroutineleak)\n"
            "is recognised.\n"
            "\n"
            "output:\n"
            "  --format text|json|html  output format (default text; json:\n"
            "                       docs/dump-json.md; html: one self-contained page)\n"
            "  -o, --output FILE    write there instead of stdout\n"
            "  --group line|func|exact\n"
            "                       what makes stacks the same: functions and lines\n"
            "                       (default), functions only, or also arguments\n"
            "  --top N              buckets to show (text default 10, json/html all;\n"
            "                       0: all)\n"
            "  --no-color           no colors (also when NO_COLOR is set or stdout is\n"
            "                       not a terminal)\n"
            "  --stats              add what was read: bytes, lines, skipped lines\n"
            "  --input-format auto|text|debug1|pprof\n"
            "                       do not guess the input format\n"
            "  -j N                 threads to read one large debug=2 file with\n"
            "                       (default: one per core, at most 4; same output)\n"
            "\n"
            "leak suspects:\n"
            "  --ignore-top FUNC    not a suspect when FUNC is the top function (the\n"
            "                       first frame outside package runtime); repeatable\n"
            "  --ignore-stack RE    not a suspect when the extended regular expression\n"
            "                       matches the stack (lines \"FUNC FILE:LINE\"); repeatable\n"
            "  --no-builtin-ignores also report runtime and library goroutines that\n"
            "                       live forever by design (docs/dump.md lists them)\n"
            "  --min-count N        blocked goroutines on one stack that make a\n"
            "                       suspect (default 5)\n"
            "  --long-wait MIN      a blocked wait this many minutes makes a suspect\n"
            "                       (default 10)\n"
            "  --fail-on N          exit 1 when N or more goroutines are in suspect\n"
            "                       buckets (default 1; 0: never)\n"
            "\n"
            "series (several inputs, oldest first):\n"
            "  --time-from auto|name|mtime|order\n"
            "                       where snapshot times come from: timestamps in file\n"
            "                       names (dump-2026-11-23T10:00:00Z.txt, unix seconds),\n"
            "                       modification times, or none (one minute apart);\n"
            "                       auto: names when all have one, else order\n"
            "  --interval DUR       snapshots are DUR apart, in the order given (30s, 5m)\n"
            "  --growth-pct P       alert when a bucket grows by P%% ... (default 15)\n"
            "  --growth-min N       ... and by N goroutines ... (default 50)\n"
            "  --window DUR         ... within DUR (default 5m)\n"
            "  --blocked-pct P      alert when blocked goroutines are over P%% of all ...\n"
            "                       (default 20)\n"
            "  --blocked-snapshots N  ... in N consecutive snapshots (default 2)\n"
            "  -h, --help           show this help\n"
            "\n"
            "exit status: 0 no suspects (fewer goroutines in suspect buckets than\n"
            "--fail-on), 1 suspects or a series alert, 2 usage or input error (an\n"
            "input that could not be read or holds no goroutine; the others are still\n"
            "reported), 3 internal error.\n");
}

/* ---- option values -------------------------------------------------------------- */

static bool parse_u64(const char *s, uint64_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static bool parse_pct(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0 && v <= 100000))
        return false;
    *out = v;
    return true;
}

/* "90" (seconds), "30s", "5m", "1h30m", "1.5m" */
static bool parse_duration(const char *s, double *out) {
    double total = 0;
    bool any = false;
    while (*s) {
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || v < 0)
            return false;
        double unit = 1;
        if (*end == 'h')
            unit = 3600, end++;
        else if (*end == 'm' && end[1] == 's')
            unit = 0.001, end += 2;
        else if (*end == 'm')
            unit = 60, end++;
        else if (*end == 's')
            end++;
        else if (*end)
            return false;
        total += v * unit;
        s = end;
        any = true;
    }
    *out = total;
    return any;
}

/* ---- snapshot times ------------------------------------------------------------- */

/* A timestamp in the base name: 2026-11-23T10:00:00Z (also with - or _ for
 * the colons, which some file systems forbid), 20261123T100000Z, or 9 to 11
 * digits of unix seconds. */
static bool time_from_name(const char *path, double *out) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (const char *p = base; *p; p++) {
        struct tm tm = {0};
        int y, mo, d, h, mi, sec, n = 0;
        if (sscanf(p, "%4d-%2d-%2dT%2d%*[:_-]%2d%*[:_-]%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) == 6 && n > 0) {
        } else if (sscanf(p, "%4d%2d%2dT%2d%2d%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) == 6 && n == 15) {
        } else {
            n = 0;
        }
        if (n > 0 && y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
            tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
            tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = sec;
            *out = (double)timegm(&tm);
            return true;
        }
        if ((p == base || p[-1] < '0' || p[-1] > '9') && p[0] >= '1' && p[0] <= '9') {
            size_t digits = strspn(p, "0123456789");
            if (digits >= 9 && digits <= 11) {
                *out = strtod(p, NULL);
                return true;
            }
        }
    }
    return false;
}

static bool time_from_mtime(const char *path, double *out) {
    struct stat st;
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0)
        return false;
    *out = (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
    return true;
}

static int cmp_input_time(const void *x, const void *y) {
    const input *a = x, *b = y;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return a < b ? -1 : 1;
}

/* Sets every input's time; returns true when they are assumed (no source). */
static bool assign_times(input *in, size_t n, const dump_opts *o) {
    if (o->interval > 0) {
        for (size_t i = 0; i < n; i++)
            in[i].time = (double)i * o->interval;
        return false;
    }
    bool all = n > 1 && o->time_from != TIME_ORDER;
    for (size_t i = 0; all && i < n; i++) {
        in[i].has_time = o->time_from == TIME_MTIME ? time_from_mtime(in[i].name, &in[i].time)
                                                    : time_from_name(in[i].name, &in[i].time);
        all = in[i].has_time;
    }
    if (!all && n > 1 && (o->time_from == TIME_NAME || o->time_from == TIME_MTIME))
        fprintf(stderr, "leakscope dump: not every input has a %s timestamp; using the order given, one minute apart\n",
                o->time_from == TIME_NAME ? "file name" : "modification");
    if (all) {
        qsort(in, n, sizeof *in, cmp_input_time); /* the series runs oldest first */
        return false;
    }
    for (size_t i = 0; i < n; i++)
        in[i].time = (double)i * 60.0;
    return n > 1;
}

/* ---- reading ---------------------------------------------------------------------- */

static void read_input(input *in, const dump_opts *o) {
    in->buckets = dump_buckets_new(o->group);
    dump_read_options ro = {.threads = o->threads};
    if (dump_read_buckets(in->name, o->input_format, in->buckets, &ro, &in->stats, &in->error) != 0 &&
        !in->error)
        in->error = strdup("read error");
    size_t n = in->stats.preamble.len < sizeof in->preamble ? in->stats.preamble.len : sizeof in->preamble - 1;
    if (n)
        memcpy(in->preamble, in->stats.preamble.ptr, n);
    in->preamble[n] = '\0';
    in->stats.preamble = ls_str_make(in->preamble, n);
    dump_buckets_finish(in->buckets);
    if (in->error)
        fprintf(stderr, "leakscope dump: %s\n", in->error);
    if (in->stats.skipped_lines || in->stats.truncated_stanzas) {
        const char *name = strcmp(in->name, "-") == 0 ? "<stdin>" : in->name;
        fprintf(stderr, "leakscope dump: %s:%llu: %s; skipped %llu line%s, %llu truncated stanza%s "
                        "(the rest was read; is it a goroutine dump?)\n",
                name, (unsigned long long)in->stats.first_problem_line,
                in->stats.first_problem ? in->stats.first_problem : "unrecognised input",
                (unsigned long long)in->stats.skipped_lines, in->stats.skipped_lines == 1 ? "" : "s",
                (unsigned long long)in->stats.truncated_stanzas, in->stats.truncated_stanzas == 1 ? "" : "s");
    }
    if (!in->error && in->stats.goroutines == 0) {
        /* Every Go dump holds at least the goroutine that wrote it: this is
         * the wrong file, an empty capture, or a format we do not know. */
        const char *name = strcmp(in->name, "-") == 0 ? "<stdin>" : in->name;
        fprintf(stderr,
                "leakscope dump: %s: no goroutine found (%llu bytes read): expected a goroutine dump "
                "(debug=2 or a crash traceback, debug=1, or a pprof profile; docs/dump-formats.md)\n",
                name, (unsigned long long)in->stats.bytes);
        in->error = strdup("no goroutine found");
    }
}

/* ---- output ------------------------------------------------------------------------- */

static unsigned terminal_width(bool tty) {
    struct winsize ws;
    if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    uint64_t v;
    if (cols && parse_u64(cols, &v) && v >= 20 && v <= 10000)
        return (unsigned)v;
    return 0; /* not a terminal: no cutting, lines stay greppable */
}

static int write_output(const ls_buf *b, const char *path) {
    FILE *f = path ? fopen(path, "w") : stdout;
    if (!f) {
        fprintf(stderr, "leakscope dump: cannot write %s: %s\n", path, strerror(errno));
        return EXIT_INPUT;
    }
    bool ok = fwrite(b->data ? b->data : "", 1, b->len, f) == b->len;
    ok &= (path ? fclose(f) : fflush(f)) == 0;
    if (!ok) {
        fprintf(stderr, "leakscope dump: cannot write %s: %s\n", path ? path : "standard output", strerror(errno));
        return EXIT_INPUT;
    }
    return EXIT_CLEAN;
}

static int report(input *in, size_t n, const dump_opts *o, bool times_assumed) {
    double *times = malloc(n * sizeof *times);
    const dump_buckets **sets = malloc(n * sizeof *sets);
    dump_report_input *rin = calloc(n, sizeof *rin);
    if (!times || !sets || !rin) {
        fprintf(stderr, "leakscope dump: out of memory\n");
        exit(EXIT_INTERNAL);
    }
    size_t nsets = 0;
    for (size_t i = 0; i < n; i++) {
        rin[i] = (dump_report_input){.name = in[i].name, .time = in[i].time, .stats = &in[i].stats, .error = in[i].error};
        if (!in[i].error || dump_buckets_total(in[i].buckets)) {
            times[nsets] = in[i].time;
            sets[nsets++] = in[i].buckets;
        }
    }
    const dump_buckets *last = nsets ? sets[nsets - 1] : in[n - 1].buckets;
    dump_series *series = nsets > 1 ? dump_series_analyze(&o->series, times, sets, nsets, o->ignore) : NULL;
    dump_suspect_options sopt = o->suspect;
    for (size_t i = 0; i < n; i++) {
        ls_str pre = in[i].stats.preamble;
        /* the last snapshot is the one judged; a deadlock crash ends a series */
        if (in[i].buckets == last && pre.len && memmem(pre.ptr, pre.len, "all goroutines are asleep", 25))
            sopt.deadlock = true;
    }
    dump_suspects *suspects = dump_suspects_find(last, &sopt, o->ignore, series);
    bool tty = !o->output && isatty(STDOUT_FILENO);
    const char *no_color = getenv("NO_COLOR");
    dump_report r = {
        .inputs = rin,
        .ninputs = n,
        .times_assumed = times_assumed,
        .buckets = last,
        .suspects = suspects,
        .series = series,
        .ignore = o->ignore,
        .top = o->top >= 0 ? (size_t)o->top : o->format == OUT_TEXT ? 10 : 0,
        .color = tty && !o->no_color && !(no_color && *no_color) && o->format == OUT_TEXT,
        .width = o->format == OUT_TEXT ? terminal_width(tty) : 0,
        .stats = o->stats,
    };
    ls_buf out = {0};
    if (o->format == OUT_JSON)
        dump_report_json(&out, &r);
    else if (o->format == OUT_HTML)
        dump_report_html(&out, &r);
    else
        dump_report_text(&out, &r);
    int status = write_output(&out, o->output);
    bool alert = series && series->blocked_alert;
    for (size_t i = 0; series && i < series->nbuckets; i++)
        alert |= series->buckets[i].alert && !dump_ignore_match(o->ignore, series->buckets[i].last);
    if (status == EXIT_CLEAN && o->fail_on && (suspects->goroutines >= o->fail_on || alert))
        status = EXIT_FINDINGS;
    ls_buf_free(&out);
    dump_suspects_free(suspects);
    dump_series_free(series);
    free(times);
    free(sets);
    free(rin);
    return status;
}

/* ---- flags -------------------------------------------------------------------------- */

enum {
    OPT_FORMAT = 256, OPT_GROUP, OPT_TOP, OPT_NO_COLOR, OPT_STATS, OPT_INPUT_FORMAT, OPT_IGNORE_TOP,
    OPT_IGNORE_STACK, OPT_NO_BUILTIN, OPT_MIN_COUNT, OPT_LONG_WAIT, OPT_FAIL_ON, OPT_TIME_FROM,
    OPT_INTERVAL, OPT_GROWTH_PCT, OPT_GROWTH_MIN, OPT_WINDOW, OPT_BLOCKED_PCT, OPT_BLOCKED_SNAPSHOTS,
};

static const struct option longopts[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {"group", required_argument, NULL, OPT_GROUP},
    {"top", required_argument, NULL, OPT_TOP},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"stats", no_argument, NULL, OPT_STATS},
    {"input-format", required_argument, NULL, OPT_INPUT_FORMAT},
    {"ignore-top", required_argument, NULL, OPT_IGNORE_TOP},
    {"ignore-stack", required_argument, NULL, OPT_IGNORE_STACK},
    {"no-builtin-ignores", no_argument, NULL, OPT_NO_BUILTIN},
    {"min-count", required_argument, NULL, OPT_MIN_COUNT},
    {"long-wait", required_argument, NULL, OPT_LONG_WAIT},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"time-from", required_argument, NULL, OPT_TIME_FROM},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"growth-pct", required_argument, NULL, OPT_GROWTH_PCT},
    {"growth-min", required_argument, NULL, OPT_GROWTH_MIN},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"blocked-pct", required_argument, NULL, OPT_BLOCKED_PCT},
    {"blocked-snapshots", required_argument, NULL, OPT_BLOCKED_SNAPSHOTS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static bool bad_value(const char *flag, const char *want, const char *got) {
    fprintf(stderr, "leakscope dump: %s wants %s, not '%s'\n", flag, want, got);
    return false;
}

/* Stores the user's ignore rules; they go after the built-ins are decided. */
typedef struct pending_ignore {
    int kind;
    const char *value;
} pending_ignore;

static bool set_option(int c, const char *arg, dump_opts *o, pending_ignore *ign, size_t *nign) {
    uint64_t v;
    double d;
    switch (c) {
    case OPT_FORMAT:
        if (strcmp(arg, "text") == 0)
            o->format = OUT_TEXT;
        else if (strcmp(arg, "json") == 0)
            o->format = OUT_JSON;
        else if (strcmp(arg, "html") == 0)
            o->format = OUT_HTML;
        else
            return bad_value("--format", "text, json or html", arg);
        return true;
    case 'o': o->output = arg; return true;
    case 'j':
        if (!parse_u64(arg, &v) || v == 0 || v > 64)
            return bad_value("-j", "a number of threads from 1 to 64", arg);
        o->threads = (unsigned)v;
        return true;
    case OPT_GROUP:
        if (strcmp(arg, "line") == 0)
            o->group = DUMP_GROUP_LINE;
        else if (strcmp(arg, "func") == 0)
            o->group = DUMP_GROUP_FUNC;
        else if (strcmp(arg, "exact") == 0)
            o->group = DUMP_GROUP_EXACT;
        else
            return bad_value("--group", "line, func or exact", arg);
        return true;
    case OPT_TOP:
        if (!parse_u64(arg, &v) || v > 1000000000)
            return bad_value("--top", "a number of buckets (0: all)", arg);
        o->top = (long)v;
        return true;
    case OPT_NO_COLOR: o->no_color = true; return true;
    case OPT_STATS: o->stats = true; return true;
    case OPT_INPUT_FORMAT:
        if (strcmp(arg, "auto") == 0)
            o->input_format = DUMP_FORMAT_AUTO;
        else if (strcmp(arg, "text") == 0)
            o->input_format = DUMP_FORMAT_TEXT;
        else if (strcmp(arg, "debug1") == 0)
            o->input_format = DUMP_FORMAT_DEBUG1;
        else if (strcmp(arg, "pprof") == 0)
            o->input_format = DUMP_FORMAT_PPROF;
        else
            return bad_value("--input-format", "auto, text, debug1 or pprof", arg);
        return true;
    case OPT_IGNORE_TOP:
    case OPT_IGNORE_STACK: ign[(*nign)++] = (pending_ignore){c, arg}; return true;
    case OPT_NO_BUILTIN: o->builtin_ignores = false; return true;
    case OPT_MIN_COUNT:
        if (!parse_u64(arg, &v) || v == 0)
            return bad_value("--min-count", "a number of goroutines >= 1", arg);
        o->suspect.min_count = v;
        return true;
    case OPT_LONG_WAIT:
        if (!parse_u64(arg, &v) || v > 100000000)
            return bad_value("--long-wait", "minutes", arg);
        o->suspect.long_wait = (int64_t)v;
        return true;
    case OPT_FAIL_ON:
        if (!parse_u64(arg, &v))
            return bad_value("--fail-on", "a number of goroutines (0: never fail)", arg);
        o->fail_on = v;
        return true;
    case OPT_TIME_FROM:
        if (strcmp(arg, "auto") == 0)
            o->time_from = TIME_AUTO;
        else if (strcmp(arg, "name") == 0)
            o->time_from = TIME_NAME;
        else if (strcmp(arg, "mtime") == 0)
            o->time_from = TIME_MTIME;
        else if (strcmp(arg, "order") == 0)
            o->time_from = TIME_ORDER;
        else
            return bad_value("--time-from", "auto, name, mtime or order", arg);
        return true;
    case OPT_INTERVAL:
        if (!parse_duration(arg, &d) || d <= 0)
            return bad_value("--interval", "a duration such as 30s, 5m or 1h", arg);
        o->interval = d;
        return true;
    case OPT_WINDOW:
        if (!parse_duration(arg, &d) || d <= 0)
            return bad_value("--window", "a duration such as 30s, 5m or 1h", arg);
        o->series.window_seconds = d;
        return true;
    case OPT_GROWTH_PCT:
        if (!parse_pct(arg, &d))
            return bad_value("--growth-pct", "a percentage", arg);
        o->series.growth_pct = d;
        return true;
    case OPT_GROWTH_MIN:
        if (!parse_u64(arg, &v))
            return bad_value("--growth-min", "a number of goroutines", arg);
        o->series.growth_min = v;
        return true;
    case OPT_BLOCKED_PCT:
        if (!parse_pct(arg, &d))
            return bad_value("--blocked-pct", "a percentage", arg);
        o->series.blocked_pct = d;
        return true;
    case OPT_BLOCKED_SNAPSHOTS:
        if (!parse_u64(arg, &v) || v > 1000000)
            return bad_value("--blocked-snapshots", "a number of snapshots (0: no blocked alert)", arg);
        o->series.blocked_snapshots = (unsigned)v;
        return true;
    }
    return false;
}

static bool build_ignores(dump_opts *o, const pending_ignore *ign, size_t n) {
    o->ignore = dump_ignore_new(o->builtin_ignores);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        char err[256];
        if (ign[i].kind == OPT_IGNORE_TOP) {
            dump_ignore_add_top(o->ignore, ign[i].value);
        } else if (dump_ignore_add_stack(o->ignore, ign[i].value, err, sizeof err) != 0) {
            fprintf(stderr, "leakscope dump: %s\n", err);
            ok = false;
        }
    }
    return ok;
}

int cmd_dump(int argc, char **argv) {
    dump_opts o = {.top = -1, .builtin_ignores = true, .fail_on = 1};
    dump_suspect_options_default(&o.suspect);
    dump_series_options_default(&o.series);
    pending_ignore *ign = calloc((size_t)argc + 1, sizeof *ign);
    size_t nign = 0;
    bool bad = !ign;
    int c;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, "o:j:h", longopts, NULL)) != -1) {
        if (c == 'h') {
            dump_usage(stdout);
            free(ign);
            return EXIT_CLEAN;
        }
        bad = c == '?' || c == ':' || !set_option(c, optarg, &o, ign, &nign);
    }
    if (!bad && optind >= argc) {
        fprintf(stderr, "leakscope dump: no input; give a dump file, - for stdin, or an http:// URL\n");
        bad = true;
    }
    if (!bad)
        bad = !build_ignores(&o, ign, nign);
    free(ign);
    if (bad) {
        fprintf(stderr, "run 'leakscope dump --help' for the flags\n");
        dump_ignore_free(o.ignore);
        return EXIT_INPUT;
    }
    size_t n = (size_t)(argc - optind);
    input *in = calloc(n, sizeof *in);
    if (!in) {
        fprintf(stderr, "leakscope dump: out of memory\n");
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < n; i++)
        in[i].name = argv[optind + (int)i];
    bool assumed = assign_times(in, n, &o);
    bool input_error = false;
    for (size_t i = 0; i < n; i++) {
        read_input(&in[i], &o);
        input_error |= in[i].error != NULL;
    }
    int status = report(in, n, &o, assumed);
    for (size_t i = 0; i < n; i++) {
        dump_buckets_free(in[i].buckets);
        free(in[i].error);
    }
    free(in);
    dump_ignore_free(o.ignore);
    return input_error && status != EXIT_INPUT ? EXIT_INPUT : status;
}
