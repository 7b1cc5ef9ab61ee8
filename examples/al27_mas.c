/* al27_mas: the 27Al central-transition MAS line of MIL-121 (seed text and
 * Figure S11b: Cq = 8.3 MHz, eta = 0.28; 11.4 T, 130.29 MHz, 25 kHz MAS).
 *
 *   al27_mas OUTDIR
 *
 * 1. Simulates the second-order quadrupolar central transition at a finite
 *    spinning rate of 25 kHz (spinning sidebands included; the satellite
 *    transitions are left out, as in a spectrum whose window shows only the
 *    central line and its first sidebands), isotropic chemical shift 3 ppm,
 *    300 Hz Gaussian broadening, plus white noise of 1% of the peak, and
 *    writes it to OUTDIR/al27_mas.h5 as /spectra/al27 (with mas_hz).
 * 2. Reads the file back and fits Cq, eta, shift, Gaussian broadening and
 *    amplitude with automatic starting values (srx_lineshape_fit_*), with
 *    the noise unknown (the covariance is scaled by the reduced chi-square).
 * 3. Writes OUTDIR/al27_mas.csv (data, fit, residual) and
 *    OUTDIR/summary-al27_mas.csv; examples/al27_mas.gp draws the plot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spinrelax.h>

#define NPTS 2048
#define SPAN_HZ 100e3
#define LARMOR_HZ 130.29e6
#define MAS_HZ 25e3
#define NOISE 0.01

static double uniform01(unsigned long long *s) /* xorshift64*: deterministic noise */
{
    *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
    return ((*s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}
static double gauss(unsigned long long *s)
{
    double u = uniform01(s), v = uniform01(s);
    return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

static int simulate(const char *path)
{
    srx_lineshape_conditions cond;
    srx_quad_site site;
    srx_h5file *f;
    srx_diag d;
    double freq[NPTS], y[NPTS], top = 0.0;
    unsigned long long rng = 27;
    srx_lineshape_conditions_init(&cond);
    cond.spin = 2.5;
    cond.larmor_hz = LARMOR_HZ;
    cond.rotor_angle_rad = SRX_MAGIC_ANGLE_RAD;
    cond.spinning_hz = MAS_HZ;
    cond.n_points = NPTS;
    cond.span_hz = SPAN_HZ;
    cond.center_hz = -3e3; /* the line sits near the isotropic quadrupolar shift */
    cond.gb_hz = 300.0;
    cond.accuracy = 1e-4;  /* ten times finer than the fit's model */
    srx_quad_site_init(&site);
    site.cq_hz = 8.3e6;
    site.eta = 0.28;
    site.shift_hz = 3e-6 * LARMOR_HZ; /* 3 ppm */
    int status = srx_lineshape_simulate(&cond, &site, NULL, 1, y, &d);
    if (status != SRX_OK)
        return fprintf(stderr, "al27_mas: %s\n", d.message), 1;
    for (int i = 0; i < NPTS; i++) {
        freq[i] = cond.center_hz - 0.5 * SPAN_HZ + i * SPAN_HZ / NPTS;
        top = fmax(top, y[i]);
    }
    for (int i = 0; i < NPTS; i++)
        y[i] = y[i] / top + NOISE * gauss(&rng);
    srx_h5_spectrum sp = {.name = "al27", .nucleus = "27Al", .larmor_hz = LARMOR_HZ,
                          .temperature_k = 298.15, .mas_hz = MAS_HZ, .n = NPTS,
                          .frequency_hz = freq, .intensity = y};
    remove(path);
    if ((status = srx_h5_open(path, SRX_H5_CREATE, &f, &d)) == SRX_OK &&
        (status = srx_h5_write_spectrum(f, &sp, 1, &d)) == SRX_OK)
        status = srx_h5_commit(f, &d);
    if (status != SRX_OK)
        fprintf(stderr, "al27_mas: writing %s: %s\n", path, d.message);
    srx_h5_close(f);
    return status != SRX_OK;
}

static void row(FILE *f, const char *quantity, double paper, double got, double err)
{
    fprintf(f, "27Al,%s,%.6g,%.6g,%.3g\n", quantity, paper, got, err);
    printf("%-24s %10.4g %10.4g +- %-9.3g\n", quantity, paper, got, err);
}

static int analyse(const char *dir, const char *path)
{
    srx_h5_contents *c;
    srx_lineshape_fit *fit = NULL;
    srx_lineshape_fit_options o;
    srx_lineshape_fit_result r;
    srx_diag d;
    char file[4096];
    if (srx_h5_load(path, 60.0, &c, &d) != SRX_OK)
        return fprintf(stderr, "al27_mas: %s\n", d.message), 1;
    const srx_h5_spectrum *sp = NULL;
    for (size_t i = 0; i < c->n_spectra; i++)
        if (c->spectra_status[i] == SRX_OK && strcmp(c->spectra[i].nucleus, "27Al") == 0)
            sp = &c->spectra[i];
    if (!sp) {
        fprintf(stderr, "al27_mas: no 27Al spectrum in %s\n", path);
        srx_h5_contents_free(c);
        return 1;
    }
    /* the experiment from the file; everything else automatic */
    srx_lineshape_fit_options_init(&o);
    o.spin = 2.5; /* 27Al */
    o.larmor_hz = sp->larmor_hz;
    o.rotor_angle_rad = SRX_MAGIC_ANGLE_RAD;
    o.spinning_hz = sp->mas_hz;
    int status = srx_lineshape_fit_alloc(&o, sp->frequency_hz, sp->n, &fit, &d);
    if (status == SRX_OK)
        status = srx_lineshape_fit_run(fit, sp->intensity, NULL, &r, &d);
    double *model = malloc(sp->n * sizeof *model);
    if (status != SRX_OK || !model || srx_lineshape_fit_model(fit, &r, model, &d) != SRX_OK) {
        fprintf(stderr, "al27_mas: fit: %s\n", d.message);
        free(model);
        srx_lineshape_fit_free(fit);
        srx_h5_contents_free(c);
        return 1;
    }
    snprintf(file, sizeof file, "%s/al27_mas.csv", dir);
    FILE *f = fopen(file, "w");
    if (f) {
        fprintf(f, "frequency_khz,shift_ppm,intensity,fit,residual\n");
        for (size_t i = 0; i < sp->n; i++)
            fprintf(f, "%.5f,%.4f,%.5g,%.5g,%.5g\n", sp->frequency_hz[i] / 1e3,
                    sp->frequency_hz[i] / sp->larmor_hz * 1e6, sp->intensity[i], model[i],
                    sp->intensity[i] - model[i]);
        fclose(f);
    }
    snprintf(file, sizeof file, "%s/summary-al27_mas.csv", dir);
    if (!(f = fopen(file, "w")))
        return fprintf(stderr, "al27_mas: cannot write %s\n", file), 1;
    fprintf(f, "figure,quantity,paper,recovered,uncertainty\n");
    printf("27Al MAS (%.2f MHz, %.0f kHz MAS): reduced chi2 = %.3g, shift %.2f ppm, "
           "Gaussian broadening %.0f Hz\n", sp->larmor_hz / 1e6, sp->mas_hz / 1e3,
           r.reduced_chi2, r.shift_hz / sp->larmor_hz * 1e6, r.gb_hz);
    printf("%-24s %10s %10s    %s\n", "quantity", "paper", "recovered", "uncertainty");
    row(f, "Cq (MHz)", 8.3, r.cq_hz / 1e6, r.cq_err_hz / 1e6);
    row(f, "eta", 0.28, r.eta, r.eta_err);
    fclose(f);
    free(model);
    srx_lineshape_fit_free(fit);
    srx_h5_contents_free(c);
    return 0;
}

int main(int argc, char **argv)
{
    char path[4096];
    if (argc != 2) {
        fprintf(stderr, "usage: al27_mas OUTDIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/al27_mas.h5", argv[1]);
    if (simulate(path) != 0)
        return 1;
    return analyse(argv[1], path);
}
