// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hostile-host catalogue of SPEC.md, one named test per case that can
 * be expressed on the simulated machine.  Case 7's host-side fault is only
 * modelled here (sim_host_*); the kernel selftests check the real one.
 */
#include <bootops/pgtable.h>

#include "util.h"

static const u64 bad_ids[] = {
	BOOTOPS_MAX_VMS + 1, 1ULL << 31, U32_MAX_, 1ULL << 32, (1ULL << 32) + 1, U64_MAX_,
};

static const u8 sig0[BOOTOPS_SIG_SIZE];

#define NR_BAD	(sizeof(bad_ids) / sizeof(bad_ids[0]))

/* The i-th hostile value for an id whose valid range is [0, max). */
static u64 bad_id(u64 i, u64 max)
{
	return i ? bad_ids[i] : max;
}

/* 1. Ids at max+1, 2^31, 2^32-1, and beyond, and vmid 0 where a VM is meant. */
TEST(hostile_01_ids_out_of_range)
{
	u64 i, bad;

	sim_reset();
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 1);
	CHECK_EQ(bootops_register_vcpu(1, 0, 0), 0);
	CHECK_EQ(bootops_set_boot_info(1, 0, PAGE, sig0), 0);
	CHECK_EQ(bootops_alloc_smmu(0, 0, 0), 0);
	for (i = 0; i < NR_BAD; i++) {
		bad = bad_ids[i];
		/* 2^32 + 1 must not alias vmid 1. */
		CHECK_REFUSED(bootops_register_vcpu(bad, 1, 0), -EINVAL);
		CHECK_REFUSED(bootops_set_vcpu_active(bad, 0), -EINVAL);
		CHECK_REFUSED(bootops_set_vcpu_inactive(bad, 0), -EINVAL);
		CHECK_REFUSED(bootops_set_boot_info(bad, 0x100000, PAGE, sig0), -EINVAL);
		CHECK_REFUSED(bootops_remap_vm_image(bad, ram(0), 0), -EINVAL);
		CHECK_REFUSED(verify_images(bad), -EINVAL);
		CHECK_REFUSED(bootops_map_io(bad, 0, SIM_MMIO_PFN * PAGE + 8 * PAGE), -EINVAL);
		CHECK_REFUSED(bootops_assign_smmu(bad, ram(0), 0x10), -EINVAL);
		CHECK_REFUSED(bootops_alloc_smmu(bad, 0, 0), -EINVAL);
		CHECK_REFUSED(bootops_map_smmu(bad, 0, 0, 0, ram(0) * PAGE), -EINVAL);
		CHECK_REFUSED(bootops_clear_smmu(bad, 0, 0, 0), -EINVAL);
		CHECK_REFUSED(teardown_vm(bad), -EINVAL);
		CHECK_EQ(sim_search_load_info(bad, 0), 0);
		/* vcpuid, load_idx, cbndx and SMMU index of the same values. */
		CHECK_REFUSED(bootops_register_vcpu(1, bad_id(i, BOOTOPS_MAX_VCPUS), 0), -EINVAL);
		CHECK_REFUSED(bootops_set_vcpu_active(1, bad_id(i, BOOTOPS_MAX_VCPUS)), -EINVAL);
		CHECK_REFUSED(bootops_set_vcpu_inactive(1, bad_id(i, BOOTOPS_MAX_VCPUS)), -EINVAL);
		CHECK_REFUSED(bootops_remap_vm_image(1, ram(0), bad_id(i, BOOTOPS_MAX_LOAD_INFO)),
			      -EINVAL);
		CHECK_REFUSED(bootops_alloc_smmu(0, bad_id(i, BOOTOPS_SMMU_NUM_CB), 0), -EINVAL);
		CHECK_REFUSED(bootops_alloc_smmu(0, 0, bad_id(i, BOOTOPS_SMMU_NUM)), -EINVAL);
		CHECK_REFUSED(bootops_map_smmu(0, bad_id(i, BOOTOPS_SMMU_NUM_CB), 0, 0, ram(0) * PAGE),
			      -EINVAL);
		CHECK_REFUSED(bootops_clear_smmu(0, 0, bad_id(i, BOOTOPS_SMMU_NUM), 0), -EINVAL);
	}
	CHECK_REFUSED(bootops_register_vcpu(1, BOOTOPS_MAX_VCPUS, 0), -EINVAL);
	CHECK_REFUSED(bootops_remap_vm_image(1, ram(0), BOOTOPS_MAX_LOAD_INFO), -EINVAL);
	CHECK_REFUSED(bootops_register_vcpu(0, 0, 0), -EINVAL);
	CHECK_REFUSED(bootops_set_vcpu_active(0, 0), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(0, 0x100000, PAGE, sig0), -EINVAL);
	CHECK_REFUSED(bootops_remap_vm_image(0, ram(0), 0), -EINVAL);
	CHECK_REFUSED(verify_images(0), -EINVAL);
	CHECK_REFUSED(bootops_assign_smmu(0, ram(0), 0x10), -EINVAL);
	CHECK_REFUSED(teardown_vm(0), -EINVAL);
}

