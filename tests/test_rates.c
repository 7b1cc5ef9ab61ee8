/* rates: 1/T1 and 1/T1rho of physics.md section 3, gradients, backgrounds,
 * conversions, invalid models, threads. */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "spinrelax.h"
#include "testlib.h"

#define TWO_PI (2.0 * 3.14159265358979323846)
#define KB 8.617333262e-5

static srx_rate_model one_process(srx_spectral_kind kind, double ea, double tau0, double shape,
                                  double k)
{
    srx_rate_model m;
    srx_rate_model_init(&m);
    m.n_processes = 1;
    m.process[0].kind = kind;
    m.process[0].ea_ev = ea;
    m.process[0].tau0_s = tau0;
    m.process[0].shape = shape;
    m.process[0].coupling_per_s2 = k;
    return m;
}

/* textbook BPP spectral density, written out */
static double j_bpp(double w, double tau)
{
    return tau / (1 + w * w * tau * tau);
}

START_TEST(bpp_rates_against_textbook)
{
    const double nu0 = 116.59e6, nu1 = 20e3, w0 = TWO_PI * nu0, w1 = TWO_PI * nu1;
    srx_rate_model m = one_process(SRX_SPECTRAL_BPP, 0.3, 2e-13, 0, 3e9);
    for (double t = 150; t <= 800; t += 13) {
        double tau = 2e-13 * exp(0.3 / (KB * t)), r1, r1rho;
        ck_assert_int_eq(srx_rates_r1(&m, t, nu0, &r1, NULL), SRX_OK);
        ck_assert_int_eq(srx_rates_r1rho(&m, t, nu0, nu1, &r1rho, NULL), SRX_OK);
        srxt_assert_rel(r1, 3e9 * (j_bpp(w0, tau) + 4 * j_bpp(2 * w0, tau)), 1e-13);
        srxt_assert_rel(r1rho,
                        3e9 * (1.5 * j_bpp(2 * w1, tau) + 2.5 * j_bpp(w0, tau) +
                               j_bpp(2 * w0, tau)),
                        1e-13);
    }
}
END_TEST

START_TEST(peak_r1_check_value)
{
    /* at omega0 tau = 0.6157951470, R1 = 0.9501171461 M2 / omega0 with
     * K = (2/3) M2 (physics.md) */
    const double nu0 = 116.59e6, w0 = TWO_PI * nu0, m2 = 4.0e9, t = 300.0;
    double k, r1, tau0;
    srx_rate_model m;
    ck_assert_int_eq(srx_rates_coupling_from_m2(m2, &k, NULL), SRX_OK);
    tau0 = 0.6157951470 / w0 / exp(0.25 / (KB * t));
    m = one_process(SRX_SPECTRAL_BPP, 0.25, tau0, 0, k);
    ck_assert_int_eq(srx_rates_r1(&m, t, nu0, &r1, NULL), SRX_OK);
    srxt_assert_rel(r1, 0.9501171461 * m2 / w0, 1e-9);
}
END_TEST

START_TEST(t1rho_peak_temperature)
{
    /* 7Li, 116.59 MHz, nu1 = 20 kHz: with tau(513 K) = 3.97887e-6 s the
     * 1/T1rho maximum lies at 513 K (omega0 >> omega1: the J(w0) terms shift
     * it by far less than 0.1 K) */
    const double ea = 0.44, tau513 = 0.5 / (TWO_PI * 20e3);
    const double tau0 = tau513 / exp(ea / (KB * 513.0));
    srx_rate_model m = one_process(SRX_SPECTRAL_BPP, ea, tau0, 0, 1e9);
    double best = 0, tbest = 0;
    for (double t = 480; t < 550; t += 0.01) {
        double r;
        ck_assert_int_eq(srx_rates_r1rho(&m, t, 116.59e6, 20e3, &r, NULL), SRX_OK);
        if (r > best) {
            best = r;
            tbest = t;
        }
    }
    ck_assert_double_eq_tol(tbest, 513.0, 0.05);
}
END_TEST

