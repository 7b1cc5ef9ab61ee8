/* Internal kernel of the powder module.  Not installed. */
#ifndef SPINRELAX_POWDER_INTERNAL_H
#define SPINRELAX_POWDER_INTERNAL_H

#include <math.h>
#include <stddef.h>

/* Add a tent of area w with corners at bin coordinates a, b, c (bin i covers
 * [i, i + 1)) to bins[0..n-1].  No validation.
 * The cumulative mass is G(x) = k1 (x - x1)^2 on [x1, x2] and
 * w - k2 (x3 - x)^2 on [x2, x3]; bin i receives G(i + 1) - G(i). */
static inline void srxi_tent(double a, double b, double c, double w, size_t n, double *bins)
{
    double t, x1 = a, x2 = b, x3 = c, d31, k1, k2, gprev;
    long i1, i2, i3, lo, hi, e, emax, erise, nn = (long)n;
    if (x1 > x2) { t = x1; x1 = x2; x2 = t; }
    if (x2 > x3) { t = x2; x2 = x3; x3 = t; }
    if (x1 > x2) { t = x1; x1 = x2; x2 = t; }
    if (x3 <= 0.0 || x1 >= (double)nn)
        return;
    i1 = (long)floor(x1);
    i3 = (long)floor(x3);
    d31 = x3 - x1;
    if (i1 == i3 || d31 < 1e-9) {
        if (i1 >= 0 && i1 < nn)
            bins[i1] += w;
        return;
    }
    i2 = (long)floor(x2);
    k1 = (x2 > x1) ? w / (d31 * (x2 - x1)) : 0.0;
    k2 = (x3 > x2) ? w / (d31 * (x3 - x2)) : 0.0;
    lo = i1 < 0 ? 0 : i1;
    hi = i3 >= nn ? nn - 1 : i3;
    if (lo == i1) {
        gprev = 0.0;
    } else {
        double x = (double)lo;
        gprev = x < x2 ? k1 * (x - x1) * (x - x1) : w - k2 * (x3 - x) * (x3 - x);
    }
    emax = hi + 1 < i3 ? hi + 1 : i3; /* interior edges lo+1 .. emax */
    erise = i2 < emax ? i2 : emax;    /* edges <= x2 */
    for (e = lo + 1; e <= erise; e++) {
        double x = (double)e - x1, g = k1 * x * x;
        bins[e - 1] += g - gprev;
        gprev = g;
    }
    for (; e <= emax; e++) {
        double x = x3 - (double)e, g = w - k2 * x * x;
        bins[e - 1] += g - gprev;
        gprev = g;
    }
    if (i3 <= hi)
        bins[i3] += w - gprev;
}

#endif
