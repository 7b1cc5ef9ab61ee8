/**
 * @file spinrelax/narrowing.h
 * @brief Motional narrowing of an NMR line: Kubo-Anderson line shapes, their
 *        width versus temperature, the Hendrickson-Bray and Waugh-Fedin
 *        expressions, and the width of a measured spectrum.
 *
 * Physics (physics.md section 7).  A spin whose frequency fluctuates as a
 * Gaussian random process with second moment M2 (rad^2/s^2) and exponential
 * correlation time tau has the Kubo-Anderson free induction decay
 *
 *     G(t) = exp(-M2 tau^2 (exp(-t/tau) - 1 + t/tau))
 *
 * (R. Kubo, K. Tomita, J. Phys. Soc. Jpn. 9 (1954) 888; P. W. Anderson,
 * J. Phys. Soc. Jpn. 9 (1954) 316; A. Abragam, The Principles of Nuclear
 * Magnetism (1961), ch. X).  The spectrum is the Fourier transform
 * S(nu) = integral over all t of G(|t|) exp(-2 pi i nu t) dt, a symmetric line
 * of unit area (S in 1/Hz).  Limits: tau -> infinity gives a Gaussian of FWHM
 * 2 sqrt(2 ln 2 M2) / (2 pi) Hz; tau -> 0 a Lorentzian of FWHM M2 tau / pi Hz.
 *
 * Numerics.  G is sampled on t_j = j dt and transformed with an FFTW DCT-I
 * (the trapezoidal rule, which by Poisson summation gives the spectrum
 * periodised with period 1/dt); the width is then refined by evaluating the
 * same trigonometric sum exactly at arbitrary frequencies (Clenshaw
 * recurrence) and root-finding the half-height crossing, so it carries no
 * bin error.  dt and the length are chosen per call from M2, tau and the
 * broadening, so that the user never chooses them:
 * - the length is where G (times the apodization) has decayed below 1e-13
 *   (no truncation error; zero-filled to a power of two);
 * - the spectral span 1/dt is at least 20 times the estimated FWHM
 *   (min of the rigid and narrowed limits) for the Gaussian core, and large
 *   enough that the alias of the wings, S(nu) ~ W_L / (2 pi nu^2
 *   (1 + (2 pi nu tau)^2)) with W_L = M2 tau / pi, is as small as for a
 *   pure Lorentzian sampled over 400 FWHMs: (pi/400)^2 / 12 = 5e-6 of the
 *   peak, which moves the width by about 5e-6 relative;
 * - the transform has at least 8 bins per FWHM of the narrowest component
 *   (only used to bracket the crossing).
 * A single component then needs at most about 4000 samples at any tau.
 * Halving dt or doubling the length changes the width by less than 1e-4
 * relative (in practice 4e-6) from rigid to fully narrowed, and the widths
 * agree with an independent adaptive quadrature of the cosine transform to
 * better than 1e-6 (tests/test_narrowing.c checks both).  The computation
 * runs in units of sqrt(M2) (an exact rescaling), so M2 may take any
 * magnitude; M2 tau^2 below about 1e-280 gives #SRX_ERANGE.
 *
 * Threads: an #srx_narrowing object is used by one thread at a time; several
 * objects may be used in parallel (FFTW's planner is made thread-safe).
 */
#ifndef SPINRELAX_NARROWING_H
#define SPINRELAX_NARROWING_H

#include "spinrelax/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Maximum number of components of a line. */
#define SRX_NARROWING_MAX_COMPONENTS 4

/** Default largest transform length of an object (samples of G). */
#define SRX_NARROWING_DEFAULT_MAX_POINTS ((size_t)1 << 20)

/** Waugh-Fedin constant: Ea ~ 1.617e-3 eV/K times the onset temperature. */
#define SRX_NARROWING_WAUGH_FEDIN_EV_PER_K 1.617e-3

/** Default fraction for srx_narrowing_onset_k() (see there). */
#define SRX_NARROWING_ONSET_FRACTION 0.1

/**
 * @brief One motional component of a line: a fraction of the spins with its
 *        own rigid second moment and Arrhenius motion.
 */
