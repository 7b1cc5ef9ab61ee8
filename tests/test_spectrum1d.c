/* spectrum1d: synthetic FIDs with known amplitudes, phase, group delay and
 * noise against the analytic Lorentzian integral; noise coverage; the
 * group-delay table; bad input; threads. */
#include <pthread.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "spinrelax.h"
#include "testlib.h"

#define PI 3.14159265358979323846
#define NCX 4096
#define SW 20000.0
#define F0 1234.5
#define T2 0.005

/* x_k = A exp(i (2 pi f0 t + phi)) exp(-t / T2), t = (k - g) / sw, 0 for t < 0 */
static void make_fid(double *x, size_t n, double amp, double phi, double g, double noise,
                     gsl_rng *rng)
{
    size_t k;
    for (k = 0; k < n; k++) {
        double t = ((double)k - g) / SW, re = 0, im = 0;
        if (t >= 0) {
            double a = amp * exp(-t / T2);
            re = a * cos(2 * PI * F0 * t + phi);
            im = a * sin(2 * PI * F0 * t + phi);
        }
        if (noise > 0) {
            re += gsl_ran_gaussian(rng, noise);
            im += gsl_ran_gaussian(rng, noise);
        }
        x[2 * k] = re;
        x[2 * k + 1] = im;
    }
}

/* fraction of a Lorentzian (FID exp(-t/T2), HWHM a = 1/(2 pi T2)) in
 * [lo, hi] Hz, the region's points each standing for +-half a point */
static double lorentz_fraction(double lo, double hi, size_t n)
{
    double a = 1.0 / (2 * PI * T2), d = SW / (double)n;
    return (atan((hi + 0.5 * d - F0) / a) - atan((lo - 0.5 * d - F0) / a)) / PI;
}

static const double delays[8] = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0};

static double amp_of(size_t i) /* inversion recovery, T1 = 0.2 s */
{
    return 1000.0 * (1.0 - 2.0 * exp(-delays[i] / 0.2));
}

static void check_series(double g, int auto_phase)
{
    double *fid = malloc(sizeof(double) * 2 * NCX * 8), integ[8], sig[8], f;
    srx_spectrum1d_options o;
    srx_spectrum1d_info info;
    const double phi = 1.1;
    size_t i;
    for (i = 0; i < 8; i++)
        make_fid(fid + 2 * NCX * i, NCX, amp_of(i), phi, g, 0, NULL);
    srx_spectrum1d_options_init(&o);
    o.group_delay_points = g;
    o.reference = 7;
    if (!auto_phase) {
        o.auto_phase = 0;
        o.phase0_deg = -phi * 180 / PI;
    }
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 8, NCX, SW, &o, integ, sig, &info, NULL),
                     SRX_OK);
    ck_assert_uint_eq(info.reference, 7);
    ck_assert(fabs(info.peak_hz - F0) <= SW / NCX);
    /* the whole chain is linear for a fixed phase, region and baseline
     * point set: integral / amplitude is one constant to rounding */
    f = integ[7] / amp_of(7);
    for (i = 0; i < 8; i++)
        srxt_assert_rel(integ[i] / amp_of(i), f, 1e-9);
    /* against the continuous Lorentzian: the DFT sum approximates the
     * integral with periodisation (images SW apart) and the half first point;
     * both errors are below 1e-3 for a = 32 Hz in SW = 20 kHz.  For a
     * fractional group delay the first sample (t < 0) is missing:
     * the band-limited shift smears it, 2 % allowed. */
    srxt_assert_rel(f, lorentz_fraction(info.region_lo_hz, info.region_hi_hz, NCX),
                    g == floor(g) ? 2e-3 : 2e-2);
    ck_assert(f > 0.9);
    free(fid);
}

START_TEST(integer_group_delay_known_phase)
{
    check_series(68.0, 0);
}
END_TEST

START_TEST(integer_group_delay_auto_phase)
{
    check_series(68.0, 1);
}
END_TEST

START_TEST(fractional_group_delay_auto_phase)
{
    check_series(60.375, 1);
}
END_TEST

START_TEST(no_group_delay_auto_phase)
{
    check_series(0.0, 1);
}
END_TEST

