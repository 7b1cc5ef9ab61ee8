#!/bin/sh
# The `import-csv` verb: cli.md contract (exit 0/1/3, one-line messages
# naming file, object and reason), refusal to overwrite without --force,
# input never partly written, and a cross-check of the written file with
# h5py (types as data-format.md prescribes, values exact).
set -e
bin="$top_builddir/cli/spinrelax"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxcsv.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$bin" import-csv --help | grep -q -- "--experiment"
"$bin" --help | grep -q import-csv

cat > "$tmp/a.csv" <<'CSV'
# saturation recovery, 7Li
delay_s,signal,sigma
0.001,95.25,1.5
0.01,70.125,1.5
0.1,30.0625,2
1,5.03125,2
10,-0.5,0.25
CSV
printf '1e-3,1\r\n2e-3,2\r\n4e-3,3.5\r\n' > "$tmp/b.csv"

# run CMD...: expect exit status $want and (for failures) one line on stderr
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

out="$tmp/data.h5"
common="--experiment saturation_recovery --nucleus 7Li --larmor-hz 116.59e6 --temperature-k 300"
expect 0 "$bin" import-csv "$out" "$tmp/a.csv" --name T1_300K $common
expect 0 "$bin" import-csv "$out" "$tmp/b.csv" --name "T1 rho, 310K" --experiment spin_lock \
    --nucleus 7Li --larmor-hz 116.59e6 --temperature-k 310 --spinlock-hz 20e3
ls -a "$tmp" | grep -q srx-tmp && { echo "temporary file left behind"; exit 1; }
cp "$out" "$tmp/before.h5"

# same name again: refused, file unchanged; --force replaces
expect 1 "$bin" import-csv "$out" "$tmp/b.csv" --name T1_300K $common
grep -q "/series/T1_300K already exists" "$tmp/err"
grep -q "data.h5" "$tmp/err"
cmp "$out" "$tmp/before.h5"

# bad input: exit 1, one line naming the file and the problem, output untouched
printf 'delay_s,signal\n0.1,1\n0.2,x\n0.3,3\n' > "$tmp/bad.csv"
expect 1 "$bin" import-csv "$out" "$tmp/bad.csv" --name new $common
grep -q "bad.csv: csv line 3, field 2" "$tmp/err"
printf '0.1,1\n-0.2,2\n0.3,3\n' > "$tmp/neg.csv"
expect 1 "$bin" import-csv "$out" "$tmp/neg.csv" --name new $common
grep -q "delay_s\[1\] = -0.2 is negative" "$tmp/err"
printf '0.1,1\n0.2,2\n' > "$tmp/short.csv"
expect 1 "$bin" import-csv "$out" "$tmp/short.csv" --name new $common
expect 1 "$bin" import-csv "$out" "$tmp/b.csv" --name new --experiment spin_lock --nucleus 7Li \
    --larmor-hz 116.59e6 --temperature-k 300
grep -q "spinlock_hz" "$tmp/err"
expect 1 "$bin" import-csv "$out" "$tmp/b.csv" --name new --experiment t1 --nucleus 7Li \
    --larmor-hz 116.59e6 --temperature-k 300
expect 1 "$bin" import-csv "$out" "$tmp/b.csv" --name a/b $common
expect 1 "$bin" import-csv "$out" "$tmp/b.csv" --name new --experiment spin_lock
expect 1 "$bin" import-csv "$out" "$tmp/b.csv" --name new $common --temperature-k -4
expect 1 "$bin" import-csv "$out" --name new $common
cmp "$out" "$tmp/before.h5"

# I/O failures: exit 3
expect 3 "$bin" import-csv "$out" "$tmp/missing.csv" --name new $common
expect 3 "$bin" import-csv "$tmp/no/such/dir/x.h5" "$tmp/a.csv" --name new $common
# an output that is not HDF5: exit 1, left alone
echo "hello" > "$tmp/text.h5"
expect 1 "$bin" import-csv "$tmp/text.h5" "$tmp/a.csv" --name new $common
[ "$(cat "$tmp/text.h5")" = hello ]

