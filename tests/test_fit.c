/* fit: the least-squares engine against closed-form solutions, exact
 * synthetic data, and the statistics of noisy synthetic data. */
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "spinrelax.h"
#include "testlib.h"

/* ------------------------------------------------------------ models */

/* straight line m = p0 + p1 x */
typedef struct {
    const double *x;
} line_data;

static int line_model(const double *p, size_t np, size_t n, double *m, double *jac, void *user)
{
    const line_data *d = user;
    size_t i;
    (void)np;
    for (i = 0; i < n; i++) {
        m[i] = p[0] + p[1] * d->x[i];
        if (jac) {
            jac[i * 2 + 0] = 1.0;
            jac[i * 2 + 1] = d->x[i];
        }
    }
    return 0;
}

/* m = A exp(-R t) + C, params (A, R, C) */
typedef struct {
    const double *t;
} exp_data;

static int exp_model(const double *p, size_t np, size_t n, double *m, double *jac, void *user)
{
    const exp_data *d = user;
    size_t i;
    (void)np;
    for (i = 0; i < n; i++) {
        double e = exp(-p[1] * d->t[i]);
        m[i] = p[0] * e + p[2];
        if (jac) {
            jac[i * 3 + 0] = e;
            jac[i * 3 + 1] = -p[0] * d->t[i] * e;
            jac[i * 3 + 2] = 1.0;
        }
    }
    return 0;
}

/* global model: two data sets sharing the rate R.
 * params (A1, A2, R); set id per point; m = A_set exp(-R t) */
typedef struct {
    const double *t;
    const int *set;
} global_data;

