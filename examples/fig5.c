/* fig5: 7Li motional narrowing of MIL-121/Li and MIL-121/Li+SE (seed Figure 5).
 *
 *   fig5 OUTDIR
 *
 * 1. Builds a synthetic data set from the Kubo-Anderson model and writes it
 *    to OUTDIR/fig5.h5 (/spectra/li-<T>K and /spectra/lise-<T>K, 116.59 MHz):
 *    - MIL-121/Li, -90 .. 160 C every 10 K: one Gaussian line, rigid FWHM
 *      5.0 kHz (with a 300 Hz inhomogeneous residual), Ea 0.64 eV, tau0 set
 *      so that narrowing sets in (10% of the drop) at 120 C = 393.15 K;
 *    - MIL-121/Li+SE, -80 .. 60 C: the same broad line for 75% of the ions
 *      plus 25% in liquid PC whose motion switches on near its melting:
 *      a narrow line on top of the broad one from -40 C = 233.15 K on (its
 *      steep Ea of 1.0 eV stands in for the melting).
 *    Each spectrum: the simulated line (unit area, scaled so that the rigid
 *    line peaks at 1) plus white noise of 1% of that peak.
 * 2. Analyses the file as a user would: the FWHM of every spectrum with its
 *    uncertainty (srx_narrowing_measure_fwhm), a Kubo-Anderson fit of width
 *    versus T with automatic starts (srx_narrowing_fit: rigid width, Ea,
 *    onset, Waugh-Fedin Ea), and the onset of the +SE narrow line from its
 *    widths (srx_narrowing_onset_k).
 * 3. Writes OUTDIR/fig5-spectra.csv, fig5-spectra-se.csv (a few spectra,
 *    normalised to their maximum), fig5-widths.csv, fig5-fit.csv and
 *    OUTDIR/summary-fig5.csv; examples/fig5.gp draws OUTDIR/fig5.png. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spinrelax.h>

#define NPTS 2048        /* points per spectrum */
#define SPAN_HZ 80e3     /* -40 .. +40 kHz */
#define LARMOR_HZ 116.59e6
#define NOISE 0.01       /* noise rms relative to the rigid line's peak */
#define MAXSPEC 64

/* Deterministic Gaussian noise (xorshift64* and Box-Muller): the example
 * needs nothing beyond the C library. */
