#!/bin/sh
# Every verb has --help and a section in the man page, and the committed
# page matches the help texts (regenerate with `make man`).
set -e
bin="$top_builddir/cli/spinrelax"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srxman.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$bin" --help | sed -n '/^Verbs:/,/^$/p' | sed -e '1d' -e '/^$/d' | while read -r verb rest; do
    "$bin" "$verb" --help > /dev/null || { echo "$verb --help failed"; exit 1; }
    grep -q "^\.SS $verb\$" "$top_srcdir/docs/spinrelax.1" || { echo "no man section for $verb"; exit 1; }
done
sh "$top_srcdir/docs/gen-man.sh" "$bin" > "$tmp/spinrelax.1"
if ! cmp -s "$tmp/spinrelax.1" "$top_srcdir/docs/spinrelax.1"; then
    diff -u "$top_srcdir/docs/spinrelax.1" "$tmp/spinrelax.1" | head -40
    echo "docs/spinrelax.1 is out of date: run make man"
    exit 1
fi
