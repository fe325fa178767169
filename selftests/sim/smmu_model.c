// SPDX-License-Identifier: GPL-2.0-only
/*
 * A behavioural SMMUv3 for the simulator: the registers, stream table,
 * contexts, command and event queues hyp's driver (hyp/smmuv3.c) uses, as
 * QEMU's model implements them (stage 1, linear stream table, AArch64
 * 4 KiB tables), and at the weakest the architecture allows where that
 * finds mistakes: it caches every translation it makes and every stream's
 * configuration until a command invalidates them, fetches a stream's
 * configuration again as soon as it is invalidated, and consumes commands
 * only when a CMD_SYNC or a full queue makes it.
 *
 * sim_smmu_dma() is a device's transaction: the address it reaches, or a
 * fault recorded in the event queue as the SMMU would.
 */
#include <bootops/platform.h>
#include <bootops/smmuv3.h>

#include "sim.h"

#define TLB_ENTRIES	64
#define CR0_SMMUEN	(1U << 0)
#define CR0_EVTQEN	(1U << 2)
#define CR0_CMDQEN	(1U << 3)
#define GERROR_CMDQ	(1U << 0)
#define GERROR_EVTQ_ABT	(1U << 2)
#define ADDR_MASK	0x000ffffffffff000ULL
#define STE_ADDR	0x000fffffffffffc0ULL
#define Q_ADDR		0x000fffffffffffe0ULL

struct tlb_entry {
	bool valid;
	u32 asid;
	u64 base, size, leaf;	/* a page's or a block's */
};

struct stream_cfg {
	bool valid;
	u64 ste0, cd0, cd1;
};

static struct {
	bootops_lock_t lock;
	u32 idr0_clear, idr3_clear;	/* features a test takes away */
	int last_level;			/* of the last translation's leaf */
	long fail_command_after;	/* -1: never */
	u32 cr0, gerror, gerrorn;
	u64 strtab_base;
	u32 strtab_cfg;
	u64 cmdq_base, evtq_base;
	u32 cmdq_prod, cmdq_cons, evtq_prod, evtq_cons;
	struct stream_cfg cfg[BOOTOPS_SMMUV3_STREAMS];
	struct tlb_entry tlb[TLB_ENTRIES];
	u32 tlb_next;
	u64 commands;
} m;

/* A fresh SMMU, with the features a test took away still away. */
void sim_smmu_model_reset(void)
{
	u32 idr0_clear = m.idr0_clear, idr3_clear = m.idr3_clear;

	memset(&m, 0, sizeof(m));
	bootops_lock_init(&m.lock);
	m.idr0_clear = idr0_clear;
	m.idr3_clear = idr3_clear;
	m.fail_command_after = -1;
}

void sim_smmu_model_clear_features(u32 idr0_bits)
{
	m.idr0_clear = idr0_bits;
}

void sim_smmu_model_clear_idr3(u32 bits)
{
	m.idr3_clear = bits;
}

int sim_smmu_model_last_level(void)
{
	return m.last_level;
}

void sim_smmu_model_fail_command_after(long n)
{
	m.fail_command_after = n;
}

u64 sim_smmu_model_commands(void)
{
	return m.commands;
}

static u64 *mem64(u64 pa)
{
	return (u64 *)((u8 *)bootops_plat_table_va(pa & ~0xfffULL) + (pa & 0xfff));
}

static u32 q_log2(u64 base)
{
	return base & 0x1f;
}

static u32 q_mask(u64 base)
{
	return (1U << (q_log2(base) + 1)) - 1;
}

static bool q_full(u64 base, u32 prod, u32 cons)
{
	u32 idx = (1U << q_log2(base)) - 1;

	return (prod & idx) == (cons & idx) && prod != cons;
}

static void record_event(u32 type, u32 sid, u64 addr)
{
	u64 *ent;

	if (!(m.cr0 & CR0_EVTQEN))
		return;
	if (q_full(m.evtq_base, m.evtq_prod, m.evtq_cons)) {
		if (!((m.gerror ^ m.gerrorn) & GERROR_EVTQ_ABT))
			m.gerror ^= GERROR_EVTQ_ABT;
		return;
	}
	ent = mem64((m.evtq_base & Q_ADDR) +
		    32 * (m.evtq_prod & ((1U << q_log2(m.evtq_base)) - 1)));
	ent[0] = type | (u64)sid << 32;
	ent[1] = 0;
	ent[2] = addr;
	ent[3] = 0;
	m.evtq_prod = (m.evtq_prod + 1) & q_mask(m.evtq_base);
}

static void tlb_drop(bool (*match)(const struct tlb_entry *, u64, u64), u64 a, u64 b)
{
	int i;

	for (i = 0; i < TLB_ENTRIES; i++)
		if (m.tlb[i].valid && match(&m.tlb[i], a, b))
			m.tlb[i].valid = false;
}

static bool match_all(const struct tlb_entry *e, u64 a, u64 b)
{
	return true;
}

static bool match_asid(const struct tlb_entry *e, u64 asid, u64 b)
{
	return e->asid == asid;
}

