/*
 * Go parser: recursive descent over the lexer's tokens, building go_node
 * trees in the file's arena.
 *
 * The tree is meant to be indistinguishable from go/parser's (same shapes,
 * same positions, same handling of the composite-literal ambiguity in
 * statement headers, of generic type parameters and instantiations), and a
 * file is rejected exactly when go/parser rejects it; tests/go compare the
 * two over all of GOROOT.  Two ideas a reader needs:
 *
 *  - Lists are collected on a scratch stack of node pointers and copied
 *    into the arena once their length is known (go_list), so building a
 *    list costs no reallocation; nested lists just stack up.
 *  - Error recovery follows go/parser: report, skip to a token that can
 *    start a statement or declaration, continue.  Recursion depth is
 *    bounded; past the bound (or after too many errors) the parser stops
 *    with a diagnostic and keeps what it built.
 */
#include "parse.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lex.h"

#define MAX_ERRORS 200
#define DEFAULT_MAX_DEPTH 10000

typedef struct parser {
    go_lexer lx;
    go_file *file;
    ls_arena *arena;

    int expr_lev; /* < 0: in a control clause header; >= 0: in an expression */
    bool in_rhs;  /* '=' reads as '==' (for better errors in go/parser terms) */
    uint32_t depth, max_depth;

    go_pos sync_pos;
    int sync_cnt;

    go_node **stack; /* scratch for lists */
    size_t sp, cap;

    go_node **comments; /* comment groups, in source order (malloc'd) */
    size_t ncomments, comments_cap;
    go_node **imports;
    size_t nimports, imports_cap;

    go_syntax_error *errs;
    size_t nerrs, errs_cap;
    jmp_buf bail;
    size_t decls_mark, decls_done; /* top-level declarations completed so far */

    /* Recovery to the next top-level declaration: while frozen, the current
     * token reads as EOF so every open construct winds up at once. */
    bool frozen;
    go_tok frozen_tok;
    go_pos frozen_at;
} parser;

/* ---- scratch stack and nodes ------------------------------------------- */

static void push(parser *p, go_node *n) {
    if (p->sp == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 1024;
        go_node **s = realloc(p->stack, p->cap * sizeof *s);
        if (!s) {
            fprintf(stderr, "leakscope: out of memory\n");
            abort();
        }
        p->stack = s;
    }
    p->stack[p->sp++] = n;
}

static go_list pop_list(parser *p, size_t mark) {
    go_list l = {NULL, (uint32_t)(p->sp - mark)};
    if (l.len) {
        l.at = ls_arena_alloc(p->arena, l.len * sizeof *l.at);
        for (uint32_t i = 0; i < l.len; i++) /* lists are short: no memcpy call */
            l.at[i] = p->stack[mark + i];
    }
    p->sp = mark;
    return l;
}

static go_list list1(parser *p, go_node *n) {
    go_list l = {ls_arena_alloc(p->arena, sizeof(go_node *)), 1};
    l.at[0] = n;
    return l;
}

static void append_ptr(go_node ***v, size_t *n, size_t *cap, go_node *x) {
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        go_node **nv = realloc(*v, *cap * sizeof *nv);
        if (!nv) {
            fprintf(stderr, "leakscope: out of memory\n");
            abort();
        }
        *v = nv;
    }
    (*v)[(*n)++] = x;
}

static go_node *node(parser *p, go_kind kind, go_pos pos, go_pos end) {
    go_node *n = ls_arena_alloc(p->arena, sizeof *n);
    memset(n, 0, sizeof *n);
    n->kind = (uint8_t)kind;
    p->file->kind_count[kind]++;
    n->pos = pos;
    n->end = end;
    return n;
}

static inline go_pos end_of(const go_node *n) { return n ? n->end : GO_NOPOS; }
static inline go_pos pos_of(const go_node *n) { return n ? n->pos : GO_NOPOS; }
static inline go_pos last_end(go_list l) { return l.len ? l.at[l.len - 1]->end : GO_NOPOS; }

static go_node *unparen(go_node *x) {
    while (x && x->kind == GO_PAREN_EXPR)
        x = x->u.paren.x;
    return x;
}

/* ---- errors ------------------------------------------------------------ */

static void add_error(parser *p, go_pos pos, const char *msg) {
    if (p->nerrs == p->errs_cap) {
        p->errs_cap = p->errs_cap ? p->errs_cap * 2 : 16;
        go_syntax_error *e = realloc(p->errs, p->errs_cap * sizeof *e);
        if (!e) {
            fprintf(stderr, "leakscope: out of memory\n");
            abort();
        }
        p->errs = e;
    }
    p->errs[p->nerrs].pos = pos;
    p->errs[p->nerrs].msg = ls_arena_strndup(p->arena, msg, strlen(msg));
    p->nerrs++;
}

static void error_at(parser *p, go_pos pos, const char *msg) {
    if (p->frozen)
        return; /* winding up after an error: the rest would be echoes */
    add_error(p, pos, msg);
    if (p->nerrs >= MAX_ERRORS) {
        add_error(p, p->lx.pos, "too many syntax errors; the rest of the file is not parsed");
        longjmp(p->bail, 1);
    }
}

static void lexer_error(void *ctx, uint32_t off, const char *msg) {
    parser *p = ctx;
    add_error(p, off, msg);
}

static const char *tok_desc(parser *p, char *buf, size_t n) {
    if (p->lx.tok == GO_TOK_SEMICOLON && p->lx.semi_newline)
        return "newline";
    if (p->lx.tok >= GO_TOK_IDENT && p->lx.tok <= GO_TOK_STRING) {
        /* the literal, shortened, with control bytes escaped so that a
         * message is always one line */
        static const char hex[] = "0123456789abcdef";
        size_t k = 0;
        for (uint32_t i = p->lx.pos; i < p->lx.end && k + 5 < n; i++) {
            unsigned char c = (unsigned char)p->lx.src[i];
            if (c < 0x20 || c == 0x7f) {
                buf[k++] = '\\';
                buf[k++] = 'x';
                buf[k++] = hex[c >> 4];
                buf[k++] = hex[c & 15];
            } else {
                buf[k++] = (char)c;
            }
        }
        buf[k] = 0;
        return buf;
    }
    snprintf(buf, n, "'%s'", go_tok_string(p->lx.tok));
    return buf;
}

static void error_expected(parser *p, go_pos pos, const char *what) {
    char msg[160], tb[64];
    if (pos == p->lx.pos)
        snprintf(msg, sizeof msg, "expected %s, found %s", what, tok_desc(p, tb, sizeof tb));
    else
        snprintf(msg, sizeof msg, "expected %s", what);
    error_at(p, pos, msg);
}

/* ---- tokens and comments ------------------------------------------------ */

/* The current token is read straight from the lexer: copying it would make
 * the CPU reload fields it has just stored, a stall on every token. */
static inline void next0(parser *p) {
    if (__builtin_expect(!p->frozen, 1))
        go_lex_next(&p->lx);
}

/* Collects consecutive comments no more than n lines apart into a group. */
static void consume_comment_group(parser *p, uint32_t n) {
    size_t mark = p->sp;
    uint32_t endline = p->lx.tok_line;
    while (p->lx.tok == GO_TOK_COMMENT && p->lx.tok_line <= endline + n) {
        go_node *c = node(p, GO_COMMENT, p->lx.pos, p->lx.end);
        c->u.lit.text = p->lx.src + p->lx.pos;
        c->u.lit.len = p->lx.lit_len;
        push(p, c);
        endline = p->lx.end_line;
        next0(p);
    }
    go_list l = pop_list(p, mark);
    go_node *g = node(p, GO_COMMENT_GROUP, l.at[0]->pos, l.at[l.len - 1]->end);
    g->u.comment_group.list = l;
    append_ptr(&p->comments, &p->ncomments, &p->comments_cap, g);
}

static void take_comments(parser *p, uint32_t prev_line);

static inline void next(parser *p) {
    uint32_t prev_line = p->lx.tok_line;
    next0(p);
    if (__builtin_expect(p->lx.tok == GO_TOK_COMMENT, 0))
        take_comments(p, prev_line);
}

static __attribute__((noinline)) void take_comments(parser *p, uint32_t prev_line) {
    if (p->lx.tok_line == prev_line)
        consume_comment_group(p, 0); /* comments on the previous token's line */
    while (p->lx.tok == GO_TOK_COMMENT)
        consume_comment_group(p, 1);
}

static __attribute__((noinline)) void report_missing(parser *p, go_tok tok) {
    char what[32];
    snprintf(what, sizeof what, "'%s'", go_tok_string(tok));
    error_expected(p, p->lx.pos, what);
}

static inline go_pos expect(parser *p, go_tok tok) {
    go_pos pos = p->lx.pos;
    if (__builtin_expect(p->lx.tok != tok, 0))
        report_missing(p, tok);
    next(p);
    return pos;
}

/* Like expect, but an absent token has no position. */
static go_pos expect2(parser *p, go_tok tok) {
    go_pos pos = GO_NOPOS;
    if (p->lx.tok == tok) {
        pos = p->lx.pos;
    } else {
        char what[32];
        snprintf(what, sizeof what, "'%s'", go_tok_string(tok));
        error_expected(p, p->lx.pos, what);
    }
    next(p);
    return pos;
}

static go_pos expect_closing(parser *p, go_tok tok, const char *context) {
    if (p->lx.tok != tok && p->lx.tok == GO_TOK_SEMICOLON && p->lx.semi_newline) {
        char msg[96];
        snprintf(msg, sizeof msg, "missing ',' before newline in %s", context);
        error_at(p, p->lx.pos, msg);
        next(p);
    }
    return expect(p, tok);
}

static bool in_set(go_tok t, const go_tok *set) {
    for (; *set != GO_TOK_ILLEGAL; set++)
        if (*set == t)
            return true;
    return false;
}

static const go_tok stmt_start[] = {GO_TOK_BREAK, GO_TOK_CONST, GO_TOK_CONTINUE, GO_TOK_DEFER,
                                    GO_TOK_FALLTHROUGH, GO_TOK_FOR, GO_TOK_GO, GO_TOK_GOTO,
                                    GO_TOK_IF, GO_TOK_RETURN, GO_TOK_SELECT, GO_TOK_SWITCH,
                                    GO_TOK_TYPE, GO_TOK_VAR, GO_TOK_ILLEGAL};
static const go_tok decl_start[] = {GO_TOK_IMPORT, GO_TOK_CONST, GO_TOK_TYPE, GO_TOK_VAR,
                                    GO_TOK_ILLEGAL};
static const go_tok expr_end[] = {GO_TOK_COMMA, GO_TOK_COLON, GO_TOK_SEMICOLON, GO_TOK_RPAREN,
                                  GO_TOK_RBRACK, GO_TOK_RBRACE, GO_TOK_ILLEGAL};

/* Skips to a token of the set, making sure recovery always makes progress. */
/*
 * A declaration keyword in column 1 starts the next top-level declaration
 * in gofmt'd code.  Recovery that reaches one inside a construct stops there
 * and unwinds to the top level, so one broken function does not swallow the
 * next.  Only ever reached after an error, so it cannot change which files
 * are rejected; frozen_at ensures progress.
 */
static bool at_top_level_decl(const parser *p) {
    go_tok t = p->lx.tok;
    return p->lx.pos == p->lx.line_off &&
           (p->frozen_at == GO_NOPOS || p->lx.pos > p->frozen_at) &&
           (t == GO_TOK_FUNC || t == GO_TOK_TYPE || t == GO_TOK_VAR || t == GO_TOK_CONST ||
            t == GO_TOK_IMPORT);
}