/* 2. register_vcpu on a VERIFIED VM, twice for one vCPU, for vmid 0. */
TEST(hostile_02_register_vcpu)
{
	u64 vmid;

	sim_reset();
	vmid = verified_vm(0, PAGE, ram(0));
	CHECK_REFUSED(bootops_register_vcpu(vmid, 1, 0), -EPERM);	/* SeKVM's || */
	CHECK_REFUSED(bootops_register_vcpu(vmid, 0, 0), -EPERM);
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), vmid + 1);
	CHECK_EQ(bootops_register_vcpu(vmid + 1, 4, 0), 0);
	CHECK_REFUSED(bootops_register_vcpu(vmid + 1, 4, 0), -EEXIST);
	CHECK_REFUSED(bootops_register_vcpu(0, 4, 0), -EINVAL);
}

/* 3. Running a READY VM; the same vCPU active twice. */
TEST(hostile_03_run_unverified_or_twice)
{
	u64 vmid;

	sim_reset();
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 1);
	CHECK_EQ(bootops_register_vcpu(1, 0, 0), 0);
	CHECK_REFUSED(bootops_set_vcpu_active(1, 0), -EPERM);
	vmid = verified_vm(0, PAGE, ram(0));
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	CHECK_REFUSED(bootops_set_vcpu_active(vmid, 0), -EBUSY);
	sim_set_cpu(3);
	CHECK_REFUSED(bootops_set_vcpu_active(vmid, 0), -EBUSY);
	sim_set_cpu(0);
}

/* 4. set_boot_info after verification, bad sizes and addresses, overlap, a sixth image. */
TEST(hostile_04_set_boot_info)
{
	u64 vmid, i;

	sim_reset();
	vmid = verified_vm(0, PAGE, ram(0));
	CHECK_REFUSED(bootops_set_boot_info(vmid, 0x100000, PAGE, sig0), -EPERM);
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 2);
	CHECK_REFUSED(bootops_set_boot_info(2, 0, 0, sig0), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(2, 0, U64_MAX_, sig0), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(2, 0, U64_MAX_ - PAGE + 1, sig0), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(2, 0, BOOTOPS_MAX_IMAGE_SIZE + PAGE, sig0), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(2, 0x800, PAGE, sig0), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(2, 1ULL << SIM_IPA_BITS, PAGE, sig0), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(2, U64_MAX_ - 2 * PAGE + 1, 4 * PAGE, sig0), -EINVAL);
	for (i = 0; i < BOOTOPS_MAX_LOAD_INFO; i++)
		CHECK_EQ(bootops_set_boot_info(2, i << 20, 2 * PAGE, sig0), i);
	CHECK_REFUSED(bootops_set_boot_info(2, 0x1000, PAGE, sig0), -ENOSPC);
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 3);
	CHECK_EQ(bootops_set_boot_info(3, 0x10000, 2 * PAGE, sig0), 0);
	CHECK_REFUSED(bootops_set_boot_info(3, 0x11000, PAGE, sig0), -EEXIST);
}

