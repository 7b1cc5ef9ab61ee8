/* error: status strings, diagnostic buffers, version */
#include <string.h>

#include "spinrelax.h"
#include "testlib.h"

START_TEST(strerror_covers_every_code)
{
    int code;
    /* every code up to the last one has its own text; unknown codes too */
    for (code = SRX_OK; code <= SRX_ECANCELED; code++) {
        const char *s = srx_strerror(code);
        ck_assert_ptr_nonnull(s);
        ck_assert_str_ne(s, "unknown error");
    }
    ck_assert_str_eq(srx_strerror(-1), "unknown error");
    ck_assert_str_eq(srx_strerror(9999), "unknown error");
}
END_TEST

START_TEST(diag_receives_context)
{
    srx_diag d;
    srx_nucleus n;
    strcpy(d.message, "stale");
    srx_diag_clear(&d);
    ck_assert_str_eq(d.message, "");
    srx_diag_clear(NULL);
    ck_assert_int_eq(srx_nucleus_lookup("99Xx", &n, &d), SRX_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(d.message, "99Xx"));
    /* a NULL diag is accepted everywhere */
    ck_assert_int_eq(srx_nucleus_lookup("99Xx", &n, NULL), SRX_ENOTFOUND);
}
END_TEST

START_TEST(version_is_package_version)
{
    ck_assert_str_eq(srx_version(), PACKAGE_VERSION);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("codes");
    tcase_add_test(tc, strerror_covers_every_code);
    tcase_add_test(tc, diag_receives_context);
    tcase_add_test(tc, version_is_package_version);
    suite_add_tcase(s, tc);
    return srxt_run(s);
}
