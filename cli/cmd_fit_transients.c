/* spinrelax fit-transients: fit every series of a file, write
 * /results/transients, print the table. */
#include <config.h>

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "spinrelax.h"

static const char help[] =
    "Usage: spinrelax fit-transients FILE.h5 [--model exp|stretched|biexp] [--offset]\n"
    "                                [--jobs N] [--json] [--timeout-s S]\n"
    "\n"
    "Fit every /series/* of FILE.h5 (saturation recovery, inversion recovery, spin\n"
    "lock, longitudinal decay), write /results/transients (replacing an earlier\n"
    "table, nothing else changed; the file is replaced atomically) and print\n"
    "  series,experiment,temperature_k,larmor_hz,spinlock_hz,rate_per_s,\n"
    "  rate_err_per_s,stretch,stretch_err,amplitude,reduced_chi2,status\n"
    "(one row per series, CSV; --json prints one JSON object instead).\n"
    "\n"
    "  --model M     stretched (default): M0 [..exp(-(t R)^g)], g in (0, 1];\n"
    "                exp: mono-exponential (g = 1); biexp: the spin-3/2 recovery\n"
    "                0.2 exp(-R t) + 0.8 exp(-R2 t) (rate_per_s is R)\n"
    "  --offset      also fit a constant offset\n"
    "  --jobs N      fit on N threads (results identical to --jobs 1)\n"
    "  --timeout-s S time limit for reading the file (default 60)\n"
    "\n"
    "Starting values are found automatically.  Without per-point sigma the\n"
    "uncertainties are scaled by the reduced chi-square.  A problem with one\n"
    "series (too few points, NaN, negative delay, no relaxation, ...) becomes\n"
    "that row's status (the library's error code; message on stderr) and the\n"
    "other series are still fitted.\n"
    "\n"
    "Exit status: 0 all series fitted; 1 bad usage, a file that cannot be read\n"
    "as spinrelax data, or some series with invalid data; 2 some fit did not\n"
    "converge (rows still written); 3 I/O failure.\n";

typedef struct job {
    const srx_h5_contents *c;
    const srx_transient_options *options;
    size_t max_points;
    srx_transient_result *result;
    srx_diag *diag;
    atomic_size_t next;
    atomic_size_t done;
    int alloc_status;
} job;

static void *worker(void *p)
{
    job *jb = p;
    srx_transient_fitter *fitter = NULL;
    srx_diag diag;
    if (srx_transient_fitter_alloc(&fitter, jb->max_points, &diag) != SRX_OK) {
        jb->alloc_status = SRX_ENOMEM;
        return NULL;
    }
    for (;;) {
        size_t i = atomic_fetch_add(&jb->next, 1);
        const srx_h5_series *s;
        srx_experiment exp;
        if (i >= jb->c->n_series)
            break;
        s = &jb->c->series[i];
        if (jb->c->series_status[i] != SRX_OK) {
            jb->result[i].status = jb->c->series_status[i];
            snprintf(jb->diag[i].message, sizeof jb->diag[i].message, "%s",
                     jb->c->series_diag[i].message);
        } else if (srx_transient_experiment_parse(s->experiment, &exp, &jb->diag[i]) != SRX_OK) {
            jb->result[i].status = SRX_EFORMAT;
        } else {
            srx_transient_fitter_run(fitter, s->delay_s, s->signal, s->sigma, s->n, exp,
                                     jb->options, &jb->result[i], &jb->diag[i]);
        }
        atomic_fetch_add(&jb->done, 1);
    }
    srx_transient_fitter_free(fitter);
    return NULL;
}

static void progress(size_t done, size_t total)
{
    int width = 40, filled = total ? (int)(width * done / total) : width;
    fprintf(stderr, "\rfitting %zu/%zu [%.*s%*s]", done, total, filled,
            "########################################", width - filled, "");
    fflush(stderr);
}

static void print_row_csv(const srx_h5_transient_row *r)
{
    cli_csv_field(stdout, r->series);
    putchar(',');
    cli_csv_field(stdout, r->experiment);
    const double v[] = {r->temperature_k, r->larmor_hz,  r->spinlock_hz, r->rate_per_s,
                        r->rate_err_per_s, r->stretch, r->stretch_err, r->amplitude,
                        r->reduced_chi2};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        putchar(',');
        cli_print_double(stdout, v[k]);
    }
    printf(",%d\n", r->status);
}

