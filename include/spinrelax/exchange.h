/**
 * @file spinrelax/exchange.h
 * @brief Exchange-narrowed line shapes: a spin hopping among N sites with
 *        different frequencies (e.g. quadrupolar central transitions of
 *        sites whose EFG tensors differ in orientation or size), solved
 *        exactly per orientation and powder-averaged.
 *
 * Physics.  The transverse magnetisation m_j of the spins on site j obeys
 * the Anderson / Kubo-Sack / McConnell equations
 *
 *     dm/dt = (i 2 pi diag(nu) + K^T) m,   m(0) = p,   s(t) = sum_j m_j(t)
 *
 * (P. W. Anderson, J. Phys. Soc. Jpn. 9 (1954) 316; H. M. McConnell,
 * J. Chem. Phys. 28 (1958) 430; J. Jeener et al., J. Chem. Phys. 71 (1979)
 * 4546 for the form), with nu_j the site frequency in this orientation,
 * p_j the populations and the jump matrix of docs/cli.md: site i jumps to
 * site j != i with rate k_ij = K p_j N / (N - 1), k_ii = -sum_{j != i} k_ij.
 * Detailed balance p_i k_ij = p_j k_ji holds, so with D = diag(sqrt p) the
 * matrix B = D^-1 (i 2 pi diag(nu) + K^T) D = i 2 pi diag(nu) + K_s, K_s real
 * symmetric, is complex symmetric.  Its eigen-decomposition B = V diag(lambda)
 * V^T with V^T V = 1 then needs no matrix inverse: the free induction decay
 * is s(t) = sum_k c_k exp(lambda_k t) with c_k = (sqrt(p)^T v_k)^2 / (v_k^T v_k)
 * (unconjugated products; sum_k c_k = 1), and the spectrum is the closed-form
 * sum of complex Lorentzians
 *
 *     S(nu) = (1/pi) Re sum_k c_k / (g_k + i (nu - nu_k)),
 *     lambda_k = -2 pi g_k + i 2 pi nu_k,
 *
 * of unit area (absorptive part Re c_k, dispersive part Im c_k).  There is
 * no time stepping.  The eigenvalues are found by a complex shifted QR
 * iteration written for these small matrices (no GSL call that could reach
 * GSL's error handler); near an exceptional point (v^T v -> 0, e.g. the
 * coalescence of two sites, k = pi |nu_1 - nu_2|) the rate is moved by
 * 1e-7 relative, which changes the spectrum by about as much.
 *
 * Binning.  Each Lorentzian is integrated exactly over every frequency bin
 * with its antiderivative (1/pi)[Re c atan((nu - nu_k)/g) + Im c ln|g + i
 * (nu - nu_k)|], so lines narrower than a bin keep their area and position;
 * then the orientations are summed with their weights.
 *
 * Quadrupolar sites (srx_exchange_sim_alloc()): each site's EFG principal
 * axis frame (PAS) is reached from a common crystal frame by ZYZ Euler angles
 * (alpha, beta, gamma) (the PAS axes are the columns of Rz(alpha) Ry(beta)
 * Rz(gamma) in crystal coordinates).  The direction of B0 (static) or of the
 * rotor axis (infinitely fast MAS) is sampled in the crystal frame over a
 * hemisphere (the central-transition frequency is even in the direction:
 * the sites break the octant symmetry, not the inversion) with the ASG
 * orientation set of spinrelax/powder.h, and each site's frequency is the
 * second-order central-transition frequency of physics.md section 6 plus its
 * isotropic shift.  The lines are computed at the corners of the set's
 * triangles and interpolated across each triangle (ASG): a line narrower
 * than its spread over the triangle is binned as the exact convolution of
 * the triangle's tent density with a Lorentzian (#srx_exchange_conditions
 * field `tents`), so that slow and fast exchange converge with the number
 * of orientations as the static line shapes of spinrelax/lineshape.h do,
 * instead of as a histogram.
 *
 * Far field (srx_exchange_sim_spectrum() with tail_tol > 0).  A powder
 * spectrum is a sum of some 10^5 such sources (lines and tents), whose
 * tails reach the whole window.  Each source is binned exactly only in its
 * near zone (where |g + i d| < 4 bins around the corners of a tent wider
 * than 8 bins, 12 bins around a single line or a tent narrower than 2
 * bins, linearly between; the whole tent for a dispersive line narrower
 * than 2.5 bins; blended smoothly into the mesh over one more bin, so that
 * the spectrum is continuous in the parameters); everything else goes through
 * a particle mesh: the source
 * leaves charges on the bin centres (cubic Lagrange weights, integrated over
 * a tent's density), split over six width classes (widths 0, 1/2, ... 4
 * bins, then a factor 1.1 apart; Lagrange weights in the width), and each
 * class's charges are convolved with its exactly bin-integrated Lorentzian by
 * FFT (FFTW; linear, not circular, convolution over the window and half a
 * window each side; the kernels' transforms are made when a class is first
 * used and kept by the simulator).  The mesh's own value of the source is
 * subtracted in the near zone.  Against binning every source exactly over
 * every bin (tail_tol = 0): within 5e-5 of the peak (tests); single lines
 * and tents against quadrature or exact binning (5000 random ones): within
 * 1.1e-4 of their peak.  Sources beyond
 * the mesh (windows that cut the pattern) are binned directly over a window
 * bounded by tail_tol, with the coarse far field of srx_exchange_spectrum().
 *
 * Threads: one object, one thread at a time.
 */
