/* Tests of the quadrupolar module: physics.md check values, the closed A/B/C
 * forms, exact diagonalisation of the Zeeman + quadrupole Hamiltonian
 * (static, and averaged over the rotor phase at several rotor angles), and
 * bad input. */
#include <config.h>

#include <complex.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_complex.h>
#include <gsl/gsl_complex_math.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sort_vector.h>

#include "quadrupolar_internal.h"
#include "spinrelax/quadrupolar.h"
#include "testlib.h"

#define PI 3.14159265358979323846

/* ------------------------------------------------------------ check values */

START_TEST(test_check_values)
{
    double nuq, qis;
    ck_assert_int_eq(srx_quad_nuq_hz(2.5, 8.3e6, &nuq, NULL), SRX_OK);
    /* physics.md: nuQ = 1.245 MHz (exact: 3 * 8.3e6 / 20) */
    ck_assert_double_eq_tol(nuq, 1.245e6, 1e-6);
    ck_assert_int_eq(srx_quad_iso_shift_hz(2.5, 8.3e6, 0.28, 130.29e6, &qis, NULL), SRX_OK);
    /* physics.md: -3255.37 Hz, quoted to 0.01 Hz */
    ck_assert_double_eq_tol(qis, -3255.37, 0.006);
}
END_TEST

/* ------------------------------------------------------------ Wigner d */

/* general Wigner formula (Varshalovich 4.3.1), written independently */
static double wigner_general(int j, int mp, int m, double beta)
{
    double sum = 0.0, pre;
    int k;
    pre = sqrt(gsl_sf_fact((unsigned)(j + mp)) * gsl_sf_fact((unsigned)(j - mp)) *
               gsl_sf_fact((unsigned)(j + m)) * gsl_sf_fact((unsigned)(j - m)));
    for (k = 0; k <= 2 * j; k++) {
        int a = j + m - k, b = k, c = j - mp - k, d = mp - m + k;
        if (a < 0 || c < 0 || d < 0)
            continue;
        sum += ((k + mp - m) % 2 ? -1.0 : 1.0) /
               (gsl_sf_fact((unsigned)a) * gsl_sf_fact((unsigned)b) * gsl_sf_fact((unsigned)c) *
                gsl_sf_fact((unsigned)d)) *
               pow(cos(beta / 2), 2 * j + m - mp - 2 * k) * pow(sin(beta / 2), mp - m + 2 * k);
    }
    return pre * sum;
}

START_TEST(test_wigner)
{
    static const double betas[] = {0.0, 0.3, 0.9553, 1.7, 3.0};
    size_t i;
    int a, b;
    for (i = 0; i < sizeof betas / sizeof betas[0]; i++) {
        double d[5][5];
        srxi_wigner_d2(betas[i], d);
        for (a = -2; a <= 2; a++)
            for (b = -2; b <= 2; b++)
                /* both are closed forms of the same polynomial: rounding only */
                ck_assert_double_eq_tol(d[a + 2][b + 2], wigner_general(2, a, b, betas[i]), 1e-14);
    }
}
END_TEST

/* ------------------------------------------------------------ closed forms */

START_TEST(test_closed_forms)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    srx_quad_site s;
    int i, mas;
    gsl_rng_set(r, 11);
    srx_quad_site_init(&s);
    s.cq_hz = 8.3e6;
    for (i = 0; i < 200; i++) {
        double th = acos(gsl_rng_uniform(r)), ph = 2 * PI * gsl_rng_uniform(r);
        s.eta = gsl_rng_uniform(r);
        for (mas = 0; mas <= 1; mas++) {
            double a, b;
            ck_assert_int_eq(srx_quad_ct_second_order_hz(2.5, s.cq_hz, s.eta, 130.29e6, mas, th,
                                                         ph, &a, NULL), SRX_OK);
            ck_assert_int_eq(srx_quad_frequency_hz(&s, 2.5, 0.5, 130.29e6,
                                                   mas ? SRX_MAGIC_ANGLE_RAD : 0.0, ph, th, &b,
                                                   NULL), SRX_OK);
            /* two algebraic forms of the same expression: rounding (~1e-12 of the width) */
            ck_assert_double_eq_tol(a, b, 1e-9 * 1e4);
        }
    }
    gsl_rng_free(r);
}
END_TEST

