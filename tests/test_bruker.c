/* bruker: synthetic TopSpin data sets written by the test (int32 little and
 * big endian, float64, stored and tabulated group delays) with known
 * amplitudes per increment; delay lists; consistency errors; the
 * nucleus-label check. */
#include <stdint.h>
#include <string.h>

#include "spinrelax.h"
#include "testlib.h"
#include "importtest.h"

#define PI 3.14159265358979323846
#define TD 4096
#define SWH 20000.0
#define F0 1500.0
#define T2 0.005
#define T1 0.05

static const double delays[8] = {0.001, 0.005, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0};
static const char *vdlist = "1m\n5m\n20m\n50m\n0.1\n200m\n0.5\n1\n";

static double amp_of(size_t i) /* saturation recovery */
{
    return 1e6 * (1.0 - exp(-delays[i] / T1));
}

typedef struct spec {
    int big, dtypa;
    double grpdly;     /* stored GRPDLY (-1: not stored) */
    double true_delay; /* the delay the synthetic FID really has */
    int dspfvs, decim, digmod;
    const char *nuc, *pulprog;
    double bf1, bf2, sfo1;
    size_t td1;
    long ser_cut;      /* bytes removed from the end of ser */
} spec;

static void spec_init(spec *s)
{
    memset(s, 0, sizeof *s);
    s->grpdly = 68;
    s->true_delay = 68;
    s->dspfvs = 20;
    s->decim = 20;
    s->digmod = 1;
    s->nuc = "7Li";
    s->pulprog = "satrect1";
    s->bf2 = 400.13;
    s->bf1 = 0.38863797 * 400.13; /* 7Li: Xi = 38.863797 % (IUPAC) of the 1H BF */
    s->sfo1 = s->bf1 + 0.0005;
    s->td1 = 8;
}

static void put32(unsigned char *b, uint32_t u, int big)
{
    int i;
    for (i = 0; i < 4; i++)
        b[i] = (unsigned char)(u >> (big ? 24 - 8 * i : 8 * i));
}

static void put64(unsigned char *b, uint64_t u, int big)
{
    int i;
    for (i = 0; i < 8; i++)
        b[i] = (unsigned char)(u >> (big ? 56 - 8 * i : 8 * i));
}

static void write_set(const char *dir, const spec *s)
{
    char text[4096], p[4096];
    size_t ws = s->dtypa == 2 ? 8 : 4, fidbytes = (TD * ws + 1023) / 1024 * 1024, i, k;
    unsigned char *ser = calloc(s->td1 * fidbytes + 1024, 1); /* + room for ser_cut < 0 */
    snprintf(text, sizeof text,
             "##TITLE= Parameter file\n##JCAMPDX= 5.0\n##$AQ_mod= 3\n##$BF1= %.7f\n"
             "##$BF2= %.7f\n##$BYTORDA= %d\n##$DECIM= %d\n##$DIGMOD= %d\n##$DSPFVS= %d\n"
             "##$DTYPA= %d\n##$GRPDLY= %g\n##$NUC1= <%s>\n##$NUC2= <off>\n##$PULPROG= <%s>\n"
             "##$SFO1= %.9f\n##$SW_h= %.6f\n##$TD= %d\n##$TE= 300.5\n##END=\n",
             s->bf1, s->bf2, s->big, s->decim, s->digmod, s->dspfvs, s->dtypa, s->grpdly, s->nuc,
             s->pulprog, s->sfo1, SWH, TD);
    srxt_write_text(dir, "acqus", text);
    snprintf(text, sizeof text, "##TITLE= Parameter file\n##$TD= %zu\n##$NUC1= <1H>\n##END=\n",
             s->td1);
    srxt_write_text(dir, "acqu2s", text);
    srxt_write_text(dir, "vdlist", vdlist);
    snprintf(p, sizeof p, "%s/pdata", dir);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/pdata/1", dir);
    mkdir(p, 0777);
    srxt_write_text(dir, "pdata/1/title", "synthetic\n  saturation recovery  \n\n");
    for (i = 0; i < s->td1; i++)
        for (k = 0; k < TD / 2; k++) {
            double t = ((double)k - s->true_delay) / SWH, re = 0, im = 0;
            unsigned char *b = ser + i * fidbytes + 2 * k * ws;
            if (t >= 0) {
                double a = amp_of(i % 8) * exp(-t / T2);
                re = a * cos(2 * PI * F0 * t + 0.8);
                im = a * sin(2 * PI * F0 * t + 0.8);
            }
            if (s->dtypa == 2) {
                uint64_t u;
                memcpy(&u, &re, 8);
                put64(b, u, s->big);
                memcpy(&u, &im, 8);
                put64(b + 8, u, s->big);
            } else {
                put32(b, (uint32_t)(int32_t)lrint(re), s->big);
                put32(b + 4, (uint32_t)(int32_t)lrint(im), s->big);
            }
        }
    srxt_write(dir, "ser", ser, s->td1 * fidbytes - (size_t)s->ser_cut);
    free(ser);
}