static void advance(parser *p, const go_tok *to) {
    for (; p->lx.tok != GO_TOK_EOF; next(p)) {
        if (at_top_level_decl(p)) {
            p->frozen = true;
            p->frozen_tok = p->lx.tok;
            p->frozen_at = p->lx.pos;
            p->lx.tok = GO_TOK_EOF;
            return;
        }
        if (!in_set(p->lx.tok, to))
            continue;
        if (p->lx.pos == p->sync_pos && p->sync_cnt < 10) {
            p->sync_cnt++;
            return;
        }
        if (p->sync_pos == GO_NOPOS || p->lx.pos > p->sync_pos) {
            p->sync_pos = p->lx.pos;
            p->sync_cnt = 0;
            return;
        }
    }
}

static void expect_semi(parser *p) {
    switch (p->lx.tok) {
    case GO_TOK_RPAREN:
    case GO_TOK_RBRACE:
        return; /* optional before a closing ')' or '}' */
    case GO_TOK_COMMA:
        error_expected(p, p->lx.pos, "';'");
        /* fallthrough */
    case GO_TOK_SEMICOLON:
        next(p);
        return;
    default:
        error_expected(p, p->lx.pos, "';'");
        advance(p, stmt_start);
    }
}

static bool at_comma(parser *p, const char *context, go_tok follow) {
    if (p->lx.tok == GO_TOK_COMMA)
        return true;
    if (p->lx.tok != follow) {
        char msg[96];
        snprintf(msg, sizeof msg, "missing ','%s in %s",
                 p->lx.tok == GO_TOK_SEMICOLON && p->lx.semi_newline ? " before newline" : "", context);
        error_at(p, p->lx.pos, msg);
        return true; /* "insert" the comma and go on */
    }
    return false;
}

static void enter(parser *p) {
    if (++p->depth > p->max_depth) {
        error_at(p, p->lx.pos, "exceeded max nesting depth");
        longjmp(p->bail, 1);
    }
}

static void leave(parser *p) { p->depth--; }

/* ---- identifiers and expression lists ----------------------------------- */

static go_node *make_ident(parser *p, go_pos pos, const char *s, uint32_t n) {
    go_node *id = node(p, GO_IDENT, pos, pos + n);
    id->u.ident.name = ls_intern_put(p->file->names, s, n);
    return id;
}

static go_node *parse_ident(parser *p) {
    go_pos pos = p->lx.pos;
    if (p->lx.tok == GO_TOK_IDENT) {
        go_node *id = make_ident(p, pos, p->lx.src + pos, p->lx.end - pos);
        next(p);
        return id;
    }
    expect(p, GO_TOK_IDENT);
    return make_ident(p, pos, "_", 1);
}

static go_list parse_ident_list(parser *p) {
    size_t mark = p->sp;
    push(p, parse_ident(p));
    while (p->lx.tok == GO_TOK_COMMA) {
        next(p);
        push(p, parse_ident(p));
    }
    return pop_list(p, mark);
}

static go_node *parse_expr(parser *p);
static go_node *parse_rhs(parser *p);
static go_node *parse_type(parser *p);
static go_node *try_ident_or_type(parser *p);
static go_node *parse_primary_expr(parser *p, go_node *x);
static go_node *parse_binary_expr(parser *p, go_node *x, int prec1);
static go_node *parse_stmt(parser *p);
static go_node *parse_block_stmt(parser *p);
static go_node *parse_body(parser *p);
static go_node *parse_decl(parser *p, const go_tok *sync);

static go_list parse_expr_list(parser *p) {
    size_t mark = p->sp;
    push(p, parse_expr(p));
    while (p->lx.tok == GO_TOK_COMMA) {
        next(p);
        push(p, parse_expr(p));
    }
    return pop_list(p, mark);
}

static go_list parse_list(parser *p, bool in_rhs) {
    bool old = p->in_rhs;
    p->in_rhs = in_rhs;
    go_list l = parse_expr_list(p);
    p->in_rhs = old;
    return l;
}

static go_node *bad_expr(parser *p, go_pos from, go_pos to) {
    return node(p, GO_BAD_EXPR, from, to);
}

/* ---- types -------------------------------------------------------------- */

static go_node *parse_type(parser *p) {
    go_node *t = try_ident_or_type(p);
    if (t)
        return t;
    go_pos pos = p->lx.pos;
    error_expected(p, pos, "type");
    advance(p, expr_end);
    return bad_expr(p, pos, p->lx.pos);
}

static go_node *parse_type_name(parser *p, go_node *ident) {
    if (!ident)
        ident = parse_ident(p);
    if (p->lx.tok == GO_TOK_PERIOD) {
        next(p);
        go_node *sel = parse_ident(p);
        go_node *s = node(p, GO_SELECTOR_EXPR, ident->pos, sel->end);
        s->u.selector.x = ident;
        s->u.selector.sel = sel;
        return s;
    }
    return ident;
}

static go_node *pack_index_expr(parser *p, go_node *x, go_pos lbrack, go_list args, go_pos rbrack) {
    if (args.len == 1) {
        go_node *n = node(p, GO_INDEX_EXPR, x->pos, rbrack + 1);
        n->u.index.x = x;
        n->u.index.index = args.at[0];
        n->u.index.lbrack = lbrack;
        return n;
    }
    go_node *n = node(p, GO_INDEX_LIST_EXPR, x->pos, rbrack + 1);
    n->u.index_list.x = x;
    n->u.index_list.indices = args;
    n->u.index_list.lbrack = lbrack;
    return n;
}

static go_node *parse_type_instance(parser *p, go_node *typ) {
    go_pos opening = expect(p, GO_TOK_LBRACK);
    p->expr_lev++;
    size_t mark = p->sp;
    while (p->lx.tok != GO_TOK_RBRACK && p->lx.tok != GO_TOK_EOF) {
        push(p, parse_type(p));
        if (!at_comma(p, "type argument list", GO_TOK_RBRACK))
            break;
        next(p);
    }
    p->expr_lev--;
    go_list list = pop_list(p, mark);
    go_pos closing = expect_closing(p, GO_TOK_RBRACK, "type argument list");
    if (list.len == 0) {
        error_expected(p, closing, "type argument list");
        return pack_index_expr(p, typ, opening, list1(p, bad_expr(p, opening + 1, closing)), closing);
    }
    return pack_index_expr(p, typ, opening, list, closing);
}

static go_node *parse_qualified_ident(parser *p, go_node *ident) {
    go_node *t = parse_type_name(p, ident);
    if (p->lx.tok == GO_TOK_LBRACK)
        t = parse_type_instance(p, t);
    return t;
}

static go_node *array_type(parser *p, go_pos lbrack, go_node *len, go_node *elt) {
    go_node *n = node(p, GO_ARRAY_TYPE, lbrack, elt->end);
    n->u.array.len = len;
    n->u.array.elt = elt;
    return n;
}

static go_node *parse_array_type(parser *p, go_pos lbrack, go_node *len) {
    if (!len) {
        p->expr_lev++;
        if (p->lx.tok == GO_TOK_ELLIPSIS) {
            len = node(p, GO_ELLIPSIS, p->lx.pos, p->lx.pos + 3);
            next(p);
        } else if (p->lx.tok != GO_TOK_RBRACK) {
            len = parse_rhs(p);
        }
        p->expr_lev--;
    }
    if (p->lx.tok == GO_TOK_COMMA) {
        error_at(p, p->lx.pos, "unexpected comma; expecting ]");
        next(p);
    }
    expect(p, GO_TOK_RBRACK);
    return array_type(p, lbrack, len, parse_type(p));
}

/*
 * After "name [" in a field or parameter: either an array type ("a [n]T")
 * or a generic instantiation ("T[P]").  Returns the array type with *name
 * kept, or the instantiation with *name cleared.
 */
static go_node *parse_array_field_or_type_instance(parser *p, go_node **name) {
    go_pos lbrack = expect(p, GO_TOK_LBRACK);
    go_pos trailing_comma = GO_NOPOS;
    size_t mark = p->sp;
    if (p->lx.tok != GO_TOK_RBRACK) {
        p->expr_lev++;
        push(p, parse_rhs(p));
        while (p->lx.tok == GO_TOK_COMMA) {
            go_pos comma = p->lx.pos;
            next(p);
            if (p->lx.tok == GO_TOK_RBRACK) {
                trailing_comma = comma;
                break;
            }
            push(p, parse_rhs(p));
        }
        p->expr_lev--;
    }
    go_list args = pop_list(p, mark);
    go_pos rbrack = expect(p, GO_TOK_RBRACK);
    if (args.len == 0)
        return array_type(p, lbrack, NULL, parse_type(p));
    if (args.len == 1) {
        go_node *elt = try_ident_or_type(p);
        if (elt) {
            if (trailing_comma != GO_NOPOS)
                error_at(p, trailing_comma, "unexpected comma; expecting ]");
            return array_type(p, lbrack, args.at[0], elt);
        }
    }
    go_node *x = *name;
    *name = NULL;
    return pack_index_expr(p, x, lbrack, args, rbrack);
}

static go_node *string_lit(parser *p) {
    go_node *n = node(p, GO_BASIC_LIT, p->lx.pos, p->lx.end);
    n->op = GO_TOK_STRING;
    n->u.lit.text = p->lx.src + p->lx.pos;
    n->u.lit.len = p->lx.end - p->lx.pos;
    return n;
}

static go_node *make_field(parser *p, go_list names, go_node *type, go_node *tag) {
    go_pos pos = names.len ? names.at[0]->pos : pos_of(type);
    go_pos end = tag ? tag->end : type ? type->end : last_end(names);
    go_node *f = node(p, GO_FIELD, pos, end);
    f->u.field.names = names;
    f->u.field.type = type;
    f->u.field.tag = tag;
    return f;
}

static go_node *star_expr(parser *p, go_pos star, go_node *x) {
    go_node *n = node(p, GO_STAR_EXPR, star, x->end);
    n->u.star.x = x;
    return n;
}

static go_node *parse_field_decl(parser *p) {
    go_list names = {NULL, 0};
    go_node *typ = NULL;
    switch (p->lx.tok) {
    case GO_TOK_IDENT: {
        go_node *name = parse_ident(p);
        if (p->lx.tok == GO_TOK_PERIOD || p->lx.tok == GO_TOK_STRING || p->lx.tok == GO_TOK_SEMICOLON ||
            p->lx.tok == GO_TOK_RBRACE) {
            typ = name; /* embedded type */
            if (p->lx.tok == GO_TOK_PERIOD)
                typ = parse_qualified_ident(p, name);
        } else {
            size_t mark = p->sp;
            push(p, name);
            while (p->lx.tok == GO_TOK_COMMA) {
                next(p);
                push(p, parse_ident(p));
            }
            if (p->sp - mark == 1 && p->lx.tok == GO_TOK_LBRACK) {
                p->sp = mark;
                typ = parse_array_field_or_type_instance(p, &name);
                if (name)
                    names = list1(p, name);
            } else {
                names = pop_list(p, mark);
                typ = parse_type(p);
            }
        }
        break;
    }
    case GO_TOK_MUL: {
        go_pos star = p->lx.pos;
        next(p);
        if (p->lx.tok == GO_TOK_LPAREN) {
            error_at(p, p->lx.pos, "cannot parenthesize embedded type");
            next(p);
            typ = parse_qualified_ident(p, NULL);
            if (p->lx.tok == GO_TOK_RPAREN)
                next(p);
        } else {
            typ = parse_qualified_ident(p, NULL);
        }
        typ = star_expr(p, star, typ);
        break;
    }
    case GO_TOK_LPAREN:
        error_at(p, p->lx.pos, "cannot parenthesize embedded type");
        next(p);
        if (p->lx.tok == GO_TOK_MUL) {
            go_pos star = p->lx.pos;
            next(p);
            typ = star_expr(p, star, parse_qualified_ident(p, NULL));
        } else {
            typ = parse_qualified_ident(p, NULL);
        }
        if (p->lx.tok == GO_TOK_RPAREN)
            next(p);
        break;
    default: {
        go_pos pos = p->lx.pos;
        error_expected(p, pos, "field name or embedded type");
        advance(p, expr_end);
        typ = bad_expr(p, pos, p->lx.pos);
    }
    }
    go_node *tag = NULL;
    if (p->lx.tok == GO_TOK_STRING) {
        tag = string_lit(p);
        next(p);
    }
    expect_semi(p);
    return make_field(p, names, typ, tag);
}

