#!/usr/bin/env bash
# Benchmarks (numbers, not tests), in the patched kernel under QEMU:
#  1. VM create + vCPU create + first guest instruction + destroy, with
#     boot ops and with kvm-arm.bootops=off, and the ratio;
#  2. declaring a signed image to the guest's first instruction, for images
#     of 1 MiB to 256 MiB, against the same image in a plain VM, with the
#     verification throughput, SHA-256 alone on the same CPU (C and the
#     SHA-256 instructions), the longest verification hypercall against the
#     time to hash 1 MiB, host RCU stall warnings, and the 64 MiB image
#     again with hyp hashing in C (kvm-arm.bootops_sha256=c); and, for a
#     verified VM against a plain one, the MMIO exit round trip and the VM
#     life cycle (1 MiB image) as ratios;
#  3. guest memory touch (first-touch faults and steady state, pages/s) in
#     verified VMs on hyp's stage 2 (shared and private memory) against a
#     plain VM, as ratios;
#  4. a verified guest's attestation call as the guest sees it (all of its
#     signing steps), against a PSCI_VERSION call the host answers, as a
#     ratio (the guest's virtual counter, ATTESTS runs, default 5);
#  5. the host's block I/O through its virtio disk, behind the SMMU hyp
#     owns, against kvm-arm.bootops=off (the SMMU left to bypass), as
#     ratios (DISK_MIB per pass, default 32; ROUNDS boots each way);
#  6. QEMU as the VMM: a Linux guest's time from QEMU's start to its /init,
#     verified (bootops-guest, the owner's manifest) against plain (the
#     same patched QEMU and guest, no bootops-guest), as a ratio, for our
#     kernel and Debian's (QEMU_ROUNDS, default 5, alternating).
#
#   scripts/bench.sh [CYCLES]      (default 300; CPU=max|cortex-a57, PAGES=4096,
#                                  SECTIONS="1 2 3 4 5 6" to run only some,
#                                  SIZES="1024 ..." image sizes in KiB,
#                                  ROUNDS=5 boots each way for section 1)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
OUT="$BUILD/bench"
CYCLES=${1:-300}
CPU=${CPU:-max}
SECTIONS=${SECTIONS:-1 2 3 4 5 6}
CC=aarch64-linux-gnu-gcc
LOAD_ADDR=0x80000000
read -r -a SIZES_KIB <<<"${SIZES:-1024 4096 16384 65536 262144}"	# KiB

bash "$ROOT/scripts/build-kernel.sh" >/dev/null
bash "$ROOT/scripts/build-vmm.sh" >/dev/null
mkdir -p "$OUT"

# Tools, built from the same sources as the tests and the hypervisor.
MBED=$(cat "$BUILD/mbedtls-src/.fetched")
"$CC" -static -O2 -Wall -Werror -I "$ROOT/hyp/mbedtls" -I "$MBED/include" \
	-I "$ROOT/hyp/include" -I "$ROOT/include" \
	-DMBEDTLS_CONFIG_FILE='"bootops_mbedtls_config.h"' -o "$OUT/bench_sha256" \
	"$ROOT/selftests/qemu/bench_sha256.c" "$ROOT/hyp/sha256.c" "$ROOT/hyp/sha256_ce.S" \
	"$MBED/library/sha256.c" "$MBED/library/platform_util.c"
"$CC" -static -O2 -Wall -Wextra -Werror -isystem "$BUILD/kernel-headers/include" \
	-I "$ROOT/include/uapi" -I "$ROOT/tools/bootops-vmm" -DVMM_NO_MAIN \
	-o "$OUT/bench_images" "$ROOT/selftests/qemu/bench_images.c" \
	"$ROOT/tools/bootops-vmm/vmm.c"
"$CC" -static -O2 -Wall -Wextra -Werror -isystem "$BUILD/kernel-headers/include" \
	-I "$ROOT/include/uapi" -I "$ROOT/tools/bootops-vmm" -DVMM_NO_MAIN \
	-o "$OUT/bench_memory" "$ROOT/selftests/qemu/bench_memory.c" \
	"$ROOT/tools/bootops-vmm/vmm.c"
