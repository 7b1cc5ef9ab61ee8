#!/bin/sh
# The `fit-narrowing` verb: contract of cli.md (JSON keys, CSV summary, exit
# statuses, one-line messages), Ea of a synthetic narrowing series (20 noisy
# Kubo-Anderson spectra written by tests/make_narrowing) within 3 reported
# uncertainties, the seed's Figure 5 features (rigid 5.0 kHz, onset near
# 393 K, Waugh-Fedin about 0.64 eV), the result group written and nothing
# else changed, damaged input reported cleanly.
set -e
bin="$top_builddir/cli/spinrelax"
gen="$top_builddir/tests/make_narrowing"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxfn.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$bin" --help | grep -q fit-narrowing
"$bin" fit-narrowing --help | grep -q -- "--model"

# usage errors: exit 1, one line on stderr, nothing on stdout
"$gen" "$tmp/d.h5" --seed 7 > /dev/null
for bad in "--model nonsense" "--residual-hz -3" "--onset-fraction 1.5" "--nonsense" ""; do
    set +e
    if [ -z "$bad" ]; then "$bin" fit-narrowing >"$tmp/out" 2>"$tmp/err"
    else "$bin" fit-narrowing "$tmp/d.h5" $bad >"$tmp/out" 2>"$tmp/err"; fi
    rc=$?
    set -e
    [ $rc -eq 1 ] || { echo "bad usage '$bad' gave exit $rc"; exit 1; }
    [ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "bad usage '$bad': not one line"; cat "$tmp/err"; exit 1; }
    [ ! -s "$tmp/out" ] || { echo "bad usage '$bad' wrote to stdout"; exit 1; }
done
# missing file: I/O error (3) or bad input (1), one line naming the file
set +e
"$bin" fit-narrowing "$tmp/missing.h5" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 3 ] || [ $rc -eq 1 ] || { echo "missing file gave exit $rc"; exit 1; }
grep -q missing.h5 "$tmp/err" && [ "$(wc -l < "$tmp/err")" -eq 1 ]
# a damaged file (garbage after an HDF5 signature): clean error, no crash
printf '\211HDF\r\n\032\n' > "$tmp/bad.h5"
head -c 4000 /dev/urandom >> "$tmp/bad.h5"
set +e
"$bin" fit-narrowing "$tmp/bad.h5" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 1 ] || [ $rc -eq 3 ] || { echo "damaged file gave exit $rc"; exit 1; }
[ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "damaged file: not one line"; cat "$tmp/err"; exit 1; }

# synthetic series: Ea 0.6 eV, rigid 5 kHz, residual 200 Hz, 200..600 K
cp "$tmp/d.h5" "$tmp/d0.h5"
"$bin" fit-narrowing "$tmp/d.h5" --json > "$tmp/k.json"
for key in ea_ev ea_err_ev rigid_fwhm_hz narrowed_fwhm_hz onset_k waugh_fedin_ea_ev converged; do
    grep -q "\"$key\": " "$tmp/k.json" || { echo "JSON key $key missing"; exit 1; }
done
num() { sed -n "s/.*\"$1\": \([^,}]*\).*/\1/p" "$2"; }
ea=$(num ea_ev "$tmp/k.json"); err=$(num ea_err_ev "$tmp/k.json")
rig=$(num rigid_fwhm_hz "$tmp/k.json"); rerr=$(num rigid_fwhm_err_hz "$tmp/k.json")
awk -v ea="$ea" -v e="$err" -v r="$rig" -v re="$rerr" 'BEGIN {
    d = ea - 0.6; if (d < 0) d = -d;
    if (!(d < 3 * e) || !(e > 0 && e < 0.02)) { print "Ea " ea " +- " e " (truth 0.6)"; exit 1 }
    d = r - 5000; if (d < 0) d = -d;
    if (!(d < 3 * re)) { print "rigid " r " +- " re " (truth 5000)"; exit 1 } }'
grep -q '"converged": true' "$tmp/k.json"
# the CSV summary: header + one line, same numbers
"$bin" fit-narrowing "$tmp/d.h5" --model kubo > "$tmp/k.csv"
[ "$(head -n 1 "$tmp/k.csv")" = "model,ea_ev,ea_err_ev,rigid_fwhm_hz,narrowed_fwhm_hz,onset_k,waugh_fedin_ea_ev,tau0_s,residual_fwhm_hz,reduced_chi2,n_points,converged" ] || { echo "bad CSV header"; exit 1; }
[ "$(wc -l < "$tmp/k.csv")" -eq 2 ]
[ "$(sed -n 2p "$tmp/k.csv" | cut -d, -f2)" = "$ea" ] || { echo "CSV and JSON differ"; exit 1; }
"$bin" fit-narrowing "$tmp/d.h5" --model hendrickson-bray --json > "$tmp/hb.json"
grep -q '"model": "hendrickson-bray"' "$tmp/hb.json"
# not converged: exit 2 is reserved for it; here the fit converges
"$bin" info "$tmp/d.h5" | grep -q "narrowing/kubo"
"$bin" info "$tmp/d.h5" | grep -q "narrowing/hendrickson-bray"

