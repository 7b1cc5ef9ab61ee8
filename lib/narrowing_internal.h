/* narrowing: internal knobs for the convergence tests.  Not installed. */
#ifndef SPINRELAX_NARROWING_INTERNAL_H
#define SPINRELAX_NARROWING_INTERNAL_H

#include <stddef.h>

#include "spinrelax/narrowing.h"

/* Scale the automatic resolution: the time step is divided by dt_divisor
 * (>= 1: 2 halves dt) and the FID length multiplied by length_factor (>= 1).
 * The defaults are 1 and 1.  Returns SRX_OK or SRX_EINVAL. */
int srxi_narrowing_set_resolution(srx_narrowing *nw, double dt_divisor, double length_factor);

/* The grid chosen by the last successful computation: time step (s), number
 * of non-zero samples of G, and DCT length minus one (a power of two). */
void srxi_narrowing_last_grid(const srx_narrowing *nw, double *dt_s, size_t *n_samples,
                              size_t *n_transform);

#endif
