/* lineshape_fit: fit a quadrupolar powder line shape (one site or a Czjzek
 * distribution) with Voigt broadening to a measured spectrum, through the
 * shared engine (fit.h).  See include/spinrelax/lineshape_fit.h. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "internal.h"
#include "spinrelax/fit.h"
#include "spinrelax/lineshape.h"
#include "spinrelax/lineshape_fit.h"
#include "spinrelax/powder.h"
#include "spinrelax/quadrupolar.h"

/* parameter vector of the engine */
enum { P_CQ = 0, P_ETA, P_SHIFT, P_GB, P_LB, P_AMP, P_BASE, NP };

#define MAX_GRID ((size_t)1 << 20)
/* Czjzek quadrature nodes: coarse while iterating, the library defaults at the end */
#define CZ_NCQ_COARSE 24
#define CZ_NETA_COARSE 6
/* orientation set and Czjzek nodes of the reference patterns for start values */
#define REF_DIV 32
#define REF_CZ_NCQ 10
#define REF_CZ_NETA 4

typedef struct fw {
    double f, w;
} fw;

struct srx_lineshape_fit {
    srx_lineshape_fit_options o;
    size_t n;         /* data points */
    double *freq;     /* [n] data axis (copy) */
    size_t *i0;       /* [n] internal grid index left of the point */
    double *wt;       /* [n] interpolation weight of i0 + 1 */
    double *half;     /* [n] half the distance to the neighbours (quadrature weights) */
    size_t *asc;      /* [n] point indices in ascending frequency */
    size_t ng;        /* internal grid points */
    double first, h;  /* internal grid: first + i h */
    srx_lineshape *coarse, *fine, *cur;
    int cur_fine;
    double *dens;     /* [ng] unbroadened density */
    double *broad;    /* [ng] broadened density */
    double *shape;    /* [n] broadened density at the data points */
    /* broadening */
    size_t m;
    double *rbuf;
    fftw_complex *cbuf, *kbuf;
    fftw_plan fwd, bwd;
    double k_gb, k_lb; /* key of kbuf */
    int k_valid;
    /* caches */
    double d_key[4];
    int d_valid, d_fine;
    double s_key[2];
    int s_valid;
    /* engine */
    srx_fit *engine;
    double *mwork;    /* [n] */
    /* reference patterns */
    srx_powder *ref_powder;
    fw *ref;
    size_t ref_cap;
    double *ref_nu;
    int status;       /* status of the last model evaluation */
    srx_diag mdiag;   /* its message */
};

void srx_lineshape_fit_options_init(srx_lineshape_fit_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->transitions = SRX_LINESHAPE_CENTRAL;
    o->site_model = SRX_LSFIT_SITE;
    o->broadening = SRX_LSFIT_GAUSSIAN;
    o->accuracy = 1e-3;
    o->iter_accuracy = 1e-2;
    o->n_eta_starts = 4;
    o->max_iter = 200;
    o->cq_hz_start = NAN;
    o->eta_start = NAN;
    o->shift_hz_start = NAN;
    o->sigma_hz_start = NAN;
    o->gb_hz_start = NAN;
    o->lb_hz_start = NAN;
}

void srx_lineshape_fit_free(srx_lineshape_fit *f)
{
    if (!f)
        return;
    free(f->freq);
    free(f->i0);
    free(f->wt);
    free(f->half);
    free(f->asc);
    srx_lineshape_free(f->coarse);
    srx_lineshape_free(f->fine);
    free(f->dens);
    free(f->broad);
    free(f->shape);
    if (f->fwd)
        fftw_destroy_plan(f->fwd);
    if (f->bwd)
        fftw_destroy_plan(f->bwd);
    if (f->rbuf)
        fftw_free(f->rbuf);
    if (f->cbuf)
        fftw_free(f->cbuf);
    if (f->kbuf)
        fftw_free(f->kbuf);
    srx_fit_free(f->engine);
    free(f->mwork);
    srx_powder_free(f->ref_powder);
    free(f->ref);
    free(f->ref_nu);
    free(f);
}

static int check_start(double v, const char *name, int positive, srx_diag *diag)
{
    if (isnan(v))
        return SRX_OK;
    if (!srxi_isfinite(v))
        return srxi_fail(diag, SRX_EINVAL, "lineshape_fit: %s is infinite", name);
    if (positive && !(v > 0.0))
        return srxi_fail(diag, SRX_EDOM, "lineshape_fit: %s = %g must be > 0", name, v);
    return SRX_OK;
}

