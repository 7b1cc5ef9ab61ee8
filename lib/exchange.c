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

#define MAXN SRX_EXCHANGE_MAX_SITES
#define QR_MAX_ITER 200
/* |v^T v| below this fraction of |v|^2: too close to an exceptional point */
#define EP_TOL 1e-6

struct srx_exchange {
    size_t n;
    double complex a[MAXN * MAXN], q[MAXN * MAXN], y[MAXN];
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

int srx_exchange_spectrum(srx_exchange *ex, const double *population, double rate_per_s,
                          size_t n_orient, const double *site_freq_hz, const double *weight,
                          double lb_hz, double first_hz, double spacing_hz, size_t n_points,
                          double *intensity, srx_diag *diag)
{
    double pn[MAXN], f[MAXN], g[MAXN], cr[MAXN], ci[MAXN], wsum = 0.0, e0;
    size_t o, i, k, n;
    int st;
    if ((st = check_common(ex, rate_per_s, diag)))
        return st;
    n = ex->n;
    if (!site_freq_hz || !intensity)
        return srxi_fail(diag, SRX_EINVAL, "exchange: NULL argument");
    if (n_orient == 0 || n_points == 0)
        return srxi_fail(diag, SRX_EINVAL, "exchange: no orientations or no points");
    if (!srxi_isfinite(lb_hz) || lb_hz < 0.0)
        return srxi_fail(diag, SRX_EINVAL, "exchange: lb %g Hz must be finite and >= 0", lb_hz);
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
    memset(intensity, 0, n_points * sizeof *intensity);
    e0 = first_hz - 0.5 * spacing_hz;
    for (o = 0; o < n_orient; o++) {
        double w = (weight ? weight[o] : 1.0) / wsum, prev;
        if (w == 0.0)
            continue;
        if (lines(ex, pn, rate_per_s, &site_freq_hz[o * n], f, g, cr, ci))
            return srxi_fail(diag, SRX_ENOCONV, "exchange: orientation %zu: the eigenvalue "
                             "iteration did not converge", o);
        for (k = 0; k < n; k++)
            g[k] += 0.5 * lb_hz;
        /* the sum of the antiderivatives at each bin edge; a bin gets the
         * difference between its two edges */
        prev = 0.0;
        for (i = 0; i <= n_points; i++) {
            double edge = e0 + (double)i * spacing_hz, s = 0.0;
            for (k = 0; k < n; k++)
                if (cr[k] != 0.0 || ci[k] != 0.0)
                    s += antiderivative(edge - f[k], g[k], cr[k], ci[k]);
            if (i > 0)
                intensity[i - 1] += w * (s - prev);
            prev = s;
        }
    }
    for (i = 0; i < n_points; i++)
        intensity[i] /= spacing_hz;
    return SRX_OK;
}
