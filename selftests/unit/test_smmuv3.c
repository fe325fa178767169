// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hyp's SMMUv3 driver (hyp/smmuv3.c) on the simulator's model of the SMMU:
 * what a device reaches through it, and when.
 */
#include <bootops/smmuv3.h>

#include "util.h"

#define HOST_SID	SIM_HOST_SID
#define RW		BOOTOPS_SMMU_ATTRS_RW
/* Normal memory, S2AP read-only. */
#define RO		((0xfULL << 2) | (0x1ULL << 6) | (0x3ULL << 8))

static bool reaches(u32 sid, u64 iova, u64 want_pfn)
{
	u64 pa = 0;

	return !sim_smmu_dma(sid, iova, true, &pa) && pa == want_pfn * PAGE + iova % PAGE;
}

static bool faults(u32 sid, u64 iova)
{
	u64 pa;

	return sim_smmu_dma(sid, iova, false, &pa) == -EFAULT;
}

static u64 faults_of(u32 sid, u64 *type, u64 *addr)
{
	u64 nr = ~0ULL;

	CHECK_EQ(bootops_smmuv3_stream_faults(sid, &nr, type, addr), 0);
	return nr;
}

TEST(host_devices_reach_the_hosts_pages_only)
{
	u64 type, addr;

	sim_reset();
	CHECK(reaches(HOST_SID, ram(0) * PAGE + 8, ram(0)));
	CHECK(reaches(HOST_SID, (SIM_RAM_PFN + SIM_RAM_PAGES - 1) * PAGE, SIM_RAM_PFN +
		      SIM_RAM_PAGES - 1));
	CHECK(faults(HOST_SID, SIM_HYP_PFN * PAGE));
	CHECK(faults(HOST_SID, (SIM_MMIO_PFN) * PAGE));
	CHECK(faults(HOST_SID, SIM_SMMU_POOL_PFN * PAGE));
	CHECK_EQ(faults_of(HOST_SID, &type, &addr), 3);
	CHECK_EQ(type, BOOTOPS_SMMU_EVT_TRANSLATION);
	CHECK_EQ(addr, SIM_SMMU_POOL_PFN * PAGE);
	CHECK_EQ(faults_of(0, &type, &addr), 0);
}

/* assign_smmu gives a host page to a VM: out of every host device's reach at once. */
TEST(a_page_given_away_is_out_of_reach_when_the_call_returns)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK(reaches(HOST_SID, ram(5) * PAGE, ram(5)));
	CHECK_EQ(bootops_assign_smmu(1, ram(5), 0x10), 0);
	CHECK(faults(HOST_SID, ram(5) * PAGE));
	CHECK(faults(3, ram(5) * PAGE));
	CHECK_EQ(sim_check_invariants(), 0);
	CHECK_EQ(teardown_vm(1), 0);
	CHECK(reaches(HOST_SID, ram(5) * PAGE, ram(5)));
	CHECK_EQ(sim_check_invariants(), 0);
}