static go_node *field_list(parser *p, go_pos opening, go_list list, go_pos closing) {
    go_pos pos = opening != GO_NOPOS ? opening : list.len ? list.at[0]->pos : GO_NOPOS;
    go_pos end = closing != GO_NOPOS ? closing + 1 : last_end(list);
    go_node *n = node(p, GO_FIELD_LIST, pos, end);
    n->u.field_list.list = list;
    n->u.field_list.opening = opening;
    n->u.field_list.closing = closing;
    return n;
}

static go_node *parse_struct_type(parser *p) {
    go_pos pos = expect(p, GO_TOK_STRUCT);
    go_pos lbrace = expect(p, GO_TOK_LBRACE);
    size_t mark = p->sp;
    while (p->lx.tok == GO_TOK_IDENT || p->lx.tok == GO_TOK_MUL || p->lx.tok == GO_TOK_LPAREN)
        push(p, parse_field_decl(p));
    go_list list = pop_list(p, mark);
    go_pos rbrace = expect(p, GO_TOK_RBRACE);
    go_node *fields = field_list(p, lbrace, list, rbrace);
    go_node *n = node(p, GO_STRUCT_TYPE, pos, fields->end);
    n->u.struct_type.fields = fields;
    return n;
}

static go_node *parse_pointer_type(parser *p) {
    go_pos star = expect(p, GO_TOK_MUL);
    return star_expr(p, star, parse_type(p));
}

static go_node *parse_dots_type(parser *p) {
    go_pos pos = expect(p, GO_TOK_ELLIPSIS);
    go_node *elt = parse_type(p);
    go_node *n = node(p, GO_ELLIPSIS, pos, elt->end);
    n->u.ellipsis.elt = elt;
    return n;
}

static go_node *binary(parser *p, go_node *x, go_tok op, go_pos op_pos, go_node *y) {
    go_node *n = node(p, GO_BINARY_EXPR, x->pos, y->end);
    n->op = (uint8_t)op;
    n->u.binary.x = x;
    n->u.binary.y = y;
    n->u.binary.op_pos = op_pos;
    return n;
}

static go_node *unary(parser *p, go_tok op, go_pos op_pos, go_node *x) {
    go_node *n = node(p, GO_UNARY_EXPR, op_pos, x->end);
    n->op = (uint8_t)op;
    n->u.unary.x = x;
    return n;
}

/* A term of a constraint: "~T" or a type. */
static go_node *embedded_term(parser *p) {
    if (p->lx.tok == GO_TOK_TILDE) {
        go_pos pos = p->lx.pos;
        next(p);
        return unary(p, GO_TOK_TILDE, pos, parse_type(p));
    }
    go_node *t = try_ident_or_type(p);
    if (!t) {
        go_pos pos = p->lx.pos;
        error_expected(p, pos, "~ term or type");
        advance(p, expr_end);
        return bad_expr(p, pos, p->lx.pos);
    }
    return t;
}

/* A union of terms: "A | ~B | C". */
static go_node *embedded_elem(parser *p, go_node *x) {
    if (!x)
        x = embedded_term(p);
    while (p->lx.tok == GO_TOK_OR) {
        go_pos pos = p->lx.pos;
        next(p);
        x = binary(p, x, GO_TOK_OR, pos, embedded_term(p));
    }
    return x;
}

typedef struct param {
    go_node *name, *typ;
} param;

static param parse_param_decl(parser *p, go_node *name, bool type_sets_ok) {
    param f = {NULL, NULL};
    go_tok ptok = p->lx.tok;
    if (name)
        ptok = GO_TOK_IDENT; /* the name was read already */
    else if (type_sets_ok && p->lx.tok == GO_TOK_TILDE) {
        f.typ = embedded_elem(p, NULL);
        return f;
    }
    switch (ptok) {
    case GO_TOK_IDENT:
        f.name = name ? name : parse_ident(p);
        switch (p->lx.tok) {
        case GO_TOK_IDENT: case GO_TOK_MUL: case GO_TOK_ARROW: case GO_TOK_FUNC:
        case GO_TOK_CHAN: case GO_TOK_MAP: case GO_TOK_STRUCT: case GO_TOK_INTERFACE:
        case GO_TOK_LPAREN:
            f.typ = parse_type(p);
            break;
        case GO_TOK_LBRACK:
            f.typ = parse_array_field_or_type_instance(p, &f.name);
            break;
        case GO_TOK_ELLIPSIS:
            f.typ = parse_dots_type(p);
            return f;
        case GO_TOK_PERIOD:
            f.typ = parse_qualified_ident(p, f.name);
            f.name = NULL;
            break;
        case GO_TOK_TILDE:
            if (type_sets_ok) {
                f.typ = embedded_elem(p, NULL);
                return f;
            }
            break;
        case GO_TOK_OR:
            if (type_sets_ok) {
                f.typ = embedded_elem(p, f.name);
                f.name = NULL;
                return f;
            }
            break;
        default:
            break;
        }
        break;
    case GO_TOK_MUL: case GO_TOK_ARROW: case GO_TOK_FUNC: case GO_TOK_LBRACK:
    case GO_TOK_CHAN: case GO_TOK_MAP: case GO_TOK_STRUCT: case GO_TOK_INTERFACE:
    case GO_TOK_LPAREN:
        f.typ = parse_type(p);
        break;
    case GO_TOK_ELLIPSIS:
        f.typ = parse_dots_type(p);
        return f;
    default:
        error_expected(p, p->lx.pos, "')'");
        advance(p, expr_end);
    }
    if (type_sets_ok && p->lx.tok == GO_TOK_OR && f.typ)
        f.typ = embedded_elem(p, f.typ);
    return f;
}

/*
 * A parameter or type parameter list, up to (not including) the closing
 * token.  Parameters are gathered as (name, type) pairs on the scratch
 * stack first because "a, b, c" means three types or three names depending
 * on what follows; then grouped into fields as go/ast groups them.
 */
static go_list parse_parameter_list(parser *p, go_node *name0, go_node *typ0, go_tok closing,
                                    bool dddok) {
    bool tparams = closing == GO_TOK_RBRACK;
    go_pos pos0 = name0 ? name0->pos : typ0 ? typ0->pos : p->lx.pos;
    size_t mark = p->sp; /* pairs: name, typ */
    uint32_t named = 0, typed = 0;
    while (name0 || (p->lx.tok != closing && p->lx.tok != GO_TOK_EOF)) {
        param par;
        if (typ0) {
            if (tparams)
                typ0 = embedded_elem(p, typ0);
            par.name = name0;
            par.typ = typ0;
        } else {
            par = parse_param_decl(p, name0, tparams);
        }
        name0 = NULL;
        typ0 = NULL;
        if (par.name || par.typ) {
            push(p, par.name);
            push(p, par.typ);
            if (par.name && par.typ)
                named++;
            if (par.typ)
                typed++;
        }
        if (!at_comma(p, "parameter list", closing))
            break;
        next(p);
    }
    go_node **pairs = p->stack + mark;
    size_t n = (p->sp - mark) / 2;
    go_list out = {NULL, 0};
    if (n == 0) {
        p->sp = mark;
        return out;
    }
    if (named == 0) {
        /* all types: a lone name is a type name */
        for (size_t i = 0; i < n; i++) {
            if (pairs[2 * i]) {
                pairs[2 * i + 1] = pairs[2 * i];
                pairs[2 * i] = NULL;
            }
        }
        if (tparams) {
            if (named == typed)
                error_at(p, p->lx.pos, "missing type constraint");
            else
                error_at(p, pos0, n == 1 ? "missing type parameter name or invalid array length"
                                         : "missing type parameter name");
        }
    } else if (named != n) {
        /* some names lack a type: they share the type to their right */
        go_pos err_pos = GO_NOPOS;
        go_node *typ = NULL;
        for (size_t k = n; k-- > 0;) {
            go_node **nm = &pairs[2 * k], **ty = &pairs[2 * k + 1];
            if (*ty) {
                typ = *ty;
                if (!*nm) {
                    err_pos = typ->pos;
                    *nm = make_ident(p, err_pos, "_", 1);
                }
            } else if (typ) {
                *ty = typ;
            } else {
                err_pos = (*nm)->pos;
                *ty = bad_expr(p, err_pos, p->lx.pos);
            }
        }
        if (err_pos != GO_NOPOS) {
            if (named == typed)
                error_at(p, p->lx.pos, tparams ? "missing type constraint" : "missing parameter type");
            else
                error_at(p, err_pos, tparams ? (n == 1 ? "missing type parameter name or invalid array length"
                                                       : "missing type parameter name")
                                             : "missing parameter name");
        }
    }
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        go_node *t = pairs[2 * i + 1];
        if (t && t->kind == GO_ELLIPSIS && (!dddok || i + 1 < n)) {
            if (first) {
                first = false;
                error_at(p, t->pos, dddok ? "can only use ... with final parameter" : "invalid use of ...");
            }
            pairs[2 * i + 1] = bad_expr(p, t->pos, t->end);
        }
    }
    /* group consecutive names that share one type node into one field */
    size_t fields_mark = p->sp;
    if (named == 0) {
        for (size_t i = 0; i < n; i++)
            push(p, make_field(p, (go_list){NULL, 0}, p->stack[mark + 2 * i + 1], NULL));
    } else {
        size_t i = 0;
        while (i < n) {
            go_node *typ = p->stack[mark + 2 * i + 1];
            size_t j = i;
            while (j < n && p->stack[mark + 2 * j + 1] == typ)
                j++;
            go_list names = {ls_arena_alloc(p->arena, (j - i) * sizeof(go_node *)), (uint32_t)(j - i)};
            for (size_t k = i; k < j; k++)
                names.at[k - i] = p->stack[mark + 2 * k];
            push(p, make_field(p, names, typ, NULL));
            i = j;
        }
    }
    out = pop_list(p, fields_mark);
    p->sp = mark;
    return out;
}

static go_node *parse_type_parameters(parser *p) {
    go_pos lbrack = expect(p, GO_TOK_LBRACK);
    go_list list = {NULL, 0};
    if (p->lx.tok != GO_TOK_RBRACK)
        list = parse_parameter_list(p, NULL, NULL, GO_TOK_RBRACK, false);
    go_pos rbrack = expect(p, GO_TOK_RBRACK);
    if (list.len == 0) {
        error_at(p, rbrack, "empty type parameter list");
        return NULL;
    }
    return field_list(p, lbrack, list, rbrack);
}

static go_node *parse_parameters(parser *p, bool result) {
    if (!result || p->lx.tok == GO_TOK_LPAREN) {
        go_pos lparen = expect(p, GO_TOK_LPAREN);
        go_list list = {NULL, 0};
        if (p->lx.tok != GO_TOK_RPAREN)
            list = parse_parameter_list(p, NULL, NULL, GO_TOK_RPAREN, !result);
        go_pos rparen = expect(p, GO_TOK_RPAREN);
        return field_list(p, lparen, list, rparen);
    }
    go_node *t = try_ident_or_type(p);
    if (t)
        return field_list(p, GO_NOPOS, list1(p, make_field(p, (go_list){NULL, 0}, t, NULL)), GO_NOPOS);
    return NULL;
}

static go_node *func_type(parser *p, go_pos func, go_node *tparams, go_node *params, go_node *results) {
    go_pos pos = (func != GO_NOPOS || !params) ? func : params->pos;
    go_node *n = node(p, GO_FUNC_TYPE, pos, results ? results->end : end_of(params));
    n->u.func_type.func = func;
    n->u.func_type.type_params = tparams;
    n->u.func_type.params = params;
    n->u.func_type.results = results;
    return n;
}

