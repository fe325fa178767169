#!/usr/bin/env bash
# Debian's own, unmodified arm64 qemu-system-aarch64 for the emulated host:
# the qemu-system-arm:arm64 package and the arm64 libraries it needs, and
# busybox-static:arm64 (the shell the QEMU tests are written in), and
# Debian's arm64 kernel (linux-image-arm64's: its vmlinuz, and the modules
# for a virtio disk with ext2 on it) as a guest,
# downloaded (apt-get download: checked against the signed archive index)
# and unpacked, not installed; scripts/arm64-libs.py then copies the
# binary with exactly the shared libraries it loads into the initramfs.
#
#   scripts/fetch-debian-qemu.sh        -> build/debian-qemu/root/
#
# The version is the one of the installed qemu-system-arm (amd64), so the
# stock and the patched QEMU are the same Debian release.  Idempotent.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$ROOT/build/debian-qemu"
ver=$(dpkg-query -W -f='${Version}' qemu-system-arm 2>/dev/null) ||
	{ echo "fetch-debian-qemu: qemu-system-arm is not installed (make deps)" >&2; exit 1; }
STAMP="$OUT/.fetched-$ver"

log() { echo "fetch-debian-qemu: $*"; }

if [ -f "$STAMP" ]; then
	log "already unpacked: qemu-system-arm:arm64 $ver"
	exit 0
fi
rm -rf "$OUT"
mkdir -p "$OUT/debs" "$OUT/root"

# The package and every arm64 library in its dependency closure (no
# recommends): more than the binary needs, never less.
mapfile -t pkgs < <(apt-cache depends --recurse --no-recommends --no-suggests \
	--no-conflicts --no-breaks --no-replaces --no-enhances "qemu-system-arm:arm64=$ver" |
	grep -E '^lib[^ ]*:arm64$' | sort -u)
log "apt-get download qemu-system-arm:arm64=$ver and ${#pkgs[@]} arm64 libraries"
(cd "$OUT/debs" && apt-get download -q "qemu-system-arm:arm64=$ver" busybox-static:arm64 "${pkgs[@]}" 2>&1 |
	grep -v -e 'Download is performed unsandboxed' -e '^Get:' || true)
n=0
for deb in "$OUT"/debs/*.deb; do
	dpkg-deb -x "$deb" "$OUT/root"
	n=$((n + 1))
done
# The kernel package is large (modules): only what the guest loads.
kpkg=$(apt-cache depends linux-image-arm64:arm64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$kpkg" ] || { echo "fetch-debian-qemu: no kernel package behind linux-image-arm64" >&2; exit 1; }
log "apt-get download $kpkg"
(cd "$OUT/debs" && apt-get download -q "$kpkg" 2>&1 |
	grep -v -e 'Download is performed unsandboxed' -e '^Get:' || true)
mkdir -p "$OUT/kernel"
# shellcheck disable=SC2046	# one pattern per module
dpkg-deb --fsys-tarfile "$OUT"/debs/linux-image-[0-9]*.deb |
	tar -x -C "$OUT/kernel" --wildcards './boot/vmlinuz-*' \
		$(for m in lib/crc16 fs/mbcache fs/jbd2/jbd2 crypto/crc32c_generic fs/ext4/ext4 \
			drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci_modern_dev \
			drivers/virtio/virtio_pci drivers/block/virtio_blk; do
			echo "./lib/modules/*/kernel/$m.ko"
		done)
for f in usr/bin/qemu-system-aarch64 bin/busybox; do
	[ -x "$OUT/root/$f" ] || { echo "fetch-debian-qemu: no /$f in the packages" >&2; exit 1; }
done
ls "$OUT"/kernel/boot/vmlinuz-* >/dev/null ||
	{ echo "fetch-debian-qemu: no vmlinuz in $kpkg" >&2; exit 1; }
touch "$STAMP"
log "unpacked $n packages into build/debian-qemu/root ($(du -sh "$OUT/debs" | cut -f1) of .debs)"
