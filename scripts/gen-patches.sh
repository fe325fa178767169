#!/usr/bin/env bash
# Generate patches/ (the series against Linux 6.12) from this tree.
#
#   scripts/gen-patches.sh          rewrite patches/
#   scripts/gen-patches.sh --check  fail if patches/ is out of date
#   scripts/gen-patches.sh --qemu [--check]
#                                   the same for the QEMU series: qemu/series/
#                                   against Debian's QEMU 7.2 into patches/qemu/
#
# Every source file lives once in the repo (hyp/, kvm-glue/, include/,
# Documentation/).  kvm-glue/series/NN-name/ says what patch NN is made of:
#   message     the commit message (first line: subject)
#   hooks.diff  edits to files that exist upstream, against the tree as it
#               stands after patch NN-1
#   files       "repo-path kernel-path" lines: files the patch adds
# The commits are built in a private index of the pristine kernel tree that
# scripts/build-kernel.sh unpacks (no checkout), with fixed authorship and
# dates, so the output is byte for byte reproducible.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC="$ROOT/build/linux-6.12"
SERIES="$ROOT/kvm-glue/series"
OUT="$ROOT/patches"
UNPACK="build-kernel.sh"
INDEX="$ROOT/build/series.index"
check=0
for arg in "$@"; do
	case "$arg" in
	--check) check=1 ;;
	--qemu)
		SRC="$ROOT/build/qemu-7.2"
		SERIES="$ROOT/qemu/series"
		OUT="$ROOT/patches/qemu"
		UNPACK="build-qemu.sh"
		INDEX="$ROOT/build/qemu-series.index" ;;
	*) echo "gen-patches: unknown option $arg" >&2; exit 2 ;;
	esac
done

[ -d "$SRC/.git" ] || bash "$ROOT/scripts/$UNPACK" --unpack-only

export GIT_DIR="$SRC/.git"
export GIT_INDEX_FILE="$INDEX"
export GIT_AUTHOR_NAME="bootops developers" GIT_AUTHOR_EMAIL="bootops@localhost"
export GIT_COMMITTER_NAME="bootops developers" GIT_COMMITTER_EMAIL="bootops@localhost"
export GIT_AUTHOR_DATE="2026-11-25T00:00:00+00:00"
export GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"

git read-tree pristine
parent=$(git rev-parse pristine)
for step in "$SERIES"/*/; do
	[ ! -s "$step/hooks.diff" ] || git apply --cached "$step/hooks.diff"
	while read -r src dst; do
		case "$src" in ''|'#'*) continue ;; esac
		[ -f "$ROOT/$src" ] || { echo "gen-patches: $src missing" >&2; exit 1; }
		blob=$(git hash-object -w "$ROOT/$src")
		git update-index --add --cacheinfo "100644,$blob,$dst"
	done < "$step/files"
	parent=$( { cat "$step/message"; echo; echo "Signed-off-by: $GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>"; } |
		git commit-tree "$(git write-tree)" -p "$parent" -F -)
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git format-patch -q --zero-commit --no-signature -o "$tmp" pristine.."$parent"

# What a patch says, not where it lands: blob ids and hunk line numbers
# change with Debian's 6.12 point release, the series does not.
normalize() {
	mkdir -p "$2"
	for f in "$1"/*.patch; do
		[ -f "$f" ] || continue
		sed -e '/^index [0-9a-f]*\.\.[0-9a-f]* [0-7]*$/d' \
		    -e 's/^@@ -[0-9,]* +[0-9,]* @@/@@/' "$f" > "$2/${f##*/}"
	done
}

if [ $check = 1 ]; then
	# Only the top level: patches/qemu/ is another series.
	if diff -q -x qemu "$tmp" "$OUT" >/dev/null 2>&1; then
		echo "gen-patches: ${OUT#"$ROOT"/}/ is up to date ($(ls "$tmp" | wc -l) patches)"
		exit 0
	fi
	trap 'rm -rf "$tmp" "$tmp.new" "$tmp.old"' EXIT
	normalize "$tmp" "$tmp.new"
	normalize "$OUT" "$tmp.old"
	if diff -q "$tmp.new" "$tmp.old" >/dev/null 2>&1; then
		echo "gen-patches: patches/ is up to date but for line numbers and blob ids" \
		     "(generated on another 6.12 point release than $(make -s -C "$SRC" kernelversion 2>/dev/null))"
		exit 0
	fi
	echo "gen-patches: ${OUT#"$ROOT"/}/ is out of date; run scripts/gen-patches.sh $*" >&2
	diff -u -x qemu "$OUT" "$tmp" | head -n 40 >&2 || true
	exit 1
fi
mkdir -p "$OUT"
rm -f "$OUT"/*.patch
cp "$tmp"/*.patch "$OUT"/
echo "gen-patches: wrote $(ls "$OUT"/*.patch | wc -l) patches to ${OUT#"$ROOT"/}/"
