/* make_rate_transients: raw magnetization transients whose rates follow a
 * known rate model, for the command-line tests of fit-flank and fit-peak.
 *
 *   make_rate_transients OUT.h5 SEED
 *
 * The truth is shaped like the seed's Figure 6a (7Li, 116.59 MHz, 20 kHz
 * lock): one asymmetric process, beta = 1.8, low-T flank (beta - 1) Ea =
 * 0.44 eV, T1rho maximum at 513 K (omega1 tau = 0.5661, physics.md),
 * K = 1e9 s^-2, power-law backgrounds A T^2 (T1: dominant below ~330 K; T1rho:
 * low enough that its low-T flank is straight over 300-420 K).
 * Saturation recovery (T1) and spin lock (T1rho) every 10 K from 250 to
 * 650 K, 24 log-spaced delays from 0.03/R to 6/R, 1 % Gaussian noise with
 * its sigma stored.  Prints "series,experiment,temperature_k,rate_per_s".
 * Also /conductivity/Li: sigma_DC T with the seed's Li kink (1.01 eV below,
 * 0.28 eV above 323 K, sigma(323 K) = 9.1e-3 S/m), 2 % noise, every 5 K
 * from 233 to 393 K. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "spinrelax.h"

#define NU0 116.59e6
#define NU1 20e3

int main(int argc, char **argv)
{
    srx_rate_model m;
    srx_h5file *f = NULL;
    srx_diag diag;
    gsl_rng *rng;
    const double beta = 1.8, ea = 0.44 / (beta - 1.0);
    int k, status;

    if (argc != 3) {
        fprintf(stderr, "usage: make_rate_transients OUT.h5 SEED\n");
        return 1;
    }
    srx_rate_model_init(&m);
    m.n_processes = 1;
    m.process[0].kind = SRX_SPECTRAL_ASYMMETRIC;
    m.process[0].ea_ev = ea;
    m.process[0].shape = beta;
    m.process[0].tau0_s = 0.5661 / (6.283185307179586 * NU1) * exp(-ea / (SRX_KB_EV_PER_K * 513.0));
    m.process[0].coupling_per_s2 = 1e9;
    m.background_r1.kind = m.background_r1rho.kind = SRX_BACKGROUND_POWERLAW;
    m.background_r1.amplitude = 4e-10;
    m.background_r1rho.amplitude = 1.0e-5;
    m.background_r1.exponent = m.background_r1rho.exponent = 2.0;

    rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)atol(argv[2]));
    if (srx_h5_open(argv[1], SRX_H5_CREATE, &f, &diag) != SRX_OK) {
        fprintf(stderr, "make_rate_transients: %s\n", diag.message);
        return 1;
    }
    printf("series,experiment,temperature_k,rate_per_s\n");
    for (k = 0; k < 82; k++) {
        enum { NPT = 24 };
        double delay[NPT], signal[NPT], sigma[NPT], rate, t = 250.0 + 10.0 * (k / 2);
        int rho = k % 2, i;
        srx_h5_series s;
        status = srx_rates_eval(&m, rho ? SRX_RATE_R1RHO : SRX_RATE_R1, t, NU0, NU1, &rate, NULL,
                                &diag);
        if (status) {
            fprintf(stderr, "make_rate_transients: %s\n", diag.message);
            return 1;
        }
        for (i = 0; i < NPT; i++) {
            double e;
            delay[i] = 0.03 / rate * pow(200.0, i / (NPT - 1.0));
            e = exp(-rate * delay[i]);
            sigma[i] = 1.0;
            signal[i] = 100.0 * (rho ? e : 1.0 - e) + gsl_ran_gaussian(rng, sigma[i]);
        }
        srx_h5_series_init(&s);
        snprintf(s.name, sizeof s.name, "%s_%03.0fK", rho ? "T1rho" : "T1", t);
        snprintf(s.experiment, sizeof s.experiment, "%s",
                 rho ? "spin_lock" : "saturation_recovery");
        snprintf(s.nucleus, sizeof s.nucleus, "7Li");
        s.larmor_hz = NU0;
        s.temperature_k = t;
        s.spinlock_hz = rho ? NU1 : 0.0;
        s.n = NPT;
        s.delay_s = delay;
        s.signal = signal;
        s.sigma = sigma;
        if (srx_h5_write_series(f, &s, 0, &diag) != SRX_OK) {
            fprintf(stderr, "make_rate_transients: %s\n", diag.message);
            return 1;
        }
        printf("%s,%s,%g,%.17g\n", s.name, s.experiment, t, rate);
    }
    {
        enum { NC = 33 };
        double t[NC], sdc[NC], err[NC];
        const double tc = 323.0, kb = SRX_KB_EV_PER_K;
        srx_h5_conductivity c;
        for (k = 0; k < NC; k++) {
            double e = 233.0 + 5.0 * k < tc ? 1.01 : 0.28, st;
            t[k] = 233.0 + 5.0 * k;
            /* ln(sigma T) continuous at tc */
            st = 9.1e-3 * tc * exp(-e / kb * (1.0 / t[k] - 1.0 / tc));
            sdc[k] = st / t[k] * exp(0.02 * gsl_ran_gaussian(rng, 1.0));
            err[k] = 0.02 * sdc[k];
        }
        srx_h5_conductivity_init(&c);
        snprintf(c.name, sizeof c.name, "Li");
        c.n = NC;
        c.temperature_k = t;
        c.sigma_dc_s_per_m = sdc;
        c.sigma_err_s_per_m = err;
        if (srx_h5_write_conductivity(f, &c, 0, &diag) != SRX_OK) {
            fprintf(stderr, "make_rate_transients: %s\n", diag.message);
            return 1;
        }
    }
    status = srx_h5_commit(f, &diag);
    srx_h5_close(f);
    gsl_rng_free(rng);
    if (status) {
        fprintf(stderr, "make_rate_transients: %s\n", diag.message);
        return 1;
    }
    return 0;
}
