/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Freestanding <stdlib.h>: only calloc() and free(), which mbedTLS's
 * allocation macros name (bootops_mbedtls_config.h) and
 * hyp/mbedtls/platform_el2.c provides.  There is no malloc or exit at EL2.
 */
#ifndef BOOTOPS_SHIM_STDLIB_H
#define BOOTOPS_SHIM_STDLIB_H

#include <stddef.h>

/* mbedTLS's heap at EL2 (hyp/mbedtls/platform_el2.c). */
void *calloc(size_t nmemb, size_t size);
void free(void *ptr);

#endif
