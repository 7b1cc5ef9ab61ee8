/* Internal kernel of the powder module.  Not installed. */
#ifndef SPINRELAX_POWDER_INTERNAL_H
#define SPINRELAX_POWDER_INTERNAL_H

#include <math.h>
#include <stddef.h>

/* Add a tent of area w with corners at bin coordinates a, b, c (bin i covers
 * [i, i + 1)) to bins[0..n-1].  No validation. */
static inline void srxi_tent(double a, double b, double c, double w, size_t n, double *bins)
{
    double t, x1 = a, x2 = b, x3 = c, lo, hi, d31, k1, k2, gprev;
    long i, i1, i3, nn = (long)n;
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
    k1 = (x2 > x1) ? w / (d31 * (x2 - x1)) : 0.0;
    k2 = (x3 > x2) ? w / (d31 * (x3 - x2)) : 0.0;
    if (i1 < 0)
        i1 = -1; /* start accumulating from the first visible edge */
    if (i3 >= nn)
        i3 = nn;
    gprev = 0.0;
    lo = (double)(i1 + 1);
    if (i1 < 0) {
        /* cumulative at edge 0 */
        double x = 0.0;
        gprev = x <= x1 ? 0.0 : (x < x2 ? k1 * (x - x1) * (x - x1) : w - k2 * (x3 - x) * (x3 - x));
        i1 = 0;
        lo = 1.0;
    }
    for (i = i1; i <= i3 && i < nn; i++) {
        double g;
        hi = (double)(i + 1);
        if (hi >= x3)
            g = w;
        else if (hi < x2)
            g = k1 * (hi - x1) * (hi - x1);
        else
            g = w - k2 * (x3 - hi) * (x3 - hi);
        bins[i] += g - gprev;
        gprev = g;
    }
    (void)lo;
}

#endif
