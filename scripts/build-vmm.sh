#!/usr/bin/env bash
# Build bootops-vmm, the hello guest, the in-guest image tests and their
# signed fixtures, all into build/vmm/.
#
#   scripts/build-vmm.sh [--key PRIVATE.pem] [--no-fixtures] [--print-args]
#
#   --key FILE     the owner key to sign the guest with (default
#                  build/keys/bootops-dev.pem: the development key the
#                  kernel's trust anchor was made from by the kernel build)
#   --no-fixtures  only compile (no key needed)
#   --print-args   print the scripts/build-initramfs.sh arguments at the end
#
# Makes:
#   build/vmm/bootops-vmm       static aarch64 VMM (tools/bootops-vmm/vmm.c)
#   build/vmm/bootops_images    static aarch64 TAP test (selftests/qemu/)
#   build/vmm/bootops_off       the same, for a boot with kvm-arm.bootops=off
#   build/vmm/bootops_manifest  static aarch64 TAP test of boot manifests
#   build/vmm/bootops_attest    static aarch64 TAP test of attestation
#   build/vmm/hello.{elf,bin,lst}  the guest (tools/bootops-vmm/guest/)
#   build/vmm/hello.sig            hello.bin signed for LOAD_ADDR
#   build/vmm/hello.tampered.bin   hello.bin with one bit flipped
#   build/vmm/hello.other-key.sig  signed by build/keys/other.pem (made once)
#   build/vmm/hello.other-addr.sig signed for OTHER_ADDR
#   build/vmm/hello.padded.bin     hello.bin + one zero byte, and
#   build/vmm/hello.other-size.sig its signature (for LOAD_ADDR)
#   build/vmm/hello.zero.sig       64 zero bytes
#   build/vmm/hello.short.sig      63 bytes (the VMM must refuse it)
#   build/vmm/touch.{bin,sig}      the memory-touch guest, signed for LOAD_ADDR
#   build/vmm/regs.{bin,sig}       the CPU-state guest, signed for LOAD_ADDR
#   build/vmm/smp.{bin,sig}        the two-vCPU PSCI guest, signed for LOAD_ADDR
#   build/vmm/hello.big.{bin,sig}  hello.bin padded to 24 MiB, signed for LOAD_ADDR
#   build/vmm/blob-{a,b}.bin, *.man, hello.m1.sig  boot manifests and their
#                                  images (selftests/qemu/bootops_manifest.c)
#   build/vmm/attest.{bin,sig}, m-att*.man  the attestation guest, signed
#                                  and in two manifests (bootops_attest.c)
#   build/vmm/initramfs-args.txt   arguments for scripts/build-initramfs.sh,
#                                  one per line: the binaries and fixtures
#                                  (/tests/bootops-vmm, /tests/bootops_images,
#                                  /tests/vmm/*) and three test lines
#   build/vmm/demo-args.txt        the same without bootops_images (demo)
#
# Every fixture is checked with `bootops-sign verify` against the key's
# public half before it is used.  Environment: CROSS (default
# aarch64-linux-gnu-).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
OUT="$BUILD/vmm"
CROSS=${CROSS:-aarch64-linux-gnu-}
SIGN="$BUILD/tools/bootops-sign"
KEY="$BUILD/keys/bootops-dev.pem"
OTHER_KEY="$BUILD/keys/other.pem"
LOAD_ADDR=0x80000000		# hello.S links here; the memslot starts here
OTHER_ADDR=0x80010000		# a second address inside the memslot
DATA_ADDR=0x80100000		# the manifests' data image
MEM=2M@0x80000000

fixtures=1
print_args=0
while [ $# -gt 0 ]; do
	case "$1" in
	--key) KEY=$(realpath -m "$2"); shift ;;
	--no-fixtures) fixtures=0 ;;
	--print-args) print_args=1 ;;
	-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) echo "build-vmm: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

log() { echo "build-vmm: $*"; }
die() { echo "build-vmm: ERROR: $*" >&2; exit 1; }

