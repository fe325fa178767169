#!/usr/bin/env bash
# Heap and time of EL2 signature checks, measured on the host with the
# real EL2 allocator (make -C tools/bootops-sign measure-heap).
#
#   1. fresh keys and signatures from tools/bootops-sign: KEYS keys, each
#      with 6 good signatures (images of 1 byte to 300 KB at different
#      addresses) and 4 bad ones (another key, another address, a changed
#      image, r and s swapped), plus a few malformed signatures and a
#      public key that is not on the curve;
#   2. the EL2 objects built for the host: the mbedTLS files of
#      hyp/mbedtls/sources.list, the EL2 configuration, hyp/crypto_mbedtls.c,
#      hyp/verify.c and the allocator hyp/mbedtls/platform_el2.c, all with
#      -Dcalloc=bootops_el2_calloc -Dfree=bootops_el2_free so that mbedTLS
#      allocates from the EL2 arena, not from libc (measure_heap.c);
#   3. the production arena: results, leaks, peak, threads, time;
#   4. the smallest arena that still verifies every check, by bisection
#      over builds with -DBOOTOPS_MBEDTLS_ARENA_SIZE=N (multiples of 16),
#      and the boundary confirmed from both sides.
#
# TAP-ish output; the last line is "measure-heap: N passed, N failed" and
# the exit status is non-zero if anything failed.
# Environment: O (build dir with bootops-sign), CC, KEYS (default 32).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
O=${O:-$ROOT/build/tools}
CC=${CC:-cc}
KEYS=${KEYS:-32}
TOOL=$O/bootops-sign
W=$O/measure-heap
[ -x "$TOOL" ] || { echo "measure_heap.sh: $TOOL not built (make -C tools/bootops-sign)" >&2; exit 2; }

bash "$ROOT/scripts/fetch-mbedtls.sh"
MBED=$(cat "${MBEDTLS_SRC_DIR:-$ROOT/build/mbedtls-src}/.fetched")
# The same list as scripts/build-mbedtls-el2.sh and the kernel build.
FILES=$(grep -v '^#' "$ROOT/hyp/mbedtls/sources.list")

rm -rf "$W"
mkdir -p "$W/obj" "$W/bin" "$W/data"
cd "$W"

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok $((pass + fail)) - $*"; }
notok() { fail=$((fail + 1)); echo "not ok $((pass + fail)) - $*"; }

# --- 1. keys, images, signatures ---------------------------------------
# raw_anchor PUB OUT: the 65-byte point of `bootops-sign anchor`.
raw_anchor() {
	"$TOOL" anchor "$1" data/anchor.c >/dev/null
	printf "$(grep -o '0x[0-9a-f][0-9a-f],' data/anchor.c | sed 's/^0x/\\x/; s/,$//' | tr -d '\n')" >"$2"
	[ "$(stat -c %s "$2")" = 65 ] || { echo "measure_heap.sh: bad anchor from $1" >&2; exit 2; }
}
sizes=(1 100 4095 4096 4097 65536 300001)
for i in "${!sizes[@]}"; do
	head -c "${sizes[$i]}" /dev/urandom >"data/img$i"
	cp "data/img$i" "data/img$i.changed"
	printf '\x5a' | dd of="data/img$i.changed" bs=1 seek=$((sizes[i] / 2)) conv=notrunc status=none
	cmp -s "data/img$i" "data/img$i.changed" && printf '\xa5' |
		dd of="data/img$i.changed" bs=1 seek=$((sizes[i] / 2)) conv=notrunc status=none
done
LIST=$W/checks.list
: >"$LIST"
for k in $(seq 0 $((KEYS - 1))); do
	"$TOOL" keygen "data/key$k.pem" "data/key$k.pub" >/dev/null
	raw_anchor "data/key$k.pub" "data/key$k.bin"
