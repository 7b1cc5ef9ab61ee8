#!/bin/sh
# Damaged files: a few hundred copies of a valid library-made file with
# random byte flips and truncations.  `spinrelax info` must never crash or
# hang: exit 0 (damage in unused bytes or data values), or 1/3 with exactly
# one line on stderr.  HDF5 1.10 itself crashes or hangs on some of these;
# the library reads in a forked child with a time limit.  ~30 s.
set -e
bin="$top_builddir/cli/spinrelax"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxdmg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
py=""
for p in "$H5PY_PYTHON" /usr/bin/python3 python3; do
    [ -n "$p" ] && command -v "$p" >/dev/null 2>&1 && { py=$p; break; }
done
[ -n "$py" ] || { echo "no python3 to make damaged copies: skipped"; exit 77; }

# Files found by the fuzzer (tests/fuzz_readers.c) on which HDF5 1.10.8
# crashes (global heap read of a vlen string), hangs, or overreads: a clean
# exit 1 with one line, never a crash or hang of the CLI.
for f in "$top_srcdir"/tests/hdf5-crashers/*.h5; do
    set +e
    timeout 60 "$bin" info "$f" --timeout-s 3 > "$tmp/out" 2> "$tmp/err"
    rc=$?
    set -e
    if [ $rc -ne 1 ] || [ "$(wc -l < "$tmp/err")" -ne 1 ]; then
        echo "FAIL: $f: exit $rc"; cat "$tmp/err"; exit 1
    fi
    echo "$(basename "$f"): $(cat "$tmp/err")"
done

for T in 300 320 340 360; do
    "$py" -c "
import math
for k in range(12):
    t = 1e-3 * 2 ** k
    print('%r,%r,%r' % (t, 1e4 * (1 - math.exp(-t * $T / 100.0)), 50.0))" > "$tmp/s.csv"
    "$bin" import-csv "$tmp/good.h5" "$tmp/s.csv" --name "T1_${T}K" --experiment saturation_recovery \
        --nucleus 7Li --larmor-hz 116.59e6 --temperature-k $T
done
"$bin" info "$tmp/good.h5" > /dev/null

n=${SRX_DAMAGED_COPIES:-300}
"$py" - "$tmp/good.h5" "$tmp" "$n" <<'PY'
import random, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, "rb").read()
rng = random.Random(20261125)
for i in range(n):
    b = bytearray(data)
    if i % 3 == 2:                       # truncation
        b = b[:rng.randrange(0, len(b))]
    else:                                # 1 to 8 random bytes replaced
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    open("%s/d%04d.h5" % (out, i), "wb").write(bytes(b))
PY

ok=0; bad=0; fail=0
for f in "$tmp"/d*.h5; do
    set +e
    timeout 60 "$bin" info "$f" --timeout-s 3 > "$tmp/out" 2> "$tmp/err"
    rc=$?
    set -e
    case $rc in
    0) ok=$((ok + 1)) ;;
    1|3)
        bad=$((bad + 1))
        if [ "$(wc -l < "$tmp/err")" -ne 1 ]; then
            echo "FAIL: $f: exit $rc without a one-line message:"; cat "$tmp/err"; fail=1
        fi ;;
    *) echo "FAIL: $f: exit status $rc"; cat "$tmp/err"; fail=1 ;;
    esac
    grep -q "crashed\|hung" "$tmp/err" && echo "$(basename "$f"): $(cat "$tmp/err")" >> "$tmp/guarded"
done
echo "$n damaged copies: $ok listed, $bad refused with one line"
[ -f "$tmp/guarded" ] && { echo "HDF5 crashes/hangs contained:"; sed 's/^/  /' "$tmp/guarded"; }
exit $fail
