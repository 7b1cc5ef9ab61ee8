/**
 * @file spinrelax/lineshape_fit.h
 * @brief Fit a quadrupolar powder line shape (one site: Cq, eta, isotropic
 *        shift; or a Czjzek distribution of width sigma) with Gaussian and/or
 *        Lorentzian broadening, amplitude and optional constant baseline to a
 *        measured spectrum, through the shared least-squares engine
 *        (spinrelax/fit.h).
 *
 * **Model.**  y(nu) = amplitude * [g * S](nu) + baseline, with S the powder
 * line shape of spinrelax/lineshape.h (unit total area, 1/Hz; static, MAS at
 * infinite speed, or at a finite speed given in the options), g the Voigt
 * kernel of Gaussian FWHM gb_hz and Lorentzian FWHM lb_hz (bin integrals of
 * each, convolved through FFTW), `amplitude` the area of the whole line in
 * intensity units times Hz.
 *
 * **Axis.**  frequency_hz[] (offsets from the carrier, Hz) may be ascending
 * or descending and need not be uniform; it must be finite and strictly
 * monotonic.  The model is simulated on an internal uniform grid that
 * contains every data frequency plus a margin of 1/8 of the span on each
 * side (so that broadening near the ends sees the intensity beyond them),
 * and is linearly interpolated at each data frequency.  For a uniform axis
 * (every point within 1 % of a spacing of the uniform grid through its
 * ends) the grid points are the data points: no interpolation at all.
 * Otherwise the grid spacing is a quarter of the smallest data spacing (at
 * most 2^20 points), which keeps the interpolation error (~ h^2 f''/8) 16
 * times below that of interpolating at the data's own spacing; resampling
 * the data instead would correlate the noise and bias chi2.  Nothing
 * depends on the order of the points.
 *
 * **Orientations.**  Iterations use a coarse ASG set (relative accuracy
 * `iter_accuracy`, default 1e-2: fast and smooth, since tent binning makes
 * the spectrum a continuous function of the parameters); the best fit is
 * then polished, and its covariance formed, with the accurate set
 * (`accuracy`, default 1e-3), so the reported values and uncertainties
 * belong to the accurate model.  One simulator object per set, allocated
 * once with the fit object and reused for every evaluation.
 *
 * **Starting values** (unless given): for each eta of a small grid
 * (`n_eta_starts`, spread over [0.05, 0.95]) a reference pattern (Cq_ref,
 * shift 0) is simulated; since the second-order central-transition pattern
 * scales exactly as nuQ^2 / nu0 (so as Cq^2), Cq = Cq_ref sqrt(w_data /
 * w_ref) with w the 10 %..90 % width of the cumulative intensity; the shift
 * is the data's median frequency minus the reference's (shift-equivariant,
 * so the isotropic quadrupolar shift is taken into account); the
 * amplitude (and baseline) come from linear least squares at fixed shape.
 * Each start is fitted on the coarse set and the one with the lowest chi2
 * is polished.  For the Czjzek model sigma is started in the same way.
 *
 * **Uncertainties.**  With per-point sigma the covariance is (J^T W J)^-1;
 * without it, (J^T J)^-1 chi2 / dof (scaled by the reduced chi-square),
 * as the engine does.
 *
 * One fit object, one thread at a time.
 */
#ifndef SPINRELAX_LINESHAPE_FIT_H
#define SPINRELAX_LINESHAPE_FIT_H

#include <stddef.h>

#include "spinrelax/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Broadening flags for #srx_lineshape_fit_options.broadening. */
#define SRX_LSFIT_GAUSSIAN 1u   /**< fit a Gaussian FWHM gb_hz */
#define SRX_LSFIT_LORENTZIAN 2u /**< fit a Lorentzian FWHM lb_hz */

/** Fewest data points accepted by srx_lineshape_fit_alloc(). */
#define SRX_LSFIT_MIN_POINTS 16

/** Site models. */
typedef enum srx_lineshape_fit_site {
    SRX_LSFIT_SITE = 0,  /**< one site: Cq, eta, shift */
    SRX_LSFIT_CZJZEK = 1 /**< Czjzek distribution of (Cq, eta) of width sigma, shift */
} srx_lineshape_fit_site;

/**
 * @brief What to fit and how.  Initialise with srx_lineshape_fit_options_init().
 *
 * Start values: NaN (the default) means "automatic".  A start value
 * combined with the matching `fix_` flag keeps that parameter fixed.
 */
typedef struct srx_lineshape_fit_options {
    double spin;            /**< nuclear spin I (half-integer >= 3/2 for the central transition) */
    double larmor_hz;       /**< Larmor frequency nu0, Hz (> 0) */
    double rotor_angle_rad; /**< 0: static (default); SRX_MAGIC_ANGLE_RAD: MAS */
    double spinning_hz;     /**< rotation rate, Hz; 0 = infinitely fast (default) */
    int transitions;        /**< #srx_lineshape_transitions (default central) */
    int site_model;         /**< #srx_lineshape_fit_site (default one site) */
    unsigned broadening;    /**< SRX_LSFIT_GAUSSIAN and/or SRX_LSFIT_LORENTZIAN (default Gaussian) */
    int fit_baseline;       /**< nonzero: also fit a constant baseline (default 0) */
    double accuracy;        /**< powder accuracy of the final model (default 1e-3) */
    double iter_accuracy;   /**< powder accuracy while iterating (default 1e-2) */
    int n_eta_starts;       /**< eta values tried as starts, 1..16 (default 4) */
    int max_iter;           /**< engine iterations per run (default 200) */
    double cq_hz_start;     /**< start Cq, Hz (NaN: automatic) */
    double eta_start;       /**< start eta (NaN: automatic) */
    double shift_hz_start;  /**< start isotropic shift, Hz (NaN: automatic) */
    double sigma_hz_start;  /**< start Czjzek sigma, Hz (NaN: automatic) */
    double gb_hz_start;     /**< start Gaussian FWHM, Hz (NaN: automatic) */
    double lb_hz_start;     /**< start Lorentzian FWHM, Hz (NaN: automatic) */
    int fix_eta;            /**< nonzero: keep eta at eta_start */
    int fix_shift;          /**< nonzero: keep shift at shift_hz_start */
} srx_lineshape_fit_options;

