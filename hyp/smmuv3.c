// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops: hyp's SMMUv3 driver.
 *
 * A linear stream table whose entries translate through one of two kinds
 * of stage-1 context: the host's DMA view (one context, ASID 1), an
 * identity map at page granularity of exactly the memory the host owns;
 * or, for a stream a bank of boot ops claims, that bank's table (a context
 * and an ASID per stream).  The host's map is built before the SMMU is
 * enabled, in pages the platform reserved, and only its leaves change
 * afterwards, so no ownership change allocates or fails for want of memory.
 * Where the host owns a whole 2 MiB, the map has a block (an SMMU with
 * BBML2 may swap a block and a table of the same translations without a
 * break): the SMMU's TLB then holds one entry for it, not 512.  The level-3
 * table stays behind the block, all mapped, and comes back in its place
 * when the host loses one of its pages.
 *
 * Stage 1 because that is what QEMU's SMMUv3 model implements; on an SMMU
 * with stage 2 the same map would be a stage-2 table (or the host's own
 * stage 2), and stage 1 would be the host's again.
 *
 * Hyp takes no SMMU interrupt: it drains the event queue when it syncs and
 * when the host asks for a stream's faults.  Lock: smmu.lock, a leaf.
 */
#include <bootops/platform.h>
#include <bootops/smmuv3.h>

#define BIT32(n)		(1U << (n))
#define BIT64(n)		(1ULL << (n))
#define FIELD(v, shift, bits)	(((v) >> (shift)) & ((1ULL << (bits)) - 1))

#define IDR0_S1P		BIT32(1)
#define IDR0_TTF_AARCH64	BIT32(3)	/* TTF[1] */
#define IDR0_COHACC		BIT32(4)
#define IDR0_ASID16		BIT32(12)
#define IDR3_BBML(r)		FIELD(r, 11, 2)
#define IDR3_BBML2		2
#define IDR1_SIDSIZE(r)		FIELD(r, 0, 6)
#define IDR1_EVTQS(r)		FIELD(r, 16, 5)
#define IDR1_CMDQS(r)		FIELD(r, 21, 5)
#define IDR5_OAS(r)		FIELD(r, 0, 3)
#define IDR5_GRAN4K		BIT32(4)
#define CR0_SMMUEN		BIT32(0)
#define CR0_EVTQEN		BIT32(2)
#define CR0_CMDQEN		BIT32(3)
/* CR1: tables and queues write-back cacheable, inner shareable. */
#define CR1_WB_ISH		(3U << 10 | 1U << 8 | 1U << 6 | 3U << 4 | 1U << 2 | 1U)
#define CR2_RECINVSID		BIT32(1)
#define GERROR_CMDQ_ERR		BIT32(0)
#define GERROR_EVTQ_ABT_ERR	BIT32(2)
#define CMDQ_CONS_ERR(r)	FIELD(r, 24, 7)
#define Q_OVF			BIT32(31)
#define Q_ALLOC			BIT64(62)	/* RA (strtab, cmdq) / WA (evtq) */
#define Q_ADDR			0x000fffffffffffe0ULL
#define STRTAB_ADDR		0x000fffffffffffc0ULL

