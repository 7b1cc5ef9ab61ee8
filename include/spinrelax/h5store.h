/**
 * @file spinrelax/h5store.h
 * @brief The HDF5 data layer: read, validate and safely update files in the
 *        spinrelax data format (docs/data-format.md, version 1).
 *
 * No HDF5 type appears here; files are opaque #srx_h5file handles.
 *
 * Reading
 * - srx_h5_open() with #SRX_H5_READ never modifies the file.
 * - srx_h5_list() names the members of `/series`, `/spectra`,
 *   `/conductivity`; srx_h5_read_series(), srx_h5_read_spectrum() and
 *   srx_h5_read_conductivity() read one object into a caller-owned struct
 *   whose arrays the library allocates and srx_h5_series_clear() (etc.)
 *   frees.  A read fails with #SRX_EFORMAT on a structural problem (missing
 *   or mistyped attribute or dataset, lengths that differ); the value checks
 *   (n >= 3, finite numbers, signs, known experiment, monotonic axis) are
 *   done by srx_h5_series_check() (etc.), so a caller can report each
 *   object's status and go on with the others.
 * - Strings: variable-length (UTF-8 or ASCII, h5py's default) and
 *   fixed-length (NUL- or space-padded) are accepted.  Numbers: any HDF5
 *   integer or floating-point type is accepted and converted to double by
 *   HDF5 (float64 is what the format prescribes); any other class (string,
 *   compound, ...) is rejected as mistyped (#SRX_EFORMAT).  Numeric
 *   attributes must be scalar or hold exactly one element; datasets must be
 *   one-dimensional.
 * - srx_h5_load() reads and checks a whole file in a forked child process
 *   with a time limit, so that a damaged file that crashes or hangs the HDF5
 *   library gives a clean #SRX_EFORMAT instead (use it before trusting an
 *   input file).
 *
 * Writing (safe against being killed at any instant)
 * - srx_h5_open() with #SRX_H5_UPDATE or #SRX_H5_CREATE starts a session:
 *   the original file is copied byte for byte into a sibling temporary file
 *   `.<name>.srx-tmp-XXXXXX` in the same directory, and every write goes to
 *   that copy.  srx_h5_commit() closes the copy, fsyncs it and rename()s it
 *   over the original (atomic on POSIX file systems), then fsyncs the
 *   directory.  srx_h5_close() without a commit discards the copy.  The
 *   original is never opened for writing, so a process killed at any moment
 *   leaves it exactly as it was; what can remain is an orphan temporary file
 *   (its name starts with `.` and contains `.srx-tmp-`), which is never
 *   read as the real file and may be deleted by hand when no spinrelax
 *   process is running.
 * - One session at a time per file: a session on an existing file holds
 *   an exclusive lock on it (a Linux open-file-description lock, which
 *   readers and HDF5's own flock() locking do not see) from srx_h5_open()
 *   to srx_h5_commit() or srx_h5_close(); a second session on the same
 *   file, from any process or thread, waits for it (at most 120 s, then
 *   #SRX_EIO) and then works on the committed file, so no update is lost.
 *   Do not open two sessions on one file in one thread (the second would
 *   wait for the time limit).  Creating a missing file is not locked: of
 *   two concurrent creations, the last commit wins.  Updating needs write
 *   permission on the file and its directory.
 * - Space freed by replacing a result inside a file is not reclaimed by
 *   HDF5 1.10 (a file grows by the size of a replaced result; `h5repack`
 *   compacts it).
 *
 * Threads: the HDF5 library is not thread-safe; every HDF5 call of this
 * module is serialised through one internal mutex, so these functions may be
 * called from several threads (one #srx_h5file per thread at a time).
 * HDF5's automatic error printing is silenced during each call and restored
 * afterwards.
 */
#ifndef SPINRELAX_H5STORE_H
#define SPINRELAX_H5STORE_H

#include "spinrelax/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Format version written to the root attribute `spinrelax_format`. */
#define SRX_H5_FORMAT_VERSION "1"

/** Largest number of points accepted in one dataset (larger: #SRX_EFORMAT). */
#define SRX_H5_MAX_POINTS 4194304u

/** Size of the fixed string fields below, including the terminating NUL. */
#define SRX_H5_NAME_LEN 256
/** Size of the experiment and nucleus fields, including the NUL. */
#define SRX_H5_LABEL_LEN 64

