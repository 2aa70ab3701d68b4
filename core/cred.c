/* sluice core: the credential chain (environment, shared-file profile, container
 * endpoint), cached under a mutex. No message built here carries a secret: the
 * authorization token is also scrubbed from whatever the endpoint answers. */
#include "core/cred.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/hdrs.h"
#include "core/http.h"
#include "core/log.h"
#include "core/str.h"

#define REFRESH_BEFORE_MS (5 * 60 * 1000)   /* refresh this long before Expiration */
#define RETRY_AFTER_MS (10 * 1000)          /* after a failed refresh, old creds valid */
#define CONNECT_TIMEOUT_MS 2000
#define TOTAL_TIMEOUT_MS 5000
#define MAX_TOKEN_FILE (64 * 1024)
#define MAX_RESPONSE (1u << 20)
#define DEFAULT_RELATIVE_BASE "http://169.254.170.2"

struct sl_cred_provider {
    atomic_int refs;
    pthread_mutex_t mu;
    const sl_config *cfg;   /* NULL for a static provider */
    bool is_static;
    bool have;              /* cur holds credentials */
    sl_creds cur;
    int64_t retry_after_ms; /* no refresh attempt before this (after a failure) */
    sl_http *http;          /* container endpoint transport, created on first use */
};

static const char *g_relative_base;

void sl_cred_set_relative_base(const char *base)
{
    g_relative_base = base;
}

/* ---- sl_creds ------------------------------------------------------------------ */

static void wipe_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

void sl_creds_cleanup(sl_creds *c)
{
    if (!c)
        return;
    wipe_free(c->access_key);
    wipe_free(c->secret_key);
    wipe_free(c->session_token);
    c->access_key = c->secret_key = c->session_token = NULL;
    c->expires_ms = 0;
    c->source = NULL;
}

static int creds_fill(sl_creds *dst, const char *akid, const char *secret, const char *token,
                      int64_t expires_ms, const char *source)
{
    dst->access_key = strdup(akid);
    dst->secret_key = strdup(secret);
    dst->session_token = token && *token ? strdup(token) : NULL;
    dst->expires_ms = expires_ms;
    dst->source = source;
    if (!dst->access_key || !dst->secret_key || (token && *token && !dst->session_token)) {
        sl_creds_cleanup(dst);
        return SL_ENOMEM;
    }
    return SL_OK;
}

int sl_creds_copy(sl_creds *dst, const sl_creds *src)
{
    sl_creds empty = SL_CREDS_INIT;
    *dst = empty;
    if (!src->access_key || !src->secret_key)
        return SL_EINVAL;
    return creds_fill(dst, src->access_key, src->secret_key, src->session_token,
                      src->expires_ms, src->source);
}

/* ---- helpers ---------------------------------------------------------------- */

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* Replace every occurrence of secret in s (NUL-terminated, fixed size) by "***". */
static void scrub(char *s, size_t size, const char *secret)
{
    size_t sl = secret ? strlen(secret) : 0;
    if (!sl)
        return;
    char *hit, *from = s;
    while ((hit = strstr(from, secret)) != NULL) {
        size_t tail = strlen(hit + sl) + 1;
        if (sl >= 3) {
            memcpy(hit, "***", 3);
            memmove(hit + 3, hit + sl, tail);
        } else {
            /* A secret shorter than the mask: grow the message, dropping its end. */
            size_t pos = (size_t)(hit - s), keep = size - pos - 3;
            memmove(hit + 3, hit + sl, tail < keep ? tail : keep);
            memcpy(hit, "***", 3);
            s[size - 1] = '\0';
        }
        from = hit + 3;     /* past the mask, which may itself match */
    }
}

static void scrub_err(sl_err *err, const char *secret)
{
    if (!err)
        return;
    scrub(err->message, sizeof err->message, secret);
    scrub(err->aws_code, sizeof err->aws_code, secret);
}

/* ---- the container endpoint ------------------------------------------------ */

