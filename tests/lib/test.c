#include "tests/lib/test.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static jmp_buf g_jmp;
static int g_soft_failed;
static const char *g_current;

static void vreport(const char *file, int line, const char *fmt, va_list ap)
{
    fprintf(stderr, "  FAIL %s (%s:%d): ", g_current ? g_current : "?", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(file, line, fmt, ap);
    va_end(ap);
    longjmp(g_jmp, 1);
}

void test_fail_soft(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(file, line, fmt, ap);
    va_end(ap);
    g_soft_failed = 1;
}

const char *test_repo_root(void)
{
    static char root[PATH_MAX];
    if (root[0])
        return root;
    const char *env = getenv("SLUICE_ROOT");
    if (env) {
        snprintf(root, sizeof(root), "%s", env);
        return root;
    }
    /* Walk up from the cwd to the directory holding core/err.h. */
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd)))
        return ".";
    for (;;) {
        char probe[PATH_MAX + 16];
        snprintf(probe, sizeof(probe), "%s/core/err.h", cwd);
        if (access(probe, F_OK) == 0) {
            snprintf(root, sizeof(root), "%s", cwd);
            return root;
        }
        char *slash = strrchr(cwd, '/');
        if (!slash || slash == cwd)
            return ".";
        *slash = '\0';
    }
}

static int run_one(const test_case *tc)
{
    g_current = tc->name;
    g_soft_failed = 0;
    if (setjmp(g_jmp) != 0)
        return 0;
    tc->fn();
    return !g_soft_failed;
}

int test_main(const test_case *cases, size_t n, int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (argc > 1) {
            int want = 0;
            for (int a = 1; a < argc; a++)
                want |= strcmp(argv[a], cases[i].name) == 0;
            if (!want)
                continue;
        }
        int ok = run_one(&cases[i]);
        printf("%s %s\n", ok ? "ok  " : "FAIL", cases[i].name);
        if (ok)
            passed++;
        else
            failed++;
    }
    g_current = NULL;
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
