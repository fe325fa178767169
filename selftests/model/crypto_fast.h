/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fast stand-in for hyp/include/bootops/crypto.h, for the refinement test
 * (and the fuzzer): SHA-256 is real, the "signature" of a 32-byte hash is
 * a keyed, deterministic 64-byte tag that only crypto_fast_sign() makes:
 *
 *     sig(hash) = SHA-256(secret || h) || SHA-256(h || secret)
 *
 * where h is hash with the key id xored into its first four bytes.
 * bootops_crypto_verify(key_id, hash, sig) accepts exactly that tag.  It is no
 * signature scheme: it only keeps ECDSA's cost out of millions of steps.
 */
#ifndef __BOOTOPS_CRYPTO_FAST_H__
#define __BOOTOPS_CRYPTO_FAST_H__

#include <bootops/port.h>

#define CRYPTO_FAST_HASH_SIZE	32
#define CRYPTO_FAST_SIG_SIZE	64

/* The key id under which the stand-in signs attestation reports. */
#define CRYPTO_FAST_ATTEST_KEY	0xa77e57

/* The test signer: the only signature of hash that verifies. */
void crypto_fast_sign(u32 key_id, const u8 hash[CRYPTO_FAST_HASH_SIZE],
		      u8 sig[CRYPTO_FAST_SIG_SIZE]);

#endif /* __BOOTOPS_CRYPTO_FAST_H__ */
