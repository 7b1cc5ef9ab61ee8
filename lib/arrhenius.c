/* arrhenius: flanks, global rate-peak fits, conductivity Arrhenius and kink
 * fits (physics.md sections 1-3, 5).  Every fit goes through the engine of
 * fit.h; closed-form straight lines are used only as statistics while
 * choosing a flank range and starting values. */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_rng.h>

#include "internal.h"
#include "spinrelax/arrhenius.h"
#include "spinrelax/fit.h"

#define KB SRX_KB_EV_PER_K
#define NP SRX_RATES_NPARAM

/* ====================================================================== */
/* Closed-form weighted straight line y = c0 + c1 x (a statistic only).   */

typedef struct line {
    double c0, c1;         /* intercept, slope */
    double v00, v01, v11;  /* covariance with absolute weights */
    double chi2;           /* weighted sum of squared residuals */
    int n;
} line;

static int line_fit(const double *x, const double *y, const double *s, size_t a, size_t b,
                    line *out)
{
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, det;
    size_t i;
    for (i = a; i <= b; i++) {
        double w = 1.0 / (s[i] * s[i]);
        sw += w;
        sx += w * x[i];
        sy += w * y[i];
        sxx += w * x[i] * x[i];
        sxy += w * x[i] * y[i];
    }
    det = sw * sxx - sx * sx;
    if (!(det > 1e-300 * sw * sxx) || b <= a)
        return -1;
    out->c1 = (sw * sxy - sx * sy) / det;
    out->c0 = (sy - out->c1 * sx) / sw;
    out->v00 = sxx / det;
    out->v11 = sw / det;
    out->v01 = -sx / det;
    out->chi2 = 0;
    for (i = a; i <= b; i++) {
        double r = (y[i] - out->c0 - out->c1 * x[i]) / s[i];
        out->chi2 += r * r;
    }
    out->n = (int)(b - a + 1);
    return 0;
}

/* ====================================================================== */
/* Straight line through the engine.                                      */

typedef struct line_ctx {
    const double *x; /* the abscissa of each point */
} line_ctx;

/* m = p0 + p1 * x */
static int line_eval(const double *p, size_t np, size_t n, double *m, double *jac, void *user)
{
    const line_ctx *c = user;
    size_t i;
    (void)np;
    for (i = 0; i < n; i++) {
        m[i] = p[0] + p[1] * c->x[i];
        if (jac) {
            jac[2 * i] = 1.0;
            jac[2 * i + 1] = c->x[i];
        }
    }
    return 0;
}

/* Fit y = c0 + c1 x by the engine; start from the closed form. */
static int engine_line(size_t n, const double *x, const double *y, const double *sigma,
                       double start0, double start1, double *c, double *cov,
                       srx_fit_summary *sum, srx_diag *diag)
{
    srx_fit *fit = NULL;
    srx_fit_param p[2];
    srx_fit_model model;
    line_ctx ctx;
    int status;
    status = srx_fit_alloc(&fit, n, 2, 0, diag);
    if (status)
        return status;
    ctx.x = x;
    model.eval = line_eval;
    model.user = &ctx;
    model.has_jacobian = 1;
    srx_fit_param_init(&p[0], start0);
    srx_fit_param_init(&p[1], start1);
    status = srx_fit_run(fit, &model, n, y, sigma, p, NULL, sum, cov, diag);
    srx_fit_free(fit);
    c[0] = p[0].value;
    c[1] = p[1].value;
    return status;
}

/* ====================================================================== */
/* Flanks                                                                  */

typedef struct tpoint {
    double t, r, e; /* temperature, rate, error (0 = none) */
} tpoint;

static int cmp_tpoint(const void *a, const void *b)
{
    const tpoint *p = a, *q = b;
    return (p->t > q->t) - (p->t < q->t);
}

static int check_rate_arrays(size_t n, const double *t, const double *r, const double *e,
                             const char *what, srx_diag *diag)
{
    size_t i;
    if (!t || !r)
        return srxi_fail(diag, SRX_EINVAL, "arrhenius: NULL array");
    for (i = 0; i < n; i++) {
        if (isnan(t[i]) || isnan(r[i]) || (e && isnan(e[i])))
            return srxi_fail(diag, SRX_EINVAL, "arrhenius: NaN at point %zu", i);
        if (!(t[i] > 0) || !srxi_isfinite(t[i]))
            return srxi_fail(diag, SRX_EDOM, "arrhenius: temperature_k[%zu] = %g must be positive",
                             i, t[i]);
        if (!(r[i] > 0) || !srxi_isfinite(r[i]))
            return srxi_fail(diag, SRX_EDOM, "arrhenius: %s[%zu] = %g must be positive", what, i,
                             r[i]);
        if (e && (!(e[i] > 0) || !srxi_isfinite(e[i])))
            return srxi_fail(diag, SRX_EDOM, "arrhenius: uncertainty of %s[%zu] = %g must be positive",
                             what, i, e[i]);
    }
    return SRX_OK;
}

int srx_arrhenius_fit_flank(size_t n, const double *temperature_k, const double *rate_per_s,
                            const double *rate_err_per_s, double tmin_k, double tmax_k,
                            srx_flank_side side, srx_flank_result *result, srx_diag *diag)
{
    double *buf, *x, *y, *s = NULL, c[2] = {0, 0}, cov[4] = {0, 0, 0, 0}, sgn, tlo = INFINITY, thi = -INFINITY;
    size_t i, m = 0;
    srx_fit_summary sum;
    line lf;
    int status;

    if (!result)
        return srxi_fail(diag, SRX_EINVAL, "arrhenius: NULL result");
    status = check_rate_arrays(n, temperature_k, rate_per_s, rate_err_per_s, "rate_per_s", diag);
    if (status)
        return status;
    if (isnan(tmin_k) || isnan(tmax_k))
        return srxi_fail(diag, SRX_EINVAL, "arrhenius: NaN temperature range");
    if (tmin_k > tmax_k)
        return srxi_fail(diag, SRX_EDOM, "arrhenius: tmin_k = %g > tmax_k = %g", tmin_k, tmax_k);
    if (side != SRX_FLANK_LOW_T && side != SRX_FLANK_HIGH_T)
        return srxi_fail(diag, SRX_EINVAL, "arrhenius: unknown flank side %d", (int)side);
    for (i = 0; i < n; i++)
        if (temperature_k[i] >= tmin_k && temperature_k[i] <= tmax_k)
            m++;
    if (m < (rate_err_per_s ? 2u : 3u))
        return srxi_fail(diag, SRX_ENODATA, "arrhenius: %zu points in [%g, %g] K, need %d", m,
                         tmin_k, tmax_k, rate_err_per_s ? 2 : 3);
    buf = malloc(3 * m * sizeof *buf);
    if (!buf)
        return srxi_fail(diag, SRX_ENOMEM, "arrhenius: out of memory");
    x = buf;
    y = buf + m;
    if (rate_err_per_s)
        s = buf + 2 * m;
    m = 0;
    for (i = 0; i < n; i++) {
        if (!(temperature_k[i] >= tmin_k && temperature_k[i] <= tmax_k))
            continue;
        /* x = 1/(kB T) in eV^-1: the slope is then an energy in eV */
        x[m] = 1.0 / (KB * temperature_k[i]);
        y[m] = log(rate_per_s[i]);
        if (s)
            s[m] = rate_err_per_s[i] / rate_per_s[i];
        if (temperature_k[i] < tlo)
            tlo = temperature_k[i];
        if (temperature_k[i] > thi)
            thi = temperature_k[i];
        m++;
    }
    if (!(thi > tlo)) {
        free(buf);
        return srxi_fail(diag, SRX_ESINGULAR, "arrhenius: all points at one temperature");
    }
    {
        /* closed-form start (unit weights are fine for a start) */
        double *one = buf + 2 * m;
        if (!s)
            for (i = 0; i < m; i++)
                one[i] = 1.0;
        if (line_fit(x, y, s ? s : one, 0, m - 1, &lf)) {
            free(buf);
            return srxi_fail(diag, SRX_ESINGULAR, "arrhenius: degenerate abscissae");
        }
    }
    /* start from the closed form: the engine confirms the minimum (its
     * Newton-decrement test) and computes the covariance */
    status = engine_line(m, x, y, s, lf.c0, lf.c1, c, cov, &sum, diag);
    free(buf);
    if (status && status != SRX_ENOCONV)
        return status;
    sgn = side == SRX_FLANK_LOW_T ? -1.0 : 1.0; /* ln R = ln A - Ea x (low), + Ea x (high) */
    memset(result, 0, sizeof *result);
    result->ea_ev = sgn * c[1];
    result->ea_err_ev = sqrt(cov[3]);
    result->ln_prefactor = c[0];
    result->ln_prefactor_err = sqrt(cov[0]);
    result->prefactor_per_s = exp(c[0]);
    result->prefactor_err_per_s = result->prefactor_per_s * result->ln_prefactor_err;
    result->correlation = sgn * cov[1] / sqrt(cov[0] * cov[3]);
    result->tmin_k = tlo;
    result->tmax_k = thi;
    result->n_points = (int)m;
    result->dof = sum.dof;
    result->chi2 = sum.chi2;
    result->reduced_chi2 = sum.reduced_chi2;
    result->weighted = rate_err_per_s != NULL;
    result->covariance_scaled = sum.covariance_scaled;
    result->side = side;
    result->auto_range = 0;
    return status;
}

static int cmp_double(const void *a, const void *b)
{
    double p = *(const double *)a, q = *(const double *)b;
    return (p > q) - (p < q);
}

/* Robust noise level of y along a smooth curve: second differences of
 * unevenly spaced points are made local by the divided-difference weights;
 * for equally spaced points var(y[i-1] - 2 y[i] + y[i+1]) = 6 sigma^2. */
static double robust_sigma(const double *x, const double *y, size_t n, double *scratch)
{
    size_t i, k = 0;
    for (i = 1; i + 1 < n; i++) {
        double h1 = x[i] - x[i - 1], h2 = x[i + 1] - x[i];
        /* residual of y[i] from the chord of its neighbours, normalised to unit variance factor */
        double a = h2 / (h1 + h2), b = h1 / (h1 + h2);
        double d = y[i] - a * y[i - 1] - b * y[i + 1];
        double f = sqrt(1.0 + a * a + b * b);
        if (!(h1 != 0 && h2 != 0))
            continue;
        scratch[k++] = fabs(d) / f;
    }
    if (k == 0)
        return 0.0;
    qsort(scratch, k, sizeof *scratch, cmp_double);
    return (k % 2 ? scratch[k / 2] : 0.5 * (scratch[k / 2 - 1] + scratch[k / 2])) / 0.6744897502;
}

/* chi2 of a weighted polynomial fit of degree deg (1..3) over [a, b]; x
 * centred and scaled to [-1, 1] for conditioning; normal equations solved
 * by Gaussian elimination with partial pivoting.  -1 when degenerate. */
