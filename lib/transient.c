/* transient: magnetization transient models (physics.md section 4; the
 * spin-3/2 bi-exponential of Hubbard, J. Chem. Phys. 53 (1970) 985) and
 * per-series fits through the fit engine, with automatic start values.
 * Conventions and definitions: include/spinrelax/transient.h. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "spinrelax/fit.h"
#include "spinrelax/transient.h"

#define NP SRX_TRANSIENT_NPARAM

/* the ENORELAX thresholds on E(t_max) and E(t_min) (documented in the header) */
#define RELAX_MIN_DECAY 0.95
#define RELAX_MAX_PLATEAU 0.05

/* lower bound of the fitted stretch (see the header) */
#define STRETCH_MIN 0.05

static const char *const experiment_names[SRX_EXPERIMENT_COUNT] = {
    "saturation_recovery", "inversion_recovery", "spin_lock", "longitudinal_decay"};

const char *srx_transient_experiment_name(srx_experiment experiment)
{
    if ((int)experiment < 0 || (int)experiment >= SRX_EXPERIMENT_COUNT)
        return NULL;
    return experiment_names[experiment];
}

int srx_transient_experiment_parse(const char *name, srx_experiment *experiment, srx_diag *diag)
{
    int i;
    if (!name || !experiment)
        return srxi_fail(diag, SRX_EINVAL, "transient: NULL argument");
    for (i = 0; i < SRX_EXPERIMENT_COUNT; i++)
        if (strcmp(name, experiment_names[i]) == 0) {
            *experiment = (srx_experiment)i;
            return SRX_OK;
        }
    return srxi_fail(diag, SRX_ENOTFOUND,
                     "transient: unknown experiment \"%.100s\" (expected saturation_recovery, "
                     "inversion_recovery, spin_lock or longitudinal_decay)", name);
}

void srx_transient_options_init(srx_transient_options *options)
{
    if (!options)
        return;
    options->shape = SRX_TRANSIENT_STRETCHED;
    options->offset = 0;
}

static int valid_experiment(srx_experiment e)
{
    return (int)e >= 0 && (int)e < SRX_EXPERIMENT_COUNT;
}

static int valid_shape(srx_transient_shape s)
{
    return s == SRX_TRANSIENT_EXPONENTIAL || s == SRX_TRANSIENT_STRETCHED ||
           s == SRX_TRANSIENT_BIEXP_SPIN32;
}

/* ---------------------------------------------------------------- model */

/* M(t_i) and (optionally) d M / d p_j, row stride NP.  No validation.
 * lt[i] = ln t_i for t_i > 0 (may be NULL: computed here). */
static void eval_core(srx_experiment ex, srx_transient_shape sh, const double *p, const double *t,
                      const double *lt, size_t n, double *m, double *jac)
{
    const double M0 = p[SRX_TRANSIENT_P_AMPLITUDE], R = p[SRX_TRANSIENT_P_RATE];
    const double g = p[SRX_TRANSIENT_P_STRETCH], f = p[SRX_TRANSIENT_P_INVERSION];
    const double c = p[SRX_TRANSIENT_P_OFFSET], R2 = p[SRX_TRANSIENT_P_RATE2];
    const double lnR = log(R);
    size_t i;

    for (i = 0; i < n; i++) {
        const double ti = t[i];
        double E, dER = 0.0, dEg = 0.0, dER2 = 0.0, B, dMdE, dMdf = 0.0;
        switch (sh) {
        case SRX_TRANSIENT_STRETCHED:
            if (ti > 0.0) {
                const double L = (lt ? lt[i] : log(ti)) + lnR;
                const double x = exp(g * L);
                E = exp(-x);
                if (E > 0.0) {
                    dER = -E * g * x / R;
                    dEg = -E * x * L;
                }
            } else {
                E = 1.0;
            }
            break;
        case SRX_TRANSIENT_BIEXP_SPIN32: {
            const double ea = exp(-R * ti), eb = exp(-R2 * ti);
            E = 0.2 * ea + 0.8 * eb;
            dER = -0.2 * ti * ea;
            dER2 = -0.8 * ti * eb;
            break;
        }
        default:
            E = exp(-R * ti);
            dER = -ti * E;
            break;
        }
        switch (ex) {
        case SRX_EXPERIMENT_SATURATION_RECOVERY:
            B = 1.0 - E;
            dMdE = -M0;
            break;
        case SRX_EXPERIMENT_INVERSION_RECOVERY:
            B = 1.0 - 2.0 * f * E;
            dMdE = -2.0 * f * M0;
            dMdf = -2.0 * M0 * E;
            break;
        default:
            B = E;
            dMdE = M0;
            break;
        }
        m[i] = M0 * B + c;
        if (jac) {
            double *row = jac + i * NP;
            row[SRX_TRANSIENT_P_AMPLITUDE] = B;
            row[SRX_TRANSIENT_P_RATE] = dMdE * dER;
            row[SRX_TRANSIENT_P_STRETCH] = dMdE * dEg;
            row[SRX_TRANSIENT_P_INVERSION] = dMdf;
            row[SRX_TRANSIENT_P_OFFSET] = 1.0;
            row[SRX_TRANSIENT_P_RATE2] = dMdE * dER2;
        }
    }
}

