/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Freestanding <assert.h>: mbedTLS's library/common.h includes it
 * unconditionally; none of the files built for EL2 calls assert() with
 * MBEDTLS_CHECK_PARAMS off.  Compile-time checks only.
 */
#ifndef BOOTOPS_SHIM_ASSERT_H
#define BOOTOPS_SHIM_ASSERT_H

#define assert(x)	((void)0)
#ifndef static_assert
#define static_assert	_Static_assert
#endif

#endif
