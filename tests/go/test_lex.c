/*
 * Tests of the Go lexer on well-formed input: every operator and keyword,
 * longest-match rules, automatic semicolon insertion (the Go spec's rule,
 * including comments that span lines), token positions and line numbers,
 * string, rune and number literals in all their forms, and the Unicode
 * classes that decide what an identifier is.  Lexical errors are in
 * test_lex_errors.c.
 *
 * Expected values come from the Go specification and from what go/scanner
 * returns for the same input.
 */
#include "../check.h"
#include "lex_helpers.h"

typedef struct spelled_token {
    const char *text;
    go_tok tok;
} spelled_token;

static const spelled_token operators[] = {
    {"+", GO_TOK_ADD}, {"-", GO_TOK_SUB}, {"*", GO_TOK_MUL}, {"/", GO_TOK_QUO},
    {"%", GO_TOK_REM}, {"&", GO_TOK_AND}, {"|", GO_TOK_OR}, {"^", GO_TOK_XOR},
    {"<<", GO_TOK_SHL}, {">>", GO_TOK_SHR}, {"&^", GO_TOK_AND_NOT},
    {"+=", GO_TOK_ADD_ASSIGN}, {"-=", GO_TOK_SUB_ASSIGN}, {"*=", GO_TOK_MUL_ASSIGN},
    {"/=", GO_TOK_QUO_ASSIGN}, {"%=", GO_TOK_REM_ASSIGN}, {"&=", GO_TOK_AND_ASSIGN},
    {"|=", GO_TOK_OR_ASSIGN}, {"^=", GO_TOK_XOR_ASSIGN}, {"<<=", GO_TOK_SHL_ASSIGN},
    {">>=", GO_TOK_SHR_ASSIGN}, {"&^=", GO_TOK_AND_NOT_ASSIGN},
    {"&&", GO_TOK_LAND}, {"||", GO_TOK_LOR}, {"<-", GO_TOK_ARROW}, {"++", GO_TOK_INC},
    {"--", GO_TOK_DEC}, {"==", GO_TOK_EQL}, {"<", GO_TOK_LSS}, {">", GO_TOK_GTR},
    {"=", GO_TOK_ASSIGN}, {"!", GO_TOK_NOT}, {"!=", GO_TOK_NEQ}, {"<=", GO_TOK_LEQ},
    {">=", GO_TOK_GEQ}, {":=", GO_TOK_DEFINE}, {"...", GO_TOK_ELLIPSIS},
    {"(", GO_TOK_LPAREN}, {"[", GO_TOK_LBRACK}, {"{", GO_TOK_LBRACE}, {",", GO_TOK_COMMA},
    {".", GO_TOK_PERIOD}, {")", GO_TOK_RPAREN}, {"]", GO_TOK_RBRACK}, {"}", GO_TOK_RBRACE},
    {";", GO_TOK_SEMICOLON}, {":", GO_TOK_COLON}, {"~", GO_TOK_TILDE},
};

static const spelled_token keywords[] = {
    {"break", GO_TOK_BREAK}, {"case", GO_TOK_CASE}, {"chan", GO_TOK_CHAN},
    {"const", GO_TOK_CONST}, {"continue", GO_TOK_CONTINUE}, {"default", GO_TOK_DEFAULT},
    {"defer", GO_TOK_DEFER}, {"else", GO_TOK_ELSE}, {"fallthrough", GO_TOK_FALLTHROUGH},
    {"for", GO_TOK_FOR}, {"func", GO_TOK_FUNC}, {"go", GO_TOK_GO}, {"goto", GO_TOK_GOTO},
    {"if", GO_TOK_IF}, {"import", GO_TOK_IMPORT}, {"interface", GO_TOK_INTERFACE},
    {"map", GO_TOK_MAP}, {"package", GO_TOK_PACKAGE}, {"range", GO_TOK_RANGE},
    {"return", GO_TOK_RETURN}, {"select", GO_TOK_SELECT}, {"struct", GO_TOK_STRUCT},
    {"switch", GO_TOK_SWITCH}, {"type", GO_TOK_TYPE}, {"var", GO_TOK_VAR},
};

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* Each spelling alone lexes as its token over all its bytes, and
 * go_tok_string spells the token back. */
