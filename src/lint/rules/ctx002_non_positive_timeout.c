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
 *  - Only constants are judged (rulekit_duration): integer literals,
 *    unary + and -, binary + - * /, parentheses, the unit constants
 *    time.Nanosecond … time.Hour, time.Duration(c) conversions and const
 *    declarations of the package (`const d = -1`, not iota, not floats).
 *    Anything else (a variable, a call, a const of another package) is
 *    unknown, and unknown is never reported.
 *  - time.Now() as a deadline is already in the past by the time
 *    WithDeadline compares it with the clock, so it is "≤ 0" too.
 * _test.go files are skipped: tests build expired contexts on purpose.
 */
#include "leakscope/lint.h"
#include "rulekit.h"

#include <stdio.h>
#include <string.h>

typedef struct checker {
    lint_pass *pass;
} checker;

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
    if (!rulekit_duration(c->pass->file, c->pass->pkg, d, &v) || v > 0) return;
    char dur[64];
    rulekit_fmt_duration(dur, sizeof dur, v);
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
            rulekit_duration(c->pass->file, c->pass->pkg, d->u.call.args.at[0], &v) && v <= 0) {
            char dur[64];
            rulekit_fmt_duration(dur, sizeof dur, v);
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