/* Stream table entries and contexts, 8 double words each. */
#define STE_DWORDS		8
#define STE_V			BIT64(0)
#define STE_CFG_ABORT		(0ULL << 1)
#define STE_CFG_S1		(5ULL << 1)
#define STE_S1_CTXPTR		STRTAB_ADDR
#define STE_1_S1_WB_ISH		(1ULL << 2 | 1ULL << 4 | 3ULL << 6)
#define STE_1_SHCFG_INCOMING	(1ULL << 44)
#define CD_DWORDS		8
#define CD_0_T0SZ_48		16ULL
#define CD_0_WB_ISH		(1ULL << 8 | 1ULL << 10 | 3ULL << 12)
#define CD_0_EPD1		BIT64(30)
#define CD_0_V			BIT64(31)
#define CD_0_IPS(oas)		((u64)(oas) << 32)
#define CD_0_AA64		BIT64(41)
#define CD_0_R			BIT64(45)	/* record faults */
#define CD_0_A			BIT64(46)	/* abort the faulting transaction */
#define CD_0_ASID(a)		((u64)(a) << 48)
#define CD_1_TTB0		0x000ffffffffffff0ULL
#define CD_3_MAIR		3
/* MAIR: attribute 0 normal write-back, 1 device nGnRE. */
#define MAIR_WB_DEVICE		(0xffULL | 0x04ULL << 8)
#define HOST_ASID		1
/* A bank's stream: an ASID of its own, for a TLB that may be by ASID only. */
#define STREAM_ASID(sid)	(HOST_ASID + 1 + (sid))

/* Stage-1 descriptors, 4 KiB granule, 48-bit input, levels 0-3. */
#define PTE_VALID		BIT64(0)
#define PTE_TABLE		BIT64(1)	/* table (levels 0-2) or page (level 3) */
#define PTE_ATTR_DEVICE		(1ULL << 2)	/* AttrIndx 1 */
#define PTE_AP_RW		BIT64(6)	/* AP[2:1] = 01: read-write, any privilege */
#define PTE_AP_RO		BIT64(7)
#define PTE_SH			(3ULL << 8)
#define PTE_AF			BIT64(10)
#define PTE_ADDR		0x0000fffffffff000ULL
#define HOST_ATTRS		(PTE_VALID | PTE_AF | PTE_SH | PTE_AP_RW)
#define HOST_LEAF		(HOST_ATTRS | PTE_TABLE)
#define HOST_BLOCK		HOST_ATTRS		/* level 2: bits[1:0] = 01 */
#define BLOCK_SIZE		(512 * BOOTOPS_PAGE_SIZE)
/* The host's stage-2 attribute bits boot ops' banks take (pgtable.h's layout). */
#define S2_AP_W			BIT64(7)
#define S2_MEMATTR_NORMAL	(3ULL << 4)

/* Commands, 2 double words. */
#define CMD_CFGI_STE		0x03
#define CMD_CFGI_ALL		0x04
#define CMD_TLBI_NH_ASID	0x11
#define CMD_TLBI_NH_VA		0x12
#define CMD_TLBI_NSNH_ALL	0x30
#define CMD_SYNC		0x46
#define CMD_ASID(a)		((u64)(a) << 48)
#define CMD_SID(s)		((u64)(s) << 32)
#define CMD_1_LEAF		BIT64(0)
#define CMD_1_CFGI_ALL		31
/* Past this many pages a range is invalidated by ASID, not page by page. */
#define TLBI_MAX_PAGES		16

#define EVT_DWORDS		4
#define CMDQ_LOG2		8	/* 256 commands: one page */
#define EVTQ_LOG2		7	/* 128 events: one page */
#define STRTAB_BYTES		(BOOTOPS_SMMUV3_STREAMS * STE_DWORDS * 8)
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
	u64 *strtab, *host_cd, *stream_cds, *host_map;
	u64 stream_root[BOOTOPS_SMMUV3_STREAMS];	/* 0: the host's view */
	struct stream_faults faults[BOOTOPS_SMMUV3_STREAMS];
	struct smmu_queue cmdq, evtq;
	u8 *pool, *pool_end;
	u64 oas, lost_events;
	bool ready, tlbi_pending, blocks;
	bootops_lock_t lock;
} smmu;

static void write_once(u64 *p, u64 v)
{
	*(volatile u64 *)p = v;
}

static void *smmu_alloc_page(void)
{
	u8 *page = smmu.pool;

	if (page >= smmu.pool_end)
		return NULL;
	smmu.pool += BOOTOPS_PAGE_SIZE;
	memset(page, 0, BOOTOPS_PAGE_SIZE);
	return page;
}