static int check_options(const srx_lineshape_fit_options *o, srx_diag *diag)
{
    int st;
    if (!o)
        return srxi_fail(diag, SRX_EINVAL, "lineshape_fit: options are NULL");
    if (isnan(o->spin) || isnan(o->larmor_hz) || isnan(o->rotor_angle_rad) ||
        isnan(o->spinning_hz))
        return srxi_fail(diag, SRX_EINVAL, "lineshape_fit: spin or a condition is NaN");
    if (!(o->spin >= 1.0))
        return srxi_fail(diag, SRX_EDOM,
                         "lineshape_fit: spin %g has no quadrupole coupling (spin >= 1 needed)",
                         o->spin);
    if (o->site_model != SRX_LSFIT_SITE && o->site_model != SRX_LSFIT_CZJZEK)
        return srxi_fail(diag, SRX_EINVAL, "lineshape_fit: unknown site model %d", o->site_model);
    if (o->broadening & ~(SRX_LSFIT_GAUSSIAN | SRX_LSFIT_LORENTZIAN))
        return srxi_fail(diag, SRX_EINVAL, "lineshape_fit: unknown broadening flags %#x",
                         o->broadening);
    if (isnan(o->accuracy) || isnan(o->iter_accuracy) || !(o->accuracy > 0.0) ||
        !(o->iter_accuracy > 0.0) || !srxi_isfinite(o->accuracy) ||
        !srxi_isfinite(o->iter_accuracy) || o->accuracy > 0.5 || o->iter_accuracy > 0.5)
        return srxi_fail(diag, SRX_EDOM,
                         "lineshape_fit: accuracy %g and iter_accuracy %g must be in (0, 0.5]",
                         o->accuracy, o->iter_accuracy);
    if (o->n_eta_starts < 1 || o->n_eta_starts > 16)
        return srxi_fail(diag, SRX_EDOM, "lineshape_fit: n_eta_starts = %d outside 1..16",
                         o->n_eta_starts);
    if (o->max_iter < 1)
        return srxi_fail(diag, SRX_EDOM, "lineshape_fit: max_iter = %d must be >= 1", o->max_iter);
    if ((st = check_start(o->cq_hz_start, "cq_hz_start", 1, diag)) ||
        (st = check_start(o->shift_hz_start, "shift_hz_start", 0, diag)) ||
        (st = check_start(o->sigma_hz_start, "sigma_hz_start", 1, diag)) ||
        (st = check_start(o->gb_hz_start, "gb_hz_start", 0, diag)) ||
        (st = check_start(o->lb_hz_start, "lb_hz_start", 0, diag)) ||
        (st = check_start(o->eta_start, "eta_start", 0, diag)))
        return st;
    if (o->eta_start < 0.0 || o->eta_start > 1.0)
        return srxi_fail(diag, SRX_EDOM, "lineshape_fit: eta_start = %g outside [0, 1]",
                         o->eta_start);
    if (o->gb_hz_start < 0.0 || o->lb_hz_start < 0.0)
        return srxi_fail(diag, SRX_EDOM, "lineshape_fit: negative broadening start");
    if (o->fix_eta && (isnan(o->eta_start) || o->site_model != SRX_LSFIT_SITE))
        return srxi_fail(diag, SRX_EINVAL,
                         "lineshape_fit: fix_eta needs eta_start (and the one-site model)");
    if (o->fix_shift && isnan(o->shift_hz_start))
        return srxi_fail(diag, SRX_EINVAL, "lineshape_fit: fix_shift needs shift_hz_start");
    return SRX_OK;
}

/* ------------------------------------------------------------------ allocation */

static int make_sim(srx_lineshape_fit *f, double accuracy, srx_lineshape **out, srx_diag *diag)
{
    srx_lineshape_conditions c;
    srx_lineshape_conditions_init(&c);
    c.spin = f->o.spin;
    c.larmor_hz = f->o.larmor_hz;
    c.rotor_angle_rad = f->o.rotor_angle_rad;
    c.spinning_hz = f->o.spinning_hz;
    c.transitions = f->o.transitions;
    c.n_points = f->ng;
    c.span_hz = (double)f->ng * f->h;
    c.center_hz = f->first + 0.5 * c.span_hz;
    c.accuracy = accuracy;
    c.normalization = SRX_LINESHAPE_NORM_TOTAL;
    return srx_lineshape_alloc(&c, out, diag);
}

static int cmp_fw(const void *a, const void *b)
{
    double x = ((const fw *)a)->f, y = ((const fw *)b)->f;
    return x < y ? -1 : (x > y ? 1 : 0);
}

