/* Benchmark: a 100-temperature motional-narrowing curve (Kubo-Anderson
 * line widths) on one core.  Target: under 100 ms.
 * M2 for a 5 kHz rigid FWHM, Ea 0.6 eV, tau0 1e-14 s, 150..500 K. */
#include <config.h>

#include <stdio.h>
#include <time.h>

#include "spinrelax.h"

#define NT 100

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    srx_narrowing *nw;
    srx_narrowing_line line;
    srx_diag diag;
    double t[NT], w[NT], t0, t1, best = 1e9, t_alloc;
    int i, rep;

    t0 = now_s();
    if (srx_narrowing_alloc(0, &nw, &diag) != SRX_OK) {
        fprintf(stderr, "bench narrowing: %s\n", diag.message);
        return 1;
    }
    t_alloc = now_s() - t0;
    srx_narrowing_line_init(&line);
    line.component[0].m2_rad2_per_s2 = srx_narrowing_m2_from_rigid_fwhm(5000.0);
    line.component[0].ea_ev = 0.6;
    line.component[0].tau0_s = 1e-14;
    for (i = 0; i < NT; i++)
        t[i] = 150.0 + 350.0 * i / (NT - 1);
    for (rep = 0; rep < 5; rep++) {
        t0 = now_s();
        if (srx_narrowing_line_series(nw, &line, NT, t, w, &diag) != SRX_OK) {
            fprintf(stderr, "bench narrowing: %s\n", diag.message);
            srx_narrowing_free(nw);
            return 1;
        }
        t1 = now_s();
        if (t1 - t0 < best)
            best = t1 - t0;
    }
    printf("narrowing: %d temperatures (150..500 K, rigid FWHM 5 kHz, Ea 0.6 eV, tau0 1e-14 s)\n",
           NT);
    printf("narrowing: widths %.6g Hz (150 K) .. %.6g Hz (500 K)\n", w[0], w[NT - 1]);
    printf("narrowing: best of 5: %.2f ms per curve (%.1f us per temperature); "
           "object allocation and planning %.2f ms\n", best * 1e3, best * 1e6 / NT,
           t_alloc * 1e3);

    /* width-versus-T fits of 20 temperatures (noiseless widths of a line
     * with a 200 Hz residual, 1% uncertainties), Kubo and Hendrickson-Bray */
    {
        double tf[20], wf[20], ef[20], bk = 1e9, bh = 1e9;
        srx_narrowing_fit_options o;
        srx_narrowing_fit_result r, rh;
        line.residual_fwhm_hz = 200.0;
        line.component[0].tau0_s = 1e-12;
        for (i = 0; i < 20; i++)
            tf[i] = 200.0 + 20.0 * i;
        if (srx_narrowing_line_series(nw, &line, 20, tf, wf, &diag) != SRX_OK) {
            fprintf(stderr, "bench narrowing: %s\n", diag.message);
            srx_narrowing_free(nw);
            return 1;
        }
        for (i = 0; i < 20; i++)
            ef[i] = 0.01 * wf[i];
        srx_narrowing_fit_options_init(&o);
        for (rep = 0; rep < 5; rep++) {
            t0 = now_s();
            o.model = SRX_NARROWING_MODEL_KUBO;
            if (srx_narrowing_fit(nw, 20, tf, wf, ef, &o, &r, &diag) != SRX_OK) {
                fprintf(stderr, "bench narrowing: %s\n", diag.message);
                srx_narrowing_free(nw);
                return 1;
            }
            t1 = now_s();
            bk = t1 - t0 < bk ? t1 - t0 : bk;
            o.model = SRX_NARROWING_MODEL_HB;
            t0 = now_s();
            if (srx_narrowing_fit(NULL, 20, tf, wf, ef, &o, &rh, &diag) != SRX_OK) {
                fprintf(stderr, "bench narrowing: %s\n", diag.message);
                srx_narrowing_free(nw);
                return 1;
            }
            t1 = now_s();
            bh = t1 - t0 < bh ? t1 - t0 : bh;
        }
        printf("narrowing: fit of 20 widths, Kubo-Anderson: best of 5 %.1f ms (%d iterations, "
               "%d model evaluations; Ea %.6f eV)\n", bk * 1e3, r.n_iter, r.n_eval, r.ea_ev);
        printf("narrowing: fit of 20 widths, Hendrickson-Bray: best of 5 %.3f ms (%d iterations; "
               "Ea %.4f eV)\n", bh * 1e3, rh.n_iter, rh.ea_ev);
    }
    srx_narrowing_free(nw);
    return 0;
}
