/* rates: processes + background -> 1/T1, 1/T1rho, with analytic gradients.
 * Formulas: physics.md section 3 (BPP 1948; Look and Lowe 1966). */
#include <config.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>

#include "internal.h"
#include "spinrelax/rates.h"

void srx_rate_model_init(srx_rate_model *model)
{
    int p;
    if (!model)
        return;
    memset(model, 0, sizeof *model);
    for (p = 0; p < SRX_MAX_PROCESSES; p++) {
        model->process[p].kind = SRX_SPECTRAL_BPP;
        model->process[p].tau0_s = 1e-12;
    }
    model->background_r1.kind = SRX_BACKGROUND_NONE;
    model->background_r1rho.kind = SRX_BACKGROUND_NONE;
}

static int check_background(const srx_background *b, const char *which, srx_diag *diag)
{
    switch (b->kind) {
    case SRX_BACKGROUND_NONE:
        return SRX_OK;
    case SRX_BACKGROUND_POWERLAW:
        if (isnan(b->amplitude) || isnan(b->exponent))
            return srxi_fail(diag, SRX_EINVAL, "rates: %s background has a NaN parameter", which);
        if (!(b->amplitude >= 0.0) || !srxi_isfinite(b->amplitude) || !srxi_isfinite(b->exponent))
            return srxi_fail(diag, SRX_EDOM,
                             "rates: %s power-law background needs amplitude >= 0 and a finite "
                             "exponent (got %g, %g)", which, b->amplitude, b->exponent);
        return SRX_OK;
    case SRX_BACKGROUND_ARRHENIUS:
        if (isnan(b->amplitude) || isnan(b->ea_ev))
            return srxi_fail(diag, SRX_EINVAL, "rates: %s background has a NaN parameter", which);
        if (!(b->amplitude >= 0.0) || !srxi_isfinite(b->amplitude) || !srxi_isfinite(b->ea_ev))
            return srxi_fail(diag, SRX_EDOM,
                             "rates: %s Arrhenius background needs amplitude >= 0 and a finite "
                             "ea_ev (got %g, %g)", which, b->amplitude, b->ea_ev);
        return SRX_OK;
    }
    return srxi_fail(diag, SRX_EINVAL, "rates: %s background has unknown kind %d", which,
                     (int)b->kind);
}

int srx_rates_check_model(const srx_rate_model *model, srx_diag *diag)
{
    int p, status;
    if (!model)
        return srxi_fail(diag, SRX_EINVAL, "rates: NULL model");
    if (model->n_processes < 0 || model->n_processes > SRX_MAX_PROCESSES)
        return srxi_fail(diag, SRX_EINVAL, "rates: n_processes = %d outside 0..%d",
                         model->n_processes, SRX_MAX_PROCESSES);
    for (p = 0; p < model->n_processes; p++) {
        const srx_process *q = &model->process[p];
        if (isnan(q->ea_ev) || isnan(q->tau0_s) || isnan(q->coupling_per_s2) || isnan(q->shape))
            return srxi_fail(diag, SRX_EINVAL, "rates: process %d has a NaN parameter", p + 1);
        if (!srxi_isfinite(q->ea_ev))
            return srxi_fail(diag, SRX_EDOM, "rates: process %d: ea_ev = %g must be finite",
                             p + 1, q->ea_ev);
        if (!(q->tau0_s > 0.0) || !srxi_isfinite(q->tau0_s))
            return srxi_fail(diag, SRX_EDOM,
                             "rates: process %d: tau0_s = %g must be positive and finite", p + 1,
                             q->tau0_s);
        if (!(q->coupling_per_s2 >= 0.0) || !srxi_isfinite(q->coupling_per_s2))
            return srxi_fail(diag, SRX_EDOM,
                             "rates: process %d: coupling_per_s2 = %g must be >= 0 and finite",
                             p + 1, q->coupling_per_s2);
        status = srx_spectral_check_shape(q->kind, q->shape, diag);
        if (status) {
            srxi_diag_prefix(diag, "rates: process %d", p + 1);
            return status;
        }
    }
    status = check_background(&model->background_r1, "T1", diag);
    if (status)
        return status;
    return check_background(&model->background_r1rho, "T1rho", diag);
}

/* Background rate and its derivatives (amplitude, second parameter). */
static double background_eval(const srx_background *b, double temperature_k, double *d_amp,
                              double *d_second)
{
    double base, r;
    switch (b->kind) {
    case SRX_BACKGROUND_POWERLAW:
        base = pow(temperature_k, b->exponent);
        r = b->amplitude * base;
        *d_amp = base;
        *d_second = r * log(temperature_k);
        return r;
    case SRX_BACKGROUND_ARRHENIUS:
        base = exp(-b->ea_ev / (SRX_KB_EV_PER_K * temperature_k));
        r = b->amplitude * base;
        *d_amp = base;
        *d_second = -r / (SRX_KB_EV_PER_K * temperature_k);
        return r;
    default:
        *d_amp = 0.0;
        *d_second = 0.0;
        return 0.0;
    }
}

