/**
 * @file spinrelax/common.h
 * @brief Status codes, diagnostics, version and physical constants shared by
 *        every spinrelax module.
 *
 * Conventions used throughout the library:
 * - Fallible functions return an `int` status: #SRX_OK (0) or one of the
 *   codes of #srx_status.  Nothing aborts, exits or prints.
 * - Where context helps (which file, which series, which argument), an
 *   optional caller-owned #srx_diag receives a one-line message.  Pass NULL
 *   when you do not want it.  There is no global "last error".
 * - Units are SI, frequencies in Hz (never rad/s), temperatures in K,
 *   energies in eV; the unit is part of every parameter name.
 * - The caller owns every array it passes; the library keeps no pointer
 *   after a call returns and holds no mutable global state, so it is safe
 *   to call from several threads at once (objects excepted: one object, one
 *   thread at a time).
 */
#ifndef SPINRELAX_COMMON_H
#define SPINRELAX_COMMON_H

#include <stddef.h>

#if defined(SRX_BUILDING_LIBRARY) && defined(__GNUC__)
#define SRX_API __attribute__((visibility("default")))
#else
#define SRX_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Status codes.  Append-only: values never change between releases.
 */
typedef enum srx_status {
    SRX_OK = 0,         /**< success */
    SRX_EINVAL = 1,     /**< invalid argument (NULL pointer, NaN, wrong sign, unknown enum) */
    SRX_EDOM = 2,       /**< argument outside the model's domain (shape parameter, T <= 0, ...) */
    SRX_ENOMEM = 3,     /**< out of memory */
    SRX_EIO = 4,        /**< input/output failure (cannot open, read or write a file) */
    SRX_EFORMAT = 5,    /**< malformed data: not the expected format, missing or mistyped object */
    SRX_ENOCONV = 6,    /**< iteration did not converge (a result may still be available) */
    SRX_ENODATA = 7,    /**< too few data points for the requested operation */
    SRX_ENOTFOUND = 8,  /**< named object (nucleus, series, ...) not found */
    SRX_ERANGE = 9,     /**< result not representable (overflow) */
    SRX_ENORELAX = 10,  /**< a transient that does not relax within its delays */
    SRX_ESINGULAR = 11, /**< singular problem: parameters not determined by the data */
    SRX_ECANCELED = 12  /**< operation canceled by the caller */
} srx_status;

/** Size of the message buffer in #srx_diag, including the terminating NUL. */
#define SRX_DIAG_MESSAGE_LEN 512

/**
 * @brief Caller-owned diagnostic buffer.
 *
 * A function that fails writes a one-line, NUL-terminated message (no
 * trailing newline) naming the object and the reason, e.g.
 * `"rates: shape parameter beta = 2.5 outside (1, 2] for the asymmetric model"`.
 * On success the buffer is left unchanged.
 */
typedef struct srx_diag {
    char message[SRX_DIAG_MESSAGE_LEN]; /**< the message, "" if none */
} srx_diag;

/** @brief Empty a diagnostic buffer (NULL is accepted and ignored). */
SRX_API void srx_diag_clear(srx_diag *diag);

/**
 * @brief Short English description of a status code.
 * @return a static string; never NULL (unknown codes give "unknown error").
 */
SRX_API const char *srx_strerror(int status);

/** @brief The library version, e.g. "0.1.0" (a static string). */
SRX_API const char *srx_version(void);

/** Boltzmann constant in eV/K (CODATA 2018, exact). */
#define SRX_KB_EV_PER_K 8.617333262e-5
/** Planck constant in J s (SI 2019, exact). */
#define SRX_PLANCK_J_S 6.62607015e-34
/** Elementary charge in C (SI 2019, exact). */
#define SRX_ELEMENTARY_CHARGE_C 1.602176634e-19
/** Boltzmann constant in J/K (SI 2019, exact). */
#define SRX_KB_J_PER_K 1.380649e-23

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_COMMON_H */
