/* The Go lexer (private to src/go). */
#ifndef LS_GO_LEX_H
#define LS_GO_LEX_H

#include "leakscope/goast.h"

typedef void (*go_lex_error_fn)(void *ctx, uint32_t offset, const char *msg);

typedef struct go_lexer {
    const char *src;
    uint32_t len;
    uint32_t off;      /* next unread byte */
    uint32_t line;     /* line number at off, 1-based */
    uint32_t line_off; /* offset where that line starts */
    bool insert_semi;  /* a newline or EOF now ends the statement */
    uint32_t nl_pos;   /* pending ';' after a multi-line comment, or GO_NOPOS */
    uint32_t nl_line;
    go_lex_error_fn error;
    void *error_ctx;

    /* the current token */
    go_tok tok;
    uint32_t pos;       /* first byte */
    uint32_t end;       /* one past the token as go/ast reports it */
    uint32_t tok_line;  /* line of pos */
    uint32_t end_line;  /* COMMENT only: line of the last byte */
    uint32_t lit_len;   /* COMMENT only: text bytes at src + pos (end - pos is
                           shorter when carriage returns are dropped) */
    bool semi_newline;  /* SEMICOLON that stands for a newline or EOF */
} go_lexer;

void go_lex_init(go_lexer *lx, const char *src, uint32_t len, go_lex_error_fn error, void *ctx);
/* Advances to the next token, comments included. */
void go_lex_next(go_lexer *lx);

/*
 * Removes carriage returns as go/scanner does from comments and raw
 * strings (general comments keep the \r of "*\r/").  Writes to out when it
 * is not NULL; returns the resulting length.
 */
size_t go_strip_cr(const char *raw, size_t n, bool general_comment, char *out);

bool go_is_letter_rune(uint32_t r);
bool go_is_digit_rune(uint32_t r);
/* Decodes one UTF-8 sequence like Go's utf8.DecodeRune; *width is 1 and the
 * result 0xFFFD for invalid input. */
uint32_t go_decode_rune(const unsigned char *s, size_t n, uint32_t *width);

#endif
