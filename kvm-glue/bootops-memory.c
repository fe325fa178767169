// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops, EL1 glue for the memory of VMs on hyp's stage 2.
 *
 * Once a VM with images is verified it runs on the stage 2 hyp keeps for
 * it.  A stage-2 fault on ordinary memory is resolved here: KVM pins the
 * page behind the faulting address for the VM's lifetime (as for images)
 * and asks hyp to share it into the VM.  Hyp refuses anything over an
 * image.  Pages are unpinned after hyp's teardown gave them back.
 *
 * Per VM, debugfs has bootops_handle, bootops_host_faults (host accesses to
 * the VM's pages that hyp refused), bootops_hyp_tables (table pages boot
 * ops hold, for all VMs), bootops_s2_probe (tries one share or unshare
 * from the host, for tests: see Documentation/virt/kvm/arm/bootops.rst)
 * and bootops_longest_call_ns (the longest verification hypercall).
 */
#define pr_fmt(fmt) "kvm-bootops: " fmt

#include <linux/arm-smccc.h>
#include <linux/debugfs.h>
#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <linux/xarray.h>
#include <asm/kvm_asm.h>
#include <asm/kvm_bootops.h>
#include <asm/kvm_bootops_memory.h>
#include <asm/kvm_emulate.h>
#include <asm/kvm_mmu.h>

extern phys_addr_t hyp_mem_base;

/* Verified, with images: what hyp's bootops_vm_uses_hyp_s2() says. */
bool kvm_bootops_uses_hyp_s2(struct kvm *kvm)
{
	return READ_ONCE(kvm->arch.bootops_status) == 1 && kvm->arch.bootops_nr_pages;
}

static int share_page(struct kvm *kvm, phys_addr_t ipa, struct page *page)
{
	return kvm_call_hyp_nvhe(__bootops_share_guest_page, kvm->arch.pkvm.handle,
				 ipa, page_to_pfn(page));
}

/* Ordinary memory: shared, or for KVM_VM_TYPE_ARM_BOOTOPS_PRIVATE_MEM given. */
static int lend_page(struct kvm *kvm, phys_addr_t ipa, struct page *page)
{
	if (!kvm->arch.bootops_private_mem)
		return share_page(kvm, ipa, page);
	return kvm_call_hyp_nvhe(__bootops_donate_guest_page, kvm->arch.pkvm.handle,
				 ipa, page_to_pfn(page));
}

static int unshare_page(struct kvm *kvm, phys_addr_t ipa)
{
	return kvm_call_hyp_nvhe(__bootops_unshare_guest_page, kvm->arch.pkvm.handle, ipa);
}

/*
 * The page behind ipa, pinned until the VM is destroyed, lent to it.  Under
 * bootops_mem_lock, so that one gfn is pinned and lent once.
 */
static int map_guest_page(struct kvm *kvm, phys_addr_t ipa, unsigned long hva)
{
	gfn_t gfn = ipa >> PAGE_SHIFT;
	struct page *page;
	int ret;

	/* Pinned already: hyp still maps it (a spurious fault), or unshared since. */
	page = xa_load(&kvm->arch.bootops_guest_pages, gfn);
	if (page) {
		ret = lend_page(kvm, ipa, page);
		return ret == -EEXIST ? 0 : ret;
	}
	ret = pin_user_pages_fast(hva & PAGE_MASK, 1, FOLL_WRITE | FOLL_LONGTERM, &page);
	if (ret != 1)
		return ret < 0 ? ret : -EFAULT;
	ret = xa_insert(&kvm->arch.bootops_guest_pages, gfn, page, GFP_KERNEL_ACCOUNT);
	if (!ret)
		ret = lend_page(kvm, ipa, page);
	if (ret) {
		xa_erase(&kvm->arch.bootops_guest_pages, gfn);
		unpin_user_page(page);
	}
	/* EEXIST: hyp maps something else there already; the guest retries. */
	return ret == -EEXIST ? 0 : ret;
}

/* A stage-2 fault of a VM on hyp's stage 2; 0 once the page is mapped. */
int kvm_bootops_mem_abort(struct kvm_vcpu *vcpu, phys_addr_t fault_ipa,
			  struct kvm_memory_slot *memslot, unsigned long hva)
{
	struct kvm *kvm = vcpu->kvm;
	int ret;

	/* Hyp maps guest memory read-write and tracks no dirty pages. */
	if (memslot->flags & (KVM_MEM_READONLY | KVM_MEM_LOG_DIRTY_PAGES))
		return -EOPNOTSUPP;
	mutex_lock(&kvm->arch.bootops_mem_lock);
	ret = kvm_bootops_topup_s2(kvm, KVM_BOOTOPS_S2_PAGE_TABLES);
	if (!ret)
		ret = map_guest_page(kvm, fault_ipa & PAGE_MASK, hva);
	mutex_unlock(&kvm->arch.bootops_mem_lock);
	if (ret)
		pr_warn_ratelimited("VM %#x: guest page at %#llx (esr %#llx) not mapped: %pe\n",
				    kvm->arch.pkvm.handle, fault_ipa, kvm_vcpu_get_esr(vcpu),
				    ERR_PTR(ret));
	return ret;
}

