/*
 * RES003 body-not-closed: an *http.Response whose Body is not closed on
 * every path where the request succeeded, and that does not escape.
 *
 *   resp, err := http.Get(url)            // also Head, Post, PostForm
 *   resp, err := client.Do(req)           // client known to be an *http.Client
 *   if err != nil {
 *       return err                        // nothing to close here
 *   }
 *   if resp.StatusCode != http.StatusOK {
 *       return errBadStatus               // leaks: reported
 *   }
 *   defer resp.Body.Close()
 *
 * Two ideas:
 *  - Without types a method call is accepted only when its receiver is
 *    syntactically an http client: http.DefaultClient, or a variable,
 *    parameter or struct field declared as *http.Client / http.Client or
 *    initialised with &http.Client{…}, http.Client{…}, new(http.Client).
 *  - A walk over the function's control-flow graph from the assignment
 *    looks for, on every path to a return, a node that closes the body
 *    (resp.Body.Close(), defer resp.Body.Close()) or lets the response
 *    escape (returned, passed to a call, stored, assigned, captured by a
 *    closure).  At `if err != nil` / `if resp == nil` the walk follows only
 *    the branch where the response exists, so an error return needs no
 *    Close.  Passing resp.Body to a reader that cannot close it
 *    (io.ReadAll, io.Copy, json.NewDecoder, …) is not an escape.
 */
#include <stdlib.h>
#include <string.h>

#include "leakscope/gocfg.h"
#include "leakscope/goscope.h"
#include "leakscope/lint.h"
#include "rulekit.h"

/* What the declaring identifier of a name was declared with. */
typedef struct decl_info {
    const go_node *decl;
    const go_node *type; /* the declared type, NULL when none */
    const go_node *init; /* the initialiser, NULL when none */
} decl_info;

typedef struct rule_ctx {
    lint_pass *pass;
    go_file *f;
    decl_info *decls; /* built on first use, sorted by decl */
    size_t ndecls, capdecls;
    bool decls_built;
} rule_ctx;

/* One response being followed through one function. */
typedef struct track {
    rule_ctx *rc;
    const go_node *stmt;    /* the creating statement */
    const go_node *resp;    /* declaring Ident of the response variable */
    const go_node *err;     /* declaring Ident of the error variable, or NULL */
    const go_node *results; /* the function's result FieldList, or NULL */
    rulekit_conds conds;    /* the function's branch conditions */
    bool covered;           /* set by the node walk */
    bool in_closure;
    int depth;              /* callee nesting: 0 in the checked function */
    const go_node *killed;  /* a re-assignment of the variable reached first */
} track;



static bool sel_name_in(const go_node *sel, const char *const *names) {
    for (; *names; names++)
        if (rulekit_ident_is(sel, *names))
            return true;
    return false;
}

/* ---- is this an http client? ------------------------------------------- */

/* http.Client or *http.Client */
static bool is_client_type(const go_file *f, const go_node *t) {
    t = rulekit_unparen(t);
    if (t && t->kind == GO_STAR_EXPR)
        t = rulekit_unparen(t->u.star.x);
    return t && go_is_pkg_selector(f, t, "net/http", "Client");
}

/* &http.Client{…}, http.Client{…}, new(http.Client) */
static bool is_client_init(const go_file *f, const go_node *e) {
    e = rulekit_unparen(e);
    if (!e)
        return false;
    if (e->kind == GO_UNARY_EXPR && e->op == GO_TOK_AND)
        e = rulekit_unparen(e->u.unary.x);
    if (e->kind == GO_COMPOSITE_LIT)
        return e->u.composite.type && is_client_type(f, e->u.composite.type) &&
               e->u.composite.type->kind != GO_STAR_EXPR;
    if (e->kind == GO_CALL_EXPR && rulekit_ident_is(e->u.call.fun, "new") && !go_decl_of(e->u.call.fun) &&
        e->u.call.args.len == 1)
        return go_is_pkg_selector(f, e->u.call.args.at[0], "net/http", "Client");
    return false;
}

static void add_decl(rule_ctx *rc, const go_node *decl, const go_node *type, const go_node *init) {
    if (!decl || decl->kind != GO_IDENT || go_decl_of(decl) != decl)
        return;
    if (rc->ndecls == rc->capdecls) {
        size_t cap = rc->capdecls ? rc->capdecls * 2 : 64;
        decl_info *d = ls_arena_alloc(rc->pass->arena, cap * sizeof *d);
        if (rc->ndecls)
            memcpy(d, rc->decls, rc->ndecls * sizeof *d);
        rc->decls = d;
        rc->capdecls = cap;
    }
    rc->decls[rc->ndecls++] = (decl_info){decl, type, init};
}

