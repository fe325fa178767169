#!/bin/sh
# QEMU as the VMM, on the running bootops kernel (run by /init in the
# emulated host, under Debian's busybox sh):
#   - Debian's unmodified arm64 QEMU runs a plain Linux guest with a disk;
#   - the patched QEMU (patches/qemu/) runs signed Linux guests: the owner
#     signs what "prepare=" writes, the guest writes a file to its disk;
#   - a tampered kernel, initrd or DTB, or a DTB QEMU would have to patch:
#     QEMU exits non-zero naming the image, and the guest never runs;
#   - private memory boots to init (console over MMIO only).
# The guests' disk is the outer machine's GUEST_DISK, the virtio disk at
# PCI 00:04.0 (an ext2 image the outer script reads back after the run);
# each guest writes its own file.
#
#   qemu_guests.sh DIR     DIR: the test files (build/qemu-tests/)
# Option lists (COMMON, DISK, $(vcon ...), sign-args) split into words on
# purpose; busybox sh has local.
# shellcheck disable=SC2046,SC3043
set -u
D=${1:?usage: qemu_guests.sh DIR}
. "$D/qemu_env.sh"
W=/tmp/qemu-guests
rm -rf $W
mkdir -p $W
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; failed=$((failed + 1)); }

blk=$(ls /sys/bus/pci/devices/0000:00:04.0/virtio*/block 2>/dev/null)
[ -n "$blk" ] || { echo "# no guest disk at PCI 00:04.0 (GUEST_DISK)"; exit 1; }
DISK="-drive if=none,id=d0,file=/dev/$blk,format=raw,cache=none
	-device virtio-blk-pci,drive=d0"
# vcon NAME: a virtio console whose output lands in $W/NAME.vcon
vcon() {
	echo "-device virtio-serial-pci -device virtconsole,chardev=vc0
		-chardev file,id=vc0,path=$W/$1.vcon"
}

# run NAME QEMU ARGS...: run QEMU, keep its output in $W/NAME.out and its
# exit status in $W/NAME.rc; print the time it took.
run() {
	local name=$1 t0 t1
	shift
	# The command as one would type it: arguments with blanks quoted.
	printf '# $'
	for a in "$@"; do
		case "$a" in
		*[[:space:]]*) printf " '%s'" "$(echo "$a" | tr -s ' \t\n' '   ')" ;;
		*) printf ' %s' "$a" ;;
		esac
	done
	echo
	t0=$(cat /proc/uptime)
	timeout 240 "$@" >"$W/$name.out" 2>&1 </dev/null
	echo $? >"$W/$name.rc"
	t1=$(cat /proc/uptime)
	echo "# $name: exit $(cat "$W/$name.rc") after $(awk -v a="${t0%% *}" -v b="${t1%% *}" \
		'BEGIN { printf "%.1f", b - a }') s"
}

show() {	# the output of run NAME, as TAP diagnostics
	sed 's/^/#   /' "$W/$1.out" | tail -n "${2:-12}"
}

booted() {	# NAME [DISKFILE]: exit 0, hello, powered off, file written
	[ "$(cat "$W/$1.rc")" = 0 ] &&
		grep -q "hello from a verified Linux guest" "$W/$1.out" &&
		grep -q "powering off" "$W/$1.out" &&
		{ [ -z "${2:-}" ] || grep -q "guest: wrote /dev/vda:/$2" "$W/$1.out"; }
}

# point NAME DESCRIPTION CHECK...: a test point, ok if CHECK holds; else
# the output of run NAME follows it.
point() {
	local name=$1 what=$2
	shift 2
	if "$@"; then
		ok "$what"
	else
		not_ok "$what"
		show "$name"
	fi
}

# An SMP guest booted, wrote FILE (if given) and said hello on the virtio
# console (VCON=1).
smp_booted() {	# NAME [FILE]
	booted "$@" && grep -q "cpus-online=0-1" "$W/$1.out" &&
		{ [ -z "${VCON:-}" ] || grep -q "hello over virtio-console" "$W/$1.vcon"; }
}

