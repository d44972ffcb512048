/*
 * Tests of the control-flow graph (include/leakscope/gocfg.h).
 *
 * The main test reads tests/go/testdata/cfg/paths.go, where every function
 * annotated `// all-paths: yes|no` asks whether done() is called on every
 * path from the statement marked `// from` to a return; for "no" the path
 * that misses must end on a line marked `// escapes`.  The other tests
 * check the API on inline sources: a plain ExprStmt predicate, defers,
 * exits, custom no-return callbacks, closures, long else-if chains and
 * broken trees.
 */
#include <stdlib.h>
#include <string.h>

#include "parse_helpers.h"
#include "leakscope/gocfg.h"

/* ---- predicates ---------------------------------------------------------- */

static bool is_call_to(const go_node *n, const char *name) {
    return n && n->kind == GO_CALL_EXPR && strcmp(ident_name(n->u.call.fun), name) == 0;
}

typedef struct find_call {
    const char *name;
    bool found;
} find_call;

static bool find_call_pre(void *ctx, go_node *n) {
    find_call *fc = ctx;
    if (fc->found || n->kind == GO_FUNC_LIT)
        return false; /* a closure is another function */
    if (is_call_to(n, fc->name))
        fc->found = true;
    return !fc->found;
}

/* What a rule would use: a call to done() anywhere in the node except inside
 * closures, plus `defer func() { ... done() ... }()`, whose body runs at exit. */
static bool calls_done(void *ctx, const go_node *n) {
    (void)ctx;
    find_call fc = {"done", false};
    const go_node *x = n;
    if (n->kind == GO_DEFER_STMT && n->u.defer_stmt.call && n->u.defer_stmt.call->u.call.fun &&
        n->u.defer_stmt.call->u.call.fun->kind == GO_FUNC_LIT)
        x = n->u.defer_stmt.call->u.call.fun->u.func_lit.body;
    go_walk((go_node *)x, find_call_pre, NULL, &fc);
    return fc.found;
}

/* The simplest predicate a rule could write: the statement `cancel()`. */
static bool stmt_cancel(void *ctx, const go_node *n) {
    (void)ctx;
    return n->kind == GO_EXPR_STMT && is_call_to(n->u.expr_stmt.x, "cancel");
}

/* ---- the annotated cases ------------------------------------------------- */

/* Comments of f inside [from, to), one at a time. */
static const go_node *next_comment(const go_file *f, go_pos from, go_pos to, uint32_t *gi, uint32_t *ci) {
    go_list groups = f->root->u.file.comments;
    for (; *gi < groups.len; (*gi)++, *ci = 0) {
        go_list cs = groups.at[*gi]->u.comment_group.list;
        while (*ci < cs.len) {
            const go_node *c = cs.at[(*ci)++];
            if (c->pos >= from && c->pos < to)
                return c;
        }
    }
    return NULL;
}

static bool comment_is(const go_node *c, const char *text) {
    return c->u.lit.len == strlen(text) && memcmp(c->u.lit.text, text, c->u.lit.len) == 0;
}

static uint32_t line_of(go_file *f, go_pos pos) { return go_file_position(f, pos).line; }

