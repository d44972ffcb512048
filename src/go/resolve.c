/*
 * Name resolution for one Go file (go_resolve), import questions, closure
 * captures and the package index.  See include/leakscope/goscope.h and
 * docs/semantics.md.
 *
 * Scopes are one flat stack of entries (name -> declaring Ident).  A hash
 * table keyed by the file's interned atoms holds, for each name, the index
 * of its innermost entry, and every entry remembers the one it shadows, so
 * a lookup is one probe and closing a scope unwinds its entries.  The walk
 * follows go/types' scoping: a variable is visible after its declaring
 * statement, a type from its own name on, package names everywhere.
 */
#include "leakscope/goscope.h"

#include <stdlib.h>
#include <string.h>

/* ---- the scope stack ------------------------------------------------------- */

typedef struct slot {
    const ls_atom *atom;
    int32_t head; /* innermost entry for atom, -1: none */
} slot;

typedef struct entry {
    go_node *decl;
    uint32_t slot;
    int32_t prev; /* the entry this one shadows */
} entry;

typedef struct label {
    const ls_atom *atom;
    go_node *decl;
} label;

typedef struct resolver {
    ls_arena *arena;
    const ls_atom *blank;
    slot *slots;
    size_t mask;
    entry *entries;
    uint32_t nentries, capentries;
    uint32_t scope_start; /* first entry of the innermost scope */
    /* labels and labelled branches of the functions being walked */
    label *labels;
    uint32_t nlabels, caplabels;
    go_node **branches;
    uint32_t nbranches, capbranches;
} resolver;

static void *grow(ls_arena *a, void *old, uint32_t n, uint32_t *cap, size_t size) {
    uint32_t c = *cap ? *cap * 2 : 64;
    void *p = ls_arena_alloc(a, (size_t)c * size);
    if (n)
        memcpy(p, old, (size_t)n * size);
    *cap = c;
    return p;
}

static inline slot *find_slot(resolver *r, const ls_atom *atom) {
    size_t i = atom->hash & r->mask;
    while (r->slots[i].atom && r->slots[i].atom != atom)
        i = (i + 1) & r->mask;
    return &r->slots[i];
}

/* Makes id a declaration visible in the innermost scope. */
static void declare(resolver *r, go_node *id) {
    if (!id || id->kind != GO_IDENT)
        return;
    const ls_atom *a = id->u.ident.name;
    if (!a || a == r->blank) {
        id->u.ident.decl = NULL;
        return;
    }
    id->u.ident.decl = id;
    slot *s = find_slot(r, a);
    if (!s->atom) {
        s->atom = a;
        s->head = -1;
    }
    if (r->nentries == r->capentries)
        r->entries = grow(r->arena, r->entries, r->nentries, &r->capentries, sizeof *r->entries);
    entry *e = &r->entries[r->nentries];
    e->decl = id;
    e->slot = (uint32_t)(s - r->slots);
    e->prev = s->head;
    s->head = (int32_t)r->nentries++;
}

/* A declaration that is no scope entry: struct fields, interface methods,
 * method names, labels. */
static void declare_member(resolver *r, go_node *id) {
    if (id && id->kind == GO_IDENT)
        id->u.ident.decl = (id->u.ident.name && id->u.ident.name != r->blank) ? id : NULL;
}

static inline go_node *lookup(resolver *r, const ls_atom *a) {
    slot *s = find_slot(r, a);
    return s->atom && s->head >= 0 ? r->entries[s->head].decl : NULL;
}

static uint32_t open_scope(resolver *r) {
    uint32_t saved = r->scope_start;
    r->scope_start = r->nentries;
    return saved;
}

static void close_scope(resolver *r, uint32_t saved) {
    while (r->nentries > r->scope_start) {
        entry *e = &r->entries[--r->nentries];
        r->slots[e->slot].head = e->prev;
    }
    r->scope_start = saved;
}

/* ---- expressions ------------------------------------------------------------- */

static void resolve_expr(resolver *r, go_node *n);
static void resolve_stmt(resolver *r, go_node *n);
static void resolve_stmts(resolver *r, go_list l);
static void resolve_gen_decl(resolver *r, go_node *d, bool pkg);

static void use(resolver *r, go_node *id) {
    const ls_atom *a = id->u.ident.name;
    id->u.ident.decl = (a && a != r->blank) ? lookup(r, a) : NULL;
}

static void resolve_list(resolver *r, go_list l) {
    for (uint32_t i = 0; i < l.len; i++)
        resolve_expr(r, l.at[i]);
}

/* Resolves the types of a field list (parameters, fields, methods). */
static void resolve_field_types(resolver *r, go_node *fl) {
    if (!fl || fl->kind != GO_FIELD_LIST)
        return;
    for (uint32_t i = 0; i < fl->u.field_list.list.len; i++) {
        go_node *fd = fl->u.field_list.list.at[i];
        if (fd && fd->kind == GO_FIELD)
            resolve_expr(r, fd->u.field.type);
    }
}

static void declare_field_names(resolver *r, go_node *fl, bool member) {
    if (!fl || fl->kind != GO_FIELD_LIST)
        return;
    for (uint32_t i = 0; i < fl->u.field_list.list.len; i++) {
        go_node *fd = fl->u.field_list.list.at[i];
        if (!fd || fd->kind != GO_FIELD)
            continue;
        for (uint32_t j = 0; j < fd->u.field.names.len; j++) {
            if (member)
                declare_member(r, fd->u.field.names.at[j]);
            else
                declare(r, fd->u.field.names.at[j]);
        }
    }
}

