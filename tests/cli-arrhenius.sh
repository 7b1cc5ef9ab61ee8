#!/bin/sh
# fit-flank and fit-peak from raw transients, as a user would run them: a
# synthetic data set shaped like the seed's Figure 6a (flanks of 0.44 eV,
# T1rho maximum at 513 K, background below ~330 K) gives 0.44 eV back.
set -e
bin="$top_builddir/cli/spinrelax"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxarr.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for v in fit-flank fit-peak fit-arrhenius; do "$bin" $v --help | grep -q "Usage: spinrelax $v"; done

"$top_builddir/tests/make_rate_transients" "$tmp/d.h5" 42 > "$tmp/truth.csv"
# before fit-transients: a clear error
set +e
"$bin" fit-peak "$tmp/d.h5" 2> "$tmp/err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "fit-transients first" "$tmp/err"

"$bin" fit-transients "$tmp/d.h5" --model exp > /dev/null

# |x - 0.44| <= max(3 sigma, nothing) and within 10 %
check() { # name value sigma
    awk -v n="$1" -v v="$2" -v s="$3" 'BEGIN {
        d = v - 0.44; if (d < 0) d = -d;
        printf "%s: %.4f +- %.4f eV (truth 0.44)\n", n, v, s;
        if (!(s > 0) || d > 3 * s || d > 0.044) exit 1 }'
}
json_get() { sed -n "s/.*\"$2\": \([^,}]*\).*/\1/p" "$1" | head -n 1; }

"$bin" fit-flank "$tmp/d.h5" --experiment spin_lock --json > "$tmp/flank.json"
check "T1rho low-T flank" "$(json_get "$tmp/flank.json" ea_ev)" "$(json_get "$tmp/flank.json" ea_err_ev)"
tmin=$(json_get "$tmp/flank.json" tmin_k); tmax=$(json_get "$tmp/flank.json" tmax_k)
# the automatic range lies between the background (< ~330 K) and the top (513 K)
awk -v a="$tmin" -v b="$tmax" 'BEGIN { if (!(a >= 300 && b <= 480 && b > a)) { print "range " a " " b; exit 1 } }'

"$bin" fit-flank "$tmp/d.h5" --experiment spin_lock --tmin-k 350 --tmax-k 450 > "$tmp/flank.csv"
head -n 1 "$tmp/flank.csv" | grep -q "^ea_ev,ea_err_ev,prefactor_per_s,prefactor_err_per_s,tmin_k,tmax_k,n_points,reduced_chi2"

"$bin" fit-peak "$tmp/d.h5" --json > "$tmp/peak.json"
cat "$tmp/peak.json"
grep -q '"model": "asymmetric"' "$tmp/peak.json"
grep -q '"converged": true' "$tmp/peak.json"
grep -q '"background": {"t1": ' "$tmp/peak.json"
check "global fit, low-T flank (beta - 1) Ea" "$(json_get "$tmp/peak.json" flank_low_ea_ev)" \
    "$(json_get "$tmp/peak.json" flank_low_ea_err_ev)"
# fixed parameters: beta fixed at the truth gives Ea = 0.55 eV
"$bin" fit-peak "$tmp/d.h5" --fix beta=1.8 --json > "$tmp/fixed.json"
grep -q '"beta": 1.8[,0]' "$tmp/fixed.json" || grep -q '"beta": 1.8000000000000000' "$tmp/fixed.json"
grep -q '"beta_err": 0[,}]' "$tmp/fixed.json"
# bad constraint syntax
set +e
"$bin" fit-peak "$tmp/d.h5" --fix nonsense=1 2> "$tmp/err"; rc=$?
set -e
[ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ]
"$bin" info "$tmp/d.h5" | grep -q "^result,peak/asymmetric,"