static void test_annotated_cases(void) {
    go_file *f = parse_testdata("cfg/paths.go");
    REQUIRE(f->nerrors == 0);
    ls_arena *arena = ls_arena_new(0);
    int cases = 0, yes = 0;
    go_list decls = f->root->u.file.decls;
    for (uint32_t d = 0; d < decls.len; d++) {
        go_node *fn = decls.at[d];
        if (fn->kind != GO_FUNC_DECL || !fn->u.func_decl.body)
            continue;
        const char *name = ident_name(fn->u.func_decl.name);
        char fname[256];
        snprintf(fname, sizeof fname, "%s", name);
        /* the annotation, the from line and the escape lines; the closing
         * brace's comment follows the function */
        go_pos end = fn->end;
        while (end < f->len && f->src[end] != '\n')
            end++;
        int want = -1;
        uint32_t from_line = 0, escapes[8], nescapes = 0;
        uint32_t gi = 0, ci = 0;
        for (const go_node *c; (c = next_comment(f, fn->pos, end, &gi, &ci));) {
            if (comment_is(c, "// all-paths: yes"))
                want = 1;
            else if (comment_is(c, "// all-paths: no"))
                want = 0;
            else if (comment_is(c, "// from"))
                from_line = line_of(f, c->pos);
            else if (comment_is(c, "// escapes") && nescapes < 8)
                escapes[nescapes++] = line_of(f, c->pos);
        }
        if (want < 0)
            continue;
        cases++;
        yes += want;
        go_cfg *g = go_cfg_build(arena, fn->u.func_decl.body, NULL);
        const go_node *from = NULL;
        for (uint32_t i = 0; i < g->nblocks && !from; i++)
            for (uint32_t j = 0; j < g->blocks[i].nnodes && !from; j++)
                if (line_of(f, g->blocks[i].nodes[j]->pos) == from_line)
                    from = g->blocks[i].nodes[j];
        if (!CHECK_HERE(from != NULL)) {
            fprintf(stderr, "%s: no offered node on the // from line %u\n", fname, from_line);
            continue;
        }
        const go_node *escape = NULL;
        bool got = go_cfg_all_paths(g, from, calls_done, NULL, &escape);
        if (!CHECK_HERE(got == (want == 1))) {
            ls_buf dump = {0};
            go_cfg_dump(g, &dump);
            fprintf(stderr, "%s: all-paths %s, want %s\n%.*s", fname, got ? "yes" : "no",
                    want ? "yes" : "no", (int)dump.len, dump.data);
            ls_buf_free(&dump);
            continue;
        }
        if (got) {
            CHECK(escape == NULL);
            continue;
        }
        REQUIRE(escape != NULL);
        uint32_t at = escape->kind == GO_BLOCK_STMT ? line_of(f, escape->end - 1) : line_of(f, escape->pos);
        bool marked = false;
        for (uint32_t i = 0; i < nescapes; i++)
            marked |= escapes[i] == at;
        if (!CHECK_HERE(marked))
            fprintf(stderr, "%s: escapes at line %u, which is not marked // escapes\n", fname, at);
        CHECK(go_cfg_reaches_exit(g, from));
    }
    CHECK(cases >= 60);
    CHECK(yes >= 25 && cases - yes >= 25);
    printf("annotated cases: %d (%d yes, %d no)\n", cases, yes, cases - yes);
    ls_arena_free(arena);
    go_file_free(f);
}

/* ---- the API on inline sources ------------------------------------------ */

static go_node *first_func(go_file *f) {
    go_list decls = f->root->u.file.decls;
    for (uint32_t i = 0; i < decls.len; i++)
        if (decls.at[i]->kind == GO_FUNC_DECL)
            return decls.at[i];
    return NULL;
}

static const char lost_cancel_src[] =
    "package p\n"
    "func f(parent context.Context) error {\n"
    "\tctx, cancel := context.WithTimeout(parent, time.Second)\n"
    "\tif err := use(ctx); err != nil {\n"
    "\t\treturn err\n"
    "\t}\n"
    "\tcancel()\n"
    "\treturn nil\n"
    "}\n";

