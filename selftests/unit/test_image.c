// SPDX-License-Identifier: GPL-2.0-only
/* Boot images: declare, remap, verify and load, look up, tear down. */
#include "util.h"

static const u8 zero_sig[BOOTOPS_SIG_SIZE];

TEST(set_boot_info_records_slot)
{
	u8 sig[BOOTOPS_SIG_SIZE];

	sim_reset();
	memset(sig, 0xab, sizeof(sig));
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_set_boot_info(1, 0x40000000, 5000, sig), 0);
	CHECK_EQ(bootops_set_boot_info(1, 0x40002000, PAGE, sig), 1);
	CHECK_EQ(bootops_get_vm_load_addr(1, 0), 0x40000000);
	CHECK_EQ(bootops_get_vm_load_size(1, 0), 5000);
	CHECK_EQ(bootops_get_vm_mapped_pages(1, 0), 0);
	CHECK_EQ(bootops_get_vm_next_load_idx(1), 2);
	CHECK(!memcmp(bootops_load(1, 0)->sig, sig, sizeof(sig)));
	/* Two pages for 5000 bytes, and the runs do not share a slot. */
	CHECK(bootops_get_vm_remap_addr(1, 1) >= bootops_get_vm_remap_addr(1, 0) + 2 ||
	      bootops_get_vm_remap_addr(1, 0) >= bootops_get_vm_remap_addr(1, 1) + 1);
}

TEST(set_boot_info_bad_ranges_refused)
{
	u64 ipa_limit = 1ULL << SIM_IPA_BITS;

	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_REFUSED(bootops_set_boot_info(1, 0, 0, zero_sig), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(1, 0, U64_MAX_, zero_sig), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(1, 0, U64_MAX_ - PAGE + 1, zero_sig), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(1, 0, BOOTOPS_MAX_IMAGE_SIZE + 1, zero_sig), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(1, 0x1001, PAGE, zero_sig), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(1, ipa_limit, PAGE, zero_sig), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(1, ipa_limit - PAGE, PAGE + 1, zero_sig), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(1, U64_MAX_ - PAGE + 1, 2 * PAGE, zero_sig), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(1, U64_MAX_ & BOOTOPS_PAGE_MASK, PAGE, zero_sig),
		      -EINVAL);
	/* The last page below the IPA limit, and the largest image, are fine. */
	CHECK_EQ(bootops_set_boot_info(1, ipa_limit - PAGE, PAGE, zero_sig), 0);
	CHECK_EQ(bootops_set_boot_info(1, 0, BOOTOPS_MAX_IMAGE_SIZE, zero_sig), 1);
}

TEST(set_boot_info_overlap_refused)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_set_boot_info(1, 0x10000, 3 * PAGE, zero_sig), 0);
	CHECK_REFUSED(bootops_set_boot_info(1, 0x10000, PAGE, zero_sig), -EEXIST);
	CHECK_REFUSED(bootops_set_boot_info(1, 0x12000, PAGE, zero_sig), -EEXIST);
	CHECK_REFUSED(bootops_set_boot_info(1, 0xf000, 2 * PAGE, zero_sig), -EEXIST);
	/* A partial last page still covers its whole page. */
	CHECK_EQ(bootops_set_boot_info(1, 0x20000, 100, zero_sig), 1);
	CHECK_REFUSED(bootops_set_boot_info(1, 0x20000 + PAGE - 4096, 1, zero_sig), -EEXIST);
	CHECK_EQ(bootops_set_boot_info(1, 0x13000, PAGE, zero_sig), 2);
	CHECK_EQ(bootops_set_boot_info(1, 0xf000, PAGE, zero_sig), 3);
}

TEST(set_boot_info_table_full)
{
	u64 i;

	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	for (i = 0; i < BOOTOPS_MAX_LOAD_INFO; i++)
		CHECK_EQ(bootops_set_boot_info(1, i * 0x100000, PAGE, zero_sig), i);
	CHECK_REFUSED(bootops_set_boot_info(1, 0x10000000, PAGE, zero_sig), -ENOSPC);
}

