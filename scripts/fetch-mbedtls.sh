#!/usr/bin/env bash
# Fetch Debian's mbedTLS 2.28 source package into build/mbedtls-src/.
#
# The EL2 build (scripts/build-mbedtls-el2.sh) compiles a handful of
# mbedTLS library files freestanding; they come from the same Debian
# source package as the host's libmbedtls-dev, so host tests and hyp run
# the same code.  Nothing is copied into the repository.
#
# Idempotent: a stamp file makes the second run a no-op.  Needs root (or
# sudo) only the first time, to add a deb-src entry and run apt-get update.
#
#   scripts/fetch-mbedtls.sh            fetch unless already done
#   MBEDTLS_SRC_DIR=dir scripts/...     unpack elsewhere
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=${MBEDTLS_SRC_DIR:-$ROOT/build/mbedtls-src}
STAMP=$DEST/.fetched
SRC_LIST=/etc/apt/sources.list.d/bootops-src.sources

log() { echo "fetch-mbedtls: $*"; }
die() { echo "fetch-mbedtls: error: $*" >&2; exit 1; }

if [ -f "$STAMP" ] && [ -d "$(cat "$STAMP")" ]; then
	log "already fetched: $(cat "$STAMP")"
	exit 0
fi

command -v dpkg-source >/dev/null ||
	die "dpkg-source missing: install dpkg-dev (make deps)"

# 1. A deb-src entry.  Reuse the mirror(s) the machine already uses for
#    binary packages, so that this works wherever apt-get install works.
have_src() {
	apt-cache showsrc mbedtls 2>/dev/null | grep -q '^Version: 2\.28\.'
}

if have_src; then
	log "deb-src for mbedtls already known to apt"
else
	SUDO=
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null ||
			die "not root and no sudo: cannot add a deb-src entry"
		SUDO=sudo
	fi
	if [ ! -f "$SRC_LIST" ]; then
		log "adding $SRC_LIST"
		tmp=$(mktemp)
		if [ -f /etc/apt/sources.list.d/debian.sources ]; then
			# deb822: every "Types: deb" stanza becomes a deb-src one.
			awk '
				/^Types:/ && /(^|[ \t])deb([ \t]|$)/ { print "Types: deb-src"; next }
				{ print }
			' /etc/apt/sources.list.d/debian.sources >"$tmp"
		fi
		if ! grep -q '^Types: deb-src' "$tmp" 2>/dev/null; then
			cat >"$tmp" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
		fi
		sed -i '1i # bootops: source packages (scripts/fetch-mbedtls.sh)' "$tmp"
		$SUDO install -m 0644 "$tmp" "$SRC_LIST"
		rm -f "$tmp"
	else
		log "$SRC_LIST exists"
	fi
	log "apt-get update"
	# Errors from unrelated sources do not matter if mbedtls shows up.
	$SUDO apt-get update -q >/dev/null || log "apt-get update reported errors"
	have_src || die "apt knows no mbedtls 2.28 source package after update"
fi

# 2. The source itself.  apt-get source verifies the .dsc checksums
#    against the signed Sources index.
# The version of the installed libmbedtls-dev if apt has its source (host
# tests and hyp then run the same code), else the newest 2.28.
avail=$(apt-cache showsrc mbedtls | awk '/^Version: 2\.28\./ { print $2 }' | sort -uV)
ver=$(dpkg-query -W -f='${Version}' libmbedtls-dev 2>/dev/null || true)
if [ -z "$ver" ] || ! grep -qxF "$ver" <<<"$avail"; then
	ver=$(tail -n 1 <<<"$avail")
fi
log "apt-get source mbedtls=$ver -> $DEST"
mkdir -p "$DEST"
(
	cd "$DEST"
	# As root apt cannot drop to the _apt user in a directory it cannot
	# write; the warning about that is harmless.
	apt-get source -q "mbedtls=$ver" 2>&1 | grep -v -e '^W: Download is performed unsandboxed' \
		-e '^N: Download is performed unsandboxed' || true
)
dir=$(find "$DEST" -maxdepth 1 -type d -name 'mbedtls-2.28*' | sort -V | tail -n 1)
[ -n "$dir" ] && [ -f "$dir/library/ecdsa.c" ] ||
	die "apt-get source did not unpack mbedtls 2.28 into $DEST"
grep -q 'MBEDTLS_VERSION_STRING *"2\.28\.' "$dir/include/mbedtls/version.h" ||
	die "$dir is not mbedTLS 2.28"
# A stable name for the build script.
ln -sfn "$(basename "$dir")" "$DEST/mbedtls"
echo "$dir" >"$STAMP"
log "done: $dir ($(sed -n 's/.*MBEDTLS_VERSION_STRING *"\(.*\)".*/\1/p' "$dir/include/mbedtls/version.h"))"