static int global_model(const double *p, size_t np, size_t n, double *m, double *jac, void *user)
{
    const global_data *d = user;
    size_t i;
    (void)np;
    for (i = 0; i < n; i++) {
        double a = p[d->set[i]], e = exp(-p[2] * d->t[i]);
        m[i] = a * e;
        if (jac) {
            jac[i * 3 + 0] = d->set[i] == 0 ? e : 0.0;
            jac[i * 3 + 1] = d->set[i] == 1 ? e : 0.0;
            jac[i * 3 + 2] = -a * d->t[i] * e;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ helpers */

static srx_fit *make_fit(size_t n, size_t p)
{
    srx_fit *f = NULL;
    ck_assert_int_eq(srx_fit_alloc(&f, n, p, 0, NULL), SRX_OK);
    ck_assert_ptr_nonnull(f);
    return f;
}

/* closed-form weighted straight-line regression (Press et al., Numerical
 * Recipes, section 15.2): a, b and their covariance (J^T W J)^-1 */
static void closed_line(const double *x, const double *y, const double *s, size_t n, double *a,
                        double *b, double *vaa, double *vbb, double *vab, double *chi2)
{
    double S = 0, Sx = 0, Sy = 0, Sxx = 0, Sxy = 0, D;
    size_t i;
    for (i = 0; i < n; i++) {
        double w = s ? 1.0 / (s[i] * s[i]) : 1.0;
        S += w;
        Sx += w * x[i];
        Sy += w * y[i];
        Sxx += w * x[i] * x[i];
        Sxy += w * x[i] * y[i];
    }
    D = S * Sxx - Sx * Sx;
    *a = (Sxx * Sy - Sx * Sxy) / D;
    *b = (S * Sxy - Sx * Sy) / D;
    *vaa = Sxx / D;
    *vbb = S / D;
    *vab = -Sx / D;
    *chi2 = 0;
    for (i = 0; i < n; i++) {
        double r = (y[i] - *a - *b * x[i]) / (s ? s[i] : 1.0);
        *chi2 += r * r;
    }
}

/* ------------------------------------------------------------ tests */

START_TEST(linear_model_matches_closed_form)
{
    /* A line is a linear least-squares problem: the engine must land on the
     * closed-form solution to rounding (1e-10 relative with tight
     * tolerances: the LM iteration stops on the step test xtol = 1e-10 after
     * a Gauss-Newton step, which is exact for a linear model), and its
     * covariance must be
     * (J^T W J)^-1 (weighted) or that times chi2/dof (unweighted). */
    enum { N = 12 };
    double x[N], y[N], s[N], a, b, vaa, vbb, vab, chi2, cov[4];
    size_t i;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    line_data d;
    srx_fit_model m = {line_model, NULL, 1};
    srx_fit_param p[2];
    srx_fit_summary sum;
    srx_fit *f = make_fit(N, 2);
    srx_fit_options tight;
    int weighted;

    /* the default ftol (1e-10 of chi2, ~1e-5 standard uncertainties) stops
     * before the last digits; here we want them: ftol at rounding level */
    srx_fit_options_init(&tight);
    tight.ftol = 1e-20;
    gsl_rng_set(r, 42);
    for (i = 0; i < N; i++) {
        x[i] = 0.3 * (double)i - 1.0;
        s[i] = 0.05 + 0.1 * gsl_rng_uniform(r);
        y[i] = 2.5 - 1.7 * x[i] + gsl_ran_gaussian(r, s[i]);
    }
    d.x = x;
    m.user = &d;
    for (weighted = 0; weighted <= 1; weighted++) {
        const double *sg = weighted ? s : NULL;
        double scale;
        closed_line(x, y, sg, N, &a, &b, &vaa, &vbb, &vab, &chi2);
        srx_fit_param_init(&p[0], 0.0);
        srx_fit_param_init(&p[1], 1.0);
        ck_assert_int_eq(srx_fit_run(f, &m, N, y, sg, p, &tight, &sum, cov, NULL), SRX_OK);
        scale = weighted ? 1.0 : chi2 / (N - 2);
        ck_assert_int_eq(sum.covariance_scaled, !weighted);
        ck_assert_int_eq(sum.weighted, weighted);
        ck_assert_int_eq(sum.dof, N - 2);
        ck_assert(sum.converged);
        srxt_assert_rel(p[0].value, a, 1e-10);
        srxt_assert_rel(p[1].value, b, 1e-10);
        srxt_assert_rel(sum.chi2, chi2, 1e-10);
        srxt_assert_rel(sum.reduced_chi2, chi2 / (N - 2), 1e-10);
        /* the covariance is formed by a QR of the equilibrated Jacobian:
         * rounding only, 1e-10 */
        srxt_assert_rel(cov[0], vaa * scale, 1e-10);
        srxt_assert_rel(cov[3], vbb * scale, 1e-10);
        srxt_assert_rel(cov[1], vab * scale, 1e-10);
        srxt_assert_rel(cov[2], vab * scale, 1e-10);
        srxt_assert_rel(p[0].error, sqrt(vaa * scale), 1e-10);
        srxt_assert_rel(p[1].error, sqrt(vbb * scale), 1e-10);
        /* started at the solution: converged at once, same numbers */
        p[0].value = a;
        p[1].value = b;
        ck_assert_int_eq(srx_fit_run(f, &m, N, y, sg, p, NULL, &sum, NULL, NULL), SRX_OK);
        ck_assert(sum.converged);
        ck_assert_int_le(sum.n_iter, 1);
        srxt_assert_rel(p[0].value, a, 1e-12);
        srxt_assert_rel(p[1].error, sqrt(vbb * scale), 1e-10);
    }
    srx_fit_free(f);
    gsl_rng_free(r);
}
END_TEST

START_TEST(covariance_scaling_with_and_without_sigma)
{
    /* With one constant sigma s for every point, the weighted covariance is
     * s^2 (X^T X)^-1 and the unweighted one (X^T X)^-1 chi2_u/dof with
     * chi2_u = s^2 chi2_w: the ratio is chi2_w / dof exactly. */
    enum { N = 20 };
    double t[N], y[N], s[N], cw[9], cu[9];
    size_t i;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    exp_data d;
    srx_fit_model m = {exp_model, NULL, 1};
    srx_fit_param pw[3], pu[3];
    srx_fit_summary sw, su;
    srx_fit *f = make_fit(N, 3);

    gsl_rng_set(r, 7);
    for (i = 0; i < N; i++) {
        t[i] = 0.05 * (double)i;
        s[i] = 0.02;
        y[i] = 3.0 * exp(-2.0 * t[i]) + 0.5 + gsl_ran_gaussian(r, s[i]);
    }
    d.t = t;
    m.user = &d;
    srx_fit_param_init(&pw[0], 1.0);
    srx_fit_param_init(&pw[1], 1.0);
    srx_fit_param_init(&pw[2], 0.0);
    memcpy(pu, pw, sizeof pw);
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, s, pw, NULL, &sw, cw, NULL), SRX_OK);
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, pu, NULL, &su, cu, NULL), SRX_OK);
    ck_assert_int_eq(sw.covariance_scaled, 0);
    ck_assert_int_eq(su.covariance_scaled, 1);
    /* the same minimum (weights are a constant factor): 1e-9 */
    for (i = 0; i < 3; i++)
        srxt_assert_rel(pu[i].value, pw[i].value, 1e-9);
    srxt_assert_rel(su.chi2, sw.chi2 * 0.02 * 0.02, 1e-9);
    for (i = 0; i < 9; i++)
        srxt_assert_rel(cu[i], cw[i] * sw.chi2 / (N - 3), 1e-8);
    for (i = 0; i < 3; i++)
        srxt_assert_rel(pu[i].error, pw[i].error * sqrt(sw.reduced_chi2), 1e-8);
    srx_fit_free(f);
    gsl_rng_free(r);
}
END_TEST

