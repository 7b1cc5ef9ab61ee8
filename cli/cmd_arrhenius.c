/* spinrelax fit-flank, fit-peak, fit-arrhenius: activation energies from the
 * rates of /results/transients and from /conductivity sets. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spinrelax.h"

/* ------------------------------------------------------------ shared */

/* Rates of /results/transients, selected, as plain arrays. */
typedef struct rate_table {
    size_t n;
    srx_rate_kind *kind;
    double *temperature_k, *larmor_hz, *spinlock_hz, *rate_per_s, *rate_err_per_s;
    int weighted;
} rate_table;

static void rate_table_free(rate_table *t)
{
    free(t->kind);
    free(t->temperature_k);
    free(t->larmor_hz);
    free(t->spinlock_hz);
    free(t->rate_per_s);
    free(t->rate_err_per_s);
    memset(t, 0, sizeof *t);
}

/* Read /results/transients of `path` and keep the rows that pass `keep`
 * (experiment filter; NULL keeps all).  The file is first validated in a
 * child process (damaged files).  Rows with a non-zero status, or without a
 * positive finite rate, are skipped (counted in *skipped).  Returns an exit
 * status; 0 on success. */
static int read_rates(const char *verb, const char *path, const char *experiment,
                      double larmor_hz, rate_table *t, size_t *skipped)
{
    srx_h5_contents *c = NULL;
    srx_h5file *f = NULL;
    srx_h5_transients tr;
    srx_diag diag;
    size_t i;
    int status, all_err = 1;

    memset(t, 0, sizeof *t);
    *skipped = 0;
    status = srx_h5_load(path, 60.0, &c, &diag);
    srx_h5_contents_free(c);
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax %s: %s: %s\n", verb, path, diag.message);
        return cli_exit_for(status);
    }
    memset(&tr, 0, sizeof tr);
    status = srx_h5_open(path, SRX_H5_READ, &f, &diag);
    if (status == SRX_OK)
        status = srx_h5_read_transients(f, &tr, &diag);
    srx_h5_close(f);
    if (status == SRX_ENOTFOUND) {
        fprintf(stderr, "spinrelax %s: %s: no /results/transients: run spinrelax fit-transients "
                        "first\n", verb, path);
        return CLI_EXIT_USAGE;
    }
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax %s: %s: %s\n", verb, path, diag.message);
        return cli_exit_for(status);
    }
    t->kind = calloc(tr.n + 1, sizeof *t->kind);
    t->temperature_k = calloc(tr.n + 1, sizeof(double));
    t->larmor_hz = calloc(tr.n + 1, sizeof(double));
    t->spinlock_hz = calloc(tr.n + 1, sizeof(double));
    t->rate_per_s = calloc(tr.n + 1, sizeof(double));
    t->rate_err_per_s = calloc(tr.n + 1, sizeof(double));
    if (!t->kind || !t->temperature_k || !t->larmor_hz || !t->spinlock_hz || !t->rate_per_s ||
        !t->rate_err_per_s) {
        srx_h5_transients_clear(&tr);
        rate_table_free(t);
        fprintf(stderr, "spinrelax %s: out of memory\n", verb);
        return CLI_EXIT_USAGE;
    }
    for (i = 0; i < tr.n; i++) {
        const srx_h5_transient_row *r = &tr.row[i];
        if (experiment && strcmp(r->experiment, experiment) != 0)
            continue;
        if (!isnan(larmor_hz) && fabs(r->larmor_hz / larmor_hz - 1.0) > 1e-6)
            continue;
        if (r->status != 0 || !(r->rate_per_s > 0.0) || !isfinite(r->rate_per_s) ||
            !(r->temperature_k > 0.0)) {
            ++*skipped;
            continue;
        }
        t->kind[t->n] = strcmp(r->experiment, "spin_lock") == 0 ? SRX_RATE_R1RHO : SRX_RATE_R1;
        t->temperature_k[t->n] = r->temperature_k;
        t->larmor_hz[t->n] = r->larmor_hz;
        t->spinlock_hz[t->n] = r->spinlock_hz;
        t->rate_per_s[t->n] = r->rate_per_s;
        t->rate_err_per_s[t->n] = r->rate_err_per_s;
        if (!(r->rate_err_per_s > 0.0) || !isfinite(r->rate_err_per_s))
            all_err = 0;
        t->n++;
    }
    srx_h5_transients_clear(&tr);
    t->weighted = all_err && t->n > 0;
    if (*skipped)
        fprintf(stderr, "spinrelax %s: %s: %zu rows with a failed transient fit skipped\n", verb,
                path, *skipped);
    return CLI_EXIT_OK;
}