static bool host_allowed(const char *host)
{
    char h[64];
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        host++;
        n -= 2;
    }
    if (n >= sizeof h)
        return false;
    memcpy(h, host, n);
    h[n] = '\0';
    if (strcasecmp(h, "localhost") == 0)
        return true;
    unsigned char a[16];
    if (inet_pton(AF_INET, h, a) == 1)
        return a[0] == 127 || (a[0] == 169 && a[1] == 254 && a[2] == 170 &&
                               (a[3] == 2 || a[3] == 23));
    if (inet_pton(AF_INET6, h, a) != 1)
        return false;
    static const unsigned char lo[16] = {[15] = 1};
    static const unsigned char ec2[16] = {0xfd, 0x00, 0x0e, 0xc2, [15] = 0x23};
    static const unsigned char mapped[12] = {[10] = 0xff, [11] = 0xff};
    return memcmp(a, lo, 16) == 0 || memcmp(a, ec2, 16) == 0 ||
           (memcmp(a, mapped, 12) == 0 && a[12] == 127);
}

int sl_cred_container_url(char **out, const char *url, sl_err *err)
{
    *out = NULL;
    CURLU *u = curl_url();
    if (!u)
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    char *scheme = NULL, *host = NULL, *norm = NULL;
    int rc = SL_OK;
    if (!url || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        rc = sl_err_set(err, SL_ECONFIG,
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a valid http(s) URL");
    } else if (!sl_str_ieq(scheme, "https") &&
               !(sl_str_ieq(scheme, "http") && host_allowed(host))) {
        rc = sl_err_set(err, SL_ECONFIG,
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https unless its host is "
                        "loopback, 169.254.170.2, 169.254.170.23 or fd00:ec2::23 "
                        "(scheme %.10s, host %.80s)", scheme, host);
    } else if (curl_url_get(u, CURLUPART_URL, &norm, 0) != CURLUE_OK) {
        rc = sl_err_set(err, SL_ECONFIG,
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a valid http(s) URL");
    } else if (!(*out = strdup(norm))) {
        rc = sl_err_set(err, SL_ENOMEM, "out of memory");
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(norm);
    curl_url_cleanup(u);
    return rc;
}

static int container_url(char **out, sl_err *err)
{
    const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    if (!rel)
        return sl_cred_container_url(out, env("AWS_CONTAINER_CREDENTIALS_FULL_URI"), err);
    if (rel[0] != '/')
        return sl_err_set(err, SL_ECONFIG,
                          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with '/'");
    const char *base = g_relative_base ? g_relative_base : DEFAULT_RELATIVE_BASE;
    if (asprintf(out, "%s%s", base, rel) < 0) {
        *out = NULL;
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    }
    return SL_OK;
}

static int read_token_file(char **out, const char *path, sl_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sl_err_set(err, SL_ECONFIG, "cannot open AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "
                          "%.120s: %s", path, strerror(errno));
    char *buf = malloc(MAX_TOKEN_FILE + 1);
    size_t len = 0;
    int rc = buf ? SL_OK : sl_err_set(err, SL_ENOMEM, "out of memory");
    while (!rc && len <= MAX_TOKEN_FILE) {
        ssize_t r = read(fd, buf + len, MAX_TOKEN_FILE + 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            rc = sl_err_set(err, SL_ECONFIG, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "
                            "%.120s: %s", path, strerror(errno));
        else if (r == 0)
            break;
        else
            len += (size_t)r;
    }
    close(fd);
    if (!rc && len > MAX_TOKEN_FILE)
        rc = sl_err_set(err, SL_ECONFIG, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %.120s is "
                        "larger than %d bytes", path, MAX_TOKEN_FILE);
    if (!rc && memchr(buf, '\0', len))
        rc = sl_err_set(err, SL_ECONFIG, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %.120s holds "
                        "a NUL byte", path);
    if (rc) {
        if (buf)
            explicit_bzero(buf, len);
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    return SL_OK;
}

/* The Authorization header value: the token file (re-read each time) wins over
 * AWS_CONTAINER_AUTHORIZATION_TOKEN. *out stays NULL when neither is set. */
static int read_token(char **out, sl_err *err)
{
    *out = NULL;
    const char *file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *val = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    const char *what = file ? "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
                            : "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    char *tok = NULL;
    if (file) {
        int rc = read_token_file(&tok, file, err);
        if (rc)
            return rc;
    } else if (!val) {
        return SL_OK;
    } else if (!(tok = strdup(val))) {
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    }
    size_t n = strlen(tok);
    sl_trim(tok);   /* a token file usually ends with a newline */
    int rc = SL_OK;
    if (!*tok)
        rc = sl_err_set(err, SL_ECONFIG, "%s gives an empty authorization token", what);
    for (const char *c = tok; !rc && *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            rc = sl_err_set(err, SL_ECONFIG, "the authorization token from %s contains a "
                            "line break or control character", what);
    if (rc) {
        explicit_bzero(tok, n);
        free(tok);
        return rc;
    }
    *out = tok;
    return SL_OK;
}

static const char *json_str(const cJSON *o, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(it) && it->valuestring ? it->valuestring : NULL;
}

/* An error document {"code","message"} (any status) as SL_EAWS. */
static int error_doc(const cJSON *root, int status, sl_err *err)
{
    const char *code = json_str(root, "code"), *msg = json_str(root, "message");
    if (!code)
        code = json_str(root, "Code");
    if (!msg)
        msg = json_str(root, "Message");
    if (!code && !msg)
        return 0;
    sl_err_set(err, SL_EAWS, "container credentials endpoint: %.200s",
               msg ? msg : "(no message)");
    if (err) {
        snprintf(err->aws_code, sizeof err->aws_code, "%s", code ? code : "");
        err->http_status = status;
    }
    return SL_EAWS;
}

static int parse_fields(sl_creds *out, const cJSON *root, sl_err *err)
{
    const char *akid = json_str(root, "AccessKeyId"), *sk = json_str(root, "SecretAccessKey");
    const char *exp = json_str(root, "Expiration");
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(root, "Token");
    const char *missing = !akid || !*akid ? "AccessKeyId"
                          : !sk || !*sk   ? "SecretAccessKey"
                          : !exp          ? "Expiration"
                          : (tok && !cJSON_IsString(tok) && !cJSON_IsNull(tok)) ? "Token"
                                                                                : NULL;
    if (missing)
        return sl_err_set(err, SL_EPARSE, "container credentials: response has no valid %s",
                          missing);
    int64_t exp_ms;
    if (sl_time_parse_iso(&exp_ms, exp))
        return sl_err_set(err, SL_EPARSE, "container credentials: cannot parse Expiration "
                          "\"%.40s\"", exp);
    const char *token = cJSON_IsString(tok) ? tok->valuestring : NULL;
    if (creds_fill(out, akid, sk, token, exp_ms, "container"))
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    return SL_OK;
}

/* Zero every string in the tree before it is freed (it holds the secret key). */
static void json_wipe(cJSON *j)
{
    for (; j; j = j->next) {
        if (j->valuestring)
            explicit_bzero(j->valuestring, strlen(j->valuestring));
        json_wipe(j->child);
    }
}

static int parse_response(sl_creds *out, const sl_http_resp *resp, sl_err *err)
{
    int status = resp->status;
    cJSON *root = cJSON_ParseWithLength(resp->body.data ? resp->body.data : "", resp->body.len);
    int rc;
    if (cJSON_IsObject(root) && (status < 200 || status > 299 ||
                                 !cJSON_GetObjectItemCaseSensitive(root, "AccessKeyId")) &&
        error_doc(root, status, err)) {
        rc = SL_EAWS;
    } else if (status < 200 || status > 299) {
        rc = sl_err_set(err, SL_EAWS, "container credentials endpoint answered HTTP %d", status);
        if (err)
            err->http_status = status;
    } else if (!cJSON_IsObject(root)) {
        rc = sl_err_set(err, SL_EPARSE, "container credentials: response (HTTP %d, %zu bytes) "
                        "is not a JSON object", status, resp->body.len);
    } else {
        rc = parse_fields(out, root, err);
    }
    json_wipe(root);
    cJSON_Delete(root);
    return rc;
}

static int container_send(sl_cred_provider *p, sl_http_resp *resp, const char *url,
                          const char *token, sl_err *err)
{
    int rc = SL_OK;
    if (!p->http) {
        sl_http_opts ho = SL_HTTP_OPTS_INIT;
        ho.connect_timeout_ms = CONNECT_TIMEOUT_MS;
        ho.no_proxy = true;   /* the token must never pass through a proxy */
        rc = sl_http_new(&p->http, &ho, err);
        if (rc)
            return rc;
    }
    sl_hdrs h = SL_HDRS_INIT;
    if (token && sl_hdrs_add(&h, "Authorization", token))
        rc = sl_err_set(err, SL_ENOMEM, "out of memory");
    if (!rc) {
        sl_http_req req = {.method = "GET", .url = url, .headers = &h,
                           .timeout_ms = TOTAL_TIMEOUT_MS};
        rc = sl_http_send(p->http, &req, resp, err);
        if (rc)
            sl_err_prefix(err, "container credentials: ");
    }
    for (size_t i = 0; i < h.n; i++)
        explicit_bzero(h.v[i].value, strlen(h.v[i].value));
    sl_hdrs_cleanup(&h);
    return rc;
}

static int container_fetch(sl_cred_provider *p, sl_creds *out, sl_err *err)
{
    char *url = NULL, *token = NULL;
    int rc = container_url(&url, err);
    if (!rc)
        rc = read_token(&token, err);
    if (rc) {
        free(url);
        return rc;
    }
    sl_http_resp resp;
    sl_http_resp_init(&resp);
    sl_buf_init(&resp.body, MAX_RESPONSE);
    rc = container_send(p, &resp, url, token, err);
    if (!rc)
        rc = parse_response(out, &resp, err);
    if (rc)
        scrub_err(err, token);
    if (resp.body.data)
        explicit_bzero(resp.body.data, resp.body.len);
    sl_http_resp_cleanup(&resp);
    wipe_free(token);
    free(url);
    return rc;
}

/* ---- the chain ---------------------------------------------------------------- */

static int from_keys(sl_creds *out, const char *akid, const char *secret, const char *token,
                     const char *source, const char *where, sl_err *err)
{
    if (!akid || !secret)
        return sl_err_set(err, SL_ECONFIG, "%s has %s but not %s", where,
                          akid ? "an access key id" : "a secret access key",
                          akid ? "the secret access key" : "the access key id");
    if (creds_fill(out, akid, secret, token, 0, source))
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    return SL_OK;
}

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

static int resolve(sl_cred_provider *p, sl_creds *out, sl_err *err)
{
    const char *ak = env("AWS_ACCESS_KEY_ID"), *sk = env("AWS_SECRET_ACCESS_KEY");
    if (ak || sk)
        return from_keys(out, ak, sk, env("AWS_SESSION_TOKEN"), "env",
                         "the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)", err);
    const sl_config *cfg = p->cfg;
    if (cfg) {
        ak = nonempty(sl_config_profile_get(cfg, "aws_access_key_id"));
        sk = nonempty(sl_config_profile_get(cfg, "aws_secret_access_key"));
        if (ak || sk) {
            char where[128];
            snprintf(where, sizeof where, "profile '%.60s'", cfg->profile);
            return from_keys(out, ak, sk,
                             nonempty(sl_config_profile_get(cfg, "aws_session_token")),
                             "profile", where, err);
        }
    }
    if (env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") || env("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
        return container_fetch(p, out, err);
    static const char *const unsupported[] = {"role_arn", "credential_process", "sso_session",
                                              "sso_start_url", "web_identity_token_file"};
    for (size_t i = 0; cfg && i < sizeof unsupported / sizeof *unsupported; i++)
        if (sl_config_profile_get(cfg, unsupported[i]))
            return sl_err_set(err, SL_ECONFIG, "profile '%.60s' uses %s, which sluice does not "
                              "support: export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY instead",
                              cfg->profile, unsupported[i]);
    return sl_err_set(err, SL_ECONFIG, "no AWS credentials found: set AWS_ACCESS_KEY_ID and "
                      "AWS_SECRET_ACCESS_KEY, aws_access_key_id in profile '%.60s', or "
                      "AWS_CONTAINER_CREDENTIALS_FULL_URI", cfg ? cfg->profile : "default");
}

/* ---- the provider ------------------------------------------------------------ */

static int provider_alloc(sl_cred_provider **out, sl_err *err)
{
    sl_cred_provider *p = calloc(1, sizeof(*p));
    if (!p)
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p);
        return sl_err_set(err, SL_ENOMEM, "cannot create a mutex");
    }
    atomic_init(&p->refs, 1);
    *out = p;
    return SL_OK;
}

int sl_cred_provider_new(sl_cred_provider **out, const sl_config *cfg, sl_err *err)
{
    *out = NULL;
    int rc = provider_alloc(out, err);
    if (!rc)
        (*out)->cfg = cfg;
    return rc;
}

int sl_cred_provider_static(sl_cred_provider **out, const char *akid, const char *secret,
                            const char *token, sl_err *err)
{
    *out = NULL;
    if (!akid || !*akid || !secret || !*secret)
        return sl_err_set(err, SL_EINVAL, "static credentials need an access key id and a "
                          "secret access key");
    sl_cred_provider *p;
    int rc = provider_alloc(&p, err);
    if (rc)
        return rc;
    p->is_static = true;
    if (creds_fill(&p->cur, akid, secret, token, 0, "static")) {
        sl_cred_provider_free(p);
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    }
    p->have = true;
    *out = p;
    return SL_OK;
}

sl_cred_provider *sl_cred_provider_ref(sl_cred_provider *p)
{
    if (p)
        atomic_fetch_add(&p->refs, 1);
    return p;
}

void sl_cred_provider_free(sl_cred_provider *p)
{
    if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
        return;
    sl_creds_cleanup(&p->cur);
    sl_http_free(p->http);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

static bool fresh(const sl_creds *c, int64_t now)
{
    return c->expires_ms == 0 || now < c->expires_ms - REFRESH_BEFORE_MS;
}

/* Called with the lock held: fresh credentials into p->cur, or keep the old ones
 * while they are still valid. */
static int refresh_locked(sl_cred_provider *p, int64_t now, sl_err *err)
{
    bool valid = p->have && now < p->cur.expires_ms;
    if (valid && now < p->retry_after_ms)
        return SL_OK;
    sl_creds next = SL_CREDS_INIT;
    sl_err e = SL_ERR_INIT;
    int rc = resolve(p, &next, &e);
    if (!rc) {
        sl_creds_cleanup(&p->cur);
        p->cur = next;
        p->have = true;
        p->retry_after_ms = 0;
        return SL_OK;
    }
    if (valid) {
        sl_log(SL_LOG_WARN, "credentials refresh failed, using the current ones until they "
               "expire: %s", e.message);
        p->retry_after_ms = now + RETRY_AFTER_MS;
        return SL_OK;
    }
    if (err)
        *err = e;
    return rc;
}

int sl_cred_provider_get(sl_cred_provider *p, sl_creds *out, sl_err *err)
{
    sl_creds empty = SL_CREDS_INIT;
    *out = empty;
    if (!p)
        return sl_err_set(err, SL_EINVAL, "no credentials provider");
    pthread_mutex_lock(&p->mu);
    int64_t now = sl_now_ms();
    int rc = SL_OK;
    if (!p->is_static && !(p->have && fresh(&p->cur, now)))
        rc = refresh_locked(p, now, err);
    if (!rc && sl_creds_copy(out, &p->cur))
        rc = sl_err_set(err, SL_ENOMEM, "out of memory");
    pthread_mutex_unlock(&p->mu);
    return rc;
}
