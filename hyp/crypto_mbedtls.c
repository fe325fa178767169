// SPDX-License-Identifier: GPL-2.0-only
/*
 * bootops crypto on mbedTLS 2.28: SHA-256 blocks and ECDSA P-256
 * verification against the keys built into hyp (bootops/trust_anchor.h).
 * On arm64, where the platform says the CPU has them, the ARMv8 SHA-256
 * instructions (hyp/sha256_ce.S) replace mbedTLS's C rounds.
 */
#include <bootops/crypto.h>
#include <bootops/sha256_ce.h>
#include <bootops/trust_anchor.h>

#include <mbedtls/asn1.h>
#include <mbedtls/asn1write.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/hmac_drbg.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
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

/* Key 0 is the per-image anchor, the others manifest keys; NULL: no such key. */
static const u8 *key_pub(u32 key_id)
{
	int idx;

	if (!key_id)
		return bootops_trust_anchor;
	idx = bootops_crypto_manifest_key(key_id);
	return idx < 0 ? NULL : bootops_manifest_keys[idx].pub;
}

static int ecdsa_p256_verify(const u8 *pub, const u8 hash[BOOTOPS_DIGEST_SIZE],
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
		ret = mbedtls_ecp_point_read_binary(&grp, &q, pub, BOOTOPS_PUBKEY_SIZE);
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

int bootops_crypto_verify(u32 key_id, const u8 hash[BOOTOPS_DIGEST_SIZE],
			  const u8 sig[BOOTOPS_SIG_SIZE])
{
	const u8 *pub = key_pub(key_id);
	int ret;

	if (!pub)
		return -EKEYREJECTED;
	bootops_lock(&verify_lock);
	ret = ecdsa_p256_verify(pub, hash, sig);
	bootops_unlock(&verify_lock);
	return ret ? -EKEYREJECTED : 0;
}

#ifdef MBEDTLS_ECP_RESTARTABLE
/*
 * At EL2 a signature check is cut into steps of at most
 * BOOTOPS_ECP_MAX_OPS of mbedTLS's basic elliptic-curve operations
 * (mbedtls_ecp_set_max_ops()), so that no hypercall holds EL2 for a whole
 * check.  One check is in progress at a time, for one owner (a vmid); the
 * others wait (BOOTOPS_CONTINUE without progress) until it ends or its VM
 * is torn down.  Its contexts live in mbedTLS's arena between steps.
 */
#define BOOTOPS_ECP_MAX_OPS	500
#define SIG_DER_MAX		(2 + 2 * (2 + 1 + BOOTOPS_SIG_SIZE / 2))

static struct {
	u64 owner;			/* 0: no check in progress */
	mbedtls_ecdsa_context key;
	mbedtls_ecdsa_restart_ctx rs;
	u8 hash[BOOTOPS_DIGEST_SIZE];
	u8 der[SIG_DER_MAX];
	size_t der_len;
} check;

static int der_add(int *len, int n)
{
	if (n < 0)
		return n;
	*len += n;
	return 0;
}

/* r || s as the DER SEQUENCE mbedTLS's restartable check reads. */
static int sig_to_der(const u8 sig[BOOTOPS_SIG_SIZE])
{
	u8 *p = check.der + sizeof(check.der);
	mbedtls_mpi r, s;
	int ret, len = 0;

	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	ret = mbedtls_mpi_read_binary(&r, sig, BOOTOPS_SIG_SIZE / 2);
	if (!ret)
		ret = mbedtls_mpi_read_binary(&s, sig + BOOTOPS_SIG_SIZE / 2, BOOTOPS_SIG_SIZE / 2);
	/* mbedTLS writes DER backwards, from the end of the buffer. */
	if (!ret)
		ret = der_add(&len, mbedtls_asn1_write_mpi(&p, check.der, &s));
	if (!ret)
		ret = der_add(&len, mbedtls_asn1_write_mpi(&p, check.der, &r));
	if (!ret)
		ret = der_add(&len, mbedtls_asn1_write_len(&p, check.der, len));
	if (!ret)
		ret = der_add(&len, mbedtls_asn1_write_tag(&p, check.der, MBEDTLS_ASN1_CONSTRUCTED |
								     MBEDTLS_ASN1_SEQUENCE));
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	if (ret)
		return ret;
	check.der_len = len;
	memmove(check.der, p, len);
	return 0;
}

static void end_check(void)
{
	mbedtls_ecdsa_restart_free(&check.rs);
	mbedtls_ecdsa_free(&check.key);
	check.owner = 0;
}

static int start_check(u64 owner, u32 key_id, const u8 hash[BOOTOPS_DIGEST_SIZE],
		       const u8 sig[BOOTOPS_SIG_SIZE])
{
	const u8 *pub = key_pub(key_id);
	int ret;

	if (!pub)
		return -ENOKEY;
	mbedtls_ecp_set_max_ops(BOOTOPS_ECP_MAX_OPS);
	mbedtls_ecdsa_init(&check.key);
	mbedtls_ecdsa_restart_init(&check.rs);
	ret = mbedtls_ecp_group_load(&check.key.grp, MBEDTLS_ECP_DP_SECP256R1);
	if (!ret)
		ret = mbedtls_ecp_point_read_binary(&check.key.grp, &check.key.Q,
						    pub, BOOTOPS_PUBKEY_SIZE);
	if (!ret)
		ret = sig_to_der(sig);
	if (ret) {
		end_check();
		return ret;
	}
	memcpy(check.hash, hash, BOOTOPS_DIGEST_SIZE);
	check.owner = owner;
	return 0;
}

int bootops_crypto_verify_step(u64 owner, u32 key_id, const u8 hash[BOOTOPS_DIGEST_SIZE],
			       const u8 sig[BOOTOPS_SIG_SIZE])
{
	int ret = BOOTOPS_CONTINUE;

	bootops_lock(&verify_lock);
	if (check.owner && check.owner != owner)
		goto out;			/* another VM's check is in progress */
	/* Setting up (the curve, the key, the signature) is a step of its own. */
	if (!check.owner) {
		if (start_check(owner, key_id, hash, sig))
			ret = -EKEYREJECTED;
		goto out;
	}
	ret = mbedtls_ecdsa_read_signature_restartable(&check.key, check.hash,
						       BOOTOPS_DIGEST_SIZE, check.der,
						       check.der_len, &check.rs);
	if (ret == MBEDTLS_ERR_ECP_IN_PROGRESS) {
		ret = BOOTOPS_CONTINUE;
		goto out;
	}
	end_check();
	ret = ret ? -EKEYREJECTED : 0;
out:
	bootops_unlock(&verify_lock);
	return ret;
}

void bootops_crypto_verify_abort(u64 owner)
{
	bootops_lock(&verify_lock);
	if (check.owner == owner)
		end_check();
	bootops_unlock(&verify_lock);
}
#else /* one step: hosts whose mbedTLS has no restartable ECC */
int bootops_crypto_verify_step(u64 owner, u32 key_id, const u8 hash[BOOTOPS_DIGEST_SIZE],
			       const u8 sig[BOOTOPS_SIG_SIZE])
{
	(void)owner;
	return bootops_crypto_verify(key_id, hash, sig);
}

void bootops_crypto_verify_abort(u64 owner)
{
	(void)owner;
}
#endif

/*
 * Attestation: hyp's key, from the seed at init.  The seed is expanded
 * by HMAC-DRBG (SHA-256) under a label of its own, so that the key is a
 * function of the seed alone and nothing else ever uses those bytes.
 */
static const char attest_label[] = "bootops attestation key v1";

static struct {
	bool have;
	u8 d[BOOTOPS_DIGEST_SIZE];		/* the private scalar, big endian */
	u8 pub[BOOTOPS_ATTEST_PUB_SIZE];
} attest_key;

static int derive_key(mbedtls_hmac_drbg_context *drbg)
{
	mbedtls_ecp_group grp;
	mbedtls_ecp_point q;
	mbedtls_mpi d;
	size_t olen;
	int ret;

	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&q);
	mbedtls_mpi_init(&d);
	ret = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
	if (!ret)
		ret = mbedtls_ecp_gen_keypair(&grp, &d, &q, mbedtls_hmac_drbg_random, drbg);
	if (!ret)
		ret = mbedtls_mpi_write_binary(&d, attest_key.d, sizeof(attest_key.d));
	if (!ret)
		ret = mbedtls_ecp_point_write_binary(&grp, &q, MBEDTLS_ECP_PF_UNCOMPRESSED, &olen,
						     attest_key.pub, sizeof(attest_key.pub));
	mbedtls_mpi_free(&d);
	mbedtls_ecp_point_free(&q);
	mbedtls_ecp_group_free(&grp);
	return ret;
}

