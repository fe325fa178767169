#!/usr/bin/env bash
# Build the upstream KVM selftests of the (patched) 6.12 tree for arm64,
# statically, and pack them with our init + kvm_smoke into a test initramfs.
#
#   scripts/kernel-selftests.sh [--run] [--cpu MODEL]... [-o OUT] [TEST...]
#
#   TEST...        selftests to include, relative to tools/testing/selftests/kvm
#                  (default: the list below)
#   -o OUT         initramfs to write (default build/initramfs-kselftests.cpio.gz)
#   --run          boot it with scripts/run-qemu.sh, once per --cpu
#   --cpu MODEL    CPU model(s) for --run (default: max, then cortex-a57)
#
# Needs scripts/build-kernel.sh to have run (source tree + uapi headers;
# headers are (re)installed here).  Objects go to build/kvm-selftests/.
# Environment: JOBS (default nproc), TIMEOUT (QEMU overall, default 3000).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
SRC="$BUILD/linux-6.12"
OUTDIR="$BUILD/kvm-selftests"
BINDIR="$BUILD/kvm-selftests-bin"	# stripped copies for the initramfs
HDR="$BUILD/kernel-headers"
OUT="$BUILD/initramfs-kselftests.cpio.gz"
JOBS=${JOBS:-$(nproc)}

# Every arm64 KVM selftest of 6.12 (TEST_GEN_PROGS_aarch64) but one, and
# ours.  Not run: aarch64/page_fault_test, which on vanilla pKVM 6.12 under
# TCG too prints its seed and then nothing for the whole 240-300 s timeout
# (CONFIG_USERFAULTFD is set, so it can be run by hand).  Two skip on
# their own: access_tracking_perf_test (no CONFIG_IDLE_PAGE_TRACKING) and
# aarch64/aarch32_id_regs (-cpu max has no AArch32 EL1).
DEFAULT_TESTS=(
	kvm_create_max_vcpus
	kvm_binary_stats_test
	set_memory_region_test
	guest_print_test
	steal_time
	coalesced_io_test
	get-reg-list
	access_tracking_perf_test
	arch_timer
	demand_paging_test
	dirty_log_test
	dirty_log_perf_test
	kvm_page_table_test
	memslot_modification_stress_test
	memslot_perf_test
	rseq_test
	aarch64/aarch32_id_regs
	aarch64/arch_timer_edge_cases
	aarch64/debug-exceptions
	aarch64/hypercalls
	aarch64/no-vgic-v3
	aarch64/psci_test
	aarch64/set_id_regs
	aarch64/smccc_filter
	aarch64/vcpu_width_config
	aarch64/vgic_init
	aarch64/vgic_irq
	aarch64/vgic_lpi_stress
	aarch64/vpmu_counter_access
	aarch64/bootops_test
)

# Sizes and margins that fit TCG: with their defaults these fail or run
# past the per-test timeout on vanilla pKVM 6.12 too (arch_timer: a timer
# interrupt later than its 100 us margin; memslot_perf_test: the RW test
# (5) trips its own alarm; dirty_log*: 1 GiB of guest memory by default;
# dirty_log_test took 234 of its 300 s with a 64k-entry dirty ring, 181 s
# with 1024 entries on a busy machine).
declare -A TEST_ARGS=(
	[arch_timer]="-e 100000 -m 0"
	[demand_paging_test]="-b 16M -m 6"
	[dirty_log_perf_test]="-b 64M"
	[dirty_log_test]="-i 3 -m 6 -c 1024"
	[kvm_page_table_test]="-b 16M -m 6"
	[memslot_modification_stress_test]="-i 10 -b 16M -m 6"
	[memslot_perf_test]="-s 128 -l 1 -e 4"
	[rseq_test]="-u"
)

