#!/usr/bin/env bash
# What the emulated host needs to run guests under QEMU (selftests/qemu/
# qemu_guests.sh): the patched QEMU (scripts/build-qemu.sh), Debian's
# unmodified arm64 QEMU with its libraries and busybox
# (scripts/fetch-debian-qemu.sh), bootops-sign for arm64, the guest (the
# kernel build/Image and an initramfs whose /init writes to its disk), and
# the owner's manifest key 1: the test plays the owner too, who in real
# use signs on another machine.
#
#   scripts/build-qemu-tests.sh      -> build/qemu-tests/
#
# Writes build/qemu-tests/initramfs-args.txt: scripts/build-initramfs.sh
# arguments, one per line, that add all of it and list the test; and
# build/qemu-tests/guest-disk.img, the empty disk a run copies for its
# guests (scripts/run-qemu.sh GUEST_DISK=).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
OUT="$BUILD/qemu-tests"
CROSS=aarch64-linux-gnu-

log() { echo "qemu-tests: $*"; }
die() { echo "qemu-tests: ERROR: $*" >&2; exit 1; }

[ -f "$BUILD/Image" ] || die "no build/Image (make kernel)"
[ -f "$BUILD/keys/manifest-1.pem" ] || die "no build/keys/manifest-1.pem (make kernel)"
bash "$ROOT/scripts/build-qemu.sh"
bash "$ROOT/scripts/fetch-debian-qemu.sh"
make -s -C "$ROOT/tools/bootops-sign" O="$BUILD/tools-arm64" CC="${CROSS}gcc" "CFLAGS=-O2 -s"

rm -rf "$OUT"
mkdir -p "$OUT/root/bin" "$OUT/files"

cpio_gz() {	# cpio_gz DIR OUT: DIR as a reproducible gzip'ed newc cpio
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc --owner=0:0 --reproducible) | gzip -9n >"$2"
}

# The guest: our kernel and a one-file initramfs.
cp "$BUILD/Image" "$OUT/files/Image"
stage="$OUT/guest-initramfs"
mkdir -p "$stage"
"${CROSS}gcc" -static -O2 -Wall -Wextra -Werror -s -o "$stage/init" \
	"$ROOT/tools/bootops-vmm/guest-linux/init.c"
cpio_gz "$stage" "$OUT/files/initramfs.cpio.gz"
# Debian's kernel, and the same /init with the modules it needs for the disk.
cp "$BUILD"/debian-qemu/kernel/boot/vmlinuz-* "$OUT/files/vmlinuz-debian"
mkdir -p "$stage/modules"
for m in crc16 mbcache jbd2 crc32c_generic ext4 virtio_pci_legacy_dev virtio_pci_modern_dev \
	virtio_pci virtio_blk; do
	cp "$(find "$BUILD/debian-qemu/kernel/lib/modules" -name "$m.ko")" "$stage/modules/"
	echo "$m.ko" >>"$stage/modules/order"
done
cpio_gz "$stage" "$OUT/files/initramfs-debian.cpio.gz"
cp "$BUILD/keys/manifest-1.pem" "$OUT/files/"
cp "$ROOT/selftests/qemu/qemu_guests.sh" "$ROOT/selftests/qemu/qemu_env.sh" "$OUT/files/"

# The guests' disk (the outer machine's GUEST_DISK): an empty ext2, which
# each run copies; the guests write their files there.
mkdir -p "$OUT/guest-disk-root"
mke2fs -q -t ext2 -d "$OUT/guest-disk-root" "$OUT/guest-disk.img" 16M

# Programs, with the shared libraries they load: Debian's QEMU where a
# user of Debian finds it, ours in /usr/local.
python3 "$ROOT/scripts/arm64-libs.py" --stage "$OUT/root" \
	--lib-root "$BUILD/debian-qemu/root" --lib-root / \
	"$BUILD/debian-qemu/root/usr/bin/qemu-system-aarch64:/usr/bin/qemu-system-aarch64" \
	"$BUILD/tools-arm64/bootops-sign:/usr/local/bin/bootops-sign"
cp "$BUILD/qemu/qemu-system-aarch64" "$OUT/root/usr/local/bin/"
cp "$BUILD/debian-qemu/root/bin/busybox" "$OUT/root/bin/"

{
	for d in usr lib; do
		echo --add
		echo "$OUT/root/$d:/$d"
	done
	echo --add
	echo "$OUT/root/bin/busybox:/bin/busybox"
	echo --add
	echo "$OUT/files:/tests/qemu"
	echo --test
	echo "../bin/busybox sh /tests/qemu/qemu_guests.sh /tests/qemu"
} >"$OUT/initramfs-args.txt"
log "build/qemu-tests: $(du -sh "$OUT/root" | cut -f1) of programs and libraries," \
    "guest $(du -sh "$OUT/files" | cut -f1)"
