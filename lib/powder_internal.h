/* Internal kernel of the powder module.  Not installed. */
#ifndef SPINRELAX_POWDER_INTERNAL_H
#define SPINRELAX_POWDER_INTERNAL_H

#include <math.h>
#include <stddef.h>

/* Add a tent of area w with sorted corners x1 <= x2 <= x3 in bin coordinates
 * (bin i covers [i, i + 1)) to bins[0..n-1]; k1 = w / ((x3-x1)(x2-x1)) and
 * k2 = w / ((x3-x1)(x3-x2)) (0 where a width is 0).  The cumulative mass is
 * G(x) = k1 (x - x1)^2 on [x1, x2] and w - k2 (x3 - x)^2 on [x2, x3]; bin i
 * receives G(i + 1) - G(i).  No validation. */
static inline void srxi_tent_sorted(double x1, double x2, double x3, double w, double k1,
                                    double k2, size_t n, double *bins)
{
    double gprev;
    long i1, i2, i3, lo, hi, e, emax, erise, nn = (long)n;
    if (x3 <= 0.0 || x1 >= (double)nn)
        return;
    i1 = (long)floor(x1);
    i3 = (long)floor(x3);
    if (i1 == i3 || x3 - x1 < 1e-9) {
        if (i1 >= 0 && i1 < nn)
            bins[i1] += w;
        return;
    }
    i2 = (long)floor(x2);
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

/* sort three values ascending */
static inline void srxi_sort3(double *x1, double *x2, double *x3)
{
    double t;
    if (*x1 > *x2) { t = *x1; *x1 = *x2; *x2 = t; }
    if (*x2 > *x3) { t = *x2; *x2 = *x3; *x3 = t; }
    if (*x1 > *x2) { t = *x1; *x1 = *x2; *x2 = t; }
}

/* unit-area slopes 1/((x3-x1)(x2-x1)), 1/((x3-x1)(x3-x2)) of a sorted tent */
static inline void srxi_tent_slopes(double x1, double x2, double x3, double *u1, double *u2)
{
    double d31 = x3 - x1;
    *u1 = (x2 > x1 && d31 > 0.0) ? 1.0 / (d31 * (x2 - x1)) : 0.0;
    *u2 = (x3 > x2 && d31 > 0.0) ? 1.0 / (d31 * (x3 - x2)) : 0.0;
}

/* Add a tent of area w with corners at bin coordinates a, b, c (any order). */
static inline void srxi_tent(double a, double b, double c, double w, size_t n, double *bins)
{
    double u1, u2;
    srxi_sort3(&a, &b, &c);
    if (c <= 0.0 || a >= (double)n)
        return;
    srxi_tent_slopes(a, b, c, &u1, &u2);
    srxi_tent_sorted(a, b, c, w, w * u1, w * u2, n, bins);
}

#endif
