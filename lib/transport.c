/* transport: Ngai n, Einstein-Smoluchowski D, Nernst-Einstein sigma
 * (physics.md section 5). */
#include <config.h>

#include <math.h>

#include "internal.h"
#include "spinrelax/transport.h"

static int check_value(double x, const char *name, int strictly_positive, srx_diag *diag)
{
    if (isnan(x) || isinf(x))
        return srxi_fail(diag, SRX_EINVAL, "transport: %s = %g is not finite", name, x);
    if (strictly_positive ? !(x > 0.0) : !(x >= 0.0))
        return srxi_fail(diag, SRX_EDOM, "transport: %s = %g must be %s", name, x,
                         strictly_positive ? "positive" : "non-negative");
    return SRX_OK;
}

#define CHECK(x, name, pos)                                                                     \
    do {                                                                                        \
        int check_status_ = check_value((x), (name), (pos), diag);                              \
        if (check_status_)                                                                      \
            return check_status_;                                                               \
    } while (0)

int srx_transport_ngai_n(double e_short_ev, double e_long_ev, double *n, srx_diag *diag)
{
    if (!n)
        return srxi_fail(diag, SRX_EINVAL, "transport: NULL output for Ngai n");
    CHECK(e_short_ev, "e_short_ev", 1);
    CHECK(e_long_ev, "e_long_ev", 1);
    if (e_short_ev > e_long_ev)
        return srxi_fail(diag, SRX_EDOM,
                         "transport: e_short_ev = %g exceeds e_long_ev = %g (n would be negative)",
                         e_short_ev, e_long_ev);
    *n = 1.0 - e_short_ev / e_long_ev;
    return SRX_OK;
}

int srx_transport_ngai_n_err(double e_short_ev, double e_short_err_ev, double e_long_ev,
                             double e_long_err_ev, double *n_err, srx_diag *diag)
{
    double n, a, b;
    int status;
    if (!n_err)
        return srxi_fail(diag, SRX_EINVAL, "transport: NULL output for the Ngai n uncertainty");
    status = srx_transport_ngai_n(e_short_ev, e_long_ev, &n, diag);
    if (status)
        return status;
    CHECK(e_short_err_ev, "e_short_err_ev", 0);
    CHECK(e_long_err_ev, "e_long_err_ev", 0);
    a = e_short_err_ev / e_long_ev;
    b = e_short_ev * e_long_err_ev / (e_long_ev * e_long_ev);
    *n_err = hypot(a, b);
    return SRX_OK;
}

static int check_dimension(int *d, srx_diag *diag)
{
    if (*d == 0)
        *d = 3; /* default: isotropic 3D diffusion */
    if (*d < 1 || *d > 3)
        return srxi_fail(diag, SRX_EDOM, "transport: dimension = %d must be 1, 2 or 3 (0: 3)", *d);
    return SRX_OK;
}

int srx_transport_diffusion_from_rate(double jump_distance_m, double jump_rate_per_s,
                                      int dimension, double *diffusion_m2_per_s, srx_diag *diag)
{
    double d;
    if (!diffusion_m2_per_s)
        return srxi_fail(diag, SRX_EINVAL, "transport: NULL output for D");
    CHECK(jump_distance_m, "jump_distance_m", 1);
    CHECK(jump_rate_per_s, "jump_rate_per_s", 1);
    if (check_dimension(&dimension, diag))
        return SRX_EDOM;
    /* D = a^2 / (2 d tau) */
    d = jump_distance_m * jump_distance_m * jump_rate_per_s / (2.0 * dimension);
    if (!srxi_isfinite(d))
        return srxi_fail(diag, SRX_ERANGE, "transport: D overflows");
    *diffusion_m2_per_s = d;
    return SRX_OK;
}

int srx_transport_rate_from_diffusion(double jump_distance_m, double diffusion_m2_per_s,
                                      int dimension, double *jump_rate_per_s, srx_diag *diag)
{
    double r;
    if (!jump_rate_per_s)
        return srxi_fail(diag, SRX_EINVAL, "transport: NULL output for the jump rate");
    CHECK(jump_distance_m, "jump_distance_m", 1);
    CHECK(diffusion_m2_per_s, "diffusion_m2_per_s", 1);
    if (check_dimension(&dimension, diag))
        return SRX_EDOM;
    r = 2.0 * dimension * diffusion_m2_per_s / (jump_distance_m * jump_distance_m);
    if (!srxi_isfinite(r))
        return srxi_fail(diag, SRX_ERANGE, "transport: jump rate overflows");
    *jump_rate_per_s = r;
    return SRX_OK;
}

static int check_ne(double density, double z, double t, double *haven, srx_diag *diag)
{
    CHECK(density, "carrier_density_per_m3", 1);
    if (isnan(z) || isinf(z))
        return srxi_fail(diag, SRX_EINVAL, "transport: charge_number = %g is not finite", z);
    if (z == 0.0)
        return srxi_fail(diag, SRX_EDOM, "transport: charge_number must be nonzero");
    CHECK(t, "temperature_k", 1);
    if (*haven == 0.0)
        *haven = 1.0; /* no Haven ratio */
    CHECK(*haven, "haven_ratio", 1);
    return SRX_OK;
}

int srx_transport_conductivity_from_diffusion(double diffusion_m2_per_s,
                                              double carrier_density_per_m3, double charge_number,
                                              double temperature_k, double haven_ratio,
                                              double *conductivity_s_per_m, srx_diag *diag)
{
    double q, s;
    int status;
    if (!conductivity_s_per_m)
        return srxi_fail(diag, SRX_EINVAL, "transport: NULL output for sigma");
    CHECK(diffusion_m2_per_s, "diffusion_m2_per_s", 0);
    status = check_ne(carrier_density_per_m3, charge_number, temperature_k, &haven_ratio, diag);
    if (status)
        return status;
    q = charge_number * SRX_ELEMENTARY_CHARGE_C;
    s = carrier_density_per_m3 * q * q * diffusion_m2_per_s /
        (SRX_KB_J_PER_K * temperature_k * haven_ratio);
    if (!srxi_isfinite(s))
        return srxi_fail(diag, SRX_ERANGE, "transport: sigma overflows");
    *conductivity_s_per_m = s;
    return SRX_OK;
}

int srx_transport_diffusion_from_conductivity(double conductivity_s_per_m,
                                              double carrier_density_per_m3, double charge_number,
                                              double temperature_k, double haven_ratio,
                                              double *diffusion_m2_per_s, srx_diag *diag)
{
    double q, d;
    int status;
    if (!diffusion_m2_per_s)
        return srxi_fail(diag, SRX_EINVAL, "transport: NULL output for D");
    CHECK(conductivity_s_per_m, "conductivity_s_per_m", 0);
    status = check_ne(carrier_density_per_m3, charge_number, temperature_k, &haven_ratio, diag);
    if (status)
        return status;
    q = charge_number * SRX_ELEMENTARY_CHARGE_C;
    d = conductivity_s_per_m * SRX_KB_J_PER_K * temperature_k * haven_ratio /
        (carrier_density_per_m3 * q * q);
    if (!srxi_isfinite(d))
        return srxi_fail(diag, SRX_ERANGE, "transport: D overflows");
    *diffusion_m2_per_s = d;
    return SRX_OK;
}
