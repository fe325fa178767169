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
 *   shared guest    host SHARED_OWNED: still the host's, mapped in one VM's
 *                   stage 2 as ordinary memory; nobody else may get it
 *   VM record       host stage 2 annotated with owner PKVM_ID_HYP, hyp
 *                   OWNED and mapped: a VM's boot-ops state, in pages the
 *                   host gave for as long as the VM exists
 * The remap area is a private hyp VA range reserved at init.  A VM's stage
 * 2 is pKVM's for it, hyp_vm->pgt, which pKVM creates when KVM first runs
 * the VM: boot ops map into it through mem_protect.c, with table pages the
 * host gives in the VM's memcache, and a VM with images runs on it once
 * verified (bootops_pkvm_load_s2()).
 */
#include <linux/unaligned.h>

#include <asm/kvm_emulate.h>
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
#include <bootops/manifest.h>
#include <bootops/pgtable.h>
#include <bootops/platform.h>

/*
 * Set by the host before hyp is initialised: kvm-arm.bootops=off, and
 * kvm-arm.bootops_sha256=c (hash in C even where the CPU has the SHA-256
 * instructions; to compare the two).
 */
bool bootops_off;
bool bootops_sha256_c;
/*
 * Set by the host before hyp is initialised, from the command line the
 * boot loader gave (kvm-arm.bootops_secver=ID:MIN,...): {key id, minimum
 * security version}; id 0 ends the list.  Hyp only ever raises them.
 */
u64 bootops_secver_boot[BOOTOPS_MANIFEST_MAX_KEYS][2];
/*
 * Set by the host before hyp is initialised, while it is still trusted:
 * the seed of hyp's attestation key (bootops-attest.c).  Hyp derives the
 * key at init and wipes the seed; after that only the public key leaves.
 */
u8 bootops_attest_seed[BOOTOPS_ATTEST_SEED_SIZE];

static unsigned long remap_base;
/* Bumped at each teardown: tells apart VMs that reuse a vmid. */
static u64 vm_s2_gen[BOOTOPS_MAX_VMS + 1];
static DEFINE_PER_CPU(u32, bootops_cpu_id);
/* The host's stage 2 for the vCPU on this CPU, copied into hyp memory. */
static DEFINE_PER_CPU(struct kvm_s2_mmu, bootops_run_mmu);
/* With one shared VMID: which VM last ran with it on this CPU. */
static DEFINE_PER_CPU(u64, bootops_last_vm);
/* SMMU table pages taken from hyp's pool and not yet given back. */
static atomic64_t tables_used;

static bool cpu_has_sha256_insns(void)
{
	return cpuid_feature_extract_unsigned_field(id_aa64isar0_el1_sys_val,
						    ID_AA64ISAR0_EL1_SHA2_SHIFT);
}

/*
 * Set at init where TLBI VAE2IS is seen to leave a hyp translation
 * behind (probe_tlbi_va()): QEMU before 8.1 invalidates the EL2 regime by
 * VA but not EL2&0, the regime hVHE runs hyp in (QEMU's
 * "target/arm/helper: Fix vae2_tlbmask()", 2023).  Hardware needs only
 * the by-VA invalidation.
 */
bool bootops_hyp_tlbi_va_ignored;

/*
 * Removes hyp's mapping of nr pages, TLB included; caller holds the hyp
 * lock.  With the quirk, one flush for the range, not one per page.
 */
void bootops_hyp_unmap(u64 va, u64 nr)
{
	kvm_pgtable_hyp_unmap(&pkvm_pgtable, va, nr * PAGE_SIZE);
	if (!bootops_hyp_tlbi_va_ignored)
		return;
	dsb(ishst);
	__tlbi(alle2is);
	dsb(ish);
	isb();
}

void bootops_hyp_unmap_page(u64 va)
{
	bootops_hyp_unmap(va, 1);
}

/*
 * Does an unmap's TLBI VAE2IS really drop hyp's translation?  One remap
 * slot is mapped to page a, read (so the TLB holds it), unmapped, mapped
 * to page b and read again: a's word means the old translation survived.
 * Where it does, bootops_hyp_unmap_page() adds a flush of EL2's TLB.
 */
