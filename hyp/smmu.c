// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops: SMMU context banks whose page tables only hyp writes.
 *
 * A bank belongs to the host, to one VM that is not verified yet, or to
 * nobody.  A DMA mapping may only point at a page its owner owns: for the
 * host an exclusive RAM page (pinned while mapped, so it cannot be lent for
 * an image or given to a VM), for a VM the page it has at gfn == iova / 4K.
 */
#include <bootops/bootops.h>
#include <bootops/pgtable.h>
#include <bootops/platform.h>
#include <bootops/state.h>

static struct bootops_smmu_bank *smmu_bank(u64 index, u64 cbndx)
{
	return &bootops_state.smmu[index][cbndx];
}

static bool smmu_ids_valid(u64 vmid, u64 cbndx, u64 index)
{
	return vmid <= BOOTOPS_MAX_VMS && cbndx < BOOTOPS_SMMU_NUM_CB &&
	       index < BOOTOPS_SMMU_NUM;
}

/* The host (vmid 0) may always own banks; a VM only until it is verified. */
static int check_smmu_owner_state(u64 vmid)
{
	return vmid == BOOTOPS_HOST_VMID ? 0 : bootops_check_vm_ready(vmid);
}

static void unpin_host_leaf(u64 ia, u64 pte, void *arg)
{
	bootops_plat_dma_unpin((pte & BOOTOPS_PTE_OA_MASK) >> BOOTOPS_PAGE_SHIFT);
}

/* Frees the bank's table and every pin its mappings held. */
static void smmu_bank_clear(struct bootops_smmu_bank *bank)
{
	bool host = bank->owner == BOOTOPS_HOST_VMID;

	bootops_pgt_destroy(&bank->pgt, host ? unpin_host_leaf : NULL, NULL);
}

/*
 * The bank's owner asks for it again: its table is emptied in place, so
 * an owner whose mappings ran the table pool dry always gets it back.
 */
static bool smmu_bank_renew(u64 vmid, u64 cbndx, u64 index)
{
	struct bootops_smmu_bank *bank = smmu_bank(index, cbndx);
	bool own;

	bootops_lock(&bootops_state.smmu_lock);
	own = bank->owner == vmid;
	if (own) {
		bootops_pgt_empty(&bank->pgt, vmid == BOOTOPS_HOST_VMID ? unpin_host_leaf : NULL,
				  NULL);
		bootops_plat_smmu_sync(index, cbndx, bank->pgt.root_pa);
	}
	bootops_unlock(&bootops_state.smmu_lock);
	return own;
}

static int do_alloc_smmu(u64 vmid, u64 cbndx, u64 index)
{
	struct bootops_smmu_bank *bank = smmu_bank(index, cbndx);
	struct bootops_pgt fresh;
	int ret;

	ret = check_smmu_owner_state(vmid);
	if (ret)
		return ret;
	if (smmu_bank_renew(vmid, cbndx, index))
		return 0;
	/* The new table first: on -ENOMEM the old owner keeps its bank. */
	ret = bootops_pgt_init(&fresh);
	if (ret)
		return ret;
	bootops_lock(&bootops_state.smmu_lock);
	smmu_bank_clear(bank);
	bank->pgt = fresh;
	bank->owner = vmid;
	bootops_plat_smmu_sync(index, cbndx, bank->pgt.root_pa);
	bootops_unlock(&bootops_state.smmu_lock);
	return 0;
}

int bootops_alloc_smmu(u64 vmid, u64 cbndx, u64 index)
{
	int ret;

	if (!smmu_ids_valid(vmid, cbndx, index))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_alloc_smmu(vmid, cbndx, index);
	bootops_unlock_vm(vmid);
	return ret;
}

static bool iova_valid(u64 iova)
{
	return bootops_page_aligned(iova) && !(iova >> BOOTOPS_PGT_IA_BITS);
}

/* Pins (host) or checks (VM) the page a new DMA mapping will point at. */
static int smmu_take_page(u64 vmid, u64 iova, u64 pfn)
{
	if (vmid == BOOTOPS_HOST_VMID)
		return bootops_plat_dma_pin(pfn);
	if (bootops_plat_s2_lookup(vmid, iova) != pfn ||
	    !bootops_plat_page_owned_by(pfn, vmid))
		return -EPERM;
	return 0;
}