/* Verification takes image pages a page at a time and syncs once, as pKVM does. */
TEST(image_pages_leave_host_dma_before_verification_returns)
{
	u64 vmid;

	sim_reset();
	CHECK(reaches(HOST_SID, ram(10) * PAGE, ram(10)));
	CHECK(reaches(HOST_SID, ram(11) * PAGE, ram(11)));
	vmid = verified_vm(0x40000000, 2 * PAGE, ram(10));
	CHECK(vmid > 0);
	CHECK(faults(HOST_SID, ram(10) * PAGE));
	CHECK(faults(HOST_SID, ram(11) * PAGE));
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(without_sync_a_page_is_out_of_reach_after_the_sync)
{
	sim_reset();
	CHECK(reaches(HOST_SID, ram(9) * PAGE, ram(9)));
	CHECK_EQ(bootops_smmuv3_host_lose(ram(9) * PAGE, PAGE, false), 0);
	/* The SMMU may still use what it cached: that is what the sync is for. */
	CHECK(reaches(HOST_SID, ram(9) * PAGE, ram(9)));
	CHECK_EQ(bootops_smmuv3_host_sync(), 0);
	CHECK(faults(HOST_SID, ram(9) * PAGE));
	bootops_smmuv3_host_gain(ram(9) * PAGE, PAGE);
	CHECK(reaches(HOST_SID, ram(9) * PAGE, ram(9)));
}

TEST(ranges_are_invalidated_by_page_or_by_asid)
{
	u64 i;

	sim_reset();
	for (i = 0; i < 20; i++)
		CHECK(reaches(HOST_SID, ram(100 + i) * PAGE, ram(100 + i)));
	CHECK_EQ(bootops_smmuv3_host_lose(ram(100) * PAGE, 2 * PAGE, true), 0);
	CHECK(faults(HOST_SID, ram(100) * PAGE));
	CHECK(faults(HOST_SID, ram(101) * PAGE));
	CHECK(reaches(HOST_SID, ram(102) * PAGE, ram(102)));
	CHECK_EQ(bootops_smmuv3_host_lose(ram(102) * PAGE, 18 * PAGE, true), 0);
	for (i = 2; i < 20; i++)
		CHECK(faults(HOST_SID, ram(100 + i) * PAGE));
	bootops_smmuv3_host_gain(ram(100) * PAGE, 20 * PAGE);
	for (i = 0; i < 20; i++)
		CHECK(reaches(HOST_SID, ram(100 + i) * PAGE, ram(100 + i)));
}

/* A bank's stream: its table only, every change in force when the call returns. */
TEST(a_banks_stream_reaches_its_table_only)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_assign_smmu(1, ram(3), 0x10), 0);
	CHECK(reaches(2, ram(0) * PAGE, ram(0)));
	CHECK_EQ(bootops_alloc_smmu(1, 2, 0), 0);
	CHECK(faults(2, ram(0) * PAGE));
	CHECK(faults(2, 0x10000));
	CHECK_EQ(bootops_map_smmu(1, 2, 0, 0x10000, ram(3) * PAGE | RW), 0);
	CHECK(reaches(2, 0x10000, ram(3)));
	CHECK(faults(2, 0x11000));
	CHECK(reaches(HOST_SID, ram(0) * PAGE, ram(0)));
	CHECK_EQ(bootops_clear_smmu(1, 2, 0, 0x10000), 0);
	CHECK(faults(2, 0x10000));
	CHECK_EQ(bootops_map_smmu(1, 2, 0, 0x10000, ram(3) * PAGE | RW), 0);
	CHECK(reaches(2, 0x10000, ram(3)));
	/* Reassigned with the VM's page mapped: nothing of the VM's table is left. */
	CHECK_EQ(bootops_alloc_smmu(0, 2, 0), 0);
	CHECK(faults(2, 0x10000));
	CHECK_EQ(bootops_map_smmu(0, 2, 0, 0x10000, ram(4) * PAGE | RW), 0);
	CHECK(reaches(2, 0x10000, ram(4)));
	CHECK_EQ(bootops_alloc_smmu(1, 2, 0), 0);
	CHECK(faults(2, 0x10000));
	CHECK_EQ(sim_check_invariants(), 0);
	/* Teardown frees the bank: the stream has the host's view again. */
	CHECK_EQ(teardown_vm(1), 0);
	CHECK(reaches(2, ram(0) * PAGE, ram(0)));
	CHECK(reaches(2, ram(3) * PAGE, ram(3)));
	CHECK_EQ(sim_check_invariants(), 0);
}