static int probe_tlbi_va(void)
{
	u64 *a = bootops_hyp_alloc_page(), *b = bootops_hyp_alloc_page();
	u64 *slot = (u64 *)remap_base;
	int ret = -ENOMEM;

	if (!a || !b)
		goto out;
	a[0] = 1;
	b[0] = 2;
	ret = bootops_plat_remap_map(0, hyp_virt_to_pfn(a));
	if (ret)
		goto out;
	if (READ_ONCE(slot[0]) == 1) {
		bootops_plat_remap_unmap(0);
		ret = bootops_plat_remap_map(0, hyp_virt_to_pfn(b));
	}
	if (!ret) {
		bootops_hyp_tlbi_va_ignored = READ_ONCE(slot[0]) != 2;
		bootops_plat_remap_unmap(0);
	}
out:
	if (a)
		bootops_hyp_free_page(a);
	if (b)
		bootops_hyp_free_page(b);
	return ret;
}

int bootops_pkvm_init(void)
{
	unsigned long cpu;
	int ret, i;

	for (cpu = 0; cpu < hyp_nr_cpus; cpu++)
		*per_cpu_ptr(&bootops_cpu_id, cpu) = cpu;
	bootops_init();
	for (i = 0; i < BOOTOPS_MANIFEST_MAX_KEYS && bootops_secver_boot[i][0]; i++)
		bootops_manifest_raise_min(bootops_secver_boot[i][0], bootops_secver_boot[i][1]);
	ret = bootops_crypto_init();
	if (ret)
		return ret;
	/* No key (-ENOKEY) is no reason to stop: guests then cannot attest. */
	bootops_crypto_attest_init(bootops_attest_seed);
	memset(bootops_attest_seed, 0, sizeof(bootops_attest_seed));
	bootops_crypto_use_sha256_insns(!bootops_sha256_c && cpu_has_sha256_insns());
	ret = pkvm_alloc_private_va_range(BOOTOPS_REMAP_PAGES * PAGE_SIZE, &remap_base);
	return ret ? ret : probe_tlbi_va();
}

/* The attestation public key's X and Y, as eight big-endian words; or -ENOKEY. */
int bootops_pkvm_attest_key(u64 words[8])
{
	u8 pub[BOOTOPS_ATTEST_PUB_SIZE];
	int i, ret = bootops_crypto_attest_pub(pub);

	for (i = 0; i < 8; i++)
		words[i] = ret ? 0 : get_unaligned_be64(pub + 1 + 8 * i);
	return ret;
}

/*
 * The run path.  The VM is the hyp VM being run, known by the handle hyp
 * keeps in its own copy of it: nothing is read from the host.  Returns the
 * vmid, or a negative errno.
 */
int bootops_pkvm_vcpu_enter(struct pkvm_hyp_vcpu *hyp_vcpu)
{
	struct pkvm_hyp_vm *hyp_vm = pkvm_hyp_vcpu_to_hyp_vm(hyp_vcpu);
	pkvm_handle_t handle = hyp_vm->kvm.arch.pkvm.handle;
	u64 vmid = pkvm_bootops_vmid(handle);
	int ret;

	if (bootops_off)
		return 0;

	ret = bootops_vcpu_enter(vmid, hyp_vcpu->vcpu.vcpu_idx, handle);
	return ret ? ret : vmid;
}

/* Same CPU, vCPU ACTIVE since enter: this cannot fail. */
void bootops_pkvm_vcpu_exit(struct pkvm_hyp_vcpu *hyp_vcpu, int vmid)
{
	if (vmid)
		bootops_set_vcpu_inactive(vmid, hyp_vcpu->vcpu.vcpu_idx);
}

/* pKVM gives every hyp VM the host stage 2's geometry (init_pkvm_hyp_vm()). */
u32 bootops_plat_vm_ipa_bits(u32 vmid)
{
	return VTCR_EL2_IPA(host_mmu.arch.mmu.vtcr);
}

/*
 * Hardware VMIDs.  The host allocates the VMIDs of VMs on its own stage 2;
 * its allocator never hands out the top ones (vmid.c), and hyp refuses to
 * run a host stage 2 with one of them.  With 16-bit VMIDs each VM on hyp's
 * stage 2 gets its own (0xff00 | vmid); with 8-bit VMIDs they share 0xff
 * and a CPU flushes it when it switches between two such VMs.  Either way
 * no VM ever hits TLB entries another VM's stage 2 created.
 */
static bool hyp_vmids_shared(void)
{
	return kvm_arm_vmid_bits != 16;
}

static u64 hyp_hw_vmid(u32 vmid)
{
	return hyp_vmids_shared() ? 0xff : 0xff00 | vmid;
}

static bool hw_vmid_is_hyp(u64 hw_vmid)
{
	hw_vmid &= (1UL << kvm_arm_vmid_bits) - 1;
	return hyp_vmids_shared() ? hw_vmid == 0xff : hw_vmid >= 0xff00;
}

/*
 * pKVM has just initialised the hyp VM behind a handle, under vm_table_lock
 * (which comes before any boot-ops lock): a VM boot ops know gets its stage
 * 2 for them, with a VMID of hyp's range.
 */