TEST(set_boot_info_state_checks)
{
	u64 vmid;

	sim_reset();
	CHECK_REFUSED(bootops_set_boot_info(1, 0, PAGE, zero_sig), -ENOENT);
	CHECK_REFUSED(bootops_set_boot_info(0, 0, PAGE, zero_sig), -EINVAL);
	CHECK_REFUSED(bootops_set_boot_info(BOOTOPS_MAX_VMS + 1, 0, PAGE, zero_sig), -EINVAL);
	vmid = verified_vm(0, PAGE, ram(0));
	CHECK_REFUSED(bootops_set_boot_info(vmid, 0x100000, PAGE, zero_sig), -EPERM);
}

TEST(set_boot_info_remap_area_exhausted)
{
	u64 vmid, n = 0;
	int ret = 0;

	sim_reset();
	/* 256 MiB images fill the remap area; the next one gets -ENOMEM. */
	for (vmid = 1; vmid <= 8 && ret >= 0; vmid++) {
		CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), vmid);
		ret = bootops_set_boot_info(vmid, 0, BOOTOPS_MAX_IMAGE_SIZE, zero_sig);
		n += ret >= 0;
	}
	CHECK_EQ(n, BOOTOPS_REMAP_PAGES * PAGE / BOOTOPS_MAX_IMAGE_SIZE);
	CHECK_EQ(ret, -ENOMEM);
	CHECK_REFUSED(bootops_set_boot_info(1, 1ULL << 32, BOOTOPS_MAX_IMAGE_SIZE, zero_sig),
		      -ENOMEM);
	/* Teardown returns the run. */
	CHECK_EQ(teardown_vm(1), 0);
	CHECK_EQ(bootops_set_boot_info(vmid - 1, 1ULL << 32, BOOTOPS_MAX_IMAGE_SIZE, zero_sig), 0);
}

TEST(remap_counts_and_claims_pages)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_set_boot_info(1, 0, 2 * PAGE, zero_sig), 0);
	CHECK_EQ(bootops_remap_vm_image(1, ram(4), 0), 0);
	CHECK_EQ(bootops_get_vm_mapped_pages(1, 0), 1);
	CHECK(sim_page(ram(4)).claimed);
	/* The host still owns it until verification starts. */
	CHECK_EQ(sim_host_write(ram(4), 0, "x", 1), 0);
	CHECK_EQ(bootops_plat_remap_pfn(bootops_get_vm_remap_addr(1, 0)), ram(4));
	CHECK_REFUSED(bootops_remap_vm_image(1, ram(4), 0), -EPERM);
	CHECK_EQ(bootops_remap_vm_image(1, ram(5), 0), 0);
	CHECK_REFUSED(bootops_remap_vm_image(1, ram(6), 0), -ENOSPC);
	CHECK_REFUSED(bootops_remap_vm_image(1, ram(6), 1), -ENOENT);
	CHECK_REFUSED(bootops_remap_vm_image(1, ram(6), BOOTOPS_MAX_LOAD_INFO), -EINVAL);
	CHECK_REFUSED(bootops_remap_vm_image(2, ram(6), 0), -ENOENT);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(remap_refuses_pages_host_does_not_own)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_set_boot_info(1, 0, 4 * PAGE, zero_sig), 0);
	CHECK_REFUSED(bootops_remap_vm_image(1, SIM_HYP_PFN, 0), -EPERM);
	CHECK_REFUSED(bootops_remap_vm_image(1, SIM_MMIO_PFN + 10, 0), -EPERM);
	CHECK_REFUSED(bootops_remap_vm_image(1, SIM_RAM_PFN + SIM_RAM_PAGES, 0), -EINVAL);
	CHECK_REFUSED(bootops_remap_vm_image(1, U64_MAX_, 0), -EINVAL);
	CHECK_REFUSED(bootops_remap_vm_image(1, 0, 0), -EINVAL);
}

