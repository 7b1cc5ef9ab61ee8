#!/bin/sh
# The `narrowing` verb: contract of cli.md (header, columns, exit status,
# one-line messages) and the analytic limits of physics.md section 7 to 0.5%:
# rigid Gaussian FWHM 2 sqrt(2 ln2 M2) / (2 pi), narrowed Lorentzian M2 tau / pi.
set -e
bin="$top_builddir/cli/spinrelax"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxcli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$bin" --help | grep -q narrowing
"$bin" narrowing --help | grep -q -- "--m2-per-s2"

# M2 of a 5 kHz rigid line: (pi * 5000)^2 / (2 ln 2)
m2=177985366.5623438
args="--m2-per-s2 $m2 --ea-ev 0.6 --tau0-s 1e-14 --tmin-k 150 --tmax-k 500 --step-k 10"

# exit 1 with a one-line message on bad usage or input
for bad in "--m2-per-s2 -5" "--m2-per-s2 abc" "--tau0-s 0" "--tmin-k -5" "--step-k 0" \
           "--fraction2 1.5" "--lb-hz -1" "--nonsense 3" "--ea-ev nan"; do
    set +e
    "$bin" narrowing $args $bad >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
    [ $rc -eq 1 ] || { echo "bad input '$bad' gave exit $rc"; exit 1; }
    [ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "bad input '$bad': not one line"; cat "$tmp/err"; exit 1; }
    [ ! -s "$tmp/out" ] || { echo "bad input '$bad' wrote to stdout"; exit 1; }
done
# a missing required option
set +e
"$bin" narrowing --m2-per-s2 1e8 --ea-ev 0.5 --tmin-k 200 --tmax-k 300 --step-k 10 >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 1 ] && grep -q -- "--tau0-s" "$tmp/err" || { echo "missing --tau0-s not reported"; exit 1; }

"$bin" narrowing $args > "$tmp/n.csv"
[ "$(head -n 1 "$tmp/n.csv")" = "temperature_k,fwhm_hz" ] || { echo "bad header"; exit 1; }
[ "$(wc -l < "$tmp/n.csv")" -eq 37 ] || { echo "expected 36 temperatures"; exit 1; }
awk -F, -v m2="$m2" '
    NR == 1 { next }
    NF != 2 { print "line " NR ": " NF " columns"; bad = 1 }
    NR > 2 && $2 > prev * (1 + 1e-12) { print "width rises at " $1 " K"; bad = 1 }
    { prev = $2 }
    $1 == 150 {
        g = 2 * sqrt(2 * log(2) * m2) / (2 * 3.141592653589793)
        if ((d = ($2 - g) / g) < 0) d = -d
        if (d > 5e-3) { print "rigid width " $2 " vs " g; bad = 1 }
        seen++
    }
    $1 == 500 {
        tau = 1e-14 * exp(0.6 / (8.617333262e-5 * 500))
        l = m2 * tau / 3.141592653589793
        if ((d = ($2 - l) / l) < 0) d = -d
        if (d > 5e-3) { print "narrowed width " $2 " vs " l; bad = 1 }
        seen++
    }
    END { if (seen != 2) { print "limits not found"; bad = 1 } exit bad }
' "$tmp/n.csv"

# numbers read back exactly: 17 significant digits
sed -n 2p "$tmp/n.csv" | grep -Eq '^150,[0-9.e+-]+$'

# two components and broadening are accepted; an identical second component
# changes nothing
"$bin" narrowing $args --fraction2 0.3 > "$tmp/two.csv"
cmp -s "$tmp/n.csv" "$tmp/two.csv" || {
    awk -F, 'NR == FNR { w[FNR] = $2; next }
             FNR > 1 { d = ($2 - w[FNR]) / w[FNR]; if (d < 0) d = -d; if (d > 1e-9) { print "two identical components differ at " $1; exit 1 } }' \
        "$tmp/n.csv" "$tmp/two.csv"
}
# Gaussian broadening of the rigid line adds in quadrature
"$bin" narrowing $args --gb-hz 12000 --tmin-k 150 --tmax-k 150 | awk -F, '
    NR == 2 { e = sqrt(5000 * 5000 + 12000 * 12000); d = ($2 - e) / e; if (d < 0) d = -d
              if (d > 1e-6) { print "broadened " $2 " vs " e; exit 1 } }'
