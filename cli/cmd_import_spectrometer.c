/* spinrelax import-bruker, import-varian, import-pdc: spectrometer data
 * sets into /series of an HDF5 file (one safe write session). */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spinrelax.h"

typedef enum { SRC_BRUKER, SRC_VARIAN, SRC_PDC } source_kind;

static const char help_bruker[] =
    "Usage: spinrelax import-bruker OUT.h5 DIR [--name NAME] [--experiment EXP]\n"
    "                               [--temperature-k T] [--spinlock-hz F1]\n"
    "                               [--region-ppm A:B] [--lb-hz L] [--nucleus NUC]\n"
    "                               [--vc-period-s P] [--force]\n"
    "\n"
    "Read a Bruker TopSpin pseudo-2D relaxation data set (DIR holds acqus, acqu2s,\n"
    "ser, and vdlist, vplist or vclist) and add it to OUT.h5 (created if missing)\n"
    "as /series/NAME with its provenance (source, pulse_program, title).  Each\n"
    "increment's FID is corrected for the digital filter (GRPDLY, or the\n"
    "DSPFVS/DECIM table), Fourier-transformed, phased (zero and first order,\n"
    "found on the most relaxed increment and shared), baseline-corrected and\n"
    "integrated over the region; sigma comes from the noise of a signal-free\n"
    "region.\n"
    "\n"
    "  --name NAME         series name (default: the data set's folder name)\n"
    "  --experiment EXP    saturation_recovery | inversion_recovery | spin_lock |\n"
    "                      longitudinal_decay (default: from the pulse program;\n"
    "                      required when it cannot be told)\n"
    "  --temperature-k T   sample temperature (default: TE of acqus)\n"
    "  --spinlock-hz F1    locking field for spin_lock\n"
    "  --region-ppm A:B    integration region in ppm (default: around the line)\n"
    "  --lb-hz L           exponential line broadening in Hz (default 0)\n"
    "  --nucleus NUC       override the nucleus label (NUC1)\n"
    "  --vc-period-s P     seconds per count of a vclist\n"
    "  --force             replace an existing series of the same name\n"
    "\n"
    "Warnings (e.g. a nucleus label that disagrees with the frequencies) go to\n"
    "stderr.  Exit status: 0 imported, 1 bad usage or a damaged, incomplete or\n"
    "inconsistent data set (nothing written), 3 I/O failure.\n";

static const char help_varian[] =
    "Usage: spinrelax import-varian OUT.h5 DIR [--name NAME] [--experiment EXP]\n"
    "                               [--temperature-k T] [--spinlock-hz F1]\n"
    "                               [--region-ppm A:B] [--lb-hz L] [--nucleus NUC]\n"
    "                               [--force]\n"
    "\n"
    "Read a Varian/Agilent arrayed experiment (DIR holds fid and procpar: np, sw,\n"
    "sfrq, tn, temp and the arrayed delay) and add it to OUT.h5 as /series/NAME,\n"
    "processed as for import-bruker.  Options as for import-bruker.\n"
    "\n"
    "Exit status: 0 imported, 1 bad usage or a damaged, incomplete or\n"
    "inconsistent data set (nothing written), 3 I/O failure.\n";

static const char help_pdc[] =
    "Usage: spinrelax import-pdc OUT.h5 FILE.txt [--experiment EXP] [--name PREFIX]\n"
    "                            [--nucleus NUC] [--larmor-hz F] [--temperature-k T]\n"
    "                            [--force]\n"
    "\n"
    "Read a Bruker Dynamics Center export (SECTION: integrals / integral errors,\n"
    "mixing times, peak names) and add one /series per peak to OUT.h5, named after\n"
    "the peak (PREFIX_peak with --name), sigma from the integral errors.  Default\n"
    "experiment: longitudinal_decay.  The export does not always record the\n"
    "nucleus, frequency or temperature: give them when it does not.\n"
    "\n"
    "Exit status: 0 imported, 1 bad usage or a damaged export (nothing\n"
    "written), 3 I/O failure.\n";

/* A plain link name from the last component of a path. */
static void base_name(const char *path, char *out, size_t len)
{
    const char *end = path + strlen(path), *start;
    while (end > path && end[-1] == '/')
        end--;
    start = end;
    while (start > path && start[-1] != '/')
        start--;
    snprintf(out, len, "%.*s", (int)(end - start), start);
    if (!out[0])
        snprintf(out, len, "series");
}

