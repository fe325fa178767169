/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The two cryptographic operations verification needs.  The kernel and the
 * host unit tests use hyp/crypto_mbedtls.c (mbedTLS, ECDSA P-256); the
 * refinement test may link a fast stand-in with the same contract.
 */
#ifndef __BOOTOPS_CRYPTO_H__
#define __BOOTOPS_CRYPTO_H__

#include <bootops/port.h>
#include <bootops/image.h>

/* Once, before the first verification (EL2 only: sets up mbedTLS's heap). */
int bootops_crypto_init(void);
int bootops_crypto_sha256(const void *data, u64 len, u8 out[BOOTOPS_DIGEST_SIZE]);
/* 0 if sig is the trust anchor's signature of hash, else -EKEYREJECTED. */
int bootops_crypto_verify(const u8 hash[BOOTOPS_DIGEST_SIZE],
			  const u8 sig[BOOTOPS_SIG_SIZE]);

#endif /* __BOOTOPS_CRYPTO_H__ */
