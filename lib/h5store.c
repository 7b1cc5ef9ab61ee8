/* h5store: the HDF5 data layer (docs/data-format.md, version 1).
 *
 * Layout of this file: the lock and error wrappers; string/number/dataset
 * readers; object readers and checks; listing and whole-file reading; write
 * sessions (temporary copy, fsync, rename); writers; the forked loader with
 * its serialisation; the CSV parser.
 *
 * Threads: HDF5 is not thread-safe.  Every public function that calls HDF5
 * takes srxi_h5_lock, the one mutable static of the library (a mutex
 * initialised with PTHREAD_MUTEX_INITIALIZER: the accepted exception to "no
 * mutable statics"), and runs its HDF5 calls inside H5E_BEGIN_TRY /
 * H5E_END_TRY, which silences HDF5's automatic error printing for the call
 * and restores the application's setting afterwards.  Static functions whose
 * name ends in _locked expect the lock to be held. */
#define _GNU_SOURCE /* F_OFD_SETLK: open-file-description locks (Linux) */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#include "internal.h"
#include "spinrelax/h5store.h"

static pthread_mutex_t srxi_h5_lock = PTHREAD_MUTEX_INITIALIZER;

#define LOCKED_CALL(rc, expr)                                                                      \
    do {                                                                                           \
        pthread_mutex_lock(&srxi_h5_lock);                                                         \
        H5E_BEGIN_TRY { (rc) = (expr); }                                                           \
        H5E_END_TRY;                                                                               \
        pthread_mutex_unlock(&srxi_h5_lock);                                                       \
    } while (0)

/* Longest string attribute accepted (longer: EFORMAT). */
#define MAX_STRING_BYTES (1u << 20)

struct srx_h5file {
    hid_t fid;
    int writable;   /* a write session on tmp_path */
    int committed;
    int has_format;
    char *path;     /* the real file (resolved through symlinks when it exists) */
    char *tmp_path; /* the session's copy, or NULL */
    int lock_fd;    /* the locked original during a session, or -1 */
};

/* How long a write session waits for another one on the same file. */
#define SESSION_WAIT_S 120.0

static const char *const experiments[] = {"saturation_recovery", "inversion_recovery", "spin_lock",
                                          "longitudinal_decay"};

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static void close_id(hid_t id)
{
    if (id >= 0)
        H5Idec_ref(id);
}

/* ------------------------------------------------------------------ readers */

/* Open a member of `loc` (one link name), following hard and soft links
 * but never external ones (which would open another file).  Returns the
 * object id, or -1 with *status set (ENOTFOUND if absent). */
static hid_t open_member_locked(hid_t loc, const char *name, int *status)
{
    H5L_info_t li;
    hid_t obj;
    /* one lookup in the common case; H5Lexists only to tell "missing" from
     * "damaged" when the link cannot be read */
    if (H5Lget_info(loc, name, &li, H5P_DEFAULT) < 0) {
        *status = H5Lexists(loc, name, H5P_DEFAULT) == 0 ? SRX_ENOTFOUND : SRX_EFORMAT;
        return -1;
    }
    if (li.type != H5L_TYPE_HARD && li.type != H5L_TYPE_SOFT) {
        *status = SRX_EFORMAT;
        return -1;
    }
    obj = H5Oopen(loc, name, H5P_DEFAULT);
    if (obj < 0) {
        *status = li.type == H5L_TYPE_SOFT ? SRX_ENOTFOUND : SRX_EFORMAT;
        return -1;
    }
    *status = SRX_OK;
    return obj;
}

/* Open a member that must be a group (want_group) or a dataset. */
static hid_t open_typed_locked(hid_t loc, const char *where, const char *name, int want_group,
                               int *status, srx_diag *diag)
{
    hid_t obj = open_member_locked(loc, name, status);
    H5I_type_t t;
    if (obj < 0) {
        if (*status == SRX_ENOTFOUND)
            srxi_fail(diag, SRX_ENOTFOUND, "%s/%s: missing", where, name);
        else
            srxi_fail(diag, SRX_EFORMAT, "%s/%s: cannot be opened (external link or damaged)",
                      where, name);
        return -1;
    }
    t = H5Iget_type(obj);
    if (t != (want_group ? H5I_GROUP : H5I_DATASET)) {
        close_id(obj);
        *status = srxi_fail(diag, SRX_EFORMAT, "%s/%s: is not a %s", where, name,
                            want_group ? "group" : "dataset");
        return -1;
    }
    return obj;
}

/* Read a scalar (or one-element) string attribute.  *out is a new heap
 * string.  ENOTFOUND (with a message) if absent. */
static int read_attr_string_locked(hid_t obj, const char *where, const char *name, char **out,
                                   srx_diag *diag)
{
    hid_t attr = -1, ftype = -1, space = -1, mtype = -1;
    int status = SRX_OK;
    htri_t ex;
    hssize_t npoints;

    *out = NULL;
    ex = H5Aexists(obj, name);
    if (ex == 0)
        return srxi_fail(diag, SRX_ENOTFOUND, "%s: attribute '%s' is missing", where, name);
    if (ex < 0 || (attr = H5Aopen(obj, name, H5P_DEFAULT)) < 0)
        return srxi_fail(diag, SRX_EFORMAT, "%s: attribute '%s' cannot be opened", where, name);
    ftype = H5Aget_type(attr);
    space = H5Aget_space(attr);
    if (ftype < 0 || space < 0 || H5Tget_class(ftype) != H5T_STRING) {
        status = srxi_fail(diag, SRX_EFORMAT, "%s: attribute '%s' is not a string", where, name);
        goto done;
    }
    npoints = H5Sget_simple_extent_npoints(space);
    if (npoints != 1 || H5Sget_simple_extent_type(space) == H5S_NULL) {
        status = srxi_fail(diag, SRX_EFORMAT, "%s: attribute '%s' is not a single string", where,
                           name);
        goto done;
    }
    if (H5Tis_variable_str(ftype) > 0) {
        char *p = NULL;
        H5T_cset_t cset = H5Tget_cset(ftype);
        mtype = H5Tcopy(H5T_C_S1);
        if (mtype < 0 || H5Tset_size(mtype, H5T_VARIABLE) < 0 ||
            H5Tset_cset(mtype, cset == H5T_CSET_UTF8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII) < 0 ||
            H5Aread(attr, mtype, &p) < 0) {
            if (p) /* whatever a failed conversion may have left */
                H5free_memory(p);
            status = srxi_fail(diag, SRX_EFORMAT, "%s: attribute '%s' cannot be read", where, name);
            goto done;
        }
        if (!p) {
            *out = dup_string("");
        } else {
            size_t len = strnlen(p, MAX_STRING_BYTES + 1);
            if (len > MAX_STRING_BYTES) {
                status = srxi_fail(diag, SRX_EFORMAT, "%s: attribute '%s' is too long", where,
                                   name);
            } else {
                *out = malloc(len + 1);
                if (*out) {
                    memcpy(*out, p, len);
                    (*out)[len] = '\0';
                }
            }
            H5free_memory(p);
        }
        if (status == SRX_OK && !*out)
            status = srxi_fail(diag, SRX_ENOMEM, "%s: out of memory", where);
    } else {
        size_t size = H5Tget_size(ftype);
        char *buf;
        if (size == 0 || size > MAX_STRING_BYTES) {
            status = srxi_fail(diag, SRX_EFORMAT, "%s: attribute '%s' has a bad string size", where,
                               name);
            goto done;
        }
        mtype = H5Tcopy(ftype);
        buf = calloc(size + 1, 1);
        if (!buf) {
            status = srxi_fail(diag, SRX_ENOMEM, "%s: out of memory", where);
            goto done;
        }
        if (mtype < 0 || H5Aread(attr, mtype, buf) < 0) {
            free(buf);
            status = srxi_fail(diag, SRX_EFORMAT, "%s: attribute '%s' cannot be read", where, name);
            goto done;
        }
        buf[size] = '\0';
        if (H5Tget_strpad(ftype) == H5T_STR_SPACEPAD) {
            size_t len = strlen(buf);
            while (len > 0 && buf[len - 1] == ' ')
                buf[--len] = '\0';
        }
        *out = buf;
    }
done:
    close_id(mtype);
    close_id(space);
    close_id(ftype);
    close_id(attr);
    return status;
}

/* String attribute into a fixed buffer. */
static int read_attr_label_locked(hid_t obj, const char *where, const char *name, char *buf,
                                  size_t size, srx_diag *diag)
{
    char *s = NULL;
    int status = read_attr_string_locked(obj, where, name, &s, diag);
    if (status != SRX_OK)
        return status;
    if (strlen(s) >= size) {
        free(s);
        return srxi_fail(diag, SRX_EFORMAT, "%s: attribute '%s' is too long (at most %zu bytes)",
                         where, name, size - 1);
    }
    strcpy(buf, s);
    free(s);
    return SRX_OK;
}

static int is_numeric_type(hid_t t)
{
    H5T_class_t c = H5Tget_class(t);
    return c == H5T_INTEGER || c == H5T_FLOAT;
}

/* Read a numeric attribute (one element, integer or float class) as double. */
static int read_attr_double_locked(hid_t obj, const char *where, const char *name, double *out,
                                   srx_diag *diag)
{
    hid_t attr, ftype = -1, space = -1;
    int status = SRX_OK;
    htri_t ex = H5Aexists(obj, name);
    if (ex == 0)
        return srxi_fail(diag, SRX_ENOTFOUND, "%s: attribute '%s' is missing", where, name);
    if (ex < 0 || (attr = H5Aopen(obj, name, H5P_DEFAULT)) < 0)
        return srxi_fail(diag, SRX_EFORMAT, "%s: attribute '%s' cannot be opened", where, name);
    ftype = H5Aget_type(attr);
    space = H5Aget_space(attr);
    if (ftype < 0 || space < 0 || !is_numeric_type(ftype))
        status = srxi_fail(diag, SRX_EFORMAT, "%s: attribute '%s' is not a number", where, name);
    else if (H5Sget_simple_extent_type(space) == H5S_NULL ||
             H5Sget_simple_extent_npoints(space) != 1)
        status = srxi_fail(diag, SRX_EFORMAT, "%s: attribute '%s' is not a single number", where,
                           name);
    else if (H5Aread(attr, H5T_NATIVE_DOUBLE, out) < 0)
        status = srxi_fail(diag, SRX_EFORMAT, "%s: attribute '%s' cannot be read as a number",
                           where, name);
    close_id(space);
    close_id(ftype);
    close_id(attr);
    return status;
}

/* Open a 1-D dataset, returning its id, length and type (caller closes). */
static hid_t open_vector_locked(hid_t grp, const char *where, const char *name, size_t *n,
                                hid_t *ftype, int *status, srx_diag *diag)
{
    hid_t ds = open_typed_locked(grp, where, name, 0, status, diag), space;
    hsize_t dims[1];
    *ftype = -1;
    if (ds < 0)
        return -1;
    space = H5Dget_space(ds);
    if (space < 0 || H5Sget_simple_extent_type(space) != H5S_SIMPLE ||
        H5Sget_simple_extent_ndims(space) != 1 || H5Sget_simple_extent_dims(space, dims, NULL) != 1) {
        close_id(space);
        close_id(ds);
        *status = srxi_fail(diag, SRX_EFORMAT, "%s/%s: is not a one-dimensional dataset", where,
                            name);
        return -1;
    }
    close_id(space);
    if (dims[0] > SRX_H5_MAX_POINTS) {
        close_id(ds);
        *status = srxi_fail(diag, SRX_EFORMAT, "%s/%s: more than %u points", where, name,
                            SRX_H5_MAX_POINTS);
        return -1;
    }
    *n = (size_t)dims[0];
    *ftype = H5Dget_type(ds);
    if (*ftype < 0) {
        close_id(ds);
        *status = srxi_fail(diag, SRX_EFORMAT, "%s/%s: has no readable type", where, name);
        return -1;
    }
    return ds;
}

/* Read a 1-D numeric dataset as doubles.  *out is new heap memory. */
static int read_vector_locked(hid_t grp, const char *where, const char *name, double **out,
                              size_t *n, srx_diag *diag)
{
    int status;
    hid_t ftype, ds = open_vector_locked(grp, where, name, n, &ftype, &status, diag);
    *out = NULL;
    if (ds < 0)
        return status;
    if (!is_numeric_type(ftype)) {
        status = srxi_fail(diag, SRX_EFORMAT, "%s/%s: is not numeric", where, name);
    } else if (!(*out = malloc((*n ? *n : 1) * sizeof(double)))) {
        status = srxi_fail(diag, SRX_ENOMEM, "%s/%s: out of memory", where, name);
    } else if (*n > 0 && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0) {
        free(*out);
        *out = NULL;
        status = srxi_fail(diag, SRX_EIO, "%s/%s: cannot be read", where, name);
    } else {
        status = SRX_OK;
    }
    close_id(ftype);
    close_id(ds);
    return status;
}

