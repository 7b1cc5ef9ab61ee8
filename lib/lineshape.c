/* lineshape: powder spectra of quadrupolar nuclei (static, MAS at infinite
 * and finite speed, any rotor angle), broadening through FFTW, Czjzek.
 * See include/spinrelax/lineshape.h for the method and references. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "internal.h"
#include "powder_internal.h"
#include "quadrupolar_internal.h"
#include "spinrelax/lineshape.h"
#include "spinrelax/powder.h"

#define MAX_LOG2_SIDEBANDS 20

typedef struct vset {
    srx_powder *powder;
    size_t nv, nt;
    const size_t *tri;
    const double *tw;
    double *d;      /* 25 per vertex: d^2(beta_v) */
    double *ca, *sa; /* cos, sin alpha_v */
} vset;

struct srx_lineshape {
    srx_lineshape_conditions c;
    double spacing, first;
    int finite;      /* finite spinning speed */
    int n_div;
    vset oct, hemi;
    gsl_rng *rng;     /* for sampled distributions, re-seeded at every call */
    vset doct, dhemi; /* coarser sets for distributions (Czjzek), built on first use */
    srxi_rotor rotor;
    size_t nv_max;
    double *q, *cs;  /* 6 per vertex: re[3], im[3] */
    double *freq;    /* per vertex */
    double *acc;     /* N bins */
    /* broadening */
    size_t m_fft;
    double *rbuf, *kernel; /* kernel: complex, (M/2 + 1) pairs, 1/M included */
    fftw_complex *cbuf;
    fftw_plan fwd, bwd;
    /* sidebands (finite speed), grown on demand */
    double *fc;      /* 10 per vertex: Fourier coefficients re/im n = 0..4 */
    float *amp;      /* amp_cap values: nv rows of ns (vertex-major); float: 1e-7 relative is
                        far below the powder accuracy and halves memory and cache traffic */
    size_t amp_cap;
    double *amp_mean;
    size_t *sig_idx;   /* significant sidebands: index, shift in bins */
    double *sig_shift;
    double *trig;    /* 8 per rotor phase: cos(q psi_j), sin(q psi_j), q = 1..4 */
    size_t ns_trig;
    size_t ns_alloc;
    fftw_complex *sb_in, *sb_out;
    fftw_plan sb_plan[MAX_LOG2_SIDEBANDS + 1];
};

void srx_lineshape_conditions_init(srx_lineshape_conditions *c)
{
    if (!c)
        return;
    memset(c, 0, sizeof *c);
    c->rotor_angle_rad = 0.0;
    c->spinning_hz = 0.0;
    c->transitions = SRX_LINESHAPE_CENTRAL;
    c->n_points = 4096;
    c->span_hz = 100e3;
    c->center_hz = 0.0;
    c->accuracy = 1e-3;
    c->normalization = SRX_LINESHAPE_NORM_WINDOW;
}

static int divisions_rule(double accuracy, double c)
{
    double n;
    if (!(accuracy > 0.0) || !srxi_isfinite(accuracy))
        accuracy = 1e-3;
    n = ceil(sqrt(c / accuracy));
    if (n < 8)
        n = 8;
    if (n > 1024)
        n = 1024;
    return (int)n;
}

/* measured (bench/lineshape.c, 27Al CT, 4096 points over 60 kHz): relative L2
 * error ~ c / N^2 with c ~ 70 static, ~ 45 under rotation (MAS, finite or
 * infinite speed); rotation uses 50 for a little margin */
int srx_lineshape_divisions_for_accuracy(double accuracy, int rotating)
{
    return divisions_rule(accuracy, rotating ? 50.0 : 70.0);
}

static void vset_free(vset *s)
{
    srx_powder_free(s->powder);
    free(s->d);
    free(s->ca);
    free(s->sa);
    memset(s, 0, sizeof *s);
}

static int vset_init(vset *s, int n_div, srx_powder_domain dom, srx_diag *diag)
{
    size_t v;
    const double *al, *be;
    int st = srx_powder_alloc(n_div, dom, &s->powder, diag);
    if (st != SRX_OK)
        return st;
    s->nv = srx_powder_n_orientations(s->powder);
    s->nt = srx_powder_n_triangles(s->powder);
    s->tri = srx_powder_triangles(s->powder);
    s->tw = srx_powder_triangle_weights(s->powder);
    s->d = malloc(25 * s->nv * sizeof *s->d);
    s->ca = malloc(s->nv * sizeof *s->ca);
    s->sa = malloc(s->nv * sizeof *s->sa);
    if (!s->d || !s->ca || !s->sa)
        return srxi_fail(diag, SRX_ENOMEM, "lineshape: out of memory");
    al = srx_powder_alpha_rad(s->powder);
    be = srx_powder_beta_rad(s->powder);
    for (v = 0; v < s->nv; v++) {
        srxi_wigner_d2(be[v], (double(*)[5])(s->d + 25 * v));
        s->ca[v] = cos(al[v]);
        s->sa[v] = sin(al[v]);
    }
    return SRX_OK;
}

