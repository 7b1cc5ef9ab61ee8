/* narrowing: fits of the line width versus temperature (Kubo-Anderson
 * simulated widths, Hendrickson-Bray), automatic start values, onset and
 * Waugh-Fedin estimate of the fitted curve.  All fits go through the shared
 * engine (spinrelax/fit.h).  physics.md section 7. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "spinrelax/fit.h"
#include "spinrelax/narrowing.h"
#include "spinrelax/spectral.h"

/* relative step in ln tau (and in D) of the central differences */
#define FD_STEP 1e-3
/* onset search range (K) */
#define ONSET_TMIN 1.0
#define ONSET_TMAX 1e5

typedef struct fit_ctx {
    srx_narrowing *nw;
    srx_narrowing_model model;
    const double *temperature_k;
    int residual_free;
    int status; /* first hard error met in the callback */
} fit_ctx;

void srx_narrowing_fit_options_init(srx_narrowing_fit_options *opts)
{
    if (!opts)
        return;
    opts->model = SRX_NARROWING_MODEL_KUBO;
    opts->fit_residual = -1;
    opts->residual_fwhm_hz = NAN;
    opts->onset_fraction = SRX_NARROWING_ONSET_FRACTION;
    opts->max_iter = 200;
}

/* Kubo width for given tau (INFINITY = rigid), M2 and residual D */
static int kubo_width(srx_narrowing *nw, double m2, double tau, double d, double *w)
{
    srx_narrowing_line line;
    srx_narrowing_line_init(&line);
    line.component[0].m2_rad2_per_s2 = m2;
    line.residual_fwhm_hz = d;
    return srx_narrowing_line_fwhm(nw, &line, &tau, w, NULL);
}

static double tau_at(double ea, double tau0, double t)
{
    double tau;
    int st = srx_spectral_tau_s(t, ea, tau0, &tau, NULL);
    if (st == SRX_ERANGE)
        return INFINITY;
    return st == SRX_OK ? tau : NAN;
}

/* The model width at T and (grad != NULL) its gradient with respect to the
 * four parameters.  Returns SRX_OK or a width-computation code. */
static int model_point(const fit_ctx *c, const double *p, double t, double *w, double *grad)
{
    if (c->model == SRX_NARROWING_MODEL_HB) {
        srx_narrowing_hb hb;
        hb.rigid_fwhm_hz = p[SRX_NARROWING_HB_RIGID];
        hb.narrowed_fwhm_hz = p[SRX_NARROWING_HB_NARROWED];
        hb.residual_fwhm_hz = p[SRX_NARROWING_HB_RESIDUAL];
        hb.ea_ev = p[SRX_NARROWING_HB_EA];
        return srx_narrowing_hb_fwhm(&hb, t, w, grad, NULL);
    } else {
        double ea = p[SRX_NARROWING_KUBO_EA], tau0 = p[SRX_NARROWING_KUBO_TAU0];
        double m2 = p[SRX_NARROWING_KUBO_M2], d = p[SRX_NARROWING_KUBO_RESIDUAL];
        double tau = tau_at(ea, tau0, t), dlt = 0.0, dd = 0.0, dlm2;
        int st;
        if (isnan(tau) || !(m2 > 0.0) || !(d >= 0.0))
            return SRX_EDOM;
        if ((st = kubo_width(c->nw, m2, tau, d, w)))
            return st;
        if (!grad)
            return SRX_OK;
        if (srxi_isfinite(tau)) {
            double wp, wm;
            if ((st = kubo_width(c->nw, m2, tau * exp(FD_STEP), d, &wp)) ||
                (st = kubo_width(c->nw, m2, tau * exp(-FD_STEP), d, &wm)))
                return st;
            dlt = (wp - wm) / (2.0 * FD_STEP);
        }
        if (c->residual_free || d > 0.0) {
            double h = FD_STEP * (d > 0.01 * *w ? d : 0.01 * *w), wp, wm;
            if ((st = kubo_width(c->nw, m2, tau, d + h, &wp)))
                return st;
            if (d > h) {
                if ((st = kubo_width(c->nw, m2, tau, d - h, &wm)))
                    return st;
                dd = (wp - wm) / (2.0 * h);
            } else {
                dd = (wp - *w) / h;
            }
        }
        /* exact scaling W(s^2 M2, tau / s, s D) = s W */
        dlm2 = 0.5 * (*w + dlt - d * dd);
        grad[SRX_NARROWING_KUBO_EA] = dlt / (SRX_KB_EV_PER_K * t);
        grad[SRX_NARROWING_KUBO_TAU0] = dlt / tau0;
        grad[SRX_NARROWING_KUBO_M2] = dlm2 / m2;
        grad[SRX_NARROWING_KUBO_RESIDUAL] = dd;
        return SRX_OK;
    }
}

