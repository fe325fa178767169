// SPDX-License-Identifier: GPL-2.0-only
/* map_io, and the SMMU banks: alloc, assign, map, clear. */
#include <bootops/pgtable.h>
#include <bootops/platform.h>

#include "util.h"

#define MMIO(n)		((SIM_MMIO_PFN + (n)) * PAGE)
#define HYP_MMIO	MMIO(0)
#define DEV_MMIO	MMIO(SIM_MMIO_HYP_PAGES)

TEST(map_io_maps_device_page)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_map_io(1, 0x9000000, DEV_MMIO), 0);
	CHECK_EQ(sim_s2_lookup(1, 0x9000000), DEV_MMIO / PAGE);
	CHECK(sim_s2_is_device(1, 0x9000000));
	CHECK_REFUSED(bootops_map_io(1, 0x9000000, DEV_MMIO + PAGE), -EEXIST);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(map_io_refusals)
{
	u64 vmid;

	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(declare_image(1, 0x40000000, 2 * PAGE, ram(0), 1), 0);
	CHECK_REFUSED(bootops_map_io(1, 0x9000000, ram(5) * PAGE), -EPERM);
	CHECK_REFUSED(bootops_map_io(1, 0x9000000, SIM_HYP_PFN * PAGE), -EPERM);
	CHECK_REFUSED(bootops_map_io(1, 0x9000000, HYP_MMIO), -EPERM);
	CHECK_REFUSED(bootops_map_io(1, 0x9000000, HYP_MMIO + PAGE), -EPERM);
	CHECK_REFUSED(bootops_map_io(1, 0x40001000, DEV_MMIO), -EEXIST);
	CHECK_REFUSED(bootops_map_io(1, 0x9000001, DEV_MMIO), -EINVAL);
	CHECK_REFUSED(bootops_map_io(1, 0x9000000, DEV_MMIO + 1), -EINVAL);
	CHECK_REFUSED(bootops_map_io(1, 1ULL << SIM_IPA_BITS, DEV_MMIO), -EINVAL);
	CHECK_REFUSED(bootops_map_io(1, 0x9000000, 1ULL << 50), -EINVAL);
	CHECK_REFUSED(bootops_map_io(2, 0x9000000, DEV_MMIO), -ENOENT);
	CHECK_REFUSED(bootops_map_io(0, 0x9000000, DEV_MMIO), -EINVAL);
	vmid = verified_vm(0, PAGE, ram(10));
	CHECK_REFUSED(bootops_map_io(vmid, 0x9000000, DEV_MMIO), -EPERM);
}

TEST(map_io_enomem_changes_nothing)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	sim_fail_tables_after(0);
	CHECK_REFUSED(bootops_map_io(1, 0x9000000, DEV_MMIO), -ENOMEM);
	sim_fail_tables_after(-1);
}

TEST(set_boot_info_refuses_range_over_io_mapping)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_EQ(bootops_map_io(1, 0x9001000, DEV_MMIO), 0);
	CHECK_REFUSED(bootops_set_boot_info(1, 0x9000000, 2 * PAGE, bootops_load(1, 0)->sig),
		      -EEXIST);
}

TEST(alloc_smmu_gives_bank_empty_table)
{
	sim_reset();
	CHECK_EQ(bootops_alloc_smmu(0, 3, 1), 0);
	CHECK_EQ(bootops_state.smmu[1][3].owner, 0);
	CHECK(bootops_state.smmu[1][3].pgt.root_pa != 0);
	CHECK_EQ(sim_smmu_root(1, 3), bootops_state.smmu[1][3].pgt.root_pa);
	CHECK_REFUSED(bootops_alloc_smmu(0, BOOTOPS_SMMU_NUM_CB, 0), -EINVAL);
	CHECK_REFUSED(bootops_alloc_smmu(0, 0, BOOTOPS_SMMU_NUM), -EINVAL);
	CHECK_REFUSED(bootops_alloc_smmu(BOOTOPS_MAX_VMS + 1, 0, 0), -EINVAL);
	CHECK_REFUSED(bootops_alloc_smmu(5, 0, 0), -ENOENT);
	sim_fail_tables_after(0);
	/* Another bank needs a fresh table; so does a bank someone else owns. */
	CHECK_REFUSED(bootops_alloc_smmu(0, 4, 1), -ENOMEM);
	CHECK_EQ(bootops_register_kvm(1, sim_vm_memory()), 1);
	CHECK_REFUSED(bootops_alloc_smmu(1, 3, 1), -ENOMEM);
	CHECK_EQ(bootops_state.smmu[1][3].owner, 0);
	sim_fail_tables_after(-1);
}