static go_node *parse_func_type(parser *p) {
    go_pos pos = expect(p, GO_TOK_FUNC);
    if (p->lx.tok == GO_TOK_LBRACK) {
        go_node *tparams = parse_type_parameters(p);
        if (tparams)
            error_at(p, tparams->u.field_list.opening, "function type must have no type parameters");
    }
    go_node *params = parse_parameters(p, false);
    go_node *results = parse_parameters(p, true);
    return func_type(p, pos, NULL, params, results);
}

static go_node *parse_method_spec(parser *p) {
    go_list idents = {NULL, 0};
    go_node *typ;
    go_node *x = parse_type_name(p, NULL);
    if (x->kind == GO_IDENT) {
        go_node *ident = x;
        if (p->lx.tok == GO_TOK_LBRACK) {
            /* generic method (an error) or an embedded instantiated type */
            go_pos lbrack = p->lx.pos;
            next(p);
            p->expr_lev++;
            go_node *e = parse_expr(p);
            p->expr_lev--;
            if (e->kind == GO_IDENT && p->lx.tok != GO_TOK_COMMA && p->lx.tok != GO_TOK_RBRACK) {
                parse_parameter_list(p, e, NULL, GO_TOK_RBRACK, false);
                expect(p, GO_TOK_RBRACK);
                error_at(p, lbrack, "interface method must have no type parameters");
                go_node *params = parse_parameters(p, false);
                go_node *results = parse_parameters(p, true);
                idents = list1(p, ident);
                typ = func_type(p, GO_NOPOS, NULL, params, results);
            } else {
                size_t mark = p->sp;
                push(p, e);
                if (at_comma(p, "type argument list", GO_TOK_RBRACK)) {
                    p->expr_lev++;
                    next(p);
                    while (p->lx.tok != GO_TOK_RBRACK && p->lx.tok != GO_TOK_EOF) {
                        push(p, parse_type(p));
                        if (!at_comma(p, "type argument list", GO_TOK_RBRACK))
                            break;
                        next(p);
                    }
                    p->expr_lev--;
                }
                go_list list = pop_list(p, mark);
                go_pos rbrack = expect_closing(p, GO_TOK_RBRACK, "type argument list");
                typ = pack_index_expr(p, ident, lbrack, list, rbrack);
            }
        } else if (p->lx.tok == GO_TOK_LPAREN) {
            go_node *params = parse_parameters(p, false);
            go_node *results = parse_parameters(p, true);
            idents = list1(p, ident);
            typ = func_type(p, GO_NOPOS, NULL, params, results);
        } else {
            typ = x; /* embedded interface */
        }
    } else {
        typ = x; /* qualified embedded interface */
        if (p->lx.tok == GO_TOK_LBRACK)
            typ = parse_type_instance(p, typ);
    }
    return make_field(p, idents, typ, NULL);
}

static go_node *parse_interface_type(parser *p) {
    go_pos pos = expect(p, GO_TOK_INTERFACE);
    go_pos lbrace = expect(p, GO_TOK_LBRACE);
    size_t mark = p->sp;
    for (;;) {
        go_node *f;
        if (p->lx.tok == GO_TOK_IDENT) {
            f = parse_method_spec(p);
            if (f->u.field.names.len == 0) {
                f->u.field.type = embedded_elem(p, f->u.field.type);
                f->pos = f->u.field.type->pos;
                f->end = f->u.field.type->end;
            }
        } else if (p->lx.tok == GO_TOK_TILDE) {
            f = make_field(p, (go_list){NULL, 0}, embedded_elem(p, NULL), NULL);
        } else {
            go_node *t = try_ident_or_type(p);
            if (!t)
                break;
            f = make_field(p, (go_list){NULL, 0}, embedded_elem(p, t), NULL);
        }
        expect_semi(p);
        push(p, f);
    }
    go_list list = pop_list(p, mark);
    go_pos rbrace = expect(p, GO_TOK_RBRACE);
    go_node *methods = field_list(p, lbrace, list, rbrace);
    go_node *n = node(p, GO_INTERFACE_TYPE, pos, methods->end);
    n->u.interface_type.methods = methods;
    return n;
}

static go_node *parse_map_type(parser *p) {
    go_pos pos = expect(p, GO_TOK_MAP);
    expect(p, GO_TOK_LBRACK);
    go_node *key = parse_type(p);
    expect(p, GO_TOK_RBRACK);
    go_node *value = parse_type(p);
    go_node *n = node(p, GO_MAP_TYPE, pos, value->end);
    n->u.map_type.key = key;
    n->u.map_type.value = value;
    return n;
}

static go_node *chan_type(parser *p, go_pos begin, go_pos arrow, int dir, go_node *value) {
    go_node *n = node(p, GO_CHAN_TYPE, begin, value->end);
    n->op = (uint8_t)dir;
    n->u.chan_type.arrow = arrow;
    n->u.chan_type.value = value;
    return n;
}

static go_node *parse_chan_type(parser *p) {
    go_pos pos = p->lx.pos;
    int dir = GO_CHAN_BOTH;
    go_pos arrow = GO_NOPOS;
    if (p->lx.tok == GO_TOK_CHAN) {
        next(p);
        if (p->lx.tok == GO_TOK_ARROW) {
            arrow = p->lx.pos;
            next(p);
            dir = GO_CHAN_SEND;
        }
    } else {
        arrow = expect(p, GO_TOK_ARROW);
        expect(p, GO_TOK_CHAN);
        dir = GO_CHAN_RECV;
    }
    return chan_type(p, pos, arrow, dir, parse_type(p));
}

static go_node *paren(parser *p, go_pos lparen, go_node *x, go_pos rparen) {
    go_node *n = node(p, GO_PAREN_EXPR, lparen, rparen + 1);
    n->u.paren.x = x;
    return n;
}

static go_node *try_ident_or_type_inner(parser *p) {
    switch (p->lx.tok) {
    case GO_TOK_IDENT: {
        go_node *t = parse_type_name(p, NULL);
        if (p->lx.tok == GO_TOK_LBRACK)
            t = parse_type_instance(p, t);
        return t;
    }
    case GO_TOK_LBRACK: {
        go_pos lbrack = expect(p, GO_TOK_LBRACK);
        return parse_array_type(p, lbrack, NULL);
    }
    case GO_TOK_STRUCT: return parse_struct_type(p);
    case GO_TOK_MUL: return parse_pointer_type(p);
    case GO_TOK_FUNC: return parse_func_type(p);
    case GO_TOK_INTERFACE: return parse_interface_type(p);
    case GO_TOK_MAP: return parse_map_type(p);
    case GO_TOK_CHAN:
    case GO_TOK_ARROW: return parse_chan_type(p);
    case GO_TOK_LPAREN: {
        go_pos lparen = p->lx.pos;
        next(p);
        go_node *t = parse_type(p);
        go_pos rparen = expect(p, GO_TOK_RPAREN);
        return paren(p, lparen, t, rparen);
    }
    default: return NULL;
    }
}

static go_node *try_ident_or_type(parser *p) {
    enter(p);
    go_node *t = try_ident_or_type_inner(p);
    leave(p);
    return t;
}

/* ---- blocks --------------------------------------------------------------- */

static go_list parse_stmt_list(parser *p) {
    size_t mark = p->sp;
    while (p->lx.tok != GO_TOK_CASE && p->lx.tok != GO_TOK_DEFAULT && p->lx.tok != GO_TOK_RBRACE &&
           p->lx.tok != GO_TOK_EOF)
        push(p, parse_stmt(p));
    return pop_list(p, mark);
}

static go_node *block(parser *p, go_pos lbrace, go_list list, go_pos rbrace) {
    go_pos end = rbrace != GO_NOPOS ? rbrace + 1 : list.len ? last_end(list) : lbrace + 1;
    go_node *n = node(p, GO_BLOCK_STMT, lbrace, end);
    n->u.block.list = list;
    return n;
}

static go_node *parse_block_stmt(parser *p) {
    go_pos lbrace = expect(p, GO_TOK_LBRACE);
    go_list list = parse_stmt_list(p);
    go_pos rbrace = expect2(p, GO_TOK_RBRACE);
    return block(p, lbrace, list, rbrace);
}

static go_node *parse_body(parser *p) { return parse_block_stmt(p); }

/* ---- expressions ---------------------------------------------------------- */

static go_node *parse_func_type_or_lit(parser *p) {
    go_node *typ = parse_func_type(p);
    if (p->lx.tok != GO_TOK_LBRACE)
        return typ;
    p->expr_lev++;
    go_node *body = parse_body(p);
    p->expr_lev--;
    go_node *n = node(p, GO_FUNC_LIT, typ->pos, body->end);
    n->u.func_lit.type = typ;
    n->u.func_lit.body = body;
    return n;
}

static go_node *parse_operand(parser *p) {
    switch (p->lx.tok) {
    case GO_TOK_IDENT:
        return parse_ident(p);
    case GO_TOK_INT: case GO_TOK_FLOAT: case GO_TOK_IMAG: case GO_TOK_CHAR: case GO_TOK_STRING: {
        go_node *n = node(p, GO_BASIC_LIT, p->lx.pos, p->lx.end);
        n->op = (uint8_t)p->lx.tok;
        n->u.lit.text = p->lx.src + p->lx.pos;
        n->u.lit.len = p->lx.end - p->lx.pos;
        next(p);
        return n;
    }
    case GO_TOK_LPAREN: {
        go_pos lparen = p->lx.pos;
        next(p);
        p->expr_lev++;
        go_node *x = parse_rhs(p); /* types may be parenthesized too */
        p->expr_lev--;
        go_pos rparen = expect(p, GO_TOK_RPAREN);
        return paren(p, lparen, x, rparen);
    }
    case GO_TOK_FUNC:
        return parse_func_type_or_lit(p);
    default:
        break;
    }
    go_node *t = try_ident_or_type(p);
    if (t)
        return t;
    go_pos pos = p->lx.pos;
    error_expected(p, pos, "operand");
    advance(p, stmt_start);
    return bad_expr(p, pos, p->lx.pos);
}

static go_node *selector(parser *p, go_node *x, go_node *sel) {
    go_node *n = node(p, GO_SELECTOR_EXPR, x->pos, sel->end);
    n->u.selector.x = x;
    n->u.selector.sel = sel;
    return n;
}

static go_node *parse_type_assertion(parser *p, go_node *x) {
    go_pos lparen = expect(p, GO_TOK_LPAREN);
    go_node *typ = NULL;
    if (p->lx.tok == GO_TOK_TYPE)
        next(p); /* x.(type), in a type switch */
    else
        typ = parse_type(p);
    go_pos rparen = expect(p, GO_TOK_RPAREN);
    go_node *n = node(p, GO_TYPE_ASSERT_EXPR, x->pos, rparen + 1);
    n->u.type_assert.x = x;
    n->u.type_assert.type = typ;
    n->u.type_assert.lparen = lparen;
    return n;
}