int srx_transient_eval(srx_experiment experiment, srx_transient_shape shape, const double *params,
                       const double *delays_s, size_t n, double *signal, double *jacobian,
                       srx_diag *diag)
{
    size_t i;
    if (!params || (n > 0 && (!delays_s || !signal)))
        return srxi_fail(diag, SRX_EINVAL, "transient: NULL argument");
    if (!valid_experiment(experiment))
        return srxi_fail(diag, SRX_EINVAL, "transient: unknown experiment %d", (int)experiment);
    if (!valid_shape(shape))
        return srxi_fail(diag, SRX_EINVAL, "transient: unknown shape %d", (int)shape);
    for (i = 0; i < NP; i++)
        if (isnan(params[i]))
            return srxi_fail(diag, SRX_EINVAL, "transient: parameter %zu is NaN", i);
    if (!(params[SRX_TRANSIENT_P_RATE] > 0.0) || !isfinite(params[SRX_TRANSIENT_P_RATE]))
        return srxi_fail(diag, SRX_EDOM, "transient: rate %g s^-1 must be positive and finite",
                         params[SRX_TRANSIENT_P_RATE]);
    if (shape == SRX_TRANSIENT_STRETCHED &&
        !(params[SRX_TRANSIENT_P_STRETCH] > 0.0 && params[SRX_TRANSIENT_P_STRETCH] <= 1.0))
        return srxi_fail(diag, SRX_EDOM, "transient: stretch %g outside (0, 1]",
                         params[SRX_TRANSIENT_P_STRETCH]);
    if (shape == SRX_TRANSIENT_BIEXP_SPIN32 &&
        (!(params[SRX_TRANSIENT_P_RATE2] > 0.0) || !isfinite(params[SRX_TRANSIENT_P_RATE2])))
        return srxi_fail(diag, SRX_EDOM, "transient: rate2 %g s^-1 must be positive and finite",
                         params[SRX_TRANSIENT_P_RATE2]);
    if (!isfinite(params[SRX_TRANSIENT_P_AMPLITUDE]) || !isfinite(params[SRX_TRANSIENT_P_OFFSET]) ||
        !isfinite(params[SRX_TRANSIENT_P_INVERSION]))
        return srxi_fail(diag, SRX_EDOM, "transient: amplitude, offset and inversion must be finite");
    for (i = 0; i < n; i++)
        if (isnan(delays_s[i]) || !(delays_s[i] >= 0.0) || !isfinite(delays_s[i]))
            return srxi_fail(diag, isnan(delays_s[i]) ? SRX_EINVAL : SRX_EDOM,
                             "transient: delay %zu = %g s must be finite and >= 0", i,
                             delays_s[i]);
    eval_core(experiment, shape, params, delays_s, NULL, n, signal, jacobian);
    return SRX_OK;
}

/* ---------------------------------------------------------------- fitter */

struct srx_transient_fitter {
    size_t nmax;
    srx_fit *fit;
    double *t, *y, *s, *lt, *w; /* sorted copies, ln t, weights */
    /* context of the current run, read by the model callback */
    srx_experiment ex;
    srx_transient_shape shape;
    size_t n;
};

void srx_transient_fitter_free(srx_transient_fitter *tf)
{
    if (!tf)
        return;
    srx_fit_free(tf->fit);
    free(tf->t);
    free(tf->y);
    free(tf->s);
    free(tf->lt);
    free(tf->w);
    free(tf);
}

