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
# maxima of the fitted curves inside the data: the T1rho maximum at the
# truth's 513 K (omega1 tau = 0.5661; the J(omega0) terms and the background
# move it by less than 0.2 K) within 3 uncertainties + 0.2 K; no T1 maximum
# (it lies near 1600 K, beyond the data's 650 K)
tm=$(json_get "$tmp/peak.json" t_max_k); tu=$(json_get "$tmp/peak.json" t_max_err_k)
awk -v t="$tm" -v u="$tu" 'BEGIN { d = t - 513; if (d < 0) d = -d;
    printf "T1rho maximum: %.2f +- %.2f K (truth 513)\n", t, u;
    if (!(u > 0 && u < 5) || d > 3 * u + 0.2) exit 1 }'
grep -q '"maxima": \[{"rate": "t1rho", "larmor_hz": 116590000, "spinlock_hz": 20000, ' "$tmp/peak.json"
[ "$(grep -o '"rate": "t1"' "$tmp/peak.json" | wc -l)" -eq 0 ] || { echo "a T1 maximum was reported"; exit 1; }
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

# conductivity: the seed's Li kink (1.01 eV below, 0.28 eV above 323 K)
"$bin" fit-arrhenius "$tmp/d.h5" --set Li --kink --json > "$tmp/kink.json"
cat "$tmp/kink.json"
awk -v lo="$(json_get "$tmp/kink.json" ea_low_ev)" -v slo="$(json_get "$tmp/kink.json" ea_low_err_ev)" \
    -v hi="$(json_get "$tmp/kink.json" ea_high_ev)" -v shi="$(json_get "$tmp/kink.json" ea_high_err_ev)" \
    -v tc="$(json_get "$tmp/kink.json" crossover_k)" -v stc="$(json_get "$tmp/kink.json" crossover_err_k)" \
    -v n="$(json_get "$tmp/kink.json" ngai_n)" 'BEGIN {
    d1 = lo - 1.01; d2 = hi - 0.28; d3 = tc - 323; d4 = n - 0.72;
    if (d1 < 0) d1 = -d1; if (d2 < 0) d2 = -d2; if (d3 < 0) d3 = -d3; if (d4 < 0) d4 = -d4;
    if (d1 > 4 * slo || d2 > 4 * shi || d3 > 4 * stc + 5 || d4 > 0.05) exit 1 }'
"$bin" fit-arrhenius "$tmp/d.h5" --set Li | head -n 1 | grep -q "^ea_ev,ea_err_ev,"
# sigma of the fitted kink at 323 K: the truth's 9.1e-3 S/m within 4 u;
# the CSV carries the same columns; a bad list is a one-line usage error
"$bin" fit-arrhenius "$tmp/d.h5" --set Li --kink --at-k 303.15,323 --json > "$tmp/at.json"
awk -v v="$(json_get "$tmp/at.json" sigma_s_per_m_at_323_k)" \
    -v u="$(json_get "$tmp/at.json" sigma_err_s_per_m_at_323_k)" 'BEGIN { d = v - 9.1e-3;
    if (d < 0) d = -d; printf "sigma(323 K): %.5g +- %.3g S/m (truth 9.1e-3)\n", v, u;
    if (!(u > 0) || d > 4 * u) exit 1 }'
grep -q '"sigma_err_s_per_m_at_303.15_k": ' "$tmp/at.json"
"$bin" fit-arrhenius "$tmp/d.h5" --set Li --at-k 300 | head -n 1 | \
    grep -q ",n_points,sigma_s_per_m_at_300_k,sigma_err_s_per_m_at_300_k$"
for bad in "300,abc" "-5" "0" "1,2,3,4,5,6,7,8,9" ""; do
    set +e
    "$bin" fit-arrhenius "$tmp/d.h5" --set Li --at-k "$bad" > "$tmp/out" 2> "$tmp/err"; rc=$?
    set -e
    [ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ] || { echo "--at-k '$bad': exit $rc"; exit 1; }
done
set +e
"$bin" fit-arrhenius "$tmp/d.h5" --set Na 2> "$tmp/err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "no /conductivity/Na" "$tmp/err"
