/* narrowing: Kubo-Anderson motional narrowing, Hendrickson-Bray,
 * Waugh-Fedin, and the width of measured spectra.
 *
 * Sources: R. Kubo, K. Tomita, J. Phys. Soc. Jpn. 9 (1954) 888;
 * P. W. Anderson, J. Phys. Soc. Jpn. 9 (1954) 316; A. Abragam, Principles of
 * Nuclear Magnetism (1961) ch. X; J. R. Hendrickson, P. J. Bray, J. Magn.
 * Reson. 9 (1973) 341; J. S. Waugh, E. I. Fedin, Sov. Phys. Solid State 4
 * (1963) 1633.  physics.md section 7.
 *
 * Spectrum.  S(nu) = 2 integral_0^inf G(t) cos(2 pi nu t) dt, sampled G_j =
 * G(j dt), j = 0 .. N-1 (G_N.. = 0, G(N dt) < 1e-13):
 *     S_dt(nu) = dt [G_0 + 2 sum_{j>=1} G_j cos(2 pi nu j dt)]
 * which by Poisson summation equals sum_k S(nu + k / dt) exactly (G(|t|) is
 * sampled symmetrically): the only error is the alias of the wings, made
 * negligible by the choice of dt (see choose_grid()).  On the DCT-I grid
 * nu_k = k / (2 M dt) (FFTW REDFT00 of length M + 1, M a power of two) this
 * sum is the transform; at any other frequency it is evaluated by the
 * Clenshaw recurrence, which is how the maximum and the half-height crossing
 * are refined. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "internal.h"
#include "narrowing_internal.h"
#include "spinrelax/narrowing.h"
#include "spinrelax/spectral.h"

#define LN2 0.69314718055994530942

/* Decay level that ends the FID: G < exp(-DECAY_LEVEL) = 1e-13 */
#define DECAY_LEVEL 29.933606208922594
/* Spectral span 1/dt in units of the width: Gaussian-like components need
 * little (their wings vanish), Lorentzian wings alias as (pi W dt)^2 / 12
 * of the peak, 5e-6 for 400. */
#define SPAN_GAUSS 20.0
#define SPAN_LORENTZ 400.0
/* DCT bins per estimated FWHM (at least) for bracketing */
#define BINS_PER_WIDTH 8.0
#define MIN_LOG2 8
#define EAGER_LOG2 14
/* a measured peak must exceed this many noise standard deviations */
#define MIN_SNR 5
#define MAX_LOG2 26

struct srx_narrowing {
    size_t max_points; /* power of two */
    int max_log2;
    fftw_plan plan[MAX_LOG2 + 1]; /* DCT-I of length 2^m + 1 */
    double *fid;
    double *spec;
    double dt_divisor, length_factor;
    /* the grid of the current computation */
    double dt, ref; /* dt in units of 1/ref, ref in rad/s (see line_setup) */
    size_t n_samples, m_transform;
};

/* ------------------------------------------------------------ analytic */

/* psi(x) = (exp(-x) - 1 + x) / x^2 for 0 <= x < 0.5:
 * sum_{k>=2} (-x)^(k-2) / k! = 1/2! - x/3! + x^2/4! - ..., 20 terms
 * (truncation below 0.5^20 / 22!) */
static double psi_small(double x)
{
    double term = 0.5, sum = 0.5;
    int k;
    for (k = 3; k <= 22; k++) {
        term *= -x / (double)k;
        sum += term;
    }
    return sum;
}

/* -ln G for one component: M2 tau^2 (exp(-x) - 1 + x), x = t / tau, written
 * as M2 t^2 psi(x) for small x so that M2 tau^2 never overflows (tau ->
 * infinity gives M2 t^2 / 2) */
static double kubo_exponent(double m2, double tau, double t)
{
    double x;
    if (isinf(tau))
        return 0.5 * m2 * t * t;
    x = t / tau;
    if (x < 0.5)
        return m2 * t * t * psi_small(x);
    return m2 * tau * tau * (expm1(-x) + x);
}

double srx_narrowing_rigid_fwhm_hz(double m2_rad2_per_s2)
{
    if (!(m2_rad2_per_s2 >= 0.0))
        return NAN;
    return 2.0 * sqrt(2.0 * LN2 * m2_rad2_per_s2) / (2.0 * SRXI_PI);
}

double srx_narrowing_m2_from_rigid_fwhm(double fwhm_hz)
{
    double w;
    if (!(fwhm_hz >= 0.0))
        return NAN;
    w = fwhm_hz * SRXI_PI; /* sqrt(2 ln2 M2) */
    return w * w / (2.0 * LN2);
}

double srx_narrowing_narrowed_fwhm_hz(double m2_rad2_per_s2, double tau_s)
{
    if (!(m2_rad2_per_s2 >= 0.0) || !(tau_s >= 0.0))
        return NAN;
    return m2_rad2_per_s2 * tau_s / SRXI_PI;
}

int srx_narrowing_fid(double m2_rad2_per_s2, double tau_s, double time_s, double *g,
                      srx_diag *diag)
{
    if (!g)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: NULL argument");
    if (!(m2_rad2_per_s2 >= 0.0) || !srxi_isfinite(m2_rad2_per_s2))
        return srxi_fail(diag, SRX_EINVAL, "narrowing: M2 = %g rad^2/s^2 must be finite and >= 0",
                         m2_rad2_per_s2);
    if (!(tau_s > 0.0))
        return srxi_fail(diag, SRX_EINVAL, "narrowing: tau = %g s must be > 0", tau_s);
    if (!(time_s >= 0.0) || !srxi_isfinite(time_s))
        return srxi_fail(diag, SRX_EINVAL, "narrowing: time %g s must be finite and >= 0", time_s);
    *g = exp(-kubo_exponent(m2_rad2_per_s2, tau_s, time_s));
    return SRX_OK;
}

/* ------------------------------------------------------------ object */

void srx_narrowing_line_init(srx_narrowing_line *line)
{
    size_t c;
    if (!line)
        return;
    memset(line, 0, sizeof *line);
    line->n_components = 1;
    for (c = 0; c < SRX_NARROWING_MAX_COMPONENTS; c++) {
        line->component[c].fraction = c == 0 ? 1.0 : 0.0;
        line->component[c].m2_rad2_per_s2 = 0.0;
        line->component[c].ea_ev = 0.0;
        line->component[c].tau0_s = 1.0;
    }
}

void srx_narrowing_free(srx_narrowing *nw)
{
    int m;
    if (!nw)
        return;
    for (m = 0; m <= MAX_LOG2; m++)
        if (nw->plan[m])
            fftw_destroy_plan(nw->plan[m]);
    fftw_free(nw->fid);
    fftw_free(nw->spec);
    free(nw);
}