static double poly_chi2(const double *x, const double *y, const double *s, size_t a, size_t b,
                        int deg)
{
    double xm = 0, xs = 0, A[4][5], chi2 = 0, c[4];
    size_t i;
    int r, k, q, np = deg + 1;
    if (b + 1 < a + (size_t)np + 1)
        return -1;
    for (i = a; i <= b; i++)
        xm += x[i];
    xm /= (double)(b - a + 1);
    for (i = a; i <= b; i++)
        xs = fmax(xs, fabs(x[i] - xm));
    if (!(xs > 0))
        return -1;
    memset(A, 0, sizeof A);
    for (i = a; i <= b; i++) {
        double u = (x[i] - xm) / xs, w = 1.0 / (s[i] * s[i]), pw[4];
        pw[0] = 1;
        for (k = 1; k < np; k++)
            pw[k] = pw[k - 1] * u;
        for (r = 0; r < np; r++) {
            for (k = 0; k < np; k++)
                A[r][k] += w * pw[r] * pw[k];
            A[r][np] += w * pw[r] * y[i];
        }
    }
    for (k = 0; k < np; k++) {
        int piv = k;
        for (r = k + 1; r < np; r++)
            if (fabs(A[r][k]) > fabs(A[piv][k]))
                piv = r;
        if (!(fabs(A[piv][k]) > 1e-12 * fabs(A[0][0])))
            return -1;
        if (piv != k)
            for (q = 0; q <= np; q++) {
                double tmp = A[k][q];
                A[k][q] = A[piv][q];
                A[piv][q] = tmp;
            }
        for (r = k + 1; r < np; r++) {
            double f = A[r][k] / A[k][k];
            for (q = k; q <= np; q++)
                A[r][q] -= f * A[k][q];
        }
    }
    for (k = np - 1; k >= 0; k--) {
        double v = A[k][np];
        for (q = k + 1; q < np; q++)
            v -= A[k][q] * c[q];
        c[k] = v / A[k][k];
    }
    for (i = a; i <= b; i++) {
        double u = (x[i] - xm) / xs, m = 0, p = 1;
        for (k = 0; k < np; k++) {
            m += c[k] * p;
            p *= u;
        }
        m = (y[i] - m) / s[i];
        chi2 += m * m;
    }
    return chi2;
}

/* Is the window [a, b] a straight line?  chi2 consistent with its dof
 * (upper tail > 0.01) and no significant curvature: adding a quadratic term
 * lowers chi2 by less than 4 (a 2-sigma curvature; under a straight line
 * the decrease is chi2(1)-distributed), adding quadratic and cubic terms
 * by less than 6 (chi2(2), p = 0.05).  The curvature tests are what stop
 * the slow bending into the top or into the background, which no single
 * point reveals; the cubic catches the S shape of a window that bends at
 * both ends (background below, top above), where a quadratic term
 * cancels. */
static int window_straight(const double *x, const double *y, const double *s, size_t a, size_t b)
{
    line lf;
    double q;
    if (line_fit(x, y, s, a, b, &lf))
        return 0;
    if (lf.n > 2 && !(gsl_cdf_chisq_Q(lf.chi2, (double)(lf.n - 2)) > 0.01))
        return 0;
    q = poly_chi2(x, y, s, a, b, 2);
    if (q >= 0 && lf.chi2 - q >= 4.0)
        return 0;
    q = poly_chi2(x, y, s, a, b, 3);
    if (q >= 0 && lf.chi2 - q >= 6.0)
        return 0;
    return 1;
}

#define FLANK_KAPPA 0.5

int srx_arrhenius_find_flank(size_t n, const double *temperature_k, const double *rate_per_s,
                             const double *rate_err_per_s, srx_flank_side side,
                             srx_flank_result *result, srx_diag *diag)
{
    tpoint *pt;
    double *x, *y, *s, *scr, sgn, best = -INFINITY, sig0 = 0;
    size_t i, imax = 0, lo, hi, m, w, a = 0, b = 0, seed = 0;
    int status;

    if (!result)
        return srxi_fail(diag, SRX_EINVAL, "arrhenius: NULL result");
    status = check_rate_arrays(n, temperature_k, rate_per_s, rate_err_per_s, "rate_per_s", diag);
    if (status)
        return status;
    if (side != SRX_FLANK_LOW_T && side != SRX_FLANK_HIGH_T)
        return srxi_fail(diag, SRX_EINVAL, "arrhenius: unknown flank side %d", (int)side);
    if (n < 4)
        return srxi_fail(diag, SRX_ENODATA, "arrhenius: %zu points, need at least 4", n);
    pt = malloc(n * sizeof *pt + (4 * n + 5 * (n + 1)) * sizeof(double));
    if (!pt)
        return srxi_fail(diag, SRX_ENOMEM, "arrhenius: out of memory");
    x = (double *)(pt + n);
    y = x + n;
    s = y + n;
    scr = s + n;
    for (i = 0; i < n; i++) {
        pt[i].t = temperature_k[i];
        pt[i].r = rate_per_s[i];
        pt[i].e = rate_err_per_s ? rate_err_per_s[i] : 0.0;
    }
    qsort(pt, n, sizeof *pt, cmp_tpoint);
    for (i = 0; i < n; i++) {
        x[i] = 1.0 / (KB * pt[i].t);
        y[i] = log(pt[i].r);
        if (pt[i].r > pt[imax].r)
            imax = i;
    }
    /* the side: indices [lo, hi] (the maximum itself excluded) */
    if (side == SRX_FLANK_LOW_T) {
        lo = 0;
        hi = imax;
        m = imax;
    } else {
        lo = imax + 1;
        hi = n;
        m = n - imax - 1;
    }
    if (m < 3) {
        double tpk = pt[imax].t;
        free(pt);
        return srxi_fail(diag, SRX_ENODATA,
                         "arrhenius: %zu points on the %s side of the maximum at %g K, need 3", m,
                         side == SRX_FLANK_LOW_T ? "low-temperature" : "high-temperature", tpk);
    }
    hi = lo + m - 1;
    if (rate_err_per_s) {
        for (i = 0; i < n; i++)
            s[i] = pt[i].e / pt[i].r;
    } else {
        /* noise from the whole curve (x decreasing with i: flip sign is irrelevant) */
        sig0 = robust_sigma(x, y, n, scr);
        if (!(sig0 > 0))
            sig0 = 1e-6; /* noiseless data: any deviation from a line ends the flank */
        for (i = 0; i < n; i++)
            s[i] = sig0;
    }
    sgn = side == SRX_FLANK_LOW_T ? -1.0 : 1.0;
    /* 2. seed: steepest window of w points */
    /* shortest window: m/8 points, at least 5 (3 on short sides), at most
     * m/2.  Growing with m keeps the maximum over the O(m^2) windows from
     * picking an upward noise fluctuation of a short window when the
     * sampling is dense. */
    w = m / 8;
    if (w < 5)
        w = 5;
    if (w > m / 2)
        w = m / 2;
    if (w < 3)
        w = 3;
    for (i = lo; i + w - 1 <= hi; i++) {
        line lf;
        if (line_fit(x, y, s, i, i + w - 1, &lf))
            continue;
        if (sgn * lf.c1 > best) {
            best = sgn * lf.c1;
            seed = i;
        }
    }
    if (best == -INFINITY) {
        free(pt);
        return srxi_fail(diag, SRX_ESINGULAR, "arrhenius: degenerate temperatures");
    }
    (void)seed;
    /* 3. the window: of all straight windows of at least w points, the one
     * with the largest lower confidence bound Ea - kappa u(Ea).  Both a
     * background and the top bend the flank to smaller slopes, so a
     * longer window trades bias (lower Ea) against precision (smaller
     * u(Ea)); maximising the bound stops where the bias added by one more
     * point exceeds kappa times the precision it brings, so the bias stays
     * at the level of the reported uncertainty. */
    {
        /* prefix sums of w, w x, w x^2 (x centred): O(1) slope per window */
        double bestl = -INFINITY, xc = 0.5 * (x[0] + x[n - 1]);
        double *ps = scr + n; /* 5 (n + 1) doubles */
        size_t i2;
        for (i = 0; i < 5; i++)
            ps[i] = 0;
        for (i = 0; i < n; i++) {
            double wt = 1.0 / (s[i] * s[i]), u = x[i] - xc, *q0 = ps + 5 * i, *q1 = q0 + 5;
            q1[0] = q0[0] + wt;
            q1[1] = q0[1] + wt * u;
            q1[2] = q0[2] + wt * u * u;
            q1[3] = q0[3] + wt * y[i];
            q1[4] = q0[4] + wt * u * y[i];
        }
        for (i = lo; i + w - 1 <= hi; i++) {
            for (i2 = i + w - 1; i2 <= hi; i2++) {
                const double *q0 = ps + 5 * i, *q1 = ps + 5 * (i2 + 1);
                double l, sw = q1[0] - q0[0], sx = q1[1] - q0[1], sxx = q1[2] - q0[2],
                          sy = q1[3] - q0[3], sxy = q1[4] - q0[4], det = sw * sxx - sx * sx;
                if (!(det > 1e-14 * sw * sxx))
                    continue;
                /* lower bound slope - kappa u(slope), u^2 = sw / det */
                l = sgn * (sw * sxy - sx * sy) / det - FLANK_KAPPA * sqrt(sw / det);
                if (!(l > bestl))
                    continue;
                if (!window_straight(x, y, s, i, i2))
                    continue;
                bestl = l;
                a = i;
                b = i2;
            }
        }
        if (bestl == -INFINITY) {
            a = seed;
            b = seed + w - 1;
        }
    }
    {
        double tlo = pt[a].t, thi = pt[b].t, *se = NULL;
        free(pt);
        if (!rate_err_per_s) {
            /* without errors: weights from the noise level of the whole
             * curve (far more stable than the scatter of a short window) */
            se = malloc(n * sizeof *se);
            if (!se)
                return srxi_fail(diag, SRX_ENOMEM, "arrhenius: out of memory");
            for (i = 0; i < n; i++)
                se[i] = sig0 * rate_per_s[i];
        }
        status = srx_arrhenius_fit_flank(n, temperature_k, rate_per_s,
                                         rate_err_per_s ? rate_err_per_s : se, tlo, thi, side,
                                         result, diag);
        free(se);
    }
    if (status == SRX_OK || status == SRX_ENOCONV) {
        result->auto_range = 1;
        result->weighted = rate_err_per_s != NULL;
    }
    return status;
}

/* ====================================================================== */
/* Conductivity                                                           */

