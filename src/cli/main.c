/*
 * The leakscope program: dispatches to subcommands.  Only this directory
 * prints or exits; the library reports through return values and sinks.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "leakscope/base.h"
#include "vettool.h"

typedef struct command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"dump", "read goroutine dumps, bucket stacks, rank leak suspects", cmd_dump},
    {"lint", "find context and goroutine leaks in Go source", cmd_lint},
    {"watch", "poll live pprof endpoints, keep history, alert on growing stacks", cmd_watch},
    {"parse", "parse Go files with leakscope's Go front end; dump ASTs", cmd_parse},
    {"lineage", "find broken context chains in recorded lineage events", cmd_lineage},
    {"probe", "trace goroutine creation and exit with eBPF; report leaks by go statement", cmd_probe},
};

static void usage(FILE *to) {
    fprintf(to, "leakscope %s: finds goroutine leaks and broken context chains in Go programs\n\n"
                "usage: leakscope COMMAND [ARGS...]\n\ncommands:\n",
            LEAKSCOPE_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(to, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(to, "\nRun 'leakscope COMMAND --help' for a command's flags.\n"
                "Under go vet: go vet -vettool=$(which leakscope) ./... (docs/lint-vet.md).\n"
                "Exit status: 0 nothing found, 1 findings, 2 usage or input error, 3 internal error.\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return EXIT_INPUT;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("leakscope %s\n", LEAKSCOPE_VERSION);
        return EXIT_CLEAN;
    }
    if (vettool_invoked(argc, argv)) /* go vet -vettool=leakscope */
        return cmd_vettool(argc, argv);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "leakscope: unknown command '%s'; run 'leakscope --help' for the list\n", name);
    return EXIT_INPUT;
}
