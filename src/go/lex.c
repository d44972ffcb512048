/*
 * Go lexer.  Tokens are slices of the source buffer; nothing is copied and
 * nothing is allocated.  It follows the Go specification and reports the
 * same lexical errors that go/scanner reports (illegal characters, invalid
 * UTF-8 anywhere in the file, malformed numbers and escapes, unterminated
 * literals and comments, malformed //line directives), so that a file is
 * rejected exactly when the Go toolchain rejects it.
 *
 * Semicolons are inserted as the specification says.  After a multi-line
 * general comment that follows a token ending a statement, the inserted
 * semicolon comes after the comment, at the comment's first newline.
 * //line directives are checked for form but otherwise ignored: positions
 * stay physical.
 */
#include "lex.h"

#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "unicode_tables.h"

enum { C_OTHER, C_LETTER, C_DIGIT, C_SPACE, C_NEWLINE };

static unsigned char char_class[256];
static bool ident_char[256];           /* ASCII letters, digits and '_' */
static unsigned char space_kind[256]; /* 1: blank, 2: newline */
static unsigned char punct_tok[256];  /* one-byte tokens that never start a longer one */
static bool punct_semi[256];          /* ... and whether a newline after them ends a statement */
static bool string_stop[256];         /* bytes that end a run of plain string text */

__attribute__((constructor)) static void init_char_class(void) {
    for (int c = 'a'; c <= 'z'; c++)
        char_class[c] = C_LETTER;
    for (int c = 'A'; c <= 'Z'; c++)
        char_class[c] = C_LETTER;
    char_class['_'] = C_LETTER;
    for (int c = '0'; c <= '9'; c++)
        char_class[c] = C_DIGIT;
    char_class[' '] = C_SPACE;
    char_class['\t'] = C_SPACE;
    char_class['\r'] = C_SPACE;
    char_class['\n'] = C_NEWLINE;
    for (int c = 0; c < 256; c++)
        ident_char[c] = char_class[c] == C_LETTER || char_class[c] == C_DIGIT;
    space_kind[' '] = space_kind['\t'] = space_kind['\r'] = 1;
    space_kind['\n'] = 2;
    punct_tok['('] = GO_TOK_LPAREN;
    punct_tok[')'] = GO_TOK_RPAREN;
    punct_tok['['] = GO_TOK_LBRACK;
    punct_tok[']'] = GO_TOK_RBRACK;
    punct_tok['{'] = GO_TOK_LBRACE;
    punct_tok['}'] = GO_TOK_RBRACE;
    punct_tok[','] = GO_TOK_COMMA;
    punct_tok[';'] = GO_TOK_SEMICOLON;
    punct_tok['~'] = GO_TOK_TILDE;
    punct_semi[')'] = punct_semi[']'] = punct_semi['}'] = true;
    for (int c = 0; c < 256; c++)
        string_stop[c] = c == '"' || c == '\\' || c == '\n' || c == 0 || c >= 0x80;
}

/* ---- UTF-8 and Unicode classes ---------------------------------------- */