/* Type parameters see each other: declare all, then resolve constraints. */
static void declare_type_params(resolver *r, go_node *tparams) {
    declare_field_names(r, tparams, false);
    resolve_field_types(r, tparams);
}

/* Labels belong to one function body; branches are bound at its end
 * (goto may jump forward). */
typedef struct label_frame {
    uint32_t labels, branches;
} label_frame;

static label_frame open_labels(resolver *r) {
    label_frame fr = {r->nlabels, r->nbranches};
    return fr;
}

static void close_labels(resolver *r, label_frame fr) {
    for (uint32_t i = fr.branches; i < r->nbranches; i++) {
        go_node *id = r->branches[i];
        id->u.ident.decl = NULL;
        for (uint32_t j = r->nlabels; j-- > fr.labels;)
            if (r->labels[j].atom == id->u.ident.name) {
                id->u.ident.decl = r->labels[j].decl;
                break;
            }
    }
    r->nlabels = fr.labels;
    r->nbranches = fr.branches;
}

/*
 * A function's signature and body in one scope (the body's block is the
 * function's block, so `x := ...` of a parameter x is no new variable).
 * Parameter types are resolved before any parameter is declared.
 */
static void resolve_func(resolver *r, go_node *recv, go_node *type, go_node *body) {
    uint32_t saved = open_scope(r);
    if (recv && recv->kind == GO_FIELD_LIST && recv->u.field_list.list.len > 0) {
        go_node *fd = recv->u.field_list.list.at[0];
        go_node *t = fd && fd->kind == GO_FIELD ? fd->u.field.type : NULL;
        while (t && (t->kind == GO_STAR_EXPR || t->kind == GO_PAREN_EXPR))
            t = t->kind == GO_STAR_EXPR ? t->u.star.x : t->u.paren.x;
        /* func (r *T[K, V]) ...: K and V declare the receiver's type
         * parameters; T is the package's type even in func (T[T]) m() */
        if (t && t->kind == GO_INDEX_EXPR) {
            resolve_expr(r, t->u.index.x);
            if (t->u.index.index && t->u.index.index->kind != GO_IDENT)
                resolve_expr(r, t->u.index.index);
            declare(r, t->u.index.index);
        } else if (t && t->kind == GO_INDEX_LIST_EXPR) {
            resolve_expr(r, t->u.index_list.x);
            for (uint32_t i = 0; i < t->u.index_list.indices.len; i++)
                declare(r, t->u.index_list.indices.at[i]);
        } else {
            resolve_field_types(r, recv);
        }
    }
    if (type && type->kind == GO_FUNC_TYPE) {
        declare_type_params(r, type->u.func_type.type_params);
        resolve_field_types(r, type->u.func_type.params);
        resolve_field_types(r, type->u.func_type.results);
        declare_field_names(r, recv, false);
        declare_field_names(r, type->u.func_type.params, false);
        declare_field_names(r, type->u.func_type.results, false);
    } else {
        declare_field_names(r, recv, false);
    }
    if (body && body->kind == GO_BLOCK_STMT) {
        label_frame fr = open_labels(r);
        resolve_stmts(r, body->u.block.list);
        close_labels(r, fr);
    }
    close_scope(r, saved);
}

/* What a composite literal's keys are, from its (possibly elided) type. */
static go_node *literal_type(go_node *t) {
    while (t && (t->kind == GO_PAREN_EXPR || t->kind == GO_STAR_EXPR))
        t = t->kind == GO_PAREN_EXPR ? t->u.paren.x : t->u.star.x;
    return t;
}

static void resolve_composite(resolver *r, go_node *n, go_node *hint);

/* An element, key or value of a composite literal whose elided type is hint. */
static void resolve_element(resolver *r, go_node *e, go_node *hint) {
    if (e && e->kind == GO_COMPOSITE_LIT)
        resolve_composite(r, e, hint);
    else
        resolve_expr(r, e);
}

static void resolve_composite(resolver *r, go_node *n, go_node *hint) {
    go_node *t = n->u.composite.type;
    if (t)
        resolve_expr(r, t);
    else
        t = hint;
    t = literal_type(t);
    /* Keys of arrays, slices and maps are expressions.  Anything else (a
     * struct, a named type we cannot see into) may have field names as
     * keys: an Ident key is left unbound rather than bound wrongly. */
    bool keys_are_exprs = t && (t->kind == GO_ARRAY_TYPE || t->kind == GO_MAP_TYPE);
    go_node *key_hint = t && t->kind == GO_MAP_TYPE ? t->u.map_type.key : NULL;
    go_node *elt_hint = !t                         ? NULL
                        : t->kind == GO_MAP_TYPE   ? t->u.map_type.value
                        : t->kind == GO_ARRAY_TYPE ? t->u.array.elt
                                                   : NULL;
    for (uint32_t i = 0; i < n->u.composite.elts.len; i++) {
        go_node *e = n->u.composite.elts.at[i];
        if (e && e->kind == GO_KEY_VALUE_EXPR) {
            go_node *k = e->u.key_value.key;
            if (keys_are_exprs)
                resolve_element(r, k, key_hint);
            else if (k && k->kind == GO_IDENT)
                k->u.ident.decl = NULL;
            else
                resolve_element(r, k, NULL);
            resolve_element(r, e->u.key_value.value, elt_hint);
        } else {
            resolve_element(r, e, elt_hint);
        }
    }
}