static void exact_exponential(srx_fit *f, double R, unsigned flags_unused, int log_rate,
                              int analytic)
{
    enum { N = 25 };
    double t[N], y[N];
    size_t i;
    exp_data d;
    srx_fit_model m = {exp_model, NULL, 1};
    srx_fit_param p[3];
    srx_fit_summary sum;
    (void)flags_unused;
    for (i = 0; i < N; i++) {
        t[i] = (0.01 / R) * pow(10.0, 3.0 * (double)i / (N - 1)); /* 0.01/R .. 10/R */
        y[i] = 4.2 * exp(-R * t[i]) - 0.3;
    }
    d.t = t;
    m.user = &d;
    m.has_jacobian = analytic;
    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], R * 3.0);
    srx_fit_param_init(&p[2], 0.0);
    p[1].log_scale = log_rate;
    if (!log_rate) {
        p[1].has_lower = 1;
        p[1].lower = 0.0;
    }
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, &sum, NULL, NULL), SRX_OK);
    ck_assert(sum.converged);
    srxt_assert_rel(p[0].value, 4.2, 1e-10);
    srxt_assert_rel(p[1].value, R, 1e-10);
    ck_assert_double_eq_tol(p[2].value, -0.3, 1e-10);
}

START_TEST(exponential_exact_data)
{
    /* exact data: the minimum is the truth; convergence to the xtol = 1e-10
     * step test of a quadratically converging Gauss-Newton phase puts the
     * values within rounding of it (1e-10 relative) */
    srx_fit *f = make_fit(25, 3);
    double R;
    for (R = 1e-3; R <= 1e6; R *= 10.0) {
        exact_exponential(f, R, 0, 1, 1);
        exact_exponential(f, R, 0, 0, 1);
    }
    srx_fit_free(f);
}
END_TEST

START_TEST(finite_differences_and_geodesic)
{
    /* no analytic Jacobian: finite differences reach the same minimum
     * (exact data: 1e-10); the geodesic-acceleration variant too */
    srx_fit *f = make_fit(25, 3), *g = NULL;
    exact_exponential(f, 3.0, 0, 1, 0);
    exact_exponential(f, 1e4, 0, 0, 0);
    ck_assert_int_eq(srx_fit_alloc(&g, 25, 3, SRX_FIT_GEODESIC, NULL), SRX_OK);
    exact_exponential(g, 3.0, 0, 1, 1);
    exact_exponential(g, 1e-2, 0, 1, 0);
    srx_fit_free(f);
    srx_fit_free(g);
}
END_TEST

START_TEST(finite_difference_covariance)
{
    /* the central-difference covariance of a model without Jacobian agrees
     * with the analytic one to the O(h^2) ~ eps^(2/3) ~ 4e-11 truncation
     * plus rounding eps/h ~ 4e-11 relative, times conditioning: 1e-6 */
    enum { N = 30 };
    double t[N], y[N], ca[9], cf[9];
    size_t i;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    exp_data d;
    srx_fit_model m = {exp_model, NULL, 1};
    srx_fit_param pa[3], pf[3];
    srx_fit *f = make_fit(N, 3);
    gsl_rng_set(r, 11);
    for (i = 0; i < N; i++) {
        t[i] = 0.1 * (double)i;
        y[i] = 2.0 * exp(-0.7 * t[i]) + 0.1 + gsl_ran_gaussian(r, 0.01);
    }
    d.t = t;
    m.user = &d;
    srx_fit_param_init(&pa[0], 1.0);
    srx_fit_param_init(&pa[1], 1.0);
    srx_fit_param_init(&pa[2], 0.0);
    pa[1].log_scale = 1;
    memcpy(pf, pa, sizeof pa);
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, pa, NULL, NULL, ca, NULL), SRX_OK);
    m.has_jacobian = 0;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, pf, NULL, NULL, cf, NULL), SRX_OK);
    /* the minimum itself: the stopping tests see a forward-difference
     * Jacobian (relative error ~ sqrt(eps)), so the end points differ by a
     * tiny fraction of the statistical uncertainty: 1e-5 of it */
    for (i = 0; i < 3; i++)
        ck_assert(fabs(pf[i].value - pa[i].value) < 1e-5 * pa[i].error);
    for (i = 0; i < 9; i++)
        srxt_assert_rel(cf[i], ca[i], 1e-6);
    srx_fit_free(f);
    gsl_rng_free(r);
}
END_TEST