START_TEST(processes_and_backgrounds_add)
{
    const double nu0 = 79.35e6, nu1 = 20e3;
    srx_rate_model m, a, b;
    double r, ra, rb, t = 260;
    srx_rate_model_init(&m);
    m.n_processes = 2;
    m.process[0] = one_process(SRX_SPECTRAL_ASYMMETRIC, 0.78, 1e-15, 1.6, 2e9).process[0];
    m.process[1] = one_process(SRX_SPECTRAL_COLE_DAVIDSON, 0.2, 3e-12, 0.5, 5e8).process[0];
    m.background_r1.kind = SRX_BACKGROUND_POWERLAW;
    m.background_r1.amplitude = 2e-6;
    m.background_r1.exponent = 2.0;
    m.background_r1rho.kind = SRX_BACKGROUND_ARRHENIUS;
    m.background_r1rho.amplitude = 50.0;
    m.background_r1rho.ea_ev = 0.05;
    a = m;
    a.n_processes = 1;
    a.background_r1.kind = a.background_r1rho.kind = SRX_BACKGROUND_NONE;
    b = a;
    b.process[0] = m.process[1];
    ck_assert_int_eq(srx_rates_r1(&m, t, nu0, &r, NULL), SRX_OK);
    ck_assert_int_eq(srx_rates_r1(&a, t, nu0, &ra, NULL), SRX_OK);
    ck_assert_int_eq(srx_rates_r1(&b, t, nu0, &rb, NULL), SRX_OK);
    srxt_assert_rel(r, ra + rb + 2e-6 * t * t, 1e-14);
    ck_assert_int_eq(srx_rates_r1rho(&m, t, nu0, nu1, &r, NULL), SRX_OK);
    ck_assert_int_eq(srx_rates_r1rho(&a, t, nu0, nu1, &ra, NULL), SRX_OK);
    ck_assert_int_eq(srx_rates_r1rho(&b, t, nu0, nu1, &rb, NULL), SRX_OK);
    srxt_assert_rel(r, ra + rb + 50.0 * exp(-0.05 / (KB * t)), 1e-14);
}
END_TEST

START_TEST(powerlaw_background_looks_activated)
{
    /* A T^n has apparent Ea = n kB T (physics.md) */
    srx_rate_model m;
    double t = 250, h = 1e-3, rp, rm, ea;
    srx_rate_model_init(&m);
    m.background_r1.kind = SRX_BACKGROUND_POWERLAW;
    m.background_r1.amplitude = 1e-5;
    m.background_r1.exponent = 2.5;
    ck_assert_int_eq(srx_rates_r1(&m, t + h, 1e8, &rp, NULL), SRX_OK);
    ck_assert_int_eq(srx_rates_r1(&m, t - h, 1e8, &rm, NULL), SRX_OK);
    ea = -(log(rp) - log(rm)) / (1 / (KB * (t + h)) - 1 / (KB * (t - h)));
    ck_assert_double_eq_tol(ea, 2.5 * KB * t, 1e-9);
}
END_TEST