/* ------------------------------------------------------------ exact diagonalisation */

/* Exact levels of H/h = nu0 Iz + (nuQ/6) sum_ab v_ab (Ia Ib + Ib Ia), v = the
 * EFG / Vzz in the frame whose z axis is b (unit vector in the PAS), v_PAS =
 * diag(-(1-eta)/2, -(1+eta)/2, 1).  Levels sorted ascending: index i <-> m = -I + i. */
static void exact_levels(double spin, double nuq, double eta, double nu0, const double b[3],
                         double *levels)
{
    int n = (int)lround(2 * spin + 1), i, j, a, c;
    double vp[3] = {-(1 - eta) / 2, -(1 + eta) / 2, 1}, e[3][3], v[3][3], t[3], nrm;
    double complex sp[3][6][6], H[6][6];
    gsl_matrix_complex *h = gsl_matrix_complex_alloc((size_t)n, (size_t)n);
    gsl_vector *ev = gsl_vector_alloc((size_t)n);
    gsl_eigen_herm_workspace *w = gsl_eigen_herm_alloc((size_t)n);
    /* lab frame: e[2] = b, e[0], e[1] perpendicular */
    t[0] = fabs(b[2]) < 0.9 ? 0 : 1;
    t[1] = 0;
    t[2] = fabs(b[2]) < 0.9 ? 1 : 0;
    e[0][0] = t[1] * b[2] - t[2] * b[1];
    e[0][1] = t[2] * b[0] - t[0] * b[2];
    e[0][2] = t[0] * b[1] - t[1] * b[0];
    nrm = sqrt(e[0][0] * e[0][0] + e[0][1] * e[0][1] + e[0][2] * e[0][2]);
    for (a = 0; a < 3; a++)
        e[0][a] /= nrm;
    e[1][0] = b[1] * e[0][2] - b[2] * e[0][1];
    e[1][1] = b[2] * e[0][0] - b[0] * e[0][2];
    e[1][2] = b[0] * e[0][1] - b[1] * e[0][0];
    for (a = 0; a < 3; a++)
        e[2][a] = b[a];
    for (a = 0; a < 3; a++)
        for (c = 0; c < 3; c++)
            v[a][c] = e[a][0] * vp[0] * e[c][0] + e[a][1] * vp[1] * e[c][1] + e[a][2] * vp[2] * e[c][2];
    /* spin matrices in the basis m = -I .. I */
    memset(sp, 0, sizeof sp);
    for (i = 0; i < n; i++) {
        double m = -spin + i;
        sp[2][i][i] = m;
        if (i + 1 < n) { /* <m+1| I+ |m> */
            double cp = sqrt(spin * (spin + 1) - m * (m + 1));
            sp[0][i + 1][i] += cp / 2;
            sp[0][i][i + 1] += cp / 2;
            sp[1][i + 1][i] += cp / (2 * _Complex_I);
            sp[1][i][i + 1] -= cp / (2 * _Complex_I);
        }
    }
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) {
            double complex s = 0;
            int k;
            for (a = 0; a < 3; a++)
                for (c = 0; c < 3; c++)
                    for (k = 0; k < n; k++)
                        s += v[a][c] * (sp[a][i][k] * sp[c][k][j] + sp[c][i][k] * sp[a][k][j]);
            H[i][j] = nuq / 6 * s + (i == j ? nu0 * (-spin + i) : 0);
            gsl_matrix_complex_set(h, (size_t)i, (size_t)j, gsl_complex_rect(creal(H[i][j]), cimag(H[i][j])));
        }
    gsl_eigen_herm(h, ev, w);
    gsl_sort_vector(ev);
    for (i = 0; i < n; i++)
        levels[i] = gsl_vector_get(ev, (size_t)i);
    gsl_eigen_herm_free(w);
    gsl_vector_free(ev);
    gsl_matrix_complex_free(h);
}

