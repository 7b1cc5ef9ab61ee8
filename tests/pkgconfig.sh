#!/bin/sh
# Install into a staging directory, then build and run a program outside the
# tree with: cc x.c $(pkg-config --cflags --libs spinrelax)
set -e
command -v pkg-config >/dev/null || { echo "no pkg-config: skipped"; exit 77; }
[ -f "$top_builddir"/lib/.libs/libspinrelax.so ] || { echo "shared library not built: skipped"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxpc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
${MAKE:-make} -s -C "$top_builddir" install DESTDIR="$tmp/root" >"$tmp/install.log" 2>&1 || {
    cat "$tmp/install.log"; exit 1; }
pc=$(find "$tmp/root" -name spinrelax.pc | head -n 1)
[ -n "$pc" ] || { echo "spinrelax.pc not installed"; exit 1; }
# point the staged .pc at the staging directory (a sysroot would also move
# the dependencies' own -L paths)
prefix=$(sed -n 's/^prefix=//p' "$pc")
mkdir -p "$tmp/pc"
sed "s|^prefix=.*|prefix=$tmp/root$prefix|" "$pc" > "$tmp/pc/spinrelax.pc"
export PKG_CONFIG_PATH="$tmp/pc"
cat > "$tmp/x.c" <<'CEOF'
#include <spinrelax.h>
#include <stdio.h>
int main(void)
{
    srx_rate_model m;
    double r1;
    srx_rate_model_init(&m);
    m.n_processes = 1;
    m.process[0].kind = SRX_SPECTRAL_BPP;
    m.process[0].ea_ev = 0.3;
    m.process[0].tau0_s = 1e-13;
    m.process[0].coupling_per_s2 = 1e9;
    if (srx_rates_r1(&m, 300.0, 116.59e6, &r1, NULL) != SRX_OK) return 1;
    printf("spinrelax %s r1 %.6g\n", srx_version(), r1);
    return r1 > 0 ? 0 : 1;
}
CEOF
# the build's own CFLAGS/LDFLAGS matter only for sanitizer builds
${CC:-cc} $SRX_BUILD_CFLAGS "$tmp/x.c" -o "$tmp/x" $(pkg-config --cflags --libs spinrelax) $SRX_BUILD_LDFLAGS
libdir=$(dirname "$(find "$tmp/root" -name 'libspinrelax.so' | head -n 1)")
LD_LIBRARY_PATH="$libdir" "$tmp/x"
# static linking through Libs.private / Requires.private
if [ -f "$libdir/libspinrelax.a" ]; then
    ${CC:-cc} $SRX_BUILD_CFLAGS "$tmp/x.c" -o "$tmp/xs" $(pkg-config --static --cflags spinrelax) $SRX_BUILD_LDFLAGS \
        "$libdir/libspinrelax.a" $(pkg-config --static --libs spinrelax | sed 's/-lspinrelax//')
    "$tmp/xs"
fi
