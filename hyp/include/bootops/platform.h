/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The platform under the boot-ops layer: page ownership, hyp mappings of
 * the remap area, a VM's stage 2, page-table memory, the CPU id.
 *
 * The kernel implements it on pKVM (kvm-glue/ and hyp/pkvm/), the host
 * tests on a simulated machine (selftests/sim/).  Every function that
 * changes state either succeeds completely or changes nothing.
 *
 * Page vocabulary (see Documentation/bootops.rst, "Page states"):
 *   host-exclusive  RAM the host owns, not shared, not claimed for an image,
 *                   not DMA-mapped through a host SMMU bank;
 *   claimed         host-owned RAM lent to hyp for an image: the host still
 *                   maps it but can no longer share, donate or DMA-map it;
 *   VM-owned        owned by one VM, unmapped from the host.
 */
#ifndef __BOOTOPS_PLATFORM_H__
#define __BOOTOPS_PLATFORM_H__

#include <bootops/port.h>
#include <bootops/pgtable.h>

/* Physical pages. */

/* host-exclusive -> claimed.  -EINVAL: no such page; -EPERM: not host-exclusive. */
int bootops_plat_claim_image_page(u64 pfn);
/* claimed -> host-exclusive. */
void bootops_plat_release_image_page(u64 pfn);
/*
 * claimed -> VM-owned; the host's mapping is removed, but the host may go
 * on using a stale translation of it until bootops_plat_host_tlb_sync().
 */
int bootops_plat_donate_claimed_page(u64 pfn, u32 vmid);
/* No stale host translation of a donated page is left when this returns. */
void bootops_plat_host_tlb_sync(void);
/* host-exclusive -> VM-owned.  -EINVAL / -EPERM as for claiming, -ENOMEM. */
int bootops_plat_donate_host_page(u64 pfn, u32 vmid);
/* VM-owned -> host-exclusive without scrubbing: undoes a donation. */
void bootops_plat_undo_donate(u64 pfn, u32 vmid);
/* VM-owned -> zeroed, then host-exclusive. */
void bootops_plat_reclaim_page(u64 pfn, u32 vmid);
/* Owner check: for the host, host-exclusive; for a VM, VM-owned. */
bool bootops_plat_page_owned_by(u64 pfn, u32 vmid);
/* host-exclusive page gains one host DMA mapping; -EINVAL / -EPERM. */
int bootops_plat_dma_pin(u64 pfn);
void bootops_plat_dma_unpin(u64 pfn);
/* 0 if a VM may map device page pfn; -EPERM for RAM or hyp-reserved MMIO. */
int bootops_plat_check_vm_mmio(u64 pfn);

/*
 * A VM's record: BOOTOPS_VM_STATE_PAGES host-exclusive pages from pfn
 * become hyp's, zeroed, at *va.  -EINVAL: not all RAM; -EPERM: not all
 * host-exclusive; -ENOMEM: hyp cannot map them.
 */
int bootops_plat_take_vm_memory(u64 pfn, void **va);
/* Zeroes them, and they are host-exclusive again. */
void bootops_plat_return_vm_memory(void *va);

/* The remap area: BOOTOPS_REMAP_PAGES page slots of hyp virtual space. */
void *bootops_plat_remap_va(u64 slot);
int bootops_plat_remap_map(u64 slot, u64 pfn);
void bootops_plat_remap_unmap(u64 slot);
/* pfn mapped at slot, or BOOTOPS_INVALID64. */
u64 bootops_plat_remap_pfn(u64 slot);
/*
 * Around hyp's own access (at va) to a page of a VM's RAM: what a guest
 * with its caches off wrote is what hyp reads, and what hyp wrote is what
 * the guest reads (the page cleaned and invalidated to the point of
 * coherency, where the VM's accesses are not cacheable too).
 */
void bootops_plat_guest_page_sync(void *va);

/* host-exclusive -> shared with vmid as its ordinary memory; -EINVAL / -EPERM. */
int bootops_plat_share_guest_page(u64 pfn, u32 vmid);
/* shared with vmid -> host-exclusive. */
void bootops_plat_unshare_guest_page(u64 pfn, u32 vmid);

