/*
 * CTX003 broken-chain: context.Background() or context.TODO() called where
 * the function (or a closure around the call) already has a context that
 * the caller can cancel:
 *
 *   func Handle(ctx context.Context, id string) {
 *       go notify(context.Background(), id)          // ctx is right there
 *   }
 *   func (s *S) ServeHTTP(w http.ResponseWriter, r *http.Request) {
 *       s.db.Query(context.TODO(), q)                // r.Context() is right there
 *   }
 *
 * The ideas a reader needs:
 *  - "A usable context" is a *source*: a parameter typed context.Context
 *    (the real package, aliases honoured), an `*http.Request` parameter
 *    (its r.Context()), or a local derived from another source
 *    (`ctx2, cancel := context.WithTimeout(ctx, d)`, `ctx := r.Context()`,
 *    `c := ctx`).  A local that starts its own chain
 *    (`ctx, cancel := context.WithCancel(context.Background())`) is not a
 *    source: nothing from a caller flows through it.  A source counts at a
 *    call only while it is visible by its name there (a later `ctx := 5`
 *    in an inner block hides it).
 *  - Places where the source cannot be used are *regions* cut out of its
 *    scope, found from syntax: `if ctx == nil { … }`, the body of
 *    `case <-ctx.Done():`, the rest of a block after `<-ctx.Done()` or
 *    `if ctx != nil { return … }`, `if ctx.Err() != nil { … }` (the
 *    context is nil or already done there, so a fresh one is deliberate),
 *    and closures that run detached from the caller by design:
 *    `once.Do(func(){…})`, singleflight's `g.Do(key, func(){…})`,
 *    `t.Cleanup(func(){…})`, sync.OnceFunc/OnceValue(s),
 *    context.AfterFunc, time.AfterFunc, runtime.SetFinalizer and
 *    runtime.AddCleanup callbacks, closures stored in a field or a
 *    composite literal, and deferred closures (cleanup as the function
 *    returns must not inherit the cancellation).
 * Roots that are compared (`ctx != context.Background()`), stored in a
 * field, a package variable or a composite literal, explained by a
 * comment just above them ("must not be canceled with the request"),
 * handed to a call that only reads values (a log call, a function of a
 * logging package, pprof.SetGoroutineLabels), arguments of a deferred
 * call, or returned by a function that returns its
 * context parameter on another path are left alone; so are roots inside a
 * callback passed beside a root (its context parameter is that root).
 * Not checked: func main, init and TestMain; the argument of
 * context.WithoutCancel (detaching on purpose); the parent of
 * context.WithValue (CTX004 value-only-root reports that one).
 */
#include "leakscope/lint.h"
#include "rulekit.h"

#include <stdio.h>
#include <string.h>

typedef enum src_kind { SRC_PARAM, SRC_REQUEST, SRC_LOCAL } src_kind;

/* A usable context. */
typedef struct source {
    const go_node *id;  /* declaring Ident */
    go_pos from, to;    /* visible in [from, to) */
    src_kind kind;
    int parent;         /* the source it was derived from (SRC_LOCAL), else -1 */
    const char *owner;  /* "Handle", "the closure at line 12" */
    go_pos body;        /* start of the body of the function it belongs to */
} source;

/* Any local declaration: it may hide a source of the same name. */
typedef struct decl_ent {
    const go_node *id;
    go_pos from, to;
} decl_ent;

/* Where source `src` (and what derives from it) is not usable; src -1: a
 * detached closure, where no source declared before `from` is usable. */
typedef struct region {
    int src;
    go_pos from, to;
} region;

/* Arena-backed growable array. */
#define PUSH(w, arr, n, cap, val)                                                          \
    do {                                                                                   \
        if ((n) == (cap)) {                                                                \
            size_t nc_ = (cap) ? (cap) * 2 : 16;                                           \
            void *na_ = ls_arena_alloc((w)->pass->arena, nc_ * sizeof *(arr));             \
            if ((n)) memcpy(na_, (arr), (n) * sizeof *(arr));                              \
            (arr) = na_;                                                                   \
            (cap) = nc_;                                                                   \
        }                                                                                  \
        (arr)[(n)++] = (val);                                                              \
    } while (0)

typedef struct walker {
    lint_pass *pass;
    const go_file *f;
    const go_node **scopes; /* enclosing scope nodes, innermost last */
    size_t nscopes, cscopes;
    source *srcs;
    size_t nsrcs, csrcs;
    decl_ent *decls;
    size_t ndecls, cdecls;
    region *regions;
    size_t nregions, cregions;
    const go_node **skip; /* Background()/TODO() calls not to report */
    size_t nskip, cskip;
    const char *func_name; /* the top-level function being walked */
    const go_node **root_fed; /* function literals passed beside a fresh root */
    size_t nroot_fed, croot_fed;
} walker;

/* ---- small syntax helpers -------------------------------------------------- */



static bool is_nil(const go_node *x) {
    x = rulekit_unparen(x);
    return rulekit_ident_is(x, "nil") && !x->u.ident.decl;
}

static bool same_name(const go_node *a, const go_node *b) {
    return a->u.ident.name == b->u.ident.name;
}

/* The source text of x when it is short and on one line, else fallback. */
static const char *text_of(walker *w, const go_node *x, const char *fallback) {
    const go_file *f = w->f;
    if (!x || x->pos == GO_NOPOS || x->end <= x->pos || x->end > f->len || x->end - x->pos > 60) return fallback;
    if (memchr(f->src + x->pos, '\n', x->end - x->pos)) return fallback;
    return ls_arena_strndup(w->pass->arena, f->src + x->pos, x->end - x->pos);
}