START_TEST(bounds_are_respected)
{
    /* data want R = 2 but R is bounded to [0.1, 1]: the result lands on the
     * upper bound; log_scale with bounds (R in [1e-3, 1.5]) the same; an
     * open lower bound approached from inside; an inactive upper bound */
    enum { N = 20 };
    double t[N], y[N];
    size_t i;
    exp_data d;
    srx_fit_model m = {exp_model, NULL, 1};
    srx_fit_param p[3];
    srx_fit_summary sum;
    srx_fit *f = make_fit(N, 3);
    int st;
    for (i = 0; i < N; i++) {
        t[i] = 0.1 * (double)i;
        y[i] = exp(-2.0 * t[i]);
    }
    d.t = t;
    m.user = &d;

    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], 0.5);
    srx_fit_param_init(&p[2], 0.0);
    p[1].has_lower = p[1].has_upper = 1;
    p[1].lower = 0.1;
    p[1].upper = 1.0;
    /* two-sided bounds are closed and the sine map converges onto them */
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, &sum, NULL, NULL), SRX_OK);
    ck_assert(p[1].value <= 1.0 && p[1].value > 1.0 - 1e-9);
    ck_assert(isfinite(p[1].error) && p[1].error > 0.0);
    ck_assert_int_le(sum.n_iter, 15);

    /* a start on a two-sided bound is allowed and the fit leaves it when
     * the optimum is inside: bounds (0.1, 3) on R, start at 3, truth 2 */
    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], 3.0);
    srx_fit_param_init(&p[2], 0.0);
    p[1].has_lower = p[1].has_upper = 1;
    p[1].lower = 0.1;
    p[1].upper = 3.0;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, &sum, NULL, NULL), SRX_OK);
    srxt_assert_rel(p[1].value, 2.0, 1e-9);

    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], 0.5);
    srx_fit_param_init(&p[2], 0.0);
    p[1].has_lower = p[1].has_upper = 1;
    p[1].lower = 0.1;
    p[1].upper = 1.0;

    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], 0.5);
    srx_fit_param_init(&p[2], 0.0);
    p[1].log_scale = 1;
    p[1].has_lower = p[1].has_upper = 1;
    p[1].lower = 1e-3;
    p[1].upper = 1.5;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, &sum, NULL, NULL), SRX_OK);
    ck_assert(p[1].value <= 1.5 && p[1].value > 1.5 - 1e-9);

    /* lower bound only: offset C forced above 0.2 while the truth is 0 */
    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], 1.0);
    srx_fit_param_init(&p[2], 0.5);
    p[2].has_lower = 1;
    p[2].lower = 0.2;
    st = srx_fit_run(f, &m, N, y, NULL, p, NULL, &sum, NULL, NULL);
    ck_assert(st == SRX_OK || st == SRX_ENOCONV);
    ck_assert(p[2].value >= 0.2 && p[2].value < 0.21);

    /* upper bound only, inactive: the truth (C = 0) is recovered */
    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], 1.0);
    srx_fit_param_init(&p[2], -0.1);
    p[2].has_upper = 1;
    p[2].upper = 0.5;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, &sum, NULL, NULL), SRX_OK);
    ck_assert_double_eq_tol(p[2].value, 0.0, 1e-9);
    srxt_assert_rel(p[1].value, 2.0, 1e-9);
    srx_fit_free(f);
}
END_TEST

START_TEST(fixed_parameters_untouched)
{
    /* a fixed parameter keeps its exact bits, error 0, zero covariance row
     * and column; the others fit as if it were a constant (exact data with
     * the fixed value at the truth: 1e-10) */
    enum { N = 15 };
    double t[N], y[N], cov[9];
    size_t i;
    exp_data d;
    srx_fit_model m = {exp_model, NULL, 1};
    srx_fit_param p[3];
    srx_fit_summary sum;
    srx_fit *f = make_fit(N, 3);
    const double fixed_c = 0.123456789012345;
    for (i = 0; i < N; i++) {
        t[i] = 0.2 * (double)i;
        y[i] = 1.5 * exp(-0.8 * t[i]) + fixed_c;
    }
    d.t = t;
    m.user = &d;
    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], 2.0);
    srx_fit_param_init(&p[2], fixed_c);
    p[2].fixed = 1;
    p[1].log_scale = 1;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, &sum, cov, NULL), SRX_OK);
    ck_assert(p[2].value == fixed_c);
    ck_assert(p[2].error == 0.0);
    ck_assert_int_eq(sum.n_free, 2);
    ck_assert_int_eq(sum.dof, N - 2);
    for (i = 0; i < 3; i++)
        ck_assert(cov[2 * 3 + i] == 0.0 && cov[i * 3 + 2] == 0.0);
    srxt_assert_rel(p[0].value, 1.5, 1e-10);
    srxt_assert_rel(p[1].value, 0.8, 1e-10);

    /* everything fixed: chi2 only */
    p[0].fixed = p[1].fixed = 1;
    p[0].value = 1.5;
    p[1].value = 0.8;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, &sum, cov, NULL), SRX_OK);
    ck_assert_int_eq(sum.n_free, 0);
    ck_assert(sum.chi2 < 1e-28);
    srx_fit_free(f);
}
END_TEST

