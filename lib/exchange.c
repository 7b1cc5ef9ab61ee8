/* exchange: N-site exchange of a spin among sites of different frequency,
 * solved per orientation by the eigen-decomposition of the complex
 * symmetric matrix i 2 pi diag(nu) + K_s, spectra as exactly binned complex
 * Lorentzians (include/spinrelax/exchange.h has the physics). */
#include <config.h>

#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "spinrelax/exchange.h"
#include "spinrelax/powder.h"
#include "spinrelax/quadrupolar.h"
#include "spinrelax/spectral.h"

#define MAXN SRX_EXCHANGE_MAX_SITES
#define QR_MAX_ITER 200
/* |v^T v| below this fraction of |v|^2: too close to an exceptional point */
#define EP_TOL 1e-6
/* bins each side of a line integrated with the exact antiderivative */
#define NEAR_BINS 32.0
/* multilevel far field (tail_tol > 0): the density times a smooth cutoff
 * w(u) (0 below R1 bins from the line, 1 beyond R2) is sampled on coarse
 * nodes every COARSE_M bins and interpolated (cubic Lagrange) after the
 * orientation sum; (1 - w) D is integrated on the fine bins */
#define FAR_R1 64.0
#define FAR_R2 192.0
#define COARSE_M 16
/* 2-point Gauss-Legendre abscissa 1/(2 sqrt 3) of a unit interval */
#define GL2 0.28867513459481288225

struct srx_exchange {
    size_t n;
    double complex a[MAXN * MAXN], q[MAXN * MAXN], y[MAXN];
    double *coarse; /* far-field nodes (grown on demand, then reused) */
    size_t coarse_cap;
};

/* ------------------------------------------------------------ jump matrix */

static int check_population(size_t n, const double *p, double *pn, srx_diag *diag)
{
    double s = 0.0;
    size_t i;
    for (i = 0; i < n; i++) {
        double v = p ? p[i] : 1.0;
        if (!srxi_isfinite(v) || v < 0.0)
            return srxi_fail(diag, SRX_EINVAL, "exchange: population[%zu] = %g must be finite "
                             "and >= 0", i, v);
        s += v;
    }
    if (!(s > 0.0))
        return srxi_fail(diag, SRX_EINVAL, "exchange: the populations are all zero");
    for (i = 0; i < n; i++)
        pn[i] = (p ? p[i] : 1.0) / s;
    return SRX_OK;
}

static void jump_matrix(size_t n, const double *pn, double rate, double *k)
{
    size_t i, j;
    for (i = 0; i < n; i++) {
        double row = 0.0;
        for (j = 0; j < n; j++) {
            if (j == i)
                continue;
            k[i * n + j] = rate * pn[j] * (double)n / (double)(n - 1);
            row += k[i * n + j];
        }
        k[i * n + i] = -row;
    }
}

int srx_exchange_rate_matrix(size_t n_sites, const double *population, double rate_per_s,
                             double *k_per_s, srx_diag *diag)
{
    double pn[MAXN];
    int st;
    if (!k_per_s)
        return srxi_fail(diag, SRX_EINVAL, "exchange: NULL argument");
    if (n_sites < 2 || n_sites > MAXN)
        return srxi_fail(diag, SRX_EINVAL, "exchange: %zu sites (2 .. %d)", n_sites, MAXN);
    if (!srxi_isfinite(rate_per_s) || rate_per_s < 0.0)
        return srxi_fail(diag, SRX_EINVAL, "exchange: rate %g /s must be finite and >= 0",
                         rate_per_s);
    if ((st = check_population(n_sites, population, pn, diag)))
        return st;
    jump_matrix(n_sites, pn, rate_per_s, k_per_s);
    return SRX_OK;
}

/* ------------------------------------------------------------ workspace */

int srx_exchange_alloc(size_t n_sites, srx_exchange **ex, srx_diag *diag)
{
    srx_exchange *e;
    if (!ex)
        return srxi_fail(diag, SRX_EINVAL, "exchange: NULL argument");
    *ex = NULL;
    if (n_sites < 2 || n_sites > MAXN)
        return srxi_fail(diag, SRX_EINVAL, "exchange: %zu sites (2 .. %d)", n_sites, MAXN);
    e = calloc(1, sizeof *e);
    if (!e)
        return srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory");
    e->n = n_sites;
    *ex = e;
    return SRX_OK;
}

void srx_exchange_free(srx_exchange *ex)
{
    if (!ex)
        return;
    free(ex->coarse);
    free(ex);
}

size_t srx_exchange_n_sites(const srx_exchange *ex)
{
    return ex ? ex->n : 0;
}

/* ------------------------------------------------------------ complex eigenproblem */

