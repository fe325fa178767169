/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cryptography verification needs.  The kernel and the host unit tests
 * use hyp/crypto_mbedtls.c (mbedTLS, ECDSA P-256; the ARMv8 SHA-256
 * instructions at EL2 where the CPU has them); the refinement test may
 * link a fast stand-in with the same contract.  hyp/sha256.c builds the
 * incremental SHA-256 on the backend's block function.
 */
#ifndef __BOOTOPS_CRYPTO_H__
#define __BOOTOPS_CRYPTO_H__

#include <bootops/port.h>
#include <bootops/image.h>
#include <bootops/attest.h>

#define BOOTOPS_SHA256_BLOCK	64

/* An incremental SHA-256, kept in hyp's state across hypercalls. */
struct bootops_sha256 {
	u32 state[8];
	u64 len;			/* bytes so far */
	u8 block[BOOTOPS_SHA256_BLOCK];	/* the first len % 64 bytes are pending */
};

/* Once, before the first verification (EL2: mbedTLS's heap, CPU features). */
int bootops_crypto_init(void);
/* arm64: use the SHA-256 instructions (the caller checked the CPU has them). */
void bootops_crypto_use_sha256_insns(bool on);
/* The backend: nblocks 64-byte blocks into state (FIPS 180-4 H0..H7). */
void bootops_crypto_sha256_blocks(u32 state[8], const u8 *data, u64 nblocks);
/*
 * Key 0 is the per-image trust anchor, keys 1.. the manifest keys
 * (bootops/trust_anchor.h).  Whether hyp has key_id, and its index
 * (0..BOOTOPS_MANIFEST_MAX_KEYS - 1) among the manifest keys, or -ENOKEY.
 */
int bootops_crypto_manifest_key(u32 key_id);
/* 0 if sig is key_id's signature of hash, else -EKEYREJECTED. */
int bootops_crypto_verify(u32 key_id, const u8 hash[BOOTOPS_DIGEST_SIZE],
			  const u8 sig[BOOTOPS_SIG_SIZE]);
/*
 * The same in bounded steps, for owner (a vmid): BOOTOPS_CONTINUE until
 * the check is done, then 0 or -EKEYREJECTED.  key_id, hash and sig are
 * read at the first step.  One owner's check at a time: others get CONTINUE.
 */
int bootops_crypto_verify_step(u64 owner, u32 key_id, const u8 hash[BOOTOPS_DIGEST_SIZE],
			       const u8 sig[BOOTOPS_SIG_SIZE]);
/* Drops owner's check in progress, if any (teardown). */
void bootops_crypto_verify_abort(u64 owner);

/*
 * Attestation.  Hyp's key is derived once, at init, from a seed the host
 * gave while it was still trusted (Documentation/bootops.rst); an all-zero
 * seed leaves hyp without a key, and every call below -ENOKEY.
 */
#define BOOTOPS_ATTEST_SEED_SIZE	32
int bootops_crypto_attest_init(const u8 seed[BOOTOPS_ATTEST_SEED_SIZE]);
/* The public key, SEC1 uncompressed (0x04 || X || Y). */
int bootops_crypto_attest_pub(u8 pub[BOOTOPS_ATTEST_PUB_SIZE]);
/*
 * ECDSA P-256 of hash with the key, in bounded steps for owner:
 * BOOTOPS_CONTINUE until done, then 0 with sig (raw r || s), or -errno.
 * One signature at a time; it goes on only for the same owner and hash
 * (another hash from the same owner starts over).  Another owner waits
 * (CONTINUE) unless the one in progress stopped calling: after
 * BOOTOPS_SIGN_PATIENCE calls of others without a step of its own, it is
 * dropped, so that no guest can keep the signer for itself.
 */
#define BOOTOPS_SIGN_PATIENCE		8
int bootops_crypto_sign_step(u64 owner, const u8 hash[BOOTOPS_DIGEST_SIZE],
			     u8 sig[BOOTOPS_SIG_SIZE]);
/* Drops the signature in progress if its owner is in [first, last]. */
void bootops_crypto_sign_abort(u64 first, u64 last);

/* hyp/sha256.c */
void bootops_sha256_init(struct bootops_sha256 *ctx);
void bootops_sha256_update(struct bootops_sha256 *ctx, const void *data, u64 len);
void bootops_sha256_final(struct bootops_sha256 *ctx, u8 out[BOOTOPS_DIGEST_SIZE]);
void bootops_sha256(const void *data, u64 len, u8 out[BOOTOPS_DIGEST_SIZE]);

#endif /* __BOOTOPS_CRYPTO_H__ */