static go_node *parse_index_or_slice_or_instance(parser *p, go_node *x) {
    go_pos lbrack = expect(p, GO_TOK_LBRACK);
    if (p->lx.tok == GO_TOK_RBRACK) {
        error_expected(p, p->lx.pos, "operand");
        go_pos rbrack = p->lx.pos;
        next(p);
        return pack_index_expr(p, x, lbrack, list1(p, bad_expr(p, rbrack, rbrack)), rbrack);
    }
    p->expr_lev++;
    go_node *index[3] = {NULL, NULL, NULL};
    go_pos colons[2] = {GO_NOPOS, GO_NOPOS};
    size_t mark = p->sp;
    bool has_args = false;
    if (p->lx.tok != GO_TOK_COLON)
        index[0] = parse_rhs(p);
    int ncolons = 0;
    if (p->lx.tok == GO_TOK_COLON) {
        while (p->lx.tok == GO_TOK_COLON && ncolons < 2) {
            colons[ncolons++] = p->lx.pos;
            next(p);
            if (p->lx.tok != GO_TOK_COLON && p->lx.tok != GO_TOK_RBRACK && p->lx.tok != GO_TOK_EOF)
                index[ncolons] = parse_rhs(p);
        }
    } else if (p->lx.tok == GO_TOK_COMMA) {
        has_args = true; /* instance: x[T1, T2] */
        push(p, index[0]);
        while (p->lx.tok == GO_TOK_COMMA) {
            next(p);
            if (p->lx.tok != GO_TOK_RBRACK && p->lx.tok != GO_TOK_EOF)
                push(p, parse_type(p));
        }
    }
    p->expr_lev--;
    go_list args = pop_list(p, mark);
    go_pos rbrack = expect(p, GO_TOK_RBRACK);
    if (ncolons > 0) {
        go_node *n = node(p, GO_SLICE_EXPR, x->pos, rbrack + 1);
        if (ncolons == 2) {
            n->flags |= GO_FLAG_SLICE3;
            if (!index[1]) {
                error_at(p, colons[0], "middle index required in 3-index slice");
                index[1] = bad_expr(p, colons[0] + 1, colons[1]);
            }
            if (!index[2]) {
                error_at(p, colons[1], "final index required in 3-index slice");
                index[2] = bad_expr(p, colons[1] + 1, rbrack);
            }
        }
        n->u.slice.x = x;
        n->u.slice.low = index[0];
        n->u.slice.high = index[1];
        n->u.slice.max = index[2];
        n->u.slice.lbrack = lbrack;
        return n;
    }
    if (!has_args) {
        go_node *n = node(p, GO_INDEX_EXPR, x->pos, rbrack + 1);
        n->u.index.x = x;
        n->u.index.index = index[0];
        n->u.index.lbrack = lbrack;
        return n;
    }
    return pack_index_expr(p, x, lbrack, args, rbrack);
}

static go_node *parse_call_or_conversion(parser *p, go_node *fun) {
    go_pos lparen = expect(p, GO_TOK_LPAREN);
    p->expr_lev++;
    size_t mark = p->sp;
    go_pos ellipsis = GO_NOPOS;
    while (p->lx.tok != GO_TOK_RPAREN && p->lx.tok != GO_TOK_EOF && ellipsis == GO_NOPOS) {
        push(p, parse_rhs(p)); /* builtins take types: make(T, n) */
        if (p->lx.tok == GO_TOK_ELLIPSIS) {
            ellipsis = p->lx.pos;
            next(p);
        }
        if (!at_comma(p, "argument list", GO_TOK_RPAREN))
            break;
        next(p);
    }
    p->expr_lev--;
    go_list args = pop_list(p, mark);
    go_pos rparen = expect_closing(p, GO_TOK_RPAREN, "argument list");
    go_node *n = node(p, GO_CALL_EXPR, fun->pos, rparen + 1);
    n->u.call.fun = fun;
    n->u.call.args = args;
    n->u.call.lparen = lparen;
    n->u.call.ellipsis = ellipsis;
    return n;
}

static go_node *parse_literal_value(parser *p, go_node *typ);

static go_node *parse_value(parser *p) {
    if (p->lx.tok == GO_TOK_LBRACE)
        return parse_literal_value(p, NULL);
    return parse_expr(p);
}

static go_node *parse_element(parser *p) {
    go_node *x = parse_value(p);
    if (p->lx.tok == GO_TOK_COLON) {
        go_pos colon = p->lx.pos;
        next(p);
        go_node *v = parse_value(p);
        go_node *kv = node(p, GO_KEY_VALUE_EXPR, x->pos, v->end);
        kv->u.key_value.key = x;
        kv->u.key_value.value = v;
        kv->u.key_value.colon = colon;
        x = kv;
    }
    return x;
}

static go_node *parse_literal_value(parser *p, go_node *typ) {
    enter(p);
    go_pos lbrace = expect(p, GO_TOK_LBRACE);
    size_t mark = p->sp;
    p->expr_lev++;
    while (p->lx.tok != GO_TOK_RBRACE && p->lx.tok != GO_TOK_EOF) {
        push(p, parse_element(p));
        if (!at_comma(p, "composite literal", GO_TOK_RBRACE))
            break;
        next(p);
    }
    p->expr_lev--;
    go_list elts = pop_list(p, mark);
    go_pos rbrace = expect_closing(p, GO_TOK_RBRACE, "composite literal");
    go_node *n = node(p, GO_COMPOSITE_LIT, typ ? typ->pos : lbrace, rbrace + 1);
    n->u.composite.type = typ;
    n->u.composite.elts = elts;
    n->u.composite.lbrace = lbrace;
    leave(p);
    return n;
}

/* May x be followed by a composite literal's '{' here? */
static bool literal_type_ok(parser *p, go_node *x) {
    go_node *t = unparen(x);
    switch (t->kind) {
    case GO_BAD_EXPR: case GO_IDENT: case GO_SELECTOR_EXPR:
    case GO_INDEX_EXPR: case GO_INDEX_LIST_EXPR:
        return p->expr_lev >= 0; /* in a statement header '{' starts the block */
    case GO_ARRAY_TYPE: case GO_STRUCT_TYPE: case GO_MAP_TYPE:
        return true;
    default:
        return false;
    }
}

/*
 * Suffix chains (a.b.c(), x[i][j]) and operator chains (a + b + c) are
 * loops, not recursion, yet they build trees as deep as they are long.
 * Each turn of those loops counts as a nesting level, as in go/parser, so
 * max_depth bounds the depth of every tree and the same files are refused.
 */
static go_node *parse_primary_expr(parser *p, go_node *x) {
    if (!x)
        x = parse_operand(p);
    uint32_t base = p->depth;
    for (;;) {
        enter(p);
        switch (p->lx.tok) {
        case GO_TOK_PERIOD:
            next(p);
            if (p->lx.tok == GO_TOK_IDENT) {
                x = selector(p, x, parse_ident(p));
            } else if (p->lx.tok == GO_TOK_LPAREN) {
                x = parse_type_assertion(p, x);
            } else {
                go_pos pos = p->lx.pos;
                error_expected(p, pos, "selector or type assertion");
                if (p->lx.tok != GO_TOK_RBRACE)
                    next(p); /* make progress */
                x = selector(p, x, make_ident(p, pos, "_", 1));
            }
            break;
        case GO_TOK_LBRACK:
            x = parse_index_or_slice_or_instance(p, x);
            break;
        case GO_TOK_LPAREN:
            x = parse_call_or_conversion(p, x);
            break;
        case GO_TOK_LBRACE:
            if (!literal_type_ok(p, x)) {
                p->depth = base;
                return x;
            }
            if (unparen(x) != x)
                error_at(p, unparen(x)->pos, "cannot parenthesize type in composite literal");
            x = parse_literal_value(p, x);
            break;
        default:
            p->depth = base;
            return x;
        }
    }
}

static go_node *parse_unary_expr(parser *p);

static go_node *parse_unary_expr_inner(parser *p) {
    switch (p->lx.tok) {
    case GO_TOK_ADD: case GO_TOK_SUB: case GO_TOK_NOT: case GO_TOK_XOR: case GO_TOK_AND:
    case GO_TOK_TILDE: {
        go_pos pos = p->lx.pos;
        go_tok op = p->lx.tok;
        next(p);
        go_node *x = parse_unary_expr(p);
        return unary(p, op, pos, x);
    }
    case GO_TOK_ARROW: {
        go_pos arrow = p->lx.pos;
        next(p);
        go_node *x = parse_unary_expr(p);
        if (x->kind == GO_CHAN_TYPE) {
            /* <-chan T, <-chan chan T, ...: re-associate the arrows */
            int dir = GO_CHAN_SEND;
            go_node *typ = x;
            while (typ && typ->kind == GO_CHAN_TYPE && dir == GO_CHAN_SEND) {
                if (typ->op == GO_CHAN_RECV)
                    error_expected(p, typ->u.chan_type.arrow, "'chan'");
                go_pos old_arrow = typ->u.chan_type.arrow;
                typ->pos = arrow;
                typ->u.chan_type.arrow = arrow;
                arrow = old_arrow;
                dir = typ->op;
                typ->op = GO_CHAN_RECV;
                typ = typ->u.chan_type.value;
            }
            if (dir == GO_CHAN_SEND)
                error_expected(p, arrow, "channel type");
            return x;
        }
        return unary(p, GO_TOK_ARROW, arrow, x);
    }
    case GO_TOK_MUL: {
        go_pos pos = p->lx.pos;
        next(p);
        return star_expr(p, pos, parse_unary_expr(p));
    }
    default:
        return parse_primary_expr(p, NULL);
    }
}

static go_node *parse_unary_expr(parser *p) {
    enter(p);
    go_node *x = parse_unary_expr_inner(p);
    leave(p);
    return x;
}

static int precedence(go_tok t) {
    switch (t) {
    case GO_TOK_LOR: return 1;
    case GO_TOK_LAND: return 2;
    case GO_TOK_EQL: case GO_TOK_NEQ: case GO_TOK_LSS: case GO_TOK_LEQ: case GO_TOK_GTR:
    case GO_TOK_GEQ:
        return 3;
    case GO_TOK_ADD: case GO_TOK_SUB: case GO_TOK_OR: case GO_TOK_XOR: return 4;
    case GO_TOK_MUL: case GO_TOK_QUO: case GO_TOK_REM: case GO_TOK_SHL: case GO_TOK_SHR:
    case GO_TOK_AND: case GO_TOK_AND_NOT:
        return 5;
    default: return 0;
    }
}

static go_node *parse_binary_expr(parser *p, go_node *x, int prec1) {
    if (!x)
        x = parse_unary_expr(p);
    uint32_t base = p->depth;
    for (;;) {
        enter(p);
        go_tok op = p->lx.tok;
        if (p->in_rhs && op == GO_TOK_ASSIGN)
            op = GO_TOK_EQL; /* go/parser's reading, for its error messages */
        int oprec = precedence(op);
        if (oprec < prec1) {
            p->depth = base;
            return x;
        }
        go_pos pos = expect(p, op);
        go_node *y = parse_binary_expr(p, NULL, oprec + 1);
        x = binary(p, x, op, pos, y);
    }
}

static go_node *parse_expr(parser *p) { return parse_binary_expr(p, NULL, 1); }

static go_node *parse_rhs(parser *p) {
    bool old = p->in_rhs;
    p->in_rhs = true;
    go_node *x = parse_expr(p);
    p->in_rhs = old;
    return x;
}

/* ---- statements ------------------------------------------------------------ */

enum { MODE_BASIC, MODE_LABEL_OK, MODE_RANGE_OK };

static go_node *bad_stmt(parser *p, go_pos from, go_pos to) { return node(p, GO_BAD_STMT, from, to); }

static go_node *assign_stmt(parser *p, go_list lhs, go_tok tok, go_pos tok_pos, go_list rhs) {
    go_pos pos = lhs.len ? lhs.at[0]->pos : GO_NOPOS;
    go_node *n = node(p, GO_ASSIGN_STMT, pos, last_end(rhs));
    n->op = (uint8_t)tok;
    n->u.assign.lhs = lhs;
    n->u.assign.rhs = rhs;
    n->u.assign.tok_pos = tok_pos;
    return n;
}

static bool is_assign_op(go_tok t) {
    return t == GO_TOK_DEFINE || t == GO_TOK_ASSIGN || (t >= GO_TOK_ADD_ASSIGN && t <= GO_TOK_AND_NOT_ASSIGN);
}

static go_node *expr_stmt(parser *p, go_node *x) {
    go_node *n = node(p, GO_EXPR_STMT, x->pos, x->end);
    n->u.expr_stmt.x = x;
    return n;
}

