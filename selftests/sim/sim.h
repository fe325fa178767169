/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simulated machine under the boot-ops core, for host tests.
 *
 * Physical address space (page frame numbers):
 *   [SIM_HYP_PFN,  +SIM_HYP_PAGES)   RAM owned by hyp: page-table pool
 *   [SIM_RAM_PFN,  +SIM_RAM_PAGES)   RAM, initially host-exclusive
 *   [SIM_STATE_PFN, +SIM_STATE_PAGES) RAM, initially host-exclusive, that
 *                                    the tests give for VM records only
 *   [SIM_MMIO_PFN, +SIM_MMIO_PAGES)  device pages; the first
 *                                    SIM_MMIO_HYP_PAGES are hyp's own
 *                                    (GIC hyp interface, SMMU)
 *   anything else                    nothing: -EINVAL
 * All RAM lives in one memfd; the remap area is a reserved range of this
 * process's address space where remapped pages really alias that memory,
 * so a read through an unmapped remap slot crashes the test.
 */
#ifndef __BOOTOPS_SIM_H__
#define __BOOTOPS_SIM_H__

#include <bootops/port.h>
#include <bootops/abi.h>

#define SIM_HYP_PFN		0x40000ULL
#define SIM_HYP_PAGES		2048ULL
#define SIM_RAM_PFN		(SIM_HYP_PFN + SIM_HYP_PAGES)
#ifndef SIM_RAM_PAGES
#define SIM_RAM_PAGES		2048ULL
#endif
#define SIM_MEM_PAGES		(SIM_HYP_PAGES + SIM_RAM_PAGES)
/* Host RAM set apart for the VMs' records (register_kvm's mem_pfn). */
#define SIM_STATE_PFN		0x60000ULL
#define SIM_STATE_PAGES		((BOOTOPS_MAX_VMS + 1) * BOOTOPS_VM_STATE_PAGES)
#define SIM_ALL_PAGES		(SIM_MEM_PAGES + SIM_STATE_PAGES)
#define SIM_MMIO_PFN		0x9000ULL
#define SIM_MMIO_PAGES		64ULL
#define SIM_MMIO_HYP_PAGES	2ULL
#define SIM_IPA_BITS		40

#include <bootops/smmuv3.h>

#define SIM_OWNER_HOST		0U
#define SIM_OWNER_HYP		0xfffffffeU
#define SIM_OWNER_NONE		0xffffffffU	/* device page or no page */

struct sim_page_info {
	u32 owner;
	bool claimed;		/* lent to hyp for an image */
	u32 dma_pins;		/* host SMMU mappings */
	u32 shared_with;	/* vmid using it as ordinary memory, or 0 */
};

/* Fresh machine and fresh hyp state (bootops_init). */
void sim_reset(void);

/* Inspection, for tests and the refinement abstraction. */
struct sim_page_info sim_page(u64 pfn);
bool sim_pfn_is_ram(u64 pfn);
/* RAM page i, 0 <= i < SIM_ALL_PAGES, and back. */
u64 sim_pfn_at(u64 i);
u64 sim_page_index(u64 pfn);
/* The first pfn of vmid's record, or BOOTOPS_INVALID64 while it has none. */
u64 sim_vm_state_pfn(u64 vmid);
/*
 * BOOTOPS_VM_STATE_PAGES host-exclusive pages for one register_kvm: the
 * same ones until they are taken, and never those handed to another
 * thread.  BOOTOPS_INVALID64 when none are left.
 */
u64 sim_vm_memory(void);
u8 *sim_page_bytes(u64 pfn);		/* the page's memory, any owner */
u64 sim_s2_lookup(u32 vmid, u64 ipa);	/* pfn or BOOTOPS_INVALID64 */
bool sim_s2_is_device(u32 vmid, u64 ipa);
bool sim_s2_is_shared(u32 vmid, u64 ipa);
u64 sim_s2_count(u32 vmid);		/* number of mapped pages */
void sim_s2_walk(u32 vmid, void (*fn)(u64 ipa, u64 pfn, bool device, void *arg), void *arg);
/* SMMU bank mappings, through hyp's own tables. */
void sim_smmu_walk(u32 index, u32 cbndx, void (*fn)(u64 iova, u64 pfn, void *arg), void *arg);
u64 sim_remap_count(void);		/* remap slots mapped */
/* The platform has no stage 2 for vmid yet (pKVM before KVM's first run). */
void sim_set_s2_missing(u32 vmid, bool missing);
u64 sim_tables_used(void);		/* page-table pages allocated */
u64 sim_hyp_free_pages(void);
u64 sim_smmu_root(u32 index, u32 cbndx);	/* last root synced */

/*
 * The host's view: fails with -EFAULT where its stage 2 would fault, and
 * counts the fault against the VM that owns the page, as hyp does.
 */
int sim_host_write(u64 pfn, u64 off, const void *src, u64 len);
int sim_host_read(u64 pfn, u64 off, void *dst, u64 len);

/* The CPU the next hypercall runs on. */
void sim_set_cpu(u32 cpu);
/* Page-table allocations fail after n more succeed; -1: never. */
void sim_fail_tables_after(long n);
/* Remap mappings fail after n more succeed; -1: never. */
void sim_fail_remap_after(long n);

/* Machine-wide invariants (invariants.c): 0, or the number of the first broken. */
int sim_check_invariants(void);

/*
 * Hyp's SMMUv3 driver (hyp/smmuv3.c) on a model of the SMMU (smmu_model.c),
 * in step with the simulated host's ownership as mem_protect.c keeps it
 * on pKVM.  Stream SIM_HOST_SID is never a bank: a device of the host's.
 */
#define SIM_HOST_SID		(BOOTOPS_SMMUV3_STREAMS - 1)
#define SIM_SMMU_POOL_PFN	0x70000ULL
#define SIM_SMMU_POOL_PAGES	64ULL
/* A device's DMA through stream sid: 0 and the pa it reaches, or -EFAULT. */
int sim_smmu_dma(u32 sid, u64 iova, bool write, u64 *pa);
void sim_smmu_model_reset(void);
void sim_smmu_model_clear_features(u32 idr0_bits);
void sim_smmu_model_clear_idr3(u32 bits);
/* The level of the leaf the last translation walked to (3: a page, 2: a 2 MiB block). */
int sim_smmu_model_last_level(void);
void sim_smmu_model_fail_command_after(long n);
u64 sim_smmu_model_commands(void);
/* The driver probed and enabled again on a fresh model (what sim_reset() does). */
int sim_smmu_restart(u64 pool_pages);
/* Pages whose host ownership changed since the last call; all, past max. */
u64 sim_dma_changed(u64 *pfns, u64 max);

/* bootops_search_load_info() for any vmid, under the VM lock as it requires. */
u64 sim_search_load_info(u64 vmid, u64 addr);

#endif /* __BOOTOPS_SIM_H__ */
