/* narrowing: the optional `/linewidth` table of a spinrelax HDF5 file
 * (datasets temperature_k, fwhm_hz, optional fwhm_err_hz), read in a forked
 * child process with a time limit, like srx_h5_load(), so that a damaged
 * file cannot crash or hang the caller. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#include "internal.h"
#include "spinrelax/h5store.h"
#include "spinrelax/narrowing.h"

void srx_narrowing_table_clear(srx_narrowing_table *t)
{
    if (!t)
        return;
    free(t->temperature_k);
    free(t->fwhm_hz);
    free(t->fwhm_err_hz);
    memset(t, 0, sizeof *t);
}

/* read a 1-D float64-convertible dataset of the group; *n in/out */
static int read_vec(hid_t g, const char *name, size_t *n, double **out, char *msg)
{
    hid_t d, sp;
    hsize_t dims[1];
    int rank;
    double *v;
    *out = NULL;
    if (H5Lexists(g, name, H5P_DEFAULT) <= 0) {
        snprintf(msg, SRX_DIAG_MESSAGE_LEN, "/linewidth/%s is missing", name);
        return SRX_ENOTFOUND;
    }
    d = H5Dopen2(g, name, H5P_DEFAULT);
    if (d < 0) {
        snprintf(msg, SRX_DIAG_MESSAGE_LEN, "/linewidth/%s is not a dataset", name);
        return SRX_EFORMAT;
    }
    sp = H5Dget_space(d);
    rank = sp < 0 ? -1 : H5Sget_simple_extent_ndims(sp);
    if (rank != 1 || H5Sget_simple_extent_dims(sp, dims, NULL) != 1 || dims[0] < 1 ||
        dims[0] > SRX_H5_MAX_POINTS || (*n && dims[0] != *n) ||
        H5Tget_class(H5Dget_type(d)) != H5T_FLOAT) {
        if (sp >= 0)
            H5Sclose(sp);
        H5Dclose(d);
        snprintf(msg, SRX_DIAG_MESSAGE_LEN, "/linewidth/%s must be a 1-D float dataset%s", name,
                 *n ? " of the length of temperature_k" : "");
        return SRX_EFORMAT;
    }
    v = malloc((size_t)dims[0] * sizeof *v);
    if (!v || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
        free(v);
        H5Sclose(sp);
        H5Dclose(d);
        snprintf(msg, SRX_DIAG_MESSAGE_LEN, "/linewidth/%s cannot be read", name);
        return SRX_EFORMAT;
    }
    H5Sclose(sp);
    H5Dclose(d);
    *n = (size_t)dims[0];
    *out = v;
    return SRX_OK;
}

static void write_all(int fd, const void *p, size_t n)
{
    const unsigned char *b = p;
    while (n > 0) {
        ssize_t k = write(fd, b, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            _exit(4);
        }
        b += k;
        n -= (size_t)k;
    }
}

/* the child: status (int32), message (SRX_DIAG_MESSAGE_LEN bytes), n (uint64),
 * has_err (int32), then the arrays */
static void child(const char *path, int fd)
{
    char msg[SRX_DIAG_MESSAGE_LEN];
    double *t = NULL, *w = NULL, *e = NULL;
    size_t n = 0;
    int32_t st = SRX_OK, has_err = 0;
    uint64_t n64;
    hid_t f, g = -1;
    memset(msg, 0, sizeof msg);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        st = access(path, R_OK) == 0 ? SRX_EFORMAT : SRX_EIO;
        snprintf(msg, sizeof msg, "%s", st == SRX_EIO ? "cannot be opened" : "is not an HDF5 file");
    } else if (H5Lexists(f, "linewidth", H5P_DEFAULT) <= 0) {
        st = SRX_ENOTFOUND;
        snprintf(msg, sizeof msg, "no /linewidth group");
    } else if ((g = H5Gopen2(f, "linewidth", H5P_DEFAULT)) < 0) {
        st = SRX_EFORMAT;
        snprintf(msg, sizeof msg, "/linewidth is not a group");
    } else {
        st = read_vec(g, "temperature_k", &n, &t, msg);
        if (st == SRX_ENOTFOUND)
            st = SRX_EFORMAT;
        if (st == SRX_OK) {
            st = read_vec(g, "fwhm_hz", &n, &w, msg);
            if (st == SRX_ENOTFOUND)
                st = SRX_EFORMAT;
        }
        if (st == SRX_OK) {
            st = read_vec(g, "fwhm_err_hz", &n, &e, msg);
            if (st == SRX_ENOTFOUND) {
                st = SRX_OK;
                msg[0] = '\0';
            } else if (st == SRX_OK) {
                has_err = 1;
            }
        }
    }
    if (g >= 0)
        H5Gclose(g);
    if (f >= 0)
        H5Fclose(f);
    n64 = st == SRX_OK ? (uint64_t)n : 0;
    write_all(fd, &st, sizeof st);
    write_all(fd, msg, sizeof msg);
    write_all(fd, &n64, sizeof n64);
    write_all(fd, &has_err, sizeof has_err);
    if (st == SRX_OK) {
        write_all(fd, t, n * sizeof *t);
        write_all(fd, w, n * sizeof *w);
        if (has_err)
            write_all(fd, e, n * sizeof *e);
    }
    _exit(0);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* read exactly n bytes before the deadline; 0 ok, -1 eof/error, -2 timeout */
