#!/usr/bin/env bash
# Build a signed arm64 Linux guest for bootops-vmm: the kernel Image (the
# same build/Image the host boots), a DTB for the VMM's machine and a tiny
# initramfs whose /init says hello and powers off; each of the three is
# signed for its guest load address.  Everything goes to build/linuxguest/.
#
#   scripts/build-linux-guest.sh [--key PRIVATE.pem] [--kernel IMAGE]
#
#   --key FILE     owner key (default build/keys/bootops-dev.pem, the key
#                  the kernel's trust anchor was made from)
#   --kernel FILE  the guest kernel Image (default build/Image)
#
# Guest memory map (bootops-vmm --mem 256M@0x80000000 --gic-v3):
#   0x08000000 GICv3 distributor, 0x080a0000 redistributor (in-kernel)
#   0x09000000 UART (PL011 registers, MMIO exits to the VMM)
#   0x80000000 RAM, 256 MiB
#   0x80200000 Image (2 MiB aligned + text_offset; booting.rst)
#   0x88000000 DTB (x0 at entry)
#   0x88200000 initramfs (/chosen linux,initrd-start/end)
#
# Makes build/linuxguest/{Image,guest.dtb,initramfs.cpio.gz} and their
# .sig files, initramfs.tampered.cpio.gz (one bit flipped), and
# build/linuxguest/initramfs-args.txt: scripts/build-initramfs.sh
# arguments, one per line, that add bootops-vmm and the images under
# /tests/ and two test lines: the signed guest must boot and print its
# hello; the tampered initramfs with the same signature must be rejected.
# Environment: CROSS (default aarch64-linux-gnu-).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
OUT="$BUILD/linuxguest"
SRC="$ROOT/tools/bootops-vmm/guest-linux"
CROSS=${CROSS:-aarch64-linux-gnu-}
SIGN="$BUILD/tools/bootops-sign"
KEY="$BUILD/keys/bootops-dev.pem"
KERNEL="$BUILD/Image"

MEM_BASE=0x80000000
MEM_SIZE=0x10000000		# 256 MiB
KERNEL_ADDR=0x80200000
DTB_ADDR=0x88000000
INITRD_ADDR=0x88200000
BOOTARGS="console=ttyAMA0 earlycon=pl011,mmio32,0x09000000 rdinit=/init panic=-1 kvm-arm.mode=none"
TIMEOUT_MS=100000		# the VMM's: below /init's 120 s per test (~3.5 s here)

while [ $# -gt 0 ]; do
	case "$1" in
	--key) KEY=$(realpath -m "$2"); shift ;;
	--kernel) KERNEL=$(realpath -m "$2"); shift ;;
	-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) echo "build-linux-guest: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

log() { echo "build-linux-guest: $*"; }
die() { echo "build-linux-guest: ERROR: $*" >&2; exit 1; }

command -v "${CROSS}gcc" >/dev/null || die "${CROSS}gcc not found (scripts/install-deps.sh)"
command -v dtc >/dev/null || die "dtc not found (apt-get install device-tree-compiler)"
command -v cpio >/dev/null || die "cpio not found"
[ -f "$KERNEL" ] || die "no kernel $KERNEL (scripts/build-kernel.sh)"
[ -f "$KEY" ] || die "no signing key $KEY (it comes with the kernel build)"
[ -x "$BUILD/vmm/bootops-vmm" ] || die "no build/vmm/bootops-vmm (scripts/build-vmm.sh)"
if [ ! -x "$SIGN" ] || [ "$ROOT/tools/bootops-sign/bootops-sign.c" -nt "$SIGN" ]; then
	make -s -C "$ROOT/tools/bootops-sign" >/dev/null
fi
PUB=${KEY%.pem}.pub.pem
[ -f "$PUB" ] || PUB=$KEY

rm -rf "$OUT"
mkdir -p "$OUT"

# --- kernel: an arm64 Image, placed per its header ------------------------------
cp "$KERNEL" "$OUT/Image"
read -r magic text_offset image_size < <(python3 - "$OUT/Image" <<'PYEOF'
import struct, sys
h = open(sys.argv[1], "rb").read(64)
_, _, text_offset, image_size, flags = struct.unpack_from("<IIQQQ", h, 0)
magic = h[56:60]
print(magic.hex(), text_offset, image_size)
PYEOF
)
[ "$magic" = 41524d64 ] || die "$KERNEL is not an arm64 Image (magic $magic)"
[ "$text_offset" = 0 ] || die "text_offset $text_offset: KERNEL_ADDR must be 2 MiB aligned + text_offset"
end=$((KERNEL_ADDR + image_size))
[ "$end" -le $((DTB_ADDR)) ] || die "kernel image_size $image_size runs into the DTB"
log "kernel: $(stat -c %s "$OUT/Image") bytes, image_size $image_size, at $KERNEL_ADDR"

# --- initramfs: /init only -------------------------------------------------------
STAGE="$OUT/initramfs"
mkdir -p "$STAGE/dev" "$STAGE/proc" "$STAGE/sys"
"${CROSS}gcc" -static -O2 -Wall -Wextra -Werror -s -o "$STAGE/init" "$SRC/init.c"
(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc --owner=0:0 --reproducible) | gzip -9n >"$OUT/initramfs.cpio.gz"
initrd_size=$(stat -c %s "$OUT/initramfs.cpio.gz")
initrd_end=$((INITRD_ADDR + initrd_size))
[ "$initrd_end" -le $((MEM_BASE + MEM_SIZE)) ] || die "initramfs does not fit in guest memory"
log "initramfs: $initrd_size bytes at $INITRD_ADDR"