static bool collect_decl(void *ctx, go_node *n) {
    rule_ctx *rc = ctx;
    switch (n->kind) {
    case GO_FIELD:
        for (uint32_t i = 0; i < n->u.field.names.len; i++)
            add_decl(rc, n->u.field.names.at[i], n->u.field.type, NULL);
        break;
    case GO_VALUE_SPEC:
        for (uint32_t i = 0; i < n->u.value_spec.names.len; i++)
            add_decl(rc, n->u.value_spec.names.at[i], n->u.value_spec.type,
                     n->u.value_spec.values.len == n->u.value_spec.names.len ? n->u.value_spec.values.at[i]
                                                                             : NULL);
        break;
    case GO_ASSIGN_STMT:
        if (n->op == GO_TOK_DEFINE && n->u.assign.lhs.len == n->u.assign.rhs.len)
            for (uint32_t i = 0; i < n->u.assign.lhs.len; i++)
                add_decl(rc, n->u.assign.lhs.at[i], NULL, n->u.assign.rhs.at[i]);
        break;
    default:
        break;
    }
    return true;
}

static int cmp_decl(const void *a, const void *b) {
    uintptr_t x = (uintptr_t)((const decl_info *)a)->decl, y = (uintptr_t)((const decl_info *)b)->decl;
    return x < y ? -1 : x > y;
}

static const decl_info *find_decl(rule_ctx *rc, const go_node *decl) {
    if (!rc->decls_built) {
        rc->decls_built = true;
        go_walk(rc->f->root, collect_decl, NULL, rc);
        if (rc->ndecls)
            qsort(rc->decls, rc->ndecls, sizeof *rc->decls, cmp_decl);
    }
    if (!rc->ndecls)
        return NULL;
    decl_info key = {decl, NULL, NULL};
    return bsearch(&key, rc->decls, rc->ndecls, sizeof *rc->decls, cmp_decl);
}

/* The name of the struct type a variable is declared with: `s *Server`,
 * `var s Server`, `s := &Server{…}`, `s := Server{…}`. */
static const go_node *named_type_of(rule_ctx *rc, const go_node *decl) {
    const decl_info *d = find_decl(rc, decl);
    if (!d)
        return NULL;
    const go_node *t = rulekit_unparen(d->type);
    if (!t && d->init) {
        const go_node *e = rulekit_unparen(d->init);
        if (e->kind == GO_UNARY_EXPR && e->op == GO_TOK_AND)
            e = rulekit_unparen(e->u.unary.x);
        if (e->kind == GO_COMPOSITE_LIT)
            t = e->u.composite.type;
    }
    t = rulekit_unparen(t);
    if (t && t->kind == GO_STAR_EXPR)
        t = rulekit_unparen(t->u.star.x);
    return t && t->kind == GO_IDENT ? t : NULL;
}

/* x.field where x's type is a struct of this package whose field is an
 * http client:
 *   type Server struct{ client *http.Client }
 *   func (s *Server) fetch() { s.client.Do(req) } */
static bool is_client_field(rule_ctx *rc, const go_node *base, const go_node *field) {
    if (!rc->pass->pkg || base->kind != GO_IDENT || !go_decl_of(base))
        return false;
    const go_node *tname = named_type_of(rc, go_decl_of(base));
    if (!tname)
        return false;
    char name[256];
    size_t n = tname->u.ident.name->len;
    if (n >= sizeof name)
        return false;
    memcpy(name, tname->u.ident.name->ptr, n);
    name[n] = 0;
    go_file *tf = NULL;
    const go_node *spec = go_package_type(rc->pass->pkg, name, &tf);
    if (!spec || !tf || !spec->u.type_spec.type || spec->u.type_spec.type->kind != GO_STRUCT_TYPE)
        return false;
    const go_node *fields = spec->u.type_spec.type->u.struct_type.fields;
    if (!fields)
        return false;
    for (uint32_t i = 0; i < fields->u.field_list.list.len; i++) {
        const go_node *fl = fields->u.field_list.list.at[i];
        for (uint32_t j = 0; j < fl->u.field.names.len; j++) {
            const ls_atom *a = fl->u.field.names.at[j]->u.ident.name;
            if (a->len == field->u.ident.name->len && memcmp(a->ptr, field->u.ident.name->ptr, a->len) == 0)
                return is_client_type(tf, fl->u.field.type);
        }
    }
    return false;
}

static bool is_client_expr(rule_ctx *rc, const go_node *x) {
    x = rulekit_unparen(x);
    if (!x)
        return false;
    if (go_is_pkg_selector(rc->f, x, "net/http", "DefaultClient"))
        return true;
    if (x->kind == GO_UNARY_EXPR || x->kind == GO_COMPOSITE_LIT || x->kind == GO_CALL_EXPR)
        return is_client_init(rc->f, x);
    if (x->kind == GO_IDENT) {
        const go_node *decl = go_decl_of(x);
        const decl_info *d = decl ? find_decl(rc, decl) : NULL;
        return d && (is_client_type(rc->f, d->type) || (!d->type && is_client_init(rc->f, d->init)));
    }
    if (x->kind == GO_SELECTOR_EXPR)
        return is_client_field(rc, rulekit_unparen(x->u.selector.x), x->u.selector.sel);
    return false;
}

