/* pdc: synthetic Dynamics Center exports written by the test (layout of
 * the 2012/2014 exports: tabs, blank rows, peak names with spaces). */
#include <string.h>

#include "spinrelax.h"
#include "testlib.h"
#include "importtest.h"

static const char *good =
    "$##1.0\n\nProject:      \tDynamic method/T1\n\nSECTION:\t sample information \n"
    "sample name:\t demo\nDescription/Title:\t synthetic\nTemperature (K):\t 298.0\n"
    "Labelling:\t 15N    \n\nSECTION:\t relevant parameters\nProton frequency[MHz]:\t 500.125\n"
    "X nucleus frequency[MHz]:\t 50.677\n\n\nSECTION:\t integrals\n"
    "Mixing time [s]:\t       0.01000000\t       0.10000000\t       0.50000000\t  1.0\n"
    "Peak name\t              I0\t              I1\t              I2\t I3\n       \n"
    "    Gln [2]\t  100.0\t  90.0\t  60.5\t 36.75\n"
    "       A5\t  -1e3\t  2.5e2\t  0\t 1\n       \n"
    "SECTION:\t integral errors\n"
    "Mixing time [s]:\t       0.01000000\t       0.10000000\t       0.50000000\t  1.0\n"
    "Peak name\t              I0\t              I1\t              I2\t I3\n        \n"
    "    Gln [2]\t  1.5\t  1.5\t  1.25\t 1\n"
    "       A5\t  2\t  2\t  2\t 2\n       \n\n"
    "SECTION:\t results\nPeak name\t T1 [s]\nGln [2]\t 1.0\n";

static int import_text(const char *text, const srx_import_options *o, srx_import_result *r,
                       srx_diag *dg)
{
    char dir[256], p[512];
    int st;
    srxt_scratch(dir, sizeof dir, "pdc");
    srxt_write_text(dir, "export.txt", text);
    snprintf(p, sizeof p, "%s/export.txt", dir);
    st = srx_pdc_import(p, o, r, dg);
    if (st != SRX_OK)
        ck_assert_uint_eq(r->n_series, 0);
    srxt_rmtree(dir);
    return st;
}

START_TEST(parse_export)
{
    srx_import_result r;
    srx_diag dg;
    const srx_import_series *s;
    int st = import_text(good, NULL, &r, &dg);
    ck_assert_msg(st == SRX_OK, "%s", dg.message);
    ck_assert_uint_eq(r.n_series, 2);
    s = &r.series[0];
    ck_assert_str_eq(s->name, "Gln [2]");
    ck_assert_str_eq(s->experiment, "longitudinal_decay");
    ck_assert_str_eq(s->nucleus, "15N");
    ck_assert_str_eq(s->title, "demo / synthetic");
    ck_assert_double_eq(s->larmor_hz, 50.677e6);
    ck_assert_double_eq(s->temperature_k, 298.0);
    ck_assert_uint_eq(s->n, 4);
    ck_assert_double_eq(s->delay_s[1], 0.1);
    ck_assert_double_eq(s->delay_s[3], 1.0);
    ck_assert_double_eq(s->signal[3], 36.75);
    ck_assert_ptr_nonnull(s->sigma);
    ck_assert_double_eq(s->sigma[2], 1.25);
    s = &r.series[1];
    ck_assert_str_eq(s->name, "A5");
    ck_assert_double_eq(s->signal[0], -1e3);
    ck_assert_double_eq(s->sigma[0], 2);
    ck_assert_uint_eq(r.n_warnings, 0);
    srx_import_result_free(&r);
}
END_TEST

START_TEST(experiment_override)
{
    srx_import_result r;
    srx_import_options o;
    srx_import_options_init(&o);
    o.experiment = "spin_lock";
    o.spinlock_hz = 2e4;
    o.temperature_k = 310;
    o.nucleus = "1H";
    ck_assert_int_eq(import_text(good, &o, &r, NULL), SRX_OK);
    ck_assert_str_eq(r.series[1].experiment, "spin_lock");
    ck_assert_double_eq(r.series[1].spinlock_hz, 2e4);
    ck_assert_double_eq(r.series[1].temperature_k, 310);
    ck_assert_str_eq(r.series[1].nucleus, "1H");
    ck_assert(r.n_warnings > 0); /* nucleus and experiment disagree with the file */
    srx_import_result_free(&r);
}
END_TEST

static char *edit(const char *from, const char *to)
{
    const char *p = strstr(good, from);
    char *out = malloc(strlen(good) + strlen(to) + 1);
    ck_assert_ptr_nonnull(p);
    memcpy(out, good, (size_t)(p - good));
    strcpy(out + (p - good), to);
    strcat(out, p + strlen(from));
    return out;
}

START_TEST(bad_exports)
{
    srx_import_result r;
    srx_diag dg;
    char *t;
    t = edit("  60.5\t 36.75", "  60.5");
    ck_assert_int_eq(import_text(t, NULL, &r, &dg), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(dg.message, "Gln [2]"));
    free(t);
    t = edit("  1.25\t 1\n", "  1.25\t 1\t 7\n");
    ck_assert_int_eq(import_text(t, NULL, &r, &dg), SRX_EFORMAT);
    free(t);
    t = edit("  2\t  2\t  2\t 2", "  2\t  0\t  2\t 2");
    ck_assert_int_eq(import_text(t, NULL, &r, &dg), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(dg.message, "error"));
    free(t);
    t = edit("       A5\t  2", "       B7\t  2");
    ck_assert_int_eq(import_text(t, NULL, &r, &dg), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(dg.message, "B7"));
    free(t);
    t = edit("  90.0\t", "  9x0\t");
    ck_assert_int_eq(import_text(t, NULL, &r, &dg), SRX_EFORMAT);
    free(t);
    t = edit("SECTION:\t integrals", "SECTION:\t something");
    ck_assert_int_eq(import_text(t, NULL, &r, &dg), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(dg.message, "integrals"));
    free(t);
    /* no errors section: unweighted with a warning */
    t = edit("SECTION:\t integral errors", "SECTION:\t other");
    ck_assert_int_eq(import_text(t, NULL, &r, &dg), SRX_OK);
    ck_assert_ptr_null(r.series[0].sigma);
    ck_assert_uint_eq(r.n_warnings, 1);
    srx_import_result_free(&r);
    free(t);
    ck_assert_int_eq(srx_pdc_import("no-such-file.txt", NULL, &r, &dg), SRX_EIO);
    ck_assert_int_eq(srx_pdc_import(NULL, NULL, &r, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_pdc_import("x", NULL, NULL, NULL), SRX_EINVAL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pdc");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, parse_export);
    tcase_add_test(tc, experiment_override);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad_exports");
    tcase_add_test(tc, bad_exports);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return srxt_run(suite());
}
