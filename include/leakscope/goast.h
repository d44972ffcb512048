/*
 * leakscope's Go syntax tree: the public C API.
 *
 * go_parse() turns one Go source file into a go_file whose nodes mirror
 * go/ast (same node kinds, same fields, same Pos()/End()), so that anything
 * written about go/ast applies here.  The tree lives in one arena per file
 * and is freed with go_file_free().
 *
 *  - Positions are byte offsets from the start of the file (go_pos).
 *    GO_NOPOS marks an absent position.  go_file_position() turns an offset
 *    into a 1-based line and byte column, building the line table on first
 *    use.  //line directives are ignored: positions are always physical.
 *  - Identifiers are interned per file: two identifiers with the same name
 *    have the same `name` pointer, and go_file_atom() finds the atom of a
 *    name (NULL when no identifier in the file has it).
 *  - Lists are (pointer, length) pairs into the arena.
 *  - Every node has `pos` and `end` (one past the last byte) exactly as
 *    go/ast's Pos() and End() compute them.
 *
 * Semantic layers (scopes, imports) fill the spare fields that exist for
 * them: go_node.u.ident.decl is NULL after parsing.
 */
#ifndef LEAKSCOPE_GOAST_H
#define LEAKSCOPE_GOAST_H

#include "leakscope/base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t go_pos;
#define GO_NOPOS UINT32_MAX

/* Tokens, in go/token's order where it matters only for readability. */
typedef enum go_tok {
    GO_TOK_ILLEGAL,
    GO_TOK_EOF,
    GO_TOK_COMMENT,
    /* literals */
    GO_TOK_IDENT,
    GO_TOK_INT,
    GO_TOK_FLOAT,
    GO_TOK_IMAG,
    GO_TOK_CHAR,
    GO_TOK_STRING,
    /* operators and delimiters */
    GO_TOK_ADD, GO_TOK_SUB, GO_TOK_MUL, GO_TOK_QUO, GO_TOK_REM,
    GO_TOK_AND, GO_TOK_OR, GO_TOK_XOR, GO_TOK_SHL, GO_TOK_SHR, GO_TOK_AND_NOT,
    GO_TOK_ADD_ASSIGN, GO_TOK_SUB_ASSIGN, GO_TOK_MUL_ASSIGN, GO_TOK_QUO_ASSIGN,
    GO_TOK_REM_ASSIGN, GO_TOK_AND_ASSIGN, GO_TOK_OR_ASSIGN, GO_TOK_XOR_ASSIGN,
    GO_TOK_SHL_ASSIGN, GO_TOK_SHR_ASSIGN, GO_TOK_AND_NOT_ASSIGN,
    GO_TOK_LAND, GO_TOK_LOR, GO_TOK_ARROW, GO_TOK_INC, GO_TOK_DEC,
    GO_TOK_EQL, GO_TOK_LSS, GO_TOK_GTR, GO_TOK_ASSIGN, GO_TOK_NOT,
    GO_TOK_NEQ, GO_TOK_LEQ, GO_TOK_GEQ, GO_TOK_DEFINE, GO_TOK_ELLIPSIS,
    GO_TOK_LPAREN, GO_TOK_LBRACK, GO_TOK_LBRACE, GO_TOK_COMMA, GO_TOK_PERIOD,
    GO_TOK_RPAREN, GO_TOK_RBRACK, GO_TOK_RBRACE, GO_TOK_SEMICOLON, GO_TOK_COLON,
    GO_TOK_TILDE,
    /* keywords */
    GO_TOK_BREAK, GO_TOK_CASE, GO_TOK_CHAN, GO_TOK_CONST, GO_TOK_CONTINUE,
    GO_TOK_DEFAULT, GO_TOK_DEFER, GO_TOK_ELSE, GO_TOK_FALLTHROUGH, GO_TOK_FOR,
    GO_TOK_FUNC, GO_TOK_GO, GO_TOK_GOTO, GO_TOK_IF, GO_TOK_IMPORT,
    GO_TOK_INTERFACE, GO_TOK_MAP, GO_TOK_PACKAGE, GO_TOK_RANGE, GO_TOK_RETURN,
    GO_TOK_SELECT, GO_TOK_STRUCT, GO_TOK_SWITCH, GO_TOK_TYPE, GO_TOK_VAR,
    GO_TOK_COUNT
} go_tok;

/* The token's source text ("+", "&^=", "range") or its class name ("IDENT"). */
const char *go_tok_string(go_tok t);

