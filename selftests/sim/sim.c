// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated platform: implements hyp/include/bootops/platform.h.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bootops/bootops.h>
#include <bootops/pgtable.h>
#include <bootops/platform.h>
#include <bootops/smmuv3.h>
#include <bootops/state.h>

#include "sim.h"

static struct {
	bootops_lock_t lock;		/* pages and the table pool */
	int memfd;
	u8 *mem;			/* linear map of hyp and RAM pages */
	u8 *remap;			/* the remap area */
	struct sim_page_info page[SIM_ALL_PAGES];
	const void *lease[SIM_STATE_PAGES / BOOTOPS_VM_STATE_PAGES];	/* by thread */
	u64 remap_pfn[BOOTOPS_REMAP_PAGES];
	u64 remap_mapped;
	u64 free_tables[SIM_HYP_PAGES];
	u64 nr_free_tables;
	struct bootops_pgt s2[BOOTOPS_MAX_VMS + 1];
	u64 smmu_root[BOOTOPS_SMMU_NUM][BOOTOPS_SMMU_NUM_CB];
	long fail_tables_after;
	long fail_remap_after;
	bool s2_missing[BOOTOPS_MAX_VMS + 1];	/* no stage 2 yet (pKVM: no hyp VM) */
} sim;

static __thread u32 sim_cpu;

/* The SMMU driver's pages, at pa SIM_SMMU_POOL_PFN (outside RAM). */
static u8 smmu_pool[SIM_SMMU_POOL_PAGES * BOOTOPS_PAGE_SIZE]
	__attribute__((aligned(BOOTOPS_PAGE_SIZE)));

#define CHANGED_MAX	64
static struct {
	u64 pfn[CHANGED_MAX];
	u64 nr;			/* past CHANGED_MAX: too many to list */
} changed;

static void die(const char *what)
{
	perror(what);
	abort();
}

static void sim_map_memory(void)
{
	u64 bytes = SIM_ALL_PAGES * BOOTOPS_PAGE_SIZE;

	sim.memfd = memfd_create("bootops-sim-ram", 0);
	if (sim.memfd < 0 || ftruncate(sim.memfd, bytes))
		die("memfd");
	sim.mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, sim.memfd, 0);
	sim.remap = mmap(NULL, BOOTOPS_REMAP_PAGES * BOOTOPS_PAGE_SIZE, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (sim.mem == MAP_FAILED || sim.remap == MAP_FAILED)
		die("mmap");
}

void sim_reset(void)
{
	u64 i;

	if (sim.mem) {
		for (i = 0; i < BOOTOPS_REMAP_PAGES && sim.remap_mapped; i++)
			if (sim.remap_pfn[i] != BOOTOPS_INVALID64)
				bootops_plat_remap_unmap(i);
	} else {
		sim_map_memory();
	}
	memset(sim.mem, 0, SIM_ALL_PAGES * BOOTOPS_PAGE_SIZE);
	memset(sim.lease, 0, sizeof(sim.lease));
	for (i = 0; i < SIM_ALL_PAGES; i++)
		sim.page[i] = (struct sim_page_info){
			.owner = i < SIM_HYP_PAGES ? SIM_OWNER_HYP : SIM_OWNER_HOST,
		};
	for (i = 0; i < BOOTOPS_REMAP_PAGES; i++)
		sim.remap_pfn[i] = BOOTOPS_INVALID64;
	sim.remap_mapped = 0;
	for (i = 0; i < SIM_HYP_PAGES; i++)
		sim.free_tables[i] = SIM_HYP_PFN + SIM_HYP_PAGES - 1 - i;
	sim.nr_free_tables = SIM_HYP_PAGES;
	memset(sim.s2, 0, sizeof(sim.s2));
	memset(sim.smmu_root, 0, sizeof(sim.smmu_root));
	memset(sim.s2_missing, 0, sizeof(sim.s2_missing));
	sim.fail_tables_after = -1;
	sim.fail_remap_after = -1;
	bootops_lock_init(&sim.lock);
	sim_cpu = 0;
	bootops_init();
	changed.nr = 0;
	sim_smmu_model_clear_features(0);
	if (sim_smmu_restart(SIM_SMMU_POOL_PAGES))
		die("SMMU driver");
}