static uint32_t line_of(walker *w, go_pos pos) {
    return go_file_position(w->pass->file, pos).line;
}

/* x.name(args…) with x anything: the selector's X, else NULL. */
static const go_node *method_call_recv(const go_node *call, const char *name, uint32_t nargs) {
    call = rulekit_unparen(call);
    if (!call || call->kind != GO_CALL_EXPR || call->u.call.args.len != nargs) return NULL;
    const go_node *fun = rulekit_unparen(call->u.call.fun);
    if (!fun || fun->kind != GO_SELECTOR_EXPR || !rulekit_ident_is(fun->u.selector.sel, name)) return NULL;
    return fun->u.selector.x;
}

static go_pos scope_end(walker *w) {
    return w->nscopes ? w->scopes[w->nscopes - 1]->end : 0;
}

/* ---- sources: visibility, hiding, regions --------------------------------- */

static bool excluded(walker *w, int i, go_pos p) {
    for (size_t k = 0; k < w->nregions; k++) {
        const region *r = &w->regions[k];
        if (p < r->from || p >= r->to) continue;
        if (r->src < 0) {
            if (w->srcs[i].from < r->from) return true;
            continue;
        }
        for (int s = i; s >= 0; s = w->srcs[s].parent)
            if (s == r->src) return true;
    }
    return false;
}

/* Source i can be written by its name at p. */
static bool usable(walker *w, int i, go_pos p) {
    const source *s = &w->srcs[i];
    if (p < s->from || p >= s->to) return false;
    for (size_t k = 0; k < w->ndecls; k++) {
        const decl_ent *d = &w->decls[k];
        if (d->id != s->id && same_name(d->id, s->id) && d->from > s->from && d->from <= p && p < d->to)
            return false; /* hidden by an inner declaration */
    }
    return !excluded(w, i, p);
}

static int source_of_decl(walker *w, const go_node *decl) {
    if (!decl) return -1;
    for (size_t i = 0; i < w->nsrcs; i++)
        if (w->srcs[i].id == decl) return (int)i;
    return -1;
}

/*
 * x names a source, usable at p: `ctx` (a context source) or `r.Context()`
 * (r a request parameter).  Its index, else -1.
 */
static int ctx_expr_source(walker *w, const go_node *x, go_pos p) {
    x = rulekit_unparen(x);
    if (!x) return -1;
    if (x->kind == GO_IDENT) {
        int i = source_of_decl(w, x->u.ident.decl);
        return i >= 0 && w->srcs[i].kind != SRC_REQUEST && usable(w, i, p) ? i : -1;
    }
    const go_node *r = rulekit_unparen(method_call_recv(x, "Context", 0));
    if (r && r->kind == GO_IDENT) {
        int i = source_of_decl(w, r->u.ident.decl);
        return i >= 0 && w->srcs[i].kind == SRC_REQUEST && usable(w, i, p) ? i : -1;
    }
    return -1;
}

/* The innermost source usable at p, else -1. */
static int best_source(walker *w, go_pos p) {
    int best = -1;
    for (size_t i = 0; i < w->nsrcs; i++)
        if (usable(w, (int)i, p) && (best < 0 || w->srcs[i].from >= w->srcs[best].from)) best = (int)i;
    return best;
}

static void add_region(walker *w, int src, go_pos from, go_pos to) {
    if (from == GO_NOPOS || to == GO_NOPOS || from >= to) return;
    region r = {src, from, to};
    PUSH(w, w->regions, w->nregions, w->cregions, r);
}

static void add_decl(walker *w, const go_node *id, go_pos from, go_pos to, int kind, int parent, const char *owner) {
    if (!id || id->kind != GO_IDENT || id->u.ident.decl != id) return; /* `_`, or not a new name */
    bool hides = kind >= 0; /* only names of sources matter for hiding */
    for (size_t k = 0; !hides && k < w->nsrcs; k++) hides = same_name(w->srcs[k].id, id);
    if (!hides) return;
    decl_ent d = {id, from, to};
    PUSH(w, w->decls, w->ndecls, w->cdecls, d);
    if (kind < 0) return;
    go_pos body = 0; /* the innermost function around the declaration */
    for (size_t k = w->nscopes; k-- > 0;) {
        const go_node *fn = w->scopes[k];
        const go_node *b = fn->kind == GO_FUNC_DECL ? fn->u.func_decl.body
                           : fn->kind == GO_FUNC_LIT ? fn->u.func_lit.body : NULL;
        if (fn->kind == GO_FUNC_DECL || fn->kind == GO_FUNC_LIT) {
            body = b ? b->pos : fn->pos;
            break;
        }
    }
    source s = {id, from, to, (src_kind)kind, parent, owner, body};
    PUSH(w, w->srcs, w->nsrcs, w->csrcs, s);
}

/* ---- what makes a source --------------------------------------------------- */

static bool is_context_type(const go_file *f, const go_node *t) {
    t = rulekit_unparen(t);
    return t && go_is_pkg_selector(f, t, "context", "Context");
}

static bool is_request_ptr(const go_file *f, const go_node *t) {
    t = rulekit_unparen(t);
    return t && t->kind == GO_STAR_EXPR && go_is_pkg_selector(f, rulekit_unparen(t->u.star.x), "net/http", "Request");
}

/* func F(ctx context.Context, r *http.Request, …): every parameter is a
 * declaration; the context and request ones are sources. */
static void add_params(walker *w, const go_node *fields, go_pos from, go_pos to, bool sources, const char *owner) {
    if (!fields) return;
    for (uint32_t i = 0; i < fields->u.field_list.list.len; i++) {
        const go_node *fld = fields->u.field_list.list.at[i];
        if (!fld) continue;
        int kind = -1;
        if (sources && is_context_type(w->f, fld->u.field.type)) kind = SRC_PARAM;
        else if (sources && is_request_ptr(w->f, fld->u.field.type)) kind = SRC_REQUEST;
        for (uint32_t j = 0; j < fld->u.field.names.len; j++)
            add_decl(w, fld->u.field.names.at[j], from, to, kind, -1, owner);
    }
}

