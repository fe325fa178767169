/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An executable model of the boot ops, written from
 * Documentation/bootops.rst alone: the abstract state and, per primitive,
 * its checks in the documented order and its documented effect.  It shares
 * no code with hyp/: only the ABI constants (include/bootops/abi.h), the
 * errno values (port.h) and the simulated machine's layout (sim.h).
 *
 * Abstract state (what the host can observe, directly or through results):
 *   per VM      state, kvm handle, per vCPU {state, CPU when ACTIVE,
 *               handle, reset flag}, load-info list {load_addr, size, sig,
 *               pfns given so far}, stage 2 as a set ipa -> (pfn, kind:
 *               VM page, device or shared), host faults counted
 *   per page    owner (host, hyp, a vmid; device pages have none), claimed,
 *               host DMA pin count, the VM it is shared with, and the bytes
 *               of host RAM pages
 *   per bank    owner and set iova -> (pfn, host-chosen attribute bits)
 *   remap area  only the number of pages mapped in it
 *
 * Where the document leaves a choice to the implementation the model takes
 * it as an input ("oracle"), never copies the implementation's policy:
 *   - the remap run of an image (m_resolve_remap(), from the implementation's
 *     answer) -- needed only to decide "no free run: -ENOMEM" exactly;
 *   - whether a page-table allocation was needed when the platform has no
 *     table memory (tables_fail): -ENOMEM is then an allowed alternative at
 *     the documented check (alt_enomem + m_undo_alt_enomem()).
 */
#ifndef __BOOTOPS_MODEL_H__
#define __BOOTOPS_MODEL_H__

#include <bootops/port.h>

#include "sim.h"

#define M_MAX_VMS		BOOTOPS_MAX_VMS
#define M_MAX_VCPUS		BOOTOPS_MAX_VCPUS
#define M_MAX_LOAD		BOOTOPS_MAX_LOAD_INFO
#define M_MAX_IMAGE		BOOTOPS_MAX_IMAGE_SIZE
#define M_REMAP_PAGES		BOOTOPS_REMAP_PAGES
#define M_NSMMU			BOOTOPS_SMMU_NUM
#define M_NCB			BOOTOPS_SMMU_NUM_CB
#define M_PAGE			4096ULL
#define M_SIG			64
#define M_IPA_BITS		SIM_IPA_BITS
#define M_IOVA_BITS		48

/* Physical pages of the simulated machine. */
#define M_RAM_FIRST		SIM_HYP_PFN		/* hyp RAM, then host RAM */
#define M_RAM_PAGES		SIM_MEM_PAGES
#define M_HOST_FIRST		SIM_RAM_PFN
#define M_HOST_PAGES		SIM_RAM_PAGES
#define M_HYP_PAGES		SIM_HYP_PAGES

#define M_OWNER_HOST		0U
#define M_OWNER_HYP		0xfffffffeU
#define M_OWNER_NONE		0xffffffffU		/* device page, no page, free bank */

/* Host-settable SMMU descriptor bits: MemAttr[5:2] S2AP[7:6] SH[9:8] XN[54:53]. */
#define M_SMMU_ATTRS		((0xfULL << 2) | (0x3ULL << 6) | (0x3ULL << 8) | (0x3ULL << 53))

#define M_REMAP_UNKNOWN		(~0ULL)

struct m_map {
	u64 addr;		/* ipa or iova */
	u64 pfn;
	u64 attr;		/* stage 2: M_S2_*; SMMU: host attribute bits */
};

/* Stage-2 entry kinds, as Documentation/bootops.rst names them. */
#define M_S2_VM_PAGE		0
#define M_S2_DEVICE		1
#define M_S2_SHARED		2

struct m_vec {
	u64 n, cap;
	struct m_map *e;
};

struct m_load {
	u64 load_addr, size, npages;
	u8 sig[M_SIG];
	u64 npfn, cap;
	u64 *pfn;		/* pfns given so far, page k of the image first */
	u64 remap_start;	/* oracle: the run the implementation chose */
};

