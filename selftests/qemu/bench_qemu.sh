#!/bin/sh
# Benchmark (numbers, not a test), in the emulated host under busybox sh:
# a Linux guest's time from QEMU's start to its /init, verified (the
# patched QEMU with bootops-guest, the owner's manifest) against plain (the
# same QEMU, kernel, initrd and command line, no bootops-guest), rounds
# alternating, for our kernel and Debian's.
#
#   bench_qemu.sh DIR ROUNDS     DIR: build/qemu-tests/ files
# Option lists (COMMON, DISK, $(vcon ...), sign-args) split into words on
# purpose; busybox sh has local.
# shellcheck disable=SC2046,SC3043
set -u
D=${1:?usage: bench_qemu.sh DIR ROUNDS}
ROUNDS=${2:-5}
. "$D/qemu_env.sh"
W=/tmp/bench-qemu
rm -rf $W
mkdir -p $W
now() { cut -d' ' -f1 /proc/uptime; }

# to_init ARGS...: seconds from QEMU's start to the guest's "Run /init".
to_init() {
	local t0 t1=""
	t0=$(now)
	"$@" </dev/null 2>&1 | while read -r line; do
		case "$line" in
		*"Run /init as init process"*) echo "$(now)" >$W/t1 ;;
		esac
	done
	t1=$(cat $W/t1 2>/dev/null)
	rm -f $W/t1
	[ -n "$t1" ] && awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for k in Image:initramfs.cpio.gz vmlinuz-debian:initramfs.cpio.gz; do
	kernel=${k%%:*}
	initrd=${k#*:}
	ARGS="$COMMON -kernel $D/$kernel -initrd $D/$initrd -append"
	$QEMU $BOOTOPS $ARGS "$SAPPEND" -object "bootops-guest,id=b0,prepare=$W/$kernel" >/dev/null 2>&1
	sign_prepared "$W/$kernel" >/dev/null || exit 1
	: >$W/plain
	: >$W/verified
	r=1
	while [ $r -le "$ROUNDS" ]; do
		p=$(to_init $QEMU -machine "$MACHINE" $ARGS "$SAPPEND")
		v=$(to_init $QEMU $BOOTOPS $ARGS "$SAPPEND" \
			-object "bootops-guest,id=b0,manifest=$W/$kernel/manifest")
		echo "bench: qemu $kernel round $r: plain ${p:-?} s, verified ${v:-?} s"
		echo "${p:-0}" >>$W/plain
		echo "${v:-0}" >>$W/verified
		r=$((r + 1))
	done
	p=$(median <$W/plain)
	v=$(median <$W/verified)
	size=$(wc -c <"$D/$kernel")
	echo "bench: qemu $kernel ($size bytes): QEMU start to /init, medians of $ROUNDS:" \
		"plain $p s, verified $v s, ratio $(awk -v a="$v" -v b="$p" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }')"
done
