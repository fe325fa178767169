#!/usr/bin/env bash
# Build the arm64 Linux 6.12 kernel Image used by the QEMU tests.
#
#   scripts/build-kernel.sh [--no-headers | --headers-only] [--config-only] [-j N]
#
# Steps (each one is skipped when already up to date):
#   1. unpack /usr/src/linux-source-6.12.tar.xz into build/linux-6.12/ (once)
#      and commit the pristine tree in a private git repo (tag "pristine");
#   2. if the set of patches/*.patch changed since the last run: reset the
#      tree to "pristine" and apply the patches in order (git am, or
#      patch -p1 for plain diffs);
#   3. generate the .config: allnoconfig + configs/bootops.config
#      (merge_config.sh), and check every fragment option stuck;
#   4. build arch/arm64/boot/Image out of tree in build/kbuild/ (incremental,
#      ccache) and copy it to build/Image;
#   5. make headers_install into build/kernel-headers/ (uapi headers for
#      kvm_smoke and the KVM selftests; ~2 s; skip with --no-headers).
#      --headers-only does steps 1, 2 and 5 only; --unpack-only step 1.
#
# Environment: JOBS (default: nproc), KERNEL_TARBALL, PATCH_DIR (default
# patches/).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
SRC="$BUILD/linux-6.12"          # patched source tree (git repo)
OBJ="$BUILD/kbuild"              # out-of-tree objects (O=)
STAMPS="$BUILD/stamps"
HDR="$BUILD/kernel-headers"
TARBALL=${KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
FRAGMENT="$ROOT/configs/bootops.config"
PATCH_DIR=${PATCH_DIR:-$ROOT/patches}
JOBS=${JOBS:-$(nproc)}

do_headers=1
headers_only=0
config_only=0
unpack_only=0
while [ $# -gt 0 ]; do
	case "$1" in
	--headers) do_headers=1 ;;
	--no-headers) do_headers=0 ;;
	--headers-only) do_headers=1; headers_only=1 ;;
	--config-only) config_only=1 ;;
	--unpack-only) unpack_only=1 ;;
	-j) JOBS=$2; shift ;;
	-j*) JOBS=${1#-j} ;;
	-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) echo "build-kernel: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

T0=$(date +%s)
log() { echo "kernel: $* [$(($(date +%s) - T0))s]"; }
die() { echo "kernel: ERROR: $*" >&2; exit 1; }

# Always talk to the private repo of the kernel tree, never to the project
# repo that contains build/.
kgit() { git --git-dir="$SRC/.git" --work-tree="$SRC" "$@"; }

KMAKE=(make -C "$SRC" O="$OBJ" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
       "CC=ccache aarch64-linux-gnu-gcc")

mkdir -p "$BUILD" "$STAMPS"

# --- 1. unpack + pristine commit ------------------------------------------
unpack() {
	[ -f "$TARBALL" ] || die "$TARBALL missing (run scripts/install-deps.sh)"
	local tmp="$BUILD/linux-6.12.tmp"
	rm -rf "$tmp" "$SRC"
	mkdir -p "$tmp"
	log "unpacking $TARBALL"
	tar -xJf "$TARBALL" -C "$tmp" --strip-components=1
	log "committing pristine tree"
	git init -q "$tmp"
	git --git-dir="$tmp/.git" --work-tree="$tmp" config user.name "bootops build"
	git --git-dir="$tmp/.git" --work-tree="$tmp" config user.email "bootops@localhost"
	git --git-dir="$tmp/.git" --work-tree="$tmp" config gc.auto 0
	git --git-dir="$tmp/.git" --work-tree="$tmp" config core.autocrlf false
	git --git-dir="$tmp/.git" --work-tree="$tmp" add -A -f .
	git --git-dir="$tmp/.git" --work-tree="$tmp" commit -q -m "pristine $(basename "$TARBALL")"
	git --git-dir="$tmp/.git" --work-tree="$tmp" tag pristine
	mv "$tmp" "$SRC"
	rm -f "$STAMPS/patches.hash"
	touch "$STAMPS/unpacked"
}

if [ -f "$STAMPS/unpacked" ] && [ -d "$SRC/.git" ]; then
	log "source tree present ($SRC)"
else
	unpack
fi
[ $unpack_only = 1 ] && exit 0

