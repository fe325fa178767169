#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The inverse of gen-patches.sh, for editing the series in a kernel tree:
# given a git tree whose commits pristine..HEAD are the series, one commit
# per kvm-glue/series/NN-*/ directory in order, write each directory's
# hooks.diff (the commit minus the files the directory's `files` lists).
# The repo's own files stay the source of truth: copy them in before
# committing, and run gen-patches.sh afterwards.
#
#   scripts/export-hooks.sh /path/to/linux [base]
#   scripts/export-hooks.sh --qemu build/qemu-7.2 [base]   (qemu/series/)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERIES="$ROOT/kvm-glue/series"
if [ "${1:-}" = --qemu ]; then
	SERIES="$ROOT/qemu/series"
	shift
fi
TREE=${1:?usage: export-hooks.sh <kernel git tree> [base]}
BASE=${2:-pristine}
mapfile -t commits < <(git -C "$TREE" rev-list --reverse "$BASE"..HEAD)
mapfile -t steps < <(ls -d "$SERIES"/*/)
if [ ${#commits[@]} != ${#steps[@]} ]; then
	echo "export-hooks: ${#commits[@]} commits but ${#steps[@]} series steps" >&2
	exit 1
fi
for i in "${!steps[@]}"; do
	step=${steps[$i]}
	excludes=()
	while read -r src dst; do
		case "$src" in ''|'#'*) continue ;; esac
		excludes+=(":(exclude)$dst")
	done < "$step/files"
	git -C "$TREE" diff --full-index "${commits[$i]}~1" "${commits[$i]}" -- . "${excludes[@]}" |
		sed -E 's/^index ([0-9a-f]{7})[0-9a-f]*\.\.([0-9a-f]{7})[0-9a-f]*/index \1..\2/' \
		> "$step/hooks.diff"
	echo "export-hooks: $(basename "$step") <- $(git -C "$TREE" log -1 --format=%s "${commits[$i]}")"
done
