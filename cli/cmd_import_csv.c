/* spinrelax import-csv: add /series/NAME to an HDF5 file from a CSV file. */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "spinrelax.h"

static const char help[] =
    "Usage: spinrelax import-csv OUT.h5 IN.csv --name NAME --experiment EXP --nucleus NUC\n"
    "                            --larmor-hz F --temperature-k T [--spinlock-hz F1]\n"
    "                            [--mas-hz R] [--force]\n"
    "\n"
    "Add /series/NAME to OUT.h5 (created if missing) from a CSV file with the columns\n"
    "delay_s,signal[,sigma]: one point per line, an optional header line, '#' comments\n"
    "and blank lines ignored.  OUT.h5 is rewritten safely: a copy is modified and then\n"
    "renamed over the original, so an interrupted run leaves it unchanged.\n"
    "\n"
    "  --name NAME          link name of the series (no '/')\n"
    "  --experiment EXP     saturation_recovery | inversion_recovery | spin_lock |\n"
    "                       longitudinal_decay\n"
    "  --nucleus NUC        isotope label, e.g. 7Li\n"
    "  --larmor-hz F        Larmor frequency in Hz (> 0)\n"
    "  --temperature-k T    sample temperature in K (> 0)\n"
    "  --spinlock-hz F1     locking field in Hz (required for spin_lock)\n"
    "  --mas-hz R           spinning frequency in Hz (default 0: static)\n"
    "  --force              replace an existing series of the same name\n"
    "\n"
    "Exit status: 0 success, 1 bad usage or input, 3 I/O failure.\n";

#define MAX_CSV_BYTES ((size_t)1 << 30)

static int exit_for(int status)
{
    return status == SRX_EIO || status == SRX_ENOMEM ? CLI_EXIT_IO : CLI_EXIT_USAGE;
}

/* Read a whole file; returns 0 or prints and returns an exit status. */
static int slurp(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 65536, n = 0;
    char *buf;
    if (!f) {
        fprintf(stderr, "spinrelax import-csv: %s: cannot open: %s\n", path, strerror(errno));
        return CLI_EXIT_IO;
    }
    buf = malloc(cap);
    while (buf) {
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
        if (n == cap) {
            char *p = cap < MAX_CSV_BYTES ? realloc(buf, 2 * cap) : NULL;
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
    }
    if (!buf || ferror(f)) {
        fprintf(stderr, "spinrelax import-csv: %s: cannot read%s\n", path,
                buf ? "" : " (too large or out of memory)");
        free(buf);
        fclose(f);
        return CLI_EXIT_IO;
    }
    fclose(f);
    *text = buf;
    *len = n;
    return 0;
}

int cli_import_csv(int argc, char **argv)
{
    const char *name = NULL, *experiment = NULL, *nucleus = NULL, *pos[2];
    double larmor = NAN, temperature = NAN, spinlock = 0.0, mas = 0.0;
    int force = 0, npos = 0, status, rc;
    const cli_opt opts[] = {{"name", CLI_STRING, &name, NULL},
                            {"experiment", CLI_STRING, &experiment, NULL},
                            {"nucleus", CLI_STRING, &nucleus, NULL},
                            {"larmor-hz", CLI_DOUBLE, &larmor, NULL},
                            {"temperature-k", CLI_DOUBLE, &temperature, NULL},
                            {"spinlock-hz", CLI_DOUBLE, &spinlock, NULL},
                            {"mas-hz", CLI_DOUBLE, &mas, NULL},
                            {"force", CLI_FLAG, &force, NULL},
                            {NULL, 0, NULL, NULL}};
    srx_h5_series s;
    srx_diag diag;
    srx_h5file *f = NULL;
    char *text = NULL;
    size_t len = 0;
    struct stat st;

    status = cli_parse("import-csv", argc, argv, opts, pos, 2, &npos);
    if (status < 0) {
        fputs(help, stdout);
        return CLI_EXIT_OK;
    }
    if (status)
        return status;
    if (npos != 2) {
        fprintf(stderr, "spinrelax import-csv: need OUT.h5 and IN.csv (see spinrelax import-csv --help)\n");
        return CLI_EXIT_USAGE;
    }
    {
        const char *missing = !name ? "name" : !experiment ? "experiment" : !nucleus ? "nucleus"
                            : isnan(larmor) ? "larmor-hz" : isnan(temperature) ? "temperature-k"
                                                                                : NULL;
        if (missing) {
            fprintf(stderr, "spinrelax import-csv: --%s is required (see spinrelax import-csv --help)\n",
                    missing);
            return CLI_EXIT_USAGE;
        }
    }
    srx_h5_series_init(&s);
    if (strlen(name) >= sizeof s.name || !name[0] || strchr(name, '/') || !strcmp(name, ".") ||
        !strcmp(name, "..")) {
        fprintf(stderr, "spinrelax import-csv: --name '%s': must be 1 to %zu bytes without '/'\n",
                name, sizeof s.name - 1);
        return CLI_EXIT_USAGE;
    }
    if (strlen(experiment) >= sizeof s.experiment || strlen(nucleus) >= sizeof s.nucleus) {
        fprintf(stderr, "spinrelax import-csv: --experiment or --nucleus is too long\n");
        return CLI_EXIT_USAGE;
    }
    strcpy(s.name, name);
    strcpy(s.experiment, experiment);
    strcpy(s.nucleus, nucleus);
    s.larmor_hz = larmor;
    s.temperature_k = temperature;
    s.spinlock_hz = spinlock;
    s.mas_hz = mas;

    if ((rc = slurp(pos[1], &text, &len)))
        return rc;
    status = srx_h5_parse_csv(text, len, &s, &diag);
    free(text);
    if (status == SRX_OK)
        status = srx_h5_series_check(&s, &diag);
    if (status) {
        fprintf(stderr, "spinrelax import-csv: %s: %s\n", pos[1], diag.message);
        srx_h5_series_clear(&s);
        return exit_for(status);
    }

    /* An existing output file is first read in a separate process, so that a
     * damaged file gives an error instead of crashing this one. */
    if (stat(pos[0], &st) == 0) {
        srx_h5_contents *c = NULL;
        size_t i;
        status = srx_h5_load(pos[0], 60.0, &c, &diag);
        if (status) {
            fprintf(stderr, "spinrelax import-csv: %s\n", diag.message);
            srx_h5_series_clear(&s);
            return exit_for(status);
        }
        for (i = 0; i < c->n_series && !force; i++) {
            if (strcmp(c->series[i].name, name) == 0) {
                fprintf(stderr,
                        "spinrelax import-csv: %s: /series/%s already exists (use --force to replace it)\n",
                        pos[0], name);
                srx_h5_contents_free(c);
                srx_h5_series_clear(&s);
                return CLI_EXIT_USAGE;
            }
        }
        srx_h5_contents_free(c);
    }
    status = srx_h5_open(pos[0], SRX_H5_CREATE, &f, &diag);
    if (status == SRX_OK)
        status = srx_h5_write_series(f, &s, force, &diag);
    if (status == SRX_OK)
        status = srx_h5_commit(f, &diag);
    srx_h5_close(f);
    srx_h5_series_clear(&s);
    if (status) {
        fprintf(stderr, "spinrelax import-csv: %s\n", diag.message);
        return exit_for(status);
    }
    return CLI_EXIT_OK;
}