static int import_verb(source_kind kind, const char *verb, const char *help, int argc,
                       char **argv)
{
    const char *pos[2], *name = NULL, *experiment = NULL, *region = NULL, *nucleus = NULL;
    double temperature = NAN, spinlock = NAN, lb = 0.0, vc_period = NAN, larmor = NAN;
    int npos = 0, force = 0, status, exit_status = CLI_EXIT_OK;
    const cli_opt opts[] = {{"name", CLI_STRING, &name, NULL},
                            {"experiment", CLI_STRING, &experiment, NULL},
                            {"temperature-k", CLI_DOUBLE, &temperature, NULL},
                            {"spinlock-hz", CLI_DOUBLE, &spinlock, NULL},
                            {"region-ppm", CLI_STRING, &region, NULL},
                            {"lb-hz", CLI_DOUBLE, &lb, NULL},
                            {"nucleus", CLI_STRING, &nucleus, NULL},
                            {"vc-period-s", CLI_DOUBLE, &vc_period, NULL},
                            {"larmor-hz", CLI_DOUBLE, &larmor, NULL},
                            {"force", CLI_FLAG, &force, NULL},
                            {NULL, 0, NULL, NULL}};
    srx_import_options io;
    srx_import_result res;
    srx_h5file *f = NULL;
    srx_diag diag;
    size_t i;

    status = cli_parse(verb, argc, argv, opts, pos, 2, &npos);
    if (status < 0) {
        fputs(help, stdout);
        return CLI_EXIT_OK;
    }
    if (status)
        return status;
    if (npos != 2) {
        fprintf(stderr, "spinrelax %s: expected OUT.h5 and %s (see --help)\n", verb,
                kind == SRC_PDC ? "FILE.txt" : "DIR");
        return CLI_EXIT_USAGE;
    }
    srx_import_options_init(&io);
    io.experiment = experiment;
    io.nucleus = nucleus;
    io.temperature_k = temperature;
    io.spinlock_hz = spinlock;
    io.line_broadening_hz = lb;
    io.vc_period_s = vc_period;
    if (region) {
        char *end;
        io.region_lo_ppm = strtod(region, &end);
        if (end == region || *end != ':' || (io.region_hi_ppm = strtod(end + 1, &end), *end) ||
            isnan(io.region_lo_ppm) || isnan(io.region_hi_ppm)) {
            fprintf(stderr, "spinrelax %s: --region-ppm: expected A:B in ppm, got '%s'\n", verb,
                    region);
            return CLI_EXIT_USAGE;
        }
    }

    srx_import_result_init(&res);
    if (kind == SRC_BRUKER)
        status = srx_bruker_import(pos[1], &io, &res, NULL, &diag);
    else if (kind == SRC_VARIAN)
        status = srx_varian_import(pos[1], &io, &res, NULL, &diag);
    else
        status = srx_pdc_import(pos[1], &io, &res, &diag);
    for (i = 0; i < res.n_warnings; i++)
        fprintf(stderr, "spinrelax %s: %s: warning: %s\n", verb, pos[1], res.warnings[i]);
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax %s: %s: %s\n", verb, pos[1], diag.message);
        srx_import_result_free(&res);
        return cli_exit_for(status);
    }

    status = srx_h5_open(pos[0], SRX_H5_CREATE, &f, &diag);
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax %s: %s: %s\n", verb, pos[0], diag.message);
        srx_import_result_free(&res);
        return cli_exit_for(status);
    }
    for (i = 0; i < res.n_series && status == SRX_OK; i++) {
        const srx_import_series *is = &res.series[i];
        srx_h5_series s;
        srx_h5_series_init(&s);
        if (kind == SRC_PDC) {
            if (name)
                snprintf(s.name, sizeof s.name, "%s_%s", name, is->name);
            else
                snprintf(s.name, sizeof s.name, "%s", is->name);
        } else if (name) {
            snprintf(s.name, sizeof s.name, "%s", name);
        } else {
            base_name(pos[1], s.name, sizeof s.name);
        }
        snprintf(s.experiment, sizeof s.experiment, "%s", is->experiment);
        snprintf(s.nucleus, sizeof s.nucleus, "%s", nucleus ? nucleus : is->nucleus);
        s.larmor_hz = !isnan(larmor) ? larmor : is->larmor_hz;
        s.temperature_k = is->temperature_k;
        s.spinlock_hz = isnan(is->spinlock_hz) ? 0.0 : is->spinlock_hz;
        if (!s.nucleus[0] || isnan(s.larmor_hz) || isnan(s.temperature_k)) {
            fprintf(stderr, "spinrelax %s: %s: the data set does not record the %s: give %s\n",
                    verb, pos[1],
                    !s.nucleus[0] ? "nucleus" : isnan(s.larmor_hz) ? "Larmor frequency"
                                                                   : "temperature",
                    !s.nucleus[0] ? "--nucleus" : isnan(s.larmor_hz) ? "--larmor-hz"
                                                                     : "--temperature-k");
            status = SRX_EINVAL;
            break;
        }
        s.source = (char *)is->source;
        s.pulse_program = is->pulse_program[0] ? (char *)is->pulse_program : NULL;
        s.title = is->title[0] ? (char *)is->title : NULL;
        s.n = is->n;
        s.delay_s = is->delay_s;
        s.signal = is->signal;
        s.sigma = is->sigma;
        status = srx_h5_write_series(f, &s, force, &diag);
        if (status != SRX_OK)
            fprintf(stderr, "spinrelax %s: %s: %s\n", verb, pos[0], diag.message);
        else
            fprintf(stderr, "spinrelax %s: /series/%s: %s, %zu points, %s %.6g MHz, %.6g K\n",
                    verb, s.name, s.experiment, s.n, s.nucleus, s.larmor_hz * 1e-6,
                    s.temperature_k);
    }
    if (status == SRX_OK) {
        status = srx_h5_commit(f, &diag);
        if (status != SRX_OK)
            fprintf(stderr, "spinrelax %s: %s: %s\n", verb, pos[0], diag.message);
    }
    if (status != SRX_OK)
        exit_status = cli_exit_for(status);
    srx_h5_close(f); /* an uncommitted session leaves OUT.h5 untouched */
    srx_import_result_free(&res);
    return exit_status;
}

int cli_import_bruker(int argc, char **argv)
{
    return import_verb(SRC_BRUKER, "import-bruker", help_bruker, argc, argv);
}

int cli_import_varian(int argc, char **argv)
{
    return import_verb(SRC_VARIAN, "import-varian", help_varian, argc, argv);
}

int cli_import_pdc(int argc, char **argv)
{
    return import_verb(SRC_PDC, "import-pdc", help_pdc, argc, argv);
}
