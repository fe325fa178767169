#!/usr/bin/env bash
# Check that every patch of the series builds on its own: apply patches/
# one at a time to a pristine 6.12 tree and build the Image after each.
# Slow (one kernel build per patch); not part of make test.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
TREE="$BUILD/series-check"
OBJ="$BUILD/kbuild-series"

bash "$ROOT/scripts/build-kernel.sh" --config-only >/dev/null
git -C "$BUILD/linux-6.12" worktree remove --force "$TREE" 2>/dev/null || rm -rf "$TREE"
git -C "$BUILD/linux-6.12" worktree add -q --detach "$TREE" pristine
mkdir -p "$OBJ"
cp "$BUILD/kbuild/.config" "$OBJ/.config"
n=0
for p in "$ROOT"/patches/*.patch; do
	n=$((n + 1))
	git -C "$TREE" am -q "$p"
	start=$(date +%s)
	if make -C "$TREE" O="$OBJ" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		"CC=ccache aarch64-linux-gnu-gcc" -j"$(nproc)" olddefconfig Image \
		>"$OBJ/build-$n.log" 2>&1; then
		echo "check-series: [$n] $(basename "$p"): builds ($(($(date +%s) - start)) s)"
	else
		echo "check-series: [$n] $(basename "$p"): BUILD FAILED (build/kbuild-series/build-$n.log)"
		exit 1
	fi
done
echo "check-series: all $n patches build on their own"