/* The lost-cancel question with the simplest predicate. */
static void test_lost_cancel(void) {
    go_file *f = parse_source(lost_cancel_src);
    REQUIRE(f->nerrors == 0);
    go_node *fn = first_func(f);
    ls_arena *arena = ls_arena_new(0);
    go_cfg *g = go_cfg_build(arena, fn->u.func_decl.body, NULL);
    const go_node *escape = NULL;
    CHECK(!go_cfg_all_paths(g, body_stmt(fn, 0), stmt_cancel, NULL, &escape));
    go_node *if_stmt = body_stmt(fn, 1);
    CHECK_NODE(f, escape, GO_RETURN_STMT, "return err");
    CHECK_EQ_PTR(escape, if_stmt->u.if_stmt.body->u.block.list.at[0]);
    /* from the cancel() on, nothing more is needed; from the if's init, still missing */
    CHECK(go_cfg_all_paths(g, body_stmt(fn, 2), stmt_cancel, NULL, &escape) == false);
    CHECK(go_cfg_all_paths(g, if_stmt->u.if_stmt.cond, stmt_cancel, NULL, &escape) == false);
    /* not offered: compound statements */
    CHECK(!go_cfg_find(g, if_stmt, NULL, NULL));
    CHECK(!go_cfg_all_paths(g, if_stmt, stmt_cancel, NULL, &escape));
    CHECK(escape == NULL);
    uint32_t block, index;
    CHECK(go_cfg_find(g, if_stmt->u.if_stmt.init, &block, &index));
    CHECK(go_cfg_find(g, if_stmt->u.if_stmt.cond, &block, &index));
    CHECK_EQ_UINT(index, 2); /* after the := and the if's init */
    ls_arena_free(arena);
    go_file_free(f);
}

static const char switch_src[] =
    "package p\n"
    "func f() {\n"
    "\tctx, cancel := context.WithCancel(bg)\n"
    "\tswitch mode {\n"
    "\tcase 1:\n"
    "\t\tcancel()\n"
    "\t\treturn\n"
    "\tcase 2:\n"
    "\t\tgo run(ctx)\n"
    "\t\tcancel()\n"
    "\tdefault:\n"
    "\t\tcancel()\n"
    "\t}\n"
    "}\n"
    "func g() {\n"
    "\tctx, cancel := context.WithCancel(bg)\n"
    "\tfor {\n"
    "\t\tif ready(ctx) {\n"
    "\t\t\tbreak\n"
    "\t\t}\n"
    "\t}\n"
    "\tcancel()\n"
    "}\n";

static void test_switch_arms_simple_pred(void) {
    go_file *f = parse_source(switch_src);
    REQUIRE(f->nerrors == 0);
    ls_arena *arena = ls_arena_new(0);
    go_node *fn = func_named(f, "f");
    go_cfg *g = go_cfg_build(arena, fn->u.func_decl.body, NULL);
    CHECK(go_cfg_all_paths(g, body_stmt(fn, 0), stmt_cancel, NULL, NULL));
    fn = func_named(f, "g");
    g = go_cfg_build(arena, fn->u.func_decl.body, NULL);
    CHECK(go_cfg_all_paths(g, body_stmt(fn, 0), stmt_cancel, NULL, NULL));
    ls_arena_free(arena);
    go_file_free(f);
}

typedef struct exits {
    const go_node *at[8];
    int n;
} exits;

static void collect_exit(void *ctx, const go_node *exit, uint32_t block) {
    exits *e = ctx;
    (void)block;
    if (e->n < 8)
        e->at[e->n++] = exit;
}

static const char defers_src[] =
    "package p\n"
    "func f() int {\n"
    "\tdefer a()\n"
    "\tif x {\n"
    "\t\tdefer b()\n"
    "\t\treturn 1\n"
    "\t}\n"
    "\tfor {\n"
    "\t\tdefer c()\n"
    "\t}\n"
    "}\n"
    "func spin() {\n"
    "\tfor {\n"
    "\t}\n"
    "}\n"
    "func blocks() {\n"
    "\tselect {}\n"
    "}\n"
    "func end() {\n"
    "\twork()\n"
    "}\n";

