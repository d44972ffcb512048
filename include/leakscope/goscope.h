/*
 * leakscope's Go name resolution: scopes, imports, closures and a package
 * index, from syntax alone (no type checker).  docs/semantics.md explains
 * what is resolved and what deliberately is not.
 *
 *  - go_resolve(f) binds every identifier of one file that refers to a
 *    declaration in that file: afterwards u.ident.decl is the declaring
 *    Ident (a declaring Ident points to itself), or NULL for universe
 *    names, imported package names, names declared in other files of the
 *    package, selectors (x.Sel), composite-literal keys that may be field
 *    names, and `_`.
 *  - Imported package names are answered by go_import_of() and the
 *    go_is_pkg_* helpers, which only ever match an identifier that
 *    go_resolve left unbound: a local variable `context` is never the
 *    package.
 *  - A go_package indexes one package's files (same package clause) by
 *    name: functions, methods by receiver type, and types.
 */
#ifndef LEAKSCOPE_GOSCOPE_H
#define LEAKSCOPE_GOSCOPE_H

#include "leakscope/goast.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * go_node.flags bit that go_resolve sets on a declaring Ident whose
 * declaration is in the package scope (top-level const, var, type and
 * func names).  Local declarations, parameters, fields and labels do not
 * have it.
 */
#define GO_FLAG_PKG_DECL (1u << 15)

/* ---- resolution --------------------------------------------------------- */

/*
 * Walks f once and sets u.ident.decl of every Ident (see above and
 * docs/semantics.md for the exact rules).  Safe on trees with syntax
 * errors and idempotent.  Scratch memory comes from f->arena.  Returns 0,
 * or -1 when f has no tree.
 */
int go_resolve(go_file *f);

/* The declaring Ident of id (id itself for a declaration), NULL when id is
 * not an Ident or is unbound.  Shorthand for id->u.ident.decl. */
const go_node *go_decl_of(const go_node *id);

/* decl (a declaring Ident) is declared at package level. */
bool go_decl_is_pkg(const go_node *decl);

/* ---- imports ------------------------------------------------------------ */

/*
 * The local name of an ImportSpec: the explicit name, or the name derived
 * from the path as goimports assumes it: the last element, or the one
 * before it when the last is a major version (`github.com/x/y/v2` -> y),
 * then without a `go-` prefix, cut at the first byte that cannot be in an
 * identifier (`gopkg.in/yaml.v3` -> yaml, `go-foo` -> foo).  Empty (len 0)
 * for dot and blank imports.  Points into the source; not NUL-terminated.
 */
ls_str go_import_local_name(const go_node *spec);

/* The ImportSpec's path, unquoted, equals path. */
bool go_import_path_is(const go_node *spec, const char *path);

/*
 * The ImportSpec that ident names: ident is an Ident that go_resolve left
 * unbound and whose name is the local name of an import of f.  NULL
 * otherwise.  Ask about identifiers in expression position (the X of a
 * selector); a selector's Sel is unbound too and would match by name.
 */
const go_node *go_import_of(const go_file *f, const go_node *ident);

/* path is imported with `import . "path"`. */
bool go_file_dot_imports(const go_file *f, const char *path);

/* f imports path under any name (also `.` and `_`). */
bool go_file_imports(const go_file *f, const char *path);

/*
 * x (parentheses allowed) is `pkg.name` where pkg is an import of path, or
 * an unbound Ident `name` when path is dot-imported.  name NULL: any
 * member of the package.  Example: go_is_pkg_selector(f, x, "context",
 * "WithCancel").
 */
bool go_is_pkg_selector(const go_file *f, const go_node *x, const char *path, const char *name);

/* call is a CallExpr whose Fun is go_is_pkg_selector(path, name); explicit
 * instantiations (pkg.F[T](...)) count. */
bool go_is_pkg_call(const go_file *f, const go_node *call, const char *path, const char *name);

/* ---- closures ------------------------------------------------------------ */

/*
 * The distinct declarations (declaring Idents) that identifiers inside
 * func_lit (a FuncLit) refer to and that are declared outside it but not
 * at package level: the variables, constants, types and parameters of the
 * enclosing functions that the closure captures.  In order of first use.
 * Stores at most max of them in out and returns how many there are (like
 * snprintf: a result above max means out was too small).  Needs
 * go_resolve.
 */
size_t go_func_lit_captures(const go_node *func_lit, const go_node **out, size_t max);

/* ---- package index ------------------------------------------------------- */

typedef struct go_package go_package;

/*
 * Indexes the files that belong to the package of files[0] (same package
 * clause name; others are left out, so a directory's `foo_test` files get
 * their own index from go_package_new_named).  NULL entries and files
 * without a tree are skipped.  The files must outlive the index.
 */
go_package *go_package_new(go_file *const *files, size_t n);
/* The same for the files whose package clause is name. */
go_package *go_package_new_named(go_file *const *files, size_t n, const char *name);
void go_package_free(go_package *p);

const char *go_package_name(const go_package *p); /* "" when no file was indexed */
size_t go_package_file_count(const go_package *p);
go_file *go_package_file(const go_package *p, size_t i);

/*
 * Lookups by name.  Each returns the declaration and, when file is not
 * NULL, sets *file to the file that holds it (names are interned per file,
 * so compare the result's atoms only with atoms of that file).
 *
 * go_package_func: the top-level FuncDecl without receiver named name
 * (never `init`).  go_package_method: the FuncDecl of method name whose
 * receiver's base type is recv_type (`T`, `*T`, `T[K]` and `*T[K]` are all
 * "T").  go_package_type: the TypeSpec named name.
 */
const go_node *go_package_func(const go_package *p, const char *name, go_file **file);
const go_node *go_package_method(const go_package *p, const char *recv_type, const char *name, go_file **file);
const go_node *go_package_type(const go_package *p, const char *name, go_file **file);

#ifdef __cplusplus
}
#endif
#endif
