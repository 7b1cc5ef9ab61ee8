/* spectrum1d: FID -> integral pipeline (group delay, apodization, FFTW,
 * shared automatic phase, linear baseline, integral, noise).  The method
 * and the uncertainty are described in include/spinrelax/spectrum1d.h. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "internal.h"
#include "spinrelax/spectrum1d.h"

void srx_spectrum1d_options_init(srx_spectrum1d_options *opt)
{
    if (!opt)
        return;
    opt->group_delay_points = 0.0;
    opt->line_broadening_hz = 0.0;
    opt->fft_size = 0;
    opt->auto_phase = 1;
    opt->phase0_deg = 0.0;
    opt->phase1_deg = 0.0;
    opt->auto_region = 1;
    opt->region_lo_hz = 0.0;
    opt->region_hi_hz = 0.0;
    opt->reference = -1;
}

/* Westler & Abildgaard DSPFVS/DECIM group delays (as tabulated in nmrglue). */
int srx_spectrum1d_bruker_group_delay(int dspfvs, double decim, double *points, srx_diag *diag)
{
    static const double decims[21] = {2,   3,   4,   6,   8,    12,   16,  24,  32,  48,  64,
                                      96,  128, 192, 256, 384,  512,  768, 1024, 1536, 2048};
    static const double t10[21] = {44.75,   33.5,     66.625,    59.083333333333333, 68.5625,
                                   60.375,  69.53125, 61.020833333333333, 70.015625, 61.34375,
                                   70.2578125, 61.505208333333333, 70.37890625, 61.5859375,
                                   70.439453125, 61.626302083333333, 70.4697265625,
                                   61.646484375, 70.48486328125, 61.656575520833333,
                                   70.492431640625};
    static const double t11[21] = {46., 36.5, 48., 50.166666666666667, 53.25, 69.5, 72.25,
                                   70.166666666666667, 72.75, 70.5, 73., 70.666666666666667,
                                   72.5, 71.333333333333333, 72.25, 71.666666666666667, 72.125,
                                   71.833333333333333, 72.0625, 71.916666666666667, 72.03125};
    static const double t12[21] = {46., 36.5, 48., 50.166666666666667, 53.25, 69.5, 71.625,
                                   70.166666666666667, 72.125, 70.5, 72.375, 70.666666666666667,
                                   72.5, 71.333333333333333, 72.25, 71.666666666666667, 72.125,
                                   71.833333333333333, 72.0625, 71.916666666666667, 72.03125};
    static const double t13[12] = {2.75, 2.8333333333333333, 2.875, 2.9166666666666667, 2.9375,
                                   2.9583333333333333, 2.96875, 2.9791666666666667, 2.984375,
                                   2.9895833333333333, 2.9921875, 2.9947916666666667};
    const double *t = NULL;
    size_t i, len = 21;
    if (!points)
        return srxi_fail(diag, SRX_EINVAL, "spectrum1d: NULL argument");
    switch (dspfvs) {
    case 10: t = t10; break;
    case 11: t = t11; break;
    case 12: t = t12; break;
    case 13: t = t13; len = 12; break;
    default: break;
    }
    if (t)
        for (i = 0; i < len; i++)
            if (decim == decims[i]) {
                *points = t[i];
                return SRX_OK;
            }
    return srxi_fail(diag, SRX_ENOTFOUND,
                     "spectrum1d: no tabulated group delay for DSPFVS = %d, DECIM = %g", dspfvs,
                     decim);
}

/* |sum_{k=lo..hi} S_k e^{2 pi i d (k - p) / N}| and the sum itself */
static double shifted_sum(const fftw_complex *s, size_t lo, size_t hi, size_t p, size_t n,
                          double d, double *arg)
{
    double re = 0, im = 0;
    size_t k;
    for (k = lo; k <= hi; k++) {
        double a = 2.0 * SRXI_PI * d * ((double)k - (double)p) / (double)n, c = cos(a), sn = sin(a);
        re += s[k][0] * c - s[k][1] * sn;
        im += s[k][0] * sn + s[k][1] * c;
    }
    if (arg)
        *arg = atan2(im, re);
    return hypot(re, im);
}

