/* bruker: TopSpin pseudo-2D relaxation data (acqus, acqu2s, ser, delay
 * list, pulse program, title) -> one integrated series. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"
#include "spinrelax/bruker.h"
#include "spinrelax/nucleus.h"

#define PATH_LEN 4096

/* Find "##$KEY=" at the start of a line; return a pointer to the value. */
static const char *jcamp_find(const char *text, const char *key)
{
    size_t kl = strlen(key);
    const char *p = text;
    while ((p = strstr(p, "##$")) != NULL) {
        if ((p == text || p[-1] == '\n' || p[-1] == '\r') && strncmp(p + 3, key, kl) == 0 &&
            p[3 + kl] == '=') {
            p += 4 + kl;
            while (*p == ' ' || *p == '\t')
                p++;
            return p;
        }
        p += 3;
    }
    return NULL;
}

static int jcamp_double(const char *text, const char *key, double *v)
{
    const char *p = jcamp_find(text, key);
    char *end;
    double x;
    if (!p)
        return 0;
    errno = 0;
    x = strtod(p, &end);
    if (end == p || errno || !isfinite(x))
        return 0;
    *v = x;
    return 1;
}

static int jcamp_string(const char *text, const char *key, char *dst, size_t n)
{
    const char *p = jcamp_find(text, key), *e;
    size_t l;
    if (!p)
        return 0;
    if (*p == '<') {
        p++;
        e = strchr(p, '>');
    } else {
        e = p + strcspn(p, "\r\n");
    }
    if (!e)
        return 0;
    l = (size_t)(e - p);
    if (l >= n)
        l = n - 1;
    memcpy(dst, p, l);
    dst[l] = '\0';
    return 1;
}

int srx_bruker_parse_list(const char *text, double default_unit_s, double *values_s,
                          size_t max_values, size_t *n_values, srx_diag *diag)
{
    const char *p = text;
    size_t n = 0, line = 0;
    if (!text || !n_values || (!values_s && max_values))
        return srxi_fail(diag, SRX_EINVAL, "bruker: NULL argument");
    if (!(srxi_isfinite(default_unit_s) && default_unit_s > 0))
        return srxi_fail(diag, SRX_EINVAL, "bruker: list unit %g s must be > 0", default_unit_s);
    while (*p) {
        const char *e = p + strcspn(p, "\r\n");
        const char *a = p;
        line++;
        while (a < e && isspace((unsigned char)*a))
            a++;
        if (a < e && *a != '#' && *a != ';') {
            char buf[128], *end;
            size_t l = (size_t)(e - a);
            double x, unit = default_unit_s;
            if (l >= sizeof buf)
                return srxi_fail(diag, SRX_EFORMAT, "bruker: list line %zu too long", line);
            memcpy(buf, a, l);
            buf[l] = '\0';
            while (l && isspace((unsigned char)buf[l - 1]))
                buf[--l] = '\0';
            errno = 0;
            x = strtod(buf, &end);
            if (end == buf || errno || !isfinite(x))
                return srxi_fail(diag, SRX_EFORMAT, "bruker: list line %zu '%s' is not a number",
                                 line, buf);
            while (*end == ' ' || *end == '\t')
                end++;
            if (*end) {
                if (end[1])
                    return srxi_fail(diag, SRX_EFORMAT, "bruker: list line %zu '%s': bad unit",
                                     line, buf);
                switch (*end) {
                case 's': unit = 1.0; break;
                case 'm': unit = 1e-3; break;
                case 'u': unit = 1e-6; break;
                case 'n': unit = 1e-9; break;
                default:
                    return srxi_fail(diag, SRX_EFORMAT, "bruker: list line %zu '%s': unit '%c' "
                                     "not one of s, m, u, n", line, buf, *end);
                }
            }
            if (values_s && n < max_values)
                values_s[n] = x * unit;
            n++;
        }
        p = *e ? e + 1 : e;
        if (*e == '\r' && *p == '\n')
            p++;
    }
    *n_values = n;
    return SRX_OK;
}

static int32_t get_i32(const unsigned char *b, int big)
{
    uint32_t u = big ? ((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3])
                     : ((uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0]);
    return (int32_t)u;
}

