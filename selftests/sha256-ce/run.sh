#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the SHA-256 Crypto Extensions test (hyp/sha256_ce.S) for AArch64
# into build/host/sha256-ce/ and run it under qemu user-mode.  The exit
# status is the test's.
#
# Needs the Debian packages gcc-aarch64-linux-gnu, libc6-dev-arm64-cross
# and qemu-user.  Overridable: CROSS_CC, QEMU, OUT.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${OUT:-$root/build/host/sha256-ce}
cc=${CROSS_CC:-aarch64-linux-gnu-gcc}
qemu=${QEMU:-qemu-aarch64}

if ! command -v "$cc" >/dev/null; then
	echo "sha256-ce: $cc not found: install the Debian packages" \
	     "gcc-aarch64-linux-gnu and libc6-dev-arm64-cross" >&2
	exit 1
fi
if ! command -v "$qemu" >/dev/null; then
	echo "sha256-ce: $qemu not found: install the Debian package qemu-user" \
	     "(apt-get install -y qemu-user)" >&2
	exit 1
fi

mkdir -p "$out"
"$cc" -std=gnu11 -O2 -static -Wall -Wextra -Werror \
	-I"$root/hyp/include" -I"$root/include" \
	"$here/test_sha256_ce.c" "$here/regs.S" "$root/hyp/sha256_ce.S" \
	-o "$out/test_sha256_ce"
exec "$qemu" -cpu max "$out/test_sha256_ce"