int srx_arrhenius_fit_conductivity(size_t n, const double *temperature_k,
                                   const double *conductivity_s_per_m,
                                   const double *conductivity_err_s_per_m,
                                   srx_conductivity_result *result, srx_diag *diag)
{
    double *st, *se = NULL;
    srx_flank_result fr;
    size_t i;
    int status;
    if (!result)
        return srxi_fail(diag, SRX_EINVAL, "arrhenius: NULL result");
    status = check_rate_arrays(n, temperature_k, conductivity_s_per_m, conductivity_err_s_per_m,
                               "conductivity_s_per_m", diag);
    if (status)
        return status;
    st = malloc(2 * (n ? n : 1) * sizeof *st);
    if (!st)
        return srxi_fail(diag, SRX_ENOMEM, "arrhenius: out of memory");
    if (conductivity_err_s_per_m)
        se = st + n;
    /* sigma T and its error: the relative error is that of sigma */
    for (i = 0; i < n; i++) {
        st[i] = conductivity_s_per_m[i] * temperature_k[i];
        if (se)
            se[i] = conductivity_err_s_per_m[i] * temperature_k[i];
    }
    status = srx_arrhenius_fit_flank(n, temperature_k, st, se, 0.0, INFINITY, SRX_FLANK_LOW_T, &fr,
                                     diag);
    free(st);
    if (status && status != SRX_ENOCONV)
        return status;
    memset(result, 0, sizeof *result);
    result->kink = 0;
    result->ea_ev = fr.ea_ev;
    result->ea_err_ev = fr.ea_err_ev;
    result->prefactor_s_k_per_m = fr.prefactor_per_s;
    result->prefactor_err_s_k_per_m = fr.prefactor_err_per_s;
    result->ea_low_ev = result->ea_high_ev = fr.ea_ev;
    result->ea_low_err_ev = result->ea_high_err_ev = fr.ea_err_ev;
    result->crossover_k = NAN;
    result->crossover_err_k = NAN;
    result->ngai_n = NAN;
    result->chi2 = fr.chi2;
    result->reduced_chi2 = fr.reduced_chi2;
    result->dof = fr.dof;
    result->n_points = fr.n_points;
    result->converged = status == SRX_OK;
    result->covariance_scaled = fr.covariance_scaled;
    result->param[0] = fr.ln_prefactor;
    result->param[1] = fr.ea_ev;
    result->covariance[0] = fr.ln_prefactor_err * fr.ln_prefactor_err;
    result->covariance[5] = fr.ea_err_ev * fr.ea_err_ev;
    result->covariance[1] = result->covariance[4] =
        fr.correlation * fr.ln_prefactor_err * fr.ea_err_ev;
    return status;
}

/* Kink model in x = 1/T (K^-1):
 *   y = yc - (eh/kB)(x - xc) - ((el - eh)/kB) softplus_h(x - xc)
 * with softplus_h(d) = h ln(1 + exp(d/h)) -> max(d, 0) as h -> 0. */
typedef struct kink_ctx {
    const double *x;
    double h;
} kink_ctx;

static double softplus(double d, double h, double *dsp)
{
    double z = d / h;
    if (z > 40) {
        *dsp = 1.0;
        return d;
    }
    if (z < -40) {
        *dsp = exp(z);
        return h * exp(z);
    }
    *dsp = 1.0 / (1.0 + exp(-z));
    return h * log1p(exp(z));
}

static int kink_eval(const double *p, size_t np, size_t n, double *m, double *jac, void *user)
{
    const kink_ctx *c = user;
    size_t i;
    (void)np;
    for (i = 0; i < n; i++) {
        double d = c->x[i] - p[3], dsp, sp = softplus(d, c->h, &dsp);
        m[i] = p[0] - p[2] / KB * d - (p[1] - p[2]) / KB * sp;
        if (jac) {
            double *row = jac + 4 * i;
            row[0] = 1.0;
            row[1] = -sp / KB;
            row[2] = -d / KB + sp / KB;
            row[3] = p[2] / KB + (p[1] - p[2]) / KB * dsp;
        }
    }
    return 0;
}

int srx_arrhenius_fit_kink(size_t n, const double *temperature_k,
                           const double *conductivity_s_per_m,
                           const double *conductivity_err_s_per_m,
                           srx_conductivity_result *result, srx_diag *diag)
{
    tpoint *pt;
    double *x, *y, *s, *one, bestchi = INFINITY, bestp[4], bestcov[16], minsp = INFINITY;
    srx_fit *fit = NULL;
    srx_fit_model model;
    srx_fit_summary bestsum;
    kink_ctx ctx;
    size_t i, k;
    int status, beststatus = SRX_ENOCONV, have = 0;

    if (!result)
        return srxi_fail(diag, SRX_EINVAL, "arrhenius: NULL result");
    status = check_rate_arrays(n, temperature_k, conductivity_s_per_m, conductivity_err_s_per_m,
                               "conductivity_s_per_m", diag);
    if (status)
        return status;
    if (n < (conductivity_err_s_per_m ? 5u : 6u))
        return srxi_fail(diag, SRX_ENODATA, "arrhenius: kink fit of %zu points, need %d", n,
                         conductivity_err_s_per_m ? 5 : 6);
    pt = malloc(n * sizeof *pt + 4 * n * sizeof(double));
    if (!pt)
        return srxi_fail(diag, SRX_ENOMEM, "arrhenius: out of memory");
    x = (double *)(pt + n);
    y = x + n;
    s = y + n;
    one = s + n;
    for (i = 0; i < n; i++) {
        pt[i].t = temperature_k[i];
        pt[i].r = conductivity_s_per_m[i] * temperature_k[i];
        pt[i].e = conductivity_err_s_per_m ? conductivity_err_s_per_m[i] * temperature_k[i] : 0;
    }
    qsort(pt, n, sizeof *pt, cmp_tpoint);
    /* ascending T: x = 1/T descending */
    for (i = 0; i < n; i++) {
        x[i] = 1.0 / pt[i].t;
        y[i] = log(pt[i].r);
        s[i] = conductivity_err_s_per_m ? pt[i].e / pt[i].r : 1.0;
        one[i] = 1.0;
        if (i && x[i - 1] - x[i] > 0 && x[i - 1] - x[i] < minsp)
            minsp = x[i - 1] - x[i];
    }
    if (!(minsp < INFINITY)) {
        free(pt);
        return srxi_fail(diag, SRX_ESINGULAR, "arrhenius: all points at one temperature");
    }
    ctx.x = x;
    ctx.h = 1e-3 * minsp; /* far below the spacing: the hinge is sharp between points */
    model.eval = kink_eval;
    model.user = &ctx;
    model.has_jacobian = 1;
    status = srx_fit_alloc(&fit, n, 4, 0, diag);
    if (status) {
        free(pt);
        return status;
    }
    /* starts: break between points k and k+1, two points at least on each side */
    for (k = 1; k + 2 < n; k++) {
        line lo, hi;
        srx_fit_param p[4];
        srx_fit_summary sum;
        double cov[16], xc = 0.5 * (x[k] + x[k + 1]);
        int st;
        if (!(x[k] > x[k + 1]))
            continue;
        /* low T = large x = indices 0..k; high T = k+1..n-1 */
        if (line_fit(x, y, s, 0, k, &lo) || line_fit(x, y, s, k + 1, n - 1, &hi))
            continue;
        srx_fit_param_init(&p[0], 0.5 * (lo.c0 + lo.c1 * xc + hi.c0 + hi.c1 * xc));
        srx_fit_param_init(&p[1], -lo.c1 * KB);
        srx_fit_param_init(&p[2], -hi.c1 * KB);
        srx_fit_param_init(&p[3], xc);
        /* the crossover stays inside the data */
        p[3].has_lower = p[3].has_upper = 1;
        p[3].lower = x[n - 1];
        p[3].upper = x[0];
        st = srx_fit_run(fit, &model, n, y, conductivity_err_s_per_m ? s : NULL, p, NULL, &sum,
                         cov, NULL);
        if (st != SRX_OK && st != SRX_ENOCONV && st != SRX_ESINGULAR)
            continue;
        if (sum.chi2 < bestchi) {
            bestchi = sum.chi2;
            for (i = 0; i < 4; i++)
                bestp[i] = p[i].value;
            memcpy(bestcov, cov, sizeof cov);
            bestsum = sum;
            beststatus = st;
            have = 1;
        }
    }
    srx_fit_free(fit);
    free(pt);
    if (!have)
        return srxi_fail(diag, SRX_ENOCONV, "arrhenius: kink fit failed from every start");
    memset(result, 0, sizeof *result);
    result->kink = 1;
    result->ea_low_ev = bestp[1];
    result->ea_low_err_ev = sqrt(bestcov[5]);
    result->ea_high_ev = bestp[2];
    result->ea_high_err_ev = sqrt(bestcov[10]);
    result->crossover_k = 1.0 / bestp[3];
    result->crossover_err_k = sqrt(bestcov[15]) / (bestp[3] * bestp[3]);
    /* low-T prefactor: ln A = yc + (el/kB) xc */
    result->prefactor_s_k_per_m = exp(bestp[0] + bestp[1] / KB * bestp[3]);
    {
        /* var(yc + el xc / kB) with xc fixed-point linearisation */
        double g[4] = {1.0, bestp[3] / KB, 0.0, bestp[1] / KB}, v = 0;
        int r, c;
        for (r = 0; r < 4; r++)
            for (c = 0; c < 4; c++)
                v += g[r] * bestcov[4 * r + c] * g[c];
        result->prefactor_err_s_k_per_m = result->prefactor_s_k_per_m * sqrt(v);
    }
    result->ea_ev = NAN;
    result->ea_err_ev = NAN;
    result->ngai_n = (bestp[2] > 0 && bestp[2] <= bestp[1]) ? 1.0 - bestp[2] / bestp[1] : NAN;
    result->chi2 = bestsum.chi2;
    result->reduced_chi2 = bestsum.reduced_chi2;
    result->dof = bestsum.dof;
    result->n_points = (int)n;
    result->converged = bestsum.converged;
    result->covariance_scaled = bestsum.covariance_scaled;
    memcpy(result->param, bestp, sizeof bestp);
    memcpy(result->covariance, bestcov, sizeof bestcov);
    result->hinge_width_per_k = ctx.h;
    if (beststatus == SRX_ESINGULAR)
        return srxi_fail(diag, SRX_ESINGULAR, "arrhenius: kink parameters not determined");
    if (beststatus == SRX_ENOCONV)
        return srxi_fail(diag, SRX_ENOCONV, "arrhenius: kink fit did not converge");
    return SRX_OK;
}

