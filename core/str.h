/* sluice core: string helpers: URI/form encoding, hex, base64, time stamps. */
#ifndef SL_CORE_STR_H
#define SL_CORE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/buf.h"

/* AWS UriEncode: keep A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash), else %XX uppercase. */
SL_MUST_CHECK int sl_uri_encode(sl_buf *out, const char *s, size_t n, bool keep_slash);

/* Query-protocol form parameters: append "key=UriEncode(value)", with '&' before it
 * when out is not empty. The _f variant formats the key ("Dims.member.%d.Name"). */
SL_MUST_CHECK int sl_form_add(sl_buf *out, const char *key, const char *value);
SL_MUST_CHECK int sl_form_addf(sl_buf *out, const char *value, const char *keyfmt, ...)
    SL_PRINTF(3, 4);

/* Decode %XX escapes (and '+' as space when form is true) into a new string.
 * Invalid escapes are kept literally. Returns NULL on allocation failure. *outlen
 * (may be NULL) gets the decoded length (the result may hold NUL bytes). */
char *sl_uri_decode(const char *s, size_t n, bool form, size_t *outlen);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void sl_hex(char *out, const unsigned char *p, size_t n);

/* Base64 (standard alphabet, padded). Encode returns a malloc'd string.
 * Decode returns SL_EPARSE on bad input; *out is malloc'd. */
char *sl_base64_encode(const unsigned char *p, size_t n);
SL_MUST_CHECK int sl_base64_decode(unsigned char **out, size_t *outlen, const char *s, size_t n);

/* "20150830T123600Z" (16+1 bytes) and "2015-08-30T12:36:00Z" forms of t (UTC). */
void sl_time_amz(char out[17], time_t t);
void sl_time_iso(char out[21], time_t t);
/* Milliseconds variant "2015-08-30T12:36:00.123Z" of an epoch in ms (25 bytes). */
void sl_time_iso_ms(char out[25], int64_t epoch_ms);

/* Parse ISO-8601 UTC ("2026-01-01T00:00:00Z", fractional seconds, "+00:00", or no zone,
 * which is read as UTC). Returns 0 and epoch milliseconds, or SL_EPARSE. */
SL_MUST_CHECK int sl_time_parse_iso(int64_t *out_ms, const char *s);
/* Parse an RFC 7231 HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT"). */
SL_MUST_CHECK int sl_time_parse_http(time_t *out, const char *s);

int64_t sl_now_ms(void);        /* wall clock, epoch ms */
int64_t sl_mono_ms(void);       /* monotonic ms, for timeouts */

/* strdup that accepts NULL; strndup likewise. */
char *sl_strdup(const char *s);
char *sl_strndup(const char *s, size_t n);
/* Trim ASCII whitespace in place, returns s. */
char *sl_trim(char *s);
bool sl_str_ieq(const char *a, const char *b);
bool sl_str_starts(const char *s, const char *prefix);
/* Parse a whole decimal integer string; SL_EPARSE on junk or overflow. */
SL_MUST_CHECK int sl_parse_i64(int64_t *out, const char *s);

#endif
