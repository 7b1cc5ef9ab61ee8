/* exchange_mesh: the far field of the exchange powder spectra as a
 * particle-mesh sum.
 *
 * A powder spectrum with exchange is a sum of some 10^5 sources: complex
 * Lorentzians (1/pi) Re[a / (g + i y)] whose centres are a point (a line of
 * one orientation) or spread over a triangle density (a tent of the ASG
 * interpolation), each to be integrated over every frequency bin.  Their
 * tails reach across the whole window, so evaluating each source on every
 * bin costs O(bins) per source.  Here each source instead leaves charges on
 * a mesh (the bin centres, padded on both sides), and the mesh is convolved
 * with the exactly bin-integrated Lorentzian by FFT (FFTW), once per width
 * class: the cost per source is a few dozen operations plus its near zone.
 *
 * - Position: the charges of a point at x are the cubic Lagrange weights of
 *   the four nearest nodes (moments 0 to 3 of the point reproduced); those
 *   of a tent are the same weights integrated over the tent's density
 *   (3-point Gauss-Legendre per piece, exact).  The field of the charges
 *   differs from the source's by the cubic-interpolation remainder of the
 *   kernel, at most (9/16) (1 / |gamma + i d|)^4 of the local value at a
 *   distance of d bins (gamma: HWHM in bins).
 * - Width: the kernels are exact for the class widths gamma_c = c / 2 (c =
 *   0 .. 8) and 4 rho^(c - 8) beyond (rho = 1.1); a source of another width
 *   is split over six neighbouring classes with the Lagrange weights of its
 *   width.  The kernel is analytic in the width within |gamma + i d| of it,
 *   so the error is about C (spacing / |gamma + i d|)^6: below 1e-5 of the
 *   local value wherever |gamma + i d| >= 6 bins, 6e-5 at 4 bins.
 * - Near zone: where |gamma + i d| < R0 = 4 bins around the corners of a
 *   tent wider than 8 bins (12 for a point or a tent narrower than 2 bins,
 *   linearly between) the mesh is not accurate; there the mesh's own value of the source is replaced
 *   (from tables of the class kernels) by the exact bin integrals, which
 *   the caller adds, with a weight going smoothly to 0 over one more bin.
 * - Convolution: linear, not circular: the FFT length is at least twice the
 *   reach of the mesh, and the kernels are the exact bin integrals out to
 *   half that length.  Each class costs one complex FFT of the packed real
 *   and imaginary charges; the kernels' transforms are computed when a
 *   class is first used and kept (up to 64 MB; beyond, the least recently
 *   used are dropped), the charges only for the classes of one spectrum.
 */
#include <config.h>

#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exchange_mesh.h"
#include "internal.h"

/* near zone radius in bins (as |gamma + i d|) around a wide tent's corners
 * and around a point (a point's whole error sits in its core, about
 * 0.56 |gamma + i d|^-4 of the local value; a wide tent's in its corners,
 * a fraction 1/width of that: between them the density is linear, see
 * srxi_xmesh_add) */
#define XM_R0 4.0
#define XM_R0P 12.0
/* classes: gamma = c / 2 for c < XM_NLIN, then geometric with ratio XM_RHO */
#define XM_NLIN 9
#define XM_GLIN 4.0
#define XM_RHO 1.1
#define XM_NCLASS 220
/* dispersive tents narrower than this (bins) get their whole support as
 * near zone (see srxi_xmesh_add) */
#define XM_GD 2.5
/* Lagrange points in the width */
#define XM_LAG 6
/* kernel tables at offsets -XM_MT .. XM_MT; a source's stencil plus near
 * zone must fit */
#define XM_MT 512

typedef struct xclass {
    double *q;   /* 2 n_nodes charges (re, im interleaved) while active, else NULL */
    double *khr; /* L/2 + 1: the (real) DFT of the absorptive kernel, NULL if not cached */
    double *khi; /* L/2 + 1: Im of the (imaginary) DFT of the dispersive kernel */
    double *tab; /* (2 XM_MT + 1) x 2: kernel bin integrals (kr, ki) at offsets -MT .. MT */
    int active;  /* charged in this spectrum */
    unsigned long used; /* spectrum count at the last use (for eviction) */
} xclass;