/* Two banks map one iova to different pages: neither stream sees the other's. */
TEST(banks_streams_do_not_share_translations)
{
	sim_reset();
	CHECK_EQ(bootops_alloc_smmu(0, 2, 0), 0);
	CHECK_EQ(bootops_alloc_smmu(0, 3, 0), 0);
	CHECK_EQ(bootops_map_smmu(0, 2, 0, 0x7000, ram(20) * PAGE | RW), 0);
	CHECK_EQ(bootops_map_smmu(0, 3, 0, 0x7000, ram(21) * PAGE | RW), 0);
	CHECK(reaches(2, 0x7000, ram(20)));
	CHECK(reaches(3, 0x7000, ram(21)));
	CHECK(reaches(2, 0x7000, ram(20)));
	CHECK_EQ(bootops_clear_smmu(0, 2, 0, 0x7000), 0);
	CHECK(faults(2, 0x7000));
	CHECK(reaches(3, 0x7000, ram(21)));
}

TEST(a_read_only_mapping_refuses_writes)
{
	u64 pa, type, addr;

	sim_reset();
	CHECK_EQ(bootops_alloc_smmu(0, 1, 0), 0);
	CHECK_EQ(bootops_map_smmu(0, 1, 0, 0x5000, ram(7) * PAGE | RO), 0);
	CHECK_EQ(sim_smmu_dma(1, 0x5008, false, &pa), 0);
	CHECK_EQ(pa, ram(7) * PAGE + 8);
	CHECK_EQ(sim_smmu_dma(1, 0x5008, true, &pa), -EFAULT);
	CHECK_EQ(faults_of(1, &type, &addr), 1);
	CHECK_EQ(type, BOOTOPS_SMMU_EVT_PERMISSION);
	CHECK_EQ(addr, 0x5008);
}

/* A full event queue drops records: counted, and recording goes on once drained. */
TEST(event_queue_overflow_is_counted_and_recovers)
{
	u64 type, addr, i, before;

	sim_reset();
	before = bootops_smmuv3_lost_events();
	for (i = 0; i < 200; i++)
		CHECK(faults(4, SIM_HYP_PFN * PAGE + i * 8));
	CHECK_EQ(faults_of(4, &type, &addr), 128);
	CHECK_EQ(bootops_smmuv3_lost_events() - before, 1);
	/* Acknowledged: a drain with nothing dropped since counts nothing more. */
	CHECK_EQ(faults_of(4, &type, &addr), 128);
	CHECK_EQ(bootops_smmuv3_lost_events() - before, 1);
	CHECK(faults(4, SIM_HYP_PFN * PAGE));
	CHECK_EQ(faults_of(4, &type, &addr), 129);
	CHECK_EQ(addr, SIM_HYP_PFN * PAGE);
}

TEST(streams_past_the_table_are_counted_as_lost)
{
	u64 before, pa, type, addr;

	sim_reset();
	before = bootops_smmuv3_lost_events();
	CHECK_EQ(sim_smmu_dma(BOOTOPS_SMMUV3_STREAMS, ram(0) * PAGE, false, &pa), -EFAULT);
	CHECK_EQ(faults_of(0, &type, &addr), 0);
	CHECK_EQ(bootops_smmuv3_lost_events() - before, 1);
}

TEST(stream_faults_refusals)
{
	u64 nr, type, addr;

	sim_reset();
	CHECK_EQ(bootops_smmuv3_stream_faults(BOOTOPS_SMMUV3_STREAMS, &nr, &type, &addr), -EINVAL);
	CHECK_EQ(bootops_smmuv3_stream_faults(1ULL << 32, &nr, &type, &addr), -EINVAL);
	CHECK_EQ(bootops_smmuv3_stream_faults(~0ULL, &nr, &type, &addr), -EINVAL);
	sim_smmu_model_clear_features(1U << 1);
	CHECK_EQ(sim_smmu_restart(SIM_SMMU_POOL_PAGES), -ENODEV);
	CHECK_EQ(bootops_smmuv3_stream_faults(0, &nr, &type, &addr), -ENODEV);
	sim_reset();
}