void srx_lineshape_free(srx_lineshape *ls)
{
    int i;
    if (!ls)
        return;
    vset_free(&ls->oct);
    vset_free(&ls->hemi);
    if (ls->rng)
        gsl_rng_free(ls->rng);
    vset_free(&ls->doct);
    vset_free(&ls->dhemi);
    free(ls->q);
    free(ls->cs);
    free(ls->freq);
    free(ls->acc);
    free(ls->kernel);
    free(ls->fc);
    free(ls->amp);
    free(ls->amp_mean);
    free(ls->trig);
    free(ls->sig_idx);
    free(ls->sig_shift);
    if (ls->fwd)
        fftw_destroy_plan(ls->fwd);
    if (ls->bwd)
        fftw_destroy_plan(ls->bwd);
    for (i = 0; i <= MAX_LOG2_SIDEBANDS; i++)
        if (ls->sb_plan[i])
            fftw_destroy_plan(ls->sb_plan[i]);
    if (ls->rbuf)
        fftw_free(ls->rbuf);
    if (ls->cbuf)
        fftw_free(ls->cbuf);
    if (ls->sb_in)
        fftw_free(ls->sb_in);
    if (ls->sb_out)
        fftw_free(ls->sb_out);
    free(ls);
}

static int check_conditions(const srx_lineshape_conditions *c, srx_diag *diag)
{
    double s2;
    if (!c)
        return srxi_fail(diag, SRX_EINVAL, "lineshape: conditions are NULL");
    if (isnan(c->spin) || isnan(c->larmor_hz) || isnan(c->rotor_angle_rad) ||
        isnan(c->spinning_hz) || isnan(c->span_hz) || isnan(c->center_hz) || isnan(c->lb_hz) ||
        isnan(c->gb_hz) || isnan(c->accuracy))
        return srxi_fail(diag, SRX_EINVAL, "lineshape: a condition is NaN");
    if (!srxi_isfinite(c->larmor_hz) || !srxi_isfinite(c->rotor_angle_rad) ||
        !srxi_isfinite(c->spinning_hz) || !srxi_isfinite(c->span_hz) ||
        !srxi_isfinite(c->center_hz) || !srxi_isfinite(c->lb_hz) || !srxi_isfinite(c->gb_hz))
        return srxi_fail(diag, SRX_EINVAL, "lineshape: a condition is infinite");
    s2 = 2.0 * c->spin;
    if (!(c->spin > 0.0) || c->spin > 20.0 || fabs(s2 - floor(s2 + 0.5)) > 1e-9)
        return srxi_fail(diag, SRX_EDOM, "lineshape: spin %g is not a positive multiple of 1/2",
                         c->spin);
    if (c->transitions != SRX_LINESHAPE_CENTRAL && c->transitions != SRX_LINESHAPE_ALL)
        return srxi_fail(diag, SRX_EINVAL, "lineshape: unknown transitions %d", c->transitions);
    if (c->transitions == SRX_LINESHAPE_CENTRAL && fmod(floor(s2 + 0.5), 2.0) == 0.0)
        return srxi_fail(diag, SRX_EDOM,
                         "lineshape: integer spin %g has no central transition (use all)", c->spin);
    if (c->normalization != SRX_LINESHAPE_NORM_WINDOW &&
        c->normalization != SRX_LINESHAPE_NORM_TOTAL)
        return srxi_fail(diag, SRX_EINVAL, "lineshape: unknown normalization %d",
                         c->normalization);
    if (!(c->larmor_hz > 0.0))
        return srxi_fail(diag, SRX_EDOM, "lineshape: larmor_hz = %g must be > 0", c->larmor_hz);
    if (c->spinning_hz < 0.0)
        return srxi_fail(diag, SRX_EDOM, "lineshape: spinning_hz = %g < 0", c->spinning_hz);
    if (c->n_points < 2 || c->n_points > ((size_t)1 << 24))
        return srxi_fail(diag, SRX_EDOM, "lineshape: n_points = %zu outside 2..2^24", c->n_points);
    if (!(c->span_hz > 0.0))
        return srxi_fail(diag, SRX_EDOM, "lineshape: span_hz = %g must be > 0", c->span_hz);
    if (c->lb_hz < 0.0 || c->gb_hz < 0.0)
        return srxi_fail(diag, SRX_EDOM, "lineshape: negative broadening (lb %g, gb %g)", c->lb_hz,
                         c->gb_hz);
    if (c->accuracy < 0.0 || (c->accuracy > 0.0 && !srxi_isfinite(c->accuracy)))
        return srxi_fail(diag, SRX_EDOM, "lineshape: accuracy = %g must be >= 0", c->accuracy);
    if (c->n_divisions < 0 || c->n_divisions > 4096)
        return srxi_fail(diag, SRX_EDOM, "lineshape: n_divisions = %d outside 0..4096",
                         c->n_divisions);
    return SRX_OK;
}

