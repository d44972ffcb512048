/*
 * Tests of the channel facts (include/leakscope/gochan.h) on the package
 * in tests/go/testdata/chan.  Each function there shows one thing; the
 * facts of a function are rendered as one line per channel,
 *
 *     done cap=0 send@1 recv@0+sel(done) esc=-
 *
 * (name, capacity, each operation with the goroutine that does it — 0 the
 * function, k its k-th go statement — and its flags, then the escapes),
 * and compared with what a reader of the Go source expects.
 */
#include <stdlib.h>
#include <string.h>

#include "parse_helpers.h"
#include "leakscope/gochan.h"
#include "leakscope/goscope.h"

static const char *const op_names[] = {"send", "recv", "recvok", "range", "close"};

static void render_op(ls_buf *b, const go_chan_op *op) {
    ls_buf_printf(b, " %s@%u", op_names[op->kind], op->goroutine);
    if (op->flags & GO_CHAN_OP_IN_LOOP)
        ls_buf_puts(b, "+loop");
    if (op->flags & GO_CHAN_OP_IN_CLOSURE)
        ls_buf_puts(b, "+closure");
    if (op->flags & GO_CHAN_OP_IN_SELECT) {
        ls_buf_puts(b, "+sel(");
        const char *sep = "";
        static const char *const ways[] = {"default", "done", "timer", "other"};
        for (int i = 0; i < 4; i++)
            if (op->select_ways & (1 << i)) {
                ls_buf_printf(b, "%s%s", sep, ways[i]);
                sep = ",";
            }
        ls_buf_puts(b, ")");
    }
}

static void render_chan(ls_buf *b, const go_chan *c) {
    ls_buf_printf(b, "%.*s cap=", (int)c->decl->u.ident.name->len, c->decl->u.ident.name->ptr);
    if (c->cap_kind == GO_CHAN_CAP_CONST)
        ls_buf_printf(b, "%lld", (long long)c->cap);
    else
        ls_buf_puts(b, c->cap_kind == GO_CHAN_CAP_EXPR ? "expr" : "unknown");
    for (uint32_t i = 0; i < c->nops; i++)
        render_op(b, &c->ops[i]);
    static const char *const esc[] = {"return", "store", "call", "send", "addr", "reassign", "other"};
    ls_buf_puts(b, " esc=");
    const char *sep = "";
    for (int i = 0; i < 7; i++)
        if (c->escapes & (1u << i)) {
            ls_buf_printf(b, "%s%s", sep, esc[i]);
            sep = ",";
        }
    if (!c->escapes)
        ls_buf_puts(b, "-");
    ls_buf_puts(b, "\n");
}

static go_file *files[2];
static go_package *pkg;
static ls_arena *arena;

/* The rendered facts of the function name of files[0] ("" when NULL). */
static ls_buf b;

static char *facts_of(const char *name) {
    b.len = 0;
    go_node *fn = func_named(files[0], name);
    go_chan_facts *cf = fn ? go_chan_facts_of(arena, files[0], pkg, fn) : NULL;
    for (uint32_t i = 0; cf && i < cf->nchans; i++)
        render_chan(&b, &cf->chans[i]);
    ls_buf_putc(&b, 0);
    return b.data;
}

#define CHECK_FACTS(name, want) CHECK_EQ_STR(facts_of(name), want)

static void test_select_with_done(void) {
    CHECK_FACTS("selectWithDone", "done cap=0 send@1 recv@0+sel(done) esc=-\n");
    go_chan_facts *cf = go_chan_facts_of(arena, files[0], pkg, func_named(files[0], "selectWithDone"));
    if (CHECK_HERE(cf && cf->ngoroutines == 1)) {
        CHECK_EQ_UINT(cf->goroutines[0].parent, 0);
        CHECK(!cf->goroutines[0].in_loop);
        CHECK_EQ_INT(cf->goroutines[0].func->kind, GO_FUNC_LIT);
        CHECK_EQ_PTR(go_chan_find(cf, cf->chans[0].decl), &cf->chans[0]);
        CHECK_NODE(files[0], cf->chans[0].make, GO_CALL_EXPR, "make(chan result)");
        CHECK_NODE(files[0], cf->chans[0].ops[0].node, GO_SEND_STMT, "done <- result{1}");
        CHECK_NODE(files[0], cf->chans[0].ops[1].select_stmt->u.select_stmt.body->u.block.list.at[0]
                                 ->u.comm_clause.comm,
                   GO_ASSIGN_STMT, "r := <-done");
    }
}

