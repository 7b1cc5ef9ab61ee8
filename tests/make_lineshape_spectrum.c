/* make_lineshape_spectrum: write a synthetic quadrupolar spectrum with known
 * truth into an HDF5 file, for the fit-lineshape command-line test.
 *
 *   make_lineshape_spectrum OUT.h5 NAME KIND SEED [asc|desc] > truth.csv
 *
 * KIND:
 *   na23_static  23Na (spin 3/2), 105.8 MHz, Cq 2.5 MHz, eta 0.4, shift 1500 Hz,
 *                Gaussian 400 Hz, static, 2048 points over 100 kHz
 *   al27_mas     27Al (spin 5/2), 130.29 MHz, Cq 8.3 MHz, eta 0.28, shift 1000 Hz,
 *                Gaussian 300 Hz, MAS at infinite speed, 2048 points over 60 kHz
 *   unknown_nuc  na23_static with nucleus "99Xx" (spin must come from --spin)
 *   tiny         na23_static resampled to 8 points
 *   nan          na23_static with intensity[100] = NaN (written with raw HDF5)
 *   nonmono      na23_static with frequency_hz[100] = frequency_hz[98] (raw HDF5)
 * Noise: Gaussian, 1/40 of the peak height, from a Mersenne Twister seeded
 * with SEED.  Intensities scaled by 1000.  The spectrum is simulated with the
 * public API at a powder accuracy of 1e-4 and written with
 * srx_h5_write_spectrum (created file, or added to an existing one).
 * Prints "cq_hz,eta,shift_hz" and the true values. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <hdf5.h>

#include "spinrelax.h"

/* overwrite one element of /spectra/NAME/DSET behind the library's back */
static int poke(const char *path, const char *name, const char *dset, size_t n, const double *v)
{
    char p[600];
    hid_t f, d;
    herr_t e;
    snprintf(p, sizeof p, "/spectra/%s/%s", name, dset);
    f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0)
        return 1;
    d = H5Dopen2(f, p, H5P_DEFAULT);
    if (d < 0) {
        H5Fclose(f);
        return 1;
    }
    e = H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    (void)n;
    H5Dclose(d);
    H5Fclose(f);
    return e < 0;
}

int main(int argc, char **argv)
{
    srx_lineshape_conditions c;
    srx_quad_site site;
    srx_h5_spectrum s;
    srx_h5file *h = NULL;
    srx_diag diag;
    gsl_rng *rng;
    const char *kind;
    double *f, *y, peak = 0.0;
    size_t n, i;
    int desc = 0, st, al = 0;

    if (argc < 5 || argc > 6) {
        fprintf(stderr, "usage: make_lineshape_spectrum OUT.h5 NAME KIND SEED [asc|desc]\n");
        return 1;
    }
    kind = argv[3];
    desc = argc == 6 && strcmp(argv[5], "desc") == 0;
    al = strcmp(kind, "al27_mas") == 0;
    srx_lineshape_conditions_init(&c);
    srx_quad_site_init(&site);
    c.accuracy = 1e-4;
    c.n_points = 2048;
    if (al) {
        c.spin = 2.5;
        c.larmor_hz = 130.29e6;
        c.rotor_angle_rad = SRX_MAGIC_ANGLE_RAD;
        c.span_hz = 60e3;
        c.gb_hz = 300.0;
        site.cq_hz = 8.3e6;
        site.eta = 0.28;
        site.shift_hz = 1000.0;
    } else {
        c.spin = 1.5;
        c.larmor_hz = 105.8e6;
        c.span_hz = 100e3;
        c.gb_hz = 400.0;
        site.cq_hz = 2.5e6;
        site.eta = 0.4;
        site.shift_hz = 1500.0;
    }
    n = c.n_points;
    f = malloc(n * sizeof *f);
    y = malloc(n * sizeof *y);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!f || !y || !rng)
        return 1;
    gsl_rng_set(rng, strtoul(argv[4], NULL, 10));
    {
        srx_lineshape *ls;
        if ((st = srx_lineshape_alloc(&c, &ls, &diag)) != SRX_OK ||
            (st = srx_lineshape_compute(ls, &site, NULL, 1, y, &diag)) != SRX_OK ||
            (st = srx_lineshape_frequencies(ls, f, &diag)) != SRX_OK) {
            fprintf(stderr, "make_lineshape_spectrum: %s\n", diag.message);
            return 1;
        }
        srx_lineshape_free(ls);
    }
    for (i = 0; i < n; i++)
        peak = fmax(peak, y[i]);
    for (i = 0; i < n; i++)
        y[i] = 1000.0 * (y[i] + gsl_ran_gaussian(rng, peak / 40.0));
    if (desc)
        for (i = 0; i < n / 2; i++) {
            double t = f[i];
            f[i] = f[n - 1 - i];
            f[n - 1 - i] = t;
            t = y[i];
            y[i] = y[n - 1 - i];
            y[n - 1 - i] = t;
        }
    if (strcmp(kind, "tiny") == 0) {
        for (i = 0; i < 8; i++) {
            f[i] = f[i * 256];
            y[i] = y[i * 256];
        }
        n = 8;
    }
    srx_h5_spectrum_init(&s);
    snprintf(s.name, sizeof s.name, "%s", argv[2]);
    snprintf(s.nucleus, sizeof s.nucleus, "%s",
             al ? "27Al" : (strcmp(kind, "unknown_nuc") == 0 ? "99Xx" : "23Na"));
    s.larmor_hz = c.larmor_hz;
    s.temperature_k = 300.0;
    s.n = n;
    s.frequency_hz = f;
    s.intensity = y;
    if ((st = srx_h5_open(argv[1], SRX_H5_CREATE, &h, &diag)) != SRX_OK ||
        (st = srx_h5_write_spectrum(h, &s, 1, &diag)) != SRX_OK ||
        (st = srx_h5_commit(h, &diag)) != SRX_OK) {
        fprintf(stderr, "make_lineshape_spectrum: %s: %s\n", argv[1], diag.message);
        srx_h5_close(h);
        return 1;
    }
    srx_h5_close(h);
    if (strcmp(kind, "nan") == 0) {
        y[100] = NAN;
        if (poke(argv[1], argv[2], "intensity", n, y))
            return 1;
    } else if (strcmp(kind, "nonmono") == 0) {
        f[100] = f[98];
        if (poke(argv[1], argv[2], "frequency_hz", n, f))
            return 1;
    }
    printf("cq_hz,eta,shift_hz\n%.17g,%.17g,%.17g\n", site.cq_hz, site.eta, site.shift_hz);
    gsl_rng_free(rng);
    free(f);
    free(y);
    return 0;
}
