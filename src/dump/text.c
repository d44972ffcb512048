/*
 * Reader for goroutine tracebacks as the runtime prints them: the
 * /debug/pprof/goroutine?debug=2 page, runtime.Stack(buf, true), and the
 * output of panics and fatal errors under every GOTRACEBACK level.
 *
 * A stanza is a header line `goroutine N [state, W minutes, ...]:` followed
 * by pairs of lines `FUNC(ARGS)` / `\tFILE:LINE +0xOFF`, an optional
 * `created by F in goroutine M` pair, and ends at a blank line.  Anything
 * that fits nowhere is counted and skipped: the reader must get through a
 * dump that a log shipper prefixed, wrapped or interleaved with other output.
 * A log prefix is learned from the first header that does not start its
 * line, and stripped from the lines that share its shape (digits may vary).
 */
#define _GNU_SOURCE /* memmem, memrchr */
#include <string.h>

#include "dump_internal.h"

#define HAS_PREFIX(s, n, lit) ((n) >= sizeof(lit) - 1 && memcmp((s), (lit), sizeof(lit) - 1) == 0)

bool dump_parse_uint(const char *s, size_t n, uint64_t *out) {
    if (n == 0 || n > 19)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

bool dump_parse_hex(const char *s, size_t n, uint64_t *out) {
    if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || n > 18)
        return false;
    uint64_t v = 0;
    for (size_t i = 2; i < n; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

/* "FILE:LINE", then optionally " +0xOFF" and " fp=.. sp=.. pc=.."
 * (GOTRACEBACK=system).  The file may contain spaces and colons
 * (C:/src/x.go) but nothing after the line number does, so the last colon
 * is the one before it: found scanning back from the end, which is short. */
bool dump_parse_file_line(const char *s, size_t n, size_t *file_len, uint32_t *line,
                          uint64_t *pc_offset) {
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    const char *colon = memrchr(s, ':', n), *end = s + n;
    if (!colon || colon == s)
        return false;
    const char *p = colon + 1;
    uint64_t v = 0;
    while (p < end && *p >= '0' && *p <= '9' && v <= UINT32_MAX)
        v = v * 10 + (uint64_t)(*p++ - '0');
    if (p == colon + 1 || v > UINT32_MAX || (p < end && *p != ' '))
        return false;
    *file_len = (size_t)(colon - s);
    *line = (uint32_t)v;
    *pc_offset = 0;
    if (end - p >= 4 && memcmp(p, " +0x", 4) == 0) {
        const char *h = p + 2, *e = h;
        while (e < end && *e != ' ')
            e++;
        if (!dump_parse_hex(h, (size_t)(e - h), pc_offset))
            return false;
    }
    return true;
}

/* ---- log prefix --------------------------------------------------------- */

/* The shape of a prefix is its text with every run of digits replaced by
 * one '0', which matches a run of any length: timestamps and PIDs change
 * from line to line, and so may their width (RFC 3339 nanoseconds as
 * kubectl and containerd print them drop trailing zeros). */
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static void learn_prefix(dump_parser *p, const char *s, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k == sizeof p->prefix_shape) {
            p->prefix_len = 0;
            return;
        }
        if (!is_digit(s[i]))
            p->prefix_shape[k++] = s[i];
        else if (i == 0 || !is_digit(s[i - 1]))
            p->prefix_shape[k++] = '0';
    }
    p->prefix_len = k;
}

/* How many bytes at the start of s are the learned prefix (0: none).  A
 * line that is only the prefix, perhaps without its trailing blank, is all
 * prefix. */
static size_t prefix_match(const dump_parser *p, const char *s, size_t n) {
    const char *shape = p->prefix_shape;
    size_t k = p->prefix_len, i = 0;
    for (size_t j = 0; j < k; j++) {
        if (i == n)
            return j + 1 == k && (shape[j] == ' ' || shape[j] == '\t') ? n : 0;
        if (shape[j] == '0') {
            if (!is_digit(s[i]))
                return 0;
            while (i < n && is_digit(s[i]))
                i++;
        } else if (s[i++] != shape[j]) {
            return 0;
        }
    }
    return i;
}

