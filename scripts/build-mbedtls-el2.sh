#!/usr/bin/env bash
# Build the EL2 (nVHE hyp) subset of mbedTLS 2.28 freestanding, the way the
# kernel's hyp objects are built, and check that it can live at EL2:
#
#   1. compile only the mbedTLS files that ECDSA P-256 verification and
#      SHA-256 need, plus hyp/crypto_mbedtls.c and hyp/mbedtls/*.c, with
#      aarch64-linux-gnu-gcc -nostdinc -ffreestanding -mgeneral-regs-only
#      and the shim headers of hyp/mbedtls/include;
#   2. link them together (ld -r, as kvm_nvhe.o is) and fail unless the
#      only undefined symbols are memcpy, memmove, memset (the hyp has them
#      from arch/arm64/lib) and bootops_trust_anchor (the kernel build
#      generates it with tools/bootops-sign);
#   3. fail if any mbedTLS file is not needed (dropping it must add an
#      undefined symbol);
#   3b. fail if bootops's objects have writable initialised data (hyp maps
#      none: mbedTLS's heap is calloc()/free() over a .bss arena, bound at
#      compile time, with no run-time hooks) or if mbedTLS's has any other
#      section than .data, which the kernel build moves to read-only data;
#   4. fail if any FP/SIMD instruction or register appears;
#   5. report code size and the worst-case stack of the verification,
#      signing and key-derivation paths (the nVHE stack is one 4 KiB page);
#   6. if a configured kernel tree is in build/kbuild, compile the same
#      files with the kernel's own nVHE command line (shims' kernel branch).
#
# Output: build/mbedtls-el2/libbootops-mbedtls.a, bootops-mbedtls-el2.o
# (the same objects linked), report.txt.
#
#   scripts/build-mbedtls-el2.sh        (CROSS=aarch64-linux-gnu- by default)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/build/mbedtls-el2}
CROSS=${CROSS:-aarch64-linux-gnu-}
CC="${CROSS}gcc"

log() { echo "mbedtls-el2: $*"; }
die() { echo "mbedtls-el2: FAIL: $*" >&2; exit 1; }

command -v "$CC" >/dev/null || die "$CC not found (make deps: gcc-aarch64-linux-gnu)"
command -v python3 >/dev/null || die "python3 not found (make deps)"

bash "$ROOT/scripts/fetch-mbedtls.sh"
MBED=$(cat "${MBEDTLS_SRC_DIR:-$ROOT/build/mbedtls-src}/.fetched")
[ -f "$MBED/library/ecdsa.c" ] || die "no mbedTLS source in $MBED"

# The minimal set: each one is needed (step 3 proves it).
MBEDTLS_FILES=$(grep -v '^#' "$ROOT/hyp/mbedtls/sources.list")
BOOTOPS_FILES="hyp/crypto_mbedtls.c hyp/mbedtls/platform_el2.c hyp/mbedtls/string_el2.c"

# Code generation as in arch/arm64/kvm/hyp/nvhe (see its .o.cmd files):
# no FP/SIMD, no PIE, no stack protector, no unwind tables, LP64.
# -ffreestanding + -mno-outline-atomics: no libc and no libgcc here.  (The
# kernel build has no -ffreestanding, and port.h uses hyp spinlocks there
# instead of __atomic builtins; memcpy/memmove/memset come from
# arch/arm64/lib, memcmp/strlen/strcmp from hyp/mbedtls/string_el2.c.)
CFLAGS=(-std=gnu11 -O2 -ffreestanding -nostdinc
	-mgeneral-regs-only -mabi=lp64 -mlittle-endian -mno-outline-atomics
	-mbranch-protection=none -fno-common -fno-PIE -fno-stack-protector
	-fno-strict-aliasing -fno-strict-overflow -fno-delete-null-pointer-checks
	-funsigned-char -fshort-wchar -fno-asynchronous-unwind-tables
	-fno-unwind-tables -fno-omit-frame-pointer -ftrivial-auto-var-init=zero
	-fstack-usage -fcallgraph-info=su)
