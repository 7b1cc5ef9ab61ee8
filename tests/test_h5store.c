/* h5store: round trips, files crafted with the raw HDF5 API (h5py-like
 * variable-length strings, fixed-length ASCII strings, integer attributes,
 * broken layouts), value checks, safe write sessions, result replacement
 * leaving everything else bit-identical, the forked loader, the CSV parser,
 * several threads at once.
 *
 * Expected values come from what the test itself wrote with the raw HDF5
 * API or from literal data, never from an earlier run of the library. */
#include <fcntl.h>
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>

#include "spinrelax.h"
#include "testlib.h"

static char tmpdir[512];

static void make_tmpdir(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/srxh5.XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char p[1024];
    if (!d)
        return;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
            unlink(p);
        }
    closedir(d);
    rmdir(tmpdir);
}

static void path_in_tmp(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

/* Number of entries in tmpdir whose name contains `part`. */
static int count_files(const char *part)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    int n = 0;
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)))
        if (strstr(e->d_name, part))
            n++;
    closedir(d);
    return n;
}

/* ---------------------------------------------------------------- raw HDF5 helpers */

static void raw_vlen_attr(hid_t obj, const char *name, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR), a;
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert_int_ge(H5Awrite(a, t, &value), 0);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
}

/* fixed-length ASCII string, as numpy's np.string_ / h5py 'S' writes it */
static void raw_fixed_attr(hid_t obj, const char *name, const char *value, H5T_str_t pad,
                           size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR), a;
    char buf[128];
    memset(buf, pad == H5T_STR_SPACEPAD ? ' ' : 0, sizeof buf);
    memcpy(buf, value, strlen(value));
    H5Tset_size(t, size);
    H5Tset_strpad(t, pad);
    a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert_int_ge(H5Awrite(a, t, buf), 0);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
}

static void raw_attr(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *v)
{
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert_int_ge(H5Awrite(a, mtype, v), 0);
    H5Aclose(a);
    H5Sclose(s);
}

static void raw_double_attr(hid_t obj, const char *name, double v)
{
    raw_attr(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

static void raw_dataset(hid_t g, const char *name, hid_t ftype, size_t n, const double *x)
{
    hsize_t dims[1];
    hid_t s, d;
    dims[0] = n;
    s = H5Screate_simple(1, dims, NULL);
    d = H5Dcreate2(g, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert_int_ge(d, 0);
    if (n)
        ck_assert_int_ge(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x), 0);
    H5Dclose(d);
    H5Sclose(s);
}

static hid_t raw_create(const char *path, int with_format)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert_int_ge(f, 0);
    if (with_format)
        raw_vlen_attr(f, "spinrelax_format", "1");
    return f;
}

static hid_t raw_group(hid_t f, const char *path)
{
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE), g;
    H5Pset_create_intermediate_group(lcpl, 1);
    g = H5Gcreate2(f, path, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    ck_assert_int_ge(g, 0);
    return g;
}

static const double delays[5] = {0.001, 0.01, 0.1, 1.0, 10.0};
static const double signals[5] = {95.0, 70.0, 30.0, 5.0, -0.5};
static const double sigmas[5] = {1.0, 1.0, 2.0, 2.0, 0.5};

/* A good h5py-style series at /series/<name>. */
static void raw_good_series(hid_t f, const char *name)
{
    char path[300];
    hid_t g;
    snprintf(path, sizeof path, "/series/%s", name);
    g = raw_group(f, path);
    raw_vlen_attr(g, "experiment", "saturation_recovery");
    raw_vlen_attr(g, "nucleus", "7Li");
    raw_double_attr(g, "larmor_hz", 116.59e6);
    raw_double_attr(g, "temperature_k", 300.0);
    raw_dataset(g, "delay_s", H5T_IEEE_F64LE, 5, delays);
    raw_dataset(g, "signal", H5T_IEEE_F64LE, 5, signals);
    raw_dataset(g, "sigma", H5T_IEEE_F64LE, 5, sigmas);
    H5Gclose(g);
}

/* ---------------------------------------------------------------- tests */

START_TEST(reads_h5py_style_and_fixed_strings)
{
    char path[600];
    hid_t f, g;
    srx_h5file *h;
    srx_h5_series s;
    srx_h5_names names;
    srx_diag d;
    int32_t t_int = 77;
    float larmor_f32 = 79.35e6f;
    size_t i;

    make_tmpdir();
    path_in_tmp(path, sizeof path, "h5py.h5");
    f = raw_create(path, 1);
    raw_good_series(f, "vlen");
    /* fixed-length ASCII strings, integer temperature, float32 Larmor frequency */
    g = raw_group(f, "/series/fixed");
    raw_fixed_attr(g, "experiment", "spin_lock", H5T_STR_NULLPAD, 20);
    raw_fixed_attr(g, "nucleus", "23Na", H5T_STR_SPACEPAD, 10);
    raw_fixed_attr(g, "title", "a title", H5T_STR_NULLTERM, 8);
    raw_attr(g, "larmor_hz", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, &larmor_f32);
    raw_attr(g, "temperature_k", H5T_STD_I32BE, H5T_NATIVE_INT32, &t_int);
    raw_double_attr(g, "spinlock_hz", 20e3);
    raw_dataset(g, "delay_s", H5T_IEEE_F32BE, 5, delays); /* big-endian float32 */
    raw_dataset(g, "signal", H5T_IEEE_F64BE, 5, signals);
    H5Gclose(g);
    H5Fclose(f);

    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_has_format(h), 1);
    ck_assert_int_eq(srx_h5_list(h, "series", &names, &d), SRX_OK);
    ck_assert_uint_eq(names.n, 2);
    ck_assert_str_eq(names.name[0], "fixed");
    ck_assert_str_eq(names.name[1], "vlen");
    srx_h5_names_clear(&names);
    ck_assert_int_eq(srx_h5_list(h, "spectra", &names, &d), SRX_OK);
    ck_assert_uint_eq(names.n, 0);

    srx_h5_series_init(&s);
    ck_assert_int_eq(srx_h5_read_series(h, "vlen", &s, &d), SRX_OK);
    ck_assert_str_eq(s.experiment, "saturation_recovery");
    ck_assert_str_eq(s.nucleus, "7Li");
    ck_assert(s.larmor_hz == 116.59e6 && s.temperature_k == 300.0);
    ck_assert(s.spinlock_hz == 0.0 && s.mas_hz == 0.0);
    ck_assert_ptr_null(s.source);
    ck_assert_uint_eq(s.n, 5);
    ck_assert_ptr_nonnull(s.sigma);
    ck_assert(memcmp(s.delay_s, delays, sizeof delays) == 0);
    ck_assert(memcmp(s.signal, signals, sizeof signals) == 0);
    ck_assert(memcmp(s.sigma, sigmas, sizeof sigmas) == 0);
    ck_assert_int_eq(srx_h5_series_check(&s, &d), SRX_OK);
    srx_h5_series_clear(&s);

    ck_assert_int_eq(srx_h5_read_series(h, "fixed", &s, &d), SRX_OK);
    ck_assert_str_eq(s.experiment, "spin_lock");
    ck_assert_str_eq(s.nucleus, "23Na"); /* space padding stripped */
    ck_assert_str_eq(s.title, "a title");
    ck_assert(s.larmor_hz == (double)larmor_f32);
    ck_assert(s.temperature_k == 77.0);
    ck_assert_ptr_null(s.sigma);
    for (i = 0; i < 5; i++) /* float32 storage: exactly the float-rounded values */
        ck_assert(s.delay_s[i] == (double)(float)delays[i] && s.signal[i] == signals[i]);
    ck_assert_int_eq(srx_h5_series_check(&s, &d), SRX_OK);
    srx_h5_series_clear(&s);

    ck_assert_int_eq(srx_h5_read_series(h, "nope", &s, &d), SRX_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(d.message, "/series/nope"));
    ck_assert_int_eq(srx_h5_read_series(h, "a/b", &s, &d), SRX_EINVAL);
    srx_h5_close(h);
    remove_tmpdir();
}
END_TEST