/* import and check integrals proportional to the amplitudes, the fit rate */
static void check_set(const spec *s)
{
    char dir[256];
    srx_import_result r;
    srx_spectrum1d_info info;
    srx_diag dg;
    srx_transient_options to;
    srx_transient_result tr;
    const srx_import_series *se;
    size_t i;
    int st;
    srxt_scratch(dir, sizeof dir, "bruker-synth");
    write_set(dir, s);
    st = srx_bruker_import(dir, NULL, &r, &info, &dg);
    ck_assert_msg(st == SRX_OK, "%s", dg.message);
    ck_assert_uint_eq(r.n_series, 1);
    se = &r.series[0];
    ck_assert_uint_eq(se->n, 8);
    ck_assert_str_eq(se->experiment, "saturation_recovery");
    ck_assert_str_eq(se->nucleus, "7Li");
    ck_assert_str_eq(se->pulse_program, "satrect1");
    ck_assert_str_eq(se->title, "synthetic / saturation recovery");
    ck_assert_str_eq(se->source, dir);
    ck_assert_double_eq_tol(se->larmor_hz, s->sfo1 * 1e6, 1e-3);
    ck_assert_double_eq(se->temperature_k, 300.5);
    ck_assert_double_eq(se->spinlock_hz, 0.0);
    ck_assert_uint_eq(info.reference, 7); /* longest delay */
    ck_assert(fabs(info.peak_hz - F0) <= SWH / (TD / 2));
    for (i = 0; i < 8; i++) {
        srxt_assert_rel(se->delay_s[i], delays[i], 1e-15);
        /* linear chain: integral / amplitude constant; int32 rounding of
         * the FID (0.29 rms per point) is < 1e-5 of the smallest integral */
        srxt_assert_rel(se->signal[i] / amp_of(i), se->signal[7] / amp_of(7), 1e-4);
    }
    /* region fraction of the Lorentzian (HWHM 32 Hz) > 0.9 */
    ck_assert(se->signal[7] / amp_of(7) > 0.9 && se->signal[7] / amp_of(7) < 1.0);
    srx_transient_options_init(&to);
    to.shape = SRX_TRANSIENT_EXPONENTIAL;
    ck_assert_int_eq(srx_transient_fit(se->delay_s, se->signal, NULL, se->n,
                                       SRX_EXPERIMENT_SATURATION_RECOVERY, &to, &tr, NULL),
                     SRX_OK);
    srxt_assert_rel(tr.rate_per_s, 1.0 / T1, 1e-4);
    for (i = 0; i < r.n_warnings; i++)
        ck_assert_msg(strstr(r.warnings[i], "NUC1") == NULL, "unexpected: %s", r.warnings[i]);
    srx_import_result_free(&r);
    srxt_rmtree(dir);
}

START_TEST(int32_little_endian_grpdly)
{
    spec s;
    spec_init(&s);
    check_set(&s);
}
END_TEST

START_TEST(int32_big_endian_table_delay)
{
    spec s;
    spec_init(&s);
    s.big = 1;
    s.grpdly = -1;
    s.dspfvs = 10;
    s.decim = 12;
    s.true_delay = 60.375;
    check_set(&s);
}
END_TEST

START_TEST(float64_no_filter)
{
    spec s;
    spec_init(&s);
    s.dtypa = 2;
    s.digmod = 0;
    s.grpdly = -1;
    s.true_delay = 0;
    check_set(&s);
}
END_TEST

