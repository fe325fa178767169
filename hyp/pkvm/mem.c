// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page transitions for boot ops on top of pKVM's host stage 2.  Each one
 * takes the host and hyp components' locks (in pKVM's order), checks the
 * page's current state and then changes it, so a racing host hypercall
 * sees either the old or the new state.
 */
#include <asm/kvm_hyp.h>
#include <asm/kvm_pgtable.h>
#include <asm/tlbflush.h>

#include <nvhe/bootops.h>
#include <nvhe/mem_protect.h>
#include <nvhe/memory.h>
#include <nvhe/mm.h>

static bool pfn_is_memory(u64 pfn)
{
	return pfn < (1UL << (64 - PAGE_SHIFT)) && addr_is_memory(hyp_pfn_to_phys(pfn));
}

/* Beyond what the CPU can address: no page at all. */
static bool pfn_beyond_pa(u64 pfn)
{
	u64 parange = kvm_get_parange(id_aa64mmfr0_el1_sys_val);

	return pfn >= (1UL << (id_aa64mmfr0_parange_to_phys_shift(parange) - PAGE_SHIFT));
}

/* -EINVAL for no page, -EPERM for a device page: neither is the host's RAM. */
static int not_memory_errno(u64 pfn)
{
	return pfn_beyond_pa(pfn) ? -EINVAL : -EPERM;
}

/* host-exclusive -> claimed: shared with hyp and pinned. */
int __pkvm_bootops_share_pin(u64 pfn)
{
	void *va;
	int ret;

	if (!pfn_is_memory(pfn))
		return not_memory_errno(pfn);
	ret = __pkvm_host_share_hyp(pfn);
	if (ret)
		return ret;
	va = hyp_phys_to_virt(hyp_pfn_to_phys(pfn));
	ret = hyp_pin_shared_mem(va, va + PAGE_SIZE);
	if (ret)	/* the host raced with us; it may have unshared already */
		__pkvm_host_unshare_hyp(pfn);
	return ret;
}

/* claimed -> host-exclusive. */
void __pkvm_bootops_unpin_unshare(u64 pfn)
{
	void *va = hyp_phys_to_virt(hyp_pfn_to_phys(pfn));

	hyp_unpin_shared_mem(va, va + PAGE_SIZE);
	__pkvm_host_unshare_hyp(pfn);
}

/*
 * Set at init where TLBI VAE2IS is seen to leave a hyp translation
 * behind (probe_tlbi_va() in bootops-platform.c): QEMU before 8.1
 * invalidates the EL2 regime by VA but not EL2&0, the regime hVHE runs
 * hyp in (QEMU's "target/arm/helper: Fix vae2_tlbmask()", 2023).
 * Hardware needs only the by-VA invalidation.
 */
bool bootops_hyp_tlbi_va_ignored;

/* Removes hyp's mapping of one page, TLB included; caller holds the hyp lock. */
void bootops_hyp_unmap_page(u64 va)
{
	kvm_pgtable_hyp_unmap(&pkvm_pgtable, va, PAGE_SIZE);
	if (!bootops_hyp_tlbi_va_ignored)
		return;
	dsb(ishst);
	__tlbi(alle2is);
	dsb(ish);
	isb();
}

/* Hyp's linear mapping of a VM page, kept until teardown scrubs it. */
static int map_for_scrub(void *va)
{
	return pkvm_create_mappings_locked(va, va + PAGE_SIZE, PAGE_HYP);
}

/*
 * The host stage-2 entry says "a guest's" and, in its owner metadata,
 * which VM: for host faults.  nosync: the host's TLB entry for the page
 * may stay until __pkvm_bootops_host_tlb_sync().
 */
static int host_set_guest_owner(u64 addr, u32 vmid, bool nosync)
{
	return host_stage2_set_owner_meta_locked(addr, PAGE_SIZE, PKVM_ID_GUEST, vmid, nosync);
}

void __pkvm_bootops_host_tlb_sync(void)
{
	host_lock_component();
	host_stage2_tlb_sync();
	host_unlock_component();
}

/* claimed -> VM-owned: unpinned, host unmapped (its TLB until the next sync). */
int __pkvm_bootops_donate_pinned(u64 pfn, u32 vmid)
{
	u64 addr = hyp_pfn_to_phys(pfn), va = (u64)hyp_phys_to_virt(addr);
	int ret;

	host_lock_component();
	hyp_lock_component();
	ret = __host_check_page_state_range(addr, PAGE_SIZE, PKVM_PAGE_SHARED_OWNED);
	if (!ret)
		ret = __hyp_check_page_state_range(va, PAGE_SIZE, PKVM_PAGE_SHARED_BORROWED);
	if (!ret && hyp_page_count((void *)va) != 1)
		ret = -EBUSY;
	/*
	 * The host loses the page first; only then does hyp drop its pin.
	 * Hyp keeps its linear mapping, to scrub the page at teardown.
	 */
	if (!ret)
		ret = host_set_guest_owner(addr, vmid, true);
	if (!ret)
		hyp_page_ref_dec(hyp_virt_to_page(va));
	hyp_unlock_component();
	host_unlock_component();
	return ret;
}

