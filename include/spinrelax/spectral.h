/**
 * @file spinrelax/spectral.h
 * @brief Arrhenius correlation times and reduced spectral densities J(omega).
 *
 * Motion (physics.md section 1): the mean correlation (jump) time follows
 * tau(T) = tau0 exp(Ea / (kB T)).
 *
 * Spectral densities (reduced, unit s, J(0) = tau for the Lorentzian) are
 * evaluated at a frequency given in Hz; omega = 2 pi frequency_hz is formed
 * inside.  Every model is evaluated in logarithmic form, so that neither
 * omega tau -> 0 nor omega tau -> infinity (Ea / kB T up to 700 and beyond)
 * produce 0/0, overflow or loss of relative accuracy.
 *
 * | kind | J(omega) | shape parameter |
 * |---|---|---|
 * | #SRX_SPECTRAL_BPP | tau / (1 + (omega tau)^2) (Bloembergen, Purcell, Pound, Phys. Rev. 73 (1948) 679) | ignored |
 * | #SRX_SPECTRAL_ASYMMETRIC | tau / (1 + (omega tau)^beta) (Kuechler, Heitjans et al., Ber. Bunsenges. Phys. Chem. 95 (1991) 1059) | beta in (1, 2] |
 * | #SRX_SPECTRAL_COLE_DAVIDSON | sin(eps atan(omega tau)) / (omega (1 + (omega tau)^2)^(eps/2)) (Davidson, Cole, J. Chem. Phys. 19 (1951) 1484) | eps in (0, 1]; J(0) = eps tau |
 * | #SRX_SPECTRAL_COLE_COLE | (1/omega) (omega tau)^a sin(a pi/2) / (1 + 2 (omega tau)^a cos(a pi/2) + (omega tau)^(2a)) (Cole, Cole, J. Chem. Phys. 9 (1941) 341) | a in (0, 1]; J(0) infinite for a < 1 |
 * | #SRX_SPECTRAL_GAUSS_EA | Lorentzian averaged over a normal distribution of Ea (width sigma_E) | see below |
 *
 * For #SRX_SPECTRAL_GAUSS_EA the tau-form functions take as shape the
 * standard deviation of ln tau (dimensionless, >= 0) and tau the median
 * correlation time (the one of the mean Ea); the temperature-form functions
 * take the width of the Ea distribution sigma_E in eV, so that
 * sd(ln tau) = sigma_E / (kB T).  The average over Ea is done by adaptive
 * Clenshaw-Curtis quadrature (GSL CQUAD) to a relative accuracy of about
 * 1e-12; these calls allocate a small GSL workspace and may return
 * #SRX_ENOMEM.
 */
#ifndef SPINRELAX_SPECTRAL_H
#define SPINRELAX_SPECTRAL_H

#include "spinrelax/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Kinds of spectral density. */
typedef enum srx_spectral_kind {
    SRX_SPECTRAL_BPP = 0,          /**< Lorentzian (BPP) */
    SRX_SPECTRAL_ASYMMETRIC = 1,   /**< asymmetric peak, shape beta in (1, 2] */
    SRX_SPECTRAL_COLE_DAVIDSON = 2,/**< Cole-Davidson, shape eps in (0, 1] */
    SRX_SPECTRAL_COLE_COLE = 3,    /**< Cole-Cole, shape alpha in (0, 1] */
    SRX_SPECTRAL_GAUSS_EA = 4      /**< Gaussian distribution of Ea, shape: width */
} srx_spectral_kind;

/** Number of spectral-density kinds. */
#define SRX_SPECTRAL_NKINDS 5

/**
 * @brief The name of a kind as used by the CLI ("bpp", "asymmetric",
 *        "cole-davidson", "cole-cole", "gauss-ea"); NULL for an unknown kind.
 */
SRX_API const char *srx_spectral_name(srx_spectral_kind kind);

/**
 * @brief Parse a CLI model name (see srx_spectral_name()).
 * @return #SRX_OK or #SRX_ENOTFOUND.
 */
SRX_API int srx_spectral_parse(const char *name, srx_spectral_kind *kind, srx_diag *diag);

/**
 * @brief The shape value at which a kind reduces to the Lorentzian
 *        (beta = 2, eps = 1, alpha = 1, width = 0; 0 for BPP).
 */
SRX_API double srx_spectral_lorentzian_shape(srx_spectral_kind kind);

/**
 * @brief Check a shape parameter against the domain of a kind.
 * @return #SRX_OK, #SRX_EINVAL (unknown kind, NaN) or #SRX_EDOM.
 */
SRX_API int srx_spectral_check_shape(srx_spectral_kind kind, double shape, srx_diag *diag);

/**
 * @brief Arrhenius correlation time tau = tau0 exp(Ea / (kB T)).
 * @param temperature_k T in K (> 0)
 * @param ea_ev         activation energy in eV (finite)
 * @param tau0_s        pre-exponential factor in s (> 0)
 * @param tau_s         receives tau in s
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EDOM, or #SRX_ERANGE when tau overflows.
 */
SRX_API int srx_spectral_tau_s(double temperature_k, double ea_ev, double tau0_s, double *tau_s,
                               srx_diag *diag);

/**
 * @brief Reduced spectral density J at one frequency for a given tau.
 * @param kind          model
 * @param frequency_hz  nu >= 0 in Hz (omega = 2 pi nu)
 * @param tau_s         correlation time in s (> 0, finite)
 * @param shape         model shape parameter (see the table above)
 * @param j_s           receives J in s
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EDOM (shape out of range, or
 *         frequency 0 for Cole-Cole with a < 1, where J diverges),
 *         #SRX_ENOMEM (Gaussian kind only).
 */
SRX_API int srx_spectral_j(srx_spectral_kind kind, double frequency_hz, double tau_s,
                           double shape, double *j_s, srx_diag *diag);

/**
 * @brief J and its derivatives for a given tau, from the logarithmic form.
 *
 * All derivatives are analytic (for the Gaussian kind, quadratures of the
 * analytic derivative of the integrand).
 * @param ln_tau          natural log of tau in s (lets callers pass
 *                        tau0 exp(Ea/kT) beyond the double range)
 * @param j_s             receives J in s (may underflow to 0 at extreme
 *                        omega tau, never overflow for finite results)
 * @param dj_dln_tau_s    receives dJ/d(ln tau) in s (may be NULL)
 * @param dj_dshape_s     receives dJ/d(shape) in s (may be NULL; 0 for BPP)
 * @return as srx_spectral_j().
 */
SRX_API int srx_spectral_j_deriv(srx_spectral_kind kind, double frequency_hz, double ln_tau,
                                 double shape, double *j_s, double *dj_dln_tau_s,
                                 double *dj_dshape_s, srx_diag *diag);

/**
 * @brief J at temperature T, with tau(T) from Arrhenius.
 *
 * @param shape  as for the tau form, except for #SRX_SPECTRAL_GAUSS_EA where
 *               it is sigma_E, the width of the Ea distribution in eV (>= 0).
 * @return as srx_spectral_j().
 */
SRX_API int srx_spectral_j_at_t(srx_spectral_kind kind, double frequency_hz,
                                double temperature_k, double ea_ev, double tau0_s, double shape,
                                double *j_s, srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_SPECTRAL_H */