static int smmu_bank_map(u64 vmid, struct bootops_smmu_bank *bank,
			 u64 iova, u64 pte)
{
	u64 pfn = (pte & BOOTOPS_PTE_OA_MASK) >> BOOTOPS_PAGE_SHIFT;
	int ret;

	if (bank->owner != vmid)
		return -EPERM;
	if (bootops_pgt_lookup(&bank->pgt, iova))
		return -EEXIST;
	ret = smmu_take_page(vmid, iova, pfn);
	if (ret)
		return ret;
	/* Only the attribute bits come from the host; hyp sets the rest. */
	ret = bootops_pgt_map(&bank->pgt, iova,
			      bootops_plat_smmu_pte(pfn << BOOTOPS_PAGE_SHIFT, pte));
	if (ret && vmid == BOOTOPS_HOST_VMID)
		bootops_plat_dma_unpin(pfn);
	return ret;
}

static int do_map_smmu(u64 vmid, u64 cbndx, u64 index, u64 iova, u64 pte)
{
	struct bootops_smmu_bank *bank = smmu_bank(index, cbndx);
	int ret;

	ret = check_smmu_owner_state(vmid);
	if (ret)
		return ret;
	if (!iova_valid(iova))
		return -EINVAL;
	bootops_lock(&bootops_state.smmu_lock);
	ret = smmu_bank_map(vmid, bank, iova, pte);
	if (!ret)
		bootops_plat_smmu_sync(index, cbndx, bank->pgt.root_pa);
	bootops_unlock(&bootops_state.smmu_lock);
	return ret;
}

int bootops_map_smmu(u64 vmid, u64 cbndx, u64 index, u64 iova, u64 pte)
{
	int ret;

	if (!smmu_ids_valid(vmid, cbndx, index))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_map_smmu(vmid, cbndx, index, iova, pte);
	bootops_unlock_vm(vmid);
	return ret;
}

static int smmu_bank_unmap(u64 vmid, struct bootops_smmu_bank *bank, u64 iova)
{
	u64 old;

	if (bank->owner != vmid)
		return -EPERM;
	old = bootops_pgt_unmap(&bank->pgt, iova);
	if (!old)
		return -ENOENT;
	if (vmid == BOOTOPS_HOST_VMID)
		bootops_plat_dma_unpin((old & BOOTOPS_PTE_OA_MASK) >> BOOTOPS_PAGE_SHIFT);
	return 0;
}

static int do_clear_smmu(u64 vmid, u64 cbndx, u64 index, u64 iova)
{
	struct bootops_smmu_bank *bank = smmu_bank(index, cbndx);
	int ret;

	ret = check_smmu_owner_state(vmid);
	if (ret)
		return ret;
	if (!iova_valid(iova))
		return -EINVAL;
	bootops_lock(&bootops_state.smmu_lock);
	ret = smmu_bank_unmap(vmid, bank, iova);
	if (!ret)
		bootops_plat_smmu_sync(index, cbndx, bank->pgt.root_pa);
	bootops_unlock(&bootops_state.smmu_lock);
	return ret;
}

int bootops_clear_smmu(u64 vmid, u64 cbndx, u64 index, u64 iova)
{
	int ret;

	if (!smmu_ids_valid(vmid, cbndx, index))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_clear_smmu(vmid, cbndx, index, iova);
	bootops_unlock_vm(vmid);
	return ret;
}

void bootops_release_smmu(u64 vmid)
{
	u32 index, cbndx;

	bootops_lock(&bootops_state.smmu_lock);
	for (index = 0; index < BOOTOPS_SMMU_NUM; index++) {
		for (cbndx = 0; cbndx < BOOTOPS_SMMU_NUM_CB; cbndx++) {
			struct bootops_smmu_bank *bank = smmu_bank(index, cbndx);

			if (bank->owner != vmid)
				continue;
			smmu_bank_clear(bank);
			bank->owner = BOOTOPS_SMMU_NO_OWNER;
			bootops_plat_smmu_sync(index, cbndx, 0);
		}
	}
	bootops_unlock(&bootops_state.smmu_lock);
}