int srx_transient_fitter_alloc(srx_transient_fitter **out, size_t max_points, srx_diag *diag)
{
    srx_transient_fitter *tf;
    size_t k;
    int st;
    if (!out)
        return srxi_fail(diag, SRX_EINVAL, "transient: NULL output pointer");
    *out = NULL;
    if (max_points < 3)
        return srxi_fail(diag, SRX_EINVAL, "transient: max_points = %zu must be >= 3", max_points);
    tf = calloc(1, sizeof *tf);
    if (!tf)
        return srxi_fail(diag, SRX_ENOMEM, "transient: out of memory");
    tf->nmax = max_points;
    tf->t = malloc(max_points * sizeof(double));
    tf->y = malloc(max_points * sizeof(double));
    tf->s = malloc(max_points * sizeof(double));
    tf->lt = malloc(max_points * sizeof(double));
    tf->w = malloc(max_points * sizeof(double));
    if (!tf->t || !tf->y || !tf->s || !tf->lt || !tf->w) {
        srx_transient_fitter_free(tf);
        return srxi_fail(diag, SRX_ENOMEM, "transient: out of memory");
    }
    /* the fit engine needs max_points >= NP; pad small fitters up */
    st = srx_fit_alloc(&tf->fit, max_points < NP ? NP : max_points, NP, 0, diag);
    /* every model has 2 to 5 free parameters: reserve them all now so
     * that srx_transient_fitter_run never allocates */
    for (k = 2; st == SRX_OK && k < NP; k++)
        st = srx_fit_reserve(tf->fit, k, diag);
    if (st) {
        srx_transient_fitter_free(tf);
        return st;
    }
    *out = tf;
    return SRX_OK;
}

static int model_cb(const double *p, size_t np, size_t n, double *m, double *jac, void *user)
{
    const srx_transient_fitter *tf = user;
    (void)np;
    eval_core(tf->ex, tf->shape, p, tf->t, tf->lt, n, m, jac);
    return 0;
}

/* sort (t, y, s) by t: Shell sort with Ciura's gaps (no allocation) */
static void sort_series(double *t, double *y, double *s, size_t n)
{
    static const size_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    size_t gi, i, j;
    size_t big = 701;
    /* extend the gap sequence for large n (gaps * 2.25) */
    while (big * 9 / 4 < n)
        big = big * 9 / 4;
    for (;;) {
        size_t gap = big;
        if (gap <= 701)
            break;
        for (i = gap; i < n; i++) {
            double tv = t[i], yv = y[i], sv = s[i];
            for (j = i; j >= gap && t[j - gap] > tv; j -= gap) {
                t[j] = t[j - gap];
                y[j] = y[j - gap];
                s[j] = s[j - gap];
            }
            t[j] = tv;
            y[j] = yv;
            s[j] = sv;
        }
        big = big * 4 / 9;
    }
    for (gi = 0; gi < sizeof gaps / sizeof gaps[0]; gi++) {
        size_t gap = gaps[gi];
        for (i = gap; i < n; i++) {
            double tv = t[i], yv = y[i], sv = s[i];
            for (j = i; j >= gap && t[j - gap] > tv; j -= gap) {
                t[j] = t[j - gap];
                y[j] = y[j - gap];
                s[j] = s[j - gap];
            }
            t[j] = tv;
            y[j] = yv;
            s[j] = sv;
        }
    }
}

/* linear sub-problem of the profile: how the signal depends on E */
enum { LIN_E = 0, LIN_ONE_MINUS_E = 1, LIN_A_PLUS_BE = 2 };

/* Chi-square of the best linear coefficients for relaxation function
 * exp(-(t R)^g) at ln R = lnR; returns it and the coefficients:
 * LIN_E: y = b E; LIN_ONE_MINUS_E: y = a (1 - E); LIN_A_PLUS_BE: y = a + b E. */
