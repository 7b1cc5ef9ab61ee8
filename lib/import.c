/* import: the in-memory series produced by the importers, warnings, the
 * experiment inferred from a pulse-program name, and the file helpers the
 * importers share. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import_internal.h"

static const char *const experiments[] = {"saturation_recovery", "inversion_recovery",
                                          "spin_lock", "longitudinal_decay"};

void srx_import_options_init(srx_import_options *opt)
{
    if (!opt)
        return;
    opt->experiment = NULL;
    opt->nucleus = NULL;
    opt->temperature_k = NAN;
    opt->spinlock_hz = NAN;
    opt->line_broadening_hz = 0.0;
    opt->region_lo_ppm = NAN;
    opt->region_hi_ppm = NAN;
    opt->vc_period_s = NAN;
}

void srx_import_result_init(srx_import_result *res)
{
    if (!res)
        return;
    memset(res, 0, sizeof *res);
}

void srx_import_result_free(srx_import_result *res)
{
    size_t i;
    if (!res)
        return;
    for (i = 0; i < res->n_series && res->series; i++) {
        free(res->series[i].delay_s);
        free(res->series[i].signal);
        free(res->series[i].sigma);
    }
    free(res->series);
    srx_import_result_init(res);
}

int srx_import_experiment_check(const char *experiment, srx_diag *diag)
{
    size_t i;
    if (!experiment)
        return srxi_fail(diag, SRX_EINVAL, "import: NULL experiment");
    for (i = 0; i < sizeof experiments / sizeof experiments[0]; i++)
        if (strcmp(experiment, experiments[i]) == 0)
            return SRX_OK;
    return srxi_fail(diag, SRX_EINVAL,
                     "import: unknown experiment '%s' (use saturation_recovery, "
                     "inversion_recovery, spin_lock or longitudinal_decay)",
                     experiment);
}

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i;
        for (i = 0; i < n; i++)
            if (!hay[i] || tolower((unsigned char)hay[i]) != needle[i])
                break;
        if (i == n)
            return 1;
    }
    return 0;
}

int srx_import_experiment_from_pulse_program(const char *pulse_program,
                                             const char **experiment, srx_diag *diag)
{
    static const struct {
        const char *key;
        int exp;
    } rules[] = {
        {"t1ir", 1}, {"invrec", 1}, {"inversion", 1}, {"fir", 1},
        {"satrec", 0}, {"t1sr", 0}, {"saturation", 0}, {"sat", 0},
        {"t1rho", 2}, {"t1r", 2}, {"spinlock", 2}, {"spin_lock", 2}, {"slock", 2},
        {"hsqct1", 3}, {"t1dec", 3},
    };
    size_t i;
    if (!pulse_program || !experiment)
        return srxi_fail(diag, SRX_EINVAL, "import: NULL argument");
    for (i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (contains_ci(pulse_program, rules[i].key)) {
            *experiment = experiments[rules[i].exp];
            return SRX_OK;
        }
    return srxi_fail(diag, SRX_ENOTFOUND, "unknown pulse program %s: give the experiment",
                     pulse_program[0] ? pulse_program : "(none)");
}

void srxi_import_warn(srx_import_result *res, const char *fmt, ...)
{
    va_list ap;
    if (!res || res->n_warnings >= SRX_IMPORT_MAX_WARNINGS)
        return;
    va_start(ap, fmt);
    vsnprintf(res->warnings[res->n_warnings], SRX_DIAG_MESSAGE_LEN, fmt, ap);
    va_end(ap);
    res->n_warnings++;
}

int srxi_file_exists(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int srxi_read_file(const char *path, char **buf, size_t *len, srx_diag *diag)
{
    FILE *f;
    char *b = NULL;
    size_t cap = 0, n = 0;
    *buf = NULL;
    *len = 0;
    f = fopen(path, "rb");
    if (!f)
        return srxi_fail(diag, SRX_EIO, "cannot open %s (%s)", path, strerror(errno));
    for (;;) {
        size_t got;
        if (cap - n < 4097) {
            size_t nc = cap ? 2 * cap : 65536;
            char *nb = realloc(b, nc);
            if (!nb) {
                free(b);
                fclose(f);
                return srxi_fail(diag, SRX_ENOMEM, "out of memory reading %s", path);
            }
            b = nb;
            cap = nc;
        }
        got = fread(b + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(b);
        fclose(f);
        return srxi_fail(diag, SRX_EIO, "read error on %s", path);
    }
    fclose(f);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return SRX_OK;
}

int srxi_path_join(char *dst, size_t n, const char *dir, const char *name, srx_diag *diag)
{
    int w = snprintf(dst, n, "%s/%s", dir, name);
    if (w < 0 || (size_t)w >= n)
        return srxi_fail(diag, SRX_EINVAL, "path too long: %s/%s", dir, name);
    return SRX_OK;
}

void srxi_strlcpy(char *dst, const char *src, size_t n)
{
    size_t l;
    if (!n)
        return;
    l = src ? strlen(src) : 0;
    if (l >= n)
        l = n - 1;
    if (l)
        memcpy(dst, src, l);
    dst[l] = '\0';
}

int srxi_import_alloc(srx_import_result *res, size_t ns, size_t n, int with_sigma, srx_diag *diag)
{
    size_t i;
    res->series = calloc(ns, sizeof *res->series);
    if (!res->series)
        return srxi_fail(diag, SRX_ENOMEM, "import: out of memory");
    res->n_series = ns;
    for (i = 0; i < ns; i++) {
        srx_import_series *s = &res->series[i];
        s->larmor_hz = NAN;
        s->temperature_k = NAN;
        s->spinlock_hz = 0.0;
        s->n = n;
        s->delay_s = calloc(n ? n : 1, sizeof(double));
        s->signal = calloc(n ? n : 1, sizeof(double));
        s->sigma = with_sigma ? calloc(n ? n : 1, sizeof(double)) : NULL;
        if (!s->delay_s || !s->signal || (with_sigma && !s->sigma)) {
            srx_import_result_free(res);
            return srxi_fail(diag, SRX_ENOMEM, "import: out of memory");
        }
    }
    return SRX_OK;
}

int srxi_import_options_check(const srx_import_options *opt, srx_diag *diag)
{
    if (!opt)
        return SRX_OK;
    if (opt->experiment && srx_import_experiment_check(opt->experiment, diag) != SRX_OK)
        return SRX_EINVAL;
    if (!isnan(opt->temperature_k) && !(srxi_isfinite(opt->temperature_k) && opt->temperature_k > 0))
        return srxi_fail(diag, SRX_EINVAL, "import: temperature_k = %g must be > 0",
                         opt->temperature_k);
    if (!isnan(opt->spinlock_hz) && !(srxi_isfinite(opt->spinlock_hz) && opt->spinlock_hz > 0))
        return srxi_fail(diag, SRX_EINVAL, "import: spinlock_hz = %g must be > 0",
                         opt->spinlock_hz);
    if (!(srxi_isfinite(opt->line_broadening_hz) && opt->line_broadening_hz >= 0))
        return srxi_fail(diag, SRX_EINVAL, "import: line_broadening_hz = %g must be >= 0",
                         opt->line_broadening_hz);
    if (isnan(opt->region_lo_ppm) != isnan(opt->region_hi_ppm) ||
        (!isnan(opt->region_lo_ppm) &&
         (!srxi_isfinite(opt->region_lo_ppm) || !srxi_isfinite(opt->region_hi_ppm) ||
          opt->region_lo_ppm == opt->region_hi_ppm)))
        return srxi_fail(diag, SRX_EINVAL,
                         "import: the ppm region needs two different finite bounds (got %g, %g)",
                         opt->region_lo_ppm, opt->region_hi_ppm);
    if (!isnan(opt->vc_period_s) && !(srxi_isfinite(opt->vc_period_s) && opt->vc_period_s > 0))
        return srxi_fail(diag, SRX_EINVAL, "import: vc_period_s = %g must be > 0",
                         opt->vc_period_s);
    return SRX_OK;
}

int srxi_import_apply_options(srx_import_result *res, srx_import_series *s,
                              const srx_import_options *opt, const char *guessed,
                              const char *who, srx_diag *diag)
{
    const char *exp = opt ? opt->experiment : NULL;
    if (exp) {
        if (guessed && strcmp(guessed, exp) != 0)
            srxi_import_warn(res, "%s: pulse program %s looks like %s, but %s was given: using %s",
                             who, s->pulse_program, guessed, exp, exp);
    } else if (guessed) {
        exp = guessed;
    } else {
        return srxi_fail(diag, SRX_EINVAL, "unknown pulse program %s: give the experiment",
                         s->pulse_program[0] ? s->pulse_program : "(none)");
    }
    srxi_strlcpy(s->experiment, exp, sizeof s->experiment);
    if (opt && opt->nucleus && opt->nucleus[0]) {
        if (s->nucleus[0] && strcmp(s->nucleus, opt->nucleus) != 0)
            srxi_import_warn(res, "%s: nucleus %s given, the data set says %s: using %s", who,
                             opt->nucleus, s->nucleus, opt->nucleus);
        srxi_strlcpy(s->nucleus, opt->nucleus, sizeof s->nucleus);
    }
    if (opt && !isnan(opt->temperature_k))
        s->temperature_k = opt->temperature_k;
    if (strcmp(exp, "spin_lock") == 0) {
        s->spinlock_hz = opt ? opt->spinlock_hz : NAN;
        if (isnan(s->spinlock_hz))
            srxi_import_warn(res, "%s: spin-lock experiment without a locking field: pass spinlock_hz",
                             who);
    } else {
        s->spinlock_hz = 0.0;
    }
    if (isnan(s->temperature_k))
        srxi_import_warn(res, "%s: no sample temperature recorded: pass it", who);
    return SRX_OK;
}

void srxi_import_set_title(char *dst, size_t n, const char *text)
{
    size_t o = 0;
    const char *p = text;
    int pending_sep = 0;
    if (!n)
        return;
    dst[0] = '\0';
    if (!text)
        return;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        const char *a = p, *b = p + l;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (b > a) {
            if (pending_sep && o + 3 < n) {
                memcpy(dst + o, " / ", 3);
                o += 3;
            }
            while (a < b && o + 1 < n)
                dst[o++] = *a++;
            pending_sep = 1;
        }
        if (!e)
            break;
        p = e + 1;
    }
    dst[o] = '\0';
}

const char *srxi_import_experiment(const srx_import_options *opt, const char *pulse_program,
                                   srx_diag *diag)
{
    const char *g = NULL;
    if (opt && opt->experiment)
        return opt->experiment;
    if (srx_import_experiment_from_pulse_program(pulse_program ? pulse_program : "", &g, diag) !=
        SRX_OK)
        return NULL;
    return g;
}

long srxi_import_reference(const double *delay_s, size_t n, const char *experiment)
{
    int longest = strcmp(experiment, "saturation_recovery") == 0 ||
                  strcmp(experiment, "inversion_recovery") == 0;
    size_t i, best = 0;
    for (i = 1; i < n; i++)
        if (longest ? delay_s[i] > delay_s[best] : delay_s[i] < delay_s[best])
            best = i;
    return (long)best;
}
