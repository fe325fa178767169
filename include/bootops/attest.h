/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Attestation: a verified VM asks hyp for a report of what it booted,
 * signed by hyp's attestation key, with a nonce of its own choosing.
 * Shared by hyp, the guests that call it and tools/bootops-sign, which
 * checks a report.
 *
 * The guest call (SMCCC 1.1, HVC or SMC, fast, 64-bit, vendor hypervisor):
 *   in   x0  BOOTOPS_ATTEST_FN
 *        x1  IPA of one 4 KiB page of the VM's own memory (an image page,
 *            private or shared RAM; page aligned), whose first 64 bytes
 *            are the nonce
 *   out  x0  SMCCC_RET_SUCCESS (0): the page now starts with the report,
 *            x1 bytes long, a COSE_Sign1 (below)
 *        x0  SMCCC_RET_NOT_SUPPORTED (-1): the VM is not verified, or hyp
 *            has no attestation key
 *        x0  SMCCC_RET_INVALID_PARAMETER (-3): x1 is not page aligned or
 *            not the VM's RAM
 *   Signing takes longer than hyp holds a CPU: until it is done hyp
 *   leaves the PC on the call and lets the host run (the guest issues it
 *   again and hyp goes on), so the call looks like one to the guest.
 *
 * The report is an EAT (RFC 9711) in a COSE_Sign1 (RFC 9052), as Arm
 * CCA's realm token is; CBOR in the preferred (shortest) encoding, map
 * keys in the order below:
 *
 *   18([                                 COSE_Sign1 tag
 *     h'A10126',                         protected: {1 (alg): -7 (ES256)}
 *     {},                                unprotected
 *     payload,                           bstr: the claims map, encoded
 *     signature                          bstr: 64 bytes, raw r || s
 *   ])
 *
 *   claims = {
 *     265:    "tag:bootops,2026:attest/1",  eat_profile
 *     10:     bstr(64),                     eat_nonce: the guest's nonce
 *     -75000: uint,                         key id: the manifest key, or 0
 *                                           for per-image signatures
 *     -75001: uint,                         security version (0 without a
 *                                           manifest)
 *     -75002: uint,                         boot flags: the manifest's
 *                                           BOOTOPS_MANIFEST_F_* (0 without)
 *     -75003: bstr(32) / null,              SHA-256 of the manifest's signed
 *                                           bytes [0, 64+48n); null without
 *     -75004: [+ [addr, size, bstr(32)]],   every image in declaration order:
 *                                           load address, size, the SHA-256
 *                                           hyp computed over its bytes
 *     -75005: "sha-256",                    the hash of the digests
 *   }
 *
 * The signature is ECDSA P-256 over SHA-256 of the COSE Sig_structure
 *   ["Signature1", h'A10126', h'', payload]
 * with the attestation key (Documentation/bootops.rst, "Attestation":
 * where the key comes from).  Unsigned integers are CBOR major type 0,
 * the negative keys type 1.
 */
#ifndef __BOOTOPS_ATTEST_H__
#define __BOOTOPS_ATTEST_H__

/* ARM_SMCCC_CALL_VAL(FAST, SMC_64, OWNER_VENDOR_HYP, 0x78) */
#define BOOTOPS_ATTEST_FN		0xc6000078U
#define BOOTOPS_ATTEST_NONCE_SIZE	64
#define BOOTOPS_ATTEST_MAX_SIZE		4096	/* the guest's page */

#define BOOTOPS_SMCCC_SUCCESS		0
#define BOOTOPS_SMCCC_NOT_SUPPORTED	(-1)
#define BOOTOPS_SMCCC_INVALID_PARAMETER	(-3)

#define BOOTOPS_ATTEST_PROFILE		"tag:bootops,2026:attest/1"
#define BOOTOPS_ATTEST_HASH_ALG		"sha-256"
#define BOOTOPS_CLAIM_PROFILE		265
#define BOOTOPS_CLAIM_NONCE		10
/* Private-use claim keys (RFC 8392: below -65536), as a negative CBOR int. */
#define BOOTOPS_CLAIM_KEY_ID		(-75000)
#define BOOTOPS_CLAIM_SECVER		(-75001)
#define BOOTOPS_CLAIM_FLAGS		(-75002)
#define BOOTOPS_CLAIM_MANIFEST		(-75003)
#define BOOTOPS_CLAIM_IMAGES		(-75004)
#define BOOTOPS_CLAIM_HASH_ALG		(-75005)

/* The protected header, {1: -7}, as it is encoded (and signed). */
#define BOOTOPS_COSE_PROTECTED		{ 0xa1, 0x01, 0x26 }
#define BOOTOPS_COSE_PROTECTED_SIZE	3
#define BOOTOPS_COSE_SIGN1_TAG		18

/* The attestation public key: SEC1 uncompressed, 0x04 || X || Y. */
#define BOOTOPS_ATTEST_PUB_SIZE		65

#endif /* __BOOTOPS_ATTEST_H__ */
