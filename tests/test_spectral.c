/* spectral: check values of physics.md section 2-3, limits, asymptotes,
 * derivatives, and the Gaussian-Ea quadrature against an independent rule. */
#include <float.h>
#include <string.h>

#include <gsl/gsl_min.h>
#include <gsl/gsl_poly.h>
#include <gsl/gsl_roots.h>

#include "spinrelax.h"
#include "testlib.h"

#define TWO_PI (2.0 * 3.14159265358979323846)
#define NU0 116.59e6 /* any frequency: the check values are dimensionless */

static srx_spectral_kind g_kind;
static double g_shape;

static double jj(srx_spectral_kind kind, double nu, double tau, double shape)
{
    double j = NAN;
    int status = srx_spectral_j(kind, nu, tau, shape, &j, NULL);
    ck_assert_int_eq(status, SRX_OK);
    return j;
}

/* omega0 [J(w0) + 4 J(2 w0)] as a function of x = omega0 tau */
static double t1_reduced(double x, void *p)
{
    double tau = x / (TWO_PI * NU0);
    (void)p;
    return TWO_PI * NU0 * (jj(g_kind, NU0, tau, g_shape) + 4.0 * jj(g_kind, 2 * NU0, tau, g_shape));
}

static double neg_t1_reduced(double lx, void *p)
{
    return -t1_reduced(exp(lx), p);
}

/* maximum of t1_reduced over x by Brent minimisation in ln x */
static double t1_argmax(double lo, double hi)
{
    gsl_min_fminimizer *m = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
    gsl_function f = {neg_t1_reduced, NULL};
    double x = 0.5 * (log(lo) + log(hi));
    int it;
    gsl_min_fminimizer_set(m, &f, x, log(lo), log(hi));
    for (it = 0; it < 200; it++) {
        gsl_min_fminimizer_iterate(m);
        x = gsl_min_fminimizer_x_minimum(m);
        if (gsl_min_fminimizer_x_upper(m) - gsl_min_fminimizer_x_lower(m) < 1e-10)
            break;
    }
    gsl_min_fminimizer_free(m);
    return exp(x);
}

static double g_target;
static double t1_minus_target(double x, void *p)
{
    return t1_reduced(x, p) - g_target;
}

static double root_between(double lo, double hi)
{
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    gsl_function f = {t1_minus_target, NULL};
    double r = NAN;
    int it;
    gsl_root_fsolver_set(s, &f, lo, hi);
    for (it = 0; it < 200; it++) {
        gsl_root_fsolver_iterate(s);
        r = gsl_root_fsolver_root(s);
        if (gsl_root_fsolver_x_upper(s) - gsl_root_fsolver_x_lower(s) < 1e-13)
            break;
    }
    gsl_root_fsolver_free(s);
    return r;
}

START_TEST(bpp_t1_maximum_check_values)
{
    double u[3], x, xmax;
    int n;
    g_kind = SRX_SPECTRAL_BPP;
    g_shape = 0.0;
    /* independent: the positive root of 32 u^3 + 20 u^2 + u - 5 = 0 */
    n = gsl_poly_solve_cubic(20.0 / 32.0, 1.0 / 32.0, -5.0 / 32.0, &u[0], &u[1], &u[2]);
    x = 0.0;
    for (int i = 0; i < n; i++)
        if (u[i] > 0)
            x = sqrt(u[i]);
    srxt_assert_rel(x, 0.6157951470, 2e-10);
    /* the value there, to the 11 digits of physics.md */
    srxt_assert_rel(t1_reduced(x, NULL), 1.4251757191, 1e-10);
    /* peak R1 = 0.9501171461 M2 / omega0 with K = (2/3) M2 */
    srxt_assert_rel(2.0 / 3.0 * t1_reduced(x, NULL), 0.9501171461, 1e-10);
    /* the maximum of the library's function is there (Brent: ~sqrt(eps)) */
    xmax = t1_argmax(0.05, 5.0);
    srxt_assert_rel(xmax, 0.6157951470, 1e-6);
    /* half height */
    g_target = 0.5 * 1.4251757191;
    srxt_assert_rel(root_between(0.01, x), 0.1538807, 1e-6);
    srxt_assert_rel(root_between(x, 50.0), 2.5711481, 1e-6);
    /* 0.632 = sqrt(2/5) is where the asymptotes cross, not the maximum */
    ck_assert(t1_reduced(sqrt(0.4), NULL) < t1_reduced(x, NULL));
}
END_TEST

