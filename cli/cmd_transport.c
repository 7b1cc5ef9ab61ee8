/* spinrelax transport: jump rate <-> D <-> sigma, and the Ngai n. */
#include <config.h>

#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "spinrelax.h"

static const char help[] =
    "Usage: spinrelax transport (--jump-rate-per-s R | --tau-s T | --ea-ev E --tau0-s T0 |\n"
    "                            --diffusion-m2-per-s D | --conductivity-s-per-m S)\n"
    "                           [--jump-distance-m A] [--dimension 3]\n"
    "                           [--carrier-density-per-m3 N --charge-number Z\n"
    "                            --temperature-k T] [--haven-ratio H] [--json]\n"
    "       spinrelax transport --e-short-ev E1 --e-long-ev E2 [--e-short-err-ev U1]\n"
    "                           [--e-long-err-ev U2] [--json]\n"
    "\n"
    "Convert between a jump rate 1/tau, the diffusion coefficient D and the DC\n"
    "conductivity: Einstein-Smoluchowski D = a^2 / (2 d tau) (d = 3 unless\n"
    "--dimension), Nernst-Einstein sigma = N (z e)^2 D / (H kB T) (H the Haven\n"
    "ratio, default 1).  Give one of the quantities; the others are printed where\n"
    "the parameters they need are given (a for D <-> 1/tau; N, z and T for\n"
    "D <-> sigma).  --ea-ev with --tau0-s and --temperature-k gives the jump rate\n"
    "1/tau = exp(-E / kB T) / T0.\n"
    "\n"
    "The second form prints the Ngai coupling parameter n = 1 - E_short / E_long\n"
    "(and its uncertainty when errors are given), e.g. 0.20 eV (NMR) against\n"
    "0.28 eV (conductivity) gives n = 0.29.\n"
    "\n"
    "Output: jump_rate_per_s,tau_s,diffusion_m2_per_s,conductivity_s_per_m\n"
    "(empty where not determined), or ngai_n,ngai_n_err; --json prints one object.\n"
    "Exit status: 0 success, 1 bad usage or input.\n";

static void out(int json, int n, const char *const *keys, const double *v)
{
    int i;
    if (json) {
        printf("{");
        for (i = 0; i < n; i++) {
            printf("%s\"%s\": ", i ? ", " : "", keys[i]);
            cli_json_double(stdout, v[i]);
        }
        printf("}\n");
        return;
    }
    for (i = 0; i < n; i++)
        printf("%s%s", i ? "," : "", keys[i]);
    printf("\n");
    for (i = 0; i < n; i++) {
        if (i)
            putchar(',');
        if (isfinite(v[i]))
            cli_print_double(stdout, v[i]);
    }
    printf("\n");
}

