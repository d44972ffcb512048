/*
 * GRT005 select-forever: a statement that can never complete, so the
 * goroutine running it is parked for good.
 *
 *   select {}                        // no case can ever be ready
 *   <-(chan int)(nil)                // a nil channel is never ready
 *   var done chan struct{}           // declared, never made or assigned:
 *   <-done                           // nil, so this blocks forever
 *   select {                         // every case on such a channel
 *   case <-a:
 *   case b <- v:
 *   }
 *
 * Blocking forever is sometimes the point, and the rule stays silent
 * where it usually is: everywhere in package main (servers end main with
 * `select {}`, and helpers called from main share its lifetime), in
 * _test.go files (child processes of tests, deadlock tests), and for a
 * `select {}` nested in an if, switch or select branch (a special mode
 * parks the goroutine on purpose, as net/http/httptest does under its
 * -httptest.serve flag).  A nil channel as one case of a select with other
 * live cases is the idiom that disables that case and is never reported.
 * A `var ch chan T` counts as nil only when nothing in its function can
 * assign it (no `ch =`, `&ch`, `for ch = range`) and no code compares it
 * with nil (which would guard the operation).
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "leakscope/lint.h"
#include "rulekit.h"

/* (chan T)(nil), (<-chan T)(nil), (chan<- T)(nil) */
static bool is_nil_chan_literal(const go_node *x) {
    x = rulekit_unparen(x);
    if (!x || x->kind != GO_CALL_EXPR || x->u.call.args.len != 1)
        return false;
    const go_node *fun = rulekit_unparen(x->u.call.fun);
    const go_node *arg = rulekit_unparen(x->u.call.args.at[0]);
    return fun && fun->kind == GO_CHAN_TYPE && rulekit_ident_is(arg, "nil") && !go_decl_of(arg);
}

/* ---- the channel variables that stay nil -------------------------------- */

/* A local `var ch chan T` and what the function does with it. */
typedef struct nil_var {
    const go_node *decl;
    bool assigned; /* ch = …, &ch, for ch = range, compared with nil */
} nil_var;

typedef struct func_scan {
    lint_pass *pass;
    nil_var *vars;
    uint32_t nvars, cap;
    go_node **stack; /* ancestors of the current node */
    uint32_t depth, capstack;
    uint32_t branch; /* if/switch/case/comm clauses around the current node */
    uint32_t *saved; /* branch counts of the enclosing functions */
    uint32_t nsaved, capsaved;
} func_scan;

static void add_var(func_scan *s, const go_node *decl) {
    if (s->nvars == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        nil_var *v = ls_arena_alloc(s->pass->arena, s->cap * sizeof *v);
        if (s->nvars)
            memcpy(v, s->vars, s->nvars * sizeof *v);
        s->vars = v;
    }
    s->vars[s->nvars++] = (nil_var){decl, false};
}

static nil_var *var_of(func_scan *s, const go_node *x) {
    x = rulekit_unparen(x);
    if (!x || x->kind != GO_IDENT || !x->u.ident.decl)
        return NULL;
    for (uint32_t i = 0; i < s->nvars; i++)
        if (s->vars[i].decl == x->u.ident.decl)
            return &s->vars[i];
    return NULL;
}

/* First walk: `var ch chan T` declarations (no value) in the function. */
static bool decl_pre(void *ctx, go_node *n) {
    func_scan *s = ctx;
    const go_node *t = n->kind == GO_VALUE_SPEC ? rulekit_unparen(n->u.value_spec.type) : NULL;
    if (!t || t->kind != GO_CHAN_TYPE || n->u.value_spec.values.len)
        return true;
    for (uint32_t i = 0; i < n->u.value_spec.names.len; i++) {
        const go_node *id = n->u.value_spec.names.at[i];
        if (id && id->kind == GO_IDENT && go_decl_of(id) == id && !rulekit_ident_is(id, "_"))
            add_var(s, id);
    }
    return true;
}

/* The parent of stack[i], parentheses skipped; NULL at the top. */
static go_node *parent_of(const func_scan *s, uint32_t i) {
    while (i > 0 && s->stack[i - 1]->kind == GO_PAREN_EXPR)
        i--;
    return i > 0 ? s->stack[i - 1] : NULL;
}