static u64 pa_of(const void *va)
{
	return bootops_plat_table_pa(va);
}

static int write_cr0(u32 val)
{
	int i;

	bootops_plat_smmu_write32(BOOTOPS_SMMU_CR0, val);
	for (i = 0; i < POLL_LOOPS; i++)
		if (bootops_plat_smmu_read32(BOOTOPS_SMMU_CR0ACK) == val)
			return 0;
	return -ETIMEDOUT;
}

static u32 q_idx(const struct smmu_queue *q, u32 v)
{
	return v & (BIT32(q->log2) - 1);
}

static u32 q_inc(const struct smmu_queue *q, u32 v)
{
	return (v + 1) & (BIT32(q->log2 + 1) - 1);
}

static bool q_full(const struct smmu_queue *q)
{
	return q_idx(q, q->prod) == q_idx(q, q->cons) && q->prod != q->cons;
}

static int cmdq_wait_cons(u32 until)
{
	u32 cons;
	int i;

	for (i = 0; i < POLL_LOOPS; i++) {
		cons = bootops_plat_smmu_read32(BOOTOPS_SMMU_CMDQ_CONS);
		if (CMDQ_CONS_ERR(cons) ||
		    ((bootops_plat_smmu_read32(BOOTOPS_SMMU_GERROR) ^
		      bootops_plat_smmu_read32(BOOTOPS_SMMU_GERRORN)) & GERROR_CMDQ_ERR))
			return -EIO;
		smmu.cmdq.cons = cons & (BIT32(smmu.cmdq.log2 + 1) - 1);
		if (smmu.cmdq.cons == until)
			return 0;
	}
	return -ETIMEDOUT;
}

static int cmdq_put(u64 dw0, u64 dw1)
{
	struct smmu_queue *q = &smmu.cmdq;
	u64 *ent;

	if (q_full(q)) {
		int ret = cmdq_wait_cons(q->prod);

		if (ret)
			return ret;
	}
	ent = q->base + 2 * q_idx(q, q->prod);
	ent[0] = dw0;
	ent[1] = dw1;
	q->prod = q_inc(q, q->prod);
	/* The command in memory before the SMMU sees the new index. */
	bootops_plat_wmb();
	bootops_plat_smmu_write32(BOOTOPS_SMMU_CMDQ_PROD, q->prod);
	return 0;
}

static void count_event(const u64 *ent)
{
	u64 sid = ent[0] >> 32;

	if (sid >= BOOTOPS_SMMUV3_STREAMS) {
		smmu.lost_events++;
		return;
	}
	smmu.faults[sid].nr++;
	smmu.faults[sid].type = ent[0] & 0xff;
	smmu.faults[sid].addr = ent[2];
}

/* Records are counted, not kept: a full queue loses only records. */
static void evtq_drain(void)
{
	struct smmu_queue *q = &smmu.evtq;
	u32 prod = bootops_plat_smmu_read32(BOOTOPS_SMMU_EVTQ_PROD), gerror, gerrorn;

	q->prod = prod & (BIT32(q->log2 + 1) - 1);
	while (q->cons != q->prod) {
		count_event(q->base + EVT_DWORDS * q_idx(q, q->cons));
		q->cons = q_inc(q, q->cons);
	}
	bootops_plat_smmu_write32(BOOTOPS_SMMU_EVTQ_CONS, q->cons | (prod & Q_OVF));
	gerror = bootops_plat_smmu_read32(BOOTOPS_SMMU_GERROR);
	gerrorn = bootops_plat_smmu_read32(BOOTOPS_SMMU_GERRORN);
	if ((gerror ^ gerrorn) & GERROR_EVTQ_ABT_ERR) {
		smmu.lost_events++;
		bootops_plat_smmu_write32(BOOTOPS_SMMU_GERRORN, gerrorn ^ GERROR_EVTQ_ABT_ERR);
	}
}

