#!/usr/bin/env bash
# The main job: build the patched kernel and the VMM, boot the kernel in
# QEMU with kvm-arm.mode=protected, and launch two guests through boot ops:
#
#   1. hello.bin signed by the owner key for its load address: hyp verifies
#      it, the guest prints its message over the UART and powers off
#      (bootops-vmm exits 0);
#   2. the same image with one bit flipped, with the same signature: hyp
#      refuses it at the first KVM_RUN (EKEYREJECTED; bootops-vmm exits 3,
#      which --expect-reject turns into the test's pass);
#   3. hello.bin and a data image booted from the owner's signed boot
#      manifest (manifest key 1), and 4. the same manifest with another
#      release's data image in place of its own: refused;
#   5. a guest from its owner's manifest that asks hyp for an attestation
#      report and prints it; the demo then verifies the report here, off
#      the machine, against hyp's public key, the guest's nonce and the
#      owner's manifest (bootops-sign verify-report), as a remote party
#      would (test 6, bootops_attest, shows hyp's key);
#   7. Linux guests under QEMU (selftests/qemu/qemu_guests.sh): Debian's
#      own QEMU runs a plain one; the patched QEMU (patches/qemu/) runs the
#      owner's signed one (-object bootops-guest), refuses tampered images
#      by name, and runs Debian's kernel signed, each writing a file to its
#      virtio disk, which the demo reads back here;
#   and last, a hostile host with a DMA device (QEMU's edu, behind the SMMU hyp
#      owns) aims it at a page of hyp's, at an image page hyp has taken
#      and not yet checked, and at a VM's page: each DMA is blocked and
#      counted (kvm-bootops-dma/selftest).
#
# Then it prints what the guest said, the verdict for each VM and what the
# kernel (kvm-bootops) logged.  Environment: CPU (default max).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CPU=${CPU:-max}
LOG="$ROOT/build/qemu-demo.log"
INITRD="$ROOT/build/initramfs-demo.cpio.gz"

bash "$ROOT/scripts/gen-patches.sh" --check
bash "$ROOT/scripts/build-kernel.sh"
# VMM, guest, signatures (with the key the kernel's trust anchor came from).
bash "$ROOT/scripts/build-vmm.sh" >/dev/null
mapfile -t vmm_args <"$ROOT/build/vmm/demo-args.txt"
bash "$ROOT/scripts/build-qemu-tests.sh" >/dev/null
mapfile -t qemu_args <"$ROOT/build/qemu-tests/initramfs-args.txt"
GUEST_DISK="$ROOT/build/guest-disk-demo.img"
cp "$ROOT/build/qemu-tests/guest-disk.img" "$GUEST_DISK"
aarch64-linux-gnu-gcc -static -O2 -Wall -Werror -o "$ROOT/build/vmm/bootops_hcalls" \
	"$ROOT/selftests/qemu/bootops_hcalls.c"
dma_args=(--add "$ROOT/build/vmm/bootops_hcalls:/tests/bootops_hcalls"
	  --test "bootops_hcalls /sys/kernel/debug/kvm-bootops-dma/selftest")
bash "$ROOT/scripts/build-initramfs.sh" -o "$INITRD" --no-smoke "${vmm_args[@]}" "${qemu_args[@]}" \
	"${dma_args[@]}" >/dev/null

echo "demo: booting the patched kernel (cpu=$CPU, kvm-arm.mode=protected)"
echo "demo: guest 1: hello.bin, signed for 0x80000000 by build/keys/bootops-dev.pem"
echo "demo: guest 2: hello.tampered.bin (one bit flipped), same signature"
echo "demo: guest 3: hello.bin + blob-a.bin, as the owner's boot manifest m-a.man lists them"
echo "demo: guest 4: the same manifest, with blob-b.bin (another release's) in place of blob-a.bin"
echo "demo: guest 5: attest.bin from the owner's manifest m-att.man: asks hyp for its report"
echo "demo: guests 7: Linux under QEMU: Debian's QEMU, then the patched one with -object bootops-guest"
echo "demo: last: the host aims a DMA device (QEMU's edu) at hyp's and VMs' pages"
set +e
GUEST_DISK="$GUEST_DISK" INITRD="$INITRD" CPU=$CPU LOG="$LOG" bash "$ROOT/scripts/run-qemu.sh" >/dev/null
rc=$?
set -e

# /init prefixes each test's output with "# "; test points are "ok N - LINE".
verdict() {	# verdict N: the test point of test N
	local line
	line=$(grep -E "^(not )?ok $1 - " "$LOG" | head -n1 || true)
	case "$line" in
	ok*) echo "PASS" ;;
	"not ok"*) echo "FAIL (${line##*# })" ;;
	*) echo "did not run" ;;
	esac
}
section() {	# section N: the output of test N, without the "# " (and
		# without the kernel's console lines printed meanwhile)
	sed -n "/^# \[$1\] running /,/^# \[$1\] .*: [0-9.]* s\$/p" "$LOG" |
		sed '1d;$d' | sed -n 's/^# //p'
}
guest() {	# guest N: what guest N printed, then the VMM's verdict lines
	local said
	said=$(section "$1" | { grep -v '^bootops-vmm: ' || true; })
	# shellcheck disable=SC2001
	echo "${said:-(nothing)}" | sed 's/^/demo:   guest says: /'
	section "$1" | { grep '^bootops-vmm: ' || true; } | sed 's/^/demo:   /'
}