START_TEST(manual_region)
{
    double fid[2 * NCX], integ, sig;
    srx_spectrum1d_options o;
    srx_spectrum1d_info info;
    make_fid(fid, NCX, 7.0, -2.0, 0, 0, NULL);
    srx_spectrum1d_options_init(&o);
    o.auto_region = 0;
    o.region_lo_hz = F0 + 500;
    o.region_hi_hz = F0 - 500; /* order does not matter */
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, NCX, SW, &o, &integ, &sig, &info, NULL),
                     SRX_OK);
    ck_assert(info.region_lo_hz >= F0 - 500 && info.region_hi_hz <= F0 + 500);
    ck_assert(info.region_lo_hz < F0 - 490 && info.region_hi_hz > F0 + 490);
    srxt_assert_rel(integ, 7.0 * lorentz_fraction(info.region_lo_hz, info.region_hi_hz, NCX),
                    2e-3);
}
END_TEST

START_TEST(line_broadening_keeps_area)
{
    /* exp(-pi lb t) widens the line; the FID at t = 0 is unchanged, so a
     * wide region still holds the area (region fraction for the broadened
     * width: HWHM a + lb / 2) */
    double fid[2 * NCX], integ;
    srx_spectrum1d_options o;
    srx_spectrum1d_info info;
    double a, fr, d = SW / NCX;
    make_fid(fid, NCX, 3.0, 0.4, 0, 0, NULL);
    srx_spectrum1d_options_init(&o);
    o.line_broadening_hz = 50;
    o.auto_region = 0;
    o.region_lo_hz = F0 - 3000;
    o.region_hi_hz = F0 + 3000;
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, NCX, SW, &o, &integ, NULL, &info, NULL),
                     SRX_OK);
    a = 1.0 / (2 * PI * T2) + 25.0;
    fr = (atan((info.region_hi_hz + 0.5 * d - F0) / a) - atan((info.region_lo_hz - 0.5 * d - F0) / a)) / PI;
    /* 5e-3: the baseline fitted outside +-6 kHz absorbs the Lorentzian tail
     * level there, about A a W / (pi f^2) = 0.2 % of A for a = 57 Hz */
    srxt_assert_rel(integ, 3.0 * fr, 5e-3);
}
END_TEST

START_TEST(noise_coverage)
{
    /* sigma (std of the baseline * sqrt(points) * 2/N) against the scatter of
     * the integral over independent noise draws.  300 draws: the sample
     * standard deviation has a relative standard error 1/sqrt(600) = 4 %, so
     * +-12 % is a 3-sigma band. */
    const int draws = 300;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double *fid = malloc(sizeof(double) * 2 * NCX), s = 0, s2 = 0, ssig = 0, mean, sd;
    srx_spectrum1d_options o;
    int d;
    gsl_rng_set(rng, 20261125);
    srx_spectrum1d_options_init(&o);
    o.auto_region = 0; /* fixed region: the estimator, not the region finder */
    o.region_lo_hz = F0 - 400;
    o.region_hi_hz = F0 + 400;
    for (d = 0; d < draws; d++) {
        double integ, sig;
        make_fid(fid, NCX, 10.0, 0.3, 0, 0.5, rng);
        ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, NCX, SW, &o, &integ, &sig, NULL, NULL),
                         SRX_OK);
        s += integ;
        s2 += integ * integ;
        ssig += sig;
    }
    mean = s / draws;
    sd = sqrt((s2 - draws * mean * mean) / (draws - 1));
    ck_assert_msg(fabs(ssig / draws / sd - 1.0) < 0.12, "mean sigma %g vs scatter %g",
                  ssig / draws, sd);
    free(fid);
    gsl_rng_free(rng);
}
END_TEST

START_TEST(group_delay_table)
{
    double g;
    /* values of the published table (README of the DNPLab set: 60.375) */
    ck_assert_int_eq(srx_spectrum1d_bruker_group_delay(10, 12, &g, NULL), SRX_OK);
    ck_assert_double_eq(g, 60.375);
    ck_assert_int_eq(srx_spectrum1d_bruker_group_delay(12, 16, &g, NULL), SRX_OK);
    ck_assert_double_eq(g, 71.625);
    ck_assert_int_eq(srx_spectrum1d_bruker_group_delay(13, 2, &g, NULL), SRX_OK);
    ck_assert_double_eq(g, 2.75);
    ck_assert_int_eq(srx_spectrum1d_bruker_group_delay(11, 5, &g, NULL), SRX_ENOTFOUND);
    ck_assert_int_eq(srx_spectrum1d_bruker_group_delay(20, 20, &g, NULL), SRX_ENOTFOUND);
    ck_assert_int_eq(srx_spectrum1d_bruker_group_delay(10, 12, NULL, NULL), SRX_EINVAL);
}
END_TEST