uint32_t go_decode_rune(const unsigned char *s, size_t n, uint32_t *width) {
    unsigned c = s[0];
    *width = 1;
    if (c < 0x80)
        return c;
    if (c < 0xC2 || c > 0xF4 || n < 2)
        return 0xFFFD;
    unsigned c1 = s[1];
    if (c < 0xE0) {
        if ((c1 & 0xC0) != 0x80)
            return 0xFFFD;
        *width = 2;
        return ((c & 0x1Fu) << 6) | (c1 & 0x3Fu);
    }
    unsigned lo = 0x80, hi = 0xBF;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F; /* no surrogates */
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (c1 < lo || c1 > hi || n < 3 || (s[2] & 0xC0) != 0x80)
        return 0xFFFD;
    if (c < 0xF0) {
        *width = 3;
        return ((c & 0x0Fu) << 12) | ((c1 & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    }
    if (n < 4 || (s[3] & 0xC0) != 0x80)
        return 0xFFFD;
    *width = 4;
    return ((c & 0x07u) << 18) | ((c1 & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
}

static bool in_ranges(uint32_t r, const go_rune_range *t, unsigned n) {
    unsigned lo = 0, hi = n;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (r < t[mid].lo)
            hi = mid;
        else if (r > t[mid].hi)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

bool go_is_letter_rune(uint32_t r) {
    if (r < 0x80)
        return char_class[r] == C_LETTER;
    return in_ranges(r, go_letter_ranges, go_letter_ranges_len);
}

bool go_is_digit_rune(uint32_t r) {
    if (r < 0x80)
        return char_class[r] == C_DIGIT;
    return in_ranges(r, go_digit_ranges, go_digit_ranges_len);
}

/* ---- helpers ------------------------------------------------------------ */

static void lex_error(go_lexer *lx, uint32_t off, const char *msg) {
    if (lx->error)
        lx->error(lx->error_ctx, off, msg);
}

static inline int peek(const go_lexer *lx, uint32_t ahead) {
    uint32_t i = lx->off + ahead;
    return i < lx->len ? (unsigned char)lx->src[i] : -1;
}

/*
 * Checks one non-ASCII or NUL byte sequence at off inside a comment or a
 * literal, reports what go/scanner reports, and returns its width.
 */
static uint32_t check_special(go_lexer *lx, uint32_t off) {
    const unsigned char *s = (const unsigned char *)lx->src + off;
    if (*s == 0) {
        lex_error(lx, off, "illegal character NUL");
        return 1;
    }
    uint32_t w;
    uint32_t r = go_decode_rune(s, lx->len - off, &w);
    if (r == 0xFFFD && w == 1)
        lex_error(lx, off, "illegal UTF-8 encoding");
    else if (r == 0xFEFF && off > 0)
        lex_error(lx, off, "illegal byte order mark");
    return w;
}

static inline void newline_at(go_lexer *lx, uint32_t nl_off) {
    lx->line++;
    lx->line_off = nl_off + 1;
}

/* ---- comments ----------------------------------------------------------- */

/* Parses the decimal after the last ':' of text; 0 when there is no ':'. */
static uint32_t trailing_digits(const char *text, uint32_t n, uint64_t *value, bool *ok) {
    uint32_t i = n;
    while (i > 0 && text[i - 1] != ':')
        i--;
    if (i == 0) {
        *ok = false;
        return 0;
    }
    uint64_t v = 0;
    bool good = i < n;
    for (uint32_t k = i; k < n && good; k++) {
        unsigned d = (unsigned char)text[k] - '0';
        if (d > 9 || v > (UINT64_MAX - d) / 10)
            good = false;
        else
            v = v * 10 + d;
    }
    *value = v;
    *ok = good;
    return i;
}

/* A //line or general-comment line directive: only its form is checked. */
static void check_line_directive(go_lexer *lx, uint32_t text_off, const char *text, uint32_t n) {
    const uint64_t max_line_col = 1u << 30;
    uint64_t line, col;
    bool ok;
    uint32_t i = trailing_digits(text, n, &line, &ok);
    if (i == 0)
        return;
    if (!ok) {
        lex_error(lx, text_off + i, "invalid line number");
        return;
    }
    bool ok2;
    uint32_t i2 = trailing_digits(text, i - 1, &col, &ok2);
    if (ok2) {
        uint64_t tmp = line; /* //line file:line:col */
        line = col;
        col = tmp;
        if (col == 0 || col > max_line_col) {
            lex_error(lx, text_off + i, "invalid column number");
            return;
        }
        i = i2;
    }
    if (line == 0 || line > max_line_col)
        lex_error(lx, text_off + i, "invalid line number");
}

/* Does [p, p+n) hold a byte that needs a closer look: non-ASCII, NUL or \r?
 * Eight bytes at a time: comments are a third of typical Go source. */
static bool has_special_bytes(const char *p, size_t n) {
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const uint64_t crs = 0x0d0d0d0d0d0d0d0dull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        uint64_t cr = w ^ crs;
        if ((w & highs) || ((w - ones) & ~w & highs) || ((cr - ones) & ~cr & highs))
            return true;
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x80 || c == 0 || c == '\r')
            return true;
    }
    return false;
}

/* Checks encodings in [from, to) and counts carriage returns. */
static uint32_t check_comment_bytes(go_lexer *lx, uint32_t from, uint32_t to) {
    uint32_t ncr = 0;
    for (uint32_t i = from; i < to;) {
        unsigned char c = (unsigned char)lx->src[i];
        if (c == '\r')
            ncr++;
        if (c >= 0x80 || c == 0)
            i += check_special(lx, i);
        else
            i++;
    }
    return ncr;
}

static void count_newlines(go_lexer *lx, uint32_t from, uint32_t to, uint32_t *first_nl) {
    const char *p = lx->src + from, *e = lx->src + to;
    while ((p = memchr(p, '\n', (size_t)(e - p)))) {
        uint32_t at = (uint32_t)(p - lx->src);
        if (!*first_nl)
            *first_nl = at;
        newline_at(lx, at);
        p++;
    }
}

static void scan_comment(go_lexer *lx, uint32_t start) {
    const char *src = lx->src;
    uint32_t start_line_off = lx->line_off;
    uint32_t i = start + 2;
    uint32_t ncr = 0, first_nl = 0;
    bool terminated = true;
    if (src[start + 1] == '/') {
        const char *nl = memchr(src + i, '\n', lx->len - i);
        uint32_t stop = nl ? (uint32_t)(nl - src) : lx->len;
        if (has_special_bytes(src + i, stop - i))
            ncr = check_comment_bytes(lx, i, stop);
        i = stop;
        lx->off = i; /* the newline is not part of the comment */
    } else {
        terminated = false;
        uint32_t stop = lx->len;
        for (const char *star = src + i; (star = memchr(star, '*', (size_t)(src + lx->len - star)));
             star++) {
            if (star + 1 < src + lx->len && star[1] == '/') {
                stop = (uint32_t)(star - src) + 2;
                terminated = true;
                break;
            }
        }
        if (has_special_bytes(src + i, stop - i))
            ncr = check_comment_bytes(lx, i, stop);
        count_newlines(lx, i, stop, &first_nl);
        i = stop;
        lx->off = i;
        if (!terminated)
            lex_error(lx, start, "comment not terminated");
    }
    uint32_t n = i - start;
    if (ncr && src[start + 1] == '/' && src[i - 1] == '\r') {
        n--; /* a Windows line end is not part of the comment */
        ncr--;
    }
    if (terminated && (src[start + 1] == '*' || start == start_line_off) && n >= 7 &&
        memcmp(src + start + 2, "line ", 5) == 0) {
        uint32_t tn = n - 7 - (src[start + 1] == '*' ? 2 : 0);
        check_line_directive(lx, start + 7, src + start + 7, tn);
    }
    lx->tok = GO_TOK_COMMENT;
    lx->lit_len = n;
    lx->end = start + n - (ncr ? (uint32_t)(n - go_strip_cr(src + start, n, src[start + 1] == '*', NULL)) : 0);
    lx->end_line = lx->line;
    if (first_nl && lx->insert_semi) {
        lx->nl_pos = first_nl;
        lx->nl_line = lx->tok_line;
        lx->insert_semi = false;
    }
}

size_t go_strip_cr(const char *raw, size_t n, bool general, char *out) {
    size_t k = 0;
    char prev = 0;
    for (size_t j = 0; j < n; j++) {
        char c = raw[j];
        /* In a general comment, "*\r/" keeps its \r so the text does not
         * end early (the go/scanner rule). */
        if (c != '\r' || (general && k > 2 && prev == '*' && j + 1 < n && raw[j + 1] == '/')) {
            if (out)
                out[k] = c;
            prev = c;
            k++;
        }
    }
    return k;
}

/* ---- numbers ------------------------------------------------------------ */

static const char *lit_name(int prefix) {
    switch (prefix) {
    case 'x': return "hexadecimal literal";
    case 'o':
    case '0': return "octal literal";
    case 'b': return "binary literal";
    }
    return "decimal literal";
}

static inline int lower(int c) { return c | ('a' - 'A'); }
static inline bool is_dec(int c) { return c >= '0' && c <= '9'; }
static inline bool is_hex(int c) { return is_dec(c) || (lower(c) >= 'a' && lower(c) <= 'f'); }

/* Reads { digit | '_' }; bit 0 of the result: digits seen, bit 1: '_' seen. */
static int scan_digits(go_lexer *lx, int base, int64_t *invalid) {
    int digsep = 0;
    for (;;) {
        int c = peek(lx, 0);
        if (c == '_') {
            digsep |= 2;
        } else if (base <= 10 ? is_dec(c) : is_hex(c)) {
            digsep |= 1;
            if (base < 10 && c >= '0' + base && invalid && *invalid < 0)
                *invalid = lx->off;
        } else {
            return digsep;
        }
        lx->off++;
    }
}

/* Index of the first misplaced '_' in a number literal, or -1. */
static int64_t invalid_separator(const char *x, uint32_t n) {
    int x1 = ' ';
    int d = '.';
    uint32_t i = 0;
    if (n >= 2 && x[0] == '0') {
        x1 = lower((unsigned char)x[1]);
        if (x1 == 'x' || x1 == 'o' || x1 == 'b') {
            d = '0';
            i = 2;
        }
    }
    for (; i < n; i++) {
        int p = d;
        d = (unsigned char)x[i];
        if (d == '_') {
            if (p != '0')
                return i;
        } else if (is_dec(d) || (x1 == 'x' && is_hex(d))) {
            d = '0';
        } else {
            if (p == '_')
                return (int64_t)i - 1;
            d = '.';
        }
    }
    return d == '_' ? (int64_t)n - 1 : -1;
}

static go_tok scan_number(go_lexer *lx) {
    uint32_t start = lx->off;
    go_tok tok = GO_TOK_ILLEGAL;
    int base = 10, prefix = 0, digsep = 0;
    int64_t invalid = -1;

    if (peek(lx, 0) != '.') {
        tok = GO_TOK_INT;
        if (peek(lx, 0) == '0') {
            lx->off++;
            switch (lower(peek(lx, 0))) {
            case 'x': lx->off++; base = 16; prefix = 'x'; break;
            case 'o': lx->off++; base = 8; prefix = 'o'; break;
            case 'b': lx->off++; base = 2; prefix = 'b'; break;
            default: base = 8; prefix = '0'; digsep = 1; break;
            }
        }
        digsep |= scan_digits(lx, base, &invalid);
    }
    if (peek(lx, 0) == '.') {
        tok = GO_TOK_FLOAT;
        if (prefix == 'o' || prefix == 'b')
            lex_error(lx, lx->off, "invalid radix point in number literal");
        lx->off++;
        digsep |= scan_digits(lx, base, &invalid);
    }
    if (!(digsep & 1))
        lex_error(lx, lx->off, "number literal has no digits");

    int e = lower(peek(lx, 0));
    if (e == 'e' || e == 'p') {
        if (e == 'e' && prefix != 0 && prefix != '0')
            lex_error(lx, lx->off, "'e' exponent requires decimal mantissa");
        else if (e == 'p' && prefix != 'x')
            lex_error(lx, lx->off, "'p' exponent requires hexadecimal mantissa");
        lx->off++;
        tok = GO_TOK_FLOAT;
        if (peek(lx, 0) == '+' || peek(lx, 0) == '-')
            lx->off++;
        int ds = scan_digits(lx, 10, NULL);
        digsep |= ds;
        if (!(ds & 1))
            lex_error(lx, lx->off, "exponent has no digits");
    } else if (prefix == 'x' && tok == GO_TOK_FLOAT) {
        lex_error(lx, lx->off, "hexadecimal mantissa requires a 'p' exponent");
    }
    if (peek(lx, 0) == 'i') {
        tok = GO_TOK_IMAG;
        lx->off++;
    }
    if (tok == GO_TOK_INT && invalid >= 0)
        lex_error(lx, (uint32_t)invalid, lit_name(prefix)[0] == 'd' ? "invalid digit in decimal literal"
                                                                    : "invalid digit in number literal");
    if (digsep & 2) {
        int64_t i = invalid_separator(lx->src + start, lx->off - start);
        if (i >= 0)
            lex_error(lx, start + (uint32_t)i, "'_' must separate successive digits");
    }
    return tok;
}

/* ---- strings and runes --------------------------------------------------- */

static int digit_val(int c) {
    if (is_dec(c))
        return c - '0';
    if (lower(c) >= 'a' && lower(c) <= 'f')
        return lower(c) - 'a' + 10;
    return 16;
}

/* After a backslash.  Stops at an offending character without consuming it. */
static bool scan_escape(go_lexer *lx, int quote) {
    uint32_t start = lx->off;
    int n;
    uint32_t base, max;
    int c = peek(lx, 0);
    switch (c) {
    case 'a': case 'b': case 'f': case 'n': case 'r': case 't': case 'v': case '\\':
        lx->off++;
        return true;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
        n = 3; base = 8; max = 255;
        break;
    case 'x': lx->off++; n = 2; base = 16; max = 255; break;
    case 'u': lx->off++; n = 4; base = 16; max = 0x10FFFF; break;
    case 'U': lx->off++; n = 8; base = 16; max = 0x10FFFF; break;
    default:
        if (c == quote) {
            lx->off++;
            return true;
        }
        lex_error(lx, start, c < 0 ? "escape sequence not terminated" : "unknown escape sequence");
        return false;
    }
    uint32_t x = 0;
    for (; n > 0; n--) {
        int ch = peek(lx, 0);
        uint32_t d = (uint32_t)digit_val(ch);
        if (ch < 0 || d >= base) {
            lex_error(lx, lx->off, ch < 0 ? "escape sequence not terminated"
                                          : "illegal character in escape sequence");
            return false;
        }
        x = x * base + d;
        lx->off++;
    }
    if (x > max || (x >= 0xD800 && x < 0xE000)) {
        lex_error(lx, start, "escape sequence is invalid Unicode code point");
        return false;
    }
    return true;
}

/* Consumes one character of a literal's body, checking encodings. */
static inline void advance_literal_char(go_lexer *lx) {
    unsigned char c = (unsigned char)lx->src[lx->off];
    lx->off += (c >= 0x80 || c == 0) ? check_special(lx, lx->off) : 1;
}

static void scan_rune(go_lexer *lx, uint32_t start) {
    bool valid = true;
    int n = 0;
    for (;;) {
        int c = peek(lx, 0);
        if (c == '\n' || c < 0) {
            if (valid) {
                lex_error(lx, start, "rune literal not terminated");
                valid = false;
            }
            break;
        }
        advance_literal_char(lx);
        if (c == '\'')
            break;
        n++;
        if (c == '\\' && !scan_escape(lx, '\''))
            valid = false;
    }
    if (valid && n != 1)
        lex_error(lx, start, "illegal rune literal");
}

static void scan_string(go_lexer *lx, uint32_t start) {
    const unsigned char *s = (const unsigned char *)lx->src;
    const uint32_t len = lx->len;
    for (;;) {
        uint32_t i = lx->off;
        while (i < len && !string_stop[s[i]])
            i++; /* plain ASCII: nothing to check */
        lx->off = i;
        int c = peek(lx, 0);
        if (c == '\n' || c < 0) {
            lex_error(lx, start, "string literal not terminated");
            break;
        }
        if (c == '"') {
            lx->off++;
            break;
        }
        if (c == '\\') {
            lx->off++;
            scan_escape(lx, '"');
            continue;
        }
        lx->off += check_special(lx, lx->off); /* NUL or non-ASCII */
    }
}

static void scan_raw_string(go_lexer *lx, uint32_t start) {
    const char *src = lx->src;
    uint32_t i = lx->off;
    for (;;) {
        if (i >= lx->len) {
            lex_error(lx, start, "raw string literal not terminated");
            break;
        }
        unsigned char c = (unsigned char)src[i];
        if (c == '`') {
            i++;
            break;
        }
        if (c == '\n')
            newline_at(lx, i);
        if (c >= 0x80 || c == 0)
            i += check_special(lx, i);
        else
            i++;
    }
    lx->off = i;
}

/* ---- identifiers and keywords ------------------------------------------- */

static go_tok keyword(const char *s, uint32_t n) {
#define KW(str, tok)                                                                               \
    if (n == sizeof(str) - 1 && memcmp(s, str, n) == 0)                                            \
        return tok;
    switch (s[0]) {
    case 'b': KW("break", GO_TOK_BREAK); break;
    case 'c':
        KW("case", GO_TOK_CASE);
        KW("chan", GO_TOK_CHAN);
        KW("const", GO_TOK_CONST);
        KW("continue", GO_TOK_CONTINUE);
        break;
    case 'd':
        KW("default", GO_TOK_DEFAULT);
        KW("defer", GO_TOK_DEFER);
        break;
    case 'e': KW("else", GO_TOK_ELSE); break;
    case 'f':
        KW("for", GO_TOK_FOR);
        KW("func", GO_TOK_FUNC);
        KW("fallthrough", GO_TOK_FALLTHROUGH);
        break;
    case 'g':
        KW("go", GO_TOK_GO);
        KW("goto", GO_TOK_GOTO);
        break;
    case 'i':
        KW("if", GO_TOK_IF);
        KW("import", GO_TOK_IMPORT);
        KW("interface", GO_TOK_INTERFACE);
        break;
    case 'm': KW("map", GO_TOK_MAP); break;
    case 'p': KW("package", GO_TOK_PACKAGE); break;
    case 'r':
        KW("range", GO_TOK_RANGE);
        KW("return", GO_TOK_RETURN);
        break;
    case 's':
        KW("select", GO_TOK_SELECT);
        KW("struct", GO_TOK_STRUCT);
        KW("switch", GO_TOK_SWITCH);
        break;
    case 't': KW("type", GO_TOK_TYPE); break;
    case 'v': KW("var", GO_TOK_VAR); break;
    }
#undef KW
    return GO_TOK_IDENT;
}

#if defined(__SSE2__)
/* The number of ASCII identifier bytes at the start of s[0..16). */
static inline uint32_t ident_run16(const unsigned char *s) {
    __m128i v = _mm_loadu_si128((const __m128i *)s);
    __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    /* bytes >= 0x80 compare as negative and so fail every range test */
    __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                  _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    __m128i under = _mm_cmpeq_epi8(v, _mm_set1_epi8('_'));
    unsigned ok = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit), under));
    return (uint32_t)__builtin_ctz(~ok);
}
#endif

