/* sluice core: an ordered list of HTTP headers (owned copies). */
#ifndef SL_CORE_HDRS_H
#define SL_CORE_HDRS_H

#include <stddef.h>

#include "core/err.h"

typedef struct sl_hdr {
    char *name;
    char *value;
} sl_hdr;

typedef struct sl_hdrs {
    sl_hdr *v;
    size_t n, cap;
} sl_hdrs;

#define SL_HDRS_INIT { NULL, 0, 0 }

void sl_hdrs_cleanup(sl_hdrs *h);
/* Append a header (duplicates allowed, order kept). */
SL_MUST_CHECK int sl_hdrs_add(sl_hdrs *h, const char *name, const char *value);
SL_MUST_CHECK int sl_hdrs_addn(sl_hdrs *h, const char *name, size_t nlen, const char *value,
                               size_t vlen);
/* Replace every header of that name (case-insensitive) by one. */
SL_MUST_CHECK int sl_hdrs_set(sl_hdrs *h, const char *name, const char *value);
void sl_hdrs_del(sl_hdrs *h, const char *name);
/* First value of that name (case-insensitive), borrowed; NULL if absent. */
const char *sl_hdrs_get(const sl_hdrs *h, const char *name);

#endif
