#include "core/hdrs.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void sl_hdrs_cleanup(sl_hdrs *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++) {
        free(h->v[i].name);
        free(h->v[i].value);
    }
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

int sl_hdrs_addn(sl_hdrs *h, const char *name, size_t nlen, const char *value, size_t vlen)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        sl_hdr *v = realloc(h->v, cap * sizeof(*v));
        if (!v)
            return SL_ENOMEM;
        h->v = v;
        h->cap = cap;
    }
    char *n = strndup(name, nlen), *val = strndup(value, vlen);
    if (!n || !val) {
        free(n);
        free(val);
        return SL_ENOMEM;
    }
    h->v[h->n].name = n;
    h->v[h->n].value = val;
    h->n++;
    return SL_OK;
}

int sl_hdrs_add(sl_hdrs *h, const char *name, const char *value)
{
    return sl_hdrs_addn(h, name, strlen(name), value, strlen(value));
}

void sl_hdrs_del(sl_hdrs *h, const char *name)
{
    size_t j = 0;
    for (size_t i = 0; i < h->n; i++) {
        if (strcasecmp(h->v[i].name, name) == 0) {
            free(h->v[i].name);
            free(h->v[i].value);
        } else {
            h->v[j++] = h->v[i];
        }
    }
    h->n = j;
}

int sl_hdrs_set(sl_hdrs *h, const char *name, const char *value)
{
    sl_hdrs_del(h, name);
    return sl_hdrs_add(h, name, value);
}

const char *sl_hdrs_get(const sl_hdrs *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcasecmp(h->v[i].name, name) == 0)
            return h->v[i].value;
    return NULL;
}