/* Negative-area penalty of the region after a time shift d (points) and the
 * zero-order phase that makes the region sum real and positive:
 * sum min(Re, 0)^2 / sum Re^2.  A correctly phased absorption line has no
 * negative part; a first-order phase error adds dispersive lobes of both
 * signs.  Only points with a magnitude >= thr (10 % of the peak) count, so
 * that noise-only points do not steer the choice.  (Maximising the region sum alone is biased: the half first point
 * makes a shift of about one point look better.) */
static double penalty_raw(const fftw_complex *s, size_t lo, size_t hi, size_t p, size_t n,
                          double d, double thr, double *negsum, size_t *count)
{
    double arg, neg = 0, all = 0;
    size_t cnt = 0;
    size_t k;
    shifted_sum(s, lo, hi, p, n, d, &arg);
    for (k = lo; k <= hi; k++) {
        double a, re;
        if (hypot(s[k][0], s[k][1]) < thr)
            continue;
        a = 2.0 * SRXI_PI * d * ((double)k - (double)p) / (double)n - arg;
        re = s[k][0] * cos(a) - s[k][1] * sin(a);
        all += re * re;
        cnt++;
        if (re < 0)
            neg += re * re;
    }
    if (negsum)
        *negsum = neg;
    if (count)
        *count = cnt;
    return all > 0 ? neg / all : 0.0;
}

static double penalty(const fftw_complex *s, size_t lo, size_t hi, size_t p, size_t n, double d,
                      double thr)
{
    return penalty_raw(s, lo, hi, p, n, d, thr, NULL, NULL);
}

/* Find the shift d minimising the penalty (grid + golden section); among
 * equal values the smallest |d| wins, and d = 0 is kept unless the negative
 * area drops by more than noise could explain: 4 sqrt(m) noise^2 for the m
 * points counted (noise = the spectral noise per point). */
static double best_shift(const fftw_complex *s, size_t lo, size_t hi, size_t p, size_t n,
                         double noise)
{
    double thr = 0.1 * hypot(s[p][0], s[p][1]);
    double w = (double)(hi - lo + 1), step = (double)n / (8.0 * w), dmax, best = 0, bval;
    double a, b, c1, c2, f1, f2, gr = 0.5 * (sqrt(5.0) - 1.0), d;
    long j, m;
    int it;
    if (step < 0.05)
        step = 0.05;
    if (step > 4.0)
        step = 4.0;
    dmax = (double)n / 4.0;
    if (dmax > 256.0)
        dmax = 256.0;
    m = (long)(dmax / step);
    bval = penalty(s, lo, hi, p, n, 0.0, thr);
    for (j = 1; j <= m; j++) {
        int sign;
        for (sign = 1; sign >= -1; sign -= 2) {
            double dd = sign * (double)j * step, v = penalty(s, lo, hi, p, n, dd, thr);
            if (v < bval * (1.0 - 1e-9)) {
                bval = v;
                best = dd;
            }
        }
    }
    a = best - step;
    b = best + step;
    c1 = b - gr * (b - a);
    c2 = a + gr * (b - a);
    f1 = penalty(s, lo, hi, p, n, c1, thr);
    f2 = penalty(s, lo, hi, p, n, c2, thr);
    for (it = 0; it < 40; it++) {
        if (f1 < f2) {
            b = c2;
            c2 = c1;
            f2 = f1;
            c1 = b - gr * (b - a);
            f1 = penalty(s, lo, hi, p, n, c1, thr);
        } else {
            a = c1;
            c1 = c2;
            f1 = f2;
            c2 = a + gr * (b - a);
            f2 = penalty(s, lo, hi, p, n, c2, thr);
        }
    }
    d = 0.5 * (a + b);
    if (!(penalty(s, lo, hi, p, n, d, thr) < bval))
        d = best;
    {
        double n0, nd;
        size_t m0, md;
        penalty_raw(s, lo, hi, p, n, 0.0, thr, &n0, &m0);
        penalty_raw(s, lo, hi, p, n, d, thr, &nd, &md);
        if (n0 - nd <= 4.0 * sqrt((double)(m0 > md ? m0 : md)) * noise * noise)
            d = 0.0;
    }
    return d;
}

