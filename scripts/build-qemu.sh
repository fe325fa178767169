#!/usr/bin/env bash
# Build the patched QEMU the emulated host runs as its VMM: Debian's QEMU
# 7.2 source (apt-get source, the version of the installed qemu-system-arm)
# with the series in patches/qemu/, cross-built for arm64 as one static
# qemu-system-aarch64 (aarch64-softmmu only, KVM, Debian's arm64 .a
# libraries; meson uses ccache when it finds it).
#
#   scripts/build-qemu.sh               fetch, patch, build (incremental)
#   scripts/build-qemu.sh --unpack-only fetch and commit the pristine tree
#
# Out: build/qemu/qemu-system-aarch64 (stripped).  Trees: build/qemu-7.2
# (a git repo: tag "pristine", then one commit per patch) and
# build/qemu-build (meson).  A series older than qemu/series/ stops the
# build: patches/qemu/ is generated (scripts/gen-patches.sh --qemu).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
SRC="$BUILD/qemu-7.2"
OBJ="$BUILD/qemu-build"
DL="$BUILD/qemu-dl"
OUT="$BUILD/qemu"
PATCHES="$ROOT/patches/qemu"
start=$(date +%s)

log() { echo "qemu: $* [$(($(date +%s) - start))s]"; }
die() { echo "qemu: ERROR: $*" >&2; exit 1; }
qgit() { git --git-dir="$SRC/.git" --work-tree="$SRC" "$@"; }

# --- 1. Debian's source, once ------------------------------------------------------
if ! qgit rev-parse -q --verify pristine >/dev/null 2>&1; then
	# The deb-src entry the mbedTLS source needs serves QEMU's too.
	bash "$ROOT/scripts/fetch-mbedtls.sh" >/dev/null
	ver=$(dpkg-query -W -f='${source:Version}' qemu-system-arm 2>/dev/null) ||
		die "qemu-system-arm is not installed (make deps)"
	log "apt-get source qemu=$ver"
	rm -rf "$DL" "$SRC"
	mkdir -p "$DL"
	(cd "$DL" && apt-get source -q --download-only "qemu=$ver" 2>&1 |
		grep -v -e 'Download is performed unsandboxed' || true)
	dsc=$(ls "$DL"/qemu_*.dsc 2>/dev/null | head -n 1)
	[ -n "$dsc" ] || die "apt-get source qemu=$ver downloaded no .dsc"
	# dpkg-source checks the .dsc's checksums and applies Debian's patches.
	dpkg-source -q -x "$dsc" "$SRC" >/dev/null
	[ -f "$SRC/hw/arm/boot.c" ] || die "dpkg-source did not unpack QEMU into $SRC"
	log "committing pristine tree ($(cat "$SRC/VERSION"))"
	qgit init -q
	qgit config user.name "bootops build"
	qgit config user.email "bootops@localhost"
	qgit config gc.auto 0
	qgit add -A -f .
	qgit commit -q -m "pristine Debian qemu $ver"
	qgit tag pristine
fi
[ "${1:-}" = --unpack-only ] && exit 0

# --- 2. the series, generated from qemu/series/ -----------------------------------
bash "$ROOT/scripts/gen-patches.sh" --qemu --check ||
	die "patches/qemu/ is stale: run scripts/gen-patches.sh --qemu"
series=$(cat "$PATCHES"/*.patch | sha256sum | cut -c1-16)
if [ "$(cat "$SRC/.bootops-series" 2>/dev/null)" != "$series" ]; then
	log "resetting the tree to pristine"
	qgit am --abort >/dev/null 2>&1 || true
	qgit reset -q --hard pristine
	qgit clean -q -fdx -e .bootops-series
	n=0
	for p in "$PATCHES"/*.patch; do
		n=$((n + 1))
		log "applying [$n] $(basename "$p")"
		qgit am -q --3way "$p" || { qgit am --abort || true; die "git am failed for $p"; }
	done
	echo "$series" >"$SRC/.bootops-series"
fi

# --- 3. configure (once) and build ------------------------------------------------
if [ ! -f "$OBJ/build.ninja" ]; then
	log "configuring (aarch64-softmmu, static, KVM)"
	rm -rf "$OBJ"
	mkdir -p "$OBJ"
	CC="aarch64-linux-gnu-gcc"
	command -v ccache >/dev/null && CC="ccache $CC"
	(cd "$OBJ" && "$SRC/configure" --cross-prefix=aarch64-linux-gnu- --cc="$CC" \
		--target-list=aarch64-softmmu --static --disable-pie --enable-kvm --enable-fdt=system \
		--disable-docs --disable-tools --disable-guest-agent --disable-werror \
		--disable-slirp --disable-capstone --disable-sdl --disable-gtk --disable-vnc \
		--disable-opengl --disable-spice --disable-curses --disable-libudev \
		--disable-linux-aio --disable-linux-io-uring --disable-seccomp \
		--disable-attr --disable-cap-ng --disable-libusb --disable-usb-redir \
		--disable-zstd --disable-gnutls --disable-nettle --disable-gcrypt \
		--disable-gio --disable-dbus-display --disable-bpf --disable-numa --disable-rdma --disable-libpmem \
		--disable-vhost-user --disable-vhost-net --disable-vhost-kernel \
		--disable-vhost-crypto --disable-vhost-vdpa --disable-install-blobs \
		>"$OBJ/configure.log" 2>&1) ||
		{ tail -n 30 "$OBJ/configure.log" >&2; die "configure failed (build/qemu-build/configure.log)"; }
fi
log "building qemu-system-aarch64 (-j$(nproc), log: build/qemu-build/build.log)"
ninja -C "$OBJ" -j"$(nproc)" qemu-system-aarch64 >"$OBJ/build.log" 2>&1 ||
	{ grep -m 20 -B2 -A8 'error' "$OBJ/build.log" >&2; die "build failed (build/qemu-build/build.log)"; }
mkdir -p "$OUT"
aarch64-linux-gnu-strip -o "$OUT/qemu-system-aarch64" "$OBJ/qemu-system-aarch64"
log "built build/qemu/qemu-system-aarch64 ($(du -h "$OUT/qemu-system-aarch64" | cut -f1), $(qgit describe --always --tags))"
