#!/usr/bin/env bash
# Tests of tools/bootops-sign (make -C tools/bootops-sign test).
#
#   1. the command line: keygen, sign, verify, anchor, manifest, report,
#      verify-report, and their errors (closing line "cli: N passed, N failed");
#   2. the cross-check: test_cross.c, linked with hyp's own verify.c and
#      crypto_mbedtls.c and an anchor made by `bootops-sign anchor`, must
#      accept the tool's signatures and reject every change (closing line
#      "bootops-sign: N passed, N failed", the last line of the run).
#
# Environment: O (build dir with bootops-sign), CC.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
O=${O:-$ROOT/build/tools}
CC=${CC:-cc}
TOOL=$O/bootops-sign
W=$O/bootops-sign-test
[ -x "$TOOL" ] || { echo "test.sh: $TOOL not built (make -C tools/bootops-sign)" >&2; exit 2; }
rm -rf "$W"
mkdir -p "$W"
cd "$W"

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok $((pass + fail)) - $*"; }
notok() { fail=$((fail + 1)); echo "not ok $((pass + fail)) - $*"; }

# sig_der RAW OUT: a raw r || s signature as the DER that openssl reads.
sig_der() {
	python3 - "$1" "$2" <<'PY'
import sys
raw = open(sys.argv[1], 'rb').read()
def der_int(b):
    b = b.lstrip(b'\0') or b'\0'
    if b[0] & 0x80:
        b = b'\0' + b
    return b'\x02' + bytes([len(b)]) + b
body = der_int(raw[:32]) + der_int(raw[32:])
open(sys.argv[2], 'wb').write(b'\x30' + bytes([len(body)]) + body)
PY
}

# expect CODE PATTERN DESC -- CMD...: exit status CODE and PATTERN (grep -E)
# in its stdout+stderr.
expect() {
	local code=$1 pat=$2 desc=$3 out rc
	shift 4
	set +e
	out=$("$@" 2>&1)
	rc=$?
	set -e
	if [ "$rc" -eq "$code" ] && grep -qE -- "$pat" <<<"$out"; then
		ok "$desc"
	else
		notok "$desc (exit $rc, wanted $code; output: $(head -c 300 <<<"$out" | tr '\n' ' '))"
	fi
}

A=0x80000000		# a 4 KiB-aligned guest address

# Images: one odd size, one exact page, one multi-page.
head -c 12345 /dev/urandom >img
head -c 4096 /dev/urandom >page
head -c 200000 /dev/urandom >big

# --- keys -----------------------------------------------------------
expect 0 'wrote' "keygen writes a key pair" -- "$TOOL" keygen key.pem key.pub
if [ "$(stat -c %a key.pem)" = 600 ] && grep -q 'BEGIN EC PRIVATE KEY' key.pem &&
	grep -q 'BEGIN PUBLIC KEY' key.pub; then
	ok "private key is SEC1 PEM, mode 0600; public key is SubjectPublicKeyInfo PEM"
else
	notok "key file formats/modes ($(stat -c %a key.pem))"
fi
expect 2 'File exists.*--force' "keygen refuses to overwrite a key" -- "$TOOL" keygen key.pem key.pub
expect 0 'wrote' "keygen --force overwrites" -- "$TOOL" keygen --force other.pem other.pub
expect 0 'wrote' "keygen: a second, different key" -- "$TOOL" keygen --force other.pem other.pub
cmp -s key.pub other.pub && notok "two keygens gave the same key" || ok "two keygens give different keys"

# --- sign / verify ---------------------------------------------------
expect 0 '' "sign" -- "$TOOL" sign --key key.pem --load-addr $A img img.sig
[ "$(stat -c %s img.sig)" = 64 ] && ok "signature file is 64 bytes" || notok "signature size $(stat -c %s img.sig)"
expect 0 '^OK$' "verify: good signature -> OK, exit 0" -- \
	"$TOOL" verify --pubkey key.pub --load-addr $A img img.sig
expect 0 '^OK$' "verify: same address in decimal" -- \
	"$TOOL" verify --pubkey key.pub --load-addr 2147483648 img img.sig
