/* bench exchange: time per jump rate of the two-site 27Al exchange powder
 * pattern (Cq 8.3 MHz, eta 0.28, 130.29 MHz, the second site's EFG rotated
 * by 90 degrees about y, equal populations, 4096 points), static and
 * infinitely fast MAS, and the convergence with the number of orientations:
 * relative L1 distance to a 256-division (about 132,000 orientations)
 * reference; without broadening and with 200 Hz of Lorentzian broadening.
 * Rows "64p": the plain weighted sum over the same 8580 orientations
 * (tents = 0), the accuracy of a program that sums crystallites without
 * interpolation.  The public peer (a C++ time-stepping program) needs
 * 30-50 s per jump rate for such a case.
 * Usage: bench/exchange [quick]  (quick: no reference, timings only) */
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

static int run(int mas, int div, double lb, double rate, double *out, double *secs, size_t *n_orient,
               int tents)
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
    c.tents = tents;
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
    const int divs[] = {32, 48, 64, 96};
    double t64_max = 0.0, l1_64_max = 0.0, t48_max = 0.0, l1_48_max = 0.0;
    double plain_l1_min = INFINITY, t_match_max = 0.0;
    int n_unmatched = 0;
    int mas, ir, id, il, quick = argc > 1;
    for (il = 0; il < 2; il++) {
        for (mas = 0; mas < 2; mas++) {
            printf("exchange: two-site 27Al, %s, %d points, Lorentzian broadening %g Hz\n",
                   mas ? "infinitely fast MAS" : "static", NP, lbs[il]);
            printf("exchange: %10s %6s %8s %10s %12s\n", "rate_per_s", "div", "orients", "s/rate",
                   "L1_vs_ref");
            for (ir = 0; ir < 5; ir++) {
                double secs, l1, norm, dl1[4], dt[4], pl1 = NAN;
                size_t no, i;
                if (!quick) {
                    if (run(mas, 256, lbs[il], rates[ir], ref, &secs, &no, 1))
                        return 1;
                    printf("exchange: %10.3g %6d %8zu %10.4f %12s\n", rates[ir], 256, no, secs,
                           "(reference)");
                }
                for (id = 0; id < 4; id++) {
                    if (run(mas, divs[id], lbs[il], rates[ir], out, &secs, &no, 1))
                        return 1;
                    l1 = norm = 0.0;
                    for (i = 0; i < NP; i++) {
                        l1 += fabs(out[i] - ref[i]);
                        norm += fabs(ref[i]);
                    }
                    printf("exchange: %10.3g %6d %8zu %10.4f %12.3e\n", rates[ir], divs[id], no,
                           secs, quick ? NAN : l1 / norm);
                    dl1[id] = l1 / norm;
                    dt[id] = secs;
                    if (divs[id] == 64) {
                        t64_max = fmax(t64_max, secs);
                        l1_64_max = fmax(l1_64_max, quick ? 0.0 : l1 / norm);
                    } else if (divs[id] == 48) {
                        t48_max = fmax(t48_max, secs);
                        l1_48_max = fmax(l1_48_max, quick ? 0.0 : l1 / norm);
                    }
                    if (divs[id] == 64 && !quick) {
                        /* the plain orientation sum (what a time-stepping
                         * program computes) over the same 8580 orientations */
                        pl1 = 0.0;
                        if (run(mas, 64, lbs[il], rates[ir], out, &secs, &no, 0))
                            return 1;
                        for (i = 0; i < NP; i++)
                            pl1 += fabs(out[i] - ref[i]);
                        pl1 /= norm;
                        printf("exchange: %10.3g %6s %8zu %10.4f %12.3e\n", rates[ir], "64p", no,
                               secs, pl1);
                        plain_l1_min = fmin(plain_l1_min, pl1);
                    }
                }
                if (!quick) {
                    /* the fewest divisions at least as accurate as the plain sum */
                    int m = -1;
                    for (id = 0; id < 4 && m < 0; id++)
                        if (dl1[id] <= pl1)
                            m = id;
                    if (m >= 0) {
                        printf("exchange: %10.3g matched: %d divisions, L1 %.3e <= %.3e in %.4f s\n",
                               rates[ir], divs[m], dl1[m], pl1, dt[m]);
                        t_match_max = fmax(t_match_max, dt[m]);
                    } else {
                        printf("exchange: %10.3g matched: not within 96 divisions\n", rates[ir]);
                        n_unmatched++;
                    }
                }
            }
        }
    }
    printf("exchange: plain orientation sums over 8580 orientations (64p rows): L1 %.2e at best\n",
           plain_l1_min);
    if (!quick)
        printf("exchange: at the accuracy of the plain sum over 8580 orientations, the slowest "
               "rate takes %.3f s (%d cases not matched within 96 divisions); the peer's 30 s is "
               "%.0fx that\n", t_match_max, n_unmatched, 30.0 / t_match_max);
    printf("exchange: slowest rate at 48 divisions %.3f s (worst L1 %.2e), at 64 divisions "
           "%.3f s (worst L1 %.2e); the peer's 30 s is %.0fx and %.0fx that\n",
           t48_max, l1_48_max, t64_max, l1_64_max, 30.0 / t48_max, 30.0 / t64_max);
    return 0;
}