typedef struct srx_narrowing_component {
    double fraction;       /**< relative population (>= 0); the fractions of a line are normalised to sum 1 */
    double m2_rad2_per_s2; /**< rigid-lattice second moment M2 in rad^2/s^2 (> 0) */
    double ea_ev;          /**< activation energy in eV (finite; used by the temperature forms) */
    double tau0_s;         /**< Arrhenius prefactor in s (> 0; used by the temperature forms) */
} srx_narrowing_component;

/**
 * @brief A line: one or more components plus broadening common to all.
 *
 * Broadening multiplies the FID (convolution of the spectrum):
 * residual and Gaussian apodization by exp(-(pi W t)^2 / (4 ln 2)) with
 * W^2 = residual_fwhm_hz^2 + gb_hz^2 (a Gaussian of FWHM W), Lorentzian
 * apodization by exp(-pi lb_hz t) (a Lorentzian of FWHM lb_hz).
 */
typedef struct srx_narrowing_line {
    size_t n_components; /**< 1 .. #SRX_NARROWING_MAX_COMPONENTS */
    srx_narrowing_component component[SRX_NARROWING_MAX_COMPONENTS]; /**< the components */
    double residual_fwhm_hz; /**< inhomogeneous residual width (Gaussian FWHM, Hz, >= 0) */
    double lb_hz;            /**< Lorentzian apodization FWHM in Hz (>= 0) */
    double gb_hz;            /**< Gaussian apodization FWHM in Hz (>= 0) */
} srx_narrowing_line;

/** @brief Opaque simulation workspace (FFTW plans and buffers). */
typedef struct srx_narrowing srx_narrowing;

/**
 * @brief Initialise a line to one component (fraction 1, M2 = 0, which is
 *        invalid until set; Ea 0; tau0 1 s) and no broadening.
 */
SRX_API void srx_narrowing_line_init(srx_narrowing_line *line);

/**
 * @brief Allocate a workspace: buffers for up to max_points samples of G and
 *        FFTW plans (FFTW_ESTIMATE) for the power-of-two lengths up to 2^14,
 *        enough for any single-component line.  A longer transform (only
 *        multi-component lines of very different widths need one) is
 *        planned by the first call that needs it, once, and then reused.
 * @param max_points largest transform (0: #SRX_NARROWING_DEFAULT_MAX_POINTS;
 *                   otherwise 1024 .. 2^26); memory is about 16 bytes per point
 * @param nw         receives the object (free with srx_narrowing_free())
 * @return #SRX_OK, #SRX_EINVAL (NULL nw, max_points out of range), #SRX_ENOMEM.
 */
SRX_API int srx_narrowing_alloc(size_t max_points, srx_narrowing **nw, srx_diag *diag);

/** @brief Free a workspace (NULL is a no-op). */
SRX_API void srx_narrowing_free(srx_narrowing *nw);

/**
 * @brief FWHM of the Kubo-Anderson line of one component for a given tau.
 * @param m2_rad2_per_s2 second moment (> 0, finite)
 * @param tau_s          correlation time (> 0; +INFINITY is the rigid line)
 * @param fwhm_hz        receives the full width at half maximum in Hz
 * @return #SRX_OK, #SRX_EINVAL (NULL, NaN, sign), #SRX_ERANGE (the line
 *         needs more points than the object holds; a single component needs
 *         at most about 4000 for any tau, so this happens only for
 *         multi-component lines, see srx_narrowing_line_fwhm()).
 */
SRX_API int srx_narrowing_fwhm(srx_narrowing *nw, double m2_rad2_per_s2, double tau_s,
                               double *fwhm_hz, srx_diag *diag);

/**
 * @brief As srx_narrowing_fwhm() with tau = tau0 exp(Ea / kB T)
 *        (srx_spectral_tau_s(); a tau beyond the double range is the rigid line).
 * @return as srx_narrowing_fwhm(), plus #SRX_EDOM for T <= 0 or tau0 <= 0.
 */
SRX_API int srx_narrowing_fwhm_at_t(srx_narrowing *nw, double m2_rad2_per_s2, double ea_ev,
                                    double tau0_s, double temperature_k, double *fwhm_hz,
                                    srx_diag *diag);

/**
 * @brief Check a line description.
 * @return #SRX_OK, #SRX_EINVAL (NULL, NaN, Inf, negative values, bad
 *         n_components, all fractions 0) or #SRX_EDOM (tau0 <= 0).
 */