int srx_narrowing_alloc(size_t max_points, srx_narrowing **out, srx_diag *diag)
{
    srx_narrowing *nw;
    int m;
    if (!out)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: NULL argument");
    *out = NULL;
    if (max_points == 0)
        max_points = SRX_NARROWING_DEFAULT_MAX_POINTS;
    if (max_points < 1024 || max_points > ((size_t)1 << MAX_LOG2))
        return srxi_fail(diag, SRX_EINVAL, "narrowing: max_points = %zu outside 1024 .. 2^%d",
                         max_points, MAX_LOG2);
    nw = calloc(1, sizeof *nw);
    if (!nw)
        return srxi_fail(diag, SRX_ENOMEM, "narrowing: out of memory");
    for (m = MIN_LOG2; m <= MAX_LOG2 && ((size_t)1 << m) <= max_points; m++)
        nw->max_log2 = m;
    nw->max_points = (size_t)1 << nw->max_log2;
    nw->dt_divisor = 1.0;
    nw->length_factor = 1.0;
    nw->fid = fftw_malloc((nw->max_points + 1) * sizeof(double));
    nw->spec = fftw_malloc((nw->max_points + 1) * sizeof(double));
    if (!nw->fid || !nw->spec) {
        srx_narrowing_free(nw);
        return srxi_fail(diag, SRX_ENOMEM, "narrowing: out of memory for %zu points",
                         nw->max_points);
    }
    fftw_make_planner_thread_safe();
    /* lengths up to 2^EAGER_LOG2 (every single-component line) are planned
     * now; longer ones, whose planning costs 10-100 ms each, on first use */
    for (m = MIN_LOG2; m <= nw->max_log2 && m <= EAGER_LOG2; m++) {
        nw->plan[m] = fftw_plan_r2r_1d((int)(((size_t)1 << m) + 1), nw->fid, nw->spec,
                                       FFTW_REDFT00, FFTW_ESTIMATE);
        if (!nw->plan[m]) {
            srx_narrowing_free(nw);
            return srxi_fail(diag, SRX_ENOMEM, "narrowing: FFTW could not plan length 2^%d + 1",
                             m);
        }
    }
    *out = nw;
    return SRX_OK;
}

int srxi_narrowing_set_resolution(srx_narrowing *nw, double dt_divisor, double length_factor)
{
    if (!nw || !(dt_divisor >= 1.0) || !(length_factor >= 1.0) || !srxi_isfinite(dt_divisor) ||
        !srxi_isfinite(length_factor))
        return SRX_EINVAL;
    nw->dt_divisor = dt_divisor;
    nw->length_factor = length_factor;
    return SRX_OK;
}

void srxi_narrowing_last_grid(const srx_narrowing *nw, double *dt_s, size_t *n_samples,
                              size_t *n_transform)
{
    if (dt_s)
        *dt_s = nw->dt / nw->ref;
    if (n_samples)
        *n_samples = nw->n_samples;
    if (n_transform)
        *n_transform = nw->m_transform;
}

/* ------------------------------------------------------------ validation */

int srx_narrowing_line_check(const srx_narrowing_line *line, srx_diag *diag)
{
    size_t c;
    double total = 0.0;
    if (!line)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: NULL line");
    if (line->n_components < 1 || line->n_components > SRX_NARROWING_MAX_COMPONENTS)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: n_components = %zu outside 1..%d",
                         line->n_components, SRX_NARROWING_MAX_COMPONENTS);
    for (c = 0; c < line->n_components; c++) {
        const srx_narrowing_component *q = &line->component[c];
        if (!(q->fraction >= 0.0) || !srxi_isfinite(q->fraction))
            return srxi_fail(diag, SRX_EINVAL,
                             "narrowing: component %zu fraction %g must be finite and >= 0", c + 1,
                             q->fraction);
        if (!(q->m2_rad2_per_s2 > 0.0) || !srxi_isfinite(q->m2_rad2_per_s2))
            return srxi_fail(diag, SRX_EINVAL,
                             "narrowing: component %zu second moment %g rad^2/s^2 must be finite "
                             "and > 0", c + 1, q->m2_rad2_per_s2);
        if (isnan(q->ea_ev) || !srxi_isfinite(q->ea_ev))
            return srxi_fail(diag, SRX_EINVAL,
                             "narrowing: component %zu activation energy %g eV must be finite",
                             c + 1, q->ea_ev);
        if (isnan(q->tau0_s))
            return srxi_fail(diag, SRX_EINVAL, "narrowing: component %zu tau0 is NaN", c + 1);
        if (!(q->tau0_s > 0.0) || !srxi_isfinite(q->tau0_s))
            return srxi_fail(diag, SRX_EDOM,
                             "narrowing: component %zu tau0 = %g s must be finite and > 0", c + 1,
                             q->tau0_s);
        total += q->fraction;
    }
    if (!(total > 0.0))
        return srxi_fail(diag, SRX_EINVAL, "narrowing: all component fractions are 0");
    if (!(line->residual_fwhm_hz >= 0.0) || !srxi_isfinite(line->residual_fwhm_hz) ||
        !(line->lb_hz >= 0.0) || !srxi_isfinite(line->lb_hz) || !(line->gb_hz >= 0.0) ||
        !srxi_isfinite(line->gb_hz))
        return srxi_fail(diag, SRX_EINVAL,
                         "narrowing: residual width %g Hz, lb %g Hz and gb %g Hz must be finite "
                         "and >= 0", line->residual_fwhm_hz, line->lb_hz, line->gb_hz);
    return SRX_OK;
}

static int check_taus(const srx_narrowing_line *line, const double *tau_s, srx_diag *diag)
{
    size_t c;
    if (!tau_s)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: NULL tau array");
    for (c = 0; c < line->n_components; c++)
        if (!(tau_s[c] > 0.0))
            return srxi_fail(diag, SRX_EINVAL,
                             "narrowing: component %zu correlation time %g s must be > 0", c + 1,
                             tau_s[c]);
    return SRX_OK;
}

/* ------------------------------------------------------------ grid */

/* The computation runs in scaled units: time in units of 1/ref and
 * frequency in units of ref, ref = sqrt(largest M2) in rad/s.  The
 * Kubo-Anderson line depends on M2 and tau only through M2 tau^2 and the
 * scale sqrt(M2), so this is exact and keeps every intermediate quantity
 * O(1) whatever the magnitude of M2. */
typedef struct line_setup {
    size_t n;                                   /* active components */
    double weight[SRX_NARROWING_MAX_COMPONENTS]; /* normalised fractions */
    double m2[SRX_NARROWING_MAX_COMPONENTS];     /* scaled: M2 / ref^2 */
    double tau[SRX_NARROWING_MAX_COMPONENTS];    /* scaled: tau ref */
    double a_lorentz; /* pi lb / ref */
    double a_gauss;   /* pi^2 W^2 / (4 ln 2 ref^2) */
    double gauss_fwhm; /* W / ref */
    double ref;        /* sqrt(max M2) in rad/s */
} line_setup;