int srx_rates_eval(const srx_rate_model *model, srx_rate_kind kind, double temperature_k,
                   double larmor_hz, double spinlock_hz, double *rate_per_s, double *gradient,
                   srx_diag *diag)
{
    /* frequencies and weights of the J terms */
    double nu[3], w[3];
    int nterms, p, i, status;
    double kt, total = 0.0, d_amp, d_second;
    const srx_background *bg;

    if (!rate_per_s)
        return srxi_fail(diag, SRX_EINVAL, "rates: NULL argument");
    status = srx_rates_check_model(model, diag);
    if (status)
        return status;
    if (isnan(temperature_k) || isnan(larmor_hz) || (kind == SRX_RATE_R1RHO && isnan(spinlock_hz)))
        return srxi_fail(diag, SRX_EINVAL, "rates: NaN temperature or frequency");
    if (!(temperature_k > 0.0) || !srxi_isfinite(temperature_k))
        return srxi_fail(diag, SRX_EDOM, "rates: temperature_k = %g must be positive and finite",
                         temperature_k);
    if (!(larmor_hz > 0.0) || !srxi_isfinite(larmor_hz))
        return srxi_fail(diag, SRX_EDOM, "rates: larmor_hz = %g must be positive and finite",
                         larmor_hz);
    if (kind == SRX_RATE_R1) {
        nu[0] = larmor_hz;
        w[0] = 1.0;
        nu[1] = 2.0 * larmor_hz;
        w[1] = 4.0;
        nterms = 2;
        bg = &model->background_r1;
    } else if (kind == SRX_RATE_R1RHO) {
        if (!(spinlock_hz > 0.0) || !srxi_isfinite(spinlock_hz))
            return srxi_fail(diag, SRX_EDOM,
                             "rates: spinlock_hz = %g must be positive and finite for T1rho",
                             spinlock_hz);
        nu[0] = 2.0 * spinlock_hz;
        w[0] = 1.5;
        nu[1] = larmor_hz;
        w[1] = 2.5;
        nu[2] = 2.0 * larmor_hz;
        w[2] = 1.0;
        nterms = 3;
        bg = &model->background_r1rho;
    } else {
        return srxi_fail(diag, SRX_EINVAL, "rates: unknown rate kind %d", (int)kind);
    }

    if (gradient)
        memset(gradient, 0, SRX_RATES_NPARAM * sizeof *gradient);
    kt = SRX_KB_EV_PER_K * temperature_k;
    for (p = 0; p < model->n_processes; p++) {
        const srx_process *q = &model->process[p];
        double ln_tau = log(q->tau0_s) + q->ea_ev / kt;
        double shape = q->kind == SRX_SPECTRAL_GAUSS_EA ? q->shape / kt : q->shape;
        double sum = 0.0, sum_dlt = 0.0, sum_dsh = 0.0, r;
        for (i = 0; i < nterms; i++) {
            double j, dlt, dsh;
            status = srx_spectral_j_deriv(q->kind, nu[i], ln_tau, shape, &j, &dlt, &dsh, diag);
            if (status) {
                srxi_diag_prefix(diag, "rates: process %d at %g K", p + 1, temperature_k);
                return status;
            }
            sum += w[i] * j;
            sum_dlt += w[i] * dlt;
            sum_dsh += w[i] * dsh;
        }
        r = q->coupling_per_s2 * sum;
        total += r;
        if (gradient) {
            gradient[SRX_RATES_P_EA(p)] = q->coupling_per_s2 * sum_dlt / kt;
            gradient[SRX_RATES_P_TAU0(p)] = q->coupling_per_s2 * sum_dlt / q->tau0_s;
            gradient[SRX_RATES_P_SHAPE(p)] = q->coupling_per_s2 * sum_dsh *
                                             (q->kind == SRX_SPECTRAL_GAUSS_EA ? 1.0 / kt : 1.0);
            gradient[SRX_RATES_P_COUPLING(p)] = sum;
        }
    }
    total += background_eval(bg, temperature_k, &d_amp, &d_second);
    if (gradient) {
        int base = kind == SRX_RATE_R1 ? SRX_RATES_P_BG_R1_AMPLITUDE : SRX_RATES_P_BG_R1RHO_AMPLITUDE;
        gradient[base] = d_amp;
        gradient[base + 1] = d_second;
    }
    if (!srxi_isfinite(total))
        return srxi_fail(diag, SRX_ERANGE, "rates: rate at %g K is not finite", temperature_k);
    *rate_per_s = total;
    return SRX_OK;
}

