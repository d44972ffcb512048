/*
 * Tests of the Go parser's trees on the well-formed files in
 * tests/go/testdata: generics, composite literals in statement headers,
 * labels and branches, method expressions and struct tags, type switches,
 * select, go and defer.  Each check names a node's kind and the exact
 * source text go/ast says it spans (its Pos() to End()), so the file and
 * the test can be read side by side.  (go/parser agrees with every span
 * checked here: the testdata's dumps are identical on both sides.)
 *
 * Then the API around the tree: go_file_position, go_file_atom, the
 * file's import list, go_walk, go_file_kind_count, go_node_children,
 * go_parse_path's errors.
 */
#include <errno.h>

#include "parse_helpers.h"

/* The i-th spec of the i-th declaration: decls[d].specs[s]. */
static go_node *spec(const go_file *f, uint32_t d, uint32_t s) {
    go_node *decl = nth(f->root->u.file.decls, d);
    return decl && decl->kind == GO_GEN_DECL ? nth(decl->u.gen_decl.specs, s) : NULL;
}

/* The first value of a ValueSpec. */
static go_node *value0(const go_node *value_spec) {
    return value_spec ? nth(value_spec->u.value_spec.values, 0) : NULL;
}

static void test_generic_declarations(void) {
    go_file *f = parse_testdata("generics.go");
    CHECK_EQ_UINT(f->nerrors, 0);
    REQUIRE(f->root->u.file.decls.len == 5);

    /* type Number interface { ~int | ~int64 | ~float64 } */
    go_node *number = spec(f, 0, 0);
    REQUIRE(number && number->kind == GO_TYPE_SPEC);
    go_node *iface = number->u.type_spec.type;
    CHECK_NODE(f, iface, GO_INTERFACE_TYPE, "interface {\n\t~int | ~int64 | ~float64\n}");
    REQUIRE(iface && iface->u.interface_type.methods);
    go_node *elem = nth(iface->u.interface_type.methods->u.field_list.list, 0);
    REQUIRE(elem);
    CHECK_EQ_UINT(elem->u.field.names.len, 0);
    go_node *u = elem->u.field.type;
    CHECK_NODE(f, u, GO_BINARY_EXPR, "~int | ~int64 | ~float64");
    REQUIRE(u);
    CHECK_EQ_INT(u->op, GO_TOK_OR);
    CHECK_NODE(f, u->u.binary.x, GO_BINARY_EXPR, "~int | ~int64"); /* | is left-associative */
    CHECK_NODE(f, u->u.binary.y, GO_UNARY_EXPR, "~float64");
    CHECK_EQ_INT(u->u.binary.y->op, GO_TOK_TILDE);

    /* func F[T any, P ~int | ~string](t T, p P) {} */
    go_node *fn = func_named(f, "F");
    REQUIRE(fn);
    go_node *type = fn->u.func_decl.type;
    CHECK_NODE(f, type, GO_FUNC_TYPE, "func F[T any, P ~int | ~string](t T, p P)");
    go_node *tparams = type->u.func_type.type_params;
    CHECK_NODE(f, tparams, GO_FIELD_LIST, "[T any, P ~int | ~string]");
    REQUIRE(tparams && tparams->u.field_list.list.len == 2);
    go_node *t = tparams->u.field_list.list.at[0], *p = tparams->u.field_list.list.at[1];
    CHECK_NODE(f, t, GO_FIELD, "T any");
    CHECK_IDENT(f, nth(t->u.field.names, 0), "T");
    CHECK_IDENT(f, t->u.field.type, "any");
    CHECK_NODE(f, p, GO_FIELD, "P ~int | ~string");
    CHECK_IDENT(f, nth(p->u.field.names, 0), "P");
    go_node *constraint = p->u.field.type;
    CHECK_NODE(f, constraint, GO_BINARY_EXPR, "~int | ~string");
    REQUIRE(constraint);
    CHECK_NODE(f, constraint->u.binary.x, GO_UNARY_EXPR, "~int");
    CHECK_IDENT(f, constraint->u.binary.x->u.unary.x, "int");
    CHECK_NODE(f, constraint->u.binary.y, GO_UNARY_EXPR, "~string");
    CHECK_NODE(f, type->u.func_type.params, GO_FIELD_LIST, "(t T, p P)");
    CHECK(type->u.func_type.results == NULL);

    /* func Map[K comparable, V any](m map[K]V, f func(V) V) map[K]V */
    fn = func_named(f, "Map");
    REQUIRE(fn);
    CHECK_NODE(f, fn->u.func_decl.type->u.func_type.type_params, GO_FIELD_LIST, "[K comparable, V any]");
    /* an unparenthesised result list spans just its type */
    CHECK_NODE(f, fn->u.func_decl.type->u.func_type.results, GO_FIELD_LIST, "map[K]V");

    /* type Pair[K comparable, V any] struct { ... } */
    go_node *pair = spec(f, 3, 0);
    REQUIRE(pair && pair->kind == GO_TYPE_SPEC);
    CHECK_NODE(f, pair->u.type_spec.type_params, GO_FIELD_LIST, "[K comparable, V any]");
    CHECK_NODE(f, pair->u.type_spec.type, GO_STRUCT_TYPE, "struct {\n\tKey K\n\tVal V\n}");
    CHECK(!(pair->flags & GO_FLAG_ALIAS));
    go_file_free(f);
}

