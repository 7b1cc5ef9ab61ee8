/**
 * @file spinrelax/powder.h
 * @brief Orientation sets for powder averages: a triangulated octant,
 *        hemisphere or sphere with weights, and exact binning of the
 *        piecewise-linear ("tent") density of each triangle.
 *
 * The set is the ASG construction (D. W. Alderman, M. S. Solum, D. M. Grant,
 * J. Chem. Phys. 84 (1986) 3717): each octant face i + j + k = N of the
 * octahedron is divided into N^2 triangles, whose corners (i, j, k) / |(i, j, k)|
 * are projected on the unit sphere.  Each triangle's weight is its exact
 * spherical solid angle (Van Oosterom and Strackee, IEEE Trans. Biomed. Eng.
 * 30 (1983) 125), normalised over the set.  A spectrum is built by giving a
 * frequency at each corner; within a triangle the frequency is taken as
 * linear, so the triangle's intensity spreads over [f_min, f_max] with a
 * tent-shaped density (linear rise to the middle corner frequency, linear
 * fall), which is integrated exactly over each frequency bin.
 *
 * Orientations are Euler angles (alpha, beta) from the interaction's PAS to
 * the rotor (or B0) frame, i.e. (phi, theta) of the rotor axis in the PAS.
 */
#ifndef SPINRELAX_POWDER_H
#define SPINRELAX_POWDER_H

#include "spinrelax/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Region of the unit sphere covered by an orientation set. */
typedef enum srx_powder_domain {
    SRX_POWDER_OCTANT = 0,     /**< x, y, z >= 0: enough for tensors sharing one PAS */
    SRX_POWDER_HEMISPHERE = 1, /**< z >= 0: enough for any set of rank-2 tensors */
    SRX_POWDER_SPHERE = 2      /**< the whole sphere */
} srx_powder_domain;

/** Opaque triangulated orientation set. */
typedef struct srx_powder srx_powder;

/**
 * @brief Build an ASG orientation set with n_divisions per octant edge.
 *
 * An octant has (N+1)(N+2)/2 corners and N^2 triangles (corners on shared
 * edges are repeated for the hemisphere and sphere).
 * @param n_divisions  N, 1 ... 4096
 * @param domain       region covered
 * @param out          receives the new set (free with srx_powder_free())
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EDOM or #SRX_ENOMEM.
 */
SRX_API int srx_powder_alloc(int n_divisions, srx_powder_domain domain, srx_powder **out,
                             srx_diag *diag);

/** @brief Free a set (NULL is a no-op). */
SRX_API void srx_powder_free(srx_powder *powder);

/** @brief Number of orientations (triangle corners). */
SRX_API size_t srx_powder_n_orientations(const srx_powder *powder);

/** @brief Number of triangles. */
SRX_API size_t srx_powder_n_triangles(const srx_powder *powder);

/** @brief Number of divisions per octant edge given at alloc time. */
SRX_API int srx_powder_n_divisions(const srx_powder *powder);

/** @brief Euler angle alpha (= phi) of each orientation, radians; owned by the set. */
SRX_API const double *srx_powder_alpha_rad(const srx_powder *powder);

/** @brief Euler angle beta (= theta) of each orientation, radians; owned by the set. */
SRX_API const double *srx_powder_beta_rad(const srx_powder *powder);

/**
 * @brief Weight of each orientation (one third of the solid angle of the
 *        triangles it belongs to, normalised to sum 1): for plain sums
 *        without interpolation.  Owned by the set.
 */
SRX_API const double *srx_powder_weights(const srx_powder *powder);

/** @brief Corner indices, three per triangle (3 * n_triangles entries); owned by the set. */
SRX_API const size_t *srx_powder_triangles(const srx_powder *powder);

/** @brief Solid angle of each triangle, normalised to sum 1; owned by the set. */
SRX_API const double *srx_powder_triangle_weights(const srx_powder *powder);

/**
 * @brief Add the tent density of one triangle to histogram bins.
 *
 * Bin i is centred at first_hz + i spacing_hz and spans half a spacing each
 * side.  The density is linear from f_a, f_b, f_c (any order) as described
 * above, of total area `weight`; the part outside the bins is dropped.
 * Degenerate triangles (all frequencies within 1e-9 bin) go to one bin.
 * @return #SRX_OK, #SRX_EINVAL (NULL, NaN, Inf, spacing <= 0, n = 0).
 */
SRX_API int srx_powder_bin_tent(double f_a_hz, double f_b_hz, double f_c_hz, double weight,
                                double first_hz, double spacing_hz, size_t n, double *bins);

/**
 * @brief Interpolated powder sum: add every triangle of the set, with corner
 *        frequencies freq_hz[corner] and intensity
 *        scale * triangle_weight * mean(amplitude of its corners) (amplitude
 *        NULL: 1), to the bins (bin i centred at first_hz + i spacing_hz).
 * @return #SRX_OK or #SRX_EINVAL (NULL, NaN or infinite input, spacing <= 0).
 */
SRX_API int srx_powder_interpolate(const srx_powder *powder, const double *freq_hz,
                                   const double *amplitude, double scale, double first_hz,
                                   double spacing_hz, size_t n, double *bins, srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_POWDER_H */
