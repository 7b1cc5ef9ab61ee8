/**
 * @file spinrelax/transient.h
 * @brief Magnetization transients: models with analytic derivatives and
 *        per-series fits that report the relaxation rate R = 1/T.
 *
 * Models (physics.md section 4), with E(t) the relaxation function:
 *
 *     saturation_recovery:  M(t) = M0 [1 - E(t)]        + c
 *     inversion_recovery:   M(t) = M0 [1 - 2 f E(t)]    + c
 *     spin_lock:            M(t) = M0 E(t)              + c
 *     longitudinal_decay:   M(t) = M0 E(t)              + c
 *
 * and three relaxation functions (#srx_transient_shape):
 * - mono-exponential: E = exp(-t R);
 * - stretched: E = exp(-(t R)^gamma), 0 < gamma <= 1 fitted (Kohlrausch);
 * - spin-3/2 bi-exponential (Hubbard, J. Chem. Phys. 53 (1970) 985; exact
 *   for a spin 3/2 with quadrupolar relaxation outside extreme narrowing):
 *   E = 0.2 exp(-R_a t) + 0.8 exp(-R_b t), with R_a = 2 W1 (`rate_per_s`)
 *   and R_b = 2 W2 (`rate2_per_s`) both fitted.  With R_a = R_b the two are
 *   not separately determined (the fit then reports #SRX_ESINGULAR).
 *
 * The offset c is fitted only on request (#srx_transient_options), else 0.
 * The inversion factor f (~1) is fitted for inversion recovery without an
 * offset; with an offset f is fixed at 1, because M0 (1 - 2 f E) + c and
 * M0' (1 - 2 E) + c' are the same family of curves (M0' = f M0,
 * c' = c + (1 - f) M0): f would not be determined.  For the other
 * experiments f is 1 and unused.
 *
 * **Fitted quantities.**  The rate R (not T) is the parameter, fitted as
 * ln R (the engine's log_scale, see fit.h), so any rate from 1e-3 to 1e6
 * s^-1 and beyond fits alike; gamma is bounded to [0.05, 1] (the engine's
 * sine map: a fit whose data want gamma > 1 ends at gamma = 1, with the
 * uncertainty of an unconstrained gamma there; a transient with gamma <
 * 0.05 would spread its decay from E = 0.9 to 0.1 over more than 25
 * decades of time, which no delay list resolves), f to [0, 2] (without
 * a bound a huge f times a vanishing E is a degenerate direction for series
 * without early delays); M0 and c are free.
 * Standard uncertainties come from the covariance of srx_fit_run(): with
 * sigma given, (J^T W J)^-1; without sigma, scaled by the reduced
 * chi-square (`covariance_scaled` = 1).  Fixed or unused parameters report
 * an uncertainty of 0.
 *
 * **Starting values** are automatic.  The delays are sorted (a copy; any
 * order, repeats and t = 0 allowed).  A first guess of R is where the
 * signal, normalised between the means of its earliest and latest eighth,
 * first crosses 1/e (interpolated in ln t), or 1 / (geometric mean of the
 * positive delays) if it never does.  For a trial rate the linear
 * parameters (M0, c, f M0) have a closed-form least-squares solution, so the
 * chi-square profile over ln R is scanned from the guess in factors of 2
 * until a minimum is bracketed (within [1e-3 / t_max, 1e3 / t_min], t_min
 * the smallest positive delay) and refined by a parabola.  For the
 * stretched model gamma and R first come from a straight line through
 * ln(-ln e(t)) against ln t, e the signal normalised by the linear
 * parameters at the first guess (points with 0.05 < e < 0.95; gamma clamped
 * to [0.25, 0.95]), and the scan then runs with that gamma.  The
 * bi-exponential starts from the mono-exponential R as R_a = 2 R,
 * R_b = 0.75 R (equal rates are a saddle point).
 *
 * **Not relaxing within the delays (#SRX_ENORELAX).**  After the fit, let
 * t_max be the largest delay and t_min the smallest positive delay.  The
 * series is rejected when E(t_max) > 0.95 (less than 5 % of the relaxation
 * happens within the longest delay: R is then set by the slope of an almost
 * flat line) or when E(t_min) < 0.05 (every nonzero delay already sits on
 * the plateau: only a lower bound on R exists).  The fitted values are still
 * returned.  A constant nonzero signal is rejected the same way before any
 * fit.
 *
 * **Bad input**, each with a diagnostic naming the reason:
 * fewer than 3 points (#SRX_ENODATA), fewer distinct delays than free
 * parameters (#SRX_ENODATA), NULL pointers or NaN/Inf in delays, signal or
 * sigma (#SRX_EINVAL), n larger than the fitter was allocated for, i.e. a
 * length mismatch between the caller's arrays and the object (#SRX_EINVAL),
 * a negative delay or a sigma <= 0 (#SRX_EDOM), a signal that is zero
 * everywhere (#SRX_EDOM), unknown experiment or shape (#SRX_EINVAL).
 * Array lengths cannot be checked against each other through a pointer:
 * the caller (file reader) checks that delay, signal and sigma have equal
 * length before calling.
 */
