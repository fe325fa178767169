// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fast stand-in for hyp/crypto_mbedtls.c (see crypto_fast.h).  Linked into
 * build/host/refine and the fuzzer instead of the ECDSA implementation.
 */
#include <mbedtls/sha256.h>

#include <bootops/crypto.h>
#include <bootops/trust_anchor.h>

#include "crypto_fast.h"

static const char crypto_fast_secret[] = "bootops refinement test key, not a real key";

static void sha256_two(const void *a, size_t alen, const void *b, size_t blen, u8 out[32])
{
	mbedtls_sha256_context ctx;

	mbedtls_sha256_init(&ctx);
	mbedtls_sha256_starts_ret(&ctx, 0);
	mbedtls_sha256_update_ret(&ctx, a, alen);
	mbedtls_sha256_update_ret(&ctx, b, blen);
	mbedtls_sha256_finish_ret(&ctx, out);
	mbedtls_sha256_free(&ctx);
}

/* Manifest keys 1 and 2; their points are never read here. */
const struct bootops_manifest_key bootops_manifest_keys[] = { { .id = 1 }, { .id = 2 } };
const u32 bootops_nr_manifest_keys = 2;

void crypto_fast_sign(u32 key_id, const u8 hash[CRYPTO_FAST_HASH_SIZE],
		      u8 sig[CRYPTO_FAST_SIG_SIZE])
{
	size_t slen = sizeof(crypto_fast_secret) - 1;
	u8 keyed[CRYPTO_FAST_HASH_SIZE];
	int i;

	/* Each key id signs differently: one key's tag is no other key's. */
	memcpy(keyed, hash, sizeof(keyed));
	for (i = 0; i < 4; i++)
		keyed[i] ^= (u8)(key_id >> (8 * i));
	sha256_two(crypto_fast_secret, slen, keyed, CRYPTO_FAST_HASH_SIZE, sig);
	sha256_two(keyed, CRYPTO_FAST_HASH_SIZE, crypto_fast_secret, slen, sig + 32);
}

void bootops_crypto_use_sha256_insns(bool on)
{
}

void bootops_crypto_sha256_blocks(u32 state[8], const u8 *data, u64 nblocks)
{
	mbedtls_sha256_context ctx;

	memcpy(ctx.state, state, sizeof(ctx.state));
	for (; nblocks; nblocks--, data += 64)
		mbedtls_internal_sha256_process(&ctx, data);
	memcpy(state, ctx.state, sizeof(ctx.state));
}

int bootops_crypto_verify(u32 key_id, const u8 hash[BOOTOPS_DIGEST_SIZE],
			  const u8 sig[BOOTOPS_SIG_SIZE])
{
	u8 want[CRYPTO_FAST_SIG_SIZE];
	u8 diff = 0;
	int i;

	if (key_id && bootops_crypto_manifest_key(key_id) < 0)
		return -EKEYREJECTED;
	crypto_fast_sign(key_id, hash, want);
	for (i = 0; i < CRYPTO_FAST_SIG_SIZE; i++)
		diff |= want[i] ^ sig[i];
	return diff ? -EKEYREJECTED : 0;
}

int bootops_crypto_verify_step(u64 owner, u32 key_id, const u8 hash[BOOTOPS_DIGEST_SIZE],
			       const u8 sig[BOOTOPS_SIG_SIZE])
{
	return bootops_crypto_verify(key_id, hash, sig);
}

void bootops_crypto_verify_abort(u64 owner)
{
}

/*
 * Attestation: a key exists once a non-zero seed was given, and "signs"
 * with the test signer under CRYPTO_FAST_ATTEST_KEY, in one step.
 */
static bool attest_have;

int bootops_crypto_attest_init(const u8 seed[BOOTOPS_ATTEST_SEED_SIZE])
{
	int i;

	attest_have = false;
	for (i = 0; i < BOOTOPS_ATTEST_SEED_SIZE; i++)
		attest_have |= seed[i] != 0;
	return attest_have ? 0 : -ENOKEY;
}

int bootops_crypto_attest_pub(u8 pub[BOOTOPS_ATTEST_PUB_SIZE])
{
	if (!attest_have)
		return -ENOKEY;
	memset(pub, 0, BOOTOPS_ATTEST_PUB_SIZE);
	pub[0] = 0x04;
	return 0;
}

int bootops_crypto_sign_step(u64 owner, const u8 hash[BOOTOPS_DIGEST_SIZE],
			     u8 sig[BOOTOPS_SIG_SIZE])
{
	if (!attest_have)
		return -ENOKEY;
	crypto_fast_sign(CRYPTO_FAST_ATTEST_KEY, hash, sig);
	return 0;
}

void bootops_crypto_sign_abort(u64 first, u64 last)
{
}