START_TEST(t1rho_low_frequency_term_maximum)
{
    /* (3/2) J(2 w1) w1 is 0.375 at w1 tau = 1/2 (BPP); for the asymmetric
     * model its maximum is at 2 w1 tau = (beta - 1)^(-1/beta). */
    const double nu1 = 20e3, w1 = TWO_PI * nu1;
    const double betas[] = {1.8, 1.5};
    const double want[] = {0.566, 0.794};
    srxt_assert_rel(1.5 * jj(SRX_SPECTRAL_BPP, 2 * nu1, 0.5 / w1, 0) * w1, 0.375, 1e-14);
    for (int b = 0; b < 2; b++) {
        double best = 0, bestx = 0;
        double xpred = 0.5 * pow(betas[b] - 1.0, -1.0 / betas[b]);
        /* scan w1 tau on a fine log grid, refine by parabola */
        for (double lx = log(0.1); lx < log(5.0); lx += 1e-4) {
            double v = jj(SRX_SPECTRAL_ASYMMETRIC, 2 * nu1, exp(lx) / w1, betas[b]);
            if (v > best) {
                best = v;
                bestx = exp(lx);
            }
        }
        srxt_assert_rel(bestx, xpred, 2e-4);
        ck_assert_double_eq_tol(xpred, want[b], 5e-4);
    }
}
END_TEST

START_TEST(asymmetric_t1_maxima)
{
    g_kind = SRX_SPECTRAL_ASYMMETRIC;
    g_shape = 1.8;
    srxt_assert_rel(t1_argmax(0.05, 5.0), 0.7082308, 2e-6);
    g_shape = 1.5;
    srxt_assert_rel(t1_argmax(0.05, 5.0), 1.0175047, 2e-6);
}
END_TEST

/* apparent activation energy -d ln J / d(1/kB T) at temperature t */
static double apparent_ea(srx_spectral_kind kind, double shape, double nu, double ea, double tau0,
                          double t)
{
    double h = 1e-4 * t, j1, j2;
    ck_assert_int_eq(srx_spectral_j_at_t(kind, nu, t - h, ea, tau0, shape, &j1, NULL), SRX_OK);
    ck_assert_int_eq(srx_spectral_j_at_t(kind, nu, t + h, ea, tau0, shape, &j2, NULL), SRX_OK);
    /* magnitude of the slope: rates rise with 1/T on the high-T flank and
     * fall on the low-T flank */
    return fabs((log(j2) - log(j1)) /
                (1.0 / (SRX_KB_EV_PER_K * (t + h)) - 1.0 / (SRX_KB_EV_PER_K * (t - h))));
}