expect 0 '^OK$' "verify: --opt=value form" -- \
	"$TOOL" verify --pubkey=key.pub --load-addr=$A img img.sig
"$TOOL" sign --key key.pem --load-addr $A img img.sig2
cmp -s img.sig img.sig2 && ok "signing is deterministic (RFC 6979)" || notok "signing not deterministic"

# flip_bit FILE OFFSET MASK: xor one byte in place.
flip_bit() {
	local b
	b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\x%02x' $((b ^ $3)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
cp img flip
flip_bit flip 6000 0x10
[ "$(cmp -l img flip | wc -l)" = 1 ] || notok "test setup: flip"
expect 1 '^BAD SIGNATURE$' "one flipped bit in the image -> BAD SIGNATURE, exit 1" -- \
	"$TOOL" verify --pubkey key.pub --load-addr $A flip img.sig
expect 1 '^BAD SIGNATURE$' "another key -> BAD SIGNATURE" -- \
	"$TOOL" verify --pubkey other.pub --load-addr $A img img.sig
expect 1 '^BAD SIGNATURE$' "another load address (+4 KiB) -> BAD SIGNATURE" -- \
	"$TOOL" verify --pubkey key.pub --load-addr 0x80001000 img img.sig
head -c 12344 img >short
expect 1 '^BAD SIGNATURE$' "truncated image -> BAD SIGNATURE" -- \
	"$TOOL" verify --pubkey key.pub --load-addr $A short img.sig
{ cat img; printf '\0'; } >long
expect 1 '^BAD SIGNATURE$' "image with a zero byte appended -> BAD SIGNATURE" -- \
	"$TOOL" verify --pubkey key.pub --load-addr $A long img.sig
cp img.sig badsig
flip_bit badsig 63 0x01
expect 1 '^BAD SIGNATURE$' "one flipped bit in the signature -> BAD SIGNATURE" -- \
	"$TOOL" verify --pubkey key.pub --load-addr $A img badsig
head -c 63 img.sig >sig63
expect 2 'exactly 64 bytes' "truncated signature file (63 bytes) -> error, exit 2" -- \
	"$TOOL" verify --pubkey key.pub --load-addr $A img sig63
{ cat img.sig; printf 'x'; } >sig65
expect 2 'exactly 64 bytes' "65-byte signature file -> error" -- \
	"$TOOL" verify --pubkey key.pub --load-addr $A img sig65
: >empty
expect 2 'exactly 64 bytes' "empty signature file -> error" -- \
	"$TOOL" verify --pubkey key.pub --load-addr $A img empty
expect 2 'empty image' "empty image -> error" -- \
	"$TOOL" sign --key key.pem --load-addr $A empty e.sig
expect 2 'not 4 KiB aligned' "unaligned address -> error" -- \
	"$TOOL" sign --key key.pem --load-addr 0x80000800 img u.sig
expect 2 'not a decimal or 0x-hex' "malformed address -> error" -- \
	"$TOOL" sign --key key.pem --load-addr 12abc img u.sig
expect 2 'does not fit in 64 bits' "address beyond 64 bits -> error" -- \
	"$TOOL" sign --key key.pem --load-addr 0x10000000000000000 img u.sig
expect 2 'wraps around' "image that would wrap the address space -> error" -- \
	"$TOOL" sign --key key.pem --load-addr 0xfffffffffffff000 img u.sig
expect 2 'cannot open missing' "unreadable image -> error" -- \
	"$TOOL" sign --key key.pem --load-addr $A missing u.sig
expect 2 'cannot open nokey.pem' "unreadable key -> error" -- \
	"$TOOL" sign --key nokey.pem --load-addr $A img u.sig
[ ! -e u.sig ] && ok "no signature file is left behind by a failed sign" || notok "u.sig exists"
head -c 100 key.pem >trunc.pem
expect 2 'not a private key' "truncated private key file -> error" -- \
	"$TOOL" sign --key trunc.pem --load-addr $A img u.sig
head -c 100 key.pub >trunc.pub
expect 2 'not a public key' "truncated public key file -> error" -- \
	"$TOOL" verify --pubkey trunc.pub --load-addr $A img img.sig
expect 2 'is a public key' "public key given to sign -> error" -- \
	"$TOOL" sign --key key.pub --load-addr $A img u.sig

# Keys of the wrong type (throwaway test keys, made with openssl).
cat >p384.pem <<'EOF'
-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDDfeY7CucUNSepIG2p9
C3vhfHdHQ6ZvmkJdn/dlDunL33fZSMfKri507aR9LzCwNb2hZANiAARSg2lbiq6J
sZg3lxR9c3bqkzMxNl4H/yKmCYGh1XDDdnCGdHHmUL6O/fuzLxxDmOcfWADzISow
oCjuL4a4bpT7TuWbted7eKUGgc9oo/fYpLMoHECkQGbf3VMa24a6G1k=
-----END PRIVATE KEY-----
EOF
cat >rsa.pub <<'EOF'
-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCk85gM49rrMIxGzTwdrKDmze4Z
WA8wAhgsDZx0McxEBwMI/rtuzLzUp0bCv6KlyQb+6hysQFkPmaRGGPhAdG7KLyZ8
Dk70/ub5EEb/awV+Yg5AIFhZ39XbaiUDUOBUpg0o5QEbjjxwINVDeCK6Ghja2PxD
ntdqJgWpiqiBi6QRPQIDAQAB
-----END PUBLIC KEY-----
EOF
# A P-256 key in PKCS#8 form (openssl genpkey's default output).
cat >pkcs8.pem <<'EOF'
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPvzb1i47PtSYJXVF
AIsSNumscnHRDIRE5WUNiyNsukmhRANCAAQCIltwaSjLA939aZEQ/qLz+qhZ0Cxb
8eQMU6Ru2PmLbr3Q4B2Od9+FDC4UJ9xhfYn6xsKfnHwPk+QiwqF6e04X
-----END PRIVATE KEY-----
EOF
expect 2 'secp384r1.*needs P-256' "P-384 key for sign -> error" -- \
	"$TOOL" sign --key p384.pem --load-addr $A img u.sig
expect 2 'RSA key.*P-256' "RSA key for verify -> error" -- \
	"$TOOL" verify --pubkey rsa.pub --load-addr $A img img.sig
expect 2 'RSA key.*P-256' "RSA key for anchor -> error" -- "$TOOL" anchor rsa.pub rsa.c
expect 2 'secp384r1' "P-384 key for anchor -> error" -- "$TOOL" anchor p384.pem p384.c
[ ! -e rsa.c ] && [ ! -e p384.c ] && ok "no anchor file is written for a refused key" ||
	notok "anchor written for a wrong key"
expect 0 '' "PKCS#8 P-256 private key signs" -- \
	"$TOOL" sign --key pkcs8.pem --load-addr 0 page page8.sig
expect 0 '^OK$' "... and verifies with that private key file as the public key" -- \
	"$TOOL" verify --pubkey pkcs8.pem --load-addr 0 page page8.sig

sed '1d;$d' key.pub | base64 -d >key.pub.der
expect 0 '^OK$' "DER public key verifies" -- \
	"$TOOL" verify --pubkey key.pub.der --load-addr $A img img.sig

# --- usage ----------------------------------------------------------
expect 2 'missing command' "no arguments -> usage, exit 2" -- "$TOOL"
expect 2 "unknown command" "unknown command -> usage" -- "$TOOL" frobnicate
expect 2 'unknown option --frob' "unknown option -> usage" -- \
	"$TOOL" sign --frob --key key.pem --load-addr $A img u.sig
expect 2 'needs IMAGE and SIG' "missing SIG -> usage" -- \
	"$TOOL" sign --key key.pem --load-addr $A img
expect 2 '--load-addr is required' "missing --load-addr -> usage" -- \
	"$TOOL" verify --pubkey key.pub img img.sig
expect 2 'too many arguments' "extra argument -> usage" -- \
	"$TOOL" verify --pubkey key.pub --load-addr $A img img.sig extra
expect 0 'ECDSA P-256' "--help" -- "$TOOL" --help
expect 0 'usage: bootops-sign' "sign --help" -- "$TOOL" sign --help

# --- interoperability: OpenSSL checks the same bytes ------------------
# The header is rebuilt here independently (python3), the raw r || s is
# DER-encoded, and openssl verifies ECDSA-SHA256 over the header.
if command -v openssl >/dev/null && command -v python3 >/dev/null; then
	python3 - img $A hdr.bin <<'PY'
import hashlib, struct, sys
img, addr, hdr_out = sys.argv[1:]
data = open(img, 'rb').read()
hdr = b'BOOTOPS1' + struct.pack('<QQQ', int(addr, 0), len(data), 0) + hashlib.sha256(data).digest()
assert len(hdr) == 64
open(hdr_out, 'wb').write(hdr)
PY
	sig_der img.sig sig.der
	expect 0 'Verified OK' "OpenSSL verifies the signature over an independently built header" -- \
		openssl dgst -sha256 -verify key.pub -signature sig.der hdr.bin
else
	echo "ok $((pass + fail + 1)) - # SKIP OpenSSL interoperability (no openssl or python3)"
	pass=$((pass + 1))
fi

# --- anchor -----------------------------------------------------------
expect 0 'wrote anchor.c' "anchor writes a C file" -- "$TOOL" anchor key.pub anchor.c
if grep -q 'const u8 bootops_trust_anchor\[BOOTOPS_PUBKEY_SIZE\]' anchor.c &&
	grep -q '#include <bootops/trust_anchor.h>' anchor.c &&
	[ "$(grep -o '0x[0-9a-f][0-9a-f],' anchor.c | wc -l)" = 65 ] &&
	grep -q '^	0x04,' anchor.c; then
	ok "anchor.c defines bootops_trust_anchor: 65 bytes, 0x04 first"
else
	notok "anchor.c content"
fi
expect 0 '' "anchor.c compiles (-Wall -Wextra -Werror)" -- \
	"$CC" -Wall -Wextra -Werror -I"$ROOT/include" -I"$ROOT/hyp/include" -c anchor.c -o anchor.o
"$TOOL" anchor key.pem anchor-from-priv.c >/dev/null 2>&1
cmp -s <(grep 0x anchor.c) <(grep 0x anchor-from-priv.c) &&
	ok "anchor from the private key file is the same point" || notok "anchor from private key differs"

# --- manifest ---------------------------------------------------------
expect 0 '' "manifest of two images" -- "$TOOL" manifest --key key.pem --key-id 3 \
	--secver 7 --entry $A --raise-min --image "$A:img" --image 0x40200000:page m.man
[ "$(stat -c %s m.man)" = $((64 + 2 * 48 + 64)) ] && ok "manifest is 64 + 48 n + 64 bytes" ||
	notok "manifest size $(stat -c %s m.man)"
# Every field, and the signature, checked independently (python3 + openssl).
if command -v openssl >/dev/null && command -v python3 >/dev/null; then
	python3 - m.man img page $A man.signed man.sig <<'PY'
import hashlib, struct, sys
man, img, page, addr, signed_out, sig_out = sys.argv[1:]
m = open(man, 'rb').read()
want = b'BOOTMAN1' + struct.pack('<IIQQQ', 3, 2, 7, 2, int(addr, 0)) + bytes(24)
for a, f in ((int(addr, 0), img), (0x40200000, page)):
    d = open(f, 'rb').read()
    want += struct.pack('<QQ', a, len(d)) + hashlib.sha256(d).digest()
assert m[:len(want)] == want, "manifest fields differ"
open(signed_out, 'wb').write(m[:len(want)])
open(sig_out, 'wb').write(m[len(want):])
PY
	sig_der man.sig man.der
	expect 0 'Verified OK' "manifest: every field as specified, OpenSSL verifies its signature" -- \
		openssl dgst -sha256 -verify key.pub -signature man.der man.signed
else
	echo "ok $((pass + fail + 1)) - # SKIP manifest fields and OpenSSL (no openssl or python3)"
	pass=$((pass + 1))
fi
expect 2 'key-id must be' "manifest: key id 0 (the image key) refused" -- \
	"$TOOL" manifest --key key.pem --key-id 0 --image "$A:img" m0.man
expect 2 'at most 5 images' "manifest: a sixth image refused" -- \
	"$TOOL" manifest --key key.pem --key-id 1 --image "$A:img" --image "$A:img" \
	--image "$A:img" --image "$A:img" --image "$A:img" --image "$A:img" m6.man
expect 2 'ADDR:FILE' "manifest: --image without an address refused" -- \
	"$TOOL" manifest --key key.pem --key-id 1 --image img m7.man
[ ! -e m0.man ] && [ ! -e m6.man ] && [ ! -e m7.man ] && ok "no manifest is left behind by a refusal" ||
	notok "a refused manifest was written"

# --- attestation reports (include/bootops/attest.h) --------------------
# hex FILE: its bytes as lower-case hex, one line.
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }
head -c 64 /dev/urandom >nonce.bin
head -c 64 /dev/urandom >nonce2.bin
N=$(hex nonce.bin)
N2=$(hex nonce2.bin)
"$TOOL" keygen att.pem att.pub >/dev/null	# hyp's attestation key, here
IMGS=(--image "$A:img" --image 0x40200000:page)	# m.man's images
vr() { "$TOOL" verify-report "$@"; }