/* Write one result group in a safe session; returns an exit status. */
static int write_result(const char *verb, const char *path, const char *kind, const char *label,
                        const char *model, const srx_h5_number *num, size_t n_num)
{
    srx_h5file *f = NULL;
    srx_diag diag;
    int status = srx_h5_open(path, SRX_H5_UPDATE, &f, &diag);
    if (status == SRX_OK)
        status = srx_h5_write_result(f, kind, label, model, num, n_num, NULL, 0, &diag);
    if (status == SRX_OK)
        status = srx_h5_commit(f, &diag);
    srx_h5_close(f);
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax %s: %s: cannot write /results/%s/%s: %s\n", verb, path, kind,
                label, diag.message);
        return cli_exit_for(status);
    }
    return CLI_EXIT_OK;
}

/* Print name/value pairs as one JSON object or as a two-line CSV. */
static void print_numbers(int json, const char *model, const srx_h5_number *num, size_t n,
                          const char *extra_json)
{
    size_t i;
    if (json) {
        printf("{");
        if (model) {
            printf("\"model\": ");
            cli_json_string(stdout, model);
            printf(", ");
        }
        for (i = 0; i < n; i++) {
            printf("%s\"%s\": ", i ? ", " : "", num[i].name);
            cli_json_double(stdout, num[i].value);
        }
        if (extra_json)
            fputs(extra_json, stdout);
        printf("}\n");
    } else {
        if (model)
            printf("model,");
        for (i = 0; i < n; i++)
            printf("%s%s", i ? "," : "", num[i].name);
        printf("\n");
        if (model)
            printf("%s,", model);
        for (i = 0; i < n; i++) {
            if (i)
                putchar(',');
            cli_print_double(stdout, num[i].value);
        }
        printf("\n");
    }
}

/* ------------------------------------------------------------ fit-flank */

static const char help_flank[] =
    "Usage: spinrelax fit-flank FILE.h5 --experiment EXP [--tmin-k A --tmax-k B]\n"
    "                           [--side low|high] [--larmor-hz F] [--json]\n"
    "\n"
    "Straight line through ln(rate) versus 1/T of that experiment's rates in\n"
    "/results/transients (weighted by their uncertainties): Ea and the prefactor A\n"
    "of R = A exp(-Ea/kB T) on the low-temperature flank (R = A exp(+Ea/kB T) on\n"
    "the high-temperature flank with --side high; Ea is reported positive).\n"
    "Without --tmin-k/--tmax-k the straight flank between the background and the\n"
    "top of the peak is found automatically (the window of straight points whose\n"
    "Ea has the largest lower confidence bound) and the range used is reported.\n"
    "Writes /results/flank/EXP (EXP_high for --side high).\n"
    "\n"
    "  --experiment EXP   saturation_recovery | inversion_recovery | spin_lock |\n"
    "                     longitudinal_decay\n"
    "  --larmor-hz F      use only the rates measured at this Larmor frequency\n"
    "                     (needed when the experiment was run at several)\n"
    "\n"
    "Output: ea_ev,ea_err_ev,prefactor_per_s,prefactor_err_per_s,tmin_k,tmax_k,\n"
    "n_points,reduced_chi2 (+ correlation, side), CSV or one JSON object.\n"
    "Exit status: 0 fitted, 1 bad usage or data, 3 I/O failure.\n";

