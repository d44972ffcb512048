/*
 * leakscope dump: goroutine dumps in, buckets of the same stack out.
 *
 * Three layers, each usable alone:
 *
 *   1. Parsers (push style): bytes arrive in chunks of any size — from a
 *      file read in blocks, stdin, a gzip stream or an HTTP body — and every
 *      goroutine (or aggregated stack) found is handed to a sink as a
 *      dump_goroutine that lives only for that call.  Memory does not grow
 *      with the input: a parser keeps the stanza it is reading and no more
 *      (the pprof protobuf, which is not streamable, keeps its unique stacks).
 *   2. Buckets: goroutines with the same normalized stack, counted, with
 *      states, wait times, creation sites and labels.  A bucket's ID is a hash
 *      of its normalized stack, the same in every run, file and format
 *      (docs/dump-buckets.md is the contract; the Go watchdog computes the
 *      same IDs).
 *   3. Analysis (suspects, series) and writers (text, JSON, HTML) on top of
 *      bucket sets.
 *
 * Strings in dump_goroutine point into the parser's buffers and are valid only
 * during the sink call; copy what you keep (buckets copy into their arena).
 */
#ifndef LEAKSCOPE_DUMP_H
#define LEAKSCOPE_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leakscope/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- what the parsers produce -------------------------------------------- */

typedef enum dump_format {
    DUMP_FORMAT_AUTO,   /* sniffed from the first bytes */
    DUMP_FORMAT_TEXT,   /* debug=2, panics, fatal errors, GOTRACEBACK=... */
    DUMP_FORMAT_DEBUG1, /* "goroutine profile: total N" aggregated text */
    DUMP_FORMAT_PPROF,  /* protobuf, gzip'd or not (debug=0, goroutineleak) */
} dump_format;

const char *dump_format_name(dump_format f); /* "auto", "text", "debug1", "pprof" */

typedef struct dump_frame {
    ls_str func;      /* "main.(*T).run", "main.worker[...]"; no arguments */
    ls_str args;      /* "(0xc000012345, 0x1)" or "(...)" as printed; empty if none */
    ls_str file;      /* "/src/app/worker.go"; empty if unknown */
    uint32_t line;    /* 0 if unknown */
    uint64_t pc_offset; /* the "+0x1d" after the line, 0 if none */
    bool inlined;     /* pprof: not the outermost function at its PC */
} dump_frame;

typedef struct dump_label {
    ls_str key, value;
} dump_label;

typedef struct dump_goroutine {
    uint64_t id;            /* goroutine ID; 0 when the format has none */
    uint64_t count;         /* 1 for a traceback stanza; K for an aggregated stack */
    ls_str state;           /* "chan receive", "select", "running", "sync.Mutex.Lock"...;
                               pprof: only the channel waits its hidden runtime
                               frames show; debug=1: always empty */
    int64_t wait_minutes;   /* from "[chan receive, 47 minutes]"; -1 when not given */
    bool locked_to_thread;
    bool frames_elided;     /* "...additional frames elided..." */
    bool from_leak_profile; /* pprof goroutineleak profile */
    const dump_frame *frames; /* innermost (top) first */
    size_t nframes;
    bool has_created_by;
    dump_frame created_by;  /* "created by F in goroutine N": the go statement's
                               function and file:line */
    uint64_t creator_id;    /* N above; 0 when not printed */
    const dump_label *labels;
    size_t nlabels;
    /* GODEBUG=tracebackancestors: the creating goroutines' stacks at creation,
     * nearest ancestor first; each has only id, frames and created_by. */
    const struct dump_goroutine *ancestors;
    size_t nancestors;
    uint64_t input_line;    /* 1-based line of the stanza's header in the input;
                               0 for binary formats */
} dump_goroutine;

/* Return nonzero to stop the parser (it then skips the rest of its input). */
typedef int (*dump_sink_fn)(void *ctx, const dump_goroutine *g);

/* What a parser saw, for "read 1,248,931 goroutines, skipped 12 junk lines". */
typedef struct dump_stats {
    uint64_t bytes;
    uint64_t lines;               /* text formats */
    uint64_t goroutines;          /* stanzas/samples delivered (sum of count) */
    uint64_t stacks;              /* dump_goroutine records delivered */
    uint64_t skipped_lines;       /* junk, non-Go output, unknown lines */
    uint64_t truncated_stanzas;   /* stanzas cut short (kept, marked) */
    uint64_t first_problem_line;  /* 1-based, 0 if none: for the error message */
    const char *first_problem;    /* what was wrong there (static string) */
    ls_str preamble;              /* "panic: ...", "fatal error: ..." first line; may be empty */
    dump_format format;           /* what AUTO resolved to */
    uint32_t parts;               /* dump_read_buckets: threads that read the input
                                     (1 when not split); 0 from the other readers */
} dump_stats;