/** @brief Defaults listed in #srx_lineshape_fit_options (spin and larmor_hz 0: must be set). */
SRX_API void srx_lineshape_fit_options_init(srx_lineshape_fit_options *opts);

/**
 * @brief Best-fit values with standard uncertainties (0 for fixed or unused
 *        parameters; unused parameters have value NaN, e.g. sigma_hz of a
 *        one-site fit, cq_hz and eta of a Czjzek fit, lb_hz without
 *        SRX_LSFIT_LORENTZIAN).
 */
typedef struct srx_lineshape_fit_result {
    double cq_hz, cq_err_hz;         /**< quadrupole coupling constant, Hz */
    double eta, eta_err;             /**< EFG asymmetry */
    double shift_hz, shift_err_hz;   /**< isotropic shift (offset from the carrier), Hz */
    double sigma_hz, sigma_err_hz;   /**< Czjzek width, Hz */
    double gb_hz, gb_err_hz;         /**< Gaussian FWHM, Hz */
    double lb_hz, lb_err_hz;         /**< Lorentzian FWHM, Hz */
    double amplitude, amplitude_err; /**< line area, intensity units x Hz */
    double baseline, baseline_err;   /**< constant offset, intensity units (0 unless fitted) */
    double chi2;                     /**< weighted sum of squared residuals */
    double reduced_chi2;             /**< chi2 / dof */
    long dof;                        /**< n_points - free parameters */
    size_t n_points;                 /**< data points fitted */
    int n_free;                      /**< free parameters */
    int converged;                   /**< 1 when the final (accurate) run converged */
    int covariance_scaled;           /**< 1 without per-point sigma */
    int n_iter;                      /**< iterations of all runs together */
    int n_eval;                      /**< model evaluations of all runs together */
} srx_lineshape_fit_result;

/** Opaque fit object for one frequency axis and one set of options. */
typedef struct srx_lineshape_fit srx_lineshape_fit;

/**
 * @brief Allocate a fit object for a frequency axis: checks the options and
 *        the axis, builds the internal grid, both simulators, FFTW plans and
 *        the engine workspace.  The axis is copied.
 * @param frequency_hz [n] offsets from the carrier, Hz, strictly monotonic
 *                     (ascending or descending), finite
 * @param n            number of points (>= #SRX_LSFIT_MIN_POINTS)
 * @return #SRX_OK; #SRX_EINVAL (NULL, NaN or infinite value, unknown enum or
 *         flag); #SRX_EDOM (spin < 1 or not a multiple of 1/2, integer spin
 *         with the central transition, larmor_hz <= 0, accuracy, axis not strictly
 *         monotonic, ...; the message names the first offending point);
 *         #SRX_ENODATA (too few points); #SRX_ENOMEM.
 */
SRX_API int srx_lineshape_fit_alloc(const srx_lineshape_fit_options *opts,
                                    const double *frequency_hz, size_t n,
                                    srx_lineshape_fit **out, srx_diag *diag);

/** @brief Free a fit object (NULL is a no-op). */
SRX_API void srx_lineshape_fit_free(srx_lineshape_fit *fit);

/**
 * @brief Fit the intensities measured on the object's axis.
 * @param intensity [n] finite values, in the order of the axis
 * @param sigma     [n] standard uncertainties (> 0), or NULL (unknown noise:
 *                  the covariance is scaled by the reduced chi-square)
 * @param result    out: best fit (filled also on #SRX_ENOCONV and #SRX_ESINGULAR)
 * @return #SRX_OK; #SRX_ENOCONV (the final run did not converge; result
 *         filled, converged = 0); #SRX_ESINGULAR (values filled,
 *         uncertainties NaN); #SRX_EINVAL (NULL, NaN or infinite data,
 *         sigma <= 0: the message names the point); #SRX_EDOM (no line: the
 *         data have no positive area); #SRX_ENOMEM.
 */
SRX_API int srx_lineshape_fit_run(srx_lineshape_fit *fit, const double *intensity,
                                  const double *sigma, srx_lineshape_fit_result *result,
                                  srx_diag *diag);

/**
 * @brief Evaluate the model with the accurate orientation set at the values
 *        of `params` (cq_hz, eta, shift_hz, sigma_hz, gb_hz, lb_hz, amplitude,
 *        baseline; NaN broadening = 0, NaN baseline = 0) on the object's
 *        axis: model[n] in the axis order (for residuals and plots).
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EDOM (parameters out of range).
 */
SRX_API int srx_lineshape_fit_model(srx_lineshape_fit *fit, const srx_lineshape_fit_result *params,
                                    double *model, srx_diag *diag);

/**
 * @brief One-shot convenience: alloc, run, free.
 */
SRX_API int srx_lineshape_fit_spectrum(const srx_lineshape_fit_options *opts,
                                       const double *frequency_hz, const double *intensity,
                                       const double *sigma, size_t n,
                                       srx_lineshape_fit_result *result, srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_LINESHAPE_FIT_H */