static void resolve_expr(resolver *r, go_node *n) {
    if (!n)
        return;
    switch ((go_kind)n->kind) {
    case GO_IDENT:
        use(r, n);
        break;
    case GO_ELLIPSIS:
        resolve_expr(r, n->u.ellipsis.elt);
        break;
    case GO_FUNC_LIT:
        resolve_func(r, NULL, n->u.func_lit.type, n->u.func_lit.body);
        break;
    case GO_COMPOSITE_LIT:
        resolve_composite(r, n, NULL);
        break;
    case GO_PAREN_EXPR:
        resolve_expr(r, n->u.paren.x);
        break;
    case GO_SELECTOR_EXPR:
        /* x.Sel: Sel is a field, method or package member, never a scope name */
        resolve_expr(r, n->u.selector.x);
        if (n->u.selector.sel && n->u.selector.sel->kind == GO_IDENT)
            n->u.selector.sel->u.ident.decl = NULL;
        break;
    case GO_INDEX_EXPR:
        resolve_expr(r, n->u.index.x);
        resolve_expr(r, n->u.index.index);
        break;
    case GO_INDEX_LIST_EXPR:
        resolve_expr(r, n->u.index_list.x);
        resolve_list(r, n->u.index_list.indices);
        break;
    case GO_SLICE_EXPR:
        resolve_expr(r, n->u.slice.x);
        resolve_expr(r, n->u.slice.low);
        resolve_expr(r, n->u.slice.high);
        resolve_expr(r, n->u.slice.max);
        break;
    case GO_TYPE_ASSERT_EXPR:
        resolve_expr(r, n->u.type_assert.x);
        resolve_expr(r, n->u.type_assert.type);
        break;
    case GO_CALL_EXPR:
        resolve_expr(r, n->u.call.fun);
        resolve_list(r, n->u.call.args);
        break;
    case GO_STAR_EXPR:
        resolve_expr(r, n->u.star.x);
        break;
    case GO_UNARY_EXPR:
        resolve_expr(r, n->u.unary.x);
        break;
    case GO_BINARY_EXPR:
        resolve_expr(r, n->u.binary.x);
        resolve_expr(r, n->u.binary.y);
        break;
    case GO_KEY_VALUE_EXPR:
        resolve_expr(r, n->u.key_value.key);
        resolve_expr(r, n->u.key_value.value);
        break;
    case GO_ARRAY_TYPE:
        resolve_expr(r, n->u.array.len);
        resolve_expr(r, n->u.array.elt);
        break;
    case GO_STRUCT_TYPE:
        resolve_field_types(r, n->u.struct_type.fields);
        declare_field_names(r, n->u.struct_type.fields, true);
        break;
    case GO_FUNC_TYPE: {
        /* a function type on its own: its parameter names are declared in
         * a scope of their own */
        uint32_t saved = open_scope(r);
        declare_type_params(r, n->u.func_type.type_params);
        resolve_field_types(r, n->u.func_type.params);
        resolve_field_types(r, n->u.func_type.results);
        declare_field_names(r, n->u.func_type.params, false);
        declare_field_names(r, n->u.func_type.results, false);
        close_scope(r, saved);
        break;
    }
    case GO_INTERFACE_TYPE:
        resolve_field_types(r, n->u.interface_type.methods);
        declare_field_names(r, n->u.interface_type.methods, true);
        break;
    case GO_MAP_TYPE:
        resolve_expr(r, n->u.map_type.key);
        resolve_expr(r, n->u.map_type.value);
        break;
    case GO_CHAN_TYPE:
        resolve_expr(r, n->u.chan_type.value);
        break;
    case GO_FIELD_LIST:
        resolve_field_types(r, n);
        break;
    default:
        break;
    }
}

/* ---- statements ------------------------------------------------------------ */

static void resolve_stmts(resolver *r, go_list l) {
    for (uint32_t i = 0; i < l.len; i++)
        resolve_stmt(r, l.at[i]);
}

/* The left side of `:=`: names new in the innermost scope are declared,
 * the others refer to their earlier declaration there. */
static void short_var_decl(resolver *r, go_list lhs) {
    for (uint32_t i = 0; i < lhs.len; i++) {
        go_node *id = lhs.at[i];
        if (!id || id->kind != GO_IDENT) {
            resolve_expr(r, id);
            continue;
        }
        const ls_atom *a = id->u.ident.name;
        if (!a || a == r->blank) {
            id->u.ident.decl = NULL;
            continue;
        }
        slot *s = find_slot(r, a);
        if (s->atom && s->head >= 0 && (uint32_t)s->head >= r->scope_start)
            id->u.ident.decl = r->entries[s->head].decl;
        else
            declare(r, id);
    }
}

static void resolve_block(resolver *r, go_node *b) {
    if (!b)
        return;
    if (b->kind != GO_BLOCK_STMT) {
        resolve_stmt(r, b);
        return;
    }
    uint32_t saved = open_scope(r);
    resolve_stmts(r, b->u.block.list);
    close_scope(r, saved);
}