typedef struct dump_parser dump_parser;

/* source_name names the input in messages ("dump.txt", "<stdin>", a URL). */
dump_parser *dump_parser_new(dump_format format, const char *source_name, dump_sink_fn sink,
                             void *sink_ctx);
/* Feeds the next chunk.  Returns 0, or -1 on a fatal input error (a pprof
 * file that is not a profile, a corrupt gzip stream): the message is in
 * dump_parser_error().  Text formats never fail: junk is counted and skipped. */
int dump_parser_feed(dump_parser *p, const void *data, size_t len);
/* End of input: flushes the last stanza.  Same return as feed. */
int dump_parser_finish(dump_parser *p);
const dump_stats *dump_parser_stats(const dump_parser *p);
const char *dump_parser_error(const dump_parser *p); /* NULL when none */
void dump_parser_free(dump_parser *p);

/* Convenience: reads a file ("-" is stdin; "http://..." a pprof endpoint
 * through libcurl) in blocks through a parser.  Returns 0 or -1 with a message
 * naming the source in *err (malloc'd). */
int dump_read_source(const char *source, dump_format format, dump_sink_fn sink, void *sink_ctx,
                     dump_stats *stats, char **err);

/* ---- buckets ------------------------------------------------------------- */

typedef enum dump_group {
    DUMP_GROUP_LINE,  /* function names and file:line (the default) */
    DUMP_GROUP_EXACT, /* ... and arguments */
    DUMP_GROUP_FUNC,  /* function names only */
} dump_group;

/*
 * The normalized stack (docs/dump-buckets.md) of g under group, appended to
 * out, and its ID: XXH64, seed 0, of those bytes.  Equal IDs for the same
 * stack read from debug=2, debug=1 and pprof.
 */
uint64_t dump_stack_id(const dump_goroutine *g, dump_group group, ls_buf *out);

typedef struct dump_state_count {
    ls_str state; /* "" when the format gives none */
    uint64_t count;
} dump_state_count;

typedef struct dump_bucket {
    uint64_t id;                /* dump_stack_id */
    uint64_t count;             /* goroutines */
    const dump_frame *frames;   /* of the first goroutine seen */
    size_t nframes;
    dump_state_count *states;   /* most frequent first after dump_buckets_finish */
    size_t nstates;
    int64_t wait_min, wait_median, wait_max; /* minutes; -1 when none given */
    bool has_created_by;
    dump_frame created_by;
    uint64_t creator_bucket;    /* bucket ID of the most common creating goroutine; 0 if unknown */
    dump_label *labels;         /* of the first goroutine with labels */
    size_t nlabels;
    uint64_t example_id;        /* one goroutine in it (the lowest ID) */
    bool in_leak_profile;       /* seen in a goroutineleak profile */
    uint64_t locked_to_thread;  /* how many */
} dump_bucket;

typedef struct dump_buckets dump_buckets;

dump_buckets *dump_buckets_new(dump_group group);
/* A dump_sink_fn: dump_parser_new(fmt, name, dump_buckets_sink, buckets). */
int dump_buckets_sink(void *buckets, const dump_goroutine *g);
/* After the last goroutine: resolves creator buckets and medians, sorts
 * buckets by count (descending, then ID). */
void dump_buckets_finish(dump_buckets *b);
size_t dump_buckets_len(const dump_buckets *b);
const dump_bucket *dump_buckets_at(const dump_buckets *b, size_t i);
const dump_bucket *dump_buckets_find(const dump_buckets *b, uint64_t id);
uint64_t dump_buckets_total(const dump_buckets *b); /* goroutines */
void dump_buckets_free(dump_buckets *b);

/* Adds src's goroutines to dst as if they had been read after dst's: dst
 * then holds what one bucket set reading both inputs in that order would
 * (counts, states, waits, first frames and labels, creators, example IDs).
 * Neither may be finished; both must have the same group.  src is unchanged. */
void dump_buckets_merge(dump_buckets *dst, const dump_buckets *src);

typedef struct dump_read_options {
    unsigned threads; /* parser threads for one file; 0: one per core, at most 4 */
    size_t min_part;  /* bytes a thread gets at the least; 0: 8 MiB */
} dump_read_options;

/*
 * dump_read_source into buckets (not finished; the caller finishes them).
 * A regular file of text tracebacks (debug=2, crashes) larger than two parts
 * is split at stanza boundaries (a blank line before "goroutine ") and read
 * by several threads into buckets of their own, merged in file order: the
 * buckets and stats are the same as reading it with one thread.  Anything
 * else (stdin, URLs, debug=1, pprof, a dump with log prefixes) is read by
 * one thread.  opt may be NULL.
 */