for t in gcc as ld objcopy objdump; do
	command -v "${CROSS}$t" >/dev/null || die "${CROSS}$t not found (scripts/install-deps.sh)"
done
mkdir -p "$OUT"

# --- the guest ------------------------------------------------------------------
G="$ROOT/tools/bootops-vmm/guest"
build_guest() {	# build_guest NAME: tools/bootops-vmm/guest/NAME.S -> build/vmm/NAME.bin
	"${CROSS}gcc" -E -P -o "$OUT/$1.s" "$G/$1.S"
	"${CROSS}as" -o "$OUT/$1.o" "$OUT/$1.s"
	"${CROSS}ld" -nostdlib -static -T "$G/hello.lds" -o "$OUT/$1.elf" "$OUT/$1.o"
	"${CROSS}objcopy" -O binary "$OUT/$1.elf" "$OUT/$1.bin"
	"${CROSS}objdump" -d "$OUT/$1.elf" >"$OUT/$1.lst"
}
build_guest hello
build_guest touch
build_guest regs
build_guest smp
build_guest attest
entry=$("${CROSS}objdump" -f "$OUT/hello.elf" | awk '/start address/ { print $NF }')
[ $((entry)) = $((LOAD_ADDR)) ] || die "hello.elf entry $entry, want $LOAD_ADDR"
# The bytes must contain the message and end in the PSCI SYSTEM_OFF call.
grep -q 'hello from a verified guest' "$OUT/hello.bin" || die "hello.bin: no message"
grep -qE 'hvc[[:space:]]+#0x0' "$OUT/hello.lst" || die "hello.bin: no hvc #0"
grep -qE 'strb[[:space:]]+w1, \[x2\]$' "$OUT/hello.lst" || die "hello.bin: UART store is not strb w1, [x2]"
log "guest: build/vmm/hello.bin ($(stat -c %s "$OUT/hello.bin") bytes, linked at $LOAD_ADDR)"

# --- VMM and tests ----------------------------------------------------------------
HDRS=()
if [ -f "$BUILD/kernel-headers/include/linux/kvm.h" ]; then
	HDRS=(-isystem "$BUILD/kernel-headers/include")
	if [ -f "$BUILD/kernel-headers/include/asm/kvm_bootops.h" ]; then
		log "uapi: build/kernel-headers (with asm/kvm_bootops.h)"
	else
		log "uapi: build/kernel-headers + include/uapi/kvm_bootops.h"
	fi
else
	log "uapi: the cross libc's <linux/kvm.h> + include/uapi/kvm_bootops.h"
fi
CFLAGS=(-static -O2 -Wall -Wextra -Werror "${HDRS[@]}" -I "$ROOT/include/uapi" -I "$ROOT/include"
	-I "$ROOT/tools/bootops-vmm")
V="$ROOT/tools/bootops-vmm"
"${CROSS}gcc" "${CFLAGS[@]}" -o "$OUT/bootops-vmm" "$V/vmm.c"
"${CROSS}gcc" "${CFLAGS[@]}" -DVMM_NO_MAIN -DLOAD_ADDR="${LOAD_ADDR}ULL" \
	-DOTHER_ADDR="${OTHER_ADDR}ULL" -o "$OUT/bootops_images" \
	"$ROOT/selftests/qemu/bootops_images.c" "$V/vmm.c"
"${CROSS}gcc" "${CFLAGS[@]}" -DVMM_NO_MAIN -DLOAD_ADDR="${LOAD_ADDR}ULL" \
	-o "$OUT/bootops_off" "$ROOT/selftests/qemu/bootops_off.c" "$V/vmm.c"
"${CROSS}gcc" "${CFLAGS[@]}" -DVMM_NO_MAIN -DLOAD_ADDR="${LOAD_ADDR}ULL" \
	-DDATA_ADDR="${DATA_ADDR}ULL" -o "$OUT/bootops_manifest" \
	"$ROOT/selftests/qemu/bootops_manifest.c" "$V/vmm.c"