# --- 2. patches -------------------------------------------------------------
shopt -s nullglob
PATCHES=("$PATCH_DIR"/*.patch)
shopt -u nullglob

patches_hash() {
	# Names and contents, in series (glob = sorted) order.
	{
		for p in "${PATCHES[@]}"; do
			echo "== $(basename "$p")"
			cat "$p"
		done
	} | sha256sum | cut -d' ' -f1
}

apply_patches() {
	log "resetting source tree to pristine"
	kgit am --abort >/dev/null 2>&1 || true
	kgit reset -q --hard pristine
	kgit clean -q -fdx
	local p n=0
	for p in "${PATCHES[@]}"; do
		n=$((n + 1))
		log "applying [$n/${#PATCHES[@]}] $(basename "$p")"
		if head -n1 "$p" | grep -q '^From '; then
			if ! kgit am -q --3way "$p"; then
				kgit am --abort >/dev/null 2>&1 || true
				die "git am failed for $p"
			fi
		else
			if ! (cd "$SRC" && patch -p1 --quiet --no-backup-if-mismatch <"$p"); then
				die "patch -p1 failed for $p (tree left dirty; rerun resets it)"
			fi
			kgit add -A -f .
			kgit commit -q -m "$(basename "$p")"
		fi
	done
}

want=$(patches_hash)
have=$(cat "$STAMPS/patches.hash" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
	rm -f "$STAMPS/patches.hash"
	apply_patches
	echo "$want" >"$STAMPS/patches.hash"
	log "${#PATCHES[@]} patch(es) applied"
else
	log "patches unchanged (${#PATCHES[@]} applied)"
fi

# --- headers only ----------------------------------------------------------
install_headers() {
	log "installing uapi headers into $HDR"
	mkdir -p "$OBJ"
	"${KMAKE[@]}" -s headers_install INSTALL_HDR_PATH="$HDR"
}

if [ "$headers_only" = 1 ]; then
	install_headers
	log "done"
	exit 0
fi

# --- 3a. boot-ops inputs: mbedTLS source and the signing keys ---------------
# The key pairs stay in build/keys: the kernel embeds the public halves, the
# demo and tests sign guest images and manifests with the private halves.
# bootops-dev signs single images (key id 0); manifest-N signs manifests as
# key id N.
KEYS="$BUILD/keys"
KEY_PUB="$KEYS/bootops-dev.pub.pem"
MANIFEST_KEY_IDS="1 2"
dev_key() {
	[ -f "$KEYS/$1.pub.pem" ] && return
	mkdir -p "$KEYS"
	openssl ecparam -name prime256v1 -genkey -noout -out "$KEYS/$1.pem"
	openssl ec -in "$KEYS/$1.pem" -pubout -out "$KEYS/$1.pub.pem" 2>/dev/null
	log "generated a development signing key: build/keys/$1.pem"
}
prepare_bootops_inputs() {
	local id
	bash "$ROOT/scripts/fetch-mbedtls.sh" >/dev/null
	MBED=$(cat "$BUILD/mbedtls-src/.fetched")
	dev_key bootops-dev
	MANIFEST_KEYS=
	for id in $MANIFEST_KEY_IDS; do
		dev_key "manifest-$id"
		MANIFEST_KEYS="$MANIFEST_KEYS${MANIFEST_KEYS:+ }$id:$KEYS/manifest-$id.pub.pem"
	done
}
prepare_bootops_inputs

# --- 3. .config --------------------------------------------------------------
# Generate into a scratch directory and only replace $OBJ/.config when the
# result differs, so an unchanged config never triggers rebuild work.
gen_config() {
	local gen="$BUILD/kconfig-gen"
	mkdir -p "$gen" "$OBJ"
	log "generating .config (allnoconfig + $(basename "$FRAGMENT"))"
	(
		cd "$SRC"
		export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
		# -n: allnoconfig base; unknown/unsettable symbols only warn.
		scripts/kconfig/merge_config.sh -n -O "$gen" "$FRAGMENT"
	) >"$gen/merge.log" 2>&1 || { cat "$gen/merge.log"; die "merge_config.sh failed"; }
	# Paths depend on where the repo lives, so they are set here.
	"$SRC/scripts/config" --file "$gen/.config" \
		--set-str KVM_ARM_BOOTOPS_MBEDTLS_DIR "$MBED" \
		--set-str KVM_ARM_BOOTOPS_KEY "$KEY_PUB" \
		--set-str KVM_ARM_BOOTOPS_MANIFEST_KEYS "$MANIFEST_KEYS"
	make -C "$SRC" O="$gen" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- olddefconfig \
		>>"$gen/merge.log" 2>&1 ||
		{ cat "$gen/merge.log"; die "olddefconfig failed"; }

	# Every fragment line must be in the result.
	local line sym missing=()
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) grep -qxF "$line" "$gen/.config" || missing+=("$line") ;;
		"# CONFIG_"*" is not set")
			sym=${line#"# "}; sym=${sym%% *}
			grep -q "^$sym=" "$gen/.config" && missing+=("$line") ;;
		esac
	done <"$FRAGMENT"
	if [ ${#missing[@]} -gt 0 ]; then
		echo "kernel: WARNING: fragment options that did not stick:" >&2
		for line in "${missing[@]}"; do
			sym=${line%%=*}; sym=${sym#"# "}; sym=${sym%% *}
			echo "kernel:   $line   (final: $(grep -E "^($sym=|# $sym is not set)" "$gen/.config" || echo 'absent/unknown'))" >&2
		done
	else
		log "all $(grep -c '^CONFIG_' "$FRAGMENT") fragment options set"
	fi

	if cmp -s "$gen/.config" "$OBJ/.config"; then
		log ".config unchanged"
	else
		cp "$gen/.config" "$OBJ/.config"
		log ".config updated"
	fi
}
gen_config

if [ "$config_only" = 1 ]; then
	if [ "$do_headers" = 1 ]; then install_headers; fi
	log "done"
	exit 0
fi

# --- 4. build -----------------------------------------------------------------
log "building Image (-j$JOBS, log: build/kbuild.log)"
start=$(date +%s)
if ! "${KMAKE[@]}" -j"$JOBS" Image >"$BUILD/kbuild.log" 2>&1; then
	grep -E -m40 'error|Error' "$BUILD/kbuild.log" >&2 || tail -n40 "$BUILD/kbuild.log" >&2
	die "kernel build failed (full log: build/kbuild.log)"
fi
grep -E ': warning:' "$BUILD/kbuild.log" | head -n20 | sed 's/^/kernel: /' >&2 || true
cp "$OBJ/arch/arm64/boot/Image" "$BUILD/Image"
log "built build/Image ($(du -h "$BUILD/Image" | cut -f1), $(kgit describe --always --tags), build step $(($(date +%s) - start))s)"

# --- 5. headers --------------------------------------------------------------
if [ "$do_headers" = 1 ]; then install_headers; fi
log "done"