static void resolve_stmt(resolver *r, go_node *n) {
    if (!n)
        return;
    switch ((go_kind)n->kind) {
    case GO_DECL_STMT:
        if (n->u.decl_stmt.decl && n->u.decl_stmt.decl->kind == GO_GEN_DECL)
            resolve_gen_decl(r, n->u.decl_stmt.decl, false);
        break;
    case GO_LABELED_STMT: {
        go_node *l = n->u.labeled.label;
        if (l && l->kind == GO_IDENT && l->u.ident.name) {
            declare_member(r, l);
            if (l->u.ident.name != r->blank) {
                if (r->nlabels == r->caplabels)
                    r->labels = grow(r->arena, r->labels, r->nlabels, &r->caplabels, sizeof *r->labels);
                r->labels[r->nlabels].atom = l->u.ident.name;
                r->labels[r->nlabels++].decl = l;
            }
        }
        resolve_stmt(r, n->u.labeled.stmt);
        break;
    }
    case GO_EXPR_STMT:
        resolve_expr(r, n->u.expr_stmt.x);
        break;
    case GO_SEND_STMT:
        resolve_expr(r, n->u.send.chan);
        resolve_expr(r, n->u.send.value);
        break;
    case GO_INC_DEC_STMT:
        resolve_expr(r, n->u.inc_dec.x);
        break;
    case GO_ASSIGN_STMT:
        resolve_list(r, n->u.assign.rhs);
        if (n->op == GO_TOK_DEFINE)
            short_var_decl(r, n->u.assign.lhs);
        else
            resolve_list(r, n->u.assign.lhs);
        break;
    case GO_GO_STMT:
        resolve_expr(r, n->u.go_stmt.call);
        break;
    case GO_DEFER_STMT:
        resolve_expr(r, n->u.defer_stmt.call);
        break;
    case GO_RETURN_STMT:
        resolve_list(r, n->u.return_stmt.results);
        break;
    case GO_BRANCH_STMT: {
        go_node *l = n->u.branch.label;
        if (l && l->kind == GO_IDENT) {
            l->u.ident.decl = NULL;
            if (r->nbranches == r->capbranches)
                r->branches = grow(r->arena, r->branches, r->nbranches, &r->capbranches, sizeof *r->branches);
            r->branches[r->nbranches++] = l;
        }
        break;
    }
    case GO_BLOCK_STMT:
        resolve_block(r, n);
        break;
    case GO_IF_STMT: {
        uint32_t saved = open_scope(r);
        resolve_stmt(r, n->u.if_stmt.init);
        resolve_expr(r, n->u.if_stmt.cond);
        resolve_block(r, n->u.if_stmt.body);
        resolve_stmt(r, n->u.if_stmt.else_);
        close_scope(r, saved);
        break;
    }
    case GO_CASE_CLAUSE: {
        uint32_t saved = open_scope(r);
        resolve_list(r, n->u.case_clause.list);
        resolve_stmts(r, n->u.case_clause.body);
        close_scope(r, saved);
        break;
    }
    case GO_SWITCH_STMT: {
        uint32_t saved = open_scope(r);
        resolve_stmt(r, n->u.switch_stmt.init);
        resolve_expr(r, n->u.switch_stmt.tag);
        if (n->u.switch_stmt.body && n->u.switch_stmt.body->kind == GO_BLOCK_STMT)
            resolve_stmts(r, n->u.switch_stmt.body->u.block.list);
        close_scope(r, saved);
        break;
    }
    case GO_TYPE_SWITCH_STMT: {
        uint32_t saved = open_scope(r);
        resolve_stmt(r, n->u.type_switch.init);
        /* switch v := x.(type): x is resolved outside, and v is declared
         * anew in each clause (after the clause's types), every one bound
         * to the guard's Ident */
        go_node *a = n->u.type_switch.assign, *guard = NULL;
        if (a && a->kind == GO_ASSIGN_STMT && a->op == GO_TOK_DEFINE && a->u.assign.lhs.len == 1 &&
            a->u.assign.lhs.at[0] && a->u.assign.lhs.at[0]->kind == GO_IDENT) {
            resolve_list(r, a->u.assign.rhs);
            guard = a->u.assign.lhs.at[0];
            declare_member(r, guard);
            if (!guard->u.ident.decl)
                guard = NULL;
        } else {
            resolve_stmt(r, a);
        }
        go_node *body = n->u.type_switch.body;
        for (uint32_t i = 0; body && body->kind == GO_BLOCK_STMT && i < body->u.block.list.len; i++) {
            go_node *cc = body->u.block.list.at[i];
            if (!cc || cc->kind != GO_CASE_CLAUSE) {
                resolve_stmt(r, cc);
                continue;
            }
            uint32_t csaved = open_scope(r);
            resolve_list(r, cc->u.case_clause.list);
            if (guard) {
                declare(r, guard); /* an entry for this clause; guard->decl stays guard */
            }
            resolve_stmts(r, cc->u.case_clause.body);
            close_scope(r, csaved);
        }
        close_scope(r, saved);
        break;
    }
    case GO_COMM_CLAUSE: {
        uint32_t saved = open_scope(r);
        resolve_stmt(r, n->u.comm_clause.comm);
        resolve_stmts(r, n->u.comm_clause.body);
        close_scope(r, saved);
        break;
    }
    case GO_SELECT_STMT:
        if (n->u.select_stmt.body && n->u.select_stmt.body->kind == GO_BLOCK_STMT)
            resolve_stmts(r, n->u.select_stmt.body->u.block.list);
        break;
    case GO_FOR_STMT: {
        uint32_t saved = open_scope(r);
        resolve_stmt(r, n->u.for_stmt.init);
        resolve_expr(r, n->u.for_stmt.cond);
        resolve_stmt(r, n->u.for_stmt.post);
        resolve_block(r, n->u.for_stmt.body);
        close_scope(r, saved);
        break;
    }
    case GO_RANGE_STMT: {
        uint32_t saved = open_scope(r);
        resolve_expr(r, n->u.range_stmt.x);
        if (n->op == GO_TOK_DEFINE) {
            go_node *kv[2] = {n->u.range_stmt.key, n->u.range_stmt.value};
            for (int i = 0; i < 2; i++) {
                if (kv[i] && kv[i]->kind == GO_IDENT)
                    declare(r, kv[i]);
                else
                    resolve_expr(r, kv[i]);
            }
        } else {
            resolve_expr(r, n->u.range_stmt.key);
            resolve_expr(r, n->u.range_stmt.value);
        }
        resolve_block(r, n->u.range_stmt.body);
        close_scope(r, saved);
        break;
    }
    default:
        /* EmptyStmt, BadStmt; an expression where a statement was expected
         * after a syntax error */
        if (n->kind < GO_FIELD_LIST)
            resolve_expr(r, n);
        break;
    }
}