static void test_defers_and_exits(void) {
    go_file *f = parse_source(defers_src);
    REQUIRE(f->nerrors == 0);
    ls_arena *arena = ls_arena_new(0);
    go_node *fn = func_named(f, "f");
    go_cfg *g = go_cfg_build(arena, fn->u.func_decl.body, NULL);
    REQUIRE(g->ndefers == 3);
    CHECK_NODE(f, g->defers[0].stmt, GO_DEFER_STMT, "defer a()");
    CHECK_NODE(f, g->defers[1].stmt, GO_DEFER_STMT, "defer b()");
    CHECK_NODE(f, g->defers[2].stmt, GO_DEFER_STMT, "defer c()");
    CHECK_EQ_UINT(g->defers[0].block, 0);
    CHECK(g->defers[1].block != g->defers[0].block && g->defers[2].block != g->defers[1].block);
    exits e = {{0}, 0};
    go_cfg_for_each_exit(g, collect_exit, &e);
    REQUIRE(e.n == 1); /* the for {} never ends: no fall off the end */
    CHECK_NODE(f, e.at[0], GO_RETURN_STMT, "return 1");
    CHECK(go_cfg_reaches_exit(g, NULL));
    CHECK(!go_cfg_reaches_exit(g, g->defers[2].stmt));

    fn = func_named(f, "spin");
    g = go_cfg_build(arena, fn->u.func_decl.body, NULL);
    CHECK(!go_cfg_reaches_exit(g, NULL));
    CHECK(go_cfg_all_paths(g, NULL, stmt_cancel, NULL, NULL));
    fn = func_named(f, "blocks");
    g = go_cfg_build(arena, fn->u.func_decl.body, NULL);
    CHECK(!go_cfg_reaches_exit(g, NULL));
    fn = func_named(f, "end");
    g = go_cfg_build(arena, fn->u.func_decl.body, NULL);
    const go_node *escape = NULL;
    CHECK(!go_cfg_all_paths(g, NULL, stmt_cancel, NULL, &escape));
    CHECK_EQ_PTR(escape, fn->u.func_decl.body); /* off the end: the closing brace */
    e.n = 0;
    go_cfg_for_each_exit(g, collect_exit, &e);
    CHECK_EQ_INT(e.n, 1);
    /* an empty graph */
    g = go_cfg_build(arena, NULL, NULL);
    CHECK_EQ_UINT(g->nblocks, 1);
    CHECK(go_cfg_reaches_exit(g, NULL));
    ls_arena_free(arena);
    go_file_free(f);
}

static const char no_return_src[] =
    "package p\n"
    "func f() {\n"
    "\tpanic(1)\n"
    "\t(panic)(1)\n"
    "\tos.Exit(1)\n"
    "\tsyscall.Exit(1)\n"
    "\truntime.Goexit()\n"
    "\tlog.Fatal(1)\n"
    "\tlog.Fatalf(\"\")\n"
    "\tlog.Fatalln(1)\n"
    "\tlog.Panic(1)\n"
    "\tlog.Panicf(\"\")\n"
    "\tlog.Panicln(1)\n"
    "\tt.Fatal(1)\n"
    "\ts.t.Fatalf(\"\")\n"
    "\tb.FailNow()\n"
    "\tt.Skip()\n"
    "\tt.Skipf(\"\")\n"
    "\tt.SkipNow()\n"
    "\tlogger.Fatal(1)\n"
    /* the rest return */
    "\tlog.Printf(\"\")\n"
    "\tlogger.Panic(1)\n"
    "\tos.Getenv(\"\")\n"
    "\tExit(1)\n"
    "\tpanics(1)\n"
    "\tt.Error(1)\n"
    "\tx.os.Exit(1)\n"
    "\tmustFail()\n"
    "}\n";

static bool must_fail(void *ctx, const go_node *call) {
    int *calls = ctx;
    (*calls)++;
    return strcmp(ident_name(call->u.call.fun), "mustFail") == 0;
}

