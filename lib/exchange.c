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
#include "exchange_mesh.h"

#define MAXN SRX_EXCHANGE_MAX_SITES
#define QR_MAX_ITER 200
/* |v^T v| below this fraction of |v|^2: too close to an exceptional point */
#define EP_TOL 1e-6
/* bins each side of a line integrated with the exact antiderivative */
#define NEAR_BINS 32.0
/* a line's bins closer than this (in bins, as |g + i x|) to its centre are
 * integrated exactly, the others by 2-point Gauss-Legendre */
#define EXACT_R 4.0
/* smallest exact zone each side of a tent, in bins */
#define TENT_NEAR_MIN 4.0
/* a tent's exact zone reaches where its standard deviation is this
 * fraction of |g + i (nu - centroid)| */
#define TENT_Q 0.2
/* multilevel far field (tail_tol > 0): the density times a smooth cutoff
 * w(u) (0 below R1 bins from the line, 1 beyond R2) is sampled on coarse
 * nodes every COARSE_M bins and interpolated (cubic Lagrange) after the
 * orientation sum; (1 - w) D is integrated on the fine bins */
#define FAR_R1 48.0
#define FAR_R2 144.0
#define COARSE_M 12
#define CTAB_N ((int)FAR_R2 + 1)
/* a second, coarser level for windows of at least 2 FAR_B2 bins: beyond
 * FAR_B1 bins the tails go (with a second C2 cutoff, complete at FAR_B2)
 * to nodes every COARSE_MB bins; same ratios as the first level */
#define FAR_B1 384.0
#define FAR_B2 1152.0
#define COARSE_MB 96
/* 2-point Gauss-Legendre abscissa 1/(2 sqrt 3) of a unit interval */
#define GL2 0.28867513459481288225

struct srx_exchange {
    size_t n;
    double complex a[MAXN * MAXN], q[MAXN * MAXN], y[MAXN];
    double *coarse; /* far-field nodes (grown on demand, then reused) */
    size_t coarse_cap;
    srxi_xmesh *mesh; /* FFT mesh of the far field for mesh_np bins, or NULL */
    size_t mesh_np;
};

/* the workspace's mesh for np bins (made, or remade for another np) */
static int ensure_mesh(srx_exchange *ex, size_t np)
{
    if (ex->mesh && ex->mesh_np == np)
        return SRX_OK;
    srxi_xmesh_free(ex->mesh);
    ex->mesh = NULL;
    if (srxi_xmesh_alloc(np, &ex->mesh))
        return SRX_ENOMEM;
    ex->mesh_np = np;
    return SRX_OK;
}

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
    srxi_xmesh_free(ex->mesh);
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
/* C2 smoothstep on [0, 1] */
static double smooth01(double t)
{
    return t <= 0.0 ? 0.0 : t >= 1.0 ? 1.0 : t * t * t * (10.0 - 15.0 * t + 6.0 * t * t);
}

/* the level-2 cutoff: 0 for u <= FAR_B1, 1 for u >= FAR_B2 */
static double cutoff_b(double u)
{
    return smooth01((u - FAR_B1) / (FAR_B2 - FAR_B1));
}

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

/* pi times the density at offset x (Hz) of a complex Lorentzian (HWHM g,
 * g2 = g^2, amplitude cr + i ci) whose centre is spread over a triangular
 * distribution of variance var and third central moment mu3 (Hz^2, Hz^3;
 * its fourth moment is 2.4 var^2), to fourth order in the spread:
 * Re[c (1/u - var/u^3 - i mu3/u^4 + 2.4 var^2/u^5)], u = g + i x (the
 * Taylor series of the line about the centroid, averaged) */
static inline double line_val(double x, double g, double g2, double cr, double ci, double var,
                              double mu3)
{
    double d = g2 + x * x;
    if (var == 0.0 && mu3 == 0.0)
        return (cr * g + ci * x) / d;
    {
        /* in real arithmetic: r = 1/u, s = r^2, P = 1 - var s - i mu3 s r + 2.4 var^2 s^2 */
        double id = 1.0 / d, rr = g * id, ri = -x * id;
        double sr = rr * rr - ri * ri, si = 2.0 * rr * ri;
        double s3r = sr * rr - si * ri, s3i = sr * ri + si * rr, k = 2.4 * var * var;
        double pr = 1.0 - var * sr + mu3 * s3i + k * (sr * sr - si * si);
        double pim = -var * si - mu3 * s3r + k * 2.0 * sr * si;
        return cr * (rr * pr - ri * pim) - ci * (rr * pim + ri * pr);
    }
}

static double antiderivative(double x, double g, double cr, double ci)
{
    double v = cr * atan2(x, g);
    if (ci != 0.0) {
        double h2 = g * g + x * x;
        if (h2 > 0.0)
            v += 0.5 * ci * log(h2);
    }
    return v / SRXI_PI;
}

/* bound on the density of the lines of one orientation at nu (1/Hz): the
 * sum of each line's |absorptive| + |dispersive| parts, with no credit for
 * cancellation between lines (the triangles split an orientation's lines
 * between tents and lines, binned over different windows) */
