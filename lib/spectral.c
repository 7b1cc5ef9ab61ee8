/* spectral: Arrhenius tau(T) and reduced spectral densities J(omega).
 *
 * Every model is written as J = tau h(x), x = omega tau, and evaluated through
 * ln h as a function of lx = ln x, with ln J = ln tau + ln h.  Working in
 * logarithms removes the 0/0 at omega -> 0 and the overflow of (omega tau)^2
 * deep in the low-temperature flank.  Derivatives follow from
 *   dJ/d(ln tau) = J (1 + d ln h / d lx),   dJ/d(shape) = J d ln h / d(shape).
 *
 * Sources: BPP: Bloembergen, Purcell, Pound, Phys. Rev. 73 (1948) 679.
 * Asymmetric: Kuechler, Heitjans, Payer, Schoellhorn, Solid State Ionics 70
 * (1994) 434 and Ber. Bunsenges. Phys. Chem. 95 (1991) 1059.  Cole-Davidson:
 * Davidson, Cole, J. Chem. Phys. 19 (1951) 1484 (NMR form: Beckmann, Phys.
 * Rep. 171 (1988) 85).  Cole-Cole: Cole, Cole, J. Chem. Phys. 9 (1941) 341.
 * Gaussian Ea distribution: e.g. Beckmann (1988), section 4. */
#include <config.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_integration.h>

#include "internal.h"
#include "spinrelax/spectral.h"

static const char *const kind_names[SRX_SPECTRAL_NKINDS] = {"bpp", "asymmetric", "cole-davidson",
                                                            "cole-cole", "gauss-ea"};

const char *srx_spectral_name(srx_spectral_kind kind)
{
    if ((int)kind < 0 || (int)kind >= SRX_SPECTRAL_NKINDS)
        return NULL;
    return kind_names[kind];
}

int srx_spectral_parse(const char *name, srx_spectral_kind *kind, srx_diag *diag)
{
    int i;
    if (!name || !kind)
        return srxi_fail(diag, SRX_EINVAL, "spectral: NULL argument");
    for (i = 0; i < SRX_SPECTRAL_NKINDS; i++) {
        if (strcmp(name, kind_names[i]) == 0) {
            *kind = (srx_spectral_kind)i;
            return SRX_OK;
        }
    }
    return srxi_fail(diag, SRX_ENOTFOUND,
                     "spectral: unknown model '%.64s' (expected bpp, asymmetric, cole-davidson, "
                     "cole-cole or gauss-ea)",
                     name);
}

double srx_spectral_lorentzian_shape(srx_spectral_kind kind)
{
    switch (kind) {
    case SRX_SPECTRAL_ASYMMETRIC: return 2.0;
    case SRX_SPECTRAL_COLE_DAVIDSON: return 1.0;
    case SRX_SPECTRAL_COLE_COLE: return 1.0;
    default: return 0.0;
    }
}

int srx_spectral_check_shape(srx_spectral_kind kind, double shape, srx_diag *diag)
{
    switch (kind) {
    case SRX_SPECTRAL_BPP:
        return SRX_OK;
    case SRX_SPECTRAL_ASYMMETRIC:
        if (!(shape > 1.0 && shape <= 2.0))
            return srxi_fail(diag, isnan(shape) ? SRX_EINVAL : SRX_EDOM,
                             "spectral: asymmetric shape beta = %g outside (1, 2]", shape);
        return SRX_OK;
    case SRX_SPECTRAL_COLE_DAVIDSON:
        if (!(shape > 0.0 && shape <= 1.0))
            return srxi_fail(diag, isnan(shape) ? SRX_EINVAL : SRX_EDOM,
                             "spectral: Cole-Davidson shape eps = %g outside (0, 1]", shape);
        return SRX_OK;
    case SRX_SPECTRAL_COLE_COLE:
        if (!(shape > 0.0 && shape <= 1.0))
            return srxi_fail(diag, isnan(shape) ? SRX_EINVAL : SRX_EDOM,
                             "spectral: Cole-Cole shape alpha = %g outside (0, 1]", shape);
        return SRX_OK;
    case SRX_SPECTRAL_GAUSS_EA:
        if (!(shape >= 0.0) || !srxi_isfinite(shape))
            return srxi_fail(diag, isnan(shape) ? SRX_EINVAL : SRX_EDOM,
                             "spectral: Gaussian Ea width %g must be finite and >= 0", shape);
        return SRX_OK;
    }
    return srxi_fail(diag, SRX_EINVAL, "spectral: unknown spectral-density kind %d", (int)kind);
}

