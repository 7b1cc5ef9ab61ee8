/* Acceptance tests on the public data sets in $SRX_SRCDIR/../shared/data/real
 * (or $SRX_REAL_DATA); exit 77 (skip) when the folder is absent.  Each
 * data set's README.txt gives its source, licence and the values the
 * original software reported; the numbers obtained here are printed to
 * the test log. */
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "spinrelax.h"
#include "testlib.h"
#include "importtest.h"

static char real[4096];

static void path_of(char *buf, size_t n, const char *rel)
{
    size_t l = strlen(real);
    ck_assert(l + strlen(rel) + 2 <= n);
    memcpy(buf, real, l);
    buf[l] = '/';
    strcpy(buf + l + 1, rel);
}

static srx_transient_result fit(const srx_import_series *s, srx_experiment e,
                                srx_transient_shape shape, int offset, int weighted)
{
    srx_transient_options o;
    srx_transient_result r;
    srx_diag dg;
    int st;
    srx_transient_options_init(&o);
    o.shape = shape;
    o.offset = offset;
    st = srx_transient_fit(s->delay_s, s->signal, weighted ? s->sigma : NULL, s->n, e, &o, &r, &dg);
    ck_assert_msg(st == SRX_OK, "fit of %s: %s", s->name, dg.message);
    return r;
}

/* ------------------------------------------------------------ pdc */

typedef struct reported {
    const char *name;
    double t1_s, err_s;
} reported;

static void check_pdc(const char *file, const reported *rep, size_t n, double errscale, int year)
{
    char p[4096];
    srx_import_result r;
    srx_diag dg;
    size_t i;
    path_of(p, sizeof p, file);
    ck_assert_msg(srx_pdc_import(p, NULL, &r, &dg) == SRX_OK, "%s", dg.message);
    ck_assert_uint_eq(r.n_series, n);
    for (i = 0; i < n; i++) {
        const srx_import_series *s = &r.series[i];
        srx_transient_result f;
        double t1, err1, tq, err_t, err_chi;
        ck_assert_str_eq(s->name, rep[i].name);
        ck_assert_str_eq(s->experiment, "longitudinal_decay");
        ck_assert_ptr_nonnull(s->sigma);
        f = fit(s, SRX_EXPERIMENT_LONGITUDINAL_DECAY, SRX_TRANSIENT_EXPONENTIAL, 0, 1);
        ck_assert_int_eq(f.covariance_scaled, 0);
        t1 = 1.0 / f.rate_per_s;
        err1 = f.rate_err_per_s / (f.rate_per_s * f.rate_per_s); /* 1-sigma from the sigmas */
        tq = gsl_cdf_tdist_Pinv(0.975, (double)(s->n - 2));
        /* the export's errorScale is Student's t(95 %, n - 2) */
        srxt_assert_rel(tq, errscale, 1e-6);
        err_t = err1 * tq;                          /* convention A: sigma-based x t */
        err_chi = err1 * sqrt(f.reduced_chi2) * tq; /* convention B: scaled by reduced chi2 */
        fprintf(stderr,
                "pdc %s %-8s T1 = %.6f s (reported %.6f, rel %.1e); err: sigma*t = %.7f, "
                "sigma*sqrt(chi2r)*t = %.7f (reported %.7f); chi2r = %.3f\n",
                file, s->name, t1, rep[i].t1_s, fabs(t1 / rep[i].t1_s - 1), err_t, err_chi,
                rep[i].err_s, f.reduced_chi2);
        /* T1 to 5e-4 relative (the reported values have 6 digits) */
        srxt_assert_rel(t1, rep[i].t1_s, 5e-4);
        if (year == 2014)
            srxt_assert_rel(err_t, rep[i].err_s, 0.01);
        else
            srxt_assert_rel(err_chi, rep[i].err_s, 0.01);
    }
    srx_import_result_free(&r);
}

