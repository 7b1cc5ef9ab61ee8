/* Unit tests of the exchange module.
 *
 * References (none of them the module's own output):
 * - the resolvent 1^T (2 pi i nu - A)^-1 p of the exchange matrix, inverted
 *   in closed form for two sites (the textbook two-site line shape) and by
 *   complex Gaussian elimination for three sites, integrated over each bin
 *   by 16-point Gauss-Legendre on sub-intervals;
 * - the zero-rate limit: population-weighted sticks / Lorentzians (arctan);
 * - the fast limit: one line at the population-weighted mean frequency with
 *   the motional width p1 p2 (2 pi dnu)^2 / (2 pi k_ex) of the second-order
 *   perturbation (Abragam ch. X);
 * - exact identities: sum of amplitudes 1, first moment = weighted mean
 *   frequency at every rate, additivity of the bin integrals;
 * - one tent (a line whose centre is spread over a triangle density), bin
 *   by bin as an adaptive (GSL CQUAD) integral over the centre of the
 *   line's exact bin integral. */
#include <config.h>

#include <complex.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_integration.h>

#include "internal.h"
#include "testlib.h"
#include "spinrelax/exchange.h"
#include "spinrelax/lineshape.h"
#include "spinrelax/spectral.h"
#include "spinrelax/powder.h"
#include "spinrelax/quadrupolar.h"

#define PI 3.14159265358979323846

static srx_exchange *ex2, *ex3;

static void setup(void)
{
    ck_assert_int_eq(srx_exchange_alloc(2, &ex2, NULL), SRX_OK);
    ck_assert_int_eq(srx_exchange_alloc(3, &ex3, NULL), SRX_OK);
}

static void teardown(void)
{
    srx_exchange_free(ex2);
    srx_exchange_free(ex3);
}

/* the resolvent spectrum S(nu) = 2 Re 1^T (2 pi i nu - A)^-1 p for n sites,
 * A = i 2 pi diag(f) + K^T, by Gaussian elimination with partial pivoting,
 * plus a Lorentzian broadening of HWHM hb (nu -> nu - i hb) */
static double resolvent(int n, const double *f, const double *p, double rate, double hb,
                        double nu)
{
    double complex m[4][5], z = 2.0 * PI * I * nu + 2.0 * PI * hb, s = 0.0;
    double k[4][4];
    int i, j, c;
    for (i = 0; i < n; i++) {
        double row = 0.0;
        for (j = 0; j < n; j++)
            if (j != i) {
                k[i][j] = rate * p[j] * n / (n - 1.0);
                row += k[i][j];
            }
        k[i][i] = -row;
    }
    /* (z - A) x = p with A_ij = i 2 pi f_i delta_ij + k_ji */
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++)
            m[i][j] = (i == j ? z - 2.0 * PI * I * f[i] : 0.0) - k[j][i];
        m[i][n] = p[i];
    }
    for (c = 0; c < n; c++) {
        int piv = c;
        for (i = c + 1; i < n; i++)
            if (cabs(m[i][c]) > cabs(m[piv][c]))
                piv = i;
        for (j = 0; j <= n; j++) {
            double complex t = m[c][j];
            m[c][j] = m[piv][j];
            m[piv][j] = t;
        }
        for (i = c + 1; i < n; i++) {
            double complex fct = m[i][c] / m[c][c];
            for (j = c; j <= n; j++)
                m[i][j] -= fct * m[c][j];
        }
    }
    for (i = n - 1; i >= 0; i--) {
        double complex x = m[i][n];
        for (j = i + 1; j < n; j++)
            x -= m[i][j] * m[j][n];
        m[i][n] = x / m[i][i];
        s += m[i][n];
    }
    return 2.0 * creal(s);
}

/* the textbook two-site form: 1^T (zI - A)^-1 p with a = z - 2 pi i f1 + k1,
 * b = z - 2 pi i f2 + k2, k1 = k p2 N/(N-1), k2 = k p1 N/(N-1) */
static double two_site(double f1, double f2, double p1, double rate, double nu)
{
    double p2 = 1.0 - p1, k1 = 2.0 * rate * p2, k2 = 2.0 * rate * p1;
    double complex z = 2.0 * PI * I * nu;
    double complex a = z - 2.0 * PI * I * f1 + k1, b = z - 2.0 * PI * I * f2 + k2;
    /* (zI - A) = [[a, -k2], [-k1, b]] (A_ij = k_ji): inverse [[b, k2], [k1, a]] / (ab - k1 k2) */
    double complex num = p1 * (b + k1) + p2 * (a + k2);
    return 2.0 * creal(num / (a * b - k1 * k2));
}

/* bin average of a spectrum function by 16-point Gauss-Legendre on `sub`
 * sub-intervals */
typedef double (*spec_fn)(const void *ctx, double nu);
static double bin_average(spec_fn fn, const void *ctx, double lo, double hi, int sub)
{
    static const double x[8] = {0.0950125098376374, 0.2816035507792589, 0.4580167776572274,
                                0.6178762444026438, 0.7554044083550030, 0.8656312023878318,
                                0.9445750230732326, 0.9894009349916499};
    static const double w[8] = {0.1894506104550685, 0.1826034150449236, 0.1691565193950025,
                                0.1495959888165767, 0.1246289712555339, 0.0951585116824928,
                                0.0622535239386479, 0.0271524594117541};
    double s = 0.0, h = (hi - lo) / sub;
    int j, k;
    for (j = 0; j < sub; j++) {
        double c = lo + (j + 0.5) * h;
        for (k = 0; k < 8; k++)
            s += w[k] * (fn(ctx, c + 0.5 * h * x[k]) + fn(ctx, c - 0.5 * h * x[k]));
    }
    return s * 0.5 * h / (hi - lo);
}

typedef struct rctx {
    int n;
    const double *f, *p;
    double rate, hb;
} rctx;

static double rfn(const void *c, double nu)
{
    const rctx *r = c;
    return resolvent(r->n, r->f, r->p, r->rate, r->hb, nu);
}

static double tfn(const void *c, double nu)
{
    const rctx *r = c;
    return two_site(r->f[0], r->f[1], r->p[0], r->rate, nu);
}

/* the tent reference: G(e) = int T(mu) A(e - mu) dmu with A the
 * antiderivative of the line, by CQUAD over the two linear pieces split at
 * mu = e (where A turns fastest); bin i = (G(e_i+1) - G(e_i)) / spacing */
typedef struct tent_ref {
    double pa, pb, pc, g, cr, ci, e;
} tent_ref;

static double tent_density(const tent_ref *t, double mu)
{
    if (mu <= t->pa || mu >= t->pc)
        return 0.0;
    return mu < t->pb ? 2.0 * (mu - t->pa) / ((t->pc - t->pa) * (t->pb - t->pa))
                      : 2.0 * (t->pc - mu) / ((t->pc - t->pa) * (t->pc - t->pb));
}

static double tent_integrand(double mu, void *p)
{
    const tent_ref *t = p;
    double x = t->e - mu;
    return tent_density(t, mu) *
           (t->cr * atan2(x, t->g) + 0.5 * t->ci * log(t->g * t->g + x * x)) / PI;
}

static double tent_G(tent_ref *t, gsl_integration_cquad_workspace *w)
{
    double cuts[5], s = 0.0, v;
    int n = 0, j;
    size_t nev;
    gsl_function f = {tent_integrand, t};
    cuts[n++] = t->pa;
    if (t->e > t->pa && t->e < t->pb)
        cuts[n++] = t->e;
    cuts[n++] = t->pb;
    if (t->e > t->pb && t->e < t->pc)
        cuts[n++] = t->e;
    cuts[n++] = t->pc;
    for (j = 0; j + 1 < n; j++) {
        ck_assert_int_eq(gsl_integration_cquad(&f, cuts[j], cuts[j + 1], 1e-13, 1e-11, w, &v,
                                               NULL, &nev), 0);
        s += v;
    }
    return s;
}

