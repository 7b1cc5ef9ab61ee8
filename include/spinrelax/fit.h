/**
 * @file spinrelax/fit.h
 * @brief The one nonlinear least-squares engine of spinrelax: bounds,
 *        fixed and log-scaled parameters, weights, covariance.
 *
 * Every fit in the library (transients, Arrhenius flanks, global rate-peak
 * fits, conductivity kinks, line shapes, narrowing) goes through this
 * engine.  It minimises
 *
 *     chi2 = sum_i w_i (y_i - m_i(p))^2,   w_i = 1 / sigma_i^2  (or 1 without sigma)
 *
 * with a trust-region Levenberg-Marquardt method (GSL `multifit_nlinear`,
 * QR linear solver, More scaling; geodesic acceleration on request).
 *
 * **Parameters** (#srx_fit_param) are given and returned in natural units.
 * Internally each free parameter is mapped to an unconstrained variable u:
 * first q = ln p if `log_scale` is set (for parameters that span decades:
 * rates, tau0, K), otherwise q = p; then bounds on q are imposed by a smooth
 * one-to-one map:
 * - lower bound a only: q = a + exp(u) (open: p > a);
 * - upper bound b only: q = b - exp(u) (open: p < b);
 * - both: q = a + (b - a) (1 + sin u) / 2 (closed: a <= p <= b; the sine
 *   map of MINUIT, James and Roos 1975).  It reaches a and b at finite u,
 *   where it is stationary, so a parameter whose optimum lies beyond a bound
 *   converges onto the bound in a few iterations (an open map such as the
 *   logistic would creep towards it for tens of iterations).  A start value
 *   on a bound is moved inside by (b - a) * 2.5e-5 (at the bound itself the
 *   fit could not leave it);
 * - none: q = u.
 * Bounds are given on p itself; with `log_scale` a lower bound <= 0 means
 * "no lower bound" (p > 0 holds anyway).  A free start value must satisfy
 * its bounds (strictly for one-sided ones).
 * `fixed` parameters keep their value exactly and get uncertainty 0.
 *
 * **Model callback** (#srx_fit_model_fn): the engine hands the callback the
 * full parameter vector (natural units, fixed ones included) and asks for the
 * model values at all n points, and, if the callback declares an analytic
 * Jacobian, for d m_i / d p_j too.  Without one the engine uses finite
 * differences (forward differences while iterating, central differences for
 * the final covariance).
 *
 * **Shared parameters, global fits.**  The engine knows nothing about data
 * sets: a global fit concatenates its data sets into one y (and sigma) array
 * and the callback fills the model for every point from the one parameter
 * vector, using whatever bookkeeping it likes in `user` (an array of data-set
 * ids, offsets of each set, per-point frequencies and temperatures).  That is
 * the most general form (any parameter may be shared by any subset of the
 * data), costs nothing when there is only one set, and keeps the engine
 * simple; the callback is where the physics is anyway.
 *
 * **Covariance convention.**  At the solution the engine forms the weighted
 * Jacobian in natural units, J_ij = sqrt(w_i) d m_i / d p_j over the free
 * parameters, and
 * - with sigma given: cov = (J^T W J)^-1 (the sigmas are taken as absolute);
 * - without sigma: cov = (J^T J)^-1 * chi2 / dof (scaled by the reduced
 *   chi-square, `covariance_scaled` = 1 in the summary); with dof = 0 (as
 *   many points as free parameters) that scale, and so every uncertainty,
 *   is NaN.
 * This equals the covariance of the internal variables carried through the
 * transformations by the chain rule (dp/du on both sides), but it is
 * computed directly in natural units, so it stays finite for a parameter
 * that converged close to one of its bounds.  Rows and columns of fixed
 * parameters are 0.  Standard uncertainties are sqrt(diag(cov)).
 * The inverse is computed by a column-equilibrated Householder QR; if the
 * smallest |R_jj| (columns scaled to unit norm) is below `singular_tol` the
 * problem is singular (a parameter or combination not determined by the
 * data): the fitted values are returned, uncertainties and covariance are
 * NaN, `singular` is set in the summary and the call returns #SRX_ESINGULAR.
 *
 * **Speed.**  An #srx_fit object is allocated once for at most `max_points`
 * points and exactly `n_params` parameters and reused: srx_fit_run() never
 * allocates, except the first time it meets a new number of free
 * parameters (one GSL workspace per count of free parameters, kept for
 * later runs; srx_fit_reserve() does that ahead of time).  Fewer points than
 * `max_points` are handled by padding (zero residuals, zero Jacobian rows).
 *
 * **Errors.**  srx_fit_run() returns
 * - #SRX_OK: converged, uncertainties valid;
 * - #SRX_ENOCONV: `max_iter` reached or no further decrease possible before
 *   the tolerances were met; parameters, uncertainties and summary are still
 *   filled from the last iterate;
 * - #SRX_ESINGULAR: see above (values filled, uncertainties NaN);
 * - #SRX_EINVAL / #SRX_EDOM: bad arguments (NULL, NaN, Inf, bounds not
 *   ordered, start outside its bounds, log_scale with p <= 0, sigma <= 0);
 * - #SRX_ENODATA: fewer points than free parameters;
 * - #SRX_EDOM also when the model is not finite at the start values or its
 *   Jacobian is not finite at an accepted point.  A non-finite model at a
 *   trial point proposed during the iteration is not an error: the step is
 *   rejected and the trust region shrinks;
 * - any other code returned by the callback (the fit stops there).
 * GSL's error handler is never reached.
 *
 * One object, one thread at a time; different objects may run in parallel.
 */
