/*
 * Known bug (this test is disabled in tests/CMakeLists.txt until it is
 * fixed): sizes near SIZE_MAX overflow in the size arithmetic of the arena
 * and of ls_buf.
 *
 * base.h promises that ls_arena_alloc "never returns NULL (aborts when
 * memory runs out)" and ls_buf aborts like the arena does.  Instead:
 *  - ls_arena_alloc(a, SIZE_MAX) rounds the size up to 0 and returns an
 *    8-byte block;
 *  - ls_arena_alloc(a, SIZE_MAX - 10) overflows `need + header` in the
 *    chunk size and returns a pointer just past a 16-byte malloc block;
 *  - ls_buf_reserve(&b, SIZE_MAX / 2 + 2) doubles its capacity until it
 *    wraps to 0 and then loops forever.
 * Each request runs in a child process, which must die (abort) rather than
 * come back with memory or hang; a hang is cut short by an alarm.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../check.h"
#include "leakscope/base.h"

enum { CAME_BACK = 42 };

/* Runs request() in a child; returns a description of how the child ended. */
static const char *run_in_child(void (*request)(void), bool *died) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, STDERR_FILENO); /* the abort message is expected */
        alarm(5);
        request();
        _exit(CAME_BACK);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    *died = false;
    if (WIFEXITED(status) && WEXITSTATUS(status) == CAME_BACK)
        return "the request came back with memory";
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        return "the request hung";
    *died = true;
    return "died";
}

static void arena_size_max(void) {
    ls_arena *a = ls_arena_new(0);
    ls_arena_alloc(a, SIZE_MAX);
}

static void arena_size_max_minus_10(void) {
    ls_arena *a = ls_arena_new(0);
    ls_arena_alloc(a, SIZE_MAX - 10);
}

static void buf_reserve_half(void) {
    ls_buf b = {0};
    ls_buf_reserve(&b, SIZE_MAX / 2 + 2);
}

static void check_dies(void (*request)(void), const char *name) {
    bool died;
    const char *how = run_in_child(request, &died);
    if (!CHECK_HERE(died))
        fprintf(stderr, "%s: %s, want an abort\n", name, how);
}

int main(void) {
    check_dies(arena_size_max, "ls_arena_alloc(a, SIZE_MAX)");
    check_dies(arena_size_max_minus_10, "ls_arena_alloc(a, SIZE_MAX - 10)");
    check_dies(buf_reserve_half, "ls_buf_reserve(&b, SIZE_MAX / 2 + 2)");
    return check_finish();
}
