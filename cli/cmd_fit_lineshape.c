/* spinrelax fit-lineshape: fit a quadrupolar powder line shape to one
 * /spectra/NAME, write /results/lineshape/NAME, print the result. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spinrelax.h"

static const char help[] =
    "Usage: spinrelax fit-lineshape FILE.h5 --spectrum NAME [--spin S] [--mas] [--json]\n"
    "                               [--infinite-speed] [--transitions central|all]\n"
    "                               [--broadening gaussian|lorentzian|voigt] [--baseline]\n"
    "                               [--czjzek] [--accuracy E] [--timeout-s S]\n"
    "\n"
    "Fit the quadrupole coupling Cq, asymmetry eta, isotropic shift, broadening and\n"
    "amplitude of one site to /spectra/NAME of FILE.h5, write the result to\n"
    "/results/lineshape/NAME (replacing an earlier one, nothing else changed; the\n"
    "file is replaced atomically) and print one CSV row with the header\n"
    "  spectrum,model,cq_hz,cq_err_hz,eta,eta_err,shift_hz,shift_err_hz,gb_hz,\n"
    "  gb_err_hz,lb_hz,lb_err_hz,sigma_hz,sigma_err_hz,amplitude,amplitude_err,\n"
    "  baseline,baseline_err,reduced_chi2,n_points,converged\n"
    "(--json: one JSON object with these keys).  The Larmor frequency and the\n"
    "spinning rate come from the spectrum's attributes larmor_hz and mas_hz; the\n"
    "frequency axis may be ascending or descending and need not be uniform.\n"
    "\n"
    "  --spectrum NAME   the spectrum to fit (a member of /spectra)\n"
    "  --spin S          nuclear spin (default: from the spectrum's nucleus)\n"
    "  --mas             magic-angle spinning: at the spectrum's mas_hz when it is\n"
    "                    given (> 0; spinning sidebands), else infinitely fast\n"
    "                    (without --mas: a static powder)\n"
    "  --infinite-speed  with --mas: ignore mas_hz, infinitely fast spinning\n"
    "  --transitions T   central (default for half-integer spins) or all\n"
    "  --broadening B    gaussian (default), lorentzian or voigt (both FWHM fitted)\n"
    "  --baseline        also fit a constant baseline\n"
    "  --czjzek          a Czjzek distribution of width sigma_hz instead of one\n"
    "                    (Cq, eta): cq_hz and eta are then null\n"
    "  --accuracy E      powder accuracy of the final model (default 1e-3)\n"
    "  --timeout-s S     time limit for reading the file (default 60)\n"
    "\n"
    "Starting values are found automatically (pattern width, median, a small grid\n"
    "of eta values).  Without per-point sigma the uncertainties are scaled by the\n"
    "reduced chi-square.\n"
    "\n"
    "Exit status: 0 fitted; 1 bad usage or bad input (unknown spectrum, NaN,\n"
    "non-monotonic axis, too few points, unknown spin, ...); 2 the fit did not\n"
    "converge (result still printed and written, converged false); 3 I/O failure.\n";

static void print_json(const char *name, const char *model, const char *const *keys,
                       const double *v, size_t nv)
{
    size_t k;
    printf("{\"spectrum\": ");
    cli_json_string(stdout, name);
    printf(", \"model\": ");
    cli_json_string(stdout, model);
    for (k = 0; k < nv; k++) {
        printf(", \"%s\": ", keys[k]);
        if (strcmp(keys[k], "n_points") == 0)
            printf("%.0f", v[k]);
        else if (strcmp(keys[k], "converged") == 0)
            printf("%s", v[k] != 0.0 ? "true" : "false");
        else
            cli_json_double(stdout, v[k]);
    }
    printf("}\n");
}

int cli_fit_lineshape(int argc, char **argv)
{
    const char *pos[1] = {NULL}, *name = NULL, *transitions = NULL, *broadening = NULL;
    double spin = 0.0, accuracy = 1e-3, timeout = 60.0;
    int npos = 0, mas = 0, json = 0, infinite = 0, baseline = 0, czjzek = 0, have_spin = 0;
    int status, exit_status = CLI_EXIT_OK;
    cli_opt opts[] = {{"spectrum", CLI_STRING, &name, NULL},
                      {"spin", CLI_DOUBLE, &spin, &have_spin},
                      {"mas", CLI_FLAG, &mas, NULL},
                      {"infinite-speed", CLI_FLAG, &infinite, NULL},
                      {"transitions", CLI_STRING, &transitions, NULL},
                      {"broadening", CLI_STRING, &broadening, NULL},
                      {"baseline", CLI_FLAG, &baseline, NULL},
                      {"czjzek", CLI_FLAG, &czjzek, NULL},
                      {"accuracy", CLI_DOUBLE, &accuracy, NULL},
                      {"timeout-s", CLI_DOUBLE, &timeout, NULL},
                      {"json", CLI_FLAG, &json, NULL},
                      {NULL, CLI_FLAG, NULL, NULL}};
    srx_h5_contents *c = NULL;
    const srx_h5_spectrum *s = NULL;
    srx_lineshape_fit_options o;
    srx_lineshape_fit_result r;
    srx_h5file *f = NULL;
    srx_diag diag;
    size_t i;
    char model[64];

    status = cli_parse("fit-lineshape", argc, argv, opts, pos, 1, &npos);
    if (status == -1) {
        fputs(help, stdout);
        return CLI_EXIT_OK;
    }
    if (status != 0)
        return status;
    if (npos != 1 || !name) {
        fprintf(stderr, "spinrelax fit-lineshape: need FILE.h5 and --spectrum NAME (see --help)\n");
        return CLI_EXIT_USAGE;
    }
    if (infinite && !mas) {
        fprintf(stderr, "spinrelax fit-lineshape: --infinite-speed needs --mas\n");
        return CLI_EXIT_USAGE;
    }
    if (!(timeout > 0.0) || !isfinite(timeout)) {
        fprintf(stderr, "spinrelax fit-lineshape: --timeout-s must be positive\n");
        return CLI_EXIT_USAGE;
    }
    srx_lineshape_fit_options_init(&o);
    if (!broadening || strcmp(broadening, "gaussian") == 0)
        o.broadening = SRX_LSFIT_GAUSSIAN;
    else if (strcmp(broadening, "lorentzian") == 0)
        o.broadening = SRX_LSFIT_LORENTZIAN;
    else if (strcmp(broadening, "voigt") == 0)
        o.broadening = SRX_LSFIT_GAUSSIAN | SRX_LSFIT_LORENTZIAN;
    else {
        fprintf(stderr,
                "spinrelax fit-lineshape: --broadening must be gaussian, lorentzian or voigt "
                "(got '%s')\n", broadening);
        return CLI_EXIT_USAGE;
    }
    if (transitions && strcmp(transitions, "central") != 0 && strcmp(transitions, "all") != 0) {
        fprintf(stderr, "spinrelax fit-lineshape: --transitions must be central or all (got '%s')\n",
                transitions);
        return CLI_EXIT_USAGE;
    }

    /* read and validate the whole file in a child process (damaged files) */
    status = srx_h5_load(pos[0], timeout, &c, &diag);
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax fit-lineshape: %s: %s\n", pos[0], diag.message);
        return cli_exit_for(status);
    }
    if (!c->has_format)
        fprintf(stderr, "spinrelax fit-lineshape: %s: warning: no spinrelax_format attribute; "
                        "reading it as format 1\n", pos[0]);
    for (i = 0; i < c->n_spectra; i++)
        if (strcmp(c->spectra[i].name, name) == 0)
            break;
    if (i == c->n_spectra) {
        fprintf(stderr, "spinrelax fit-lineshape: %s: /spectra/%s: no such spectrum\n", pos[0],
                name);
        srx_h5_contents_free(c);
        return CLI_EXIT_USAGE;
    }
    s = &c->spectra[i];
    if (c->spectra_status[i] != SRX_OK) {
        /* the check's message already names /spectra/NAME */
        int code = c->spectra_status[i] == SRX_EIO ? CLI_EXIT_IO : CLI_EXIT_USAGE;
        const char *msg = c->spectra_diag[i].message[0] ? c->spectra_diag[i].message
                                                        : srx_strerror(c->spectra_status[i]);
        if (strncmp(msg, pos[0], strlen(pos[0])) == 0) /* already names the file */
            fprintf(stderr, "spinrelax fit-lineshape: %s\n", msg);
        else
            fprintf(stderr, "spinrelax fit-lineshape: %s: /spectra/%s: %s\n", pos[0], name, msg);
        srx_h5_contents_free(c);
        return code;
    }
    if (!have_spin) {
        srx_nucleus nuc;
        if (srx_nucleus_lookup(s->nucleus, &nuc, &diag) != SRX_OK) {
            fprintf(stderr,
                    "spinrelax fit-lineshape: %s: /spectra/%s: unknown nucleus '%s': give --spin\n",
                    pos[0], name, s->nucleus);
            srx_h5_contents_free(c);
            return CLI_EXIT_USAGE;
        }
        spin = nuc.spin;
    }
    o.spin = spin;
    o.larmor_hz = s->larmor_hz;
    o.rotor_angle_rad = mas ? SRX_MAGIC_ANGLE_RAD : 0.0;
    o.spinning_hz = mas && !infinite && s->mas_hz > 0.0 ? s->mas_hz : 0.0;
    if (!mas && s->mas_hz > 0.0)
        fprintf(stderr, "spinrelax fit-lineshape: %s: /spectra/%s: warning: mas_hz = %g but no "
                        "--mas; fitting a static powder\n", pos[0], name, s->mas_hz);
    if (transitions)
        o.transitions = strcmp(transitions, "all") == 0 ? SRX_LINESHAPE_ALL : SRX_LINESHAPE_CENTRAL;
    else
        o.transitions = fmod(2.0 * spin, 2.0) == 1.0 ? SRX_LINESHAPE_CENTRAL : SRX_LINESHAPE_ALL;
    o.site_model = czjzek ? SRX_LSFIT_CZJZEK : SRX_LSFIT_SITE;
    o.fit_baseline = baseline;
    o.accuracy = accuracy;
    if (o.iter_accuracy < accuracy)
        o.iter_accuracy = accuracy;
    snprintf(model, sizeof model, "%s_%s%s", czjzek ? "czjzek" : "quadrupolar",
             !mas ? "static" : (o.spinning_hz > 0.0 ? "mas_finite" : "mas"),
             o.transitions == SRX_LINESHAPE_ALL ? "_all" : "");

    status = srx_lineshape_fit_spectrum(&o, s->frequency_hz, s->intensity, NULL, s->n, &r, &diag);
    if (status != SRX_OK && status != SRX_ENOCONV && status != SRX_ESINGULAR) {
        fprintf(stderr, "spinrelax fit-lineshape: %s: /spectra/%s: %s\n", pos[0], name,
                diag.message[0] ? diag.message : srx_strerror(status));
        srx_h5_contents_free(c);
        return CLI_EXIT_USAGE;
    }
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax fit-lineshape: %s: /spectra/%s: %s\n", pos[0], name,
                status == SRX_ESINGULAR ? "parameters not determined by the data (singular)"
                                        : (diag.message[0] ? diag.message
                                                           : srx_strerror(status)));
        exit_status = CLI_EXIT_NOCONV;
        r.converged = 0;
    }

    {
        static const char *const keys[] = {
            "cq_hz", "cq_err_hz", "eta", "eta_err", "shift_hz", "shift_err_hz", "gb_hz",
            "gb_err_hz", "lb_hz", "lb_err_hz", "sigma_hz", "sigma_err_hz", "amplitude",
            "amplitude_err", "baseline", "baseline_err", "reduced_chi2", "n_points", "converged",
            "spin", "larmor_hz", "mas_hz"};
        double v[22];
        srx_h5_number nums[22];
        srx_h5_text texts[1];
        size_t k, nk = sizeof keys / sizeof keys[0];
        v[0] = r.cq_hz;
        v[1] = r.cq_err_hz;
        v[2] = r.eta;
        v[3] = r.eta_err;
        v[4] = r.shift_hz;
        v[5] = r.shift_err_hz;
        v[6] = r.gb_hz;
        v[7] = r.gb_err_hz;
        v[8] = r.lb_hz;
        v[9] = r.lb_err_hz;
        v[10] = r.sigma_hz;
        v[11] = r.sigma_err_hz;
        v[12] = r.amplitude;
        v[13] = r.amplitude_err;
        v[14] = r.baseline;
        v[15] = r.baseline_err;
        v[16] = r.reduced_chi2;
        v[17] = (double)r.n_points;
        v[18] = r.converged ? 1.0 : 0.0;
        v[19] = spin;
        v[20] = o.larmor_hz;
        v[21] = o.spinning_hz;
        for (k = 0; k < nk; k++) {
            nums[k].name = keys[k];
            nums[k].value = v[k];
        }
        texts[0].name = "spectrum";
        texts[0].value = name;
        /* write the result: a session on a copy, renamed over the original */
        status = srx_h5_open(pos[0], SRX_H5_UPDATE, &f, &diag);
        if (status == SRX_OK)
            status = srx_h5_write_result(f, "lineshape", name, model, nums, nk, texts, 1, &diag);
        if (status == SRX_OK)
            status = srx_h5_commit(f, &diag);
        srx_h5_close(f);
        if (status != SRX_OK) {
            fprintf(stderr, "spinrelax fit-lineshape: %s: cannot write /results/lineshape/%s: %s\n",
                    pos[0], name, diag.message);
            srx_h5_contents_free(c);
            return cli_exit_for(status);
        }
        if (json) {
            print_json(name, model, keys, v, 19);
        } else {
            printf("spectrum,model");
            for (k = 0; k < 19; k++)
                printf(",%s", keys[k]);
            putchar('\n');
            cli_csv_field(stdout, name);
            printf(",%s", model);
            for (k = 0; k < 19; k++) {
                putchar(',');
                if (k == 18)
                    printf("%s", v[k] != 0.0 ? "true" : "false");
                else if (k == 17)
                    printf("%.0f", v[k]);
                else if (!isnan(v[k]))
                    cli_print_double(stdout, v[k]);
            }
            putchar('\n');
        }
    }
    srx_h5_contents_free(c);
    return exit_status;
}
