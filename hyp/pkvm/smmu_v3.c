// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops: hyp's SMMUv3.  The host names the SMMU before it drops its
 * privileges; at init hyp unmaps its registers from the host's stage 2
 * and programs it: a linear stream table whose every entry translates
 * through one stage-1 context, the host's DMA view, an identity map of
 * the memory the host owns at page granularity, built in memory reserved
 * at boot (the tables never grow, so no ownership change can fail for
 * want of a page).  mem_protect.c calls in whenever host ownership
 * changes; a page that leaves the host is unmapped, and the SMMU's TLB
 * invalidated and synced, before the change is complete.
 *
 * Stage 1 because that is what QEMU's model implements; on an SMMU with
 * stage 2 the same map would be a stage-2 table (or the host's own stage
 * 2), and stage 1 would be the host's again.
 *
 * Hyp takes no SMMU interrupt: it drains the event queue whenever it
 * syncs and when the host asks for a stream's faults.
 *
 * Lock order: host component lock, then smmu.lock.
 */
#include <linux/bitfield.h>
#include <linux/log2.h>
#include <linux/sizes.h>

#include <asm/barrier.h>
#include <asm/io.h>
#include <asm/kvm_hyp.h>
#include <asm/kvm_pgtable.h>
#include <asm/kvm_pkvm.h>

#include <nvhe/bootops-smmu-v3.h>
#include <nvhe/mem_protect.h>
#include <nvhe/memory.h>
#include <nvhe/mm.h>
#include <nvhe/spinlock.h>

#include <bootops/pgtable.h>
#include <bootops/platform.h>

struct kvm_bootops_smmu_desc bootops_smmu_desc;

/* Registers: page 0, and page 1 at 64 KiB for the event queue's indexes. */
#define SMMU_IDR0		0x00
#define  IDR0_S1P		BIT(1)
#define  IDR0_TTF		GENMASK(3, 2)
#define  IDR0_TTF_AARCH64	BIT(1)
#define  IDR0_COHACC		BIT(4)
#define  IDR0_ASID16		BIT(12)
#define SMMU_IDR1		0x04
#define  IDR1_SIDSIZE		GENMASK(5, 0)
#define  IDR1_EVTQS		GENMASK(20, 16)
#define  IDR1_CMDQS		GENMASK(25, 21)
#define SMMU_IDR5		0x14
#define  IDR5_OAS		GENMASK(2, 0)
#define  IDR5_GRAN4K		BIT(4)
#define SMMU_CR0		0x20
#define  CR0_SMMUEN		BIT(0)
#define  CR0_EVTQEN		BIT(2)
#define  CR0_CMDQEN		BIT(3)
#define SMMU_CR0ACK		0x24
#define SMMU_CR1		0x28
#define SMMU_CR2		0x2c
#define  CR2_RECINVSID		BIT(1)
#define SMMU_IRQ_CTRL		0x50
#define SMMU_GERROR		0x60
#define  GERROR_CMDQ_ERR	BIT(0)
#define  GERROR_EVTQ_ABT_ERR	BIT(2)
#define SMMU_GERRORN		0x64
#define SMMU_STRTAB_BASE	0x80
#define SMMU_STRTAB_BASE_CFG	0x88
#define SMMU_CMDQ_BASE		0x90
#define SMMU_CMDQ_PROD		0x98
#define SMMU_CMDQ_CONS		0x9c
#define  CMDQ_CONS_ERR		GENMASK(30, 24)
#define SMMU_EVTQ_BASE		0xa0
#define SMMU_EVTQ_PROD		0x100a8
#define SMMU_EVTQ_CONS		0x100ac
#define  Q_OVF			BIT(31)
#define SMMU_MMIO_SIZE		SZ_128K

#define Q_BASE_ALLOC		BIT_ULL(62)	/* RA (cmdq, strtab) / WA (evtq) */
#define Q_BASE_ADDR		GENMASK_ULL(51, 5)
#define STRTAB_ADDR		GENMASK_ULL(51, 6)

/* CR1: tables and queues write-back cacheable, inner shareable. */
#define CR1_WB_ISH		(FIELD_PREP(GENMASK(11, 10), 3) | FIELD_PREP(GENMASK(9, 8), 1) | \
				 FIELD_PREP(GENMASK(7, 6), 1) | FIELD_PREP(GENMASK(5, 4), 3) | \
				 FIELD_PREP(GENMASK(3, 2), 1) | FIELD_PREP(GENMASK(1, 0), 1))