int cli_fit_flank(int argc, char **argv)
{
    const char *pos[1], *experiment = NULL, *side_name = "low";
    double tmin = NAN, tmax = NAN, larmor = NAN;
    int npos = 0, json = 0, status, have_min = 0, have_max = 0;
    const cli_opt opts[] = {{"experiment", CLI_STRING, &experiment, NULL},
                            {"tmin-k", CLI_DOUBLE, &tmin, &have_min},
                            {"tmax-k", CLI_DOUBLE, &tmax, &have_max},
                            {"side", CLI_STRING, &side_name, NULL},
                            {"larmor-hz", CLI_DOUBLE, &larmor, NULL},
                            {"json", CLI_FLAG, &json, NULL},
                            {NULL, 0, NULL, NULL}};
    srx_flank_side side;
    srx_flank_result fr;
    rate_table t;
    srx_diag diag;
    size_t skipped, i;
    char label[128];

    status = cli_parse("fit-flank", argc, argv, opts, pos, 1, &npos);
    if (status < 0) {
        fputs(help_flank, stdout);
        return CLI_EXIT_OK;
    }
    if (status)
        return status;
    if (npos != 1 || !experiment) {
        fprintf(stderr, "spinrelax fit-flank: need FILE.h5 and --experiment (see --help)\n");
        return CLI_EXIT_USAGE;
    }
    if (strcmp(side_name, "low") == 0)
        side = SRX_FLANK_LOW_T;
    else if (strcmp(side_name, "high") == 0)
        side = SRX_FLANK_HIGH_T;
    else {
        fprintf(stderr, "spinrelax fit-flank: --side must be low or high\n");
        return CLI_EXIT_USAGE;
    }
    {
        srx_experiment e;
        if (srx_transient_experiment_parse(experiment, &e, &diag) != SRX_OK) {
            fprintf(stderr, "spinrelax fit-flank: --experiment: %s\n", diag.message);
            return CLI_EXIT_USAGE;
        }
    }
    if (have_min != have_max) {
        fprintf(stderr, "spinrelax fit-flank: give both --tmin-k and --tmax-k, or neither\n");
        return CLI_EXIT_USAGE;
    }
    status = read_rates("fit-flank", pos[0], experiment, larmor, &t, &skipped);
    if (status)
        return status;
    for (i = 1; i < t.n; i++) {
        if (fabs(t.larmor_hz[i] / t.larmor_hz[0] - 1.0) > 1e-6 ||
            fabs(t.spinlock_hz[i] - t.spinlock_hz[0]) > 1e-6 * t.spinlock_hz[0]) {
            fprintf(stderr, "spinrelax fit-flank: %s: %s rates were measured at several "
                            "frequencies: choose one with --larmor-hz\n", pos[0], experiment);
            rate_table_free(&t);
            return CLI_EXIT_USAGE;
        }
    }
    if (have_min)
        status = srx_arrhenius_fit_flank(t.n, t.temperature_k, t.rate_per_s,
                                         t.weighted ? t.rate_err_per_s : NULL, tmin, tmax, side,
                                         &fr, &diag);
    else
        status = srx_arrhenius_find_flank(t.n, t.temperature_k, t.rate_per_s,
                                          t.weighted ? t.rate_err_per_s : NULL, side, &fr,
                                          &diag);
    rate_table_free(&t);
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax fit-flank: %s: /results/transients (%s): %s\n", pos[0],
                experiment, diag.message);
        return status == SRX_ENOCONV ? CLI_EXIT_NOCONV : CLI_EXIT_USAGE;
    }
    {
        const srx_h5_number num[] = {{"ea_ev", fr.ea_ev},
                                     {"ea_err_ev", fr.ea_err_ev},
                                     {"prefactor_per_s", fr.prefactor_per_s},
                                     {"prefactor_err_per_s", fr.prefactor_err_per_s},
                                     {"tmin_k", fr.tmin_k},
                                     {"tmax_k", fr.tmax_k},
                                     {"n_points", fr.n_points},
                                     {"reduced_chi2", fr.reduced_chi2},
                                     {"correlation", fr.correlation},
                                     {"auto_range", fr.auto_range}};
        char extra[64];
        snprintf(label, sizeof label, "%s%s", experiment, side == SRX_FLANK_HIGH_T ? "_high" : "");
        status = write_result("fit-flank", pos[0], "flank", label, "arrhenius", num,
                              sizeof num / sizeof num[0]);
        if (status)
            return status;
        snprintf(extra, sizeof extra, ", \"side\": \"%s\"", side_name);
        print_numbers(json, NULL, num, sizeof num / sizeof num[0], json ? extra : NULL);
    }
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------ fit-peak */

static const char help_peak[] =
    "Usage: spinrelax fit-peak FILE.h5 [--model M] [--background none|powerlaw|arrhenius]\n"
    "                          [--processes N] [--fix P=V] [--guess P=V] [--bound P=A:B]\n"
    "                          [--bootstrap N] [--profile-ea] [--starts N] [--json]\n"
    "\n"
    "One global fit of all T1 and T1rho rates of /results/transients (each at its\n"
    "own larmor_hz and spinlock_hz) sharing the motional parameters of N processes\n"
    "(1 to 3), plus one background per frame (T1 and T1rho each their own).\n"
    "Residuals are ln R_obs - ln R_model weighted by rate_err/rate.  Starting\n"
    "values are automatic (peak position, flank slopes, peak height), with\n"
    "several starts.  Writes /results/peak/MODEL.\n"
    "\n"
    "  --model M        bpp | asymmetric (default) | cole-davidson | cole-cole |\n"
    "                   gauss-ea\n"
    "  --background B   powerlaw (default: A T^n), arrhenius, or none\n"
    "  --processes N    number of diffusion processes (default 1)\n"
    "  --fix P=V        keep parameter P at V; P is ea_ev, tau0_s, beta or\n"
    "                   coupling_per_s2, with .2 or .3 for the second or third\n"
    "                   process (e.g. --fix beta=2, --fix ea_ev.2=0.6)\n"
    "  --guess P=V      start parameter P at V instead of the automatic start\n"
    "  --bound P=A:B    keep parameter P within (A, B)\n"
    "  --bootstrap N    residual bootstrap with N resamples (deterministic seed)\n"
    "  --profile-ea     profile-likelihood interval of each Ea\n"
    "  --starts N       start points refined (default 4)\n"
    "\n"
    "Output (JSON keys; CSV has the same columns for process 1):\n"
    "model, ea_ev, ea_err_ev, tau0_s, tau0_err_s, beta, beta_err, coupling_per_s2,\n"
    "coupling_err_per_s2, reduced_chi2, n_points, converged, plus ea_tau0_correlation,\n"
    "flank_low_ea_ev(_err), aic, bic, `processes` when N > 1, `background` when\n"
    "one is fitted, and `maxima`: for each T1 / T1rho frame (rate, larmor_hz,\n"
    "spinlock_hz) whose fitted curve peaks inside the frame's temperatures,\n"
    "t_max_k, its uncertainty t_max_err_k (from the covariance) and\n"
    "rate_max_per_s.  beta is the shape: asymmetry exponent, Cole-Davidson eps,\n"
    "Cole-Cole alpha, or the width of Ea in eV; 1 where the model has none.\n"
    "Exit status: 0 fitted, 1 bad usage or data, 2 not converged (result still\n"
    "printed), 3 I/O failure.\n";