static int fit_callback(const double *params, size_t n_params, size_t n_points, double *model,
                        double *jacobian, void *user)
{
    fit_ctx *c = user;
    size_t i;
    (void)n_params;
    for (i = 0; i < n_points; i++) {
        double g[4];
        int st = model_point(c, params, c->temperature_k[i], &model[i], jacobian ? g : NULL);
        if (st == SRX_EDOM || st == SRX_ERANGE) {
            /* a trial point outside the model's domain: the engine rejects it */
            model[i] = NAN;
            if (jacobian)
                memset(&jacobian[i * 4], 0, 4 * sizeof(double));
            continue;
        }
        if (st) {
            c->status = st;
            return st;
        }
        if (jacobian)
            memcpy(&jacobian[i * 4], g, 4 * sizeof(double));
    }
    return 0;
}

typedef struct tw {
    double t, w;
} tw;

static int cmp_tw(const void *a, const void *b)
{
    const tw *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t;
}

/* the model's T -> 0 and T -> infinity widths and their gradients */
static void limits(const fit_ctx *c, const double *p, double *wr, double *gr, double *wn,
                   double *gn)
{
    memset(gr, 0, 4 * sizeof(double));
    memset(gn, 0, 4 * sizeof(double));
    if (c->model == SRX_NARROWING_MODEL_HB) {
        *wr = p[SRX_NARROWING_HB_RIGID] + p[SRX_NARROWING_HB_RESIDUAL];
        *wn = p[SRX_NARROWING_HB_NARROWED] + p[SRX_NARROWING_HB_RESIDUAL];
        gr[SRX_NARROWING_HB_RIGID] = gr[SRX_NARROWING_HB_RESIDUAL] = 1.0;
        gn[SRX_NARROWING_HB_NARROWED] = gn[SRX_NARROWING_HB_RESIDUAL] = 1.0;
    } else {
        double m2 = p[SRX_NARROWING_KUBO_M2], d = p[SRX_NARROWING_KUBO_RESIDUAL];
        double wg = srx_narrowing_rigid_fwhm_hz(m2);
        *wr = sqrt(wg * wg + d * d);
        gr[SRX_NARROWING_KUBO_M2] = wg * wg / (2.0 * m2 * *wr);
        gr[SRX_NARROWING_KUBO_RESIDUAL] = d / *wr;
        *wn = d;
        gn[SRX_NARROWING_KUBO_RESIDUAL] = 1.0;
    }
}

/* standard error of a derived quantity with gradient g: sqrt(g^T C g) */
static double propagate(const double *g, const double *cov)
{
    double s = 0.0;
    int i, j;
    for (i = 0; i < 4; i++)
        for (j = 0; j < 4; j++)
            s += g[i] * cov[i * 4 + j] * g[j];
    return s >= 0.0 ? sqrt(s) : NAN;
}

/* onset of the model curve: bisection in ln T for W(T) = level */
static int model_onset(const fit_ctx *c, const double *p, double level, double *onset)
{
    double lo = log(ONSET_TMIN), hi = log(ONSET_TMAX), w;
    int it, st;
    *onset = NAN;
    if ((st = model_point(c, p, exp(lo), &w, NULL)))
        return st;
    if (!(w > level))
        return SRX_OK;
    if ((st = model_point(c, p, exp(hi), &w, NULL)))
        return st;
    if (!(w < level))
        return SRX_OK;
    for (it = 0; it < 50; it++) {
        double mid = 0.5 * (lo + hi);
        if ((st = model_point(c, p, exp(mid), &w, NULL)))
            return st;
        if (w > level)
            lo = mid;
        else
            hi = mid;
    }
    *onset = exp(0.5 * (lo + hi));
    return SRX_OK;
}

/* tau at which the Kubo width (M2, D) equals `target` (between the limits),
 * by bisection in ln tau */