expect 0 "$bin" import-csv "$out" "$tmp/b.csv" --name T1_300K $common --force

py="$H5PY_PYTHON"
if [ -z "$py" ] || ! "$py" -c 'import h5py' 2>/dev/null; then
    echo "no Python with h5py: cross-checks skipped"; exit 77
fi

# the library's file read by h5py: types and exact values
"$py" - "$tmp/before.h5" "$out" <<'PY'
import sys, h5py, numpy as np
before, after = sys.argv[1], sys.argv[2]
with h5py.File(before, "r") as h:
    assert h.attrs["spinrelax_format"] == "1"
    g = h["series/T1_300K"]
    for a in ("experiment", "nucleus"):
        t = h5py.check_string_dtype(g.attrs.get_id(a).dtype)
        assert t is not None and t.encoding == "utf-8" and t.length is None, a
    assert g.attrs["experiment"] == "saturation_recovery" and g.attrs["nucleus"] == "7Li"
    assert g.attrs.get_id("larmor_hz").dtype == np.float64
    assert g.attrs["larmor_hz"] == 116.59e6 and g.attrs["temperature_k"] == 300.0
    assert "spinlock_hz" not in g.attrs
    for d in ("delay_s", "signal", "sigma"):
        assert g[d].dtype == np.float64 and g[d].shape == (5,), d
    assert list(g["delay_s"][:]) == [0.001, 0.01, 0.1, 1.0, 10.0]
    assert list(g["signal"][:]) == [95.25, 70.125, 30.0625, 5.03125, -0.5]
    assert list(g["sigma"][:]) == [1.5, 1.5, 2.0, 2.0, 0.25]
    r = h["series/T1 rho, 310K"]
    assert r.attrs["experiment"] == "spin_lock" and r.attrs["spinlock_hz"] == 20e3
    assert "sigma" not in r and list(r["signal"][:]) == [1.0, 2.0, 3.5]
with h5py.File(after, "r") as h:
    g = h["series/T1_300K"]        # replaced by --force
    assert "sigma" not in g and list(g["delay_s"][:]) == [1e-3, 2e-3, 4e-3]
    assert list(h["series/T1 rho, 310K/signal"][:]) == [1.0, 2.0, 3.5]
PY

# a file written by h5py (fixed-length ASCII strings, no spinrelax_format):
# import adds a series and leaves the rest bit-identical
"$py" - "$tmp/py.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "w") as h:
    g = h.create_group("series/old")
    g.attrs["experiment"] = np.string_("inversion_recovery")
    g.attrs["nucleus"] = np.string_("19F")
    g.attrs["larmor_hz"] = 282.4e6
    g.attrs["temperature_k"] = np.int32(250)
    g["delay_s"] = np.geomspace(1e-3, 1, 7)
    g["signal"] = np.linspace(-1, 1, 7)
    s = h.create_group("spectra/sp")
    s["frequency_hz"] = np.arange(5.0)
PY
cp "$tmp/py.h5" "$tmp/py0.h5"
expect 0 "$bin" import-csv "$tmp/py.h5" "$tmp/a.csv" --name new $common
"$py" - "$tmp/py0.h5" "$tmp/py.h5" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
for p in ("series/old/delay_s", "series/old/signal", "spectra/sp/frequency_hz"):
    assert a[p][:].tobytes() == b[p][:].tobytes() and a[p].dtype == b[p].dtype, p
for k, v in a["series/old"].attrs.items():
    assert b["series/old"].attrs[k] == v, k
assert "spinrelax_format" not in b.attrs   # root attributes are left alone
assert list(b["series/new/signal"][:]) == [95.25, 70.125, 30.0625, 5.03125, -0.5]
PY
echo "import-csv: ok"