static void test_instantiations(void) {
    go_file *f = parse_testdata("generics.go");
    /* f1 = F[int]: one index is an IndexExpr */
    go_node *f1 = value0(spec(f, 4, 0));
    CHECK_NODE(f, f1, GO_INDEX_EXPR, "F[int]");
    REQUIRE(f1);
    CHECK_IDENT(f, f1->u.index.x, "F");
    CHECK_IDENT(f, f1->u.index.index, "int");
    CHECK_EQ_UINT(f1->u.index.lbrack, f1->pos + 1);

    /* f2 = F[int, string]: several are an IndexListExpr */
    go_node *f2 = value0(spec(f, 4, 1));
    CHECK_NODE(f, f2, GO_INDEX_LIST_EXPR, "F[int, string]");
    REQUIRE(f2);
    CHECK_IDENT(f, f2->u.index_list.x, "F");
    CHECK_EQ_UINT(f2->u.index_list.indices.len, 2);
    CHECK_IDENT(f, nth(f2->u.index_list.indices, 0), "int");
    CHECK_IDENT(f, nth(f2->u.index_list.indices, 1), "string");

    /* m = Map[K, V] */
    go_node *m = value0(spec(f, 4, 2));
    CHECK_NODE(f, m, GO_INDEX_LIST_EXPR, "Map[K, V]");
    REQUIRE(m);
    CHECK_IDENT(f, m->u.index_list.x, "Map");
    CHECK_IDENT(f, nth(m->u.index_list.indices, 0), "K");
    CHECK_IDENT(f, nth(m->u.index_list.indices, 1), "V");
    CHECK_EQ_UINT(m->u.index_list.lbrack, m->pos + 3);

    /* p Pair[string, int]: an instantiated type */
    go_node *p = spec(f, 4, 3);
    REQUIRE(p);
    CHECK_NODE(f, p->u.value_spec.type, GO_INDEX_LIST_EXPR, "Pair[string, int]");
    CHECK_EQ_UINT(p->u.value_spec.values.len, 0);
    go_file_free(f);
}

static void test_composite_literals_in_headers(void) {
    go_file *f = parse_testdata("headers.go");
    CHECK_EQ_UINT(f->nerrors, 0);
    go_node *fn = func_named(f, "f");
    REQUIRE(fn);

    /* if x == (T{}) {} */
    go_node *s = body_stmt(fn, 0);
    CHECK_NODE(f, s, GO_IF_STMT, "if x == (T{}) {\n\t}");
    REQUIRE(s);
    CHECK(s->u.if_stmt.init == NULL && s->u.if_stmt.else_ == NULL);
    go_node *cond = s->u.if_stmt.cond;
    CHECK_NODE(f, cond, GO_BINARY_EXPR, "x == (T{})");
    REQUIRE(cond);
    CHECK_EQ_INT(cond->op, GO_TOK_EQL);
    CHECK_NODE(f, cond->u.binary.y, GO_PAREN_EXPR, "(T{})");
    go_node *lit = cond->u.binary.y->u.paren.x;
    CHECK_NODE(f, lit, GO_COMPOSITE_LIT, "T{}");
    CHECK_EQ_UINT(lit->u.composite.elts.len, 0);
    CHECK_EQ_UINT(lit->u.composite.lbrace, lit->pos + 1);
    CHECK_NODE(f, s->u.if_stmt.body, GO_BLOCK_STMT, "{\n\t}");

    /* for _, v := range []int{1, 2} { _ = v } */
    s = body_stmt(fn, 1);
    CHECK_NODE(f, s, GO_RANGE_STMT, "for _, v := range []int{1, 2} {\n\t\t_ = v\n\t}");
    REQUIRE(s);
    CHECK_EQ_INT(s->op, GO_TOK_DEFINE);
    CHECK_IDENT(f, s->u.range_stmt.key, "_");
    CHECK_IDENT(f, s->u.range_stmt.value, "v");
    CHECK_EQ_MEM(f->src + s->u.range_stmt.tok_pos, 2, ":=");
    CHECK_EQ_MEM(f->src + s->u.range_stmt.range, 5, "range");
    go_node *x = s->u.range_stmt.x;
    CHECK_NODE(f, x, GO_COMPOSITE_LIT, "[]int{1, 2}");
    REQUIRE(x);
    CHECK_NODE(f, x->u.composite.type, GO_ARRAY_TYPE, "[]int");
    CHECK(x->u.composite.type->u.array.len == NULL); /* a slice type */
    CHECK_EQ_UINT(x->u.composite.elts.len, 2);
    CHECK_NODE(f, nth(x->u.composite.elts, 0), GO_BASIC_LIT, "1");
    CHECK_EQ_INT(nth(x->u.composite.elts, 0)->op, GO_TOK_INT);
    CHECK_NODE(f, nth(x->u.composite.elts, 1), GO_BASIC_LIT, "2");
    CHECK_NODE(f, s->u.range_stmt.body, GO_BLOCK_STMT, "{\n\t\t_ = v\n\t}");

    /* switch y := (T{a: 1}); y {} */
    s = body_stmt(fn, 2);
    CHECK_NODE(f, s, GO_SWITCH_STMT, "switch y := (T{a: 1}); y {\n\t}");
    REQUIRE(s);
    go_node *init = s->u.switch_stmt.init;
    CHECK_NODE(f, init, GO_ASSIGN_STMT, "y := (T{a: 1})");
    REQUIRE(init);
    go_node *paren = nth(init->u.assign.rhs, 0);
    CHECK_NODE(f, paren, GO_PAREN_EXPR, "(T{a: 1})");
    REQUIRE(paren);
    lit = paren->u.paren.x;
    CHECK_NODE(f, lit, GO_COMPOSITE_LIT, "T{a: 1}");
    CHECK_NODE(f, nth(lit->u.composite.elts, 0), GO_KEY_VALUE_EXPR, "a: 1");
    CHECK_IDENT(f, s->u.switch_stmt.tag, "y");

    /* for i := range ch {} */
    s = body_stmt(fn, 3);
    REQUIRE(s && s->kind == GO_RANGE_STMT);
    CHECK_IDENT(f, s->u.range_stmt.key, "i");
    CHECK(s->u.range_stmt.value == NULL);
    CHECK_IDENT(f, s->u.range_stmt.x, "ch");

    /* for range ch {}: no key, no value, no token */
    s = body_stmt(fn, 4);
    CHECK_NODE(f, s, GO_RANGE_STMT, "for range ch {\n\t}");
    REQUIRE(s);
    CHECK(s->u.range_stmt.key == NULL && s->u.range_stmt.value == NULL);
    CHECK_EQ_INT(s->op, GO_TOK_ILLEGAL);
    CHECK_EQ_UINT(s->u.range_stmt.tok_pos, GO_NOPOS);
    CHECK_EQ_MEM(f->src + s->u.range_stmt.range, 5, "range");
    CHECK_IDENT(f, s->u.range_stmt.x, "ch");
    go_file_free(f);
}