typedef enum go_kind {
    GO_BAD_EXPR, GO_IDENT, GO_ELLIPSIS, GO_BASIC_LIT, GO_FUNC_LIT,
    GO_COMPOSITE_LIT, GO_PAREN_EXPR, GO_SELECTOR_EXPR, GO_INDEX_EXPR,
    GO_INDEX_LIST_EXPR, GO_SLICE_EXPR, GO_TYPE_ASSERT_EXPR, GO_CALL_EXPR,
    GO_STAR_EXPR, GO_UNARY_EXPR, GO_BINARY_EXPR, GO_KEY_VALUE_EXPR,
    GO_ARRAY_TYPE, GO_STRUCT_TYPE, GO_FUNC_TYPE, GO_INTERFACE_TYPE,
    GO_MAP_TYPE, GO_CHAN_TYPE,
    GO_FIELD_LIST, GO_FIELD,
    GO_BAD_STMT, GO_DECL_STMT, GO_EMPTY_STMT, GO_LABELED_STMT, GO_EXPR_STMT,
    GO_SEND_STMT, GO_INC_DEC_STMT, GO_ASSIGN_STMT, GO_GO_STMT, GO_DEFER_STMT,
    GO_RETURN_STMT, GO_BRANCH_STMT, GO_BLOCK_STMT, GO_IF_STMT,
    GO_CASE_CLAUSE, GO_SWITCH_STMT, GO_TYPE_SWITCH_STMT, GO_COMM_CLAUSE,
    GO_SELECT_STMT, GO_FOR_STMT, GO_RANGE_STMT,
    GO_IMPORT_SPEC, GO_VALUE_SPEC, GO_TYPE_SPEC,
    GO_BAD_DECL, GO_GEN_DECL, GO_FUNC_DECL,
    GO_FILE, GO_COMMENT_GROUP, GO_COMMENT,
    GO_KIND_COUNT
} go_kind;

/* The go/ast type name of a kind: "CallExpr". */
const char *go_kind_name(go_kind k);

/* Channel directions (go_node.op of a GO_CHAN_TYPE). */
enum { GO_CHAN_SEND = 1, GO_CHAN_RECV = 2, GO_CHAN_BOTH = 3 };

/* go_node.flags */
enum {
    GO_FLAG_SLICE3 = 1 << 0,   /* SliceExpr: a[lo:hi:max] */
    GO_FLAG_IMPLICIT = 1 << 1, /* EmptyStmt: inserted at a newline or '}' */
    GO_FLAG_ALIAS = 1 << 2,    /* TypeSpec: type A = B */
    /* FuncDecl: a go statement is somewhere in it (in its function literals
     * too), so a rule after goroutines can pass over a declaration without
     * it unwalked */
    GO_FLAG_HAS_GO = 1 << 3,
};

typedef struct go_node go_node;

typedef struct go_list {
    go_node **at;
    uint32_t len;
} go_list;

struct go_node {
    uint8_t kind;   /* go_kind */
    uint8_t op;     /* go_tok of the operator / keyword; ChanType: direction */
    uint16_t flags; /* GO_FLAG_* */
    go_pos pos, end;
    union {
        struct { const ls_atom *name; go_node *decl; } ident;
        struct { const char *text; uint32_t len; } lit; /* BasicLit, Comment: source bytes */
        struct { go_node *elt; } ellipsis;
        struct { go_node *type, *body; } func_lit;
        struct { go_node *type; go_list elts; go_pos lbrace; } composite;
        struct { go_node *x; } paren, star, unary, expr_stmt;
        struct { go_node *x, *sel; } selector;
        struct { go_node *x, *index; go_pos lbrack; } index;
        struct { go_node *x; go_list indices; go_pos lbrack; } index_list;
        struct { go_node *x, *low, *high, *max; go_pos lbrack; } slice;
        struct { go_node *x, *type; go_pos lparen; } type_assert; /* type NULL: x.(type) */
        struct { go_node *fun; go_list args; go_pos lparen, ellipsis; } call;
        struct { go_node *x, *y; go_pos op_pos; } binary;
        struct { go_node *key, *value; go_pos colon; } key_value;
        struct { go_node *len, *elt; } array; /* len NULL: slice; Ellipsis: [...]T */
        struct { go_node *fields; } struct_type;
        struct { go_node *type_params, *params, *results; go_pos func; } func_type;
        struct { go_node *methods; } interface_type;
        struct { go_node *key, *value; } map_type;
        struct { go_node *value; go_pos arrow; } chan_type;
        struct { go_list list; go_pos opening, closing; } field_list;
        struct { go_list names; go_node *type, *tag; } field;
        struct { go_node *decl; } decl_stmt;
        struct { go_node *label, *stmt; } labeled;
        struct { go_node *chan, *value; go_pos arrow; } send;
        struct { go_node *x; } inc_dec;
        struct { go_list lhs, rhs; go_pos tok_pos; } assign;
        struct { go_node *call; } go_stmt, defer_stmt;
        struct { go_list results; } return_stmt;
        struct { go_node *label; } branch;
        struct { go_list list; } block;
        struct { go_node *init, *cond, *body, *else_; } if_stmt;
        struct { go_list list, body; go_pos colon; } case_clause;
        struct { go_node *init, *tag, *body; } switch_stmt;
        struct { go_node *init, *assign, *body; } type_switch;
        struct { go_node *comm; go_list body; go_pos colon; } comm_clause;
        struct { go_node *body; } select_stmt;
        struct { go_node *init, *cond, *post, *body; } for_stmt;
        struct { go_node *key, *value, *x, *body; go_pos tok_pos, range; } range_stmt;
        struct { go_node *name, *path; } import_spec;
        struct { go_list names; go_node *type; go_list values; } value_spec;
        struct { go_node *name, *type_params, *type; go_pos assign; } type_spec;
        struct { go_list specs; go_pos lparen, rparen; } gen_decl;
        struct { go_node *recv, *name, *type, *body; } func_decl;
        struct { go_node *name; go_list decls, comments; } file;
        struct { go_list list; } comment_group;
    } u;
};

