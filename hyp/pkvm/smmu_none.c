// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops without an SMMU driver at hyp: the banks' tables are kept as
 * data, nothing is programmed, and DMA is not under hyp's control.
 */
#include <bootops/pgtable.h>
#include <bootops/platform.h>

void bootops_plat_smmu_sync(u32 index, u32 cbndx, u64 root_pa)
{
}

u64 bootops_plat_smmu_pte(u64 pa, u64 attrs)
{
	return bootops_pte_page(pa, attrs);
}
