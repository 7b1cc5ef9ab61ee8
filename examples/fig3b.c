/* fig3b: DC conductivity of MIL-121/Li+SE and MIL-121/Na+SE, Arrhenius plot
 * of sigma_DC T with a kink (seed Figure 3b).
 *
 *   fig3b OUTDIR
 *
 * 1. Builds synthetic conductivity sets from the two-regime Arrhenius law
 *    (physics.md section 5: ln(sigma T) continuous and piecewise linear in
 *    1/T) and writes them to OUTDIR/fig3b.h5 (/conductivity/li_se,
 *    /conductivity/na_se), -50 .. 120 C every 10 K, 2% noise and sigma_err:
 *    - Li: Ea 1.01 eV below and 0.28 eV above 50 C, sigma(50 C) = 9.1e-5 S/cm;
 *    - Na: Ea 1.23 eV below and 0.36 eV above 10 C, anchored between the
 *      paper's sigma(30 C) = 1.2e-4 and sigma(50 C) = 2.9e-4 S/cm (with
 *      0.36 eV between them these two are 10% apart from each other, so the
 *      model takes sigma(50 C) = 2.765e-4, which gives 1.256e-4 at 30 C:
 *      both within 5% of the paper).
 * 2. Analyses the file as a user would: a kink fit of each set
 *    (srx_arrhenius_fit_kink), the Ngai n with its uncertainty
 *    (srx_transport_ngai_n_err), and sigma at 30 and 50 C from the fitted
 *    curve with its uncertainty from the fit's covariance
 *    (srx_arrhenius_conductivity_at).
 * 3. Writes OUTDIR/fig3b-data.csv, fig3b-fit.csv and summary-fig3b.csv;
 *    examples/fig3b.gp draws OUTDIR/fig3b.png. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spinrelax.h>

#define NT 18          /* -50 .. 120 C every 10 K */
#define NOISE 0.02     /* relative noise of sigma */
#define KB SRX_KB_EV_PER_K

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

/* The two-regime law: sigma in S/m at T from Ea below/above Tc and sigma T at Tc. */
static double kink_sigma(double t_k, double ea_low, double ea_high, double tc_k, double sigma_t_c)
{
    double ea = t_k < tc_k ? ea_low : ea_high;
    return sigma_t_c * exp(-ea / KB * (1.0 / t_k - 1.0 / tc_k)) / t_k;
}

/* sigma (S/m) at T on a fitted kink curve (the result gives A of the low-T regime). */
static double fitted_sigma(const srx_conductivity_result *r, double t_k)
{
    double sigma_t_c = r->prefactor_s_k_per_m * exp(-r->ea_low_ev / (KB * r->crossover_k));
    return kink_sigma(t_k, r->ea_low_ev, r->ea_high_ev, r->crossover_k, sigma_t_c);
}

static const struct sample {
    const char *name, *label;
    double ea_low, ea_high, tc_k, sigma_50c_s_per_cm; /* the model (truth) */
} samples[2] = {
    {"li_se", "Li", 1.01, 0.28, 323.15, 9.1e-5},
    {"na_se", "Na", 1.23, 0.36, 283.15, 2.765e-4},
};

static int simulate(const char *path)
{
    srx_h5file *f;
    srx_diag d;
    unsigned long long rng = 20210303;
    double t[NT], s[NT], e[NT];
    int status;
    remove(path);
    if ((status = srx_h5_open(path, SRX_H5_CREATE, &f, &d)) != SRX_OK)
        return fprintf(stderr, "fig3b: %s\n", d.message), 1;
    for (int k = 0; k < 2 && status == SRX_OK; k++) {
        const struct sample *m = &samples[k];
        /* sigma T at Tc from sigma at 50 C = 323.15 K (1 S/cm = 100 S/m) */
        double sigma_t_c = 100.0 * m->sigma_50c_s_per_cm * 323.15 /
                           (kink_sigma(323.15, m->ea_low, m->ea_high, m->tc_k, 1.0) * 323.15);
        for (int i = 0; i < NT; i++) {
            t[i] = 223.15 + 10.0 * i;
            s[i] = kink_sigma(t[i], m->ea_low, m->ea_high, m->tc_k, sigma_t_c) *
                   (1.0 + NOISE * gauss(&rng));
            e[i] = NOISE * s[i];
        }
        srx_h5_conductivity c = {.n = NT, .temperature_k = t, .sigma_dc_s_per_m = s,
                                 .sigma_err_s_per_m = e};
        snprintf(c.name, sizeof c.name, "%s", m->name);
        status = srx_h5_write_conductivity(f, &c, 1, &d);
    }
    if (status == SRX_OK)
        status = srx_h5_commit(f, &d);
    if (status != SRX_OK)
        fprintf(stderr, "fig3b: writing %s: %s\n", path, d.message);
    srx_h5_close(f);
    return status != SRX_OK;
}

