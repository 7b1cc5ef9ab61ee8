/* Benchmark: per-series transient fits, one core, start values included.
 *
 * 24-point saturation-recovery transients with log-spaced delays
 * (0.01/R .. 10/R), Gaussian noise 1 % of M0, rates drawn over two decades;
 * stretched (gamma = 0.7) and mono-exponential data fitted with the matching
 * model through one reused srx_transient_fitter.  Prints fits per second
 * (clock_gettime, CLOCK_MONOTONIC; best and mean of `reps` passes over the
 * same series) and the heap allocations counted during the timed loops
 * (expected: 0).
 *
 *     make bench/transient_fits && ./bench/transient_fits [n_fits [reps]]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "spinrelax.h"

/* count heap allocations made while `counting` is set (glibc) */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static volatile int counting;
static volatile long n_alloc;
void *malloc(size_t n);
void *calloc(size_t a, size_t b);
void *realloc(void *p, size_t n);
void *malloc(size_t n)
{
    if (counting)
        n_alloc++;
    return __libc_malloc(n);
}
void *calloc(size_t a, size_t b)
{
    if (counting)
        n_alloc++;
    return __libc_calloc(a, b);
}
void *realloc(void *p, size_t n)
{
    if (counting)
        n_alloc++;
    return __libc_realloc(p, n);
}

enum { NPTS = 24 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int run(const char *label, srx_transient_shape shape, double gamma, long n_fits, int reps)
{
    double *t = malloc((size_t)n_fits * NPTS * sizeof(double));
    double *y = malloc((size_t)n_fits * NPTS * sizeof(double));
    double *rate = malloc((size_t)n_fits * sizeof(double));
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    srx_transient_fitter *tf = NULL;
    srx_transient_options opt;
    srx_transient_result res;
    long k, ok = 0, bad = 0, iters = 0;
    double t0, t1, sum_pull2 = 0.0, best = 0.0, total = 0.0;
    int i, rep;

    if (!t || !y || !rate || !rng || srx_transient_fitter_alloc(&tf, NPTS, NULL) != SRX_OK) {
        fprintf(stderr, "allocation failed\n");
        return 1;
    }
    gsl_rng_set(rng, 12345);
    for (k = 0; k < n_fits; k++) {
        double R = 100.0 * pow(10.0, 2.0 * gsl_rng_uniform(rng) - 1.0);
        rate[k] = R;
        for (i = 0; i < NPTS; i++) {
            double ti = (0.01 / R) * pow(1000.0, (double)i / (NPTS - 1));
            t[k * NPTS + i] = ti;
            y[k * NPTS + i] =
                1.0 - exp(-pow(ti * R, gamma)) + gsl_ran_gaussian(rng, 0.01);
        }
    }
    srx_transient_options_init(&opt);
    opt.shape = shape;

    /* the timed loop runs `reps` times over the same series; the best
     * repetition is reported (other processes share the machine) */
    counting = 1;
    for (rep = 0; rep < reps; rep++) {
        ok = bad = iters = 0;
        sum_pull2 = 0.0;
        t0 = now_s();
        for (k = 0; k < n_fits; k++) {
            int st = srx_transient_fitter_run(tf, t + k * NPTS, y + k * NPTS, NULL, NPTS,
                                              SRX_EXPERIMENT_SATURATION_RECOVERY, &opt, &res,
                                              NULL);
            if (st == SRX_OK) {
                double pull = (res.rate_per_s - rate[k]) / res.rate_err_per_s;
                ok++;
                iters += res.n_iter;
                sum_pull2 += pull * pull;
            } else {
                bad++;
            }
        }
        t1 = now_s();
        if (rep == 0 || t1 - t0 < best)
            best = t1 - t0;
        total += t1 - t0;
    }
    counting = 0;

    printf("%-30s %6ld fits x %d: best %7.0f fits/s (%5.2f us/fit), mean %7.0f fits/s; "
           "iterations %.2f, failed %ld, rms pull of R %.3f, heap allocations %ld\n",
           label, n_fits, reps, (double)n_fits / best, 1e6 * best / (double)n_fits,
           (double)n_fits * reps / total,
           ok ? (double)iters / (double)ok : 0.0, bad, ok ? sqrt(sum_pull2 / (double)ok) : 0.0,
           n_alloc);
    n_alloc = 0;
    srx_transient_fitter_free(tf);
    gsl_rng_free(rng);
    free(t);
    free(y);
    free(rate);
    return 0;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    if (n < 1)
        n = 20000;
    if (reps < 1)
        reps = 5;
    printf("transient fits: 24 log-spaced delays, saturation recovery, 1%% noise, one core\n");
    if (run("stretched (gamma 0.7, fitted)", SRX_TRANSIENT_STRETCHED, 0.7, n, reps))
        return 1;
    if (run("mono-exponential", SRX_TRANSIENT_EXPONENTIAL, 1.0, n, reps))
        return 1;
    return 0;
}