static void unit(double th, double ph, double b[3])
{
    b[0] = sin(th) * cos(ph);
    b[1] = sin(th) * sin(ph);
    b[2] = cos(th);
}

/* Static: every transition m <-> m-1, exact minus (first + second order)
 * must be of third order, |diff| <= K nuQ^3/nu0^2; K = 4 covers the
 * largest third-order coefficients for I <= 5/2 (checked: the residual drops
 * 8-fold when nu0 doubles, asserted below). */
START_TEST(test_exact_static)
{
    static const double spins[] = {1.5, 2.5};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t si;
    gsl_rng_set(r, 5);
    for (si = 0; si < 2; si++) {
        double spin = spins[si], cq = 2.0e6, nu0 = 100e6, nuq, lv[6], lv2[6];
        int i;
        srx_quad_site s;
        srx_quad_site_init(&s);
        s.cq_hz = cq;
        srx_quad_nuq_hz(spin, cq, &nuq, NULL);
        for (i = 0; i < 40; i++) {
            double th = acos(2 * gsl_rng_uniform(r) - 1), ph = 2 * PI * gsl_rng_uniform(r), b[3];
            double m;
            s.eta = gsl_rng_uniform(r);
            unit(th, ph, b);
            exact_levels(spin, nuq, s.eta, nu0, b, lv);
            exact_levels(spin, nuq, s.eta, 2 * nu0, b, lv2);
            for (m = -spin + 1; m <= spin + 1e-9; m += 1.0) {
                int k = (int)lround(m + spin);
                double ex = lv[k] - lv[k - 1] - nu0, ex2 = lv2[k] - lv2[k - 1] - 2 * nu0, f, f2;
                double third = nuq * nuq * nuq / (nu0 * nu0);
                ck_assert_int_eq(srx_quad_frequency_hz(&s, spin, m, nu0, 0.0, ph, th, &f, NULL),
                                 SRX_OK);
                ck_assert_int_eq(srx_quad_frequency_hz(&s, spin, m, 2 * nu0, 0.0, ph, th, &f2, NULL),
                                 SRX_OK);
                ck_assert_msg(fabs(ex - f) <= 4 * third,
                              "I=%g m=%g: exact %.6f, 2nd order %.6f, diff %.3g > 4 nuQ^3/nu0^2 = %.3g",
                              spin, m, ex, f, ex - f, 4 * third);
                /* third order: doubling nu0 divides the residual by 4 (3rd order) or more;
                 * allow 1e-6 Hz of rounding in the eigenvalues of ~1e8 Hz */
                ck_assert_msg(fabs(ex2 - f2) <= fabs(ex - f) / 3.0 + 1e-5,
                              "residual does not scale as nu0^-2: %.3g then %.3g", ex - f, ex2 - f2);
            }
        }
    }
    gsl_rng_free(r);
}
END_TEST

/* Exact central-transition frequency averaged over the rotor phase with the
 * rotor axis at (theta, phi) in the PAS and B0 at angle beta_R from it,
 * against the time-averaged formula (rank-0/2/4 scaling at any angle). */