TEST(remap_failure_releases_claim)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_set_boot_info(1, 0, PAGE, zero_sig), 0);
	sim_fail_remap_after(0);
	CHECK_REFUSED(bootops_remap_vm_image(1, ram(0), 0), -ENOMEM);
	sim_fail_remap_after(-1);
	CHECK_EQ(bootops_remap_vm_image(1, ram(0), 0), 0);
}

TEST(verify_loads_exact_pages_at_exact_addresses)
{
	u64 k;

	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(load_image_pages(1, 0x40000000, 3 * PAGE, ram(10), 7), 0);
	CHECK_EQ(load_image_pages(1, 0x48000000, PAGE, ram(20), 9), 0);
	CHECK_EQ(verify_images(1), 0);
	CHECK_EQ(bootops_get_vm_state(1), BOOTOPS_VM_VERIFIED);
	for (k = 0; k < 3; k++) {
		CHECK_EQ(sim_s2_lookup(1, 0x40000000 + k * PAGE), ram(10 + k));
		CHECK_EQ(sim_page(ram(10 + k)).owner, 1);
		CHECK(!sim_page(ram(10 + k)).claimed);
	}
	CHECK_EQ(sim_s2_lookup(1, 0x48000000), ram(20));
	CHECK_EQ(sim_s2_count(1), 4);
	CHECK_EQ(sim_check_invariants(), 0);
}

/* Before the platform has a stage 2 for the VM, verification moves nothing. */
TEST(verify_waits_for_the_vms_stage2)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(load_image_pages(1, 0x40000000, PAGE, ram(10), 7), 0);
	sim_set_s2_missing(1, true);
	CHECK_REFUSED(verify_images(1), -ENOENT);
	CHECK_EQ(bootops_get_vm_state(1), BOOTOPS_VM_READY);
	sim_set_s2_missing(1, false);
	CHECK_EQ(verify_images(1), 0);
	CHECK_EQ(sim_s2_lookup(1, 0x40000000), ram(10));
}

TEST(verify_refuses_incomplete_images)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(declare_image(1, 0, 2 * PAGE, ram(0), 1), 0);
	CHECK_EQ(bootops_remap_vm_image(1, ram(0), 0), 0);
	CHECK_REFUSED(verify_images(1), -EPERM);
	CHECK_EQ(bootops_remap_vm_image(1, ram(1), 0), 0);
	CHECK_EQ(verify_images(1), 0);
}

/* A rejected VM: every page the VM's, REJECTED, never runs, teardown scrubs. */
static void check_rejected(u64 vmid, u64 first_pfn, u64 npages)
{
	u64 k;

	CHECK_EQ(bootops_get_vm_state(vmid), BOOTOPS_VM_REJECTED);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), -EPERM);
	CHECK_EQ(verify_images(vmid), -EPERM);
	CHECK_EQ(bootops_register_vcpu(vmid, 1, 0), -EPERM);
	for (k = 0; k < npages; k++)
		CHECK_EQ(sim_host_write(first_pfn + k, 0, "x", 1), -EFAULT);
	CHECK_EQ(sim_check_invariants(), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
	for (k = 0; k < npages; k++) {
		CHECK_EQ(sim_page(first_pfn + k).owner, SIM_OWNER_HOST);
		CHECK_EQ(sim_page_bytes(first_pfn + k)[0], 0);
	}
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(verify_rejects_flipped_bit)
{
	u8 b;

	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_register_vcpu(1, 0, 0), 0);
	CHECK_EQ(load_image_pages(1, 0, 2 * PAGE, ram(0), 1), 0);
	/* The host changes one bit after declaring, before verification. */
	CHECK_EQ(sim_host_read(ram(1), 100, &b, 1), 0);
	b ^= 0x10;
	CHECK_EQ(sim_host_write(ram(1), 100, &b, 1), 0);
	CHECK_EQ(verify_images(1), -EKEYREJECTED);
	check_rejected(1, ram(0), 2);
}