# Guest 5's report, verified here against hyp's key (as test 6 read it
# from debugfs), the nonce the guest printed and the owner's manifest.
attest_check() {
	local dir key nonce report
	dir=$(mktemp -d)
	key=$(grep -oE '# attest hyp key [0-9]+/[0-9]+ [0-9a-f]+' "$LOG" | awk '{ printf "%s", $6 }')
	nonce=$(section 5 | sed -n 's/^attest-nonce //p' | head -n1)
	report=$(section 5 | sed -n 's/^attest-report //p' | head -n1)
	echo "$key" >"$dir/key"
	echo "$report" >"$dir/report"
	echo "demo:   hyp's attestation key (debugfs): ${key:0:40}..."
	if [ -n "$key" ] && [ -n "$nonce" ] && [ -n "$report" ] &&
		"$ROOT/build/tools/bootops-sign" verify-report --key "$dir/key" --nonce "$nonce" \
			--manifest "$ROOT/build/vmm/m-att.man" \
			--image "0x80000000:$ROOT/build/vmm/attest.bin" "$dir/report" >"$dir/out" 2>&1; then
		sed 's/^/demo:   verified here: /' "$dir/out"
		rm -rf "$dir"
		return 0
	fi
	sed 's/^/demo:   NOT verified: /' "$dir/out" 2>/dev/null || echo "demo:   NOT verified: no report"
	rm -rf "$dir"
	return 1
}

echo "demo: pKVM: $(grep -oE 'Protected [nh]VHE mode initialized successfully' "$LOG" | head -n1 || echo 'NOT initialised')"
echo "demo:"
echo "demo: guest 1 (signed, must run): $(verdict 1)"
guest 1
echo "demo:"
echo "demo: guest 2 (tampered, must be refused): $(verdict 2)"
guest 2
echo "demo:"
echo "demo: guest 3 (the owner's manifest, must run): $(verdict 3)"
guest 3
echo "demo:"
echo "demo: guest 4 (images mixed from two releases, must be refused): $(verdict 4)"
guest 4
echo "demo:"
echo "demo: guest 5 (attests what it booted, must print a report): $(verdict 5)"
# The hex lines are long: show their heads.
section 5 | { grep -v '^bootops-vmm: ' || true; } | cut -c1-100 |
	sed 's/^\(.\{99\}\).$/\1.../; s/^/demo:   guest says: /'
section 5 | { grep '^bootops-vmm: ' || true; } | sed 's/^/demo:   /'
attest_check || rc=1
echo "demo:"
echo "demo: guests 7 (Linux under QEMU, in the emulated host): $(verdict 7)"
# The commands as a user types them (prepare, sign, run), the verdicts, and
# what QEMU said when it refused.
section 7 | grep -E '^(# \$ |ok |not ok |#   (qemu-system-aarch64: )?bootops: )' |
	grep -vE '^# \$ .*(\.tampered|init=/bin/sh|other.txt|-only-migratable|reboot)' |
	sed 's/^# //; s/^/demo:   /'
for f in stock.txt signed.txt debian.txt; do
	echo "demo:   the guests' disk image, /$f: $(/sbin/debugfs -R "cat /$f" "$GUEST_DISK" 2>/dev/null ||
		echo '(missing)')"
done
echo "demo:"
# The last test of the list: its number is the count of those before it, plus one.
dma=$(grep -oE '^# \[[0-9]+\] running bootops_hcalls /sys/kernel/debug/kvm-bootops-dma/selftest' "$LOG" |
	grep -oE '[0-9]+' | head -n1 || true)
echo "demo: the last test (hostile DMA, must be blocked and counted): $(verdict "${dma:-0}")"
section "${dma:-0}" | grep -E "^ok .* - (a page of hyp's|the image page|the VM's page|  counted|  as a translation|  and the device got zeros)" |
	head -n 12 | sed 's/^ok [0-9]* - /demo:   blocked: /' || true
echo "demo:"
echo "demo: what the kernel logged (kvm-bootops):"
grep -E '^# dmesg: .*kvm-bootops' "$LOG" | sed 's/^# dmesg: /demo:   /' ||
	echo "demo:   (nothing)"
echo "demo:"
if [ "$rc" = 0 ]; then
	echo "demo: PASS: the signed guests ran (under QEMU too), the tampered and mixed ones never did, and a guest's report verified (log: ${LOG#"$ROOT"/})"
else
	echo "demo: FAIL: run-qemu.sh exited $rc (log: ${LOG#"$ROOT"/})"
fi
exit "$rc"