static void setup_line(const srx_narrowing_line *line, const double *tau_s, line_setup *s)
{
    size_t c;
    double total = 0.0, m2max = 0.0;
    s->n = 0;
    for (c = 0; c < line->n_components; c++) {
        total += line->component[c].fraction;
        if (line->component[c].fraction > 0.0 && line->component[c].m2_rad2_per_s2 > m2max)
            m2max = line->component[c].m2_rad2_per_s2;
    }
    s->ref = sqrt(m2max);
    for (c = 0; c < line->n_components; c++) {
        double t;
        if (line->component[c].fraction <= 0.0)
            continue;
        s->weight[s->n] = line->component[c].fraction / total;
        s->m2[s->n] = line->component[c].m2_rad2_per_s2 / m2max;
        t = tau_s[c] * s->ref;
        s->tau[s->n] = t > 1e300 ? INFINITY : t;
        s->n++;
    }
    s->gauss_fwhm = hypot(line->residual_fwhm_hz / s->ref, line->gb_hz / s->ref);
    s->a_lorentz = SRXI_PI * line->lb_hz / s->ref;
    s->a_gauss = SRXI_PI * SRXI_PI * s->gauss_fwhm * s->gauss_fwhm / (4.0 * LN2);
}

/* exponent of component c of the (apodized) FID at t */
static double fid_exponent(const line_setup *s, size_t c, double t)
{
    return kubo_exponent(s->m2[c], s->tau[c], t) + s->a_lorentz * t + s->a_gauss * t * t;
}

/* time at which component c of the FID has decayed to exp(-DECAY_LEVEL) */
static int decay_time(const line_setup *s, size_t c, double *t_end)
{
    double lo = 0.0, hi = 1.0 / sqrt(s->m2[c]);
    int i;
    for (i = 0; i < 2200 && fid_exponent(s, c, hi) < DECAY_LEVEL; i++) {
        lo = hi;
        hi *= 2.0;
        if (!srxi_isfinite(hi))
            return SRX_ERANGE;
    }
    if (i == 2200)
        return SRX_ERANGE;
    for (i = 0; i < 200 && hi - lo > 1e-9 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (fid_exponent(s, c, mid) < DECAY_LEVEL)
            lo = mid;
        else
            hi = mid;
    }
    *t_end = hi;
    return SRX_OK;
}

/* Choose dt and the lengths: see the header and the comments at the top. */
static int choose_grid(srx_narrowing *nw, const line_setup *s, double max_abs_freq,
                       int *log2m_out, srx_diag *diag)
{
    double span = 0.0, w_min = INFINITY, t_end = 0.0, dt, n_need, bins;
    size_t c, m;
    int log2m;
    for (c = 0; c < s->n; c++) {
        double wg = srx_narrowing_rigid_fwhm_hz(s->m2[c]);
        double wl = isinf(s->tau[c]) ? INFINITY : s->m2[c] * s->tau[c] / SRXI_PI;
        double w = wl < wg ? wl : wg, sc, te, wb;
        int status;
        /* The wings of every Kubo-Anderson line (nu >> W) are
         * S(nu) ~ 2 M2 tau / (omega^2 (1 + omega^2 tau^2)) = W_L / (2 pi nu^2
         * (1 + (2 pi nu tau)^2)): Lorentzian out to 1 / (2 pi tau), then
         * nu^-4.  Their alias relative to the peak (~1/W) stays at the level
         * of a pure Lorentzian with span 400 W, (pi/400)^2/12, when
         * s^2 (1 + (2 pi tau s)^2) >= (400)^2 W W_L; the Gaussian core needs
         * 20 W.  Narrowed: s = 400 W_L; rigid: s -> 0, 20 W_G. */
        sc = SPAN_GAUSS * w;
        if (!isinf(s->tau[c])) {
            double a2 = SPAN_LORENTZ * SPAN_LORENTZ * w * wl;
            double b = 4.0 * SRXI_PI * SRXI_PI * s->tau[c] * s->tau[c];
            double s2 = 2.0 * a2 / (1.0 + sqrt(1.0 + 4.0 * b * a2));
            if (sqrt(s2) > sc)
                sc = sqrt(s2);
        }
        if (sc > span)
            span = sc;
        /* the broadened width is at least the largest of the three */
        wb = w;
        if (s->gauss_fwhm > wb)
            wb = s->gauss_fwhm;
        if (s->a_lorentz / SRXI_PI > wb)
            wb = s->a_lorentz / SRXI_PI;
        if (wb < w_min)
            w_min = wb;
        status = decay_time(s, c, &te);
        if (status != SRX_OK)
            return srxi_fail(diag, status,
                             "narrowing: the FID of component %zu does not decay in a "
                             "representable time", c + 1);
        if (te > t_end)
            t_end = te;
    }
    span += SPAN_LORENTZ * s->a_lorentz / SRXI_PI + SPAN_GAUSS * s->gauss_fwhm;
    if (span < 2.5 * max_abs_freq)
        span = 2.5 * max_abs_freq;
    span *= nw->dt_divisor;
    t_end *= nw->length_factor;
    dt = 1.0 / span;
    n_need = ceil(t_end / dt) + 1.0;
    bins = BINS_PER_WIDTH * span / (2.0 * w_min); /* M >= this puts 8 bins per w_min */
    if (bins > n_need)
        n_need = bins;
    if (!(dt > 0.0) || !srxi_isfinite(dt) || !(n_need <= (double)nw->max_points))
        return srxi_fail(diag, SRX_ERANGE,
                         "narrowing: the line needs %.3g points (time step %.3g s over %.3g s), "
                         "more than the %zu the object holds",
                         n_need, dt / s->ref, t_end / s->ref, nw->max_points);
    for (log2m = MIN_LOG2, m = (size_t)1 << MIN_LOG2; (double)m < n_need; log2m++)
        m <<= 1;
    nw->dt = dt;
    nw->ref = s->ref;
    nw->n_samples = (size_t)ceil(t_end / dt) + 1;
    if (nw->n_samples > m)
        nw->n_samples = m;
    nw->m_transform = m;
    *log2m_out = log2m;
    return SRX_OK;
}

static void fill_fid(srx_narrowing *nw, const line_setup *s)
{
    size_t j, c, n = nw->n_samples, m = nw->m_transform;
    double dt = nw->dt;
    for (j = 0; j < n; j++) {
        double t = (double)j * dt, g = 0.0;
        for (c = 0; c < s->n; c++) {
            double e = fid_exponent(s, c, t);
            if (e < 745.0)
                g += s->weight[c] * exp(-e);
        }
        nw->fid[j] = g;
    }
    for (j = n; j <= m; j++)
        nw->fid[j] = 0.0;
}

/* S(nu) from the samples by the Clenshaw recurrence */
static double spectrum_at(const srx_narrowing *nw, double nu)
{
    const double *g = nw->fid;
    size_t k = nw->n_samples;
    double theta = 2.0 * SRXI_PI * nu * nw->dt, c = cos(theta), c2 = 2.0 * c;
    double b1 = 0.0, b2 = 0.0;
    while (k > 1) {
        double b0 = g[--k] + c2 * b1 - b2;
        b2 = b1;
        b1 = b0;
    }
    /* sum_{j>=1} g_j cos(j theta) = b1 cos(theta) - b2 */
    return nw->dt * (g[0] + 2.0 * (b1 * c - b2));
}