/* "ea_ev.2" -> gradient index; -1 when unknown */
static int param_index(const char *name, size_t len)
{
    static const char *const names[] = {"ea_ev", "tau0_s", "beta", "coupling_per_s2"};
    int p = 0, k;
    const char *dot = memchr(name, '.', len);
    size_t base = dot ? (size_t)(dot - name) : len;
    if (dot) {
        if (len - base != 2 || dot[1] < '1' || dot[1] > '3')
            return -1;
        p = dot[1] - '1';
    }
    for (k = 0; k < 4; k++)
        if (strlen(names[k]) == base && strncmp(name, names[k], base) == 0)
            return 4 * p + k;
    return -1;
}

static int apply_constraints(const cli_string_list *l, int what, srx_peakfit_options *o)
{
    int i;
    for (i = 0; i < l->n; i++) {
        const char *s = l->item[i], *eq = strchr(s, '=');
        char *end;
        int idx;
        if (!eq || (idx = param_index(s, (size_t)(eq - s))) < 0) {
            fprintf(stderr, "spinrelax fit-peak: '%s': expected P=VALUE with P one of ea_ev, "
                            "tau0_s, beta, coupling_per_s2 (optionally .2 or .3)\n", s);
            return CLI_EXIT_USAGE;
        }
        if (what == 2) {
            double lo = strtod(eq + 1, &end), hi;
            if (end == eq + 1 || *end != ':' || (hi = strtod(end + 1, &end), *end) ||
                !(lo < hi)) {
                fprintf(stderr, "spinrelax fit-peak: --bound '%s': expected P=A:B with A < B\n",
                        s);
                return CLI_EXIT_USAGE;
            }
            o->constraint[idx].has_lower = o->constraint[idx].has_upper = 1;
            o->constraint[idx].lower = lo;
            o->constraint[idx].upper = hi;
        } else {
            double v = strtod(eq + 1, &end);
            if (end == eq + 1 || *end || !isfinite(v)) {
                fprintf(stderr, "spinrelax fit-peak: '%s': not a number\n", s);
                return CLI_EXIT_USAGE;
            }
            o->constraint[idx].value = v;
            if (what == 0)
                o->constraint[idx].fixed = 1;
            else
                o->constraint[idx].has_guess = 1;
        }
    }
    return 0;
}

static void json_process(const srx_peakfit_process *p)
{
    const struct { const char *k; double v; } f[] = {
        {"ea_ev", p->ea_ev}, {"ea_err_ev", p->ea_err_ev}, {"tau0_s", p->tau0_s},
        {"tau0_err_s", p->tau0_err_s}, {"beta", p->beta}, {"beta_err", p->beta_err},
        {"coupling_per_s2", p->coupling_per_s2}, {"coupling_err_per_s2", p->coupling_err_per_s2},
        {"ea_tau0_correlation", p->ea_tau0_correlation},
        {"flank_low_ea_ev", p->flank_low_ea_ev}, {"flank_low_ea_err_ev", p->flank_low_ea_err_ev},
        {"ea_boot_err_ev", p->ea_boot_err_ev}, {"ea_profile_lower_ev", p->ea_profile_lower_ev},
        {"ea_profile_upper_ev", p->ea_profile_upper_ev}};
    size_t i;
    printf("{");
    for (i = 0; i < sizeof f / sizeof f[0]; i++) {
        printf("%s\"%s\": ", i ? ", " : "", f[i].k);
        cli_json_double(stdout, f[i].v);
    }
    printf("}");
}

static void json_background(const char *name, const srx_peakfit_background *b)
{
    printf("\"%s\": {\"kind\": \"%s\", \"amplitude\": ", name,
           b->kind == SRX_BACKGROUND_POWERLAW ? "powerlaw" : "arrhenius");
    cli_json_double(stdout, b->amplitude);
    printf(", \"amplitude_err\": ");
    cli_json_double(stdout, b->amplitude_err);
    printf(b->kind == SRX_BACKGROUND_POWERLAW ? ", \"exponent\": " : ", \"ea_ev\": ");
    cli_json_double(stdout, b->second);
    printf(b->kind == SRX_BACKGROUND_POWERLAW ? ", \"exponent_err\": " : ", \"ea_err_ev\": ");
    cli_json_double(stdout, b->second_err);
    printf("}");
}