struct srxi_xmesh {
    size_t np, n_nodes, len;
    long pad;
    double gam[XM_NCLASS];
    xclass cls[XM_NCLASS];
    int act[XM_NCLASS];
    int n_act;
    int n_cached, cache_max; /* kernels kept; at most cache_max beyond the active ones */
    unsigned long pass;      /* spectra begun */
    fftw_complex *buf, *acc;
    double *res;
    fftw_plan fwd, bwd;
    double qs[XM_MT + 8];             /* one source's stencil charges */
    double kr[2 * XM_MT + 1];         /* its effective kernel */
};

/* bin integral of the unit Lorentzian of HWHM g (bins) centred on a node,
 * over the bin m bins away: absorptive *r, dispersive *i */
static void kernel_value(double g, long m, double *r, double *i)
{
    double a = (double)(m < 0 ? -m : m);
    if (m == 0) {
        *r = g == 0.0 ? 1.0 : 2.0 / SRXI_PI * atan(0.5 / g);
        *i = 0.0;
        return;
    }
    *r = g == 0.0 ? 0.0 : atan2(g, g * g + a * a - 0.25) / SRXI_PI;
    *i = log1p(2.0 * a / (g * g + (a - 0.5) * (a - 0.5))) / (2.0 * SRXI_PI);
    if (m < 0)
        *i = -*i;
}

/* C2 smoothstep on [0, 1] */
static double smooth01(double t)
{
    return t <= 0.0 ? 0.0 : t >= 1.0 ? 1.0 : t * t * t * (10.0 - 15.0 * t + 6.0 * t * t);
}

/* smallest n >= want with no prime factor above 7 */
static size_t good_size(size_t want)
{
    size_t n;
    for (n = want;; n++) {
        size_t r = n;
        while (r % 2 == 0)
            r /= 2;
        while (r % 3 == 0)
            r /= 3;
        while (r % 5 == 0)
            r /= 5;
        while (r % 7 == 0)
            r /= 7;
        if (r == 1)
            return n;
    }
}

int srxi_xmesh_alloc(size_t n_points, srxi_xmesh **out)
{
    srxi_xmesh *m;
    int c;
    *out = NULL;
    m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    m->np = n_points;
    m->pad = (long)(n_points / 2 > 64 ? n_points / 2 : 64);
    m->n_nodes = n_points + 2 * (size_t)m->pad;
    m->len = good_size(2 * (n_points + (size_t)m->pad));
    /* kernels kept between spectra: up to 64 MB, at least 16 classes */
    {
        double per = (double)(m->len + 2 * (2 * XM_MT + 1) + 2) * sizeof(double);
        m->cache_max = (int)fmax(16.0, fmin((double)XM_NCLASS, 64e6 / per));
    }
    for (c = 0; c < XM_NCLASS; c++)
        m->gam[c] = c < XM_NLIN ? 0.5 * c : XM_GLIN * pow(XM_RHO, c - (XM_NLIN - 1));
    m->buf = fftw_malloc(m->len * sizeof *m->buf);
    m->acc = fftw_malloc((m->len / 2 + 1) * sizeof *m->acc);
    m->res = fftw_malloc(m->len * sizeof *m->res);
    if (!m->buf || !m->acc || !m->res) {
        srxi_xmesh_free(m);
        return -1;
    }
    fftw_make_planner_thread_safe();
    m->fwd = fftw_plan_dft_1d((int)m->len, m->buf, m->buf, FFTW_FORWARD, FFTW_ESTIMATE);
    m->bwd = fftw_plan_dft_c2r_1d((int)m->len, m->acc, m->res, FFTW_ESTIMATE);
    if (!m->fwd || !m->bwd) {
        srxi_xmesh_free(m);
        return -1;
    }
    *out = m;
    return 0;
}

void srxi_xmesh_free(srxi_xmesh *m)
{
    int c;
    if (!m)
        return;
    for (c = 0; c < XM_NCLASS; c++) {
        free(m->cls[c].q);
        free(m->cls[c].khr);
        free(m->cls[c].khi);
        free(m->cls[c].tab);
    }
    if (m->fwd)
        fftw_destroy_plan(m->fwd);
    if (m->bwd)
        fftw_destroy_plan(m->bwd);
    fftw_free(m->buf);
    fftw_free(m->acc);
    fftw_free(m->res);
    free(m);
}

/* releases the charges of the active classes */
static void release_charges(srxi_xmesh *m)
{
    int a;
    for (a = 0; a < m->n_act; a++) {
        xclass *x = &m->cls[m->act[a]];
        free(x->q);
        x->q = NULL;
        x->active = 0;
    }
    m->n_act = 0;
}

