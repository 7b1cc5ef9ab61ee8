/* powder: ASG triangulated orientation sets and exact tent binning.
 * D. W. Alderman, M. S. Solum, D. M. Grant, J. Chem. Phys. 84 (1986) 3717. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "powder_internal.h"
#include "spinrelax/powder.h"

struct srx_powder {
    int n_div;
    size_t n_vert, n_tri;
    double *alpha, *beta, *weight, *tri_weight;
    size_t *tri;
};

void srx_powder_free(srx_powder *p)
{
    if (!p)
        return;
    free(p->alpha);
    free(p->beta);
    free(p->weight);
    free(p->tri_weight);
    free(p->tri);
    free(p);
}

/* solid angle of the spherical triangle (a, b, c), unit vectors */
static double solid_angle(const double *a, const double *b, const double *c)
{
    double bc[3] = {b[1] * c[2] - b[2] * c[1], b[2] * c[0] - b[0] * c[2], b[0] * c[1] - b[1] * c[0]};
    double num = fabs(a[0] * bc[0] + a[1] * bc[1] + a[2] * bc[2]);
    double den = 1.0 + (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) +
                 (b[0] * c[0] + b[1] * c[1] + b[2] * c[2]) + (c[0] * a[0] + c[1] * a[1] + c[2] * a[2]);
    return 2.0 * atan2(num, den);
}

int srx_powder_alloc(int n_div, srx_powder_domain domain, srx_powder **out, srx_diag *diag)
{
    srx_powder *p;
    int n_faces, f, i, j;
    size_t per_face_v, v, t;
    double *xyz = NULL, total = 0.0;
    static const int signs[8][3] = {{1, 1, 1},  {-1, 1, 1},  {-1, -1, 1}, {1, -1, 1},
                                    {1, 1, -1}, {-1, 1, -1}, {-1, -1, -1}, {1, -1, -1}};
    if (!out)
        return srxi_fail(diag, SRX_EINVAL, "powder: out is NULL");
    *out = NULL;
    if (n_div < 1 || n_div > 4096)
        return srxi_fail(diag, SRX_EDOM, "powder: n_divisions = %d outside 1..4096", n_div);
    switch (domain) {
    case SRX_POWDER_OCTANT: n_faces = 1; break;
    case SRX_POWDER_HEMISPHERE: n_faces = 4; break;
    case SRX_POWDER_SPHERE: n_faces = 8; break;
    default: return srxi_fail(diag, SRX_EINVAL, "powder: unknown domain %d", (int)domain);
    }
    p = calloc(1, sizeof *p);
    if (!p)
        return srxi_fail(diag, SRX_ENOMEM, "powder: out of memory");
    p->n_div = n_div;
    per_face_v = (size_t)(n_div + 1) * (size_t)(n_div + 2) / 2;
    p->n_vert = per_face_v * (size_t)n_faces;
    p->n_tri = (size_t)n_div * (size_t)n_div * (size_t)n_faces;
    p->alpha = malloc(p->n_vert * sizeof *p->alpha);
    p->beta = malloc(p->n_vert * sizeof *p->beta);
    p->weight = calloc(p->n_vert, sizeof *p->weight);
    p->tri_weight = malloc(p->n_tri * sizeof *p->tri_weight);
    p->tri = malloc(3 * p->n_tri * sizeof *p->tri);
    xyz = malloc(3 * p->n_vert * sizeof *xyz);
    if (!p->alpha || !p->beta || !p->weight || !p->tri_weight || !p->tri || !xyz) {
        free(xyz);
        srx_powder_free(p);
        return srxi_fail(diag, SRX_ENOMEM, "powder: out of memory for %d divisions", n_div);
    }
    v = 0;
    t = 0;
    for (f = 0; f < n_faces; f++) {
        size_t base = v;
        /* corner (i, j) of this face: index base + row offset; rows by i */
        for (i = 0; i <= n_div; i++)
            for (j = 0; j <= n_div - i; j++) {
                double x = signs[f][0] * (double)i, y = signs[f][1] * (double)j,
                       z = signs[f][2] * (double)(n_div - i - j);
                double r = sqrt(x * x + y * y + z * z);
                x /= r;
                y /= r;
                z /= r;
                xyz[3 * v] = x;
                xyz[3 * v + 1] = y;
                xyz[3 * v + 2] = z;
                p->beta[v] = acos(z > 1.0 ? 1.0 : (z < -1.0 ? -1.0 : z));
                p->alpha[v] = (x == 0.0 && y == 0.0) ? 0.0 : atan2(y, x);
                v++;
            }
#define IDX(i, j) (base + (size_t)(i) * (size_t)(n_div + 1) - (size_t)(i) * (size_t)((i) - 1) / 2 + (size_t)(j))
        for (i = 0; i < n_div; i++)
            for (j = 0; j < n_div - i; j++) {
                p->tri[3 * t] = IDX(i, j);
                p->tri[3 * t + 1] = IDX(i + 1, j);
                p->tri[3 * t + 2] = IDX(i, j + 1);
                t++;
                if (i + j <= n_div - 2) {
                    p->tri[3 * t] = IDX(i + 1, j);
                    p->tri[3 * t + 1] = IDX(i + 1, j + 1);
                    p->tri[3 * t + 2] = IDX(i, j + 1);
                    t++;
                }
            }
#undef IDX
    }
    for (t = 0; t < p->n_tri; t++) {
        const size_t *c = p->tri + 3 * t;
        double w = solid_angle(xyz + 3 * c[0], xyz + 3 * c[1], xyz + 3 * c[2]);
        p->tri_weight[t] = w;
        total += w;
    }
    for (t = 0; t < p->n_tri; t++) {
        const size_t *c = p->tri + 3 * t;
        p->tri_weight[t] /= total;
        for (i = 0; i < 3; i++)
            p->weight[c[i]] += p->tri_weight[t] / 3.0;
    }
    free(xyz);
    *out = p;
    return SRX_OK;
}