"$CC" -static -O2 -Wall -Wextra -Werror -o "$OUT/bench_disk" "$ROOT/selftests/qemu/bench_disk.c"

# Images: the hello guest padded with zeros, signed for LOAD_ADDR.
args=()
for kib in "${SIZES_KIB[@]}"; do
	img="$OUT/image-$kib.bin"
	if [ ! -f "$img.sig" ] || [ "$BUILD/keys/bootops-dev.pem" -nt "$img.sig" ]; then
		cp "$BUILD/vmm/hello.bin" "$img"
		truncate -s "$((kib * 1024))" "$img"
		"$BUILD/tools/bootops-sign" sign --key "$BUILD/keys/bootops-dev.pem" \
			--load-addr "$LOAD_ADDR" "$img" "$img.sig" >/dev/null
	fi
	args+=("/bench/image-$kib.bin" "/bench/image-$kib.bin.sig")
done
adds=(--add "$OUT/bench_sha256:/tests/bench_sha256"
      --add "$OUT/bench_images:/tests/bench_images"
      --add "$OUT/bench_memory:/tests/bench_memory"
      --add "$BUILD/vmm/touch.bin:/bench/touch.bin"
      --add "$BUILD/vmm/touch.sig:/bench/touch.sig")
for kib in "${SIZES_KIB[@]}"; do
	adds+=(--add "$OUT/image-$kib.bin:/bench/image-$kib.bin"
	       --add "$OUT/image-$kib.bin.sig:/bench/image-$kib.bin.sig")
done

run() {	# $1: log name, $2: extra kernel command line, $3: initramfs
	local log="$BUILD/qemu-bench-$1.log"

	INITRD="$3" CPU="$CPU" LOG="$log" APPEND="$2 bootops.dmesgcheck=0" TIMEOUT=900 MEM=2G \
		DISK="${BENCH_DISK:-}" \
		bash "$ROOT/scripts/run-qemu.sh" >/dev/null 2>&1 ||
		{ echo "bench: QEMU run failed, see ${log#"$ROOT"/}" >&2; exit 1; }
	echo "$log"
}

echo "bench: cpu=$CPU, QEMU TCG: absolute times are emulated; compare within a row"

# 1. VM life cycle, with and without boot ops.
if [[ " $SECTIONS " = *" 1 "* ]]; then
	bash "$ROOT/scripts/build-initramfs.sh" -o "$OUT/lifecycle.cpio.gz" --no-smoke \
		--test "kvm_smoke --bench $CYCLES" >/dev/null
	mean() { grep -o 'mean [0-9]* us' "$1" | tail -n1 | awk '{print $2}'; }
	phases() { grep -o 'lifecycle phases (mean us):.*' "$1" | tail -n1 | cut -d: -f2; }
	median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
	# Separate QEMU boots run at speeds that differ by up to a quarter
	# under TCG: boots with and without boot ops alternate, ROUNDS each.
	ons=() offs=()
	echo "bench: VM create + vCPU + first instruction + destroy ($CYCLES cycles a boot," \
		"${ROUNDS:-5} boots each way, alternating):"
	for r in $(seq 1 "${ROUNDS:-5}"); do
		on=$(run lifecycle-on-$r "" "$OUT/lifecycle.cpio.gz")
		off=$(run lifecycle-off-$r "kvm-arm.bootops=off" "$OUT/lifecycle.cpio.gz")
		ons+=("$(mean "$on")")
		offs+=("$(mean "$off")")
		echo "bench:   round $r: with boot ops ${ons[-1]} us ($(phases "$on") )," \
			"without ${offs[-1]} us ($(phases "$off") )"
	done
	with=$(median "${ons[@]}")
	without=$(median "${offs[@]}")
	echo "bench:   median with boot ops $with us, without $without us," \
		"ratio $(echo "scale=3; $with / $without" | bc)"
fi