expect 0 '' "report for a manifest" -- "$TOOL" report --key att.pem --nonce "$N" --manifest m.man r.cose
expect 0 '^report: verified \(key id 3, security version 7, flags 0x2\)$' \
	"verify-report: the manifest's report verifies, exit 0" -- \
	vr --key att.pub --nonce "$N" --manifest m.man r.cose
out=$(vr --key att.pub --nonce "$N" --manifest m.man r.cose 2>&1) || true
if grep -qx "manifest: sha256 $(head -c 160 m.man | sha256sum | cut -c1-64)" <<<"$out" &&
	grep -qx "image 0: $A + 12345 sha256 $(sha256sum <img | cut -c1-64)" <<<"$out" &&
	grep -qx "image 1: 0x40200000 + 4096 sha256 $(sha256sum <page | cut -c1-64)" <<<"$out"; then
	ok "verify-report: summary names the manifest digest and each image"
else
	notok "verify-report summary: $(tr '\n' ' ' <<<"$out")"
fi
expect 0 '' "report for images only" -- "$TOOL" report --key att.pem --nonce "$N" "${IMGS[@]}" ri.cose
expect 0 '^report: verified \(key id 0, security version 0, flags 0x0\)$' \
	"verify-report: images only round trip" -- vr --key att.pub --nonce "$N" "${IMGS[@]}" ri.cose
