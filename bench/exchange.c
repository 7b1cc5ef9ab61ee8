/* bench exchange: time per jump rate of the two-site 27Al exchange powder
 * pattern (Cq 8.3 MHz, eta 0.28, 130.29 MHz, the second site's EFG rotated
 * by 90 degrees about y, equal populations, 4096 points), static and
 * infinitely fast MAS, rates 0 to 1e7 /s, without broadening and with 200
 * Hz of Lorentzian broadening (the apodization a time-domain program needs),
 * and its accuracy: relative L1 distance to a 384-division reference
 * (about 295,000 orientations).
 *
 * Times include everything done for one jump rate from scratch: the
 * orientation set, the site frequencies, the eigen-decompositions, the
 * binning and the first use of the mesh's kernels (srx_exchange_sim_alloc +
 * srx_exchange_sim_spectrum), on one core.
 *
 * "Same accuracy" as the public peer (a C++ time-stepping program, 30-50 s
 * per jump rate for such a case on these machines): a time-stepping program
 * sums crystallites without interpolation, so its accuracy with N
 * orientations is at best that of the plain weighted sum over N
 * orientations, each solved exactly (tents = 0 here: rows "Np", N the ASG
 * divisions).  For the plain sums over 8580 and over 33540 orientations,
 * the bench reports the time spinrelax takes for that same sum (the same
 * accuracy by construction) and the time of the fewest divisions with
 * interpolation whose L1 is at or below the sum's; the faster of the two is
 * the time at the same accuracy.
 * Usage: bench/exchange [quick]  (quick: timings at 64 and 96 divisions only) */
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
#define NDIV 7

static int run(int mas, int div, double lb, double rate, double *out, double *secs, size_t *n_orient,
               int tents)
{
    srx_exchange_conditions c;
    srx_exchange_site s[2] = {{8.3e6, 0.28, 0.0, 0.0, 0.0, 0.0, 1.0},
                              {8.3e6, 0.28, 0.0, 1.5707963267948966, 0.0, 0.0, 1.0}};
    srx_exchange_sim *sim;
    srx_diag d;
    double t0 = now_s();
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
    if (srx_exchange_sim_spectrum(sim, rate, out, &d) != SRX_OK) {
        fprintf(stderr, "bench exchange: %s\n", d.message);
        srx_exchange_sim_free(sim);
        return 1;
    }
    *secs = now_s() - t0;
    srx_exchange_sim_free(sim);
    return 0;
}

static double l1_rel(const double *a, const double *ref)
{
    double l1 = 0.0, n = 0.0;
    size_t i;
    for (i = 0; i < NP; i++) {
        l1 += fabs(a[i] - ref[i]);
        n += fabs(ref[i]);
    }
    return l1 / n;
}

int main(int argc, char **argv)
{
    static double ref[NP], out[NP];
    const double rates[] = {0.0, 1e3, 1e4, 1e5, 1e7}, lbs[] = {0.0, 200.0};
    const int divs_full[NDIV] = {16, 24, 32, 48, 64, 96, 128}, divs_quick[2] = {64, 96};
    const int plain_div[2] = {64, 128};
    double t_match[2] = {0.0, 0.0}, t_plain[2] = {0.0, 0.0}, worst_t[NDIV] = {0};
    double worst_l1[NDIV] = {0};
    size_t n_plain[2] = {0, 0};
    int mas, ir, id, il, ip, quick = argc > 1, ndiv = quick ? 2 : NDIV;
    const int *divs = quick ? divs_quick : divs_full;
    for (il = 0; il < 2; il++) {
        for (mas = 0; mas < 2; mas++) {
            printf("exchange: two-site 27Al, %s, %d points, Lorentzian broadening %g Hz\n",
                   mas ? "infinitely fast MAS" : "static", NP, lbs[il]);
            printf("exchange: %10s %6s %8s %10s %12s\n", "rate_per_s", "div", "orients", "s/rate",
                   "L1_vs_ref");
            for (ir = 0; ir < 5; ir++) {
                double secs, dl1[NDIV], dt[NDIV], pl1[2] = {NAN, NAN}, pt[2] = {NAN, NAN};
                size_t no;
                if (!quick) {
                    if (run(mas, 384, lbs[il], rates[ir], ref, &secs, &no, 1))
                        return 1;
                    printf("exchange: %10.3g %6d %8zu %10.4f %12s\n", rates[ir], 384, no, secs,
                           "(reference)");
                    for (ip = 0; ip < 2; ip++) {
                        if (run(mas, plain_div[ip], lbs[il], rates[ir], out, &secs, &no, 0))
                            return 1;
                        pl1[ip] = l1_rel(out, ref);
                        pt[ip] = secs;
                        n_plain[ip] = no;
                        t_plain[ip] = fmax(t_plain[ip], secs);
                        printf("exchange: %10.3g %5dp %8zu %10.4f %12.3e\n", rates[ir],
                               plain_div[ip], no, secs, pl1[ip]);
                    }
                }
                for (id = 0; id < ndiv; id++) {
                    if (run(mas, divs[id], lbs[il], rates[ir], out, &secs, &no, 1))
                        return 1;
                    dl1[id] = quick ? NAN : l1_rel(out, ref);
                    dt[id] = secs;
                    printf("exchange: %10.3g %6d %8zu %10.4f %12.3e\n", rates[ir], divs[id], no,
                           secs, dl1[id]);
                    worst_t[id] = fmax(worst_t[id], secs);
                    worst_l1[id] = fmax(worst_l1[id], quick ? 0.0 : dl1[id]);
                }
                for (ip = 0; ip < 2 && !quick; ip++) {
                    /* the fewest divisions at least as accurate as the plain sum */
                    int m = -1;
                    for (id = 0; id < ndiv && m < 0; id++)
                        if (dl1[id] <= pl1[ip])
                            m = id;
                    if (m >= 0)
                        printf("exchange: %10.3g as accurate as the plain sum over %dp: %d "
                               "divisions, L1 %.3e <= %.3e in %.4f s (the sum itself %.4f s)\n",
                               rates[ir], plain_div[ip], divs[m], dl1[m], pl1[ip], dt[m],
                               pt[ip]);
                    else
                        printf("exchange: %10.3g as accurate as the plain sum over %dp: not "
                               "within %d divisions (the sum itself %.4f s)\n", rates[ir],
                               plain_div[ip], divs[ndiv - 1], pt[ip]);
                    t_match[ip] = fmax(t_match[ip], m >= 0 ? fmin(dt[m], pt[ip]) : pt[ip]);
                }
            }
        }
    }
    for (id = 0; id < ndiv; id++)
        printf("exchange: %3d divisions: slowest rate %.4f s, worst L1 %.2e; the peer's 30 s is "
               "%.0fx that\n", divs[id], worst_t[id], worst_l1[id], 30.0 / worst_t[id]);
    for (ip = 0; ip < 2 && !quick; ip++)
        printf("exchange: at the accuracy of the plain orientation sum over %zu orientations, the "
               "slowest case takes %.4f s (the sum itself, slowest case: %.4f s); the peer's 30 s "
               "is %.0fx that\n", n_plain[ip], t_match[ip], t_plain[ip], 30.0 / t_match[ip]);
    return 0;
}