/* one frame of the data (rate kind and frequencies) and the temperatures
 * it covers, for the maxima of the fitted curves */
typedef struct peak_frame {
    srx_rate_kind kind;
    double nu0, nu1, tmin, tmax;
    int found;                       /* the curve has a maximum inside [tmin, tmax] */
    double t_max, t_max_err, r_max;
} peak_frame;

#define MAX_FRAMES 8

static int collect_frames(const rate_table *t, peak_frame *fr)
{
    int n = 0, j;
    size_t i;
    for (i = 0; i < t->n; i++) {
        double nu1 = t->kind[i] == SRX_RATE_R1RHO ? t->spinlock_hz[i] : 0.0;
        for (j = 0; j < n; j++)
            if (fr[j].kind == t->kind[i] && fabs(fr[j].nu0 - t->larmor_hz[i]) <= 1e-6 * fr[j].nu0 &&
                fabs(fr[j].nu1 - nu1) <= 1e-6 * fr[j].nu1)
                break;
        if (j == n) {
            if (n == MAX_FRAMES)
                continue;
            fr[n++] = (peak_frame){t->kind[i], t->larmor_hz[i], nu1, t->temperature_k[i],
                                   t->temperature_k[i], 0, NAN, NAN, NAN};
        }
        fr[j].tmin = fmin(fr[j].tmin, t->temperature_k[i]);
        fr[j].tmax = fmax(fr[j].tmax, t->temperature_k[i]);
    }
    return n;
}

static void json_maxima(const peak_frame *fr, int n)
{
    int j, first = 1;
    printf(", \"maxima\": [");
    for (j = 0; j < n; j++) {
        if (!fr[j].found)
            continue;
        printf("%s{\"rate\": \"%s\", \"larmor_hz\": ", first ? "" : ", ",
               fr[j].kind == SRX_RATE_R1 ? "t1" : "t1rho");
        cli_json_double(stdout, fr[j].nu0);
        printf(", \"spinlock_hz\": ");
        cli_json_double(stdout, fr[j].nu1);
        printf(", \"t_max_k\": ");
        cli_json_double(stdout, fr[j].t_max);
        printf(", \"t_max_err_k\": ");
        cli_json_double(stdout, fr[j].t_max_err);
        printf(", \"rate_max_per_s\": ");
        cli_json_double(stdout, fr[j].r_max);
        printf("}");
        first = 0;
    }
    printf("]");
}