/* CMD_SYNC, and the wait for the SMMU to have done it and all before it. */
static int cmdq_sync(void)
{
	int ret = cmdq_put(CMD_SYNC, 0);

	if (!ret)
		ret = cmdq_wait_cons(smmu.cmdq.prod);
	evtq_drain();
	return ret;
}

static int tlbi_asid(u32 asid)
{
	return cmdq_put(CMD_TLBI_NH_ASID | CMD_ASID(asid), 0);
}

/*
 * The host map's level-2 slot for pa, or NULL: tables are made only
 * before enable.  Each level-2 table has a shadow in the next page: the
 * same slots, always with their level-3 tables, for the blocks to fold
 * over and unfold from.
 */
static u64 *host_l2_slot(u64 pa, bool alloc, u64 **shadow)
{
	u64 *table = smmu.host_map, *slot = NULL;
	int level;

	for (level = 0; level < 3; level++) {
		slot = &table[(pa >> (12 + 9 * (3 - level))) & 511];
		if (level == 2)
			break;
		if (!(*slot & PTE_VALID)) {
			u64 *next = alloc ? smmu_alloc_page() : NULL;

			if (!next || (level == 1 && smmu_alloc_page() != (u8 *)next + BOOTOPS_PAGE_SIZE))
				return NULL;
			*slot = pa_of(next) | PTE_TABLE | PTE_VALID;
		}
		table = bootops_plat_table_va(*slot & PTE_ADDR);
	}
	*shadow = slot + 512;
	return slot;
}

/* The host map's level-3 entry for pa: a block over it is unfolded first. */
static u64 *host_leaf(u64 pa, bool alloc)
{
	u64 *shadow, *slot = host_l2_slot(pa, alloc, &shadow);

	if (!slot)
		return NULL;
	if (!(*shadow & PTE_VALID)) {
		u64 *l3 = alloc ? smmu_alloc_page() : NULL;

		if (!l3)
			return NULL;
		*shadow = pa_of(l3) | PTE_TABLE | PTE_VALID;
		*slot = *shadow;
	}
	/* Same translations either way: no break needed (BBML2). */
	if (*slot != *shadow)
		write_once(slot, *shadow);
	return (u64 *)bootops_plat_table_va(*shadow & PTE_ADDR) + ((pa >> 12) & 511);
}

/* The 2 MiB around pa as one block, if the host owns all of it. */
static void host_fold(u64 pa)
{
	u64 *shadow, *slot = host_l2_slot(pa, false, &shadow), *l3, base = pa & ~(BLOCK_SIZE - 1);
	int i;

	if (!smmu.blocks || !slot || !(*shadow & PTE_VALID) || *slot != *shadow)
		return;
	l3 = bootops_plat_table_va(*shadow & PTE_ADDR);
	for (i = 0; i < 512; i++)
		if (l3[i] != ((base + i * BOOTOPS_PAGE_SIZE) | HOST_LEAF))
			return;
	write_once(slot, base | HOST_BLOCK);
}

static void host_map_set(u64 pa, u64 size, bool host_owns)
{
	u64 end = pa + size;

	for (pa &= BOOTOPS_PAGE_MASK; pa < end; pa += BOOTOPS_PAGE_SIZE) {
		u64 *leaf = host_leaf(pa, false);

		if (!leaf)
			continue;
		write_once(leaf, host_owns ? pa | HOST_LEAF : 0);
		if (host_owns && ((pa + BOOTOPS_PAGE_SIZE) % BLOCK_SIZE == 0 ||
				  pa + BOOTOPS_PAGE_SIZE >= end))
			host_fold(pa);
	}
}

static int tlbi_host_range(u64 pa, u64 size)
{
	u64 end = pa + size;
	int ret = 0;

	if (size > TLBI_MAX_PAGES * BOOTOPS_PAGE_SIZE)
		return tlbi_asid(HOST_ASID);
	for (pa &= BOOTOPS_PAGE_MASK; pa < end && !ret; pa += BOOTOPS_PAGE_SIZE)
		ret = cmdq_put(CMD_TLBI_NH_VA | CMD_ASID(HOST_ASID), CMD_1_LEAF | (pa & PTE_ADDR));
	return ret;
}

