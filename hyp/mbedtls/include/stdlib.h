/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Freestanding <stdlib.h>: mbedtls/threading.h includes it unconditionally
 * (MBEDTLS_THREADING_C) but uses nothing from it.  There is no malloc or
 * exit at EL2: MBEDTLS_PLATFORM_NO_STD_FUNCTIONS keeps mbedTLS from
 * wanting them.
 */
#ifndef BOOTOPS_SHIM_STDLIB_H
#define BOOTOPS_SHIM_STDLIB_H

#include <stddef.h>

/* mbedTLS's heap at EL2 (hyp/mbedtls/platform_el2.c). */
void *calloc(size_t nmemb, size_t size);
void free(void *ptr);

#endif