int srx_spectral_tau_s(double temperature_k, double ea_ev, double tau0_s, double *tau_s,
                       srx_diag *diag)
{
    double ln_tau;
    if (!tau_s)
        return srxi_fail(diag, SRX_EINVAL, "spectral: NULL argument");
    if (isnan(temperature_k) || isnan(ea_ev) || isnan(tau0_s))
        return srxi_fail(diag, SRX_EINVAL, "spectral: NaN argument to tau(T)");
    if (!(temperature_k > 0.0) || !srxi_isfinite(temperature_k))
        return srxi_fail(diag, SRX_EDOM, "spectral: temperature %g K must be positive and finite",
                         temperature_k);
    if (!srxi_isfinite(ea_ev))
        return srxi_fail(diag, SRX_EDOM, "spectral: activation energy %g eV must be finite", ea_ev);
    if (!(tau0_s > 0.0) || !srxi_isfinite(tau0_s))
        return srxi_fail(diag, SRX_EDOM, "spectral: tau0 = %g s must be positive and finite",
                         tau0_s);
    ln_tau = log(tau0_s) + ea_ev / (SRX_KB_EV_PER_K * temperature_k);
    if (ln_tau > 709.0)
        return srxi_fail(diag, SRX_ERANGE, "spectral: tau(T) = exp(%g) s overflows", ln_tau);
    *tau_s = exp(ln_tau);
    return SRX_OK;
}

/* ------------------------------------------------------------ helpers */