refused() {	# NAME PATTERN: exit non-zero, PATTERN said, guest never ran
	[ "$(cat "$W/$1.rc")" != 0 ] &&
		grep -q -e "$2" "$W/$1.out" &&
		! grep -q "Booting Linux\|hello from" "$W/$1.out" &&
		grep "bootops: " "$W/$1.out" | grep -v "info: bootops" | sed 's/^/#   /'
}

# prepare NAME ARGS...: the owner's step, done here for the test: QEMU
# writes the images it would load and bootops-sign signs them with the
# owner's manifest key 1 (extra bootops-sign options in $SIGN_OPTS).
prepare() {
	local name=$1
	shift
	run "$name-prepare" $QEMU "$@" -object "bootops-guest,id=b0,prepare=$W/$name" \
		$BOOTOPS &&
	show "$name-prepare" 3
	echo "# \$ bootops-sign manifest --key $KEY --key-id 1 --secver $SECVER ${SIGN_OPTS:-}" \
		"\$(cat $W/$name/sign-args) $W/$name/manifest"
	sign_prepared "$W/$name" ${SIGN_OPTS:-} 2>&1 | head -n 2 | sed 's/^/# sign: /'
}

# --- 1. Debian's QEMU, unmodified: a plain guest on the bootops kernel ---------
run stock $STOCK -machine $MACHINE $COMMON -smp 2 -kernel "$D/Image" \
	-initrd "$D/initramfs.cpio.gz" -append "$APPEND guest.disk=stock.txt" $DISK $(vcon stock)
VCON=1 point stock "Debian's QEMU runs a plain Linux guest, 2 vCPUs, with a virtio disk and console" \
	smp_booted stock stock.txt