/* FWHM from the transform (on the grid) and the exact sum (refinement) */
static int measure_model_fwhm(srx_narrowing *nw, double *fwhm_hz, srx_diag *diag)
{
    size_t m = nw->m_transform, k, kmax = 0;
    double df = 1.0 / (2.0 * (double)m * nw->dt), smax, half, a, b, fa, fb;
    int side = 0, it;
    for (k = 1; k <= m; k++)
        if (nw->spec[k] > nw->spec[kmax])
            kmax = k;
    if (kmax == 0) {
        smax = spectrum_at(nw, 0.0); /* a symmetric line: the maximum is at 0 */
    } else {
        /* golden-section search for the maximum between the neighbours */
        const double gr = 0.61803398874989484820;
        double lo = (double)(kmax - 1) * df, hi = (double)(kmax + (kmax < m ? 1 : 0)) * df;
        double x1 = hi - gr * (hi - lo), x2 = lo + gr * (hi - lo);
        double f1 = spectrum_at(nw, x1), f2 = spectrum_at(nw, x2);
        for (it = 0; it < 80 && hi - lo > 1e-14 * hi; it++) {
            if (f1 > f2) {
                hi = x2, x2 = x1, f2 = f1;
                x1 = hi - gr * (hi - lo);
                f1 = spectrum_at(nw, x1);
            } else {
                lo = x1, x1 = x2, f1 = f2;
                x2 = lo + gr * (hi - lo);
                f2 = spectrum_at(nw, x2);
            }
        }
        smax = f1 > f2 ? f1 : f2;
        if (nw->dt * nw->spec[kmax] > smax)
            smax = nw->dt * nw->spec[kmax];
    }
    if (!(smax > 0.0))
        return srxi_fail(diag, SRX_ERANGE, "narrowing: the line has no positive maximum");
    half = 0.5 * smax;
    /* outermost grid point at or above half height */
    k = m;
    while (k > 0 && nw->dt * nw->spec[k] < half)
        k--;
    if (k == m)
        return srxi_fail(diag, SRX_ERANGE,
                         "narrowing: the line does not fall to half height within the span");
    a = (double)k * df;
    b = (double)(k + 1) * df;
    fa = (k == 0 ? smax : spectrum_at(nw, a)) - half;
    fb = spectrum_at(nw, b) - half;
    if (fa < 0.0) { /* grid value and exact sum differ only by rounding */
        fa = 0.0;
    }
    if (fb > 0.0)
        return srxi_fail(diag, SRX_ERANGE, "narrowing: half-height crossing not bracketed");
    /* Illinois (modified regula falsi) */
    for (it = 0; it < 100 && b - a > 1e-13 * b; it++) {
        double x = b - fb * (b - a) / (fb - fa), fx;
        if (!(x > a && x < b))
            x = 0.5 * (a + b);
        fx = spectrum_at(nw, x) - half;
        if (fx == 0.0) {
            a = b = x;
            break;
        }
        if (fx > 0.0) {
            a = x, fa = fx;
            if (side == 1)
                fb *= 0.5;
            side = 1;
        } else {
            b = x, fb = fx;
            if (side == -1)
                fa *= 0.5;
            side = -1;
        }
    }
    *fwhm_hz = a + b; /* twice the crossing: the line is symmetric about 0 */
    return SRX_OK;
}

/* the whole computation for given correlation times */
static int compute(srx_narrowing *nw, const srx_narrowing_line *line, const double *tau_s,
                   size_t n_freq, const double *frequency_hz, double *intensity, double *fwhm_hz,
                   srx_diag *diag)
{
    line_setup s;
    double max_abs = 0.0;
    size_t i;
    int log2m = MIN_LOG2, status;
    if (!nw)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: NULL object");
    status = srx_narrowing_line_check(line, diag);
    if (status != SRX_OK)
        return status;
    status = check_taus(line, tau_s, diag);
    if (status != SRX_OK)
        return status;
    for (i = 0; i < n_freq; i++) {
        if (!srxi_isfinite(frequency_hz[i]))
            return srxi_fail(diag, SRX_EINVAL, "narrowing: frequency %zu is %g", i,
                             frequency_hz[i]);
        if (fabs(frequency_hz[i]) > max_abs)
            max_abs = fabs(frequency_hz[i]);
    }
    setup_line(line, tau_s, &s);
    status = choose_grid(nw, &s, max_abs / s.ref, &log2m, diag);
    if (status != SRX_OK)
        return status;
    fill_fid(nw, &s);
    if (fwhm_hz && !nw->plan[log2m]) {
        nw->plan[log2m] = fftw_plan_r2r_1d((int)(((size_t)1 << log2m) + 1), nw->fid, nw->spec,
                                           FFTW_REDFT00, FFTW_ESTIMATE);
        if (!nw->plan[log2m])
            return srxi_fail(diag, SRX_ENOMEM, "narrowing: FFTW could not plan length 2^%d + 1",
                             log2m);
        fill_fid(nw, &s); /* planning may use the arrays */
    }
    if (fwhm_hz) {
        fftw_execute_r2r(nw->plan[log2m], nw->fid, nw->spec);
        status = measure_model_fwhm(nw, fwhm_hz, diag);
        if (status != SRX_OK)
            return status;
        *fwhm_hz *= s.ref;
    }
    for (i = 0; i < n_freq; i++)
        intensity[i] = spectrum_at(nw, fabs(frequency_hz[i]) / s.ref) / s.ref;
    return SRX_OK;
}

int srx_narrowing_line_fwhm(srx_narrowing *nw, const srx_narrowing_line *line,
                            const double *tau_s, double *fwhm_hz, srx_diag *diag)
{
    if (!fwhm_hz)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: NULL argument");
    return compute(nw, line, tau_s, 0, NULL, NULL, fwhm_hz, diag);
}

int srx_narrowing_line_spectrum(srx_narrowing *nw, const srx_narrowing_line *line,
                                const double *tau_s, size_t n, const double *frequency_hz,
                                double *intensity, double *fwhm_hz, srx_diag *diag)
{
    if (n > 0 && (!frequency_hz || !intensity))
        return srxi_fail(diag, SRX_EINVAL, "narrowing: NULL argument");
    return compute(nw, line, tau_s, n, frequency_hz, intensity, fwhm_hz, diag);
}

/* tau of each component at T; a tau beyond the double range is rigid */
static int taus_at(const srx_narrowing_line *line, double temperature_k, double *tau,
                   srx_diag *diag)
{
    size_t c;
    for (c = 0; c < line->n_components; c++) {
        int status = srx_spectral_tau_s(temperature_k, line->component[c].ea_ev,
                                        line->component[c].tau0_s, &tau[c], diag);
        if (status == SRX_ERANGE)
            tau[c] = INFINITY;
        else if (status != SRX_OK)
            return status;
    }
    return SRX_OK;
}

int srx_narrowing_line_fwhm_at_t(srx_narrowing *nw, const srx_narrowing_line *line,
                                 double temperature_k, double *fwhm_hz, srx_diag *diag)
{
    double tau[SRX_NARROWING_MAX_COMPONENTS];
    int status;
    if (!fwhm_hz)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: NULL argument");
    status = srx_narrowing_line_check(line, diag);
    if (status != SRX_OK)
        return status;
    status = taus_at(line, temperature_k, tau, diag);
    if (status != SRX_OK)
        return status;
    return compute(nw, line, tau, 0, NULL, NULL, fwhm_hz, diag);
}

