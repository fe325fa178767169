// SPDX-License-Identifier: GPL-2.0-only
/* The LPAE table code on its own. */
#include <bootops/pgtable.h>

#include "util.h"

static void sum_leaf(u64 ia, u64 pte, void *arg)
{
	u64 *acc = arg;

	acc[0]++;
	acc[1] ^= ia ^ pte;
}

TEST(pgtable_map_lookup_unmap)
{
	struct bootops_pgt pgt = { 0 };
	u64 pte = bootops_pte_page(0x12345000, BOOTOPS_PTE_S2_NORMAL);

	sim_reset();
	CHECK_EQ(bootops_pgt_map(&pgt, 0, pte), -ENOENT);
	CHECK_EQ(bootops_pgt_lookup(&pgt, 0), 0);
	CHECK_EQ(bootops_pgt_unmap(&pgt, 0), 0);
	CHECK_EQ(bootops_pgt_init(&pgt), 0);
	CHECK_EQ(bootops_pgt_map(&pgt, 0xffffffffff000, pte), 0);
	CHECK_EQ(sim_tables_used(), 4);
	CHECK_EQ(bootops_pgt_lookup(&pgt, 0xffffffffff000), pte);
	CHECK_EQ(bootops_pgt_lookup(&pgt, 0xfffffffffe000), 0);
	CHECK_EQ(bootops_pgt_lookup(&pgt, 0x7ffffffff000), 0);
	CHECK_EQ(bootops_pgt_map(&pgt, 0xffffffffff000, pte), -EEXIST);
	CHECK_EQ(bootops_pgt_unmap(&pgt, 0xffffffffff000), pte);
	CHECK_EQ(bootops_pgt_unmap(&pgt, 0xffffffffff000), 0);
	bootops_pgt_destroy(&pgt, NULL, NULL);
	CHECK_EQ(pgt.root_pa, 0);
	CHECK_EQ(sim_tables_used(), 0);
}

TEST(pgtable_walk_visits_every_leaf_once)
{
	struct bootops_pgt pgt = { 0 };
	u64 acc[2] = { 0, 0 }, expect = 0, mapped = 0, i;

	sim_reset();
	CHECK_EQ(bootops_pgt_init(&pgt), 0);
	for (i = 0; i < 600; i++) {
		u64 ia = (i * 0x9e3779b97f4a7c15ULL) & 0xfffffffff000ULL;
		u64 pte = bootops_pte_page(i << 12, BOOTOPS_PTE_S2_DEVICE);

		if (bootops_pgt_map(&pgt, ia, pte) == 0) {
			expect ^= ia ^ pte;
			mapped++;
		}
	}
	CHECK(mapped > 590);
	bootops_pgt_walk(&pgt, sum_leaf, acc);
	CHECK_EQ(acc[0], mapped);
	CHECK_EQ(acc[1], expect);
	acc[0] = acc[1] = 0;
	bootops_pgt_destroy(&pgt, sum_leaf, acc);
	CHECK_EQ(acc[1], expect);
	CHECK_EQ(sim_tables_used(), 0);
}

TEST(pgtable_enomem_midway_leaves_no_leaf)
{
	struct bootops_pgt pgt = { 0 };

	sim_reset();
	CHECK_EQ(bootops_pgt_init(&pgt), 0);
	sim_fail_tables_after(1);
	CHECK_EQ(bootops_pgt_map(&pgt, 0x40000000, bootops_pte_page(0x1000, 0)), -ENOMEM);
	sim_fail_tables_after(-1);
	CHECK_EQ(bootops_pgt_lookup(&pgt, 0x40000000), 0);
	bootops_pgt_destroy(&pgt, NULL, NULL);
	CHECK_EQ(sim_tables_used(), 0);
}
