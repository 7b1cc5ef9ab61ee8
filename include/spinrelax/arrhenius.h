/**
 * @file spinrelax/arrhenius.h
 * @brief Activation energies from rates and conductivities: Arrhenius
 *        flanks, global rate-peak fits of T1 and T1rho data, single and
 *        kinked conductivity Arrhenius fits.
 *
 * Every fit goes through the library's least-squares engine (fit.h).
 * Inputs are plain caller-owned arrays; outputs are plain structs whose
 * field names match the JSON keys of the CLI (docs/cli.md): fit-flank,
 * fit-peak, fit-arrhenius.  Physics: physics.md sections 1-3 and 5.
 *
 * **Sign convention of flanks.**  A flank is a straight line
 * ln R = ln A - s Ea / (kB T), s = +1 on a low-temperature flank (R rises
 * with T, R ~ exp(-Ea/kB T)) and s = -1 on a high-temperature flank
 * (R ~ exp(+Ea/kB T)).  `ea_ev` is reported positive on both flanks (it
 * is negative only when the data slope the "wrong" way for the side asked
 * for); `side` tells which flank it is.  The prefactor A is the rate
 * extrapolated to 1/T = 0 (s^-1).
 *
 * **Why log-space residuals for peak fits.**  Rates of a diffusion peak
 * span several decades and their transient-fit uncertainties are roughly
 * proportional to the rate.  Residuals r_i = ln R_obs - ln R_model with
 * sigma_i = rate_err_i / rate_i (the first-order uncertainty of ln R) give
 * each decade equal weight, make the flanks straight lines (the Jacobian
 * of Ea is nearly constant there, so Levenberg-Marquardt converges from
 * rough starts), and are the likelihood of multiplicative (log-normal)
 * noise.  A linear-space fit would let the few largest rates near the
 * maximum decide everything and ignore the flanks that carry Ea.
 */
#ifndef SPINRELAX_ARRHENIUS_H
#define SPINRELAX_ARRHENIUS_H

#include <stddef.h>

#include "spinrelax/common.h"
#include "spinrelax/rates.h"
#include "spinrelax/spectral.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================= */
/** @name Flanks
 * @{ */

/** @brief Which flank of a rate peak. */
typedef enum srx_flank_side {
    SRX_FLANK_LOW_T = 0,  /**< low-temperature flank, R ~ exp(-Ea/kB T) (rate rises with T) */
    SRX_FLANK_HIGH_T = 1  /**< high-temperature flank, R ~ exp(+Ea/kB T) (rate falls with T) */
} srx_flank_side;

/** @brief Result of a straight-line fit of ln R against 1/T. */
typedef struct srx_flank_result {
    double ea_ev;               /**< activation energy, positive on the flank named by `side` */
    double ea_err_ev;           /**< its standard uncertainty */
    double prefactor_per_s;     /**< A of R = A exp(-/+ Ea/kB T) (rate at 1/T -> 0) */
    double prefactor_err_per_s; /**< u(A) = A u(ln A) (first order) */
    double ln_prefactor;        /**< ln(A / s^-1) */
    double ln_prefactor_err;    /**< u(ln A) */
    double correlation;         /**< correlation coefficient of Ea and ln A */
    double tmin_k;              /**< lowest temperature of the points used */
    double tmax_k;              /**< highest temperature of the points used */
    int n_points;               /**< number of points used */
    long dof;                   /**< n_points - 2 */
    double chi2;                /**< weighted (or unweighted) sum of squared ln R residuals */
    double reduced_chi2;        /**< chi2 / dof (NaN when dof = 0) */
    int weighted;               /**< 1 when rate errors were given */
    int covariance_scaled;      /**< 1 when uncertainties were scaled by chi2/dof (no errors) */
    srx_flank_side side;        /**< which flank: sign convention of ea_ev */
    int auto_range;             /**< 1 when the range was chosen by srx_arrhenius_find_flank() */
} srx_flank_result;

