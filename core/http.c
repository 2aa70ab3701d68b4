#include "core/http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/str.h"

struct sl_http {
    CURL *curl;
    sl_http_opts opts;
    char errbuf[CURL_ERROR_SIZE];
};

/* Per-request state handed to the curl callbacks. */
typedef struct {
    const sl_http_req *req;
    sl_http_resp *resp;
    sl_http *h;
    size_t mem_off;        /* memory body: bytes sent */
    int cb_error;          /* SL_ECANCELLED / SL_ETOOBIG / SL_ENOMEM from a callback */
} xfer;

int sl_http_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? SL_OK : SL_EIO;
}

void sl_http_global_cleanup(void)
{
    curl_global_cleanup();
}

const char *sl_http_ca_file(void)
{
    const char *env = getenv("SSL_CERT_FILE");
    if (env && *env)
        return env;
    static const char *const bundles[] = {
        "/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu */
        "/etc/pki/tls/certs/ca-bundle.crt",                  /* Amazon Linux, Fedora */
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* Amazon Linux 2023 */
        "/etc/ssl/cert.pem",                                 /* Alpine, macOS */
    };
    for (size_t i = 0; i < sizeof(bundles) / sizeof(*bundles); i++)
        if (access(bundles[i], R_OK) == 0)
            return bundles[i];
    return NULL;
}

void sl_http_resp_init(sl_http_resp *r)
{
    memset(r, 0, sizeof(*r));
    sl_buf_init(&r->body, SL_HTTP_MAX_BODY);
}

void sl_http_resp_reset(sl_http_resp *r)
{
    r->status = 0;
    sl_hdrs_cleanup(&r->headers);
    sl_buf_reset(&r->body);
    r->streamed = 0;
    r->timed_out = false;
}

void sl_http_resp_cleanup(sl_http_resp *r)
{
    if (!r)
        return;
    sl_hdrs_cleanup(&r->headers);
    sl_buf_cleanup(&r->body);
}

int sl_http_new(sl_http **out, const sl_http_opts *opts, sl_err *err)
{
    *out = NULL;
    sl_http *h = calloc(1, sizeof(*h));
    if (!h)
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    sl_http_opts def = SL_HTTP_OPTS_INIT;
    h->opts = opts ? *opts : def;
    h->curl = curl_easy_init();
    if (!h->curl) {
        free(h);
        return sl_err_set(err, SL_ENOMEM, "curl_easy_init failed");
    }
    *out = h;
    return SL_OK;
}

void sl_http_free(sl_http *h)
{
    if (!h)
        return;
    curl_easy_cleanup(h->curl);
    free(h);
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = size * n;
    /* A new status line (after 100 Continue or a redirect) starts a new header set. */
    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        sl_hdrs_cleanup(&x->resp->headers);
        return len;
    }
    const char *colon = memchr(p, ':', len);
    if (!colon)
        return len;
    size_t nlen = (size_t)(colon - p);
    const char *v = colon + 1, *end = p + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    if (sl_hdrs_addn(&x->resp->headers, p, nlen, v, (size_t)(end - v))) {
        x->cb_error = SL_ENOMEM;
        return 0;
    }
    return len;
}

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = size * n;
    long status = 0;
    curl_easy_getinfo(x->h->curl, CURLINFO_RESPONSE_CODE, &status);
    if (x->req->on_body && status >= 200 && status < 300) {
        if (x->req->on_body(p, len, x->req->on_body_ctx)) {
            x->cb_error = SL_ECANCELLED;
            return 0;
        }
        x->resp->streamed += (int64_t)len;
        return len;
    }
    int rc = sl_buf_append(&x->resp->body, p, len);
    if (rc) {
        x->cb_error = rc;
        return 0;
    }
    return len;
}

static size_t on_read(char *dst, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    size_t want = size * n;
    const sl_body *b = &x->req->body;
    if (b->read) {
        size_t got = b->read(dst, want, b->ctx);
        if (got == SIZE_MAX) {
            x->cb_error = SL_ECANCELLED;
            return CURL_READFUNC_ABORT;
        }
        return got;
    }
    size_t left = b->len - x->mem_off;
    if (want > left)
        want = left;
    if (want)
        memcpy(dst, b->data + x->mem_off, want);
    x->mem_off += want;
    return want;
}

