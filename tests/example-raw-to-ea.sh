#!/bin/sh
# The README's C tour (examples/raw_to_ea) on a Figure-6a-shaped file:
# the low-T flank energy comes back as 0.44 eV.
set -e
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxex.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$top_builddir/tests/make_rate_transients" "$tmp/d.h5" 7 > /dev/null
"$top_builddir/examples/raw_to_ea" "$tmp/d.h5" | tee "$tmp/out"
flank=$(sed -n 's/.*low-T flank \([0-9.]*\) +- \([0-9.]*\) eV.*/\1 \2/p' "$tmp/out")
set -- $flank
awk -v v="$1" -v s="$2" 'BEGIN { d = v - 0.44; if (d < 0) d = -d; exit !(d <= 3 * s && d < 0.02) }'