static double exact_rotor_average(double spin, double nuq, double eta, double nu0, double th,
                                  double ph, double beta_r, int nphase, int m2)
{
    double r[3], u[3], w[3], sum = 0;
    int j, k = m2;
    unit(th, ph, r);
    unit(th + PI / 2, ph, u); /* perpendicular to r */
    w[0] = r[1] * u[2] - r[2] * u[1];
    w[1] = r[2] * u[0] - r[0] * u[2];
    w[2] = r[0] * u[1] - r[1] * u[0];
    for (j = 0; j < nphase; j++) {
        double psi = 2 * PI * j / nphase, b[3], lv[6];
        int a;
        for (a = 0; a < 3; a++)
            b[a] = cos(beta_r) * r[a] + sin(beta_r) * (cos(psi) * u[a] + sin(psi) * w[a]);
        exact_levels(spin, nuq, eta, nu0, b, lv);
        sum += lv[k] - lv[k - 1] - nu0;
    }
    return sum / nphase;
}

START_TEST(test_exact_rotor)
{
    static const double spins[] = {1.5, 2.5};
    static const double angles[] = {SRX_MAGIC_ANGLE_RAD, 0.5, 1.2, PI / 2};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t si, ai;
    gsl_rng_set(r, 7);
    for (si = 0; si < 2; si++)
        for (ai = 0; ai < 4; ai++) {
            double spin = spins[si], cq = 2.0e6, nu0 = 100e6, nuq;
            int i;
            srx_quad_site s;
            srx_quad_site_init(&s);
            s.cq_hz = cq;
            srx_quad_nuq_hz(spin, cq, &nuq, NULL);
            for (i = 0; i < 10; i++) {
                double th = acos(2 * gsl_rng_uniform(r) - 1), ph = 2 * PI * gsl_rng_uniform(r);
                double f, ex, third = nuq * nuq * nuq / (nu0 * nu0);
                int k = (int)lround(spin + 0.5); /* index of level m = +1/2 */
                s.eta = gsl_rng_uniform(r);
                /* 32 phases: the second-order frequency is a trigonometric polynomial of
                 * degree 4 in psi, so the trapezoid average is exact to that order */
                ex = exact_rotor_average(spin, nuq, s.eta, nu0, th, ph, angles[ai], 32, k);
                ck_assert_int_eq(srx_quad_frequency_hz(&s, spin, 0.5, nu0, angles[ai], ph, th,
                                                       &f, NULL), SRX_OK);
                ck_assert_msg(fabs(ex - f) <= 4 * third,
                              "I=%g angle %g: exact average %.6f, formula %.6f", spin,
                              angles[ai], ex, f);
            }
        }
    gsl_rng_free(r);
}
END_TEST

/* Fourier coefficients: |c_n| equals the magnitude of the n-th DFT coefficient
 * of the exact CT frequency over the rotor phase (independent of the phase
 * origin and direction), to third order. */
START_TEST(test_fourier)
{
    double spin = 2.5, cq = 2.0e6, nu0 = 100e6, nuq, th = 0.7, ph = 0.4, eta = 0.6;
    double r[3], u[3], w[3], fr[5], fi[5], xr[5] = {0}, xi[5] = {0};
    int j, n, np = 64, k = 3;
    srx_quad_site s;
    srx_quad_site_init(&s);
    s.cq_hz = cq;
    s.eta = eta;
    srx_quad_nuq_hz(spin, cq, &nuq, NULL);
    unit(th, ph, r);
    unit(th + PI / 2, ph, u);
    w[0] = r[1] * u[2] - r[2] * u[1];
    w[1] = r[2] * u[0] - r[0] * u[2];
    w[2] = r[0] * u[1] - r[1] * u[0];
    for (j = 0; j < np; j++) {
        double psi = 2 * PI * j / np, b[3], lv[6], f;
        int a;
        for (a = 0; a < 3; a++)
            b[a] = cos(SRX_MAGIC_ANGLE_RAD) * r[a] +
                   sin(SRX_MAGIC_ANGLE_RAD) * (cos(psi) * u[a] + sin(psi) * w[a]);
        exact_levels(spin, nuq, eta, nu0, b, lv);
        f = lv[k] - lv[k - 1] - nu0;
        for (n = 0; n < 5; n++) {
            xr[n] += f * cos(n * psi) / np;
            xi[n] += f * sin(n * psi) / np;
        }
    }
    ck_assert_int_eq(srx_quad_fourier_hz(&s, spin, 0.5, nu0, SRX_MAGIC_ANGLE_RAD, ph, th, fr, fi,
                                         NULL), SRX_OK);
    for (n = 0; n < 5; n++)
        ck_assert_double_eq_tol(hypot(fr[n], fi[n]), hypot(xr[n], xi[n]),
                                4 * nuq * nuq * nuq / (nu0 * nu0));
    ck_assert(fabs(fr[4]) + fabs(fi[4]) > 10.0); /* rank-4 modulation present */
}
END_TEST