/*
 * A call that returns a context derived from its first argument, and which
 * of its results that context is:
 *
 *   ctx, cancel := context.WithTimeout(parent, d)     // 0
 *   ctx := context.WithValue(parent, k, v)            // 0
 *   ctx, stop := signal.NotifyContext(parent, sig)    // 0
 *   g, ctx := errgroup.WithContext(parent)            // 1
 *
 * -1 for anything else (context.WithoutCancel detaches: not a source).
 */
static int derived_result(const go_file *f, const go_node *call) {
    static const char *const ctors[] = {"WithCancel",      "WithTimeout",      "WithDeadline",      "WithValue",
                                        "WithCancelCause", "WithTimeoutCause", "WithDeadlineCause"};
    call = rulekit_unparen(call);
    if (!call || call->kind != GO_CALL_EXPR || call->u.call.args.len == 0) return -1;
    for (size_t i = 0; i < sizeof ctors / sizeof *ctors; i++)
        if (go_is_pkg_call(f, call, "context", ctors[i])) return 0;
    if (go_is_pkg_call(f, call, "os/signal", "NotifyContext")) return 0;
    if (go_is_pkg_call(f, call, "golang.org/x/sync/errgroup", "WithContext")) return 1;
    return -1;
}

/* The source that lhs[k] of `lhs := rhs` (or `var lhs = rhs`) derives
 * from, else -1. */
static int derived_parent(walker *w, const go_list *lhs, const go_list *rhs, uint32_t k, go_pos p) {
    const go_node *x;
    int result;
    if (rhs->len == lhs->len) {
        x = rhs->at[k];
        result = 0;
        int alias = ctx_expr_source(w, x, p); /* c := ctx;  ctx := r.Context() */
        if (alias >= 0) return alias;
    } else if (rhs->len == 1) {
        x = rhs->at[0];
        result = (int)k;
    } else {
        return -1;
    }
    if (derived_result(w->f, x) != result) return -1;
    return ctx_expr_source(w, rulekit_unparen(x)->u.call.args.at[0], p);
}

static void add_locals(walker *w, const go_list *lhs, const go_list *rhs, go_pos from, go_pos p) {
    for (uint32_t k = 0; k < lhs->len; k++) {
        const go_node *id = lhs->at[k];
        if (!id || id->kind != GO_IDENT) continue;
        int parent = rhs->len ? derived_parent(w, lhs, rhs, k, p) : -1;
        add_decl(w, id, from, scope_end(w), parent >= 0 ? SRC_LOCAL : -1, parent, w->func_name);
    }
}

/* ---- where a source is nil or done ----------------------------------------- */

/* `<-X.Done()`: the source X names, else -1. */
static int done_recv(walker *w, const go_node *x, go_pos p) {
    x = rulekit_unparen(x);
    if (!x || x->kind != GO_UNARY_EXPR || x->op != GO_TOK_ARROW) return -1;
    const go_node *c = method_call_recv(x->u.unary.x, "Done", 0);
    return c ? ctx_expr_source(w, c, p) : -1;
}

/* When cond holds, source i is nil or done:
 *   ctx == nil    ctx.Err() != nil    a || b (both)    a && b (either) */
static bool cond_unusable(walker *w, const go_node *c, int i, go_pos p) {
    c = rulekit_unparen(c);
    if (!c || c->kind != GO_BINARY_EXPR) return false;
    const go_node *x = c->u.binary.x, *y = c->u.binary.y;
    switch (c->op) {
    case GO_TOK_LOR: return cond_unusable(w, x, i, p) && cond_unusable(w, y, i, p);
    case GO_TOK_LAND: return cond_unusable(w, x, i, p) || cond_unusable(w, y, i, p);
    case GO_TOK_EQL:
        if (is_nil(y)) return ctx_expr_source(w, x, p) == i;
        if (is_nil(x)) return ctx_expr_source(w, y, p) == i;
        return false;
    case GO_TOK_NEQ: {
        const go_node *e = is_nil(y) ? x : is_nil(x) ? y : NULL;
        const go_node *r = e ? method_call_recv(e, "Err", 0) : NULL;
        return r && ctx_expr_source(w, r, p) == i;
    }
    default: return false;
    }
}

/* When cond is false, source i is nil:  ctx != nil    a || b (either) */
static bool cond_false_nil(walker *w, const go_node *c, int i, go_pos p) {
    c = rulekit_unparen(c);
    if (!c || c->kind != GO_BINARY_EXPR) return false;
    if (c->op == GO_TOK_LOR) return cond_false_nil(w, c->u.binary.x, i, p) || cond_false_nil(w, c->u.binary.y, i, p);
    if (c->op != GO_TOK_NEQ) return false;
    if (is_nil(c->u.binary.y)) return ctx_expr_source(w, c->u.binary.x, p) == i;
    if (is_nil(c->u.binary.x)) return ctx_expr_source(w, c->u.binary.y, p) == i;
    return false;
}