START_TEST(pdc_2014_bug_22411)
{
    /* Dynamics Center 2.1.5, "from fit using calculated y uncertainties" */
    static const reported rep[] = {{"H145", 0.863921, 0.0174326},
                                   {"Q146", 0.800479, 0.0247820},
                                   {"H147", 0.788527, 0.0009692},
                                   {"L222", 1.796588, 0.0340993}};
    check_pdc("pdc_t1_transients_relax/bug_22411_T1.txt", rep, 4, 2.3060041, 2014);
}
END_TEST

START_TEST(pdc_2012_ubiquitin)
{
    /* Dynamics Center 2.0.6, "from fit using arbitray y uncertainties" */
    static const reported rep[] = {{"Gln [2]", 0.455962, 0.0055642},
                                   {"Ile [3]", 0.428882, 0.0040993}};
    check_pdc("pdc_t1_transients_relax/T1_demo_1UBQ_H_trunc.txt", rep, 2, 2.2281389, 2012);
}
END_TEST

/* ------------------------------------------------------------ lamox */

static void lamox_fits(const srx_import_series *s, const char *label, srx_transient_result *m0,
                       srx_transient_result *m1, srx_transient_result *s0,
                       srx_transient_result *s1)
{
    *m0 = fit(s, SRX_EXPERIMENT_SATURATION_RECOVERY, SRX_TRANSIENT_EXPONENTIAL, 0, 1);
    *m1 = fit(s, SRX_EXPERIMENT_SATURATION_RECOVERY, SRX_TRANSIENT_EXPONENTIAL, 1, 1);
    *s0 = fit(s, SRX_EXPERIMENT_SATURATION_RECOVERY, SRX_TRANSIENT_STRETCHED, 0, 1);
    *s1 = fit(s, SRX_EXPERIMENT_SATURATION_RECOVERY, SRX_TRANSIENT_STRETCHED, 1, 1);
    fprintf(stderr, "lamox %s: mono, no offset : T1 = %.4f +- %.4f ms (chi2r %.1f) [TopSpin 2.658 ms]\n",
            label, 1e3 / m0->rate_per_s,
            1e3 * m0->rate_err_per_s / (m0->rate_per_s * m0->rate_per_s), m0->reduced_chi2);
    fprintf(stderr, "lamox %s: mono, offset    : T1 = %.4f +- %.4f ms (chi2r %.1f, c/M0 %.3f) "
            "[relaxometrynmr 4.649 +- 0.160 ms]\n",
            label, 1e3 / m1->rate_per_s,
            1e3 * m1->rate_err_per_s / (m1->rate_per_s * m1->rate_per_s), m1->reduced_chi2,
            m1->offset / m1->amplitude);
    fprintf(stderr, "lamox %s: stretched       : T1 = %.4f +- %.4f ms, gamma %.3f +- %.3f (chi2r %.1f)\n",
            label, 1e3 / s0->rate_per_s,
            1e3 * s0->rate_err_per_s / (s0->rate_per_s * s0->rate_per_s), s0->stretch,
            s0->stretch_err, s0->reduced_chi2);
    fprintf(stderr, "lamox %s: stretched+offset: T1 = %.4f +- %.4f ms, gamma %.3f +- %.3f (chi2r %.1f) "
            "[relaxometrynmr areas 4.243 +- 1.097 ms, c = 0.459 +- 0.068]\n",
            label, 1e3 / s1->rate_per_s,
            1e3 * s1->rate_err_per_s / (s1->rate_per_s * s1->rate_per_s), s1->stretch,
            s1->stretch_err, s1->reduced_chi2);
}