static void test_capacities(void) {
    CHECK_FACTS("capacities", "a cap=1 send@1 esc=-\n"
                              "b cap=4 send@1 esc=-\n"
                              "c cap=expr send@1 esc=-\n"
                              "d cap=unknown send@1 esc=-\n"
                              "e cap=16 send@1 esc=-\n");
}

static void test_named_callees(void) {
    CHECK_FACTS("named", "jobs cap=0 send@0+loop close@0 range@1 esc=-\n"
                         "results cap=1 send@1+loop recvok@2+loop esc=-\n");
    go_chan_facts *cf = go_chan_facts_of(arena, files[0], pkg, func_named(files[0], "named"));
    if (CHECK_HERE(cf && cf->ngoroutines == 2)) {
        CHECK_EQ_PTR(cf->goroutines[0].file, files[1]);
        CHECK_EQ_STR(ident_name(cf->goroutines[1].func->u.func_decl.name), "drain");
    }
}

static void test_escapes(void) {
    CHECK_FACTS("escapes", "r cap=0 esc=return\n"
                           "s cap=0 esc=store\n"
                           "c cap=0 esc=call\n"
                           "n cap=0 esc=send\n"
                           "a cap=0 esc=addr\n"
                           "x cap=0 esc=reassign\n");
}

static void test_kinds(void) {
    CHECK_FACTS("kinds", "ch cap=0 send@1+loop close@1 recvok@0 range@0 recv@0+sel(default,timer) "
                         "recv@0+closure recv@0 recv@0 esc=-\n");
}

static void test_argument(void) {
    /* global is not a local variable; go run(u) hands u to code we cannot see */
    CHECK_FACTS("argument", "ch cap=0 send@1 recv@0 esc=-\n"
                            "u cap=0 esc=call\n");
}

static void test_nothing_and_nested(void) {
    CHECK_FACTS("nothing", "");
    CHECK_FACTS("nested", "");
    /* the literal that makes inner has the facts */
    go_node *outer = func_named(files[0], "nested");
    go_node *lit = body_stmt(outer, 0)->u.go_stmt.call->u.call.fun;
    go_chan_facts *cf = go_chan_facts_of(arena, files[0], pkg, lit);
    if (CHECK_HERE(cf && cf->nchans == 1 && cf->chans[0].nops == 2)) {
        CHECK_EQ_UINT(cf->chans[0].ops[0].goroutine, 1);
        CHECK_EQ_UINT(cf->chans[0].ops[1].goroutine, 0);
    }
}

static void test_text_precheck(void) {
    CHECK(go_chan_text_may_have("x := make(chan int)\n\tgo f()", 28));
    CHECK(!go_chan_text_may_have("x := make(chan int)\n\tf()", 24));
    CHECK(!go_chan_text_may_have("\tgo f()", 7));
    CHECK(!go_chan_text_may_have("make(chan int); ago ", 20));
}

/* A broken tree and a nil function give no facts and no crash. */
static void test_broken(void) {
    go_file *f = parse_source("package p\nfunc f() { ch := make(chan int; go func() { ch <- }()\n");
    go_resolve(f);
    go_list ds = f->root->u.file.decls;
    for (uint32_t i = 0; i < ds.len; i++)
        if (ds.at[i]->kind == GO_FUNC_DECL)
            (void)go_chan_facts_of(arena, f, NULL, ds.at[i]);
    CHECK(!go_chan_facts_of(arena, f, NULL, NULL));
    go_file_free(f);
}

int main(void) {
    files[0] = parse_testdata("chan/a.go");
    files[1] = parse_testdata("chan/b.go");
    for (int i = 0; i < 2; i++)
        go_resolve(files[i]);
    pkg = go_package_new(files, 2);
    arena = ls_arena_new(0);
    test_select_with_done();
    test_capacities();
    test_named_callees();
    test_escapes();
    test_kinds();
    test_argument();
    test_nothing_and_nested();
    test_text_precheck();
    test_broken();
    ls_buf_free(&b);
    ls_arena_free(arena);
    go_package_free(pkg);
    for (int i = 0; i < 2; i++)
        go_file_free(files[i]);
    return check_finish();
}
