/* transient: models against their formulas and finite differences; fits of
 * synthetic data of known truth (exact and noisy); bad input. */
#include <pthread.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "spinrelax.h"
#include "testlib.h"

static const srx_experiment all_experiments[4] = {
    SRX_EXPERIMENT_SATURATION_RECOVERY, SRX_EXPERIMENT_INVERSION_RECOVERY,
    SRX_EXPERIMENT_SPIN_LOCK, SRX_EXPERIMENT_LONGITUDINAL_DECAY};

/* the models written out directly (physics.md section 4; Hubbard 1970) */
static double reference_model(srx_experiment ex, srx_transient_shape sh, const double *p,
                              double t)
{
    double E, M0 = p[0], R = p[1], g = p[2], f = p[3], c = p[4], R2 = p[5];
    if (sh == SRX_TRANSIENT_EXPONENTIAL)
        E = exp(-t * R);
    else if (sh == SRX_TRANSIENT_STRETCHED)
        E = exp(-pow(t * R, g));
    else
        E = 0.2 * exp(-R * t) + 0.8 * exp(-R2 * t);
    switch (ex) {
    case SRX_EXPERIMENT_SATURATION_RECOVERY:
        return M0 * (1.0 - E) + c;
    case SRX_EXPERIMENT_INVERSION_RECOVERY:
        return M0 * (1.0 - 2.0 * f * E) + c;
    default:
        return M0 * E + c;
    }
}