int dump_read_buckets(const char *source, dump_format format, dump_buckets *b,
                      const dump_read_options *opt, dump_stats *stats, char **err);

/* The grouping the buckets were made with. */
dump_group dump_buckets_group(const dump_buckets *b);
/* True when every goroutine of the bucket came from a goroutineleak profile. */
bool dump_bucket_only_in_leak_profile(const dump_buckets *b, const dump_bucket *bucket);
/* Bytes held at the most (arena, tables, the 12 bytes per goroutine kept
 * while reading), for --stats. */
size_t dump_buckets_memory(const dump_buckets *b);

/* ---- states -------------------------------------------------------------- */

/* What a bucket's goroutines wait on, from the state the traceback printed
 * or, when the format prints none (debug=1, pprof), from the top frames. */
typedef enum dump_wait_kind {
    DUMP_WAIT_NONE,       /* running, runnable, syscall, IO wait, sleep... */
    DUMP_WAIT_CHAN_SEND,
    DUMP_WAIT_CHAN_RECV,
    DUMP_WAIT_SELECT,
    DUMP_WAIT_SYNC,       /* sync.Mutex/RWMutex/WaitGroup/Cond, semacquire */
    DUMP_WAIT_FOREVER,    /* nil channel, select {}: can never wake */
} dump_wait_kind;

/* The most frequent state of the bucket, or "" when none was given. */
ls_str dump_bucket_state(const dump_bucket *b);
/* The state, or when none was recorded the one the frames show
 * ("sync.Mutex.Lock" from sync.(*Mutex).Lock); "" when neither. */
ls_str dump_bucket_state_or_inferred(const dump_bucket *b);
dump_wait_kind dump_bucket_wait_kind(const dump_bucket *b);
const char *dump_wait_kind_name(dump_wait_kind k); /* "chan send", ... */
/* Goroutines of the bucket in a blocking state (all of them when the state
 * comes from the frames). */
uint64_t dump_bucket_blocked(const dump_bucket *b);
/* The first frame of the program's own code: outside package runtime,
 * internal/... and sync (the top frame if all are). */
const dump_frame *dump_bucket_top_user_frame(const dump_bucket *b);

/* ---- ignores (src/dump/suspects.c) --------------------------------------- */

/*
 * Goroutines that live forever by design.  A built-in list (runtime workers,
 * os/signal, net/http idle connections, database/sql pools, testing...:
 * docs/dump.md) plus the user's rules, which work like goleak's
 * IgnoreTopFunction (the top function, i.e. the first frame outside package
 * runtime or the very first frame, is FUNC) and a POSIX extended regular
 * expression matched against the normalized stack ("FUNC FILE:LINE" lines).
 */
typedef struct dump_ignore dump_ignore;

dump_ignore *dump_ignore_new(bool builtin);
void dump_ignore_add_top(dump_ignore *ig, const char *func);
/* Returns 0, or -1 with a message about the regular expression in err[errlen]. */
int dump_ignore_add_stack(dump_ignore *ig, const char *regex, char *err, size_t errlen);
/* The rule that matches the bucket ("built-in: os/signal.loop",
 * "--ignore-top main.worker"), or NULL. */
const char *dump_ignore_match(const dump_ignore *ig, const dump_bucket *b);
void dump_ignore_free(dump_ignore *ig);

/* ---- series (src/dump/series.c) ------------------------------------------ */

typedef struct dump_series_options {
    double growth_pct;          /* alert when a bucket grows >= this %...   (15) */
    uint64_t growth_min;        /* ...and by >= this many goroutines...     (50) */
    double window_seconds;      /* ...within this time                     (300) */
    double blocked_pct;         /* alert when blocked goroutines are >= this % of all (20) */
    unsigned blocked_snapshots; /* ...for this many consecutive snapshots   (2) */
} dump_series_options;

void dump_series_options_default(dump_series_options *o);

typedef enum dump_verdict {
    DUMP_VERDICT_STABLE,
    DUMP_VERDICT_GROWS,  /* grows; linearly when the fit is >= 0.8 */
    DUMP_VERDICT_DRAINS,
    DUMP_VERDICT_GONE,   /* present at first, absent at the end */
    DUMP_VERDICT_NEW,    /* absent at first, present at the end, not growing */
} dump_verdict;

