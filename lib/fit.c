/* fit: the one nonlinear least-squares engine (GSL multifit_nlinear,
 * trust-region Levenberg-Marquardt, QR solver), with bounds by smooth
 * transformation, fixed and log-scaled parameters, weights, covariance.
 * The conventions are documented in include/spinrelax/fit.h. */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>

#include "internal.h"
#include "spinrelax/fit.h"

/* kinds of bound transformation of the internal variable */
enum { MAP_NONE = 0, MAP_LOWER = 1, MAP_UPPER = 2, MAP_BOTH = 3 };

/* A trial point with a non-finite model gets this residual per point, so
 * that its norm exceeds any finite current norm and GSL rejects the step. */
#define FIT_HUGE_RESIDUAL 1e150

/* callback failure reported back to GSL (any nonzero value stops it) */
#define FIT_GSL_STOP GSL_EBADFUNC

struct srx_fit {
    size_t nmax, np;
    unsigned flags;
    gsl_multifit_nlinear_workspace **ws; /* [np + 1]: ws[k] for k free parameters */
    gsl_vector **x0;                     /* [np + 1]: start vector of length k */

    /* per-parameter data of the current run */
    size_t *free_idx; /* [np] free position -> parameter index */
    int *map;         /* [np] per free position */
    int *logp;        /* [np] per free position */
    double *qa, *qb;  /* [np] bounds in q space per free position */
    double *pnat;     /* [np] natural parameters of the last evaluation */
    double *dpdu;     /* [np] dp/du at the last evaluation, per free position */
    double *ucache;   /* [np] internal point of the cached evaluation */
    double *ptmp;     /* [np] scratch (finite differences) */

    /* per-point buffers */
    double *model;   /* [nmax] model of the cached evaluation */
    double *jac;     /* [nmax * np] natural Jacobian of the cached evaluation */
    double *mwork;   /* [nmax] model scratch for finite differences */
    double *mwork2;  /* [nmax] */
    double *sw;      /* [nmax] sqrt weights 1/sigma (or 1) */
    double *awork;   /* [nmax * np] weighted Jacobian for the covariance QR */
    double *rinv;    /* [np * np] */
    double *colscale;/* [np] */

    /* context of the current run */
    const srx_fit_model *mdl;
    const double *y;
    size_t n, k;
    srx_fit_param *params;
    double fd_step;
    int cache_valid, cache_has_jac;
    int cb_status;      /* nonzero: callback failed with this code */
    int nonfinite_jac;  /* Jacobian not finite at an accepted point */
    int zero_jac;       /* Jacobian entirely zero */
    int n_eval;
};

void srx_fit_param_init(srx_fit_param *param, double value)
{
    if (!param)
        return;
    memset(param, 0, sizeof *param);
    param->value = value;
    param->lower = -INFINITY;
    param->upper = INFINITY;
}

void srx_fit_options_init(srx_fit_options *opts)
{
    if (!opts)
        return;
    opts->max_iter = 200;
    opts->xtol = 1e-10;
    opts->gtol = 1e-12;
    opts->ftol = 1e-10;
    opts->singular_tol = 1e-10;
    opts->fd_step = 0.0;
}

size_t srx_fit_max_points(const srx_fit *fit) { return fit ? fit->nmax : 0; }
size_t srx_fit_n_params(const srx_fit *fit) { return fit ? fit->np : 0; }

void srx_fit_free(srx_fit *fit)
{
    size_t k;
    if (!fit)
        return;
    if (fit->ws)
        for (k = 0; k <= fit->np; k++)
            if (fit->ws[k])
                gsl_multifit_nlinear_free(fit->ws[k]);
    if (fit->x0)
        for (k = 0; k <= fit->np; k++)
            if (fit->x0[k])
                gsl_vector_free(fit->x0[k]);
    free(fit->ws);
    free(fit->x0);
    free(fit->free_idx);
    free(fit->map);
    free(fit->logp);
    free(fit->qa);
    free(fit->qb);
    free(fit->pnat);
    free(fit->dpdu);
    free(fit->ucache);
    free(fit->ptmp);
    free(fit->model);
    free(fit->jac);
    free(fit->mwork);
    free(fit->mwork2);
    free(fit->sw);
    free(fit->awork);
    free(fit->rinv);
    free(fit->colscale);
    free(fit);
}

static int reserve(srx_fit *fit, size_t k)
{
    gsl_multifit_nlinear_parameters par;
    if (fit->ws[k] && fit->x0[k])
        return SRX_OK;
    if (fit->ws[k]) { /* a previous attempt ran out of memory half way */
        gsl_multifit_nlinear_free(fit->ws[k]);
        fit->ws[k] = NULL;
    }
    par = gsl_multifit_nlinear_default_parameters();
    par.trs = (fit->flags & SRX_FIT_GEODESIC) ? gsl_multifit_nlinear_trs_lmaccel
                                              : gsl_multifit_nlinear_trs_lm;
    par.solver = gsl_multifit_nlinear_solver_qr;
    par.scale = gsl_multifit_nlinear_scale_more;
    /* sizes validated by the callers (nmax >= np >= k >= 1), so GSL's
     * n >= p check cannot fail; only an allocation failure inside GSL could
     * reach its handler. */
    fit->ws[k] = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, fit->nmax, k);
    if (!fit->x0[k])
        fit->x0[k] = gsl_vector_alloc(k);
    if (!fit->ws[k] || !fit->x0[k])
        return SRX_ENOMEM;
    return SRX_OK;
}