static void print_json(const char *path, const char *model, const srx_h5_transient_row *rows,
                       const srx_transient_result *res, size_t n)
{
    static const char *const keys[] = {"temperature_k", "larmor_hz", "spinlock_hz",
                                       "rate_per_s", "rate_err_per_s", "stretch",
                                       "stretch_err", "amplitude", "reduced_chi2"};
    printf("{\"file\": ");
    cli_json_string(stdout, path);
    printf(", \"model\": ");
    cli_json_string(stdout, model);
    printf(", \"series\": [");
    for (size_t i = 0; i < n; i++) {
        const srx_h5_transient_row *r = &rows[i];
        const double v[] = {r->temperature_k, r->larmor_hz,  r->spinlock_hz, r->rate_per_s,
                            r->rate_err_per_s, r->stretch, r->stretch_err, r->amplitude,
                            r->reduced_chi2};
        printf("%s\n  {\"series\": ", i ? "," : "");
        cli_json_string(stdout, r->series);
        printf(", \"experiment\": ");
        cli_json_string(stdout, r->experiment);
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            printf(", \"%s\": ", keys[k]);
            cli_json_double(stdout, v[k]);
        }
        printf(", \"converged\": %s, \"status\": %d}", res[i].converged ? "true" : "false",
               r->status);
    }
    printf("\n]}\n");
}

