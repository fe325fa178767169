/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Freestanding <string.h> for mbedTLS at EL2.  The mbedTLS subset built by
 * scripts/build-mbedtls-el2.sh calls memcpy, memset and memmove, which the
 * nVHE object links from arch/arm64/lib/mem{cpy,set}.S, and memcmp,
 * strlen and strcmp off the verification path, which
 * hyp/mbedtls/string_el2.c provides.
 */
#ifndef BOOTOPS_SHIM_STRING_H
#define BOOTOPS_SHIM_STRING_H

#include <stddef.h>

#ifdef __KERNEL__
#include <linux/string.h>
#else
void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/*
 * -ffreestanding turns off GCC's knowledge of these; give it back so that
 * small constant-size copies are inlined as in the kernel build (which
 * has no -ffreestanding).
 */
#define memcpy(d, s, n)		__builtin_memcpy(d, s, n)
#define memmove(d, s, n)	__builtin_memmove(d, s, n)
#define memset(s, c, n)		__builtin_memset(s, c, n)
#define memcmp(a, b, n)		__builtin_memcmp(a, b, n)
#define strlen(s)		__builtin_strlen(s)
#define strcmp(a, b)		__builtin_strcmp(a, b)
#endif

#endif