"${CROSS}gcc" "${CFLAGS[@]}" -DVMM_NO_MAIN -DLOAD_ADDR="${LOAD_ADDR}ULL" \
	-DDATA_ADDR="${DATA_ADDR}ULL" -o "$OUT/bootops_attest" \
	"$ROOT/selftests/qemu/bootops_attest.c" "$V/vmm.c"
"${CROSS}strip" "$OUT/bootops-vmm" "$OUT/bootops_images" "$OUT/bootops_off" \
	"$OUT/bootops_manifest" "$OUT/bootops_attest"
if command -v file >/dev/null; then
	for b in bootops-vmm bootops_images bootops_off bootops_manifest bootops_attest; do
		file "$OUT/$b" | grep -q 'statically linked' || die "$b is not statically linked"
	done
fi
log "built build/vmm/bootops-vmm and build/vmm/bootops_images (static)"

if [ "$fixtures" = 0 ]; then
	log "--no-fixtures: not signing"
	exit 0
fi

# --- signatures and fixtures ------------------------------------------------------
[ -f "$KEY" ] || die "no signing key $KEY: it comes with the kernel build" \
	"(scripts/build-kernel.sh), or give --key"
if [ ! -x "$SIGN" ] || [ "$ROOT/tools/bootops-sign/bootops-sign.c" -nt "$SIGN" ]; then
	make -s -C "$ROOT/tools/bootops-sign" >/dev/null
fi
PUB=${KEY%.pem}.pub.pem
[ -f "$PUB" ] || PUB=$KEY	# verify takes a private key's public half
if [ ! -f "$OTHER_KEY" ]; then
	mkdir -p "$(dirname "$OTHER_KEY")"
	"$SIGN" keygen "$OTHER_KEY" "${OTHER_KEY%.pem}.pub.pem" >/dev/null
	log "made the second key build/keys/other.pem"
fi
[ "$(realpath "$OTHER_KEY")" != "$(realpath "$KEY")" ] || die "--key is the other key"

sign() { "$SIGN" sign --key "$1" --load-addr "$2" "$3" "$4" >/dev/null; }
verify() {	# verify PUB ADDR IMAGE SIG -> OK | BAD
	if "$SIGN" verify --pubkey "$1" --load-addr "$2" "$3" "$4" >/dev/null 2>&1; then
		echo OK
	else
		echo BAD
	fi
}
expect() {	# expect WANT PUB ADDR IMAGE SIG
	local got
	got=$(verify "$2" "$3" "$4" "$5")
	[ "$got" = "$1" ] || die "bootops-sign verify $(basename "$4") $(basename "$5") at $3: $got, want $1"
}

cd "$OUT"
sign "$KEY" $LOAD_ADDR hello.bin hello.sig
sign "$KEY" $LOAD_ADDR touch.bin touch.sig
sign "$KEY" $LOAD_ADDR regs.bin regs.sig
sign "$KEY" $LOAD_ADDR smp.bin smp.sig
# One bit: the lowest of the message's first byte ('h' -> 'i'), so a guest
# that ran anyway would say so.
off=$(grep -obUa 'hello from' hello.bin | head -n1 | cut -d: -f1)
python3 - "$off" <<'EOF'
import sys
off = int(sys.argv[1])
b = bytearray(open("hello.bin", "rb").read())
b[off] ^= 0x01
open("hello.tampered.bin", "wb").write(b)
EOF
[ "$(cmp -l hello.bin hello.tampered.bin | wc -l)" = 1 ] || die "tampered copy differs in more than one byte"
sign "$OTHER_KEY" $LOAD_ADDR hello.bin hello.other-key.sig
sign "$KEY" $OTHER_ADDR hello.bin hello.other-addr.sig
{ cat hello.bin; printf '\0'; } >hello.padded.bin
sign "$KEY" $LOAD_ADDR hello.padded.bin hello.other-size.sig
# A 24 MiB image: verification takes many slices (interrupted, resumed, torn down).
cp hello.bin hello.big.bin
truncate -s $((24 << 20)) hello.big.bin
sign "$KEY" $LOAD_ADDR hello.big.bin hello.big.sig
head -c 64 /dev/zero >hello.zero.sig
head -c 63 hello.sig >hello.short.sig

