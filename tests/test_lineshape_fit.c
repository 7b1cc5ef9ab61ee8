/* Tests of the lineshape_fit module: recovery of Cq, eta, shift and
 * broadening from synthetic spectra with known truth (noise-free: exact up
 * to the powder accuracy; noisy: coverage of the uncertainties over several
 * draws), spin 3/2 static and 27Al MAS; ascending and descending axes give
 * the same fit; non-uniform axes; Lorentzian broadening, baseline, Czjzek;
 * bad input; and the appended srx_h5_write_spectrum (write, read back,
 * refuse to overwrite, refuse bad spectra).
 *
 * Synthetic data come from the lineshape module at a 10x finer powder
 * accuracy (1e-4) than the fit's final model (1e-3), with the simulator's
 * own broadening and normalisation (over the data window), scaled by an
 * amplitude, plus Gaussian noise from a fixed-seed Mersenne Twister. */
#include <config.h>

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "spinrelax/h5store.h"
#include "spinrelax/lineshape.h"
#include "spinrelax/lineshape_fit.h"
#include "spinrelax/quadrupolar.h"
#include "testlib.h"

typedef struct truth {
    double spin, larmor_hz, rotor, cq, eta, shift, gb, lb, span, amp, base;
    size_t n;
} truth;

/* spin 3/2 static: a 23Na-like site at 9.4 T */
static truth na23_static(size_t n)
{
    truth t = {1.5, 105.8e6, 0.0, 2.5e6, 0.4, 1500.0, 400.0, 0.0, 100e3, 2000.0, 0.0, 0};
    t.n = n;
    return t;
}

/* 27Al, physics.md check values, MAS at infinite speed */
static truth al27_mas(size_t n)
{
    truth t = {2.5, 130.29e6, SRX_MAGIC_ANGLE_RAD, 8.3e6, 0.28, 1000.0, 300.0, 0.0, 60e3, 500.0,
               0.0, 0};
    t.n = n;
    return t;
}

/* uniform ascending axis of the simulator and the noise-free data on it;
 * returns the peak height */