/* Read a 1-D integer dataset as int. */
static int read_int_vector_locked(hid_t grp, const char *where, const char *name, int **out,
                                  size_t *n, srx_diag *diag)
{
    int status;
    hid_t ftype, ds = open_vector_locked(grp, where, name, n, &ftype, &status, diag);
    *out = NULL;
    if (ds < 0)
        return status;
    if (H5Tget_class(ftype) != H5T_INTEGER) {
        status = srxi_fail(diag, SRX_EFORMAT, "%s/%s: is not an integer dataset", where, name);
    } else if (!(*out = malloc((*n ? *n : 1) * sizeof(int)))) {
        status = srxi_fail(diag, SRX_ENOMEM, "%s/%s: out of memory", where, name);
    } else if (*n > 0 && H5Dread(ds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0) {
        free(*out);
        *out = NULL;
        status = srxi_fail(diag, SRX_EIO, "%s/%s: cannot be read", where, name);
    } else {
        status = SRX_OK;
    }
    close_id(ftype);
    close_id(ds);
    return status;
}

/* Read a 1-D string dataset (variable or fixed length) as n heap strings. */
static int read_string_vector_locked(hid_t grp, const char *where, const char *name, char ***out,
                                     size_t *n, srx_diag *diag)
{
    int status = SRX_OK;
    hid_t ftype, mtype = -1, ds = open_vector_locked(grp, where, name, n, &ftype, &status, diag);
    char **v = NULL;
    size_t i;
    *out = NULL;
    if (ds < 0)
        return status;
    if (H5Tget_class(ftype) != H5T_STRING) {
        status = srxi_fail(diag, SRX_EFORMAT, "%s/%s: is not a string dataset", where, name);
        goto done;
    }
    v = calloc(*n ? *n : 1, sizeof *v);
    if (!v) {
        status = srxi_fail(diag, SRX_ENOMEM, "%s/%s: out of memory", where, name);
        goto done;
    }
    if (*n == 0)
        goto done;
    if (H5Tis_variable_str(ftype) > 0) {
        char **raw = calloc(*n, sizeof *raw);
        hid_t space = H5Dget_space(ds);
        mtype = H5Tcopy(H5T_C_S1);
        if (!raw || space < 0 || mtype < 0 || H5Tset_size(mtype, H5T_VARIABLE) < 0 ||
            H5Tset_cset(mtype, H5Tget_cset(ftype) == H5T_CSET_UTF8 ? H5T_CSET_UTF8
                                                                  : H5T_CSET_ASCII) < 0 ||
            H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0) {
            status = srxi_fail(diag, SRX_EIO, "%s/%s: cannot be read", where, name);
            if (raw && space >= 0 && mtype >= 0) /* strings a partial read left (NULLs skipped) */
                H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, raw);
        } else {
            for (i = 0; i < *n && status == SRX_OK; i++) {
                const char *s = raw[i] ? raw[i] : "";
                if (strnlen(s, MAX_STRING_BYTES + 1) > MAX_STRING_BYTES)
                    status = srxi_fail(diag, SRX_EFORMAT, "%s/%s: string too long", where, name);
                else if (!(v[i] = dup_string(s)))
                    status = srxi_fail(diag, SRX_ENOMEM, "%s/%s: out of memory", where, name);
            }
            H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, raw);
        }
        close_id(space);
        free(raw);
    } else {
        size_t size = H5Tget_size(ftype);
        char *buf;
        if (size == 0 || size > MAX_STRING_BYTES || *n > ((size_t)1 << 30) / size) {
            status = srxi_fail(diag, SRX_EFORMAT, "%s/%s: bad string size", where, name);
            goto done;
        }
        mtype = H5Tcopy(ftype);
        buf = malloc(*n * size);
        if (!buf || mtype < 0 || H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
            status = buf ? srxi_fail(diag, SRX_EIO, "%s/%s: cannot be read", where, name)
                         : srxi_fail(diag, SRX_ENOMEM, "%s/%s: out of memory", where, name);
        } else {
            for (i = 0; i < *n && status == SRX_OK; i++) {
                size_t len = strnlen(buf + i * size, size);
                if (H5Tget_strpad(ftype) == H5T_STR_SPACEPAD)
                    while (len > 0 && buf[i * size + len - 1] == ' ')
                        len--;
                v[i] = malloc(len + 1);
                if (!v[i]) {
                    status = srxi_fail(diag, SRX_ENOMEM, "%s/%s: out of memory", where, name);
                } else {
                    memcpy(v[i], buf + i * size, len);
                    v[i][len] = '\0';
                }
            }
        }
        free(buf);
    }
done:
    if (status != SRX_OK && v) {
        for (i = 0; i < *n; i++)
            free(v[i]);
        free(v);
        v = NULL;
    }
    *out = v;
    close_id(mtype);
    close_id(ftype);
    close_id(ds);
    return status;
}

/* ------------------------------------------------------------------ objects */

void srx_h5_series_init(srx_h5_series *s)
{
    if (!s)
        return;
    memset(s, 0, sizeof *s);
    s->source = s->pulse_program = s->title = NULL;
    s->delay_s = s->signal = s->sigma = NULL;
}

void srx_h5_series_clear(srx_h5_series *s)
{
    if (!s)
        return;
    free(s->source);
    free(s->pulse_program);
    free(s->title);
    free(s->delay_s);
    free(s->signal);
    free(s->sigma);
    srx_h5_series_init(s);
}

void srx_h5_spectrum_init(srx_h5_spectrum *s)
{
    if (!s)
        return;
    memset(s, 0, sizeof *s);
    s->frequency_hz = s->intensity = NULL;
}

void srx_h5_spectrum_clear(srx_h5_spectrum *s)
{
    if (!s)
        return;
    free(s->frequency_hz);
    free(s->intensity);
    srx_h5_spectrum_init(s);
}

void srx_h5_conductivity_init(srx_h5_conductivity *c)
{
    if (!c)
        return;
    memset(c, 0, sizeof *c);
    c->temperature_k = c->sigma_dc_s_per_m = c->sigma_err_s_per_m = NULL;
}

void srx_h5_conductivity_clear(srx_h5_conductivity *c)
{
    if (!c)
        return;
    free(c->temperature_k);
    free(c->sigma_dc_s_per_m);
    free(c->sigma_err_s_per_m);
    srx_h5_conductivity_init(c);
}

/* A plain link name: not empty, no '/', not "." or "..", fits a name field. */
static int valid_link_name(const char *name)
{
    return name && name[0] && !strchr(name, '/') && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0 && strlen(name) < SRX_H5_NAME_LEN;
}

static int check_handle(const srx_h5file *f, const char *what, srx_diag *diag)
{
    if (!f)
        return srxi_fail(diag, SRX_EINVAL, "h5store: %s: NULL file", what);
    if (f->committed || f->fid < 0)
        return srxi_fail(diag, SRX_EINVAL, "h5store: %s: the file is closed (session committed)",
                         what);
    return SRX_OK;
}

/* Open /<top>/<name>; *where receives "/top/name" for messages. */
static hid_t open_object_locked(srx_h5file *f, const char *top, const char *name, char *where,
                                size_t wsize, int *status, srx_diag *diag)
{
    hid_t g, obj;
    char topwhere[SRX_H5_NAME_LEN + 2];
    snprintf(where, wsize, "%s: /%s/%s", f->path, top, name);
    snprintf(topwhere, sizeof topwhere, "%s: ", f->path);
    g = open_typed_locked(f->fid, topwhere, top, 1, status, NULL);
    if (g < 0) {
        if (*status == SRX_ENOTFOUND)
            srxi_fail(diag, SRX_ENOTFOUND, "%s: no such object", where);
        else
            srxi_fail(diag, *status, "%s: /%s is not a readable group", f->path, top);
        return -1;
    }
    obj = open_member_locked(g, name, status);
    close_id(g);
    if (obj < 0) {
        if (*status == SRX_ENOTFOUND)
            srxi_fail(diag, SRX_ENOTFOUND, "%s: no such object", where);
        else
            srxi_fail(diag, *status, "%s: cannot be opened (external link or damaged)", where);
        return -1;
    }
    if (H5Iget_type(obj) != H5I_GROUP) {
        close_id(obj);
        *status = srxi_fail(diag, SRX_EFORMAT, "%s: is not a group", where);
        return -1;
    }
    return obj;
}

/* An optional numeric attribute: absent gives `dflt`. */
static int read_optional_double_locked(hid_t obj, const char *where, const char *name, double dflt,
                                       double *out, srx_diag *diag)
{
    int status = read_attr_double_locked(obj, where, name, out, diag);
    if (status == SRX_ENOTFOUND) {
        *out = dflt;
        return SRX_OK;
    }
    return status;
}

static int read_optional_string_locked(hid_t obj, const char *where, const char *name, char **out,
                                       srx_diag *diag)
{
    int status = read_attr_string_locked(obj, where, name, out, diag);
    return status == SRX_ENOTFOUND ? SRX_OK : status;
}

/* Required attribute: ENOTFOUND becomes EFORMAT. */
static int required(int status)
{
    return status == SRX_ENOTFOUND ? SRX_EFORMAT : status;
}

static int length_mismatch(srx_diag *diag, const char *where, const char *a, size_t na,
                           const char *b, size_t nb)
{
    return srxi_fail(diag, SRX_EFORMAT, "%s: %s has %zu points but %s has %zu", where, a, na, b,
                     nb);
}

static int read_series_locked(srx_h5file *f, const char *name, srx_h5_series *s, srx_diag *diag)
{
    char where[2 * SRX_H5_NAME_LEN + 64];
    int status;
    size_t n1 = 0, n2 = 0, n3 = 0;
    hid_t g;

    srx_h5_series_init(s);
    if (!valid_link_name(name))
        return srxi_fail(diag, SRX_EINVAL, "%s: invalid series name", f->path);
    g = open_object_locked(f, "series", name, where, sizeof where, &status, diag);
    if (g < 0)
        return status;
    strcpy(s->name, name);
    if ((status = required(read_attr_label_locked(g, where, "experiment", s->experiment,
                                                  sizeof s->experiment, diag))) ||
        (status = required(read_attr_label_locked(g, where, "nucleus", s->nucleus,
                                                  sizeof s->nucleus, diag))) ||
        (status = required(read_attr_double_locked(g, where, "larmor_hz", &s->larmor_hz, diag))) ||
        (status = required(
             read_attr_double_locked(g, where, "temperature_k", &s->temperature_k, diag))) ||
        (status = read_optional_double_locked(g, where, "spinlock_hz", 0.0, &s->spinlock_hz,
                                              diag)) ||
        (status = read_optional_double_locked(g, where, "mas_hz", 0.0, &s->mas_hz, diag)) ||
        (status = read_optional_string_locked(g, where, "source", &s->source, diag)) ||
        (status = read_optional_string_locked(g, where, "pulse_program", &s->pulse_program,
                                              diag)) ||
        (status = read_optional_string_locked(g, where, "title", &s->title, diag)) ||
        (status = required(read_vector_locked(g, where, "delay_s", &s->delay_s, &n1, diag))) ||
        (status = required(read_vector_locked(g, where, "signal", &s->signal, &n2, diag))))
        goto done;
    status = read_vector_locked(g, where, "sigma", &s->sigma, &n3, diag);
    if (status == SRX_ENOTFOUND) {
        status = SRX_OK;
        n3 = n1;
    }
    if (status)
        goto done;
    if (n2 != n1)
        status = length_mismatch(diag, where, "delay_s", n1, "signal", n2);
    else if (n3 != n1)
        status = length_mismatch(diag, where, "delay_s", n1, "sigma", n3);
    s->n = n1;
done:
    close_id(g);
    if (status)
        srx_h5_series_clear(s);
    return status;
}

int srx_h5_read_series(srx_h5file *file, const char *name, srx_h5_series *s, srx_diag *diag)
{
    int status;
    if (!s)
        return srxi_fail(diag, SRX_EINVAL, "h5store: read_series: NULL series");
    srx_h5_series_init(s);
    if ((status = check_handle(file, "read_series", diag)))
        return status;
    if (!name)
        return srxi_fail(diag, SRX_EINVAL, "h5store: read_series: NULL name");
    LOCKED_CALL(status, read_series_locked(file, name, s, diag));
    return status;
}

static int read_spectrum_locked(srx_h5file *f, const char *name, srx_h5_spectrum *s,
                                srx_diag *diag)
{
    char where[2 * SRX_H5_NAME_LEN + 64];
    int status;
    size_t n1 = 0, n2 = 0;
    hid_t g;

    srx_h5_spectrum_init(s);
    if (!valid_link_name(name))
        return srxi_fail(diag, SRX_EINVAL, "%s: invalid spectrum name", f->path);
    g = open_object_locked(f, "spectra", name, where, sizeof where, &status, diag);
    if (g < 0)
        return status;
    strcpy(s->name, name);
    if ((status = required(read_attr_label_locked(g, where, "nucleus", s->nucleus,
                                                  sizeof s->nucleus, diag))) ||
        (status = required(read_attr_double_locked(g, where, "larmor_hz", &s->larmor_hz, diag))) ||
        (status = required(
             read_attr_double_locked(g, where, "temperature_k", &s->temperature_k, diag))) ||
        (status = read_optional_double_locked(g, where, "mas_hz", 0.0, &s->mas_hz, diag)) ||
        (status = required(
             read_vector_locked(g, where, "frequency_hz", &s->frequency_hz, &n1, diag))) ||
        (status = required(read_vector_locked(g, where, "intensity", &s->intensity, &n2, diag))))
        goto done;
    if (n2 != n1)
        status = length_mismatch(diag, where, "frequency_hz", n1, "intensity", n2);
    s->n = n1;
done:
    close_id(g);
    if (status)
        srx_h5_spectrum_clear(s);
    return status;
}

int srx_h5_read_spectrum(srx_h5file *file, const char *name, srx_h5_spectrum *s, srx_diag *diag)
{
    int status;
    if (!s)
        return srxi_fail(diag, SRX_EINVAL, "h5store: read_spectrum: NULL spectrum");
    srx_h5_spectrum_init(s);
    if ((status = check_handle(file, "read_spectrum", diag)))
        return status;
    if (!name)
        return srxi_fail(diag, SRX_EINVAL, "h5store: read_spectrum: NULL name");
    LOCKED_CALL(status, read_spectrum_locked(file, name, s, diag));
    return status;
}

