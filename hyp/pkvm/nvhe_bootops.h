/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot ops inside pKVM: the entry points the rest of the nVHE code calls,
 * and the page transitions they add to pKVM's in mem_protect.c.
 */
#ifndef __KVM_NVHE_BOOTOPS_H__
#define __KVM_NVHE_BOOTOPS_H__

#include <linux/types.h>

#include <asm/cputype.h>
#include <asm/kvm_pgtable.h>

#include <bootops/bootops.h>

struct kvm_hyp_memcache;
struct pkvm_hyp_vcpu;
struct pkvm_hyp_vm;

#ifdef CONFIG_KVM_ARM_BOOTOPS
/*
 * A VM's boot-ops vmid is its slot in pKVM's VM table plus one, the host
 * being 0 (pkvm.c): one id space.  Any other handle gives an id every boot
 * op refuses with -EINVAL.
 */
u64 pkvm_bootops_vmid(u64 handle);
/*
 * Boot ops for a VM pKVM has reserved and not yet initialised; its record
 * goes in BOOTOPS_VM_STATE_PAGES host pages from mem_pfn.
 */
int pkvm_bootops_register_vm(u64 handle, u64 mem_pfn);
void bootops_pkvm_attach_vm(struct pkvm_hyp_vm *hyp_vm);
int bootops_pkvm_init(void);
/* __bootops_get_attest_key: X and Y of hyp's key as 8 big-endian words, or -ENOKEY. */
int bootops_pkvm_attest_key(u64 words[8]);
/* vmid (> 0) if the vCPU may run on this CPU now, else -errno. */
int bootops_pkvm_vcpu_enter(struct pkvm_hyp_vcpu *hyp_vcpu);
void bootops_pkvm_vcpu_exit(struct pkvm_hyp_vcpu *hyp_vcpu, int vmid);
/*
 * After flush_hyp_vcpu(): a verified vCPU's first run is checked (its PC in
 * a verified image, else -EPERM for good) and reset at EL2; then the vCPU
 * is pointed at the stage 2 it must run on: hyp's, or a checked copy of
 * the host's.
 */
int bootops_pkvm_load_s2(struct pkvm_hyp_vcpu *hyp_vcpu, int vmid);
/*
 * After bootops_pkvm_load_s2(): a verified vCPU that has just had its
 * first run becomes hyp's (bootops-vcpu.c); 0, or -errno to refuse it.
 */
int bootops_pkvm_vcpu_own(struct pkvm_hyp_vcpu *hyp_vcpu, int vmid);
/*
 * Instead of the copy of the whole context from and to the host, for a
 * vCPU whose state is hyp's (true): only the answer to, and what the host
 * must see of, the last exit.
 */
bool bootops_pkvm_flush_vcpu(struct pkvm_hyp_vcpu *hyp_vcpu);
bool bootops_pkvm_sync_vcpu(struct pkvm_hyp_vcpu *hyp_vcpu, int exit_code);
/*
 * The MPIDR_EL1 hyp gives vCPU idx, KVM's for vcpu_id idx (reset_mpidr()):
 * what the guest's PSCI calls name a vCPU by.
 */
static inline u64 bootops_vcpu_mpidr(u64 idx)
{
	return BIT(31) | (idx & 0xf) << MPIDR_LEVEL_SHIFT(0) |
	       ((idx >> 4) & 0xff) << MPIDR_LEVEL_SHIFT(1) |
	       ((idx >> 12) & 0xff) << MPIDR_LEVEL_SHIFT(2);
}

/* The exit protocol's own test: the line of the first failed check, or 0. */
int bootops_pkvm_vcpu_selftest(u64 section, u64 *checks);
#else
static inline int bootops_pkvm_init(void) { return 0; }
static inline void bootops_pkvm_attach_vm(struct pkvm_hyp_vm *hyp_vm) { }
static inline int bootops_pkvm_vcpu_enter(struct pkvm_hyp_vcpu *hyp_vcpu) { return 0; }
static inline void bootops_pkvm_vcpu_exit(struct pkvm_hyp_vcpu *hyp_vcpu, int vmid) { }
static inline int bootops_pkvm_load_s2(struct pkvm_hyp_vcpu *hyp_vcpu, int vmid) { return 0; }
static inline int bootops_pkvm_vcpu_own(struct pkvm_hyp_vcpu *hyp_vcpu, int vmid) { return 0; }
static inline bool bootops_pkvm_flush_vcpu(struct pkvm_hyp_vcpu *hyp_vcpu) { return false; }
static inline bool bootops_pkvm_sync_vcpu(struct pkvm_hyp_vcpu *hyp_vcpu, int exit_code)
{
	return false;
}
#endif

/*
 * A host stage-2 fault pKVM refused with -EPERM, on a page the host does
 * not own: 0 once it is reflected to the host, -EAGAIN if the page is the
 * host's again (mem_protect.c).  _owner only says whose the page is: the
 * VM's id, 0 for hyp's.
 */
int __pkvm_bootops_host_abort(u64 addr);
int __pkvm_bootops_host_abort_owner(u64 addr, u32 *vmid);
/*
 * Injects the fault into the host, counted against VM vmid if it is one
 * (host-abort.c).
 */
void bootops_pkvm_reflect_host_abort(u32 vmid);

/* Page-table pages from hyp's pool (setup.c). */
void *bootops_hyp_alloc_page(void);
void bootops_hyp_free_page(void *addr);

/* Removes hyp's mapping of one page, TLB included; hyp lock held (bootops-platform.c). */
void bootops_hyp_unmap(u64 va, u64 nr);
void bootops_hyp_unmap_page(u64 va);
/* TLBI VAE2IS was seen to leave a hyp translation behind (the host reports it). */
extern bool bootops_hyp_tlbi_va_ignored;

/* Page transitions (mem_protect.c); see the table in bootops-platform.c. */
int __pkvm_bootops_share_pin(u64 pfn);
void __pkvm_bootops_unpin_unshare(u64 pfn);
int __pkvm_bootops_donate_pinned(u64 pfn, u32 vmid);
void __pkvm_bootops_host_tlb_sync(void);
int __pkvm_bootops_donate_host(u64 pfn, u32 vmid);
int __pkvm_bootops_share_guest(u64 pfn);
void __pkvm_bootops_unshare_guest(u64 pfn);
u32 __pkvm_bootops_page_vm(u64 pfn);
void __pkvm_bootops_reclaim(u64 pfn, bool scrub);
bool __pkvm_bootops_page_is_guest(u64 pfn);
bool __pkvm_bootops_host_exclusive(u64 pfn);
int __pkvm_bootops_check_mmio(u64 pfn);
int __pkvm_bootops_take_vm_memory(u64 pfn, u64 nr);
int __pkvm_bootops_return_vm_memory(u64 pfn, u64 nr);
int __pkvm_bootops_guest_map(struct pkvm_hyp_vm *vm, u64 ipa, u64 pfn,
			     enum kvm_pgtable_prot prot, struct kvm_hyp_memcache *host_mc);
kvm_pte_t __pkvm_bootops_guest_leaf(struct pkvm_hyp_vm *vm, u64 ipa);
void __pkvm_bootops_guest_unmap(struct pkvm_hyp_vm *vm, u64 ipa);
kvm_pte_t __pkvm_bootops_guest_first_leaf(struct pkvm_hyp_vm *vm, u64 *ipa);

#endif /* __KVM_NVHE_BOOTOPS_H__ */
