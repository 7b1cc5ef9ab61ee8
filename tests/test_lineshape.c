/* Tests of the lineshape module: first moments (nu_QIS), convergence of the
 * ASG powder average, finite-speed spectra against infinite speed, spinning
 * sidebands against a brute-force time-domain powder average, broadening
 * against analytic Gaussian / Lorentzian, Czjzek first moment, linearity,
 * threads, bad input. */
#include <config.h>

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "spinrelax/lineshape.h"
#include "spinrelax/quadrupolar.h"
#include "testlib.h"

#define PI 3.14159265358979323846

static void al27(srx_lineshape_conditions *c, srx_quad_site *s, double angle)
{
    srx_lineshape_conditions_init(c);
    c->spin = 2.5;
    c->larmor_hz = 130.29e6;
    c->rotor_angle_rad = angle;
    c->n_points = 4096;
    c->span_hz = 60e3;
    c->normalization = SRX_LINESHAPE_NORM_TOTAL;
    srx_quad_site_init(s);
    s->cq_hz = 8.3e6;
    s->eta = 0.28;
}

static double moment1(const srx_lineshape_conditions *c, const double *y)
{
    double s0 = 0, s1 = 0, dx = c->span_hz / (double)c->n_points;
    size_t i;
    for (i = 0; i < c->n_points; i++) {
        double f = c->center_hz - c->span_hz / 2 + (double)i * dx;
        s0 += y[i];
        s1 += f * y[i];
    }
    return s1 / s0;
}

START_TEST(test_first_moment)
{
    srx_lineshape_conditions c;
    srx_quad_site s;
    double *y = malloc(4096 * sizeof *y), qis;
    int k;
    ck_assert_int_eq(srx_quad_iso_shift_hz(2.5, 8.3e6, 0.28, 130.29e6, &qis, NULL), SRX_OK);
    for (k = 0; k < 2; k++) {
        double sum = 0;
        size_t i;
        al27(&c, &s, k ? SRX_MAGIC_ANGLE_RAD : 0.0);
        ck_assert_int_eq(srx_lineshape_simulate(&c, &s, NULL, 1, y, NULL), SRX_OK);
        for (i = 0; i < 4096; i++)
            sum += y[i] * c.span_hz / 4096;
        /* the whole line lies in the window: unit area */
        ck_assert_double_eq_tol(sum, 1.0, 1e-9);
        /* physics.md: the first moment is nu_QIS = -3255.37 Hz; required to 0.1% */
        srxt_assert_rel(moment1(&c, y), qis, 1e-3);
    }
    free(y);
}
END_TEST

static double rel_l2(const double *a, const double *b, size_t n)
{
    double num = 0, den = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        num += (a[i] - b[i]) * (a[i] - b[i]);
        den += b[i] * b[i];
    }
    return sqrt(num / den);
}

START_TEST(test_convergence)
{
    static const int divs[] = {32, 64, 128, 256};
    srx_lineshape_conditions c;
    srx_quad_site s;
    double *ref = malloc(4096 * sizeof *ref), *y = malloc(4096 * sizeof *y), prev = 1.0;
    size_t i;
    al27(&c, &s, SRX_MAGIC_ANGLE_RAD);
    c.n_divisions = 768;
    ck_assert_int_eq(srx_lineshape_simulate(&c, &s, NULL, 1, ref, NULL), SRX_OK);
    for (i = 0; i < 4; i++) {
        double e;
        c.n_divisions = divs[i];
        ck_assert_int_eq(srx_lineshape_simulate(&c, &s, NULL, 1, y, NULL), SRX_OK);
        e = rel_l2(y, ref, 4096);
        fprintf(stderr, "27Al CT MAS, 4096 points: %4d divisions (%6d orientations): relative L2 error %.3e\n",
                divs[i], (divs[i] + 1) * (divs[i] + 2) / 2, e);
        ck_assert(e < prev);
        prev = e;
    }
    /* measured 6.9e-4 against 1024 divisions (bench); second-order convergence */
    ck_assert_msg(prev < 1.2e-3, "256 divisions: error %g", prev);
    /* the automatic choice for accuracy 1e-3 reaches it */
    c.n_divisions = 0;
    c.accuracy = 1e-3;
    ck_assert_int_eq(srx_lineshape_simulate(&c, &s, NULL, 1, y, NULL), SRX_OK);
    ck_assert_msg(rel_l2(y, ref, 4096) < 1e-3, "auto: %g", rel_l2(y, ref, 4096));
    free(ref);
    free(y);
}
END_TEST