# Figure 5: rigid 5.0 kHz, onset 393 K (120 C), spectra -90 .. 160 C
"$gen" "$tmp/f5.h5" --seed 5 --tmin-k 183.15 --tmax-k 433.15 --ea-ev 0.64 --onset-k 393 \
    --residual-hz 300 > /dev/null
"$bin" fit-narrowing "$tmp/f5.h5" --residual-hz 300 --json > "$tmp/f5.json"
on=$(num onset_k "$tmp/f5.json"); wf=$(num waugh_fedin_ea_ev "$tmp/f5.json")
rig=$(num rigid_fwhm_hz "$tmp/f5.json")
awk -v on="$on" -v wf="$wf" -v r="$rig" 'BEGIN {
    if (on < 388 || on > 398) { print "onset " on " K, expected about 393 K"; exit 1 }
    if (wf < 0.625 || wf > 0.645) { print "Waugh-Fedin " wf " eV, expected about 0.64 eV"; exit 1 }
    if (r < 4950 || r > 5050) { print "rigid width " r " Hz, expected 5000 Hz"; exit 1 } }'

[ -n "$H5PY_PYTHON" ] || { echo "no h5py: result-group checks skipped"; exit 0; }
"$H5PY_PYTHON" - "$tmp/d0.h5" "$tmp/d.h5" "$ea" <<'PY' || exit 1
import sys, h5py
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
# spectra untouched
for k in a["spectra"]:
    for ds in ("frequency_hz", "intensity"):
        assert (a["spectra"][k][ds][...] == b["spectra"][k][ds][...]).all(), k
    assert dict(a["spectra"][k].attrs) == dict(b["spectra"][k].attrs), k
g = b["results/narrowing/kubo"]
assert repr(float(g.attrs["ea_ev"])) == repr(float(sys.argv[3])) or abs(g.attrs["ea_ev"] - float(sys.argv[3])) < 1e-15
for k in ("ea_err_ev", "rigid_fwhm_hz", "narrowed_fwhm_hz", "onset_k", "waugh_fedin_ea_ev", "tau0_s"):
    assert k in g.attrs, k
m = g.attrs["model"]
assert (m.decode() if isinstance(m, bytes) else m) == "kubo"
assert "results/narrowing/hendrickson-bray" in b
PY
# the /linewidth table (an optional group: temperature_k, fwhm_hz,
# fwhm_err_hz): Hendrickson-Bray widths (Ea 0.08 eV, 5000 -> 300 Hz) with 1%
# noise of known seed; auto-selected when the file has no spectra
"$H5PY_PYTHON" - "$tmp/lw.h5" "$tmp/bad.lw.h5" <<'PY' || exit 1
import sys, math, random, h5py
random.seed(3)
t = [150.0 + 15.0 * i for i in range(25)]
w = [5000.0 / (1.0 + (5000.0 / 300.0 - 1.0) * math.exp(-0.08 / (8.617333262e-5 * x))) for x in t]
e = [0.01 * v for v in w]
w = [v + s * random.gauss(0.0, 1.0) for v, s in zip(w, e)]
with h5py.File(sys.argv[1], "w") as f:
    f.attrs["spinrelax_format"] = "1"
    g = f.create_group("linewidth")
    g["temperature_k"] = t
    g["fwhm_hz"] = w
    g["fwhm_err_hz"] = e
with h5py.File(sys.argv[2], "w") as f:
    f.attrs["spinrelax_format"] = "1"
    g = f.create_group("linewidth")
    g["temperature_k"] = t
    g["fwhm_hz"] = [-1.0] + w[1:]
PY
"$bin" fit-narrowing "$tmp/lw.h5" --model hendrickson-bray --json > "$tmp/lw.json"
ea=$(num ea_ev "$tmp/lw.json"); err=$(num ea_err_ev "$tmp/lw.json")
awk -v ea="$ea" -v e="$err" 'BEGIN { d = ea - 0.08; if (d < 0) d = -d;
    if (!(d < 3 * e) || !(e > 0)) { print "linewidth: Ea " ea " +- " e " (truth 0.08)"; exit 1 } }'
"$H5PY_PYTHON" - "$tmp/lw.h5" <<'PY' || exit 1
import sys, h5py
g = h5py.File(sys.argv[1], "r")["results/narrowing/hendrickson-bray"]
s = g.attrs["source"]
assert (s.decode() if isinstance(s, bytes) else s) == "linewidth"
PY
set +e
"$bin" fit-narrowing "$tmp/bad.lw.h5" >"$tmp/out" 2>"$tmp/err"
rc=$?
"$bin" fit-narrowing "$tmp/d.h5" --source linewidth >"$tmp/out2" 2>"$tmp/err2"
rc2=$?
set -e
[ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "fwhm_hz\[0\]" "$tmp/err" || { echo "bad /linewidth: exit $rc"; cat "$tmp/err"; exit 1; }
[ $rc2 -eq 1 ] && grep -q "linewidth" "$tmp/err2" || { echo "missing /linewidth: exit $rc2"; cat "$tmp/err2"; exit 1; }
exit 0
