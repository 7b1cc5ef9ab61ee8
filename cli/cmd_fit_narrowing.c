/* spinrelax fit-narrowing: line width versus temperature from /spectra/<name>. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spinrelax.h"

static const char help[] =
    "Usage: spinrelax fit-narrowing FILE.h5 [--model kubo|hendrickson-bray] [--json]\n"
    "                               [--source auto|spectra|linewidth]\n"
    "\n"
    "Measure the full width at half maximum of every /spectra/* (with an\n"
    "uncertainty from the noise in its wings) at its temperature_k, fit the width\n"
    "versus temperature, write /results/narrowing/<model> and print the result:\n"
    "one CSV line with a header, or with --json one JSON object with the keys\n"
    "ea_ev, ea_err_ev, rigid_fwhm_hz, narrowed_fwhm_hz, onset_k, waugh_fedin_ea_ev\n"
    "(and more: errors, tau0_s, m2_rad2_per_s2, residual_fwhm_hz, reduced_chi2,\n"
    "converged, and the measured widths).\n"
    "\n"
    "Models:\n"
    "  kubo (default)      widths of simulated Kubo-Anderson lines, tau = tau0\n"
    "                      exp(Ea / kB T), second moment M2, Gaussian residual D\n"
    "                      (free unless --residual-hz is given)\n"
    "  hendrickson-bray    dnu(T) = dnu_R [1 + (dnu_R / B - 1) exp(-Ea / kB T)]^-1 + D\n"
    "                      (D = 0 unless --residual-hz or --fit-residual is given)\n"
    "rigid_fwhm_hz and narrowed_fwhm_hz are the model's widths for T -> 0 and\n"
    "T -> infinity; onset_k is where the fitted curve has dropped by 10% of the way\n"
    "between them, and waugh_fedin_ea_ev = 1.617e-3 eV/K * onset_k.\n"
    "\n"
    "Options:\n"
    "  --model M            kubo or hendrickson-bray (also: hb)\n"
    "  --residual-hz D      fix the residual width at D Hz\n"
    "  --fit-residual       fit the residual width (the default for kubo)\n"
    "  --onset-fraction F   onset convention, in (0,1) (default 0.1)\n"
    "  --json               print JSON instead of CSV\n"
    "  --source S           spectra, linewidth or auto (default): auto fits /spectra/*\n"
    "                       when the file has spectra, else the /linewidth table\n"
    "                       (datasets temperature_k, fwhm_hz, optional fwhm_err_hz)\n"
    "  --timeout-s S        time limit for reading the file (default 60)\n"
    "Exit status: 0 ok, 1 bad usage or input, 2 fit did not converge, 3 I/O.\n";

static const char *model_label(srx_narrowing_model m)
{
    return m == SRX_NARROWING_MODEL_HB ? "hendrickson-bray" : "kubo";
}

int cli_fit_narrowing(int argc, char **argv)
{
    const char *pos[1], *model = "kubo", *source = "auto";
    int npos = 0, json = 0, fit_resid = 0, resid_seen = 0, status, exit_status = CLI_EXIT_OK;
    double timeout = 60.0, resid = NAN, onset_fraction = SRX_NARROWING_ONSET_FRACTION;
    const cli_opt opts[] = {{"model", CLI_STRING, &model, NULL},
                            {"json", CLI_FLAG, &json, NULL},
                            {"residual-hz", CLI_DOUBLE, &resid, &resid_seen},
                            {"fit-residual", CLI_FLAG, &fit_resid, NULL},
                            {"onset-fraction", CLI_DOUBLE, &onset_fraction, NULL},
                            {"timeout-s", CLI_DOUBLE, &timeout, NULL},
                            {"source", CLI_STRING, &source, NULL},
                            {NULL, 0, NULL, NULL}};
    srx_narrowing_fit_options fo;
    srx_narrowing_fit_result r;
    srx_narrowing_width *wd = NULL;
    srx_narrowing *nw = NULL;
    srx_h5_contents *c = NULL;
    srx_h5file *f = NULL;
    srx_narrowing_table tab;
    int use_table = 0;
    srx_diag diag;
    double *t = NULL, *w = NULL, *e = NULL;
    size_t i, n;
    int fst;

    status = cli_parse("fit-narrowing", argc, argv, opts, pos, 1, &npos);
    if (status < 0) {
        fputs(help, stdout);
        return CLI_EXIT_OK;
    }
    if (status)
        return status;
    if (npos != 1) {
        fprintf(stderr, "spinrelax fit-narrowing: expected one FILE.h5 (see --help)\n");
        return CLI_EXIT_USAGE;
    }
    srx_narrowing_fit_options_init(&fo);
    if (strcmp(model, "kubo") == 0)
        fo.model = SRX_NARROWING_MODEL_KUBO;
    else if (strcmp(model, "hendrickson-bray") == 0 || strcmp(model, "hb") == 0)
        fo.model = SRX_NARROWING_MODEL_HB;
    else {
        fprintf(stderr, "spinrelax fit-narrowing: --model: unknown model '%s' (kubo or "
                        "hendrickson-bray)\n", model);
        return CLI_EXIT_USAGE;
    }
    if (resid_seen && (!(resid >= 0.0) || !isfinite(resid))) {
        fprintf(stderr, "spinrelax fit-narrowing: --residual-hz must be finite and >= 0\n");
        return CLI_EXIT_USAGE;
    }
    if (!(onset_fraction > 0.0 && onset_fraction < 1.0)) {
        fprintf(stderr, "spinrelax fit-narrowing: --onset-fraction must lie in (0, 1)\n");
        return CLI_EXIT_USAGE;
    }
    if (!(timeout > 0.0) || !isfinite(timeout)) {
        fprintf(stderr, "spinrelax fit-narrowing: --timeout-s must be positive\n");
        return CLI_EXIT_USAGE;
    }
    if (strcmp(source, "auto") != 0 && strcmp(source, "spectra") != 0 &&
        strcmp(source, "linewidth") != 0) {
        fprintf(stderr, "spinrelax fit-narrowing: --source: '%s' is not spectra, linewidth or "
                        "auto\n", source);
        return CLI_EXIT_USAGE;
    }
    memset(&tab, 0, sizeof tab);
    fo.onset_fraction = onset_fraction;
    if (resid_seen) {
        fo.residual_fwhm_hz = resid;
        fo.fit_residual = fit_resid ? 1 : 0;
    } else if (fit_resid) {
        fo.fit_residual = 1;
    }

    status = srx_h5_load(pos[0], timeout, &c, &diag);
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax fit-narrowing: %s: %s\n", pos[0], diag.message);
        return cli_exit_for(status);
    }
    if (!c->has_format)
        fprintf(stderr, "spinrelax fit-narrowing: %s: warning: no spinrelax_format attribute; "
                        "reading it as format 1\n", pos[0]);
    use_table = strcmp(source, "linewidth") == 0 ||
                (strcmp(source, "auto") == 0 && c->n_spectra == 0);
    if (use_table) {
        status = srx_narrowing_read_linewidth(pos[0], timeout, &tab, &diag);
        if (status != SRX_OK) {
            if (status == SRX_ENOTFOUND && strcmp(source, "auto") == 0)
                fprintf(stderr, "spinrelax fit-narrowing: %s: no /spectra and no /linewidth to "
                                "fit\n", pos[0]);
            else
                fprintf(stderr, "spinrelax fit-narrowing: %s\n", diag.message);
            srx_h5_contents_free(c);
            return status == SRX_EIO ? CLI_EXIT_IO : CLI_EXIT_USAGE;
        }
        n = tab.n;
    } else {
        n = c->n_spectra;
    }
    if (n == 0) {
        fprintf(stderr, "spinrelax fit-narrowing: %s: no /spectra to fit\n", pos[0]);
        srx_h5_contents_free(c);
        return CLI_EXIT_USAGE;
    }
    t = malloc(n * sizeof *t);
    w = malloc(n * sizeof *w);
    e = malloc(n * sizeof *e);
    wd = malloc(n * sizeof *wd);
    if (!t || !w || !e || !wd) {
        fprintf(stderr, "spinrelax fit-narrowing: out of memory\n");
        exit_status = CLI_EXIT_USAGE;
        goto done;
    }
    for (i = 0; i < n && use_table; i++) {
        t[i] = tab.temperature_k[i];
        w[i] = tab.fwhm_hz[i];
        e[i] = tab.fwhm_err_hz ? tab.fwhm_err_hz[i] : NAN;
    }
    for (i = 0; i < n && !use_table; i++) {
        const srx_h5_spectrum *s = &c->spectra[i];
        if (c->spectra_status[i] != SRX_OK) {
            fprintf(stderr, "spinrelax fit-narrowing: %s\n", c->spectra_diag[i].message);
            exit_status = CLI_EXIT_USAGE;
            goto done;
        }
        status = srx_narrowing_measure_fwhm(s->n, s->frequency_hz, s->intensity, &wd[i], &diag);
        if (status != SRX_OK) {
            fprintf(stderr, "spinrelax fit-narrowing: %s: /spectra/%s: %s\n", pos[0], s->name,
                    diag.message);
            exit_status = CLI_EXIT_USAGE;
            goto done;
        }
        t[i] = s->temperature_k;
        w[i] = wd[i].fwhm_hz;
        e[i] = wd[i].fwhm_err_hz;
    }
    if (fo.model == SRX_NARROWING_MODEL_KUBO && srx_narrowing_alloc(0, &nw, &diag) != SRX_OK) {
        fprintf(stderr, "spinrelax fit-narrowing: %s\n", diag.message);
        exit_status = CLI_EXIT_USAGE;
        goto done;
    }
    fst = srx_narrowing_fit(nw, n, t, w, use_table && !tab.fwhm_err_hz ? NULL : e, &fo, &r, &diag);
    if (fst != SRX_OK && fst != SRX_ENOCONV && fst != SRX_ESINGULAR) {
        fprintf(stderr, "spinrelax fit-narrowing: %s: %s\n", pos[0], diag.message);
        exit_status = CLI_EXIT_USAGE;
        goto done;
    }
    if (fst != SRX_OK) {
        fprintf(stderr, "spinrelax fit-narrowing: %s: %s\n", pos[0],
                fst == SRX_ENOCONV ? "the fit did not converge"
                                   : "the parameters are not all determined by the data "
                                     "(singular covariance)");
        exit_status = CLI_EXIT_NOCONV;
    }

    {
        const srx_h5_number num[] = {
            {"ea_ev", r.ea_ev},
            {"ea_err_ev", r.ea_err_ev},
            {"tau0_s", r.tau0_s},
            {"tau0_err_s", r.tau0_err_s},
            {"m2_rad2_per_s2", r.m2_rad2_per_s2},
            {"m2_err_rad2_per_s2", r.m2_err_rad2_per_s2},
            {"rigid_fwhm_hz", r.rigid_fwhm_hz},
            {"rigid_fwhm_err_hz", r.rigid_fwhm_err_hz},
            {"narrowed_fwhm_hz", r.narrowed_fwhm_hz},
            {"narrowed_fwhm_err_hz", r.narrowed_fwhm_err_hz},
            {"residual_fwhm_hz", r.residual_fwhm_hz},
            {"residual_fwhm_err_hz", r.residual_fwhm_err_hz},
            {"hb_rigid_fwhm_hz", r.hb_rigid_fwhm_hz},
            {"hb_narrowed_fwhm_hz", r.hb_narrowed_fwhm_hz},
            {"onset_k", r.onset_k},
            {"onset_err_k", r.onset_err_k},
            {"waugh_fedin_ea_ev", r.waugh_fedin_ea_ev},
            {"data_onset_k", r.data_onset_k},
            {"onset_fraction", fo.onset_fraction},
            {"reduced_chi2", r.reduced_chi2},
            {"n_points", (double)r.n_points},
            {"converged", (double)r.converged}};
        const srx_h5_text txt[] = {{"source", use_table ? "linewidth" : "spectra"}};
        status = srx_h5_open(pos[0], SRX_H5_UPDATE, &f, &diag);
        if (status == SRX_OK)
            status = srx_h5_write_result(f, "narrowing", model_label(fo.model),
                                         model_label(fo.model), num, sizeof num / sizeof num[0],
                                         txt, 1, &diag);
        if (status == SRX_OK)
            status = srx_h5_commit(f, &diag);
        srx_h5_close(f);
        if (status != SRX_OK) {
            fprintf(stderr, "spinrelax fit-narrowing: %s: cannot write /results/narrowing/%s: %s\n",
                    pos[0], model_label(fo.model), diag.message);
            exit_status = cli_exit_for(status);
            goto done;
        }
    }

    if (json) {
        const struct {
            const char *k;
            double v;
        } kv[] = {{"ea_ev", r.ea_ev},
                  {"ea_err_ev", r.ea_err_ev},
                  {"rigid_fwhm_hz", r.rigid_fwhm_hz},
                  {"rigid_fwhm_err_hz", r.rigid_fwhm_err_hz},
                  {"narrowed_fwhm_hz", r.narrowed_fwhm_hz},
                  {"narrowed_fwhm_err_hz", r.narrowed_fwhm_err_hz},
                  {"onset_k", r.onset_k},
                  {"onset_err_k", r.onset_err_k},
                  {"waugh_fedin_ea_ev", r.waugh_fedin_ea_ev},
                  {"data_onset_k", r.data_onset_k},
                  {"tau0_s", r.tau0_s},
                  {"tau0_err_s", r.tau0_err_s},
                  {"m2_rad2_per_s2", r.m2_rad2_per_s2},
                  {"m2_err_rad2_per_s2", r.m2_err_rad2_per_s2},
                  {"residual_fwhm_hz", r.residual_fwhm_hz},
                  {"residual_fwhm_err_hz", r.residual_fwhm_err_hz},
                  {"hb_rigid_fwhm_hz", r.hb_rigid_fwhm_hz},
                  {"hb_rigid_fwhm_err_hz", r.hb_rigid_fwhm_err_hz},
                  {"hb_narrowed_fwhm_hz", r.hb_narrowed_fwhm_hz},
                  {"hb_narrowed_fwhm_err_hz", r.hb_narrowed_fwhm_err_hz},
                  {"reduced_chi2", r.reduced_chi2}};
        size_t k;
        printf("{\"file\": ");
        cli_json_string(stdout, pos[0]);
        printf(", \"model\": ");
        cli_json_string(stdout, model_label(fo.model));
        for (k = 0; k < sizeof kv / sizeof kv[0]; k++) {
            printf(", \"%s\": ", kv[k].k);
            cli_json_double(stdout, kv[k].v);
        }
        printf(", \"n_points\": %zu, \"converged\": %s, \"widths\": [", r.n_points,
               r.converged ? "true" : "false");
        for (i = 0; i < n; i++) {
            printf("%s{\"spectrum\": ", i ? ", " : "");
            if (use_table)
                printf("null");
            else
                cli_json_string(stdout, c->spectra[i].name);
            printf(", \"temperature_k\": ");
            cli_json_double(stdout, t[i]);
            printf(", \"fwhm_hz\": ");
            cli_json_double(stdout, w[i]);
            printf(", \"fwhm_err_hz\": ");
            cli_json_double(stdout, e[i]);
            printf("}");
        }
        printf("]}\n");
    } else {
        printf("model,ea_ev,ea_err_ev,rigid_fwhm_hz,narrowed_fwhm_hz,onset_k,waugh_fedin_ea_ev,"
               "tau0_s,residual_fwhm_hz,reduced_chi2,n_points,converged\n");
        printf("%s", model_label(fo.model));
        {
            const double v[] = {r.ea_ev,         r.ea_err_ev,         r.rigid_fwhm_hz,
                                r.narrowed_fwhm_hz, r.onset_k,        r.waugh_fedin_ea_ev,
                                r.tau0_s,        r.residual_fwhm_hz,  r.reduced_chi2};
            size_t k;
            for (k = 0; k < sizeof v / sizeof v[0]; k++) {
                putchar(',');
                if (isfinite(v[k]))
                    cli_print_double(stdout, v[k]);
            }
        }
        printf(",%zu,%d\n", r.n_points, r.converged);
    }

done:
    srx_narrowing_table_clear(&tab);
    srx_narrowing_free(nw);
    free(t);
    free(w);
    free(e);
    free(wd);
    srx_h5_contents_free(c);
    return exit_status;
}
