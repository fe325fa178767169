/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mbedTLS at EL2: what hyp calls (hyp/mbedtls/platform_el2.c).
 */
#ifndef BOOTOPS_MBEDTLS_H
#define BOOTOPS_MBEDTLS_H

/*
 * Set up the static heap.  Call once from hyp init, before the first
 * bootops_crypto_verify(): a later call would empty the arena.  Returns 0.
 */
int bootops_mbedtls_init(void);

/* Bytes in the static heap (BOOTOPS_MBEDTLS_ARENA_SIZE). */
unsigned long bootops_mbedtls_arena_size(void);
/* Most bytes (headers included) ever allocated at once, and now. */
unsigned long bootops_mbedtls_heap_peak(void);
unsigned long bootops_mbedtls_heap_in_use(void);

#endif