START_TEST(test_tent_binning)
{
    /* One tent (a line whose centre is spread over a triangle density) as
     * the powder code bins it, against CQUAD quadrature of the convolution.
     * Directly (mode 0: exact near the tent, beyond it the line at the
     * tent's centroid corrected by its variance and third moment; mode 1:
     * the same with the far tails on coarse nodes; the fallback of sources
     * that do not fit the mesh): within 1.5e-4 of the peak bin by bin and
     * 4e-5 in relative L1 (measured 1e-4, 2.1e-5), with the coarse far
     * field 3e-4 and 2e-4 (measured 1.8e-4, 1.03e-4).  Through the particle
     * mesh (mode 2, the default far field): within 6e-5 of the peak and
     * 2e-5 in L1 (measured 3.4e-5 and 6e-6).  Cases: a wide tent with a line narrower than a bin, a
     * narrow tent, a strongly dispersive amplitude, a line wider than the
     * tent, a line of zero width with a dispersive part, a wide tent with a
     * line of 5.5 bins (the edge of the exact near zone) and one of 40 bins
     * (no near zone), a tent a quarter of a bin wide. */
    static double out[2048], ref[2048];
    const double cases[][6] = {{-120.0, -40.0, 95.0, 15.0, 0.8, 0.3},
                               {-12.0, 3.0, 14.0, 4.0, 1.0, 0.0},
                               {-300.0, 100.0, 180.0, 2.0, 0.6, -0.9},
                               {-60.0, -50.0, 70.0, 90.0, 1.0, 0.2},
                               {-80.0, 20.0, 30.0, 0.0, 0.7, 0.4},
                               {-400.0, -390.0, 350.0, 55.0, 0.9, -0.3},
                               {-35.0, 0.0, 35.0, 400.0, 0.5, 0.5},
                               {3.0, 4.0, 5.5, 2.0, 0.6, -0.7}};
    gsl_integration_cquad_workspace *w = gsl_integration_cquad_workspace_alloc(200);
    int ic, mode, i;
    ck_assert_ptr_nonnull(w);
    for (ic = 0; ic < 8; ic++) {
        tent_ref t = {cases[ic][0], cases[ic][1], cases[ic][2], cases[ic][3], cases[ic][4],
                      cases[ic][5], 0.0};
        double prev, peak = 0.0;
        t.e = -10240.0 - 5.0;
        prev = tent_G(&t, w);
        for (i = 0; i < 2048; i++) {
            double cur;
            t.e = -10240.0 - 5.0 + 10.0 * (i + 1);
            cur = tent_G(&t, w);
            ref[i] = (cur - prev) / 10.0;
            prev = cur;
            peak = fmax(peak, fabs(ref[i]));
        }
        for (mode = 0; mode < 3; mode++) {
            double mx = 0.0, l1 = 0.0, nrm = 0.0;
            const double tmax[3] = {1.5e-4, 3e-4, 6e-5}, tl1[3] = {4e-5, 2e-4, 2e-5};
            if (mode < 2 && ic >= 4)
                continue; /* the direct path's bounds were set for the first four */
            ck_assert_int_eq(srxi_exchange_tent_binned(t.pa, t.pb, t.pc, t.g, t.cr, t.ci,
                                                       -10240.0, 10.0, 2048, mode, out),
                             SRX_OK);
            for (i = 0; i < 2048; i++) {
                mx = fmax(mx, fabs(out[i] - ref[i]));
                l1 += fabs(out[i] - ref[i]);
                nrm += fabs(ref[i]);
            }
            ck_assert_msg(mx < tmax[mode] * peak && l1 < tl1[mode] * nrm,
                          "tent %d mode %d: max %g of the peak, L1 %g", ic, mode, mx / peak,
                          l1 / nrm);
        }
    }
    gsl_integration_cquad_workspace_free(w);
}
END_TEST

START_TEST(test_mesh_random)
{
    /* random sources through the mesh against exact binning over every
     * bin: lines and tents of widths 0 to 10^5 bins (log-uniform), centres
     * anywhere within the mesh (up to half a window beyond the grid),
     * spreads 0.5 to 80 bins, any complex amplitude: within 2e-4 of the
     * peak of the exact result and 1e-4 in L1.  Tents as the simulator
     * makes them: lines at most four times wider than their spread (the
     * exact reference, second divided differences of the third
     * antiderivative, loses about eps |g + i x|^3 / spread of its value; the
     * mesh does not, and tents of narrower spreads are tested against
     * quadrature above).  200 sources (SRX_LONG: 5000; measured at worst
     * 1.01e-4 of the peak and 8e-5 in L1); a source that does not fit the
     * mesh must be a wide tent at the edge (44 of 5000). */
    static double a[512], b[512];
    int n = srxt_long() ? 5000 : 200, t, i, fitted = 0;
    unsigned long long st = 0x9e3779b97f4a7c15ULL;
    for (t = 0; t < n; t++) {
        double u[7], g, pa, pb, pc, cr, ci, peak = 0.0, mx = 0.0, l1 = 0.0, nrm = 0.0;
        int line, k, rc;
        for (k = 0; k < 7; k++) {
            st = st * 6364136223846793005ULL + 1442695040888963407ULL;
            u[k] = (double)(st >> 11) * (1.0 / 9007199254740992.0);
        }
        line = u[0] < 0.3;
        g = u[1] < 0.1 ? 0.0 : pow(10.0, -2.0 + 7.0 * u[1]); /* bins */
        pa = -250.0 + 1000.0 * u[2];                         /* bins: grid 0 .. 511 */
        pb = line ? pa : pa + 0.25 + 40.0 * u[3] * u[3];
        pc = line ? pa : pb + 0.25 + 40.0 * u[4] * u[4];
        if (!line)
            g = fmin(g, 4.0 * (pc - pa));
        cr = 2.0 * u[5] - 0.5;
        /* (a line of zero width and real amplitude has no tails and never
         * reaches the mesh) */
        ci = u[6] < 0.2 && g > 0.0 ? 0.0 : 2.0 * u[6] - 1.0;
        rc = srxi_exchange_tent_binned(pa, pb, pc, g, cr, ci, 0.0, 1.0, 512, 2, a);
        if (rc == SRX_EINVAL) {
            ck_assert_msg(!line && (pa < -250.0 + 2.0 || pc > 761.0 - 4.0),
                          "source %d (%g %g %g, g %g) did not fit the mesh", t, pa, pb, pc, g);
            continue;
        }
        ck_assert_int_eq(rc, SRX_OK);
        fitted++;
        ck_assert_int_eq(srxi_exchange_tent_binned(pa, pb, pc, g, cr, ci, 0.0, 1.0, 512, 3, b),
                         SRX_OK);
        for (i = 0; i < 512; i++) {
            peak = fmax(peak, fabs(b[i]));
            mx = fmax(mx, fabs(a[i] - b[i]));
            l1 += fabs(a[i] - b[i]);
            nrm += fabs(b[i]);
        }
        /* relative to the larger of the peak in the window and the
         * source's own peak (about |c| min(2 / (spread + 1), 1 / (1 + pi
         * g)) per bin: sources outside the window show only their tails),
         * with an absolute floor of 1e-9 of the source's area (the exact
         * reference's rounding) */
        peak = fmax(peak, hypot(cr, ci) * fmin(2.0 / (pc - pa + 1.0), 1.0 / (1.0 + PI * g)));
        ck_assert_msg(mx < 2e-4 * peak + 1e-9 && l1 < 1e-4 * nrm + 1e-9,
                      "source %d (line %d, %g %g %g, g %g, c %g%+gi): max %g of the peak, L1 %g",
                      t, line, pa, pb, pc, g, cr, ci, mx / peak, l1 / nrm);
    }
    ck_assert_int_ge(fitted, n * 9 / 10);
}
END_TEST

START_TEST(test_mesh_continuity)
{
    /* the spectrum is continuous in the width and position of a source:
     * across the edges of the exact near zone (|g + i d| = 12 .. 13 bins for
     * a line, 4 .. 5 for the corners of a wide tent) a change of 2e-7 bins changes
     * no bin by more than 1e-6 of the peak (a jump between the exact and
     * the mesh value would be about 1e-5) */
    static double a[1024], b[1024];
    const double gs[][2] = {{12.0, 1}, {12.5, 1}, {13.0, 1}, {4.0, 0}, {4.5, 0}, {5.0, 0}};
    int k, i;
    for (k = 0; k < 6; k++) {
        double g = gs[k][0] * 2.0, d = 2e-7 * 2.0, peak = 0.0, mx = 0.0; /* 2 Hz bins */
        double pa = 100.3, pb = gs[k][1] ? pa : 123.0, pc = gs[k][1] ? pa : 160.0;
        ck_assert_int_eq(srxi_exchange_tent_binned(pa, pb, pc, g - d, 0.7, 0.3, -1000.0, 2.0, 1024,
                                                   2, a),
                         SRX_OK);
        ck_assert_int_eq(srxi_exchange_tent_binned(pa, pb, pc, g + d, 0.7, 0.3, -1000.0, 2.0, 1024,
                                                   2, b),
                         SRX_OK);
        for (i = 0; i < 1024; i++) {
            peak = fmax(peak, fabs(a[i]));
            mx = fmax(mx, fabs(a[i] - b[i]));
        }
        ck_assert_msg(mx < 1e-6 * peak, "width %g bins: step %g of the peak", gs[k][0], mx / peak);
        /* and in the position, across a near-zone edge at 12.5 bins */
        ck_assert_int_eq(srxi_exchange_tent_binned(pa - d, pb - d, pc - d, 5.0, 0.7, 0.3, -1000.0,
                                                   2.0, 1024, 2, a),
                         SRX_OK);
        ck_assert_int_eq(srxi_exchange_tent_binned(pa + d, pb + d, pc + d, 5.0, 0.7, 0.3, -1000.0,
                                                   2.0, 1024, 2, b),
                         SRX_OK);
        for (i = 0, mx = 0.0, peak = 0.0; i < 1024; i++) {
            peak = fmax(peak, fabs(a[i]));
            mx = fmax(mx, fabs(a[i] - b[i]));
        }
        ck_assert_msg(mx < 1e-6 * peak, "shift: step %g of the peak", mx / peak);
    }
}
END_TEST

