/* nucleus: isotope table and Larmor frequencies.
 *
 * gamma (1e7 rad s^-1 T^-1), spin, abundance (%) and Xi (%): Harris et al.,
 * Pure Appl. Chem. 73 (2001) 1795, Table 1.  1H gamma: CODATA 2018
 * (2.6752218744e8 rad s^-1 T^-1).  Q (fm^2 = 1e-30 m^2): Pyykkoe, Mol. Phys.
 * 106 (2008) 1965. */
#include <config.h>

#include <ctype.h>
#include <math.h>
#include <string.h>

#include "internal.h"
#include "spinrelax/nucleus.h"

#define FM2 1e-30

static const srx_nucleus table[] = {
    /* label   I    gamma (rad/s/T)     Q (m^2)          abundance    Xi (%) */
    {"1H", 0.5, 26.7522187440e7, 0.0, 0.999885, 100.000000},
    {"2H", 1.0, 4.10662791e7, 0.286 * FM2, 0.000115, 15.350609},
    {"6Li", 1.0, 3.9371709e7, -0.0808 * FM2, 0.0759, 14.716086},
    {"7Li", 1.5, 10.3977013e7, -4.01 * FM2, 0.9241, 38.863797},
    {"13C", 0.5, 6.728284e7, 0.0, 0.0107, 25.145020},
    {"15N", 0.5, -2.71261804e7, 0.0, 0.00368, 10.136767},
    {"17O", 2.5, -3.62808e7, -2.558 * FM2, 0.00038, 13.556457},
    {"19F", 0.5, 25.18148e7, 0.0, 1.0, 94.094011},
    {"23Na", 1.5, 7.0808493e7, 10.4 * FM2, 1.0, 26.451900},
    {"27Al", 2.5, 6.9762715e7, 14.66 * FM2, 1.0, 26.056859},
    {"29Si", 0.5, -5.3190e7, 0.0, 0.046832, 19.867187},
    {"31P", 0.5, 10.8394e7, 0.0, 1.0, 40.480742},
};

#define TABLE_LEN (sizeof table / sizeof table[0])

size_t srx_nucleus_count(void)
{
    return TABLE_LEN;
}

int srx_nucleus_get(size_t index, srx_nucleus *out)
{
    if (!out || index >= TABLE_LEN)
        return SRX_EINVAL;
    *out = table[index];
    return SRX_OK;
}

static int label_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

int srx_nucleus_lookup(const char *label, srx_nucleus *out, srx_diag *diag)
{
    size_t i;
    if (!label || !out)
        return srxi_fail(diag, SRX_EINVAL, "nucleus: NULL argument");
    for (i = 0; i < TABLE_LEN; i++) {
        if (label_equal(label, table[i].label)) {
            *out = table[i];
            return SRX_OK;
        }
    }
    return srxi_fail(diag, SRX_ENOTFOUND, "nucleus: unknown isotope '%.64s'", label);
}

int srx_nucleus_larmor_hz(const srx_nucleus *nucleus, double b0_t, double *larmor_hz,
                          srx_diag *diag)
{
    if (!nucleus || !larmor_hz)
        return srxi_fail(diag, SRX_EINVAL, "nucleus: NULL argument");
    if (!srxi_isfinite(b0_t) || b0_t <= 0.0)
        return srxi_fail(diag, SRX_EDOM, "nucleus: field b0_t = %g T must be positive and finite",
                         b0_t);
    *larmor_hz = fabs(nucleus->gamma_rad_per_s_per_t) * b0_t / (2.0 * SRXI_PI);
    return SRX_OK;
}

int srx_nucleus_from_ratio(double larmor_hz, double proton_hz, srx_nucleus *out,
                           double *relative_mismatch, srx_diag *diag)
{
    double xi, best = HUGE_VAL;
    size_t i, ibest = 0;
    if (!out)
        return srxi_fail(diag, SRX_EINVAL, "nucleus: NULL argument");
    if (!srxi_isfinite(larmor_hz) || !srxi_isfinite(proton_hz) || larmor_hz <= 0.0 ||
        proton_hz <= 0.0)
        return srxi_fail(diag, SRX_EDOM,
                         "nucleus: frequencies must be positive and finite (got %g Hz, %g Hz)",
                         larmor_hz, proton_hz);
    xi = 100.0 * larmor_hz / proton_hz;
    for (i = 0; i < TABLE_LEN; i++) {
        double d = fabs(xi / table[i].xi_percent - 1.0);
        if (d < best) {
            best = d;
            ibest = i;
        }
    }
    *out = table[ibest];
    if (relative_mismatch)
        *relative_mismatch = best;
    return SRX_OK;
}
