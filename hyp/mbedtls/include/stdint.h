/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Freestanding <stdint.h> for mbedTLS at EL2.  The exact-width types are
 * those of the kernel on arm64 (asm-generic/int-ll64.h): 64-bit types are
 * "long long", size_t and uintptr_t are "long".
 */
#ifndef BOOTOPS_SHIM_STDINT_H
#define BOOTOPS_SHIM_STDINT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/limits.h>
/*
 * The kernel's SIZE_MAX is "(~(size_t)0)", which #if cannot evaluate;
 * asn1write.c tests "#if SIZE_MAX > 0xFFFFFFFF".  Same value, usable by the
 * preprocessor.  (linux/limits.h is guarded, so it cannot come back.)
 */
#undef SIZE_MAX
#define SIZE_MAX	__SIZE_MAX__
#else
typedef signed char int8_t;
typedef unsigned char uint8_t;
typedef short int16_t;
typedef unsigned short uint16_t;
typedef int int32_t;
typedef unsigned int uint32_t;
typedef long long int64_t;
typedef unsigned long long uint64_t;
typedef long intptr_t;
typedef unsigned long uintptr_t;
#define SIZE_MAX	__SIZE_MAX__
#endif

#ifndef UINT8_MAX
#define UINT8_MAX	0xffU
#define UINT16_MAX	0xffffU
#define UINT32_MAX	0xffffffffU
#define UINT64_MAX	0xffffffffffffffffULL
#define INT8_MAX	0x7f
#define INT16_MAX	0x7fff
#define INT32_MAX	0x7fffffff
#define INT64_MAX	0x7fffffffffffffffLL
#define INT8_MIN	(-INT8_MAX - 1)
#define INT16_MIN	(-INT16_MAX - 1)
#define INT32_MIN	(-INT32_MAX - 1)
#define INT64_MIN	(-INT64_MAX - 1)
#endif
#ifndef UINT64_C
#define INT64_C(c)	c ## LL
#define UINT64_C(c)	c ## ULL
#define UINT32_C(c)	c ## U
#endif

#endif