START_TEST(test_line_mesh)
{
    /* single lines (a corner of the powder set) through the mesh against
     * their closed-form bin integrals (1/pi)[cr atan(x/g) + ci ln|g + i x|]:
     * widths from 0 to 10^4 bins, centres anywhere in a bin, amplitudes with
     * dispersive parts: within 6e-5 of the peak and 2e-5 in L1 (measured
     * 4.1e-5 and 9.7e-6: the dispersive tail just outside the exact near
     * zone, where the cubic charge assignment is off by about
     * 0.6 |gamma + i d|^-4 of the local value) */
    static double out[1024];
    const double g[] = {0.0, 0.03, 0.5, 1.7, 5.9, 6.1, 33.0, 1e4};
    const double f[] = {0.0, 3.37, -4.999, 250.5};
    int ig, jf, i;
    for (ig = 0; ig < 8; ig++) {
        for (jf = 0; jf < 4; jf++) {
            double cr = 0.8, ci = ig == 0 ? 0.0 : -0.45, peak = 0.0, mx = 0.0, l1 = 0.0, nrm = 0.0;
            double gh = g[ig] * 2.0, fh = f[jf] * 2.0; /* 2 Hz bins */
            ck_assert_int_eq(srxi_exchange_tent_binned(fh, fh, fh, gh, cr, ci, -1000.0, 2.0, 1024,
                                                       2, out),
                             SRX_OK);
            for (i = 0; i < 1024; i++) {
                double lo = -1000.0 + 2.0 * i - 1.0 - fh, hi = lo + 2.0, v;
                v = (cr * (atan2(hi, gh) - atan2(lo, gh)) +
                     (ci != 0.0 ? 0.5 * ci * log((gh * gh + hi * hi) / (gh * gh + lo * lo)) : 0.0)) /
                    (PI * 2.0);
                peak = fmax(peak, fabs(v));
                mx = fmax(mx, fabs(out[i] - v));
                l1 += fabs(out[i] - v);
                nrm += fabs(v);
            }
            ck_assert_msg(mx < 6e-5 * peak && l1 < 2e-5 * nrm,
                          "line g %g bins at %g bins: max %g of the peak, L1 %g", g[ig], f[jf],
                          mx / peak, l1 / nrm);
        }
    }
}
END_TEST

START_TEST(test_rate_matrix)
{
    /* cli.md: k_ij = K p_j N/(N-1); rows sum to 0; detailed balance;
     * equal populations: every site left at rate K */
    double p[3] = {1.0, 2.0, 5.0}, k[9], eq[9];
    int i, j;
    ck_assert_int_eq(srx_exchange_rate_matrix(3, p, 100.0, k, NULL), SRX_OK);
    for (i = 0; i < 3; i++) {
        double row = 0.0;
        for (j = 0; j < 3; j++) {
            row += k[i * 3 + j];
            if (i != j) {
                srxt_assert_rel(k[i * 3 + j], 100.0 * p[j] / 8.0 * 1.5, 1e-15);
                srxt_assert_rel(p[i] * k[i * 3 + j], p[j] * k[j * 3 + i], 1e-15);
            }
        }
        ck_assert(fabs(row) < 1e-12);
    }
    ck_assert_int_eq(srx_exchange_rate_matrix(3, NULL, 7.0, eq, NULL), SRX_OK);
    for (i = 0; i < 3; i++)
        srxt_assert_rel(-eq[i * 3 + i], 7.0, 1e-15);
}
END_TEST

START_TEST(test_two_site_textbook)
{
    /* one orientation, two sites 2 kHz apart, populations 0.5/0.5 and
     * 0.3/0.7, rates from slow to fast (through coalescence at
     * k = pi dnu / 2 for the symmetric case): the binned spectrum equals
     * the bin average of the closed two-site form.  Tolerance 1e-9 of the
     * peak: the bin averages are converged (8 sub-intervals of 16-point
     * Gauss-Legendre over a 5 Hz bin on lines >= 50 Hz wide) and the
     * eigen-decomposition is accurate to ~1e-13 relative. */
    static double out[2000];
    const double f[2] = {-800.0, 1200.0}, rates[] = {300.0, 3141.59, PI * 2000.0 / 2.0, 2e4, 3e5};
    const double pops[2][2] = {{0.5, 0.5}, {0.3, 0.7}};
    int ip, ir, i;
    for (ip = 0; ip < 2; ip++) {
        for (ir = 0; ir < 5; ir++) {
            rctx c = {2, f, pops[ip], rates[ir], 0.0};
            double peak = 0.0, maxerr = 0.0;
            ck_assert_int_eq(srx_exchange_spectrum(ex2, pops[ip], rates[ir], 1, f, NULL, 0.0, 0.0, -5000.0, 5.0, 2000, out, NULL),
                             SRX_OK);
            for (i = 0; i < 2000; i++) {
                double lo = -5000.0 + (i - 0.5) * 5.0;
                double ref = bin_average(tfn, &c, lo, lo + 5.0, 8);
                peak = fmax(peak, ref);
                maxerr = fmax(maxerr, fabs(out[i] - ref));
            }
            ck_assert_msg(maxerr < 1e-8 * peak, "p1 %g rate %g: max error %g of peak %g",
                          pops[ip][0], rates[ir], maxerr, peak);
        }
    }
}
END_TEST

START_TEST(test_three_site_resolvent)
{
    /* three sites, unequal populations, Lorentzian broadening: against the
     * resolvent by Gaussian elimination (independent of the eigen path) */
    static double out[1500];
    const double f[3] = {-1500.0, 200.0, 2600.0}, p[3] = {0.2, 0.5, 0.3};
    const double rates[] = {0.0, 500.0, 5000.0, 5e4};
    int ir, i;
    for (ir = 0; ir < 4; ir++) {
        rctx c = {3, f, p, rates[ir], 20.0};
        double peak = 0.0, maxerr = 0.0;
        ck_assert_int_eq(srx_exchange_spectrum(ex3, p, rates[ir], 1, f, NULL, 40.0, 0.0, -6000.0, 8.0, 1500, out, NULL),
                         SRX_OK);
        for (i = 0; i < 1500; i++) {
            double lo = -6000.0 + (i - 0.5) * 8.0;
            double ref = bin_average(rfn, &c, lo, lo + 8.0, 8);
            peak = fmax(peak, ref);
            maxerr = fmax(maxerr, fabs(out[i] - ref));
        }
        ck_assert_msg(maxerr < 1e-8 * peak, "rate %g: max error %g of peak %g", rates[ir],
                      maxerr, peak);
    }
}
END_TEST