static double synth(const truth *t, double *f, double *y)
{
    srx_lineshape_conditions c;
    srx_lineshape *ls;
    srx_quad_site s;
    double peak = 0.0, sp;
    size_t i;
    srx_lineshape_conditions_init(&c);
    c.spin = t->spin;
    c.larmor_hz = t->larmor_hz;
    c.rotor_angle_rad = t->rotor;
    c.n_points = t->n;
    c.span_hz = t->span;
    c.gb_hz = t->gb;
    c.lb_hz = t->lb;
    c.accuracy = 1e-4;
    c.normalization = SRX_LINESHAPE_NORM_TOTAL;
    srx_quad_site_init(&s);
    s.cq_hz = t->cq;
    s.eta = t->eta;
    s.shift_hz = t->shift;
    ck_assert_int_eq(srx_lineshape_alloc(&c, &ls, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_compute(ls, &s, NULL, 1, y, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_frequencies(ls, f, NULL), SRX_OK);
    srx_lineshape_free(ls);
    sp = t->span / (double)t->n;
    (void)sp;
    for (i = 0; i < t->n; i++) {
        y[i] = t->amp * y[i] + t->base;
        if (y[i] > peak)
            peak = y[i];
    }
    return peak;
}

static void options_for(const truth *t, srx_lineshape_fit_options *o)
{
    srx_lineshape_fit_options_init(o);
    o->spin = t->spin;
    o->larmor_hz = t->larmor_hz;
    o->rotor_angle_rad = t->rotor;
}

/* noise-free data: the fit returns the truth up to the model's accuracy.
 * Tolerances: the final model has a relative L2 powder error of ~1e-3 (and
 * the data ~1e-4), a systematic misfit that moves Cq by a few 1e-5 relative
 * and the shift by well under 1 Hz (measured 2e-5, 4e-5; 0.03 Hz, 0.3 Hz);
 * the bounds below leave a factor of ~5 of margin. */
static void exact_case(const truth *t)
{
    double *f = malloc(t->n * sizeof *f), *y = malloc(t->n * sizeof *y);
    srx_lineshape_fit_options o;
    srx_lineshape_fit_result r;
    srx_diag d;
    int st;
    synth(t, f, y);
    options_for(t, &o);
    st = srx_lineshape_fit_spectrum(&o, f, y, NULL, t->n, &r, &d);
    ck_assert_msg(st == SRX_OK, "fit: %s", d.message);
    ck_assert_int_eq(r.converged, 1);
    srxt_assert_rel(r.cq_hz, t->cq, 2e-4);
    ck_assert_double_eq_tol(r.eta, t->eta, 1e-3);
    ck_assert_double_eq_tol(r.shift_hz, t->shift, 2.0);
    ck_assert_double_eq_tol(r.gb_hz, t->gb, 2.0);
    srxt_assert_rel(r.amplitude, t->amp, 1e-3);
    ck_assert(isnan(r.lb_hz) && isnan(r.sigma_hz));
    ck_assert_uint_eq(r.n_points, t->n);
    ck_assert_int_eq(r.n_free, 5);
    ck_assert_int_eq(r.dof, (long)t->n - 5);
    free(f);
    free(y);
}

START_TEST(test_exact_static_32)
{
    truth t = na23_static(2048);
    exact_case(&t);
}
END_TEST

START_TEST(test_exact_mas_al27)
{
    truth t = al27_mas(2048);
    exact_case(&t);
}
END_TEST

/* Noisy data: z = (fit - truth) / uncertainty for Cq and eta over several
 * draws.  With correct uncertainties z ~ N(0, 1): about 68 % within 1; we
 * ask for 45 %..90 % of the 2 x draws values (binomial sd ~ 10 % at 24
 * values; the model bias is < 0.1 sd at these noise levels, see
 * exact_case) and none beyond 4.5. */
static void coverage_case(truth t, int draws, unsigned long seed)
{
    double *f = malloc(t.n * sizeof *f), *y0 = malloc(t.n * sizeof *y0),
           *y = malloc(t.n * sizeof *y), peak, zmax = 0.0, chi_sum = 0.0;
    srx_lineshape_fit_options o;
    srx_lineshape_fit *fit;
    srx_lineshape_fit_result r;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    srx_diag d;
    int k, inside = 0, total = 0;
    size_t i;
    gsl_rng_set(rng, seed);
    peak = synth(&t, f, y0);
    options_for(&t, &o);
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, t.n, &fit, &d), SRX_OK);
    for (k = 0; k < draws; k++) {
        double noise = peak / 40.0, z[2];
        int st, j;
        for (i = 0; i < t.n; i++)
            y[i] = y0[i] + gsl_ran_gaussian(rng, noise);
        st = srx_lineshape_fit_run(fit, y, NULL, &r, &d);
        ck_assert_msg(st == SRX_OK, "draw %d: %s", k, d.message);
        z[0] = (r.cq_hz - t.cq) / r.cq_err_hz;
        z[1] = (r.eta - t.eta) / r.eta_err;
        for (j = 0; j < 2; j++) {
            inside += fabs(z[j]) < 1.0;
            total++;
            zmax = fmax(zmax, fabs(z[j]));
        }
        /* reduced chi2 without sigma: the noise variance (no model error to speak of) */
        chi_sum += r.reduced_chi2 / (noise * noise);
    }
    ck_assert_msg(inside >= 0.45 * total && inside <= 0.90 * total,
                  "%d of %d |z| < 1: uncertainties do not cover", inside, total);
    ck_assert_msg(zmax < 4.5, "max |z| = %g", zmax);
    /* mean of chi2/dof / noise^2 over the draws: 1 within 3 % */
    ck_assert_double_eq_tol(chi_sum / draws, 1.0, 0.03);
    srx_lineshape_fit_free(fit);
    gsl_rng_free(rng);
    free(f);
    free(y0);
    free(y);
}

START_TEST(test_coverage_static_32)
{
    coverage_case(na23_static(1024), srxt_long() ? 100 : 12, 11);
}
END_TEST

START_TEST(test_coverage_mas_al27)
{
    coverage_case(al27_mas(1024), srxt_long() ? 100 : 12, 12);
}
END_TEST

/* Per-point sigma (the true noise): the covariance is not scaled
 * (covariance_scaled = 0) and chi2/dof is ~1 (sd sqrt(2/dof) = 0.044 at
 * 1019 dof: tolerance 0.15, > 3 sd); the values equal the unweighted fit's
 * (constant sigma only rescales chi2: 1e-6 sd) and so do the uncertainties
 * up to the ratio sqrt(reduced chi2) / noise of the unweighted fit (1e-4
 * relative: tolerances of the engine's convergence). */
