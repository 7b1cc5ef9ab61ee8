/**
 * @file spinrelax/lineshape.h
 * @brief Powder line shapes of quadrupolar nuclei: static, MAS at infinite
 *        or finite speed (spinning sidebands), any rotor angle; Lorentzian /
 *        Gaussian broadening (FFTW); Czjzek distributions.
 *
 * Frequencies (spinrelax/quadrupolar.h) are evaluated on an ASG orientation
 * set (spinrelax/powder.h) and each triangle's intensity is spread exactly over the
 * bins it covers.  Finite spinning: the rotor-phase Fourier coefficients of
 * each crystallite's frequency are integrated analytically to a phase, and
 * exp(i phase) is Fourier transformed over one rotor period (FFTW); the
 * gamma-averaged intensity of sideband k is |F_k|^2 (M. H. Levitt, J. Magn.
 * Reson. 82 (1989) 427; M. Eden, Concepts Magn. Reson. 17A (2003) 117),
 * which is then interpolated over the triangles like the frequencies.
 *
 * Grid: N points nu_i = center - span/2 + i span/N (i = 0 .. N-1), offsets
 * from the Larmor frequency in Hz; point i holds the intensity integrated
 * over [nu_i - spacing/2, nu_i + spacing/2) divided by the spacing.
 *
 * A simulator (srx_lineshape) is allocated once for a grid and a condition
 * and reused for any number of sites and parameter sets; srx_lineshape_compute
 * does not allocate, except the first time a larger sideband count is
 * needed at finite spinning speed, and the first time a CSA tilted from the
 * EFG asks for the hemisphere orientation set.  Spectra are continuous
 * functions of the site parameters (exact tent binning, no histogram
 * jitter), so finite differences for fits are clean.  One simulator, one
 * thread at a time; several simulators may run in parallel.  The Czjzek
 * functions compute on a set of at most 64 divisions and also build it on
 * first use.
 */
#ifndef SPINRELAX_LINESHAPE_H
#define SPINRELAX_LINESHAPE_H

#include "spinrelax/common.h"
#include "spinrelax/quadrupolar.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Which transitions to simulate. */
typedef enum srx_lineshape_transitions {
    SRX_LINESHAPE_CENTRAL = 0, /**< the central transition 1/2 <-> -1/2 (half-integer spins) */
    SRX_LINESHAPE_ALL = 1      /**< every transition m <-> m-1 */
} srx_lineshape_transitions;

/** How intensities are normalised. */
typedef enum srx_lineshape_norm {
    SRX_LINESHAPE_NORM_WINDOW = 0, /**< sum(intensity) * spacing = 1 over the grid */
    SRX_LINESHAPE_NORM_TOTAL = 1   /**< the full (unclipped) line has unit area; parts
                                        outside the grid are lost */
} srx_lineshape_norm;

/**
 * @brief Experimental condition and grid.  Initialise with
 *        srx_lineshape_conditions_init() and set the fields.
 */
typedef struct srx_lineshape_conditions {
    double spin;            /**< nuclear spin I (e.g. from srx_nucleus_lookup) */
    double larmor_hz;       /**< Larmor frequency nu0 in Hz (> 0) */
    double rotor_angle_rad; /**< rotor axis to B0: 0 = static (default), SRX_MAGIC_ANGLE_RAD = MAS */
    double spinning_hz;     /**< spinning rate in Hz; 0 = infinitely fast (default) */
    int transitions;        /**< #srx_lineshape_transitions (default CENTRAL) */
    size_t n_points;        /**< N grid points (default 4096) */
    double span_hz;         /**< W: grid covers [center - W/2, center + W/2) (default 100 kHz) */
    double center_hz;       /**< C (default 0) */
    double lb_hz;           /**< Lorentzian FWHM in Hz (default 0: none) */
    double gb_hz;           /**< Gaussian FWHM in Hz (default 0: none) */
    double accuracy;        /**< target relative L2 error of the unbroadened powder average,
                                 used to choose the orientation count (default 1e-3) */
    int n_divisions;        /**< ASG divisions per octant edge; 0 = from accuracy (default) */
    int normalization;      /**< #srx_lineshape_norm (default WINDOW) */
} srx_lineshape_conditions;

/** @brief Defaults listed in #srx_lineshape_conditions (NULL ignored). */
SRX_API void srx_lineshape_conditions_init(srx_lineshape_conditions *cond);

/** Opaque simulator. */
typedef struct srx_lineshape srx_lineshape;

/**
 * @brief Allocate a simulator: orientation sets, FFTW plans for broadening.
 * @return #SRX_OK, #SRX_EINVAL (NULL, NaN, Inf, unknown enum), #SRX_EDOM
 *         (spin, negative widths, no central transition for integer spin,
 *         n_points < 2 or > 2^24, ...) or #SRX_ENOMEM.
 */