int srx_lineshape_alloc(const srx_lineshape_conditions *cond, srx_lineshape **out, srx_diag *diag)
{
    srx_lineshape *ls;
    size_t n, k;
    int st;
    if (!out)
        return srxi_fail(diag, SRX_EINVAL, "lineshape: out is NULL");
    *out = NULL;
    if ((st = check_conditions(cond, diag)) != SRX_OK)
        return st;
    ls = calloc(1, sizeof *ls);
    if (!ls)
        return srxi_fail(diag, SRX_ENOMEM, "lineshape: out of memory");
    ls->c = *cond;
    n = cond->n_points;
    ls->spacing = cond->span_hz / (double)n;
    ls->first = cond->center_hz - 0.5 * cond->span_hz;
    ls->finite = cond->rotor_angle_rad != 0.0 && cond->spinning_hz > 0.0;
    ls->n_div = cond->n_divisions > 0 ? cond->n_divisions
                                      : srx_lineshape_divisions_for_accuracy(
                                            cond->accuracy, cond->rotor_angle_rad != 0.0);
    if ((st = vset_init(&ls->oct, ls->n_div, SRX_POWDER_OCTANT, diag)) != SRX_OK) {
        srx_lineshape_free(ls);
        return st;
    }
    /* the hemisphere (needed only for a CSA tilted from the EFG) is built on first use */
    ls->nv_max = 4 * ls->oct.nv;
    srxi_rotor_prepare(cond->rotor_angle_rad, &ls->rotor);
    ls->q = malloc(6 * ls->nv_max * sizeof *ls->q);
    ls->cs = malloc(6 * ls->nv_max * sizeof *ls->cs);
    ls->freq = malloc(ls->nv_max * sizeof *ls->freq);
    ls->acc = malloc(n * sizeof *ls->acc);
    ls->fc = malloc(10 * ls->nv_max * sizeof *ls->fc);
    ls->rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!ls->rng || !ls->q || !ls->cs || !ls->freq || !ls->acc || !ls->fc) {
        srx_lineshape_free(ls);
        return srxi_fail(diag, SRX_ENOMEM, "lineshape: out of memory");
    }
    /* broadening: zero-padded real FFT of length 2N, one plan pair per object */
    if (cond->lb_hz > 0.0 || cond->gb_hz > 0.0) {
        ls->m_fft = 2 * n;
        ls->rbuf = fftw_malloc(ls->m_fft * sizeof *ls->rbuf);
        ls->cbuf = fftw_malloc((ls->m_fft / 2 + 1) * sizeof *ls->cbuf);
        ls->kernel = malloc(2 * (ls->m_fft / 2 + 1) * sizeof *ls->kernel);
        if (!ls->rbuf || !ls->cbuf || !ls->kernel) {
            srx_lineshape_free(ls);
            return srxi_fail(diag, SRX_ENOMEM, "lineshape: out of memory");
        }
        fftw_make_planner_thread_safe();
        ls->fwd = fftw_plan_dft_r2c_1d((int)ls->m_fft, ls->rbuf, ls->cbuf, FFTW_ESTIMATE);
        ls->bwd = fftw_plan_dft_c2r_1d((int)ls->m_fft, ls->cbuf, ls->rbuf, FFTW_ESTIMATE);
        if (!ls->fwd || !ls->bwd) {
            srx_lineshape_free(ls);
            return srxi_fail(diag, SRX_ENOMEM, "lineshape: FFTW planning failed");
        }
        /* Discrete kernels: the bin integrals of the Gaussian (FWHM G, sigma =
         * G / (2 sqrt(2 ln 2))) and of the Lorentzian (FWHM L, half width L/2, with
         * its images two periods each way), Fourier transformed once here; the
         * product is the Voigt kernel.  Bin integrals keep the kernel normalised
         * even when the width is below the spacing. */
        {
            size_t mm = ls->m_fft, j, nc = mm / 2 + 1;
            double dx = ls->spacing, sg = cond->gb_hz / (2.0 * sqrt(2.0 * log(2.0)));
            double hw = cond->lb_hz / 2.0;
            fftw_complex *kg = fftw_malloc(nc * sizeof *kg);
            if (!kg) {
                srx_lineshape_free(ls);
                return srxi_fail(diag, SRX_ENOMEM, "lineshape: out of memory");
            }
            for (k = 0; k < nc; k++) {
                ls->kernel[2 * k] = 1.0 / (double)mm;
                ls->kernel[2 * k + 1] = 0.0;
            }
            if (sg > 0.0) {
                for (j = 0; j < mm; j++) {
                    double x = (j <= mm / 2 ? (double)j : (double)j - (double)mm) * dx;
                    ls->rbuf[j] = 0.5 * (erf((x + 0.5 * dx) / (sg * sqrt(2.0))) -
                                         erf((x - 0.5 * dx) / (sg * sqrt(2.0))));
                }
                fftw_execute_dft_r2c(ls->fwd, ls->rbuf, kg);
                for (k = 0; k < nc; k++) {
                    double re = ls->kernel[2 * k], im = ls->kernel[2 * k + 1];
                    ls->kernel[2 * k] = re * kg[k][0] - im * kg[k][1];
                    ls->kernel[2 * k + 1] = re * kg[k][1] + im * kg[k][0];
                }
            }
            if (hw > 0.0) {
                for (j = 0; j < mm; j++) {
                    double x = (j <= mm / 2 ? (double)j : (double)j - (double)mm) * dx, h = 0.0;
                    int img;
                    for (img = -2; img <= 2; img++) {
                        double xi = x + (double)img * (double)mm * dx;
                        h += (atan((xi + 0.5 * dx) / hw) - atan((xi - 0.5 * dx) / hw)) / SRXI_PI;
                    }
                    ls->rbuf[j] = h;
                }
                fftw_execute_dft_r2c(ls->fwd, ls->rbuf, kg);
                for (k = 0; k < nc; k++) {
                    double re = ls->kernel[2 * k], im = ls->kernel[2 * k + 1];
                    ls->kernel[2 * k] = re * kg[k][0] - im * kg[k][1];
                    ls->kernel[2 * k + 1] = re * kg[k][1] + im * kg[k][0];
                }
            }
            fftw_free(kg);
        }
    }
    *out = ls;
    return SRX_OK;
}