/* Givens rotation G = [c s; -conj(s) c] (c real) with G [a; b] = [r; 0] */
static void givens(double complex a, double complex b, double *c, double complex *s)
{
    double aa = cabs(a), bb = cabs(b), r;
    if (bb == 0.0) {
        *c = 1.0;
        *s = 0.0;
        return;
    }
    if (aa == 0.0) {
        *c = 0.0;
        *s = conj(b) / bb;
        return;
    }
    r = hypot(aa, bb);
    *c = aa / r;
    *s = (a / aa) * conj(b) / r;
}

/* Schur form A = Q T Q^H of the n x n matrix in e->a (row-major) by shifted
 * QR iterations with Givens rotations on the full active block (n <= 16:
 * O(n^3) per sweep is nothing); T overwrites a, Q goes to e->q.
 * Returns 0, or -1 if an eigenvalue did not converge. */
static int schur(srx_exchange *e, size_t n)
{
    double complex *a = e->a, *q = e->q;
    size_t m = n, i, j, k;
    int it = 0;
    double anorm = 0.0;
    for (i = 0; i < n * n; i++)
        anorm = fmax(anorm, cabs(a[i]));
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            q[i * n + j] = i == j ? 1.0 : 0.0;
    if (anorm == 0.0)
        return 0;
    while (m > 1) {
        double off = 0.0;
        double complex mu, a11, a12, a21, a22, tr, det, disc, l1, l2;
        for (j = 0; j + 1 < m; j++)
            off += cabs(a[(m - 1) * n + j]);
        if (off <= DBL_EPSILON * (cabs(a[(m - 1) * n + m - 1]) + anorm) * 0.5) {
            for (j = 0; j + 1 < m; j++)
                a[(m - 1) * n + j] = 0.0;
            m--;
            it = 0;
            continue;
        }
        if (++it > QR_MAX_ITER)
            return -1;
        /* Wilkinson shift from the trailing 2 x 2 block; exceptional shifts
         * every 11 iterations break cycles */
        a11 = a[(m - 2) * n + m - 2];
        a12 = a[(m - 2) * n + m - 1];
        a21 = a[(m - 1) * n + m - 2];
        a22 = a[(m - 1) * n + m - 1];
        tr = a11 + a22;
        det = a11 * a22 - a12 * a21;
        disc = csqrt(tr * tr / 4.0 - det);
        l1 = tr / 2.0 + disc;
        l2 = tr / 2.0 - disc;
        mu = cabs(l1 - a22) < cabs(l2 - a22) ? l1 : l2;
        if (it % 11 == 0)
            mu = a22 + off * (0.75 + 0.5 * I);
        for (i = 0; i < m; i++)
            a[i * n + i] -= mu;
        /* QR of the active block by Givens rotations; the rotations act on
         * whole rows (columns beyond m too), then on columns from the right */
        {
            double cs[MAXN * MAXN];
            double complex sn[MAXN * MAXN];
            size_t ri[MAXN * MAXN], rj[MAXN * MAXN], nr = 0, r;
            for (j = 0; j + 1 < m; j++) {
                for (i = j + 1; i < m; i++) {
                    double c;
                    double complex s;
                    if (a[i * n + j] == 0.0)
                        continue;
                    givens(a[j * n + j], a[i * n + j], &c, &s);
                    for (k = j; k < n; k++) {
                        double complex x = a[j * n + k], yv = a[i * n + k];
                        a[j * n + k] = c * x + s * yv;
                        a[i * n + k] = -conj(s) * x + c * yv;
                    }
                    a[i * n + j] = 0.0;
                    cs[nr] = c, sn[nr] = s, ri[nr] = i, rj[nr] = j, nr++;
                }
            }
            /* A <- R G_1^H G_2^H ...; Q <- Q G_1^H G_2^H ... */
            for (r = 0; r < nr; r++) {
                double c = cs[r];
                double complex s = sn[r];
                size_t ii = ri[r], jj = rj[r];
                for (k = 0; k < m; k++) {
                    double complex x = a[k * n + jj], yv = a[k * n + ii];
                    a[k * n + jj] = c * x + conj(s) * yv;
                    a[k * n + ii] = -s * x + c * yv;
                }
                for (k = 0; k < n; k++) {
                    double complex x = q[k * n + jj], yv = q[k * n + ii];
                    q[k * n + jj] = c * x + conj(s) * yv;
                    q[k * n + ii] = -s * x + c * yv;
                }
            }
        }
        for (i = 0; i < m; i++)
            a[i * n + i] += mu;
    }
    return 0;
}

/* Lines of one orientation with normalised populations pn.
 * Returns SRX_OK or SRX_ENOCONV. */