# What each fixture is, by the tool that does what hyp does.
expect OK  "$PUB" $LOAD_ADDR  hello.bin          hello.sig
expect OK  "$PUB" $LOAD_ADDR  touch.bin          touch.sig
expect OK  "$PUB" $LOAD_ADDR  regs.bin           regs.sig
expect OK  "$PUB" $LOAD_ADDR  smp.bin            smp.sig
expect BAD "$PUB" $LOAD_ADDR  hello.tampered.bin hello.sig
expect BAD "$PUB" $LOAD_ADDR  hello.bin          hello.other-key.sig
expect OK  "${OTHER_KEY%.pem}.pub.pem" $LOAD_ADDR hello.bin hello.other-key.sig
expect BAD "$PUB" $LOAD_ADDR  hello.bin          hello.other-addr.sig
expect OK  "$PUB" $OTHER_ADDR hello.bin          hello.other-addr.sig
expect BAD "$PUB" $LOAD_ADDR  hello.bin          hello.other-size.sig
expect OK  "$PUB" $LOAD_ADDR  hello.padded.bin   hello.other-size.sig
expect BAD "$PUB" $LOAD_ADDR  hello.bin          hello.zero.sig
expect OK  "$PUB" $LOAD_ADDR  hello.big.bin      hello.big.sig
log "fixtures signed with ${KEY#"$ROOT"/} and checked with bootops-sign verify"

# Boot manifests (selftests/qemu/bootops_manifest.c says what each is), made
# with the manifest keys the kernel build generated (key ids 1 and 2).
MKEY1="$BUILD/keys/manifest-1.pem"
MKEY2="$BUILD/keys/manifest-2.pem"
[ -f "$MKEY1" ] && [ -f "$MKEY2" ] || die "no manifest keys in build/keys: they come with the kernel build"
blob() { printf '%-99s\n' "$1" >"$2"; }
blob "release A: the data image the owner signed with hello.bin" blob-a.bin
blob "release B: another data image, same size, same address" blob-b.bin
manifest() {	# manifest KEY OUT [options...]
	local key=$1 out=$2
	shift 2
	"$SIGN" manifest --key "$key" "$@" "$out" >/dev/null
}
SET_A=(--image "$LOAD_ADDR:hello.bin" --image "$DATA_ADDR:blob-a.bin")
manifest "$MKEY1" m-a.man --key-id 1 --secver 3 --entry $LOAD_ADDR "${SET_A[@]}"
manifest "$MKEY1" m-b.man --key-id 1 --secver 3 --image "$LOAD_ADDR:hello.bin" \
	--image "$DATA_ADDR:blob-b.bin"
manifest "$MKEY1" m-old.man --key-id 1 --secver 2 "${SET_A[@]}"
manifest "$KEY" m-forged.man --key-id 1 --secver 3 "${SET_A[@]}"
manifest "$MKEY1" m-nokey.man --key-id 7 --secver 3 "${SET_A[@]}"
manifest "$MKEY1" m-entry.man --key-id 1 --secver 3 --entry $((LOAD_ADDR + 8)) "${SET_A[@]}"
manifest "$MKEY1" m-priv.man --key-id 1 --secver 3 --private-mem --image "$LOAD_ADDR:touch.bin"
manifest "$MKEY2" m2-v5r.man --key-id 2 --secver 5 --raise-min "${SET_A[@]}"
manifest "$MKEY2" m2-v4.man --key-id 2 --secver 4 "${SET_A[@]}"
manifest "$MKEY2" m2-v5.man --key-id 2 --secver 5 "${SET_A[@]}"
sign "$MKEY1" $LOAD_ADDR hello.bin hello.m1.sig
# The attestation guest (selftests/qemu/bootops_attest.c): alone, and with
# release A's data image; and one image at a time with the image key.
manifest "$MKEY1" m-att.man --key-id 1 --secver 3 --entry $LOAD_ADDR --image "$LOAD_ADDR:attest.bin"
manifest "$MKEY1" m-att2.man --key-id 1 --secver 3 --image "$LOAD_ADDR:attest.bin" \
	--image "$DATA_ADDR:blob-a.bin"