/*
 * An owner that ran the table pool dry with its mappings gets its bank
 * back emptied in place: no page is needed, every table is freed and every
 * host page unpinned.
 */
TEST(alloc_smmu_by_its_owner_empties_in_place)
{
	u64 root, used, i;

	sim_reset();
	CHECK_EQ(bootops_alloc_smmu(0, 3, 1), 0);
	root = bootops_state.smmu[1][3].pgt.root_pa;
	used = bootops_plat_tables_used();
	for (i = 0; i < 4; i++)
		CHECK_EQ(bootops_map_smmu(0, 3, 1, i << 39,
					  ram(10 + i) * PAGE | BOOTOPS_PTE_S2_NORMAL), 0);
	CHECK_EQ(bootops_plat_tables_used(), used + 12);
	sim_fail_tables_after(0);
	CHECK_REFUSED(bootops_map_smmu(0, 3, 1, 4ULL << 39, ram(14) * PAGE), -ENOMEM);
	CHECK_EQ(bootops_alloc_smmu(0, 3, 1), 0);
	sim_fail_tables_after(-1);
	CHECK_EQ(bootops_state.smmu[1][3].pgt.root_pa, root);
	CHECK_EQ(sim_smmu_root(1, 3), root);
	CHECK_EQ(bootops_plat_tables_used(), used);
	for (i = 0; i < 4; i++) {
		CHECK_EQ(sim_page(ram(10 + i)).dma_pins, 0);
		CHECK_EQ(bootops_pgt_lookup(&bootops_state.smmu[1][3].pgt, i << 39), 0);
	}
}

TEST(host_dma_mapping_pins_page)
{
	u64 pte = ram(7) * PAGE | BOOTOPS_PTE_S2_NORMAL;

	sim_reset();
	CHECK_EQ(bootops_alloc_smmu(0, 0, 0), 0);
	CHECK_EQ(bootops_map_smmu(0, 0, 0, 0x100000, pte), 0);
	CHECK_EQ(sim_page(ram(7)).dma_pins, 1);
	CHECK_EQ(bootops_pgt_lookup(&bootops_state.smmu[0][0].pgt, 0x100000),
		 bootops_plat_smmu_pte(ram(7) * PAGE, BOOTOPS_PTE_S2_NORMAL));
	CHECK_REFUSED(bootops_map_smmu(0, 0, 0, 0x100000, pte), -EEXIST);
	/* A pinned page can neither be lent for an image nor given to a VM. */
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 1);
	CHECK_EQ(bootops_set_boot_info(1, 0, PAGE, bootops_load(1, 0)->sig), 0);
	CHECK_REFUSED(bootops_remap_vm_image(1, ram(7), 0), -EPERM);
	CHECK_REFUSED(bootops_assign_smmu(1, ram(7), 0x10), -EPERM);
	CHECK_EQ(sim_check_invariants(), 0);
	CHECK_EQ(bootops_clear_smmu(0, 0, 0, 0x100000), 0);
	CHECK_EQ(sim_page(ram(7)).dma_pins, 0);
	CHECK_REFUSED(bootops_clear_smmu(0, 0, 0, 0x100000), -ENOENT);
	CHECK_EQ(bootops_remap_vm_image(1, ram(7), 0), 0);
}

TEST(map_smmu_builds_pte_from_allowed_bits_only)
{
	/*
	 * Host sets every bit: the address survives, and the stage-1 leaf the
	 * SMMU walks says only what S2AP, MemAttr and SH asked for: valid page,
	 * AF, read-write (AP 01), inner shareable, normal memory (AttrIndx 0).
	 */
	u64 pte = U64_MAX_ & ~BOOTOPS_PTE_OA_MASK, got;

	sim_reset();
	CHECK_EQ(bootops_alloc_smmu(0, 0, 0), 0);
	CHECK_EQ(bootops_map_smmu(0, 0, 0, 0x5000, pte | ram(1) * PAGE), 0);
	got = bootops_pgt_lookup(&bootops_state.smmu[0][0].pgt, 0x5000);
	CHECK_EQ(got, (ram(1) * PAGE) | 0x400 | 0x300 | 0x40 | 3);
}