static int read_conductivity_locked(srx_h5file *f, const char *name, srx_h5_conductivity *c,
                                    srx_diag *diag)
{
    char where[2 * SRX_H5_NAME_LEN + 64];
    int status;
    size_t n1 = 0, n2 = 0, n3 = 0;
    hid_t g;

    srx_h5_conductivity_init(c);
    if (!valid_link_name(name))
        return srxi_fail(diag, SRX_EINVAL, "%s: invalid conductivity set name", f->path);
    g = open_object_locked(f, "conductivity", name, where, sizeof where, &status, diag);
    if (g < 0)
        return status;
    strcpy(c->name, name);
    if ((status = required(
             read_vector_locked(g, where, "temperature_k", &c->temperature_k, &n1, diag))) ||
        (status = required(
             read_vector_locked(g, where, "sigma_dc_s_per_m", &c->sigma_dc_s_per_m, &n2, diag))))
        goto done;
    status = read_vector_locked(g, where, "sigma_err_s_per_m", &c->sigma_err_s_per_m, &n3, diag);
    if (status == SRX_ENOTFOUND) {
        status = SRX_OK;
        n3 = n1;
    }
    if (status)
        goto done;
    if (n2 != n1)
        status = length_mismatch(diag, where, "temperature_k", n1, "sigma_dc_s_per_m", n2);
    else if (n3 != n1)
        status = length_mismatch(diag, where, "temperature_k", n1, "sigma_err_s_per_m", n3);
    c->n = n1;
done:
    close_id(g);
    if (status)
        srx_h5_conductivity_clear(c);
    return status;
}

int srx_h5_read_conductivity(srx_h5file *file, const char *name, srx_h5_conductivity *c,
                             srx_diag *diag)
{
    int status;
    if (!c)
        return srxi_fail(diag, SRX_EINVAL, "h5store: read_conductivity: NULL set");
    srx_h5_conductivity_init(c);
    if ((status = check_handle(file, "read_conductivity", diag)))
        return status;
    if (!name)
        return srxi_fail(diag, SRX_EINVAL, "h5store: read_conductivity: NULL name");
    LOCKED_CALL(status, read_conductivity_locked(file, name, c, diag));
    return status;
}

/* ------------------------------------------------------------------ checks */

/* First non-finite element, or n. */
static size_t first_nonfinite(const double *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!srxi_isfinite(x[i]))
            return i;
    return n;
}

static int check_vector(srx_diag *diag, const char *kind, const char *name, const char *vec,
                        const double *x, size_t n, int sign_rule)
{
    /* sign_rule: 0 any finite, 1 >= 0, 2 > 0 */
    size_t i = first_nonfinite(x, n);
    if (i < n)
        return srxi_fail(diag, SRX_EFORMAT, "/%s/%s: %s[%zu] is %s", kind, name, vec, i,
                         isnan(x[i]) ? "NaN" : "infinite");
    for (i = 0; i < n; i++) {
        if (sign_rule == 1 && x[i] < 0.0)
            return srxi_fail(diag, SRX_EFORMAT, "/%s/%s: %s[%zu] = %g is negative", kind, name, vec,
                             i, x[i]);
        if (sign_rule == 2 && !(x[i] > 0.0))
            return srxi_fail(diag, SRX_EFORMAT, "/%s/%s: %s[%zu] = %g is not positive", kind, name,
                             vec, i, x[i]);
    }
    return SRX_OK;
}

static int check_positive(srx_diag *diag, const char *kind, const char *name, const char *attr,
                          double v, int allow_zero)
{
    if (!srxi_isfinite(v) || v < 0.0 || (!allow_zero && v == 0.0))
        return srxi_fail(diag, SRX_EFORMAT, "/%s/%s: %s = %g must be %s", kind, name, attr, v,
                         allow_zero ? "finite and >= 0" : "finite and > 0");
    return SRX_OK;
}

int srx_h5_series_check(const srx_h5_series *s, srx_diag *diag)
{
    size_t i;
    int known = 0, status;
    if (!s)
        return srxi_fail(diag, SRX_EINVAL, "h5store: series_check: NULL series");
    if (!memchr(s->name, '\0', sizeof s->name) || !memchr(s->experiment, '\0', sizeof s->experiment) ||
        !memchr(s->nucleus, '\0', sizeof s->nucleus))
        return srxi_fail(diag, SRX_EINVAL, "h5store: series_check: unterminated string field");
    for (i = 0; i < sizeof experiments / sizeof experiments[0]; i++)
        known |= strcmp(s->experiment, experiments[i]) == 0;
    if (!known)
        return srxi_fail(diag, SRX_EFORMAT,
                         "/series/%s: unknown experiment '%s' (saturation_recovery, "
                         "inversion_recovery, spin_lock or longitudinal_decay)",
                         s->name, s->experiment);
    if (!s->nucleus[0])
        return srxi_fail(diag, SRX_EFORMAT, "/series/%s: nucleus is empty", s->name);
    if ((status = check_positive(diag, "series", s->name, "larmor_hz", s->larmor_hz, 0)) ||
        (status = check_positive(diag, "series", s->name, "temperature_k", s->temperature_k, 0)) ||
        (status = check_positive(diag, "series", s->name, "spinlock_hz", s->spinlock_hz, 1)) ||
        (status = check_positive(diag, "series", s->name, "mas_hz", s->mas_hz, 1)))
        return status;
    if (strcmp(s->experiment, "spin_lock") == 0 && !(s->spinlock_hz > 0.0))
        return srxi_fail(diag, SRX_EFORMAT, "/series/%s: spin_lock needs spinlock_hz > 0", s->name);
    if (s->n < 3)
        return srxi_fail(diag, SRX_ENODATA, "/series/%s: %zu points, at least 3 needed", s->name,
                         s->n);
    if (!s->delay_s || !s->signal)
        return srxi_fail(diag, SRX_EINVAL, "/series/%s: NULL delay_s or signal", s->name);
    if ((status = check_vector(diag, "series", s->name, "delay_s", s->delay_s, s->n, 1)) ||
        (status = check_vector(diag, "series", s->name, "signal", s->signal, s->n, 0)))
        return status;
    if (s->sigma && (status = check_vector(diag, "series", s->name, "sigma", s->sigma, s->n, 2)))
        return status;
    return SRX_OK;
}

int srx_h5_spectrum_check(const srx_h5_spectrum *s, srx_diag *diag)
{
    size_t i;
    int status, dir;
    if (!s)
        return srxi_fail(diag, SRX_EINVAL, "h5store: spectrum_check: NULL spectrum");
    if (!memchr(s->name, '\0', sizeof s->name) || !memchr(s->nucleus, '\0', sizeof s->nucleus))
        return srxi_fail(diag, SRX_EINVAL, "h5store: spectrum_check: unterminated string field");
    if (!s->nucleus[0])
        return srxi_fail(diag, SRX_EFORMAT, "/spectra/%s: nucleus is empty", s->name);
    if ((status = check_positive(diag, "spectra", s->name, "larmor_hz", s->larmor_hz, 0)) ||
        (status = check_positive(diag, "spectra", s->name, "temperature_k", s->temperature_k, 0)) ||
        (status = check_positive(diag, "spectra", s->name, "mas_hz", s->mas_hz, 1)))
        return status;
    if (s->n < 3)
        return srxi_fail(diag, SRX_ENODATA, "/spectra/%s: %zu points, at least 3 needed", s->name,
                         s->n);
    if (!s->frequency_hz || !s->intensity)
        return srxi_fail(diag, SRX_EINVAL, "/spectra/%s: NULL arrays", s->name);
    if ((status = check_vector(diag, "spectra", s->name, "frequency_hz", s->frequency_hz, s->n,
                               0)) ||
        (status = check_vector(diag, "spectra", s->name, "intensity", s->intensity, s->n, 0)))
        return status;
    dir = s->frequency_hz[1] > s->frequency_hz[0] ? 1 : -1;
    for (i = 1; i < s->n; i++) {
        double d = s->frequency_hz[i] - s->frequency_hz[i - 1];
        if (!(dir * d > 0.0))
            return srxi_fail(diag, SRX_EFORMAT,
                             "/spectra/%s: frequency_hz is not strictly monotonic at index %zu",
                             s->name, i);
    }
    return SRX_OK;
}

int srx_h5_conductivity_check(const srx_h5_conductivity *c, srx_diag *diag)
{
    int status;
    if (!c)
        return srxi_fail(diag, SRX_EINVAL, "h5store: conductivity_check: NULL set");
    if (!memchr(c->name, '\0', sizeof c->name))
        return srxi_fail(diag, SRX_EINVAL, "h5store: conductivity_check: unterminated name");
    if (c->n < 2)
        return srxi_fail(diag, SRX_ENODATA, "/conductivity/%s: %zu points, at least 2 needed",
                         c->name, c->n);
    if (!c->temperature_k || !c->sigma_dc_s_per_m)
        return srxi_fail(diag, SRX_EINVAL, "/conductivity/%s: NULL arrays", c->name);
    if ((status = check_vector(diag, "conductivity", c->name, "temperature_k", c->temperature_k,
                               c->n, 2)) ||
        (status = check_vector(diag, "conductivity", c->name, "sigma_dc_s_per_m",
                               c->sigma_dc_s_per_m, c->n, 2)))
        return status;
    if (c->sigma_err_s_per_m &&
        (status = check_vector(diag, "conductivity", c->name, "sigma_err_s_per_m",
                               c->sigma_err_s_per_m, c->n, 2)))
        return status;
    return SRX_OK;
}

/* ------------------------------------------------------------------ listing */

void srx_h5_names_clear(srx_h5_names *names)
{
    size_t i;
    if (!names)
        return;
    for (i = 0; i < names->n; i++)
        free(names->name[i]);
    free(names->name);
    names->n = 0;
    names->name = NULL;
}

typedef struct name_collector {
    srx_h5_names *names;
    size_t cap;
    int failed;
} name_collector;