int srx_narrowing_line_spectrum_at_t(srx_narrowing *nw, const srx_narrowing_line *line,
                                     double temperature_k, size_t n, const double *frequency_hz,
                                     double *intensity, double *fwhm_hz, srx_diag *diag)
{
    double tau[SRX_NARROWING_MAX_COMPONENTS];
    int status = srx_narrowing_line_check(line, diag);
    if (status != SRX_OK)
        return status;
    status = taus_at(line, temperature_k, tau, diag);
    if (status != SRX_OK)
        return status;
    return srx_narrowing_line_spectrum(nw, line, tau, n, frequency_hz, intensity, fwhm_hz, diag);
}

int srx_narrowing_line_series(srx_narrowing *nw, const srx_narrowing_line *line, size_t n,
                              const double *temperature_k, double *fwhm_hz, srx_diag *diag)
{
    size_t i;
    int status;
    if (n > 0 && (!temperature_k || !fwhm_hz))
        return srxi_fail(diag, SRX_EINVAL, "narrowing: NULL argument");
    status = srx_narrowing_line_check(line, diag);
    if (status != SRX_OK)
        return status;
    for (i = 0; i < n; i++) {
        status = srx_narrowing_line_fwhm_at_t(nw, line, temperature_k[i], &fwhm_hz[i], diag);
        if (status != SRX_OK) {
            srxi_diag_prefix(diag, "temperature %zu (%g K)", i, temperature_k[i]);
            return status;
        }
    }
    return SRX_OK;
}

int srx_narrowing_fwhm(srx_narrowing *nw, double m2_rad2_per_s2, double tau_s, double *fwhm_hz,
                       srx_diag *diag)
{
    srx_narrowing_line line;
    srx_narrowing_line_init(&line);
    line.component[0].m2_rad2_per_s2 = m2_rad2_per_s2;
    return srx_narrowing_line_fwhm(nw, &line, &tau_s, fwhm_hz, diag);
}

int srx_narrowing_fwhm_at_t(srx_narrowing *nw, double m2_rad2_per_s2, double ea_ev,
                            double tau0_s, double temperature_k, double *fwhm_hz, srx_diag *diag)
{
    srx_narrowing_line line;
    srx_narrowing_line_init(&line);
    line.component[0].m2_rad2_per_s2 = m2_rad2_per_s2;
    line.component[0].ea_ev = ea_ev;
    line.component[0].tau0_s = tau0_s;
    return srx_narrowing_line_fwhm_at_t(nw, &line, temperature_k, fwhm_hz, diag);
}

/* ------------------------------------------------------------ Hendrickson-Bray */

int srx_narrowing_hb_fwhm(const srx_narrowing_hb *hb, double temperature_k, double *fwhm_hz,
                          double *gradient, srx_diag *diag)
{
    double r, b, d, ea, kt, e, q, den;
    if (!hb || !fwhm_hz)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: NULL argument");
    r = hb->rigid_fwhm_hz;
    b = hb->narrowed_fwhm_hz;
    d = hb->residual_fwhm_hz;
    ea = hb->ea_ev;
    if (isnan(r) || isnan(b) || isnan(d) || isnan(ea) || isnan(temperature_k))
        return srxi_fail(diag, SRX_EINVAL, "narrowing: Hendrickson-Bray: NaN argument");
    if (!srxi_isfinite(d))
        return srxi_fail(diag, SRX_EINVAL, "narrowing: Hendrickson-Bray: residual width %g Hz",
                         d);
    if (!(r > 0.0) || !srxi_isfinite(r) || !(b > 0.0) || !srxi_isfinite(b))
        return srxi_fail(diag, SRX_EDOM,
                         "narrowing: Hendrickson-Bray widths dnu_R = %g Hz and B = %g Hz must be "
                         "finite and > 0", r, b);
    if (!(ea >= 0.0) || !srxi_isfinite(ea))
        return srxi_fail(diag, SRX_EDOM, "narrowing: Hendrickson-Bray Ea = %g eV must be >= 0",
                         ea);
    if (!(temperature_k > 0.0) || !srxi_isfinite(temperature_k))
        return srxi_fail(diag, SRX_EDOM, "narrowing: temperature %g K must be finite and > 0",
                         temperature_k);
    kt = SRX_KB_EV_PER_K * temperature_k;
    e = exp(-ea / kt); /* in [0, 1] */
    q = r / b - 1.0;
    den = 1.0 + q * e; /* between 1 and r/b: > 0 */
    *fwhm_hz = r / den + d;
    if (gradient) {
        gradient[SRX_NARROWING_HB_RIGID] = 1.0 / den - r * e / (b * den * den);
        gradient[SRX_NARROWING_HB_NARROWED] = r * r * e / (b * b * den * den);
        gradient[SRX_NARROWING_HB_RESIDUAL] = 1.0;
        gradient[SRX_NARROWING_HB_EA] = r * q * e / (kt * den * den);
    }
    return SRX_OK;
}

int srx_narrowing_waugh_fedin_ea_ev(double onset_k, double *ea_ev, srx_diag *diag)
{
    if (!ea_ev)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: NULL argument");
    if (isnan(onset_k))
        return srxi_fail(diag, SRX_EINVAL, "narrowing: onset temperature is NaN");
    if (!(onset_k > 0.0) || !srxi_isfinite(onset_k))
        return srxi_fail(diag, SRX_EDOM, "narrowing: onset temperature %g K must be finite and > 0",
                         onset_k);
    *ea_ev = SRX_NARROWING_WAUGH_FEDIN_EV_PER_K * onset_k;
    return SRX_OK;
}