START_TEST(test_finite_to_infinite)
{
    static const double rates[] = {15e3, 40e3, 150e3, 1e6};
    srx_lineshape_conditions c;
    srx_quad_site s;
    double *inf = malloc(4096 * sizeof *inf), *y = malloc(4096 * sizeof *y), prev = 1e30;
    size_t i, k;
    al27(&c, &s, SRX_MAGIC_ANGLE_RAD);
    c.n_divisions = 48;
    ck_assert_int_eq(srx_lineshape_simulate(&c, &s, NULL, 1, inf, NULL), SRX_OK);
    for (k = 0; k < 4; k++) {
        double l1 = 0, dx = c.span_hz / 4096;
        c.spinning_hz = rates[k];
        ck_assert_int_eq(srx_lineshape_simulate(&c, &s, NULL, 1, y, NULL), SRX_OK);
        for (i = 0; i < 4096; i++)
            l1 += fabs(y[i] - inf[i]) * dx;
        ck_assert_msg(l1 < prev, "L1 %g at %g Hz not below %g", l1, rates[k], prev);
        prev = l1;
    }
    /* at 1 MHz the sidebands carry ~(width/nu_R)^2 ~ 1e-4 of the intensity */
    ck_assert_msg(prev < 2e-3, "1 MHz spinning: L1 distance %g", prev);
    free(inf);
    free(y);
}
END_TEST

/* Brute-force time-domain reference for a first-order satellite pattern at
 * the magic angle: crystallites on a Fibonacci sphere, 32 rotor phases gamma,
 * phase integrated by the trapezoid rule over 512 steps of one rotor period;
 * the rotor-periodic powder FID gives the sideband intensities. */
static void brute_sidebands(double nuq, double eta, double nur, int kmax, double *ik)
{
    const int npts = 600, ngam = 32, nst = 512;
    double vp[3] = {-(1 - eta) / 2, -(1 + eta) / 2, 1};
    double *sre = calloc(nst, sizeof *sre), *sim = calloc(nst, sizeof *sim);
    double cm = cos(SRX_MAGIC_ANGLE_RAD), sm = sin(SRX_MAGIC_ANGLE_RAD);
    int p, g, j, k;
    for (p = 0; p < npts; p++) {
        double z = 1 - (2.0 * p + 1) / npts, ph = p * PI * (3 - sqrt(5.0)), rho = sqrt(1 - z * z);
        double r[3] = {rho * cos(ph), rho * sin(ph), z}, u[3], w[3], n;
        u[0] = -r[1];
        u[1] = r[0];
        u[2] = 0;
        n = hypot(u[0], u[1]);
        if (n < 1e-9) {
            u[0] = 1;
            u[1] = 0;
            n = 1;
        }
        u[0] /= n;
        u[1] /= n;
        w[0] = r[1] * u[2] - r[2] * u[1];
        w[1] = r[2] * u[0] - r[0] * u[2];
        w[2] = r[0] * u[1] - r[1] * u[0];
        for (g = 0; g < ngam; g++) {
            double phase = 0, prevf = 0;
            for (j = 0; j <= nst; j++) {
                double psi = 2 * PI * g / ngam + 2 * PI * j / nst, b[3], f;
                int a;
                for (a = 0; a < 3; a++)
                    b[a] = cm * r[a] + sm * (cos(psi) * u[a] + sin(psi) * w[a]);
                /* transition 3/2 <-> 1/2 of spin 3/2: nuQ (m - 1/2) b.v.b */
                f = nuq * (vp[0] * b[0] * b[0] + vp[1] * b[1] * b[1] + vp[2] * b[2] * b[2]);
                if (j > 0)
                    phase += 2 * PI * 0.5 * (f + prevf) / (nur * nst);
                prevf = f;
                if (j < nst) {
                    sre[j] += cos(phase);
                    sim[j] += sin(phase);
                }
            }
        }
    }
    for (k = -kmax; k <= kmax; k++) {
        double re = 0;
        for (j = 0; j < nst; j++) {
            double a = -2 * PI * (double)k * j / nst;
            re += sre[j] * cos(a) - sim[j] * sin(a);
        }
        ik[k + kmax] = re / ((double)nst * npts * ngam);
    }
    free(sre);
    free(sim);
}