/* Advances i over ASCII identifier bytes, 16 at a time where possible. */
static inline uint32_t skip_ascii_ident(const unsigned char *s, uint32_t i, uint32_t len) {
#if defined(__SSE2__)
    while (i + 16 <= len) {
        uint32_t run = ident_run16(s + i);
        i += run;
        if (run < 16)
            return i;
    }
#endif
    while (i < len && ident_char[s[i]])
        i++;
    return i;
}

static void scan_identifier(go_lexer *lx) {
    const unsigned char *s = (const unsigned char *)lx->src;
    const uint32_t len = lx->len;
    uint32_t i = lx->off;
    for (;;) {
        i = skip_ascii_ident(s, i, len);
        if (i >= len || s[i] < 0x80)
            break;
        uint32_t w;
        uint32_t r = go_decode_rune(s + i, len - i, &w);
        if (!(go_is_letter_rune(r) || go_is_digit_rune(r)))
            break;
        i += w;
    }
    lx->off = i;
}

/* ---- the scanner loop ----------------------------------------------------- */

void go_lex_init(go_lexer *lx, const char *src, uint32_t len, go_lex_error_fn error, void *ctx) {
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->len = len;
    lx->line = 1;
    lx->nl_pos = GO_NOPOS;
    lx->error = error;
    lx->error_ctx = ctx;
    if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
        lx->off = 3; /* a byte order mark is allowed as the very first character */
}

