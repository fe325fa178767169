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
set -u
D=${1:?usage: qemu_guests.sh DIR}
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
W=/tmp/qemu-guests
rm -rf $W
mkdir -p $W
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; failed=$((failed + 1)); }

# What every guest gets: one vCPU model (-cpu host: KVM), the virt
# machine's GICv3 and PL011, no defaults, no firmware.
MACHINE="virt,gic-version=3"
COMMON="-accel kvm -cpu host -m 256 -nodefaults -no-user-config -display none
	-serial stdio -monitor none"
APPEND="console=ttyAMA0 rdinit=/init panic=-1"
# A verified guest's images are its own, not the host's, also once its
# kernel frees them (the initrd, __init): device buffers must come from
# memory the host can reach, as in any confidential guest.
SAPPEND="$APPEND swiotlb=8192,force"
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
		-machine "$MACHINE,confidential-guest-support=b0" &&
	show "$name-prepare" 3
	echo "# \$ bootops-sign manifest --key $KEY --key-id 1 --secver $SECVER ${SIGN_OPTS:-}" \
		"\$(cat $W/$name/sign-args) $W/$name/manifest"
	$SIGN manifest --key "$KEY" --key-id 1 --secver $SECVER ${SIGN_OPTS:-} $(cat "$W/$name/sign-args") \
		"$W/$name/manifest" 2>&1 | head -n 2 | sed 's/^/# sign: /' 
}

# --- 1. Debian's QEMU, unmodified: a plain guest on the bootops kernel ---------
run stock $STOCK -machine $MACHINE $COMMON -smp 2 -kernel "$D/Image" \
	-initrd "$D/initramfs.cpio.gz" -append "$APPEND guest.disk=stock.txt" $DISK $(vcon stock)
if booted stock stock.txt && grep -q "cpus-online=0-1" "$W/stock.out" &&
	grep -q "hello over virtio-console" "$W/stock.vcon"; then
	ok "Debian's QEMU runs a plain Linux guest, 2 vCPUs, with a virtio disk and console"
else
	not_ok "Debian's QEMU runs a plain Linux guest, 2 vCPUs, with a virtio disk and console"
	show stock
fi

