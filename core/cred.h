/* sluice core: credentials. Chain: environment (AWS_ACCESS_KEY_ID, ...), the
 * profile in the shared files, then the container credentials endpoint
 * (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI, as Lambda and ECS provide),
 * cached and refreshed before Expiration. Secrets never reach a message or a log. */
#ifndef SL_CORE_CRED_H
#define SL_CORE_CRED_H

#include <stdint.h>

#include "core/config.h"
#include "core/err.h"

typedef struct sl_creds {
    char *access_key;
    char *secret_key;
    char *session_token;    /* NULL when none */
    int64_t expires_ms;     /* epoch ms; 0 = never */
    const char *source;     /* static string: "env", "profile", "container", "static" */
} sl_creds;

#define SL_CREDS_INIT { NULL, NULL, NULL, 0, NULL }

/* Wipe (zero) and free the strings. */
void sl_creds_cleanup(sl_creds *c);
SL_MUST_CHECK int sl_creds_copy(sl_creds *dst, const sl_creds *src);

typedef struct sl_cred_provider sl_cred_provider;

/* A provider resolving the standard chain for cfg (cfg must outlive it). Nothing is
 * fetched until the first sl_cred_provider_get(). Thread-safe, reference counted. */
SL_MUST_CHECK int sl_cred_provider_new(sl_cred_provider **out, const sl_config *cfg, sl_err *err);
/* A provider that always returns these static credentials (tests, explicit keys). */
SL_MUST_CHECK int sl_cred_provider_static(sl_cred_provider **out, const char *akid,
                                          const char *secret, const char *token, sl_err *err);
sl_cred_provider *sl_cred_provider_ref(sl_cred_provider *p);
void sl_cred_provider_free(sl_cred_provider *p);   /* drops one reference */

/* Copy current credentials into *out (release with sl_creds_cleanup). Refreshes
 * container credentials 5 minutes before they expire. SL_ECONFIG when the chain
 * finds none; SL_ENET/SL_EAWS when the container endpoint fails. */
SL_MUST_CHECK int sl_cred_provider_get(sl_cred_provider *p, sl_creds *out, sl_err *err);

/* Check a container credentials URL (AWS_CONTAINER_CREDENTIALS_FULL_URI): https, or
 * http to a literal loopback address, localhost, 169.254.170.2, 169.254.170.23 or
 * fd00:ec2::23. Host names other than localhost are not resolved (no network), so
 * they need https. *out gets the normalised URL (free()). SL_ECONFIG otherwise. */
SL_MUST_CHECK int sl_cred_container_url(char **out, const char *url, sl_err *err);

/* Tests only, not thread-safe: base URL that AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 * is appended to instead of http://169.254.170.2 (the string is borrowed; NULL
 * restores the default). */
void sl_cred_set_relative_base(const char *base);

#endif