/* http.Get(u), http.Head(u), http.Post(u, t, b), http.PostForm(u, v),
 * client.Do(req) and client.Get/Head/Post/PostForm(…). */
static bool is_response_call(rule_ctx *rc, const go_node *call) {
    static const char *const funcs[] = {"Get", "Head", "Post", "PostForm", NULL};
    static const char *const methods[] = {"Do", "Get", "Head", "Post", "PostForm", NULL};
    call = rulekit_unparen(call);
    if (!call || call->kind != GO_CALL_EXPR)
        return false;
    for (const char *const *fn = funcs; *fn; fn++)
        if (go_is_pkg_call(rc->f, call, "net/http", *fn))
            return true;
    const go_node *fun = rulekit_unparen(call->u.call.fun);
    return fun && fun->kind == GO_SELECTOR_EXPR && sel_name_in(fun->u.selector.sel, methods) &&
           is_client_expr(rc, fun->u.selector.x);
}

/* ---- HEAD requests ------------------------------------------------------- */

/* http.MethodHead or the literal "HEAD" */
static bool is_head_method(const go_file *f, const go_node *x) {
    x = rulekit_unparen(x);
    if (!x)
        return false;
    if (x->kind == GO_BASIC_LIT)
        return x->u.lit.len == 6 && memcmp(x->u.lit.text, "\"HEAD\"", 6) == 0;
    return go_is_pkg_selector(f, x, "net/http", "MethodHead");
}

/* http.NewRequest("HEAD", …) / http.NewRequestWithContext(ctx, http.MethodHead, …) */
static bool is_head_request_call(const go_file *f, const go_node *x) {
    x = rulekit_unparen(x);
    if (!x || x->kind != GO_CALL_EXPR)
        return false;
    if (go_is_pkg_call(f, x, "net/http", "NewRequest") && x->u.call.args.len >= 1)
        return is_head_method(f, x->u.call.args.at[0]);
    if (go_is_pkg_call(f, x, "net/http", "NewRequestWithContext") && x->u.call.args.len >= 2)
        return is_head_method(f, x->u.call.args.at[1]);
    return false;
}

/* The values given to one request variable, seen from one Do call: the
 * assignment that reaches it, and whether anything else may. */
typedef struct head_req {
    const go_file *file;
    const go_node *decl;
    const go_node *call;      /* the Do call */
    const go_node *stack[64]; /* enclosing blocks, clauses and loops */
    int depth;
    int in_lit;
    const go_node *best;      /* the last assignment before the call */
    bool best_head, best_dominates;
    bool loop_write;          /* a write in a loop around the call */
    bool bad;                 /* &req, a write in a closure */
} head_req;

static bool contains(const go_node *n, const go_node *x) {
    return x->pos >= n->pos && x->end <= n->end;
}

static void head_req_write(head_req *h, const go_node *stmt, bool head) {
    if (h->in_lit) {
        h->bad = true;
        return;
    }
    const go_node *list = NULL; /* the innermost statement list around stmt */
    for (int d = h->depth; d-- > 0 && !list;)
        if (h->stack[d]->kind == GO_BLOCK_STMT || h->stack[d]->kind == GO_CASE_CLAUSE ||
            h->stack[d]->kind == GO_COMM_CLAUSE)
            list = h->stack[d];
    for (int d = 0; d < h->depth; d++)
        if ((h->stack[d]->kind == GO_FOR_STMT || h->stack[d]->kind == GO_RANGE_STMT) && contains(h->stack[d], h->call))
            h->loop_write = true;
    if (stmt->end <= h->call->pos && (!h->best || stmt->pos > h->best->pos)) {
        h->best = stmt;
        h->best_head = head;
        h->best_dominates = list && contains(list, h->call);
    }
}

