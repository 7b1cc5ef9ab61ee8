#!/bin/sh
# Each public header compiles alone with -std=c99 -pedantic -Werror and
# needs no GSL, FFTW or HDF5 header.
set -e
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxhdr.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc=${CC:-cc}
for h in "$top_srcdir"/include/spinrelax.h "$top_srcdir"/include/spinrelax/*.h; do
    name=${h#"$top_srcdir"/include/}
    printf '#include "%s"\n#include "%s"\nint main(void) { return 0; }\n' "$name" "$name" > "$tmp/t.c"
    if ! $cc -std=c99 -pedantic -Wall -Wextra -Werror -I"$top_srcdir"/include -c "$tmp/t.c" -o "$tmp/t.o"; then
        echo "FAIL: $name does not compile alone"
        exit 1
    fi
    if grep -E '#include *[<"](gsl|fftw|hdf5|H5)' "$h"; then
        echo "FAIL: $name exposes a dependency's header"
        exit 1
    fi
    echo "ok: $name"
done
