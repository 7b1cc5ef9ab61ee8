/* Internal fast kernels of the quadrupolar module, shared with powder and
 * lineshape (and reusable by narrowing).  Not installed. */
#ifndef SPINRELAX_QUADRUPOLAR_INTERNAL_H
#define SPINRELAX_QUADRUPOLAR_INTERNAL_H

#include "spinrelax/quadrupolar.h"

/* Wigner d^2_{jk}(beta) in d[j + 2][k + 2] (Varshalovich / Sakurai convention). */
void srxi_wigner_d2(double beta_rad, double d[5][5]);

/* A site prepared for fast evaluation. */
typedef struct srxi_quad_prep {
    double e6;         /* eta / sqrt(6): PAS component rho_{+-2} of the normalised EFG */
    double shift_hz;
    int has_csa;
    double cs_re[5], cs_im[5]; /* CSA rank-2 components in the EFG PAS (Hz), index j + 2 */
} srxi_quad_prep;

/* One transition m <-> m-1 prepared: nu = first * rho0 + g1 |rho1|^2 + g2 |rho2|^2 */
typedef struct srxi_quad_tr {
    double m;
    double first_hz; /* nuQ (m - 1/2) */
    double g1_hz;    /* (nuQ^2 / nu0) g1(m) */
    double g2_hz;    /* (nuQ^2 / nu0) g2(m) */
    double weight;   /* I(I+1) - m(m-1) */
} srxi_quad_tr;

/* A rotor condition prepared. */
typedef struct srxi_rotor {
    double d[5][5];  /* d^2(beta_R) */
    double avg0[3];  /* time average weights of |rho_k|^2, k = 0,1,2 (both signs summed) for q = 0 */
    double avg1[3];  /* ... for |rho^L_1|^2 */
    double avg2[3];  /* ... for |rho^L_2|^2 */
} srxi_rotor;

void srxi_quad_prepare(const srx_quad_site *site, srxi_quad_prep *p);
void srxi_quad_transition(double spin, double m, double nuq_hz, double larmor_hz, srxi_quad_tr *t);
void srxi_rotor_prepare(double rotor_angle_rad, srxi_rotor *r);

/* Rotor-frame components rho_k (k = 0, 1, 2; rho_{-k} = (-1)^k conj rho_k) of the
 * normalised EFG and of the CSA (Hz) for a crystallite with Euler angles
 * (alpha, 0 .. via c2a = cos 2alpha, s2a = sin 2alpha, ca = cos alpha, sa = sin alpha)
 * and d = d^2(beta). */
void srxi_quad_rotor_frame(const srxi_quad_prep *p, double ca, double sa, const double d[5][5],
                           double q_re[3], double q_im[3], double c_re[3], double c_im[3]);

/* Time-averaged frequency (Hz) of a transition from rotor-frame components. */
static inline double srxi_quad_avg(const srxi_quad_prep *p, const srxi_quad_tr *t,
                                   const srxi_rotor *r, const double q_re[3],
                                   const double q_im[3], const double c_re[3])
{
    double a0 = q_re[0] * q_re[0];
    double a1 = q_re[1] * q_re[1] + q_im[1] * q_im[1];
    double a2 = q_re[2] * q_re[2] + q_im[2] * q_im[2];
    double p2 = r->d[2][2];
    double nu = p->shift_hz + (t->first_hz * q_re[0] + c_re[0]) * p2;
    nu += t->g1_hz * (r->avg1[0] * a0 + r->avg1[1] * a1 + r->avg1[2] * a2);
    nu += t->g2_hz * (r->avg2[0] * a0 + r->avg2[1] * a1 + r->avg2[2] * a2);
    return nu;
}

/* Fourier coefficients c_n (n = 0..4) of nu(psi) = sum_n c_n exp(-i n psi). */
void srxi_quad_fourier(const srxi_quad_prep *p, const srxi_quad_tr *t, const srxi_rotor *r,
                       const double q_re[3], const double q_im[3], const double c_re[3],
                       const double c_im[3], double f_re[5], double f_im[5]);

/* Validate spin (positive multiple of 1/2) and m; returns status. */
int srxi_quad_check_spin_m(double spin, double m, srx_diag *diag);

#endif