/**
 * @brief Fit ln R = ln A - s Ea/(kB T) over tmin_k <= T <= tmax_k.
 *
 * Weighted by sigma(ln R) = rate_err/rate when `rate_err_per_s` is given
 * (absolute: covariance (J^T W J)^-1); otherwise unweighted with the
 * covariance scaled by chi2/dof.
 * @param n               number of points (any order)
 * @param temperature_k   T in K (> 0, finite) [n]
 * @param rate_per_s      R in s^-1 (> 0, finite) [n]
 * @param rate_err_per_s  standard uncertainties (> 0) [n], or NULL
 * @param tmin_k, tmax_k  inclusive range (tmin_k <= tmax_k; pass 0 and
 *                        INFINITY for all points)
 * @param side            sign convention of the reported Ea
 * @param result          out
 * @return #SRX_OK, #SRX_EINVAL (NULL, NaN), #SRX_EDOM (T, R or errors not
 *         positive, range reversed), #SRX_ENODATA (fewer than 2 points in
 *         range; 3 without errors), #SRX_ESINGULAR (all T equal)
 */
SRX_API int srx_arrhenius_fit_flank(size_t n, const double *temperature_k,
                                    const double *rate_per_s, const double *rate_err_per_s,
                                    double tmin_k, double tmax_k, srx_flank_side side,
                                    srx_flank_result *result, srx_diag *diag);

/**
 * @brief Find the straight flank on one side of the rate maximum and fit it.
 *
 * Algorithm (a search over all windows, robust to a background on the far
 * side and to the curvature near the peak top):
 * 1. Sort by T; the points of the flank are those on the requested side of
 *    the largest rate (the maximum itself is never used).  The noise level
 *    is sigma(ln R) = rate_err/rate, or without errors a robust estimate
 *    from second differences of ln R along T (median |d2| / (0.6745 sqrt 6)).
 * 2. Seed: among all windows of w consecutive points (m = points on that
 *    side; w = m/8, at least 5, at most m/2, at least 3), the one with the
 *    steepest slope toward the maximum (the fallback of step 3).
 *    Background (on the far side) and the rounding of the top both make
 *    the local slope shallower, so the steepest part is the flank.
 * 3. Window: of all windows of at least w consecutive points that are
 *    straight (chi2 upper-tail probability > 0.01; adding a quadratic term
 *    lowers chi2 by less than 4, quadratic plus cubic by less than 6), the
 *    one with the largest lower bound Ea - 0.5 u(Ea).  Background and the
 *    rounding of the top both bend the flank to smaller slopes, so a longer
 *    window trades bias for precision; maximising the bound stops where one
 *    more point adds more bias than precision, keeping the bias at about
 *    the reported uncertainty.  The steepest w-point window (the seed) is
 *    the fallback when no window passes.
 * 4. Final weighted straight-line fit (srx_arrhenius_fit_flank()) over the
 *    temperature range of the window; tmin_k and tmax_k report it.  Without
 *    rate errors the weights come from the noise level of step 1 (absolute,
 *    `weighted` = 0, `covariance_scaled` = 0).
 * A flank energy from a straight line is an apparent energy: where the
 * curve's slope approaches its asymptote only gradually (broad asymmetric
 * peaks) it is biased low by about one reported uncertainty.
 * @param side  #SRX_FLANK_LOW_T (the CLI's default) or #SRX_FLANK_HIGH_T
 * @return as srx_arrhenius_fit_flank(); #SRX_ENODATA when fewer than 3
 *         points lie on that side of the maximum
 */
SRX_API int srx_arrhenius_find_flank(size_t n, const double *temperature_k,
                                     const double *rate_per_s, const double *rate_err_per_s,
                                     srx_flank_side side, srx_flank_result *result,
                                     srx_diag *diag);
/** @} */

/* ======================================================================= */
/** @name Global rate-peak fit
 * @{ */

