// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_sha256: SHA-256 throughput on this CPU, with the code hyp hashes
 * images with (hyp/sha256.c over a block function): mbedTLS's C rounds,
 * built with hyp's configuration, and the ARMv8 SHA-256 instructions
 * (hyp/sha256_ce.S) where the CPU has them.  Also the time one 1 MiB
 * slice takes with the fastest, the bound a verification hypercall aims at.
 *
 *   bench_sha256 [MiB]     (default 16)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <time.h>

#include <bootops/crypto.h>
#include <bootops/sha256_ce.h>
#include <mbedtls/sha256.h>

#ifndef HWCAP_SHA2
#define HWCAP_SHA2	(1 << 6)
#endif

static bool use_insns;

/* The backend hyp/crypto_mbedtls.c would be, without its ECDSA half. */
void bootops_crypto_sha256_blocks(u32 state[8], const u8 *data, u64 nblocks)
{
	mbedtls_sha256_context ctx;

	if (use_insns) {
		bootops_sha256_ce_blocks(state, data, nblocks);
		return;
	}
	memcpy(ctx.state, state, sizeof(ctx.state));
	for (; nblocks; nblocks--, data += 64)
		mbedtls_internal_sha256_process(&ctx, data);
	memcpy(state, ctx.state, sizeof(ctx.state));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Seconds to hash len bytes, best of runs. */
static double hash_secs(const u8 *buf, size_t len, int runs)
{
	double best = 1e9, t;
	u8 out[32];
	int i;

	for (i = 0; i < runs; i++) {
		t = now_s();
		bootops_sha256(buf, len, out);
		t = now_s() - t;
		best = t < best ? t : best;
	}
	return best;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 16, len = mib << 20;
	bool have = getauxval(AT_HWCAP) & HWCAP_SHA2;
	u8 *buf = malloc(len);
	double c, insns;

	if (!buf || !len)
		return 1;
	memset(buf, 0x5a, len);
	c = hash_secs(buf, len, 3);
	printf("bench: SHA-256 alone, C (mbedTLS rounds): %zu MiB in %.3f s = %.1f MB/s\n",
	       mib, c, len / c / 1e6);
	if (have) {
		use_insns = true;
		insns = hash_secs(buf, len, 3);
		printf("bench: SHA-256 alone, SHA-256 instructions: %zu MiB in %.3f s = %.1f MB/s (%.2fx C)\n",
		       mib, insns, len / insns / 1e6, c / insns);
	} else {
		insns = c;
		printf("bench: SHA-256 alone, SHA-256 instructions: not on this CPU\n");
	}
	printf("bench: SHA-256 fastest: %.1f MB/s\n", len / (c < insns ? c : insns) / 1e6);
	printf("bench: hash 1 MiB, fastest: %.0f us\n", hash_secs(buf, 1 << 20, 20) * 1e6);
	free(buf);
	return 0;
}
