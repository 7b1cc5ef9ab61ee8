#!/bin/sh
# Every symbol libspinrelax.so exports starts with srx_ and is declared in a
# public header; nothing of GSL, FFTW, HDF5 or the srxi_ internals leaks.
set -e
so=$(ls "$top_builddir"/lib/.libs/libspinrelax.so.[0-9]* 2>/dev/null | head -n 1)
if [ -z "$so" ]; then
    echo "no shared library built (--disable-shared?): skipped"
    exit 77
fi
syms=$(${NM:-nm} -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | sort -u)
[ -n "$syms" ] || { echo "no exported symbols in $so"; exit 1; }
bad=0
for s in $syms; do
    case "$s" in
    srx_*)
        if ! grep -q "\\b$s\\b" "$top_srcdir"/include/spinrelax/*.h; then
            echo "exported but not in a public header: $s"; bad=1
        fi ;;
    *) echo "exported symbol without srx_ prefix: $s"; bad=1 ;;
    esac
done
n=$(echo "$syms" | wc -l)
echo "$n exported symbols, all srx_ and public"
exit $bad