/* ---- files ------------------------------------------------------------ */

typedef struct go_syntax_error {
    go_pos pos;
    const char *msg;
} go_syntax_error;

typedef struct go_file {
    const char *path;
    const char *src; /* the source bytes; owned by the file when read by go_parse_path */
    size_t len;
    go_node *root;   /* GO_FILE; NULL only when the source could not be read */
    go_list imports; /* every ImportSpec, in source order */
    go_syntax_error *errors; /* sorted by position */
    uint32_t nerrors;
    ls_arena *arena;
    ls_intern *names;
    uint64_t parse_ns; /* time spent lexing and parsing, for statistics */
    /* private */
    uint32_t *line_starts;
    uint32_t nlines;
    ls_file_data data;
    uint32_t kind_count[GO_KIND_COUNT]; /* go_file_kind_count */
} go_file;

/*
 * How many nodes of kind k the parser made for f: at least the number in
 * the tree (a construct abandoned on a syntax error may be counted too).
 * Zero says in O(1) that no node of that kind is anywhere in the file, so a
 * check can pass over a file with no go statement without walking it.
 */
static inline uint32_t go_file_kind_count(const go_file *f, go_kind k) {
    return (unsigned)k < GO_KIND_COUNT ? f->kind_count[k] : 0;
}

typedef struct go_position {
    uint32_t line, col; /* 1-based; col counts bytes */
} go_position;

typedef struct go_parse_options {
    /* Nesting depth at which the parser gives up on a file (0: default
     * 10000, safe on an 8 MiB stack even under AddressSanitizer).  Counted
     * like go/parser (whose limit is 100000), so it bounds both recursion
     * and the depth of the tree. */
    uint32_t max_depth;
} go_parse_options;

/*
 * Parses src[0..len).  The bytes must outlive the returned file.  Always
 * returns a file (with a possibly partial tree); syntax errors are in
 * file->errors and, when sink is given, emitted there as well.
 */
go_file *go_parse(const char *path, const char *src, size_t len,
                  const go_parse_options *opts, const ls_diag_sink *sink);

/*
 * Reads and parses a file ("-" for stdin).  Returns NULL and sets *err to an
 * errno value when the file cannot be read.
 */
go_file *go_parse_path(const char *path, const go_parse_options *opts,
                       const ls_diag_sink *sink, int *err);

void go_file_free(go_file *f);

go_position go_file_position(go_file *f, go_pos pos);
const ls_atom *go_file_atom(const go_file *f, const char *name);

/* ---- walking ---------------------------------------------------------- */

/*
 * Calls visit(ctx, child, label, index) for each direct child of n, in go/ast
 * field order.  label is the go/ast field name ("Body"); index is the list
 * index for list fields and -1 otherwise.
 */
typedef void (*go_child_fn)(void *ctx, go_node *child, const char *label, int index);
void go_node_children(go_node *n, go_child_fn visit, void *ctx);

/*
 * Depth-first walk.  pre() is called before a node's children; returning
 * false skips them.  post() (may be NULL) is called after them.
 */
typedef bool (*go_pre_fn)(void *ctx, go_node *n);
typedef void (*go_post_fn)(void *ctx, go_node *n);
void go_walk(go_node *root, go_pre_fn pre, go_post_fn post, void *ctx);

/* Writes the canonical dump of docs/ast-dump.md for f (without the header). */
void go_dump(go_file *f, ls_buf *out);

#ifdef __cplusplus
}
#endif
#endif
