/* The spinrelax command-line front end: shared declarations.
 * A thin layer: parse, call the library, print.  No physics here. */
#ifndef SRX_CLI_H
#define SRX_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Exit statuses (docs/cli.md) */
enum { CLI_EXIT_OK = 0, CLI_EXIT_USAGE = 1, CLI_EXIT_NOCONV = 2, CLI_EXIT_IO = 3 };

typedef enum cli_opt_kind { CLI_DOUBLE, CLI_INT, CLI_STRING, CLI_FLAG, CLI_STRING_LIST } cli_opt_kind;

/* One --option.  `dest` points to a double, int, const char *, int (flag),
 * or a cli_string_list.  `seen` (optional) is set to 1 when given. */
typedef struct cli_opt {
    const char *name; /* without the leading "--" */
    cli_opt_kind kind;
    void *dest;
    int *seen;
} cli_opt;

#define CLI_MAX_LIST 64
typedef struct cli_string_list {
    const char *item[CLI_MAX_LIST];
    int n;
} cli_string_list;

/* Parse argv[1..argc-1] (argv[0] is the verb).  Options may be written
 * "--name value" or "--name=value"; everything else is positional.
 * Returns 0 on success, CLI_EXIT_USAGE after printing a one-line message,
 * or -1 when --help was given (the caller prints its help and exits 0). */
int cli_parse(const char *verb, int argc, char **argv, const cli_opt *opts, const char **positional,
              int max_positional, int *n_positional);

/* Print a double so that it reads back exactly. */
void cli_print_double(FILE *f, double x);

/* A two-column CSV table with a header line, 17 significant digits. */
void cli_print_xy(const char *header, const double *x, const double *y, size_t n);

/* A CSV field, quoted when it holds a comma, quote or newline. */
void cli_csv_field(FILE *f, const char *s);

/* JSON output: a string with escapes, a number (%.17g; null for NaN/Inf). */
void cli_json_string(FILE *f, const char *s);
void cli_json_double(FILE *f, double x);

/* Map a library status of a file-level failure to an exit status
 * (SRX_EIO -> 3, anything else -> 1). */
int cli_exit_for(int status);

/* Verb entry points */
int cli_rates(int argc, char **argv);
int cli_import_csv(int argc, char **argv);
int cli_info(int argc, char **argv);
int cli_fit_transients(int argc, char **argv);
int cli_import_bruker(int argc, char **argv);
int cli_import_varian(int argc, char **argv);
int cli_import_pdc(int argc, char **argv);
int cli_fit_flank(int argc, char **argv);
int cli_fit_peak(int argc, char **argv);
int cli_fit_arrhenius(int argc, char **argv);
int cli_transport(int argc, char **argv);
int cli_narrowing(int argc, char **argv);
int cli_fit_narrowing(int argc, char **argv);
int cli_exchange_lineshape(int argc, char **argv);
int cli_lineshape(int argc, char **argv);
int cli_fit_lineshape(int argc, char **argv);

#endif