static herr_t collect_name(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    name_collector *c = data;
    (void)g;
    (void)info;
    if (c->names->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        char **p = cap < ((size_t)1 << 26) ? realloc(c->names->name, cap * sizeof *p) : NULL;
        if (!p) {
            c->failed = SRX_ENOMEM;
            return -1;
        }
        c->names->name = p;
        c->cap = cap;
    }
    if (!(c->names->name[c->names->n] = dup_string(name))) {
        c->failed = SRX_ENOMEM;
        return -1;
    }
    c->names->n++;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* List the members of group `path` below loc (ENOTFOUND-free: absent = empty). */
static int list_locked(hid_t loc, const char *where, const char *group, srx_h5_names *names,
                       srx_diag *diag)
{
    name_collector c;
    int status;
    hid_t g;
    hsize_t idx = 0;

    names->n = 0;
    names->name = NULL;
    g = open_typed_locked(loc, where, group, 1, &status, diag);
    if (g < 0)
        return status == SRX_ENOTFOUND ? SRX_OK : status;
    c.names = names;
    c.cap = 0;
    c.failed = 0;
    if (H5Literate(g, H5_INDEX_NAME, H5_ITER_NATIVE, &idx, collect_name, &c) < 0) {
        close_id(g);
        srx_h5_names_clear(names);
        if (c.failed)
            return srxi_fail(diag, c.failed, "%s/%s: out of memory", where, group);
        return srxi_fail(diag, SRX_EFORMAT, "%s/%s: members cannot be listed", where, group);
    }
    close_id(g);
    if (names->n > 1)
        qsort(names->name, names->n, sizeof *names->name, cmp_names);
    return SRX_OK;
}

int srx_h5_list(srx_h5file *file, const char *group, srx_h5_names *names, srx_diag *diag)
{
    int status;
    char where[SRX_H5_NAME_LEN + 8];
    if (!names)
        return srxi_fail(diag, SRX_EINVAL, "h5store: list: NULL names");
    names->n = 0;
    names->name = NULL;
    if ((status = check_handle(file, "list", diag)))
        return status;
    if (!valid_link_name(group))
        return srxi_fail(diag, SRX_EINVAL, "h5store: list: invalid group name");
    snprintf(where, sizeof where, "%s: ", file->path);
    LOCKED_CALL(status, list_locked(file->fid, where, group, names, diag));
    return status;
}

int srx_h5_has_format(const srx_h5file *file)
{
    return file ? file->has_format : -1;
}

/* ------------------------------------------------------------------ transients table */

static const char *const transient_columns[] = {
    "temperature_k", "larmor_hz", "spinlock_hz", "rate_per_s", "rate_err_per_s",
    "stretch",       "stretch_err", "amplitude", "reduced_chi2"};
#define N_TRANSIENT_DOUBLES (sizeof transient_columns / sizeof transient_columns[0])

static double *row_field(srx_h5_transient_row *r, size_t k)
{
    double *f[N_TRANSIENT_DOUBLES];
    f[0] = &r->temperature_k;
    f[1] = &r->larmor_hz;
    f[2] = &r->spinlock_hz;
    f[3] = &r->rate_per_s;
    f[4] = &r->rate_err_per_s;
    f[5] = &r->stretch;
    f[6] = &r->stretch_err;
    f[7] = &r->amplitude;
    f[8] = &r->reduced_chi2;
    return f[k];
}

void srx_h5_transients_clear(srx_h5_transients *t)
{
    if (!t)
        return;
    free(t->row);
    free(t->strings);
    t->n = 0;
    t->row = NULL;
    t->strings = NULL;
}

static void free_strings(char **v, size_t n)
{
    size_t i;
    if (!v)
        return;
    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int read_transients_locked(srx_h5file *f, srx_h5_transients *t, srx_diag *diag)
{
    char where[SRX_H5_NAME_LEN + 32], rwhere[SRX_H5_NAME_LEN + 32];
    hid_t r, g;
    int status;
    char **ser = NULL, **exp = NULL;
    int *st = NULL;
    double *col[N_TRANSIENT_DOUBLES] = {0};
    size_t n = 0, m, k, i, total = 0;

    snprintf(rwhere, sizeof rwhere, "%s: ", f->path);
    r = open_typed_locked(f->fid, rwhere, "results", 1, &status, NULL);
    if (r < 0)
        return srxi_fail(diag, status, "%s: /results/transients: %s", f->path,
                         status == SRX_ENOTFOUND ? "missing" : "/results is not a group");
    snprintf(where, sizeof where, "%s: /results", f->path);
    g = open_typed_locked(r, where, "transients", 1, &status, diag);
    close_id(r);
    if (g < 0)
        return status;
    snprintf(where, sizeof where, "%s: /results/transients", f->path);
    if ((status = required(read_string_vector_locked(g, where, "series", &ser, &n, diag))))
        goto done;
    if ((status = required(read_string_vector_locked(g, where, "experiment", &exp, &m, diag))))
        goto done;
    if (m != n) {
        status = length_mismatch(diag, where, "series", n, "experiment", m);
        goto done;
    }
    for (k = 0; k < N_TRANSIENT_DOUBLES; k++) {
        if ((status = required(read_vector_locked(g, where, transient_columns[k], &col[k], &m,
                                                  diag))))
            goto done;
        if (m != n) {
            status = length_mismatch(diag, where, "series", n, transient_columns[k], m);
            goto done;
        }
    }
    if ((status = required(read_int_vector_locked(g, where, "status", &st, &m, diag))))
        goto done;
    if (m != n) {
        status = length_mismatch(diag, where, "series", n, "status", m);
        goto done;
    }
    for (i = 0; i < n; i++)
        total += strlen(ser[i]) + strlen(exp[i]) + 2;
    t->row = calloc(n ? n : 1, sizeof *t->row);
    t->strings = malloc(total ? total : 1);
    if (!t->row || !t->strings) {
        srx_h5_transients_clear(t);
        status = srxi_fail(diag, SRX_ENOMEM, "%s: out of memory", where);
        goto done;
    }
    {
        char *p = t->strings;
        for (i = 0; i < n; i++) {
            size_t a = strlen(ser[i]) + 1, b = strlen(exp[i]) + 1;
            memcpy(p, ser[i], a);
            t->row[i].series = p;
            p += a;
            memcpy(p, exp[i], b);
            t->row[i].experiment = p;
            p += b;
            for (k = 0; k < N_TRANSIENT_DOUBLES; k++)
                *row_field(&t->row[i], k) = col[k][i];
            t->row[i].status = st[i];
        }
    }
    t->n = n;
done:
    free_strings(ser, n);
    free_strings(exp, n);
    for (k = 0; k < N_TRANSIENT_DOUBLES; k++)
        free(col[k]);
    free(st);
    close_id(g);
    return status;
}

int srx_h5_read_transients(srx_h5file *file, srx_h5_transients *t, srx_diag *diag)
{
    int status;
    if (!t)
        return srxi_fail(diag, SRX_EINVAL, "h5store: read_transients: NULL table");
    t->n = 0;
    t->row = NULL;
    t->strings = NULL;
    if ((status = check_handle(file, "read_transients", diag)))
        return status;
    LOCKED_CALL(status, read_transients_locked(file, t, diag));
    return status;
}

/* ------------------------------------------------------------------ whole file */

void srx_h5_contents_free(srx_h5_contents *c)
{
    size_t i;
    if (!c)
        return;
    free(c->sample);
    for (i = 0; i < c->n_series && c->series; i++)
        srx_h5_series_clear(&c->series[i]);
    for (i = 0; i < c->n_spectra && c->spectra; i++)
        srx_h5_spectrum_clear(&c->spectra[i]);
    for (i = 0; i < c->n_conductivity && c->conductivity; i++)
        srx_h5_conductivity_clear(&c->conductivity[i]);
    free(c->series);
    free(c->series_status);
    free(c->series_diag);
    free(c->spectra);
    free(c->spectra_status);
    free(c->spectra_diag);
    free(c->conductivity);
    free(c->conductivity_status);
    free(c->conductivity_diag);
    free(c->results);
    free(c);
}

static srx_h5_contents *contents_alloc(void)
{
    srx_h5_contents *c = calloc(1, sizeof *c);
    if (c) {
        c->sample = NULL;
        c->series = NULL;
        c->series_status = NULL;
        c->series_diag = NULL;
        c->spectra = NULL;
        c->spectra_status = NULL;
        c->spectra_diag = NULL;
        c->conductivity = NULL;
        c->conductivity_status = NULL;
        c->conductivity_diag = NULL;
        c->results = NULL;
    }
    return c;
}

/* Allocate the arrays for n series/spectra/sets (all zeroed). */
static int contents_reserve(srx_h5_contents *c, size_t ns, size_t nsp, size_t nc, size_t nr)
{
    size_t i;
    c->series = calloc(ns ? ns : 1, sizeof *c->series);
    c->series_status = calloc(ns ? ns : 1, sizeof *c->series_status);
    c->series_diag = calloc(ns ? ns : 1, sizeof *c->series_diag);
    c->spectra = calloc(nsp ? nsp : 1, sizeof *c->spectra);
    c->spectra_status = calloc(nsp ? nsp : 1, sizeof *c->spectra_status);
    c->spectra_diag = calloc(nsp ? nsp : 1, sizeof *c->spectra_diag);
    c->conductivity = calloc(nc ? nc : 1, sizeof *c->conductivity);
    c->conductivity_status = calloc(nc ? nc : 1, sizeof *c->conductivity_status);
    c->conductivity_diag = calloc(nc ? nc : 1, sizeof *c->conductivity_diag);
    c->results = calloc(nr ? nr : 1, sizeof *c->results);
    if (!c->series || !c->series_status || !c->series_diag || !c->spectra || !c->spectra_status ||
        !c->spectra_diag || !c->conductivity || !c->conductivity_status || !c->conductivity_diag ||
        !c->results)
        return SRX_ENOMEM;
    for (i = 0; i < ns; i++)
        srx_h5_series_init(&c->series[i]);
    for (i = 0; i < nsp; i++)
        srx_h5_spectrum_init(&c->spectra[i]);
    for (i = 0; i < nc; i++)
        srx_h5_conductivity_init(&c->conductivity[i]);
    return SRX_OK;
}

/* Fill one results entry for the group at loc/name (path given). */
static void result_entry_locked(hid_t loc, const char *name, const char *path,
                                srx_h5_result_entry *e)
{
    int status;
    hid_t g = open_member_locked(loc, name, &status);
    snprintf(e->path, sizeof e->path, "%s", path);
    if (g < 0)
        return;
    if (H5Iget_type(g) == H5I_GROUP) {
        read_attr_label_locked(g, path, "model", e->model, sizeof e->model, NULL);
        read_attr_label_locked(g, path, "created_by", e->created_by, sizeof e->created_by, NULL);
    }
    close_id(g);
}

static int list_results_locked(srx_h5file *f, srx_h5_contents *c, srx_diag *diag)
{
    srx_h5_names kinds = {0, NULL};
    char where[SRX_H5_NAME_LEN + 32];
    int status;
    size_t i, j, cap = 0;
    hid_t r;

    snprintf(where, sizeof where, "%s: ", f->path);
    if ((status = list_locked(f->fid, where, "results", &kinds, diag)))
        return status;
    if (kinds.n == 0)
        return SRX_OK;
    r = open_typed_locked(f->fid, where, "results", 1, &status, diag);
    if (r < 0) {
        srx_h5_names_clear(&kinds);
        return status;
    }
    snprintf(where, sizeof where, "%s: /results", f->path);
    for (i = 0; i < kinds.n && status == SRX_OK; i++) {
        srx_h5_names labels = {0, NULL};
        srx_h5_result_entry *p;
        size_t need;
        int st;
        hid_t k;
        if (strcmp(kinds.name[i], "transients") == 0) {
            labels.n = 0;
        } else {
            k = open_member_locked(r, kinds.name[i], &st);
            if (k >= 0 && H5Iget_type(k) == H5I_GROUP)
                list_locked(r, where, kinds.name[i], &labels, NULL);
            close_id(k);
        }
        need = c->n_results + (labels.n ? labels.n : 1);
        if (need > cap) {
            cap = 2 * need;
            p = realloc(c->results, cap * sizeof *p);
            if (!p) {
                srx_h5_names_clear(&labels);
                status = srxi_fail(diag, SRX_ENOMEM, "%s: out of memory", where);
                break;
            }
            c->results = p;
        }
        if (labels.n == 0) {
            srx_h5_result_entry *e = &c->results[c->n_results++];
            char path[SRX_H5_NAME_LEN];
            memset(e, 0, sizeof *e);
            snprintf(path, sizeof path, "/results/%s", kinds.name[i]);
            result_entry_locked(r, kinds.name[i], path, e);
            if (strcmp(kinds.name[i], "transients") == 0) {
                hid_t t = open_member_locked(r, "transients", &st), ft, ds;
                if (t >= 0 && H5Iget_type(t) == H5I_GROUP) {
                    size_t n = 0;
                    ds = open_vector_locked(t, path, "series", &n, &ft, &st, NULL);
                    if (ds >= 0)
                        e->n_rows = n;
                    close_id(ft);
                    close_id(ds);
                }
                close_id(t);
            }
        }
        for (j = 0; j < labels.n; j++) {
            srx_h5_result_entry *e = &c->results[c->n_results++];
            char path[SRX_H5_NAME_LEN];
            hid_t k2;
            memset(e, 0, sizeof *e);
            snprintf(path, sizeof path, "/results/%s/%s", kinds.name[i], labels.name[j]);
            k2 = open_member_locked(r, kinds.name[i], &st);
            if (k2 >= 0)
                result_entry_locked(k2, labels.name[j], path, e);
            else
                snprintf(e->path, sizeof e->path, "%s", path);
            close_id(k2);
        }
        srx_h5_names_clear(&labels);
    }
    close_id(r);
    srx_h5_names_clear(&kinds);
    return status;
}

static int read_all_locked(srx_h5file *f, srx_h5_contents *c, srx_diag *diag)
{
    srx_h5_names ns = {0, NULL}, nsp = {0, NULL}, nc = {0, NULL};
    char where[SRX_H5_NAME_LEN + 8];
    int status;
    size_t i;

    snprintf(where, sizeof where, "%s: ", f->path);
    c->has_format = f->has_format;
    /* an absent or unreadable free-text attribute is not an error */
    status = read_attr_string_locked(f->fid, where, "sample", &c->sample, NULL);
    if (status == SRX_ENOTFOUND || status == SRX_EFORMAT)
        status = SRX_OK;
    if (status ||
        (status = list_locked(f->fid, where, "series", &ns, diag)) ||
        (status = list_locked(f->fid, where, "spectra", &nsp, diag)) ||
        (status = list_locked(f->fid, where, "conductivity", &nc, diag)))
        goto done;
    if (contents_reserve(c, ns.n, nsp.n, nc.n, 0)) {
        status = srxi_fail(diag, SRX_ENOMEM, "%s: out of memory", f->path);
        goto done;
    }
    for (i = 0; i < ns.n; i++) {
        srx_diag *d = &c->series_diag[i];
        int st;
        c->n_series++;
        if (!valid_link_name(ns.name[i])) {
            c->series_status[i] =
                srxi_fail(d, SRX_EFORMAT, "%s: /series/%.64s...: name too long", f->path, ns.name[i]);
            continue;
        }
        st = read_series_locked(f, ns.name[i], &c->series[i], d);
        if (st == SRX_OK) {
            st = srx_h5_series_check(&c->series[i], d);
            if (st)
                srxi_diag_prefix(d, "%s", f->path);
        }
        if (st)
            strcpy(c->series[i].name, ns.name[i]);
        c->series_status[i] = st;
    }
    for (i = 0; i < nsp.n; i++) {
        srx_diag *d = &c->spectra_diag[i];
        int st;
        c->n_spectra++;
        if (!valid_link_name(nsp.name[i])) {
            c->spectra_status[i] = srxi_fail(d, SRX_EFORMAT, "%s: /spectra/%.64s...: name too long",
                                             f->path, nsp.name[i]);
            continue;
        }
        st = read_spectrum_locked(f, nsp.name[i], &c->spectra[i], d);
        if (st == SRX_OK) {
            st = srx_h5_spectrum_check(&c->spectra[i], d);
            if (st)
                srxi_diag_prefix(d, "%s", f->path);
        }
        if (st)
            strcpy(c->spectra[i].name, nsp.name[i]);
        c->spectra_status[i] = st;
    }
    for (i = 0; i < nc.n; i++) {
        srx_diag *d = &c->conductivity_diag[i];
        int st;
        c->n_conductivity++;
        if (!valid_link_name(nc.name[i])) {
            c->conductivity_status[i] = srxi_fail(
                d, SRX_EFORMAT, "%s: /conductivity/%.64s...: name too long", f->path, nc.name[i]);
            continue;
        }
        st = read_conductivity_locked(f, nc.name[i], &c->conductivity[i], d);
        if (st == SRX_OK) {
            st = srx_h5_conductivity_check(&c->conductivity[i], d);
            if (st)
                srxi_diag_prefix(d, "%s", f->path);
        }
        if (st)
            strcpy(c->conductivity[i].name, nc.name[i]);
        c->conductivity_status[i] = st;
    }
    free(c->results);
    c->results = NULL;
    status = list_results_locked(f, c, diag);
done:
    srx_h5_names_clear(&ns);
    srx_h5_names_clear(&nsp);
    srx_h5_names_clear(&nc);
    return status;
}

int srx_h5_read_all(srx_h5file *file, srx_h5_contents **out, srx_diag *diag)
{
    int status;
    srx_h5_contents *c;
    if (!out)
        return srxi_fail(diag, SRX_EINVAL, "h5store: read_all: NULL output");
    *out = NULL;
    if ((status = check_handle(file, "read_all", diag)))
        return status;
    if (!(c = contents_alloc()))
        return srxi_fail(diag, SRX_ENOMEM, "h5store: read_all: out of memory");
    LOCKED_CALL(status, read_all_locked(file, c, diag));
    if (status) {
        srx_h5_contents_free(c);
        return status;
    }
    *out = c;
    return SRX_OK;
}

/* ------------------------------------------------------------------ sessions */

/* "<dir>/.<base>.srx-tmp-XXXXXX" for mkstemp. */
static char *temp_template(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    size_t n = dirlen + strlen(base) + 32;
    char *t = malloc(n);
    if (t)
        snprintf(t, n, "%.*s.%s.srx-tmp-XXXXXX", (int)dirlen, path, base);
    return t;
}

static int copy_fd(int in, int out)
{
    char buf[65536];
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf), w = 0;
        if (r == 0)
            return 0;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        while (w < r) {
            ssize_t k = write(out, buf + w, (size_t)(r - w));
            if (k < 0) {
                if (errno == EINTR)
                    continue;
                return -1;
            }
            w += k;
        }
    }
}