/* `if err := ctx.Err(); err != nil { … }`: the source, else -1. */
static int init_err_source(walker *w, const go_node *ifs, go_pos p) {
    const go_node *init = ifs->u.if_stmt.init, *c = rulekit_unparen(ifs->u.if_stmt.cond);
    if (!init || init->kind != GO_ASSIGN_STMT || init->u.assign.lhs.len != 1 || init->u.assign.rhs.len != 1) return -1;
    if (!c || c->kind != GO_BINARY_EXPR || c->op != GO_TOK_NEQ || !is_nil(c->u.binary.y)) return -1;
    const go_node *err = rulekit_unparen(c->u.binary.x), *lhs = init->u.assign.lhs.at[0];
    if (!err || err->kind != GO_IDENT || lhs->kind != GO_IDENT || !err->u.ident.decl ||
        err->u.ident.decl != lhs->u.ident.decl)
        return -1;
    const go_node *r = method_call_recv(init->u.assign.rhs.at[0], "Err", 0);
    return r ? ctx_expr_source(w, r, p) : -1;
}

/* The block ends here: return, panic(…), break, continue, goto. */
static bool terminates(const go_node *block) {
    if (!block || block->kind != GO_BLOCK_STMT || block->u.block.list.len == 0) return false;
    const go_node *last = block->u.block.list.at[block->u.block.list.len - 1];
    if (last->kind == GO_RETURN_STMT || last->kind == GO_BRANCH_STMT) return true;
    if (last->kind == GO_EXPR_STMT) {
        const go_node *c = rulekit_unparen(last->u.expr_stmt.x);
        return c && c->kind == GO_CALL_EXPR && rulekit_ident_is(rulekit_unparen(c->u.call.fun), "panic") &&
               !rulekit_unparen(c->u.call.fun)->u.ident.decl;
    }
    return false;
}

static void if_regions(walker *w, const go_node *ifs) {
    const go_node *body = ifs->u.if_stmt.body, *els = ifs->u.if_stmt.else_, *c = ifs->u.if_stmt.cond;
    go_pos p = ifs->pos;
    int e = init_err_source(w, ifs, p);
    if (e >= 0 && body) add_region(w, e, body->pos, body->end);
    for (size_t i = 0; i < w->nsrcs; i++) {
        if (!usable(w, (int)i, p)) continue;
        if (body && cond_unusable(w, c, (int)i, p)) add_region(w, (int)i, body->pos, body->end);
        if (cond_false_nil(w, c, (int)i, p)) {
            if (els) add_region(w, (int)i, els->pos, els->end);
            else if (terminates(body)) add_region(w, (int)i, ifs->end, scope_end(w));
        }
    }
}

/*
 * Closures that run detached from the caller by design: a context of the
 * caller must not leak into them.
 *
 *   once.Do(func() { … })              g.Do(key, func() (any, error) { … })
 *   sync.OnceFunc(func() { … })        context.AfterFunc(ctx, func() { … })
 *   t.Cleanup(func() { … })            time.AfterFunc(d, func() { … })
 *   runtime.SetFinalizer(x, func(*T) { … })
 */
static bool detached_call(const go_file *f, const go_node *call) {
    const go_node *fun = rulekit_unparen(call->u.call.fun);
    if (fun && fun->kind == GO_SELECTOR_EXPR &&
        (rulekit_ident_is(fun->u.selector.sel, "Do") || rulekit_ident_is(fun->u.selector.sel, "DoChan") ||
         rulekit_ident_is(fun->u.selector.sel, "Cleanup")))
        return true;
    return go_is_pkg_call(f, call, "time", "AfterFunc") || go_is_pkg_call(f, call, "sync", "OnceFunc") || go_is_pkg_call(f, call, "sync", "OnceValue") ||
           go_is_pkg_call(f, call, "sync", "OnceValues") || go_is_pkg_call(f, call, "context", "AfterFunc") ||
           go_is_pkg_call(f, call, "runtime", "SetFinalizer") || go_is_pkg_call(f, call, "runtime", "AddCleanup");
}

/* ---- the report ------------------------------------------------------------ */

static int root_kind(walker *w, int i) {
    while (w->srcs[i].parent >= 0) i = w->srcs[i].parent;
    return w->srcs[i].kind;
}

static void report(walker *w, const go_node *call, int i) {
    const source *s = &w->srcs[i];
    const char *name = text_of(w, s->id, "ctx");
    const char *what = text_of(w, call, "context.Background()");
    /* the qualifier the file uses for the context package: "context.", "stdctx.", "" */
    const go_node *fun = rulekit_unparen(call->u.call.fun);
    const char *pkg = "";
    if (fun->kind == GO_SELECTOR_EXPR) {
        const char *q = text_of(w, fun->u.selector.x, "context");
        size_t n = strlen(q);
        char *b = ls_arena_alloc(w->pass->arena, n + 2);
        memcpy(b, q, n);
        b[n] = '.';
        b[n + 1] = 0;
        pkg = b;
    }
    char use[96], desc[128], rel[96];
    switch (s->kind) {
    case SRC_REQUEST:
        snprintf(use, sizeof use, "%s.Context()", name);
        snprintf(desc, sizeof desc, "request parameter of %s", s->owner);
        snprintf(rel, sizeof rel, "request %s declared here", name);
        break;
    case SRC_PARAM:
        snprintf(use, sizeof use, "%s", name);
        snprintf(desc, sizeof desc, "parameter of %s", s->owner);
        snprintf(rel, sizeof rel, "%s declared here", name);
        break;
    default:
        snprintf(use, sizeof use, "%s", name);
        snprintf(desc, sizeof desc, "derived from the caller's context at line %u", line_of(w, s->id->pos));
        snprintf(rel, sizeof rel, "%s derived here", name);
        break;
    }
    const char *life = root_kind(w, i) == SRC_REQUEST ? "request" : "call";
    if (w->pass->go_minor > 0 && w->pass->go_minor < 21)
        lint_report_related(w->pass, call->pos, s->id->pos, rel, "%s drops the cancellation of %s (%s): pass %s",
                            what, use, desc, use);
    else
        lint_report_related(w->pass, call->pos, s->id->pos, rel,
                            "%s drops the cancellation of %s (%s): pass %s, or %sWithoutCancel(%s) if the work must "
                            "outlive the %s",
                            what, use, desc, use, pkg, use, life);
}