START_TEST(gradient_matches_finite_differences)
{
    srx_rate_model m;
    const double nu0 = 116.59e6, nu1 = 20e3;
    const srx_spectral_kind kinds[3] = {SRX_SPECTRAL_GAUSS_EA, SRX_SPECTRAL_ASYMMETRIC,
                                        SRX_SPECTRAL_COLE_COLE};
    srx_rate_model_init(&m);
    m.n_processes = 3;
    m.process[0] = one_process(kinds[0], 0.4, 1e-13, 0.03, 1e9).process[0];
    m.process[1] = one_process(kinds[1], 0.55, 1e-14, 1.7, 3e9).process[0];
    m.process[2] = one_process(kinds[2], 0.25, 1e-12, 0.8, 2e8).process[0];
    m.background_r1.kind = SRX_BACKGROUND_POWERLAW;
    m.background_r1.amplitude = 1e-6;
    m.background_r1.exponent = 2.0;
    m.background_r1rho.kind = SRX_BACKGROUND_ARRHENIUS;
    m.background_r1rho.amplitude = 10.0;
    m.background_r1rho.ea_ev = 0.02;
    for (int kind = 0; kind < 2; kind++) {
        for (double t = 200; t <= 600; t += 50) {
            double g[SRX_RATES_NPARAM], r;
            ck_assert_int_eq(srx_rates_eval(&m, (srx_rate_kind)kind, t, nu0, nu1, &r, g, NULL),
                             SRX_OK);
            for (int i = 0; i < SRX_RATES_NPARAM; i++) {
                srx_rate_model mp = m, mm = m;
                double *pp, *pm, h, rp, rm;
                if (i < 4 * SRX_MAX_PROCESSES) {
                    int p = i / 4, f = i % 4;
                    double *fields_p[4] = {&mp.process[p].ea_ev, &mp.process[p].tau0_s,
                                           &mp.process[p].shape, &mp.process[p].coupling_per_s2};
                    double *fields_m[4] = {&mm.process[p].ea_ev, &mm.process[p].tau0_s,
                                           &mm.process[p].shape, &mm.process[p].coupling_per_s2};
                    pp = fields_p[f];
                    pm = fields_m[f];
                } else {
                    srx_background *bp = i < SRX_RATES_P_BG_R1RHO_AMPLITUDE ? &mp.background_r1
                                                                             : &mp.background_r1rho;
                    srx_background *bm = i < SRX_RATES_P_BG_R1RHO_AMPLITUDE ? &mm.background_r1
                                                                             : &mm.background_r1rho;
                    int second = (i - 4 * SRX_MAX_PROCESSES) % 2;
                    pp = !second ? &bp->amplitude
                                 : (bp->kind == SRX_BACKGROUND_POWERLAW ? &bp->exponent : &bp->ea_ev);
                    pm = !second ? &bm->amplitude
                                 : (bm->kind == SRX_BACKGROUND_POWERLAW ? &bm->exponent : &bm->ea_ev);
                }
                h = 1e-6 * (fabs(*pp) > 0 ? fabs(*pp) : 1.0);
                *pp += h;
                *pm -= h;
                ck_assert_int_eq(srx_rates_eval(&mp, (srx_rate_kind)kind, t, nu0, nu1, &rp, NULL,
                                                NULL), SRX_OK);
                ck_assert_int_eq(srx_rates_eval(&mm, (srx_rate_kind)kind, t, nu0, nu1, &rm, NULL,
                                                NULL), SRX_OK);
                /* central difference, relative step 1e-6: truncation ~1e-12,
                 * rounding ~1e-16 / 1e-6 = 1e-10 of r per unit relative change;
                 * assert the sensitivity p dR/dp to 1e-7 of R */
                ck_assert_msg(fabs((rp - rm) / (2 * h) - g[i]) * (h * 1e6) <= 1e-7 * r,
                              "kind %d T %g param %d: fd %g analytic %g", kind, t, i,
                              (rp - rm) / (2 * h), g[i]);
            }
        }
    }
}
END_TEST

START_TEST(lorentzian_limit_in_rates)
{
    const double nu0 = 116.59e6, nu1 = 20e3;
    srx_rate_model ref = one_process(SRX_SPECTRAL_BPP, 0.4, 1e-13, 0, 1e9);
    for (int k = 1; k < SRX_SPECTRAL_NKINDS; k++) {
        srx_rate_model m = ref;
        m.process[0].kind = (srx_spectral_kind)k;
        m.process[0].shape = srx_spectral_lorentzian_shape((srx_spectral_kind)k);
        for (double t = 150; t < 900; t += 37) {
            double a, b;
            ck_assert_int_eq(srx_rates_r1rho(&m, t, nu0, nu1, &a, NULL), SRX_OK);
            ck_assert_int_eq(srx_rates_r1rho(&ref, t, nu0, nu1, &b, NULL), SRX_OK);
            srxt_assert_rel(a, b, 1e-12);
        }
    }
}
END_TEST

