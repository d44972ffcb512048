/*
 * GRT002 loop-without-exit: a goroutine whose body is a `for` loop without
 * a condition that waits on something and has no way out.
 *
 *   go func() {
 *       for {
 *           select {                 // blocks; nothing below leaves
 *           case v := <-in: use(v)
 *           case <-tick.C: flush()
 *           }
 *       }
 *   }()
 *
 * Three ideas:
 *  - What the `go` statement starts is followed into function literals,
 *    top-level functions of the package and methods of package types on
 *    variables whose type syntax shows (rulekit_goroutine_of).
 *  - Only a loop that visibly waits (select without default, channel send
 *    or receive, time.Sleep, X.Wait()) is judged, and any return, break or
 *    goto that leaves it, or any call that may not come back (panic,
 *    os.Exit, log.Fatal, runtime.Goexit, t.Fatal, helpers named fatal…/
 *    must…, package functions that panic), counts as a way out: where
 *    syntax cannot tell, the rule is silent.  A `ctx.Done()` case or a
 *    `v, ok := <-ch` check is a way out through the return or break it
 *    leads to; one that leads nowhere is not.
 *  - Goroutines that live as long as the program by construction are
 *    fine: started in init, in main of package main, in a helper main
 *    calls by name, or under sync.Once (rulekit_go_lives_with_program).
 *    Test files are skipped: the test binary ends with the test.
 */

#include "leakscope/goscope.h"
#include "leakscope/lint.h"
#include "rulekit.h"

/* What the loop waits on, for the message. */
static const char *wait_kind(const go_file *f, const go_node *n) {
    switch (n->kind) {
    case GO_SELECT_STMT:
        return "a select";
    case GO_SEND_STMT:
        return "a channel send";
    case GO_UNARY_EXPR:
        return "a channel receive";
    default:
        return go_is_pkg_call(f, n, "time", "Sleep") ? "time.Sleep" : "a Wait call";
    }
}

static void note_ctx(void *ctx, const go_node *decl) {
    (void)decl;
    *(bool *)ctx = true;
}

/* A context.Context parameter of the goroutine or of the function that
 * starts it: the message can name the fix with it. */
static bool context_in_reach(const rulekit_go_walker *rc, const rulekit_goroutine *g, const go_node *decl) {
    bool found = false;
    rulekit_context_params(g->file, g->params, note_ctx, &found);
    if (!found && decl && decl->u.func_decl.type)
        rulekit_context_params(rc->pass->file, decl->u.func_decl.type->u.func_type.params, note_ctx, &found);
    return found;
}

static void report(rulekit_go_walker *rc, const go_node *go_stmt, const go_node *decl, const rulekit_goroutine *g,
                   const go_node *loop, const go_node *waits) {
    lint_pass *pass = rc->pass;
    const char *fix = context_in_reach(rc, g, decl)
                          ? "add `case <-ctx.Done(): return` to the loop"
                          : "give it a done channel the owner closes (or a context) and return when it fires";
    go_position at = go_file_position(g->file, loop->pos);
    if (g->file == pass->file) {
        lint_report_related(pass, go_stmt->pos, loop->pos, "the loop that never ends",
                            "goroutine never ends: its for loop (line %u) waits in %s and has no way out "
                            "(no return, no break, no done or closed-channel case that leaves); %s",
                            at.line, wait_kind(g->file, waits), fix);
        return;
    }
    const char *path = rulekit_base_name(g->file->path);
    lint_report(pass, go_stmt->pos,
                "goroutine %.*s never ends: its for loop (%s:%u) waits in %s and has no way out "
                "(no return, no break, no done or closed-channel case that leaves); %s",
                (int)g->name.len, g->name.ptr, path, at.line, wait_kind(g->file, waits), fix);
}

static void check_go(rulekit_go_walker *rc, const go_node *go_stmt, const go_node *decl,
                     const rulekit_goroutine *g) {
    lint_pass *pass = rc->pass;
    uint32_t i = 0;
    go_node *loop;
    rulekit_loop lf;
    while ((loop = rulekit_next_blocking_loop(g, pass->pkg, &i, &lf))) {
        if (lf.exit)
            continue;
        if (!rulekit_go_lives_with_program(pass->file, pass->pkg, go_stmt, rc->stack, rc->depth))
            report(rc, go_stmt, decl, g, loop, lf.blocks);
        return; /* nothing after a loop without exit runs */
    }
}

static void check(lint_pass *pass) {
    if (!pass->file->root || rulekit_is_test_file(pass->file))
        return;
    /* fast path: no go statement in the file, or no `go` keyword */
    if (!go_file_kind_count(pass->file, GO_GO_STMT) || !rulekit_may_start_goroutine(pass->file))
        return;
    rulekit_walk_go_stmts(pass, check_go);
}

const lint_rule lint_rule_grt002 = {
    .id = "GRT002",
    .name = "loop-without-exit",
    .summary = "goroutine runs a blocking for loop with no way out: it can never end",
    .severity = LINT_ERROR,
    .requires_import = NULL,
    .check = check,
};