/** @brief A set of measured rates (plain arrays of length n, caller-owned). */
typedef struct srx_rate_data {
    size_t n;                      /**< number of rates */
    const srx_rate_kind *kind;     /**< #SRX_RATE_R1 or #SRX_RATE_R1RHO per point */
    const double *temperature_k;   /**< T in K (> 0) */
    const double *larmor_hz;       /**< nu0 in Hz (> 0) */
    const double *spinlock_hz;     /**< nu1 in Hz (> 0 for T1rho points; may be NULL without T1rho) */
    const double *rate_per_s;      /**< R in s^-1 (> 0) */
    const double *rate_err_per_s;  /**< u(R) in s^-1 (> 0), or NULL: unweighted, covariance scaled */
} srx_rate_data;

/**
 * @brief Constraint on one parameter of the global fit, indexed like the
 *        gradient of srx_rates_eval() (SRX_RATES_P_EA(p) etc.).
 */
typedef struct srx_peakfit_constraint {
    int fixed;      /**< nonzero: keep at `value` */
    int has_guess;  /**< nonzero: start from `value` instead of the automatic start */
    double value;   /**< fixed value or start value (natural units) */
    int has_lower;  /**< nonzero: value > lower */
    int has_upper;  /**< nonzero: value < upper */
    double lower;   /**< lower bound (natural units) */
    double upper;   /**< upper bound (natural units) */
} srx_peakfit_constraint;

/** @brief Options of a global peak fit (srx_peakfit_options_init() sets defaults). */
typedef struct srx_peakfit_options {
    srx_spectral_kind model;         /**< spectral density of every process (default asymmetric) */
    int mixed_models;                /**< nonzero: process p uses process_model[p] instead of `model` */
    srx_spectral_kind process_model[SRX_MAX_PROCESSES]; /**< per-process models when mixed_models */
    int n_processes;                 /**< 1 .. #SRX_MAX_PROCESSES (default 1) */
    srx_background_kind background;  /**< per frame with data: none, power law (default) or Arrhenius */
    srx_peakfit_constraint constraint[SRX_RATES_NPARAM]; /**< fixed values, guesses, bounds (default none) */
    int n_bootstrap;                 /**< residual-bootstrap resamples (default 0: none) */
    unsigned long seed;              /**< RNG seed of the bootstrap (default 12345; deterministic) */
    int profile_ea;                  /**< nonzero: profile-likelihood interval of each process's Ea (default 0) */
    int max_starts;                  /**< most start points fully refined (default 4; 1 = single start) */
    int max_iter;                    /**< iteration limit per refinement (default 200) */
} srx_peakfit_options;

/** @brief Set the defaults listed in #srx_peakfit_options (NULL ignored). */
SRX_API void srx_peakfit_options_init(srx_peakfit_options *opts);

/** @brief One fitted process, named like the JSON keys of fit-peak. */
typedef struct srx_peakfit_process {
    double ea_ev;                /**< Ea (high-T flank slope for asymmetric / CD) */
    double ea_err_ev;            /**< u(Ea) from the covariance */
    double tau0_s;               /**< tau0 */
    double tau0_err_s;           /**< u(tau0) */
    double beta;                 /**< shape: beta, eps, alpha or sigma_E in eV; 1 (BPP) where none */
    double beta_err;             /**< u(shape), 0 when fixed or none */
    double coupling_per_s2;      /**< K */
    double coupling_err_per_s2;  /**< u(K) */
    double ea_tau0_correlation;  /**< correlation coefficient of Ea and ln tau0 */
    double flank_low_ea_ev;      /**< apparent energy of the low-T flank: (beta - 1) Ea (asymmetric),
                                      eps Ea (Cole-Davidson), alpha Ea (Cole-Cole), Ea (BPP, gauss-ea mean) */
    double flank_low_ea_err_ev;  /**< its uncertainty (from the covariance of Ea and the shape) */
    double ea_boot_err_ev;       /**< bootstrap standard deviation of Ea (NaN without bootstrap) */
    double ea_profile_lower_ev;  /**< profile-likelihood 68.3 % interval, lower end (NaN if not asked / not found) */
    double ea_profile_upper_ev;  /**< upper end (NaN if not asked or a refit failed; INFINITY, or 0
                                      for the lower end, when chi2 does not rise enough within (0, 10) eV) */
} srx_peakfit_process;

