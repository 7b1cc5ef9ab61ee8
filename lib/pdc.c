/* pdc: Bruker Dynamics Center T1/T2 exports -> one series per peak. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"
#include "spinrelax/pdc.h"

#define MAXPTS 4096

typedef struct table {
    size_t n;          /* mixing times */
    double t[MAXPTS];
    size_t npeaks;
    char (*names)[SRX_IMPORT_NAME_LEN];
    double *v;         /* npeaks * n */
} table;

static void trim(char *s)
{
    size_t l = strlen(s), a = 0;
    while (l && isspace((unsigned char)s[l - 1]))
        s[--l] = '\0';
    while (isspace((unsigned char)s[a]))
        a++;
    memmove(s, s + a, l - a + 1);
}

/* numbers after the first tab of a line; returns count or -1 on a bad field */
static long parse_numbers(const char *line, size_t len, double *v, size_t max)
{
    const char *p = memchr(line, '\t', len), *e = line + len;
    long n = 0;
    if (!p)
        return 0;
    p++;
    while (p < e) {
        char *end;
        double x;
        while (p < e && (*p == ' ' || *p == '\t'))
            p++;
        if (p >= e)
            break;
        errno = 0;
        x = strtod(p, &end);
        if (end == p || errno || end > e)
            return -1;
        if ((size_t)n < max)
            v[n] = x;
        n++;
        p = end;
    }
    return n;
}

/* the body of "SECTION:\t <name>" up to the next SECTION */
static int parse_section(const char *text, const char *sec, const char *path, table *tb,
                         srx_diag *diag)
{
    const char *p = text, *start = NULL;
    size_t cap = 0;
    memset(tb, 0, sizeof *tb);
    while ((p = strstr(p, "SECTION:")) != NULL) {
        const char *q = p + 8, *e = q + strcspn(q, "\r\n");
        char nm[64];
        size_t l = (size_t)(e - q);
        if (l >= sizeof nm)
            l = sizeof nm - 1;
        memcpy(nm, q, l);
        nm[l] = '\0';
        trim(nm);
        if (strcmp(nm, sec) == 0) {
            start = e;
            break;
        }
        p = e;
    }
    if (!start)
        return SRX_ENOTFOUND;
    p = start;
    while (*p) {
        const char *e;
        size_t len;
        while (*p == '\r' || *p == '\n')
            p++;
        if (!*p || strncmp(p, "SECTION:", 8) == 0)
            break;
        e = p + strcspn(p, "\r\n");
        len = (size_t)(e - p);
        if (strncmp(p, "Mixing time", 11) == 0) {
            long n = parse_numbers(p, len, tb->t, MAXPTS);
            if (n < 1 || n > MAXPTS)
                return srxi_fail(diag, SRX_EFORMAT, "pdc: %s: section %s: bad mixing-time row",
                                 path, sec);
            tb->n = (size_t)n;
        } else if (strncmp(p, "Peak name", 9) != 0) {
            char name[SRX_IMPORT_NAME_LEN];
            const char *tab = memchr(p, '\t', len);
            size_t nl = tab ? (size_t)(tab - p) : len;
            if (nl >= sizeof name)
                nl = sizeof name - 1;
            memcpy(name, p, nl);
            name[nl] = '\0';
            trim(name);
            if (name[0]) {
                long n;
                if (!tb->n)
                    return srxi_fail(diag, SRX_EFORMAT, "pdc: %s: section %s: peak %s before "
                                     "the mixing times", path, sec, name);
                if (tb->npeaks == cap) {
                    size_t nc = cap ? 2 * cap : 16;
                    void *a = realloc(tb->names, nc * sizeof *tb->names);
                    void *b;
                    if (!a)
                        return srxi_fail(diag, SRX_ENOMEM, "pdc: out of memory");
                    tb->names = a;
                    b = realloc(tb->v, nc * tb->n * sizeof(double));
                    if (!b)
                        return srxi_fail(diag, SRX_ENOMEM, "pdc: out of memory");
                    tb->v = b;
                    cap = nc;
                }
                n = parse_numbers(p, len, tb->v + tb->npeaks * tb->n, tb->n);
                if (n != (long)tb->n)
                    return srxi_fail(diag, SRX_EFORMAT, "pdc: %s: section %s: peak %s has %ld "
                                     "values, %zu mixing times", path, sec, name, n, tb->n);
                memcpy(tb->names[tb->npeaks], name, sizeof name);
                tb->npeaks++;
            }
        }
        p = e;
    }
    return SRX_OK;
}

static void table_free(table *tb)
{
    free(tb->names);
    free(tb->v);
    tb->names = NULL;
    tb->v = NULL;
}

/* value after "key" up to the end of the line, trimmed */
static int field(const char *text, const char *key, char *dst, size_t n)
{
    const char *p = strstr(text, key), *e;
    size_t l;
    if (!p)
        return 0;
    p += strlen(key);
    e = p + strcspn(p, "\r\n");
    l = (size_t)(e - p);
    if (l >= n)
        l = n - 1;
    memcpy(dst, p, l);
    dst[l] = '\0';
    trim(dst);
    return 1;
}