static double profile(const srx_transient_fitter *tf, int lin, double lnR, double g, double *ca,
                      double *cb)
{
    size_t i, n = tf->n;
    double Sw = 0, SE = 0, SEE = 0, Sy = 0, SyE = 0, Syy = 0, chi2, a = 0, b = 0;
    const double R = exp(lnR);
    for (i = 0; i < n; i++) {
        double E, w = tf->w[i], yi = tf->y[i];
        if (g == 1.0)
            E = exp(-R * tf->t[i]);
        else if (tf->t[i] > 0.0)
            E = exp(-exp(g * (tf->lt[i] + lnR)));
        else
            E = 1.0;
        Sw += w;
        SE += w * E;
        SEE += w * E * E;
        Sy += w * yi;
        SyE += w * yi * E;
        Syy += w * yi * yi;
    }
    switch (lin) {
    case LIN_E:
        if (SEE > 0.0) {
            b = SyE / SEE;
            chi2 = Syy - b * SyE;
        } else {
            chi2 = Syy;
        }
        break;
    case LIN_ONE_MINUS_E: {
        double Spp = Sw - 2.0 * SE + SEE, Syp = Sy - SyE;
        if (Spp > 1e-300) {
            a = Syp / Spp;
            chi2 = Syy - a * Syp;
        } else {
            chi2 = Syy;
        }
        break;
    }
    default: {
        double det = Sw * SEE - SE * SE;
        if (det > 1e-13 * Sw * SEE) {
            a = (SEE * Sy - SE * SyE) / det;
            b = (Sw * SyE - SE * Sy) / det;
            chi2 = Syy - a * Sy - b * SyE;
        } else {
            /* E constant over the delays: only a constant is fitted */
            a = Sy / Sw;
            b = 0.0;
            chi2 = Syy - a * Sy + 1e-300; /* never better than a real transient */
        }
        break;
    }
    }
    *ca = a;
    *cb = b;
    return chi2 > 0.0 ? chi2 : 0.0;
}

/* scan the profile over ln R from lnR0 in steps of ln 2 within [lo, hi],
 * then refine by a parabola; returns the best ln R */
static double scan_rate(const srx_transient_fitter *tf, int lin, double lnR0, double g, double lo,
                        double hi)
{
    const double h = 0.6931471805599453;
    double a, b, x = fmin(fmax(lnR0, lo), hi), f0, fp, fm;
    int dir, steps = 0;
    f0 = profile(tf, lin, x, g, &a, &b);
    fp = profile(tf, lin, x + h, g, &a, &b);
    fm = profile(tf, lin, x - h, g, &a, &b);
    if (fp < f0 && fp <= fm)
        dir = 1;
    else if (fm < f0)
        dir = -1;
    else
        dir = 0;
    while (dir != 0 && steps < 200) {
        double xn = x + dir * h;
        if (xn > hi || xn < lo)
            break;
        if (dir > 0) {
            fm = f0;
            f0 = fp;
            x = xn;
            fp = profile(tf, lin, x + h, g, &a, &b);
            if (!(fp < f0))
                dir = 0;
        } else {
            fp = f0;
            f0 = fm;
            x = xn;
            fm = profile(tf, lin, x - h, g, &a, &b);
            if (!(fm < f0))
                dir = 0;
        }
        steps++;
    }
    {
        double den = fp - 2.0 * f0 + fm;
        if (den > 0.0 && f0 <= fp && f0 <= fm) {
            double d = 0.5 * h * (fm - fp) / den;
            if (d > h)
                d = h;
            if (d < -h)
                d = -h;
            x += d;
        }
    }
    return x;
}

/* First guess of ln R: where the signal, normalised between the means of
 * its earliest and latest eighth, first crosses 1/e (interpolated in ln t);
 * the geometric mean of the positive delays when that fails. */
static double crossing_lnR(const srx_transient_fitter *tf, double fallback)
{
    size_t i, n = tf->n, m = n / 8 > 0 ? n / 8 : 1;
    double y0 = 0.0, y1 = 0.0, prev_e = 1.0, prev_lt = 0.0;
    int have_prev = 0;
    for (i = 0; i < m; i++) {
        y0 += tf->y[i];
        y1 += tf->y[n - 1 - i];
    }
    y0 /= (double)m;
    y1 /= (double)m;
    if (!(fabs(y0 - y1) > 0.0))
        return fallback;
    for (i = 0; i < n; i++) {
        double e = (tf->y[i] - y1) / (y0 - y1);
        if (!(tf->t[i] > 0.0))
            continue;
        if (e < 0.36787944117144233) {
            if (!have_prev || tf->lt[i] == prev_lt)
                return -tf->lt[i];
            return -(prev_lt + (prev_e - 0.36787944117144233) / (prev_e - e) *
                                   (tf->lt[i] - prev_lt));
        }
        prev_e = e;
        prev_lt = tf->lt[i];
        have_prev = 1;
    }
    return fallback;
}

