// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops: VM and vCPU life cycle.
 *
 * VM:   UNUSED -register_kvm-> READY -verify-> VERIFYING -> VERIFIED | REJECTED
 *       (READY -verify-> REJECTED at once if it requires images and has none)
 *       any state but UNUSED -teardown-> DYING -> UNUSED
 *       (VERIFYING and DYING while the call returns BOOTOPS_CONTINUE)
 * vCPU: UNUSED -register_vcpu-> READY <-set_vcpu_active/inactive-> ACTIVE
 */
#include <bootops/bootops.h>
#include <bootops/platform.h>
#include <bootops/state.h>

void bootops_init(void)
{
	bootops_state_init();
}

/*
 * The host's donated pages hold the record from here to the end of
 * teardown; the vmid's lock, hyp's own, keeps everyone else out meanwhile.
 */
static int do_register_kvm(u64 vmid, u64 kvm_handle, u64 mem_pfn)
{
	struct bootops_vm_info *vm;
	void *mem;
	int ret;

	if (bootops_get_vm_state(vmid) != BOOTOPS_VM_UNUSED)
		return -EEXIST;
	ret = bootops_plat_take_vm_memory(mem_pfn, &mem);
	if (ret)
		return ret;
	vm = mem;
	vm->kvm_handle = kvm_handle;
	vm->state = BOOTOPS_VM_READY;
	bootops_state.vm[vmid].info = vm;
	return 0;
}

/*
 * The platform's choice of vmid: on pKVM, the slot pKVM reserved for the
 * VM (one id space).  -EINVAL out of range, -EEXIST if it is in use, or
 * why the memory cannot be taken.
 */
int bootops_register_kvm_at(u64 vmid, u64 kvm_handle, u64 mem_pfn)
{
	int ret;

	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_register_kvm(vmid, kvm_handle, mem_pfn);
	bootops_unlock_vm(vmid);
	return ret;
}

/* The spec's register_kvm: the lowest free vmid, each tried under its lock. */
int bootops_register_kvm(u64 kvm_handle, u64 mem_pfn)
{
	u32 vmid;
	int ret;

	for (vmid = 1; vmid <= BOOTOPS_MAX_VMS; vmid++) {
		ret = bootops_register_kvm_at(vmid, kvm_handle, mem_pfn);
		if (ret != -EEXIST)
			return ret ? ret : (int)vmid;
	}
	return -ENOSPC;
}

/*
 * The VM's owner wants it to run only what it signed: a VM marked so is
 * never verified without an image (image.c).  It is marked only before
 * verification (READY), so the mark cannot contradict an earlier check;
 * asking again once marked is harmless, whatever the state, and nothing
 * takes the mark away.
 */
static int do_require_images(u64 vmid)
{
	int ret;

	if (bootops_get_vm_state(vmid) != BOOTOPS_VM_UNUSED &&
	    bootops_vm(vmid)->requires_images)
		return 0;
	ret = bootops_check_vm_ready(vmid);
	if (ret)
		return ret;
	bootops_vm(vmid)->requires_images = 1;
	return 0;
}

int bootops_require_images(u64 vmid)
{
	int ret;

	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_require_images(vmid);
	bootops_unlock_vm(vmid);
	return ret;
}

/* Whether boot ops hold the VM: the platform must not reuse its id. */
bool bootops_vm_registered(u64 vmid)
{
	bool held;

	if (!bootops_vmid_valid(vmid))
		return false;
	bootops_lock_vm(vmid);
	held = bootops_get_vm_state(vmid) != BOOTOPS_VM_UNUSED;
	bootops_unlock_vm(vmid);
	return held;
}

/*
 * The platform's own object for a VM boot ops hold (pKVM: its hyp VM, once
 * pKVM has one), kept in the VM's record: it goes with the record.
 */
void bootops_attach_plat_vm(u64 vmid, void *plat)
{
	if (!bootops_vmid_valid(vmid))
		return;
	bootops_lock_vm(vmid);
	if (bootops_get_vm_state(vmid) != BOOTOPS_VM_UNUSED)
		bootops_vm(vmid)->plat = plat;
	bootops_unlock_vm(vmid);
}

/* Caller holds the VM's lock, or runs one of its active vCPUs; NULL if none. */
void *bootops_plat_vm(u64 vmid)
{
	return bootops_vm(vmid)->plat;
}

/* -EINVAL for an id out of range, -ENOENT for a vmid hyp never handed out. */
static int check_vcpu_ids(u64 vmid, u64 vcpuid)
{
	if (!bootops_vmid_valid(vmid) || !bootops_vcpuid_valid(vcpuid))
		return -EINVAL;
	return 0;
}