/* One broken series per case; the message must name the object and reason. */
START_TEST(structural_errors_name_the_object)
{
    struct { const char *name, *expect; int code; } cases[] = {
        {"no_experiment", "attribute 'experiment' is missing", SRX_EFORMAT},
        {"num_experiment", "attribute 'experiment' is not a string", SRX_EFORMAT},
        {"str_larmor", "attribute 'larmor_hz' is not a number", SRX_EFORMAT},
        {"no_signal", "signal: missing", SRX_EFORMAT},
        {"short_sigma", "delay_s has 5 points but sigma has 4", SRX_EFORMAT},
        {"two_d", "delay_s: is not a one-dimensional dataset", SRX_EFORMAT},
        {"str_signal", "signal: is not numeric", SRX_EFORMAT},
        {"dataset_not_group", "is not a group", SRX_EFORMAT},
    };
    char path[600];
    hid_t f, g;
    srx_h5file *h;
    srx_h5_series s;
    srx_diag d;
    size_t i;
    double one = 1.0;

    make_tmpdir();
    path_in_tmp(path, sizeof path, "broken.h5");
    f = raw_create(path, 1);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char p[300];
        if (strcmp(cases[i].name, "dataset_not_group") == 0) {
            g = H5Gopen2(f, "/series", H5P_DEFAULT);
            raw_dataset(g, cases[i].name, H5T_IEEE_F64LE, 5, delays);
            H5Gclose(g);
            continue;
        }
        snprintf(p, sizeof p, "/series/%s", cases[i].name);
        g = raw_group(f, p);
        if (strcmp(cases[i].name, "no_experiment") != 0) {
            if (strcmp(cases[i].name, "num_experiment") == 0)
                raw_double_attr(g, "experiment", 1.0);
            else
                raw_vlen_attr(g, "experiment", "inversion_recovery");
        }
        raw_vlen_attr(g, "nucleus", "1H");
        if (strcmp(cases[i].name, "str_larmor") == 0)
            raw_vlen_attr(g, "larmor_hz", "300e6");
        else
            raw_double_attr(g, "larmor_hz", 300e6);
        raw_double_attr(g, "temperature_k", 300.0);
        if (strcmp(cases[i].name, "two_d") == 0) {
            hsize_t dims[2] = {5, 1};
            hid_t sp = H5Screate_simple(2, dims, NULL);
            hid_t ds = H5Dcreate2(g, "delay_s", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT,
                                  H5P_DEFAULT);
            H5Dclose(ds);
            H5Sclose(sp);
        } else {
            raw_dataset(g, "delay_s", H5T_IEEE_F64LE, 5, delays);
        }
        if (strcmp(cases[i].name, "no_signal") != 0) {
            if (strcmp(cases[i].name, "str_signal") == 0) {
                hsize_t dims[1] = {5};
                hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate_simple(1, dims, NULL);
                hid_t ds;
                H5Tset_size(t, 4);
                ds = H5Dcreate2(g, "signal", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
                H5Dclose(ds);
                H5Sclose(sp);
                H5Tclose(t);
            } else {
                raw_dataset(g, "signal", H5T_IEEE_F64LE, 5, signals);
            }
        }
        if (strcmp(cases[i].name, "short_sigma") == 0)
            raw_dataset(g, "sigma", H5T_IEEE_F64LE, 4, sigmas);
        H5Gclose(g);
    }
    (void)one;
    H5Fclose(f);

    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_OK);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        srx_h5_series_init(&s);
        srx_diag_clear(&d);
        ck_assert_int_eq(srx_h5_read_series(h, cases[i].name, &s, &d), cases[i].code);
        ck_assert_msg(strstr(d.message, cases[i].expect) != NULL, "%s: message '%s'",
                      cases[i].name, d.message);
        ck_assert_msg(strstr(d.message, cases[i].name) != NULL, "message '%s' names no object",
                      d.message);
        ck_assert_ptr_null(s.delay_s);
    }
    srx_h5_close(h);
    remove_tmpdir();
}
END_TEST

static void good_series(srx_h5_series *s, const char *name)
{
    srx_h5_series_init(s);
    strcpy(s->name, name);
    strcpy(s->experiment, "saturation_recovery");
    strcpy(s->nucleus, "7Li");
    s->larmor_hz = 116.59e6;
    s->temperature_k = 300.0;
    s->n = 5;
    s->delay_s = malloc(sizeof delays);
    s->signal = malloc(sizeof signals);
    s->sigma = malloc(sizeof sigmas);
    memcpy(s->delay_s, delays, sizeof delays);
    memcpy(s->signal, signals, sizeof signals);
    memcpy(s->sigma, sigmas, sizeof sigmas);
}