START_TEST(coupling_conversions)
{
    double k, m2, cq;
    /* 7Li-like quadrupolar coupling, Cq = 100 kHz, eta = 0.3:
     * K = 2 pi^2 / 25 (1 + 0.03) 1e10 */
    ck_assert_int_eq(srx_rates_coupling_from_cq(100e3, 0.3, &k, NULL), SRX_OK);
    srxt_assert_rel(k, 2 * M_PI * M_PI / 25 * 1.03 * 1e10, 1e-15);
    ck_assert_int_eq(srx_rates_cq_from_coupling(k, 0.3, &cq, NULL), SRX_OK);
    srxt_assert_rel(cq, 100e3, 1e-15);
    ck_assert_int_eq(srx_rates_coupling_from_m2(6e9, &k, NULL), SRX_OK);
    srxt_assert_rel(k, 4e9, 1e-15);
    ck_assert_int_eq(srx_rates_m2_from_coupling(k, &m2, NULL), SRX_OK);
    srxt_assert_rel(m2, 6e9, 1e-15);
    ck_assert_int_eq(srx_rates_coupling_from_cq(1e5, 1.2, &k, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_rates_coupling_from_m2(-1.0, &k, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_rates_m2_from_coupling(NAN, &m2, NULL), SRX_EINVAL);
}
END_TEST

START_TEST(invalid_models)
{
    srx_rate_model m = one_process(SRX_SPECTRAL_ASYMMETRIC, 0.4, 1e-13, 1.8, 1e9);
    srx_diag d;
    double r;
    ck_assert_int_eq(srx_rates_r1(&m, 300, 1e8, &r, NULL), SRX_OK);
    ck_assert_int_eq(srx_rates_r1(&m, 0.0, 1e8, &r, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_rates_r1(&m, -10.0, 1e8, &r, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_rates_r1(&m, NAN, 1e8, &r, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_rates_r1(&m, 300, 0.0, &r, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_rates_r1rho(&m, 300, 1e8, 0.0, &r, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_rates_r1(NULL, 300, 1e8, &r, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_rates_r1(&m, 300, 1e8, NULL, NULL), SRX_EINVAL);
    m.process[0].shape = 2.5;
    ck_assert_int_eq(srx_rates_r1(&m, 300, 1e8, &r, &d), SRX_EDOM);
    ck_assert_ptr_nonnull(strstr(d.message, "process 1"));
    m.process[0].shape = 1.8;
    m.process[0].coupling_per_s2 = -1.0;
    ck_assert_int_eq(srx_rates_r1(&m, 300, 1e8, &r, &d), SRX_EDOM);
    ck_assert_ptr_nonnull(strstr(d.message, "coupling"));
    m.process[0].coupling_per_s2 = 1e9;
    m.process[0].tau0_s = 0.0;
    ck_assert_int_eq(srx_rates_r1(&m, 300, 1e8, &r, NULL), SRX_EDOM);
    m.process[0].tau0_s = 1e-13;
    m.process[0].ea_ev = NAN;
    ck_assert_int_eq(srx_rates_r1(&m, 300, 1e8, &r, NULL), SRX_EINVAL);
    m.process[0].ea_ev = 0.4;
    m.n_processes = 4;
    ck_assert_int_eq(srx_rates_r1(&m, 300, 1e8, &r, NULL), SRX_EINVAL);
    m.n_processes = 1;
    m.process[0].kind = SRX_SPECTRAL_COLE_DAVIDSON;
    m.process[0].shape = 1.5; /* eps outside (0, 1] */
    ck_assert_int_eq(srx_rates_r1(&m, 300, 1e8, &r, NULL), SRX_EDOM);
    m.process[0].kind = SRX_SPECTRAL_COLE_COLE;
    m.process[0].shape = 0.0; /* alpha outside (0, 1] */
    ck_assert_int_eq(srx_rates_r1(&m, 300, 1e8, &r, NULL), SRX_EDOM);
    m.process[0].shape = 0.5;
    m.background_r1.kind = SRX_BACKGROUND_POWERLAW;
    m.background_r1.amplitude = -1;
    ck_assert_int_eq(srx_rates_r1(&m, 300, 1e8, &r, NULL), SRX_EDOM);
    m.background_r1.kind = (srx_background_kind)9;
    ck_assert_int_eq(srx_rates_r1(&m, 300, 1e8, &r, NULL), SRX_EINVAL);
}
END_TEST

/* Several threads evaluating (Gaussian-Ea quadrature included) give the
 * serial results bit for bit. */
typedef struct job {
    const srx_rate_model *m;
    double out[64];
    int status;
} job;

static void *worker(void *p)
{
    job *jb = p;
    jb->status = SRX_OK;
    for (int i = 0; i < 64; i++) {
        int s = srx_rates_r1rho(jb->m, 150 + 10 * i, 116.59e6, 20e3, &jb->out[i], NULL);
        if (s)
            jb->status = s;
    }
    return NULL;
}

START_TEST(thread_safety)
{
    srx_rate_model m = one_process(SRX_SPECTRAL_GAUSS_EA, 0.4, 1e-13, 0.05, 1e9);
    job serial, par[4];
    pthread_t th[4];
    serial.m = &m;
    worker(&serial);
    ck_assert_int_eq(serial.status, SRX_OK);
    for (int i = 0; i < 4; i++) {
        par[i].m = &m;
        ck_assert_int_eq(pthread_create(&th[i], NULL, worker, &par[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(par[i].status, SRX_OK);
        ck_assert_int_eq(memcmp(par[i].out, serial.out, sizeof serial.out), 0);
    }
}
END_TEST

START_TEST(maximum_check_values)
{
    /* srx_rates_maximum against physics.md: BPP 1/T1 peaks at omega0 tau =
     * 0.6157951470, the asymmetric model (beta 1.8) at 0.7082308, so
     * T_max = Ea / (kB ln(tau_max / tau0)); R(T_max) = 0.9501171461 M2 / omega0
     * for BPP.  To 1e-9 (BPP) and 1e-6 (7-digit check value) relative. */
    const double nu0 = 116.59e6, w0 = TWO_PI * nu0, ea = 0.44, tau0 = 3e-14, m2 = 4e9;
    double k, t, r, terr, texp;
    srx_rate_model m;
    srx_diag d;
    ck_assert_int_eq(srx_rates_coupling_from_m2(m2, &k, NULL), SRX_OK);
    m = one_process(SRX_SPECTRAL_BPP, ea, tau0, 0, k);
    ck_assert_int_eq(srx_rates_maximum(&m, SRX_RATE_R1, nu0, 0.0, 150.0, 900.0, NULL, &t, &terr,
                                       &r, &d),
                     SRX_OK);
    texp = ea / (KB * log(0.6157951470 / w0 / tau0));
    srxt_assert_rel(t, texp, 1e-9);
    srxt_assert_rel(r, 0.9501171461 * m2 / w0, 1e-9);
    ck_assert(terr == 0.0);
    m = one_process(SRX_SPECTRAL_ASYMMETRIC, ea, tau0, 1.8, k);
    ck_assert_int_eq(srx_rates_maximum(&m, SRX_RATE_R1, nu0, 0.0, 150.0, 900.0, NULL, &t, NULL,
                                       NULL, &d),
                     SRX_OK);
    srxt_assert_rel(t, ea / (KB * log(0.7082308 / w0 / tau0)), 1e-6);
    /* 1/T1rho, BPP, nu1 = 20 kHz: omega1 tau = 0.5 up to the small J(w0)
     * terms (0.05 K, as in t1rho_peak_temperature) */
    m = one_process(SRX_SPECTRAL_BPP, ea, tau0, 0, k);
    ck_assert_int_eq(srx_rates_maximum(&m, SRX_RATE_R1RHO, nu0, 20e3, 150.0, 900.0, NULL, &t,
                                       NULL, NULL, &d),
                     SRX_OK);
    ck_assert_double_eq_tol(t, ea / (KB * log(0.5 / (TWO_PI * 20e3) / tau0)), 0.05);
}
END_TEST

START_TEST(maximum_uncertainty)
{
    /* u(T_max) for one BPP process with a covariance of Ea and tau0
     * (correlated): T_max = Ea / (kB L), L = ln(tau_max / tau0), so
     * dT/dEa = 1 / (kB L) and dT/dtau0 = Ea / (kB L^2 tau0) exactly; to 1e-6.
     * The background's parameters and K do not move a BPP maximum
     * without background: their covariance entries change nothing. */
    const double nu0 = 116.59e6, w0 = TWO_PI * nu0, ea = 0.44, tau0 = 3e-14;
    const double sea = 0.01, stau = 0.3 * tau0, rho = -0.8;
    double cov[SRX_RATES_NPARAM * SRX_RATES_NPARAM] = {0}, t, terr, l, dea, dtau, want;
    srx_rate_model m = one_process(SRX_SPECTRAL_BPP, ea, tau0, 0, 1e9);
    cov[SRX_RATES_P_EA(0) * SRX_RATES_NPARAM + SRX_RATES_P_EA(0)] = sea * sea;
    cov[SRX_RATES_P_TAU0(0) * SRX_RATES_NPARAM + SRX_RATES_P_TAU0(0)] = stau * stau;
    cov[SRX_RATES_P_EA(0) * SRX_RATES_NPARAM + SRX_RATES_P_TAU0(0)] = rho * sea * stau;
    cov[SRX_RATES_P_TAU0(0) * SRX_RATES_NPARAM + SRX_RATES_P_EA(0)] = rho * sea * stau;
    cov[SRX_RATES_P_COUPLING(0) * SRX_RATES_NPARAM + SRX_RATES_P_COUPLING(0)] = 1e16;
    ck_assert_int_eq(srx_rates_maximum(&m, SRX_RATE_R1, nu0, 0.0, 150.0, 900.0, cov, &t, &terr,
                                       NULL, NULL),
                     SRX_OK);
    l = log(0.6157951470 / w0 / tau0);
    dea = 1.0 / (KB * l);
    dtau = ea / (KB * l * l * tau0);
    want = sqrt(dea * dea * sea * sea + dtau * dtau * stau * stau + 2.0 * dea * dtau * rho * sea * stau);
    srxt_assert_rel(terr, want, 1e-6);
}
END_TEST

START_TEST(maximum_with_background)
{
    /* with a power-law background the maximum moves; against a brute-force
     * scan (1e-4 K steps, then the parabola through the best three) to
     * 1e-7 relative; two processes: the larger peak inside the interval */
    const double nu0 = 116.59e6;
    srx_rate_model m = one_process(SRX_SPECTRAL_ASYMMETRIC, 0.5, 1e-13, 1.6, 2e9);
    double t, best = -1.0, tb = 0.0, r[3], tt, h = 1e-4;
    m.background_r1 = (srx_background){SRX_BACKGROUND_POWERLAW, 2e-6, 2.0, 0.0};
    ck_assert_int_eq(srx_rates_maximum(&m, SRX_RATE_R1, nu0, 0.0, 200.0, 1000.0, NULL, &t, NULL,
                                       NULL, NULL),
                     SRX_OK);
    for (tt = t - 2.0; tt <= t + 2.0; tt += h) {
        double v;
        ck_assert_int_eq(srx_rates_r1(&m, tt, nu0, &v, NULL), SRX_OK);
        if (v > best)
            best = v, tb = tt;
    }
    srx_rates_r1(&m, tb - h, nu0, &r[0], NULL);
    srx_rates_r1(&m, tb, nu0, &r[1], NULL);
    srx_rates_r1(&m, tb + h, nu0, &r[2], NULL);
    tb += 0.5 * h * (r[0] - r[2]) / (r[0] - 2.0 * r[1] + r[2]);
    srxt_assert_rel(t, tb, 1e-7);
    /* monotonic inside the interval (the background dominates at high T
     * with n = 6): no maximum, named end */
    m.background_r1.exponent = 6.0;
    m.background_r1.amplitude = 1e-12;
    {
        srx_diag d;
        ck_assert_int_eq(srx_rates_maximum(&m, SRX_RATE_R1, nu0, 0.0, 800.0, 1500.0, NULL, &t,
                                           NULL, NULL, &d),
                         SRX_ENODATA);
        ck_assert_ptr_nonnull(strstr(d.message, "largest at 1500 K"));
    }
}
END_TEST

START_TEST(maximum_bad_input)
{
    srx_rate_model m = one_process(SRX_SPECTRAL_BPP, 0.3, 1e-13, 0, 1e9);
    double t, cov[SRX_RATES_NPARAM * SRX_RATES_NPARAM] = {0}, e;
    srx_diag d;
    ck_assert_int_eq(srx_rates_maximum(NULL, SRX_RATE_R1, 1e8, 0, 100, 500, NULL, &t, NULL, NULL, &d),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_rates_maximum(&m, SRX_RATE_R1, 1e8, 0, 500, 100, NULL, &t, NULL, NULL, &d),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_rates_maximum(&m, SRX_RATE_R1, 1e8, 0, -1, 100, NULL, &t, NULL, NULL, &d),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_rates_maximum(&m, SRX_RATE_R1, 1e8, 0, NAN, 100, NULL, &t, NULL, NULL, &d),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_rates_maximum(&m, SRX_RATE_R1RHO, 1e8, 0, 100, 500, NULL, &t, NULL, NULL,
                                       &d),
                     srx_rates_r1rho(&m, 300, 1e8, 0, &e, NULL));
    cov[3] = NAN;
    ck_assert_int_eq(srx_rates_maximum(&m, SRX_RATE_R1, 1e8, 0, 100, 500, cov, &t, &e, NULL, &d),
                     SRX_EINVAL);
    ck_assert_ptr_nonnull(strstr(d.message, "covariance"));
    m.process[0].tau0_s = -1.0;
    ck_assert_int_ne(srx_rates_maximum(&m, SRX_RATE_R1, 1e8, 0, 100, 500, NULL, &t, NULL, NULL, &d),
                     SRX_OK);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rates");
    TCase *tc = tcase_create("rates");
    tcase_add_test(tc, bpp_rates_against_textbook);
    tcase_add_test(tc, peak_r1_check_value);
    tcase_add_test(tc, t1rho_peak_temperature);
    tcase_add_test(tc, processes_and_backgrounds_add);
    tcase_add_test(tc, powerlaw_background_looks_activated);
    tcase_add_test(tc, lorentzian_limit_in_rates);
    suite_add_tcase(s, tc);
    tc = tcase_create("gradient");
    tcase_add_test(tc, gradient_matches_finite_differences);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("maximum");
    tcase_add_test(tc, maximum_check_values);
    tcase_add_test(tc, maximum_uncertainty);
    tcase_add_test(tc, maximum_with_background);
    tcase_add_test(tc, maximum_bad_input);
    suite_add_tcase(s, tc);
    tc = tcase_create("conversions");
    tcase_add_test(tc, coupling_conversions);
    suite_add_tcase(s, tc);
    tc = tcase_create("invalid");
    tcase_add_test(tc, invalid_models);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_add_test(tc, thread_safety);
    suite_add_tcase(s, tc);
    return srxt_run(s);
}
