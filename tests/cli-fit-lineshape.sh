#!/bin/sh
# The `fit-lineshape` verb: synthetic spectra written by
# tests/make_lineshape_spectrum (public API, known truth, fixed-seed noise)
# are fitted through the CLI: Cq, eta and shift recovered within 4 standard
# uncertainties (spin 3/2 static, 27Al MAS, several seeds); ascending and
# descending axes give the same numbers; the result group is written; bad
# input gives exit 1 (3 for I/O) with a one-line message naming the file
# and the spectrum.
set -e
bin="$top_builddir/cli/spinrelax"
gen="$top_builddir/tests/make_lineshape_spectrum"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxcli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$bin" --help | grep -q fit-lineshape
"$bin" fit-lineshape --help | grep -q -- "--spectrum"

jget() { # key file: a number (or true/false/null) of a one-line JSON object
    sed -n "s/.*\"$1\": \([^,}]*\).*/\1/p" "$2"
}
within() { # value truth err k: |value - truth| < k err
    awk -v v="$1" -v t="$2" -v e="$3" -v k="$4" 'BEGIN { d = v - t; if (d < 0) d = -d;
        if (!(e > 0) || !(d < k * e)) exit 1 }'
}

f="$tmp/s.h5"
for seed in 1 2 3; do
    "$gen" "$f" na$seed na23_static $seed > "$tmp/truth_na"
    "$gen" "$f" al$seed al27_mas $seed desc > "$tmp/truth_al"
    "$bin" fit-lineshape "$f" --spectrum na$seed --json > "$tmp/na.json"
    "$bin" fit-lineshape "$f" --spectrum al$seed --mas --json > "$tmp/al.json"
    for sys in na al; do
        truth=$(sed -n 2p "$tmp/truth_$sys")
        cq=$(echo "$truth" | cut -d, -f1); eta=$(echo "$truth" | cut -d, -f2)
        sh=$(echo "$truth" | cut -d, -f3)
        j="$tmp/$sys.json"
        [ "$(jget converged "$j")" = true ] || { echo "$sys$seed: not converged"; cat "$j"; exit 1; }
        within "$(jget cq_hz "$j")" "$cq" "$(jget cq_err_hz "$j")" 4 ||
            { echo "$sys$seed: cq off"; cat "$j"; exit 1; }
        within "$(jget eta "$j")" "$eta" "$(jget eta_err "$j")" 4 ||
            { echo "$sys$seed: eta off"; cat "$j"; exit 1; }
        within "$(jget shift_hz "$j")" "$sh" "$(jget shift_err_hz "$j")" 4 ||
            { echo "$sys$seed: shift off"; cat "$j"; exit 1; }
        # reduced chi2 = noise variance (noise 1/40 of the peak): positive and finite
        awk -v c="$(jget reduced_chi2 "$j")" 'BEGIN { exit !(c > 0) }'
        [ "$(jget n_points "$j")" = 2048 ]
    done
done

# the result group is written, nothing else changed
"$bin" info "$f" > "$tmp/info.csv"
grep -q '^result,lineshape/na1,.*model=quadrupolar_static' "$tmp/info.csv"
grep -q '^result,lineshape/al1,.*model=quadrupolar_mas' "$tmp/info.csv"
[ "$(grep -c '^spectrum,' "$tmp/info.csv")" -eq 6 ]

# ascending and descending axes: the same fit (same seed, same noise)
"$gen" "$f" asc al27_mas 7 asc > /dev/null
"$gen" "$f" desc al27_mas 7 desc > /dev/null
"$bin" fit-lineshape "$f" --spectrum asc --mas --json > "$tmp/asc.json"
"$bin" fit-lineshape "$f" --spectrum desc --mas --json > "$tmp/desc.json"
for k in cq_hz eta shift_hz gb_hz; do
    a=$(jget $k "$tmp/asc.json"); d=$(jget $k "$tmp/desc.json"); e=$(jget ${k%_hz}_err${k#${k%_hz}} "$tmp/asc.json")
    [ "$k" = eta ] && e=$(jget eta_err "$tmp/asc.json")
    within "$a" "$d" "$e" 0.001 || { echo "ascending and descending differ in $k: $a $d"; exit 1; }
done

# CSV output: header and one row
"$bin" fit-lineshape "$f" --spectrum na1 > "$tmp/na.csv"
[ "$(wc -l < "$tmp/na.csv")" -eq 2 ]
head -n 1 "$tmp/na.csv" | grep -q '^spectrum,model,cq_hz,cq_err_hz,eta,eta_err,shift_hz,shift_err_hz,'

# spin from --spin when the nucleus is unknown
"$gen" "$f" unk unknown_nuc 4 > /dev/null
"$bin" fit-lineshape "$f" --spectrum unk --spin 1.5 --json > "$tmp/unk.json"

# bad input: exit 1 with one line naming the file and the spectrum
"$gen" "$f" bad_nan nan 5 > /dev/null
"$gen" "$f" bad_mono nonmono 5 > /dev/null
"$gen" "$f" bad_tiny tiny 5 > /dev/null
for args in "--spectrum nosuch" "--spectrum bad_nan" "--spectrum bad_mono" "--spectrum bad_tiny" \
            "--spectrum unk" "--spectrum na1 --broadening cauchy" "--spectrum na1 --spin 0.5" \
            "--spectrum na1 --transitions some" "--spectrum na1 --infinite-speed"; do
    set +e
    "$bin" fit-lineshape "$f" $args > "$tmp/out" 2> "$tmp/err"
    rc=$?
    set -e
    [ $rc -eq 1 ] || { echo "'$args' gave exit $rc"; cat "$tmp/err"; exit 1; }
    [ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "'$args': not one line"; cat "$tmp/err"; exit 1; }
    case "$args" in
    --spectrum\ bad_*|--spectrum\ nosuch|--spectrum\ unk)
        name=$(echo "$args" | cut -d' ' -f2)
        grep -q "$f" "$tmp/err" && grep -q "/spectra/$name" "$tmp/err" ||
            { echo "'$args': message does not name file and spectrum"; cat "$tmp/err"; exit 1; } ;;
    esac
done
grep -q "monotonic" "$tmp/err" 2>/dev/null || true
set +e
"$bin" fit-lineshape "$f" --spectrum bad_mono 2> "$tmp/err" > /dev/null
set -e
grep -q "monoton" "$tmp/err" || { echo "non-monotonic: unclear message"; cat "$tmp/err"; exit 1; }
set +e
"$bin" fit-lineshape "$f" --spectrum bad_nan 2> "$tmp/err" > /dev/null
set -e
grep -qi "nan\|finite" "$tmp/err" || { echo "NaN: unclear message"; cat "$tmp/err"; exit 1; }
# a missing file is an I/O failure
set +e
"$bin" fit-lineshape "$tmp/missing.h5" --spectrum na1 > /dev/null 2> "$tmp/err"
rc=$?
set -e
[ $rc -eq 3 ] || { echo "missing file gave exit $rc"; exit 1; }
exit 0
