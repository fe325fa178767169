// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops: the SMMUv3 hyp owns.  While the host is still trusted
 * (kvm_hyp_reserve(), from setup_arch()) it finds the SMMU in the device
 * tree, tells hyp where its registers are, and reserves the memory hyp
 * builds the host's DMA map in: one page-granular identity map of all
 * memory, so that hyp never allocates when host ownership changes.
 *
 * The host binds no driver to the SMMU (CONFIG_ARM_SMMU_V3 is off): after
 * init its registers are hyp's, and the host's devices do DMA to physical
 * addresses, which hyp's SMMU lets through only to the host's own pages.
 */
#define pr_fmt(fmt) "kvm-bootops-smmu: " fmt

#include <linux/memblock.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/sizes.h>

#include <asm/kvm_asm.h>
#include <asm/kvm_bootops.h>
#include <asm/kvm_bootops_smmu.h>
#include <asm/kvm_pkvm.h>

/*
 * Table pages to map [base, base + size) at 4 KiB: each level rounded up,
 * plus a straddle; each level-2 table twice (its shadow keeps the level-3
 * tables that blocks fold over).
 */
static unsigned long __init idmap_pages(u64 size)
{
	unsigned long nr = size >> PAGE_SHIFT, total = 0;
	int level;

	for (level = 3; level > 0; level--) {
		nr = DIV_ROUND_UP(nr, PTRS_PER_PTE);
		total += (nr + 1) * (level == 2 ? 2 : 1);
	}
	return total;
}

/* The page of the first ITS's GITS_TRANSLATER, where PCI devices write their MSIs. */
static u64 __init its_doorbell(void)
{
	struct device_node *np = of_find_compatible_node(NULL, NULL, "arm,gic-v3-its");
	struct resource res;
	int ret;

	if (!np)
		return 0;
	ret = of_address_to_resource(np, 0, &res);
	of_node_put(np);
	return ret ? 0 : res.start + SZ_64K;
}

/* Whether hyp was given an SMMU: its copy of the description is hyp's after init. */
static bool smmu_for_hyp __ro_after_init;

bool kvm_bootops_smmu_present(void)
{
	return smmu_for_hyp;
}

unsigned long __init kvm_bootops_smmu_reserve(void)
{
	struct kvm_bootops_smmu_desc *desc = &kvm_nvhe_sym(bootops_smmu_desc);
	struct device_node *np;
	struct resource res;
	unsigned long pages = KVM_BOOTOPS_SMMU_FIXED_PAGES;
	int i, ret;

	if (kvm_bootops_off())
		return 0;
	np = of_find_compatible_node(NULL, NULL, "arm,smmu-v3");
	if (!np)
		return 0;
	ret = of_device_is_available(np) ? of_address_to_resource(np, 0, &res) : -ENODEV;
	of_node_put(np);
	if (ret) {
		pr_warn("SMMUv3 node without registers: DMA is not under hyp's control\n");
		return 0;
	}
	for (i = 0; i < kvm_nvhe_sym(hyp_memblock_nr); i++)
		pages += idmap_pages(kvm_nvhe_sym(hyp_memory)[i].size);
	desc->pa = res.start;
	desc->size = resource_size(&res);
	desc->pool_pages = pages;
	desc->msi_doorbell = its_doorbell();
	smmu_for_hyp = true;
	pr_info("SMMUv3 at %pa for hyp: %lu KiB of tables\n", &res.start,
		pages << (PAGE_SHIFT - 10));
	return pages;
}