/* ---- declarations ------------------------------------------------------------ */

static void mark_pkg(go_node *id) {
    if (id && id->kind == GO_IDENT && id->u.ident.decl == id)
        id->flags |= GO_FLAG_PKG_DECL;
}

/* const, var and type declarations; at package level the names are already
 * declared. */
static void resolve_gen_decl(resolver *r, go_node *d, bool pkg) {
    if (d->op == GO_TOK_IMPORT)
        return;
    for (uint32_t i = 0; i < d->u.gen_decl.specs.len; i++) {
        go_node *s = d->u.gen_decl.specs.at[i];
        if (!s)
            continue;
        if (s->kind == GO_VALUE_SPEC) {
            /* var x = x: the initializer sees the outer x */
            resolve_expr(r, s->u.value_spec.type);
            resolve_list(r, s->u.value_spec.values);
            if (!pkg)
                for (uint32_t j = 0; j < s->u.value_spec.names.len; j++)
                    declare(r, s->u.value_spec.names.at[j]);
        } else if (s->kind == GO_TYPE_SPEC) {
            /* type T struct{ next *T }: the name is in scope in its type */
            if (!pkg)
                declare(r, s->u.type_spec.name);
            if (s->u.type_spec.type_params) {
                uint32_t saved = open_scope(r);
                declare_type_params(r, s->u.type_spec.type_params);
                resolve_expr(r, s->u.type_spec.type);
                close_scope(r, saved);
            } else {
                resolve_expr(r, s->u.type_spec.type);
            }
        }
    }
}

static bool atom_is(const ls_atom *a, const char *s) {
    size_t n = strlen(s);
    return a && a->len == n && memcmp(a->ptr, s, n) == 0;
}

int go_resolve(go_file *f) {
    if (!f || !f->root || f->root->kind != GO_FILE)
        return -1;
    resolver r = {0};
    r.arena = f->arena;
    r.blank = go_file_atom(f, "_");
    size_t cap = 64;
    while (cap < ls_intern_count(f->names) * 2 + 2)
        cap *= 2;
    r.slots = ls_arena_zalloc(f->arena, cap * sizeof *r.slots);
    r.mask = cap - 1;

    go_list decls = f->root->u.file.decls;
    if (f->root->u.file.name && f->root->u.file.name->kind == GO_IDENT)
        f->root->u.file.name->u.ident.decl = NULL;
    for (uint32_t i = 0; i < f->imports.len; i++) {
        go_node *s = f->imports.at[i];
        if (s && s->u.import_spec.name && s->u.import_spec.name->kind == GO_IDENT)
            s->u.import_spec.name->u.ident.decl = NULL;
    }

    /* the package scope: every top-level name, before any use */
    for (uint32_t i = 0; i < decls.len; i++) {
        go_node *d = decls.at[i];
        if (!d)
            continue;
        if (d->kind == GO_GEN_DECL && d->op != GO_TOK_IMPORT) {
            for (uint32_t j = 0; j < d->u.gen_decl.specs.len; j++) {
                go_node *s = d->u.gen_decl.specs.at[j];
                if (s && s->kind == GO_VALUE_SPEC) {
                    for (uint32_t k = 0; k < s->u.value_spec.names.len; k++) {
                        declare(&r, s->u.value_spec.names.at[k]);
                        mark_pkg(s->u.value_spec.names.at[k]);
                    }
                } else if (s && s->kind == GO_TYPE_SPEC) {
                    declare(&r, s->u.type_spec.name);
                    mark_pkg(s->u.type_spec.name);
                }
            }
        } else if (d->kind == GO_FUNC_DECL) {
            go_node *name = d->u.func_decl.name;
            if (!name || name->kind != GO_IDENT)
                continue;
            if (d->u.func_decl.recv || atom_is(name->u.ident.name, "init")) {
                declare_member(&r, name); /* methods and init are in no scope */
            } else {
                declare(&r, name);
                mark_pkg(name);
            }
        }
    }

    for (uint32_t i = 0; i < decls.len; i++) {
        go_node *d = decls.at[i];
        if (!d)
            continue;
        if (d->kind == GO_GEN_DECL)
            resolve_gen_decl(&r, d, true);
        else if (d->kind == GO_FUNC_DECL)
            resolve_func(&r, d->u.func_decl.recv, d->u.func_decl.type, d->u.func_decl.body);
    }
    return 0;
}

const go_node *go_decl_of(const go_node *id) {
    return id && id->kind == GO_IDENT ? id->u.ident.decl : NULL;
}