SRX_API int srx_narrowing_line_check(const srx_narrowing_line *line, srx_diag *diag);

/**
 * @brief FWHM of a (multi-component, broadened) line for given correlation times.
 *
 * The FWHM is the distance between the outermost half-height crossings of
 * the line (its maximum is at 0 Hz for every unimodal line; otherwise the
 * true maximum is located first).
 * @param tau_s  one correlation time per component (> 0; +INFINITY = rigid)
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EDOM, #SRX_ERANGE when the components'
 *         widths are so different that the transform would need more than
 *         the object's max_points.
 */
SRX_API int srx_narrowing_line_fwhm(srx_narrowing *nw, const srx_narrowing_line *line,
                                    const double *tau_s, double *fwhm_hz, srx_diag *diag);

/** @brief srx_narrowing_line_fwhm() at temperature T (each component's Arrhenius tau). */
SRX_API int srx_narrowing_line_fwhm_at_t(srx_narrowing *nw, const srx_narrowing_line *line,
                                         double temperature_k, double *fwhm_hz, srx_diag *diag);

/**
 * @brief Line width at each of n temperatures in one call (no allocation).
 * @param temperature_k n temperatures in K (> 0, any order)
 * @param fwhm_hz       receives n widths in Hz
 * @return as srx_narrowing_line_fwhm(); on error the diag names the index.
 */
SRX_API int srx_narrowing_line_series(srx_narrowing *nw, const srx_narrowing_line *line, size_t n,
                                      const double *temperature_k, double *fwhm_hz,
                                      srx_diag *diag);

/**
 * @brief The line shape S(nu) (unit area, 1/Hz) at n given frequencies for
 *        given correlation times, and optionally its FWHM.
 * @param tau_s        one correlation time per component
 * @param frequency_hz n frequencies in Hz (any order; the line is centred at 0)
 * @param intensity    receives S at those frequencies in 1/Hz
 * @param fwhm_hz      receives the FWHM in Hz (may be NULL)
 * @return as srx_narrowing_line_fwhm().
 */
SRX_API int srx_narrowing_line_spectrum(srx_narrowing *nw, const srx_narrowing_line *line,
                                        const double *tau_s, size_t n, const double *frequency_hz,
                                        double *intensity, double *fwhm_hz, srx_diag *diag);

/** @brief srx_narrowing_line_spectrum() at temperature T (each component's Arrhenius tau). */
SRX_API int srx_narrowing_line_spectrum_at_t(srx_narrowing *nw, const srx_narrowing_line *line,
                                             double temperature_k, size_t n,
                                             const double *frequency_hz, double *intensity,
                                             double *fwhm_hz, srx_diag *diag);

/**
 * @brief The Kubo-Anderson FID G(t) of one component (no broadening).
 * @param tau_s  > 0, +INFINITY gives exp(-M2 t^2 / 2)
 * @param time_s t >= 0
 * @return #SRX_OK or #SRX_EINVAL.
 */
SRX_API int srx_narrowing_fid(double m2_rad2_per_s2, double tau_s, double time_s, double *g,
                              srx_diag *diag);

/** @brief Rigid (tau -> infinity) Gaussian FWHM 2 sqrt(2 ln 2 M2) / (2 pi) in Hz (NaN for M2 < 0 or NaN). */
SRX_API double srx_narrowing_rigid_fwhm_hz(double m2_rad2_per_s2);

/** @brief Second moment in rad^2/s^2 of a rigid Gaussian line of the given FWHM in Hz (inverse of srx_narrowing_rigid_fwhm_hz()). */
SRX_API double srx_narrowing_m2_from_rigid_fwhm(double fwhm_hz);

/** @brief Fully narrowed (tau -> 0) Lorentzian FWHM M2 tau / pi in Hz (NaN for bad input). */
SRX_API double srx_narrowing_narrowed_fwhm_hz(double m2_rad2_per_s2, double tau_s);

/**
 * @brief Parameters of the Hendrickson-Bray expression.
 *
 * dnu(T) = dnu_R [1 + (dnu_R / B - 1) exp(-Ea / kB T)]^-1 + D
 * (J. R. Hendrickson, P. J. Bray, J. Magn. Reson. 9 (1973) 341, in the form
 * usually quoted in the ion-conductor literature): width dnu_R + D when
 * rigid (T -> 0), B + D at high temperature.
 */
