// SPDX-License-Identifier: GPL-2.0-only
/*
 * The state layer: initial state, vmid allocation and the remap-area
 * allocator.  SeKVM hands out vmids and remap addresses from counters that
 * only grow; here both are reusable so that teardown can return them.
 */
#include <bootops/state.h>

struct bootops_state bootops_state;

static_assert(sizeof(struct bootops_vm_info) <= BOOTOPS_VM_STATE_PAGES * BOOTOPS_PAGE_SIZE,
	      "BOOTOPS_VM_STATE_PAGES too small for struct bootops_vm_info");

void bootops_state_init(void)
{
	u32 vmid, i, j;

	memset(&bootops_state, 0, sizeof(bootops_state));
	bootops_lock_init(&bootops_state.remap_lock);
	bootops_lock_init(&bootops_state.smmu_lock);
	bootops_lock_init(&bootops_state.keys_lock);
	bootops_lock_init(&bootops_state.attest_lock);
	for (vmid = 0; vmid <= BOOTOPS_MAX_VMS; vmid++)
		bootops_lock_init(&bootops_state.vm[vmid].lock);
	for (i = 0; i < BOOTOPS_SMMU_NUM; i++)
		for (j = 0; j < BOOTOPS_SMMU_NUM_CB; j++)
			bootops_state.smmu[i][j].owner = BOOTOPS_SMMU_NO_OWNER;
}

static bool remap_slot_used(u64 slot)
{
	return bootops_state.remap_used[slot / 64] & (1ULL << (slot % 64));
}

static void remap_mark(u64 slot, u64 npages, bool used)
{
	u64 i;

	for (i = slot; i < slot + npages; i++) {
		if (used)
			bootops_state.remap_used[i / 64] |= 1ULL << (i % 64);
		else
			bootops_state.remap_used[i / 64] &= ~(1ULL << (i % 64));
	}
}

/* First fit.  Runs once per image at set_boot_info, never on a hot path. */
static u64 remap_find_run(u64 npages)
{
	u64 start = 0, i;

	for (i = 0; i < BOOTOPS_REMAP_PAGES; i++) {
		if (remap_slot_used(i)) {
			start = i + 1;
			continue;
		}
		if (i + 1 - start == npages)
			return start;
	}
	return BOOTOPS_INVALID64;
}

u64 bootops_alloc_remap(u64 npages)
{
	u64 slot;

	if (!npages || npages > BOOTOPS_REMAP_PAGES)
		return BOOTOPS_INVALID64;
	bootops_lock(&bootops_state.remap_lock);
	slot = remap_find_run(npages);
	if (slot != BOOTOPS_INVALID64)
		remap_mark(slot, npages, true);
	bootops_unlock(&bootops_state.remap_lock);
	return slot;
}

void bootops_free_remap(u64 slot, u64 npages)
{
	bootops_lock(&bootops_state.remap_lock);
	remap_mark(slot, npages, false);
	bootops_unlock(&bootops_state.remap_lock);
}