/* Stream table entry, 8 double words. */
#define STE_DWORDS		8
#define STE_V			BIT_ULL(0)
#define STE_CFG			GENMASK_ULL(3, 1)
#define  STE_CFG_ABORT		0
#define  STE_CFG_S1_TRANS	5
#define STE_S1_CTXPTR		GENMASK_ULL(51, 6)
#define STE_1_S1_WB_ISH		(FIELD_PREP(GENMASK_ULL(3, 2), 1) | FIELD_PREP(GENMASK_ULL(5, 4), 1) | \
				 FIELD_PREP(GENMASK_ULL(7, 6), 3))
#define STE_1_SHCFG_INCOMING	FIELD_PREP(GENMASK_ULL(45, 44), 1)

/* Context descriptor, 8 double words. */
#define CD_DWORDS		8
#define CD_0_T0SZ		GENMASK_ULL(5, 0)
#define CD_0_TG0_4K		FIELD_PREP(GENMASK_ULL(7, 6), 0)
#define CD_0_WB_ISH		(FIELD_PREP(GENMASK_ULL(9, 8), 1) | FIELD_PREP(GENMASK_ULL(11, 10), 1) | \
				 FIELD_PREP(GENMASK_ULL(13, 12), 3))
#define CD_0_EPD1		BIT_ULL(30)
#define CD_0_V			BIT_ULL(31)
#define CD_0_IPS		GENMASK_ULL(34, 32)
#define CD_0_AA64		BIT_ULL(41)
#define CD_0_R			BIT_ULL(45)	/* record faults */
#define CD_0_A			BIT_ULL(46)	/* abort the faulting transaction */
#define CD_0_ASID		GENMASK_ULL(63, 48)
#define CD_1_TTB0		GENMASK_ULL(51, 4)
#define CD_3_MAIR		3
#define HOST_ASID		1
/* A stream with a bank's table of its own: an ASID of its own (QEMU's IOTLB is by ASID). */
#define STREAM_ASID(sid)	(HOST_ASID + 1 + (sid))
/* MAIR: attribute 0 normal write-back, 1 device nGnRE. */
#define MAIR_WB_DEVICE		(0xffULL | 0x04ULL << 8)

/* The host's identity map: stage-1 LPAE, 4 KiB granule, 48-bit input. */
#define IDMAP_T0SZ		16
#define IDMAP_VALID		BIT_ULL(0)
#define IDMAP_TABLE		BIT_ULL(1)	/* table (levels 0-2) or page (level 3) */
#define IDMAP_AP_RW		BIT_ULL(6)	/* AP[2:1] = 01: read-write at any privilege */
#define IDMAP_AP_RO		BIT_ULL(7)	/* AP[2]: read-only */
#define IDMAP_ATTR_DEVICE	(1ULL << 2)	/* AttrIndx 1 */
#define IDMAP_SH_INNER		(3ULL << 8)
#define IDMAP_AF			BIT_ULL(10)
#define IDMAP_ADDR		GENMASK_ULL(47, 12)
#define IDMAP_LEAF		(IDMAP_VALID | IDMAP_TABLE | IDMAP_AF | IDMAP_SH_INNER | IDMAP_AP_RW)

/* Commands, 2 double words. */
#define CMD_CFGI_STE		0x03
#define CMD_CFGI_ALL		0x04
#define CMD_TLBI_NH_ASID	0x11
#define CMD_TLBI_NH_VA		0x12
#define CMD_TLBI_NSNH_ALL	0x30
#define CMD_SYNC		0x46
#define CMD_ASID		GENMASK_ULL(63, 48)
#define CMD_SID			GENMASK_ULL(63, 32)
#define CMD_1_LEAF		BIT_ULL(0)
#define CMD_1_ADDR		GENMASK_ULL(63, 12)
#define CMD_1_CFGI_RANGE_ALL	31
/* Past this many pages a range is invalidated by ASID, not page by page. */
#define TLBI_MAX_PAGES		16

/* Event records, 4 double words. */
#define EVT_DWORDS		4
#define EVT_0_TYPE		GENMASK_ULL(7, 0)
#define EVT_0_SID		GENMASK_ULL(63, 32)

