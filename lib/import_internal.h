/* Internal helpers shared by the importers (bruker, varian, pdc).  Not installed. */
#ifndef SPINRELAX_IMPORT_INTERNAL_H
#define SPINRELAX_IMPORT_INTERNAL_H

#include <stddef.h>

#include "internal.h"
#include "spinrelax/import.h"

/* Append a warning (dropped silently beyond SRX_IMPORT_MAX_WARNINGS). */
void srxi_import_warn(srx_import_result *res, const char *fmt, ...) SRXI_PRINTF(2, 3);

/* Read a whole file into a NUL-terminated heap buffer (*len without the NUL).
 * SRX_EIO with "label: cannot open PATH (reason)" when missing. */
int srxi_read_file(const char *path, char **buf, size_t *len, srx_diag *diag);

/* Does the file exist (regular, readable)? */
int srxi_file_exists(const char *path);

/* snprintf into dst of size n, "dir/name". Returns SRX_EINVAL if too long. */
int srxi_path_join(char *dst, size_t n, const char *dir, const char *name, srx_diag *diag);

/* Copy with truncation, always NUL-terminated. */
void srxi_strlcpy(char *dst, const char *src, size_t n);

/* Allocate result->series[ns] with n points each (sigma too when with_sigma). */
int srxi_import_alloc(srx_import_result *res, size_t ns, size_t n, int with_sigma, srx_diag *diag);

/* Apply the caller's overrides (experiment, nucleus, temperature, spin-lock
 * field) to series s, check the experiment, warn on disagreements.
 * guessed: experiment inferred from the data set (NULL if none). */
int srxi_import_apply_options(srx_import_result *res, srx_import_series *s,
                              const srx_import_options *opt, const char *guessed,
                              const char *who, srx_diag *diag);

/* Validate the numeric option fields. */
int srxi_import_options_check(const srx_import_options *opt, srx_diag *diag);

/* Title text: lines joined with " / ", leading/trailing blanks removed. */
void srxi_import_set_title(char *dst, size_t n, const char *text);


/* The experiment that will be used (option or guess), or NULL with a
 * diagnostic "unknown pulse program X: give the experiment". */
const char *srxi_import_experiment(const srx_import_options *opt, const char *pulse_program,
                                   srx_diag *diag);

/* The most relaxed increment: the longest delay for saturation and
 * inversion recovery, the shortest for decays (spin_lock, longitudinal_decay). */
long srxi_import_reference(const double *delay_s, size_t n, const char *experiment);
#endif
