#include "core/retry.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

void sl_retry_quota_init(sl_retry_quota *q)
{
    pthread_mutex_init(&q->mu, NULL);
    q->tokens = SL_RETRY_QUOTA_MAX;
}

void sl_retry_quota_cleanup(sl_retry_quota *q)
{
    pthread_mutex_destroy(&q->mu);
}

bool sl_retry_quota_acquire(sl_retry_quota *q, bool timeout, int *cost)
{
    int c = timeout ? SL_RETRY_TIMEOUT_COST : SL_RETRY_COST;
    bool ok;
    pthread_mutex_lock(&q->mu);
    ok = q->tokens >= c;
    if (ok)
        q->tokens -= c;
    pthread_mutex_unlock(&q->mu);
    *cost = ok ? c : 0;
    return ok;
}

void sl_retry_quota_success(sl_retry_quota *q, int last_cost)
{
    pthread_mutex_lock(&q->mu);
    q->tokens += last_cost ? last_cost : 1;
    if (q->tokens > SL_RETRY_QUOTA_MAX)
        q->tokens = SL_RETRY_QUOTA_MAX;
    pthread_mutex_unlock(&q->mu);
}

static bool in_list(const char *code, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(code, *list) == 0)
            return true;
    return false;
}

bool sl_retry_is_throttle_code(const char *code)
{
    static const char *const throttle[] = {
        "Throttling", "ThrottlingException", "ThrottledException",
        "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
        "RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
        "KmsThrottled", NULL};
    return code && in_list(code, throttle);
}

sl_retry_kind sl_retry_classify(sl_err *err)
{
    static const char *const transient[] = {"RequestTimeout", "RequestTimeoutException",
                                            "InternalError", "InternalServerError",
                                            "ServiceUnavailable", NULL};
    static const char *const skew[] = {"RequestTimeTooSkewed", "RequestExpired",
                                       "RequestInTheFuture", "InvalidSignatureException",
                                       "SignatureDoesNotMatch", "AuthFailure", NULL};
    sl_retry_kind k = SL_RETRY_NO;
    if (!err || err->code == SL_OK) {
        k = SL_RETRY_NO;
    } else if (err->code == SL_ENET) {
        k = SL_RETRY_TRANSIENT;
    } else if (sl_retry_is_throttle_code(err->aws_code) || err->http_status == 429) {
        k = SL_RETRY_THROTTLE;
    } else if (in_list(err->aws_code, transient) || err->http_status == 500 ||
               err->http_status == 502 || err->http_status == 503 ||
               err->http_status == 504) {
        k = SL_RETRY_TRANSIENT;
    } else if (in_list(err->aws_code, skew)) {
        k = SL_RETRY_CLOCK_SKEW;
    }
    if (err)
        err->retryable = k == SL_RETRY_TRANSIENT || k == SL_RETRY_THROTTLE;
    return k;
}

long sl_retry_backoff_ms(int n, double rnd)
{
    long cap = 1000;
    for (int i = 1; i < n && cap < SL_RETRY_MAX_BACKOFF_MS; i++)
        cap *= 2;
    if (cap > SL_RETRY_MAX_BACKOFF_MS)
        cap = SL_RETRY_MAX_BACKOFF_MS;
    if (rnd < 0)
        rnd = 0;
    if (rnd >= 1)
        rnd = 0.999999;
    return (long)(rnd * (double)cap);
}

double sl_retry_rand(void)
{
    unsigned int v;
    if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
        v = (unsigned int)rand();
    return (double)v / 4294967296.0;
}
