/**
 * @file spinrelax/import.h
 * @brief In-memory result of the spectrometer importers (Bruker TopSpin,
 *        Agilent/Varian, Bruker Dynamics Center): one or more magnetization
 *        transients ("series", data-format.md `/series/<name>`) plus the
 *        warnings the importer wants the user to see.
 *
 * The importers (spinrelax/bruker.h, spinrelax/varian.h, spinrelax/pdc.h)
 * fill an #srx_import_result; the caller frees it with
 * srx_import_result_free().  On failure an importer leaves the result
 * empty (no partial series).
 */
#ifndef SPINRELAX_IMPORT_H
#define SPINRELAX_IMPORT_H

#include "spinrelax/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Size of the short string fields of #srx_import_series (incl. NUL). */
#define SRX_IMPORT_NAME_LEN 64
/** Size of the long string fields (source, title) incl. NUL; longer text is truncated. */
#define SRX_IMPORT_TEXT_LEN 1024
/** Maximum number of warnings kept in an #srx_import_result (later ones are dropped). */
#define SRX_IMPORT_MAX_WARNINGS 8

/**
 * @brief One imported transient, the in-memory form of `/series/<name>`.
 *
 * Arrays are owned by the enclosing #srx_import_result.  Unknown numbers
 * are NaN (e.g. a temperature the data set does not record).
 */
typedef struct srx_import_series {
    char name[SRX_IMPORT_NAME_LEN];          /**< suggested series name (peak name, or "" ) */
    char experiment[SRX_IMPORT_NAME_LEN];    /**< saturation_recovery, inversion_recovery, spin_lock or longitudinal_decay */
    char nucleus[SRX_IMPORT_NAME_LEN];       /**< isotope label as "7Li" ("" if unknown) */
    double larmor_hz;                        /**< observe frequency (Bruker SFO1, Varian sfrq), Hz; NaN if unknown */
    double temperature_k;                    /**< sample temperature, K; NaN if not recorded */
    double spinlock_hz;                      /**< locking field nu1, Hz (0 unless spin_lock; NaN if not known) */
    char source[SRX_IMPORT_TEXT_LEN];        /**< the file or folder read */
    char pulse_program[SRX_IMPORT_NAME_LEN]; /**< pulse program / sequence name ("" if none) */
    char title[SRX_IMPORT_TEXT_LEN];         /**< data-set title, lines joined with " / " */
    size_t n;                                /**< number of points */
    double *delay_s;                         /**< [n] delays in s */
    double *signal;                          /**< [n] integrals (arbitrary units) */
    double *sigma;                           /**< [n] standard uncertainties of signal, or NULL (unweighted) */
} srx_import_series;

/** @brief Everything an importer produced. Initialise with srx_import_result_init(). */
typedef struct srx_import_result {
    size_t n_series;          /**< number of series */
    srx_import_series *series; /**< [n_series], owned */
    size_t n_warnings;        /**< number of warnings (<= #SRX_IMPORT_MAX_WARNINGS) */
    char warnings[SRX_IMPORT_MAX_WARNINGS][SRX_DIAG_MESSAGE_LEN]; /**< one line each */
} srx_import_result;

/**
 * @brief Importer options common to all formats.  srx_import_options_init()
 *        sets the defaults given with each field.
 */
typedef struct srx_import_options {
    const char *experiment;    /**< experiment name; NULL (default) = infer from the pulse program */
    const char *nucleus;       /**< override the nucleus label; NULL (default) = from the file */
    double temperature_k;      /**< override the temperature (K, > 0); NaN (default) = from the file */
    double spinlock_hz;        /**< locking field nu1 for spin_lock (Hz); NaN (default) = unknown */
    double line_broadening_hz; /**< exponential apodization, Hz (>= 0; default 0) */
    double region_lo_ppm;      /**< integration region, ppm; NaN (default) = automatic */
    double region_hi_ppm;      /**< integration region, ppm; NaN (default) = automatic */
    double vc_period_s;        /**< Bruker vclist: seconds per loop count (> 0); NaN (default) = a vclist is an error */
} srx_import_options;

/** @brief Set the defaults of every field (NULL is ignored). */
SRX_API void srx_import_options_init(srx_import_options *opt);

/** @brief Set an empty result (NULL is ignored). */
SRX_API void srx_import_result_init(srx_import_result *res);

/** @brief Free the arrays of a result and empty it (NULL is ignored). */
SRX_API void srx_import_result_free(srx_import_result *res);

/**
 * @brief Infer the experiment from a pulse-program name.
 *
 * Case-insensitive substring rules, first match wins:
 * `t1ir`, `invrec`, `inversion`, `fir` (fast inversion recovery) ->
 * inversion_recovery; `satrec`, `t1sr`, `saturation`, `sat` ->
 * saturation_recovery; `t1rho`, `t1r`, `spinlock`, `spin_lock`, `slock` ->
 * spin_lock; `hsqct1`, `t1dec` -> longitudinal_decay.
 * @param pulse_program the name (e.g. "satrect1nodec")
 * @param experiment    receives a static string
 * @return #SRX_OK, #SRX_EINVAL (NULL) or #SRX_ENOTFOUND with the message
 *         "unknown pulse program X: give the experiment".
 */
SRX_API int srx_import_experiment_from_pulse_program(const char *pulse_program,
                                                     const char **experiment, srx_diag *diag);

/**
 * @brief Check an experiment name against the four of data-format.md.
 * @return #SRX_OK or #SRX_EINVAL (with a message listing the valid names).
 */
SRX_API int srx_import_experiment_check(const char *experiment, srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_IMPORT_H */