expect 0 '' "report for a manifest and its image files" -- \
	"$TOOL" report --key att.pem --nonce "$N" --manifest m.man "${IMGS[@]}" rmi.cose
cmp -s r.cose rmi.cose && ok "... the same bytes as the manifest's report (deterministic ECDSA)" ||
	notok "report from the manifest and its files differs from the manifest's"
expect 0 '^report: verified' "verify-report: manifest and images round trip" -- \
	vr --key att.pub --nonce "$N" --manifest m.man "${IMGS[@]}" r.cose
expect 1 'verify-report: nonce differs$' "verify-report: another nonce -> refused, exit 1" -- \
	vr --key att.pub --nonce "$N2" --manifest m.man r.cose
"$TOOL" manifest --key key.pem --key-id 3 --secver 7 --raise-min --image "$A:big" \
	--image 0x40200000:page m2.man
"$TOOL" report --key att.pem --nonce "$N" --manifest m2.man r2.cose
expect 1 'verify-report: manifest digest differs' \
	"verify-report: the report of another manifest (same key, other images) -> refused" -- \
	vr --key att.pub --nonce "$N" --manifest m.man r2.cose
"$TOOL" report --key att.pem --nonce "$N" --image "$A:big" --image 0x40200000:page ri2.cose
expect 1 'verify-report: image 0 size 200000 differs from img.s \(12345\)$' \
	"verify-report: the report of other image files -> refused" -- \
	vr --key att.pub --nonce "$N" "${IMGS[@]}" ri2.cose
