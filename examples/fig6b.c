/* fig6b: 7Li 1/T1 and 1/T1rho of MIL-121/Li+SE (Zettl et al., Adv. Energy
 * Mater. 11 (2021) 2003542, Figure 6b), from raw transients to Ea.
 *
 *   fig6b OUTDIR
 *
 * 1. Synthetic data (the paper's raw data are not published), two
 *    asymmetric processes plus power-law backgrounds:
 *    - Li+ hopping in the soaked framework: beta = 1.2, low-T flank
 *      (beta - 1) Ea = 0.20 eV, T1rho maximum at 560 K (none below 500 K),
 *      K = (2/3) M2 of the rigid-lattice line (Gaussian, 5.0 kHz, Fig. 5);
 *      beta near 1 keeps 1/T1rho of this flank low enough for the liquid
 *      peak to dominate 1/T1rho just above the melting point;
 *    - Li+ in liquid PC: Ea = 0.60 eV (high-T flank of the T1rho peak),
 *      beta = 1.4667 (low-T flank 0.28 eV), tau0 set so that the T1 maximum
 *      of the total rate lies at 253 K; small K, so the T1 maximum is shallow.
 *    PC melts at 203 K: below it both diffusive terms are frozen out and
 *    only the background remains (a step in the data, not part of the rate
 *    model), so 1/T1rho drops by almost three decades while 1/T1 hardly
 *    changes.  Saturation recovery and spin lock (20 kHz) at 116.59 MHz,
 *    every 5 K from 173 to 283 K and every 10 K up to 453 K, 20 delays
 *    from 0.03/R to 6/R, noise 1 % of M0 (sigma stored): OUTDIR/fig6b.h5.
 * 2. Analysis as a user would do it: srx_h5_load, exponential transient
 *    fits; the rate model only applies where PC is liquid, so the fits use
 *    T > 203 K: the low-T flanks of regime II (T >= 280 K, as in the paper)
 *    with the automatic range; then a global fit in two steps: regime II
 *    alone (one asymmetric process, K fixed from the line width, automatic
 *    starts), then all rates above 203 K with a second process for the
 *    liquid, whose starts come from the data (T1 maximum, fall of T1rho
 *    above the melting point, low-T flank of the T1 maximum).
 * 3. OUTDIR/fig6b.csv, fig6b_fit.csv, summary-fig6b.csv. */
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
    fprintf(stderr, "fig6b: %s: %s\n", what, d ? d->message : "");
    return 1;
}

/* K of Li+ hopping from the rigid-lattice 7Li line (seed Figure 5: Gaussian,
 * FWHM 5.0 kHz): M2 = (2 pi FWHM / sqrt(8 ln 2))^2, K = (2/3) M2.  This is
 * independent information: with flank-only data K and tau0 are degenerate. */
static int rigid_lattice_coupling(double *k, srx_diag *d)
{
    double sd = TWO_PI * 5.0e3 / sqrt(8.0 * log(2.0));
    return srx_rates_coupling_from_m2(sd * sd, k, d);
}