static int kubo_tau_for_width(srx_narrowing *nw, double m2, double d, double target,
                              double *tau)
{
    double x0 = 1.0 / sqrt(m2), lo = log(x0) - 40.0, hi = log(x0) + 40.0, w;
    int it, st;
    for (it = 0; it < 60; it++) {
        double mid = 0.5 * (lo + hi);
        if ((st = kubo_width(nw, m2, exp(mid), d, &w)))
            return st;
        if (w > target)
            hi = mid; /* too broad: shorter tau narrows */
        else
            lo = mid;
    }
    *tau = exp(0.5 * (lo + hi));
    return SRX_OK;
}

static void result_clear(srx_narrowing_fit_result *r)
{
    double *d[] = {&r->ea_ev, &r->ea_err_ev, &r->tau0_s, &r->tau0_err_s, &r->m2_rad2_per_s2,
                   &r->m2_err_rad2_per_s2, &r->rigid_fwhm_hz, &r->rigid_fwhm_err_hz,
                   &r->narrowed_fwhm_hz, &r->narrowed_fwhm_err_hz, &r->residual_fwhm_hz,
                   &r->residual_fwhm_err_hz, &r->hb_rigid_fwhm_hz, &r->hb_rigid_fwhm_err_hz,
                   &r->hb_narrowed_fwhm_hz, &r->hb_narrowed_fwhm_err_hz, &r->onset_k,
                   &r->onset_err_k, &r->waugh_fedin_ea_ev, &r->data_onset_k, &r->chi2,
                   &r->reduced_chi2};
    size_t i;
    memset(r, 0, sizeof *r);
    for (i = 0; i < sizeof d / sizeof d[0]; i++)
        *d[i] = NAN;
    for (i = 0; i < 4; i++)
        r->param[i] = r->param_err[i] = r->start[i] = NAN;
}

