// SPDX-License-Identifier: GPL-2.0-only
/*
 * Invariants of the whole simulated machine under boot ops, checked by the
 * unit tests after interesting steps and by the fuzzer after every call.
 * Each returns a distinct non-zero code so a failure says which one broke.
 */
#include <stdio.h>
#include <stdlib.h>

#include <bootops/bootops.h>
#include <bootops/platform.h>
#include <bootops/state.h>

#include "sim.h"

static u32 remap_refs[SIM_ALL_PAGES];
static u32 s2_refs[SIM_ALL_PAGES];
static u32 host_dma_refs[SIM_ALL_PAGES];
static u32 record_refs[SIM_ALL_PAGES];	/* pages holding a VM's record */
static int failed;

static void fail(int code, const char *what, u64 x)
{
	if (!failed)
		fprintf(stderr, "invariant %d broken: %s (0x%llx)\n", code, what,
			(unsigned long long)x);
	failed = failed ? failed : code;
}

static u64 idx_of(u64 pfn)
{
	return sim_page_index(pfn);
}

/* Has verification given page k of image idx to the VM yet? */
static bool page_loaded(const struct bootops_vm_info *vm, u32 idx, u64 k)
{
	const struct bootops_cursor *c = &vm->cursor;

	if (vm->state == BOOTOPS_VM_VERIFIED)
		return true;
	if (vm->state != BOOTOPS_VM_VERIFYING)
		return false;
	return c->step != BOOTOPS_STEP_LOAD || idx < c->idx || (idx == c->idx && k < c->page);
}

/* Has teardown returned page k of image idx already? */
static bool page_released(const struct bootops_vm_info *vm, u32 idx, u64 k)
{
	const struct bootops_cursor *c = &vm->cursor;

	return vm->state == BOOTOPS_VM_DYING &&
	       (idx < c->idx || (idx == c->idx && k < c->page));
}

static void check_image_pages(u32 vmid, const struct bootops_vm_info *vm, u32 idx)
{
	const struct bootops_load_info *li = &vm->load[idx];
	u64 k, npages = bootops_image_pages(li->size);
	u32 state = vm->state;

	if (li->mapped_pages > npages)
		fail(1, "more pages remapped than the image has", vmid);
	for (k = 0; k < li->mapped_pages; k++) {
		u64 pfn = bootops_plat_remap_pfn(li->remap_slot + k);
		struct sim_page_info p = sim_page(pfn);

		if (page_released(vm, idx, k)) {
			if (pfn != BOOTOPS_INVALID64)
				fail(26, "teardown left a returned page in the remap area", pfn);
			continue;
		}

		if (!sim_pfn_is_ram(pfn)) {
			fail(2, "remap slot without a RAM page", li->remap_slot + k);
			continue;
		}
		remap_refs[idx_of(pfn)]++;
		if ((state == BOOTOPS_VM_READY ||
		     (state == BOOTOPS_VM_VERIFYING && !page_loaded(vm, idx, k))) &&
		    !(p.claimed && p.owner == SIM_OWNER_HOST))
			fail(3, "image page not yet loaded is not claimed", pfn);
		if (page_loaded(vm, idx, k) &&
		    (p.owner != vmid ||
		     sim_s2_lookup(vmid, li->load_addr + k * BOOTOPS_PAGE_SIZE) != pfn))
			fail(4, "verified image page not the VM's at its address", pfn);
	}
}

static void count_s2(u64 ipa, u64 pfn, bool device, void *arg)
{
	u32 vmid = *(u32 *)arg;

	if (!sim_pfn_is_ram(pfn)) {
		if (!device || pfn < SIM_MMIO_PFN + SIM_MMIO_HYP_PAGES ||
		    pfn >= SIM_MMIO_PFN + SIM_MMIO_PAGES)
			fail(5, "VM maps a page that is neither its RAM nor device", pfn);
		return;
	}
	s2_refs[idx_of(pfn)]++;
	if (sim_s2_is_shared(vmid, ipa)) {
		if (sim_page(pfn).owner != SIM_OWNER_HOST || sim_page(pfn).shared_with != vmid)
			fail(23, "shared leaf maps a page not shared with the VM", pfn);
		if (!bootops_vm_uses_hyp_s2(vmid) ||
		    bootops_range_in_image(vmid, ipa, BOOTOPS_PAGE_SIZE))
			fail(24, "shared page where the host may not share", ipa);
		return;
	}
	if (sim_page(pfn).owner != vmid)
		fail(6, "VM stage 2 maps RAM the VM does not own", pfn);
}