/** @brief Fitted background of one frame. */
typedef struct srx_peakfit_background {
    srx_background_kind kind; /**< none when the frame had no data or no background was asked */
    double amplitude;         /**< A (s^-1 K^-n or s^-1) */
    double amplitude_err;     /**< u(A) */
    double second;            /**< exponent n (power law) or ea_ev (Arrhenius) */
    double second_err;        /**< its uncertainty */
} srx_peakfit_background;

/** @brief Result of a global peak fit. */
typedef struct srx_peakfit_result {
    srx_rate_model model;                  /**< the best-fit model (evaluate it with srx_rates_eval()) */
    srx_peakfit_process process[SRX_MAX_PROCESSES]; /**< per process, first model.n_processes used */
    srx_peakfit_background background_r1;  /**< T1 background */
    srx_peakfit_background background_r1rho; /**< T1rho background */
    double error[SRX_RATES_NPARAM];        /**< all standard uncertainties (gradient layout) */
    double covariance[SRX_RATES_NPARAM * SRX_RATES_NPARAM]; /**< row-major, natural units; 0 for fixed/unused */
    double boot_error[SRX_RATES_NPARAM];   /**< bootstrap standard deviations (NaN without bootstrap) */
    double chi2;                           /**< sum of squared (weighted) log residuals */
    double reduced_chi2;                   /**< chi2 / dof */
    long dof;                              /**< n_points - n_free */
    int n_points;                          /**< number of rates fitted */
    int n_free;                            /**< free parameters */
    double aic;                            /**< n ln(chi2/n) + 2 k (k = n_free), Gaussian likelihood up to a constant */
    double bic;                            /**< n ln(chi2/n) + k ln n */
    int converged;                         /**< 1 when the best refinement converged */
    int covariance_scaled;                 /**< 1 when scaled by chi2/dof (no rate errors) */
    int singular;                          /**< 1 when the covariance could not be formed (errors NaN) */
    int n_starts;                          /**< start points examined */
    int n_refined;                         /**< start points refined to convergence */
    int n_bootstrap;                       /**< bootstrap resamples that converged */
} srx_peakfit_result;

/** Opaque workspace of global peak fits for up to `max_points` rates. */
typedef struct srx_peakfit srx_peakfit;

/**
 * @brief Allocate a peak-fit workspace (the fit engine's objects and all
 *        scratch arrays) for data sets of at most max_points rates.
 * @return #SRX_OK, #SRX_EINVAL, #SRX_ENOMEM
 */
SRX_API int srx_peakfit_alloc(srx_peakfit **pf, size_t max_points, srx_diag *diag);

/** @brief Free a workspace (NULL is a no-op). */
SRX_API void srx_peakfit_free(srx_peakfit *pf);