expect 1 'verify-report: signature does not verify with other.pub$' \
	"verify-report: another P-256 key -> refused" -- \
	vr --key other.pub --nonce "$N" --manifest m.man r.cose
cp r.cose rp.cose
flip_bit rp.cose 60 0x01		# in the nonce claim, inside the payload
expect 1 'signature does not verify' "verify-report: one flipped byte in the payload -> refused" -- \
	vr --key att.pub --nonce "$N" --manifest m.man rp.cose
cp r.cose rs.cose
flip_bit rs.cose $(($(stat -c %s r.cose) - 1)) 0x80
expect 1 'signature does not verify' "verify-report: one flipped byte in the signature -> refused" -- \
	vr --key att.pub --nonce "$N" --manifest m.man rs.cose
od -An -v -tx1 r.cose >r.hex		# spaces and line breaks, as over a UART
expect 0 '^report: verified' "verify-report: the report in hex verifies" -- \
	vr --key att.pub --nonce "$N" --manifest m.man r.hex
sed '1d;$d' att.pub | base64 -d | tail -c 65 >att.point
{ hex att.point; echo; } >att.hex
expect 0 '^report: verified' "verify-report: the key as 130 hex digits (04 || X || Y) verifies" -- \
	vr --key att.hex --nonce "$N" --manifest m.man r.cose
