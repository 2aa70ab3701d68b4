/* sluice core: the one error type every fallible call fills. */
#ifndef SL_CORE_ERR_H
#define SL_CORE_ERR_H

#include <stdbool.h>

#if defined(__GNUC__)
#define SL_MUST_CHECK __attribute__((warn_unused_result))
#define SL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SL_MUST_CHECK
#define SL_PRINTF(a, b)
#endif

typedef enum {
    SL_OK = 0,
    SL_ENOMEM = -1,
    SL_EINVAL = -2,
    SL_EIO = -3,
    SL_ENET = -4,       /* no HTTP response: DNS, connect, TLS, timeout, reset */
    SL_EAWS = -5,       /* the service answered with an error document */
    SL_ENOTFOUND = -6,  /* 404 / NoSuchKey / ResourceNotFound / QueueDoesNotExist */
    SL_ECONFLICT = -7,  /* a condition failed: ConditionalCheckFailed, 412 */
    SL_EPARSE = -8,     /* a response we could not understand */
    SL_ETOOBIG = -9,    /* a buffer cap was reached */
    SL_ECANCELLED = -10,/* the caller's callback asked to stop */
    SL_EUNSUPPORTED = -11, /* the endpoint does not implement this call */
    SL_ECONFIG = -12,   /* missing or invalid configuration or credentials */
} sl_code;

typedef struct sl_err {
    sl_code code;
    int http_status;       /* 0 when no response arrived */
    char aws_code[64];     /* NoSuchKey, ThrottlingException, ... */
    char request_id[80];   /* x-amz-request-id / x-amzn-RequestId */
    char message[256];     /* one line, never a secret */
    bool retryable;        /* decided in core/retry.c */
} sl_err;

#define SL_ERR_INIT { SL_OK, 0, "", "", "", false }

/* Reset *err to success. err may be NULL. */
void sl_err_clear(sl_err *err);

/* Set code and a formatted one-line message; returns code so callers can
 * `return sl_err_set(err, SL_EINVAL, "...")`. err may be NULL. */
int sl_err_set(sl_err *err, sl_code code, const char *fmt, ...) SL_PRINTF(3, 4);

/* Prefix the existing message with context ("GetObject b/k: "). */
void sl_err_prefix(sl_err *err, const char *fmt, ...) SL_PRINTF(2, 3);

/* Static name of a code ("ENOTFOUND"). */
const char *sl_code_name(sl_code code);

/* Format "message (AwsCode, HTTP 404, request id X)" into out. */
const char *sl_err_str(const sl_err *err, char *out, int outsz);

#endif
