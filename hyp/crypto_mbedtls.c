// SPDX-License-Identifier: GPL-2.0-only
/*
 * bootops crypto on mbedTLS 2.28: SHA-256 blocks and ECDSA P-256
 * verification against the trust anchor built into hyp.  On arm64, where
 * the platform says the CPU has them, the ARMv8 SHA-256 instructions
 * (hyp/sha256_ce.S) replace mbedTLS's C rounds.
 */
#include <bootops/crypto.h>
#include <bootops/sha256_ce.h>
#include <bootops/trust_anchor.h>

#include <mbedtls/ecdsa.h>
#include <mbedtls/sha256.h>

static bool sha256_insns;

void bootops_crypto_use_sha256_insns(bool on)
{
	sha256_insns = on;
}

static void sha256_blocks_c(u32 state[8], const u8 *data, u64 nblocks)
{
	mbedtls_sha256_context ctx;

	memcpy(ctx.state, state, sizeof(ctx.state));
	for (; nblocks; nblocks--, data += BOOTOPS_SHA256_BLOCK)
		mbedtls_internal_sha256_process(&ctx, data);
	memcpy(state, ctx.state, sizeof(ctx.state));
}

void bootops_crypto_sha256_blocks(u32 state[8], const u8 *data, u64 nblocks)
{
#ifdef __aarch64__
	if (sha256_insns) {
		bootops_sha256_ce_blocks(state, data, nblocks);
		return;
	}
#endif
	sha256_blocks_c(state, data, nblocks);
}

static int ecdsa_p256_verify(const u8 hash[BOOTOPS_DIGEST_SIZE],
			     const u8 sig[BOOTOPS_SIG_SIZE])
{
	mbedtls_ecp_group grp;
	mbedtls_ecp_point q;
	mbedtls_mpi r, s;
	int ret;

	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&q);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	ret = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
	if (!ret)
		ret = mbedtls_ecp_point_read_binary(&grp, &q, bootops_trust_anchor,
						    BOOTOPS_PUBKEY_SIZE);
	if (!ret)
		ret = mbedtls_mpi_read_binary(&r, sig, BOOTOPS_SIG_SIZE / 2);
	if (!ret)
		ret = mbedtls_mpi_read_binary(&s, sig + BOOTOPS_SIG_SIZE / 2,
					      BOOTOPS_SIG_SIZE / 2);
	if (!ret)
		ret = mbedtls_ecdsa_verify(&grp, hash, BOOTOPS_DIGEST_SIZE, &q, &r, &s);
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	mbedtls_ecp_point_free(&q);
	mbedtls_ecp_group_free(&grp);
	return ret;
}

/*
 * One verification at a time: at EL2 mbedTLS allocates from a small fixed
 * arena (hyp/mbedtls/platform_el2.c) sized for one at a time with margin.
 */
static bootops_lock_t verify_lock;

int bootops_crypto_verify(const u8 hash[BOOTOPS_DIGEST_SIZE],
			  const u8 sig[BOOTOPS_SIG_SIZE])
{
	int ret;

	bootops_lock(&verify_lock);
	ret = ecdsa_p256_verify(hash, sig);
	bootops_unlock(&verify_lock);
	return ret ? -EKEYREJECTED : 0;
}