START_TEST(float64_big_endian)
{
    spec s;
    spec_init(&s);
    s.dtypa = 2;
    s.big = 1;
    check_set(&s);
}
END_TEST

static int import_status(const spec *s, void (*edit)(const char *dir), const srx_import_options *o,
                         srx_diag *dg, srx_import_result *r)
{
    char dir[256];
    int st;
    srxt_scratch(dir, sizeof dir, "bruker-bad");
    write_set(dir, s);
    if (edit)
        edit(dir);
    st = srx_bruker_import(dir, o, r, NULL, dg);
    if (st != SRX_OK)
        ck_assert_uint_eq(r->n_series, 0); /* no partial series */
    srxt_rmtree(dir);
    return st;
}

static void short_list(const char *dir)
{
    srxt_write_text(dir, "vdlist", "1m\n5m\n20m\n50m\n0.1\n200m\n0.5\n");
}
static void long_list(const char *dir)
{
    srxt_write_text(dir, "vdlist", "1m\n5m\n20m\n50m\n0.1\n200m\n0.5\n1\n2\n");
}
static void bad_list(const char *dir)
{
    srxt_write_text(dir, "vdlist", "1m\n5m\nabc\n");
}
static void no_acqus(const char *dir)
{
    char p[512];
    snprintf(p, sizeof p, "%s/acqus", dir);
    unlink(p);
}
static void no_acqu2s(const char *dir)
{
    char p[512];
    snprintf(p, sizeof p, "%s/acqu2s", dir);
    unlink(p);
}
static void no_list(const char *dir)
{
    char p[512];
    snprintf(p, sizeof p, "%s/vdlist", dir);
    unlink(p);
}
static void vclist_only(const char *dir)
{
    no_list(dir);
    srxt_write_text(dir, "vclist", "1\n5\n20\n50\n100\n200\n500\n1000\n");
}
static void vplist_only(const char *dir)
{
    no_list(dir);
    srxt_write_text(dir, "vplist", "1000\n5000\n20m\n50m\n100000\n200m\n0.5s\n1000000u\n");
}

START_TEST(consistency_errors)
{
    spec s;
    srx_diag dg;
    srx_import_result r;
    srx_import_options o;
    spec_init(&s);
    s.ser_cut = 100;
    ck_assert_int_eq(import_status(&s, NULL, NULL, &dg, &r), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(dg.message, "truncated"));
    ck_assert_ptr_nonnull(strstr(dg.message, "ser"));
    s.ser_cut = -1024; /* one block too many */
    ck_assert_int_eq(import_status(&s, NULL, NULL, &dg, &r), SRX_EFORMAT);
    spec_init(&s);
    ck_assert_int_eq(import_status(&s, short_list, NULL, &dg, &r), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(dg.message, "TD1"));
    ck_assert_ptr_nonnull(strstr(dg.message, "vdlist"));
    ck_assert_int_eq(import_status(&s, bad_list, NULL, &dg, &r), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(dg.message, "abc"));
    ck_assert_int_eq(import_status(&s, no_acqus, NULL, &dg, &r), SRX_EIO);
    ck_assert_ptr_nonnull(strstr(dg.message, "acqus"));
    ck_assert_int_eq(import_status(&s, no_acqu2s, NULL, &dg, &r), SRX_EIO);
    ck_assert_ptr_nonnull(strstr(dg.message, "acqu2s"));
    ck_assert_int_eq(import_status(&s, no_list, NULL, &dg, &r), SRX_EIO);
    ck_assert_ptr_nonnull(strstr(dg.message, "vdlist"));
    ck_assert_int_eq(import_status(&s, vclist_only, NULL, &dg, &r), SRX_EINVAL);
    ck_assert_ptr_nonnull(strstr(dg.message, "vc_period_s"));
    /* a longer list is what TopSpin allows: warning, first TD1 used */
    ck_assert_int_eq(import_status(&s, long_list, NULL, &dg, &r), SRX_OK);
    ck_assert_uint_eq(r.series[0].n, 8);
    ck_assert_ptr_nonnull(strstr(r.warnings[0], "first 8"));
    srx_import_result_free(&r);
    /* unknown pulse program: error unless the experiment is given */
    s.pulprog = "zg30";
    ck_assert_int_eq(import_status(&s, NULL, NULL, &dg, &r), SRX_EINVAL);
    ck_assert_str_eq(dg.message, "unknown pulse program zg30: give the experiment");
    srx_import_options_init(&o);
    o.experiment = "saturation_recovery";
    ck_assert_int_eq(import_status(&s, NULL, &o, &dg, &r), SRX_OK);
    ck_assert_str_eq(r.series[0].experiment, "saturation_recovery");
    srx_import_result_free(&r);
    /* vplist (microseconds by default) and vclist with a period */
    spec_init(&s);
    ck_assert_int_eq(import_status(&s, vplist_only, NULL, &dg, &r), SRX_OK);
    srxt_assert_rel(r.series[0].delay_s[0], 1e-3, 1e-12);
    srxt_assert_rel(r.series[0].delay_s[6], 0.5, 1e-12);
    srxt_assert_rel(r.series[0].delay_s[7], 1.0, 1e-12);
    srx_import_result_free(&r);
    o.experiment = NULL;
    o.vc_period_s = 1e-3;
    ck_assert_int_eq(import_status(&s, vclist_only, &o, &dg, &r), SRX_OK);
    srxt_assert_rel(r.series[0].delay_s[7], 1.0, 1e-12);
    srx_import_result_free(&r);
}
END_TEST

