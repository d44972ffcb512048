/*
 * CTX002 non-positive-timeout: a derived context whose timeout or deadline
 * has already passed when it is made.
 *
 *   context.WithTimeout(parent, 0)
 *   context.WithTimeoutCause(parent, -5*time.Second, cause)
 *   context.WithDeadline(parent, time.Now())
 *   context.WithDeadline(parent, time.Now().Add(-time.Minute))
 *   context.WithDeadlineCause(parent, time.Time{}, cause)
 *
 * Two ideas:
 *  - Only constants are judged.  A small evaluator folds integer literals,
 *    unary + and -, binary + - * /, parentheses, the unit constants
 *    time.Nanosecond … time.Hour, time.Duration(c) conversions and const
 *    declarations of this file (`const d = -1`, not iota, not floats).
 *    Anything else (a variable, a call, a const from another file) is
 *    unknown, and unknown is never reported.
 *  - time.Now() as a deadline is already in the past by the time
 *    WithDeadline compares it with the clock, so it is "≤ 0" too.
 * _test.go files are skipped: tests build expired contexts on purpose.
 */
#include "leakscope/lint.h"
#include "rulekit.h"

#include <stdio.h>
#include <string.h>

/* Nanoseconds of the time package's unit constants. */
static const struct unit {
    const char *name;
    int64_t ns;
} units[] = {
    {"Nanosecond", 1},
    {"Microsecond", 1000},
    {"Millisecond", 1000000},
    {"Second", 1000000000},
    {"Minute", 60LL * 1000000000},
    {"Hour", 3600LL * 1000000000},
};

/* A const declared in this file: its declaring Ident and its value. */
typedef struct const_def {
    const go_node *name, *value;
} const_def;

typedef struct checker {
    lint_pass *pass;
    const_def *consts; /* collected on first use */
    size_t nconsts, cap;
    bool consts_done;
} checker;



/* ---- const declarations ---------------------------------------------------- */

static bool mentions_iota_pre(void *ctx, go_node *n) {
    if (rulekit_ident_is(n, "iota") && !n->u.ident.decl) *(bool *)ctx = true;
    return !*(bool *)ctx;
}

/*   const d = -1 * time.Second        const ( a = 0; b time.Duration = -1 )
 * Specs without values (implicit repetition) and values using iota are
 * left out: their value depends on the position in the block. */
static bool collect_pre(void *ctx, go_node *n) {
    checker *c = ctx;
    if (n->kind != GO_GEN_DECL) return true;
    if (n->op != GO_TOK_CONST) return true;
    for (uint32_t i = 0; i < n->u.gen_decl.specs.len; i++) {
        const go_node *vs = n->u.gen_decl.specs.at[i];
        if (vs->kind != GO_VALUE_SPEC || vs->u.value_spec.names.len != vs->u.value_spec.values.len) continue;
        for (uint32_t j = 0; j < vs->u.value_spec.names.len; j++) {
            bool iota = false;
            go_walk(vs->u.value_spec.values.at[j], mentions_iota_pre, NULL, &iota);
            if (iota) continue;
            if (c->nconsts == c->cap) {
                size_t cap = c->cap ? c->cap * 2 : 16;
                const_def *d = ls_arena_alloc(c->pass->arena, cap * sizeof *d);
                if (c->nconsts) memcpy(d, c->consts, c->nconsts * sizeof *d);
                c->consts = d;
                c->cap = cap;
            }
            c->consts[c->nconsts++] = (const_def){vs->u.value_spec.names.at[j], vs->u.value_spec.values.at[j]};
        }
    }
    return false;
}

static const go_node *const_value(checker *c, const go_node *decl) {
    if (!c->consts_done) {
        c->consts_done = true;
        go_walk(c->pass->file->root, collect_pre, NULL, c);
    }
    for (size_t i = 0; i < c->nconsts; i++)
        if (c->consts[i].name == decl) return c->consts[i].value;
    return NULL;
}

/* ---- constant evaluation --------------------------------------------------- */