INC=(-I"$ROOT/hyp/mbedtls/include" -I"$ROOT/hyp/mbedtls" -I"$MBED/include"
	-I"$ROOT/include" -I"$ROOT/hyp/include"
	-DMBEDTLS_CONFIG_FILE='"bootops_mbedtls_config.h"')
# mbedTLS is third-party code: the nVHE build's warning set (6.12), reported,
# not fatal (it gives none today).
WARN_MBEDTLS=(-Wall -Wextra -Wundef -Werror=implicit-function-declaration
	-Werror=implicit-int -Werror=return-type -Werror=strict-prototypes
	-Wmissing-declarations -Wmissing-prototypes -Wframe-larger-than=2048 -Wvla
	-Wno-pointer-sign -Wcast-function-type -Wimplicit-fallthrough=5
	-Werror=incompatible-pointer-types -Wenum-conversion -Wunused
	-Wno-unused-but-set-variable -Wno-unused-const-variable
	-Wno-missing-field-initializers -Wno-type-limits -Wno-shift-negative-value
	-Wno-maybe-uninitialized -Wno-sign-compare -Wno-unused-parameter)
# Ours: fatal.
WARN_OURS=(-Wall -Wextra -Werror -Wundef -Wmissing-prototypes -Wframe-larger-than=2048)

rm -rf "$OUT"
mkdir -p "$OUT/obj"
: >"$OUT/warnings.txt"

log "compiling with $CC ($($CC -dumpfullversion)), mbedTLS from $MBED"
objs=()
for f in $MBEDTLS_FILES; do
	o="$OUT/obj/$f.o"
	"$CC" "${CFLAGS[@]}" "${INC[@]}" "${WARN_MBEDTLS[@]}" -c "$MBED/library/$f.c" \
		-o "$o" 2>>"$OUT/warnings.txt" || { cat "$OUT/warnings.txt" >&2; die "compiling $f.c"; }
	objs+=("$o")
done
for src in $BOOTOPS_FILES; do
	o="$OUT/obj/$(basename "$src" .c).o"
	"$CC" "${CFLAGS[@]}" "${INC[@]}" "${WARN_OURS[@]}" -c "$ROOT/$src" -o "$o" ||
		die "compiling $src"
	objs+=("$o")
done
nwarn=$(grep -c 'warning:' "$OUT/warnings.txt" || true)
log "compiled ${#objs[@]} objects ($nwarn warnings in mbedTLS sources: $OUT/warnings.txt)"

rm -f "$OUT/libbootops-mbedtls.a"
"${CROSS}ar" rcsD "$OUT/libbootops-mbedtls.a" "${objs[@]}"
"${CROSS}ld" -r -o "$OUT/bootops-mbedtls-el2.o" "${objs[@]}"

# 2. Undefined symbols of the whole set, linked as the hyp object would be.
# The others come from hyp's own objects: the keys the kernel build
# generates, the key lookup (hyp/verify.c), the SHA-256 instructions.
ALLOWED="memcpy memmove memset bootops_trust_anchor bootops_manifest_keys
	bootops_crypto_manifest_key bootops_sha256_ce_blocks"
undef=$("${CROSS}nm" -u "$OUT/bootops-mbedtls-el2.o" | awk '{ print $2 }' | sort)
log "undefined symbols: $(echo $undef)"
for s in $undef; do
	case " $(echo $ALLOWED) " in
	*" $s "*) ;;
	*) die "undefined symbol '$s' is not provided at EL2 (allowed: $ALLOWED)" ;;
	esac
done

# 3. Minimality: without any one mbedTLS file, something is missing.
for f in $MBEDTLS_FILES; do
	rest=()
	for o in "${objs[@]}"; do
		[ "$o" = "$OUT/obj/$f.o" ] || rest+=("$o")
	done
	"${CROSS}ld" -r -o "$OUT/minimal-check.o" "${rest[@]}"
	more=$("${CROSS}nm" -u "$OUT/minimal-check.o" | awk '{ print $2 }' | sort |
		comm -13 <(echo "$undef") - | head -n 3 | tr '\n' ' ')
	[ -n "$more" ] || die "$f.c is not needed: drop it from hyp/mbedtls/sources.list"
	echo "  $f.c needed for: $more"
