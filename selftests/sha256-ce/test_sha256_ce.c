// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host test of hyp/sha256_ce.S, cross-compiled for AArch64 and run under
 * `qemu-aarch64 -cpu max` (see run.sh).  Checks the FIPS 180-4 vectors, a
 * portable reference over random lengths/alignments, nblocks == 0, that no
 * byte past the last block is read, and that every SIMD&FP register (all of
 * which belong to the host at EL2), the callee-saved GPRs, sp, FPCR and FPSR
 * survive the call.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bootops/sha256_ce.h>

#ifndef HWCAP_SHA2
#define HWCAP_SHA2	(1 << 6)
#endif

void regs_call(const void *vin, void *vout, u64 gpr[16],
	       u32 state[8], const void *data, u64 nblocks);

static unsigned int passed, failed, tapno;
static const char *running = "startup";

/* One counted check; failures are always printed. */
static int check(int ok, const char *what, size_t a, size_t b)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("# FAIL: %s (%zu, %zu)\n", what, a, b);
	}
	return ok;
}

/* A fault (an over-read into a guard page, a lost sp or x19...) fails too. */
static void fatal(int sig)
{
	printf("not ok %u - %s: killed by signal %d\n", tapno + 1, running, sig);
	printf("sha256-ce: %u passed, %u failed\n", passed, failed + 1);
	_exit(1);
}

/* One TAP line per group of checks. */
static void group(const char *name, unsigned int failed_before,
		  unsigned int passed_before)
{
	printf("%s %u - %s (%u checks)\n",
	       failed == failed_before ? "ok" : "not ok", ++tapno, name,
	       passed - passed_before + failed - failed_before);
}

/* ---- portable reference, byte at a time ---- */

static const u32 K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const u32 IV[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

struct ref {
	u32 h[8];
	u8 buf[64];
	u64 len;
};

#define ROR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))

static void ref_block(struct ref *r)
{
	u32 w[64], s[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (u32)r->buf[4 * i] << 24 | (u32)r->buf[4 * i + 1] << 16 |
		       (u32)r->buf[4 * i + 2] << 8 | r->buf[4 * i + 3];
	for (; i < 64; i++)
		w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10)) +
		       w[i - 7] +
		       (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       w[i - 16];
	memcpy(s, r->h, sizeof(s));
	for (i = 0; i < 64; i++) {
		t1 = s[7] + (ROR(s[4], 6) ^ ROR(s[4], 11) ^ ROR(s[4], 25)) +
		     ((s[4] & s[5]) ^ (~s[4] & s[6])) + K[i] + w[i];
		t2 = (ROR(s[0], 2) ^ ROR(s[0], 13) ^ ROR(s[0], 22)) +
		     ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));
		memmove(&s[1], &s[0], 7 * sizeof(u32));
		s[4] += t1;
		s[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		r->h[i] += s[i];
}

static void ref_byte(struct ref *r, u8 b)
{
	r->buf[r->len++ % 64] = b;
	if (r->len % 64 == 0)
		ref_block(r);
}

static void ref_sha256(const void *msg, size_t len, u8 out[32])
{
	struct ref r = { .len = 0 };
	u64 bits = (u64)len * 8;
	int i;

	memcpy(r.h, IV, sizeof(IV));
	for (size_t n = 0; n < len; n++)
		ref_byte(&r, ((const u8 *)msg)[n]);
	ref_byte(&r, 0x80);
	while (r.len % 64 != 56)
		ref_byte(&r, 0);
	for (i = 7; i >= 0; i--)
		ref_byte(&r, (u8)(bits >> (8 * i)));
	for (i = 0; i < 32; i++)
		out[i] = (u8)(r.h[i / 4] >> (24 - 8 * (i % 4)));
}

/* ---- padding/finalize wrapper over the CE block function ---- */

static void ce_sha256(const void *msg, size_t len, u8 out[32])
{
	u8 pad[128] = { 0 };
	size_t full = len / 64, rem = len % 64, npad = rem < 56 ? 1 : 2;
	u64 bits = (u64)len * 8;
	u32 st[8];
	int i;

	memcpy(st, IV, sizeof(IV));
	bootops_sha256_ce_blocks(st, msg, full);	/* straight from msg */
	memcpy(pad, (const u8 *)msg + full * 64, rem);
	pad[rem] = 0x80;
	for (i = 0; i < 8; i++)
		pad[npad * 64 - 1 - i] = (u8)(bits >> (8 * i));
	bootops_sha256_ce_blocks(st, pad, npad);
	for (i = 0; i < 32; i++)
		out[i] = (u8)(st[i / 4] >> (24 - 8 * (i % 4)));
}

/* ---- helpers ---- */

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fill(u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (u8)(rnd() >> 32);
}

static void unhex(const char *s, u8 out[32])
{
	for (int i = 0; i < 32; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

/* Both implementations agree on msg[0..len). */
static int same(const void *msg, size_t len)
{
	u8 a[32], b[32];

	ref_sha256(msg, len, a);
	ce_sha256(msg, len, b);
	return !memcmp(a, b, 32);
}

/* ---- tests ---- */

static void test_nist(void)
{
	static const struct {
		const char *msg, *hex;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	unsigned int f0 = failed, p0 = passed;
	u8 want[32], got[32];
	size_t i, n;
	char *a;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = strlen(v[i].msg);
		unhex(v[i].hex, want);
		ce_sha256(v[i].msg, n, got);
		check(!memcmp(got, want, 32), "NIST vector, CE", i, n);
		ref_sha256(v[i].msg, n, got);
		check(!memcmp(got, want, 32), "NIST vector, reference", i, n);
	}
	n = 1000000;
	a = malloc(n);
	memset(a, 'a', n);
	unhex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want);
	ce_sha256(a, n, got);
	check(!memcmp(got, want, 32), "NIST million 'a', CE", i, n);
	ref_sha256(a, n, got);
	check(!memcmp(got, want, 32), "NIST million 'a', reference", i, n);
	free(a);
	group("FIPS 180-4 vectors (empty, abc, 448-bit, 896-bit, 10^6 'a')", f0, p0);
}

static void test_random(void)
{
	static u8 msg[300], buf[300 + 16];
	unsigned int f0 = failed, p0 = passed;

	for (size_t len = 0; len <= 300; len++) {
		fill(msg, len);
		for (size_t off = 0; off < 16; off++) {
			memcpy(buf + off, msg, len);
			check(same(buf + off, len), "random message", len, off);
		}
	}
	group("random lengths 0..300 x start offsets 0..15", f0, p0);
}

static void test_large(void)
{
	static const size_t lens[] = { 1 << 20, (1 << 20) + 1, (1 << 20) + 55,
				       (1 << 20) + 56, (1 << 20) + 63, 3 << 20 };
	static const size_t offs[] = { 0, 1, 7, 15 };
	unsigned int f0 = failed, p0 = passed;
	u8 *buf = malloc((3 << 20) + 16);

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		fill(buf, lens[i] + 16);
		for (size_t j = 0; j < sizeof(offs) / sizeof(offs[0]); j++)
			check(same(buf + offs[j], lens[i]), "large message",
			      lens[i], offs[j]);
	}
	free(buf);
	group("large messages (1 MiB .. 3 MiB, unaligned)", f0, p0);
}

/* Messages that end at a PROT_NONE page: any over-read faults. */
static u8 *guard;

static void test_guard(void)
{
	unsigned int f0 = failed, p0 = passed;
	long pg = sysconf(_SC_PAGESIZE);
	u8 *map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!check(map != MAP_FAILED, "mmap", 0, 0) ||
	    !check(!mprotect(map + pg, pg, PROT_NONE), "mprotect", 0, 0))
		return;
	guard = map + pg;
	for (size_t len = 0; len <= 512; len++) {
		fill(guard - len, len);
		check(same(guard - len, len), "message ending at guard page", len, 0);
	}
	group("no read past the last block (messages ending at a guard page)", f0, p0);
}

