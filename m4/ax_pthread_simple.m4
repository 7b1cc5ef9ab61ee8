# AX_PTHREAD_SIMPLE: find the flags for POSIX threads.  On the GNU systems
# spinrelax targets, -pthread is the answer; fail clearly otherwise.
AC_DEFUN([AX_PTHREAD_SIMPLE], [
  AC_MSG_CHECKING([for -pthread])
  srx_save_CFLAGS=$CFLAGS
  srx_save_LIBS=$LIBS
  CFLAGS="$CFLAGS -pthread"
  LIBS="$LIBS -pthread"
  AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <pthread.h>
static void *run(void *a) { return a; }]],
      [[pthread_t t; pthread_create(&t, 0, run, 0); pthread_join(t, 0);]])],
    [PTHREAD_CFLAGS=-pthread; PTHREAD_LIBS=-pthread; AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([POSIX threads not found: install the Debian package build-essential])])
  CFLAGS=$srx_save_CFLAGS
  LIBS=$srx_save_LIBS
  AC_SUBST([PTHREAD_CFLAGS])
  AC_SUBST([PTHREAD_LIBS])
])