/* ---- the walk -------------------------------------------------------------- */

static bool opens_scope(const go_node *n) {
    switch (n->kind) {
    case GO_FUNC_DECL: case GO_FUNC_LIT: case GO_BLOCK_STMT: case GO_IF_STMT: case GO_FOR_STMT:
    case GO_RANGE_STMT: case GO_SWITCH_STMT: case GO_TYPE_SWITCH_STMT: case GO_CASE_CLAUSE:
    case GO_COMM_CLAUSE:
        return true;
    default:
        return false;
    }
}

static bool is_root_call(const go_file *f, const go_node *x) {
    return x && x->kind == GO_CALL_EXPR &&
           (go_is_pkg_call(f, x, "context", "Background") || go_is_pkg_call(f, x, "context", "TODO"));
}

static void skip_node(walker *w, const go_node *x) {
    x = rulekit_unparen(x);
    if (is_root_call(w->f, x)) PUSH(w, w->skip, w->nskip, w->cskip, x);
}

/* x is a root, or a context.With…(root, …) around one: skip that root.
 * x is a closure: it is kept to run later, detached from this call. */
static void skip_root_in(walker *w, const go_node *x) {
    x = rulekit_unparen(x);
    if (x && x->kind == GO_FUNC_LIT) add_region(w, -1, x->pos, x->end);
    if (!x || x->kind != GO_CALL_EXPR) return;
    if (derived_result(w->f, x) >= 0) x = rulekit_unparen(x->u.call.args.at[0]);
    skip_node(w, x);
}

/* An assignment target that outlives the function: a field, an element,
 * *p, or a package-level variable (bound in this file or in another). */
static bool outlives_call(const go_node *lhs) {
    lhs = rulekit_unparen(lhs);
    if (!lhs) return false;
    if (lhs->kind == GO_IDENT) return !rulekit_ident_is(lhs, "_") && (!lhs->u.ident.decl || go_decl_is_pkg(lhs->u.ident.decl));
    return lhs->kind == GO_SELECTOR_EXPR || lhs->kind == GO_INDEX_EXPR || lhs->kind == GO_STAR_EXPR;
}

/*
 * Roots that are not handed to a callee instead of the caller's context:
 *
 *   if ctx != context.Background() { … }                 // compared
 *   h.ctx, h.cancel = context.WithCancel(context.Background())  // a lifetime context stored in a field
 *   return &valuesOnly{Context: context.Background(), values: ctx}  // stored in a value
 *
 * and closures stored the same way (`s.onEvict = func(k string) { … }`,
 * `&Hooks{OnClose: func() { … }}`), which run later, in the lifetime of
 * what holds them, not of this call.
 */
static void skip_stored_roots(walker *w, const go_node *n) {
    if (n->kind == GO_BINARY_EXPR && (n->op == GO_TOK_EQL || n->op == GO_TOK_NEQ)) {
        skip_node(w, n->u.binary.x);
        skip_node(w, n->u.binary.y);
    } else if (n->kind == GO_COMPOSITE_LIT) {
        for (uint32_t k = 0; k < n->u.composite.elts.len; k++) {
            const go_node *e = n->u.composite.elts.at[k];
            skip_root_in(w, e && e->kind == GO_KEY_VALUE_EXPR ? e->u.key_value.value : e);
        }
    } else if (n->kind == GO_ASSIGN_STMT) {
        const go_list *lhs = &n->u.assign.lhs, *rhs = &n->u.assign.rhs;
        for (uint32_t k = 0; k < lhs->len; k++) {
            if (!outlives_call(lhs->at[k])) continue;
            if (rhs->len == lhs->len) skip_root_in(w, rhs->at[k]);
            else if (rhs->len == 1 && k == 0) skip_root_in(w, rhs->at[0]);
        }
    }
}

/*
 * The source between from and to closes a block it did not open: a comment
 * at `from` sits in a block (an `if` body, a `case`) that ended before the
 * call at `to`, and talks about that block.  Braces in string, rune and
 * comment text do not count.
 */
static bool leaves_block(const char *src, go_pos from, go_pos to) {
    int depth = 0;
    for (go_pos q = from; q < to; q++) {
        char c = src[q];
        if (c == '"' || c == '\'' || c == '`') {
            for (q++; q < to && src[q] != c && (c == '`' || src[q] != '\n'); q++)
                if (c != '`' && src[q] == '\\') q++;
        } else if (c == '/' && q + 1 < to && src[q + 1] == '/') {
            while (q < to && src[q] != '\n') q++;
        } else if (c == '/' && q + 1 < to && src[q + 1] == '*') {
            for (q += 2; q + 1 < to && !(src[q] == '*' && src[q + 1] == '/'); q++) {}
            q++;
        } else if (c == '{') {
            depth++;
        } else if (c == '}' && --depth < 0) {
            return true;
        }
    }
    return false;
}

static bool has_any(const char *text, const char *const *words, size_t n) {
    for (size_t k = 0; k < n; k++)
        if (strstr(text, words[k])) return true;
    return false;
}

/*
 * Does a (lower-cased) comment say that the root is deliberate?
 *
 *   // This action has side effects that we want to keep even if the
 *   // client cancels the request part way through.
 *   // Use a separate context that won't be canceled ...
 *   // Now ignore the provided context and use a different one ...
 *
 * "cancel" alone is not enough: "create a context and cancel it when done"
 * mentions cancellation and explains nothing.  It counts next to words
 * that put the cancellation on someone else's side (the caller, the
 * client, the parent) or say the work survives it ("even if", "won't be
 * canceled").  "ignore" counts only when the comment is about the context
 * ("ignore the provided context", not "duplicate notification, ignore").
 */
