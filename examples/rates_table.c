/* rates_table: the smallest useful spinrelax program.
 *
 * Prints 7Li 1/T1 and 1/T1rho of one asymmetric diffusion process at the
 * seed's spectrometer frequencies (116.59 MHz, 20 kHz lock) from 200 K to
 * 600 K, and where the 1/T1rho maximum lies.  Build outside the tree with
 *     cc rates_table.c $(pkg-config --cflags --libs spinrelax)
 */
#include <stdio.h>

#include <spinrelax.h>

int main(void)
{
    srx_rate_model model;
    srx_diag diag;
    double t, best_t = 0.0, best = 0.0;

    srx_rate_model_init(&model);
    model.n_processes = 1;
    model.process[0].kind = SRX_SPECTRAL_ASYMMETRIC;
    model.process[0].ea_ev = 0.44 / 0.8; /* low-T flank (beta - 1) Ea = 0.44 eV */
    model.process[0].shape = 1.8;        /* beta */
    model.process[0].tau0_s = 1.5e-11;
    model.process[0].coupling_per_s2 = 5e8;

    printf("temperature_k,r1_per_s,r1rho_per_s\n");
    for (t = 200.0; t <= 600.0; t += 20.0) {
        double r1, r1rho;
        if (srx_rates_r1(&model, t, 116.59e6, &r1, &diag) != SRX_OK ||
            srx_rates_r1rho(&model, t, 116.59e6, 20e3, &r1rho, &diag) != SRX_OK) {
            fprintf(stderr, "rates_table: %s\n", diag.message);
            return 1;
        }
        printf("%g,%.6g,%.6g\n", t, r1, r1rho);
        if (r1rho > best) {
            best = r1rho;
            best_t = t;
        }
    }
    fprintf(stderr, "1/T1rho is largest near %g K on this 20 K grid\n", best_t);
    return 0;
}