#ifndef SPINRELAX_TRANSIENT_H
#define SPINRELAX_TRANSIENT_H

#include <stddef.h>

#include "spinrelax/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Kind of experiment (names as in the data format). */
typedef enum srx_experiment {
    SRX_EXPERIMENT_SATURATION_RECOVERY = 0, /**< "saturation_recovery": M0 [1 - E] */
    SRX_EXPERIMENT_INVERSION_RECOVERY = 1,  /**< "inversion_recovery": M0 [1 - 2 f E] */
    SRX_EXPERIMENT_SPIN_LOCK = 2,           /**< "spin_lock": M0 E (rate is 1/T1rho) */
    SRX_EXPERIMENT_LONGITUDINAL_DECAY = 3   /**< "longitudinal_decay": M0 E (rate is 1/T1) */
} srx_experiment;

/** Number of experiments in #srx_experiment. */
#define SRX_EXPERIMENT_COUNT 4

/**
 * @brief Name of an experiment exactly as in the data format
 *        (`saturation_recovery`, ...); NULL for an unknown value.
 */
SRX_API const char *srx_transient_experiment_name(srx_experiment experiment);

/**
 * @brief Parse an experiment name (exact, case-sensitive, as in the data
 *        format).
 * @return #SRX_OK, #SRX_EINVAL (NULL), #SRX_ENOTFOUND (unknown name)
 */
SRX_API int srx_transient_experiment_parse(const char *name, srx_experiment *experiment,
                                           srx_diag *diag);

/** @brief Relaxation function E(t). */
typedef enum srx_transient_shape {
    SRX_TRANSIENT_EXPONENTIAL = 0, /**< exp(-t R) (gamma = 1) */
    SRX_TRANSIENT_STRETCHED = 1,   /**< exp(-(t R)^gamma), gamma fitted in [0.05, 1] */
    SRX_TRANSIENT_BIEXP_SPIN32 = 2 /**< 0.2 exp(-R t) + 0.8 exp(-R2 t) (Hubbard 1970) */
} srx_transient_shape;

/** @brief Model choice of a fit. */
typedef struct srx_transient_options {
    srx_transient_shape shape; /**< relaxation function (default stretched) */
    int offset;                /**< nonzero: fit a constant offset c (default 0) */
} srx_transient_options;

/** @brief Defaults: stretched, no offset (NULL ignored). */
SRX_API void srx_transient_options_init(srx_transient_options *options);

/** Indices of the parameter vector used by srx_transient_eval(). */
enum srx_transient_param_index {
    SRX_TRANSIENT_P_AMPLITUDE = 0, /**< M0, signal units */
    SRX_TRANSIENT_P_RATE = 1,      /**< R (or R_a = 2 W1), s^-1, > 0 */
    SRX_TRANSIENT_P_STRETCH = 2,   /**< gamma, (0, 1] (stretched only) */
    SRX_TRANSIENT_P_INVERSION = 3, /**< f (inversion recovery only) */
    SRX_TRANSIENT_P_OFFSET = 4,    /**< c, signal units */
    SRX_TRANSIENT_P_RATE2 = 5      /**< R_b = 2 W2, s^-1, > 0 (bi-exponential only) */
};
/** Length of the parameter vector of srx_transient_eval(). */
#define SRX_TRANSIENT_NPARAM 6

