// SPDX-License-Identifier: GPL-2.0-only
/* VM and vCPU life cycle: register, activate, deactivate, teardown. */
#include "util.h"

TEST(register_kvm_hands_out_lowest_free_vmid)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(0xaaa, sim_vm_memory()), 1);
	CHECK_EQ(bootops_register_kvm(0xbbb, sim_vm_memory()), 2);
	CHECK_EQ(bootops_get_vm_state(1), BOOTOPS_VM_READY);
	CHECK_EQ(bootops_get_vm_kvm(2), 0xbbb);
	CHECK_EQ(teardown_vm(1), 0);
	CHECK_EQ(bootops_get_vm_state(1), BOOTOPS_VM_UNUSED);
	CHECK_EQ(bootops_register_kvm(0xccc, sim_vm_memory()), 1);
	CHECK_EQ(bootops_get_vm_kvm(1), 0xccc);
}

TEST(register_kvm_full_table_is_enospc)
{
	u64 i;

	sim_reset();
	for (i = 1; i <= BOOTOPS_MAX_VMS; i++)
		CHECK_EQ(bootops_register_kvm(i, sim_vm_memory()), i);
	CHECK_REFUSED(bootops_register_kvm(0, sim_vm_memory()), -ENOSPC);
	CHECK_EQ(teardown_vm(77), 0);
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 77);
}

TEST(register_kvm_at_takes_the_platforms_vmid)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm_at(7, 0x1006, sim_vm_memory()), 0);
	CHECK_EQ(bootops_get_vm_state(7), BOOTOPS_VM_READY);
	CHECK_EQ(bootops_get_vm_kvm(7), 0x1006);
	CHECK(bootops_vm_registered(7));
	CHECK(!bootops_vm_registered(6));
	/* Taken: refused, and the first registration is kept. */
	CHECK_REFUSED(bootops_register_kvm_at(7, 0x2000, sim_vm_memory()), -EEXIST);
	CHECK_EQ(bootops_get_vm_kvm(7), 0x1006);
	CHECK_REFUSED(bootops_register_kvm_at(0, 0x1, sim_vm_memory()), -EINVAL);
	CHECK_REFUSED(bootops_register_kvm_at(BOOTOPS_MAX_VMS + 1, 0x1, sim_vm_memory()), -EINVAL);
	CHECK_REFUSED(bootops_register_kvm_at(~0ULL, 0x1, sim_vm_memory()), -EINVAL);
	CHECK(!bootops_vm_registered(0));
	CHECK(!bootops_vm_registered(~0ULL));
	/* The spec's allocator skips it. */
	CHECK_EQ(bootops_register_kvm(0xaaa, sim_vm_memory()), 1);
	CHECK_EQ(teardown_vm(7), 0);
	CHECK(!bootops_vm_registered(7));
	CHECK_EQ(bootops_register_kvm_at(7, 0x2000, sim_vm_memory()), 0);
}

/*
 * Hyp's record of a VM lives in pages the host donates: refused unless
 * they are all host-exclusive RAM, never readable by the host while the VM
 * exists, and back to the host zeroed when teardown ends.
 */
