/*
 * `leakscope lineage`: streams context lineage event files through the
 * reader (lineage.h) and prints the findings as text, JSON, DOT or HTML.
 *
 * Every file is read even when an earlier one is bad; bad lines are
 * printed as `file:line: message` and make the exit status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "leakscope/lineage.h"

static void lineage_usage(FILE *to) {
    fprintf(to,
            "usage: leakscope lineage [flags] EVENTS...\n"
            "       leakscope lineage build [-o EVENTS] -- go SUBCOMMAND ARGS...  (record; see build --help)\n\n"
            "Reads context lineage event files (JSON lines written by the Go package\n"
            "lineage; docs/lineage-events.md; '-' is stdin) as a stream and reports,\n"
            "grouped by creation site with counts and ages:\n"
            "  never-cancelled    cancel function dropped without being called\n"
            "  live-at-end        cancellable context still live when the input ended\n"
            "  new-root           Background/TODO used by a goroutine holding a live context\n"
            "  cancel-lost        the parent ended, the child never did\n"
            "  timeout-no-effect  timeout longer than the parent's remaining time\n"
            "  value-deep         WithValue chain deeper than --max-value-depth\n"
            "  late-end           ended more than --late after its deadline\n\n"
            "flags:\n"
            "  --format FORMAT        text (default), json, dot or html (docs/lineage.md)\n"
            "  -o, --output FILE      write the report to FILE instead of stdout\n"
            "  --max-value-depth N    value-deep above N stacked WithValue (default 8)\n"
            "  --late DURATION        late-end threshold: 250ms, 2s, 1m, or microseconds (default 1s)\n"
            "  --max-nodes N          contexts kept for the dot/html graph (default 2000)\n"
            "  -h, --help             show this help\n\n"
            "Exit status: 0 no findings, 1 findings, 2 usage or input error (bad lines are\n"
            "named by file and line; the rest is still read), 3 internal error.\n");
}

/* "250ms", "2s", "1m", "40us" or a bare number of microseconds. */
static bool parse_duration_us(const char *s, int64_t *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || v < 0)
        return false;
    double scale = 1;
    if (*end == 0 || strcmp(end, "us") == 0)
        scale = 1;
    else if (strcmp(end, "ms") == 0)
        scale = 1e3;
    else if (strcmp(end, "s") == 0)
        scale = 1e6;
    else if (strcmp(end, "m") == 0)
        scale = 60e6;
    else if (strcmp(end, "h") == 0)
        scale = 3600e6;
    else
        return false;
    if (v * scale > 9e18)
        return false;
    *out = (int64_t)(v * scale);
    return true;
}

static bool parse_count(const char *s, unsigned long long max, unsigned long long *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || errno || v > max || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static void print_diag(void *ctx, const ls_diag *d) {
    (void)ctx;
    const char *sev = d->severity == LS_SEV_ERROR ? "error" : d->severity == LS_SEV_WARNING ? "warning" : "note";
    if (d->line)
        fprintf(stderr, "%s:%u: %s: %s\n", d->file, d->line, sev, d->message);
    else
        fprintf(stderr, "%s: %s: %s\n", d->file, sev, d->message);
}

typedef enum format { F_TEXT, F_JSON, F_DOT, F_HTML } format;

static bool parse_format(const char *s, format *f) {
    static const char *const names[] = {"text", "json", "dot", "html"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(s, names[i]) == 0) {
            *f = (format)i;
            return true;
        }
    }
    return false;
}

/* EXIT_CLEAN when written; EXIT_INPUT when -o cannot be created (a usage
 * error), EXIT_INTERNAL when writing failed. */