int srx_arrhenius_conductivity_at(const srx_conductivity_result *r, double temperature_k,
                                  double *sigma_s_per_m, double *sigma_err_s_per_m,
                                  srx_diag *diag)
{
    double x, y, g[4] = {0.0, 0.0, 0.0, 0.0}, v = 0.0;
    int i, j;
    if (!r || !sigma_s_per_m)
        return srxi_fail(diag, SRX_EINVAL, "arrhenius: NULL argument");
    if (!srxi_isfinite(temperature_k) || !(temperature_k > 0.0))
        return srxi_fail(diag, SRX_EINVAL, "arrhenius: temperature %g K must be > 0",
                         temperature_k);
    for (i = 0; i < 4; i++)
        if (!srxi_isfinite(r->param[i]))
            return srxi_fail(diag, SRX_EINVAL, "arrhenius: conductivity result parameter %d is "
                             "not finite", i);
    x = 1.0 / temperature_k;
    if (!r->kink) {
        y = r->param[0] - r->param[1] / KB * x;
        g[0] = 1.0;
        g[1] = -x / KB;
    } else {
        double d = x - r->param[3], h = r->hinge_width_per_k, dsp = d > 0.0 ? 1.0 : 0.0;
        double sp = h > 0.0 ? softplus(d, h, &dsp) : fmax(d, 0.0); /* h = 0: sharp */
        y = r->param[0] - r->param[2] / KB * d - (r->param[1] - r->param[2]) / KB * sp;
        g[0] = 1.0;
        g[1] = -sp / KB;
        g[2] = -(d - sp) / KB;
        g[3] = r->param[2] / KB + (r->param[1] - r->param[2]) / KB * dsp;
    }
    *sigma_s_per_m = exp(y) / temperature_k;
    if (sigma_err_s_per_m) {
        for (i = 0; i < 4; i++)
            for (j = 0; j < 4; j++)
                v += g[i] * r->covariance[4 * i + j] * g[j];
        *sigma_err_s_per_m = *sigma_s_per_m * sqrt(fmax(v, 0.0));
    }
    return SRX_OK;
}

/* ====================================================================== */
/* Global peak fit                                                        */

#define MAX_GROUPS 16
#define MAX_CAND 512

typedef struct group {
    srx_rate_kind kind;
    double nu0, nu1;
    size_t first, count;   /* in the sorted order */
    int interior;          /* the maximum is not at an end */
    int rising;            /* flank-only: 1 if rates rise with T (low-T flank) */
    size_t imax;           /* index of the maximum (sorted) */
    double t_peak, r_peak; /* parabolic estimate of the maximum */
    double s_low, s_high;  /* steepest flank energies (eV), NaN if none */
} group;

typedef struct spoint {
    int g;                /* group */
    double t, r;
    size_t orig;
} spoint;

struct srx_peakfit {
    size_t max_points;
    srx_fit *fit;
    /* per point, in caller order */
    srx_rate_kind *kind;
    double *t, *nu0, *nu1, *y, *sig, *m, *ystar, *res;
    spoint *sp;
    double *cand;          /* MAX_CAND x (NP + 1): chi2 then the parameters */
    double *jac;           /* n x NP Jacobian at the solution */
    gsl_matrix *a, *v;     /* SVD of the reparametrised weighted Jacobian */
    gsl_vector *sv, *work;
    gsl_rng *rng;          /* bootstrap resampling (seeded per run) */
};

typedef struct peak_ctx {
    const srx_peakfit *pf;
    srx_rate_model base;
} peak_ctx;

static void params_to_model(const double *p, const srx_rate_model *base, srx_rate_model *m)
{
    int q;
    *m = *base;
    for (q = 0; q < base->n_processes; q++) {
        m->process[q].ea_ev = p[SRX_RATES_P_EA(q)];
        m->process[q].tau0_s = p[SRX_RATES_P_TAU0(q)];
        m->process[q].shape = p[SRX_RATES_P_SHAPE(q)];
        m->process[q].coupling_per_s2 = p[SRX_RATES_P_COUPLING(q)];
    }
    m->background_r1.amplitude = p[SRX_RATES_P_BG_R1_AMPLITUDE];
    m->background_r1rho.amplitude = p[SRX_RATES_P_BG_R1RHO_AMPLITUDE];
    if (m->background_r1.kind == SRX_BACKGROUND_ARRHENIUS)
        m->background_r1.ea_ev = p[SRX_RATES_P_BG_R1_SECOND];
    else
        m->background_r1.exponent = p[SRX_RATES_P_BG_R1_SECOND];
    if (m->background_r1rho.kind == SRX_BACKGROUND_ARRHENIUS)
        m->background_r1rho.ea_ev = p[SRX_RATES_P_BG_R1RHO_SECOND];
    else
        m->background_r1rho.exponent = p[SRX_RATES_P_BG_R1RHO_SECOND];
}

/* m_i = ln R_model(T_i), J_ij = (dR/dp_j) / R */
static int peak_eval(const double *p, size_t np, size_t n, double *m, double *jac, void *user)
{
    const peak_ctx *c = user;
    const srx_peakfit *pf = c->pf;
    srx_rate_model model;
    double grad[NP];
    size_t i;
    int j;
    (void)np;
    params_to_model(p, &c->base, &model);
    for (i = 0; i < n; i++) {
        double r;
        int st = srx_rates_eval(&model, pf->kind[i], pf->t[i], pf->nu0[i], pf->nu1[i], &r,
                                jac ? grad : NULL, NULL);
        if (st || !(r > 0)) {
            m[i] = NAN;
            if (jac)
                for (j = 0; j < NP; j++)
                    jac[i * NP + j] = 0.0;
            continue;
        }
        m[i] = log(r);
        if (jac)
            for (j = 0; j < NP; j++)
                jac[i * NP + j] = grad[j] / r;
    }
    return 0;
}

void srx_peakfit_options_init(srx_peakfit_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->model = SRX_SPECTRAL_ASYMMETRIC;
    opts->n_processes = 1;
    opts->background = SRX_BACKGROUND_POWERLAW;
    opts->n_bootstrap = 0;
    opts->seed = 12345;
    opts->profile_ea = 0;
    opts->max_starts = 4;
    opts->max_iter = 200;
}

void srx_peakfit_free(srx_peakfit *pf)
{
    if (!pf)
        return;
    srx_fit_free(pf->fit);
    free(pf->kind);
    free(pf->t);
    free(pf->sp);
    free(pf->cand);
    free(pf->jac);
    if (pf->a)
        gsl_matrix_free(pf->a);
    if (pf->v)
        gsl_matrix_free(pf->v);
    if (pf->sv)
        gsl_vector_free(pf->sv);
    if (pf->work)
        gsl_vector_free(pf->work);
    if (pf->rng)
        gsl_rng_free(pf->rng);
    free(pf);
}

int srx_peakfit_alloc(srx_peakfit **out, size_t max_points, srx_diag *diag)
{
    srx_peakfit *pf;
    size_t n = max_points;
    int status;
    if (!out)
        return srxi_fail(diag, SRX_EINVAL, "peakfit: NULL output pointer");
    *out = NULL;
    if (max_points == 0)
        return srxi_fail(diag, SRX_EINVAL, "peakfit: max_points = 0");
    if (max_points > ((size_t)1 << 28))
        return srxi_fail(diag, SRX_ENOMEM, "peakfit: max_points = %zu too large", max_points);
    pf = calloc(1, sizeof *pf);
    if (!pf)
        return srxi_fail(diag, SRX_ENOMEM, "peakfit: out of memory");
    pf->max_points = n;
    pf->kind = malloc(n * sizeof *pf->kind);
    pf->t = malloc(8 * n * sizeof *pf->t);
    pf->sp = malloc(n * sizeof *pf->sp);
    pf->cand = malloc((size_t)MAX_CAND * (NP + 1) * sizeof *pf->cand);
    pf->jac = malloc(n * NP * sizeof *pf->jac);
    pf->a = gsl_matrix_alloc(n < NP ? NP : n, NP);
    pf->v = gsl_matrix_alloc(NP, NP);
    pf->sv = gsl_vector_alloc(NP);
    pf->work = gsl_vector_alloc(NP);
    pf->rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!pf->rng ||!pf->kind || !pf->t || !pf->sp || !pf->cand || !pf->jac || !pf->a || !pf->v || !pf->sv ||
        !pf->work) {
        srx_peakfit_free(pf);
        return srxi_fail(diag, SRX_ENOMEM, "peakfit: out of memory");
    }
    pf->nu0 = pf->t + n;
    pf->nu1 = pf->t + 2 * n;
    pf->y = pf->t + 3 * n;
    pf->sig = pf->t + 4 * n;
    pf->m = pf->t + 5 * n;
    pf->ystar = pf->t + 6 * n;
    pf->res = pf->t + 7 * n;
    status = srx_fit_alloc(&pf->fit, n < NP ? NP : n, NP, 0, diag);
    if (status) {
        srx_peakfit_free(pf);
        return status;
    }
    *out = pf;
    return SRX_OK;
}

static int cmp_spoint(const void *a, const void *b)
{
    const spoint *p = a, *q = b;
    if (p->g != q->g)
        return p->g - q->g;
    return (p->t > q->t) - (p->t < q->t);
}

/* Default domain of the shape of each model (open interval). */
static void shape_domain(srx_spectral_kind k, double *lo, double *hi)
{
    /* the engine's two-sided bounds are closed: keep the lower ends inside
     * the models' open domains (beta > 1, eps > 0, alpha > 0) */
    switch (k) {
    case SRX_SPECTRAL_ASYMMETRIC: *lo = 1.001; *hi = 2.0; break;
    case SRX_SPECTRAL_COLE_DAVIDSON:
    case SRX_SPECTRAL_COLE_COLE: *lo = 0.001; *hi = 1.0; break;
    case SRX_SPECTRAL_GAUSS_EA: *lo = 0.0; *hi = 1.0; break;
    default: *lo = -1.0; *hi = 1.0; break;
    }
}

/* Trial shapes of the multi-start. */
static int shape_grid(srx_spectral_kind k, double *s)
{
    switch (k) {
    case SRX_SPECTRAL_ASYMMETRIC: s[0] = 1.3; s[1] = 1.6; s[2] = 1.9; return 3;
    case SRX_SPECTRAL_COLE_DAVIDSON: s[0] = 0.3; s[1] = 0.6; s[2] = 0.9; return 3;
    case SRX_SPECTRAL_COLE_COLE: s[0] = 0.5; s[1] = 0.75; s[2] = 0.95; return 3;
    case SRX_SPECTRAL_GAUSS_EA: s[0] = 0.02; s[1] = 0.06; s[2] = 0.12; return 3;
    default: s[0] = 0.0; return 1;
    }
}

/* Ea from a low-T (dir 0) or high-T (dir 1) flank energy for a shape. */
static double ea_from_flank(srx_spectral_kind k, double shape, double slope, int high)
{
    switch (k) {
    case SRX_SPECTRAL_ASYMMETRIC: return high ? slope : slope / (shape - 1.0);
    case SRX_SPECTRAL_COLE_DAVIDSON: return high ? slope : slope / shape;
    case SRX_SPECTRAL_COLE_COLE: return slope / shape;
    default: return slope;
    }
}