struct m_vcpu {
	u8 state;
	u8 reset;
	u8 refused;	/* first PC outside every image: final */
	u8 power;	/* PSCI: ON, OFF, ON_PENDING (BOOTOPS_POWER_*) */
	u32 cpu;
	u64 handle;
	u64 on_pc, on_ctx;	/* ON_PENDING: the guest's CPU_ON */
};

/* Where a vCPU is reset to: the host's PC, or a CPU_ON's entry and context. */
struct m_entry {
	u64 pc, ctx;
	bool psci;
};

/*
 * Where a verification (VERIFYING) or teardown (DYING) goes on: "each call
 * does at most one slice of work and returns CONTINUE while work is left".
 * Steps of verification, per bootops.rst: every image's pages given to the
 * VM (a unit each), then per image its pages hashed (a unit each) and its
 * signature checked (a whole slice, alone in its call).
 */
enum m_step { M_LOAD, M_HASH, M_CHECK, M_DONE, M_MANIFEST };

/*
 * A VM's boot manifest, as bootops.rst ("Boot manifests") describes it:
 * what hyp copied, field by field, and the SHA-256 of the signed bytes.
 */
#define M_MAX_KEYS		8
struct m_manifest {
	bool set;
	u32 key_id, nr;
	u64 secver, flags, entry;
	u64 addr[M_MAX_LOAD], size[M_MAX_LOAD];
	u8 digest[M_MAX_LOAD][32];
	u8 hash[32];
	u8 sig[M_SIG];
};

struct m_cursor {
	u32 step;
	u32 idx;		/* image */
	u64 page;		/* its next page */
};

struct m_vm {
	u32 state;
	struct m_cursor cur;
	u64 kvm;
	u32 nload;
	struct m_load load[M_MAX_LOAD];
	struct m_vcpu vcpu[M_MAX_VCPUS];
	struct m_vec s2;
	u64 host_faults;
	bool requires;		/* require_images: never verified without one */
	struct m_manifest man;
};

struct m_page {
	u32 owner;
	bool claimed;
	u32 pins;
	u32 shared;		/* vmid it is shared with as guest memory, or 0 */
};

struct m_bank {
	u32 owner;
	struct m_vec map;
};

/* (a, b) pairs the last call changed: (pfn,0) (vmid,ipa) (bank,iova) (pfn,0). */
struct m_dirty {
	u64 n, cap;
	u64 (*e)[2];
};

struct m_undo {
	bool valid;
	u64 pfn;		/* page record to restore, or ~0 */
	struct m_page page;
	struct m_vec *vec;	/* mapping appended, or NULL */
	u64 vec_n;
};

struct model {
	struct m_vm vm[M_MAX_VMS + 1];
	struct m_page page[M_RAM_PAGES];
	u8 *mem;		/* bytes of the host RAM pages */
	struct m_bank bank[M_NSMMU][M_NCB];
	u64 remapped;		/* pages mapped in the remap area */
	u64 secver_min[M_MAX_KEYS];	/* per manifest key, in the platform's key order */

	/* The environment of the next call. */
	u32 cpu;		/* calling physical CPU */
	bool remap_fail;	/* the platform cannot map a remap slot */
	bool tables_fail;	/* the platform has no page-table memory */

	/* Outputs besides the return value. */
	bool alt_enomem;	/* -ENOMEM was an allowed result of the call */
	struct m_undo undo;
	struct m_dirty dpage, ds2, dbank, dmem;
};

void m_init(struct model *m);		/* fresh machine, fresh hyp */
void m_clear_dirty(struct model *m);

