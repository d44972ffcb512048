/*
 * Hand-built dump_goroutine records for the bucket, suspect and series tests:
 * the stacks a Go program blocked on a channel, a mutex or in select prints,
 * written out frame by frame as a reader would deliver them.
 */
#ifndef LS_TESTS_MAKE_GOROUTINE_H
#define LS_TESTS_MAKE_GOROUTINE_H

#include <string.h>

#include "leakscope/dump.h"

#define S(lit) ((ls_str){(lit), sizeof(lit) - 1})

/* FUNC FILE LINE [ARGS] */
static inline dump_frame mk_frame(const char *func, const char *args, const char *file, uint32_t line) {
    dump_frame f = {0};
    f.func = ls_str_cstr(func);
    f.args = ls_str_cstr(args ? args : "");
    f.file = ls_str_cstr(file ? file : "");
    f.line = line;
    return f;
}

static inline dump_goroutine mk_goroutine(uint64_t id, const char *state, int64_t wait,
                                          const dump_frame *frames, size_t n) {
    dump_goroutine g = {0};
    g.id = id;
    g.count = 1;
    g.state = ls_str_cstr(state ? state : "");
    g.wait_minutes = wait;
    g.frames = frames;
    g.nframes = n;
    return g;
}

/* runtime.gopark <- chansend <- main.lookup.func1, as in docs/dump-buckets.md */
static inline const dump_frame *chan_send_stack(size_t *n, const char *args) {
    static dump_frame f[4];
    f[0] = mk_frame("runtime.gopark", "(0x1, 0x2)", "/usr/local/go/src/runtime/proc.go", 460);
    f[1] = mk_frame("runtime.chansend", "(0xc0000a2000)", "/usr/local/go/src/runtime/chan.go", 283);
    f[2] = mk_frame("runtime.chansend1", "(...)", "/usr/local/go/src/runtime/chan.go", 161);
    f[3] = mk_frame("main.lookup.func1", args, "/src/app/main.go", 21);
    *n = 4;
    return f;
}

#endif
