/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The boot-ops layer: the primitives the host may ask hyp for.
 *
 * Every id and address comes from the untrusted host as a full 64-bit
 * register.  Each primitive either succeeds or returns a negative errno and
 * leaves all state exactly as it was (Documentation/bootops.rst lists the
 * codes and the order in which the checks are made).
 */
#ifndef __BOOTOPS_BOOTOPS_H__
#define __BOOTOPS_BOOTOPS_H__

#include <bootops/port.h>
#include <bootops/image.h>

void bootops_init(void);

/* VMs and vCPUs (vm.c). */
/* The VM's record goes in BOOTOPS_VM_STATE_PAGES pages from mem_pfn. */
int bootops_register_kvm(u64 kvm_handle, u64 mem_pfn);	/* vmid or -errno */
int bootops_register_kvm_at(u64 vmid, u64 kvm_handle, u64 mem_pfn);
bool bootops_vm_registered(u64 vmid);
void bootops_attach_plat_vm(u64 vmid, void *plat);
void *bootops_plat_vm(u64 vmid);
/* Marks a READY VM: verifying it with no image rejects it, -ENOEXEC. */
int bootops_require_images(u64 vmid);
int bootops_register_vcpu(u64 vmid, u64 vcpuid, u64 vcpu_handle);
int bootops_set_vcpu_active(u64 vmid, u64 vcpuid);
int bootops_set_vcpu_inactive(u64 vmid, u64 vcpuid);
/* Run path: set_vcpu_active for the VM registered with kvm_handle. */
int bootops_vcpu_enter(u64 vmid, u64 vcpuid, u64 kvm_handle);
/* 1 once after registration (reset the register context), then 0. */
int bootops_vcpu_take_reset(u64 vmid, u64 vcpuid);
/*
 * Where a vCPU of a VM on hyp's stage 2 starts: the host's PC for vCPU 0's
 * first run (psci false: the host's x0-x3 stay), or the guest's CPU_ON.
 */
struct bootops_vcpu_entry {
	u64 pc, ctx;
	bool psci;
};

/*
 * Run path, vCPU ACTIVE here; entry->pc holds the host's PC.  1: reset
 * it at *entry; 0: run as is; -EPERM: refused (final if its first PC
 * was outside every image; until a CPU_ON if it is off).
 */
int bootops_vcpu_first_run(u64 vmid, u64 vcpuid, struct bootops_vcpu_entry *entry);
/*
 * PSCI for a VM on hyp's stage 2, from the run path of the calling vCPU
 * (ACTIVE here, and on, else -EPERM).  cpu_on: 0, or -ENOENT no such
 * target, -EEXIST it is on, -EBUSY a CPU_ON is pending.  cpu_off and
 * system_off (every vCPU off, for good: the VM stopped itself): 0.
 */
int bootops_vcpu_cpu_on(u64 vmid, u64 caller, u64 target, u64 pc, u64 ctx);
int bootops_vcpu_cpu_off(u64 vmid, u64 caller);
int bootops_vcpu_system_off(u64 vmid, u64 caller);
/* BOOTOPS_POWER_*, or -ENOENT for a vCPU never registered. */
int bootops_vcpu_power(u64 vmid, u64 vcpuid);
/* 0, -errno, or BOOTOPS_CONTINUE: one slice done, call again. */
int bootops_teardown_vm(u64 vmid);
/* 0 if vcpuid is ACTIVE on this CPU (its own call), else -ENOENT/-EPERM; VM lock held. */
int bootops_vcpu_running_here(u64 vmid, u64 vcpuid);

/*
 * Attestation (attest.c, include/bootops/attest.h): one step of vcpuid's
 * call for a report into its page at ipa.  0 with the report's length in
 * *len, BOOTOPS_CONTINUE (call again: the signature is not done), -EINVAL
 * for a page that is not the VM's RAM, -EPERM for a VM hyp did not verify
 * or a vCPU not running here, -ENOKEY without an attestation key.
 */
int bootops_attest(u64 vmid, u64 vcpuid, u64 ipa, u64 *len);
/* Teardown: drops a signature in progress for the VM. */
void bootops_attest_abort(u64 vmid);

/* Boot images (image.c). */
int bootops_set_boot_info(u64 vmid, u64 load_addr, u64 size,
			  const u8 sig[BOOTOPS_SIG_SIZE]);	/* load_idx or -errno */
int bootops_remap_vm_image(u64 vmid, u64 pfn, u64 load_idx);
/* nr (1..BOOTOPS_LEND_BATCH) pages at once; on a refusal *bad names the page. */
int bootops_remap_vm_image_batch(u64 vmid, u64 load_idx, const u64 *pfns, u64 nr,
				 u64 *bad);