static void strip_prefix(const dump_parser *p, const char **s, size_t *n) {
    if (!p->prefix_len || !*n)
        return;
    size_t k = prefix_match(p, *s, *n);
    *s += k;
    *n -= k;
}

/* ---- labels -------------------------------------------------------------- */

/* A Go-quoted string at s[*i]: sets its contents (escapes kept) and moves
 * past the closing quote. */
static bool quoted(const char *s, size_t n, size_t *i, size_t *start, size_t *len) {
    if (*i >= n || s[*i] != '"')
        return false;
    size_t j = *i + 1;
    while (j < n && s[j] != '"')
        j += s[j] == '\\' ? 2 : 1;
    if (j >= n)
        return false;
    *start = *i + 1;
    *len = j - *i - 1;
    *i = j + 1;
    return true;
}

static void skip_blanks(const char *s, size_t n, size_t *i) {
    while (*i < n && (s[*i] == ' ' || s[*i] == '\t'))
        (*i)++;
}

/* `{"k": "v", "k2": "v2"}` (header) or `{"k":"v", "k2":"v2"}` (debug=1),
 * already copied into the stanza at base.  Returns false when malformed. */
bool dump_parse_labels(dump_stanza *st, size_t base, const char *s, size_t n) {
    size_t i = 0;
    skip_blanks(s, n, &i);
    if (i >= n || s[i++] != '{')
        return false;
    skip_blanks(s, n, &i);
    while (i < n && s[i] != '}') {
        size_t ks, kl, vs, vl;
        if (!quoted(s, n, &i, &ks, &kl))
            return false;
        skip_blanks(s, n, &i);
        if (i >= n || s[i++] != ':')
            return false;
        skip_blanks(s, n, &i);
        if (!quoted(s, n, &i, &vs, &vl))
            return false;
        dump_raw_label *l = dump_stanza_add_label(st);
        if (l) {
            *l = (dump_raw_label){base + ks, base + vs, (uint32_t)kl, (uint32_t)vl};
        }
        skip_blanks(s, n, &i);
        if (i < n && s[i] == ',')
            i++;
        skip_blanks(s, n, &i);
    }
    return i < n;
}

/* ---- header ------------------------------------------------------------- */

/* The bracket's inside after the state: ", 47 minutes", ", locked to
 * thread", ", synctest bubble 3" and " labels:{...}" (GODEBUG=tracebacklabels=1). */
static void header_extras(dump_stanza *st, size_t base, const char *s, size_t n) {
    const char *lab = dump_find(s, n, " labels:{", 9);
    size_t end = lab ? (size_t)(lab - s) : n;
    if (lab)
        dump_parse_labels(st, base + (size_t)(lab - s) + 8, lab + 8, n - end - 8);
    const char *comma = dump_find(s, end, ", ", 2);
    size_t state_end = comma ? (size_t)(comma - s) : end;
    st->state_off = base;
    st->state_len = (uint32_t)state_end;
    /* Go 1.26 marks what its leak detector found: "[chan send (leaked)]" */
    st->leaked = state_end >= 9 && memcmp(s + state_end - 9, " (leaked)", 9) == 0;
    size_t i = state_end;
    while (i < end) {
        i += 2; /* ", " */
        const char *next = dump_find(s + i, end - i, ", ", 2);
        size_t e = next ? (size_t)(next - s) : end;
        const char *part = s + i;
        size_t len = e - i;
        const char *sp = memchr(part, ' ', len);
        uint64_t v;
        if (sp && sp - part > 0 && (size_t)(part + len - sp) == 8 && memcmp(sp, " minutes", 8) == 0 &&
            dump_parse_uint(part, (size_t)(sp - part), &v) && v <= INT64_MAX)
            st->wait_minutes = (int64_t)v;
        else if (len == 16 && memcmp(part, "locked to thread", 16) == 0)
            st->locked = true;
        i = e;
    }
}

/* "goroutine N [gp=.. m=.. mp=..] [...]:" at the start of s: sets the ID
 * and where the bracket starts. */