START_TEST(global_fit_shared_rate)
{
    /* two data sets (different amplitudes and delays) sharing one rate; the
     * callback uses a data-set id per point.  Exact data: truth to 1e-10.
     * Then noisy data: the shared rate lies within 4 of its standard
     * uncertainties of the truth, and its uncertainty is smaller than that
     * of either set fitted alone (the point of a global fit). */
    enum { N1 = 10, N2 = 14, N = N1 + N2 };
    double t[N], y[N], yn[N], s[N];
    int set[N];
    size_t i;
    global_data d;
    srx_fit_model m = {global_model, NULL, 1};
    srx_fit_param p[3];
    srx_fit *f = make_fit(N, 3);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double err_global;
    gsl_rng_set(r, 3);
    for (i = 0; i < N; i++) {
        set[i] = i < N1 ? 0 : 1;
        t[i] = set[i] == 0 ? 0.1 * (double)i : 0.05 * (double)(i - N1);
        y[i] = (set[i] == 0 ? 2.0 : 7.0) * exp(-1.3 * t[i]);
        s[i] = 0.01;
        yn[i] = y[i] + gsl_ran_gaussian(r, s[i]);
    }
    d.t = t;
    d.set = set;
    m.user = &d;
    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], 1.0);
    srx_fit_param_init(&p[2], 0.5);
    p[2].log_scale = 1;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_OK);
    srxt_assert_rel(p[0].value, 2.0, 1e-10);
    srxt_assert_rel(p[1].value, 7.0, 1e-10);
    srxt_assert_rel(p[2].value, 1.3, 1e-10);

    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], 1.0);
    srx_fit_param_init(&p[2], 0.5);
    p[2].log_scale = 1;
    ck_assert_int_eq(srx_fit_run(f, &m, N, yn, s, p, NULL, NULL, NULL, NULL), SRX_OK);
    ck_assert(fabs(p[2].value - 1.3) < 4.0 * p[2].error);
    err_global = p[2].error;
    /* the first set alone: A2 fixed (its points absent) */
    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], 1.0);
    srx_fit_param_init(&p[2], 0.5);
    p[1].fixed = 1;
    ck_assert_int_eq(srx_fit_run(f, &m, N1, yn, s, p, NULL, NULL, NULL, NULL), SRX_OK);
    ck_assert(p[2].error > err_global);
    srx_fit_free(f);
    gsl_rng_free(r);
}
END_TEST

/* coverage of the 1-sigma interval over many noisy draws */
static void coverage_study(int draws, int weighted, double *frac_r, double *frac_a)
{
    enum { N = 30 };
    double t[N], y[N], s[N];
    size_t i;
    int k, in_r = 0, in_a = 0, ok = 0;
    exp_data d;
    srx_fit_model m = {exp_model, NULL, 1};
    srx_fit_param p[3];
    srx_fit *f = make_fit(N, 3);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, weighted ? 2024 : 1977);
    d.t = t;
    m.user = &d;
    for (i = 0; i < N; i++) {
        t[i] = 0.1 * (double)i;
        /* heteroscedastic when weighted; the unweighted fit assumes one
         * common (unknown) sigma, so its data must have one */
        s[i] = weighted ? 0.02 * (1.0 + (double)(i % 3)) : 0.03;
    }
    for (k = 0; k < draws; k++) {
        for (i = 0; i < N; i++)
            y[i] = 1.0 * exp(-1.5 * t[i]) + 0.2 + gsl_ran_gaussian(r, s[i]);
        srx_fit_param_init(&p[0], 0.5);
        srx_fit_param_init(&p[1], 1.0);
        srx_fit_param_init(&p[2], 0.0);
        p[1].log_scale = 1;
        if (srx_fit_run(f, &m, N, y, weighted ? s : NULL, p, NULL, NULL, NULL, NULL) != SRX_OK)
            continue;
        ok++;
        in_r += fabs(p[1].value - 1.5) <= p[1].error;
        in_a += fabs(p[0].value - 1.0) <= p[0].error;
    }
    ck_assert_int_eq(ok, draws);
    *frac_r = (double)in_r / draws;
    *frac_a = (double)in_a / draws;
    srx_fit_free(f);
    gsl_rng_free(r);
}

START_TEST(coverage_of_one_sigma)
{
    /* Gaussian noise, 30 points, 3 parameters.  Weighted (sigma known): the
     * 1-sigma interval covers the truth with probability 0.6827 (to the
     * small nonlinearity).  Unweighted (sigma from chi2/27): Student t with
     * 27 dof, P(|t| < 1) = 0.6738.  Tolerance: 4 binomial standard
     * deviations, sqrt(0.68 * 0.32 / draws). */
    int draws = srxt_long() ? 20000 : 400, w;
    for (w = 0; w <= 1; w++) {
        double fr, fa, expect = w ? 0.6827 : 0.6738;
        double tol = 4.0 * sqrt(0.68 * 0.32 / draws);
        coverage_study(draws, w, &fr, &fa);
        ck_assert_msg(fabs(fr - expect) < tol, "rate coverage %g (weighted %d)", fr, w);
        ck_assert_msg(fabs(fa - expect) < tol, "amplitude coverage %g (weighted %d)", fa, w);
    }
}
END_TEST