static void test_labels_and_branches(void) {
    go_file *f = parse_testdata("labels.go");
    CHECK_EQ_UINT(f->nerrors, 0);
    go_node *fn = func_named(f, "f");
    REQUIRE(fn);

    /* outer: for i := 0; i < 10; i++ { ... } */
    go_node *outer = body_stmt(fn, 0);
    REQUIRE(outer && outer->kind == GO_LABELED_STMT);
    CHECK_IDENT(f, outer->u.labeled.label, "outer");
    go_node *loop = outer->u.labeled.stmt;
    REQUIRE(loop && loop->kind == GO_FOR_STMT);
    CHECK_EQ_UINT(outer->end, loop->end);
    CHECK_NODE(f, loop->u.for_stmt.init, GO_ASSIGN_STMT, "i := 0");
    CHECK_NODE(f, loop->u.for_stmt.cond, GO_BINARY_EXPR, "i < 10");
    CHECK_NODE(f, loop->u.for_stmt.post, GO_INC_DEC_STMT, "i++");
    CHECK_EQ_INT(loop->u.for_stmt.post->op, GO_TOK_INC);

    go_node *inner = nth(loop->u.for_stmt.body->u.block.list, 0);
    REQUIRE(inner && inner->kind == GO_FOR_STMT);
    go_node *if1 = nth(inner->u.for_stmt.body->u.block.list, 0);
    go_node *if2 = nth(inner->u.for_stmt.body->u.block.list, 1);
    REQUIRE(if1 && if2 && if1->kind == GO_IF_STMT && if2->kind == GO_IF_STMT);
    go_node *cont = nth(if1->u.if_stmt.body->u.block.list, 0);
    CHECK_NODE(f, cont, GO_BRANCH_STMT, "continue outer");
    CHECK_EQ_INT(cont->op, GO_TOK_CONTINUE);
    CHECK_IDENT(f, cont->u.branch.label, "outer");
    go_node *brk = nth(if2->u.if_stmt.body->u.block.list, 0);
    CHECK_NODE(f, brk, GO_BRANCH_STMT, "break outer");
    CHECK_EQ_INT(brk->op, GO_TOK_BREAK);
    CHECK_IDENT(f, brk->u.branch.label, "outer");

    /* goto done; done: return */
    go_node *jump = body_stmt(fn, 1);
    CHECK_NODE(f, jump, GO_BRANCH_STMT, "goto done");
    CHECK_EQ_INT(jump->op, GO_TOK_GOTO);
    CHECK_IDENT(f, jump->u.branch.label, "done");
    go_node *done = body_stmt(fn, 2);
    CHECK_NODE(f, done, GO_LABELED_STMT, "done:\n\treturn");
    CHECK_IDENT(f, done->u.labeled.label, "done");
    CHECK_NODE(f, done->u.labeled.stmt, GO_RETURN_STMT, "return");

    /* a label and its uses are one name */
    const ls_atom *name = go_file_atom(f, "outer");
    CHECK(name != NULL);
    CHECK_EQ_PTR(outer->u.labeled.label->u.ident.name, name);
    CHECK_EQ_PTR(cont->u.branch.label->u.ident.name, name);
    CHECK_EQ_PTR(brk->u.branch.label->u.ident.name, name);
    go_file_free(f);

    /* branches without labels */
    f = parse_source("package p\nfunc f(x int) {\n\tfor {\n\t\tbreak\n\t}\n\tswitch x {\n\tcase 1:\n\t\tfallthrough\n\tdefault:\n\t}\n}\n");
    CHECK_EQ_UINT(f->nerrors, 0);
    fn = func_named(f, "f");
    REQUIRE(fn);
    go_node *forever = body_stmt(fn, 0);
    REQUIRE(forever && forever->kind == GO_FOR_STMT);
    CHECK(forever->u.for_stmt.init == NULL && forever->u.for_stmt.cond == NULL && forever->u.for_stmt.post == NULL);
    go_node *b = nth(forever->u.for_stmt.body->u.block.list, 0);
    CHECK_NODE(f, b, GO_BRANCH_STMT, "break");
    CHECK(b->u.branch.label == NULL);
    go_node *sw = body_stmt(fn, 1);
    REQUIRE(sw && sw->kind == GO_SWITCH_STMT);
    go_node *case1 = nth(sw->u.switch_stmt.body->u.block.list, 0);
    REQUIRE(case1);
    go_node *ft = nth(case1->u.case_clause.body, 0);
    CHECK_NODE(f, ft, GO_BRANCH_STMT, "fallthrough");
    CHECK_EQ_INT(ft->op, GO_TOK_FALLTHROUGH);
    go_file_free(f);
}