/**
 * @brief One global fit of all T1 and T1rho rates sharing the motional
 *        parameters of 1 to 3 processes, plus one background per frame.
 *
 * Residuals ln R_obs - ln R_model, sigma = rate_err/rate (see the file
 * comment).  Parameters: Ea in [0, 5] eV (linear), tau0 and K on log
 * scale, the shape in the model's domain (asymmetric [1.001, 2],
 * Cole-Davidson and Cole-Cole [0.001, 1], gauss-ea [0, 1] eV; BPP: none),
 * background amplitude on log scale, power-law exponent in [-2, 12],
 * Arrhenius background energy in [0, 2] eV (the engine's two-sided bounds
 * are closed: a shape may converge onto its Lorentzian limit).
 * User constraints (fixed values, guesses, bounds) override these.
 *
 * Starting values are automatic (make_starts() in lib/arrhenius.c): each
 * (kind, frequency) group of rates gives its maximum (a parabola in ln R
 * versus 1/T through the largest rate and its neighbours) and the steepest
 * 3-point slope of each flank; for a trial shape the position of the
 * maximum in units of omega tau is found numerically from the model (grid
 * and golden section; for BPP T1 it is omega0 tau = 0.6158, physics.md),
 * giving tau at the peak temperature, and K follows from the height (the
 * model with K = 1 matched to the largest rate: for BPP T1 at the maximum
 * R = 1.4252 K / omega0).  Ea comes from two
 * peaks at different frequencies when available, otherwise from the flank
 * slopes through the model's flank relations ((beta - 1) Ea on the
 * low-T side of the asymmetric model, eps Ea for Cole-Davidson, ...).
 * Without an interior maximum (flank-only data) the peak is placed at
 * several temperatures beyond the window.  Multi-start: a grid of shapes,
 * peak placements, background levels and, for several processes,
 * assignments of the extra processes (a second peak above or below, a
 * shallower or steeper flank); every candidate's chi2 is evaluated and
 * the best `max_starts` are refined, the lowest chi2 wins.
 *
 * Uncertainties: covariance of the engine (absolute with rate errors,
 * scaled without).  The low-T flank energy (`flank_low_ea_ev`) gets its
 * uncertainty from the covariance recomputed with that energy as a
 * parameter (no cancellation when Ea and the shape are nearly degenerate,
 * as on flank-only data).  Optionally a residual bootstrap (n_bootstrap
 * resamples of the standardized log residuals, gsl mt19937 seeded with
 * `seed`, refit from the best fit) and the profile-likelihood interval of
 * each Ea (Ea fixed on a bracket, the rest refitted; ends where chi2 rises
 * by 1, times the reduced chi2 when unweighted).
 *
 * @param pf    workspace with max_points >= data->n
 * @param data  the rates (at least n_free + 1 points)
 * @param opts  options, NULL for the defaults
 * @param result out (filled also on #SRX_ENOCONV and #SRX_ESINGULAR)
 * @return #SRX_OK; #SRX_ENOCONV (best refinement hit its limits; result
 *         filled, converged = 0); #SRX_ESINGULAR (parameters not all
 *         determined, values filled, errors NaN); #SRX_EINVAL, #SRX_EDOM
 *         (bad data or options); #SRX_ENODATA (too few rates); #SRX_ENOMEM
 */
SRX_API int srx_peakfit_run(srx_peakfit *pf, const srx_rate_data *data,
                            const srx_peakfit_options *opts, srx_peakfit_result *result,
                            srx_diag *diag);

/** @brief srx_peakfit_alloc() + srx_peakfit_run() + srx_peakfit_free() in one call. */
SRX_API int srx_arrhenius_fit_peak(const srx_rate_data *data, const srx_peakfit_options *opts,
                                   srx_peakfit_result *result, srx_diag *diag);
/** @} */

/* ======================================================================= */
/** @name Conductivity
 * @{ */

/** @brief Result of an Arrhenius fit of sigma T (single regime or kink). */
typedef struct srx_conductivity_result {
    int kink;                   /**< 0: single regime (ea_ev valid); 1: two regimes */
    double ea_ev;               /**< single regime: Ea of sigma T = A exp(-Ea/kB T) */
    double ea_err_ev;           /**< its uncertainty */
    double prefactor_s_k_per_m; /**< A in S K / m (single regime; for a kink: A of the low-T regime) */
    double prefactor_err_s_k_per_m; /**< u(A) */
    double ea_low_ev;           /**< kink: Ea below the crossover */
    double ea_low_err_ev;       /**< its uncertainty */
    double ea_high_ev;          /**< kink: Ea above the crossover */
    double ea_high_err_ev;      /**< its uncertainty */
    double crossover_k;         /**< kink: crossover temperature Tc */
    double crossover_err_k;     /**< its uncertainty */
    double ngai_n;              /**< kink: 1 - ea_high/ea_low when 0 < ea_high <= ea_low, else NaN */
    double chi2;                /**< sum of squared (weighted) ln(sigma T) residuals */
    double reduced_chi2;        /**< chi2 / dof */
    long dof;                   /**< n - free parameters */
    int n_points;               /**< points used */
    int converged;              /**< 1 when the fit converged */
    int covariance_scaled;      /**< 1 when scaled by chi2/dof (no errors) */
    /** The fitted parameters of ln(sigma T / (S K/m)) versus x = 1/T:
     *  single regime: ln A, Ea (eV) (entries 2, 3 unused, 0); kink: y_c =
     *  ln(sigma T) at the crossover, Ea_low, Ea_high (eV), x_c = 1/Tc (1/K),
     *  with y = y_c - (Ea_high/kB)(x - x_c) - ((Ea_low - Ea_high)/kB)
     *  h ln(1 + exp((x - x_c)/h)), h = hinge_width_per_k. */
    double param[4];
    double covariance[16];      /**< covariance of param, row-major 4 x 4 */
    double hinge_width_per_k;   /**< kink: the hinge's softening width h in 1/T (1/K); 0 single */
} srx_conductivity_result;