/* Second walk, part one: anything that may make a variable non-nil. */
static void note_assign(func_scan *s, go_node *n) {
    nil_var *v = n->u.ident.decl != n ? var_of(s, n) : NULL;
    if (!v)
        return;
    go_node *p = parent_of(s, s->depth - 1);
    if (!p)
        return;
    if (p->kind == GO_ASSIGN_STMT) {
        for (uint32_t i = 0; i < p->u.assign.lhs.len; i++)
            if (rulekit_unparen(p->u.assign.lhs.at[i]) == n)
                v->assigned = true;
    } else if (p->kind == GO_UNARY_EXPR && p->op == GO_TOK_AND) {
        v->assigned = true;
    } else if (p->kind == GO_RANGE_STMT && rulekit_unparen(p->u.range_stmt.x) != n) {
        v->assigned = true;
    } else if (p->kind == GO_BINARY_EXPR && (p->op == GO_TOK_EQL || p->op == GO_TOK_NEQ)) {
        v->assigned = true; /* compared with nil: the code knows it may be nil */
    }
}

static void push(func_scan *s, go_node *n) {
    if (s->depth == s->capstack) {
        s->capstack = s->capstack ? s->capstack * 2 : 64;
        go_node **st = ls_arena_alloc(s->pass->arena, s->capstack * sizeof *st);
        if (s->depth)
            memcpy(st, s->stack, s->depth * sizeof *st);
        s->stack = st;
    }
    s->stack[s->depth++] = n;
}

static bool assign_pre(void *ctx, go_node *n) {
    func_scan *s = ctx;
    push(s, n);
    if (n->kind == GO_IDENT)
        note_assign(s, n);
    return true;
}

static void pop(void *ctx, go_node *n) {
    (void)n;
    ((func_scan *)ctx)->depth--;
}

/* ---- reporting ------------------------------------------------------------ */

/* The channel operand of a comm or statement: ch in `<-ch`, `v := <-ch`,
 * `v, ok = <-ch`, `ch <- v`; NULL otherwise. */
static go_node *operand(go_node *stmt) {
    go_node *x = NULL;
    if (!stmt)
        return NULL;
    if (stmt->kind == GO_SEND_STMT)
        return rulekit_unparen(stmt->u.send.chan);
    if (stmt->kind == GO_EXPR_STMT)
        x = stmt->u.expr_stmt.x;
    else if (stmt->kind == GO_ASSIGN_STMT && stmt->u.assign.rhs.len == 1)
        x = stmt->u.assign.rhs.at[0];
    x = rulekit_unparen(x);
    return x && x->kind == GO_UNARY_EXPR && x->op == GO_TOK_ARROW ? rulekit_unparen(x->u.unary.x) : NULL;
}

/* ch is nil for good: a nil literal or a variable nothing assigns. */
static bool always_nil(func_scan *s, go_node *ch) {
    if (is_nil_chan_literal(ch))
        return true;
    nil_var *v = var_of(s, ch);
    return v && !v->assigned;
}

static void report_op(func_scan *s, go_node *at, go_node *ch, const char *what) {
    if (is_nil_chan_literal(ch)) {
        lint_report(s->pass, at->pos,
                    "%s a nil channel blocks forever: a nil channel is never ready, so this goroutine "
                    "never runs again (use a channel made with make, or wait on a context)",
                    what);
        return;
    }
    const ls_atom *a = rulekit_unparen(ch)->u.ident.name;
    lint_report_related(s->pass, at->pos, var_of(s, ch)->decl->pos, "declared here, never made or assigned",
                        "%.*s is declared without make and never assigned, so it is nil: %s it blocks this "
                        "goroutine forever (make it with make(chan ...))",
                        (int)a->len, a->ptr, what);
}

/* A select whose every case is on an always-nil channel (and no default). */
static void check_select(func_scan *s, go_node *sel) {
    go_list cl = sel->u.select_stmt.body ? sel->u.select_stmt.body->u.block.list : (go_list){0};
    if (cl.len == 0) {
        if (!s->branch)
            lint_report(s->pass, sel->pos,
                        "select {} blocks this goroutine forever: nothing can ever wake it, so it leaks "
                        "with everything it references (wait on a context or a done channel instead)");
        return;
    }
    for (uint32_t i = 0; i < cl.len; i++) {
        go_node *ch = cl.at[i] && cl.at[i]->kind == GO_COMM_CLAUSE ? operand(cl.at[i]->u.comm_clause.comm) : NULL;
        if (!ch || !always_nil(s, ch))
            return; /* a default, or a live case */
    }
    lint_report(s->pass, sel->pos,
                "every case of this select is on a nil channel and there is no default: it blocks this "
                "goroutine forever (make the channels with make, or add a way out)");
}

/* The statement or expression n operates on an always-nil channel outside a
 * select. */