START_TEST(test_sidebands_bruteforce)
{
    const double nuq = 30e3, eta = 0.4, nur = 8e3;
    const int kmax = 6;
    double ik[13], sb[13], *y;
    srx_lineshape_conditions c;
    srx_quad_site s;
    int k;
    size_t i;
    brute_sidebands(nuq, eta, nur, kmax, ik);
    srx_lineshape_conditions_init(&c);
    c.spin = 1.5;
    c.larmor_hz = 1e15; /* second order negligible (nuQ^2/nu0 ~ 1e-6 Hz) */
    c.rotor_angle_rad = SRX_MAGIC_ANGLE_RAD;
    c.spinning_hz = nur;
    c.transitions = SRX_LINESHAPE_ALL;
    c.n_points = 256;
    c.span_hz = 256 * nur / 4; /* bin centres at multiples of nur / 4 */
    c.n_divisions = 64;
    c.normalization = SRX_LINESHAPE_NORM_TOTAL;
    srx_quad_site_init(&s);
    s.cq_hz = nuq * 2 * 1.5 * 2 / 3; /* nuQ = 3 Cq / (2 I (2I - 1)) */
    s.eta = eta;
    y = malloc(c.n_points * sizeof *y);
    ck_assert_int_eq(srx_lineshape_simulate(&c, &s, NULL, 1, y, NULL), SRX_OK);
    for (k = -kmax; k <= kmax; k++) {
        i = (size_t)(128 + 4 * k);
        sb[k + kmax] = y[i] * c.span_hz / (double)c.n_points;
    }
    /* the simulated spectrum holds the CT (4/10) at k = 0 plus the two satellites
     * (3/10 each), mirror images of each other: I_k = 0.4 d_k0 + 0.3 (P_k + P_-k) */
    for (k = -kmax; k <= kmax; k++) {
        double want = (k == 0 ? 0.4 : 0.0) + 0.3 * (ik[k + kmax] + ik[-k + kmax]);
        /* 600 x 32 crystallites in the reference, 64 ASG divisions here: both
         * powder averages are good to a few 1e-4 of the total intensity */
        ck_assert_msg(fabs(sb[k + kmax] - want) < 1.5e-3, "sideband %d: %.5f vs brute force %.5f",
                      k, sb[k + kmax], want);
    }
    ck_assert(ik[kmax + 1] > 0.02); /* a real sideband pattern */
    free(y);
}
END_TEST