int cli_fit_transients(int argc, char **argv)
{
    const char *pos[1], *model = "stretched";
    int npos = 0, jobs = 1, json = 0, offset = 0, status, exit_status = CLI_EXIT_OK;
    double timeout = 60.0;
    const cli_opt opts[] = {{"model", CLI_STRING, &model, NULL},
                            {"jobs", CLI_INT, &jobs, NULL},
                            {"json", CLI_FLAG, &json, NULL},
                            {"offset", CLI_FLAG, &offset, NULL},
                            {"timeout-s", CLI_DOUBLE, &timeout, NULL},
                            {NULL, 0, NULL, NULL}};
    srx_transient_options options;
    srx_h5_contents *c = NULL;
    srx_h5file *f = NULL;
    srx_h5_transient_row *rows = NULL;
    srx_transient_result *res = NULL;
    srx_diag diag, *diags = NULL;
    pthread_t *threads = NULL;
    job jb;
    size_t i, n, max_points = 3;
    int t, show_progress;

    status = cli_parse("fit-transients", argc, argv, opts, pos, 1, &npos);
    if (status < 0) {
        fputs(help, stdout);
        return CLI_EXIT_OK;
    }
    if (status)
        return status;
    if (npos != 1) {
        fprintf(stderr, "spinrelax fit-transients: expected one FILE.h5 (see --help)\n");
        return CLI_EXIT_USAGE;
    }
    srx_transient_options_init(&options);
    options.offset = offset;
    if (strcmp(model, "stretched") == 0)
        options.shape = SRX_TRANSIENT_STRETCHED;
    else if (strcmp(model, "exp") == 0)
        options.shape = SRX_TRANSIENT_EXPONENTIAL;
    else if (strcmp(model, "biexp") == 0)
        options.shape = SRX_TRANSIENT_BIEXP_SPIN32;
    else {
        fprintf(stderr, "spinrelax fit-transients: --model: unknown model '%s' (exp, stretched "
                        "or biexp)\n", model);
        return CLI_EXIT_USAGE;
    }
    if (jobs < 1 || jobs > 256) {
        fprintf(stderr, "spinrelax fit-transients: --jobs %d outside 1..256\n", jobs);
        return CLI_EXIT_USAGE;
    }
    if (!(timeout > 0.0) || !isfinite(timeout)) {
        fprintf(stderr, "spinrelax fit-transients: --timeout-s must be positive\n");
        return CLI_EXIT_USAGE;
    }

    /* read and validate everything in a child process (damaged files) */
    status = srx_h5_load(pos[0], timeout, &c, &diag);
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax fit-transients: %s: %s\n", pos[0], diag.message);
        return cli_exit_for(status);
    }
    if (!c->has_format)
        fprintf(stderr, "spinrelax fit-transients: %s: warning: no spinrelax_format attribute; "
                        "reading it as format 1\n", pos[0]);
    n = c->n_series;
    if (n == 0) {
        fprintf(stderr, "spinrelax fit-transients: %s: no /series to fit\n", pos[0]);
        srx_h5_contents_free(c);
        return CLI_EXIT_USAGE;
    }
    for (i = 0; i < n; i++)
        if (c->series[i].n > max_points)
            max_points = c->series[i].n;

    rows = calloc(n, sizeof *rows);
    res = calloc(n, sizeof *res);
    diags = calloc(n, sizeof *diags);
    threads = calloc((size_t)jobs, sizeof *threads);
    if (!rows || !res || !diags || !threads) {
        fprintf(stderr, "spinrelax fit-transients: out of memory\n");
        exit_status = CLI_EXIT_USAGE;
        goto done;
    }

    jb.c = c;
    jb.options = &options;
    jb.max_points = max_points;
    jb.result = res;
    jb.diag = diags;
    atomic_init(&jb.next, 0);
    atomic_init(&jb.done, 0);
    jb.alloc_status = SRX_OK;
    for (t = 0; t < jobs; t++) {
        if (pthread_create(&threads[t], NULL, worker, &jb) != 0) {
            fprintf(stderr, "spinrelax fit-transients: cannot start thread %d\n", t + 1);
            jobs = t;
            break;
        }
    }
    show_progress = isatty(STDERR_FILENO) && n > 300;
    if (jobs == 0) {
        worker(&jb); /* no thread could be started: fit here */
    } else {
        while (show_progress && atomic_load(&jb.done) < n) {
            struct timespec ts = {0, 100000000L};
            progress(atomic_load(&jb.done), n);
            nanosleep(&ts, NULL);
        }
        for (t = 0; t < jobs; t++)
            pthread_join(threads[t], NULL);
    }
    if (show_progress) {
        progress(n, n);
        fputc('\n', stderr);
    }
    if (jb.alloc_status != SRX_OK || atomic_load(&jb.done) < n) {
        fprintf(stderr, "spinrelax fit-transients: out of memory\n");
        exit_status = CLI_EXIT_USAGE;
        goto done;
    }

    for (i = 0; i < n; i++) {
        const srx_h5_series *s = &c->series[i];
        srx_h5_transient_row *r = &rows[i];
        r->series = s->name;
        r->experiment = s->experiment;
        r->temperature_k = s->temperature_k;
        r->larmor_hz = s->larmor_hz;
        r->spinlock_hz = strcmp(s->experiment, "spin_lock") == 0 ? s->spinlock_hz : 0.0;
        r->status = res[i].status;
        if (c->series_status[i] != SRX_OK || r->status == SRX_EFORMAT ||
            (r->status != SRX_OK && r->status != SRX_ENOCONV && r->status != SRX_ESINGULAR &&
             r->status != SRX_ENORELAX)) {
            r->rate_per_s = r->rate_err_per_s = r->stretch = r->stretch_err = NAN;
            r->amplitude = r->reduced_chi2 = NAN;
            fprintf(stderr, "spinrelax fit-transients: %s: /series/%s: %s\n", pos[0], s->name,
                    diags[i].message[0] ? diags[i].message : srx_strerror(r->status));
            exit_status = CLI_EXIT_USAGE;
            continue;
        }
        r->rate_per_s = res[i].rate_per_s;
        r->rate_err_per_s = res[i].rate_err_per_s;
        r->stretch = res[i].stretch;
        r->stretch_err = res[i].stretch_err;
        r->amplitude = res[i].amplitude;
        r->reduced_chi2 = res[i].reduced_chi2;
        if (r->status != SRX_OK) {
            fprintf(stderr, "spinrelax fit-transients: %s: /series/%s: %s\n", pos[0], s->name,
                    diags[i].message[0] ? diags[i].message : srx_strerror(r->status));
            if (exit_status == CLI_EXIT_OK)
                exit_status = CLI_EXIT_NOCONV;
        }
    }

    /* write the table: a session on a copy, renamed over the original */
    status = srx_h5_open(pos[0], SRX_H5_UPDATE, &f, &diag);
    if (status == SRX_OK)
        status = srx_h5_write_transients(f, rows, n, &diag);
    if (status == SRX_OK)
        status = srx_h5_commit(f, &diag);
    srx_h5_close(f);
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax fit-transients: %s: cannot write /results/transients: %s\n",
                pos[0], diag.message);
        exit_status = cli_exit_for(status);
        goto done;
    }

    if (json) {
        print_json(pos[0], model, rows, res, n);
    } else {
        printf("series,experiment,temperature_k,larmor_hz,spinlock_hz,rate_per_s,rate_err_per_s,"
               "stretch,stretch_err,amplitude,reduced_chi2,status\n");
        for (i = 0; i < n; i++)
            print_row_csv(&rows[i]);
    }

done:
    free(threads);
    free(diags);
    free(res);
    free(rows);
    srx_h5_contents_free(c);
    return exit_status;
}