SRX_API int srx_lineshape_alloc(const srx_lineshape_conditions *cond, srx_lineshape **out,
                                srx_diag *diag);

/** @brief Free a simulator (NULL is a no-op). */
SRX_API void srx_lineshape_free(srx_lineshape *ls);

/** @brief Number of grid points N. */
SRX_API size_t srx_lineshape_n_points(const srx_lineshape *ls);

/** @brief Write the N grid frequencies (Hz, offsets from nu0) to freq_hz. */
SRX_API int srx_lineshape_frequencies(const srx_lineshape *ls, double *freq_hz, srx_diag *diag);

/** @brief ASG divisions per octant edge in use (chosen from the accuracy or given). */
SRX_API int srx_lineshape_n_divisions(const srx_lineshape *ls);

/**
 * @brief Spectrum of a set of sites with populations (normalised internally;
 *        NULL = equal).  Writes N intensities (1/Hz) to spectrum.
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EDOM (site out of range, populations
 *         negative or all zero, no intensity inside the window with WINDOW
 *         normalisation) or #SRX_ENOMEM (sideband buffers).
 */
SRX_API int srx_lineshape_compute(srx_lineshape *ls, const srx_quad_site *sites,
                                  const double *populations, size_t n_sites, double *spectrum,
                                  srx_diag *diag);

/**
 * @brief Czjzek distribution of (Cq, eta) around a site.
 *
 * Density (G. Czjzek et al., Phys. Rev. B 23 (1981) 2513; J.-B. d'Espinose
 * de Lacaillerie et al., Solid State NMR 33 (2008) 91):
 * P(Cq, eta) ~ Cq^4 eta (1 - eta^2/9) exp(-Cq^2 (1 + eta^2/3) / (2 sigma^2)).
 * Integrated by deterministic midpoint quadrature (n_cq nodes on
 * Cq in (0, 7 sigma], n_eta nodes on eta in (0, 1)); the quadrature is
 * smooth in sigma, so finite differences for fits are noise-free (a random
 * sample of EFG tensors would not be).  Each node uses an orientation set of
 * at most 64 divisions (the distribution smooths the singularities).  The CSA and shift of `base` are
 * kept; its cq_hz and eta are ignored.
 * @param sigma_hz  width sigma in Hz (> 0)
 * @param n_cq, n_eta quadrature nodes (0: defaults 48 and 12)
 * @return as srx_lineshape_compute().
 */
SRX_API int srx_lineshape_czjzek(srx_lineshape *ls, const srx_quad_site *base, double sigma_hz,
                                 int n_cq, int n_eta, double *spectrum, srx_diag *diag);

/**
 * @brief Extended Czjzek model: EFG = V0 + a random tensor (Gaussian
 *        Isotropic Model), sampled.
 *
 * G. Le Caer, R. A. Brand, J. Phys.: Condens. Matter 10 (1998) 10715;
 * d'Espinose de Lacaillerie et al., Solid State NMR 33 (2008) 91.  V0 is the
 * tensor of `base` (cq_hz, eta, in its PAS; Vzz = Cq).  The random part has
 * five independent Gaussian components of standard deviation
 * sigma sqrt(3/2) in an orthonormal (Frobenius) basis of symmetric traceless
 * tensors, so that with cq_hz = 0 the (Cq, eta) density is exactly the
 * Czjzek density of srx_lineshape_czjzek() with the same sigma
 * (E[Cq^2 (1 + eta^2/3)] = 5 sigma^2).  Each sample's (Cq, eta) comes from
 * the eigenvalues of V; shift and CSA of `base` are kept (CSA angles taken
 * relative to each sample's PAS).  Samples come from a Mersenne Twister
 * seeded with `seed` (same seed, same spectrum: smooth enough for finite
 * differences at fixed seed).
 * @param n_samples  number of sampled tensors (0: 400)
 * @return as srx_lineshape_compute().
 */
SRX_API int srx_lineshape_czjzek_extended(srx_lineshape *ls, const srx_quad_site *base,
                                          double sigma_hz, size_t n_samples, unsigned long seed,
                                          double *spectrum, srx_diag *diag);

/**
 * @brief One-shot convenience: alloc, compute, free.
 */
SRX_API int srx_lineshape_simulate(const srx_lineshape_conditions *cond,
                                   const srx_quad_site *sites, const double *populations,
                                   size_t n_sites, double *spectrum, srx_diag *diag);

/**
 * @brief ASG divisions per octant edge used for a relative L2 accuracy
 *        (accuracy <= 0 or not finite: 1e-3), from the measured convergence
 *        of the 4096-point 27Al central-transition benchmark
 *        (bench/lineshape.c): error ~ c / N^2 with c = 70 static and c = 50
 *        for a rotating sample (rotating != 0).  Result in 8 ... 1024.
 */
SRX_API int srx_lineshape_divisions_for_accuracy(double accuracy, int rotating);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_LINESHAPE_H */