static void test_methods_and_struct_tags(void) {
    go_file *f = parse_testdata("methods.go");
    CHECK_EQ_UINT(f->nerrors, 0);

    go_node *t = spec(f, 0, 0);
    REQUIRE(t && t->u.type_spec.type && t->u.type_spec.type->kind == GO_STRUCT_TYPE);
    go_list fields = t->u.type_spec.type->u.struct_type.fields->u.field_list.list;
    REQUIRE(fields.len == 4);
    /* Name string `json:"name"` */
    CHECK_NODE(f, fields.at[0], GO_FIELD, "Name string `json:\"name\"`");
    CHECK_IDENT(f, nth(fields.at[0]->u.field.names, 0), "Name");
    CHECK_NODE(f, fields.at[0]->u.field.tag, GO_BASIC_LIT, "`json:\"name\"`");
    CHECK_EQ_INT(fields.at[0]->u.field.tag->op, GO_TOK_STRING);
    CHECK_EQ_MEM(fields.at[0]->u.field.tag->u.lit.text, fields.at[0]->u.field.tag->u.lit.len, "`json:\"name\"`");
    /* Age  int    "age" */
    CHECK_NODE(f, fields.at[1]->u.field.tag, GO_BASIC_LIT, "\"age\"");
    /* *Embedded: no names */
    CHECK_EQ_UINT(fields.at[2]->u.field.names.len, 0);
    CHECK_NODE(f, fields.at[2]->u.field.type, GO_STAR_EXPR, "*Embedded");
    CHECK(fields.at[2]->u.field.tag == NULL);
    /* a, b int `x:"y"` */
    CHECK_EQ_UINT(fields.at[3]->u.field.names.len, 2);
    CHECK_IDENT(f, nth(fields.at[3]->u.field.names, 1), "b");
    CHECK_NODE(f, fields.at[3]->u.field.tag, GO_BASIC_LIT, "`x:\"y\"`");

    /* func (T) M() {} and func (t *T) N(x int) int */
    go_node *m = func_named(f, "M");
    REQUIRE(m);
    CHECK_NODE(f, m, GO_FUNC_DECL, "func (T) M() {}");
    CHECK_NODE(f, m->u.func_decl.recv, GO_FIELD_LIST, "(T)");
    go_node *recv = nth(m->u.func_decl.recv->u.field_list.list, 0);
    REQUIRE(recv);
    CHECK_EQ_UINT(recv->u.field.names.len, 0);
    CHECK_IDENT(f, recv->u.field.type, "T");
    go_node *n = func_named(f, "N");
    REQUIRE(n);
    CHECK_NODE(f, n->u.func_decl.recv, GO_FIELD_LIST, "(t *T)");
    recv = nth(n->u.func_decl.recv->u.field_list.list, 0);
    REQUIRE(recv);
    CHECK_IDENT(f, nth(recv->u.field.names, 0), "t");
    CHECK_NODE(f, recv->u.field.type, GO_STAR_EXPR, "*T");
    CHECK_NODE(f, n->u.func_decl.type, GO_FUNC_TYPE, "func (t *T) N(x int) int");

    /* m = T.M: a selector on a type */
    go_node *expr = value0(spec(f, 4, 0));
    CHECK_NODE(f, expr, GO_SELECTOR_EXPR, "T.M");
    REQUIRE(expr);
    CHECK_IDENT(f, expr->u.selector.x, "T");
    CHECK_IDENT(f, expr->u.selector.sel, "M");
    /* n = (*T).N */
    expr = value0(spec(f, 4, 1));
    CHECK_NODE(f, expr, GO_SELECTOR_EXPR, "(*T).N");
    REQUIRE(expr);
    CHECK_NODE(f, expr->u.selector.x, GO_PAREN_EXPR, "(*T)");
    CHECK_NODE(f, expr->u.selector.x->u.paren.x, GO_STAR_EXPR, "*T");
    CHECK_IDENT(f, expr->u.selector.sel, "N");
    go_file_free(f);
}

