/* transport: Ngai n from the seed's energies, Einstein-Smoluchowski D,
 * Nernst-Einstein sigma, round trips, bad input. */
#include "spinrelax.h"
#include "testlib.h"

/* The seed (Zettl et al. 2021) quotes n to two decimals: 0.72, 0.71, 0.29.
 * Tolerance 0.005 = half a unit of the last quoted digit. */
START_TEST(ngai_seed_values)
{
    double n;
    ck_assert_int_eq(srx_transport_ngai_n(0.28, 1.01, &n, NULL), SRX_OK);
    ck_assert(fabs(n - 0.72) <= 0.005);
    ck_assert_int_eq(srx_transport_ngai_n(0.36, 1.23, &n, NULL), SRX_OK);
    ck_assert(fabs(n - 0.71) <= 0.005);
    ck_assert_int_eq(srx_transport_ngai_n(0.20, 0.28, &n, NULL), SRX_OK);
    ck_assert(fabs(n - 0.29) <= 0.005);
    /* exact arithmetic: 1 - 0.2/0.28 = 2/7 */
    srxt_assert_rel(n, 2.0 / 7.0, 1e-15);
}
END_TEST

START_TEST(ngai_error_propagation)
{
    double u;
    /* u(n) = sqrt((0.02/1.01)^2 + (0.28*0.03/1.01^2)^2), written out */
    ck_assert_int_eq(srx_transport_ngai_n_err(0.28, 0.02, 1.01, 0.03, &u, NULL), SRX_OK);
    srxt_assert_rel(u, sqrt(pow(0.02 / 1.01, 2) + pow(0.28 * 0.03 / (1.01 * 1.01), 2)), 1e-14);
}
END_TEST

START_TEST(diffusion_from_rate)
{
    double d, r;
    /* a = 2.5 Angstrom, 1/tau = 1e9 s^-1, 3D: D = a^2/(6 tau) = 6.25e-20*1e9/6 */
    ck_assert_int_eq(srx_transport_diffusion_from_rate(2.5e-10, 1e9, 3, &d, NULL), SRX_OK);
    srxt_assert_rel(d, 6.25e-20 * 1e9 / 6.0, 1e-14);
    ck_assert_int_eq(srx_transport_diffusion_from_rate(2.5e-10, 1e9, 1, &d, NULL), SRX_OK);
    srxt_assert_rel(d, 6.25e-20 * 1e9 / 2.0, 1e-14);
    ck_assert_int_eq(srx_transport_rate_from_diffusion(2.5e-10, d, 1, &r, NULL), SRX_OK);
    srxt_assert_rel(r, 1e9, 1e-14);
    /* dimension 0: the default d = 3 */
    ck_assert_int_eq(srx_transport_diffusion_from_rate(2.5e-10, 1e9, 0, &d, NULL), SRX_OK);
    srxt_assert_rel(d, 6.25e-20 * 1e9 / 6.0, 1e-14);
}
END_TEST

START_TEST(nernst_einstein)
{
    double s, d;
    /* N = 1e28 m^-3, z = 1, D = 1e-12 m^2/s, T = 300 K:
     * sigma = 1e28 * (1.602176634e-19)^2 * 1e-12 / (1.380649e-23 * 300) */
    const double ref = 1e28 * 1.602176634e-19 * 1.602176634e-19 * 1e-12 / (1.380649e-23 * 300.0);
    ck_assert_int_eq(srx_transport_conductivity_from_diffusion(1e-12, 1e28, 1, 300, 1, &s, NULL),
                     SRX_OK);
    srxt_assert_rel(s, ref, 1e-14);
    /* Haven ratio 0.5 doubles sigma; z = 2 quadruples it */
    ck_assert_int_eq(srx_transport_conductivity_from_diffusion(1e-12, 1e28, 2, 300, 0.5, &s, NULL),
                     SRX_OK);
    srxt_assert_rel(s, 8 * ref, 1e-14);
    ck_assert_int_eq(srx_transport_diffusion_from_conductivity(s, 1e28, 2, 300, 0.5, &d, NULL),
                     SRX_OK);
    srxt_assert_rel(d, 1e-12, 1e-14);
    /* Haven ratio 0: none */
    ck_assert_int_eq(srx_transport_conductivity_from_diffusion(1e-12, 1e28, 1, 300, 0, &s, NULL),
                     SRX_OK);
    srxt_assert_rel(s, ref, 1e-14);
}
END_TEST

START_TEST(bad_input)
{
    double x;
    srx_diag dg;
    ck_assert_int_eq(srx_transport_ngai_n(0.2, 0.3, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_transport_ngai_n(NAN, 0.3, &x, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_transport_ngai_n(0.2, INFINITY, &x, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_transport_ngai_n(-0.2, 0.3, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_transport_ngai_n(0.4, 0.3, &x, &dg), SRX_EDOM);
    ck_assert(dg.message[0] != 0);
    ck_assert_int_eq(srx_transport_ngai_n_err(0.2, -0.1, 0.3, 0.1, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_transport_diffusion_from_rate(0, 1e9, 3, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_transport_diffusion_from_rate(1e-10, -1, 3, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_transport_diffusion_from_rate(1e-10, 1e9, 4, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_transport_diffusion_from_rate(1e-10, 1e9, -1, &x, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_transport_diffusion_from_rate(1e-10, NAN, 3, &x, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_transport_rate_from_diffusion(1e-10, 1e-12, 3, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_transport_conductivity_from_diffusion(1e-12, 1e28, 0, 300, 1, &x, NULL),
                     SRX_EDOM);
    ck_assert_int_eq(srx_transport_conductivity_from_diffusion(1e-12, 1e28, 1, 0, 1, &x, NULL),
                     SRX_EDOM);
    ck_assert_int_eq(srx_transport_conductivity_from_diffusion(1e-12, 1e28, 1, 300, -1, &x, NULL),
                     SRX_EDOM);
    ck_assert_int_eq(srx_transport_conductivity_from_diffusion(-1, 1e28, 1, 300, 1, &x, NULL),
                     SRX_EDOM);
    ck_assert_int_eq(srx_transport_diffusion_from_conductivity(1e-3, -1, 1, 300, 1, &x, NULL),
                     SRX_EDOM);
    ck_assert_int_eq(srx_transport_diffusion_from_conductivity(1e-3, 1e28, NAN, 300, 1, &x, NULL),
                     SRX_EINVAL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("transport");
    TCase *tc;
    tc = tcase_create("ngai");
    tcase_add_test(tc, ngai_seed_values);
    tcase_add_test(tc, ngai_error_propagation);
    suite_add_tcase(s, tc);
    tc = tcase_create("diffusion");
    tcase_add_test(tc, diffusion_from_rate);
    tcase_add_test(tc, nernst_einstein);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad_input");
    tcase_add_test(tc, bad_input);
    suite_add_tcase(s, tc);
    return srxt_run(s);
}
