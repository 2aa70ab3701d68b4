/* The service client's transport, retry and error paths against a canned-reply
 * server on loopback: throttling, 5xx, resets mid-body, bad bodies, timeouts,
 * clock skew, keep-alive, and secrets kept out of every message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/client.h"
#include "core/crypto.h"
#include "core/str.h"
#include "tests/lib/canned.h"
#include "tests/lib/test.h"

#define SECRET "wJalrXUtnFEMI-TEST-SECRET-4242"
#define TOKEN "FQoGZXIvYXdzE-TEST-SESSION-TOKEN-9999"
#define JSON_TYPE "Content-Type: application/x-amz-json-1.0\r\n"

typedef struct {
    canned_server *srv;
    sl_config cfg;
    sl_cred_provider *creds;
    sl_client *c;
} fixture;

static void setup(fixture *f, const canned_resp *script, size_t n, int max_attempts,
                  long timeout_ms)
{
    memset(f, 0, sizeof(*f));
    f->srv = canned_start(script, n);
    CHECK(f->srv != NULL);
    sl_err err = SL_ERR_INIT;
    CHECK_OK(sl_cred_provider_static(&f->creds, "AKIDTEST", SECRET, TOKEN, &err), &err);
    sl_client_opts o = SL_CLIENT_OPTS_INIT;
    o.region = "us-east-1";
    o.endpoint = canned_url(f->srv);
    o.max_attempts = max_attempts;
    o.backoff_scale = 0.001;
    if (timeout_ms)
        o.timeout_ms = timeout_ms;
    CHECK_OK(sl_client_new(&f->c, &SL_SVC_DYNAMODB, &f->cfg, f->creds, &o, &err), &err);
}

static void teardown(fixture *f)
{
    sl_client_free(f->c);
    sl_cred_provider_free(f->creds);
    canned_stop(f->srv);
}

static int json_call(fixture *f, sl_err *err)
{
    cJSON *out = NULL;
    int rc = sl_client_json(&out, f->c, "DescribeTable", NULL, err);
    cJSON_Delete(out);
    return rc;
}

static void no_secret(const sl_err *err)
{
    CHECK_MSG(!strstr(err->message, SECRET) && !strstr(err->message, TOKEN),
              "secret in message: %s", err->message);
}

static void test_client__retries_503_then_succeeds(void)
{
    canned_resp s[] = {
        {503, NULL, "<Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error>", -1, -1, 0},
        {503, NULL, "", -1, -1, 0},
        {200, JSON_TYPE, "{\"Table\":{}}", -1, -1, 0},
    };
    fixture f;
    setup(&f, s, 3, 3, 0);
    sl_err err = SL_ERR_INIT;
    CHECK_OK(json_call(&f, &err), &err);
    CHECK_INT(canned_requests(f.srv), 3);
    teardown(&f);
}

static void test_client__gives_up_after_max_attempts(void)
{
    canned_resp s[] = {{500, NULL, "<Error><Code>InternalError</Code><Message>boom</Message></Error>", -1, -1, 0}};
    fixture f;
    setup(&f, s, 1, 4, 0);
    sl_err err = SL_ERR_INIT;
    CHECK_INT(json_call(&f, &err), SL_EAWS);
    CHECK_INT(canned_requests(f.srv), 4);
    CHECK_INT(err.http_status, 500);
    CHECK_STR(err.aws_code, "InternalError");
    CHECK(err.retryable);
    CHECK(strstr(err.message, "DescribeTable") && strstr(err.message, "boom"));
    no_secret(&err);
    teardown(&f);
}

static void test_client__throttling_code_is_retried(void)
{
    canned_resp s[] = {
        {400, JSON_TYPE, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\",\"message\":\"Rate exceeded\"}", -1, -1, 0},
        {200, JSON_TYPE, "{}", -1, -1, 0},
    };
    fixture f;
    setup(&f, s, 2, 3, 0);
    sl_err err = SL_ERR_INIT;
    CHECK_OK(json_call(&f, &err), &err);
    CHECK_INT(canned_requests(f.srv), 2);
    teardown(&f);
}

static void test_client__client_errors_are_not_retried(void)
{
    struct { const char *body; int code; const char *aws; } cases[] = {
        {"{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":\"bad key\"}",
         SL_EAWS, "ValidationException"},
        {"{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\",\"Message\":\"no table\"}",
         SL_ENOTFOUND, "ResourceNotFoundException"},
        {"{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\",\"message\":\"The conditional request failed\"}",
         SL_ECONFLICT, "ConditionalCheckFailedException"},
        {"{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist:http://internal\",\"message\":\"q\"}",
         SL_ENOTFOUND, "QueueDoesNotExist"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        canned_resp s[] = {{400, JSON_TYPE "x-amzn-RequestId: RID-42\r\n", cases[i].body, -1, -1, 0}};
        fixture f;
        setup(&f, s, 1, 3, 0);
        sl_err err = SL_ERR_INIT;
        CHECK_INT(json_call(&f, &err), cases[i].code);
        CHECK_INT(canned_requests(f.srv), 1);
        CHECK_STR(err.aws_code, cases[i].aws);
        CHECK_STR(err.request_id, "RID-42");
        CHECK(!err.retryable);
        teardown(&f);
    }
}

/* Hostile error bodies: HTML pages, broken XML/JSON, binary, nothing at all. */
static void test_client__hostile_error_bodies(void)
{
    struct { int status; const char *body; const char *aws; } cases[] = {
        {500, "<!DOCTYPE html><html><p>Internal Server Error", "InternalError"},
        {502, "<html><body>Bad Gateway</body></html>", ""},
        {400, "{\"__type\": 42, \"message\": [1,2]}", "BadRequest"},
        {400, "{\"__type\":\"#\",", "BadRequest"},
        {403, "\x01\x02\xff binary junk", "Forbidden"},
        {404, "", "NotFound"},
        {400, "<Error><Code>" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "</Code></Error>", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        sl_err err = SL_ERR_INIT;
        sl_hdrs h = SL_HDRS_INIT;
        int rc = sl_client_parse_error(&err, SL_PROTO_JSON, "Op", cases[i].status, &h,
                                       cases[i].body, strlen(cases[i].body));
        CHECK(rc < 0);
        CHECK_INT(err.http_status, cases[i].status);
        if (cases[i].aws && *cases[i].aws)
            CHECK_STR(err.aws_code, cases[i].aws);
        CHECK(strlen(err.message) > 3 && !strchr(err.message, '\n'));
        CHECK(sl_str_starts(err.message, "Op: "));
    }
}

static void test_client__reset_mid_body_is_retried(void)
{
    canned_resp s[] = {
        {200, JSON_TYPE, "{\"Table\":{\"TableName\":\"aaaaaaaaaaaaaaaaaaaaaaaaa\"}}", -1, 10, 0},
        {200, JSON_TYPE, "{\"Table\":{}}", -1, -1, 0},
    };
    fixture f;
    setup(&f, s, 2, 3, 0);
    sl_err err = SL_ERR_INIT;
    CHECK_OK(json_call(&f, &err), &err);
    CHECK_INT(canned_requests(f.srv), 2);
    teardown(&f);
}

static void test_client__bad_success_bodies(void)
{
    canned_resp s[] = {{200, JSON_TYPE, "{\"Table\": ", -1, -1, 0},
                       {200, JSON_TYPE, "[1,2]", -1, -1, 0},
                       {200, JSON_TYPE, "", -1, -1, 0}};
    fixture f;
    setup(&f, s, 3, 1, 0);
    sl_err err = SL_ERR_INIT;
    CHECK_INT(json_call(&f, &err), SL_EPARSE);
    CHECK(strstr(err.message, "not a JSON object"));
    CHECK_INT(json_call(&f, &err), SL_EPARSE);
    cJSON *out = NULL;   /* an empty 200 body is an empty object */
    CHECK_OK(sl_client_json(&out, f.c, "PutItem", NULL, &err), &err);
    CHECK(cJSON_IsObject(out) && cJSON_GetArraySize(out) == 0);
    cJSON_Delete(out);
    teardown(&f);
}

static void test_client__query_protocol_bad_xml(void)
{
    canned_resp s[] = {{200, "Content-Type: text/xml\r\n", "<PublishResponse><PublishResult>", -1, -1, 0},
                       {200, "Content-Type: text/xml\r\n", "", -1, -1, 0}};
    fixture f;
    setup(&f, s, 2, 1, 0);
    sl_err err = SL_ERR_INIT;
    sl_xml *x = NULL;
    CHECK_INT(sl_client_query(&x, f.c, "Publish", "TopicArn=a", &err), SL_EPARSE);
    CHECK(strstr(err.message, "Publish") != NULL);
    CHECK_INT(sl_client_query(&x, f.c, "Publish", NULL, &err), SL_EPARSE);
    CHECK(x == NULL);
    char *head = canned_request_head(f.srv, 0);
    CHECK(head && strstr(head, "application/x-www-form-urlencoded"));
    free(head);
    teardown(&f);
}

static void test_client__crc32_mismatch_is_retried(void)
{
    canned_resp s[] = {{200, JSON_TYPE "x-amz-crc32: 12345\r\n", "{}", -1, -1, 0},
                       {200, JSON_TYPE "x-amz-crc32: 2745614147\r\n", "{}", -1, -1, 0}};
    fixture f;
    setup(&f, s, 2, 3, 0);
    sl_err err = SL_ERR_INIT;
    CHECK_OK(json_call(&f, &err), &err);   /* 2745614147 is CRC32("{}") */
    CHECK_INT(canned_requests(f.srv), 2);
    teardown(&f);
}

static void test_client__keeps_connection_alive(void)
{
    canned_resp s[] = {{200, JSON_TYPE, "{}", -1, -1, 0}};
    fixture f;
    setup(&f, s, 1, 1, 0);
    sl_err err = SL_ERR_INIT;
    for (int i = 0; i < 5; i++)
        CHECK_OK(json_call(&f, &err), &err);
    CHECK_INT(canned_requests(f.srv), 5);
    CHECK_INT(canned_connections(f.srv), 1);
    teardown(&f);
}

static void test_client__timeout_gives_net_error(void)
{
    canned_resp s[] = {{200, JSON_TYPE, "{}", -1, -1, 1500}};
    fixture f;
    setup(&f, s, 1, 1, 200);
    sl_err err = SL_ERR_INIT;
    int64_t t0 = sl_mono_ms();
    CHECK_INT(json_call(&f, &err), SL_ENET);
    CHECK(sl_mono_ms() - t0 < 1400);
    CHECK(err.retryable);
    CHECK_INT(err.http_status, 0);
    teardown(&f);
}

static void test_client__clock_skew_is_corrected(void)
{
    char date_hdr[128];
    time_t ahead = time(NULL) + 3600;
    struct tm tm;
    gmtime_r(&ahead, &tm);
    strftime(date_hdr, sizeof(date_hdr), "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    canned_resp s[] = {
        {400, date_hdr, "{\"__type\":\"InvalidSignatureException\",\"message\":\"Signature expired\"}", -1, -1, 0},
        {200, JSON_TYPE, "{}", -1, -1, 0},
    };
    fixture f;
    setup(&f, s, 2, 1, 0);   /* max_attempts 1: the skew retry is extra, once */
    sl_err err = SL_ERR_INIT;
    CHECK_OK(json_call(&f, &err), &err);
    CHECK_INT(canned_requests(f.srv), 2);
    char *h0 = canned_request_head(f.srv, 0), *h1 = canned_request_head(f.srv, 1);
    char d0[17], d1[17];
    CHECK(h0 && h1 && sscanf(strstr(h0, "X-Amz-Date: "), "X-Amz-Date: %16s", d0) == 1 &&
          sscanf(strstr(h1, "X-Amz-Date: "), "X-Amz-Date: %16s", d1) == 1);
    char want[17];
    sl_time_amz(want, ahead);
    CHECK_MSG(strncmp(d1, want, 12) == 0, "second request dated %s, want about %s", d1, want);
    CHECK(strcmp(d0, d1) != 0);
    free(h0);
    free(h1);
    teardown(&f);
}

static void test_client__signed_request_headers(void)
{
    canned_resp s[] = {{200, JSON_TYPE, "{}", -1, -1, 0}};
    fixture f;
    setup(&f, s, 1, 1, 0);
    sl_err err = SL_ERR_INIT;
    CHECK_OK(json_call(&f, &err), &err);
    char *h = canned_request_head(f.srv, 0);
    CHECK(h != NULL);
    char host[64];
    snprintf(host, sizeof(host), "Host: 127.0.0.1:%d\r\n", canned_port(f.srv));
    CHECK(sl_str_starts(h, "POST / HTTP/1.1\r\n"));
    CHECK(strstr(h, host));
    CHECK(strstr(h, "Authorization: AWS4-HMAC-SHA256 Credential=AKIDTEST/"));
    CHECK(strstr(h, "/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;"
                    "x-amz-date;x-amz-security-token;x-amz-target, Signature="));
    CHECK(strstr(h, "X-Amz-Target: DynamoDB_20120810.DescribeTable\r\n"));
    CHECK(strstr(h, "Content-Type: application/x-amz-json-1.0\r\n"));
    CHECK(strstr(h, "Content-Length: 2\r\n"));
    CHECK(!strstr(h, "Expect:") && !strstr(h, SECRET));
    free(h);
    teardown(&f);
}

typedef struct {
    const char *data;
    size_t len, off;
    int rewinds;
} src;

static size_t src_read(char *dst, size_t n, void *ctx)
{
    src *s = ctx;
    if (n > s->len - s->off)
        n = s->len - s->off;
    memcpy(dst, s->data + s->off, n);
    s->off += n;
    return n;
}

static int src_rewind(void *ctx)
{
    src *s = ctx;
    s->off = 0;
    s->rewinds++;
    return 0;
}

static void test_client__stream_resent_only_with_rewind(void)
{
    canned_resp script[] = {{503, NULL, "", -1, -1, 0}, {200, NULL, "", -1, -1, 0}};
    static const char payload[] = "0123456789abcdef";
    for (int with_rewind = 0; with_rewind < 2; with_rewind++) {
        fixture f;
        setup(&f, script, 2, 3, 0);
        sl_client_free(f.c);
        sl_client_opts o = SL_CLIENT_OPTS_INIT;
        o.region = "us-east-1";
        o.endpoint = canned_url(f.srv);
        o.backoff_scale = 0.001;
        sl_err err = SL_ERR_INIT;
        CHECK_OK(sl_client_new(&f.c, &SL_SVC_S3, &f.cfg, f.creds, &o, &err), &err);
        src s = {payload, 16, 0, 0};
        sl_call call = {.op = "PutObject", .method = "PUT", .path = "/b/k"};
        call.body.read = src_read;
        call.body.rewind = with_rewind ? src_rewind : NULL;
        call.body.ctx = &s;
        call.body.length = 16;
        sl_http_resp resp;
        sl_http_resp_init(&resp);
        int rc = sl_client_call(f.c, &call, &resp, &err);
        if (with_rewind) {
            CHECK_OK(rc, &err);
            CHECK_INT(canned_requests(f.srv), 2);
            CHECK_INT(s.rewinds, 1);
        } else {
            CHECK_INT(rc, SL_EAWS);
            CHECK_INT(canned_requests(f.srv), 1);
        }
        char *h = canned_request_head(f.srv, 0);
        CHECK(h && strstr(h, "x-amz-content-sha256: UNSIGNED-PAYLOAD") &&
              strstr(h, "Content-Length: 16"));
        free(h);
        sl_http_resp_cleanup(&resp);
        teardown(&f);
    }
}

static int count_sink(const char *p, size_t n, void *ctx)
{
    (void)p;
    *(size_t *)ctx += n;
    return 0;
}

static void test_client__partial_stream_not_retried(void)
{
    static char body[4096];
    memset(body, 'x', sizeof(body));
    canned_resp s[] = {{200, NULL, body, 4096, 1000, 0}, {200, NULL, body, 4096, -1, 0}};
    fixture f;
    setup(&f, s, 2, 3, 0);
    size_t got = 0;
    sl_call call = {.op = "GetObject", .method = "GET", .path = "/b/k",
                    .on_body = count_sink, .on_body_ctx = &got};
    sl_http_resp resp;
    sl_http_resp_init(&resp);
    sl_err err = SL_ERR_INIT;
    CHECK_INT(sl_client_call(f.c, &call, &resp, &err), SL_ENET);
    CHECK_INT(canned_requests(f.srv), 1);
    CHECK_INT(got, 1000);
    sl_http_resp_cleanup(&resp);
    teardown(&f);
}

static void test_client__retry_quota_stops_hammering(void)
{
    canned_resp s[] = {{503, NULL, "", -1, -1, 0}};
    fixture f;
    setup(&f, s, 1, 3, 0);
    sl_err err = SL_ERR_INIT;
    int calls = 0, exhausted = 0;
    /* 500 tokens at 5 per retry: 100 retries, then calls fail without retrying. */
    while (calls < 200 && !exhausted) {
        CHECK_INT(json_call(&f, &err), SL_EAWS);
        calls++;
        exhausted = strstr(err.message, "retry quota exhausted") != NULL;
    }
    CHECK(exhausted);
    CHECK_INT(canned_requests(f.srv), calls + 100);
    int before = canned_requests(f.srv);
    CHECK_INT(json_call(&f, &err), SL_EAWS);
    CHECK_INT(canned_requests(f.srv) - before, 1);
    teardown(&f);
}

static void test_client__connection_refused(void)
{
    canned_resp s[] = {{200, NULL, "", -1, -1, 0}};
    fixture f;
    setup(&f, s, 1, 2, 0);
    int port = canned_port(f.srv);
    canned_stop(f.srv);   /* nothing listens there now */
    f.srv = NULL;
    sl_err err = SL_ERR_INIT;
    int64_t t0 = sl_mono_ms();
    CHECK_INT(json_call(&f, &err), SL_ENET);
    CHECK(sl_mono_ms() - t0 < 5000);
    CHECK(err.retryable && strstr(err.message, "DescribeTable"));
    no_secret(&err);
    (void)port;
    sl_client_free(f.c);
    sl_cred_provider_free(f.creds);
}

static void test_client__endpoint_and_region_checks(void)
{
    sl_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    sl_cred_provider *cp = NULL;
    sl_err err = SL_ERR_INIT;
    CHECK_OK(sl_cred_provider_static(&cp, "AK", "SK", NULL, &err), &err);
    sl_client *c = NULL;
    CHECK_INT(sl_client_new(&c, &SL_SVC_S3, &cfg, cp, NULL, &err), SL_ECONFIG);
    CHECK(strstr(err.message, "region"));
    sl_client_opts o = SL_CLIENT_OPTS_INIT;
    o.region = "eu-west-1";
    const char *bad[] = {"ftp://x", "http://", "127.0.0.1:80", "httpx://a"};
    for (size_t i = 0; i < 4; i++) {
        o.endpoint = bad[i];
        CHECK_INT(sl_client_new(&c, &SL_SVC_S3, &cfg, cp, &o, &err), SL_ECONFIG);
    }
    o.endpoint = NULL;
    CHECK_OK(sl_client_new(&c, &SL_SVC_CLOUDWATCH, &cfg, cp, &o, &err), &err);
    CHECK_STR(sl_client_endpoint(c), "https://monitoring.eu-west-1.amazonaws.com");
    CHECK(!sl_client_custom_endpoint(c));
    sl_client_free(c);
    o.endpoint = "http://127.0.0.1:4566/base/";
    CHECK_OK(sl_client_new(&c, &SL_SVC_S3, &cfg, cp, &o, &err), &err);
    CHECK_STR(sl_client_endpoint(c), "http://127.0.0.1:4566/base");
    CHECK(sl_client_custom_endpoint(c));
    sl_client_free(c);
    sl_cred_provider_free(cp);
}

int main(int argc, char **argv)
{
    sl_http_global_init();
    static const test_case cases[] = {
        TEST_CASE(test_client__retries_503_then_succeeds),
        TEST_CASE(test_client__gives_up_after_max_attempts),
        TEST_CASE(test_client__throttling_code_is_retried),
        TEST_CASE(test_client__client_errors_are_not_retried),
        TEST_CASE(test_client__hostile_error_bodies),
        TEST_CASE(test_client__reset_mid_body_is_retried),
        TEST_CASE(test_client__bad_success_bodies),
        TEST_CASE(test_client__query_protocol_bad_xml),
        TEST_CASE(test_client__crc32_mismatch_is_retried),
        TEST_CASE(test_client__keeps_connection_alive),
        TEST_CASE(test_client__timeout_gives_net_error),
        TEST_CASE(test_client__clock_skew_is_corrected),
        TEST_CASE(test_client__signed_request_headers),
        TEST_CASE(test_client__stream_resent_only_with_rewind),
        TEST_CASE(test_client__partial_stream_not_retried),
        TEST_CASE(test_client__retry_quota_stops_hammering),
        TEST_CASE(test_client__connection_refused),
        TEST_CASE(test_client__endpoint_and_region_checks),
    };
    int rc = test_main(cases, sizeof(cases) / sizeof(*cases), argc, argv);
    sl_http_global_cleanup();
    return rc;
}