START_TEST(o17_satrec_lamox)
{
    static const double vd[15] = {5e-6,  1e-5,  3e-5, 5e-5, 1e-4, 3e-4, 5e-4, 1e-3,
                                  3e-3,  5e-3,  1e-2, 3e-2, 5e-2, 0.1,  0.3};
    /* TopSpin's integrals (pdata/1/t1ints.txt), region 631.19..515.28 ppm
     * (pdata/1/intrng), processed with LB = 500 Hz */
    static const double ts_int[15] = {2.85e9,    3.70942e9, 3.49079e9, 2.67836e9, 3.06016e9,
                                      4.07621e9, 5.93926e9, 5.94954e9, 8.67018e9, 1.20029e10,
                                      1.63925e10, 1.74207e10, 1.60747e10, 1.59824e10,
                                      1.64116e10};
    char p[4096];
    srx_import_result r, ra;
    srx_spectrum1d_info info, infoa;
    srx_diag dg;
    srx_import_options o;
    const srx_import_series *s;
    srx_transient_result m0, m1, s0, s1;
    size_t i;
    double early = 0, late = 0, dmax = 0;
    path_of(p, sizeof p, "o17_satrec_lamox");
    srx_import_options_init(&o);
    o.line_broadening_hz = 500;
    /* automatic region, for the record */
    ck_assert_msg(srx_bruker_import(p, &o, &ra, &infoa, &dg) == SRX_OK, "%s", dg.message);
    fprintf(stderr, "lamox auto: region %.0f..%.0f Hz, peak %.0f Hz, phase0 %.1f deg, phase1 %.1f deg\n",
            infoa.region_lo_hz, infoa.region_hi_hz, infoa.peak_hz, infoa.phase0_deg,
            infoa.phase1_deg);
    lamox_fits(&ra.series[0], "auto", &m0, &m1, &s0, &s1);
    srx_import_result_free(&ra);
    /* TopSpin's region */
    o.region_lo_ppm = 515.2780060468953;
    o.region_hi_ppm = 631.1899131802048;
    ck_assert_msg(srx_bruker_import(p, &o, &r, &info, &dg) == SRX_OK, "%s", dg.message);
    s = &r.series[0];
    ck_assert_uint_eq(s->n, 15);
    ck_assert_str_eq(s->experiment, "saturation_recovery");
    ck_assert_str_eq(s->pulse_program, "satrect1nodec");
    ck_assert_str_eq(s->nucleus, "17O");
    ck_assert_double_eq_tol(s->larmor_hz, 67.863634622e6, 1e-3);
    ck_assert(isnan(s->temperature_k)); /* TE = 0 */
    for (i = 0; i < 15; i++)
        srxt_assert_rel(s->delay_s[i], vd[i], 1e-12);
    /* line at 573.9 ppm: SF 67.804154 MHz -> -20.56 kHz from SFO1; the ppm
     * region maps to -24.4 .. -16.5 kHz */
    ck_assert_msg(fabs(info.peak_hz + 20560) < 600, "peak at %g Hz", info.peak_hz);
    ck_assert_msg(fabs(info.region_lo_hz + 24380) < 400 && fabs(info.region_hi_hz + 16520) < 400,
                  "region %g..%g Hz", info.region_lo_hz, info.region_hi_hz);
    for (i = 0; i < 5; i++)
        early += s->signal[i] / 5;
    for (i = 11; i < 15; i++)
        late += s->signal[i] / 4;
    for (i = 0; i < 15; i++) {
        double a = s->signal[i] / s->signal[14], b = ts_int[i] / ts_int[14];
        fprintf(stderr, "lamox: %8.6f s  %.4f +- %.4f  (TopSpin integral %.4f)\n", s->delay_s[i],
                a, s->sigma[i] / s->signal[14], b);
        if (fabs(a - b) > dmax)
            dmax = fabs(a - b);
    }
    /* same region, same LB, own phase and baseline: the normalised
     * integrals agree with TopSpin's to a few % of the plateau (TopSpin's
     * phase 257.9 / 7104 deg and baseline differ from ours) */
    ck_assert_msg(dmax < 0.08, "largest difference to TopSpin's integrals %g", dmax);
    ck_assert_msg(early / late > 0.1 && early / late < 0.3, "early/late %g", early / late);
    lamox_fits(s, "ppm", &m0, &m1, &s0, &s1);
    /* the no-offset model is forced through 0 at t = 0 while the data
     * start at ~19 %: it compensates with a shorter T1, like TopSpin's
     * 2.658 ms; the offset model gives the package's ~4.6 ms */
    ck_assert(1.0 / m0.rate_per_s > 2.0e-3 && 1.0 / m0.rate_per_s < 3.5e-3);
    ck_assert(1.0 / m1.rate_per_s > 3.5e-3 && 1.0 / m1.rate_per_s < 6e-3);
    srx_import_result_free(&r);
}
END_TEST