START_TEST(nucleus_label_check)
{
    spec s;
    srx_diag dg;
    srx_import_result r;
    size_t i;
    int found = 0;
    /* a 1H experiment labelled 15N (as in the DNPLab set): BF1 = SFO1 =
     * 1H frequency of a 400 MHz magnet whose other channels say 400.13 */
    spec_init(&s);
    s.nuc = "15N";
    s.bf1 = 400.13;
    s.sfo1 = 400.1312;
    s.bf2 = 400.13;
    ck_assert_int_eq(import_status(&s, NULL, NULL, &dg, &r), SRX_OK);
    for (i = 0; i < r.n_warnings; i++)
        if (strstr(r.warnings[i], "NUC1 = 15N") && strstr(r.warnings[i], "1H"))
            found = 1;
    ck_assert_msg(found, "no nucleus warning");
    ck_assert_str_eq(r.series[0].nucleus, "15N"); /* the label is kept, the user decides */
    srx_import_result_free(&r);
    /* consistent 7Li at 400.13 MHz: BF1 = 0.38863797 * 400.13 */
    spec_init(&s);
    s.bf1 = 0.38863797 * 400.13;
    s.sfo1 = s.bf1 + 0.0005;
    ck_assert_int_eq(import_status(&s, NULL, NULL, &dg, &r), SRX_OK);
    for (i = 0; i < r.n_warnings; i++)
        ck_assert_msg(strstr(r.warnings[i], "NUC1") == NULL, "%s", r.warnings[i]);
    srx_import_result_free(&r);
}
END_TEST