static inline go_tok op2(go_lexer *lx, go_tok plain, go_tok with_eq) {
    if (peek(lx, 0) == '=') {
        lx->off++;
        return with_eq;
    }
    return plain;
}

static inline go_tok op3(go_lexer *lx, go_tok plain, go_tok with_eq, int c2, go_tok doubled) {
    if (peek(lx, 0) == '=') {
        lx->off++;
        return with_eq;
    }
    if (peek(lx, 0) == c2) {
        lx->off++;
        return doubled;
    }
    return plain;
}

static inline go_tok op4(go_lexer *lx, go_tok plain, go_tok with_eq, int c2, go_tok doubled,
                         go_tok doubled_eq) {
    if (peek(lx, 0) == '=') {
        lx->off++;
        return with_eq;
    }
    if (peek(lx, 0) == c2) {
        lx->off++;
        if (peek(lx, 0) == '=') {
            lx->off++;
            return doubled_eq;
        }
        return doubled;
    }
    return plain;
}

static void report_illegal_rune(go_lexer *lx, uint32_t at, uint32_t r) {
    char msg[64];
    if (r >= 0x20 && r < 0x7f)
        snprintf(msg, sizeof msg, "illegal character U+%04X '%c'", r, (char)r);
    else
        snprintf(msg, sizeof msg, "illegal character U+%04X", r);
    lex_error(lx, at, msg);
}