int srx_lineshape_fit_alloc(const srx_lineshape_fit_options *opts, const double *freq, size_t n,
                            srx_lineshape_fit **out, srx_diag *diag)
{
    srx_lineshape_fit *f;
    size_t i, ncore, mg, nref;
    double dmin = INFINITY, flo, fhi, sgn;
    int st, ntr;
    if (!out)
        return srxi_fail(diag, SRX_EINVAL, "lineshape_fit: out is NULL");
    *out = NULL;
    if ((st = check_options(opts, diag)) != SRX_OK)
        return st;
    if (!freq)
        return srxi_fail(diag, SRX_EINVAL, "lineshape_fit: frequency_hz is NULL");
    if (n < SRX_LSFIT_MIN_POINTS)
        return srxi_fail(diag, SRX_ENODATA, "lineshape_fit: %zu points: at least %d needed", n,
                         SRX_LSFIT_MIN_POINTS);
    if (n > MAX_GRID)
        return srxi_fail(diag, SRX_EDOM, "lineshape_fit: %zu points: at most %zu", n, MAX_GRID);
    for (i = 0; i < n; i++)
        if (isnan(freq[i]) || !srxi_isfinite(freq[i]))
            return srxi_fail(diag, SRX_EINVAL, "lineshape_fit: frequency_hz[%zu] = %g is not finite",
                             i, freq[i]);
    sgn = freq[1] > freq[0] ? 1.0 : -1.0;
    for (i = 1; i < n; i++) {
        double d = sgn * (freq[i] - freq[i - 1]);
        if (!(d > 0.0))
            return srxi_fail(diag, SRX_EDOM,
                             "lineshape_fit: frequency axis not strictly monotonic at point %zu "
                             "(%g after %g)", i, freq[i], freq[i - 1]);
        dmin = fmin(dmin, d);
    }
    /* the spin, Larmor frequency and conditions are checked by the simulator */
    f = calloc(1, sizeof *f);
    if (!f)
        return srxi_fail(diag, SRX_ENOMEM, "lineshape_fit: out of memory");
    f->o = *opts;
    f->n = n;
    flo = sgn > 0 ? freq[0] : freq[n - 1];
    fhi = sgn > 0 ? freq[n - 1] : freq[0];
    /* internal grid: for a uniform axis (every point within 1 % of a spacing of
     * the uniform grid through its ends) the data points themselves; otherwise a
     * quarter of the smallest spacing, so that linear interpolation of the model
     * (error ~ h^2 f''/8) stays ~16x below what it would be at the data spacing */
    f->h = (fhi - flo) / (double)(n - 1);
    ncore = n;
    for (i = 0; i < n; i++) {
        double x = (freq[i] - flo) / f->h;
        if (fabs(x - floor(x + 0.5)) > 0.01)
            break;
    }
    if (i < n) {
        f->h = 0.25 * dmin;
        if ((fhi - flo) / f->h + 1.0 > (double)MAX_GRID)
            f->h = (fhi - flo) / (double)(MAX_GRID - 1);
        ncore = (size_t)ceil((fhi - flo) / f->h - 1e-9) + 1;
    }
    mg = (ncore + 7) / 8;
    f->ng = ncore + 2 * mg;
    f->first = flo - (double)mg * f->h;
    f->freq = malloc(n * sizeof *f->freq);
    f->i0 = malloc(n * sizeof *f->i0);
    f->wt = malloc(n * sizeof *f->wt);
    f->half = malloc(n * sizeof *f->half);
    f->asc = malloc(n * sizeof *f->asc);
    f->dens = malloc(f->ng * sizeof *f->dens);
    f->broad = malloc(f->ng * sizeof *f->broad);
    f->shape = malloc(n * sizeof *f->shape);
    f->mwork = malloc(n * sizeof *f->mwork);
    if (!f->freq || !f->i0 || !f->wt || !f->half || !f->asc || !f->dens || !f->broad ||
        !f->shape || !f->mwork) {
        srx_lineshape_fit_free(f);
        return srxi_fail(diag, SRX_ENOMEM, "lineshape_fit: out of memory");
    }
    memcpy(f->freq, freq, n * sizeof *freq);
    for (i = 0; i < n; i++) {
        double x = (freq[i] - f->first) / f->h, fl = floor(x + 1e-9);
        size_t k = fl < 0.0 ? 0 : (size_t)fl;
        if (k > f->ng - 2)
            k = f->ng - 2;
        f->i0[i] = k;
        f->wt[i] = x - (double)k;
        if (f->wt[i] < 1e-9)
            f->wt[i] = 0.0;
        f->asc[i] = sgn > 0 ? i : n - 1 - i;
        f->half[i] = 0.5 * ((i > 0 ? fabs(freq[i] - freq[i - 1]) : 0.0) +
                            (i + 1 < n ? fabs(freq[i + 1] - freq[i]) : 0.0));
    }
    if ((st = make_sim(f, f->o.iter_accuracy, &f->coarse, diag)) != SRX_OK ||
        (st = make_sim(f, f->o.accuracy, &f->fine, diag)) != SRX_OK) {
        srx_lineshape_fit_free(f);
        return st;
    }
    /* broadening: zero-padded real FFT of length 2 ng */
    f->m = 2 * f->ng;
    f->rbuf = fftw_malloc(f->m * sizeof *f->rbuf);
    f->cbuf = fftw_malloc((f->m / 2 + 1) * sizeof *f->cbuf);
    f->kbuf = fftw_malloc((f->m / 2 + 1) * sizeof *f->kbuf);
    if (!f->rbuf || !f->cbuf || !f->kbuf) {
        srx_lineshape_fit_free(f);
        return srxi_fail(diag, SRX_ENOMEM, "lineshape_fit: out of memory");
    }
    fftw_make_planner_thread_safe();
    f->fwd = fftw_plan_dft_r2c_1d((int)f->m, f->rbuf, f->cbuf, FFTW_ESTIMATE);
    f->bwd = fftw_plan_dft_c2r_1d((int)f->m, f->cbuf, f->rbuf, FFTW_ESTIMATE);
    if (!f->fwd || !f->bwd) {
        srx_lineshape_fit_free(f);
        return srxi_fail(diag, SRX_ENOMEM, "lineshape_fit: FFTW planning failed");
    }
    if ((st = srx_fit_alloc(&f->engine, n, NP, 0, diag)) != SRX_OK) {
        srx_lineshape_fit_free(f);
        return st;
    }
    /* reference patterns for the start values */
    if ((st = srx_powder_alloc(f->o.site_model == SRX_LSFIT_CZJZEK ? REF_DIV / 2 : REF_DIV,
                               SRX_POWDER_OCTANT, &f->ref_powder, diag)) != SRX_OK) {
        srx_lineshape_fit_free(f);
        return st;
    }
    ntr = f->o.transitions == SRX_LINESHAPE_CENTRAL ? 1 : (int)floor(2.0 * f->o.spin + 0.5);
    nref = srx_powder_n_orientations(f->ref_powder);
    f->ref_cap = nref * (size_t)ntr *
                 (f->o.site_model == SRX_LSFIT_CZJZEK ? REF_CZ_NCQ * REF_CZ_NETA : 1);
    f->ref = malloc(f->ref_cap * sizeof *f->ref);
    f->ref_nu = malloc(nref * sizeof *f->ref_nu);
    if (!f->ref || !f->ref_nu) {
        srx_lineshape_fit_free(f);
        return srxi_fail(diag, SRX_ENOMEM, "lineshape_fit: out of memory");
    }
    *out = f;
    return SRX_OK;
}