START_TEST(test_sigma_given)
{
    truth t = na23_static(1024);
    size_t i;
    double *f = malloc(t.n * sizeof *f), *y = malloc(t.n * sizeof *y),
           *sg = malloc(t.n * sizeof *sg), peak, noise;
    srx_lineshape_fit_options o;
    srx_lineshape_fit_result a, b;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 21);
    peak = synth(&t, f, y);
    noise = peak / 40.0;
    for (i = 0; i < t.n; i++) {
        y[i] += gsl_ran_gaussian(rng, noise);
        sg[i] = noise;
    }
    options_for(&t, &o);
    ck_assert_int_eq(srx_lineshape_fit_spectrum(&o, f, y, sg, t.n, &a, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_fit_spectrum(&o, f, y, NULL, t.n, &b, NULL), SRX_OK);
    ck_assert_int_eq(a.covariance_scaled, 0);
    ck_assert_int_eq(b.covariance_scaled, 1);
    ck_assert_double_eq_tol(a.reduced_chi2, 1.0, 0.15);
    ck_assert_double_eq_tol(a.cq_hz, b.cq_hz, 1e-3 * a.cq_err_hz);
    ck_assert_double_eq_tol(a.eta, b.eta, 1e-3 * a.eta_err);
    srxt_assert_rel(b.cq_err_hz, a.cq_err_hz * sqrt(b.reduced_chi2) / noise, 1e-3);
    gsl_rng_free(rng);
    free(f);
    free(y);
    free(sg);
}
END_TEST

/* Fixed eta and shift at the truth: Cq recovered (noise-free tolerances as
 * exact_case), eta and shift returned exactly with uncertainty 0, 3 free
 * parameters (Cq, gb, amplitude) */
START_TEST(test_fixed_parameters)
{
    truth t = na23_static(1024);
    double *f = malloc(t.n * sizeof *f), *y = malloc(t.n * sizeof *y);
    srx_lineshape_fit_options o;
    srx_lineshape_fit_result r;
    srx_diag d;
    int st;
    synth(&t, f, y);
    options_for(&t, &o);
    o.eta_start = t.eta;
    o.fix_eta = 1;
    o.shift_hz_start = t.shift;
    o.fix_shift = 1;
    st = srx_lineshape_fit_spectrum(&o, f, y, NULL, t.n, &r, &d);
    ck_assert_msg(st == SRX_OK, "fit: %s", d.message);
    ck_assert(r.eta == t.eta && r.eta_err == 0.0);
    ck_assert(r.shift_hz == t.shift && r.shift_err_hz == 0.0);
    ck_assert_int_eq(r.n_free, 3);
    srxt_assert_rel(r.cq_hz, t.cq, 2e-4);
    free(f);
    free(y);
}
END_TEST

/* Fit objects in several threads at once: each gives exactly the result of
 * a serial run (no shared mutable state) */
typedef struct thread_job {
    const double *f, *y;
    size_t n;
    const srx_lineshape_fit_options *o;
    srx_lineshape_fit_result r;
    int st;
} thread_job;

static void *thread_fit(void *p)
{
    thread_job *j = p;
    j->st = srx_lineshape_fit_spectrum(j->o, j->f, j->y, NULL, j->n, &j->r, NULL);
    return NULL;
}

START_TEST(test_threads)
{
    truth t = al27_mas(512);
    double *f = malloc(t.n * sizeof *f), *y = malloc(t.n * sizeof *y);
    srx_lineshape_fit_options o;
    srx_lineshape_fit_result serial;
    thread_job jobs[3];
    pthread_t th[3];
    int k;
    synth(&t, f, y);
    options_for(&t, &o);
    ck_assert_int_eq(srx_lineshape_fit_spectrum(&o, f, y, NULL, t.n, &serial, NULL), SRX_OK);
    for (k = 0; k < 3; k++) {
        jobs[k].f = f;
        jobs[k].y = y;
        jobs[k].n = t.n;
        jobs[k].o = &o;
        ck_assert_int_eq(pthread_create(&th[k], NULL, thread_fit, &jobs[k]), 0);
    }
    for (k = 0; k < 3; k++) {
        pthread_join(th[k], NULL);
        ck_assert_int_eq(jobs[k].st, SRX_OK);
        ck_assert(jobs[k].r.cq_hz == serial.cq_hz && jobs[k].r.eta == serial.eta &&
                  jobs[k].r.cq_err_hz == serial.cq_err_hz);
    }
    free(f);
    free(y);
}
END_TEST

