// SPDX-License-Identifier: GPL-2.0-only
/*
 * LPAE translation tables, 4 KiB granule, 48-bit input, levels 0-3.
 * Descriptors are built by masking and or-ing fields, never by adding.
 */
#include <bootops/pgtable.h>
#include <bootops/platform.h>

#define PGT_LEVELS	4
#define PGT_ENTRIES	512

static u64 pgt_index(u64 ia, int level)
{
	return (ia >> (BOOTOPS_PAGE_SHIFT + 9 * (3 - level))) & (PGT_ENTRIES - 1);
}

static bool pte_is_table(u64 pte)
{
	return (pte & (BOOTOPS_PTE_VALID | BOOTOPS_PTE_TABLE)) ==
	       (BOOTOPS_PTE_VALID | BOOTOPS_PTE_TABLE);
}

static u64 *table_of(u64 pte)
{
	return bootops_plat_table_va(pte & BOOTOPS_PTE_OA_MASK);
}

int bootops_pgt_init(struct bootops_pgt *pgt)
{
	u64 pa;

	if (!bootops_plat_alloc_table(&pa))
		return -ENOMEM;
	pgt->root_pa = pa;
	return 0;
}

/* The level-3 entry for ia, allocating tables on the way if asked to. */
static u64 *pgt_leaf_slot(const struct bootops_pgt *pgt, u64 ia, bool alloc)
{
	u64 *table = bootops_plat_table_va(pgt->root_pa);
	int level;

	for (level = 0; level < PGT_LEVELS - 1; level++) {
		u64 *slot = &table[pgt_index(ia, level)];
		u64 pa;

		if (!pte_is_table(*slot)) {
			if (!alloc || !bootops_plat_alloc_table(&pa))
				return NULL;
			*slot = (pa & BOOTOPS_PTE_OA_MASK) | BOOTOPS_PTE_TABLE |
				BOOTOPS_PTE_VALID;
		}
		table = table_of(*slot);
	}
	return &table[pgt_index(ia, PGT_LEVELS - 1)];
}

int bootops_pgt_map(struct bootops_pgt *pgt, u64 ia, u64 pte)
{
	u64 *slot;

	if (!pgt->root_pa)
		return -ENOENT;
	slot = pgt_leaf_slot(pgt, ia, true);
	if (!slot)
		return -ENOMEM;
	if (*slot & BOOTOPS_PTE_VALID)
		return -EEXIST;
	*slot = pte;
	return 0;
}

u64 bootops_pgt_unmap(struct bootops_pgt *pgt, u64 ia)
{
	u64 *slot, old;

	if (!pgt->root_pa)
		return 0;
	slot = pgt_leaf_slot(pgt, ia, false);
	if (!slot || !(*slot & BOOTOPS_PTE_VALID))
		return 0;
	old = *slot;
	*slot = 0;
	return old;
}

u64 bootops_pgt_lookup(const struct bootops_pgt *pgt, u64 ia)
{
	u64 *slot;

	if (!pgt->root_pa)
		return 0;
	slot = pgt_leaf_slot(pgt, ia, false);
	return slot && (*slot & BOOTOPS_PTE_VALID) ? *slot : 0;
}

struct pgt_walk {
	bootops_pgt_leaf_fn fn;
	void *arg;
	bool clear;		/* clear each leaf after fn */
	bool destroy;		/* and free every table below the root */
	u64 *budget;		/* leaves that may be visited; NULL: all */
};

/* Visits the leaves under table in address order; false if the budget ran out. */
static bool pgt_walk_level(u64 *table, int level, u64 ia_base, struct pgt_walk *w)
{
	u64 i;

	for (i = 0; i < PGT_ENTRIES; i++) {
		u64 pte = table[i];
		u64 ia = ia_base | (i << (BOOTOPS_PAGE_SHIFT + 9 * (3 - level)));

		if (!(pte & BOOTOPS_PTE_VALID))
			continue;
		if (level == PGT_LEVELS - 1) {
			if (w->budget) {
				if (!*w->budget)
					return false;
				--*w->budget;
			}
			if (w->fn)
				w->fn(ia, pte, w->arg);
		} else if (pte_is_table(pte) &&
			   !pgt_walk_level(table_of(pte), level + 1, ia, w)) {
			return false;
		}
		if (w->destroy || (w->clear && level == PGT_LEVELS - 1))
			table[i] = 0;
	}
	if (w->destroy && level)
		bootops_plat_free_table(table);
	return true;
}

void bootops_pgt_walk(const struct bootops_pgt *pgt, bootops_pgt_leaf_fn fn, void *arg)
{
	struct pgt_walk w = { .fn = fn, .arg = arg };

	if (pgt->root_pa)
		pgt_walk_level(bootops_plat_table_va(pgt->root_pa), 0, 0, &w);
}

bool bootops_pgt_drain(struct bootops_pgt *pgt, bootops_pgt_leaf_fn fn, void *arg,
		       u64 *budget)
{
	struct pgt_walk w = { .fn = fn, .arg = arg, .clear = true, .budget = budget };

	return !pgt->root_pa || pgt_walk_level(bootops_plat_table_va(pgt->root_pa), 0, 0, &w);
}

/* Every table below the root freed, the root kept empty: needs no page. */
void bootops_pgt_empty(struct bootops_pgt *pgt, bootops_pgt_leaf_fn fn, void *arg)
{
	struct pgt_walk w = { .fn = fn, .arg = arg, .destroy = true };

	if (pgt->root_pa)
		pgt_walk_level(bootops_plat_table_va(pgt->root_pa), 0, 0, &w);
}

void bootops_pgt_destroy(struct bootops_pgt *pgt, bootops_pgt_leaf_fn fn, void *arg)
{
	if (!pgt->root_pa)
		return;
	bootops_pgt_empty(pgt, fn, arg);
	bootops_plat_free_table(bootops_plat_table_va(pgt->root_pa));
	pgt->root_pa = 0;
}
