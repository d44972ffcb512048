/*
 * What the dump readers share (private to src/dump/): the parser object, the
 * line splitter, and the stanza under construction.
 *
 * The text readers keep the bytes of the stanza they are reading in one
 * reused buffer and refer to them by offset (the buffer moves when it grows);
 * the offsets become pointers only when the finished stanza is handed to the
 * sink.  Nothing is allocated per line or per frame once the buffers have
 * grown to the size of the largest stanza.
 */
#ifndef LEAKSCOPE_DUMP_INTERNAL_H
#define LEAKSCOPE_DUMP_INTERNAL_H

#include <string.h>

#include "leakscope/dump.h"

/* A line longer than this is junk (no runtime output comes close); the
 * splitter skips the rest of it instead of buffering it. */
#define DUMP_MAX_LINE (1u << 20)
/* Frames kept per stanza (tracebacks print at most 100 plus ancestors). */
#define DUMP_MAX_FRAMES 4096
#define DUMP_MAX_LABELS 256
#define DUMP_MAX_ANCESTORS 256
/* Lines held before a log prefix is known (text.c, hold_line). */
#define DUMP_PENDING_LINES 8
#define DUMP_PENDING_BYTES 512

typedef struct dump_pending_line {
    uint64_t line;
    uint16_t len;
    bool cut; /* longer than text: never read again */
    char text[DUMP_PENDING_BYTES];
} dump_pending_line;

/* A frame whose strings are offsets into dump_stanza.bytes. */
typedef struct dump_raw_frame {
    size_t func_off, args_off, file_off;
    uint32_t func_len, args_len, file_len;
    uint32_t line;
    uint64_t pc_offset;
    const char *func_static; /* replaces the func bytes ("panic" -> runtime.gopanic) */
    bool has_file;
    bool inlined;
} dump_raw_frame;

typedef struct dump_raw_label {
    size_t key_off, value_off;
    uint32_t key_len, value_len;
} dump_raw_label;

typedef struct dump_raw_ancestor {
    uint64_t id;
    size_t first_frame, nframes;
    bool has_created_by, frames_elided;
    dump_raw_frame created_by;
} dump_raw_ancestor;

/* Where the next tab-indented FILE:LINE line belongs. */
typedef enum dump_file_target {
    DUMP_FILE_NONE,
    DUMP_FILE_FRAME,
    DUMP_FILE_CREATED_BY,
    DUMP_FILE_ANCESTOR_CREATED_BY,
    DUMP_FILE_DISCARD, /* the frame above was dropped (over DUMP_MAX_FRAMES) */
} dump_file_target;

typedef struct dump_stanza {
    bool open;
    ls_buf bytes; /* copies of the lines the strings below point into */
    uint64_t id, count, creator_id, input_line;
    size_t state_off;
    uint32_t state_len;
    int64_t wait_minutes;
    bool locked, elided, truncated, has_created_by, leaked;
    dump_raw_frame created_by;
    dump_raw_frame *frames;
    size_t nframes, frames_cap;
    dump_raw_label *labels;
    size_t nlabels, labels_cap;
    dump_raw_ancestor *ancestors;
    size_t nancestors, ancestors_cap;
    dump_file_target file_target;
    /* scratch for handing the stanza to the sink */
    dump_frame *out_frames;
    size_t out_frames_cap;
    dump_label *out_labels;
    size_t out_labels_cap;
    dump_goroutine *out_ancestors;
    size_t out_ancestors_cap;
} dump_stanza;

typedef struct dump_pprof dump_pprof;

struct dump_parser {
    dump_format requested;
    char *source;
    dump_sink_fn sink;
    void *sink_ctx;
    dump_stats stats;
    char *error;
    bool stopped;  /* the sink asked to stop */
    bool failed;   /* a fatal input error was reported */
    bool finished;

    /* line splitting (text formats) */
    ls_buf carry;        /* the start of a line whose end has not arrived */
    bool carry_overflow; /* skipping the rest of an over-long line */
    ls_buf sniff;        /* AUTO: bytes held until the format is known */

    /* log prefix: the shape (digits as '0') of what precedes "goroutine N [" */
    char prefix_shape[128];
    size_t prefix_len;
    dump_pending_line pending[DUMP_PENDING_LINES]; /* a ring */
    size_t npending, pending_head;

    bool in_skip_block;   /* text: "runtime stack:" frames, not a goroutine */
    bool in_panic_message; /* text: after "panic: ", up to a blank line */
    bool leak_profile;    /* debug1: "goroutineleak profile: total N" */
    char preamble[512];
    dump_stanza st;
    dump_pprof *pprof;
};

/* memmem for the short haystacks of one line: glibc's memmem sets up a
 * two-way search on every call, which costs more than the search here. */
static inline const char *dump_find(const char *s, size_t n, const char *pat, size_t k) {
    const char *end = s + n;
    while ((size_t)(end - s) >= k) {
        const char *c = memchr(s, pat[0], (size_t)(end - s) - k + 1);
        if (!c)
            return NULL;
        if (memcmp(c, pat, k) == 0)
            return c;
        s = c + 1;
    }
    return NULL;
}

/* parser.c */
void dump_problem(dump_parser *p, const char *what);
void dump_skip_line(dump_parser *p, const char *what);
void dump_fail(dump_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dump_set_preamble(dump_parser *p, const char *s, size_t n);

/* stanza.c */
void dump_stanza_reset(dump_stanza *st);
void dump_stanza_free(dump_stanza *st);
size_t dump_stanza_copy(dump_stanza *st, const char *s, size_t n); /* returns offset */
dump_raw_frame *dump_stanza_add_frame(dump_stanza *st);
dump_raw_label *dump_stanza_add_label(dump_stanza *st);
dump_raw_ancestor *dump_stanza_add_ancestor(dump_stanza *st);
/* Hands the stanza to the sink (and counts it); closes it. */
void dump_stanza_emit(dump_parser *p);

/* text.c and debug1.c: one line, without its line end */
void dump_text_line(dump_parser *p, const char *s, size_t n);
void dump_text_finish(dump_parser *p);
void dump_debug1_line(dump_parser *p, const char *s, size_t n);
void dump_debug1_finish(dump_parser *p);
/* Both readers: "FILE:LINE[ +0xOFF][ fp=... sp=... pc=...]" (no leading tab). */
bool dump_parse_file_line(const char *s, size_t n, size_t *file_len, uint32_t *line,
                          uint64_t *pc_offset);
/* `{"k": "v", ...}` copied into the stanza at base: adds its labels. */
bool dump_parse_labels(dump_stanza *st, size_t base, const char *s, size_t n);
bool dump_parse_uint(const char *s, size_t n, uint64_t *out);
bool dump_parse_hex(const char *s, size_t n, uint64_t *out);

/* pprof.c */
dump_pprof *dump_pprof_new(void);
void dump_pprof_free(dump_pprof *pb);
int dump_pprof_feed(dump_parser *p, const unsigned char *data, size_t len);
int dump_pprof_finish(dump_parser *p);

#endif
