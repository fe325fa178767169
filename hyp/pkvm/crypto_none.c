// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot-ops crypto before a verifier is linked in: hyp has no trust
 * anchor, so it can vouch for no image.  VMs without images still verify
 * (there is nothing to check); any declared image is rejected.
 */
#include <bootops/crypto.h>
#include <bootops/trust_anchor.h>

/* No key at all. */
const struct bootops_manifest_key bootops_manifest_keys[1];
const u32 bootops_nr_manifest_keys;

int bootops_crypto_init(void)
{
	return 0;
}

void bootops_crypto_use_sha256_insns(bool on)
{
}

/* No digest is ever checked against anything. */
void bootops_crypto_sha256_blocks(u32 state[8], const u8 *data, u64 nblocks)
{
}

int bootops_crypto_verify(u32 key_id, const u8 hash[BOOTOPS_DIGEST_SIZE],
			  const u8 sig[BOOTOPS_SIG_SIZE])
{
	return -EKEYREJECTED;
}

int bootops_crypto_verify_step(u64 owner, u32 key_id, const u8 hash[BOOTOPS_DIGEST_SIZE],
			       const u8 sig[BOOTOPS_SIG_SIZE])
{
	return bootops_crypto_verify(key_id, hash, sig);
}

void bootops_crypto_verify_abort(u64 owner)
{
}

/* No attestation key: hyp vouches for nothing. */
int bootops_crypto_attest_init(const u8 seed[BOOTOPS_ATTEST_SEED_SIZE])
{
	return -ENOKEY;
}

int bootops_crypto_attest_pub(u8 pub[BOOTOPS_ATTEST_PUB_SIZE])
{
	return -ENOKEY;
}

int bootops_crypto_sign_step(u64 owner, const u8 hash[BOOTOPS_DIGEST_SIZE],
			     u8 sig[BOOTOPS_SIG_SIZE])
{
	return -ENOKEY;
}

void bootops_crypto_sign_abort(u64 first, u64 last)
{
}
