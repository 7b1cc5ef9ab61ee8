/* bench/lineshape_fit: time of a full line-shape fit (automatic starts,
 * coarse iterations, accurate polish) of 4096-point synthetic spectra:
 * 23Na-like spin 3/2 static and 27Al (Cq 8.3 MHz, eta 0.28, 130.29 MHz) MAS.
 * 27Al also at a finite spinning speed (10 kHz, 2048 points over 80 kHz).
 * Prints recovered values against the truth and the wall time per fit.
 * Environment: SNR overrides the peak signal-to-noise ratio (default 50),
 * ACC the final powder accuracy of the fit (default 1e-3). */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "spinrelax.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int one(const char *label, size_t n, double spin, double larmor_hz, double rotor,
               double spinning_hz, double cq,
               double eta, double shift, double gb, double span, double snr, gsl_rng *rng)
{
    srx_lineshape_conditions c;
    srx_lineshape_fit_options o;
    srx_lineshape_fit_result r;
    srx_quad_site s;
    srx_diag d;
    size_t i;
    double *f = malloc(n * sizeof *f), *y = malloc(n * sizeof *y), peak = 0.0, t0, t1;
    int st;
    srx_lineshape_conditions_init(&c);
    c.spin = spin;
    c.larmor_hz = larmor_hz;
    c.rotor_angle_rad = rotor;
    c.spinning_hz = spinning_hz;
    c.n_points = n;
    c.span_hz = span;
    c.gb_hz = gb;
    c.accuracy = 1e-4;
    srx_quad_site_init(&s);
    s.cq_hz = cq;
    s.eta = eta;
    s.shift_hz = shift;
    srx_lineshape_simulate(&c, &s, NULL, 1, y, NULL);
    {
        srx_lineshape *ls;
        srx_lineshape_alloc(&c, &ls, NULL);
        srx_lineshape_frequencies(ls, f, NULL);
        srx_lineshape_free(ls);
    }
    for (i = 0; i < n; i++)
        peak = fmax(peak, y[i]);
    for (i = 0; i < n; i++)
        y[i] = 1e3 * (y[i] + gsl_ran_gaussian(rng, peak / (getenv("SNR") ? atof(getenv("SNR")) : snr)));
    srx_lineshape_fit_options_init(&o);
    o.spin = spin;
    o.larmor_hz = larmor_hz;
    o.rotor_angle_rad = rotor;
    o.spinning_hz = spinning_hz;
    if (getenv("ACC")) o.accuracy = atof(getenv("ACC"));
    t0 = now_s();
    st = srx_lineshape_fit_spectrum(&o, f, y, NULL, n, &r, &d);
    t1 = now_s();
    printf("%s: status %d (%s) %.2f s, %d iterations, %d evaluations\n", label, st,
           st ? d.message : "ok", t1 - t0, r.n_iter, r.n_eval);
    printf("  cq_hz    %.6g +- %.3g (truth %.6g, %+.2f sd)\n", r.cq_hz, r.cq_err_hz, cq,
           (r.cq_hz - cq) / r.cq_err_hz);
    printf("  eta      %.5f +- %.5f (truth %.5f, %+.2f sd)\n", r.eta, r.eta_err, eta,
           (r.eta - eta) / r.eta_err);
    printf("  shift_hz %.2f +- %.2f (truth %.2f, %+.2f sd)\n", r.shift_hz, r.shift_err_hz, shift,
           (r.shift_hz - shift) / r.shift_err_hz);
    printf("  gb_hz    %.2f +- %.2f (truth %.2f)   reduced_chi2 %.4g\n", r.gb_hz, r.gb_err_hz, gb,
           r.reduced_chi2);
    free(f);
    free(y);
    return st;
}

int main(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    one("spin 3/2 static (Cq 2.5 MHz, eta 0.4, 105.8 MHz, 4096 points over 100 kHz)", 4096, 1.5,
        105.8e6, 0.0, 0.0, 2.5e6, 0.4, 1500.0, 400.0, 100e3, 50.0, rng);
    one("27Al MAS (Cq 8.3 MHz, eta 0.28, 130.29 MHz, 4096 points over 60 kHz)", 4096, 2.5,
        130.29e6, SRX_MAGIC_ANGLE_RAD, 0.0, 8.3e6, 0.28, 1000.0, 300.0, 60e3, 50.0, rng);
    one("27Al MAS at 10 kHz (finite speed, 2048 points over 80 kHz)", 2048, 2.5, 130.29e6,
        SRX_MAGIC_ANGLE_RAD, 10e3, 8.3e6, 0.28, 1000.0, 300.0, 80e3, 50.0, rng);
    gsl_rng_free(rng);
    return 0;
}
