/* make_narrowing: write a synthetic motional-narrowing series as /spectra/<name>
 * of an HDF5 file: Kubo-Anderson lines (the library's own line shape, a
 * Gaussian residual width convolved) at n temperatures, with white Gaussian
 * noise (GSL mt19937, fixed seed).  Used by tests/cli-fit-narrowing.sh.
 *
 * usage: make_narrowing OUT.h5 [--seed N] [--n N] [--tmin-k A] [--tmax-k B]
 *        [--ea-ev E] [--tau0-s T0 | --onset-k T] [--rigid-hz W]
 *        [--residual-hz D] [--noise F] [--truth]
 * The rigid width W is the total low-temperature FWHM (Gaussian of M2 and
 * residual together).  --onset-k chooses tau0 so that the noiseless width
 * has dropped by 10% of the way from W to D at that temperature.  The noise
 * standard deviation is F times the peak height.  --truth prints the true
 * widths as CSV temperature_k,fwhm_hz,tau0_s on stdout. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "spinrelax.h"

static int die(const char *what, const srx_diag *d)
{
    fprintf(stderr, "make_narrowing: %s: %s\n", what, d ? d->message : "");
    return 1;
}

int main(int argc, char **argv)
{
    const char *out = NULL;
    unsigned long seed = 1;
    int n = 20, truth = 0, i, k;
    double tmin = 200.0, tmax = 600.0, ea = 0.6, tau0 = NAN, onset = NAN, rigid = 5000.0;
    double resid = 200.0, noise = 0.01, m2;
    srx_narrowing *nw = NULL;
    srx_narrowing_line line;
    srx_h5file *f = NULL;
    srx_diag diag;
    gsl_rng *rng;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--truth")) {
            truth = 1;
            continue;
        }
        if (a[0] != '-') {
            out = a;
            continue;
        }
        if (!v)
            return fprintf(stderr, "make_narrowing: %s needs a value\n", a), 1;
        i++;
        if (!strcmp(a, "--seed"))
            seed = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--n"))
            n = atoi(v);
        else if (!strcmp(a, "--tmin-k"))
            tmin = atof(v);
        else if (!strcmp(a, "--tmax-k"))
            tmax = atof(v);
        else if (!strcmp(a, "--ea-ev"))
            ea = atof(v);
        else if (!strcmp(a, "--tau0-s"))
            tau0 = atof(v);
        else if (!strcmp(a, "--onset-k"))
            onset = atof(v);
        else if (!strcmp(a, "--rigid-hz"))
            rigid = atof(v);
        else if (!strcmp(a, "--residual-hz"))
            resid = atof(v);
        else if (!strcmp(a, "--noise"))
            noise = atof(v);
        else
            return fprintf(stderr, "make_narrowing: unknown option %s\n", a), 1;
    }
    if (!out || n < 2 || !(rigid > resid) || !(resid >= 0.0) || !(noise >= 0.0))
        return fprintf(stderr, "usage: make_narrowing OUT.h5 [options] (see the source)\n"), 1;
    if (srx_narrowing_alloc(0, &nw, &diag))
        return die("alloc", &diag);
    m2 = srx_narrowing_m2_from_rigid_fwhm(sqrt(rigid * rigid - resid * resid));
    srx_narrowing_line_init(&line);
    line.component[0].m2_rad2_per_s2 = m2;
    line.component[0].ea_ev = ea;
    line.residual_fwhm_hz = resid;
    if (isnan(tau0)) {
        /* tau at the onset level by bisection in ln tau, then tau0 */
        double level = rigid - 0.1 * (rigid - resid), lo = -80.0, hi = 20.0, w;
        if (isnan(onset))
            onset = 0.5 * (tmin + tmax);
        for (k = 0; k < 80; k++) {
            double mid = 0.5 * (lo + hi), tau = exp(mid) / sqrt(m2);
            if (srx_narrowing_line_fwhm(nw, &line, &tau, &w, &diag))
                return die("width", &diag);
            if (w > level)
                hi = mid;
            else
                lo = mid;
        }
        tau0 = exp(0.5 * (lo + hi)) / sqrt(m2) * exp(-ea / (SRX_KB_EV_PER_K * onset));
    }
    line.component[0].tau0_s = tau0;
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    if (srx_h5_open(out, SRX_H5_CREATE, &f, &diag))
        return die(out, &diag);
    if (truth)
        printf("temperature_k,fwhm_hz,tau0_s\n");
    for (i = 0; i < n; i++) {
        double t = tmin + (tmax - tmin) * i / (n - 1), w, half, peak = 0.0;
        size_t np, j;
        srx_h5_spectrum s;
        if (srx_narrowing_line_fwhm_at_t(nw, &line, t, &w, &diag))
            return die("width", &diag);
        /* +-(3 rigid or 40 FWHM) wide, at least 12 points per FWHM */
        half = 3.0 * rigid > 40.0 * w ? 3.0 * rigid : 40.0 * w;
        np = (size_t)ceil(2.0 * half / (w / 12.0));
        if (np < 1024)
            np = 1024;
        memset(&s, 0, sizeof s);
        snprintf(s.name, sizeof s.name, "T%03d_%.1fK", i, t);
        strcpy(s.nucleus, "7Li");
        s.larmor_hz = 116.59e6;
        s.temperature_k = t;
        s.n = np;
        s.frequency_hz = malloc(np * sizeof(double));
        s.intensity = malloc(np * sizeof(double));
        if (!s.frequency_hz || !s.intensity)
            return die("out of memory", NULL);
        for (j = 0; j < np; j++)
            s.frequency_hz[j] = -half + 2.0 * half * (double)j / (double)(np - 1);
        if (srx_narrowing_line_spectrum_at_t(nw, &line, t, np, s.frequency_hz, s.intensity, NULL,
                                             &diag))
            return die("spectrum", &diag);
        for (j = 0; j < np; j++)
            if (s.intensity[j] > peak)
                peak = s.intensity[j];
        for (j = 0; j < np; j++)
            s.intensity[j] = s.intensity[j] / peak + noise * gsl_ran_gaussian_ziggurat(rng, 1.0);
        if (srx_h5_write_spectrum(f, &s, 1, &diag))
            return die("write", &diag);
        if (truth)
            printf("%.17g,%.17g,%.17g\n", t, w, tau0);
        free(s.frequency_hz);
        free(s.intensity);
    }
    if (srx_h5_commit(f, &diag))
        return die("commit", &diag);
    srx_h5_close(f);
    gsl_rng_free(rng);
    srx_narrowing_free(nw);
    return 0;
}
