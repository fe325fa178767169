// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops: hyp's SMMUv3 on pKVM.  The host names the SMMU before it drops
 * its privileges (kvm_bootops_smmu_reserve()); at init hyp unmaps its
 * registers from the host's stage 2, builds the host's DMA view from that
 * stage 2 as fix_host_ownership() left it, and enables the SMMU
 * (bootops/smmuv3.c).  mem_protect.c calls in on every host ownership
 * change, with the host component lock held.
 *
 * Lock order: host component lock, then the driver's lock; boot ops' SMMU
 * lock, then the driver's lock.
 */
#include <linux/build_bug.h>

#include <asm/barrier.h>
#include <asm/io.h>
#include <asm/kvm_hyp.h>
#include <asm/kvm_pgtable.h>
#include <asm/kvm_pkvm.h>

#include <nvhe/bootops-smmu-v3.h>
#include <nvhe/mem_protect.h>
#include <nvhe/memory.h>
#include <nvhe/mm.h>

#include <bootops/platform.h>
#include <bootops/smmuv3.h>

static_assert(KVM_BOOTOPS_SMMU_STREAMS == BOOTOPS_SMMUV3_STREAMS);
/* The host reserves the driver's pages and the tables down to the MSI doorbell. */
static_assert(BOOTOPS_SMMUV3_FIXED_PAGES + 4 <= KVM_BOOTOPS_SMMU_FIXED_PAGES);

struct kvm_bootops_smmu_desc bootops_smmu_desc;
static void __iomem *smmu_regs;

u32 bootops_plat_smmu_read32(u32 off)
{
	return readl_relaxed(smmu_regs + off);
}

void bootops_plat_smmu_write32(u32 off, u32 val)
{
	writel_relaxed(val, smmu_regs + off);
}

void bootops_plat_smmu_write64(u32 off, u64 val)
{
	writeq_relaxed(val, smmu_regs + off);
}

/* Boot ops' banks: on this SMMU (index 0), bank cbndx is StreamID cbndx. */
void bootops_plat_smmu_sync(u32 index, u32 cbndx, u64 root_pa)
{
	if (!index)
		WARN_ON(bootops_smmuv3_set_stream(cbndx, root_pa));
}

u64 bootops_plat_smmu_pte(u64 pa, u64 attrs)
{
	return bootops_smmuv3_pte(pa, attrs);
}

void bootops_smmu_host_gain(phys_addr_t addr, u64 size)
{
	bootops_smmuv3_host_gain(addr, size);
}

void bootops_smmu_host_lose(phys_addr_t addr, u64 size, bool sync)
{
	WARN_ON(bootops_smmuv3_host_lose(addr, size, sync));
}

void bootops_smmu_host_sync(void)
{
	WARN_ON(bootops_smmuv3_host_sync());
}

int bootops_smmu_stream_faults(u64 sid, u64 *nr, u64 *type, u64 *addr)
{
	return bootops_smmuv3_stream_faults(sid, nr, type, addr);
}

/*
 * The host's DMA view from its stage 2: every page of memory but those
 * another owner has (an invalid, non-zero host entry), a leaf at a time.
 */
static int host_view_from_stage2(void)
{
	int i, ret;

	for (i = 0; i < hyp_memblock_nr; i++) {
		phys_addr_t addr = hyp_memory[i].base;
		phys_addr_t end = addr + hyp_memory[i].size;

		while (addr < end) {
			s8 level = KVM_PGTABLE_LAST_LEVEL;
			kvm_pte_t pte = 0;
			phys_addr_t next;

			ret = kvm_pgtable_get_leaf(&host_mmu.pgt, addr, &pte, &level);
			if (ret)
				return ret;
			next = min(ALIGN_DOWN(addr, kvm_granule_size(level)) +
				   kvm_granule_size(level), end);
			if (!pte || kvm_pte_valid(pte)) {
				ret = bootops_smmuv3_host_add(addr, next - addr);
				if (ret)
					return ret;
			}
			addr = next;
		}
	}
	return 0;
}

/* Host devices signal MSIs by DMA to the ITS's doorbell: the host's view has it. */
static int host_view_msi_doorbell(void)
{
	u64 pa = bootops_smmu_desc.msi_doorbell;

	if (!pa)
		return 0;
	if (!PAGE_ALIGNED(pa) || addr_is_memory(pa))
		return -EINVAL;
	return bootops_smmuv3_host_add(pa, PAGE_SIZE);
}

static int map_registers(void)
{
	const struct kvm_bootops_smmu_desc *d = &bootops_smmu_desc;
	unsigned long va;
	int ret;

	if (!PAGE_ALIGNED(d->pa) || d->size < BOOTOPS_SMMU_MMIO_SIZE ||
	    addr_is_memory(d->pa) || addr_is_memory(d->pa + BOOTOPS_SMMU_MMIO_SIZE - 1))
		return -EINVAL;
	ret = __pkvm_create_private_mapping(d->pa, BOOTOPS_SMMU_MMIO_SIZE, PAGE_HYP_DEVICE, &va);
	if (ret)
		return ret;
	smmu_regs = (void __iomem *)va;
	/* From now on a host access to the SMMU is a fault the host takes. */
	bootops_smmu_host_lock();
	ret = host_stage2_set_owner_locked(d->pa, BOOTOPS_SMMU_MMIO_SIZE, PKVM_ID_HYP);
	bootops_smmu_host_unlock();
	return ret;
}

int bootops_smmu_init(void *pool_base)
{
	int ret;

	if (!bootops_smmu_desc.size)
		return 0;
	ret = map_registers() ?: bootops_smmuv3_probe(pool_base, bootops_smmu_desc.pool_pages);
	if (ret)
		return ret;
	/* Under the host's lock: from enable on, every ownership change reaches the SMMU. */
	bootops_smmu_host_lock();
	ret = host_view_from_stage2() ?: host_view_msi_doorbell() ?: bootops_smmuv3_enable();
	bootops_smmu_host_unlock();
	return ret;
}