/** @brief Ways to open a file. */
typedef enum srx_h5_mode {
    SRX_H5_READ = 0,   /**< read only; the file is never modified */
    SRX_H5_UPDATE = 1, /**< write session on an existing file (see srx_h5_commit()) */
    SRX_H5_CREATE = 2  /**< like #SRX_H5_UPDATE, but a missing file is created
                            (with `spinrelax_format` = "1") */
} srx_h5_mode;

/** @brief An open file or write session (opaque). */
typedef struct srx_h5file srx_h5file;

/** @brief One measured transient, `/series/<name>`. */
typedef struct srx_h5_series {
    char name[SRX_H5_NAME_LEN];             /**< link name below /series */
    char experiment[SRX_H5_LABEL_LEN];      /**< `saturation_recovery`, `inversion_recovery`,
                                                 `spin_lock` or `longitudinal_decay` */
    char nucleus[SRX_H5_LABEL_LEN];         /**< isotope label, e.g. "7Li" */
    double larmor_hz;                       /**< Larmor frequency, Hz */
    double temperature_k;                   /**< temperature, K */
    double spinlock_hz;                     /**< locking field nu1, Hz; 0 when absent */
    double mas_hz;                          /**< spinning frequency, Hz; 0 when absent */
    char *source;                           /**< provenance or NULL (owned, see srx_h5_series_clear()) */
    char *pulse_program;                    /**< provenance or NULL (owned) */
    char *title;                            /**< provenance or NULL (owned) */
    size_t n;                               /**< number of points */
    double *delay_s;                        /**< [n] delays, s (owned) */
    double *signal;                         /**< [n] magnetization (owned) */
    double *sigma;                          /**< [n] uncertainties, or NULL when absent (owned) */
} srx_h5_series;

/** @brief One line shape, `/spectra/<name>`. */
typedef struct srx_h5_spectrum {
    char name[SRX_H5_NAME_LEN];             /**< link name below /spectra */
    char nucleus[SRX_H5_LABEL_LEN];         /**< isotope label */
    double larmor_hz;                       /**< Hz */
    double temperature_k;                   /**< K */
    double mas_hz;                          /**< Hz; 0 when absent */
    size_t n;                               /**< number of points */
    double *frequency_hz;                   /**< [n] offset from the carrier, Hz (owned) */
    double *intensity;                      /**< [n] (owned) */
} srx_h5_spectrum;

/** @brief One conductivity set, `/conductivity/<name>`. */
typedef struct srx_h5_conductivity {
    char name[SRX_H5_NAME_LEN];             /**< link name below /conductivity */
    size_t n;                               /**< number of points */
    double *temperature_k;                  /**< [n] K (owned) */
    double *sigma_dc_s_per_m;               /**< [n] S/m (owned) */
    double *sigma_err_s_per_m;              /**< [n] S/m, or NULL when absent (owned) */
} srx_h5_conductivity;

/** @brief One row of `/results/transients`. */
typedef struct srx_h5_transient_row {
    const char *series;       /**< the series' link name (not NULL) */
    const char *experiment;   /**< copied from the series (not NULL) */
    double temperature_k;     /**< K */
    double larmor_hz;         /**< Hz */
    double spinlock_hz;       /**< Hz, 0 where not spin lock */
    double rate_per_s;        /**< fitted 1/T1 or 1/T1rho, s^-1 */
    double rate_err_per_s;    /**< its standard uncertainty, s^-1 */
    double stretch;           /**< stretching exponent (1 for mono-exponential) */
    double stretch_err;       /**< its standard uncertainty (0 where fixed) */
    double amplitude;         /**< M0 */
    double reduced_chi2;      /**< reduced chi-square */
    int status;               /**< 0 ok, otherwise the library's error code */
} srx_h5_transient_row;

/** @brief `/results/transients` as read back (see srx_h5_read_transients()). */
typedef struct srx_h5_transients {
    size_t n;                       /**< number of rows */
    srx_h5_transient_row *row;      /**< [n] rows; their strings point into `strings` (owned) */
    char *strings;                  /**< storage of the row strings (owned) */
} srx_h5_transients;