#define Q_LOG2			8	/* 256 commands: one page */
#define EVTQ_LOG2		7	/* 128 events: one page */
#define POLL_LOOPS		(1 << 22)

struct smmu_queue {
	u64 *base;
	u32 log2;
	u32 prod, cons;		/* index and wrap bit */
};

struct stream_faults {
	u64 nr, type, addr;
};

static struct {
	void __iomem *regs;
	u64 *strtab, *cd, *idmap;
	u64 *stream_cds;		/* one context per stream, for a bank's table */
	u64 stream_root[KVM_BOOTOPS_SMMU_STREAMS];	/* 0: the host's DMA view */
	struct smmu_queue cmdq, evtq;
	void *pool, *pool_end;
	struct stream_faults faults[KVM_BOOTOPS_SMMU_STREAMS];
	u64 oas, lost_events;
	bool ready, tlbi_pending;
	hyp_spinlock_t lock;
} smmu;

/* The reserved pages, handed out once at init; never freed. */
static void *smmu_alloc_page(void)
{
	void *page = smmu.pool;

	if (page >= smmu.pool_end)
		return NULL;
	smmu.pool += PAGE_SIZE;
	memset(page, 0, PAGE_SIZE);
	return page;
}

static u32 smmu_read(u32 off)
{
	return readl_relaxed(smmu.regs + off);
}

static void smmu_write(u32 off, u32 val)
{
	writel_relaxed(val, smmu.regs + off);
}

static void smmu_write64(u32 off, u64 val)
{
	writeq_relaxed(val, smmu.regs + off);
}

static int smmu_write_cr0(u32 val)
{
	int i;

	smmu_write(SMMU_CR0, val);
	for (i = 0; i < POLL_LOOPS; i++)
		if (smmu_read(SMMU_CR0ACK) == val)
			return 0;
	return -ETIMEDOUT;
}

static u32 q_idx(const struct smmu_queue *q, u32 v)
{
	return v & (BIT(q->log2) - 1);
}

static bool q_full(const struct smmu_queue *q)
{
	return q_idx(q, q->prod) == q_idx(q, q->cons) && q->prod != q->cons;
}

static u32 q_inc(const struct smmu_queue *q, u32 v)
{
	return (v + 1) & (BIT(q->log2 + 1) - 1);
}

static int cmdq_wait_cons(u32 until_prod)
{
	int i;

	for (i = 0; i < POLL_LOOPS; i++) {
		smmu.cmdq.cons = smmu_read(SMMU_CMDQ_CONS);
		if (FIELD_GET(CMDQ_CONS_ERR, smmu.cmdq.cons) ||
		    (smmu_read(SMMU_GERROR) ^ smmu_read(SMMU_GERRORN)) & GERROR_CMDQ_ERR)
			return -EIO;
		smmu.cmdq.cons &= BIT(smmu.cmdq.log2 + 1) - 1;
		if (smmu.cmdq.cons == until_prod)
			return 0;
	}
	return -ETIMEDOUT;
}

static int cmdq_put(u64 dw0, u64 dw1)
{
	struct smmu_queue *q = &smmu.cmdq;
	u64 *ent;
	int ret;

	if (q_full(q)) {
		ret = cmdq_wait_cons(q->prod);
		if (ret)
			return ret;
	}
	ent = q->base + 2 * q_idx(q, q->prod);
	ent[0] = dw0;
	ent[1] = dw1;
	q->prod = q_inc(q, q->prod);
	/* The command in memory before the SMMU sees the new index. */
	dsb(ishst);
	smmu_write(SMMU_CMDQ_PROD, q->prod);
	return 0;
}

