/* sluice core: the AWS SDKs' "standard" retry mode. All retry and backoff
 * decisions live here (aws-wire-notes section 3). */
#ifndef SL_CORE_RETRY_H
#define SL_CORE_RETRY_H

#include <pthread.h>
#include <stdbool.h>

#include "core/err.h"

#define SL_RETRY_QUOTA_MAX 500
#define SL_RETRY_COST 5
#define SL_RETRY_TIMEOUT_COST 10
#define SL_RETRY_MAX_BACKOFF_MS 20000

typedef enum {
    SL_RETRY_NO = 0,
    SL_RETRY_TRANSIENT,   /* no response, 500/502/503/504, RequestTimeout */
    SL_RETRY_THROTTLE,    /* Throttling, SlowDown, 429, ... */
    SL_RETRY_CLOCK_SKEW,  /* RequestTimeTooSkewed and friends: re-sign and retry once */
} sl_retry_kind;

/* Token bucket shared by all calls of one client. */
typedef struct sl_retry_quota {
    pthread_mutex_t mu;
    int tokens;
} sl_retry_quota;

void sl_retry_quota_init(sl_retry_quota *q);
void sl_retry_quota_cleanup(sl_retry_quota *q);
/* Take the cost of a retry; false (and nothing taken) when the bucket cannot pay. */
bool sl_retry_quota_acquire(sl_retry_quota *q, bool timeout, int *cost);
/* After a success: refund the last retry's cost, or add 1 when there was none. */
void sl_retry_quota_success(sl_retry_quota *q, int last_cost);

/* Classify an error; also sets err->retryable. timed_out: no response due to a timeout. */
sl_retry_kind sl_retry_classify(sl_err *err);
bool sl_retry_is_throttle_code(const char *aws_code);

/* Full-jitter backoff for retry number n (1 = first retry): rand[0,1) * min(2^(n-1) s, 20 s).
 * rnd is a value in [0,1); pass sl_retry_rand(). */
long sl_retry_backoff_ms(int n, double rnd);
double sl_retry_rand(void);

#endif
