/* Tests of the powder module: ASG set geometry and weights, quadrature of
 * smooth functions, exact tent binning, an interpolated first-order powder
 * pattern against its analytic density, bad input. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "spinrelax/powder.h"
#include "testlib.h"

START_TEST(test_counts_weights)
{
    static const srx_powder_domain doms[] = {SRX_POWDER_OCTANT, SRX_POWDER_HEMISPHERE,
                                             SRX_POWDER_SPHERE};
    static const size_t faces[] = {1, 4, 8};
    int d, n;
    for (d = 0; d < 3; d++)
        for (n = 1; n <= 40; n += 13) {
            srx_powder *p;
            size_t i, nv, nt;
            double s = 0, sv = 0;
            ck_assert_int_eq(srx_powder_alloc(n, doms[d], &p, NULL), SRX_OK);
            nv = srx_powder_n_orientations(p);
            nt = srx_powder_n_triangles(p);
            ck_assert_uint_eq(nv, faces[d] * (size_t)(n + 1) * (size_t)(n + 2) / 2);
            ck_assert_uint_eq(nt, faces[d] * (size_t)n * (size_t)n);
            ck_assert_int_eq(srx_powder_n_divisions(p), n);
            for (i = 0; i < nt; i++) {
                ck_assert(srx_powder_triangle_weights(p)[i] > 0);
                s += srx_powder_triangle_weights(p)[i];
            }
            for (i = 0; i < nv; i++)
                sv += srx_powder_weights(p)[i];
            for (i = 0; i < 3 * nt; i++)
                ck_assert_uint_lt(srx_powder_triangles(p)[i], nv);
            ck_assert_double_eq_tol(s, 1.0, 1e-12);
            ck_assert_double_eq_tol(sv, 1.0, 1e-12);
            srx_powder_free(p);
        }
    srx_powder_free(NULL);
}
END_TEST

/* With exact solid angles, the total solid angle of one octant before
 * normalisation is pi/2; check the triangles tile the octant by summing the
 * (normalised) weights of the triangles in z > 0.5 against the cap area
 * fraction, and the vertex-weight quadrature of smooth functions. */
START_TEST(test_quadrature)
{
    srx_powder *p;
    size_t i, nv;
    double m2 = 0, p4 = 0, s2c = 0;
    const double *b, *a, *w;
    ck_assert_int_eq(srx_powder_alloc(64, SRX_POWDER_HEMISPHERE, &p, NULL), SRX_OK);
    nv = srx_powder_n_orientations(p);
    b = srx_powder_beta_rad(p);
    a = srx_powder_alpha_rad(p);
    w = srx_powder_weights(p);
    for (i = 0; i < nv; i++) {
        double c = cos(b[i]);
        ck_assert(b[i] >= 0 && b[i] <= 3.14159265358979323846 / 2 + 1e-12);
        m2 += w[i] * c * c;
        p4 += w[i] * (35 * c * c * c * c - 30 * c * c + 3) / 8;
        s2c += w[i] * sin(b[i]) * sin(b[i]) * cos(2 * a[i]);
    }
    /* <cos^2> = 1/3, <P4> = 0, <sin^2 cos 2a> = 0 over the sphere; the vertex-weight
     * rule is second order in 1/N: 64 divisions -> errors ~1e-4 */
    ck_assert_double_eq_tol(m2, 1.0 / 3.0, 3e-4);
    ck_assert_double_eq_tol(p4, 0.0, 3e-4);
    ck_assert_double_eq_tol(s2c, 0.0, 3e-4);
    srx_powder_free(p);
}
END_TEST

/* tent density of corners a <= b <= c, area 1, evaluated at x */
static double tent_density(double a, double b, double c, double x)
{
    if (x <= a || x >= c)
        return 0;
    if (x < b)
        return 2 * (x - a) / ((c - a) * (b - a));
    return 2 * (c - x) / ((c - a) * (c - b));
}

START_TEST(test_tent)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int it;
    gsl_rng_set(r, 3);
    for (it = 0; it < 200; it++) {
        double f[3], bins[40], s = 0, first = 10.0, dx = 2.5, lo, hi;
        int i, k;
        for (i = 0; i < 3; i++)
            f[i] = first + dx * (-5 + 50 * gsl_rng_uniform(r)) * (it % 4 ? 0.3 : 1.0);
        memset(bins, 0, sizeof bins);
        ck_assert_int_eq(srx_powder_bin_tent(f[0], f[1], f[2], 2.0, first, dx, 40, bins), SRX_OK);
        lo = fmin(f[0], fmin(f[1], f[2]));
        hi = fmax(f[0], fmax(f[1], f[2]));
        {
            double a = lo, c = hi, bb = f[0] + f[1] + f[2] - lo - hi;
            for (k = 0; k < 40; k++) {
                /* midpoint rule with 4000 steps per bin: error << 1e-6 of the area */
                double x0 = first + (k - 0.5) * dx, sum = 0;
                int j;
                for (j = 0; j < 4000; j++)
                    sum += tent_density(a, bb, c, x0 + (j + 0.5) * dx / 4000) * dx / 4000;
                ck_assert_double_eq_tol(bins[k], 2.0 * sum, 2e-5);
                s += bins[k];
            }
        }
        /* the part inside the bins only */
        ck_assert(s <= 2.0 + 1e-12);
        if (lo >= first - 0.5 * dx && hi < first + 39.5 * dx)
            ck_assert_double_eq_tol(s, 2.0, 1e-12);
    }
    gsl_rng_free(r);
    {
        double bins[4] = {0};
        /* degenerate: all corners equal -> one bin */
        ck_assert_int_eq(srx_powder_bin_tent(1.0, 1.0, 1.0, 3.0, 0.0, 1.0, 4, bins), SRX_OK);
        ck_assert_double_eq(bins[1], 3.0);
        ck_assert_int_eq(srx_powder_bin_tent(1.0, NAN, 1.0, 3.0, 0.0, 1.0, 4, bins), SRX_EINVAL);
        ck_assert_int_eq(srx_powder_bin_tent(1.0, 1.0, 1.0, 3.0, 0.0, 0.0, 4, bins), SRX_EINVAL);
        ck_assert_int_eq(srx_powder_bin_tent(1.0, 1.0, 1.0, 3.0, 0.0, 1.0, 0, bins), SRX_EINVAL);
        ck_assert_int_eq(srx_powder_bin_tent(1.0, 1.0, 1.0, 3.0, 0.0, 1.0, 4, NULL), SRX_EINVAL);
    }
}
END_TEST