static double density(size_t n, const double *f, const double *g, const double *cr,
                      const double *ci, double nu)
{
    double s = 0.0;
    size_t k;
    for (k = 0; k < n; k++) {
        double x = nu - f[k], d = g[k] * g[k] + x * x;
        if (d > 0.0)
            s += (fabs(cr[k]) * g[k] + fabs(ci[k] * x)) / d;
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
            m = fmax(m, density(n, f, g, cr, ci, hi + t) * t);
            m = fmax(m, density(n, f, g, cr, ci, lo - t) * t);
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
    double *coarse;   /* level-1 nodes, n_coarse of them */
    size_t n_coarse;
    double *coarse_b; /* level-2 nodes (two_level), n_coarse_b of them */
    size_t n_coarse_b;
    int two_level;
    double *out; /* bin integrals (divided by the spacing at the end) */
    double exact_r;      /* lines: exact bins within this many bins (as |g + i x|) */
    int gl2;             /* 2-point Gauss-Legendre bins (else centre values) */
    double ctab[CTAB_N]; /* cutoff(k + 1/2) */
    srxi_xmesh *mesh;    /* far field through the mesh, or NULL */
    int all_exact;       /* every source exact over its whole window */
} bin_ctx;

static void bin_ctx_init(bin_ctx *b)
{
    int k;
    for (k = 0; k < CTAB_N; k++)
        b->ctab[k] = cutoff((double)k + 0.5);
}

/* One complex Lorentzian (centre fk, HWHM gk, amplitude crk + i cik) of
 * weight w.  Bins [near_lo, near_hi) (bin indices, clipped to the window)
 * are the near zone: with `exact == 0` the caller fills them; with `exact`
 * the bins where |gk + i x| < EXACT_R bins get the exact antiderivative and
 * the others 2-point Gauss-Legendre (error below 6e-3 (spacing/|gk + i x|)^4
 * of the local value, so below 2.2e-5 there).  Beyond the near zone:
 * Gauss-Legendre out to FAR_R2 bins (all the way without the multilevel far
 * field), and the coarse nodes beyond (times the C2 cutoff). */
static void bin_line(bin_ctx *b, double fk, double gk, double crk, double cik, double w,
                     double near_lo, double near_hi, double margin, double var, double mu3,
                     int exact)
{
    const double e0 = b->e0, sp = b->spacing, g2 = gk * gk;
    const size_t i_lo = b->i_lo, i_hi = b->i_hi;
    double c = (fk - e0) / sp, l_d, r_d, prev, ex_lo = 0.0, ex_hi = 0.0;
    size_t a, bb, l, r, i, xa = 0, xb = 0;
    long ml, mr;
    int far;
    const double wf = w * sp / SRXI_PI, wc2 = w * sp / SRXI_PI;
    if (crk == 0.0 && cik == 0.0)
        return;
    a = near_lo <= (double)i_lo ? i_lo : near_lo >= (double)i_hi ? i_hi : (size_t)near_lo;
    bb = near_hi <= (double)i_lo ? i_lo : near_hi >= (double)i_hi ? i_hi : (size_t)near_hi;
    if (bb < a)
        bb = a;
    if (exact) {
        /* exact bins [xa, xb): within EXACT_R bins of the centre, narrow lines only */
        double gb = gk / sp, er = b->exact_r;
        if (gb < er) {
            double he = sqrt(er * er - gb * gb) + 1.0;
            ex_lo = fmax(floor(c - he), near_lo);
            ex_hi = fmin(floor(c + he) + 1.0, near_hi);
        }
        xa = ex_lo <= (double)i_lo ? i_lo : ex_lo >= (double)i_hi ? i_hi : (size_t)ex_lo;
        xb = ex_hi <= (double)i_lo ? i_lo : ex_hi >= (double)i_hi ? i_hi : (size_t)ex_hi;
        if (xb < xa)
            xb = xa;
    } else {
        xa = a;
        xb = bb;
    }
    /* a line with no tails (g = 0, real amplitude) has nothing beyond */
    far = !(gk == 0.0 && cik == 0.0);
    l_d = !far ? near_lo : b->multilevel ? near_lo - (FAR_R2 - margin) : -1.0;
    r_d = !far ? near_hi : b->multilevel ? near_hi + (FAR_R2 - margin) : 1e300;
    l = l_d <= (double)i_lo ? i_lo : l_d >= (double)a ? a : (size_t)l_d;
    r = r_d >= (double)i_hi ? i_hi : r_d <= (double)bb ? bb : (size_t)r_d;
    /* cutoff at bin i left of the zone: ctab[near_lo - i - 1 + margin];
     * right of it: ctab[i - near_hi + margin] (distances k + 1/2 bins) */
    ml = (long)near_lo - 1 + (long)margin;
    mr = (long)margin - (long)near_hi;
    /* the bins [l, r) outside [xa, xb): by 2-point Gauss-Legendre (gl2,
     * error sp^5 f^(4) / 4320), or from the point values at the bin centres,
     * int_bin f = sp (f + (f_- - 2 f + f_+) / 24) + 13/5760 sp^5 f^(4), one
     * evaluation per bin */
    {
        size_t seg[2][2];
        int sgi;
        seg[0][0] = l;
        seg[0][1] = xa < xb ? (xa < r ? (xa > l ? xa : l) : r) : r;
        seg[1][0] = xa < xb ? (xb > l ? xb : l) : r;
        seg[1][1] = r;
        for (sgi = 0; sgi < 2; sgi++) {
            size_t s0 = seg[sgi][0], s1 = seg[sgi][1];
            double fm, f0, x0;
            if (s1 <= s0)
                continue;
            x0 = e0 + ((double)s0 + 0.5) * sp - fk;
            fm = b->gl2 ? 0.0 : line_val(x0 - sp, gk, g2, crk, cik, var, mu3);
            f0 = b->gl2 ? 0.0 : line_val(x0, gk, g2, crk, cik, var, mu3);
            for (i = s0; i < s1; i++) {
                double keep = 1.0, fp, v;
                if (b->multilevel) {
                    long k = i < a ? ml - (long)i : i >= bb ? (long)i + mr : 0;
                    keep = 1.0 - (k >= CTAB_N ? 1.0 : b->ctab[k]);
                }
                if (b->gl2) {
                    double xm = e0 + ((double)i + 0.5) * sp - fk;
                    v = 0.5 * (line_val(xm - GL2 * sp, gk, g2, crk, cik, var, mu3) +
                               line_val(xm + GL2 * sp, gk, g2, crk, cik, var, mu3));
                } else {
                    fp = line_val(e0 + ((double)i + 1.5) * sp - fk, gk, g2, crk, cik, var, mu3);
                    v = f0 + (fm - 2.0 * f0 + fp) * (1.0 / 24.0);
                    fm = f0;
                    f0 = fp;
                }
                b->out[i] += keep * wf * v;
            }
        }
    }
    if (exact && xa < xb) {
        prev = antiderivative(e0 + (double)xa * sp - fk, gk, crk, cik);
        for (i = xa; i < xb; i++) {
            double cur = antiderivative(e0 + (double)(i + 1) * sp - fk, gk, crk, cik);
            b->out[i] += w * (cur - prev);
            prev = cur;
        }
    }
    if (b->multilevel && far) {
        /* level-1 node j sits at bin j M (index j + 1 in the array); nodes
         * closer than FAR_R1 to the line have a zero cutoff, and with two
         * levels those beyond FAR_B2 belong to level 2 entirely */
        long j0 = (long)floor(((double)i_lo - 2.0 * COARSE_M) / COARSE_M);
        long j1 = (long)ceil(((double)i_hi + 2.0 * COARSE_M) / COARSE_M), j;
        long jl = (long)floor((near_lo - (FAR_R1 - margin)) / COARSE_M);
        long jr = (long)ceil((near_hi + (FAR_R1 - margin)) / COARSE_M);
        if (b->two_level) {
            long ja = (long)floor((near_lo - (FAR_B2 - margin)) / COARSE_M);
            long jb = (long)ceil((near_hi + (FAR_B2 - margin)) / COARSE_M);
            j0 = j0 > ja ? j0 : ja;
            j1 = j1 < jb ? j1 : jb;
        }
        if (j0 < -1)
            j0 = -1;
        if (j1 > (long)b->n_coarse - 2)
            j1 = (long)b->n_coarse - 2;
        for (j = j0; j <= j1; j++) {
            long ib = j * COARSE_M, k;
            double u, wc;
            if (j > jl && j < jr) {
                j = jr - 1;
                continue;
            }
            k = (double)ib < near_lo ? ml - ib : (double)ib >= near_hi ? ib + mr : 0;
            wc = k >= CTAB_N ? 1.0 : k < 0 ? 0.0 : b->ctab[k];
            if (b->two_level)
                wc -= cutoff_b((double)k + 0.5);
            if (wc == 0.0)
                continue;
            u = ((double)ib + 0.5 - c) * sp;
            b->coarse[j + 1] += wc * wc2 * line_val(u, gk, g2, crk, cik, var, mu3);
        }
        if (b->two_level) {
            j0 = (long)floor(((double)i_lo - 2.0 * COARSE_MB) / COARSE_MB);
            j1 = (long)ceil(((double)i_hi + 2.0 * COARSE_MB) / COARSE_MB);
            jl = (long)floor((near_lo - (FAR_B1 - margin)) / COARSE_MB);
            jr = (long)ceil((near_hi + (FAR_B1 - margin)) / COARSE_MB);
            if (j0 < -1)
                j0 = -1;
            if (j1 > (long)b->n_coarse_b - 2)
                j1 = (long)b->n_coarse_b - 2;
            for (j = j0; j <= j1; j++) {
                long ib = j * COARSE_MB, k;
                double u, wc;
                if (j > jl && j < jr) {
                    j = jr - 1;
                    continue;
                }
                k = (double)ib < near_lo ? ml - ib : (double)ib >= near_hi ? ib + mr : 0;
                wc = cutoff_b((double)k + 0.5);
                if (wc == 0.0)
                    continue;
                u = ((double)ib + 0.5 - c) * sp;
                b->coarse_b[j + 1] += wc * wc2 * line_val(u, gk, g2, crk, cik, var, mu3);
            }
        }
    }
}


/* adds the far field held on nodes every m bins (node j at bin j m,
 * index j + 1) to the n bins, by cubic Lagrange interpolation */
static void add_nodes(const double *coarse, size_t m, size_t n, double *out)
{
    size_t i;
    for (i = 0; i < n; i++) {
        size_t j0 = i / m;
        double t = (double)(i % m) / (double)m;
        const double *q = &coarse[j0]; /* nodes j0 - 1 .. j0 + 2 */
        out[i] += -t * (t - 1.0) * (t - 2.0) / 6.0 * q[0] +
                  (t + 1.0) * (t - 1.0) * (t - 2.0) / 2.0 * q[1] -
                  (t + 1.0) * t * (t - 2.0) / 2.0 * q[2] +
                  (t + 1.0) * t * (t - 1.0) / 6.0 * q[3];
    }
}

static void add_coarse(const bin_ctx *b, size_t n, double *out)
{
    add_nodes(b->coarse, COARSE_M, n, out);
    if (b->two_level)
        add_nodes(b->coarse_b, COARSE_MB, n, out);
}

/* points the context at a zeroed node store for n bins (grown in *store,
 * *cap on demand); SRX_ENOMEM on failure */
static int setup_coarse(bin_ctx *b, size_t n, double **store, size_t *cap)
{
    size_t na = n / COARSE_M + 5, nb = n / COARSE_MB + 5, need;
    b->two_level = (double)n >= 2.0 * FAR_B2;
    need = na + (b->two_level ? nb : 0);
    if (*cap < need) {
        double *p = realloc(*store, need * sizeof *p);
        if (!p)
            return SRX_ENOMEM;
        *store = p;
        *cap = need;
    }
    memset(*store, 0, need * sizeof **store);
    b->coarse = *store;
    b->n_coarse = na;
    b->coarse_b = b->two_level ? *store + na : NULL;
    b->n_coarse_b = b->two_level ? nb : 0;
    return SRX_OK;
}

/* third antiderivative of (1/pi) Re[c / (g + i y)]:
 * (1/pi) Re[i c (u^2/2 ln u - 3 u^2 / 4)], u = g + i y */
static double phi3(double y, double g, double complex c)
{
    double m2 = g * g + y * y, lr, li, ur, ui, pr, pi;
    if (m2 == 0.0)
        return 0.0;
    lr = 0.25 * log(m2) - 0.75; /* 0.5 ln|u| - 0.75 */
    li = 0.5 * atan2(y, g);     /* 0.5 arg u */
    ur = g * g - y * y;         /* u^2 */
    ui = 2.0 * g * y;
    pr = ur * lr - ui * li;     /* u^2 (0.5 ln u - 0.75) */
    pi = ur * li + ui * lr;
    /* Re[i c p] = -(Re c Im p + Im c Re p) */
    return -(creal(c) * pi + cimag(c) * pr) / SRXI_PI;
}

/* sorts the corners and keeps them at least eps apart (a tent of zero
 * width on one side is a step) */
static void tent_corners(double *pa, double *pb, double *pc, double eps)
{
    double t;
    if (*pa > *pb)
        t = *pa, *pa = *pb, *pb = t;
    if (*pb > *pc)
        t = *pb, *pb = *pc, *pc = t;
    if (*pa > *pb)
        t = *pa, *pa = *pb, *pb = t;
    if (*pb - *pa < eps)
        *pa = *pb - eps;
    if (*pc - *pb < eps)
        *pc = *pb + eps;
}

/* the exact bin integrals of the tent (sorted corners) convolved with the
 * line, times w (and times sw[i - i0] unless sw is NULL), added to bins
 * [i0, i1): second divided differences of phi3 at the bin edges */
static void tent_exact(bin_ctx *b, double pa, double pb, double pc, double g, double complex c,
                       double w, size_t i0, size_t i1, const double *sw)
{
    const double sp = b->spacing, e0 = b->e0;
    double aa = 1.0 / (pb - pa), ac = 1.0 / (pc - pb), ab = -(aa + ac), norm = 2.0 / (pc - pa);
    double prev = 0.0;
    size_t i;
    for (i = i0; i <= i1 && i0 < i1; i++) {
        double e = e0 + (double)i * sp;
        double gv = aa * phi3(e - pa, g, c) + ab * phi3(e - pb, g, c) + ac * phi3(e - pc, g, c);
        if (i > i0)
            b->out[i - 1] += (sw ? sw[i - 1 - i0] : 1.0) * w * norm * (gv - prev);
        prev = gv;
    }
}

/* the exact bin integrals of one line, times w (and sw[i - i0] unless sw
 * is NULL), added to bins [i0, i1) */
static void line_exact(bin_ctx *b, double f, double g, double cr, double ci, double w, size_t i0,
                       size_t i1, const double *sw)
{
    double prev;
    size_t i;
    if (i0 >= i1)
        return;
    prev = antiderivative(b->e0 + (double)i0 * b->spacing - f, g, cr, ci);
    for (i = i0; i < i1; i++) {
        double cur = antiderivative(b->e0 + (double)(i + 1) * b->spacing - f, g, cr, ci);
        b->out[i] += (sw ? sw[i - i0] : 1.0) * w * (cur - prev);
        prev = cur;
    }
}

static void bin_tent(bin_ctx *b, double pa, double pb, double pc, double g, double complex c,
                     double w);

/* One source of the powder sum: the tent (pa, pb, pc) or, with pa == pb ==
 * pc and line != 0, the line at pa; through the mesh when it fits (exact
 * near zone, mesh far field), exactly over the window with all_exact, and
 * otherwise by bin_tent / bin_line.  Returns 0 or -1 (out of memory). */
static int put_source(bin_ctx *b, double pa, double pb, double pc, int line, double g,
                      double complex c, double w)
{
    const double sp = b->spacing;
    if (!line)
        tent_corners(&pa, &pb, &pc, 1e-3 * sp);
    if (b->all_exact) {
        if (line)
            line_exact(b, pa, g, creal(c), cimag(c), w, b->i_lo, b->i_hi, NULL);
        else
            tent_exact(b, pa, pb, pc, g, c, w, b->i_lo, b->i_hi, NULL);
        return 0;
    }
    if (g == 0.0 && cimag(c) == 0.0) {
        /* no tails: only the bins the tent (the line) covers */
        double lo = floor((pa - b->e0) / sp), hi = floor((pc - b->e0) / sp) + 1.0;
        size_t i0 = lo <= (double)b->i_lo ? b->i_lo : lo >= (double)b->i_hi ? b->i_hi : (size_t)lo;
        size_t i1 = hi <= (double)b->i_lo ? b->i_lo : hi >= (double)b->i_hi ? b->i_hi : (size_t)hi;
        if (line)
            line_exact(b, pa, g, creal(c), 0.0, w, i0, i1, NULL);
        else
            tent_exact(b, pa, pb, pc, g, c, w, i0, i1, NULL);
        return 0;
    }
    if (b->mesh) {
        long zone[6];
        double zw[SRXI_XMESH_ZONE_MAX];
        int nz, z;
        /* node units: node k at the centre of bin k, e0 + (k + 1/2) sp */
        int st = srxi_xmesh_add(b->mesh, (pa - b->e0) / sp - 0.5, (pb - b->e0) / sp - 0.5,
                                (pc - b->e0) / sp - 0.5, g / sp, creal(c), cimag(c), w, b->out,
                                zone, &nz, zw);
        if (st < 0)
            return -1;
        if (st == 0) {
            const double *sw = zw;
            for (z = 0; z < nz; z++) {
                size_t i0 = (size_t)zone[2 * z], i1 = (size_t)zone[2 * z + 1];
                if (line)
                    line_exact(b, pa, g, creal(c), cimag(c), w, i0, i1, sw);
                else
                    tent_exact(b, pa, pb, pc, g, c, w, i0, i1, sw);
                sw += i1 - i0;
            }
            return 0;
        }
    }
    if (line) {
        double cc = (pa - b->e0) / sp;
        bin_line(b, pa, g, creal(c), cimag(c), w, floor(cc) - NEAR_BINS, floor(cc) + NEAR_BINS,
                 NEAR_BINS, 0.0, 0.0, 1);
    } else {
        bin_tent(b, pa, pb, pc, g, c, w);
    }
    return 0;
}

/* The tent density of a triangle whose line moves linearly from pa, pb, pc
 * (any order) with HWHM g and amplitude c, weight w, convolved with the
 * line: within NEAR_BINS of the tent exactly, as the second divided
 * difference of phi3 (the tent is sum_j alpha_j (mu - p_j)_+ times
 * 2 / (p_c - p_a)), beyond as a line at the tent's centroid. */
static void bin_tent(bin_ctx *b, double pa, double pb, double pc, double g, double complex c,
                     double w)
{
    const double sp = b->spacing, e0 = b->e0;
    double lo_d, hi_d, z, var, mu3, m;
    size_t a, bb;
    tent_corners(&pa, &pb, &pc, 1e-3 * sp);
    /* Beyond the exact zone the tent is the line at its centroid m with
     * moment corrections (line_val), whose remainder is about
     * 5 (sd / |g + i (nu - m)|)^6 of the local value; the zone reaches
     * where |g + i (nu - m)| = sd / TENT_Q, and TENT_NEAR_MIN bins beyond
     * the tent at least */
    m = (pa + pb + pc) / 3.0;
    var = (pa * pa + pb * pb + pc * pc - pa * pb - pa * pc - pb * pc) / 18.0;
    mu3 = (pa + pb - 2.0 * pc) * (2.0 * pa - pb - pc) * (pa - 2.0 * pb + pc) / 270.0;
    {
        double rr = sqrt(var) / TENT_Q, hx = rr > g ? sqrt(rr * rr - g * g) : 0.0;
        z = fmax(TENT_NEAR_MIN, ceil(fmax(pa - (m - hx), (m + hx) - pc) / sp));
        z = fmin(z, 1e6);
    }
    lo_d = floor((pa - e0) / sp) - z;
    hi_d = floor((pc - e0) / sp) + z + 1.0;
    a = lo_d <= (double)b->i_lo ? b->i_lo : lo_d >= (double)b->i_hi ? b->i_hi : (size_t)lo_d;
    bb = hi_d <= (double)b->i_lo ? b->i_lo : hi_d >= (double)b->i_hi ? b->i_hi : (size_t)hi_d;
    tent_exact(b, pa, pb, pc, g, c, w, a, bb, NULL);
    bin_line(b, m, g, creal(c), cimag(c), w, lo_d, hi_d, fmin(z, NEAR_BINS), var, mu3, 0);
}

int srxi_exchange_tent_binned(double pa, double pb, double pc, double g_hz, double cr, double ci,
                              double first_hz, double spacing_hz, size_t n_points, int mode,
                              double *out)
{
    bin_ctx bc;
    double *coarse = NULL;
    srxi_xmesh *mesh = NULL;
    size_t i;
    int st = SRX_OK, line = pa == pb && pb == pc;
    memset(&bc, 0, sizeof bc);
    bc.e0 = first_hz - 0.5 * spacing_hz;
    bc.spacing = spacing_hz;
    bc.i_lo = 0;
    bc.i_hi = n_points;
    bc.exact_r = EXACT_R;
    bc.multilevel = mode == 1 && (double)n_points >= 4.0 * FAR_R2;
    bin_ctx_init(&bc);
    if (bc.multilevel) {
        size_t cap = 0;
        if (setup_coarse(&bc, n_points, &coarse, &cap))
            return SRX_ENOMEM;
    }
    memset(out, 0, n_points * sizeof *out);
    bc.out = out;
    if (mode == 2) {
        long zone[6];
        double zw[SRXI_XMESH_ZONE_MAX];
        int nz;
        if (srxi_xmesh_alloc(n_points, &mesh))
            return SRX_ENOMEM;
        srxi_xmesh_begin(mesh);
        bc.mesh = mesh;
        /* the source must fit the mesh (no silent fallback in this test hook) */
        if (!line)
            tent_corners(&pa, &pb, &pc, 1e-3 * spacing_hz);
        st = srxi_xmesh_add(mesh, (pa - bc.e0) / spacing_hz - 0.5, (pb - bc.e0) / spacing_hz - 0.5,
                            (pc - bc.e0) / spacing_hz - 0.5, g_hz / spacing_hz, cr, ci, 1.0, out,
                            zone, &nz, zw);
        if (st == 0) {
            const double *sw = zw;
            int z;
            for (z = 0; z < nz; z++) {
                size_t i0 = (size_t)zone[2 * z], i1 = (size_t)zone[2 * z + 1];
                if (line)
                    line_exact(&bc, pa, g_hz, cr, ci, 1.0, i0, i1, sw);
                else
                    tent_exact(&bc, pa, pb, pc, g_hz, cr + I * ci, 1.0, i0, i1, sw);
                sw += i1 - i0;
            }
            st = srxi_xmesh_finish(mesh, out) ? SRX_ENOMEM : SRX_OK;
        } else {
            st = st < 0 ? SRX_ENOMEM : SRX_EINVAL;
        }
        srxi_xmesh_free(mesh);
    } else if (mode == 3) {
        if (line) {
            line_exact(&bc, pa, g_hz, cr, ci, 1.0, 0, n_points, NULL);
        } else {
            tent_corners(&pa, &pb, &pc, 1e-3 * spacing_hz);
            tent_exact(&bc, pa, pb, pc, g_hz, cr + I * ci, 1.0, 0, n_points, NULL);
        }
    } else if (line) {
        double cc = (pa - bc.e0) / spacing_hz;
        bin_line(&bc, pa, g_hz, cr, ci, 1.0, floor(cc) - NEAR_BINS, floor(cc) + NEAR_BINS,
                 NEAR_BINS, 0.0, 0.0, 1);
    } else {
        bin_tent(&bc, pa, pb, pc, g_hz, cr + I * ci, 1.0);
    }
    if (bc.multilevel)
        add_coarse(&bc, n_points, out);
    for (i = 0; i < n_points; i++)
        out[i] /= spacing_hz;
    free(coarse);
    return st;
}

/* cost of pairing the lines of two orientations */
static double pair_cost(const double *la, const double *lb, size_t n, const size_t *perm,
                        double scale)
{
    double s = 0.0;
    size_t k;
    for (k = 0; k < n; k++) {
        const double *x = &la[4 * k], *y = &lb[4 * perm[k]];
        s += fabs(x[0] - y[0]) + fabs(x[1] - y[1]) + scale * (fabs(x[2] - y[2]) + fabs(x[3] - y[3]));
    }
    return s;
}

/* the permutation of lb's lines closest to la's: all permutations for
 * n <= 4, greedy beyond */
static void match_lines(const double *la, const double *lb, size_t n, double scale, size_t *best)
{
    size_t perm[MAXN], k, j;
    if (n <= 4) {
        /* Heap's algorithm over all n! permutations */
        size_t cnt[MAXN] = {0};
        double bc;
        for (k = 0; k < n; k++)
            perm[k] = best[k] = k;
        bc = pair_cost(la, lb, n, perm, scale);
        k = 1;
        while (k < n) {
            if (cnt[k] < k) {
                size_t sw = k % 2 ? cnt[k] : 0, tmp = perm[sw];
                double cst;
                perm[sw] = perm[k];
                perm[k] = tmp;
                cst = pair_cost(la, lb, n, perm, scale);
                if (cst < bc) {
                    bc = cst;
                    memcpy(best, perm, n * sizeof *perm);
                }
                cnt[k]++;
                k = 1;
            } else {
                cnt[k] = 0;
                k++;
            }
        }
        return;
    }
    {
        int used[MAXN] = {0};
        for (k = 0; k < n; k++) {
            double bcst = INFINITY;
            size_t bj = 0;
            for (j = 0; j < n; j++) {
                double cst;
                if (used[j])
                    continue;
                perm[0] = j;
                cst = fabs(la[4 * k] - lb[4 * j]) + fabs(la[4 * k + 1] - lb[4 * j + 1]) +
                      scale * (fabs(la[4 * k + 2] - lb[4 * j + 2]) + fabs(la[4 * k + 3] - lb[4 * j + 3]));
                if (cst < bcst)
                    bcst = cst, bj = j;
            }
            used[bj] = 1;
            best[k] = bj;
        }
    }
}

int srx_exchange_spectrum(srx_exchange *ex, const double *population, double rate_per_s,
                          size_t n_orient, const double *site_freq_hz, const double *weight,
                          double lb_hz, double tail_tol, double first_hz, double spacing_hz,
                          size_t n_points, double *intensity, srx_diag *diag)
{
    double pn[MAXN], f[MAXN], g[MAXN], cr[MAXN], ci[MAXN], wsum = 0.0, e0, span;
    size_t o, i, k, n, i_lo, i_hi;
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
    memset(&bc, 0, sizeof bc);
    if (multilevel && setup_coarse(&bc, n_points, &ex->coarse, &ex->coarse_cap))
        return srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory");
    if (tail_tol > 0.0) {
        if (ensure_mesh(ex, n_points))
            return srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory (far-field mesh)");
        bc.mesh = ex->mesh;
        srxi_xmesh_begin(ex->mesh);
    }
    memset(intensity, 0, n_points * sizeof *intensity);
    e0 = first_hz - 0.5 * spacing_hz;
    span = spacing_hz * (double)n_points;
    bc.e0 = e0;
    bc.spacing = spacing_hz;
    bc.multilevel = multilevel;
    bc.out = intensity;
    bc.exact_r = NEAR_BINS; /* single orientations: exact over the whole near zone, */
    bc.gl2 = 1;             /* Gauss-Legendre beyond */
    bin_ctx_init(&bc);
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
        for (k = 0; k < n; k++)
            if (put_source(&bc, f[k], f[k], f[k], 1, g[k], cr[k] + I * ci[k], w))
                return srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory");
    }
    if (multilevel)
        add_coarse(&bc, n_points, intensity);
    if (bc.mesh && srxi_xmesh_finish(bc.mesh, intensity))
        return srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory");
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
    size_t n_tri;
    size_t *tri;      /* 3 n_tri corner indices */
    double *tri_w;    /* n_tri */
    double *lines;    /* n_orient x n_sites x (f, g, Re c, Im c) */
    long *win;        /* n_orient x (first bin, end bin) */
    double *vw;       /* n_orient x n_sites: weights of the lines binned as lines */
    long *vwin;       /* n_orient x (first bin, end bin) for those lines */
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
    c->tents = 1;
}