static void illegal_char(go_lexer *lx, uint32_t start) {
    const unsigned char *s = (const unsigned char *)lx->src + start;
    uint32_t w;
    uint32_t r = go_decode_rune(s, lx->len - start, &w);
    lx->off = start + w;
    if (s[0] == 0)
        lex_error(lx, start, "illegal character NUL");
    else if (r == 0xFFFD && w == 1)
        lex_error(lx, start, "illegal UTF-8 encoding");
    else if (r == 0xFEFF)
        lex_error(lx, start, start > 0 ? "illegal byte order mark" : "illegal character U+FEFF");
    else if (r == 0x201C || r == 0x201D)
        lex_error(lx, start, "curly quotation mark (use neutral \")");
    else
        report_illegal_rune(lx, start, r);
}

/* The general case: every token, after any pending semicolon. */
static __attribute__((noinline)) void lex_any(go_lexer *lx) {
    if (lx->nl_pos != GO_NOPOS) {
        lx->tok = GO_TOK_SEMICOLON;
        lx->pos = lx->nl_pos;
        lx->end = lx->nl_pos + 1;
        lx->tok_line = lx->end_line = lx->nl_line;
        lx->lit_len = 1;
        lx->semi_newline = true;
        lx->nl_pos = GO_NOPOS;
        return;
    }
    const unsigned char *s = (const unsigned char *)lx->src;
    uint32_t len = lx->len;
    uint32_t i = lx->off;
    if (!lx->insert_semi) {
        uint32_t line = lx->line, line_off = lx->line_off;
        for (; i < len; i++) {
            unsigned k = space_kind[s[i]];
            if (k == 0)
                break;
            if (k == 2) {
                line++;
                line_off = i + 1;
            }
        }
        lx->line = line;
        lx->line_off = line_off;
    } else {
        while (i < len && space_kind[s[i]] == 1)
            i++;
    }
    lx->off = i;
    lx->pos = i;
    lx->tok_line = lx->line;
    lx->semi_newline = false;
    bool insert_semi = false;
    go_tok tok;

    if (i >= len) {
        lx->end = i;
        lx->end_line = lx->line;
        lx->lit_len = 0;
        if (lx->insert_semi) {
            lx->insert_semi = false;
            lx->tok = GO_TOK_SEMICOLON;
            lx->semi_newline = true;
            return;
        }
        lx->tok = GO_TOK_EOF;
        return;
    }

    unsigned c = s[i];
    unsigned cls = char_class[c];
    if (cls == C_LETTER) {
        scan_identifier(lx);
        uint32_t n = lx->off - i;
        tok = n > 1 ? keyword((const char *)s + i, n) : GO_TOK_IDENT;
        insert_semi = tok == GO_TOK_IDENT || tok == GO_TOK_BREAK || tok == GO_TOK_CONTINUE ||
                      tok == GO_TOK_FALLTHROUGH || tok == GO_TOK_RETURN;
    } else if (cls == C_DIGIT || (c == '.' && i + 1 < len && char_class[s[i + 1]] == C_DIGIT)) {
        tok = scan_number(lx);
        insert_semi = true;
    } else if (c >= 0x80) {
        uint32_t w;
        uint32_t r = go_decode_rune(s + i, len - i, &w);
        if (go_is_letter_rune(r)) {
            scan_identifier(lx);
            tok = GO_TOK_IDENT;
            insert_semi = true;
        } else {
            illegal_char(lx, i);
            tok = GO_TOK_ILLEGAL;
            insert_semi = lx->insert_semi;
        }
    } else {
        lx->off = i + 1;
        switch (c) {
        case '\n':
            /* only reached when a newline ends the statement */
            lx->insert_semi = false;
            lx->tok = GO_TOK_SEMICOLON;
            lx->semi_newline = true;
            lx->end = i + 1;
            lx->end_line = lx->line;
            lx->lit_len = 1;
            newline_at(lx, i);
            return;
        case '"':
            scan_string(lx, i);
            tok = GO_TOK_STRING;
            insert_semi = true;
            break;
        case '\'':
            scan_rune(lx, i);
            tok = GO_TOK_CHAR;
            insert_semi = true;
            break;
        case '`':
            scan_raw_string(lx, i);
            tok = GO_TOK_STRING;
            insert_semi = true;
            break;
        case ':': tok = op2(lx, GO_TOK_COLON, GO_TOK_DEFINE); break;
        case '.':
            tok = GO_TOK_PERIOD;
            if (peek(lx, 0) == '.' && peek(lx, 1) == '.') {
                lx->off += 2;
                tok = GO_TOK_ELLIPSIS;
            }
            break;
        case ',': tok = GO_TOK_COMMA; break;
        case ';': tok = GO_TOK_SEMICOLON; break;
        case '(': tok = GO_TOK_LPAREN; break;
        case ')': tok = GO_TOK_RPAREN; insert_semi = true; break;
        case '[': tok = GO_TOK_LBRACK; break;
        case ']': tok = GO_TOK_RBRACK; insert_semi = true; break;
        case '{': tok = GO_TOK_LBRACE; break;
        case '}': tok = GO_TOK_RBRACE; insert_semi = true; break;
        case '+':
            tok = op3(lx, GO_TOK_ADD, GO_TOK_ADD_ASSIGN, '+', GO_TOK_INC);
            insert_semi = tok == GO_TOK_INC;
            break;
        case '-':
            tok = op3(lx, GO_TOK_SUB, GO_TOK_SUB_ASSIGN, '-', GO_TOK_DEC);
            insert_semi = tok == GO_TOK_DEC;
            break;
        case '*': tok = op2(lx, GO_TOK_MUL, GO_TOK_MUL_ASSIGN); break;
        case '/':
            if (peek(lx, 0) == '/' || peek(lx, 0) == '*') {
                scan_comment(lx, i);
                return;
            }
            tok = op2(lx, GO_TOK_QUO, GO_TOK_QUO_ASSIGN);
            break;
        case '%': tok = op2(lx, GO_TOK_REM, GO_TOK_REM_ASSIGN); break;
        case '^': tok = op2(lx, GO_TOK_XOR, GO_TOK_XOR_ASSIGN); break;
        case '<':
            if (peek(lx, 0) == '-') {
                lx->off++;
                tok = GO_TOK_ARROW;
            } else {
                tok = op4(lx, GO_TOK_LSS, GO_TOK_LEQ, '<', GO_TOK_SHL, GO_TOK_SHL_ASSIGN);
            }
            break;
        case '>': tok = op4(lx, GO_TOK_GTR, GO_TOK_GEQ, '>', GO_TOK_SHR, GO_TOK_SHR_ASSIGN); break;
        case '=': tok = op2(lx, GO_TOK_ASSIGN, GO_TOK_EQL); break;
        case '!': tok = op2(lx, GO_TOK_NOT, GO_TOK_NEQ); break;
        case '&':
            if (peek(lx, 0) == '^') {
                lx->off++;
                tok = op2(lx, GO_TOK_AND_NOT, GO_TOK_AND_NOT_ASSIGN);
            } else {
                tok = op3(lx, GO_TOK_AND, GO_TOK_AND_ASSIGN, '&', GO_TOK_LAND);
            }
            break;
        case '|': tok = op3(lx, GO_TOK_OR, GO_TOK_OR_ASSIGN, '|', GO_TOK_LOR); break;
        case '~': tok = GO_TOK_TILDE; break;
        default:
            illegal_char(lx, i);
            tok = GO_TOK_ILLEGAL;
            insert_semi = lx->insert_semi;
            break;
        }
    }
    lx->tok = tok;
    lx->end = lx->off;
    lx->insert_semi = insert_semi;
}