START_TEST(value_checks)
{
    srx_h5_series s;
    srx_diag d;
    good_series(&s, "x");
    ck_assert_int_eq(srx_h5_series_check(&s, &d), SRX_OK);
#define EXPECT(code, text)                                                                         \
    do {                                                                                           \
        srx_diag_clear(&d);                                                                        \
        ck_assert_int_eq(srx_h5_series_check(&s, &d), code);                                       \
        ck_assert_msg(strstr(d.message, text) && strstr(d.message, "/series/x"), "got '%s'",       \
                      d.message);                                                                  \
    } while (0)
    strcpy(s.experiment, "t1");
    EXPECT(SRX_EFORMAT, "unknown experiment 't1'");
    strcpy(s.experiment, "spin_lock");
    EXPECT(SRX_EFORMAT, "spin_lock needs spinlock_hz");
    s.spinlock_hz = 20e3;
    ck_assert_int_eq(srx_h5_series_check(&s, &d), SRX_OK);
    s.larmor_hz = 0.0;
    EXPECT(SRX_EFORMAT, "larmor_hz");
    s.larmor_hz = 1e8;
    s.temperature_k = -3.0;
    EXPECT(SRX_EFORMAT, "temperature_k");
    s.temperature_k = NAN;
    EXPECT(SRX_EFORMAT, "temperature_k");
    s.temperature_k = 300.0;
    s.delay_s[2] = -1.0;
    EXPECT(SRX_EFORMAT, "delay_s[2] = -1 is negative");
    s.delay_s[2] = 0.0; /* a zero delay is allowed */
    ck_assert_int_eq(srx_h5_series_check(&s, &d), SRX_OK);
    s.signal[4] = INFINITY;
    EXPECT(SRX_EFORMAT, "signal[4] is infinite");
    s.signal[4] = NAN;
    EXPECT(SRX_EFORMAT, "signal[4] is NaN");
    s.signal[4] = 1.0;
    s.sigma[1] = 0.0;
    EXPECT(SRX_EFORMAT, "sigma[1] = 0 is not positive");
    s.sigma[1] = 1.0;
    s.n = 2;
    EXPECT(SRX_ENODATA, "2 points");
    s.n = 5;
    s.nucleus[0] = '\0';
    EXPECT(SRX_EFORMAT, "nucleus is empty");
    ck_assert_int_eq(srx_h5_series_check(NULL, &d), SRX_EINVAL);
    srx_h5_series_clear(&s);
    srx_h5_series_clear(NULL);
#undef EXPECT
}
END_TEST

START_TEST(spectrum_and_conductivity)
{
    char path[600];
    hid_t f, g;
    srx_h5file *h;
    srx_h5_spectrum sp;
    srx_h5_conductivity c;
    srx_diag d;
    const double fr[4] = {-2e3, -1e3, 0.0, 1e3}, in[4] = {0.1, 0.5, 1.0, 0.4};
    const double bad_fr[4] = {-2e3, -1e3, -1e3, 1e3};
    const double T[3] = {300, 350, 400}, sdc[3] = {1e-4, 1e-3, 1e-2}, serr[3] = {1e-5, 1e-4, -1e-3};

    make_tmpdir();
    path_in_tmp(path, sizeof path, "spec.h5");
    f = raw_create(path, 0); /* no spinrelax_format: still read */
    g = raw_group(f, "/spectra/good");
    raw_vlen_attr(g, "nucleus", "7Li");
    raw_double_attr(g, "larmor_hz", 116.59e6);
    raw_double_attr(g, "temperature_k", 183.0);
    raw_dataset(g, "frequency_hz", H5T_IEEE_F64LE, 4, fr);
    raw_dataset(g, "intensity", H5T_IEEE_F64LE, 4, in);
    H5Gclose(g);
    g = raw_group(f, "/spectra/flat");
    raw_vlen_attr(g, "nucleus", "7Li");
    raw_double_attr(g, "larmor_hz", 116.59e6);
    raw_double_attr(g, "temperature_k", 183.0);
    raw_dataset(g, "frequency_hz", H5T_IEEE_F64LE, 4, bad_fr);
    raw_dataset(g, "intensity", H5T_IEEE_F64LE, 4, in);
    H5Gclose(g);
    g = raw_group(f, "/conductivity/set");
    raw_dataset(g, "temperature_k", H5T_IEEE_F64LE, 3, T);
    raw_dataset(g, "sigma_dc_s_per_m", H5T_IEEE_F64LE, 3, sdc);
    raw_dataset(g, "sigma_err_s_per_m", H5T_IEEE_F64LE, 3, serr);
    H5Gclose(g);
    H5Fclose(f);

    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_has_format(h), 0);
    srx_h5_spectrum_init(&sp);
    ck_assert_int_eq(srx_h5_read_spectrum(h, "good", &sp, &d), SRX_OK);
    ck_assert_uint_eq(sp.n, 4);
    ck_assert(memcmp(sp.frequency_hz, fr, sizeof fr) == 0 && sp.temperature_k == 183.0);
    ck_assert_int_eq(srx_h5_spectrum_check(&sp, &d), SRX_OK);
    sp.frequency_hz[3] = -5e3; /* decreasing at the end */
    ck_assert_int_eq(srx_h5_spectrum_check(&sp, &d), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(d.message, "not strictly monotonic at index 3"));
    srx_h5_spectrum_clear(&sp);
    ck_assert_int_eq(srx_h5_read_spectrum(h, "flat", &sp, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_spectrum_check(&sp, &d), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(d.message, "/spectra/flat"));
    srx_h5_spectrum_clear(&sp);

    srx_h5_conductivity_init(&c);
    ck_assert_int_eq(srx_h5_read_conductivity(h, "set", &c, &d), SRX_OK);
    ck_assert_uint_eq(c.n, 3);
    ck_assert(memcmp(c.sigma_dc_s_per_m, sdc, sizeof sdc) == 0);
    ck_assert_int_eq(srx_h5_conductivity_check(&c, &d), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(d.message, "sigma_err_s_per_m[2]"));
    srx_h5_conductivity_clear(&c);
    srx_h5_close(h);
    remove_tmpdir();
}
END_TEST

/* srx_h5_write_conductivity: written sets read back bit for bit, a
 * duplicate is refused unless replaced, invalid values are refused. */
START_TEST(conductivity_written_and_read_back)
{
    char path[600];
    srx_h5file *h;
    srx_h5_conductivity c, r;
    srx_diag d;
    double T[4] = {250, 300, 350, 400}, sdc[4] = {1e-6, 1e-5, 1e-4, 3e-4};
    double serr[4] = {1e-7, 1e-6, 1e-5, 3e-5};

    make_tmpdir();
    path_in_tmp(path, sizeof path, "cond.h5");
    srx_h5_conductivity_init(&c);
    snprintf(c.name, sizeof c.name, "Li_SE");
    c.n = 4;
    c.temperature_k = T;
    c.sigma_dc_s_per_m = sdc;
    c.sigma_err_s_per_m = serr;
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_CREATE, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_conductivity(h, &c, 0, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_conductivity(h, &c, 0, &d), SRX_EINVAL);
    ck_assert_ptr_nonnull(strstr(d.message, "/conductivity/Li_SE already exists"));
    c.sigma_err_s_per_m = NULL; /* replaced by a set without errors */
    ck_assert_int_eq(srx_h5_write_conductivity(h, &c, 1, &d), SRX_OK);
    T[1] = -300; /* invalid: refused before anything is written */
    snprintf(c.name, sizeof c.name, "bad");
    ck_assert_int_eq(srx_h5_write_conductivity(h, &c, 0, &d), SRX_EFORMAT);
    T[1] = 300;
    snprintf(c.name, sizeof c.name, "a/b");
    ck_assert_int_eq(srx_h5_write_conductivity(h, &c, 0, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_h5_commit(h, &d), SRX_OK);
    srx_h5_close(h);

    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_conductivity(h, &c, 1, &d), SRX_EINVAL); /* read-only */
    srx_h5_conductivity_init(&r);
    ck_assert_int_eq(srx_h5_read_conductivity(h, "Li_SE", &r, &d), SRX_OK);
    ck_assert_uint_eq(r.n, 4);
    ck_assert(memcmp(r.temperature_k, T, sizeof T) == 0);
    ck_assert(memcmp(r.sigma_dc_s_per_m, sdc, sizeof sdc) == 0);
    ck_assert_ptr_null(r.sigma_err_s_per_m);
    srx_h5_conductivity_clear(&r);
    ck_assert_int_eq(srx_h5_read_conductivity(h, "bad", &r, &d), SRX_ENOTFOUND);
    srx_h5_conductivity_clear(&r);
    srx_h5_close(h);
    remove_tmpdir();
}
END_TEST

