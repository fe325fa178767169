/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hyp's SMMUv3: hyp takes the SMMU from the host at init and gives every
 * stream the host's DMA view, an identity map of exactly the memory the
 * host owns, kept in step with the host's stage 2 by mem_protect.c.
 */
#ifndef __KVM_NVHE_BOOTOPS_SMMU_V3_H__
#define __KVM_NVHE_BOOTOPS_SMMU_V3_H__

#include <linux/types.h>

#include <asm/kvm_bootops_smmu.h>

#ifdef CONFIG_KVM_ARM_BOOTOPS
static inline unsigned long bootops_smmu_pool_pages(void)
{
	return bootops_smmu_desc.pool_pages;
}

void bootops_smmu_host_lock(void);
void bootops_smmu_host_unlock(void);
/* At __pkvm_init_finalise(), after fix_host_ownership(): 0 or -errno. */
int bootops_smmu_init(void *pool_base);
/*
 * Host ownership changed for [addr, addr + size), host component lock
 * held: the host's DMA view follows.  A page the host loses is out of
 * every stream's reach (SMMU TLB invalidated and synced) when
 * bootops_smmu_host_lose() returns, or, with sync false, once
 * bootops_smmu_host_sync() has.
 */
void bootops_smmu_host_gain(phys_addr_t addr, u64 size);
void bootops_smmu_host_lose(phys_addr_t addr, u64 size, bool sync);
void bootops_smmu_host_sync(void);
/*
 * The faults the SMMU recorded for stream sid so far: their number, and
 * the type and input address of the last one.  -ENODEV without an SMMU,
 * -EINVAL for a stream the stream table does not cover.
 */
int bootops_smmu_stream_faults(u64 sid, u64 *nr, u64 *type, u64 *addr);
#else
static inline unsigned long bootops_smmu_pool_pages(void) { return 0; }
static inline int bootops_smmu_init(void *pool_base) { return 0; }
static inline void bootops_smmu_host_gain(phys_addr_t addr, u64 size) { }
static inline void bootops_smmu_host_lose(phys_addr_t addr, u64 size, bool sync) { }
static inline void bootops_smmu_host_sync(void) { }
#endif

#endif /* __KVM_NVHE_BOOTOPS_SMMU_V3_H__ */