static void evtq_drain(void)
{
	struct smmu_queue *q = &smmu.evtq;
	u32 prod = smmu_read(SMMU_EVTQ_PROD), gerror;

	/* Records are counted, not kept: an overflow loses only records. */
	q->prod = prod & (BIT(q->log2 + 1) - 1);
	while (q->cons != q->prod) {
		u64 *ent = q->base + EVT_DWORDS * q_idx(q, q->cons);
		u64 sid = FIELD_GET(EVT_0_SID, ent[0]);

		if (sid < KVM_BOOTOPS_SMMU_STREAMS) {
			smmu.faults[sid].nr++;
			smmu.faults[sid].type = FIELD_GET(EVT_0_TYPE, ent[0]);
			smmu.faults[sid].addr = ent[2];
		}
		q->cons = q_inc(q, q->cons);
	}
	smmu_write(SMMU_EVTQ_CONS, q->cons | (prod & Q_OVF));
	/* A full queue dropped records: count that, and take records again. */
	gerror = smmu_read(SMMU_GERROR);
	if ((gerror ^ smmu_read(SMMU_GERRORN)) & GERROR_EVTQ_ABT_ERR) {
		smmu.lost_events++;
		smmu_write(SMMU_GERRORN, smmu_read(SMMU_GERRORN) ^ GERROR_EVTQ_ABT_ERR);
	}
}

/* CMD_SYNC, and the wait for the SMMU to have consumed it and all before. */
static int cmdq_sync(void)
{
	int ret = cmdq_put(CMD_SYNC, 0);

	if (!ret)
		ret = cmdq_wait_cons(smmu.cmdq.prod);
	evtq_drain();
	return ret;
}

/* The level-3 entry of the identity map for pa, or NULL outside memory. */
static u64 *idmap_leaf(phys_addr_t pa, bool alloc)
{
	u64 *table = smmu.idmap;
	int level;

	for (level = 0; level < 3; level++) {
		u64 *slot = &table[(pa >> (12 + 9 * (3 - level))) & 511];

		if (!(*slot & IDMAP_VALID)) {
			u64 *next = alloc ? smmu_alloc_page() : NULL;

			if (!next)
				return NULL;
			*slot = __hyp_pa(next) | IDMAP_TABLE | IDMAP_VALID;
		}
		table = hyp_phys_to_virt(*slot & IDMAP_ADDR);
	}
	return &table[(pa >> 12) & 511];
}

static void idmap_set(phys_addr_t addr, u64 size, bool host_owns)
{
	phys_addr_t pa;

	for (pa = addr; pa < addr + size; pa += PAGE_SIZE) {
		u64 *leaf = idmap_leaf(pa, false);

		if (leaf)
			WRITE_ONCE(*leaf, host_owns ? pa | IDMAP_LEAF : 0);
	}
}

static int tlbi_range(phys_addr_t addr, u64 size)
{
	phys_addr_t pa;
	int ret = 0;

	if (size > TLBI_MAX_PAGES * PAGE_SIZE)
		return cmdq_put(CMD_TLBI_NH_ASID | FIELD_PREP(CMD_ASID, HOST_ASID), 0);
	for (pa = addr; pa < addr + size && !ret; pa += PAGE_SIZE)
		ret = cmdq_put(CMD_TLBI_NH_VA | FIELD_PREP(CMD_ASID, HOST_ASID),
			       CMD_1_LEAF | (pa & CMD_1_ADDR));
	return ret;
}

void bootops_smmu_host_gain(phys_addr_t addr, u64 size)
{
	if (!smmu.ready)
		return;
	/* A new entry needs no invalidation: nothing cached it as absent. */
	hyp_spin_lock(&smmu.lock);
	idmap_set(addr, size, true);
	hyp_spin_unlock(&smmu.lock);
}

void bootops_smmu_host_lose(phys_addr_t addr, u64 size, bool sync)
{
	if (!smmu.ready)
		return;
	hyp_spin_lock(&smmu.lock);
	idmap_set(addr, size, false);
	dsb(ishst);
	if (sync) {
		WARN_ON(tlbi_range(addr, size) || cmdq_sync());
	} else {
		smmu.tlbi_pending = true;
	}
	hyp_spin_unlock(&smmu.lock);
}

void bootops_smmu_host_sync(void)
{
	if (!smmu.ready)
		return;
	hyp_spin_lock(&smmu.lock);
	if (smmu.tlbi_pending) {
		WARN_ON(cmdq_put(CMD_TLBI_NH_ASID | FIELD_PREP(CMD_ASID, HOST_ASID), 0) ||
			cmdq_sync());
		smmu.tlbi_pending = false;
	}
	hyp_spin_unlock(&smmu.lock);
}

