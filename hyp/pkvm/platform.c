// SPDX-License-Identifier: GPL-2.0-only
/*
 * The boot-ops platform on pKVM (Linux 6.12, nVHE/hVHE at EL2).
 *
 * Page states map onto pKVM's as follows:
 *   host-exclusive  host stage 2: OWNED
 *   claimed         host SHARED_OWNED, hyp SHARED_BORROWED and pinned, so the
 *                   host can neither unshare nor donate it
 *   host DMA-pinned the same as claimed (a page is pinned for at most one
 *                   host DMA mapping: a second one is refused)
 *   VM-owned        host stage 2 annotated with owner PKVM_ID_GUEST; hyp
 *                   keeps a linear mapping to scrub it at teardown
 * The remap area is a private hyp VA range reserved at init.  A VM's stage
 * 2 as hyp knows it is a boot-ops LPAE table per VM in hyp memory.
 */
#include <asm/kvm_hyp.h>
#include <asm/kvm_pgtable.h>
#include <asm/kvm_pkvm.h>

#include <nvhe/bootops.h>
#include <nvhe/mem_protect.h>
#include <nvhe/memory.h>
#include <nvhe/mm.h>
#include <nvhe/pkvm.h>

#include <bootops/bootops.h>
#include <bootops/crypto.h>
#include <bootops/pgtable.h>
#include <bootops/platform.h>

/* Set by the host before hyp is initialised (kvm-arm.bootops=off). */
bool bootops_off;

static unsigned long remap_base;
static struct bootops_pgt vm_s2[BOOTOPS_MAX_VMS + 1];
static DEFINE_HYP_SPINLOCK(bootops_s2_lock);
static DEFINE_PER_CPU(u32, bootops_cpu_id);

int bootops_pkvm_init(void)
{
	unsigned long cpu;
	int ret;

	for (cpu = 0; cpu < hyp_nr_cpus; cpu++)
		*per_cpu_ptr(&bootops_cpu_id, cpu) = cpu;
	bootops_init();
	ret = bootops_crypto_init();
	if (ret)
		return ret;
	return pkvm_alloc_private_va_range(BOOTOPS_REMAP_PAGES * PAGE_SIZE,
					   &remap_base);
}

/*
 * The run path.  pKVM recorded host_kvm when it created this hyp VM; the
 * vmid is only the host's hint, which bootops_vcpu_enter() checks against
 * the handle registered for it.  Returns the vmid, or a negative errno.
 */
int bootops_pkvm_vcpu_enter(struct pkvm_hyp_vcpu *hyp_vcpu)
{
	struct pkvm_hyp_vm *hyp_vm = pkvm_hyp_vcpu_to_hyp_vm(hyp_vcpu);
	u32 vmid = READ_ONCE(hyp_vm->host_kvm->arch.bootops_vmid);
	int ret;

	if (bootops_off)
		return 0;

	ret = bootops_vcpu_enter(vmid, hyp_vcpu->vcpu.vcpu_idx, (u64)hyp_vm->host_kvm);
	return ret ? ret : vmid;
}

/* Same CPU, vCPU ACTIVE since enter: this cannot fail. */
void bootops_pkvm_vcpu_exit(struct pkvm_hyp_vcpu *hyp_vcpu, int vmid)
{
	if (vmid)
		bootops_set_vcpu_inactive(vmid, hyp_vcpu->vcpu.vcpu_idx);
}

int bootops_plat_claim_image_page(u64 pfn)
{
	return __pkvm_bootops_share_pin(pfn);
}

void bootops_plat_release_image_page(u64 pfn)
{
	__pkvm_bootops_unpin_unshare(pfn);
}

int bootops_plat_donate_claimed_page(u64 pfn, u32 vmid)
{
	return __pkvm_bootops_donate_pinned(pfn);
}

int bootops_plat_donate_host_page(u64 pfn, u32 vmid)
{
	return __pkvm_bootops_donate_host(pfn);
}

void bootops_plat_undo_donate(u64 pfn, u32 vmid)
{
	__pkvm_bootops_reclaim(pfn, false);
}

void bootops_plat_reclaim_page(u64 pfn, u32 vmid)
{
	__pkvm_bootops_reclaim(pfn, true);
}

/* Callers only ask about pages reached through vmid's own records. */
bool bootops_plat_page_owned_by(u64 pfn, u32 vmid)
{
	if (vmid == BOOTOPS_HOST_VMID)
		return __pkvm_bootops_host_exclusive(pfn);
	return __pkvm_bootops_page_is_guest(pfn);
}

int bootops_plat_dma_pin(u64 pfn)
{
	return __pkvm_bootops_share_pin(pfn);
}

