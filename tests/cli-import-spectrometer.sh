#!/bin/sh
# import-bruker, import-varian, import-pdc: error paths always; the real
# data sets of ../shared/data/real (skipped when absent) imported and fitted
# from the command line, as a user would: TopSpin data to rates in two
# commands.
set -e
bin="$top_builddir/cli/spinrelax"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srximp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for v in import-bruker import-varian import-pdc; do
    "$bin" $v --help | grep -q "Usage: spinrelax $v"
    set +e
    "$bin" $v "$tmp/o.h5" "$tmp/nonexistent" 2> "$tmp/err"; rc=$?
    set -e
    [ $rc -eq 1 ] || [ $rc -eq 3 ] || { echo "$v on a missing input: exit $rc"; exit 1; }
    [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q nonexistent "$tmp/err"
    [ ! -e "$tmp/o.h5" ] || { echo "$v wrote an output on failure"; exit 1; }
done

real=${SRX_REAL_DATA:-$SRX_SRCDIR/../shared/data/real}
[ -d "$real" ] || { echo "no real data at $real: skipped"; exit 77; }

# Bruker 17O saturation recovery: 15 points; a damaged copy gives a clean
# error and no series
"$bin" import-bruker "$tmp/d.h5" "$real/o17_satrec_lamox" --name lamox --temperature-k 300
cp -r "$real/o17_satrec_lamox" "$tmp/lamox"
head -c 100000 "$real/o17_satrec_lamox/ser" > "$tmp/lamox/ser"
cp "$tmp/d.h5" "$tmp/before.h5"
set +e
"$bin" import-bruker "$tmp/d.h5" "$tmp/lamox" --name damaged 2> "$tmp/err"; rc=$?
set -e
[ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && cmp "$tmp/d.h5" "$tmp/before.h5"

# Bruker 1H inversion recovery labelled 15N: a warning says what the
# frequency says
"$bin" import-bruker "$tmp/d.h5" "$real/h1_invrec_dnplab/304" --name dnp --nucleus 1H \
    2> "$tmp/err"
grep -q "15N" "$tmp/err"

# Varian saturation recovery: the sequence does not tell the experiment
set +e
"$bin" import-varian "$tmp/d.h5" "$real/varian_satrec_ssnake/satrec2D.fid" 2> "$tmp/err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "experiment" "$tmp/err"
"$bin" import-varian "$tmp/d.h5" "$real/varian_satrec_ssnake/satrec2D.fid" --name varian \
    --experiment saturation_recovery --temperature-k 298

# Dynamics Center export, one series per peak
"$bin" import-pdc "$tmp/d.h5" "$real/pdc_t1_transients_relax/bug_22411_T1.txt" --name pdc \
    --nucleus 1H --larmor-hz 600e6 --temperature-k 298

"$bin" info "$tmp/d.h5" > "$tmp/info.csv"
grep -q "^series,lamox,saturation_recovery,17O,300,15," "$tmp/info.csv"
grep -q "^series,varian,saturation_recovery," "$tmp/info.csv"
"$bin" fit-transients "$tmp/d.h5" --model exp > "$tmp/rates.csv"
cat "$tmp/rates.csv"
# Varian: T1 of a few tenths of a second; DNPLab: inversion recovery fitted
awk -F, '$1 == "varian" { r = $6; if (!(r > 2 && r < 5)) { print "varian rate " r; exit 1 } }' "$tmp/rates.csv"
awk -F, '$1 == "dnp" { if ($2 != "inversion_recovery" || $12 != 0) { print "dnp: " $0; exit 1 } }' "$tmp/rates.csv"