void kvm_bootops_init_memory(struct kvm *kvm)
{
	xa_init(&kvm->arch.bootops_guest_pages);
	mutex_init(&kvm->arch.bootops_mem_lock);
}

/* After hyp's teardown, which unshared every page. */
void kvm_bootops_release_memory(struct kvm *kvm)
{
	struct page *page;
	unsigned long gfn;

	/* Teardown failed: hyp may still map them, so leak, never reuse. */
	if (kvm->arch.bootops_registered && !xa_empty(&kvm->arch.bootops_guest_pages)) {
		pr_warn("VM %#x: guest pages leaked\n", kvm->arch.pkvm.handle);
		return;
	}
	xa_for_each(&kvm->arch.bootops_guest_pages, gfn, page)
		unpin_user_page(page);
	xa_destroy(&kvm->arch.bootops_guest_pages);
}

/* get_vm_stats: x2 = the VM's host faults, x3 = boot ops' table pages. */
static int vm_stat(struct kvm *kvm, int reg, u64 *val)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(KVM_HOST_SMCCC_FUNC(__bootops_get_vm_stats),
			  kvm->arch.pkvm.handle, &res);
	if ((long)res.a1)
		return (long)res.a1;
	*val = reg == 2 ? res.a2 : res.a3;
	return 0;
}

static int host_faults_get(void *data, u64 *val)
{
	return vm_stat(data, 2, val);
}
DEFINE_DEBUGFS_ATTRIBUTE(host_faults_fops, host_faults_get, NULL, "%llu\n");

static int hyp_tables_get(void *data, u64 *val)
{
	return vm_stat(data, 3, val);
}
DEFINE_DEBUGFS_ATTRIBUTE(hyp_tables_fops, hyp_tables_get, NULL, "%llu\n");

/* The test probe: the last result, as an errno (0 for success). */
static int probe_result(struct kvm *kvm, int ret)
{
	WRITE_ONCE(kvm->arch.bootops_probe_result, ret);
	return 0;
}

/* An image page of the VM with this handle, or NULL. */
static struct page *image_page_of(u32 handle)
{
	struct page *page = NULL;
	struct kvm *kvm;

	mutex_lock(&kvm_lock);
	list_for_each_entry(kvm, &vm_list, vm_list)
		if (kvm->arch.pkvm.handle == handle && kvm->arch.bootops_nr_pages)
			page = kvm->arch.bootops_pages[0];
	mutex_unlock(&kvm_lock);
	return page;
}

/*
 * A fresh page shared with no table page in the VM's memcache (those it
 * holds are freed first): hyp must say -ENOMEM if the walk to ipa lacks a
 * table, and leave the page the host's (pKVM then shares it with hyp).
 */
static int share_without_pages(struct kvm *kvm, u64 ipa, struct page *page)
{
	int ret;

	free_hyp_memcache(&kvm->arch.pkvm.bootops_mc);
	ret = share_page(kvm, ipa, page);
	if (ret == -ENOMEM && kvm_call_hyp_nvhe(__pkvm_host_share_hyp, page_to_pfn(page)))
		return -EBUSY;
	if (ret == -ENOMEM)
		WARN_ON(kvm_call_hyp_nvhe(__pkvm_host_unshare_hyp, page_to_pfn(page)));
	return ret;
}

static int probe_share(struct kvm *kvm, u64 ipa, const char *what, u32 arg)
{
	struct page *page = NULL, *fresh = NULL;
	int ret;

	if (!strcmp(what, "host") || !strcmp(what, "nopages")) {
		fresh = alloc_page(GFP_KERNEL);
		page = fresh;
	} else if (!strcmp(what, "hyp")) {
		page = pfn_to_page(hyp_mem_base >> PAGE_SHIFT);
	} else if (!strcmp(what, "image")) {
		page = image_page_of(arg);
	}
	if (!page)
		return -EINVAL;
	mutex_lock(&kvm->arch.bootops_mem_lock);
	if (!strcmp(what, "nopages"))
		ret = share_without_pages(kvm, ipa, page);
	else
		ret = kvm_bootops_topup_s2(kvm, KVM_BOOTOPS_S2_PAGE_TABLES) ?:
		      share_page(kvm, ipa, page);
	/* The probe must leave nothing behind, even if hyp wrongly agreed. */
	if (!ret)
		WARN_ON(unshare_page(kvm, ipa));
	mutex_unlock(&kvm->arch.bootops_mem_lock);
	if (fresh)
		__free_page(fresh);
	return probe_result(kvm, ret);
}

