/* varian: synthetic VnmrJ fid + procpar written by the test (float32,
 * int32, int16) with known amplitudes; header/size consistency errors. */
#include <stdint.h>
#include <string.h>

#include "spinrelax.h"
#include "testlib.h"
#include "importtest.h"

#define PI 3.14159265358979323846
#define NP 2048
#define SWH 50000.0
#define F0 -2500.0
#define T2 0.002
#define T1 0.3

static const double delays[8] = {0.001, 0.01, 0.05, 0.1, 0.3, 0.6, 1.5, 3.0};

static double amp_of(size_t i)
{
    return 2e4 * (1.0 - exp(-delays[i] / T1));
}

static void put32(unsigned char *b, uint32_t u)
{
    b[0] = (unsigned char)(u >> 24);
    b[1] = (unsigned char)(u >> 16);
    b[2] = (unsigned char)(u >> 8);
    b[3] = (unsigned char)u;
}

/* ebytes 4 + is_float, 4 int32, 2 int16; nvals delays in procpar */
static void write_set(const char *dir, int ebytes, int is_float, size_t nvals, long cut,
                      const char *arrname, int temp_active)
{
    char pp[4096], vals[512] = "";
    size_t i, k, o = 0, nb = 8, tb = NP * (size_t)ebytes, bb = tb + 28;
    unsigned char *f = calloc(1, 32 + nb * bb);
    for (i = 0; i < nvals; i++)
        o += (size_t)snprintf(vals + o, sizeof vals - o, " %g", delays[i % 8]);
    snprintf(pp, sizeof pp,
             "np 7 1 524288 32 2 2 1 11 1 64\n1 %d\n0\n"
             "sw 1 1 5 5 5 2 2 8203 1 64\n1 %.6f\n0\n"
             "sfrq 1 1 1000000000 0 0 2 1 11 1 64\n1 155.4567\n0\n"
             "tn 2 2 4 0 0 2 1 8 1 64\n1 \"Li7\"\n0\n"
             "temp 1 1 200 -150 0.1 2 1 8 %d 64\n1 27\n0\n"
             "seqfil 2 2 8 0 0 2 1 11 1 64\n1 \"satrec_t1\"\n0\n"
             "array 2 2 256 0 0 2 1 1 1 64\n1 \"%s\"\n0\n"
             "arraydim 7 1 32768 1 1 2 1 1 1 64\n1 8\n0\n"
             "%s 3 1 100000000 0 1e-06 2 1 16384 1 64\n%zu%s\n0\n",
             NP, SWH, temp_active, arrname, arrname, nvals, vals);
    srxt_write_text(dir, "procpar", pp);
    srxt_write_text(dir, "text", "synthetic 7Li\n");
    put32(f, (uint32_t)nb);
    put32(f + 4, 1);
    put32(f + 8, NP);
    put32(f + 12, (uint32_t)ebytes);
    put32(f + 16, (uint32_t)tb);
    put32(f + 20, (uint32_t)bb);
    f[26] = 0;
    f[27] = (unsigned char)(0x1 | (is_float ? 0x8 : 0) | (ebytes == 4 && !is_float ? 0x4 : 0));
    put32(f + 28, 1);
    for (i = 0; i < nb; i++) {
        unsigned char *b = f + 32 + i * bb + 28;
        for (k = 0; k < NP / 2; k++) {
            double t = (double)k / SWH, a = amp_of(i) * exp(-t / T2);
            double v[2] = {a * cos(2 * PI * F0 * t - 0.5), a * sin(2 * PI * F0 * t - 0.5)};
            int c;
            for (c = 0; c < 2; c++) {
                if (ebytes == 2) {
                    int16_t s = (int16_t)lrint(v[c]);
                    b[(2 * k + c) * 2] = (unsigned char)((uint16_t)s >> 8);
                    b[(2 * k + c) * 2 + 1] = (unsigned char)((uint16_t)s & 0xff);
                } else if (is_float) {
                    float x = (float)v[c];
                    uint32_t u;
                    memcpy(&u, &x, 4);
                    put32(b + (2 * k + c) * 4, u);
                } else {
                    put32(b + (2 * k + c) * 4, (uint32_t)(int32_t)lrint(v[c] * 1000));
                }
            }
        }
    }
    srxt_write(dir, "fid", f, 32 + nb * bb - (size_t)cut);
    free(f);
}