/* Stage 1, AArch64 tables, coherent walks, 16-bit ASIDs: without one, no SMMU for hyp. */
TEST(probe_refuses_an_smmu_hyp_cannot_use)
{
	static const u32 needed[] = { 1U << 1, 1U << 3, 1U << 4, 1U << 12 };
	u32 i;

	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		sim_reset();
		sim_smmu_model_clear_features(needed[i]);
		CHECK_EQ(sim_smmu_restart(SIM_SMMU_POOL_PAGES), -ENODEV);
		CHECK(!bootops_smmuv3_ready());
	}
	sim_reset();
	CHECK_EQ(sim_smmu_restart(3), -ENOMEM);
	sim_reset();
	CHECK_EQ(sim_smmu_restart(BOOTOPS_SMMUV3_FIXED_PAGES + 1), -ENOMEM);
	CHECK(!bootops_smmuv3_ready());
	sim_reset();
	CHECK_EQ(bootops_smmuv3_enable(), -EBUSY);
	CHECK_EQ(bootops_smmuv3_host_add(ram(0) * PAGE, PAGE), -EBUSY);
}

/* A command the SMMU refuses: an error back, never a hang. */
TEST(a_refused_command_is_an_error)
{
	sim_reset();
	CHECK(reaches(HOST_SID, ram(9) * PAGE, ram(9)));
	sim_smmu_model_fail_command_after(0);
	CHECK_EQ(bootops_smmuv3_host_lose(ram(9) * PAGE, PAGE, true), -EIO);
	sim_smmu_model_fail_command_after(-1);
	sim_reset();
}

/* Where the host owns a whole 2 MiB, one block: unfolded when a page of it goes. */
TEST(host_view_is_in_blocks_where_the_host_owns_2mib)
{
	u64 blk = ram(512);	/* 2 MiB aligned: SIM_RAM_PFN is */

	sim_reset();
	CHECK_EQ(blk % 512, 0);
	CHECK(reaches(HOST_SID, blk * PAGE + 0x123, blk));
	CHECK_EQ(sim_smmu_model_last_level(), 2);
	CHECK(reaches(HOST_SID, (blk + 511) * PAGE, blk + 511));
	CHECK_EQ(bootops_smmuv3_host_lose((blk + 7) * PAGE, PAGE, true), 0);
	CHECK(faults(HOST_SID, (blk + 7) * PAGE));
	CHECK(reaches(HOST_SID, (blk + 6) * PAGE, blk + 6));
	CHECK_EQ(sim_smmu_model_last_level(), 3);
	CHECK(reaches(HOST_SID, (blk + 8) * PAGE, blk + 8));
	bootops_smmuv3_host_gain((blk + 7) * PAGE, PAGE);
	CHECK(reaches(HOST_SID, (blk + 300) * PAGE, blk + 300));
	CHECK_EQ(sim_smmu_model_last_level(), 2);
	CHECK(reaches(HOST_SID, (blk + 7) * PAGE, blk + 7));
	/* Without sync: the block's translation stays until the sync takes it. */
	CHECK_EQ(bootops_smmuv3_host_lose((blk + 9) * PAGE, PAGE, false), 0);
	CHECK(reaches(HOST_SID, (blk + 9) * PAGE, blk + 9));
	CHECK_EQ(bootops_smmuv3_host_sync(), 0);
	CHECK(faults(HOST_SID, (blk + 9) * PAGE));
	CHECK(reaches(HOST_SID, (blk + 10) * PAGE, blk + 10));
}

/* An SMMU without BBML2 gets pages only: no block is swapped under it. */
TEST(without_bbml2_the_host_view_is_in_pages)
{
	u64 blk = ram(512);

	sim_reset();
	sim_smmu_model_clear_idr3(3U << 11);
	CHECK_EQ(sim_smmu_restart(SIM_SMMU_POOL_PAGES), 0);
	CHECK(reaches(HOST_SID, blk * PAGE, blk));
	CHECK_EQ(sim_smmu_model_last_level(), 3);
	CHECK_EQ(bootops_smmuv3_host_lose((blk + 1) * PAGE, PAGE, true), 0);
	CHECK(faults(HOST_SID, (blk + 1) * PAGE));
	sim_smmu_model_clear_idr3(0);
	sim_reset();
}