# --- DTB -------------------------------------------------------------------------
dtb() {	# dtb NR_CPUS NAME
	cpp -nostdinc -undef -x assembler-with-cpp -P -D NR_CPUS="$1" \
		-D "BOOTARGS=\"$BOOTARGS\"" -D MEM_BASE=$MEM_BASE -D MEM_SIZE=$MEM_SIZE \
		-D INITRD_START=$INITRD_ADDR -D INITRD_END="$(printf '0x%x' "$initrd_end")" \
		"$SRC/guest.dts" >"$OUT/$2.dts"
	dtc -q -I dts -O dtb -o "$OUT/$2.dtb" "$OUT/$2.dts"
	[ $((DTB_ADDR + $(stat -c %s "$OUT/$2.dtb"))) -le $((INITRD_ADDR)) ] ||
		die "$2.dtb runs into the initramfs"
	log "$2.dtb: $1 vCPU(s), $(stat -c %s "$OUT/$2.dtb") bytes at $DTB_ADDR; bootargs: $BOOTARGS"
}
dtb 1 guest
dtb 2 guest-smp

# --- signatures --------------------------------------------------------------------
sign() {	# sign ADDR FILE
	"$SIGN" sign --key "$KEY" --load-addr "$1" "$OUT/$2" "$OUT/$2.sig" >/dev/null
	"$SIGN" verify --pubkey "$PUB" --load-addr "$1" "$OUT/$2" "$OUT/$2.sig" >/dev/null ||
		die "$2: signature does not verify"
}
sign $KERNEL_ADDR Image
sign $DTB_ADDR guest.dtb
sign $DTB_ADDR guest-smp.dtb
sign $INITRD_ADDR initramfs.cpio.gz
# One bit flipped in the initramfs (its gzip trailer): same size and address,
# the signature of the original must not hold.
python3 - "$OUT/initramfs.cpio.gz" "$OUT/initramfs.tampered.cpio.gz" <<'PYEOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 2] ^= 0x01
open(sys.argv[2], "wb").write(b)
PYEOF
if "$SIGN" verify --pubkey "$PUB" --load-addr $INITRD_ADDR "$OUT/initramfs.tampered.cpio.gz" \
	"$OUT/initramfs.cpio.gz.sig" >/dev/null 2>&1; then
	die "the tampered initramfs verifies"
fi
log "signed Image, guest.dtb, initramfs.cpio.gz with ${KEY#"$ROOT"/} (checked with bootops-sign verify)"

# --- initramfs arguments -------------------------------------------------------------
D=/tests/linuxguest
VMM="bootops-vmm --gic-v3 --timeout-ms $TIMEOUT_MS --mem 256M@$MEM_BASE --entry $KERNEL_ADDR --x0 $DTB_ADDR"
IMGS="--image $D/Image@$KERNEL_ADDR,sig=$D/Image.sig --image $D/guest.dtb@$DTB_ADDR,sig=$D/guest.dtb.sig"
RUN_GOOD="$VMM $IMGS --image $D/initramfs.cpio.gz@$INITRD_ADDR,sig=$D/initramfs.cpio.gz.sig"
RUN_BAD="$VMM --expect-reject $IMGS --image $D/initramfs.tampered.cpio.gz@$INITRD_ADDR,sig=$D/initramfs.cpio.gz.sig"
# The same guest with private memory: its RAM is the VM's, not the host's.
RUN_PRIVATE="$VMM --private-mem $IMGS --image $D/initramfs.cpio.gz@$INITRD_ADDR,sig=$D/initramfs.cpio.gz.sig"
# Two vCPUs, the second started by the guest's PSCI CPU_ON (at EL2), with
# shared and with private memory: both must come up.
IMGS_SMP="--image $D/Image@$KERNEL_ADDR,sig=$D/Image.sig --image $D/guest-smp.dtb@$DTB_ADDR,sig=$D/guest-smp.dtb.sig"
IMGS_SMP+=" --image $D/initramfs.cpio.gz@$INITRD_ADDR,sig=$D/initramfs.cpio.gz.sig"
RUN_SMP="$VMM --smp 2 --expect-output cpus-online=0-1 $IMGS_SMP"
RUN_SMP_PRIVATE="$VMM --smp 2 --expect-output cpus-online=0-1 --private-mem $IMGS_SMP"
{
	echo --add
	echo "$BUILD/vmm/bootops-vmm:/tests/bootops-vmm"
	for f in Image Image.sig guest.dtb guest.dtb.sig guest-smp.dtb guest-smp.dtb.sig initramfs.cpio.gz \
		initramfs.cpio.gz.sig initramfs.tampered.cpio.gz; do
		echo --add
		echo "$OUT/$f:$D/$f"
	done
	echo --test
	echo "$RUN_GOOD"
	echo --test
	echo "$RUN_BAD"
	echo --test
	echo "$RUN_PRIVATE"
	echo --test
	echo "$RUN_SMP"
	echo --test
	echo "$RUN_SMP_PRIVATE"
} >"$OUT/initramfs-args.txt"
log "initramfs arguments: build/linuxguest/initramfs-args.txt"