# --- 2. the patched QEMU: the owner's signed guest -------------------------------
SIGNED="$COMMON -smp 2 -kernel $D/Image -initrd $D/initramfs.cpio.gz"
prepare signed $SIGNED -append "$SAPPEND guest.disk=signed.txt" $DISK $(vcon signed)
ls "$W/signed" | sed 's/^/# prepared: /'
DTB=$(ls "$W"/signed/*-dtb)
MANIFEST="bootops-guest,id=b0,manifest=$W/signed/manifest"
run signed $QEMU $BOOTOPS $SIGNED -append "$SAPPEND guest.disk=signed.txt" -dtb "$DTB" \
	$DISK $(vcon signed) -object "$MANIFEST"
VCON=1 point signed "patched QEMU runs the owner's signed Linux guest, 2 vCPUs, with a virtio disk and console" \
	smp_booted signed signed.txt

# --- 3. what a hostile host may change: each refused, by name --------------------
# tampered NAME KERNEL INITRD [APPEND...]: the signed guest's manifest, with
# a kernel, an initrd or a command line (so a DTB) of the host's.
tampered() {
	local name=$1 kernel=$2 initrd=$3
	shift 3
	run "$name" $QEMU $BOOTOPS $COMMON -smp 2 -kernel "$kernel" -initrd "$initrd" \
		-append "$SAPPEND guest.disk=signed.txt $*" $DISK -object "$MANIFEST"
}
flip() {	# flip FILE OFFSET: a copy in $W with one byte changed
	cp "$1" "$W/$(basename "$1").tampered"
	printf 'X' | dd of="$W/$(basename "$1").tampered" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
SIGNED_BY="at 0x[0-9a-f]* .* is not what its owner signed"
flip "$D/Image" 65536
tampered tampered-kernel "$W/Image.tampered" "$D/initramfs.cpio.gz"
point tampered-kernel "a tampered kernel: QEMU exits non-zero naming it, the guest never runs" \
	refused tampered-kernel "image [0-9] 'Image.tampered' $SIGNED_BY"
flip "$D/initramfs.cpio.gz" 100
tampered tampered-initrd "$D/Image" "$W/initramfs.cpio.gz.tampered"
point tampered-initrd "a tampered initrd: QEMU exits non-zero naming it, the guest never runs" \
	refused tampered-initrd "image [0-9] 'initramfs.cpio.gz.tampered' $SIGNED_BY"
# The host changes the kernel command line: QEMU's DTB is not the signed one.
tampered tampered-dtb "$D/Image" "$D/initramfs.cpio.gz" init=/bin/sh
point tampered-dtb "a DTB with another command line: QEMU exits non-zero naming it, the guest never runs" \
	refused tampered-dtb "image [0-9] 'dtb' $SIGNED_BY"
# The signed DTB, with options under which QEMU would have to patch it.
run patched-dtb $QEMU $BOOTOPS $SIGNED -append "$SAPPEND guest.disk=other.txt" -dtb "$DTB" \
	$DISK -object "$MANIFEST"
point patched-dtb "a -dtb QEMU would have to patch: refused before the VM runs" \
	refused patched-dtb "-dtb .*QEMU would have to patch it"

# A verified VM cannot be reset in place, nor migrated: QEMU shuts it down
# at the guest's reset (instead of writing a reset state hyp would refuse),
# and refuses to start where every VM must be migratable.
prepare reboot $SIGNED -append "$SAPPEND guest.reboot=1"
run reboot $QEMU $BOOTOPS $SIGNED -append "$SAPPEND guest.reboot=1" \
	-object "bootops-guest,id=b0,manifest=$W/reboot/manifest"
reset_is_shutdown() {
	[ "$(cat $W/reboot.rc)" = 0 ] && grep -q "guest: rebooting" $W/reboot.out &&
		[ "$(grep -c "Booting Linux" $W/reboot.out)" = 1 ]
}
point reboot "the guest's reset shuts the verified VM down (QEMU exits 0, it never boots again)" \
	reset_is_shutdown
run migratable $QEMU $BOOTOPS $SIGNED -append "$SAPPEND guest.disk=signed.txt" -only-migratable \
	-object "$MANIFEST"
point migratable "-only-migratable: refused, a verified VM cannot migrate" \
	refused migratable "cannot block migration"

# --- 4. private memory: the guest's RAM is its own -------------------------------
# signed_guest NAME KERNEL INITRD APPEND [PRIVATE]: prepare, sign, run.
signed_guest() {
	local name=$1 kernel=$2 initrd=$3 append=$4 priv=${5:-} disk=$DISK opts=
	[ -n "$priv" ] && { disk=''; opts=,private-mem=on; }
	ARGS="$COMMON -smp 2 -kernel $kernel -initrd $initrd"
	SIGN_OPTS=${priv:+--private-mem} prepare "$name" $ARGS -append "$append" $disk
	run "$name" $QEMU $BOOTOPS $ARGS -append "$append" $disk \
		-object "bootops-guest,id=b0,manifest=$W/$name/manifest$opts"
}
signed_guest private "$D/Image" "$D/initramfs.cpio.gz" "$SAPPEND" private
point private "patched QEMU runs a signed guest with private memory, 2 vCPUs, to its init" \
	smp_booted private

# --- 5. Debian's kernel, signed by its owner --------------------------------------
signed_guest debian "$D/vmlinuz-debian" "$D/initramfs-debian.cpio.gz" "$SAPPEND guest.disk=debian.txt"
point debian "patched QEMU runs Debian's kernel, signed, 2 vCPUs, with a virtio disk" \
	smp_booted debian debian.txt
grep -m1 "Linux version" "$W/debian.out" | sed 's/^/#   /'
signed_guest debian-private "$D/vmlinuz-debian" "$D/initramfs.cpio.gz" "$SAPPEND" private
point debian-private "patched QEMU runs Debian's kernel, signed, with private memory to its init" \
	booted debian-private

echo "# $n tests, $failed failed"
sync
[ $failed = 0 ]