static void test_type_switches(void) {
    go_file *f = parse_testdata("statements.go");
    CHECK_EQ_UINT(f->nerrors, 0);
    go_node *fn = func_named(f, "f");
    REQUIRE(fn);

    /* switch y := x.(type) { case int, string: ... case nil: default: } */
    go_node *ts = body_stmt(fn, 0);
    REQUIRE(ts && ts->kind == GO_TYPE_SWITCH_STMT);
    CHECK(ts->u.type_switch.init == NULL);
    go_node *assign = ts->u.type_switch.assign;
    CHECK_NODE(f, assign, GO_ASSIGN_STMT, "y := x.(type)");
    REQUIRE(assign);
    CHECK_EQ_INT(assign->op, GO_TOK_DEFINE);
    CHECK_IDENT(f, nth(assign->u.assign.lhs, 0), "y");
    go_node *ta = nth(assign->u.assign.rhs, 0);
    CHECK_NODE(f, ta, GO_TYPE_ASSERT_EXPR, "x.(type)");
    CHECK(ta->u.type_assert.type == NULL);
    CHECK_EQ_UINT(ta->u.type_assert.lparen, ta->pos + 2);
    go_list clauses = ts->u.type_switch.body->u.block.list;
    REQUIRE(clauses.len == 3);
    CHECK_NODE(f, clauses.at[0], GO_CASE_CLAUSE, "case int, string:\n\t\t_ = y");
    CHECK_EQ_UINT(clauses.at[0]->u.case_clause.list.len, 2);
    CHECK_IDENT(f, nth(clauses.at[0]->u.case_clause.list, 1), "string");
    CHECK_EQ_UINT(clauses.at[0]->u.case_clause.body.len, 1);
    CHECK_IDENT(f, nth(clauses.at[1]->u.case_clause.list, 0), "nil");
    CHECK_NODE(f, clauses.at[2], GO_CASE_CLAUSE, "default:");
    CHECK_EQ_UINT(clauses.at[2]->u.case_clause.list.len, 0); /* default */

    /* switch x.(type) {}: the guard is an expression statement */
    ts = body_stmt(fn, 1);
    REQUIRE(ts && ts->kind == GO_TYPE_SWITCH_STMT);
    CHECK_NODE(f, ts->u.type_switch.assign, GO_EXPR_STMT, "x.(type)");
    CHECK_NODE(f, ts->u.type_switch.assign->u.expr_stmt.x, GO_TYPE_ASSERT_EXPR, "x.(type)");
    go_file_free(f);
}

static void test_select_go_defer(void) {
    go_file *f = parse_testdata("statements.go");
    go_node *fn = func_named(f, "f");
    REQUIRE(fn);
    go_node *sel = body_stmt(fn, 2);
    REQUIRE(sel && sel->kind == GO_SELECT_STMT);
    go_list cc = sel->u.select_stmt.body->u.block.list;
    REQUIRE(cc.len == 5);

    /* case out <- 1: */
    go_node *send = cc.at[0]->u.comm_clause.comm;
    CHECK_NODE(f, send, GO_SEND_STMT, "out <- 1");
    CHECK_IDENT(f, send->u.send.chan, "out");
    CHECK_NODE(f, send->u.send.value, GO_BASIC_LIT, "1");
    CHECK_EQ_MEM(f->src + send->u.send.arrow, 2, "<-");
    CHECK_EQ_UINT(cc.at[0]->u.comm_clause.body.len, 0);
    /* case v := <-ch: */
    go_node *recv = cc.at[1]->u.comm_clause.comm;
    CHECK_NODE(f, recv, GO_ASSIGN_STMT, "v := <-ch");
    CHECK_EQ_INT(recv->op, GO_TOK_DEFINE);
    go_node *arrow = nth(recv->u.assign.rhs, 0);
    CHECK_NODE(f, arrow, GO_UNARY_EXPR, "<-ch");
    CHECK_EQ_INT(arrow->op, GO_TOK_ARROW);
    CHECK_EQ_UINT(cc.at[1]->u.comm_clause.body.len, 1);
    /* case v, ok := <-ch: */
    recv = cc.at[2]->u.comm_clause.comm;
    CHECK_NODE(f, recv, GO_ASSIGN_STMT, "v, ok := <-ch");
    CHECK_EQ_UINT(recv->u.assign.lhs.len, 2);
    /* case <-done: */
    CHECK_NODE(f, cc.at[3]->u.comm_clause.comm, GO_EXPR_STMT, "<-done");
    /* default: */
    CHECK_NODE(f, cc.at[4], GO_COMM_CLAUSE, "default:");
    CHECK(cc.at[4]->u.comm_clause.comm == NULL);

    /* go f(nil, ch, out, done) */
    go_node *g = body_stmt(fn, 3);
    CHECK_NODE(f, g, GO_GO_STMT, "go f(nil, ch, out, done)");
    go_node *call = g->u.go_stmt.call;
    CHECK_NODE(f, call, GO_CALL_EXPR, "f(nil, ch, out, done)");
    CHECK_EQ_UINT(call->u.call.args.len, 4);
    CHECK_EQ_UINT(call->u.call.lparen, call->pos + 1);
    CHECK_EQ_UINT(call->u.call.ellipsis, GO_NOPOS);
    /* defer func() { recover() }() */
    go_node *d = body_stmt(fn, 4);
    CHECK_NODE(f, d, GO_DEFER_STMT, "defer func() { recover() }()");
    call = d->u.defer_stmt.call;
    CHECK_NODE(f, call, GO_CALL_EXPR, "func() { recover() }()");
    CHECK_NODE(f, call->u.call.fun, GO_FUNC_LIT, "func() { recover() }");
    CHECK_EQ_UINT(call->u.call.args.len, 0);

    /* the channel directions of the parameters */
    go_list params = fn->u.func_decl.type->u.func_type.params->u.field_list.list;
    REQUIRE(params.len == 4);
    CHECK_NODE(f, params.at[1]->u.field.type, GO_CHAN_TYPE, "chan int");
    CHECK_EQ_INT(params.at[1]->u.field.type->op, GO_CHAN_BOTH);
    CHECK_NODE(f, params.at[2]->u.field.type, GO_CHAN_TYPE, "chan<- int");
    CHECK_EQ_INT(params.at[2]->u.field.type->op, GO_CHAN_SEND);
    CHECK_NODE(f, params.at[3]->u.field.type, GO_CHAN_TYPE, "<-chan struct{}");
    CHECK_EQ_INT(params.at[3]->u.field.type->op, GO_CHAN_RECV);
    go_file_free(f);
}