static bool head_req_pre(void *ctx, go_node *n) {
    head_req *h = ctx;
    const go_list *lhs = NULL, *rhs = NULL;
    switch (n->kind) {
    case GO_FUNC_LIT:
        h->in_lit++;
        return true;
    case GO_BLOCK_STMT:
    case GO_CASE_CLAUSE:
    case GO_COMM_CLAUSE:
    case GO_FOR_STMT:
    case GO_RANGE_STMT:
        if (h->depth == (int)(sizeof h->stack / sizeof *h->stack)) {
            h->bad = true;
            return false;
        }
        h->stack[h->depth++] = n;
        if (n->kind == GO_RANGE_STMT) {
            const go_node *k = rulekit_unparen(n->u.range_stmt.key), *v = rulekit_unparen(n->u.range_stmt.value);
            if ((k && k->kind == GO_IDENT && go_decl_of(k) == h->decl) ||
                (v && v->kind == GO_IDENT && go_decl_of(v) == h->decl))
                h->bad = true;
        }
        return true;
    case GO_ASSIGN_STMT:
        lhs = &n->u.assign.lhs;
        rhs = &n->u.assign.rhs;
        break;
    case GO_VALUE_SPEC:
        lhs = &n->u.value_spec.names;
        rhs = &n->u.value_spec.values;
        break;
    case GO_UNARY_EXPR:
        if (n->op == GO_TOK_AND) {
            const go_node *x = rulekit_unparen(n->u.unary.x);
            if (x && x->kind == GO_IDENT && go_decl_of(x) == h->decl)
                h->bad = true; /* &req: anything may replace it */
        }
        return true;
    default:
        return true;
    }
    for (uint32_t k = 0; k < lhs->len; k++) {
        const go_node *id = rulekit_unparen(lhs->at[k]);
        if (!id || id->kind != GO_IDENT || go_decl_of(id) != h->decl)
            continue;
        /* req, err := http.NewRequest(…): the request is the first result */
        head_req_write(h, n, k == 0 && rhs->len == 1 && is_head_request_call(h->file, rhs->at[0]));
    }
    return true;
}

static void head_req_post(void *ctx, go_node *n) {
    head_req *h = ctx;
    if (n->kind == GO_FUNC_LIT)
        h->in_lit--;
    else if (h->depth && h->stack[h->depth - 1] == n)
        h->depth--;
}

/*
 * A response to a HEAD request has no body (the transport hands back
 * http.NoBody and returns the connection to the pool at once), so leaving
 * it unclosed leaks nothing:
 *
 *   res, err := http.Head(u)
 *   req, _ := http.NewRequest(http.MethodHead, u, nil); resp, err := client.Do(req)
 *
 * For Do, the request variable's last assignment before the call must be a
 * HEAD request made with http.NewRequest(WithContext), in a statement list
 * around the call (every path passes it), with no other write in a loop
 * around the call, in a closure, or through &req.
 */
static bool is_head_response_call(rule_ctx *rc, const go_node *call, const go_node *body) {
    call = rulekit_unparen(call);
    const go_node *fun = rulekit_unparen(call->u.call.fun);
    if (go_is_pkg_call(rc->f, call, "net/http", "Head"))
        return true;
    if (!fun || fun->kind != GO_SELECTOR_EXPR)
        return false;
    if (rulekit_ident_is(fun->u.selector.sel, "Head"))
        return true; /* a client's Head: is_response_call checked the client */
    if (!rulekit_ident_is(fun->u.selector.sel, "Do") || call->u.call.args.len != 1)
        return false;
    const go_node *req = rulekit_unparen(call->u.call.args.at[0]);
    const go_node *decl = req && req->kind == GO_IDENT ? go_decl_of(req) : NULL;
    if (!decl || !body || decl->pos < body->pos || decl->pos >= body->end)
        return false; /* a parameter or an outer variable: its method is unknown */
    head_req h = {.file = rc->f, .decl = decl, .call = call};
    go_walk((go_node *)body, head_req_pre, head_req_post, &h);
    return h.best && h.best_head && h.best_dominates && !h.loop_write && !h.bad;
}

/* ---- does a node close the body or let the response escape? -------------- */

static bool is_resp(const track *t, const go_node *x) {
    x = rulekit_unparen(x);
    return x && x->kind == GO_IDENT && go_decl_of(x) == t->resp;
}

/* resp.Body */
static bool is_resp_body(const track *t, const go_node *x) {
    x = rulekit_unparen(x);
    return x && x->kind == GO_SELECTOR_EXPR && rulekit_ident_is(x->u.selector.sel, "Body") && is_resp(t, x->u.selector.x);
}

/* Functions that read an io.Reader and cannot close it:
 *   data, err := io.ReadAll(resp.Body)
 *   err := json.NewDecoder(resp.Body).Decode(&v) */
static bool is_reader_call(const go_file *f, const go_node *call) {
    static const struct {
        const char *path, *name;
    } readers[] = {
        {"io", "ReadAll"},        {"io", "Copy"},          {"io", "CopyN"},
        {"io", "CopyBuffer"},     {"io", "ReadFull"},      {"io", "ReadAtLeast"},
        {"io", "LimitReader"},    {"io/ioutil", "ReadAll"}, {"encoding/json", "NewDecoder"},
        {"encoding/xml", "NewDecoder"}, {"bufio", "NewReader"}, {"bufio", "NewReaderSize"},
        {"bufio", "NewScanner"},  {"compress/gzip", "NewReader"},
    };
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++)
        if (go_is_pkg_call(f, call, readers[i].path, readers[i].name))
            return true;
    return false;
}