/* ------------------------------------------------------------ dnplab */

START_TEST(h1_invrec_dnplab)
{
    char p[4096];
    srx_import_result r;
    srx_spectrum1d_info info;
    srx_diag dg;
    const srx_import_series *s;
    srx_transient_result f, f1;
    size_t i;
    int warned = 0;
    double tnull, tnull_data = NAN;
    path_of(p, sizeof p, "h1_invrec_dnplab/304");
    ck_assert_msg(srx_bruker_import(p, NULL, &r, &info, &dg) == SRX_OK, "%s", dg.message);
    s = &r.series[0];
    ck_assert_uint_eq(s->n, 8);
    ck_assert_str_eq(s->experiment, "inversion_recovery");
    ck_assert_str_eq(s->pulse_program, "jf_fir");
    ck_assert_str_eq(s->title, "T1 with microwaves off");
    srxt_assert_rel(s->delay_s[0], 0.020, 1e-12);
    srxt_assert_rel(s->delay_s[4], 1.306, 1e-12);
    srxt_assert_rel(s->delay_s[7], 30.0, 1e-12);
    for (i = 0; i < r.n_warnings; i++) {
        fprintf(stderr, "dnplab warning: %s\n", r.warnings[i]);
        if (strstr(r.warnings[i], "NUC1 = 15N") && strstr(r.warnings[i], "1H at B0 = 0.348"))
            warned = 1;
    }
    ck_assert_msg(warned, "no 15N/1H label warning");
    /* inverted start, relaxed end, one sign change between 0.46 and 3.7 s */
    ck_assert(s->signal[0] < 0 && s->signal[7] > 0);
    for (i = 0; i + 1 < s->n; i++)
        if (s->signal[i] < 0 && s->signal[i + 1] >= 0) {
            /* linear interpolation in ln t */
            double a = log(s->delay_s[i]), b = log(s->delay_s[i + 1]);
            tnull_data = exp(a + (b - a) * -s->signal[i] / (s->signal[i + 1] - s->signal[i]));
        }
    f = fit(s, SRX_EXPERIMENT_INVERSION_RECOVERY, SRX_TRANSIENT_EXPONENTIAL, 0, 1);
    f1 = fit(s, SRX_EXPERIMENT_INVERSION_RECOVERY, SRX_TRANSIENT_EXPONENTIAL, 1, 1);
    tnull = log(2.0 * f.inversion) / f.rate_per_s;
    for (i = 0; i < s->n; i++)
        fprintf(stderr, "dnplab: %8.4f s  %12.1f +- %.1f\n", s->delay_s[i], s->signal[i],
                s->sigma[i]);
    fprintf(stderr, "dnplab: phase0 %.1f deg phase1 %.1f deg, region %.1f..%.1f Hz\n",
            info.phase0_deg, info.phase1_deg, info.region_lo_hz, info.region_hi_hz);
    fprintf(stderr, "dnplab: T1 = %.4f +- %.4f s, f = %.4f, null at %.3f s (data: %.3f s), "
            "chi2r %.1f; with offset T1 = %.4f s\n",
            1 / f.rate_per_s, f.rate_err_per_s / (f.rate_per_s * f.rate_per_s), f.inversion,
            tnull, tnull_data, f.reduced_chi2, 1 / f1.rate_per_s);
    ck_assert_msg(tnull_data > 1.1 && tnull_data < 1.5, "null at %g s", tnull_data);
    ck_assert_msg(tnull > 1.1 && tnull < 1.5, "fitted null at %g s", tnull);
    srx_import_result_free(&r);
    /* the caller corrects the label; the importer records the override */
    {
        srx_import_options o;
        srx_import_options_init(&o);
        o.nucleus = "1H";
        o.temperature_k = 295;
        ck_assert_msg(srx_bruker_import(p, &o, &r, NULL, &dg) == SRX_OK, "%s", dg.message);
        ck_assert_str_eq(r.series[0].nucleus, "1H");
        ck_assert_double_eq(r.series[0].temperature_k, 295);
        srx_import_result_free(&r);
    }
}
END_TEST