void srxi_xmesh_set_cache_max(srxi_xmesh *m, int n)
{
    m->cache_max = n;
}

void srxi_xmesh_begin(srxi_xmesh *m)
{
    release_charges(m);
    m->pass++;
}

static void drop_kernel(xclass *x)
{
    free(x->khr);
    free(x->khi);
    free(x->tab);
    x->khr = x->khi = x->tab = NULL;
}

/* makes class c active in this spectrum: zeroed charges, and its tables
 * and kernel transforms (computed on first use and kept; beyond cache_max
 * kept classes the least recently used inactive one is dropped) */
static int class_ready(srxi_xmesh *m, int c)
{
    xclass *x = &m->cls[c];
    size_t len = m->len, h = len / 2 + 1, j;
    double g = m->gam[c];
    long k;
    if (x->active)
        return 0;
    x->q = calloc(2 * m->n_nodes, sizeof *x->q);
    if (!x->q)
        return -1;
    x->active = 1;
    x->used = m->pass;
    m->act[m->n_act++] = c;
    if (x->khr)
        return 0;
    if (m->n_cached >= m->cache_max) {
        int e = -1, i;
        for (i = 0; i < XM_NCLASS; i++)
            if (m->cls[i].khr && !m->cls[i].active && (e < 0 || m->cls[i].used < m->cls[e].used))
                e = i;
        if (e >= 0) {
            drop_kernel(&m->cls[e]);
            m->n_cached--;
        }
    }
    x->khr = malloc(h * sizeof *x->khr);
    x->khi = malloc(h * sizeof *x->khi);
    x->tab = malloc(2 * (2 * XM_MT + 1) * sizeof *x->tab);
    if (!x->khr || !x->khi || !x->tab) {
        drop_kernel(x);
        return -1;
    }
    m->n_cached++;
    for (k = -XM_MT; k <= XM_MT; k++)
        kernel_value(g, k, &x->tab[2 * (k + XM_MT)], &x->tab[2 * (k + XM_MT) + 1]);
    /* kr + i ki on the circle (offset j or j - len; the middle entry, never
     * reached by a source-target pair, is zero), one FFT, then the
     * transforms of the even real and odd real parts separated */
    for (j = 0; j < len; j++) {
        long off = j < (len + 1) / 2 ? (long)j : (long)j - (long)len;
        double r, i;
        if (2 * j == len) {
            m->buf[j] = 0.0;
            continue;
        }
        if (off >= -XM_MT && off <= XM_MT) {
            r = x->tab[2 * (off + XM_MT)];
            i = x->tab[2 * (off + XM_MT) + 1];
        } else {
            kernel_value(g, off, &r, &i);
        }
        m->buf[j] = r + I * i;
    }
    fftw_execute_dft(m->fwd, m->buf, m->buf);
    for (j = 0; j < h; j++) {
        double complex a = m->buf[j], b = conj(m->buf[(len - j) % len]);
        x->khr[j] = creal(0.5 * (a + b));
        x->khi[j] = cimag((a - b) / (2.0 * I));
    }
    return 0;
}

/* the class c with gam[c] <= g < gam[c + 1] */
static int class_of(const srxi_xmesh *m, double g)
{
    int c;
    if (g < XM_GLIN)
        c = (int)(2.0 * g);
    else
        c = (XM_NLIN - 1) + (int)(log(g / XM_GLIN) / log(XM_RHO));
    if (c < 0)
        c = 0;
    if (c > XM_NCLASS - 2)
        c = XM_NCLASS - 2;
    while (c > 0 && m->gam[c] > g)
        c--;
    while (c < XM_NCLASS - 2 && m->gam[c + 1] <= g)
        c++;
    return c;
}

/* cubic Lagrange weights of the nodes -1, 0, 1, 2 at t in [0, 1) */
static void lagrange4(double t, double *l)
{
    l[0] = -t * (t - 1.0) * (t - 2.0) / 6.0;
    l[1] = (t + 1.0) * (t - 1.0) * (t - 2.0) / 2.0;
    l[2] = -(t + 1.0) * t * (t - 2.0) / 2.0;
    l[3] = (t + 1.0) * t * (t - 1.0) / 6.0;
}

