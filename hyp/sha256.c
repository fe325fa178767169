// SPDX-License-Identifier: GPL-2.0-only
/*
 * Incremental SHA-256 (FIPS 180-4) over the crypto backend's block
 * function.  Its state is plain data, so a verification can stop after any
 * page and go on in a later hypercall.
 */
#include <bootops/crypto.h>

static const u32 sha256_h0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

void bootops_sha256_init(struct bootops_sha256 *ctx)
{
	memcpy(ctx->state, sha256_h0, sizeof(ctx->state));
	ctx->len = 0;
}

void bootops_sha256_update(struct bootops_sha256 *ctx, const void *data, u64 len)
{
	u64 have = ctx->len % BOOTOPS_SHA256_BLOCK, n;
	const u8 *p = data;

	ctx->len += len;
	if (have) {
		n = BOOTOPS_SHA256_BLOCK - have;
		if (len < n) {
			memcpy(ctx->block + have, p, len);
			return;
		}
		memcpy(ctx->block + have, p, n);
		bootops_crypto_sha256_blocks(ctx->state, ctx->block, 1);
		p += n;
		len -= n;
	}
	n = len / BOOTOPS_SHA256_BLOCK;
	if (n)
		bootops_crypto_sha256_blocks(ctx->state, p, n);
	memcpy(ctx->block, p + n * BOOTOPS_SHA256_BLOCK, len % BOOTOPS_SHA256_BLOCK);
}

static void put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Padding: 0x80, zeros, then the message length in bits, big endian. */
void bootops_sha256_final(struct bootops_sha256 *ctx, u8 out[BOOTOPS_DIGEST_SIZE])
{
	u64 have = ctx->len % BOOTOPS_SHA256_BLOCK, bits = ctx->len << 3;
	int i;

	ctx->block[have++] = 0x80;
	if (have > BOOTOPS_SHA256_BLOCK - 8) {
		memset(ctx->block + have, 0, BOOTOPS_SHA256_BLOCK - have);
		bootops_crypto_sha256_blocks(ctx->state, ctx->block, 1);
		have = 0;
	}
	memset(ctx->block + have, 0, BOOTOPS_SHA256_BLOCK - 8 - have);
	put_be32(ctx->block + 56, bits >> 32);
	put_be32(ctx->block + 60, (u32)bits);
	bootops_crypto_sha256_blocks(ctx->state, ctx->block, 1);
	for (i = 0; i < 8; i++)
		put_be32(out + 4 * i, ctx->state[i]);
}

void bootops_sha256(const void *data, u64 len, u8 out[BOOTOPS_DIGEST_SIZE])
{
	struct bootops_sha256 ctx;

	bootops_sha256_init(&ctx);
	bootops_sha256_update(&ctx, data, len);
	bootops_sha256_final(&ctx, out);
}
