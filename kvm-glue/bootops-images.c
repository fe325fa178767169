// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops, EL1 glue for VMs that require verified images: the
 * KVM_ARM_BOOTOPS_DECLARE_IMAGE ioctl turns one image the VMM wrote into
 * guest memory into set_boot_info plus remap_vm_image calls of up to
 * BOOTOPS_LEND_BATCH pages each.  The pages are pinned for the VM's
 * lifetime: hyp takes them at the first run and gives them back, zeroed,
 * at teardown, before they are unpinned.
 */
#define pr_fmt(fmt) "kvm-bootops: " fmt

#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/kvm_asm.h>
#include <asm/kvm_bootops.h>
#include <asm/kvm_bootops_images.h>

#include <bootops/abi.h>

int kvm_bootops_vm_types(void)
{
	if (!is_protected_kvm_enabled() || kvm_bootops_off())
		return 0;
	return KVM_VM_TYPE_ARM_BOOTOPS | KVM_VM_TYPE_ARM_BOOTOPS_PRIVATE_MEM;
}

/* Strips the boot-ops flags from the KVM_CREATE_VM type. */
int kvm_bootops_vm_type(struct kvm *kvm, unsigned long *type)
{
	bool private_mem = *type & KVM_VM_TYPE_ARM_BOOTOPS_PRIVATE_MEM;

	if (!(*type & KVM_VM_TYPE_ARM_BOOTOPS))
		return private_mem ? -EINVAL : 0;
	if (!kvm_bootops_vm_types())
		return -EINVAL;
	*type &= ~(KVM_VM_TYPE_ARM_BOOTOPS | KVM_VM_TYPE_ARM_BOOTOPS_PRIVATE_MEM);
	kvm->arch.bootops_required = true;
	kvm->arch.bootops_private_mem = private_mem;
	return 0;
}

static bool image_args_valid(const struct kvm_arm_bootops_image *img)
{
	int i;

	if (img->flags)
		return false;
	for (i = 0; i < ARRAY_SIZE(img->reserved); i++)
		if (img->reserved[i])
			return false;
	return true;
}

/* The same range checks hyp makes, so a bad range is EINVAL, not EFAULT. */
static bool image_range_valid(u64 gpa, u64 size)
{
	return size && size <= BOOTOPS_MAX_IMAGE_SIZE && PAGE_ALIGNED(gpa) &&
	       gpa + PAGE_ALIGN(size) > gpa;
}

/* The memslot holding all of [gpa, gpa + size), or NULL. */
static struct kvm_memory_slot *image_memslot(struct kvm *kvm, u64 gpa, u64 size)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(kvm, gpa >> PAGE_SHIFT);
	u64 last = (gpa + PAGE_ALIGN(size)) >> PAGE_SHIFT;

	if (!slot || last > slot->base_gfn + slot->npages)
		return NULL;
	return slot;
}