static int fsync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int fd, rc;
    if (!slash)
        dir = dup_string(".");
    else {
        size_t n = (size_t)(slash - path);
        dir = malloc(n + 2);
        if (dir) {
            memcpy(dir, path, n ? n : 1);
            dir[n ? n : 1] = '\0';
        }
    }
    if (!dir)
        return -1;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

static hid_t fapl_strong(void)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0)
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    return fapl;
}

static int write_attr_string_locked(hid_t obj, const char *name, const char *value);

/* Read the root attribute spinrelax_format. */
static int check_format_locked(srx_h5file *f, srx_diag *diag)
{
    char *v = NULL;
    char where[SRX_H5_NAME_LEN + 8];
    int status;
    snprintf(where, sizeof where, "%s: /", f->path);
    status = read_attr_string_locked(f->fid, where, "spinrelax_format", &v, diag);
    if (status == SRX_ENOTFOUND) {
        f->has_format = 0;
        return SRX_OK;
    }
    if (status)
        return status;
    if (strcmp(v, SRX_H5_FORMAT_VERSION) != 0) {
        status = srxi_fail(diag, SRX_EFORMAT,
                           "%s: spinrelax_format '%.32s' is not supported (this library reads '%s')",
                           f->path, v, SRX_H5_FORMAT_VERSION);
        free(v);
        return status;
    }
    free(v);
    f->has_format = 1;
    return SRX_OK;
}

static int open_locked(srx_h5file *f, srx_h5_mode mode, int exists, srx_diag *diag)
{
    hid_t fapl = fapl_strong();
    int status = SRX_OK;
    const char *target = f->tmp_path ? f->tmp_path : f->path;

    if (fapl < 0)
        return srxi_fail(diag, SRX_EIO, "%s: HDF5 could not be initialised", f->path);
    if (!exists) {
        hid_t fcpl = H5P_DEFAULT;
        f->fid = H5Fcreate(target, H5F_ACC_TRUNC, fcpl, fapl);
        if (f->fid < 0)
            status = srxi_fail(diag, SRX_EIO, "%s: cannot create an HDF5 file", f->path);
        else if (write_attr_string_locked(f->fid, "spinrelax_format", SRX_H5_FORMAT_VERSION) < 0)
            status = srxi_fail(diag, SRX_EIO, "%s: cannot write spinrelax_format", f->path);
        else
            f->has_format = 1;
    } else {
        htri_t is = H5Fis_hdf5(target);
        if (is <= 0) {
            status = srxi_fail(diag, SRX_EFORMAT, "%s: not an HDF5 file", f->path);
        } else {
            /* Read-only: HDF5's core driver reads the whole file with a
             * few large reads instead of thousands of small ones (a 4,000-
             * series file opens and reads several times faster); no backing
             * store, so nothing is ever written.  Files beyond 1 GiB keep
             * the default driver. */
            struct stat st;
            if (mode == SRX_H5_READ && stat(target, &st) == 0 && st.st_size < (1L << 30))
                H5Pset_fapl_core(fapl, 1 << 20, 0);
            f->fid = H5Fopen(target, mode == SRX_H5_READ ? H5F_ACC_RDONLY : H5F_ACC_RDWR, fapl);
            if (f->fid < 0)
                status = srxi_fail(diag, SRX_EFORMAT,
                                   "%s: the HDF5 library cannot open it (damaged file?)", f->path);
            else
                status = check_format_locked(f, diag);
        }
    }
    H5Pclose(fapl);
    return status;
}

static void close_locked(srx_h5file *f)
{
    if (f->fid >= 0)
        H5Fclose(f->fid);
    f->fid = -1;
}

static void file_free(srx_h5file *f)
{
    if (!f)
        return;
    if (f->tmp_path)
        unlink(f->tmp_path);
    if (f->lock_fd >= 0)
        close(f->lock_fd); /* releases the session lock */
    free(f->tmp_path);
    free(f->path);
    free(f);
}

static double now_s(void);

/* Open the existing file `path` for a write session and take an exclusive
 * lock on it that other sessions respect (an open-file-description lock,
 * independent of the flock() locks HDF5 takes, so readers are not
 * disturbed).  A session that commits replaces the file by rename, so
 * after getting the lock we check that `path` still names the locked
 * file, and start again on the new one if not.  Waits at most
 * SESSION_WAIT_S (polling: a session in the same thread would otherwise
 * wait forever).  Returns the locked descriptor or -1 with a message. */
static int lock_original(const char *path, struct stat *st, int *status, srx_diag *diag)
{
    double deadline = now_s() + SESSION_WAIT_S;
    for (;;) {
        struct stat now;
        int fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            *status = srxi_fail(diag, SRX_EIO, "%s: cannot open for update: %s", path,
                                strerror(errno));
            return -1;
        }
#ifdef F_OFD_SETLK
        {
            struct flock fl;
            memset(&fl, 0, sizeof fl);
            fl.l_type = F_WRLCK;
            fl.l_whence = SEEK_SET;
            fl.l_start = 0;
            fl.l_len = 0;
            if (fcntl(fd, F_OFD_SETLK, &fl) != 0) {
                int e = errno;
                close(fd);
                if (e != EAGAIN && e != EACCES) {
                    *status = srxi_fail(diag, SRX_EIO, "%s: cannot lock for update: %s", path,
                                        strerror(e));
                    return -1;
                }
                if (now_s() > deadline) {
                    *status = srxi_fail(diag, SRX_EIO,
                                        "%s: another process has been updating it for %g s",
                                        path, SESSION_WAIT_S);
                    return -1;
                }
                usleep(10000);
                continue;
            }
        }
#endif
        if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
            close(fd);
            *status = srxi_fail(diag, SRX_EIO, "%s: not a regular file", path);
            return -1;
        }
        if (stat(path, &now) == 0 && now.st_dev == st->st_dev && now.st_ino == st->st_ino)
            return fd;
        close(fd); /* replaced by a session that just committed: lock the new file */
    }
}

int srx_h5_open(const char *path, srx_h5_mode mode, srx_h5file **file, srx_diag *diag)
{
    srx_h5file *f;
    int status, exists, fd;
    struct stat st;

    if (!file)
        return srxi_fail(diag, SRX_EINVAL, "h5store: open: NULL file handle pointer");
    *file = NULL;
    if (!path || !path[0])
        return srxi_fail(diag, SRX_EINVAL, "h5store: open: empty path");
    if (mode != SRX_H5_READ && mode != SRX_H5_UPDATE && mode != SRX_H5_CREATE)
        return srxi_fail(diag, SRX_EINVAL, "%s: unknown open mode %d", path, (int)mode);
    f = calloc(1, sizeof *f);
    if (!f)
        return srxi_fail(diag, SRX_ENOMEM, "%s: out of memory", path);
    f->fid = -1;
    f->tmp_path = NULL;
    f->path = NULL;
    f->lock_fd = -1;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    exists = fd >= 0;
    if (!exists && (errno != ENOENT || mode != SRX_H5_CREATE)) {
        status = srxi_fail(diag, SRX_EIO, "%s: cannot open: %s", path, strerror(errno));
        file_free(f);
        return status;
    }
    if (exists && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        file_free(f);
        return srxi_fail(diag, SRX_EIO, "%s: not a regular file", path);
    }
    if (exists && mode != SRX_H5_READ) {
        /* write to the real file behind a symlink, locked for this session */
        close(fd);
        fd = -1;
        f->path = realpath(path, NULL);
        if (!f->path) {
            status = srxi_fail(diag, SRX_EIO, "%s: cannot resolve the path: %s", path,
                               strerror(errno));
            file_free(f);
            return status;
        }
        f->lock_fd = lock_original(f->path, &st, &status, diag);
        if (f->lock_fd < 0) {
            file_free(f);
            return status;
        }
    } else {
        f->path = dup_string(path);
    }
    if (!f->path) {
        if (fd >= 0)
            close(fd);
        file_free(f);
        return srxi_fail(diag, SRX_ENOMEM, "%s: out of memory", path);
    }
    if (mode != SRX_H5_READ) {
        char *t = temp_template(f->path);
        int out;
        if (!t) {
            if (fd >= 0)
                close(fd);
            file_free(f);
            return srxi_fail(diag, SRX_ENOMEM, "%s: out of memory", path);
        }
        out = mkstemp(t);
        if (out < 0) {
            status = srxi_fail(diag, SRX_EIO, "%s: cannot create a temporary file beside it: %s",
                               path, strerror(errno));
            free(t);
            if (fd >= 0)
                close(fd);
            file_free(f);
            return status;
        }
        f->tmp_path = t;
        f->writable = 1;
        if (exists) {
            if (copy_fd(f->lock_fd, out) != 0 || fchmod(out, st.st_mode & 07777) != 0) {
                status = srxi_fail(diag, SRX_EIO, "%s: cannot copy to a temporary file: %s", path,
                                   strerror(errno));
                close(out);
                file_free(f);
                return status;
            }
        } else {
            fchmod(out, 0644);
        }
        close(out);
    }
    if (fd >= 0)
        close(fd);
    LOCKED_CALL(status, open_locked(f, mode, exists, diag));
    if (status) {
        pthread_mutex_lock(&srxi_h5_lock);
        H5E_BEGIN_TRY { close_locked(f); }
        H5E_END_TRY;
        pthread_mutex_unlock(&srxi_h5_lock);
        file_free(f);
        return status;
    }
    *file = f;
    return SRX_OK;
}

static int close_hdf5(srx_h5file *f)
{
    herr_t rc = 0;
    pthread_mutex_lock(&srxi_h5_lock);
    H5E_BEGIN_TRY
    {
        if (f->fid >= 0)
            rc = H5Fclose(f->fid);
    }
    H5E_END_TRY;
    f->fid = -1;
    pthread_mutex_unlock(&srxi_h5_lock);
    return rc < 0 ? -1 : 0;
}

int srx_h5_commit(srx_h5file *file, srx_diag *diag)
{
    int fd, status;
    if ((status = check_handle(file, "commit", diag)))
        return status;
    if (!file->writable)
        return srxi_fail(diag, SRX_EINVAL, "%s: commit: the file is open read-only", file->path);
    file->committed = 1;
    if (close_hdf5(file) != 0) {
        status = srxi_fail(diag, SRX_EIO, "%s: cannot finish writing (HDF5 close failed)",
                           file->path);
        goto fail;
    }
    fd = open(file->tmp_path, O_RDWR | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        status = srxi_fail(diag, SRX_EIO, "%s: cannot flush the temporary file: %s", file->path,
                           strerror(errno));
        if (fd >= 0)
            close(fd);
        goto fail;
    }
    close(fd);
    if (rename(file->tmp_path, file->path) != 0) {
        status = srxi_fail(diag, SRX_EIO, "%s: cannot replace the file: %s", file->path,
                           strerror(errno));
        goto fail;
    }
    free(file->tmp_path);
    file->tmp_path = NULL;
    fsync_dir_of(file->path); /* best effort: the rename is done either way */
    status = SRX_OK;
    goto unlock;
fail:
    unlink(file->tmp_path);
    free(file->tmp_path);
    file->tmp_path = NULL;
unlock:
    if (file->lock_fd >= 0) /* the next session may start */
        close(file->lock_fd);
    file->lock_fd = -1;
    return status;
}

void srx_h5_close(srx_h5file *file)
{
    if (!file)
        return;
    close_hdf5(file);
    file_free(file); /* removes an uncommitted temporary copy */
}

/* ------------------------------------------------------------------ writers */

static int write_attr_string_locked(hid_t obj, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR), attr = -1;
    int rc = -1;
    if (type >= 0 && space >= 0 && H5Tset_size(type, H5T_VARIABLE) >= 0 &&
        H5Tset_cset(type, H5T_CSET_UTF8) >= 0) {
        if (H5Aexists(obj, name) > 0)
            H5Adelete(obj, name);
        attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attr >= 0 && H5Awrite(attr, type, &value) >= 0)
            rc = 0;
    }
    close_id(attr);
    close_id(space);
    close_id(type);
    return rc;
}

static int write_attr_double_locked(hid_t obj, const char *name, double value)
{
    hid_t space = H5Screate(H5S_SCALAR), attr = -1;
    int rc = -1;
    if (space >= 0) {
        if (H5Aexists(obj, name) > 0)
            H5Adelete(obj, name);
        attr = H5Acreate2(obj, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attr >= 0 && H5Awrite(attr, H5T_NATIVE_DOUBLE, &value) >= 0)
            rc = 0;
    }
    close_id(attr);
    close_id(space);
    return rc;
}