static bool match_va(const struct tlb_entry *e, u64 asid, u64 va)
{
	return e->asid == asid && va - e->base < e->size;
}

static int stream_config(u32 sid, struct stream_cfg **out);

static void prefetch_config(u32 sid)
{
	struct stream_cfg *c;

	if (m.cr0 & CR0_SMMUEN)
		stream_config(sid, &c);
}

/* One command; false for one the SMMU refuses (CERROR_ILL). */
static bool run_command(const u64 *cmd)
{
	u32 op = cmd[0] & 0xff, sid = cmd[0] >> 32, asid = cmd[0] >> 48;
	u32 i;

	if (m.fail_command_after == 0)
		return false;
	if (m.fail_command_after > 0)
		m.fail_command_after--;
	m.commands++;
	switch (op) {
	case 0x03:	/* CFGI_STE: and, as an SMMU may, fetched again at once */
		if (sid < BOOTOPS_SMMUV3_STREAMS) {
			m.cfg[sid].valid = false;
			prefetch_config(sid);
		}
		return true;
	case 0x04:	/* CFGI_STE_RANGE, all with range 31 */
		for (i = 0; i < BOOTOPS_SMMUV3_STREAMS; i++)
			if ((cmd[1] & 0x1f) == 31 || i == sid)
				m.cfg[i].valid = false;
		return true;
	case 0x10:	/* TLBI_NH_ALL */
	case 0x30:	/* TLBI_NSNH_ALL */
		tlb_drop(match_all, 0, 0);
		return true;
	case 0x11:	/* TLBI_NH_ASID */
		tlb_drop(match_asid, asid, 0);
		return true;
	case 0x12:	/* TLBI_NH_VA */
		tlb_drop(match_va, asid, cmd[1] & ADDR_MASK);
		return true;
	case 0x46:	/* CMD_SYNC */
		return true;
	default:
		return false;
	}
}

static u64 *cmd_at(u32 idx)
{
	return mem64((m.cmdq_base & Q_ADDR) + 16 * (idx & ((1U << q_log2(m.cmdq_base)) - 1)));
}

/* Commands run only once a CMD_SYNC is queued, or the queue is full. */
static void consume(void)
{
	u32 i;
	bool go = q_full(m.cmdq_base, m.cmdq_prod, m.cmdq_cons);

	if (!(m.cr0 & CR0_CMDQEN) || ((m.gerror ^ m.gerrorn) & GERROR_CMDQ))
		return;
	for (i = m.cmdq_cons; i != m.cmdq_prod && !go; i = (i + 1) & q_mask(m.cmdq_base))
		go = (cmd_at(i)[0] & 0xff) == 0x46;
	while (go && m.cmdq_cons != m.cmdq_prod) {
		if (!run_command(cmd_at(m.cmdq_cons))) {
			m.cmdq_cons |= 1U << 24;	/* CERROR_ILL */
			m.gerror ^= GERROR_CMDQ;
			return;
		}
		m.cmdq_cons = (m.cmdq_cons + 1) & q_mask(m.cmdq_base);
	}
}

u32 bootops_plat_smmu_read32(u32 off)
{
	u32 val = 0;

	bootops_lock(&m.lock);
	switch (off) {
	case BOOTOPS_SMMU_IDR0:	/* S1P, AArch64 tables, COHACC, ASID16 */
		val = (1U << 1 | 1U << 3 | 1U << 4 | 1U << 12) & ~m.idr0_clear;
		break;
	case BOOTOPS_SMMU_IDR1:	/* SIDSIZE 16, EVENTQS and CMDQS 19 */
		val = 16 | 19U << 16 | 19U << 21;
		break;
	case BOOTOPS_SMMU_IDR3:	/* BBML2 */
		val = (2U << 11) & ~m.idr3_clear;
		break;
	case BOOTOPS_SMMU_IDR5:	/* OAS 44 bits, 4 KiB granule */
		val = 4 | 1U << 4;
		break;
	case BOOTOPS_SMMU_CR0ACK:
		val = m.cr0;
		break;
	case BOOTOPS_SMMU_GERROR:
		val = m.gerror;
		break;
	case BOOTOPS_SMMU_GERRORN:
		val = m.gerrorn;
		break;
	case BOOTOPS_SMMU_CMDQ_CONS:
		val = m.cmdq_cons;
		break;
	case BOOTOPS_SMMU_EVTQ_PROD:
		val = m.evtq_prod;
		break;
	}
	bootops_unlock(&m.lock);
	return val;
}

void bootops_plat_smmu_write32(u32 off, u32 val)
{
	bootops_lock(&m.lock);
	switch (off) {
	case BOOTOPS_SMMU_CR0:
		m.cr0 = val;
		consume();
		break;
	case BOOTOPS_SMMU_GERRORN:
		m.gerrorn = val;
		consume();
		break;
	case BOOTOPS_SMMU_STRTAB_BASE_CFG:
		m.strtab_cfg = val;
		break;
	case BOOTOPS_SMMU_CMDQ_PROD:
		m.cmdq_prod = val & q_mask(m.cmdq_base);
		consume();
		break;
	case BOOTOPS_SMMU_CMDQ_CONS:
		m.cmdq_cons = val;
		break;
	case BOOTOPS_SMMU_EVTQ_PROD:
		m.evtq_prod = val;
		break;
	case BOOTOPS_SMMU_EVTQ_CONS:
		m.evtq_cons = val & q_mask(m.evtq_base);
		break;
	}
	bootops_unlock(&m.lock);
}