static void check_spellings(const spelled_token *table, size_t n) {
    for (size_t i = 0; i < n; i++) {
        lexed *l = lex(table[i].text);
        if (!CHECK_HERE(l->tokens[0].tok == table[i].tok && l->tokens[0].pos == 0 &&
                        l->tokens[0].end == strlen(table[i].text) && l->nerrors == 0))
            fprintf(stderr, "%s lexes as %s\n", table[i].text, render_tokens(l));
        CHECK_EQ_STR(go_tok_string(table[i].tok), table[i].text);
    }
}

static void test_operators(void) {
    /* the table names every operator token exactly once */
    CHECK_EQ_UINT(COUNT(operators), GO_TOK_TILDE - GO_TOK_ADD + 1);
    unsigned seen[GO_TOK_COUNT] = {0};
    for (size_t i = 0; i < COUNT(operators); i++)
        seen[operators[i].tok]++;
    bool once = true;
    for (int t = GO_TOK_ADD; t <= GO_TOK_TILDE; t++)
        once &= seen[t] == 1;
    CHECK(once);
    check_spellings(operators, COUNT(operators));

    /* all of them in a row, separated by spaces */
    char all[512] = "";
    for (size_t i = 0; i < COUNT(operators); i++) {
        strcat(all, operators[i].text);
        strcat(all, " ");
    }
    lexed *l = lex(all);
    bool in_order = l->nerrors == 0;
    int k = 0;
    /* a space is not a newline: nothing is inserted after ) ] } ++ -- */
    for (size_t i = 0; i < COUNT(operators); i++, k++)
        in_order &= l->tokens[k].tok == operators[i].tok;
    in_order &= l->tokens[k].tok == GO_TOK_EOF;
    if (!CHECK_HERE(in_order))
        fprintf(stderr, "\"%s\" lexes as %s\n", all, render_tokens(l));
}

static void test_keywords(void) {
    CHECK_EQ_UINT(COUNT(keywords), GO_TOK_VAR - GO_TOK_BREAK + 1);
    check_spellings(keywords, COUNT(keywords));
    /* near misses are identifiers */
    CHECK_EQ_STR(tokens_of("Break iff typ types goto_ _ f chan2 Func"),
                 "IDENT(Break) IDENT(iff) IDENT(typ) IDENT(types) IDENT(goto_) IDENT(_) "
                 "IDENT(f) IDENT(chan2) IDENT(Func) NL EOF");
}

static void test_longest_match(void) {
    CHECK_EQ_STR(tokens_of("&^=&^&&&=&"), "&^= &^ && &= & EOF");
    CHECK_EQ_STR(tokens_of("<<=<<<=<-<"), "<<= << <= <- < EOF");
    CHECK_EQ_STR(tokens_of(">>=>>>=>"), ">>= >> >= > EOF");
    CHECK_EQ_STR(tokens_of("+++=+"), "++ += + EOF");
    CHECK_EQ_STR(tokens_of("|||=|"), "|| |= | EOF");
    CHECK_EQ_STR(tokens_of("!==:=:"), "!= = := : EOF");
    CHECK_EQ_STR(tokens_of("a.b...c..d"), "IDENT(a) . IDENT(b) ... IDENT(c) . . IDENT(d) NL EOF");
    CHECK_EQ_STR(tokens_of("x.5"), "IDENT(x) FLOAT(.5) NL EOF");
    CHECK_EQ_STR(tokens_of("a/b/=c"), "IDENT(a) / IDENT(b) /= IDENT(c) NL EOF");
    CHECK_EQ_STR(tokens_of("ch<-x"), "IDENT(ch) <- IDENT(x) NL EOF");
    CHECK_EQ_STR(tokens_of("~int|~string"), "~ IDENT(int) | ~ IDENT(string) NL EOF");
}

/* ---- semicolons --------------------------------------------------------- */