/* The primitives (hyp/include/bootops/bootops.h), per bootops.rst. */
int m_register_kvm(struct model *m, u64 kvm_handle, int mem_err);
int m_register_kvm_at(struct model *m, u64 vmid, u64 kvm_handle, int mem_err);
int m_register_vcpu(struct model *m, u64 vmid, u64 vcpuid, u64 handle);
int m_set_vcpu_active(struct model *m, u64 vmid, u64 vcpuid);
int m_set_vcpu_inactive(struct model *m, u64 vmid, u64 vcpuid);
int m_vcpu_take_reset(struct model *m, u64 vmid, u64 vcpuid);
int m_vcpu_first_run(struct model *m, u64 vmid, u64 vcpuid, struct m_entry *entry);
int m_vcpu_cpu_on(struct model *m, u64 vmid, u64 caller, u64 target, u64 pc, u64 ctx);
int m_vcpu_cpu_off(struct model *m, u64 vmid, u64 caller);
int m_vcpu_system_off(struct model *m, u64 vmid, u64 caller);
int m_vcpu_power(struct model *m, u64 vmid, u64 vcpuid);
int m_teardown_vm(struct model *m, u64 vmid);
int m_require_images(struct model *m, u64 vmid);
int m_set_boot_info(struct model *m, u64 vmid, u64 load_addr, u64 size, const u8 sig[M_SIG]);
int m_remap_vm_image(struct model *m, u64 vmid, u64 pfn, u64 load_idx);
int m_verify_and_load_images(struct model *m, u64 vmid);
/* The PHYSICAL address behind guest address addr in a verified image, or 0. */
u64 m_search_load_info(struct model *m, u64 vmid, u64 addr);
int m_map_io(struct model *m, u64 vmid, u64 gpa, u64 pa);
int m_alloc_smmu(struct model *m, u64 vmid, u64 cbndx, u64 index);
int m_assign_smmu(struct model *m, u64 vmid, u64 pfn, u64 gfn);
int m_map_smmu(struct model *m, u64 vmid, u64 cbndx, u64 index, u64 iova, u64 pte);
int m_clear_smmu(struct model *m, u64 vmid, u64 cbndx, u64 index, u64 iova);
int m_share_guest_page(struct model *m, u64 vmid, u64 ipa, u64 pfn);
int m_donate_guest_page(struct model *m, u64 vmid, u64 ipa, u64 pfn);
int m_unshare_guest_page(struct model *m, u64 vmid, u64 ipa);
int m_set_manifest(struct model *m, u64 vmid, u64 pfn);
/* The rollback minimum of manifest key key_id (~0 if none), and raising it. */
u64 m_manifest_min(const struct model *m, u64 key_id);
int m_manifest_raise_min(struct model *m, u64 key_id, u64 secver);
int m_attest(struct model *m, u64 vmid, u64 vcpuid, u64 ipa, u64 *pfn);
/* A page of a VM's RAM as the guest (or hyp, for it) wrote it. */
void m_guest_wrote(struct model *m, u64 pfn, const void *src);

/* The host's own accesses: -EFAULT unless it owns the page. */
int m_host_write(struct model *m, u64 pfn, u64 off, const void *src, u64 len);
int m_host_read(struct model *m, u64 pfn, u64 off, void *dst, u64 len);

/* Oracles. */
bool m_resolve_remap(struct model *m, u64 vmid, u64 idx, u64 start);
void m_undo_alt_enomem(struct model *m);

/* Queries for the test. */
/* Has teardown of vmid (DYING) already returned page k of image i? */
bool m_page_released(const struct model *m, u64 vmid, u64 i, u64 k);
bool m_is_ram(u64 pfn);
bool m_is_mmio(u64 pfn);
bool m_is_hyp_mmio(u64 pfn);
struct m_page m_page_of(const struct model *m, u64 pfn);
bool m_host_exclusive(const struct model *m, u64 pfn);
const struct m_map *m_vec_find(const struct m_vec *v, u64 addr);
u64 m_image_bytes(u64 size);		/* pages(size) * 4K, size <= max */
/* The signature the VM owner makes for (load_addr, size, bytes). */
void m_sign_image(u64 load_addr, u64 size, const u8 *bytes, u8 sig[M_SIG]);

#endif /* __BOOTOPS_MODEL_H__ */
