/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Freestanding <assert.h>: mbedTLS's library/common.h includes it
 * unconditionally; none of the files built for EL2 calls assert() with
 * MBEDTLS_CHECK_PARAMS off.  (static_assert is left alone: the kernel has
 * its own in <linux/build_bug.h>.)
 */
#ifndef BOOTOPS_SHIM_ASSERT_H
#define BOOTOPS_SHIM_ASSERT_H

#define assert(x)	((void)0)

#endif