/* 5. remap_vm_image with hyp, another VM's, device, absent, repeated pages, one too many. */
TEST(hostile_05_remap_vm_image)
{
	u64 vmid;

	sim_reset();
	vmid = verified_vm(0, PAGE, ram(0));
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), vmid + 1);
	CHECK_EQ(bootops_set_boot_info(vmid + 1, 0, 2 * PAGE, sig0), 0);
	CHECK_REFUSED(bootops_remap_vm_image(vmid + 1, SIM_HYP_PFN + 3, 0), -EPERM);
	CHECK_REFUSED(bootops_remap_vm_image(vmid + 1, ram(0), 0), -EPERM);
	CHECK_REFUSED(bootops_remap_vm_image(vmid + 1, SIM_MMIO_PFN + 8, 0), -EPERM);
	CHECK_REFUSED(bootops_remap_vm_image(vmid + 1, SIM_RAM_PFN + SIM_RAM_PAGES, 0), -EINVAL);
	CHECK_EQ(bootops_remap_vm_image(vmid + 1, ram(1), 0), 0);
	CHECK_REFUSED(bootops_remap_vm_image(vmid + 1, ram(1), 0), -EPERM);
	CHECK_EQ(bootops_remap_vm_image(vmid + 1, ram(2), 0), 0);
	CHECK_REFUSED(bootops_remap_vm_image(vmid + 1, ram(3), 0), -ENOSPC);
	CHECK_EQ(sim_check_invariants(), 0);
}

/* 6. verify with a slot not fully remapped, a flipped bit, a wrong key, other address/size. */
TEST(hostile_06_verify)
{
	u8 sig[BOOTOPS_SIG_SIZE];

	sim_reset();
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 1);
	CHECK_EQ(declare_image(1, 0, 2 * PAGE, ram(0), 1), 0);
	CHECK_EQ(bootops_remap_vm_image(1, ram(0), 0), 0);
	CHECK_REFUSED(verify_images(1), -EPERM);

	/* Signed for (0, 1 page), declared at 0x1000, and as 2 pages. */
	fill_page(ram(10), 3);
	sign_image(0, PAGE, sim_page_bytes(ram(10)), false, sig);
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 2);
	CHECK_EQ(bootops_set_boot_info(2, 0x1000, PAGE, sig), 0);
	CHECK_EQ(bootops_remap_vm_image(2, ram(10), 0), 0);
	CHECK_EQ(verify_images(2), -EKEYREJECTED);

	fill_page(ram(20), 3);
	fill_page(ram(21), 4);
	sign_image(0, PAGE, sim_page_bytes(ram(20)), false, sig);
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 3);
	CHECK_EQ(bootops_set_boot_info(3, 0, 2 * PAGE, sig), 0);
	CHECK_EQ(bootops_remap_vm_image(3, ram(20), 0), 0);
	CHECK_EQ(bootops_remap_vm_image(3, ram(21), 0), 0);
	CHECK_EQ(verify_images(3), -EKEYREJECTED);

	fill_page(ram(30), 5);
	sign_image(0, PAGE, sim_page_bytes(ram(30)), true, sig);
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 4);
	CHECK_EQ(bootops_set_boot_info(4, 0, PAGE, sig), 0);
	CHECK_EQ(bootops_remap_vm_image(4, ram(30), 0), 0);
	CHECK_EQ(verify_images(4), -EKEYREJECTED);

	fill_page(ram(40), 6);
	sign_image(0, PAGE, sim_page_bytes(ram(40)), false, sig);
	sim_page_bytes(ram(40))[PAGE - 1] ^= 1;
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 5);
	CHECK_EQ(bootops_set_boot_info(5, 0, PAGE, sig), 0);
	CHECK_EQ(bootops_remap_vm_image(5, ram(40), 0), 0);
	CHECK_EQ(verify_images(5), -EKEYREJECTED);

	CHECK_EQ(bootops_get_vm_state(2), BOOTOPS_VM_REJECTED);
	CHECK_EQ(bootops_get_vm_state(3), BOOTOPS_VM_REJECTED);
	CHECK_EQ(bootops_get_vm_state(4), BOOTOPS_VM_REJECTED);
	CHECK_EQ(bootops_get_vm_state(5), BOOTOPS_VM_REJECTED);
	CHECK_EQ(sim_check_invariants(), 0);
}

/* 7. Host reads or writes an image page after verification: refused, hyp stays up. */
TEST(hostile_07_host_access_after_verification)
{
	u64 vmid, va;
	u8 b = 0xee;

	sim_reset();
	vmid = verified_vm(0x80000, 2 * PAGE, ram(0));
	va = sim_search_load_info(vmid, 0x80000);
	CHECK_EQ(sim_host_write(ram(0), 0, &b, 1), -EFAULT);
	CHECK_EQ(sim_host_read(ram(1), 0, &b, 1), -EFAULT);
	CHECK_EQ(*(u8 *)(unsigned long)va, (u8)(1 * 131));
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
}

