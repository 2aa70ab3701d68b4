/* sluice tests: a few-macro harness. Each test binary lists its cases and calls
 * test_main(); a failed check ends that case (longjmp) and the binary goes on.
 * The last line a binary prints is "N passed, N failed"; tests/run.sh adds them up.
 * Run one case alone: build/tests/unit/test_x test_x__case */
#ifndef SL_TESTS_TEST_H
#define SL_TESTS_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case;

#define TEST_CASE(fn) { #fn, fn }

int test_main(const test_case *cases, size_t n, int argc, char **argv);

void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
/* Note a failure but continue the case (for loops over many vectors). */
void test_fail_soft(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Path of a file under tests/data or the shared test data, relative to the repo. */
const char *test_repo_root(void);

#define CHECK(c) do { if (!(c)) test_fail(__FILE__, __LINE__, "CHECK(%s)", #c); } while (0)
#define CHECK_MSG(c, ...) do { if (!(c)) test_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define CHECK_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ != b_) test_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
                            #a, a_, #b, b_); } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) test_fail(__FILE__, __LINE__, \
        "%s == \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)
/* Expect an sl_* call to succeed; prints the sl_err on failure. */
#define CHECK_OK(call, errp) do { int rc_ = (call); if (rc_ != 0) { char m_[512]; \
    test_fail(__FILE__, __LINE__, "%s -> %d: %s", #call, rc_, sl_err_str((errp), m_, sizeof m_)); } \
    } while (0)

#include <string.h>
#include "core/err.h"

#endif
