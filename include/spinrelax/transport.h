/**
 * @file spinrelax/transport.h
 * @brief Transport quantities from jump rates and activation energies:
 *        Ngai coupling parameter, Einstein-Smoluchowski diffusion
 *        coefficient, Nernst-Einstein conductivity (physics.md section 5).
 *
 * All quantities are SI: jump distance in m, diffusion coefficient in
 * m^2/s, conductivity in S/m, number density of charge carriers in m^-3,
 * charge in units of the elementary charge (an integer-valued double,
 * e.g. 1 for Li+).  Pure functions: no allocation, no state.
 */
#ifndef SPINRELAX_TRANSPORT_H
#define SPINRELAX_TRANSPORT_H

#include "spinrelax/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Ngai coupling-model parameter n = 1 - E_short / E_long.
 *
 * In the coupling model (K. L. Ngai, Comments Solid State Phys. 9 (1979)
 * 127; for ion conductors e.g. Ngai, Solid State Ionics 105 (1998) 231)
 * the microscopic (short-range, e.g. NMR low-T flank) barrier is
 * E_short = (1 - n) E_long with E_long the long-range (conductivity or
 * high-T flank) activation energy.
 * @param e_short_ev  short-range activation energy in eV (> 0, finite)
 * @param e_long_ev   long-range activation energy in eV (> 0, finite,
 *                    >= e_short_ev so that 0 <= n < 1)
 * @param n           receives n
 * @return #SRX_OK, #SRX_EINVAL (NULL, NaN, Inf), #SRX_EDOM (energies not
 *         positive or e_short > e_long)
 */
SRX_API int srx_transport_ngai_n(double e_short_ev, double e_long_ev, double *n, srx_diag *diag);

/**
 * @brief Uncertainty of n by linear error propagation, independent energies:
 *        u(n)^2 = (u_s / E_l)^2 + (E_s u_l / E_l^2)^2.
 * @param e_short_err_ev, e_long_err_ev  standard uncertainties (>= 0, finite)
 * @param n_err  receives u(n)
 * @return as srx_transport_ngai_n(); negative uncertainties give #SRX_EDOM
 */
SRX_API int srx_transport_ngai_n_err(double e_short_ev, double e_short_err_ev, double e_long_ev,
                                     double e_long_err_ev, double *n_err, srx_diag *diag);

/**
 * @brief Einstein-Smoluchowski diffusion coefficient D = a^2 / (2 d tau).
 * @param jump_distance_m  jump distance a in m (> 0)
 * @param jump_rate_per_s  jump rate 1/tau in s^-1 (> 0)
 * @param dimension        d = 1, 2 or 3; 0 means the default, 3 (isotropic 3D diffusion)
 * @param diffusion_m2_per_s receives D in m^2/s
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EDOM
 */
SRX_API int srx_transport_diffusion_from_rate(double jump_distance_m, double jump_rate_per_s,
                                              int dimension, double *diffusion_m2_per_s,
                                              srx_diag *diag);

/** @brief Inverse of srx_transport_diffusion_from_rate(): 1/tau = 2 d D / a^2
 *         (dimension 0 = 3 as there). */
SRX_API int srx_transport_rate_from_diffusion(double jump_distance_m, double diffusion_m2_per_s,
                                              int dimension, double *jump_rate_per_s,
                                              srx_diag *diag);

/**
 * @brief Nernst-Einstein conductivity sigma = N q^2 D / (kB T H_R).
 *
 * With tracer diffusion coefficient D and Haven ratio H_R = D_tracer /
 * D_sigma (pass 1 for uncorrelated motion), sigma = N (z e)^2 D / (H_R kB T).
 * @param diffusion_m2_per_s  D in m^2/s (>= 0)
 * @param carrier_density_per_m3  N in m^-3 (> 0)
 * @param charge_number       z (nonzero, finite; sign ignored)
 * @param temperature_k       T in K (> 0)
 * @param haven_ratio         H_R (> 0), or 0 for none (H_R = 1)
 * @param conductivity_s_per_m receives sigma in S/m
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EDOM
 */
SRX_API int srx_transport_conductivity_from_diffusion(double diffusion_m2_per_s,
                                                      double carrier_density_per_m3,
                                                      double charge_number, double temperature_k,
                                                      double haven_ratio,
                                                      double *conductivity_s_per_m,
                                                      srx_diag *diag);

/** @brief Inverse of srx_transport_conductivity_from_diffusion():
 *         D = sigma kB T H_R / (N q^2), same arguments and errors. */
SRX_API int srx_transport_diffusion_from_conductivity(double conductivity_s_per_m,
                                                      double carrier_density_per_m3,
                                                      double charge_number, double temperature_k,
                                                      double haven_ratio,
                                                      double *diffusion_m2_per_s,
                                                      srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_TRANSPORT_H */
