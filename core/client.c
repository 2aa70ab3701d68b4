#include "core/client.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/log.h"
#include "core/retry.h"
#include "core/sigv4.h"
#include "core/str.h"

const sl_service SL_SVC_S3 = {"s3", "S3", "s3", "s3", NULL, NULL, SL_PROTO_REST_XML};
const sl_service SL_SVC_DYNAMODB = {"dynamodb", "DYNAMODB", "dynamodb", "dynamodb",
                                    "DynamoDB_20120810", NULL, SL_PROTO_JSON};
const sl_service SL_SVC_SQS = {"sqs", "SQS", "sqs", "sqs", "AmazonSQS", NULL, SL_PROTO_JSON};
const sl_service SL_SVC_SNS = {"sns", "SNS", "sns", "sns", NULL, "2010-03-31", SL_PROTO_QUERY};
const sl_service SL_SVC_CLOUDWATCH = {"monitoring", "CLOUDWATCH", "cloudwatch", "monitoring",
                                      NULL, "2010-08-01", SL_PROTO_QUERY};
const sl_service SL_SVC_CLOUDFORMATION = {"cloudformation", "CLOUDFORMATION", "cloudformation",
                                          "cloudformation", NULL, "2010-05-15",
                                          SL_PROTO_QUERY};

struct sl_client {
    const sl_service *svc;
    const sl_config *cfg;
    sl_cred_provider *creds;
    sl_http *http;
    sl_client_opts opts;
    char *region;
    char *endpoint;     /* scheme://host[:port][/base] without trailing '/' */
    char *scheme;       /* "http" / "https" */
    char *host;         /* host[:port] as sent in Host */
    char *base_path;    /* "" or "/base" */
    bool custom;
    int max_attempts;
    sl_retry_quota quota;
    long clock_offset_s;  /* server time minus ours, learned from skew errors */
};

static int parse_endpoint(sl_client *c, const char *url, sl_err *err)
{
    const char *sep = strstr(url, "://");
    if (!sep || (strncmp(url, "http", 4) != 0) ||
        ((size_t)(sep - url) != 4 && (size_t)(sep - url) != 5) ||
        ((size_t)(sep - url) == 5 && url[4] != 's'))
        return sl_err_set(err, SL_ECONFIG, "endpoint URL must start with http:// or https://");
    const char *h = sep + 3;
    size_t hl = strcspn(h, "/?#");
    if (hl == 0)
        return sl_err_set(err, SL_ECONFIG, "endpoint URL has no host");
    const char *rest = h + hl;
    size_t pl = strcspn(rest, "?#");
    while (pl && rest[pl - 1] == '/')
        pl--;
    c->scheme = sl_strndup(url, (size_t)(sep - url));
    c->host = sl_strndup(h, hl);
    c->base_path = sl_strndup(rest, pl);
    size_t n = (size_t)(rest - url) + pl;
    c->endpoint = sl_strndup(url, n);
    if (!c->scheme || !c->host || !c->base_path || !c->endpoint)
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    return SL_OK;
}

int sl_client_new(sl_client **out, const sl_service *svc, const sl_config *cfg,
                  sl_cred_provider *creds, const sl_client_opts *opts, sl_err *err)
{
    *out = NULL;
    sl_client *c = calloc(1, sizeof(*c));
    if (!c)
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    sl_client_opts def = SL_CLIENT_OPTS_INIT;
    c->opts = opts ? *opts : def;
    c->svc = svc;
    c->cfg = cfg;
    c->creds = sl_cred_provider_ref(creds);
    sl_retry_quota_init(&c->quota);
    int rc;
    const char *region = c->opts.region ? c->opts.region : cfg->region;
    if (!region || !*region) {
        rc = sl_err_set(err, SL_ECONFIG,
                        "no AWS region configured (set AWS_REGION or a profile region)");
        goto fail;
    }
    c->region = strdup(region);
    char *ep = c->opts.endpoint ? strdup(c->opts.endpoint)
                                : sl_config_endpoint(cfg, svc->env_id, svc->config_key);
    c->custom = ep != NULL;
    if (!ep && asprintf(&ep, "https://%s.%s.amazonaws.com", svc->host_prefix, region) < 0)
        ep = NULL;
    if (!c->region || !ep) {
        free(ep);
        rc = sl_err_set(err, SL_ENOMEM, "out of memory");
        goto fail;
    }
    rc = parse_endpoint(c, ep, err);
    if (rc) {
        sl_err_prefix(err, "%s endpoint: ", svc->env_id);
        free(ep);
        goto fail;
    }
    free(ep);
    c->max_attempts = c->opts.max_attempts > 0 ? c->opts.max_attempts
                                               : (cfg->max_attempts > 0 ? cfg->max_attempts : 3);
    sl_http_opts ho = SL_HTTP_OPTS_INIT;
    if (c->opts.connect_timeout_ms > 0)
        ho.connect_timeout_ms = c->opts.connect_timeout_ms;
    rc = sl_http_new(&c->http, &ho, err);
    if (rc)
        goto fail;
    *out = c;
    return SL_OK;
fail:
    sl_client_free(c);
    return rc;
}