void bootops_pkvm_attach_vm(struct pkvm_hyp_vm *hyp_vm)
{
	u64 vmid = pkvm_bootops_vmid(hyp_vm->kvm.arch.pkvm.handle);

	if (bootops_off || !bootops_vm_registered(vmid))
		return;
	/* No vCPU of the VM can run yet: it has none at hyp. */
	atomic64_set(&hyp_vm->kvm.arch.mmu.vmid.id, hyp_hw_vmid(vmid));
	bootops_attach_plat_vm(vmid, hyp_vm);
}

/* The hyp VM of a VM boot ops know, once pKVM has one; caller holds the VM lock. */
static struct pkvm_hyp_vm *hyp_vm_of(u32 vmid)
{
	return bootops_plat_vm(vmid);
}

/* Runs the vCPU on its VM's stage 2, pKVM's for it, which only hyp changes. */
static void load_hyp_s2(struct pkvm_hyp_vcpu *hyp_vcpu, u32 vmid)
{
	struct kvm_s2_mmu *mmu = &pkvm_hyp_vcpu_to_hyp_vm(hyp_vcpu)->kvm.arch.mmu;
	u64 *last = this_cpu_ptr(&bootops_last_vm);
	u64 id = READ_ONCE(vm_s2_gen[vmid]) << 8 | vmid;

	if (hyp_vmids_shared() && *last != id) {
		__kvm_tlb_flush_vmid(mmu);
		*last = id;
	}
	hyp_vcpu->vcpu.arch.hw_mmu = mmu;
}

/*
 * A VM on the host's stage 2: a private copy of the MMU of the struct kvm
 * pKVM pinned when it created the hyp VM (not the vCPU's hw_mmu pointer,
 * which the host could aim anywhere), so the host can neither change the
 * VMID after the check nor pick one of hyp's.
 */
static int load_host_s2(struct kvm_s2_mmu *mmu, struct kvm *host_kvm)
{
	struct kvm_s2_mmu *host = &host_kvm->arch.mmu;
	u64 hw_vmid = atomic64_read(&host->vmid.id);

	if (hw_vmid_is_hyp(hw_vmid))
		return -EPERM;
	atomic64_set(&mmu->vmid.id, hw_vmid);
	mmu->pgd_phys = READ_ONCE(host->pgd_phys);
	mmu->vtcr = READ_ONCE(host->vtcr);
	mmu->arch = &host_kvm->arch;
	return 0;
}

/* KVM's reset values (reset.c, sys_regs.c): EL1h, DAIF masked, MMU and caches off. */
#define BOOTOPS_RESET_PSTATE	(PSR_MODE_EL1h | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT | PSR_D_BIT)
#define BOOTOPS_RESET_SCTLR_EL1	0x00C50078UL

/*
 * A verified vCPU starts from the architected reset state KVM gives a
 * new vCPU, built here rather than taken from the host.  vCPU 0's first
 * run keeps of the host's copy only the boot protocol's entry, the PC
 * (already checked to lie in a verified image) and x0-x3; a start by the
 * guest's CPU_ON keeps nothing of it: the PC is the guest's entry, x0 its
 * context.  MPIDR_EL1, which names the vCPU to the guest's PSCI calls, is
 * hyp's: KVM's value for the vCPU's index.  Everything else that decides
 * what runs first (PSTATE, SCTLR_EL1 and VBAR_EL1, SP, the FP/SIMD
 * registers, an exception or PC increment the host left pending) is
 * reset, so with the MMU off the first instruction is the entry's and no
 * exception can take the vCPU anywhere else before the guest has set up
 * its own vectors.
 */
static void reset_vcpu_context(struct kvm_vcpu *vcpu, const struct bootops_vcpu_entry *entry)
{
	struct kvm_cpu_context *ctxt = &vcpu->arch.ctxt;
	u64 x[4] = { entry->ctx };

	if (!entry->psci)
		memcpy(x, ctxt->regs.regs, sizeof(x));
	memset(&ctxt->regs, 0, sizeof(ctxt->regs));
	memcpy(ctxt->regs.regs, x, sizeof(x));
	ctxt->regs.pc = entry->pc;
	ctxt->regs.pstate = BOOTOPS_RESET_PSTATE;
	ctxt->spsr_abt = 0;
	ctxt->spsr_und = 0;
	ctxt->spsr_irq = 0;
	ctxt->spsr_fiq = 0;
	memset(&ctxt->fp_regs, 0, sizeof(ctxt->fp_regs));
	memset(ctxt->sys_regs, 0, sizeof(ctxt->sys_regs));
	ctxt_sys_reg(ctxt, SCTLR_EL1) = BOOTOPS_RESET_SCTLR_EL1;
	ctxt_sys_reg(ctxt, MPIDR_EL1) = bootops_vcpu_mpidr(vcpu->vcpu_idx);
	vcpu_clear_flag(vcpu, PENDING_EXCEPTION);
	vcpu_clear_flag(vcpu, EXCEPT_MASK);
}