static bool explains_root(const char *text) {
    static const char *const strong[] = {"detach", "outliv", "independen", "on purpose", "deliberate",
                                         "intentional"};
    static const char *const about_ctx[] = {"context", "ctx", "cancel", "deadline", "timeout", "parent", "caller"};
    static const char *const survives[] = {"even if",       "even when",      "even though",   "regardless",
                                           "despite",       "surviv",         "not be cancel", "n't be cancel",
                                           "never be cancel", "not get cancel", "n't get cancel", "caller",
                                           "client",        "parent",         "original",      "provided",
                                           "incoming",      "upstream",       "user"};
    if (has_any(text, strong, sizeof strong / sizeof *strong)) return true;
    if (strstr(text, "ignor") && has_any(text, about_ctx, sizeof about_ctx / sizeof *about_ctx)) return true;
    return strstr(text, "cancel") && has_any(text, survives, sizeof survives / sizeof *survives);
}

/*
 * A comment next to the call that explains a deliberate root (see
 * explains_root): one in the run of non-blank lines just above the call's
 * line, at most 10 lines up, inside the function that owns the context
 * (its doc comment talks about the function, not this call), and not in a
 * block that closed before the call.  A TODO or FIXME is not an
 * explanation.
 */
static bool explained(walker *w, const go_node *call, go_pos body) {
    const go_file *f = w->f;
    const char *src = f->src;
    go_pos line_start = call->pos;
    while (line_start > 0 && src[line_start - 1] != '\n') line_start--;
    go_pos top = line_start; /* start of the paragraph */
    for (int lines = 0; lines < 10 && top > 0; lines++) {
        go_pos prev = top - 1; /* the '\n' ending the line above */
        go_pos b = prev;
        while (b > 0 && src[b - 1] != '\n') b--;
        bool blank = true;
        for (go_pos q = b; q < prev; q++)
            if (src[q] != ' ' && src[q] != '\t' && src[q] != '\r') blank = false;
        if (blank) break;
        top = b;
    }
    const go_list *groups = &f->root->u.file.comments;
    for (uint32_t g = 0; g < groups->len; g++) {
        const go_node *cg = groups->at[g];
        if (cg->end <= top || cg->pos < body) continue; /* a doc comment outside the function is not it */
        if (cg->end > line_start) break;
        if (leaves_block(src, cg->end, line_start)) continue;
        const char *t = src + cg->pos;
        size_t n = cg->end - cg->pos;
        char buf[2048];
        if (n >= sizeof buf) n = sizeof buf - 1;
        for (size_t k = 0; k < n; k++) buf[k] = (char)((t[k] >= 'A' && t[k] <= 'Z') ? t[k] + 32 : t[k]);
        buf[n] = 0;
        if (strstr(buf, "todo") || strstr(buf, "fixme")) continue;
        if (explains_root(buf)) return true;
    }
    return false;
}

/* The identifier at the end of x: `log`, `s.logger`, `internal.Logger`. */
static const go_node *last_ident(const go_node *x) {
    x = rulekit_unparen(x);
    if (x && x->kind == GO_SELECTOR_EXPR) return x->u.selector.sel;
    return x && x->kind == GO_IDENT ? x : NULL;
}

static bool has_suffix(const ls_atom *a, const char *suffix) {
    size_t n = strlen(suffix);
    return a->len >= n && memcmp(a->ptr + a->len - n, suffix, n) == 0;
}

/*
 * Whether identifier x names a logger: `log`, `slog`, `klog`, `logrus`,
 * `hclog`, `zerolog`, `logger`, `s.auditLog`, `internal.Logger`,
 * `accessLogger`.  Not `login`, `catalog`, `dialog` or `backlog`: a
 * lower-case "log" counts only as a whole known name or at the end of one
 * that ends in "logger"/"logging".
 */
static bool names_log(const go_node *x) {
    static const char *const names[] = {"log",  "logs",  "slog",   "klog",   "glog",   "zlog",   "hclog",
                                        "logr", "log15", "logrus", "zerolog", "logger", "logging"};
    static const char *const suffixes[] = {"Log", "Logger", "Logging", "logger", "logging", "LOG"};
    if (!x || x->kind != GO_IDENT || !x->u.ident.name) return false;
    const ls_atom *a = x->u.ident.name;
    char lower[16];
    if (a->len < sizeof lower) {
        for (size_t k = 0; k < a->len; k++) lower[k] = (char)(a->ptr[k] | 32);
        lower[a->len] = 0;
        for (size_t k = 0; k < sizeof names / sizeof *names; k++)
            if (strcmp(lower, names[k]) == 0) return true;
    }
    for (size_t k = 0; k < sizeof suffixes / sizeof *suffixes; k++)
        if (has_suffix(a, suffixes[k])) return true;
    return false;
}

/*
 * Calls that read values from a context and do no work that cancellation
 * could cut short, so a root there drops nothing the message warns about:
 *
 *   internal.Logger.Printf(context.Background(), "…")   // a log call
 *   slog.InfoContext(context.Background(), "…")
 *   defer pprof.SetGoroutineLabels(context.Background()) // clears the labels
 *
 * A log call is a method named like a log verb on something named like a
 * logger (`log`, `logger`, `Logger`, `slog`, `klog`), or any function of an
 * imported package so named (`log.G(context.TODO())` of containerd's log,
 * `logrus.WithContext`, `klog.FromContext`: they take a context to read
 * fields from it); that these are loggers is a guess from the names, and a
 * wrong guess costs a missed finding, never a false one.
 */
