/* Shared scaffolding of the Check unit tests.
 *
 * - srxt_run(): one runner per test program, forking mode (CK_FORK=no to
 *   debug), exit status for automake.
 * - A GSL error handler that fails the test: the library must never reach
 *   GSL's handler (whose default aborts the application).  The handler
 *   belongs to the application, and the test program is the application.
 * - SRX_LONG=1 (make check-long) enables the long statistical studies.
 */
#ifndef SRX_TESTLIB_H
#define SRX_TESTLIB_H

#include <config.h>

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

static void srxt_gsl_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    ck_abort_msg("the library reached GSL's error handler: %s (%s:%d, code %d)", reason, file,
                 line, gsl_errno);
}

static inline int srxt_long(void)
{
    const char *s = getenv("SRX_LONG");
    return s && *s && *s != '0';
}

/* relative difference |a - b| / |b| (absolute when b == 0) */
static inline double srxt_reldiff(double a, double b)
{
    return b == 0.0 ? fabs(a) : fabs(a - b) / fabs(b);
}

#define srxt_assert_rel(a, b, tol)                                                              \
    do {                                                                                        \
        double srxt_a_ = (a), srxt_b_ = (b);                                                    \
        ck_assert_msg(srxt_reldiff(srxt_a_, srxt_b_) <= (tol),                                  \
                      "%s = %.17g, expected %.17g (relative difference %.3g > %.3g)", #a,       \
                      srxt_a_, srxt_b_, srxt_reldiff(srxt_a_, srxt_b_), (double)(tol));          \
    } while (0)

static inline int srxt_run(Suite *s)
{
    SRunner *sr;
    int failed;
    gsl_set_error_handler(srxt_gsl_handler);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
