/*
 * leakscope lineage: reads context lineage events (docs/lineage-events.md)
 * as a stream and finds broken context chains (docs/lineage.md).
 *
 * Three layers, data flowing one way:
 *  - lineage_scan_line: one JSON line into a lineage_event of views into
 *    the line (no allocation; escapes are decoded into a caller's scratch);
 *  - lineage_reader: the live-context bookkeeping; a context is a node from
 *    its `derive` until it and all its children have ended, then its
 *    findings are already folded into per-creation-site aggregates and the
 *    node is recycled, so memory follows live contexts, not file size;
 *  - lineage_report_*: text, JSON, DOT and HTML from the finished result.
 */
#ifndef LEAKSCOPE_LINEAGE_H
#define LEAKSCOPE_LINEAGE_H

#include "leakscope/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- one event ---------------------------------------------------------- */

typedef enum lineage_ev {
    LINEAGE_EV_HEADER,
    LINEAGE_EV_DERIVE,
    LINEAGE_EV_END,
    LINEAGE_EV_DROPS,
    LINEAGE_EV_UNKNOWN, /* a well-formed line whose "ev" the reader does not know */
} lineage_ev;

/* Which numeric members were present (lineage_event.has). */
enum {
    LINEAGE_HAS_T = 1u << 0,
    LINEAGE_HAS_G = 1u << 1,
    LINEAGE_HAS_LINE = 1u << 2,
    LINEAGE_HAS_DEADLINE = 1u << 3,
    LINEAGE_HAS_PARENT_DEADLINE = 1u << 4,
    LINEAGE_HAS_TIMEOUT = 1u << 5,
    LINEAGE_HAS_VALUE_DEPTH = 1u << 6,
    LINEAGE_HAS_N = 1u << 7,
    LINEAGE_HAS_V = 1u << 8,
    LINEAGE_HAS_PID = 1u << 9,
    LINEAGE_HAS_CG = 1u << 10,
};

/* String members are decoded (escapes resolved); absent ones have len 0. */
typedef struct lineage_event {
    lineage_ev ev;
    uint32_t has;
    ls_str id, parent, remote_parent, kind, how, func, file, key, held, process, host;
    ls_str stack; /* the raw JSON text of the "stack" array, brackets included */
    int64_t t, g, line, deadline, parent_deadline, timeout_us, value_depth, n, v, pid;
    int64_t cg; /* roots: the goroutine that started g */
} lineage_event;

typedef enum lineage_scan_status {
    LINEAGE_SCAN_OK,
    LINEAGE_SCAN_BLANK,   /* an empty line (only spaces) */
    LINEAGE_SCAN_NOT_EV,  /* a JSON object whose first member is not "ev" */
    LINEAGE_SCAN_SYNTAX,  /* not one JSON object, or truncated */
    LINEAGE_SCAN_BAD_TYPE /* a known member with the wrong type (e.g. "t":"x") */
} lineage_scan_status;

/*
 * Scans one line (without its '\n'; a trailing '\r' is allowed).  String
 * members point into the line unless they hold escapes, in which case they
 * are decoded into *scratch, which is reset at the start of each call and
 * reused (it grows only for longer lines than seen before).  On failure
 * *why is a short static description.
 */
lineage_scan_status lineage_scan_line(const char *line, size_t len, lineage_event *ev, ls_buf *scratch,
                                      const char **why);

/* ---- findings ----------------------------------------------------------- */

typedef enum lineage_finding_kind {
    LINEAGE_F_NEVER_CANCELLED, /* end how=never: the cancel function was dropped */
    LINEAGE_F_LIVE_AT_END,     /* cancellable, no end when the input ended */
    LINEAGE_F_NEW_ROOT,        /* root:background/todo made while the goroutine, or the one that
                                  started it, held a live context */
    LINEAGE_F_CANCEL_LOST,     /* the parent ended, this child never did */
    LINEAGE_F_TIMEOUT_NO_EFFECT, /* timeout longer than the parent's remaining time */
    LINEAGE_F_VALUE_DEEP,      /* WithValue chain deeper than max_value_depth */
    LINEAGE_F_LATE_END,        /* ended more than late_us after its deadline */
    LINEAGE_F_COUNT
} lineage_finding_kind;