# 2. Signed images of growing size.
if [[ " $SECTIONS " = *" 2 "* ]]; then
	bash "$ROOT/scripts/build-initramfs.sh" -o "$OUT/images.cpio.gz" --no-smoke "${adds[@]}" \
		--test "bench_sha256 64" --test "bench_images ${args[*]}" >/dev/null
	log=$(run images "" "$OUT/images.cpio.gz")
	echo "bench: declare a signed image -> first guest instruction:"
	grep -o 'bench: .*' "$log" | grep -v 'vm lifecycle' | sed 's/^bench: /bench:   /'
	val() { grep -o "bench: .*" "$log" | sed -n "s/$1/\1/p" | head -n1; }
	fast=$(val '.*SHA-256 fastest: \([0-9.]*\) MB\/s.*')
	hash1=$(val '.*hash 1 MiB, fastest: \([0-9]*\) us.*')
	longest=$(val '.*longest verification hypercall over all sizes: \([0-9]*\) us.*')
	v64=$(grep -o 'bench: .*' "$log" | awk '$2 == 65536 && $3 == "KiB" { print $6 }')
	[ -z "$v64" ] ||
		echo "bench: verify/sha256-fastest at 64 MiB: $(echo "scale=2; $v64 / ${fast:-1}" | bc)"
	echo "bench: longest EL2 call: ${longest:-?} us (hash 1 MiB: ${hash1:-?} us)"
	echo "bench: host RCU stall warnings during the image runs: $(grep -ci 'rcu.*stall' "$log" || true)"
	if [[ " ${SIZES_KIB[*]} " = *" 65536 "* ]]; then
		bash "$ROOT/scripts/build-initramfs.sh" -o "$OUT/images-c.cpio.gz" --no-smoke "${adds[@]}" \
			--test "bench_images /bench/image-65536.bin /bench/image-65536.bin.sig" >/dev/null
		log=$(run images-c "kvm-arm.bootops_sha256=c" "$OUT/images-c.cpio.gz")
		echo "bench: the 64 MiB image with hyp hashing in C (kvm-arm.bootops_sha256=c):"
		grep -o 'bench: .*KiB.*' "$log" | sed 's/^bench: /bench:   /'
	fi
fi

# 3. Guest memory touch.
if [[ " $SECTIONS " = *" 3 "* ]]; then
	bash "$ROOT/scripts/build-initramfs.sh" -o "$OUT/memory.cpio.gz" --no-smoke "${adds[@]}" \
		--test "bench_memory /bench/touch.bin /bench/touch.sig ${PAGES:-4096}" >/dev/null
	log=$(run memory "" "$OUT/memory.cpio.gz")
	echo "bench: guest memory touch, verified VMs (hyp's stage 2; shared or private memory) against a plain VM:"
	grep -o 'bench: memory.*' "$log" | sed 's/^bench: memory /bench:   /'
fi

# 4. Attestation, as the guest sees it.
if [[ " $SECTIONS " = *" 4 "* ]]; then
	att=(--add "$BUILD/vmm/bootops-vmm:/tests/bootops-vmm"
	     --add "$BUILD/vmm/attest.bin:/bench/attest.bin"
	     --add "$BUILD/vmm/m-att.man:/bench/m-att.man")
	for r in $(seq 1 "${ATTESTS:-5}"); do
		att+=(--test "bootops-vmm --mem 2M@$LOAD_ADDR --manifest /bench/m-att.man --image /bench/attest.bin@$LOAD_ADDR --expect-output attest-ticks")
	done
	bash "$ROOT/scripts/build-initramfs.sh" -o "$OUT/attest.cpio.gz" --no-smoke "${att[@]}" >/dev/null
	log=$(run attest "" "$OUT/attest.cpio.gz")
	# "attest-ticks A P F" in hex: microseconds of the call and of PSCI_VERSION.
	us=$(grep -oE 'attest-ticks( [0-9a-f]{16}){3}' "$log" | while read -r _ a p f; do
		echo "$(( 16#$a * 1000000 / 16#$f )) $(( 16#$p * 1000000 / 16#$f ))"
	done)
	n=$(echo "$us" | grep -c . || true)
	a=$(echo "$us" | awk '{ print $1 }' | sort -n | sed -n "$(( (n + 1) / 2 ))p")
	p=$(echo "$us" | awk '{ print $2 }' | sort -n | sed -n "$(( (n + 1) / 2 ))p")
	echo "bench: attestation call, as a verified guest sees it ($n runs, medians):"
	echo "bench:   report over HVC ${a:-?} us; PSCI_VERSION (the host answers) ${p:-?} us;" \
		"ratio $( [ -n "$a" ] && [ "${p:-0}" != 0 ] && echo "scale=1; $a / $p" | bc || echo '?')"
