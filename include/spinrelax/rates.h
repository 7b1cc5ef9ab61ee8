/**
 * @file spinrelax/rates.h
 * @brief Relaxation-rate models: diffusion processes plus background give
 *        1/T1 and 1/T1rho at any Larmor and locking frequency.
 *
 * A rate model (#srx_rate_model) is plain data: up to #SRX_MAX_PROCESSES
 * diffusion processes, each with its own spectral density, Ea, tau0, shape
 * and coupling constant K, plus a non-diffusive background for 1/T1 and one
 * for 1/T1rho.  The measured rate is the sum (physics.md section 3):
 *
 *     1/T1    = sum_p K_p [ J_p(w0) + 4 J_p(2 w0) ]                        + R_bg,T1(T)
 *     1/T1rho = sum_p K_p [ (3/2) J_p(2 w1) + (5/2) J_p(w0) + J_p(2 w0) ] + R_bg,T1rho(T)
 *
 * with w0 = 2 pi larmor_hz and w1 = 2 pi spinlock_hz.  `spinlock_hz` is the
 * rf amplitude nu1 of the locking field.  For a spin 3/2 whose quadrupole
 * splitting exceeds nu1 the central transition nutates at 2 nu1: pass that
 * effective frequency if it is the one you mean.
 * Sources: Bloembergen, Purcell, Pound, Phys. Rev. 73 (1948) 679 (T1);
 * Look, Lowe, J. Chem. Phys. 44 (1966) 2995 (T1rho, same K for both).
 *
 * Example: the asymmetric model of a 7Li T1rho peak at 513 K
 * @code
 *   srx_rate_model m;
 *   double r1rho;
 *   srx_rate_model_init(&m);
 *   m.n_processes = 1;
 *   m.process[0].kind = SRX_SPECTRAL_ASYMMETRIC;
 *   m.process[0].ea_ev = 0.44 / 0.8;      // high-T flank slope Ea
 *   m.process[0].tau0_s = 1e-11;
 *   m.process[0].shape = 1.8;             // low-T flank (beta - 1) Ea
 *   m.process[0].coupling_per_s2 = 1e9;
 *   srx_rates_r1rho(&m, 513.0, 116.59e6, 20e3, &r1rho, NULL);
 * @endcode
 */
#ifndef SPINRELAX_RATES_H
#define SPINRELAX_RATES_H

#include "spinrelax/common.h"
#include "spinrelax/spectral.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Maximum number of diffusion processes in one rate model. */
#define SRX_MAX_PROCESSES 3

/** @brief One diffusion-induced relaxation process. */
typedef struct srx_process {
    srx_spectral_kind kind;   /**< spectral-density model */
    double ea_ev;             /**< activation energy Ea in eV (finite) */
    double tau0_s;            /**< Arrhenius prefactor tau0 in s (> 0) */
    double shape;             /**< beta, eps, alpha, or sigma_E in eV (gauss-ea); see spectral.h */
    double coupling_per_s2;   /**< coupling constant K in s^-2 (>= 0) */
} srx_process;

/** @brief Kinds of non-diffusive background. */
typedef enum srx_background_kind {
    SRX_BACKGROUND_NONE = 0,      /**< no background */
    SRX_BACKGROUND_POWERLAW = 1,  /**< R = amplitude * T^exponent (T in K) */
    SRX_BACKGROUND_ARRHENIUS = 2  /**< R = amplitude * exp(-ea_ev / (kB T)) */
} srx_background_kind;

/** @brief A background rate term. */
typedef struct srx_background {
    srx_background_kind kind; /**< kind of term */
    double amplitude;         /**< A: s^-1 K^-n (power law) or s^-1 (Arrhenius); >= 0 */
    double exponent;          /**< n of the power law (finite) */
    double ea_ev;             /**< Ea of the Arrhenius term in eV (finite) */
} srx_background;

/** @brief A complete rate model: processes plus one background per frame. */
typedef struct srx_rate_model {
    int n_processes;                          /**< 0 .. #SRX_MAX_PROCESSES */
    srx_process process[SRX_MAX_PROCESSES];   /**< the processes, first n_processes used */
    srx_background background_r1;            /**< added to 1/T1 */
    srx_background background_r1rho;         /**< added to 1/T1rho */
} srx_rate_model;

/** @brief Which rate to evaluate. */
typedef enum srx_rate_kind {
    SRX_RATE_R1 = 0,   /**< laboratory frame, 1/T1 */
    SRX_RATE_R1RHO = 1 /**< rotating frame, 1/T1rho */
} srx_rate_kind;

/**
 * @name Gradient layout
 * srx_rates_eval() returns derivatives with respect to the natural
 * parameters in a vector of #SRX_RATES_NPARAM entries: for process p,
 * index 4p + 0: ea_ev, 4p + 1: tau0_s, 4p + 2: shape, 4p + 3:
 * coupling_per_s2; then the T1 background (amplitude, then exponent or
 * ea_ev) and the T1rho background likewise.  Entries of unused processes
 * and backgrounds are 0.
 * @{
 */
#define SRX_RATES_NPARAM (4 * SRX_MAX_PROCESSES + 4)
#define SRX_RATES_P_EA(p) (4 * (p) + 0)
#define SRX_RATES_P_TAU0(p) (4 * (p) + 1)
#define SRX_RATES_P_SHAPE(p) (4 * (p) + 2)
#define SRX_RATES_P_COUPLING(p) (4 * (p) + 3)
#define SRX_RATES_P_BG_R1_AMPLITUDE (4 * SRX_MAX_PROCESSES + 0)
#define SRX_RATES_P_BG_R1_SECOND (4 * SRX_MAX_PROCESSES + 1)
#define SRX_RATES_P_BG_R1RHO_AMPLITUDE (4 * SRX_MAX_PROCESSES + 2)
#define SRX_RATES_P_BG_R1RHO_SECOND (4 * SRX_MAX_PROCESSES + 3)
/** @} */

