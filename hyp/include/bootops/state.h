/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The state layer: what hyp knows about each VM, and plain accessors.
 *
 * These are the pass-through primitives of the proof (get_vm_state,
 * set_vm_kvm, set_vm_load_addr, ...).  They do no checking: callers in the
 * boot-ops layer validate ids first and hold the VM's lock.
 */
#ifndef __BOOTOPS_STATE_H__
#define __BOOTOPS_STATE_H__

#include <bootops/port.h>
#include <bootops/crypto.h>
#include <bootops/manifest.h>
#include <bootops/pgtable.h>

struct bootops_load_info {
	u64 load_addr;		/* guest physical, page aligned */
	u64 size;		/* bytes */
	u64 remap_slot;		/* first page slot in the remap area */
	u64 mapped_pages;	/* pages remapped so far */
	u8 sig[BOOTOPS_SIG_SIZE];
	u8 verdict;		/* BOOTOPS_IMAGE_*, for the load log */
	u8 digest[BOOTOPS_DIGEST_SIZE];	/* SHA-256 of the bytes, once hashed */
};

struct bootops_vcpu_info {
	u64 handle;		/* host's handle, opaque to hyp */
	u8 state;
	u8 need_reset;		/* reset register context on first run */
	u8 first_pc_refused;	/* its first PC was outside every image: final */
	u8 power;		/* BOOTOPS_POWER_*, see abi.h */
	u16 active_cpu;		/* physical CPU while ACTIVE */
	u64 on_pc, on_ctx;	/* ON_PENDING: the guest's CPU_ON entry and context */
};

/*
 * Hyp's copy of a VM's boot manifest (include/bootops/manifest.h), taken
 * once from the host and checked field by field; set is 0 without one.
 */
struct bootops_manifest_image {
	u64 load_addr;
	u64 size;
	u8 digest[BOOTOPS_DIGEST_SIZE];
};

struct bootops_manifest {
	u8 set;
	u32 key_id;
	u32 nr;
	u64 secver;
	u64 flags;
	u64 entry;
	struct bootops_manifest_image image[BOOTOPS_MAX_LOAD_INFO];
	u8 hash[BOOTOPS_DIGEST_SIZE];	/* SHA-256 of the signed bytes */
	u8 sig[BOOTOPS_SIG_SIZE];
};

/*
 * Verification steps (image.c): MANIFEST first, only with a manifest, then
 * LOAD, HASH and CHECK, then DONE.  A cursor zeroed at teardown is at LOAD.
 */
enum bootops_verify_step {
	BOOTOPS_STEP_LOAD,	/* every image: pages to the VM and its stage 2 */
	BOOTOPS_STEP_HASH,	/* image idx: SHA-256 of its bytes */
	BOOTOPS_STEP_CHECK,	/* image idx: its signature, or its manifest digest */
	BOOTOPS_STEP_DONE,
	BOOTOPS_STEP_MANIFEST,	/* the manifest's signature, before any page moves */
};

/*
 * Where a verification (VERIFYING) or a teardown (DYING) that returned
 * BOOTOPS_CONTINUE goes on: at image idx, page number page.
 */
struct bootops_cursor {
	u32 step;
	u32 idx;
	u64 page;
	struct bootops_sha256 sha;
	u8 hash[BOOTOPS_DIGEST_SIZE];	/* what image idx's signature signs */
};

/* Hyp's record of a VM: in the BOOTOPS_VM_STATE_PAGES the host donated. */
struct bootops_vm_info {
	u32 state;
	u32 nr_load;		/* next free load-info index */
	struct bootops_cursor cursor;
	u64 kvm_handle;		/* host's handle, opaque to hyp */
	u64 host_faults;	/* host accesses to pages this VM owns */
	u8 requires_images;	/* runs only with verified images: never without */
	void *plat;		/* the platform's VM (pKVM: its hyp VM), once it has one */
	struct bootops_load_info load[BOOTOPS_MAX_LOAD_INFO];
	struct bootops_manifest manifest;
	u32 why, why_idx;	/* BOOTOPS_WHY_*: why verification rejected the VM */
	struct bootops_vcpu_info vcpu[BOOTOPS_MAX_VCPUS];
};

struct bootops_smmu_bank {
	u32 owner;		/* vmid, 0 for the host, or BOOTOPS_SMMU_NO_OWNER */
	struct bootops_pgt pgt;
};

#define BOOTOPS_REMAP_WORDS	((BOOTOPS_REMAP_PAGES + 63) / 64)

/*
 * One per vmid, as pKVM's vm_table: the lock is hyp's own, so a vmid can
 * be locked before the host has given memory for it; info is NULL while
 * the VM is UNUSED.
 */
struct bootops_vm_slot {
	bootops_lock_t lock;
	struct bootops_vm_info *info;
};

