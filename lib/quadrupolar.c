/* quadrupolar: first- and second-order quadrupolar transition frequencies,
 * chemical shift, static and under rotation at any angle.
 *
 * Second order (physics.md section 6; Abragam 1961 ch. VII; P. P. Man,
 * "Quadrupolar interactions", Encyclopedia of NMR): with
 * H/h = nu0 Iz + (nuQ/6) sum_ab v_ab (I_a I_b + I_b I_a), v = V / Vzz in the
 * B0 frame, non-degenerate perturbation theory gives for level m
 *   E2(m) = -(nuQ^2 / (24 nu0)) [f1(m) |rho_1|^2 + f2(m) |rho_2|^2]
 *   f1(m) = (2m+1)^2 (S - m(m+1)) - (2m-1)^2 (S - m(m-1))
 *   f2(m) = [(S - m(m+1))(S - (m+1)(m+2)) - (S - m(m-1))(S - (m-1)(m-2))] / 2
 * with S = I(I+1), rho_{+-1} = -+sqrt(2/3)(v_xz +- i v_yz),
 * rho_{+-2} = (v_xx - v_yy +- 2i v_xy)/sqrt(6); transition m <-> m-1 has
 * nu2 = E2(m) - E2(m-1).  For m = 1/2 this is
 *   -(nuQ^2 / (6 nu0)) (S - 3/4) (2 |rho_1|^2 - |rho_2|^2),
 * whose powder average is nu_QIS and whose closed forms are the A/B/C
 * expressions of physics.md.  Rotation: rho^L_q(psi) = sum_k rho^R_k
 * exp(-i k psi) d^2_kq(beta_R); the time average of |rho^L_q|^2 is
 * sum_k |rho^R_k|^2 d^2_kq(beta_R)^2 (this is the P2/P4 scaling). */
#include <config.h>

#include <math.h>
#include <string.h>

#include "internal.h"
#include "quadrupolar_internal.h"

#define SQRT6 2.44948974278317809820
#define SQRT3_2 1.22474487139158904910 /* sqrt(3/2) */

void srx_quad_site_init(srx_quad_site *site)
{
    if (site)
        memset(site, 0, sizeof *site);
}

static int is_half_multiple(double spin)
{
    double t = 2.0 * spin;
    return srxi_isfinite(spin) && spin > 0.0 && spin <= 20.0 && fabs(t - floor(t + 0.5)) < 1e-9;
}

int srxi_quad_check_spin_m(double spin, double m, srx_diag *diag)
{
    double k;
    if (isnan(spin) || isnan(m))
        return srxi_fail(diag, SRX_EINVAL, "quadrupolar: spin or m is NaN");
    if (!is_half_multiple(spin))
        return srxi_fail(diag, SRX_EDOM, "quadrupolar: spin %g is not a positive multiple of 1/2",
                         spin);
    k = m + spin;
    if (!srxi_isfinite(m) || fabs(k - floor(k + 0.5)) > 1e-9 || m < -spin + 1.0 - 1e-9 ||
        m > spin + 1e-9)
        return srxi_fail(diag, SRX_EDOM,
                         "quadrupolar: m = %g is not a level -I+1..I of spin %g", m, spin);
    return SRX_OK;
}