int srx_rates_r1(const srx_rate_model *model, double temperature_k, double larmor_hz,
                 double *r1_per_s, srx_diag *diag)
{
    return srx_rates_eval(model, SRX_RATE_R1, temperature_k, larmor_hz, 0.0, r1_per_s, NULL, diag);
}

int srx_rates_r1rho(const srx_rate_model *model, double temperature_k, double larmor_hz,
                    double spinlock_hz, double *r1rho_per_s, srx_diag *diag)
{
    return srx_rates_eval(model, SRX_RATE_R1RHO, temperature_k, larmor_hz, spinlock_hz,
                          r1rho_per_s, NULL, diag);
}

static int check_nonneg(double x, const char *name, srx_diag *diag)
{
    if (isnan(x))
        return srxi_fail(diag, SRX_EINVAL, "rates: %s is NaN", name);
    if (!(x >= 0.0) || !srxi_isfinite(x))
        return srxi_fail(diag, SRX_EDOM, "rates: %s = %g must be >= 0 and finite", name, x);
    return SRX_OK;
}

static int check_eta(double eta, srx_diag *diag)
{
    if (isnan(eta))
        return srxi_fail(diag, SRX_EINVAL, "rates: eta is NaN");
    if (!(eta >= 0.0 && eta <= 1.0))
        return srxi_fail(diag, SRX_EDOM, "rates: eta = %g outside [0, 1]", eta);
    return SRX_OK;
}

int srx_rates_coupling_from_m2(double m2_rad2_per_s2, double *coupling_per_s2, srx_diag *diag)
{
    int status = check_nonneg(m2_rad2_per_s2, "m2_rad2_per_s2", diag);
    if (status)
        return status;
    if (!coupling_per_s2)
        return srxi_fail(diag, SRX_EINVAL, "rates: NULL argument");
    *coupling_per_s2 = 2.0 / 3.0 * m2_rad2_per_s2;
    return SRX_OK;
}

int srx_rates_m2_from_coupling(double coupling_per_s2, double *m2_rad2_per_s2, srx_diag *diag)
{
    int status = check_nonneg(coupling_per_s2, "coupling_per_s2", diag);
    if (status)
        return status;
    if (!m2_rad2_per_s2)
        return srxi_fail(diag, SRX_EINVAL, "rates: NULL argument");
    *m2_rad2_per_s2 = 1.5 * coupling_per_s2;
    return SRX_OK;
}

int srx_rates_coupling_from_cq(double cq_hz, double eta, double *coupling_per_s2, srx_diag *diag)
{
    int status;
    if (isnan(cq_hz) || !srxi_isfinite(cq_hz))
        return srxi_fail(diag, SRX_EINVAL, "rates: cq_hz = %g must be finite", cq_hz);
    status = check_eta(eta, diag);
    if (status)
        return status;
    if (!coupling_per_s2)
        return srxi_fail(diag, SRX_EINVAL, "rates: NULL argument");
    *coupling_per_s2 = 2.0 * SRXI_PI * SRXI_PI / 25.0 * (1.0 + eta * eta / 3.0) * cq_hz * cq_hz;
    return SRX_OK;
}

int srx_rates_cq_from_coupling(double coupling_per_s2, double eta, double *cq_hz, srx_diag *diag)
{
    int status = check_nonneg(coupling_per_s2, "coupling_per_s2", diag);
    if (status)
        return status;
    status = check_eta(eta, diag);
    if (status)
        return status;
    if (!cq_hz)
        return srxi_fail(diag, SRX_EINVAL, "rates: NULL argument");
    *cq_hz = sqrt(coupling_per_s2 * 25.0 / (2.0 * SRXI_PI * SRXI_PI * (1.0 + eta * eta / 3.0)));
    return SRX_OK;
}

/* ------------------------------------------------------------ maximum */

#define TMAX_SCAN 512

typedef struct tmax_ctx {
    const srx_rate_model *m;
    srx_rate_kind kind;
    double nu0, nu1;
} tmax_ctx;

/* -ln R at T = 1/x; a large finite value where the rate is not usable
 * (GSL's minimiser must only see finite values) */
static double neg_ln_rate(double x, void *p)
{
    const tmax_ctx *c = p;
    double r;
    if (!(x > 0.0) || srx_rates_eval(c->m, c->kind, 1.0 / x, c->nu0, c->nu1, &r, NULL, NULL) ||
        !(r > 0.0) || !srxi_isfinite(r))
        return 1e300;
    return -log(r);
}