/* First-order axial pattern x = (3cos^2 b - 1)/2: cos b uniform on [0, 1]
 * gives P(x' < x) = sqrt((2x + 1)/3) for x in [-1/2, 1];
 * bin integrals are differences of sqrt((2x + 1)/3), exactly. */
START_TEST(test_interpolated_pattern)
{
    srx_powder *p;
    size_t i, nv, n = 300;
    double *f, *bins = calloc(n, sizeof *bins), first = -0.6, dx = 1.8 / 300, l1 = 0;
    ck_assert_int_eq(srx_powder_alloc(48, SRX_POWDER_OCTANT, &p, NULL), SRX_OK);
    nv = srx_powder_n_orientations(p);
    f = malloc(nv * sizeof *f);
    for (i = 0; i < nv; i++) {
        double c = cos(srx_powder_beta_rad(p)[i]);
        f[i] = (3 * c * c - 1) / 2;
    }
    ck_assert_int_eq(srx_powder_interpolate(p, f, NULL, 1.0, first, dx, n, bins, NULL), SRX_OK);
    for (i = 0; i < n; i++) {
        double a = first + (i - 0.5) * dx, b = a + dx, ca, cb, want;
        a = fmax(a, -0.5);
        b = fmin(b, 1.0);
        ca = a < b ? sqrt((2 * a + 1) / 3) : 0;
        cb = a < b ? sqrt((2 * b + 1) / 3) : 0;
        want = cb - ca;
        l1 += fabs(bins[i] - want);
    }
    /* interpolation error near the 1/sqrt singularity at x = -1/2 dominates;
     * with 48 divisions the L1 distance is measured 4.4e-3 (second order) */
    ck_assert_msg(l1 < 1e-2, "L1 = %g", l1);
    /* an amplitude of 2 everywhere doubles the intensity */
    {
        double *amp = malloc(nv * sizeof *amp), s1 = 0, s2 = 0;
        double *b2 = calloc(n, sizeof *b2);
        for (i = 0; i < nv; i++)
            amp[i] = 2.0;
        ck_assert_int_eq(srx_powder_interpolate(p, f, amp, 0.5, first, dx, n, b2, NULL), SRX_OK);
        for (i = 0; i < n; i++) {
            s1 += bins[i];
            s2 += b2[i];
        }
        ck_assert_double_eq_tol(s1, 1.0, 1e-12);
        ck_assert_double_eq_tol(s2, 1.0, 1e-12);
        f[0] = NAN;
        ck_assert_int_eq(srx_powder_interpolate(p, f, amp, 1.0, first, dx, n, b2, NULL),
                         SRX_EINVAL);
        free(amp);
        free(b2);
    }
    ck_assert_int_eq(srx_powder_interpolate(NULL, f, NULL, 1.0, first, dx, n, bins, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_powder_interpolate(p, f, NULL, 1.0, first, -1.0, n, bins, NULL),
                     SRX_EINVAL);
    free(f);
    free(bins);
    srx_powder_free(p);
}
END_TEST

START_TEST(test_bad_alloc)
{
    srx_powder *p = (srx_powder *)1;
    srx_diag d;
    ck_assert_int_eq(srx_powder_alloc(0, SRX_POWDER_OCTANT, &p, &d), SRX_EDOM);
    ck_assert(p == NULL);
    ck_assert(strlen(d.message) > 0);
    ck_assert_int_eq(srx_powder_alloc(5000, SRX_POWDER_OCTANT, &p, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_powder_alloc(4, (srx_powder_domain)7, &p, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_powder_alloc(4, SRX_POWDER_OCTANT, NULL, NULL), SRX_EINVAL);
    ck_assert_uint_eq(srx_powder_n_orientations(NULL), 0);
    ck_assert(srx_powder_alpha_rad(NULL) == NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("powder");
    TCase *t;
    t = tcase_create("geometry");
    tcase_add_test(t, test_counts_weights);
    tcase_add_test(t, test_quadrature);
    suite_add_tcase(s, t);
    t = tcase_create("tent");
    tcase_add_test(t, test_tent);
    suite_add_tcase(s, t);
    t = tcase_create("interpolation");
    tcase_add_test(t, test_interpolated_pattern);
    suite_add_tcase(s, t);
    t = tcase_create("bad_input");
    tcase_add_test(t, test_bad_alloc);
    suite_add_tcase(s, t);
    return s;
}

int main(void) { return srxt_run(suite()); }