/* the batch form gives what the single-orientation call gives */
START_TEST(test_batch)
{
    srx_quad_site s;
    double al[3] = {0.1, 1.0, 2.0}, be[3] = {0.2, 0.9, 2.5}, out[3], one;
    int i;
    srx_quad_site_init(&s);
    s.cq_hz = 3e6;
    s.eta = 0.5;
    s.csa_delta_hz = 2e3;
    s.csa_beta_rad = 0.4;
    ck_assert_int_eq(srx_quad_frequencies_hz(&s, 1.5, 0.5, 1e8, SRX_MAGIC_ANGLE_RAD, al, be, 3, out,
                                             NULL), SRX_OK);
    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(srx_quad_frequency_hz(&s, 1.5, 0.5, 1e8, SRX_MAGIC_ANGLE_RAD, al[i], be[i],
                                               &one, NULL), SRX_OK);
        ck_assert_double_eq(out[i], one); /* same arithmetic */
    }
    ck_assert_int_eq(srx_quad_frequencies_hz(&s, 1.5, 0.5, 1e8, 0.0, NULL, be, 3, out, NULL),
                     SRX_EINVAL);
    al[1] = NAN;
    ck_assert_int_eq(srx_quad_frequencies_hz(&s, 1.5, 0.5, 1e8, 0.0, al, be, 3, out, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_quad_frequencies_hz(&s, 1.5, 0.5, 1e8, 0.0, NULL, NULL, 0, NULL, NULL),
                     SRX_OK);
}
END_TEST

/* ------------------------------------------------------------ bad input */