/* The host's DMA view: all RAM and the records' pages, the host's at reset. */
int sim_smmu_restart(u64 pool_pages)
{
	int ret;

	sim_smmu_model_reset();
	ret = bootops_smmuv3_probe(smmu_pool, pool_pages);
	ret = ret ?: bootops_smmuv3_host_add(SIM_RAM_PFN << BOOTOPS_PAGE_SHIFT,
					      SIM_RAM_PAGES << BOOTOPS_PAGE_SHIFT);
	ret = ret ?: bootops_smmuv3_host_add(SIM_STATE_PFN << BOOTOPS_PAGE_SHIFT,
					      SIM_STATE_PAGES << BOOTOPS_PAGE_SHIFT);
	return ret ?: bootops_smmuv3_enable();
}

static void note_changed(u64 pfn, u64 nr)
{
	bootops_lock(&sim.lock);
	while (nr--) {
		if (changed.nr < CHANGED_MAX)
			changed.pfn[changed.nr] = pfn;
		changed.nr++;
		pfn++;
	}
	bootops_unlock(&sim.lock);
}

u64 sim_dma_changed(u64 *pfns, u64 max)
{
	u64 nr;

	bootops_lock(&sim.lock);
	nr = changed.nr;
	memcpy(pfns, changed.pfn, sizeof(u64) * (nr < max ? nr : max));
	changed.nr = 0;
	bootops_unlock(&sim.lock);
	return nr;
}

/*
 * The host loses pages: as mem_protect.c does on pKVM, the SMMU's host
 * view follows.  A host device was using them just before, so the SMMU
 * holds their translations: only an invalidation takes them out.
 */
static void dma_lose(u64 pfn, u64 nr, bool sync)
{
	u64 i, pa;

	for (i = 0; i < nr; i++)
		sim_smmu_dma(SIM_HOST_SID, (pfn + i) << BOOTOPS_PAGE_SHIFT, false, &pa);
	if (bootops_smmuv3_host_lose(pfn << BOOTOPS_PAGE_SHIFT, nr << BOOTOPS_PAGE_SHIFT, sync))
		die("SMMU: host_lose");
	note_changed(pfn, nr);
}

static void dma_gain(u64 pfn, u64 nr)
{
	bootops_smmuv3_host_gain(pfn << BOOTOPS_PAGE_SHIFT, nr << BOOTOPS_PAGE_SHIFT);
	note_changed(pfn, nr);
}

static bool pfn_is_state(u64 pfn)
{
	return pfn >= SIM_STATE_PFN && pfn < SIM_STATE_PFN + SIM_STATE_PAGES;
}

bool sim_pfn_is_ram(u64 pfn)
{
	return (pfn >= SIM_HYP_PFN && pfn < SIM_HYP_PFN + SIM_MEM_PAGES) || pfn_is_state(pfn);
}

u64 sim_page_index(u64 pfn)
{
	return pfn_is_state(pfn) ? SIM_MEM_PAGES + (pfn - SIM_STATE_PFN) : pfn - SIM_HYP_PFN;
}

u64 sim_pfn_at(u64 i)
{
	return i >= SIM_MEM_PAGES ? SIM_STATE_PFN + (i - SIM_MEM_PAGES) : SIM_HYP_PFN + i;
}

static bool pfn_is_mmio(u64 pfn)
{
	return pfn >= SIM_MMIO_PFN && pfn < SIM_MMIO_PFN + SIM_MMIO_PAGES;
}

static struct sim_page_info *page_of(u64 pfn)
{
	return &sim.page[sim_page_index(pfn)];
}

struct sim_page_info sim_page(u64 pfn)
{
	if (!sim_pfn_is_ram(pfn))
		return (struct sim_page_info){ .owner = SIM_OWNER_NONE };
	return *page_of(pfn);
}

u8 *sim_page_bytes(u64 pfn)
{
	return sim.mem + sim_page_index(pfn) * BOOTOPS_PAGE_SIZE;
}

static bool host_exclusive(const struct sim_page_info *p)
{
	return p->owner == SIM_OWNER_HOST && !p->claimed && !p->dma_pins &&
	       !p->shared_with;
}