START_TEST(flank_slopes)
{
    /* Ea = 0.44 eV, tau0 = 1e-13 s at 116.59 MHz: omega tau = 1 near 400 K;
     * 120 K is deep in the low-T flank (omega tau ~ 1e11), 3000 K deep in
     * the high-T flank (omega tau ~ 1e-4). */
    const double ea = 0.44, tau0 = 1e-13;
    const double betas[] = {1.8, 1.5, 1.2}, lows[] = {0.352, 0.220, 0.088};
    for (int b = 0; b < 3; b++)
        ck_assert_double_eq_tol(
            apparent_ea(SRX_SPECTRAL_ASYMMETRIC, betas[b], NU0, ea, tau0, 120.0), lows[b], 1e-6);
    ck_assert_double_eq_tol(apparent_ea(SRX_SPECTRAL_ASYMMETRIC, 1.8, NU0, ea, tau0, 3000.0), ea,
                            1e-3);
    ck_assert_double_eq_tol(apparent_ea(SRX_SPECTRAL_COLE_DAVIDSON, 0.6, NU0, ea, tau0, 120.0),
                            0.264, 1e-6);
    ck_assert_double_eq_tol(apparent_ea(SRX_SPECTRAL_COLE_DAVIDSON, 0.6, NU0, ea, tau0, 3000.0),
                            ea, 1e-3);
    /* Cole-Cole flattens both flanks to alpha Ea */
    ck_assert_double_eq_tol(apparent_ea(SRX_SPECTRAL_COLE_COLE, 0.7, NU0, ea, tau0, 120.0),
                            0.7 * ea, 1e-6);
    ck_assert_double_eq_tol(apparent_ea(SRX_SPECTRAL_COLE_COLE, 0.7, NU0, ea, 1e-16, 3000.0),
                            0.7 * ea, 1e-3);
    /* Gaussian Ea distribution: E0 -/+ s^2 / (kB T) deep in the flanks */
    {
        const double s = 0.03;
        double t = 120.0, kt = SRX_KB_EV_PER_K * t;
        ck_assert_double_eq_tol(apparent_ea(SRX_SPECTRAL_GAUSS_EA, s, NU0, ea, tau0, t),
                                ea - s * s / kt, 1e-4);
        t = 3000.0;
        kt = SRX_KB_EV_PER_K * t;
        ck_assert_double_eq_tol(apparent_ea(SRX_SPECTRAL_GAUSS_EA, s, NU0, ea, 1e-16, t),
                                ea + s * s / kt, 1e-4);
    }
}
END_TEST

START_TEST(lorentzian_limits)
{
    /* every model reduces to BPP at its Lorentzian shape, to 1e-12 relative,
     * over 40 decades of omega tau */
    for (int k = 1; k < SRX_SPECTRAL_NKINDS; k++) {
        double shape = srx_spectral_lorentzian_shape((srx_spectral_kind)k);
        for (double lx = -46.0; lx <= 46.0; lx += 0.37) {
            double tau = exp(lx) / (TWO_PI * NU0);
            double ref = jj(SRX_SPECTRAL_BPP, NU0, tau, 0.0);
            double got = jj((srx_spectral_kind)k, NU0, tau, shape);
            ck_assert_msg(srxt_reldiff(got, ref) <= 1e-12, "%s at ln(w tau) = %g: %.17g vs %.17g",
                          srx_spectral_name((srx_spectral_kind)k), lx, got, ref);
        }
    }
    /* and the textbook formula itself (the logarithmic form costs a few
     * ulp: exp of ln h, |ln h| < 15 here, amplifies rounding by |ln h|) */
    for (double x = 1e-3; x < 1e3; x *= 1.7) {
        double tau = x / (TWO_PI * NU0);
        srxt_assert_rel(jj(SRX_SPECTRAL_BPP, NU0, tau, 0), tau / (1 + x * x), 4e-15);
    }
}
END_TEST

START_TEST(direct_formulas)
{
    /* the models against physics.md's formulas written out directly, at
     * moderate omega tau where the direct form is accurate */
    for (double x = 1e-3; x < 1e3; x *= 1.9) {
        double w = TWO_PI * NU0, tau = x / w;
        double b = 1.6, e = 0.45, a = 0.62;
        srxt_assert_rel(jj(SRX_SPECTRAL_ASYMMETRIC, NU0, tau, b), tau / (1 + pow(x, b)), 1e-13);
        srxt_assert_rel(jj(SRX_SPECTRAL_COLE_DAVIDSON, NU0, tau, e),
                        sin(e * atan(x)) / (w * pow(1 + x * x, e / 2)), 1e-13);
        srxt_assert_rel(jj(SRX_SPECTRAL_COLE_COLE, NU0, tau, a),
                        pow(x, a) * sin(a * M_PI / 2) /
                            (w * (1 + 2 * pow(x, a) * cos(a * M_PI / 2) + pow(x, 2 * a))),
                        1e-13);
    }
}
END_TEST

