/* spinrelax rates: model 1/T1 and 1/T1rho over a temperature range. */
#include <config.h>

#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "spinrelax.h"

static const char help[] =
    "Usage: spinrelax rates --model M --ea-ev E --tau0-s T0 [--beta B] --coupling-per-s2 K\n"
    "                       --larmor-hz F [--spinlock-hz F1] --tmin-k A --tmax-k B --step-k S\n"
    "\n"
    "Print temperature_k,r1_per_s,r1rho_per_s (CSV, 17 significant digits) for one\n"
    "diffusion process: 1/T1 = K [J(w0) + 4 J(2 w0)] and\n"
    "1/T1rho = K [3/2 J(2 w1) + 5/2 J(w0) + J(2 w0)], w = 2 pi frequency.\n"
    "\n"
    "  --model M            bpp | asymmetric | cole-davidson | cole-cole | gauss-ea\n"
    "                       (default bpp)\n"
    "  --ea-ev E            activation energy in eV\n"
    "  --tau0-s T0          Arrhenius prefactor in s: tau = T0 exp(E / kB T)\n"
    "  --beta B             shape: asymmetry beta in (1,2], Cole-Davidson eps or\n"
    "                       Cole-Cole alpha in (0,1], gauss-ea width of Ea in eV\n"
    "                       (default: the Lorentzian limit 2, 1, 1 or 0)\n"
    "  --coupling-per-s2 K  coupling constant in s^-2\n"
    "  --larmor-hz F        Larmor frequency nu0 in Hz\n"
    "  --spinlock-hz F1     locking field nu1 in Hz; without it r1rho is empty\n"
    "  --tmin-k A, --tmax-k B, --step-k S\n"
    "                       temperatures A, A+S, ... up to B (inclusive) in K\n";

int cli_rates(int argc, char **argv)
{
    const char *model_name = "bpp";
    double ea = NAN, tau0 = NAN, beta = NAN, k = NAN, larmor = NAN, spinlock = NAN;
    double tmin = NAN, tmax = NAN, step = NAN;
    int have_beta = 0, have_spinlock = 0;
    const cli_opt opts[] = {
        {"model", CLI_STRING, &model_name, NULL},
        {"ea-ev", CLI_DOUBLE, &ea, NULL},
        {"tau0-s", CLI_DOUBLE, &tau0, NULL},
        {"beta", CLI_DOUBLE, &beta, &have_beta},
        {"coupling-per-s2", CLI_DOUBLE, &k, NULL},
        {"larmor-hz", CLI_DOUBLE, &larmor, NULL},
        {"spinlock-hz", CLI_DOUBLE, &spinlock, &have_spinlock},
        {"tmin-k", CLI_DOUBLE, &tmin, NULL},
        {"tmax-k", CLI_DOUBLE, &tmax, NULL},
        {"step-k", CLI_DOUBLE, &step, NULL},
        {NULL, 0, NULL, NULL}};
    const struct { const char *name; double v; } required[] = {
        {"ea-ev", ea}, {"tau0-s", tau0}, {"coupling-per-s2", k}, {"larmor-hz", larmor},
        {"tmin-k", tmin}, {"tmax-k", tmax}, {"step-k", step}};
    srx_rate_model m;
    srx_diag diag;
    long n, i;
    size_t r;
    int status = cli_parse("rates", argc, argv, opts, NULL, 0, NULL);

    if (status < 0) {
        fputs(help, stdout);
        return CLI_EXIT_OK;
    }
    if (status)
        return status;
    /* re-read the values now that they are parsed */
    {
        const double now[] = {ea, tau0, k, larmor, tmin, tmax, step};
        for (r = 0; r < sizeof required / sizeof required[0]; r++) {
            if (isnan(now[r])) {
                fprintf(stderr, "spinrelax rates: --%s is required (see spinrelax rates --help)\n",
                        required[r].name);
                return CLI_EXIT_USAGE;
            }
        }
    }
    srx_rate_model_init(&m);
    m.n_processes = 1;
    if (srx_spectral_parse(model_name, &m.process[0].kind, &diag) != SRX_OK) {
        fprintf(stderr, "spinrelax rates: --model: %s\n", diag.message);
        return CLI_EXIT_USAGE;
    }
    m.process[0].ea_ev = ea;
    m.process[0].tau0_s = tau0;
    m.process[0].shape = have_beta ? beta : srx_spectral_lorentzian_shape(m.process[0].kind);
    m.process[0].coupling_per_s2 = k;
    if (srx_rates_check_model(&m, &diag) != SRX_OK) {
        fprintf(stderr, "spinrelax rates: %s\n", diag.message);
        return CLI_EXIT_USAGE;
    }
    if (!(tmin > 0.0) || !(tmax >= tmin) || !(step > 0.0) || !isfinite(tmax)) {
        fprintf(stderr, "spinrelax rates: need 0 < --tmin-k <= --tmax-k and --step-k > 0 "
                        "(got %g, %g, %g)\n", tmin, tmax, step);
        return CLI_EXIT_USAGE;
    }
    if ((tmax - tmin) / step > 1e7) {
        fprintf(stderr, "spinrelax rates: more than 1e7 temperatures; use a larger --step-k\n");
        return CLI_EXIT_USAGE;
    }
    n = (long)floor((tmax - tmin) / step * (1.0 + 1e-12) + 1e-9) + 1;

    printf("temperature_k,r1_per_s,r1rho_per_s\n");
    for (i = 0; i < n; i++) {
        double t = tmin + (double)i * step, r1, r1rho = 0.0;
        status = srx_rates_r1(&m, t, larmor, &r1, &diag);
        if (status == SRX_OK && have_spinlock)
            status = srx_rates_r1rho(&m, t, larmor, spinlock, &r1rho, &diag);
        if (status != SRX_OK) {
            fprintf(stderr, "spinrelax rates: %s\n", diag.message);
            return CLI_EXIT_USAGE;
        }
        cli_print_double(stdout, t);
        putchar(',');
        cli_print_double(stdout, r1);
        putchar(',');
        if (have_spinlock)
            cli_print_double(stdout, r1rho);
        putchar('\n');
    }
    return CLI_EXIT_OK;
}
