/*
 * The canonical AST dump of docs/ast-dump.md: one line per node, in go/ast
 * field order, with byte offsets.  go/cmd/goastdump prints the same format
 * from go/parser's tree; the differential test compares the two.
 */
#include <string.h>

#include "lex.h"
#include "leakscope/goast.h"

typedef struct dump_ctx {
    go_file *file;
    ls_buf *out;
    int depth;
} dump_ctx;

static void put_quoted(ls_buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    ls_buf_reserve(b, n + 2);
    ls_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' || c == '"') {
            ls_buf_putc(b, '\\');
            ls_buf_putc(b, (char)c);
        } else if (c < 0x20 || c == 0x7f) {
            char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            ls_buf_append(b, esc, 4);
        } else {
            ls_buf_putc(b, (char)c);
        }
    }
    ls_buf_putc(b, '"');
}

static void put_pos(ls_buf *b, go_pos p) {
    if (p == GO_NOPOS)
        ls_buf_putc(b, '-');
    else
        ls_buf_put_u64(b, p);
}

/* Literal text as go/ast holds it: raw strings and comments lose their \r. */
static void put_literal(ls_buf *b, const char *s, size_t n, bool strip_cr, bool general) {
    if (!strip_cr || !memchr(s, '\r', n)) {
        put_quoted(b, s, n);
        return;
    }
    ls_buf tmp = {0};
    ls_buf_reserve(&tmp, n);
    tmp.len = go_strip_cr(s, n, general, tmp.data);
    put_quoted(b, tmp.data, tmp.len);
    ls_buf_free(&tmp);
}

static void put_attrs(ls_buf *b, go_node *n) {
    switch (n->kind) {
    case GO_IDENT:
        ls_buf_putc(b, ' ');
        put_quoted(b, n->u.ident.name->ptr, n->u.ident.name->len);
        break;
    case GO_BASIC_LIT:
        ls_buf_putc(b, ' ');
        ls_buf_puts(b, go_tok_string(n->op));
        ls_buf_putc(b, ' ');
        put_literal(b, n->u.lit.text, n->u.lit.len, n->u.lit.len && n->u.lit.text[0] == '`', false);
        break;
    case GO_COMMENT:
        ls_buf_putc(b, ' ');
        put_literal(b, n->u.lit.text, n->u.lit.len, true, n->u.lit.len > 1 && n->u.lit.text[1] == '*');
        break;
    case GO_SLICE_EXPR:
        if (n->flags & GO_FLAG_SLICE3)
            ls_buf_puts(b, " slice3");
        break;
    case GO_CALL_EXPR:
        if (n->u.call.ellipsis != GO_NOPOS) {
            ls_buf_puts(b, " ellipsis=");
            put_pos(b, n->u.call.ellipsis);
        }
        break;
    case GO_UNARY_EXPR:
    case GO_BINARY_EXPR:
    case GO_INC_DEC_STMT:
    case GO_ASSIGN_STMT:
    case GO_BRANCH_STMT:
        ls_buf_puts(b, " op=");
        ls_buf_puts(b, go_tok_string(n->op));
        break;
    case GO_RANGE_STMT:
        if (n->op != GO_TOK_ILLEGAL) {
            ls_buf_puts(b, " op=");
            ls_buf_puts(b, go_tok_string(n->op));
        }
        break;
    case GO_CHAN_TYPE:
        ls_buf_puts(b, n->op == GO_CHAN_SEND ? " dir=send" : n->op == GO_CHAN_RECV ? " dir=recv" : " dir=both");
        break;
    case GO_EMPTY_STMT:
        if (n->flags & GO_FLAG_IMPLICIT)
            ls_buf_puts(b, " implicit");
        break;
    case GO_TYPE_SPEC:
        if (n->flags & GO_FLAG_ALIAS)
            ls_buf_puts(b, " alias");
        break;
    case GO_GEN_DECL:
        ls_buf_puts(b, " tok=");
        ls_buf_puts(b, go_tok_string(n->op));
        break;
    default:
        break;
    }
}

static void dump_node(void *ctx, go_node *n, const char *label, int index) {
    dump_ctx *d = ctx;
    ls_buf *b = d->out;
    ls_buf_reserve(b, (size_t)d->depth * 2 + 64);
    for (int i = 0; i < d->depth; i++) {
        b->data[b->len++] = ' ';
        b->data[b->len++] = ' ';
    }
    if (label) {
        ls_buf_puts(b, label);
        if (index >= 0) {
            ls_buf_putc(b, '[');
            ls_buf_put_u64(b, (uint64_t)index);
            ls_buf_putc(b, ']');
        }
        ls_buf_puts(b, ": ");
    }
    ls_buf_puts(b, go_kind_name(n->kind));
    ls_buf_putc(b, ' ');
    put_pos(b, n->pos);
    ls_buf_putc(b, '-');
    put_pos(b, n->end);
    put_attrs(b, n);
    ls_buf_putc(b, '\n');
    d->depth++;
    go_node_children(n, dump_node, d);
    d->depth--;
}

void go_dump(go_file *f, ls_buf *out) {
    if (!f->root)
        return;
    dump_ctx d = {f, out, 0};
    dump_node(&d, f->root, NULL, -1);
}
