/*
 * Tests of the lexical errors the Go lexer reports through its error
 * callback: each malformed input gives the errors go/scanner gives, in the
 * same order, at the same byte offsets, with messages that say what is
 * wrong (go/scanner's exact wording is not required; the key words are).
 * Where go/scanner follows an invalid byte with a second "illegal
 * character U+FFFD" error at the same offset, one error is enough.
 */
#include "../check.h"
#include "lex_helpers.h"

typedef struct expected_error {
    uint32_t offset;
    const char *words; /* a part of the message */
} expected_error;

typedef struct error_case {
    const char *src;
    size_t len;                /* 0: strlen(src) */
    expected_error errors[3];  /* in the order reported; words NULL ends the list */
} error_case;

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* Lexing c->src reports exactly c->errors. */
static void check_errors(const error_case *c) {
    size_t len = c->len ? c->len : strlen(c->src);
    lexed *l = lex_n(c->src, len);
    int want = 0;
    while (want < 3 && c->errors[want].words)
        want++;
    bool ok = l->nerrors == want;
    for (int i = 0; ok && i < want; i++)
        ok = l->errors[i].off == c->errors[i].offset && strstr(l->errors[i].msg, c->errors[i].words);
    if (!CHECK_HERE(ok)) {
        fputs("lexing ", stderr);
        check_print_bytes(c->src, len);
        fputs(": want", stderr);
        for (int i = 0; i < want; i++)
            fprintf(stderr, " [%u: ...%s...]", c->errors[i].offset, c->errors[i].words);
        fputs(", got", stderr);
        for (int i = 0; i < l->nerrors && i < MAX_ERRORS; i++)
            fprintf(stderr, " [%u: %s]", l->errors[i].off, l->errors[i].msg);
        fputc('\n', stderr);
    }
}

static void check_no_error(const char *src) {
    lexed *l = lex(src);
    if (!CHECK_HERE(l->nerrors == 0)) {
        fputs("lexing ", stderr);
        check_print_bytes(src, strlen(src));
        fprintf(stderr, ": want no error, got [%u: %s]\n", l->errors[0].off, l->errors[0].msg);
    }
}

