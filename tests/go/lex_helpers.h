/*
 * Helpers for the lexer tests: run go_lex_next over a source to the end,
 * keeping the tokens and the errors the lexer reported, and render a token
 * stream as one line of text so that a test states the whole expected
 * stream in one readable string:
 *
 *     x // c        ->  "IDENT(x) COMMENT(// c) NL IDENT(y) NL EOF"
 *     y
 *
 * Operators and keywords render as themselves, an explicit ';' as ";", a
 * semicolon inserted at a newline or at EOF (semi_newline) as "NL".
 */
#ifndef LS_TESTS_LEX_HELPERS_H
#define LS_TESTS_LEX_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"

#define MAX_TOKENS 256
#define MAX_ERRORS 16

typedef struct lexed_token {
    go_tok tok;
    uint32_t pos, end, line;
    uint32_t lit_len, end_line; /* comments only */
    bool semi_newline;
} lexed_token;

typedef struct lex_error {
    uint32_t off;
    char msg[128];
} lex_error;

typedef struct lexed {
    const char *src;
    lexed_token tokens[MAX_TOKENS];
    int ntokens; /* the last one is EOF */
    lex_error errors[MAX_ERRORS];
    int nerrors;
} lexed;

static inline void collect_lex_error(void *ctx, uint32_t off, const char *msg) {
    lexed *l = ctx;
    if (l->nerrors < MAX_ERRORS) {
        l->errors[l->nerrors].off = off;
        snprintf(l->errors[l->nerrors].msg, sizeof l->errors[0].msg, "%s", msg);
    }
    l->nerrors++;
}

/*
 * Lexes src[0..len) into *l (static storage: one lexing at a time).  The
 * lexer reads a copy in a buffer of exactly len bytes, so that AddressSanitizer
 * catches a read past the end (a string literal would have its NUL there).
 */
static inline lexed *lex_n(const char *src, size_t len) {
    static lexed l;
    memset(&l, 0, sizeof l);
    l.src = src;
    char *copy = malloc(len ? len : 1);
    memcpy(copy, src, len);
    go_lexer lx;
    go_lex_init(&lx, copy, (uint32_t)len, collect_lex_error, &l);
    do {
        go_lex_next(&lx);
        lexed_token *t = &l.tokens[l.ntokens++];
        t->tok = lx.tok;
        t->pos = lx.pos;
        t->end = lx.end;
        t->lit_len = lx.lit_len;
        t->line = lx.tok_line;
        t->end_line = lx.end_line;
        t->semi_newline = lx.semi_newline;
    } while (lx.tok != GO_TOK_EOF && l.ntokens < MAX_TOKENS);
    free(copy);
    return &l;
}

static inline lexed *lex(const char *src) { return lex_n(src, strlen(src)); }

/* The token stream of l as one line (static storage). */
static inline const char *render_tokens(const lexed *l) {
    static char out[4096];
    size_t n = 0;
    out[0] = 0;
    for (int i = 0; i < l->ntokens && n < sizeof out - 100; i++) {
        const lexed_token *t = &l->tokens[i];
        const char *sep = i ? " " : "";
        if (t->tok == GO_TOK_SEMICOLON && t->semi_newline)
            n += (size_t)snprintf(out + n, sizeof out - n, "%sNL", sep);
        else if (t->tok >= GO_TOK_COMMENT && t->tok <= GO_TOK_STRING) {
            uint32_t len = t->tok == GO_TOK_COMMENT ? t->lit_len : t->end - t->pos;
            n += (size_t)snprintf(out + n, sizeof out - n, "%s%s(%.*s)", sep, go_tok_string(t->tok),
                                  (int)(len > 60 ? 60 : len), l->src + t->pos);
        }
        else
            n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", sep, go_tok_string(t->tok));
    }
    return out;
}

/* The tokens of src as one line. */
static inline const char *tokens_of(const char *src) { return render_tokens(lex(src)); }

#endif