static bool scan_use(void *ctx, go_node *n);

static void scan(track *t, go_node *n) {
    if (n && !t->covered)
        go_walk(n, scan_use, NULL, t);
}

/* The declaring Ident of parameter idx of ftype; *ok false when it cannot
 * be known (out of range, variadic). */
static const go_node *param_at(const go_node *ftype, uint32_t idx, bool *ok) {
    *ok = false;
    const go_node *ps = ftype ? ftype->u.func_type.params : NULL;
    if (!ps)
        return NULL;
    uint32_t k = 0;
    for (uint32_t i = 0; i < ps->u.field_list.list.len; i++) {
        const go_node *fl = ps->u.field_list.list.at[i];
        if (fl->u.field.type && fl->u.field.type->kind == GO_ELLIPSIS)
            return NULL;
        uint32_t nn = fl->u.field.names.len ? fl->u.field.names.len : 1;
        if (idx < k + nn) {
            *ok = true;
            if (!fl->u.field.names.len)
                return NULL; /* unnamed: the callee cannot use it */
            const go_node *id = fl->u.field.names.at[idx - k];
            return rulekit_ident_is(id, "_") ? NULL : go_decl_of(id);
        }
        k += nn;
    }
    return NULL;
}

/*
 * Whether a function whose body is visible (a function of the package, a
 * called function literal) may close or keep argument idx: its parameter
 * is used for anything but reading fields or the body.  Syntactic, like
 * the walk in the caller; true when unsure.
 *   func process(res *http.Response) { io.ReadAll(res.Body) }  -> false
 */
static bool callee_keeps(const track *t, go_file *f, const go_node *ftype, go_node *body, uint32_t idx) {
    if (t->depth >= 4 || !body)
        return true;
    bool ok;
    const go_node *p = param_at(ftype, idx, &ok);
    if (!ok)
        return true;
    if (!p)
        return false;
    rule_ctx sub = {.pass = t->rc->pass, .f = f};
    track c = {.rc = f == t->rc->f ? t->rc : &sub, .resp = p, .depth = t->depth + 1};
    scan(&c, body);
    return c.covered;
}

/* The function of this package that call calls by name, with its file. */
static const go_node *package_callee(const track *t, const go_node *call, go_file **file) {
    const go_node *fun = rulekit_unparen(call->u.call.fun);
    if (!t->rc->pass->pkg || !fun || fun->kind != GO_IDENT || fun->u.ident.name->len >= 256)
        return NULL;
    char name[256];
    memcpy(name, fun->u.ident.name->ptr, fun->u.ident.name->len);
    name[fun->u.ident.name->len] = 0;
    const go_node *fd = go_package_func(t->rc->pass->pkg, name, file);
    if (!fd || !*file || !fd->u.func_decl.body)
        return NULL;
    const go_node *d = go_decl_of(fun);
    if (d && d != fd->u.func_decl.name)
        return NULL; /* a local shadows it */
    return fd;
}

/* Arguments that are the response or its body go to a function whose body
 * is visible and that does not keep them: not an escape. */
static bool scan_visible_call(track *t, go_node *n) {
    go_file *cf = t->rc->f;
    const go_node *ftype = NULL;
    go_node *body = NULL;
    const go_node *fun = rulekit_unparen(n->u.call.fun);
    if (fun && fun->kind == GO_FUNC_LIT) {
        ftype = fun->u.func_lit.type;
        body = fun->u.func_lit.body;
    } else {
        const go_node *fd = package_callee(t, n, &cf);
        if (!fd)
            return false;
        ftype = fd->u.func_decl.type;
        body = fd->u.func_decl.body;
    }
    if (n->u.call.ellipsis != GO_NOPOS)
        return false;
    for (uint32_t i = 0; i < n->u.call.args.len; i++) {
        go_node *a = n->u.call.args.at[i];
        if ((is_resp(t, a) || is_resp_body(t, a)) && !callee_keeps(t, cf, ftype, body, i))
            continue;
        scan(t, a);
    }
    if (fun && fun->kind == GO_FUNC_LIT)
        scan(t, n->u.call.fun); /* the literal itself may capture resp */
    return true;
}

