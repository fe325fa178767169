// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops: device memory for a VM that has not been verified yet.
 */
#include <bootops/bootops.h>
#include <bootops/platform.h>
#include <bootops/state.h>

/* A page-aligned guest address inside the VM's IPA space. */
bool bootops_ipa_page_valid(u64 vmid, u64 ipa)
{
	u64 limit = 1ULL << bootops_plat_vm_ipa_bits(vmid);

	return bootops_page_aligned(ipa) && ipa < limit;
}

static int do_map_io(u64 vmid, u64 gpa, u64 pa)
{
	int ret = bootops_check_vm_ready(vmid);

	if (ret)
		return ret;
	if (!bootops_ipa_page_valid(vmid, gpa) || !bootops_page_aligned(pa))
		return -EINVAL;
	if (bootops_range_in_image(vmid, gpa, BOOTOPS_PAGE_SIZE))
		return -EEXIST;
	ret = bootops_plat_check_vm_mmio(pa >> BOOTOPS_PAGE_SHIFT);
	if (ret)
		return ret;
	return bootops_plat_s2_map(vmid, gpa, pa >> BOOTOPS_PAGE_SHIFT,
				   BOOTOPS_S2_DEVICE);
}

int bootops_map_io(u64 vmid, u64 gpa, u64 pa)
{
	int ret;

	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_map_io(vmid, gpa, pa);
	bootops_unlock_vm(vmid);
	return ret;
}

static int do_assign_smmu(u64 vmid, u64 pfn, u64 gfn)
{
	u64 ipa = gfn << BOOTOPS_PAGE_SHIFT;
	int ret = bootops_check_vm_ready(vmid);

	if (ret)
		return ret;
	if (gfn >> (64 - BOOTOPS_PAGE_SHIFT) || !bootops_ipa_page_valid(vmid, ipa))
		return -EINVAL;
	if (bootops_range_in_image(vmid, ipa, BOOTOPS_PAGE_SIZE) ||
	    bootops_plat_s2_lookup(vmid, ipa) != BOOTOPS_INVALID64)
		return -EEXIST;
	/* Ownership first, so a page the host may not give costs no table. */
	ret = bootops_plat_donate_host_page(pfn, vmid);
	if (ret)
		return ret;
	ret = bootops_plat_s2_map(vmid, ipa, pfn, BOOTOPS_S2_VM_PAGE);
	if (ret)
		bootops_plat_undo_donate(pfn, vmid);
	return ret;
}

int bootops_assign_smmu(u64 vmid, u64 pfn, u64 gfn)
{
	int ret;

	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_assign_smmu(vmid, pfn, gfn);
	bootops_unlock_vm(vmid);
	return ret;
}
