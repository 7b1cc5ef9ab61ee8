/* Independent brute-force powder line shape, used by tests/cli-lineshape.sh.
 *
 *   lineshape_bruteforce SPIN LARMOR_HZ CQ_HZ ETA static|mas central|all
 *                        POINTS SPAN_HZ CENTER_HZ GB_HZ  < spinrelax-lineshape.csv
 *
 * Reads the CLI output, recomputes the spectrum in a different way and
 * prints the L1 distance sum |a - b| * spacing; exit 0 if <= 0.015, 1 if
 * larger, 2 on bad input.  Method (shares no code with the library):
 * - orientations: a Fibonacci lattice of M equal-area points on the
 *   hemisphere (not ASG, no interpolation): each point's frequency goes to
 *   the nearest grid point (histogram);
 * - frequencies: the quadrupole Hamiltonian is built as an explicit matrix
 *   (nuQ/6) sum_ab v_ab (Ia Ib + Ib Ia) from spin matrices and the EFG
 *   tensor rotated into the B0 frame; level energies to second order by
 *   generic Rayleigh-Schroedinger perturbation theory on that matrix,
 *   E(m) = nu0 m + H_mm + sum_{m' != m} |H_m'm|^2 / (nu0 (m - m'));
 * - MAS (infinitely fast): average over 16 rotor phases of the frequency
 *   with B0 at the magic angle from the rotor axis (exact for the degree-4
 *   trigonometric polynomial of second order);
 * - Gaussian broadening by direct convolution with bin-integrated Gaussian
 *   weights (erf), then sum * spacing = 1. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define MAXN 10

static int nlev;
static double spin_;
static double complex P[3][3][MAXN][MAXN]; /* Ia Ib + Ib Ia */

static void spin_matrices(double spin)
{
    double complex s[3][MAXN][MAXN];
    int i, j, k, a, b;
    nlev = (int)lround(2 * spin + 1);
    spin_ = spin;
    memset(s, 0, sizeof s);
    for (i = 0; i < nlev; i++) {
        double m = -spin + i;
        s[2][i][i] = m;
        if (i + 1 < nlev) {
            double cp = sqrt(spin * (spin + 1) - m * (m + 1));
            s[0][i + 1][i] += cp / 2;
            s[0][i][i + 1] += cp / 2;
            s[1][i + 1][i] += -0.5 * _Complex_I * cp;
            s[1][i][i + 1] += 0.5 * _Complex_I * cp;
        }
    }
    for (a = 0; a < 3; a++)
        for (b = 0; b < 3; b++)
            for (i = 0; i < nlev; i++)
                for (j = 0; j < nlev; j++) {
                    double complex x = 0;
                    for (k = 0; k < nlev; k++)
                        x += s[a][i][k] * s[b][k][j] + s[b][i][k] * s[a][k][j];
                    P[a][b][i][j] = x;
                }
}

/* level energies (offset by nu0 m) for B0 along unit vector b in the PAS */
static void energies(double nuq, double eta, double nu0, const double *b, double *e)
{
    double vp[3] = {-(1 - eta) / 2, -(1 + eta) / 2, 1}, ex[3][3], v[3][3], t[3], n;
    double complex h[MAXN][MAXN];
    int i, j, a, c;
    t[0] = fabs(b[2]) < 0.9 ? 0 : 1;
    t[1] = 0;
    t[2] = fabs(b[2]) < 0.9 ? 1 : 0;
    ex[0][0] = t[1] * b[2] - t[2] * b[1];
    ex[0][1] = t[2] * b[0] - t[0] * b[2];
    ex[0][2] = t[0] * b[1] - t[1] * b[0];
    n = sqrt(ex[0][0] * ex[0][0] + ex[0][1] * ex[0][1] + ex[0][2] * ex[0][2]);
    for (a = 0; a < 3; a++)
        ex[0][a] /= n;
    ex[1][0] = b[1] * ex[0][2] - b[2] * ex[0][1];
    ex[1][1] = b[2] * ex[0][0] - b[0] * ex[0][2];
    ex[1][2] = b[0] * ex[0][1] - b[1] * ex[0][0];
    memcpy(ex[2], b, 3 * sizeof *b);
    for (a = 0; a < 3; a++)
        for (c = 0; c < 3; c++)
            v[a][c] = ex[a][0] * vp[0] * ex[c][0] + ex[a][1] * vp[1] * ex[c][1] +
                      ex[a][2] * vp[2] * ex[c][2];
    for (i = 0; i < nlev; i++)
        for (j = 0; j < nlev; j++) {
            double complex x = 0;
            for (a = 0; a < 3; a++)
                for (c = 0; c < 3; c++)
                    x += v[a][c] * P[a][c][i][j];
            h[i][j] = nuq / 6 * x;
        }
    for (i = 0; i < nlev; i++) {
        double mi = -spin_ + i, s = creal(h[i][i]);
        for (j = 0; j < nlev; j++)
            if (j != i) {
                double mj = -spin_ + j;
                s += creal(h[j][i] * conj(h[j][i])) / (nu0 * (mi - mj));
            }
        e[i] = s;
    }
}

