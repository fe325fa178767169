// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops: the ordinary memory of a VM that runs on hyp's stage 2.
 *
 * Once a VM with at least one image is verified, it runs on the stage 2
 * hyp built for it: its images, MMIO and SMMU-assigned pages are already
 * there.  The rest of guest RAM comes page by page when the guest first
 * touches it: shared (the host keeps access) or, for a VM whose memory is
 * private, donated (the VM owns it until teardown scrubs it).  Hyp refuses
 * any of these over an image or over a leaf the host did not share, so the
 * host never changes what the VM was verified to run.
 */
#include <bootops/bootops.h>
#include <bootops/platform.h>
#include <bootops/state.h>

/* Caller holds the VM lock, or runs one of the VM's active vCPUs. */
bool bootops_vm_uses_hyp_s2(u64 vmid)
{
	return bootops_get_vm_state(vmid) == BOOTOPS_VM_VERIFIED &&
	       bootops_get_vm_next_load_idx(vmid) > 0;
}

static int check_guest_page(u64 vmid, u64 ipa)
{
	if (bootops_get_vm_state(vmid) == BOOTOPS_VM_UNUSED)
		return -ENOENT;
	if (!bootops_vm_uses_hyp_s2(vmid))
		return -EPERM;
	if (!bootops_ipa_page_valid(vmid, ipa))
		return -EINVAL;
	if (bootops_range_in_image(vmid, ipa, BOOTOPS_PAGE_SIZE))
		return -EPERM;
	return 0;
}

/* Hands pfn to the VM at ipa: shared with it, or given to it. */
static int do_lend_guest_page(u64 vmid, u64 ipa, u64 pfn, bool donate)
{
	int ret = check_guest_page(vmid, ipa);

	if (ret)
		return ret;
	/* The owner's manifest said the host may not keep the VM's memory. */
	if (!donate && bootops_manifest_requires_private(vmid))
		return -EPERM;
	if (bootops_plat_s2_kind(vmid, ipa) >= 0)
		return -EEXIST;
	ret = donate ? bootops_plat_donate_host_page(pfn, vmid) :
		       bootops_plat_share_guest_page(pfn, vmid);
	if (ret)
		return ret;
	ret = bootops_plat_s2_map(vmid, ipa, pfn,
				  donate ? BOOTOPS_S2_VM_PAGE : BOOTOPS_S2_SHARED);
	if (ret && donate)
		bootops_plat_undo_donate(pfn, vmid);
	else if (ret)
		bootops_plat_unshare_guest_page(pfn, vmid);
	return ret;
}

static int lend_guest_page(u64 vmid, u64 ipa, u64 pfn, bool donate)
{
	int ret;

	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_lend_guest_page(vmid, ipa, pfn, donate);
	bootops_unlock_vm(vmid);
	return ret;
}

int bootops_share_guest_page(u64 vmid, u64 ipa, u64 pfn)
{
	return lend_guest_page(vmid, ipa, pfn, false);
}

int bootops_donate_guest_page(u64 vmid, u64 ipa, u64 pfn)
{
	return lend_guest_page(vmid, ipa, pfn, true);
}

static int do_unshare_guest_page(u64 vmid, u64 ipa)
{
	int kind, ret = check_guest_page(vmid, ipa);
	u64 pfn;

	if (ret)
		return ret;
	kind = bootops_plat_s2_kind(vmid, ipa);
	if (kind < 0)
		return -ENOENT;
	if (kind != BOOTOPS_S2_SHARED)
		return -EPERM;
	pfn = bootops_plat_s2_lookup(vmid, ipa);
	/* The VM loses the page before the host gets it back. */
	bootops_plat_s2_unmap(vmid, ipa);
	bootops_plat_unshare_guest_page(pfn, vmid);
	return 0;
}

int bootops_unshare_guest_page(u64 vmid, u64 ipa)
{
	int ret;

	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_unshare_guest_page(vmid, ipa);
	bootops_unlock_vm(vmid);
	return ret;
}

/* Called by the platform with the owner it recorded for the page. */
void bootops_note_host_fault(u64 vmid)
{
	if (!bootops_vmid_valid(vmid))
		return;
	bootops_lock_vm(vmid);
	if (bootops_get_vm_state(vmid) != BOOTOPS_VM_UNUSED)
		bootops_vm(vmid)->host_faults++;
	bootops_unlock_vm(vmid);
}

int bootops_get_vm_stats(u64 vmid, u64 *host_faults, u64 *tables)
{
	int ret = 0;

	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	if (bootops_get_vm_state(vmid) == BOOTOPS_VM_UNUSED) {
		ret = -ENOENT;
	} else {
		*host_faults = bootops_vm(vmid)->host_faults;
		*tables = bootops_plat_tables_used();
	}
	bootops_unlock_vm(vmid);
	return ret;
}