static void test_semicolon_after_statement_enders(void) {
    static const struct {
        const char *src, *tokens;
    } cases[] = {
        {"x\n", "IDENT(x) NL EOF"},
        {"123\n", "INT(123) NL EOF"},
        {"1.5\n", "FLOAT(1.5) NL EOF"},
        {"2i\n", "IMAG(2i) NL EOF"},
        {"'a'\n", "CHAR('a') NL EOF"},
        {"\"s\"\n", "STRING(\"s\") NL EOF"},
        {"`r`\n", "STRING(`r`) NL EOF"},
        {")\n", ") NL EOF"},
        {"]\n", "] NL EOF"},
        {"}\n", "} NL EOF"},
        {"x++\n", "IDENT(x) ++ NL EOF"},
        {"x--\n", "IDENT(x) -- NL EOF"},
        {"break\n", "break NL EOF"},
        {"continue\n", "continue NL EOF"},
        {"fallthrough\n", "fallthrough NL EOF"},
        {"return\n", "return NL EOF"},
        /* at EOF without a final newline */
        {"x", "IDENT(x) NL EOF"},
        {"return", "return NL EOF"},
        {"}", "} NL EOF"},
        /* one semicolon however many newlines follow */
        {"x\n\n\n", "IDENT(x) NL EOF"},
        {"x \t\r\n  y", "IDENT(x) NL IDENT(y) NL EOF"},
        /* an explicit semicolon: none inserted after it */
        {"x;\n", "IDENT(x) ; EOF"},
        {"x;", "IDENT(x) ; EOF"},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        CHECK_EQ_STR(tokens_of(cases[i].src), cases[i].tokens);
}

static void test_no_semicolon_after_other_tokens(void) {
    static const char *const srcs[] = {
        "+\n", "-\n", "*\n", "=\n", ":=\n", "<-\n", "&&\n", "!\n", ",\n", ".\n", ":\n",
        "(\n", "[\n", "{\n", "...\n", "~\n", "if\n", "func\n", "var\n", "go\n",
        "defer\n", "chan\n", "map\n", "struct\n", "interface\n", "else\n", "case\n", "import\n",
        "package\n", "range\n", "select\n", "switch\n", "type\n", "const\n", "for\n", "goto\n",
        "default\n",
    };
    for (size_t i = 0; i < COUNT(srcs); i++) {
        lexed *l = lex(srcs[i]);
        if (!CHECK_HERE(l->ntokens == 2 && l->tokens[1].tok == GO_TOK_EOF))
            fprintf(stderr, "\"%.*s\\n\" lexes as %s\n", (int)strlen(srcs[i]) - 1, srcs[i],
                    render_tokens(l));
    }
    /* nor at EOF */
    CHECK_EQ_STR(tokens_of("x +"), "IDENT(x) + EOF");
    CHECK_EQ_STR(tokens_of(""), "EOF");
    CHECK_EQ_STR(tokens_of("\n\n"), "EOF");
}

static void test_semi_newline_flag_and_position(void) {
    lexed *l = lex("a;b\nc");
    /* a ; b NL c NL EOF */
    REQUIRE(l->ntokens == 7);
    CHECK_EQ_INT(l->tokens[1].tok, GO_TOK_SEMICOLON);
    CHECK(!l->tokens[1].semi_newline);
    CHECK_EQ_UINT(l->tokens[1].pos, 1);
    CHECK_EQ_INT(l->tokens[3].tok, GO_TOK_SEMICOLON);
    CHECK(l->tokens[3].semi_newline);
    CHECK_EQ_UINT(l->tokens[3].pos, 3); /* at the newline */
    CHECK_EQ_UINT(l->tokens[3].line, 1);
    CHECK_EQ_INT(l->tokens[5].tok, GO_TOK_SEMICOLON);
    CHECK(l->tokens[5].semi_newline);
    CHECK_EQ_UINT(l->tokens[5].pos, 5); /* at EOF */
    CHECK_EQ_UINT(l->tokens[6].pos, 5);
    CHECK(!l->tokens[0].semi_newline && !l->tokens[2].semi_newline);
}

static void test_semicolons_and_comments(void) {
    /* a line comment: the semicolon is at the newline, after the comment */
    lexed *l = lex("x // c\ny");
    CHECK_EQ_STR(render_tokens(l), "IDENT(x) COMMENT(// c) NL IDENT(y) NL EOF");
    CHECK_EQ_UINT(l->tokens[1].pos, 2);
    CHECK_EQ_UINT(l->tokens[1].end, 6); /* the newline is not part of it */
    CHECK_EQ_UINT(l->tokens[2].pos, 6);
    CHECK_EQ_UINT(l->tokens[3].line, 2);

    /* a general comment spanning lines: COMMENT, then the semicolon at the
     * comment's first newline */
    l = lex("x /* a\nb\nc */ y");
    CHECK_EQ_STR(render_tokens(l), "IDENT(x) COMMENT(/* a\nb\nc */) NL IDENT(y) NL EOF");
    CHECK_EQ_UINT(l->tokens[1].pos, 2);
    CHECK_EQ_UINT(l->tokens[1].end, 13);
    CHECK_EQ_UINT(l->tokens[1].line, 1);
    CHECK_EQ_UINT(l->tokens[1].end_line, 3);
    CHECK_EQ_UINT(l->tokens[2].pos, 6);
    CHECK_EQ_UINT(l->tokens[2].end, 7);
    CHECK(l->tokens[2].semi_newline);
    CHECK_EQ_UINT(l->tokens[2].line, 1);
    CHECK_EQ_UINT(l->tokens[3].pos, 14);
    CHECK_EQ_UINT(l->tokens[3].line, 3);

    /* ... also at EOF, and also after a line comment ending the file */
    CHECK_EQ_STR(tokens_of("x /* a\nb */"), "IDENT(x) COMMENT(/* a\nb */) NL EOF");
    CHECK_EQ_STR(tokens_of("x // c"), "IDENT(x) COMMENT(// c) NL EOF");

    /* a general comment on one line changes nothing */
    CHECK_EQ_STR(tokens_of("x /* c */ y"), "IDENT(x) COMMENT(/* c */) IDENT(y) NL EOF");
    CHECK_EQ_STR(tokens_of("x /* c */\ny"), "IDENT(x) COMMENT(/* c */) NL IDENT(y) NL EOF");

    /* no semicolon owed: comments are just comments */
    CHECK_EQ_STR(tokens_of("x + /* a\nb */ y"), "IDENT(x) + COMMENT(/* a\nb */) IDENT(y) NL EOF");
    CHECK_EQ_STR(tokens_of("x + // c\ny"), "IDENT(x) + COMMENT(// c) IDENT(y) NL EOF");
    CHECK_EQ_STR(tokens_of("// only\n/* comments */"), "COMMENT(// only) COMMENT(/* comments */) EOF");
}

/* ---- positions and lines ------------------------------------------------- */

static void test_positions_and_lines(void) {
    lexed *l = lex("a\n  bb\n\tc3 := `x\ny` + z");
    /* a NL bb NL c3 := `x\ny` + z NL EOF */
    REQUIRE(l->ntokens == 11);
    static const uint32_t pos[] = {0, 1, 4, 6, 8, 11, 14, 20, 22, 23};
    static const uint32_t end[] = {1, 2, 6, 7, 10, 13, 19, 21, 23, 23};
    static const uint32_t line[] = {1, 1, 2, 2, 3, 3, 3, 4, 4, 4};
    for (int i = 0; i < 10; i++) {
        CHECK_EQ_UINT(l->tokens[i].pos, pos[i]);
        CHECK_EQ_UINT(l->tokens[i].end, end[i]);
        CHECK_EQ_UINT(l->tokens[i].line, line[i]);
    }
    CHECK_EQ_UINT(l->tokens[7].line, 4); /* after the raw string's newline */

    /* CR LF line ends: \r is white space, the semicolon is at the \n */
    l = lex("x\r\ny\r\n");
    CHECK_EQ_STR(render_tokens(l), "IDENT(x) NL IDENT(y) NL EOF");
    CHECK_EQ_UINT(l->tokens[1].pos, 2);
    CHECK_EQ_UINT(l->tokens[2].pos, 3);
    CHECK_EQ_UINT(l->tokens[2].line, 2);
}

static void test_comments_with_carriage_returns(void) {
    /* a line comment's final \r is not part of it */
    lexed *l = lex("// a\r\nx");
    CHECK_EQ_UINT(l->tokens[0].lit_len, 4);
    CHECK_EQ_UINT(l->tokens[0].end, 4);
    /* go/ast measures a comment by its text without \r */
    l = lex("/* a\r\nb */");
    CHECK_EQ_UINT(l->tokens[0].lit_len, 10);
    CHECK_EQ_UINT(l->tokens[0].end, 9);

    char out[32];
    size_t n = go_strip_cr("a\r\nb\r", 5, false, out);
    CHECK_EQ_MEM(out, n, "a\nb");
    /* "*\r/" keeps its \r in a general comment so the text does not end early */
    n = go_strip_cr("/* *\r\r/", 7, true, out);
    CHECK_EQ_MEM(out, n, "/* *\r/");
    n = go_strip_cr("/* *\r/", 6, false, NULL);
    CHECK_EQ_UINT(n, 5);
}

/* ---- literals ------------------------------------------------------------- */

/* src is one literal token of kind tok covering all of it, with no errors. */
static void check_literal(const char *src, go_tok tok) {
    lexed *l = lex(src);
    bool ok = l->nerrors == 0 && l->tokens[0].tok == tok && l->tokens[0].pos == 0 &&
              l->tokens[0].end == strlen(src) &&
              l->tokens[1].tok == GO_TOK_SEMICOLON && l->tokens[1].semi_newline;
    if (!CHECK_HERE(ok)) {
        fprintf(stderr, "%s: want one %s, got %s", src, go_tok_string(tok), render_tokens(l));
        for (int i = 0; i < l->nerrors && i < MAX_ERRORS; i++)
            fprintf(stderr, "; error at %u: %s", l->errors[i].off, l->errors[i].msg);
        fputc('\n', stderr);
    }
}

static void test_numbers(void) {
    static const spelled_token numbers[] = {
        {"0", GO_TOK_INT}, {"42", GO_TOK_INT}, {"1_000", GO_TOK_INT},
        {"0o17", GO_TOK_INT}, {"0O17", GO_TOK_INT}, {"0b1011", GO_TOK_INT},
        {"0B1011", GO_TOK_INT}, {"017", GO_TOK_INT}, {"0_17", GO_TOK_INT},
        {"0xBadFace", GO_TOK_INT}, {"0x_67_7a_2f", GO_TOK_INT}, {"0b_1", GO_TOK_INT},
        {"0x1p-2", GO_TOK_FLOAT}, {"0X_1FFFP-16", GO_TOK_FLOAT}, {"0x.8p1", GO_TOK_FLOAT},
        {"0x1.8p+1", GO_TOK_FLOAT},
        {"1e10", GO_TOK_FLOAT}, {"1E+10", GO_TOK_FLOAT}, {"6.67428e-11", GO_TOK_FLOAT},
        {".5", GO_TOK_FLOAT}, {"1.", GO_TOK_FLOAT}, {"0.", GO_TOK_FLOAT},
        {"072.40", GO_TOK_FLOAT}, {"1_5.", GO_TOK_FLOAT}, {".12345E+5", GO_TOK_FLOAT},
        {"1i", GO_TOK_IMAG}, {"0x10i", GO_TOK_IMAG}, {"1e3i", GO_TOK_IMAG},
        {"0i", GO_TOK_IMAG}, {"0123i", GO_TOK_IMAG} /* decimal for compatibility */,
        {"089i", GO_TOK_IMAG}, {"2.71828i", GO_TOK_IMAG}, {".25i", GO_TOK_IMAG},
        {"0o6i", GO_TOK_IMAG}, {"0x1p-2i", GO_TOK_IMAG},
    };
    for (size_t i = 0; i < COUNT(numbers); i++)
        check_literal(numbers[i].text, numbers[i].tok);
    CHECK_EQ_STR(tokens_of("0x15e-2"), "INT(0x15e) - INT(2) NL EOF");
    CHECK_EQ_STR(tokens_of("1.e2.5"), "FLOAT(1.e2) FLOAT(.5) NL EOF");
    CHECK_EQ_STR(tokens_of("x[1:]"), "IDENT(x) [ INT(1) : ] NL EOF");
}

static void test_strings(void) {
    check_literal("\"\"", GO_TOK_STRING);
    check_literal("\"abc\"", GO_TOK_STRING);
    check_literal("\"a\\\"b\"", GO_TOK_STRING);
    check_literal("\"\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\"", GO_TOK_STRING);
    check_literal("\"\\x41\\u00e9\\U0001F600\\101\\377\"", GO_TOK_STRING);
    check_literal("\"日本語\"", GO_TOK_STRING);
    check_literal("``", GO_TOK_STRING);
    check_literal("`\\n \" '`", GO_TOK_STRING); /* no escapes in raw strings */

    /* raw strings span lines; \r is kept in the token (go/ast's End is physical) */
    lexed *l = lex("`a\nb\r\nc` x");
    CHECK_EQ_STR(render_tokens(l), "STRING(`a\nb\r\nc`) IDENT(x) NL EOF");
    CHECK_EQ_UINT(l->tokens[0].end, 8);
    CHECK_EQ_UINT(l->tokens[0].line, 1);
    CHECK_EQ_UINT(l->tokens[1].pos, 9);
    CHECK_EQ_UINT(l->tokens[1].line, 3);
    CHECK_EQ_INT(l->nerrors, 0);
}

static void test_runes(void) {
    static const char *const runes[] = {
        "'a'", "'é'", "'日'", "'\\n'", "'\\''", "'\"'", "'\\\\'", "'\\x7f'", "'\\000'",
        "'\\377'", "'\\u12e4'", "'\\U00101234'", "'\\a'", "'\\t'", "'😀'",
    };
    for (size_t i = 0; i < COUNT(runes); i++)
        check_literal(runes[i], GO_TOK_CHAR);
}

/* ---- Unicode ------------------------------------------------------------- */

static void test_unicode_classes(void) {
    CHECK(go_is_letter_rune('a') && go_is_letter_rune('Z') && go_is_letter_rune('_'));
    CHECK(!go_is_letter_rune('5') && !go_is_letter_rune('$') && !go_is_letter_rune(' '));
    CHECK(go_is_digit_rune('0') && go_is_digit_rune('9') && !go_is_digit_rune('a'));
    CHECK(go_is_letter_rune(0xE9));    /* é */
    CHECK(go_is_letter_rune(0xE4));    /* ä */
    CHECK(go_is_letter_rune(0x65E5));  /* 日 */
    CHECK(go_is_letter_rune(0x3B1));   /* α */
    CHECK(go_is_letter_rune(0x10400)); /* 𐐀 DESERET CAPITAL LETTER LONG I */
    CHECK(!go_is_digit_rune(0xE9));
    CHECK(go_is_digit_rune(0x660));   /* ٠ ARABIC-INDIC DIGIT ZERO */
    CHECK(!go_is_letter_rune(0x660));
    CHECK(go_is_digit_rune(0xFF19));  /* ９ FULLWIDTH DIGIT NINE */
    CHECK(!go_is_letter_rune(0x20AC)); /* € */
    CHECK(!go_is_digit_rune(0x20AC));
    CHECK(!go_is_letter_rune(0xB2) && !go_is_digit_rune(0xB2)); /* ² is No, not Nd */
    CHECK(!go_is_letter_rune(0xFEFF) && !go_is_letter_rune(0xFFFD));

    CHECK_EQ_STR(tokens_of("日本語 := 1"), "IDENT(日本語) := INT(1) NL EOF");
    CHECK_EQ_STR(tokens_of("éa٠ x"), "IDENT(éa٠) IDENT(x) NL EOF");
    CHECK_EQ_STR(tokens_of("straße"), "IDENT(straße) NL EOF");
}

static void test_decode_rune(void) {
    uint32_t w;
    CHECK_EQ_UINT(go_decode_rune((const unsigned char *)"A", 1, &w), 'A');
    CHECK_EQ_UINT(w, 1);
    CHECK_EQ_UINT(go_decode_rune((const unsigned char *)"\xc3\xa9", 2, &w), 0xE9);
    CHECK_EQ_UINT(w, 2);
    CHECK_EQ_UINT(go_decode_rune((const unsigned char *)"\xe6\x97\xa5", 3, &w), 0x65E5);
    CHECK_EQ_UINT(w, 3);
    CHECK_EQ_UINT(go_decode_rune((const unsigned char *)"\xf0\x9f\x98\x80", 4, &w), 0x1F600);
    CHECK_EQ_UINT(w, 4);
    /* invalid: one byte of U+FFFD */
    static const char *const bad[] = {
        "\x80",         /* continuation byte first */
        "\xc0\x80",     /* overlong NUL */
        "\xe0\x80\x80", /* overlong */
        "\xed\xa0\x80", /* surrogate U+D800 */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
        "\xff",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        CHECK_EQ_UINT(go_decode_rune((const unsigned char *)bad[i], strlen(bad[i]), &w), 0xFFFD);
        CHECK_EQ_UINT(w, 1);
    }
    /* truncated by the length, not by the bytes */
    CHECK_EQ_UINT(go_decode_rune((const unsigned char *)"\xe6\x97\xa5", 2, &w), 0xFFFD);
    CHECK_EQ_UINT(w, 1);
    /* U+FFFD itself decodes with its width */
    CHECK_EQ_UINT(go_decode_rune((const unsigned char *)"\xef\xbf\xbd", 3, &w), 0xFFFD);
    CHECK_EQ_UINT(w, 3);
}

int main(void) {
    test_operators();
    test_keywords();
    test_longest_match();
    test_semicolon_after_statement_enders();
    test_no_semicolon_after_other_tokens();
    test_semi_newline_flag_and_position();
    test_semicolons_and_comments();
    test_positions_and_lines();
    test_comments_with_carriage_returns();
    test_numbers();
    test_strings();
    test_runes();
    test_unicode_classes();
    test_decode_rune();
    return check_finish();
}