/* An integer literal (decimal, 0x, 0o, 0b, legacy octal, with `_`). */
static bool int_lit(const go_node *x, int64_t *out) {
    const char *s = x->u.lit.text;
    uint32_t n = x->u.lit.len, i = 0;
    int base = 10;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, i = 2;
    else if (n >= 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) base = 8, i = 2;
    else if (n >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) base = 2, i = 2;
    else if (n >= 2 && s[0] == '0') base = 8, i = 1;
    int64_t v = 0;
    for (; i < n; i++) {
        char ch = s[i];
        int d;
        if (ch == '_') continue;
        if (ch >= '0' && ch <= '9') d = ch - '0';
        else if (ch >= 'a' && ch <= 'f') d = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F') d = ch - 'A' + 10;
        else return false;
        if (d >= base) return false;
        if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, d, &v)) return false;
    }
    *out = v;
    return true;
}

/* The value of a constant duration expression, in nanoseconds (or a plain
 * integer); false when it is not one we can fold. */
static bool eval(checker *c, const go_node *x, int depth, int64_t *out) {
    const go_file *f = c->pass->file;
    x = rulekit_unparen((go_node *)x);
    if (!x || depth > 32) return false;
    switch (x->kind) {
    case GO_BASIC_LIT:
        return x->op == GO_TOK_INT && int_lit(x, out);
    case GO_SELECTOR_EXPR:
        for (size_t i = 0; i < sizeof units / sizeof *units; i++)
            if (go_is_pkg_selector(f, x, "time", units[i].name)) {
                *out = units[i].ns;
                return true;
            }
        return false;
    case GO_IDENT: {
        for (size_t i = 0; i < sizeof units / sizeof *units; i++) /* import . "time" */
            if (go_is_pkg_selector(f, x, "time", units[i].name)) {
                *out = units[i].ns;
                return true;
            }
        const go_node *decl = go_decl_of(x);
        const go_node *v = decl ? const_value(c, decl) : NULL;
        return v && eval(c, v, depth + 1, out);
    }
    case GO_UNARY_EXPR: {
        int64_t v;
        if (!eval(c, x->u.unary.x, depth + 1, &v)) return false;
        if (x->op == GO_TOK_ADD) return *out = v, true;
        if (x->op == GO_TOK_SUB) return !__builtin_sub_overflow((int64_t)0, v, out);
        return false;
    }
    case GO_BINARY_EXPR: {
        int64_t a, b;
        if (!eval(c, x->u.binary.x, depth + 1, &a) || !eval(c, x->u.binary.y, depth + 1, &b)) return false;
        switch (x->op) {
        case GO_TOK_ADD: return !__builtin_add_overflow(a, b, out);
        case GO_TOK_SUB: return !__builtin_sub_overflow(a, b, out);
        case GO_TOK_MUL: return !__builtin_mul_overflow(a, b, out);
        case GO_TOK_QUO: /* integer constants divide with truncation, as in Go */
            if (b == 0 || (a == INT64_MIN && b == -1)) return false;
            return *out = a / b, true;
        default: return false;
        }
    }
    case GO_CALL_EXPR: /* time.Duration(c) */
        if (x->u.call.args.len == 1 && x->u.call.ellipsis == GO_NOPOS &&
            go_is_pkg_selector(f, x->u.call.fun, "time", "Duration"))
            return eval(c, x->u.call.args.at[0], depth + 1, out);
        return false;
    default:
        return false;
    }
}

/* A duration as Go prints the simple ones: "0s", "-5s", "-1500ms", "-3ns". */
static void fmt_duration(char *buf, size_t size, int64_t ns) {
    static const struct { int64_t ns; const char *unit; } steps[] = {
        {3600LL * 1000000000, "h"}, {60LL * 1000000000, "m"}, {1000000000, "s"},
        {1000000, "ms"}, {1000, "µs"}, {1, "ns"},
    };
    if (ns == 0) {
        snprintf(buf, size, "0s");
        return;
    }
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (ns % steps[i].ns == 0) {
            snprintf(buf, size, "%lld%s", (long long)(ns / steps[i].ns), steps[i].unit);
            return;
        }
}

/* ---- the check ---------------------------------------------------------------- */

static const char *const timeout_makers[] = {"WithTimeout", "WithTimeoutCause"};
static const char *const deadline_makers[] = {"WithDeadline", "WithDeadlineCause"};

