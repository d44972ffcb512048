/*
 * fixkit (fixkit.h): the shared pieces of rules' fixes -- where a line
 * starts and ends, its indentation, and adding an import where gofmt
 * would keep it.
 *
 * gofmt sorts the specs of an import block within each group of lines
 * not separated by a blank line, and leaves separate import declarations
 * alone; so a new spec is gofmt-clean when it goes into a group in sorted
 * position on a line of its own, or on a new `import "path"` line after
 * the last import declaration.
 */
#include <stdio.h>
#include <string.h>

#include "fixkit.h"
#include "leakscope/goscope.h"

go_pos fixkit_line_start(const go_file *f, go_pos pos) {
    while (pos > 0 && f->src[pos - 1] != '\n')
        pos--;
    return pos;
}

go_pos fixkit_line_end(const go_file *f, go_pos pos) {
    while (pos < f->len && f->src[pos] != '\n')
        pos++;
    return pos < f->len ? pos + 1 : pos;
}

const char *fixkit_indent(lint_pass *pass, go_pos pos) {
    const go_file *f = pass->file;
    go_pos s = fixkit_line_start(f, pos), e = s;
    while (e < f->len && (f->src[e] == ' ' || f->src[e] == '\t'))
        e++;
    return ls_arena_strndup(pass->arena, f->src + s, e - s);
}

bool fixkit_only_blank_or_comment(const go_file *f, go_pos from, go_pos to) {
    for (go_pos i = from; i < to && i < f->len; i++) {
        char c = f->src[i];
        if (c == '/' && i + 1 < to && f->src[i + 1] == '/')
            return true;
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return false;
    }
    return true;
}

typedef struct name_scan {
    const ls_atom *name;
    bool found;
} name_scan;

static bool name_pre(void *ctx, go_node *n) {
    name_scan *s = ctx;
    if (n->kind == GO_IDENT && n->u.ident.name == s->name && n->u.ident.decl)
        s->found = true;
    return !s->found;
}

bool fixkit_name_declared(go_node *root, const ls_atom *name) {
    if (!name)
        return false;
    name_scan s = {name, false};
    go_walk(root, name_pre, NULL, &s);
    return s.found;
}

/* The import path of spec, without quotes, into buf ("" when odd). */
static const char *spec_path(const go_node *spec, char *buf, size_t cap) {
    const go_node *p = spec->u.import_spec.path;
    buf[0] = 0;
    if (!p || p->u.lit.len < 2 || p->u.lit.len - 2 >= cap || p->u.lit.text[0] != '"')
        return buf;
    memcpy(buf, p->u.lit.text + 1, p->u.lit.len - 2);
    buf[p->u.lit.len - 2] = 0;
    return buf;
}

static bool is_std_path(const char *path) {
    const char *slash = strchr(path, '/');
    size_t first = slash ? (size_t)(slash - path) : strlen(path);
    return first && !memchr(path, '.', first);
}

/* The spec sits alone on its line (a trailing comment allowed). */
static bool alone_on_line(const go_file *f, const go_node *spec) {
    go_pos s = fixkit_line_start(f, spec->pos);
    return fixkit_only_blank_or_comment(f, s, spec->pos) && f->src[s] != '/' &&
           fixkit_only_blank_or_comment(f, spec->end, fixkit_line_end(f, spec->end));
}

/* A blank line lies between specs a and b. */
static bool blank_line_between(const go_file *f, const go_node *a, const go_node *b) {
    go_pos at = fixkit_line_end(f, a->end), stop = fixkit_line_start(f, b->pos);
    while (at < stop) {
        go_pos e = fixkit_line_end(f, at);
        bool blank = true;
        for (go_pos i = at; i < e && blank; i++)
            blank = f->src[i] == ' ' || f->src[i] == '\t' || f->src[i] == '\r' || f->src[i] == '\n';
        if (blank)
            return true;
        at = e;
    }
    return false;
}

/* The line before pos's line is a comment (it belongs to the spec). */
static bool comment_line_before(const go_file *f, go_pos pos) {
    go_pos s = fixkit_line_start(f, pos);
    if (s == 0)
        return false;
    go_pos p = fixkit_line_start(f, s - 1);
    while (p < s && (f->src[p] == ' ' || f->src[p] == '\t'))
        p++;
    return p + 1 < s && f->src[p] == '/' && (f->src[p + 1] == '/' || f->src[p + 1] == '*');
}

