/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ARM VMSAv8-64 (LPAE) translation tables, 4 KiB granule, as used by the
 * SMMU stage-2 context banks that hyp owns.  Tables come from the platform.
 */
#ifndef __BOOTOPS_PGTABLE_H__
#define __BOOTOPS_PGTABLE_H__

#include <bootops/port.h>

#define BOOTOPS_PTE_VALID	(1ULL << 0)
#define BOOTOPS_PTE_TABLE	(1ULL << 1)	/* table (L0-2) or page (L3) */
#define BOOTOPS_PTE_AF		(1ULL << 10)
#define BOOTOPS_PTE_OA_MASK	0x0000fffffffff000ULL	/* bits 47:12 */
/* Stage-2 attributes a host may choose: MemAttr, S2AP, SH, XN. */
#define BOOTOPS_PTE_S2_MEMATTR	(0xfULL << 2)
#define BOOTOPS_PTE_S2_AP	(0x3ULL << 6)
#define BOOTOPS_PTE_S2_AP_W	(0x2ULL << 6)	/* S2AP[1]: writable */
#define BOOTOPS_PTE_S2_MEMATTR_NORMAL	(0x3ULL << 4)	/* MemAttr[3:2] != 0: normal memory */
#define BOOTOPS_PTE_S2_SH	(0x3ULL << 8)
#define BOOTOPS_PTE_S2_XN	(0x3ULL << 53)
#define BOOTOPS_PTE_S2_ATTRS	(BOOTOPS_PTE_S2_MEMATTR | BOOTOPS_PTE_S2_AP | \
				 BOOTOPS_PTE_S2_SH | BOOTOPS_PTE_S2_XN)
#define BOOTOPS_PTE_S2_NORMAL	((0xfULL << 2) | (0x3ULL << 6) | (0x3ULL << 8))
#define BOOTOPS_PTE_S2_DEVICE	((0x1ULL << 2) | (0x3ULL << 6) | BOOTOPS_PTE_S2_XN)

#define BOOTOPS_PGT_IA_BITS	48

struct bootops_pgt {
	u64 root_pa;		/* 0: no table */
};

typedef void (*bootops_pgt_leaf_fn)(u64 ia, u64 pte, void *arg);

int bootops_pgt_init(struct bootops_pgt *pgt);
/* Installs leaf descriptor pte at ia.  -EEXIST if mapped, -ENOMEM. */
int bootops_pgt_map(struct bootops_pgt *pgt, u64 ia, u64 pte);
/* Removes the leaf at ia; returns it, or 0 if none was there. */
u64 bootops_pgt_unmap(struct bootops_pgt *pgt, u64 ia);
/* The leaf descriptor at ia, or 0. */
u64 bootops_pgt_lookup(const struct bootops_pgt *pgt, u64 ia);
/* Calls fn on every leaf, in address order. */
void bootops_pgt_walk(const struct bootops_pgt *pgt, bootops_pgt_leaf_fn fn, void *arg);
/* Calls fn on every leaf, then frees every table page. */
/*
 * Clears leaves in address order, calling fn for each, at most *budget of
 * them (counted down); true once the table has no leaf left.
 */
bool bootops_pgt_drain(struct bootops_pgt *pgt, bootops_pgt_leaf_fn fn, void *arg,
		       u64 *budget);
void bootops_pgt_empty(struct bootops_pgt *pgt, bootops_pgt_leaf_fn fn, void *arg);
void bootops_pgt_destroy(struct bootops_pgt *pgt, bootops_pgt_leaf_fn fn, void *arg);

static inline u64 bootops_pte_page(u64 pa, u64 attrs)
{
	return (pa & BOOTOPS_PTE_OA_MASK) | (attrs & BOOTOPS_PTE_S2_ATTRS) |
	       BOOTOPS_PTE_AF | BOOTOPS_PTE_TABLE | BOOTOPS_PTE_VALID;
}

#endif /* __BOOTOPS_PGTABLE_H__ */