expect 1 'signature does not verify' "verify-report: another key in hex -> refused" -- \
	vr --key <(sed '1d;$d' other.pub | base64 -d | tail -c 65 | od -An -v -tx1 | tr -d ' \n') \
	--nonce "$N" --manifest m.man r.cose
head -c 200 r.cose >rt.cose
expect 1 'verify-report: report is truncated' "verify-report: a truncated report -> refused" -- \
	vr --key att.pub --nonce "$N" --manifest m.man rt.cose
{ cat r.cose; printf '\0'; } >rx.cose
expect 1 '1 bytes after the COSE_Sign1' "verify-report: a byte after the report -> refused" -- \
	vr --key att.pub --nonce "$N" --manifest m.man rx.cose
expect 1 'not a COSE_Sign1 \(tag 18\)' "verify-report: a manifest given as the report -> refused" -- \
	vr --key att.pub --nonce "$N" --manifest m.man m.man
expect 1 'image 0 digest differs from SHA-256 of flip$' \
	"verify-report: an image file that differs from the report's -> refused" -- \
	vr --key att.pub --nonce "$N" --manifest m.man --image "$A:flip" --image 0x40200000:page r.cose
"$TOOL" report --key att.pem --nonce "$N" --manifest m.man --image "$A:flip" \
	--image 0x40200000:page rf.cose
expect 1 "image 0 digest differs from the manifest's$" \
	"verify-report: a report whose image digest is not the manifest's -> refused" -- \
	vr --key att.pub --nonce "$N" --manifest m.man rf.cose
expect 1 'manifest claim is null' "verify-report: an images-only report given --manifest -> refused" -- \
	vr --key att.pub --nonce "$N" --manifest m.man ri.cose
expect 1 'manifest claim is not null' "verify-report: a manifest's report without --manifest -> refused" -- \
	vr --key att.pub --nonce "$N" "${IMGS[@]}" r.cose
expect 2 'wants 128 hex digits' "report: a 63-byte nonce -> error, exit 2" -- \
	"$TOOL" report --key att.pem --nonce "${N:2}" --manifest m.man ru.cose
expect 2 'needs --manifest or at least one --image' "report: neither manifest nor image -> usage" -- \
	"$TOOL" report --key att.pem --nonce "$N" ru.cose
expect 2 'm.man has 2 images, --image gives 1' "report: fewer image files than the manifest's -> error" -- \
	"$TOOL" report --key att.pem --nonce "$N" --manifest m.man --image "$A:img" ru.cose