static bool header_shape(const char *s, size_t n, uint64_t *id, size_t *bracket) {
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (!HAS_PREFIX(s, n, "goroutine ") || n < 14 || s[n - 1] != ':' || s[n - 2] != ']')
        return false;
    size_t i = 10, d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (!dump_parse_uint(s + d, i - d, id))
        return false;
    /* gp=0x... m=0 mp=0x... (GOTRACEBACK=system/crash, or a throwing M) */
    while (i < n && s[i] == ' ') {
        i++;
        if (i < n && s[i] == '[')
            break;
        const char *sp = memchr(s + i, ' ', n - i);
        if (!sp || !memchr(s + i, '=', (size_t)(sp - s - i)))
            return false;
        i = (size_t)(sp - s);
    }
    if (i >= n || s[i] != '[')
        return false;
    *bracket = i;
    return true;
}

/* Ends the stanza before and opens the one of the header s (header_shape). */
static void open_stanza(dump_parser *p, const char *s, size_t n, uint64_t id, size_t bracket) {
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (p->st.open) {
        if (p->st.file_target != DUMP_FILE_NONE && p->st.file_target != DUMP_FILE_DISCARD)
            p->st.truncated = true; /* a frame lost its file:line line */
        dump_stanza_emit(p);
    }
    if (p->stopped)
        return;
    dump_stanza *st = &p->st;
    dump_stanza_reset(st);
    st->open = true;
    st->id = id;
    st->input_line = p->stats.lines;
    size_t inner = bracket + 1, inner_len = n - 2 - inner;
    size_t base = dump_stanza_copy(st, s + inner, inner_len);
    header_extras(st, base, st->bytes.data + base, inner_len);
    p->in_skip_block = p->in_panic_message = false;
}

static bool parse_header(dump_parser *p, const char *s, size_t n) {
    uint64_t id;
    size_t bracket;
    if (!header_shape(s, n, &id, &bracket))
        return false;
    open_stanza(p, s, n, id, bracket);
    return true;
}

/* ---- lines held until a log prefix may explain them ----------------------- */

/* Before the first header shows a log prefix, the lines of a prefixed
 * preamble ("2026-11-23T10:00:00Z app: panic: boom", its prefixed blank
 * line) look like any other text.  The last few such lines are held, cut
 * to DUMP_PENDING_BYTES, instead of being counted at once; a header that
 * teaches a prefix has them read again, anything else counts them as
 * skipped, each at its own line number. */
static void hold_line(dump_parser *p, const char *s, size_t n) {
    if (p->npending == DUMP_PENDING_LINES) { /* the oldest falls out */
        uint64_t now = p->stats.lines;
        p->stats.lines = p->pending[p->pending_head].line;
        dump_skip_line(p, "not part of a goroutine dump");
        p->stats.lines = now;
        p->pending_head = (p->pending_head + 1) % DUMP_PENDING_LINES;
        p->npending--;
    }
    dump_pending_line *h = &p->pending[(p->pending_head + p->npending++) % DUMP_PENDING_LINES];
    h->line = p->stats.lines;
    h->cut = n > sizeof h->text;
    h->len = (uint16_t)(h->cut ? sizeof h->text : n);
    memcpy(h->text, s, h->len);
}

/* Counts the held lines as skipped (no prefix explained them). */
static void settle_pending(dump_parser *p) {
    uint64_t now = p->stats.lines;
    for (; p->npending; p->npending--) {
        p->stats.lines = p->pending[p->pending_head].line;
        dump_skip_line(p, "not part of a goroutine dump");
        p->pending_head = (p->pending_head + 1) % DUMP_PENDING_LINES;
    }
    p->pending_head = 0;
    p->stats.lines = now;
}

static void outside_line(dump_parser *p, const char *s, size_t n);

/* Reads the held lines again with the prefix just learned. */
static void replay_pending(dump_parser *p) {
    uint64_t now = p->stats.lines;
    size_t count = p->npending, head = p->pending_head;
    p->npending = p->pending_head = 0; /* a prefix is known: nothing is held again */
    for (size_t i = 0; i < count; i++) {
        const dump_pending_line *h = &p->pending[(head + i) % DUMP_PENDING_LINES];
        const char *s = h->text;
        size_t n = h->len;
        p->stats.lines = h->line;
        strip_prefix(p, &s, &n);
        if (h->cut)
            dump_skip_line(p, "not part of a goroutine dump");
        else if (n == 0)
            p->in_skip_block = p->in_panic_message = false;
        else
            outside_line(p, s, n);
    }
    p->stats.lines = now;
}