/* ------------------------------------------------------------------ model */

/* Voigt kernel (bin integrals of the Gaussian and of the Lorentzian with its
 * images two periods each way, as lib/lineshape.c), Fourier transformed */
static void make_kernel(srx_lineshape_fit *f, double gb, double lb)
{
    size_t mm = f->m, j, k, nc = mm / 2 + 1;
    double dx = f->h, sg = gb / (2.0 * sqrt(2.0 * log(2.0))), hw = lb / 2.0;
    for (k = 0; k < nc; k++) {
        f->kbuf[k][0] = 1.0 / (double)mm;
        f->kbuf[k][1] = 0.0;
    }
    if (sg > 0.0) {
        for (j = 0; j < mm; j++) {
            double x = (j <= mm / 2 ? (double)j : (double)j - (double)mm) * dx;
            f->rbuf[j] = 0.5 * (erf((x + 0.5 * dx) / (sg * sqrt(2.0))) -
                                erf((x - 0.5 * dx) / (sg * sqrt(2.0))));
        }
        fftw_execute_dft_r2c(f->fwd, f->rbuf, f->cbuf);
        for (k = 0; k < nc; k++) {
            double re = f->kbuf[k][0], im = f->kbuf[k][1];
            f->kbuf[k][0] = re * f->cbuf[k][0] - im * f->cbuf[k][1];
            f->kbuf[k][1] = re * f->cbuf[k][1] + im * f->cbuf[k][0];
        }
    }
    if (hw > 0.0) {
        for (j = 0; j < mm; j++) {
            double x = (j <= mm / 2 ? (double)j : (double)j - (double)mm) * dx, s = 0.0;
            int img;
            for (img = -2; img <= 2; img++) {
                double xi = x + (double)img * (double)mm * dx;
                s += (atan((xi + 0.5 * dx) / hw) - atan((xi - 0.5 * dx) / hw)) / SRXI_PI;
            }
            f->rbuf[j] = s;
        }
        fftw_execute_dft_r2c(f->fwd, f->rbuf, f->cbuf);
        for (k = 0; k < nc; k++) {
            double re = f->kbuf[k][0], im = f->kbuf[k][1];
            f->kbuf[k][0] = re * f->cbuf[k][0] - im * f->cbuf[k][1];
            f->kbuf[k][1] = re * f->cbuf[k][1] + im * f->cbuf[k][0];
        }
    }
    f->k_gb = gb;
    f->k_lb = lb;
    f->k_valid = 1;
}

/* broadened unit-area shape at the data points for parameters p, on the
 * current simulator (caches: unbroadened density, kernel, shape) */
static int eval_shape(srx_lineshape_fit *f, const double *p, srx_diag *diag)
{
    size_t i, k;
    double gb = p[P_GB] > 0.0 ? p[P_GB] : 0.0, lb = p[P_LB] > 0.0 ? p[P_LB] : 0.0;
    int czj = f->o.site_model == SRX_LSFIT_CZJZEK;
    double key[4];
    int st;
    key[0] = p[P_CQ];
    key[1] = czj ? 0.0 : p[P_ETA];
    key[2] = p[P_SHIFT];
    key[3] = czj;
    if (!f->d_valid || f->d_fine != f->cur_fine || memcmp(key, f->d_key, sizeof key) != 0) {
        srx_quad_site s;
        srx_quad_site_init(&s);
        s.shift_hz = p[P_SHIFT];
        f->d_valid = 0;
        f->s_valid = 0;
        if (czj) {
            st = srx_lineshape_czjzek(f->cur, &s, p[P_CQ], f->cur_fine ? 0 : CZ_NCQ_COARSE,
                                      f->cur_fine ? 0 : CZ_NETA_COARSE, f->dens, diag);
        } else {
            s.cq_hz = p[P_CQ];
            s.eta = p[P_ETA];
            st = srx_lineshape_compute(f->cur, &s, NULL, 1, f->dens, diag);
        }
        if (st != SRX_OK)
            return st;
        memcpy(f->d_key, key, sizeof key);
        f->d_fine = f->cur_fine;
        f->d_valid = 1;
    }
    if (f->s_valid && f->s_key[0] == gb && f->s_key[1] == lb)
        return SRX_OK;
    if (gb > 0.0 || lb > 0.0) {
        if (!f->k_valid || f->k_gb != gb || f->k_lb != lb)
            make_kernel(f, gb, lb);
        memcpy(f->rbuf, f->dens, f->ng * sizeof *f->rbuf);
        memset(f->rbuf + f->ng, 0, (f->m - f->ng) * sizeof *f->rbuf);
        fftw_execute_dft_r2c(f->fwd, f->rbuf, f->cbuf);
        for (k = 0; k <= f->m / 2; k++) {
            double re = f->cbuf[k][0], im = f->cbuf[k][1];
            f->cbuf[k][0] = re * f->kbuf[k][0] - im * f->kbuf[k][1];
            f->cbuf[k][1] = re * f->kbuf[k][1] + im * f->kbuf[k][0];
        }
        fftw_execute_dft_c2r(f->bwd, f->cbuf, f->rbuf);
        memcpy(f->broad, f->rbuf, f->ng * sizeof *f->broad);
    } else {
        memcpy(f->broad, f->dens, f->ng * sizeof *f->broad);
    }
    for (i = 0; i < f->n; i++) {
        size_t j = f->i0[i];
        double w = f->wt[i];
        f->shape[i] = w == 0.0 ? f->broad[j] : (1.0 - w) * f->broad[j] + w * f->broad[j + 1];
    }
    f->s_key[0] = gb;
    f->s_key[1] = lb;
    f->s_valid = 1;
    return SRX_OK;
}

