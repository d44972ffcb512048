/*
 * fixkit: helpers for the fixes that rules attach to findings
 * (lint_fix_edit).  Private to the lint library, like rulekit.h.  Every
 * helper answers "is this edit safe?" conservatively: when the source
 * does not have the simple shape a helper knows, it offers nothing and the
 * rule reports the finding without a fix.
 */
#ifndef LEAKSCOPE_FIXKIT_H
#define LEAKSCOPE_FIXKIT_H

#include "leakscope/lint.h"

/* An import a fix needs: the name to write in code, and the edit that adds
 * the import (has_edit false when the file imports it already). */
typedef struct fixkit_import {
    const char *name; /* NULL: no safe way to use the package here */
    bool has_edit;
    go_pos at;        /* insertion offset */
    const char *text; /* inserted text, from pass->arena */
} fixkit_import;

/*
 * How the file can refer to the standard package path (whose name is
 * name): an existing import's local name, or a new import spec placed
 * where gofmt keeps it -- in sorted position inside the first
 * parenthesised import block that holds standard-library imports, or as a
 * new `import "path"` line after the last import declaration.  No name
 * when the package is dot- or blank-imported, when the name is declared
 * or imported for something else in the file or the package, or when the
 * import block's layout is not one spec per line.
 */
fixkit_import fixkit_need_import(lint_pass *pass, const char *path, const char *name);

/* Attaches imp's edit (if any) to the finding reported last. */
void fixkit_add_import(lint_pass *pass, const fixkit_import *imp);

/* The offset of the first byte of the line holding pos. */
go_pos fixkit_line_start(const go_file *f, go_pos pos);
/* The offset just past the newline ending the line holding pos (len at
 * the end of a last line without one). */
go_pos fixkit_line_end(const go_file *f, go_pos pos);
/* The blanks that start the line holding pos, copied into pass->arena. */
const char *fixkit_indent(lint_pass *pass, go_pos pos);
/* Whether [from, to) holds only blanks and at most a trailing // comment. */
bool fixkit_only_blank_or_comment(const go_file *f, go_pos from, go_pos to);
/* Whether any identifier of root spelled name resolves to a declaration
 * (a local or package variable, function, type... named name). */
bool fixkit_name_declared(go_node *root, const ls_atom *name);
/* Whether any identifier of root is spelled name (used or declared). */
bool fixkit_name_used(go_node *root, const ls_atom *name);
/* The top-level declaration of f that holds pos, or NULL. */
go_node *fixkit_top_decl(const go_file *f, go_pos pos);

/*
 * Whether stmt is an element of a statement list (block, case or select
 * clause) inside body, not inside a function literal; *in_loop tells
 * whether a for or range statement of body encloses it (a defer there
 * would pile up once per iteration).
 */
bool fixkit_stmt_in_list(go_node *body, const go_node *stmt, bool *in_loop);

/*
 * Attaches to the finding reported last the insertion of line (without
 * indentation or newline) on a new line after stmt, indented like stmt.
 * False (nothing attached) unless stmt starts its line and nothing but a
 * comment follows it on its last line.
 */
bool fixkit_insert_line_after(lint_pass *pass, const go_node *stmt, const char *line);
/* The same check, without attaching anything. */
bool fixkit_can_insert_line_after(const go_file *f, const go_node *stmt);

#endif