done >"$OUT/needed.txt"
rm -f "$OUT/minimal-check.o"
log "each of the $(echo $MBEDTLS_FILES | wc -w) mbedTLS files is needed ($OUT/needed.txt)"

# 3b. Writable initialised data.  The nVHE hypervisor maps none, which is
#     why mbedTLS is configured without run-time hooks (no
#     mbedtls_platform_set_calloc_free(), no MBEDTLS_THREADING_C: both store
#     function pointers): mbedtls_calloc/free are calloc/free of
#     platform_el2.c, whose arena is in .bss.  bootops's objects must have
#     no such section at all.  mbedTLS's few initialised variables (it never
#     writes them) must be in plain .data: the kernel build renames exactly
#     that section to read-only data (kvm-glue/series/*-mbedtls/hooks.diff).
mbedtls_data=""
for o in "${objs[@]}"; do
	secs=$("${CROSS}readelf" -S -W "$o" | sed 's/^ *\[ *[0-9]*\] *//' |
		awk '$2 == "PROGBITS" && $7 ~ /W/ && $5 !~ /^0+$/ { print $1 }')
	secs=$(echo $secs)
	[ -z "$secs" ] && continue
	case " $(for f in $BOOTOPS_FILES; do basename "$f" .c; done | tr '\n' ' ') " in
	*" $(basename "$o" .o) "*)
		die "$(basename "$o"): writable initialised data ($secs): hyp maps none (use .bss or const)" ;;
	esac
	[ "$secs" = .data ] ||
		die "$(basename "$o"): writable sections other than .data ($secs): the kernel build moves only .data to read-only data"
	syms=$("${CROSS}nm" "$o" | awk '$2 ~ /^[dD]$/ { print $3 }')
	mbedtls_data="${mbedtls_data:+$mbedtls_data, }$(basename "$o") ($(echo $syms))"
done
log "writable initialised data: none in bootops's objects; mbedTLS's .data (moved to read-only by the kernel build): ${mbedtls_data:-none}"

# string_el2.c must not call anything (GCC could turn its loops into calls
# to the very functions they define).
if "${CROSS}objdump" -d "$OUT/obj/string_el2.o" | grep -qE '\sbl\s|\sb\s+[0-9a-f]+ <[a-z_]+>$'; then
	die "string_el2.o calls a string function"
fi

# 4. No FP/SIMD: mnemonics of the FP/AdvSIMD classes, or any operand that is
#    a SIMD&FP register (b/h/s/d/q/v<n>).  Branch targets are skipped (their
#    hex addresses could look like d0).
"${CROSS}objdump" -d --no-show-raw-insn "$OUT/bootops-mbedtls-el2.o" >"$OUT/disasm.txt"
python3 - "$OUT/disasm.txt" <<'PY' || die "FP/SIMD instructions found (see above)"
import re, sys
fp_mnem = re.compile(r'^(f[a-z0-9]+|[su]cvtf|ld[1-4]r?|st[1-4]|dup|ins|umov|smov|movi|mvni|'
                     r'[su]addlv|addv|[su]maxv|[su]minv|cnt|ext|tbl|tbx|zip[12]|uzp[12]|'
                     r'trn[12]|rev64|xtn2?|[su]shll2?|aes[a-z]+|sha[0-9a-z]+|pmull2?|eor3|bcax)$')
fp_reg = re.compile(r'^[bhsdqv]([0-9]|[12][0-9]|3[01])(\.[0-9]*[bhsdq])?(\[[0-9]+\])?$')
branch = re.compile(r'^(b|bl|b\.[a-z]+|cbn?z|tbn?z|adrp?)$')
bad = []
for line in open(sys.argv[1]):
    m = re.match(r'^\s*[0-9a-f]+:\s+(\S+)\s*(.*)$', line)
    if not m:
        continue
    mnem, ops = m.group(1), m.group(2).split('//')[0]
    if fp_mnem.match(mnem):
        bad.append(line.rstrip())
        continue
    if branch.match(mnem):
        continue
    for tok in re.split(r'[\s,\[\]{}!]+', ops):
        if fp_reg.match(tok):
            bad.append(line.rstrip())
            break