# Tests that fail on vanilla pKVM 6.12 under QEMU TCG as well (same
# kernel without the series, kvm-arm.mode=protected), with the reason:
# /init reports them as TAP TODO, so that only a new failure fails e2e.
declare -A KNOWN_FAILURES=(
	[aarch64/arch_timer_edge_cases]="timer edges are late under TCG (arch_timer_edge_cases.c:169 or :480)"
	[aarch64/set_id_regs]="pKVM's writable ID register masks lack bits the test writes (set_id_regs.c:434)"
	[aarch64/vgic_init]="KVM_RUN with too few redistributors is not refused with E2BIG under pKVM (vgic_init.c:178)"
)
# Kernel warnings a test may leave, tolerated only while that test runs and
# reported with the reason (selftests/qemu/init.c); any other fails "kernel
# log clean".  debug-exceptions, a plain VM: now and then KVM's own
# user_mem_abort() finds no running vCPU in mark_page_dirty_in_slot()
# (kvm_main.c:3668) under TCG; seen in 2 of about 6 CI runs on -cpu max
# (stop 23, and session 25), never in boot-ops code.  Cause not yet found.
declare -A KNOWN_WARNINGS=(
	[aarch64/debug-exceptions]="intermittent WARN in mark_page_dirty_in_slot (no running vCPU) from KVM's user_mem_abort under TCG; cause not yet found"
)

run=0
cpus=()
tests=()
while [ $# -gt 0 ]; do
	case "$1" in
	--run) run=1 ;;
	--cpu) cpus+=("$2"); shift ;;
	-o) OUT=$(realpath -m "$2"); shift ;;
	-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	-*) echo "kselftests: unknown option $1" >&2; exit 2 ;;
	*) tests+=("$1") ;;
	esac
	shift