void sl_client_free(sl_client *c)
{
    if (!c)
        return;
    sl_http_free(c->http);
    sl_cred_provider_free(c->creds);
    sl_retry_quota_cleanup(&c->quota);
    free(c->region);
    free(c->endpoint);
    free(c->scheme);
    free(c->host);
    free(c->base_path);
    free(c);
}

int sl_client_dup(sl_client **out, const sl_client *c, sl_err *err)
{
    sl_client_opts o = c->opts;
    o.region = c->region;
    o.endpoint = c->endpoint;
    o.max_attempts = c->max_attempts;
    int rc = sl_client_new(out, c->svc, c->cfg, c->creds, &o, err);
    if (!rc)
        (*out)->custom = c->custom;
    return rc;
}

const char *sl_client_region(const sl_client *c) { return c->region; }
const char *sl_client_endpoint(const sl_client *c) { return c->endpoint; }
bool sl_client_custom_endpoint(const sl_client *c) { return c->custom; }
int sl_client_max_attempts(const sl_client *c) { return c->max_attempts; }

/* ---- error documents ---- */

static void copy_str(char *dst, size_t n, const char *src)
{
    if (src)
        snprintf(dst, n, "%s", src);
}

static const char *request_id_header(const sl_hdrs *h)
{
    const char *id = sl_hdrs_get(h, "x-amz-request-id");
    if (!id)
        id = sl_hdrs_get(h, "x-amzn-RequestId");
    return id;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static sl_code map_code(int status, const char *aws_code)
{
    static const char *const notfound[] = {
        "NoSuchKey", "NoSuchBucket", "NoSuchUpload", "NotFound", "ResourceNotFoundException",
        "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "ResourceNotFound",
        "NoSuchVersion", NULL};
    static const char *const conflict[] = {"ConditionalCheckFailedException",
                                           "PreconditionFailed", NULL};
    if (in_list(aws_code, notfound) || (status == 404 && !*aws_code))
        return SL_ENOTFOUND;
    if (in_list(aws_code, conflict) || status == 412)
        return SL_ECONFLICT;
    return SL_EAWS;
}

/* Printable one-line snippet of a body that is neither JSON nor XML (an HTML page). */
static void snippet(char *out, size_t n, const char *body, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; i < len && j + 1 < n; i++) {
        unsigned char ch = (unsigned char)body[i];
        out[j++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : ' ';
    }
    out[j] = '\0';
}

static void parse_json_error(sl_err *err, const char *body, size_t len, char *msg, size_t msgn)
{
    cJSON *j = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return;
    }
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "__type"));
    if (!type)
        type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "code"));
    if (type) {
        /* "aws.protocol#Code:http://internal..." -> "Code" */
        const char *hash = strrchr(type, '#');
        const char *start = hash ? hash + 1 : type;
        size_t n = strcspn(start, ":");
        snprintf(err->aws_code, sizeof(err->aws_code), "%.*s", (int)n, start);
    }
    const char *m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "message"));
    if (!m)
        m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "Message"));
    copy_str(msg, msgn, m);
    cJSON_Delete(j);
}

static void parse_xml_error(sl_err *err, const char *body, size_t len, char *msg, size_t msgn)
{
    sl_xml *x = NULL;
    if (sl_xml_parse(&x, body, len, NULL))
        return;
    const sl_xml *e = sl_xml_find(x, "Error");
    const sl_xml *scope = e ? e : x;
    const char *code = sl_xml_text(scope, "Code");
    if (code)
        copy_str(err->aws_code, sizeof(err->aws_code), code);
    copy_str(msg, msgn, sl_xml_text(scope, "Message"));
    const sl_xml *rid = sl_xml_find(x, "RequestId");
    if (rid && !err->request_id[0])
        copy_str(err->request_id, sizeof(err->request_id), rid->text);
    sl_xml_free(x);
}