int srx_quad_site_check(const srx_quad_site *site, double spin, srx_diag *diag)
{
    const double v[] = {site ? site->cq_hz : 0, site ? site->eta : 0, site ? site->shift_hz : 0,
                        site ? site->csa_delta_hz : 0, site ? site->csa_eta : 0,
                        site ? site->csa_alpha_rad : 0, site ? site->csa_beta_rad : 0,
                        site ? site->csa_gamma_rad : 0};
    size_t i;
    if (!site)
        return srxi_fail(diag, SRX_EINVAL, "quadrupolar: site is NULL");
    if (isnan(spin))
        return srxi_fail(diag, SRX_EINVAL, "quadrupolar: spin is NaN");
    for (i = 0; i < sizeof v / sizeof v[0]; i++)
        if (!srxi_isfinite(v[i]))
            return srxi_fail(diag, SRX_EINVAL, "quadrupolar: site has a NaN or infinite field");
    if (!is_half_multiple(spin))
        return srxi_fail(diag, SRX_EDOM, "quadrupolar: spin %g is not a positive multiple of 1/2",
                         spin);
    if (site->cq_hz < 0.0)
        return srxi_fail(diag, SRX_EDOM, "quadrupolar: cq_hz = %g < 0", site->cq_hz);
    if (site->cq_hz > 0.0 && spin < 1.0)
        return srxi_fail(diag, SRX_EDOM, "quadrupolar: spin %g has no quadrupole moment", spin);
    if (site->eta < 0.0 || site->eta > 1.0)
        return srxi_fail(diag, SRX_EDOM, "quadrupolar: eta = %g outside [0, 1]", site->eta);
    if (site->csa_eta < 0.0 || site->csa_eta > 1.0)
        return srxi_fail(diag, SRX_EDOM, "quadrupolar: csa_eta = %g outside [0, 1]", site->csa_eta);
    return SRX_OK;
}

int srx_quad_nuq_hz(double spin, double cq_hz, double *nuq_hz, srx_diag *diag)
{
    if (!nuq_hz || isnan(spin) || isnan(cq_hz) || !srxi_isfinite(cq_hz))
        return srxi_fail(diag, SRX_EINVAL, "quadrupolar: NULL, NaN or infinite argument");
    if (!is_half_multiple(spin) || spin < 1.0)
        return srxi_fail(diag, SRX_EDOM, "quadrupolar: spin %g is not a multiple of 1/2 >= 1", spin);
    *nuq_hz = 3.0 * cq_hz / (2.0 * spin * (2.0 * spin - 1.0));
    return SRX_OK;
}

static int check_ct(double spin, double cq_hz, double eta, double larmor_hz, srx_diag *diag)
{
    if (isnan(spin) || isnan(cq_hz) || isnan(eta) || isnan(larmor_hz) || !srxi_isfinite(cq_hz) ||
        !srxi_isfinite(larmor_hz))
        return srxi_fail(diag, SRX_EINVAL, "quadrupolar: NaN or infinite argument");
    if (!is_half_multiple(spin) || spin < 1.5 || fmod(2.0 * spin, 2.0) == 0.0)
        return srxi_fail(diag, SRX_EDOM,
                         "quadrupolar: spin %g has no central transition (need half-integer >= 3/2)",
                         spin);
    if (eta < 0.0 || eta > 1.0)
        return srxi_fail(diag, SRX_EDOM, "quadrupolar: eta = %g outside [0, 1]", eta);
    if (!(larmor_hz > 0.0))
        return srxi_fail(diag, SRX_EDOM, "quadrupolar: larmor_hz = %g must be > 0", larmor_hz);
    return SRX_OK;
}

int srx_quad_iso_shift_hz(double spin, double cq_hz, double eta, double larmor_hz,
                          double *shift_hz, srx_diag *diag)
{
    double nuq;
    int st;
    if (!shift_hz)
        return srxi_fail(diag, SRX_EINVAL, "quadrupolar: shift_hz is NULL");
    if ((st = check_ct(spin, cq_hz, eta, larmor_hz, diag)) != SRX_OK)
        return st;
    nuq = 3.0 * cq_hz / (2.0 * spin * (2.0 * spin - 1.0));
    *shift_hz = -(nuq * nuq / (30.0 * larmor_hz)) * (spin * (spin + 1.0) - 0.75) *
                (1.0 + eta * eta / 3.0);
    return SRX_OK;
}