START_TEST(test_bad_input)
{
    srx_quad_site s;
    double x, re[5], im[5];
    srx_diag d;
    srx_quad_site_init(&s);
    s.cq_hz = 1e6;
    ck_assert_int_eq(srx_quad_nuq_hz(2.5, 1e6, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_quad_nuq_hz(NAN, 1e6, &x, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_quad_nuq_hz(0.5, 1e6, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_quad_nuq_hz(1.3, 1e6, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_quad_iso_shift_hz(1.0, 1e6, 0.1, 1e8, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_quad_iso_shift_hz(1.5, 1e6, 1.1, 1e8, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_quad_iso_shift_hz(1.5, 1e6, 0.1, -1e8, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_quad_iso_shift_hz(1.5, INFINITY, 0.1, 1e8, &x, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_quad_ct_second_order_hz(1.5, 1e6, 0.1, 1e8, 0, NAN, 0, &x, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_quad_frequency_hz(NULL, 1.5, 0.5, 1e8, 0, 0, 0, &x, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_quad_frequency_hz(&s, 1.5, 0.5, 1e8, 0, 0, 0, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_quad_frequency_hz(&s, 1.5, 2.5, 1e8, 0, 0, 0, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_quad_frequency_hz(&s, 1.5, -1.5, 1e8, 0, 0, 0, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_quad_frequency_hz(&s, 1.5, 0.3, 1e8, 0, 0, 0, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_quad_frequency_hz(&s, 1.5, 0.5, 0.0, 0, 0, 0, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_quad_frequency_hz(&s, 1.5, 0.5, 1e8, NAN, 0, 0, &x, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_quad_fourier_hz(&s, 1.5, 0.5, 1e8, 0, 0, 0, NULL, im, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_quad_fourier_hz(&s, 1.5, 0.5, 1e8, 0, 0, 0, re, im, NULL), SRX_OK);
    s.eta = -0.1;
    ck_assert_int_eq(srx_quad_site_check(&s, 1.5, &d), SRX_EDOM);
    ck_assert(strlen(d.message) > 0);
    s.eta = 0.1;
    s.cq_hz = -1;
    ck_assert_int_eq(srx_quad_site_check(&s, 1.5, NULL), SRX_EDOM);
    s.cq_hz = NAN;
    ck_assert_int_eq(srx_quad_site_check(&s, 1.5, NULL), SRX_EINVAL);
    s.cq_hz = 1e6;
    s.csa_eta = 2;
    ck_assert_int_eq(srx_quad_site_check(&s, 1.5, NULL), SRX_EDOM);
    s.csa_eta = 0;
    ck_assert_int_eq(srx_quad_site_check(&s, 0.5, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_quad_transition_weight(1.5, 0.5, &x, NULL), SRX_OK);
    ck_assert_double_eq(x, 4.0);
    ck_assert_int_eq(srx_quad_transition_weight(1.5, 1.5, &x, NULL), SRX_OK);
    ck_assert_double_eq(x, 3.0);
    ck_assert_int_eq(srx_quad_transition_weight(1.5, 3.5, &x, NULL), SRX_EDOM);
}
END_TEST

/* CSA alone (Cq = 0, spin 1/2): first-order frequency delta (3cos^2-1 + eta sin^2 cos2phi)/2
 * in the CSA frame, here tilted by beta = 90 deg about y from the EFG PAS. */
START_TEST(test_csa)
{
    srx_quad_site s;
    double f, th = 0.8, ph = 0.3, b[3], bc[3], thc, phc, want;
    srx_quad_site_init(&s);
    s.shift_hz = 100;
    s.csa_delta_hz = 5000;
    s.csa_eta = 0.4;
    s.csa_beta_rad = PI / 2;
    unit(th, ph, b);
    /* passive rotation by beta about y: coordinates in the CSA frame */
    bc[0] = cos(PI / 2) * b[0] - sin(PI / 2) * b[2];
    bc[1] = b[1];
    bc[2] = sin(PI / 2) * b[0] + cos(PI / 2) * b[2];
    thc = acos(bc[2]);
    phc = atan2(bc[1], bc[0]);
    want = 100 + 5000 * (3 * cos(thc) * cos(thc) - 1 + 0.4 * sin(thc) * sin(thc) * cos(2 * phc)) / 2;
    ck_assert_int_eq(srx_quad_frequency_hz(&s, 0.5, 0.5, 1e8, 0.0, ph, th, &f, NULL), SRX_OK);
    /* exact expression: rounding only */
    ck_assert_double_eq_tol(f, want, 1e-8);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("quadrupolar");
    TCase *t;
    t = tcase_create("check_values");
    tcase_add_test(t, test_check_values);
    suite_add_tcase(s, t);
    t = tcase_create("wigner");
    tcase_add_test(t, test_wigner);
    suite_add_tcase(s, t);
    t = tcase_create("closed_forms");
    tcase_add_test(t, test_closed_forms);
    suite_add_tcase(s, t);
    t = tcase_create("exact_diagonalisation");
    tcase_add_test(t, test_exact_static);
    tcase_add_test(t, test_exact_rotor);
    tcase_add_test(t, test_fourier);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    t = tcase_create("csa");
    tcase_add_test(t, test_csa);
    suite_add_tcase(s, t);
    t = tcase_create("batch");
    tcase_add_test(t, test_batch);
    suite_add_tcase(s, t);
    t = tcase_create("bad_input");
    tcase_add_test(t, test_bad_input);
    suite_add_tcase(s, t);
    return s;
}

int main(void) { return srxt_run(suite()); }
