/* make_transients: write a synthetic file of magnetization transients with
 * known rates, for the command-line tests.
 *
 *   make_transients OUT.h5 N SEED > truth.csv
 *
 * Series i: experiment saturation_recovery, inversion_recovery, spin_lock,
 * longitudinal_decay in turn; true rate log-uniform in [1e-2, 1e4] s^-1;
 * mono-exponential; 24 log-spaced delays from 0.02/R to 8/R, shuffled;
 * Gaussian noise of 1% of M0 = 100; every other series carries its sigma.
 * Prints "series,experiment,rate_per_s" with the truth. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "spinrelax.h"

int main(int argc, char **argv)
{
    static const char *const kinds[] = {"saturation_recovery", "inversion_recovery",
                                        "spin_lock", "longitudinal_decay"};
    srx_h5file *f = NULL;
    srx_diag diag;
    gsl_rng *rng;
    long n, i;
    int status;

    if (argc != 4) {
        fprintf(stderr, "usage: make_transients OUT.h5 N SEED\n");
        return 1;
    }
    n = atol(argv[2]);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)atol(argv[3]));
    status = srx_h5_open(argv[1], SRX_H5_CREATE, &f, &diag);
    if (status) {
        fprintf(stderr, "make_transients: %s\n", diag.message);
        return 1;
    }
    printf("series,experiment,rate_per_s\n");
    for (i = 0; i < n; i++) {
        enum { NPT = 24 };
        double delay[NPT], signal[NPT], sigma[NPT];
        double rate = pow(10.0, -2.0 + 6.0 * gsl_rng_uniform(rng)), m0 = 100.0, noise = 1.0;
        const char *kind = kinds[i % 4];
        srx_h5_series s;
        char name[64];
        int k;
        for (k = 0; k < NPT; k++)
            delay[k] = 0.02 / rate * pow(400.0, k / (NPT - 1.0));
        gsl_ran_shuffle(rng, delay, NPT, sizeof delay[0]);
        for (k = 0; k < NPT; k++) {
            double e = exp(-rate * delay[k]), m;
            if (i % 4 == 0)
                m = m0 * (1 - e);
            else if (i % 4 == 1)
                m = m0 * (1 - 2 * e);
            else
                m = m0 * e;
            signal[k] = m + gsl_ran_gaussian(rng, noise);
            sigma[k] = noise;
        }
        snprintf(name, sizeof name, "s%04ld", i);
        srx_h5_series_init(&s);
        snprintf(s.name, sizeof s.name, "%s", name);
        snprintf(s.experiment, sizeof s.experiment, "%s", kind);
        snprintf(s.nucleus, sizeof s.nucleus, "7Li");
        s.larmor_hz = 116.59e6;
        s.temperature_k = 200.0 + (double)i;
        s.spinlock_hz = i % 4 == 2 ? 20e3 : 0.0;
        s.n = NPT;
        s.delay_s = delay;
        s.signal = signal;
        s.sigma = i % 2 ? sigma : NULL;
        status = srx_h5_write_series(f, &s, 0, &diag);
        if (status) {
            fprintf(stderr, "make_transients: %s\n", diag.message);
            return 1;
        }
        printf("%s,%s,%.17g\n", name, kind, rate);
    }
    status = srx_h5_commit(f, &diag);
    srx_h5_close(f);
    gsl_rng_free(rng);
    if (status) {
        fprintf(stderr, "make_transients: %s\n", diag.message);
        return 1;
    }
    return 0;
}