static void test_zero(void)
{
	unsigned int f0 = failed, p0 = passed;
	u32 st[8], before[8];
	u8 blk[64];

	for (int i = 0; i < 8; i++)
		st[i] = before[i] = (u32)rnd();
	bootops_sha256_ce_blocks(st, blk, 0);
	check(!memcmp(st, before, sizeof(st)), "nblocks == 0, valid data", 0, 0);
	if (guard) {
		bootops_sha256_ce_blocks(st, guard, 0);
		check(!memcmp(st, before, sizeof(st)),
		      "nblocks == 0, data on a guard page", 0, 0);
	}
	group("nblocks == 0 leaves state unchanged and reads nothing", f0, p0);
}

static void test_regs(void)
{
	static const u64 nblocks[] = { 0, 1, 5 };
	unsigned int f0 = failed, p0 = passed;
	u8 vin[512], vout[512], data[5 * 64];
	u64 gpr[16], gin[10];
	u32 st[8], want[8];

	fill(data, sizeof(data));
	for (size_t n = 0; n < sizeof(nblocks) / sizeof(nblocks[0]); n++) {
		fill(vin, sizeof(vin));
		memset(vout, 0, sizeof(vout));
		for (int i = 0; i < 10; i++)
			gpr[i] = gin[i] = rnd();
		gpr[10] = 0x03c00000;		/* FPCR: DN, FZ, RMode = RZ */
		gpr[11] = 0x0800009f;		/* FPSR: QC, IDC, IXC..IOC */
		memcpy(st, IV, sizeof(IV));
		memcpy(want, IV, sizeof(IV));

		regs_call(vin, vout, gpr, st, data, nblocks[n]);

		for (int r = 0; r < 32; r++)
			check(!memcmp(vin + 16 * r, vout + 16 * r, 16),
			      "vector register clobbered (v#, nblocks)", r, nblocks[n]);
		check(!memcmp(gpr, gin, sizeof(gin)), "x19-x28 clobbered", 0,
		      nblocks[n]);
		check(gpr[14] == 0, "sp or x29 changed", 0, nblocks[n]);
		check(gpr[10] && gpr[11] && gpr[12] == gpr[10] &&
		      gpr[13] == gpr[11], "FPCR/FPSR changed", 0, nblocks[n]);
		bootops_sha256_ce_blocks(want, data, nblocks[n]);
		check(!memcmp(st, want, sizeof(st)), "state under harness",
		      0, nblocks[n]);
	}
	group("v0-v31, x19-x29, sp, FPCR, FPSR preserved (nblocks 0, 1, 5)", f0, p0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!(getauxval(AT_HWCAP) & HWCAP_SHA2)) {
		printf("not ok 1 - CPU lacks the SHA2 extension (run under qemu-aarch64 -cpu max)\n");
		printf("sha256-ce: 0 passed, 1 failed\n");
		return 1;
	}
	signal(SIGSEGV, fatal);
	signal(SIGBUS, fatal);
	signal(SIGILL, fatal);
	running = "FIPS 180-4 vectors";		test_nist();
	running = "random lengths";		test_random();
	running = "large messages";		test_large();
	running = "guard page";			test_guard();
	running = "nblocks == 0";		test_zero();
	running = "register preservation";	test_regs();
	printf("1..%u\n", tapno);
	printf("sha256-ce: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