int srx_quad_ct_second_order_hz(double spin, double cq_hz, double eta, double larmor_hz, int mas,
                                double theta_rad, double phi_rad, double *nu_hz, srx_diag *diag)
{
    double nuq, c, e2, x, a, b, cc;
    int st;
    if (!nu_hz || isnan(theta_rad) || isnan(phi_rad) || !srxi_isfinite(theta_rad) ||
        !srxi_isfinite(phi_rad))
        return srxi_fail(diag, SRX_EINVAL, "quadrupolar: NULL, NaN or infinite argument");
    if ((st = check_ct(spin, cq_hz, eta, larmor_hz, diag)) != SRX_OK)
        return st;
    nuq = 3.0 * cq_hz / (2.0 * spin * (2.0 * spin - 1.0));
    c = cos(2.0 * phi_rad);
    e2 = eta * eta;
    x = cos(theta_rad);
    x *= x;
    if (!mas) {
        a = -27.0 / 8.0 + 2.25 * eta * c - 0.375 * e2 * c * c;
        b = 30.0 / 8.0 - 0.5 * e2 - 2.0 * eta * c + 0.75 * e2 * c * c;
        cc = -0.375 + e2 / 3.0 - 0.25 * eta * c - 0.375 * e2 * c * c;
    } else {
        a = 21.0 / 16.0 - 0.875 * eta * c + 7.0 / 48.0 * e2 * c * c;
        b = -9.0 / 8.0 + e2 / 12.0 + eta * c - 7.0 / 24.0 * e2 * c * c;
        cc = 5.0 / 16.0 - 0.125 * eta * c + 7.0 / 48.0 * e2 * c * c;
    }
    *nu_hz = -(nuq * nuq / (6.0 * larmor_hz)) * (spin * (spin + 1.0) - 0.75) *
             (a * x * x + b * x + cc);
    return SRX_OK;
}

int srx_quad_transition_weight(double spin, double m, double *weight, srx_diag *diag)
{
    int st;
    if (!weight)
        return srxi_fail(diag, SRX_EINVAL, "quadrupolar: weight is NULL");
    if (is_half_multiple(spin) && spin == 0.5 && m == 0.5) {
        *weight = 1.0;
        return SRX_OK;
    }
    if ((st = srxi_quad_check_spin_m(spin, m, diag)) != SRX_OK)
        return st;
    *weight = spin * (spin + 1.0) - m * (m - 1.0);
    return SRX_OK;
}

/* ------------------------------------------------------------------ kernels */

void srxi_wigner_d2(double beta_rad, double d[5][5])
{
    double c = cos(beta_rad), s = sin(beta_rad);
    int set[5][5], a, b, left;
    memset(set, 0, sizeof set);
#define D(i, j) d[(i) + 2][(j) + 2]
#define SET(i, j, v) (D(i, j) = (v), set[(i) + 2][(j) + 2] = 1)
    SET(2, 2, (1 + c) * (1 + c) / 4);
    SET(2, 1, -s * (1 + c) / 2);
    SET(2, 0, SQRT6 / 4 * s * s);
    SET(2, -1, -s * (1 - c) / 2);
    SET(2, -2, (1 - c) * (1 - c) / 4);
    SET(1, 1, (1 + c) * (2 * c - 1) / 2);
    SET(1, 0, -SQRT3_2 * s * c);
    SET(1, -1, (1 - c) * (2 * c + 1) / 2);
    SET(0, 0, (3 * c * c - 1) / 2);
    /* fill the rest: d_{ab} = (-1)^{a-b} d_{ba} = d_{-b,-a} = (-1)^{a-b} d_{-a,-b} */
    do {
        left = 0;
        for (a = -2; a <= 2; a++)
            for (b = -2; b <= 2; b++) {
                double sg = ((a - b) % 2 == 0) ? 1.0 : -1.0;
                if (set[a + 2][b + 2])
                    continue;
                if (set[b + 2][a + 2])
                    SET(a, b, sg * D(b, a));
                else if (set[-b + 2][-a + 2])
                    SET(a, b, D(-b, -a));
                else if (set[-a + 2][-b + 2])
                    SET(a, b, sg * D(-a, -b));
                else
                    left = 1;
            }
    } while (left);
#undef SET
#undef D
}

