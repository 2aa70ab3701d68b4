#include "core/sigv4.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

#define CHECK(x) do { if ((rc = (x)) != 0) goto done; } while (0)

/* ---- canonical URI ---- */

int sl_sigv4_canonical_uri(sl_buf *out, const char *path, bool s3, bool normalize)
{
    if (!path || !*path)
        return sl_buf_puts(out, "/");
    if (s3)
        return sl_buf_puts(out, path);   /* S3: sent encoded once, signed as sent */
    int rc = SL_OK;
    sl_buf norm;
    sl_buf_init(&norm, 0);
    if (normalize) {
        /* Segments kept so far, as offsets into a copy of path. */
        size_t n = strlen(path), nseg = 0;
        char *copy = strdup(path);
        const char **segs = calloc(n + 1, sizeof(*segs));
        if (!copy || !segs) {
            free(copy);
            free(segs);
            return SL_ENOMEM;
        }
        for (char *save = NULL, *s = strtok_r(copy, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
            if (strcmp(s, ".") == 0)
                continue;
            if (strcmp(s, "..") == 0) {
                if (nseg)
                    nseg--;
                continue;
            }
            segs[nseg++] = s;
        }
        for (size_t i = 0; i < nseg && !rc; i++)
            rc = sl_buf_printf(&norm, "/%s", segs[i]);
        if (!rc && (nseg == 0 || path[n - 1] == '/'))
            rc = sl_buf_puts(&norm, "/");
        free(copy);
        free(segs);
    } else {
        rc = sl_buf_puts(&norm, path);
    }
    if (!rc)
        rc = sl_uri_encode(out, norm.data, norm.len, true);
    sl_buf_cleanup(&norm);
    return rc;
}

/* ---- canonical query ---- */

typedef struct {
    char *k, *v;   /* encoded */
} qparam;

static int qparam_cmp(const void *a, const void *b)
{
    const qparam *x = a, *y = b;
    int c = strcmp(x->k, y->k);
    return c ? c : strcmp(x->v, y->v);
}

static char *reencode(const char *s, size_t n, int *rc)
{
    size_t dlen;
    char *dec = sl_uri_decode(s, n, false, &dlen);
    sl_buf b;
    sl_buf_init(&b, 0);
    if (!dec || (*rc = sl_uri_encode(&b, dec, dlen, false)) != 0) {
        free(dec);
        sl_buf_cleanup(&b);
        if (!*rc)
            *rc = SL_ENOMEM;
        return NULL;
    }
    free(dec);
    return sl_buf_take(&b);
}

int sl_sigv4_canonical_query(sl_buf *out, const char *query)
{
    if (!query || !*query)
        return SL_OK;
    size_t cap = 1;
    for (const char *p = query; *p; p++)
        cap += *p == '&';
    qparam *v = calloc(cap, sizeof(*v));
    if (!v)
        return SL_ENOMEM;
    size_t n = 0;
    int rc = SL_OK;
    for (const char *p = query; *p && !rc;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len) {
            const char *eq = memchr(p, '=', len);
            size_t klen = eq ? (size_t)(eq - p) : len;
            v[n].k = reencode(p, klen, &rc);
            if (v[n].k)
                v[n].v = eq ? reencode(eq + 1, len - klen - 1, &rc) : strdup("");
            if (!v[n].k || !v[n].v)
                rc = rc ? rc : SL_ENOMEM;
            n++;
        }
        p += len + (amp ? 1 : 0);
    }
    if (!rc) {
        qsort(v, n, sizeof(*v), qparam_cmp);
        for (size_t i = 0; i < n && !rc; i++)
            rc = sl_buf_printf(out, "%s%s=%s", i ? "&" : "", v[i].k, v[i].v);
    }
    for (size_t i = 0; i < n; i++) {
        free(v[i].k);
        free(v[i].v);
    }
    free(v);
    return rc;
}

/* ---- canonical headers ---- */

typedef struct {
    char *name;    /* lowercase */
    sl_buf value;  /* trimmed, whitespace runs collapsed, repeats joined with ',' */
} chdr;

static int chdr_cmp(const void *a, const void *b)
{
    return strcmp(((const chdr *)a)->name, ((const chdr *)b)->name);
}

static int append_trimmed(sl_buf *b, const char *s)
{
    int rc = SL_OK, space = 0, any = 0;
    for (; *s && !rc; s++) {
        if (isspace((unsigned char)*s)) {
            space = any;
            continue;
        }
        if (space)
            rc = sl_buf_puts(b, " ");
        if (!rc)
            rc = sl_buf_append(b, s, 1);
        space = 0;
        any = 1;
    }
    return rc;
}

static void chdrs_free(chdr *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        sl_buf_cleanup(&v[i].value);
    }
    free(v);
}