/* Rate with K = 1 of a single process at tau, shape, for a group at T. */
static double unit_rate(srx_spectral_kind k, double shape, const group *g, double t, double tau)
{
    srx_rate_model m;
    double r;
    srx_rate_model_init(&m);
    m.n_processes = 1;
    m.process[0].kind = k;
    m.process[0].ea_ev = 0.0;
    m.process[0].tau0_s = tau;
    m.process[0].shape = shape;
    m.process[0].coupling_per_s2 = 1.0;
    if (srx_rates_eval(&m, g->kind, t, g->nu0, g->nu1, &r, NULL, NULL))
        return NAN;
    return r;
}

/* tau at which the group's rate is maximal (grid + golden section in ln tau). */
static double tau_at_peak(srx_spectral_kind k, double shape, const group *g, double t)
{
    double w = 2.0 * SRXI_PI * (g->kind == SRX_RATE_R1 ? g->nu0 : g->nu1);
    double l0 = log(1e-3 / w), l1 = log(1e3 / w), best = -1, lb = l0, a, b, c1, c2, f1, f2;
    const double gr = 0.6180339887498949;
    int i;
    for (i = 0; i <= 60; i++) {
        double l = l0 + (l1 - l0) * i / 60.0, r = unit_rate(k, shape, g, t, exp(l));
        if (r > best) {
            best = r;
            lb = l;
        }
    }
    a = lb - (l1 - l0) / 60.0;
    b = lb + (l1 - l0) / 60.0;
    c1 = b - gr * (b - a);
    c2 = a + gr * (b - a);
    f1 = unit_rate(k, shape, g, t, exp(c1));
    f2 = unit_rate(k, shape, g, t, exp(c2));
    for (i = 0; i < 30; i++) {
        if (f1 > f2) {
            b = c2;
            c2 = c1;
            f2 = f1;
            c1 = b - gr * (b - a);
            f1 = unit_rate(k, shape, g, t, exp(c1));
        } else {
            a = c1;
            c1 = c2;
            f1 = f2;
            c2 = a + gr * (b - a);
            f2 = unit_rate(k, shape, g, t, exp(c2));
        }
    }
    return exp(0.5 * (a + b));
}

static double cand_chi2(srx_peakfit *pf, const peak_ctx *ctx, size_t n, const double *p)
{
    double chi2 = 0;
    size_t i;
    peak_eval(p, NP, n, pf->m, NULL, (void *)ctx);
    for (i = 0; i < n; i++) {
        double r = (pf->y[i] - pf->m[i]) / pf->sig[i];
        if (!srxi_isfinite(r))
            return INFINITY;
        chi2 += r * r;
    }
    return chi2;
}

/* Push p strictly inside (lo, hi). */
static double inside(double v, int hl, double lo, int hh, double hi)
{
    if (hl && hh) {
        if (!(v > lo && v < hi))
            v = v <= lo ? lo + 0.05 * (hi - lo) : hi - 0.05 * (hi - lo);
        return v;
    }
    if (hl && !(v > lo))
        v = lo + (fabs(lo) > 0 ? 0.05 * fabs(lo) : 0.05);
    if (hh && !(v < hi))
        v = hi - (fabs(hi) > 0 ? 0.05 * fabs(hi) : 0.05);
    return v;
}

/* Set up engine parameters from p (values) with defaults and constraints. */
static void setup_params(srx_fit_param *fp, const double *p, const srx_rate_model *base,
                         const srx_peakfit_options *o, int have_r1, int have_r1rho)
{
    int j, q;
    for (j = 0; j < NP; j++) {
        srx_fit_param_init(&fp[j], p[j]);
        fp[j].fixed = 1;
    }
    for (q = 0; q < base->n_processes; q++) {
        double lo, hi;
        srx_fit_param *e = &fp[SRX_RATES_P_EA(q)], *t = &fp[SRX_RATES_P_TAU0(q)],
                      *s = &fp[SRX_RATES_P_SHAPE(q)], *k = &fp[SRX_RATES_P_COUPLING(q)];
        e->fixed = 0;
        e->has_lower = e->has_upper = 1;
        e->lower = 0.0;
        e->upper = 5.0;
        t->fixed = 0;
        t->log_scale = 1;
        k->fixed = 0;
        k->log_scale = 1;
        if (base->process[q].kind != SRX_SPECTRAL_BPP) {
            shape_domain(base->process[q].kind, &lo, &hi);
            s->fixed = 0;
            s->has_lower = s->has_upper = 1;
            s->lower = lo;
            s->upper = hi;
        }
    }
    if (have_r1 && base->background_r1.kind != SRX_BACKGROUND_NONE) {
        srx_fit_param *a = &fp[SRX_RATES_P_BG_R1_AMPLITUDE], *b = &fp[SRX_RATES_P_BG_R1_SECOND];
        a->fixed = 0;
        a->log_scale = 1;
        b->fixed = 0;
        b->has_lower = b->has_upper = 1;
        b->lower = base->background_r1.kind == SRX_BACKGROUND_POWERLAW ? -2.0 : 0.0;
        b->upper = base->background_r1.kind == SRX_BACKGROUND_POWERLAW ? 12.0 : 2.0;
    }
    if (have_r1rho && base->background_r1rho.kind != SRX_BACKGROUND_NONE) {
        srx_fit_param *a = &fp[SRX_RATES_P_BG_R1RHO_AMPLITUDE],
                      *b = &fp[SRX_RATES_P_BG_R1RHO_SECOND];
        a->fixed = 0;
        a->log_scale = 1;
        b->fixed = 0;
        b->has_lower = b->has_upper = 1;
        b->lower = base->background_r1rho.kind == SRX_BACKGROUND_POWERLAW ? -2.0 : 0.0;
        b->upper = base->background_r1rho.kind == SRX_BACKGROUND_POWERLAW ? 12.0 : 2.0;
    }
    for (j = 0; j < NP; j++) {
        const srx_peakfit_constraint *c = &o->constraint[j];
        if (fp[j].fixed && !c->fixed)
            continue; /* unused parameter */
        if (c->has_lower) {
            fp[j].has_lower = 1;
            fp[j].lower = c->lower;
        }
        if (c->has_upper) {
            fp[j].has_upper = 1;
            fp[j].upper = c->upper;
        }
        if (c->fixed || c->has_guess)
            fp[j].value = c->value;
        if (c->fixed)
            fp[j].fixed = 1;
        if (!fp[j].fixed) {
            int hl = fp[j].has_lower && !(fp[j].log_scale && fp[j].lower <= 0);
            fp[j].value = inside(fp[j].value, hl, fp[j].lower, fp[j].has_upper, fp[j].upper);
        }
    }
}

static int check_options(const srx_peakfit_options *o, srx_diag *diag)
{
    int j;
    if ((int)o->model < 0 || (int)o->model >= SRX_SPECTRAL_NKINDS)
        return srxi_fail(diag, SRX_EINVAL, "peakfit: unknown model %d", (int)o->model);
    if (o->mixed_models)
        for (j = 0; j < o->n_processes && j < SRX_MAX_PROCESSES; j++)
            if ((int)o->process_model[j] < 0 || (int)o->process_model[j] >= SRX_SPECTRAL_NKINDS)
                return srxi_fail(diag, SRX_EINVAL, "peakfit: unknown model %d of process %d",
                                 (int)o->process_model[j], j + 1);
    if (o->n_processes < 1 || o->n_processes > SRX_MAX_PROCESSES)
        return srxi_fail(diag, SRX_EDOM, "peakfit: n_processes = %d outside 1..%d",
                         o->n_processes, SRX_MAX_PROCESSES);
    if (o->background != SRX_BACKGROUND_NONE && o->background != SRX_BACKGROUND_POWERLAW &&
        o->background != SRX_BACKGROUND_ARRHENIUS)
        return srxi_fail(diag, SRX_EINVAL, "peakfit: unknown background kind %d",
                         (int)o->background);
    if (o->n_bootstrap < 0 || o->max_starts < 0 || o->max_iter < 0)
        return srxi_fail(diag, SRX_EDOM, "peakfit: negative n_bootstrap, max_starts or max_iter");
    for (j = 0; j < NP; j++) {
        const srx_peakfit_constraint *c = &o->constraint[j];
        if ((c->fixed || c->has_guess) && !srxi_isfinite(c->value))
            return srxi_fail(diag, SRX_EINVAL, "peakfit: constraint %d: value not finite", j);
        if ((c->has_lower && !srxi_isfinite(c->lower)) ||
            (c->has_upper && !srxi_isfinite(c->upper)))
            return srxi_fail(diag, SRX_EINVAL, "peakfit: constraint %d: bound not finite", j);
        if (c->has_lower && c->has_upper && !(c->lower < c->upper))
            return srxi_fail(diag, SRX_EDOM, "peakfit: constraint %d: lower >= upper", j);
    }
    return SRX_OK;
}

static int check_data(const srx_peakfit *pf, const srx_rate_data *d, srx_diag *diag)
{
    size_t i;
    if (!d->kind || !d->temperature_k || !d->larmor_hz || !d->rate_per_s)
        return srxi_fail(diag, SRX_EINVAL, "peakfit: NULL data array");
    if (d->n > pf->max_points)
        return srxi_fail(diag, SRX_EINVAL, "peakfit: %zu rates exceed the workspace size %zu",
                         d->n, pf->max_points);
    for (i = 0; i < d->n; i++) {
        if (d->kind[i] != SRX_RATE_R1 && d->kind[i] != SRX_RATE_R1RHO)
            return srxi_fail(diag, SRX_EINVAL, "peakfit: rate %zu: unknown kind %d", i,
                             (int)d->kind[i]);
        if (isnan(d->temperature_k[i]) || isnan(d->larmor_hz[i]) || isnan(d->rate_per_s[i]) ||
            (d->rate_err_per_s && isnan(d->rate_err_per_s[i])))
            return srxi_fail(diag, SRX_EINVAL, "peakfit: rate %zu: NaN", i);
        if (!(d->temperature_k[i] > 0) || !srxi_isfinite(d->temperature_k[i]))
            return srxi_fail(diag, SRX_EDOM, "peakfit: rate %zu: temperature_k = %g", i,
                             d->temperature_k[i]);
        if (!(d->larmor_hz[i] > 0) || !srxi_isfinite(d->larmor_hz[i]))
            return srxi_fail(diag, SRX_EDOM, "peakfit: rate %zu: larmor_hz = %g", i,
                             d->larmor_hz[i]);
        if (d->kind[i] == SRX_RATE_R1RHO) {
            if (!d->spinlock_hz)
                return srxi_fail(diag, SRX_EINVAL, "peakfit: T1rho rates need spinlock_hz");
            if (isnan(d->spinlock_hz[i]))
                return srxi_fail(diag, SRX_EINVAL, "peakfit: rate %zu: NaN spinlock_hz", i);
            if (!(d->spinlock_hz[i] > 0) || !srxi_isfinite(d->spinlock_hz[i]))
                return srxi_fail(diag, SRX_EDOM, "peakfit: rate %zu: spinlock_hz = %g", i,
                                 d->spinlock_hz[i]);
        }
        if (!(d->rate_per_s[i] > 0) || !srxi_isfinite(d->rate_per_s[i]))
            return srxi_fail(diag, SRX_EDOM, "peakfit: rate %zu: rate_per_s = %g must be positive",
                             i, d->rate_per_s[i]);
        if (d->rate_err_per_s &&
            (!(d->rate_err_per_s[i] > 0) || !srxi_isfinite(d->rate_err_per_s[i])))
            return srxi_fail(diag, SRX_EDOM, "peakfit: rate %zu: rate_err_per_s = %g", i,
                             d->rate_err_per_s[i]);
    }
    return SRX_OK;
}