struct bootops_state {
	bootops_lock_t remap_lock;	/* remap bitmap; innermost */
	bootops_lock_t keys_lock;	/* secver_min; innermost */
	bootops_lock_t attest_lock;	/* attest.c's one claims buffer; after a VM's */
	/* Rollback protection: the lowest security version each manifest key may boot. */
	u64 secver_min[BOOTOPS_MANIFEST_MAX_KEYS];
	bootops_lock_t smmu_lock;	/* every bank; after the VM lock */
	u64 remap_used[BOOTOPS_REMAP_WORDS];
	struct bootops_smmu_bank smmu[BOOTOPS_SMMU_NUM][BOOTOPS_SMMU_NUM_CB];
	struct bootops_vm_slot vm[BOOTOPS_MAX_VMS + 1];	/* [0]: the host, no info */
};

extern struct bootops_state bootops_state;

/* Id checks take u64: ids arrive in 64-bit registers, never truncate them. */
static inline bool bootops_vmid_valid(u64 vmid)
{
	return vmid >= 1 && vmid <= BOOTOPS_MAX_VMS;
}

static inline bool bootops_vcpuid_valid(u64 vcpuid)
{
	return vcpuid < BOOTOPS_MAX_VCPUS;
}

/* Only for a VM that is not UNUSED: an UNUSED one has no record. */
static inline struct bootops_vm_info *bootops_vm(u64 vmid)
{
	return bootops_state.vm[vmid].info;
}

static inline void bootops_lock_vm(u64 vmid)
{
	bootops_lock(&bootops_state.vm[vmid].lock);
}

static inline void bootops_unlock_vm(u64 vmid)
{
	bootops_unlock(&bootops_state.vm[vmid].lock);
}

static inline u32 bootops_get_vm_state(u64 vmid)
{
	struct bootops_vm_info *vm = bootops_vm(vmid);

	return vm ? vm->state : BOOTOPS_VM_UNUSED;
}

static inline void bootops_set_vm_state(u64 vmid, u32 state)
{
	bootops_vm(vmid)->state = state;
}

static inline u64 bootops_get_vm_kvm(u64 vmid)
{
	return bootops_vm(vmid)->kvm_handle;
}

static inline void bootops_set_vm_kvm(u64 vmid, u64 handle)
{
	bootops_vm(vmid)->kvm_handle = handle;
}

static inline struct bootops_vcpu_info *bootops_vcpu(u64 vmid, u64 vcpuid)
{
	return &bootops_vm(vmid)->vcpu[vcpuid];
}

static inline u32 bootops_get_vcpu_state(u64 vmid, u64 vcpuid)
{
	return bootops_vcpu(vmid, vcpuid)->state;
}

static inline void bootops_set_vcpu_state(u64 vmid, u64 vcpuid, u32 state)
{
	bootops_vcpu(vmid, vcpuid)->state = state;
}

static inline void bootops_set_vm_vcpu(u64 vmid, u64 vcpuid, u64 handle)
{
	bootops_vcpu(vmid, vcpuid)->handle = handle;
}

static inline u32 bootops_get_vm_next_load_idx(u64 vmid)
{
	return bootops_vm(vmid)->nr_load;
}

static inline void bootops_set_vm_next_load_idx(u64 vmid, u32 idx)
{
	bootops_vm(vmid)->nr_load = idx;
}

static inline struct bootops_load_info *bootops_load(u64 vmid, u64 idx)
{
	return &bootops_vm(vmid)->load[idx];
}

static inline u64 bootops_get_vm_load_addr(u64 vmid, u64 idx)
{
	return bootops_load(vmid, idx)->load_addr;
}

static inline void bootops_set_vm_load_addr(u64 vmid, u64 idx, u64 addr)
{
	bootops_load(vmid, idx)->load_addr = addr;
}

static inline u64 bootops_get_vm_load_size(u64 vmid, u64 idx)
{
	return bootops_load(vmid, idx)->size;
}

static inline void bootops_set_vm_load_size(u64 vmid, u64 idx, u64 size)
{
	bootops_load(vmid, idx)->size = size;
}

static inline u64 bootops_get_vm_remap_addr(u64 vmid, u64 idx)
{
	return bootops_load(vmid, idx)->remap_slot;
}

static inline void bootops_set_vm_remap_addr(u64 vmid, u64 idx, u64 slot)
{
	bootops_load(vmid, idx)->remap_slot = slot;
}

static inline u64 bootops_get_vm_mapped_pages(u64 vmid, u64 idx)
{
	return bootops_load(vmid, idx)->mapped_pages;
}

static inline void bootops_set_vm_mapped_pages(u64 vmid, u64 idx, u64 n)
{
	bootops_load(vmid, idx)->mapped_pages = n;
}

/* 0, or -ENOENT / -EPERM: is vmid registered and not yet verified?  */
static inline int bootops_check_vm_ready(u64 vmid)
{
	u32 state = bootops_get_vm_state(vmid);

	if (state == BOOTOPS_VM_UNUSED)
		return -ENOENT;
	return state == BOOTOPS_VM_READY ? 0 : -EPERM;
}

static inline u64 bootops_image_pages(u64 size)
{
	return (size + BOOTOPS_PAGE_SIZE - 1) >> BOOTOPS_PAGE_SHIFT;
}

void bootops_state_init(void);
/* A free run of npages remap slots, marked used; BOOTOPS_INVALID64 if none. */
u64 bootops_alloc_remap(u64 npages);
void bootops_free_remap(u64 slot, u64 npages);

#endif /* __BOOTOPS_STATE_H__ */