/* a model that is NaN for negative p1 (sqrt) */
static int sqrt_model(const double *p, size_t np, size_t n, double *m, double *jac, void *user)
{
    const double *x = user;
    size_t i;
    (void)np;
    for (i = 0; i < n; i++) {
        m[i] = p[0] + sqrt(p[1]) * x[i];
        if (jac) {
            jac[i * 2] = 1.0;
            jac[i * 2 + 1] = 0.5 / sqrt(p[1]) * x[i];
        }
    }
    return 0;
}

START_TEST(nonfinite_trial_points_are_rejected)
{
    /* truth p1 = 1e-4 (slope 0.01) from a start at 4: a long LM step lands
     * at p1 < 0 (NaN model) and must be rejected, not abort the fit */
    enum { N = 10 };
    double x[N], y[N];
    size_t i;
    srx_fit_model m = {sqrt_model, NULL, 1};
    srx_fit_param p[2];
    srx_fit *f = make_fit(N, 2);
    for (i = 0; i < N; i++) {
        x[i] = (double)i;
        y[i] = 1.0 + 0.01 * x[i];
    }
    m.user = x;
    srx_fit_param_init(&p[0], 0.0);
    srx_fit_param_init(&p[1], 4.0);
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_OK);
    srxt_assert_rel(p[1].value, 1e-4, 1e-8);
    /* start in the NaN region: clean SRX_EDOM */
    srx_fit_param_init(&p[0], 0.0);
    srx_fit_param_init(&p[1], -1.0);
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_EDOM);
    ck_assert(p[1].value == -1.0);
    srx_fit_free(f);
}
END_TEST

/* y = (p0 + p1) x: only the sum is determined */
static int sum_model(const double *p, size_t np, size_t n, double *m, double *jac, void *user)
{
    const double *x = user;
    size_t i;
    (void)np;
    for (i = 0; i < n; i++) {
        m[i] = (p[0] + p[1]) * x[i];
        if (jac)
            jac[i * 2] = jac[i * 2 + 1] = x[i];
    }
    return 0;
}

static int nan_jac_model(const double *p, size_t np, size_t n, double *m, double *jac, void *user)
{
    size_t i;
    (void)np;
    (void)user;
    for (i = 0; i < n; i++) {
        m[i] = p[0] * (double)i + p[1];
        if (jac) {
            jac[i * 2] = NAN;
            jac[i * 2 + 1] = 1.0;
        }
    }
    return 0;
}

static int failing_model(const double *p, size_t np, size_t n, double *m, double *jac, void *user)
{
    (void)p;
    (void)np;
    (void)n;
    (void)m;
    (void)jac;
    (void)user;
    return SRX_ECANCELED;
}

START_TEST(singular_and_nonconvergence)
{
    enum { N = 8 };
    double x[N], y[N], t[N];
    size_t i;
    srx_fit_model m = {sum_model, NULL, 1};
    srx_fit_param p[3];
    srx_fit_summary sum;
    srx_fit_options o;
    srx_diag dg;
    srx_fit *f = make_fit(N, 2), *f3 = make_fit(N, 3);
    exp_data d;
    for (i = 0; i < N; i++) {
        x[i] = (double)i + 1.0;
        y[i] = 3.0 * x[i];
        t[i] = 0.3 * (double)i;
    }
    m.user = x;
    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], 1.0);
    srx_diag_clear(&dg);
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, &sum, NULL, &dg), SRX_ESINGULAR);
    ck_assert(sum.singular);
    ck_assert(strlen(dg.message) > 0);
    /* the values are a solution (their sum is 3), errors NaN */
    srxt_assert_rel(p[0].value + p[1].value, 3.0, 1e-8);
    ck_assert(isnan(p[0].error) && isnan(p[1].error));

    /* max_iter reached: SRX_ENOCONV with the result still filled */
    d.t = t;
    for (i = 0; i < N; i++)
        y[i] = 5.0 * exp(-3.0 * t[i]) + 1.0;
    m.eval = exp_model;
    m.user = &d;
    srx_fit_options_init(&o);
    o.max_iter = 1;
    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], 0.1);
    srx_fit_param_init(&p[2], 0.0);
    ck_assert_int_eq(srx_fit_run(f3, &m, N, y, NULL, p, &o, &sum, NULL, NULL), SRX_ENOCONV);
    ck_assert_int_eq(sum.converged, 0);
    ck_assert_int_eq(sum.n_iter, 1);
    ck_assert(isfinite(p[0].value) && isfinite(p[1].error) && p[1].value != 0.1);

    /* a model that ignores its free parameters: SRX_ESINGULAR at once,
     * values kept, uncertainties NaN, summary filled */
    m.eval = sum_model;
    m.user = x;
    {
        double zero_x[N];
        for (i = 0; i < N; i++)
            zero_x[i] = 0.0;
        m.user = zero_x;
        srx_fit_param_init(&p[0], 1.0);
        srx_fit_param_init(&p[1], 2.0);
        memset(&sum, 0, sizeof sum);
        ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, &sum, NULL, NULL),
                         SRX_ESINGULAR);
        ck_assert(sum.singular && p[0].value == 1.0 && isnan(p[1].error));
        m.user = &d;
    }

    /* NaN Jacobian: SRX_EDOM; failing callback: its code */
    m.eval = nan_jac_model;
    srx_fit_param_init(&p[0], 1.0);
    srx_fit_param_init(&p[1], 1.0);
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_EDOM);
    m.eval = failing_model;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_ECANCELED);
    srx_fit_free(f);
    srx_fit_free(f3);
}
END_TEST