size_t srx_lineshape_n_points(const srx_lineshape *ls) { return ls ? ls->c.n_points : 0; }
int srx_lineshape_n_divisions(const srx_lineshape *ls) { return ls ? ls->n_div : 0; }

int srx_lineshape_frequencies(const srx_lineshape *ls, double *f, srx_diag *diag)
{
    size_t i;
    if (!ls || !f)
        return srxi_fail(diag, SRX_EINVAL, "lineshape: NULL argument");
    for (i = 0; i < ls->c.n_points; i++)
        f[i] = ls->first + (double)i * ls->spacing;
    return SRX_OK;
}

/* make sure the sideband buffers hold ns points for nv vertices */
static int ensure_sidebands(srx_lineshape *ls, size_t ns, int log2ns, size_t nv, srx_diag *diag)
{
    if (ns * nv > ls->amp_cap) {
        /* at most 2^28 floats (1 GiB): beyond, ask for fewer orientations */
        float *amp = ns * nv > ((size_t)1 << 28) ? NULL : malloc(ns * nv * sizeof *amp);
        if (!amp)
            return srxi_fail(diag, SRX_ENOMEM,
                             "lineshape: %zu sidebands x %zu orientations do not fit in memory "
                             "(lower the accuracy or n_divisions, or spin faster)", ns, nv);
        free(ls->amp);
        ls->amp = amp;
        ls->amp_cap = ns * nv;
    }
    if (ns > ls->ns_alloc) {
        double *mean = malloc(ns * sizeof *mean), *trig = malloc(8 * ns * sizeof *trig);
        double *shift = malloc(ns * sizeof *shift);
        size_t *sidx = malloc(ns * sizeof *sidx);
        fftw_complex *in = fftw_malloc(ns * sizeof *in), *o = fftw_malloc(ns * sizeof *o);
        int i;
        if (!mean || !trig || !shift || !sidx || !in || !o) {
            free(shift);
            free(sidx);
            free(mean);
            free(trig);
            if (in)
                fftw_free(in);
            if (o)
                fftw_free(o);
            return srxi_fail(diag, SRX_ENOMEM, "lineshape: out of memory for %zu sidebands", ns);
        }
        free(ls->amp_mean);
        free(ls->trig);
        free(ls->sig_idx);
        free(ls->sig_shift);
        ls->sig_idx = sidx;
        ls->sig_shift = shift;
        ls->trig = trig;
        ls->ns_trig = 0;
        if (ls->sb_in)
            fftw_free(ls->sb_in);
        if (ls->sb_out)
            fftw_free(ls->sb_out);
        for (i = 0; i <= MAX_LOG2_SIDEBANDS; i++)
            if (ls->sb_plan[i]) {
                fftw_destroy_plan(ls->sb_plan[i]);
                ls->sb_plan[i] = NULL;
            }
        ls->amp_mean = mean;
        ls->sb_in = in;
        ls->sb_out = o;
        ls->ns_alloc = ns;
    }
    if (ls->ns_trig != ns) {
        size_t j;
        int q;
        for (j = 0; j < ns; j++)
            for (q = 1; q <= 4; q++) {
                double psi = 2.0 * SRXI_PI * (double)(j * (size_t)q % ns) / (double)ns;
                ls->trig[8 * j + 2 * (q - 1)] = cos(psi);
                ls->trig[8 * j + 2 * (q - 1) + 1] = sin(psi);
            }
        ls->ns_trig = ns;
    }
    if (!ls->sb_plan[log2ns]) {
        fftw_make_planner_thread_safe();
        ls->sb_plan[log2ns] =
            fftw_plan_dft_1d((int)ns, ls->sb_in, ls->sb_out, FFTW_FORWARD, FFTW_ESTIMATE);
        if (!ls->sb_plan[log2ns])
            return srxi_fail(diag, SRX_ENOMEM, "lineshape: FFTW planning failed");
    }
    return SRX_OK;
}

