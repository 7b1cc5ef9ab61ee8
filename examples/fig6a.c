/* fig6a: 7Li 1/T1 and 1/T1rho of MIL-121/Li (Zettl et al., Adv. Energy
 * Mater. 11 (2021) 2003542, Figure 6a), from raw transients to Ea.
 *
 *   fig6a OUTDIR
 *
 * 1. Synthetic data (the paper's raw data are not published): one
 *    asymmetric diffusion process (Kuechler et al.), beta = 1.8, so that the
 *    low-T flanks of T1 and T1rho are parallel with (beta - 1) Ea = 0.44 eV
 *    (high-T flank Ea = 0.55 eV); tau0 puts the T1rho maximum (omega1 tau =
 *    0.5661) at 513 K; K = 5e9 s^-2; power-law backgrounds (1/T1: A T,
 *    1/T1rho: A T^2) that win below ~330 K (T1rho) and ~400 K (T1: its
 *    diffusive part is (omega0/omega1)^beta-fold smaller, so its flank
 *    rises above the background only there; the truth's local slope is
 *    0.43-0.44 eV from 450 to 633 K).  Saturation recovery (T1) and spin
 *    lock (T1rho, 20 kHz) at 116.59 MHz every 10 K from 213 to 633 K (up
 *    to the paper's 350 C),
 *    20 log-spaced delays from 0.03/R to 6/R, Gaussian noise of 1 % of M0
 *    with its sigma stored: OUTDIR/fig6a.h5.
 * 2. Analysis of that file as a user would do it: srx_h5_load, one
 *    exponential fit per transient, the straight low-T flank of each
 *    experiment found automatically, and one global asymmetric-peak fit
 *    (automatic starting values, power-law backgrounds).
 * 3. OUTDIR/fig6a.csv (rates), fig6a_fit.csv (fitted curves), summary-fig6a.csv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spinrelax.h>

#define NU0 116.59e6 /* 7Li Larmor frequency at 7.0 T, Hz */
#define NU1 20e3     /* locking frequency, Hz */
#define TWO_PI 6.283185307179586
#define NDELAY 20
#define MAXN 128

static double gauss(unsigned long long *s) /* Box-Muller on a 64-bit LCG: deterministic noise */
{
    double u1, u2;
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    u1 = ((*s >> 11) + 0.5) / 9007199254740992.0;
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    u2 = ((*s >> 11) + 0.5) / 9007199254740992.0;
    return sqrt(-2.0 * log(u1)) * cos(TWO_PI * u2);
}

static int die(const char *what, const srx_diag *d)
{
    fprintf(stderr, "fig6a: %s: %s\n", what, d ? d->message : "");
    return 1;
}

static int make_data(const char *path)
{
    srx_rate_model m;
    srx_h5file *f;
    srx_diag d;
    unsigned long long seed = 20210601ULL;
    const double beta = 1.8, ea = 0.44 / (beta - 1.0);

    srx_rate_model_init(&m);
    m.n_processes = 1;
    m.process[0] = (srx_process){SRX_SPECTRAL_ASYMMETRIC, ea,
                                 0.5661 / (TWO_PI * NU1) * exp(-ea / (SRX_KB_EV_PER_K * 513.0)),
                                 beta, 5e9};
    m.background_r1 = (srx_background){SRX_BACKGROUND_POWERLAW, 4e-7, 1.0, 0.0};
    m.background_r1rho = (srx_background){SRX_BACKGROUND_POWERLAW, 1e-4, 2.0, 0.0};
    if (srx_h5_open(path, SRX_H5_CREATE, &f, &d) != SRX_OK)
        return die(path, &d);
    for (int k = 0; k < 86; k++) {
        int rho = k % 2;
        double t = 213.0 + 10.0 * (k / 2), rate, delay[NDELAY], signal[NDELAY], sigma[NDELAY];
        srx_h5_series s;
        if (srx_rates_eval(&m, rho ? SRX_RATE_R1RHO : SRX_RATE_R1, t, NU0, NU1, &rate, NULL, &d))
            return die("truth", &d);
        for (int i = 0; i < NDELAY; i++) {
            double e;
            delay[i] = 0.03 / rate * pow(200.0, i / (NDELAY - 1.0));
            e = exp(-rate * delay[i]);
            sigma[i] = 0.01; /* 1 % of M0 = 1 */
            signal[i] = (rho ? e : 1.0 - e) + sigma[i] * gauss(&seed);
        }
        srx_h5_series_init(&s);
        snprintf(s.name, sizeof s.name, "%s_%03.0fK", rho ? "T1rho" : "T1", t);
        strcpy(s.experiment, rho ? "spin_lock" : "saturation_recovery");
        strcpy(s.nucleus, "7Li");
        s.larmor_hz = NU0, s.temperature_k = t, s.spinlock_hz = rho ? NU1 : 0.0;
        s.n = NDELAY, s.delay_s = delay, s.signal = signal, s.sigma = sigma;
        if (srx_h5_write_series(f, &s, 0, &d) != SRX_OK)
            return die("write", &d);
    }
    if (srx_h5_commit(f, &d) != SRX_OK)
        return die("commit", &d);
    srx_h5_close(f);
    return 0;
}

