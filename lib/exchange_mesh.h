/* exchange_mesh: the far field of the exchange powder spectra as a
 * particle-mesh sum (internal; see exchange_mesh.c for the method). */
#ifndef SPINRELAX_EXCHANGE_MESH_H
#define SPINRELAX_EXCHANGE_MESH_H

#include <stddef.h>

typedef struct srxi_xmesh srxi_xmesh;

/* A mesh for n_points output bins.  Positions are in node units: node k
 * sits at the centre of bin k (bin k covers [k - 1/2, k + 1/2)); the mesh
 * holds nodes k in [-pad, n_points + pad), pad = max(n_points / 2, 64).
 * Returns 0 or -1 (out of memory, FFTW planning failed). */
int srxi_xmesh_alloc(size_t n_points, srxi_xmesh **mesh);
void srxi_xmesh_free(srxi_xmesh *mesh);

/* the number of classes whose kernels are kept between spectra (tests) */
void srxi_xmesh_set_cache_max(srxi_xmesh *mesh, int n);

/* starts a spectrum: clears the charges of the previous one */
void srxi_xmesh_begin(srxi_xmesh *mesh);

/* One source: the complex Lorentzian (1/pi) Re[(ar + i ai) / (gamma + i y)]
 * (HWHM gamma in bins, gamma >= 0) times w, its centre spread over the
 * triangle density with corners xa <= xb <= xc (node units; xa == xc: a
 * point).  Its charges go to the mesh; out[i] (bin integrals, n_points of
 * them) receives minus the mesh's own value of this source times a weight
 * s in [0, 1] on the near bins, *n_zone (0 .. 3) ascending disjoint ranges
 * [zone[2 z], zone[2 z + 1]) within the grid, where the caller adds the
 * exact bin integrals of the source times the same weights, zw[] (one per
 * near bin, the ranges' bins in order; at most SRXI_XMESH_ZONE_MAX in all).
 * Returns 0; 1 if the source
 * does not fit the mesh (outside it, wider than its tables, or a width
 * beyond the classes: the caller bins it directly; nothing was changed);
 * -1 out of memory. */
int srxi_xmesh_add(srxi_xmesh *mesh, double xa, double xb, double xc, double gamma, double ar,
                   double ai, double w, double *out, long *zone, int *n_zone, double *zw);

/* the largest number of near bins of one source */
#define SRXI_XMESH_ZONE_MAX 520

/* ends a spectrum: adds the mesh field of all sources to out[0 .. n_points)
 * (bin integrals).  Returns 0 or -1 (out of memory). */
int srxi_xmesh_finish(srxi_xmesh *mesh, double *out);

#endif