done
for k in $(seq 0 $((KEYS - 1))); do
	key=data/key$k.bin
	for j in 0 1 2 3 4 5; do
		i=$(((k + j) % ${#sizes[@]}))
		addr=$(printf "0x%x" $((0x40000000 + (k * 8 + j) * 0x200000)))
		sig=data/k$k.s$j.sig
		"$TOOL" sign --key "data/key$k.pem" --load-addr "$addr" "data/img$i" "$sig"
		echo "good $key $addr data/img$i $sig" >>"$LIST"
		case $j in
		0) echo "bad data/key$(((k + 1) % KEYS)).bin $addr data/img$i $sig" >>"$LIST" ;;
		1) echo "bad $key $(printf "0x%x" $((addr + 0x1000))) data/img$i $sig" >>"$LIST" ;;
		2) echo "bad $key $addr data/img$i.changed $sig" >>"$LIST" ;;
		3) { tail -c 32 "$sig"; head -c 32 "$sig"; } >"$sig.swapped"
		   echo "bad $key $addr data/img$i data/k$k.s$j.sig.swapped" >>"$LIST" ;;
		esac
	done
done
# Malformed signatures (r = 0; r = n, the group order; s all ones; r = s = 1;
# random), and key 0 moved off the curve.
n=ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551
hex() { printf "$(sed 's/../\\x&/g' <<<"$1")"; }
{ head -c 32 /dev/zero; tail -c 32 data/k0.s0.sig; } >data/r0.sig
{ hex "$n"; tail -c 32 data/k0.s0.sig; } >data/rn.sig
{ head -c 32 data/k0.s0.sig; hex "$(printf 'ff%.0s' $(seq 32))"; } >data/sff.sig
{ head -c 31 /dev/zero; printf '\x01'; head -c 31 /dev/zero; printf '\x01'; } >data/r1s1.sig
head -c 64 /dev/urandom >data/random.sig
cp data/key0.bin data/offcurve.bin
printf '\x01' | dd of=data/offcurve.bin bs=1 seek=64 conv=notrunc status=none
cmp -s data/key0.bin data/offcurve.bin && printf '\x02' |
	dd of=data/offcurve.bin bs=1 seek=64 conv=notrunc status=none
a0=$(awk 'NR == 1 { print $3 " " $4 }' "$LIST")
for s in r0 rn sff r1s1 random; do
	echo "bad data/key0.bin $a0 data/$s.sig" >>"$LIST"
done
echo "bad data/offcurve.bin $a0 data/k0.s0.sig" >>"$LIST"
ngood=$(grep -c '^good' "$LIST")
nbad=$(grep -c '^bad' "$LIST")
echo "# $KEYS fresh keys: $ngood good and $nbad bad checks ($LIST)"

# --- 2. the EL2 objects, for the host -------------------------------------
# Every EL2 object gets the same renames (measure_heap.c explains them).
EL2=(-O2 -I"$ROOT/hyp/mbedtls" -I"$MBED/include" -I"$ROOT/include" -I"$ROOT/hyp/include"
	-DMBEDTLS_CONFIG_FILE='"bootops_mbedtls_config.h"'
	-Dcalloc=bootops_el2_calloc -Dfree=bootops_el2_free
	'-Dbootops_trust_anchor=(*bootops_measure_anchor)')
OURS=(-Wall -Wextra -Werror)
objs=()
for f in $FILES; do
	"$CC" "${EL2[@]}" -c "$MBED/library/$f.c" -o "obj/$f.o"
	objs+=("obj/$f.o")
done
# hyp-*.o: hyp/sha256.c must not overwrite mbedTLS's library/sha256.c object.
for src in hyp/crypto_mbedtls.c hyp/verify.c hyp/sha256.c; do
	o=obj/hyp-$(basename "$src" .c).o
	"$CC" "${EL2[@]}" "${OURS[@]}" -c "$ROOT/$src" -o "$o"
	objs+=("$o")
done
"$CC" -O2 "${OURS[@]}" -pthread -I"$ROOT/hyp/mbedtls" -I"$ROOT/include" -I"$ROOT/hyp/include" \
	-c "$HERE/measure_heap.c" -o obj/measure_heap.o
WRAP=(-Wl,--wrap=bootops_el2_calloc -Wl,--wrap=bootops_el2_free)