/*
 * The PC checked is hyp's copy, the one the vCPU is entered with; a vCPU
 * whose first PC was refused is refused at every later entry, and one
 * that is off at every entry until its guest's CPU_ON.
 */
static int first_run(struct pkvm_hyp_vcpu *hyp_vcpu, u32 vmid)
{
	struct kvm_vcpu *vcpu = &hyp_vcpu->vcpu;
	struct bootops_vcpu_entry entry = { .pc = vcpu->arch.ctxt.regs.pc };
	int ret = bootops_vcpu_first_run(vmid, vcpu->vcpu_idx, &entry);

	if (ret <= 0)
		return ret;
	reset_vcpu_context(vcpu, &entry);
	return 0;
}

/* vmid: what bootops_pkvm_vcpu_enter() returned, with the vCPU ACTIVE. */
int bootops_pkvm_load_s2(struct pkvm_hyp_vcpu *hyp_vcpu, int vmid)
{
	struct kvm_s2_mmu *mmu = this_cpu_ptr(&bootops_run_mmu);
	int ret = 0;

	if (bootops_off || vmid <= 0)
		return 0;
	if (bootops_vm_uses_hyp_s2(vmid)) {
		ret = first_run(hyp_vcpu, vmid);
		if (!ret)
			load_hyp_s2(hyp_vcpu, vmid);
		return ret;
	}
	ret = load_host_s2(mmu, pkvm_hyp_vcpu_to_hyp_vm(hyp_vcpu)->host_kvm);
	if (!ret)
		hyp_vcpu->vcpu.arch.hw_mmu = mmu;
	return ret;
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
	return __pkvm_bootops_donate_pinned(pfn, vmid);
}

void bootops_plat_host_tlb_sync(void)
{
	__pkvm_bootops_host_tlb_sync();
}

int bootops_plat_donate_host_page(u64 pfn, u32 vmid)
{
	return __pkvm_bootops_donate_host(pfn, vmid);
}

int bootops_plat_share_guest_page(u64 pfn, u32 vmid)
{
	return __pkvm_bootops_share_guest(pfn);
}

void bootops_plat_unshare_guest_page(u64 pfn, u32 vmid)
{
	__pkvm_bootops_unshare_guest(pfn);
}

void bootops_plat_undo_donate(u64 pfn, u32 vmid)
{
	__pkvm_bootops_reclaim(pfn, false);
}

void bootops_plat_reclaim_page(u64 pfn, u32 vmid)
{
	__pkvm_bootops_reclaim(pfn, true);
}

/* The record lives at hyp's linear address of the pages, like pKVM's own VMs. */
int bootops_plat_take_vm_memory(u64 pfn, void **va)
{
	int ret = __pkvm_bootops_take_vm_memory(pfn, BOOTOPS_VM_STATE_PAGES);

	if (!ret)
		*va = hyp_phys_to_virt(hyp_pfn_to_phys(pfn));
	return ret;
}