typedef struct srx_narrowing_hb {
    double rigid_fwhm_hz;    /**< dnu_R, the rigid width in Hz (> 0) */
    double narrowed_fwhm_hz; /**< B, the high-temperature end in Hz (> 0) */
    double residual_fwhm_hz; /**< D, a residual width in Hz (finite) */
    double ea_ev;            /**< Ea in eV (>= 0) */
} srx_narrowing_hb;

/** Indices of the Hendrickson-Bray parameters in the gradient. */
enum {
    SRX_NARROWING_HB_RIGID = 0,    /**< d/d dnu_R */
    SRX_NARROWING_HB_NARROWED = 1, /**< d/d B */
    SRX_NARROWING_HB_RESIDUAL = 2, /**< d/d D */
    SRX_NARROWING_HB_EA = 3,       /**< d/d Ea (per eV) */
    SRX_NARROWING_HB_NPARAMS = 4
};

/**
 * @brief Hendrickson-Bray width at T and its analytic gradient.
 * @param gradient  receives d(dnu)/d(parameter) in the order of the
 *                  SRX_NARROWING_HB_* indices (units Hz/Hz and Hz/eV); may be NULL
 * @return #SRX_OK, #SRX_EINVAL (NULL, NaN, Inf), #SRX_EDOM (widths <= 0,
 *         Ea < 0, T <= 0).
 */
SRX_API int srx_narrowing_hb_fwhm(const srx_narrowing_hb *hb, double temperature_k,
                                  double *fwhm_hz, double *gradient, srx_diag *diag);

/**
 * @brief Waugh-Fedin estimate Ea = 1.617e-3 eV/K * T_onset
 *        (J. S. Waugh, E. I. Fedin, Sov. Phys. Solid State 4 (1963) 1633).
 * @return #SRX_OK, #SRX_EINVAL (NULL, NaN), #SRX_EDOM (T <= 0 or infinite).
 */
SRX_API int srx_narrowing_waugh_fedin_ea_ev(double onset_k, double *ea_ev, srx_diag *diag);

/**
 * @brief Onset temperature of narrowing from a width-versus-T curve.
 *
 * Convention: the onset is the lowest temperature at which the width has
 * dropped by `fraction` of the way from the rigid to the narrowed width,
 * i.e. where fwhm(T) = W_R - fraction (W_R - W_N), found by linear
 * interpolation in T between the first pair of points that brackets that
 * level (scanning upward from the lowest temperature).  W_R and W_N are the
 * given rigid_fwhm_hz / narrowed_fwhm_hz or, when those are NaN, the widths
 * at the lowest and at the highest temperature.  The default fraction is
 * #SRX_NARROWING_ONSET_FRACTION (0.1): 10% of the drop done.
 * @param temperature_k n >= 2 temperatures, strictly ascending (K, > 0)
 * @param fwhm_hz       n widths (Hz, finite)
 * @param fraction      in (0, 1)
 * @return #SRX_OK, #SRX_EINVAL (NULL, NaN, not ascending, fraction outside
 *         (0,1), W_R <= W_N), #SRX_ENODATA (n < 2 or the curve never
 *         reaches the level).
 */
SRX_API int srx_narrowing_onset_k(size_t n, const double *temperature_k, const double *fwhm_hz,
                                  double rigid_fwhm_hz, double narrowed_fwhm_hz, double fraction,
                                  double *onset_k, srx_diag *diag);

/** @brief The width of a measured spectrum (see srx_narrowing_measure_fwhm()). */
typedef struct srx_narrowing_width {
    double fwhm_hz;        /**< full width at half maximum in Hz */
    double fwhm_err_hz;    /**< its standard uncertainty from the noise, Hz */
    double peak_hz;        /**< frequency of the maximum in Hz */
    double peak_height;    /**< height of the maximum above the baseline */
    double baseline;       /**< baseline level (mean of the wings) */
    double noise_rms;      /**< noise standard deviation estimated in the wings */
    double low_hz;         /**< lower half-height crossing in Hz */
    double high_hz;        /**< upper half-height crossing in Hz */
} srx_narrowing_width;