static void check_op(func_scan *s, go_node *n) {
    go_node *p = parent_of(s, s->depth - 1);
    bool comm = p && p->kind == GO_COMM_CLAUSE;
    switch (n->kind) {
    case GO_SEND_STMT:
        if (!comm && always_nil(s, rulekit_unparen(n->u.send.chan)))
            report_op(s, n, rulekit_unparen(n->u.send.chan), "sending on");
        break;
    case GO_UNARY_EXPR: {
        if (n->op != GO_TOK_ARROW || !always_nil(s, rulekit_unparen(n->u.unary.x)))
            break;
        /* `case <-ch:` / `case v := <-ch:` belong to check_select */
        uint32_t i = s->depth - 1;
        while (i > 0 && s->stack[i - 1]->kind == GO_PAREN_EXPR)
            i--;
        go_node *stmt = i > 0 ? s->stack[i - 1] : NULL;
        go_node *up = i > 1 ? parent_of(s, i - 1) : NULL;
        if (stmt && (stmt->kind == GO_EXPR_STMT || stmt->kind == GO_ASSIGN_STMT) && up &&
            up->kind == GO_COMM_CLAUSE)
            break;
        report_op(s, n, rulekit_unparen(n->u.unary.x), "receiving from");
        break;
    }
    case GO_RANGE_STMT:
        if (always_nil(s, rulekit_unparen(n->u.range_stmt.x)))
            report_op(s, n, rulekit_unparen(n->u.range_stmt.x), "ranging over");
        break;
    default:
        break;
    }
}

static bool is_branch(const go_node *n) {
    return n->kind == GO_IF_STMT || n->kind == GO_CASE_CLAUSE || n->kind == GO_COMM_CLAUSE;
}

/* A function literal starts outside any branch: `go func() { ...; select
 * {} }()` parks that goroutine for good wherever the go statement is. */
static bool report_pre(void *ctx, go_node *n) {
    func_scan *s = ctx;
    push(s, n);
    if (n->kind == GO_FUNC_LIT) {
        if (s->nsaved == s->capsaved) {
            s->capsaved = s->capsaved ? s->capsaved * 2 : 8;
            uint32_t *v = ls_arena_alloc(s->pass->arena, s->capsaved * sizeof *v);
            if (s->nsaved)
                memcpy(v, s->saved, s->nsaved * sizeof *v);
            s->saved = v;
        }
        s->saved[s->nsaved++] = s->branch;
        s->branch = 0;
    } else if (n->kind == GO_SELECT_STMT) {
        check_select(s, n);
    } else {
        check_op(s, n);
    }
    if (is_branch(n))
        s->branch++;
    return true;
}

static void report_post(void *ctx, go_node *n) {
    func_scan *s = ctx;
    s->depth--;
    if (is_branch(n))
        s->branch--;
    if (n->kind == GO_FUNC_LIT)
        s->branch = s->saved[--s->nsaved];
}

static bool text_has(const go_file *f, const go_node *n, const char *s) {
    return n->pos <= n->end && n->end <= f->len && memmem(f->src + n->pos, n->end - n->pos, s, strlen(s));
}

/* Most functions are passed over on their source text: no `chan` (no
 * channel variable, no nil literal) and no empty select; the declarations
 * are looked for only where `var` is written. */
static void check_body(lint_pass *pass, go_node *func) {
    const go_file *f = pass->file;
    go_node *body = func->u.func_decl.body;
    bool chan = text_has(f, body, "chan");
    bool empty = text_has(f, body, "select {}") || text_has(f, body, "select{}");
    if (!chan && !empty)
        return;
    func_scan s = {.pass = pass};
    if (chan && text_has(f, body, "var"))
        go_walk(func, decl_pre, NULL, &s);
    if (s.nvars) {
        go_walk(func, assign_pre, pop, &s);
        s.depth = 0;
    }
    if (s.nvars || empty || (chan && text_has(f, body, "(nil)")))
        go_walk(body, report_pre, report_post, &s);
}

static void check(lint_pass *pass) {
    go_file *f = pass->file;
    /* a finding needs a select statement or a channel type (of a nil
     * channel) in the file */
    if (!f->root || !f->src || !(go_file_kind_count(f, GO_SELECT_STMT) || go_file_kind_count(f, GO_CHAN_TYPE)))
        return;
    if (!(memmem(f->src, f->len, "chan", 4) || memmem(f->src, f->len, "select", 6)))
        return;
    if (rulekit_ident_is(f->root->u.file.name, "main") || rulekit_is_test_file(f))
        return;
    go_list ds = f->root->u.file.decls;
    for (uint32_t i = 0; i < ds.len; i++)
        if (ds.at[i] && ds.at[i]->kind == GO_FUNC_DECL && ds.at[i]->u.func_decl.body)
            check_body(pass, ds.at[i]);
}

const lint_rule lint_rule_grt005 = {
    .id = "GRT005",
    .name = "select-forever",
    .summary = "select {}, or a send, receive or select on a channel that is always nil, outside package "
               "main: the goroutine blocks forever",
    .severity = LINT_WARNING,
    .requires_import = NULL,
    .check = check,
};