/** @brief Set a model to no process and no background. */
SRX_API void srx_rate_model_init(srx_rate_model *model);

/**
 * @brief Validate a model: process count, kinds, shape ranges, tau0 > 0,
 *        K >= 0, finite energies, background parameters.
 * @return #SRX_OK, #SRX_EINVAL or #SRX_EDOM, with the offending field in diag.
 */
SRX_API int srx_rates_check_model(const srx_rate_model *model, srx_diag *diag);

/**
 * @brief Evaluate a rate and, optionally, its gradient.
 * @param model          the rate model
 * @param kind           #SRX_RATE_R1 or #SRX_RATE_R1RHO
 * @param temperature_k  T in K (> 0)
 * @param larmor_hz      nu0 in Hz (> 0)
 * @param spinlock_hz    nu1 in Hz (> 0 for #SRX_RATE_R1RHO, ignored for T1)
 * @param rate_per_s     receives the rate in s^-1
 * @param gradient       NULL, or #SRX_RATES_NPARAM doubles receiving the
 *                       derivatives (see "Gradient layout")
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EDOM, #SRX_ERANGE, #SRX_ENOMEM.
 */
SRX_API int srx_rates_eval(const srx_rate_model *model, srx_rate_kind kind,
                           double temperature_k, double larmor_hz, double spinlock_hz,
                           double *rate_per_s, double *gradient, srx_diag *diag);

/** @brief 1/T1 in s^-1 (shorthand for srx_rates_eval()). */
SRX_API int srx_rates_r1(const srx_rate_model *model, double temperature_k, double larmor_hz,
                         double *r1_per_s, srx_diag *diag);

/** @brief 1/T1rho in s^-1 (shorthand for srx_rates_eval()). */
SRX_API int srx_rates_r1rho(const srx_rate_model *model, double temperature_k,
                            double larmor_hz, double spinlock_hz, double *r1rho_per_s,
                            srx_diag *diag);

/**
 * @brief Where a model's rate is largest, and the uncertainty a fit gives
 *        that temperature.
 *
 * The largest rate between tmin_k and tmax_k: a scan of 512 temperatures
 * evenly spaced in 1/T, then Brent's method (GSL) on ln R between the scan
 * neighbours of the largest interior point (relative precision 1e-10 in T).
 * With a covariance of the model's natural parameters (gradient layout, as
 * in srx_peakfit_result.covariance), the standard uncertainty of T_max to
 * first order through the stationarity of ln R:
 * dT_max/dp = -(d2 ln R / dT dp) / (d2 ln R / dT2), from the analytic
 * gradients differenced in T.  For one BPP process, 1/T1 peaks at
 * omega0 tau = 0.6157951 and 1/T1rho (omega0 >> omega1) at omega1 tau = 0.5.
 * @param model           the rate model
 * @param kind            #SRX_RATE_R1 or #SRX_RATE_R1RHO
 * @param larmor_hz       nu0 in Hz (> 0)
 * @param spinlock_hz     nu1 in Hz (> 0 for #SRX_RATE_R1RHO)
 * @param tmin_k, tmax_k  the interval searched (0 < tmin_k < tmax_k, finite)
 * @param covariance      #SRX_RATES_NPARAM x #SRX_RATES_NPARAM row-major
 *                        (zeros for fixed parameters), or NULL
 * @param t_max_k         receives T_max in K
 * @param t_max_err_k     NULL, or receives u(T_max) in K (0 without a covariance)
 * @param rate_max_per_s  NULL, or receives R(T_max) in s^-1
 * @return #SRX_OK; #SRX_ENODATA when the rate has no maximum inside the
 *         interval (it is largest at an end: the message says which);
 *         #SRX_EINVAL, #SRX_EDOM as srx_rates_eval() and for a bad interval
 *         or a covariance that is not finite; #SRX_ENOMEM.
 */
SRX_API int srx_rates_maximum(const srx_rate_model *model, srx_rate_kind kind, double larmor_hz,
                              double spinlock_hz, double tmin_k, double tmax_k,
                              const double *covariance, double *t_max_k, double *t_max_err_k,
                              double *rate_max_per_s, srx_diag *diag);

/**
 * @brief Homonuclear dipolar coupling: K = (2/3) M2.
 * @param m2_rad2_per_s2   rigid-lattice (Van Vleck) second moment in rad^2 s^-2 (>= 0)
 * @param coupling_per_s2  receives K in s^-2
 */
SRX_API int srx_rates_coupling_from_m2(double m2_rad2_per_s2, double *coupling_per_s2,
                                       srx_diag *diag);

/** @brief Inverse of srx_rates_coupling_from_m2(): M2 = (3/2) K. */
SRX_API int srx_rates_m2_from_coupling(double coupling_per_s2, double *m2_rad2_per_s2,
                                       srx_diag *diag);

/**
 * @brief Quadrupolar coupling of a spin 3/2 in the single-rate
 *        approximation: K = (2 pi^2 / 25) (1 + eta^2 / 3) Cq^2.
 * @param cq_hz  quadrupole coupling constant e^2 q Q / h in Hz
 * @param eta    asymmetry parameter in [0, 1]
 */
SRX_API int srx_rates_coupling_from_cq(double cq_hz, double eta, double *coupling_per_s2,
                                       srx_diag *diag);

/** @brief Inverse of srx_rates_coupling_from_cq(): |Cq| in Hz from K and eta. */
SRX_API int srx_rates_cq_from_coupling(double coupling_per_s2, double eta, double *cq_hz,
                                       srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_RATES_H */
