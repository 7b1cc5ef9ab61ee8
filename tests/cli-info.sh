#!/bin/sh
# The `info` verb: the listing of a file written by h5py (variable- and
# fixed-length strings, spectra, conductivity, results, a broken series),
# the warning for a file without spinrelax_format, and exit 1/3 with one
# line for files that are not readable.
set -e
bin="$top_builddir/cli/spinrelax"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxinfo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$bin" info --help | grep -q "kind,name,experiment"
"$bin" --help | grep -q info

expect() {
    want=$1; shift
    set +e
    "$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    set -e
    if [ $rc -ne "$want" ]; then echo "exit $rc (want $want): $*"; cat "$tmp/err"; exit 1; fi
    if [ "$want" -ne 0 ] && [ "$(wc -l < "$tmp/err")" -ne 1 ]; then
        echo "not one line on stderr: $*"; cat "$tmp/err"; exit 1
    fi
}

expect 3 "$bin" info "$tmp/missing.h5"
grep -q "missing.h5" "$tmp/err"
echo "plain text" > "$tmp/text.h5"
expect 1 "$bin" info "$tmp/text.h5"
grep -q "text.h5: not an HDF5 file" "$tmp/err"
expect 1 "$bin" info
expect 1 "$bin" info "$tmp/text.h5" --timeout-s -1

# a library-made file: listing without warning
printf '0.1,1\n0.2,2\n0.4,3\n' > "$tmp/a.csv"
"$bin" import-csv "$tmp/lib.h5" "$tmp/a.csv" --name s1 --experiment inversion_recovery \
    --nucleus 1H --larmor-hz 300e6 --temperature-k 295.5
expect 0 "$bin" info "$tmp/lib.h5"
[ ! -s "$tmp/err" ] || { echo "unexpected warning"; cat "$tmp/err"; exit 1; }
[ "$(head -n 1 "$tmp/out")" = "kind,name,experiment,nucleus,temperature_k,n_points,sigma,status,detail" ]
grep -qx "series,s1,inversion_recovery,1H,295.5,3,no,ok," "$tmp/out"

py="$H5PY_PYTHON"
if [ -z "$py" ] || ! "$py" -c 'import h5py' 2>/dev/null; then
    echo "no Python with h5py: the h5py part is skipped"; exit 77
fi
"$py" - "$tmp/py.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "w") as h:
    h.attrs["sample"] = "made by h5py"
    g = h.create_group("series/vlen")
    g.attrs["experiment"] = "spin_lock"
    g.attrs["nucleus"] = "7Li"
    g.attrs["larmor_hz"] = 116.59e6
    g.attrs["temperature_k"] = 513.0
    g.attrs["spinlock_hz"] = 20e3
    g["delay_s"] = np.geomspace(1e-4, 1e-1, 10)
    g["signal"] = np.exp(-np.geomspace(1e-4, 1e-1, 10) * 30)
    g["sigma"] = np.full(10, 0.01)
    g = h.create_group("series/fixed")
    g.attrs["experiment"] = np.string_("saturation_recovery")
    g.attrs["nucleus"] = np.string_("23Na")
    g.attrs["larmor_hz"] = np.float32(79.35e6)
    g.attrs["temperature_k"] = np.int64(300)
    g["delay_s"] = np.array([0.0, 0.1, 1.0, 10.0])
    g["signal"] = np.array([0.0, 10.0, 60.0, 99.0], dtype=np.float32)
    g = h.create_group("series/bad")
    g.attrs["experiment"] = "saturation_recovery"
    g.attrs["nucleus"] = "7Li"
    g.attrs["larmor_hz"] = 116.59e6
    g.attrs["temperature_k"] = 300.0
    g["delay_s"] = np.array([0.1, 0.2, 0.3])
    g["signal"] = np.array([1.0, 2.0, 3.0])
    g["sigma"] = np.array([1.0, -1.0, 1.0])
    s = h.create_group("spectra/sp,1")
    s.attrs["nucleus"] = "7Li"
    s.attrs["larmor_hz"] = 116.59e6
    s.attrs["temperature_k"] = 183.0
    s["frequency_hz"] = np.linspace(-1e3, 1e3, 64)
    s["intensity"] = np.ones(64)
    c = h.create_group("conductivity/Li")
    c["temperature_k"] = np.arange(200.0, 400.0, 20.0)
    c["sigma_dc_s_per_m"] = np.full(10, 1e-3)
    t = h.create_group("results/transients")
    t["series"] = np.array(["vlen", "fixed"], dtype=h5py.string_dtype())
    r = h.create_group("results/peak/bpp")
    r.attrs["model"] = "bpp"
    r.attrs["created_by"] = "spinrelax 0.1.0"
    r.attrs["ea_ev"] = 0.44
PY
expect 0 "$bin" info "$tmp/py.h5"
grep -q "no spinrelax_format" "$tmp/err"
[ "$(wc -l < "$tmp/out")" -eq 8 ] || { cat "$tmp/out"; exit 1; }
grep -qx "series,bad,saturation_recovery,7Li,300,3,yes,malformed data,$tmp/py.h5: /series/bad: sigma\[1\] = -1 is not positive" "$tmp/out" \
    || { echo "bad series not reported"; cat "$tmp/out"; exit 1; }
grep -qx "series,fixed,saturation_recovery,23Na,300,4,no,ok," "$tmp/out"
grep -qx "series,vlen,spin_lock,7Li,513,10,yes,ok," "$tmp/out"
grep -qx 'spectrum,"sp,1",,7Li,183,64,,ok,' "$tmp/out"
grep -qx "conductivity,Li,,,,10,no,ok," "$tmp/out"
grep -qx "result,transients,,,,2,,ok," "$tmp/out"
grep -qx "result,peak/bpp,,,,0,,ok,model=bpp; created_by=spinrelax 0.1.0" "$tmp/out"
echo "info: ok"