/* A VM's stage 2: what each leaf maps. */
enum bootops_s2_kind {
	BOOTOPS_S2_VM_PAGE,	/* VM-owned RAM: an image or SMMU-assigned page */
	BOOTOPS_S2_DEVICE,	/* MMIO (map_io) */
	BOOTOPS_S2_SHARED,	/* host RAM shared as ordinary guest memory */
};

u32 bootops_plat_vm_ipa_bits(u32 vmid);
/* Whether the VM has a stage 2 to map into yet (pKVM: from KVM's first run). */
bool bootops_plat_s2_ready(u32 vmid);
/* -EEXIST: ipa already mapped; -ENOMEM: no page-table memory. */
int bootops_plat_s2_map(u32 vmid, u64 ipa, u64 pfn, enum bootops_s2_kind kind);
/* Removes the leaf; the VM can no longer reach the page when this returns. */
void bootops_plat_s2_unmap(u32 vmid, u64 ipa);
/* pfn mapped at ipa, or BOOTOPS_INVALID64. */
u64 bootops_plat_s2_lookup(u32 vmid, u64 ipa);
/* The kind of the leaf at ipa, or -ENOENT. */
int bootops_plat_s2_kind(u32 vmid, u64 ipa);
/*
 * Unmaps everything, in address order, at most *budget leaves per call
 * (counted down): reclaims (scrubs) every VM-owned page it mapped and
 * unshares every shared one.  BOOTOPS_CONTINUE while leaves are left, 0
 * once the table is gone.
 */
int bootops_plat_s2_teardown(u32 vmid, u64 *budget);

/* Zeroed page-table pages for the SMMU tables hyp builds. */
void *bootops_plat_alloc_table(u64 *pa);
void bootops_plat_free_table(void *va);
/* Table pages allocated and not freed, for leak checks. */
u64 bootops_plat_tables_used(void);
void *bootops_plat_table_va(u64 pa);
/*
 * The bank's table changed: point the hardware at root_pa (0: the bank has
 * no table, its stream goes back to what the platform gives an unowned
 * one), flush its TLB, and return once the SMMU has done both.
 */
void bootops_plat_smmu_sync(u32 index, u32 cbndx, u64 root_pa);
/*
 * A bank's leaf for pa, with the attributes the host chose in the stage-2
 * layout of BOOTOPS_PTE_S2_ATTRS, in the format the platform's SMMU walks.
 */
u64 bootops_plat_smmu_pte(u64 pa, u64 attrs);

/* The pa of hyp memory a device walks (the SMMU's tables and queues). */
u64 bootops_plat_table_pa(const void *va);
/*
 * The SMMUv3 hyp drives (smmuv3.c): its registers, by offset from the
 * first of its two 64 KiB register pages.
 */
u32 bootops_plat_smmu_read32(u32 off);
void bootops_plat_smmu_write32(u32 off, u32 val);
void bootops_plat_smmu_write64(u32 off, u64 val);
/* The CPU's writes to memory ordered before those that follow (DSB ISHST). */
void bootops_plat_wmb(void);

/* The physical CPU this hypercall runs on. */
u32 bootops_plat_cpu(void);

/* Stage-2 leaf descriptors, the same on every platform. */
#define BOOTOPS_PTE_SW_SHARED	(1ULL << 55)	/* software bit: ignored by the MMU */

static inline u64 bootops_s2_pte(u64 pfn, enum bootops_s2_kind kind)
{
	u64 attrs = kind == BOOTOPS_S2_DEVICE ? BOOTOPS_PTE_S2_DEVICE : BOOTOPS_PTE_S2_NORMAL;
	u64 pte = bootops_pte_page(pfn << BOOTOPS_PAGE_SHIFT, attrs);

	return kind == BOOTOPS_S2_SHARED ? pte | BOOTOPS_PTE_SW_SHARED : pte;
}

static inline enum bootops_s2_kind bootops_s2_pte_kind(u64 pte)
{
	if (pte & BOOTOPS_PTE_SW_SHARED)
		return BOOTOPS_S2_SHARED;
	if ((pte & BOOTOPS_PTE_S2_MEMATTR) == (BOOTOPS_PTE_S2_DEVICE & BOOTOPS_PTE_S2_MEMATTR))
		return BOOTOPS_S2_DEVICE;
	return BOOTOPS_S2_VM_PAGE;
}

#endif /* __BOOTOPS_PLATFORM_H__ */
