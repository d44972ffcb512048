/*
 * AST support: token and kind names, lazy line tables, child enumeration
 * and walking, and reading+parsing a file from disk.
 *
 * Children are described by one table (kind -> slots), in go/ast field
 * order, so walking, dumping and any future visitor agree by construction.
 */
#include "leakscope/goast.h"
#include "parse.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const tok_strings[GO_TOK_COUNT] = {
    [GO_TOK_ILLEGAL] = "ILLEGAL", [GO_TOK_EOF] = "EOF", [GO_TOK_COMMENT] = "COMMENT",
    [GO_TOK_IDENT] = "IDENT", [GO_TOK_INT] = "INT", [GO_TOK_FLOAT] = "FLOAT",
    [GO_TOK_IMAG] = "IMAG", [GO_TOK_CHAR] = "CHAR", [GO_TOK_STRING] = "STRING",
    [GO_TOK_ADD] = "+", [GO_TOK_SUB] = "-", [GO_TOK_MUL] = "*", [GO_TOK_QUO] = "/",
    [GO_TOK_REM] = "%", [GO_TOK_AND] = "&", [GO_TOK_OR] = "|", [GO_TOK_XOR] = "^",
    [GO_TOK_SHL] = "<<", [GO_TOK_SHR] = ">>", [GO_TOK_AND_NOT] = "&^",
    [GO_TOK_ADD_ASSIGN] = "+=", [GO_TOK_SUB_ASSIGN] = "-=", [GO_TOK_MUL_ASSIGN] = "*=",
    [GO_TOK_QUO_ASSIGN] = "/=", [GO_TOK_REM_ASSIGN] = "%=", [GO_TOK_AND_ASSIGN] = "&=",
    [GO_TOK_OR_ASSIGN] = "|=", [GO_TOK_XOR_ASSIGN] = "^=", [GO_TOK_SHL_ASSIGN] = "<<=",
    [GO_TOK_SHR_ASSIGN] = ">>=", [GO_TOK_AND_NOT_ASSIGN] = "&^=", [GO_TOK_LAND] = "&&",
    [GO_TOK_LOR] = "||", [GO_TOK_ARROW] = "<-", [GO_TOK_INC] = "++", [GO_TOK_DEC] = "--",
    [GO_TOK_EQL] = "==", [GO_TOK_LSS] = "<", [GO_TOK_GTR] = ">", [GO_TOK_ASSIGN] = "=",
    [GO_TOK_NOT] = "!", [GO_TOK_NEQ] = "!=", [GO_TOK_LEQ] = "<=", [GO_TOK_GEQ] = ">=",
    [GO_TOK_DEFINE] = ":=", [GO_TOK_ELLIPSIS] = "...", [GO_TOK_LPAREN] = "(",
    [GO_TOK_LBRACK] = "[", [GO_TOK_LBRACE] = "{", [GO_TOK_COMMA] = ",", [GO_TOK_PERIOD] = ".",
    [GO_TOK_RPAREN] = ")", [GO_TOK_RBRACK] = "]", [GO_TOK_RBRACE] = "}",
    [GO_TOK_SEMICOLON] = ";", [GO_TOK_COLON] = ":", [GO_TOK_TILDE] = "~",
    [GO_TOK_BREAK] = "break", [GO_TOK_CASE] = "case", [GO_TOK_CHAN] = "chan",
    [GO_TOK_CONST] = "const", [GO_TOK_CONTINUE] = "continue", [GO_TOK_DEFAULT] = "default",
    [GO_TOK_DEFER] = "defer", [GO_TOK_ELSE] = "else", [GO_TOK_FALLTHROUGH] = "fallthrough",
    [GO_TOK_FOR] = "for", [GO_TOK_FUNC] = "func", [GO_TOK_GO] = "go", [GO_TOK_GOTO] = "goto",
    [GO_TOK_IF] = "if", [GO_TOK_IMPORT] = "import", [GO_TOK_INTERFACE] = "interface",
    [GO_TOK_MAP] = "map", [GO_TOK_PACKAGE] = "package", [GO_TOK_RANGE] = "range",
    [GO_TOK_RETURN] = "return", [GO_TOK_SELECT] = "select", [GO_TOK_STRUCT] = "struct",
    [GO_TOK_SWITCH] = "switch", [GO_TOK_TYPE] = "type", [GO_TOK_VAR] = "var",
};