/* 0, -errno, or BOOTOPS_CONTINUE: one slice done, call again. */
int bootops_verify_and_load_images(u64 vmid);
/* Hyp address of guest address addr inside a verified image, or 0; VM lock held. */
u64 bootops_search_load_info(u64 vmid, u64 addr);
/* Does [ipa, ipa + size) touch a declared image?  Caller holds the VM lock. */
bool bootops_range_in_image(u64 vmid, u64 ipa, u64 size);
/*
 * The load log: for idx BOOTOPS_LOG_VM, out[] = {state, why | why_idx << 32,
 * manifest key id (BOOTOPS_INVALID64 without one), its secver, images};
 * for image idx, {load_addr, size, verdict, digest as 4 LE words}.
 * -EINVAL vmid out of range, -ENOENT no such VM or image.
 */
int bootops_get_load_log(u64 vmid, u64 idx, u64 out[BOOTOPS_LOG_WORDS]);
/* Teardown helper: returns image pages and remap slots, within *budget. */
int bootops_release_images(u64 vmid, u64 *budget);

/*
 * The boot manifest (manifest.c).  set_manifest: the manifest at the start
 * of host page pfn, copied once; -EEXIST if the VM has one, -EINVAL if it
 * is malformed, -ENOKEY if hyp has no such manifest key.
 */
int bootops_set_manifest(u64 vmid, u64 pfn);
/* The rest: caller holds the VM lock, the VM has a record. */
bool bootops_vm_has_manifest(u64 vmid);
u32 bootops_manifest_check_images(u64 vmid, u32 *idx);
int bootops_manifest_check_sig(u64 vmid);
int bootops_manifest_check_digest(u64 vmid, u32 idx, const u8 digest[BOOTOPS_DIGEST_SIZE]);
void bootops_manifest_verified(u64 vmid);
bool bootops_manifest_entry_ok(u64 vmid, u64 pc);
bool bootops_manifest_requires_private(u64 vmid);
/*
 * Rollback protection: the lowest security version key_id may boot
 * (BOOTOPS_INVALID64 if hyp has no such key), and raising it (never
 * lowering; -ENOKEY).
 */
u64 bootops_manifest_min(u32 key_id);
int bootops_manifest_raise_min(u32 key_id, u64 secver);
/* The idx-th manifest key hyp has: its id and minimum; -ENOENT past the last. */
int bootops_manifest_key_info(u64 idx, u32 *key_id, u64 *min);

/* Device memory and SMMU (io.c, smmu.c). */
bool bootops_ipa_page_valid(u64 vmid, u64 ipa);
int bootops_map_io(u64 vmid, u64 gpa, u64 pa);
int bootops_alloc_smmu(u64 vmid, u64 cbndx, u64 index);
int bootops_assign_smmu(u64 vmid, u64 pfn, u64 gfn);
int bootops_map_smmu(u64 vmid, u64 cbndx, u64 index, u64 iova, u64 pte);
int bootops_clear_smmu(u64 vmid, u64 cbndx, u64 index, u64 iova);
/* Teardown helper: banks owned by vmid lose their table and owner. */
void bootops_release_smmu(u64 vmid);

/* Ordinary memory of a VM that runs on hyp's stage 2 (memory.c). */
bool bootops_vm_uses_hyp_s2(u64 vmid);
int bootops_share_guest_page(u64 vmid, u64 ipa, u64 pfn);
/* The same, but the page becomes the VM's: private memory, scrubbed at teardown. */
int bootops_donate_guest_page(u64 vmid, u64 ipa, u64 pfn);
int bootops_unshare_guest_page(u64 vmid, u64 ipa);
/* The host touched a page vmid owns; counted, then reflected to the host. */
void bootops_note_host_fault(u64 vmid);
/* The VM's host faults, and the page-table pages boot ops hold (all VMs). */
int bootops_get_vm_stats(u64 vmid, u64 *host_faults, u64 *tables);

/*
 * verify.c: the hash the owner signs (of the header holding the digest),
 * and a whole image's check at once.
 */
void bootops_image_signed_hash(u64 load_addr, u64 size,
			       const u8 digest[BOOTOPS_DIGEST_SIZE],
			       u8 hash[BOOTOPS_DIGEST_SIZE]);
int bootops_verify_image(u64 load_addr, u64 size, const void *bytes,
			 const u8 sig[BOOTOPS_SIG_SIZE]);

#endif /* __BOOTOPS_BOOTOPS_H__ */
