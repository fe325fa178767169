/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Freestanding <stddef.h> for mbedTLS at EL2 (Documentation/signing.rst,
 * "mbedTLS at EL2").  In the kernel (-nostdinc) it maps to the
 * kernel's own definitions; in the standalone check build
 * (scripts/build-mbedtls-el2.sh) it gives the same types the kernel has on
 * arm64, so the library is ABI-identical in both.
 */
#ifndef BOOTOPS_SHIM_STDDEF_H
#define BOOTOPS_SHIM_STDDEF_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#else
typedef unsigned long size_t;
typedef long ptrdiff_t;
#define NULL ((void *)0)
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif

#endif
