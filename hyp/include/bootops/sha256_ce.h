/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 block function using the ARMv8 Crypto Extensions (hyp/sha256_ce.S).
 * The caller does the padding; the CPU must have the SHA2 extension.
 */
#ifndef __BOOTOPS_SHA256_CE_H__
#define __BOOTOPS_SHA256_CE_H__

#include <bootops/port.h>

/*
 * nblocks 64-byte blocks of data into state (H0..H7 of FIPS 180-4, native
 * u32).  Saves and restores every SIMD&FP register it uses: at EL2 these
 * are the host's.
 */
void bootops_sha256_ce_blocks(u32 state[8], const void *data, u64 nblocks);

#endif /* __BOOTOPS_SHA256_CE_H__ */