/* ---- the API around the tree ---------------------------------------------- */

static void test_file_position(void) {
    /* line 3 holds 2-byte characters; line 4 3-byte ones: columns count bytes */
    const char *src = "package p\n\n// héllo wörld\nvar 日本 = \"ü\" + x\n";
    go_file *f = parse_source(src);
    CHECK_EQ_UINT(f->nerrors, 0);
    go_node *vs = spec(f, 0, 0);
    REQUIRE(vs);
    go_node *name = nth(vs->u.value_spec.names, 0);
    CHECK_IDENT(f, name, "日本");
    go_position at = go_file_position(f, name->pos);
    CHECK_EQ_UINT(at.line, 4);
    CHECK_EQ_UINT(at.col, 5);
    go_node *sum = value0(vs);
    REQUIRE(sum && sum->kind == GO_BINARY_EXPR);
    at = go_file_position(f, sum->u.binary.x->pos); /* "ü" */
    CHECK_EQ_UINT(at.line, 4);
    CHECK_EQ_UINT(at.col, 14);
    at = go_file_position(f, sum->u.binary.y->pos); /* x */
    CHECK_EQ_UINT(at.line, 4);
    CHECK_EQ_UINT(at.col, 21);
    at = go_file_position(f, sum->u.binary.y->end);
    CHECK_EQ_UINT(at.col, 22);

    go_node *comment = nth(f->root->u.file.comments, 0);
    REQUIRE(comment);
    at = go_file_position(f, comment->end); /* one past "wörld" */
    CHECK_EQ_UINT(at.line, 3);
    CHECK_EQ_UINT(at.col, 17);

    at = go_file_position(f, 0);
    CHECK(at.line == 1 && at.col == 1);
    at = go_file_position(f, 9); /* the first newline is on line 1 */
    CHECK(at.line == 1 && at.col == 10);
    at = go_file_position(f, 10); /* the empty line 2 */
    CHECK(at.line == 2 && at.col == 1);
    at = go_file_position(f, (go_pos)strlen(src) - 1); /* the last newline */
    CHECK(at.line == 4 && at.col == 22);
    at = go_file_position(f, GO_NOPOS);
    CHECK(at.line == 0 && at.col == 0);
    go_file_free(f);
}

typedef struct ident_collector {
    const char *name;
    go_node *found[8];
    int n;
} ident_collector;

static bool collect_idents(void *ctx, go_node *n) {
    ident_collector *c = ctx;
    if (n->kind == GO_IDENT && strcmp(ident_name(n), c->name) == 0 && c->n < 8)
        c->found[c->n++] = n;
    return true;
}

static void test_atoms(void) {
    go_file *f = parse_source("package p\n\nimport \"context\"\n\n"
                              "func f(ctx context.Context) {\n\tg(ctx)\n}\n");
    CHECK_EQ_UINT(f->nerrors, 0);
    ident_collector c = {"ctx", {0}, 0};
    go_walk(f->root, collect_idents, NULL, &c);
    REQUIRE(c.n == 2);
    CHECK(c.found[0]->pos < c.found[1]->pos); /* two distinct identifiers... */
    CHECK_EQ_PTR(c.found[0]->u.ident.name, c.found[1]->u.ident.name); /* ...one name */
    const ls_atom *ctx = go_file_atom(f, "ctx");
    CHECK_EQ_PTR(ctx, c.found[0]->u.ident.name);
    REQUIRE(ctx);
    CHECK_EQ_MEM(ctx->ptr, ctx->len, "ctx");
    CHECK(c.found[0]->u.ident.decl == NULL); /* no resolution at parse time */

    const ls_atom *pkg = go_file_atom(f, "context"), *type = go_file_atom(f, "Context");
    CHECK(pkg != NULL && type != NULL);
    CHECK_NE_PTR(pkg, type);
    CHECK(go_file_atom(f, "cancel") == NULL);
    CHECK(go_file_atom(f, "func") == NULL); /* a keyword is not an identifier */
    CHECK(go_file_atom(f, "ct") == NULL);
    CHECK(go_file_atom(f, "") == NULL);
    go_file_free(f);
}

static void test_imports(void) {
    go_file *f = parse_source("package p\n\nimport (\n\t\"fmt\"\n\tctx \"context\"\n\t_ \"embed\"\n)\n\n"
                              "import . \"strings\"\n\nfunc f() {}\n");
    CHECK_EQ_UINT(f->nerrors, 0);
    REQUIRE(f->imports.len == 4);
    static const char *const names[] = {NULL, "ctx", "_", "."};
    static const char *const paths[] = {"\"fmt\"", "\"context\"", "\"embed\"", "\"strings\""};
    for (uint32_t i = 0; i < 4; i++) {
        go_node *imp = f->imports.at[i];
        CHECK_EQ_INT(imp->kind, GO_IMPORT_SPEC);
        if (names[i])
            CHECK_IDENT(f, imp->u.import_spec.name, names[i]);
        else
            CHECK(imp->u.import_spec.name == NULL);
        CHECK_NODE(f, imp->u.import_spec.path, GO_BASIC_LIT, paths[i]);
    }
    /* the same nodes as in the declarations */
    go_node *decl = nth(f->root->u.file.decls, 0);
    REQUIRE(decl);
    CHECK_EQ_INT(decl->op, GO_TOK_IMPORT);
    CHECK_EQ_PTR(nth(decl->u.gen_decl.specs, 1), f->imports.at[1]);
    CHECK_EQ_MEM(f->src + decl->u.gen_decl.lparen, 1, "(");
    CHECK_EQ_MEM(f->src + decl->u.gen_decl.rparen, 1, ")");
    go_file_free(f);

    f = parse_source("package p\n\nfunc f() {}\n");
    CHECK_EQ_UINT(f->imports.len, 0);
    go_file_free(f);
}