static int model_cb(const double *p, size_t np, size_t n, double *model, double *jac, void *user)
{
    srx_lineshape_fit *f = user;
    size_t i;
    (void)np;
    (void)jac;
    if (!(p[P_CQ] > 0.0) || !srxi_isfinite(p[P_CQ]) || isnan(p[P_ETA]) || p[P_ETA] < 0.0 ||
        p[P_ETA] > 1.0 || !srxi_isfinite(p[P_SHIFT])) {
        for (i = 0; i < n; i++)
            model[i] = NAN; /* the engine rejects the step */
        return 0;
    }
    f->status = eval_shape(f, p, &f->mdiag);
    if (f->status != SRX_OK) {
        for (i = 0; i < n; i++)
            model[i] = NAN;
        return 0;
    }
    for (i = 0; i < n; i++)
        model[i] = p[P_AMP] * f->shape[i] + p[P_BASE];
    return 0;
}

/* ------------------------------------------------------------------ start values */

/* frequency at which the cumulative of the sorted weighted list reaches q of its total */
static double list_quantile(const fw *a, size_t n, double total, double q)
{
    double c = 0.0, t = q * total;
    size_t i;
    for (i = 0; i < n; i++) {
        if (c + a[i].w >= t && a[i].w > 0.0) {
            double u = (t - c) / a[i].w;
            if (i == 0)
                return a[0].f;
            return a[i - 1].f + u * (a[i].f - a[i - 1].f);
        }
        c += a[i].w;
    }
    return a[n - 1].f;
}

/* 10 %, 50 %, 90 % quantiles of the infinite-speed pattern (no broadening)
 * of a site (cq, eta) or a Czjzek distribution (width cq), shift 0 */
static int ref_quantiles(srx_lineshape_fit *f, double cq, double eta, double q[3], srx_diag *diag)
{
    const double *al = srx_powder_alpha_rad(f->ref_powder), *be = srx_powder_beta_rad(f->ref_powder);
    const double *vw = srx_powder_weights(f->ref_powder);
    size_t nv = srx_powder_n_orientations(f->ref_powder), cnt = 0, v;
    double spin = f->o.spin, m, m_lo, m_hi, total = 0.0;
    int czj = f->o.site_model == SRX_LSFIT_CZJZEK, a, b, na = czj ? REF_CZ_NCQ : 1,
        nb = czj ? REF_CZ_NETA : 1, st;
    srx_quad_site s;
    srx_quad_site_init(&s);
    if (f->o.transitions == SRX_LINESHAPE_CENTRAL) {
        m_lo = m_hi = 0.5;
    } else {
        m_lo = -spin + 1.0;
        m_hi = spin;
    }
    for (a = 0; a < na; a++)
        for (b = 0; b < nb; b++) {
            double node_w = 1.0;
            if (czj) {
                double x = (a + 0.5) / na * 5.0, e = (b + 0.5) / nb;
                node_w = pow(x, 4) * e * (1.0 - e * e / 9.0) * exp(-x * x * (1.0 + e * e / 3.0) / 2.0);
                s.cq_hz = x * cq;
                s.eta = e;
            } else {
                s.cq_hz = cq;
                s.eta = eta;
            }
            for (m = m_lo; m <= m_hi + 1e-9; m += 1.0) {
                double tw;
                if ((st = srx_quad_transition_weight(spin, m, &tw, diag)) != SRX_OK ||
                    (st = srx_quad_frequencies_hz(&s, spin, m, f->o.larmor_hz,
                                                  f->o.rotor_angle_rad, al, be, nv, f->ref_nu,
                                                  diag)) != SRX_OK)
                    return st;
                for (v = 0; v < nv && cnt < f->ref_cap; v++) {
                    f->ref[cnt].f = f->ref_nu[v];
                    f->ref[cnt].w = vw[v] * tw * node_w;
                    total += f->ref[cnt].w;
                    cnt++;
                }
            }
        }
    qsort(f->ref, cnt, sizeof *f->ref, cmp_fw);
    q[0] = list_quantile(f->ref, cnt, total, 0.1);
    q[1] = list_quantile(f->ref, cnt, total, 0.5);
    q[2] = list_quantile(f->ref, cnt, total, 0.9);
    return SRX_OK;
}

/* quantiles of the data (minus a baseline) by the cumulative trapezoid sum in
 * ascending frequency; returns the area */