static bool is_time_now(const go_file *f, const go_node *x) {
    x = rulekit_unparen((go_node *)x);
    return x && x->kind == GO_CALL_EXPR && x->u.call.args.len == 0 && go_is_pkg_call(f, x, "time", "Now");
}

#define DONE_AT_ONCE "the context is already done when created, every operation under it fails at once with DeadlineExceeded"

/*   context.WithTimeout(parent, -1)   context.WithTimeoutCause(parent, 0, cause) */
static void check_timeout(checker *c, const go_node *call, const char *maker) {
    const go_node *d = call->u.call.args.at[1];
    int64_t v;
    if (!eval(c, d, 0, &v) || v > 0) return;
    char dur[64];
    fmt_duration(dur, sizeof dur, v);
    lint_report(c->pass, d->pos, "context.%s with a timeout of %s (not positive): " DONE_AT_ONCE, maker, dur);
}

/*   context.WithDeadline(parent, time.Now())
 *   context.WithDeadline(parent, time.Now().Add(-time.Second))
 *   context.WithDeadline(parent, time.Time{}) */
static void check_deadline(checker *c, const go_node *call, const char *maker) {
    const go_file *f = c->pass->file;
    const go_node *d = rulekit_unparen(call->u.call.args.at[1]);
    if (is_time_now(f, d)) {
        lint_report(c->pass, d->pos, "context.%s with the deadline time.Now() (passed by the time the context is made): " DONE_AT_ONCE, maker);
        return;
    }
    if (d->kind == GO_COMPOSITE_LIT && d->u.composite.elts.len == 0 && d->u.composite.type &&
        go_is_pkg_selector(f, d->u.composite.type, "time", "Time")) {
        lint_report(c->pass, d->pos, "context.%s with the zero time.Time{} as deadline (year 1): " DONE_AT_ONCE, maker);
        return;
    }
    if (d->kind == GO_CALL_EXPR && d->u.call.args.len == 1) {
        const go_node *fun = rulekit_unparen(d->u.call.fun);
        int64_t v;
        if (fun->kind == GO_SELECTOR_EXPR && rulekit_ident_is(fun->u.selector.sel, "Add") && is_time_now(f, fun->u.selector.x) &&
            eval(c, d->u.call.args.at[0], 0, &v) && v <= 0) {
            char dur[64];
            fmt_duration(dur, sizeof dur, v);
            lint_report(c->pass, d->pos, "context.%s with the deadline time.Now().Add(%s) (not in the future): " DONE_AT_ONCE, maker, dur);
        }
    }
}

static bool pre(void *ctx, go_node *n) {
    checker *c = ctx;
    if (n->kind != GO_CALL_EXPR || n->u.call.args.len < 2 || n->u.call.ellipsis != GO_NOPOS) return true;
    const go_file *f = c->pass->file;
    for (size_t i = 0; i < 2; i++) {
        if (go_is_pkg_call(f, n, "context", timeout_makers[i])) check_timeout(c, n, timeout_makers[i]);
        else if (go_is_pkg_call(f, n, "context", deadline_makers[i])) check_deadline(c, n, deadline_makers[i]);
    }
    return true;
}

static void check(lint_pass *pass) {
    const go_file *f = pass->file;
    if (!f->root) return;
    /* Tests make expired contexts on purpose, to exercise timeout paths:
     *   ctx, cancel := context.WithTimeout(ctx, 0) // in TestExpired */
    size_t n = f->path ? strlen(f->path) : 0;
    if (n >= 8 && strcmp(f->path + n - 8, "_test.go") == 0) return;
    /* fast path: no identifier named WithTimeout…/WithDeadline… */
    if (!go_file_atom(f, "WithTimeout") && !go_file_atom(f, "WithTimeoutCause") && !go_file_atom(f, "WithDeadline") &&
        !go_file_atom(f, "WithDeadlineCause"))
        return;
    checker c = {.pass = pass};
    go_walk(f->root, pre, NULL, &c);
}

const lint_rule lint_rule_ctx002 = {
    .id = "CTX002",
    .name = "non-positive-timeout",
    .summary = "context made with a constant timeout <= 0 or a deadline that has already passed",
    .severity = LINT_ERROR,
    .requires_import = "context",
    .check = check,
};