/* charges of the linear density h0 -> h1 on [u0, u1] into qs (node kmin at
 * qs[0]), cell by cell with 3-point Gauss-Legendre (the integrand is of
 * degree 4) */
static void piece_charges(double u0, double u1, double h0, double h1, long kmin, double *qs)
{
    static const double gx[3] = {-0.77459666924148337704, 0.0, 0.77459666924148337704};
    static const double gw[3] = {5.0 / 9.0, 8.0 / 9.0, 5.0 / 9.0};
    double slope = (h1 - h0) / (u1 - u0);
    long j;
    for (j = (long)floor(u0); (double)j < u1; j++) {
        double s0 = fmax(u0, (double)j), s1 = fmin(u1, (double)j + 1.0), mid, half;
        double *q = &qs[j - 1 - kmin];
        int p;
        if (s1 <= s0)
            continue;
        mid = 0.5 * (s0 + s1);
        half = 0.5 * (s1 - s0);
        for (p = 0; p < 3; p++) {
            double x = mid + half * gx[p], l[4], wt = half * gw[p] * (h0 + slope * (x - u0));
            lagrange4(x - (double)j, l);
            q[0] += wt * l[0];
            q[1] += wt * l[1];
            q[2] += wt * l[2];
            q[3] += wt * l[3];
        }
    }
}

