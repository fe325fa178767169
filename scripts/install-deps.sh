#!/usr/bin/env bash
# Install every package the project needs, from Debian only.  Idempotent:
# a second run installs nothing.  Used by `make deps`.
set -euo pipefail

# What each part of the project needs.
HOST_TEST_PKGS="build-essential clang llvm libclang-rt-14-dev gcovr libmbedtls-dev libcbor-dev qemu-user"
KERNEL_PKGS="linux-source-6.12 gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
	bc flex bison libssl-dev libelf-dev cpio ccache kmod rsync python3 xz-utils \
	git patch openssl device-tree-compiler"
# e2fsprogs: the ext2 disk image the host uses behind the SMMU, and reading it back
QEMU_PKGS="qemu-system-arm e2fsprogs"
MBEDTLS_SRC_PKGS="dpkg-dev"
# The patched QEMU (scripts/build-qemu.sh): a static arm64 build against
# Debian's arm64 libraries (multiarch), configured by meson; bootops-sign
# for arm64 (the QEMU tests sign in the emulated host).
QEMU_BUILD_PKGS="meson ninja-build pkg-config libglib2.0-dev:arm64 libpixman-1-dev:arm64 \
	zlib1g-dev:arm64 libfdt-dev:arm64 libmbedtls-dev:arm64 libcbor-dev:arm64"

need_sudo() {
	if [ "$(id -u)" -ne 0 ]; then echo sudo; fi
}
SUDO=$(need_sudo)

# arm64 packages install beside the native ones (multiarch).
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "deps: adding the arm64 architecture (dpkg --add-architecture)"
	$SUDO dpkg --add-architecture arm64
fi

missing=()
for p in $HOST_TEST_PKGS $KERNEL_PKGS $QEMU_PKGS $MBEDTLS_SRC_PKGS $QEMU_BUILD_PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all packages present"
	exit 0
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
