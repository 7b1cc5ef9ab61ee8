#!/bin/sh
# End-to-end speed of `spinrelax fit-transients` on a 4,000-series file
# (24-point transients, stretched-exponential fits), against a scipy
# curve_fit loop over the same data when python3-scipy and h5py are there.
# Prints where the time goes: reading (info reads and validates every
# series in a child process) versus the whole fit-transients run.
set -e
top_builddir=${top_builddir:-.}
bin="$top_builddir/cli/spinrelax"
gen="$top_builddir/tests/make_transients"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }

"$gen" "$tmp/d.h5" 4000 1 > /dev/null
t0=$(now); "$bin" info "$tmp/d.h5" > /dev/null; t1=$(now)
"$bin" fit-transients "$tmp/d.h5" > /dev/null; t2=$(now)
"$bin" fit-transients "$tmp/d.h5" --jobs 2 > /dev/null; t3=$(now)
calc() { awk "BEGIN { print $* }"; }
read_s=$(calc "$t1 - $t0")
fit_s=$(calc "$t2 - $t1")
fit2_s=$(calc "$t3 - $t2")
printf 'fit-transients, 4000 series x 24 points, stretched:\n'
printf '  read + validate (info):      %.3f s\n' "$read_s"
printf '  fit-transients --jobs 1:     %.3f s (%.0f series/s end to end)\n' "$fit_s" "$(calc "4000 / $fit_s")"
printf '  fit-transients --jobs 2:     %.3f s\n' "$fit2_s"

py=${H5PY_PYTHON:-/usr/bin/python3}
if "$py" -c 'import h5py, scipy.optimize' 2>/dev/null; then
    scipy_s=$("$py" - "$tmp/d.h5" <<'PY'
import sys, time, h5py, numpy as np
from scipy.optimize import curve_fit
t0 = time.time()
f = h5py.File(sys.argv[1], "r")
for name in f["series"]:
    g = f["series"][name]
    t, y = g["delay_s"][()], g["signal"][()]
    s = g["sigma"][()] if "sigma" in g else None
    kind = g.attrs["experiment"]
    if kind == "saturation_recovery":
        m = lambda t, a, r, c: a * (1 - np.exp(-(t * r) ** c))
    elif kind == "inversion_recovery":
        m = lambda t, a, r, c: a * (1 - 2 * np.exp(-(t * r) ** c))
    else:
        m = lambda t, a, r, c: a * np.exp(-(t * r) ** c)
    p0 = [np.max(np.abs(y)), 1.0 / np.median(t), 0.9]
    try:
        curve_fit(m, t, y, p0=p0, sigma=s, bounds=([-np.inf, 0, 0.01], [np.inf, np.inf, 1]))
    except Exception:
        pass
print(time.time() - t0)
PY
)
    printf '  scipy curve_fit loop:        %.3f s (%.0f series/s)\n' "$scipy_s" "$(calc "4000 / $scipy_s")"
    printf '  speed-up, --jobs 1 vs scipy: %.1fx\n' "$(calc "$scipy_s / $fit_s")"
else
    echo "  (python3-scipy or h5py not installed: no scipy comparison)"
fi