void srxi_quad_prepare(const srx_quad_site *site, srxi_quad_prep *p)
{
    memset(p, 0, sizeof *p);
    p->e6 = site->eta / SQRT6;
    p->shift_hz = site->shift_hz;
    if (site->csa_delta_hz != 0.0) {
        /* CSA PAS components rho_0 = delta, rho_{+-2} = delta eta_cs / sqrt 6, rotated to the
         * EFG PAS: rho_j = sum_l rho_l D_lj(a, b, g), D_lj = exp(-i l a) d_lj(b) exp(-i j g) */
        double dd[5][5], pas[5] = {0};
        int j, l;
        srxi_wigner_d2(site->csa_beta_rad, dd);
        pas[0] = pas[4] = site->csa_delta_hz * site->csa_eta / SQRT6;
        pas[2] = site->csa_delta_hz;
        for (j = -2; j <= 2; j++) {
            double re = 0, im = 0;
            for (l = -2; l <= 2; l++) {
                double ph = -(double)l * site->csa_alpha_rad - (double)j * site->csa_gamma_rad;
                double v = pas[l + 2] * dd[l + 2][j + 2];
                re += v * cos(ph);
                im += v * sin(ph);
            }
            p->cs_re[j + 2] = re;
            p->cs_im[j + 2] = im;
        }
        p->has_csa = 1;
    }
}

static double f1(double s, double m)
{
    return (2 * m + 1) * (2 * m + 1) * (s - m * (m + 1)) - (2 * m - 1) * (2 * m - 1) * (s - m * (m - 1));
}

static double f2(double s, double m)
{
    return ((s - m * (m + 1)) * (s - (m + 1) * (m + 2)) - (s - m * (m - 1)) * (s - (m - 1) * (m - 2))) /
           2.0;
}

void srxi_quad_transition(double spin, double m, double nuq_hz, double larmor_hz, srxi_quad_tr *t)
{
    double s = spin * (spin + 1.0), k = nuq_hz * nuq_hz / larmor_hz;
    t->m = m;
    t->first_hz = nuq_hz * (m - 0.5);
    /* nu2 = E2(m) - E2(m-1), E2(m) = -(k/24)[f1 |rho1|^2 + f2 |rho2|^2] */
    t->g1_hz = -k / 24.0 * (f1(s, m) - f1(s, m - 1.0));
    t->g2_hz = -k / 24.0 * (f2(s, m) - f2(s, m - 1.0));
    t->weight = s - m * (m - 1.0);
}

void srxi_rotor_prepare(double rotor_angle_rad, srxi_rotor *r)
{
    int k;
    srxi_wigner_d2(rotor_angle_rad, r->d);
    for (k = 0; k <= 2; k++) {
        /* |rho_{-k}| = |rho_k|: the weights sum both signs of k */
        double a0 = r->d[k + 2][2] * r->d[k + 2][2], a1 = r->d[k + 2][3] * r->d[k + 2][3],
               a2 = r->d[k + 2][4] * r->d[k + 2][4];
        if (k > 0) {
            a0 += r->d[-k + 2][2] * r->d[-k + 2][2];
            a1 += r->d[-k + 2][3] * r->d[-k + 2][3];
            a2 += r->d[-k + 2][4] * r->d[-k + 2][4];
        }
        r->avg0[k] = a0;
        r->avg1[k] = a1;
        r->avg2[k] = a2;
    }
}

void srxi_quad_rotor_frame(const srxi_quad_prep *p, double ca, double sa, const double d[5][5],
                           double q_re[3], double q_im[3], double c_re[3], double c_im[3])
{
    double c2a = ca * ca - sa * sa, s2a = 2.0 * ca * sa;
    int k;
    for (k = 0; k <= 2; k++) {
        /* rho_k = d_0k + e6 (exp(-2ia) d_2k + exp(2ia) d_-2k) */
        double dp = d[4][k + 2], dm = d[0][k + 2];
        q_re[k] = d[2][k + 2] + p->e6 * c2a * (dp + dm);
        q_im[k] = -p->e6 * s2a * (dp - dm);
    }
    if (p->has_csa) {
        /* exp(-i j a) for j = -2..2 */
        double er[5] = {c2a, ca, 1.0, ca, c2a}, ei[5] = {s2a, sa, 0.0, -sa, -s2a};
        int j;
        for (k = 0; k <= 2; k++) {
            double re = 0, im = 0;
            for (j = 0; j < 5; j++) {
                double zr = p->cs_re[j] * er[j] - p->cs_im[j] * ei[j];
                double zi = p->cs_re[j] * ei[j] + p->cs_im[j] * er[j];
                re += zr * d[j][k + 2];
                im += zi * d[j][k + 2];
            }
            c_re[k] = re;
            c_im[k] = im;
        }
    } else {
        for (k = 0; k <= 2; k++)
            c_re[k] = c_im[k] = 0.0;
    }
}

