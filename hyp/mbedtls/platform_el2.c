// SPDX-License-Identifier: GPL-2.0-only
/*
 * mbedTLS platform glue for EL2: a static heap and the few hooks the
 * library needs when there is no libc (configuration:
 * hyp/mbedtls/bootops_mbedtls_config.h).
 *
 * As TF-A does for its mbedTLS at EL3, every mbedtls_calloc()/free() is
 * served by memory_buffer_alloc.c from one static arena.  The arena lives
 * in hyp's .bss, which pKVM keeps away from the host.  Its size comes
 * from measuring the peak that ECDSA P-256 verification needs with this
 * very configuration (tools/bootops-sign/measure_heap.c; the numbers are
 * in Documentation/signing.rst).
 *
 * bootops_mbedtls_init() must run once before the first verification,
 * from hyp's single-threaded init; until then mbedtls_calloc() returns
 * NULL and every verification fails (closed).
 */
#include <bootops/port.h>

#include <mbedtls/memory_buffer_alloc.h>
#include <mbedtls/platform.h>
#include <mbedtls/threading.h>

#ifdef __KVM_NVHE_HYPERVISOR__
#include <linux/bug.h>
#endif

#include "bootops_mbedtls.h"

/*
 * One ECDSA P-256 verification needs an arena of 4,296 to 4,480 bytes
 * (smallest arena that verifies, over runs of 69 signatures with fresh
 * keys: tools/bootops-sign/measure_heap.c); that is 1,720 bytes of
 * payload in up to 32 blocks, each with a 64-byte header.  16 KiB is 3.6
 * times the largest.  Verifications of different VMs may run on
 * different CPUs at once; the allocator is locked, so the arena cannot be
 * corrupted, but it holds only about three verifications at a time, and
 * a failed allocation rejects a good image (fails closed).
 * hyp/crypto_mbedtls.c should therefore verify one signature at a time
 * (one lock around the ECDSA part), which also makes the bound exact.
 */
#ifndef BOOTOPS_MBEDTLS_ARENA_SIZE
#define BOOTOPS_MBEDTLS_ARENA_SIZE	(16 * 1024)
#endif

static unsigned char bootops_mbedtls_arena[BOOTOPS_MBEDTLS_ARENA_SIZE]
	__attribute__((__aligned__(16)));
static int bootops_mbedtls_ready;

/* MBEDTLS_THREADING_ALT: memory_buffer_alloc's lock around calloc/free. */
static void mutex_init(mbedtls_threading_mutex_t *m)
{
	bootops_lock_init(&m->lock);
	m->valid = 1;
}

static void mutex_free(mbedtls_threading_mutex_t *m)
{
	m->valid = 0;
}

static int mutex_lock(mbedtls_threading_mutex_t *m)
{
	if (!m->valid)
		return MBEDTLS_ERR_THREADING_BAD_INPUT_DATA;
	bootops_lock(&m->lock);
	return 0;
}

static int mutex_unlock(mbedtls_threading_mutex_t *m)
{
	if (!m->valid)
		return MBEDTLS_ERR_THREADING_BAD_INPUT_DATA;
	bootops_unlock(&m->lock);
	return 0;
}

int bootops_mbedtls_init(void)
{
	if (bootops_mbedtls_ready)
		return 0;
	mbedtls_threading_set_alt(mutex_init, mutex_free, mutex_lock, mutex_unlock);
	/* Also installs the (locked) calloc/free with mbedtls_platform_set_calloc_free(). */
	mbedtls_memory_buffer_alloc_init(bootops_mbedtls_arena,
					 sizeof(bootops_mbedtls_arena));
	bootops_mbedtls_ready = 1;
	return 0;
}

unsigned long bootops_mbedtls_arena_size(void)
{
	return sizeof(bootops_mbedtls_arena);
}

/*
 * MBEDTLS_PLATFORM_EXIT_MACRO: memory_buffer_alloc.c found its own heap
 * corrupted.  Nothing sensible can continue.
 */
void bootops_mbedtls_exit(int status)
{
	(void)status;
#ifdef __KVM_NVHE_HYPERVISOR__
	BUG();
#else
	__builtin_trap();
#endif
}