int srx_spectrum1d_integrate(const double *fid, size_t n_increments, size_t n_complex,
                             double sw_hz, const srx_spectrum1d_options *opt_in,
                             double *integral, double *sigma, srx_spectrum1d_info *info,
                             srx_diag *diag)
{
    srx_spectrum1d_options opt;
    size_t n, gi, nkeep, h, edge, i, k, ref = 0, p = 0, lo, hi, nb;
    double frac, maxmag = -1.0, phi0, phi1, lbfac;
    fftw_complex *in = NULL, *spec = NULL;
    fftw_plan plan;
    unsigned char *isbase = NULL;
    int status = SRX_OK;

    if (!fid || !integral)
        return srxi_fail(diag, SRX_EINVAL, "spectrum1d: NULL argument");
    if (opt_in)
        opt = *opt_in;
    else
        srx_spectrum1d_options_init(&opt);
    if (n_increments < 1 || n_complex < 16)
        return srxi_fail(diag, SRX_ENODATA,
                         "spectrum1d: need >= 1 increment of >= 16 complex points (got %zu x %zu)",
                         n_increments, n_complex);
    if (!(srxi_isfinite(sw_hz) && sw_hz > 0))
        return srxi_fail(diag, SRX_EINVAL, "spectrum1d: sw_hz = %g must be > 0", sw_hz);
    if (!(srxi_isfinite(opt.group_delay_points) && opt.group_delay_points >= 0))
        return srxi_fail(diag, SRX_EINVAL, "spectrum1d: group delay %g points must be >= 0",
                         opt.group_delay_points);
    if (!(srxi_isfinite(opt.line_broadening_hz) && opt.line_broadening_hz >= 0))
        return srxi_fail(diag, SRX_EINVAL, "spectrum1d: line broadening %g Hz must be >= 0",
                         opt.line_broadening_hz);
    if (!opt.auto_phase && !(srxi_isfinite(opt.phase0_deg) && srxi_isfinite(opt.phase1_deg)))
        return srxi_fail(diag, SRX_EINVAL, "spectrum1d: phases must be finite");
    if (!opt.auto_region &&
        !(srxi_isfinite(opt.region_lo_hz) && srxi_isfinite(opt.region_hi_hz) &&
          opt.region_lo_hz != opt.region_hi_hz))
        return srxi_fail(diag, SRX_EINVAL,
                         "spectrum1d: region needs two different finite bounds (got %g, %g Hz)",
                         opt.region_lo_hz, opt.region_hi_hz);
    if (opt.reference >= 0 && (size_t)opt.reference >= n_increments)
        return srxi_fail(diag, SRX_EINVAL, "spectrum1d: reference %ld >= %zu increments",
                         opt.reference, n_increments);
    for (i = 0; i < 2 * n_increments * n_complex; i++)
        if (!srxi_isfinite(fid[i]))
            return srxi_fail(diag, SRX_EINVAL, "spectrum1d: non-finite FID value at index %zu", i);
    gi = (size_t)floor(opt.group_delay_points);
    frac = opt.group_delay_points - (double)gi;
    if (gi + 16 > n_complex)
        return srxi_fail(diag, SRX_ENODATA,
                         "spectrum1d: group delay %g leaves fewer than 16 of %zu points",
                         opt.group_delay_points, n_complex);
    nkeep = n_complex - gi;
    n = opt.fft_size ? opt.fft_size : n_complex;
    if (n < nkeep)
        return srxi_fail(diag, SRX_EINVAL, "spectrum1d: fft_size %zu < %zu points", n, nkeep);
    h = n / 2;
    edge = n / 20;

    in = fftw_malloc(sizeof(fftw_complex) * n);
    spec = fftw_malloc(sizeof(fftw_complex) * n * n_increments);
    isbase = malloc(n);
    if (!in || !spec || !isbase) {
        status = srxi_fail(diag, SRX_ENOMEM, "spectrum1d: out of memory");
        goto done;
    }
    fftw_make_planner_thread_safe();
    plan = fftw_plan_dft_1d((int)n, in, in, FFTW_FORWARD, FFTW_ESTIMATE | FFTW_UNALIGNED);
    if (!plan) {
        status = srxi_fail(diag, SRX_ENOMEM, "spectrum1d: FFTW could not plan size %zu", n);
        goto done;
    }
    lbfac = exp(-SRXI_PI * opt.line_broadening_hz / sw_hz);
    for (i = 0; i < n_increments; i++) {
        const double *x = fid + 2 * n_complex * i + 2 * gi;
        fftw_complex *s = spec + n * i;
        double w = 1.0;
        for (k = 0; k < n; k++) {
            if (k < nkeep) {
                in[k][0] = x[2 * k] * w;
                in[k][1] = x[2 * k + 1] * w;
                w *= lbfac;
            } else {
                in[k][0] = in[k][1] = 0.0;
            }
        }
        in[0][0] *= 0.5;
        in[0][1] *= 0.5;
        fftw_execute_dft(plan, in, in);
        /* shift zero frequency to h, remove the fractional group delay */
        for (k = 0; k < n; k++) {
            long m = (long)k - (long)h;
            size_t u = (size_t)((m + (long)n) % (long)n);
            double a = 2.0 * SRXI_PI * frac * (double)m / (double)n;
            double re = in[u][0], im = in[u][1];
            s[k][0] = re * cos(a) - im * sin(a);
            s[k][1] = re * sin(a) + im * cos(a);
        }
        for (k = edge; k < n - edge; k++) {
            double mag = hypot(s[k][0], s[k][1]);
            if (mag > maxmag && (opt.reference < 0 || (size_t)opt.reference == i)) {
                maxmag = mag;
                ref = i;
                p = k;
            }
        }
    }
    fftw_destroy_plan(plan);

    /* region */
    if (opt.auto_region) {
        const fftw_complex *s = spec + n * ref;
        size_t l = p, r = p, hw;
        while (l > edge && hypot(s[l - 1][0], s[l - 1][1]) >= 0.5 * maxmag)
            l--;
        while (r + 1 < n - edge && hypot(s[r + 1][0], s[r + 1][1]) >= 0.5 * maxmag)
            r++;
        hw = 5 * (r - l + 1);
        lo = p > edge + hw ? p - hw : edge;
        hi = p + hw < n - 1 - edge ? p + hw : n - 1 - edge;
    } else {
        double a = opt.region_lo_hz * (double)n / sw_hz + (double)h;
        double b = opt.region_hi_hz * (double)n / sw_hz + (double)h;
        if (a > b) {
            double t = a;
            a = b;
            b = t;
        }
        if (a < 0 || b > (double)(n - 1) || ceil(a) > floor(b)) {
            status = srxi_fail(diag, SRX_EINVAL,
                               "spectrum1d: region %g .. %g Hz outside the spectrum (+-%g Hz) or "
                               "narrower than one point",
                               opt.region_lo_hz, opt.region_hi_hz, 0.5 * sw_hz);
            goto done;
        }
        lo = (size_t)ceil(a);
        hi = (size_t)floor(b);
    }
    /* baseline points */
    {
        double c = 0.5 * ((double)lo + (double)hi), w = 0.5 * ((double)hi - (double)lo);
        int pass;
        nb = 0;
        for (pass = 0; pass < 2 && nb < 16; pass++) {
            double excl = pass == 0 ? 2.0 * w + 1.0 : w + 1.0;
            nb = 0;
            for (k = 0; k < n; k++) {
                isbase[k] = k >= edge && k < n - edge && fabs((double)k - c) > excl;
                nb += isbase[k];
            }
        }
        if (nb < 8) {
            status = srxi_fail(diag, SRX_ENODATA,
                               "spectrum1d: no signal-free baseline region left (region %zu..%zu "
                               "of %zu points)",
                               lo, hi, n);
            goto done;
        }
    }
    /* phase */
    if (opt.auto_phase) {
        const fftw_complex *r = spec + n * ref;
        double mr = 0, mi = 0, vv = 0, d;
        for (k = 0; k < n; k++)
            if (isbase[k]) {
                mr += r[k][0];
                mi += r[k][1];
            }
        mr /= (double)nb;
        mi /= (double)nb;
        for (k = 0; k < n; k++)
            if (isbase[k])
                vv += (r[k][0] - mr) * (r[k][0] - mr) + (r[k][1] - mi) * (r[k][1] - mi);
        d = best_shift(r, lo, hi, p, n, sqrt(vv / (2.0 * (double)nb)));
        double arg;
        double th0;
        shifted_sum(spec + n * ref, lo, hi, p, n, d, &arg);
        th0 = -arg;
        phi1 = 2.0 * SRXI_PI * d;
        phi0 = th0 + 2.0 * SRXI_PI * d * ((double)h - (double)p) / (double)n;
    } else {
        phi0 = opt.phase0_deg * SRXI_PI / 180.0;
        phi1 = opt.phase1_deg * SRXI_PI / 180.0;
    }
    /* per increment: phase, baseline, integral */
    for (i = 0; i < n_increments; i++) {
        fftw_complex *s = spec + n * i;
        double sx = 0, sy = 0, sxx = 0, sxy = 0, a0, a1, det, ss = 0, sum = 0, sd;
        for (k = 0; k < n; k++) {
            double a = phi0 + phi1 * ((double)k - (double)h) / (double)n;
            double re = s[k][0] * cos(a) - s[k][1] * sin(a);
            s[k][0] = re; /* only the real part is used from here on */
            if (isbase[k]) {
                double x = ((double)k - (double)h) / (double)n;
                sx += x;
                sy += re;
                sxx += x * x;
                sxy += x * re;
            }
        }
        det = (double)nb * sxx - sx * sx;
        a1 = det > 0 ? ((double)nb * sxy - sx * sy) / det : 0.0;
        a0 = (sy - a1 * sx) / (double)nb;
        for (k = 0; k < n; k++) {
            double x = ((double)k - (double)h) / (double)n;
            double r = s[k][0] - a0 - a1 * x;
            if (isbase[k])
                ss += r * r;
            if (k >= lo && k <= hi)
                sum += r;
        }
        sd = sqrt(ss / (double)(nb > 2 ? nb - 2 : 1));
        integral[i] = 2.0 * sum / (double)n;
        if (sigma)
            sigma[i] = 2.0 * sqrt((double)(hi - lo + 1)) * sd / (double)n;
    }
    if (info) {
        info->phase0_deg = remainder(phi0 * 180.0 / SRXI_PI, 360.0);
        info->phase1_deg = phi1 * 180.0 / SRXI_PI;
        info->region_lo_hz = ((double)lo - (double)h) * sw_hz / (double)n;
        info->region_hi_hz = ((double)hi - (double)h) * sw_hz / (double)n;
        info->peak_hz = ((double)p - (double)h) * sw_hz / (double)n;
        info->reference = ref;
        info->n_region = hi - lo + 1;
        info->n_baseline = nb;
        info->fft_size = n;
    }
done:
    fftw_free(in);
    fftw_free(spec);
    free(isbase);
    return status;
}