TEST(map_smmu_refusals)
{
	u64 vmid;

	sim_reset();
	CHECK_EQ(bootops_alloc_smmu(0, 0, 0), 0);
	CHECK_REFUSED(bootops_map_smmu(0, 0, 0, 0x1000, SIM_HYP_PFN * PAGE), -EPERM);
	CHECK_REFUSED(bootops_map_smmu(0, 0, 0, 0x1000, DEV_MMIO), -EPERM);
	CHECK_REFUSED(bootops_map_smmu(0, 0, 0, 0x1000, HYP_MMIO), -EPERM);
	CHECK_REFUSED(bootops_map_smmu(0, 0, 0, 0x1001, ram(0) * PAGE), -EINVAL);
	CHECK_REFUSED(bootops_map_smmu(0, 0, 0, 1ULL << 48, ram(0) * PAGE), -EINVAL);
	CHECK_REFUSED(bootops_map_smmu(0, 1, 0, 0x1000, ram(0) * PAGE), -EPERM);
	CHECK_REFUSED(bootops_map_smmu(0, BOOTOPS_SMMU_NUM_CB, 0, 0x1000, ram(0) * PAGE), -EINVAL);
	CHECK_REFUSED(bootops_map_smmu(0, 0, U32_MAX_, 0x1000, ram(0) * PAGE), -EINVAL);
	vmid = verified_vm(0, PAGE, ram(3));
	CHECK_REFUSED(bootops_map_smmu(0, 0, 0, 0x1000, ram(3) * PAGE), -EPERM);
	CHECK_REFUSED(bootops_map_smmu(vmid, 0, 0, 0x1000, ram(3) * PAGE), -EPERM);
	sim_fail_tables_after(0);
	CHECK_REFUSED(bootops_map_smmu(0, 0, 0, 0x1000, ram(0) * PAGE), -ENOMEM);
	sim_fail_tables_after(-1);
}

TEST(assign_smmu_moves_page_to_vm)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 1);
	CHECK_EQ(bootops_assign_smmu(1, ram(9), 0x123), 0);
	CHECK_EQ(sim_page(ram(9)).owner, 1);
	CHECK_EQ(sim_s2_lookup(1, 0x123000), ram(9));
	CHECK_EQ(sim_host_write(ram(9), 0, "x", 1), -EFAULT);
	CHECK_REFUSED(bootops_assign_smmu(1, ram(10), 0x123), -EEXIST);
	CHECK_REFUSED(bootops_assign_smmu(1, ram(9), 0x124), -EPERM);
	CHECK_REFUSED(bootops_assign_smmu(1, SIM_HYP_PFN, 0x124), -EPERM);
	CHECK_REFUSED(bootops_assign_smmu(1, SIM_MMIO_PFN + 5, 0x124), -EINVAL);
	CHECK_REFUSED(bootops_assign_smmu(1, ram(10), 1ULL << 60), -EINVAL);
	CHECK_REFUSED(bootops_assign_smmu(1, ram(10), U64_MAX_), -EINVAL);
	CHECK_REFUSED(bootops_assign_smmu(0, ram(10), 0x124), -EINVAL);
	CHECK_REFUSED(bootops_assign_smmu(2, ram(10), 0x124), -ENOENT);
	CHECK_EQ(declare_image(1, 0x200000, PAGE, ram(11), 1), 0);
	CHECK_REFUSED(bootops_assign_smmu(1, ram(10), 0x200), -EEXIST);
	sim_fail_tables_after(0);
	CHECK_REFUSED(bootops_assign_smmu(1, ram(10), 1ULL << 27), -ENOMEM);
	sim_fail_tables_after(-1);
	CHECK_EQ(sim_check_invariants(), 0);
	/* Teardown scrubs it and gives it back. */
	CHECK_EQ(teardown_vm(1), 0);
	CHECK_EQ(sim_page(ram(9)).owner, SIM_OWNER_HOST);
	CHECK_EQ(sim_page_bytes(ram(9))[0], 0);
}