int bootops_smmu_stream_faults(u64 sid, u64 *nr, u64 *type, u64 *addr)
{
	if (!smmu.ready)
		return -ENODEV;
	if (sid >= KVM_BOOTOPS_SMMU_STREAMS)
		return -EINVAL;
	hyp_spin_lock(&smmu.lock);
	evtq_drain();
	*nr = smmu.faults[sid].nr;
	*type = smmu.faults[sid].type;
	*addr = smmu.faults[sid].addr;
	hyp_spin_unlock(&smmu.lock);
	return 0;
}

/*
 * The host's DMA view from its stage 2 as fix_host_ownership() left it:
 * every page of memory but those another owner has (an invalid, non-zero
 * host entry), one leaf at a time of the host's table.
 */
static int idmap_build(void)
{
	int i;

	for (i = 0; i < hyp_memblock_nr; i++) {
		phys_addr_t addr = hyp_memory[i].base;
		phys_addr_t end = addr + hyp_memory[i].size;

		while (addr < end) {
			phys_addr_t next;
			kvm_pte_t pte = 0;
			s8 level = KVM_PGTABLE_LAST_LEVEL;
			int ret = kvm_pgtable_get_leaf(&host_mmu.pgt, addr, &pte, &level);

			if (ret)
				return ret;
			next = min(ALIGN_DOWN(addr, kvm_granule_size(level)) +
				   kvm_granule_size(level), end);
			for (; addr < next; addr += PAGE_SIZE) {
				u64 *leaf = idmap_leaf(addr, true);

				if (!leaf)
					return -ENOMEM;
				if (!pte || kvm_pte_valid(pte))
					*leaf = addr | IDMAP_LEAF;
			}
		}
	}
	return 0;
}

static int smmu_map_regs(void)
{
	const struct kvm_bootops_smmu_desc *d = &bootops_smmu_desc;
	unsigned long va;
	int ret;

	if (!PAGE_ALIGNED(d->pa) || d->size < SMMU_MMIO_SIZE ||
	    addr_is_memory(d->pa) || addr_is_memory(d->pa + SMMU_MMIO_SIZE - 1))
		return -EINVAL;
	ret = __pkvm_create_private_mapping(d->pa, SMMU_MMIO_SIZE, PAGE_HYP_DEVICE, &va);
	if (ret)
		return ret;
	smmu.regs = (void __iomem *)va;
	/* From now on a host access to the SMMU is a fault the host takes. */
	bootops_smmu_host_lock();
	ret = host_stage2_set_owner_locked(d->pa, SMMU_MMIO_SIZE, PKVM_ID_HYP);
	bootops_smmu_host_unlock();
	return ret;
}

/*
 * Host devices signal MSIs by DMA to the interrupt controller's doorbell:
 * the host's DMA view has that page too.
 */
static int idmap_msi_doorbell(void)
{
	u64 pa = bootops_smmu_desc.msi_doorbell;
	u64 *leaf;

	if (!pa)
		return 0;
	if (!PAGE_ALIGNED(pa) || addr_is_memory(pa))
		return -EINVAL;
	leaf = idmap_leaf(pa, true);
	if (!leaf)
		return -ENOMEM;
	*leaf = pa | IDMAP_LEAF;
	return 0;
}

/* What hyp needs of the SMMU: stage 1, AArch64 tables, 4 KiB, 16-bit ASIDs, coherent walks. */
static int smmu_probe(void)
{
	u32 idr0 = smmu_read(SMMU_IDR0), idr1 = smmu_read(SMMU_IDR1);
	u32 idr5 = smmu_read(SMMU_IDR5);

	if (!(idr0 & IDR0_S1P) || !(FIELD_GET(IDR0_TTF, idr0) & IDR0_TTF_AARCH64) ||
	    !(idr0 & IDR0_COHACC) || !(idr0 & IDR0_ASID16) || !(idr5 & IDR5_GRAN4K))
		return -ENODEV;
	if (FIELD_GET(IDR1_CMDQS, idr1) < Q_LOG2 || FIELD_GET(IDR1_EVTQS, idr1) < EVTQ_LOG2 ||
	    BIT(FIELD_GET(IDR1_SIDSIZE, idr1)) < KVM_BOOTOPS_SMMU_STREAMS)
		return -ENODEV;
	smmu.oas = FIELD_GET(IDR5_OAS, idr5);
	return 0;
}