int srx_fit_alloc(srx_fit **out, size_t max_points, size_t n_params, unsigned flags,
                  srx_diag *diag)
{
    srx_fit *fit;
    size_t nmax = max_points, np = n_params;
    int status;

    if (!out)
        return srxi_fail(diag, SRX_EINVAL, "fit: NULL output pointer");
    *out = NULL;
    if (max_points == 0 || n_params == 0)
        return srxi_fail(diag, SRX_EINVAL, "fit: max_points = %zu and n_params = %zu must be >= 1",
                         max_points, n_params);
    if (flags & ~SRX_FIT_GEODESIC)
        return srxi_fail(diag, SRX_EINVAL, "fit: unknown flags 0x%x", flags);
    if (max_points < n_params)
        return srxi_fail(diag, SRX_ENODATA, "fit: max_points = %zu < n_params = %zu", max_points,
                         n_params);
    if (np > ((size_t)-1) / 64 / nmax)
        return srxi_fail(diag, SRX_ENOMEM, "fit: problem size %zu x %zu too large", nmax, np);

    fit = calloc(1, sizeof *fit);
    if (!fit)
        return srxi_fail(diag, SRX_ENOMEM, "fit: out of memory");
    fit->nmax = nmax;
    fit->np = np;
    fit->flags = flags;
    fit->ws = calloc(np + 1, sizeof *fit->ws);
    fit->x0 = calloc(np + 1, sizeof *fit->x0);
    fit->free_idx = calloc(np, sizeof *fit->free_idx);
    fit->map = calloc(np, sizeof *fit->map);
    fit->logp = calloc(np, sizeof *fit->logp);
    fit->qa = calloc(np, sizeof(double));
    fit->qb = calloc(np, sizeof(double));
    fit->pnat = calloc(np, sizeof(double));
    fit->dpdu = calloc(np, sizeof(double));
    fit->ucache = calloc(np, sizeof(double));
    fit->ptmp = calloc(np, sizeof(double));
    fit->model = calloc(nmax, sizeof(double));
    fit->jac = calloc(nmax * np, sizeof(double));
    fit->mwork = calloc(nmax, sizeof(double));
    fit->mwork2 = calloc(nmax, sizeof(double));
    fit->sw = calloc(nmax, sizeof(double));
    fit->awork = calloc(nmax * np, sizeof(double));
    fit->rinv = calloc(np * np, sizeof(double));
    fit->colscale = calloc(np, sizeof(double));
    if (!fit->ws || !fit->x0 || !fit->free_idx || !fit->map || !fit->logp || !fit->qa ||
        !fit->qb || !fit->pnat || !fit->dpdu || !fit->ucache || !fit->ptmp || !fit->model ||
        !fit->jac || !fit->mwork || !fit->mwork2 || !fit->sw || !fit->awork || !fit->rinv ||
        !fit->colscale) {
        srx_fit_free(fit);
        return srxi_fail(diag, SRX_ENOMEM, "fit: out of memory");
    }
    status = reserve(fit, np);
    if (status) {
        srx_fit_free(fit);
        return srxi_fail(diag, status, "fit: out of memory");
    }
    *out = fit;
    return SRX_OK;
}

int srx_fit_reserve(srx_fit *fit, size_t n_free, srx_diag *diag)
{
    if (!fit)
        return srxi_fail(diag, SRX_EINVAL, "fit: NULL fit object");
    if (n_free < 1 || n_free > fit->np)
        return srxi_fail(diag, SRX_EINVAL, "fit: n_free = %zu outside 1..%zu", n_free, fit->np);
    if (reserve(fit, n_free))
        return srxi_fail(diag, SRX_ENOMEM, "fit: out of memory");
    return SRX_OK;
}

/* ---------------------------------------------------------------- transformations */

/* internal u -> natural p for free position c; returns p, sets dp/du */
static double u_to_p(const srx_fit *fit, size_t c, double u, double *dpdu)
{
    double q, dqdu, e, s, a = fit->qa[c], b = fit->qb[c];
    switch (fit->map[c]) {
    case MAP_LOWER:
        e = exp(u);
        q = a + e;
        dqdu = e;
        break;
    case MAP_UPPER:
        e = exp(u);
        q = b - e;
        dqdu = -e;
        break;
    case MAP_BOTH:
        /* sine map (as MINUIT): reaches a and b at finite u, where it is
         * stationary, so a parameter whose optimum lies beyond a bound
         * converges onto it quadratically */
        s = sin(u);
        q = a + 0.5 * (b - a) * (1.0 + s);
        if (q > b)
            q = b;
        if (q < a)
            q = a;
        dqdu = 0.5 * (b - a) * cos(u);
        (void)e;
        break;
    default:
        q = u;
        dqdu = 1.0;
        break;
    }
    if (fit->logp[c]) {
        double p = exp(q);
        *dpdu = p * dqdu;
        return p;
    }
    *dpdu = dqdu;
    return q;
}

