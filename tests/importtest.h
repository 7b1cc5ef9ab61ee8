/* Helpers of the importer tests: the real-data folder, scratch folders
 * under the build directory, small file writers. */
#ifndef SRX_IMPORTTEST_H
#define SRX_IMPORTTEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* $SRX_REAL_DATA, else $SRX_SRCDIR/../shared/data/real; NULL when absent */
static inline const char *srxt_real_dir(char *buf, size_t n)
{
    const char *e = getenv("SRX_REAL_DATA");
    struct stat st;
    if (e && *e)
        snprintf(buf, n, "%s", e);
    else if ((e = getenv("SRX_SRCDIR")) && *e)
        snprintf(buf, n, "%s/../shared/data/real", e);
    else
        return NULL;
    return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? buf : NULL;
}

/* a fresh scratch folder under the current (build) directory */
static inline void srxt_scratch(char *buf, size_t n, const char *stem)
{
    snprintf(buf, n, "%s-XXXXXX", stem);
    ck_assert_ptr_nonnull(mkdtemp(buf));
}

static inline void srxt_write(const char *dir, const char *name, const void *data, size_t len)
{
    char p[4096];
    FILE *f;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    f = fopen(p, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", p);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static inline void srxt_write_text(const char *dir, const char *name, const char *text)
{
    srxt_write(dir, name, text, strlen(text));
}

/* remove a scratch folder (files one level deep + pdata/1) */
static inline void srxt_rmtree(const char *dir)
{
    static const char *names[] = {"acqus", "acqu2s", "ser", "vdlist", "vplist", "vclist",
                                  "pdata/1/title", "pdata/1/procs", "fid", "procpar", "text",
                                  "export.txt"};
    char p[4096];
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/pdata/1", dir);
    rmdir(p);
    snprintf(p, sizeof p, "%s/pdata", dir);
    rmdir(p);
    rmdir(dir);
}

#endif