for b in bad[:20]:
    print('  ' + b)
sys.exit(1 if bad else 0)
PY
ninsn=$(grep -cE '^\s*[0-9a-f]+:' "$OUT/disasm.txt")
log "no FP/SIMD instruction or register in $ninsn instructions"

# 5. Size and stack.
"${CROSS}size" "${objs[@]}" "$OUT/bootops-mbedtls-el2.o" | sed "s|$OUT/obj/||; s|$OUT/||" >"$OUT/size.txt"
text=$(awk 'END { print $1 }' "$OUT/size.txt")
bss=$(awk 'END { print $3 }' "$OUT/size.txt")
log "size: text $text bytes, bss $bss bytes (incl. heap arena)"

# Worst-case stack from GCC's call graphs (-fcallgraph-info=su).
# mbedtls_calloc/free are macros for platform_el2.c's calloc/free, so
# allocation is a direct call; the indirect calls left on these paths are
# the curve's modp function and mbedtls_platform_zeroize()'s volatile
# memset pointer, resolved by hand below.
python3 - "$OUT/obj" >"$OUT/stack.txt" <<'PY' || die "stack analysis failed"
import glob, re, sys
nodes, edges = {}, {}
def n(name):			# static functions are titled "file.c:name"
    return name.rsplit(':', 1)[-1]