/* The same spectrum with a descending axis (points reversed) gives the same
 * fit: the model does not depend on the order; only summation order
 * differs (tolerance: 1e-6 of an uncertainty would do; 1e-3 sd is used). */
START_TEST(test_descending_axis)
{
    truth t = al27_mas(1024);
    size_t i, n = t.n;
    double *f = malloc(n * sizeof *f), *y = malloc(n * sizeof *y), *fr = malloc(n * sizeof *fr),
           *yr = malloc(n * sizeof *yr), peak;
    srx_lineshape_fit_options o;
    srx_lineshape_fit_result a, b;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 3);
    peak = synth(&t, f, y);
    for (i = 0; i < n; i++)
        y[i] += gsl_ran_gaussian(rng, peak / 30.0);
    for (i = 0; i < n; i++) {
        fr[i] = f[n - 1 - i];
        yr[i] = y[n - 1 - i];
    }
    options_for(&t, &o);
    ck_assert_int_eq(srx_lineshape_fit_spectrum(&o, f, y, NULL, n, &a, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_fit_spectrum(&o, fr, yr, NULL, n, &b, NULL), SRX_OK);
    ck_assert_double_eq_tol(a.cq_hz, b.cq_hz, 1e-3 * a.cq_err_hz);
    ck_assert_double_eq_tol(a.eta, b.eta, 1e-3 * a.eta_err);
    ck_assert_double_eq_tol(a.shift_hz, b.shift_hz, 1e-3 * a.shift_err_hz);
    ck_assert_double_eq_tol(a.gb_hz, b.gb_hz, 1e-3 * a.gb_err_hz);
    srxt_assert_rel(a.cq_err_hz, b.cq_err_hz, 1e-3);
    srxt_assert_rel(a.reduced_chi2, b.reduced_chi2, 1e-6);
    /* and the truth is recovered (within 4 sd) */
    ck_assert(fabs(a.cq_hz - t.cq) < 4 * a.cq_err_hz);
    ck_assert(fabs(a.eta - t.eta) < 4 * a.eta_err);
    gsl_rng_free(rng);
    free(f);
    free(y);
    free(fr);
    free(yr);
}
END_TEST

/* A non-uniform, descending axis: 800 points with spacings varying by a
 * factor 2.5 (beyond the "nearly uniform" limit of 1.5, so the internal
 * grid uses the smallest spacing and interpolates).  Intensities from an
 * 8x finer simulation, linearly interpolated (error ~ (spacing/8)^2 f'',
 * negligible at a 300 Hz broadening and 9 Hz fine spacing).  Noise-free:
 * tolerances as exact_case, a little wider for the interpolation. */
START_TEST(test_nonuniform_axis)
{
    truth t = al27_mas(8192);
    size_t n = 800, i, nf = t.n;
    double *ff = malloc(nf * sizeof *ff), *yf = malloc(nf * sizeof *yf);
    double *f = malloc(n * sizeof *f), *y = malloc(n * sizeof *y), x0, x1, tot = 0.0, acc = 0.0;
    srx_lineshape_fit_options o;
    srx_lineshape_fit_result r;
    srx_diag d;
    int st;
    synth(&t, ff, yf);
    /* spacing profile 1 + 1.5 * (i / n)^2 normalised to cover [x0, x1] */
    x0 = ff[100];
    x1 = ff[nf - 100];
    for (i = 0; i + 1 < n; i++)
        tot += 1.0 + 1.5 * ((double)i / (double)n) * ((double)i / (double)n);
    for (i = 0; i < n; i++) {
        double fr = x0 + (x1 - x0) * acc / tot, u = (fr - ff[0]) / (ff[1] - ff[0]);
        size_t k = (size_t)floor(u);
        double w = u - (double)k;
        /* descending order */
        f[n - 1 - i] = fr;
        y[n - 1 - i] = (1.0 - w) * yf[k] + w * yf[k + 1];
        acc += 1.0 + 1.5 * ((double)i / (double)n) * ((double)i / (double)n);
    }
    options_for(&t, &o);
    st = srx_lineshape_fit_spectrum(&o, f, y, NULL, n, &r, &d);
    ck_assert_msg(st == SRX_OK, "fit: %s", d.message);
    srxt_assert_rel(r.cq_hz, t.cq, 3e-4);
    ck_assert_double_eq_tol(r.eta, t.eta, 2e-3);
    ck_assert_double_eq_tol(r.shift_hz, t.shift, 3.0);
    ck_assert_double_eq_tol(r.gb_hz, t.gb, 5.0);
    free(ff);
    free(yf);
    free(f);
    free(y);
}
END_TEST

