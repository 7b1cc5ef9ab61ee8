#!/bin/sh
# The relaxation figure examples (seed Figures 6a, 6b, 6c) run into a temp
# dir, and every summary row agrees with the paper:
# |recovered - paper| <= max(uncertainty, 0.1 |paper|).  No gnuplot.
set -e
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxfig6.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
b=${top_builddir:-.}
for id in fig6a fig6b fig6c; do
    "$b/examples/$id" "$tmp" > "$tmp/$id.out" || { cat "$tmp/$id.out"; echo "$id failed"; exit 1; }
    for f in "$id.h5" "$id.csv" "${id}_fit.csv" "summary-$id.csv"; do
        [ -s "$tmp/$f" ] || { echo "$id: $f missing"; exit 1; }
    done
    [ "$(head -n 1 "$tmp/summary-$id.csv")" = "figure,quantity,paper,recovered,uncertainty" ] ||
        { echo "$id: bad summary header"; exit 1; }
done
cat "$tmp"/summary-fig6*.csv
awk -F, 'FNR == 1 { next }
    { n++; d = $4 - $3; if (d < 0) d = -d; tol = 0.1 * ($3 < 0 ? -$3 : $3);
      if ($5 + 0 > tol) tol = $5 + 0;
      if (!(d <= tol) || $4 == "" || $4 ~ /nan/) { print "FAIL: " $0; bad++ } }
    END { if (n < 12) { print "only " n " summary rows"; exit 1 } exit bad > 0 }' \
    "$tmp"/summary-fig6a.csv "$tmp"/summary-fig6b.csv "$tmp"/summary-fig6c.csv
echo "all relaxation figure rows agree"
