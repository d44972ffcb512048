/*
 * `leakscope parse`: runs the Go front end over files and reports syntax
 * errors, or prints the canonical AST dump (--dump-ast) that the
 * differential test compares with go/parser's, or measures throughput
 * (--stats).
 *
 * Files are parsed in parallel; their output is emitted strictly in input
 * order by whichever worker completes the next file in line, and workers
 * never run more than a bounded window ahead of the writer, so memory stays
 * flat however many files there are.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "leakscope/goast.h"
#include "leakscope/goscope.h"

#define WINDOW 256
/* go/parser's own limit, counted the same way; parse threads get 512 MiB
 * stacks (address space, not memory), room for it even in sanitizer builds. */
#define CLI_MAX_DEPTH 100000

typedef struct file_result {
    ls_buf out;
    uint64_t bytes, parse_ns;
    bool syntax_error, read_error, done;
} file_result;

typedef struct parse_job {
    path_list files;
    bool dump, quiet, resolve;
    go_parse_options opts;
    file_result *results;
    size_t written;
    uint64_t total_bytes, total_parse_ns;
    size_t syntax_errors, read_errors;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} parse_job;

static void format_error(ls_buf *b, go_file *f, const go_syntax_error *e, bool dump) {
    go_position at = go_file_position(f, e->pos);
    if (dump)
        ls_buf_printf(b, "ERROR %u:%u: %s\n", at.line, at.col, e->msg);
    else
        ls_buf_printf(b, "%s:%u:%u: %s\n", f->path, at.line, at.col, e->msg);
}

