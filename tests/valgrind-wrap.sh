#!/bin/sh
# Runs one test program under valgrind (make check-valgrind).  Check's
# forking mode is turned off so that valgrind sees every test.
CK_FORK=no
export CK_FORK
exec ${VALGRIND:-valgrind} --quiet --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect "$@"
