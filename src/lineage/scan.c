/*
 * The lineage event scanner: one line of docs/lineage-events.md into a
 * lineage_event.  The objects are flat and their first member is "ev", so
 * this is a small hand-written JSON scanner rather than a tree-building
 * parser: members the reader knows are stored as views into the line, the
 * others (and nested values such as "stack") are checked and skipped.
 *
 * Nothing is allocated per line: strings without escapes are views into
 * the input; strings with escapes are decoded into one scratch buffer that
 * is reserved for the whole line first, so earlier views never move.
 */
#include <string.h>

#include "leakscope/lineage.h"

typedef struct scanner {
    const char *p, *end;
    ls_buf *scratch;
    const char *why;
} scanner;

static inline void skip_ws(scanner *s) {
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
        s->p++;
}

static bool fail(scanner *s, const char *why) {
    if (!s->why)
        s->why = why;
    return false;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool read_hex4(scanner *s, const char *q, unsigned *out) {
    if (s->end - q < 4)
        return fail(s, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(q[i]);
        if (d < 0)
            return fail(s, "bad \\u escape");
        v = v << 4 | (unsigned)d;
    }
    *out = v;
    return true;
}

static void put_utf8(ls_buf *b, unsigned cp) {
    char *o = b->data + b->len;
    if (cp < 0x80) {
        o[0] = (char)cp;
        b->len += 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        b->len += 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        b->len += 3;
    } else {
        o[0] = (char)(0xF0 | cp >> 18);
        o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        b->len += 4;
    }
}

/* Decodes the escapes of the string body [from, to) into the scratch.  The
 * decoded form is never longer than the escaped one (\uXXXX: 6 bytes for at
 * most 3; a surrogate pair: 12 for 4), so the reserve made per line holds. */
static bool decode_escapes(scanner *s, const char *from, const char *to, ls_str *out) {
    ls_buf *b = s->scratch;
    size_t start = b->len;
    for (const char *q = from; q < to;) {
        if (*q != '\\') {
            b->data[b->len++] = *q++;
            continue;
        }
        q++; /* to < end and the body ends before its closing quote: q < to */
        char c = *q++;
        switch (c) {
        case '"': case '\\': case '/': b->data[b->len++] = c; break;
        case 'b': b->data[b->len++] = '\b'; break;
        case 'f': b->data[b->len++] = '\f'; break;
        case 'n': b->data[b->len++] = '\n'; break;
        case 'r': b->data[b->len++] = '\r'; break;
        case 't': b->data[b->len++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (!read_hex4(s, q, &cp))
                return false;
            q += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && to - q >= 6 && q[0] == '\\' && q[1] == 'u') {
                unsigned lo;
                if (read_hex4(s, q + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    q += 6;
                }
            }
            if (cp >= 0xD800 && cp < 0xE000)
                cp = 0xFFFD; /* a lone surrogate: not representable in UTF-8 */
            put_utf8(b, cp);
            break;
        }
        default:
            return fail(s, "unknown escape in a string");
        }
    }
    *out = ls_str_make(b->data + start, b->len - start);
    return true;
}

/* Bytes that end the fast part of a string: '"', '\\' and control bytes. */
static const unsigned char string_stop[256] = {
    [0 ... 0x1F] = 1,
    ['"'] = 1,
    ['\\'] = 1,
};

/* At the opening quote: the string's value in *out (decoded when needed). */
static bool scan_string(scanner *s, ls_str *out) {
    const char *q = s->p + 1;
    bool escaped = false;
    for (;;) {
        const char *stop = q;
        while (s->end - stop >= 4 && !string_stop[(unsigned char)stop[0]] && !string_stop[(unsigned char)stop[1]] &&
               !string_stop[(unsigned char)stop[2]] && !string_stop[(unsigned char)stop[3]])
            stop += 4;
        while (stop < s->end && !string_stop[(unsigned char)*stop])
            stop++;
        if (stop == s->end)
            return fail(s, "unterminated string");
        if ((unsigned char)*stop < 0x20)
            return fail(s, "control character in a string");
        if (*stop == '"') {
            q = stop;
            break;
        }
        escaped = true;
        if (stop + 1 >= s->end)
            return fail(s, "unterminated string");
        q = stop + 2;
    }
    const char *body = s->p + 1;
    s->p = q + 1;
    if (!escaped) {
        if (out)
            *out = ls_str_make(body, (size_t)(q - body));
        return true;
    }
    ls_str ignored;
    return decode_escapes(s, body, q, out ? out : &ignored);
}

/* A JSON number; *is_int and *v when it is an integer that fits int64. */
static bool scan_number(scanner *s, bool *is_int, int64_t *v) {
    const char *q = s->p;
    bool neg = false;
    if (q < s->end && *q == '-') {
        neg = true;
        q++;
    }
    if (q >= s->end || *q < '0' || *q > '9')
        return fail(s, "bad number");
    uint64_t mag = 0;
    bool fits = true;
    if (*q == '0') {
        q++;
    } else {
        while (q < s->end && *q >= '0' && *q <= '9') {
            unsigned d = (unsigned)(*q - '0');
            if (mag > (UINT64_MAX - d) / 10)
                fits = false;
            else
                mag = mag * 10 + d;
            q++;
        }
    }
    bool integral = true;
    if (q < s->end && *q == '.') {
        integral = false;
        q++;
        if (q >= s->end || *q < '0' || *q > '9')
            return fail(s, "bad number");
        while (q < s->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < s->end && (*q == 'e' || *q == 'E')) {
        integral = false;
        q++;
        if (q < s->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= s->end || *q < '0' || *q > '9')
            return fail(s, "bad number");
        while (q < s->end && *q >= '0' && *q <= '9')
            q++;
    }
    s->p = q;
    fits = fits && mag <= (uint64_t)INT64_MAX;
    *is_int = integral && fits;
    *v = neg ? -(int64_t)mag : (int64_t)mag;
    return true;
}

static bool scan_literal(scanner *s, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return fail(s, "bad literal");
    s->p += n;
    return true;
}

/* Skips any value, nested arrays and objects included (depth-limited so
 * that hostile input cannot make this slow or deep: it is iterative). */
static bool skip_value(scanner *s) {
    skip_ws(s);
    if (s->p >= s->end)
        return fail(s, "missing value");
    char c = *s->p;
    if (c == '"')
        return scan_string(s, NULL);
    if (c == '-' || (c >= '0' && c <= '9')) {
        bool is_int;
        int64_t v;
        return scan_number(s, &is_int, &v);
    }
    if (c == 't')
        return scan_literal(s, "true");
    if (c == 'f')
        return scan_literal(s, "false");
    if (c == 'n')
        return scan_literal(s, "null");
    if (c != '[' && c != '{')
        return fail(s, "bad value");
    /* Containers: track the bracket nesting with a small stack of kinds. */
    char open[64];
    size_t depth = 0;
    open[depth++] = c;
    s->p++;
    bool want_value = true, want_key = c == '{';
    for (;;) {
        skip_ws(s);
        if (s->p >= s->end)
            return fail(s, "truncated array or object");
        char k = *s->p;
        char top = open[depth - 1];
        if ((k == ']' && top == '[') || (k == '}' && top == '{')) {
            s->p++;
            if (--depth == 0)
                return true;
            want_value = false;
            continue;
        }
        if (!want_value) {
            if (k != ',')
                return fail(s, "expected ',' in array or object");
            s->p++;
            want_value = true;
            want_key = top == '{';
            continue;
        }
        if (want_key) {
            if (k != '"' || !scan_string(s, NULL))
                return fail(s, "expected a member name");
            skip_ws(s);
            if (s->p >= s->end || *s->p != ':')
                return fail(s, "expected ':'");
            s->p++;
            want_key = false;
            continue;
        }
        if (k == '[' || k == '{') {
            if (depth == sizeof open)
                return fail(s, "nesting too deep");
            open[depth++] = k;
            s->p++;
            want_key = k == '{';
            continue;
        }
        if (!skip_value(s)) /* a scalar: no recursion beyond one level */
            return false;
        want_value = false;
    }
}

/* Known members.  Sorted by nothing; a dozen memcmp's per member is cheap
 * next to the scan itself, and the first byte is checked first. */
typedef enum member { M_UNKNOWN, M_STR, M_INT, M_STACK } member_type;

typedef struct member_def {
    const char *name;
    unsigned char len;
    member_type type;
    size_t offset;
    uint32_t has;
} member_def;

#define STR_MEMBER(n) {#n, sizeof #n - 1, M_STR, offsetof(lineage_event, n), 0}
#define INT_MEMBER(n, h) {#n, sizeof #n - 1, M_INT, offsetof(lineage_event, n), h}

static const member_def members[] = {
    INT_MEMBER(t, LINEAGE_HAS_T),
    STR_MEMBER(id),
    STR_MEMBER(parent),
    STR_MEMBER(kind),
    INT_MEMBER(g, LINEAGE_HAS_G),
    INT_MEMBER(cg, LINEAGE_HAS_CG),
    STR_MEMBER(func),
    STR_MEMBER(file),
    INT_MEMBER(line, LINEAGE_HAS_LINE),
    STR_MEMBER(how),
    INT_MEMBER(deadline, LINEAGE_HAS_DEADLINE),
    INT_MEMBER(parent_deadline, LINEAGE_HAS_PARENT_DEADLINE),
    INT_MEMBER(timeout_us, LINEAGE_HAS_TIMEOUT),
    INT_MEMBER(value_depth, LINEAGE_HAS_VALUE_DEPTH),
    STR_MEMBER(key),
    STR_MEMBER(held),
    STR_MEMBER(remote_parent),
    INT_MEMBER(n, LINEAGE_HAS_N),
    INT_MEMBER(v, LINEAGE_HAS_V),
    INT_MEMBER(pid, LINEAGE_HAS_PID),
    STR_MEMBER(process),
    STR_MEMBER(host),
    {"stack", 5, M_STACK, offsetof(lineage_event, stack), 0},
};

/* By length, then bytes: most lines hold a dozen members, so this runs
 * a dozen times per line. */
static const member_def *find_member(ls_str name) {
    static const member_def *by_len[16][8];
    static bool ready;
    if (!ready) { /* idempotent; races only store the same values */
        for (size_t i = 0; i < sizeof members / sizeof *members; i++) {
            const member_def **row = by_len[members[i].len];
            size_t k = 0;
            while (row[k])
                k++;
            row[k] = &members[i];
        }
        ready = true;
    }
    if (name.len >= 16)
        return NULL;
    for (const member_def *const *m = by_len[name.len]; *m; m++) {
        size_t i = 0; /* names are short: a loop beats a call to memcmp */
        while (i < name.len && (*m)->name[i] == name.ptr[i])
            i++;
        if (i == name.len)
            return *m;
    }
    return NULL;
}

static bool scan_member_value(scanner *s, lineage_event *ev, const member_def *m, bool *bad_type) {
    skip_ws(s);
    if (s->p >= s->end)
        return fail(s, "missing value");
    if (!m)
        return skip_value(s);
    char c = *s->p;
    if (m->type == M_STR) {
        if (c != '"') {
            *bad_type = true;
            return skip_value(s);
        }
        return scan_string(s, (ls_str *)((char *)ev + m->offset));
    }
    if (m->type == M_STACK) {
        const char *from = s->p;
        if (!skip_value(s))
            return false;
        if (c == '[')
            ev->stack = ls_str_make(from, (size_t)(s->p - from));
        return true;
    }
    if (c != '-' && (c < '0' || c > '9')) {
        *bad_type = true;
        return skip_value(s);
    }
    bool is_int;
    int64_t v;
    if (!scan_number(s, &is_int, &v))
        return false;
    if (!is_int) {
        *bad_type = true;
        return true;
    }
    *(int64_t *)((char *)ev + m->offset) = v;
    ev->has |= m->has;
    return true;
}

/* s equals the string literal lit (no strlen per call). */
#define STR_IS(s, lit) ((s).len == sizeof(lit) - 1 && memcmp((s).ptr, lit, sizeof(lit) - 1) == 0)

static lineage_ev classify(ls_str name) {
    if (STR_IS(name, "derive"))
        return LINEAGE_EV_DERIVE;
    if (STR_IS(name, "end"))
        return LINEAGE_EV_END;
    if (STR_IS(name, "header"))
        return LINEAGE_EV_HEADER;
    if (STR_IS(name, "drops"))
        return LINEAGE_EV_DROPS;
    return LINEAGE_EV_UNKNOWN;
}

static inline bool expect_char(scanner *s, char c, const char *why) {
    skip_ws(s);
    if (s->p >= s->end || *s->p != c)
        return fail(s, why);
    s->p++;
    return true;
}

lineage_scan_status lineage_scan_line(const char *line, size_t len, lineage_event *ev, ls_buf *scratch,
                                      const char **why) {
    memset(ev, 0, sizeof *ev);
    scratch->len = 0;
    ls_buf_reserve(scratch, len + 1);
    scanner s = {line, line + len, scratch, NULL};
    skip_ws(&s);
    if (s.p == s.end)
        return LINEAGE_SCAN_BLANK;
    bool bad_type = false;
    ls_str name;
    if (!expect_char(&s, '{', "not a JSON object"))
        goto syntax;
    skip_ws(&s);
    if (s.p >= s.end || *s.p != '"' || !scan_string(&s, &name)) {
        fail(&s, "truncated object");
        goto syntax;
    }
    if (!STR_IS(name, "ev")) {
        *why = "the first member is not \"ev\"";
        return LINEAGE_SCAN_NOT_EV;
    }
    ls_str evname;
    if (!expect_char(&s, ':', "expected ':'"))
        goto syntax;
    skip_ws(&s);
    if (s.p >= s.end || *s.p != '"') {
        if (s.p < s.end) {
            *why = "\"ev\" is not a string";
            return LINEAGE_SCAN_BAD_TYPE;
        }
        fail(&s, "truncated object");
        goto syntax;
    }
    if (!scan_string(&s, &evname))
        goto syntax;
    ev->ev = classify(evname);
    for (;;) {
        skip_ws(&s);
        if (s.p >= s.end) {
            fail(&s, "truncated object (no closing '}')");
            goto syntax;
        }
        if (*s.p == '}') {
            s.p++;
            break;
        }
        if (!expect_char(&s, ',', "expected ',' or '}'"))
            goto syntax;
        skip_ws(&s);
        if (s.p >= s.end || *s.p != '"' || !scan_string(&s, &name)) {
            fail(&s, "expected a member name");
            goto syntax;
        }
        if (!expect_char(&s, ':', "expected ':'"))
            goto syntax;
        const member_def *m = ev->ev == LINEAGE_EV_UNKNOWN || name.len == 0 ? NULL : find_member(name);
        if (!scan_member_value(&s, ev, m, &bad_type))
            goto syntax;
    }
    skip_ws(&s);
    if (s.p != s.end) {
        fail(&s, "text after the object");
        goto syntax;
    }
    if (bad_type) {
        *why = "a member has the wrong type (a string where a number belongs, or the reverse)";
        return LINEAGE_SCAN_BAD_TYPE;
    }
    return LINEAGE_SCAN_OK;
syntax:
    *why = s.why ? s.why : "not a JSON object";
    return LINEAGE_SCAN_SYNTAX;
}