static uint64_t get_u64(const unsigned char *b, int big)
{
    uint64_t u = 0;
    int i;
    for (i = 0; i < 8; i++)
        u = (u << 8) | b[big ? i : 7 - i];
    return u;
}

static double decode(const unsigned char *b, int dtyp, int big)
{
    if (dtyp == 0)
        return (double)get_i32(b, big);
    if (dtyp == 1) {
        uint32_t u = (uint32_t)get_i32(b, big);
        float f;
        memcpy(&f, &u, 4);
        return (double)f;
    } else {
        uint64_t u = get_u64(b, big);
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
}

/* NUC1 vs frequencies; see bruker.h */
static void check_nucleus(srx_import_result *res, const char *acqus, const char *acqpath,
                          const char *nuc,
                          double bf1, double sfo1)
{
    srx_nucleus n, h;
    double proton, cands[8], b0_label, b0_h;
    size_t nc = 0, c;
    int ch;
    if (srx_nucleus_lookup(nuc, &n, NULL) != SRX_OK || srx_nucleus_lookup("1H", &h, NULL) != SRX_OK) {
        srxi_import_warn(res, "bruker: %s: NUC1 = %s is not in the isotope table: its frequency "
                         "could not be checked", acqpath, nuc);
        return;
    }
    proton = bf1 * 100.0 / n.xi_percent;
    for (ch = 2; ch <= 8; ch++) {
        char key[8], lab[32];
        double bf;
        snprintf(key, sizeof key, "BF%d", ch);
        if (!jcamp_double(acqus, key, &bf) || !(bf > 0))
            continue;
        snprintf(key, sizeof key, "NUC%d", ch);
        if (jcamp_string(acqus, key, lab, sizeof lab) && strcmp(lab, "1H") == 0) {
            cands[0] = bf; /* a channel on 1H settles it */
            nc = 1;
            break;
        }
        for (c = 0; c < nc; c++)
            if (fabs(cands[c] / bf - 1.0) < 1e-6)
                break;
        if (c == nc && nc < 8)
            cands[nc++] = bf;
    }
    if (nc == 0)
        return;
    for (c = 0; c < nc; c++)
        if (fabs(cands[c] / proton - 1.0) < 5e-4)
            return; /* consistent */
    {
        char list[128] = "", says[160] = "";
        size_t o = 0;
        for (c = 0; c < nc && o < sizeof list - 16; c++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%.6g", c ? ", " : "", cands[c]);
        for (c = 0; c < nc; c++) {
            srx_nucleus m;
            double mis;
            if (srx_nucleus_from_ratio(bf1, cands[c], &m, &mis, NULL) == SRX_OK && mis < 5e-4 &&
                strcmp(m.label, "1H") != 0) {
                snprintf(says, sizeof says, "; its ratio to %.6g MHz is that of %s", cands[c],
                         m.label);
                break;
            }
        }
        b0_label = sfo1 * 1e6 / (fabs(n.gamma_rad_per_s_per_t) / (2.0 * SRXI_PI));
        b0_h = sfo1 * 1e6 / (h.gamma_rad_per_s_per_t / (2.0 * SRXI_PI));
        srxi_import_warn(res,
                         "bruker: %s: NUC1 = %s, but BF1 = %.6g MHz implies a 1H frequency of "
                         "%.6g MHz (B0 = %.4g T) that matches none of the other basic "
                         "frequencies (%s MHz)%s; SFO1 = %.7g MHz is 1H at B0 = %.4g T: the "
                         "label is probably not the observed nucleus, pass the nucleus",
                         acqpath, nuc, bf1, proton, b0_label, list, says, sfo1, b0_h);
    }
}

int srx_bruker_import(const char *folder, const srx_import_options *opt_in,
                      srx_import_result *result, srx_spectrum1d_info *info, srx_diag *diag)
{
    srx_import_options opt;
    char path[PATH_LEN], acqpath[PATH_LEN], listname[16] = "";
    char *acqus = NULL, *acqu2s = NULL, *list = NULL, *title = NULL, *procs = NULL;
    unsigned char *ser = NULL;
    size_t acqlen, len, serlen, nlist = 0, td, td1, ncx, ws, fidbytes, i, k;
    double v, sw, sfo1, bf1, te = NAN, grp = 0.0, unit = 1.0, sf;
    double dtypa = 0, bytorda = 0, digmod = 1, aqmod = 3;
    double *fid = NULL, *delays = NULL, *integ = NULL, *sig = NULL;
    const char *guessed = NULL;
    srx_import_series *s;
    srx_spectrum1d_options sp;
    int st, big;
    char nuc[32] = "", pulprog[64] = "";

    if (!folder || !result)
        return srxi_fail(diag, SRX_EINVAL, "bruker: NULL argument");
    srx_import_result_init(result);
    if (opt_in)
        opt = *opt_in;
    else
        srx_import_options_init(&opt);
    if ((st = srxi_import_options_check(&opt, diag)) != SRX_OK)
        return st;

    /* acqus */
    if ((st = srxi_path_join(acqpath, sizeof acqpath, folder, "acqus", diag)) != SRX_OK)
        return st;
    if ((st = srxi_read_file(acqpath, &acqus, &acqlen, diag)) != SRX_OK) {
        srxi_diag_prefix(diag, "bruker");
        return st;
    }
#define NEED(key, var)                                                                        \
    if (!jcamp_double(acqus, key, &var)) {                                                    \
        st = srxi_fail(diag, SRX_EFORMAT, "bruker: %s: parameter %s missing or not a number", \
                       acqpath, key);                                                         \
        goto done;                                                                            \
    }
    NEED("TD", v);
    NEED("SW_h", sw);
    NEED("SFO1", sfo1);
    NEED("BF1", bf1);
    td = v > 0 && v < 1e9 ? (size_t)v : 0;
    jcamp_double(acqus, "DTYPA", &dtypa);
    jcamp_double(acqus, "BYTORDA", &bytorda);
    jcamp_double(acqus, "DIGMOD", &digmod);
    jcamp_double(acqus, "AQ_mod", &aqmod);
    jcamp_double(acqus, "TE", &te);
    jcamp_string(acqus, "NUC1", nuc, sizeof nuc);
    jcamp_string(acqus, "PULPROG", pulprog, sizeof pulprog);
    if (td < 32 || !(sw > 0) || !(sfo1 > 0) || !(bf1 > 0)) {
        st = srxi_fail(diag, SRX_EFORMAT, "bruker: %s: TD = %g, SW_h = %g, SFO1 = %g, BF1 = %g "
                       "not usable", acqpath, v, sw, sfo1, bf1);
        goto done;
    }
    if (dtypa != 0 && dtypa != 1 && dtypa != 2) {
        st = srxi_fail(diag, SRX_EFORMAT, "bruker: %s: DTYPA = %g unknown (0 int32, 1 float32, "
                       "2 float64)", acqpath, dtypa);
        goto done;
    }
    if (bytorda != 0 && bytorda != 1) {
        st = srxi_fail(diag, SRX_EFORMAT, "bruker: %s: BYTORDA = %g unknown", acqpath, bytorda);
        goto done;
    }
    if (aqmod == 0) {
        st = srxi_fail(diag, SRX_EFORMAT, "bruker: %s: AQ_mod = 0 (qf, real data) not supported",
                       acqpath);
        goto done;
    }
    if (digmod != 0) {
        double g = -1, dspfvs = -1, decim = -1;
        if (jcamp_double(acqus, "GRPDLY", &g) && g >= 0) {
            grp = g;
        } else if (jcamp_double(acqus, "DSPFVS", &dspfvs) && jcamp_double(acqus, "DECIM", &decim)) {
            if ((st = srx_spectrum1d_bruker_group_delay((int)dspfvs, decim, &grp, diag)) != SRX_OK) {
                srxi_diag_prefix(diag, "bruker: %s", acqpath);
                goto done;
            }
        } else {
            st = srxi_fail(diag, SRX_EFORMAT, "bruker: %s: digital filter on (DIGMOD = %g) but "
                           "neither GRPDLY nor DSPFVS/DECIM given", acqpath, digmod);
            goto done;
        }
    }

    /* acqu2s */
    if ((st = srxi_path_join(path, sizeof path, folder, "acqu2s", diag)) != SRX_OK)
        goto done;
    if ((st = srxi_read_file(path, &acqu2s, &len, diag)) != SRX_OK) {
        srxi_diag_prefix(diag, "bruker: not a pseudo-2D data set");
        goto done;
    }
    if (!jcamp_double(acqu2s, "TD", &v) || !(v >= 1 && v < 1e7)) {
        st = srxi_fail(diag, SRX_EFORMAT, "bruker: %s: TD missing or invalid", path);
        goto done;
    }
    td1 = (size_t)v;

    /* delay list */
    {
        static const char *names[3] = {"vdlist", "vplist", "vclist"};
        int j;
        for (j = 0; j < 3; j++) {
            if ((st = srxi_path_join(path, sizeof path, folder, names[j], diag)) != SRX_OK)
                goto done;
            if (srxi_file_exists(path)) {
                srxi_strlcpy(listname, names[j], sizeof listname);
                break;
            }
        }
        if (!listname[0]) {
            st = srxi_fail(diag, SRX_EIO, "bruker: %s: no vdlist, vplist or vclist: cannot "
                           "tell the delays", folder);
            goto done;
        }
        if (j == 1)
            unit = 1e-6;
        if (j == 2) {
            if (isnan(opt.vc_period_s)) {
                st = srxi_fail(diag, SRX_EINVAL, "bruker: %s holds loop counters: give the "
                               "time per count (vc_period_s)", path);
                goto done;
            }
            unit = opt.vc_period_s;
        }
        if ((st = srxi_read_file(path, &list, &len, diag)) != SRX_OK)
            goto done;
        if ((st = srx_bruker_parse_list(list, unit, NULL, 0, &nlist, diag)) != SRX_OK) {
            srxi_diag_prefix(diag, "%s", path);
            goto done;
        }
        if (nlist < td1) {
            st = srxi_fail(diag, SRX_EFORMAT, "bruker: %s has %zu values but TD1 = %zu "
                           "increments (acqu2s)", path, nlist, td1);
            goto done;
        }
        delays = malloc(sizeof(double) * nlist);
        if (!delays) {
            st = srxi_fail(diag, SRX_ENOMEM, "bruker: out of memory");
            goto done;
        }
        srx_bruker_parse_list(list, unit, delays, nlist, &nlist, NULL);
        for (i = 0; i < td1; i++)
            if (delays[i] < 0) {
                st = srxi_fail(diag, SRX_EFORMAT, "bruker: %s: value %zu = %g s is negative",
                               path, i + 1, delays[i]);
                goto done;
            }
    }

    /* ser */
    ws = dtypa == 2 ? 8 : 4;
    fidbytes = (td * ws + 1023) / 1024 * 1024;
    if ((st = srxi_path_join(path, sizeof path, folder, "ser", diag)) != SRX_OK)
        goto done;
    if ((st = srxi_read_file(path, (char **)&ser, &serlen, diag)) != SRX_OK) {
        srxi_diag_prefix(diag, "bruker");
        goto done;
    }
    if (serlen == td1 * td * ws && serlen != td1 * fidbytes) {
        fidbytes = td * ws;
    } else if (serlen != td1 * fidbytes) {
        st = srxi_fail(diag, SRX_EFORMAT,
                       "bruker: %s holds %zu bytes, expected %zu = TD1 %zu x %zu (TD = %zu "
                       "words of %zu bytes, padded to 1024): %s",
                       path, serlen, td1 * fidbytes, td1, fidbytes, td, ws,
                       serlen < td1 * fidbytes ? "truncated or damaged" : "damaged or TD wrong");
        goto done;
    }
    ncx = td / 2;
    big = bytorda == 1;
    fid = malloc(sizeof(double) * 2 * ncx * td1);
    integ = malloc(sizeof(double) * td1);
    sig = malloc(sizeof(double) * td1);
    if (!fid || !integ || !sig) {
        st = srxi_fail(diag, SRX_ENOMEM, "bruker: out of memory");
        goto done;
    }
    for (i = 0; i < td1; i++)
        for (k = 0; k < 2 * ncx; k++) {
            double x = decode(ser + i * fidbytes + k * ws, (int)dtypa, big);
            if (!isfinite(x)) {
                st = srxi_fail(diag, SRX_EFORMAT, "bruker: %s: FID %zu point %zu not finite: "
                               "damaged", path, i + 1, k);
                goto done;
            }
            fid[2 * ncx * i + k] = x;
        }

    /* processing */
    {
        const char *e = srxi_import_experiment(&opt, pulprog, diag);
        if (!e) {
            st = SRX_EINVAL;
            goto done;
        }
        srx_spectrum1d_options_init(&sp);
        sp.reference = srxi_import_reference(delays, td1, e);
    }
    sp.group_delay_points = grp;
    sp.line_broadening_hz = opt.line_broadening_hz;
    sf = bf1;
    if (srxi_path_join(path, sizeof path, folder, "pdata/1/procs", NULL) == SRX_OK &&
        srxi_read_file(path, &procs, &len, NULL) == SRX_OK) {
        double x;
        if (jcamp_double(procs, "SF", &x) && x > 0)
            sf = x;
    }
    if (!isnan(opt.region_lo_ppm)) {
        sp.auto_region = 0;
        sp.region_lo_hz = (sf * (1.0 + opt.region_lo_ppm * 1e-6) - sfo1) * 1e6;
        sp.region_hi_hz = (sf * (1.0 + opt.region_hi_ppm * 1e-6) - sfo1) * 1e6;
    }
    if ((st = srx_spectrum1d_integrate(fid, td1, ncx, sw, &sp, integ, sig, info, diag)) != SRX_OK) {
        srxi_diag_prefix(diag, "bruker: %s", folder);
        goto done;
    }

    /* series */
    if ((st = srxi_import_alloc(result, 1, td1, 1, diag)) != SRX_OK)
        goto done;
    s = &result->series[0];
    memcpy(s->delay_s, delays, sizeof(double) * td1);
    memcpy(s->signal, integ, sizeof(double) * td1);
    memcpy(s->sigma, sig, sizeof(double) * td1);
    for (i = 0; i < td1; i++)
        if (!(sig[i] > 0))
            break;
    if (i < td1) {
        free(s->sigma);
        s->sigma = NULL;
        srxi_import_warn(result, "bruker: %s: zero noise in the baseline: series left unweighted",
                         folder);
    }
    if (nlist > td1)
        srxi_import_warn(result, "bruker: %s has %zu values, TD1 = %zu: the first %zu used",
                         listname, nlist, td1, td1);
    srxi_strlcpy(s->nucleus, nuc, sizeof s->nucleus);
    s->larmor_hz = sfo1 * 1e6;
    s->temperature_k = te > 0 ? te : NAN;
    srxi_strlcpy(s->source, folder, sizeof s->source);
    srxi_strlcpy(s->pulse_program, pulprog, sizeof s->pulse_program);
    if (srxi_path_join(path, sizeof path, folder, "pdata/1/title", NULL) == SRX_OK &&
        srxi_read_file(path, &title, &len, NULL) == SRX_OK)
        srxi_import_set_title(s->title, sizeof s->title, title);
    if (nuc[0] && strcmp(nuc, "off") != 0)
        check_nucleus(result, acqus, acqpath, nuc, bf1, sfo1);
    if (pulprog[0])
        srx_import_experiment_from_pulse_program(pulprog, &guessed, NULL);
    if ((st = srxi_import_apply_options(result, s, &opt, guessed, "bruker", diag)) != SRX_OK)
        goto done;
    if (!(aqmod == 3 || aqmod == 2))
        srxi_import_warn(result, "bruker: %s: AQ_mod = %g (not DQD): processed as complex data",
                         acqpath, aqmod);
done:
    if (st != SRX_OK)
        srx_import_result_free(result);
    free(acqus);
    free(acqu2s);
    free(list);
    free(title);
    free(procs);
    free(ser);
    free(fid);
    free(delays);
    free(integ);
    free(sig);
    return st;
#undef NEED
}