/* A spec for path inside the import block gd, in sorted position. */
static bool place_in_block(lint_pass *pass, const go_node *gd, const char *path, fixkit_import *imp) {
    const go_file *f = pass->file;
    const go_list *specs = &gd->u.gen_decl.specs;
    char buf[512];
    for (uint32_t i = 0; i < specs->len; i++)
        if (specs->at[i]->kind != GO_IMPORT_SPEC || !alone_on_line(f, specs->at[i]))
            return false;
    /* the group: the first with a standard-library path, else the first */
    uint32_t begin = 0, end = 0, g = 0;
    bool chosen = false;
    while (g < specs->len && !chosen) {
        uint32_t e = g + 1;
        while (e < specs->len && !blank_line_between(f, specs->at[e - 1], specs->at[e]))
            e++;
        for (uint32_t i = g; i < e && !chosen; i++)
            chosen = is_std_path(spec_path(specs->at[i], buf, sizeof buf));
        if (chosen || g == 0) {
            begin = g;
            end = e;
        }
        g = e;
    }
    const go_node *after = NULL;
    for (uint32_t i = begin; i < end; i++)
        if (strcmp(spec_path(specs->at[i], buf, sizeof buf), path) < 0)
            after = specs->at[i];
    const go_node *anchor = after ? after : specs->at[begin];
    if (!after && comment_line_before(f, anchor->pos))
        return false;
    const char *indent = fixkit_indent(pass, anchor->pos);
    size_t n = strlen(indent) + strlen(path) + 4;
    char *text = ls_arena_alloc(pass->arena, n);
    snprintf(text, n, "%s\"%s\"\n", indent, path);
    imp->at = after ? fixkit_line_end(f, after->end) : fixkit_line_start(f, anchor->pos);
    imp->text = text;
    return true;
}

/* A new `import "path"` line after the last import declaration. */
static bool place_after_decls(lint_pass *pass, const char *path, fixkit_import *imp) {
    const go_file *f = pass->file;
    const go_node *last = NULL;
    go_list decls = f->root->u.file.decls;
    for (uint32_t i = 0; i < decls.len; i++)
        if (decls.at[i]->kind == GO_GEN_DECL && decls.at[i]->op == GO_TOK_IMPORT)
            last = decls.at[i];
    if (!last || !fixkit_only_blank_or_comment(f, last->end, fixkit_line_end(f, last->end)))
        return false;
    size_t n = strlen(path) + sizeof "import \"\"\n";
    char *text = ls_arena_alloc(pass->arena, n);
    snprintf(text, n, "import \"%s\"\n", path);
    imp->at = fixkit_line_end(f, last->end);
    imp->text = text;
    return true;
}

fixkit_import fixkit_need_import(lint_pass *pass, const char *path, const char *name) {
    fixkit_import imp = {0};
    const go_file *f = pass->file;
    if (!f->root)
        return imp;
    const char *use = NULL;
    for (uint32_t i = 0; i < f->imports.len; i++) {
        const go_node *spec = f->imports.at[i];
        ls_str local = go_import_local_name(spec);
        bool same = go_import_path_is(spec, path);
        if (same && local.len) {
            use = ls_arena_strndup(pass->arena, local.ptr, local.len);
        } else if (!same && local.len == strlen(name) && memcmp(local.ptr, name, local.len) == 0) {
            return imp; /* the name is another package's */
        }
    }
    const char *want = use ? use : name;
    if (fixkit_name_declared(f->root, go_file_atom(f, want)))
        return imp; /* a variable, function or type of that name may shadow it */
    if (pass->pkg && (go_package_func(pass->pkg, want, NULL) || go_package_type(pass->pkg, want, NULL)))
        return imp;
    if (use) {
        imp.name = use;
        return imp;
    }
    if (go_file_imports(f, path))
        return imp; /* only dot or blank imports of it */
    const go_node *block = NULL;
    go_list decls = f->root->u.file.decls;
    for (uint32_t i = 0; i < decls.len && !block; i++) {
        const go_node *d = decls.at[i];
        if (d->kind == GO_GEN_DECL && d->op == GO_TOK_IMPORT && d->u.gen_decl.lparen != GO_NOPOS &&
            d->u.gen_decl.specs.len)
            block = d;
    }
    bool placed = block ? place_in_block(pass, block, path, &imp) : place_after_decls(pass, path, &imp);
    if (placed) {
        imp.name = name;
        imp.has_edit = true;
    }
    return imp;
}