static int write_vector_locked(hid_t grp, const char *name, hid_t ftype, hid_t mtype, size_t n,
                               const void *data)
{
    hsize_t dims[1];
    hid_t space, ds = -1;
    int rc = -1;
    dims[0] = (hsize_t)n;
    space = H5Screate_simple(1, dims, NULL);
    if (space >= 0) {
        ds = H5Dcreate2(grp, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (ds >= 0 && (n == 0 || H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0))
            rc = 0;
    }
    close_id(ds);
    close_id(space);
    return rc;
}

static int write_doubles_locked(hid_t grp, const char *name, size_t n, const double *x)
{
    return write_vector_locked(grp, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, x);
}

static int write_strings_locked(hid_t grp, const char *name, size_t n, const char **s)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    int rc = -1;
    if (type >= 0 && H5Tset_size(type, H5T_VARIABLE) >= 0 && H5Tset_cset(type, H5T_CSET_UTF8) >= 0)
        rc = write_vector_locked(grp, name, type, type, n, s);
    close_id(type);
    return rc;
}

/* Open (or create) the top-level group `name`. */
static hid_t require_group_locked(hid_t loc, const char *name)
{
    htri_t ex = H5Lexists(loc, name, H5P_DEFAULT);
    if (ex > 0) {
        hid_t g = H5Oopen(loc, name, H5P_DEFAULT);
        if (g >= 0 && H5Iget_type(g) != H5I_GROUP) {
            close_id(g);
            return -1;
        }
        return g;
    }
    if (ex < 0)
        return -1;
    return H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}

static int check_writable(const srx_h5file *f, const char *what, srx_diag *diag)
{
    int status = check_handle(f, what, diag);
    if (status)
        return status;
    if (!f->writable)
        return srxi_fail(diag, SRX_EINVAL, "%s: %s: the file is open read-only", f->path, what);
    return SRX_OK;
}