int cli_transport(int argc, char **argv)
{
    double rate = NAN, tau = NAN, ea = NAN, tau0 = NAN, d = NAN, sigma = NAN, a = NAN;
    double dens = NAN, z = NAN, t = NAN, haven = 0.0, es = NAN, el = NAN, ues = 0.0, uel = 0.0;
    int dim = 0, json = 0, status, given = 0;
    const cli_opt opts[] = {{"jump-rate-per-s", CLI_DOUBLE, &rate, NULL},
                            {"tau-s", CLI_DOUBLE, &tau, NULL},
                            {"ea-ev", CLI_DOUBLE, &ea, NULL},
                            {"tau0-s", CLI_DOUBLE, &tau0, NULL},
                            {"diffusion-m2-per-s", CLI_DOUBLE, &d, NULL},
                            {"conductivity-s-per-m", CLI_DOUBLE, &sigma, NULL},
                            {"jump-distance-m", CLI_DOUBLE, &a, NULL},
                            {"dimension", CLI_INT, &dim, NULL},
                            {"carrier-density-per-m3", CLI_DOUBLE, &dens, NULL},
                            {"charge-number", CLI_DOUBLE, &z, NULL},
                            {"temperature-k", CLI_DOUBLE, &t, NULL},
                            {"haven-ratio", CLI_DOUBLE, &haven, NULL},
                            {"e-short-ev", CLI_DOUBLE, &es, NULL},
                            {"e-long-ev", CLI_DOUBLE, &el, NULL},
                            {"e-short-err-ev", CLI_DOUBLE, &ues, NULL},
                            {"e-long-err-ev", CLI_DOUBLE, &uel, NULL},
                            {"json", CLI_FLAG, &json, NULL},
                            {NULL, 0, NULL, NULL}};
    srx_diag diag;
    int have_nzt;

    status = cli_parse("transport", argc, argv, opts, NULL, 0, NULL);
    if (status < 0) {
        fputs(help, stdout);
        return CLI_EXIT_OK;
    }
    if (status)
        return status;

    if (!isnan(es) || !isnan(el)) {
        static const char *const keys[] = {"ngai_n", "ngai_n_err"};
        double v[2];
        if (srx_transport_ngai_n(es, el, &v[0], &diag) != SRX_OK ||
            srx_transport_ngai_n_err(es, ues, el, uel, &v[1], &diag) != SRX_OK) {
            fprintf(stderr, "spinrelax transport: %s\n", diag.message);
            return CLI_EXIT_USAGE;
        }
        out(json, 2, keys, v);
        return CLI_EXIT_OK;
    }

    given = !isnan(rate) + !isnan(tau) + !isnan(d) + !isnan(sigma) + !isnan(ea);
    if (given != 1 || (!isnan(ea) && (isnan(tau0) || isnan(t)))) {
        fprintf(stderr, "spinrelax transport: give exactly one of --jump-rate-per-s, --tau-s, "
                        "--ea-ev (with --tau0-s and --temperature-k), --diffusion-m2-per-s, "
                        "--conductivity-s-per-m\n");
        return CLI_EXIT_USAGE;
    }
    have_nzt = !isnan(dens) && !isnan(z) && !isnan(t);
    status = SRX_OK;
    if (!isnan(ea)) {
        double tau_ea;
        status = srx_spectral_tau_s(t, ea, tau0, &tau_ea, &diag);
        rate = 1.0 / tau_ea;
    } else if (!isnan(tau)) {
        if (!(tau > 0.0) || !isfinite(tau)) {
            fprintf(stderr, "spinrelax transport: --tau-s must be positive\n");
            return CLI_EXIT_USAGE;
        }
        rate = 1.0 / tau;
    }
    if (status == SRX_OK && !isnan(sigma)) {
        if (!have_nzt) {
            fprintf(stderr, "spinrelax transport: --conductivity-s-per-m needs "
                            "--carrier-density-per-m3, --charge-number and --temperature-k\n");
            return CLI_EXIT_USAGE;
        }
        status = srx_transport_diffusion_from_conductivity(sigma, dens, z, t, haven, &d, &diag);
    }
    if (status == SRX_OK && !isnan(d) && isnan(rate) && !isnan(a))
        status = srx_transport_rate_from_diffusion(a, d, dim, &rate, &diag);
    if (status == SRX_OK && !isnan(rate) && isnan(d) && !isnan(a))
        status = srx_transport_diffusion_from_rate(a, rate, dim, &d, &diag);
    if (status == SRX_OK && !isnan(d) && isnan(sigma) && have_nzt)
        status = srx_transport_conductivity_from_diffusion(d, dens, z, t, haven, &sigma, &diag);
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax transport: %s\n", diag.message);
        return CLI_EXIT_USAGE;
    }
    {
        static const char *const keys[] = {"jump_rate_per_s", "tau_s", "diffusion_m2_per_s",
                                           "conductivity_s_per_m"};
        const double v[4] = {rate, isnan(rate) ? NAN : 1.0 / rate, d, sigma};
        out(json, 4, keys, v);
    }
    return CLI_EXIT_OK;
}