START_TEST(open_errors)
{
    char path[600];
    srx_h5file *h = (srx_h5file *)1;
    srx_diag d;
    FILE *f;
    make_tmpdir();
    path_in_tmp(path, sizeof path, "missing.h5");
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_EIO);
    ck_assert_ptr_null(h);
    ck_assert_ptr_nonnull(strstr(d.message, "missing.h5"));
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_UPDATE, &h, &d), SRX_EIO);
    ck_assert_int_eq(count_files("srx-tmp"), 0);
    path_in_tmp(path, sizeof path, "text.h5");
    f = fopen(path, "w");
    fputs("not hdf5 at all\n", f);
    fclose(f);
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(d.message, "not an HDF5 file"));
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_UPDATE, &h, &d), SRX_EFORMAT);
    ck_assert_int_eq(count_files("srx-tmp"), 0); /* the failed session left no copy */
    ck_assert_int_eq(srx_h5_open(tmpdir, SRX_H5_READ, &h, &d), SRX_EIO); /* a directory */
    ck_assert_int_eq(srx_h5_open(NULL, SRX_H5_READ, &h, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_h5_open(path, (srx_h5_mode)7, &h, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, NULL, &d), SRX_EINVAL);
    srx_h5_close(NULL);
    /* unsupported format version */
    {
        hid_t fid;
        path_in_tmp(path, sizeof path, "v2.h5");
        fid = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        raw_vlen_attr(fid, "spinrelax_format", "2");
        H5Fclose(fid);
        ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_EFORMAT);
        ck_assert_ptr_nonnull(strstr(d.message, "spinrelax_format '2'"));
    }
    remove_tmpdir();
}
END_TEST

static int file_bytes(const char *path, unsigned char **out, size_t *n)
{
    FILE *f = fopen(path, "rb");
    long len;
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    *out = malloc((size_t)len + 1);
    *n = fread(*out, 1, (size_t)len, f);
    fclose(f);
    return 0;
}

START_TEST(sessions_commit_or_leave_untouched)
{
    char path[600];
    srx_h5file *h;
    srx_h5_series s, r;
    srx_diag d;
    unsigned char *before, *after;
    size_t nb, na;
    srx_h5_names names;

    make_tmpdir();
    path_in_tmp(path, sizeof path, "new.h5");
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_UPDATE, &h, &d), SRX_EIO); /* missing, no create */
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_CREATE, &h, &d), SRX_OK);
    ck_assert_int_eq(access(path, F_OK), -1); /* nothing there before the commit */
    good_series(&s, "a");
    s.source = strdup("/data/run1");
    ck_assert_int_eq(srx_h5_write_series(h, &s, 0, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_series(h, &s, 0, &d), SRX_EINVAL);
    ck_assert_ptr_nonnull(strstr(d.message, "already exists"));
    ck_assert_int_eq(srx_h5_commit(h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_commit(h, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_h5_write_series(h, &s, 1, &d), SRX_EINVAL);
    srx_h5_close(h);
    ck_assert_int_eq(count_files("srx-tmp"), 0);

    /* a session closed without commit changes nothing */
    ck_assert_int_eq(file_bytes(path, &before, &nb), 0);
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_UPDATE, &h, &d), SRX_OK);
    ck_assert_int_eq(count_files("srx-tmp"), 1);
    strcpy(s.name, "b");
    ck_assert_int_eq(srx_h5_write_series(h, &s, 0, &d), SRX_OK);
    srx_h5_close(h);
    ck_assert_int_eq(count_files("srx-tmp"), 0);
    ck_assert_int_eq(file_bytes(path, &after, &na), 0);
    ck_assert(na == nb && memcmp(before, after, nb) == 0);
    free(after);

    /* read-only handles refuse writes and commits */
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_series(h, &s, 1, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_h5_commit(h, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_h5_list(h, "series", &names, &d), SRX_OK);
    ck_assert_uint_eq(names.n, 1);
    srx_h5_names_clear(&names);
    srx_h5_series_init(&r);
    ck_assert_int_eq(srx_h5_read_series(h, "a", &r, &d), SRX_OK);
    ck_assert_str_eq(r.source, "/data/run1");
    ck_assert(memcmp(r.signal, signals, sizeof signals) == 0);
    srx_h5_series_clear(&r);
    srx_h5_close(h);
    ck_assert_int_eq(file_bytes(path, &after, &na), 0);
    ck_assert(na == nb && memcmp(before, after, nb) == 0); /* reading changed nothing */
    free(after);
    free(before);

    /* an invalid series is refused before anything is written */
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_UPDATE, &h, &d), SRX_OK);
    s.sigma[0] = -1.0;
    ck_assert_int_eq(srx_h5_write_series(h, &s, 1, &d), SRX_EFORMAT);
    strcpy(s.name, "x/y");
    ck_assert_int_eq(srx_h5_write_series(h, &s, 1, &d), SRX_EINVAL);
    srx_h5_close(h);
    srx_h5_series_clear(&s);
    remove_tmpdir();
}
END_TEST

/* Visit every object and attribute of a file: a list of "path|attr" lines
 * with the raw bytes of each dataset and numeric attribute hashed in. */
typedef struct visit_state {
    char *text;
    size_t len, cap;
} visit_state;

static void vs_add(visit_state *v, const char *s)
{
    size_t n = strlen(s);
    if (v->len + n + 2 > v->cap) {
        v->cap = 2 * (v->len + n + 2) + 1024;
        v->text = realloc(v->text, v->cap);
    }
    memcpy(v->text + v->len, s, n);
    v->len += n;
    v->text[v->len++] = '\n';
    v->text[v->len] = '\0';
}

