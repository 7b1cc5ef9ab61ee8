/* fig6c: 23Na 1/T1 of MIL-121/Na+SE (Zettl et al., Adv. Energy Mater. 11
 * (2021) 2003542, Figure 6c), from raw transients to Ea.
 *
 *   fig6c OUTDIR
 *
 * 1. Synthetic data (the paper's raw data are not published): Na+ motion
 *    in liquid PC as one BPP process, Ea = 0.78 eV (regime I), tau0 placing
 *    the T1 maximum (omega0 tau = 0.6158) at 260 K; K from the quadrupole
 *    coupling of 23Na, Cq = 1 MHz, eta = 0 (srx_rates_coupling_from_cq:
 *    rates far above the 7Li ones); a small power-law background A T^2.
 *    Saturation recovery at 79.35 MHz every 5 K from 213 to 343 K, 20
 *    delays from 0.03/R to 6/R, noise 1 % of M0 (sigma stored), one rate
 *    per transient (central transition in the single-rate approximation):
 *    OUTDIR/fig6c.h5.
 * 2. Analysis as a user would do it: srx_h5_load, exponential transient
 *    fits, the straight low-T flank (automatic range) and a global BPP fit
 *    with power-law background (automatic starting values).
 * 3. OUTDIR/fig6c.csv, fig6c_fit.csv, summary-fig6c.csv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spinrelax.h>

#define NU0 79.35e6  /* 23Na Larmor frequency at 7.0 T, Hz */
#define NU1 20e3     /* locking frequency, Hz (unused: T1 only) */
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
    fprintf(stderr, "fig6c: %s: %s\n", what, d ? d->message : "");
    return 1;
}

