/* Option parsing for the spinrelax verbs. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spinrelax/common.h"

static int parse_double(const char *verb, const char *name, const char *text, double *out)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || isnan(v)) {
        fprintf(stderr, "spinrelax %s: --%s: '%s' is not a number\n", verb, name, text);
        return CLI_EXIT_USAGE;
    }
    *out = v;
    return 0;
}

static int parse_int(const char *verb, const char *name, const char *text, int *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE || v < INT_MIN || v > INT_MAX) {
        fprintf(stderr, "spinrelax %s: --%s: '%s' is not an integer\n", verb, name, text);
        return CLI_EXIT_USAGE;
    }
    *out = (int)v;
    return 0;
}

int cli_parse(const char *verb, int argc, char **argv, const cli_opt *opts, const char **positional,
              int max_positional, int *n_positional)
{
    int i, npos = 0;
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const cli_opt *o;
        const char *value = NULL;
        size_t namelen;
        int status = 0;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return -1;
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (npos >= max_positional) {
                fprintf(stderr, "spinrelax %s: unexpected argument '%s' (see spinrelax %s --help)\n",
                        verb, arg, verb);
                return CLI_EXIT_USAGE;
            }
            positional[npos++] = arg;
            continue;
        }
        arg += 2;
        value = strchr(arg, '=');
        namelen = value ? (size_t)(value - arg) : strlen(arg);
        for (o = opts; o && o->name; o++)
            if (strlen(o->name) == namelen && strncmp(o->name, arg, namelen) == 0)
                break;
        if (!o || !o->name) {
            fprintf(stderr, "spinrelax %s: unknown option '--%.*s' (see spinrelax %s --help)\n", verb,
                    (int)namelen, arg, verb);
            return CLI_EXIT_USAGE;
        }
        if (o->kind == CLI_FLAG) {
            if (value) {
                fprintf(stderr, "spinrelax %s: --%s takes no value\n", verb, o->name);
                return CLI_EXIT_USAGE;
            }
            *(int *)o->dest = 1;
        } else {
            if (value) {
                value++;
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                fprintf(stderr, "spinrelax %s: --%s needs a value\n", verb, o->name);
                return CLI_EXIT_USAGE;
            }
            switch (o->kind) {
            case CLI_DOUBLE: status = parse_double(verb, o->name, value, o->dest); break;
            case CLI_INT: status = parse_int(verb, o->name, value, o->dest); break;
            case CLI_STRING: *(const char **)o->dest = value; break;
            case CLI_STRING_LIST: {
                cli_string_list *l = o->dest;
                if (l->n >= CLI_MAX_LIST) {
                    fprintf(stderr, "spinrelax %s: too many --%s options (at most %d)\n", verb,
                            o->name, CLI_MAX_LIST);
                    return CLI_EXIT_USAGE;
                }
                l->item[l->n++] = value;
                break;
            }
            default: break;
            }
            if (status)
                return status;
        }
        if (o->seen)
            *o->seen = 1;
    }
    if (n_positional)
        *n_positional = npos;
    return 0;
}

void cli_print_double(FILE *f, double x)
{
    fprintf(f, "%.17g", x);
}

void cli_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void cli_json_double(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.17g", x);
    else
        fputs("null", f);
}

int cli_exit_for(int status)
{
    return status == SRX_EIO ? CLI_EXIT_IO : CLI_EXIT_USAGE;
}

void cli_print_xy(const char *header, const double *x, const double *y, size_t n)
{
    size_t i;
    printf("%s\n", header);
    for (i = 0; i < n; i++) {
        cli_print_double(stdout, x[i]);
        putchar(',');
        cli_print_double(stdout, y[i]);
        putchar('\n');
    }
}