typedef struct dump_series_bucket {
    uint64_t id;
    const dump_bucket *last;  /* in the last snapshot that has it */
    uint64_t *counts;         /* one per point, 0 where absent */
    double slope_per_minute;  /* least-squares growth, goroutines per minute */
    double fit;               /* r^2 of that line, 0..1 (1 when flat) */
    dump_verdict verdict;
    char verdict_text[64];    /* "grows linearly (fit 0.98)" */
    bool alert;               /* crossed the growth threshold */
    char alert_text[160];     /* "+312 (+41%) in 5m0s, from 760 to 1,072" */
} dump_series_bucket;

typedef struct dump_series_point {
    double time;              /* seconds (unix time, or from the start when assumed) */
    const dump_buckets *buckets;
    uint64_t total, blocked;  /* blocked: in not-ignored buckets */
} dump_series_point;

typedef struct dump_series {
    dump_series_options opt;
    dump_series_point *points;
    size_t npoints;
    dump_series_bucket *buckets; /* growing first, then by last count */
    size_t nbuckets;
    bool blocked_alert;
    char blocked_text[160];
    ls_arena *arena;
    uint32_t *by_id; /* internal: bucket indexes sorted by ID */
} dump_series;

/*
 * Analyzes snapshots in time order (times in seconds, increasing; the caller
 * owns the bucket sets, which must outlive the result).  ignore may be NULL;
 * ignored buckets are neither alerted on nor counted as blocked.
 */
dump_series *dump_series_analyze(const dump_series_options *opt, const double *times,
                                 const dump_buckets *const *snapshots, size_t n,
                                 const dump_ignore *ignore);
const dump_series_bucket *dump_series_find(const dump_series *s, uint64_t id);
void dump_series_free(dump_series *s);

/* ---- leak suspects (src/dump/suspects.c) --------------------------------- */

typedef struct dump_suspect_options {
    uint64_t min_count;   /* blocked goroutines on one stack that make a suspect (5) */
    int64_t long_wait;    /* minutes; a blocked wait this long makes a suspect (10) */
    bool deadlock;        /* the dump is the runtime's "all goroutines are asleep -
                             deadlock!": every blocked bucket is a suspect (false) */
} dump_suspect_options;

void dump_suspect_options_default(dump_suspect_options *o);

typedef struct dump_suspect {
    const dump_bucket *bucket;
    double score;         /* higher is more likely a leak */
    uint64_t goroutines;  /* in the bucket */
    const char *reason;   /* one sentence, in the arena */
} dump_suspect;

typedef struct dump_suspects {
    dump_suspect *at;     /* highest score first */
    size_t len;
    uint64_t goroutines;  /* in all suspect buckets: what --fail-on compares */
    uint64_t ignored_buckets, ignored_goroutines;
    ls_arena *arena;
} dump_suspects;

/* series may be NULL (one snapshot); its growth verdicts add suspects. */
dump_suspects *dump_suspects_find(const dump_buckets *b, const dump_suspect_options *opt,
                                  const dump_ignore *ignore, const dump_series *series);
void dump_suspects_free(dump_suspects *s);

/* ---- writers (src/report/dump_*.c) --------------------------------------- */

typedef struct dump_report_input {
    const char *name;
    double time;          /* seconds; see dump_series_point */
    const dump_stats *stats;
    const char *error;    /* a read error, or NULL */
    /* Goroutines read from a live process by leakscope probe, not parsed:
     * NULL for a dump; else the "format" written ("probe"), and then the
     * process id and the goroutines left out for want of a stack. */
    const char *live_format;
    int pid;
    uint64_t without_stack;
} dump_report_input;

typedef struct dump_report {
    const dump_report_input *inputs;
    size_t ninputs;
    bool times_assumed;            /* no timestamps: points are a minute apart */
    const dump_buckets *buckets;   /* the (last) snapshot shown */
    const dump_suspects *suspects;
    const dump_series *series;     /* NULL for one input */
    const dump_ignore *ignore;
    size_t top;                    /* buckets to show (0: all) */
    bool color;                    /* text: ANSI colors */
    unsigned width;                /* text: terminal columns */
    bool stats;                    /* text: append reader statistics */
    const char *tool;              /* JSON "tool": NULL for "leakscope dump" */
} dump_report;

void dump_report_text(ls_buf *out, const dump_report *r);
void dump_report_json(ls_buf *out, const dump_report *r);
void dump_report_html(ls_buf *out, const dump_report *r);
/* 1234567 as "1,234,567", as the reasons and the text output write counts. */
void dump_put_count(ls_buf *out, uint64_t v);
/* "9f1c0e5a3b2d4c61" into buf[17]. */
const char *dump_id_hex(uint64_t id, char buf[17]);

#ifdef __cplusplus
}
#endif
#endif
