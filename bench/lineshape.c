/* bench/lineshape: accuracy and time of the powder line shape.
 * 27Al central transition, Cq = 8.3 MHz, eta = 0.28, nu0 = 130.29 MHz,
 * 4096 points over [-30 kHz, +30 kHz) (span 60 kHz, centre 0), no broadening.
 * Error: relative L2 norm against the same calculation with 1024 ASG
 * divisions per octant edge (525 825 orientations in the octant; 768
 * divisions for finite spinning speed).
 * Times: one core, best of several repetitions of srx_lineshape_compute()
 * on a reused simulator (allocation excluded, reported separately). */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "spinrelax.h"

#define NPTS 4096

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void setup(srx_lineshape_conditions *c, double angle, double nur, int ndiv)
{
    srx_lineshape_conditions_init(c);
    c->spin = 2.5;
    c->larmor_hz = 130.29e6;
    c->rotor_angle_rad = angle;
    c->spinning_hz = nur;
    c->n_points = NPTS;
    c->span_hz = 60e3;
    c->center_hz = 0.0;
    c->n_divisions = ndiv;
}

static double run(const srx_lineshape_conditions *c, const srx_quad_site *s, double *spec,
                  double *alloc_s)
{
    srx_lineshape *ls;
    double best = 1e30, t0;
    int r, reps;
    t0 = now();
    if (srx_lineshape_alloc(c, &ls, NULL) != SRX_OK)
        return -1;
    *alloc_s = now() - t0;
    srx_lineshape_compute(ls, s, NULL, 1, spec, NULL); /* warm up (sideband buffers) */
    reps = 9;
    for (r = 0; r < reps; r++) {
        t0 = now();
        srx_lineshape_compute(ls, s, NULL, 1, spec, NULL);
        t0 = now() - t0;
        if (t0 < best)
            best = t0;
    }
    srx_lineshape_free(ls);
    return best;
}

static double l2err(const double *a, const double *ref)
{
    double num = 0, den = 0;
    int i;
    for (i = 0; i < NPTS; i++) {
        num += (a[i] - ref[i]) * (a[i] - ref[i]);
        den += ref[i] * ref[i];
    }
    return sqrt(num / den);
}

static void study(const char *name, double angle, double nur, const int *divs, int ndivs,
                  int refdiv)
/* (the automatic row uses accuracy 1e-3) */
{
    srx_lineshape_conditions c;
    srx_quad_site s;
    double *ref = malloc(NPTS * sizeof *ref), *spec = malloc(NPTS * sizeof *spec), ta;
    int i;
    srx_quad_site_init(&s);
    s.cq_hz = 8.3e6;
    s.eta = 0.28;
    setup(&c, angle, nur, refdiv);
    run(&c, &s, ref, &ta);
    printf("\n%s (reference: %d divisions)\n", name, refdiv);
    printf("%10s %14s %12s %12s %12s\n", "divisions", "orientations", "rel_L2_err", "time_ms",
           "alloc_ms");
    for (i = 0; i < ndivs; i++) {
        double t;
        setup(&c, angle, nur, divs[i]);
        t = run(&c, &s, spec, &ta);
        printf("%10d %14d %12.3e %12.3f %12.3f\n", divs[i], (divs[i] + 1) * (divs[i] + 2) / 2,
               l2err(spec, ref), 1e3 * t, 1e3 * ta);
    }
    /* default (automatic) orientation count */
    setup(&c, angle, nur, 0);
    {
        double t = run(&c, &s, spec, &ta);
        printf("%10s %14s %12.3e %12.3f %12.3f  (accuracy 1e-3 -> %d divisions)\n", "auto", "-",
               l2err(spec, ref), 1e3 * t, 1e3 * ta,
               srx_lineshape_divisions_for_accuracy(1e-3, angle != 0.0));
    }
    free(ref);
    free(spec);
}

int main(void)
{
    static const int divs[] = {8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 208, 256, 272};
    static const int divs_sb[] = {16, 32, 64, 96, 128, 192, 208, 256};
    printf("27Al CT, Cq 8.3 MHz, eta 0.28, nu0 130.29 MHz, %d points over [-30, 30) kHz\n", NPTS);
    study("infinite-speed MAS", SRX_MAGIC_ANGLE_RAD, 0.0, divs, 13, 1024);
    study("static", 0.0, 0.0, divs, 13, 1024);
    study("MAS 25 kHz (all sidebands)", SRX_MAGIC_ANGLE_RAD, 25e3, divs_sb, 8, 768);
    return 0;
}