# --- 2. the patched QEMU: the owner's signed guest -------------------------------
SIGNED="$COMMON -smp 2 -kernel $D/Image -initrd $D/initramfs.cpio.gz"
prepare signed $SIGNED -append "$SAPPEND guest.disk=signed.txt" $DISK $(vcon signed)
ls "$W/signed" | sed 's/^/# prepared: /'
DTB=$(ls "$W"/signed/*-dtb)
run signed $QEMU -machine "$MACHINE,confidential-guest-support=b0" $SIGNED \
	-append "$SAPPEND guest.disk=signed.txt" -dtb "$DTB" $DISK $(vcon signed) \
	-object "bootops-guest,id=b0,manifest=$W/signed/manifest"
if booted signed signed.txt && grep -q "cpus-online=0-1" "$W/signed.out" &&
	grep -q "hello over virtio-console" "$W/signed.vcon"; then
	ok "patched QEMU runs the owner's signed Linux guest, 2 vCPUs, with a virtio disk and console"
else
	not_ok "patched QEMU runs the owner's signed Linux guest, 2 vCPUs, with a virtio disk and console"
	show signed
fi

# --- 3. what a hostile host may change: each refused, by name --------------------
cp "$D/Image" $W/Image.tampered
printf 'X' | dd of=$W/Image.tampered bs=1 seek=65536 conv=notrunc 2>/dev/null
run tampered-kernel $QEMU -machine "$MACHINE,confidential-guest-support=b0" $COMMON -smp 2 \
	-kernel $W/Image.tampered -initrd "$D/initramfs.cpio.gz" \
	-append "$SAPPEND guest.disk=signed.txt" $DISK \
	-object "bootops-guest,id=b0,manifest=$W/signed/manifest"
if refused tampered-kernel "image [0-9] 'Image.tampered' at 0x[0-9a-f]* .* is not what its owner signed"; then
	ok "a tampered kernel: QEMU exits non-zero naming it, the guest never runs"
else
	not_ok "a tampered kernel: QEMU exits non-zero naming it, the guest never runs"
	show tampered-kernel
fi

cp "$D/initramfs.cpio.gz" $W/initrd.tampered
printf 'X' | dd of=$W/initrd.tampered bs=1 seek=100 conv=notrunc 2>/dev/null
run tampered-initrd $QEMU -machine "$MACHINE,confidential-guest-support=b0" $COMMON -smp 2 \
	-kernel "$D/Image" -initrd $W/initrd.tampered \
	-append "$SAPPEND guest.disk=signed.txt" $DISK \
	-object "bootops-guest,id=b0,manifest=$W/signed/manifest"
if refused tampered-initrd "image [0-9] 'initrd.tampered' at 0x[0-9a-f]* .* is not what its owner signed"; then
	ok "a tampered initrd: QEMU exits non-zero naming it, the guest never runs"
else
	not_ok "a tampered initrd: QEMU exits non-zero naming it, the guest never runs"
	show tampered-initrd
fi

# The host changes the kernel command line: QEMU's DTB is not the signed one.
run tampered-dtb $QEMU -machine "$MACHINE,confidential-guest-support=b0" $SIGNED \
	-append "$SAPPEND guest.disk=signed.txt init=/bin/sh" $DISK \
	-object "bootops-guest,id=b0,manifest=$W/signed/manifest"
if refused tampered-dtb "image [0-9] 'dtb' at 0x[0-9a-f]* .* is not what its owner signed"; then
	ok "a DTB with another command line: QEMU exits non-zero naming it, the guest never runs"
else
	not_ok "a DTB with another command line: QEMU exits non-zero naming it, the guest never runs"
	show tampered-dtb
fi

# The signed DTB, with options under which QEMU would have to patch it.
run patched-dtb $QEMU -machine "$MACHINE,confidential-guest-support=b0" $SIGNED \
	-append "$SAPPEND guest.disk=other.txt" -dtb "$DTB" $DISK \
	-object "bootops-guest,id=b0,manifest=$W/signed/manifest"
if refused patched-dtb "-dtb .*QEMU would have to patch it"; then
	ok "a -dtb QEMU would have to patch: refused before the VM runs"
else
	not_ok "a -dtb QEMU would have to patch: refused before the VM runs"
	show patched-dtb
fi

# A verified VM cannot be reset in place, nor migrated: QEMU shuts it down
# at the guest's reset (instead of writing a reset state hyp would refuse),
# and refuses to start where every VM must be migratable.
prepare reboot $SIGNED -append "$SAPPEND guest.reboot=1"
run reboot $QEMU -machine "$MACHINE,confidential-guest-support=b0" $SIGNED \
	-append "$SAPPEND guest.reboot=1" \
	-object "bootops-guest,id=b0,manifest=$W/reboot/manifest"
if [ "$(cat $W/reboot.rc)" = 0 ] && grep -q "guest: rebooting" $W/reboot.out &&
	[ "$(grep -c "Booting Linux" $W/reboot.out)" = 1 ]; then
	ok "the guest's reset shuts the verified VM down (QEMU exits 0, it never boots again)"
else
	not_ok "the guest's reset shuts the verified VM down (QEMU exits 0, it never boots again)"
	show reboot
fi
run migratable $QEMU -machine "$MACHINE,confidential-guest-support=b0" $SIGNED \
	-append "$SAPPEND guest.disk=signed.txt" -only-migratable \
	-object "bootops-guest,id=b0,manifest=$W/signed/manifest"
if refused migratable "cannot block migration"; then
	ok "-only-migratable: refused, a verified VM cannot migrate"
else
	not_ok "-only-migratable: refused, a verified VM cannot migrate"
	show migratable
fi

# --- 4. private memory: the guest's RAM is its own -------------------------------
PRIV="$COMMON -smp 2 -kernel $D/Image -initrd $D/initramfs.cpio.gz"
SIGN_OPTS=--private-mem prepare private $PRIV -append "$SAPPEND"
run private $QEMU -machine "$MACHINE,confidential-guest-support=b0" $PRIV \
	-append "$SAPPEND" -object "bootops-guest,id=b0,manifest=$W/private/manifest,private-mem=on"
if booted private && grep -q "cpus-online=0-1" "$W/private.out"; then
	ok "patched QEMU runs a signed guest with private memory to its init"
else
	not_ok "patched QEMU runs a signed guest with private memory to its init"
	show private
fi

# --- 5. Debian's kernel, signed by its owner --------------------------------------
DEB="$COMMON -smp 2 -kernel $D/vmlinuz-debian -initrd $D/initramfs-debian.cpio.gz"
prepare debian $DEB -append "$SAPPEND guest.disk=debian.txt" $DISK
run debian $QEMU -machine "$MACHINE,confidential-guest-support=b0" $DEB \
	-append "$SAPPEND guest.disk=debian.txt" $DISK \
	-object "bootops-guest,id=b0,manifest=$W/debian/manifest"
if booted debian debian.txt && grep -q "cpus-online=0-1" "$W/debian.out"; then
	ok "patched QEMU runs Debian's kernel, signed, 2 vCPUs, with a virtio disk"
	grep -m1 "Linux version" "$W/debian.out" | sed 's/^/#   /'
else
	not_ok "patched QEMU runs Debian's kernel, signed, 2 vCPUs, with a virtio disk"
	show debian
fi

DEBP="$COMMON -smp 2 -kernel $D/vmlinuz-debian -initrd $D/initramfs.cpio.gz"
SIGN_OPTS=--private-mem prepare debian-private $DEBP -append "$SAPPEND"
run debian-private $QEMU -machine "$MACHINE,confidential-guest-support=b0" $DEBP \
	-append "$SAPPEND" \
	-object "bootops-guest,id=b0,manifest=$W/debian-private/manifest,private-mem=on"
if booted debian-private; then
	ok "patched QEMU runs Debian's kernel, signed, with private memory to its init"
else
	not_ok "patched QEMU runs Debian's kernel, signed, with private memory to its init"
	show debian-private
fi

echo "# $n tests, $failed failed"
sync
[ $failed = 0 ]