static int grow_pins(struct kvm *kvm, unsigned long more)
{
	unsigned long n = kvm->arch.bootops_nr_pages + more;
	struct page **pages;

	pages = krealloc_array(kvm->arch.bootops_pages, n, sizeof(*pages),
			       GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;
	kvm->arch.bootops_pages = pages;
	return 0;
}

/*
 * Pins the nr pages from gfn on and lends them to hyp as the next pages of
 * image idx, in one call.  Hyp lends all of them or none.
 */
static int lend_pages(struct kvm *kvm, struct kvm_memory_slot *slot, gfn_t gfn,
		      int nr, int idx)
{
	struct page **pages = kvm->arch.bootops_pages + kvm->arch.bootops_nr_pages;
	u64 pfns[BOOTOPS_LEND_BATCH], bad;
	int ret, i;

	ret = pin_user_pages_fast(gfn_to_hva_memslot(slot, gfn), nr,
				  FOLL_WRITE | FOLL_LONGTERM, pages);
	if (ret != nr) {
		if (ret > 0)
			unpin_user_pages(pages, ret);
		return ret < 0 ? ret : -EFAULT;
	}
	for (i = 0; i < nr; i++)
		pfns[i] = page_to_pfn(pages[i]);
	/* remap_vm_image: the pfns in x4..; on a refusal hyp names the page in x2. */
	ret = kvm_bootops_hvc(KVM_HOST_SMCCC_FUNC(__bootops_remap_vm_image),
			      kvm->arch.pkvm.handle, idx, nr, pfns, nr, &bad);
	if (ret) {
		pr_warn_ratelimited("VM %#x: image %d: page at gfn %#llx refused: %pe\n",
				    kvm->arch.pkvm.handle, idx, gfn + min_t(u64, bad, nr - 1),
				    ERR_PTR(ret));
		unpin_user_pages(pages, nr);
		return ret;
	}
	kvm->arch.bootops_nr_pages += nr;
	return 0;
}

static int declare_image(struct kvm *kvm, const struct kvm_arm_bootops_image *img)
{
	u64 npages = PAGE_ALIGN(img->size) >> PAGE_SHIFT, k;
	struct kvm_memory_slot *slot;
	int idx, ret;

	if (kvm->arch.bootops_status)
		return -EBUSY;
	if (!image_range_valid(img->guest_phys_addr, img->size))
		return -EINVAL;
	slot = image_memslot(kvm, img->guest_phys_addr, img->size);
	if (!slot)
		return -EFAULT;
	ret = grow_pins(kvm, npages);
	if (ret)
		return ret;
	idx = kvm_bootops_hvc_set_boot_info(kvm->arch.pkvm.handle, img->guest_phys_addr,
					    img->size, img->signature);
	if (idx < 0)
		return idx;
	/* A failure part-way leaves the image incomplete: the VM cannot run. */
	for (k = 0; k < npages; k += BOOTOPS_LEND_BATCH) {
		ret = lend_pages(kvm, slot, (img->guest_phys_addr >> PAGE_SHIFT) + k,
				 min_t(u64, npages - k, BOOTOPS_LEND_BATCH), idx);
		if (ret)
			return ret;
	}
	pr_info_ratelimited("VM %#x: image %d declared at %#llx, %llu bytes\n",
			    kvm->arch.pkvm.handle, idx, img->guest_phys_addr, img->size);
	return idx;
}

int kvm_bootops_declare_image(struct kvm *kvm, void __user *argp)
{
	struct kvm_arm_bootops_image img;
	int ret, srcu_idx;

	if (copy_from_user(&img, argp, sizeof(img)))
		return -EFAULT;
	if (!kvm->arch.bootops_required || !image_args_valid(&img))
		return -EINVAL;
	/* config_lock: serialised with the first run, which verifies. */
	mutex_lock(&kvm->arch.config_lock);
	/*
	 * Table pages for mapping the image at hyp: one per 2 MiB it spans,
	 * and one per level above; hyp takes only those it lacks.
	 */
	ret = kvm_bootops_topup_s2(kvm, kvm->arch.pkvm.bootops_mc.nr_pages +
					DIV_ROUND_UP(img.size, SZ_2M) + KVM_BOOTOPS_S2_PAGE_TABLES);
	if (ret) {
		mutex_unlock(&kvm->arch.config_lock);
		return ret;
	}
	srcu_idx = srcu_read_lock(&kvm->srcu);
	ret = declare_image(kvm, &img);
	srcu_read_unlock(&kvm->srcu, srcu_idx);
	mutex_unlock(&kvm->arch.config_lock);
	return ret;
}

/* A VM that requires verified images must have at least one. */
int kvm_bootops_check_images(struct kvm *kvm)
{
	if (kvm->arch.bootops_required && !kvm->arch.bootops_nr_pages)
		return -ENOEXEC;
	return 0;
}

/* After hyp's teardown, which gave every page back zeroed. */
void kvm_bootops_release_images(struct kvm *kvm)
{
	/* Teardown failed: hyp may still own them, so leak, never reuse. */
	if (kvm->arch.bootops_registered && kvm->arch.bootops_nr_pages) {
		pr_warn("VM %#x: %lu image pages leaked\n", kvm->arch.pkvm.handle,
			kvm->arch.bootops_nr_pages);
		return;
	}
	unpin_user_pages(kvm->arch.bootops_pages, kvm->arch.bootops_nr_pages);
	kfree(kvm->arch.bootops_pages);
	kvm->arch.bootops_pages = NULL;
	kvm->arch.bootops_nr_pages = 0;
}