START_TEST(zero_frequency_limits)
{
    const double tau = 3.7e-9;
    double j;
    srxt_assert_rel(jj(SRX_SPECTRAL_BPP, 0.0, tau, 0), tau, 1e-15);
    srxt_assert_rel(jj(SRX_SPECTRAL_ASYMMETRIC, 0.0, tau, 1.3), tau, 1e-15);
    srxt_assert_rel(jj(SRX_SPECTRAL_COLE_DAVIDSON, 0.0, tau, 0.4), 0.4 * tau, 1e-15);
    srxt_assert_rel(jj(SRX_SPECTRAL_COLE_COLE, 0.0, tau, 1.0), tau, 1e-15);
    /* log-normal mean: tau exp(s^2 / 2) */
    srxt_assert_rel(jj(SRX_SPECTRAL_GAUSS_EA, 0.0, tau, 2.0), tau * exp(2.0), 1e-15);
    /* continuity: a very small frequency approaches the limit (no 0/0) */
    srxt_assert_rel(jj(SRX_SPECTRAL_COLE_DAVIDSON, 1e-300, tau, 0.4), 0.4 * tau, 1e-14);
    srxt_assert_rel(jj(SRX_SPECTRAL_COLE_DAVIDSON, 1e-3, tau, 0.4), 0.4 * tau, 1e-14);
    srxt_assert_rel(jj(SRX_SPECTRAL_GAUSS_EA, 1e-3, tau, 2.0), tau * exp(2.0), 1e-10);
    /* Cole-Cole with alpha < 1 diverges at omega = 0: a domain error, and
     * J ~ tau (omega tau)^(alpha - 1) sin(alpha pi / 2) as omega -> 0 */
    ck_assert_int_eq(srx_spectral_j(SRX_SPECTRAL_COLE_COLE, 0.0, tau, 0.5, &j, NULL), SRX_EDOM);
    {
        double x = TWO_PI * 1e-6 * tau, xa = sqrt(x);
        srxt_assert_rel(jj(SRX_SPECTRAL_COLE_COLE, 1e-6, tau, 0.5),
                        tau / xa * sin(0.25 * M_PI) / (1 + 2 * xa * cos(0.25 * M_PI) + x), 1e-13);
    }
}
END_TEST