START_TEST(test_zero_rate)
{
    /* K = 0, no broadening: population-weighted sticks in the bins that
     * hold the site frequencies (exact); with lb, Lorentzians of HWHM lb/2
     * (arctan by hand) */
    static double out[400], f[3 * 50], w[50];
    const double p[3] = {0.25, 0.25, 0.5};
    double ref[400];
    int o, i, k;
    for (o = 0; o < 50; o++) {
        for (k = 0; k < 3; k++)
            f[o * 3 + k] = -900.123 + 37.3 * o + 411.7 * k; /* off the bin edges */
        w[o] = 1.0 + 0.1 * o;
    }
    ck_assert_int_eq(srx_exchange_spectrum(ex3, p, 0.0, 50, f, w, 0.0, 0.0, -1000.0, 10.0, 400, out, NULL),
                     SRX_OK);
    memset(ref, 0, sizeof ref);
    {
        double ws = 0.0;
        for (o = 0; o < 50; o++)
            ws += w[o];
        for (o = 0; o < 50; o++)
            for (k = 0; k < 3; k++) {
                int b = (int)floor((f[o * 3 + k] - (-1000.0 - 5.0)) / 10.0);
                if (b >= 0 && b < 400)
                    ref[b] += w[o] / ws * p[k] / 10.0;
            }
    }
    for (i = 0; i < 400; i++)
        ck_assert_msg(fabs(out[i] - ref[i]) < 1e-14, "bin %d: %g vs %g", i, out[i], ref[i]);
    /* with lb = 30 Hz */
    ck_assert_int_eq(srx_exchange_spectrum(ex3, p, 0.0, 50, f, w, 30.0, 0.0, -1000.0, 10.0, 400, out, NULL),
                     SRX_OK);
    {
        double ws = 0.0;
        for (o = 0; o < 50; o++)
            ws += w[o];
        for (i = 0; i < 400; i++) {
            double lo = -1005.0 + 10.0 * i, hi = lo + 10.0, s = 0.0;
            for (o = 0; o < 50; o++)
                for (k = 0; k < 3; k++)
                    s += w[o] / ws * p[k] *
                         (atan((hi - f[o * 3 + k]) / 15.0) - atan((lo - f[o * 3 + k]) / 15.0)) /
                         PI;
            ck_assert_msg(fabs(out[i] - s / 10.0) < 1e-13, "lb bin %d", i);
        }
    }
}
END_TEST

START_TEST(test_fast_limit)
{
    /* very fast exchange: one line at the population-weighted mean
     * frequency, of HWHM g = p1 p2 (2 pi dnu)^2 / (2 pi k_ex), k_ex = k12 + k21
     * (second order in dnu / k_ex, relative correction ~ (2 pi dnu / k_ex)^2
     * = 1.6e-5 here), the other mode broad (g ~ k_ex / 2 pi) with amplitude
     * ~ 0; and orientation by orientation (not an averaged tensor) */
    const double f[2] = {-700.0, 1300.0}, p[2] = {0.3, 0.7}, rate = 1e7;
    double lf[2], lg[2], cr[2], ci[2], mean = 0.3 * -700.0 + 0.7 * 1300.0;
    double kex = 2.0 * rate * (0.7 + 0.3); /* k12 + k21 = K N/(N-1) (p2 + p1) */
    int k, narrow;
    ck_assert_int_eq(srx_exchange_lines(ex2, p, rate, f, lf, lg, cr, ci, NULL), SRX_OK);
    narrow = lg[0] < lg[1] ? 0 : 1;
    ck_assert(fabs(lf[narrow] - mean) < 1e-6 * 2000.0);
    srxt_assert_rel(lg[narrow], 0.3 * 0.7 * pow(2.0 * PI * 2000.0, 2) / kex / (2.0 * PI), 1e-4);
    srxt_assert_rel(cr[narrow], 1.0, 1e-5);
    ck_assert(fabs(cr[1 - narrow]) < 1e-5 && lg[1 - narrow] > 0.9 * kex / (2.0 * PI));
    (void)k;
    {
        /* powder of hand-made orientations: the spectrum is the histogram
         * of the per-orientation means */
        static double fo[2 * 200], out[600], ref[600];
        int o, i;
        memset(ref, 0, sizeof ref);
        for (o = 0; o < 200; o++) {
            double m, d, g;
            fo[2 * o] = 1000.0 * cos(0.1 * o);
            fo[2 * o + 1] = 800.0 * sin(0.37 * o) - 300.0;
            m = 0.3 * fo[2 * o] + 0.7 * fo[2 * o + 1];
            d = fo[2 * o + 1] - fo[2 * o];
            g = 0.21 * pow(2.0 * PI * d, 2) / (2e9 * 2.0 * PI); /* motional HWHM */
            for (i = 0; i < 600; i++) {
                double lo = -1502.5 + 5.0 * i;
                ref[i] += (atan((lo + 5.0 - m) / g) - atan((lo - m) / g)) / PI / 200.0 / 5.0;
            }
        }
        ck_assert_int_eq(srx_exchange_spectrum(ex2, p, 1e9, 200, fo, NULL, 0.0, 0.0, -1500.0, 5.0, 600, out, NULL),
                         SRX_OK);
        /* the narrow mode's width and position are exact to ~(2 pi d / k_ex)^2
         * ~ 1e-8 relative; the broad mode (amplitude ~1e-7, width ~3e8 Hz)
         * adds ~1e-15 per bin: 1e-9 of a 1e-3 stick */
        for (i = 0; i < 600; i++)
            ck_assert_msg(fabs(out[i] - ref[i]) < 1e-9, "bin %d: %g vs %g", i, out[i], ref[i]);
    }
}
END_TEST

START_TEST(test_moments_and_amplitudes)
{
    /* At every rate: sum of amplitudes 1 and, from -i s'(0) = weighted mean
     * frequency, sum Re(c) nu - Im(c) g = mean and sum Re(c) g + Im(c) nu = 0
     * (the FID's first moment); the first moment of the binned spectrum over
     * a window of +-2 MHz with 4 kHz of line broadening agrees with the mean
     * to 0.5 Hz (Lorentzian tails beyond the window: dispersive parts cancel
     * between the lines of an orientation, absorptive ones are symmetric to
     * first order). */
    const double f[3] = {-1500.0, 200.0, 2600.0}, p[3] = {0.2, 0.5, 0.3};
    double mean = 0.2 * -1500.0 + 0.5 * 200.0 + 0.3 * 2600.0, r;
    for (r = 1.0; r < 1e11; r *= 10.0) {
        double lf[3], lg[3], cr[3], ci[3], s0 = 0.0, s1 = 0.0, s2 = 0.0;
        int k;
        ck_assert_int_eq(srx_exchange_lines(ex3, p, r, f, lf, lg, cr, ci, NULL), SRX_OK);
        for (k = 0; k < 3; k++) {
            s0 += cr[k];
            s1 += cr[k] * lf[k] - ci[k] * lg[k];
            s2 += cr[k] * lg[k] + ci[k] * lf[k];
            ck_assert(lg[k] >= 0.0);
        }
        ck_assert_msg(fabs(s0 - 1.0) < 1e-10, "rate %g: sum c = %.15g", r, s0);
        ck_assert_msg(fabs(s1 - mean) < 1e-9 * (2600.0 + r / (2 * PI)), "rate %g: mean %g", r,
                      s1);
        ck_assert_msg(fabs(s2) < 1e-9 * (2600.0 + r / (2 * PI)), "rate %g: %g", r, s2);
    }
    {
        static double out[20000];
        double rates[] = {0.0, 1e3, 1e4, 1e5, 1e7};
        int ir, i;
        for (ir = 0; ir < 5; ir++) {
            double m0 = 0.0, m1 = 0.0;
            ck_assert_int_eq(srx_exchange_spectrum(ex3, p, rates[ir], 1, f, NULL, 4000.0, 0.0, -2e6 + mean, 200.0, 20000, out, NULL),
                             SRX_OK);
            for (i = 0; i < 20000; i++) {
                double nu = -2e6 + mean + 200.0 * i;
                m0 += out[i] * 200.0;
                m1 += out[i] * 200.0 * nu;
            }
            ck_assert_msg(fabs(m1 / m0 - mean) < 0.5, "rate %g: first moment %g vs %g",
                          rates[ir], m1 / m0, mean);
        }
    }
}
END_TEST