#ifndef SPINRELAX_FIT_H
#define SPINRELAX_FIT_H

#include <stddef.h>

#include "spinrelax/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief One fit parameter: start value in, best value and uncertainty out. */
typedef struct srx_fit_param {
    double value;   /**< in: start value (free) or the fixed value; out: best fit (natural units) */
    double error;   /**< out: standard uncertainty (0 for fixed parameters, NaN if singular) */
    double lower;   /**< lower bound (used when has_lower) */
    double upper;   /**< upper bound (used when has_upper) */
    int has_lower;  /**< nonzero: impose value > lower */
    int has_upper;  /**< nonzero: impose value < upper */
    int fixed;      /**< nonzero: keep value, do not fit */
    int log_scale;  /**< nonzero: fit ln(value) internally (value must be > 0) */
} srx_fit_param;

/**
 * @brief Set a parameter to `value`, free, unbounded, linear scale,
 *        error 0.  NULL is ignored.
 */
SRX_API void srx_fit_param_init(srx_fit_param *param, double value);

/**
 * @brief Model callback.
 *
 * @param params    the full parameter vector (n_params values, natural units)
 * @param n_params  its length
 * @param n_points  number of data points of this run
 * @param model     out: model values m_i, i < n_points
 * @param jacobian  out, or NULL when only values are wanted: row-major
 *                  n_points x n_params, jacobian[i * n_params + j] =
 *                  d m_i / d params[j] (columns of fixed parameters may be
 *                  left untouched).  Never non-NULL unless the model was
 *                  declared with has_jacobian.
 * @param user      the model's user pointer
 * @return 0 on success; any nonzero srx status stops the fit with that code
 *         (non-finite values need no special return: the engine checks)
 */
typedef int (*srx_fit_model_fn)(const double *params, size_t n_params, size_t n_points,
                                double *model, double *jacobian, void *user);

/** @brief A model: callback, its user data, and whether it gives a Jacobian. */
typedef struct srx_fit_model {
    srx_fit_model_fn eval; /**< the callback (required) */
    void *user;            /**< passed through to eval */
    int has_jacobian;      /**< nonzero: eval fills the Jacobian; 0: finite differences */
} srx_fit_model;

/** @brief Tolerances and limits of one run (see srx_fit_options_init()). */
typedef struct srx_fit_options {
    int max_iter;        /**< maximum accepted iterations (default 200) */
    double xtol;         /**< step test: |du_j| <= xtol (|u_j| + xtol) for all free j (default 1e-10) */
    double gtol;         /**< gradient test: max_j |J_j . r| / (|J_j| |r|) <= gtol (default 1e-12) */
    double ftol;         /**< chi2 tests: the relative decrease of chi2 in an accepted step, or the one a further Gauss-Newton step would bring (the Newton decrement), <= ftol (default 1e-10: what remains is then ~1e-5 standard uncertainties per parameter) */
    double singular_tol; /**< smallest relative |R_jj| of the equilibrated QR (default 1e-10) */
    double fd_step;      /**< relative finite-difference step, 0 = default (sqrt(eps) iterating, eps^(1/3) for the covariance) */
} srx_fit_options;