static const char *status_code_name(int status)
{
    switch (status) {
    case 304: return "NotModified";
    case 400: return "BadRequest";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 412: return "PreconditionFailed";
    case 416: return "InvalidRange";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    }
    return "";
}

int sl_client_parse_error(sl_err *err, sl_proto proto, const char *op, int status,
                          const sl_hdrs *headers, const char *body, size_t len)
{
    sl_err tmp = SL_ERR_INIT;
    char msg[200] = "";
    tmp.http_status = status;
    copy_str(tmp.request_id, sizeof(tmp.request_id), request_id_header(headers));
    size_t i = 0;
    while (i < len && isspace((unsigned char)body[i]))
        i++;
    if (i < len && body[i] == '{')
        parse_json_error(&tmp, body, len, msg, sizeof(msg));
    else if (i < len && body[i] == '<')
        parse_xml_error(&tmp, body, len, msg, sizeof(msg));
    if (!tmp.aws_code[0]) {
        const char *et = sl_hdrs_get(headers, "x-amzn-ErrorType");
        if (et)
            snprintf(tmp.aws_code, sizeof(tmp.aws_code), "%.*s", (int)strcspn(et, ":"), et);
    }
    (void)proto;   /* every family is recognised by the body's first byte */
    if (!tmp.aws_code[0])
        copy_str(tmp.aws_code, sizeof(tmp.aws_code), status_code_name(status));
    if (!msg[0] && len) {
        char snip[81];
        snippet(snip, sizeof(snip), body + i, len - i);
        snprintf(msg, sizeof(msg), "HTTP %d: %s", status, snip);
    } else if (!msg[0]) {
        snprintf(msg, sizeof(msg), "HTTP %d with no error body", status);
    }
    tmp.code = map_code(status, tmp.aws_code);
    snprintf(tmp.message, sizeof(tmp.message), "%s: %s", op ? op : "request", msg);
    for (char *p = tmp.message; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    sl_retry_classify(&tmp);
    if (err)
        *err = tmp;
    return tmp.code;
}

/* ---- the call loop ---- */

static uint32_t crc32_of(const char *p, size_t n)
{
    static uint32_t table[256];
    static int ready;
    if (!ready) {   /* idempotent: racing threads write identical values */
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        ready = 1;
    }
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = table[(c ^ (unsigned char)p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static int build_url(sl_buf *url, const sl_client *c, const sl_call *call)
{
    int rc = sl_buf_printf(url, "%s://%s%s%s%s", c->scheme, call->host_prefix ? call->host_prefix : "",
                           call->host_prefix ? "." : "", c->host, c->base_path);
    if (!rc)
        rc = sl_buf_puts(url, call->path && *call->path ? call->path : "/");
    if (!rc && call->query && *call->query)
        rc = sl_buf_printf(url, "?%s", call->query);
    return rc;
}

static void sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* One signed attempt. */
static int attempt(sl_client *c, const sl_call *call, const char *url, const char *path,
                   const char *payload_hash, sl_http_resp *resp, sl_err *err)
{
    sl_creds cr = SL_CREDS_INIT;
    sl_hdrs h = SL_HDRS_INIT;
    int rc = sl_cred_provider_get(c->creds, &cr, err);
    if (rc)
        return rc;
    char host[512];
    snprintf(host, sizeof(host), "%s%s%s", call->host_prefix ? call->host_prefix : "",
             call->host_prefix ? "." : "", c->host);
    rc = sl_hdrs_add(&h, "Host", host);
    for (size_t i = 0; !rc && call->headers && i < call->headers->n; i++)
        rc = sl_hdrs_add(&h, call->headers->v[i].name, call->headers->v[i].value);
    if (rc) {
        rc = sl_err_set(err, SL_ENOMEM, "out of memory");
        goto done;
    }
    char date[17];
    sl_time_amz(date, time(NULL) + c->clock_offset_s);
    sl_sigv4_params sp = SL_SIGV4_PARAMS_INIT;
    sp.access_key = cr.access_key;
    sp.secret_key = cr.secret_key;
    sp.session_token = cr.session_token;
    sp.region = c->region;
    sp.service = c->svc->signing_name;
    sp.amz_date = date;
    sp.s3 = c->svc->proto == SL_PROTO_REST_XML;
    sl_sigv4_req sr = {call->method, path, call->query, payload_hash};
    rc = sl_sigv4_sign(&h, &sp, &sr, NULL, err);
    if (rc)
        goto done;
    sl_http_req hr = {call->method, url, &h, call->body, call->on_body, call->on_body_ctx,
                      call->timeout_ms < 0 ? 0 : (call->timeout_ms ? call->timeout_ms
                                                                   : c->opts.timeout_ms)};
    rc = sl_http_send(c->http, &hr, resp, err);
done:
    sl_hdrs_cleanup(&h);
    sl_creds_cleanup(&cr);
    return rc;
}

static bool resendable(const sl_call *call, const sl_http_resp *resp)
{
    if (call->no_retry || resp->streamed > 0)
        return false;
    if (call->body.read)
        return call->body.rewind && call->body.rewind(call->body.ctx) == 0;
    return true;
}

/* Learn the server's clock from its Date header; true when it moved by > 4 minutes. */
static bool adjust_clock(sl_client *c, const sl_http_resp *resp)
{
    const char *d = sl_hdrs_get(&resp->headers, "Date");
    time_t server;
    if (!d || sl_time_parse_http(&server, d))
        return false;
    long off = (long)(server - time(NULL));
    if (labs(off - c->clock_offset_s) < 240)
        return false;
    c->clock_offset_s = off;
    return true;
}

int sl_client_call(sl_client *c, const sl_call *call, sl_http_resp *resp, sl_err *err)
{
    sl_buf url, path;
    sl_buf_init(&url, 0);
    sl_buf_init(&path, 0);
    int rc = build_url(&url, c, call);
    if (!rc)
        rc = sl_buf_printf(&path, "%s%s", c->base_path,
                           call->path && *call->path ? call->path : "/");
    if (rc) {
        sl_buf_cleanup(&url);
        sl_buf_cleanup(&path);
        return sl_err_set(err, rc, "out of memory");
    }
    char hash[SL_SHA256_HEX_LEN + 1];
    const char *payload_hash = call->payload_hash;
    if (!payload_hash && call->body.read) {
        payload_hash = SL_UNSIGNED_PAYLOAD;
    } else if (!payload_hash) {
        sl_sha256_hex(hash, call->body.data ? call->body.data : "", call->body.len);
        payload_hash = hash;
    }

    int last_cost = 0;
    bool skew_fixed = false;
    sl_err e = SL_ERR_INIT;   /* local, so retry decisions work when err is NULL */
    for (int n = 1;; n++) {
        int64_t t0 = sl_mono_ms();
        sl_err_clear(&e);
        rc = attempt(c, call, url.data, path.data, payload_hash, resp, &e);
        if (rc == SL_OK && resp->status >= 200 && resp->status < 300) {
            const char *crc = sl_hdrs_get(&resp->headers, "x-amz-crc32");
            if (crc && !call->on_body &&
                strtoul(crc, NULL, 10) != crc32_of(resp->body.data ? resp->body.data : "",
                                                   resp->body.len)) {
                rc = sl_err_set(&e, SL_EAWS, "%s: response failed its CRC32 check", call->op);
                e.http_status = resp->status;
                snprintf(e.aws_code, sizeof(e.aws_code), "CRC32CheckFailed");
            }
        } else if (rc == SL_OK) {
            rc = sl_client_parse_error(&e, c->svc->proto, call->op, resp->status,
                                       &resp->headers, resp->body.data ? resp->body.data : "",
                                       resp->body.len);
        } else if (rc == SL_ENET) {
            sl_err_prefix(&e, "%s: ", call->op);
        }
        if (sl_log_enabled(SL_LOG_DEBUG))
            sl_log(SL_LOG_DEBUG, "aws %s %s status=%d request_id=%s attempt=%d ms=%lld rc=%s",
                   c->svc->signing_name, call->op, resp->status,
                   e.request_id[0] ? e.request_id : "-", n, (long long)(sl_mono_ms() - t0),
                   sl_code_name(rc));
        if (rc == SL_OK) {
            sl_retry_quota_success(&c->quota, last_cost);
            break;
        }
        sl_retry_kind kind = sl_retry_classify(&e);
        if (strcmp(e.aws_code, "CRC32CheckFailed") == 0) {
            kind = SL_RETRY_TRANSIENT;
            e.retryable = true;
        }
        if (kind == SL_RETRY_CLOCK_SKEW && !skew_fixed && adjust_clock(c, resp) &&
            resendable(call, resp)) {
            skew_fixed = true;   /* re-sign with the server's time, once, no backoff */
            continue;
        }
        if ((kind != SL_RETRY_TRANSIENT && kind != SL_RETRY_THROTTLE) ||
            n >= c->max_attempts || !resendable(call, resp))
            break;
        if (!sl_retry_quota_acquire(&c->quota, resp->timed_out, &last_cost)) {
            sl_err_prefix(&e, "retry quota exhausted: ");
            break;
        }
        double scale = c->opts.backoff_scale > 0 ? c->opts.backoff_scale : 1.0;
        sleep_ms((long)((double)sl_retry_backoff_ms(n, sl_retry_rand()) * scale));
    }
    if (err)
        *err = e;
    sl_buf_cleanup(&url);
    sl_buf_cleanup(&path);
    return rc;
}

/* ---- protocol helpers ---- */

static int json_call(cJSON **out, sl_client *c, const char *op, const cJSON *req, bool once,
                     sl_err *err)
{
    *out = NULL;
    char *body = req ? cJSON_PrintUnformatted(req) : strdup("{}");
    if (!body)
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    char target[128];
    snprintf(target, sizeof(target), "%s.%s", c->svc->json_target, op);
    sl_hdrs h = SL_HDRS_INIT;
    int rc = sl_hdrs_add(&h, "Content-Type", "application/x-amz-json-1.0");
    if (!rc)
        rc = sl_hdrs_add(&h, "X-Amz-Target", target);
    if (rc) {
        free(body);
        sl_hdrs_cleanup(&h);
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    }
    sl_call call = {.op = op, .method = "POST", .path = "/", .headers = &h, .no_retry = once};
    call.body.data = body;
    call.body.len = strlen(body);
    sl_http_resp resp;
    sl_http_resp_init(&resp);
    rc = sl_client_call(c, &call, &resp, err);
    if (!rc) {
        const char *b = resp.body.len ? resp.body.data : "{}";
        *out = cJSON_ParseWithLength(b, resp.body.len ? resp.body.len : 2);
        if (!cJSON_IsObject(*out)) {
            cJSON_Delete(*out);
            *out = NULL;
            rc = sl_err_set(err, SL_EPARSE, "%s: response is not a JSON object", op);
            if (err)
                err->http_status = resp.status;
        }
    }
    free(body);
    sl_hdrs_cleanup(&h);
    sl_http_resp_cleanup(&resp);
    return rc;
}

static int query_call(sl_xml **out, sl_client *c, const char *op, const char *params, bool once,
                      sl_err *err)
{
    *out = NULL;
    sl_buf body;
    sl_buf_init(&body, 0);
    sl_hdrs h = SL_HDRS_INIT;
    int rc = sl_buf_printf(&body, "Action=%s&Version=%s%s%s", op, c->svc->api_version,
                           params && *params ? "&" : "", params ? params : "");
    if (!rc)
        rc = sl_hdrs_add(&h, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    if (rc) {
        sl_buf_cleanup(&body);
        sl_hdrs_cleanup(&h);
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    }
    sl_call call = {.op = op, .method = "POST", .path = "/", .headers = &h, .no_retry = once};
    call.body.data = body.data;
    call.body.len = body.len;
    sl_http_resp resp;
    sl_http_resp_init(&resp);
    rc = sl_client_call(c, &call, &resp, err);
    if (!rc) {
        rc = sl_xml_parse(out, resp.body.data, resp.body.len, err);
        if (rc)
            sl_err_prefix(err, "%s: ", op);
    }
    sl_buf_cleanup(&body);
    sl_hdrs_cleanup(&h);
    sl_http_resp_cleanup(&resp);
    return rc;
}

int sl_client_json(cJSON **out, sl_client *c, const char *op, const cJSON *req, sl_err *err)
{
    return json_call(out, c, op, req, false, err);
}

int sl_client_json_once(cJSON **out, sl_client *c, const char *op, const cJSON *req,
                        sl_err *err)
{
    return json_call(out, c, op, req, true, err);
}

int sl_client_query(sl_xml **out, sl_client *c, const char *op, const char *params, sl_err *err)
{
    return query_call(out, c, op, params, false, err);
}

int sl_client_query_once(sl_xml **out, sl_client *c, const char *op, const char *params,
                         sl_err *err)
{
    return query_call(out, c, op, params, true, err);
}

bool sl_err_is_unimplemented(const sl_err *err)
{
    if (!err || err->code != SL_EAWS)
        return false;
    if (err->http_status == 501 || strcmp(err->aws_code, "NotImplemented") == 0)
        return true;
    /* parse_error falls back to the status name when the body held no code. */
    return err->http_status == 500 && strcmp(err->aws_code, "InternalError") == 0 &&
           strstr(err->message, "HTTP 500: <") != NULL;
}