sign "$KEY" $LOAD_ADDR attest.bin attest.sig
log "boot manifests made with build/keys/manifest-{1,2}.pem"

# --- initramfs arguments ----------------------------------------------------------
FIX=(hello.bin hello.sig hello.tampered.bin hello.other-key.sig hello.other-addr.sig
     hello.padded.bin hello.other-size.sig hello.zero.sig hello.short.sig touch.bin touch.sig
     regs.bin regs.sig smp.bin smp.sig
     hello.big.bin hello.big.sig
     blob-a.bin blob-b.bin m-a.man m-b.man m-old.man m-forged.man m-nokey.man m-entry.man
     m-priv.man m2-v5r.man m2-v4.man m2-v5.man hello.m1.sig
     attest.bin attest.sig m-att.man m-att2.man)
RUN_GOOD="bootops-vmm --mem $MEM --image /tests/vmm/hello.bin@$LOAD_ADDR,sig=/tests/vmm/hello.sig"
RUN_BAD="bootops-vmm --expect-reject --mem $MEM --image /tests/vmm/hello.tampered.bin@$LOAD_ADDR,sig=/tests/vmm/hello.sig"
# The owner's manifest of hello.bin and release A's data image; then the
# same manifest with release B's data image in its place.
RUN_MAN="bootops-vmm --mem $MEM --manifest /tests/vmm/m-a.man --image /tests/vmm/hello.bin@$LOAD_ADDR --image /tests/vmm/blob-a.bin@$DATA_ADDR"
RUN_MIXED="bootops-vmm --expect-reject --mem $MEM --manifest /tests/vmm/m-a.man --image /tests/vmm/hello.bin@$LOAD_ADDR --image /tests/vmm/blob-b.bin@$DATA_ADDR"
# The attestation guest from the owner's manifest: it prints its report.
RUN_ATTEST="bootops-vmm --mem $MEM --manifest /tests/vmm/m-att.man --image /tests/vmm/attest.bin@$LOAD_ADDR --expect-output attest-report"
write_args() {	# write_args FILE WITH_IMAGES_TEST
	{
		echo --add
		echo "$OUT/bootops-vmm:/tests/bootops-vmm"
		if [ "$2" = 1 ]; then
			echo --add
			echo "$OUT/bootops_images:/tests/bootops_images"
			echo --add
			echo "$OUT/bootops_manifest:/tests/bootops_manifest"
		fi
		echo --add
		echo "$OUT/bootops_attest:/tests/bootops_attest"
		for f in "${FIX[@]}"; do
			echo --add
			echo "$OUT/$f:/tests/vmm/$f"
		done
		if [ "$2" = 1 ]; then
			echo --test
			echo bootops_images
			echo --test
			echo bootops_manifest
		fi
		echo --test
		echo "$RUN_GOOD"
		echo --test
		echo "$RUN_BAD"
		echo --test
		echo "$RUN_MAN"
		echo --test
		echo "$RUN_MIXED"
		echo --test
		echo "$RUN_ATTEST"
		echo --test
		echo bootops_attest
	} >"$1.tmp"
	mv "$1.tmp" "$1"
}
write_args "$OUT/initramfs-args.txt" 1
write_args "$OUT/demo-args.txt" 0
log "initramfs arguments: build/vmm/initramfs-args.txt ($(wc -l <"$OUT/initramfs-args.txt") lines)"
if [ "$print_args" = 1 ]; then
	mapfile -t a <"$OUT/initramfs-args.txt"
	printf '%q ' "${a[@]}"
	echo
fi