/* Steepest flank energy over windows of 3 sorted points of [a, b]; dir -1
 * low-T flank (ln R falls with x = 1/kT), +1 high-T. NaN if < 3 points. */
static double steepest(const spoint *sp, size_t a, size_t b, int high)
{
    double best = NAN, xs[3], ys[3], ss[3] = {1, 1, 1};
    size_t i, j;
    if (b < a + 2)
        return NAN;
    for (i = a; i + 2 <= b; i++) {
        line lf;
        for (j = 0; j < 3; j++) {
            xs[j] = 1.0 / (KB * sp[i + j].t);
            ys[j] = log(sp[i + j].r);
        }
        if (line_fit(xs, ys, ss, 0, 2, &lf))
            continue;
        {
            double e = high ? lf.c1 : -lf.c1;
            if (isnan(best) || e > best)
                best = e;
        }
    }
    return best;
}

/* Collect groups and their features. Returns number of groups. */
static int make_groups(srx_peakfit *pf, const srx_rate_data *d, group *gs)
{
    size_t i, n = d->n;
    int ng = 0, g;
    for (i = 0; i < n; i++) {
        srx_rate_kind k = d->kind[i];
        double nu0 = d->larmor_hz[i], nu1 = k == SRX_RATE_R1RHO ? d->spinlock_hz[i] : 0.0;
        for (g = 0; g < ng; g++)
            if (gs[g].kind == k && gs[g].nu0 == nu0 && gs[g].nu1 == nu1)
                break;
        if (g == ng) {
            if (ng == MAX_GROUPS) {
                g = -1; /* not used for starting values */
            } else {
                memset(&gs[ng], 0, sizeof gs[ng]);
                gs[ng].kind = k;
                gs[ng].nu0 = nu0;
                gs[ng].nu1 = nu1;
                ng++;
            }
        }
        pf->sp[i].g = g < 0 ? MAX_GROUPS : g;
        pf->sp[i].t = d->temperature_k[i];
        pf->sp[i].r = d->rate_per_s[i];
        pf->sp[i].orig = i;
    }
    qsort(pf->sp, n, sizeof *pf->sp, cmp_spoint);
    for (g = 0; g < ng; g++) {
        group *gr = &gs[g];
        size_t a = 0, b, im;
        while (a < n && pf->sp[a].g != g)
            a++;
        b = a;
        while (b < n && pf->sp[b].g == g)
            b++;
        gr->first = a;
        gr->count = b - a;
        im = a;
        for (i = a; i < b; i++)
            if (pf->sp[i].r > pf->sp[im].r)
                im = i;
        gr->imax = im;
        gr->interior = im > a && im + 1 < b;
        gr->rising = im + 1 == b;
        gr->t_peak = pf->sp[im].t;
        gr->r_peak = pf->sp[im].r;
        if (gr->interior) {
            /* parabola in (x = 1/T, ln R) through three points */
            double x0 = 1 / pf->sp[im - 1].t, x1 = 1 / pf->sp[im].t, x2 = 1 / pf->sp[im + 1].t;
            double y0 = log(pf->sp[im - 1].r), y1 = log(pf->sp[im].r), y2 = log(pf->sp[im + 1].r);
            double d01 = (y1 - y0) / (x1 - x0), d12 = (y2 - y1) / (x2 - x1);
            double c2 = (d12 - d01) / (x2 - x0);
            if (c2 < 0) {
                double c1 = d01 - c2 * (x0 + x1);
                double xv = -c1 / (2 * c2);
                if (xv <= fmax(x0, x2) && xv >= fmin(x0, x2)) {
                    gr->t_peak = 1 / xv;
                    gr->r_peak = exp(y1 + (xv - x1) * (d01 + c2 * (xv - x0)));
                }
            }
        }
        gr->s_low = gr->count >= 3 && im >= a + 2 ? steepest(pf->sp, a, im, 0) : NAN;
        gr->s_high = gr->count >= 3 && im + 2 < b ? steepest(pf->sp, im, b - 1, 1) : NAN;
    }
    return ng;
}

/* Generate start candidates into pf->cand; returns count. */
static int make_starts(srx_peakfit *pf, const srx_rate_data *d, const srx_peakfit_options *o,
                       const peak_ctx *ctx, const group *gs, int ng, int have_r1,
                       int have_r1rho)
{
    double shapes[3], eas[4], places[3];
    int nshape, ish, nea, iea, npl, ipl, ncand = 0, g, prim = -1, sec = -1;
    const srx_spectral_kind mk = ctx->base.process[0].kind;
    const group *P;
    size_t n = d->n;

    /* primary group: an interior maximum with most points, else most points */
    for (g = 0; g < ng; g++) {
        if (gs[g].count < 3)
            continue;
        if (prim < 0 || (gs[g].interior && !gs[prim].interior) ||
            (gs[g].interior == gs[prim].interior && gs[g].count > gs[prim].count))
            prim = g;
    }
    if (prim < 0)
        prim = 0;
    P = &gs[prim];
    /* a second interior maximum at another frequency */
    for (g = 0; g < ng; g++)
        if (g != prim && gs[g].interior && gs[g].count >= 3)
            sec = g;

    if (o->constraint[SRX_RATES_P_SHAPE(0)].fixed || o->constraint[SRX_RATES_P_SHAPE(0)].has_guess) {
        shapes[0] = o->constraint[SRX_RATES_P_SHAPE(0)].value;
        nshape = 1;
    } else {
        nshape = shape_grid(mk, shapes);
    }
    if (P->interior) {
        places[0] = P->t_peak;
        npl = 1;
    } else if (P->rising) {
        double te = pf->sp[P->first + P->count - 1].t;
        places[0] = te * 1.1;
        places[1] = te * 1.3;
        places[2] = te * 1.7;
        npl = 3;
    } else {
        double te = pf->sp[P->first].t;
        places[0] = te / 1.1;
        places[1] = te / 1.3;
        places[2] = te / 1.7;
        npl = 3;
    }

    for (ish = 0; ish < nshape; ish++) {
        double sh = shapes[ish];
        double tau_p;
        nea = 0;
        if (o->constraint[SRX_RATES_P_EA(0)].fixed || o->constraint[SRX_RATES_P_EA(0)].has_guess) {
            eas[nea++] = o->constraint[SRX_RATES_P_EA(0)].value;
        } else {
            if (sec >= 0 && P->interior) {
                const group *S = &gs[sec];
                double ta = tau_at_peak(mk, sh, P, P->t_peak), tb = tau_at_peak(mk, sh, S, S->t_peak);
                double dx = 1 / (KB * P->t_peak) - 1 / (KB * S->t_peak);
                if (fabs(dx) > 1e-6) {
                    double e = log(ta / tb) / dx;
                    if (e > 0.02 && e < 4.0)
                        eas[nea++] = e;
                }
            }
            if (srxi_isfinite(P->s_high) && P->s_high > 0.01)
                eas[nea++] = ea_from_flank(mk, sh, P->s_high, 1);
            if (srxi_isfinite(P->s_low) && P->s_low > 0.01)
                eas[nea++] = ea_from_flank(mk, sh, P->s_low, 0);
            if (nea == 0)
                eas[nea++] = 0.4;
        }
        for (iea = 0; iea < nea; iea++) {
            double ea = eas[iea];
            if (!(ea > 0.005 && ea < 4.9))
                ea = ea > 0 ? 4.0 : 0.3;
            for (ipl = 0; ipl < npl; ipl++) {
                double tp = places[ipl], tau0, k, p[NP], ur;
                int nx, ix, ibg;
                tau_p = tau_at_peak(mk, sh, P, tp);
                tau0 = tau_p * exp(-ea / (KB * tp));
                /* K from the largest rate of the primary group */
                {
                    double tr = pf->sp[P->imax].t;
                    ur = unit_rate(mk, mk == SRX_SPECTRAL_GAUSS_EA ? sh : sh, P, tr,
                                   tau0 * exp(ea / (KB * tr)));
                    k = srxi_isfinite(ur) && ur > 0 ? pf->sp[P->imax].r / ur : 1e9;
                }
                memset(p, 0, sizeof p);
                p[SRX_RATES_P_EA(0)] = ea;
                p[SRX_RATES_P_TAU0(0)] = tau0;
                p[SRX_RATES_P_SHAPE(0)] = sh;
                p[SRX_RATES_P_COUPLING(0)] = k;
                /* extra processes: the same shape, a peak shifted in T, other energy */
                nx = o->n_processes > 1 ? 12 : 1;
                for (ix = 0; ix < nx; ix++) {
                    static const double tf[2] = {0.65, 1.5}, ef[3] = {0.5, 1.0, 2.0},
                                        kf[2] = {1.0, 0.1};
                    int q;
                    for (q = 1; q < o->n_processes; q++) {
                        int c = (ix + 5 * (q - 1)) % 12;
                        double t2 = tp * tf[c % 2], e2 = ea * ef[(c / 2) % 3];
                        double tau2 = tau_at_peak(mk, sh, P, t2);
                        p[SRX_RATES_P_EA(q)] = e2;
                        p[SRX_RATES_P_TAU0(q)] = tau2 * exp(-e2 / (KB * t2));
                        if (ctx->base.process[q].kind == mk) {
                            p[SRX_RATES_P_SHAPE(q)] = sh;
                        } else {
                            double g3[3];
                            int ng3 = shape_grid(ctx->base.process[q].kind, g3);
                            p[SRX_RATES_P_SHAPE(q)] = g3[ng3 / 2];
                        }
                        if (o->constraint[SRX_RATES_P_SHAPE(q)].fixed ||
                            o->constraint[SRX_RATES_P_SHAPE(q)].has_guess)
                            p[SRX_RATES_P_SHAPE(q)] = o->constraint[SRX_RATES_P_SHAPE(q)].value;
                        p[SRX_RATES_P_COUPLING(q)] = k * kf[(c / 6) % 2];
                    }
                    for (ibg = 0; ibg < (o->background != SRX_BACKGROUND_NONE ? 2 : 1); ibg++) {
                        int fr;
                        double *cp;
                        srx_fit_param fp[NP];
                        for (fr = 0; fr < 2; fr++) {
                            /* the lowest-T point of this frame */
                            size_t i, il = n;
                            double lev, rd, tl;
                            srx_rate_model m;
                            int ia = fr == 0 ? SRX_RATES_P_BG_R1_AMPLITUDE
                                             : SRX_RATES_P_BG_R1RHO_AMPLITUDE;
                            if (o->background == SRX_BACKGROUND_NONE ||
                                !(fr == 0 ? have_r1 : have_r1rho))
                                continue;
                            for (i = 0; i < n; i++)
                                if ((int)d->kind[i] == fr &&
                                    (il == n || d->temperature_k[i] < d->temperature_k[il]))
                                    il = i;
                            tl = d->temperature_k[il];
                            /* diffusive model there */
                            params_to_model(p, &ctx->base, &m);
                            m.background_r1.amplitude = m.background_r1rho.amplitude = 0;
                            if (srx_rates_eval(&m, d->kind[il], tl, d->larmor_hz[il],
                                               d->kind[il] == SRX_RATE_R1RHO ? d->spinlock_hz[il]
                                                                             : 0.0,
                                               &rd, NULL, NULL))
                                rd = 0;
                            lev = d->rate_per_s[il] - rd;
                            if (lev < 0.05 * d->rate_per_s[il])
                                lev = 0.05 * d->rate_per_s[il];
                            if (ibg == 1)
                                lev *= 0.02;
                            if (o->background == SRX_BACKGROUND_POWERLAW) {
                                p[ia] = lev / (tl * tl);
                                p[ia + 1] = 2.0;
                            } else {
                                p[ia] = lev * exp(0.05 / (KB * tl));
                                p[ia + 1] = 0.05;
                            }
                        }
                        if (ncand >= MAX_CAND)
                            return ncand;
                        setup_params(fp, p, &ctx->base, o, have_r1, have_r1rho);
                        cp = pf->cand + (size_t)ncand * (NP + 1);
                        {
                            int j;
                            for (j = 0; j < NP; j++)
                                cp[1 + j] = fp[j].value;
                        }
                        cp[0] = cand_chi2(pf, ctx, n, cp + 1);
                        ncand++;
                    }
                }
            }
        }
    }
    return ncand;
}