/* full component k = -2..2 from the k >= 0 half: rho_{-k} = (-1)^k conj rho_k */
static void expand(const double re[3], const double im[3], double fr[5], double fi[5])
{
    int k;
    for (k = 0; k <= 2; k++) {
        double sg = (k % 2) ? -1.0 : 1.0;
        fr[k + 2] = re[k];
        fi[k + 2] = im[k];
        fr[-k + 2] = sg * re[k];
        fi[-k + 2] = -sg * im[k];
    }
}

void srxi_quad_fourier(const srxi_quad_prep *p, const srxi_quad_tr *t, const srxi_rotor *r,
                       const double q_re[3], const double q_im[3], const double c_re[3],
                       const double c_im[3], double f_re[5], double f_im[5])
{
    double qr[5], qi[5], cr[5], ci[5];
    double ar[5][3], ai[5][3]; /* A_kq = rho_k d_kq(beta_R), q = 0, 1, 2 */
    int k, q, n;
    expand(q_re, q_im, qr, qi);
    expand(c_re, c_im, cr, ci);
    for (k = 0; k < 5; k++)
        for (q = 0; q < 3; q++) {
            ar[k][q] = qr[k] * r->d[k][q + 2];
            ai[k][q] = qi[k] * r->d[k][q + 2];
        }
    for (n = 0; n <= 4; n++) {
        double re = 0, im = 0, p1r = 0, p1i = 0, p2r = 0, p2i = 0;
        if (n <= 2) {
            re += t->first_hz * ar[n + 2][0] + cr[n + 2] * r->d[n + 2][2];
            im += t->first_hz * ai[n + 2][0] + ci[n + 2] * r->d[n + 2][2];
        }
        /* P_q[n] = sum_k A_kq conj(A_{k-n,q}) */
        for (k = n - 2; k <= 2; k++) {
            int a = k + 2, b = k - n + 2;
            p1r += ar[a][1] * ar[b][1] + ai[a][1] * ai[b][1];
            p1i += ai[a][1] * ar[b][1] - ar[a][1] * ai[b][1];
            p2r += ar[a][2] * ar[b][2] + ai[a][2] * ai[b][2];
            p2i += ai[a][2] * ar[b][2] - ar[a][2] * ai[b][2];
        }
        re += t->g1_hz * p1r + t->g2_hz * p2r;
        im += t->g1_hz * p1i + t->g2_hz * p2i;
        if (n == 0) {
            re += p->shift_hz;
            im = 0.0;
        }
        f_re[n] = re;
        f_im[n] = im;
    }
}

/* ------------------------------------------------------------------ public per-orientation */

static int prep_public(const srx_quad_site *site, double spin, double m, double larmor_hz,
                       double rotor_angle_rad, double alpha_rad, double beta_rad,
                       srxi_quad_prep *p, srxi_quad_tr *t, srxi_rotor *r, double q_re[3],
                       double q_im[3], double c_re[3], double c_im[3], srx_diag *diag)
{
    double d[5][5], nuq;
    int st;
    if ((st = srx_quad_site_check(site, spin, diag)) != SRX_OK)
        return st;
    if ((st = srxi_quad_check_spin_m(spin, m, diag)) != SRX_OK)
        return st;
    if (isnan(larmor_hz) || isnan(rotor_angle_rad) || isnan(alpha_rad) || isnan(beta_rad) ||
        !srxi_isfinite(rotor_angle_rad) || !srxi_isfinite(alpha_rad) || !srxi_isfinite(beta_rad))
        return srxi_fail(diag, SRX_EINVAL, "quadrupolar: NaN or infinite angle or frequency");
    if (!(larmor_hz > 0.0) || !srxi_isfinite(larmor_hz))
        return srxi_fail(diag, SRX_EDOM, "quadrupolar: larmor_hz = %g must be > 0", larmor_hz);
    nuq = site->cq_hz > 0.0 ? 3.0 * site->cq_hz / (2.0 * spin * (2.0 * spin - 1.0)) : 0.0;
    srxi_quad_prepare(site, p);
    srxi_quad_transition(spin, m, nuq, larmor_hz, t);
    srxi_rotor_prepare(rotor_angle_rad, r);
    srxi_wigner_d2(beta_rad, d);
    srxi_quad_rotor_frame(p, cos(alpha_rad), sin(alpha_rad), (const double(*)[5])d, q_re, q_im,
                          c_re, c_im);
    return SRX_OK;
}