TEST(register_kvm_keeps_the_vm_in_donated_host_pages)
{
	u64 mem, k;
	u8 byte;

	sim_reset();
	CHECK_EQ(bootops_register_kvm(0x1, sim_vm_memory()), 1);
	CHECK_REFUSED(bootops_register_kvm_at(7, 0x2, 0), -EINVAL);
	CHECK_REFUSED(bootops_register_kvm_at(7, 0x2, ~0ULL), -EINVAL);
	CHECK_REFUSED(bootops_register_kvm_at(7, 0x2, SIM_MMIO_PFN + 4), -EINVAL);
	/* Runs off the end of RAM. */
	CHECK_REFUSED(bootops_register_kvm_at(7, 0x2, SIM_RAM_PFN + SIM_RAM_PAGES - 1), -EINVAL);
	CHECK_REFUSED(bootops_register_kvm_at(7, 0x2, SIM_HYP_PFN + 8), -EPERM);
	/* Another VM's record, also one page of it. */
	CHECK_REFUSED(bootops_register_kvm_at(7, 0x2, sim_vm_state_pfn(1)), -EPERM);
	CHECK_REFUSED(bootops_register_kvm_at(7, 0x2, sim_vm_state_pfn(1) + 1), -EPERM);
	CHECK_EQ(bootops_plat_claim_image_page(SIM_RAM_PFN + 3), 0);
	CHECK_REFUSED(bootops_register_kvm_at(7, 0x2, SIM_RAM_PFN + 1), -EPERM);
	bootops_plat_release_image_page(SIM_RAM_PFN + 3);
	/* The spec's allocator says why, not -ENOSPC. */
	CHECK_REFUSED(bootops_register_kvm(0x2, SIM_HYP_PFN), -EPERM);

	mem = sim_vm_memory();
	CHECK_EQ(bootops_register_kvm_at(7, 0x2, mem), 0);
	CHECK_EQ(sim_vm_state_pfn(7), mem);
	for (k = 0; k < BOOTOPS_VM_STATE_PAGES; k++) {
		CHECK_EQ(sim_page(mem + k).owner, SIM_OWNER_HYP);
		CHECK_EQ(sim_host_read(mem + k, 0, &byte, 1), -EFAULT);
		CHECK_EQ(bootops_plat_claim_image_page(mem + k), -EPERM);
	}
	CHECK_EQ(bootops_register_vcpu(7, 3, 0x33), 0);
	CHECK_EQ(bootops_vcpu(7, 3)->handle, 0x33);
	CHECK_EQ(sim_check_invariants(), 0);
	CHECK_EQ(teardown_vm(7), 0);
	CHECK_EQ(sim_vm_state_pfn(7), BOOTOPS_INVALID64);
	for (k = 0; k < BOOTOPS_VM_STATE_PAGES; k++) {
		CHECK_EQ(sim_page(mem + k).owner, SIM_OWNER_HOST);
		CHECK(!memcmp(sim_page_bytes(mem + k), sim_page_bytes(SIM_RAM_PFN + 100),
			      BOOTOPS_PAGE_SIZE));
	}
	/* The same pages hold the next VM. */
	CHECK_EQ(bootops_register_kvm_at(7, 0x3, mem), 0);
	CHECK_EQ(bootops_vcpu(7, 3)->state, BOOTOPS_VCPU_UNUSED);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(register_vcpu_states)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_register_vcpu(1, 0, 0x10), 0);
	CHECK_EQ(bootops_get_vcpu_state(1, 0), BOOTOPS_VCPU_READY);
	CHECK_EQ(bootops_vcpu(1, 0)->handle, 0x10);
	CHECK_EQ(bootops_register_vcpu(1, BOOTOPS_MAX_VCPUS - 1, 0x11), 0);
	CHECK_REFUSED(bootops_register_vcpu(1, 0, 0x12), -EEXIST);
	CHECK_REFUSED(bootops_register_vcpu(2, 0, 0), -ENOENT);
	CHECK_REFUSED(bootops_register_vcpu(1, BOOTOPS_MAX_VCPUS, 0), -EINVAL);
	CHECK_REFUSED(bootops_register_vcpu(0, 0, 0), -EINVAL);
}

TEST(vcpu_reset_flag_is_taken_once)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_vcpu_take_reset(1, 3), -ENOENT);
	CHECK_EQ(bootops_register_vcpu(1, 3, 0), 0);
	CHECK_EQ(bootops_vcpu_take_reset(1, 3), 1);
	CHECK_EQ(bootops_vcpu_take_reset(1, 3), 0);
	CHECK_EQ(bootops_vcpu_take_reset(1, BOOTOPS_MAX_VCPUS), -EINVAL);
}

TEST(vcpu_active_inactive_cycle)
{
	u64 vmid;

	sim_reset();
	vmid = verified_vm(0x80000000, PAGE, ram(0));
	sim_set_cpu(1);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	CHECK_EQ(bootops_get_vcpu_state(vmid, 0), BOOTOPS_VCPU_ACTIVE);
	CHECK_EQ(bootops_vcpu(vmid, 0)->active_cpu, 1);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	CHECK_EQ(bootops_get_vcpu_state(vmid, 0), BOOTOPS_VCPU_READY);
	CHECK_REFUSED(bootops_set_vcpu_inactive(vmid, 0), -EPERM);
	CHECK_REFUSED(bootops_set_vcpu_inactive(vmid, 1), -ENOENT);
	CHECK_REFUSED(bootops_set_vcpu_active(vmid, 1), -ENOENT);
	CHECK_REFUSED(bootops_set_vcpu_active(vmid + 1, 0), -ENOENT);
	CHECK_REFUSED(bootops_set_vcpu_inactive(vmid + 1, 0), -ENOENT);
	sim_set_cpu(0);
}