void bootops_plat_smmu_write64(u32 off, u64 val)
{
	bootops_lock(&m.lock);
	if (off == BOOTOPS_SMMU_STRTAB_BASE)
		m.strtab_base = val;
	else if (off == BOOTOPS_SMMU_CMDQ_BASE)
		m.cmdq_base = val;
	else if (off == BOOTOPS_SMMU_EVTQ_BASE)
		m.evtq_base = val;
	bootops_unlock(&m.lock);
}

/* The stream's STE and context, read once and kept until a CFGI. */
static int stream_config(u32 sid, struct stream_cfg **out)
{
	struct stream_cfg *c = &m.cfg[sid];
	u64 *cd;

	if (!c->valid) {
		c->ste0 = *mem64((m.strtab_base & STE_ADDR) + 64 * sid);
		if (!(c->ste0 & 1))
			return BOOTOPS_SMMU_EVT_BAD_STE;
		if (((c->ste0 >> 1) & 7) == 5) {
			cd = mem64(c->ste0 & STE_ADDR);
			c->cd0 = cd[0];
			c->cd1 = cd[1];
			/* QEMU refuses a context without V, AA64 and A. */
			if (!(c->cd0 & (1ULL << 31)) || !(c->cd0 & (1ULL << 41)) ||
			    !(c->cd0 & (1ULL << 46)))
				return 0x0a;	/* C_BAD_CD */
		}
		c->valid = true;
	}
	*out = c;
	return 0;
}

/* The leaf for iova: a page (level 3) or a block (levels 1-2), or 0. */
static u64 walk(u64 ttb, u64 iova, int *level_out)
{
	u64 table = ttb & 0x000ffffffffff000ULL, desc = 0;
	int level;

	for (level = 0; level < 4; level++) {
		desc = mem64(table)[(iova >> (12 + 9 * (3 - level))) & 511];
		if ((desc & 1) == 0 || (level == 3 && (desc & 3) != 3) ||
		    (level == 0 && (desc & 3) != 3))
			return 0;
		if ((desc & 3) == 1)		/* a block */
			break;
		table = desc & 0x0000fffffffff000ULL;
	}
	*level_out = level < 4 ? level : 3;
	return desc;
}

static u64 translate(struct stream_cfg *c, u64 iova, u64 *size_out)
{
	u32 asid = c->cd0 >> 48;
	u64 leaf, size;
	int i, level = 3;

	for (i = 0; i < TLB_ENTRIES; i++)
		if (m.tlb[i].valid && match_va(&m.tlb[i], asid, iova)) {
			*size_out = m.tlb[i].size;
			return m.tlb[i].leaf;
		}
	leaf = walk(c->cd1, iova, &level);
	m.last_level = level;
	if (leaf) {
		size = 1ULL << (12 + 9 * (3 - level));
		*size_out = size;
		m.tlb[m.tlb_next] = (struct tlb_entry){ true, asid, iova & ~(size - 1), size, leaf };
		m.tlb_next = (m.tlb_next + 1) % TLB_ENTRIES;
	}
	return leaf;
}

static int dma_locked(u32 sid, u64 iova, bool write, u64 *pa)
{
	struct stream_cfg *c;
	u64 leaf, size = 0;
	int evt;

	if (!(m.cr0 & CR0_SMMUEN)) {
		*pa = iova;
		return 0;
	}
	if (sid >= (1U << (m.strtab_cfg & 0x3f)) || sid >= BOOTOPS_SMMUV3_STREAMS) {
		record_event(BOOTOPS_SMMU_EVT_BAD_STREAMID, sid, iova);
		return -EFAULT;
	}
	evt = stream_config(sid, &c);
	if (evt) {
		record_event(evt, sid, iova);
		return -EFAULT;
	}
	switch ((c->ste0 >> 1) & 7) {
	case 4:		/* bypass */
		*pa = iova;
		return 0;
	case 5:		/* stage 1 */
		break;
	default:	/* abort, silently */
		return -EFAULT;
	}
	leaf = translate(c, iova, &size);
	evt = !leaf ? BOOTOPS_SMMU_EVT_TRANSLATION :
	      write && (leaf & (1ULL << 7)) ? BOOTOPS_SMMU_EVT_PERMISSION : 0;
	if (evt) {
		if (c->cd0 & (1ULL << 45))	/* CD.R */
			record_event(evt, sid, iova);
		return -EFAULT;
	}
	*pa = (leaf & 0x0000fffffffff000ULL & ~(size - 1)) | (iova & (size - 1));
	return 0;
}

int sim_smmu_dma(u32 sid, u64 iova, bool write, u64 *pa)
{
	int ret;

	bootops_lock(&m.lock);
	ret = dma_locked(sid, iova, write, pa);
	bootops_unlock(&m.lock);
	return ret;
}