static void check_vm(u32 vmid)
{
	struct bootops_vm_info *vm = bootops_vm(vmid);
	u32 idx, vcpu;
	u64 pfn, k;

	if (!vm) {
		if (sim_s2_count(vmid))
			fail(7, "unused VM holds mappings", vmid);
		return;
	}
	if (vm->state == BOOTOPS_VM_UNUSED)
		fail(8, "a VM's record says UNUSED", vmid);
	pfn = sim_vm_state_pfn(vmid);
	for (k = 0; k < BOOTOPS_VM_STATE_PAGES; k++) {
		if (!sim_pfn_is_ram(pfn + k) || sim_page(pfn + k).owner != SIM_OWNER_HYP)
			fail(27, "a VM's record is not in hyp's pages", vmid);
		else
			record_refs[idx_of(pfn + k)]++;
	}
	if (vm->nr_load > BOOTOPS_MAX_LOAD_INFO)
		fail(9, "load-info table overflow", vmid);
	for (vcpu = 0; vcpu < BOOTOPS_MAX_VCPUS; vcpu++)
		if (vm->vcpu[vcpu].state == BOOTOPS_VCPU_ACTIVE &&
		    vm->state != BOOTOPS_VM_VERIFIED)
			fail(10, "vCPU active in a VM that is not verified", vmid);
	for (idx = 0; idx < vm->nr_load && idx < BOOTOPS_MAX_LOAD_INFO; idx++)
		check_image_pages(vmid, vm, idx);
	sim_s2_walk(vmid, count_s2, &vmid);
}

static void count_smmu(u64 iova, u64 pfn, void *arg)
{
	u32 owner = *(u32 *)arg;

	if (!sim_pfn_is_ram(pfn)) {
		fail(11, "DMA mapping of a page that is not RAM", pfn);
		return;
	}
	if (owner == BOOTOPS_HOST_VMID) {
		host_dma_refs[idx_of(pfn)]++;
		if (sim_page(pfn).owner != SIM_OWNER_HOST || sim_page(pfn).claimed)
			fail(12, "host DMA mapping of a page the host may not use", pfn);
	} else if (sim_page(pfn).owner != owner) {
		fail(13, "VM DMA mapping of a page the VM does not own", pfn);
	}
}

static void check_smmu(void)
{
	u32 i, j;

	for (i = 0; i < BOOTOPS_SMMU_NUM; i++) {
		for (j = 0; j < BOOTOPS_SMMU_NUM_CB; j++) {
			u32 owner = bootops_state.smmu[i][j].owner;

			if (owner == BOOTOPS_SMMU_NO_OWNER) {
				if (bootops_state.smmu[i][j].pgt.root_pa)
					fail(14, "unowned bank keeps a table", i * 256 + j);
				continue;
			}
			if (owner != BOOTOPS_HOST_VMID &&
			    bootops_get_vm_state(owner) == BOOTOPS_VM_UNUSED)
				fail(15, "bank owned by a VM that does not exist", owner);
			sim_smmu_walk(i, j, count_smmu, &owner);
		}
	}
}