static void test_encoding_errors(void) {
    static const error_case cases[] = {
        /* invalid UTF-8 where a token starts, in an identifier, comment, literal */
        {"x \xff", 0, {{2, "illegal UTF-8 encoding"}}},
        {"ab\xff" "cd", 0, {{2, "illegal UTF-8 encoding"}}},
        {"// a\xff" "b\n", 0, {{4, "illegal UTF-8 encoding"}}},
        {"/* \xc0\x80 */", 0, {{3, "illegal UTF-8 encoding"}, {4, "illegal UTF-8 encoding"}}},
        {"\"a\xff\"", 0, {{2, "illegal UTF-8 encoding"}}},
        {"`\n\xfe`", 0, {{2, "illegal UTF-8 encoding"}}},
        {"'\xff'", 0, {{1, "illegal UTF-8 encoding"}}},
        /* a surrogate: three bytes, each invalid */
        {"\"\xed\xa0\x80\"", 0,
         {{1, "illegal UTF-8 encoding"}, {2, "illegal UTF-8 encoding"}, {3, "illegal UTF-8 encoding"}}},
        /* NUL bytes */
        {"x\0", 2, {{1, "illegal character NUL"}}},
        {"\"a\0\"", 4, {{2, "illegal character NUL"}}},
        {"// \0\n", 5, {{3, "illegal character NUL"}}},
        {"`\0`", 3, {{1, "illegal character NUL"}}},
        /* a byte order mark anywhere but at offset 0 */
        {"x \xef\xbb\xbf", 0, {{2, "illegal byte order mark"}}},
        {"\"\xef\xbb\xbf\"", 0, {{1, "illegal byte order mark"}}},
        {"// \xef\xbb\xbf", 0, {{3, "illegal byte order mark"}}},
        {"\xef\xbb\xbf\xef\xbb\xbfpackage p", 0, {{3, "illegal byte order mark"}}},
        /* characters that cannot start a token */
        {"€", 0, {{0, "illegal character"}}},
        {"x := @y", 0, {{5, "illegal character"}}},
        {"a # b", 0, {{2, "illegal character"}}},
        {"٠", 0, {{0, "illegal character"}}}, /* a digit, but not a letter */
        {"\xe2\x80\x9chi\xe2\x80\x9d", 0, {{0, "curly quotation mark"}, {5, "curly quotation mark"}}},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        check_errors(&cases[i]);
}

static void test_bom_at_start_is_skipped(void) {
    lexed *l = lex("\xef\xbb\xbfpackage p");
    CHECK_EQ_INT(l->nerrors, 0);
    CHECK_EQ_STR(render_tokens(l), "package IDENT(p) NL EOF");
    CHECK_EQ_UINT(l->tokens[0].pos, 3);
    CHECK_EQ_UINT(l->tokens[0].line, 1);
}

static void test_unterminated(void) {
    static const error_case cases[] = {
        {"\"abc", 0, {{0, "string literal not terminated"}}},
        {"x = \"abc\ny", 0, {{4, "string literal not terminated"}}},
        {"\"abc\\", 0, {{5, "escape sequence not terminated"}, {0, "string literal not terminated"}}},
        {"`abc\n", 0, {{0, "raw string literal not terminated"}}},
        {"x `", 0, {{2, "raw string literal not terminated"}}},
        {"'a", 0, {{0, "rune literal not terminated"}}},
        {"'", 0, {{0, "rune literal not terminated"}}},
        {"'a\n'", 0, {{0, "rune literal not terminated"}, {3, "rune literal not terminated"}}},
        {"/* abc", 0, {{0, "comment not terminated"}}},
        {"x /* a\n*", 0, {{2, "comment not terminated"}}},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        check_errors(&cases[i]);
}

static void test_rune_and_escape_errors(void) {
    static const error_case cases[] = {
        {"'ab'", 0, {{0, "illegal rune literal"}}},
        {"''", 0, {{0, "illegal rune literal"}}},
        {"x = 'é日'", 0, {{4, "illegal rune literal"}}},
        {"\"\\q\"", 0, {{2, "unknown escape sequence"}}},
        {"'\\q'", 0, {{2, "unknown escape sequence"}}},
        {"\"\\'\"", 0, {{2, "unknown escape sequence"}}}, /* \' only in runes */
        {"'\\\"'", 0, {{2, "unknown escape sequence"}}},  /* \" only in strings */
        {"\"\\x4g\"", 0, {{4, "illegal character in escape sequence"}}},
        {"\"\\u12\"", 0, {{5, "illegal character in escape sequence"}}},
        {"'\\400'", 0, {{2, "escape sequence is invalid Unicode code point"}}},
        {"\"\\uD800\"", 0, {{2, "escape sequence is invalid Unicode code point"}}},
        {"\"\\U00110000\"", 0, {{2, "escape sequence is invalid Unicode code point"}}},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        check_errors(&cases[i]);
}

static void test_number_errors(void) {
    static const error_case cases[] = {
        {"0x", 0, {{2, "has no digits"}}},
        {"0b", 0, {{2, "has no digits"}}},
        {"0o_", 0, {{3, "has no digits"}, {2, "'_' must separate successive digits"}}},
        {"1__0", 0, {{2, "'_' must separate successive digits"}}},
        {"1_", 0, {{1, "'_' must separate successive digits"}}},
        {"0x_1_", 0, {{4, "'_' must separate successive digits"}}},
        {"09", 0, {{1, "invalid digit"}}},
        {"0o78", 0, {{3, "invalid digit"}}},
        {"0b1021", 0, {{4, "invalid digit"}}},
        {"0x1.0", 0, {{5, "hexadecimal mantissa requires a 'p' exponent"}}},
        {"0x.8", 0, {{4, "hexadecimal mantissa requires a 'p' exponent"}}},
        {"1p3", 0, {{1, "'p' exponent requires hexadecimal mantissa"}}},
        {"0b1e3", 0, {{3, "'e' exponent requires decimal mantissa"}}},
        {"0b1.0", 0, {{3, "invalid radix point"}}},
        {"1e", 0, {{2, "exponent has no digits"}}},
        {"0x1p+", 0, {{5, "exponent has no digits"}}},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        check_errors(&cases[i]);
}

static void test_line_directives(void) {
    static const error_case cases[] = {
        {"//line foo.go:0", 0, {{14, "invalid line number"}}},
        {"//line foo.go:x\n", 0, {{14, "invalid line number"}}},
        {"//line foo.go:99999999999999999999999", 0, {{14, "invalid line number"}}},
        {"//line foo.go:10:0", 0, {{17, "invalid column number"}}},
        {"//line foo.go:0:5", 0, {{14, "invalid line number"}}},
        {"/*line foo.go:0*/ x", 0, {{14, "invalid line number"}}},
        {"x\n//line foo.go:0\n", 0, {{16, "invalid line number"}}},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        check_errors(&cases[i]);

    check_no_error("//line foo.go:10");
    check_no_error("//line foo.go:10:3\n");
    check_no_error("//line c:\\dir\\foo.go:10\n");
    check_no_error("//line :10\n");
    check_no_error("/*line foo.go:1*/ x");
    check_no_error("//line foo.go\n");      /* no ':': not a directive */
    check_no_error("x //line foo.go:0\n");  /* not at the start of a line */
    check_no_error("// line foo.go:0\n");   /* a space: not a directive */

    /* a good directive does not move positions: they stay physical */
    lexed *l = lex("//line foo.go:10\nx\n");
    CHECK_EQ_STR(render_tokens(l), "COMMENT(//line foo.go:10) IDENT(x) NL EOF");
    CHECK_EQ_UINT(l->tokens[1].pos, 17);
    CHECK_EQ_UINT(l->tokens[1].line, 2);
}

/* After an error the lexer goes on: the rest of the input is tokenised. */
static void test_lexing_continues(void) {
    lexed *l = lex("a @ b\n\"x\ny\n");
    CHECK_EQ_INT(l->nerrors, 2);
    CHECK_EQ_STR(render_tokens(l), "IDENT(a) ILLEGAL IDENT(b) NL STRING(\"x) NL IDENT(y) NL EOF");
}

int main(void) {
    test_encoding_errors();
    test_bom_at_start_is_skipped();
    test_unterminated();
    test_rune_and_escape_errors();
    test_number_errors();
    test_line_directives();
    test_lexing_continues();
    return check_finish();
}
