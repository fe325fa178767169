#!/usr/bin/env bash
# Verify, off the machine that made them, the attestation reports the
# guests of selftests/qemu/bootops_attest.c got from hyp: the owner's
# tool (bootops-sign verify-report) checks each against hyp's public key,
# the guest's nonce and the owner's manifest or images, as a remote
# verifier would; and refuses each report where it must.
#
#   scripts/verify-attest.sh LOG [NAME]
#
# LOG is a QEMU console log with the test's "# attest NAME KIND I/N HEX"
# lines.  Prints one TAP-like line per check; exits 1 if any fails (or if
# the log has no reports to check).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
LOG=${1:?usage: verify-attest.sh LOG [NAME]}
NAME=${2:-attest}
SIGN="$BUILD/tools/bootops-sign"
VMM="$BUILD/vmm"
LOAD_ADDR=0x80000000	# scripts/build-vmm.sh
DATA_ADDR=0x80100000

[ -x "$SIGN" ] || make -s -C "$ROOT/tools/bootops-sign" >/dev/null
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# Reassemble each NAME.KIND from its numbered chunks; a missing chunk
# leaves no file, and the checks that need it fail.
python3 - "$LOG" "$W" <<'PY'
import re, sys
parts = {}
for line in open(sys.argv[1], errors='replace'):
    m = re.search(r'# attest (\S+) (key|nonce|report) (\d+)/(\d+) ([0-9a-f]+)\s*$', line)
    if m:
        name, kind, i, n, hexs = m.groups()
        parts.setdefault((name, kind, int(n)), {})[int(i)] = hexs
for (name, kind, n), chunks in parts.items():
    if sorted(chunks) == list(range(1, n + 1)):
        open('%s/%s.%s' % (sys.argv[2], name, kind), 'w').write(
            ''.join(chunks[i] for i in range(1, n + 1)) + '\n')
PY

n=0 failed=0
result() {	# result OK|FAIL NAME DETAIL
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "$NAME: ok $n - $2"
	else
		failed=$((failed + 1))
		echo "$NAME: not ok $n - $2 # $3"
	fi
}

# verify NAME KEY REPORT NONCE [ARGS...]: runs verify-report; output in $W/out
verify() {
	local key=$1 report=$2 nonce=$3
	shift 3
	[ -f "$W/$report.report" ] && [ -f "$W/$nonce.nonce" ] && [ -f "$key" ] || {
		echo "missing $report.report, $nonce.nonce or $key" >"$W/out"
		return 3
	}
	"$SIGN" verify-report --key "$key" --nonce "$(cat "$W/$nonce.nonce")" "$@" \
		"$W/$report.report" >"$W/out" 2>&1
}

accept() {	# accept DESCRIPTION verify-args...
	local what=$1
	shift
	if verify "$@"; then
		result OK "$what"
	else
		result FAIL "$what" "$(head -c 200 "$W/out" | tr '\n' '|')"
	fi
}

refuse() {	# refuse DESCRIPTION REASON-REGEX verify-args...
	local what=$1 why=$2 rc=0
	shift 2
	verify "$@" || rc=$?
	if [ "$rc" = 1 ] && grep -qiE "$why" "$W/out"; then
		result OK "$what"
	else
		result FAIL "$what" "exit $rc: $(head -c 200 "$W/out" | tr '\n' '|')"
	fi
}

KEY="$W/hyp.key"
MAN=(--manifest "$VMM/m-att.man")
MAN2=(--manifest "$VMM/m-att2.man" --image "$LOAD_ADDR:$VMM/attest.bin"
      --image "$DATA_ADDR:$VMM/blob-a.bin")
IMG=(--image "$LOAD_ADDR:$VMM/attest.bin")
# Another P-256 key than hyp's: the owner's image key, as hex of its point.
OTHER="$W/other.key"
openssl pkey -in "$BUILD/keys/other.pem" -pubout -outform DER 2>/dev/null |
	tail -c 65 | od -An -v -tx1 | tr -d ' \n' >"$OTHER"

accept "the manifest guest's report verifies: hyp's key, its nonce, the owner's manifest" \
	"$KEY" manifest manifest "${MAN[@]}" "${IMG[@]}"
accept "a guest of two images attests both: the owner's second manifest" \
	"$KEY" other-manifest other-manifest "${MAN2[@]}"
accept "a guest verified one image at a time attests its image, and no manifest" \
	"$KEY" per-image per-image "${IMG[@]}"
refuse "a report with another nonce than the verifier's is refused" nonce \
	"$KEY" manifest other-manifest "${MAN[@]}"
refuse "a report of another VM (another manifest) is refused" 'manifest|image' \
	"$KEY" other-manifest other-manifest "${MAN[@]}"
refuse "a report of a VM without a manifest does not pass for the manifest's" 'manifest' \
	"$KEY" per-image per-image "${MAN[@]}"
refuse "a report checked with another key than hyp's is refused" 'signature' \
	"$OTHER" manifest manifest "${MAN[@]}"

echo "$NAME: $((n - failed))/$n passed"
[ "$failed" = 0 ]