int bootops_crypto_attest_init(const u8 seed[BOOTOPS_ATTEST_SEED_SIZE])
{
	mbedtls_hmac_drbg_context drbg;
	int ret;

	attest_key.have = false;
	if (bootops_all_zero(seed, BOOTOPS_ATTEST_SEED_SIZE))
		return -ENOKEY;
	mbedtls_hmac_drbg_init(&drbg);
	ret = mbedtls_hmac_drbg_seed_buf(&drbg, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
					 seed, BOOTOPS_ATTEST_SEED_SIZE);
	if (!ret)
		ret = mbedtls_hmac_drbg_update_ret(&drbg, (const u8 *)attest_label,
						   sizeof(attest_label) - 1);
	if (!ret)
		ret = derive_key(&drbg);
	mbedtls_hmac_drbg_free(&drbg);		/* zeroises the DRBG's state */
	if (ret) {
		mbedtls_platform_zeroize(&attest_key, sizeof(attest_key));
		return -EIO;
	}
	attest_key.have = true;
	return 0;
}

int bootops_crypto_attest_pub(u8 pub[BOOTOPS_ATTEST_PUB_SIZE])
{
	if (!attest_key.have)
		return -ENOKEY;
	memcpy(pub, attest_key.pub, BOOTOPS_ATTEST_PUB_SIZE);
	return 0;
}