int srxi_xmesh_add(srxi_xmesh *m, double xa, double xb, double xc, double g, double ar,
                   double ai, double w, double *out, long *zone, int *n_zone, double *zw)
{
    double lam[XM_LAG], r0;
    long kmin, kmax, r, k, nq;
    int c0, j;
    *n_zone = 0;
    if (!(g >= 0.0 && g <= m->gam[XM_NCLASS - XM_LAG / 2 - 1]))
        return 1;
    if (!(xa >= (double)(1 - m->pad) && xc < (double)((long)m->np + m->pad - 3) && xa <= xb &&
          xb <= xc))
        return 1;
    kmin = (long)floor(xa) - 1;
    kmax = (long)floor(xc) + 2;
    /* near zone: |g + i d| < r0 + 1 bins, d the distance of a bin centre
     * from the nearest corner */
    {
        /* a tent narrower than the stencil is a point to the mesh (its error
         * sits in its core); between 2 and 8 bins wide the radius goes
         * linearly from the point's to the corners' */
        double t = fmin(1.0, fmax(0.0, (xc - xa - 2.0) / 6.0));
        r0 = XM_R0P + (XM_R0 - XM_R0P) * t;
    }
    r = g < r0 + 1.0 ? (long)ceil(sqrt((r0 + 1.0) * (r0 + 1.0) - g * g)) : -1;
    nq = kmax - kmin + 1;
    if (nq + 2 * (r > 0 ? r : 0) + 8 > XM_MT)
        return 1;
    /* width: Lagrange weights over six classes around g */
    c0 = class_of(m, g) - (XM_LAG / 2 - 1);
    if (c0 < 0)
        c0 = 0;
    if (c0 > XM_NCLASS - XM_LAG)
        c0 = XM_NCLASS - XM_LAG;
    for (j = 0; j < XM_LAG; j++) {
        double p = 1.0;
        int l;
        for (l = 0; l < XM_LAG; l++)
            if (l != j)
                p *= (g - m->gam[c0 + l]) / (m->gam[c0 + j] - m->gam[c0 + l]);
        lam[j] = p;
    }
    /* position: the stencil charges of the point or tent */
    memset(m->qs, 0, (size_t)nq * sizeof *m->qs);
    if (xc - xa < 1e-9) {
        long j0 = (long)floor(xa);
        lagrange4(xa - (double)j0, &m->qs[j0 - 1 - kmin]);
    } else {
        double hn = 2.0 / (xc - xa);
        if (xb > xa)
            piece_charges(xa, xb, 0.0, hn, kmin, m->qs);
        if (xc > xb)
            piece_charges(xb, xc, hn, 0.0, kmin, m->qs);
    }
    for (j = 0; j < XM_LAG; j++) {
        int c = c0 + j;
        xclass *x = &m->cls[c];
        double fr = lam[j] * ar * w, fi = lam[j] * ai * w, *q;
        if (class_ready(m, c))
            return -1;
        q = &x->q[2 * (kmin + m->pad)];
        for (k = 0; k < nq; k++) {
            q[2 * k] += fr * m->qs[k];
            q[2 * k + 1] += fi * m->qs[k];
        }
    }
    if (r < 0)
        return 0;
    /* near zones, where the mesh's own value of this source is replaced by
     * the exact one: around each corner.  Between the corners the density
     * is linear and the charges are its values at the nodes, so the
     * absorptive field is exact there (the kernel's bin integrals sum to 1
     * with zero first moment); the dispersive one is off by the slope times
     * the midpoint-rule error of y Ki(y), about ln(1 + exp(-2 pi gamma)) /
     * pi, so narrow dispersive lines (gamma < XM_GD) get the whole tent.
     * The replacement weight goes smoothly from 1 at |g + i d| = r0 to 0 at
     * r0 + 1, so the spectrum is continuous in the source's parameters. */
    {
        const double corner[3] = {xa, xb, xc};
        long b0, b1, o0, o1, i, o, nzw = 0;
        int z, whole = ai != 0.0 && g < XM_GD;
        for (z = 0; z < 3; z++) {
            double ca = whole ? xa : corner[z], cb = whole ? xc : corner[z];
            long lo = (long)ceil(ca) - r, hi = (long)floor(cb) + r + 1;
            if (lo < 0)
                lo = 0;
            if (hi > (long)m->np)
                hi = (long)m->np;
            if (lo >= hi)
                continue;
            if (*n_zone > 0 && lo <= zone[2 * *n_zone - 1]) {
                if (hi > zone[2 * *n_zone - 1])
                    zone[2 * *n_zone - 1] = hi;
            } else {
                zone[2 * *n_zone] = lo;
                zone[2 * *n_zone + 1] = hi;
                ++*n_zone;
            }
        }
        if (*n_zone == 0)
            return 0;
        b0 = zone[0];
        b1 = zone[2 * *n_zone - 1];
        o0 = b0 - kmax;
        o1 = b1 - 1 - kmin;
        for (o = o0; o <= o1; o++) {
            double sr = 0.0, si = 0.0;
            for (j = 0; j < XM_LAG; j++) {
                const double *t = &m->cls[c0 + j].tab[2 * (o + XM_MT)];
                sr += lam[j] * t[0];
                si += lam[j] * t[1];
            }
            m->kr[o - o0] = ar * sr + ai * si;
        }
        for (z = 0; z < *n_zone; z++) {
            for (i = zone[2 * z]; i < zone[2 * z + 1]; i++) {
                double s = 0.0, d, u, sw;
                if (whole)
                    d = (double)i < xa ? xa - (double)i : (double)i > xc ? (double)i - xc : 0.0;
                else
                    d = fmin(fabs((double)i - xa), fmin(fabs((double)i - xb), fabs((double)i - xc)));
                u = sqrt(g * g + d * d);
                sw = u <= r0 ? 1.0 : u >= r0 + 1.0 ? 0.0 : smooth01(r0 + 1.0 - u);
                zw[nzw++] = sw;
                if (sw == 0.0)
                    continue;
                for (k = 0; k < nq; k++)
                    s += m->qs[k] * m->kr[i - (kmin + k) - o0];
                out[i] -= sw * w * s;
            }
        }
    }
    return 0;
}

int srxi_xmesh_finish(srxi_xmesh *m, double *out)
{
    size_t len = m->len, h = len / 2 + 1, j, s;
    int a;
    if (m->n_act == 0)
        return 0;
    memset(m->acc, 0, h * sizeof *m->acc);
    for (a = 0; a < m->n_act; a++) {
        const xclass *x = &m->cls[m->act[a]];
        for (s = 0; s < m->n_nodes; s++)
            m->buf[s] = x->q[2 * s] + I * x->q[2 * s + 1];
        for (; s < len; s++)
            m->buf[s] = 0.0;
        fftw_execute_dft(m->fwd, m->buf, m->buf);
        for (j = 0; j < h; j++) {
            double complex u = m->buf[j], v = conj(m->buf[(len - j) % len]);
            double complex qr = 0.5 * (u + v), qi = (u - v) / (2.0 * I);
            m->acc[j] += qr * x->khr[j] + qi * (I * x->khi[j]);
        }
    }
    fftw_execute_dft_c2r(m->bwd, m->acc, m->res);
    for (j = 0; j < m->np; j++)
        out[j] += m->res[j + (size_t)m->pad] / (double)len;
    release_charges(m);
    return 0;
}