/* go_walk pre-visit: sets t->covered at a close or an escape. */
static bool scan_use(void *ctx, go_node *n) {
    track *t = ctx;
    if (t->covered)
        return false;
    switch (n->kind) {
    case GO_ASSIGN_STMT: /* _ = resp, _ = func() {…}: neither keeps nor calls */
        for (uint32_t i = 0; i < n->u.assign.lhs.len; i++)
            if (!rulekit_ident_is(rulekit_unparen(n->u.assign.lhs.at[i]), "_"))
                return true;
        for (uint32_t i = 0; i < n->u.assign.rhs.len; i++) {
            go_node *r = rulekit_unparen(n->u.assign.rhs.at[i]);
            if (!is_resp(t, r) && !is_resp_body(t, r) && r->kind != GO_FUNC_LIT)
                scan(t, r);
        }
        return false;
    case GO_FUNC_LIT: { /* a closure that mentions resp may close it: an escape */
        bool was = t->in_closure;
        t->in_closure = true;
        scan(t, n->u.func_lit.body);
        t->in_closure = was;
        return false;
    }
    case GO_CALL_EXPR: {
        const go_node *fun = rulekit_unparen(n->u.call.fun);
        /* resp.Body.Close() */
        if (fun && fun->kind == GO_SELECTOR_EXPR && rulekit_ident_is(fun->u.selector.sel, "Close") &&
            is_resp_body(t, fun->u.selector.x)) {
            t->covered = true;
            return false;
        }
        /* resp.Write(w) closes the body; resp.Cookies() and friends do not */
        if (!t->in_closure && fun && fun->kind == GO_SELECTOR_EXPR && is_resp(t, fun->u.selector.x)) {
            static const char *const harmless[] = {"Cookies", "Location", "ProtoAtLeast", NULL};
            if (!sel_name_in(fun->u.selector.sel, harmless))
                t->covered = true;
            else
                for (uint32_t i = 0; i < n->u.call.args.len; i++)
                    scan(t, n->u.call.args.at[i]);
            return false;
        }
        /* io.ReadAll(resp.Body): reads, never closes */
        if (!t->in_closure && is_reader_call(t->rc->f, n)) {
            scan(t, n->u.call.fun);
            for (uint32_t i = 0; i < n->u.call.args.len; i++)
                if (!is_resp_body(t, n->u.call.args.at[i]))
                    scan(t, n->u.call.args.at[i]);
            return false;
        }
        /* process(resp), func(b io.ReadCloser) {…}(resp.Body) */
        if (scan_visible_call(t, n))
            return false;
        return true;
    }
    case GO_SELECTOR_EXPR:
        if (t->in_closure)
            return true;
        /* resp.StatusCode, resp.Header.Get("…"): reading a field */
        if (is_resp(t, n->u.selector.x) && !rulekit_ident_is(n->u.selector.sel, "Body"))
            return false;
        /* resp.Body.Read(p) (resp.Body.Close as a method value escapes) */
        if (is_resp_body(t, n->u.selector.x) && !rulekit_ident_is(n->u.selector.sel, "Close"))
            return false;
        return true;
    case GO_BINARY_EXPR: /* resp != nil, resp.Body != nil */
        if (!t->in_closure && (n->op == GO_TOK_EQL || n->op == GO_TOK_NEQ) &&
            (((is_resp(t, n->u.binary.x) || is_resp_body(t, n->u.binary.x)) &&
              rulekit_ident_is(rulekit_unparen(n->u.binary.y), "nil")) ||
             ((is_resp(t, n->u.binary.y) || is_resp_body(t, n->u.binary.y)) &&
              rulekit_ident_is(rulekit_unparen(n->u.binary.x), "nil"))))
            return false;
        return true;
    case GO_IDENT: /* any other use: returned, passed, stored, assigned, captured */
        if (go_decl_of(n) == t->resp)
            t->covered = true;
        return false;
    default:
        return true;
    }
}

static bool covers(track *t, go_node *n) {
    /* a bare return with resp among the named results hands it back */
    if (n->kind == GO_RETURN_STMT && n->u.return_stmt.results.len == 0 && t->results &&
        t->resp->pos >= t->results->pos && t->resp->pos < t->results->end)
        return true;
    /* resp, err = http.Get(u) again: the earlier response is lost */
    if (n != t->stmt && n->kind == GO_ASSIGN_STMT && n->u.assign.rhs.len == 1 && n->u.assign.lhs.len >= 1 &&
        is_resp(t, n->u.assign.lhs.at[0]) && is_response_call(t->rc, n->u.assign.rhs.at[0])) {
        if (!t->killed)
            t->killed = n;
        return true;
    }
    t->covered = false;
    t->in_closure = false;
    scan(t, n);
    return t->covered;
}

/* ---- the error branch ------------------------------------------------------ */

/*
 * For a condition that tells whether the response exists, the index of
 * the successor where it does; -1 for any other node.
 *   if err != nil {…}   -> else     if err == nil {…}   -> then
 *   if resp == nil {…}  -> else     if resp != nil {…}  -> then
 *   if resp.Body != nil {…}         -> then (a client's Body is never nil)
 *   switch { case err != nil: … }   -> the next case
 */