static bool values_only_call(const go_file *f, const go_node *call) {
    static const char *const verbs[] = {"Print",        "Printf",      "Println",     "Debug",        "Debugf",
                                        "Info",         "Infof",       "Warn",        "Warnf",        "Warning",
                                        "Warningf",     "Error",       "Errorf",      "Trace",        "Tracef",
                                        "Log",          "Logf",        "LogAttrs",    "DebugContext", "InfoContext",
                                        "WarnContext",  "ErrorContext"};
    if (go_is_pkg_call(f, call, "runtime/pprof", "SetGoroutineLabels")) return true;
    const go_node *fun = rulekit_unparen(call->u.call.fun);
    if (!fun || fun->kind != GO_SELECTOR_EXPR || !names_log(last_ident(fun->u.selector.x))) return false;
    /* any function of a logging package: log.G(ctx), logrus.WithContext(ctx) */
    const go_node *pkg = rulekit_unparen(fun->u.selector.x);
    if (pkg->kind == GO_IDENT && go_import_of(f, pkg)) return true;
    for (size_t k = 0; k < sizeof verbs / sizeof *verbs; k++)
        if (rulekit_ident_is(fun->u.selector.sel, verbs[k])) return true;
    return false;
}

/*
 * A call handed a fresh root and a callback that takes a context:
 *
 *   runner.RunTest(context.Background(), t, func(ctx context.Context, …) { … })
 *
 * The callee can only pass the callback what it was given (or something
 * derived from it): the callback's ctx carries no cancellation from a
 * caller, so a root inside it drops nothing.  Those literals' context
 * parameters are not sources.
 */
static void mark_root_fed(walker *w, const go_node *call) {
    bool fed = false;
    for (uint32_t k = 0; k < call->u.call.args.len && !fed; k++)
        fed = is_root_call(w->f, rulekit_unparen(call->u.call.args.at[k]));
    if (!fed) return;
    for (uint32_t k = 0; k < call->u.call.args.len; k++) {
        const go_node *a = rulekit_unparen(call->u.call.args.at[k]);
        if (a && a->kind == GO_FUNC_LIT) PUSH(w, w->root_fed, w->nroot_fed, w->croot_fed, a);
    }
}

static bool is_root_fed(const walker *w, const go_node *lit) {
    for (size_t k = 0; k < w->nroot_fed; k++)
        if (w->root_fed[k] == lit) return true;
    return false;
}

/*
 * fn returns a context source by name on some path:
 *
 *   func (c *Client) context(ctx context.Context) context.Context {
 *       if c.opt.ContextTimeoutEnabled {
 *           return ctx
 *       }
 *       return context.Background()
 *   }
 *
 * Such a function chooses between the caller's context and a root (by an
 * option, a mode): its `return context.Background()` is the choice, not a
 * broken chain.  Returns in nested closures belong to those closures.
 */
typedef struct returns_source {
    walker *w;
    const go_node *fn;
    bool found;
} returns_source;

static bool find_source_return(void *ctx, go_node *n) {
    returns_source *r = ctx;
    if (r->found || (n != r->fn && (n->kind == GO_FUNC_LIT || n->kind == GO_FUNC_DECL))) return false;
    if (n->kind == GO_RETURN_STMT && n->u.return_stmt.results.len == 1) {
        const go_node *x = rulekit_unparen(n->u.return_stmt.results.at[0]);
        int i = x && x->kind == GO_IDENT ? source_of_decl(r->w, x->u.ident.decl) : -1;
        if (i >= 0 && r->w->srcs[i].kind != SRC_REQUEST) r->found = true;
    }
    return !r->found;
}

/* The innermost function around the walk. */
static const go_node *current_func(const walker *w) {
    for (size_t k = w->nscopes; k-- > 0;)
        if (w->scopes[k]->kind == GO_FUNC_DECL || w->scopes[k]->kind == GO_FUNC_LIT) return w->scopes[k];
    return NULL;
}

static void skip_chosen_root(walker *w, const go_node *ret) {
    if (ret->u.return_stmt.results.len != 1) return;
    const go_node *x = rulekit_unparen(ret->u.return_stmt.results.at[0]);
    const go_node *fn = current_func(w);
    if (!fn || !is_root_call(w->f, x)) return;
    returns_source r = {w, fn, false};
    go_walk((go_node *)fn, find_source_return, NULL, &r);
    if (r.found) skip_node(w, x);
}

/*
 * Deferred work runs as the function returns, often because its context
 * was cancelled: cleanup there must not inherit that cancellation, so a
 * root is what it needs (context.WithoutCancel(ctx) says the same):
 *
 *   defer parent.Release(context.TODO())
 *   defer func() { done(context.TODO()); store.Delete(context.Background(), id) }()
 *
 * Roots among the deferred call's arguments are skipped, and a deferred
 * function literal sees no context from before it.
 */
static void skip_deferred_roots(walker *w, const go_node *call) {
    call = rulekit_unparen(call);
    if (!call || call->kind != GO_CALL_EXPR) return;
    const go_node *fun = rulekit_unparen(call->u.call.fun);
    if (fun && fun->kind == GO_FUNC_LIT) add_region(w, -1, fun->pos, fun->end);
    for (uint32_t k = 0; k < call->u.call.args.len; k++) skip_root_in(w, call->u.call.args.at[k]);
}