static void test_no_return(void) {
    go_file *f = parse_source(no_return_src);
    REQUIRE(f->nerrors == 0);
    go_node *fn = first_func(f);
    go_list stmts = fn->u.func_decl.body->u.block.list;
    REQUIRE(stmts.len == 26);
    for (uint32_t i = 0; i < stmts.len; i++) {
        bool want = i < 18;
        bool got = go_cfg_default_no_return(NULL, stmts.at[i]->u.expr_stmt.x);
        if (!CHECK_HERE(got == want)) {
            go_position p = go_file_position(f, stmts.at[i]->pos);
            fprintf(stderr, "line %u: no-return %d, want %d\n", p.line, got, want);
        }
    }
    /* each no-return call ends its block: all but the last call are unreachable */
    ls_arena *arena = ls_arena_new(0);
    go_cfg *g = go_cfg_build(arena, fn->u.func_decl.body, NULL);
    CHECK(!go_cfg_reaches_exit(g, NULL));
    CHECK(go_cfg_reaches_exit(g, stmts.at[18]));
    uint32_t block;
    CHECK(go_cfg_find(g, stmts.at[0], &block, NULL));
    CHECK_EQ_UINT(g->blocks[block].term, GO_CFG_TERM_NO_RETURN);
    CHECK_EQ_UINT(g->blocks[block].nsuccs, 0);
    /* a custom callback replaces the default */
    int calls = 0;
    go_cfg_options opts = {must_fail, &calls};
    g = go_cfg_build(arena, fn->u.func_decl.body, &opts);
    CHECK_EQ_INT(calls, 26);
    CHECK(go_cfg_reaches_exit(g, NULL) == false); /* mustFail() ends the function */
    CHECK(!go_cfg_reaches_exit(g, stmts.at[18]));
    CHECK(go_cfg_find(g, stmts.at[0], &block, NULL));
    CHECK_EQ_UINT(g->blocks[block].nnodes, 26); /* one block, ended by mustFail() */
    ls_arena_free(arena);
    go_file_free(f);
}

static const char closure_src[] =
    "package p\n"
    "func f() {\n"
    "\tctx, cancel := context.WithCancel(bg)\n"
    "\tg := func() error {\n"
    "\t\tif bad {\n"
    "\t\t\treturn nil\n"
    "\t\t}\n"
    "\t\tcancel()\n"
    "\t\treturn nil\n"
    "\t}\n"
    "\tg()\n"
    "\tcancel()\n"
    "}\n";

static void test_closures(void) {
    go_file *f = parse_source(closure_src);
    REQUIRE(f->nerrors == 0);
    go_node *fn = first_func(f);
    ls_arena *arena = ls_arena_new(0);
    go_cfg *outer = go_cfg_build(arena, fn->u.func_decl.body, NULL);
    go_node *lit = body_stmt(fn, 1)->u.assign.rhs.at[0];
    REQUIRE(lit->kind == GO_FUNC_LIT);
    go_node *inner_return = lit->u.func_lit.body->u.block.list.at[0]->u.if_stmt.body->u.block.list.at[0];
    CHECK(!go_cfg_find(outer, inner_return, NULL, NULL));
    exits e = {{0}, 0};
    go_cfg_for_each_exit(outer, collect_exit, &e);
    REQUIRE(e.n == 1);
    CHECK_EQ_PTR(e.at[0], fn->u.func_decl.body);
    CHECK(go_cfg_all_paths(outer, body_stmt(fn, 0), stmt_cancel, NULL, NULL));
    /* the closure has a graph of its own, where the early return misses */
    go_cfg *inner = go_cfg_build(arena, lit->u.func_lit.body, NULL);
    const go_node *escape = NULL;
    CHECK(!go_cfg_all_paths(inner, NULL, stmt_cancel, NULL, &escape));
    CHECK_EQ_PTR(escape, inner_return);
    e.n = 0;
    go_cfg_for_each_exit(inner, collect_exit, &e);
    CHECK_EQ_INT(e.n, 2);
    ls_arena_free(arena);
    go_file_free(f);
}

/* A 20,000-link else-if chain and a 20,000-statement body build without
 * deep recursion, and a query over them is linear. */
