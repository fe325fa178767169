# Sourced by qemu_guests.sh and bench_qemu.sh (busybox sh, in the emulated
# host): the tools, the guest machine every run shares, and the owner's
# signing step.  $D is the test files' directory (build/qemu-tests/files).
# busybox sh has local.
# shellcheck shell=sh disable=SC2034,SC3043
BB=/bin/busybox
$BB mkdir -p /usr/bin /usr/sbin /sbin /tmp
$BB --install -s
STOCK=/usr/bin/qemu-system-aarch64
QEMU=/usr/local/bin/qemu-system-aarch64
SIGN=/usr/local/bin/bootops-sign
KEY=$D/manifest-1.pem
# Above any minimum hyp holds for key 1 (make e2e's command line and
# bootops_manifest raise it), never raising it.
SECVER=1000

# What every guest gets: one vCPU model (-cpu host: KVM), the virt
# machine's GICv3 and PL011, no defaults, no firmware.
MACHINE="virt,gic-version=3"
BOOTOPS="-machine $MACHINE,confidential-guest-support=b0"
COMMON="-accel kvm -cpu host -m 256 -nodefaults -no-user-config -display none
	-serial stdio -monitor none"
APPEND="console=ttyAMA0 rdinit=/init panic=-1"
# A verified guest's images are its own, not the host's, also once its
# kernel frees them (the initrd, __init): device buffers must come from
# memory the host can reach, as in any confidential guest.  Sized: below
# 4 GiB of RAM arm64 shrinks the default to a few MiB.
SAPPEND="$APPEND swiotlb=8192,force"

# sign_prepared DIR [OPTIONS...]: the owner signs what QEMU's prepare=DIR
# wrote, with manifest key 1, into DIR/manifest.
sign_prepared() {
	local dir=$1
	shift
	# shellcheck disable=SC2046	# sign-args: one argument per line
	$SIGN manifest --key "$KEY" --key-id 1 --secver $SECVER "$@" $(cat "$dir/sign-args") \
		"$dir/manifest"
}