static void check(int ebytes, int is_float, double tol)
{
    char dir[256];
    srx_import_result r;
    srx_spectrum1d_info info;
    srx_diag dg;
    srx_transient_options to;
    srx_transient_result tr;
    const srx_import_series *s;
    size_t i;
    int st;
    srxt_scratch(dir, sizeof dir, "varian-synth");
    write_set(dir, ebytes, is_float, 8, 0, "d2", 1);
    st = srx_varian_import(dir, NULL, &r, &info, &dg);
    ck_assert_msg(st == SRX_OK, "%s", dg.message);
    s = &r.series[0];
    ck_assert_uint_eq(s->n, 8);
    ck_assert_str_eq(s->nucleus, "7Li");
    ck_assert_str_eq(s->experiment, "saturation_recovery");
    ck_assert_str_eq(s->pulse_program, "satrec_t1");
    ck_assert_str_eq(s->title, "synthetic 7Li");
    ck_assert_double_eq_tol(s->larmor_hz, 155.4567e6, 1e-3);
    ck_assert_double_eq_tol(s->temperature_k, 300.15, 1e-9);
    ck_assert(fabs(info.peak_hz - F0) <= SWH / (NP / 2));
    for (i = 0; i < 8; i++) {
        srxt_assert_rel(s->delay_s[i], delays[i], 1e-15);
        /* linear chain; tol covers the rounding of the stored values
         * (int16: 0.29 rms per point against amplitudes >= 66) */
        srxt_assert_rel(s->signal[i] / amp_of(i), s->signal[7] / amp_of(7), tol);
    }
    srx_transient_options_init(&to);
    to.shape = SRX_TRANSIENT_EXPONENTIAL;
    ck_assert_int_eq(srx_transient_fit(s->delay_s, s->signal, NULL, s->n,
                                       SRX_EXPERIMENT_SATURATION_RECOVERY, &to, &tr, NULL),
                     SRX_OK);
    srxt_assert_rel(tr.rate_per_s, 1.0 / T1, 10 * tol);
    srx_import_result_free(&r);
    srxt_rmtree(dir);
}

START_TEST(float32)
{
    check(4, 1, 1e-5);
}
END_TEST

START_TEST(int32)
{
    check(4, 0, 1e-5);
}
END_TEST

START_TEST(int16)
{
    check(2, 0, 2e-3);
}
END_TEST

static int status_of(size_t nvals, long cut, const char *arrname, int temp_active, srx_diag *dg,
                     srx_import_result *r)
{
    char dir[256];
    int st;
    srxt_scratch(dir, sizeof dir, "varian-bad");
    write_set(dir, 4, 1, nvals, cut, arrname, temp_active);
    st = srx_varian_import(dir, NULL, r, NULL, dg);
    if (st != SRX_OK)
        ck_assert_uint_eq(r->n_series, 0);
    srxt_rmtree(dir);
    return st;
}

START_TEST(consistency_errors)
{
    srx_diag dg;
    srx_import_result r;
    size_t i;
    int found = 0;
    ck_assert_int_eq(status_of(8, 10, "d2", 1, &dg, &r), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(dg.message, "truncated"));
    ck_assert_int_eq(status_of(7, 0, "d2", 1, &dg, &r), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(dg.message, "arraydim"));
    ck_assert_int_eq(status_of(8, 0, "pw", 1, &dg, &r), SRX_EFORMAT);
    ck_assert_ptr_nonnull(strstr(dg.message, "pulse width"));
    ck_assert_int_eq(status_of(8, 0, "tau", 0, &dg, &r), SRX_OK);
    ck_assert(isnan(r.series[0].temperature_k));
    for (i = 0; i < r.n_warnings; i++)
        if (strstr(r.warnings[i], "not active"))
            found = 1;
    ck_assert(found);
    srx_import_result_free(&r);
    ck_assert_int_eq(srx_varian_import("no-such-folder", NULL, &r, NULL, &dg), SRX_EIO);
    ck_assert_ptr_nonnull(strstr(dg.message, "procpar"));
    ck_assert_int_eq(srx_varian_import(NULL, NULL, &r, NULL, NULL), SRX_EINVAL);
    ck_assert_int_eq(srx_varian_import(".", NULL, NULL, NULL, NULL), SRX_EINVAL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("varian");
    TCase *tc = tcase_create("synthetic_known_truth");
    tcase_add_test(tc, float32);
    tcase_add_test(tc, int32);
    tcase_add_test(tc, int16);
    suite_add_tcase(s, tc);
    tc = tcase_create("consistency");
    tcase_add_test(tc, consistency_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return srxt_run(suite());
}