static void tri_loop(const vset *s, const double *freq, const double *amp, double scale,
                     double first, double inv, size_t n, double *bins)
{
    size_t t;
    for (t = 0; t < s->nt; t++) {
        const size_t *c = s->tri + 3 * t;
        double w = scale * s->tw[t];
        if (amp)
            w *= (amp[c[0]] + amp[c[1]] + amp[c[2]]) * (1.0 / 3.0);
        srxi_tent((freq[c[0]] - first) * inv + 0.5, (freq[c[1]] - first) * inv + 0.5,
                  (freq[c[2]] - first) * inv + 0.5, w, n, bins);
    }
}

/* Divisions used for distributions of sites: each node's pattern is
 * smoothed by its neighbours in (Cq, eta), so a coarser set suffices. */
#define DIST_DIVISIONS 64

/* the orientation set for a site: octant unless a tilted CSA needs the
 * hemisphere; coarse for distributions; built on first use */
static int get_set(srx_lineshape *ls, const srx_quad_site *site, int coarse, const vset **out,
                   srx_diag *diag)
{
    int tilted = site->csa_delta_hz != 0.0 && (site->csa_alpha_rad != 0.0 ||
                                               site->csa_beta_rad != 0.0 ||
                                               site->csa_gamma_rad != 0.0);
    int nd = ls->n_div;
    vset *s;
    if (coarse && nd > DIST_DIVISIONS) {
        nd = DIST_DIVISIONS;
        s = tilted ? &ls->dhemi : &ls->doct;
    } else {
        s = tilted ? &ls->hemi : &ls->oct;
    }
    if (!s->powder) {
        int st = vset_init(s, nd, tilted ? SRX_POWDER_HEMISPHERE : SRX_POWDER_OCTANT, diag);
        if (st != SRX_OK) {
            vset_free(s);
            return st;
        }
    }
    *out = s;
    return SRX_OK;
}

