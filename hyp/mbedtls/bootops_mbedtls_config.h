/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mbedTLS 2.28 configuration for bootops at EL2 (MBEDTLS_CONFIG_FILE).
 *
 * Only what hyp/crypto_mbedtls.c needs: SHA-256, ECDSA P-256
 * verification, and deterministic ECDSA P-256 signing (RFC 6979) for
 * attestation reports, whose key HMAC-DRBG derives from a seed.  No libc, no files, no clock, no entropy, no
 * floating point: the nVHE hypervisor has none of them.  The same file
 * configures the host program that measured the heap
 * (tools/bootops-sign/measure_heap.c), so the numbers in
 * Documentation/signing.rst hold for this exact configuration.
 *
 * Every option below was checked against mbedTLS's check_config.h, which
 * is included at the end and rejects an inconsistent set at compile time.
 */
#ifndef BOOTOPS_MBEDTLS_CONFIG_H
#define BOOTOPS_MBEDTLS_CONFIG_H

/* ---- System support ------------------------------------------------- */

/*
 * Inline assembly for bignum multiplication (bn_mul.h).  On aarch64 the
 * MULADDC loop uses only x4-x7 (ldr, mul, umulh, adds, adc, str): general
 * registers, so it is allowed at EL2 where FP/SIMD is not.  It is ~2x
 * faster than the C fallback.
 */
#define MBEDTLS_HAVE_ASM

/*
 * Without this bignum.c divides a 128-bit value by a 64-bit one with the
 * compiler's __int128, which becomes a call to libgcc's __udivti3: the
 * kernel has no such function.  The replacement is plain 64-bit code.
 */
#define MBEDTLS_NO_UDBL_DIVISION

/* Not defined on purpose:
 *   MBEDTLS_HAVE_TIME, MBEDTLS_HAVE_TIME_DATE  no clock at EL2
 *   MBEDTLS_FS_IO                             no files
 *   MBEDTLS_ENTROPY_C, MBEDTLS_TIMING_C, MBEDTLS_NET_C, CTR_DRBG_C
 *   MBEDTLS_SELF_TEST, MBEDTLS_ERROR_C, MBEDTLS_DEBUG_C, MBEDTLS_VERSION_C
 *   MBEDTLS_CHECK_PARAMS                      would need a callback
 *   MBEDTLS_SHA256_SMALLER                    images are hashed at EL2: keep
 *                                             the fast, unrolled SHA-256
 */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_DEPRECATED_REMOVED	/* fewer symbols; *_ret() stays */

/* ---- Platform: memory, exit ----------------------------------------- */

/*
 * mbedtls_calloc()/mbedtls_free() are bound at compile time to calloc()
 * and free(), which hyp/mbedtls/platform_el2.c provides over a static
 * arena.  The run-time hooks (mbedtls_platform_set_calloc_free(),
 * MBEDTLS_THREADING_C) are not used: they store function pointers in
 * initialised data, and the nVHE hypervisor has none (only .bss).
 * Verifications are serialised by hyp/crypto_mbedtls.c, so nothing else
 * needs a lock.  NO_STD_FUNCTIONS keeps <stdio.h> out.
 */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_PLATFORM_CALLOC_MACRO	calloc
#define MBEDTLS_PLATFORM_FREE_MACRO	free
#include <stdlib.h>			/* their declarations */

/* ---- Algorithms ----------------------------------------------------- */

#define MBEDTLS_SHA256_C
/*
 * Attestation: signatures are deterministic (RFC 6979), so hyp needs no
 * entropy source at run time; HMAC-DRBG over SHA-256 (through the MD
 * layer) makes the per-signature nonce and derives hyp's key from its seed.
 */
#define MBEDTLS_MD_C
#define MBEDTLS_HMAC_DRBG_C
#define MBEDTLS_ECDSA_DETERMINISTIC

#define MBEDTLS_BIGNUM_C
/*
 * Only modular exponentiation and prime generation look at these; ECDSA
 * verification uses neither.  Smallest legal values: a P-256 scalar is
 * 32 bytes.
 */
#define MBEDTLS_MPI_WINDOW_SIZE		1
#define MBEDTLS_MPI_MAX_SIZE		32

#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED	/* the only curve */
#define MBEDTLS_ECP_MAX_BITS		256
/* Fast reduction modulo the NIST prime p256 (ecp_curves.c), no heap. */
#define MBEDTLS_ECP_NIST_OPTIM
/*
 * Window of the comb multiplication: 2 is the smallest allowed and keeps
 * the precomputed table (allocated per multiplication) at 2^(w-1) = 2
 * points.  A larger window would be faster but costs heap.
 */
#define MBEDTLS_ECP_WINDOW_SIZE		2
/* Do not keep a table for the base point in the group: no heap kept. */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM	0
/*
 * ecp.c randomises the projective coordinates with an internal DRBG when
 * the caller gives no RNG.  Verification only handles public values;
 * signing and key derivation pass their HMAC-DRBG, which blinds them.
 */
#define MBEDTLS_ECP_NO_INTERNAL_RNG

#define MBEDTLS_ECDSA_C
/* Checks in bounded steps (hyp/crypto_mbedtls.c); the legacy ECDH context is its requirement. */
#define MBEDTLS_ECP_RESTARTABLE
#define MBEDTLS_ECDH_LEGACY_CONTEXT
/*
 * Required by check_config.h for ECDSA_C; the restartable check reads
 * a DER signature, which hyp/crypto_mbedtls.c writes.
 */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C

#include "mbedtls/check_config.h"

#endif /* BOOTOPS_MBEDTLS_CONFIG_H */
