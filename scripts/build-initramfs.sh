#!/usr/bin/env bash
# Build the test initramfs (gzip'ed newc cpio) for scripts/run-qemu.sh.
#
#   scripts/build-initramfs.sh [-o OUT] [--add SRC:DEST]... [--test LINE]...
#                              [--no-smoke]
#
# Contents: our static /init (selftests/qemu/init.c), /tests/kvm_smoke
# (selftests/qemu/kvm_smoke.c) and /tests/list, the list of tests /init runs
# (one path relative to /tests per line, optional arguments).
#
#   -o OUT           output file (default build/initramfs.cpio.gz)
#   --add SRC:DEST   copy file or directory SRC to DEST inside the image
#                    (DEST ending in / keeps the name of SRC); adding a file
#                    as /tests/list replaces the generated list
#   --test LINE      append LINE to /tests/list (e.g. --test "foo --bar")
#   --no-smoke       do not list kvm_smoke (it is still included)
#
# Environment: CROSS_CC (default aarch64-linux-gnu-gcc).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
OUT="$BUILD/initramfs.cpio.gz"
STAGE="$BUILD/initramfs"
CC=${CROSS_CC:-aarch64-linux-gnu-gcc}
CFLAGS=(-static -O2 -Wall -Wextra -Wno-unused-parameter -s)

adds=()
tests=()
smoke=1
while [ $# -gt 0 ]; do
	case "$1" in
	-o) OUT=$(realpath -m "$2"); shift ;;
	--add) adds+=("$2"); shift ;;
	--add=*) adds+=("${1#--add=}") ;;
	--test) tests+=("$2"); shift ;;
	--no-smoke) smoke=0 ;;
	-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) echo "initramfs: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

log() { echo "initramfs: $*"; }
die() { echo "initramfs: ERROR: $*" >&2; exit 1; }

command -v "$CC" >/dev/null || die "$CC not found (run scripts/install-deps.sh)"
command -v cpio >/dev/null || die "cpio not found (run scripts/install-deps.sh)"

# uapi headers: the ones of the kernel we boot, else the cross libc's.
if [ -f "$BUILD/kernel-headers/include/linux/kvm.h" ]; then
	HDRS=(-isystem "$BUILD/kernel-headers/include")
	log "using kernel uapi headers from build/kernel-headers"
else
	HDRS=()
	log "build/kernel-headers missing (scripts/build-kernel.sh --headers);" \
	    "using the cross libc's <linux/kvm.h>"
fi

rm -rf "$STAGE"
mkdir -p "$STAGE"/{dev,proc,sys,tmp,tests,bin}

log "compiling init and kvm_smoke ($CC)"
"$CC" "${CFLAGS[@]}" -o "$STAGE/init" "$ROOT/selftests/qemu/init.c"
"$CC" "${CFLAGS[@]}" "${HDRS[@]}" -o "$STAGE/tests/kvm_smoke" \
	"$ROOT/selftests/qemu/kvm_smoke.c"

{
	echo "# bootops test list: path relative to /tests, then arguments"
	[ "$smoke" = 1 ] && echo "kvm_smoke"
	for t in ${tests[@]+"${tests[@]}"}; do echo "$t"; done
} >"$STAGE/tests/list"

for a in ${adds[@]+"${adds[@]}"}; do
	src=${a%%:*}
	dest=${a#*:}
	[ "$src" != "$a" ] && [ -n "$dest" ] || die "--add wants SRC:DEST, got '$a'"
	[ -e "$src" ] || die "--add: $src does not exist"
	case "$dest" in
	/*) ;;
	*) dest=/$dest ;;
	esac
	case "$dest" in
	*/) dest=$dest$(basename "$src") ;;
	esac
	mkdir -p "$STAGE$(dirname "$dest")"
	rm -rf "${STAGE:?}$dest"
	cp -a "$src" "$STAGE$dest"
	log "added $src -> $dest"
done

mkdir -p "$(dirname "$OUT")"
(
	cd "$STAGE"
	find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc --owner=0:0 --reproducible
) | gzip -9n >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"

ntests=$(grep -cvE '^[[:space:]]*(#|$)' "$STAGE/tests/list" || true)
log "wrote ${OUT#"$ROOT"/} ($(du -h "$OUT" | cut -f1), $ntests test(s) listed)"