static int live_branch(const track *t, const go_node *n) {
    int when_true = rulekit_conds_when_true(&t->conds, n);
    bool neq;
    const go_node *x = when_true < 0 ? NULL : rulekit_nil_compared(n, &neq);
    if (!x)
        return -1;
    const go_node *d = x->kind == GO_IDENT ? go_decl_of(x) : NULL;
    bool live_if_true;
    if (t->err && d == t->err)
        live_if_true = !neq; /* err == nil */
    else if (d == t->resp || is_resp_body(t, x))
        live_if_true = neq; /* resp != nil, resp.Body != nil */
    else
        return -1;
    return live_if_true ? when_true : 1 - when_true;
}

static bool covers_cb(void *ctx, go_node *n) { return covers(ctx, n); }
static int live_cb(void *ctx, const go_node *n) { return live_branch(ctx, n); }

/*
 * Every path from just after t->stmt (in block b0 at index i0) to a normal
 * exit passes a node that covers the response; at an error check only the
 * branch where the response exists is followed.  On false, *miss is the
 * exit that misses (a ReturnStmt, the body for falling off the end, or the
 * creating statement itself when a loop comes back to it).
 */
static bool all_paths(track *t, go_cfg *g, uint32_t b0, uint32_t i0, const go_node **miss) {
    rulekit_walk w = {0};
    bool ok = rulekit_all_paths(t->rc->pass->arena, g, b0, i0, t->stmt, covers_cb, live_cb, t, &w);
    *miss = w.miss;
    return ok;
}

/* ---- the rule ---------------------------------------------------------------- */

static void report_discarded(rule_ctx *rc, const go_node *call) {
    lint_report(rc->pass, call->pos,
                "the response is discarded, so its body can never be closed; the connection is not "
                "reused and the goroutines reading it leak (keep it and defer resp.Body.Close() after "
                "checking err)");
}


/*
 * `_, err := <call>` leaks only when the call succeeds.  Tests often expect
 * it to fail (`if err == nil { t.Error(…) }`), so report only when the
 * code goes on after success: the next node checks `err != nil`.
 *   _, err := http.Head(u)
 *   if err != nil {
 *       return err
 *   }
 */
static bool expects_success(const go_cfg *g, uint32_t b, uint32_t i, const go_node *errv) {
    const go_node *err = errv->kind == GO_IDENT ? go_decl_of(errv) : NULL;
    if (!err || i + 1 >= g->blocks[b].nnodes)
        return false;
    const go_node *c = rulekit_unparen(g->blocks[b].nodes[i + 1]);
    if (c->kind != GO_BINARY_EXPR || c->op != GO_TOK_NEQ)
        return false;
    const go_node *x = rulekit_unparen(c->u.binary.x), *y = rulekit_unparen(c->u.binary.y);
    return (x->kind == GO_IDENT && go_decl_of(x) == err && rulekit_ident_is(y, "nil") && !go_decl_of(y)) ||
           (y->kind == GO_IDENT && go_decl_of(y) == err && rulekit_ident_is(x, "nil") && !go_decl_of(x));
}

#define NOT_CLOSED                                                                                   \
    "the response body is not closed on every path; the connection is not reused and the goroutines " \
    "reading it leak (close it: defer %.*s.Body.Close() after checking err)"