static double data_quantiles(const srx_lineshape_fit *f, const double *y, double base, double q[3])
{
    double total = 0.0, c = 0.0, prev_c = 0.0;
    size_t k, i;
    int j = 0;
    static const double qs[3] = {0.1, 0.5, 0.9};
    for (i = 0; i < f->n; i++)
        total += (y[i] - base) * f->half[i];
    if (!(total > 0.0))
        return total;
    for (k = 0; k < f->n && j < 3; k++) {
        i = f->asc[k];
        prev_c = c;
        c += (y[i] - base) * f->half[i];
        while (j < 3 && c >= qs[j] * total) {
            if (k == 0) {
                q[j] = f->freq[i];
            } else {
                size_t ip = f->asc[k - 1];
                double u = (qs[j] * total - prev_c) / (c - prev_c);
                q[j] = f->freq[ip] + u * (f->freq[i] - f->freq[ip]);
            }
            j++;
        }
    }
    for (; j < 3; j++)
        q[j] = f->freq[f->asc[f->n - 1]];
    return total;
}

/* amplitude (and baseline) by linear least squares at the shape of p */
static void linear_amplitude(const srx_lineshape_fit *f, const double *y, const double *sigma,
                             double *p)
{
    double s00 = 0.0, s01 = 0.0, s11 = 0.0, b0 = 0.0, b1 = 0.0;
    size_t i;
    for (i = 0; i < f->n; i++) {
        double w = sigma ? 1.0 / (sigma[i] * sigma[i]) : 1.0, g = f->shape[i];
        s00 += w * g * g;
        s01 += w * g;
        s11 += w;
        b0 += w * g * y[i];
        b1 += w * y[i];
    }
    if (f->o.fit_baseline) {
        double det = s00 * s11 - s01 * s01;
        if (det > 1e-12 * s00 * s11) {
            p[P_AMP] = (b0 * s11 - b1 * s01) / det;
            p[P_BASE] = (s00 * b1 - s01 * b0) / det;
            return;
        }
    }
    p[P_AMP] = s00 > 0.0 ? (b0 - p[P_BASE] * s01) / s00 : 0.0;
}

/* ------------------------------------------------------------------ run */

static void setup_params(const srx_lineshape_fit *f, const double *p, srx_fit_param *par)
{
    size_t j;
    double span = fabs(f->freq[f->n - 1] - f->freq[0]);
    int czj = f->o.site_model == SRX_LSFIT_CZJZEK;
    for (j = 0; j < NP; j++)
        srx_fit_param_init(&par[j], p[j]);
    par[P_CQ].log_scale = 1;
    par[P_ETA].has_lower = par[P_ETA].has_upper = 1;
    par[P_ETA].lower = 0.0;
    par[P_ETA].upper = 1.0;
    par[P_ETA].fixed = czj || f->o.fix_eta;
    par[P_SHIFT].fixed = f->o.fix_shift;
    par[P_GB].has_lower = par[P_GB].has_upper = 1;
    par[P_GB].lower = 0.0;
    par[P_GB].upper = span;
    par[P_GB].fixed = !(f->o.broadening & SRX_LSFIT_GAUSSIAN);
    par[P_LB].has_lower = par[P_LB].has_upper = 1;
    par[P_LB].lower = 0.0;
    par[P_LB].upper = span;
    par[P_LB].fixed = !(f->o.broadening & SRX_LSFIT_LORENTZIAN);
    par[P_BASE].fixed = !f->o.fit_baseline;
}

static void use_sim(srx_lineshape_fit *f, int fine)
{
    f->cur = fine ? f->fine : f->coarse;
    f->cur_fine = fine;
    f->s_valid = 0;
}

static int run_engine(srx_lineshape_fit *f, const double *y, const double *sigma,
                      srx_fit_param *par, const srx_fit_options *fo, srx_fit_summary *sum,
                      srx_diag *diag)
{
    srx_fit_model mdl;
    int st;
    mdl.eval = model_cb;
    mdl.user = f;
    mdl.has_jacobian = 0;
    f->status = SRX_OK;
    st = srx_fit_run(f->engine, &mdl, f->n, y, sigma, par, fo, sum, NULL, diag);
    if (st == SRX_EDOM && f->status != SRX_OK && diag)
        *diag = f->mdiag;
    return st;
}

