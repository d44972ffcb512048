/*
 * Known bug (this test is disabled in tests/CMakeLists.txt until it is
 * fixed): chains that the parser builds in a loop rather than by recursion
 * -- binary operators `a+1+1+...`, selectors `a.b.b...`, calls `a()()...`,
 * index expressions `a[0][0]...` and type assertions `a.(T).(T)...` -- are
 * not counted against the nesting limit.
 *
 * go/parser counts every link of such a chain (incNestLev in the loops of
 * parseBinaryExpr and parsePrimaryExpr) and rejects a file whose chain is
 * deeper than its limit of 100,000 with "exceeded max nesting depth".
 * leakscope accepts these files and builds trees as deep as the chain, so
 *  - a file go/parser rejects is accepted (`leakscope parse` exits 0), and
 *  - go_walk, which recurses once per level, overflows an 8 MiB stack:
 *    `var x = a+1+1+...` with 100,000 `+1` (200 KB) crashes any program
 *    that walks its tree.
 *
 * Each chain here has 150,000 links, so any limit up to go/parser's must
 * reject it; the tree that comes back must be walkable on an 8 MiB stack.
 */
#include <pthread.h>
#include <stdlib.h>

#include "parse_helpers.h"

typedef struct chain_job {
    const char *src;
    size_t len;
    go_file *file;
    size_t walked;
} chain_job;

static void *parse_chain(void *arg) {
    chain_job *job = arg;
    job->file = go_parse("chain.go", job->src, job->len, NULL, NULL);
    return NULL;
}

static bool count_node(void *ctx, go_node *n) {
    (void)n;
    ((chain_job *)ctx)->walked++;
    return true;
}

static void *walk_chain(void *arg) {
    chain_job *job = arg;
    go_walk(job->file->root, count_node, NULL, job);
    return NULL;
}

static void run_on_8mib_stack(void *(*fn)(void *), chain_job *job) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, (size_t)8 << 20);
    pthread_t tid;
    if (pthread_create(&tid, &attr, fn, job) != 0) {
        perror("pthread_create");
        exit(2);
    }
    pthread_join(tid, NULL);
    pthread_attr_destroy(&attr);
}

static bool rejected_as_too_deep(const go_file *f) {
    for (uint32_t i = 0; i < f->nerrors; i++)
        if (strstr(f->errors[i].msg, "exceeded max nesting depth"))
            return true;
    return false;
}

/* "package p\nvar x = a" + link*n + "\n", parsed and then walked, each on
 * a thread with an 8 MiB stack. */
static void check_chain(const char *link, size_t n) {
    const char *head = "package p\nvar x = a";
    size_t lh = strlen(head), ll = strlen(link);
    chain_job job = {NULL, lh + n * ll + 1, NULL, 0};
    char *src = malloc(job.len), *p = src;
    memcpy(p, head, lh), p += lh;
    for (size_t i = 0; i < n; i++)
        memcpy(p, link, ll), p += ll;
    *p = '\n';
    job.src = src;

    run_on_8mib_stack(parse_chain, &job);
    if (!CHECK_HERE(rejected_as_too_deep(job.file)))
        fprintf(stderr, "a chain of %zu \"%s\" is accepted; go/parser says exceeded max nesting depth\n",
                n, link);
    fflush(stderr);
    run_on_8mib_stack(walk_chain, &job); /* crashes while the bug is there */
    CHECK(job.walked > 0);
    go_file_free(job.file);
    free(src);
}

int main(void) {
    check_chain("+1", 150000);
    check_chain(".b", 150000);
    check_chain("()", 150000);
    check_chain("[0]", 150000);
    check_chain(".(T)", 150000);
    return check_finish();
}