START_TEST(bad_input)
{
    enum { N = 6 };
    double x[N], y[N], s[N];
    size_t i;
    line_data d;
    srx_fit_model m = {line_model, NULL, 1}, nomodel = {NULL, NULL, 1};
    srx_fit_param p[2];
    srx_fit_options o;
    srx_fit *f = NULL;
    srx_diag dg;
    for (i = 0; i < N; i++) {
        x[i] = (double)i;
        y[i] = 1.0 + x[i];
        s[i] = 0.1;
    }
    d.x = x;
    m.user = &d;

    ck_assert_int_eq(srx_fit_alloc(NULL, 5, 2, 0, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_fit_alloc(&f, 0, 2, 0, NULL), SRX_EINVAL);
    ck_assert_ptr_null(f);
    ck_assert_int_eq(srx_fit_alloc(&f, 5, 0, 0, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_fit_alloc(&f, 1, 2, 0, NULL), SRX_ENODATA);
    ck_assert_int_eq(srx_fit_alloc(&f, 5, 2, 8u, NULL), SRX_EINVAL);
    srx_fit_free(NULL);
    f = make_fit(N, 2);
    ck_assert_int_eq(srx_fit_max_points(f), N);
    ck_assert_int_eq(srx_fit_n_params(f), 2);
    ck_assert_int_eq(srx_fit_reserve(f, 3, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_fit_reserve(f, 1, NULL), SRX_OK);

#define RESET() (srx_fit_param_init(&p[0], 0.0), srx_fit_param_init(&p[1], 0.5))
    RESET();
    ck_assert_int_eq(srx_fit_run(NULL, &m, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_fit_run(f, NULL, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_fit_run(f, &nomodel, N, y, NULL, p, NULL, NULL, NULL, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_fit_run(f, &m, N, NULL, NULL, p, NULL, NULL, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, NULL, NULL, NULL, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_fit_run(f, &m, N + 1, y, NULL, p, NULL, NULL, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_fit_run(f, &m, 0, y, NULL, p, NULL, NULL, NULL, NULL), SRX_ENODATA);
    ck_assert_int_eq(srx_fit_run(f, &m, 1, y, NULL, p, NULL, NULL, NULL, NULL), SRX_ENODATA);
    y[2] = NAN;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_EINVAL);
    y[2] = INFINITY;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_EINVAL);
    y[2] = 3.0;
    s[1] = 0.0;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, s, p, NULL, NULL, NULL, NULL), SRX_EDOM);
    s[1] = -1.0;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, s, p, NULL, NULL, NULL, NULL), SRX_EDOM);
    s[1] = NAN;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, s, p, NULL, NULL, NULL, NULL), SRX_EINVAL);
    s[1] = 0.1;
    p[0].value = NAN;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_EINVAL);
    RESET();
    p[0].value = INFINITY;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_EDOM);
    RESET();
    p[1].has_lower = p[1].has_upper = 1;
    p[1].lower = 1.0;
    p[1].upper = 0.0;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_EDOM);
    RESET();
    p[1].has_lower = 1;
    p[1].lower = 0.5; /* start on the bound */
    srx_diag_clear(&dg);
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, NULL, NULL, &dg), SRX_EDOM);
    ck_assert(strstr(dg.message, "parameter 1") != NULL);
    RESET();
    p[1].has_upper = 1;
    p[1].upper = NAN;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_EINVAL);
    RESET();
    p[0].log_scale = 1; /* value 0 */
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, NULL, NULL, NULL, NULL), SRX_EDOM);
    RESET();
    srx_fit_options_init(&o);
    o.xtol = -1.0;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, &o, NULL, NULL, NULL), SRX_EINVAL);
    o.xtol = NAN;
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, NULL, p, &o, NULL, NULL, NULL), SRX_EINVAL);
    /* the parameters are left as they were on argument errors */
    ck_assert(p[0].value == 0.0 && p[1].value == 0.5);
    /* and a good run still works after all that */
    ck_assert_int_eq(srx_fit_run(f, &m, N, y, s, p, NULL, NULL, NULL, NULL), SRX_OK);
    srxt_assert_rel(p[1].value, 1.0, 1e-10);