/* resp, err := <call>  /  var resp, err = <call>  /  <call> */
static void check_stmt(rule_ctx *rc, go_cfg *g, uint32_t b, uint32_t i, const go_node *fn,
                       const go_node *ftype, go_node *body) {
    go_node *n = g->blocks[b].nodes[i];
    go_node *const *lhs = NULL;
    uint32_t nlhs = 0;
    const go_node *call = NULL;
    if (n->kind == GO_ASSIGN_STMT && n->u.assign.rhs.len == 1 &&
        (n->op == GO_TOK_DEFINE || n->op == GO_TOK_ASSIGN)) {
        call = n->u.assign.rhs.at[0];
        lhs = n->u.assign.lhs.at;
        nlhs = n->u.assign.lhs.len;
    } else if (n->kind == GO_DECL_STMT && n->u.decl_stmt.decl && n->u.decl_stmt.decl->kind == GO_GEN_DECL &&
               n->u.decl_stmt.decl->u.gen_decl.specs.len == 1) {
        const go_node *spec = n->u.decl_stmt.decl->u.gen_decl.specs.at[0];
        if (spec->kind == GO_VALUE_SPEC && spec->u.value_spec.values.len == 1) {
            call = spec->u.value_spec.values.at[0];
            lhs = spec->u.value_spec.names.at;
            nlhs = spec->u.value_spec.names.len;
        }
    } else if (n->kind == GO_EXPR_STMT) {
        /* http.Get(url) as a statement.  Tests do this against transports
         * that fail on purpose (nothing to close), so not in _test.go. */
        if (!rulekit_is_test_file(rc->f) && is_response_call(rc, n->u.expr_stmt.x) &&
            !is_head_response_call(rc, n->u.expr_stmt.x, body))
            report_discarded(rc, rulekit_unparen(n->u.expr_stmt.x));
        return;
    }
    if (!call || nlhs < 1 || nlhs > 2 || !is_response_call(rc, call) || is_head_response_call(rc, call, body))
        return;
    call = rulekit_unparen(call);
    const go_node *r = lhs[0];
    if (r->kind != GO_IDENT) /* s.resp, m[k]: stored */
        return;
    if (rulekit_ident_is(r, "_")) {
        if (nlhs == 2 && expects_success(g, b, i, lhs[1]))
            report_discarded(rc, call);
        return;
    }
    const go_node *resp = go_decl_of(r);
    /* declared in this function (a captured or package variable escapes) */
    if (!resp || resp->pos < fn->pos || resp->pos >= body->end)
        return;
    track t = {.rc = rc, .stmt = n, .resp = resp};
    if (nlhs == 2 && lhs[1]->kind == GO_IDENT)
        t.err = go_decl_of(lhs[1]);
    t.results = ftype ? ftype->u.func_type.results : NULL;
    /* a defer made before the assignment may close it (the variable was
     * declared earlier):
     *   defer func() { if resp != nil { resp.Body.Close() } }()
     *   …
     *   resp, err = client.Do(req) */
    for (uint32_t k = 0; k < g->ndefers; k++)
        if (g->defers[k].stmt->pos < n->pos && covers(&t, g->defers[k].stmt))
            return;
    rulekit_conds_collect(&t.conds, rc->pass->arena, body);
    const go_node *miss = NULL;
    bool ok = all_paths(&t, g, b, i, &miss);
    if (ok && !t.killed)
        return;
    int len = (int)resp->u.ident.name->len;
    const char *nm = resp->u.ident.name->ptr;
    if (ok)
        lint_report_related(rc->pass, call->pos, t.killed->pos,
                            "the response is replaced here without closing its body", NOT_CLOSED, len, nm);
    else if (miss == n)
        lint_report_related(rc->pass, call->pos, n->pos,
                            "the loop comes back here and replaces the response without closing its body", NOT_CLOSED,
                            len, nm);
    else if (miss && miss->kind == GO_RETURN_STMT)
        lint_report_related(rc->pass, call->pos, miss->pos, "this return does not close the body", NOT_CLOSED, len,
                            nm);
    else
        lint_report_related(rc->pass, call->pos, body->end - 1, "the function ends here without closing the body",
                            NOT_CLOSED, len, nm);
}

/* Is there an http call in the body at all (nested closures aside)? */
typedef struct has_call {
    bool found;
    const go_node *root;
} has_call;

static bool find_candidate(void *ctx, go_node *n) {
    has_call *h = ctx;
    if (h->found || (n->kind == GO_FUNC_LIT && n != h->root))
        return false;
    if (n->kind == GO_CALL_EXPR) {
        static const char *const names[] = {"Do", "Get", "Head", "Post", "PostForm", NULL};
        const go_node *fun = rulekit_unparen(n->u.call.fun);
        if (fun && fun->kind == GO_SELECTOR_EXPR && sel_name_in(fun->u.selector.sel, names))
            h->found = true;
    }
    return !h->found;
}

static void check_func(rule_ctx *rc, go_node *fn, const go_node *ftype, go_node *body) {
    if (!body)
        return;
    has_call h = {false, body};
    go_walk(body, find_candidate, NULL, &h);
    if (!h.found)
        return;
    go_cfg *g = go_cfg_build(rc->pass->arena, body, NULL);
    for (uint32_t b = 0; b < g->nblocks; b++)
        for (uint32_t i = 0; i < g->blocks[b].nnodes; i++)
            check_stmt(rc, g, b, i, fn, ftype, body);
}

static bool visit(void *ctx, go_node *n) {
    rule_ctx *rc = ctx;
    if (n->kind == GO_FUNC_DECL)
        check_func(rc, n, n->u.func_decl.type, n->u.func_decl.body);
    else if (n->kind == GO_FUNC_LIT)
        check_func(rc, n, n->u.func_lit.type, n->u.func_lit.body);
    return true;
}

static void check(lint_pass *pass) {
    if (!pass->file || !pass->file->root)
        return;
    rule_ctx rc = {.pass = pass, .f = pass->file};
    go_walk(pass->file->root, visit, NULL, &rc);
}

const lint_rule lint_rule_res003 = {
    .id = "RES003",
    .name = "body-not-closed",
    .summary = "an http.Response body is not closed on every path where the request succeeded",
    .severity = LINT_ERROR,
    .requires_import = "net/http",
    .check = check,
};