/* Raw arguments, as a hostile host would pass them; a share hyp takes is undone. */
static int probe_raw_share(struct kvm *kvm, u64 handle, u64 ipa, u64 pfn)
{
	int ret = kvm_call_hyp_nvhe(__bootops_share_guest_page, handle, ipa, pfn);

	if (!ret)
		WARN_ON(kvm_call_hyp_nvhe(__bootops_unshare_guest_page, handle, ipa));
	return probe_result(kvm, ret);
}

/*
 * pKVM's own share or unshare with hyp of the host page behind guest
 * address ipa, as a host that knows which page it lent would try.
 */
static int probe_pkvm(struct kvm *kvm, const char *what, u64 ipa)
{
	struct page *page = xa_load(&kvm->arch.bootops_guest_pages, ipa >> PAGE_SHIFT);

	if (!page)
		return -ENOENT;
	if (!strcmp(what, "share_hyp"))
		return kvm_call_hyp_nvhe(__pkvm_host_share_hyp, page_to_pfn(page));
	if (!strcmp(what, "unshare_hyp"))
		return kvm_call_hyp_nvhe(__pkvm_host_unshare_hyp, page_to_pfn(page));
	return -EINVAL;
}

/*
 * register_kvm under handle, its record in fresh pages of the host's.
 * Should hyp say yes, the pages are its own for good: never freed.
 */
static int probe_register(u64 handle)
{
	void *record;

	return kvm_bootops_register_at_hyp(handle, &record);
}

/*
 * "share <ipa> host|hyp|nopages", "share <ipa> image <handle>", "unshare <ipa>",
 * "pkvm share_hyp|unshare_hyp <ipa>" (pKVM's own, on the page behind ipa), and
 * with raw arguments "hcall share <handle> <ipa> <pfn>", "hcall unshare <handle> <ipa>",
 * "hcall register <handle>", "hcall pkvm_teardown <handle>" (pKVM's own teardown).
 */
static ssize_t probe_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	struct kvm *kvm = file_inode(file)->i_private;
	char buf[96], what[8] = "", op[16] = "";
	u64 ipa, handle, pfn;
	u32 arg = 0;
	int ret;

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = 0;
	if (sscanf(buf, "share %llx %7s %u", &ipa, what, &arg) >= 2)
		ret = probe_share(kvm, ipa, what, arg);
	else if (sscanf(buf, "unshare %llx", &ipa) == 1)
		ret = probe_result(kvm, unshare_page(kvm, ipa));
	else if (sscanf(buf, "pkvm %15s %llx", op, &ipa) == 2)
		ret = probe_result(kvm, probe_pkvm(kvm, op, ipa));
	else if (sscanf(buf, "hcall share %llx %llx %llx", &handle, &ipa, &pfn) == 3)
		ret = probe_raw_share(kvm, handle, ipa, pfn);
	else if (sscanf(buf, "hcall pkvm_teardown %llx", &handle) == 1)
		ret = probe_result(kvm, kvm_call_hyp_nvhe(__pkvm_teardown_vm, handle));
	else if (sscanf(buf, "hcall register %llx", &handle) == 1)
		ret = probe_result(kvm, probe_register(handle));
	else if (sscanf(buf, "hcall unshare %llx %llx", &handle, &ipa) == 2)
		ret = probe_result(kvm, kvm_call_hyp_nvhe(__bootops_unshare_guest_page,
							  handle, ipa));
	else
		ret = -EINVAL;
	return ret ? ret : len;
}

static ssize_t probe_read(struct file *file, char __user *ubuf, size_t len, loff_t *ppos)
{
	struct kvm *kvm = file_inode(file)->i_private;
	char buf[16];
	int n = scnprintf(buf, sizeof(buf), "%d\n", READ_ONCE(kvm->arch.bootops_probe_result));

	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations probe_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= probe_read,
	.write	= probe_write,
	.llseek	= default_llseek,
};

void kvm_bootops_create_debugfs(struct kvm *kvm)
{
	if (!kvm->arch.bootops_registered)
		return;
	debugfs_create_u32("bootops_handle", 0444, kvm->debugfs_dentry, &kvm->arch.pkvm.handle);
	debugfs_create_file("bootops_host_faults", 0444, kvm->debugfs_dentry, kvm,
			    &host_faults_fops);
	debugfs_create_file("bootops_hyp_tables", 0444, kvm->debugfs_dentry, kvm,
			    &hyp_tables_fops);
	debugfs_create_file("bootops_s2_probe", 0600, kvm->debugfs_dentry, kvm, &probe_fops);
	debugfs_create_u64("bootops_longest_call_ns", 0444, kvm->debugfs_dentry,
			   &kvm->arch.bootops_longest_call_ns);
}