/* A header after something else on the line: a log prefix, learned. */
static bool header_after_prefix(dump_parser *p, const char *s, size_t n) {
    size_t t = n;
    while (t && (s[t - 1] == ' ' || s[t - 1] == '\t'))
        t--;
    if (t < 2 || s[t - 1] != ':' || s[t - 2] != ']')
        return false;
    const char *g = dump_find(s, n, "goroutine ", 10);
    if (!g || g == s)
        return false;
    uint64_t id;
    size_t bracket, gn = (size_t)(s + n - g);
    if (!header_shape(g, gn, &id, &bracket))
        return false;
    learn_prefix(p, s, (size_t)(g - s));
    if (p->npending && p->prefix_len)
        replay_pending(p);
    open_stanza(p, g, gn, id, bracket);
    return true;
}

/* ---- the lines of a stanza ----------------------------------------------- */

/* FUNC(ARGS): the argument list is the last parenthesis (arguments are
 * hex words, braces, "..." and "?", never parentheses); names have no blanks. */
static bool parse_func_line(const char *s, size_t n, size_t *name_len) {
    if (n < 3 || s[n - 1] != ')')
        return false;
    const char *lp = memrchr(s, '(', n);
    if (!lp || lp == s)
        return false;
    size_t k = (size_t)(lp - s);
    if (memchr(s, ' ', k) || memchr(s, '\t', k))
        return false;
    *name_len = k;
    return true;
}

static dump_raw_frame *file_target(dump_stanza *st) {
    switch (st->file_target) {
    case DUMP_FILE_FRAME: return st->nframes ? &st->frames[st->nframes - 1] : NULL;
    case DUMP_FILE_CREATED_BY: return &st->created_by;
    case DUMP_FILE_ANCESTOR_CREATED_BY:
        return st->nancestors ? &st->ancestors[st->nancestors - 1].created_by : NULL;
    case DUMP_FILE_NONE:
    case DUMP_FILE_DISCARD: break;
    }
    return NULL;
}

static void file_line(dump_parser *p, const char *s, size_t n) {
    dump_stanza *st = &p->st;
    if (st->file_target == DUMP_FILE_DISCARD) {
        st->file_target = DUMP_FILE_NONE;
        return;
    }
    dump_raw_frame *f = file_target(st);
    if (!f) {
        if (!HAS_PREFIX(s, n, "goroutine running on other thread"))
            dump_skip_line(p, "file:line line without a function line before it");
        return;
    }
    size_t flen;
    uint32_t line;
    uint64_t off;
    if (!dump_parse_file_line(s, n, &flen, &line, &off)) {
        dump_skip_line(p, "malformed file:line line");
        return;
    }
    f->file_off = dump_stanza_copy(st, s, flen);
    f->file_len = (uint32_t)flen;
    f->line = line;
    f->pc_offset = off;
    f->has_file = true;
    st->file_target = DUMP_FILE_NONE;
}

static void set_func(dump_stanza *st, dump_raw_frame *f, const char *s, size_t name_len,
                     size_t n) {
    size_t off = dump_stanza_copy(st, s, n);
    f->func_off = off;
    f->func_len = (uint32_t)name_len;
    f->args_off = off + name_len;
    f->args_len = (uint32_t)(n - name_len);
    /* tracebacks print runtime.gopanic as "panic"; the profiles do not */
    if (name_len == 5 && memcmp(s, "panic", 5) == 0)
        f->func_static = "runtime.gopanic";
}