/* Lorentzian (and Voigt) broadening and a constant baseline (noise-free;
 * tolerances as exact_case, wider for the Lorentzian wings that leave the
 * window and for the baseline/width correlation). */
START_TEST(test_lorentzian_baseline)
{
    truth t = na23_static(2048);
    double *f = malloc(t.n * sizeof *f), *y = malloc(t.n * sizeof *y);
    srx_lineshape_fit_options o;
    srx_lineshape_fit_result r;
    srx_diag d;
    int st;
    t.gb = 0.0;
    t.lb = 500.0;
    t.base = 3.0;
    t.span = 160e3;
    synth(&t, f, y);
    options_for(&t, &o);
    o.broadening = SRX_LSFIT_LORENTZIAN;
    o.fit_baseline = 1;
    st = srx_lineshape_fit_spectrum(&o, f, y, NULL, t.n, &r, &d);
    ck_assert_msg(st == SRX_OK, "fit: %s", d.message);
    srxt_assert_rel(r.cq_hz, t.cq, 3e-4);
    ck_assert_double_eq_tol(r.eta, t.eta, 2e-3);
    ck_assert_double_eq_tol(r.shift_hz, t.shift, 3.0);
    ck_assert_double_eq_tol(r.lb_hz, t.lb, 5.0);
    ck_assert_double_eq_tol(r.baseline, t.base, 0.01);
    ck_assert(isnan(r.gb_hz));
    free(f);
    free(y);
}
END_TEST

/* Czjzek distribution: data from srx_lineshape_czjzek with its default
 * (fine) quadrature, fitted sigma and shift.  Tolerances: 0.5 % on sigma
 * and 1 % of sigma^2/nu0-scale on the shift (the coarse quadrature only
 * steers the iterations; the final model uses the same quadrature as the
 * data, so what remains is the powder set difference). */