static int write_series_locked(srx_h5file *f, const srx_h5_series *s, int replace, srx_diag *diag)
{
    hid_t top, g = -1;
    htri_t ex;
    int ok = 1;
    top = require_group_locked(f->fid, "series");
    if (top < 0)
        return srxi_fail(diag, SRX_EIO, "%s: /series cannot be created or is not a group", f->path);
    ex = H5Lexists(top, s->name, H5P_DEFAULT);
    if (ex > 0 && !replace) {
        close_id(top);
        return srxi_fail(diag, SRX_EINVAL, "%s: /series/%s already exists", f->path, s->name);
    }
    if (ex > 0 && H5Ldelete(top, s->name, H5P_DEFAULT) < 0) {
        close_id(top);
        return srxi_fail(diag, SRX_EIO, "%s: /series/%s cannot be replaced", f->path, s->name);
    }
    g = H5Gcreate2(top, s->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ok = g >= 0 && write_attr_string_locked(g, "experiment", s->experiment) == 0 &&
         write_attr_string_locked(g, "nucleus", s->nucleus) == 0 &&
         write_attr_double_locked(g, "larmor_hz", s->larmor_hz) == 0 &&
         write_attr_double_locked(g, "temperature_k", s->temperature_k) == 0 &&
         (!(s->spinlock_hz > 0.0) || write_attr_double_locked(g, "spinlock_hz", s->spinlock_hz) == 0) &&
         (!(s->mas_hz > 0.0) || write_attr_double_locked(g, "mas_hz", s->mas_hz) == 0) &&
         (!s->source || write_attr_string_locked(g, "source", s->source) == 0) &&
         (!s->pulse_program || write_attr_string_locked(g, "pulse_program", s->pulse_program) == 0) &&
         (!s->title || write_attr_string_locked(g, "title", s->title) == 0) &&
         write_doubles_locked(g, "delay_s", s->n, s->delay_s) == 0 &&
         write_doubles_locked(g, "signal", s->n, s->signal) == 0 &&
         (!s->sigma || write_doubles_locked(g, "sigma", s->n, s->sigma) == 0);
    close_id(g);
    close_id(top);
    if (!ok)
        return srxi_fail(diag, SRX_EIO, "%s: /series/%s cannot be written", f->path, s->name);
    return SRX_OK;
}

int srx_h5_write_series(srx_h5file *file, const srx_h5_series *s, int replace, srx_diag *diag)
{
    int status;
    if ((status = check_writable(file, "write_series", diag)))
        return status;
    if (!s)
        return srxi_fail(diag, SRX_EINVAL, "%s: write_series: NULL series", file->path);
    if (!memchr(s->name, '\0', sizeof s->name) || !valid_link_name(s->name))
        return srxi_fail(diag, SRX_EINVAL,
                         "%s: series name must be a non-empty link name without '/'", file->path);
    if ((status = srx_h5_series_check(s, diag)))
        return status;
    LOCKED_CALL(status, write_series_locked(file, s, replace, diag));
    return status;
}

static int write_conductivity_locked(srx_h5file *f, const srx_h5_conductivity *c, int replace,
                                     srx_diag *diag)
{
    hid_t top, g = -1;
    htri_t ex;
    int ok;
    top = require_group_locked(f->fid, "conductivity");
    if (top < 0)
        return srxi_fail(diag, SRX_EIO, "%s: /conductivity cannot be created or is not a group",
                         f->path);
    ex = H5Lexists(top, c->name, H5P_DEFAULT);
    if (ex > 0 && !replace) {
        close_id(top);
        return srxi_fail(diag, SRX_EINVAL, "%s: /conductivity/%s already exists", f->path,
                         c->name);
    }
    if (ex > 0 && H5Ldelete(top, c->name, H5P_DEFAULT) < 0) {
        close_id(top);
        return srxi_fail(diag, SRX_EIO, "%s: /conductivity/%s cannot be replaced", f->path,
                         c->name);
    }
    g = H5Gcreate2(top, c->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ok = g >= 0 && write_doubles_locked(g, "temperature_k", c->n, c->temperature_k) == 0 &&
         write_doubles_locked(g, "sigma_dc_s_per_m", c->n, c->sigma_dc_s_per_m) == 0 &&
         (!c->sigma_err_s_per_m ||
          write_doubles_locked(g, "sigma_err_s_per_m", c->n, c->sigma_err_s_per_m) == 0);
    close_id(g);
    close_id(top);
    if (!ok)
        return srxi_fail(diag, SRX_EIO, "%s: /conductivity/%s cannot be written", f->path,
                         c->name);
    return SRX_OK;
}

int srx_h5_write_conductivity(srx_h5file *file, const srx_h5_conductivity *c, int replace,
                              srx_diag *diag)
{
    int status;
    if ((status = check_writable(file, "write_conductivity", diag)))
        return status;
    if (!c)
        return srxi_fail(diag, SRX_EINVAL, "%s: write_conductivity: NULL set", file->path);
    if (!memchr(c->name, '\0', sizeof c->name) || !valid_link_name(c->name))
        return srxi_fail(diag, SRX_EINVAL,
                         "%s: conductivity set name must be a non-empty link name without '/'",
                         file->path);
    if ((status = srx_h5_conductivity_check(c, diag)))
        return status;
    LOCKED_CALL(status, write_conductivity_locked(file, c, replace, diag));
    return status;
}

static int write_transients_locked(srx_h5file *f, const srx_h5_transient_row *rows, size_t n,
                                   srx_diag *diag)
{
    hid_t r, g = -1;
    const char **ser = NULL, **exp = NULL;
    double *col = NULL;
    int *st = NULL, ok;
    size_t i, k;

    r = require_group_locked(f->fid, "results");
    if (r < 0)
        return srxi_fail(diag, SRX_EIO, "%s: /results cannot be created or is not a group",
                         f->path);
    if (H5Lexists(r, "transients", H5P_DEFAULT) > 0 && H5Ldelete(r, "transients", H5P_DEFAULT) < 0) {
        close_id(r);
        return srxi_fail(diag, SRX_EIO, "%s: /results/transients cannot be replaced", f->path);
    }
    ser = malloc((n ? n : 1) * sizeof *ser);
    exp = malloc((n ? n : 1) * sizeof *exp);
    col = malloc((n ? n : 1) * sizeof *col);
    st = malloc((n ? n : 1) * sizeof *st);
    if (!ser || !exp || !col || !st) {
        ok = -1;
        goto done;
    }
    for (i = 0; i < n; i++) {
        ser[i] = rows[i].series;
        exp[i] = rows[i].experiment;
        st[i] = rows[i].status;
    }
    g = H5Gcreate2(r, "transients", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ok = g >= 0 && write_strings_locked(g, "series", n, ser) == 0 &&
         write_strings_locked(g, "experiment", n, exp) == 0;
    for (k = 0; ok && k < N_TRANSIENT_DOUBLES; k++) {
        for (i = 0; i < n; i++)
            col[i] = *row_field((srx_h5_transient_row *)&rows[i], k);
        ok = write_doubles_locked(g, transient_columns[k], n, col) == 0;
    }
    ok = ok && write_vector_locked(g, "status", H5T_STD_I32LE, H5T_NATIVE_INT, n, st) == 0;
done:
    free(ser);
    free(exp);
    free(col);
    free(st);
    close_id(g);
    close_id(r);
    if (ok < 0)
        return srxi_fail(diag, SRX_ENOMEM, "%s: /results/transients: out of memory", f->path);
    if (!ok)
        return srxi_fail(diag, SRX_EIO, "%s: /results/transients cannot be written", f->path);
    return SRX_OK;
}

int srx_h5_write_transients(srx_h5file *file, const srx_h5_transient_row *rows, size_t n,
                            srx_diag *diag)
{
    int status;
    size_t i;
    if ((status = check_writable(file, "write_transients", diag)))
        return status;
    if (n > 0 && !rows)
        return srxi_fail(diag, SRX_EINVAL, "%s: write_transients: NULL rows", file->path);
    if (n > SRX_H5_MAX_POINTS)
        return srxi_fail(diag, SRX_EINVAL, "%s: write_transients: too many rows", file->path);
    for (i = 0; i < n; i++)
        if (!rows[i].series || !rows[i].experiment)
            return srxi_fail(diag, SRX_EINVAL, "%s: write_transients: row %zu has a NULL string",
                             file->path, i);
    LOCKED_CALL(status, write_transients_locked(file, rows, n, diag));
    return status;
}

static int write_result_locked(srx_h5file *f, const char *kind, const char *label,
                               const char *model, const srx_h5_number *numbers, size_t n_numbers,
                               const srx_h5_text *texts, size_t n_texts, srx_diag *diag)
{
    char created_by[64];
    hid_t r, k = -1, g = -1;
    int ok;
    size_t i;

    r = require_group_locked(f->fid, "results");
    if (r >= 0)
        k = require_group_locked(r, kind);
    if (k < 0) {
        close_id(r);
        return srxi_fail(diag, SRX_EIO, "%s: /results/%s cannot be created or is not a group",
                         f->path, kind);
    }
    if (H5Lexists(k, label, H5P_DEFAULT) > 0 && H5Ldelete(k, label, H5P_DEFAULT) < 0) {
        close_id(k);
        close_id(r);
        return srxi_fail(diag, SRX_EIO, "%s: /results/%s/%s cannot be replaced", f->path, kind,
                         label);
    }
    snprintf(created_by, sizeof created_by, "spinrelax %s", srx_version());
    g = H5Gcreate2(k, label, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ok = g >= 0 && write_attr_string_locked(g, "model", model) == 0 &&
         write_attr_string_locked(g, "created_by", created_by) == 0;
    for (i = 0; ok && i < n_numbers; i++)
        ok = write_attr_double_locked(g, numbers[i].name, numbers[i].value) == 0;
    for (i = 0; ok && i < n_texts; i++)
        ok = write_attr_string_locked(g, texts[i].name, texts[i].value) == 0;
    close_id(g);
    close_id(k);
    close_id(r);
    if (!ok)
        return srxi_fail(diag, SRX_EIO, "%s: /results/%s/%s cannot be written", f->path, kind,
                         label);
    return SRX_OK;
}

static int attr_name_ok(const char *name)
{
    return name && name[0] && strcmp(name, "model") != 0 && strcmp(name, "created_by") != 0 &&
           strlen(name) < SRX_H5_NAME_LEN;
}

int srx_h5_write_result(srx_h5file *file, const char *kind, const char *label, const char *model,
                        const srx_h5_number *numbers, size_t n_numbers, const srx_h5_text *texts,
                        size_t n_texts, srx_diag *diag)
{
    int status;
    size_t i, j;
    if ((status = check_writable(file, "write_result", diag)))
        return status;
    if (!valid_link_name(kind) || strcmp(kind, "transients") == 0)
        return srxi_fail(diag, SRX_EINVAL, "%s: write_result: invalid result kind", file->path);
    if (!valid_link_name(label))
        return srxi_fail(diag, SRX_EINVAL, "%s: write_result: invalid result label", file->path);
    if (!model)
        return srxi_fail(diag, SRX_EINVAL, "%s: write_result: NULL model", file->path);
    if ((n_numbers && !numbers) || (n_texts && !texts))
        return srxi_fail(diag, SRX_EINVAL, "%s: write_result: NULL attribute list", file->path);
    for (i = 0; i < n_numbers + n_texts; i++) {
        const char *a = i < n_numbers ? numbers[i].name : texts[i - n_numbers].name;
        if (!attr_name_ok(a))
            return srxi_fail(diag, SRX_EINVAL,
                             "%s: /results/%s/%s: attribute name %zu is empty, reserved or NULL",
                             file->path, kind, label, i);
        if (i >= n_numbers && !texts[i - n_numbers].value)
            return srxi_fail(diag, SRX_EINVAL, "%s: /results/%s/%s: attribute '%s' has a NULL value",
                             file->path, kind, label, a);
        for (j = 0; j < i; j++) {
            const char *b = j < n_numbers ? numbers[j].name : texts[j - n_numbers].name;
            if (strcmp(a, b) == 0)
                return srxi_fail(diag, SRX_EINVAL, "%s: /results/%s/%s: attribute '%s' given twice",
                                 file->path, kind, label, a);
        }
    }
    LOCKED_CALL(status, write_result_locked(file, kind, label, model, numbers, n_numbers, texts,
                                            n_texts, diag));
    return status;
}

static hid_t open_result_locked(srx_h5file *f, const char *kind, const char *label, char *where,
                                size_t wsize, int *status, srx_diag *diag)
{
    hid_t r, k, g;
    snprintf(where, wsize, "%s: /results/%s/%s", f->path, kind, label);
    r = open_member_locked(f->fid, "results", status);
    k = r >= 0 ? open_member_locked(r, kind, status) : -1;
    g = k >= 0 ? open_member_locked(k, label, status) : -1;
    close_id(k);
    close_id(r);
    if (g < 0) {
        srxi_fail(diag, *status == SRX_ENOTFOUND ? SRX_ENOTFOUND : SRX_EFORMAT,
                  "%s: no such result group", where);
        *status = *status == SRX_ENOTFOUND ? SRX_ENOTFOUND : SRX_EFORMAT;
        return -1;
    }
    if (H5Iget_type(g) != H5I_GROUP) {
        close_id(g);
        *status = srxi_fail(diag, SRX_EFORMAT, "%s: is not a group", where);
        return -1;
    }
    return g;
}

static int read_result_number_locked(srx_h5file *f, const char *kind, const char *label,
                                     const char *name, double *value, srx_diag *diag)
{
    char where[3 * SRX_H5_NAME_LEN + 32];
    int status;
    hid_t g = open_result_locked(f, kind, label, where, sizeof where, &status, diag);
    if (g < 0)
        return status;
    status = read_attr_double_locked(g, where, name, value, diag);
    close_id(g);
    return status;
}

int srx_h5_read_result_number(srx_h5file *file, const char *kind, const char *label,
                              const char *name, double *value, srx_diag *diag)
{
    int status;
    if ((status = check_handle(file, "read_result_number", diag)))
        return status;
    if (!valid_link_name(kind) || !valid_link_name(label) || !name || !name[0] || !value)
        return srxi_fail(diag, SRX_EINVAL, "%s: read_result_number: invalid argument", file->path);
    LOCKED_CALL(status, read_result_number_locked(file, kind, label, name, value, diag));
    return status;
}

static int read_result_text_locked(srx_h5file *f, const char *kind, const char *label,
                                   const char *name, char *buf, size_t size, srx_diag *diag)
{
    char where[3 * SRX_H5_NAME_LEN + 32];
    char *s = NULL;
    int status;
    hid_t g = open_result_locked(f, kind, label, where, sizeof where, &status, diag);
    if (g < 0)
        return status;
    status = read_attr_string_locked(g, where, name, &s, diag);
    close_id(g);
    if (status)
        return status;
    if (strlen(s) >= size)
        status = srxi_fail(diag, SRX_ERANGE, "%s: attribute '%s' does not fit in %zu bytes", where,
                           name, size);
    else
        strcpy(buf, s);
    free(s);
    return status;
}

int srx_h5_read_result_text(srx_h5file *file, const char *kind, const char *label, const char *name,
                            char *buf, size_t size, srx_diag *diag)
{
    int status;
    if ((status = check_handle(file, "read_result_text", diag)))
        return status;
    if (!valid_link_name(kind) || !valid_link_name(label) || !name || !name[0] || !buf || !size)
        return srxi_fail(diag, SRX_EINVAL, "%s: read_result_text: invalid argument", file->path);
    LOCKED_CALL(status, read_result_text_locked(file, kind, label, name, buf, size, diag));
    return status;
}

/* ------------------------------------------------------------------ forked loader */

/* Serialisation of a srx_h5_contents: a byte stream of little records
 * (native byte order: parent and child are the same program).
 *   header: magic u32, status i32, message string
 *   then, on success: has_format, sample, the series, spectra, sets, results */
#define WIRE_MAGIC 0x53525848u /* "SRXH" */

typedef struct wbuf {
    unsigned char *p;
    size_t n, cap;
    int failed;
} wbuf;

static void w_bytes(wbuf *b, const void *data, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        unsigned char *q;
        while (cap < b->n + n)
            cap *= 2;
        q = realloc(b->p, cap);
        if (!q) {
            b->failed = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void w_u64(wbuf *b, uint64_t v) { w_bytes(b, &v, sizeof v); }
static void w_i32(wbuf *b, int32_t v) { w_bytes(b, &v, sizeof v); }
static void w_f64(wbuf *b, double v) { w_bytes(b, &v, sizeof v); }

/* A string or NULL: length+1 (0 = NULL), then the bytes. */
static void w_str(wbuf *b, const char *s)
{
    if (!s) {
        w_u64(b, 0);
        return;
    }
    w_u64(b, (uint64_t)strlen(s) + 1);
    w_bytes(b, s, strlen(s));
}

/* An array of n doubles or NULL: flag, then the values. */
static void w_vec(wbuf *b, const double *x, size_t n)
{
    w_i32(b, x != NULL);
    if (x)
        w_bytes(b, x, n * sizeof *x);
}

static void serialise(wbuf *b, int status, const srx_diag *d, const srx_h5_contents *c)
{
    size_t i;
    w_u64(b, WIRE_MAGIC);
    w_i32(b, status);
    w_str(b, d->message);
    if (status)
        return;
    w_i32(b, c->has_format);
    w_str(b, c->sample);
    w_u64(b, c->n_series);
    for (i = 0; i < c->n_series; i++) {
        const srx_h5_series *s = &c->series[i];
        w_i32(b, c->series_status[i]);
        w_str(b, c->series_diag[i].message);
        w_str(b, s->name);
        w_str(b, s->experiment);
        w_str(b, s->nucleus);
        w_f64(b, s->larmor_hz);
        w_f64(b, s->temperature_k);
        w_f64(b, s->spinlock_hz);
        w_f64(b, s->mas_hz);
        w_str(b, s->source);
        w_str(b, s->pulse_program);
        w_str(b, s->title);
        w_u64(b, s->n);
        w_vec(b, s->delay_s, s->n);
        w_vec(b, s->signal, s->n);
        w_vec(b, s->sigma, s->n);
    }
    w_u64(b, c->n_spectra);
    for (i = 0; i < c->n_spectra; i++) {
        const srx_h5_spectrum *s = &c->spectra[i];
        w_i32(b, c->spectra_status[i]);
        w_str(b, c->spectra_diag[i].message);
        w_str(b, s->name);
        w_str(b, s->nucleus);
        w_f64(b, s->larmor_hz);
        w_f64(b, s->temperature_k);
        w_f64(b, s->mas_hz);
        w_u64(b, s->n);
        w_vec(b, s->frequency_hz, s->n);
        w_vec(b, s->intensity, s->n);
    }
    w_u64(b, c->n_conductivity);
    for (i = 0; i < c->n_conductivity; i++) {
        const srx_h5_conductivity *s = &c->conductivity[i];
        w_i32(b, c->conductivity_status[i]);
        w_str(b, c->conductivity_diag[i].message);
        w_str(b, s->name);
        w_u64(b, s->n);
        w_vec(b, s->temperature_k, s->n);
        w_vec(b, s->sigma_dc_s_per_m, s->n);
        w_vec(b, s->sigma_err_s_per_m, s->n);
    }
    w_u64(b, c->n_results);
    for (i = 0; i < c->n_results; i++) {
        w_str(b, c->results[i].path);
        w_str(b, c->results[i].model);
        w_str(b, c->results[i].created_by);
        w_u64(b, c->results[i].n_rows);
    }
    w_u64(b, WIRE_MAGIC);
}

typedef struct rbuf {
    const unsigned char *p;
    size_t n, pos;
    int failed;
} rbuf;

static void r_bytes(rbuf *b, void *out, size_t n)
{
    if (b->failed || n > b->n - b->pos) {
        b->failed = 1;
        memset(out, 0, n);
        return;
    }
    memcpy(out, b->p + b->pos, n);
    b->pos += n;
}

static uint64_t r_u64(rbuf *b)
{
    uint64_t v;
    r_bytes(b, &v, sizeof v);
    return v;
}

static int32_t r_i32(rbuf *b)
{
    int32_t v;
    r_bytes(b, &v, sizeof v);
    return v;
}

static double r_f64(rbuf *b)
{
    double v;
    r_bytes(b, &v, sizeof v);
    return v;
}

static char *r_str(rbuf *b)
{
    uint64_t n = r_u64(b);
    char *s;
    if (b->failed || n == 0)
        return NULL;
    if (n - 1 > b->n - b->pos) {
        b->failed = 1;
        return NULL;
    }
    s = malloc((size_t)n);
    if (!s) {
        b->failed = 1;
        return NULL;
    }
    r_bytes(b, s, (size_t)n - 1);
    s[n - 1] = '\0';
    return s;
}

static void r_fixed(rbuf *b, char *out, size_t size)
{
    char *s = r_str(b);
    out[0] = '\0';
    if (s) {
        snprintf(out, size, "%s", s);
        free(s);
    }
}

static double *r_vec(rbuf *b, size_t n)
{
    double *x;
    if (!r_i32(b) || b->failed)
        return NULL;
    if (n > (b->n - b->pos) / sizeof(double)) {
        b->failed = 1;
        return NULL;
    }
    x = malloc((n ? n : 1) * sizeof *x);
    if (!x) {
        b->failed = 1;
        return NULL;
    }
    r_bytes(b, x, n * sizeof *x);
    return x;
}

/* A count that cannot exceed what is left in the buffer (each item takes
 * at least `min_bytes`). */
static size_t r_count(rbuf *b, size_t min_bytes)
{
    uint64_t n = r_u64(b);
    if (b->failed || n > (b->n - b->pos) / min_bytes) {
        b->failed = 1;
        return 0;
    }
    return (size_t)n;
}

static int deserialise(const unsigned char *p, size_t n, srx_h5_contents **out, srx_diag *diag)
{
    rbuf b = {p, n, 0, 0};
    srx_h5_contents *c;
    int status;
    size_t i, ns, nsp, nc, nr;
    char msg[SRX_DIAG_MESSAGE_LEN];

    if (r_u64(&b) != WIRE_MAGIC)
        return -1;
    status = r_i32(&b);
    r_fixed(&b, msg, sizeof msg);
    if (b.failed)
        return -1;
    if (status) {
        srxi_fail(diag, status, "%s", msg);
        return status;
    }
    if (!(c = contents_alloc()))
        return srxi_fail(diag, SRX_ENOMEM, "h5store: out of memory");
    c->has_format = r_i32(&b);
    c->sample = r_str(&b);
    ns = r_count(&b, 16);
    if (b.failed || !(c->series = calloc(ns ? ns : 1, sizeof *c->series)) ||
        !(c->series_status = calloc(ns ? ns : 1, sizeof(int))) ||
        !(c->series_diag = calloc(ns ? ns : 1, sizeof(srx_diag))))
        goto bad;
    for (i = 0; i < ns && !b.failed; i++) {
        srx_h5_series *s = &c->series[i];
        srx_h5_series_init(s);
        c->n_series++;
        c->series_status[i] = r_i32(&b);
        r_fixed(&b, c->series_diag[i].message, sizeof c->series_diag[i].message);
        r_fixed(&b, s->name, sizeof s->name);
        r_fixed(&b, s->experiment, sizeof s->experiment);
        r_fixed(&b, s->nucleus, sizeof s->nucleus);
        s->larmor_hz = r_f64(&b);
        s->temperature_k = r_f64(&b);
        s->spinlock_hz = r_f64(&b);
        s->mas_hz = r_f64(&b);
        s->source = r_str(&b);
        s->pulse_program = r_str(&b);
        s->title = r_str(&b);
        s->n = (size_t)r_u64(&b);
        s->delay_s = r_vec(&b, s->n);
        s->signal = r_vec(&b, s->n);
        s->sigma = r_vec(&b, s->n);
    }
    nsp = r_count(&b, 16);
    if (b.failed || !(c->spectra = calloc(nsp ? nsp : 1, sizeof *c->spectra)) ||
        !(c->spectra_status = calloc(nsp ? nsp : 1, sizeof(int))) ||
        !(c->spectra_diag = calloc(nsp ? nsp : 1, sizeof(srx_diag))))
        goto bad;
    for (i = 0; i < nsp && !b.failed; i++) {
        srx_h5_spectrum *s = &c->spectra[i];
        srx_h5_spectrum_init(s);
        c->n_spectra++;
        c->spectra_status[i] = r_i32(&b);
        r_fixed(&b, c->spectra_diag[i].message, sizeof c->spectra_diag[i].message);
        r_fixed(&b, s->name, sizeof s->name);
        r_fixed(&b, s->nucleus, sizeof s->nucleus);
        s->larmor_hz = r_f64(&b);
        s->temperature_k = r_f64(&b);
        s->mas_hz = r_f64(&b);
        s->n = (size_t)r_u64(&b);
        s->frequency_hz = r_vec(&b, s->n);
        s->intensity = r_vec(&b, s->n);
    }
    nc = r_count(&b, 16);
    if (b.failed || !(c->conductivity = calloc(nc ? nc : 1, sizeof *c->conductivity)) ||
        !(c->conductivity_status = calloc(nc ? nc : 1, sizeof(int))) ||
        !(c->conductivity_diag = calloc(nc ? nc : 1, sizeof(srx_diag))))
        goto bad;
    for (i = 0; i < nc && !b.failed; i++) {
        srx_h5_conductivity *s = &c->conductivity[i];
        srx_h5_conductivity_init(s);
        c->n_conductivity++;
        c->conductivity_status[i] = r_i32(&b);
        r_fixed(&b, c->conductivity_diag[i].message, sizeof c->conductivity_diag[i].message);
        r_fixed(&b, s->name, sizeof s->name);
        s->n = (size_t)r_u64(&b);
        s->temperature_k = r_vec(&b, s->n);
        s->sigma_dc_s_per_m = r_vec(&b, s->n);
        s->sigma_err_s_per_m = r_vec(&b, s->n);
    }
    nr = r_count(&b, 16);
    if (b.failed || !(c->results = calloc(nr ? nr : 1, sizeof *c->results)))
        goto bad;
    for (i = 0; i < nr && !b.failed; i++) {
        r_fixed(&b, c->results[i].path, sizeof c->results[i].path);
        r_fixed(&b, c->results[i].model, sizeof c->results[i].model);
        r_fixed(&b, c->results[i].created_by, sizeof c->results[i].created_by);
        c->results[i].n_rows = (size_t)r_u64(&b);
        c->n_results++;
    }
    if (r_u64(&b) != WIRE_MAGIC || b.failed || b.pos != b.n)
        goto bad;
    *out = c;
    return SRX_OK;
bad:
    srx_h5_contents_free(c);
    return -1;
}

/* The child: open, read, serialise, write to fd, _exit. */
static void load_child(const char *path, int fd)
{
    srx_h5file *f = NULL;
    srx_h5_contents *c = NULL;
    srx_diag d;
    wbuf b = {NULL, 0, 0, 0};
    int status;
    size_t off = 0;

    srx_diag_clear(&d);
    status = srx_h5_open(path, SRX_H5_READ, &f, &d);
    if (status == SRX_OK)
        status = srx_h5_read_all(f, &c, &d);
    srx_h5_close(f);
    serialise(&b, status, &d, c);
    srx_h5_contents_free(c);
    if (b.failed)
        _exit(3);
    while (off < b.n) {
        ssize_t k = write(fd, b.p + off, b.n - off);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            _exit(4);
        }
        off += (size_t)k;
    }
    _exit(0);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int srx_h5_load(const char *path, double timeout_s, srx_h5_contents **out, srx_diag *diag)
{
    int fds[2], status = SRX_OK, wstatus = 0, timed_out = 0, eof = 0;
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    double deadline;
    pid_t pid;

    if (!out)
        return srxi_fail(diag, SRX_EINVAL, "h5store: load: NULL output");
    *out = NULL;
    if (!path || !path[0])
        return srxi_fail(diag, SRX_EINVAL, "h5store: load: empty path");
    if (!(timeout_s > 0.0) || !srxi_isfinite(timeout_s) || timeout_s > 1e6)
        return srxi_fail(diag, SRX_EINVAL, "%s: load: timeout %g s must be in (0, 1e6]", path,
                         timeout_s);
    if (pipe(fds) != 0)
        return srxi_fail(diag, SRX_EIO, "%s: cannot create a pipe: %s", path, strerror(errno));
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    /* Hold the HDF5 lock across fork so that the child never inherits it
     * locked by another thread; both sides release it afterwards. */
    pthread_mutex_lock(&srxi_h5_lock);
    pid = fork();
    if (pid == 0) {
        /* The child prints nothing: its stderr goes to /dev/null, so that
         * a crash report (from a sanitizer, say) cannot reach the user.
         * Our own code is fuzzed in-process by tests/fuzz_readers.c. */
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 2);
            close(devnull);
        }
        pthread_mutex_unlock(&srxi_h5_lock);
        close(fds[0]);
        load_child(path, fds[1]);
        _exit(5);
    }
    pthread_mutex_unlock(&srxi_h5_lock);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return srxi_fail(diag, SRX_EIO, "%s: cannot start a reader process: %s", path,
                         strerror(errno));
    }
    deadline = now_s() + timeout_s;
    while (!eof) {
        struct pollfd pfd;
        double left = deadline - now_s();
        int pr;
        if (left <= 0.0) {
            timed_out = 1;
            break;
        }
        pfd.fd = fds[0];
        pfd.events = POLLIN;
        pfd.revents = 0;
        pr = poll(&pfd, 1, (int)(left * 1000.0) + 1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr < 0) {
            status = srxi_fail(diag, SRX_EIO, "%s: poll failed: %s", path, strerror(errno));
            break;
        }
        if (pr == 0)
            continue;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 65536;
            unsigned char *q = realloc(buf, nc);
            if (!q) {
                status = srxi_fail(diag, SRX_ENOMEM, "%s: out of memory", path);
                break;
            }
            buf = q;
            cap = nc;
        }
        {
            ssize_t k = read(fds[0], buf + n, cap - n);
            if (k < 0 && errno != EINTR && errno != EAGAIN) {
                status = srxi_fail(diag, SRX_EIO, "%s: read from the reader process failed", path);
                break;
            }
            if (k == 0)
                eof = 1;
            if (k > 0)
                n += (size_t)k;
        }
    }
    close(fds[0]);
    if (!eof)
        kill(pid, SIGKILL);
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    if (status != SRX_OK) {
        free(buf);
        return status;
    }
    if (timed_out) {
        free(buf);
        return srxi_fail(diag, SRX_EFORMAT,
                         "%s: file is damaged (the HDF5 library hung while reading it)", path);
    }
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        free(buf);
        if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 3)
            return srxi_fail(diag, SRX_ENOMEM, "%s: out of memory while reading", path);
        return srxi_fail(diag, SRX_EFORMAT,
                         "%s: file is damaged (the HDF5 library crashed while reading it)", path);
    }
    status = deserialise(buf, n, out, diag);
    free(buf);
    if (status < 0)
        return srxi_fail(diag, SRX_EFORMAT,
                         "%s: file is damaged (the reader process returned garbled data)", path);
    return status;
}