int srx_lineshape_fit_run(srx_lineshape_fit *f, const double *y, const double *sigma,
                          srx_lineshape_fit_result *r, srx_diag *diag)
{
    srx_fit_param par[NP], best_par[NP];
    srx_fit_options fo;
    srx_fit_summary sum;
    double p[NP], qd[3], qr[3], area, base0 = 0.0, best_chi2 = INFINITY, span, wd;
    int czj, k, nstart, st = SRX_OK, iters = 0, evals = 0, found = 0;
    size_t i;
    if (!f || !y || !r)
        return srxi_fail(diag, SRX_EINVAL, "lineshape_fit: NULL argument");
    for (i = 0; i < f->n; i++) {
        if (isnan(y[i]) || !srxi_isfinite(y[i]))
            return srxi_fail(diag, SRX_EINVAL, "lineshape_fit: intensity[%zu] = %g is not finite",
                             i, y[i]);
        if (sigma && (isnan(sigma[i]) || !srxi_isfinite(sigma[i]) || !(sigma[i] > 0.0)))
            return srxi_fail(diag, SRX_EINVAL,
                             "lineshape_fit: sigma[%zu] = %g is not finite and positive", i,
                             sigma[i]);
    }
    czj = f->o.site_model == SRX_LSFIT_CZJZEK;
    span = fabs(f->freq[f->n - 1] - f->freq[0]);
    if (f->o.fit_baseline) {
        /* outer 5 % of the points on each side */
        size_t nb = f->n / 20 + 1, cnt = 0;
        for (i = 0; i < nb; i++) {
            base0 += y[i] + y[f->n - 1 - i];
            cnt += 2;
        }
        base0 /= (double)cnt;
    }
    area = data_quantiles(f, y, base0, qd);
    if (!(area > 0.0))
        return srxi_fail(diag, SRX_EDOM, "lineshape_fit: the spectrum has no positive area");
    wd = qd[2] - qd[0];
    if (!(wd > 0.0))
        wd = f->h;

    srx_fit_options_init(&fo);
    fo.max_iter = f->o.max_iter < 60 ? f->o.max_iter : 60;
    fo.xtol = 1e-7;
    fo.ftol = 1e-7;
    fo.gtol = 1e-8;
    use_sim(f, 0);
    nstart = (f->o.fix_eta || !isnan(f->o.eta_start) || czj) ? 1 : f->o.n_eta_starts;
    for (k = 0; k < nstart; k++) {
        double cq, eta, w;
        int it;
        for (i = 0; i < NP; i++)
            p[i] = 0.0;
        eta = czj ? 0.0 : (!isnan(f->o.eta_start) ? f->o.eta_start
                                                  : 0.05 + 0.9 * (k + 0.5) / nstart);
        cq = czj ? f->o.sigma_hz_start : f->o.cq_hz_start;
        if (isnan(cq)) {
            /* second-order width ~ nuQ^2 / nu0 [I(I+1) - 3/4]: first guess, then
             * Cq <- Cq sqrt(w_data / w_ref) (exact for a pure second-order pattern,
             * geometric convergence for first-order satellites) */
            double fac = f->o.spin * (f->o.spin + 1.0) - 0.75;
            double nuq = sqrt(wd * f->o.larmor_hz / (fac > 0.1 ? fac : 0.1));
            cq = nuq * 2.0 * f->o.spin * (2.0 * f->o.spin - 1.0) / 3.0;
            for (it = 0; it < 12; it++) {
                if ((st = ref_quantiles(f, cq, eta, qr, diag)) != SRX_OK)
                    return st;
                w = qr[2] - qr[0];
                if (!(w > 0.0))
                    break;
                cq *= sqrt(wd / w);
                if (fabs(wd / w - 1.0) < 1e-3)
                    break;
            }
        }
        if ((st = ref_quantiles(f, cq, eta, qr, diag)) != SRX_OK)
            return st;
        p[P_CQ] = cq;
        p[P_ETA] = eta;
        p[P_SHIFT] = !isnan(f->o.shift_hz_start) ? f->o.shift_hz_start : qd[1] - qr[1];
        p[P_GB] = (f->o.broadening & SRX_LSFIT_GAUSSIAN)
                      ? (!isnan(f->o.gb_hz_start) ? f->o.gb_hz_start : 0.03 * wd)
                      : 0.0;
        p[P_LB] = (f->o.broadening & SRX_LSFIT_LORENTZIAN)
                      ? (!isnan(f->o.lb_hz_start) ? f->o.lb_hz_start : 0.03 * wd)
                      : 0.0;
        if (p[P_GB] >= span)
            p[P_GB] = 0.5 * span;
        if (p[P_LB] >= span)
            p[P_LB] = 0.5 * span;
        p[P_BASE] = base0;
        if ((st = eval_shape(f, p, diag)) != SRX_OK)
            return st;
        linear_amplitude(f, y, sigma, p);
        setup_params(f, p, par);
        st = run_engine(f, y, sigma, par, &fo, &sum, diag);
        if (st != SRX_OK && st != SRX_ENOCONV && st != SRX_ESINGULAR) {
            if (st == SRX_ENOMEM || st == SRX_EINVAL)
                return st;
            continue;
        }
        iters += sum.n_iter;
        evals += sum.n_eval;
        if (sum.chi2 < best_chi2) {
            best_chi2 = sum.chi2;
            memcpy(best_par, par, sizeof par);
            found = 1;
        }
    }
    if (!found)
        return st != SRX_OK ? st : srxi_fail(diag, SRX_ENOCONV, "lineshape_fit: no start converged");

    /* polish with the accurate orientation set; covariance from it */
    use_sim(f, 1);
    srx_fit_options_init(&fo);
    fo.max_iter = f->o.max_iter;
    for (i = 0; i < NP; i++) {
        p[i] = best_par[i].value;
        /* a broadening that ran onto its bound at 0: restart just inside */
        if ((i == P_GB || i == P_LB) && !best_par[i].fixed && !(p[i] > 1e-3 * f->h))
            p[i] = 1e-3 * f->h;
    }
    if (!czj && !best_par[P_ETA].fixed) {
        if (p[P_ETA] < 1e-4)
            p[P_ETA] = 1e-4;
        if (p[P_ETA] > 1.0 - 1e-4)
            p[P_ETA] = 1.0 - 1e-4;
    }
    setup_params(f, p, par);
    st = run_engine(f, y, sigma, par, &fo, &sum, diag);
    if (st == SRX_ESINGULAR) {
        /* A broadening that converged (near) 0 has no derivative there: fix it at 0
         * and refit.  "Near": a Gaussian FWHM below a quarter point moves less than
         * 1e-5 of a bin's intensity into its neighbours (undetermined); a Lorentzian,
         * with its slow wings, below 1 % of a point. */
        int refit = 0;
        for (i = P_GB; i <= P_LB; i++)
            if (!par[i].fixed && par[i].value < (i == P_GB ? 0.25 : 0.01) * f->h) {
                p[i] = 0.0;
                refit = 1;
            } else {
                p[i] = par[i].value;
            }
        if (refit) {
            unsigned keep = f->o.broadening;
            for (i = 0; i < NP; i++)
                if (i != P_GB && i != P_LB)
                    p[i] = par[i].value;
            if (p[P_GB] == 0.0)
                f->o.broadening &= ~SRX_LSFIT_GAUSSIAN;
            if (p[P_LB] == 0.0)
                f->o.broadening &= ~SRX_LSFIT_LORENTZIAN;
            iters += sum.n_iter;
            evals += sum.n_eval;
            setup_params(f, p, par);
            st = run_engine(f, y, sigma, par, &fo, &sum, diag);
            f->o.broadening = keep;
        }
    }
    if (st != SRX_OK && st != SRX_ENOCONV && st != SRX_ESINGULAR)
        return st;
    iters += sum.n_iter;
    evals += sum.n_eval;
    memset(r, 0, sizeof *r);
    r->cq_hz = czj ? NAN : par[P_CQ].value;
    r->cq_err_hz = czj ? NAN : par[P_CQ].error;
    r->eta = czj ? NAN : par[P_ETA].value;
    r->eta_err = czj ? NAN : par[P_ETA].error;
    r->sigma_hz = czj ? par[P_CQ].value : NAN;
    r->sigma_err_hz = czj ? par[P_CQ].error : NAN;
    r->shift_hz = par[P_SHIFT].value;
    r->shift_err_hz = par[P_SHIFT].error;
    r->gb_hz = (f->o.broadening & SRX_LSFIT_GAUSSIAN) ? par[P_GB].value : NAN;
    r->gb_err_hz = (f->o.broadening & SRX_LSFIT_GAUSSIAN) ? par[P_GB].error : NAN;
    r->lb_hz = (f->o.broadening & SRX_LSFIT_LORENTZIAN) ? par[P_LB].value : NAN;
    r->lb_err_hz = (f->o.broadening & SRX_LSFIT_LORENTZIAN) ? par[P_LB].error : NAN;
    r->amplitude = par[P_AMP].value;
    r->amplitude_err = par[P_AMP].error;
    r->baseline = par[P_BASE].value;
    r->baseline_err = par[P_BASE].error;
    r->chi2 = sum.chi2;
    r->reduced_chi2 = sum.reduced_chi2;
    r->dof = sum.dof;
    r->n_points = f->n;
    r->n_free = sum.n_free;
    r->converged = st == SRX_OK || (st == SRX_ESINGULAR && sum.converged);
    r->covariance_scaled = sum.covariance_scaled;
    r->n_iter = iters;
    r->n_eval = evals;
    return st;
}