static void test_long_chains(void) {
    ls_buf src = {0};
    ls_buf_puts(&src, "package p\nfunc f() {\n\tctx, cancel := context.WithCancel(bg)\n\tif c0 {\n\t\tcancel()\n");
    for (int i = 1; i < 20000; i++)
        ls_buf_printf(&src, "\t} else if c%d {\n\t\tcancel()\n", i);
    ls_buf_puts(&src, "\t} else {\n\t\treturn\n\t}\n");
    for (int i = 0; i < 20000; i++)
        ls_buf_puts(&src, "\twork()\n");
    ls_buf_puts(&src, "}\n");
    go_parse_options popts = {100000};
    go_file *f = go_parse("chain.go", src.data, src.len, &popts, NULL);
    REQUIRE(f->nerrors == 0);
    go_node *fn = first_func(f);
    ls_arena *arena = ls_arena_new(0);
    go_cfg *g = go_cfg_build(arena, fn->u.func_decl.body, NULL);
    const go_node *escape = NULL;
    CHECK(!go_cfg_all_paths(g, body_stmt(fn, 0), stmt_cancel, NULL, &escape));
    CHECK(escape && escape->kind == GO_RETURN_STMT);
    CHECK(g->nblocks > 40000);
    ls_arena_free(arena);
    go_file_free(f);
    ls_buf_free(&src);
}

static const char broken_src[] =
    "package p\n"
    "func f() {\n"
    "\tif {\n"
    "\tfor x := range {\n"
    "\t\tbreak nowhere\n"
    "\t\tcontinue\n"
    "\t}\n"
    "\tgoto missing\n"
    "\tswitch x.(type) { case : }\n"
    "\tfallthrough\n"
    "\tselect { case <-: }\n"
    "}\n"
    "func g() {\n"
    "L:\n"
    "L:\n"
    "\tfor {\n"
    "\t\tbreak L\n"
    "\t}\n"
    "}\n";

static void test_broken_trees(void) {
    go_file *f = parse_source(broken_src);
    CHECK(f->nerrors > 0);
    ls_arena *arena = ls_arena_new(0);
    go_list decls = f->root->u.file.decls;
    for (uint32_t i = 0; i < decls.len; i++) {
        go_node *fn = decls.at[i];
        if (fn->kind != GO_FUNC_DECL)
            continue;
        go_cfg *g = go_cfg_build(arena, fn->u.func_decl.body, NULL);
        CHECK(g->nblocks >= 1);
        go_cfg_reaches_exit(g, NULL);
        ls_buf out = {0};
        go_cfg_dump(g, &out);
        CHECK(out.len > 0);
        ls_buf_free(&out);
    }
    ls_arena_free(arena);
    go_file_free(f);
}

static void test_dump(void) {
    go_file *f = parse_source("package p\nfunc f() {\n\tif x {\n\t\treturn\n\t}\n\ty()\n}\n");
    REQUIRE(f->nerrors == 0);
    ls_arena *arena = ls_arena_new(0);
    go_cfg *g = go_cfg_build(arena, first_func(f)->u.func_decl.body, NULL);
    ls_buf out = {0};
    go_cfg_dump(g, &out);
    ls_buf_putc(&out, '\0');
    CHECK_EQ_STR(out.data, "b0 [Ident@25] -> b2 b1\n"
                           "b1 [ExprStmt@42] falloff ->\n"
                           "b2 [ReturnStmt@31] return ->\n"
                           "b3 [] ->\n");
    ls_buf_free(&out);
    ls_arena_free(arena);
    go_file_free(f);
}

/* ---- the worked examples of docs/cfg.md ---------------------------------- */

/* The predicate of docs/cfg.md: `cancel()` or `defer cancel()`. */
static bool calls_cancel(void *ctx, const go_node *n) {
    const ls_atom *cancel = ctx;
    const go_node *call = n->kind == GO_EXPR_STMT    ? n->u.expr_stmt.x
                          : n->kind == GO_DEFER_STMT ? n->u.defer_stmt.call
                                                     : NULL;
    return call && call->kind == GO_CALL_EXPR && call->u.call.fun->kind == GO_IDENT &&
           call->u.call.fun->u.ident.name == cancel;
}

