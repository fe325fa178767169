// SPDX-License-Identifier: GPL-2.0-only
/*
 * Verification and teardown in slices (host builds: BOOTOPS_SLICE_UNITS=4),
 * batched lending, and the incremental SHA-256 they hash with.
 */
#include <mbedtls/sha256.h>

#include "util.h"

#define SLICE	BOOTOPS_SLICE_UNITS
#define LA	0x40000000ULL

static const u8 sig0[BOOTOPS_SIG_SIZE];

/* Calls a signed n-page image takes: n loads and n hashes in slices, one check. */
static u64 calls_for(u64 npages)
{
	return (2 * npages + SLICE - 1) / SLICE + 1;
}

static u64 vm_with_image(u64 npages, u64 first_pfn)
{
	u64 vmid = bootops_register_kvm(0x1000, sim_vm_memory());

	CHECK_EQ(bootops_register_vcpu(vmid, 0, 0x2000), 0);
	CHECK_EQ(load_image_pages(vmid, LA, npages * PAGE - 100, first_pfn, 7), 0);
	return vmid;
}

TEST(sha256_incremental_matches_mbedtls)
{
	static u8 buf[3 * 4096 + 77];
	u8 want[32], got[32];
	struct bootops_sha256 ctx;
	u64 len, cut, i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 131 + (i >> 7));
	for (len = 0; len < sizeof(buf); len += len < 200 ? 1 : 509) {
		mbedtls_sha256_ret(buf, len, want, 0);
		bootops_sha256(buf, len, got);
		CHECK(!memcmp(want, got, 32));
		/* Split anywhere, in three updates, as verification does across calls. */
		for (cut = 0; cut <= len; cut += 1 + len / 7) {
			bootops_sha256_init(&ctx);
			bootops_sha256_update(&ctx, buf, cut / 2);
			bootops_sha256_update(&ctx, buf + cut / 2, cut - cut / 2);
			bootops_sha256_update(&ctx, buf + cut, len - cut);
			bootops_sha256_final(&ctx, got);
			CHECK(!memcmp(want, got, 32));
		}
	}
}

TEST(verification_takes_slices_and_keeps_its_progress)
{
	u64 npages = 9, vmid, calls;

	sim_reset();
	vmid = vm_with_image(npages, ram(0));
	CHECK_EQ(bootops_verify_and_load_images(vmid), BOOTOPS_CONTINUE);
	CHECK_EQ(bootops_get_vm_state(vmid), BOOTOPS_VM_VERIFYING);
	/* The first slice gave the first SLICE pages to the VM, no more. */
	CHECK(bootops_plat_page_owned_by(ram(SLICE - 1), vmid));
	CHECK(!bootops_plat_page_owned_by(ram(SLICE), vmid));
	CHECK_EQ(sim_search_load_info(vmid, LA), 0);
	CHECK_EQ(verify_images_calls(vmid, &calls), 0);
	CHECK_EQ(calls + 1, calls_for(npages));
	CHECK_EQ(bootops_get_vm_state(vmid), BOOTOPS_VM_VERIFIED);
	CHECK(sim_search_load_info(vmid, LA) != 0);
	CHECK_REFUSED(bootops_verify_and_load_images(vmid), -EPERM);
}

TEST(a_verifying_vm_cannot_run_or_change)
{
	u64 vmid;

	sim_reset();
	vmid = vm_with_image(6, ram(0));
	CHECK_EQ(bootops_verify_and_load_images(vmid), BOOTOPS_CONTINUE);
	CHECK_REFUSED(bootops_set_vcpu_active(vmid, 0), -EPERM);
	CHECK_REFUSED(bootops_register_vcpu(vmid, 1, 0), -EPERM);
	CHECK_REFUSED(bootops_set_boot_info(vmid, 2 * LA, PAGE, sig0), -EPERM);
	CHECK_REFUSED(bootops_remap_vm_image(vmid, ram(20), 0), -EPERM);
	CHECK_REFUSED(bootops_assign_smmu(vmid, ram(21), 0x10), -EPERM);
	CHECK_REFUSED(bootops_map_io(vmid, 0x1000, SIM_MMIO_PFN * PAGE + 8 * PAGE), -EPERM);
	/* A page not yet given to the VM is still only claimed: the host cannot lend it again. */
	CHECK_REFUSED(bootops_share_guest_page(vmid, 2 * LA, ram(5)), -EPERM);
	CHECK_EQ(verify_images(vmid), 0);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
}

TEST(a_tampered_image_is_refused_after_its_slices)
{
	u64 vmid, calls;

	sim_reset();
	vmid = vm_with_image(5, ram(0));
	fill_page(ram(3), 99);			/* the host writes a claimed page */
	CHECK_EQ(verify_images_calls(vmid, &calls), -EKEYREJECTED);
	CHECK_EQ(calls, calls_for(5));
	CHECK_EQ(bootops_get_vm_state(vmid), BOOTOPS_VM_REJECTED);
	CHECK_REFUSED(bootops_verify_and_load_images(vmid), -EPERM);
	CHECK_REFUSED(bootops_set_vcpu_active(vmid, 0), -EPERM);
}