void fixkit_add_import(lint_pass *pass, const fixkit_import *imp) {
    if (imp->name && imp->has_edit)
        lint_fix_edit(pass, imp->at, imp->at, imp->text);
}

/* ---- statements ------------------------------------------------------------------ */

typedef struct any_name {
    const ls_atom *name;
    bool found;
} any_name;

static bool any_name_pre(void *ctx, go_node *n) {
    any_name *s = ctx;
    if (n->kind == GO_IDENT && n->u.ident.name == s->name)
        s->found = true;
    return !s->found;
}

bool fixkit_name_used(go_node *root, const ls_atom *name) {
    if (!name || !root)
        return false;
    any_name s = {name, false};
    go_walk(root, any_name_pre, NULL, &s);
    return s.found;
}

go_node *fixkit_top_decl(const go_file *f, go_pos pos) {
    if (!f->root)
        return NULL;
    go_list decls = f->root->u.file.decls;
    for (uint32_t i = 0; i < decls.len; i++)
        if (decls.at[i]->pos <= pos && pos < decls.at[i]->end)
            return decls.at[i];
    return NULL;
}

typedef struct stmt_find {
    const go_node *stmt;
    int loops;
    bool found, in_loop;
} stmt_find;

static bool list_holds(const go_list *l, const go_node *stmt) {
    for (uint32_t i = 0; i < l->len; i++)
        if (l->at[i] == stmt)
            return true;
    return false;
}

static bool stmt_find_pre(void *ctx, go_node *n) {
    stmt_find *s = ctx;
    if (s->found || n->kind == GO_FUNC_LIT || n->pos > s->stmt->pos || n->end < s->stmt->end)
        return false;
    const go_list *l = n->kind == GO_BLOCK_STMT     ? &n->u.block.list
                       : n->kind == GO_CASE_CLAUSE ? &n->u.case_clause.body
                       : n->kind == GO_COMM_CLAUSE ? &n->u.comm_clause.body
                                                   : NULL;
    if (l && list_holds(l, s->stmt)) {
        s->found = true;
        s->in_loop = s->loops > 0;
        return false;
    }
    if (n->kind == GO_FOR_STMT || n->kind == GO_RANGE_STMT)
        s->loops++;
    return true;
}

static void stmt_find_post(void *ctx, go_node *n) {
    stmt_find *s = ctx;
    if (n->kind == GO_FOR_STMT || n->kind == GO_RANGE_STMT)
        s->loops--;
}

bool fixkit_stmt_in_list(go_node *body, const go_node *stmt, bool *in_loop) {
    stmt_find s = {.stmt = stmt};
    go_walk(body, stmt_find_pre, stmt_find_post, &s);
    *in_loop = s.in_loop;
    return s.found;
}

bool fixkit_can_insert_line_after(const go_file *f, const go_node *stmt) {
    if (stmt->end > f->len)
        return false;
    go_pos s = fixkit_line_start(f, stmt->pos);
    for (go_pos i = s; i < stmt->pos; i++)
        if (f->src[i] != ' ' && f->src[i] != '\t')
            return false;
    go_pos e = fixkit_line_end(f, stmt->end);
    return e > 0 && f->src[e - 1] == '\n' && fixkit_only_blank_or_comment(f, stmt->end, e);
}

bool fixkit_insert_line_after(lint_pass *pass, const go_node *stmt, const char *line) {
    const go_file *f = pass->file;
    if (!fixkit_can_insert_line_after(f, stmt))
        return false;
    const char *indent = fixkit_indent(pass, stmt->pos);
    size_t n = strlen(indent) + strlen(line) + 2;
    char *text = ls_arena_alloc(pass->arena, n);
    snprintf(text, n, "%s%s\n", indent, line);
    go_pos at = fixkit_line_end(f, stmt->end);
    lint_fix_edit(pass, at, at, text);
    return true;
}
