/* spinrelax: command-line front end of libspinrelax.  See docs/cli.md and
 * the man page spinrelax(1). */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "spinrelax.h"

typedef struct cli_verb {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} cli_verb;

static const cli_verb verbs[] = {
    {"rates", "print model 1/T1 and 1/T1rho over a temperature range", cli_rates},
    {"import-csv", "add a transient from a CSV file to an HDF5 file", cli_import_csv},
    {"info", "list the series, spectra, conductivity sets and results of a file", cli_info},
    {"import-bruker", "import a Bruker TopSpin pseudo-2D relaxation data set", cli_import_bruker},
    {"import-varian", "import a Varian/Agilent arrayed relaxation data set", cli_import_varian},
    {"import-pdc", "import a Bruker Dynamics Center export (one series per peak)",
     cli_import_pdc},
    {"fit-transients", "fit every transient of a file: rates with uncertainties",
     cli_fit_transients},
    {"fit-flank", "activation energy of a straight flank of ln(rate) versus 1/T", cli_fit_flank},
    {"fit-peak", "global fit of all T1 and T1rho rates: Ea, tau0, shape, coupling",
     cli_fit_peak},
    {"fit-arrhenius", "Arrhenius fit of sigma_DC T, single regime or kink", cli_fit_arrhenius},
    {"transport", "jump rate <-> diffusion coefficient <-> conductivity; Ngai n", cli_transport},
    {"narrowing", "print the simulated motional-narrowing line width over a temperature range",
     cli_narrowing},
    {"fit-narrowing", "fit line width versus temperature from /spectra/* (Kubo-Anderson or Hendrickson-Bray)",
     cli_fit_narrowing},
    {"exchange-lineshape", "print the central-transition powder pattern of a spin hopping among quadrupolar sites",
     cli_exchange_lineshape},
    {"lineshape", "print a simulated quadrupolar powder line shape", cli_lineshape},
    {"fit-lineshape", "fit Cq, eta, shift and broadening to a quadrupolar spectrum",
     cli_fit_lineshape},
};

static void usage(FILE *f)
{
    size_t i;
    fprintf(f, "Usage: spinrelax VERB [OPTIONS]\n"
               "       spinrelax VERB --help\n"
               "       spinrelax --version\n\n"
               "NMR spin-lattice relaxation analysis for ion conductors.\n\nVerbs:\n");
    for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(f, "  %-20s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(f, "\nUnits are SI (Hz, K, s, eV), given in every option name.\n"
               "Exit status: 0 success, 1 bad usage or input, 2 fit not converged, 3 I/O failure.\n"
               "See spinrelax(1) for details.\n");
}

int main(int argc, char **argv)
{
    size_t i;
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("spinrelax %s (library %s)\n", PACKAGE_VERSION, srx_version());
        return CLI_EXIT_OK;
    }
    for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strcmp(argv[1], verbs[i].name) == 0)
            return verbs[i].run(argc - 1, argv + 1);
    fprintf(stderr, "spinrelax: unknown verb '%s' (see spinrelax --help)\n", argv[1]);
    return CLI_EXIT_USAGE;
}