int srx_narrowing_onset_k(size_t n, const double *temperature_k, const double *fwhm_hz,
                          double rigid_fwhm_hz, double narrowed_fwhm_hz, double fraction,
                          double *onset_k, srx_diag *diag)
{
    double wr, wn, level;
    size_t i;
    if (!temperature_k || !fwhm_hz || !onset_k)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: NULL argument");
    if (n < 2)
        return srxi_fail(diag, SRX_ENODATA, "narrowing: onset needs at least 2 points (got %zu)",
                         n);
    if (!(fraction > 0.0 && fraction < 1.0))
        return srxi_fail(diag, SRX_EINVAL, "narrowing: onset fraction %g outside (0, 1)", fraction);
    for (i = 0; i < n; i++) {
        if (!srxi_isfinite(temperature_k[i]) || !(temperature_k[i] > 0.0) ||
            !srxi_isfinite(fwhm_hz[i]))
            return srxi_fail(diag, SRX_EINVAL, "narrowing: point %zu (%g K, %g Hz) is not valid",
                             i, temperature_k[i], fwhm_hz[i]);
        if (i > 0 && !(temperature_k[i] > temperature_k[i - 1]))
            return srxi_fail(diag, SRX_EINVAL,
                             "narrowing: temperatures must be strictly ascending (point %zu)", i);
    }
    wr = isnan(rigid_fwhm_hz) ? fwhm_hz[0] : rigid_fwhm_hz;
    wn = isnan(narrowed_fwhm_hz) ? fwhm_hz[n - 1] : narrowed_fwhm_hz;
    if (!srxi_isfinite(wr) || !srxi_isfinite(wn) || !(wr > wn))
        return srxi_fail(diag, SRX_EINVAL,
                         "narrowing: rigid width %g Hz must exceed the narrowed width %g Hz", wr,
                         wn);
    level = wr - fraction * (wr - wn);
    if (fwhm_hz[0] <= level) {
        /* already below the level at the first point */
        return srxi_fail(diag, SRX_ENODATA,
                         "narrowing: the width at the lowest temperature %g K is already below "
                         "the onset level %g Hz", temperature_k[0], level);
    }
    for (i = 1; i < n; i++) {
        if (fwhm_hz[i] <= level) {
            double t0 = temperature_k[i - 1], t1 = temperature_k[i];
            double w0 = fwhm_hz[i - 1], w1 = fwhm_hz[i];
            *onset_k = t0 + (t1 - t0) * (w0 - level) / (w0 - w1);
            return SRX_OK;
        }
    }
    return srxi_fail(diag, SRX_ENODATA, "narrowing: the width never drops to the onset level %g Hz",
                     level);
}

/* ------------------------------------------------------------ measured width */

/* Least-squares polynomial of degree deg (<= 4) through (x_i, y_i), i in
 * [i0, i1], in u = (x - x0) / scale.  coef[0..deg]; cinv receives the
 * inverse normal matrix (deg+1)^2.  Returns 0, or -1 if singular. */
static int polyfit(const double *x, const double *y, size_t i0, size_t i1, double x0,
                   double scale, int deg, double *coef, double *cinv)
{
    double a[5][5] = {{0}}, rhs[5] = {0}, inv[5][5];
    int p = deg + 1, r, c, k;
    size_t i;
    for (i = i0; i <= i1; i++) {
        double u = (x[i] - x0) / scale, pw[5];
        pw[0] = 1.0;
        for (k = 1; k < p; k++)
            pw[k] = pw[k - 1] * u;
        for (r = 0; r < p; r++) {
            rhs[r] += pw[r] * y[i];
            for (c = 0; c < p; c++)
                a[r][c] += pw[r] * pw[c];
        }
    }
    /* Gauss-Jordan inversion with partial pivoting */
    for (r = 0; r < p; r++)
        for (c = 0; c < p; c++)
            inv[r][c] = r == c ? 1.0 : 0.0;
    for (c = 0; c < p; c++) {
        int piv = c;
        double d;
        for (r = c + 1; r < p; r++)
            if (fabs(a[r][c]) > fabs(a[piv][c]))
                piv = r;
        if (!(fabs(a[piv][c]) > 1e-300))
            return -1;
        for (k = 0; k < p; k++) {
            double t = a[c][k];
            a[c][k] = a[piv][k], a[piv][k] = t;
            t = inv[c][k];
            inv[c][k] = inv[piv][k], inv[piv][k] = t;
        }
        d = a[c][c];
        for (k = 0; k < p; k++)
            a[c][k] /= d, inv[c][k] /= d;
        for (r = 0; r < p; r++) {
            double f;
            if (r == c)
                continue;
            f = a[r][c];
            for (k = 0; k < p; k++)
                a[r][k] -= f * a[c][k], inv[r][k] -= f * inv[c][k];
        }
    }
    for (r = 0; r < p; r++) {
        coef[r] = 0.0;
        for (c = 0; c < p; c++)
            coef[r] += inv[r][c] * rhs[c];
        for (c = 0; c < p; c++)
            cinv[r * p + c] = inv[r][c];
    }
    return 0;
}

/* value, derivative (per u) and g^T Cinv g of a fitted polynomial at u */
static void poly_eval(const double *coef, const double *cinv, int deg, double u, double *value,
                      double *deriv, double *var_unit)
{
    double pw[5], v = 0.0, dv = 0.0, q = 0.0;
    int k, r, p = deg + 1;
    pw[0] = 1.0;
    for (k = 1; k < p; k++)
        pw[k] = pw[k - 1] * u;
    for (k = 0; k < p; k++) {
        v += coef[k] * pw[k];
        if (k > 0)
            dv += (double)k * coef[k] * pw[k - 1];
    }
    for (r = 0; r < p; r++)
        for (k = 0; k < p; k++)
            q += pw[r] * cinv[r * p + k] * pw[k];
    *value = v;
    if (deriv)
        *deriv = dv;
    if (var_unit)
        *var_unit = q;
}

/* Refine one half-height crossing near x_lin (bracketed by points ia, ib =
 * ia + 1) with a local quadratic; returns the position, slope per Hz and the
 * variance of the fitted value at the crossing in units of sigma^2. */
static int fit_crossing(const double *x, const double *y, size_t n, double x_lin, double halfwin,
                        double level, double *xc, double *slope, double *var_unit)
{
    size_t i0 = 0, i1 = n - 1, ia;
    /* bracket x_lin: x[i0] <= x_lin < x[i0 + 1] (binary search, ascending x) */
    while (i1 - i0 > 1) {
        size_t mid = i0 + (i1 - i0) / 2;
        if (x[mid] <= x_lin)
            i0 = mid;
        else
            i1 = mid;
    }
    ia = i0;
    i1 = ia + 1;
    double coef[5], cinv[25], u = 0.0, scale;
    int it, deg;
    while (i0 > 0 && fabs(x[i0 - 1] - x_lin) <= halfwin)
        i0--;
    while (i1 + 1 < n && fabs(x[i1 + 1] - x_lin) <= halfwin)
        i1++;
    while (i1 - i0 + 1 < 4) { /* at least 4 points: grow on the side that can */
        if (i0 > 0 && (i1 + 1 >= n || x_lin - x[i0 - 1] <= x[i1 + 1] - x_lin))
            i0--;
        else if (i1 + 1 < n)
            i1++;
        else
            return -1;
    }
    /* quartic when the window is well sampled (the even quartic term of the
     * flank would otherwise bias the intercept of a quadratic), else a cubic
     * (through 4 points it interpolates: error ~ h^4 f'''' / 40) */
    deg = i1 - i0 + 1 >= 9 ? 4 : 3;
    scale = 0.5 * (x[i1] - x[i0]);
    if (polyfit(x, y, i0, i1, x_lin, scale, deg, coef, cinv) != 0)
        return -1;
    /* the root of p(u) = level nearest u = 0 within |u| <= 3 (scan for
     * sign changes, then bisection); a root beyond the window (|u| > 1)
     * is returned with status 1 so that the caller re-centres */
    {
        double best_u = NAN, v, d;
        int k;
        for (k = 0; k < 96; k++) {
            /* intervals ordered by distance from 0: 0..1/32, -1/32..0, ... */
            int j = k / 2;
            double ua = (k % 2 == 0) ? j / 32.0 : -(j + 1) / 32.0, ub = ua + 1.0 / 32.0, fa, fb;
            poly_eval(coef, cinv, deg, ua, &fa, NULL, NULL);
            poly_eval(coef, cinv, deg, ub, &fb, NULL, NULL);
            fa -= level, fb -= level;
            if (fa == 0.0) {
                best_u = ua;
                break;
            }
            if ((fa < 0.0) != (fb < 0.0)) {
                for (it = 0; it < 60; it++) {
                    double um = 0.5 * (ua + ub), fm;
                    poly_eval(coef, cinv, deg, um, &fm, NULL, NULL);
                    fm -= level;
                    if ((fm < 0.0) == (fa < 0.0))
                        ua = um, fa = fm;
                    else
                        ub = um;
                }
                best_u = 0.5 * (ua + ub);
                break;
            }
        }
        if (isnan(best_u))
            return -1;
        u = best_u;
        poly_eval(coef, cinv, deg, u, &v, &d, var_unit);
        if (!(d != 0.0))
            return -1;
        *slope = d / scale;
        *xc = x_lin + u * scale;
        return fabs(u) <= 1.0 ? 0 : 1;
    }
}