TEST(vcpu_cannot_run_on_two_cpus)
{
	u64 vmid;

	sim_reset();
	vmid = verified_vm(0x80000000, PAGE, ram(0));
	sim_set_cpu(0);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	sim_set_cpu(1);
	CHECK_REFUSED(bootops_set_vcpu_active(vmid, 0), -EBUSY);
	/* CPU 1 may not stop it behind CPU 0's back and then run it. */
	CHECK_REFUSED(bootops_set_vcpu_inactive(vmid, 0), -EPERM);
	sim_set_cpu(0);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	sim_set_cpu(1);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	sim_set_cpu(0);
}

TEST(unverified_vm_cannot_run)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_register_vcpu(1, 0, 0), 0);
	CHECK_REFUSED(bootops_set_vcpu_active(1, 0), -EPERM);
	CHECK_EQ(load_image_pages(1, 0, PAGE, ram(0), 3), 0);
	CHECK_REFUSED(bootops_set_vcpu_active(1, 0), -EPERM);
	CHECK_EQ(verify_images(1), 0);
	CHECK_EQ(bootops_set_vcpu_active(1, 0), 0);
}

TEST(vm_without_images_verifies_trivially)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_register_vcpu(1, 0, 0), 0);
	CHECK_EQ(verify_images(1), 0);
	CHECK_EQ(bootops_get_vm_state(1), BOOTOPS_VM_VERIFIED);
	CHECK_EQ(bootops_set_vcpu_active(1, 0), 0);
	CHECK_REFUSED(verify_images(1), -EPERM);
}