START_TEST(delay_lists)
{
    double v[8];
    size_t n;
    srx_diag dg;
    ck_assert_int_eq(srx_bruker_parse_list("20.000m\n56.854m\r\n1.306\n5u\n# c\n\n3s\n 7n \n", 1.0,
                                           v, 8, &n, NULL),
                     SRX_OK);
    ck_assert_uint_eq(n, 6);
    srxt_assert_rel(v[0], 0.020, 1e-15);
    srxt_assert_rel(v[1], 0.056854, 1e-15);
    srxt_assert_rel(v[2], 1.306, 1e-15);
    srxt_assert_rel(v[3], 5e-6, 1e-15);
    srxt_assert_rel(v[4], 3.0, 1e-15);
    srxt_assert_rel(v[5], 7e-9, 1e-15);
    ck_assert_int_eq(srx_bruker_parse_list("100\n200u\n1m\n", 1e-6, v, 8, &n, NULL), SRX_OK);
    ck_assert_uint_eq(n, 3);
    srxt_assert_rel(v[0], 1e-4, 1e-15);
    srxt_assert_rel(v[1], 2e-4, 1e-15);
    srxt_assert_rel(v[2], 1e-3, 1e-15);
    ck_assert_int_eq(srx_bruker_parse_list("1\n2x\n", 1.0, v, 8, &n, &dg), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(dg.message, "line 2"));
    ck_assert_int_eq(srx_bruker_parse_list("1\n2mm\n", 1.0, v, 8, &n, NULL), SRX_EFORMAT);
    ck_assert_int_eq(srx_bruker_parse_list(NULL, 1.0, v, 8, &n, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_bruker_parse_list("1", 0.0, v, 8, &n, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_bruker_parse_list("1", 1.0, NULL, 8, &n, NULL), SRX_EINVAL);
}
END_TEST

START_TEST(bad_arguments)
{
    srx_import_result r;
    srx_import_options o;
    ck_assert_int_eq(srx_bruker_import(NULL, NULL, &r, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_bruker_import(".", NULL, NULL, NULL, NULL), SRX_EINVAL);
    srx_import_options_init(&o);
    o.experiment = "t1";
    ck_assert_int_eq(srx_bruker_import(".", &o, &r, NULL, NULL), SRX_EINVAL);
    srx_import_options_init(&o);
    o.line_broadening_hz = -1;
    ck_assert_int_eq(srx_bruker_import(".", &o, &r, NULL, NULL), SRX_EINVAL);
    srx_import_options_init(&o);
    o.region_lo_ppm = 3;
    ck_assert_int_eq(srx_bruker_import(".", &o, &r, NULL, NULL), SRX_EINVAL);
    srx_import_options_init(&o);
    o.temperature_k = -3;
    ck_assert_int_eq(srx_bruker_import(".", &o, &r, NULL, NULL), SRX_EINVAL);
    srx_import_options_init(&o);
    o.vc_period_s = 0;
    ck_assert_int_eq(srx_bruker_import(".", &o, &r, NULL, NULL), SRX_EINVAL);
    srx_import_result_free(NULL);
    srx_import_options_init(NULL);
    srx_import_result_init(NULL);
}
END_TEST

START_TEST(experiment_names)
{
    const char *e;
    srx_diag dg;
    ck_assert_int_eq(srx_import_experiment_from_pulse_program("satrect1nodec", &e, NULL), SRX_OK);
    ck_assert_str_eq(e, "saturation_recovery");
    ck_assert_int_eq(srx_import_experiment_from_pulse_program("jf_fir", &e, NULL), SRX_OK);
    ck_assert_str_eq(e, "inversion_recovery");
    ck_assert_int_eq(srx_import_experiment_from_pulse_program("t1irpg", &e, NULL), SRX_OK);
    ck_assert_str_eq(e, "inversion_recovery");
    ck_assert_int_eq(srx_import_experiment_from_pulse_program("T1SR", &e, NULL), SRX_OK);
    ck_assert_str_eq(e, "saturation_recovery");
    ck_assert_int_eq(srx_import_experiment_from_pulse_program("t1rho_sl", &e, NULL), SRX_OK);
    ck_assert_str_eq(e, "spin_lock");
    ck_assert_int_eq(srx_import_experiment_from_pulse_program("hsqct1etf3gpsi", &e, NULL), SRX_OK);
    ck_assert_str_eq(e, "longitudinal_decay");
    ck_assert_int_eq(srx_import_experiment_from_pulse_program("zg", &e, &dg), SRX_ENOTFOUND);
    ck_assert_str_eq(dg.message, "unknown pulse program zg: give the experiment");
    ck_assert_int_eq(srx_import_experiment_from_pulse_program(NULL, &e, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_import_experiment_check("spin_lock", NULL), SRX_OK);
    ck_assert_int_eq(srx_import_experiment_check("T1", NULL), SRX_EINVAL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("bruker");
    TCase *tc = tcase_create("synthetic_known_truth");
    tcase_add_test(tc, int32_little_endian_grpdly);
    tcase_add_test(tc, int32_big_endian_table_delay);
    tcase_add_test(tc, float64_no_filter);
    tcase_add_test(tc, float64_big_endian);
    suite_add_tcase(s, tc);
    tc = tcase_create("consistency");
    tcase_add_test(tc, consistency_errors);
    tcase_add_test(tc, nucleus_label_check);
    suite_add_tcase(s, tc);
    tc = tcase_create("lists_and_names");
    tcase_add_test(tc, delay_lists);
    tcase_add_test(tc, experiment_names);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return srxt_run(suite());
}