#ifndef SPINRELAX_EXCHANGE_H
#define SPINRELAX_EXCHANGE_H

#include <stddef.h>

#include "spinrelax/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest number of sites. */
#define SRX_EXCHANGE_MAX_SITES 16

/**
 * @brief The jump matrix of docs/cli.md.
 * @param n_sites     N, 2 .. #SRX_EXCHANGE_MAX_SITES
 * @param population  N relative populations (>= 0, finite, not all 0; normalised
 *                    here), or NULL for equal populations
 * @param rate_per_s  K (>= 0, finite): with equal populations every site is
 *                    left at rate K (K = 1 / mean residence time)
 * @param k_per_s     receives N x N row-major: k[i N + j] = rate of i -> j
 *                    (i != j) = K p_j N / (N - 1); k[i N + i] = -sum of the row
 * @return #SRX_OK, #SRX_EINVAL.
 */
SRX_API int srx_exchange_rate_matrix(size_t n_sites, const double *population, double rate_per_s,
                                     double *k_per_s, srx_diag *diag);

/** @brief Opaque workspace for the N-site problem (no allocation in the compute calls). */
typedef struct srx_exchange srx_exchange;

/**
 * @brief Allocate a workspace for n_sites sites.
 * @return #SRX_OK, #SRX_EINVAL (NULL, n_sites outside 2 .. #SRX_EXCHANGE_MAX_SITES), #SRX_ENOMEM.
 */
SRX_API int srx_exchange_alloc(size_t n_sites, srx_exchange **ex, srx_diag *diag);

/** @brief Free a workspace (NULL is a no-op). */
SRX_API void srx_exchange_free(srx_exchange *ex);

/** @brief Number of sites of a workspace (0 for NULL). */
SRX_API size_t srx_exchange_n_sites(const srx_exchange *ex);

/**
 * @brief The N complex Lorentzians of one orientation.
 *
 * S(nu) = (1/pi) Re sum_k (amp_re[k] + i amp_im[k]) / (hwhm_hz[k] + i (nu - freq_hz[k])).
 * @param population   N relative populations or NULL (equal)
 * @param rate_per_s   K >= 0 (0: the lines are the sites, amplitudes p_j)
 * @param site_freq_hz N site frequencies in Hz (finite)
 * @param freq_hz, hwhm_hz, amp_re, amp_im  receive N values each
 * @return #SRX_OK, #SRX_EINVAL, #SRX_ENOCONV (the QR iteration did not
 *         converge; not seen in practice).
 */
SRX_API int srx_exchange_lines(srx_exchange *ex, const double *population, double rate_per_s,
                               const double *site_freq_hz, double *freq_hz, double *hwhm_hz,
                               double *amp_re, double *amp_im, srx_diag *diag);