TEST(vm_bank_maps_only_its_pages_at_their_gfn)
{
	sim_reset();
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 1);
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 2);
	CHECK_EQ(bootops_alloc_smmu(1, 2, 0), 0);
	CHECK_EQ(bootops_assign_smmu(1, ram(1), 0x40), 0);
	CHECK_EQ(bootops_assign_smmu(2, ram(2), 0x40), 0);
	CHECK_REFUSED(bootops_map_smmu(1, 2, 0, 0x41000, ram(1) * PAGE), -EPERM);
	CHECK_REFUSED(bootops_map_smmu(1, 2, 0, 0x40000, ram(2) * PAGE), -EPERM);
	CHECK_REFUSED(bootops_map_smmu(2, 2, 0, 0x40000, ram(2) * PAGE), -EPERM);
	CHECK_REFUSED(bootops_map_smmu(1, 2, 0, 0x40000, ram(3) * PAGE), -EPERM);
	CHECK_EQ(bootops_map_smmu(1, 2, 0, 0x40000, ram(1) * PAGE), 0);
	/* A mapped iova is EEXIST before the page named is looked at. */
	CHECK_REFUSED(bootops_map_smmu(1, 2, 0, 0x40000, ram(3) * PAGE), -EEXIST);
	CHECK_EQ(bootops_map_io(1, 0x9000000, DEV_MMIO), 0);
	CHECK_REFUSED(bootops_map_smmu(1, 2, 0, 0x9000000, DEV_MMIO), -EPERM);
	CHECK_EQ(sim_check_invariants(), 0);
	CHECK_EQ(bootops_clear_smmu(1, 2, 0, 0x40000), 0);
	CHECK_REFUSED(bootops_clear_smmu(2, 2, 0, 0x40000), -EPERM);
}

TEST(bank_reassignment_drops_stale_mappings)
{
	u64 k;

	sim_reset();
	CHECK_EQ(bootops_alloc_smmu(0, 1, 1), 0);
	for (k = 0; k < 20; k++)
		CHECK_EQ(bootops_map_smmu(0, 1, 1, k << 30, ram(k) * PAGE), 0);
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 1);
	CHECK_EQ(bootops_alloc_smmu(1, 1, 1), 0);
	for (k = 0; k < 20; k++) {
		CHECK_EQ(bootops_pgt_lookup(&bootops_state.smmu[1][1].pgt, k << 30), 0);
		CHECK_EQ(sim_page(ram(k)).dma_pins, 0);
	}
	/* Only the new root is left: the old tables went back to the pool. */
	CHECK_EQ(sim_tables_used(), 1);
	CHECK_EQ(sim_check_invariants(), 0);
	CHECK_EQ(teardown_vm(1), 0);
	CHECK_EQ(bootops_state.smmu[1][1].owner, BOOTOPS_SMMU_NO_OWNER);
	CHECK_EQ(sim_smmu_root(1, 1), 0);
	CHECK_EQ(sim_tables_used(), 0);
}

TEST(smmu_changes_refused_for_verified_vm)
{
	u64 vmid;

	sim_reset();
	CHECK_EQ(bootops_register_kvm(0, sim_vm_memory()), 1);
	CHECK_EQ(bootops_alloc_smmu(1, 0, 0), 0);
	CHECK_EQ(bootops_assign_smmu(1, ram(50), 0x400), 0);
	CHECK_EQ(bootops_map_smmu(1, 0, 0, 0x400000, ram(50) * PAGE), 0);
	CHECK_EQ(verify_images(1), 0);
	vmid = 1;
	CHECK_REFUSED(bootops_clear_smmu(vmid, 0, 0, 0x400000), -EPERM);
	CHECK_REFUSED(bootops_alloc_smmu(vmid, 1, 0), -EPERM);
	CHECK_REFUSED(bootops_assign_smmu(vmid, ram(51), 0x401), -EPERM);
	CHECK_REFUSED(bootops_map_smmu(vmid, 0, 0, 0x401000, ram(51) * PAGE), -EPERM);
	CHECK_REFUSED(bootops_clear_smmu(0, 0, 0, 0x400000), -EPERM);
	CHECK_REFUSED(bootops_clear_smmu(vmid, 0, 0, 0x401001), -EPERM);
}