int cli_fit_peak(int argc, char **argv)
{
    const char *pos[1], *model = "asymmetric", *background = "powerlaw";
    int npos = 0, json = 0, status, processes = 1, bootstrap = 0, profile = 0, starts = 4;
    int exit_status = CLI_EXIT_OK;
    cli_string_list fix = {{0}, 0}, guess = {{0}, 0}, bound = {{0}, 0};
    const cli_opt opts[] = {{"model", CLI_STRING, &model, NULL},
                            {"background", CLI_STRING, &background, NULL},
                            {"processes", CLI_INT, &processes, NULL},
                            {"fix", CLI_STRING_LIST, &fix, NULL},
                            {"guess", CLI_STRING_LIST, &guess, NULL},
                            {"bound", CLI_STRING_LIST, &bound, NULL},
                            {"bootstrap", CLI_INT, &bootstrap, NULL},
                            {"profile-ea", CLI_FLAG, &profile, NULL},
                            {"starts", CLI_INT, &starts, NULL},
                            {"json", CLI_FLAG, &json, NULL},
                            {NULL, 0, NULL, NULL}};
    srx_peakfit_options o;
    srx_peakfit_result *res;
    srx_rate_data d;
    rate_table t;
    srx_diag diag;
    size_t skipped;
    int p, n_frames;
    peak_frame frames[MAX_FRAMES];

    status = cli_parse("fit-peak", argc, argv, opts, pos, 1, &npos);
    if (status < 0) {
        fputs(help_peak, stdout);
        return CLI_EXIT_OK;
    }
    if (status)
        return status;
    if (npos != 1) {
        fprintf(stderr, "spinrelax fit-peak: expected one FILE.h5 (see --help)\n");
        return CLI_EXIT_USAGE;
    }
    srx_peakfit_options_init(&o);
    if (srx_spectral_parse(model, &o.model, &diag) != SRX_OK) {
        fprintf(stderr, "spinrelax fit-peak: --model: %s\n", diag.message);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(background, "powerlaw") == 0)
        o.background = SRX_BACKGROUND_POWERLAW;
    else if (strcmp(background, "arrhenius") == 0)
        o.background = SRX_BACKGROUND_ARRHENIUS;
    else if (strcmp(background, "none") == 0)
        o.background = SRX_BACKGROUND_NONE;
    else {
        fprintf(stderr, "spinrelax fit-peak: --background must be none, powerlaw or arrhenius\n");
        return CLI_EXIT_USAGE;
    }
    if (processes < 1 || processes > SRX_MAX_PROCESSES) {
        fprintf(stderr, "spinrelax fit-peak: --processes must be 1 to %d\n", SRX_MAX_PROCESSES);
        return CLI_EXIT_USAGE;
    }
    if (bootstrap < 0 || bootstrap > 100000 || starts < 1 || starts > 1000) {
        fprintf(stderr, "spinrelax fit-peak: --bootstrap 0..100000, --starts 1..1000\n");
        return CLI_EXIT_USAGE;
    }
    o.n_processes = processes;
    o.n_bootstrap = bootstrap;
    o.profile_ea = profile;
    o.max_starts = starts;
    if ((status = apply_constraints(&fix, 0, &o)) || (status = apply_constraints(&guess, 1, &o)) ||
        (status = apply_constraints(&bound, 2, &o)))
        return status;

    status = read_rates("fit-peak", pos[0], NULL, NAN, &t, &skipped);
    if (status)
        return status;
    d.n = t.n;
    d.kind = t.kind;
    d.temperature_k = t.temperature_k;
    d.larmor_hz = t.larmor_hz;
    d.spinlock_hz = t.spinlock_hz;
    d.rate_per_s = t.rate_per_s;
    d.rate_err_per_s = t.weighted ? t.rate_err_per_s : NULL;
    res = calloc(1, sizeof *res);
    if (!res) {
        rate_table_free(&t);
        fprintf(stderr, "spinrelax fit-peak: out of memory\n");
        return CLI_EXIT_USAGE;
    }
    status = srx_arrhenius_fit_peak(&d, &o, res, &diag);
    n_frames = collect_frames(&t, frames);
    rate_table_free(&t);
    if (status != SRX_OK && status != SRX_ENOCONV && status != SRX_ESINGULAR) {
        fprintf(stderr, "spinrelax fit-peak: %s: /results/transients: %s\n", pos[0], diag.message);
        free(res);
        return CLI_EXIT_USAGE;
    }
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax fit-peak: %s: %s\n", pos[0], diag.message);
        exit_status = CLI_EXIT_NOCONV;
    }
    /* the fitted curve's maximum in each frame, where it lies inside the
     * frame's temperatures */
    for (p = 0; p < n_frames; p++) {
        peak_frame *f = &frames[p];
        f->found = srx_rates_maximum(&res->model, f->kind, f->nu0, f->nu1, f->tmin, f->tmax,
                                     res->singular ? NULL : res->covariance, &f->t_max,
                                     &f->t_max_err, &f->r_max, NULL) == SRX_OK;
        if (f->found && res->singular)
            f->t_max_err = NAN;
    }
    {
        const srx_peakfit_process *q = &res->process[0];
        srx_h5_number num[64];
        size_t n = 0;
        char names[SRX_MAX_PROCESSES][8][32];
        num[n++] = (srx_h5_number){"ea_ev", q->ea_ev};
        num[n++] = (srx_h5_number){"ea_err_ev", q->ea_err_ev};
        num[n++] = (srx_h5_number){"tau0_s", q->tau0_s};
        num[n++] = (srx_h5_number){"tau0_err_s", q->tau0_err_s};
        num[n++] = (srx_h5_number){"beta", q->beta};
        num[n++] = (srx_h5_number){"beta_err", q->beta_err};
        num[n++] = (srx_h5_number){"coupling_per_s2", q->coupling_per_s2};
        num[n++] = (srx_h5_number){"coupling_err_per_s2", q->coupling_err_per_s2};
        num[n++] = (srx_h5_number){"reduced_chi2", res->reduced_chi2};
        num[n++] = (srx_h5_number){"n_points", res->n_points};
        num[n++] = (srx_h5_number){"converged", res->converged};
        num[n++] = (srx_h5_number){"ea_tau0_correlation", q->ea_tau0_correlation};
        num[n++] = (srx_h5_number){"flank_low_ea_ev", q->flank_low_ea_ev};
        num[n++] = (srx_h5_number){"flank_low_ea_err_ev", q->flank_low_ea_err_ev};
        num[n++] = (srx_h5_number){"aic", res->aic};
        num[n++] = (srx_h5_number){"bic", res->bic};
        if (bootstrap)
            num[n++] = (srx_h5_number){"ea_boot_err_ev", q->ea_boot_err_ev};
        if (profile) {
            num[n++] = (srx_h5_number){"ea_profile_lower_ev", q->ea_profile_lower_ev};
            num[n++] = (srx_h5_number){"ea_profile_upper_ev", q->ea_profile_upper_ev};
        }
        /* further processes in the stored group: ea_ev_2, ... */
        for (p = 1; p < res->model.n_processes; p++) {
            const srx_peakfit_process *r = &res->process[p];
            const double v[8] = {r->ea_ev, r->ea_err_ev, r->tau0_s, r->tau0_err_s,
                                 r->beta, r->beta_err, r->coupling_per_s2,
                                 r->coupling_err_per_s2};
            static const char *const k[8] = {"ea_ev", "ea_err_ev", "tau0_s", "tau0_err_s",
                                             "beta", "beta_err", "coupling_per_s2",
                                             "coupling_err_per_s2"};
            for (int j = 0; j < 8; j++) {
                snprintf(names[p][j], sizeof names[p][j], "%s_%d", k[j], p + 1);
                num[n++] = (srx_h5_number){names[p][j], v[j]};
            }
        }
        status = write_result("fit-peak", pos[0], "peak", model, model, num, n);
        if (status) {
            free(res);
            return status;
        }
        if (json) {
            size_t n1 = 16 + (bootstrap ? 1 : 0) + (profile ? 2 : 0);
            printf("{\"model\": ");
            cli_json_string(stdout, model);
            for (size_t i = 0; i < n1; i++) {
                printf(", \"%s\": ", num[i].name);
                if (strcmp(num[i].name, "converged") == 0)
                    printf("%s", res->converged ? "true" : "false");
                else
                    cli_json_double(stdout, num[i].value);
            }
            if (res->model.n_processes > 1) {
                printf(", \"processes\": [");
                for (p = 0; p < res->model.n_processes; p++) {
                    printf("%s", p ? ", " : "");
                    json_process(&res->process[p]);
                }
                printf("]");
            }
            if (res->background_r1.kind != SRX_BACKGROUND_NONE ||
                res->background_r1rho.kind != SRX_BACKGROUND_NONE) {
                printf(", \"background\": {");
                if (res->background_r1.kind != SRX_BACKGROUND_NONE)
                    json_background("t1", &res->background_r1);
                if (res->background_r1rho.kind != SRX_BACKGROUND_NONE) {
                    if (res->background_r1.kind != SRX_BACKGROUND_NONE)
                        printf(", ");
                    json_background("t1rho", &res->background_r1rho);
                }
                printf("}");
            }
            json_maxima(frames, n_frames);
            printf("}\n");
        } else {
            print_numbers(0, model, num, 16, NULL);
        }
    }
    free(res);
    return exit_status;
}

