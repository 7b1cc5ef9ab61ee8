/* Safe writes: writers are SIGKILLed at random moments (random delays in
 * microseconds) while they replace results in a loop; after every kill the
 * input file must open, every /series dataset must be bit-identical to what
 * was written at the start, and /results must be one complete generation
 * (old or new).  Orphan temporary copies (".NAME.srx-tmp-XXXXXX") may remain
 * after a kill; they are counted, checked not to be the real file, and
 * removed (the documented cleanup).  Rounds: 150 (SRX_LONG: 1000). */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "spinrelax.h"

#define NSERIES 12
#define NPOINTS 200

static char dir[512], path[600];
static double ref_delay[NSERIES][NPOINTS], ref_signal[NSERIES][NPOINTS];

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "FAIL: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 1;
}

static void series_name(char *buf, size_t size, int i)
{
    snprintf(buf, size, "T1_%03dK", 300 + 10 * i);
}

/* A writer session: replace the transient table and a result group, commit.
 * `gen` marks the generation in every row. */
static int write_generation(int gen)
{
    srx_h5file *h;
    srx_h5_transient_row rows[NSERIES];
    char names[NSERIES][32];
    srx_h5_number num[2];
    srx_diag d;
    int i;
    if (srx_h5_open(path, SRX_H5_UPDATE, &h, &d) != SRX_OK)
        return 1;
    for (i = 0; i < NSERIES; i++) {
        series_name(names[i], sizeof names[i], i);
        memset(&rows[i], 0, sizeof rows[i]);
        rows[i].series = names[i];
        rows[i].experiment = "saturation_recovery";
        rows[i].temperature_k = 300 + 10 * i;
        rows[i].rate_per_s = gen; /* every row of a generation carries its number */
        rows[i].stretch = 1.0;
    }
    num[0].name = "ea_ev";
    num[0].value = gen;
    num[1].name = "generation";
    num[1].value = gen;
    if (srx_h5_write_transients(h, rows, NSERIES, &d) != SRX_OK ||
        srx_h5_write_result(h, "peak", "bpp", "bpp", num, 2, NULL, 0, &d) != SRX_OK ||
        srx_h5_commit(h, &d) != SRX_OK) {
        srx_h5_close(h);
        return 1;
    }
    srx_h5_close(h);
    return 0;
}

static int setup(void)
{
    srx_h5file *h;
    srx_diag d;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int i, k;
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/srxkill.XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir))
        return fail("mkdtemp", NULL);
    snprintf(path, sizeof path, "%s/data.h5", dir);
    if (srx_h5_open(path, SRX_H5_CREATE, &h, &d) != SRX_OK)
        return fail("create", d.message);
    gsl_rng_set(r, 42);
    for (i = 0; i < NSERIES; i++) {
        srx_h5_series s;
        srx_h5_series_init(&s);
        series_name(s.name, sizeof s.name, i);
        strcpy(s.experiment, "saturation_recovery");
        strcpy(s.nucleus, "7Li");
        s.larmor_hz = 116.59e6;
        s.temperature_k = 300 + 10 * i;
        s.n = NPOINTS;
        s.delay_s = ref_delay[i];
        s.signal = ref_signal[i];
        for (k = 0; k < NPOINTS; k++) {
            ref_delay[i][k] = 1e-4 * (k + 1) * (1.0 + gsl_rng_uniform(r));
            ref_signal[i][k] = 1e4 * gsl_rng_uniform(r) - 100.0; /* arbitrary bit patterns */
        }
        if (srx_h5_write_series(h, &s, 0, &d) != SRX_OK)
            return fail("write series", d.message);
    }
    gsl_rng_free(r);
    if (srx_h5_commit(h, &d) != SRX_OK)
        return fail("commit", d.message);
    srx_h5_close(h);
    return write_generation(0) ? fail("first generation", NULL) : 0;
}

/* The file must hold the original series bit for bit and one complete
 * generation of results; returns that generation or -1. */
static int verify(void)
{
    srx_h5file *h;
    srx_h5_transients t;
    srx_diag d;
    double g1, g2;
    size_t k;
    int i;
    if (srx_h5_open(path, SRX_H5_READ, &h, &d) != SRX_OK) {
        fail("open after kill", d.message);
        return -1;
    }
    for (i = 0; i < NSERIES; i++) {
        srx_h5_series s;
        char name[32];
        series_name(name, sizeof name, i);
        srx_h5_series_init(&s);
        if (srx_h5_read_series(h, name, &s, &d) != SRX_OK || s.n != NPOINTS ||
            memcmp(s.delay_s, ref_delay[i], sizeof ref_delay[i]) != 0 ||
            memcmp(s.signal, ref_signal[i], sizeof ref_signal[i]) != 0) {
            fail("series changed", name);
            srx_h5_series_clear(&s);
            srx_h5_close(h);
            return -1;
        }
        srx_h5_series_clear(&s);
    }
    if (srx_h5_read_transients(h, &t, &d) != SRX_OK || t.n != NSERIES ||
        srx_h5_read_result_number(h, "peak", "bpp", "ea_ev", &g1, &d) != SRX_OK ||
        srx_h5_read_result_number(h, "peak", "bpp", "generation", &g2, &d) != SRX_OK) {
        fail("results unreadable", d.message);
        srx_h5_close(h);
        return -1;
    }
    for (k = 0; k < t.n; k++)
        if (t.row[k].rate_per_s != g1 || g1 != g2) {
            fail("results mix two generations", NULL);
            srx_h5_transients_clear(&t);
            srx_h5_close(h);
            return -1;
        }
    srx_h5_transients_clear(&t);
    srx_h5_close(h);
    return (int)g1;
}

/* Remove orphan copies; fail on anything else unexpected. */
static int sweep(int *orphans)
{
    DIR *dd = opendir(dir);
    struct dirent *e;
    char p[1200];
    int bad = 0;
    while ((e = readdir(dd))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "data.h5"))
            continue;
        if (strncmp(e->d_name, ".data.h5.srx-tmp-", 17) == 0) {
            (*orphans)++;
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        } else {
            bad = fail("unexpected file", e->d_name);
        }
    }
    closedir(dd);
    return bad;
}

int main(void)
{
    const char *l = getenv("SRX_LONG");
    int rounds = l && *l && *l != '0' ? 1000 : 150, round, orphans = 0, last = 0, killed_mid = 0;
    gsl_rng *r;
    if (setup())
        return 1;
    r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    for (round = 1; round <= rounds; round++) {
        pid_t pid = fork();
        int st, gen;
        if (pid == 0) {
            int g;
            for (g = round * 1000;; g++) /* write until killed */
                if (write_generation(g))
                    _exit(2);
        }
        if (pid < 0)
            return fail("fork", NULL);
        usleep((useconds_t)gsl_rng_uniform_int(r, 40000));
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        if (!WIFSIGNALED(st))
            return fail("writer ended by itself", NULL);
        gen = verify();
        if (gen < 0)
            return 1;
        if (gen != last)
            killed_mid++;
        last = gen;
        if (sweep(&orphans))
            return 1;
    }
    /* a finished run after all that still works and leaves no copy behind */
    if (write_generation(424242) || verify() != 424242)
        return fail("final write", NULL);
    if (sweep(&orphans))
        return 1;
    rmdir(dir);
    gsl_rng_free(r);
    printf("%d kills: input intact every time; %d rounds had committed new results; "
           "%d orphan temporary copies removed\n",
           rounds, killed_mid, orphans);
    return 0;
}