for ci in glob.glob(sys.argv[1] + '/*.ci'):
    txt = open(ci).read()
    for m in re.finditer(r'node: \{ title: "([^"]+)" label: "([^"]*)"', txt):
        su = re.search(r'(\d+) bytes \((static|dynamic|bounded)', m.group(2))
        name = n(m.group(1))
        if su or name not in nodes:
            nodes[name] = int(su.group(1)) if su else nodes.get(name, 0)
    for m in re.finditer(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"', txt):
        edges.setdefault(n(m.group(1)), set()).add(n(m.group(2)))
indirect_targets = {
    'ecp_modp': ['ecp_mod_p256'],
    'mbedtls_platform_zeroize': ['memset'],
    # f_rng: signing and key derivation pass only HMAC-DRBG's generator
    'mpi_fill_random_internal': ['mbedtls_hmac_drbg_random'],
    'mbedtls_mpi_random': ['mbedtls_hmac_drbg_random'],
    'ecp_randomize_jac': ['mbedtls_hmac_drbg_random'],
    'ecp_randomize_mxz': ['mbedtls_hmac_drbg_random'],
}
for src, tgts in indirect_targets.items():
    edges.setdefault(src, set()).update(tgts)
# Calls that cannot happen here: HMAC-DRBG reseeds only from an entropy
# callback, and hyp's DRBGs are seeded from a buffer (seed_buf), with none.
for src, tgt in (('mbedtls_hmac_drbg_random_with_add', 'hmac_drbg_reseed_core'),):
    edges.get(src, set()).discard(tgt)
memo = {}
def depth(f, path=()):
    if f in path:
        return 0, [f + ' (recursion)']
    if f in memo:
        return memo[f]
    best, bpath = 0, []
    for g in edges.get(f, ()):
        if g == '__indirect_call':
            continue
        d, p = depth(g, path + (f,))
        if d > best:
            best, bpath = d, p
    memo[f] = (nodes.get(f, 0) + best, [f] + bpath)
    return memo[f]
unresolved = sorted(s for s, t in edges.items() if '__indirect_call' in t and s not in indirect_targets)
for root in ('bootops_crypto_verify', 'bootops_crypto_verify_step', 'bootops_crypto_sign_step',
             'bootops_crypto_attest_init', 'bootops_crypto_sha256', 'bootops_mbedtls_init'):
    d, p = depth(root)
    print('%s: %d bytes' % (root, d))
    print('  path: ' + ' -> '.join('%s(%d)' % (f, nodes.get(f, 0)) for f in p))
print('indirect calls not resolved (not on these paths unless listed above): ' +
      ', '.join(unresolved))
big = sorted(nodes.items(), key=lambda kv: -kv[1])[:8]
print('largest frames: ' + ', '.join('%s %d' % kv for kv in big))
PY
verify_stack=$(awk '/^bootops_crypto_verify:/ { print $2 }' "$OUT/stack.txt")
sed 's/^/  /' "$OUT/stack.txt"
for root in bootops_crypto_verify bootops_crypto_verify_step bootops_crypto_sign_step \
	    bootops_crypto_attest_init; do
	need=$(awk -v r="$root:" '$1 == r { print $2 }' "$OUT/stack.txt")
	[ "$need" -lt 3072 ] ||
		die "$root needs $need bytes of stack: the nVHE stack is 4096"
done

# 6. The kernel's own command line, if a configured kernel build tree is
#    there (scripts/build-kernel.sh makes build/kbuild): the shims' kernel
#    branch (__KERNEL__: <linux/*.h>), port.h's hyp spinlock, -nostdinc
#    with only kernel include paths.  Same undefined-symbol rule.
KBUILD=${KBUILD:-$ROOT/build/kbuild}
kcmd_file=$KBUILD/arch/arm64/kvm/hyp/nvhe/.hyp-main.nvhe.o.cmd
kernel_check="skipped (no $kcmd_file)"
if [ -f "$kcmd_file" ]; then
	kcmd=$(sed -n 's/^savedcmd_[^ ]* := //p' "$kcmd_file" |
		sed 's/ -c -o .*//; s/^ccache //; s/ -Wp,-MMD,[^ ]*//')
	mkdir -p "$OUT/kernel-mode"
	kobjs=()
	for src in $(for f in $MBEDTLS_FILES; do echo "$MBED/library/$f.c"; done) \
		$(for f in $BOOTOPS_FILES; do echo "$ROOT/$f"; done); do
		o="$OUT/kernel-mode/$(basename "$src" .c).o"
		(cd "$KBUILD" && eval "$kcmd" -I"$ROOT/hyp/mbedtls/include" -I"$ROOT/hyp/mbedtls" \
			-I"$MBED/include" -I"$ROOT/include" -I"$ROOT/hyp/include" \
			"-DMBEDTLS_CONFIG_FILE='\"bootops_mbedtls_config.h\"'" -c "$src" -o "$o") \
			2>>"$OUT/kernel-mode/warnings.txt" || die "kernel-mode compile of $src"
		kobjs+=("$o")
	done
	"${CROSS}ld" -r -o "$OUT/kernel-mode/all.o" "${kobjs[@]}"
	kundef=$("${CROSS}nm" -u "$OUT/kernel-mode/all.o" | awk '{ print $2 }' | sort)
	for s in $kundef; do
		case " $(echo $ALLOWED) " in
		*" $s "*) ;;
		*) die "kernel-mode build: undefined symbol '$s'" ;;
		esac
	done
	kwarn=$(grep -c 'warning:' "$OUT/kernel-mode/warnings.txt" || true)
	kernel_check="OK with the nVHE command line of $KBUILD: undefined $(echo $kundef), $kwarn warnings"
fi
log "kernel-mode compile: $kernel_check"

{
	echo "mbedTLS: $MBED"
	echo "compiler: $CC $($CC -dumpfullversion)"
	echo "mbedTLS files: $(echo $MBEDTLS_FILES)"
	echo "bootops files: $BOOTOPS_FILES"
	echo "undefined symbols: $(echo $undef)"
	echo "writable initialised data: none in bootops's objects; mbedTLS's .data: ${mbedtls_data:-none}"
	echo "mbedTLS warnings (kernel warning set): $nwarn"
	echo "no FP/SIMD in $ninsn instructions"
	echo "kernel-mode compile: $kernel_check"
	echo
	cat "$OUT/size.txt"
	echo
	cat "$OUT/needed.txt"
	echo
	cat "$OUT/stack.txt"
} >"$OUT/report.txt"
log "OK: $OUT/libbootops-mbedtls.a ($OUT/report.txt)"