START_TEST(extreme_temperatures)
{
    /* Ea / kB T = 700: tau = tau0 e^700 ~ 1e291 s, omega tau ~ 1e300.  J is
     * finite, positive and follows the asymptote 1 / (omega^beta tau^(beta-1))
     * evaluated in logarithms.  At Ea / kB T = -700 (tau -> 0): J = tau. */
    const double tau0 = 1e-13, w = TWO_PI * NU0, ln_tau = log(tau0) + 700.0;
    const double betas[] = {2.0, 1.7, 1.2};
    double j, dj, ds;
    for (int b = 0; b < 3; b++) {
        double want = exp(-betas[b] * log(w) - (betas[b] - 1.0) * ln_tau);
        ck_assert_int_eq(srx_spectral_j_deriv(SRX_SPECTRAL_ASYMMETRIC, NU0, ln_tau, betas[b], &j,
                                              &dj, &ds, NULL), SRX_OK);
        ck_assert(isfinite(j) && j > 0 && isfinite(dj) && isfinite(ds));
        srxt_assert_rel(j, want, 1e-12);
    }
    ck_assert_int_eq(srx_spectral_j_deriv(SRX_SPECTRAL_COLE_DAVIDSON, NU0, ln_tau, 0.5, &j, &dj,
                                          &ds, NULL), SRX_OK);
    srxt_assert_rel(j, sin(0.25 * M_PI) * exp(-1.5 * log(w) - 0.5 * ln_tau), 1e-12);
    ck_assert_int_eq(srx_spectral_j_deriv(SRX_SPECTRAL_COLE_COLE, NU0, ln_tau, 0.5, &j, &dj, &ds,
                                          NULL), SRX_OK);
    srxt_assert_rel(j, sin(0.25 * M_PI) * exp(-1.5 * log(w) - 0.5 * ln_tau), 1e-12);
    ck_assert_int_eq(srx_spectral_j_deriv(SRX_SPECTRAL_GAUSS_EA, NU0, ln_tau, 3.0, &j, &dj, &ds,
                                          NULL), SRX_OK);
    /* deep low-T flank of the log-normal: e^{s^2 / 2} / (omega^2 tau) */
    srxt_assert_rel(j, exp(0.5 * 9.0 - 2.0 * log(w) - ln_tau), 1e-10);
    for (int k = 0; k < SRX_SPECTRAL_NKINDS; k++) {
        double shape = k == 0 ? 0 : srx_spectral_lorentzian_shape((srx_spectral_kind)k);
        if (k == SRX_SPECTRAL_ASYMMETRIC)
            shape = 1.5;
        if (k == SRX_SPECTRAL_GAUSS_EA)
            shape = 1.0;
        /* tau = 1 s * e^-700 ~ 1e-304 (still a normal double) */
        ck_assert_int_eq(srx_spectral_j_deriv((srx_spectral_kind)k, NU0, -700.0, shape,
                                              &j, &dj, &ds, NULL), SRX_OK);
        ck_assert(isfinite(j) && isfinite(dj) && isfinite(ds));
        /* J(0) of each model: tau, except eps tau (CD) and tau e^{s^2/2} */
        srxt_assert_rel(j, exp(-700.0) *
                               (k == SRX_SPECTRAL_GAUSS_EA ? exp(0.5) : 1.0), 1e-12);
    }
    /* through the temperature form: 0.44 eV at 7.3 K is Ea / kB T = 700 */
    ck_assert_int_eq(srx_spectral_j_at_t(SRX_SPECTRAL_BPP, NU0, 0.44 / (700 * SRX_KB_EV_PER_K),
                                         0.44, tau0, 0, &j, NULL), SRX_OK);
    srxt_assert_rel(j, exp(-2.0 * log(w) - ln_tau), 1e-11);
}
END_TEST

/* h(lx) of the Gaussian-Ea model by the trapezoidal rule on a fine uniform
 * grid: for an analytic, rapidly decaying integrand the trapezoidal rule
 * converges geometrically, so with step 0.02 over +-(|s| + 40) it is exact
 * to rounding.  Written independently of the library's CQUAD path. */
static double gauss_h_trapezoid(double lx, double s)
{
    double sum = 0.0, step = 0.02, lim = fabs(s) + 40.0;
    for (double u = -lim; u <= lim; u += step) {
        double y = lx + s * u;
        double lor = 1.0 / (1.0 + exp(2.0 * y));
        sum += exp(-0.5 * u * u + s * u) * lor;
    }
    return sum * step / sqrt(TWO_PI);
}

