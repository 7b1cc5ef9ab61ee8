/**
 * @file spinrelax/bruker.h
 * @brief Bruker TopSpin pseudo-2D relaxation data sets (ser + acqus +
 *        acqu2s + vdlist/vplist/vclist) -> one integrated series.
 *
 * Read from the experiment folder:
 * - `acqus` (JCAMP-DX): TD, SW_h, SFO1, BF1..BF8, NUC1..NUC8, TE, BYTORDA
 *   (0 little, 1 big endian), DTYPA (0 int32, 1 float32, 2 float64), DIGMOD,
 *   DECIM, DSPFVS, GRPDLY, PULPROG;
 * - `acqu2s`: TD (the number of increments, TD1);
 * - `ser`: TD1 FIDs, each padded to a multiple of 1024 bytes (TopSpin's
 *   blocking; an unpadded file of exactly TD*TD1 words is accepted too);
 * - the delay list, first found of `vdlist` (seconds), `vplist` (plain
 *   numbers in microseconds) and `vclist` (loop counts times
 *   #srx_import_options.vc_period_s); suffixes `s`, `m`, `u`, `n` override
 *   the default unit (e.g. "20m", "1.306", "5u");
 * - `pulseprogram` / PULPROG (experiment inferred with
 *   srx_import_experiment_from_pulse_program()) and `pdata/1/title`,
 *   `pdata/1/procs` (SF for the ppm scale when present, else BF1).
 *
 * Processing: spinrelax/spectrum1d.h with the group delay GRPDLY when
 * stored and >= 0, else the DSPFVS/DECIM table (none when DIGMOD = 0), the
 * importer's line broadening and ppm region (ppm = (SFO1 + offset - SF) /
 * SF * 1e6).
 *
 * Checks (each a clear error naming the file, and no series): missing
 * files, list length != TD1, ser shorter or longer than TD1 padded FIDs,
 * unknown DTYPA/BYTORDA, non-finite values.  Warnings: NUC1 disagreeing
 * with the frequencies (BF1 of NUC1 implies a 1H frequency BF1 / Xi that
 * should match a basic frequency of another channel; the message says
 * what the frequency would mean), no temperature (TE <= 0), sigma not
 * available.
 */
#ifndef SPINRELAX_BRUKER_H
#define SPINRELAX_BRUKER_H

#include "spinrelax/common.h"
#include "spinrelax/import.h"
#include "spinrelax/spectrum1d.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Import a TopSpin pseudo-2D experiment folder as one series.
 *
 * The series has delay_s from the list, signal = integrals and sigma =
 * their noise uncertainties (spectrum1d.h), nucleus = NUC1, larmor_hz =
 * SFO1, temperature_k = TE (NaN if <= 0), source = the folder,
 * pulse_program = PULPROG, title = pdata/1/title.
 * @param folder  the experiment folder (holding acqus and ser)
 * @param opt     options (NULL = defaults of srx_import_options_init())
 * @param result  receives the series and warnings (free with
 *                srx_import_result_free(); left empty on failure)
 * @param info    receives the processing details (may be NULL)
 * @param diag    optional diagnostic
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EIO (missing file), #SRX_EFORMAT
 *         (damaged, truncated or inconsistent data), #SRX_ENODATA,
 *         #SRX_ENOMEM.
 */
SRX_API int srx_bruker_import(const char *folder, const srx_import_options *opt,
                              srx_import_result *result, srx_spectrum1d_info *info,
                              srx_diag *diag);

/**
 * @brief Parse a TopSpin delay list (vdlist / vplist / vclist text).
 *
 * One value per line; blank lines and lines starting with '#' or ';' are
 * skipped; a suffix s, m, u or n (seconds, milli, micro, nano) sets the
 * unit, otherwise default_unit_s multiplies the number.
 * @param text          NUL-terminated list text
 * @param default_unit_s seconds per plain number (1 for vdlist, 1e-6 for vplist)
 * @param values_s      receives up to max_values values in s (may be NULL to count)
 * @param max_values    capacity of values_s
 * @param n_values      receives the number of values in the text
 * @return #SRX_OK, #SRX_EINVAL or #SRX_EFORMAT (a line that is not a number).
 */
SRX_API int srx_bruker_parse_list(const char *text, double default_unit_s, double *values_s,
                                  size_t max_values, size_t *n_values, srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_BRUKER_H */