/**
 * @brief FWHM of a measured (noisy) spectrum with an uncertainty.
 *
 * Method (the spectrum must extend well beyond the line on both sides):
 * - baseline and noise from the wings, the outer 10% of the points at each
 *   end (at least 3 each): a straight baseline through the two wing means,
 *   the noise as the pooled standard deviation of the residuals about a
 *   straight line through each wing; the peak must exceed 5 times the noise;
 * - a rough width from the largest point: the peak is then fitted by least
 *   squares over the points within 0.25 of that width of the centre
 *   (quartic when there are at least 7, else quadratic through >= 3), its
 *   maximum giving the height; a window set by the width, not by a
 *   threshold on the points, so noise cannot shrink it;
 * - walking outward from the maximum, the first crossing of half height on
 *   each side (it must lie before the wings) is refined by a local
 *   least-squares polynomial over the points within 0.2 FWHM of it
 *   (quartic with >= 9 points, else cubic with >= 4: the flank's even
 *   quartic term would bias a quadratic), re-centred on the crossing until
 *   it stays put; a straight-line fit is the fallback (when the polynomial
 *   has no crossing on a falling flank near the walked one).  The two
 *   crossings must enclose the maximum.
 * - the uncertainty propagates the white noise of the wing level through
 *   the crossing fits (value variance over slope squared, independent on
 *   the two sides) and through the half-height level (peak and baseline
 *   variances, which move both crossings together):
 *   var = s_lo^2 / k_lo^2 + s_hi^2 / k_hi^2 + s_h^2 (1/|k_lo| + 1/|k_hi|)^2.
 * Tests: on Gaussian lines with 1% and 5% noise the errors scaled by this
 * uncertainty have mean ~0 and standard deviation 1.0 +- 0.05.  Noiseless
 * Gaussian lines give the width to better than 1e-4 (also with only 6
 * points per FWHM).  Limitation: a Lorentzian's own wings raise the
 * baseline estimate unless the window is wide (over +-25 FWHM the width
 * comes out 4e-4 too narrow, over +-6 FWHM 0.8%).
 * @param n             number of points (>= 16)
 * @param frequency_hz  strictly ascending or strictly descending axis in Hz
 *                      (a descending axis is handled on an internal copy)
 * @param intensity     the spectrum (finite), a single positive peak
 * @return #SRX_OK, #SRX_EINVAL (NULL, NaN, non-monotone axis), #SRX_ENODATA
 *         (too few points, no peak 5 times above the noise, the line does
 *         not fall to half height before the wings, or no consistent
 *         crossing), #SRX_ENOMEM.
 */
SRX_API int srx_narrowing_measure_fwhm(size_t n, const double *frequency_hz,
                                       const double *intensity, srx_narrowing_width *width,
                                       srx_diag *diag);

/* ------------------------------------------------------------ fits of width versus T */

/** @brief Model of a width-versus-temperature fit (srx_narrowing_fit()). */
typedef enum srx_narrowing_model {
    SRX_NARROWING_MODEL_KUBO = 0, /**< widths of simulated Kubo-Anderson lines (Ea, tau0, M2, residual) */
    SRX_NARROWING_MODEL_HB = 1    /**< the Hendrickson-Bray expression (dnu_R, B, D, Ea) */
} srx_narrowing_model;

/** Indices of the Kubo-Anderson fit parameters (srx_narrowing_fit_result::param). */
enum {
    SRX_NARROWING_KUBO_EA = 0,       /**< Ea in eV */
    SRX_NARROWING_KUBO_TAU0 = 1,     /**< tau0 in s (fitted on a log scale) */
    SRX_NARROWING_KUBO_M2 = 2,       /**< M2 in rad^2/s^2 (fitted on a log scale) */
    SRX_NARROWING_KUBO_RESIDUAL = 3, /**< Gaussian residual FWHM in Hz (>= 0) */
    SRX_NARROWING_KUBO_NPARAMS = 4
};