START_TEST(gauss_quadrature_accuracy)
{
    /* accurate to 1e-10 relative against the independent rule */
    const double widths[] = {0.05, 0.5, 1.0, 2.5, 5.0};
    for (int i = 0; i < 5; i++) {
        for (double lx = -12.0; lx <= 12.0; lx += 1.5) {
            double tau = 1e-6, nu = exp(lx) / (TWO_PI * tau);
            double got = jj(SRX_SPECTRAL_GAUSS_EA, nu, tau, widths[i]);
            double want = tau * gauss_h_trapezoid(lx, widths[i]);
            ck_assert_msg(srxt_reldiff(got, want) < 1e-10, "s = %g, lx = %g: %.17g vs %.17g",
                          widths[i], lx, got, want);
        }
    }
    /* symmetry of omega J in ln(omega tau): exact for a symmetric
     * distribution of ln tau */
    for (double lx = 0.5; lx < 20; lx += 2.1) {
        double tau = 1e-6, s = 1.7;
        double a = exp(lx) * jj(SRX_SPECTRAL_GAUSS_EA, exp(lx) / (TWO_PI * tau), tau, s);
        double b = exp(-lx) * jj(SRX_SPECTRAL_GAUSS_EA, exp(-lx) / (TWO_PI * tau), tau, s);
        srxt_assert_rel(a, b, 1e-11);
    }
}
END_TEST

START_TEST(derivatives_match_finite_differences)
{
    const double shapes[SRX_SPECTRAL_NKINDS] = {0.0, 1.55, 0.45, 0.62, 1.3};
    for (int k = 0; k < SRX_SPECTRAL_NKINDS; k++) {
        for (double lx = -8.0; lx <= 8.0; lx += 0.8) {
            double ln_tau = log(1e-8) + 0.1, nu = exp(lx - ln_tau) / TWO_PI;
            double s = shapes[k], j, dlt, dsh, jp, jm, h = 1e-5;
            srx_spectral_kind kind = (srx_spectral_kind)k;
            ck_assert_int_eq(srx_spectral_j_deriv(kind, nu, ln_tau, s, &j, &dlt, &dsh, NULL),
                             SRX_OK);
            ck_assert_int_eq(srx_spectral_j_deriv(kind, nu, ln_tau + h, s, &jp, NULL, NULL, NULL),
                             SRX_OK);
            ck_assert_int_eq(srx_spectral_j_deriv(kind, nu, ln_tau - h, s, &jm, NULL, NULL, NULL),
                             SRX_OK);
            /* central difference: error O(h^2) ~ 1e-10 of J, rounding ~ eps/h */
            ck_assert_msg(fabs((jp - jm) / (2 * h) - dlt) <= 1e-7 * j, "%s dJ/dlntau at lx %g",
                          srx_spectral_name(kind), lx);
            if (k == 0)
                continue;
            if (k == 1 && s + h > 2.0)
                continue;
            ck_assert_int_eq(srx_spectral_j_deriv(kind, nu, ln_tau, s + h, &jp, NULL, NULL, NULL),
                             SRX_OK);
            ck_assert_int_eq(srx_spectral_j_deriv(kind, nu, ln_tau, s - h, &jm, NULL, NULL, NULL),
                             SRX_OK);
            ck_assert_msg(fabs((jp - jm) / (2 * h) - dsh) <= 1e-7 * j * (1 + fabs(lx)),
                          "%s dJ/dshape at lx %g: %g vs %g", srx_spectral_name(kind), lx,
                          (jp - jm) / (2 * h), dsh);
        }
    }
}
END_TEST

START_TEST(tau_arrhenius)
{
    double tau;
    /* physics.md: a 7Li T1rho peak at 513 K with nu1 = 20 kHz means
     * tau(513 K) = 1 / (2 w1) = 3.97887e-6 s */
    srxt_assert_rel(0.5 / (TWO_PI * 20e3), 3.97887e-6, 1e-6);
    ck_assert_int_eq(srx_spectral_tau_s(513.0, 0.5, 1e-11, &tau, NULL), SRX_OK);
    srxt_assert_rel(tau, 1e-11 * exp(0.5 / (8.617333262e-5 * 513.0)), 1e-14);
    ck_assert_int_eq(srx_spectral_tau_s(1.0, 1.0, 1.0, &tau, NULL), SRX_ERANGE);
}
END_TEST