[ ! -e ru.cose ] && ok "no report is left behind by a refusal" || notok "a refused report was written"
head -c 64 att.hex >att.short
expect 2 'a key in hex is 130 hex digits' "verify-report: a key of 64 hex digits -> error, exit 2" -- \
	vr --key att.short --nonce "$N" --manifest m.man r.cose

# Independently of libcbor: the payload rebuilt in Python from the
# manifest, OpenSSL checking the signature over a Sig_structure built in
# Python, and reports encoded in Python and signed by OpenSSL, one
# departure from attest.h each, which verify-report must refuse.
if command -v openssl >/dev/null && command -v python3 >/dev/null; then
	cat >cose.py <<'PY'
import hashlib, struct, subprocess, sys

class Raw(bytes): pass		# already encoded
class Map(list): pass		# [(key, value)]: order and duplicates kept

def head(mt, n):
    if n < 24:
        return bytes([mt << 5 | n])
    for ai, w in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << 8 * w:
            return bytes([mt << 5 | ai]) + n.to_bytes(w, 'big')

def enc(x):
    if isinstance(x, Raw): return bytes(x)
    if x is None: return b'\xf6'
    if isinstance(x, int): return head(0, x) if x >= 0 else head(1, -1 - x)
    if isinstance(x, bytes): return head(2, len(x)) + x
    if isinstance(x, str): return head(3, len(x.encode())) + x.encode()
    if isinstance(x, Map): return head(5, len(x)) + b''.join(enc(k) + enc(v) for k, v in x)
    return head(4, len(x)) + b''.join(enc(i) for i in x)

def claims(nonce, man):
    m = open(man, 'rb').read()
    key_id, nr, secver, flags = struct.unpack_from('<IIQQ', m, 8)
    imgs = []
    for i in range(nr):
        o = 64 + 48 * i
        imgs.append(list(struct.unpack_from('<QQ', m, o)) + [m[o + 16:o + 48]])
    return Map([(265, 'tag:bootops,2026:attest/1'), (10, bytes.fromhex(nonce)),
                (-75000, key_id), (-75001, secver), (-75002, flags),
                (-75003, hashlib.sha256(m[:64 + 48 * nr]).digest()), (-75004, imgs),
                (-75005, 'sha-256')])

def tbs(prot, payload):
    return enc(['Signature1', prot, b'', payload])

def split(report):
    r = open(report, 'rb').read()
    assert r[:7] == bytes.fromhex('d28443a10126a0'), 'COSE_Sign1 head'
    assert r[7] >> 5 == 2, 'payload bstr'
    ai, p = r[7] & 31, 8
    n = ai if ai < 24 else int.from_bytes(r[p:p + (1 << ai - 24)], 'big')
    p += 0 if ai < 24 else 1 << ai - 24
    payload, rest = r[p:p + n], r[p + n:]
    assert rest[:2] == b'\x58\x40' and len(rest) == 66, 'signature bstr(64) at the end'
    return payload, rest[2:]

def raw_sig(der):
    # SEQUENCE { INTEGER r, INTEGER s } -> r || s
    assert der[0] == 0x30
    p, out = 2, b''
    for _ in range(2):
        n = der[p + 1]
        out += int.from_bytes(der[p + 2:p + 2 + n], 'big').to_bytes(32, 'big')
        p += 2 + n
    return out

cmd = sys.argv[1]
if cmd == 'check':		# check REPORT NONCE MANIFEST TBS_OUT SIG_OUT
    report, nonce, man, tbs_out, sig_out = sys.argv[2:]
    payload, sig = split(report)
    want = enc(claims(nonce, man))
    if payload != want:
        sys.exit('payload differs:\n  %s\nwanted\n  %s' % (payload.hex(), want.hex()))
    open(tbs_out, 'wb').write(tbs(bytes.fromhex('a10126'), payload))
    open(sig_out, 'wb').write(sig)
    print('payload as specified')