#define STRTAB_SIZE	(KVM_BOOTOPS_SMMU_STREAMS * STE_DWORDS * 8)

/* The linear stream table first: its base must be aligned to its size. */
static int smmu_alloc_structures(void)
{
	int i;

	smmu.pool = PTR_ALIGN(smmu.pool, STRTAB_SIZE);
	smmu.strtab = smmu.pool;
	for (i = 0; i < STRTAB_SIZE / PAGE_SIZE; i++)
		if (!smmu_alloc_page())
			return -ENOMEM;
	smmu.cmdq.base = smmu_alloc_page();
	smmu.cmdq.log2 = Q_LOG2;
	smmu.evtq.base = smmu_alloc_page();
	smmu.evtq.log2 = EVTQ_LOG2;
	smmu.cd = smmu_alloc_page();
	smmu.idmap = smmu_alloc_page();
	smmu.stream_cds = smmu.pool;
	for (i = 0; i < KVM_BOOTOPS_SMMU_STREAMS * CD_DWORDS * 8 / PAGE_SIZE; i++)
		if (!smmu_alloc_page())
			return -ENOMEM;
	return smmu.cmdq.base && smmu.evtq.base && smmu.cd && smmu.idmap ? 0 : -ENOMEM;
}

/* A context translating through the table at ttb; valid last, once complete. */
static void cd_fill(u64 *cd, u64 ttb, u16 asid)
{
	cd[1] = FIELD_PREP(CD_1_TTB0, ttb >> 4);
	cd[CD_3_MAIR] = MAIR_WB_DEVICE;
	dsb(ishst);
	WRITE_ONCE(cd[0], FIELD_PREP(CD_0_T0SZ, IDMAP_T0SZ) | CD_0_TG0_4K | CD_0_WB_ISH |
			  CD_0_EPD1 | CD_0_V | FIELD_PREP(CD_0_IPS, smmu.oas) | CD_0_AA64 |
			  CD_0_R | CD_0_A | FIELD_PREP(CD_0_ASID, asid));
}

/* Stream sid translates through context cd, or aborts (NULL): one 64-bit write. */
static void ste_point(u32 sid, const u64 *cd)
{
	u64 *ste = smmu.strtab + sid * STE_DWORDS;

	ste[1] = STE_1_S1_WB_ISH | STE_1_SHCFG_INCOMING;
	dsb(ishst);
	WRITE_ONCE(ste[0], STE_V | (cd ? FIELD_PREP(STE_CFG, STE_CFG_S1_TRANS) |
					 (__hyp_pa(cd) & STE_S1_CTXPTR) :
					 FIELD_PREP(STE_CFG, STE_CFG_ABORT)));
}

/* One context, the host's DMA view, for every stream. */
static void smmu_fill_tables(void)
{
	int sid;

	cd_fill(smmu.cd, __hyp_pa(smmu.idmap), HOST_ASID);
	for (sid = 0; sid < KVM_BOOTOPS_SMMU_STREAMS; sid++)
		ste_point(sid, smmu.cd);
	dsb(ishst);
}

static int cfgi_ste(u32 sid)
{
	return cmdq_put(CMD_CFGI_STE | FIELD_PREP(CMD_SID, sid), CMD_1_LEAF);
}

/*
 * Stream sid to a bank's table at root, or back to the host's DMA view
 * (root 0).  The stream aborts while its context changes, so the SMMU
 * never reads half of one; its ASID is flushed before it translates
 * again, so nothing the last table let through survives.
 */
static int stream_set_root(u32 sid, u64 root)
{
	u64 *cd = smmu.stream_cds + sid * CD_DWORDS;
	int ret;

	if (root == smmu.stream_root[sid])
		return cmdq_put(CMD_TLBI_NH_ASID | FIELD_PREP(CMD_ASID, STREAM_ASID(sid)), 0) ?:
		       cmdq_sync();
	ste_point(sid, NULL);
	ret = cfgi_ste(sid) ?: cmdq_sync();
	if (ret)
		return ret;
	if (root)
		cd_fill(cd, root, STREAM_ASID(sid));
	ste_point(sid, root ? cd : smmu.cd);
	smmu.stream_root[sid] = root;
	return cfgi_ste(sid) ?:
	       cmdq_put(CMD_TLBI_NH_ASID | FIELD_PREP(CMD_ASID, STREAM_ASID(sid)), 0) ?:
	       cmdq_sync();
}