START_TEST(invalid_arguments)
{
    double j;
    srx_diag d;
    srx_spectral_kind k;
    ck_assert_int_eq(srx_spectral_j(SRX_SPECTRAL_ASYMMETRIC, 1e6, 1e-6, 2.5, &j, &d), SRX_EDOM);
    ck_assert_ptr_nonnull(strstr(d.message, "beta"));
    ck_assert_int_eq(srx_spectral_j(SRX_SPECTRAL_ASYMMETRIC, 1e6, 1e-6, 1.0, &j, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_spectral_j(SRX_SPECTRAL_ASYMMETRIC, 1e6, 1e-6, NAN, &j, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_spectral_j(SRX_SPECTRAL_COLE_DAVIDSON, 1e6, 1e-6, 0.0, &j, NULL),
                     SRX_EDOM);
    ck_assert_int_eq(srx_spectral_j(SRX_SPECTRAL_COLE_DAVIDSON, 1e6, 1e-6, 1.01, &j, NULL),
                     SRX_EDOM);
    ck_assert_int_eq(srx_spectral_j(SRX_SPECTRAL_COLE_COLE, 1e6, 1e-6, -0.5, &j, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_spectral_j(SRX_SPECTRAL_GAUSS_EA, 1e6, 1e-6, -0.1, &j, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_spectral_j(SRX_SPECTRAL_BPP, -1.0, 1e-6, 0, &j, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_spectral_j(SRX_SPECTRAL_BPP, NAN, 1e-6, 0, &j, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_spectral_j(SRX_SPECTRAL_BPP, 1e6, 0.0, 0, &j, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_spectral_j(SRX_SPECTRAL_BPP, 1e6, NAN, 0, &j, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_spectral_j(SRX_SPECTRAL_BPP, 1e6, 1e-6, 0, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_spectral_j((srx_spectral_kind)42, 1e6, 1e-6, 0, &j, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_spectral_j_at_t(SRX_SPECTRAL_BPP, 1e6, 0.0, 0.3, 1e-12, 0, &j, NULL),
                     SRX_EDOM);
    ck_assert_int_eq(srx_spectral_j_at_t(SRX_SPECTRAL_BPP, 1e6, -5.0, 0.3, 1e-12, 0, &j, NULL),
                     SRX_EDOM);
    ck_assert_int_eq(srx_spectral_j_at_t(SRX_SPECTRAL_BPP, 1e6, NAN, 0.3, 1e-12, 0, &j, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_spectral_j_at_t(SRX_SPECTRAL_BPP, 1e6, 300, 0.3, -1e-12, 0, &j, NULL),
                     SRX_EDOM);
    ck_assert_int_eq(srx_spectral_parse("lorentzian", &k, &d), SRX_ENOTFOUND);
    ck_assert_int_eq(srx_spectral_parse("cole-cole", &k, NULL), SRX_OK);
    ck_assert_int_eq(k, SRX_SPECTRAL_COLE_COLE);
    ck_assert_ptr_null(srx_spectral_name((srx_spectral_kind)7));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spectral");
    TCase *tc;

    tc = tcase_create("check values");
    tcase_add_test(tc, bpp_t1_maximum_check_values);
    tcase_add_test(tc, t1rho_low_frequency_term_maximum);
    tcase_add_test(tc, asymmetric_t1_maxima);
    tcase_add_test(tc, flank_slopes);
    tcase_add_test(tc, tau_arrhenius);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_test(tc, lorentzian_limits);
    tcase_add_test(tc, direct_formulas);
    tcase_add_test(tc, zero_frequency_limits);
    tcase_add_test(tc, extreme_temperatures);
    suite_add_tcase(s, tc);

    tc = tcase_create("gauss-ea quadrature");
    tcase_add_test(tc, gauss_quadrature_accuracy);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("derivatives");
    tcase_add_test(tc, derivatives_match_finite_differences);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("invalid arguments");
    tcase_add_test(tc, invalid_arguments);
    suite_add_tcase(s, tc);
    return srxt_run(s);
}