static int make_data(const char *path)
{
    srx_h5file *f;
    srx_diag d;
    unsigned long long seed = 20210601ULL;
    const double beta = 1.2, ea = 0.20 / (beta - 1.0), ea_liq = 0.60;
    double lo = -60.0, hi = -40.0, ks;
    srx_rate_model m, frozen;

    srx_rate_model_init(&m);
    m.n_processes = 2;
    if (rigid_lattice_coupling(&ks, &d))
        return die("coupling", &d);
    m.process[0] = (srx_process){SRX_SPECTRAL_ASYMMETRIC, ea,
                                 0.5661 / (TWO_PI * NU1) * exp(-ea / (SRX_KB_EV_PER_K * 560.0)),
                                 beta, ks};
    m.process[1] = (srx_process){SRX_SPECTRAL_ASYMMETRIC, ea_liq, 1e-21, 1.0 + 0.28 / ea_liq, 0.075 * ks};
    m.background_r1 = (srx_background){SRX_BACKGROUND_POWERLAW, 4e-14 * ks, 1.0, 0.0};
    m.background_r1rho = (srx_background){SRX_BACKGROUND_POWERLAW, 7.5e-13 * ks, 1.0, 0.0};
    for (int i = 0; i < 60; i++) { /* ln tau0 of the liquid: T1 maximum of the total at 253 K */
        m.process[1].tau0_s = exp(0.5 * (lo + hi));
        double tm = 0.0;
        srx_rates_maximum(&m, SRX_RATE_R1, NU0, NU1, 225.0, 285.0, NULL, &tm, NULL, NULL, NULL);
        if (tm > 253.0) hi = 0.5 * (lo + hi);
        else lo = 0.5 * (lo + hi);
    }
    frozen = m; /* below the melting point of PC: background only */
    frozen.n_processes = 0;
    if (srx_h5_open(path, SRX_H5_CREATE, &f, &d) != SRX_OK)
        return die(path, &d);
    for (int k = 0; k < 80; k++) {
        int rho = k % 2, j = k / 2;
        double t = j < 23 ? 173.0 + 5.0 * j : 283.0 + 10.0 * (j - 22), rate, delay[NDELAY], signal[NDELAY], sigma[NDELAY];
        srx_h5_series s;
        if (srx_rates_eval(t < 203.0 ? &frozen : &m, rho ? SRX_RATE_R1RHO : SRX_RATE_R1, t, NU0, NU1, &rate, NULL, &d))
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
    srx_rate_kind kind[MAXN], gkind[MAXN];
    double t[MAXN], nu0[MAXN], nu1[MAXN], r[MAXN], err[MAXN];
    double gt[MAXN], gnu0[MAXN], gnu1[MAXN], gr[MAXN], gerr[MAXN];
    double tk[2][MAXN], rk[2][MAXN], ek[2][MAXN];
    size_t n = 0, ng = 0, nk[2] = {0, 0};
    srx_flank_result flank[2];
    srx_peakfit_options opt;
    srx_peakfit_result *fit = malloc(sizeof *fit);
    const char *name[2] = {"T1", "T1rho"};
    const double t_melt = 203.0, t_regime2 = 280.0; /* K, from the paper */
    const double t_hop = 313.0; /* K: above the minimum of 1/T1, free of the liquid peak */
    FILE *out;

    if (argc != 2) {
        fprintf(stderr, "usage: fig6b OUTDIR\n");
        return 1;
    }
    /* 1. the synthetic data set */
    snprintf(path, sizeof path, "%s/fig6b.h5", argv[1]);
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
            fprintf(stderr, "fig6b: %s skipped: %s\n", s->name, d.message);
            continue;
        }
        kind[n] = e == SRX_EXPERIMENT_SPIN_LOCK ? SRX_RATE_R1RHO : SRX_RATE_R1;
        t[n] = s->temperature_k, nu0[n] = s->larmor_hz, nu1[n] = s->spinlock_hz;
        r[n] = res.rate_per_s, err[n] = res.rate_err_per_s;
        if (t[n] >= t_melt) { /* the rate model holds only where PC is liquid */
            gkind[ng] = kind[n], gt[ng] = t[n], gnu0[ng] = nu0[n], gnu1[ng] = nu1[n];
            gr[ng] = r[n], gerr[ng++] = err[n];
        }
        if (t[n] >= t_regime2) { /* regime II: the flanks of Li+ hopping */
            tk[kind[n]][nk[kind[n]]] = t[n], rk[kind[n]][nk[kind[n]]] = r[n];
            ek[kind[n]][nk[kind[n]]++] = err[n];
        }
        n++;
    }
    srx_transient_fitter_free(fitter);
    srx_h5_contents_free(c);

    /* 2b. the straight low-T flank of each experiment in regime II (automatic range) */
    for (int k = 0; k < 2; k++)
        if (srx_arrhenius_find_flank(nk[k], tk[k], rk[k], ek[k], SRX_FLANK_LOW_T, &flank[k], &d))
            return die("flank", &d);

    /* 2c. global fit above the melting point in two steps, every start
     * from the data: (i) regime II alone, one asymmetric process (Li+
     * hopping) + power-law backgrounds, K fixed from the rigid-lattice line
     * width (flank-only data cannot separate K and tau0); (ii) all rates
     * above 203 K with a second asymmetric process for Li+ in liquid PC,
     * started automatically from the T1 maximum while the hopping process
     * starts from step (i). */
    double k_hop;
    if (rigid_lattice_coupling(&k_hop, &d))
        return die("coupling", &d);
    {
        srx_rate_kind hk[MAXN];
        double ht[MAXN], hnu0[MAXN], hnu1[MAXN], hr[MAXN], he[MAXN];
        size_t nh = 0;
        for (size_t i = 0; i < ng; i++)
            if (gt[i] >= t_hop)
                hk[nh] = gkind[i], ht[nh] = gt[i], hnu0[nh] = gnu0[i], hnu1[nh] = gnu1[i],
                hr[nh] = gr[i], he[nh++] = gerr[i];
        srx_rate_data hop = {nh, hk, ht, hnu0, hnu1, hr, he};
        srx_peakfit_options_init(&opt);
        opt.constraint[SRX_RATES_P_COUPLING(0)].fixed = 1;
        opt.constraint[SRX_RATES_P_COUPLING(0)].value = k_hop;
        if (srx_arrhenius_fit_peak(&hop, &opt, fit, &d) != SRX_OK)
            return die("regime II fit", &d);
    }
    srx_process hop0 = fit->model.process[0];
    srx_rate_data data = {ng, gkind, gt, gnu0, gnu1, gr, gerr};
    srx_peakfit_options_init(&opt);
    opt.n_processes = 2;
    opt.constraint[SRX_RATES_P_COUPLING(1)] = (srx_peakfit_constraint){1, 0, k_hop, 0, 0, 0, 0};
    opt.constraint[SRX_RATES_P_EA(1)] = (srx_peakfit_constraint){0, 1, hop0.ea_ev, 0, 0, 0, 0};
    opt.constraint[SRX_RATES_P_TAU0(1)] = (srx_peakfit_constraint){0, 1, hop0.tau0_s, 0, 0, 0, 0};
    opt.constraint[SRX_RATES_P_SHAPE(1)] = (srx_peakfit_constraint){0, 1, hop0.shape, 0, 0, 0, 0};
    /* starts of the liquid process from its own features: Ea from the
     * steepest fall of T1rho just above the melting point, the shape from
     * the low-T flank of the T1 maximum, tau0 from omega0 tau = 1 there */
    {
        srx_flank_result hi_t, lo_t;
        double lt[MAXN], lr[MAXN], le[MAXN], st[MAXN], sr[MAXN], se[MAXN], t1max = 0, r1max = 0;
        size_t nl = 0, ns = 0;
        for (size_t i = 0; i < ng; i++) {
            if (gkind[i] == SRX_RATE_R1RHO && gt[i] <= t_melt + 10.0)
                lt[nl] = gt[i], lr[nl] = gr[i], le[nl++] = gerr[i];
            if (gkind[i] == SRX_RATE_R1 && gt[i] < t_regime2) {
                st[ns] = gt[i], sr[ns] = gr[i], se[ns++] = gerr[i];
                if (gr[i] > r1max) r1max = gr[i], t1max = gt[i];
            }
        }
        if (srx_arrhenius_fit_flank(nl, lt, lr, le, 0.0, INFINITY, SRX_FLANK_HIGH_T, &hi_t, &d) ||
            srx_arrhenius_find_flank(ns, st, sr, se, SRX_FLANK_LOW_T, &lo_t, &d))
            return die("liquid starts", &d);
        double ea0 = hi_t.ea_ev, shape0 = fmin(1.95, fmax(1.05, 1.0 + lo_t.ea_ev / ea0));
        opt.constraint[SRX_RATES_P_EA(0)] = (srx_peakfit_constraint){0, 1, ea0, 0, 0, 0, 0};
        opt.constraint[SRX_RATES_P_SHAPE(0)] = (srx_peakfit_constraint){0, 1, shape0, 0, 0, 0, 0};
        opt.constraint[SRX_RATES_P_TAU0(0)] = (srx_peakfit_constraint){
            0, 1, exp(-ea0 / (SRX_KB_EV_PER_K * t1max)) / (TWO_PI * NU0), 0, 0, 0, 0};
    }
    if (srx_arrhenius_fit_peak(&data, &opt, fit, &d) != SRX_OK)
        return die("peak fit", &d);
    /* the liquid process is the faster one at 253 K (shorter tau) */
    int liq = fit->model.process[0].tau0_s * exp(fit->model.process[0].ea_ev / (SRX_KB_EV_PER_K * 253.0)) <
                      fit->model.process[1].tau0_s * exp(fit->model.process[1].ea_ev / (SRX_KB_EV_PER_K * 253.0))
                  ? 0 : 1;
    double tmax, tmax_err; /* the fitted curve's maximum, u from the fit's covariance */
    if (srx_rates_maximum(&fit->model, SRX_RATE_R1, NU0, NU1, 215.0, 290.0, fit->covariance,
                          &tmax, &tmax_err, NULL, &d) != SRX_OK)
        return die("rate maximum", &d);

    /* 3. plot data, fitted curves, summary */
    snprintf(path, sizeof path, "%s/fig6b.csv", argv[1]);
    if (!(out = fopen(path, "w")))
        return die(path, NULL);
    fprintf(out, "experiment,temperature_k,inv_t_1000_per_k,rate_per_s,rate_err_per_s\n");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s,%g,%.6f,%.6g,%.3g\n", name[kind[i]], t[i], 1000.0 / t[i], r[i], err[i]);
    fclose(out);
    snprintf(path, sizeof path, "%s/fig6b_fit.csv", argv[1]);
    if (!(out = fopen(path, "w")))
        return die(path, NULL);
    fprintf(out, "temperature_k,inv_t_1000_per_k,model_r1_per_s,model_r1rho_per_s,"
                 "flank_r1_per_s,flank_r1rho_per_s\n");
    for (double tt = t_melt; tt <= 480.0; tt += 1.0) {
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
        {"Ea low-T flank T1 (eV)", 0.20, flank[0].ea_ev, flank[0].ea_err_ev},
        {"Ea low-T flank T1rho (eV)", 0.20, flank[1].ea_ev, flank[1].ea_err_ev},
        {"Ea liquid PC T1 peak low-T flank (eV)", 0.28, fit->process[liq].flank_low_ea_ev,
         fit->process[liq].flank_low_ea_err_ev},
        {"T1 maximum liquid PC (K)", 253.0, tmax, tmax_err},
        {"Ea high-T flank T1rho liquid peak (eV)", 0.6, fit->process[liq].ea_ev,
         fit->process[liq].ea_err_ev},
        {"Ea low-T flank Li+ hopping global fit (eV)", 0.20, fit->process[1 - liq].flank_low_ea_ev,
         fit->process[1 - liq].flank_low_ea_err_ev},
    };
    snprintf(path, sizeof path, "%s/summary-fig6b.csv", argv[1]);
    if (!(out = fopen(path, "w")))
        return die(path, NULL);
    fprintf(out, "figure,quantity,paper,recovered,uncertainty\n");
    printf("%-40s %8s %10s %8s\n", "fig6b quantity", "paper", "recovered", "+-");
    for (size_t i = 0; i < sizeof row / sizeof row[0]; i++) {
        fprintf(out, "6b,%s,%g,%.4g,%.2g\n", row[i].q, row[i].paper, row[i].rec, row[i].unc);
        printf("%-40s %8g %10.4g %8.2g\n", row[i].q, row[i].paper, row[i].rec, row[i].unc);
    }
    fclose(out);
    printf("flank ranges: T1 %g-%g K, T1rho %g-%g K; global fit of %d rates above %g K, "
           "reduced chi2 %.2f\n", flank[0].tmin_k, flank[0].tmax_k, flank[1].tmin_k, flank[1].tmax_k,
           fit->n_points, t_melt, fit->reduced_chi2);
    free(fit);
    return 0;
}
