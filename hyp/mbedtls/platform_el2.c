// SPDX-License-Identifier: GPL-2.0-only
/*
 * mbedTLS's heap at EL2: calloc() and free() over a static arena.
 *
 * The nVHE hypervisor has no writable initialised data (only .bss), so
 * mbedTLS's run-time hooks (mbedtls_platform_set_calloc_free(),
 * mbedtls_threading_set_alt()), which write function pointers, cannot be
 * used: MBEDTLS_PLATFORM_CALLOC_MACRO/FREE_MACRO bind mbedTLS at compile
 * time to the calloc()/free() this file provides.
 *
 * First fit with splitting and coalescing.  One verification peaks at
 * 2,400 bytes with headers (31 blocks; the smallest arena that verifies
 * is 2,640 bytes: tools/bootops-sign/measure_heap.sh), one attestation
 * signature at 2,368 (tools/bootops-sign/el2_sign.sh); at most one of
 * each is in progress (hyp/crypto_mbedtls.c), so 16 KiB leaves a wide
 * margin.
 * An allocation that does not fit fails and the image is rejected: the
 * allocator fails closed.
 */
#include <bootops/port.h>
#include <bootops/crypto.h>

#include <stdlib.h>

#include "bootops_mbedtls.h"

#ifndef BOOTOPS_MBEDTLS_ARENA_SIZE
#define BOOTOPS_MBEDTLS_ARENA_SIZE	(16 * 1024)
#endif

struct block {
	u32 size;		/* bytes, header included, multiple of 16 */
	u32 used;
	u64 pad;		/* keeps payloads 16-byte aligned */
};

#define HDR	sizeof(struct block)

static u8 arena[BOOTOPS_MBEDTLS_ARENA_SIZE] __attribute__((__aligned__(16)));
static bootops_lock_t heap_lock;
static u64 in_use, peak;

static struct block *block_at(u64 off)
{
	return (struct block *)(arena + off);
}

static u64 off_of(struct block *b)
{
	return (u8 *)b - arena;
}

int bootops_mbedtls_init(void)
{
	struct block *b = block_at(0);

	bootops_lock(&heap_lock);
	b->size = sizeof(arena);
	b->used = 0;
	in_use = 0;
	peak = 0;
	bootops_unlock(&heap_lock);
	return 0;
}

/* Splits b so that it is exactly size bytes, if the rest can hold a block. */
static void split(struct block *b, u64 size)
{
	struct block *rest;

	if (b->size - size < 2 * HDR)
		return;
	rest = block_at(off_of(b) + size);
	rest->size = b->size - size;
	rest->used = 0;
	b->size = size;
}

static void *heap_alloc(u64 bytes)
{
	u64 size = (bytes + HDR + 15) & ~15ULL, off;

	if (!bytes || bytes > sizeof(arena))
		return NULL;
	for (off = 0; off < sizeof(arena) && block_at(off)->size; off += block_at(off)->size) {
		struct block *b = block_at(off);

		if (b->used || b->size < size)
			continue;
		split(b, size);
		b->used = 1;
		in_use += b->size;
		peak = in_use > peak ? in_use : peak;
		memset(b + 1, 0, b->size - HDR);
		return b + 1;
	}
	return NULL;
}

/* Frees b and merges every run of free blocks (the arena is small). */
static void heap_free(struct block *b)
{
	u64 off;

	b->used = 0;
	in_use -= b->size;
	for (off = 0; off < sizeof(arena); off += block_at(off)->size) {
		struct block *cur = block_at(off), *next;

		while (!cur->used && off + cur->size < sizeof(arena)) {
			next = block_at(off + cur->size);
			if (next->used)
				break;
			cur->size += next->size;
		}
	}
}

void *calloc(size_t nmemb, size_t size)
{
	void *p;

	if (size && nmemb > (size_t)-1 / size)
		return NULL;
	bootops_lock(&heap_lock);
	p = heap_alloc((u64)nmemb * size);
	bootops_unlock(&heap_lock);
	return p;
}

void free(void *ptr)
{
	if (!ptr)
		return;
	bootops_lock(&heap_lock);
	heap_free((struct block *)ptr - 1);
	bootops_unlock(&heap_lock);
}

unsigned long bootops_mbedtls_arena_size(void)
{
	return sizeof(arena);
}

unsigned long bootops_mbedtls_heap_peak(void)
{
	return peak;
}

unsigned long bootops_mbedtls_heap_in_use(void)
{
	return in_use;
}

/* The EL2 crypto backend's init: mbedTLS's heap. */
int bootops_crypto_init(void)
{
	return bootops_mbedtls_init();
}