START_TEST(test_czjzek)
{
    srx_lineshape_conditions c;
    srx_lineshape *ls;
    srx_quad_site s;
    size_t n = 1024, i;
    double *f = malloc(n * sizeof *f), *y = malloc(n * sizeof *y), sigma = 2.0e6;
    srx_lineshape_fit_options o;
    srx_lineshape_fit_result r;
    srx_diag d;
    int st;
    srx_lineshape_conditions_init(&c);
    c.spin = 2.5;
    c.larmor_hz = 130.29e6;
    c.rotor_angle_rad = SRX_MAGIC_ANGLE_RAD;
    c.n_points = n;
    c.span_hz = 40e3;
    c.center_hz = -3e3;
    c.gb_hz = 200.0;
    c.normalization = SRX_LINESHAPE_NORM_TOTAL;
    srx_quad_site_init(&s);
    s.shift_hz = 500.0;
    ck_assert_int_eq(srx_lineshape_alloc(&c, &ls, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_czjzek(ls, &s, sigma, 0, 0, y, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_frequencies(ls, f, NULL), SRX_OK);
    srx_lineshape_free(ls);
    for (i = 0; i < n; i++)
        y[i] *= 100.0;
    srx_lineshape_fit_options_init(&o);
    o.spin = 2.5;
    o.larmor_hz = 130.29e6;
    o.rotor_angle_rad = SRX_MAGIC_ANGLE_RAD;
    o.site_model = SRX_LSFIT_CZJZEK;
    st = srx_lineshape_fit_spectrum(&o, f, y, NULL, n, &r, &d);
    ck_assert_msg(st == SRX_OK, "fit: %s", d.message);
    srxt_assert_rel(r.sigma_hz, sigma, 5e-3);
    ck_assert_double_eq_tol(r.shift_hz, 500.0, 20.0);
    ck_assert_double_eq_tol(r.gb_hz, 200.0, 20.0);
    srxt_assert_rel(r.amplitude, 100.0, 5e-3);
    ck_assert(isnan(r.cq_hz) && isnan(r.eta));
    free(f);
    free(y);
}
END_TEST

/* No broadening in the data (gb = 0): the fitted Gaussian width runs onto
 * its bound 0 (or stays at a fraction of a point), and the fit must still
 * end with Cq and eta (tolerances: exact_case, wider because the
 * unbroadened singularities make the powder error count more) */
START_TEST(test_zero_broadening)
{
    truth t = al27_mas(1024);
    double *f = malloc(t.n * sizeof *f), *y = malloc(t.n * sizeof *y);
    srx_lineshape_fit_options o;
    srx_lineshape_fit_result r;
    srx_diag d;
    int st;
    t.gb = 0.0;
    synth(&t, f, y);
    options_for(&t, &o);
    st = srx_lineshape_fit_spectrum(&o, f, y, NULL, t.n, &r, &d);
    ck_assert_msg(st == SRX_OK, "fit: %d %s", st, d.message);
    srxt_assert_rel(r.cq_hz, t.cq, 1e-3);
    ck_assert_double_eq_tol(r.eta, t.eta, 5e-3);
    ck_assert(r.gb_hz < 60.0); /* one point is 58.6 Hz */
    free(f);
    free(y);
}
END_TEST

/* MAS at a finite speed (27Al at 10 kHz: spinning sidebands inside the
 * window), noise-free data made at powder accuracy 3e-4: tolerances as
 * exact_case */
START_TEST(test_finite_speed)
{
    srx_lineshape_conditions c;
    srx_lineshape *ls;
    srx_quad_site s;
    size_t n = 1024, i;
    double *f = malloc(n * sizeof *f), *y = malloc(n * sizeof *y);
    srx_lineshape_fit_options o;
    srx_lineshape_fit_result r;
    srx_diag d;
    int st;
    srx_lineshape_conditions_init(&c);
    c.spin = 2.5;
    c.larmor_hz = 130.29e6;
    c.rotor_angle_rad = SRX_MAGIC_ANGLE_RAD;
    c.spinning_hz = 10e3;
    c.n_points = n;
    c.span_hz = 80e3;
    c.center_hz = -5e3;
    c.gb_hz = 300.0;
    c.accuracy = 3e-4;
    c.normalization = SRX_LINESHAPE_NORM_TOTAL;
    srx_quad_site_init(&s);
    s.cq_hz = 8.3e6;
    s.eta = 0.28;
    s.shift_hz = 1000.0;
    ck_assert_int_eq(srx_lineshape_alloc(&c, &ls, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_compute(ls, &s, NULL, 1, y, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_frequencies(ls, f, NULL), SRX_OK);
    srx_lineshape_free(ls);
    for (i = 0; i < n; i++)
        y[i] *= 500.0;
    srx_lineshape_fit_options_init(&o);
    o.spin = 2.5;
    o.larmor_hz = 130.29e6;
    o.rotor_angle_rad = SRX_MAGIC_ANGLE_RAD;
    o.spinning_hz = 10e3;
    st = srx_lineshape_fit_spectrum(&o, f, y, NULL, n, &r, &d);
    ck_assert_msg(st == SRX_OK, "fit: %s", d.message);
    srxt_assert_rel(r.cq_hz, 8.3e6, 2e-4);
    ck_assert_double_eq_tol(r.eta, 0.28, 1e-3);
    ck_assert_double_eq_tol(r.shift_hz, 1000.0, 2.0);
    ck_assert_double_eq_tol(r.gb_hz, 300.0, 2.0);
    free(f);
    free(y);
}
END_TEST

/* srx_lineshape_fit_model reproduces the independent generator at the true
 * parameters (relative L2 difference below the final model's powder
 * accuracy of 1e-3, with margin 3x) */
START_TEST(test_model_eval)
{
    truth t = al27_mas(1024);
    double *f = malloc(t.n * sizeof *f), *y = malloc(t.n * sizeof *y),
           *m = malloc(t.n * sizeof *m), num = 0.0, den = 0.0;
    srx_lineshape_fit_options o;
    srx_lineshape_fit *fit;
    srx_lineshape_fit_result p;
    size_t i;
    synth(&t, f, y);
    options_for(&t, &o);
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, t.n, &fit, NULL), SRX_OK);
    memset(&p, 0, sizeof p);
    p.cq_hz = t.cq;
    p.eta = t.eta;
    p.shift_hz = t.shift;
    p.gb_hz = t.gb;
    p.lb_hz = NAN;
    p.amplitude = t.amp;
    ck_assert_int_eq(srx_lineshape_fit_model(fit, &p, m, NULL), SRX_OK);
    for (i = 0; i < t.n; i++) {
        num += (m[i] - y[i]) * (m[i] - y[i]);
        den += y[i] * y[i];
    }
    ck_assert_msg(sqrt(num / den) < 3e-3, "relative L2 %g", sqrt(num / den));
    p.eta = 1.5;
    ck_assert_int_eq(srx_lineshape_fit_model(fit, &p, m, NULL), SRX_EDOM);
    p.eta = NAN;
    ck_assert_int_eq(srx_lineshape_fit_model(fit, &p, m, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_lineshape_fit_model(NULL, &p, m, NULL), SRX_EINVAL);
    srx_lineshape_fit_free(fit);
    free(f);
    free(y);
    free(m);
}
END_TEST

START_TEST(test_bad_input)
{
    truth t = na23_static(64);
    double f[64], y[64], sg[64];
    srx_lineshape_fit_options o;
    srx_lineshape_fit *fit = NULL;
    srx_lineshape_fit_result r;
    srx_diag d;
    size_t i;
    synth(&t, f, y);
    for (i = 0; i < 64; i++)
        sg[i] = 1.0;
    options_for(&t, &o);
    srx_lineshape_fit_options_init(NULL);
    srx_lineshape_fit_free(NULL);
    ck_assert_int_eq(srx_lineshape_fit_alloc(NULL, f, 64, &fit, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, NULL, 64, &fit, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, NULL, &d), SRX_EINVAL);
    /* too few points */
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 10, &fit, &d), SRX_ENODATA);
    ck_assert_ptr_null(fit);
    /* NaN and infinite frequency */
    f[5] = NAN;
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EINVAL);
    ck_assert_ptr_nonnull(strstr(d.message, "frequency_hz[5]"));
    f[5] = INFINITY;
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EINVAL);
    f[5] = 0.5 * (f[4] + f[6]);
    /* non-monotonic axis */
    {
        double keep = f[20];
        f[20] = f[18];
        ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EDOM);
        ck_assert_ptr_nonnull(strstr(d.message, "monotonic"));
        f[20] = f[19]; /* repeated value */
        ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EDOM);
        f[20] = keep;
    }
    /* options */
    o.spin = 0.5;
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EDOM);
    o.spin = 1.0; /* integer spin has no central transition */
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EDOM);
    o.spin = 1.5;
    o.larmor_hz = -1.0;
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EDOM);
    o.larmor_hz = NAN;
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EINVAL);
    options_for(&t, &o);
    o.site_model = 7;
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EINVAL);
    options_for(&t, &o);
    o.broadening = 8;
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EINVAL);
    options_for(&t, &o);
    o.accuracy = 0.0;
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EDOM);
    options_for(&t, &o);
    o.n_eta_starts = 0;
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EDOM);
    options_for(&t, &o);
    o.eta_start = 1.5;
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EDOM);
    options_for(&t, &o);
    o.cq_hz_start = -1.0;
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EDOM);
    options_for(&t, &o);
    o.fix_eta = 1; /* without eta_start */
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_EINVAL);
    options_for(&t, &o);
    ck_assert_int_eq(srx_lineshape_fit_alloc(&o, f, 64, &fit, &d), SRX_OK);
    /* data */
    ck_assert_int_eq(srx_lineshape_fit_run(fit, NULL, NULL, &r, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_lineshape_fit_run(fit, y, NULL, NULL, &d), SRX_EINVAL);
    y[7] = NAN;
    ck_assert_int_eq(srx_lineshape_fit_run(fit, y, NULL, &r, &d), SRX_EINVAL);
    ck_assert_ptr_nonnull(strstr(d.message, "intensity[7]"));
    y[7] = 0.0;
    sg[3] = 0.0;
    ck_assert_int_eq(srx_lineshape_fit_run(fit, y, sg, &r, &d), SRX_EINVAL);
    ck_assert_ptr_nonnull(strstr(d.message, "sigma[3]"));
    for (i = 0; i < 64; i++)
        y[i] = -1.0; /* no line */
    ck_assert_int_eq(srx_lineshape_fit_run(fit, y, NULL, &r, &d), SRX_EDOM);
    srx_lineshape_fit_free(fit);
}
END_TEST

