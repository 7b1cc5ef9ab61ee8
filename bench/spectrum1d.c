/* Benchmark: srx_spectrum1d_integrate on a synthetic pseudo-2D data set
 * (32 increments of 8192 complex points, automatic phase and region) and
 * on power-of-two vs non-power-of-two sizes.  Prints figures only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "spinrelax.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void run(size_t ninc, size_t ncx)
{
    const double sw = 100000.0, pi = 3.14159265358979323846;
    double *fid = malloc(sizeof(double) * 2 * ncx * ninc), *integ = malloc(sizeof(double) * ninc);
    double *sig = malloc(sizeof(double) * ninc), t0, t1;
    srx_spectrum1d_options o;
    size_t i, k;
    int rep, reps = 5;
    unsigned s = 12345;
    for (i = 0; i < ninc; i++)
        for (k = 0; k < ncx; k++) {
            double t = (double)k / sw, a = (1.0 - exp(-(double)(i + 1) / 8.0)) * exp(-t / 1e-3);
            s = s * 1103515245u + 12345u;
            fid[2 * ncx * i + 2 * k] = a * cos(2 * pi * 3000 * t + 0.4) + 1e-3 * ((s >> 16) / 32768.0 - 1);
            s = s * 1103515245u + 12345u;
            fid[2 * ncx * i + 2 * k + 1] = a * sin(2 * pi * 3000 * t + 0.4) + 1e-3 * ((s >> 16) / 32768.0 - 1);
        }
    srx_spectrum1d_options_init(&o);
    o.group_delay_points = 68;
    o.line_broadening_hz = 20;
    t0 = now();
    for (rep = 0; rep < reps; rep++)
        if (srx_spectrum1d_integrate(fid, ninc, ncx, sw, &o, integ, sig, NULL, NULL) != SRX_OK) {
            fprintf(stderr, "failed\n");
            exit(1);
        }
    t1 = now();
    printf("spectrum1d: %zu increments x %zu complex points: %.2f ms per data set "
           "(%.3f ms per increment)\n",
           ninc, ncx, 1e3 * (t1 - t0) / reps, 1e3 * (t1 - t0) / reps / (double)ninc);
    free(fid);
    free(integ);
    free(sig);
}

int main(void)
{
    run(32, 8192);
    run(32, 7983);
    run(15, 5000);
    return 0;
}