/* Runs fn on pfn's page under the lock; -EINVAL if pfn is not RAM. */
#define WITH_PAGE(pfn, body)				\
	({						\
		int __ret = -EINVAL;			\
		if (sim_pfn_is_ram(pfn)) {		\
			struct sim_page_info *p = page_of(pfn);	\
			bootops_lock(&sim.lock);	\
			__ret = (body);			\
			bootops_unlock(&sim.lock);	\
		}					\
		__ret;					\
	})

static int claim(struct sim_page_info *p)
{
	if (!host_exclusive(p))
		return -EPERM;
	p->claimed = true;
	return 0;
}

int bootops_plat_claim_image_page(u64 pfn)
{
	if (pfn_is_mmio(pfn))
		return -EPERM;
	return WITH_PAGE(pfn, claim(p));
}

static void expect(bool cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "sim: platform contract broken: %s\n", what);
		abort();
	}
}

void bootops_plat_release_image_page(u64 pfn)
{
	expect(sim_pfn_is_ram(pfn), "release of a non-RAM page");
	WITH_PAGE(pfn, (expect(p->claimed && p->owner == SIM_OWNER_HOST,
			       "release of an unclaimed page"),
			p->claimed = false, 0));
}

static int donate_claimed(struct sim_page_info *p, u32 vmid)
{
	if (!p->claimed || p->owner != SIM_OWNER_HOST)
		return -EPERM;
	p->claimed = false;
	p->owner = vmid;
	return 0;
}

/* One page of many, as pKVM's nosync owner change: the SMMU is synced at the TLB sync. */
int bootops_plat_donate_claimed_page(u64 pfn, u32 vmid)
{
	int ret = WITH_PAGE(pfn, donate_claimed(p, vmid));

	if (!ret)
		dma_lose(pfn, 1, false);
	return ret;
}

static int donate_host(struct sim_page_info *p, u32 vmid)
{
	if (!host_exclusive(p))
		return -EPERM;
	p->owner = vmid;
	return 0;
}

/* The simulated host's CPU has no TLB; its SMMU has. */
void bootops_plat_host_tlb_sync(void)
{
	if (bootops_smmuv3_host_sync())
		die("SMMU: host_sync");
}

int bootops_plat_donate_host_page(u64 pfn, u32 vmid)
{
	int ret = WITH_PAGE(pfn, donate_host(p, vmid));

	if (!ret)
		dma_lose(pfn, 1, true);
	return ret;
}

void bootops_plat_undo_donate(u64 pfn, u32 vmid)
{
	WITH_PAGE(pfn, (expect(p->owner == vmid, "undo of a page the VM does not own"),
			p->owner = SIM_OWNER_HOST, 0));
	dma_gain(pfn, 1);
}

void bootops_plat_reclaim_page(u64 pfn, u32 vmid)
{
	expect(sim_pfn_is_ram(pfn), "reclaim of a non-RAM page");
	memset(sim_page_bytes(pfn), 0, BOOTOPS_PAGE_SIZE);
	WITH_PAGE(pfn, (expect(p->owner == vmid, "reclaim of a page the VM does not own"),
			p->owner = SIM_OWNER_HOST, 0));
	dma_gain(pfn, 1);
}

bool bootops_plat_page_owned_by(u64 pfn, u32 vmid)
{
	if (!sim_pfn_is_ram(pfn))
		return false;
	if (vmid == SIM_OWNER_HOST)
		return host_exclusive(page_of(pfn));
	return page_of(pfn)->owner == vmid;
}

static int share_guest(struct sim_page_info *p, u32 vmid)
{
	if (!host_exclusive(p))
		return -EPERM;
	p->shared_with = vmid;
	return 0;
}

int bootops_plat_share_guest_page(u64 pfn, u32 vmid)
{
	if (pfn_is_mmio(pfn))
		return -EPERM;
	return WITH_PAGE(pfn, share_guest(p, vmid));
}

void bootops_plat_unshare_guest_page(u64 pfn, u32 vmid)
{
	expect(sim_pfn_is_ram(pfn), "unshare of a non-RAM page");
	WITH_PAGE(pfn, (expect(p->shared_with == vmid, "unshare of a page not shared"),
			p->shared_with = 0, 0));
}

static int dma_pin(struct sim_page_info *p)
{
	if (p->owner != SIM_OWNER_HOST || p->claimed || p->shared_with)
		return -EPERM;
	p->dma_pins++;
	return 0;
}