/* srx_h5_write_spectrum (appended to h5store): write, read back exactly,
 * refuse an existing name without replace, replace with it, refuse bad
 * spectra; the file is written in the build directory */
START_TEST(test_h5_write_spectrum)
{
    const char *path = "test_lineshape_fit_spectrum.h5";
    srx_h5file *h;
    srx_h5_spectrum s, b;
    double f[5] = {-2.0, -1.0, 0.0, 1.5, 3.0}, y[5] = {0.1, 0.5, 1.0, 0.5, 0.2};
    srx_diag d;
    size_t i;
    unlink(path);
    srx_h5_spectrum_init(&s);
    snprintf(s.name, sizeof s.name, "%s", "al27_mas");
    snprintf(s.nucleus, sizeof s.nucleus, "%s", "27Al");
    s.larmor_hz = 130.29e6;
    s.temperature_k = 300.0;
    s.mas_hz = 12500.0;
    s.n = 5;
    s.frequency_hz = f;
    s.intensity = y;
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_CREATE, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_spectrum(h, &s, 0, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_commit(h, &d), SRX_OK);
    srx_h5_close(h);
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_OK);
    srx_h5_spectrum_init(&b);
    ck_assert_int_eq(srx_h5_read_spectrum(h, "al27_mas", &b, &d), SRX_OK);
    ck_assert_str_eq(b.nucleus, "27Al");
    ck_assert(b.larmor_hz == s.larmor_hz && b.temperature_k == 300.0 && b.mas_hz == 12500.0);
    ck_assert_uint_eq(b.n, 5);
    for (i = 0; i < 5; i++)
        ck_assert(b.frequency_hz[i] == f[i] && b.intensity[i] == y[i]);
    srx_h5_spectrum_clear(&b);
    /* read-only handle */
    ck_assert_int_eq(srx_h5_write_spectrum(h, &s, 1, &d), SRX_EINVAL);
    srx_h5_close(h);
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_UPDATE, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_spectrum(h, &s, 0, &d), SRX_EINVAL);
    ck_assert_ptr_nonnull(strstr(d.message, "already exists"));
    y[2] = 2.0;
    ck_assert_int_eq(srx_h5_write_spectrum(h, &s, 1, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_spectrum(h, NULL, 1, &d), SRX_EINVAL);
    f[3] = -5.0; /* not monotonic */
    ck_assert_int_ne(srx_h5_write_spectrum(h, &s, 1, &d), SRX_OK);
    f[3] = 1.5;
    snprintf(s.name, sizeof s.name, "%s", "a/b");
    ck_assert_int_eq(srx_h5_write_spectrum(h, &s, 1, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_h5_commit(h, &d), SRX_OK);
    srx_h5_close(h);
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_OK);
    srx_h5_spectrum_init(&b);
    ck_assert_int_eq(srx_h5_read_spectrum(h, "al27_mas", &b, &d), SRX_OK);
    ck_assert(b.intensity[2] == 2.0);
    srx_h5_spectrum_clear(&b);
    srx_h5_close(h);
    unlink(path);
}
END_TEST