/* *is_range is set for "k, v := range x" in a for header. */
static go_node *parse_simple_stmt(parser *p, int mode, bool *is_range) {
    if (is_range)
        *is_range = false;
    go_list x = parse_list(p, false);
    if (is_assign_op(p->lx.tok)) {
        go_pos pos = p->lx.pos;
        go_tok tok = p->lx.tok;
        next(p);
        go_list y;
        if (mode == MODE_RANGE_OK && p->lx.tok == GO_TOK_RANGE &&
            (tok == GO_TOK_DEFINE || tok == GO_TOK_ASSIGN)) {
            go_pos rpos = p->lx.pos;
            next(p);
            y = list1(p, unary(p, GO_TOK_RANGE, rpos, parse_rhs(p)));
            if (is_range)
                *is_range = true;
        } else {
            y = parse_list(p, true);
        }
        return assign_stmt(p, x, tok, pos, y);
    }
    if (x.len > 1)
        error_expected(p, x.at[0]->pos, "1 expression");
    switch (p->lx.tok) {
    case GO_TOK_COLON: {
        go_pos colon = p->lx.pos;
        next(p);
        if (mode == MODE_LABEL_OK && x.at[0]->kind == GO_IDENT) {
            go_node *stmt = parse_stmt(p);
            go_node *n = node(p, GO_LABELED_STMT, x.at[0]->pos, stmt->end);
            n->u.labeled.label = x.at[0];
            n->u.labeled.stmt = stmt;
            return n;
        }
        error_at(p, colon, "illegal label declaration");
        return bad_stmt(p, x.at[0]->pos, colon + 1);
    }
    case GO_TOK_ARROW: {
        go_pos arrow = p->lx.pos;
        next(p);
        go_node *y = parse_rhs(p);
        go_node *n = node(p, GO_SEND_STMT, x.at[0]->pos, y->end);
        n->u.send.chan = x.at[0];
        n->u.send.value = y;
        n->u.send.arrow = arrow;
        return n;
    }
    case GO_TOK_INC:
    case GO_TOK_DEC: {
        go_node *n = node(p, GO_INC_DEC_STMT, x.at[0]->pos, p->lx.pos + 2);
        n->op = (uint8_t)p->lx.tok;
        n->u.inc_dec.x = x.at[0];
        next(p);
        return n;
    }
    default:
        return expr_stmt(p, x.at[0]);
    }
}

static go_node *parse_call_expr(parser *p, const char *call_type) {
    go_node *x = parse_rhs(p); /* could be a conversion: (some type)(x) */
    char msg[96];
    go_node *t = unparen(x);
    if (t != x) {
        snprintf(msg, sizeof msg, "expression in %s must not be parenthesized", call_type);
        error_at(p, x->pos, msg);
        x = t;
    }
    if (x->kind == GO_CALL_EXPR)
        return x;
    if (x->kind != GO_BAD_EXPR) {
        snprintf(msg, sizeof msg, "expression in %s must be function call", call_type);
        error_at(p, x->end, msg);
    }
    return NULL;
}

static go_node *parse_go_or_defer(parser *p, go_tok tok) {
    go_pos pos = expect(p, tok);
    bool is_go = tok == GO_TOK_GO;
    go_node *call = parse_call_expr(p, is_go ? "go" : "defer");
    expect_semi(p);
    if (!call)
        return bad_stmt(p, pos, pos + (is_go ? 2 : 5));
    go_node *n = node(p, is_go ? GO_GO_STMT : GO_DEFER_STMT, pos, call->end);
    n->u.go_stmt.call = call; /* go_stmt and defer_stmt share a layout */
    return n;
}

static go_node *parse_return_stmt(parser *p) {
    go_pos pos = p->lx.pos;
    expect(p, GO_TOK_RETURN);
    go_list x = {NULL, 0};
    if (p->lx.tok != GO_TOK_SEMICOLON && p->lx.tok != GO_TOK_RBRACE)
        x = parse_list(p, true);
    expect_semi(p);
    go_node *n = node(p, GO_RETURN_STMT, pos, x.len ? last_end(x) : pos + 6);
    n->u.return_stmt.results = x;
    return n;
}

static go_node *parse_branch_stmt(parser *p, go_tok tok) {
    go_pos pos = expect(p, tok);
    go_node *label = NULL;
    if (tok == GO_TOK_GOTO || ((tok == GO_TOK_CONTINUE || tok == GO_TOK_BREAK) && p->lx.tok == GO_TOK_IDENT))
        label = parse_ident(p);
    expect_semi(p);
    go_node *n = node(p, GO_BRANCH_STMT, pos,
                      label ? label->end : pos + (go_pos)strlen(go_tok_string(tok)));
    n->op = (uint8_t)tok;
    n->u.branch.label = label;
    return n;
}

static go_node *make_expr(parser *p, go_node *s, const char *want) {
    if (!s)
        return NULL;
    if (s->kind == GO_EXPR_STMT)
        return s->u.expr_stmt.x;
    char msg[160];
    snprintf(msg, sizeof msg, "expected %s, found %s (missing parentheses around composite literal?)",
             want, s->kind == GO_ASSIGN_STMT ? "assignment" : "simple statement");
    error_at(p, s->pos, msg);
    return bad_expr(p, s->pos, s->end);
}

static void parse_if_header(parser *p, go_node **init_out, go_node **cond_out) {
    go_node *init = NULL, *cond = NULL;
    if (p->lx.tok == GO_TOK_LBRACE) {
        error_at(p, p->lx.pos, "missing condition in if statement");
        *init_out = NULL;
        *cond_out = bad_expr(p, p->lx.pos, p->lx.pos);
        return;
    }
    int prev_lev = p->expr_lev;
    p->expr_lev = -1;
    if (p->lx.tok != GO_TOK_SEMICOLON) {
        if (p->lx.tok == GO_TOK_VAR) {
            next(p);
            error_at(p, p->lx.pos, "var declaration not allowed in if initializer");
        }
        init = parse_simple_stmt(p, MODE_BASIC, NULL);
    }
    go_node *cond_stmt = NULL;
    go_pos semi_pos = GO_NOPOS;
    bool semi_newline = false;
    if (p->lx.tok != GO_TOK_LBRACE) {
        if (p->lx.tok == GO_TOK_SEMICOLON) {
            semi_pos = p->lx.pos;
            semi_newline = p->lx.semi_newline;
            next(p);
        } else {
            expect(p, GO_TOK_SEMICOLON);
        }
        if (p->lx.tok != GO_TOK_LBRACE)
            cond_stmt = parse_simple_stmt(p, MODE_BASIC, NULL);
    } else {
        cond_stmt = init;
        init = NULL;
    }
    if (cond_stmt)
        cond = make_expr(p, cond_stmt, "boolean expression");
    else if (semi_pos != GO_NOPOS)
        error_at(p, semi_pos, semi_newline ? "unexpected newline, expecting { after if clause"
                                           : "missing condition in if statement");
    if (!cond)
        cond = bad_expr(p, p->lx.pos, p->lx.pos);
    p->expr_lev = prev_lev;
    *init_out = init;
    *cond_out = cond;
}

static go_node *parse_if_stmt(parser *p) {
    enter(p);
    go_pos pos = expect(p, GO_TOK_IF);
    go_node *init, *cond;
    parse_if_header(p, &init, &cond);
    go_node *body = parse_block_stmt(p);
    go_node *else_ = NULL;
    if (p->lx.tok == GO_TOK_ELSE) {
        next(p);
        if (p->lx.tok == GO_TOK_IF) {
            else_ = parse_if_stmt(p);
        } else if (p->lx.tok == GO_TOK_LBRACE) {
            else_ = parse_block_stmt(p);
            expect_semi(p);
        } else {
            error_expected(p, p->lx.pos, "if statement or block");
            else_ = bad_stmt(p, p->lx.pos, p->lx.pos);
        }
    } else {
        expect_semi(p);
    }
    go_node *n = node(p, GO_IF_STMT, pos, else_ ? else_->end : body->end);
    n->u.if_stmt.init = init;
    n->u.if_stmt.cond = cond;
    n->u.if_stmt.body = body;
    n->u.if_stmt.else_ = else_;
    leave(p);
    return n;
}

static go_node *parse_case_clause(parser *p) {
    go_pos pos = p->lx.pos;
    go_list list = {NULL, 0};
    if (p->lx.tok == GO_TOK_CASE) {
        next(p);
        list = parse_list(p, true);
    } else {
        expect(p, GO_TOK_DEFAULT);
    }
    go_pos colon = expect(p, GO_TOK_COLON);
    go_list body = parse_stmt_list(p);
    go_node *n = node(p, GO_CASE_CLAUSE, pos, body.len ? last_end(body) : colon + 1);
    n->u.case_clause.list = list;
    n->u.case_clause.body = body;
    n->u.case_clause.colon = colon;
    return n;
}

static bool is_type_switch_assert(go_node *x) {
    return x && x->kind == GO_TYPE_ASSERT_EXPR && !x->u.type_assert.type;
}

static bool is_type_switch_guard(parser *p, go_node *s) {
    if (!s)
        return false;
    if (s->kind == GO_EXPR_STMT)
        return is_type_switch_assert(s->u.expr_stmt.x);
    if (s->kind == GO_ASSIGN_STMT && s->u.assign.lhs.len == 1 && s->u.assign.rhs.len == 1 &&
        is_type_switch_assert(s->u.assign.rhs.at[0])) {
        if (s->op == GO_TOK_ASSIGN) {
            error_at(p, s->u.assign.tok_pos, "expected ':=', found '='");
            return true;
        }
        return s->op == GO_TOK_DEFINE;
    }
    return false;
}

static go_node *parse_switch_stmt(parser *p) {
    go_pos pos = expect(p, GO_TOK_SWITCH);
    go_node *s1 = NULL, *s2 = NULL;
    if (p->lx.tok != GO_TOK_LBRACE) {
        int prev_lev = p->expr_lev;
        p->expr_lev = -1;
        if (p->lx.tok != GO_TOK_SEMICOLON)
            s2 = parse_simple_stmt(p, MODE_BASIC, NULL);
        if (p->lx.tok == GO_TOK_SEMICOLON) {
            next(p);
            s1 = s2;
            s2 = NULL;
            if (p->lx.tok != GO_TOK_LBRACE)
                s2 = parse_simple_stmt(p, MODE_BASIC, NULL);
        }
        p->expr_lev = prev_lev;
    }
    bool type_switch = is_type_switch_guard(p, s2);
    go_pos lbrace = expect(p, GO_TOK_LBRACE);
    size_t mark = p->sp;
    while (p->lx.tok == GO_TOK_CASE || p->lx.tok == GO_TOK_DEFAULT)
        push(p, parse_case_clause(p));
    go_list list = pop_list(p, mark);
    go_pos rbrace = expect(p, GO_TOK_RBRACE);
    expect_semi(p);
    go_node *body = block(p, lbrace, list, rbrace);
    if (type_switch) {
        go_node *n = node(p, GO_TYPE_SWITCH_STMT, pos, body->end);
        n->u.type_switch.init = s1;
        n->u.type_switch.assign = s2;
        n->u.type_switch.body = body;
        return n;
    }
    go_node *n = node(p, GO_SWITCH_STMT, pos, body->end);
    n->u.switch_stmt.init = s1;
    n->u.switch_stmt.tag = make_expr(p, s2, "switch expression");
    n->u.switch_stmt.body = body;
    return n;
}

