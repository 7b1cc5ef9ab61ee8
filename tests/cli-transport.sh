#!/bin/sh
# The transport verb against hand-computed values (physics.md section 5).
set -e
bin="$top_builddir/cli/spinrelax"
"$bin" transport --help | grep -q "Einstein-Smoluchowski"
close() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-12 * (b < 0 ? -b : b)) }'; }
# a = 2.5 A, 1/tau = 1e9 s^-1: D = a^2 / (6 tau) = 6.25e-20 * 1e9 / 6
out=$("$bin" transport --jump-rate-per-s 1e9 --jump-distance-m 2.5e-10 | tail -n 1)
close "$(echo "$out" | cut -d, -f3)" 1.0416666666666667e-11
[ "$(echo "$out" | cut -d, -f4)" = "" ]
# Nernst-Einstein: N = 1e27 m^-3, z = 1, T = 300 K, D = 1e-12 m^2/s:
# sigma = N e^2 D / (kB T) = 1e27 * (1.602176634e-19)^2 * 1e-12 / (1.380649e-23 * 300)
want=$(awk 'BEGIN { printf "%.17g", 1e27 * 1.602176634e-19^2 * 1e-12 / (1.380649e-23 * 300) }')
out=$("$bin" transport --diffusion-m2-per-s 1e-12 --carrier-density-per-m3 1e27 --charge-number 1 \
      --temperature-k 300 | tail -n 1)
close "$(echo "$out" | cut -d, -f4)" "$want"
# and back, with a Haven ratio of 0.5: D = H sigma kB T / (N e^2)
out=$("$bin" transport --conductivity-s-per-m "$want" --carrier-density-per-m3 1e27 --charge-number 1 \
      --temperature-k 300 --haven-ratio 0.5 --jump-distance-m 2.5e-10 --json)
echo "$out" | grep -q '"diffusion_m2_per_s": 4.99999999999999[0-9]*e-13\|"diffusion_m2_per_s": 5.0000000000000[0-9]*e-13\|"diffusion_m2_per_s": 5e-13'
# Ngai: 1 - 0.20/0.28 = 2/7 (the seed's NMR against conductivity value, 0.29)
n=$("$bin" transport --e-short-ev 0.20 --e-long-ev 0.28 | tail -n 1 | cut -d, -f1)
close "$n" 0.2857142857142857
set +e
"$bin" transport --jump-rate-per-s 1e9 --tau-s 1 2> /dev/null; rc=$?
set -e
[ $rc -eq 1 ]
