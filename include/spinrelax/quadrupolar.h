/**
 * @file spinrelax/quadrupolar.h
 * @brief First- and second-order quadrupolar (and chemical-shift) transition
 *        frequencies of a spin I, static or under sample rotation.
 *
 * Conventions (physics.md section 6):
 * - Cq = e^2 q Q / h in Hz, nuQ = 3 Cq / (2 I (2I - 1)),
 *   eta = (Vxx - Vyy) / Vzz in [0, 1] with |Vzz| >= |Vyy| >= |Vxx|.
 * - (theta, phi): polar angles of B0 (static) or of the rotor axis (rotation)
 *   in the principal axis system (PAS) of the EFG.  Equivalently the Euler
 *   angles (alpha = phi, beta = theta) taking the PAS to the rotor frame.
 * - Transition "m" is m <-> m-1, m = -I+1 ... I; the central transition of a
 *   half-integer spin is m = 1/2.  Frequencies are offsets from the Larmor
 *   frequency nu0 in Hz.
 * - First order: nuQ (m - 1/2) (3 cos^2 theta - 1 + eta sin^2 theta cos 2phi) / 2.
 *   Note: physics.md writes "- eta sin^2 theta cos 2phi" in the first-order
 *   formula but its second-order A/B/C coefficients (which this library
 *   reproduces exactly, and which exact diagonalisation confirms) belong to
 *   the "+" form, i.e. phi is measured from the Vxx axis of the standard
 *   eta definition.  Powder patterns do not depend on this choice.
 * - Second order: standard perturbation theory of the Zeeman + quadrupole
 *   Hamiltonian (e.g. A. Abragam, The Principles of Nuclear Magnetism (1961),
 *   ch. VII; P. P. Man, "Quadrupolar interactions", Encyclopedia of NMR):
 *   nu2(m) = (nuQ^2/nu0) [g1(m) |rho_1|^2 + g2(m) |rho_2|^2] with rho_q the
 *   normalised rank-2 spherical components of the EFG in the B0 frame.
 *   Under rotation at angle beta_R the time average keeps rank 0, 2 and 4
 *   parts scaled by P2(cos beta_R) and P4(cos beta_R) (computed through
 *   Wigner d^2(beta_R) products, exact for any angle).
 * - Chemical shift: nu_CS = shift + delta (3 cos^2 theta' - 1
 *   + eta_cs sin^2 theta' cos 2phi') / 2 (Haeberlen delta in Hz) in the CSA
 *   PAS, which is reached from the EFG PAS by ZYZ Euler angles.  Cross terms
 *   CSA x quadrupole at second order are neglected (~ nuQ delta / nu0).
 */
#ifndef SPINRELAX_QUADRUPOLAR_H
#define SPINRELAX_QUADRUPOLAR_H

#include "spinrelax/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The magic angle arccos(1/sqrt(3)) in radians (54.7356 deg). */
#define SRX_MAGIC_ANGLE_RAD 0.95531661812450927816

/**
 * @brief One site: quadrupole coupling, isotropic shift and optional CSA.
 * Initialise with srx_quad_site_init() (all zero) and set what you need.
 */
typedef struct srx_quad_site {
    double cq_hz;         /**< quadrupole coupling constant Cq in Hz (>= 0; sign is irrelevant) */
    double eta;           /**< EFG asymmetry in [0, 1] */
    double shift_hz;      /**< isotropic chemical shift as a frequency offset in Hz */
    double csa_delta_hz;  /**< CSA anisotropy delta (Haeberlen) in Hz, 0 = none */
    double csa_eta;       /**< CSA asymmetry in [0, 1] */
    double csa_alpha_rad; /**< ZYZ Euler angles EFG PAS -> CSA PAS, radians */
    double csa_beta_rad;  /**< (see csa_alpha_rad) */
    double csa_gamma_rad; /**< (see csa_alpha_rad) */
} srx_quad_site;

/** @brief Set every field of a site to 0 (NULL ignored). */
SRX_API void srx_quad_site_init(srx_quad_site *site);

/**
 * @brief Check a site and a spin: spin a positive multiple of 1/2 (>= 1 when
 *        cq_hz > 0), finite values, eta and csa_eta in [0, 1], cq_hz >= 0.
 * @return #SRX_OK, #SRX_EINVAL (NULL, NaN, Inf) or #SRX_EDOM (range).
 */
SRX_API int srx_quad_site_check(const srx_quad_site *site, double spin, srx_diag *diag);