const char *go_tok_string(go_tok t) {
    return (unsigned)t < GO_TOK_COUNT && tok_strings[t] ? tok_strings[t] : "?";
}

/* ---- kinds and their children ------------------------------------------- */

typedef struct slot {
    const char *label;
    unsigned short offset;
    bool is_list;
} slot;

#define N(kind_field, label) {label, offsetof(go_node, u.kind_field), false}
#define L(kind_field, label) {label, offsetof(go_node, u.kind_field), true}

typedef struct kind_info {
    const char *name;
    slot slots[5];
} kind_info;

static const kind_info kinds[GO_KIND_COUNT] = {
    [GO_BAD_EXPR] = {"BadExpr", {{0}}},
    [GO_IDENT] = {"Ident", {{0}}},
    [GO_ELLIPSIS] = {"Ellipsis", {N(ellipsis.elt, "Elt")}},
    [GO_BASIC_LIT] = {"BasicLit", {{0}}},
    [GO_FUNC_LIT] = {"FuncLit", {N(func_lit.type, "Type"), N(func_lit.body, "Body")}},
    [GO_COMPOSITE_LIT] = {"CompositeLit", {N(composite.type, "Type"), L(composite.elts, "Elts")}},
    [GO_PAREN_EXPR] = {"ParenExpr", {N(paren.x, "X")}},
    [GO_SELECTOR_EXPR] = {"SelectorExpr", {N(selector.x, "X"), N(selector.sel, "Sel")}},
    [GO_INDEX_EXPR] = {"IndexExpr", {N(index.x, "X"), N(index.index, "Index")}},
    [GO_INDEX_LIST_EXPR] = {"IndexListExpr", {N(index_list.x, "X"), L(index_list.indices, "Indices")}},
    [GO_SLICE_EXPR] = {"SliceExpr", {N(slice.x, "X"), N(slice.low, "Low"), N(slice.high, "High"),
                                     N(slice.max, "Max")}},
    [GO_TYPE_ASSERT_EXPR] = {"TypeAssertExpr", {N(type_assert.x, "X"), N(type_assert.type, "Type")}},
    [GO_CALL_EXPR] = {"CallExpr", {N(call.fun, "Fun"), L(call.args, "Args")}},
    [GO_STAR_EXPR] = {"StarExpr", {N(star.x, "X")}},
    [GO_UNARY_EXPR] = {"UnaryExpr", {N(unary.x, "X")}},
    [GO_BINARY_EXPR] = {"BinaryExpr", {N(binary.x, "X"), N(binary.y, "Y")}},
    [GO_KEY_VALUE_EXPR] = {"KeyValueExpr", {N(key_value.key, "Key"), N(key_value.value, "Value")}},
    [GO_ARRAY_TYPE] = {"ArrayType", {N(array.len, "Len"), N(array.elt, "Elt")}},
    [GO_STRUCT_TYPE] = {"StructType", {N(struct_type.fields, "Fields")}},
    [GO_FUNC_TYPE] = {"FuncType", {N(func_type.type_params, "TypeParams"),
                                   N(func_type.params, "Params"), N(func_type.results, "Results")}},
    [GO_INTERFACE_TYPE] = {"InterfaceType", {N(interface_type.methods, "Methods")}},
    [GO_MAP_TYPE] = {"MapType", {N(map_type.key, "Key"), N(map_type.value, "Value")}},
    [GO_CHAN_TYPE] = {"ChanType", {N(chan_type.value, "Value")}},
    [GO_FIELD_LIST] = {"FieldList", {L(field_list.list, "List")}},
    [GO_FIELD] = {"Field", {L(field.names, "Names"), N(field.type, "Type"), N(field.tag, "Tag")}},
    [GO_BAD_STMT] = {"BadStmt", {{0}}},
    [GO_DECL_STMT] = {"DeclStmt", {N(decl_stmt.decl, "Decl")}},
    [GO_EMPTY_STMT] = {"EmptyStmt", {{0}}},
    [GO_LABELED_STMT] = {"LabeledStmt", {N(labeled.label, "Label"), N(labeled.stmt, "Stmt")}},
    [GO_EXPR_STMT] = {"ExprStmt", {N(expr_stmt.x, "X")}},
    [GO_SEND_STMT] = {"SendStmt", {N(send.chan, "Chan"), N(send.value, "Value")}},
    [GO_INC_DEC_STMT] = {"IncDecStmt", {N(inc_dec.x, "X")}},
    [GO_ASSIGN_STMT] = {"AssignStmt", {L(assign.lhs, "Lhs"), L(assign.rhs, "Rhs")}},
    [GO_GO_STMT] = {"GoStmt", {N(go_stmt.call, "Call")}},
    [GO_DEFER_STMT] = {"DeferStmt", {N(defer_stmt.call, "Call")}},
    [GO_RETURN_STMT] = {"ReturnStmt", {L(return_stmt.results, "Results")}},
    [GO_BRANCH_STMT] = {"BranchStmt", {N(branch.label, "Label")}},
    [GO_BLOCK_STMT] = {"BlockStmt", {L(block.list, "List")}},
    [GO_IF_STMT] = {"IfStmt", {N(if_stmt.init, "Init"), N(if_stmt.cond, "Cond"),
                               N(if_stmt.body, "Body"), N(if_stmt.else_, "Else")}},
    [GO_CASE_CLAUSE] = {"CaseClause", {L(case_clause.list, "List"), L(case_clause.body, "Body")}},
    [GO_SWITCH_STMT] = {"SwitchStmt", {N(switch_stmt.init, "Init"), N(switch_stmt.tag, "Tag"),
                                       N(switch_stmt.body, "Body")}},
    [GO_TYPE_SWITCH_STMT] = {"TypeSwitchStmt", {N(type_switch.init, "Init"),
                                                N(type_switch.assign, "Assign"),
                                                N(type_switch.body, "Body")}},
    [GO_COMM_CLAUSE] = {"CommClause", {N(comm_clause.comm, "Comm"), L(comm_clause.body, "Body")}},
    [GO_SELECT_STMT] = {"SelectStmt", {N(select_stmt.body, "Body")}},
    [GO_FOR_STMT] = {"ForStmt", {N(for_stmt.init, "Init"), N(for_stmt.cond, "Cond"),
                                 N(for_stmt.post, "Post"), N(for_stmt.body, "Body")}},
    [GO_RANGE_STMT] = {"RangeStmt", {N(range_stmt.key, "Key"), N(range_stmt.value, "Value"),
                                     N(range_stmt.x, "X"), N(range_stmt.body, "Body")}},
    [GO_IMPORT_SPEC] = {"ImportSpec", {N(import_spec.name, "Name"), N(import_spec.path, "Path")}},
    [GO_VALUE_SPEC] = {"ValueSpec", {L(value_spec.names, "Names"), N(value_spec.type, "Type"),
                                     L(value_spec.values, "Values")}},
    [GO_TYPE_SPEC] = {"TypeSpec", {N(type_spec.name, "Name"), N(type_spec.type_params, "TypeParams"),
                                   N(type_spec.type, "Type")}},
    [GO_BAD_DECL] = {"BadDecl", {{0}}},
    [GO_GEN_DECL] = {"GenDecl", {L(gen_decl.specs, "Specs")}},
    [GO_FUNC_DECL] = {"FuncDecl", {N(func_decl.recv, "Recv"), N(func_decl.name, "Name"),
                                   N(func_decl.type, "Type"), N(func_decl.body, "Body")}},
    [GO_FILE] = {"File", {N(file.name, "Name"), L(file.decls, "Decls"), L(file.comments, "Comments")}},
    [GO_COMMENT_GROUP] = {"CommentGroup", {L(comment_group.list, "List")}},
    [GO_COMMENT] = {"Comment", {{0}}},
};

