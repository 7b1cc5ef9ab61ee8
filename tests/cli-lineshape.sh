#!/bin/sh
# The `lineshape` verb: contract of cli.md (columns, grid, normalisation,
# exit codes) and agreement within 1.5% L1 (150 Hz Gaussian broadening) with
# an independent brute-force powder average (tests/lineshape_bruteforce.c),
# for spin 3/2 and 5/2, static and MAS.
set -e
bin="$top_builddir/cli/spinrelax"
bf="$top_builddir/tests/lineshape_bruteforce"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxcli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$bin" --help | grep -q lineshape
"$bin" lineshape --help | grep -q -- "--cq-hz"

# exit 1 with a one-line message on bad usage
for bad in "--eta 1.5" "--static --mas" "--spin 1 --transitions central" "--points 1" \
           "--gb-hz -3" "--transitions some" "--mas-hz 0" "--cq-hz abc" "--nucleus 99Xx"; do
    set +e
    "$bin" lineshape --spin 1.5 --larmor-hz 1e8 --cq-hz 2e6 --eta 0.3 --static $bad \
        >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
    [ $rc -eq 1 ] || { echo "bad input '$bad' gave exit $rc"; exit 1; }
    [ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "bad input '$bad': not one line"; cat "$tmp/err"; exit 1; }
done

# grid and normalisation: N points from C - W/2 with spacing W/N, sum * W/N = 1
"$bin" lineshape --nucleus 27Al --larmor-hz 130.29e6 --cq-hz 8.3e6 --eta 0.28 --mas \
    --points 1000 --span-hz 50e3 --center-hz -5e3 > "$tmp/a.csv"
[ "$(head -n 1 "$tmp/a.csv")" = "frequency_hz,intensity" ]
[ "$(wc -l < "$tmp/a.csv")" -eq 1001 ]
awk -F, 'NR == 2 { if ($1 != -30000) { print "first point " $1; exit 1 } }
         NR == 3 { if ($1 != -29950) { print "second point " $1; exit 1 } }
         NR > 1 { s += $2 } END { s *= 50; if (s < 1 - 1e-9 || s > 1 + 1e-9) { print "sum " s; exit 1 } }' "$tmp/a.csv"
# finite spinning speed and default window work
"$bin" lineshape --nucleus 27Al --larmor-hz 130.29e6 --cq-hz 8.3e6 --eta 0.28 --mas --mas-hz 25e3 \
    --points 512 > "$tmp/b.csv"
[ "$(wc -l < "$tmp/b.csv")" -eq 513 ]

# against the brute-force reference: spin 3/2 (23Na-like) and 5/2 (27Al), static and MAS
check() { # spin-option spin larmor cq eta mode transitions points span center
    if [ "$6" = mas ]; then mode="--mas"; else mode="--static"; fi
    "$bin" lineshape $1 --larmor-hz "$3" --cq-hz "$4" --eta "$5" $mode --transitions "$7" \
        --points "$8" --span-hz "$9" --center-hz "${10}" --gb-hz 150 > "$tmp/c.csv"
    "$bf" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10}" 150 < "$tmp/c.csv" ||
        { echo "lineshape $* differs from the brute-force average"; exit 1; }
}
check "--spin 1.5" 1.5 105.84e6 2.5e6 0.4 static central 2048 40e3 -3e3
check "--spin 1.5" 1.5 105.84e6 2.5e6 0.4 mas central 2048 40e3 -3e3
check "--nucleus 27Al" 2.5 130.29e6 8.3e6 0.28 static central 4096 60e3 -5e3
check "--nucleus 27Al" 2.5 130.29e6 8.3e6 0.28 mas central 4096 60e3 -5e3
check "--spin 1.5" 1.5 105.84e6 0.5e6 0.7 static all 1024 600e3 0
