#!/usr/bin/env bash
# Boot build/Image + the test initramfs under QEMU (TCG), in pKVM protected
# mode, and check the result.
#
#   scripts/run-qemu.sh [--cpu MODEL] [--timeout SECONDS] [--append "ARGS"]
#                       [--initrd FILE] [--kernel FILE] [--mode MODE]
#                       [--log FILE] [--smp N] [--mem SIZE]
#
# Every option also has an environment variable: CPU (default max), TIMEOUT
# (default 600), APPEND, INITRD (default build/initramfs.cpio.gz), KERNEL
# (default build/Image), KVM_MODE (default protected), LOG (default
# build/qemu-<cpu>.log), SMP (default 2), MEM (default 1G), DISK (a raw disk
# image for a virtio-blk-pci disk, none by default), GUEST_DISK (a second
# one, 00:04.0, which the host's QEMU gives its guests), SMMU (default 1).
#
# The machine has QEMU's SMMUv3 (iommu=smmuv3), which hyp takes at init,
# and behind it, on the PCIe root bus, the devices whose DMA the tests
# aim: QEMU's edu (00:02.0, a DMA engine; its 28-bit DMA mask lifted)
# and, with DISK, the host's virtio disk (00:03.0; iommu_platform=on, else
# QEMU lets virtio bypass the SMMU).  SMMU=0 drops all three.
#
# Exit status: 0 when the boot log shows pKVM initialised and the test init
# printed "BOOTOPS-DONE rc=0"; 1 when tests failed; 2 on timeout, panic,
# missing pKVM init line or missing marker.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"

CPU=${CPU:-max}
TIMEOUT=${TIMEOUT:-600}
APPEND=${APPEND:-}
INITRD=${INITRD:-$BUILD/initramfs.cpio.gz}
KERNEL=${KERNEL:-$BUILD/Image}
KVM_MODE=${KVM_MODE:-protected}
SMP=${SMP:-2}
MEM=${MEM:-1G}
DISK=${DISK:-}
GUEST_DISK=${GUEST_DISK:-}
SMMU=${SMMU:-1}
LOG=${LOG:-}

while [ $# -gt 0 ]; do
	case "$1" in
	--cpu) CPU=$2; shift ;;
	--timeout) TIMEOUT=$2; shift ;;
	--append) APPEND="$APPEND $2"; shift ;;
	--initrd|--initramfs) INITRD=$2; shift ;;
	--kernel) KERNEL=$2; shift ;;
	--mode) KVM_MODE=$2; shift ;;
	--log) LOG=$2; shift ;;
	--smp) SMP=$2; shift ;;
	--mem) MEM=$2; shift ;;
	-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) echo "run-qemu: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
LOG=${LOG:-$BUILD/qemu-$CPU.log}

say() { echo "run-qemu: $*"; }
fail() { say "FAIL: $1"; exit "${2:-2}"; }

[ -f "$KERNEL" ] || fail "kernel $KERNEL missing (scripts/build-kernel.sh)"
[ -f "$INITRD" ] || fail "initramfs $INITRD missing (scripts/build-initramfs.sh)"
command -v qemu-system-aarch64 >/dev/null ||
	fail "qemu-system-aarch64 missing (scripts/install-deps.sh)"
mkdir -p "$(dirname "$LOG")"

# TCG on a loaded 2-core host runs a virtual CPU tens of times slower than
# hardware: a long EL2 slice or a guest's spin can keep one from an RCU
# quiescent state for over the kernel's 21 s, a stall report that is the
# emulator's, not the kernel's.  Two minutes still catches a real hang.
CMDLINE="console=ttyAMA0 kvm-arm.mode=$KVM_MODE panic=-1 rcupdate.rcu_cpu_stall_timeout=120"
APPEND=$(echo $APPEND)		# squeeze blanks
[ -z "$APPEND" ] || CMDLINE="$CMDLINE $APPEND"
MACHINE=virt,virtualization=on,gic-version=3
DEVICES=()
if [ "$SMMU" = 1 ]; then
	MACHINE+=,iommu=smmuv3
	DEVICES+=(-device edu,addr=0x2,dma_mask=0xffffffffffffffff)
	[ -z "$DISK" ] || DEVICES+=(-drive "if=none,id=disk0,file=$DISK,format=raw"
				  -device virtio-blk-pci,addr=0x3,drive=disk0,disable-legacy=on,iommu_platform=on)
	[ -z "$GUEST_DISK" ] || DEVICES+=(-drive "if=none,id=disk1,file=$GUEST_DISK,format=raw"
				  -device virtio-blk-pci,addr=0x4,drive=disk1,disable-legacy=on,iommu_platform=on)
fi
QEMU=(qemu-system-aarch64
      -M "$MACHINE"
      -cpu "$CPU" -smp "$SMP" -m "$MEM"
      -nographic -no-reboot -nic none
      -kernel "$KERNEL" -initrd "$INITRD"
      -append "$CMDLINE" "${DEVICES[@]}" ${QEMU_EXTRA:-})

say "cpu=$CPU smp=$SMP mem=$MEM smmu=$SMMU disk=${DISK:-none} guest-disk=${GUEST_DISK:-none} timeout=${TIMEOUT}s log=${LOG#"$ROOT"/}"
say "cmdline: $CMDLINE"
start=$(date +%s.%N)
set +e
# stdin from /dev/null: QEMU must not put the terminal into raw mode.
# sed drops the serial CRs so the log has plain lines.
timeout --foreground -k 10 "$TIMEOUT" "${QEMU[@]}" </dev/null 2>&1 |
	sed -u 's/\r$//' | tee "$LOG"
status=("${PIPESTATUS[@]}")
set -e
qemu_rc=${status[0]}
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
printf 'run-qemu: qemu exited with %s after %.1f s\n' "$qemu_rc" "$elapsed"

# --- verdict -------------------------------------------------------------------
[ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ] && fail "timeout after ${TIMEOUT}s"
grep -q 'Kernel panic' "$LOG" && fail "kernel panic (see ${LOG#"$ROOT"/})"
[ "$qemu_rc" = 0 ] || fail "qemu exited with status $qemu_rc"

# Exact 6.12 strings, arch/arm64/kvm/arm.c:kvm_arm_init():
#   "Protected nVHE mode initialized successfully"
#   "Protected hVHE mode initialized successfully"  (CPUs with VHE, e.g. max)
if [ "$KVM_MODE" = protected ]; then
	line=$(grep -oE 'Protected [nh]VHE mode initialized successfully' "$LOG" | head -n1 || true)
	[ -n "$line" ] || fail "no 'Protected nVHE/hVHE mode initialized successfully' in the boot log"
	say "pKVM: $line"
else
	line=$(grep -oE '(Hyp [nh]VHE |VHE )mode initialized successfully' "$LOG" | head -n1 || true)
	[ -n "$line" ] || fail "no KVM 'mode initialized successfully' line in the boot log"
	say "KVM: $line"
fi

summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOG" | tail -n1 || true)
if grep -qE 'BOOTOPS-DONE rc=0($|[^0-9])' "$LOG"; then
	say "PASS ($summary, cpu=$CPU)"
	exit 0
elif grep -q 'BOOTOPS-DONE rc=' "$LOG"; then
	grep -E '^not ok ' "$LOG" | sed 's/^/run-qemu:   /' || true
	fail "tests failed ($summary, cpu=$CPU)" 1
else
	fail "no BOOTOPS-DONE marker: init crashed or did not run"
fi