START_TEST(test_bins_area)
{
    /* the same spectrum on 1 Hz bins and on 25 Hz bins with the same
     * edges: each coarse bin is the sum of its 25 fine ones (exact
     * antiderivative near the lines, 1e-7 relative where 2-point
     * Gauss-Legendre takes over in the far tails); lines narrower than a bin keep
     * their area (total within 1e-3 of 1 over a window of +-1e4 widths) */
    static double fine[25000], coarse[1000];
    const double f[2] = {-300.0, 450.0}, p[2] = {0.4, 0.6};
    const double rates[] = {0.0, 10.0, 2000.0, 1e6};
    int ir, i, j;
    for (ir = 0; ir < 4; ir++) {
        double area = 0.0;
        ck_assert_int_eq(srx_exchange_spectrum(ex2, p, rates[ir], 1, f, NULL, 0.0, 0.0, -12500.0, 1.0, 25000, fine, NULL),
                         SRX_OK);
        ck_assert_int_eq(srx_exchange_spectrum(ex2, p, rates[ir], 1, f, NULL, 0.0, 0.0, -12488.0, 25.0, 1000, coarse, NULL),
                         SRX_OK);
        for (i = 0; i < 1000; i++) {
            double s = 0.0;
            for (j = 0; j < 25; j++)
                s += fine[25 * i + j] * 1.0;
            ck_assert_msg(fabs(s - coarse[i] * 25.0) < 1e-7 * fabs(s) + 1e-15,
                          "rate %g bin %d: %.17g vs %.17g",
                          rates[ir], i, s, coarse[i] * 25.0);
            area += coarse[i] * 25.0;
        }
        {
            /* outside +-12.5 kHz a Lorentzian of HWHM g centred within
             * 0.5 kHz of 0 loses at most (2/pi) g / 12 kHz of its area */
            double lf[2], lg[2], cr[2], ci[2], lost = 0.0;
            ck_assert_int_eq(srx_exchange_lines(ex2, p, rates[ir], f, lf, lg, cr, ci, NULL),
                             SRX_OK);
            for (j = 0; j < 2; j++)
                lost += (2.0 / PI) * fabs(cr[j]) * lg[j] / 12000.0 + fabs(ci[j]) * 1e-3;
            ck_assert_msg(fabs(area - 1.0) < lost + 1e-12, "rate %g: area %.15g (tails %g)",
                          rates[ir], area, lost);
        }
    }
}
END_TEST

START_TEST(test_exceptional_point)
{
    /* symmetric two sites exactly at coalescence, k = pi dnu / 2 ... the
     * 2x2 matrix is defective there; the result must be finite and match
     * the closed form (1e-6 of the peak: the rate is moved by 1e-7) */
    static double out[800];
    const double f[2] = {-500.0, 500.0}, p[2] = {0.5, 0.5};
    double rate = PI * 1000.0 / 2.0;
    rctx c = {2, f, p, rate, 0.0};
    double peak = 0.0, maxerr = 0.0;
    int i;
    ck_assert_int_eq(srx_exchange_spectrum(ex2, p, rate, 1, f, NULL, 0.0, 0.0, -2000.0, 5.0, 800, out, NULL),
                     SRX_OK);
    for (i = 0; i < 800; i++) {
        double lo = -2000.0 + (i - 0.5) * 5.0, ref = bin_average(tfn, &c, lo, lo + 5.0, 8);
        ck_assert(isfinite(out[i]));
        peak = fmax(peak, ref);
        maxerr = fmax(maxerr, fabs(out[i] - ref));
    }
    ck_assert_msg(maxerr < 1e-6 * peak, "max error %g of peak %g", maxerr, peak);
}
END_TEST

