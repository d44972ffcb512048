/* The leakscope program: subcommands and their shared helpers. */
#ifndef LS_CLI_H
#define LS_CLI_H

#include <stdbool.h>
#include <stddef.h>

/* Exit codes (docs/cli.md). */
enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_INPUT = 2, EXIT_INTERNAL = 3 };

int cmd_lint(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_lineage(int argc, char **argv);
int cmd_lineage_build(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_probe(int argc, char **argv);

/* A list of file paths, owned. */
typedef struct path_list {
    char **at;
    size_t len, cap;
} path_list;

void path_list_add(path_list *l, const char *path);
void path_list_free(path_list *l);

/*
 * Expands command-line operands into .go files: a file is taken as is, a
 * directory (or "dir/...") contributes every .go file below it in sorted
 * order, symlinked directories are not followed.  Unreadable operands are
 * reported on stderr; returns the number of such errors.
 */
size_t collect_go_files(const char *operand, path_list *out);
/*
 * The entries of dir except . and .., sorted by name, into *names (which
 * the caller frees).  Returns false with errno set when dir cannot be read.
 */
bool read_dir_sorted(const char *dir, path_list *names);

/* Adds one path per line of FILE ("-": stdin). Returns false on error. */
bool read_files_from(const char *file, path_list *out);

#endif