/* Boot ops' banks: on this SMMU (index 0), bank cbndx is StreamID cbndx. */
void bootops_plat_smmu_sync(u32 index, u32 cbndx, u64 root_pa)
{
	if (!smmu.ready || index || cbndx >= KVM_BOOTOPS_SMMU_STREAMS)
		return;
	hyp_spin_lock(&smmu.lock);
	WARN_ON(stream_set_root(cbndx, root_pa));
	hyp_spin_unlock(&smmu.lock);
}

/*
 * A bank's leaf in the stage-1 format this SMMU walks: writable if the
 * host's stage-2 S2AP says so (stage 1 cannot refuse reads), device
 * memory if its MemAttr does.
 */
u64 bootops_plat_smmu_pte(u64 pa, u64 attrs)
{
	u64 pte = (pa & IDMAP_ADDR) | IDMAP_VALID | IDMAP_TABLE | IDMAP_AF | IDMAP_AP_RW |
		  (attrs & BOOTOPS_PTE_S2_SH);

	if (!(attrs & BOOTOPS_PTE_S2_AP_W))
		pte |= IDMAP_AP_RO;
	if (!(attrs & BOOTOPS_PTE_S2_MEMATTR_NORMAL))
		pte |= IDMAP_ATTR_DEVICE;
	return pte;
}

static int smmu_enable(void)
{
	int ret;

	ret = smmu_write_cr0(0);
	if (ret)
		return ret;
	smmu_write(SMMU_IRQ_CTRL, 0);
	smmu_write(SMMU_CR1, CR1_WB_ISH);
	smmu_write(SMMU_CR2, CR2_RECINVSID);
	smmu_write64(SMMU_STRTAB_BASE, Q_BASE_ALLOC | (__hyp_pa(smmu.strtab) & STRTAB_ADDR));
	smmu_write(SMMU_STRTAB_BASE_CFG, ilog2(KVM_BOOTOPS_SMMU_STREAMS));
	smmu_write64(SMMU_CMDQ_BASE, Q_BASE_ALLOC | (__hyp_pa(smmu.cmdq.base) & Q_BASE_ADDR) |
		     smmu.cmdq.log2);
	smmu_write(SMMU_CMDQ_PROD, 0);
	smmu_write(SMMU_CMDQ_CONS, 0);
	smmu_write64(SMMU_EVTQ_BASE, Q_BASE_ALLOC | (__hyp_pa(smmu.evtq.base) & Q_BASE_ADDR) |
		     smmu.evtq.log2);
	smmu_write(SMMU_EVTQ_PROD, 0);
	smmu_write(SMMU_EVTQ_CONS, 0);
	ret = smmu_write_cr0(CR0_CMDQEN);
	if (ret)
		return ret;
	/* Nothing the host's driver or firmware left cached survives. */
	ret = cmdq_put(CMD_CFGI_ALL, CMD_1_CFGI_RANGE_ALL) ?:
	      cmdq_put(CMD_TLBI_NSNH_ALL, 0) ?: cmdq_sync();
	if (ret)
		return ret;
	ret = smmu_write_cr0(CR0_CMDQEN | CR0_EVTQEN);
	return ret ?: smmu_write_cr0(CR0_CMDQEN | CR0_EVTQEN | CR0_SMMUEN);
}

int bootops_smmu_init(void *pool_base)
{
	int ret;

	if (!bootops_smmu_desc.size)
		return 0;
	smmu.pool = pool_base;
	smmu.pool_end = pool_base + bootops_smmu_desc.pool_pages * PAGE_SIZE;
	hyp_spin_lock_init(&smmu.lock);
	ret = smmu_map_regs();
	if (!ret)
		ret = smmu_probe();
	if (!ret)
		ret = smmu_alloc_structures();
	if (ret)
		return ret;
	smmu_fill_tables();
	bootops_smmu_host_lock();
	ret = idmap_build() ?: idmap_msi_doorbell();
	if (!ret) {
		dsb(ishst);
		ret = smmu_enable();
	}
	/* From here every host ownership change reaches the SMMU. */
	smmu.ready = !ret;
	bootops_smmu_host_unlock();
	return ret;
}