static int lines(srx_exchange *e, const double *pn, double rate, const double *nu, double *f,
                 double *g, double *cre, double *cim)
{
    size_t n = e->n, i, j, k;
    double kmat[MAXN * MAXN], sq[MAXN], scale = 1.0;
    int attempt;
    if (rate == 0.0) {
        for (i = 0; i < n; i++) {
            f[i] = nu[i];
            g[i] = 0.0;
            cre[i] = pn[i];
            cim[i] = 0.0;
        }
        return SRX_OK;
    }
    for (i = 0; i < n; i++)
        sq[i] = sqrt(pn[i]);
    for (attempt = 0; attempt < 4; attempt++) {
        int ok = 1;
        jump_matrix(n, pn, rate * scale, kmat);
        /* B = i 2 pi diag(nu) + K_s, (K_s)_ij = sqrt(p_i / p_j) k_ji = sqrt(p_i p_j) K N/(N-1)
         * for i != j (symmetric); sites of zero population decouple */
        for (i = 0; i < n; i++) {
            for (j = 0; j < n; j++) {
                double v;
                if (i == j)
                    v = kmat[i * n + i];
                else
                    v = rate * scale * sq[i] * sq[j] * (double)n / (double)(n - 1);
                e->a[i * n + j] = v;
            }
            e->a[i * n + i] += 2.0 * SRXI_PI * nu[i] * I;
        }
        if (schur(e, n))
            return SRX_ENOCONV;
        /* eigenvectors of the triangular T, back to B's basis: v_k = Q y */
        for (k = 0; k < n; k++) {
            double complex lk = e->a[k * n + k], vtv = 0.0, uv = 0.0;
            double tnorm = 0.0, vv = 0.0;
            for (i = 0; i < n * n; i++)
                tnorm = fmax(tnorm, cabs(e->a[i]));
            for (i = 0; i < n; i++)
                e->y[i] = 0.0;
            e->y[k] = 1.0;
            for (j = k; j-- > 0;) {
                double complex s = 0.0, den = e->a[j * n + j] - lk;
                size_t l;
                for (l = j + 1; l <= k; l++)
                    s += e->a[j * n + l] * e->y[l];
                if (cabs(den) < DBL_EPSILON * tnorm)
                    den = DBL_EPSILON * tnorm;
                e->y[j] = -s / den;
            }
            for (i = 0; i < n; i++) {
                double complex v = 0.0;
                size_t l;
                for (l = 0; l <= k; l++)
                    v += e->q[i * n + l] * e->y[l];
                vtv += v * v;
                vv += creal(v) * creal(v) + cimag(v) * cimag(v);
                uv += sq[i] * v;
            }
            if (!(cabs(vtv) > EP_TOL * vv)) {
                ok = 0;
                break;
            }
            {
                double complex c = uv * uv / vtv;
                cre[k] = creal(c);
                cim[k] = cimag(c);
                f[k] = cimag(lk) / (2.0 * SRXI_PI);
                g[k] = -creal(lk) / (2.0 * SRXI_PI);
                if (g[k] < 0.0)
                    g[k] = 0.0; /* rounding of a non-decaying mode */
            }
        }
        if (ok)
            return SRX_OK;
        scale *= 1.0 + 1e-7 * (double)(attempt + 1); /* off the exceptional point */
    }
    return SRX_ENOCONV;
}

static int check_common(const srx_exchange *ex, double rate, srx_diag *diag)
{
    if (!ex)
        return srxi_fail(diag, SRX_EINVAL, "exchange: NULL workspace");
    if (!srxi_isfinite(rate) || rate < 0.0)
        return srxi_fail(diag, SRX_EINVAL, "exchange: rate %g /s must be finite and >= 0", rate);
    return SRX_OK;
}

int srx_exchange_lines(srx_exchange *ex, const double *population, double rate_per_s,
                       const double *site_freq_hz, double *freq_hz, double *hwhm_hz,
                       double *amp_re, double *amp_im, srx_diag *diag)
{
    double pn[MAXN];
    size_t i;
    int st;
    if ((st = check_common(ex, rate_per_s, diag)))
        return st;
    if (!site_freq_hz || !freq_hz || !hwhm_hz || !amp_re || !amp_im)
        return srxi_fail(diag, SRX_EINVAL, "exchange: NULL argument");
    if ((st = check_population(ex->n, population, pn, diag)))
        return st;
    for (i = 0; i < ex->n; i++)
        if (!srxi_isfinite(site_freq_hz[i]))
            return srxi_fail(diag, SRX_EINVAL, "exchange: site frequency %zu is not finite", i);
    if (lines(ex, pn, rate_per_s, site_freq_hz, freq_hz, hwhm_hz, amp_re, amp_im))
        return srxi_fail(diag, SRX_ENOCONV, "exchange: the eigenvalue iteration did not converge");
    return SRX_OK;
}

/* ------------------------------------------------------------ binning */

/* (1/pi) [Re c atan2(x, g) + Im c ln|g + i x|] */
/* C2 cutoff: 0 for u <= FAR_R1, 1 for u >= FAR_R2 */
static double cutoff(double u)
{
    double t = (u - FAR_R1) / (FAR_R2 - FAR_R1);
    if (t <= 0.0)
        return 0.0;
    if (t >= 1.0)
        return 1.0;
    return t * t * t * (10.0 - 15.0 * t + 6.0 * t * t);
}

