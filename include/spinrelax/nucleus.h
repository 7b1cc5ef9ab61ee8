/**
 * @file spinrelax/nucleus.h
 * @brief Isotope table: gyromagnetic ratios, spins, quadrupole moments,
 *        natural abundances, and Larmor frequencies.
 *
 * Sources (cited per column):
 * - gyromagnetic ratios, spins, natural abundances and the frequency ratios
 *   Xi: R. K. Harris, E. D. Becker, S. M. Cabral de Menezes, R. Goodfellow,
 *   P. Granger, "NMR nomenclature. Nuclear spin properties and conventions
 *   for chemical shifts (IUPAC Recommendations 2001)", Pure Appl. Chem. 73
 *   (2001) 1795-1818, Table 1; the proton value is CODATA 2018 (shielded
 *   proton in H2O would differ; the bare-proton value is used).
 * - quadrupole moments: P. Pyykkoe, "Year-2008 nuclear quadrupole moments",
 *   Mol. Phys. 106 (2008) 1965-1974.
 */
#ifndef SPINRELAX_NUCLEUS_H
#define SPINRELAX_NUCLEUS_H

#include "spinrelax/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Properties of one isotope. */
typedef struct srx_nucleus {
    const char *label;               /**< isotope label, e.g. "7Li" (static string) */
    double spin;                     /**< nuclear spin quantum number I (0.5, 1, 1.5, ...) */
    double gamma_rad_per_s_per_t;    /**< gyromagnetic ratio gamma in rad s^-1 T^-1 (signed) */
    double quadrupole_moment_m2;     /**< electric quadrupole moment Q in m^2 (0 for I = 1/2) */
    double natural_abundance;        /**< natural abundance as a fraction (0..1) */
    double xi_percent;               /**< frequency ratio Xi to 1H in TMS, percent (IUPAC 2001) */
} srx_nucleus;

/**
 * @brief Look up an isotope by label ("1H", "2H", "6Li", "7Li", "13C",
 *        "15N", "17O", "19F", "23Na", "27Al", "29Si", "31P").
 *
 * The label is matched case-insensitively on the element symbol
 * ("7li" and "7Li" both work).
 * @param label  isotope label
 * @param out    receives a copy of the table entry
 * @param diag   optional diagnostic buffer
 * @return #SRX_OK, #SRX_EINVAL (NULL argument) or #SRX_ENOTFOUND.
 */
SRX_API int srx_nucleus_lookup(const char *label, srx_nucleus *out, srx_diag *diag);

/** @brief Number of isotopes in the table. */
SRX_API size_t srx_nucleus_count(void);

/**
 * @brief Table entry by index (0 <= index < srx_nucleus_count()).
 * @return #SRX_OK or #SRX_EINVAL.
 */
SRX_API int srx_nucleus_get(size_t index, srx_nucleus *out);

/**
 * @brief Larmor frequency |gamma| B0 / (2 pi) in Hz for a field B0 in tesla.
 * @param nucleus  table entry
 * @param b0_t     magnetic field in T (> 0, finite)
 * @param larmor_hz receives the frequency in Hz
 * @return #SRX_OK, #SRX_EINVAL or #SRX_EDOM.
 */
SRX_API int srx_nucleus_larmor_hz(const srx_nucleus *nucleus, double b0_t, double *larmor_hz,
                                  srx_diag *diag);

/**
 * @brief Identify the isotope whose Larmor frequency fits a measured
 *        frequency and field reference.
 *
 * Given the observe frequency and the proton frequency of the same magnet
 * (e.g. Bruker SFO1 and BF1 of 1H), returns the isotope whose Xi ratio is
 * closest to 100 * larmor_hz / proton_hz, with the relative mismatch.
 * Used to check a nucleus label against the frequencies in a data set.
 * @return #SRX_OK, #SRX_EINVAL or #SRX_EDOM.
 */
SRX_API int srx_nucleus_from_ratio(double larmor_hz, double proton_hz, srx_nucleus *out,
                                   double *relative_mismatch, srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_NUCLEUS_H */