/** @brief A named float64 attribute of a result group. */
typedef struct srx_h5_number {
    const char *name;   /**< attribute name, e.g. "ea_ev" */
    double value;       /**< its value (any double, NaN allowed for "not determined") */
} srx_h5_number;

/** @brief A named string attribute of a result group. */
typedef struct srx_h5_text {
    const char *name;   /**< attribute name */
    const char *value;  /**< its value (UTF-8) */
} srx_h5_text;

/** @brief A list of names (see srx_h5_list()). */
typedef struct srx_h5_names {
    size_t n;           /**< number of names */
    char **name;        /**< [n] NUL-terminated names, sorted by name (owned) */
} srx_h5_names;

/** @brief What a results entry is (see #srx_h5_result_entry). */
typedef struct srx_h5_result_entry {
    char path[SRX_H5_NAME_LEN];         /**< e.g. "/results/transients", "/results/peak/bpp" */
    char model[SRX_H5_LABEL_LEN];       /**< the `model` attribute of a result group, or "" */
    char created_by[SRX_H5_LABEL_LEN];  /**< its `created_by` attribute, or "" */
    size_t n_rows;                      /**< rows of /results/transients; 0 for a group */
} srx_h5_result_entry;

/**
 * @brief The whole content of a file as read by srx_h5_read_all() or
 *        srx_h5_load(), each object with its own status.
 *
 * `series_status[i]` is #SRX_OK or the code of the first problem found in
 * series i, `series_diag[i]` the message (e.g.
 * `"/series/T1_300K: sigma[4] = -1 is not positive"`); a series that could
 * not be read at all has n = 0 and NULL arrays.  Likewise for spectra and
 * conductivity sets.  Free with srx_h5_contents_free().
 */
typedef struct srx_h5_contents {
    int has_format;                         /**< 1 if the root has `spinrelax_format` ("1") */
    char *sample;                           /**< root attribute `sample` or NULL */
    size_t n_series;                        /**< number of series */
    srx_h5_series *series;                  /**< [n_series] */
    int *series_status;                     /**< [n_series] */
    srx_diag *series_diag;                  /**< [n_series] */
    size_t n_spectra;                       /**< number of spectra */
    srx_h5_spectrum *spectra;               /**< [n_spectra] */
    int *spectra_status;                    /**< [n_spectra] */
    srx_diag *spectra_diag;                 /**< [n_spectra] */
    size_t n_conductivity;                  /**< number of conductivity sets */
    srx_h5_conductivity *conductivity;      /**< [n_conductivity] */
    int *conductivity_status;               /**< [n_conductivity] */
    srx_diag *conductivity_diag;            /**< [n_conductivity] */
    size_t n_results;                       /**< number of results entries */
    srx_h5_result_entry *results;           /**< [n_results] */
} srx_h5_contents;

/* ------------------------------------------------------------ files */

/**
 * @brief Open a file, or start a write session.
 * @param path  file name
 * @param mode  #SRX_H5_READ, #SRX_H5_UPDATE or #SRX_H5_CREATE
 * @param file  receives the handle (NULL on failure); release with srx_h5_close()
 * @return #SRX_OK; #SRX_EIO if the file cannot be opened, read, or its
 *   temporary copy cannot be made; #SRX_EFORMAT if it is not an HDF5 file,
 *   or its `spinrelax_format` is not "1" or not a string; #SRX_EINVAL for
 *   bad arguments; #SRX_ENOMEM.
 *
 * A file without `spinrelax_format` is opened; srx_h5_has_format() tells.
 */
SRX_API int srx_h5_open(const char *path, srx_h5_mode mode, srx_h5file **file, srx_diag *diag);

/**
 * @brief Finish a write session: the modified copy atomically replaces the
 *        original (fsync, rename, fsync of the directory).
 *
 * Afterwards the handle only accepts srx_h5_close().  On failure the
 * original is untouched and the copy removed.
 * @return #SRX_OK; #SRX_EINVAL if `file` is NULL, read-only or already
 *   committed; #SRX_EIO.
 */
SRX_API int srx_h5_commit(srx_h5file *file, srx_diag *diag);

/**
 * @brief Close a file.  An uncommitted write session is discarded (its
 *        temporary copy removed; the original was never touched).
 *        NULL is a no-op.
 */
SRX_API void srx_h5_close(srx_h5file *file);

