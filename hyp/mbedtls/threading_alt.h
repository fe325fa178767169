/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MBEDTLS_THREADING_ALT: the mutex type mbedTLS's threading.h expects.
 * Only memory_buffer_alloc.c uses it, to serialise calloc/free on the
 * shared arena (hyp/mbedtls/platform_el2.c installs the functions).
 * bootops_lock_t is a hyp spinlock in the kernel and a small atomic
 * spinlock elsewhere (hyp/include/bootops/port.h).
 */
#ifndef BOOTOPS_THREADING_ALT_H
#define BOOTOPS_THREADING_ALT_H

#include <bootops/port.h>

typedef struct mbedtls_threading_mutex_t {
	bootops_lock_t lock;
	int valid;
} mbedtls_threading_mutex_t;

#endif