/** @brief Fill `opts` with the defaults listed in #srx_fit_options (NULL ignored). */
SRX_API void srx_fit_options_init(srx_fit_options *opts);

/** @brief Summary of one run. */
typedef struct srx_fit_summary {
    double chi2;          /**< sum of weighted squared residuals at the solution */
    double reduced_chi2;  /**< chi2 / dof (NaN when dof = 0) */
    long dof;             /**< n_points - number of free parameters */
    int n_free;           /**< number of free parameters */
    int n_iter;           /**< accepted iterations */
    int n_eval;           /**< model evaluations (values, with or without Jacobian) */
    int converged;        /**< 1 when a convergence test was met */
    int covariance_scaled;/**< 1 when the covariance was scaled by chi2/dof (no sigma) */
    int singular;         /**< 1 when the covariance could not be formed (see header) */
    int weighted;         /**< 1 when sigma was given */
} srx_fit_summary;

/** Flag for srx_fit_alloc(): use Levenberg-Marquardt with geodesic
 *  acceleration (Transtrum and Sethna 2012; second directional derivative by
 *  finite differences, one more model evaluation per iteration).  Helps
 *  long narrow valleys (stretched exponentials, peak fits far from the
 *  solution); plain LM is faster on easy problems. */
#define SRX_FIT_GEODESIC 1u

/** Opaque fit object (workspaces for one problem size). */
typedef struct srx_fit srx_fit;

/**
 * @brief Allocate a fit object.
 * @param fit         out: the new object (NULL on failure)
 * @param max_points  most points a run will have (>= 1)
 * @param n_params    number of parameters, fixed ones included (>= 1)
 * @param flags       0 or #SRX_FIT_GEODESIC
 * @param diag        optional diagnostic
 * @return #SRX_OK, #SRX_EINVAL (NULL out, zero sizes, unknown flag),
 *         #SRX_ENODATA (max_points < n_params), #SRX_ENOMEM
 */
SRX_API int srx_fit_alloc(srx_fit **fit, size_t max_points, size_t n_params, unsigned flags,
                          srx_diag *diag);

/** @brief Free a fit object (NULL is a no-op). */
SRX_API void srx_fit_free(srx_fit *fit);

/**
 * @brief Allocate, ahead of time, the workspace for runs with `n_free` free
 *        parameters (1 <= n_free <= n_params), so that srx_fit_run() never
 *        allocates.  The all-free workspace is made by srx_fit_alloc().
 * @return #SRX_OK, #SRX_EINVAL, #SRX_ENOMEM
 */
SRX_API int srx_fit_reserve(srx_fit *fit, size_t n_free, srx_diag *diag);

/**
 * @brief Run one fit.
 *
 * @param fit        the object (sizes from srx_fit_alloc())
 * @param model      the model (callback required)
 * @param n_points   number of data points, n_free <= n_points <= max_points
 * @param y          data values [n_points] (finite)
 * @param sigma      standard uncertainties [n_points] (> 0, finite), or NULL
 *                   for an unweighted fit
 * @param params     [n_params] in: start values, bounds, flags; out: best
 *                   values and standard uncertainties (see header for the
 *                   covariance convention)
 * @param opts       tolerances, NULL for the defaults
 * @param summary    out, may be NULL
 * @param covariance out, may be NULL: row-major n_params x n_params in
 *                   natural units (0 in rows/columns of fixed parameters)
 * @param diag       optional diagnostic
 * @return see the header: #SRX_OK, #SRX_ENOCONV, #SRX_ESINGULAR,
 *         #SRX_EINVAL, #SRX_EDOM, #SRX_ENODATA, #SRX_ENOMEM, or the
 *         callback's code.  On #SRX_ENOCONV and #SRX_ESINGULAR params and
 *         summary are filled; on other errors params are left unchanged.
 */
SRX_API int srx_fit_run(srx_fit *fit, const srx_fit_model *model, size_t n_points,
                        const double *y, const double *sigma, srx_fit_param *params,
                        const srx_fit_options *opts, srx_fit_summary *summary,
                        double *covariance, srx_diag *diag);

/** @brief Largest number of points of a run with this object (0 for NULL). */
SRX_API size_t srx_fit_max_points(const srx_fit *fit);

/** @brief Number of parameters of this object (0 for NULL). */
SRX_API size_t srx_fit_n_params(const srx_fit *fit);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_FIT_H */
