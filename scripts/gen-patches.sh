#!/usr/bin/env bash
# Generate patches/ (the series against Linux 6.12) from this tree.
#
#   scripts/gen-patches.sh          rewrite patches/
#   scripts/gen-patches.sh --check  fail if patches/ is out of date
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
check=0
[ "${1:-}" = "--check" ] && check=1

[ -d "$SRC/.git" ] || bash "$ROOT/scripts/build-kernel.sh" --unpack-only

export GIT_DIR="$SRC/.git"
export GIT_INDEX_FILE="$ROOT/build/series.index"
export GIT_AUTHOR_NAME="bootops developers" GIT_AUTHOR_EMAIL="bootops@localhost"
export GIT_COMMITTER_NAME="bootops developers" GIT_COMMITTER_EMAIL="bootops@localhost"
export GIT_AUTHOR_DATE="2026-11-25T00:00:00+00:00"
export GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"

git read-tree pristine
parent=$(git rev-parse pristine)
for step in "$SERIES"/*/; do
	git apply --cached "$step/hooks.diff"
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
		sed -e '/^index [0-9a-f]*\.\.[0-9a-f]* [0-7]*$/d' \
		    -e 's/^@@ -[0-9,]* +[0-9,]* @@/@@/' "$f" > "$2/${f##*/}"
	done
}

if [ $check = 1 ]; then
	if diff -r -q "$tmp" "$OUT" >/dev/null 2>&1; then
		echo "gen-patches: patches/ is up to date ($(ls "$tmp" | wc -l) patches)"
		exit 0
	fi
	trap 'rm -rf "$tmp" "$tmp.new" "$tmp.old"' EXIT
	normalize "$tmp" "$tmp.new"
	normalize "$OUT" "$tmp.old"
	if diff -r -q "$tmp.new" "$tmp.old" >/dev/null 2>&1; then
		echo "gen-patches: patches/ is up to date but for line numbers and blob ids" \
		     "(generated on another 6.12 point release than $(make -s -C "$SRC" kernelversion 2>/dev/null))"
		exit 0
	fi
	echo "gen-patches: patches/ is out of date; run scripts/gen-patches.sh" >&2
	diff -r -u "$OUT" "$tmp" | head -n 40 >&2 || true
	exit 1
fi
rm -rf "$OUT"
mkdir -p "$OUT"
cp "$tmp"/*.patch "$OUT"/
echo "gen-patches: wrote $(ls "$OUT" | wc -l) patches to patches/"