static Suite *lineshape_fit_suite(void)
{
    Suite *s = suite_create("lineshape_fit");
    TCase *t;
    t = tcase_create("exact");
    tcase_add_test(t, test_exact_static_32);
    tcase_add_test(t, test_exact_mas_al27);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    t = tcase_create("coverage");
    tcase_add_test(t, test_coverage_static_32);
    tcase_add_test(t, test_coverage_mas_al27);
    tcase_set_timeout(t, srxt_long() ? 600 : 120);
    suite_add_tcase(s, t);
    t = tcase_create("weights_fixed_threads");
    tcase_add_test(t, test_sigma_given);
    tcase_add_test(t, test_fixed_parameters);
    tcase_add_test(t, test_threads);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    t = tcase_create("axes");
    tcase_add_test(t, test_descending_axis);
    tcase_add_test(t, test_nonuniform_axis);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    t = tcase_create("models");
    tcase_add_test(t, test_lorentzian_baseline);
    tcase_add_test(t, test_czjzek);
    tcase_add_test(t, test_finite_speed);
    tcase_add_test(t, test_zero_broadening);
    tcase_add_test(t, test_model_eval);
    tcase_set_timeout(t, 120);
    suite_add_tcase(s, t);
    t = tcase_create("bad_input");
    tcase_add_test(t, test_bad_input);
    suite_add_tcase(s, t);
    t = tcase_create("h5_write_spectrum");
    tcase_add_test(t, test_h5_write_spectrum);
    suite_add_tcase(s, t);
    return s;
}

int main(void) { return srxt_run(lineshape_fit_suite()); }
