#!/usr/bin/env bash
# Heap and time of one EL2 signature check, measured on the host with the
# EL2 mbedTLS configuration (make -C tools/bootops-sign measure-heap).
# See measure_heap.c.  Environment: O (build dir with bootops-sign), CC.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
O=${O:-$ROOT/build/tools}
CC=${CC:-cc}
TOOL=$O/bootops-sign
W=$O/measure-heap

bash "$ROOT/scripts/fetch-mbedtls.sh"
MBED=$(cat "${MBEDTLS_SRC_DIR:-$ROOT/build/mbedtls-src}/.fetched")
# The same list as scripts/build-mbedtls-el2.sh.
FILES=$(grep -v '^#' "$ROOT/hyp/mbedtls/sources.list")

rm -rf "$W"
mkdir -p "$W/obj"
cd "$W"

# Keys, anchor, signatures.
"$TOOL" keygen key.pem key.pub >/dev/null
"$TOOL" keygen other.pem other.pub >/dev/null
"$TOOL" anchor key.pub anchor.c >/dev/null
good=() bad=()
sizes=(1 100 4095 4096 4097 65536 300001)
for i in $(seq 0 63); do
	size=${sizes[$((i % ${#sizes[@]}))]}
	addr=$(printf "0x%x" $((0x40000000 + i * 0x200000)))
	head -c "$size" /dev/urandom >"img$i"
	"$TOOL" sign --key key.pem --load-addr "$addr" "img$i" "img$i.sig"
	good+=("$addr" "img$i" "img$i.sig")
done
# Rejections take other paths: another key, another address, a bad bit.
"$TOOL" sign --key other.pem --load-addr 0x40000000 img0 other.sig
bad+=(0x40000000 img0 other.sig 0x40001000 img0 img0.sig 0x40200000 img0 img1.sig)
cp img5 flip
printf 'Z' | dd of=flip bs=1 seek=7 conv=notrunc status=none
bad+=(0x40000000 flip img5.sig)
head -c 32 /dev/zero >zero.sig
head -c 32 /dev/urandom >>zero.sig
bad+=(0x40000000 img0 zero.sig)

# The EL2 set of mbedTLS files, the EL2 config, host libc.  Not linked with
# Debian's libmbedcrypto: these are its own copies.
FLAGS=(-O2 -g -I"$ROOT/hyp/mbedtls" -I"$MBED/include" -I"$ROOT/include" -I"$ROOT/hyp/include"
	-DMBEDTLS_CONFIG_FILE='"bootops_mbedtls_config.h"')
objs=()
for f in $FILES; do
	"$CC" "${FLAGS[@]}" -c "$MBED/library/$f.c" -o "obj/$f.o"
	objs+=("obj/$f.o")
done
"$CC" "${FLAGS[@]}" -Wall -Wextra -Werror -pthread "$HERE/measure_heap.c" \
	"$ROOT/hyp/mbedtls/platform_el2.c" "$ROOT/hyp/crypto_mbedtls.c" "$ROOT/hyp/verify.c" \
	anchor.c "${objs[@]}" -o measure_heap -pthread
./measure_heap GOOD "${good[@]}" BAD "${bad[@]}"