/* add a site of total intensity `scale` to ls->acc */
static int add_site(srx_lineshape *ls, const srx_quad_site *site, double scale, int coarse,
                    srx_diag *diag)
{
    const srx_lineshape_conditions *c = &ls->c;
    srxi_quad_prep p;
    const vset *s;
    double nuq, m, m_lo, m_hi, wsum = 0.0, inv = 1.0 / ls->spacing;
    size_t v, n = c->n_points;
    int st0 = get_set(ls, site, coarse, &s, diag);
    if (st0 != SRX_OK)
        return st0;
    srxi_quad_prepare(site, &p);
    nuq = site->cq_hz > 0.0 ? 3.0 * site->cq_hz / (2.0 * c->spin * (2.0 * c->spin - 1.0)) : 0.0;
    for (v = 0; v < s->nv; v++)
        srxi_quad_rotor_frame(&p, s->ca[v], s->sa[v], (const double(*)[5])(s->d + 25 * v),
                              ls->q + 6 * v, ls->q + 6 * v + 3, ls->cs + 6 * v,
                              ls->cs + 6 * v + 3);
    if (c->transitions == SRX_LINESHAPE_CENTRAL) {
        m_lo = m_hi = 0.5;
    } else {
        m_lo = -c->spin + 1.0;
        m_hi = c->spin;
    }
    for (m = m_lo; m <= m_hi + 1e-9; m += 1.0)
        wsum += c->spin * (c->spin + 1.0) - m * (m - 1.0);
    for (m = m_lo; m <= m_hi + 1e-9; m += 1.0) {
        srxi_quad_tr t;
        double w;
        srxi_quad_transition(c->spin, m, nuq, c->larmor_hz, &t);
        w = scale * t.weight / wsum;
        if (!ls->finite) {
            for (v = 0; v < s->nv; v++)
                ls->freq[v] = srxi_quad_avg(&p, &t, &ls->rotor, ls->q + 6 * v, ls->q + 6 * v + 3,
                                            ls->cs + 6 * v);
            tri_loop(s, ls->freq, NULL, w, ls->first, inv, n, ls->acc);
        } else {
            double dev = 0.0, nur = c->spinning_hz, kmax, thr;
            size_t nsig, tt;
            const double *vw;
            size_t ns = 16, j;
            int log2ns = 4, st;
            long k;
            for (v = 0; v < s->nv; v++) {
                double *f = ls->fc + 10 * v, d = 0.0;
                int q;
                srxi_quad_fourier(&p, &t, &ls->rotor, ls->q + 6 * v, ls->q + 6 * v + 3,
                                  ls->cs + 6 * v, ls->cs + 6 * v + 3, f, f + 5);
                for (q = 1; q <= 4; q++)
                    d += 2.0 * hypot(f[q], f[5 + q]);
                if (d > dev)
                    dev = d;
            }
            /* the phase amplitude is at most dev / nu_R; the sideband amplitudes
             * (Bessel-like, J_k(x)) decay faster than exponentially beyond that order:
             * with 1.2 dev / nu_R + 4 orders on each side, less than ~1e-9 of the
             * intensity aliases (J_6(1)^2 ~ 5e-10; J_124(100)^2 ~ 1e-11) */
            kmax = ceil(1.2 * dev / nur) + 4.0;
            while ((double)ns < 2.0 * kmax + 1.0 && log2ns < MAX_LOG2_SIDEBANDS) {
                ns *= 2;
                log2ns++;
            }
            if ((double)ns < 2.0 * kmax + 1.0)
                return srxi_fail(diag, SRX_ERANGE,
                                 "lineshape: spinning at %g Hz needs more than 2^%d sidebands",
                                 nur, MAX_LOG2_SIDEBANDS);
            if ((st = ensure_sidebands(ls, ns, log2ns, s->nv, diag)) != SRX_OK)
                return st;
            memset(ls->amp_mean, 0, ns * sizeof *ls->amp_mean);
            vw = srx_powder_weights(s->powder);
            for (v = 0; v < s->nv; v++) {
                const double *f = ls->fc + 10 * v;
                double norm = 1.0 / ((double)ns * (double)ns);
                double gr[5], gi[5];
                int q;
                for (q = 1; q <= 4; q++) {
                    gr[q] = -2.0 * f[5 + q] / ((double)q * nur);
                    gi[q] = 2.0 * f[q] / ((double)q * nur);
                }
                for (j = 0; j < ns; j++) {
                    const double *tr = ls->trig + 8 * j;
                    /* xi = -2 sum_q Im(c_q exp(-i q psi)) / (q nu_R), Im(...) = c_im cos - c_re sin */
                    double xi = gr[1] * tr[0] + gi[1] * tr[1] + gr[2] * tr[2] + gi[2] * tr[3] +
                                gr[3] * tr[4] + gi[3] * tr[5] + gr[4] * tr[6] + gi[4] * tr[7];
                    ls->sb_in[j][0] = cos(xi);
                    ls->sb_in[j][1] = sin(xi);
                }
                fftw_execute_dft(ls->sb_plan[log2ns], ls->sb_in, ls->sb_out);
                for (j = 0; j < ns; j++) {
                    double a = (ls->sb_out[j][0] * ls->sb_out[j][0] +
                                ls->sb_out[j][1] * ls->sb_out[j][1]) * norm;
                    ls->amp[v * ns + j] = (float)a; /* vertex-major */
                    ls->amp_mean[j] += a * vw[v];
                }
                ls->freq[v] = f[0];
            }
            /* significant sidebands (below 1e-8 of the transition's intensity: dropped) */
            thr = 1e-8;
            nsig = 0;
            for (k = -(long)ns / 2; k < (long)ns / 2; k++) {
                size_t idx = (size_t)(k < 0 ? k + (long)ns : k);
                if (ls->amp_mean[idx] < thr)
                    continue;
                ls->sig_idx[nsig] = idx;
                ls->sig_shift[nsig] = (double)k * nur * inv; /* sideband k at c_0 + k nu_R */
                nsig++;
            }
            /* each triangle: sort its corners once, then one tent per sideband with the
             * mean of the corners' amplitudes of that sideband */
            for (tt = 0; tt < s->nt; tt++) {
                const size_t *cv = s->tri + 3 * tt;
                const float *a0 = ls->amp + cv[0] * ns, *a1 = ls->amp + cv[1] * ns,
                             *a2 = ls->amp + cv[2] * ns;
                double x1 = (ls->freq[cv[0]] - ls->first) * inv + 0.5,
                       x2 = (ls->freq[cv[1]] - ls->first) * inv + 0.5,
                       x3 = (ls->freq[cv[2]] - ls->first) * inv + 0.5, u1, u2;
                double wt = w * s->tw[tt] * (1.0 / 3.0), cut = 1e-12 * wt;
                size_t q;
                srxi_sort3(&x1, &x2, &x3);
                srxi_tent_slopes(x1, x2, x3, &u1, &u2);
                for (q = 0; q < nsig; q++) {
                    size_t idx = ls->sig_idx[q];
                    double a = ((double)a0[idx] + (double)a1[idx] + (double)a2[idx]) * wt;
                    double sh = ls->sig_shift[q];
                    if (a < cut)
                        continue;
                    srxi_tent_sorted(x1 + sh, x2 + sh, x3 + sh, a, a * u1, a * u2, n, ls->acc);
                }
            }
        }
    }
    return SRX_OK;
}

static int finish(srx_lineshape *ls, double *spectrum, srx_diag *diag)
{
    size_t i, n = ls->c.n_points;
    double sum = 0.0;
    if (ls->fwd) {
        size_t k;
        memcpy(ls->rbuf, ls->acc, n * sizeof *ls->rbuf);
        memset(ls->rbuf + n, 0, (ls->m_fft - n) * sizeof *ls->rbuf);
        fftw_execute_dft_r2c(ls->fwd, ls->rbuf, ls->cbuf);
        for (k = 0; k <= ls->m_fft / 2; k++) {
            double re = ls->cbuf[k][0], im = ls->cbuf[k][1];
            ls->cbuf[k][0] = re * ls->kernel[2 * k] - im * ls->kernel[2 * k + 1];
            ls->cbuf[k][1] = re * ls->kernel[2 * k + 1] + im * ls->kernel[2 * k];
        }
        fftw_execute_dft_c2r(ls->bwd, ls->cbuf, ls->rbuf);
        memcpy(ls->acc, ls->rbuf, n * sizeof *ls->acc);
    }
    for (i = 0; i < n; i++)
        sum += ls->acc[i];
    if (ls->c.normalization == SRX_LINESHAPE_NORM_WINDOW) {
        if (!(sum > 0.0))
            return srxi_fail(diag, SRX_EDOM,
                             "lineshape: no intensity inside [%g, %g) Hz: widen or move the window",
                             ls->first, ls->first + ls->c.span_hz);
        for (i = 0; i < n; i++)
            spectrum[i] = ls->acc[i] / (sum * ls->spacing);
    } else {
        for (i = 0; i < n; i++)
            spectrum[i] = ls->acc[i] / ls->spacing;
    }
    return SRX_OK;
}