START_TEST(bad_input)
{
    double fid[2 * 64] = {0}, integ[2], sig[2];
    srx_spectrum1d_options o;
    srx_diag dg;
    make_fid(fid, 64, 1, 0, 0, 0, NULL);
    ck_assert_int_eq(srx_spectrum1d_integrate(NULL, 1, 64, SW, NULL, integ, sig, NULL, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, 64, SW, NULL, NULL, sig, NULL, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, 8, SW, NULL, integ, sig, NULL, NULL),
                     SRX_ENODATA);
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 0, 64, SW, NULL, integ, sig, NULL, NULL),
                     SRX_ENODATA);
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, 64, -1, NULL, integ, sig, NULL, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, 64, NAN, NULL, integ, sig, NULL, NULL),
                     SRX_EINVAL);
    srx_spectrum1d_options_init(&o);
    o.group_delay_points = -1;
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, 64, SW, &o, integ, sig, NULL, NULL),
                     SRX_EINVAL);
    o.group_delay_points = 60;
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, 64, SW, &o, integ, sig, NULL, &dg),
                     SRX_ENODATA);
    ck_assert_ptr_nonnull(strstr(dg.message, "group delay"));
    srx_spectrum1d_options_init(&o);
    o.line_broadening_hz = INFINITY;
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, 64, SW, &o, integ, sig, NULL, NULL),
                     SRX_EINVAL);
    srx_spectrum1d_options_init(&o);
    o.auto_region = 0;
    o.region_lo_hz = o.region_hi_hz = 5;
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, 64, SW, &o, integ, sig, NULL, NULL),
                     SRX_EINVAL);
    o.region_lo_hz = -1e6;
    o.region_hi_hz = 0;
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, 64, SW, &o, integ, sig, NULL, NULL),
                     SRX_EINVAL);
    srx_spectrum1d_options_init(&o);
    o.reference = 1;
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, 64, SW, &o, integ, sig, NULL, NULL),
                     SRX_EINVAL);
    srx_spectrum1d_options_init(&o);
    o.fft_size = 32;
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, 64, SW, &o, integ, sig, NULL, NULL),
                     SRX_EINVAL);
    srx_spectrum1d_options_init(&o);
    o.auto_phase = 0;
    o.phase1_deg = NAN;
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, 64, SW, &o, integ, sig, NULL, NULL),
                     SRX_EINVAL);
    fid[5] = NAN;
    ck_assert_int_eq(srx_spectrum1d_integrate(fid, 1, 64, SW, NULL, integ, sig, NULL, NULL),
                     SRX_EINVAL);
}
END_TEST

typedef struct job {
    const double *fid;
    double integ[8];
    int status;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    srx_spectrum1d_options o;
    srx_spectrum1d_options_init(&o);
    o.group_delay_points = 68;
    o.line_broadening_hz = 10;
    j->status = srx_spectrum1d_integrate(j->fid, 8, NCX, SW, &o, j->integ, NULL, NULL, NULL);
    return NULL;
}

START_TEST(threads)
{
    double *fid = malloc(sizeof(double) * 2 * NCX * 8);
    job jobs[4];
    pthread_t th[4];
    size_t i, k;
    for (i = 0; i < 8; i++)
        make_fid(fid + 2 * NCX * i, NCX, amp_of(i), 0.7, 68, 0, NULL);
    for (i = 0; i < 4; i++) {
        jobs[i].fid = fid;
        ck_assert_int_eq(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
    }
    for (i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(jobs[i].status, SRX_OK);
        for (k = 0; k < 8; k++)
            ck_assert_double_eq(jobs[i].integ[k], jobs[0].integ[k]);
    }
    free(fid);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("spectrum1d");
    TCase *tc;
    tc = tcase_create("known_truth");
    tcase_add_test(tc, integer_group_delay_known_phase);
    tcase_add_test(tc, integer_group_delay_auto_phase);
    tcase_add_test(tc, fractional_group_delay_auto_phase);
    tcase_add_test(tc, no_group_delay_auto_phase);
    tcase_add_test(tc, manual_region);
    tcase_add_test(tc, line_broadening_keeps_area);
    suite_add_tcase(s, tc);
    tc = tcase_create("noise");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, noise_coverage);
    suite_add_tcase(s, tc);
    tc = tcase_create("group_delay_table");
    tcase_add_test(tc, group_delay_table);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad_input");
    tcase_add_test(tc, bad_input);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_add_test(tc, threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return srxt_run(suite());
}