bool go_decl_is_pkg(const go_node *decl) {
    return decl && decl->kind == GO_IDENT && (decl->flags & GO_FLAG_PKG_DECL);
}

/* ---- imports ------------------------------------------------------------------ */

static bool ident_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* The path literal without its quotes (escapes are left as written). */
static ls_str raw_path(const go_node *spec) {
    const go_node *p = spec ? spec->u.import_spec.path : NULL;
    if (!p || p->kind != GO_BASIC_LIT || p->u.lit.len < 2)
        return ls_str_make("", 0);
    return ls_str_make(p->u.lit.text + 1, p->u.lit.len - 2);
}

ls_str go_import_local_name(const go_node *spec) {
    ls_str none = ls_str_make("", 0);
    if (!spec || spec->kind != GO_IMPORT_SPEC)
        return none;
    const go_node *name = spec->u.import_spec.name;
    if (name && name->kind == GO_IDENT && name->u.ident.name) {
        const ls_atom *a = name->u.ident.name;
        if ((a->len == 1 && (a->ptr[0] == '.' || a->ptr[0] == '_')))
            return none;
        return ls_str_make(a->ptr, a->len);
    }
    ls_str path = raw_path(spec);
    /* last element */
    size_t end = path.len, start = end;
    while (start > 0 && path.ptr[start - 1] != '/')
        start--;
    /* a major version element: use the one before it */
    if (end - start >= 2 && path.ptr[start] == 'v' && start > 0) {
        bool digits = true;
        for (size_t i = start + 1; i < end; i++)
            digits &= path.ptr[i] >= '0' && path.ptr[i] <= '9';
        if (digits) {
            end = start - 1;
            start = end;
            while (start > 0 && path.ptr[start - 1] != '/')
                start--;
        }
    }
    if (end - start >= 3 && memcmp(path.ptr + start, "go-", 3) == 0)
        start += 3;
    size_t stop = start;
    while (stop < end && ident_char((unsigned char)path.ptr[stop]))
        stop++;
    return ls_str_make(path.ptr + start, stop - start);
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool go_import_path_is(const go_node *spec, const char *path) {
    if (!spec || spec->kind != GO_IMPORT_SPEC || !path)
        return false;
    ls_str raw = raw_path(spec);
    const go_node *lit = spec->u.import_spec.path;
    if (lit && lit->u.lit.len >= 2 && lit->u.lit.text[0] == '"' && memchr(raw.ptr, '\\', raw.len)) {
        /* an interpreted string with escapes: decode the byte escapes */
        size_t j = 0, want = strlen(path);
        for (size_t i = 0; i < raw.len; j++) {
            int c = (unsigned char)raw.ptr[i];
            if (c == '\\' && i + 1 < raw.len) {
                char e = raw.ptr[i + 1];
                if (e == 'x' && i + 3 < raw.len && hex_value(raw.ptr[i + 2]) >= 0 && hex_value(raw.ptr[i + 3]) >= 0) {
                    c = hex_value(raw.ptr[i + 2]) * 16 + hex_value(raw.ptr[i + 3]);
                    i += 4;
                } else if (e >= '0' && e <= '7' && i + 3 < raw.len) {
                    c = (e - '0') * 64 + (raw.ptr[i + 2] - '0') * 8 + (raw.ptr[i + 3] - '0');
                    i += 4;
                } else {
                    c = e; /* \\ and \" and what a path cannot hold anyway */
                    i += 2;
                }
            } else {
                i++;
            }
            if (j >= want || (unsigned char)path[j] != c)
                return false;
        }
        return j == want;
    }
    return ls_str_eq_cstr(raw, path);
}

const go_node *go_import_of(const go_file *f, const go_node *ident) {
    if (!f || !ident || ident->kind != GO_IDENT || ident->u.ident.decl || !ident->u.ident.name)
        return NULL;
    const ls_atom *a = ident->u.ident.name;
    for (uint32_t i = 0; i < f->imports.len; i++) {
        const go_node *s = f->imports.at[i];
        if (!s)
            continue;
        const go_node *name = s->u.import_spec.name;
        if (name && name->kind == GO_IDENT) {
            if (name->u.ident.name == a && !(a->len == 1 && (a->ptr[0] == '.' || a->ptr[0] == '_')))
                return s;
            continue;
        }
        ls_str local = go_import_local_name(s);
        if (local.len == a->len && memcmp(local.ptr, a->ptr, a->len) == 0)
            return s;
    }
    return NULL;
}

static bool spec_named(const go_node *s, char c) {
    const go_node *name = s->u.import_spec.name;
    return name && name->kind == GO_IDENT && name->u.ident.name && name->u.ident.name->len == 1 &&
           name->u.ident.name->ptr[0] == c;
}

bool go_file_dot_imports(const go_file *f, const char *path) {
    for (uint32_t i = 0; f && i < f->imports.len; i++)
        if (f->imports.at[i] && spec_named(f->imports.at[i], '.') && go_import_path_is(f->imports.at[i], path))
            return true;
    return false;
}

bool go_file_imports(const go_file *f, const char *path) {
    for (uint32_t i = 0; f && i < f->imports.len; i++)
        if (go_import_path_is(f->imports.at[i], path))
            return true;
    return false;
}

static const go_node *unparen(const go_node *x) {
    while (x && x->kind == GO_PAREN_EXPR)
        x = x->u.paren.x;
    return x;
}

bool go_is_pkg_selector(const go_file *f, const go_node *x, const char *path, const char *name) {
    x = unparen(x);
    if (!x || !path)
        return false;
    if (x->kind == GO_SELECTOR_EXPR) {
        const go_node *sel = x->u.selector.sel;
        if (name && (!sel || sel->kind != GO_IDENT || !atom_is(sel->u.ident.name, name)))
            return false;
        const go_node *pkg = unparen(x->u.selector.x);
        return pkg && pkg->kind == GO_IDENT && x->u.selector.x == pkg &&
               go_import_path_is(go_import_of(f, pkg), path);
    }
    if (x->kind == GO_IDENT)
        return name && !x->u.ident.decl && atom_is(x->u.ident.name, name) && go_file_dot_imports(f, path);
    return false;
}

bool go_is_pkg_call(const go_file *f, const go_node *call, const char *path, const char *name) {
    if (!call || call->kind != GO_CALL_EXPR)
        return false;
    const go_node *fun = unparen(call->u.call.fun);
    if (fun && fun->kind == GO_INDEX_EXPR)
        fun = unparen(fun->u.index.x);
    else if (fun && fun->kind == GO_INDEX_LIST_EXPR)
        fun = unparen(fun->u.index_list.x);
    return go_is_pkg_selector(f, fun, path, name);
}

/* ---- closures --------------------------------------------------------------- */

typedef struct capture_walk {
    go_pos lo, hi;
    const go_node **out;
    size_t max, count;
    const go_node *small[64];
    const go_node **seen;
    size_t nseen, capseen;
} capture_walk;

static bool capture_pre(void *ctx, go_node *n) {
    capture_walk *w = ctx;
    if (n->kind != GO_IDENT)
        return true;
    const go_node *d = n->u.ident.decl;
    if (!d || d == n || (d->flags & GO_FLAG_PKG_DECL) || (d->pos >= w->lo && d->pos < w->hi))
        return true;
    for (size_t i = 0; i < w->nseen; i++)
        if (w->seen[i] == d)
            return true;
    if (w->nseen == w->capseen) {
        size_t cap = w->capseen * 2;
        const go_node **p = malloc(cap * sizeof *p);
        if (!p)
            abort();
        memcpy(p, w->seen, w->nseen * sizeof *p);
        if (w->seen != w->small)
            free(w->seen);
        w->seen = p;
        w->capseen = cap;
    }
    w->seen[w->nseen++] = d;
    if (w->count < w->max)
        w->out[w->count] = d;
    w->count++;
    return true;
}

size_t go_func_lit_captures(const go_node *func_lit, const go_node **out, size_t max) {
    if (!func_lit || func_lit->kind != GO_FUNC_LIT)
        return 0;
    capture_walk w = {0};
    w.lo = func_lit->pos;
    w.hi = func_lit->end;
    w.out = out;
    w.max = out ? max : 0;
    w.seen = w.small;
    w.capseen = sizeof w.small / sizeof w.small[0];
    /* go_walk takes a mutable node but capture_pre only reads */
    go_walk((go_node *)(uintptr_t)func_lit, capture_pre, NULL, &w);
    if (w.seen != w.small)
        free(w.seen);
    return w.count;
}

/* ---- the package index -------------------------------------------------------- */

enum { PKG_FUNC, PKG_METHOD, PKG_TYPE };

typedef struct pkg_entry {
    ls_str name, recv;
    uint32_t kind, hash;
    const go_node *decl;
    go_file *file;
} pkg_entry;

struct go_package {
    ls_arena *arena;
    char *name;
    go_file **files;
    size_t nfiles;
    pkg_entry *entries;
    uint32_t nentries, capentries;
    int32_t *table; /* entry indexes, -1 empty */
    size_t mask;
};

static uint32_t key_hash(uint32_t kind, ls_str recv, ls_str name) {
    uint64_t h = 1469598103934665603ull ^ kind;
    for (size_t i = 0; i < recv.len; i++)
        h = (h ^ (unsigned char)recv.ptr[i]) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
    for (size_t i = 0; i < name.len; i++)
        h = (h ^ (unsigned char)name.ptr[i]) * 1099511628211ull;
    return (uint32_t)(h ^ (h >> 32));
}

static ls_str ident_str(const go_node *id) {
    if (!id || id->kind != GO_IDENT || !id->u.ident.name)
        return ls_str_make("", 0);
    return ls_str_make(id->u.ident.name->ptr, id->u.ident.name->len);
}

/* The base type name of a receiver: T, *T, T[K], *T[K, V], (*T). */
static ls_str recv_base(const go_node *recv) {
    if (!recv || recv->kind != GO_FIELD_LIST || recv->u.field_list.list.len == 0)
        return ls_str_make("", 0);
    const go_node *fd = recv->u.field_list.list.at[0];
    const go_node *t = fd && fd->kind == GO_FIELD ? fd->u.field.type : NULL;
    for (;;) {
        if (!t)
            return ls_str_make("", 0);
        if (t->kind == GO_STAR_EXPR)
            t = t->u.star.x;
        else if (t->kind == GO_PAREN_EXPR)
            t = t->u.paren.x;
        else if (t->kind == GO_INDEX_EXPR)
            t = t->u.index.x;
        else if (t->kind == GO_INDEX_LIST_EXPR)
            t = t->u.index_list.x;
        else
            break;
    }
    return ident_str(t);
}

static void pkg_add(go_package *p, uint32_t kind, ls_str recv, ls_str name, const go_node *decl, go_file *f) {
    if (name.len == 0 || (name.len == 1 && name.ptr[0] == '_'))
        return;
    if (p->nentries == p->capentries)
        p->entries = grow(p->arena, p->entries, p->nentries, &p->capentries, sizeof *p->entries);
    pkg_entry *e = &p->entries[p->nentries++];
    e->name = name;
    e->recv = recv;
    e->kind = kind;
    e->hash = key_hash(kind, recv, name);
    e->decl = decl;
    e->file = f;
}

static const pkg_entry *pkg_find(const go_package *p, uint32_t kind, const char *recv, const char *name) {
    if (!p || !name || !p->table)
        return NULL;
    ls_str r = ls_str_cstr(recv ? recv : ""), n = ls_str_cstr(name);
    uint32_t h = key_hash(kind, r, n);
    for (size_t i = h & p->mask;; i = (i + 1) & p->mask) {
        int32_t k = p->table[i];
        if (k < 0)
            return NULL;
        const pkg_entry *e = &p->entries[k];
        if (e->hash == h && e->kind == kind && ls_str_eq(e->name, n) && ls_str_eq(e->recv, r))
            return e;
    }
}

static ls_str file_package(const go_file *f) {
    return f && f->root && f->root->kind == GO_FILE ? ident_str(f->root->u.file.name) : ls_str_make("", 0);
}

go_package *go_package_new_named(go_file *const *files, size_t n, const char *name) {
    ls_arena *a = ls_arena_new(0);
    go_package *p = ls_arena_zalloc(a, sizeof *p);
    p->arena = a;
    p->name = ls_arena_strndup(a, name ? name : "", name ? strlen(name) : 0);
    p->files = ls_arena_alloc(a, (n ? n : 1) * sizeof *p->files);
    for (size_t i = 0; i < n; i++) {
        go_file *f = files[i];
        if (!f || !f->root || f->root->kind != GO_FILE || !name || !ls_str_eq_cstr(file_package(f), name))
            continue;
        p->files[p->nfiles++] = f;
        go_list decls = f->root->u.file.decls;
        for (uint32_t j = 0; j < decls.len; j++) {
            go_node *d = decls.at[j];
            if (!d)
                continue;
            if (d->kind == GO_FUNC_DECL) {
                ls_str fname = ident_str(d->u.func_decl.name);
                if (d->u.func_decl.recv)
                    pkg_add(p, PKG_METHOD, recv_base(d->u.func_decl.recv), fname, d, f);
                else if (!ls_str_eq_cstr(fname, "init"))
                    pkg_add(p, PKG_FUNC, ls_str_make("", 0), fname, d, f);
            } else if (d->kind == GO_GEN_DECL && d->op == GO_TOK_TYPE) {
                for (uint32_t k = 0; k < d->u.gen_decl.specs.len; k++) {
                    go_node *s = d->u.gen_decl.specs.at[k];
                    if (s && s->kind == GO_TYPE_SPEC)
                        pkg_add(p, PKG_TYPE, ls_str_make("", 0), ident_str(s->u.type_spec.name), s, f);
                }
            }
        }
    }
    size_t cap = 16;
    while (cap < (size_t)p->nentries * 2 + 2)
        cap *= 2;
    p->table = ls_arena_alloc(a, cap * sizeof *p->table);
    memset(p->table, 0xff, cap * sizeof *p->table);
    p->mask = cap - 1;
    for (uint32_t k = 0; k < p->nentries; k++) {
        pkg_entry *e = &p->entries[k];
        size_t i = e->hash & p->mask;
        bool dup = false;
        for (; p->table[i] >= 0; i = (i + 1) & p->mask) {
            const pkg_entry *o = &p->entries[p->table[i]];
            if (o->hash == e->hash && o->kind == e->kind && ls_str_eq(o->name, e->name) &&
                ls_str_eq(o->recv, e->recv)) {
                dup = true; /* a redeclaration: the first one wins */
                break;
            }
        }
        if (!dup)
            p->table[i] = (int32_t)k;
    }
    return p;
}

go_package *go_package_new(go_file *const *files, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (files[i] && files[i]->root && files[i]->root->kind == GO_FILE) {
            ls_str name = file_package(files[i]);
            char buf[256];
            size_t len = name.len < sizeof buf - 1 ? name.len : sizeof buf - 1;
            memcpy(buf, name.ptr, len);
            buf[len] = 0;
            return go_package_new_named(files, n, buf);
        }
    }
    return go_package_new_named(files, n, "");
}

void go_package_free(go_package *p) {
    if (p)
        ls_arena_free(p->arena);
}

const char *go_package_name(const go_package *p) { return p ? p->name : ""; }
size_t go_package_file_count(const go_package *p) { return p ? p->nfiles : 0; }
go_file *go_package_file(const go_package *p, size_t i) { return p && i < p->nfiles ? p->files[i] : NULL; }

static const go_node *found(const pkg_entry *e, go_file **file) {
    if (file)
        *file = e ? e->file : NULL;
    return e ? e->decl : NULL;
}

const go_node *go_package_func(const go_package *p, const char *name, go_file **file) {
    return found(pkg_find(p, PKG_FUNC, NULL, name), file);
}

const go_node *go_package_method(const go_package *p, const char *recv_type, const char *name, go_file **file) {
    return found(recv_type ? pkg_find(p, PKG_METHOD, recv_type, name) : NULL, file);
}

const go_node *go_package_type(const go_package *p, const char *name, go_file **file) {
    return found(pkg_find(p, PKG_TYPE, NULL, name), file);
}