int srx_rates_maximum(const srx_rate_model *model, srx_rate_kind kind, double larmor_hz,
                      double spinlock_hz, double tmin_k, double tmax_k, const double *covariance,
                      double *t_max_k, double *t_max_err_k, double *rate_max_per_s,
                      srx_diag *diag)
{
    tmax_ctx c = {model, kind, larmor_hz, spinlock_hz};
    double xs[TMAX_SCAN], fs[TMAX_SCAN], x, t, r;
    int i, best = 0, st;
    if (!model || !t_max_k)
        return srxi_fail(diag, SRX_EINVAL, "rates maximum: NULL argument");
    if (!srxi_isfinite(tmin_k) || !srxi_isfinite(tmax_k) || !(tmin_k > 0.0) || !(tmax_k > tmin_k))
        return srxi_fail(diag, SRX_EINVAL, "rates maximum: the interval [%g, %g] K must satisfy "
                         "0 < tmin < tmax", tmin_k, tmax_k);
    /* the model and frequencies, checked once at the interval's ends */
    if ((st = srx_rates_eval(model, kind, tmin_k, larmor_hz, spinlock_hz, &r, NULL, diag)) ||
        (st = srx_rates_eval(model, kind, tmax_k, larmor_hz, spinlock_hz, &r, NULL, diag)))
        return st;
    for (i = 0; i < TMAX_SCAN; i++) {
        xs[i] = 1.0 / tmax_k + (1.0 / tmin_k - 1.0 / tmax_k) * i / (TMAX_SCAN - 1.0);
        fs[i] = neg_ln_rate(xs[i], &c);
        if (fs[i] < fs[best])
            best = i;
    }
    if (best == 0 || best == TMAX_SCAN - 1)
        return srxi_fail(diag, SRX_ENODATA, "rates maximum: no maximum inside [%g, %g] K: the "
                         "rate is largest at %g K", tmin_k, tmax_k, 1.0 / xs[best]);
    x = xs[best];
    if (fs[best - 1] > fs[best] && fs[best + 1] > fs[best]) {
        /* Brent between the neighbours, which bracket the minimum of -ln R */
        gsl_function f = {neg_ln_rate, &c};
        gsl_min_fminimizer *s = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
        int it;
        if (!s)
            return srxi_fail(diag, SRX_ENOMEM, "rates maximum: out of memory");
        gsl_min_fminimizer_set_with_values(s, &f, xs[best], fs[best], xs[best - 1], fs[best - 1],
                                           xs[best + 1], fs[best + 1]);
        for (it = 0; it < 100; it++) {
            if (gsl_min_fminimizer_iterate(s) != GSL_SUCCESS)
                break;
            if (gsl_min_test_interval(gsl_min_fminimizer_x_lower(s),
                                      gsl_min_fminimizer_x_upper(s), 0.0, 1e-11) == GSL_SUCCESS)
                break;
        }
        x = gsl_min_fminimizer_x_minimum(s);
        gsl_min_fminimizer_free(s);
    }
    t = 1.0 / x;
    *t_max_k = t;
    if (rate_max_per_s &&
        (st = srx_rates_eval(model, kind, t, larmor_hz, spinlock_hz, rate_max_per_s, NULL, diag)))
        return st;
    if (t_max_err_k) {
        double gp[SRX_RATES_NPARAM], gm[SRX_RATES_NPARAM], rp, rm, r0, h = 2e-4 * t, d2, var = 0.0;
        double dt[SRX_RATES_NPARAM];
        int j, k;
        *t_max_err_k = 0.0;
        if (!covariance)
            return SRX_OK;
        for (j = 0; j < SRX_RATES_NPARAM * SRX_RATES_NPARAM; j++)
            if (!srxi_isfinite(covariance[j]))
                return srxi_fail(diag, SRX_EINVAL, "rates maximum: covariance[%d] is not finite",
                                 j);
        if ((st = srx_rates_eval(model, kind, t + h, larmor_hz, spinlock_hz, &rp, gp, diag)) ||
            (st = srx_rates_eval(model, kind, t - h, larmor_hz, spinlock_hz, &rm, gm, diag)) ||
            (st = srx_rates_eval(model, kind, t, larmor_hz, spinlock_hz, &r0, NULL, diag)))
            return st;
        d2 = (log(rp) - 2.0 * log(r0) + log(rm)) / (h * h);
        if (!(d2 < 0.0))
            return srxi_fail(diag, SRX_ENODATA, "rates maximum: the peak at %g K is too flat to "
                             "locate (d2 ln R / dT2 = %g)", t, d2);
        for (j = 0; j < SRX_RATES_NPARAM; j++)
            dt[j] = -((gp[j] / rp - gm[j] / rm) / (2.0 * h)) / d2;
        for (j = 0; j < SRX_RATES_NPARAM; j++)
            for (k = 0; k < SRX_RATES_NPARAM; k++)
                var += dt[j] * covariance[j * SRX_RATES_NPARAM + k] * dt[k];
        *t_max_err_k = sqrt(fmax(var, 0.0));
    }
    return SRX_OK;
}
