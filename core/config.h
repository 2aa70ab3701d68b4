/* sluice core: AWS configuration the standard way: environment variables, then
 * the shared config/credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE,
 * AWS_PROFILE). See docs/core.md and aws-wire-notes section 2. */
#ifndef SL_CORE_CONFIG_H
#define SL_CORE_CONFIG_H

#include "core/err.h"

typedef struct sl_ini sl_ini;   /* parsed INI file (core/config.c) */

typedef struct sl_config {
    char *profile;          /* AWS_PROFILE or "default" */
    char *region;           /* AWS_REGION, AWS_DEFAULT_REGION, profile region; NULL if none */
    int max_attempts;       /* AWS_MAX_ATTEMPTS, profile max_attempts, default 3 */
    char *endpoint_url;     /* AWS_ENDPOINT_URL or profile endpoint_url; NULL if none */
    int ignore_endpoints;   /* AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true */
    sl_ini *config_file;    /* ~/.aws/config (may be NULL) */
    sl_ini *creds_file;     /* ~/.aws/credentials (may be NULL) */
} sl_config;

/* Load from the environment and the shared files. Missing files are fine; a file
 * that cannot be parsed, or AWS_PROFILE naming a profile that exists nowhere, is
 * SL_ECONFIG. Release with sl_config_cleanup(). */
SL_MUST_CHECK int sl_config_load(sl_config *cfg, sl_err *err);
void sl_config_cleanup(sl_config *cfg);

/* Endpoint for a service, as an owned string (free()), or NULL when none is
 * configured (then the caller uses the AWS default host). service_id is the env
 * form ("S3", "DYNAMODB", "CLOUDWATCH"), config_key the [services] key ("s3",
 * "dynamodb", "cloudwatch"). Order: AWS_ENDPOINT_URL_<ID>, services section of
 * the profile, AWS_ENDPOINT_URL, profile endpoint_url. */
char *sl_config_endpoint(const sl_config *cfg, const char *service_id, const char *config_key);

/* Value of key in the profile's section of the config file, with the
 * credentials file winning for the same key (borrowed; NULL if absent). */
const char *sl_config_profile_get(const sl_config *cfg, const char *key);

#endif
