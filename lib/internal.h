/* Internal helpers shared by the library's modules.  Not installed.
 * Internal functions carry the prefix srxi_ and are never exported. */
#ifndef SPINRELAX_INTERNAL_H
#define SPINRELAX_INTERNAL_H

#include <math.h>
#include <stdarg.h>

#include "spinrelax/common.h"

#if defined(__GNUC__)
#define SRXI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SRXI_PRINTF(a, b)
#endif

/* Write a formatted message into diag (if not NULL) and return code. */
int srxi_fail(srx_diag *diag, int code, const char *fmt, ...) SRXI_PRINTF(3, 4);

/* Prefix an existing diag message with "prefix: " (no-op for NULL diag). */
void srxi_diag_prefix(srx_diag *diag, const char *fmt, ...) SRXI_PRINTF(2, 3);

#define SRXI_PI 3.14159265358979323846

static inline int srxi_isfinite(double x) { return isfinite(x) != 0; }

/* exchange.c, for tests: one tent (the line of HWHM g_hz and amplitude
 * cr + i ci, its centre spread over the triangle density with corners pa,
 * pb, pc, Hz) binned as the powder code bins it, as a density (1/Hz) on
 * n_points bins centred at first_hz + i spacing_hz; pa == pb == pc: the
 * line at pa.  mode 0: directly (exact near zone, the centroid line with
 * moment corrections beyond); 1: the same with the coarse far field; 2:
 * through the particle mesh (exchange_mesh.c) with exact near zones; 3:
 * exactly over every bin (as tail_tol = 0).
 * Returns SRX_OK, SRX_ENOMEM, or SRX_EINVAL when the source does not fit
 * the mesh (mode 2). */
int srxi_exchange_tent_binned(double pa, double pb, double pc, double g_hz, double cr, double ci,
                              double first_hz, double spacing_hz, size_t n_points, int mode,
                              double *out);

/* exchange.c, for tests: keep the FFT-mesh kernels of at most n width
 * classes between spectra */
struct srx_exchange_sim;
void srxi_exchange_sim_set_cache(struct srx_exchange_sim *sim, int n);

#endif
