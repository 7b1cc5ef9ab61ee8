/**
 * @file spinrelax/varian.h
 * @brief Agilent/Varian (VnmrJ) arrayed relaxation experiments (`fid` +
 *        `procpar`) -> one integrated series.
 *
 * procpar: np (real points per FID), sw (Hz), sfrq (MHz), tn (nucleus,
 * "Rb87" -> "87Rb"), temp (deg C; used only when the parameter is active,
 * i.e. regulated), seqfil (pulse sequence), array (the arrayed parameter,
 * e.g. d2, tau, vd, tau_recovery; the first of a joint "(a,b)" array) and
 * its values in seconds (pw-like parameters in microseconds are rejected).
 * fid: 32-byte big-endian file header (nblocks, ntraces, np, ebytes,
 * tbytes, bbytes, vers_id, status, nbheaders), then nblocks blocks of
 * nbheaders 28-byte block headers + ntraces * np values; int16, int32 or
 * float32 (status bit 0x8) big-endian.  One block (trace 1) per array
 * element.
 *
 * Processing as in spinrelax/spectrum1d.h (no digital-filter delay: VnmrJ
 * stores corrected FIDs).  A ppm region is converted with the procpar
 * referencing, ppm = (f + sw/2 - rfl + rfp) / sfrq for an offset f from
 * the carrier (rfl, rfp = 0 when absent).
 *
 * Errors (no series): missing files, file size != header sizes, arraydim
 * or array length != nblocks, unsupported element type.  Warnings: no
 * regulated temperature.
 */
#ifndef SPINRELAX_VARIAN_H
#define SPINRELAX_VARIAN_H

#include "spinrelax/common.h"
#include "spinrelax/import.h"
#include "spinrelax/spectrum1d.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Import a VnmrJ `.fid` folder (holding `fid` and `procpar`).
 * @param folder  the folder
 * @param opt     options (NULL = defaults); the experiment is inferred from
 *                seqfil when the name tells it, else opt->experiment is required
 * @param result  receives one series and the warnings (free with
 *                srx_import_result_free(); empty on failure)
 * @param info    processing details (may be NULL)
 * @param diag    optional diagnostic
 * @return #SRX_OK, #SRX_EINVAL, #SRX_EIO, #SRX_EFORMAT, #SRX_ENODATA, #SRX_ENOMEM.
 */
SRX_API int srx_varian_import(const char *folder, const srx_import_options *opt,
                              srx_import_result *result, srx_spectrum1d_info *info,
                              srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_VARIAN_H */