static int declare_with_sig(u64 vmid, u64 load_addr, u64 size, u64 pfn,
			    u64 sign_addr, u64 sign_size, bool wrong_key)
{
	u8 sig[BOOTOPS_SIG_SIZE];
	int idx;
	u64 k;

	for (k = 0; k < bootops_image_pages(size); k++)
		fill_page(pfn + k, 40 + k);
	sign_image(sign_addr, sign_size, sim_page_bytes(pfn), wrong_key, sig);
	idx = bootops_set_boot_info(vmid, load_addr, size, sig);
	for (k = 0; idx >= 0 && k < bootops_image_pages(size); k++)
		CHECK_EQ(bootops_remap_vm_image(vmid, pfn + k, idx), 0);
	return idx;
}

TEST(verify_rejects_wrong_key)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(declare_with_sig(1, 0, PAGE, ram(0), 0, PAGE, true), 0);
	CHECK_EQ(verify_images(1), -EKEYREJECTED);
	check_rejected(1, ram(0), 1);
}

TEST(verify_rejects_other_address_than_signed)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(declare_with_sig(1, 0x2000, PAGE, ram(0), 0x1000, PAGE, false), 0);
	CHECK_EQ(verify_images(1), -EKEYREJECTED);
	check_rejected(1, ram(0), 1);
}

TEST(verify_rejects_other_size_than_signed)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	/* Signed as 2 pages, declared as 1.5: same first bytes, other length. */
	CHECK_EQ(declare_with_sig(1, 0, 6000, ram(0), 0, 2 * PAGE, false), 0);
	CHECK_EQ(verify_images(1), -EKEYREJECTED);
	check_rejected(1, ram(0), 2);
}

TEST(verify_rejects_when_any_of_several_images_is_bad)
{
	u8 sig[BOOTOPS_SIG_SIZE];

	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(load_image_pages(1, 0, PAGE, ram(0), 1), 0);
	memset(sig, 0x11, sizeof(sig));
	fill_page(ram(1), 3);
	CHECK_EQ(bootops_set_boot_info(1, 0x10000, PAGE, sig), 1);
	CHECK_EQ(bootops_remap_vm_image(1, ram(1), 1), 0);
	CHECK_EQ(verify_images(1), -EKEYREJECTED);
	CHECK_EQ(sim_page(ram(0)).owner, 1);
	CHECK_EQ(sim_page(ram(1)).owner, 1);
	check_rejected(1, ram(0), 2);
}

TEST(verify_zeroes_unsigned_tail)
{
	u64 vmid;

	sim_reset();
	vmid = verified_vm(0, 100, ram(0));
	CHECK_EQ(sim_page_bytes(ram(0))[99], (u8)(1 * 131 + 99 * 7));
	CHECK_EQ(sim_page_bytes(ram(0))[100], 0);
	CHECK_EQ(sim_page_bytes(ram(0))[PAGE - 1], 0);
	CHECK_EQ(bootops_get_vm_state(vmid), BOOTOPS_VM_VERIFIED);
}

TEST(host_loses_image_pages_at_verification)
{
	u8 b;
	u64 vmid;

	sim_reset();
	vmid = verified_vm(0, 2 * PAGE, ram(0));
	CHECK_EQ(sim_host_write(ram(0), 0, "x", 1), -EFAULT);
	CHECK_EQ(sim_host_read(ram(1), 0, &b, 1), -EFAULT);
	/* Nor can it hand the pages to anyone else. */
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), vmid + 1);
	CHECK_EQ(bootops_set_boot_info(vmid + 1, 0, PAGE, zero_sig), 0);
	CHECK_REFUSED(bootops_remap_vm_image(vmid + 1, ram(0), 0), -EPERM);
	CHECK_REFUSED(bootops_assign_smmu(vmid + 1, ram(1), 0x100), -EPERM);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_host_read(ram(1), 0, &b, 1), 0);
	CHECK_EQ(b, 0);
}