/** @brief 1 if the file has the root attribute `spinrelax_format` ("1"), 0 if not
 *         (the CLI warns), -1 for a NULL handle. */
SRX_API int srx_h5_has_format(const srx_h5file *file);

/**
 * @brief Names of the members of a top-level group.
 * @param group  "series", "spectra" or "conductivity" (or any other top-level group)
 * @param names  receives the sorted names (none if the group is absent);
 *               free with srx_h5_names_clear()
 * @return #SRX_OK; #SRX_EFORMAT if `group` exists but is not a group;
 *   #SRX_EINVAL; #SRX_ENOMEM.
 */
SRX_API int srx_h5_list(srx_h5file *file, const char *group, srx_h5_names *names, srx_diag *diag);

/** @brief Free the names of a #srx_h5_names and empty it (NULL is a no-op). */
SRX_API void srx_h5_names_clear(srx_h5_names *names);

/* ------------------------------------------------------------ series, spectra, conductivity */

/** @brief Set every field of a series to empty (NULL arrays, n = 0). */
SRX_API void srx_h5_series_init(srx_h5_series *s);
/** @brief Free the arrays and strings of a series and re-initialise it (NULL is a no-op). */
SRX_API void srx_h5_series_clear(srx_h5_series *s);

/**
 * @brief Read `/series/<name>`.
 * @param s  initialised or cleared by the caller beforehand; filled on
 *           success (free with srx_h5_series_clear()), left empty on failure
 * @return #SRX_OK; #SRX_ENOTFOUND if there is no such series; #SRX_EFORMAT
 *   for a missing or mistyped attribute or dataset, datasets of different
 *   lengths, or more than #SRX_H5_MAX_POINTS points; #SRX_EIO if HDF5
 *   cannot read it; #SRX_EINVAL; #SRX_ENOMEM.
 */
SRX_API int srx_h5_read_series(srx_h5file *file, const char *name, srx_h5_series *s,
                               srx_diag *diag);

/**
 * @brief Check the values of a series (no file access).
 *
 * Rules: known experiment; nucleus not empty; larmor_hz and temperature_k
 * finite and > 0; spin_lock needs spinlock_hz > 0; spinlock_hz and mas_hz
 * finite and >= 0; n >= 3 (#SRX_ENODATA); every delay, signal and sigma
 * finite; delays >= 0; sigma > 0.  The message names the series and the
 * first offending value, e.g. `"/series/a: delay_s[2] = -1 is negative"`.
 * @return #SRX_OK, #SRX_ENODATA, #SRX_EFORMAT, or #SRX_EINVAL for NULL.
 */
SRX_API int srx_h5_series_check(const srx_h5_series *s, srx_diag *diag);

/** @brief Set every field of a spectrum to empty. */
SRX_API void srx_h5_spectrum_init(srx_h5_spectrum *s);
/** @brief Free a spectrum's arrays and re-initialise it (NULL is a no-op). */
SRX_API void srx_h5_spectrum_clear(srx_h5_spectrum *s);
/** @brief Read `/spectra/<name>`; codes as srx_h5_read_series(). */
SRX_API int srx_h5_read_spectrum(srx_h5file *file, const char *name, srx_h5_spectrum *s,
                                 srx_diag *diag);
/**
 * @brief Check a spectrum: nucleus given, larmor_hz and temperature_k > 0,
 *        mas_hz >= 0, n >= 3 (#SRX_ENODATA), finite values, frequency axis
 *        strictly monotonic (increasing or decreasing).
 */
SRX_API int srx_h5_spectrum_check(const srx_h5_spectrum *s, srx_diag *diag);

/** @brief Set every field of a conductivity set to empty. */
SRX_API void srx_h5_conductivity_init(srx_h5_conductivity *c);
/** @brief Free a conductivity set's arrays and re-initialise it (NULL is a no-op). */
SRX_API void srx_h5_conductivity_clear(srx_h5_conductivity *c);
/** @brief Read `/conductivity/<name>`; codes as srx_h5_read_series(). */
SRX_API int srx_h5_read_conductivity(srx_h5file *file, const char *name, srx_h5_conductivity *c,
                                     srx_diag *diag);
/**
 * @brief Check a conductivity set: n >= 2 (#SRX_ENODATA); temperatures
 *        finite and > 0; sigma_dc finite and > 0 (it is fitted on a
 *        logarithmic scale); sigma_err finite and > 0 where present.
 */