static int make_data(const char *path)
{
    srx_rate_model m;
    srx_h5file *f;
    srx_diag d;
    unsigned long long seed = 20210601ULL;
    const double ea = 0.78;
    double k;

    if (srx_rates_coupling_from_cq(1.0e6, 0.0, &k, &d) != SRX_OK)
        return die("coupling", &d);
    srx_rate_model_init(&m);
    m.n_processes = 1;
    m.process[0] = (srx_process){SRX_SPECTRAL_BPP, ea,
                                 0.6158 / (TWO_PI * NU0) * exp(-ea / (SRX_KB_EV_PER_K * 260.0)), 1.0, k};
    m.background_r1 = (srx_background){SRX_BACKGROUND_POWERLAW, 1e-5, 2.0, 0.0};
    if (srx_h5_open(path, SRX_H5_CREATE, &f, &d) != SRX_OK)
        return die(path, &d);
    for (int j = 0; j < 27; j++) {
        double t = 213.0 + 5.0 * j, rate, delay[NDELAY], signal[NDELAY], sigma[NDELAY];
        srx_h5_series s;
        if (srx_rates_r1(&m, t, NU0, &rate, &d))
            return die("truth", &d);
        for (int i = 0; i < NDELAY; i++) {
            double e;
            delay[i] = 0.03 / rate * pow(200.0, i / (NDELAY - 1.0));
            e = exp(-rate * delay[i]);
            sigma[i] = 0.01; /* 1 % of M0 = 1 */
            signal[i] = 1.0 - e + sigma[i] * gauss(&seed);
        }
        srx_h5_series_init(&s);
        snprintf(s.name, sizeof s.name, "T1_%03.0fK", t);
        strcpy(s.experiment, "saturation_recovery");
        strcpy(s.nucleus, "23Na");
        s.larmor_hz = NU0, s.temperature_k = t, s.spinlock_hz = 0.0;
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
    srx_flank_result flank[1];
    srx_peakfit_options opt;
    srx_peakfit_result *fit = malloc(sizeof *fit);
    const char *name[2] = {"T1", "T1rho"}; /* only T1 here */
    FILE *out;
    double cq;

    if (argc != 2) {
        fprintf(stderr, "usage: fig6c OUTDIR\n");
        return 1;
    }
    /* 1. the synthetic data set */
    snprintf(path, sizeof path, "%s/fig6c.h5", argv[1]);
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
            fprintf(stderr, "fig6c: %s skipped: %s\n", s->name, d.message);
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

    /* 2b. the straight low-T flank of the T1 maximum (automatic range) */
    if (srx_arrhenius_find_flank(nk[0], tk[0], rk[0], ek[0], SRX_FLANK_LOW_T, &flank[0], &d))
        return die("flank", &d);

    /* 2c. global fit: one BPP process + power-law background */
    srx_rate_data data = {n, kind, t, nu0, nu1, r, err};
    srx_peakfit_options_init(&opt);
    opt.model = SRX_SPECTRAL_BPP;
    if (srx_arrhenius_fit_peak(&data, &opt, fit, &d) != SRX_OK)
        return die("peak fit", &d);
    double tmax, tmax_err; /* the fitted curve's maximum, u from the fit's covariance */
    if (srx_rates_maximum(&fit->model, SRX_RATE_R1, NU0, NU1, 200.0, 350.0, fit->covariance,
                          &tmax, &tmax_err, NULL, &d) != SRX_OK)
        return die("rate maximum", &d);

    /* 3. plot data, fitted curves, summary */
    snprintf(path, sizeof path, "%s/fig6c.csv", argv[1]);
    if (!(out = fopen(path, "w")))
        return die(path, NULL);
    fprintf(out, "experiment,temperature_k,inv_t_1000_per_k,rate_per_s,rate_err_per_s\n");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s,%g,%.6f,%.6g,%.3g\n", name[kind[i]], t[i], 1000.0 / t[i], r[i], err[i]);
    fclose(out);
    snprintf(path, sizeof path, "%s/fig6c_fit.csv", argv[1]);
    if (!(out = fopen(path, "w")))
        return die(path, NULL);
    fprintf(out, "temperature_k,inv_t_1000_per_k,model_r1_per_s,flank_r1_per_s\n");
    for (double tt = 200.0; tt <= 360.0; tt += 1.0) {
        double m1, fl;
        srx_rates_eval(&fit->model, SRX_RATE_R1, tt, NU0, NU1, &m1, NULL, NULL);
        fl = tt >= flank[0].tmin_k - 10 && tt <= flank[0].tmax_k + 10 /* drawn a little beyond */
                 ? exp(flank[0].ln_prefactor - flank[0].ea_ev / (SRX_KB_EV_PER_K * tt))
                 : NAN;
        fprintf(out, "%g,%.6f,%.6g,%.6g\n", tt, 1000.0 / tt, m1, fl);
    }
    fclose(out);
    struct { const char *q; double paper, rec, unc; } row[] = {
        {"Ea low-T flank T1 regime I (eV)", 0.78, flank[0].ea_ev, flank[0].ea_err_ev},
        {"Ea global BPP fit (eV)", 0.78, fit->process[0].ea_ev, fit->process[0].ea_err_ev},
        {"T1 maximum (K)", 260.0, tmax, tmax_err},
    };
    snprintf(path, sizeof path, "%s/summary-fig6c.csv", argv[1]);
    if (!(out = fopen(path, "w")))
        return die(path, NULL);
    fprintf(out, "figure,quantity,paper,recovered,uncertainty\n");
    printf("%-34s %8s %10s %8s\n", "fig6c quantity", "paper", "recovered", "+-");
    for (size_t i = 0; i < sizeof row / sizeof row[0]; i++) {
        fprintf(out, "6c,%s,%g,%.4g,%.2g\n", row[i].q, row[i].paper, row[i].rec, row[i].unc);
        printf("%-34s %8g %10.4g %8.2g\n", row[i].q, row[i].paper, row[i].rec, row[i].unc);
    }
    fclose(out);
    printf("flank range %g-%g K; global fit: K = %.3g s^-2 (Cq = %.3g MHz at eta = 0), reduced chi2 %.2f\n",
           flank[0].tmin_k, flank[0].tmax_k, fit->process[0].coupling_per_s2,
           srx_rates_cq_from_coupling(fit->process[0].coupling_per_s2, 0.0, &cq, NULL) ? NAN : cq / 1e6,
           fit->reduced_chi2);
    free(fit);
    return 0;
}
