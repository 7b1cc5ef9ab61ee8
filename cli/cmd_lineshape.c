/* spinrelax lineshape: powder line shape of a quadrupolar nucleus. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spinrelax.h"

static const char help[] =
    "Usage: spinrelax lineshape (--nucleus NUC | --spin S) --larmor-hz F --cq-hz CQ --eta ETA\n"
    "                           (--static | --mas [--mas-hz R]) [--transitions central|all]\n"
    "                           [--points N] [--span-hz W] [--center-hz C] [--lb-hz L] [--gb-hz G]\n"
    "\n"
    "Print frequency_hz,intensity (CSV): N points evenly spaced over [C - W/2, C + W/2)\n"
    "(offsets from the Larmor frequency), normalised so that sum(intensity) * W/N = 1\n"
    "over the transitions asked for.  Powder average on an ASG triangulated orientation\n"
    "set, first- and second-order quadrupolar frequencies.\n"
    "\n"
    "  --nucleus NUC       isotope label (e.g. 27Al), gives the spin\n"
    "  --spin S            nuclear spin (instead of --nucleus)\n"
    "  --larmor-hz F       Larmor frequency in Hz\n"
    "  --cq-hz CQ          quadrupole coupling constant in Hz\n"
    "  --eta ETA           EFG asymmetry in [0, 1]\n"
    "  --shift-hz D        isotropic shift in Hz (default 0)\n"
    "  --static | --mas    static sample or magic-angle spinning\n"
    "  --mas-hz R          spinning rate in Hz (default: infinitely fast)\n"
    "  --rotor-angle-deg A rotor angle instead of the magic angle (with --mas)\n"
    "  --transitions T     central (default for half-integer spins) or all\n"
    "  --points N          number of points (default 4096)\n"
    "  --span-hz W         width of the window (default: from the coupling)\n"
    "  --center-hz C       centre of the window (default 0)\n"
    "  --lb-hz L           Lorentzian broadening, FWHM in Hz (default 0)\n"
    "  --gb-hz G           Gaussian broadening, FWHM in Hz (default 0)\n"
    "  --accuracy E        target relative L2 error of the powder average (default 1e-3)\n";

int cli_lineshape(int argc, char **argv)
{
    const char *nucleus = NULL, *transitions = NULL;
    double spin = NAN, larmor = NAN, cq = NAN, eta = NAN, shift = 0.0, mas_hz = 0.0;
    double span = NAN, center = 0.0, lb = 0.0, gb = 0.0, accuracy = 1e-3, angle_deg = NAN;
    int points = 4096, is_static = 0, is_mas = 0, have_mas_hz = 0, have_span = 0, have_angle = 0;
    const cli_opt opts[] = {{"nucleus", CLI_STRING, &nucleus, NULL},
                            {"spin", CLI_DOUBLE, &spin, NULL},
                            {"larmor-hz", CLI_DOUBLE, &larmor, NULL},
                            {"cq-hz", CLI_DOUBLE, &cq, NULL},
                            {"eta", CLI_DOUBLE, &eta, NULL},
                            {"shift-hz", CLI_DOUBLE, &shift, NULL},
                            {"static", CLI_FLAG, &is_static, NULL},
                            {"mas", CLI_FLAG, &is_mas, NULL},
                            {"mas-hz", CLI_DOUBLE, &mas_hz, &have_mas_hz},
                            {"rotor-angle-deg", CLI_DOUBLE, &angle_deg, &have_angle},
                            {"transitions", CLI_STRING, &transitions, NULL},
                            {"points", CLI_INT, &points, NULL},
                            {"span-hz", CLI_DOUBLE, &span, &have_span},
                            {"center-hz", CLI_DOUBLE, &center, NULL},
                            {"lb-hz", CLI_DOUBLE, &lb, NULL},
                            {"gb-hz", CLI_DOUBLE, &gb, NULL},
                            {"accuracy", CLI_DOUBLE, &accuracy, NULL},
                            {NULL, 0, NULL, NULL}};
    srx_lineshape_conditions c;
    srx_quad_site site;
    srx_diag diag;
    double *spec = NULL, *freq = NULL;

    int status = cli_parse("lineshape", argc, argv, opts, NULL, 0, NULL);

    if (status < 0) {
        fputs(help, stdout);
        return CLI_EXIT_OK;
    }
    if (status)
        return status;
    if ((nucleus != NULL) == !isnan(spin)) {
        fprintf(stderr, "spinrelax lineshape: give exactly one of --nucleus and --spin\n");
        return CLI_EXIT_USAGE;
    }
    if (nucleus) {
        srx_nucleus nuc;
        if (srx_nucleus_lookup(nucleus, &nuc, &diag) != SRX_OK) {
            fprintf(stderr, "spinrelax lineshape: --nucleus: %s\n", diag.message);
            return CLI_EXIT_USAGE;
        }
        spin = nuc.spin;
    }
    if (isnan(larmor) || isnan(cq) || isnan(eta)) {
        fprintf(stderr, "spinrelax lineshape: --larmor-hz, --cq-hz and --eta are required\n");
        return CLI_EXIT_USAGE;
    }
    if (is_static == is_mas) {
        fprintf(stderr, "spinrelax lineshape: give exactly one of --static and --mas\n");
        return CLI_EXIT_USAGE;
    }
    if (is_static && (have_mas_hz || have_angle)) {
        fprintf(stderr, "spinrelax lineshape: --mas-hz and --rotor-angle-deg need --mas\n");
        return CLI_EXIT_USAGE;
    }
    if (points < 2) {
        fprintf(stderr, "spinrelax lineshape: --points must be >= 2 (got %d)\n", points);
        return CLI_EXIT_USAGE;
    }
    srx_lineshape_conditions_init(&c);
    c.spin = spin;
    c.larmor_hz = larmor;
    c.rotor_angle_rad = is_mas ? (have_angle ? angle_deg * 3.14159265358979323846 / 180.0
                                             : SRX_MAGIC_ANGLE_RAD)
                               : 0.0;
    c.spinning_hz = is_mas ? mas_hz : 0.0;
    if (have_mas_hz && !(mas_hz > 0.0)) {
        fprintf(stderr, "spinrelax lineshape: --mas-hz must be > 0 (got %g)\n", mas_hz);
        return CLI_EXIT_USAGE;
    }
    if (!transitions)
        c.transitions = fmod(2.0 * spin, 2.0) == 1.0 ? SRX_LINESHAPE_CENTRAL : SRX_LINESHAPE_ALL;
    else if (strcmp(transitions, "central") == 0)
        c.transitions = SRX_LINESHAPE_CENTRAL;
    else if (strcmp(transitions, "all") == 0)
        c.transitions = SRX_LINESHAPE_ALL;
    else {
        fprintf(stderr, "spinrelax lineshape: --transitions must be central or all (got '%s')\n",
                transitions);
        return CLI_EXIT_USAGE;
    }
    c.n_points = (size_t)points;
    c.center_hz = center;
    c.lb_hz = lb;
    c.gb_hz = gb;
    c.accuracy = accuracy;
    if (have_span) {
        c.span_hz = span;
    } else {
        /* default window from the coupling: second-order width scale nuQ^2/nu0 (I(I+1)-3/4),
         * first-order satellite edges +-nuQ (I - 1/2), plus broadening and the shift */
        double nuq = 0.0, w2;
        if (srx_quad_nuq_hz(spin, cq, &nuq, NULL) != SRX_OK || !(larmor > 0.0))
            nuq = 0.0;
        w2 = larmor > 0.0 ? nuq * nuq / larmor * (spin * (spin + 1.0) - 0.75) : 0.0;
        c.span_hz = 0.5 * fabs(w2) + 10.0 * (fabs(lb) + fabs(gb)) + 2.0 * fabs(shift - center);
        if (c.transitions == SRX_LINESHAPE_ALL)
            c.span_hz += 2.2 * fabs(nuq) * (spin - 0.5);
        if (!(c.span_hz > 1e3))
            c.span_hz = 1e3;
    }
    srx_quad_site_init(&site);
    site.cq_hz = cq;
    site.eta = eta;
    site.shift_hz = shift;
    spec = malloc(c.n_points * sizeof *spec);
    freq = malloc(c.n_points * sizeof *freq);
    if (!spec || !freq) {
        free(spec);
        free(freq);
        fprintf(stderr, "spinrelax lineshape: out of memory for %d points\n", points);
        return CLI_EXIT_USAGE;
    }
    {
        srx_lineshape *ls = NULL;
        status = srx_lineshape_alloc(&c, &ls, &diag);
        if (status == SRX_OK)
            status = srx_lineshape_compute(ls, &site, NULL, 1, spec, &diag);
        if (status == SRX_OK)
            status = srx_lineshape_frequencies(ls, freq, &diag);
        srx_lineshape_free(ls);
    }
    if (status != SRX_OK) {
        fprintf(stderr, "spinrelax lineshape: %s\n", diag.message);
        free(spec);
        free(freq);
        return CLI_EXIT_USAGE;
    }
    cli_print_xy("frequency_hz,intensity", freq, spec, c.n_points);
    free(spec);
    free(freq);
    return CLI_EXIT_OK;
}