/* ------------------------------------------------------------ fit-arrhenius */

static const char help_arrhenius[] =
    "Usage: spinrelax fit-arrhenius FILE.h5 --set NAME [--kink] [--at-k T1[,T2...]] [--json]\n"
    "\n"
    "Fit sigma_DC T = A exp(-Ea/kB T) to /conductivity/NAME (weighted by\n"
    "sigma_err_s_per_m when present).  With --kink: two Arrhenius regimes,\n"
    "ln(sigma T) continuous and piecewise linear in 1/T, joined at a fitted\n"
    "crossover temperature, and the Ngai coupling parameter n = 1 - Ea_high/Ea_low.\n"
    "Writes /results/arrhenius/NAME.\n"
    "\n"
    "  --at-k T1,T2...  also sigma_DC of the fitted curve at these temperatures\n"
    "                   (up to 8), with its uncertainty from the fit's covariance\n"
    "\n"
    "Output (JSON keys, or CSV): ea_ev, ea_err_ev, prefactor_s_k_per_m,\n"
    "reduced_chi2, n_points; with --kink: ea_low_ev, ea_low_err_ev, ea_high_ev,\n"
    "ea_high_err_ev, crossover_k, crossover_err_k, ngai_n, reduced_chi2, n_points;\n"
    "with --at-k, sigma_s_per_m_at_T_k and sigma_err_s_per_m_at_T_k for each T\n"
    "(e.g. sigma_s_per_m_at_303.15_k).\n"
    "Exit status: 0 fitted, 1 bad usage or data, 2 not converged, 3 I/O failure.\n";

#define MAX_AT 8

/* "303.15,323.15" -> temperatures (> 0, finite); the count, or -1 */
static int parse_at(const char *s, double *t)
{
    int n = 0;
    while (s && *s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || n == MAX_AT || !isfinite(v) || !(v > 0.0) || (*end && *end != ','))
            return -1;
        t[n++] = v;
        s = *end ? end + 1 : end;
    }
    return n;
}