void bootops_plat_dma_unpin(u64 pfn)
{
	__pkvm_bootops_unpin_unshare(pfn);
}

int bootops_plat_check_vm_mmio(u64 pfn)
{
	return __pkvm_bootops_check_mmio(pfn);
}

void *bootops_plat_remap_va(u64 slot)
{
	return (void *)(remap_base + slot * PAGE_SIZE);
}

int bootops_plat_remap_map(u64 slot, u64 pfn)
{
	int ret;

	hyp_spin_lock(&pkvm_pgd_lock);
	ret = kvm_pgtable_hyp_map(&pkvm_pgtable, remap_base + slot * PAGE_SIZE,
				  PAGE_SIZE, hyp_pfn_to_phys(pfn), PAGE_HYP);
	hyp_spin_unlock(&pkvm_pgd_lock);
	return ret;
}

void bootops_plat_remap_unmap(u64 slot)
{
	hyp_spin_lock(&pkvm_pgd_lock);
	bootops_hyp_unmap_page(remap_base + slot * PAGE_SIZE);
	hyp_spin_unlock(&pkvm_pgd_lock);
}

u64 bootops_plat_remap_pfn(u64 slot)
{
	kvm_pte_t pte = 0;

	hyp_spin_lock(&pkvm_pgd_lock);
	kvm_pgtable_get_leaf(&pkvm_pgtable, remap_base + slot * PAGE_SIZE, &pte, NULL);
	hyp_spin_unlock(&pkvm_pgd_lock);
	return (pte & KVM_PTE_VALID) ? kvm_pte_to_phys(pte) >> PAGE_SHIFT :
				       BOOTOPS_INVALID64;
}

u32 bootops_plat_vm_ipa_bits(u32 vmid)
{
	u64 parange = kvm_get_parange(id_aa64mmfr0_el1_sys_val);

	return min_t(u32, id_aa64mmfr0_parange_to_phys_shift(parange), 48);
}

int bootops_plat_s2_map(u32 vmid, u64 ipa, u64 pfn, bool device)
{
	struct bootops_pgt *pgt = &vm_s2[vmid];
	u64 attrs = device ? BOOTOPS_PTE_S2_DEVICE : BOOTOPS_PTE_S2_NORMAL;
	int ret = 0;

	hyp_spin_lock(&bootops_s2_lock);
	if (!pgt->root_pa)
		ret = bootops_pgt_init(pgt);
	if (!ret)
		ret = bootops_pgt_map(pgt, ipa,
				      bootops_pte_page(pfn << PAGE_SHIFT, attrs));
	hyp_spin_unlock(&bootops_s2_lock);
	return ret;
}

void bootops_plat_s2_unmap(u32 vmid, u64 ipa)
{
	hyp_spin_lock(&bootops_s2_lock);
	bootops_pgt_unmap(&vm_s2[vmid], ipa);
	hyp_spin_unlock(&bootops_s2_lock);
}

u64 bootops_plat_s2_lookup(u32 vmid, u64 ipa)
{
	u64 pte;

	hyp_spin_lock(&bootops_s2_lock);
	pte = bootops_pgt_lookup(&vm_s2[vmid], ipa);
	hyp_spin_unlock(&bootops_s2_lock);
	return pte ? (pte & BOOTOPS_PTE_OA_MASK) >> PAGE_SHIFT : BOOTOPS_INVALID64;
}

static void reclaim_leaf(u64 ipa, u64 pte, void *arg)
{
	u64 pfn = (pte & BOOTOPS_PTE_OA_MASK) >> PAGE_SHIFT;

	if (__pkvm_bootops_page_is_guest(pfn))
		__pkvm_bootops_reclaim(pfn, true);
}

void bootops_plat_s2_teardown(u32 vmid)
{
	hyp_spin_lock(&bootops_s2_lock);
	bootops_pgt_destroy(&vm_s2[vmid], reclaim_leaf, NULL);
	hyp_spin_unlock(&bootops_s2_lock);
}

void *bootops_plat_alloc_table(u64 *pa)
{
	void *va = bootops_hyp_alloc_page();

	if (!va)
		return NULL;
	memset(va, 0, PAGE_SIZE);
	*pa = hyp_virt_to_phys(va);
	return va;
}

void bootops_plat_free_table(void *va)
{
	bootops_hyp_free_page(va);
}

void *bootops_plat_table_va(u64 pa)
{
	return hyp_phys_to_virt(pa);
}

/* pKVM 6.12 drives no SMMU: the tables are kept, nothing is programmed. */
void bootops_plat_smmu_sync(u32 index, u32 cbndx, u64 root_pa)
{
}

u32 bootops_plat_cpu(void)
{
	return *this_cpu_ptr(&bootops_cpu_id);
}