/**
 * @brief Single-regime fit of ln(sigma T) = ln A - Ea/(kB T).
 * @param n                  number of points (>= 2 with errors, >= 3 without)
 * @param temperature_k      T in K (> 0) [n]
 * @param conductivity_s_per_m sigma_DC in S/m (> 0) [n]
 * @param conductivity_err_s_per_m u(sigma) (> 0) [n] or NULL (unweighted, scaled covariance)
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EDOM, #SRX_ENODATA, #SRX_ESINGULAR
 */
SRX_API int srx_arrhenius_fit_conductivity(size_t n, const double *temperature_k,
                                           const double *conductivity_s_per_m,
                                           const double *conductivity_err_s_per_m,
                                           srx_conductivity_result *result, srx_diag *diag);

/**
 * @brief Two-regime fit: ln(sigma T) continuous and piecewise linear in
 *        1/T, slope -Ea_low/kB below Tc and -Ea_high/kB above, Tc fitted.
 *
 * Parameters ln(sigma T) at Tc, Ea_low, Ea_high, x_c = 1/Tc, fitted by the
 * engine with a smoothed kink (hinge softened over a width far below the
 * point spacing, so the Jacobian of x_c exists) from starts at every
 * interior break between data points (the best chi2 wins).  u(Tc) = Tc^2
 * u(x_c).  At least 2 points must lie on each side of Tc.
 * @return as srx_arrhenius_fit_conductivity(); #SRX_ENODATA below 5
 *         points (6 without errors); #SRX_ENOCONV (result filled)
 */
SRX_API int srx_arrhenius_fit_kink(size_t n, const double *temperature_k,
                                   const double *conductivity_s_per_m,
                                   const double *conductivity_err_s_per_m,
                                   srx_conductivity_result *result, srx_diag *diag);

/**
 * @brief The fitted conductivity at a temperature, with its standard
 *        uncertainty: sigma = exp(y(1/T)) / T from the result's parameters,
 *        u(sigma) = sigma sqrt(g^T C g), g = dy/dparam, C the result's
 *        covariance (first order; for the kink the crossover's uncertainty
 *        is included).  Extrapolation beyond the fitted temperatures is
 *        allowed and the uncertainty grows accordingly.
 * @param result          a result of srx_arrhenius_fit_conductivity() or srx_arrhenius_fit_kink()
 * @param temperature_k   T in K (> 0, finite)
 * @param sigma_s_per_m   receives sigma in S/m
 * @param sigma_err_s_per_m NULL, or receives u(sigma) in S/m
 * @return #SRX_OK, #SRX_EINVAL (NULL, T <= 0, a result with non-finite parameters).
 */
SRX_API int srx_arrhenius_conductivity_at(const srx_conductivity_result *result,
                                          double temperature_k, double *sigma_s_per_m,
                                          double *sigma_err_s_per_m, srx_diag *diag);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_ARRHENIUS_H */