static uint64_t fnv(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    size_t i;
    for (i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static herr_t visit_attr(hid_t obj, const char *name, const H5A_info_t *info, void *data)
{
    visit_state *v = data;
    char line[600];
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT), t = H5Aget_type(a);
    uint64_t h = 0;
    (void)info;
    if (H5Tget_class(t) != H5T_STRING || !H5Tis_variable_str(t)) {
        size_t n = H5Aget_storage_size(a);
        unsigned char *buf = malloc(n + 1);
        H5Aread(a, t, buf);
        h = fnv(buf, n);
        free(buf);
    } else {
        char *s = NULL;
        H5Aread(a, t, &s);
        h = fnv((unsigned char *)s, strlen(s));
        H5free_memory(s);
    }
    snprintf(line, sizeof line, "  @%s %016llx", name, (unsigned long long)h);
    vs_add(v, line);
    H5Tclose(t);
    H5Aclose(a);
    return 0;
}

static herr_t visit_obj(hid_t root, const char *name, const H5O_info_t *info, void *data)
{
    visit_state *v = data;
    char line[600];
    hid_t o = H5Oopen(root, name, H5P_DEFAULT);
    uint64_t h = 0;
    if (info->type == H5O_TYPE_DATASET) {
        hid_t t = H5Dget_type(o), sp = H5Dget_space(o);
        hssize_t np = H5Sget_simple_extent_npoints(sp);
        if (H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t)) {
            char **s = calloc((size_t)np + 1, sizeof *s);
            hssize_t i;
            H5Dread(o, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, s);
            for (i = 0; i < np; i++)
                h ^= fnv((unsigned char *)s[i], strlen(s[i])) + (uint64_t)i;
            H5Dvlen_reclaim(t, sp, H5P_DEFAULT, s);
            free(s);
        } else {
            size_t n = (size_t)np * H5Tget_size(t);
            unsigned char *buf = malloc(n + 1);
            H5Dread(o, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
            h = fnv(buf, n);
            free(buf);
        }
        H5Tclose(t);
        H5Sclose(sp);
    }
    snprintf(line, sizeof line, "%s %d %016llx", name, (int)info->type, (unsigned long long)h);
    vs_add(v, line);
    H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_INC, NULL, visit_attr, v);
    H5Oclose(o);
    return 0;
}

static char *fingerprint(const char *path)
{
    visit_state v = {NULL, 0, 0};
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert_int_ge(f, 0);
    vs_add(&v, "file");
    H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC, visit_obj, &v);
    H5Fclose(f);
    return v.text;
}

/* Lines of a fingerprint not under /results (the results' lines removed). */
static char *without_results(const char *fp)
{
    char *out = calloc(strlen(fp) + 1, 1), *copy = strdup(fp), *line, *save = NULL;
    int skip = 0;
    for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] != ' ')
            skip = strncmp(line, "results", 7) == 0;
        if (!skip) {
            strcat(out, line);
            strcat(out, "\n");
        }
    }
    free(copy);
    return out;
}