/* Stable names used in every output ("never-cancelled", ...). */
const char *lineage_finding_name(lineage_finding_kind k);
/* One sentence: what the finding means. */
const char *lineage_finding_summary(lineage_finding_kind k);

/* Per creation site and finding kind. */
typedef struct lineage_agg {
    uint64_t count;
    int64_t age_sum, age_max; /* µs; for value-deep: the depth */
    const char *example;      /* one lineage ID (arena) */
} lineage_agg;

typedef struct lineage_site {
    const char *func, *file; /* arena, NUL-terminated */
    int64_t line;
    const char *stack; /* the first "stack" array seen here, raw JSON, or NULL */
    uint64_t derived;  /* contexts made here */
    lineage_agg agg[LINEAGE_F_COUNT];
    struct lineage_site *next_in_bucket; /* internal */
    uint64_t hash;                       /* internal */
    uint32_t index;                      /* order of first appearance */
} lineage_site;

/* A context kept for the graph outputs (a finding, or an ancestor of one). */
typedef struct lineage_gnode {
    const char *id;      /* arena */
    const char *parent;  /* the parent's ID or root:...; NULL when not recorded */
    const char *broken_from; /* the live context it should have been derived from */
    const char *kind;
    const char *end_how; /* NULL: no end */
    const lineage_site *site;
    int64_t t, end_t, deadline, g;
    int64_t cg; /* a root's creating goroutine (writer's "cg"), 0 unknown */
    uint32_t findings; /* bit set of lineage_finding_kind */
    int32_t parent_index; /* index in lineage_result.nodes, -1 none */
    int32_t broken_index; /* index of broken_from, -1 none */
    bool cancel_lost_edge; /* the parent→this edge is a cancel that never arrived */
    bool remote_edge;      /* the parent is in another process (remote_parent) */
} lineage_gnode;

typedef struct lineage_options {
    int64_t max_value_depth; /* default 8 */
    int64_t late_us;         /* default 1 s */
    uint32_t max_nodes;      /* nodes kept for the graph outputs; default 2000 */
} lineage_options;

void lineage_options_default(lineage_options *o);

typedef struct lineage_result {
    lineage_site **sites; /* sorted: by worst finding count, then site */
    size_t nsites;
    lineage_gnode *nodes; /* finding subgraphs, parents before children */
    size_t nnodes;
    bool nodes_truncated; /* more findings than max_nodes */
    uint64_t events, derives, ends, headers, unknown_ev, bad_lines, drops, orphan_ends, duplicates;
    uint64_t totals[LINEAGE_F_COUNT];
    uint64_t peak_live; /* most contexts in memory at once */
    size_t files;
} lineage_result;

/* ---- the reader --------------------------------------------------------- */

typedef struct lineage_reader lineage_reader;

lineage_reader *lineage_reader_new(const lineage_options *o, ls_diag_sink diags);
void lineage_reader_free(lineage_reader *r);

/*
 * Feeds one file's bytes in any chunks: lineage_reader_begin_file, then
 * lineage_reader_feed as often as needed, then lineage_reader_end_file.
 * Bad lines are reported to the sink (file, line, message) and skipped.
 * `path` must outlive the reader.
 */
void lineage_reader_begin_file(lineage_reader *r, const char *path);
void lineage_reader_feed(lineage_reader *r, const char *data, size_t len);
void lineage_reader_end_file(lineage_reader *r);
/* Reads a whole file ("-": stdin) in blocks.  0, or an errno value. */
int lineage_reader_read_path(lineage_reader *r, const char *path);

/* Ends the input: contexts still live become findings.  The result lives
 * as long as the reader; later calls return the same result. */
const lineage_result *lineage_reader_finish(lineage_reader *r);

/* Number of lines reported to the sink as bad so far. */
uint64_t lineage_reader_errors(const lineage_reader *r);

/* ---- reports -------------------------------------------------------------- */

#define LINEAGE_JSON_VERSION 1

void lineage_report_text(ls_buf *out, const lineage_result *r);
void lineage_report_json(ls_buf *out, const lineage_result *r, const lineage_options *o);
void lineage_report_dot(ls_buf *out, const lineage_result *r);
void lineage_report_html(ls_buf *out, const lineage_result *r);

#ifdef __cplusplus
}
#endif
#endif