#undef N
#undef L

const char *go_kind_name(go_kind k) {
    return (unsigned)k < GO_KIND_COUNT ? kinds[k].name : "?";
}

void go_node_children(go_node *n, go_child_fn visit, void *ctx) {
    if (!n || n->kind >= GO_KIND_COUNT)
        return;
    const slot *s = kinds[n->kind].slots;
    for (int i = 0; i < 5 && s[i].label; i++) {
        char *field = (char *)n + s[i].offset;
        if (s[i].is_list) {
            go_list *l = (go_list *)field;
            for (uint32_t j = 0; j < l->len; j++)
                visit(ctx, l->at[j], s[i].label, (int)j);
        } else {
            go_node *c = *(go_node **)field;
            if (c)
                visit(ctx, c, s[i].label, -1);
        }
    }
}

typedef struct walk_ctx {
    go_pre_fn pre;
    go_post_fn post;
    void *ctx;
} walk_ctx;

/* The walk reads the slot table itself rather than going through
 * go_node_children: rules walk every function several times, and the
 * callback per child was a tenth of a lint run. */
static void walk_node(const walk_ctx *w, go_node *n) {
    if (w->pre && !w->pre(w->ctx, n))
        return;
    if (n && n->kind < GO_KIND_COUNT) {
        const slot *s = kinds[n->kind].slots;
        for (int i = 0; i < 5 && s[i].label; i++) {
            char *field = (char *)n + s[i].offset;
            if (s[i].is_list) {
                go_list *l = (go_list *)field;
                for (uint32_t j = 0; j < l->len; j++)
                    walk_node(w, l->at[j]);
            } else if (*(go_node **)field) {
                walk_node(w, *(go_node **)field);
            }
        }
    }
    if (w->post)
        w->post(w->ctx, n);
}

