/* sluice core: hashing on OpenSSL EVP (uses the CPU's SHA instructions). */
#ifndef SL_CORE_CRYPTO_H
#define SL_CORE_CRYPTO_H

#include <stddef.h>

#include "core/err.h"

#define SL_SHA256_LEN 32
#define SL_SHA256_HEX_LEN 64

/* Hex SHA-256 of the empty string: the payload hash of a request without body. */
#define SL_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

void sl_sha256(unsigned char out[SL_SHA256_LEN], const void *p, size_t n);
void sl_sha256_hex(char out[SL_SHA256_HEX_LEN + 1], const void *p, size_t n);
void sl_hmac_sha256(unsigned char out[SL_SHA256_LEN], const void *key, size_t keylen,
                    const void *p, size_t n);
void sl_md5(unsigned char out[16], const void *p, size_t n);

/* Incremental SHA-256 for streams. */
typedef struct sl_sha256_ctx sl_sha256_ctx;
sl_sha256_ctx *sl_sha256_new(void);
void sl_sha256_update(sl_sha256_ctx *c, const void *p, size_t n);
void sl_sha256_final(sl_sha256_ctx *c, unsigned char out[SL_SHA256_LEN]);
void sl_sha256_free(sl_sha256_ctx *c);

#endif
