#!/bin/sh
# make figures: run each figure example, draw its PNG with gnuplot
# (pngcairo when available, else png) and collect the summary rows.
#   run-figures.sh GNUPLOT SRCDIR OUTDIR ID...
set -e
gnuplot=$1 srcdir=$2 out=$3
shift 3
mkdir -p "$out"
./examples/rates_table > "$out/rates_table.csv"
echo "figure,quantity,paper,recovered,uncertainty" > "$out/summary.csv"
if [ -n "$gnuplot" ] && echo 'set terminal' | "$gnuplot" 2>&1 | grep -q pngcairo; then
    term=pngcairo
else
    term=png
fi
for id in "$@"; do
    echo "== $id"
    ./examples/"$id" "$out"
    if [ -f "$out/summary-$id.csv" ]; then
        tail -n +2 "$out/summary-$id.csv" >> "$out/summary.csv"
    fi
    if [ -n "$gnuplot" ]; then
        "$gnuplot" -e "outdir='$out'; term='$term'" "$srcdir/examples/$id.gp"
    else
        echo "gnuplot not found: $out/$id.png not drawn"
    fi
done
# the committed copies shown in README.md (when the source tree is writable)
if [ -n "$gnuplot" ] && [ -d "$srcdir/docs" ] && [ -w "$srcdir/docs" ]; then
    mkdir -p "$srcdir/docs/figures"
    for id in "$@"; do
        [ -f "$out/$id.png" ] && cp "$out/$id.png" "$srcdir/docs/figures/"
    done
    cp "$out/summary.csv" "$srcdir/docs/figures/summary.csv"
fi
echo "== summary ($out/summary.csv)"
column -s, -t "$out/summary.csv" 2>/dev/null || cat "$out/summary.csv"