# build [N]: measure_heap with an N-byte arena (default: platform_el2.c's own).
build() {
	local tag=${1:-production} def=()
	[ -n "${1:-}" ] && def=(-DBOOTOPS_MBEDTLS_ARENA_SIZE="$1")
	if [ ! -x "bin/measure_heap-$tag" ]; then
		"$CC" "${EL2[@]}" "${OURS[@]}" "${def[@]}" -c "$ROOT/hyp/mbedtls/platform_el2.c" \
			-o "obj/platform_el2-$tag.o"
		"$CC" -pthread obj/measure_heap.o "${objs[@]}" "obj/platform_el2-$tag.o" "${WRAP[@]}" \
			-o "bin/measure_heap-$tag"
	fi
	echo "bin/measure_heap-$tag"
}
build >/dev/null

# mbedTLS must reach the EL2 allocator only: no libc allocator referenced.
libc=$(nm -u "${objs[@]}" obj/platform_el2-production.o | awk '{ print $2 }' |
	grep -xE 'malloc|calloc|realloc|free' | sort -u | tr '\n' ' ' || true)
users=$(nm -u "${objs[@]}" | awk '$2 == "bootops_el2_calloc"' | wc -l)
if [ -z "$libc" ] && [ "$users" -gt 0 ]; then
	ok "EL2 objects reference no libc allocator; $users of them call bootops_el2_calloc (platform_el2.c)"
else
	notok "EL2 objects: libc allocator referenced ($libc) or none uses the EL2 one ($users)"
fi

# --- 3. the production arena -----------------------------------------------
set +e
"bin/measure_heap-production" --first $((pass + fail + 1)) "$LIST" | tee measure.out
rc=${PIPESTATUS[0]}
set -e
pass=$((pass + $(grep -c '^ok ' measure.out || true)))
fail=$((fail + $(grep -c '^not ok ' measure.out || true)))
[ "$rc" -eq 0 ] || [ "$(grep -c '^not ok ' measure.out || true)" -gt 0 ] ||
	notok "measure_heap exited with $rc"
peak=$(sed -n 's/^# heap peak: \([0-9]*\) bytes.*/\1/p' measure.out)

# --- 4. the smallest arena ---------------------------------------------
# fit N: 0 every check as expected, 1 only good checks failed (fails
# closed), 2 anything else; memoised, one build per size.
declare -A fits
fit() {
	local b rc
	if [ -z "${fits[$1]:-}" ]; then
		b=$(build "$1")
		set +e
		"$b" --fit "$LIST" >"fit-$1.out"
		rc=$?
		set -e
		fits[$1]=$rc
		echo "# bisect: $(sed -n 's/^# //p' "fit-$1.out") -> $rc"
	fi
	return "${fits[$1]}"
}
prod=$("bin/measure_heap-production" --fit "$LIST" | sed -n 's/^# arena \([0-9]*\):.*/\1/p')
if [ -n "$prod" ] && [ $((prod % 16)) -eq 0 ] && fit "$prod"; then
	lo=0 hi=$((prod / 16))	# in 16-byte units: fit(lo) fails, fit(hi) holds
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		if fit $((mid * 16)); then hi=$mid; else lo=$mid; fi
	done
	min=$((hi * 16))
	ok "smallest arena that verifies every check: $min bytes (bisection over builds" \
		"with -DBOOTOPS_MBEDTLS_ARENA_SIZE=N; peak $peak)"
	rc=0
	fit $((min - 16)) || rc=$?
	[ "$rc" -eq 1 ] &&
		ok "$((min - 16))-byte arena fails closed: good checks rejected, every bad one" \
			"rejected, nothing leaked" ||
		notok "$((min - 16))-byte arena: status $rc (want 1: fails closed)"
	bad=""
	for i in $(seq 1 16); do
		fit $((min + 16 * i)) || bad="$bad $((min + 16 * i))"
	done
	[ -z "$bad" ] && ok "every arena from $min to $((min + 256)) bytes verifies every check" ||
		notok "arena sizes above the minimum that fail:$bad"
	[ "$prod" -ge $((2 * min)) ] &&
		ok "production arena $prod bytes >= 2 x smallest arena $min ($((prod * 10 / min / 10)).$((prod * 10 / min % 10))x)" ||
		notok "production arena $prod bytes < 2 x smallest arena $min"
	echo "# smallest arena: $min bytes; heap peak $peak bytes; production arena $prod bytes"
else
	notok "production arena (${prod:-?} bytes) does not verify every check (or is not a multiple of 16)"
fi

echo "measure-heap: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
