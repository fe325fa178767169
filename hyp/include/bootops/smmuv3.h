/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hyp's SMMUv3 driver (smmuv3.c): the host's DMA view, an identity map of
 * the memory the host owns, for every stream a bank does not claim; and
 * the banks' streams, each through its bank's table.  The platform gives
 * it the SMMU's registers (bootops_plat_smmu_read32() and friends), the
 * memory it builds in, and the host's pages; it calls in whenever host
 * ownership changes.
 */
#ifndef __BOOTOPS_SMMUV3_H__
#define __BOOTOPS_SMMUV3_H__

#include <bootops/port.h>

/* Streams the linear stream table covers: PCIe bus 0 (device << 3 | function). */
#define BOOTOPS_SMMUV3_STREAMS		256
_Static_assert(BOOTOPS_SMMU_NUM_CB <= BOOTOPS_SMMUV3_STREAMS, "a bank is a stream");

/*
 * Pages the driver takes besides the tables of the host's map: the stream
 * table (4, and up to 3 to align it), a context per stream (4), the
 * command and event queues, the host's context and its map's root.
 */
#define BOOTOPS_SMMUV3_FIXED_PAGES	(4 + 3 + 4 + 1 + 1 + 1 + 1)

/* SMMUv3 registers (page 0; page 1 at 0x10000). */
#define BOOTOPS_SMMU_IDR0		0x00
#define BOOTOPS_SMMU_IDR1		0x04
#define BOOTOPS_SMMU_IDR3		0x0c
#define BOOTOPS_SMMU_IDR5		0x14
#define BOOTOPS_SMMU_CR0		0x20
#define BOOTOPS_SMMU_CR0ACK		0x24
#define BOOTOPS_SMMU_CR1		0x28
#define BOOTOPS_SMMU_CR2		0x2c
#define BOOTOPS_SMMU_IRQ_CTRL		0x50
#define BOOTOPS_SMMU_GERROR		0x60
#define BOOTOPS_SMMU_GERRORN		0x64
#define BOOTOPS_SMMU_STRTAB_BASE	0x80
#define BOOTOPS_SMMU_STRTAB_BASE_CFG	0x88
#define BOOTOPS_SMMU_CMDQ_BASE		0x90
#define BOOTOPS_SMMU_CMDQ_PROD		0x98
#define BOOTOPS_SMMU_CMDQ_CONS		0x9c
#define BOOTOPS_SMMU_EVTQ_BASE		0xa0
#define BOOTOPS_SMMU_EVTQ_PROD		0x100a8
#define BOOTOPS_SMMU_EVTQ_CONS		0x100ac
#define BOOTOPS_SMMU_MMIO_SIZE		0x20000

/* Event types hyp counts (SMMUv3 event records). */
#define BOOTOPS_SMMU_EVT_BAD_STREAMID	0x02
#define BOOTOPS_SMMU_EVT_BAD_STE	0x04
#define BOOTOPS_SMMU_EVT_TRANSLATION	0x10
#define BOOTOPS_SMMU_EVT_PERMISSION	0x13

/*
 * Takes the pages [pool, pool + nr_pages) for its structures and tables
 * and checks what the SMMU offers: 0, -ENODEV (no stage 1, no AArch64
 * tables, no 4 KiB granule, no 16-bit ASIDs, no coherent walks, queues or
 * stream IDs too small) or -ENOMEM.  The SMMU stays disabled.
 */
int bootops_smmuv3_probe(void *pool, u64 nr_pages);
/*
 * Before enabling: the host's DMA view gets [pa, pa + size), the host's
 * memory as its stage 2 has it (or the MSI doorbell).  -ENOMEM if the
 * pool runs out.
 */
int bootops_smmuv3_host_add(u64 pa, u64 size);
/* Programs and enables the SMMU: 0, or -EIO / -ETIMEDOUT from the SMMU. */
int bootops_smmuv3_enable(void);
bool bootops_smmuv3_ready(void);

/*
 * Host ownership of [pa, pa + size) changed.  Pages the host loses are
 * out of every stream's reach when bootops_smmuv3_host_lose() returns,
 * or, without sync, once bootops_smmuv3_host_sync() has.  Pages outside
 * the host's map at init are ignored.  0, or -errno from the SMMU.
 */
void bootops_smmuv3_host_gain(u64 pa, u64 size);
int bootops_smmuv3_host_lose(u64 pa, u64 size, bool sync);
int bootops_smmuv3_host_sync(void);

/* Stream sid through the table at root, or back to the host's view (0). */
int bootops_smmuv3_set_stream(u32 sid, u64 root);
/* A bank's leaf for pa with the host's stage-2 attributes, in stage-1 format. */
u64 bootops_smmuv3_pte(u64 pa, u64 attrs);
/*
 * The faults recorded for stream sid: their number, the last one's type
 * and input address; -ENODEV before enable, -EINVAL for sid out of range.
 */
int bootops_smmuv3_stream_faults(u64 sid, u64 *nr, u64 *type, u64 *addr);
/* Event records the SMMU could not queue, and those of streams past the table. */
u64 bootops_smmuv3_lost_events(void);

#endif /* __BOOTOPS_SMMUV3_H__ */