static void parse_one(parse_job *job, size_t i, file_result *r) {
    const char *path = job->files.at[i];
    if (job->dump)
        ls_buf_printf(&r->out, "=== %s\n", path);
    int err = 0;
    go_file *f = go_parse_path(path, &job->opts, NULL, &err);
    if (!f) {
        r->read_error = true;
        if (job->dump)
            ls_buf_printf(&r->out, "ERROR 0:0: %s\n", strerror(err));
        else
            ls_buf_printf(&r->out, "leakscope: %s: cannot read: %s\n", path, strerror(err));
        return;
    }
    r->bytes = f->len;
    r->parse_ns = f->parse_ns;
    if (job->resolve) {
        /* counted with parsing, so --stats shows what resolution adds */
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        go_resolve(f);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        r->parse_ns += (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u + (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
    }
    if (f->nerrors) {
        r->syntax_error = true;
        if (job->dump) {
            format_error(&r->out, f, &f->errors[0], true);
        } else if (!job->quiet) {
            for (uint32_t k = 0; k < f->nerrors && k < 10; k++)
                format_error(&r->out, f, &f->errors[k], false);
        }
    } else if (job->dump) {
        go_dump(f, &r->out);
    }
    go_file_free(f);
}

/* Emits every finished result at the head of the line; caller holds mu. */
static void flush_ready(parse_job *job) {
    while (job->written < job->files.len && job->results[job->written].done) {
        file_result *r = &job->results[job->written];
        if (r->out.len)
            fwrite(r->out.data, 1, r->out.len, job->dump ? stdout : stderr);
        job->total_bytes += r->bytes;
        job->total_parse_ns += r->parse_ns;
        job->syntax_errors += r->syntax_error;
        job->read_errors += r->read_error;
        ls_buf_free(&r->out);
        job->written++;
    }
    pthread_cond_broadcast(&job->cv);
}

static void parse_worker(void *ctx, size_t i) {
    parse_job *job = ctx;
    pthread_mutex_lock(&job->mu);
    while (i >= job->written + WINDOW)
        pthread_cond_wait(&job->cv, &job->mu);
    pthread_mutex_unlock(&job->mu);

    file_result r = {0};
    parse_one(job, i, &r);

    pthread_mutex_lock(&job->mu);
    r.done = true;
    job->results[i] = r;
    flush_ready(job);
    pthread_mutex_unlock(&job->mu);
}

static void parse_usage(FILE *to) {
    fprintf(to,
            "usage: leakscope parse [flags] [PATH...]\n"
            "\n"
            "Parses Go source files with leakscope's own parser and reports syntax\n"
            "errors as FILE:LINE:COL: MESSAGE. A PATH is a file, a directory or\n"
            "DIR/...; directories contribute every .go file below them (testdata and\n"
            "vendor included). Default: ./...\n"
            "\n"
            "flags:\n"
            "  --dump-ast          print the canonical AST dump (docs/ast-dump.md)\n"
            "  --files-from FILE   read more paths from FILE, one per line (- for stdin)\n"
            "  --stats             print files, bytes, time and MB/s to stderr\n"
            "  -j, --jobs N        parse on N threads (default: all cores)\n"
            "  --max-depth N       nesting depth at which a file is rejected (default\n"
            "                      100000, the same limit and count as go/parser)\n"
            "  -q, --quiet         do not print syntax errors\n"
            "  --resolve           also resolve names (go_resolve, docs/semantics.md);\n"
            "                      its time counts in parse_seconds\n"
            "  -h, --help          show this help\n"
            "\n"
            "exit status: 0 all files parsed, 2 a file has syntax errors or cannot\n"
            "be read, 3 internal error. With --dump-ast, syntax errors and unreadable\n"
            "files are part of the dump (ERROR lines) and the status is 0.\n");
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool parse_uint(const char *s, unsigned long *out) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return false;
    *out = v;
    return true;
}

int cmd_parse(int argc, char **argv) {
    enum { OPT_DUMP = 1000, OPT_FILES_FROM, OPT_STATS, OPT_MAX_DEPTH, OPT_RESOLVE };
    static const struct option longopts[] = {
        {"dump-ast", no_argument, NULL, OPT_DUMP},
        {"files-from", required_argument, NULL, OPT_FILES_FROM},
        {"stats", no_argument, NULL, OPT_STATS},
        {"jobs", required_argument, NULL, 'j'},
        {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
        {"quiet", no_argument, NULL, 'q'},
        {"resolve", no_argument, NULL, OPT_RESOLVE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    parse_job job = {0};
    bool stats = false;
    unsigned long jobs = 0;
    size_t operand_errors = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
        unsigned long v;
        switch (c) {
        case OPT_DUMP: job.dump = true; break;
        case OPT_STATS: stats = true; break;
        case OPT_RESOLVE: job.resolve = true; break;
        case 'q': job.quiet = true; break;
        case 'h': parse_usage(stdout); path_list_free(&job.files); return EXIT_CLEAN;
        case OPT_FILES_FROM:
            if (!read_files_from(optarg, &job.files)) {
                path_list_free(&job.files);
                return EXIT_INPUT;
            }
            break;
        case 'j':
            if (!parse_uint(optarg, &v) || v == 0 || v > 1024) {
                fprintf(stderr, "leakscope parse: -j wants a number of threads from 1 to 1024, not %s\n", optarg);
                path_list_free(&job.files);
                return EXIT_INPUT;
            }
            jobs = v;
            break;
        case OPT_MAX_DEPTH:
            if (!parse_uint(optarg, &v) || v == 0 || v > 1000000) {
                fprintf(stderr, "leakscope parse: --max-depth wants a number from 1 to 1000000, not %s\n", optarg);
                path_list_free(&job.files);
                return EXIT_INPUT;
            }
            job.opts.max_depth = (uint32_t)v;
            break;
        default:
            parse_usage(stderr);
            path_list_free(&job.files);
            return EXIT_INPUT;
        }
    }
    if (!job.opts.max_depth)
        job.opts.max_depth = CLI_MAX_DEPTH;
    for (int i = optind; i < argc; i++)
        operand_errors += collect_go_files(argv[i], &job.files);
    if (optind == argc && job.files.len == 0)
        operand_errors += collect_go_files("./...", &job.files);

    job.results = calloc(job.files.len ? job.files.len : 1, sizeof *job.results);
    if (!job.results) {
        fprintf(stderr, "leakscope parse: out of memory\n");
        return EXIT_INTERNAL;
    }
    pthread_mutex_init(&job.mu, NULL);
    pthread_cond_init(&job.cv, NULL);
    /* Big stacks: the parser recurses once per nesting level. */
    size_t stack = (size_t)512 << 20;
    double t0 = now_seconds();
    int rc = ls_pool_run(job.files.len, (unsigned)jobs, stack, parse_worker, &job);
    double secs = now_seconds() - t0;
    fflush(stdout);
    pthread_mutex_destroy(&job.mu);
    pthread_cond_destroy(&job.cv);

    if (rc != 0) {
        fprintf(stderr, "leakscope parse: cannot start threads: %s\n", strerror(rc));
        free(job.results);
        path_list_free(&job.files);
        return EXIT_INTERNAL;
    }
    if (stats) {
        /* seconds and MBps: wall clock, reading included; parse_seconds
         * and parse_MBps: time inside the parser only, summed over threads,
         * comparable with a parser benchmark that reads files beforehand */
        double parse_secs = (double)job.total_parse_ns / 1e9;
        fprintf(stderr,
                "leakscope parse: files=%zu bytes=%llu errors=%zu seconds=%.3f MBps=%.1f threads=%u "
                "parse_seconds=%.3f parse_MBps=%.1f\n",
                job.files.len, (unsigned long long)job.total_bytes, job.syntax_errors + job.read_errors,
                secs, secs > 0 ? (double)job.total_bytes / 1e6 / secs : 0.0,
                jobs ? (unsigned)jobs : ls_cpu_count(), parse_secs,
                parse_secs > 0 ? (double)job.total_bytes / 1e6 / parse_secs : 0.0);
    }
    bool failed = job.dump ? operand_errors > 0 : (job.syntax_errors || job.read_errors || operand_errors);
    int status = failed ? EXIT_INPUT : EXIT_CLEAN;
    free(job.results);
    path_list_free(&job.files);
    return status;
}