int srx_narrowing_fit(srx_narrowing *nw, size_t n, const double *temperature_k,
                      const double *fwhm_hz, const double *fwhm_err_hz,
                      const srx_narrowing_fit_options *opts, srx_narrowing_fit_result *result,
                      srx_diag *diag)
{
    srx_narrowing_fit_options o;
    srx_fit_param par[4];
    srx_fit_summary sum;
    srx_fit_options fo;
    srx_fit_model fm;
    srx_fit *fit = NULL;
    fit_ctx ctx;
    tw *s = NULL;
    double *ut = NULL, *uw = NULL, cov[16], wr0, wn0, onset0 = NAN, tmid = NAN, d0;
    size_t i, nu = 0, nlow, n_free;
    int st, resid_free, fst;

    if (!temperature_k || !fwhm_hz || !result)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: fit: NULL argument");
    if (opts)
        o = *opts;
    else
        srx_narrowing_fit_options_init(&o);
    if (o.model != SRX_NARROWING_MODEL_KUBO && o.model != SRX_NARROWING_MODEL_HB)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: fit: unknown model %d", (int)o.model);
    if (o.model == SRX_NARROWING_MODEL_KUBO && !nw)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: fit: the Kubo model needs a workspace");
    if (o.fit_residual < -1 || o.fit_residual > 1)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: fit: fit_residual %d not in -1, 0, 1",
                         o.fit_residual);
    if (!(o.onset_fraction > 0.0 && o.onset_fraction < 1.0))
        return srxi_fail(diag, SRX_EINVAL, "narrowing: fit: onset fraction %g outside (0, 1)",
                         o.onset_fraction);
    if (o.max_iter < 1)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: fit: max_iter %d < 1", o.max_iter);
    if (!isnan(o.residual_fwhm_hz) &&
        (!srxi_isfinite(o.residual_fwhm_hz) || o.residual_fwhm_hz < 0.0))
        return srxi_fail(diag, SRX_EINVAL, "narrowing: fit: residual width %g Hz must be >= 0",
                         o.residual_fwhm_hz);
    resid_free = o.fit_residual == -1 ? o.model == SRX_NARROWING_MODEL_KUBO : o.fit_residual;
    for (i = 0; i < n; i++) {
        if (!srxi_isfinite(temperature_k[i]) || !(temperature_k[i] > 0.0))
            return srxi_fail(diag, SRX_EINVAL, "narrowing: fit: temperature[%zu] = %g K is not "
                             "finite and > 0", i, temperature_k[i]);
        if (!srxi_isfinite(fwhm_hz[i]) || !(fwhm_hz[i] > 0.0))
            return srxi_fail(diag, SRX_EINVAL, "narrowing: fit: fwhm[%zu] = %g Hz is not finite "
                             "and > 0", i, fwhm_hz[i]);
        if (fwhm_err_hz && (!srxi_isfinite(fwhm_err_hz[i]) || !(fwhm_err_hz[i] > 0.0)))
            return srxi_fail(diag, SRX_EINVAL, "narrowing: fit: fwhm_err[%zu] = %g Hz is not "
                             "finite and > 0", i, fwhm_err_hz[i]);
    }
    n_free = 3 + (size_t)resid_free;
    if (n < n_free + 1)
        return srxi_fail(diag, SRX_ENODATA, "narrowing: fit: %zu points, at least %zu needed", n,
                         n_free + 1);
    result_clear(result);
    result->model = o.model;
    result->n_points = n;
    result->weighted = fwhm_err_hz != NULL;

    /* sorted data, equal temperatures averaged */
    s = malloc(n * sizeof *s);
    ut = malloc(n * sizeof *ut);
    uw = malloc(n * sizeof *uw);
    if (!s || !ut || !uw) {
        st = srxi_fail(diag, SRX_ENOMEM, "narrowing: fit: out of memory");
        goto done;
    }
    for (i = 0; i < n; i++)
        s[i].t = temperature_k[i], s[i].w = fwhm_hz[i];
    qsort(s, n, sizeof *s, cmp_tw);
    for (i = 0; i < n;) {
        size_t j = i, k;
        double sw = 0.0;
        while (j < n && s[j].t == s[i].t)
            j++;
        for (k = i; k < j; k++)
            sw += s[k].w;
        ut[nu] = s[i].t;
        uw[nu++] = sw / (double)(j - i);
        i = j;
    }
    nlow = nu / 5;
    nlow = nlow < 1 ? 1 : nlow > 3 ? 3 : nlow;
    wr0 = wn0 = 0.0;
    for (i = 0; i < nlow; i++) {
        wr0 += uw[i] / (double)nlow;
        wn0 += uw[nu - 1 - i] / (double)nlow;
    }
    if (nu < 2 || !(wr0 > wn0)) {
        st = srxi_fail(diag, SRX_ENODATA,
                       "narrowing: fit: the widths do not decrease with temperature (%g Hz at "
                       "the low end, %g Hz at the high end)", wr0, wn0);
        goto done;
    }
    if (srx_narrowing_onset_k(nu, ut, uw, wr0, wn0, o.onset_fraction, &onset0, NULL))
        onset0 = NAN;
    result->data_onset_k = onset0;
    if (srx_narrowing_onset_k(nu, ut, uw, wr0, wn0, 0.5, &tmid, NULL))
        tmid = sqrt(ut[0] * ut[nu - 1]);
    if (isnan(onset0))
        onset0 = tmid;

    /* parameters and start values */
    for (i = 0; i < 4; i++)
        srx_fit_param_init(&par[i], 0.0);
    if (isnan(o.residual_fwhm_hz)) {
        d0 = resid_free ? wn0 : 0.0;
        if (resid_free && d0 > 0.5 * wr0)
            d0 = 0.5 * wr0;
        if (resid_free && d0 < 1e-3 * wr0)
            d0 = 1e-3 * wr0;
    } else {
        d0 = o.residual_fwhm_hz;
        if (resid_free && !(d0 > 0.0))
            d0 = 1e-3 * wr0; /* a free residual starts inside its bound */
    }
    if (o.model == SRX_NARROWING_MODEL_KUBO) {
        double wg, m20, taum, ea0;
        if (!(d0 < wr0)) {
            st = srxi_fail(diag, SRX_EINVAL, "narrowing: fit: residual %g Hz is not below the "
                           "rigid width %g Hz", d0, wr0);
            goto done;
        }
        wg = sqrt(wr0 * wr0 - d0 * d0);
        m20 = srx_narrowing_m2_from_rigid_fwhm(wg);
        ea0 = SRX_NARROWING_WAUGH_FEDIN_EV_PER_K * onset0;
        if ((st = kubo_tau_for_width(nw, m20, d0, 0.5 * (wr0 + (wn0 > d0 ? wn0 : d0)), &taum))) {
            st = srxi_fail(diag, st, "narrowing: fit: start values: width computation failed");
            goto done;
        }
        par[SRX_NARROWING_KUBO_EA].value = ea0;
        par[SRX_NARROWING_KUBO_EA].has_lower = 1;
        par[SRX_NARROWING_KUBO_EA].lower = 0.0;
        par[SRX_NARROWING_KUBO_TAU0].value = taum * exp(-ea0 / (SRX_KB_EV_PER_K * tmid));
        par[SRX_NARROWING_KUBO_TAU0].log_scale = 1;
        par[SRX_NARROWING_KUBO_M2].value = m20;
        par[SRX_NARROWING_KUBO_M2].log_scale = 1;
        par[SRX_NARROWING_KUBO_RESIDUAL].value = d0;
        par[SRX_NARROWING_KUBO_RESIDUAL].has_lower = 1;
        par[SRX_NARROWING_KUBO_RESIDUAL].lower = 0.0;
        par[SRX_NARROWING_KUBO_RESIDUAL].fixed = !resid_free;
    } else {
        double r0 = wr0 - d0, b0 = wn0 - d0;
        if (!(r0 > 0.0)) {
            st = srxi_fail(diag, SRX_EINVAL, "narrowing: fit: residual %g Hz is not below the "
                           "rigid width %g Hz", d0, wr0);
            goto done;
        }
        if (!(b0 > 0.0))
            b0 = 0.01 * r0;
        par[SRX_NARROWING_HB_RIGID].value = r0;
        par[SRX_NARROWING_HB_RIGID].has_lower = 1;
        par[SRX_NARROWING_HB_RIGID].lower = 0.0;
        par[SRX_NARROWING_HB_NARROWED].value = b0;
        par[SRX_NARROWING_HB_NARROWED].has_lower = 1;
        par[SRX_NARROWING_HB_NARROWED].lower = 0.0;
        par[SRX_NARROWING_HB_RESIDUAL].value = d0;
        par[SRX_NARROWING_HB_RESIDUAL].fixed = !resid_free;
        par[SRX_NARROWING_HB_RESIDUAL].has_lower = resid_free; /* D >= 0 when fitted */
        par[SRX_NARROWING_HB_RESIDUAL].lower = 0.0;
        par[SRX_NARROWING_HB_EA].value = SRX_KB_EV_PER_K * tmid * log((r0 + b0) / b0);
        par[SRX_NARROWING_HB_EA].has_lower = 1;
        par[SRX_NARROWING_HB_EA].lower = 0.0;
    }
    for (i = 0; i < 4; i++)
        result->start[i] = par[i].value;

    ctx.nw = nw;
    ctx.model = o.model;
    ctx.temperature_k = temperature_k;
    ctx.residual_free = resid_free;
    ctx.status = SRX_OK;
    fm.eval = fit_callback;
    fm.user = &ctx;
    fm.has_jacobian = 1;
    srx_fit_options_init(&fo);
    fo.max_iter = o.max_iter;
    if ((st = srx_fit_alloc(&fit, n, 4, 0, diag)))
        goto done;
    fst = srx_fit_run(fit, &fm, n, fwhm_hz, fwhm_err_hz, par, &fo, &sum, cov, diag);
    if (fst != SRX_OK && fst != SRX_ENOCONV && fst != SRX_ESINGULAR) {
        st = fst;
        goto done;
    }
    result->chi2 = sum.chi2;
    result->reduced_chi2 = sum.reduced_chi2;
    result->dof = sum.dof;
    result->n_iter = sum.n_iter;
    result->n_eval = sum.n_eval;
    result->converged = fst != SRX_ENOCONV && sum.converged;
    {
        double p[4], wr, wn, gr[4], gn[4];
        for (i = 0; i < 4; i++) {
            p[i] = result->param[i] = par[i].value;
            result->param_err[i] = par[i].error;
        }
        limits(&ctx, p, &wr, gr, &wn, gn);
        result->rigid_fwhm_hz = wr;
        result->narrowed_fwhm_hz = wn;
        if (fst != SRX_ESINGULAR) {
            result->rigid_fwhm_err_hz = propagate(gr, cov);
            result->narrowed_fwhm_err_hz = propagate(gn, cov);
        }
        if (o.model == SRX_NARROWING_MODEL_KUBO) {
            result->ea_ev = p[SRX_NARROWING_KUBO_EA];
            result->ea_err_ev = par[SRX_NARROWING_KUBO_EA].error;
            result->tau0_s = p[SRX_NARROWING_KUBO_TAU0];
            result->tau0_err_s = par[SRX_NARROWING_KUBO_TAU0].error;
            result->m2_rad2_per_s2 = p[SRX_NARROWING_KUBO_M2];
            result->m2_err_rad2_per_s2 = par[SRX_NARROWING_KUBO_M2].error;
            result->residual_fwhm_hz = p[SRX_NARROWING_KUBO_RESIDUAL];
            result->residual_fwhm_err_hz = par[SRX_NARROWING_KUBO_RESIDUAL].error;
        } else {
            result->ea_ev = p[SRX_NARROWING_HB_EA];
            result->ea_err_ev = par[SRX_NARROWING_HB_EA].error;
            result->hb_rigid_fwhm_hz = p[SRX_NARROWING_HB_RIGID];
            result->hb_rigid_fwhm_err_hz = par[SRX_NARROWING_HB_RIGID].error;
            result->hb_narrowed_fwhm_hz = p[SRX_NARROWING_HB_NARROWED];
            result->hb_narrowed_fwhm_err_hz = par[SRX_NARROWING_HB_NARROWED].error;
            result->residual_fwhm_hz = p[SRX_NARROWING_HB_RESIDUAL];
            result->residual_fwhm_err_hz = par[SRX_NARROWING_HB_RESIDUAL].error;
        }
        if (wr > wn) {
            double level = wr - o.onset_fraction * (wr - wn), on;
            if ((st = model_onset(&ctx, p, level, &on))) {
                st = srxi_fail(diag, st, "narrowing: fit: onset of the fitted curve: width "
                               "computation failed");
                goto done;
            }
            result->onset_k = on;
            if (!isnan(on)) {
                double w, g[4], gl[4], gt;
                int j;
                result->waugh_fedin_ea_ev = SRX_NARROWING_WAUGH_FEDIN_EV_PER_K * on;
                /* implicit differentiation of W(T_on; p) = level(p) */
                if (fst != SRX_ESINGULAR && model_point(&ctx, p, on, &w, g) == SRX_OK) {
                    int iea = o.model == SRX_NARROWING_MODEL_KUBO ? SRX_NARROWING_KUBO_EA
                                                                   : SRX_NARROWING_HB_EA;
                    gt = -(result->ea_ev / on) * g[iea]; /* W depends on Ea / T only */
                    if (gt != 0.0) {
                        for (j = 0; j < 4; j++)
                            gl[j] = -(g[j] - ((1.0 - o.onset_fraction) * gr[j] +
                                              o.onset_fraction * gn[j])) / gt;
                        result->onset_err_k = propagate(gl, cov);
                    }
                }
            }
        }
    }
    st = fst;
    if (fst == SRX_ENOCONV && diag && !diag->message[0])
        srxi_fail(diag, SRX_ENOCONV, "narrowing: fit did not converge");