/* 8. map_io of RAM, of hyp's MMIO, over an image page, after verification. */
TEST(hostile_08_map_io)
{
	u64 vmid;

	sim_reset();
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 1);
	CHECK_EQ(declare_image(1, 0x40000000, PAGE, ram(0), 1), 0);
	CHECK_REFUSED(bootops_map_io(1, 0x9000000, ram(3) * PAGE), -EPERM);
	CHECK_REFUSED(bootops_map_io(1, 0x9000000, SIM_MMIO_PFN * PAGE), -EPERM);
	CHECK_REFUSED(bootops_map_io(1, 0x9000000, (SIM_MMIO_PFN + 1) * PAGE), -EPERM);
	CHECK_REFUSED(bootops_map_io(1, 0x40000000, (SIM_MMIO_PFN + 9) * PAGE), -EEXIST);
	vmid = verified_vm(0, PAGE, ram(5));
	CHECK_REFUSED(bootops_map_io(vmid, 0x9000000, (SIM_MMIO_PFN + 9) * PAGE), -EPERM);
}

/* 9. SMMU: bank to vmid >= MAX or to hyp; DMA to hyp/device/others' pages; stale mappings. */
TEST(hostile_09_smmu)
{
	sim_reset();
	CHECK_REFUSED(bootops_alloc_smmu(BOOTOPS_MAX_VMS + 1, 0, 0), -EINVAL);
	CHECK_REFUSED(bootops_alloc_smmu(BOOTOPS_SMMU_NO_OWNER, 0, 0), -EINVAL);
	CHECK_REFUSED(bootops_alloc_smmu(0xfffffffe, 0, 0), -EINVAL);	/* hyp's id in the sim */
	CHECK_EQ(bootops_alloc_smmu(0, 0, 0), 0);
	CHECK_REFUSED(bootops_map_smmu(0, 0, 0, 0, SIM_HYP_PFN * PAGE), -EPERM);
	CHECK_REFUSED(bootops_map_smmu(0, 0, 0, 0, (SIM_MMIO_PFN + 9) * PAGE), -EPERM);
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 1);
	CHECK_EQ(bootops_assign_smmu(1, ram(0), 0), 0);
	CHECK_REFUSED(bootops_map_smmu(0, 0, 0, 0, ram(0) * PAGE), -EPERM);
	CHECK_EQ(bootops_map_smmu(0, 0, 0, 0, ram(1) * PAGE), 0);
	CHECK_EQ(bootops_alloc_smmu(1, 0, 0), 0);
	CHECK_EQ(bootops_pgt_lookup(&bootops_state.smmu[0][0].pgt, 0), 0);
	CHECK_EQ(sim_page(ram(1)).dma_pins, 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

/* 10. 1,000 create/destroy cycles leak no vmid, page, remap run or table. */
TEST(hostile_10_create_destroy_cycles)
{
	u64 i;

	sim_reset();
	for (i = 0; i < 1000; i++) {
		int vmid = bootops_register_kvm(i, sim_vm_memory());

		CHECK_EQ(vmid, 1);
		CHECK_EQ(bootops_register_vcpu(vmid, i % BOOTOPS_MAX_VCPUS, 0), 0);
		CHECK_EQ(load_image_pages(vmid, 0, PAGE, ram(i % 64), i), 0);
		CHECK_EQ(bootops_alloc_smmu(vmid, i % BOOTOPS_SMMU_NUM_CB, 0), 0);
		CHECK_EQ(bootops_assign_smmu(vmid, ram(100 + i % 64), 0x1000 + i), 0);
		CHECK_EQ(bootops_map_io(vmid, 0x9000000, (SIM_MMIO_PFN + 9) * PAGE), 0);
		if (i % 2)
			CHECK_EQ(verify_images(vmid), 0);
		CHECK_EQ(teardown_vm(vmid), 0);
	}
	CHECK_EQ(sim_tables_used(), 0);
	CHECK_EQ(sim_remap_count(), 0);
	for (i = 0; i < SIM_RAM_PAGES; i++)
		CHECK(sim_page(ram(i)).owner == SIM_OWNER_HOST && !sim_page(ram(i)).claimed);
	CHECK_EQ(sim_check_invariants(), 0);
}