size_t srx_powder_n_orientations(const srx_powder *p) { return p ? p->n_vert : 0; }
size_t srx_powder_n_triangles(const srx_powder *p) { return p ? p->n_tri : 0; }
int srx_powder_n_divisions(const srx_powder *p) { return p ? p->n_div : 0; }
const double *srx_powder_alpha_rad(const srx_powder *p) { return p ? p->alpha : NULL; }
const double *srx_powder_beta_rad(const srx_powder *p) { return p ? p->beta : NULL; }
const double *srx_powder_weights(const srx_powder *p) { return p ? p->weight : NULL; }
const size_t *srx_powder_triangles(const srx_powder *p) { return p ? p->tri : NULL; }
const double *srx_powder_triangle_weights(const srx_powder *p) { return p ? p->tri_weight : NULL; }

int srx_powder_bin_tent(double f_a_hz, double f_b_hz, double f_c_hz, double weight,
                        double first_hz, double spacing_hz, size_t n, double *bins)
{
    if (!bins || n == 0 || !srxi_isfinite(f_a_hz) || !srxi_isfinite(f_b_hz) ||
        !srxi_isfinite(f_c_hz) || !srxi_isfinite(weight) || !srxi_isfinite(first_hz) ||
        !srxi_isfinite(spacing_hz) || !(spacing_hz > 0.0))
        return SRX_EINVAL;
    srxi_tent((f_a_hz - first_hz) / spacing_hz + 0.5, (f_b_hz - first_hz) / spacing_hz + 0.5,
              (f_c_hz - first_hz) / spacing_hz + 0.5, weight, n, bins);
    return SRX_OK;
}

int srx_powder_interpolate(const srx_powder *p, const double *freq_hz, const double *amplitude,
                           double scale, double first_hz, double spacing_hz, size_t n,
                           double *bins, srx_diag *diag)
{
    size_t t, v;
    double inv;
    if (!p || !freq_hz || !bins || n == 0)
        return srxi_fail(diag, SRX_EINVAL, "powder: NULL argument or no bins");
    if (!srxi_isfinite(scale) || !srxi_isfinite(first_hz) || !srxi_isfinite(spacing_hz) ||
        !(spacing_hz > 0.0))
        return srxi_fail(diag, SRX_EINVAL, "powder: bad scale, first_hz or spacing_hz");
    for (v = 0; v < p->n_vert; v++)
        if (!srxi_isfinite(freq_hz[v]) || (amplitude && !srxi_isfinite(amplitude[v])))
            return srxi_fail(diag, SRX_EINVAL, "powder: frequency or amplitude %zu not finite", v);
    inv = 1.0 / spacing_hz;
    for (t = 0; t < p->n_tri; t++) {
        const size_t *c = p->tri + 3 * t;
        double w = scale * p->tri_weight[t];
        if (amplitude)
            w *= (amplitude[c[0]] + amplitude[c[1]] + amplitude[c[2]]) / 3.0;
        srxi_tent((freq_hz[c[0]] - first_hz) * inv + 0.5, (freq_hz[c[1]] - first_hz) * inv + 0.5,
                  (freq_hz[c[2]] - first_hz) * inv + 0.5, w, n, bins);
    }
    return SRX_OK;
}
