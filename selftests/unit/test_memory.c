// SPDX-License-Identifier: GPL-2.0-only
/* Ordinary memory of a VM on hyp's stage 2: share, unshare, host faults. */
#include "util.h"

#define IMG_IPA		0x80000000ULL
#define RAM_IPA		0x80100000ULL

/* A verified VM whose one-page image is ram(0) at IMG_IPA. */
static u64 vm_with_image(void)
{
	sim_reset();
	return verified_vm(IMG_IPA, PAGE, ram(0));
}

TEST(share_maps_host_page_and_unshare_gives_it_back)
{
	u64 vmid = vm_with_image();
	u8 byte = 0x5a, back = 0;

	CHECK(bootops_vm_uses_hyp_s2(vmid));
	CHECK_EQ(bootops_share_guest_page(vmid, RAM_IPA, ram(10)), 0);
	CHECK_EQ(sim_s2_lookup(vmid, RAM_IPA), ram(10));
	CHECK(sim_s2_is_shared(vmid, RAM_IPA));
	CHECK_EQ(sim_page(ram(10)).shared_with, vmid);
	/* Shared, not given: the host still reads and writes it. */
	CHECK_EQ(sim_host_write(ram(10), 0, &byte, 1), 0);
	CHECK_EQ(sim_host_read(ram(10), 0, &back, 1), 0);
	CHECK_EQ(back, byte);
	CHECK_EQ(sim_check_invariants(), 0);

	CHECK_EQ(bootops_unshare_guest_page(vmid, RAM_IPA), 0);
	CHECK_EQ(sim_s2_lookup(vmid, RAM_IPA), BOOTOPS_INVALID64);
	CHECK_EQ(sim_page(ram(10)).shared_with, 0);
	CHECK(bootops_plat_page_owned_by(ram(10), BOOTOPS_HOST_VMID));
	CHECK_EQ(sim_page_bytes(ram(10))[0], byte);
	CHECK_REFUSED(bootops_unshare_guest_page(vmid, RAM_IPA), -ENOENT);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(share_refuses_bad_ids_and_states)
{
	u64 vmid = vm_with_image();
	int plain;

	CHECK_REFUSED(bootops_share_guest_page(0, RAM_IPA, ram(10)), -EINVAL);
	CHECK_REFUSED(bootops_share_guest_page(BOOTOPS_MAX_VMS + 1, RAM_IPA, ram(10)), -EINVAL);
	CHECK_REFUSED(bootops_share_guest_page((1ULL << 32) + vmid, RAM_IPA, ram(10)), -EINVAL);
	CHECK_REFUSED(bootops_share_guest_page(vmid + 1, RAM_IPA, ram(10)), -ENOENT);
	CHECK_REFUSED(bootops_unshare_guest_page(vmid + 1, RAM_IPA), -ENOENT);

	/* READY: images not checked yet, so nothing runs on hyp's stage 2. */
	plain = bootops_register_kvm(0x3000, sim_vm_memory());
	CHECK(plain > 0);
	CHECK_EQ(load_image_pages(plain, IMG_IPA, PAGE, ram(1), 2), 0);
	CHECK_REFUSED(bootops_share_guest_page(plain, RAM_IPA, ram(10)), -EPERM);
	/* VERIFIED without images: the host's stage 2, as for any plain VM. */
	CHECK_EQ(teardown_vm(plain), 0);
	plain = bootops_register_kvm(0x3000, sim_vm_memory());
	CHECK_EQ(verify_images(plain), 0);
	CHECK(!bootops_vm_uses_hyp_s2(plain));
	CHECK_REFUSED(bootops_share_guest_page(plain, RAM_IPA, ram(10)), -EPERM);
	CHECK_REFUSED(bootops_unshare_guest_page(plain, RAM_IPA), -EPERM);
}

TEST(share_refuses_bad_addresses)
{
	u64 vmid = vm_with_image();

	CHECK_REFUSED(bootops_share_guest_page(vmid, RAM_IPA + 1, ram(10)), -EINVAL);
	CHECK_REFUSED(bootops_share_guest_page(vmid, 1ULL << SIM_IPA_BITS, ram(10)), -EINVAL);
	CHECK_REFUSED(bootops_share_guest_page(vmid, U64_MAX_ & ~(PAGE - 1), ram(10)), -EINVAL);
	/* Not over the image, neither at its address nor with its page. */
	CHECK_REFUSED(bootops_share_guest_page(vmid, IMG_IPA, ram(10)), -EPERM);
	CHECK_REFUSED(bootops_unshare_guest_page(vmid, IMG_IPA), -EPERM);
	CHECK_EQ(sim_s2_lookup(vmid, IMG_IPA), ram(0));
}

TEST(share_refuses_pages_the_host_does_not_own)
{
	u64 vmid = vm_with_image(), other;

	/* No page, a device page, a hyp page. */
	CHECK_REFUSED(bootops_share_guest_page(vmid, RAM_IPA, 0x1), -EINVAL);
	CHECK_REFUSED(bootops_share_guest_page(vmid, RAM_IPA, SIM_MMIO_PFN + 4), -EPERM);
	CHECK_REFUSED(bootops_share_guest_page(vmid, RAM_IPA, SIM_HYP_PFN), -EPERM);
	/* This VM's own image page, and another VM's. */
	CHECK_REFUSED(bootops_share_guest_page(vmid, RAM_IPA, ram(0)), -EPERM);
	other = bootops_register_kvm(0x3000, sim_vm_memory());
	CHECK_EQ(load_image_pages(other, IMG_IPA, PAGE, ram(1), 2), 0);
	CHECK_REFUSED(bootops_share_guest_page(vmid, RAM_IPA, ram(1)), -EPERM);	/* claimed */
	CHECK_EQ(verify_images(other), 0);
	CHECK_REFUSED(bootops_share_guest_page(vmid, RAM_IPA, ram(1)), -EPERM);	/* other VM's */
	/* A page already shared, with this VM or another. */
	CHECK_EQ(bootops_share_guest_page(other, RAM_IPA, ram(10)), 0);
	CHECK_REFUSED(bootops_share_guest_page(vmid, RAM_IPA, ram(10)), -EPERM);
	CHECK_REFUSED(bootops_share_guest_page(other, RAM_IPA + PAGE, ram(10)), -EPERM);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(share_refuses_remap_of_any_mapped_address)
{
	u64 vmid = vm_with_image();

	CHECK_EQ(bootops_share_guest_page(vmid, RAM_IPA, ram(10)), 0);
	CHECK_REFUSED(bootops_share_guest_page(vmid, RAM_IPA, ram(11)), -EEXIST);
	CHECK_EQ(sim_s2_lookup(vmid, RAM_IPA), ram(10));
}

TEST(unshare_refuses_what_the_host_did_not_share)
{
	u64 vmid;
	int ret;

	/* MMIO and an SMMU-assigned page, set up before verification. */
	sim_reset();
	vmid = bootops_register_kvm(0x1000, sim_vm_memory());
	CHECK_EQ(bootops_register_vcpu(vmid, 0, 0x2000), 0);
	CHECK_EQ(load_image_pages(vmid, IMG_IPA, PAGE, ram(0), 1), 0);
	CHECK_EQ(bootops_map_io(vmid, 0x9000000, (SIM_MMIO_PFN + 4) << BOOTOPS_PAGE_SHIFT), 0);
	CHECK_EQ(bootops_assign_smmu(vmid, ram(5), RAM_IPA >> BOOTOPS_PAGE_SHIFT), 0);
	ret = verify_images(vmid);
	CHECK_EQ(ret, 0);
	CHECK_REFUSED(bootops_unshare_guest_page(vmid, 0x9000000), -EPERM);
	CHECK_REFUSED(bootops_unshare_guest_page(vmid, RAM_IPA), -EPERM);
	CHECK_REFUSED(bootops_share_guest_page(vmid, RAM_IPA, ram(10)), -EEXIST);
	CHECK_REFUSED(bootops_unshare_guest_page(vmid, RAM_IPA + PAGE), -ENOENT);
}

TEST(share_without_table_memory_changes_nothing)
{
	u64 vmid = vm_with_image();

	sim_fail_tables_after(0);
	CHECK_REFUSED(bootops_share_guest_page(vmid, 0x7000000000ULL, ram(10)), -ENOMEM);
	sim_fail_tables_after(-1);
	CHECK_EQ(bootops_share_guest_page(vmid, 0x7000000000ULL, ram(10)), 0);
}

TEST(teardown_unshares_and_keeps_host_data)
{
	u64 vmid = vm_with_image(), k;

	for (k = 0; k < 3; k++) {
		fill_page(ram(10 + k), 7);
		CHECK_EQ(bootops_share_guest_page(vmid, RAM_IPA + k * PAGE, ram(10 + k)), 0);
	}
	CHECK_EQ(teardown_vm(vmid), 0);
	for (k = 0; k < 3; k++) {
		CHECK(bootops_plat_page_owned_by(ram(10 + k), BOOTOPS_HOST_VMID));
		CHECK_EQ(sim_page(ram(10 + k)).shared_with, 0);
	}
	/* The host's own data stays; the VM-owned image page is scrubbed. */
	CHECK(sim_page_bytes(ram(10))[1] != 0 || sim_page_bytes(ram(10))[2] != 0);
	CHECK_EQ(sim_page_bytes(ram(0))[0], 0);
	CHECK_EQ(sim_s2_count(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(vm_stats_count_host_faults_and_tables)
{
	u64 vmid = vm_with_image(), count = 99, tables = 0;
	u8 byte;

	CHECK_EQ(bootops_get_vm_stats(vmid, &count, &tables), 0);
	CHECK_EQ(count, 0);
	CHECK_EQ(tables, sim_tables_used());
	CHECK(tables >= 4);	/* the image's stage-2 path */
	CHECK_EQ(bootops_share_guest_page(vmid, RAM_IPA, ram(10)), 0);
	CHECK_EQ(sim_host_read(ram(10), 0, &byte, 1), 0);
	CHECK_EQ(sim_host_read(ram(0), 0, &byte, 1), -EFAULT);
	CHECK_EQ(sim_host_write(ram(0), 0, &byte, 1), -EFAULT);
	CHECK_EQ(bootops_get_vm_stats(vmid, &count, &tables), 0);
	CHECK_EQ(count, 2);
	CHECK_REFUSED(bootops_get_vm_stats(0, &count, &tables), -EINVAL);
	CHECK_REFUSED(bootops_get_vm_stats(vmid + 1, &count, &tables), -ENOENT);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(bootops_get_vm_stats(vmid, &count, &tables), -ENOENT);
	vmid = bootops_register_kvm(0x1000, sim_vm_memory());
	CHECK_EQ(bootops_get_vm_stats(vmid, &count, &tables), 0);
	CHECK_EQ(count, 0);
}

TEST(donate_gives_the_page_to_the_vm_until_teardown)
{
	u64 vmid = vm_with_image(), count = 0, tables = 0;
	u8 byte = 1;

	fill_page(ram(10), 3);
	CHECK_EQ(bootops_donate_guest_page(vmid, RAM_IPA, ram(10)), 0);
	CHECK_EQ(sim_s2_lookup(vmid, RAM_IPA), ram(10));
	CHECK(!sim_s2_is_shared(vmid, RAM_IPA));
	CHECK(bootops_plat_page_owned_by(ram(10), vmid));
	/* Private: the host can neither read it nor take it back. */
	CHECK_EQ(sim_host_read(ram(10), 0, &byte, 1), -EFAULT);
	CHECK_EQ(bootops_get_vm_stats(vmid, &count, &tables), 0);
	CHECK_EQ(count, 1);
	CHECK_REFUSED(bootops_unshare_guest_page(vmid, RAM_IPA), -EPERM);
	CHECK_REFUSED(bootops_share_guest_page(vmid, RAM_IPA + PAGE, ram(10)), -EPERM);
	CHECK_REFUSED(bootops_donate_guest_page(vmid, RAM_IPA + PAGE, ram(10)), -EPERM);
	CHECK_EQ(sim_check_invariants(), 0);
	/* Teardown scrubs it before the host has it again. */
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK(bootops_plat_page_owned_by(ram(10), BOOTOPS_HOST_VMID));
	CHECK_EQ(sim_host_read(ram(10), 0, &byte, 1), 0);
	CHECK_EQ(byte, 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(donate_refusals_change_nothing)
{
	u64 vmid = vm_with_image();

	CHECK_REFUSED(bootops_donate_guest_page(0, RAM_IPA, ram(10)), -EINVAL);
	CHECK_REFUSED(bootops_donate_guest_page(vmid + 1, RAM_IPA, ram(10)), -ENOENT);
	CHECK_REFUSED(bootops_donate_guest_page(vmid, RAM_IPA + 8, ram(10)), -EINVAL);
	CHECK_REFUSED(bootops_donate_guest_page(vmid, IMG_IPA, ram(10)), -EPERM);
	CHECK_REFUSED(bootops_donate_guest_page(vmid, RAM_IPA, SIM_MMIO_PFN + 4), -EINVAL);
	CHECK_REFUSED(bootops_donate_guest_page(vmid, RAM_IPA, SIM_HYP_PFN), -EPERM);
	CHECK_REFUSED(bootops_donate_guest_page(vmid, RAM_IPA, ram(0)), -EPERM);
	CHECK_EQ(bootops_share_guest_page(vmid, RAM_IPA, ram(10)), 0);
	CHECK_REFUSED(bootops_donate_guest_page(vmid, RAM_IPA, ram(11)), -EEXIST);
	CHECK_REFUSED(bootops_donate_guest_page(vmid, RAM_IPA + PAGE, ram(10)), -EPERM);
	sim_fail_tables_after(0);
	CHECK_REFUSED(bootops_donate_guest_page(vmid, 0x7000000000ULL, ram(11)), -ENOMEM);
	sim_fail_tables_after(-1);
}
