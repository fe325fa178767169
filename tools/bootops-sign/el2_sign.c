// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hyp's attestation signer as EL2 runs it, on the host: hyp/crypto_mbedtls.c
 * with the EL2 mbedTLS files and configuration (restartable ECC) and the EL2
 * allocator, built by el2_sign.sh.  The unit tests link Debian's mbedTLS,
 * which signs in one step; this checks the steps, the one signature in
 * progress and who may take it over, and that the arena is left empty.
 * TAP-ish; the last line is "el2-sign: N passed, N failed".
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <mbedtls/ecdsa.h>

#include <bootops/attest.h>
#include <bootops/crypto.h>
#include <bootops/trust_anchor.h>

#include "bootops_mbedtls.h"

/* crypto_mbedtls.c's verifier reads these; no check here uses them. */
const u8 bootops_trust_anchor[BOOTOPS_PUBKEY_SIZE];
const struct bootops_manifest_key bootops_manifest_keys[1];
const u32 bootops_nr_manifest_keys;

static int passed, failed;
static u8 pub[BOOTOPS_ATTEST_PUB_SIZE];

static void check(int ok, const char *what)
{
	ok ? passed++ : failed++;
	printf("%sok %d - %s\n", ok ? "" : "not ", passed + failed, what);
}

/* Is sig a signature of hash under hyp's public key?  (Not hyp's code.) */
static int verifies(const u8 hash[32], const u8 sig[64])
{
	mbedtls_ecp_group grp;
	mbedtls_ecp_point q;
	mbedtls_mpi r, s;
	int ok;

	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&q);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	ok = !mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) &&
	     !mbedtls_ecp_point_read_binary(&grp, &q, pub, sizeof(pub)) &&
	     !mbedtls_mpi_read_binary(&r, sig, 32) && !mbedtls_mpi_read_binary(&s, sig + 32, 32) &&
	     !mbedtls_ecdsa_verify(&grp, hash, 32, &q, &r, &s);
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	mbedtls_ecp_point_free(&q);
	mbedtls_ecp_group_free(&grp);
	return ok;
}

static double step_max_ms;

/* Calls until the signature is done: its result, and how many calls. */
static int sign(u64 owner, const u8 hash[32], u8 sig[64], int *steps)
{
	struct timespec a, b;
	double ms;
	int ret;

	*steps = 0;
	do {
		clock_gettime(CLOCK_MONOTONIC, &a);
		ret = bootops_crypto_sign_step(owner, hash, sig);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
		if (ms > step_max_ms)
			step_max_ms = ms;
		++*steps;
	} while (ret == BOOTOPS_CONTINUE && *steps < 100000);
	return ret;
}

int main(void)
{
	u8 seed[BOOTOPS_ATTEST_SEED_SIZE] = { 7 }, h1[32], h2[32], s1[64], s1b[64], s2[64];
	int steps, steps2, i, ret, cont = 1;

	memset(h1, 0x11, sizeof(h1));
	memset(h2, 0x22, sizeof(h2));
	check(bootops_crypto_init() == 0, "the EL2 arena is set up");
	check(bootops_crypto_attest_init((u8[BOOTOPS_ATTEST_SEED_SIZE]){ 0 }) == -ENOKEY &&
	      bootops_crypto_sign_step(1, h1, s1) == -ENOKEY,
	      "an all-zero seed: no key, and no signature (-ENOKEY)");
	check(!bootops_crypto_attest_init(seed) && !bootops_crypto_attest_pub(pub) && pub[0] == 4,
	      "a key from the seed");
	check(bootops_crypto_sign_step(0, h1, s1) == -EINVAL, "owner 0 is nobody's: -EINVAL");

	ret = sign(1, h1, s1, &steps);
	printf("# one signature: %d calls, the longest %.3f ms on this host\n", steps, step_max_ms);
	check(!ret && steps > 2, "a signature takes several bounded steps");
	check(verifies(h1, s1), "... and verifies with hyp's public key");
	check(!verifies(h2, s1), "... for its hash only");
	check(bootops_mbedtls_heap_in_use() == 0, "... and leaves mbedTLS's arena empty");
	check(!sign(1, h1, s1b, &steps2) && !memcmp(s1, s1b, 64) && steps2 == steps,
	      "the same hash again: the same signature (RFC 6979), in as many steps");

	/* Owner 1 is under way; owner 2 waits, without taking any step. */
	check(bootops_crypto_sign_step(1, h1, s1) == BOOTOPS_CONTINUE &&
	      bootops_crypto_sign_step(1, h1, s1) == BOOTOPS_CONTINUE, "owner 1 starts again");
	for (i = 0; i < BOOTOPS_SIGN_PATIENCE; i++)
		cont &= bootops_crypto_sign_step(2, h2, s2) == BOOTOPS_CONTINUE;
	ret = sign(1, h1, s1b, &steps2);
	check(cont && !ret && !memcmp(s1, s1b, 64) && steps2 == steps - 2,
	      "another owner waits: owner 1 goes on where it was, to the same signature");

	/* Owner 1 stops calling: after PATIENCE calls of owner 2, it is dropped. */
	bootops_crypto_sign_step(1, h1, s1);
	for (i = 0; i < BOOTOPS_SIGN_PATIENCE; i++)
		bootops_crypto_sign_step(2, h2, s2);
	ret = sign(2, h2, s2, &steps2);
	check(!ret && steps2 == steps && verifies(h2, s2),
	      "an owner that stops calling is dropped: owner 2 signs from the start");
	ret = sign(1, h1, s1b, &steps2);
	check(!ret && steps2 == steps && !memcmp(s1, s1b, 64),
	      "... and owner 1 then starts over, to the same signature");

	/* The same owner with another hash: that hash, from the start. */
	bootops_crypto_sign_step(1, h1, s1);
	bootops_crypto_sign_step(1, h1, s1);
	ret = sign(1, h2, s2, &steps2);
	check(!ret && steps2 == steps && verifies(h2, s2),
	      "the owner asks for another hash mid-way: it is signed from the start");

	/* Teardown drops a signature of its VM's owners, not another's. */
	bootops_crypto_sign_step(5, h1, s1);
	bootops_crypto_sign_step(5, h1, s1);
	bootops_crypto_sign_abort(6, 9);
	ret = sign(5, h1, s1b, &steps2);
	check(!ret && steps2 == steps - 2, "an abort for other owners leaves it be");
	bootops_crypto_sign_step(5, h1, s1);
	bootops_crypto_sign_step(5, h1, s1);
	bootops_crypto_sign_abort(4, 5);
	check(bootops_mbedtls_heap_in_use() == 0, "an abort for its owner drops it, arena empty");
	ret = sign(5, h1, s1b, &steps2);
	check(!ret && steps2 == steps && !memcmp(s1, s1b, 64), "... and it starts over");
	printf("# heap peak %lu of %lu bytes\n", bootops_mbedtls_heap_peak(),
	       bootops_mbedtls_arena_size());
	printf("el2-sign: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