static int do_register_vcpu(u64 vmid, u64 vcpuid, u64 handle)
{
	/* SeKVM tests "VM READY || vCPU UNUSED": both are required. */
	int ret = bootops_check_vm_ready(vmid);

	if (ret)
		return ret;
	if (bootops_get_vcpu_state(vmid, vcpuid) != BOOTOPS_VCPU_UNUSED)
		return -EEXIST;
	bootops_set_vm_vcpu(vmid, vcpuid, handle);
	bootops_vcpu(vmid, vcpuid)->need_reset = 1;
	bootops_vcpu(vmid, vcpuid)->power = vcpuid ? BOOTOPS_POWER_OFF : BOOTOPS_POWER_ON;
	bootops_set_vcpu_state(vmid, vcpuid, BOOTOPS_VCPU_READY);
	return 0;
}

int bootops_register_vcpu(u64 vmid, u64 vcpuid, u64 vcpu_handle)
{
	int ret = check_vcpu_ids(vmid, vcpuid);

	if (ret)
		return ret;
	bootops_lock_vm(vmid);
	ret = do_register_vcpu(vmid, vcpuid, vcpu_handle);
	bootops_unlock_vm(vmid);
	return ret;
}

static int do_set_vcpu_active(u64 vmid, u64 vcpuid)
{
	u32 state = bootops_get_vm_state(vmid);

	if (state == BOOTOPS_VM_UNUSED)
		return -ENOENT;
	if (state != BOOTOPS_VM_VERIFIED)
		return -EPERM;
	switch (bootops_get_vcpu_state(vmid, vcpuid)) {
	case BOOTOPS_VCPU_UNUSED:
		return -ENOENT;
	case BOOTOPS_VCPU_ACTIVE:
		return -EBUSY;
	}
	bootops_vcpu(vmid, vcpuid)->active_cpu = bootops_plat_cpu();
	bootops_set_vcpu_state(vmid, vcpuid, BOOTOPS_VCPU_ACTIVE);
	return 0;
}

int bootops_set_vcpu_active(u64 vmid, u64 vcpuid)
{
	int ret = check_vcpu_ids(vmid, vcpuid);

	if (ret)
		return ret;
	bootops_lock_vm(vmid);
	ret = do_set_vcpu_active(vmid, vcpuid);
	bootops_unlock_vm(vmid);
	return ret;
}

/*
 * The run path: hyp itself marks the vCPU ACTIVE before entering it.  The
 * platform names the VM being run by vmid and by the handle it registered
 * it with; a VM registered under another handle does not run.
 */
int bootops_vcpu_enter(u64 vmid, u64 vcpuid, u64 kvm_handle)
{
	int ret = check_vcpu_ids(vmid, vcpuid);

	if (ret)
		return -EPERM;
	bootops_lock_vm(vmid);
	if (bootops_get_vm_state(vmid) == BOOTOPS_VM_UNUSED ||
	    bootops_get_vm_kvm(vmid) != kvm_handle)
		ret = -EPERM;
	else
		ret = do_set_vcpu_active(vmid, vcpuid);
	bootops_unlock_vm(vmid);
	return ret;
}

static int do_set_vcpu_inactive(u64 vmid, u64 vcpuid)
{
	if (!bootops_vm(vmid))
		return -ENOENT;
	switch (bootops_get_vcpu_state(vmid, vcpuid)) {
	case BOOTOPS_VCPU_UNUSED:
		return -ENOENT;
	case BOOTOPS_VCPU_READY:
		return -EPERM;
	}
	/* Only the CPU running the vCPU may stop it, else it could run twice. */
	if (bootops_vcpu(vmid, vcpuid)->active_cpu != bootops_plat_cpu())
		return -EPERM;
	bootops_set_vcpu_state(vmid, vcpuid, BOOTOPS_VCPU_READY);
	return 0;
}

int bootops_set_vcpu_inactive(u64 vmid, u64 vcpuid)
{
	int ret = check_vcpu_ids(vmid, vcpuid);

	if (ret)
		return ret;
	bootops_lock_vm(vmid);
	ret = do_set_vcpu_inactive(vmid, vcpuid);
	bootops_unlock_vm(vmid);
	return ret;
}

int bootops_vcpu_take_reset(u64 vmid, u64 vcpuid)
{
	struct bootops_vcpu_info *vcpu;
	int ret;

	ret = check_vcpu_ids(vmid, vcpuid);
	if (ret)
		return ret;
	bootops_lock_vm(vmid);
	vcpu = bootops_vm(vmid) ? bootops_vcpu(vmid, vcpuid) : NULL;
	if (!vcpu || vcpu->state == BOOTOPS_VCPU_UNUSED) {
		ret = -ENOENT;
	} else {
		ret = vcpu->need_reset;
		vcpu->need_reset = 0;
	}
	bootops_unlock_vm(vmid);
	return ret;
}