static double antiderivative(double x, double g, double cr, double ci)
{
    double v = cr * atan2(x, g);
    if (ci != 0.0) {
        double h = hypot(g, x);
        if (h > 0.0)
            v += ci * log(h);
    }
    return v / SRXI_PI;
}

/* density of the lines of one orientation at nu (1/Hz) */
static double density(size_t n, const double *f, const double *g, const double *cr,
                      const double *ci, double nu)
{
    double s = 0.0;
    size_t k;
    for (k = 0; k < n; k++) {
        double x = nu - f[k], d = g[k] * g[k] + x * x;
        if (d > 0.0)
            s += (cr[k] * g[k] + ci[k] * x) / d;
    }
    return s / SRXI_PI;
}

/* Half-width d of the window around [lo, hi] outside which the lines of one
 * orientation hold less than `tol` of their area: the tails beyond a
 * distance d fall at least as x^-2, so their mass is below |density(d)| d;
 * the largest |density| at d, 1.5 d and 2 d on both sides is used (a zero
 * crossing of the dispersive parts at one point cannot fool it).  Doubling
 * from 8 bins; stops once the window covers `cover`. */
static double window_halfwidth(size_t n, const double *f, const double *g, const double *cr,
                               const double *ci, double lo, double hi, double spacing,
                               double cover, double tol)
{
    double d = 8.0 * spacing;
    for (;;) {
        double m = 0.0, t;
        int j;
        for (j = 0; j < 3; j++) {
            t = d * (1.0 + 0.5 * j);
            m = fmax(m, fabs(density(n, f, g, cr, ci, hi + t)) * t);
            m = fmax(m, fabs(density(n, f, g, cr, ci, lo - t)) * t);
        }
        if (m < tol || d > cover)
            return d;
        d *= 2.0;
    }
}

/* binning state shared by the line and tent routines */
typedef struct bin_ctx {
    double e0, spacing; /* first edge, bin width */
    size_t i_lo, i_hi;  /* bins [i_lo, i_hi) of the current window */
    int multilevel;
    double *coarse;
    size_t n_coarse;
    double *out; /* bin integrals (divided by the spacing at the end) */
} bin_ctx;

/* One complex Lorentzian (centre fk, HWHM gk, amplitude crk + i cik) of
 * weight w: bins [near_lo, near_hi) (bin indices, clipped to the window) by
 * the exact antiderivative when `exact` (else the caller fills them), 2-point
 * Gauss-Legendre out to FAR_R2 bins beyond them (all the way without the
 * multilevel far field; error (spacing/x)^4/36 of the local value, < 3e-8
 * at 32 bins), and the coarse nodes beyond (times the C2 cutoff). */
static void bin_line(bin_ctx *b, double fk, double gk, double crk, double cik, double w,
                     double near_lo, double near_hi, int exact)
{
    const double e0 = b->e0, sp = b->spacing, g2 = gk * gk, h = GL2 * sp;
    const size_t i_lo = b->i_lo, i_hi = b->i_hi;
    double c = (fk - e0) / sp, l_d, r_d, prev;
    size_t a, bb, l, r, i;
    if (crk == 0.0 && cik == 0.0)
        return;
    a = near_lo <= (double)i_lo ? i_lo : near_lo >= (double)i_hi ? i_hi : (size_t)near_lo;
    bb = near_hi <= (double)i_lo ? i_lo : near_hi >= (double)i_hi ? i_hi : (size_t)near_hi;
    if (bb < a)
        bb = a;
    l_d = b->multilevel ? near_lo - (FAR_R2 - NEAR_BINS) : -1.0;
    r_d = b->multilevel ? near_hi + (FAR_R2 - NEAR_BINS) : 1e300;
    l = l_d <= (double)i_lo ? i_lo : l_d >= (double)a ? a : (size_t)l_d;
    r = r_d >= (double)i_hi ? i_hi : r_d <= (double)bb ? bb : (size_t)r_d;
    for (i = l; i < i_hi && i < r; i++) {
        double xm, x1, x2, keep;
        if (i == a) {
            i = bb - 1; /* skip the near zone */
            continue;
        }
        xm = e0 + ((double)i + 0.5) * sp - fk;
        x1 = xm - h;
        x2 = xm + h;
        keep = b->multilevel ? 1.0 - cutoff(fabs((double)i + 0.5 - c)) : 1.0;
        b->out[i] += keep * w * 0.5 * sp *
                     ((crk * gk + cik * x1) / (g2 + x1 * x1) + (crk * gk + cik * x2) / (g2 + x2 * x2)) /
                     SRXI_PI;
    }
    if (exact && a < bb) {
        prev = antiderivative(e0 + (double)a * sp - fk, gk, crk, cik);
        for (i = a; i < bb; i++) {
            double cur = antiderivative(e0 + (double)(i + 1) * sp - fk, gk, crk, cik);
            b->out[i] += w * (cur - prev);
            prev = cur;
        }
    }
    if (b->multilevel) {
        /* coarse node j sits at bin j M (index j + 1 in the array) */
        long j0 = (long)floor(((double)i_lo - 2.0 * COARSE_M) / COARSE_M);
        long j1 = (long)ceil(((double)i_hi + 2.0 * COARSE_M) / COARSE_M), j;
        if (j0 < -1)
            j0 = -1;
        if (j1 > (long)b->n_coarse - 2)
            j1 = (long)b->n_coarse - 2;
        for (j = j0; j <= j1; j++) {
            double u = (double)(j * COARSE_M) + 0.5 - c, wc = cutoff(fabs(u)), x;
            if (wc == 0.0)
                continue;
            x = u * sp;
            b->coarse[j + 1] += wc * w * sp * (crk * gk + cik * x) / (g2 + x * x) / SRXI_PI;
        }
    }
}

