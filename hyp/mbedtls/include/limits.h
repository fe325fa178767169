/* SPDX-License-Identifier: GPL-2.0-only */
/* Freestanding <limits.h> for mbedTLS at EL2: only what it uses. */
#ifndef BOOTOPS_SHIM_LIMITS_H
#define BOOTOPS_SHIM_LIMITS_H

#include <stdint.h>

#ifdef __KERNEL__
#include <linux/limits.h>	/* INT_MAX, UINT_MAX, ULONG_MAX, ... */
#else
#define INT_MAX		__INT_MAX__
#define INT_MIN		(-INT_MAX - 1)
#define UINT_MAX	(INT_MAX * 2U + 1U)
#define LONG_MAX	__LONG_MAX__
#define ULONG_MAX	(LONG_MAX * 2UL + 1UL)
#endif

/* Both must be usable in #if (check_config.h: "#if CHAR_BIT != 8"). */
#ifndef CHAR_BIT
#define CHAR_BIT	__CHAR_BIT__
#endif

#endif