/* ---- walking ---------------------------------------------------------------- */

typedef struct walk_log {
    char pre[1024], post[1024];
    go_kind skip; /* pre returns false for this kind */
} walk_log;

static void log_node(char *log, size_t cap, const go_node *n) {
    size_t len = strlen(log);
    snprintf(log + len, cap - len, "%s%s%s%s", len ? " " : "", go_kind_name((go_kind)n->kind),
             n->kind == GO_IDENT ? ":" : "", ident_name(n));
}

static bool walk_pre(void *ctx, go_node *n) {
    walk_log *w = ctx;
    log_node(w->pre, sizeof w->pre, n);
    return n->kind != w->skip;
}

static void walk_post(void *ctx, go_node *n) {
    walk_log *w = ctx;
    log_node(w->post, sizeof w->post, n);
}

static void test_walk(void) {
    go_file *f = parse_source("package p\n\nfunc f(a int) { g(a) }\n");
    CHECK_EQ_UINT(f->nerrors, 0);
    walk_log w = {"", "", GO_KIND_COUNT};
    go_walk(f->root, walk_pre, walk_post, &w);
    CHECK_EQ_STR(w.pre, "File Ident:p FuncDecl Ident:f FuncType FieldList Field Ident:a Ident:int "
                        "BlockStmt ExprStmt CallExpr Ident:g Ident:a");
    CHECK_EQ_STR(w.post, "Ident:p Ident:f Ident:a Ident:int Field FieldList FuncType Ident:g Ident:a "
                         "CallExpr ExprStmt BlockStmt FuncDecl File");

    /* pre returning false skips the children; as with go/ast.Inspect, post
     * is called only for nodes whose pre returned true, so visitors that
     * push in pre and pop in post stay balanced */
    walk_log skip = {"", "", GO_BLOCK_STMT};
    go_walk(f->root, walk_pre, walk_post, &skip);
    CHECK_EQ_STR(skip.pre, "File Ident:p FuncDecl Ident:f FuncType FieldList Field Ident:a Ident:int BlockStmt");
    CHECK_EQ_STR(skip.post, "Ident:p Ident:f Ident:a Ident:int Field FieldList FuncType FuncDecl File");

    /* post may be NULL */
    walk_log no_post = {"", "", GO_FUNC_TYPE};
    go_walk(f->root, walk_pre, NULL, &no_post);
    CHECK_EQ_STR(no_post.pre, "File Ident:p FuncDecl Ident:f FuncType BlockStmt ExprStmt CallExpr Ident:g Ident:a");
    go_walk(NULL, walk_pre, walk_post, &no_post); /* nothing to do */
    go_file_free(f);
}

/* go_file_kind_count agrees with a walk of the tree, and GO_FLAG_HAS_GO
 * marks the declarations with a go statement: rules skip a whole file on a
 * zero count and a declaration without the flag, so a node present but not
 * counted would lose findings. */
typedef struct kind_tally {
    uint32_t n[GO_KIND_COUNT];
} kind_tally;

static bool tally_pre(void *ctx, go_node *n) {
    ((kind_tally *)ctx)->n[n->kind]++;
    return true;
}

static void test_kind_count(void) {
    go_file *f = parse_source("package p\n\nfunc f(c chan int) {\n\tgo func() { c <- 1 }()\n\tgo g()\n"
                              "\tselect {}\n}\n\nfunc g() {}\n");
    CHECK_EQ_UINT(f->nerrors, 0);
    CHECK_EQ_UINT(go_file_kind_count(f, GO_GO_STMT), 2);
    CHECK_EQ_UINT(go_file_kind_count(f, GO_CHAN_TYPE), 1);
    CHECK_EQ_UINT(go_file_kind_count(f, GO_SELECT_STMT), 1);
    CHECK_EQ_UINT(go_file_kind_count(f, GO_FOR_STMT), 0);
    CHECK_EQ_UINT(go_file_kind_count(f, GO_KIND_COUNT), 0);
    kind_tally t = {{0}};
    go_walk(f->root, tally_pre, NULL, &t);
    for (int k = 0; k < GO_KIND_COUNT; k++)
        CHECK_EQ_UINT(go_file_kind_count(f, (go_kind)k), t.n[k]);
    /* the same for go statements per declaration: f has two, g none */
    go_node *fd = nth(f->root->u.file.decls, 0), *gd = nth(f->root->u.file.decls, 1);
    REQUIRE(fd && gd && fd->kind == GO_FUNC_DECL && gd->kind == GO_FUNC_DECL);
    CHECK(fd->flags & GO_FLAG_HAS_GO);
    CHECK(!(gd->flags & GO_FLAG_HAS_GO));
    go_file_free(f);

    /* a go statement only in a function literal marks its declaration */
    go_file *lit = parse_source("package p\n\nfunc f() { _ = func() { go f() } }\n\nfunc g() { f() }\n");
    CHECK(nth(lit->root->u.file.decls, 0)->flags & GO_FLAG_HAS_GO);
    CHECK(!(nth(lit->root->u.file.decls, 1)->flags & GO_FLAG_HAS_GO));
    go_file_free(lit);

    /* a file cut short by a syntax error: every kind in what is left of
     * the tree is still counted */
    go_file *bad = parse_source("package p\n\nfunc f() { go g() }\n\nfunc h( {\n\tselect {}\n");
    CHECK(bad->nerrors > 0);
    kind_tally tb = {{0}};
    go_walk(bad->root, tally_pre, NULL, &tb);
    for (int k = 0; k < GO_KIND_COUNT; k++)
        CHECK(go_file_kind_count(bad, (go_kind)k) >= tb.n[k]);
    CHECK(go_file_kind_count(bad, GO_GO_STMT) >= 1);
    go_file_free(bad);
}

