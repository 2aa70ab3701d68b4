#include "core/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdlib.h>

#include "core/str.h"

void sl_sha256(unsigned char out[SL_SHA256_LEN], const void *p, size_t n)
{
    unsigned int len = SL_SHA256_LEN;
    EVP_Digest(p, n, out, &len, EVP_sha256(), NULL);
}

void sl_sha256_hex(char out[SL_SHA256_HEX_LEN + 1], const void *p, size_t n)
{
    unsigned char d[SL_SHA256_LEN];
    sl_sha256(d, p, n);
    sl_hex(out, d, sizeof(d));
}

void sl_hmac_sha256(unsigned char out[SL_SHA256_LEN], const void *key, size_t keylen,
                    const void *p, size_t n)
{
    unsigned int len = SL_SHA256_LEN;
    HMAC(EVP_sha256(), key, (int)keylen, p, n, out, &len);
}

void sl_md5(unsigned char out[16], const void *p, size_t n)
{
    unsigned int len = 16;
    EVP_Digest(p, n, out, &len, EVP_md5(), NULL);
}

struct sl_sha256_ctx {
    EVP_MD_CTX *md;
};

sl_sha256_ctx *sl_sha256_new(void)
{
    sl_sha256_ctx *c = malloc(sizeof(*c));
    if (!c)
        return NULL;
    c->md = EVP_MD_CTX_new();
    if (!c->md || !EVP_DigestInit_ex(c->md, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(c->md);
        free(c);
        return NULL;
    }
    return c;
}

void sl_sha256_update(sl_sha256_ctx *c, const void *p, size_t n)
{
    EVP_DigestUpdate(c->md, p, n);
}

void sl_sha256_final(sl_sha256_ctx *c, unsigned char out[SL_SHA256_LEN])
{
    unsigned int len = SL_SHA256_LEN;
    EVP_DigestFinal_ex(c->md, out, &len);
}

void sl_sha256_free(sl_sha256_ctx *c)
{
    if (!c)
        return;
    EVP_MD_CTX_free(c->md);
    free(c);
}
