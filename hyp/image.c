// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops: boot images.
 *
 * The host declares an image (set_boot_info), lends its pages one by one
 * (remap_vm_image: claimed, mapped in hyp's remap area), and before the
 * first run hyp takes every page, maps it into the VM's stage 2 and checks
 * each signature over exactly the bytes the VM will see.
 */
#include <bootops/bootops.h>
#include <bootops/platform.h>
#include <bootops/state.h>

static u64 image_bytes(u64 size)
{
	return bootops_image_pages(size) << BOOTOPS_PAGE_SHIFT;
}

bool bootops_range_in_image(u64 vmid, u64 ipa, u64 size)
{
	u32 idx;

	for (idx = 0; idx < bootops_get_vm_next_load_idx(vmid); idx++) {
		struct bootops_load_info *li = bootops_load(vmid, idx);

		if (bootops_ranges_overlap(ipa, size, li->load_addr,
					   image_bytes(li->size)))
			return true;
	}
	return false;
}

/* Page aligned, of a size hyp accepts, inside the VM's IPA space. */
static bool image_range_valid(u64 vmid, u64 load_addr, u64 size)
{
	u64 limit = 1ULL << bootops_plat_vm_ipa_bits(vmid);

	if (!size || size > BOOTOPS_MAX_IMAGE_SIZE ||
	    !bootops_page_aligned(load_addr))
		return false;
	/* size is bounded above, so this cannot overflow; the sum can. */
	if (load_addr > limit || image_bytes(size) > limit - load_addr)
		return false;
	return true;
}

static bool s2_range_mapped(u64 vmid, u64 ipa, u64 npages)
{
	u64 k;

	for (k = 0; k < npages; k++)
		if (bootops_plat_s2_lookup(vmid, ipa + (k << BOOTOPS_PAGE_SHIFT)) !=
		    BOOTOPS_INVALID64)
			return true;
	return false;
}

static int do_set_boot_info(u64 vmid, u64 load_addr, u64 size,
			    const u8 sig[BOOTOPS_SIG_SIZE])
{
	u64 npages = bootops_image_pages(size), slot;
	u32 idx = bootops_get_vm_next_load_idx(vmid);
	struct bootops_load_info *li;
	int ret;

	ret = bootops_check_vm_ready(vmid);
	if (ret)
		return ret;
	if (!image_range_valid(vmid, load_addr, size))
		return -EINVAL;
	if (idx >= BOOTOPS_MAX_LOAD_INFO)
		return -ENOSPC;
	if (bootops_range_in_image(vmid, load_addr, image_bytes(size)) ||
	    s2_range_mapped(vmid, load_addr, npages))
		return -EEXIST;
	slot = bootops_alloc_remap(npages);
	if (slot == BOOTOPS_INVALID64)
		return -ENOMEM;

	li = bootops_load(vmid, idx);
	bootops_set_vm_load_addr(vmid, idx, load_addr);
	bootops_set_vm_load_size(vmid, idx, size);
	bootops_set_vm_remap_addr(vmid, idx, slot);
	bootops_set_vm_mapped_pages(vmid, idx, 0);
	memcpy(li->sig, sig, BOOTOPS_SIG_SIZE);
	bootops_set_vm_next_load_idx(vmid, idx + 1);
	return idx;
}

int bootops_set_boot_info(u64 vmid, u64 load_addr, u64 size,
			  const u8 sig[BOOTOPS_SIG_SIZE])
{
	int ret;

	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_set_boot_info(vmid, load_addr, size, sig);
	bootops_unlock_vm(vmid);
	return ret;
}

static int do_remap_vm_image(u64 vmid, u64 pfn, u64 idx)
{
	u64 mapped, slot;
	int ret;

	ret = bootops_check_vm_ready(vmid);
	if (ret)
		return ret;
	if (idx >= bootops_get_vm_next_load_idx(vmid))
		return -ENOENT;
	mapped = bootops_get_vm_mapped_pages(vmid, idx);
	if (mapped >= bootops_image_pages(bootops_get_vm_load_size(vmid, idx)))
		return -ENOSPC;

	/* Claiming fails for any page the host does not own exclusively. */
	ret = bootops_plat_claim_image_page(pfn);
	if (ret)
		return ret;
	slot = bootops_get_vm_remap_addr(vmid, idx) + mapped;
	ret = bootops_plat_remap_map(slot, pfn);
	if (ret) {
		bootops_plat_release_image_page(pfn);
		return ret;
	}
	bootops_set_vm_mapped_pages(vmid, idx, mapped + 1);
	return 0;
}

int bootops_remap_vm_image(u64 vmid, u64 pfn, u64 load_idx)
{
	int ret;

	if (!bootops_vmid_valid(vmid) || load_idx >= BOOTOPS_MAX_LOAD_INFO)
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_remap_vm_image(vmid, pfn, load_idx);
	bootops_unlock_vm(vmid);
	return ret;
}

static bool images_complete(u64 vmid)
{
	u32 idx;

	for (idx = 0; idx < bootops_get_vm_next_load_idx(vmid); idx++)
		if (bootops_get_vm_mapped_pages(vmid, idx) !=
		    bootops_image_pages(bootops_get_vm_load_size(vmid, idx)))
			return false;
	return true;
}

/*
 * Takes image idx from the host: its pages become the VM's and appear in
 * its stage 2 at exactly load_addr + k * 4K.  Bytes past the end of the
 * image in its last page are zeroed, so the VM sees nothing unsigned.
 */
static int load_image(u64 vmid, u32 idx)
{
	struct bootops_load_info *li = bootops_load(vmid, idx);
	u64 npages = bootops_image_pages(li->size), k;
	u8 *bytes = bootops_plat_remap_va(li->remap_slot);
	int ret;

	for (k = 0; k < npages; k++) {
		u64 pfn = bootops_plat_remap_pfn(li->remap_slot + k);

		ret = bootops_plat_donate_claimed_page(pfn, vmid);
		if (ret)
			return ret;
		ret = bootops_plat_s2_map(vmid, li->load_addr + (k << BOOTOPS_PAGE_SHIFT),
					  pfn, BOOTOPS_S2_VM_PAGE);
		if (ret)
			return ret;
	}
	memset(bytes + li->size, 0, image_bytes(li->size) - li->size);
	return 0;
}

static int verify_loaded_image(u64 vmid, u32 idx)
{
	struct bootops_load_info *li = bootops_load(vmid, idx);

	return bootops_verify_image(li->load_addr, li->size,
				    bootops_plat_remap_va(li->remap_slot), li->sig);
}

/*
 * Every page leaves the host before any byte is checked, so what is
 * verified is what the VM runs.  Any failure is final: the VM is REJECTED
 * and only teardown, which returns every page, is left to it.
 */
static int load_and_verify_all(u64 vmid)
{
	u32 nr = bootops_get_vm_next_load_idx(vmid), idx;
	int ret;

	for (idx = 0; idx < nr; idx++) {
		ret = load_image(vmid, idx);
		if (ret)
			return ret;
	}
	for (idx = 0; idx < nr; idx++) {
		ret = verify_loaded_image(vmid, idx);
		if (ret)
			return -EKEYREJECTED;
	}
	return 0;
}

static int do_verify_and_load_images(u64 vmid)
{
	int ret = bootops_check_vm_ready(vmid);

	if (ret)
		return ret;
	if (!images_complete(vmid))
		return -EPERM;
	ret = load_and_verify_all(vmid);
	bootops_set_vm_state(vmid, ret ? BOOTOPS_VM_REJECTED : BOOTOPS_VM_VERIFIED);
	return ret;
}

int bootops_verify_and_load_images(u64 vmid)
{
	int ret;

	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_verify_and_load_images(vmid);
	bootops_unlock_vm(vmid);
	return ret;
}

static u64 do_search_load_info(u64 vmid, u64 addr)
{
	u32 idx;

	if (bootops_get_vm_state(vmid) != BOOTOPS_VM_VERIFIED)
		return 0;
	for (idx = 0; idx < bootops_get_vm_next_load_idx(vmid); idx++) {
		struct bootops_load_info *li = bootops_load(vmid, idx);

		/* Unsigned difference: an address below load_addr never matches. */
		if (addr - li->load_addr < li->size)
			return (u64)(unsigned long)bootops_plat_remap_va(li->remap_slot) +
			       (addr - li->load_addr);
	}
	return 0;
}

u64 bootops_search_load_info(u64 vmid, u64 addr)
{
	u64 ret;

	if (!bootops_vmid_valid(vmid))
		return 0;
	bootops_lock_vm(vmid);
	ret = do_search_load_info(vmid, addr);
	bootops_unlock_vm(vmid);
	return ret;
}

/* Teardown: pages the VM took are scrubbed, pages only lent are returned. */
static void release_image(u64 vmid, u32 idx)
{
	struct bootops_load_info *li = bootops_load(vmid, idx);
	u64 k;

	for (k = 0; k < li->mapped_pages; k++) {
		u64 pfn = bootops_plat_remap_pfn(li->remap_slot + k);
		u64 ipa = li->load_addr + (k << BOOTOPS_PAGE_SHIFT);

		bootops_plat_remap_unmap(li->remap_slot + k);
		if (bootops_plat_page_owned_by(pfn, vmid)) {
			if (bootops_plat_s2_lookup(vmid, ipa) == pfn)
				bootops_plat_s2_unmap(vmid, ipa);
			bootops_plat_reclaim_page(pfn, vmid);
		} else {
			bootops_plat_release_image_page(pfn);
		}
	}
	bootops_free_remap(li->remap_slot, bootops_image_pages(li->size));
}

void bootops_release_images(u64 vmid)
{
	u32 idx;

	for (idx = 0; idx < bootops_get_vm_next_load_idx(vmid); idx++)
		release_image(vmid, idx);
	bootops_set_vm_next_load_idx(vmid, 0);
}