static void visit_call(walker *w, const go_node *call) {
    const go_file *f = w->f;
    /* context.WithoutCancel(context.Background()) is on purpose;
     * context.WithValue(context.Background(), k, v) is CTX004's. */
    if ((go_is_pkg_call(f, call, "context", "WithoutCancel") || go_is_pkg_call(f, call, "context", "WithValue")) &&
        call->u.call.args.len > 0)
        skip_node(w, call->u.call.args.at[0]);
    if (values_only_call(f, call))
        for (uint32_t k = 0; k < call->u.call.args.len; k++) skip_node(w, call->u.call.args.at[k]);
    mark_root_fed(w, call);
    if (detached_call(f, call))
        for (uint32_t k = 0; k < call->u.call.args.len; k++) {
            const go_node *a = rulekit_unparen(call->u.call.args.at[k]);
            if (a && a->kind == GO_FUNC_LIT) add_region(w, -1, a->pos, a->end);
        }
    if (!is_root_call(f, call)) return;
    for (size_t k = 0; k < w->nskip; k++)
        if (w->skip[k] == call) return;
    int i = best_source(w, call->pos);
    if (i >= 0 && !explained(w, call, w->srcs[i].body)) report(w, call, i);
}

static bool pre(void *ctx, go_node *n) {
    walker *w = ctx;
    bool is_func = n->kind == GO_FUNC_DECL || n->kind == GO_FUNC_LIT;
    if (is_func) PUSH(w, w->scopes, w->nscopes, w->cscopes, n); /* its parameters belong to it */
    skip_stored_roots(w, n);
    switch (n->kind) {
    case GO_FUNC_DECL: {
        const go_node *ft = n->u.func_decl.type;
        const char *owner = text_of(w, n->u.func_decl.name, "the function");
        w->func_name = owner;
        add_params(w, n->u.func_decl.recv, n->pos, n->end, false, owner);
        if (!ft) break;
        add_params(w, ft->u.func_type.params, n->pos, n->end, true, owner);
        add_params(w, ft->u.func_type.results, n->pos, n->end, false, owner);
        break;
    }
    case GO_FUNC_LIT: {
        const go_node *ft = n->u.func_lit.type;
        if (!ft) break;
        char *owner = ls_arena_alloc(w->pass->arena, 48);
        snprintf(owner, 48, "the closure at line %u", line_of(w, n->pos));
        add_params(w, ft->u.func_type.params, n->pos, n->end, !is_root_fed(w, n), owner);
        add_params(w, ft->u.func_type.results, n->pos, n->end, false, owner);
        break;
    }
    case GO_ASSIGN_STMT:
        if (n->op == GO_TOK_DEFINE && w->nscopes)
            add_locals(w, &n->u.assign.lhs, &n->u.assign.rhs, n->end, n->pos);
        if (n->u.assign.rhs.len == 1) { /* case v, ok := <-ctx.Done(): */
            int i = done_recv(w, n->u.assign.rhs.at[0], n->pos);
            if (i >= 0) add_region(w, i, n->end, scope_end(w));
        }
        break;
    case GO_VALUE_SPEC:
        if (w->nscopes) add_locals(w, &n->u.value_spec.names, &n->u.value_spec.values, n->end, n->pos);
        break;
    case GO_TYPE_SPEC:
        if (w->nscopes) add_decl(w, n->u.type_spec.name, n->pos, scope_end(w), -1, -1, NULL);
        break;
    case GO_RANGE_STMT:
        if (n->op == GO_TOK_DEFINE && n->u.range_stmt.x) {
            add_decl(w, n->u.range_stmt.key, n->u.range_stmt.x->end, n->end, -1, -1, NULL);
            add_decl(w, n->u.range_stmt.value, n->u.range_stmt.x->end, n->end, -1, -1, NULL);
        }
        break;
    case GO_IF_STMT:
        if_regions(w, n);
        break;
    case GO_RETURN_STMT:
        skip_chosen_root(w, n);
        break;
    case GO_DEFER_STMT:
        skip_deferred_roots(w, n->u.defer_stmt.call);
        break;
    case GO_EXPR_STMT: { /* <-ctx.Done(); also `case <-ctx.Done():` */
        int i = done_recv(w, n->u.expr_stmt.x, n->pos);
        if (i >= 0) add_region(w, i, n->end, scope_end(w));
        break;
    }
    case GO_CALL_EXPR:
        visit_call(w, n);
        break;
    default:
        break;
    }
    if (!is_func && opens_scope(n)) PUSH(w, w->scopes, w->nscopes, w->cscopes, n);
    return true;
}

static void post(void *ctx, go_node *n) {
    walker *w = ctx;
    if (w->nscopes && w->scopes[w->nscopes - 1] == n) w->nscopes--;
}

/* func main, func init, func TestMain: the roots of the program's contexts. */
static bool is_root_func(const go_node *d) {
    if (d->kind != GO_FUNC_DECL || d->u.func_decl.recv) return false;
    const go_node *name = d->u.func_decl.name;
    return rulekit_ident_is(name, "main") || rulekit_ident_is(name, "init") || rulekit_ident_is(name, "TestMain");
}

static void check(lint_pass *pass) {
    go_file *f = pass->file;
    if (!f->root || !go_file_imports(f, "context")) return;
    walker w = {.pass = pass, .f = f};
    for (uint32_t k = 0; k < f->root->u.file.decls.len; k++) {
        go_node *d = f->root->u.file.decls.at[k];
        if (!d || is_root_func(d)) continue;
        w.nscopes = w.nsrcs = w.ndecls = w.nregions = w.nskip = w.nroot_fed = 0;
        w.func_name = "the function";
        go_walk(d, pre, post, &w);
    }
}

const lint_rule lint_rule_ctx003 = {
    .id = "CTX003",
    .name = "broken-chain",
    .summary = "context.Background() or context.TODO() where a caller's context is in scope",
    .severity = LINT_ERROR,
    .requires_import = "context",
    .check = check,
};
