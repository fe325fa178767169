#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Lock mutants of the boot-ops core: for each lock acquisition in hyp/*.c
# (a line calling bootops_lock_vm() or bootops_lock()), build the host tests
# with that acquisition and its release removed, and check that a test
# fails.  A mutant that every test survives is a lock no test needs:
# either a test is missing or the lock is.
#
# With --checks, check mutants instead: each one-line check that refuses
# with an errno ("if (cond)" followed by "return -EXXX;") is removed, and
# a test must fail.  (Checks spread over several lines, or folded into an
# expression, are not mutated.)
#
#   scripts/lock-mutants.sh [--checks] [FILE...]   (default: every hyp/*.c core file)
#
# Each mutant is built in its own copy of the tree (build/mutants/), so the
# checkout and build/host stay as they are.  Runs the unit tests, the
# refinement binary's thread tests (stress, stress-vm) with a short model
# run, and the thread tests again under ThreadSanitizer.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$ROOT/build/mutants"
JOBS="${JOBS:-$(nproc)}"
REFINE_ARGS=(--runs 20 --steps 1000 --stress-seconds 3 --stress-vm-rounds 600)
T0=$(date +%s)

MODE=locks NAME=lock-mutants MUTANT_CFLAGS=
if [ "${1:-}" = --checks ]; then
	MODE=checks NAME=check-mutants
	# A check may be the only use of a helper.
	MUTANT_CFLAGS=-Wno-unused-function
	shift
fi
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(hyp/state.c hyp/vm.c hyp/image.c hyp/manifest.c hyp/attest.c
	hyp/io.c hyp/smmu.c hyp/memory.c)

# The lock lines of a file: "lineno<TAB>lock-call<TAB>its argument", or
# with --checks the check lines: "lineno<TAB>condition<TAB>errno".
mutant_sites() {
	python3 - "$1" "$MODE" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().split('\n')
for i, l in enumerate(lines):
    if sys.argv[2] == 'checks':
        m = re.match(r'\s*if \((.*)\)$', l)
        r = i + 1 < len(lines) and re.match(r'\s*return (-E[A-Z]+);$', lines[i + 1])
        if m and r:
            print(f"{i + 1}\t{m.group(1)}\t{r.group(1)}")
        continue
    m = re.match(r'\s*(bootops_lock(?:_vm)?)\((.*)\);\s*$', l)
    if m and 'lock_init' not in l:
        print(f"{i + 1}\t{m.group(1)}\t{m.group(2)}")
EOF
}

# Copy of the tree with lock line L of FILE and its releases removed, or
# with --checks the check at line L and its return.
make_mutant() {
	local file=$1 line=$2 dir=$3
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$ROOT" && cp -r Makefile hyp include selftests "$dir/")
	python3 - "$dir/$file" "$line" "$MODE" <<'EOF'
import re, sys
path, n = sys.argv[1], int(sys.argv[2]) - 1
lines = open(path).read().split('\n')
if sys.argv[3] == 'checks':
    del lines[n:n + 2]
    open(path, 'w').write('\n'.join(lines))
    sys.exit(0)
m = re.match(r'\s*bootops_lock(_vm)?\((.*)\);', lines[n])
unlock = re.compile(r'\s*bootops_unlock%s\(%s\);' % (m.group(1) or '', re.escape(m.group(2))))
lock = re.compile(re.escape(lines[n].strip()))
# Every release of this acquisition: up to the next one, or the function's end.
drop = [n]
for j in range(n + 1, len(lines)):
    if lines[j].startswith('}') or lock.match(lines[j].strip()):
        break
    if unlock.match(lines[j]):
        drop.append(j)
if len(drop) == 1:
    sys.exit('no unlock for line %d' % (n + 1))
for j in reversed(drop):
    del lines[j]
open(path, 'w').write('\n'.join(lines))
EOF
}

killed=0 survived=0 list=()
for file in "${files[@]}"; do
	while IFS=$'\t' read -r line call arg; do
		dir="$WORK/$(basename "$file" .c)-$line"
		make_mutant "$file" "$line" "$dir"
		fn=$(awk -v n="$line" 'NR <= n && /^[a-z].*\(/ { f = $0 } NR == n { print f }' "$ROOT/$file" |
		     sed 's/(.*//; s/.* \**//')
		what="$file:$line $fn(): $call($arg)"
		[ "$MODE" = locks ] || what="$file:$line $fn(): if ($call) return $arg"
		if ! make -C "$dir" -j"$JOBS" MUTANT_CFLAGS="$MUTANT_CFLAGS" build/host/unit \
				build/host/refine build/host/refine-tsan >"$dir/build.log" 2>&1; then
			echo "$NAME: $what: does not build (build/mutants/.../build.log)"
			exit 1
		fi
		if ! (cd "$dir" && timeout 300 build/host/unit) >"$dir/unit.log" 2>&1; then
			echo "$NAME: killed   $what (unit tests) [$(($(date +%s) - T0))s]"
			killed=$((killed + 1))
		elif ! (cd "$dir" && timeout 300 build/host/refine "${REFINE_ARGS[@]}") >"$dir/refine.log" 2>&1; then
			echo "$NAME: killed   $what ($(grep -m1 -o 'stress[-a-z]*: [0-9]* violations, first: .*' "$dir/refine.log" || echo refinement)) [$(($(date +%s) - T0))s]"
			killed=$((killed + 1))
		elif ! (cd "$dir" && TSAN_OPTIONS=halt_on_error=1 timeout 300 build/host/refine-tsan \
				--runs 0 "${REFINE_ARGS[@]:4}") >"$dir/tsan.log" 2>&1; then
			echo "$NAME: killed   $what ($(grep -m1 -o 'ThreadSanitizer: .*' "$dir/tsan.log" || echo ThreadSanitizer)) [$(($(date +%s) - T0))s]"
			killed=$((killed + 1))
		else
			echo "$NAME: SURVIVED $what [$(($(date +%s) - T0))s]"
			survived=$((survived + 1))
			list+=("$what")
		fi
		rm -rf "$dir"
	done < <(mutant_sites "$ROOT/$file")
done
echo "$NAME: $killed killed, $survived survived in $(($(date +%s) - T0)) s"
for w in "${list[@]}"; do echo "$NAME:   survived: $w"; done
[ "$survived" -eq 0 ]