/* Makes [start, end) the current token. */
static inline void emit(go_lexer *lx, go_tok tok, uint32_t start, uint32_t end, bool insert_semi) {
    lx->pos = start;
    lx->tok_line = lx->line;
    lx->semi_newline = false;
    lx->off = end;
    lx->tok = tok;
    lx->end = end;
    lx->insert_semi = insert_semi;
}

/*
 * The hot path: blanks, then ASCII identifiers, keywords and one-byte
 * punctuation, which are most tokens.  Everything else goes to lex_any.
 * Kept small so that the common token costs few instructions.
 */
void go_lex_next(go_lexer *lx) {
    if (__builtin_expect(lx->nl_pos != GO_NOPOS, 0)) {
        lex_any(lx);
        return;
    }
    const unsigned char *s = (const unsigned char *)lx->src;
    const uint32_t len = lx->len;
    uint32_t i = lx->off;
    if (lx->insert_semi) {
        while (i < len && space_kind[s[i]] == 1)
            i++;
    } else {
        for (; i < len; i++) {
            unsigned k = space_kind[s[i]];
            if (k == 0)
                break;
            if (k == 2) {
                lx->line++;
                lx->line_off = i + 1;
            }
        }
    }
    lx->off = i;
    if (i < len) {
        unsigned c = s[i];
        if (char_class[c] == C_LETTER) {
            uint32_t j = skip_ascii_ident(s, i + 1, len);
            if (j >= len || s[j] < 0x80) {
                go_tok tok = j - i > 1 ? keyword((const char *)s + i, j - i) : GO_TOK_IDENT;
                emit(lx, tok, i, j,
                     tok == GO_TOK_IDENT || tok == GO_TOK_BREAK || tok == GO_TOK_CONTINUE ||
                         tok == GO_TOK_FALLTHROUGH || tok == GO_TOK_RETURN);
                return;
            }
        } else if (punct_tok[c]) {
            emit(lx, punct_tok[c], i, i + 1, punct_semi[c]);
            return;
        } else if (c == '\n') {
            /* blanks stop at a newline only when it ends a statement */
            emit(lx, GO_TOK_SEMICOLON, i, i + 1, false);
            lx->semi_newline = true;
            lx->end_line = lx->line;
            lx->lit_len = 1;
            newline_at(lx, i);
            return;
        } else if (c == '.' && (i + 1 >= len || (s[i + 1] != '.' && char_class[s[i + 1]] != C_DIGIT))) {
            emit(lx, GO_TOK_PERIOD, i, i + 1, false);
            return;
        }
    }
    lex_any(lx);
}