#undef RESET
    srx_fit_free(f);
}
END_TEST

START_TEST(fewer_points_than_allocated)
{
    /* an object for 40 points fits 7 (padding must not change anything):
     * same result as an object of exactly 7, to rounding */
    enum { N = 7 };
    double x[N], y[N], s[N];
    size_t i;
    line_data d;
    srx_fit_model m = {line_model, NULL, 1};
    srx_fit_param p[2], q[2];
    srx_fit_summary sp, sq;
    srx_fit *big = make_fit(40, 2), *small = make_fit(N, 2);
    for (i = 0; i < N; i++) {
        x[i] = (double)i;
        y[i] = 1.0 + 0.5 * x[i] + (i % 2 ? 0.1 : -0.1);
        s[i] = 0.1;
    }
    d.x = x;
    m.user = &d;
    srx_fit_param_init(&p[0], 0.0);
    srx_fit_param_init(&p[1], 0.0);
    memcpy(q, p, sizeof p);
    ck_assert_int_eq(srx_fit_run(big, &m, N, y, s, p, NULL, &sp, NULL, NULL), SRX_OK);
    ck_assert_int_eq(srx_fit_run(small, &m, N, y, s, q, NULL, &sq, NULL, NULL), SRX_OK);
    ck_assert_int_eq(sp.dof, N - 2);
    for (i = 0; i < 2; i++) {
        srxt_assert_rel(p[i].value, q[i].value, 1e-12);
        srxt_assert_rel(p[i].error, q[i].error, 1e-12);
    }
    srxt_assert_rel(sp.chi2, sq.chi2, 1e-12);
    /* as many points as parameters: exact interpolation, dof 0; without
     * sigma the uncertainties cannot be scaled (NaN), with sigma they can */
    srx_fit_param_init(&p[0], 0.0);
    srx_fit_param_init(&p[1], 0.0);
    ck_assert_int_eq(srx_fit_run(small, &m, 2, y, NULL, p, NULL, &sp, NULL, NULL), SRX_OK);
    ck_assert_int_eq(sp.dof, 0);
    ck_assert(isnan(sp.reduced_chi2) && isnan(p[0].error));
    srxt_assert_rel(p[1].value, y[1] - y[0], 1e-12);
    ck_assert_int_eq(srx_fit_run(small, &m, 2, y, s, p, NULL, &sp, NULL, NULL), SRX_OK);
    /* line through (0, y0) and (1, y1) with sigma 0.1: var(a) = 0.01,
     * var(b) = 0.02 */
    srxt_assert_rel(p[0].error, 0.1, 1e-10);
    srxt_assert_rel(p[1].error, sqrt(0.02), 1e-10);
    srx_fit_free(big);
    srx_fit_free(small);
}
END_TEST

static Suite *fit_suite(void)
{
    Suite *s = suite_create("fit");
    TCase *tc;

    tc = tcase_create("linear");
    tcase_add_test(tc, linear_model_matches_closed_form);
    tcase_add_test(tc, fewer_points_than_allocated);
    suite_add_tcase(s, tc);

    tc = tcase_create("covariance");
    tcase_add_test(tc, covariance_scaling_with_and_without_sigma);
    tcase_add_test(tc, finite_difference_covariance);
    suite_add_tcase(s, tc);

    tc = tcase_create("exact");
    tcase_add_test(tc, exponential_exact_data);
    tcase_add_test(tc, finite_differences_and_geodesic);
    suite_add_tcase(s, tc);

    tc = tcase_create("parameters");
    tcase_add_test(tc, bounds_are_respected);
    tcase_add_test(tc, fixed_parameters_untouched);
    suite_add_tcase(s, tc);

    tc = tcase_create("global");
    tcase_add_test(tc, global_fit_shared_rate);
    suite_add_tcase(s, tc);

    tc = tcase_create("coverage");
    tcase_add_test(tc, coverage_of_one_sigma);
    tcase_set_timeout(tc, srxt_long() ? 600 : 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("robustness");
    tcase_add_test(tc, nonfinite_trial_points_are_rejected);
    tcase_add_test(tc, singular_and_nonconvergence);
    tcase_add_test(tc, bad_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return srxt_run(fit_suite());
}