bool bootops_smmuv3_ready(void)
{
	return smmu.ready;
}

/*
 * Under the lock although only the caller changes these pages: folding a
 * block reads the whole 2 MiB, which another CPU may be changing.  A new
 * entry needs no invalidation: the SMMU caches no absent one.
 */
void bootops_smmuv3_host_gain(u64 pa, u64 size)
{
	if (!smmu.ready)
		return;
	bootops_lock(&smmu.lock);
	host_map_set(pa, size, true);
	bootops_unlock(&smmu.lock);
}

int bootops_smmuv3_host_lose(u64 pa, u64 size, bool sync)
{
	int ret = 0;

	if (!smmu.ready)
		return 0;
	bootops_lock(&smmu.lock);
	host_map_set(pa, size, false);
	bootops_plat_wmb();
	if (sync)
		ret = tlbi_host_range(pa, size) ?: cmdq_sync();
	else
		smmu.tlbi_pending = true;
	bootops_unlock(&smmu.lock);
	return ret;
}

int bootops_smmuv3_host_sync(void)
{
	int ret = 0;

	if (!smmu.ready)
		return 0;
	bootops_lock(&smmu.lock);
	if (smmu.tlbi_pending) {
		ret = tlbi_asid(HOST_ASID) ?: cmdq_sync();
		smmu.tlbi_pending = false;
	}
	bootops_unlock(&smmu.lock);
	return ret;
}

/* A context through the table at ttb; valid last, once the rest is there. */
static void cd_fill(u64 *cd, u64 ttb, u32 asid)
{
	cd[1] = ttb & CD_1_TTB0;
	cd[CD_3_MAIR] = MAIR_WB_DEVICE;
	bootops_plat_wmb();
	write_once(cd, CD_0_T0SZ_48 | CD_0_WB_ISH | CD_0_EPD1 | CD_0_V | CD_0_IPS(smmu.oas) |
		       CD_0_AA64 | CD_0_R | CD_0_A | CD_0_ASID(asid));
}

/* Stream sid through context cd, or aborting (NULL): one 64-bit write. */
static void ste_point(u32 sid, const u64 *cd)
{
	u64 *ste = smmu.strtab + sid * STE_DWORDS;

	ste[1] = STE_1_S1_WB_ISH | STE_1_SHCFG_INCOMING;
	bootops_plat_wmb();
	write_once(ste, STE_V | (cd ? STE_CFG_S1 | (pa_of(cd) & STE_S1_CTXPTR) : STE_CFG_ABORT));
}

static int cfgi_ste(u32 sid)
{
	return cmdq_put(CMD_CFGI_STE | CMD_SID(sid), CMD_1_LEAF);
}

/*
 * The stream aborts while its context changes, so the SMMU never reads
 * half of one; its ASID is flushed before it translates again, so nothing
 * the last table let through survives.
 */
static int stream_set_root(u32 sid, u64 root)
{
	u64 *cd = smmu.stream_cds + sid * CD_DWORDS;
	int ret;

	if (root == smmu.stream_root[sid])
		return tlbi_asid(STREAM_ASID(sid)) ?: cmdq_sync();
	ste_point(sid, NULL);
	ret = cfgi_ste(sid) ?: cmdq_sync();
	if (ret)
		return ret;
	if (root)
		cd_fill(cd, root, STREAM_ASID(sid));
	ste_point(sid, root ? cd : smmu.host_cd);
	smmu.stream_root[sid] = root;
	return cfgi_ste(sid) ?: tlbi_asid(STREAM_ASID(sid)) ?: cmdq_sync();
}

