/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Portability: the only place where the boot-ops core meets its
 * environment.  The core files include this header and nothing else from
 * outside hyp/, so the same code builds into the nVHE hyp object and into
 * the host test programs.
 */
#ifndef __BOOTOPS_PORT_H__
#define __BOOTOPS_PORT_H__

#ifdef __KVM_NVHE_HYPERVISOR__	/* EL2, inside the kernel tree */

#include <linux/build_bug.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <nvhe/spinlock.h>

typedef hyp_spinlock_t bootops_lock_t;
#define bootops_lock_init(l)	hyp_spin_lock_init(l)
#define bootops_lock(l)		hyp_spin_lock(l)
#define bootops_unlock(l)	hyp_spin_unlock(l)

#else /* host: unit, model and fuzz tests */

#include <assert.h>	/* static_assert */
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

/* Linux's errno values, so that results compare equal across builds. */
#define EPERM		1
#define ENOENT		2
#define EIO		5
#define ENOEXEC		8
#define ENOMEM		12
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define ENODEV		19
#define EINVAL		22
#define ENOSPC		28
#define ERANGE		34
#define ETIMEDOUT	110
#define ENOKEY		126
#define EKEYREJECTED	129

typedef struct { int locked; } bootops_lock_t;

static inline void bootops_lock_init(bootops_lock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELAXED);
}

static inline void bootops_lock(bootops_lock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			;
}

static inline void bootops_unlock(bootops_lock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif /* __KVM_NVHE_HYPERVISOR__ */

#include <bootops/abi.h>

#define BOOTOPS_PAGE_MASK	(~(BOOTOPS_PAGE_SIZE - 1))
#define BOOTOPS_INVALID64	(~0ULL)

/* The little-endian integer of the bytes at p (at most 8). */
static inline u64 bootops_get_le(const u8 *p, int bytes)
{
	u64 v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

static inline bool bootops_all_zero(const u8 *p, u64 n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static inline u64 bootops_min(u64 a, u64 b)
{
	return a < b ? a : b;
}

static inline bool bootops_page_aligned(u64 x)
{
	return !(x & (BOOTOPS_PAGE_SIZE - 1));
}

/* [a, a + size) and [b, b + bsize) overlap; neither range may wrap. */
static inline bool bootops_ranges_overlap(u64 a, u64 size, u64 b, u64 bsize)
{
	return a < b + bsize && b < a + size;
}

#endif /* __BOOTOPS_PORT_H__ */