TEST(teardown_refuses_running_vm)
{
	u64 vmid;

	sim_reset();
	vmid = verified_vm(0x80000000, PAGE, ram(0));
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	CHECK_REFUSED(teardown_vm(vmid), -EBUSY);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_REFUSED(teardown_vm(vmid), -ENOENT);
	CHECK_REFUSED(teardown_vm(0), -EINVAL);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(teardown_clears_vcpus_and_images)
{
	u64 vmid;

	sim_reset();
	vmid = verified_vm(0x80000000, 3 * PAGE, ram(0));
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(bootops_register_kvm(5, sim_vm_memory()), vmid);
	CHECK_EQ(bootops_get_vcpu_state(vmid, 0), BOOTOPS_VCPU_UNUSED);
	CHECK_EQ(bootops_get_vm_next_load_idx(vmid), 0);
	CHECK_EQ(sim_s2_count(vmid), 0);
	CHECK_EQ(bootops_register_vcpu(vmid, 0, 0), 0);
}

TEST(vcpu_enter_requires_matching_kvm_handle)
{
	u64 vmid;

	sim_reset();
	vmid = verified_vm(0, PAGE, ram(0));	/* registered with handle 0x1000 */
	CHECK_REFUSED(bootops_vcpu_enter(vmid, 0, 0x2000), -EPERM);
	CHECK_REFUSED(bootops_vcpu_enter(vmid + 1, 0, 0x1000), -EPERM);
	CHECK_REFUSED(bootops_vcpu_enter(0, 0, 0), -EPERM);
	CHECK_REFUSED(bootops_vcpu_enter(vmid, BOOTOPS_MAX_VCPUS, 0x1000), -EPERM);
	CHECK_REFUSED(bootops_vcpu_enter(vmid, 1, 0x1000), -ENOENT);
	CHECK_EQ(bootops_vcpu_enter(vmid, 0, 0x1000), 0);
	CHECK_REFUSED(bootops_vcpu_enter(vmid, 0, 0x1000), -EBUSY);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
}

/* The run path's entry check with the host's PC, as the platform calls it. */
static int first_run(u64 vmid, u64 vcpuid, u64 pc)
{
	struct bootops_vcpu_entry entry = { .pc = pc };

	return bootops_vcpu_first_run(vmid, vcpuid, &entry);
}

/*
 * A vCPU's first run: its first PC must lie in a verified image, checked
 * once, on the CPU it is active on; a refusal is final for that vCPU.
 */
TEST(vcpu_first_run_checks_the_pc_once)
{
	u64 la = 0x80000000, vmid;

	sim_reset();
	vmid = verified_vm(la, 2 * PAGE, ram(0));
	CHECK_EQ(bootops_register_vcpu(vmid, 1, 0), -EPERM);	/* verified: no new vCPU */
	/* Not active, or active on another CPU: not the run path. */
	CHECK_REFUSED(first_run(vmid, 0, la), -EPERM);
	sim_set_cpu(1);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	sim_set_cpu(0);
	CHECK_REFUSED(first_run(vmid, 0, la), -EPERM);
	sim_set_cpu(1);
	CHECK_REFUSED(first_run(vmid, 1, la), -ENOENT);
	CHECK_REFUSED(first_run(vmid, BOOTOPS_MAX_VCPUS, la), -EINVAL);
	CHECK_REFUSED(first_run(0, 0, la), -EINVAL);
	/* The last byte of the image is in it: reset there, once. */
	CHECK_EQ(first_run(vmid, 0, la + 2 * PAGE - 1), 1);
	CHECK_EQ(bootops_vcpu(vmid, 0)->need_reset, 0);
	CHECK_EQ(first_run(vmid, 0, la + 5 * PAGE), 0);
	CHECK_EQ(bootops_vcpu(vmid, 0)->first_pc_refused, 0);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(vcpu_first_pc_outside_every_image_is_refused_for_good)
{
	u64 la = 0x80000000, vmid;

	sim_reset();
	vmid = verified_vm(la, 2 * PAGE, ram(0));
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	/* Just past the end, just before the start, and far away. */
	CHECK_EQ(first_run(vmid, 0, la + 2 * PAGE), -EPERM);
	CHECK_EQ(bootops_vcpu(vmid, 0)->first_pc_refused, 1);
	CHECK_EQ(bootops_vcpu(vmid, 0)->need_reset, 1);
	/* The host cannot try again with a PC that would pass. */
	CHECK_REFUSED(first_run(vmid, 0, la), -EPERM);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	CHECK_REFUSED(first_run(vmid, 0, la), -EPERM);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	CHECK_EQ(teardown_vm(vmid), 0);

	vmid = verified_vm(la, PAGE, ram(4));
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	CHECK_EQ(first_run(vmid, 0, la - 1), -EPERM);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

/* A VM with no image runs on the host's stage 2, its CPU state the host's. */
TEST(vcpu_first_run_of_a_vm_without_images_keeps_the_host_state)
{
	u64 vmid;

	sim_reset();
	vmid = bootops_register_kvm(0x1000, sim_vm_memory());
	CHECK_EQ(bootops_register_vcpu(vmid, 0, 0), 0);
	CHECK_EQ(verify_images(vmid), 0);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	CHECK_EQ(first_run(vmid, 0, 0x1234), 0);
	CHECK_EQ(bootops_vcpu(vmid, 0)->first_pc_refused, 0);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
}

/* A VM with vCPUs 0 and 1 on an image at la, verified. */
static u64 two_vcpu_vm(u64 la)
{
	int vmid = bootops_register_kvm(0x1000, sim_vm_memory());

	if (vmid <= 0 || bootops_register_vcpu(vmid, 0, 0x2000) ||
	    bootops_register_vcpu(vmid, 1, 0x2001) ||
	    load_image_pages(vmid, la, PAGE, ram(0), 1) || verify_images(vmid))
		abort();
	return vmid;
}

/*
 * vCPU 0 boots at the host's PC; any other vCPU starts only at its
 * guest's CPU_ON, with the guest's context, whatever PC the host gives.
 */
TEST(a_secondary_starts_only_where_its_guest_said)
{
	struct bootops_vcpu_entry e = { .pc = 0x80000000 };
	u64 la = 0x80000000, vmid;

	sim_reset();
	vmid = two_vcpu_vm(la);
	CHECK_EQ(bootops_vcpu_power(vmid, 0), BOOTOPS_POWER_ON);
	CHECK_EQ(bootops_vcpu_power(vmid, 1), BOOTOPS_POWER_OFF);
	sim_set_cpu(1);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 1), 0);
	/* Off: not run, at the image's start or anywhere; not final either. */
	CHECK_REFUSED(bootops_vcpu_first_run(vmid, 1, &e), -EPERM);
	sim_set_cpu(0);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	CHECK_EQ(first_run(vmid, 0, la), 1);
	CHECK_EQ(bootops_vcpu_cpu_on(vmid, 0, 1, la + 0x100, 0xc0ffee), 0);
	CHECK_EQ(bootops_vcpu_power(vmid, 1), BOOTOPS_POWER_ON_PENDING);
	CHECK_REFUSED(bootops_vcpu_cpu_on(vmid, 0, 1, la, 0), -EBUSY);
	sim_set_cpu(1);
	CHECK_EQ(bootops_vcpu_first_run(vmid, 1, &e), 1);
	CHECK(e.psci && e.pc == la + 0x100 && e.ctx == 0xc0ffee);
	CHECK_EQ(bootops_vcpu_power(vmid, 1), BOOTOPS_POWER_ON);
	CHECK_EQ(first_run(vmid, 1, 0x1234), 0);
	/* Its CPU_OFF: off until the next CPU_ON, which starts it afresh. */
	CHECK_EQ(bootops_vcpu_cpu_off(vmid, 1), 0);
	CHECK_REFUSED(first_run(vmid, 1, la), -EPERM);
	CHECK_REFUSED(bootops_vcpu_cpu_on(vmid, 1, 0, la, 0), -EPERM);	/* off: no PSCI */
	sim_set_cpu(0);
	CHECK_EQ(bootops_vcpu_cpu_on(vmid, 0, 1, la + 8, 7), 0);
	sim_set_cpu(1);
	CHECK_EQ(bootops_vcpu_first_run(vmid, 1, &e), 1);
	CHECK(e.psci && e.pc == la + 8 && e.ctx == 7);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 1), 0);
	sim_set_cpu(0);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