static go_node *parse_comm_clause(parser *p) {
    go_pos pos = p->lx.pos;
    go_node *comm = NULL;
    if (p->lx.tok == GO_TOK_CASE) {
        next(p);
        go_list lhs = parse_list(p, false);
        if (p->lx.tok == GO_TOK_ARROW) {
            if (lhs.len > 1)
                error_expected(p, lhs.at[0]->pos, "1 expression");
            go_pos arrow = p->lx.pos;
            next(p);
            go_node *rhs = parse_rhs(p);
            comm = node(p, GO_SEND_STMT, lhs.at[0]->pos, rhs->end);
            comm->u.send.chan = lhs.at[0];
            comm->u.send.value = rhs;
            comm->u.send.arrow = arrow;
        } else if (p->lx.tok == GO_TOK_ASSIGN || p->lx.tok == GO_TOK_DEFINE) {
            go_tok tok = p->lx.tok;
            if (lhs.len > 2) {
                error_expected(p, lhs.at[0]->pos, "1 or 2 expressions");
                lhs.len = 2;
            }
            go_pos tpos = p->lx.pos;
            next(p);
            go_node *rhs = parse_rhs(p);
            comm = assign_stmt(p, lhs, tok, tpos, list1(p, rhs));
        } else {
            if (lhs.len > 1)
                error_expected(p, lhs.at[0]->pos, "1 expression");
            comm = expr_stmt(p, lhs.at[0]);
        }
    } else {
        expect(p, GO_TOK_DEFAULT);
    }
    go_pos colon = expect(p, GO_TOK_COLON);
    go_list body = parse_stmt_list(p);
    go_node *n = node(p, GO_COMM_CLAUSE, pos, body.len ? last_end(body) : colon + 1);
    n->u.comm_clause.comm = comm;
    n->u.comm_clause.body = body;
    n->u.comm_clause.colon = colon;
    return n;
}

static go_node *parse_select_stmt(parser *p) {
    go_pos pos = expect(p, GO_TOK_SELECT);
    go_pos lbrace = expect(p, GO_TOK_LBRACE);
    size_t mark = p->sp;
    while (p->lx.tok == GO_TOK_CASE || p->lx.tok == GO_TOK_DEFAULT)
        push(p, parse_comm_clause(p));
    go_list list = pop_list(p, mark);
    go_pos rbrace = expect(p, GO_TOK_RBRACE);
    expect_semi(p);
    go_node *body = block(p, lbrace, list, rbrace);
    go_node *n = node(p, GO_SELECT_STMT, pos, body->end);
    n->u.select_stmt.body = body;
    return n;
}

static go_node *parse_for_stmt(parser *p) {
    go_pos pos = expect(p, GO_TOK_FOR);
    go_node *s1 = NULL, *s2 = NULL, *s3 = NULL;
    bool is_range = false;
    if (p->lx.tok != GO_TOK_LBRACE) {
        int prev_lev = p->expr_lev;
        p->expr_lev = -1;
        if (p->lx.tok != GO_TOK_SEMICOLON) {
            if (p->lx.tok == GO_TOK_RANGE) {
                /* for range x */
                go_pos rpos = p->lx.pos;
                next(p);
                go_list y = list1(p, unary(p, GO_TOK_RANGE, rpos, parse_rhs(p)));
                s2 = assign_stmt(p, (go_list){NULL, 0}, GO_TOK_ILLEGAL, GO_NOPOS, y);
                is_range = true;
            } else {
                s2 = parse_simple_stmt(p, MODE_RANGE_OK, &is_range);
            }
        }
        if (!is_range && p->lx.tok == GO_TOK_SEMICOLON) {
            next(p);
            s1 = s2;
            s2 = NULL;
            if (p->lx.tok != GO_TOK_SEMICOLON)
                s2 = parse_simple_stmt(p, MODE_BASIC, NULL);
            expect_semi(p);
            if (p->lx.tok != GO_TOK_LBRACE)
                s3 = parse_simple_stmt(p, MODE_BASIC, NULL);
        }
        p->expr_lev = prev_lev;
    }
    go_node *body = parse_block_stmt(p);
    expect_semi(p);
    if (is_range) {
        go_list lhs = s2->u.assign.lhs;
        go_node *key = NULL, *value = NULL;
        if (lhs.len > 2) {
            error_expected(p, lhs.at[lhs.len - 1]->pos, "at most 2 expressions");
            return bad_stmt(p, pos, body->end);
        }
        if (lhs.len >= 1)
            key = lhs.at[0];
        if (lhs.len == 2)
            value = lhs.at[1];
        go_node *r = s2->u.assign.rhs.at[0];
        go_node *n = node(p, GO_RANGE_STMT, pos, body->end);
        n->op = s2->op;
        n->u.range_stmt.key = key;
        n->u.range_stmt.value = value;
        n->u.range_stmt.x = r->u.unary.x;
        n->u.range_stmt.body = body;
        n->u.range_stmt.tok_pos = s2->u.assign.tok_pos;
        n->u.range_stmt.range = r->pos;
        return n;
    }
    go_node *n = node(p, GO_FOR_STMT, pos, body->end);
    n->u.for_stmt.init = s1;
    n->u.for_stmt.cond = make_expr(p, s2, "boolean or range expression");
    n->u.for_stmt.post = s3;
    n->u.for_stmt.body = body;
    return n;
}

static go_node *parse_stmt_inner(parser *p) {
    switch (p->lx.tok) {
    case GO_TOK_CONST: case GO_TOK_TYPE: case GO_TOK_VAR: {
        go_node *d = parse_decl(p, stmt_start);
        go_node *n = node(p, GO_DECL_STMT, d->pos, d->end);
        n->u.decl_stmt.decl = d;
        return n;
    }
    case GO_TOK_IDENT: case GO_TOK_INT: case GO_TOK_FLOAT: case GO_TOK_IMAG: case GO_TOK_CHAR:
    case GO_TOK_STRING: case GO_TOK_FUNC: case GO_TOK_LPAREN: case GO_TOK_LBRACK:
    case GO_TOK_STRUCT: case GO_TOK_MAP: case GO_TOK_CHAN: case GO_TOK_INTERFACE:
    case GO_TOK_ADD: case GO_TOK_SUB: case GO_TOK_MUL: case GO_TOK_AND: case GO_TOK_XOR:
    case GO_TOK_ARROW: case GO_TOK_NOT: {
        go_node *s = parse_simple_stmt(p, MODE_LABEL_OK, NULL);
        if (s->kind != GO_LABELED_STMT)
            expect_semi(p);
        return s;
    }
    case GO_TOK_GO:
    case GO_TOK_DEFER:
        return parse_go_or_defer(p, p->lx.tok);
    case GO_TOK_RETURN:
        return parse_return_stmt(p);
    case GO_TOK_BREAK: case GO_TOK_CONTINUE: case GO_TOK_GOTO: case GO_TOK_FALLTHROUGH:
        return parse_branch_stmt(p, p->lx.tok);
    case GO_TOK_LBRACE: {
        go_node *b = parse_block_stmt(p);
        expect_semi(p);
        return b;
    }
    case GO_TOK_IF: return parse_if_stmt(p);
    case GO_TOK_SWITCH: return parse_switch_stmt(p);
    case GO_TOK_SELECT: return parse_select_stmt(p);
    case GO_TOK_FOR: return parse_for_stmt(p);
    case GO_TOK_SEMICOLON: {
        go_node *n;
        if (p->lx.semi_newline) {
            n = node(p, GO_EMPTY_STMT, p->lx.pos, p->lx.pos);
            n->flags |= GO_FLAG_IMPLICIT;
        } else {
            n = node(p, GO_EMPTY_STMT, p->lx.pos, p->lx.pos + 1);
        }
        next(p);
        return n;
    }
    case GO_TOK_RBRACE: {
        /* a label at the end of a block labels an implicit empty statement */
        go_node *n = node(p, GO_EMPTY_STMT, p->lx.pos, p->lx.pos);
        n->flags |= GO_FLAG_IMPLICIT;
        return n;
    }
    default: {
        go_pos pos = p->lx.pos;
        error_expected(p, pos, "statement");
        advance(p, stmt_start);
        return bad_stmt(p, pos, p->lx.pos);
    }
    }
}

static go_node *parse_stmt(parser *p) {
    enter(p);
    go_node *s = parse_stmt_inner(p);
    leave(p);
    return s;
}

/* ---- declarations ------------------------------------------------------------ */

static go_node *parse_import_spec(parser *p) {
    go_node *ident = NULL;
    if (p->lx.tok == GO_TOK_IDENT) {
        ident = parse_ident(p);
    } else if (p->lx.tok == GO_TOK_PERIOD) {
        ident = make_ident(p, p->lx.pos, ".", 1);
        next(p);
    }
    go_pos pos = p->lx.pos;
    go_node *path;
    if (p->lx.tok == GO_TOK_STRING) {
        path = string_lit(p);
        next(p);
    } else {
        if (p->lx.tok >= GO_TOK_IDENT && p->lx.tok <= GO_TOK_STRING) {
            error_at(p, pos, "import path must be a string");
            next(p);
        } else {
            error_at(p, pos, "missing import path");
            advance(p, expr_end);
        }
        path = node(p, GO_BASIC_LIT, pos, pos);
        path->op = GO_TOK_STRING;
        path->u.lit.text = "";
    }
    expect_semi(p);
    go_node *n = node(p, GO_IMPORT_SPEC, ident ? ident->pos : path->pos, path->end);
    n->u.import_spec.name = ident;
    n->u.import_spec.path = path;
    append_ptr(&p->imports, &p->nimports, &p->imports_cap, n);
    return n;
}

static go_node *parse_value_spec(parser *p, go_tok keyword) {
    go_list idents = parse_ident_list(p);
    go_node *typ = NULL;
    go_list values = {NULL, 0};
    if (keyword == GO_TOK_CONST) {
        if (p->lx.tok != GO_TOK_EOF && p->lx.tok != GO_TOK_SEMICOLON && p->lx.tok != GO_TOK_RPAREN) {
            typ = try_ident_or_type(p);
            if (p->lx.tok == GO_TOK_ASSIGN) {
                next(p);
                values = parse_list(p, true);
            }
        }
    } else {
        if (p->lx.tok != GO_TOK_ASSIGN)
            typ = parse_type(p);
        if (p->lx.tok == GO_TOK_ASSIGN) {
            next(p);
            values = parse_list(p, true);
        }
    }
    expect_semi(p);
    go_pos end = values.len ? last_end(values) : typ ? typ->end : last_end(idents);
    go_node *n = node(p, GO_VALUE_SPEC, idents.at[0]->pos, end);
    n->u.value_spec.names = idents;
    n->u.value_spec.type = typ;
    n->u.value_spec.values = values;
    return n;
}

static bool is_type_elem(go_node *x) {
    switch (x->kind) {
    case GO_ARRAY_TYPE: case GO_STRUCT_TYPE: case GO_FUNC_TYPE: case GO_INTERFACE_TYPE:
    case GO_MAP_TYPE: case GO_CHAN_TYPE:
        return true;
    case GO_BINARY_EXPR: return is_type_elem(x->u.binary.x) || is_type_elem(x->u.binary.y);
    case GO_UNARY_EXPR: return x->op == GO_TOK_TILDE;
    case GO_PAREN_EXPR: return is_type_elem(x->u.paren.x);
    default: return false;
    }
}

/*
 * In "type T[P C] ..." versus "type T [N * M]int", splits an expression
 * read from after '[' into a type parameter name and its constraint.
 * Returns the name (NULL if x cannot start a type parameter list) and
 * stores the constraint (possibly NULL) in *ptype; on failure *ptype is x.
 */
static go_node *extract_name(parser *p, go_node *x, bool force, go_node **ptype) {
    *ptype = x;
    switch (x->kind) {
    case GO_IDENT:
        *ptype = NULL;
        return x;
    case GO_BINARY_EXPR:
        if (x->op == GO_TOK_MUL) {
            go_node *name = x->u.binary.x;
            if (name->kind == GO_IDENT && (force || is_type_elem(x->u.binary.y))) {
                *ptype = star_expr(p, x->u.binary.op_pos, x->u.binary.y);
                return name;
            }
        } else if (x->op == GO_TOK_OR) {
            go_node *lhs;
            go_node *name = extract_name(p, x->u.binary.x, force || is_type_elem(x->u.binary.y), &lhs);
            if (name && lhs) {
                *ptype = binary(p, lhs, GO_TOK_OR, x->u.binary.op_pos, x->u.binary.y);
                return name;
            }
            *ptype = x;
        }
        return NULL;
    case GO_CALL_EXPR: {
        go_node *name = x->u.call.fun;
        if (name->kind == GO_IDENT && x->u.call.args.len == 1 && x->u.call.ellipsis == GO_NOPOS &&
            (force || is_type_elem(x->u.call.args.at[0]))) {
            /* x = name(type) reads as name (type) */
            go_node *rparen_end = x; /* CallExpr end is rparen+1 */
            *ptype = node(p, GO_PAREN_EXPR, x->u.call.lparen, rparen_end->end);
            (*ptype)->u.paren.x = x->u.call.args.at[0];
            return name;
        }
        return NULL;
    }
    default:
        return NULL;
    }
}