int srx_exchange_spectrum(srx_exchange *ex, const double *population, double rate_per_s,
                          size_t n_orient, const double *site_freq_hz, const double *weight,
                          double lb_hz, double tail_tol, double first_hz, double spacing_hz,
                          size_t n_points, double *intensity, srx_diag *diag)
{
    double pn[MAXN], f[MAXN], g[MAXN], cr[MAXN], ci[MAXN], wsum = 0.0, e0, span;
    size_t o, i, k, n, i_lo, i_hi, n_coarse = 0;
    int multilevel;
    int st;
    bin_ctx bc;
    if ((st = check_common(ex, rate_per_s, diag)))
        return st;
    n = ex->n;
    if (!site_freq_hz || !intensity)
        return srxi_fail(diag, SRX_EINVAL, "exchange: NULL argument");
    if (n_orient == 0 || n_points == 0)
        return srxi_fail(diag, SRX_EINVAL, "exchange: no orientations or no points");
    if (!srxi_isfinite(lb_hz) || lb_hz < 0.0)
        return srxi_fail(diag, SRX_EINVAL, "exchange: lb %g Hz must be finite and >= 0", lb_hz);
    if (!srxi_isfinite(tail_tol) || tail_tol < 0.0 || tail_tol >= 1.0)
        return srxi_fail(diag, SRX_EINVAL, "exchange: tail tolerance %g outside [0, 1)", tail_tol);
    if (!srxi_isfinite(first_hz) || !srxi_isfinite(spacing_hz) || !(spacing_hz > 0.0))
        return srxi_fail(diag, SRX_EINVAL, "exchange: bad grid (first %g Hz, spacing %g Hz)",
                         first_hz, spacing_hz);
    if ((st = check_population(n, population, pn, diag)))
        return st;
    for (o = 0; o < n_orient; o++) {
        double w = weight ? weight[o] : 1.0;
        if (!srxi_isfinite(w) || w < 0.0)
            return srxi_fail(diag, SRX_EINVAL, "exchange: weight[%zu] = %g", o, w);
        wsum += w;
        for (k = 0; k < n; k++)
            if (!srxi_isfinite(site_freq_hz[o * n + k]))
                return srxi_fail(diag, SRX_EINVAL, "exchange: site frequency [%zu][%zu] is not "
                                 "finite", o, k);
    }
    if (!(wsum > 0.0))
        return srxi_fail(diag, SRX_EINVAL, "exchange: the weights are all zero");
    multilevel = tail_tol > 0.0 && (double)n_points >= 4.0 * FAR_R2;
    if (multilevel) {
        n_coarse = n_points / COARSE_M + 5;
        if (ex->coarse_cap < n_coarse) {
            double *p = realloc(ex->coarse, n_coarse * sizeof *p);
            if (!p)
                return srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory");
            ex->coarse = p;
            ex->coarse_cap = n_coarse;
        }
        memset(ex->coarse, 0, n_coarse * sizeof *ex->coarse);
    }
    memset(intensity, 0, n_points * sizeof *intensity);
    e0 = first_hz - 0.5 * spacing_hz;
    span = spacing_hz * (double)n_points;
    bc.e0 = e0;
    bc.spacing = spacing_hz;
    bc.multilevel = multilevel;
    bc.coarse = ex->coarse;
    bc.n_coarse = n_coarse;
    bc.out = intensity;
    for (o = 0; o < n_orient; o++) {
        double w = (weight ? weight[o] : 1.0) / wsum;
        if (w == 0.0)
            continue;
        if (lines(ex, pn, rate_per_s, &site_freq_hz[o * n], f, g, cr, ci))
            return srxi_fail(diag, SRX_ENOCONV, "exchange: orientation %zu: the eigenvalue "
                             "iteration did not converge", o);
        for (k = 0; k < n; k++)
            g[k] += 0.5 * lb_hz;
        i_lo = 0;
        i_hi = n_points; /* edges i_lo .. i_hi */
        if (tail_tol > 0.0) {
            double lo = f[0], hi = f[0], d, a, b;
            for (k = 1; k < n; k++) {
                lo = fmin(lo, f[k]);
                hi = fmax(hi, f[k]);
            }
            d = window_halfwidth(n, f, g, cr, ci, lo, hi, spacing_hz, span, tail_tol);
            a = floor((lo - d - e0) / spacing_hz);
            b = ceil((hi + d - e0) / spacing_hz);
            if (b < 0.0 || a > (double)n_points)
                continue; /* entirely outside the window */
            if (a > 0.0)
                i_lo = (size_t)a;
            if (b < (double)n_points)
                i_hi = (size_t)b;
        }
        bc.i_lo = i_lo;
        bc.i_hi = i_hi;
        for (k = 0; k < n; k++) {
            double c = (f[k] - e0) / spacing_hz;
            bin_line(&bc, f[k], g[k], cr[k], ci[k], w, floor(c) - NEAR_BINS,
                     floor(c) + NEAR_BINS, 1);
        }
    }
    if (multilevel) {
        for (i = 0; i < n_points; i++) {
            size_t j0 = i / COARSE_M;
            double t = (double)(i % COARSE_M) / COARSE_M;
            const double *q = &ex->coarse[j0]; /* nodes j0 - 1 .. j0 + 2 */
            intensity[i] += -t * (t - 1.0) * (t - 2.0) / 6.0 * q[0] +
                            (t + 1.0) * (t - 1.0) * (t - 2.0) / 2.0 * q[1] -
                            (t + 1.0) * t * (t - 2.0) / 2.0 * q[2] +
                            (t + 1.0) * t * (t - 1.0) / 6.0 * q[3];
        }
    }
    for (i = 0; i < n_points; i++)
        intensity[i] /= spacing_hz;
    return SRX_OK;
}