/* Teardown in the middle of a verification returns every page, claimed or given. */
TEST(teardown_mid_verification_returns_every_page)
{
	u64 vmid, k, tables = sim_tables_used();

	sim_reset();
	tables = sim_tables_used();
	vmid = vm_with_image(10, ram(0));
	CHECK_EQ(bootops_verify_and_load_images(vmid), BOOTOPS_CONTINUE);
	CHECK_EQ(bootops_verify_and_load_images(vmid), BOOTOPS_CONTINUE);
	CHECK_EQ(bootops_teardown_vm(vmid), BOOTOPS_CONTINUE);
	CHECK_EQ(bootops_get_vm_state(vmid), BOOTOPS_VM_DYING);
	/* A dying VM takes nothing new and cannot be verified. */
	CHECK_REFUSED(bootops_verify_and_load_images(vmid), -EPERM);
	CHECK_REFUSED(bootops_register_vcpu(vmid, 1, 0), -EPERM);
	CHECK_REFUSED(bootops_set_vcpu_active(vmid, 0), -EPERM);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(bootops_get_vm_state(vmid), BOOTOPS_VM_UNUSED);
	for (k = 0; k < 10; k++) {
		CHECK(bootops_plat_page_owned_by(ram(k), BOOTOPS_HOST_VMID));
		CHECK_EQ(sim_page(ram(k)).claimed, 0);
	}
	/* The pages the VM had were scrubbed; the ones only lent were not. */
	CHECK_EQ(sim_page_bytes(ram(0))[1], 0);
	CHECK(sim_page_bytes(ram(9))[1] != 0);
	CHECK_EQ(sim_remap_count(), 0);
	CHECK_EQ(sim_tables_used(), tables);
	CHECK_EQ(bootops_register_kvm(0x1000, sim_vm_memory()), vmid);
}

TEST(teardown_of_a_large_vm_takes_slices)
{
	u64 vmid, calls = 0, npages = 11;
	int ret;

	sim_reset();
	vmid = vm_with_image(npages, ram(0));
	CHECK_EQ(verify_images(vmid), 0);
	do {
		ret = bootops_teardown_vm(vmid);
		calls++;
	} while (ret == BOOTOPS_CONTINUE);
	CHECK_EQ(ret, 0);
	CHECK_EQ(calls, (npages + SLICE - 1) / SLICE + (npages % SLICE == 0));
	CHECK_EQ(bootops_teardown_vm(vmid), -ENOENT);
}

/* Ordinary memory on hyp's stage 2 is returned in slices too. */
TEST(teardown_returns_guest_memory_in_slices)
{
	u64 vmid, k, calls = 0, n = 3 * SLICE + 1;
	int ret;

	sim_reset();
	vmid = verified_vm(LA, PAGE, ram(0));
	for (k = 0; k < n; k++)
		CHECK_EQ(bootops_share_guest_page(vmid, 2 * LA + k * PAGE, ram(10 + k)), 0);
	fill_page(ram(10 + n), 5);
	CHECK_EQ(bootops_donate_guest_page(vmid, 3 * LA, ram(10 + n)), 0);
	do {
		ret = bootops_teardown_vm(vmid);
		calls++;
		/* Every slice returns pages in address order: shared ones first. */
		if (ret == BOOTOPS_CONTINUE)
			CHECK(!bootops_plat_page_owned_by(ram(10 + n), BOOTOPS_HOST_VMID));
	} while (ret == BOOTOPS_CONTINUE);
	CHECK_EQ(ret, 0);
	/* 1 image page, n shared pages and the private one, SLICE a call. */
	CHECK_EQ(calls, (1 + n + 1 + SLICE - 1) / SLICE);
	for (k = 0; k <= n; k++)
		CHECK(bootops_plat_page_owned_by(ram(10 + k), BOOTOPS_HOST_VMID));
	CHECK_EQ(sim_page_bytes(ram(10 + n))[0], 0);
	CHECK_EQ(sim_tables_used(), 0);
}

TEST(batched_lending_is_all_or_nothing)
{
	u64 vmid = 0, pfns[BOOTOPS_LEND_BATCH + 1], bad, i, left;

	sim_reset();
	vmid = bootops_register_kvm(0x1000, sim_vm_memory());
	CHECK_EQ(declare_image(vmid, LA, 20 * PAGE, ram(0), 3), 0);
	for (i = 0; i <= BOOTOPS_LEND_BATCH; i++)
		pfns[i] = ram(i);
	CHECK_REFUSED(bootops_remap_vm_image_batch(vmid, 0, pfns, 0, &bad), -EINVAL);
	CHECK_REFUSED(bootops_remap_vm_image_batch(vmid, 0, pfns, BOOTOPS_LEND_BATCH + 1, &bad),
		      -EINVAL);
	/* A hyp page, a device page, a repeated page: nothing is lent, bad names it. */
	pfns[6] = SIM_HYP_PFN;
	CHECK_REFUSED(bootops_remap_vm_image_batch(vmid, 0, pfns, 10, &bad), -EPERM);
	CHECK_EQ(bad, 6);
	pfns[6] = SIM_MMIO_PFN;
	CHECK_REFUSED(bootops_remap_vm_image_batch(vmid, 0, pfns, 10, &bad), -EPERM);
	CHECK_EQ(bad, 6);
	pfns[6] = ram(2);
	CHECK_REFUSED(bootops_remap_vm_image_batch(vmid, 0, pfns, 10, &bad), -EPERM);
	CHECK_EQ(bad, 6);
	pfns[6] = ram(6);
	CHECK_EQ(bootops_remap_vm_image_batch(vmid, 0, pfns, BOOTOPS_LEND_BATCH, &bad), 0);
	CHECK_EQ(bootops_get_vm_mapped_pages(vmid, 0), BOOTOPS_LEND_BATCH);
	/* One more than the image has left: -ENOSPC, nothing lent. */
	left = 20 - BOOTOPS_LEND_BATCH;
	for (i = 0; i <= left; i++)
		pfns[i] = ram(BOOTOPS_LEND_BATCH + i);
	CHECK_REFUSED(bootops_remap_vm_image_batch(vmid, 0, pfns, left + 1, &bad), -ENOSPC);
	CHECK_EQ(bootops_remap_vm_image_batch(vmid, 0, pfns, left, &bad), 0);
	CHECK_EQ(verify_images(vmid), 0);
}
