#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sl_err_clear(sl_err *err)
{
    if (err)
        *err = (sl_err)SL_ERR_INIT;
}

static void one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r' || *s == '\t')
            *s = ' ';
}

int sl_err_set(sl_err *err, sl_code code, const char *fmt, ...)
{
    if (!err)
        return code;
    sl_err_clear(err);
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    one_line(err->message);
    return code;
}

void sl_err_prefix(sl_err *err, const char *fmt, ...)
{
    if (!err)
        return;
    char pre[128], old[sizeof(err->message)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof(pre), fmt, ap);
    va_end(ap);
    memcpy(old, err->message, sizeof(old));
    size_t cap = sizeof(err->message) - 1, pl = strlen(pre), ol = strlen(old);
    if (pl > cap)
        pl = cap;
    if (ol > cap - pl)
        ol = cap - pl;   /* keep the context, truncate the old tail */
    memcpy(err->message, pre, pl);
    memcpy(err->message + pl, old, ol);
    err->message[pl + ol] = '\0';
    one_line(err->message);
}

const char *sl_code_name(sl_code code)
{
    switch (code) {
    case SL_OK: return "OK";
    case SL_ENOMEM: return "ENOMEM";
    case SL_EINVAL: return "EINVAL";
    case SL_EIO: return "EIO";
    case SL_ENET: return "ENET";
    case SL_EAWS: return "EAWS";
    case SL_ENOTFOUND: return "ENOTFOUND";
    case SL_ECONFLICT: return "ECONFLICT";
    case SL_EPARSE: return "EPARSE";
    case SL_ETOOBIG: return "ETOOBIG";
    case SL_ECANCELLED: return "ECANCELLED";
    case SL_EUNSUPPORTED: return "EUNSUPPORTED";
    case SL_ECONFIG: return "ECONFIG";
    }
    return "E?";
}

const char *sl_err_str(const sl_err *err, char *out, int outsz)
{
    if (!err || err->code == SL_OK) {
        snprintf(out, (size_t)outsz, "ok");
        return out;
    }
    int n = snprintf(out, (size_t)outsz, "%s", err->message[0] ? err->message
                                                                 : sl_code_name(err->code));
    if (n < 0 || n >= outsz)
        return out;
    if (err->aws_code[0] || err->http_status) {
        n += snprintf(out + n, (size_t)(outsz - n), " (%s%sHTTP %d", err->aws_code,
                      err->aws_code[0] ? ", " : "", err->http_status);
        if (n < outsz && err->request_id[0])
            n += snprintf(out + n, (size_t)(outsz - n), ", request id %s", err->request_id);
        if (n < outsz)
            snprintf(out + n, (size_t)(outsz - n), ")");
    }
    return out;
}