START_TEST(test_bad_input)
{
    double f[2] = {0.0, 100.0}, k[4], out[10], lf[2], lg[2], cr[2], ci[2];
    double bad[2] = {1.0, NAN}, neg[2] = {-1.0, 1.0}, zero[2] = {0.0, 0.0};
    srx_exchange *e;
    ck_assert_int_eq(srx_exchange_alloc(1, &e, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_alloc(17, &e, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_alloc(2, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_rate_matrix(2, NULL, -1.0, k, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_rate_matrix(2, NULL, NAN, k, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_rate_matrix(2, NULL, 1.0, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_rate_matrix(1, NULL, 1.0, k, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_rate_matrix(2, bad, 1.0, k, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_rate_matrix(2, neg, 1.0, k, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_rate_matrix(2, zero, 1.0, k, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_lines(NULL, NULL, 1.0, f, lf, lg, cr, ci, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_lines(ex2, NULL, 1.0, bad, lf, lg, cr, ci, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_lines(ex2, NULL, 1.0, f, NULL, lg, cr, ci, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_lines(ex2, NULL, INFINITY, f, lf, lg, cr, ci, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_spectrum(ex2, NULL, 1.0, 1, f, NULL, 0.0, 0.0, 0.0, 1.0, 10, out, NULL),
                     SRX_OK);
    ck_assert_int_eq(srx_exchange_spectrum(ex2, NULL, 1.0, 0, f, NULL, 0.0, 0.0, 0.0, 1.0, 10, out, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_spectrum(ex2, NULL, 1.0, 1, f, NULL, 0.0, 0.0, 0.0, 1.0, 0, out, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_spectrum(ex2, NULL, 1.0, 1, f, NULL, -1.0, 0.0, 0.0, 1.0, 10, out, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_spectrum(ex2, NULL, 1.0, 1, f, NULL, 0.0, 0.0, 0.0, 0.0, 10, out, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_spectrum(ex2, NULL, 1.0, 1, f, NULL, 0.0, 0.0, NAN, 1.0, 10, out, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_spectrum(ex2, NULL, 1.0, 1, bad, NULL, 0.0, 0.0, 0.0, 1.0, 10, out, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_spectrum(ex2, NULL, 1.0, 1, f, neg, 0.0, 0.0, 0.0, 1.0, 10, out, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_spectrum(ex2, NULL, 1.0, 1, f, zero, 0.0, 0.0, 0.0, 1.0, 10, out, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_spectrum(ex2, NULL, 1.0, 1, f, NULL, 0.0, 0.0, 0.0, 1.0, 10, NULL, NULL),
                     SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_n_sites(ex3), 3);
    ck_assert_int_eq(srx_exchange_n_sites(NULL), 0);
    srx_exchange_free(NULL);
}
END_TEST


/* ------------------------------------------------------------ quadrupolar sites */

/* 27Al, 130.29 MHz (physics.md section 6 check values) */
#define AL_SPIN 2.5
#define AL_LARMOR 130.29e6
#define DEG (PI / 180.0)

/* central-transition second-order frequency from physics.md section 6,
 * written here independently of the quadrupolar module */
static double ct_freq(double cq, double eta, int mas, double theta, double phi)
{
    double nuq = 3.0 * cq / (2.0 * AL_SPIN * (2.0 * AL_SPIN - 1.0));
    double c = cos(2.0 * phi), e = eta, a, b, cc, x = cos(theta) * cos(theta);
    if (!mas) {
        a = -27.0 / 8.0 + 9.0 / 4.0 * e * c - 3.0 / 8.0 * e * e * c * c;
        b = 30.0 / 8.0 - 0.5 * e * e - 2.0 * e * c + 3.0 / 4.0 * e * e * c * c;
        cc = -3.0 / 8.0 + e * e / 3.0 - 0.25 * e * c - 3.0 / 8.0 * e * e * c * c;
    } else {
        a = 21.0 / 16.0 - 7.0 / 8.0 * e * c + 7.0 / 48.0 * e * e * c * c;
        b = -9.0 / 8.0 + e * e / 12.0 + e * c - 7.0 / 24.0 * e * e * c * c;
        cc = 5.0 / 16.0 - e * c / 8.0 + 7.0 / 48.0 * e * e * c * c;
    }
    return -(nuq * nuq / (6.0 * AL_LARMOR)) * (AL_SPIN * (AL_SPIN + 1.0) - 0.75) *
           (a * x * x + b * x + cc);
}

/* 3x3 product c = a b */
static void mat3(const double a[3][3], const double b[3][3], double c[3][3])
{
    int i, j, k;
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++) {
            c[i][j] = 0.0;
            for (k = 0; k < 3; k++)
                c[i][j] += a[i][k] * b[k][j];
        }
}

/* PAS polar angles of crystal direction n for ZYZ Euler angles, by
 * multiplying the three elementary rotations numerically */
static void pas_dir(const double *n, double al, double be, double ga, double *theta, double *phi)
{
    double rz1[3][3] = {{cos(al), -sin(al), 0}, {sin(al), cos(al), 0}, {0, 0, 1}};
    double ry[3][3] = {{cos(be), 0, sin(be)}, {0, 1, 0}, {-sin(be), 0, cos(be)}};
    double rz2[3][3] = {{cos(ga), -sin(ga), 0}, {sin(ga), cos(ga), 0}, {0, 0, 1}};
    double t[3][3], r[3][3], p[3];
    int i;
    mat3(rz1, ry, t);
    mat3(t, rz2, r);
    for (i = 0; i < 3; i++)
        p[i] = r[0][i] * n[0] + r[1][i] * n[1] + r[2][i] * n[2];
    *theta = acos(p[2] > 1.0 ? 1.0 : p[2] < -1.0 ? -1.0 : p[2]);
    *phi = atan2(p[1], p[0]);
}

static srx_exchange_conditions al_conditions(int mas, size_t np, double span, double center,
                                             int div)
{
    srx_exchange_conditions c;
    srx_exchange_conditions_init(&c);
    c.spin = AL_SPIN;
    c.larmor_hz = AL_LARMOR;
    c.mas = mas;
    c.n_points = np;
    c.span_hz = span;
    c.center_hz = center;
    c.n_divisions = div;
    return c;
}

START_TEST(test_sim_site_frequencies)
{
    /* the simulator's per-orientation site frequencies against the formula
     * of physics.md and a rotation written differently (1e-9 relative) */
    srx_exchange_site s[2] = {{8.3e6, 0.28, 10.0 * DEG, 35.0 * DEG, -70.0 * DEG, 100.0, 1.0},
                              {6.0e6, 0.6, 0.0, 90.0 * DEG, 0.0, -200.0, 2.0}};
    int mas;
    for (mas = 0; mas < 2; mas++) {
        srx_exchange_conditions c = al_conditions(mas, 256, 60e3, -10e3, 8);
        srx_exchange_sim *sim;
        srx_powder *pw;
        const double *f, *al, *be;
        size_t o, k;
        ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 2, &sim, NULL), SRX_OK);
        ck_assert_int_eq(srx_powder_alloc(8, SRX_POWDER_HEMISPHERE, &pw, NULL), SRX_OK);
        ck_assert_uint_eq(srx_exchange_sim_n_orientations(sim), srx_powder_n_orientations(pw));
        f = srx_exchange_sim_site_frequencies(sim);
        al = srx_powder_alpha_rad(pw);
        be = srx_powder_beta_rad(pw);
        for (o = 0; o < srx_powder_n_orientations(pw); o++) {
            double n[3] = {sin(be[o]) * cos(al[o]), sin(be[o]) * sin(al[o]), cos(be[o])};
            for (k = 0; k < 2; k++) {
                double th, ph, ref;
                pas_dir(n, s[k].alpha_rad, s[k].beta_rad, s[k].gamma_rad, &th, &ph);
                ref = ct_freq(s[k].cq_hz, s[k].eta, mas, th, ph) + s[k].shift_hz;
                ck_assert_msg(fabs(f[o * 2 + k] - ref) < 1e-9 * 2e4, "mas %d o %zu site %zu: %g vs %g",
                              mas, o, k, f[o * 2 + k], ref);
            }
        }
        srx_powder_free(pw);
        srx_exchange_sim_free(sim);
    }
}
END_TEST

START_TEST(test_sim_zero_rate_lineshape)
{
    /* K = 0: the population-weighted sum of the single-site powder
     * patterns of the lineshape module (its ASG tent interpolation, an
     * independent powder average), whatever the Euler angles.  With 400 Hz
     * Lorentzian broadening both converge; tolerance 2% relative L1
     * (measured 0.4% for 64 divisions; the plain orientation sum of this
     * module converges more slowly than tent interpolation). */
    srx_exchange_site s[2] = {{8.3e6, 0.28, 10.0 * DEG, 35.0 * DEG, -70.0 * DEG, 0.0, 0.4},
                              {6.0e6, 0.6, 0.0, 90.0 * DEG, 0.0, 500.0, 0.6}};
    static double ex_out[1024], ls_out[1024];
    srx_exchange_conditions c = al_conditions(0, 1024, 60e3, -8e3, 64);
    srx_lineshape_conditions lc;
    srx_quad_site q[2];
    srx_exchange_sim *sim;
    srx_lineshape *ls;
    double pops[2] = {0.4, 0.6}, l1 = 0.0, norm = 0.0;
    int i;
    c.lb_hz = 400.0;
    ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 2, &sim, NULL), SRX_OK);
    ck_assert_int_eq(srx_exchange_sim_spectrum(sim, 0.0, ex_out, NULL), SRX_OK);
    srx_lineshape_conditions_init(&lc);
    lc.spin = AL_SPIN;
    lc.larmor_hz = AL_LARMOR;
    lc.n_points = 1024;
    lc.span_hz = 60e3;
    lc.center_hz = -8e3;
    lc.lb_hz = 400.0;
    lc.n_divisions = 64;
    for (i = 0; i < 2; i++) {
        srx_quad_site_init(&q[i]);
        q[i].cq_hz = s[i].cq_hz;
        q[i].eta = s[i].eta;
        q[i].shift_hz = s[i].shift_hz;
    }
    ck_assert_int_eq(srx_lineshape_alloc(&lc, &ls, NULL), SRX_OK);
    ck_assert_int_eq(srx_lineshape_compute(ls, q, pops, 2, ls_out, NULL), SRX_OK);
    for (i = 0; i < 1024; i++) {
        l1 += fabs(ex_out[i] - ls_out[i]);
        norm += fabs(ls_out[i]);
    }
    ck_assert_msg(l1 / norm < 0.02, "L1 distance %g", l1 / norm);
    srx_lineshape_free(ls);
    srx_exchange_sim_free(sim);
}
END_TEST

START_TEST(test_sim_fast_limit_and_moment)
{
    /* Two 27Al sites related by a 90 degree rotation about y.
     * - Very fast exchange: orientation by orientation the mean of the two
     *   site frequencies (the histogram of those means, built here), and
     *   NOT the pattern of the averaged EFG tensor (diag(0.18, -0.36, 0.18)
     *   in units of V_zz: Cq' = 0.36 Cq, eta' = 0, a pattern 7 times
     *   narrower).
     * - At every rate the first moment is the population-weighted mean
     *   frequency of the orientation set, which is the isotropic
     *   second-order shift -3255.37 Hz (physics.md section 6) up to the
     *   set's quadrature error. */
    srx_exchange_site s[2] = {{8.3e6, 0.28, 0.0, 0.0, 0.0, 0.0, 1.0},
                              {8.3e6, 0.28, 0.0, 90.0 * DEG, 0.0, 0.0, 1.0}};
    static double out[2048], hist[2048], avg[2048];
    srx_exchange_conditions c = al_conditions(0, 2048, 120e3, 0.0, 32);
    srx_exchange_sim *sim;
    const double *f, *w;
    c.tents = 0; /* plain orientation sums: comparable with a histogram */
    double spacing = 120e3 / 2048, l1 = 0.0, norm = 0.0, rates[] = {0.0, 1e3, 1e4, 1e5, 1e9};
    size_t o, no;
    int i, ir;
    ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 2, &sim, NULL), SRX_OK);
    ck_assert_int_eq(srx_exchange_sim_spectrum(sim, 1e10, out, NULL), SRX_OK);
    f = srx_exchange_sim_site_frequencies(sim);
    w = srx_exchange_sim_weights(sim);
    no = srx_exchange_sim_n_orientations(sim);
    memset(hist, 0, sizeof hist);
    for (o = 0; o < no; o++) {
        double m = 0.5 * (f[2 * o] + f[2 * o + 1]);
        int b = (int)floor((m + 60e3) / spacing + 0.5);
        if (b >= 0 && b < 2048)
            hist[b] += w[o] / spacing;
    }
    for (i = 0; i < 2048; i++) {
        l1 += fabs(out[i] - hist[i]);
        norm += fabs(hist[i]);
    }
    /* lines are ~1 mHz wide: only those within ~1e-3 bin of an edge leak */
    ck_assert_msg(l1 / norm < 1e-3, "fast limit vs histogram of means: L1 %g", l1 / norm);
    {
        srx_lineshape_conditions lc;
        srx_lineshape *ls;
        srx_quad_site q;
        srx_lineshape_conditions_init(&lc);
        lc.spin = AL_SPIN;
        lc.larmor_hz = AL_LARMOR;
        lc.n_points = 2048;
        lc.span_hz = 120e3;
        srx_quad_site_init(&q);
        q.cq_hz = 0.36 * 8.3e6;
        q.eta = 0.0;
        ck_assert_int_eq(srx_lineshape_alloc(&lc, &ls, NULL), SRX_OK);
        ck_assert_int_eq(srx_lineshape_compute(ls, &q, NULL, 1, avg, NULL), SRX_OK);
        srx_lineshape_free(ls);
        l1 = norm = 0.0;
        for (i = 0; i < 2048; i++) {
            l1 += fabs(out[i] - avg[i]);
            norm += fabs(avg[i]);
        }
        ck_assert_msg(l1 / norm > 0.5, "fast limit resembles the averaged tensor: L1 %g",
                      l1 / norm);
    }
    srx_exchange_sim_free(sim);
    {
        /* first moments on a +-200 kHz window (the broad exchange modes at
         * intermediate rates keep their tails inside) */
        static double wide[4096];
        double setmean = 0.0, sp = 400e3 / 4096;
        c = al_conditions(0, 4096, 400e3, 0.0, 32);
        ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 2, &sim, NULL), SRX_OK);
        f = srx_exchange_sim_site_frequencies(sim);
        w = srx_exchange_sim_weights(sim);
        no = srx_exchange_sim_n_orientations(sim);
        {
            /* tents: each triangle contributes its weight at the mean of its
             * corners (the centroid of its tent, or its three corner lines) */
            srx_powder *pw;
            const size_t *tr;
            const double *tw;
            size_t t;
            ck_assert_int_eq(srx_powder_alloc(32, SRX_POWDER_HEMISPHERE, &pw, NULL), SRX_OK);
            ck_assert_uint_eq(srx_powder_n_orientations(pw), no);
            tr = srx_powder_triangles(pw);
            tw = srx_powder_triangle_weights(pw);
            for (t = 0; t < srx_powder_n_triangles(pw); t++) {
                int j;
                for (j = 0; j < 3; j++)
                    setmean += tw[t] / 3.0 * 0.5 * (f[2 * tr[3 * t + j]] + f[2 * tr[3 * t + j] + 1]);
            }
            srx_powder_free(pw);
            (void)w;
        }
        /* the orientation set's own quadrature of the isotropic shift:
         * O(1/N^2) error, 4.7 Hz for 32 divisions (measured: 1.7 Hz for 64) */
        ck_assert_msg(fabs(setmean - -3255.37) < 6.0, "set mean %g", setmean);
        for (ir = 0; ir < 5; ir++) {
            double m0 = 0.0, m1 = 0.0;
            ck_assert_int_eq(srx_exchange_sim_spectrum(sim, rates[ir], wide, NULL), SRX_OK);
            for (i = 0; i < 4096; i++) {
                double nu = -200e3 + sp * i;
                m0 += wide[i] * sp;
                m1 += wide[i] * sp * nu;
            }
            srxt_assert_rel(m0, 1.0, 1e-12);
            /* exchange conserves the mean at every rate: the moment equals
             * the set's mean to 3 Hz (1e-4 of the pattern: a tent carries the
             * mean width and amplitude of its corners, which keeps the mean
             * only to second order in their variation; measured 1.8 Hz at
             * 1e4 /s; tails beyond 200 kHz add < 0.2 Hz).  The plain
             * orientation sums keep it to 0.5 Hz (below). */
            ck_assert_msg(fabs(m1 / m0 - setmean) < 3.0, "rate %g: first moment %g, mean %g",
                          rates[ir], m1 / m0, setmean);
        }
        srx_exchange_sim_free(sim);
        c.tents = 0;
        ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 2, &sim, NULL), SRX_OK);
        for (ir = 0; ir < 5; ir++) {
            double m0 = 0.0, m1 = 0.0;
            ck_assert_int_eq(srx_exchange_sim_spectrum(sim, rates[ir], wide, NULL), SRX_OK);
            for (i = 0; i < 4096; i++) {
                double nu = -200e3 + sp * i;
                m0 += wide[i] * sp;
                m1 += wide[i] * sp * nu;
            }
            ck_assert_msg(fabs(m1 / m0 - setmean) < 0.5, "sums, rate %g: first moment %g, mean %g",
                          rates[ir], m1 / m0, setmean);
        }
        srx_exchange_sim_free(sim);
    }
}
END_TEST

START_TEST(test_sim_multilevel)
{
    /* the default evaluation (far field through the particle mesh, exact
     * near zones) against tail_tol = 0 (every tent and line binned exactly
     * over every bin), static and MAS, rates from 0 to 1e9 /s (widths from
     * 0 to 10^7 bins), with and without Lorentzian broadening: within 5e-5
     * of the peak and 2e-5 in relative L1 (measured 1.2e-5 and 5e-6).  In a
     * 10 kHz window cut out of the pattern most sources lie outside the
     * mesh and take the direct path (per-orientation windows, tail_tol
     * 1e-6, coarse far field): within 3e-4 of the peak (measured 8e-5). */
    srx_exchange_site s[2] = {{8.3e6, 0.28, 0.0, 0.0, 0.0, 0.0, 1.0},
                              {8.3e6, 0.28, 0.0, 90.0 * DEG, 0.0, 0.0, 1.0}};
    static double a[4096], b[4096];
    const double rates[] = {0.0, 1e3, 1e4, 1e5, 1e7, 1e9};
    int ir, il, iw, mas, i;
    for (iw = 0; iw < 2; iw++) {
        for (mas = 0; mas < 2; mas++) {
            for (il = 0; il < 2; il++) {
                for (ir = 0; ir < 6; ir++) {
                    srx_exchange_conditions c =
                        iw ? al_conditions(mas, 2048, 10e3, -10e3, 12)
                           : al_conditions(mas, 4096, mas ? 30e3 : 80e3, mas ? -8e3 : -10e3, 12);
                    srx_exchange_sim *s1, *s2;
                    double peak = 0.0, mx = 0.0, l1 = 0.0, nrm = 0.0;
                    if (iw && ir % 2)
                        continue;
                    c.lb_hz = il ? 200.0 : 0.0;
                    ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 2, &s1, NULL), SRX_OK);
                    c.tail_tol = 0.0;
                    ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 2, &s2, NULL), SRX_OK);
                    ck_assert_int_eq(srx_exchange_sim_spectrum(s1, rates[ir], a, NULL), SRX_OK);
                    ck_assert_int_eq(srx_exchange_sim_spectrum(s2, rates[ir], b, NULL), SRX_OK);
                    for (i = 0; i < (int)c.n_points; i++) {
                        peak = fmax(peak, b[i]);
                        mx = fmax(mx, fabs(a[i] - b[i]));
                        l1 += fabs(a[i] - b[i]);
                        nrm += fabs(b[i]);
                    }
                    ck_assert_msg(iw ? mx < 3e-4 * peak : mx < 5e-5 * peak && l1 < 2e-5 * nrm,
                                  "window %d mas %d lb %d rate %g: %g of the peak, L1 %g", iw,
                                  mas, il, rates[ir], mx / peak, l1 / nrm);
                    srx_exchange_sim_free(s1);
                    srx_exchange_sim_free(s2);
                }
            }
        }
    }
}
END_TEST

START_TEST(test_sim_series)
{
    /* a temperature series is the spectra at K = 1 / (tau0 exp(Ea / kB T)) */
    srx_exchange_site s[2] = {{8.3e6, 0.28, 0.0, 0.0, 0.0, 0.0, 1.0},
                              {8.3e6, 0.28, 0.0, 90.0 * DEG, 0.0, 0.0, 1.0}};
    srx_exchange_conditions c = al_conditions(1, 512, 30e3, -8e3, 16);
    static double ser[3 * 512], one[512];
    double t[3] = {200.0, 300.0, 400.0};
    srx_exchange_sim *sim;
    int i, j;
    ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 2, &sim, NULL), SRX_OK);
    ck_assert_int_eq(srx_exchange_sim_series(sim, 0.4, 1e-12, 3, t, ser, NULL), SRX_OK);
    for (i = 0; i < 3; i++) {
        /* the rate from tau0 exp(Ea / kB T) with CODATA 2018 kB, to 1e-13
         * (the library's rounding), and the series spectrum equal to the
         * single one at that rate (the library's own tau, bit for bit) */
        double k = 1.0 / (1e-12 * exp(0.4 / (8.617333262e-5 * t[i]))), tau;
        ck_assert_int_eq(srx_spectral_tau_s(t[i], 0.4, 1e-12, &tau, NULL), SRX_OK);
        ck_assert(fabs(k * tau - 1.0) < 1e-13);
        ck_assert_int_eq(srx_exchange_sim_spectrum(sim, 1.0 / tau, one, NULL), SRX_OK);
        for (j = 0; j < 512; j++)
            ck_assert(ser[i * 512 + j] == one[j]);
    }
    ck_assert_int_eq(srx_exchange_sim_series(sim, 0.4, -1.0, 3, t, ser, NULL), SRX_EDOM);
    t[1] = -3.0;
    ck_assert_int_eq(srx_exchange_sim_series(sim, 0.4, 1e-12, 3, t, ser, NULL), SRX_EDOM);
    srx_exchange_sim_free(sim);
}
END_TEST

START_TEST(test_sim_kernel_cache)
{
    /* a series over 12 decades of rate with the mesh's kernel cache limited
     * to 3 classes (kernels dropped and made again) gives, rate by rate,
     * the same spectra as fresh simulators, bit for bit */
    srx_exchange_site s[2] = {{8.3e6, 0.28, 0.0, 0.0, 0.0, 0.0, 1.0},
                              {8.3e6, 0.28, 0.0, 90.0 * DEG, 0.0, 0.0, 1.0}};
    srx_exchange_conditions c = al_conditions(0, 512, 60e3, -10e3, 8);
    static double a[512], b[512];
    srx_exchange_sim *sim, *fresh;
    int i, j;
    ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 2, &sim, NULL), SRX_OK);
    srxi_exchange_sim_set_cache(sim, 3);
    for (i = 0; i <= 24; i++) {
        double k = pow(10.0, 0.5 * i);
        ck_assert_int_eq(srx_exchange_sim_spectrum(sim, k, a, NULL), SRX_OK);
        ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 2, &fresh, NULL), SRX_OK);
        ck_assert_int_eq(srx_exchange_sim_spectrum(fresh, k, b, NULL), SRX_OK);
        for (j = 0; j < 512; j++)
            ck_assert_msg(a[j] == b[j], "rate %g point %d: %g vs %g", k, j, a[j], b[j]);
        srx_exchange_sim_free(fresh);
    }
    srx_exchange_sim_free(sim);
}
END_TEST

typedef struct xjob {
    int mas, plain;
    int status;
    double out[1024];
} xjob;

/* a simulator (and its FFT mesh) made and used in one thread; the plain
 * path also goes through srx_exchange_spectrum() on a fresh workspace */
static void *xjob_run(void *arg)
{
    xjob *j = arg;
    srx_exchange_site s[2] = {{8.3e6, 0.28, 0.0, 0.0, 0.0, 0.0, 1.0},
                              {8.3e6, 0.28, 0.0, 90.0 * DEG, 0.0, 0.0, 1.0}};
    srx_exchange_conditions c = al_conditions(j->mas, 1024, j->mas ? 30e3 : 60e3, -8e3, 16);
    srx_exchange_sim *sim;
    c.tents = !j->plain;
    c.lb_hz = 100.0;
    j->status = srx_exchange_sim_alloc(&c, s, 2, &sim, NULL);
    if (j->status == SRX_OK) {
        j->status = srx_exchange_sim_spectrum(sim, 3e4, j->out, NULL);
        srx_exchange_sim_free(sim);
    }
    return NULL;
}

START_TEST(test_threads)
{
    /* four simulators planned (FFTW) and used at once give the results of
     * one thread, bit for bit */
    static xjob ref[4], jobs[4];
    pthread_t th[4];
    int i, k;
    for (i = 0; i < 4; i++) {
        ref[i].mas = jobs[i].mas = i % 2;
        ref[i].plain = jobs[i].plain = i / 2;
        xjob_run(&ref[i]);
        ck_assert_int_eq(ref[i].status, SRX_OK);
    }
    for (i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, xjob_run, &jobs[i]), 0);
    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
        ck_assert_int_eq(jobs[i].status, SRX_OK);
        for (k = 0; k < 1024; k++)
            ck_assert(jobs[i].out[k] == ref[i].out[k]);
    }
}
END_TEST