/* ------------------------------------------------------------ quadrupolar sites, powder */

struct srx_exchange_sim {
    srx_exchange_conditions c;
    size_t n_sites, n_orient;
    double pop[MAXN];
    double *freq;   /* n_orient x n_sites */
    double *weight; /* n_orient */
    double *kernel; /* Gaussian, 2 kw + 1 taps, or NULL */
    size_t kw;
    double *work; /* n_points */
    srx_exchange *ex;
};

void srx_exchange_conditions_init(srx_exchange_conditions *c)
{
    if (!c)
        return;
    memset(c, 0, sizeof *c);
    c->n_points = 4096;
    c->n_divisions = 64;
    c->tail_tol = 1e-6;
}

void srx_exchange_sim_free(srx_exchange_sim *sim)
{
    if (!sim)
        return;
    free(sim->freq);
    free(sim->weight);
    free(sim->kernel);
    free(sim->work);
    srx_exchange_free(sim->ex);
    free(sim);
}

/* PAS angles of the crystal-frame direction n for Euler angles (a, b, g):
 * the PAS axes are the columns of R = Rz(a) Ry(b) Rz(g), so n_pas = R^T n */
static void pas_angles(const double *n, double a, double b, double g, double *theta, double *phi)
{
    double ca = cos(a), sa = sin(a), cb = cos(b), sb = sin(b), cg = cos(g), sg = sin(g);
    double r[3][3], p[3];
    int i;
    r[0][0] = ca * cb * cg - sa * sg;
    r[0][1] = -ca * cb * sg - sa * cg;
    r[0][2] = ca * sb;
    r[1][0] = sa * cb * cg + ca * sg;
    r[1][1] = -sa * cb * sg + ca * cg;
    r[1][2] = sa * sb;
    r[2][0] = -sb * cg;
    r[2][1] = sb * sg;
    r[2][2] = cb;
    for (i = 0; i < 3; i++)
        p[i] = r[0][i] * n[0] + r[1][i] * n[1] + r[2][i] * n[2];
    *theta = acos(fmax(-1.0, fmin(1.0, p[2])));
    *phi = atan2(p[1], p[0]);
}