int bootops_smmuv3_set_stream(u32 sid, u64 root)
{
	int ret;

	if (!smmu.ready)
		return 0;
	if (sid >= BOOTOPS_SMMUV3_STREAMS)
		return -EINVAL;
	bootops_lock(&smmu.lock);
	ret = stream_set_root(sid, root);
	bootops_unlock(&smmu.lock);
	return ret;
}

/* Writable if the host's S2AP says so (stage 1 cannot refuse reads). */
u64 bootops_smmuv3_pte(u64 pa, u64 attrs)
{
	u64 pte = (pa & PTE_ADDR) | PTE_VALID | PTE_TABLE | PTE_AF | PTE_AP_RW | (attrs & PTE_SH);

	if (!(attrs & S2_AP_W))
		pte |= PTE_AP_RO;
	if (!(attrs & S2_MEMATTR_NORMAL))
		pte |= PTE_ATTR_DEVICE;
	return pte;
}

int bootops_smmuv3_stream_faults(u64 sid, u64 *nr, u64 *type, u64 *addr)
{
	if (!smmu.ready)
		return -ENODEV;
	if (sid >= BOOTOPS_SMMUV3_STREAMS)
		return -EINVAL;
	bootops_lock(&smmu.lock);
	evtq_drain();
	*nr = smmu.faults[sid].nr;
	*type = smmu.faults[sid].type;
	*addr = smmu.faults[sid].addr;
	bootops_unlock(&smmu.lock);
	return 0;
}

u64 bootops_smmuv3_lost_events(void)
{
	return smmu.lost_events;
}

int bootops_smmuv3_host_add(u64 pa, u64 size)
{
	u64 end = pa + size;

	if (smmu.ready || !smmu.host_map)
		return -EBUSY;
	for (pa &= BOOTOPS_PAGE_MASK; pa < end; pa += BOOTOPS_PAGE_SIZE) {
		u64 *leaf = host_leaf(pa, true);

		if (!leaf)
			return -ENOMEM;
		*leaf = pa | HOST_LEAF;
		if ((pa + BOOTOPS_PAGE_SIZE) % BLOCK_SIZE == 0 || pa + BOOTOPS_PAGE_SIZE >= end)
			host_fold(pa);
	}
	return 0;
}

static int check_features(void)
{
	u32 idr0 = bootops_plat_smmu_read32(BOOTOPS_SMMU_IDR0);
	u32 idr1 = bootops_plat_smmu_read32(BOOTOPS_SMMU_IDR1);
	u32 idr5 = bootops_plat_smmu_read32(BOOTOPS_SMMU_IDR5);

	if (!(idr0 & IDR0_S1P) || !(idr0 & IDR0_TTF_AARCH64) || !(idr0 & IDR0_COHACC) ||
	    !(idr0 & IDR0_ASID16) || !(idr5 & IDR5_GRAN4K))
		return -ENODEV;
	if (IDR1_CMDQS(idr1) < CMDQ_LOG2 || IDR1_EVTQS(idr1) < EVTQ_LOG2 ||
	    IDR1_SIDSIZE(idr1) < 8)
		return -ENODEV;
	smmu.oas = IDR5_OAS(idr5);
	smmu.blocks = IDR3_BBML(bootops_plat_smmu_read32(BOOTOPS_SMMU_IDR3)) >= IDR3_BBML2;
	return 0;
}

static void *alloc_pages(u64 nr)
{
	void *first = smmu.pool;

	while (nr--)
		if (!smmu_alloc_page())
			return NULL;
	return first;
}