/**
 * @brief Evaluate a transient model and, optionally, its derivatives.
 *
 * @param experiment experiment
 * @param shape      relaxation function
 * @param params     [#SRX_TRANSIENT_NPARAM] indexed by #srx_transient_param_index;
 *                   entries a model does not use are ignored
 * @param delays_s   [n] delays t >= 0, s
 * @param n          number of delays
 * @param signal     out [n]: M(t_i)
 * @param jacobian   out, or NULL: row-major n x #SRX_TRANSIENT_NPARAM,
 *                   d M(t_i) / d params[j] (0 for parameters the model does
 *                   not use; d/d gamma is 0 at t = 0)
 * @param diag       optional diagnostic
 * @return #SRX_OK, #SRX_EINVAL (NULL, NaN, unknown enum), #SRX_EDOM
 *         (negative delay, R <= 0, gamma outside (0, 1])
 */
SRX_API int srx_transient_eval(srx_experiment experiment, srx_transient_shape shape,
                               const double *params, const double *delays_s, size_t n,
                               double *signal, double *jacobian, srx_diag *diag);

/** @brief Result of one transient fit (plain data). */
typedef struct srx_transient_result {
    double rate_per_s;      /**< R = 1/T (bi-exponential: R_a = 2 W1, weight 0.2) */
    double rate_err_per_s;  /**< its standard uncertainty */
    double rate2_per_s;     /**< bi-exponential: R_b = 2 W2 (weight 0.8); else equal to rate_per_s */
    double rate2_err_per_s; /**< its standard uncertainty (0 unless bi-exponential) */
    double stretch;         /**< gamma (1 unless stretched) */
    double stretch_err;     /**< its standard uncertainty (0 when fixed) */
    double amplitude;       /**< M0, signal units */
    double amplitude_err;   /**< its standard uncertainty */
    double offset;          /**< c (0 when not fitted) */
    double offset_err;      /**< its standard uncertainty (0 when not fitted) */
    double inversion;       /**< f (1 when not fitted) */
    double inversion_err;   /**< its standard uncertainty (0 when not fitted) */
    double chi2;            /**< sum of (weighted) squared residuals */
    double reduced_chi2;    /**< chi2 / dof (NaN when dof = 0) */
    long dof;               /**< n - number of fitted parameters */
    int n_iter;             /**< iterations of the engine */
    int converged;          /**< 1 when the engine converged */
    int covariance_scaled;  /**< 1 when uncertainties were scaled by reduced_chi2 (no sigma) */
    int status;             /**< the status returned by the fit call */
} srx_transient_result;

/** Opaque reusable fitter: fits many series without allocating. */
typedef struct srx_transient_fitter srx_transient_fitter;

/**
 * @brief Allocate a fitter for series of at most `max_points` points.
 *
 * A series with fewer points is fitted with padding, at the cost of the
 * full size: size the fitter to the series you have.
 * @return #SRX_OK, #SRX_EINVAL (NULL out, max_points < 3), #SRX_ENOMEM
 */
SRX_API int srx_transient_fitter_alloc(srx_transient_fitter **fitter, size_t max_points,
                                       srx_diag *diag);

/** @brief Free a fitter (NULL is a no-op). */
SRX_API void srx_transient_fitter_free(srx_transient_fitter *fitter);

/**
 * @brief Fit one series.  Never allocates.
 *
 * @param fitter     a fitter with max_points >= n
 * @param delays_s   [n] delays (s, >= 0, any order, repeats allowed)
 * @param signal     [n] signal (any unit)
 * @param sigma      [n] standard uncertainties of the signal (> 0), or NULL
 *                   for an unweighted fit
 * @param n          number of points (>= 3)
 * @param experiment experiment
 * @param options    model choice, NULL for the defaults (stretched, no offset)
 * @param result     out: always written when non-NULL (status copied in it);
 *                   on argument errors the numbers are NaN
 * @param diag       optional diagnostic
 * @return #SRX_OK; #SRX_ENOCONV or #SRX_ESINGULAR (result filled, see
 *         fit.h); #SRX_ENORELAX (result filled); or an input error (see
 *         the header)
 */
SRX_API int srx_transient_fitter_run(srx_transient_fitter *fitter, const double *delays_s,
                                     const double *signal, const double *sigma, size_t n,
                                     srx_experiment experiment,
                                     const srx_transient_options *options,
                                     srx_transient_result *result, srx_diag *diag);

/**
 * @brief One-shot fit: allocates a fitter for n points, fits, frees.
 *        Arguments and return as srx_transient_fitter_run().
 */
SRX_API int srx_transient_fit(const double *delays_s, const double *signal, const double *sigma,
                              size_t n, srx_experiment experiment,
                              const srx_transient_options *options, srx_transient_result *result,
                              srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_TRANSIENT_H */