static void check_pages(void)
{
	u64 i, remapped = 0;

	for (i = 0; i < SIM_ALL_PAGES; i++) {
		struct sim_page_info p = sim_page(sim_pfn_at(i));

		remapped += remap_refs[i];
		if (i < SIM_HYP_PAGES && (p.owner != SIM_OWNER_HYP || remap_refs[i]))
			fail(16, "hyp page given away", sim_pfn_at(i));
		if (i >= SIM_HYP_PAGES && (p.owner == SIM_OWNER_HYP) != (record_refs[i] == 1))
			fail(17, "RAM page hyp's but no VM's record, or in two", sim_pfn_at(i));
		if (record_refs[i] && (remap_refs[i] || s2_refs[i] || host_dma_refs[i]))
			fail(28, "a VM's record is mapped elsewhere", sim_pfn_at(i));
		if (remap_refs[i] > 1 || s2_refs[i] > 1)
			fail(18, "page in two images or mapped twice", sim_pfn_at(i));
		if (p.claimed != (remap_refs[i] && p.owner == SIM_OWNER_HOST))
			fail(19, "claimed flag does not match the images", sim_pfn_at(i));
		if (p.shared_with && !s2_refs[i])
			fail(25, "page shared with a VM that does not map it", sim_pfn_at(i));
		if (p.dma_pins != host_dma_refs[i])
			fail(20, "DMA pin count does not match host mappings", sim_pfn_at(i));
		if (p.owner != SIM_OWNER_HOST && p.owner != SIM_OWNER_HYP &&
		    (p.owner > BOOTOPS_MAX_VMS ||
		     bootops_get_vm_state(p.owner) == BOOTOPS_VM_UNUSED))
			fail(21, "page owned by a VM that does not exist", sim_pfn_at(i));
	}
	if (remapped != sim_remap_count())
		fail(22, "remap area holds pages no image accounts for", remapped);
}

/* Host DMA: a device of the host's reaches a page exactly while the host owns it. */
static void check_host_dma(u32 sid, u64 pfn)
{
	bool host = sim_page(pfn).owner == SIM_OWNER_HOST;
	u64 pa = 0;
	bool reached = !sim_smmu_dma(sid, pfn << BOOTOPS_PAGE_SHIFT, true, &pa) &&
		       pa == pfn << BOOTOPS_PAGE_SHIFT;

	if (reached != host)
		fail(host ? 29 : 30, host ? "a host page out of its devices' reach" :
			  "a page not the host's in reach of its devices", pfn);
}

static void check_bank_leaf(u64 iova, u64 pfn, void *arg)
{
	u32 sid = *(u32 *)arg;
	u64 pa = 0;

	if (sim_smmu_dma(sid, iova, false, &pa) || pa != pfn << BOOTOPS_PAGE_SHIFT)
		fail(31, "a bank's stream does not reach what its table maps", iova);
}

/*
 * The SMMU as a device sees it: every page whose host ownership changed
 * since the last check (all pages, when too many did), a rotating window
 * of the rest, each bank's mappings through its stream, and for a stream
 * no bank has, the host's view.
 */
static void check_dma(void)
{
	static u64 window;
	u64 pfns[64], nr = sim_dma_changed(pfns, 64), i;
	u32 sid;

	for (i = 0; i < (nr > 64 ? SIM_ALL_PAGES : nr); i++)
		check_host_dma(SIM_HOST_SID, nr > 64 ? sim_pfn_at(i) : pfns[i]);
	for (i = 0; i < 8; i++, window++)
		check_host_dma(SIM_HOST_SID, sim_pfn_at(window % SIM_ALL_PAGES));
	for (sid = 0; sid < BOOTOPS_SMMU_NUM_CB; sid++) {
		if (bootops_state.smmu[0][sid].owner == BOOTOPS_SMMU_NO_OWNER)
			check_host_dma(sid, sim_pfn_at(window++ % SIM_ALL_PAGES));
		else
			sim_smmu_walk(0, sid, check_bank_leaf, &sid);
	}
}

int sim_check_invariants(void)
{
	u32 vmid;

	failed = 0;
	memset(remap_refs, 0, sizeof(remap_refs));
	memset(s2_refs, 0, sizeof(s2_refs));
	memset(host_dma_refs, 0, sizeof(host_dma_refs));
	memset(record_refs, 0, sizeof(record_refs));
	for (vmid = 1; vmid <= BOOTOPS_MAX_VMS; vmid++)
		check_vm(vmid);
	check_smmu();
	check_pages();
	check_dma();
	return failed;
}
