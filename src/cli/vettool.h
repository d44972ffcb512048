/*
 * leakscope as a go vet tool (`go vet -vettool=$(which leakscope)`):
 * cmd_vettool.c speaks the protocol of cmd/go's vet actions (docs/lint.md,
 * "Running under go vet").
 */
#ifndef LS_CLI_VETTOOL_H
#define LS_CLI_VETTOOL_H

#include <stdbool.h>

/*
 * Whether argv is a go vet invocation rather than a subcommand: the first
 * argument is a flag or a .cfg file, and an argument is -V=full or -flags or
 * the last one ends in ".cfg".
 */
bool vettool_invoked(int argc, char **argv);

/* Runs the go vet protocol on the whole argv; returns the exit status. */
int cmd_vettool(int argc, char **argv);

#endif