static void created_by_line(dump_parser *p, const char *s, size_t n) {
    dump_stanza *st = &p->st;
    s += 11, n -= 11; /* "created by " */
    const char *in = dump_find(s, n, " in goroutine ", 14);
    size_t name_len = in ? (size_t)(in - s) : n;
    uint64_t creator = 0;
    if (in && !dump_parse_uint(in + 14, (size_t)(s + n - in - 14), &creator)) {
        dump_skip_line(p, "malformed 'created by' line");
        return;
    }
    bool ancestor = st->nancestors > 0;
    dump_raw_frame *f = ancestor ? &st->ancestors[st->nancestors - 1].created_by : &st->created_by;
    memset(f, 0, sizeof *f);
    f->func_off = dump_stanza_copy(st, s, name_len);
    f->func_len = (uint32_t)name_len;
    if (ancestor) {
        st->ancestors[st->nancestors - 1].has_created_by = true;
        st->file_target = DUMP_FILE_ANCESTOR_CREATED_BY;
    } else {
        st->has_created_by = true;
        st->creator_id = creator;
        st->file_target = DUMP_FILE_CREATED_BY;
    }
}

static void ancestor_line(dump_parser *p, const char *s, size_t n) {
    /* "[originating from goroutine N]:" */
    uint64_t id;
    if (n < 31 || memcmp(s + n - 2, "]:", 2) != 0 || !dump_parse_uint(s + 28, n - 30, &id)) {
        dump_skip_line(p, "malformed '[originating from goroutine N]:' line");
        return;
    }
    dump_raw_ancestor *a = dump_stanza_add_ancestor(&p->st);
    if (a)
        a->id = id;
    p->st.file_target = DUMP_FILE_NONE;
}

static void frame_line(dump_parser *p, const char *s, size_t n, size_t name_len) {
    dump_stanza *st = &p->st;
    if (st->file_target != DUMP_FILE_NONE && st->file_target != DUMP_FILE_DISCARD)
        dump_problem(p, "function line without its file:line line");
    dump_raw_frame *f = dump_stanza_add_frame(st);
    if (!f) {
        st->elided = true;
        st->file_target = DUMP_FILE_DISCARD;
        return;
    }
    set_func(st, f, s, name_len, n);
    if (st->nancestors)
        st->ancestors[st->nancestors - 1].nframes++;
    st->file_target = DUMP_FILE_FRAME;
}

static void elided_line(dump_stanza *st) {
    if (st->nancestors)
        st->ancestors[st->nancestors - 1].frames_elided = true;
    else
        st->elided = true;
    st->file_target = DUMP_FILE_NONE;
}

static void end_stanza(dump_parser *p) {
    if (p->st.file_target != DUMP_FILE_NONE && p->st.file_target != DUMP_FILE_DISCARD)
        p->st.truncated = true;
    dump_stanza_emit(p);
}

static bool preamble_line(dump_parser *p, const char *s, size_t n);

static size_t blanks(const char *s, size_t n) {
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    return i;
}

static void stanza_line(dump_parser *p, const char *s, size_t n) {
    size_t name_len;
    if (s[0] == '\t')
        file_line(p, s + 1, n - 1);
    else if (s[0] == ' ') /* a log shipper that turned the tab into blanks */
        file_line(p, s + blanks(s, n), n - blanks(s, n));
    else if (HAS_PREFIX(s, n, "created by "))
        created_by_line(p, s, n);
    else if (HAS_PREFIX(s, n, "...") && n > 16 && memcmp(s + n - 10, " elided...", 10) == 0)
        elided_line(&p->st);
    else if (HAS_PREFIX(s, n, "[originating from goroutine "))
        ancestor_line(p, s, n);
    else if (parse_func_line(s, n, &name_len))
        frame_line(p, s, n, name_len);
    else if (header_after_prefix(p, s, n))
        return;
    else if (preamble_line(p, s, n)) /* "exit status 2" of go run, a new panic... */
        end_stanza(p);
    else
        dump_skip_line(p, "unexpected line inside a goroutine stanza");
}

/* ---- outside stanzas: preambles of panics and crashes --------------------- */

static bool is_register_line(const char *s, size_t n) {
    /* "rax    0x0", "r10    0x7ffd...", "eflags 0x246" (GOTRACEBACK=crash) */
    size_t i = 0;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
        i++;
    if (i == 0 || i > 8 || i >= n || s[i] != ' ')
        return false;
    while (i < n && s[i] == ' ')
        i++;
    return n - i >= 3 && s[i] == '0' && s[i + 1] == 'x';
}