fi

# 5. The host's block I/O through the SMMU, with and without boot ops.
if [[ " $SECTIONS " = *" 5 "* ]]; then
	bash "$ROOT/scripts/build-initramfs.sh" -o "$OUT/disk.cpio.gz" --no-smoke \
		--add "$OUT/bench_disk:/tests/bench_disk" \
		--test "bench_disk /dev/vda ${DISK_MIB:-32} 3" >/dev/null
	BENCH_DISK="$OUT/disk.img"
	rm -f "$BENCH_DISK"
	truncate -s "$(( ${DISK_MIB:-32} + 1 ))M" "$BENCH_DISK"
	# The best of the 3 passes each way, in a boot; rounds alternate.
	best() { grep -o "bench: disk round.*" "$1" | awk -v f="$2" '{ v = $f + 0; if (v > m) m = v } END { print m }'; }
	median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
	wons=() woffs=() rons=() roffs=()
	echo "bench: host disk I/O through the SMMU (${DISK_MIB:-32} MiB O_DIRECT passes, 1 MiB requests," \
		"${ROUNDS:-5} boots each way, alternating):"
	for r in $(seq 1 "${ROUNDS:-5}"); do
		on=$(run disk-on-$r "" "$OUT/disk.cpio.gz")
		off=$(run disk-off-$r "kvm-arm.bootops=off" "$OUT/disk.cpio.gz")
		wons+=("$(best "$on" 6)") rons+=("$(best "$on" 9)")
		woffs+=("$(best "$off" 6)") roffs+=("$(best "$off" 9)")
		echo "bench:   round $r: hyp's SMMU write ${wons[-1]} read ${rons[-1]} MB/s;" \
			"bypass (bootops=off) write ${woffs[-1]} read ${roffs[-1]} MB/s"
	done
	w1=$(median "${wons[@]}") w0=$(median "${woffs[@]}")
	r1=$(median "${rons[@]}") r0=$(median "${roffs[@]}")
	echo "bench:   medians: write $w1 against $w0 MB/s, ratio $(echo "scale=3; $w1 / $w0" | bc);" \
		"read $r1 against $r0 MB/s, ratio $(echo "scale=3; $r1 / $r0" | bc)"
	BENCH_DISK=
fi

# 6. QEMU as the VMM: start to /init, verified against plain.
if [[ " $SECTIONS " = *" 6 "* ]]; then
	bash "$ROOT/scripts/build-qemu-tests.sh" >/dev/null
	mapfile -t qemu_args < <(grep -v -e '^--test$' -e 'qemu_guests.sh' "$BUILD/qemu-tests/initramfs-args.txt")
	bash "$ROOT/scripts/build-initramfs.sh" -o "$OUT/qemu.cpio.gz" --no-smoke "${qemu_args[@]}" \
		--add "$ROOT/selftests/qemu/bench_qemu.sh:/tests/qemu/bench_qemu.sh" \
		--test "../bin/busybox sh /tests/qemu/bench_qemu.sh /tests/qemu ${QEMU_ROUNDS:-5}" >/dev/null
	log=$(run qemu "" "$OUT/qemu.cpio.gz")
	echo "bench: QEMU as the VMM, a Linux guest from QEMU's start to its /init:"
	grep -oE 'bench: qemu .*' "$log" | sed 's/^bench: qemu /bench:   /'
fi
