/* sluice core: levelled logging. The library never writes anywhere by itself:
 * a program installs a sink (stdout JSON lines, a file, ...). */
#ifndef SL_CORE_LOG_H
#define SL_CORE_LOG_H

#include "core/err.h"

typedef enum { SL_LOG_DEBUG, SL_LOG_INFO, SL_LOG_WARN, SL_LOG_ERROR, SL_LOG_OFF } sl_log_level;

typedef void (*sl_log_sink)(sl_log_level level, const char *line, void *ctx);

/* Install a sink and a minimum level (thread-safe to call once at start-up). */
void sl_log_set(sl_log_sink sink, sl_log_level min, void *ctx);
int sl_log_enabled(sl_log_level level);
void sl_log(sl_log_level level, const char *fmt, ...) SL_PRINTF(2, 3);
const char *sl_log_level_name(sl_log_level level);

#endif
