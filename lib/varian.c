/* varian: Agilent/Varian VnmrJ arrayed fid + procpar -> one series. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"
#include "spinrelax/varian.h"

#define PATH_LEN 4096

/* Find the definition line of parameter name; return a pointer to the
 * start of the value line, and the "active" flag of the definition. */
static const char *pp_find(const char *text, const char *name, int *active)
{
    size_t nl = strlen(name);
    const char *p = text;
    while (p && *p) {
        if (strncmp(p, name, nl) == 0 && p[nl] == ' ') {
            const char *e = strchr(p, '\n');
            if (active) {
                /* name subtype basictype max min step Ggroup Dgroup protection active intptr */
                const char *q = p + nl;
                int f;
                long a = 1;
                for (f = 0; f < 9 && q; f++) {
                    while (*q == ' ')
                        q++;
                    if (f == 8)
                        a = strtol(q, NULL, 10);
                    q = strchr(q, ' ');
                }
                *active = (int)a;
            }
            return e ? e + 1 : NULL;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

/* numeric values: "count v1 v2 ..." (may span lines). Returns count or -1. */
static long pp_reals(const char *text, const char *name, double *v, size_t max, int *active)
{
    const char *p = pp_find(text, name, active);
    char *end;
    long cnt, i;
    if (!p)
        return -1;
    cnt = strtol(p, &end, 10);
    if (end == p || cnt < 0)
        return -1;
    p = end;
    for (i = 0; i < cnt; i++) {
        double x;
        errno = 0;
        x = strtod(p, &end);
        if (end == p || errno)
            return -1;
        if (v && (size_t)i < max)
            v[i] = x;
        p = end;
    }
    return cnt;
}

static int pp_real(const char *text, const char *name, double *v, int *active)
{
    double x[1];
    long c = pp_reals(text, name, x, 1, active);
    if (c < 1 || !isfinite(x[0]))
        return 0;
    *v = x[0];
    return 1;
}

/* first string value */
static int pp_string(const char *text, const char *name, char *dst, size_t n)
{
    const char *p = pp_find(text, name, NULL), *q, *e;
    size_t l;
    if (!p)
        return 0;
    q = strchr(p, '"');
    if (!q)
        return 0;
    e = strchr(q + 1, '"');
    if (!e)
        return 0;
    l = (size_t)(e - q - 1);
    if (l >= n)
        l = n - 1;
    memcpy(dst, q + 1, l);
    dst[l] = '\0';
    return 1;
}

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* "Rb87" -> "87Rb", "H1" -> "1H"; already "7Li" stays */
static void varian_nucleus(const char *tn, char *dst, size_t n)
{
    size_t i = 0, j;
    char sym[8] = "";
    while (tn[i] && isalpha((unsigned char)tn[i]) && i < 7) {
        sym[i] = tn[i];
        i++;
    }
    sym[i] = '\0';
    if (i > 0 && isdigit((unsigned char)tn[i])) {
        for (j = i; isdigit((unsigned char)tn[j]); j++)
            ;
        snprintf(dst, n, "%.*s%s", (int)(j - i), tn + i, sym);
    } else {
        srxi_strlcpy(dst, tn, n);
    }
}

int srx_varian_import(const char *folder, const srx_import_options *opt_in,
                      srx_import_result *result, srx_spectrum1d_info *info, srx_diag *diag)
{
    srx_import_options opt;
    char path[PATH_LEN], pppath[PATH_LEN], arr[64] = "", name[64], tn[32] = "", seq[64] = "";
    char *pp = NULL, *text = NULL;
    unsigned char *raw = NULL;
    size_t len, rawlen, nblocks, ntraces, np, ebytes, tbytes, bbytes, nbh, i, k, ncx;
    unsigned status_bits;
    double np_d, sw, sfrq, temp = NAN, arraydim = 1, rfl = 0, rfp = 0;
    double *delays = NULL, *fid = NULL, *integ = NULL, *sig = NULL;
    long nval;
    int st = SRX_OK, active = 1;
    const char *guessed = NULL;
    srx_spectrum1d_options sp;
    srx_import_series *s;

    if (!folder || !result)
        return srxi_fail(diag, SRX_EINVAL, "varian: NULL argument");
    srx_import_result_init(result);
    if (opt_in)
        opt = *opt_in;
    else
        srx_import_options_init(&opt);
    if ((st = srxi_import_options_check(&opt, diag)) != SRX_OK)
        return st;
    if ((st = srxi_path_join(pppath, sizeof pppath, folder, "procpar", diag)) != SRX_OK)
        return st;
    if ((st = srxi_read_file(pppath, &pp, &len, diag)) != SRX_OK) {
        srxi_diag_prefix(diag, "varian");
        return st;
    }
    if (!pp_real(pp, "np", &np_d, NULL) || !pp_real(pp, "sw", &sw, NULL) ||
        !pp_real(pp, "sfrq", &sfrq, NULL) || !(np_d >= 32) || !(sw > 0) || !(sfrq > 0)) {
        st = srxi_fail(diag, SRX_EFORMAT, "varian: %s: np, sw or sfrq missing or invalid", pppath);
        goto done;
    }
    pp_real(pp, "arraydim", &arraydim, NULL);
    pp_real(pp, "rfl", &rfl, NULL);
    pp_real(pp, "rfp", &rfp, NULL);
    pp_string(pp, "tn", tn, sizeof tn);
    pp_string(pp, "seqfil", seq, sizeof seq);
    if (!pp_real(pp, "temp", &temp, &active))
        temp = NAN;
    if (!pp_string(pp, "array", arr, sizeof arr) || !arr[0]) {
        st = srxi_fail(diag, SRX_EFORMAT, "varian: %s: no arrayed parameter (array is empty)",
                       pppath);
        goto done;
    }
    /* first name of a joint array "(a,b)" or "a,b" */
    {
        const char *a = arr;
        size_t l;
        while (*a == '(' || *a == ' ')
            a++;
        l = strcspn(a, ",) ");
        if (l >= sizeof name)
            l = sizeof name - 1;
        memcpy(name, a, l);
        name[l] = '\0';
    }
    if (strncmp(name, "pw", 2) == 0 || strncmp(name, "p1", 2) == 0) {
        st = srxi_fail(diag, SRX_EFORMAT, "varian: %s: arrayed parameter %s is a pulse width, "
                       "not a delay", pppath, name);
        goto done;
    }
    nval = pp_reals(pp, name, NULL, 0, NULL);
    if (nval < 1) {
        st = srxi_fail(diag, SRX_EFORMAT, "varian: %s: arrayed parameter %s has no values",
                       pppath, name);
        goto done;
    }
    delays = malloc(sizeof(double) * (size_t)nval);
    if (!delays) {
        st = srxi_fail(diag, SRX_ENOMEM, "varian: out of memory");
        goto done;
    }
    pp_reals(pp, name, delays, (size_t)nval, NULL);
    if ((double)nval != arraydim) {
        st = srxi_fail(diag, SRX_EFORMAT, "varian: %s: %s has %ld values but arraydim = %g",
                       pppath, name, nval, arraydim);
        goto done;
    }
    for (i = 0; i < (size_t)nval; i++)
        if (!(isfinite(delays[i]) && delays[i] >= 0)) {
            st = srxi_fail(diag, SRX_EFORMAT, "varian: %s: %s value %zu = %g is not a delay",
                           pppath, name, i + 1, delays[i]);
            goto done;
        }

    /* fid */
    if ((st = srxi_path_join(path, sizeof path, folder, "fid", diag)) != SRX_OK)
        goto done;
    if ((st = srxi_read_file(path, (char **)&raw, &rawlen, diag)) != SRX_OK) {
        srxi_diag_prefix(diag, "varian");
        goto done;
    }
    if (rawlen < 32) {
        st = srxi_fail(diag, SRX_EFORMAT, "varian: %s: %zu bytes, shorter than the file header",
                       path, rawlen);
        goto done;
    }
    nblocks = be32(raw);
    ntraces = be32(raw + 4);
    np = be32(raw + 8);
    ebytes = be32(raw + 12);
    tbytes = be32(raw + 16);
    bbytes = be32(raw + 20);
    status_bits = (unsigned)raw[26] << 8 | raw[27];
    nbh = be32(raw + 28);
    if (nblocks < 1 || ntraces < 1 || np < 32 || np % 2 || (ebytes != 2 && ebytes != 4) ||
        tbytes != np * ebytes || bbytes != ntraces * tbytes + 28 * nbh || nbh > 16 ||
        nblocks > 1000000) {
        st = srxi_fail(diag, SRX_EFORMAT, "varian: %s: inconsistent file header (nblocks %zu, "
                       "ntraces %zu, np %zu, ebytes %zu, tbytes %zu, bbytes %zu, nbheaders %zu)",
                       path, nblocks, ntraces, np, ebytes, tbytes, bbytes, nbh);
        goto done;
    }
    if (rawlen != 32 + nblocks * bbytes) {
        st = srxi_fail(diag, SRX_EFORMAT, "varian: %s holds %zu bytes, the header says %zu "
                       "(%zu blocks of %zu): %s", path, rawlen, 32 + nblocks * bbytes, nblocks,
                       bbytes, rawlen < 32 + nblocks * bbytes ? "truncated" : "damaged");
        goto done;
    }
    if ((double)np != np_d)
        srxi_import_warn(result, "varian: procpar np = %g but the fid header says %zu: using "
                         "the header", np_d, np);
    if (nblocks * ntraces != (size_t)nval) {
        st = srxi_fail(diag, SRX_EFORMAT, "varian: %s has %zu FIDs but %s in %s has %ld values",
                       path, nblocks * ntraces, name, pppath, nval);
        goto done;
    }
    if ((status_bits & 0x8) && ebytes != 4) {
        st = srxi_fail(diag, SRX_EFORMAT, "varian: %s: float data with %zu-byte elements",
                       path, ebytes);
        goto done;
    }
    ncx = np / 2;
    fid = malloc(sizeof(double) * np * (size_t)nval);
    integ = malloc(sizeof(double) * (size_t)nval);
    sig = malloc(sizeof(double) * (size_t)nval);
    if (!fid || !integ || !sig) {
        st = srxi_fail(diag, SRX_ENOMEM, "varian: out of memory");
        goto done;
    }
    for (i = 0; i < (size_t)nval; i++) {
        size_t b = i / ntraces, t = i % ntraces;
        const unsigned char *d = raw + 32 + b * bbytes + 28 * nbh + t * tbytes;
        for (k = 0; k < np; k++) {
            double x;
            if (status_bits & 0x8) {
                uint32_t u = be32(d + 4 * k);
                float f;
                memcpy(&f, &u, 4);
                x = f;
            } else if (ebytes == 4) {
                x = (double)(int32_t)be32(d + 4 * k);
            } else {
                x = (double)(int16_t)(uint16_t)((unsigned)d[2 * k] << 8 | d[2 * k + 1]);
            }
            if (!isfinite(x)) {
                st = srxi_fail(diag, SRX_EFORMAT, "varian: %s: FID %zu point %zu not finite",
                               path, i + 1, k);
                goto done;
            }
            fid[np * i + k] = x;
        }
    }
    {
        const char *e = srxi_import_experiment(&opt, seq, diag);
        if (!e) {
            st = SRX_EINVAL;
            goto done;
        }
        srx_spectrum1d_options_init(&sp);
        sp.reference = srxi_import_reference(delays, (size_t)nval, e);
    }
    sp.line_broadening_hz = opt.line_broadening_hz;
    if (!isnan(opt.region_lo_ppm)) {
        sp.auto_region = 0;
        sp.region_lo_hz = opt.region_lo_ppm * sfrq - sw / 2 + rfl - rfp;
        sp.region_hi_hz = opt.region_hi_ppm * sfrq - sw / 2 + rfl - rfp;
    }
    if ((st = srx_spectrum1d_integrate(fid, (size_t)nval, ncx, sw, &sp, integ, sig, info, diag)) !=
        SRX_OK) {
        srxi_diag_prefix(diag, "varian: %s", folder);
        goto done;
    }
    if ((st = srxi_import_alloc(result, 1, (size_t)nval, 1, diag)) != SRX_OK)
        goto done;
    s = &result->series[0];
    memcpy(s->delay_s, delays, sizeof(double) * (size_t)nval);
    memcpy(s->signal, integ, sizeof(double) * (size_t)nval);
    memcpy(s->sigma, sig, sizeof(double) * (size_t)nval);
    for (i = 0; i < (size_t)nval; i++)
        if (!(sig[i] > 0))
            break;
    if (i < (size_t)nval) {
        free(s->sigma);
        s->sigma = NULL;
        srxi_import_warn(result, "varian: %s: zero noise in the baseline: series left unweighted",
                         folder);
    }
    varian_nucleus(tn, s->nucleus, sizeof s->nucleus);
    s->larmor_hz = sfrq * 1e6;
    if (isfinite(temp) && active)
        s->temperature_k = temp + 273.15;
    else if (isfinite(temp))
        srxi_import_warn(result, "varian: %s: temp = %g C is not active (not regulated): "
                         "temperature unknown", pppath, temp);
    srxi_strlcpy(s->source, folder, sizeof s->source);
    srxi_strlcpy(s->pulse_program, seq, sizeof s->pulse_program);
    if (srxi_path_join(path, sizeof path, folder, "text", NULL) == SRX_OK &&
        srxi_read_file(path, &text, &len, NULL) == SRX_OK)
        srxi_import_set_title(s->title, sizeof s->title, text);
    if (seq[0])
        srx_import_experiment_from_pulse_program(seq, &guessed, NULL);
    st = srxi_import_apply_options(result, s, &opt, guessed, "varian", diag);
done:
    if (st != SRX_OK)
        srx_import_result_free(result);
    free(pp);
    free(text);
    free(raw);
    free(delays);
    free(fid);
    free(integ);
    free(sig);
    return st;
}