/* Build "name:value\n"... into canon and "a;b;c" into signed. */
static int canonical_headers(sl_buf *canon, sl_buf *signed_hdrs, const sl_hdrs *h)
{
    chdr *v = calloc(h->n + 1, sizeof(*v));
    if (!v)
        return SL_ENOMEM;
    size_t n = 0;
    int rc = SL_OK;
    for (size_t i = 0; i < h->n && !rc; i++) {
        char *lower = strdup(h->v[i].name);
        if (!lower) {
            rc = SL_ENOMEM;
            break;
        }
        for (char *c = lower; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        size_t j = 0;
        while (j < n && strcmp(v[j].name, lower) != 0)
            j++;
        if (j == n) {
            v[n].name = lower;
            sl_buf_init(&v[n].value, 0);
            rc = sl_buf_puts(&v[n].value, "");
            n++;
        } else {
            free(lower);
            rc = sl_buf_puts(&v[j].value, ",");
        }
        if (!rc)
            rc = append_trimmed(&v[j].value, h->v[i].value);
    }
    if (!rc) {
        qsort(v, n, sizeof(*v), chdr_cmp);
        for (size_t i = 0; i < n && !rc; i++) {
            rc = sl_buf_printf(canon, "%s:%s\n", v[i].name, v[i].value.data);
            if (!rc)
                rc = sl_buf_printf(signed_hdrs, "%s%s", i ? ";" : "", v[i].name);
        }
    }
    chdrs_free(v, n);
    return rc;
}

/* ---- signature ---- */

static void signing_key(unsigned char key[SL_SHA256_LEN], const sl_sigv4_params *p)
{
    char k0[256];
    size_t klen = (size_t)snprintf(k0, sizeof(k0), "AWS4%s", p->secret_key);
    if (klen >= sizeof(k0))
        klen = sizeof(k0) - 1;
    unsigned char kd[SL_SHA256_LEN], kr[SL_SHA256_LEN], ks[SL_SHA256_LEN];
    sl_hmac_sha256(kd, k0, klen, p->amz_date, 8);
    sl_hmac_sha256(kr, kd, sizeof(kd), p->region, strlen(p->region));
    sl_hmac_sha256(ks, kr, sizeof(kr), p->service, strlen(p->service));
    sl_hmac_sha256(key, ks, sizeof(ks), "aws4_request", 12);
    memset(k0, 0, sizeof(k0));   /* derived from the secret */
}

static int check_params(const sl_sigv4_params *p, const sl_sigv4_req *r, sl_err *err)
{
    if (!p->access_key || !*p->access_key || !p->secret_key || !*p->secret_key)
        return sl_err_set(err, SL_ECONFIG, "no credentials to sign with");
    if (!p->region || !*p->region || !p->service || !*p->service)
        return sl_err_set(err, SL_ECONFIG, "region and service are required for signing");
    if (!p->amz_date || strlen(p->amz_date) != 16)
        return sl_err_set(err, SL_EINVAL, "bad X-Amz-Date");
    if (!r->method || !r->payload_hash)
        return sl_err_set(err, SL_EINVAL, "method and payload hash are required");
    return SL_OK;
}

/* Canonical request -> string to sign -> signature. */
static int compute(char sig[SL_SHA256_HEX_LEN + 1], const sl_sigv4_params *p,
                   const sl_sigv4_req *r, const char *query, const sl_hdrs *h,
                   sl_buf *signed_hdrs, sl_sigv4_trace *trace)
{
    sl_buf creq, sts;
    sl_buf_init(&creq, 0);
    sl_buf_init(&sts, 0);
    int rc;
    CHECK(sl_buf_printf(&creq, "%s\n", r->method));
    CHECK(sl_sigv4_canonical_uri(&creq, r->path, p->s3, p->normalize));
    CHECK(sl_buf_puts(&creq, "\n"));
    CHECK(sl_sigv4_canonical_query(&creq, query));
    CHECK(sl_buf_puts(&creq, "\n"));
    CHECK(canonical_headers(&creq, signed_hdrs, h));
    CHECK(sl_buf_printf(&creq, "\n%s\n%s", signed_hdrs->data ? signed_hdrs->data : "",
                        r->payload_hash));

    char creq_hash[SL_SHA256_HEX_LEN + 1];
    sl_sha256_hex(creq_hash, creq.data, creq.len);
    CHECK(sl_buf_printf(&sts, "AWS4-HMAC-SHA256\n%s\n%.8s/%s/%s/aws4_request\n%s", p->amz_date,
                        p->amz_date, p->region, p->service, creq_hash));
    unsigned char key[SL_SHA256_LEN], mac[SL_SHA256_LEN];
    signing_key(key, p);
    sl_hmac_sha256(mac, key, sizeof(key), sts.data, sts.len);
    sl_hex(sig, mac, sizeof(mac));
    if (trace) {
        sl_buf_reset(&trace->canonical_request);
        sl_buf_reset(&trace->string_to_sign);
        CHECK(sl_buf_append(&trace->canonical_request, creq.data, creq.len));
        CHECK(sl_buf_append(&trace->string_to_sign, sts.data, sts.len));
        memcpy(trace->signature, sig, sizeof(trace->signature));
    }
done:
    sl_buf_cleanup(&creq);
    sl_buf_cleanup(&sts);
    return rc;
}

int sl_sigv4_sign(sl_hdrs *hdrs, const sl_sigv4_params *p, const sl_sigv4_req *r,
                  sl_sigv4_trace *trace, sl_err *err)
{
    int rc = check_params(p, r, err);
    if (rc)
        return rc;
    bool token = p->session_token && *p->session_token;
    sl_buf signed_hdrs, auth;
    sl_buf_init(&signed_hdrs, 0);
    sl_buf_init(&auth, 0);
    sl_hdrs_del(hdrs, "Authorization");
    CHECK(sl_hdrs_set(hdrs, "X-Amz-Date", p->amz_date));
    if (p->content_sha256_header || p->s3)
        CHECK(sl_hdrs_set(hdrs, "x-amz-content-sha256", r->payload_hash));
    sl_hdrs_del(hdrs, "X-Amz-Security-Token");
    if (token && !p->token_after_signing)
        CHECK(sl_hdrs_add(hdrs, "X-Amz-Security-Token", p->session_token));
    char sig[SL_SHA256_HEX_LEN + 1];
    CHECK(compute(sig, p, r, r->query, hdrs, &signed_hdrs, trace));
    CHECK(sl_buf_printf(&auth,
                        "AWS4-HMAC-SHA256 Credential=%s/%.8s/%s/%s/aws4_request, "
                        "SignedHeaders=%s, Signature=%s",
                        p->access_key, p->amz_date, p->region, p->service, signed_hdrs.data,
                        sig));
    CHECK(sl_hdrs_add(hdrs, "Authorization", auth.data));
    if (token && p->token_after_signing)
        CHECK(sl_hdrs_add(hdrs, "X-Amz-Security-Token", p->session_token));
done:
    sl_buf_cleanup(&signed_hdrs);
    sl_buf_cleanup(&auth);
    if (rc && rc != SL_ENOMEM)
        return sl_err_set(err, rc, "signing failed");
    if (rc)
        return sl_err_set(err, rc, "out of memory while signing");
    return SL_OK;
}

static int add_param(sl_buf *q, const char *k, const char *v)
{
    int rc = sl_buf_printf(q, "%s%s=", q->len ? "&" : "", k);
    return rc ? rc : sl_uri_encode(q, v, strlen(v), false);
}

static int signed_names(sl_buf *out, const sl_hdrs *h)
{
    sl_buf canon;
    sl_buf_init(&canon, 0);
    int rc = canonical_headers(&canon, out, h);
    sl_buf_cleanup(&canon);
    return rc;
}

int sl_sigv4_presign(sl_buf *out, const sl_hdrs *hdrs, const sl_sigv4_params *p,
                     const sl_sigv4_req *r, long expires_s, sl_sigv4_trace *trace, sl_err *err)
{
    int rc = check_params(p, r, err);
    if (rc)
        return rc;
    bool token = p->session_token && *p->session_token;
    sl_buf q, names, cred, signed_hdrs;
    sl_buf_init(&q, 0);
    sl_buf_init(&names, 0);
    sl_buf_init(&cred, 0);
    sl_buf_init(&signed_hdrs, 0);
    char exp[32];
    snprintf(exp, sizeof(exp), "%ld", expires_s);
    if (r->query && *r->query)
        CHECK(sl_buf_puts(&q, r->query));
    CHECK(signed_names(&names, hdrs));
    CHECK(sl_buf_printf(&cred, "%s/%.8s/%s/%s/aws4_request", p->access_key, p->amz_date,
                        p->region, p->service));
    CHECK(add_param(&q, "X-Amz-Algorithm", "AWS4-HMAC-SHA256"));
    CHECK(add_param(&q, "X-Amz-Credential", cred.data));
    CHECK(add_param(&q, "X-Amz-Date", p->amz_date));
    CHECK(add_param(&q, "X-Amz-Expires", exp));
    if (token && !p->token_after_signing)
        CHECK(add_param(&q, "X-Amz-Security-Token", p->session_token));
    CHECK(add_param(&q, "X-Amz-SignedHeaders", names.data));
    char sig[SL_SHA256_HEX_LEN + 1];
    CHECK(compute(sig, p, r, q.data, hdrs, &signed_hdrs, trace));
    if (token && p->token_after_signing)
        CHECK(add_param(&q, "X-Amz-Security-Token", p->session_token));
    CHECK(add_param(&q, "X-Amz-Signature", sig));
    CHECK(sl_buf_append(out, q.data, q.len));
done:
    sl_buf_cleanup(&q);
    sl_buf_cleanup(&names);
    sl_buf_cleanup(&cred);
    sl_buf_cleanup(&signed_hdrs);
    return rc ? sl_err_set(err, rc, "presigning failed") : SL_OK;
}