static bool preamble_line(dump_parser *p, const char *s, size_t n) {
    static const char *const first[] = {"panic: ", "fatal error: ", "[signal ", "SIGQUIT: ",
                                        "SIGABRT: ", "SIGSEGV: ", "SIGBUS: ", "SIGILL: ",
                                        "SIGFPE: ", "SIGTRAP: ", "SIGTERM: "};
    for (size_t i = 0; i < sizeof first / sizeof first[0]; i++) {
        size_t k = strlen(first[i]);
        if (n >= k && memcmp(s, first[i], k) == 0) {
            dump_set_preamble(p, s, n);
            /* a panic value may span lines (fmt of an error, the "running
             * tests:" list of a test timeout): up to the blank line */
            p->in_panic_message = i == 0;
            return true;
        }
    }
    static const char *const other[] = {"\tpanic: ", "runtime: ", "PC=", "signal arrived during ",
                                        "exit status ", "signal: ", "[recovered", "-----", "fatal: ",
                                        "goroutine running on other thread"};
    /* what a shell prints when the program aborts (GOTRACEBACK=crash) */
    if ((n == 7 || n == 21) && memcmp(s, "Aborted (core dumped)", n) == 0)
        return true;
    /* go test around a test binary that panicked or timed out: "--- FAIL:
     * TestX (0.00s)" (indented for subtests), "FAIL\tpkg\t1.2s", "FAIL",
     * "*** Test killed with quit: ran too long (10m0s)." */
    size_t b = 0;
    while (b < n && s[b] == ' ')
        b++;
    if (HAS_PREFIX(s + b, n - b, "--- FAIL: ") || (n == 4 && memcmp(s, "FAIL", 4) == 0) ||
        HAS_PREFIX(s, n, "FAIL\t") || HAS_PREFIX(s, n, "*** Test killed"))
        return true;
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        size_t k = strlen(other[i]);
        if (n >= k && memcmp(s, other[i], k) == 0)
            return true;
    }
    return is_register_line(s, n);
}

static void outside_line(dump_parser *p, const char *s, size_t n) {
    size_t name_len;
    if (p->in_panic_message) { /* the rest of the value of "panic: " */
        if (!header_after_prefix(p, s, n))
            settle_pending(p);
        return;
    }
    if (s[0] == '\t' && !p->in_skip_block) {
        settle_pending(p);
        if (!preamble_line(p, s, n)) /* "\tpanic: " of a nested panic is known */
            dump_skip_line(p, "file:line line outside a goroutine stanza");
        return;
    }
    if (p->in_skip_block && (s[0] == '\t' || parse_func_line(s, n, &name_len) ||
                             HAS_PREFIX(s, n, "created by ") || HAS_PREFIX(s, n, "..."))) {
        settle_pending(p);
        return;
    }
    if (HAS_PREFIX(s, n, "runtime stack:")) {
        settle_pending(p);
        p->in_skip_block = true; /* the M's g0 stack: frames, but no goroutine */
        return;
    }
    if (header_after_prefix(p, s, n))
        return;
    if (preamble_line(p, s, n)) {
        settle_pending(p);
        return;
    }
    if (p->prefix_len)
        dump_skip_line(p, "not part of a goroutine dump");
    else
        hold_line(p, s, n);
}

void dump_text_line(dump_parser *p, const char *s, size_t n) {
    strip_prefix(p, &s, &n);
    if (n == 0) {
        settle_pending(p);
        if (p->st.open)
            end_stanza(p);
        p->in_skip_block = p->in_panic_message = false;
        return;
    }
    if (s[0] == 'g' && parse_header(p, s, n)) {
        settle_pending(p);
        return;
    }
    if (p->st.open)
        stanza_line(p, s, n);
    else
        outside_line(p, s, n);
}

void dump_text_finish(dump_parser *p) {
    settle_pending(p);
    if (p->st.open && !p->stopped)
        end_stanza(p);
}