/* A vCPU's own call, from its run path: ACTIVE on this CPU. */
static struct bootops_vcpu_info *running_vcpu(u64 vmid, u64 vcpuid, int *ret)
{
	struct bootops_vcpu_info *vcpu;

	*ret = -ENOENT;
	if (bootops_get_vm_state(vmid) == BOOTOPS_VM_UNUSED)
		return NULL;
	vcpu = bootops_vcpu(vmid, vcpuid);
	if (vcpu->state == BOOTOPS_VCPU_UNUSED)
		return NULL;
	*ret = -EPERM;
	if (vcpu->state != BOOTOPS_VCPU_ACTIVE || vcpu->active_cpu != bootops_plat_cpu())
		return NULL;
	*ret = 0;
	return vcpu;
}

int bootops_vcpu_running_here(u64 vmid, u64 vcpuid)
{
	int ret;

	running_vcpu(vmid, vcpuid, &ret);
	return ret;
}

/*
 * vCPU 0's first run: its first PC must lie in a verified image
 * (SeKVM's check, by search_load_info), and be the manifest's entry if it
 * names one; a refusal is final, so the host cannot retry with another PC
 * after a reset it chose.
 */
static int boot_entry(u64 vmid, struct bootops_vcpu_info *vcpu,
		      struct bootops_vcpu_entry *entry)
{
	if (!vcpu->need_reset)
		return 0;
	if (!bootops_search_load_info(vmid, entry->pc) ||
	    !bootops_manifest_entry_ok(vmid, entry->pc)) {
		vcpu->first_pc_refused = 1;
		return -EPERM;
	}
	vcpu->need_reset = 0;
	entry->psci = false;
	return 1;
}

/*
 * The entry of a vCPU of a VM that runs on hyp's stage 2: vCPU 0 boots
 * at the host's PC, checked; every other start, and every restart after
 * a CPU_OFF, is where the guest's CPU_ON said, with its context in x0.
 * An off vCPU does not run, whatever the host says.  1 when the platform
 * must now reset the vCPU's context to the architected state at *entry,
 * 0 when it runs on as it is (or the VM's CPU state is the host's).
 */
static int do_vcpu_first_run(u64 vmid, u64 vcpuid, struct bootops_vcpu_entry *entry)
{
	struct bootops_vcpu_info *vcpu;
	int ret;

	vcpu = running_vcpu(vmid, vcpuid, &ret);
	if (!vcpu)
		return ret;
	if (!bootops_vm_uses_hyp_s2(vmid))
		return 0;
	if (vcpu->first_pc_refused)
		return -EPERM;
	switch (vcpu->power) {
	case BOOTOPS_POWER_ON:
		return boot_entry(vmid, vcpu, entry);
	case BOOTOPS_POWER_ON_PENDING:
		*entry = (struct bootops_vcpu_entry){
			.pc = vcpu->on_pc, .ctx = vcpu->on_ctx, .psci = true,
		};
		vcpu->power = BOOTOPS_POWER_ON;
		vcpu->need_reset = 0;
		return 1;
	default:
		return -EPERM;
	}
}

int bootops_vcpu_first_run(u64 vmid, u64 vcpuid, struct bootops_vcpu_entry *entry)
{
	int ret = check_vcpu_ids(vmid, vcpuid);

	if (ret)
		return ret;
	bootops_lock_vm(vmid);
	ret = do_vcpu_first_run(vmid, vcpuid, entry);
	bootops_unlock_vm(vmid);
	return ret;
}

/*
 * PSCI is hyp's only for a VM whose CPU state is hyp's, and a caller
 * is on (one that another vCPU's SYSTEM_OFF stopped while it ran is not).
 */
static int psci_caller(u64 vmid, u64 caller)
{
	struct bootops_vcpu_info *vcpu;
	int ret;

	vcpu = running_vcpu(vmid, caller, &ret);
	if (!vcpu)
		return ret;
	if (!bootops_vm_uses_hyp_s2(vmid) || vcpu->power != BOOTOPS_POWER_ON)
		return -EPERM;
	return 0;
}

static int do_vcpu_cpu_on(u64 vmid, u64 caller, u64 target, u64 pc, u64 ctx)
{
	struct bootops_vcpu_info *vcpu;
	int ret = psci_caller(vmid, caller);

	if (ret)
		return ret;
	vcpu = bootops_vcpu(vmid, target);
	/* Only vCPU 0 boots at the host's PC, so a refused one is never off. */
	if (vcpu->state == BOOTOPS_VCPU_UNUSED)
		return -ENOENT;
	if (vcpu->power == BOOTOPS_POWER_ON)
		return -EEXIST;
	if (vcpu->power == BOOTOPS_POWER_ON_PENDING)
		return -EBUSY;
	vcpu->on_pc = pc;
	vcpu->on_ctx = ctx;
	vcpu->power = BOOTOPS_POWER_ON_PENDING;
	return 0;
}