#define HALF_SIG	(BOOTOPS_SIG_SIZE / 2)

/* The DER SEQUENCE { r, s } mbedTLS writes, as raw r || s. */
static int der_to_raw(const u8 *der, size_t len, u8 sig[BOOTOPS_SIG_SIZE])
{
	u8 *p = (u8 *)der;
	const u8 *end = der + len;
	mbedtls_mpi r, s;
	size_t seq;
	int ret;

	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	ret = mbedtls_asn1_get_tag(&p, end, &seq, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
	if (!ret)
		ret = mbedtls_asn1_get_mpi(&p, end, &r);
	if (!ret)
		ret = mbedtls_asn1_get_mpi(&p, end, &s);
	if (!ret)
		ret = mbedtls_mpi_write_binary(&r, sig, HALF_SIG);
	if (!ret)
		ret = mbedtls_mpi_write_binary(&s, sig + HALF_SIG, HALF_SIG);
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	return ret ? -EIO : 0;
}

#define SIG_DER_BUF	MBEDTLS_ECDSA_MAX_SIG_LEN(256)

static bootops_lock_t sign_lock;

#ifdef MBEDTLS_ECP_RESTARTABLE
/*
 * One signature in progress, in steps of BOOTOPS_ECP_MAX_OPS (as a
 * check), its contexts in mbedTLS's arena between steps.
 */
static struct {
	u64 owner;			/* 0: none in progress */
	u32 waiting;			/* calls of others since the owner's last step */
	mbedtls_ecdsa_context key;
	mbedtls_ecdsa_restart_ctx rs;
	u8 hash[BOOTOPS_DIGEST_SIZE];
} sign;

static void end_sign(void)
{
	mbedtls_ecdsa_restart_free(&sign.rs);
	mbedtls_ecdsa_free(&sign.key);		/* zeroises the scalar */
	sign.owner = 0;
	sign.waiting = 0;
}

static int start_sign(u64 owner, const u8 hash[BOOTOPS_DIGEST_SIZE])
{
	int ret;

	mbedtls_ecdsa_init(&sign.key);
	mbedtls_ecdsa_restart_init(&sign.rs);
	ret = mbedtls_ecp_group_load(&sign.key.grp, MBEDTLS_ECP_DP_SECP256R1);
	if (!ret)
		ret = mbedtls_mpi_read_binary(&sign.key.d, attest_key.d, sizeof(attest_key.d));
	if (ret) {
		end_sign();
		return -EIO;
	}
	memcpy(sign.hash, hash, BOOTOPS_DIGEST_SIZE);
	sign.owner = owner;
	return 0;
}

/* May owner step now?  Drops what must go; sign_lock held. */
static bool sign_admit(u64 owner, const u8 hash[BOOTOPS_DIGEST_SIZE])
{
	if (sign.owner && sign.owner != owner) {
		if (++sign.waiting <= BOOTOPS_SIGN_PATIENCE)
			return false;
		end_sign();			/* its owner stopped calling */
	}
	if (sign.owner && memcmp(sign.hash, hash, BOOTOPS_DIGEST_SIZE))
		end_sign();			/* the owner asks for something else now */
	return true;
}

/* Off the stack, which is one page at EL2; under sign_lock. */
static u8 sign_der[SIG_DER_BUF];

static int sign_step(u64 owner, const u8 hash[BOOTOPS_DIGEST_SIZE], u8 sig[BOOTOPS_SIG_SIZE])
{
	size_t der_len;
	int ret;

	if (!sign_admit(owner, hash))
		return BOOTOPS_CONTINUE;
	/* Setting up is a step of its own, as for a check. */
	if (!sign.owner)
		return start_sign(owner, hash) ?: BOOTOPS_CONTINUE;
	sign.waiting = 0;
	mbedtls_ecp_set_max_ops(BOOTOPS_ECP_MAX_OPS);
	ret = mbedtls_ecdsa_write_signature_restartable(&sign.key, MBEDTLS_MD_SHA256, sign.hash,
							BOOTOPS_DIGEST_SIZE, sign_der, &der_len,
							NULL, NULL, &sign.rs);
	if (ret == MBEDTLS_ERR_ECP_IN_PROGRESS)
		return BOOTOPS_CONTINUE;
	end_sign();
	return ret ? -EIO : der_to_raw(sign_der, der_len, sig);
}

void bootops_crypto_sign_abort(u64 first, u64 last)
{
	bootops_lock(&sign_lock);
	if (sign.owner && sign.owner >= first && sign.owner <= last)
		end_sign();
	bootops_unlock(&sign_lock);
}
#else /* one step: hosts whose mbedTLS has no restartable ECC */
static int sign_step(u64 owner, const u8 hash[BOOTOPS_DIGEST_SIZE], u8 sig[BOOTOPS_SIG_SIZE])
{
	mbedtls_ecdsa_context key;
	u8 der[SIG_DER_BUF];
	size_t der_len;
	int ret;

	(void)owner;
	mbedtls_ecdsa_init(&key);
	ret = mbedtls_ecp_group_load(&key.grp, MBEDTLS_ECP_DP_SECP256R1);
	if (!ret)
		ret = mbedtls_mpi_read_binary(&key.d, attest_key.d, sizeof(attest_key.d));
	if (!ret)
		ret = mbedtls_ecdsa_write_signature(&key, MBEDTLS_MD_SHA256, hash,
						    BOOTOPS_DIGEST_SIZE, der, &der_len, NULL, NULL);
	mbedtls_ecdsa_free(&key);
	return ret ? -EIO : der_to_raw(der, der_len, sig);
}

void bootops_crypto_sign_abort(u64 first, u64 last)
{
	(void)first;
	(void)last;
}
#endif

int bootops_crypto_sign_step(u64 owner, const u8 hash[BOOTOPS_DIGEST_SIZE],
			     u8 sig[BOOTOPS_SIG_SIZE])
{
	int ret;

	if (!owner)
		return -EINVAL;
	bootops_lock(&sign_lock);
	ret = attest_key.have ? sign_step(owner, hash, sig) : -ENOKEY;
	bootops_unlock(&sign_lock);
	return ret;
}