int main(int argc, char **argv)
{
    char path[4096];
    srx_h5_contents *c;
    srx_diag d;
    srx_transient_fitter *fitter;
    srx_transient_options topt;
    srx_rate_kind kind[MAXN];
    double t[MAXN], nu0[MAXN], nu1[MAXN], r[MAXN], err[MAXN];
    double tk[2][MAXN], rk[2][MAXN], ek[2][MAXN];
    size_t n = 0, nk[2] = {0, 0};
    srx_flank_result flank[2];
    srx_peakfit_options opt;
    srx_peakfit_result *fit = malloc(sizeof *fit);
    const char *name[2] = {"T1", "T1rho"};
    FILE *out;

    if (argc != 2) {
        fprintf(stderr, "usage: fig6a OUTDIR\n");
        return 1;
    }
    /* 1. the synthetic data set */
    snprintf(path, sizeof path, "%s/fig6a.h5", argv[1]);
    remove(path);
    if (make_data(path))
        return 1;

    /* 2a. transients -> rates */
    if (srx_h5_load(path, 60.0, &c, &d) != SRX_OK)
        return die(path, &d);
    srx_transient_options_init(&topt);
    topt.shape = SRX_TRANSIENT_EXPONENTIAL;
    if (srx_transient_fitter_alloc(&fitter, 256, &d) != SRX_OK)
        return die("fitter", &d);
    for (size_t i = 0; i < c->n_series && n < MAXN; i++) {
        const srx_h5_series *s = &c->series[i];
        srx_experiment e;
        srx_transient_result res;
        if (c->series_status[i] != SRX_OK || srx_transient_experiment_parse(s->experiment, &e, &d) ||
            srx_transient_fitter_run(fitter, s->delay_s, s->signal, s->sigma, s->n, e, &topt, &res,
                                     &d) != SRX_OK) {
            fprintf(stderr, "fig6a: %s skipped: %s\n", s->name, d.message);
            continue;
        }
        kind[n] = e == SRX_EXPERIMENT_SPIN_LOCK ? SRX_RATE_R1RHO : SRX_RATE_R1;
        t[n] = s->temperature_k, nu0[n] = s->larmor_hz, nu1[n] = s->spinlock_hz;
        r[n] = res.rate_per_s, err[n] = res.rate_err_per_s;
        tk[kind[n]][nk[kind[n]]] = t[n], rk[kind[n]][nk[kind[n]]] = r[n];
        ek[kind[n]][nk[kind[n]]++] = err[n];
        n++;
    }
    srx_transient_fitter_free(fitter);
    srx_h5_contents_free(c);

    /* 2b. the straight low-T flank of each experiment (automatic range) */
    for (int k = 0; k < 2; k++)
        if (srx_arrhenius_find_flank(nk[k], tk[k], rk[k], ek[k], SRX_FLANK_LOW_T, &flank[k], &d))
            return die("flank", &d);

    /* 2c. global fit: one asymmetric process + power-law backgrounds */
    srx_rate_data data = {n, kind, t, nu0, nu1, r, err};
    srx_peakfit_options_init(&opt);
    if (srx_arrhenius_fit_peak(&data, &opt, fit, &d) != SRX_OK)
        return die("peak fit", &d);
    double tmax, tmax_err; /* the fitted curve's maximum, u from the fit's covariance */
    if (srx_rates_maximum(&fit->model, SRX_RATE_R1RHO, NU0, NU1, 300.0, 700.0, fit->covariance,
                          &tmax, &tmax_err, NULL, &d) != SRX_OK)
        return die("rate maximum", &d);

    /* 3. plot data, fitted curves, summary */
    snprintf(path, sizeof path, "%s/fig6a.csv", argv[1]);
    if (!(out = fopen(path, "w")))
        return die(path, NULL);
    fprintf(out, "experiment,temperature_k,inv_t_1000_per_k,rate_per_s,rate_err_per_s\n");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s,%g,%.6f,%.6g,%.3g\n", name[kind[i]], t[i], 1000.0 / t[i], r[i], err[i]);
    fclose(out);
    snprintf(path, sizeof path, "%s/fig6a_fit.csv", argv[1]);
    if (!(out = fopen(path, "w")))
        return die(path, NULL);
    fprintf(out, "temperature_k,inv_t_1000_per_k,model_r1_per_s,model_r1rho_per_s,"
                 "flank_r1_per_s,flank_r1rho_per_s\n");
    for (double tt = 200.0; tt <= 700.0; tt += 2.5) {
        double m1, m2, fl[2];
        srx_rates_eval(&fit->model, SRX_RATE_R1, tt, NU0, NU1, &m1, NULL, NULL);
        srx_rates_eval(&fit->model, SRX_RATE_R1RHO, tt, NU0, NU1, &m2, NULL, NULL);
        for (int k = 0; k < 2; k++) /* flank lines, drawn a little beyond their range */
            fl[k] = tt >= flank[k].tmin_k - 20 && tt <= flank[k].tmax_k + 20
                        ? exp(flank[k].ln_prefactor - flank[k].ea_ev / (SRX_KB_EV_PER_K * tt))
                        : NAN;
        fprintf(out, "%g,%.6f,%.6g,%.6g,%.6g,%.6g\n", tt, 1000.0 / tt, m1, m2, fl[0], fl[1]);
    }
    fclose(out);
    struct { const char *q; double paper, rec, unc; } row[] = {
        {"Ea low-T flank T1 (eV)", 0.44, flank[0].ea_ev, flank[0].ea_err_ev},
        {"Ea low-T flank T1rho (eV)", 0.44, flank[1].ea_ev, flank[1].ea_err_ev},
        {"Ea low-T flank global fit (eV)", 0.44, fit->process[0].flank_low_ea_ev,
         fit->process[0].flank_low_ea_err_ev},
        {"T1rho maximum (K)", 513.0, tmax, tmax_err},
    };
    snprintf(path, sizeof path, "%s/summary-fig6a.csv", argv[1]);
    if (!(out = fopen(path, "w")))
        return die(path, NULL);
    fprintf(out, "figure,quantity,paper,recovered,uncertainty\n");
    printf("%-34s %8s %10s %8s\n", "fig6a quantity", "paper", "recovered", "+-");
    for (size_t i = 0; i < sizeof row / sizeof row[0]; i++) {
        fprintf(out, "6a,%s,%g,%.4g,%.2g\n", row[i].q, row[i].paper, row[i].rec, row[i].unc);
        printf("%-34s %8g %10.4g %8.2g\n", row[i].q, row[i].paper, row[i].rec, row[i].unc);
    }
    fclose(out);
    printf("flank ranges: T1 %g-%g K, T1rho %g-%g K; global Ea (high-T) %.3f +- %.3f eV\n",
           flank[0].tmin_k, flank[0].tmax_k, flank[1].tmin_k, flank[1].tmax_k,
           fit->process[0].ea_ev, fit->process[0].ea_err_ev);
    free(fit);
    return 0;
}
