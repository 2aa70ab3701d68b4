/* sluice core: a service client: endpoint resolution, SigV4 signing, the retry
 * loop, and turning error documents into sl_err. One client per thread (it owns
 * one connection); the credentials provider and config may be shared. */
#ifndef SL_CORE_CLIENT_H
#define SL_CORE_CLIENT_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "core/config.h"
#include "core/cred.h"
#include "core/http.h"
#include "core/xml.h"

typedef enum { SL_PROTO_REST_XML, SL_PROTO_JSON, SL_PROTO_QUERY } sl_proto;

typedef struct sl_service {
    const char *signing_name;  /* credential scope: s3, dynamodb, monitoring, ... */
    const char *env_id;        /* AWS_ENDPOINT_URL_<env_id> */
    const char *config_key;    /* [services] key */
    const char *host_prefix;   /* https://<host_prefix>.<region>.amazonaws.com */
    const char *json_target;   /* X-Amz-Target prefix for JSON protocols */
    const char *api_version;   /* Version= for the query protocol */
    sl_proto proto;
} sl_service;

extern const sl_service SL_SVC_S3, SL_SVC_DYNAMODB, SL_SVC_SQS, SL_SVC_SNS,
    SL_SVC_CLOUDWATCH, SL_SVC_CLOUDFORMATION;

typedef struct sl_client_opts {
    int max_attempts;          /* 0 = from config (AWS_MAX_ATTEMPTS, default 3) */
    const char *region;        /* NULL = from config */
    const char *endpoint;      /* NULL = from config / AWS default */
    long timeout_ms;           /* per attempt for non-streamed calls; default 30000 */
    long connect_timeout_ms;   /* default 5000 */
    double backoff_scale;      /* multiplies retry backoff; 0 = 1.0 (tests use less) */
} sl_client_opts;

#define SL_CLIENT_OPTS_INIT { 0, NULL, NULL, 30000, 5000, 1.0 }

typedef struct sl_client sl_client;

/* cfg must outlive the client; creds gets one more reference. SL_ECONFIG when no
 * region is configured or the endpoint URL is malformed. */
SL_MUST_CHECK int sl_client_new(sl_client **out, const sl_service *svc, const sl_config *cfg,
                                sl_cred_provider *creds, const sl_client_opts *opts,
                                sl_err *err);
void sl_client_free(sl_client *c);

const char *sl_client_region(const sl_client *c);
const char *sl_client_endpoint(const sl_client *c);    /* base URL, no trailing '/' */
bool sl_client_custom_endpoint(const sl_client *c);    /* not the AWS default host */
int sl_client_max_attempts(const sl_client *c);
/* New client for the same service, config, credentials and options (for worker
 * threads: each needs its own connection). */
SL_MUST_CHECK int sl_client_dup(sl_client **out, const sl_client *c, sl_err *err);

typedef struct sl_call {
    const char *op;              /* operation name for errors and logs */
    const char *method;
    const char *path;            /* wire path (encoded once); NULL = "/" */
    const char *query;           /* wire query without '?', may be NULL */
    const char *host_prefix;     /* virtual-host style: "<prefix>.<endpoint host>" */
    const sl_hdrs *headers;      /* extra headers to send and sign */
    sl_body body;
    const char *payload_hash;    /* NULL: SHA-256 of a memory body, UNSIGNED-PAYLOAD for a stream */
    sl_write_fn on_body;         /* stream a 2xx body here instead of resp->body */
    void *on_body_ctx;
    long timeout_ms;             /* 0 = client default; -1 = none (stall timeout only) */
    bool no_retry;               /* not safe to resend */
} sl_call;

/* Send a call with signing and retries. On a 2xx returns SL_OK with resp filled
 * (resp->body unless on_body streamed it). Otherwise the error document is parsed
 * into err: SL_ENOTFOUND, SL_ECONFLICT, SL_EAWS, SL_ENET, ... (resp holds the last
 * response). A streamed request body is resent only if it has a rewind callback;
 * a response that already streamed bytes to on_body is never retried. */
SL_MUST_CHECK int sl_client_call(sl_client *c, const sl_call *call, sl_http_resp *resp,
                                 sl_err *err);

/* JSON protocols (DynamoDB, SQS): POST / with X-Amz-Target <json_target>.<op>.
 * req may be NULL ("{}"). *out is the parsed reply (cJSON_Delete it). */
SL_MUST_CHECK int sl_client_json(cJSON **out, sl_client *c, const char *op, const cJSON *req,
                                 sl_err *err);

/* Query protocol (SNS, CloudWatch, CloudFormation): POST form "Action=op&Version=..&"
 * + params (already form-encoded, may be NULL). *out is the parsed XML reply. */
SL_MUST_CHECK int sl_client_query(sl_xml **out, sl_client *c, const char *op,
                                  const char *params, sl_err *err);

/* The same, sent once without retries: for probing calls an endpoint may not
 * implement (moto answers some with HTTP 500), so the caller can report
 * SL_EUNSUPPORTED quickly. */
SL_MUST_CHECK int sl_client_json_once(cJSON **out, sl_client *c, const char *op,
                                      const cJSON *req, sl_err *err);
SL_MUST_CHECK int sl_client_query_once(sl_xml **out, sl_client *c, const char *op,
                                       const char *params, sl_err *err);

/* True when err says the endpoint does not implement the call: HTTP 501, or a 500
 * that carried no AWS error document (moto's "not implemented" HTML page). */
bool sl_err_is_unimplemented(const sl_err *err);

/* Fill err from an error response (status, headers, body) of the given protocol.
 * Exposed for tests of hostile bodies. Returns err->code. */
int sl_client_parse_error(sl_err *err, sl_proto proto, const char *op, int status,
                          const sl_hdrs *headers, const char *body, size_t len);

#endif