int srx_lineshape_compute(srx_lineshape *ls, const srx_quad_site *sites, const double *pop,
                          size_t n_sites, double *spectrum, srx_diag *diag)
{
    size_t i;
    double ptot = 0.0;
    int st;
    if (!ls || !sites || !spectrum || n_sites == 0)
        return srxi_fail(diag, SRX_EINVAL, "lineshape: NULL argument or no sites");
    for (i = 0; i < n_sites; i++) {
        if ((st = srx_quad_site_check(&sites[i], ls->c.spin, diag)) != SRX_OK) {
            srxi_diag_prefix(diag, "lineshape: site %zu", i);
            return st;
        }
        if (pop) {
            if (isnan(pop[i]) || !srxi_isfinite(pop[i]))
                return srxi_fail(diag, SRX_EINVAL, "lineshape: population %zu not finite", i);
            if (pop[i] < 0.0)
                return srxi_fail(diag, SRX_EDOM, "lineshape: population %zu = %g < 0", i, pop[i]);
            ptot += pop[i];
        } else {
            ptot += 1.0;
        }
    }
    if (!(ptot > 0.0))
        return srxi_fail(diag, SRX_EDOM, "lineshape: populations sum to zero");
    memset(ls->acc, 0, ls->c.n_points * sizeof *ls->acc);
    for (i = 0; i < n_sites; i++) {
        double w = (pop ? pop[i] : 1.0) / ptot;
        if (w == 0.0)
            continue;
        if ((st = add_site(ls, &sites[i], w, 0, diag)) != SRX_OK)
            return st;
    }
    return finish(ls, spectrum, diag);
}

int srx_lineshape_czjzek(srx_lineshape *ls, const srx_quad_site *base, double sigma_hz, int n_cq,
                         int n_eta, double *spectrum, srx_diag *diag)
{
    srx_quad_site s;
    double total = 0.0;
    int i, j, st;
    if (!ls || !base || !spectrum)
        return srxi_fail(diag, SRX_EINVAL, "lineshape: NULL argument");
    if (isnan(sigma_hz) || !srxi_isfinite(sigma_hz))
        return srxi_fail(diag, SRX_EINVAL, "lineshape: sigma_hz is NaN or infinite");
    if (!(sigma_hz > 0.0))
        return srxi_fail(diag, SRX_EDOM, "lineshape: Czjzek sigma_hz = %g must be > 0", sigma_hz);
    if (n_cq < 0 || n_eta < 0 || n_cq > 10000 || n_eta > 10000)
        return srxi_fail(diag, SRX_EDOM, "lineshape: quadrature nodes %d, %d outside 0..10000",
                         n_cq, n_eta);
    if (n_cq == 0)
        n_cq = 48;
    if (n_eta == 0)
        n_eta = 12;
    s = *base;
    s.cq_hz = sigma_hz;
    s.eta = 0.5;
    if ((st = srx_quad_site_check(&s, ls->c.spin, diag)) != SRX_OK)
        return st;
    for (i = 0; i < n_cq; i++)
        for (j = 0; j < n_eta; j++) {
            double x = (i + 0.5) / n_cq * 7.0, e = (j + 0.5) / n_eta; /* x = Cq / sigma */
            total += pow(x, 4) * e * (1.0 - e * e / 9.0) * exp(-x * x * (1.0 + e * e / 3.0) / 2.0);
        }
    memset(ls->acc, 0, ls->c.n_points * sizeof *ls->acc);
    for (i = 0; i < n_cq; i++)
        for (j = 0; j < n_eta; j++) {
            double x = (i + 0.5) / n_cq * 7.0, e = (j + 0.5) / n_eta;
            double w = pow(x, 4) * e * (1.0 - e * e / 9.0) * exp(-x * x * (1.0 + e * e / 3.0) / 2.0);
            s.cq_hz = x * sigma_hz;
            s.eta = e;
            if ((st = add_site(ls, &s, w / total, 1, diag)) != SRX_OK)
                return st;
        }
    return finish(ls, spectrum, diag);
}

/* (Cq, eta) of a symmetric traceless 3x3 tensor from its eigenvalues
 * (trigonometric solution of the characteristic cubic) */
