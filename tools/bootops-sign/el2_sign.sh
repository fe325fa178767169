#!/usr/bin/env bash
# Hyp's attestation signer with the EL2 build of mbedTLS (restartable ECC,
# hyp/mbedtls/bootops_mbedtls_config.h) and the EL2 allocator, built for
# the host and run: el2_sign.c says what it checks.
# Environment: O (build dir), CC.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
O=${O:-$ROOT/build/tools}
CC=${CC:-cc}
W=$O/el2-sign

bash "$ROOT/scripts/fetch-mbedtls.sh" >/dev/null
MBED=$(cat "${MBEDTLS_SRC_DIR:-$ROOT/build/mbedtls-src}/.fetched")
mkdir -p "$W"
# calloc/free renamed, as in measure_heap.sh: mbedTLS allocates from the
# EL2 arena (platform_el2.c), not from libc.
EL2=(-O2 -I"$ROOT/hyp/mbedtls" -I"$MBED/include" -I"$ROOT/include" -I"$ROOT/hyp/include"
	-DMBEDTLS_CONFIG_FILE='"bootops_mbedtls_config.h"'
	-Dcalloc=bootops_el2_calloc -Dfree=bootops_el2_free)
objs=()
for f in $(grep -v '^#' "$ROOT/hyp/mbedtls/sources.list"); do
	"$CC" "${EL2[@]}" -c "$MBED/library/$f.c" -o "$W/$f.o"
	objs+=("$W/$f.o")
done
for src in hyp/crypto_mbedtls.c hyp/verify.c hyp/sha256.c hyp/mbedtls/platform_el2.c \
	   tools/bootops-sign/el2_sign.c; do
	o=$W/hyp-$(basename "$src" .c).o
	"$CC" "${EL2[@]}" -Wall -Wextra -Werror -c "$ROOT/$src" -o "$o"
	objs+=("$o")
done
"$CC" "${objs[@]}" -o "$W/el2_sign"
"$W/el2_sign"