int bootops_plat_dma_pin(u64 pfn)
{
	if (pfn_is_mmio(pfn))
		return -EPERM;
	return WITH_PAGE(pfn, dma_pin(p));
}

void bootops_plat_dma_unpin(u64 pfn)
{
	WITH_PAGE(pfn, (expect(p->dma_pins > 0, "unpin of an unpinned page"),
			p->dma_pins--, 0));
}

int bootops_plat_check_vm_mmio(u64 pfn)
{
	if (pfn_is_mmio(pfn))
		return pfn < SIM_MMIO_PFN + SIM_MMIO_HYP_PAGES ? -EPERM : 0;
	return sim_pfn_is_ram(pfn) ? -EPERM : -EINVAL;
}

static bool vm_memory_is(u64 pfn, u32 owner, bool need_exclusive)
{
	u64 i;

	for (i = 0; i < BOOTOPS_VM_STATE_PAGES; i++) {
		struct sim_page_info *p = page_of(pfn + i);

		if (need_exclusive ? !host_exclusive(p) : p->owner != owner)
			return false;
	}
	return true;
}

static bool vm_memory_is_ram(u64 pfn)
{
	u64 last = pfn + BOOTOPS_VM_STATE_PAGES - 1;

	/* Both ends in one RAM range: the pages are contiguous RAM. */
	return last > pfn && sim_pfn_is_ram(pfn) && sim_pfn_is_ram(last) &&
	       pfn_is_state(pfn) == pfn_is_state(last);
}

int bootops_plat_take_vm_memory(u64 pfn, void **va)
{
	u64 i;

	if (!vm_memory_is_ram(pfn))
		return -EINVAL;
	bootops_lock(&sim.lock);
	if (!vm_memory_is(pfn, SIM_OWNER_HOST, true)) {
		bootops_unlock(&sim.lock);
		return -EPERM;
	}
	for (i = 0; i < BOOTOPS_VM_STATE_PAGES; i++)
		page_of(pfn + i)->owner = SIM_OWNER_HYP;
	if (pfn_is_state(pfn))
		sim.lease[(pfn - SIM_STATE_PFN) / BOOTOPS_VM_STATE_PAGES] = NULL;
	bootops_unlock(&sim.lock);
	dma_lose(pfn, BOOTOPS_VM_STATE_PAGES, true);
	memset(sim_page_bytes(pfn), 0, BOOTOPS_VM_STATE_PAGES * BOOTOPS_PAGE_SIZE);
	*va = sim_page_bytes(pfn);
	return 0;
}

static u64 pfn_of_va(const void *va)
{
	return sim_pfn_at(((const u8 *)va - sim.mem) / BOOTOPS_PAGE_SIZE);
}

void bootops_plat_return_vm_memory(void *va)
{
	u64 pfn = pfn_of_va(va), i;

	expect(vm_memory_is_ram(pfn) && vm_memory_is(pfn, SIM_OWNER_HYP, false),
	       "return of memory hyp did not take for a VM");
	memset(va, 0, BOOTOPS_VM_STATE_PAGES * BOOTOPS_PAGE_SIZE);
	bootops_lock(&sim.lock);
	for (i = 0; i < BOOTOPS_VM_STATE_PAGES; i++)
		page_of(pfn + i)->owner = SIM_OWNER_HOST;
	bootops_unlock(&sim.lock);
	dma_gain(pfn, BOOTOPS_VM_STATE_PAGES);
}

u64 sim_vm_state_pfn(u64 vmid)
{
	const struct bootops_vm_info *vm = bootops_vm(vmid);

	return vm ? pfn_of_va(vm) : BOOTOPS_INVALID64;
}

/* Any thread-local address tells the threads apart. */
static __thread char lease_token;

u64 sim_vm_memory(void)
{
	u64 n = SIM_STATE_PAGES / BOOTOPS_VM_STATE_PAGES, c, pfn = BOOTOPS_INVALID64;

	bootops_lock(&sim.lock);
	for (c = 0; c < n && pfn == BOOTOPS_INVALID64; c++)
		if (sim.lease[c] == &lease_token)
			pfn = SIM_STATE_PFN + c * BOOTOPS_VM_STATE_PAGES;
	for (c = 0; c < n && pfn == BOOTOPS_INVALID64; c++) {
		u64 first = SIM_STATE_PFN + c * BOOTOPS_VM_STATE_PAGES;

		if (!sim.lease[c] && vm_memory_is(first, SIM_OWNER_HOST, true)) {
			sim.lease[c] = &lease_token;
			pfn = first;
		}
	}
	bootops_unlock(&sim.lock);
	return pfn;
}