int bootops_vcpu_cpu_on(u64 vmid, u64 caller, u64 target, u64 pc, u64 ctx)
{
	int ret = check_vcpu_ids(vmid, caller) ?: check_vcpu_ids(vmid, target);

	if (ret)
		return ret;
	bootops_lock_vm(vmid);
	ret = do_vcpu_cpu_on(vmid, caller, target, pc, ctx);
	bootops_unlock_vm(vmid);
	return ret;
}

static int do_vcpu_power_off(u64 vmid, u64 caller, bool all)
{
	int ret = psci_caller(vmid, caller);
	u64 i;

	if (ret)
		return ret;
	for (i = 0; i < BOOTOPS_MAX_VCPUS; i++)
		if (i == caller || all)
			bootops_vcpu(vmid, i)->power = BOOTOPS_POWER_OFF;
	return 0;
}

static int vcpu_power_off(u64 vmid, u64 caller, bool all)
{
	int ret = check_vcpu_ids(vmid, caller);

	if (ret)
		return ret;
	bootops_lock_vm(vmid);
	ret = do_vcpu_power_off(vmid, caller, all);
	bootops_unlock_vm(vmid);
	return ret;
}

int bootops_vcpu_cpu_off(u64 vmid, u64 caller)
{
	return vcpu_power_off(vmid, caller, false);
}

/* No vCPU is left on or pending, and only a running one calls CPU_ON. */
int bootops_vcpu_system_off(u64 vmid, u64 caller)
{
	return vcpu_power_off(vmid, caller, true);
}

int bootops_vcpu_power(u64 vmid, u64 vcpuid)
{
	int ret = check_vcpu_ids(vmid, vcpuid);

	if (ret)
		return ret;
	bootops_lock_vm(vmid);
	if (bootops_get_vm_state(vmid) == BOOTOPS_VM_UNUSED ||
	    bootops_get_vcpu_state(vmid, vcpuid) == BOOTOPS_VCPU_UNUSED)
		ret = -ENOENT;
	else
		ret = bootops_vcpu(vmid, vcpuid)->power;
	bootops_unlock_vm(vmid);
	return ret;
}

static bool vm_has_active_vcpu(u64 vmid)
{
	u64 vcpuid;

	for (vcpuid = 0; vcpuid < BOOTOPS_MAX_VCPUS; vcpuid++)
		if (bootops_get_vcpu_state(vmid, vcpuid) == BOOTOPS_VCPU_ACTIVE)
			return true;
	return false;
}

/* The record goes back to the host, zeroed: the vmid is free again. */
static void release_vm_info(u64 vmid)
{
	struct bootops_vm_info *vm = bootops_vm(vmid);

	bootops_state.vm[vmid].info = NULL;
	bootops_plat_return_vm_memory(vm);
}

/* DYING: the VM can no longer run, and nothing can be added to it. */
static int start_teardown(u64 vmid)
{
	if (bootops_get_vm_state(vmid) == BOOTOPS_VM_UNUSED)
		return -ENOENT;
	if (vm_has_active_vcpu(vmid))
		return -EBUSY;
	/* Devices first: no DMA may reach a page after it is scrubbed. */
	bootops_release_smmu(vmid);
	bootops_crypto_verify_abort(vmid);
	bootops_attest_abort(vmid);
	memset(&bootops_vm(vmid)->cursor, 0, sizeof(bootops_vm(vmid)->cursor));
	bootops_set_vm_state(vmid, BOOTOPS_VM_DYING);
	return 0;
}

/* At most one slice of pages returned per call (images, then stage 2). */
static int do_teardown_vm(u64 vmid)
{
	u64 budget = BOOTOPS_SLICE_UNITS;
	int ret;

	if (bootops_get_vm_state(vmid) != BOOTOPS_VM_DYING) {
		ret = start_teardown(vmid);
		if (ret)
			return ret;
	}
	ret = bootops_release_images(vmid, &budget);
	if (!ret)
		ret = bootops_plat_s2_teardown(vmid, &budget);
	if (ret)
		return ret;
	release_vm_info(vmid);
	return 0;
}

int bootops_teardown_vm(u64 vmid)
{
	int ret;

	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_teardown_vm(vmid);
	bootops_unlock_vm(vmid);
	return ret;
}