/** @brief Options of srx_narrowing_fit() (see srx_narrowing_fit_options_init()). */
typedef struct srx_narrowing_fit_options {
    srx_narrowing_model model; /**< default #SRX_NARROWING_MODEL_KUBO */
    /** The residual width: -1 (default) = free for Kubo (its T -> infinity
     *  width is otherwise 0), fixed for Hendrickson-Bray (whose B already is
     *  the high-temperature end; D and B are then not separable); 0 = fixed at
     *  residual_fwhm_hz; 1 = free, started at residual_fwhm_hz. */
    int fit_residual;
    /** Residual FWHM in Hz: the fixed value or the start; NaN (default) =
     *  automatic (0 when fixed; from the high-temperature end when free). */
    double residual_fwhm_hz;
    double onset_fraction; /**< onset convention of srx_narrowing_onset_k() (default #SRX_NARROWING_ONSET_FRACTION) */
    int max_iter;          /**< iterations of the fit engine (default 200) */
} srx_narrowing_fit_options;

/** @brief Fill `opts` with the defaults (NULL ignored). */
SRX_API void srx_narrowing_fit_options_init(srx_narrowing_fit_options *opts);

/**
 * @brief Result of srx_narrowing_fit().  Uncertainties are standard
 *        uncertainties from the fit engine's covariance (absolute when
 *        widths errors were given, scaled by the reduced chi-square
 *        otherwise); derived quantities carry the propagated error
 *        (first order, with correlations).  NaN where not applicable.
 */
typedef struct srx_narrowing_fit_result {
    srx_narrowing_model model;     /**< the model fitted */
    double ea_ev, ea_err_ev;       /**< activation energy, eV */
    double tau0_s, tau0_err_s;     /**< Kubo: Arrhenius prefactor, s (NaN for HB) */
    double m2_rad2_per_s2, m2_err_rad2_per_s2; /**< Kubo: rigid second moment (NaN for HB) */
    /** width of the model line as T -> 0, Hz: Kubo sqrt(W_G(M2)^2 + D^2),
     *  HB dnu_R + D */
    double rigid_fwhm_hz, rigid_fwhm_err_hz;
    /** width of the model line as T -> infinity, Hz: Kubo D, HB B + D */
    double narrowed_fwhm_hz, narrowed_fwhm_err_hz;
    double residual_fwhm_hz, residual_fwhm_err_hz; /**< D, Hz (error 0 when fixed) */
    double hb_rigid_fwhm_hz, hb_rigid_fwhm_err_hz;       /**< HB: dnu_R (NaN for Kubo) */
    double hb_narrowed_fwhm_hz, hb_narrowed_fwhm_err_hz; /**< HB: B (NaN for Kubo) */
    /** onset temperature of the fitted curve, K: where the model width has
     *  dropped by onset_fraction of the way from rigid_fwhm_hz to
     *  narrowed_fwhm_hz (NaN if outside 1 K .. 1e5 K) */
    double onset_k;
    double onset_err_k;        /**< its propagated uncertainty, K */
    double waugh_fedin_ea_ev;  /**< 1.617e-3 eV/K * onset_k */
    double data_onset_k;       /**< onset read from the data themselves (srx_narrowing_onset_k() on the sorted data; NaN if not found) */
    double chi2, reduced_chi2; /**< chi-square and chi2 / dof */
    long dof;                  /**< points minus free parameters */
    size_t n_points;           /**< points fitted */
    int n_iter;                /**< iterations of the engine */
    int n_eval;                /**< model evaluations */
    int converged;             /**< 1 when the engine converged */
    int weighted;              /**< 1 when fwhm_err_hz was given */
    double param[4], param_err[4]; /**< raw parameters: Kubo in SRX_NARROWING_KUBO_* order, HB in SRX_NARROWING_HB_* order */
    double start[4];           /**< the automatic start values, same order */
} srx_narrowing_fit_result;