done:
    srx_fit_free(fit);
    free(s);
    free(ut);
    free(uw);
    return st;
}

int srx_narrowing_fit_eval(srx_narrowing *nw, const srx_narrowing_fit_result *result,
                           double temperature_k, double *fwhm_hz, srx_diag *diag)
{
    fit_ctx ctx;
    int st;
    if (!result || !fwhm_hz)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: fit_eval: NULL argument");
    if (result->model != SRX_NARROWING_MODEL_KUBO && result->model != SRX_NARROWING_MODEL_HB)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: fit_eval: unknown model");
    if (result->model == SRX_NARROWING_MODEL_KUBO && !nw)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: fit_eval: the Kubo model needs a workspace");
    if (!srxi_isfinite(temperature_k) || !(temperature_k > 0.0))
        return srxi_fail(diag, SRX_EDOM, "narrowing: fit_eval: temperature %g K", temperature_k);
    ctx.nw = nw;
    ctx.model = result->model;
    ctx.temperature_k = NULL;
    ctx.residual_free = 0;
    ctx.status = SRX_OK;
    st = model_point(&ctx, result->param, temperature_k, fwhm_hz, NULL);
    if (st)
        return srxi_fail(diag, st, "narrowing: fit_eval: the parameters give no width at %g K",
                         temperature_k);
    return SRX_OK;
}
