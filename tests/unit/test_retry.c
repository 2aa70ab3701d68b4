/* Standard retry mode: classification, full-jitter backoff bounds, the retry quota. */
#include <stdio.h>
#include <string.h>

#include "core/retry.h"
#include "tests/lib/test.h"

static sl_err mk(sl_code code, int status, const char *aws)
{
    sl_err e = SL_ERR_INIT;
    e.code = code;
    e.http_status = status;
    snprintf(e.aws_code, sizeof(e.aws_code), "%s", aws);
    return e;
}

static void test_retry__classification(void)
{
    struct { sl_code code; int status; const char *aws; sl_retry_kind want; } cases[] = {
        {SL_ENET, 0, "", SL_RETRY_TRANSIENT},
        {SL_EAWS, 500, "InternalError", SL_RETRY_TRANSIENT},
        {SL_EAWS, 502, "", SL_RETRY_TRANSIENT},
        {SL_EAWS, 503, "SlowDown", SL_RETRY_THROTTLE},
        {SL_EAWS, 504, "", SL_RETRY_TRANSIENT},
        {SL_EAWS, 400, "ThrottlingException", SL_RETRY_THROTTLE},
        {SL_EAWS, 400, "ProvisionedThroughputExceededException", SL_RETRY_THROTTLE},
        {SL_EAWS, 400, "RequestThrottled", SL_RETRY_THROTTLE},
        {SL_EAWS, 429, "", SL_RETRY_THROTTLE},
        {SL_EAWS, 400, "RequestTimeout", SL_RETRY_TRANSIENT},
        {SL_EAWS, 400, "ValidationException", SL_RETRY_NO},
        {SL_ENOTFOUND, 404, "NoSuchKey", SL_RETRY_NO},
        {SL_ECONFLICT, 400, "ConditionalCheckFailedException", SL_RETRY_NO},
        {SL_EAWS, 403, "AccessDenied", SL_RETRY_NO},
        {SL_EAWS, 403, "RequestTimeTooSkewed", SL_RETRY_CLOCK_SKEW},
        {SL_EPARSE, 200, "", SL_RETRY_NO},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        sl_err e = mk(cases[i].code, cases[i].status, cases[i].aws);
        sl_retry_kind k = sl_retry_classify(&e);
        CHECK_MSG(k == cases[i].want, "case %zu (%d %s): kind %d, want %d", i,
                  cases[i].status, cases[i].aws, (int)k, (int)cases[i].want);
        CHECK(e.retryable == (k == SL_RETRY_TRANSIENT || k == SL_RETRY_THROTTLE));
    }
}

static void test_retry__backoff_is_full_jitter_with_cap(void)
{
    CHECK_INT(sl_retry_backoff_ms(1, 0.0), 0);
    CHECK_INT(sl_retry_backoff_ms(1, 0.5), 500);
    CHECK_INT(sl_retry_backoff_ms(2, 0.5), 1000);
    CHECK_INT(sl_retry_backoff_ms(3, 0.5), 2000);
    CHECK_INT(sl_retry_backoff_ms(6, 0.5), 10000);
    CHECK_INT(sl_retry_backoff_ms(7, 0.5), 10000);   /* cap 20 s */
    CHECK_INT(sl_retry_backoff_ms(40, 0.999), 19980);
    for (int i = 0; i < 1000; i++) {
        double r = sl_retry_rand();
        CHECK(r >= 0.0 && r < 1.0);
    }
}

static void test_retry__quota(void)
{
    sl_retry_quota q;
    sl_retry_quota_init(&q);
    int cost = 0, n = 0;
    while (sl_retry_quota_acquire(&q, false, &cost))
        n++;
    CHECK_INT(n, SL_RETRY_QUOTA_MAX / SL_RETRY_COST);
    CHECK_INT(cost, 0);
    sl_retry_quota_success(&q, 5);   /* refund of a successful retry */
    CHECK(sl_retry_quota_acquire(&q, false, &cost));
    CHECK_INT(cost, 5);
    CHECK(!sl_retry_quota_acquire(&q, true, &cost));   /* timeouts cost 10 */
    for (int i = 0; i < 1000; i++)
        sl_retry_quota_success(&q, 0);
    CHECK_INT(q.tokens, SL_RETRY_QUOTA_MAX);
    sl_retry_quota_cleanup(&q);
}

int main(int argc, char **argv)
{
    static const test_case cases[] = {
        TEST_CASE(test_retry__classification),
        TEST_CASE(test_retry__backoff_is_full_jitter_with_cap),
        TEST_CASE(test_retry__quota),
    };
    return test_main(cases, sizeof(cases) / sizeof(*cases), argc, argv);
}