int srx_pdc_import(const char *path, const srx_import_options *opt_in, srx_import_result *result,
                   srx_diag *diag)
{
    srx_import_options opt;
    char *text = NULL, buf[SRX_IMPORT_TEXT_LEN], title[SRX_IMPORT_TEXT_LEN] = "";
    char nuc[SRX_IMPORT_NAME_LEN] = "";
    size_t len, i, k;
    table *ti = NULL, *te = NULL;
    int st, have_err;
    double temp = NAN, xfreq = NAN;

    if (!path || !result)
        return srxi_fail(diag, SRX_EINVAL, "pdc: NULL argument");
    srx_import_result_init(result);
    if (opt_in)
        opt = *opt_in;
    else
        srx_import_options_init(&opt);
    if ((st = srxi_import_options_check(&opt, diag)) != SRX_OK)
        return st;
    if ((st = srxi_read_file(path, &text, &len, diag)) != SRX_OK) {
        srxi_diag_prefix(diag, "pdc");
        return st;
    }
    ti = calloc(1, sizeof *ti);
    te = calloc(1, sizeof *te);
    if (!ti || !te) {
        st = srxi_fail(diag, SRX_ENOMEM, "pdc: out of memory");
        goto done;
    }
    st = parse_section(text, "integrals", path, ti, diag);
    if (st == SRX_ENOTFOUND)
        st = srxi_fail(diag, SRX_EFORMAT, "pdc: %s: no 'SECTION: integrals': not a Dynamics "
                       "Center export", path);
    if (st != SRX_OK)
        goto done;
    if (ti->npeaks == 0 || ti->n < 3) {
        st = srxi_fail(diag, SRX_ENODATA, "pdc: %s: %zu peaks with %zu mixing times (need >= 1 "
                       "peak, >= 3 times)", path, ti->npeaks, ti->n);
        goto done;
    }
    st = parse_section(text, "integral errors", path, te, diag);
    have_err = st == SRX_OK;
    if (st != SRX_OK && st != SRX_ENOTFOUND)
        goto done;
    st = SRX_OK;
    if (have_err) {
        if (te->n != ti->n || te->npeaks != ti->npeaks) {
            st = srxi_fail(diag, SRX_EFORMAT, "pdc: %s: integral errors (%zu peaks x %zu) do not "
                           "match the integrals (%zu x %zu)", path, te->npeaks, te->n,
                           ti->npeaks, ti->n);
            goto done;
        }
        for (i = 0; i < ti->npeaks; i++) {
            if (strcmp(te->names[i], ti->names[i]) != 0) {
                st = srxi_fail(diag, SRX_EFORMAT, "pdc: %s: integral errors list peak %s where "
                               "the integrals have %s", path, te->names[i], ti->names[i]);
                goto done;
            }
            for (k = 0; k < ti->n; k++)
                if (!(isfinite(te->v[i * ti->n + k]) && te->v[i * ti->n + k] > 0)) {
                    st = srxi_fail(diag, SRX_EFORMAT, "pdc: %s: peak %s error %zu = %g is not > 0",
                                   path, ti->names[i], k + 1, te->v[i * ti->n + k]);
                    goto done;
                }
        }
    }
    for (k = 0; k < ti->n; k++)
        if (!(isfinite(ti->t[k]) && ti->t[k] >= 0)) {
            st = srxi_fail(diag, SRX_EFORMAT, "pdc: %s: mixing time %zu = %g s is not >= 0", path,
                           k + 1, ti->t[k]);
            goto done;
        }
    for (i = 0; i < ti->n * ti->npeaks; i++)
        if (!isfinite(ti->v[i])) {
            st = srxi_fail(diag, SRX_EFORMAT, "pdc: %s: non-finite integral", path);
            goto done;
        }
    if (field(text, "Temperature (K):", buf, sizeof buf))
        temp = strtod(buf, NULL);
    if (field(text, "X nucleus frequency[MHz]:", buf, sizeof buf))
        xfreq = strtod(buf, NULL) * 1e6;
    field(text, "Labelling:", nuc, sizeof nuc);
    if (field(text, "sample name:", buf, sizeof buf))
        srxi_strlcpy(title, buf, sizeof title);
    if (field(text, "Description/Title:", buf, sizeof buf) && buf[0]) {
        size_t l = strlen(title);
        if (l && l + 3 < sizeof title) {
            memcpy(title + l, " / ", 4);
            l += 3;
        }
        srxi_strlcpy(title + l, buf, sizeof title - l);
    }
    if ((st = srxi_import_alloc(result, ti->npeaks, ti->n, have_err, diag)) != SRX_OK)
        goto done;
    if (!have_err)
        srxi_import_warn(result, "pdc: %s: no integral errors section: series unweighted", path);
    for (i = 0; i < ti->npeaks; i++) {
        srx_import_series *s = &result->series[i];
        srxi_strlcpy(s->name, ti->names[i], sizeof s->name);
        memcpy(s->delay_s, ti->t, ti->n * sizeof(double));
        memcpy(s->signal, ti->v + i * ti->n, ti->n * sizeof(double));
        if (have_err)
            memcpy(s->sigma, te->v + i * ti->n, ti->n * sizeof(double));
        srxi_strlcpy(s->nucleus, nuc, sizeof s->nucleus);
        s->larmor_hz = xfreq > 0 ? xfreq : NAN;
        s->temperature_k = temp > 0 ? temp : NAN;
        srxi_strlcpy(s->source, path, sizeof s->source);
        srxi_strlcpy(s->title, title, sizeof s->title);
        if ((st = srxi_import_apply_options(result, s, &opt, "longitudinal_decay", "pdc", diag)) !=
            SRX_OK)
            goto done;
    }
done:
    if (st != SRX_OK)
        srx_import_result_free(result);
    if (ti)
        table_free(ti);
    if (te)
        table_free(te);
    free(ti);
    free(te);
    free(text);
    return st;
}
