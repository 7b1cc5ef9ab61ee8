/**
 * @file spinrelax/pdc.h
 * @brief Bruker Dynamics Center / Protein Dynamics Center T1/T2 text
 *        exports -> one series per peak.
 *
 * Read: "SECTION: integrals" (a "Mixing time [s]:" row and one row of
 * intensities per peak, tab separated, the peak name first),
 * "SECTION: integral errors" (same layout; becomes sigma),
 * "Temperature (K):", "Labelling:" (nucleus, e.g. 15N), "X nucleus
 * frequency[MHz]:" (larmor_hz), "Description/Title:" and "sample name:"
 * (title).  The experiment defaults to longitudinal_decay (Dynamics
 * Center fits f(t) = I0 exp(-t/T1)); opt->experiment overrides it.
 * Errors (no series): missing file, no integrals section, a row whose
 * length differs from the mixing times, an errors section that does not
 * match the integrals (different peaks or lengths), non-positive errors.
 */
#ifndef SPINRELAX_PDC_H
#define SPINRELAX_PDC_H

#include "spinrelax/common.h"
#include "spinrelax/import.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Import a Dynamics Center export file.
 * @param path    the .txt export
 * @param opt     options (NULL = defaults); spectral options are ignored
 * @param result  receives one series per peak (name = peak name) and the
 *                warnings; free with srx_import_result_free(); empty on failure
 * @param diag    optional diagnostic
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EIO, #SRX_EFORMAT, #SRX_ENODATA, #SRX_ENOMEM.
 */
SRX_API int srx_pdc_import(const char *path, const srx_import_options *opt,
                           srx_import_result *result, srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_PDC_H */
