// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot-ops crypto before a verifier is linked in: hyp has no trust
 * anchor, so it can vouch for no image.  VMs without images still verify
 * (there is nothing to check); any declared image is rejected.
 */
#include <bootops/crypto.h>

int bootops_crypto_init(void)
{
	return 0;
}

int bootops_crypto_sha256(const void *data, u64 len, u8 out[BOOTOPS_DIGEST_SIZE])
{
	memset(out, 0, BOOTOPS_DIGEST_SIZE);
	return 0;
}

int bootops_crypto_verify(const u8 hash[BOOTOPS_DIGEST_SIZE],
			  const u8 sig[BOOTOPS_SIG_SIZE])
{
	return -EKEYREJECTED;
}
