/* nucleus: table values against their sources, Larmor frequencies */
#include <string.h>

#include "spinrelax.h"
#include "testlib.h"

START_TEST(larmor_frequencies_of_the_seed_magnet)
{
    /* The seed's 7.0 T magnet: 1H 300.00 MHz, 7Li 116.59 MHz, 23Na 79.35 MHz.
     * Spectrometer frequencies follow the Xi ratios (Harris 2001):
     * nu(X) = Xi(X) / 100 * nu(1H), to the paper's 5 digits.  The bare
     * gyromagnetic ratios give frequencies that differ from these by the
     * shielding of the reference compounds (1H in TMS, 7Li in LiCl(aq):
     * 1e-4; 23Na in NaCl(aq): 7e-4). */
    srx_nucleus h, li, na;
    double nu_h, nu_li, nu_na, b0;
    ck_assert_int_eq(srx_nucleus_lookup("1H", &h, NULL), SRX_OK);
    ck_assert_int_eq(srx_nucleus_lookup("7Li", &li, NULL), SRX_OK);
    ck_assert_int_eq(srx_nucleus_lookup("23na", &na, NULL), SRX_OK);
    ck_assert_double_eq_tol(li.xi_percent / 100.0 * 300.00e6, 116.59e6, 0.005e6);
    /* the paper writes 79.35 for 79.356 */
    ck_assert_double_eq_tol(na.xi_percent / 100.0 * 300.00e6, 79.35e6, 0.01e6);
    b0 = 300.00e6 * 2.0 * 3.14159265358979323846 / h.gamma_rad_per_s_per_t;
    ck_assert_double_eq_tol(b0, 7.0, 0.05); /* "7.0 T" */
    ck_assert_int_eq(srx_nucleus_larmor_hz(&h, b0, &nu_h, NULL), SRX_OK);
    ck_assert_int_eq(srx_nucleus_larmor_hz(&li, b0, &nu_li, NULL), SRX_OK);
    ck_assert_int_eq(srx_nucleus_larmor_hz(&na, b0, &nu_na, NULL), SRX_OK);
    srxt_assert_rel(nu_h, 300.00e6, 1e-12);
    srxt_assert_rel(nu_li, 116.59e6, 1e-4);
    srxt_assert_rel(nu_na, 79.35e6, 1e-3);
    srxt_assert_rel(nu_li / nu_h, fabs(li.gamma_rad_per_s_per_t / h.gamma_rad_per_s_per_t),
                    1e-14);
}
END_TEST

START_TEST(spins_and_moments)
{
    /* spins (Harris 2001) and quadrupole moments (Pyykkoe 2008), in fm^2 */
    struct { const char *label; double spin, q_fm2; } want[] = {
        {"1H", 0.5, 0.0}, {"2H", 1.0, 0.286}, {"6Li", 1.0, -0.0808}, {"7Li", 1.5, -4.01},
        {"13C", 0.5, 0.0}, {"19F", 0.5, 0.0}, {"23Na", 1.5, 10.4}, {"27Al", 2.5, 14.66},
        {"31P", 0.5, 0.0}, {"17O", 2.5, -2.558}};
    size_t i;
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        srx_nucleus n;
        ck_assert_int_eq(srx_nucleus_lookup(want[i].label, &n, NULL), SRX_OK);
        ck_assert_double_eq(n.spin, want[i].spin);
        ck_assert_double_eq_tol(n.quadrupole_moment_m2 * 1e30, want[i].q_fm2, 1e-12);
        ck_assert(n.natural_abundance > 0.0 && n.natural_abundance <= 1.0);
    }
}
END_TEST

START_TEST(every_entry_is_consistent)
{
    /* gamma ratio equals the Xi ratio for every isotope (two independent
     * columns of the IUPAC table): |gamma_X / gamma_H| = Xi_X / 100 up to the
     * shielding of the reference compounds, below 1e-3 for these nuclei
     * (largest: 29Si in TMS, ~8e-4).  A typo in either column would show. */
    size_t i, n = srx_nucleus_count();
    srx_nucleus h, x;
    ck_assert_int_eq(srx_nucleus_lookup("1H", &h, NULL), SRX_OK);
    ck_assert_uint_ge(n, 10);
    for (i = 0; i < n; i++) {
        ck_assert_int_eq(srx_nucleus_get(i, &x), SRX_OK);
        ck_assert_msg(srxt_reldiff(fabs(x.gamma_rad_per_s_per_t / h.gamma_rad_per_s_per_t),
                                   x.xi_percent / 100.0) < 1e-3,
                      "%s: gamma and Xi disagree", x.label);
        ck_assert_msg((x.spin > 0.5) == (x.quadrupole_moment_m2 != 0.0), "%s: Q vs spin", x.label);
    }
    ck_assert_int_eq(srx_nucleus_get(n, &x), SRX_EINVAL);
}
END_TEST

START_TEST(label_from_frequency_ratio)
{
    /* a 1H experiment mislabelled 15N: the frequency says 1H */
    srx_nucleus n;
    double mismatch;
    ck_assert_int_eq(srx_nucleus_from_ratio(400.13e6, 400.13e6, &n, &mismatch, NULL), SRX_OK);
    ck_assert_str_eq(n.label, "1H");
    ck_assert_int_eq(srx_nucleus_from_ratio(0.26056859 * 500e6, 500e6, &n, &mismatch, NULL),
                     SRX_OK);
    ck_assert_str_eq(n.label, "27Al");
    ck_assert(mismatch < 1e-6);
}
END_TEST

START_TEST(bad_arguments)
{
    srx_nucleus n;
    double f;
    srx_diag d;
    ck_assert_int_eq(srx_nucleus_lookup(NULL, &n, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_nucleus_lookup("7Li", NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_nucleus_lookup("7Li", &n, NULL), SRX_OK);
    ck_assert_int_eq(srx_nucleus_larmor_hz(&n, -1.0, &f, &d), SRX_EDOM);
    ck_assert_int_eq(srx_nucleus_larmor_hz(&n, NAN, &f, &d), SRX_EDOM);
    ck_assert_int_eq(srx_nucleus_larmor_hz(&n, 0.0, &f, &d), SRX_EDOM);
    ck_assert_int_eq(srx_nucleus_from_ratio(-1.0, 1.0, &n, NULL, NULL), SRX_EDOM);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nucleus");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, larmor_frequencies_of_the_seed_magnet);
    tcase_add_test(tc, spins_and_moments);
    tcase_add_test(tc, every_entry_is_consistent);
    tcase_add_test(tc, label_from_frequency_ratio);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return srxt_run(s);
}
