/* sluice core: AWS configuration the standard way: environment variables, then
 * the shared config/credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE,
 * AWS_PROFILE). See docs/core.md and aws-wire-notes section 2. */
#ifndef SL_CORE_CONFIG_H
#define SL_CORE_CONFIG_H

#include <stddef.h>

#include "core/err.h"

typedef struct sl_ini sl_ini;   /* parsed INI file (core/config.c) */

typedef struct sl_config {
    char *profile;          /* AWS_PROFILE or "default" */
    char *region;           /* AWS_REGION, AWS_DEFAULT_REGION, profile region; NULL if none */
    int max_attempts;       /* AWS_MAX_ATTEMPTS, profile max_attempts, default 3 */
    char *endpoint_url;     /* AWS_ENDPOINT_URL or profile endpoint_url; NULL if none
                             * (also NULL when ignore_endpoints is set) */
    int ignore_endpoints;   /* AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or profile
                             * ignore_configured_endpoint_urls = true) */
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

/* The INI reader behind the shared files (AWS dialect: `[section]`, `key = value`,
 * `#`/`;` comment lines, a key with an empty value followed by indented `k = v`
 * lines is a sub-section, other indented lines continue the previous value).
 * Section names are kept with inner whitespace collapsed ("profile dev"); keys
 * compare case-insensitively; a repeated key replaces the earlier one.
 * Parse errors are SL_ECONFIG "name:line: reason" (never the line's text, which may
 * hold a secret). Values are wiped when freed. */
SL_MUST_CHECK int sl_ini_parse(sl_ini **out, const char *text, size_t len, const char *name,
                               sl_err *err);
/* Read and parse a file: SL_ENOTFOUND when it does not exist, SL_ECONFIG when it
 * cannot be read, is larger than 16 MiB or does not parse. */
SL_MUST_CHECK int sl_ini_load(sl_ini **out, const char *path, sl_err *err);
void sl_ini_free(sl_ini *ini);
int sl_ini_has_section(const sl_ini *ini, const char *section);
/* Borrowed value, NULL if absent (a sub-section key's own value is ""). */
const char *sl_ini_get(const sl_ini *ini, const char *section, const char *key);
const char *sl_ini_sub_get(const sl_ini *ini, const char *section, const char *key,
                           const char *subkey);

#endif