/* softplus ln(1 + e^z), accurate for every z */
static double softplus(double z)
{
    return z > 0.0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

/* logistic 1 / (1 + e^-z), accurate for every z */
static double logistic(double z)
{
    if (z >= 0.0)
        return 1.0 / (1.0 + exp(-z));
    else {
        double e = exp(z);
        return e / (1.0 + e);
    }
}

/* ln h and its derivatives for one model.  lx = ln(omega tau), finite. */
typedef struct lnh_result {
    double lnh, dlx, dshape;
} lnh_result;

static void lnh_bpp(double lx, lnh_result *r)
{
    r->lnh = -softplus(2.0 * lx);
    r->dlx = -2.0 * logistic(2.0 * lx);
    r->dshape = 0.0;
}

static void lnh_asymmetric(double lx, double beta, lnh_result *r)
{
    double l = logistic(beta * lx);
    r->lnh = -softplus(beta * lx);
    r->dlx = -beta * l;
    r->dshape = -lx * l;
}

static void lnh_cole_davidson(double lx, double eps, lnh_result *r)
{
    double sp2 = softplus(2.0 * lx);
    if (lx < -600.0) {
        /* x < 1e-260: h = eps (1 + O(x^2)) */
        r->lnh = log(eps) - 0.5 * eps * sp2;
        r->dlx = 0.0;
        r->dshape = 1.0 / eps;
    } else if (lx > 600.0) {
        /* atan x = pi/2 to double precision; 1/(1+x^2) underflows */
        double a = 0.5 * SRXI_PI;
        r->lnh = log(sin(eps * a)) - lx - 0.5 * eps * sp2;
        r->dlx = -1.0 - eps * logistic(2.0 * lx);
        r->dshape = a * cos(eps * a) / sin(eps * a) - 0.5 * sp2;
    } else {
        double x = exp(lx);
        double a = atan(x);
        double s = sin(eps * a);
        double ratio = s / x; /* sin(eps atan x) / x, tends to eps */
        double w = 1.0 / (x + 1.0 / x); /* x / (1 + x^2) = d(atan x)/d(ln x) */
        r->lnh = log(ratio) - 0.5 * eps * sp2;
        r->dlx = eps * cos(eps * a) / s * w - 1.0 - eps * logistic(2.0 * lx);
        r->dshape = a * cos(eps * a) / s - 0.5 * sp2;
    }
}

static void lnh_cole_cole(double lx, double alpha, lnh_result *r)
{
    double s = sin(0.5 * SRXI_PI * alpha);
    double c = cos(0.5 * SRXI_PI * alpha);
    double u = alpha * lx;
    double au = fabs(u);
    double e = exp(-au);
    double den = 1.0 + 2.0 * c * e + e * e; /* 2 e^-|u| (cosh u + c) */
    double t = (u >= 0.0 ? 1.0 : -1.0) * (1.0 - e * e) / den; /* sinh u / (cosh u + c) */
    double q = 2.0 * e / den;                                  /* 1 / (cosh u + c) */
    /* ln h = ln s - lx - ln(2 (cosh u + c)); the two big terms are combined
     * first so that alpha = 1 gives exactly -softplus(2 lx) in the limit. */
    r->lnh = log(s) + (-lx - au) - log1p(2.0 * c * e + e * e);
    r->dlx = -1.0 - alpha * t;
    r->dshape = 0.5 * SRXI_PI * c / s - lx * t + 0.5 * SRXI_PI * s * q;
}

/* Gaussian distribution of ln tau with standard deviation sig:
 *   h(lx) = int phi(u) e^{sig u} / (1 + e^{2 (lx + sig u)}) du.
 * The exponent f(u) = -u^2/2 + sig u - softplus(2 (lx + sig u)) is concave
 * (f'' <= -1), so its maximum u* lies in [-sig, sig], the integrand decays
 * faster than a unit Gaussian about u*, and [u* - 15, u* + 15] holds all but
 * exp(-112) of it.  Integrals are scaled by exp(-f(u*)). */
typedef struct gauss_ctx {
    double lx, sig, fmax;
    int which; /* 0: h, 1: dh/dlx, 2: dh/dsig */
} gauss_ctx;

static double gauss_f(double u, double lx, double sig)
{
    return -0.5 * u * u + sig * u - softplus(2.0 * (lx + sig * u));
}

static double gauss_integrand(double u, void *p)
{
    const gauss_ctx *g = p;
    double y = g->lx + g->sig * u;
    double F = exp(gauss_f(u, g->lx, g->sig) - g->fmax);
    switch (g->which) {
    case 0: return F;
    case 1: return -2.0 * F * logistic(2.0 * y);
    default: return F * u * (1.0 - 2.0 * logistic(2.0 * y));
    }
}

static int lnh_gauss(double lx, double sig, lnh_result *r, srx_diag *diag)
{
    gsl_integration_cquad_workspace *ws;
    gauss_ctx g;
    gsl_function fn;
    double lo, hi, ustar, i0 = 0.0, i1 = 0.0, i2 = 0.0, err;
    int k;

    if (sig == 0.0) {
        lnh_bpp(lx, r);
        r->dshape = 0.0;
        return SRX_OK;
    }
    /* maximum of the concave exponent: safeguarded Newton on f'(u) = 0 */
    lo = -sig;
    hi = sig;
    ustar = -lx / sig;
    if (!(ustar > lo && ustar < hi))
        ustar = 0.0;
    for (k = 0; k < 100; k++) {
        double l = logistic(2.0 * (lx + sig * ustar));
        double d1 = -ustar + sig - 2.0 * sig * l;
        double d2 = -1.0 - 4.0 * sig * sig * l * (1.0 - l);
        double step, next;
        if (d1 > 0.0)
            lo = ustar;
        else
            hi = ustar;
        step = -d1 / d2;
        next = ustar + step;
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        if (fabs(next - ustar) < 1e-12 * (1.0 + fabs(ustar)))
            break;
        ustar = next;
    }
    g.lx = lx;
    g.sig = sig;
    g.fmax = gauss_f(ustar, lx, sig);
    fn.function = gauss_integrand;
    fn.params = &g;

    ws = gsl_integration_cquad_workspace_alloc(64);
    if (!ws)
        return srxi_fail(diag, SRX_ENOMEM, "spectral: cannot allocate quadrature workspace");
    g.which = 0;
    gsl_integration_cquad(&fn, ustar - 15.0, ustar + 15.0, 0.0, 1e-13, ws, &i0, &err, NULL);
    g.which = 1;
    gsl_integration_cquad(&fn, ustar - 15.0, ustar + 15.0, 1e-14 * i0, 1e-13, ws, &i1, &err,
                          NULL);
    g.which = 2;
    gsl_integration_cquad(&fn, ustar - 15.0, ustar + 15.0, 1e-14 * i0 * (1.0 + sig), 1e-13, ws,
                          &i2, &err, NULL);
    gsl_integration_cquad_workspace_free(ws);

    if (!(i0 > 0.0) || !srxi_isfinite(i0))
        return srxi_fail(diag, SRX_ERANGE, "spectral: Gaussian-Ea quadrature failed (lx = %g, "
                         "width = %g)", lx, sig);
    r->lnh = g.fmax + log(i0) - 0.5 * log(2.0 * SRXI_PI);
    r->dlx = i1 / i0;
    r->dshape = i2 / i0;
    return SRX_OK;
}

/* ln h at omega = 0 (lx = -infinity) */
static int lnh_zero_frequency(srx_spectral_kind kind, double shape, lnh_result *r,
                              srx_diag *diag)
{
    r->dlx = 0.0;
    r->dshape = 0.0;
    switch (kind) {
    case SRX_SPECTRAL_COLE_DAVIDSON:
        r->lnh = log(shape);
        r->dshape = 1.0 / shape;
        return SRX_OK;
    case SRX_SPECTRAL_COLE_COLE:
        if (shape < 1.0)
            return srxi_fail(diag, SRX_EDOM,
                             "spectral: Cole-Cole J(0) diverges for alpha = %g < 1", shape);
        r->lnh = 0.0;
        return SRX_OK;
    case SRX_SPECTRAL_GAUSS_EA:
        /* mean of a log-normal: h(0) = exp(sig^2 / 2) */
        r->lnh = 0.5 * shape * shape;
        r->dshape = shape;
        return SRX_OK;
    default:
        r->lnh = 0.0;
        return SRX_OK;
    }
}

static int eval_lnh(srx_spectral_kind kind, double lx, double shape, lnh_result *r,
                    srx_diag *diag)
{
    if (lx == -HUGE_VAL)
        return lnh_zero_frequency(kind, shape, r, diag);
    switch (kind) {
    case SRX_SPECTRAL_BPP: lnh_bpp(lx, r); return SRX_OK;
    case SRX_SPECTRAL_ASYMMETRIC: lnh_asymmetric(lx, shape, r); return SRX_OK;
    case SRX_SPECTRAL_COLE_DAVIDSON: lnh_cole_davidson(lx, shape, r); return SRX_OK;
    case SRX_SPECTRAL_COLE_COLE: lnh_cole_cole(lx, shape, r); return SRX_OK;
    case SRX_SPECTRAL_GAUSS_EA: return lnh_gauss(lx, shape, r, diag);
    }
    return srxi_fail(diag, SRX_EINVAL, "spectral: unknown spectral-density kind %d", (int)kind);
}

/* J and derivatives from ln tau; when tau itself is known (tau_s > 0) it
 * multiplies exp(ln h) directly, which saves the rounding of exp(ln tau). */
static int j_core(srx_spectral_kind kind, double frequency_hz, double ln_tau, double tau_s,
                  double shape, double *j_s, double *dj_dln_tau_s, double *dj_dshape_s,
                  srx_diag *diag)
{
    lnh_result r = {0.0, 0.0, 0.0};
    double lx, lnj, j;
    int status;

    if (!j_s)
        return srxi_fail(diag, SRX_EINVAL, "spectral: NULL argument");
    if (isnan(frequency_hz) || isnan(ln_tau) || isnan(shape))
        return srxi_fail(diag, SRX_EINVAL, "spectral: NaN argument");
    if (!(frequency_hz >= 0.0) || !srxi_isfinite(frequency_hz))
        return srxi_fail(diag, SRX_EDOM, "spectral: frequency %g Hz must be >= 0 and finite",
                         frequency_hz);
    if (!srxi_isfinite(ln_tau))
        return srxi_fail(diag, SRX_EDOM, "spectral: ln(tau) = %g must be finite", ln_tau);
    status = srx_spectral_check_shape(kind, shape, diag);
    if (status)
        return status;

    lx = frequency_hz > 0.0 ? log(2.0 * SRXI_PI * frequency_hz) + ln_tau : -HUGE_VAL;
    status = eval_lnh(kind, lx, shape, &r, diag);
    if (status)
        return status;
    lnj = ln_tau + r.lnh;
    if (lnj > 709.0)
        return srxi_fail(diag, SRX_ERANGE, "spectral: J = exp(%g) s overflows", lnj);
    if (tau_s > 0.0 && r.lnh > -700.0 && r.lnh < 700.0 && lnj > -700.0)
        j = tau_s * exp(r.lnh);
    else
        j = exp(lnj);
    *j_s = j;
    if (dj_dln_tau_s)
        *dj_dln_tau_s = j * (1.0 + r.dlx);
    if (dj_dshape_s)
        *dj_dshape_s = j * r.dshape;
    return SRX_OK;
}

int srx_spectral_j_deriv(srx_spectral_kind kind, double frequency_hz, double ln_tau,
                         double shape, double *j_s, double *dj_dln_tau_s, double *dj_dshape_s,
                         srx_diag *diag)
{
    return j_core(kind, frequency_hz, ln_tau, 0.0, shape, j_s, dj_dln_tau_s, dj_dshape_s, diag);
}

int srx_spectral_j(srx_spectral_kind kind, double frequency_hz, double tau_s, double shape,
                   double *j_s, srx_diag *diag)
{
    if (isnan(tau_s))
        return srxi_fail(diag, SRX_EINVAL, "spectral: tau is NaN");
    if (!(tau_s > 0.0) || !srxi_isfinite(tau_s))
        return srxi_fail(diag, SRX_EDOM, "spectral: tau = %g s must be positive and finite",
                         tau_s);
    return j_core(kind, frequency_hz, log(tau_s), tau_s, shape, j_s, NULL, NULL, diag);
}

int srx_spectral_j_at_t(srx_spectral_kind kind, double frequency_hz, double temperature_k,
                        double ea_ev, double tau0_s, double shape, double *j_s, srx_diag *diag)
{
    double kt;
    if (isnan(temperature_k) || isnan(ea_ev) || isnan(tau0_s))
        return srxi_fail(diag, SRX_EINVAL, "spectral: NaN argument");
    if (!(temperature_k > 0.0) || !srxi_isfinite(temperature_k))
        return srxi_fail(diag, SRX_EDOM, "spectral: temperature %g K must be positive and finite",
                         temperature_k);
    if (!srxi_isfinite(ea_ev))
        return srxi_fail(diag, SRX_EDOM, "spectral: activation energy %g eV must be finite", ea_ev);
    if (!(tau0_s > 0.0) || !srxi_isfinite(tau0_s))
        return srxi_fail(diag, SRX_EDOM, "spectral: tau0 = %g s must be positive and finite",
                         tau0_s);
    kt = SRX_KB_EV_PER_K * temperature_k;
    if (kind == SRX_SPECTRAL_GAUSS_EA) {
        int status = srx_spectral_check_shape(kind, shape, diag);
        if (status)
            return status;
        shape /= kt;
    }
    return srx_spectral_j_deriv(kind, frequency_hz, log(tau0_s) + ea_ev / kt, shape, j_s, NULL,
                                NULL, diag);
}
