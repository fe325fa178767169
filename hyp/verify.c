// SPDX-License-Identifier: GPL-2.0-only
/*
 * Signature check of one boot image (format: include/bootops/image.h), and
 * which key a manifest names.  The header is rebuilt from what hyp itself
 * recorded, never taken from the host, so a signature only fits the
 * address and size it was made for.
 */
#include <bootops/bootops.h>
#include <bootops/crypto.h>
#include <bootops/image.h>
#include <bootops/manifest.h>
#include <bootops/trust_anchor.h>

static void put_le64(u8 *p, u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (u8)(v >> (8 * i));
}

void bootops_image_signed_hash(u64 load_addr, u64 size,
			       const u8 digest[BOOTOPS_DIGEST_SIZE],
			       u8 hash[BOOTOPS_DIGEST_SIZE])
{
	u8 hdr[BOOTOPS_HDR_SIZE] = { 0 };

	memcpy(hdr, BOOTOPS_HDR_MAGIC, 8);
	put_le64(hdr + BOOTOPS_HDR_OFF_LOAD_ADDR, load_addr);
	put_le64(hdr + BOOTOPS_HDR_OFF_SIZE, size);
	memcpy(hdr + BOOTOPS_HDR_OFF_DIGEST, digest, BOOTOPS_DIGEST_SIZE);
	bootops_sha256(hdr, sizeof(hdr), hash);
}

int bootops_verify_image(u64 load_addr, u64 size, const void *bytes,
			 const u8 sig[BOOTOPS_SIG_SIZE])
{
	u8 digest[BOOTOPS_DIGEST_SIZE], hash[BOOTOPS_DIGEST_SIZE];

	bootops_sha256(bytes, size, digest);
	bootops_image_signed_hash(load_addr, size, digest, hash);
	return bootops_crypto_verify(0, hash, sig);
}

int bootops_crypto_manifest_key(u32 key_id)
{
	u32 i;

	if (!key_id)
		return -ENOKEY;
	for (i = 0; i < bootops_nr_manifest_keys && i < BOOTOPS_MANIFEST_MAX_KEYS; i++)
		if (bootops_manifest_keys[i].id == key_id)
			return i;
	return -ENOKEY;
}