int srx_exchange_sim_alloc(const srx_exchange_conditions *c, const srx_exchange_site *sites,
                           size_t n_sites, srx_exchange_sim **out, srx_diag *diag)
{
    srx_exchange_sim *sim;
    srx_powder *pw = NULL;
    double popr[MAXN], *th = NULL, *ph = NULL, *col = NULL;
    const double *al, *be, *wt;
    size_t s, o;
    int st;
    if (!c || !sites || !out)
        return srxi_fail(diag, SRX_EINVAL, "exchange: NULL argument");
    *out = NULL;
    if (n_sites < 2 || n_sites > MAXN)
        return srxi_fail(diag, SRX_EINVAL, "exchange: %zu sites (2 .. %d)", n_sites, MAXN);
    if (!srxi_isfinite(c->spin) || !(c->spin >= 1.5) || fmod(2.0 * c->spin, 2.0) != 1.0)
        return srxi_fail(diag, SRX_EDOM, "exchange: spin %g: the central transition needs a "
                         "half-integer spin >= 3/2", c->spin);
    if (!srxi_isfinite(c->larmor_hz) || !(c->larmor_hz > 0.0))
        return srxi_fail(diag, SRX_EINVAL, "exchange: Larmor frequency %g Hz", c->larmor_hz);
    if (c->mas != 0 && c->mas != 1)
        return srxi_fail(diag, SRX_EINVAL, "exchange: mas must be 0 or 1");
    if (c->n_points < 2 || c->n_points > ((size_t)1 << 26))
        return srxi_fail(diag, SRX_EINVAL, "exchange: %zu points", c->n_points);
    if (!srxi_isfinite(c->span_hz) || !(c->span_hz > 0.0) || !srxi_isfinite(c->center_hz))
        return srxi_fail(diag, SRX_EINVAL, "exchange: span %g Hz, centre %g Hz", c->span_hz,
                         c->center_hz);
    if (!srxi_isfinite(c->lb_hz) || c->lb_hz < 0.0 || !srxi_isfinite(c->gb_hz) || c->gb_hz < 0.0)
        return srxi_fail(diag, SRX_EINVAL, "exchange: broadening lb %g Hz, gb %g Hz", c->lb_hz,
                         c->gb_hz);
    if (c->n_divisions < 1 || c->n_divisions > 4096)
        return srxi_fail(diag, SRX_EINVAL, "exchange: %d divisions (1 .. 4096)", c->n_divisions);
    if (!srxi_isfinite(c->tail_tol) || c->tail_tol < 0.0 || c->tail_tol >= 1.0)
        return srxi_fail(diag, SRX_EINVAL, "exchange: tail tolerance %g", c->tail_tol);
    for (s = 0; s < n_sites; s++) {
        const srx_exchange_site *x = &sites[s];
        srx_quad_site q;
        if (!srxi_isfinite(x->alpha_rad) || !srxi_isfinite(x->beta_rad) ||
            !srxi_isfinite(x->gamma_rad))
            return srxi_fail(diag, SRX_EINVAL, "exchange: site %zu: Euler angles not finite", s);
        srx_quad_site_init(&q);
        q.cq_hz = x->cq_hz;
        q.eta = x->eta;
        q.shift_hz = x->shift_hz;
        if ((st = srx_quad_site_check(&q, c->spin, diag))) {
            srxi_diag_prefix(diag, "exchange: site %zu", s);
            return st;
        }
        popr[s] = x->population;
    }
    sim = calloc(1, sizeof *sim);
    if (!sim)
        return srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory");
    sim->c = *c;
    sim->n_sites = n_sites;
    if ((st = check_population(n_sites, popr, sim->pop, diag)) ||
        (st = srx_exchange_alloc(n_sites, &sim->ex, diag)) ||
        (st = srx_powder_alloc(c->n_divisions, SRX_POWDER_HEMISPHERE, &pw, diag)))
        goto fail;
    sim->n_orient = srx_powder_n_orientations(pw);
    al = srx_powder_alpha_rad(pw);
    be = srx_powder_beta_rad(pw);
    wt = srx_powder_weights(pw);
    sim->freq = malloc(sim->n_orient * n_sites * sizeof(double));
    sim->weight = malloc(sim->n_orient * sizeof(double));
    sim->work = malloc(c->n_points * sizeof(double));
    th = malloc(sim->n_orient * sizeof(double));
    ph = malloc(sim->n_orient * sizeof(double));
    col = malloc(sim->n_orient * sizeof(double));
    if (!sim->freq || !sim->weight || !sim->work || !th || !ph || !col) {
        st = srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory");
        goto fail;
    }
    memcpy(sim->weight, wt, sim->n_orient * sizeof(double));
    for (s = 0; s < n_sites; s++) {
        const srx_exchange_site *x = &sites[s];
        srx_quad_site q;
        for (o = 0; o < sim->n_orient; o++) {
            double n[3];
            n[0] = sin(be[o]) * cos(al[o]);
            n[1] = sin(be[o]) * sin(al[o]);
            n[2] = cos(be[o]);
            pas_angles(n, x->alpha_rad, x->beta_rad, x->gamma_rad, &th[o], &ph[o]);
        }
        srx_quad_site_init(&q);
        q.cq_hz = x->cq_hz;
        q.eta = x->eta;
        q.shift_hz = x->shift_hz;
        if ((st = srx_quad_frequencies_hz(&q, c->spin, 0.5, c->larmor_hz,
                                          c->mas ? SRX_MAGIC_ANGLE_RAD : 0.0, ph, th,
                                          sim->n_orient, col, diag)))
            goto fail;
        for (o = 0; o < sim->n_orient; o++)
            sim->freq[o * n_sites + s] = col[o];
    }
    if (c->gb_hz > 0.0) {
        double spacing = c->span_hz / (double)c->n_points;
        double sig = c->gb_hz / (2.0 * sqrt(2.0 * log(2.0))), sum = 0.0;
        size_t j;
        sim->kw = (size_t)ceil(8.0 * sig / spacing) + 1;
        if (sim->kw > c->n_points)
            sim->kw = c->n_points;
        sim->kernel = malloc((2 * sim->kw + 1) * sizeof(double));
        if (!sim->kernel) {
            st = srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory");
            goto fail;
        }
        for (j = 0; j <= 2 * sim->kw; j++) {
            double x = ((double)j - (double)sim->kw) * spacing;
            sim->kernel[j] = 0.5 * (erf((x + 0.5 * spacing) / (sqrt(2.0) * sig)) -
                                    erf((x - 0.5 * spacing) / (sqrt(2.0) * sig)));
            sum += sim->kernel[j];
        }
        for (j = 0; j <= 2 * sim->kw; j++)
            sim->kernel[j] /= sum;
    }
    free(th);
    free(ph);
    free(col);
    srx_powder_free(pw);
    *out = sim;
    return SRX_OK;
fail:
    free(th);
    free(ph);
    free(col);
    srx_powder_free(pw);
    srx_exchange_sim_free(sim);
    return st;
}