/* ------------------------------------------------------------------ CSV */

typedef struct csv_cols {
    double *v[3];
    size_t n, cap;
} csv_cols;

static int csv_push(csv_cols *c, const double *x, int ncol)
{
    int k;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        if (cap > SRX_H5_MAX_POINTS)
            cap = SRX_H5_MAX_POINTS;
        if (c->n >= cap)
            return SRX_EFORMAT;
        for (k = 0; k < ncol; k++) {
            double *p = realloc(c->v[k], cap * sizeof *p);
            if (!p)
                return SRX_ENOMEM;
            c->v[k] = p;
        }
        c->cap = cap;
    }
    for (k = 0; k < ncol; k++)
        c->v[k][c->n] = x[k];
    c->n++;
    return SRX_OK;
}

/* Parse one field [b, e) as a finite number.  Returns 1 on success. */
static int csv_number(const char *b, const char *e, double *out)
{
    char tmp[128], *end;
    size_t len;
    while (b < e && (*b == ' ' || *b == '\t'))
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    len = (size_t)(e - b);
    if (len == 0 || len >= sizeof tmp)
        return 0;
    memcpy(tmp, b, len);
    tmp[len] = '\0';
    errno = 0;
    *out = strtod(tmp, &end);
    if (end != tmp + len || !srxi_isfinite(*out) || errno == ERANGE)
        return 0;
    return 1;
}

int srx_h5_parse_csv(const char *text, size_t len, srx_h5_series *s, srx_diag *diag)
{
    csv_cols c;
    size_t pos = 0, line = 0;
    int ncol = 0, first = 1, status = SRX_OK, k;

    if (!s)
        return srxi_fail(diag, SRX_EINVAL, "csv: NULL series");
    if (!text && len > 0)
        return srxi_fail(diag, SRX_EINVAL, "csv: NULL text");
    memset(&c, 0, sizeof c);
    c.v[0] = c.v[1] = c.v[2] = NULL;
    while (pos < len && status == SRX_OK) {
        const char *b = text + pos, *e, *nl = memchr(b, '\n', len - pos);
        const char *fb[4], *fe[4];
        const char *p, *q;
        double x[3];
        int nf = 0, isnum;
        e = nl ? nl : text + len;
        pos = (size_t)(e - text) + (nl ? 1 : 0);
        line++;
        if (e > b && e[-1] == '\r')
            e--;
        p = b;
        while (p < e && (*p == ' ' || *p == '\t'))
            p++;
        if (p == e || *p == '#')
            continue;
        if (memchr(b, '\0', (size_t)(e - b))) {
            status = srxi_fail(diag, SRX_EFORMAT, "csv line %zu: contains a NUL byte", line);
            break;
        }
        /* split on commas */
        q = b;
        for (;;) {
            const char *comma = memchr(q, ',', (size_t)(e - q));
            if (nf == 4) {
                nf = 5;
                break;
            }
            fb[nf] = q;
            fe[nf] = comma ? comma : e;
            nf++;
            if (!comma)
                break;
            q = comma + 1;
        }
        isnum = csv_number(fb[0], fe[0], &x[0]);
        if (first && !isnum) {
            first = 0; /* a header line */
            continue;
        }
        first = 0;
        if (nf != 2 && nf != 3) {
            status = srxi_fail(diag, SRX_EFORMAT,
                               "csv line %zu: %s%d fields, expected delay_s,signal[,sigma]", line,
                               nf > 4 ? "more than " : "", nf > 4 ? 4 : nf);
            break;
        }
        if (ncol == 0)
            ncol = nf;
        if (nf != ncol) {
            status = srxi_fail(diag, SRX_EFORMAT, "csv line %zu: %d fields, earlier lines have %d",
                               line, nf, ncol);
            break;
        }
        for (k = 0; k < nf; k++) {
            if (!csv_number(fb[k], fe[k], &x[k])) {
                status = srxi_fail(diag, SRX_EFORMAT, "csv line %zu, field %d: '%.*s' is not a finite number",
                                   line, k + 1, (int)((fe[k] - fb[k]) > 40 ? 40 : (fe[k] - fb[k])),
                                   fb[k]);
                break;
            }
        }
        if (status)
            break;
        if ((status = csv_push(&c, x, ncol)) != SRX_OK) {
            status = status == SRX_ENOMEM
                         ? srxi_fail(diag, SRX_ENOMEM, "csv: out of memory")
                         : srxi_fail(diag, SRX_EFORMAT, "csv: more than %u data lines",
                                     SRX_H5_MAX_POINTS);
            break;
        }
    }
    if (status == SRX_OK && c.n == 0)
        status = srxi_fail(diag, SRX_ENODATA, "csv: no data lines");
    if (status) {
        for (k = 0; k < 3; k++)
            free(c.v[k]);
        return status;
    }
    free(s->delay_s);
    free(s->signal);
    free(s->sigma);
    s->n = c.n;
    s->delay_s = c.v[0];
    s->signal = c.v[1];
    s->sigma = ncol == 3 ? c.v[2] : NULL;
    return SRX_OK;
}

/* ------------------------------------------------------------------------
 * Appended by the narrowing work (branch `narrow`): a writer for
 * /spectra/<name>, used by test generators and examples.  Kept separate
 * from the code above on purpose.
 * ------------------------------------------------------------------------ */

static int write_spectrum_locked(srx_h5file *f, const srx_h5_spectrum *s, int replace,
                                 srx_diag *diag)
{
    hid_t top, g = -1;
    htri_t ex;
    int ok;
    top = require_group_locked(f->fid, "spectra");
    if (top < 0)
        return srxi_fail(diag, SRX_EIO, "%s: /spectra cannot be created or is not a group", f->path);
    ex = H5Lexists(top, s->name, H5P_DEFAULT);
    if (ex > 0 && !replace) {
        close_id(top);
        return srxi_fail(diag, SRX_EINVAL, "%s: /spectra/%s already exists", f->path, s->name);
    }
    if (ex > 0 && H5Ldelete(top, s->name, H5P_DEFAULT) < 0) {
        close_id(top);
        return srxi_fail(diag, SRX_EIO, "%s: /spectra/%s cannot be replaced", f->path, s->name);
    }
    g = H5Gcreate2(top, s->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ok = g >= 0 && write_attr_string_locked(g, "nucleus", s->nucleus) == 0 &&
         write_attr_double_locked(g, "larmor_hz", s->larmor_hz) == 0 &&
         write_attr_double_locked(g, "temperature_k", s->temperature_k) == 0 &&
         (!(s->mas_hz > 0.0) || write_attr_double_locked(g, "mas_hz", s->mas_hz) == 0) &&
         write_doubles_locked(g, "frequency_hz", s->n, s->frequency_hz) == 0 &&
         write_doubles_locked(g, "intensity", s->n, s->intensity) == 0;
    close_id(g);
    close_id(top);
    if (!ok)
        return srxi_fail(diag, SRX_EIO, "%s: /spectra/%s cannot be written", f->path, s->name);
    return SRX_OK;
}

int srx_h5_write_spectrum(srx_h5file *file, const srx_h5_spectrum *s, int replace,
                          srx_diag *diag)
{
    int status;
    if ((status = check_writable(file, "write_spectrum", diag)))
        return status;
    if (!s)
        return srxi_fail(diag, SRX_EINVAL, "%s: write_spectrum: NULL spectrum", file->path);
    if (!memchr(s->name, '\0', sizeof s->name) || !valid_link_name(s->name))
        return srxi_fail(diag, SRX_EINVAL,
                         "%s: spectrum name must be a non-empty link name without '/'", file->path);
    if (s->n > SRX_H5_MAX_POINTS)
        return srxi_fail(diag, SRX_EINVAL, "%s: write_spectrum: too many points", file->path);
    if ((status = srx_h5_spectrum_check(s, diag)))
        return status;
    LOCKED_CALL(status, write_spectrum_locked(file, s, replace, diag));
    return status;
}