START_TEST(test_sim_bad_input)
{
    srx_exchange_site s[2] = {{8.3e6, 0.28, 0.0, 0.0, 0.0, 0.0, 1.0},
                              {8.3e6, 0.28, 0.0, 1.0, 0.0, 0.0, 1.0}}, b[2];
    srx_exchange_conditions c = al_conditions(0, 256, 60e3, 0.0, 8), d;
    srx_exchange_sim *sim;
    double out[256];
    ck_assert_int_eq(srx_exchange_sim_alloc(NULL, s, 2, &sim, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_sim_alloc(&c, NULL, 2, &sim, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 2, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 1, &sim, NULL), SRX_EINVAL);
    d = c, d.spin = 1.0;
    ck_assert_int_eq(srx_exchange_sim_alloc(&d, s, 2, &sim, NULL), SRX_EDOM);
    d = c, d.spin = 0.5;
    ck_assert_int_eq(srx_exchange_sim_alloc(&d, s, 2, &sim, NULL), SRX_EDOM);
    d = c, d.larmor_hz = -1.0;
    ck_assert_int_eq(srx_exchange_sim_alloc(&d, s, 2, &sim, NULL), SRX_EINVAL);
    d = c, d.span_hz = 0.0;
    ck_assert_int_eq(srx_exchange_sim_alloc(&d, s, 2, &sim, NULL), SRX_EINVAL);
    d = c, d.n_points = 1;
    ck_assert_int_eq(srx_exchange_sim_alloc(&d, s, 2, &sim, NULL), SRX_EINVAL);
    d = c, d.lb_hz = -1.0;
    ck_assert_int_eq(srx_exchange_sim_alloc(&d, s, 2, &sim, NULL), SRX_EINVAL);
    d = c, d.gb_hz = NAN;
    ck_assert_int_eq(srx_exchange_sim_alloc(&d, s, 2, &sim, NULL), SRX_EINVAL);
    d = c, d.n_divisions = 0;
    ck_assert_int_eq(srx_exchange_sim_alloc(&d, s, 2, &sim, NULL), SRX_EINVAL);
    d = c, d.tail_tol = 1.0;
    ck_assert_int_eq(srx_exchange_sim_alloc(&d, s, 2, &sim, NULL), SRX_EINVAL);
    d = c, d.mas = 2;
    ck_assert_int_eq(srx_exchange_sim_alloc(&d, s, 2, &sim, NULL), SRX_EINVAL);
    memcpy(b, s, sizeof b);
    b[1].eta = 1.5;
    ck_assert_int_eq(srx_exchange_sim_alloc(&c, b, 2, &sim, NULL), SRX_EDOM);
    memcpy(b, s, sizeof b);
    b[0].beta_rad = NAN;
    ck_assert_int_eq(srx_exchange_sim_alloc(&c, b, 2, &sim, NULL), SRX_EINVAL);
    memcpy(b, s, sizeof b);
    b[0].population = -1.0;
    ck_assert_int_eq(srx_exchange_sim_alloc(&c, b, 2, &sim, NULL), SRX_EINVAL);
    memcpy(b, s, sizeof b);
    b[0].cq_hz = -5.0;
    ck_assert_int_eq(srx_exchange_sim_alloc(&c, b, 2, &sim, NULL), SRX_EDOM);
    ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 2, &sim, NULL), SRX_OK);
    ck_assert_int_eq(srx_exchange_sim_spectrum(sim, -1.0, out, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_sim_spectrum(sim, 1.0, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_sim_spectrum(NULL, 1.0, out, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_exchange_sim_frequencies(sim, NULL, NULL), SRX_EINVAL);
    srx_exchange_sim_free(sim);
    srx_exchange_sim_free(NULL);
    ck_assert_uint_eq(srx_exchange_sim_n_orientations(NULL), 0);
    ck_assert(srx_exchange_sim_site_frequencies(NULL) == NULL);
    /* a window that holds nothing */
    c.center_hz = 1e7;
    ck_assert_int_eq(srx_exchange_sim_alloc(&c, s, 2, &sim, NULL), SRX_OK);
    ck_assert_int_eq(srx_exchange_sim_spectrum(sim, 0.0, out, NULL), SRX_ENODATA);
    srx_exchange_sim_free(sim);
}
END_TEST

static Suite *exchange_suite(void)
{
    Suite *s = suite_create("exchange");
    TCase *tc;

    tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rate_matrix);
    tcase_add_test(tc, test_two_site_textbook);
    tcase_add_test(tc, test_three_site_resolvent);
    tcase_add_test(tc, test_zero_rate);
    tcase_add_test(tc, test_fast_limit);
    tcase_add_test(tc, test_moments_and_amplitudes);
    tcase_add_test(tc, test_bins_area);
    tcase_add_test(tc, test_exceptional_point);
    suite_add_tcase(s, tc);

    tc = tcase_create("quadrupolar");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sim_site_frequencies);
    tcase_add_test(tc, test_sim_zero_rate_lineshape);
    tcase_add_test(tc, test_sim_fast_limit_and_moment);
    tcase_add_test(tc, test_sim_multilevel);
    tcase_add_test(tc, test_tent_binning);
    tcase_add_test(tc, test_line_mesh);
    tcase_add_test(tc, test_mesh_continuity);
    tcase_add_test(tc, test_mesh_random);
    tcase_add_test(tc, test_sim_series);
    tcase_add_test(tc, test_sim_kernel_cache);
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_sim_bad_input);
    suite_add_tcase(s, tc);

    tc = tcase_create("bad_input");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_bad_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return srxt_run(exchange_suite());
}
