/* spinrelax narrowing: simulated line width versus temperature. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spinrelax.h"

static const char help[] =
    "Usage: spinrelax narrowing --m2-per-s2 M2 --ea-ev E --tau0-s T0\n"
    "                           --tmin-k A --tmax-k B --step-k S [OPTIONS]\n"
    "\n"
    "Print temperature_k,fwhm_hz (CSV, 17 significant digits): the full width at\n"
    "half maximum of the simulated Kubo-Anderson line, the Fourier transform of\n"
    "G(t) = exp(-M2 tau^2 (exp(-t/tau) - 1 + t/tau)), tau = T0 exp(E / kB T).\n"
    "Rigid limit: a Gaussian of FWHM 2 sqrt(2 ln2 M2) / (2 pi) Hz; fully narrowed:\n"
    "a Lorentzian of FWHM M2 tau / pi Hz.  Time step and length are automatic.\n"
    "\n"
    "  --m2-per-s2 M2       rigid-lattice second moment in rad^2/s^2\n"
    "  --ea-ev E            activation energy in eV\n"
    "  --tau0-s T0          Arrhenius prefactor in s\n"
    "  --tmin-k A, --tmax-k B, --step-k S\n"
    "                       temperatures A, A+S, ... up to B (inclusive) in K\n"
    "\n"
    "Optional second component (a fraction with its own motion):\n"
    "  --fraction2 P        population of the second component in [0,1] (default 0;\n"
    "                       the first component has 1 - P)\n"
    "  --m2-2-per-s2 M2b    its second moment (default M2)\n"
    "  --ea-2-ev Eb         its activation energy (default E)\n"
    "  --tau0-2-s T0b       its prefactor (default T0)\n"
    "Broadening (convolution of the spectrum, default 0: none):\n"
    "  --residual-hz D      Gaussian FWHM of an inhomogeneous residual width\n"
    "  --lb-hz L            Lorentzian FWHM\n"
    "  --gb-hz G            Gaussian FWHM\n";

/* library messages start with the module name: "narrowing: ..." */
static void report(const srx_diag *diag)
{
    if (strncmp(diag->message, "narrowing: ", 11) == 0)
        fprintf(stderr, "spinrelax %s\n", diag->message);
    else
        fprintf(stderr, "spinrelax narrowing: %s\n", diag->message);
}

int cli_narrowing(int argc, char **argv)
{
    double m2 = NAN, ea = NAN, tau0 = NAN, tmin = NAN, tmax = NAN, step = NAN;
    double frac2 = 0.0, m2b = NAN, eab = NAN, tau0b = NAN, resid = 0.0, lb = 0.0, gb = 0.0;
    const cli_opt opts[] = {
        {"m2-per-s2", CLI_DOUBLE, &m2, NULL},
        {"ea-ev", CLI_DOUBLE, &ea, NULL},
        {"tau0-s", CLI_DOUBLE, &tau0, NULL},
        {"tmin-k", CLI_DOUBLE, &tmin, NULL},
        {"tmax-k", CLI_DOUBLE, &tmax, NULL},
        {"step-k", CLI_DOUBLE, &step, NULL},
        {"fraction2", CLI_DOUBLE, &frac2, NULL},
        {"m2-2-per-s2", CLI_DOUBLE, &m2b, NULL},
        {"ea-2-ev", CLI_DOUBLE, &eab, NULL},
        {"tau0-2-s", CLI_DOUBLE, &tau0b, NULL},
        {"residual-hz", CLI_DOUBLE, &resid, NULL},
        {"lb-hz", CLI_DOUBLE, &lb, NULL},
        {"gb-hz", CLI_DOUBLE, &gb, NULL},
        {NULL, 0, NULL, NULL}};
    static const char *const required[] = {"m2-per-s2", "ea-ev", "tau0-s",
                                           "tmin-k",    "tmax-k", "step-k"};
    srx_narrowing_line line;
    srx_narrowing *nw = NULL;
    srx_diag diag;
    double *temps = NULL, *widths = NULL;
    long n, i;
    size_t r;
    int status = cli_parse("narrowing", argc, argv, opts, NULL, 0, NULL);

    if (status < 0) {
        fputs(help, stdout);
        return CLI_EXIT_OK;
    }
    if (status)
        return status;
    {
        const double now[] = {m2, ea, tau0, tmin, tmax, step};
        for (r = 0; r < sizeof required / sizeof required[0]; r++) {
            if (isnan(now[r])) {
                fprintf(stderr,
                        "spinrelax narrowing: --%s is required (see spinrelax narrowing --help)\n",
                        required[r]);
                return CLI_EXIT_USAGE;
            }
        }
    }
    if (!(frac2 >= 0.0 && frac2 <= 1.0)) {
        fprintf(stderr, "spinrelax narrowing: --fraction2 %g outside [0, 1]\n", frac2);
        return CLI_EXIT_USAGE;
    }
    srx_narrowing_line_init(&line);
    line.n_components = frac2 > 0.0 ? 2 : 1;
    line.component[0].fraction = 1.0 - frac2;
    line.component[0].m2_rad2_per_s2 = m2;
    line.component[0].ea_ev = ea;
    line.component[0].tau0_s = tau0;
    line.component[1].fraction = frac2;
    line.component[1].m2_rad2_per_s2 = isnan(m2b) ? m2 : m2b;
    line.component[1].ea_ev = isnan(eab) ? ea : eab;
    line.component[1].tau0_s = isnan(tau0b) ? tau0 : tau0b;
    line.residual_fwhm_hz = resid;
    line.lb_hz = lb;
    line.gb_hz = gb;
    if (srx_narrowing_line_check(&line, &diag) != SRX_OK) {
        report(&diag);
        return CLI_EXIT_USAGE;
    }
    if (!(tmin > 0.0) || !(tmax >= tmin) || !(step > 0.0) || !isfinite(tmax)) {
        fprintf(stderr, "spinrelax narrowing: need 0 < --tmin-k <= --tmax-k and --step-k > 0 "
                        "(got %g, %g, %g)\n", tmin, tmax, step);
        return CLI_EXIT_USAGE;
    }
    if ((tmax - tmin) / step > 1e6) {
        fprintf(stderr, "spinrelax narrowing: more than 1e6 temperatures; use a larger --step-k\n");
        return CLI_EXIT_USAGE;
    }
    n = (long)floor((tmax - tmin) / step * (1.0 + 1e-12) + 1e-9) + 1;
    temps = malloc((size_t)n * sizeof *temps);
    widths = malloc((size_t)n * sizeof *widths);
    if (!temps || !widths) {
        fprintf(stderr, "spinrelax narrowing: out of memory\n");
        status = CLI_EXIT_USAGE;
        goto done;
    }
    for (i = 0; i < n; i++)
        temps[i] = tmin + (double)i * step;
    if (srx_narrowing_alloc(0, &nw, &diag) != SRX_OK ||
        srx_narrowing_line_series(nw, &line, (size_t)n, temps, widths, &diag) != SRX_OK) {
        report(&diag);
        status = CLI_EXIT_USAGE;
        goto done;
    }
    printf("temperature_k,fwhm_hz\n");
    for (i = 0; i < n; i++) {
        cli_print_double(stdout, temps[i]);
        putchar(',');
        cli_print_double(stdout, widths[i]);
        putchar('\n');
    }
    status = CLI_EXIT_OK;
done:
    srx_narrowing_free(nw);
    free(temps);
    free(widths);
    return status;
}