size_t srx_exchange_sim_n_orientations(const srx_exchange_sim *sim)
{
    return sim ? sim->n_orient : 0;
}

const double *srx_exchange_sim_site_frequencies(const srx_exchange_sim *sim)
{
    return sim ? sim->freq : NULL;
}

const double *srx_exchange_sim_weights(const srx_exchange_sim *sim)
{
    return sim ? sim->weight : NULL;
}

int srx_exchange_sim_frequencies(const srx_exchange_sim *sim, double *frequency_hz,
                                 srx_diag *diag)
{
    size_t i;
    if (!sim || !frequency_hz)
        return srxi_fail(diag, SRX_EINVAL, "exchange: NULL argument");
    for (i = 0; i < sim->c.n_points; i++)
        frequency_hz[i] = sim->c.center_hz - 0.5 * sim->c.span_hz +
                          (double)i * sim->c.span_hz / (double)sim->c.n_points;
    return SRX_OK;
}

int srx_exchange_sim_spectrum(srx_exchange_sim *sim, double rate_per_s, double *intensity,
                              srx_diag *diag)
{
    const srx_exchange_conditions *c;
    double spacing, first, sum = 0.0;
    double *dst;
    size_t i, np;
    int st;
    if (!sim || !intensity)
        return srxi_fail(diag, SRX_EINVAL, "exchange: NULL argument");
    c = &sim->c;
    np = c->n_points;
    spacing = c->span_hz / (double)np;
    first = c->center_hz - 0.5 * c->span_hz;
    dst = sim->kernel ? sim->work : intensity;
    if ((st = srx_exchange_spectrum(sim->ex, sim->pop, rate_per_s, sim->n_orient, sim->freq,
                                    sim->weight, c->lb_hz, c->tail_tol, first, spacing, np, dst,
                                    diag)))
        return st;
    if (sim->kernel) {
        size_t kw = sim->kw;
        for (i = 0; i < np; i++) {
            double s = 0.0;
            size_t j0 = i >= kw ? 0 : kw - i, j1 = i + kw < np ? 2 * kw : kw + (np - 1 - i), j;
            for (j = j0; j <= j1; j++)
                s += sim->kernel[j] * dst[i + j - kw];
            intensity[i] = s;
        }
    }
    for (i = 0; i < np; i++)
        sum += intensity[i];
    if (!(sum * spacing > 0.0))
        return srxi_fail(diag, SRX_ENODATA, "exchange: no intensity in the window");
    for (i = 0; i < np; i++)
        intensity[i] /= sum * spacing;
    return SRX_OK;
}

int srx_exchange_sim_series(srx_exchange_sim *sim, double ea_ev, double tau0_s, size_t n,
                            const double *temperature_k, double *intensity, srx_diag *diag)
{
    size_t i;
    if (!sim || !temperature_k || !intensity)
        return srxi_fail(diag, SRX_EINVAL, "exchange: NULL argument");
    for (i = 0; i < n; i++) {
        double tau, rate;
        int st = srx_spectral_tau_s(temperature_k[i], ea_ev, tau0_s, &tau, diag);
        if (st == SRX_ERANGE)
            rate = 0.0;
        else if (st != SRX_OK)
            return st;
        else
            rate = 1.0 / tau;
        if (!srxi_isfinite(rate))
            return srxi_fail(diag, SRX_EDOM, "exchange: rate at %g K is not finite",
                             temperature_k[i]);
        if ((st = srx_exchange_sim_spectrum(sim, rate, &intensity[i * sim->c.n_points], diag)))
            return st;
    }
    return SRX_OK;
}
