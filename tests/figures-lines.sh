#!/bin/sh
# The figure examples fig5, fig3b and al27_mas (examples/lines.am): each
# runs into a temporary directory, and every row of its summary must agree
# with the paper: |recovered - paper| <= max(uncertainty, 0.1 |paper|).
set -e
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxfig.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for id in fig5 fig3b al27_mas; do
    "$top_builddir/examples/$id" "$tmp"
    test -s "$tmp/$id.h5"
    ls "$tmp/$id"*.csv > /dev/null
    head -n 1 "$tmp/summary-$id.csv" | grep -qx 'figure,quantity,paper,recovered,uncertainty'
    awk -F, -v id="$id" 'NR > 1 {
        rows++
        d = $4 - $3; if (d < 0) d = -d
        tol = 0.1 * ($3 < 0 ? -$3 : $3); if ($5 + 0 > tol) tol = $5 + 0
        if (!(d <= tol) || $4 == "nan" || $4 == "-nan") {
            printf "%s: %s: recovered %s, paper %s, uncertainty %s\n", id, $2, $4, $3, $5
            bad++
        }
    }
    END { if (rows == 0) { print id ": no summary rows"; exit 1 } exit bad > 0 }' "$tmp/summary-$id.csv"
done