START_TEST(experiment_names)
{
    const char *names[4] = {"saturation_recovery", "inversion_recovery", "spin_lock",
                            "longitudinal_decay"};
    srx_experiment e;
    int i;
    for (i = 0; i < 4; i++) {
        ck_assert_str_eq(srx_transient_experiment_name(all_experiments[i]), names[i]);
        ck_assert_int_eq(srx_transient_experiment_parse(names[i], &e, NULL), SRX_OK);
        ck_assert_int_eq(e, all_experiments[i]);
    }
    ck_assert_ptr_null(srx_transient_experiment_name((srx_experiment)4));
    ck_assert_ptr_null(srx_transient_experiment_name((srx_experiment)-1));
    ck_assert_int_eq(srx_transient_experiment_parse("Spin_Lock", &e, NULL), SRX_ENOTFOUND);
    ck_assert_int_eq(srx_transient_experiment_parse("T1", &e, NULL), SRX_ENOTFOUND);
    ck_assert_int_eq(srx_transient_experiment_parse(NULL, &e, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_transient_experiment_parse("spin_lock", NULL, NULL), SRX_EINVAL);
}
END_TEST

START_TEST(model_values_and_derivatives)
{
    /* values against the formulas written out (1e-14 relative: same
     * operations up to order); each derivative against a central difference
     * with relative step 1e-5 (truncation ~1e-10, rounding ~1e-11, relative
     * to the scale of the column): 1e-7 */
    const double t[6] = {0.0, 1e-3, 0.02, 0.13, 0.9, 4.0};
    const srx_transient_shape shapes[3] = {SRX_TRANSIENT_EXPONENTIAL, SRX_TRANSIENT_STRETCHED,
                                           SRX_TRANSIENT_BIEXP_SPIN32};
    double p[SRX_TRANSIENT_NPARAM] = {2.5, 3.7, 0.63, 0.93, -0.2, 0.8};
    double m[6], jac[6 * SRX_TRANSIENT_NPARAM], mp[6], mm[6];
    int e, s, j, i;
    for (e = 0; e < 4; e++)
        for (s = 0; s < 3; s++) {
            ck_assert_int_eq(srx_transient_eval(all_experiments[e], shapes[s], p, t, 6, m, jac,
                                                NULL),
                             SRX_OK);
            for (i = 0; i < 6; i++)
                srxt_assert_rel(m[i], reference_model(all_experiments[e], shapes[s], p, t[i]),
                                1e-14);
            for (j = 0; j < SRX_TRANSIENT_NPARAM; j++) {
                double q[SRX_TRANSIENT_NPARAM], h = 1e-5 * fabs(p[j]), scale = 0.0;
                memcpy(q, p, sizeof q);
                q[j] = p[j] + h;
                ck_assert_int_eq(srx_transient_eval(all_experiments[e], shapes[s], q, t, 6, mp,
                                                    NULL, NULL),
                                 SRX_OK);
                q[j] = p[j] - h;
                ck_assert_int_eq(srx_transient_eval(all_experiments[e], shapes[s], q, t, 6, mm,
                                                    NULL, NULL),
                                 SRX_OK);
                for (i = 0; i < 6; i++)
                    scale = fmax(scale, fabs(jac[i * SRX_TRANSIENT_NPARAM + j]));
                for (i = 0; i < 6; i++) {
                    double fd = (mp[i] - mm[i]) / (2.0 * h);
                    ck_assert_msg(fabs(jac[i * SRX_TRANSIENT_NPARAM + j] - fd) <=
                                      1e-7 * fmax(scale, 1e-3),
                                  "exp %d shape %d param %d point %d: %g vs fd %g", e, s, j, i,
                                  jac[i * SRX_TRANSIENT_NPARAM + j], fd);
                }
            }
        }
    /* bad arguments */
    ck_assert_int_eq(srx_transient_eval(SRX_EXPERIMENT_SPIN_LOCK, SRX_TRANSIENT_EXPONENTIAL, NULL,
                                        t, 6, m, NULL, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_transient_eval((srx_experiment)9, SRX_TRANSIENT_EXPONENTIAL, p, t, 6, m,
                                        NULL, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_transient_eval(SRX_EXPERIMENT_SPIN_LOCK, (srx_transient_shape)7, p, t,
                                        6, m, NULL, NULL),
                     SRX_EINVAL);
    p[1] = -1.0;
    ck_assert_int_eq(srx_transient_eval(SRX_EXPERIMENT_SPIN_LOCK, SRX_TRANSIENT_EXPONENTIAL, p, t,
                                        6, m, NULL, NULL),
                     SRX_EDOM);
    p[1] = 3.7;
    p[2] = 1.5;
    ck_assert_int_eq(srx_transient_eval(SRX_EXPERIMENT_SPIN_LOCK, SRX_TRANSIENT_STRETCHED, p, t,
                                        6, m, NULL, NULL),
                     SRX_EDOM);
    p[2] = 0.63;
    {
        double tb[2] = {0.1, -0.1};
        ck_assert_int_eq(srx_transient_eval(SRX_EXPERIMENT_SPIN_LOCK, SRX_TRANSIENT_STRETCHED, p,
                                            tb, 2, m, NULL, NULL),
                         SRX_EDOM);
    }
}
END_TEST

/* Delays for rate R: t = 0, then 18 log-spaced from 0.01/R to 20/R, and
 * three repeats; shuffled deterministically.  Returns n. */
static size_t awkward_delays(double R, double *t, gsl_rng *rng)
{
    size_t n = 0, i;
    t[n++] = 0.0;
    for (i = 0; i < 18; i++)
        t[n++] = (0.01 / R) * pow(2000.0, (double)i / 17.0);
    t[n++] = t[5];
    t[n++] = t[9];
    t[n++] = t[9];
    gsl_ran_shuffle(rng, t, n, sizeof(double));
    return n;
}

static void exact_case(srx_transient_fitter *tf, srx_experiment ex, srx_transient_shape sh,
                       int offset, double R, gsl_rng *rng)
{
    double t[32], y[32], p[SRX_TRANSIENT_NPARAM];
    srx_transient_options o;
    srx_transient_result r;
    srx_diag dg;
    size_t n = awkward_delays(R, t, rng), i;
    int st;
    p[0] = 3.0;
    p[1] = R;
    p[2] = sh == SRX_TRANSIENT_STRETCHED ? 0.6 : 1.0;
    p[3] = (ex == SRX_EXPERIMENT_INVERSION_RECOVERY && !offset) ? 0.93 : 1.0;
    p[4] = offset ? 0.4 : 0.0;
    p[5] = R / 7.0;
    for (i = 0; i < n; i++)
        y[i] = reference_model(ex, sh, p, t[i]);
    srx_transient_options_init(&o);
    o.shape = sh;
    o.offset = offset;
    srx_diag_clear(&dg);
    st = srx_transient_fitter_run(tf, t, y, NULL, n, ex, &o, &r, &dg);
    ck_assert_msg(st == SRX_OK, "%s shape %d offset %d R %g: status %d (%s)",
                  srx_transient_experiment_name(ex), sh, offset, R, st, dg.message);
    ck_assert_int_eq(r.status, SRX_OK);
    /* exact data: the minimum is the truth; stopping at xtol = 1e-10 in
     * ln R after a quadratically converging phase: 1e-8 is generous */
    srxt_assert_rel(r.rate_per_s, R, 1e-8);
    srxt_assert_rel(r.amplitude, 3.0, 1e-8);
    srxt_assert_rel(r.stretch, p[2], 1e-8);
    srxt_assert_rel(r.inversion, p[3], 1e-8);
    ck_assert_double_eq_tol(r.offset, p[4], 1e-8);
    if (sh == SRX_TRANSIENT_BIEXP_SPIN32)
        srxt_assert_rel(r.rate2_per_s, p[5], 1e-8);
    else
        ck_assert(r.rate2_err_per_s == 0.0);
    if (sh != SRX_TRANSIENT_STRETCHED)
        ck_assert(r.stretch_err == 0.0);
    if (!offset)
        ck_assert(r.offset_err == 0.0);
    ck_assert(r.converged);
}

START_TEST(exact_data_all_rates)
{
    /* rates 1e-3 .. 1e6 s^-1, every experiment, mono-exponential and
     * stretched, shuffled delays with repeats and t = 0 */
    srx_transient_fitter *tf = NULL;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double R;
    int e;
    gsl_rng_set(rng, 1);
    ck_assert_int_eq(srx_transient_fitter_alloc(&tf, 32, NULL), SRX_OK);
    for (R = 1e-3; R <= 1.0001e6; R *= 10.0)
        for (e = 0; e < 4; e++) {
            exact_case(tf, all_experiments[e], SRX_TRANSIENT_EXPONENTIAL, 0, R, rng);
            exact_case(tf, all_experiments[e], SRX_TRANSIENT_STRETCHED, 0, R, rng);
        }
    srx_transient_fitter_free(tf);
    gsl_rng_free(rng);
}
END_TEST

START_TEST(exact_data_offset_and_biexponential)
{
    /* with a fitted offset, and the spin-3/2 bi-exponential (R_b = R_a / 7) */
    srx_transient_fitter *tf = NULL;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double R;
    int e;
    gsl_rng_set(rng, 2);
    ck_assert_int_eq(srx_transient_fitter_alloc(&tf, 32, NULL), SRX_OK);
    for (R = 1e-3; R <= 1.0001e6; R *= 100.0)
        for (e = 0; e < 4; e++) {
            exact_case(tf, all_experiments[e], SRX_TRANSIENT_EXPONENTIAL, 1, R, rng);
            exact_case(tf, all_experiments[e], SRX_TRANSIENT_STRETCHED, 1, R, rng);
            exact_case(tf, all_experiments[e], SRX_TRANSIENT_BIEXP_SPIN32, 0, R, rng);
        }
    srx_transient_fitter_free(tf);
    gsl_rng_free(rng);
}
END_TEST

START_TEST(one_shot_and_reuse_agree)
{
    /* the same noisy series fitted by the one-shot call and by a larger
     * reused fitter (padding): same numbers to rounding */
    double t[20], y[20], s[20];
    srx_transient_result a, b;
    srx_transient_fitter *tf = NULL;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    size_t i;
    gsl_rng_set(rng, 5);
    for (i = 0; i < 20; i++) {
        t[i] = 1e-3 * pow(1.5, (double)i);
        s[i] = 0.01;
        y[i] = 2.0 * exp(-pow(t[i] * 30.0, 0.8)) + gsl_ran_gaussian(rng, s[i]);
    }
    ck_assert_int_eq(srx_transient_fit(t, y, s, 20, SRX_EXPERIMENT_SPIN_LOCK, NULL, &a, NULL),
                     SRX_OK);
    ck_assert_int_eq(srx_transient_fitter_alloc(&tf, 64, NULL), SRX_OK);
    ck_assert_int_eq(srx_transient_fitter_run(tf, t, y, s, 20, SRX_EXPERIMENT_SPIN_LOCK, NULL, &b,
                                              NULL),
                     SRX_OK);
    srxt_assert_rel(b.rate_per_s, a.rate_per_s, 1e-10);
    srxt_assert_rel(b.rate_err_per_s, a.rate_err_per_s, 1e-8);
    srxt_assert_rel(b.stretch, a.stretch, 1e-10);
    ck_assert_int_eq(a.covariance_scaled, 0);
    ck_assert_int_eq(a.dof, 20 - 3);
    srx_transient_fitter_free(tf);
    gsl_rng_free(rng);
}
END_TEST

/* coverage of the 1- and 2-sigma intervals of R over noisy series */
typedef struct {
    long fits, in1, in2, failed;
} coverage;

static void noisy_study(srx_experiment ex, srx_transient_shape sh, int weighted, long draws,
                        unsigned long seed, coverage *c)
{
    enum { N = 24 };
    double t[N], y[N], s[N], p[SRX_TRANSIENT_NPARAM];
    srx_transient_fitter *tf = NULL;
    srx_transient_options o;
    srx_transient_result r;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    long k;
    size_t i;
    gsl_rng_set(rng, seed);
    ck_assert_int_eq(srx_transient_fitter_alloc(&tf, N, NULL), SRX_OK);
    srx_transient_options_init(&o);
    o.shape = sh;
    memset(c, 0, sizeof *c);
    for (k = 0; k < draws; k++) {
        double R = pow(10.0, -2.0 + 7.0 * gsl_rng_uniform(rng));
        p[0] = 1.0;
        p[1] = R;
        p[2] = sh == SRX_TRANSIENT_STRETCHED ? 0.75 : 1.0;
        p[3] = 0.95;
        p[4] = 0.0;
        p[5] = R;
        for (i = 0; i < N; i++) {
            t[i] = (0.02 / R) * pow(500.0, (double)i / (N - 1));
            /* weighted: sigma differs between points; unweighted: one sigma */
            s[i] = weighted ? 0.01 * (1.0 + (double)(i % 3)) : 0.02;
            y[i] = reference_model(ex, sh, p, t[i]) + gsl_ran_gaussian(rng, s[i]);
        }
        if (srx_transient_fitter_run(tf, t, y, weighted ? s : NULL, N, ex, &o, &r, NULL) !=
            SRX_OK) {
            c->failed++;
            continue;
        }
        c->fits++;
        c->in1 += fabs(r.rate_per_s - R) <= r.rate_err_per_s;
        c->in2 += fabs(r.rate_per_s - R) <= 2.0 * r.rate_err_per_s;
    }
    srx_transient_fitter_free(tf);
    gsl_rng_free(rng);
}

START_TEST(noisy_coverage)
{
    /* saturation recovery, inversion recovery, spin lock; with and without
     * sigma; mono-exponential and stretched (gamma 0.75).  Expected coverage
     * of the 1- and 2-sigma intervals: 0.6827 / 0.9545 with known sigma;
     * unweighted, R's pull follows Student's t with 24 - p dof (p = 2..4):
     * P(|t| < 1) = 0.670..0.672, P(|t| < 2) = 0.940..0.942, we take 0.671 /
     * 0.941.  Nonlinearity of a 24-point fit adds a little.  Each group of
     * draws is checked within 4 binomial standard deviations; the long
     * version (make check-long) runs 40 times more draws. */
    const srx_experiment ex[3] = {SRX_EXPERIMENT_SATURATION_RECOVERY,
                                  SRX_EXPERIMENT_INVERSION_RECOVERY, SRX_EXPERIMENT_SPIN_LOCK};
    const srx_transient_shape sh[2] = {SRX_TRANSIENT_EXPONENTIAL, SRX_TRANSIENT_STRETCHED};
    long draws = srxt_long() ? 4000 : 100, total = 0, in1 = 0, in2 = 0;
    int e, s, w;
    for (w = 0; w <= 1; w++) {
        double e1 = w ? 0.6827 : 0.671, e2 = w ? 0.9545 : 0.941;
        total = in1 = in2 = 0;
        for (e = 0; e < 3; e++)
            for (s = 0; s < 2; s++) {
                coverage c;
                double f1, f2, tol1, tol2;
                noisy_study(ex[e], sh[s], w, draws, 1000u + 100u * (unsigned)e + 10u * (unsigned)s +
                                                        (unsigned)w,
                            &c);
                ck_assert_msg(c.failed == 0, "%s shape %d weighted %d: %ld fits failed",
                              srx_transient_experiment_name(ex[e]), s, w, c.failed);
                f1 = (double)c.in1 / (double)c.fits;
                f2 = (double)c.in2 / (double)c.fits;
                tol1 = 4.0 * sqrt(e1 * (1.0 - e1) / (double)c.fits);
                tol2 = 4.0 * sqrt(e2 * (1.0 - e2) / (double)c.fits);
                ck_assert_msg(fabs(f1 - e1) < tol1, "%s shape %d weighted %d: 1-sigma %g",
                              srx_transient_experiment_name(ex[e]), s, w, f1);
                ck_assert_msg(fabs(f2 - e2) < tol2, "%s shape %d weighted %d: 2-sigma %g",
                              srx_transient_experiment_name(ex[e]), s, w, f2);
                total += c.fits;
                in1 += c.in1;
                in2 += c.in2;
            }
        /* all 600 (long: 24000) together, same 4-sigma rule, tighter */
        ck_assert_msg(fabs((double)in1 / total - e1) < 4.0 * sqrt(e1 * (1 - e1) / total),
                      "weighted %d: overall 1-sigma coverage %g", w, (double)in1 / total);
        ck_assert_msg(fabs((double)in2 / total - e2) < 4.0 * sqrt(e2 * (1 - e2) / total),
                      "weighted %d: overall 2-sigma coverage %g", w, (double)in2 / total);
    }
}
END_TEST

START_TEST(no_relaxation_within_delays)
{
    double t[10], y[10];
    srx_transient_result r;
    srx_diag dg;
    size_t i;
    /* far too slow: R = 1e-3 s^-1 with delays up to 1 s (E(t_max) = 0.999) */
    for (i = 0; i < 10; i++) {
        t[i] = 0.1 * (double)(i + 1);
        y[i] = 1.0 - exp(-1e-3 * t[i]) + 1e-6 * (double)(i % 2);
    }
    srx_diag_clear(&dg);
    ck_assert_int_eq(srx_transient_fit(t, y, NULL, 10, SRX_EXPERIMENT_SATURATION_RECOVERY, NULL,
                                       &r, &dg),
                     SRX_ENORELAX);
    ck_assert_int_eq(r.status, SRX_ENORELAX);
    ck_assert(strstr(dg.message, "relax") != NULL);
    /* far too fast: R = 1e3 s^-1 with delays 0.1 .. 1 s, every point on the
     * plateau apart from noise */
    for (i = 0; i < 10; i++)
        y[i] = 2.0 * exp(-1e3 * t[i]) + 1e-3 * ((i % 3) - 1.0);
    ck_assert_int_eq(srx_transient_fit(t, y, NULL, 10, SRX_EXPERIMENT_SPIN_LOCK, NULL, &r, NULL),
                     SRX_ENORELAX);
    for (i = 0; i < 10; i++)
        y[i] = 1.0 - exp(-1e3 * t[i]) + 1e-3 * ((i % 3) - 1.0);
    ck_assert_int_eq(srx_transient_fit(t, y, NULL, 10, SRX_EXPERIMENT_SATURATION_RECOVERY, NULL,
                                       &r, NULL),
                     SRX_ENORELAX);
    /* constant signal */
    for (i = 0; i < 10; i++)
        y[i] = 0.7;
    ck_assert_int_eq(srx_transient_fit(t, y, NULL, 10, SRX_EXPERIMENT_SPIN_LOCK, NULL, &r, NULL),
                     SRX_ENORELAX);
}
END_TEST

START_TEST(bad_input)
{
    double t[8], y[8], s[8];
    srx_transient_result r;
    srx_transient_options o;
    srx_transient_fitter *tf = NULL;
    srx_diag dg;
    size_t i;
    const srx_experiment SR = SRX_EXPERIMENT_SATURATION_RECOVERY;
    for (i = 0; i < 8; i++) {
        t[i] = 0.01 * pow(2.0, (double)i);
        y[i] = 1.0 - exp(-5.0 * t[i]);
        s[i] = 0.01;
    }
    ck_assert_int_eq(srx_transient_fitter_alloc(NULL, 8, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_transient_fitter_alloc(&tf, 2, NULL), SRX_EINVAL);
    ck_assert_ptr_null(tf);
    srx_transient_fitter_free(NULL);
    ck_assert_int_eq(srx_transient_fitter_alloc(&tf, 8, NULL), SRX_OK);

#define CHECK(call, code, word)                                                                  \
    do {                                                                                         \
        srx_diag_clear(&dg);                                                                     \
        ck_assert_int_eq((call), (code));                                                        \
        ck_assert_int_eq(r.status, (code));                                                      \
        ck_assert_msg(strstr(dg.message, (word)) != NULL, "message \"%s\" lacks \"%s\"",         \
                      dg.message, (word));                                                       \
    } while (0)

    CHECK(srx_transient_fitter_run(NULL, t, y, NULL, 8, SR, NULL, &r, &dg), SRX_EINVAL, "NULL");
    CHECK(srx_transient_fitter_run(tf, NULL, y, NULL, 8, SR, NULL, &r, &dg), SRX_EINVAL, "NULL");
    CHECK(srx_transient_fitter_run(tf, t, NULL, NULL, 8, SR, NULL, &r, &dg), SRX_EINVAL, "NULL");
    CHECK(srx_transient_fitter_run(tf, t, y, NULL, 2, SR, NULL, &r, &dg), SRX_ENODATA,
          "at least 3");
    ck_assert(isnan(r.rate_per_s));
    CHECK(srx_transient_fit(t, y, NULL, 2, SR, NULL, &r, &dg), SRX_ENODATA, "at least 3");
    CHECK(srx_transient_fitter_run(tf, t, y, NULL, 9, SR, NULL, &r, &dg), SRX_EINVAL,
          "length mismatch");
    CHECK(srx_transient_fitter_run(tf, t, y, NULL, 8, (srx_experiment)7, NULL, &r, &dg),
          SRX_EINVAL, "experiment");
    srx_transient_options_init(&o);
    o.shape = (srx_transient_shape)9;
    CHECK(srx_transient_fitter_run(tf, t, y, NULL, 8, SR, &o, &r, &dg), SRX_EINVAL, "shape");
    t[3] = NAN;
    CHECK(srx_transient_fitter_run(tf, t, y, NULL, 8, SR, NULL, &r, &dg), SRX_EINVAL,
          "delay 3 is not finite");
    t[3] = INFINITY;
    CHECK(srx_transient_fitter_run(tf, t, y, NULL, 8, SR, NULL, &r, &dg), SRX_EINVAL,
          "delay 3 is not finite");
    t[3] = -0.1;
    CHECK(srx_transient_fitter_run(tf, t, y, NULL, 8, SR, NULL, &r, &dg), SRX_EDOM, "negative");
    t[3] = 0.08;
    y[2] = NAN;
    CHECK(srx_transient_fitter_run(tf, t, y, NULL, 8, SR, NULL, &r, &dg), SRX_EINVAL,
          "signal 2 is not finite");
    y[2] = -INFINITY;
    CHECK(srx_transient_fitter_run(tf, t, y, NULL, 8, SR, NULL, &r, &dg), SRX_EINVAL,
          "signal 2 is not finite");
    y[2] = 1.0 - exp(-5.0 * t[2]);
    s[5] = 0.0;
    CHECK(srx_transient_fitter_run(tf, t, y, s, 8, SR, NULL, &r, &dg), SRX_EDOM, "not positive");
    s[5] = -1.0;
    CHECK(srx_transient_fitter_run(tf, t, y, s, 8, SR, NULL, &r, &dg), SRX_EDOM, "not positive");
    s[5] = NAN;
    CHECK(srx_transient_fitter_run(tf, t, y, s, 8, SR, NULL, &r, &dg), SRX_EINVAL,
          "sigma 5 is not finite");
    s[5] = 0.01;
    {
        double z[8] = {0};
        CHECK(srx_transient_fitter_run(tf, t, z, NULL, 8, SR, NULL, &r, &dg), SRX_EDOM, "zero");
    }
    {
        /* 8 points but only 2 distinct delays for a stretched fit (3 parameters) */
        double t2[8] = {0.1, 0.1, 0.1, 0.1, 0.5, 0.5, 0.5, 0.5};
        CHECK(srx_transient_fitter_run(tf, t2, y, NULL, 8, SR, NULL, &r, &dg), SRX_ENODATA,
              "distinct delays");
    }
#undef CHECK
    /* after all that, a valid call still works */
    ck_assert_int_eq(srx_transient_fitter_run(tf, t, y, s, 8, SR, NULL, &r, NULL), SRX_OK);
    srxt_assert_rel(r.rate_per_s, 5.0, 1e-8);
    srx_transient_fitter_free(tf);
}
END_TEST

START_TEST(start_values_for_any_delay_list)
{
    /* Noisy series (1 % noise) with rates drawn over 1e-3 .. 1e6 s^-1 and
     * delay lists a user may have: evenly spaced from 0 to 5/R, uniform
     * random on (0, 10/R), log-spaced but covering only 0.1/R .. 1/R of the
     * recovery, log-spaced starting late (0.5/R .. 50/R).  Every fit must
     * succeed with no help and end at a chi-square no larger than that of
     * the true parameters (up to rounding, 1e-9 relative): a start that
     * traps the fit in a worse local minimum, or lets it wander off, fails
     * this.  (A pull test is not the right check here: a random delay list
     * with one early point makes the stretched 4-parameter models so
     * nonlinear that the linearised uncertainty understates the error; the
     * coverage test below checks uncertainties on well-sampled series.) */
    enum { N = 20 };
    double t[N], y[N], p[SRX_TRANSIENT_NPARAM];
    srx_transient_fitter *tf = NULL;
    srx_transient_options o;
    srx_transient_result r;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int list, sh, k;
    size_t i;
    gsl_rng_set(rng, 77);
    ck_assert_int_eq(srx_transient_fitter_alloc(&tf, N, NULL), SRX_OK);
    for (list = 0; list < 4; list++)
        for (sh = 0; sh < 2; sh++)
            for (k = 0; k < 150; k++) {
                srx_experiment ex = all_experiments[k % 4];
                double R = pow(10.0, -3.0 + 9.0 * gsl_rng_uniform(rng));
                int st;
                srx_diag dg;
                p[0] = 1.0;
                p[1] = R;
                p[2] = sh ? 0.7 : 1.0;
                p[3] = 0.97;
                p[4] = 0.0;
                p[5] = R;
                for (i = 0; i < N; i++) {
                    switch (list) {
                    case 0:
                        t[i] = 5.0 / R * (double)i / (N - 1);
                        break;
                    case 1:
                        t[i] = 10.0 / R * gsl_rng_uniform_pos(rng);
                        break;
                    case 2:
                        t[i] = (0.1 / R) * pow(10.0, (double)i / (N - 1));
                        break;
                    default:
                        t[i] = (0.5 / R) * pow(100.0, (double)i / (N - 1));
                        break;
                    }
                    y[i] = reference_model(ex, sh ? SRX_TRANSIENT_STRETCHED
                                                  : SRX_TRANSIENT_EXPONENTIAL,
                                           p, t[i]) +
                           gsl_ran_gaussian(rng, 0.01);
                }
                srx_transient_options_init(&o);
                o.shape = sh ? SRX_TRANSIENT_STRETCHED : SRX_TRANSIENT_EXPONENTIAL;
                srx_diag_clear(&dg);
                st = srx_transient_fitter_run(tf, t, y, NULL, N, ex, &o, &r, &dg);
                /* the 4-parameter stretched inversion recovery over a tenth
                 * of a decade of its transient is genuinely ill-determined
                 * (R, gamma, M0, f in one long valley): it may stop without
                 * converging, but not wander off */
                if (list == 2 && sh && ex == SRX_EXPERIMENT_INVERSION_RECOVERY &&
                    st == SRX_ENOCONV)
                    continue;
                /* a random list may happen to start (almost) on the
                 * plateau: then SRX_ENORELAX is the documented answer
                 * (E(t_min) < 0.05 for the fitted parameters).  We accept it
                 * when the truth has E(t_min) < 0.1 (mono-exponential: room
                 * for the fitted rate's scatter) or < 0.3 (stretched: without
                 * early delays R and gamma trade against each other and the
                 * data may prefer a faster, more stretched transient), and
                 * only if the fit reached a chi-square no worse than the
                 * truth's (so the verdict is about the data, not a bad start) */
                if (st == SRX_ENORELAX) {
                    double tmin = t[0], e_min, chi2_truth = 0.0;
                    for (i = 0; i < N; i++) {
                        double d = y[i] - reference_model(ex, o.shape, p, t[i]);
                        chi2_truth += d * d;
                        tmin = fmin(tmin, t[i]);
                    }
                    e_min = exp(-pow(tmin * R, p[2]));
                    ck_assert_msg(e_min < (sh ? 0.3 : 0.1) && r.chi2 <= chi2_truth * (1.0 + 1e-9),
                                  "list %d: SRX_ENORELAX with E(t_min) = %g, chi2 %g vs %g (%s)",
                                  list, e_min, r.chi2, chi2_truth, dg.message);
                    continue;
                }
                ck_assert_msg(st == SRX_OK, "list %d shape %d %s R %g: status %d (%s)", list, sh,
                              srx_transient_experiment_name(ex), R, st, dg.message);
                {
                    double chi2_truth = 0.0;
                    for (i = 0; i < N; i++) {
                        double d = y[i] - reference_model(ex, o.shape, p, t[i]);
                        chi2_truth += d * d;
                    }
                    ck_assert_msg(r.chi2 <= chi2_truth * (1.0 + 1e-9),
                                  "list %d shape %d %s R %g: fitted %g +- %g, chi2 %g > %g at "
                                  "the truth",
                                  list, sh, srx_transient_experiment_name(ex), R, r.rate_per_s,
                                  r.rate_err_per_s, r.chi2, chi2_truth);
                }
            }
    srx_transient_fitter_free(tf);
    gsl_rng_free(rng);
}
END_TEST

/* several threads, one fitter each, the same series: the same results as
 * one thread (no shared mutable state) */
typedef struct {
    const double *t, *y;
    double rates[50];
} thread_job;

static void *thread_fits(void *arg)
{
    thread_job *job = arg;
    srx_transient_fitter *tf = NULL;
    srx_transient_result r;
    int k;
    if (srx_transient_fitter_alloc(&tf, 16, NULL) != SRX_OK)
        return NULL;
    for (k = 0; k < 50; k++) {
        srx_transient_fitter_run(tf, job->t, job->y + 16 * k, NULL, 16,
                                 SRX_EXPERIMENT_SATURATION_RECOVERY, NULL, &r, NULL);
        job->rates[k] = r.rate_per_s;
    }
    srx_transient_fitter_free(tf);
    return NULL;
}

START_TEST(threads)
{
    double t[16], y[16 * 50];
    thread_job jobs[4];
    pthread_t th[4];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int k, i;
    gsl_rng_set(rng, 4);
    for (i = 0; i < 16; i++)
        t[i] = 1e-3 * pow(2.0, (double)i);
    for (k = 0; k < 50; k++)
        for (i = 0; i < 16; i++)
            y[16 * k + i] = 1.0 - exp(-pow(t[i] * (5.0 + k), 0.8)) + gsl_ran_gaussian(rng, 0.01);
    for (k = 0; k < 4; k++) {
        jobs[k].t = t;
        jobs[k].y = y;
    }
    thread_fits(&jobs[0]);
    for (k = 1; k < 4; k++)
        ck_assert_int_eq(pthread_create(&th[k], NULL, thread_fits, &jobs[k]), 0);
    for (k = 1; k < 4; k++)
        ck_assert_int_eq(pthread_join(th[k], NULL), 0);
    /* bitwise equal: the same operations on the same data */
    for (k = 1; k < 4; k++)
        for (i = 0; i < 50; i++)
            ck_assert(jobs[k].rates[i] == jobs[0].rates[i]);
    gsl_rng_free(rng);
}
END_TEST

static Suite *transient_suite(void)
{
    Suite *s = suite_create("transient");
    TCase *tc;

    tc = tcase_create("model");
    tcase_add_test(tc, experiment_names);
    tcase_add_test(tc, model_values_and_derivatives);
    suite_add_tcase(s, tc);

    tc = tcase_create("exact");
    tcase_add_test(tc, exact_data_all_rates);
    tcase_add_test(tc, exact_data_offset_and_biexponential);
    tcase_add_test(tc, one_shot_and_reuse_agree);
    suite_add_tcase(s, tc);

    tc = tcase_create("start_values");
    tcase_add_test(tc, start_values_for_any_delay_list);
    tcase_add_test(tc, threads);
    suite_add_tcase(s, tc);

    tc = tcase_create("coverage");
    tcase_add_test(tc, noisy_coverage);
    tcase_set_timeout(tc, srxt_long() ? 900 : 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("input");
    tcase_add_test(tc, no_relaxation_within_delays);
    tcase_add_test(tc, bad_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return srxt_run(transient_suite());
}