START_TEST(test_broadening)
{
    srx_lineshape_conditions c;
    srx_quad_site s;
    double *y = malloc(2048 * sizeof *y);
    size_t i;
    int k;
    for (k = 0; k < 2; k++) {
        double peak = 0;
        srx_lineshape_conditions_init(&c);
        c.spin = 1.5;
        c.larmor_hz = 1e8;
        c.n_points = 2048;
        c.span_hz = 20480; /* 10 Hz bins, centres at multiples of 10 Hz */
        c.gb_hz = k ? 0 : 200;
        c.lb_hz = k ? 100 : 0;
        srx_quad_site_init(&s);
        s.shift_hz = 1000; /* Cq = 0: a single line */
        ck_assert_int_eq(srx_lineshape_simulate(&c, &s, NULL, 1, y, NULL), SRX_OK);
        /* analytic peak heights */
        peak = k ? 1 / (50 * PI) : 2 * sqrt(2 * log(2.0)) / (200 * sqrt(2 * PI));
        for (i = 0; i < 2048; i++) {
            double f = -10240 + 10.0 * i - 1000, want;
            /* the exact line integrated over the 10 Hz bin, divided by the spacing */
            if (k == 0) {
                double sg = 200 / (2 * sqrt(2 * log(2.0)));
                want = 0.5 * (erf((f + 5) / (sg * sqrt(2.0))) - erf((f - 5) / (sg * sqrt(2.0)))) / 10;
            } else {
                want = (atan((f + 5) / 50) - atan((f - 5) / 50)) / (PI * 10);
            }
            /* Gaussian: exact up to rounding; Lorentzian: window normalisation drops
             * the tails beyond +-10 kHz (0.3% of the area), which rescales by ~3e-3 */
            ck_assert_msg(fabs(y[i] - want) < (k ? 4e-3 : 1e-9) * peak + 1e-12,
                          "%s at %g Hz: %g vs %g", k ? "Lorentzian" : "Gaussian", f, y[i], want);
        }
    }
    free(y);
}
END_TEST