int cli_fit_arrhenius(int argc, char **argv)
{
    const char *pos[1], *set = NULL, *at = NULL;
    int npos = 0, json = 0, kink = 0, status, exit_status = CLI_EXIT_OK, n_at = 0;
    double t_at[MAX_AT];
    const cli_opt opts[] = {{"set", CLI_STRING, &set, NULL},
                            {"kink", CLI_FLAG, &kink, NULL},
                            {"at-k", CLI_STRING, &at, NULL},
                            {"json", CLI_FLAG, &json, NULL},
                            {NULL, 0, NULL, NULL}};
    srx_h5_contents *c = NULL;
    srx_conductivity_result r;
    srx_diag diag;
    size_t i;
    const srx_h5_conductivity *cs = NULL;

    status = cli_parse("fit-arrhenius", argc, argv, opts, pos, 1, &npos);
    if (status < 0) {
        fputs(help_arrhenius, stdout);
        return CLI_EXIT_OK;
    }
    if (status)
        return status;
    if (npos != 1 || !set) {
        fprintf(stderr, "spinrelax fit-arrhenius: need FILE.h5 and --set NAME (see --help)\n");
        return CLI_EXIT_USAGE;
    }
    if (at && (n_at = parse_at(at, t_at)) <= 0) {
        fprintf(stderr, "spinrelax fit-arrhenius: --at-k '%s': expected up to %d temperatures "
                        "in K (> 0), comma-separated\n", at, MAX_AT);
        return CLI_EXIT_USAGE;
    }
    status = srx_h5_load(pos[0], 60.0, &c, &diag);
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax fit-arrhenius: %s: %s\n", pos[0], diag.message);
        return cli_exit_for(status);
    }
    for (i = 0; i < c->n_conductivity; i++)
        if (strcmp(c->conductivity[i].name, set) == 0)
            cs = &c->conductivity[i];
    if (!cs) {
        fprintf(stderr, "spinrelax fit-arrhenius: %s: no /conductivity/%s\n", pos[0], set);
        srx_h5_contents_free(c);
        return CLI_EXIT_USAGE;
    }
    if (c->conductivity_status[cs - c->conductivity] != SRX_OK) {
        fprintf(stderr, "spinrelax fit-arrhenius: %s: %s\n", pos[0],
                c->conductivity_diag[cs - c->conductivity].message);
        srx_h5_contents_free(c);
        return CLI_EXIT_USAGE;
    }
    if (kink)
        status = srx_arrhenius_fit_kink(cs->n, cs->temperature_k, cs->sigma_dc_s_per_m,
                                        cs->sigma_err_s_per_m, &r, &diag);
    else
        status = srx_arrhenius_fit_conductivity(cs->n, cs->temperature_k, cs->sigma_dc_s_per_m,
                                                cs->sigma_err_s_per_m, &r, &diag);
    srx_h5_contents_free(c);
    if (status != SRX_OK && status != SRX_ENOCONV) {
        fprintf(stderr, "spinrelax fit-arrhenius: %s: /conductivity/%s: %s\n", pos[0], set,
                diag.message);
        return CLI_EXIT_USAGE;
    }
    if (status == SRX_ENOCONV) {
        fprintf(stderr, "spinrelax fit-arrhenius: %s: /conductivity/%s: %s\n", pos[0], set,
                diag.message);
        exit_status = CLI_EXIT_NOCONV;
    }
    {
        srx_h5_number num[9 + 2 * MAX_AT];
        char names[2 * MAX_AT][64];
        size_t n = 0;
        int k;
        if (kink) {
            const srx_h5_number kn[] = {{"ea_low_ev", r.ea_low_ev},
                                        {"ea_low_err_ev", r.ea_low_err_ev},
                                        {"ea_high_ev", r.ea_high_ev},
                                        {"ea_high_err_ev", r.ea_high_err_ev},
                                        {"crossover_k", r.crossover_k},
                                        {"crossover_err_k", r.crossover_err_k},
                                        {"ngai_n", r.ngai_n},
                                        {"reduced_chi2", r.reduced_chi2},
                                        {"n_points", r.n_points}};
            memcpy(num, kn, sizeof kn);
            n = sizeof kn / sizeof kn[0];
        } else {
            const srx_h5_number sn[] = {{"ea_ev", r.ea_ev},
                                        {"ea_err_ev", r.ea_err_ev},
                                        {"prefactor_s_k_per_m", r.prefactor_s_k_per_m},
                                        {"prefactor_err_s_k_per_m", r.prefactor_err_s_k_per_m},
                                        {"reduced_chi2", r.reduced_chi2},
                                        {"n_points", r.n_points}};
            memcpy(num, sn, sizeof sn);
            n = sizeof sn / sizeof sn[0];
        }
        /* sigma of the fitted curve at the asked temperatures */
        for (k = 0; k < n_at; k++) {
            double v = NAN, u = NAN;
            srx_arrhenius_conductivity_at(&r, t_at[k], &v, &u, NULL);
            snprintf(names[2 * k], sizeof names[0], "sigma_s_per_m_at_%g_k", t_at[k]);
            snprintf(names[2 * k + 1], sizeof names[0], "sigma_err_s_per_m_at_%g_k", t_at[k]);
            num[n++] = (srx_h5_number){names[2 * k], v};
            num[n++] = (srx_h5_number){names[2 * k + 1], u};
        }
        status = write_result("fit-arrhenius", pos[0], "arrhenius", set, kink ? "kink" : "single",
                              num, n);
        if (!status)
            print_numbers(json, NULL, num, n, NULL);
    }
    return status ? status : exit_status;
}