int srx_lineshape_fit_model(srx_lineshape_fit *f, const srx_lineshape_fit_result *r,
                            double *model, srx_diag *diag)
{
    double p[NP];
    size_t i;
    int st, czj;
    if (!f || !r || !model)
        return srxi_fail(diag, SRX_EINVAL, "lineshape_fit: NULL argument");
    czj = f->o.site_model == SRX_LSFIT_CZJZEK;
    p[P_CQ] = czj ? r->sigma_hz : r->cq_hz;
    p[P_ETA] = czj ? 0.0 : r->eta;
    p[P_SHIFT] = r->shift_hz;
    p[P_GB] = isnan(r->gb_hz) ? 0.0 : r->gb_hz;
    p[P_LB] = isnan(r->lb_hz) ? 0.0 : r->lb_hz;
    p[P_AMP] = r->amplitude;
    p[P_BASE] = isnan(r->baseline) ? 0.0 : r->baseline;
    for (i = 0; i < NP; i++)
        if (isnan(p[i]) || !srxi_isfinite(p[i]))
            return srxi_fail(diag, SRX_EINVAL, "lineshape_fit: model parameter %zu not finite", i);
    if (!(p[P_CQ] > 0.0) || p[P_ETA] < 0.0 || p[P_ETA] > 1.0 || p[P_GB] < 0.0 || p[P_LB] < 0.0)
        return srxi_fail(diag, SRX_EDOM, "lineshape_fit: model parameters out of range");
    use_sim(f, 1);
    if ((st = eval_shape(f, p, diag)) != SRX_OK)
        return st;
    for (i = 0; i < f->n; i++)
        model[i] = p[P_AMP] * f->shape[i] + p[P_BASE];
    return SRX_OK;
}

int srx_lineshape_fit_spectrum(const srx_lineshape_fit_options *opts, const double *freq,
                               const double *y, const double *sigma, size_t n,
                               srx_lineshape_fit_result *r, srx_diag *diag)
{
    srx_lineshape_fit *f;
    int st = srx_lineshape_fit_alloc(opts, freq, n, &f, diag);
    if (st != SRX_OK)
        return st;
    st = srx_lineshape_fit_run(f, y, sigma, r, diag);
    srx_lineshape_fit_free(f);
    return st;
}