/* host-exclusive -> VM-owned. */
int __pkvm_bootops_donate_host(u64 pfn, u32 vmid)
{
	u64 addr = hyp_pfn_to_phys(pfn);
	void *va = hyp_phys_to_virt(addr);
	int ret;

	if (!pfn_is_memory(pfn))
		return -EINVAL;
	host_lock_component();
	hyp_lock_component();
	ret = __host_check_page_state_range(addr, PAGE_SIZE, PKVM_PAGE_OWNED) ? -EPERM : 0;
	/* Hyp's mapping first: it is the step that can be undone. */
	if (!ret)
		ret = map_for_scrub(va);
	if (!ret && host_set_guest_owner(addr, vmid, false)) {
		bootops_hyp_unmap_page((u64)va);
		ret = -EPERM;
	}
	hyp_unlock_component();
	host_unlock_component();
	return ret;
}

static kvm_pte_t host_leaf(u64 addr)
{
	kvm_pte_t pte = 0;

	kvm_pgtable_get_leaf(&host_mmu.pgt, addr, &pte, NULL);
	return pte;
}

static bool host_leaf_is_guest(u64 addr)
{
	kvm_pte_t pte = host_leaf(addr);

	return !kvm_pte_valid(pte) &&
	       FIELD_GET(KVM_INVALID_PTE_OWNER_MASK, pte) == PKVM_ID_GUEST;
}

/* The VM a page was given to, 0 if it is no VM's. */
u32 __pkvm_bootops_page_vm(u64 pfn)
{
	u32 vmid = 0;

	if (!pfn_is_memory(pfn))
		return 0;
	host_lock_component();
	if (host_leaf_is_guest(hyp_pfn_to_phys(pfn)))
		vmid = host_stage2_owner_meta_locked(hyp_pfn_to_phys(pfn));
	host_unlock_component();
	return vmid;
}

bool __pkvm_bootops_page_is_guest(u64 pfn)
{
	return __pkvm_bootops_page_vm(pfn) != 0;
}

bool __pkvm_bootops_host_exclusive(u64 pfn)
{
	bool ret;

	if (!pfn_is_memory(pfn))
		return false;
	host_lock_component();
	ret = !__host_check_page_state_range(hyp_pfn_to_phys(pfn), PAGE_SIZE,
					     PKVM_PAGE_OWNED);
	host_unlock_component();
	return ret;
}

/*
 * VM-owned -> (zeroed if scrub) -> host-exclusive.  The zeroes are pushed
 * to the point of coherency, as pKVM does for memory it gives back: an
 * observer that bypasses the caches must not see the VM's old bytes.
 */
void __pkvm_bootops_reclaim(u64 pfn, bool scrub)
{
	u64 addr = hyp_pfn_to_phys(pfn);
	void *va = hyp_phys_to_virt(addr);

	host_lock_component();
	hyp_lock_component();
	if (host_leaf_is_guest(addr)) {
		if (scrub) {
			memset(va, 0, PAGE_SIZE);
			kvm_flush_dcache_to_poc(va, PAGE_SIZE);
		}
		bootops_hyp_unmap_page((u64)va);
		host_stage2_set_owner_locked(addr, PAGE_SIZE, PKVM_ID_HOST);
	}
	hyp_unlock_component();
	host_unlock_component();
}

/* 0 if a VM may map device page pfn: not RAM and not taken by hyp. */
int __pkvm_bootops_check_mmio(u64 pfn)
{
	u64 addr = hyp_pfn_to_phys(pfn);
	kvm_pte_t pte;

	if (pfn_beyond_pa(pfn))
		return -EINVAL;
	if (addr_is_memory(addr))
		return -EPERM;
	host_lock_component();
	pte = host_leaf(addr);
	host_unlock_component();
	/* Valid, or not yet faulted in: the host's.  Annotated: hyp's. */
	return kvm_pte_valid(pte) || !pte ? 0 : -EPERM;
}

/*
 * host-exclusive -> shared as a VM's ordinary memory: host SHARED_OWNED, so
 * the host keeps using it but can no longer share, lend or give it to
 * anyone else.  Hyp does not map it.
 */
int __pkvm_bootops_share_guest(u64 pfn)
{
	u64 addr = hyp_pfn_to_phys(pfn);
	int ret;

	if (!pfn_is_memory(pfn))
		return not_memory_errno(pfn);
	host_lock_component();
	ret = __host_check_page_state_range(addr, PAGE_SIZE, PKVM_PAGE_OWNED) ? -EPERM : 0;
	if (!ret)
		ret = __host_set_page_state_range(addr, PAGE_SIZE, PKVM_PAGE_SHARED_OWNED);
	host_unlock_component();
	return ret;
}

/* shared as guest memory -> host-exclusive. */
void __pkvm_bootops_unshare_guest(u64 pfn)
{
	u64 addr = hyp_pfn_to_phys(pfn);

	host_lock_component();
	if (!__host_check_page_state_range(addr, PAGE_SIZE, PKVM_PAGE_SHARED_OWNED))
		WARN_ON(__host_set_page_state_range(addr, PAGE_SIZE, PKVM_PAGE_OWNED));
	host_unlock_component();
}

/*
 * Without FWB a guest running with its caches off reads memory, not the
 * cache: push a page to the point of coherency before the VM maps it.
 */
void __pkvm_bootops_clean_for_guest(u64 pfn)
{
	void *va;

	if (cpus_have_final_cap(ARM64_HAS_STAGE2_FWB))
		return;
	va = hyp_fixmap_map(hyp_pfn_to_phys(pfn));
	__clean_dcache_guest_page(va, PAGE_SIZE);
	__invalidate_icache_guest_page(va, PAGE_SIZE);
	hyp_fixmap_unmap();
}
