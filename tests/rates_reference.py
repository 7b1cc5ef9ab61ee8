#!/usr/bin/env python3
"""Independent evaluation of physics.md sections 1-3 for the CLI test.

Reads the CSV of `spinrelax rates` on stdin and compares every row with the
textbook formulas written out directly (no logarithmic tricks), exiting 1 on
a relative difference above 1e-9.  Arguments: model ea_ev tau0_s shape K
larmor_hz spinlock_hz."""
import math
import sys

KB = 8.617333262e-5
model, ea, tau0, shape, k, nu0, nu1 = sys.argv[1], *map(float, sys.argv[2:])


def j(omega, tau):
    x = omega * tau
    if model == "bpp":
        return tau / (1 + x * x)
    if model == "asymmetric":
        return tau / (1 + x ** shape)
    if model == "cole-davidson":
        return math.sin(shape * math.atan(x)) / (omega * (1 + x * x) ** (shape / 2))
    if model == "cole-cole":
        a = shape
        return (1 / omega) * x ** a * math.sin(a * math.pi / 2) / (
            1 + 2 * x ** a * math.cos(a * math.pi / 2) + x ** (2 * a))
    raise SystemExit("unsupported model " + model)


worst = 0.0
rows = 0
lines = sys.stdin.read().split("\n")
assert lines[0] == "temperature_k,r1_per_s,r1rho_per_s", lines[0]
for line in lines[1:]:
    if not line:
        continue
    t, r1, r1rho = line.split(",")
    t, r1, r1rho = float(t), float(r1), float(r1rho)
    tau = tau0 * math.exp(ea / (KB * t))
    w0, w1 = 2 * math.pi * nu0, 2 * math.pi * nu1
    ref1 = k * (j(w0, tau) + 4 * j(2 * w0, tau))
    ref1rho = k * (1.5 * j(2 * w1, tau) + 2.5 * j(w0, tau) + j(2 * w0, tau))
    for got, ref in ((r1, ref1), (r1rho, ref1rho)):
        worst = max(worst, abs(got - ref) / abs(ref))
    rows += 1
print(f"{rows} rows, worst relative difference {worst:.3g}")
sys.exit(0 if rows > 0 and worst <= 1e-9 else 1)