/* What CPU_ON refuses, each leaving every vCPU as it was. */
TEST(cpu_on_refusals)
{
	u64 la = 0x80000000, vmid, plain;

	sim_reset();
	vmid = two_vcpu_vm(la);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	CHECK_EQ(first_run(vmid, 0, la), 1);
	CHECK_REFUSED(bootops_vcpu_cpu_on(vmid, 0, 0, la, 0), -EEXIST);
	CHECK_REFUSED(bootops_vcpu_cpu_on(vmid, 0, 2, la, 0), -ENOENT);
	CHECK_REFUSED(bootops_vcpu_cpu_on(vmid, 0, BOOTOPS_MAX_VCPUS, la, 0), -EINVAL);
	CHECK_REFUSED(bootops_vcpu_cpu_on(vmid, BOOTOPS_MAX_VCPUS, 1, la, 0), -EINVAL);
	CHECK_REFUSED(bootops_vcpu_cpu_on(0, 0, 1, la, 0), -EINVAL);
	/* Only the caller's run path: vCPU 1 is not active, vCPU 0 not here. */
	CHECK_REFUSED(bootops_vcpu_cpu_on(vmid, 1, 0, la, 0), -EPERM);
	sim_set_cpu(1);
	CHECK_REFUSED(bootops_vcpu_cpu_on(vmid, 0, 1, la, 0), -EPERM);
	CHECK_REFUSED(bootops_vcpu_cpu_off(vmid, 0), -EPERM);
	CHECK_REFUSED(bootops_vcpu_system_off(vmid, 0), -EPERM);
	CHECK_REFUSED(bootops_vcpu_power(vmid, 2), -ENOENT);
	sim_set_cpu(0);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	/* A VM whose CPU state is the host's: PSCI is the host's too. */
	plain = bootops_register_kvm(0x3000, sim_vm_memory());
	CHECK_EQ(bootops_register_vcpu(plain, 0, 0), 0);
	CHECK_EQ(bootops_register_vcpu(plain, 1, 0), 0);
	CHECK_EQ(verify_images(plain), 0);
	CHECK_EQ(bootops_set_vcpu_active(plain, 0), 0);
	CHECK_REFUSED(bootops_vcpu_cpu_on(plain, 0, 1, la, 0), -EPERM);
	CHECK_REFUSED(bootops_vcpu_cpu_off(plain, 0), -EPERM);
	CHECK_EQ(bootops_set_vcpu_inactive(plain, 0), 0);
	CHECK_EQ(teardown_vm(plain), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

/* SYSTEM_OFF stops every vCPU for good: none is left to call CPU_ON. */
TEST(system_off_stops_every_vcpu)
{
	u64 la = 0x80000000, vmid;

	sim_reset();
	vmid = two_vcpu_vm(la);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	CHECK_EQ(first_run(vmid, 0, la), 1);
	CHECK_EQ(bootops_vcpu_cpu_on(vmid, 0, 1, la, 0), 0);
	CHECK_EQ(bootops_vcpu_system_off(vmid, 0), 0);
	CHECK_EQ(bootops_vcpu_power(vmid, 0), BOOTOPS_POWER_OFF);
	CHECK_EQ(bootops_vcpu_power(vmid, 1), BOOTOPS_POWER_OFF);
	CHECK_REFUSED(first_run(vmid, 0, la), -EPERM);
	CHECK_REFUSED(bootops_vcpu_cpu_on(vmid, 0, 1, la, 0), -EPERM);
	sim_set_cpu(1);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 1), 0);
	CHECK_REFUSED(first_run(vmid, 1, la), -EPERM);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 1), 0);
	sim_set_cpu(0);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(a_vm_that_requires_images_is_never_verified_without_one)
{
	u8 sig[BOOTOPS_SIG_SIZE] = { 0 };
	u64 vmid;

	sim_reset();
	vmid = bootops_register_kvm(0x1000, sim_vm_memory());
	CHECK_EQ(bootops_register_vcpu(vmid, 0, 0), 0);
	CHECK_EQ(bootops_require_images(vmid), 0);
	CHECK_EQ(bootops_require_images(vmid), 0);	/* twice: harmless */
	CHECK_EQ(bootops_vm(vmid)->requires_images, 1);
	CHECK_EQ(verify_images(vmid), -ENOEXEC);
	CHECK_EQ(bootops_get_vm_state(vmid), BOOTOPS_VM_REJECTED);
	CHECK_EQ(bootops_require_images(vmid), 0);
	/* For good: no second verification, no run, no image now. */
	CHECK_REFUSED(verify_images(vmid), -EPERM);
	CHECK_REFUSED(bootops_set_vcpu_active(vmid, 0), -EPERM);
	CHECK_REFUSED(bootops_set_boot_info(vmid, 0x80000000, PAGE, sig), -EPERM);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(require_images_only_before_verification)
{
	u64 la = 0x80000000, vmid, plain;

	sim_reset();
	CHECK_REFUSED(bootops_require_images(0), -EINVAL);
	CHECK_REFUSED(bootops_require_images(BOOTOPS_MAX_VMS + 1), -EINVAL);
	CHECK_REFUSED(bootops_require_images(1ULL << 32 | 1), -EINVAL);
	CHECK_REFUSED(bootops_require_images(1), -ENOENT);
	/* With an image, the mark changes nothing: it verifies and runs. */
	vmid = bootops_register_kvm(0x1000, sim_vm_memory());
	CHECK_EQ(bootops_register_vcpu(vmid, 0, 0), 0);
	CHECK_EQ(bootops_require_images(vmid), 0);
	CHECK_EQ(load_image_pages(vmid, la, PAGE, ram(0), 1), 0);
	CHECK_EQ(verify_images(vmid), 0);
	CHECK_EQ(bootops_require_images(vmid), 0);	/* marked: harmless */
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	/* Too late once verified: the first check's outcome stands. */
	plain = bootops_register_kvm(0x2000, sim_vm_memory());
	CHECK_EQ(verify_images(plain), 0);
	CHECK_REFUSED(bootops_require_images(plain), -EPERM);
	CHECK_EQ(bootops_vm(plain)->requires_images, 0);
	CHECK_EQ(teardown_vm(plain), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
	/* A vmid reused after teardown starts unmarked. */
	vmid = bootops_register_kvm(0x3000, sim_vm_memory());
	CHECK_EQ(bootops_vm(vmid)->requires_images, 0);
	CHECK_EQ(verify_images(vmid), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}
