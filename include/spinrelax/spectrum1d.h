/**
 * @file spinrelax/spectrum1d.h
 * @brief FID -> integral pipeline for arrayed (pseudo-2D) relaxation data:
 *        digital-filter group delay, exponential apodization, FFT (FFTW),
 *        zero- and first-order phase shared by all increments, linear
 *        baseline from signal-free regions, integral and its noise
 *        uncertainty.
 *
 * Conventions.  An FID is n_complex complex points (re, im interleaved,
 * doubles) sampled every 1/sw_hz seconds; a signal at offset f from the
 * carrier is exp(+2 pi i f t) (Bruker DQD / Varian convention).  The
 * spectrum has N = fft_size points (default n_complex, no zero filling);
 * point k (0..N-1) is at offset (k - floor(N/2)) * sw_hz / N Hz.
 *
 * Processing of every increment:
 *  1. group delay g (points): the first floor(g) points are dropped (the
 *     FID moves left, zeros enter at the end), the fractional part is
 *     removed as a linear phase exp(+2 pi i frac(g) m / N) after the FFT
 *     (m the signed frequency index) -- the time shift theorem;
 *  2. the first point is halved (so the DFT of a decaying signal is the
 *     sampled Lorentzian without a constant offset of half the first point);
 *  3. multiplication by exp(-pi lb t) (lb = line_broadening_hz);
 *  4. FFT with zero filling to N;
 *  5. phase exp(i (phi0 + phi1 (k - N/2) / N)), phi0/phi1 found on the
 *     reference increment and applied to all: phi1 = 2 pi d for a time
 *     shift d (points) chosen on a grid (|d| <= min(N/4, 256)) plus a golden
 *     section to minimise the negative area sum min(Re, 0)^2 / sum Re^2 over
 *     the region points whose magnitude is >= 10 % of the peak, with phi0
 *     making the region sum real and positive; d = 0 is kept unless the
 *     negative area drops by more than 4 sqrt(m) noise^2 (m points counted,
 *     noise from the baseline points), so noise does not steer phi1.  The
 *     other increments keep their sign (inversion recovery stays negative).
 *     The reference is the increment with the largest magnitude peak unless
 *     given (the importers pass the most relaxed one: longest delay for
 *     recoveries, shortest for decays);
 *  6. a straight line fitted (least squares) to the baseline points (all
 *     points farther than twice the region's half width from the region
 *     centre, excluding 5 % of the spectrum at each edge where the digital
 *     filter rolls off) is subtracted from the real part;
 *  7. integral = (2 / N) * sum over the region of Re S_k.  The scale makes
 *     the integral of a line wholly inside the region equal to the FID
 *     amplitude at t = 0 (the DFT of x_j sums to N x_0, halved in step 2).
 *
 * Uncertainty.  With white noise in the FID the DFT points are
 * independent with equal variance; the region sum of m points then has
 * standard deviation sqrt(m) * s, s the standard deviation of the baseline
 * residuals, so sigma = (2 / N) sqrt(m) s (i.e. std * sqrt(points) *
 * spacing in the integral's units).  Exact with no apodization and no zero
 * filling; with line broadening or zero filling neighbouring points are
 * correlated and this is an approximation (the point standard deviation
 * drops while correlations add covariance).
 */
#ifndef SPINRELAX_SPECTRUM1D_H
#define SPINRELAX_SPECTRUM1D_H

#include "spinrelax/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Processing options; srx_spectrum1d_options_init() sets the defaults given. */
typedef struct srx_spectrum1d_options {
    double group_delay_points; /**< digital-filter group delay, points (>= 0, default 0) */
    double line_broadening_hz; /**< exponential line broadening, Hz (>= 0, default 0) */
    size_t fft_size;           /**< N (>= points after the group delay); 0 (default) = n_complex */
    int auto_phase;            /**< nonzero (default): find phi0, phi1 on the reference increment */
    double phase0_deg;         /**< phi0 in degrees when auto_phase == 0 (default 0) */
    double phase1_deg;         /**< phi1 in degrees across the full width, pivot at the carrier (default 0) */
    int auto_region;           /**< nonzero (default): region = peak +- 5 half-height widths of the reference */
    double region_lo_hz;       /**< region bounds as offsets from the carrier, Hz, when auto_region == 0 */
    double region_hi_hz;      /**< (order does not matter; must differ) */
    long reference;            /**< reference increment; -1 (default) = the largest magnitude peak */
} srx_spectrum1d_options;

/** @brief What the processing found (for reports and plots). */
typedef struct srx_spectrum1d_info {
    double phase0_deg;     /**< phi0 applied, degrees */
    double phase1_deg;     /**< phi1 applied, degrees across the full width, pivot at the carrier */
    double region_lo_hz;   /**< integration region actually used (offsets from the carrier), Hz */
    double region_hi_hz;
    double peak_hz;        /**< largest magnitude point of the reference, offset from the carrier, Hz */
    size_t reference;      /**< the reference increment */
    size_t n_region;       /**< points in the region */
    size_t n_baseline;     /**< points in the baseline fit */
    size_t fft_size;       /**< N */
} srx_spectrum1d_info;

/** @brief Set the defaults (NULL is ignored). */
SRX_API void srx_spectrum1d_options_init(srx_spectrum1d_options *opt);

/**
 * @brief Process every increment of an arrayed FID and integrate it.
 *
 * Makes one FFTW plan (FFTW_ESTIMATE, after fftw_make_planner_thread_safe())
 * for the data set and reuses it for every increment; safe to call from
 * several threads.
 * @param fid          [n_increments * 2 * n_complex] FIDs one after the other, re/im interleaved
 * @param n_increments number of FIDs (>= 1)
 * @param n_complex    complex points per FID (>= 16)
 * @param sw_hz        spectral width = sampling rate, Hz (> 0)
 * @param opt          options (NULL = defaults)
 * @param integral     [n_increments] receives the integrals
 * @param sigma        [n_increments] receives their standard uncertainties (may be NULL)
 * @param info         receives what was found (may be NULL)
 * @param diag         optional diagnostic
 * @return #SRX_OK; #SRX_EINVAL (NULL, non-finite FID value, bad option),
 *         #SRX_ENODATA (too few points, no signal-free baseline region),
 *         #SRX_ENOMEM.
 */
SRX_API int srx_spectrum1d_integrate(const double *fid, size_t n_increments, size_t n_complex,
                                     double sw_hz, const srx_spectrum1d_options *opt,
                                     double *integral, double *sigma, srx_spectrum1d_info *info,
                                     srx_diag *diag);

/**
 * @brief Bruker digital-filter group delay in points from DSPFVS and DECIM
 *        (the table published by W. M. Westler and F. Abildgaard, as used by
 *        nmrglue), for data sets that do not store GRPDLY.
 * @return #SRX_OK, #SRX_EINVAL (NULL) or #SRX_ENOTFOUND (combination not in the table).
 */
SRX_API int srx_spectrum1d_bruker_group_delay(int dspfvs, double decim, double *points,
                                              srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_SPECTRUM1D_H */
