/* sluice core: growable byte buffer with a size cap (every HTTP body goes through one). */
#ifndef SL_CORE_BUF_H
#define SL_CORE_BUF_H

#include <stddef.h>

#include "core/err.h"

typedef struct sl_buf {
    char *data;   /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    size_t max;   /* 0 = unlimited */
} sl_buf;

#define SL_BUF_INIT { NULL, 0, 0, 0 }

void sl_buf_init(sl_buf *b, size_t max);
void sl_buf_cleanup(sl_buf *b);
void sl_buf_reset(sl_buf *b);   /* len = 0, keeps memory */

/* Append bytes. SL_ETOOBIG past the cap, SL_ENOMEM; the buffer is unchanged then. */
SL_MUST_CHECK int sl_buf_append(sl_buf *b, const void *p, size_t n);
SL_MUST_CHECK int sl_buf_puts(sl_buf *b, const char *s);
SL_MUST_CHECK int sl_buf_printf(sl_buf *b, const char *fmt, ...) SL_PRINTF(2, 3);

/* Hand the data to the caller (free() it); the buffer is empty afterwards.
 * Never NULL on success: an empty buffer gives "". */
char *sl_buf_take(sl_buf *b);

#endif