SRX_API int srx_h5_conductivity_check(const srx_h5_conductivity *c, srx_diag *diag);

/* ------------------------------------------------------------ whole files */

/**
 * @brief Read and check every series, spectrum and conductivity set, and
 *        list the results, in this process.
 * @param out  receives a new #srx_h5_contents (free with srx_h5_contents_free())
 * @return #SRX_OK even when single objects have problems (see their
 *   status); #SRX_EFORMAT if a top-level group is not a group; #SRX_EIO;
 *   #SRX_ENOMEM; #SRX_EINVAL.
 */
SRX_API int srx_h5_read_all(srx_h5file *file, srx_h5_contents **out, srx_diag *diag);

/**
 * @brief Open, read and check a whole file in a forked child process with a
 *        time limit (protection against damaged files).
 *
 * The child opens `path` read-only, runs srx_h5_read_all(), sends the
 * result through a pipe and leaves with _exit(); the parent never touches
 * HDF5 for this call, prints nothing and does not exit.
 * @param timeout_s  time limit in seconds (> 0, finite), e.g. 30
 * @param out  receives the contents on success (free with srx_h5_contents_free())
 * @return what srx_h5_open() or srx_h5_read_all() returned in the child;
 *   #SRX_EFORMAT with "file is damaged (the HDF5 library crashed while
 *   reading it)" if the child died of a signal, or "... hung while reading
 *   it)" if it was killed after `timeout_s`; #SRX_EIO if the process could
 *   not be forked; #SRX_EINVAL; #SRX_ENOMEM.
 */
SRX_API int srx_h5_load(const char *path, double timeout_s, srx_h5_contents **out,
                        srx_diag *diag);

/** @brief Free a #srx_h5_contents (NULL is a no-op). */
SRX_API void srx_h5_contents_free(srx_h5_contents *c);

/* ------------------------------------------------------------ writing */

/**
 * @brief Write `/series/<s->name>` in a write session.
 *
 * The series is first checked with srx_h5_series_check(); strings are
 * written as variable-length UTF-8, numbers as float64, `sigma` only when
 * not NULL, `spinlock_hz` only when > 0, `mas_hz` only when > 0, the
 * provenance strings only when not NULL.
 * @param replace  0: an existing series of that name is an error
 *                 (#SRX_EINVAL, message says "already exists"); 1: replace it
 * @return #SRX_OK; #SRX_EINVAL (read-only handle, bad name, exists);
 *   the codes of srx_h5_series_check(); #SRX_EIO.
 */
SRX_API int srx_h5_write_series(srx_h5file *file, const srx_h5_series *s, int replace,
                                srx_diag *diag);

/**
 * @brief Write `/conductivity/<c->name>` in a write session: datasets
 *        temperature_k, sigma_dc_s_per_m and, when not NULL,
 *        sigma_err_s_per_m (float64), after srx_h5_conductivity_check().
 * @param replace  0: an existing set of that name is an error (#SRX_EINVAL);
 *                 1: replace it
 * @return #SRX_OK; #SRX_EINVAL (read-only handle, bad name, exists); the
 *   codes of srx_h5_conductivity_check(); #SRX_EIO.
 */
SRX_API int srx_h5_write_conductivity(srx_h5file *file, const srx_h5_conductivity *c,
                                      int replace, srx_diag *diag);

/**
 * @brief Write (replace) `/results/transients`: parallel 1-D datasets, one
 *        row per entry of `rows` (docs/data-format.md).  n may be 0.
 * @return #SRX_OK; #SRX_EINVAL (read-only handle, NULL strings); #SRX_EIO.
 */
SRX_API int srx_h5_write_transients(srx_h5file *file, const srx_h5_transient_row *rows, size_t n,
                                    srx_diag *diag);

/**
 * @brief Read `/results/transients`.
 * @param t  receives the rows; free with srx_h5_transients_clear()
 * @return #SRX_OK; #SRX_ENOTFOUND if absent; #SRX_EFORMAT if a column is
 *   missing, mistyped or of another length; #SRX_EIO; #SRX_ENOMEM.
 */
SRX_API int srx_h5_read_transients(srx_h5file *file, srx_h5_transients *t, srx_diag *diag);