static void row(FILE *f, const char *quantity, double paper, double got, double err)
{
    fprintf(f, "3b,%s,%.6g,%.6g,%.3g\n", quantity, paper, got, err);
    printf("%-36s %10.4g %10.4g +- %-9.3g\n", quantity, paper, got, err);
}

static int analyse(const char *dir, const char *path)
{
    srx_h5_contents *c;
    srx_conductivity_result r[2];
    const srx_h5_conductivity *set[2] = {NULL, NULL};
    srx_diag d;
    char file[4096];
    if (srx_h5_load(path, 60.0, &c, &d) != SRX_OK)
        return fprintf(stderr, "fig3b: %s\n", d.message), 1;
    for (size_t i = 0; i < c->n_conductivity; i++)
        for (int k = 0; k < 2; k++)
            if (c->conductivity_status[i] == SRX_OK &&
                strcmp(c->conductivity[i].name, samples[k].name) == 0)
                set[k] = &c->conductivity[i];
    for (int k = 0; k < 2; k++) /* 1. the kink fits */
        if (!set[k] || srx_arrhenius_fit_kink(set[k]->n, set[k]->temperature_k,
                                              set[k]->sigma_dc_s_per_m, set[k]->sigma_err_s_per_m,
                                              &r[k], &d) != SRX_OK) {
            fprintf(stderr, "fig3b: %s: %s\n", samples[k].name, set[k] ? d.message : "missing");
            srx_h5_contents_free(c);
            return 1;
        }
    /* 2. Ngai n = 1 - E(regime II) / E(regime I), and NMR against conductivity */
    double n[3], n_err[3];
    for (int k = 0; k < 2; k++) {
        srx_transport_ngai_n(r[k].ea_high_ev, r[k].ea_low_ev, &n[k], NULL);
        srx_transport_ngai_n_err(r[k].ea_high_ev, r[k].ea_high_err_ev, r[k].ea_low_ev,
                                 r[k].ea_low_err_ev, &n_err[k], NULL);
    }
    /* the 7Li NMR barrier of MIL-121/Li+SE, 0.20 eV, is the paper's (Figure 6b) */
    srx_transport_ngai_n(0.20, r[0].ea_high_ev, &n[2], NULL);
    srx_transport_ngai_n_err(0.20, 0.0, r[0].ea_high_ev, r[0].ea_high_err_ev, &n_err[2], NULL);

    /* the data behind the plot: log10(sigma T / (S K cm^-1)) against 1000/T */
    snprintf(file, sizeof file, "%s/fig3b-data.csv", dir);
    FILE *f = fopen(file, "w");
    if (f) {
        fprintf(f, "sample,temperature_k,inv_t_1000_per_k,log10_sigma_t_s_k_per_cm,log10_err\n");
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < set[k]->n; i++) {
                double tk = set[k]->temperature_k[i], s = set[k]->sigma_dc_s_per_m[i];
                fprintf(f, "%s,%.2f,%.5f,%.5f,%.4f\n", samples[k].label, tk, 1000.0 / tk,
                        log10(s / 100.0 * tk), set[k]->sigma_err_s_per_m[i] / s / log(10.0));
            }
        fclose(f);
    }
    snprintf(file, sizeof file, "%s/fig3b-fit.csv", dir);
    if ((f = fopen(file, "w"))) {
        fprintf(f, "temperature_k,inv_t_1000_per_k,log10_li,log10_na\n");
        for (double tk = 213.15; tk < 403.2; tk += 1.0)
            fprintf(f, "%.2f,%.5f,%.5f,%.5f\n", tk, 1000.0 / tk,
                    log10(fitted_sigma(&r[0], tk) / 100.0 * tk),
                    log10(fitted_sigma(&r[1], tk) / 100.0 * tk));
        fclose(f);
    }
    snprintf(file, sizeof file, "%s/fig3b-legend.csv", dir);
    if ((f = fopen(file, "w"))) { /* fitted values for the plot's legend */
        fprintf(f, "sample,ea_low_ev,ea_low_err_ev,ea_high_ev,ea_high_err_ev,crossover_c\n");
        for (int k = 0; k < 2; k++)
            fprintf(f, "%s,%.3f,%.3f,%.3f,%.3f,%.1f\n", samples[k].label, r[k].ea_low_ev,
                    r[k].ea_low_err_ev, r[k].ea_high_ev, r[k].ea_high_err_ev,
                    r[k].crossover_k - 273.15);
        fclose(f);
    }

    /* summary (sigma in S/cm as the paper gives it) */
    snprintf(file, sizeof file, "%s/summary-fig3b.csv", dir);
    if (!(f = fopen(file, "w")))
        return fprintf(stderr, "fig3b: cannot write %s\n", file), 1;
    fprintf(f, "figure,quantity,paper,recovered,uncertainty\n");
    printf("Figure 3b: kink fits, chi2/dof = %.2f (Li), %.2f (Na)\n", r[0].reduced_chi2,
           r[1].reduced_chi2);
    printf("%-36s %10s %10s    %s\n", "quantity", "paper", "recovered", "uncertainty");
    row(f, "Li Ea below the kink (eV)", 1.01, r[0].ea_low_ev, r[0].ea_low_err_ev);
    row(f, "Li Ea above the kink (eV)", 0.28, r[0].ea_high_ev, r[0].ea_high_err_ev);
    row(f, "Li crossover (K)", 323.15, r[0].crossover_k, r[0].crossover_err_k);
    row(f, "Na Ea below the kink (eV)", 1.23, r[1].ea_low_ev, r[1].ea_low_err_ev);
    row(f, "Na Ea above the kink (eV)", 0.36, r[1].ea_high_ev, r[1].ea_high_err_ev);
    row(f, "Na crossover (K)", 283.15, r[1].crossover_k, r[1].crossover_err_k);
    {
        const struct { const char *q; double paper; int set; double t_k; } sg[3] = {
            {"Na sigma(30 C) (S/cm)", 1.2e-4, 1, 303.15},
            {"Na sigma(50 C) (S/cm)", 2.9e-4, 1, 323.15},
            {"Li sigma(50 C) (S/cm)", 9.1e-5, 0, 323.15}};
        for (int k = 0; k < 3; k++) {
            double v, u;
            if (srx_arrhenius_conductivity_at(&r[sg[k].set], sg[k].t_k, &v, &u, &d) != SRX_OK)
                return fprintf(stderr, "fig3b: %s\n", d.message), 1;
            row(f, sg[k].q, sg[k].paper, v / 100.0, u / 100.0);
        }
    }
    row(f, "Li Ngai n", 0.72, n[0], n_err[0]);
    row(f, "Na Ngai n", 0.71, n[1], n_err[1]);
    row(f, "Li n (NMR 0.20 eV vs sigma)", 0.29, n[2], n_err[2]);
    fclose(f);
    srx_h5_contents_free(c);
    return 0;
}

int main(int argc, char **argv)
{
    char path[4096];
    if (argc != 2) {
        fprintf(stderr, "usage: fig3b OUTDIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/fig3b.h5", argv[1]);
    if (simulate(path) != 0)
        return 1;
    return analyse(argv[1], path);
}