START_TEST(test_populations_linear)
{
    srx_lineshape_conditions c;
    srx_quad_site s[2];
    double *a = malloc(4096 * sizeof *a), *b = malloc(4096 * sizeof *b),
           *ab = malloc(4096 * sizeof *ab), pop[2] = {1, 3};
    srx_lineshape *ls;
    size_t i;
    al27(&c, &s[0], SRX_MAGIC_ANGLE_RAD);
    c.n_divisions = 32;
    s[1] = s[0];
    s[1].cq_hz = 5e6;
    s[1].shift_hz = 2000;
    ck_assert_int_eq(srx_lineshape_alloc(&c, &ls, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_compute(ls, &s[0], NULL, 1, a, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_compute(ls, &s[1], NULL, 1, b, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_compute(ls, s, pop, 2, ab, NULL), SRX_OK);
    for (i = 0; i < 4096; i++)
        ck_assert_double_eq_tol(ab[i], 0.25 * a[i] + 0.75 * b[i], 1e-12 * (a[i] + b[i]) + 1e-15);
    srx_lineshape_free(ls);
    free(a);
    free(b);
    free(ab);
}
END_TEST

START_TEST(test_all_transitions_norm)
{
    srx_lineshape_conditions c;
    srx_quad_site s;
    double *y, sum = 0;
    size_t i;
    srx_lineshape_conditions_init(&c);
    c.spin = 1.5;
    c.larmor_hz = 100e6;
    c.transitions = SRX_LINESHAPE_ALL;
    c.n_points = 8192;
    c.span_hz = 1.2e6; /* satellites span +-nuQ = +-500 kHz */
    c.normalization = SRX_LINESHAPE_NORM_TOTAL;
    srx_quad_site_init(&s);
    s.cq_hz = 1e6;
    s.eta = 0.3;
    y = malloc(c.n_points * sizeof *y);
    ck_assert_int_eq(srx_lineshape_simulate(&c, &s, NULL, 1, y, NULL), SRX_OK);
    for (i = 0; i < c.n_points; i++)
        sum += y[i] * c.span_hz / (double)c.n_points;
    ck_assert_double_eq_tol(sum, 1.0, 1e-9);
    /* first moment: the first-order averages vanish; the isotropic second-order
     * shift of transition m is -(nuQ^2/(30 nu0)) [I(I+1) - 9m(m-1) - 3] (1 + eta^2/3)
     * (A. Samoson, Chem. Phys. Lett. 119 (1985) 29), weighted by I(I+1) - m(m-1) */
    {
        double nuq = 3 * s.cq_hz / (2 * 1.5 * 2), want = 0, m, S = 3.75;
        for (m = -0.5; m <= 1.5; m += 1)
            want += (S - m * (m - 1)) / 10 * -(nuq * nuq / (30 * c.larmor_hz)) *
                    (S - 9 * m * (m - 1) - 3) * (1 + s.eta * s.eta / 3);
        /* the +-500 kHz satellites' first-order parts cancel only to the accuracy of
         * the powder rule (~1e-5 of nuQ = 5 Hz at the default accuracy); measured 0.26% */
        srxt_assert_rel(moment1(&c, y), want, 1e-2);
    }
    free(y);
}
END_TEST

/* E[Cq^2 (1 + eta^2/3)] for the Czjzek density, by an independent
 * 2-D midpoint rule on a much finer grid over a larger range */
START_TEST(test_czjzek_moment)
{
    srx_lineshape_conditions c;
    srx_quad_site s;
    srx_lineshape *ls;
    double *y, sigma = 1.5e6, num = 0, den = 0, qis1, want;
    int i, j;
    for (i = 0; i < 4000; i++)
        for (j = 0; j < 400; j++) {
            double x = (i + 0.5) * 10.0 / 4000, e = (j + 0.5) / 400;
            double p = pow(x, 4) * e * (1 - e * e / 9) * exp(-x * x * (1 + e * e / 3) / 2);
            num += p * x * x * (1 + e * e / 3);
            den += p;
        }
    /* analytically E[Cq^2 (1 + eta^2/3)] = 5 sigma^2 (a 5-D Gaussian vector) */
    srxt_assert_rel(num / den, 5.0, 1e-6);
    /* nu_QIS is proportional to Cq^2 (1 + eta^2/3): scale the value at Cq = sigma, eta = 0 */
    ck_assert_int_eq(srx_quad_iso_shift_hz(2.5, sigma, 0.0, 130.29e6, &qis1, NULL), SRX_OK);
    want = qis1 * num / den;
    srx_lineshape_conditions_init(&c);
    c.spin = 2.5;
    c.larmor_hz = 130.29e6;
    c.rotor_angle_rad = SRX_MAGIC_ANGLE_RAD;
    c.n_points = 8192;
    c.span_hz = 300e3;
    c.n_divisions = 32;
    c.normalization = SRX_LINESHAPE_NORM_TOTAL;
    srx_quad_site_init(&s);
    y = malloc(c.n_points * sizeof *y);
    ck_assert_int_eq(srx_lineshape_alloc(&c, &ls, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_czjzek(ls, &s, sigma, 0, 0, y, NULL), SRX_OK);
    /* midpoint quadrature with 48 x 12 nodes of a smooth density: ~1e-4; the
     * tail beyond 7 sigma is ~1e-8 */
    srxt_assert_rel(moment1(&c, y), want, 2e-3);
    /* extended model with V0 = 0 samples the same density: 4000 samples of a
     * chi-square(5) variable (relative sd 0.63 each) -> 1% sd of the mean */
    ck_assert_int_eq(srx_lineshape_czjzek_extended(ls, &s, sigma, 4000, 42, y, NULL), SRX_OK);
    srxt_assert_rel(moment1(&c, y), want, 4e-2);
    {
        /* a narrow distribution around 27Al (Cq 8.3 MHz) approaches the single site */
        double *one = malloc(c.n_points * sizeof *one), l1 = 0;
        size_t ip;
        s.cq_hz = 8.3e6;
        s.eta = 0.28;
        ck_assert_int_eq(srx_lineshape_compute(ls, &s, NULL, 1, one, NULL), SRX_OK);
        ck_assert_int_eq(srx_lineshape_czjzek_extended(ls, &s, 20e3, 100, 1, y, NULL), SRX_OK);
        for (ip = 0; ip < c.n_points; ip++)
            l1 += fabs(y[ip] - one[ip]) * c.span_hz / (double)c.n_points;
        /* sigma = 20 kHz moves the singularities by ~0.5% of the width */
        ck_assert_msg(l1 < 0.05, "narrow extended Czjzek: L1 %g", l1);
        s.cq_hz = 0;
        s.eta = 0;
        free(one);
    }
    ck_assert_int_eq(srx_lineshape_czjzek_extended(ls, &s, -1.0, 10, 1, y, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_lineshape_czjzek(ls, &s, 0.0, 0, 0, y, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_lineshape_czjzek(ls, &s, NAN, 0, 0, y, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_lineshape_czjzek(ls, NULL, sigma, 0, 0, y, NULL), SRX_EINVAL);
    srx_lineshape_free(ls);
    free(y);
}
END_TEST

/* exact bin integral over [lo, hi) of the axial pattern nu = a P2(cos theta),
 * a > 0: with cos theta uniform, x = nu/a has the CDF sqrt((2x + 1)/3) on [-1/2, 1] */
static double axial_bin(double a, double lo, double hi)
{
    double x0 = fmax(lo / a, -0.5), x1 = fmin(hi / a, 1.0);
    if (x1 <= x0)
        return 0.0;
    return sqrt((2 * x1 + 1) / 3) - sqrt((2 * x0 + 1) / 3);
}

/* CSA alone (spin 1/2): the static pattern is the axial first-order powder
 * pattern (eta_cs = 0), whatever the Euler angles of the CSA relative to
 * the (absent) EFG; the tilted case runs on the hemisphere set. */
START_TEST(test_csa_pattern)
{
    srx_lineshape_conditions c;
    srx_quad_site s;
    double *y = malloc(1000 * sizeof *y), dx;
    int k;
    size_t i;
    srx_lineshape_conditions_init(&c);
    c.spin = 0.5;
    c.larmor_hz = 1e8;
    c.n_points = 1000;
    c.span_hz = 30e3;
    c.normalization = SRX_LINESHAPE_NORM_TOTAL;
    dx = c.span_hz / 1000;
    for (k = 0; k < 2; k++) {
        double l1 = 0;
        srx_quad_site_init(&s);
        s.csa_delta_hz = 10e3;
        if (k) {
            s.csa_alpha_rad = 0.3;
            s.csa_beta_rad = 1.1;
            s.csa_gamma_rad = 2.0;
        }
        ck_assert_int_eq(srx_lineshape_simulate(&c, &s, NULL, 1, y, NULL), SRX_OK);
        for (i = 0; i < 1000; i++) {
            double f = -15e3 + dx * i;
            l1 += fabs(y[i] * dx - axial_bin(10e3, f - dx / 2, f + dx / 2));
        }
        /* ASG interpolation near the 1/sqrt edge singularity: measured 4e-4 (untilted) */
        ck_assert_msg(l1 < 1e-2, "CSA pattern (tilt %d): L1 %g", k, l1);
    }
    free(y);
}
END_TEST

/* Spin 1 (integer: no central transition), eta = 0, static: the Pake doublet,
 * transitions m = 1 and m = 0 at +-(nuQ/2) P2(cos theta), equal weights. */
START_TEST(test_pake_doublet)
{
    srx_lineshape_conditions c;
    srx_quad_site s;
    double *y = malloc(2000 * sizeof *y), dx, l1 = 0, nuq = 150e3;
    size_t i;
    srx_lineshape_conditions_init(&c);
    c.spin = 1.0;
    c.larmor_hz = 1e12; /* second order negligible */
    c.transitions = SRX_LINESHAPE_ALL;
    c.n_points = 2000;
    c.span_hz = 400e3;
    c.normalization = SRX_LINESHAPE_NORM_TOTAL;
    dx = c.span_hz / 2000;
    srx_quad_site_init(&s);
    s.cq_hz = nuq * 2 / 3; /* nuQ = 3 Cq / (2 I (2I - 1)) = 1.5 Cq */
    ck_assert_int_eq(srx_lineshape_simulate(&c, &s, NULL, 1, y, NULL), SRX_OK);
    for (i = 0; i < 2000; i++) {
        double f = -200e3 + dx * i;
        double want = 0.5 * axial_bin(nuq / 2, f - dx / 2, f + dx / 2) +
                      0.5 * axial_bin(nuq / 2, -f - dx / 2, -f + dx / 2);
        l1 += fabs(y[i] * dx - want);
    }
    /* measured 2e-4 (interpolation error at the singularities) */
    ck_assert_msg(l1 < 1e-2, "Pake doublet: L1 %g", l1);
    free(y);
}
END_TEST

typedef struct job {
    double *y;
    int status;
} job;

static void *worker(void *arg)
{
    job *jb = arg;
    srx_lineshape_conditions c;
    srx_quad_site s;
    al27(&c, &s, SRX_MAGIC_ANGLE_RAD);
    c.spinning_hz = 20e3;
    c.gb_hz = 100;
    c.n_divisions = 24;
    jb->status = srx_lineshape_simulate(&c, &s, NULL, 1, jb->y, NULL);
    return NULL;
}

START_TEST(test_threads)
{
    pthread_t th[4];
    job jb[4], ref;
    int t;
    size_t i;
    ref.y = malloc(4096 * sizeof(double));
    worker(&ref);
    ck_assert_int_eq(ref.status, SRX_OK);
    for (t = 0; t < 4; t++) {
        jb[t].y = malloc(4096 * sizeof(double));
        ck_assert_int_eq(pthread_create(&th[t], NULL, worker, &jb[t]), 0);
    }
    for (t = 0; t < 4; t++) {
        pthread_join(th[t], NULL);
        ck_assert_int_eq(jb[t].status, SRX_OK);
        for (i = 0; i < 4096; i++)
            ck_assert(jb[t].y[i] == ref.y[i]); /* same arithmetic: identical */
        free(jb[t].y);
    }
    free(ref.y);
}
END_TEST

START_TEST(test_bad_input)
{
    srx_lineshape_conditions c, b;
    srx_quad_site s;
    srx_lineshape *ls = NULL;
    srx_diag d;
    double y[64], pop[1];
    al27(&c, &s, 0.0);
    c.n_points = 64;
    ck_assert_int_eq(srx_lineshape_alloc(NULL, &ls, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_lineshape_alloc(&c, NULL, NULL), SRX_EINVAL);
    b = c; b.spin = NAN;
    ck_assert_int_eq(srx_lineshape_alloc(&b, &ls, NULL), SRX_EINVAL);
    b = c; b.spin = 1.2;
    ck_assert_int_eq(srx_lineshape_alloc(&b, &ls, NULL), SRX_EDOM);
    b = c; b.spin = 1.0; /* integer spin, central transition asked */
    ck_assert_int_eq(srx_lineshape_alloc(&b, &ls, &d), SRX_EDOM);
    ck_assert(strlen(d.message) > 0);
    b = c; b.span_hz = 0;
    ck_assert_int_eq(srx_lineshape_alloc(&b, &ls, NULL), SRX_EDOM);
    b = c; b.n_points = 1;
    ck_assert_int_eq(srx_lineshape_alloc(&b, &ls, NULL), SRX_EDOM);
    b = c; b.lb_hz = -1;
    ck_assert_int_eq(srx_lineshape_alloc(&b, &ls, NULL), SRX_EDOM);
    b = c; b.gb_hz = INFINITY;
    ck_assert_int_eq(srx_lineshape_alloc(&b, &ls, NULL), SRX_EINVAL);
    b = c; b.transitions = 5;
    ck_assert_int_eq(srx_lineshape_alloc(&b, &ls, NULL), SRX_EINVAL);
    b = c; b.normalization = 5;
    ck_assert_int_eq(srx_lineshape_alloc(&b, &ls, NULL), SRX_EINVAL);
    b = c; b.larmor_hz = -1;
    ck_assert_int_eq(srx_lineshape_alloc(&b, &ls, NULL), SRX_EDOM);
    b = c; b.spinning_hz = -1;
    ck_assert_int_eq(srx_lineshape_alloc(&b, &ls, NULL), SRX_EDOM);
    b = c; b.n_divisions = -3;
    ck_assert_int_eq(srx_lineshape_alloc(&b, &ls, NULL), SRX_EDOM);
    ck_assert(ls == NULL);
    c.n_divisions = 8;
    c.normalization = SRX_LINESHAPE_NORM_WINDOW;
    ck_assert_int_eq(srx_lineshape_alloc(&c, &ls, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_compute(ls, NULL, NULL, 1, y, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_lineshape_compute(ls, &s, NULL, 0, y, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_lineshape_compute(ls, &s, NULL, 1, NULL, NULL), SRX_EINVAL);
    pop[0] = -1;
    ck_assert_int_eq(srx_lineshape_compute(ls, &s, pop, 1, y, NULL), SRX_EDOM);
    pop[0] = 0;
    ck_assert_int_eq(srx_lineshape_compute(ls, &s, pop, 1, y, NULL), SRX_EDOM);
    pop[0] = NAN;
    ck_assert_int_eq(srx_lineshape_compute(ls, &s, pop, 1, y, NULL), SRX_EINVAL);
    s.eta = 1.5;
    ck_assert_int_eq(srx_lineshape_compute(ls, &s, NULL, 1, y, &d), SRX_EDOM);
    s.eta = 0.28;
    s.shift_hz = 1e6; /* the line is far outside the window */
    ck_assert_int_eq(srx_lineshape_compute(ls, &s, NULL, 1, y, NULL), SRX_EDOM);
    s.shift_hz = 0;
    ck_assert_int_eq(srx_lineshape_compute(ls, &s, NULL, 1, y, NULL), SRX_OK);
    ck_assert_uint_eq(srx_lineshape_n_points(ls), 64);
    ck_assert_int_eq(srx_lineshape_n_divisions(ls), 8);
    ck_assert_int_eq(srx_lineshape_frequencies(ls, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_lineshape_frequencies(ls, y, NULL), SRX_OK);
    ck_assert_double_eq_tol(y[0], -30e3, 1e-9);
    ck_assert_double_eq_tol(y[1] - y[0], 60e3 / 64, 1e-9);
    srx_lineshape_free(ls);
    srx_lineshape_free(NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lineshape");
    TCase *t;
    t = tcase_create("moments");
    tcase_add_test(t, test_first_moment);
    tcase_add_test(t, test_all_transitions_norm);
    tcase_add_test(t, test_czjzek_moment);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    t = tcase_create("convergence");
    tcase_add_test(t, test_convergence);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    t = tcase_create("sidebands");
    tcase_add_test(t, test_finite_to_infinite);
    tcase_add_test(t, test_sidebands_bruteforce);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    t = tcase_create("patterns");
    tcase_add_test(t, test_csa_pattern);
    tcase_add_test(t, test_pake_doublet);
    suite_add_tcase(s, t);
    t = tcase_create("broadening");
    tcase_add_test(t, test_broadening);
    suite_add_tcase(s, t);
    t = tcase_create("sites");
    tcase_add_test(t, test_populations_linear);
    suite_add_tcase(s, t);
    t = tcase_create("threads");
    tcase_add_test(t, test_threads);
    suite_add_tcase(s, t);
    t = tcase_create("bad_input");
    tcase_add_test(t, test_bad_input);
    suite_add_tcase(s, t);
    return s;
}

int main(void) { return srxt_run(suite()); }
