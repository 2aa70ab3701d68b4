/* sluice core: HTTP transport on libcurl. One sl_http per thread: it owns one easy
 * handle whose connection cache gives keep-alive reuse. TLS verification is always
 * on (CA bundle from SSL_CERT_FILE, else the Debian or Amazon Linux location).
 * Bodies stream through callbacks, so no object has to fit in memory. */
#ifndef SL_CORE_HTTP_H
#define SL_CORE_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/hdrs.h"

/* Request body source: either memory (data/len) or a reader with a known length. */
typedef size_t (*sl_read_fn)(char *dst, size_t n, void *ctx);  /* 0 = end, SIZE_MAX = abort */
typedef int (*sl_rewind_fn)(void *ctx);                         /* 0 = rewound: may retry */
/* Response body sink: return 0 to go on, anything else cancels (SL_ECANCELLED). */
typedef int (*sl_write_fn)(const char *p, size_t n, void *ctx);

typedef struct sl_body {
    const char *data;      /* memory body (may be NULL with len 0) */
    size_t len;
    sl_read_fn read;       /* streamed body instead of data */
    sl_rewind_fn rewind;   /* NULL: a streamed body cannot be resent */
    void *ctx;
    int64_t length;        /* streamed body length (always sent as Content-Length) */
} sl_body;

typedef struct sl_http_req {
    const char *method;          /* GET HEAD PUT POST DELETE */
    const char *url;             /* full URL, path and query already encoded */
    const sl_hdrs *headers;      /* sent as given (already signed) */
    sl_body body;
    sl_write_fn on_body;         /* 2xx bodies go here when set; others to resp->body */
    void *on_body_ctx;
    long timeout_ms;             /* whole request; 0 = none (stall timeout still applies) */
} sl_http_req;

typedef struct sl_http_resp {
    int status;                  /* 0 when no response */
    sl_hdrs headers;             /* of the final response */
    sl_buf body;                 /* capped: SL_HTTP_MAX_BODY unless init'ed otherwise */
    int64_t streamed;            /* bytes handed to on_body */
    bool timed_out;              /* no response because a timeout hit */
} sl_http_resp;

#define SL_HTTP_MAX_BODY (64u << 20)   /* in-memory response cap */

void sl_http_resp_init(sl_http_resp *r);
void sl_http_resp_reset(sl_http_resp *r);   /* before a retry */
void sl_http_resp_cleanup(sl_http_resp *r);

typedef struct sl_http_opts {
    long connect_timeout_ms;   /* default 5000 */
    long stall_timeout_s;      /* abort when < 1 byte/s for this long; default 60 */
    const char *ca_file;       /* NULL = SSL_CERT_FILE or the system bundle */
    bool no_proxy;             /* ignore http(s)_proxy: link-local credential endpoints */
} sl_http_opts;

#define SL_HTTP_OPTS_INIT { 5000, 60, NULL, false }

typedef struct sl_http sl_http;

/* curl_global_init must have run (sl_http_global_init, from main). */
int sl_http_global_init(void);
void sl_http_global_cleanup(void);

SL_MUST_CHECK int sl_http_new(sl_http **out, const sl_http_opts *opts, sl_err *err);
void sl_http_free(sl_http *h);

/* Send one request. Returns SL_OK whenever a complete response arrived, whatever its
 * status; SL_ENET when none did (resp->timed_out tells a timeout), SL_ECANCELLED
 * when a callback stopped it, SL_ETOOBIG when a non-streamed body passed its cap. */
SL_MUST_CHECK int sl_http_send(sl_http *h, const sl_http_req *req, sl_http_resp *resp,
                               sl_err *err);

/* The CA bundle sl_http uses: SSL_CERT_FILE, else the first existing system bundle
 * (Debian, Amazon Linux, ...); NULL lets libcurl use its built-in default. */
const char *sl_http_ca_file(void);

#endif