elif cmd == 'forge':		# forge KIND NONCE MANIFEST KEY OUT
    kind, nonce, man, key, out = sys.argv[2:]
    c = claims(nonce, man)
    tag, prot, trail = b'\xd2', bytes.fromhex('a10126'), b''
    if kind == 'unknown': c.append((-75006, 0))
    elif kind == 'duplicate': c.insert(4, c[3])
    elif kind == 'missing': del c[7]
    elif kind == 'order': c[2], c[3] = c[3], c[2]
    elif kind == 'long-int': c[2] = (c[2][0], Raw(b'\x1a' + c[2][1].to_bytes(4, 'big')))
    elif kind == 'profile': c[0] = (265, 'tag:bootops,2026:attest/2')
    elif kind == 'hash-alg': c[7] = (-75005, 'sha-384')
    elif kind == 'image-fields': c[6] = (-75004, [i + [0] for i in c[6][1]])
    elif kind == 'float-manifest': c[5] = (-75003, Raw(b'\xf9\x3c\x00'))	# 1.0
    elif kind == 'long-tag': tag = b'\xd8\x12'
    elif kind == 'es384': prot = bytes.fromhex('a1013822')
    else: assert kind == 'ok', kind
    payload = enc(c)
    der = subprocess.run(['openssl', 'dgst', '-sha256', '-sign', key], input=tbs(prot, payload),
                         stdout=subprocess.PIPE, check=True).stdout
    open(out, 'wb').write(tag + enc([prot, Map([]), payload, raw_sig(der)]) + trail)
PY
	expect 0 'payload as specified' "report: payload byte for byte as encoded independently (Python)" -- \
		python3 cose.py check r.cose "$N" m.man r.tbs r.sig
	sig_der r.sig r.der
	expect 0 'Verified OK' "report: OpenSSL verifies its signature over an independent Sig_structure" -- \
		openssl dgst -sha256 -verify att.pub -signature r.der r.tbs
	python3 cose.py forge ok "$N" m.man att.pem f-ok.cose
	expect 0 '^report: verified \(key id 3' "verify-report: a report encoded in Python, signed by OpenSSL" -- \
		vr --key att.pub --nonce "$N" --manifest m.man f-ok.cose
	for f in 'unknown:unknown claim -75006' 'duplicate:claim -75001 \(security version\) twice' \
		'missing:claim -75005 \(hash algorithm\) missing' 'order:out of attest.h.s order' \
		'long-int:payload is not in the preferred CBOR encoding' 'profile:profile is not' \
		'hash-alg:hash algorithm is not "sha-256"' 'image-fields:image 0 is not \[address' \
		'float-manifest:manifest claim is neither a 32-byte digest nor null' \
		'long-tag:COSE_Sign1 is not in the preferred CBOR encoding' \
		'es384:protected header is not'; do
		kind=${f%%:*}
		python3 cose.py forge "$kind" "$N" m.man att.pem "f-$kind.cose"
		expect 1 "${f#*:}" "verify-report: a signed report with $kind -> refused" -- \
			vr --key att.pub --nonce "$N" --manifest m.man "f-$kind.cose"
	done
else
	for i in $(seq 14); do
		echo "ok $((pass + fail + 1)) - # SKIP report checks with Python and OpenSSL (no openssl or python3)"
		pass=$((pass + 1))
	done
fi

echo "cli: $pass passed, $fail failed"
cli_fail=$fail

# --- cross-check with hyp's own verification ----------------------------
"$TOOL" sign --key key.pem --load-addr 0 page page.sig
"$TOOL" sign --key key.pem --load-addr 0x40200000 big big.sig
"$TOOL" sign --key other.pem --load-addr $A img img.other.sig
"$TOOL" sign --key pkcs8.pem --load-addr $A img img.pkcs8.sig
"$CC" -O2 -Wall -Wextra -Werror -I"$ROOT/include" -I"$ROOT/hyp/include" \
	"$HERE/test_cross.c" "$ROOT/hyp/verify.c" "$ROOT/hyp/sha256.c" "$ROOT/hyp/crypto_mbedtls.c" anchor.c \
	-o test_cross -lmbedcrypto
./test_cross $A img img.sig 0 page page.sig 0x40200000 big big.sig \
	--wrong-key $A img img.other.sig $A img img.pkcs8.sig || exit 1
[ "$cli_fail" -eq 0 ]
