/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot ops: the SMMUv3 hyp takes at init.  The host finds it in the device
 * tree while it is still trusted (kvm_hyp_reserve()) and reserves the
 * memory hyp builds its tables in; after that only hyp touches it.
 */
#ifndef __ASM_KVM_BOOTOPS_SMMU_H__
#define __ASM_KVM_BOOTOPS_SMMU_H__

#include <linux/types.h>

#include <asm/hyp_image.h>

struct kvm_bootops_smmu_desc {
	u64 pa;			/* its MMIO: both 64 KiB register pages */
	u64 size;		/* 0: no SMMU for hyp */
	u64 pool_pages;		/* its stream table, queues and tables */
	u64 msi_doorbell;	/* the ITS's GITS_TRANSLATER page, 0 if none */
};

/* Streams the stream table covers: PCIe bus 0 of QEMU's virt. */
#define KVM_BOOTOPS_SMMU_STREAMS	256

/*
 * Pages besides the tables of the host's map (bootops/smmuv3.h's
 * BOOTOPS_SMMUV3_FIXED_PAGES, checked at build): the stream table (4, and
 * up to 3 to align it), a context per stream (4), the command and event
 * queues, the host's context, its map's root, and the 4 tables down to
 * the MSI doorbell (a level-2 table has a shadow).
 */
#define KVM_BOOTOPS_SMMU_FIXED_PAGES	(4 + 3 + 4 + 1 + 1 + 1 + 1 + 4)

#ifdef CONFIG_KVM_ARM_BOOTOPS
extern struct kvm_bootops_smmu_desc kvm_nvhe_sym(bootops_smmu_desc);

/* At kvm_hyp_reserve(): the pages to reserve for hyp's SMMU, 0 if none. */
unsigned long kvm_bootops_smmu_reserve(void);
/* Whether hyp has an SMMU (if pKVM is on): what the host reserved for. */
bool kvm_bootops_smmu_present(void);
#else
static inline unsigned long kvm_bootops_smmu_reserve(void) { return 0; }
static inline bool kvm_bootops_smmu_present(void) { return false; }
#endif

#endif /* __ASM_KVM_BOOTOPS_SMMU_H__ */
