#!/bin/sh
# The `rates` verb: contract of cli.md, and agreement with an independent
# evaluation of physics.md (tests/rates_reference.py) to 1e-9 relative.
set -e
bin="$top_builddir/cli/spinrelax"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxcli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$bin" --help | grep -q rates
"$bin" --version | grep -q "spinrelax"
"$bin" rates --help | grep -q -- "--larmor-hz"

# exit 1 with a one-line message on bad usage
for bad in "--model nonsense" "--beta 2.5 --model asymmetric" "--tmin-k -5" "--ea-ev abc"; do
    set +e
    "$bin" rates --ea-ev 0.44 --tau0-s 1e-13 --coupling-per-s2 1e9 --larmor-hz 116.59e6 \
        --tmin-k 200 --tmax-k 400 --step-k 10 $bad >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
    [ $rc -eq 1 ] || { echo "bad input '$bad' gave exit $rc"; exit 1; }
    [ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "bad input '$bad': not one line"; cat "$tmp/err"; exit 1; }
done

"$bin" rates --model asymmetric --ea-ev 0.44 --tau0-s 1e-13 --beta 1.8 --coupling-per-s2 4e9 \
    --larmor-hz 116.59e6 --spinlock-hz 20e3 --tmin-k 200 --tmax-k 600 --step-k 5 > "$tmp/asym.csv"
[ "$(head -n 1 "$tmp/asym.csv")" = "temperature_k,r1_per_s,r1rho_per_s" ]
[ "$(wc -l < "$tmp/asym.csv")" -eq 82 ] || { echo "expected 81 temperatures"; exit 1; }
# without --spinlock-hz the r1rho column is empty
"$bin" rates --ea-ev 0.3 --tau0-s 1e-13 --coupling-per-s2 1e9 --larmor-hz 1e8 \
    --tmin-k 300 --tmax-k 300 --step-k 1 | tail -n 1 | grep -q ',$'

py=""
for p in "$H5PY_PYTHON" /usr/bin/python3 python3; do
    [ -n "$p" ] && command -v "$p" >/dev/null 2>&1 && { py=$p; break; }
done
[ -n "$py" ] || { echo "no python3 for the independent reference: skipped"; exit 77; }
"$py" "$top_srcdir/tests/rates_reference.py" asymmetric 0.44 1e-13 1.8 4e9 116.59e6 20e3 < "$tmp/asym.csv"
for m in "bpp 1" "cole-davidson 0.6" "cole-cole 0.7" "asymmetric 1.3"; do
    set -- $m
    "$bin" rates --model "$1" --beta "$2" --ea-ev 0.3 --tau0-s 2e-12 --coupling-per-s2 1e9 \
        --larmor-hz 79.35e6 --spinlock-hz 20e3 --tmin-k 150 --tmax-k 700 --step-k 25 > "$tmp/m.csv"
    "$py" "$top_srcdir/tests/rates_reference.py" "$1" 0.3 2e-12 "$2" 1e9 79.35e6 20e3 < "$tmp/m.csv"
done