/* Least-squares straight line over the points within halfwin of x_lin
 * (at least 2): the crossing, slope and value variance. */
static int line_crossing(const double *x, const double *y, size_t n, double x_lin,
                         double halfwin, double level, double *xc, double *slope,
                         double *var_unit)
{
    size_t i0 = 0, i1;
    double coef[2], cinv[4], u, v, d;
    while (i0 < n && x[i0] < x_lin - halfwin)
        i0++;
    i1 = i0;
    while (i1 + 1 < n && x[i1 + 1] <= x_lin + halfwin)
        i1++;
    if (i0 >= n || i1 <= i0 || polyfit(x, y, i0, i1, x_lin, halfwin, 1, coef, cinv) != 0 ||
        !(coef[1] != 0.0))
        return -1;
    u = (level - coef[0]) / coef[1];
    if (!(fabs(u) <= 2.0))
        return -1;
    poly_eval(coef, cinv, 1, u, &v, &d, var_unit);
    *slope = d / halfwin;
    *xc = x_lin + u * halfwin;
    return 0;
}

/* Refine one half-height crossing starting near x_lin: fit, re-centre the
 * window on the crossing found, and fit again (at most 4 times), so that a
 * first guess moved by the noise does not leave the crossing off-centre. */
static int refine_crossing(const double *x, const double *y, size_t n, double x_lin,
                           double halfwin, double level, double *xc, double *slope,
                           double *var_unit)
{
    double centre = x_lin;
    int it;
    int st = -1;
    for (it = 0; it < 6; it++) {
        st = fit_crossing(x, y, n, centre, halfwin, level, xc, slope, var_unit);
        if (st < 0)
            return -1;
        if (st == 0 && fabs(*xc - centre) < 0.01 * halfwin)
            break;
        centre = *xc;
    }
    return st;
}