/**
 * @brief Fit line width versus temperature with the shared fit engine.
 *
 * Models:
 * - Kubo-Anderson: W(T) = the FWHM of the Kubo-Anderson line with
 *   tau = tau0 exp(Ea / kB T), second moment M2, convolved with a Gaussian
 *   of FWHM D (srx_narrowing_line_fwhm()).  Jacobian: semi-analytic.  The
 *   width obeys the exact scaling W(s^2 M2, tau/s, s D) = s W(M2, tau, D),
 *   so dW/dln M2 = (W + dW/dln tau - D dW/dD) / 2; dW/dln tau (and dW/dD
 *   when D is free) are central differences of the simulated widths with a
 *   relative step 1e-3 (the widths are smooth to ~1e-12, so the
 *   derivatives carry ~1e-6 relative error), and the chain rule gives
 *   d/dEa = dW/dln tau / (kB T), d/dtau0 = dW/dln tau / tau0.
 * - Hendrickson-Bray: srx_narrowing_hb_fwhm() with its analytic gradient.
 * Automatic start values: the rigid width from the mean of the lowest-T
 * points (the lowest n/5, 1 to 3 of them), the narrowed width from the
 * highest-T ones, Ea from Waugh-Fedin at the data's onset (Kubo) or from
 * the midpoint condition of the Hendrickson-Bray step (HB: the step sits at
 * T_mid = Ea / (kB ln((dnu_R + B)/B)), it has no prefactor), tau0 from
 * the midpoint condition (the Kubo width at tau(T_mid) equals the mean of
 * the two plateaus, solved by bisection in ln tau).
 * @param nw          a workspace (required for Kubo; may be NULL for HB)
 * @param n           number of points (at least the number of free parameters + 1)
 * @param temperature_k n temperatures in K (> 0, finite, any order)
 * @param fwhm_hz     n widths in Hz (> 0, finite)
 * @param fwhm_err_hz n standard uncertainties in Hz (> 0, finite), or NULL
 *                    for an unweighted fit
 * @param opts        options, NULL for the defaults
 * @param result      receives the result
 * @return #SRX_OK; #SRX_ENOCONV (result filled, converged = 0);
 *         #SRX_ESINGULAR (values filled, errors NaN); #SRX_EINVAL (NULL,
 *         NaN, non-positive values, bad options); #SRX_ENODATA (too few
 *         points, or the widths do not decrease from the lowest to the
 *         highest temperature); #SRX_ENOMEM; codes of the width computation.
 */
SRX_API int srx_narrowing_fit(srx_narrowing *nw, size_t n, const double *temperature_k,
                              const double *fwhm_hz, const double *fwhm_err_hz,
                              const srx_narrowing_fit_options *opts,
                              srx_narrowing_fit_result *result, srx_diag *diag);

/**
 * @brief The fitted curve: the model width at temperature T for the
 *        parameters in result->param (model result->model).
 * @param nw  workspace (required for Kubo)
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EDOM, codes of the width computation.
 */
SRX_API int srx_narrowing_fit_eval(srx_narrowing *nw, const srx_narrowing_fit_result *result,
                                   double temperature_k, double *fwhm_hz, srx_diag *diag);

/* ------------------------------------------------------------ the /linewidth table */

/**
 * @brief A width-versus-temperature table, the optional `/linewidth` group
 *        of a spinrelax HDF5 file (an extension of data-format.md: 1-D
 *        float64 datasets `temperature_k` (K, > 0), `fwhm_hz` (Hz, > 0) and
 *        optional `fwhm_err_hz` (Hz, > 0), all of the same length n >= 1).
 */
typedef struct srx_narrowing_table {
    size_t n;              /**< number of rows */
    double *temperature_k; /**< [n] K (owned) */
    double *fwhm_hz;       /**< [n] Hz (owned) */
    double *fwhm_err_hz;   /**< [n] Hz, or NULL when the file has none (owned) */
} srx_narrowing_table;

/** @brief Free the arrays of a table and zero it (NULL is a no-op). */
SRX_API void srx_narrowing_table_clear(srx_narrowing_table *table);

/**
 * @brief Read `/linewidth` of a file in a forked child process with a time
 *        limit (as srx_h5_load() does: a damaged file cannot crash or hang
 *        the caller).  Do not call while another thread of the process uses
 *        HDF5.
 * @param timeout_s time limit in s (> 0, finite)
 * @param table     receives the table (free with srx_narrowing_table_clear())
 * @return #SRX_OK; #SRX_ENOTFOUND (no `/linewidth`); #SRX_EFORMAT (not
 *         HDF5, wrong layout or values, or the reader crashed or hung);
 *         #SRX_EIO (cannot be opened, no process); #SRX_EINVAL; #SRX_ENOMEM.
 */
SRX_API int srx_narrowing_read_linewidth(const char *path, double timeout_s,
                                         srx_narrowing_table *table, srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_NARROWING_H */