/**
 * @brief Quadrupole frequency nuQ = 3 Cq / (2 I (2I - 1)) in Hz.
 * @return #SRX_OK, #SRX_EINVAL or #SRX_EDOM (spin < 1 or not a multiple of 1/2).
 */
SRX_API int srx_quad_nuq_hz(double spin, double cq_hz, double *nuq_hz, srx_diag *diag);

/**
 * @brief Isotropic second-order quadrupolar shift of the central transition,
 *        nu_QIS = -(nuQ^2 / (30 nu0)) [I(I+1) - 3/4] (1 + eta^2/3), in Hz.
 * @param spin half-integer spin >= 3/2
 * @return #SRX_OK, #SRX_EINVAL or #SRX_EDOM.
 */
SRX_API int srx_quad_iso_shift_hz(double spin, double cq_hz, double eta, double larmor_hz,
                                  double *shift_hz, srx_diag *diag);

/**
 * @brief Central-transition second-order frequency from the closed A/B/C
 *        forms of physics.md section 6 (static or infinitely fast MAS).
 * @param mas      0: static (theta, phi of B0); 1: MAS (theta, phi of the rotor axis)
 * @return #SRX_OK, #SRX_EINVAL or #SRX_EDOM (integer spin, bad eta, ...).
 */
SRX_API int srx_quad_ct_second_order_hz(double spin, double cq_hz, double eta, double larmor_hz,
                                        int mas, double theta_rad, double phi_rad,
                                        double *nu_hz, srx_diag *diag);

/**
 * @brief Time-averaged frequency of transition m <-> m-1 (offset from nu0, Hz)
 *        for one crystallite: first + second order quadrupole + chemical shift.
 *
 * @param site            the site
 * @param spin            nuclear spin I
 * @param m               upper level of the transition, -I+1 <= m <= I
 * @param larmor_hz       nu0 in Hz (> 0)
 * @param rotor_angle_rad angle between rotor axis and B0 (0: static, where
 *                        the rotor frame is the B0 frame; SRX_MAGIC_ANGLE_RAD: MAS)
 * @param alpha_rad, beta_rad Euler angles EFG PAS -> rotor frame (= phi, theta
 *                        of the rotor axis / B0 in the PAS)
 * @param nu_hz           receives the frequency offset in Hz (infinitely fast
 *                        rotation average when rotor_angle_rad != 0)
 * @return #SRX_OK, #SRX_EINVAL or #SRX_EDOM.
 */
SRX_API int srx_quad_frequency_hz(const srx_quad_site *site, double spin, double m,
                                  double larmor_hz, double rotor_angle_rad, double alpha_rad,
                                  double beta_rad, double *nu_hz, srx_diag *diag);

/**
 * @brief Batch form of srx_quad_frequency_hz() for many crystallites (e.g.
 *        the orientations of an srx_powder set): nu_hz[i] for
 *        (alpha_rad[i], beta_rad[i]), i < n.  Validates once, then runs the
 *        fast kernel (about 20 ns per orientation).
 * @return #SRX_OK, #SRX_EINVAL (NULL with n > 0, NaN or infinite angle) or #SRX_EDOM.
 */
SRX_API int srx_quad_frequencies_hz(const srx_quad_site *site, double spin, double m,
                                    double larmor_hz, double rotor_angle_rad,
                                    const double *alpha_rad, const double *beta_rad, size_t n,
                                    double *nu_hz, srx_diag *diag);

/**
 * @brief Rotor-phase Fourier coefficients of the frequency of transition m:
 *        nu(psi) = sum_{n=-4..4} c_n exp(-i n psi), c_{-n} = conj(c_n), with
 *        psi the rotor phase (psi = 2 pi nu_R t + gamma).
 *
 * Same arguments as srx_quad_frequency_hz(); c_re[n], c_im[n] for n = 0..4
 * (c_im[0] = 0; c_re[0] is the time average).
 * @return #SRX_OK, #SRX_EINVAL or #SRX_EDOM.
 */
SRX_API int srx_quad_fourier_hz(const srx_quad_site *site, double spin, double m, double larmor_hz,
                                double rotor_angle_rad, double alpha_rad, double beta_rad,
                                double c_re[5], double c_im[5], srx_diag *diag);

/**
 * @brief Relative intensity of transition m <-> m-1 under non-selective
 *        excitation, I(I+1) - m(m-1) (not normalised).
 * @return #SRX_OK, #SRX_EINVAL or #SRX_EDOM.
 */
SRX_API int srx_quad_transition_weight(double spin, double m, double *weight, srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_QUADRUPOLAR_H */