static int write_report(const char *output, const ls_buf *b) {
    FILE *f = output ? fopen(output, "w") : stdout;
    if (!f) {
        fprintf(stderr, "leakscope lineage: cannot create %s: %s\n", output, strerror(errno));
        return EXIT_INPUT;
    }
    bool ok = fwrite(b->data ? b->data : "", 1, b->len, f) == b->len;
    ok = (output ? fclose(f) : fflush(f)) == 0 && ok;
    if (!ok) {
        fprintf(stderr, "leakscope lineage: writing %s failed: %s\n", output ? output : "stdout", strerror(errno));
        return EXIT_INTERNAL;
    }
    return EXIT_CLEAN;
}

static int exit_for(const lineage_result *res) {
    for (int k = 0; k < LINEAGE_F_COUNT; k++)
        if (res->totals[k])
            return EXIT_FINDINGS;
    return EXIT_CLEAN;
}

int cmd_lineage(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "build") == 0) /* a file named build: ./build */
        return cmd_lineage_build(argc - 1, argv + 1);
    enum { OPT_FORMAT = 1000, OPT_DEPTH, OPT_LATE, OPT_NODES };
    static const struct option longopts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"output", required_argument, NULL, 'o'},
        {"max-value-depth", required_argument, NULL, OPT_DEPTH},
        {"late", required_argument, NULL, OPT_LATE},
        {"max-nodes", required_argument, NULL, OPT_NODES},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    lineage_options opt;
    lineage_options_default(&opt);
    format fmt = F_TEXT;
    const char *output = NULL;
    bool bad = false;
    unsigned long long v = 0; /* read on the error path too (and then unused): gcc -O3 warns */
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT:
            if (!parse_format(optarg, &fmt)) {
                fprintf(stderr, "leakscope lineage: --format wants text, json, dot or html, not %s\n", optarg);
                bad = true;
            }
            break;
        case 'o': output = optarg; break;
        case OPT_DEPTH:
            if (!parse_count(optarg, 1000000, &v) || v == 0) {
                fprintf(stderr, "leakscope lineage: --max-value-depth wants a number from 1, not %s\n", optarg);
                bad = true;
            }
            opt.max_value_depth = (int64_t)v;
            break;
        case OPT_LATE:
            if (!parse_duration_us(optarg, &opt.late_us)) {
                fprintf(stderr, "leakscope lineage: --late wants a duration such as 500ms or 2s, not %s\n", optarg);
                bad = true;
            }
            break;
        case OPT_NODES:
            if (!parse_count(optarg, 10000000, &v)) {
                fprintf(stderr, "leakscope lineage: --max-nodes wants a number up to 10000000, not %s\n", optarg);
                bad = true;
            }
            opt.max_nodes = (uint32_t)v;
            break;
        case 'h': lineage_usage(stdout); return EXIT_CLEAN;
        default: bad = true; break;
        }
    }
    if (!bad && optind >= argc) {
        fprintf(stderr, "leakscope lineage: no event files given ('-' reads stdin)\n");
        bad = true;
    }
    if (bad) {
        fprintf(stderr, "run 'leakscope lineage --help' for the flags\n");
        return EXIT_INPUT;
    }
    ls_diag_sink sink = {print_diag, NULL};
    lineage_reader *r = lineage_reader_new(&opt, sink);
    bool unreadable = false;
    for (int i = optind; i < argc; i++) {
        int err = lineage_reader_read_path(r, argv[i]);
        if (err) {
            fprintf(stderr, "leakscope lineage: %s: %s\n", argv[i], strerror(err));
            unreadable = true;
        }
    }
    const lineage_result *res = lineage_reader_finish(r);
    ls_buf out = {0};
    switch (fmt) {
    case F_TEXT: lineage_report_text(&out, res); break;
    case F_JSON: lineage_report_json(&out, res, &opt); break;
    case F_DOT: lineage_report_dot(&out, res); break;
    case F_HTML: lineage_report_html(&out, res); break;
    }
    int status = write_report(output, &out);
    if (status == EXIT_CLEAN)
        status = unreadable || lineage_reader_errors(r) ? EXIT_INPUT : exit_for(res);
    ls_buf_free(&out);
    lineage_reader_free(r);
    return status;
}
