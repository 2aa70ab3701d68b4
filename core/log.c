#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

static sl_log_sink g_sink;
static void *g_ctx;
static sl_log_level g_min = SL_LOG_OFF;

void sl_log_set(sl_log_sink sink, sl_log_level min, void *ctx)
{
    g_sink = sink;
    g_ctx = ctx;
    g_min = sink ? min : SL_LOG_OFF;
}

int sl_log_enabled(sl_log_level level)
{
    return g_sink && level >= g_min && level < SL_LOG_OFF;
}

void sl_log(sl_log_level level, const char *fmt, ...)
{
    if (!sl_log_enabled(level))
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    g_sink(level, line, g_ctx);
}

const char *sl_log_level_name(sl_log_level level)
{
    static const char *names[] = {"debug", "info", "warn", "error", "off"};
    return (level >= SL_LOG_DEBUG && level <= SL_LOG_OFF) ? names[level] : "?";
}