static const struct doc_example {
    const char *name, *body;
    bool want;
    const char *escape; /* the source text of the escape; "}" for the closing brace */
} doc_examples[] = {
    {"early return",
     "\tctx, cancel := context.WithTimeout(parent, time.Second)\n"
     "\tif err := check(ctx); err != nil {\n\t\treturn err\n\t}\n\tcancel()\n\treturn nil\n",
     false, "return err"},
    {"defer cancel",
     "\tctx, cancel := context.WithTimeout(parent, time.Second)\n\tdefer cancel()\n"
     "\tif err := check(ctx); err != nil {\n\t\treturn err\n\t}\n\treturn nil\n",
     true, NULL},
    {"defer after the if",
     "\tctx, cancel := context.WithTimeout(parent, time.Second)\n"
     "\tif err := check(ctx); err != nil {\n\t\treturn err\n\t}\n\tdefer cancel()\n\treturn nil\n",
     false, "return err"},
    {"every switch arm",
     "\tctx, cancel := context.WithCancel(parent)\n\tswitch mode {\n\tcase 1:\n\t\tcancel()\n\t\treturn\n"
     "\tcase 2:\n\t\tgo run(ctx)\n\t\tcancel()\n\tdefault:\n\t\tcancel()\n\t}\n",
     true, NULL},
    {"switch without default",
     "\tctx, cancel := context.WithCancel(parent)\n\tswitch mode {\n\tcase 1:\n\t\tcancel()\n\t\treturn\n"
     "\tcase 2:\n\t\tgo run(ctx)\n\t\tcancel()\n\t}\n",
     false, "}"},
    {"loop with break",
     "\tctx, cancel := context.WithCancel(parent)\n\tfor {\n\t\tif ready(ctx) {\n\t\t\tbreak\n\t\t}\n\t}\n\tcancel()\n",
     true, NULL},
    {"loop with return",
     "\tctx, cancel := context.WithCancel(parent)\n\tfor {\n\t\tif ready(ctx) {\n\t\t\treturn\n\t\t}\n\t}\n\tcancel()\n",
     false, "return"},
    {"endless loop",
     "\tctx, cancel := context.WithCancel(parent)\n\tfor {\n\t\tif ready(ctx) {\n\t\t}\n\t}\n\tcancel()\n",
     true, NULL},
    {"goto",
     "\tctx, cancel := context.WithCancel(parent)\n\tif err := step(ctx); err != nil {\n\t\tgoto fail\n\t}\n"
     "\tcancel()\n\treturn nil\nfail:\n\tcancel()\n\treturn err\n",
     true, NULL},
};

static void test_doc_examples(void) {
    for (size_t i = 0; i < sizeof doc_examples / sizeof *doc_examples; i++) {
        const struct doc_example *ex = &doc_examples[i];
        char src[1024];
        snprintf(src, sizeof src, "package p\nfunc f(parent context.Context) error {\n%s}\n", ex->body);
        go_file *f = parse_source(src);
        if (!CHECK_HERE(f->nerrors == 0)) {
            fprintf(stderr, "%s: syntax error\n", ex->name);
            go_file_free(f);
            continue;
        }
        go_node *fn = first_func(f);
        ls_arena *arena = ls_arena_new(0);
        go_cfg *g = go_cfg_build(arena, fn->u.func_decl.body, NULL);
        const go_node *escape = NULL;
        bool got = go_cfg_all_paths(g, body_stmt(fn, 0), calls_cancel, (void *)go_file_atom(f, "cancel"), &escape);
        if (!CHECK_HERE(got == ex->want))
            fprintf(stderr, "%s: got %d\n", ex->name, got);
        if (!got && ex->escape) {
            if (strcmp(ex->escape, "}") == 0)
                CHECK_EQ_PTR(escape, fn->u.func_decl.body);
            else
                CHECK_NODE(f, escape, GO_RETURN_STMT, ex->escape);
        }
        ls_arena_free(arena);
        go_file_free(f);
    }
}

int main(void) {
    test_annotated_cases();
    test_lost_cancel();
    test_switch_arms_simple_pred();
    test_defers_and_exits();
    test_no_return();
    test_closures();
    test_long_chains();
    test_broken_trees();
    test_dump();
    test_doc_examples();
    return check_finish();
}