/* The linear stream table first: its base must be aligned to its size. */
static int alloc_structures(void)
{
	u64 skip = (STRTAB_BYTES - pa_of(smmu.pool) % STRTAB_BYTES) % STRTAB_BYTES;

	if (!alloc_pages(skip / BOOTOPS_PAGE_SIZE))
		return -ENOMEM;
	smmu.strtab = alloc_pages(STRTAB_BYTES / BOOTOPS_PAGE_SIZE);
	smmu.stream_cds = alloc_pages(BOOTOPS_SMMUV3_STREAMS * CD_DWORDS * 8 / BOOTOPS_PAGE_SIZE);
	smmu.cmdq.base = alloc_pages(1);
	smmu.evtq.base = alloc_pages(1);
	smmu.host_cd = alloc_pages(1);
	smmu.host_map = alloc_pages(1);
	return smmu.strtab && smmu.stream_cds && smmu.cmdq.base && smmu.evtq.base &&
	       smmu.host_cd && smmu.host_map ? 0 : -ENOMEM;
}

int bootops_smmuv3_probe(void *pool, u64 nr_pages)
{
	int ret;

	memset(&smmu, 0, sizeof(smmu));
	bootops_lock_init(&smmu.lock);
	smmu.pool = pool;
	smmu.pool_end = smmu.pool + nr_pages * BOOTOPS_PAGE_SIZE;
	smmu.cmdq.log2 = CMDQ_LOG2;
	smmu.evtq.log2 = EVTQ_LOG2;
	ret = check_features();
	return ret ?: alloc_structures();
}

static void fill_tables(void)
{
	u32 sid;

	cd_fill(smmu.host_cd, pa_of(smmu.host_map), HOST_ASID);
	for (sid = 0; sid < BOOTOPS_SMMUV3_STREAMS; sid++)
		ste_point(sid, smmu.host_cd);
	bootops_plat_wmb();
}

static void program_registers(void)
{
	bootops_plat_smmu_write32(BOOTOPS_SMMU_IRQ_CTRL, 0);
	bootops_plat_smmu_write32(BOOTOPS_SMMU_CR1, CR1_WB_ISH);
	bootops_plat_smmu_write32(BOOTOPS_SMMU_CR2, CR2_RECINVSID);
	bootops_plat_smmu_write64(BOOTOPS_SMMU_STRTAB_BASE,
				  Q_ALLOC | (pa_of(smmu.strtab) & STRTAB_ADDR));
	/* LOG2SIZE 8, linear. */
	bootops_plat_smmu_write32(BOOTOPS_SMMU_STRTAB_BASE_CFG, 8);
	bootops_plat_smmu_write64(BOOTOPS_SMMU_CMDQ_BASE,
				  Q_ALLOC | (pa_of(smmu.cmdq.base) & Q_ADDR) | smmu.cmdq.log2);
	bootops_plat_smmu_write32(BOOTOPS_SMMU_CMDQ_PROD, 0);
	bootops_plat_smmu_write32(BOOTOPS_SMMU_CMDQ_CONS, 0);
	bootops_plat_smmu_write64(BOOTOPS_SMMU_EVTQ_BASE,
				  Q_ALLOC | (pa_of(smmu.evtq.base) & Q_ADDR) | smmu.evtq.log2);
	bootops_plat_smmu_write32(BOOTOPS_SMMU_EVTQ_PROD, 0);
	bootops_plat_smmu_write32(BOOTOPS_SMMU_EVTQ_CONS, 0);
}

int bootops_smmuv3_enable(void)
{
	int ret;

	if (smmu.ready || !smmu.host_map)
		return -EBUSY;
	fill_tables();
	ret = write_cr0(0);
	if (ret)
		return ret;
	program_registers();
	ret = write_cr0(CR0_CMDQEN);
	/* Nothing firmware or the host's driver left cached survives. */
	ret = ret ?: cmdq_put(CMD_CFGI_ALL, CMD_1_CFGI_ALL) ?: cmdq_put(CMD_TLBI_NSNH_ALL, 0) ?:
	      cmdq_sync();
	ret = ret ?: write_cr0(CR0_CMDQEN | CR0_EVTQEN) ?:
	      write_cr0(CR0_CMDQEN | CR0_EVTQEN | CR0_SMMUEN);
	smmu.ready = !ret;
	return ret;
}
