/* bench exchange: time per jump rate of the two-site 27Al exchange powder
 * pattern (Cq 8.3 MHz, eta 0.28, 130.29 MHz, the second site's EFG rotated
 * by 90 degrees about y, equal populations, 4096 points), static and
 * infinitely fast MAS, and the convergence with the number of orientations:
 * relative L1 distance to a 256-division (about 132,000 orientations)
 * reference; without broadening and with 200 Hz of Lorentzian broadening.
 * Usage: bench/exchange [quick]  (quick: no reference, timings only)  The public peer (a C++ time-stepping program) needs 30-50 s
 * per jump rate for such a case. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "spinrelax.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define NP 4096

static int run(int mas, int div, double lb, double rate, double *out, double *secs, size_t *n_orient)
{
    srx_exchange_conditions c;
    srx_exchange_site s[2] = {{8.3e6, 0.28, 0.0, 0.0, 0.0, 0.0, 1.0},
                              {8.3e6, 0.28, 0.0, 1.5707963267948966, 0.0, 0.0, 1.0}};
    srx_exchange_sim *sim;
    srx_diag d;
    double t0;
    srx_exchange_conditions_init(&c);
    c.spin = 2.5;
    c.larmor_hz = 130.29e6;
    c.mas = mas;
    c.n_points = NP;
    c.span_hz = mas ? 30e3 : 80e3;
    c.center_hz = mas ? -8e3 : -10e3;
    c.n_divisions = div;
    c.lb_hz = lb;
    if (srx_exchange_sim_alloc(&c, s, 2, &sim, &d) != SRX_OK) {
        fprintf(stderr, "bench exchange: %s\n", d.message);
        return 1;
    }
    *n_orient = srx_exchange_sim_n_orientations(sim);
    t0 = now_s();
    if (srx_exchange_sim_spectrum(sim, rate, out, &d) != SRX_OK) {
        fprintf(stderr, "bench exchange: %s\n", d.message);
        srx_exchange_sim_free(sim);
        return 1;
    }
    *secs = now_s() - t0;
    srx_exchange_sim_free(sim);
    return 0;
}

int main(int argc, char **argv)
{
    static double ref[NP], out[NP];
    const double rates[] = {0.0, 1e3, 1e4, 1e5, 1e7}, lbs[] = {0.0, 200.0};
    const int divs[] = {32, 64, 128};
    int mas, ir, id, il, quick = argc > 1;
    for (il = 0; il < 2; il++) {
        for (mas = 0; mas < 2; mas++) {
            printf("exchange: two-site 27Al, %s, %d points, Lorentzian broadening %g Hz\n",
                   mas ? "infinitely fast MAS" : "static", NP, lbs[il]);
            printf("exchange: %10s %6s %8s %10s %12s\n", "rate_per_s", "div", "orients", "s/rate",
                   "L1_vs_ref");
            for (ir = 0; ir < 5; ir++) {
                double secs, l1, norm;
                size_t no, i;
                if (!quick) {
                    if (run(mas, 256, lbs[il], rates[ir], ref, &secs, &no))
                        return 1;
                    printf("exchange: %10.3g %6d %8zu %10.4f %12s\n", rates[ir], 256, no, secs,
                           "(reference)");
                }
                for (id = 0; id < 3; id++) {
                    if (run(mas, divs[id], lbs[il], rates[ir], out, &secs, &no))
                        return 1;
                    l1 = norm = 0.0;
                    for (i = 0; i < NP; i++) {
                        l1 += fabs(out[i] - ref[i]);
                        norm += fabs(ref[i]);
                    }
                    printf("exchange: %10.3g %6d %8zu %10.4f %12.3e\n", rates[ir], divs[id], no,
                           secs, quick ? NAN : l1 / norm);
                }
            }
        }
    }
    return 0;
}