static void parse_generic_type(parser *p, go_node *spec, go_pos open, go_node *name0, go_node *typ0) {
    go_list list = parse_parameter_list(p, name0, typ0, GO_TOK_RBRACK, false);
    go_pos close = expect(p, GO_TOK_RBRACK);
    spec->u.type_spec.type_params = field_list(p, open, list, close);
    if (p->lx.tok == GO_TOK_ASSIGN) {
        spec->u.type_spec.assign = p->lx.pos;
        spec->flags |= GO_FLAG_ALIAS;
        next(p);
    }
    spec->u.type_spec.type = parse_type(p);
}

static go_node *parse_type_spec(parser *p) {
    go_node *name = parse_ident(p);
    go_node *spec = node(p, GO_TYPE_SPEC, name->pos, GO_NOPOS);
    spec->u.type_spec.name = name;
    spec->u.type_spec.assign = GO_NOPOS;
    if (p->lx.tok == GO_TOK_LBRACK) {
        /* array type or generic type */
        go_pos lbrack = p->lx.pos;
        next(p);
        if (p->lx.tok == GO_TOK_IDENT) {
            go_node *x = parse_ident(p);
            if (p->lx.tok != GO_TOK_LBRACK) {
                /* x may be an array length expression or "P constraint" */
                p->expr_lev++;
                go_node *lhs = parse_primary_expr(p, x);
                x = parse_binary_expr(p, lhs, 1);
                p->expr_lev--;
            }
            go_node *ptype;
            go_node *pname = extract_name(p, x, p->lx.tok == GO_TOK_COMMA, &ptype);
            if (pname && (ptype || p->lx.tok != GO_TOK_RBRACK))
                parse_generic_type(p, spec, lbrack, pname, ptype);
            else
                spec->u.type_spec.type = parse_array_type(p, lbrack, x);
        } else {
            spec->u.type_spec.type = parse_array_type(p, lbrack, NULL);
        }
    } else {
        if (p->lx.tok == GO_TOK_ASSIGN) {
            spec->u.type_spec.assign = p->lx.pos;
            spec->flags |= GO_FLAG_ALIAS;
            next(p);
        }
        spec->u.type_spec.type = parse_type(p);
    }
    expect_semi(p);
    spec->end = spec->u.type_spec.type->end;
    return spec;
}

static go_node *parse_spec(parser *p, go_tok keyword) {
    switch (keyword) {
    case GO_TOK_IMPORT: return parse_import_spec(p);
    case GO_TOK_TYPE: return parse_type_spec(p);
    default: return parse_value_spec(p, keyword);
    }
}

static go_node *parse_gen_decl(parser *p, go_tok keyword) {
    go_pos pos = expect(p, keyword);
    go_pos lparen = GO_NOPOS, rparen = GO_NOPOS;
    size_t mark = p->sp;
    if (p->lx.tok == GO_TOK_LPAREN) {
        lparen = p->lx.pos;
        next(p);
        while (p->lx.tok != GO_TOK_RPAREN && p->lx.tok != GO_TOK_EOF)
            push(p, parse_spec(p, keyword));
        rparen = expect(p, GO_TOK_RPAREN);
        expect_semi(p);
    } else {
        push(p, parse_spec(p, keyword));
    }
    go_list specs = pop_list(p, mark);
    go_pos end = rparen != GO_NOPOS ? rparen + 1 : specs.len ? specs.at[0]->end : GO_NOPOS;
    go_node *n = node(p, GO_GEN_DECL, pos, end);
    n->op = (uint8_t)keyword;
    n->u.gen_decl.specs = specs;
    n->u.gen_decl.lparen = lparen;
    n->u.gen_decl.rparen = rparen;
    return n;
}

static go_node *parse_func_decl(parser *p) {
    uint32_t go_stmts = p->file->kind_count[GO_GO_STMT];
    go_pos pos = expect(p, GO_TOK_FUNC);
    go_node *recv = NULL;
    if (p->lx.tok == GO_TOK_LPAREN)
        recv = parse_parameters(p, false);
    go_node *ident = parse_ident(p);
    go_node *tparams = NULL;
    if (p->lx.tok == GO_TOK_LBRACK) {
        tparams = parse_type_parameters(p);
        if (recv && tparams) {
            error_at(p, tparams->u.field_list.opening, "method must have no type parameters");
            tparams = NULL;
        }
    }
    go_node *params = parse_parameters(p, false);
    go_node *results = parse_parameters(p, true);
    go_node *body = NULL;
    if (p->lx.tok == GO_TOK_LBRACE) {
        body = parse_body(p);
        expect_semi(p);
    } else if (p->lx.tok == GO_TOK_SEMICOLON) {
        next(p);
        if (p->lx.tok == GO_TOK_LBRACE) {
            error_at(p, p->lx.pos, "unexpected semicolon or newline before {");
            body = parse_body(p);
            expect_semi(p);
        }
    } else {
        expect_semi(p);
    }
    go_node *type = func_type(p, pos, tparams, params, results);
    go_node *n = node(p, GO_FUNC_DECL, type->pos, body ? body->end : type->end);
    n->u.func_decl.recv = recv;
    n->u.func_decl.name = ident;
    n->u.func_decl.type = type;
    n->u.func_decl.body = body;
    if (p->file->kind_count[GO_GO_STMT] != go_stmts)
        n->flags |= GO_FLAG_HAS_GO;
    return n;
}

static go_node *parse_decl(parser *p, const go_tok *sync) {
    switch (p->lx.tok) {
    case GO_TOK_IMPORT: case GO_TOK_CONST: case GO_TOK_VAR: case GO_TOK_TYPE:
        return parse_gen_decl(p, p->lx.tok);
    case GO_TOK_FUNC:
        return parse_func_decl(p);
    default: {
        go_pos pos = p->lx.pos;
        error_expected(p, pos, "declaration");
        advance(p, sync);
        return node(p, GO_BAD_DECL, pos, p->lx.pos);
    }
    }
}

static go_list copy_ptrs(parser *p, go_node **v, size_t n) {
    go_list l = {NULL, (uint32_t)n};
    if (n) {
        l.at = ls_arena_alloc(p->arena, n * sizeof *l.at);
        memcpy(l.at, v, n * sizeof *l.at);
    }
    return l;
}

static go_node *parse_file(parser *p, go_node *volatile *root) {
    go_node *f = node(p, GO_FILE, GO_NOPOS, GO_NOPOS);
    *root = f;
    if (setjmp(p->bail) != 0)
        return f; /* gave up: keep what was built */
    next(p);
    /* a file whose very first token is broken is not Go at all */
    if (p->nerrs)
        return f;
    go_pos pos = expect(p, GO_TOK_PACKAGE);
    f->pos = pos;
    go_node *ident = parse_ident(p);
    f->u.file.name = ident;
    f->end = ident->end;
    expect_semi(p);
    if (p->nerrs)
        return f;
    size_t mark = p->sp;
    p->decls_mark = mark;
    while (p->lx.tok == GO_TOK_IMPORT) {
        push(p, parse_gen_decl(p, GO_TOK_IMPORT));
        p->decls_done++;
    }
    go_tok prev = GO_TOK_IMPORT;
    while (p->lx.tok != GO_TOK_EOF) {
        if (p->lx.tok == GO_TOK_IMPORT && prev != GO_TOK_IMPORT)
            error_at(p, p->lx.pos, "imports must appear before other declarations");
        prev = p->lx.tok;
        push(p, parse_decl(p, decl_start));
        p->decls_done++;
        if (p->frozen) {
            p->frozen = false; /* back at the top level: resume */
            p->lx.tok = p->frozen_tok;
        }
    }
    p->decls_done = 0;
    f->u.file.decls = pop_list(p, mark);
    if (f->u.file.decls.len)
        f->end = last_end(f->u.file.decls);
    return f;
}

static int cmp_error(const void *a, const void *b) {
    const go_syntax_error *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

go_file *go_parse(const char *path, const char *src, size_t len, const go_parse_options *opts,
                  const ls_diag_sink *sink) {
    return go_parse_in(ls_arena_new(0), path, src, len, opts, sink);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

go_file *go_parse_in(ls_arena *arena, const char *path, const char *src, size_t len,
                     const go_parse_options *opts, const ls_diag_sink *sink) {
    uint64_t start = now_ns();
    go_file *file = ls_arena_zalloc(arena, sizeof *file);
    file->arena = arena;
    file->path = ls_arena_strndup(arena, path, strlen(path));
    file->src = src;
    file->len = len;
    file->names = ls_intern_new_sized(arena, len / 128); /* about one new name per 128 bytes of Go */

    parser *p = calloc(1, sizeof *p);
    if (!p) {
        fprintf(stderr, "leakscope: out of memory\n");
        abort();
    }
    p->file = file;
    p->arena = arena;
    p->max_depth = opts && opts->max_depth ? opts->max_depth : DEFAULT_MAX_DEPTH;
    p->sync_pos = GO_NOPOS;
    p->frozen_at = GO_NOPOS;
    p->cap = 1024; /* never NULL: list code takes offsets into it */
    p->stack = malloc(p->cap * sizeof *p->stack);
    if (!p->stack) {
        fprintf(stderr, "leakscope: out of memory\n");
        abort();
    }

    go_node *volatile root = NULL;
    if (len >= UINT32_MAX) {
        add_error(p, 0, "file too large (4 GiB or more)");
        root = node(p, GO_FILE, GO_NOPOS, GO_NOPOS);
    } else {
        go_lex_init(&p->lx, src, (uint32_t)len, lexer_error, p);
        parse_file(p, &root);
    }
    go_node *f = root;
    if (p->decls_done) {
        /* bailed out mid-file: keep the declarations that were complete */
        f->u.file.decls = copy_ptrs(p, p->stack + p->decls_mark, p->decls_done);
        f->end = last_end(f->u.file.decls);
    }
    f->u.file.comments = copy_ptrs(p, p->comments, p->ncomments);
    file->imports = copy_ptrs(p, p->imports, p->nimports);
    file->root = f;

    if (p->nerrs) {
        /* Sorted, and one per line: later errors on a line are nearly always
         * echoes of the first (go/parser drops them the same way). */
        qsort(p->errs, p->nerrs, sizeof *p->errs, cmp_error);
        file->errors = ls_arena_alloc(arena, p->nerrs * sizeof *file->errors);
        uint32_t kept = 0, last_line = 0;
        for (size_t i = 0; i < p->nerrs; i++) {
            uint32_t line = go_file_position(file, p->errs[i].pos).line;
            if (kept && line == last_line)
                continue;
            file->errors[kept++] = p->errs[i];
            last_line = line;
        }
        file->nerrors = kept;
    }
    free(p->stack);
    free(p->comments);
    free(p->imports);
    free(p->errs);
    free(p);
    file->parse_ns = now_ns() - start;

    if (sink && sink->emit) {
        for (uint32_t i = 0; i < file->nerrors; i++) {
            go_position at = go_file_position(file, file->errors[i].pos);
            ls_diag d = {file->path, at.line, at.col, file->errors[i].pos, LS_SEV_ERROR,
                         file->errors[i].msg};
            sink->emit(sink->ctx, &d);
        }
    }
    return file;
}