TEST(verify_enomem_is_final_and_recoverable_by_teardown)
{
	u64 k;

	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_register_vcpu(1, 0, 0), 0);
	CHECK_EQ(load_image_pages(1, 0, 2 * PAGE, ram(0), 1), 0);
	CHECK_EQ(load_image_pages(1, 1ULL << 35, PAGE, ram(2), 2), 0);
	/* Root + L1 + L2 + L3 for the first image, none left for the second. */
	sim_fail_tables_after(4);
	CHECK_EQ(verify_images(1), -ENOMEM);
	sim_fail_tables_after(-1);
	CHECK_EQ(bootops_get_vm_state(1), BOOTOPS_VM_REJECTED);
	CHECK_EQ(sim_check_invariants(), 0);
	CHECK_EQ(bootops_set_vcpu_active(1, 0), -EPERM);
	CHECK_EQ(teardown_vm(1), 0);
	for (k = 0; k < 3; k++)
		CHECK_EQ(sim_page(ram(k)).owner, SIM_OWNER_HOST);
	CHECK(!sim_page(ram(2)).claimed);
	CHECK_EQ(sim_remap_count(), 0);
	CHECK_EQ(sim_tables_used(), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(search_load_info_translates_inside_images_only)
{
	u64 vmid, va;

	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	vmid = 1;
	CHECK_EQ(load_image_pages(vmid, 0x40000000, 5000, ram(3), 4), 0);
	CHECK_EQ(sim_search_load_info(vmid, 0x40000000), 0);	/* not loaded yet */
	CHECK_EQ(verify_images(vmid), 0);
	va = sim_search_load_info(vmid, 0x40000000 + 4100);
	CHECK(va != 0);
	CHECK_EQ(*(u8 *)(unsigned long)va, sim_page_bytes(ram(4))[4]);
	CHECK_EQ(sim_search_load_info(vmid, 0x40000000 + 4999) - va, 899);
	CHECK_EQ(sim_search_load_info(vmid, 0x40000000 + 5000), 0);
	CHECK_EQ(sim_search_load_info(vmid, 0x40000000 - 1), 0);
	CHECK_EQ(sim_search_load_info(vmid, U64_MAX_), 0);
	CHECK_EQ(sim_search_load_info(0, 0x40000000), 0);
	CHECK_EQ(sim_search_load_info(BOOTOPS_MAX_VMS + 1, 0x40000000), 0);
	CHECK_EQ(sim_search_load_info(vmid + 1, 0x40000000), 0);
}

TEST(teardown_before_verification_returns_pages_unscrubbed)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(load_image_pages(1, 0, 2 * PAGE, ram(0), 5), 0);
	CHECK_EQ(declare_image(1, 0x100000, PAGE, ram(2), 6), 1);	/* 0 of 1 remapped */
	CHECK_EQ(teardown_vm(1), 0);
	CHECK(!sim_page(ram(0)).claimed);
	CHECK_EQ(sim_page_bytes(ram(0))[1], (u8)(5 * 131 + 7));	/* still the host's data */
	CHECK_EQ(sim_remap_count(), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(thousand_create_load_run_destroy_cycles_leak_nothing)
{
	u64 i, tables;

	sim_reset();
	tables = sim_tables_used();
	for (i = 0; i < 1000; i++) {
		u64 vmid = verified_vm(0x40000000 + (i % 7) * PAGE, 2 * PAGE + i % 3, ram(i % 100));

		CHECK_EQ(vmid, 1);
		CHECK_EQ(bootops_map_io(vmid, 0x9000000, 0x9000ULL * PAGE + 4 * PAGE), -EPERM);
		CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
		CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
		CHECK_EQ(teardown_vm(vmid), 0);
	}
	CHECK_EQ(sim_tables_used(), tables);
	CHECK_EQ(sim_remap_count(), 0);
	for (i = 0; i < SIM_RAM_PAGES; i++)
		CHECK(sim_page(ram(i)).owner == SIM_OWNER_HOST && !sim_page(ram(i)).claimed);
	for (i = 0; i < BOOTOPS_REMAP_WORDS; i++)
		CHECK_EQ(bootops_state.remap_used[i], 0);
	CHECK_EQ(sim_check_invariants(), 0);
}