static double uniform01(unsigned long long *s)
{
    *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
    return ((*s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}
static double gauss(unsigned long long *s)
{
    double u = uniform01(s), v = uniform01(s);
    return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

/* Width of the model line at T (1 K: rigid; 1e5 K: fully narrowed). */
static double width_at(srx_narrowing *nw, const srx_narrowing_line *line, double t_k)
{
    double w = NAN;
    srx_narrowing_line_fwhm_at_t(nw, line, t_k, &w, NULL);
    return w;
}

/* Choose tau0 of component c so that the model width has dropped by 10% of
 * the way from width(t_lo) to width(t_hi) exactly at t_onset (the onset
 * convention of srx_narrowing_onset_k), by bisection in ln tau0. */
static void set_onset(srx_narrowing *nw, srx_narrowing_line *line, int c, double t_lo,
                      double t_onset, double t_hi)
{
    double lo = log(1e-40), hi = log(1e-3);
    for (int k = 0; k < 60; k++) {
        line->component[c].tau0_s = exp(0.5 * (lo + hi));
        double w_r = width_at(nw, line, t_lo), w_n = width_at(nw, line, t_hi);
        if (width_at(nw, line, t_onset) > w_r - SRX_NARROWING_ONSET_FRACTION * (w_r - w_n))
            hi = log(line->component[c].tau0_s); /* not narrowed enough: faster motion */
        else
            lo = log(line->component[c].tau0_s);
    }
}

static int simulate(const char *path)
{
    srx_narrowing *nw;
    srx_narrowing_line li, se;
    srx_h5file *f;
    srx_diag d;
    unsigned long long rng = 20210416;
    double freq[NPTS], y[NPTS], w_g = sqrt(5000.0 * 5000.0 - 300.0 * 300.0);
    if (srx_narrowing_alloc(0, &nw, &d) != SRX_OK)
        return fprintf(stderr, "fig5: %s\n", d.message), 1;
    srx_narrowing_line_init(&li);             /* MIL-121/Li: one component */
    li.component[0] = (srx_narrowing_component){1.0, srx_narrowing_m2_from_rigid_fwhm(w_g), 0.64, 1.0};
    li.residual_fwhm_hz = 300.0;              /* rigid: sqrt(w_g^2 + 300^2) = 5.0 kHz */
    set_onset(nw, &li, 0, 1.0, 393.15, 1e5);
    se = li;                                  /* MIL-121/Li+SE: + ions in liquid PC */
    se.n_components = 2;
    se.component[0].fraction = 0.75;
    se.component[1] = (srx_narrowing_component){0.25, li.component[0].m2_rad2_per_s2, 1.0, 1.0};
    set_onset(nw, &se, 1, 193.15, 233.15, 333.15);
    for (int i = 0; i < NPTS; i++)
        freq[i] = -0.5 * SPAN_HZ + i * SPAN_HZ / NPTS;
    remove(path);
    if (srx_h5_open(path, SRX_H5_CREATE, &f, &d) != SRX_OK)
        return fprintf(stderr, "fig5: %s\n", d.message), 1;
    double scale = 5000.0 / sqrt(4.0 * log(2.0) / M_PI); /* 1 / peak of the rigid line */
    int status = SRX_OK;
    for (int s = 0; s < 2 && status == SRX_OK; s++) {
        const srx_narrowing_line *line = s == 0 ? &li : &se;
        double t0 = s == 0 ? 183.15 : 193.15, t1 = s == 0 ? 433.15 : 333.15;
        for (double t = t0; t < t1 + 1.0 && status == SRX_OK; t += 10.0) {
            srx_h5_spectrum sp = {.nucleus = "7Li", .larmor_hz = LARMOR_HZ, .temperature_k = t,
                                  .n = NPTS, .frequency_hz = freq, .intensity = y};
            snprintf(sp.name, sizeof sp.name, "%s-%.0fK", s == 0 ? "li" : "lise", t);
            status = srx_narrowing_line_spectrum_at_t(nw, line, t, NPTS, freq, y, NULL, &d);
            for (int i = 0; i < NPTS; i++)
                y[i] = y[i] * scale + NOISE * gauss(&rng);
            if (status == SRX_OK)
                status = srx_h5_write_spectrum(f, &sp, 1, &d);
        }
    }
    if (status == SRX_OK)
        status = srx_h5_commit(f, &d);
    if (status != SRX_OK)
        fprintf(stderr, "fig5: writing %s: %s\n", path, d.message);
    srx_h5_close(f);
    srx_narrowing_free(nw);
    return status != SRX_OK;
}

/* One summary row: to the CSV file and to the terminal. */
static void row(FILE *f, const char *quantity, double paper, double got, double err)
{
    fprintf(f, "5,%s,%.6g,%.6g,%.3g\n", quantity, paper, got, err);
    printf("%-38s %10.4g %10.4g +- %-9.3g\n", quantity, paper, got, err);
}

/* Write the spectra named in names[] side by side (kHz, normalised to their maximum). */
static void write_spectra(const char *dir, const char *file, const srx_h5_contents *c,
                          const char *const *names, int n)
{
    const srx_h5_spectrum *sp[8];
    char path[4096];
    int m = 0;
    for (int k = 0; k < n; k++)
        for (size_t i = 0; i < c->n_spectra; i++)
            if (strcmp(c->spectra[i].name, names[k]) == 0)
                sp[m++] = &c->spectra[i];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "w");
    if (!f || m == 0)
        return;
    fprintf(f, "frequency_khz");
    double top[8];
    for (int k = 0; k < m; k++) {
        fprintf(f, ",%.0f C", sp[k]->temperature_k - 273.15);
        top[k] = 0.0;
        for (size_t i = 0; i < sp[k]->n; i++)
            top[k] = fmax(top[k], sp[k]->intensity[i]);
    }
    for (size_t i = 0; i < sp[0]->n; i++) {
        fprintf(f, "\n%.5g", sp[0]->frequency_hz[i] / 1e3);
        for (int k = 0; k < m; k++)
            fprintf(f, ",%.5g", sp[k]->intensity[i] / top[k]);
    }
    fprintf(f, "\n");
    fclose(f);
}

static int analyse(const char *dir, const char *path)
{
    srx_h5_contents *c;
    srx_narrowing *nw;
    srx_narrowing_fit_result kubo;
    srx_diag d;
    double t[2][MAXSPEC], w[2][MAXSPEC], e[2][MAXSPEC];
    size_t n[2] = {0, 0};
    char file[4096];
    if (srx_h5_load(path, 60.0, &c, &d) != SRX_OK || srx_narrowing_alloc(0, &nw, &d) != SRX_OK)
        return fprintf(stderr, "fig5: %s\n", d.message), 1;
    /* 1. the FWHM of every spectrum, sorted by sample and temperature */
    for (size_t i = 0; i < c->n_spectra; i++) {
        const srx_h5_spectrum *sp = &c->spectra[i];
        srx_narrowing_width width;
        int s = strncmp(sp->name, "lise-", 5) == 0; /* 0: MIL-121/Li, 1: MIL-121/Li+SE */
        if (c->spectra_status[i] != SRX_OK || n[s] == MAXSPEC ||
            srx_narrowing_measure_fwhm(sp->n, sp->frequency_hz, sp->intensity, &width, &d) != SRX_OK) {
            fprintf(stderr, "fig5: skipping %s\n", sp->name);
            continue;
        }
        size_t k = n[s]++;
        for (; k > 0 && t[s][k - 1] > sp->temperature_k; k--) /* insertion sort by T */
            t[s][k] = t[s][k - 1], w[s][k] = w[s][k - 1], e[s][k] = e[s][k - 1];
        t[s][k] = sp->temperature_k, w[s][k] = width.fwhm_hz, e[s][k] = width.fwhm_err_hz;
    }
    /* 2. width versus T of MIL-121/Li: Kubo-Anderson fit, automatic starts */
    int status = srx_narrowing_fit(nw, n[0], t[0], w[0], e[0], NULL, &kubo, &d);
    if (status != SRX_OK) {
        fprintf(stderr, "fig5: Kubo fit: %s\n", d.message);
        return 1;
    }
    /* 3. MIL-121/Li+SE: where the narrow line appears (same 10% convention,
     *    between its lowest- and highest-temperature widths) */
    double onset_se = NAN;
    if (srx_narrowing_onset_k(n[1], t[1], w[1], NAN, NAN, SRX_NARROWING_ONSET_FRACTION, &onset_se,
                              &d) != SRX_OK)
        fprintf(stderr, "fig5: +SE onset: %s\n", d.message);

    /* the data behind the plot */
    snprintf(file, sizeof file, "%s/fig5-widths.csv", dir);
    FILE *f = fopen(file, "w");
    if (f) {
        fprintf(f, "sample,temperature_k,temperature_c,fwhm_khz,fwhm_err_khz\n");
        for (int s = 0; s < 2; s++)
            for (size_t i = 0; i < n[s]; i++)
                fprintf(f, "%s,%.2f,%.2f,%.5g,%.3g\n", s ? "Li+SE" : "Li", t[s][i],
                        t[s][i] - 273.15, w[s][i] / 1e3, e[s][i] / 1e3);
        fclose(f);
    }
    snprintf(file, sizeof file, "%s/fig5-fit.csv", dir);
    if ((f = fopen(file, "w"))) {
        fprintf(f, "temperature_k,temperature_c,kubo_fwhm_khz\n");
        for (double tk = 173.15; tk <= 443.16; tk += 2.0) {
            double wk;
            if (srx_narrowing_fit_eval(nw, &kubo, tk, &wk, NULL) == SRX_OK)
                fprintf(f, "%.2f,%.2f,%.5g\n", tk, tk - 273.15, wk / 1e3);
        }
        fclose(f);
    }
    static const char *const li_names[] = {"li-183K", "li-293K", "li-373K", "li-403K", "li-433K"};
    static const char *const se_names[] = {"lise-203K", "lise-233K", "lise-253K", "lise-303K"};
    write_spectra(dir, "fig5-spectra.csv", c, li_names, 5);
    write_spectra(dir, "fig5-spectra-se.csv", c, se_names, 4);

    /* summary: paper value, recovered value, standard uncertainty */
    snprintf(file, sizeof file, "%s/summary-fig5.csv", dir);
    if (!(f = fopen(file, "w")))
        return fprintf(stderr, "fig5: cannot write %s\n", file), 1;
    fprintf(f, "figure,quantity,paper,recovered,uncertainty\n");
    printf("Figure 5: %zu + %zu spectra; Kubo fit chi2/dof = %.2f\n", n[0], n[1], kubo.reduced_chi2);
    printf("%-38s %10s %10s    %s\n", "quantity", "paper", "recovered", "uncertainty");
    row(f, "rigid-lattice FWHM (kHz)", 5.0, kubo.rigid_fwhm_hz / 1e3, kubo.rigid_fwhm_err_hz / 1e3);
    row(f, "narrowing onset (K)", 393.15, kubo.onset_k, kubo.onset_err_k);
    row(f, "Waugh-Fedin Ea (eV)", 0.64, kubo.waugh_fedin_ea_ev,
        SRX_NARROWING_WAUGH_FEDIN_EV_PER_K * kubo.onset_err_k);
    row(f, "Kubo-Anderson fit Ea (eV)", 0.64, kubo.ea_ev, kubo.ea_err_ev);
    /* the onset is interpolated between spectra 10 K apart: +-5 K resolution */
    row(f, "+SE narrow line appears (K)", 233.15, onset_se, 5.0);
    fclose(f);
    srx_narrowing_free(nw);
    srx_h5_contents_free(c);
    return 0;
}

int main(int argc, char **argv)
{
    char path[4096];
    if (argc != 2) {
        fprintf(stderr, "usage: fig5 OUTDIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/fig5.h5", argv[1]);
    if (simulate(path) != 0)
        return 1;
    return analyse(argv[1], path);
}
