#!/usr/bin/env bash
# Benchmarks (numbers, not tests).  Boots the patched kernel in QEMU twice,
# with boot ops on and with kvm-arm.bootops=off, and times VM create + vCPU
# create + first guest instruction + destroy; prints both and the ratio.
#
#   scripts/bench.sh [CYCLES]      (default 300; CPU=max|cortex-a57)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
CYCLES=${1:-300}
CPU=${CPU:-max}
INITRD="$BUILD/initramfs-bench.cpio.gz"

bash "$ROOT/scripts/build-kernel.sh" >/dev/null
bash "$ROOT/scripts/build-initramfs.sh" -o "$INITRD" --no-smoke \
	--test "kvm_smoke --bench $CYCLES" >/dev/null

mean_us() {	# $1: extra kernel command line; prints the mean in us
	local log="$BUILD/qemu-bench-$2.log"

	INITRD="$INITRD" CPU="$CPU" LOG="$log" APPEND="$1 bootops.dmesgcheck=0" \
		bash "$ROOT/scripts/run-qemu.sh" >/dev/null 2>&1 ||
		{ echo "bench: QEMU run failed, see ${log#"$ROOT"/}" >&2; exit 1; }
	grep -o 'bench: vm lifecycle:.*' "$log" | tail -n1 >&2
	grep -o 'mean [0-9]* us' "$log" | tail -n1 | awk '{print $2}'
}

echo "bench: cpu=$CPU, $CYCLES cycles each, QEMU TCG (absolute times are emulated)"
with=$(mean_us "" on)
without=$(mean_us "kvm-arm.bootops=off" off)
echo "bench: VM lifecycle with boot ops: $with us; without: $without us"
echo "bench: ratio with/without = $(echo "scale=3; $with / $without" | bc)"