/* Start values into p[NP]; lin = the linear sub-problem of the model */
static void start_values(srx_transient_fitter *tf, int lin, int offset, double p[NP])
{
    size_t i, n = tf->n;
    double tmin = 0.0, tmax = tf->t[n - 1], slt = 0.0, lo, hi, lnR, g = 1.0, a, b;
    size_t npos = 0;
    for (i = 0; i < n; i++)
        if (tf->t[i] > 0.0) {
            if (npos == 0)
                tmin = tf->t[i];
            slt += tf->lt[i];
            npos++;
        }
    lo = log(1e-3 / tmax);
    hi = log(1e3 / tmin);
    lnR = crossing_lnR(tf, -slt / (double)npos);
    lnR = fmin(fmax(lnR, lo), hi);
    if (tf->shape != SRX_TRANSIENT_STRETCHED) {
        lnR = scan_rate(tf, lin, lnR, 1.0, lo, hi);
    } else {
        /* Weibull plot of the signal normalised by the linear parameters of
         * a mono-exponential at the first guess of R */
        double Sx = 0, Sy = 0, Sxx = 0, Sxy = 0, cnt = 0;
        profile(tf, lin, lnR, 1.0, &a, &b);
        for (i = 0; i < n; i++) {
            double e;
            if (!(tf->t[i] > 0.0))
                continue;
            switch (lin) {
            case LIN_E:
                e = b != 0.0 ? tf->y[i] / b : NAN;
                break;
            case LIN_ONE_MINUS_E:
                e = a != 0.0 ? 1.0 - tf->y[i] / a : NAN;
                break;
            default:
                e = b != 0.0 ? (tf->y[i] - a) / b : NAN;
                break;
            }
            if (e > 0.05 && e < 0.95) {
                double X = tf->lt[i], Y = log(-log(e));
                Sx += X;
                Sy += Y;
                Sxx += X * X;
                Sxy += X * Y;
                cnt += 1.0;
            }
        }
        g = 0.8;
        if (cnt >= 2.0) {
            double den = cnt * Sxx - Sx * Sx;
            if (den > 1e-12 * cnt * Sxx) {
                double slope = (cnt * Sxy - Sx * Sy) / den;
                double icpt = (Sy - slope * Sx) / cnt;
                if (slope > 0.0 && isfinite(slope)) {
                    g = fmin(fmax(slope, 0.25), 0.95);
                    lnR = icpt / slope;
                    if (!isfinite(lnR))
                        lnR = icpt / g;
                }
            }
        }
        lnR = scan_rate(tf, lin, lnR, g, lo, hi);
    }
    profile(tf, lin, lnR, g, &a, &b);
    p[SRX_TRANSIENT_P_RATE] = exp(lnR);
    p[SRX_TRANSIENT_P_STRETCH] = g;
    p[SRX_TRANSIENT_P_INVERSION] = 1.0;
    p[SRX_TRANSIENT_P_OFFSET] = 0.0;
    p[SRX_TRANSIENT_P_RATE2] = p[SRX_TRANSIENT_P_RATE];
    switch (tf->ex) {
    case SRX_EXPERIMENT_SATURATION_RECOVERY:
        if (offset) { /* y = (c + M0) - M0 E */
            p[SRX_TRANSIENT_P_AMPLITUDE] = -b;
            p[SRX_TRANSIENT_P_OFFSET] = a + b;
        } else {
            p[SRX_TRANSIENT_P_AMPLITUDE] = a;
        }
        break;
    case SRX_EXPERIMENT_INVERSION_RECOVERY:
        if (offset) { /* f = 1: y = (c + M0) - 2 M0 E */
            p[SRX_TRANSIENT_P_AMPLITUDE] = -0.5 * b;
            p[SRX_TRANSIENT_P_OFFSET] = a + 0.5 * b;
        } else { /* y = M0 - 2 f M0 E */
            double f = a != 0.0 ? -b / (2.0 * a) : 1.0;
            p[SRX_TRANSIENT_P_AMPLITUDE] = a;
            p[SRX_TRANSIENT_P_INVERSION] = (f > 0.25 && f < 1.75) ? f : 1.0;
        }
        break;
    default:
        p[SRX_TRANSIENT_P_AMPLITUDE] = b;
        if (offset)
            p[SRX_TRANSIENT_P_OFFSET] = a;
        break;
    }
    if (!isfinite(p[SRX_TRANSIENT_P_AMPLITUDE]) || p[SRX_TRANSIENT_P_AMPLITUDE] == 0.0)
        p[SRX_TRANSIENT_P_AMPLITUDE] = tf->y[n - 1] - tf->y[0];
    if (tf->shape == SRX_TRANSIENT_BIEXP_SPIN32) {
        /* asymmetric start (equal rates are a saddle of the bi-exponential):
         * keep 0.2 R_a + 0.8 R_b = R */
        p[SRX_TRANSIENT_P_RATE] = 2.0 * exp(lnR);
        p[SRX_TRANSIENT_P_RATE2] = 0.75 * exp(lnR);
    }
}