typedef struct child_log {
    char text[512];
} child_log;

static void log_child(void *ctx, go_node *child, const char *label, int index) {
    child_log *c = ctx;
    size_t len = strlen(c->text);
    if (index >= 0)
        snprintf(c->text + len, sizeof c->text - len, "%s%s[%d]=%s", len ? " " : "", label, index,
                 go_kind_name((go_kind)child->kind));
    else
        snprintf(c->text + len, sizeof c->text - len, "%s%s=%s", len ? " " : "", label,
                 go_kind_name((go_kind)child->kind));
}

/* The labelled children of n as one line. */
static const char *children_of(go_node *n) {
    static child_log c;
    c.text[0] = 0;
    go_node_children(n, log_child, &c);
    return c.text;
}

static void test_node_children(void) {
    go_file *f = parse_source("package p\n\n// c\nfunc (r R) m(a, b int) {\n"
                              "\tif x := g(a, b...); x {\n\t} else {\n\t}\n}\n\n"
                              "type S struct {\n\ta, b int `tag`\n}\n");
    CHECK_EQ_UINT(f->nerrors, 0);
    CHECK_EQ_STR(children_of(f->root), "Name=Ident Decls[0]=FuncDecl Decls[1]=GenDecl Comments[0]=CommentGroup");
    go_node *m = func_named(f, "m");
    REQUIRE(m);
    CHECK_EQ_STR(children_of(m), "Recv=FieldList Name=Ident Type=FuncType Body=BlockStmt");
    go_node *ifs = body_stmt(m, 0);
    REQUIRE(ifs);
    CHECK_EQ_STR(children_of(ifs), "Init=AssignStmt Cond=Ident Body=BlockStmt Else=BlockStmt");
    go_node *call = nth(ifs->u.if_stmt.init->u.assign.rhs, 0);
    CHECK_EQ_STR(children_of(call), "Fun=Ident Args[0]=Ident Args[1]=Ident");
    CHECK(call->u.call.ellipsis != GO_NOPOS);
    CHECK_EQ_MEM(f->src + call->u.call.ellipsis, 3, "...");
    CHECK_EQ_STR(children_of(ifs->u.if_stmt.init), "Lhs[0]=Ident Rhs[0]=CallExpr");
    go_node *field = nth(spec(f, 1, 0)->u.type_spec.type->u.struct_type.fields->u.field_list.list, 0);
    CHECK_EQ_STR(children_of(field), "Names[0]=Ident Names[1]=Ident Type=Ident Tag=BasicLit");
    CHECK_EQ_STR(children_of(nth(f->root->u.file.comments, 0)), "List[0]=Comment");
    /* leaves have no children; NULL is allowed */
    CHECK_EQ_STR(children_of(m->u.func_decl.name), "");
    CHECK_EQ_STR(children_of(NULL), "");

    CHECK_EQ_STR(go_kind_name(GO_CALL_EXPR), "CallExpr");
    CHECK_EQ_STR(go_kind_name(GO_INDEX_LIST_EXPR), "IndexListExpr");
    CHECK_EQ_STR(go_kind_name(GO_TYPE_SWITCH_STMT), "TypeSwitchStmt");
    go_file_free(f);
}

static void test_parse_path_errors(void) {
    int err = 0;
    go_file *f = go_parse_path(LEAKSCOPE_TESTDATA "/no_such_file.go", NULL, NULL, &err);
    CHECK(f == NULL);
    CHECK_EQ_INT(err, ENOENT);
    err = 0;
    f = go_parse_path(LEAKSCOPE_TESTDATA, NULL, NULL, &err);
    CHECK(f == NULL);
    CHECK_EQ_INT(err, EISDIR);
    /* a readable file: err is cleared, the path is kept */
    err = -1;
    f = go_parse_path(LEAKSCOPE_TESTDATA "/labels.go", NULL, NULL, &err);
    REQUIRE(f);
    CHECK_EQ_INT(err, 0);
    CHECK_EQ_STR(f->path, LEAKSCOPE_TESTDATA "/labels.go");
    CHECK(f->len > 0 && f->src != NULL);
    go_file_free(f);
}

int main(void) {
    test_generic_declarations();
    test_instantiations();
    test_composite_literals_in_headers();
    test_labels_and_branches();
    test_methods_and_struct_tags();
    test_type_switches();
    test_select_go_defer();
    test_file_position();
    test_atoms();
    test_imports();
    test_walk();
    test_kind_count();
    test_node_children();
    test_parse_path_errors();
    return check_finish();
}
