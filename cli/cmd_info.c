/* spinrelax info: list the contents of a file. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "spinrelax.h"

static const char help[] =
    "Usage: spinrelax info FILE.h5 [--timeout-s S]\n"
    "\n"
    "List the series, spectra, conductivity sets and results of FILE.h5 as CSV with\n"
    "the columns\n"
    "  kind,name,experiment,nucleus,temperature_k,n_points,sigma,status,detail\n"
    "kind is series, spectrum, conductivity or result; sigma says whether per-point\n"
    "uncertainties are stored (yes/no); status is ok or the problem found in that\n"
    "object (detail gives the message); for results, n_points is the number of rows\n"
    "of /results/transients and detail names the model.\n"
    "\n"
    "The file is read in a separate process: a damaged file that crashes or hangs\n"
    "the HDF5 library gives a one-line error (after --timeout-s seconds, default 60).\n"
    "\n"
    "Exit status: 0 listed (even when single objects have problems), 1 not a\n"
    "readable file in the spinrelax format (damaged, not HDF5), 3 I/O failure.\n";

static void field(const char *s)
{
    cli_csv_field(stdout, s);
}

static void status_fields(int status, const srx_diag *d)
{
    field(status == SRX_OK ? "ok" : srx_strerror(status));
    putchar(',');
    field(status == SRX_OK ? "" : d->message);
    putchar('\n');
}

int cli_info(int argc, char **argv)
{
    const char *pos[1];
    double timeout = 60.0;
    int npos = 0, status;
    const cli_opt opts[] = {{"timeout-s", CLI_DOUBLE, &timeout, NULL}, {NULL, 0, NULL, NULL}};
    srx_h5_contents *c = NULL;
    srx_diag diag;
    size_t i;

    status = cli_parse("info", argc, argv, opts, pos, 1, &npos);
    if (status < 0) {
        fputs(help, stdout);
        return CLI_EXIT_OK;
    }
    if (status)
        return status;
    if (npos != 1) {
        fprintf(stderr, "spinrelax info: need FILE.h5 (see spinrelax info --help)\n");
        return CLI_EXIT_USAGE;
    }
    if (!(timeout > 0.0) || timeout > 1e6) {
        fprintf(stderr, "spinrelax info: --timeout-s must be in (0, 1e6]\n");
        return CLI_EXIT_USAGE;
    }
    status = srx_h5_load(pos[0], timeout, &c, &diag);
    if (status) {
        fprintf(stderr, "spinrelax info: %s\n", diag.message);
        return status == SRX_EIO || status == SRX_ENOMEM ? CLI_EXIT_IO : CLI_EXIT_USAGE;
    }
    if (!c->has_format)
        fprintf(stderr, "spinrelax info: warning: %s has no spinrelax_format attribute; "
                        "read as format 1\n", pos[0]);
    printf("kind,name,experiment,nucleus,temperature_k,n_points,sigma,status,detail\n");
    for (i = 0; i < c->n_series; i++) {
        const srx_h5_series *s = &c->series[i];
        fputs("series,", stdout);
        field(s->name);
        putchar(',');
        field(s->experiment);
        putchar(',');
        field(s->nucleus);
        putchar(',');
        if (c->series_status[i] == SRX_OK || s->n)
            cli_print_double(stdout, s->temperature_k);
        printf(",%zu,%s,", s->n, s->n ? (s->sigma ? "yes" : "no") : "");
        status_fields(c->series_status[i], &c->series_diag[i]);
    }
    for (i = 0; i < c->n_spectra; i++) {
        const srx_h5_spectrum *s = &c->spectra[i];
        fputs("spectrum,", stdout);
        field(s->name);
        fputs(",,", stdout);
        field(s->nucleus);
        putchar(',');
        if (c->spectra_status[i] == SRX_OK || s->n)
            cli_print_double(stdout, s->temperature_k);
        printf(",%zu,,", s->n);
        status_fields(c->spectra_status[i], &c->spectra_diag[i]);
    }
    for (i = 0; i < c->n_conductivity; i++) {
        const srx_h5_conductivity *s = &c->conductivity[i];
        fputs("conductivity,", stdout);
        field(s->name);
        printf(",,,,%zu,%s,", s->n, s->n ? (s->sigma_err_s_per_m ? "yes" : "no") : "");
        status_fields(c->conductivity_status[i], &c->conductivity_diag[i]);
    }
    for (i = 0; i < c->n_results; i++) {
        const srx_h5_result_entry *r = &c->results[i];
        const char *name = strncmp(r->path, "/results/", 9) == 0 ? r->path + 9 : r->path;
        char detail[2 * SRX_H5_LABEL_LEN + 32] = "";
        fputs("result,", stdout);
        field(name);
        printf(",,,,%zu,,ok,", r->n_rows);
        if (r->model[0] || r->created_by[0])
            snprintf(detail, sizeof detail, "model=%s; created_by=%s", r->model, r->created_by);
        field(detail);
        putchar('\n');
    }
    srx_h5_contents_free(c);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "spinrelax info: cannot write the listing\n");
        return CLI_EXIT_IO;
    }
    return CLI_EXIT_OK;
}