static int cmp_cand(const void *a, const void *b)
{
    double p = *(const double *)a, q = *(const double *)b;
    if (isnan(p))
        p = INFINITY;
    if (isnan(q))
        q = INFINITY;
    return (p > q) - (p < q);
}

/* Run the engine from parameter values p (natural units). */
static int refine(srx_peakfit *pf, const peak_ctx *ctx, const srx_peakfit_options *o, size_t n,
                  const double *y, const double *sigma, const double *p, int have_r1,
                  int have_r1rho, int fix_ea_of, double ea_value, srx_fit_param *fp,
                  srx_fit_summary *sum, double *cov)
{
    srx_fit_model model;
    srx_fit_options fo;
    setup_params(fp, p, &ctx->base, o, have_r1, have_r1rho);
    if (fix_ea_of >= 0) {
        fp[SRX_RATES_P_EA(fix_ea_of)].fixed = 1;
        fp[SRX_RATES_P_EA(fix_ea_of)].value = ea_value;
    }
    model.eval = peak_eval;
    model.user = (void *)ctx;
    model.has_jacobian = 1;
    srx_fit_options_init(&fo);
    fo.max_iter = o->max_iter > 0 ? o->max_iter : 200;
    /* chi2 decreases below 1e-10 relative are noise for a peak fit */
    fo.ftol = 1e-10;
    fo.xtol = 1e-8;
    fo.gtol = 1e-8;
    return srx_fit_run(pf->fit, &model, n, y, sigma, fp, &fo, sum, cov, NULL);
}

/* Standard uncertainty of the low-T flank energy F = g(shape) Ea of process
 * q.  Propagating the (Ea, shape) covariance cancels catastrophically when
 * Ea and the shape are nearly degenerate (flank-only data: only F is
 * determined), so the covariance is recomputed in coordinates where F is a
 * parameter: the Ea column of the weighted Jacobian becomes dm/dF =
 * (dm/dEa) / g and the shape column dm/dshape|F = dm/dshape - (dm/dEa) Ea
 * g'/g; cov = V S^-2 V^T from the SVD of the column-equilibrated matrix
 * (scaled by chi2/dof without rate errors), as the engine does. */
static double flank_error(srx_peakfit *pf, const peak_ctx *ctx, size_t n, const double *p,
                          const srx_fit_param *fp, int q, srx_spectral_kind kind, double scale)
{
    int free_idx[NP], k = 0, j, c, ie = SRX_RATES_P_EA(q), is = SRX_RATES_P_SHAPE(q), cf = -1;
    double g, gp, var = 0.0;
    size_t i;
    gsl_matrix_view av;
    gsl_matrix_view vv;
    gsl_vector_view sv, wv;
    switch (kind) {
    case SRX_SPECTRAL_ASYMMETRIC: g = p[is] - 1.0; gp = 1.0; break;
    case SRX_SPECTRAL_COLE_DAVIDSON:
    case SRX_SPECTRAL_COLE_COLE: g = p[is]; gp = 1.0; break;
    default: g = 1.0; gp = 0.0; break;
    }
    if (fp[is].fixed)
        gp = 0.0;
    if (fp[ie].fixed || !(g > 0))
        return fp[ie].fixed ? 0.0 : NAN;
    for (j = 0; j < NP; j++)
        if (!fp[j].fixed) {
            if (j == ie)
                cf = k;
            free_idx[k++] = j;
        }
    if (n < (size_t)k || k == 0)
        return NAN;
    peak_eval(p, NP, n, pf->m, pf->jac, (void *)ctx);
    av = gsl_matrix_submatrix(pf->a, 0, 0, n, (size_t)k);
    for (i = 0; i < n; i++) {
        double w = 1.0 / pf->sig[i], *row = pf->jac + i * NP;
        for (c = 0; c < k; c++) {
            int jj = free_idx[c];
            double v = row[jj];
            if (jj == ie)
                v = row[ie] / g;
            else if (jj == is)
                v = row[is] - row[ie] * p[ie] * gp / g;
            gsl_matrix_set(&av.matrix, i, (size_t)c, w * v);
        }
    }
    /* column equilibration */
    {
        double cn[NP];
        for (c = 0; c < k; c++) {
            double s2 = 0;
            for (i = 0; i < n; i++)
                s2 += gsl_matrix_get(&av.matrix, i, (size_t)c) * gsl_matrix_get(&av.matrix, i, (size_t)c);
            cn[c] = s2 > 0 ? sqrt(s2) : 1.0;
            for (i = 0; i < n; i++)
                gsl_matrix_set(&av.matrix, i, (size_t)c,
                               gsl_matrix_get(&av.matrix, i, (size_t)c) / cn[c]);
        }
        vv = gsl_matrix_submatrix(pf->v, 0, 0, (size_t)k, (size_t)k);
        sv = gsl_vector_subvector(pf->sv, 0, (size_t)k);
        wv = gsl_vector_subvector(pf->work, 0, (size_t)k);
        if (gsl_linalg_SV_decomp(&av.matrix, &vv.matrix, &sv.vector, &wv.vector))
            return NAN;
        for (c = 0; c < k; c++) {
            double sc = gsl_vector_get(&sv.vector, (size_t)c), vf;
            if (!(sc > 1e-14 * gsl_vector_get(&sv.vector, 0)))
                return NAN;
            vf = gsl_matrix_get(&vv.matrix, (size_t)cf, (size_t)c);
            var += vf * vf / (sc * sc);
        }
        var /= cn[cf] * cn[cf];
    }
    return sqrt(var * scale);
}

