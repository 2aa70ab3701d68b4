/* sluice core: AWS Signature Version 4 (AWS4-HMAC-SHA256), header and query forms. */
#ifndef SL_CORE_SIGV4_H
#define SL_CORE_SIGV4_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/crypto.h"
#include "core/hdrs.h"

#define SL_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

typedef struct sl_sigv4_params {
    const char *access_key;
    const char *secret_key;
    const char *session_token;   /* NULL or "" when the credentials have none */
    const char *region;
    const char *service;         /* signing name: s3, sqs, dynamodb, monitoring, ... */
    const char *amz_date;        /* "YYYYMMDDTHHMMSSZ" */
    bool s3;                     /* S3 path rules: path used as sent, no normalisation */
    bool normalize;              /* non-S3: drop . and .. segments, collapse // */
    bool content_sha256_header;  /* send and sign x-amz-content-sha256 (S3 needs it) */
    bool token_after_signing;    /* add the token unsigned (the rare "after" variant) */
} sl_sigv4_params;

#define SL_SIGV4_PARAMS_INIT { NULL, NULL, NULL, NULL, NULL, NULL, false, true, false, false }

/* The request being signed. path and query are exactly as sent on the wire
 * (already percent-encoded; query without '?', NULL or "" for none). */
typedef struct sl_sigv4_req {
    const char *method;
    const char *path;
    const char *query;
    const char *payload_hash;    /* lowercase hex SHA-256, or SL_UNSIGNED_PAYLOAD */
} sl_sigv4_req;

/* Intermediate stages, for tests and debugging (all optional, caller-owned). */
typedef struct sl_sigv4_trace {
    sl_buf canonical_request;
    sl_buf string_to_sign;
    char signature[SL_SHA256_HEX_LEN + 1];
} sl_sigv4_trace;

/* Sign in the Authorization header: sets X-Amz-Date, X-Amz-Security-Token (when
 * a token is given), x-amz-content-sha256 (when asked) and Authorization in hdrs.
 * Every header already in hdrs is signed: add only headers that are really sent. */
SL_MUST_CHECK int sl_sigv4_sign(sl_hdrs *hdrs, const sl_sigv4_params *p,
                                const sl_sigv4_req *req, sl_sigv4_trace *trace, sl_err *err);

/* Presign: writes the complete query string (X-Amz-* parameters included, ending with
 * X-Amz-Signature) to out. The headers in hdrs are signed (host at least). */
SL_MUST_CHECK int sl_sigv4_presign(sl_buf *out, const sl_hdrs *hdrs, const sl_sigv4_params *p,
                                   const sl_sigv4_req *req, long expires_s,
                                   sl_sigv4_trace *trace, sl_err *err);

/* The canonical URI of a wire path under the given rules (exposed for tests). */
SL_MUST_CHECK int sl_sigv4_canonical_uri(sl_buf *out, const char *path, bool s3, bool normalize);
/* The canonical query of a wire query string. */
SL_MUST_CHECK int sl_sigv4_canonical_query(sl_buf *out, const char *query);

#endif