/* ------------------------------------------------------------ varian */

START_TEST(varian_satrec_ssnake)
{
    char p[4096];
    srx_import_result r;
    srx_diag dg;
    srx_import_options o;
    const srx_import_series *s;
    srx_transient_result f, f1;
    static const double tau[12] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
                                   0.1,   0.2,   0.5,   1,    2,    5};
    size_t i;
    path_of(p, sizeof p, "varian_satrec_ssnake/satrec2D.fid");
    srx_import_options_init(&o);
    /* seqfil "relax" does not tell the experiment: the caller gives it */
    ck_assert_int_eq(srx_varian_import(p, &o, &r, NULL, &dg), SRX_EINVAL);
    ck_assert_ptr_nonnull(strstr(dg.message, "unknown pulse program relax"));
    o.experiment = "saturation_recovery";
    ck_assert_msg(srx_varian_import(p, &o, &r, NULL, &dg) == SRX_OK, "%s", dg.message);
    s = &r.series[0];
    ck_assert_uint_eq(s->n, 12);
    ck_assert_str_eq(s->nucleus, "87Rb");
    for (i = 0; i < 12; i++)
        srxt_assert_rel(s->delay_s[i], tau[i], 1e-12);
    f = fit(s, SRX_EXPERIMENT_SATURATION_RECOVERY, SRX_TRANSIENT_EXPONENTIAL, 0, 1);
    f1 = fit(s, SRX_EXPERIMENT_SATURATION_RECOVERY, SRX_TRANSIENT_EXPONENTIAL, 1, 1);
    for (i = 0; i < s->n; i++)
        fprintf(stderr, "varian: %6.3f s  %10.1f +- %.1f\n", s->delay_s[i], s->signal[i],
                s->sigma[i]);
    fprintf(stderr, "varian: T1 = %.4f +- %.4f s (chi2r %.2f); with offset %.4f +- %.4f s "
            "[ssNake tutorial: about 0.3 s]\n",
            1 / f.rate_per_s, f.rate_err_per_s / (f.rate_per_s * f.rate_per_s), f.reduced_chi2,
            1 / f1.rate_per_s, f1.rate_err_per_s / (f1.rate_per_s * f1.rate_per_s));
    ck_assert(1 / f.rate_per_s > 0.15 && 1 / f.rate_per_s < 0.5);
    ck_assert(1 / f1.rate_per_s > 0.15 && 1 / f1.rate_per_s < 0.5);
    srx_import_result_free(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("import_real");
    TCase *tc;
    tc = tcase_create("pdc_t1_transients_relax");
    tcase_add_test(tc, pdc_2014_bug_22411);
    tcase_add_test(tc, pdc_2012_ubiquitin);
    suite_add_tcase(s, tc);
    tc = tcase_create("o17_satrec_lamox");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, o17_satrec_lamox);
    suite_add_tcase(s, tc);
    tc = tcase_create("h1_invrec_dnplab");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, h1_invrec_dnplab);
    suite_add_tcase(s, tc);
    tc = tcase_create("varian_satrec_ssnake");
    tcase_add_test(tc, varian_satrec_ssnake);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (!srxt_real_dir(real, sizeof real)) {
        fprintf(stderr, "real data folder not found (SRX_REAL_DATA or "
                        "$SRX_SRCDIR/../shared/data/real): skipped\n");
        return 77;
    }
    return srxt_run(suite());
}