START_TEST(results_replace_exactly)
{
    char path[600];
    hid_t f;
    srx_h5file *h;
    srx_h5_transients t;
    srx_diag d;
    char *fp0, *fp1, *fp2, *a, *b, buf[64];
    double v;
    srx_h5_transient_row rows[2] = {
        {"T1_300K", "saturation_recovery", 300, 116.59e6, 0, 1.5, 0.1, 1, 0, 1e4, 1.1, 0},
        {"T1rho_300K", "spin_lock", 300, 116.59e6, 20e3, 40, 2, 0.8, 0.05, 9e3, 0.9, 6}};
    srx_h5_number nums[2] = {{"ea_ev", 0.44}, {"ea_err_ev", 0.01}};
    srx_h5_text texts[1] = {{"background", "powerlaw"}};

    make_tmpdir();
    path_in_tmp(path, sizeof path, "res.h5");
    f = raw_create(path, 1);
    raw_vlen_attr(f, "sample", "test sample");
    raw_good_series(f, "T1_300K");
    raw_good_series(f, "T1rho_300K");
    H5Fclose(f);
    fp0 = fingerprint(path);

    ck_assert_int_eq(srx_h5_open(path, SRX_H5_UPDATE, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_transients(h, rows, 2, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_result(h, "peak", "bpp", "bpp", nums, 2, texts, 1, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_commit(h, &d), SRX_OK);
    srx_h5_close(h);
    fp1 = fingerprint(path);
    a = without_results(fp0);
    b = without_results(fp1);
    ck_assert_str_eq(a, b); /* /series and the root bit-identical */
    free(b);

    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_read_transients(h, &t, &d), SRX_OK);
    ck_assert_uint_eq(t.n, 2);
    ck_assert_str_eq(t.row[1].series, "T1rho_300K");
    ck_assert_str_eq(t.row[1].experiment, "spin_lock");
    ck_assert(t.row[1].spinlock_hz == 20e3 && t.row[1].stretch_err == 0.05 && t.row[1].status == 6);
    ck_assert(t.row[0].rate_per_s == 1.5 && t.row[0].reduced_chi2 == 1.1);
    srx_h5_transients_clear(&t);
    ck_assert_int_eq(srx_h5_read_result_number(h, "peak", "bpp", "ea_ev", &v, &d), SRX_OK);
    ck_assert(v == 0.44);
    ck_assert_int_eq(srx_h5_read_result_text(h, "peak", "bpp", "model", buf, sizeof buf, &d), SRX_OK);
    ck_assert_str_eq(buf, "bpp");
    ck_assert_int_eq(srx_h5_read_result_text(h, "peak", "bpp", "created_by", buf, sizeof buf, &d),
                     SRX_OK);
    ck_assert_ptr_nonnull(strstr(buf, srx_version()));
    ck_assert_int_eq(srx_h5_read_result_text(h, "peak", "bpp", "background", buf, 3, &d), SRX_ERANGE);
    ck_assert_int_eq(srx_h5_read_result_number(h, "peak", "bpp", "tau0_s", &v, &d), SRX_ENOTFOUND);
    ck_assert_int_eq(srx_h5_read_result_number(h, "peak", "cole", "ea_ev", &v, &d), SRX_ENOTFOUND);
    ck_assert_int_eq(srx_h5_read_result_number(h, "peak", "bpp", "model", &v, &d), SRX_EFORMAT);
    srx_h5_close(h);

    /* re-running the same writes gives the same content (old results replaced, not added) */
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_UPDATE, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_transients(h, rows, 2, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_result(h, "peak", "bpp", "bpp", nums, 2, texts, 1, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_commit(h, &d), SRX_OK);
    srx_h5_close(h);
    fp2 = fingerprint(path);
    ck_assert_str_eq(fp1, fp2);
    free(fp2);

    /* a new transient table with one row replaces the old one */
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_UPDATE, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_transients(h, rows + 1, 1, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_commit(h, &d), SRX_OK);
    srx_h5_close(h);
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_read_transients(h, &t, &d), SRX_OK);
    ck_assert_uint_eq(t.n, 1);
    ck_assert_str_eq(t.row[0].series, "T1rho_300K");
    srx_h5_transients_clear(&t);
    srx_h5_close(h);
    fp2 = fingerprint(path);
    b = without_results(fp2);
    ck_assert_str_eq(a, b);
    free(b);
    free(fp2);

    /* bad arguments */
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_UPDATE, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_result(h, "transients", "x", "m", NULL, 0, NULL, 0, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_h5_write_result(h, "peak", "a/b", "m", NULL, 0, NULL, 0, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_h5_write_result(h, "peak", "x", NULL, NULL, 0, NULL, 0, &d), SRX_EINVAL);
    {
        srx_h5_number dup[2] = {{"a", 1}, {"a", 2}}, reserved[1] = {{"model", 1}};
        ck_assert_int_eq(srx_h5_write_result(h, "peak", "x", "m", dup, 2, NULL, 0, &d), SRX_EINVAL);
        ck_assert_int_eq(srx_h5_write_result(h, "peak", "x", "m", reserved, 1, NULL, 0, &d),
                         SRX_EINVAL);
    }
    ck_assert_int_eq(srx_h5_write_transients(h, NULL, 2, &d), SRX_EINVAL);
    srx_h5_close(h);
    free(a);
    free(fp0);
    free(fp1);
    remove_tmpdir();
}
END_TEST

START_TEST(read_all_reports_each_object)
{
    char path[600];
    hid_t f, g;
    srx_h5file *h;
    srx_h5_contents *c;
    srx_diag d;
    const double neg[5] = {0.1, 0.2, -0.3, 0.4, 0.5};

    make_tmpdir();
    path_in_tmp(path, sizeof path, "all.h5");
    f = raw_create(path, 1);
    raw_good_series(f, "good");
    g = raw_group(f, "/series/neg_delay");
    raw_vlen_attr(g, "experiment", "inversion_recovery");
    raw_vlen_attr(g, "nucleus", "19F");
    raw_double_attr(g, "larmor_hz", 282e6);
    raw_double_attr(g, "temperature_k", 250.0);
    raw_dataset(g, "delay_s", H5T_IEEE_F64LE, 5, neg);
    raw_dataset(g, "signal", H5T_IEEE_F64LE, 5, signals);
    H5Gclose(g);
    g = raw_group(f, "/series/no_attrs");
    H5Gclose(g);
    H5Fclose(f);

    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_read_all(h, &c, &d), SRX_OK);
    ck_assert_uint_eq(c->n_series, 3);
    ck_assert_str_eq(c->series[0].name, "good");
    ck_assert_int_eq(c->series_status[0], SRX_OK);
    ck_assert(memcmp(c->series[0].sigma, sigmas, sizeof sigmas) == 0);
    ck_assert_str_eq(c->series[1].name, "neg_delay");
    ck_assert_int_eq(c->series_status[1], SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(c->series_diag[1].message, "/series/neg_delay: delay_s[2]"));
    ck_assert_ptr_nonnull(strstr(c->series_diag[1].message, "all.h5"));
    ck_assert_str_eq(c->series[2].name, "no_attrs");
    ck_assert_int_eq(c->series_status[2], SRX_EFORMAT);
    ck_assert_uint_eq(c->n_spectra, 0);
    ck_assert_uint_eq(c->n_results, 0);
    srx_h5_contents_free(c);
    srx_h5_close(h);

    /* the same through the forked loader */
    ck_assert_int_eq(srx_h5_load(path, 30.0, &c, &d), SRX_OK);
    ck_assert_uint_eq(c->n_series, 3);
    ck_assert_int_eq(c->has_format, 1);
    ck_assert(memcmp(c->series[0].delay_s, delays, sizeof delays) == 0);
    ck_assert(memcmp(c->series[1].delay_s, neg, sizeof neg) == 0);
    ck_assert_ptr_null(c->series[1].sigma);
    ck_assert_int_eq(c->series_status[1], SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(c->series_diag[1].message, "delay_s[2]"));
    srx_h5_contents_free(c);
    remove_tmpdir();
}
END_TEST

START_TEST(loader_errors_and_hang)
{
    char path[600];
    srx_h5_contents *c = NULL;
    srx_diag d;
    FILE *f;
    make_tmpdir();
    path_in_tmp(path, sizeof path, "absent.h5");
    ck_assert_int_eq(srx_h5_load(path, 10.0, &c, &d), SRX_EIO);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(d.message, "absent.h5"));
    path_in_tmp(path, sizeof path, "junk.h5");
    f = fopen(path, "w");
    fputs("\x89HDF\r\n\x1a\n garbage after a signature", f);
    fclose(f);
    ck_assert_int_eq(srx_h5_load(path, 10.0, &c, &d), SRX_EFORMAT);
    /* a FIFO nobody writes to blocks the child in open(): the time limit hits */
    path_in_tmp(path, sizeof path, "fifo.h5");
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_int_eq(srx_h5_load(path, 0.3, &c, &d), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(d.message, "hung"));
    ck_assert_int_eq(srx_h5_load(path, -1.0, &c, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_h5_load(path, NAN, &c, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_h5_load(NULL, 1.0, &c, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_h5_load(path, 1.0, NULL, &d), SRX_EINVAL);
    srx_h5_contents_free(NULL);
    remove_tmpdir();
}
END_TEST

static int parse(const char *text, srx_h5_series *s, srx_diag *d)
{
    srx_h5_series_init(s);
    return srx_h5_parse_csv(text, strlen(text), s, d);
}

START_TEST(csv_parser)
{
    srx_h5_series s;
    srx_diag d;
    const char *t1 = "# comment\r\ndelay_s,signal,sigma\r\n0.001, 95, 1\r\n\r\n1e-2,70,1\r\n0.1 ,30 , 2";
    ck_assert_int_eq(parse(t1, &s, &d), SRX_OK);
    ck_assert_uint_eq(s.n, 3);
    ck_assert(s.delay_s[0] == 0.001 && s.delay_s[1] == 0.01 && s.signal[2] == 30.0);
    ck_assert(s.sigma && s.sigma[2] == 2.0);
    srx_h5_series_clear(&s);
    ck_assert_int_eq(parse("1,2\n3,4\n5,6\n", &s, &d), SRX_OK); /* no header, two columns */
    ck_assert_uint_eq(s.n, 3);
    ck_assert_ptr_null(s.sigma);
    ck_assert(s.signal[1] == 4.0);
    srx_h5_series_clear(&s);
    /* the same text without NUL termination: only len bytes are read */
    {
        char buf[8] = {'1', ',', '2', '\n', '3', ',', '4', '5'};
        srx_h5_series_init(&s);
        ck_assert_int_eq(srx_h5_parse_csv(buf, 7, &s, &d), SRX_OK);
        ck_assert(s.n == 2 && s.signal[1] == 4.0);
        srx_h5_series_clear(&s);
    }
#define BAD(text, code, msg)                                                                       \
    do {                                                                                           \
        srx_diag_clear(&d);                                                                        \
        ck_assert_int_eq(parse(text, &s, &d), code);                                               \
        ck_assert_msg(strstr(d.message, msg) != NULL, "got '%s'", d.message);                      \
        ck_assert_ptr_null(s.delay_s);                                                             \
    } while (0)
    BAD("1,2\n3,4,5\n", SRX_EFORMAT, "line 2: 3 fields, earlier lines have 2");
    BAD("a,b\n1,x\n", SRX_EFORMAT, "line 2, field 2: 'x' is not a finite number");
    BAD("1,nan\n", SRX_EFORMAT, "line 1, field 2");
    BAD("1,inf\n", SRX_EFORMAT, "line 1, field 2");
    BAD("1\n", SRX_EFORMAT, "line 1: 1 fields");
    BAD("1,2,3,4,5\n", SRX_EFORMAT, "line 1: more than 4 fields");
    BAD("1,2,3,4\n", SRX_EFORMAT, "line 1: 4 fields");
    BAD("1,,2\n", SRX_EFORMAT, "field 2");
    BAD("delay_s,signal\n", SRX_ENODATA, "no data");
    BAD("", SRX_ENODATA, "no data");
    BAD("1,1e999\n", SRX_EFORMAT, "line 1, field 2");
    {
        const char nul[] = "1,2\n3\0,4\n";
        srx_h5_series_init(&s);
        ck_assert_int_eq(srx_h5_parse_csv(nul, sizeof nul - 1, &s, &d), SRX_EFORMAT);
        ck_assert_ptr_nonnull(strstr(d.message, "line 2"));
    }
#undef BAD
    ck_assert_int_eq(srx_h5_parse_csv(NULL, 3, &s, &d), SRX_EINVAL);
    ck_assert_int_eq(srx_h5_parse_csv("1,2", 3, NULL, &d), SRX_EINVAL);
}
END_TEST

typedef struct thread_job {
    const char *path;
    int failures;
} thread_job;

static void *reader_thread(void *arg)
{
    thread_job *j = arg;
    int k;
    for (k = 0; k < 30; k++) {
        srx_h5file *h;
        srx_h5_series s;
        srx_h5_contents *c;
        srx_diag d;
        srx_h5_series_init(&s);
        if (srx_h5_open(j->path, SRX_H5_READ, &h, &d) != SRX_OK) {
            j->failures++;
            continue;
        }
        if (srx_h5_read_series(h, "good", &s, &d) != SRX_OK ||
            memcmp(s.signal, signals, sizeof signals) != 0)
            j->failures++;
        srx_h5_series_clear(&s);
        if (srx_h5_read_all(h, &c, &d) != SRX_OK || c->n_series != 1)
            j->failures++;
        srx_h5_contents_free(c);
        srx_h5_close(h);
    }
    return NULL;
}

typedef struct writer_job {
    char path[600];
    int failures;
} writer_job;

/* Each thread runs write sessions on its own file: the lock serialises the
 * HDF5 calls, and every file ends with its own last generation. */
static void *writer_thread(void *arg)
{
    writer_job *j = arg;
    int k;
    for (k = 0; k < 15; k++) {
        srx_h5file *h;
        srx_h5_series s;
        srx_h5_number num = {"generation", 0.0};
        srx_diag d;
        num.value = k;
        if (srx_h5_open(j->path, SRX_H5_CREATE, &h, &d) != SRX_OK) {
            j->failures++;
            continue;
        }
        good_series(&s, "s");
        if (srx_h5_write_series(h, &s, 1, &d) != SRX_OK ||
            srx_h5_write_result(h, "peak", "bpp", "bpp", &num, 1, NULL, 0, &d) != SRX_OK ||
            srx_h5_commit(h, &d) != SRX_OK)
            j->failures++;
        srx_h5_series_clear(&s);
        srx_h5_close(h);
    }
    return NULL;
}

START_TEST(threads_write_at_once)
{
    pthread_t th[4];
    writer_job jobs[4];
    int i;
    make_tmpdir();
    for (i = 0; i < 4; i++) {
        char name[32];
        snprintf(name, sizeof name, "w%d.h5", i);
        path_in_tmp(jobs[i].path, sizeof jobs[i].path, name);
        jobs[i].failures = 0;
        ck_assert_int_eq(pthread_create(&th[i], NULL, writer_thread, &jobs[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        srx_h5file *h;
        srx_diag d;
        double g;
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].failures, 0);
        ck_assert_int_eq(srx_h5_open(jobs[i].path, SRX_H5_READ, &h, &d), SRX_OK);
        ck_assert_int_eq(srx_h5_read_result_number(h, "peak", "bpp", "generation", &g, &d), SRX_OK);
        ck_assert(g == 14.0);
        srx_h5_close(h);
    }
    ck_assert_int_eq(count_files("srx-tmp"), 0);
    remove_tmpdir();
}
END_TEST

/* Two processes adding results to one file at the same time: the session
 * lock serialises them, so no update is lost (without it, each commit
 * would drop the groups the other added since its copy was made). */
START_TEST(processes_update_one_file)
{
    char path[600];
    srx_h5file *h;
    srx_h5_contents *c;
    srx_diag d;
    hid_t f;
    pid_t pid[2];
    int p, k, st;
    make_tmpdir();
    path_in_tmp(path, sizeof path, "shared.h5");
    f = raw_create(path, 1);
    raw_good_series(f, "s");
    H5Fclose(f);
    for (p = 0; p < 2; p++) {
        pid[p] = fork();
        ck_assert_int_ge(pid[p], 0);
        if (pid[p] == 0) {
            for (k = 0; k < 20; k++) {
                char label[32];
                srx_h5_number num = {"k", 0.0};
                num.value = k;
                snprintf(label, sizeof label, "p%d_%02d", p, k);
                if (srx_h5_open(path, SRX_H5_UPDATE, &h, &d) != SRX_OK ||
                    srx_h5_write_result(h, "peak", label, "bpp", &num, 1, NULL, 0, &d) != SRX_OK ||
                    srx_h5_commit(h, &d) != SRX_OK)
                    _exit(1);
                srx_h5_close(h);
            }
            _exit(0);
        }
    }
    for (p = 0; p < 2; p++) {
        ck_assert_int_eq(waitpid(pid[p], &st, 0), pid[p]);
        ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_READ, &h, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_read_all(h, &c, &d), SRX_OK);
    ck_assert_uint_eq(c->n_results, 40);
    ck_assert_str_eq(c->results[0].path, "/results/peak/p0_00");
    ck_assert_str_eq(c->results[39].path, "/results/peak/p1_19");
    ck_assert_int_eq(c->series_status[0], SRX_OK);
    srx_h5_contents_free(c);
    srx_h5_close(h);
    ck_assert_int_eq(count_files("srx-tmp"), 0);
    remove_tmpdir();
}
END_TEST

START_TEST(threads_read_at_once)
{
    char path[600];
    pthread_t th[4];
    thread_job jobs[4];
    hid_t f;
    int i;
    make_tmpdir();
    path_in_tmp(path, sizeof path, "threads.h5");
    f = raw_create(path, 1);
    raw_good_series(f, "good");
    H5Fclose(f);
    for (i = 0; i < 4; i++) {
        jobs[i].path = path;
        jobs[i].failures = 0;
        ck_assert_int_eq(pthread_create(&th[i], NULL, reader_thread, &jobs[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].failures, 0);
    }
    remove_tmpdir();
}
END_TEST


/* Files written by the library, read by h5py (skipped when H5PY_PYTHON is
 * empty): results exactly as data-format.md prescribes. */
START_TEST(h5py_reads_library_results)
{
    const char *py = getenv("H5PY_PYTHON");
    char path[600], script[600], cmd[2000];
    srx_h5file *h;
    srx_h5_series s;
    srx_diag d;
    FILE *f;
    srx_h5_transient_row rows[2] = {
        {"a", "saturation_recovery", 300, 116.59e6, 0, 1.5, 0.1, 1, 0, 1e4, 1.1, 0},
        {"b \xc3\xa9", "spin_lock", 310, 116.59e6, 20e3, 40, 2, 0.8, 0.05, 9e3, 0.9, 6}};
    srx_h5_number nums[2] = {{"ea_ev", 0.44}, {"tau0_s", 1.9e-10}};
    srx_h5_text texts[1] = {{"background", "none"}};
    if (!py || !*py)
        return; /* no h5py: nothing to cross-check with */
    make_tmpdir();
    path_in_tmp(path, sizeof path, "lib.h5");
    ck_assert_int_eq(srx_h5_open(path, SRX_H5_CREATE, &h, &d), SRX_OK);
    good_series(&s, "a");
    s.mas_hz = 10e3;
    s.title = strdup("title \xc3\xa9");
    ck_assert_int_eq(srx_h5_write_series(h, &s, 0, &d), SRX_OK);
    srx_h5_series_clear(&s);
    ck_assert_int_eq(srx_h5_write_transients(h, rows, 2, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_write_result(h, "peak", "bpp", "bpp", nums, 2, texts, 1, &d), SRX_OK);
    ck_assert_int_eq(srx_h5_commit(h, &d), SRX_OK);
    srx_h5_close(h);
    path_in_tmp(script, sizeof script, "check.py");
    f = fopen(script, "w");
    fprintf(f,
            "import sys, h5py, numpy as np\n"
            "h = h5py.File(sys.argv[1], 'r')\n"
            "assert h.attrs['spinrelax_format'] == '1'\n"
            "def vstr(obj, name):\n"
            "    t = h5py.check_string_dtype(obj.attrs.get_id(name).dtype)\n"
            "    assert t is not None and t.encoding == 'utf-8' and t.length is None, name\n"
            "    return obj.attrs[name]\n"
            "g = h['series/a']\n"
            "assert vstr(g, 'title') == 'title \\u00e9' and g.attrs['mas_hz'] == 10e3\n"
            "assert g['sigma'].dtype == np.float64 and list(g['sigma'][:]) == [1, 1, 2, 2, 0.5]\n"
            "t = h['results/transients']\n"
            "for c in ('series', 'experiment'):\n"
            "    k = h5py.check_string_dtype(t[c].dtype)\n"
            "    assert k.encoding == 'utf-8' and k.length is None and t[c].shape == (2,), c\n"
            "assert [x.decode() for x in t['series'][:]] == ['a', 'b \\u00e9']\n"
            "assert [x.decode() for x in t['experiment'][:]] == ['saturation_recovery', 'spin_lock']\n"
            "cols = ['temperature_k', 'larmor_hz', 'spinlock_hz', 'rate_per_s', 'rate_err_per_s',\n"
            "        'stretch', 'stretch_err', 'amplitude', 'reduced_chi2']\n"
            "want = [[300, 116.59e6, 0, 1.5, 0.1, 1, 0, 1e4, 1.1], [310, 116.59e6, 20e3, 40, 2, 0.8, 0.05, 9e3, 0.9]]\n"
            "for j, c in enumerate(cols):\n"
            "    assert t[c].dtype == np.float64 and list(t[c][:]) == [want[0][j], want[1][j]], c\n"
            "assert t['status'].dtype == np.int32 and list(t['status'][:]) == [0, 6]\n"
            "assert sorted(t.keys()) == sorted(cols + ['series', 'experiment', 'status'])\n"
            "r = h['results/peak/bpp']\n"
            "assert vstr(r, 'model') == 'bpp' and vstr(r, 'created_by') == 'spinrelax %s'\n"
            "assert vstr(r, 'background') == 'none'\n"
            "assert r.attrs.get_id('ea_ev').dtype == np.float64 and r.attrs['ea_ev'] == 0.44\n"
            "assert r.attrs['tau0_s'] == 1.9e-10 and len(r.attrs) == 5\n",
            srx_version());
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s'", py, script, path);
    ck_assert_int_eq(system(cmd), 0);
    remove_tmpdir();
}
END_TEST

static Suite *h5store_suite(void)
{
    Suite *s = suite_create("h5store");
    TCase *tc;
    tc = tcase_create("reading");
    tcase_add_test(tc, reads_h5py_style_and_fixed_strings);
    tcase_add_test(tc, structural_errors_name_the_object);
    tcase_add_test(tc, spectrum_and_conductivity);
    tcase_add_test(tc, conductivity_written_and_read_back);
    tcase_add_test(tc, open_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("checks");
    tcase_add_test(tc, value_checks);
    tcase_add_test(tc, read_all_reports_each_object);
    suite_add_tcase(s, tc);
    tc = tcase_create("writing");
    tcase_add_test(tc, sessions_commit_or_leave_untouched);
    tcase_add_test(tc, results_replace_exactly);
    tcase_add_test(tc, h5py_reads_library_results);
    suite_add_tcase(s, tc);
    tc = tcase_create("loader");
    tcase_add_test(tc, loader_errors_and_hang);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    tc = tcase_create("csv");
    tcase_add_test(tc, csv_parser);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_add_test(tc, threads_read_at_once);
    tcase_add_test(tc, threads_write_at_once);
    tcase_add_test(tc, processes_update_one_file);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* the raw helpers probe on purpose */
    return srxt_run(h5store_suite());
}