static int measure_ascending(size_t n, const double *frequency_hz, const double *intensity,
                             srx_narrowing_width *width, srx_diag *diag)
{
    size_t i, nw, imax, i0, i1, ilo, ihi;
    double mean_l = 0.0, mean_r = 0.0, xl = 0.0, xr = 0.0, ss = 0.0, sigma, var_base;
    double ymax, coef[5], cinv[25], height, var_height = 0.0, x_peak, scale, level;
    double x_lo_lin, x_hi_lin, halfwin, xc_lo, xc_hi, k_lo, k_hi, v_lo, v_hi, var;
    int deg;
    const double *x = frequency_hz;

    /* baseline: linear through the means of the two wings */
    nw = n / 10 < 3 ? 3 : n / 10;
    for (i = 0; i < nw; i++) {
        mean_l += intensity[i], xl += x[i];
        mean_r += intensity[n - 1 - i], xr += x[n - 1 - i];
    }
    mean_l /= (double)nw, xl /= (double)nw, mean_r /= (double)nw, xr /= (double)nw;
    /* noise: residuals about a straight line through each wing (a sloping
     * baseline or a line's tail must not count as noise) */
    {
        int side;
        for (side = 0; side < 2; side++) {
            size_t first = side == 0 ? 0 : n - nw, j;
            double xm = side == 0 ? xl : xr, ym = side == 0 ? mean_l : mean_r;
            double sxx = 0.0, sxy = 0.0, slope;
            for (j = first; j < first + nw; j++) {
                sxx += (x[j] - xm) * (x[j] - xm);
                sxy += (x[j] - xm) * (intensity[j] - ym);
            }
            slope = sxx > 0.0 ? sxy / sxx : 0.0;
            for (j = first; j < first + nw; j++) {
                double r = intensity[j] - ym - slope * (x[j] - xm);
                ss += r * r;
            }
        }
    }
    sigma = sqrt(ss / (double)(2 * nw - 4));
#define BASE(xx) (mean_l + (mean_r - mean_l) * ((xx) - xl) / (xr - xl))
#define Y(j) (intensity[j] - BASE(x[j]))
    imax = nw;
    for (i = nw; i < n - nw; i++)
        if (Y(i) > Y(imax))
            imax = i;
    ymax = Y(imax);
    if (!(ymax > 0.0))
        return srxi_fail(diag, SRX_ENODATA, "narrowing: no peak above the baseline");
    /* A first pass at half the largest point gives a rough width; the peak
     * is then fitted over the points within 0.25 of that width of the
     * centre (Gaussian: above 84%, Lorentzian: above 80% of the top): a
     * window that noise cannot shrink, unlike a threshold on the points. */
    {
        size_t a = imax, b = imax;
        double xa, xb, w0, mid;
        while (b + 1 < n && Y(b + 1) >= 0.5 * ymax)
            b++;
        while (a > 0 && Y(a - 1) >= 0.5 * ymax)
            a--;
        if (b + 1 >= n - nw || a < nw + 1)
            return srxi_fail(diag, SRX_ENODATA,
                             "narrowing: the line does not fall to half height before the wings "
                             "(the outer 10%% of the points)");
        xa = x[a - 1] + (x[a] - x[a - 1]) * (0.5 * ymax - Y(a - 1)) / (Y(a) - Y(a - 1));
        xb = x[b] + (x[b + 1] - x[b]) * (Y(b) - 0.5 * ymax) / (Y(b) - Y(b + 1));
        w0 = xb - xa;
        mid = 0.5 * (xa + xb);
        i0 = i1 = imax;
        while (i0 > 0 && x[i0 - 1] >= mid - 0.25 * w0)
            i0--;
        while (i1 + 1 < n && x[i1 + 1] <= mid + 0.25 * w0)
            i1++;
        if (i1 - i0 + 1 >= 7) {
            deg = 4;
        } else {
            deg = 2;
            if (i0 == imax && i0 > 0)
                i0--;
            if (i1 == imax && i1 + 1 < n)
                i1++;
            if (i1 - i0 + 1 < 3)
                return srxi_fail(diag, SRX_ENODATA,
                                 "narrowing: the maximum is at the window edge");
        }
    }
    scale = 0.5 * (x[i1] - x[i0]);
    x_peak = 0.5 * (x[i1] + x[i0]);
    {
        /* normal equations on Y() directly (baseline is linear in x, so
         * subtracting it is exact inside the polynomial's span) */
        int st = polyfit(x, intensity, i0, i1, x_peak, scale, deg, coef, cinv);
        double best = -INFINITY, ubest = 0.0;
        int k;
        if (st != 0)
            return srxi_fail(diag, SRX_ENODATA, "narrowing: peak fit is singular");
        for (k = 0; k <= 400; k++) {
            double u = -1.0 + 2.0 * k / 400.0, v;
            poly_eval(coef, cinv, deg, u, &v, NULL, NULL);
            v -= BASE(x_peak + u * scale);
            if (v > best)
                best = v, ubest = u;
        }
        poly_eval(coef, cinv, deg, ubest, &height, NULL, &var_height);
        x_peak += ubest * scale;
        height -= BASE(x_peak);
    }
    if (!(height > MIN_SNR * sigma))
        return srxi_fail(diag, SRX_ENODATA,
                         "narrowing: no peak above the noise (height %g, %d times the noise "
                         "%g needed)", height, MIN_SNR, sigma);
    level = 0.5 * height;
    /* walk outward to the first half-height crossing on each side */
    ihi = imax;
    while (ihi + 1 < n && Y(ihi + 1) >= level)
        ihi++;
    if (ihi + 1 >= n - nw)
        return srxi_fail(diag, SRX_ENODATA,
                         "narrowing: the line does not fall to half height before the upper "
                         "wing (the outer 10%% of the points)");
    ilo = imax;
    while (ilo > 0 && Y(ilo - 1) >= level)
        ilo--;
    if (ilo < nw + 1)
        return srxi_fail(diag, SRX_ENODATA,
                         "narrowing: the line does not fall to half height before the lower "
                         "wing (the outer 10%% of the points)");
    /* crossings between ilo-1, ilo and ihi, ihi+1 */
    x_lo_lin = x[ilo - 1] + (x[ilo] - x[ilo - 1]) * (level - Y(ilo - 1)) / (Y(ilo) - Y(ilo - 1));
    x_hi_lin = x[ihi] + (x[ihi + 1] - x[ihi]) * (Y(ihi) - level) / (Y(ihi) - Y(ihi + 1));
    halfwin = 0.2 * (x_hi_lin - x_lo_lin);
    {
        /* local polynomial fits on the raw intensity with the level lifted
         * by the baseline at the crossing (baseline linear: exact) */
        int a = refine_crossing(x, intensity, n, x_lo_lin, halfwin, level + BASE(x_lo_lin),
                                &xc_lo, &k_lo, &v_lo);
        int b = refine_crossing(x, intensity, n, x_hi_lin, halfwin, level + BASE(x_hi_lin),
                                &xc_hi, &k_hi, &v_hi);
        /* a refined crossing must stay near the walked one, on its flank
         * (falling outward); otherwise fall back to a straight line over the
         * window (rare: very noisy or very coarse data) */
        if (a == 0 && (!(fabs(xc_lo - x_lo_lin) <= 2.0 * halfwin) || !(k_lo > 0.0)))
            a = -1;
        if (b == 0 && (!(fabs(xc_hi - x_hi_lin) <= 2.0 * halfwin) || !(k_hi < 0.0)))
            b = -1;
        if (a != 0 && (line_crossing(x, intensity, n, x_lo_lin, halfwin, level + BASE(x_lo_lin),
                                     &xc_lo, &k_lo, &v_lo) != 0 ||
                       !(k_lo > 0.0)))
            return srxi_fail(diag, SRX_ENODATA, "narrowing: no half-height crossing on the "
                                                "lower flank");
        if (b != 0 && (line_crossing(x, intensity, n, x_hi_lin, halfwin, level + BASE(x_hi_lin),
                                     &xc_hi, &k_hi, &v_hi) != 0 ||
                       !(k_hi < 0.0)))
            return srxi_fail(diag, SRX_ENODATA, "narrowing: no half-height crossing on the "
                                                "upper flank");
        if (!(xc_lo < x_peak && x_peak < xc_hi))
            return srxi_fail(diag, SRX_ENODATA,
                             "narrowing: the half-height crossings (%g, %g Hz) do not enclose "
                             "the maximum (%g Hz)", xc_lo, xc_hi, x_peak);
    }
    var_base = ((x_peak - xl) * (x_peak - xl) + (xr - x_peak) * (xr - x_peak)) /
               ((xr - xl) * (xr - xl)) / (double)nw;
    /* level = (peak + baseline) / 2 */
    {
        double s_level2 = 0.25 * (var_height + var_base) * sigma * sigma;
        double g = 1.0 / fabs(k_lo) + 1.0 / fabs(k_hi);
        var = sigma * sigma * (v_lo / (k_lo * k_lo) + v_hi / (k_hi * k_hi)) + s_level2 * g * g;
    }
#undef Y
    width->fwhm_hz = xc_hi - xc_lo;
    width->fwhm_err_hz = sqrt(var);
    width->peak_hz = x_peak;
    width->peak_height = height;
    width->baseline = BASE(x_peak);
    width->noise_rms = sigma;
    width->low_hz = xc_lo;
    width->high_hz = xc_hi;
#undef BASE
    return SRX_OK;
}

int srx_narrowing_measure_fwhm(size_t n, const double *frequency_hz, const double *intensity,
                               srx_narrowing_width *width, srx_diag *diag)
{
    size_t i;
    int desc, status;
    double *copy;
    if (!frequency_hz || !intensity || !width)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: NULL argument");
    if (n < 16)
        return srxi_fail(diag, SRX_ENODATA,
                         "narrowing: a spectrum needs at least 16 points (got %zu)", n);
    for (i = 0; i < n; i++)
        if (!srxi_isfinite(frequency_hz[i]) || !srxi_isfinite(intensity[i]))
            return srxi_fail(diag, SRX_EINVAL, "narrowing: point %zu (%g Hz, %g) is not finite", i,
                             frequency_hz[i], intensity[i]);
    desc = frequency_hz[1] < frequency_hz[0];
    for (i = 1; i < n; i++)
        if (desc ? !(frequency_hz[i] < frequency_hz[i - 1])
                 : !(frequency_hz[i] > frequency_hz[i - 1]))
            return srxi_fail(diag, SRX_EINVAL,
                             "narrowing: the frequency axis is not strictly monotone at point %zu",
                             i);
    if (!desc)
        return measure_ascending(n, frequency_hz, intensity, width, diag);
    /* a descending axis (the usual ppm display order): work on a reversed copy */
    copy = malloc(2 * n * sizeof *copy);
    if (!copy)
        return srxi_fail(diag, SRX_ENOMEM, "narrowing: out of memory");
    for (i = 0; i < n; i++) {
        copy[i] = frequency_hz[n - 1 - i];
        copy[n + i] = intensity[n - 1 - i];
    }
    status = measure_ascending(n, copy, copy + n, width, diag);
    free(copy);
    return status;
}