/**
 * @brief Powder spectrum from per-orientation site frequencies.
 *
 * Bin i is centred at first_hz + i spacing_hz and spans half a spacing each
 * side; intensity[i] receives the weighted sum over orientations of the
 * spectrum integrated over the bin, divided by spacing_hz (a density in
 * 1/Hz).  The weights are normalised to sum 1, so sum(intensity) spacing is
 * the fraction of the total intensity that falls inside the window (1 for
 * a window that holds the whole line, up to the Lorentzian tails).  A
 * Lorentzian broadening of FWHM lb_hz adds lb_hz / 2 to every line's
 * half-width (exact).  intensity is overwritten.
 *
 * Cost and the tail tolerance.  With tail_tol = 0 every line is integrated
 * exactly over every bin (N (atan + log) per bin edge and orientation).
 * With tail_tol > 0 each line is exact within 12 bins (as |g + i x|) of its
 * centre and reaches the rest of the window through the FFT mesh described
 * at the top (within 6e-5 of a line's peak, 1e-5 of a powder pattern's;
 * tests), at a cost of a few dozen operations per line plus one FFT per
 * width class in use; the mesh (made by the first such call for n_points,
 * then reused) covers the window and half a window on each side.  Lines
 * beyond it are binned directly over a window around the orientation's
 * lines, widened (doubling from 8 bins) until the lines' density at its
 * edges times the distance, an upper bound of the area of tails falling at
 * least as x^-2, is below tail_tol (per unit area of that orientation; no
 * credit for cancellation between the lines' dispersive parts): exact
 * within 32 bins, 2-point Gauss-Legendre beyond, the far tails on coarse
 * nodes every 12 and 96 bins interpolated once (within 3e-4 of the peak of
 * the exact evaluation; tests).
 * @param n_orient     number of orientations (>= 1)
 * @param site_freq_hz n_orient x N row-major site frequencies in Hz
 * @param weight       n_orient weights (>= 0, finite, not all 0) or NULL (equal)
 * @param lb_hz        Lorentzian broadening FWHM in Hz (>= 0)
 * @param tail_tol     neglected tail area per orientation, in [0, 1) (0: exact)
 * @param first_hz, spacing_hz, n_points  the grid (spacing > 0, n_points >= 1)
 * @return #SRX_OK, #SRX_EINVAL, #SRX_ENOCONV, #SRX_ENOMEM.
 */
SRX_API int srx_exchange_spectrum(srx_exchange *ex, const double *population, double rate_per_s,
                                  size_t n_orient, const double *site_freq_hz,
                                  const double *weight, double lb_hz, double tail_tol,
                                  double first_hz, double spacing_hz, size_t n_points,
                                  double *intensity, srx_diag *diag);

/* ------------------------------------------------------------ quadrupolar sites, powder */

/** @brief One site of a quadrupolar exchange problem. */
typedef struct srx_exchange_site {
    double cq_hz;      /**< quadrupole coupling constant Cq in Hz (>= 0) */
    double eta;        /**< EFG asymmetry in [0, 1] */
    double alpha_rad;  /**< ZYZ Euler angles crystal frame -> the site's EFG PAS, radians */
    double beta_rad;   /**< (see alpha_rad) */
    double gamma_rad;  /**< (see alpha_rad) */
    double shift_hz;   /**< isotropic chemical shift as a frequency offset in Hz */
    double population; /**< relative population (>= 0; normalised over the sites) */
} srx_exchange_site;

/** @brief Condition, grid and numerics of a simulation (see srx_exchange_conditions_init()). */
typedef struct srx_exchange_conditions {
    double spin;        /**< nuclear spin I, half-integer >= 3/2 */
    double larmor_hz;   /**< Larmor frequency nu0 in Hz (> 0) */
    int mas;            /**< 0: static; 1: infinitely fast magic-angle spinning */
    size_t n_points;    /**< grid points (>= 2; default 4096) */
    double span_hz;     /**< window width W (> 0): points centre - W/2 + i W/N, like `lineshape` */
    double center_hz;   /**< window centre (default 0) */
    double lb_hz;       /**< Lorentzian broadening FWHM in Hz (default 0; exact: added to every line's width) */
    double gb_hz;       /**< Gaussian broadening FWHM in Hz (default 0; convolution with the bin-integrated Gaussian) */
    int n_divisions;    /**< ASG divisions per octant edge of the hemisphere orientation set (default 64; about 4 N^2 orientations) */
    /** > 0 (default 1e-6): far field through the FFT mesh (see above); the
     *  tail tolerance of srx_exchange_spectrum() for sources beyond the mesh.
     *  0: no mesh, every tent and line binned exactly over every bin (a slow
     *  reference: O(points) per source). */
    double tail_tol;
    /** 1 (default): interpolate across each triangle of the set: the lines of
     *  the three corners are paired (the permutation closest in frequency,
     *  width and amplitude), and a line narrower than its frequency spread
     *  over the triangle is binned as the exact convolution of the
     *  triangle's tent density (ASG) with the Lorentzian of the mean width
     *  and amplitude (second divided differences of its third
     *  antiderivative), broader lines as the three corner lines (their
     *  weights summed per orientation, each line binned once).  Tents and
     *  lines are exact in their near zones and reach the rest of the window
     *  through the mesh (see "Far field" above).  Sources beyond the mesh
     *  are binned directly: the tent exact out to where |g + i (nu -
     *  centroid)| reaches 5 standard deviations of the tent, beyond it the
     *  line at the centroid with the tent's variance, third and fourth
     *  moments (remainder about 5 (sd / |g + i x|)^6 of the local value);
     *  lines exact within 4 bins, other bins from the values at the bin
     *  centres with a second-difference correction (error 13/5760 spacing^4
     *  times the fourth derivative); against quadrature of single tents
     *  within 1.5e-4 of the peak and 4e-5 in L1 (3e-4 and 2e-4 with the
     *  coarse far field; tests).  0: plain weighted sums over the
     *  orientations (srx_exchange_spectrum()). */
    int tents;
} srx_exchange_conditions;