static int read_exact(int fd, void *p, size_t n, double deadline)
{
    unsigned char *b = p;
    while (n > 0) {
        struct pollfd pfd;
        double left = deadline - now_s();
        ssize_t k;
        int pr;
        if (left <= 0.0)
            return -2;
        pfd.fd = fd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        pr = poll(&pfd, 1, (int)(left * 1000.0) + 1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        k = read(fd, b, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

int srx_narrowing_read_linewidth(const char *path, double timeout_s, srx_narrowing_table *table,
                                 srx_diag *diag)
{
    int fds[2], rc = 0, wst = 0, status;
    int32_t st = 0, has_err = 0;
    uint64_t n64 = 0;
    char msg[SRX_DIAG_MESSAGE_LEN];
    double deadline;
    size_t i, n;
    pid_t pid;
    if (!path || !path[0] || !table)
        return srxi_fail(diag, SRX_EINVAL, "narrowing: read_linewidth: NULL argument");
    memset(table, 0, sizeof *table);
    if (!(timeout_s > 0.0) || !srxi_isfinite(timeout_s) || timeout_s > 1e6)
        return srxi_fail(diag, SRX_EINVAL, "%s: timeout %g s must be in (0, 1e6]", path, timeout_s);
    if (pipe(fds) != 0)
        return srxi_fail(diag, SRX_EIO, "%s: cannot create a pipe: %s", path, strerror(errno));
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 2);
            close(devnull);
        }
        close(fds[0]);
        child(path, fds[1]);
        _exit(5);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return srxi_fail(diag, SRX_EIO, "%s: cannot start a reader process: %s", path,
                         strerror(errno));
    }
    deadline = now_s() + timeout_s;
    rc = read_exact(fds[0], &st, sizeof st, deadline);
    if (!rc)
        rc = read_exact(fds[0], msg, sizeof msg, deadline);
    if (!rc)
        rc = read_exact(fds[0], &n64, sizeof n64, deadline);
    if (!rc)
        rc = read_exact(fds[0], &has_err, sizeof has_err, deadline);
    n = (size_t)n64;
    if (!rc && st == SRX_OK) {
        if (n < 1 || n > SRX_H5_MAX_POINTS) {
            rc = -1;
        } else {
            table->temperature_k = malloc(n * sizeof(double));
            table->fwhm_hz = malloc(n * sizeof(double));
            table->fwhm_err_hz = has_err ? malloc(n * sizeof(double)) : NULL;
            if (!table->temperature_k || !table->fwhm_hz || (has_err && !table->fwhm_err_hz)) {
                srx_narrowing_table_clear(table);
                close(fds[0]);
                kill(pid, SIGKILL);
                waitpid(pid, &wst, 0);
                return srxi_fail(diag, SRX_ENOMEM, "%s: out of memory", path);
            }
            rc = read_exact(fds[0], table->temperature_k, n * sizeof(double), deadline);
            if (!rc)
                rc = read_exact(fds[0], table->fwhm_hz, n * sizeof(double), deadline);
            if (!rc && has_err)
                rc = read_exact(fds[0], table->fwhm_err_hz, n * sizeof(double), deadline);
            table->n = n;
        }
    }
    close(fds[0]);
    if (rc == -2)
        kill(pid, SIGKILL);
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
        ;
    if (rc != 0 || !WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
        srx_narrowing_table_clear(table);
        return srxi_fail(diag, SRX_EFORMAT, "%s: file is damaged (the HDF5 library %s while "
                         "reading /linewidth)", path, rc == -2 ? "hung" : "crashed");
    }
    msg[sizeof msg - 1] = '\0';
    if (st != SRX_OK) {
        srx_narrowing_table_clear(table);
        return srxi_fail(diag, st, "%s: %s", path, msg);
    }
    for (i = 0; i < n; i++) {
        status = SRX_OK;
        if (!srxi_isfinite(table->temperature_k[i]) || !(table->temperature_k[i] > 0.0))
            status = srxi_fail(diag, SRX_EFORMAT, "%s: /linewidth/temperature_k[%zu] = %g is not "
                               "> 0", path, i, table->temperature_k[i]);
        else if (!srxi_isfinite(table->fwhm_hz[i]) || !(table->fwhm_hz[i] > 0.0))
            status = srxi_fail(diag, SRX_EFORMAT, "%s: /linewidth/fwhm_hz[%zu] = %g is not > 0",
                               path, i, table->fwhm_hz[i]);
        else if (table->fwhm_err_hz &&
                 (!srxi_isfinite(table->fwhm_err_hz[i]) || !(table->fwhm_err_hz[i] > 0.0)))
            status = srxi_fail(diag, SRX_EFORMAT, "%s: /linewidth/fwhm_err_hz[%zu] = %g is not "
                               "> 0", path, i, table->fwhm_err_hz[i]);
        if (status) {
            srx_narrowing_table_clear(table);
            return status;
        }
    }
    return SRX_OK;
}