int srx_quad_frequency_hz(const srx_quad_site *site, double spin, double m, double larmor_hz,
                          double rotor_angle_rad, double alpha_rad, double beta_rad, double *nu_hz,
                          srx_diag *diag)
{
    srxi_quad_prep p;
    srxi_quad_tr t;
    srxi_rotor r;
    double qr[3], qi[3], cr[3], ci[3];
    int st;
    if (!nu_hz)
        return srxi_fail(diag, SRX_EINVAL, "quadrupolar: nu_hz is NULL");
    st = prep_public(site, spin, m, larmor_hz, rotor_angle_rad, alpha_rad, beta_rad, &p, &t, &r,
                     qr, qi, cr, ci, diag);
    if (st != SRX_OK)
        return st;
    *nu_hz = srxi_quad_avg(&p, &t, &r, qr, qi, cr);
    return SRX_OK;
}

int srx_quad_fourier_hz(const srx_quad_site *site, double spin, double m, double larmor_hz,
                        double rotor_angle_rad, double alpha_rad, double beta_rad, double c_re[5],
                        double c_im[5], srx_diag *diag)
{
    srxi_quad_prep p;
    srxi_quad_tr t;
    srxi_rotor r;
    double qr[3], qi[3], cr[3], ci[3];
    int st;
    if (!c_re || !c_im)
        return srxi_fail(diag, SRX_EINVAL, "quadrupolar: output array is NULL");
    st = prep_public(site, spin, m, larmor_hz, rotor_angle_rad, alpha_rad, beta_rad, &p, &t, &r,
                     qr, qi, cr, ci, diag);
    if (st != SRX_OK)
        return st;
    srxi_quad_fourier(&p, &t, &r, qr, qi, cr, ci, c_re, c_im);
    return SRX_OK;
}

int srx_quad_frequencies_hz(const srx_quad_site *site, double spin, double m, double larmor_hz,
                            double rotor_angle_rad, const double *alpha_rad,
                            const double *beta_rad, size_t n, double *nu_hz, srx_diag *diag)
{
    srxi_quad_prep p;
    srxi_quad_tr t;
    srxi_rotor r;
    double qr[3], qi[3], cr[3], ci[3];
    size_t i;
    int st;
    if (n > 0 && (!alpha_rad || !beta_rad || !nu_hz))
        return srxi_fail(diag, SRX_EINVAL, "quadrupolar: NULL array");
    for (i = 0; i < n; i++)
        if (!srxi_isfinite(alpha_rad[i]) || !srxi_isfinite(beta_rad[i]))
            return srxi_fail(diag, SRX_EINVAL, "quadrupolar: orientation %zu is NaN or infinite", i);
    st = prep_public(site, spin, m, larmor_hz, rotor_angle_rad, 0.0, 0.0, &p, &t, &r, qr, qi, cr,
                     ci, diag);
    if (st != SRX_OK)
        return st;
    for (i = 0; i < n; i++) {
        double d[5][5];
        srxi_wigner_d2(beta_rad[i], d);
        srxi_quad_rotor_frame(&p, cos(alpha_rad[i]), sin(alpha_rad[i]), (const double(*)[5])d, qr,
                              qi, cr, ci);
        nu_hz[i] = srxi_quad_avg(&p, &t, &r, qr, qi, cr);
    }
    return SRX_OK;
}