done
[ ${#tests[@]} -gt 0 ] || tests=("${DEFAULT_TESTS[@]}")
[ ${#cpus[@]} -gt 0 ] || cpus=(max cortex-a57)

T0=$(date +%s)
log() { echo "kselftests: $* [$(($(date +%s) - T0))s]"; }
die() { echo "kselftests: ERROR: $*" >&2; exit 1; }

# Source tree (patched) + uapi headers of the kernel we boot.
"$ROOT/scripts/build-kernel.sh" --headers-only

log "building ${#tests[@]} KVM selftests (log: build/kvm-selftests.log)"
mkdir -p "$OUTDIR/tools"	# the arm64 sysreg header generator wants it
targets=()
for t in "${tests[@]}"; do targets+=("$OUTDIR/$t"); done
# OUTPUT/abs_objdir keep every generated file out of the source tree;
# KHDR_INCLUDES points at the headers_install output.
if ! make -C "$SRC/tools/testing/selftests/kvm" -j"$JOBS" \
	ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
	"CC=ccache aarch64-linux-gnu-gcc" \
	OUTPUT="$OUTDIR" abs_objdir="$OUTDIR" \
	KHDR_INCLUDES="-isystem $HDR/include" \
	EXTRA_CFLAGS=-static \
	"${targets[@]}" >"$BUILD/kvm-selftests.log" 2>&1; then
	grep -E -m30 'error|Error' "$BUILD/kvm-selftests.log" >&2 ||
		tail -n30 "$BUILD/kvm-selftests.log" >&2
	die "selftests build failed (build/kvm-selftests.log)"
fi

rm -rf "$BINDIR"
args=()
for t in "${tests[@]}"; do
	mkdir -p "$BINDIR/$(dirname "$t")"
	if command -v file >/dev/null &&
		! file "$OUTDIR/$t" | grep -q 'statically linked'; then
		die "$t is not statically linked"
	fi
	aarch64-linux-gnu-strip -o "$BINDIR/$t" "$OUTDIR/$t"
	line="$t${TEST_ARGS[$t]:+ ${TEST_ARGS[$t]}}"
	line+="${KNOWN_WARNINGS[$t]:+ #known-warning ${KNOWN_WARNINGS[$t]}}"
	line+="${KNOWN_FAILURES[$t]:+ #known-failure ${KNOWN_FAILURES[$t]}}"
	args+=(--add "$BINDIR/$t:/tests/$t" --test "$line")
done
log "built and stripped into build/kvm-selftests-bin/"

# bootops-vmm, the hello guest, its signed fixtures and bootops_images
"$ROOT/scripts/build-vmm.sh"
mapfile -t vmm_args <"$BUILD/vmm/initramfs-args.txt"
args+=("${vmm_args[@]}")

# A signed Linux guest (Image + DTB + initramfs) and a tampered initramfs
"$ROOT/scripts/build-linux-guest.sh"
mapfile -t linux_args <"$BUILD/linuxguest/initramfs-args.txt"
args+=("${linux_args[@]}")

# The EL1 hypercall self-test (debugfs), relayed as one test.
aarch64-linux-gnu-gcc -static -O2 -Wall -Werror -o "$BINDIR/bootops_hcalls" \
	"$ROOT/selftests/qemu/bootops_hcalls.c"
args+=(--add "$BINDIR/bootops_hcalls:/tests/bootops_hcalls" --test bootops_hcalls)
# Hyp's self-test of a verified vCPU's exit protocol (bootops-vcpu.c).
args+=(--test "bootops_hcalls /sys/kernel/debug/kvm-bootops-vcpu/selftest")
# The manifest hypercalls as a hostile host makes them, two CPUs racing included.
args+=(--test "bootops_hcalls /sys/kernel/debug/kvm-bootops-manifest/selftest")

# The host's own disk behind hyp's SMMU, and hostile DMA at hyp's pages
# by a device the host controls (bootops-dma.c).
aarch64-linux-gnu-gcc -static -O2 -Wall -Werror -o "$BINDIR/bootops_disk" \
	"$ROOT/selftests/qemu/bootops_disk.c"
DISK_TEXT=given-to-the-bootops-host	# one word: /init splits a test's arguments at blanks
args+=(--add "$BINDIR/bootops_disk:/tests/bootops_disk"
       --test "bootops_disk /dev/vda $DISK_TEXT")
args+=(--test "bootops_hcalls /sys/kernel/debug/kvm-bootops-dma/selftest")

# QEMU as the VMM: Debian's own and the patched one (patches/qemu/), their
# guests writing to the disk at 00:04.0 (selftests/qemu/qemu_guests.sh).
"$ROOT/scripts/build-qemu-tests.sh"
mapfile -t qemu_args <"$BUILD/qemu-tests/initramfs-args.txt"
args+=("${qemu_args[@]}")

"$ROOT/scripts/build-initramfs.sh" -o "$OUT" "${args[@]}" | grep -v ': added '
log "initramfs ready: ${OUT#"$ROOT"/}"

[ "$run" = 1 ] || exit 0

# QEMU before 8.1 implements TLBI VAE2IS for the EL2 regime only, not for
# EL2&0, which hyp runs in under hVHE (-cpu max): bootops_images checks that
# hyp's init probe finds exactly that.
qemu_ver=$(qemu-system-aarch64 --version | sed -n '1s/.*version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
read -r qmaj qmin <<<"$qemu_ver"
tlbi_quirk() {
	[ "$1" = max ] && { [ "$qmaj" -lt 8 ] || { [ "$qmaj" -eq 8 ] && [ "$qmin" -lt 1 ]; }; } &&
		echo 1 || echo 0
}

# A failed run's kernel-log trouble, repeated last: CI shows a log's tail.
show_bad_lines() {
	grep -n -A12 -E 'BUG:|WARNING:|Oops|Kernel panic|Internal error|hyp panic|Unable to handle|INFO: task|rcu: INFO|self-detected stall' "$1" |
		head -80 | sed 's/^/kselftests: log: /' || true
}

# An ext2 image with one file for the host to read; it writes another.
make_disk() {
	local stage="$BUILD/disk-root"

	rm -rf "$stage" "$1"
	mkdir -p "$stage"
	echo "$DISK_TEXT" >"$stage/given.txt"
	mke2fs -q -t ext2 -d "$stage" "$1" 8M
}

# Each QEMU guest's file is on its disk after the run.
check_guest_disk() {
	local f bad=0

	for f in stock.txt signed.txt debian.txt; do
		if /sbin/debugfs -R "cat /$f" "$1" 2>/dev/null | grep -q "written by the guest's kernel"; then
			echo "$2: /$f: $(/sbin/debugfs -R "cat /$f" "$1" 2>/dev/null)"
		else
			echo "$2: FAIL: no /$f on the guests' disk image"
			bad=1
		fi
	done
	return $bad
}

# What the host wrote through the SMMU is on the disk after the run.
check_disk() {
	if /sbin/debugfs -R "cat /from-host.txt" "$1" 2>/dev/null | grep -q "through hyp's SMMU"; then
		echo "$2: the host's file is on the disk image"
	else
		echo "$2: FAIL: no /from-host.txt on the disk image"
		return 1
	fi
}

rc=0
for cpu in "${cpus[@]}"; do
	log "running on cpu=$cpu"
	start=$(date +%s)
	# Both CPU models have the SHA-256 instructions: on cortex-a57 hyp
	# hashes in C, so that each of hyp's two SHA-256 paths verifies
	# every image of the run on one of the models.
	# -cpu max says kvm-arm.bootops=on, which must leave boot ops on.
	append=kvm-arm.bootops=on
	[ "$cpu" = cortex-a57 ] && append=kvm-arm.bootops_sha256=c
	# Rollback minimum of manifest key 1 (bootops_manifest checks it).
	append+=" kvm-arm.bootops_secver=1:3"
	append+=" bootops.tlbi_quirk=$(tlbi_quirk "$cpu")"
	# 2 GiB: dirty_log_test maps 1 GiB of guest memory whatever its -m.
	disk="$BUILD/disk-$cpu.img"
	make_disk "$disk"
	guest_disk="$BUILD/guest-disk-$cpu.img"
	cp "$BUILD/qemu-tests/guest-disk.img" "$guest_disk"
	if DISK="$disk" GUEST_DISK="$guest_disk" INITRD="$OUT" CPU="$cpu" MEM=2G TIMEOUT="${TIMEOUT:-3000}" APPEND="$append" \
		LOG="$BUILD/qemu-kselftests-$cpu.log" "$ROOT/scripts/run-qemu.sh"; then
		res=PASS
	else
		res=FAIL
		rc=1
	fi
	echo "kselftests: cpu=$cpu: $res in $(($(date +%s) - start)) s"
	[ $res = PASS ] || show_bad_lines "$BUILD/qemu-kselftests-$cpu.log"
	check_disk "$disk" "kselftests: cpu=$cpu: disk" || rc=1
	check_guest_disk "$guest_disk" "kselftests: cpu=$cpu: guests' disk" || rc=1
	# The guests' attestation reports, verified here as a remote party would.
	if grep -q '^bootops_attest$' <(printf '%s\n' "${vmm_args[@]}"); then
		bash "$ROOT/scripts/verify-attest.sh" "$BUILD/qemu-kselftests-$cpu.log" \
			"kselftests: cpu=$cpu: attest" || rc=1
	fi
	grep -E '^# \[[0-9]+\] .*: [0-9.]+ s$' "$BUILD/qemu-kselftests-$cpu.log" |
		sed 's/^# \[[0-9]*\] /kselftests:   /' || true
done
# kvm-arm.bootops=off: nothing registered at hyp, plain VMs still run.
OFF="$BUILD/initramfs-bootops-off.cpio.gz"
"$ROOT/scripts/build-initramfs.sh" -o "$OFF" --no-smoke \
	--add "$BUILD/vmm/bootops_off:/tests/bootops_off" \
	--add "$BUILD/vmm/hello.bin:/tests/vmm/hello.bin" --test bootops_off | grep -v ': added '
log "running on cpu=max with kvm-arm.bootops=off"
start=$(date +%s)
if INITRD="$OFF" CPU=max TIMEOUT=300 APPEND=kvm-arm.bootops=off \
	LOG="$BUILD/qemu-kselftests-bootops-off.log" "$ROOT/scripts/run-qemu.sh"; then
	res=PASS
else
	res=FAIL
	rc=1
fi
echo "kselftests: cpu=max kvm-arm.bootops=off: $res in $(($(date +%s) - start)) s"
[ $res = PASS ] || show_bad_lines "$BUILD/qemu-kselftests-bootops-off.log"
# Repeat each failed run's verdict last, where a cut log still shows it.
for cpu in "${cpus[@]}"; do
	grep -E '^not ok' "$BUILD/qemu-kselftests-$cpu.log" | grep -v '# TODO' |
		sed "s/^/kselftests: cpu=$cpu: /" || true
	grep -qE '^not ok .*kernel log clean' "$BUILD/qemu-kselftests-$cpu.log" &&
		show_bad_lines "$BUILD/qemu-kselftests-$cpu.log"
done
exit $rc