static int set_method(CURL *c, const sl_http_req *req, int64_t len)
{
    const char *m = req->method;
    bool has_body = req->body.read || req->body.data || len > 0;
    if (strcmp(m, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (strcmp(m, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(m, "PUT") == 0 || has_body) {
        /* UPLOAD sends PUT with a read callback and an exact Content-Length; the
         * method is then overridden for POST bodies. */
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
        if (strcmp(m, "PUT") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m);
    } else if (strcmp(m, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m);
    }
    return SL_OK;
}

int sl_http_send(sl_http *h, const sl_http_req *req, sl_http_resp *resp, sl_err *err)
{
    CURL *c = h->curl;
    curl_easy_reset(c);   /* keeps the connection cache */
    sl_http_resp_reset(resp);
    xfer x = {.req = req, .resp = resp, .h = h};
    int64_t len = req->body.read ? req->body.length : (int64_t)req->body.len;

    struct curl_slist *list = NULL, *tmp;
    int rc = SL_OK;
    sl_buf line;
    sl_buf_init(&line, 0);
    for (size_t i = 0; req->headers && i < req->headers->n && !rc; i++) {
        sl_buf_reset(&line);
        const sl_hdr *hd = &req->headers->v[i];
        /* "Name;" is curl's spelling of a header with an empty value. */
        rc = *hd->value ? sl_buf_printf(&line, "%s: %s", hd->name, hd->value)
                        : sl_buf_printf(&line, "%s;", hd->name);
        if (!rc && !(tmp = curl_slist_append(list, line.data)))
            rc = SL_ENOMEM;
        else if (!rc)
            list = tmp;
    }
    /* No 100-continue round trip, no curl-chosen content type, no chunking. */
    static const char *const suppress[] = {"Expect:", "Transfer-Encoding:", "Accept:"};
    for (size_t i = 0; i < 3 && !rc; i++) {
        if (!(tmp = curl_slist_append(list, suppress[i])))
            rc = SL_ENOMEM;
        else
            list = tmp;
    }
    if (!req->headers || !sl_hdrs_get(req->headers, "Content-Type")) {
        if (!(tmp = curl_slist_append(list, "Content-Type:")))
            rc = SL_ENOMEM;
        else
            list = tmp;
    }
    sl_buf_cleanup(&line);
    if (rc) {
        curl_slist_free_all(list);
        return sl_err_set(err, rc, "out of memory building request");
    }

    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->opts.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : 0L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, h->opts.stall_timeout_s);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    const char *ca = h->opts.ca_file ? h->opts.ca_file : sl_http_ca_file();
    if (ca)
        curl_easy_setopt(c, CURLOPT_CAINFO, ca);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (h->opts.no_proxy)
        curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &x);
    set_method(c, req, len);
    h->errbuf[0] = '\0';

    CURLcode cc = curl_easy_perform(c);
    curl_slist_free_all(list);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);

    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (x.cb_error) {
        resp->status = (int)status;
        if (x.cb_error == SL_ECANCELLED)
            return sl_err_set(err, SL_ECANCELLED, "%s %s: cancelled by callback",
                              req->method, "request");
        if (x.cb_error == SL_ETOOBIG)
            return sl_err_set(err, SL_ETOOBIG, "response body larger than %zu bytes",
                              resp->body.max);
        return sl_err_set(err, x.cb_error, "out of memory receiving response");
    }
    if (cc != CURLE_OK) {
        resp->timed_out = cc == CURLE_OPERATION_TIMEDOUT;
        resp->status = 0;
        int r = sl_err_set(err, SL_ENET, "%s: %s", curl_easy_strerror(cc),
                           h->errbuf[0] ? h->errbuf : "no detail");
        if (err)
            err->http_status = (int)status;
        return r;
    }
    resp->status = (int)status;
    return SL_OK;
}