void *bootops_plat_remap_va(u64 slot)
{
	return sim.remap + slot * BOOTOPS_PAGE_SIZE;
}

int bootops_plat_remap_map(u64 slot, u64 pfn)
{
	void *va;

	expect(slot < BOOTOPS_REMAP_PAGES && sim_pfn_is_ram(pfn), "bad remap");
	expect(sim.remap_pfn[slot] == BOOTOPS_INVALID64, "remap slot reused");
	/* Two VMs may map slots at once: the counts are shared, as hyp's page table is. */
	bootops_lock(&sim.lock);
	if (sim.fail_remap_after == 0) {
		bootops_unlock(&sim.lock);
		return -ENOMEM;
	}
	if (sim.fail_remap_after > 0)
		sim.fail_remap_after--;
	sim.remap_mapped++;
	bootops_unlock(&sim.lock);
	va = mmap(bootops_plat_remap_va(slot), BOOTOPS_PAGE_SIZE, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_FIXED, sim.memfd, sim_page_index(pfn) * BOOTOPS_PAGE_SIZE);
	if (va == MAP_FAILED)
		die("remap");
	sim.remap_pfn[slot] = pfn;
	return 0;
}

void bootops_plat_remap_unmap(u64 slot)
{
	void *va;

	expect(sim.remap_pfn[slot] != BOOTOPS_INVALID64, "unmap of an empty remap slot");
	va = mmap(bootops_plat_remap_va(slot), BOOTOPS_PAGE_SIZE, PROT_NONE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	if (va == MAP_FAILED)
		die("remap unmap");
	sim.remap_pfn[slot] = BOOTOPS_INVALID64;
	bootops_lock(&sim.lock);
	sim.remap_mapped--;
	bootops_unlock(&sim.lock);
}

u64 bootops_plat_remap_pfn(u64 slot)
{
	return sim.remap_pfn[slot];
}

/* One view of memory here: nothing to do. */
void bootops_plat_guest_page_sync(void *va)
{
}

u32 bootops_plat_vm_ipa_bits(u32 vmid)
{
	return SIM_IPA_BITS;
}

bool bootops_plat_s2_ready(u32 vmid)
{
	return !sim.s2_missing[vmid];
}

void sim_set_s2_missing(u32 vmid, bool missing)
{
	sim.s2_missing[vmid] = missing;
}

int bootops_plat_s2_map(u32 vmid, u64 ipa, u64 pfn, enum bootops_s2_kind kind)
{
	struct bootops_pgt *pgt = &sim.s2[vmid];
	int ret;

	expect(!(ipa >> SIM_IPA_BITS) && bootops_page_aligned(ipa), "bad s2 ipa");
	if (!pgt->root_pa) {
		ret = bootops_pgt_init(pgt);
		if (ret)
			return ret;
	}
	return bootops_pgt_map(pgt, ipa, bootops_s2_pte(pfn, kind));
}

void bootops_plat_s2_unmap(u32 vmid, u64 ipa)
{
	expect(bootops_pgt_unmap(&sim.s2[vmid], ipa), "unmap of an unmapped ipa");
}

u64 bootops_plat_s2_lookup(u32 vmid, u64 ipa)
{
	u64 pte = bootops_pgt_lookup(&sim.s2[vmid], ipa);

	return pte ? (pte & BOOTOPS_PTE_OA_MASK) >> BOOTOPS_PAGE_SHIFT : BOOTOPS_INVALID64;
}

int bootops_plat_s2_kind(u32 vmid, u64 ipa)
{
	u64 pte = bootops_pgt_lookup(&sim.s2[vmid], ipa);

	return pte ? (int)bootops_s2_pte_kind(pte) : -ENOENT;
}

bool sim_s2_is_shared(u32 vmid, u64 ipa)
{
	return bootops_plat_s2_kind(vmid, ipa) == BOOTOPS_S2_SHARED;
}

u64 sim_s2_lookup(u32 vmid, u64 ipa)
{
	return bootops_plat_s2_lookup(vmid, ipa);
}

bool sim_s2_is_device(u32 vmid, u64 ipa)
{
	u64 pte = bootops_pgt_lookup(&sim.s2[vmid], ipa);

	return (pte & BOOTOPS_PTE_S2_MEMATTR) == (BOOTOPS_PTE_S2_DEVICE & BOOTOPS_PTE_S2_MEMATTR);
}

static void count_leaf(u64 ia, u64 pte, void *arg)
{
	(*(u64 *)arg)++;
}

static void s2_walk_leaf(u64 ia, u64 pte, void *arg)
{
	struct { void (*fn)(u64, u64, bool, void *); void *arg; } *w = arg;
	bool device = (pte & BOOTOPS_PTE_S2_MEMATTR) ==
		      (BOOTOPS_PTE_S2_DEVICE & BOOTOPS_PTE_S2_MEMATTR);

	w->fn(ia, (pte & BOOTOPS_PTE_OA_MASK) >> BOOTOPS_PAGE_SHIFT, device, w->arg);
}

u64 sim_s2_count(u32 vmid)
{
	u64 n = 0;

	bootops_pgt_walk(&sim.s2[vmid], count_leaf, &n);
	return n;
}

void sim_s2_walk(u32 vmid, void (*fn)(u64 ipa, u64 pfn, bool device, void *arg), void *arg)
{
	struct { void (*fn)(u64, u64, bool, void *); void *arg; } w = { fn, arg };

	bootops_pgt_walk(&sim.s2[vmid], s2_walk_leaf, &w);
}

static void reclaim_leaf(u64 ia, u64 pte, void *arg)
{
	u32 vmid = *(u32 *)arg;
	u64 pfn = (pte & BOOTOPS_PTE_OA_MASK) >> BOOTOPS_PAGE_SHIFT;

	if (bootops_s2_pte_kind(pte) == BOOTOPS_S2_SHARED)
		bootops_plat_unshare_guest_page(pfn, vmid);
	else if (bootops_plat_page_owned_by(pfn, vmid))
		bootops_plat_reclaim_page(pfn, vmid);
}

int bootops_plat_s2_teardown(u32 vmid, u64 *budget)
{
	if (!bootops_pgt_drain(&sim.s2[vmid], reclaim_leaf, &vmid, budget))
		return BOOTOPS_CONTINUE;
	bootops_pgt_destroy(&sim.s2[vmid], NULL, NULL);
	return 0;
}

void *bootops_plat_alloc_table(u64 *pa)
{
	u64 pfn = 0;

	bootops_lock(&sim.lock);
	if (sim.fail_tables_after != 0 && sim.nr_free_tables) {
		if (sim.fail_tables_after > 0)
			sim.fail_tables_after--;
		pfn = sim.free_tables[--sim.nr_free_tables];
	}
	bootops_unlock(&sim.lock);
	if (!pfn)
		return NULL;
	memset(sim_page_bytes(pfn), 0, BOOTOPS_PAGE_SIZE);
	*pa = pfn << BOOTOPS_PAGE_SHIFT;
	return sim_page_bytes(pfn);
}

void bootops_plat_free_table(void *va)
{
	u64 pfn = SIM_HYP_PFN + ((u8 *)va - sim.mem) / BOOTOPS_PAGE_SIZE;

	expect(pfn >= SIM_HYP_PFN && pfn < SIM_HYP_PFN + SIM_HYP_PAGES, "free of a non-table");
	bootops_lock(&sim.lock);
	expect(sim.nr_free_tables < SIM_HYP_PAGES, "table freed twice");
	sim.free_tables[sim.nr_free_tables++] = pfn;
	bootops_unlock(&sim.lock);
}

void *bootops_plat_table_va(u64 pa)
{
	u64 pfn = pa >> BOOTOPS_PAGE_SHIFT;

	if (pfn >= SIM_SMMU_POOL_PFN && pfn < SIM_SMMU_POOL_PFN + SIM_SMMU_POOL_PAGES)
		return smmu_pool + (pfn - SIM_SMMU_POOL_PFN) * BOOTOPS_PAGE_SIZE;
	expect(pfn >= SIM_HYP_PFN && pfn < SIM_HYP_PFN + SIM_HYP_PAGES, "table outside the pool");
	return sim_page_bytes(pfn);
}

u64 bootops_plat_table_pa(const void *va)
{
	const u8 *p = va;

	if (p >= smmu_pool && p < smmu_pool + sizeof(smmu_pool))
		return (SIM_SMMU_POOL_PFN << BOOTOPS_PAGE_SHIFT) + (u64)(p - smmu_pool);
	expect(p >= sim.mem && p < sim.mem + SIM_ALL_PAGES * BOOTOPS_PAGE_SIZE,
	       "pa of memory the platform does not have");
	return (pfn_of_va(p) << BOOTOPS_PAGE_SHIFT) | ((u64)(p - sim.mem) % BOOTOPS_PAGE_SIZE);
}

/* The SMMU model reads memory under its lock, which every register access takes. */
void bootops_plat_wmb(void)
{
}

/* SMMU index 0 is the modelled SMMUv3, bank cbndx its stream cbndx; index 1 has none. */
void bootops_plat_smmu_sync(u32 index, u32 cbndx, u64 root_pa)
{
	sim.smmu_root[index][cbndx] = root_pa;
	if (!index && bootops_smmuv3_set_stream(cbndx, root_pa))
		die("SMMU: set_stream");
}

u64 bootops_plat_smmu_pte(u64 pa, u64 attrs)
{
	return bootops_smmuv3_pte(pa, attrs);
}

u64 sim_smmu_root(u32 index, u32 cbndx)
{
	return sim.smmu_root[index][cbndx];
}

u32 bootops_plat_cpu(void)
{
	return sim_cpu;
}

void sim_set_cpu(u32 cpu)
{
	sim_cpu = cpu;
}

u64 sim_remap_count(void)
{
	return sim.remap_mapped;
}

u64 bootops_plat_tables_used(void)
{
	return sim_tables_used();
}

u64 sim_tables_used(void)
{
	return SIM_HYP_PAGES - sim.nr_free_tables;
}

u64 sim_hyp_free_pages(void)
{
	return sim.nr_free_tables;
}

void sim_fail_tables_after(long n)
{
	sim.fail_tables_after = n;
}

void sim_fail_remap_after(long n)
{
	sim.fail_remap_after = n;
}

static int host_access(u64 pfn, u64 off, u64 len)
{
	u32 owner;

	if (!sim_pfn_is_ram(pfn) || off > BOOTOPS_PAGE_SIZE || len > BOOTOPS_PAGE_SIZE - off)
		return -EFAULT;
	owner = page_of(pfn)->owner;
	if (owner == SIM_OWNER_HOST)
		return 0;
	if (owner != SIM_OWNER_HYP)
		bootops_note_host_fault(owner);
	return -EFAULT;
}

int sim_host_write(u64 pfn, u64 off, const void *src, u64 len)
{
	int ret = host_access(pfn, off, len);

	if (!ret)
		memcpy(sim_page_bytes(pfn) + off, src, len);
	return ret;
}

int sim_host_read(u64 pfn, u64 off, void *dst, u64 len)
{
	int ret = host_access(pfn, off, len);

	if (!ret)
		memcpy(dst, sim_page_bytes(pfn) + off, len);
	return ret;
}

static void smmu_walk_leaf(u64 ia, u64 pte, void *arg)
{
	struct { void (*fn)(u64, u64, void *); void *arg; } *w = arg;

	w->fn(ia, (pte & BOOTOPS_PTE_OA_MASK) >> BOOTOPS_PAGE_SHIFT, w->arg);
}

void sim_smmu_walk(u32 index, u32 cbndx, void (*fn)(u64 iova, u64 pfn, void *arg), void *arg)
{
	struct { void (*fn)(u64, u64, void *); void *arg; } w = { fn, arg };

	bootops_pgt_walk(&bootops_state.smmu[index][cbndx].pgt, smmu_walk_leaf, &w);
}

u64 sim_search_load_info(u64 vmid, u64 addr)
{
	u64 va;

	if (!bootops_vmid_valid(vmid))
		return 0;
	bootops_lock_vm(vmid);
	va = bootops_search_load_info(vmid, addr);
	bootops_unlock_vm(vmid);
	return va;
}
