/* error: status codes, srx_strerror, diagnostic buffers, version. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "internal.h"

void srx_diag_clear(srx_diag *diag)
{
    if (diag)
        diag->message[0] = '\0';
}

const char *srx_strerror(int status)
{
    switch (status) {
    case SRX_OK: return "success";
    case SRX_EINVAL: return "invalid argument";
    case SRX_EDOM: return "argument outside the model's domain";
    case SRX_ENOMEM: return "out of memory";
    case SRX_EIO: return "input/output error";
    case SRX_EFORMAT: return "malformed data";
    case SRX_ENOCONV: return "did not converge";
    case SRX_ENODATA: return "too few data points";
    case SRX_ENOTFOUND: return "not found";
    case SRX_ERANGE: return "result out of range";
    case SRX_ENORELAX: return "no relaxation within the delays";
    case SRX_ESINGULAR: return "parameters not determined by the data";
    case SRX_ECANCELED: return "canceled";
    default: return "unknown error";
    }
}

const char *srx_version(void)
{
    return PACKAGE_VERSION;
}

int srxi_fail(srx_diag *diag, int code, const char *fmt, ...)
{
    if (diag) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(diag->message, sizeof diag->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

void srxi_diag_prefix(srx_diag *diag, const char *fmt, ...)
{
    char buf[SRX_DIAG_MESSAGE_LEN];
    size_t n, m;
    va_list ap;

    if (!diag)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    n = strlen(buf);
    if (n + 2 < sizeof buf) {
        memcpy(buf + n, ": ", 2);
        n += 2;
        m = strnlen(diag->message, sizeof diag->message);
        if (m > sizeof buf - 1 - n)
            m = sizeof buf - 1 - n;
        memcpy(buf + n, diag->message, m);
        buf[n + m] = '\0';
    }
    memcpy(diag->message, buf, sizeof buf);
}