void go_walk(go_node *root, go_pre_fn pre, go_post_fn post, void *ctx) {
    if (!root)
        return;
    walk_ctx w = {pre, post, ctx};
    walk_node(&w, root);
}

/* ---- positions ------------------------------------------------------------ */

/* Line starts, as go/token counts them: a newline that ends the file does
 * not start another line, so the end of file is on the last line. */
static void build_line_table(go_file *f) {
    const char *src = f->src, *end = f->src + f->len;
    uint32_t n = 1;
    for (const char *p = src; (p = memchr(p, '\n', (size_t)(end - p))) && p + 1 < end; p++)
        n++;
    f->line_starts = ls_arena_alloc(f->arena, n * sizeof *f->line_starts);
    f->line_starts[0] = 0;
    uint32_t i = 1;
    for (const char *p = src; (p = memchr(p, '\n', (size_t)(end - p))) && p + 1 < end; p++)
        f->line_starts[i++] = (uint32_t)(p - src) + 1;
    f->nlines = n;
}

go_position go_file_position(go_file *f, go_pos pos) {
    go_position at = {0, 0};
    if (pos == GO_NOPOS)
        return at;
    if (!f->line_starts)
        build_line_table(f);
    uint32_t lo = 0, hi = f->nlines; /* last line start <= pos */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (f->line_starts[mid] <= pos)
            lo = mid;
        else
            hi = mid;
    }
    at.line = lo + 1;
    at.col = pos - f->line_starts[lo] + 1;
    return at;
}

const ls_atom *go_file_atom(const go_file *f, const char *name) {
    return ls_intern_get(f->names, name, strlen(name));
}

/* ---- files ------------------------------------------------------------------ */

/* Files up to this size are read into the file's arena: cheaper than
 * mapping and unmapping them, which serialises threads on the page tables. */
#define READ_LIMIT ((size_t)4 << 20)

go_file *go_parse_path(const char *path, const go_parse_options *opts, const ls_diag_sink *sink,
                       int *err) {
    ls_file_data data;
    ls_arena *arena = ls_arena_new(0);
    int rc = ls_file_read_in(path, READ_LIMIT, arena, &data);
    if (rc != 0) {
        ls_arena_free(arena);
        if (err)
            *err = rc;
        return NULL;
    }
    go_file *f = go_parse_in(arena, path, data.data ? data.data : "", data.len, opts, sink);
    f->data = data;
    if (err)
        *err = 0;
    return f;
}

void go_file_free(go_file *f) {
    if (!f)
        return;
    ls_file_data data = f->data;
    ls_arena_free(f->arena);
    ls_file_release(&data);
}