/* natural p -> internal u (p validated strictly inside its bounds) */
static double p_to_u(const srx_fit *fit, size_t c, double p)
{
    double q = fit->logp[c] ? log(p) : p, a = fit->qa[c], b = fit->qb[c];
    switch (fit->map[c]) {
    case MAP_LOWER:
        return log(q - a);
    case MAP_UPPER:
        return log(b - q);
    case MAP_BOTH: {
        /* start inside by a hair: at u = +-pi/2 the map is stationary and
         * the fit could never leave the bound */
        const double umax = 0.5 * SRXI_PI - 1e-2;
        double x = 2.0 * (q - a) / (b - a) - 1.0, u;
        if (x > 1.0)
            x = 1.0;
        if (x < -1.0)
            x = -1.0;
        u = asin(x);
        return u > umax ? umax : u < -umax ? -umax : u;
    }
    default:
        return q;
    }
}

/* Fill fit->pnat and fit->dpdu from the internal vector u (length k). */
static void set_point(srx_fit *fit, const double *u)
{
    size_t c;
    for (c = 0; c < fit->np; c++)
        fit->pnat[c] = fit->params[c].value;
    for (c = 0; c < fit->k; c++)
        fit->pnat[fit->free_idx[c]] = u_to_p(fit, c, u[c], &fit->dpdu[c]);
}

/* ---------------------------------------------------------------- evaluation */

static int call_model(srx_fit *fit, const double *p, double *model, double *jac)
{
    int s = fit->mdl->eval(p, fit->np, fit->n, model, jac, fit->mdl->user);
    fit->n_eval++;
    if (s != 0) {
        fit->cb_status = s;
        return s;
    }
    return 0;
}