/** @brief Free what srx_h5_read_transients() allocated (NULL is a no-op). */
SRX_API void srx_h5_transients_clear(srx_h5_transients *t);

/**
 * @brief Write (replace) the result group `/results/<kind>/<label>`.
 *
 * The group gets one float64 attribute per entry of `numbers`, one string
 * attribute per entry of `texts`, and the string attributes `model` and
 * `created_by` ("spinrelax " followed by srx_version()).  Any previous
 * group at that path is removed first; nothing else is changed.
 * @param kind   e.g. "peak", "flank", "arrhenius", "lineshape" (a plain link
 *               name: not empty, no '/', not "." or "..", not "transients")
 * @param label  e.g. "bpp" (a plain link name)
 * @param model  the model's name (not NULL)
 * @return #SRX_OK; #SRX_EINVAL (read-only handle, bad names, duplicate or
 *   reserved attribute names); #SRX_EIO.
 */
SRX_API int srx_h5_write_result(srx_h5file *file, const char *kind, const char *label,
                                const char *model, const srx_h5_number *numbers, size_t n_numbers,
                                const srx_h5_text *texts, size_t n_texts, srx_diag *diag);

/**
 * @brief Read one float64 attribute of `/results/<kind>/<label>`.
 * @return #SRX_OK; #SRX_ENOTFOUND (no such group or attribute);
 *   #SRX_EFORMAT (mistyped); #SRX_EINVAL.
 */
SRX_API int srx_h5_read_result_number(srx_h5file *file, const char *kind, const char *label,
                                      const char *name, double *value, srx_diag *diag);

/**
 * @brief Read one string attribute of `/results/<kind>/<label>` into a
 *        caller buffer of `size` bytes (NUL-terminated).
 * @return #SRX_OK; #SRX_ENOTFOUND; #SRX_EFORMAT (mistyped); #SRX_ERANGE
 *   if it does not fit; #SRX_EINVAL.
 */
SRX_API int srx_h5_read_result_text(srx_h5file *file, const char *kind, const char *label,
                                    const char *name, char *buf, size_t size, srx_diag *diag);

/* ------------------------------------------------------------ CSV */

/**
 * @brief Parse a transient from CSV text: columns `delay_s,signal[,sigma]`.
 *
 * Rules: lines end in LF or CRLF; blank lines and lines starting with '#'
 * are skipped; the first remaining line is a header (skipped) if its first
 * field is not a number; fields are separated by commas, with optional
 * blanks around them; every data line has the same number of fields, 2 or
 * 3; each field is a finite decimal number (strtod syntax, C locale).  The
 * text need not be NUL-terminated.
 * @param text, len  the text
 * @param s  initialised by the caller; receives n, delay_s, signal and
 *           sigma (NULL with two columns); other fields untouched.  Free
 *           with srx_h5_series_clear().
 * @return #SRX_OK; #SRX_EFORMAT naming the line and field; #SRX_ENODATA if
 *   there is no data line; #SRX_EINVAL; #SRX_ENOMEM.  Value checks (n >= 3,
 *   signs) are left to srx_h5_series_check().
 */
SRX_API int srx_h5_parse_csv(const char *text, size_t len, srx_h5_series *s, srx_diag *diag);

/* ------------------------------------------------------------ appended: spectra writer */

/**
 * @brief Write `/spectra/<s->name>` in a write session (appended by the
 *        narrowing work; used by generators of synthetic data).
 *
 * The spectrum is first checked with srx_h5_spectrum_check(); `nucleus` is
 * written as a variable-length UTF-8 string, `larmor_hz` and
 * `temperature_k` as float64 attributes, `mas_hz` only when > 0, and the
 * datasets `frequency_hz` and `intensity` as float64 (docs/data-format.md).
 * @param replace  0: an existing spectrum of that name is an error
 *                 (#SRX_EINVAL, message says "already exists"); 1: replace it
 * @return #SRX_OK; #SRX_EINVAL (read-only handle, NULL, bad name, exists,
 *   more than #SRX_H5_MAX_POINTS points); the codes of
 *   srx_h5_spectrum_check(); #SRX_EIO.
 */
SRX_API int srx_h5_write_spectrum(srx_h5file *file, const srx_h5_spectrum *s, int replace,
                                  srx_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* SPINRELAX_H5STORE_H */
