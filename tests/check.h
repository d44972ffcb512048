/*
 * The assertions of leakscope's C tests.  Each test program is one .c file
 * that includes this header, makes CHECK_* assertions and ends main() with
 * `return check_finish();`.
 *
 * A failed check prints `file:line: in function: what was expected, and
 * the values` and the test goes on, so one run shows every failure.
 * check_finish() prints the closing line `N passed, N failed` (counting
 * checks) and returns the exit status: nonzero when any check failed.
 */
#ifndef LS_TESTS_CHECK_H
#define LS_TESTS_CHECK_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static struct {
    unsigned long passed, failed;
} check_counts;

/* Counts one check; on failure prints its location and returns false. */
static inline bool check_record(bool ok, const char *file, int line, const char *func) {
    if (ok) {
        check_counts.passed++;
        return true;
    }
    check_counts.failed++;
    fprintf(stderr, "%s:%d: in %s: ", file, line, func);
    return false;
}

static inline int check_finish(void) {
    printf("%lu passed, %lu failed\n", check_counts.passed, check_counts.failed);
    fflush(stdout);
    return check_counts.failed ? 1 : 0;
}

/* Prints n bytes of s with non-printable bytes escaped, so that failures
 * in tests of binary input stay readable. */
static inline void check_print_bytes(const char *s, size_t n) {
    fputc('"', stderr);
    for (size_t i = 0; i < n && i < 200; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(stderr, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(stderr, "\\x%02x", c);
        else
            fputc(c, stderr);
    }
    fputs(n > 200 ? "\"..." : "\"", stderr);
}

#define CHECK_HERE(ok) check_record((ok), __FILE__, __LINE__, __func__)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!CHECK_HERE(!!(cond)))                                                                 \
            fprintf(stderr, "CHECK(%s) failed\n", #cond);                                          \
    } while (0)

#define CHECK_EQ_INT(actual, expected)                                                             \
    do {                                                                                           \
        long long check_a_ = (long long)(actual), check_e_ = (long long)(expected);                \
        if (!CHECK_HERE(check_a_ == check_e_))                                                     \
            fprintf(stderr, "%s == %s failed: got %lld, want %lld\n", #actual, #expected,          \
                    check_a_, check_e_);                                                           \
    } while (0)

#define CHECK_EQ_UINT(actual, expected)                                                            \
    do {                                                                                           \
        unsigned long long check_a_ = (unsigned long long)(actual);                                \
        unsigned long long check_e_ = (unsigned long long)(expected);                              \
        if (!CHECK_HERE(check_a_ == check_e_))                                                     \
            fprintf(stderr, "%s == %s failed: got %llu (0x%llx), want %llu (0x%llx)\n", #actual,   \
                    #expected, check_a_, check_a_, check_e_, check_e_);                            \
    } while (0)

#define CHECK_EQ_PTR(actual, expected)                                                             \
    do {                                                                                           \
        const void *check_a_ = (actual), *check_e_ = (expected);                                   \
        if (!CHECK_HERE(check_a_ == check_e_))                                                     \
            fprintf(stderr, "%s == %s failed: got %p, want %p\n", #actual, #expected, check_a_,    \
                    check_e_);                                                                     \
    } while (0)

#define CHECK_NE_PTR(actual, other)                                                                \
    do {                                                                                           \
        const void *check_a_ = (actual), *check_o_ = (other);                                      \
        if (!CHECK_HERE(check_a_ != check_o_))                                                     \
            fprintf(stderr, "%s != %s failed: both are %p\n", #actual, #other, check_a_);          \
    } while (0)

/* Both are NUL-terminated strings; NULL is a value of its own. */
#define CHECK_EQ_STR(actual, expected)                                                             \
    do {                                                                                           \
        const char *check_a_ = (actual), *check_e_ = (expected);                                   \
        bool check_ok_ = check_a_ && check_e_ ? strcmp(check_a_, check_e_) == 0                    \
                                              : check_a_ == check_e_;                              \
        if (!CHECK_HERE(check_ok_)) {                                                              \
            fprintf(stderr, "%s == %s failed: got ", #actual, #expected);                          \
            check_print_bytes(check_a_ ? check_a_ : "(null)", check_a_ ? strlen(check_a_) : 6);    \
            fputs(", want ", stderr);                                                              \
            check_print_bytes(check_e_ ? check_e_ : "(null)", check_e_ ? strlen(check_e_) : 6);    \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

/* The n bytes at ptr equal the NUL-terminated string expected. */
#define CHECK_EQ_MEM(ptr, n, expected)                                                             \
    do {                                                                                           \
        const char *check_p_ = (const char *)(ptr), *check_e_ = (expected);                        \
        size_t check_n_ = (size_t)(n);                                                             \
        bool check_ok_ = check_p_ && check_n_ == strlen(check_e_) &&                               \
                         (check_n_ == 0 || memcmp(check_p_, check_e_, check_n_) == 0);             \
        if (!CHECK_HERE(check_ok_)) {                                                              \
            fprintf(stderr, "%s[0..%s) == %s failed: got ", #ptr, #n, #expected);                  \
            check_print_bytes(check_p_ ? check_p_ : "(null)", check_p_ ? check_n_ : 6);            \
            fputs(", want ", stderr);                                                              \
            check_print_bytes(check_e_, strlen(check_e_));                                         \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

/* Checks that must hold for the rest of a test to make sense (a pointer
 * that is about to be followed): on failure the test function returns. */
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!CHECK_HERE(!!(cond))) {                                                               \
            fprintf(stderr, "REQUIRE(%s) failed; skipping the rest of this test\n", #cond);        \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#endif