static int all_finite(const double *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

static int same_point(const srx_fit *fit, const double *u)
{
    return fit->cache_valid && memcmp(u, fit->ucache, fit->k * sizeof(double)) == 0;
}

/* Evaluate the model (and the analytic Jacobian when the model has one)
 * at internal point u into the cache.  Returns 0 or nonzero (callback
 * failure).  Sets *finite. */
static int evaluate(srx_fit *fit, const double *u, int *finite)
{
    int want_jac = fit->mdl->has_jacobian != 0;
    if (same_point(fit, u)) {
        *finite = all_finite(fit->model, fit->n);
        return 0;
    }
    set_point(fit, u);
    fit->cache_valid = 0;
    if (call_model(fit, fit->pnat, fit->model, want_jac ? fit->jac : NULL))
        return 1;
    memcpy(fit->ucache, u, fit->k * sizeof(double));
    fit->cache_valid = 1;
    fit->cache_has_jac = want_jac;
    *finite = all_finite(fit->model, fit->n);
    return 0;
}

static int gsl_f(const gsl_vector *x, void *vfit, gsl_vector *f)
{
    srx_fit *fit = vfit;
    size_t i, n = fit->n;
    int finite;
    double *fv = f->data;
    size_t stride = f->stride;

    if (evaluate(fit, x->data, &finite))
        return FIT_GSL_STOP;
    if (!finite) {
        for (i = 0; i < n; i++)
            fv[i * stride] = FIT_HUGE_RESIDUAL;
    } else {
        for (i = 0; i < n; i++)
            fv[i * stride] = fit->sw[i] * (fit->model[i] - fit->y[i]);
    }
    for (i = n; i < fit->nmax; i++)
        fv[i * stride] = 0.0;
    return GSL_SUCCESS;
}

/* forward-difference natural Jacobian columns of the free parameters at the
 * cached point, d m / d u (already multiplied by dp/du), into fit->awork as
 * n x k; used only for models without an analytic Jacobian */
static int fd_internal(srx_fit *fit, const double *u, double *out, size_t ld)
{
    size_t c, i, n = fit->n;
    double h0 = fit->fd_step > 0.0 ? fit->fd_step : sqrt(DBL_EPSILON);
    double *ut = fit->ptmp;
    /* fit->model holds m(u) */
    for (c = 0; c < fit->k; c++) {
        double h = h0 * fabs(u[c]), dpdu;
        size_t j;
        if (h == 0.0)
            h = h0;
        memcpy(ut, u, fit->k * sizeof(double));
        ut[c] += h;
        h = ut[c] - u[c];
        for (j = 0; j < fit->np; j++)
            fit->pnat[j] = fit->params[j].value;
        for (j = 0; j < fit->k; j++)
            fit->pnat[fit->free_idx[j]] = u_to_p(fit, j, ut[j], &dpdu);
        if (call_model(fit, fit->pnat, fit->mwork, NULL))
            return 1;
        for (i = 0; i < n; i++)
            out[i * ld + c] = (fit->mwork[i] - fit->model[i]) / h;
    }
    set_point(fit, u); /* restore pnat / dpdu of the cached point */
    return 0;
}

static int gsl_df(const gsl_vector *x, void *vfit, gsl_matrix *J)
{
    srx_fit *fit = vfit;
    size_t i, c, n = fit->n, k = fit->k, np = fit->np, ld = J->tda;
    double *Jd = J->data;
    int finite, any = 0;

    if (fit->mdl->has_jacobian) {
        if (!(same_point(fit, x->data) && fit->cache_has_jac)) {
            fit->cache_valid = 0;
            if (evaluate(fit, x->data, &finite))
                return FIT_GSL_STOP;
        }
        for (i = 0; i < n; i++) {
            const double *row = fit->jac + i * np;
            for (c = 0; c < k; c++) {
                double v = fit->sw[i] * row[fit->free_idx[c]] * fit->dpdu[c];
                Jd[i * ld + c] = v;
                any |= (v != 0.0);
            }
        }
    } else {
        if (evaluate(fit, x->data, &finite))
            return FIT_GSL_STOP;
        if (fd_internal(fit, x->data, Jd, ld))
            return FIT_GSL_STOP;
        for (i = 0; i < n; i++)
            for (c = 0; c < k; c++) {
                Jd[i * ld + c] *= fit->sw[i];
                any |= (Jd[i * ld + c] != 0.0);
            }
    }
    for (i = 0; i < n; i++)
        for (c = 0; c < k; c++)
            if (!isfinite(Jd[i * ld + c])) {
                fit->nonfinite_jac = 1;
                return FIT_GSL_STOP;
            }
    for (i = n; i < fit->nmax; i++)
        for (c = 0; c < k; c++)
            Jd[i * ld + c] = 0.0;
    if (!any) {
        fit->zero_jac = 1;
        return FIT_GSL_STOP;
    }
    return GSL_SUCCESS;
}

/* ---------------------------------------------------------------- covariance */

/* Natural, weighted Jacobian of the free parameters at the final point
 * (fit->pnat) into awork (n x k, row-major).  Analytic when available,
 * otherwise central differences in natural units. */
static int final_jacobian(srx_fit *fit)
{
    size_t i, c, n = fit->n, k = fit->k, np = fit->np;
    double *A = fit->awork;
    if (fit->mdl->has_jacobian) {
        for (i = 0; i < n; i++)
            for (c = 0; c < k; c++)
                A[i * k + c] = fit->sw[i] * fit->jac[i * np + fit->free_idx[c]];
        return 0;
    }
    {
        double h0 = fit->fd_step > 0.0 ? fit->fd_step : cbrt(DBL_EPSILON);
        double *pt = fit->ptmp;
        memcpy(pt, fit->pnat, np * sizeof(double));
        for (c = 0; c < k; c++) {
            size_t j = fit->free_idx[c];
            const srx_fit_param *P = &fit->params[j];
            double p = fit->pnat[j], h = h0 * fabs(p), pp, pm;
            int up_ok, dn_ok;
            if (h == 0.0)
                h = h0;
            pp = p + h;
            pm = p - h;
            up_ok = !(P->has_upper && !(pp < P->upper));
            dn_ok = !(P->has_lower && !(pm > P->lower)) && !(P->log_scale && !(pm > 0.0));
            if (!up_ok)
                pp = p;
            if (!dn_ok)
                pm = p;
            pt[j] = pp;
            if (call_model(fit, pt, fit->mwork, NULL))
                return 1;
            pt[j] = pm;
            if (call_model(fit, pt, fit->mwork2, NULL))
                return 1;
            pt[j] = p;
            for (i = 0; i < n; i++)
                A[i * k + c] = fit->sw[i] * (fit->mwork[i] - fit->mwork2[i]) / (pp - pm);
        }
    }
    return 0;
}

/* (A^T A)^-1 of the n x k matrix in awork, by column equilibration and
 * Householder QR (destroys awork).  Result in cov (k x k, row-major, in the
 * caller's buffer of np x np used as k x k).  Returns 0, or 1 if singular. */
static int normal_inverse(srx_fit *fit, double tol, double *cov)
{
    size_t n = fit->n, k = fit->k, i, j, c;
    double *A = fit->awork, *R = fit->rinv, *s = fit->colscale;

    for (c = 0; c < k; c++) {
        double ss = 0.0, mx = 0.0;
        for (i = 0; i < n; i++)
            mx = fmax(mx, fabs(A[i * k + c]));
        if (!(mx > 0.0) || !isfinite(mx))
            return 1;
        for (i = 0; i < n; i++) {
            double v = A[i * k + c] / mx;
            ss += v * v;
        }
        s[c] = mx * sqrt(ss);
        for (i = 0; i < n; i++)
            A[i * k + c] /= s[c];
    }
    /* Householder QR, columns of unit norm; R overwrites the upper triangle */
    for (c = 0; c < k; c++) {
        double norm = 0.0, alpha, v0, beta;
        for (i = c; i < n; i++)
            norm += A[i * k + c] * A[i * k + c];
        norm = sqrt(norm);
        if (!(norm > tol))
            return 1;
        alpha = A[c * k + c] > 0.0 ? -norm : norm;
        v0 = A[c * k + c] - alpha;
        /* v = (v0, A[c+1..n-1][c]); H = I - 2 v v^T / (v^T v) */
        beta = v0 * v0;
        for (i = c + 1; i < n; i++)
            beta += A[i * k + c] * A[i * k + c];
        A[c * k + c] = alpha;
        if (beta > 0.0) {
            for (j = c + 1; j < k; j++) {
                double dot = v0 * A[c * k + j];
                for (i = c + 1; i < n; i++)
                    dot += A[i * k + c] * A[i * k + j];
                dot = 2.0 * dot / beta;
                A[c * k + j] -= dot * v0;
                for (i = c + 1; i < n; i++)
                    A[i * k + j] -= dot * A[i * k + c];
            }
        }
        if (!(fabs(alpha) > tol))
            return 1;
    }
    /* Rinv (upper triangular) */
    memset(R, 0, k * k * sizeof(double));
    for (j = 0; j < k; j++) {
        R[j * k + j] = 1.0 / A[j * k + j];
        for (i = j; i-- > 0;) {
            double sum = 0.0;
            size_t m;
            for (m = i + 1; m <= j; m++)
                sum += A[i * k + m] * R[m * k + j];
            R[i * k + j] = -sum / A[i * k + i];
        }
    }
    /* cov = Rinv Rinv^T, unscaled */
    for (i = 0; i < k; i++)
        for (j = i; j < k; j++) {
            double sum = 0.0;
            size_t m;
            for (m = j; m < k; m++)
                sum += R[i * k + m] * R[j * k + m];
            sum /= s[i] * s[j];
            cov[i * k + j] = sum;
            cov[j * k + i] = sum;
        }
    return 0;
}

/* ---------------------------------------------------------------- run */

static int check_params(srx_fit *fit, srx_fit_param *params, srx_diag *diag)
{
    size_t j, k = 0;
    for (j = 0; j < fit->np; j++) {
        const srx_fit_param *P = &params[j];
        if (!isfinite(P->value))
            return srxi_fail(diag, isnan(P->value) ? SRX_EINVAL : SRX_EDOM,
                             "fit: parameter %zu: value %g is not finite", j, P->value);
        if (P->fixed)
            continue;
        if ((P->has_lower && isnan(P->lower)) || (P->has_upper && isnan(P->upper)))
            return srxi_fail(diag, SRX_EINVAL, "fit: parameter %zu: NaN bound", j);
        if (P->has_lower && P->has_upper && !(P->lower < P->upper))
            return srxi_fail(diag, SRX_EDOM, "fit: parameter %zu: lower bound %g >= upper bound %g",
                             j, P->lower, P->upper);
        if (P->log_scale && !(P->value > 0.0))
            return srxi_fail(diag, SRX_EDOM,
                             "fit: parameter %zu: log_scale needs a positive value (got %g)", j,
                             P->value);
        {
            int lo = P->has_lower && P->lower > -INFINITY, hi = P->has_upper && P->upper < INFINITY;
            double a = P->lower, b = P->upper;
            if (P->log_scale && lo && a <= 0.0)
                lo = 0;
            if (P->has_upper && P->upper == -INFINITY)
                hi = 1; /* nothing lies below -inf: rejected just below */
            if (lo && hi) { /* closed interval */
                if (!(P->value >= P->lower && P->value <= P->upper))
                    return srxi_fail(diag, SRX_EDOM,
                                     "fit: parameter %zu: start value %g outside its bounds "
                                     "[%g, %g]", j, P->value, P->lower, P->upper);
            } else if (lo && !(P->value > P->lower)) {
                return srxi_fail(diag, SRX_EDOM,
                                 "fit: parameter %zu: start value %g not above its lower bound %g",
                                 j, P->value, P->lower);
            } else if (hi && !(P->value < P->upper)) {
                return srxi_fail(diag, SRX_EDOM,
                                 "fit: parameter %zu: start value %g not below its upper bound %g",
                                 j, P->value, P->upper);
            }
            if (P->log_scale) {
                if (lo)
                    a = log(a);
                if (hi)
                    b = log(b);
            }
            fit->map[k] = lo && hi ? MAP_BOTH : lo ? MAP_LOWER : hi ? MAP_UPPER : MAP_NONE;
            fit->qa[k] = a;
            fit->qb[k] = b;
            fit->logp[k] = P->log_scale != 0;
            fit->free_idx[k] = j;
            k++;
        }
    }
    fit->k = k;
    return SRX_OK;
}

/* sum of squares of the first n residuals (the rest is padding) */
static double sum_squares(const double *f, size_t n)
{
    double s = 0.0;
    size_t i;
    for (i = 0; i < n; i++)
        s += f[i] * f[i];
    return s;
}

/* max over free columns of |J_c . f| / (|J_c| |f|): the cosine between the
 * residual and each direction of the Jacobian (MINPACK's gradient test) */
static double gradient_cosine(const srx_fit *fit, gsl_multifit_nlinear_workspace *w, double chi2)
{
    const gsl_vector *f = gsl_multifit_nlinear_residual(w);
    const gsl_matrix *J = gsl_multifit_nlinear_jac(w);
    size_t c, i, k = fit->k, n = fit->n;
    double gmax = 0.0, fnorm = sqrt(chi2);
    if (!(fnorm > 0.0))
        return 0.0;
    for (c = 0; c < k; c++) {
        double dot = 0.0, jn = 0.0;
        for (i = 0; i < n; i++) {
            double jv = J->data[i * J->tda + c];
            dot += jv * f->data[i * f->stride];
            jn += jv * jv;
        }
        if (jn > 0.0)
            gmax = fmax(gmax, fabs(dot) / (sqrt(jn) * fnorm));
    }
    return gmax;
}

/* The chi2 decrease a full Gauss-Newton step would still bring, relative
 * to chi2: (J^T f)^T (J^T J)^-1 (J^T f) / |f|^2, the squared norm of the
 * residual's projection on the Jacobian's column space.  Computed on the
 * diagonally equilibrated normal matrix by a Cholesky factorisation in the
 * rinv scratch; returns +inf when that matrix is not safely positive
 * definite (the test then simply does not fire). */
static double newton_decrement(srx_fit *fit, gsl_multifit_nlinear_workspace *w, double chi2)
{
    const gsl_vector *f = gsl_multifit_nlinear_residual(w);
    const gsl_matrix *J = gsl_multifit_nlinear_jac(w);
    size_t a, b, i, k = fit->k, n = fit->n, ld = J->tda;
    double *A = fit->rinv, *g = fit->colscale, *d = fit->ptmp, dec = 0.0;
    if (!(chi2 > 0.0))
        return 0.0;
    for (a = 0; a < k; a++) {
        double s = 0.0, gg = 0.0;
        for (i = 0; i < n; i++) {
            double v = J->data[i * ld + a];
            s += v * v;
            gg += v * f->data[i * f->stride];
        }
        if (!(s > 0.0))
            return INFINITY;
        d[a] = 1.0 / sqrt(s);
        g[a] = gg * d[a];
        A[a * k + a] = 1.0;
    }
    for (a = 0; a < k; a++)
        for (b = 0; b < a; b++) {
            double s = 0.0;
            for (i = 0; i < n; i++)
                s += J->data[i * ld + a] * J->data[i * ld + b];
            A[a * k + b] = s * d[a] * d[b];
        }
    /* Cholesky A = L L^T (lower triangle), then dec = |L^-1 g|^2 */
    for (a = 0; a < k; a++) {
        double s = A[a * k + a];
        for (b = 0; b < a; b++)
            s -= A[a * k + b] * A[a * k + b];
        if (!(s > 1e-12))
            return INFINITY;
        s = sqrt(s);
        A[a * k + a] = s;
        for (i = a + 1; i < k; i++) {
            double t = A[i * k + a];
            for (b = 0; b < a; b++)
                t -= A[i * k + b] * A[a * k + b];
            A[i * k + a] = t / s;
        }
    }
    for (a = 0; a < k; a++) {
        double t = g[a];
        for (b = 0; b < a; b++)
            t -= A[a * k + b] * g[b];
        g[a] = t / A[a * k + a];
        dec += g[a] * g[a];
    }
    return dec / chi2;
}

static int test_converged(srx_fit *fit, gsl_multifit_nlinear_workspace *w,
                          const srx_fit_options *o, double chi2_old, double chi2)
{
    size_t c, k = fit->k;
    const gsl_vector *x = gsl_multifit_nlinear_position(w);
    const gsl_vector *dx = w->dx;
    int small_step = 1;

    if (chi2 == 0.0)
        return 1;
    for (c = 0; c < k; c++) {
        double xc = x->data[c * x->stride], d = dx->data[c * dx->stride];
        if (!(fabs(d) <= o->xtol * (fabs(xc) + o->xtol)))
            small_step = 0;
    }
    if (small_step)
        return 1;
    if (chi2_old - chi2 <= o->ftol * chi2)
        return 1;
    /* what a further Gauss-Newton step could still gain is below ftol */
    if (newton_decrement(fit, w, chi2) <= o->ftol)
        return 1;
    return gradient_cosine(fit, w, chi2) <= o->gtol;
}

int srx_fit_run(srx_fit *fit, const srx_fit_model *model, size_t n_points, const double *y,
                const double *sigma, srx_fit_param *params, const srx_fit_options *opts,
                srx_fit_summary *summary, double *covariance, srx_diag *diag)
{
    srx_fit_options o;
    srx_fit_summary sum;
    size_t i, j, c, k, n = n_points, np;
    int status, finite, converged = 0, singular = 0, n_iter = 0, retcode = SRX_OK;
    gsl_multifit_nlinear_workspace *w = NULL;
    double chi2 = 0.0, chi2_old;
    double *u;

    if (!fit || !model || !model->eval || !y || !params)
        return srxi_fail(diag, SRX_EINVAL, "fit: NULL argument");
    np = fit->np;
    if (opts) {
        o = *opts;
        if (o.max_iter < 0 || !(o.xtol >= 0.0) || !(o.gtol >= 0.0) || !(o.ftol >= 0.0) ||
            !(o.singular_tol >= 0.0) || !(o.fd_step >= 0.0) || !(o.fd_step < 1.0) ||
            !isfinite(o.xtol) || !isfinite(o.gtol) || !isfinite(o.ftol) ||
            !(o.singular_tol < 1.0))
            return srxi_fail(diag, SRX_EINVAL, "fit: invalid options (negative, NaN or too large)");
    } else {
        srx_fit_options_init(&o);
    }
    if (n > fit->nmax)
        return srxi_fail(diag, SRX_EINVAL, "fit: n_points = %zu exceeds max_points = %zu", n,
                         fit->nmax);
    if (n == 0)
        return srxi_fail(diag, SRX_ENODATA, "fit: no data points");
    for (i = 0; i < n; i++) {
        if (!isfinite(y[i]))
            return srxi_fail(diag, SRX_EINVAL, "fit: data value %zu is not finite (%g)", i, y[i]);
        if (sigma && (isnan(sigma[i]) || !(sigma[i] > 0.0) || !isfinite(sigma[i])))
            return srxi_fail(diag, isnan(sigma[i]) ? SRX_EINVAL : SRX_EDOM,
                             "fit: sigma %zu = %g must be positive and finite", i, sigma[i]);
    }
    status = check_params(fit, params, diag);
    if (status)
        return status;
    k = fit->k;
    if (n < k)
        return srxi_fail(diag, SRX_ENODATA, "fit: %zu points for %zu free parameters", n, k);
    if (k > 0 && !(fit->ws[k] && fit->x0[k])) {
        if (reserve(fit, k))
            return srxi_fail(diag, SRX_ENOMEM, "fit: out of memory");
    }

    fit->mdl = model;
    fit->y = y;
    fit->n = n;
    fit->params = params;
    fit->fd_step = o.fd_step;
    fit->cache_valid = 0;
    fit->cb_status = 0;
    fit->nonfinite_jac = 0;
    fit->zero_jac = 0;
    fit->n_eval = 0;
    for (i = 0; i < n; i++)
        fit->sw[i] = sigma ? 1.0 / sigma[i] : 1.0;

    memset(&sum, 0, sizeof sum);
    sum.n_free = (int)k;
    sum.dof = (long)(n - k);
    sum.weighted = sigma != NULL;

    if (k == 0) {
        /* nothing to fit: evaluate chi2 */
        for (j = 0; j < np; j++)
            fit->pnat[j] = params[j].value;
        if (call_model(fit, fit->pnat, fit->model, NULL))
            return srxi_fail(diag, fit->cb_status, "fit: model callback failed (status %d)",
                             fit->cb_status);
        if (!all_finite(fit->model, n))
            return srxi_fail(diag, SRX_EDOM, "fit: model not finite at the given parameters");
        for (i = 0; i < n; i++) {
            double r = fit->sw[i] * (fit->model[i] - y[i]);
            chi2 += r * r;
        }
        sum.chi2 = chi2;
        sum.reduced_chi2 = sum.dof > 0 ? chi2 / (double)sum.dof : NAN;
        sum.converged = 1;
        sum.n_eval = fit->n_eval;
        sum.covariance_scaled = sigma == NULL;
        for (j = 0; j < np; j++)
            params[j].error = 0.0;
        if (covariance)
            memset(covariance, 0, np * np * sizeof(double));
        if (summary)
            *summary = sum;
        return SRX_OK;
    }

    w = fit->ws[k];
    u = fit->x0[k]->data;
    for (c = 0; c < k; c++)
        u[c] = p_to_u(fit, c, params[fit->free_idx[c]].value);
    for (c = 0; c < k; c++)
        if (!isfinite(u[c]))
            return srxi_fail(diag, SRX_EDOM,
                             "fit: parameter %zu: start value %g too close to its bound",
                             fit->free_idx[c], params[fit->free_idx[c]].value);

    /* the start point: finite model required */
    if (evaluate(fit, u, &finite))
        return srxi_fail(diag, fit->cb_status, "fit: model callback failed at the start values "
                         "(status %d)", fit->cb_status);
    if (!finite)
        return srxi_fail(diag, SRX_EDOM, "fit: model is not finite at the start values");

    {
        gsl_multifit_nlinear_fdf fdf;
        memset(&fdf, 0, sizeof fdf);
        fdf.f = gsl_f;
        fdf.df = gsl_df;
        fdf.fvv = NULL;
        fdf.n = fit->nmax;
        fdf.p = k;
        fdf.params = fit;
        status = gsl_multifit_nlinear_init(fit->x0[k], &fdf, w);
        if (status) {
            if (fit->cb_status)
                return srxi_fail(diag, fit->cb_status, "fit: model callback failed (status %d)",
                                 fit->cb_status);
            if (fit->zero_jac) {
                /* values stay at the start, uncertainties undetermined */
                for (j = 0; j < np; j++)
                    params[j].error = params[j].fixed ? 0.0 : NAN;
                if (covariance)
                    for (i = 0; i < np * np; i++)
                        covariance[i] = NAN;
                for (i = 0; i < n; i++) {
                    double r = fit->sw[i] * (fit->model[i] - y[i]);
                    chi2 += r * r;
                }
                sum.chi2 = chi2;
                sum.reduced_chi2 = sum.dof > 0 ? chi2 / (double)sum.dof : NAN;
                sum.singular = 1;
                sum.covariance_scaled = sigma == NULL;
                sum.n_eval = fit->n_eval;
                if (summary)
                    *summary = sum;
                return srxi_fail(diag, SRX_ESINGULAR,
                                 "fit: the model does not depend on any free parameter at the "
                                 "start values");
            }
            return srxi_fail(diag, SRX_EDOM, "fit: model Jacobian not finite at the start values");
        }
        chi2 = sum_squares(gsl_multifit_nlinear_residual(w)->data, n);
        /* already at a minimum (e.g. started from a previous solution)? */
        if (chi2 == 0.0 || gradient_cosine(fit, w, chi2) <= o.gtol)
            converged = 1;
        while (!converged && n_iter < o.max_iter) {
            status = gsl_multifit_nlinear_iterate(w);
            if (fit->cb_status)
                return srxi_fail(diag, fit->cb_status, "fit: model callback failed (status %d)",
                                 fit->cb_status);
            if (fit->nonfinite_jac)
                return srxi_fail(diag, SRX_EDOM, "fit: model Jacobian not finite during the fit");
            if (fit->zero_jac) {
                singular = 1;
                break;
            }
            if (status == GSL_ENOPROG) {
                /* no step reduces chi2 any more: a minimum to rounding if
                 * we got here by steps, or if the residual is orthogonal to
                 * the Jacobian to 1e-6 */
                converged = n_iter > 0 || gradient_cosine(fit, w, chi2) <= 1e-6;
                break;
            }
            if (status != GSL_SUCCESS)
                break;
            n_iter++;
            chi2_old = chi2;
            chi2 = sum_squares(gsl_multifit_nlinear_residual(w)->data, n);
            if (test_converged(fit, w, &o, chi2_old, chi2))
                converged = 1;
        }
        /* final point: natural parameters, model, Jacobian */
        memcpy(u, gsl_multifit_nlinear_position(w)->data, k * sizeof(double));
        if (evaluate(fit, u, &finite) || !finite)
            return srxi_fail(diag, fit->cb_status ? fit->cb_status : SRX_EDOM,
                             "fit: model failed at the solution");
    }

    chi2 = 0.0;
    for (i = 0; i < n; i++) {
        double r = fit->sw[i] * (fit->model[i] - y[i]);
        chi2 += r * r;
    }
    sum.chi2 = chi2;
    sum.reduced_chi2 = sum.dof > 0 ? chi2 / (double)sum.dof : NAN;
    sum.n_iter = n_iter;
    sum.converged = converged;
    sum.covariance_scaled = sigma == NULL;

    /* write back values (pnat holds the final point) */
    {
        double *cov;
        int sing;
        if (final_jacobian(fit))
            return srxi_fail(diag, fit->cb_status, "fit: model callback failed (status %d)",
                             fit->cb_status);
        /* the k x k covariance goes into the caller's buffer when given
         * (np x np >= k x k), else into jac (nmax x np >= k x k), which
         * is no longer needed */
        cov = covariance ? covariance : fit->jac;
        sing = singular || normal_inverse(fit, o.singular_tol, cov);
        if (sing) {
            singular = 1;
            for (j = 0; j < np; j++) {
                params[j].value = fit->pnat[j];
                params[j].error = params[j].fixed ? 0.0 : NAN;
            }
            if (covariance) {
                for (i = 0; i < np * np; i++)
                    covariance[i] = 0.0;
                for (c = 0; c < k; c++)
                    for (j = 0; j < k; j++)
                        covariance[fit->free_idx[c] * np + fit->free_idx[j]] = NAN;
            }
        } else {
            double scale = 1.0;
            if (!sigma)
                scale = sum.dof > 0 ? chi2 / (double)sum.dof : NAN;
            for (j = 0; j < np; j++) {
                params[j].value = fit->pnat[j];
                params[j].error = 0.0;
            }
            for (c = 0; c < k; c++) {
                double v = cov[c * k + c] * scale;
                params[fit->free_idx[c]].error = v >= 0.0 ? sqrt(v) : NAN;
            }
            if (covariance) {
                /* expand the k x k block (at the start of the buffer) to
                 * np x np through the rinv scratch */
                for (c = k; c-- > 0;)
                    for (j = k; j-- > 0;) {
                        double v = covariance[c * k + j] * scale;
                        fit->rinv[c * k + j] = v;
                    }
                for (i = 0; i < np * np; i++)
                    covariance[i] = 0.0;
                for (c = 0; c < k; c++)
                    for (j = 0; j < k; j++)
                        covariance[fit->free_idx[c] * np + fit->free_idx[j]] =
                            fit->rinv[c * k + j];
            }
        }
        fit->cache_valid = 0; /* jac may have been overwritten */
    }
    sum.singular = singular;
    sum.n_eval = fit->n_eval;
    if (summary)
        *summary = sum;
    if (singular)
        retcode = srxi_fail(diag, SRX_ESINGULAR,
                            "fit: parameters not determined by the data (singular Jacobian)");
    else if (!converged)
        retcode = srxi_fail(diag, SRX_ENOCONV, "fit: no convergence after %d iterations", n_iter);
    return retcode;
}