static void result_nan(srx_transient_result *r, int status)
{
    if (!r)
        return;
    r->rate_per_s = r->rate_err_per_s = r->rate2_per_s = r->rate2_err_per_s = NAN;
    r->stretch = r->stretch_err = r->amplitude = r->amplitude_err = NAN;
    r->offset = r->offset_err = r->inversion = r->inversion_err = NAN;
    r->chi2 = r->reduced_chi2 = NAN;
    r->dof = 0;
    r->n_iter = 0;
    r->converged = 0;
    r->covariance_scaled = 0;
    r->status = status;
}

/* set the result to NaN with the status and write the diagnostic */
#define FAIL(code, ...) (result_nan(result, (code)), srxi_fail(diag, (code), __VA_ARGS__))

int srx_transient_fitter_run(srx_transient_fitter *tf, const double *delays_s, const double *signal,
                             const double *sigma, size_t n, srx_experiment experiment,
                             const srx_transient_options *options, srx_transient_result *result,
                             srx_diag *diag)
{
    srx_transient_options o;
    srx_fit_param P[NP];
    srx_fit_summary sum;
    srx_fit_model model;
    double p0[NP];
    size_t i, distinct, n_free;
    int lin, st, all_zero = 1, constant = 1;
    int fit_f, fit_g, fit_c, fit_r2;

    if (!tf || !delays_s || !signal)
        return FAIL(SRX_EINVAL, "transient: NULL argument");
    if (options)
        o = *options;
    else
        srx_transient_options_init(&o);
    if (!valid_experiment(experiment))
        return FAIL(SRX_EINVAL, "transient: unknown experiment %d", (int)experiment);
    if (!valid_shape(o.shape))
        return FAIL(SRX_EINVAL, "transient: unknown model shape %d", (int)o.shape);
    if (n < 3)
        return FAIL(SRX_ENODATA, "transient: %zu points, at least 3 needed", n);
    if (n > tf->nmax)
        return FAIL(SRX_EINVAL,
                    "transient: %zu points but the fitter holds at most %zu (length mismatch)",
                    n, tf->nmax);
    for (i = 0; i < n; i++) {
        if (isnan(delays_s[i]) || isinf(delays_s[i]))
            return FAIL(SRX_EINVAL, "transient: delay %zu is not finite (%g)", i, delays_s[i]);
        if (delays_s[i] < 0.0)
            return FAIL(SRX_EDOM, "transient: delay %zu is negative (%g s)", i, delays_s[i]);
        if (!isfinite(signal[i]))
            return FAIL(SRX_EINVAL, "transient: signal %zu is not finite (%g)", i, signal[i]);
        if (sigma && (isnan(sigma[i]) || isinf(sigma[i])))
            return FAIL(SRX_EINVAL, "transient: sigma %zu is not finite (%g)", i, sigma[i]);
        if (sigma && !(sigma[i] > 0.0))
            return FAIL(SRX_EDOM, "transient: sigma %zu = %g is not positive", i, sigma[i]);
        if (signal[i] != 0.0)
            all_zero = 0;
        if (signal[i] != signal[0])
            constant = 0;
    }
    if (all_zero)
        return FAIL(SRX_EDOM, "transient: the signal is zero at all %zu delays", n);

    fit_g = o.shape == SRX_TRANSIENT_STRETCHED;
    fit_r2 = o.shape == SRX_TRANSIENT_BIEXP_SPIN32;
    fit_c = o.offset != 0;
    fit_f = experiment == SRX_EXPERIMENT_INVERSION_RECOVERY && !fit_c;
    n_free = 2 + (size_t)fit_g + (size_t)fit_r2 + (size_t)fit_c + (size_t)fit_f;

    /* sorted copies */
    memcpy(tf->t, delays_s, n * sizeof(double));
    memcpy(tf->y, signal, n * sizeof(double));
    if (sigma)
        memcpy(tf->s, sigma, n * sizeof(double));
    else
        for (i = 0; i < n; i++)
            tf->s[i] = 1.0;
    sort_series(tf->t, tf->y, tf->s, n);
    distinct = 1;
    for (i = 1; i < n; i++)
        if (tf->t[i] != tf->t[i - 1])
            distinct++;
    if (distinct < n_free || distinct < 2)
        return FAIL(SRX_ENODATA, "transient: %zu distinct delays for %zu fitted parameters",
                    distinct, n_free);
    if (constant)
        return FAIL(SRX_ENORELAX,
                    "transient: the signal is constant (%g) at all %zu delays: no relaxation",
                    signal[0], n);
    for (i = 0; i < n; i++) {
        tf->lt[i] = tf->t[i] > 0.0 ? log(tf->t[i]) : 0.0;
        tf->w[i] = 1.0 / (tf->s[i] * tf->s[i]);
    }
    tf->ex = experiment;
    tf->shape = o.shape;
    tf->n = n;

    switch (experiment) {
    case SRX_EXPERIMENT_SATURATION_RECOVERY:
        lin = fit_c ? LIN_A_PLUS_BE : LIN_ONE_MINUS_E;
        break;
    case SRX_EXPERIMENT_INVERSION_RECOVERY:
        lin = LIN_A_PLUS_BE;
        break;
    default:
        lin = fit_c ? LIN_A_PLUS_BE : LIN_E;
        break;
    }
    start_values(tf, lin, fit_c, p0);

    for (i = 0; i < NP; i++) {
        srx_fit_param_init(&P[i], p0[i]);
        P[i].fixed = 1;
    }
    P[SRX_TRANSIENT_P_AMPLITUDE].fixed = 0;
    P[SRX_TRANSIENT_P_RATE].fixed = 0;
    P[SRX_TRANSIENT_P_RATE].log_scale = 1;
    if (fit_g) {
        P[SRX_TRANSIENT_P_STRETCH].fixed = 0;
        P[SRX_TRANSIENT_P_STRETCH].has_lower = P[SRX_TRANSIENT_P_STRETCH].has_upper = 1;
        P[SRX_TRANSIENT_P_STRETCH].lower = STRETCH_MIN;
        P[SRX_TRANSIENT_P_STRETCH].upper = 1.0;
    } else {
        P[SRX_TRANSIENT_P_STRETCH].value = 1.0;
    }
    if (fit_f) {
        /* f in (0, 2): without a bound, f E with E -> 0 is a degenerate
         * direction (a huge f times a tiny E) that series without early
         * delays can fall into */
        P[SRX_TRANSIENT_P_INVERSION].fixed = 0;
        P[SRX_TRANSIENT_P_INVERSION].has_lower = P[SRX_TRANSIENT_P_INVERSION].has_upper = 1;
        P[SRX_TRANSIENT_P_INVERSION].lower = 0.0;
        P[SRX_TRANSIENT_P_INVERSION].upper = 2.0;
    }
    else
        P[SRX_TRANSIENT_P_INVERSION].value = 1.0;
    if (fit_c)
        P[SRX_TRANSIENT_P_OFFSET].fixed = 0;
    else
        P[SRX_TRANSIENT_P_OFFSET].value = 0.0;
    if (fit_r2) {
        P[SRX_TRANSIENT_P_RATE2].fixed = 0;
        P[SRX_TRANSIENT_P_RATE2].log_scale = 1;
    }

    model.eval = model_cb;
    model.user = tf;
    model.has_jacobian = 1;
    st = srx_fit_run(tf->fit, &model, n, tf->y, sigma ? tf->s : NULL, P, NULL, &sum, NULL, diag);
    if (st != SRX_OK && st != SRX_ENOCONV && st != SRX_ESINGULAR) {
        result_nan(result, st);
        srxi_diag_prefix(diag, "transient");
        return st;
    }

    /* relaxation within the delays? */
    {
        double tt[2], ee[2], pe[NP];
        size_t k;
        memcpy(pe, p0, sizeof pe);
        for (k = 0; k < NP; k++)
            pe[k] = P[k].value;
        pe[SRX_TRANSIENT_P_AMPLITUDE] = 1.0;
        pe[SRX_TRANSIENT_P_OFFSET] = 0.0;
        tt[0] = 0.0;
        for (k = 0; k < n; k++)
            if (tf->t[k] > 0.0) {
                tt[0] = tf->t[k];
                break;
            }
        tt[1] = tf->t[n - 1];
        eval_core(SRX_EXPERIMENT_SPIN_LOCK, o.shape, pe, tt, NULL, 2, ee, NULL);
        if (ee[1] > RELAX_MIN_DECAY) {
            st = srxi_fail(diag, SRX_ENORELAX,
                           "transient: no relaxation within the delays: fitted rate %g s^-1 "
                           "leaves E(t_max = %g s) = %.3f > %.2f",
                           P[SRX_TRANSIENT_P_RATE].value, tt[1], ee[1], RELAX_MIN_DECAY);
        } else if (ee[0] < RELAX_MAX_PLATEAU) {
            st = srxi_fail(diag, SRX_ENORELAX,
                           "transient: relaxed before the first delay: fitted rate %g s^-1 "
                           "leaves E(t_min = %g s) = %.3g < %.2f (every point on the plateau)",
                           P[SRX_TRANSIENT_P_RATE].value, tt[0], ee[0], RELAX_MAX_PLATEAU);
        }
    }

    if (result) {
        result->rate_per_s = P[SRX_TRANSIENT_P_RATE].value;
        result->rate_err_per_s = P[SRX_TRANSIENT_P_RATE].error;
        result->rate2_per_s = fit_r2 ? P[SRX_TRANSIENT_P_RATE2].value : result->rate_per_s;
        result->rate2_err_per_s = fit_r2 ? P[SRX_TRANSIENT_P_RATE2].error : 0.0;
        result->stretch = P[SRX_TRANSIENT_P_STRETCH].value;
        result->stretch_err = P[SRX_TRANSIENT_P_STRETCH].error;
        result->amplitude = P[SRX_TRANSIENT_P_AMPLITUDE].value;
        result->amplitude_err = P[SRX_TRANSIENT_P_AMPLITUDE].error;
        result->offset = P[SRX_TRANSIENT_P_OFFSET].value;
        result->offset_err = P[SRX_TRANSIENT_P_OFFSET].error;
        result->inversion = P[SRX_TRANSIENT_P_INVERSION].value;
        result->inversion_err = P[SRX_TRANSIENT_P_INVERSION].error;
        result->chi2 = sum.chi2;
        result->reduced_chi2 = sum.reduced_chi2;
        result->dof = sum.dof;
        result->n_iter = sum.n_iter;
        result->converged = sum.converged;
        result->covariance_scaled = sum.covariance_scaled;
        result->status = st;
    }
    if (st == SRX_ENOCONV || st == SRX_ESINGULAR)
        srxi_diag_prefix(diag, "transient");
    return st;
}

int srx_transient_fit(const double *delays_s, const double *signal, const double *sigma, size_t n,
                      srx_experiment experiment, const srx_transient_options *options,
                      srx_transient_result *result, srx_diag *diag)
{
    srx_transient_fitter *tf = NULL;
    int st;
    if (n < 3) {
        result_nan(result, SRX_ENODATA);
        return srxi_fail(diag, SRX_ENODATA, "transient: %zu points, at least 3 needed", n);
    }
    st = srx_transient_fitter_alloc(&tf, n, diag);
    if (st) {
        result_nan(result, st);
        return st;
    }
    st = srx_transient_fitter_run(tf, delays_s, signal, sigma, n, experiment, options, result,
                                  diag);
    srx_transient_fitter_free(tf);
    return st;
}