void srx_exchange_sim_free(srx_exchange_sim *sim)
{
    if (!sim)
        return;
    free(sim->freq);
    free(sim->weight);
    free(sim->kernel);
    free(sim->work);
    free(sim->tri);
    free(sim->tri_w);
    free(sim->lines);
    free(sim->win);
    free(sim->vw);
    free(sim->vwin);
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
    if (c->tents != 0 && c->tents != 1)
        return srxi_fail(diag, SRX_EINVAL, "exchange: tents must be 0 or 1");
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
    if (c->tail_tol > 0.0 && ensure_mesh(sim->ex, c->n_points)) {
        st = srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory (far-field mesh)");
        goto fail;
    }
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
    sim->n_tri = srx_powder_n_triangles(pw);
    sim->tri = malloc(3 * sim->n_tri * sizeof(size_t));
    sim->tri_w = malloc(sim->n_tri * sizeof(double));
    sim->lines = malloc(sim->n_orient * n_sites * 4 * sizeof(double));
    sim->win = malloc(2 * sim->n_orient * sizeof(long));
    sim->vw = malloc(sim->n_orient * n_sites * sizeof(double));
    sim->vwin = malloc(2 * sim->n_orient * sizeof(long));
    if (!sim->tri || !sim->tri_w || !sim->lines || !sim->win || !sim->vw || !sim->vwin) {
        st = srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory");
        goto fail;
    }
    memcpy(sim->tri, srx_powder_triangles(pw), 3 * sim->n_tri * sizeof(size_t));
    memcpy(sim->tri_w, srx_powder_triangle_weights(pw), sim->n_tri * sizeof(double));
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

void srxi_exchange_sim_set_cache(srx_exchange_sim *sim, int n)
{
    if (sim && sim->ex->mesh)
        srxi_xmesh_set_cache_max(sim->ex->mesh, n);
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

/* the simulator's spectrum with tent interpolation over the triangles of
 * the orientation set (unnormalised bin integrals / spacing) */
static int sim_tri_spectrum(srx_exchange_sim *sim, double rate, double *out, srx_diag *diag)
{
    const srx_exchange_conditions *cd = &sim->c;
    srx_exchange *ex = sim->ex;
    size_t n = sim->n_sites, np = cd->n_points, o, t, k, i;
    double sp = cd->span_hz / (double)np, e0 = cd->center_hz - 0.5 * cd->span_hz - 0.5 * sp;
    double span = cd->span_hz, hb = 0.5 * cd->lb_hz;
    bin_ctx bc;
    int multilevel = cd->tail_tol > 0.0 && (double)np >= 4.0 * FAR_R2;
    memset(&bc, 0, sizeof bc);
    if (multilevel && setup_coarse(&bc, np, &ex->coarse, &ex->coarse_cap))
        return srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory");
    memset(out, 0, np * sizeof *out);
    memset(sim->vw, 0, sim->n_orient * n * sizeof *sim->vw);
    for (o = 0; o < sim->n_orient; o++) {
        sim->vwin[2 * o] = (long)np;
        sim->vwin[2 * o + 1] = 0;
    }
    bc.e0 = e0;
    bc.spacing = sp;
    bc.multilevel = multilevel;
    bc.out = out;
    bc.exact_r = EXACT_R;
    bc.mesh = cd->tail_tol > 0.0 ? ex->mesh : NULL;
    bc.all_exact = cd->tail_tol == 0.0;
    bin_ctx_init(&bc);
    if (bc.mesh)
        srxi_xmesh_begin(bc.mesh);
    for (o = 0; o < sim->n_orient; o++) {
        double f[MAXN], g[MAXN], cr[MAXN], ci[MAXN], *l = &sim->lines[o * n * 4];
        if (lines(ex, sim->pop, rate, &sim->freq[o * n], f, g, cr, ci))
            return srxi_fail(diag, SRX_ENOCONV, "exchange: orientation %zu: the eigenvalue "
                             "iteration did not converge", o);
        for (k = 0; k < n; k++) {
            l[4 * k] = f[k];
            l[4 * k + 1] = g[k];
            l[4 * k + 2] = cr[k];
            l[4 * k + 3] = ci[k];
            g[k] += hb;
        }
        sim->win[2 * o] = 0;
        sim->win[2 * o + 1] = (long)np;
        if (cd->tail_tol > 0.0) {
            double lo = f[0], hi = f[0], d;
            for (k = 1; k < n; k++) {
                lo = fmin(lo, f[k]);
                hi = fmax(hi, f[k]);
            }
            d = window_halfwidth(n, f, g, cr, ci, lo, hi, sp, span, cd->tail_tol);
            sim->win[2 * o] = (long)fmax(-1.0, fmin((double)np + 1.0, floor((lo - d - e0) / sp)));
            sim->win[2 * o + 1] = (long)fmax(-1.0, fmin((double)np + 1.0, ceil((hi + d - e0) / sp)));
        }
    }
    for (t = 0; t < sim->n_tri; t++) {
        const size_t *cn = &sim->tri[3 * t];
        const double *la = &sim->lines[cn[0] * n * 4], *lb = &sim->lines[cn[1] * n * 4];
        const double *lc = &sim->lines[cn[2] * n * 4];
        long lo = sim->win[2 * cn[0]], hi = sim->win[2 * cn[0] + 1];
        double w = sim->tri_w[t];
        for (k = 1; k < 3; k++) {
            lo = lo < sim->win[2 * cn[k]] ? lo : sim->win[2 * cn[k]];
            hi = hi > sim->win[2 * cn[k] + 1] ? hi : sim->win[2 * cn[k] + 1];
        }
        if (lo < 0)
            lo = 0;
        if (hi > (long)np)
            hi = (long)np;
        if (lo >= hi || w == 0.0)
            continue;
        bc.i_lo = (size_t)lo;
        bc.i_hi = (size_t)hi;
        /* pairings of the corners' lines: the closest permutation; for two
         * sites both permutations, blended smoothly when their costs are
         * within 20% of each other (no jump when lines cross) */
        {
            size_t perm_b[2][MAXN], perm_c[2][MAXN];
            double wb[2] = {1.0, 0.0}, wcc[2] = {1.0, 0.0};
            int nb = 1, ncc = 1, ib, ic;
            match_lines(la, lb, n, span, perm_b[0]);
            match_lines(la, lc, n, span, perm_c[0]);
            if (n == 2) {
                size_t sw[2] = {1, 0};
                double c0, c1, tt;
                memcpy(perm_b[1], sw, sizeof sw);
                if (perm_b[0][0] == 1)
                    perm_b[1][0] = 0, perm_b[1][1] = 1;
                c0 = pair_cost(la, lb, 2, perm_b[0], span);
                c1 = pair_cost(la, lb, 2, perm_b[1], span);
                tt = c0 + c1 > 0.0 ? (fabs(c1 - c0)) / (c0 + c1) : 1.0;
                wb[0] = 0.5 + 0.5 * smooth01(tt / 0.2);
                wb[1] = 1.0 - wb[0];
                nb = wb[1] > 0.0 ? 2 : 1;
                memcpy(perm_c[1], sw, sizeof sw);
                if (perm_c[0][0] == 1)
                    perm_c[1][0] = 0, perm_c[1][1] = 1;
                c0 = pair_cost(la, lc, 2, perm_c[0], span);
                c1 = pair_cost(la, lc, 2, perm_c[1], span);
                tt = c0 + c1 > 0.0 ? (fabs(c1 - c0)) / (c0 + c1) : 1.0;
                wcc[0] = 0.5 + 0.5 * smooth01(tt / 0.2);
                wcc[1] = 1.0 - wcc[0];
                ncc = wcc[1] > 0.0 ? 2 : 1;
            }
            for (ib = 0; ib < nb; ib++) {
                for (ic = 0; ic < ncc; ic++) {
                    double wt = w * wb[ib] * wcc[ic];
                    for (k = 0; k < n; k++) {
                        const double *x = &la[4 * k], *y = &lb[4 * perm_b[ib][k]];
                        const double *z = &lc[4 * perm_c[ic][k]];
                        double fmn = fmin(x[0], fmin(y[0], z[0])), fmx = fmax(x[0], fmax(y[0], z[0]));
                        double gm = (x[1] + y[1] + z[1]) / 3.0 + hb;
                        /* share of the tent: 1 for lines narrower than half
                         * their spread over the triangle, 0 for lines wider
                         * than twice it, a smooth blend between */
                        double r = (fmx - fmn) / fmax(gm, 0.01 * sp);
                        double st = r <= 0.5 ? 0.0 : r >= 2.0 ? 1.0 : smooth01((log(r) - log(0.5)) / log(4.0));
                        if (st > 0.0) {
                            double complex cm = (x[2] + y[2] + z[2]) / 3.0 + I * (x[3] + y[3] + z[3]) / 3.0;
                            if (put_source(&bc, x[0], y[0], z[0], 0, gm, cm, st * wt))
                                return srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory");
                        }
                        if (st < 1.0) {
                            /* the rest as the corners' own lines: their
                             * weights are summed per orientation and the
                             * lines binned once each below */
                            double wv = (1.0 - st) * wt / 3.0;
                            int j;
                            sim->vw[cn[0] * n + k] += wv;
                            sim->vw[cn[1] * n + perm_b[ib][k]] += wv;
                            sim->vw[cn[2] * n + perm_c[ic][k]] += wv;
                            /* a vertex's lines are binned over the union of
                             * the windows of its triangles, as the tents
                             * they pair with: dispersive tails then cancel
                             * as they do in each orientation */
                            for (j = 0; j < 3; j++) {
                                long *vw = &sim->vwin[2 * cn[j]];
                                vw[0] = vw[0] < lo ? vw[0] : lo;
                                vw[1] = vw[1] > hi ? vw[1] : hi;
                            }
                        }
                    }
                }
            }
        }
    }
    for (o = 0; o < sim->n_orient; o++) {
        long lo = sim->vwin[2 * o], hi = sim->vwin[2 * o + 1];
        const double *l = &sim->lines[o * n * 4];
        if (lo >= hi)
            continue;
        bc.i_lo = (size_t)lo;
        bc.i_hi = (size_t)hi;
        for (k = 0; k < n; k++) {
            double wv = sim->vw[o * n + k];
            if (wv > 0.0 && put_source(&bc, l[4 * k], l[4 * k], l[4 * k], 1, l[4 * k + 1] + hb,
                                       l[4 * k + 2] + I * l[4 * k + 3], wv))
                return srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory");
        }
    }
    if (multilevel)
        add_coarse(&bc, np, out);
    if (bc.mesh && srxi_xmesh_finish(bc.mesh, out))
        return srxi_fail(diag, SRX_ENOMEM, "exchange: out of memory");
    for (i = 0; i < np; i++)
        out[i] /= sp;
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
    if (!srxi_isfinite(rate_per_s) || rate_per_s < 0.0)
        return srxi_fail(diag, SRX_EINVAL, "exchange: rate %g /s must be finite and >= 0",
                         rate_per_s);
    if (c->tents)
        st = sim_tri_spectrum(sim, rate_per_s, dst, diag);
    else
        st = srx_exchange_spectrum(sim->ex, sim->pop, rate_per_s, sim->n_orient, sim->freq,
                                   sim->weight, c->lb_hz, c->tail_tol, first, spacing, np, dst,
                                   diag);
    if (st)
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