static void cq_eta(const double v[3][3], double *cq, double *eta)
{
    double p2 = 0.0, p, b[3][3], r, phi, l[3], t;
    int i, j;
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            p2 += v[i][j] * v[i][j];
    p = sqrt(p2 / 6.0);
    if (!(p > 0.0)) {
        *cq = 0.0;
        *eta = 0.0;
        return;
    }
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            b[i][j] = v[i][j] / p;
    r = (b[0][0] * (b[1][1] * b[2][2] - b[1][2] * b[2][1]) -
         b[0][1] * (b[1][0] * b[2][2] - b[1][2] * b[2][0]) +
         b[0][2] * (b[1][0] * b[2][1] - b[1][1] * b[2][0])) / 2.0;
    r = r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r);
    phi = acos(r) / 3.0;
    l[0] = 2.0 * p * cos(phi);
    l[2] = 2.0 * p * cos(phi + 2.0 * SRXI_PI / 3.0);
    l[1] = -l[0] - l[2];
    /* order |l0| >= |l1| >= |l2|: Vzz, Vyy, Vxx */
    for (i = 0; i < 2; i++)
        for (j = 0; j < 2 - i; j++)
            if (fabs(l[j]) < fabs(l[j + 1])) {
                t = l[j];
                l[j] = l[j + 1];
                l[j + 1] = t;
            }
    *cq = fabs(l[0]);
    *eta = (l[2] - l[1]) / l[0];
    if (*eta < 0.0)
        *eta = 0.0;
    if (*eta > 1.0)
        *eta = 1.0;
}

int srx_lineshape_czjzek_extended(srx_lineshape *ls, const srx_quad_site *base, double sigma_hz,
                                  size_t n_samples, unsigned long seed, double *spectrum,
                                  srx_diag *diag)
{
    srx_quad_site s;
    double sd, v0[3][3] = {{0}};
    size_t k;
    int st;
    if (!ls || !base || !spectrum)
        return srxi_fail(diag, SRX_EINVAL, "lineshape: NULL argument");
    if (isnan(sigma_hz) || !srxi_isfinite(sigma_hz))
        return srxi_fail(diag, SRX_EINVAL, "lineshape: sigma_hz is NaN or infinite");
    if (!(sigma_hz > 0.0))
        return srxi_fail(diag, SRX_EDOM, "lineshape: Czjzek sigma_hz = %g must be > 0", sigma_hz);
    if (n_samples > 10000000)
        return srxi_fail(diag, SRX_EDOM, "lineshape: %zu samples: at most 1e7", n_samples);
    if (n_samples == 0)
        n_samples = 400;
    if ((st = srx_quad_site_check(base, ls->c.spin, diag)) != SRX_OK)
        return st;
    s = *base;
    s.cq_hz = sigma_hz; /* check that a quadrupolar site is allowed for this spin */
    if ((st = srx_quad_site_check(&s, ls->c.spin, diag)) != SRX_OK)
        return st;
    v0[0][0] = -base->cq_hz * (1.0 - base->eta) / 2.0;
    v0[1][1] = -base->cq_hz * (1.0 + base->eta) / 2.0;
    v0[2][2] = base->cq_hz;
    sd = sigma_hz * sqrt(1.5);
    gsl_rng_set(ls->rng, seed);
    memset(ls->acc, 0, ls->c.n_points * sizeof *ls->acc);
    for (k = 0; k < n_samples; k++) {
        /* orthonormal basis: diag(-1,-1,2)/sqrt6, diag(1,-1,0)/sqrt2, off-diagonal pairs/sqrt2 */
        double u[5], v[3][3];
        int i;
        for (i = 0; i < 5; i++)
            u[i] = gsl_ran_gaussian(ls->rng, sd);
        memcpy(v, v0, sizeof v);
        v[0][0] += -u[0] / sqrt(6.0) + u[1] / sqrt(2.0);
        v[1][1] += -u[0] / sqrt(6.0) - u[1] / sqrt(2.0);
        v[2][2] += 2.0 * u[0] / sqrt(6.0);
        v[0][1] += u[2] / sqrt(2.0);
        v[1][0] += u[2] / sqrt(2.0);
        v[0][2] += u[3] / sqrt(2.0);
        v[2][0] += u[3] / sqrt(2.0);
        v[1][2] += u[4] / sqrt(2.0);
        v[2][1] += u[4] / sqrt(2.0);
        cq_eta((const double(*)[3])v, &s.cq_hz, &s.eta);
        if ((st = add_site(ls, &s, 1.0 / (double)n_samples, 1, diag)) != SRX_OK)
            return st;
    }
    return finish(ls, spectrum, diag);
}

int srx_lineshape_simulate(const srx_lineshape_conditions *cond, const srx_quad_site *sites,
                           const double *populations, size_t n_sites, double *spectrum,
                           srx_diag *diag)
{
    srx_lineshape *ls;
    int st = srx_lineshape_alloc(cond, &ls, diag);
    if (st != SRX_OK)
        return st;
    st = srx_lineshape_compute(ls, sites, populations, n_sites, spectrum, diag);
    srx_lineshape_free(ls);
    return st;
}