int main(int argc, char **argv)
{
    double spin, nu0, cq, eta, span, center, gb, nuq, dx, first, l1 = 0, sum = 0;
    double *hist, *ref, *cli, cm = 1 / sqrt(3.0), sm = sqrt(2.0 / 3.0);
    int mas, all, npts, i, M, p;
    char line[512];
    if (argc != 11) {
        fprintf(stderr, "usage: see the comment at the top of lineshape_bruteforce.c\n");
        return 2;
    }
    spin = atof(argv[1]);
    nu0 = atof(argv[2]);
    cq = atof(argv[3]);
    eta = atof(argv[4]);
    mas = strcmp(argv[5], "mas") == 0;
    all = strcmp(argv[6], "all") == 0;
    npts = atoi(argv[7]);
    span = atof(argv[8]);
    center = atof(argv[9]);
    gb = atof(argv[10]);
    if (npts < 2 || spin < 1 || 2 * spin + 1 > MAXN)
        return 2;
    spin_matrices(spin);
    nuq = 3 * cq / (2 * spin * (2 * spin - 1));
    dx = span / npts;
    first = center - span / 2;
    hist = calloc((size_t)npts, sizeof *hist);
    ref = calloc((size_t)npts, sizeof *ref);
    cli = calloc((size_t)npts, sizeof *cli);
    /* read the CLI output */
    if (!fgets(line, sizeof line, stdin) || strncmp(line, "frequency_hz,intensity", 22) != 0) {
        fprintf(stderr, "bad header\n");
        return 2;
    }
    for (i = 0; i < npts; i++) {
        double f, y;
        if (!fgets(line, sizeof line, stdin) || sscanf(line, "%lf,%lf", &f, &y) != 2 ||
            fabs(f - (first + i * dx)) > 1e-6 * dx) {
            fprintf(stderr, "bad line %d\n", i + 2);
            return 2;
        }
        cli[i] = y;
    }
    M = mas ? 60000 : (all ? 2000000 : 400000);
    for (p = 0; p < M; p++) {
        double z = 1 - (p + 0.5) / M, ph = p * PI * (3 - sqrt(5.0)), rho = sqrt(1 - z * z);
        double r[3] = {rho * cos(ph), rho * sin(ph), z}, f[MAXN] = {0};
        int np = mas ? 16 : 1, j, k;
        if (mas) {
            double u[3], w[3], n = hypot(r[0], r[1]);
            if (n < 1e-12) {
                u[0] = 1; u[1] = 0; u[2] = 0;
            } else {
                u[0] = -r[1] / n; u[1] = r[0] / n; u[2] = 0;
            }
            w[0] = r[1] * u[2] - r[2] * u[1];
            w[1] = r[2] * u[0] - r[0] * u[2];
            w[2] = r[0] * u[1] - r[1] * u[0];
            for (j = 0; j < np; j++) {
                double psi = 2 * PI * j / np, b[3], e[MAXN];
                int a;
                for (a = 0; a < 3; a++)
                    b[a] = cm * r[a] + sm * (cos(psi) * u[a] + sin(psi) * w[a]);
                energies(nuq, eta, nu0, b, e);
                for (k = 1; k < nlev; k++)
                    f[k] += (e[k] - e[k - 1]) / np;
            }
        } else {
            double e[MAXN];
            energies(nuq, eta, nu0, r, e);
            for (k = 1; k < nlev; k++)
                f[k] = e[k] - e[k - 1];
        }
        for (k = 1; k < nlev; k++) {
            double m = -spin + k; /* transition m <-> m-1 */
            long bin;
            if (!all && fabs(m - 0.5) > 1e-9)
                continue;
            bin = lround((f[k] - first) / dx);
            if (bin >= 0 && bin < npts)
                hist[bin] += spin * (spin + 1) - m * (m - 1);
        }
    }
    /* Gaussian broadening by direct convolution */
    if (gb > 0) {
        double sg = gb / (2 * sqrt(2 * log(2.0)));
        int half = (int)ceil(8 * sg / dx), j;
        for (i = 0; i < npts; i++)
            if (hist[i] != 0)
                for (j = -half; j <= half; j++) {
                    double kern = 0.5 * (erf((j + 0.5) * dx / (sg * sqrt(2.0))) -
                                         erf((j - 0.5) * dx / (sg * sqrt(2.0))));
                    if (i + j >= 0 && i + j < npts)
                        ref[i + j] += hist[i] * kern;
                }
    } else {
        memcpy(ref, hist, (size_t)npts * sizeof *ref);
    }
    for (i = 0; i < npts; i++)
        sum += ref[i] * dx;
    for (i = 0; i < npts; i++)
        l1 += fabs(ref[i] / sum - cli[i]) * dx;
    if (getenv("LSBF_DUMP")) /* debugging: frequency, reference, cli */
        for (i = 0; i < npts; i++)
            fprintf(stderr, "%.6f %.9g %.9g\n", first + i * dx, ref[i] / sum, cli[i]);
    printf("L1 distance to the brute-force powder average: %.5f\n", l1);
    free(hist);
    free(ref);
    free(cli);
    return l1 <= 0.015 ? 0 : 1;
}
