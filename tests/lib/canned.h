/* sluice tests: a small canned-reply HTTP server on a free 127.0.0.1 port, for
 * transport and retry paths moto never takes: throttling, 5xx, HTML pages, resets
 * mid-body, slow answers, bad bodies. It answers requests with a script of
 * responses in order (the last one repeats), keeps connections alive, and counts
 * requests and connections. */
#ifndef SL_TESTS_CANNED_H
#define SL_TESTS_CANNED_H

#include <stddef.h>

typedef struct canned_resp {
    int status;
    const char *headers;     /* extra header lines, each ending "\r\n"; may be NULL */
    const char *body;        /* may be NULL */
    long body_len;           /* -1 = strlen(body) */
    long send_bytes;         /* -1 = all; else send only this many body bytes, then close */
    int delay_ms;            /* wait before answering */
} canned_resp;

typedef struct canned_server canned_server;

canned_server *canned_start(const canned_resp *script, size_t n);
void canned_stop(canned_server *s);
int canned_port(const canned_server *s);
const char *canned_url(const canned_server *s);   /* "http://127.0.0.1:PORT" */
int canned_requests(canned_server *s);
int canned_connections(canned_server *s);
/* Copy of the head (request line + headers) of request number i (0-based), or NULL. */
char *canned_request_head(canned_server *s, int i);

#endif