/** @brief Defaults: spin 0 and larmor_hz 0 (must be set), static, 4096 points,
 *         span 0 (must be set), centre 0, no broadening, 64 divisions, tail_tol 1e-6,
 *         tents 1. */
SRX_API void srx_exchange_conditions_init(srx_exchange_conditions *c);

/** @brief Opaque simulator: orientation set, site frequencies, workspace. */
typedef struct srx_exchange_sim srx_exchange_sim;

/**
 * @brief Build a simulator: the hemisphere ASG orientation set
 *        (spinrelax/powder.h), and for every orientation and site the
 *        central-transition frequency (srx_quad_frequencies_hz(): second
 *        order, static or infinitely fast MAS, plus the shift) of B0 / the
 *        rotor axis in that site's PAS.
 * @param sites    n_sites sites (2 .. #SRX_EXCHANGE_MAX_SITES)
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EDOM (spin not half-integer >= 3/2,
 *         eta outside [0, 1], ...), #SRX_ENOMEM.
 */
SRX_API int srx_exchange_sim_alloc(const srx_exchange_conditions *c, const srx_exchange_site *sites,
                                   size_t n_sites, srx_exchange_sim **sim, srx_diag *diag);

/** @brief Free a simulator (NULL is a no-op). */
SRX_API void srx_exchange_sim_free(srx_exchange_sim *sim);

/** @brief Number of orientations of the simulator's set (0 for NULL). */
SRX_API size_t srx_exchange_sim_n_orientations(const srx_exchange_sim *sim);

/** @brief Site frequencies, n_orientations x n_sites row-major, Hz (owned by the simulator). */
SRX_API const double *srx_exchange_sim_site_frequencies(const srx_exchange_sim *sim);

/** @brief Orientation weights (sum 1; owned by the simulator). */
SRX_API const double *srx_exchange_sim_weights(const srx_exchange_sim *sim);

/** @brief The grid: frequency_hz[i] = centre - span/2 + i span/N. */
SRX_API int srx_exchange_sim_frequencies(const srx_exchange_sim *sim, double *frequency_hz,
                                         srx_diag *diag);

/**
 * @brief Powder spectrum at jump rate K (docs/cli.md convention), normalised
 *        so that sum(intensity) * spacing = 1 over the window.
 * @return #SRX_OK, #SRX_EINVAL, #SRX_ENODATA (no intensity in the window),
 *         #SRX_ENOCONV.
 */
SRX_API int srx_exchange_sim_spectrum(srx_exchange_sim *sim, double rate_per_s, double *intensity,
                                      srx_diag *diag);

/**
 * @brief Spectra at n temperatures in one call: K = 1 / tau, tau = tau0
 *        exp(Ea / kB T) (srx_spectral_tau_s(); a tau beyond the double range
 *        is K = 0).
 * @param intensity  n x n_points row-major, each normalised as in srx_exchange_sim_spectrum()
 * @return as srx_exchange_sim_spectrum(), plus #SRX_EDOM for T <= 0 or tau0 <= 0.
 */
SRX_API int srx_exchange_sim_series(srx_exchange_sim *sim, double ea_ev, double tau0_s, size_t n,
                                    const double *temperature_k, double *intensity,
                                    srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_EXCHANGE_H */
