/* libFuzzer target over spinrelax's own readers (make fuzz).
 *
 * The first byte of the input chooses the reader:
 *   even: the CSV parser of import-csv (srx_h5_parse_csv) on the rest, then
 *         the value checks of the parsed series;
 *   odd:  the rest is written to a temporary file, which is opened
 *         read-only, read and checked as a whole (srx_h5_read_all: listing,
 *         every series, spectrum, conductivity set, the results), and its
 *         transient table and one result group are read.
 * Crashes inside libhdf5 on damaged files are expected from HDF5 1.10 (the
 * CLI guards against them with srx_h5_load); crashes in lib/h5store.c are
 * bugs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spinrelax.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_csv(const uint8_t *data, size_t size)
{
    srx_h5_series s;
    srx_diag d;
    srx_h5_series_init(&s);
    if (srx_h5_parse_csv((const char *)data, size, &s, &d) == SRX_OK) {
        strcpy(s.name, "fuzz");
        strcpy(s.experiment, "saturation_recovery");
        strcpy(s.nucleus, "1H");
        s.larmor_hz = 300e6;
        s.temperature_k = 300.0;
        (void)srx_h5_series_check(&s, &d);
    }
    srx_h5_series_clear(&s);
}

static void fuzz_h5(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/srxfuzz.XXXXXX";
    int fd = mkstemp(path);
    srx_h5file *f;
    srx_h5_contents *c = NULL;
    srx_h5_transients t;
    srx_diag d;
    double v;
    char buf[64];
    if (fd < 0)
        return;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return;
    }
    close(fd);
    if (srx_h5_open(path, SRX_H5_READ, &f, &d) == SRX_OK) {
        if (srx_h5_read_all(f, &c, &d) == SRX_OK)
            srx_h5_contents_free(c);
        if (srx_h5_read_transients(f, &t, &d) == SRX_OK)
            srx_h5_transients_clear(&t);
        (void)srx_h5_read_result_number(f, "peak", "bpp", "ea_ev", &v, &d);
        (void)srx_h5_read_result_text(f, "peak", "bpp", "model", buf, sizeof buf, &d);
        srx_h5_close(f);
    }
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1)
        fuzz_h5(data + 1, size - 1);
    else
        fuzz_csv(data + 1, size - 1);
    return 0;
}