void bootops_plat_return_vm_memory(void *va)
{
	WARN_ON(__pkvm_bootops_return_vm_memory(hyp_virt_to_pfn(va), BOOTOPS_VM_STATE_PAGES));
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

/*
 * Without FWB a guest may run with its caches off and access memory, not
 * the cache, while hyp's remap is cacheable: push hyp's lines of the page
 * to the point of coherency and drop them, before hyp reads what the
 * guest wrote and after hyp wrote for the guest.
 */
void bootops_plat_guest_page_sync(void *va)
{
	if (cpus_have_final_cap(ARM64_HAS_STAGE2_FWB))
		return;
	kvm_flush_dcache_to_poc(va, PAGE_SIZE);
}

/*
 * A leaf's kind is in its software bits.  pKVM's walker cleans a page to
 * the point of coherency as it maps it (without FWB), for a guest running
 * with its caches off.
 */
static enum kvm_pgtable_prot s2_prot(enum bootops_s2_kind kind)
{
	switch (kind) {
	case BOOTOPS_S2_DEVICE:
		return KVM_PGTABLE_PROT_DEVICE | KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W |
		       KVM_PGTABLE_PROT_SW1;
	case BOOTOPS_S2_SHARED:
		return KVM_PGTABLE_PROT_RWX | KVM_PGTABLE_PROT_SW0;
	default:
		return KVM_PGTABLE_PROT_RWX;
	}
}

static enum bootops_s2_kind s2_kind(kvm_pte_t pte)
{
	enum kvm_pgtable_prot prot = kvm_pgtable_stage2_pte_prot(pte);

	if (prot & KVM_PGTABLE_PROT_SW0)
		return BOOTOPS_S2_SHARED;
	return prot & KVM_PGTABLE_PROT_SW1 ? BOOTOPS_S2_DEVICE : BOOTOPS_S2_VM_PAGE;
}

bool bootops_plat_s2_ready(u32 vmid)
{
	return hyp_vm_of(vmid);
}

/* -ENOENT until pKVM has the VM (KVM's first run creates it). */
int bootops_plat_s2_map(u32 vmid, u64 ipa, u64 pfn, enum bootops_s2_kind kind)
{
	struct pkvm_hyp_vm *vm = hyp_vm_of(vmid);

	if (!vm)
		return -ENOENT;
	return __pkvm_bootops_guest_map(vm, ipa, pfn, s2_prot(kind),
					&vm->host_kvm->arch.pkvm.bootops_mc);
}

void bootops_plat_s2_unmap(u32 vmid, u64 ipa)
{
	struct pkvm_hyp_vm *vm = hyp_vm_of(vmid);

	if (vm)
		__pkvm_bootops_guest_unmap(vm, ipa);
}

static kvm_pte_t s2_leaf(u32 vmid, u64 ipa)
{
	struct pkvm_hyp_vm *vm = hyp_vm_of(vmid);

	return vm ? __pkvm_bootops_guest_leaf(vm, ipa) : 0;
}

u64 bootops_plat_s2_lookup(u32 vmid, u64 ipa)
{
	kvm_pte_t pte = s2_leaf(vmid, ipa);

	return pte ? kvm_pte_to_phys(pte) >> PAGE_SHIFT : BOOTOPS_INVALID64;
}

int bootops_plat_s2_kind(u32 vmid, u64 ipa)
{
	kvm_pte_t pte = s2_leaf(vmid, ipa);

	return pte ? (int)s2_kind(pte) : -ENOENT;
}

static void reclaim_leaf(kvm_pte_t pte)
{
	u64 pfn = kvm_pte_to_phys(pte) >> PAGE_SHIFT;

	if (s2_kind(pte) == BOOTOPS_S2_SHARED)
		__pkvm_bootops_unshare_guest(pfn);
	else if (__pkvm_bootops_page_is_guest(pfn))
		__pkvm_bootops_reclaim(pfn, true);
}

/*
 * The VM is DYING, so no vCPU can enter it.  Each leaf leaves the stage 2,
 * TLB included (by VMID and IPA), before its page goes back; emptied
 * tables go back to the VM's pool, which pKVM's teardown returns to the
 * host.
 */
int bootops_plat_s2_teardown(u32 vmid, u64 *budget)
{
	struct pkvm_hyp_vm *vm = hyp_vm_of(vmid);
	kvm_pte_t pte;
	u64 ipa;

	while (vm && (pte = __pkvm_bootops_guest_first_leaf(vm, &ipa))) {
		if (!*budget)
			return BOOTOPS_CONTINUE;
		(*budget)--;
		__pkvm_bootops_guest_unmap(vm, ipa);
		reclaim_leaf(pte);
	}
	WRITE_ONCE(vm_s2_gen[vmid], vm_s2_gen[vmid] + 1);
	return 0;
}

void *bootops_plat_alloc_table(u64 *pa)
{
	void *va = bootops_hyp_alloc_page();

	if (!va)
		return NULL;
	memset(va, 0, PAGE_SIZE);
	/* Zeroes visible before any walker can reach the table. */
	dsb(ishst);
	atomic64_inc(&tables_used);
	*pa = hyp_virt_to_phys(va);
	return va;
}

void bootops_plat_free_table(void *va)
{
	bootops_hyp_free_page(va);
	atomic64_dec(&tables_used);
}

u64 bootops_plat_tables_used(void)
{
	return atomic64_read(&tables_used);
}

void *bootops_plat_table_va(u64 pa)
{
	return hyp_phys_to_virt(pa);
}

u64 bootops_plat_table_pa(const void *va)
{
	return hyp_virt_to_phys((void *)va);
}

void bootops_plat_wmb(void)
{
	dsb(ishst);
}

u32 bootops_plat_cpu(void)
{
	return *this_cpu_ptr(&bootops_cpu_id);
}