int srx_peakfit_run(srx_peakfit *pf, const srx_rate_data *data, const srx_peakfit_options *opts,
                    srx_peakfit_result *result, srx_diag *diag)
{
    srx_peakfit_options defo;
    const srx_peakfit_options *o = opts;
    group gs[MAX_GROUPS];
    peak_ctx ctx;
    int ng, ncand, c, q, j, have_r1 = 0, have_r1rho = 0, status, best_status = -1, nfree = 0;
    size_t i, n;
    double bestp[NP], bestcov[NP * NP], best_chi2 = INFINITY;
    srx_fit_summary bestsum;
    srx_fit_param fp[NP];
    const double *sigma;

    memset(&bestsum, 0, sizeof bestsum);

    if (!pf || !data || !result)
        return srxi_fail(diag, SRX_EINVAL, "peakfit: NULL argument");
    if (!o) {
        srx_peakfit_options_init(&defo);
        o = &defo;
    }
    status = check_options(o, diag);
    if (status)
        return status;
    status = check_data(pf, data, diag);
    if (status)
        return status;
    n = data->n;
    for (i = 0; i < n; i++) {
        if (data->kind[i] == SRX_RATE_R1)
            have_r1 = 1;
        else
            have_r1rho = 1;
    }
    /* base model */
    srx_rate_model_init(&ctx.base);
    ctx.pf = pf;
    ctx.base.n_processes = o->n_processes;
    for (q = 0; q < o->n_processes; q++)
        ctx.base.process[q].kind = o->mixed_models ? o->process_model[q] : o->model;
    if (have_r1)
        ctx.base.background_r1.kind = o->background;
    if (have_r1rho)
        ctx.base.background_r1rho.kind = o->background;
    /* free parameter count */
    {
        double p0[NP];
        memset(p0, 0, sizeof p0);
        for (q = 0; q < o->n_processes; q++) {
            p0[SRX_RATES_P_EA(q)] = 0.3;
            p0[SRX_RATES_P_TAU0(q)] = 1e-12;
            p0[SRX_RATES_P_SHAPE(q)] =
                ctx.base.process[q].kind == SRX_SPECTRAL_ASYMMETRIC ? 1.5 : 0.5;
            p0[SRX_RATES_P_COUPLING(q)] = 1e9;
        }
        p0[SRX_RATES_P_BG_R1_AMPLITUDE] = p0[SRX_RATES_P_BG_R1RHO_AMPLITUDE] = 1e-3;
        setup_params(fp, p0, &ctx.base, o, have_r1, have_r1rho);
        for (j = 0; j < NP; j++)
            nfree += !fp[j].fixed;
    }
    if (n < (size_t)nfree + 1)
        return srxi_fail(diag, SRX_ENODATA, "peakfit: %zu rates for %d free parameters", n, nfree);
    /* data in the engine's order: caller order */
    for (i = 0; i < n; i++) {
        pf->kind[i] = data->kind[i];
        pf->t[i] = data->temperature_k[i];
        pf->nu0[i] = data->larmor_hz[i];
        pf->nu1[i] = data->kind[i] == SRX_RATE_R1RHO ? data->spinlock_hz[i] : 0.0;
        pf->y[i] = log(data->rate_per_s[i]);
        pf->sig[i] = data->rate_err_per_s ? data->rate_err_per_s[i] / data->rate_per_s[i] : 1.0;
    }
    sigma = data->rate_err_per_s ? pf->sig : NULL;

    ng = make_groups(pf, data, gs);
    ncand = make_starts(pf, data, o, &ctx, gs, ng, have_r1, have_r1rho);
    qsort(pf->cand, (size_t)ncand, (NP + 1) * sizeof *pf->cand, cmp_cand);
    memset(result, 0, sizeof *result);
    result->n_starts = ncand;
    {
        int nref = o->max_starts > 0 ? o->max_starts : 1;
        for (c = 0; c < ncand && c < nref; c++) {
            srx_fit_summary sum;
            double cov[NP * NP];
            const double *cp = pf->cand + (size_t)c * (NP + 1);
            if (!srxi_isfinite(cp[0]))
                break;
            status = refine(pf, &ctx, o, n, pf->y, sigma, cp + 1, have_r1, have_r1rho, -1, 0, fp,
                            &sum, cov);
            if (status != SRX_OK && status != SRX_ENOCONV && status != SRX_ESINGULAR)
                continue;
            result->n_refined++;
            /* prefer a converged, non-singular fit at (nearly) equal chi2 */
            if (sum.chi2 < best_chi2 * (1 - 1e-9) ||
                (best_status != SRX_OK && status == SRX_OK && sum.chi2 <= best_chi2 * (1 + 1e-6))) {
                best_chi2 = sum.chi2;
                best_status = status;
                bestsum = sum;
                for (j = 0; j < NP; j++)
                    bestp[j] = fp[j].value;
                memcpy(bestcov, cov, sizeof cov);
            }
        }
    }
    if (best_status < 0)
        return srxi_fail(diag, SRX_ENOCONV, "peakfit: no start point could be refined (%d starts)",
                         ncand);

    /* fill the result */
    params_to_model(bestp, &ctx.base, &result->model);
    for (q = 0; q < o->n_processes; q++)
        if (ctx.base.process[q].kind == SRX_SPECTRAL_BPP)
            result->model.process[q].shape = 0.0;
    memcpy(result->covariance, bestcov, sizeof bestcov);
    for (j = 0; j < NP; j++) {
        result->error[j] = bestsum.singular ? NAN : sqrt(bestcov[j * NP + j]);
        result->boot_error[j] = NAN;
    }
    for (q = 0; q < o->n_processes; q++) {
        srx_peakfit_process *pr = &result->process[q];
        int ie = SRX_RATES_P_EA(q), it = SRX_RATES_P_TAU0(q), is = SRX_RATES_P_SHAPE(q),
            ik = SRX_RATES_P_COUPLING(q);
        pr->ea_ev = bestp[ie];
        pr->ea_err_ev = result->error[ie];
        pr->tau0_s = bestp[it];
        pr->tau0_err_s = result->error[it];
        pr->beta = ctx.base.process[q].kind == SRX_SPECTRAL_BPP ? 1.0 : bestp[is];
        pr->beta_err = ctx.base.process[q].kind == SRX_SPECTRAL_BPP ? 0.0 : result->error[is];
        pr->coupling_per_s2 = bestp[ik];
        pr->coupling_err_per_s2 = result->error[ik];
        pr->ea_tau0_correlation = bestcov[ie * NP + it] / (result->error[ie] * result->error[it]);
        pr->ea_boot_err_ev = NAN;
        {
            /* low-T flank energy f(Ea, shape) and its propagated uncertainty */
            double g0 = 1.0, g1 = 0.0, sh = bestp[is], e = bestp[ie];
            switch (ctx.base.process[q].kind) {
            case SRX_SPECTRAL_ASYMMETRIC: g0 = sh - 1.0; g1 = e; break;
            case SRX_SPECTRAL_COLE_DAVIDSON:
            case SRX_SPECTRAL_COLE_COLE: g0 = sh; g1 = e; break;
            default: break;
            }
            pr->flank_low_ea_ev = g0 * e;
            (void)g1;
            pr->flank_low_ea_err_ev = flank_error(
                pf, &ctx, n, bestp, fp, q, ctx.base.process[q].kind,
                bestsum.covariance_scaled ? bestsum.reduced_chi2 : 1.0);
            if (bestsum.singular)
                pr->flank_low_ea_err_ev = NAN;
        }
        pr->ea_profile_lower_ev = NAN;
        pr->ea_profile_upper_ev = NAN;
    }
    {
        int fr;
        for (fr = 0; fr < 2; fr++) {
            srx_peakfit_background *b = fr ? &result->background_r1rho : &result->background_r1;
            int ia = fr ? SRX_RATES_P_BG_R1RHO_AMPLITUDE : SRX_RATES_P_BG_R1_AMPLITUDE;
            b->kind = fr ? ctx.base.background_r1rho.kind : ctx.base.background_r1.kind;
            if (b->kind == SRX_BACKGROUND_NONE)
                continue;
            b->amplitude = bestp[ia];
            b->amplitude_err = result->error[ia];
            b->second = bestp[ia + 1];
            b->second_err = result->error[ia + 1];
        }
    }
    result->chi2 = bestsum.chi2;
    result->reduced_chi2 = bestsum.reduced_chi2;
    result->dof = bestsum.dof;
    result->n_points = (int)n;
    result->n_free = bestsum.n_free;
    result->aic = n * log(bestsum.chi2 / n) + 2.0 * bestsum.n_free;
    result->bic = n * log(bestsum.chi2 / n) + bestsum.n_free * log((double)n);
    result->converged = bestsum.converged;
    result->covariance_scaled = bestsum.covariance_scaled;
    result->singular = bestsum.singular;

    /* residual bootstrap */
    if (o->n_bootstrap > 0) {
        gsl_rng *rng = pf->rng;
        double mean[NP], m2[NP];
        int b, nb = 0;
        gsl_rng_set(rng, o->seed);
        peak_eval(bestp, NP, n, pf->m, NULL, &ctx);
        for (i = 0; i < n; i++)
            pf->res[i] = (pf->y[i] - pf->m[i]) / pf->sig[i];
        memset(mean, 0, sizeof mean);
        memset(m2, 0, sizeof m2);
        for (b = 0; b < o->n_bootstrap; b++) {
            srx_fit_summary sum;
            double cov[NP * NP];
            for (i = 0; i < n; i++)
                pf->ystar[i] = pf->m[i] + pf->sig[i] * pf->res[gsl_rng_uniform_int(rng, n)];
            status = refine(pf, &ctx, o, n, pf->ystar, sigma, bestp, have_r1, have_r1rho, -1, 0,
                            fp, &sum, cov);
            if (status != SRX_OK)
                continue;
            nb++;
            for (j = 0; j < NP; j++) {
                double dlt = fp[j].value - mean[j];
                mean[j] += dlt / nb;
                m2[j] += dlt * (fp[j].value - mean[j]);
            }
        }
        result->n_bootstrap = nb;
        if (nb > 1)
            for (j = 0; j < NP; j++)
                result->boot_error[j] = fp[j].fixed ? 0.0 : sqrt(m2[j] / (nb - 1));
        for (q = 0; q < o->n_processes; q++)
            result->process[q].ea_boot_err_ev = result->boot_error[SRX_RATES_P_EA(q)];
    }

    /* profile likelihood of each Ea */
    if (o->profile_ea) {
        double target = data->rate_err_per_s ? 1.0 : bestsum.chi2 / (double)bestsum.dof;
        for (q = 0; q < o->n_processes; q++) {
            int dir;
            double ea0 = bestp[SRX_RATES_P_EA(q)], h0 = result->error[SRX_RATES_P_EA(q)];
            if (o->constraint[SRX_RATES_P_EA(q)].fixed)
                continue;
            if (!(h0 > 0) || !srxi_isfinite(h0))
                h0 = 0.05 * ea0;
            for (dir = -1; dir <= 1; dir += 2) {
                double lo = 0, hi = h0, dlo = 0, dhi = 0, end = NAN;
                int it, ok = 1;
                srx_fit_summary sum;
                /* bracket: double the step until chi2 rises by target */
                for (it = 0; it < 30; it++) {
                    double e = ea0 + dir * hi;
                    if (e <= 1e-4 || e >= 10.0) {
                        ok = 0;
                        break;
                    }
                    status = refine(pf, &ctx, o, n, pf->y, sigma, bestp, have_r1, have_r1rho, q,
                                    e, fp, &sum, NULL);
                    if (status != SRX_OK && status != SRX_ENOCONV && status != SRX_ESINGULAR) {
                        ok = 0;
                        break;
                    }
                    dhi = sum.chi2 - best_chi2;
                    if (dhi >= target)
                        break;
                    lo = hi;
                    dlo = dhi;
                    hi *= 2;
                }
                if (ok && dhi >= target) {
                    /* bisection on the step */
                    for (it = 0; it < 12; it++) {
                        double mid = 0.5 * (lo + hi), dm;
                        status = refine(pf, &ctx, o, n, pf->y, sigma, bestp, have_r1, have_r1rho,
                                        q, ea0 + dir * mid, fp, &sum, NULL);
                        if (status != SRX_OK && status != SRX_ENOCONV &&
                            status != SRX_ESINGULAR)
                            break;
                        dm = sum.chi2 - best_chi2;
                        if (dm >= target) {
                            hi = mid;
                            dhi = dm;
                        } else {
                            lo = mid;
                            dlo = dm;
                        }
                    }
                    /* linear interpolation inside the last bracket */
                    end = ea0 + dir * (lo + (hi - lo) * (target - dlo) / (dhi - dlo));
                } else if (!ok) {
                    end = dir > 0 ? INFINITY : 0.0;
                }
                if (dir < 0)
                    result->process[q].ea_profile_lower_ev = end;
                else
                    result->process[q].ea_profile_upper_ev = end;
            }
        }
    }
    if (best_status == SRX_ESINGULAR)
        return srxi_fail(diag, SRX_ESINGULAR,
                         "peakfit: parameters not all determined by the data (uncertainties NaN)");
    if (best_status == SRX_ENOCONV)
        return srxi_fail(diag, SRX_ENOCONV, "peakfit: the fit did not converge");
    return SRX_OK;
}

int srx_arrhenius_fit_peak(const srx_rate_data *data, const srx_peakfit_options *opts,
                           srx_peakfit_result *result, srx_diag *diag)
{
    srx_peakfit *pf = NULL;
    int status;
    if (!data)
        return srxi_fail(diag, SRX_EINVAL, "peakfit: NULL data");
    status = srx_peakfit_alloc(&pf, data->n ? data->n : 1, diag);
    if (status)
        return status;
    status = srx_peakfit_run(pf, data, opts, result, diag);
    srx_peakfit_free(pf);
    return status;
}
