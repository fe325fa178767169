// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot-ops hypercall self-test: reading /sys/kernel/debug/kvm-bootops/selftest
 * sends the real hyp hostile boot-ops hypercalls from EL1 and reports in
 * TAP whether each got the documented answer.  It also checks the page
 * transitions on pKVM: an image page taken by hyp comes back to the host
 * zeroed at teardown.  It touches a VM's page only through
 * copy_from_kernel_nofault(), which hyp's reflected abort makes fail.
 */
#define pr_fmt(fmt) "kvm-bootops-selftest: " fmt

#include <linux/arm-smccc.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/kvm_host.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <asm/kvm_asm.h>
#include <asm/kvm_bootops.h>
#include <asm/kvm_bootops_selftest.h>
#include <asm/kvm_mmu.h>
#include <asm/kvm_pkvm.h>
#include <asm/sections.h>

#include <bootops/abi.h>

#define HC(fn, ...)	((int)kvm_call_hyp_nvhe(__bootops_##fn, ##__VA_ARGS__))
/* remap_vm_image of one page: (vmid, load_idx, nr = 1, pfn). */
#define REMAP1(vmid, pfn, idx)	HC(remap_vm_image, vmid, idx, 1, pfn)

/* The struct kvm of each VM's hyp VM, by handle (create_hyp_vm()). */
static DEFINE_XARRAY(vm_kvms);

/* One verification slice, with table pages for it in the VM's memcache, as KVM gives. */
static int verify_slice(u64 vmid)
{
	struct kvm *kvm = xa_load(&vm_kvms, vmid);
	int ret = kvm ? kvm_bootops_topup_s2(kvm, KVM_BOOTOPS_S2_SLICE_PAGES) : 0;

	return ret ? ret : HC(verify_and_load_images, vmid);
}

/* Verification and teardown go on in slices while hyp says so. */
static int verify_all(u64 vmid)
{
	int ret;

	do
		ret = verify_slice(vmid);
	while (ret == BOOTOPS_CONTINUE);
	return ret;
}

#define RECORD_SIZE	(BOOTOPS_VM_STATE_PAGES * PAGE_SIZE)

/* The pages each registered VM's record is in, by handle: hyp's until teardown. */
static DEFINE_XARRAY(vm_records);

static void *alloc_record(void)
{
	return alloc_pages_exact(RECORD_SIZE, GFP_KERNEL);
}

/* register_kvm as KVM calls it: the record in pages of the host's own. */
static int register_vm(u64 handle)
{
	void *record;
	int ret = kvm_bootops_register_at_hyp(handle, &record);

	/* Hyp has the pages: should the store fail, they are never freed. */
	return ret ? ret : xa_err(xa_store(&vm_records, handle, record, GFP_KERNEL));
}

/* Only once hyp has given them back may the record's pages be freed. */
static int teardown_all(u64 vmid)
{
	void *record;
	int ret;

	do
		ret = HC(teardown_vm, vmid);
	while (ret == BOOTOPS_CONTINUE);
	record = ret ? NULL : xa_erase(&vm_records, vmid);
	if (record)
		free_pages_exact(record, RECORD_SIZE);
	return ret;
}

static int reserve_handle(void)
{
	return kvm_call_hyp_nvhe(__pkvm_reserve_vm);
}

static int unreserve_handle(u64 handle)
{
	return kvm_call_hyp_nvhe(__pkvm_unreserve_vm, handle);
}

/*
 * The hyp VM pKVM creates at a VM's first run, for one of the self-test's
 * VMs: a struct kvm with room for one vCPU and none created, shared with
 * hyp as KVM shares its own, so that boot ops have the VM's stage 2.
 */
static int create_hyp_vm(u64 handle)
{
	struct kvm *kvm = kzalloc(sizeof(*kvm), GFP_KERNEL);
	int ret;

	if (!kvm)
		return -ENOMEM;
	kvm->created_vcpus = 1;
	kvm->arch.pkvm.handle = handle;
	/* pKVM gives every VM the IPA size of the host's stage 2 (kvm_init_stage2_mmu()). */
	kvm->arch.mmu.vtcr = kvm_get_vtcr(read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1),
					  read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1),
					  get_kvm_ipa_limit());
	mutex_init(&kvm->arch.config_lock);
	xa_init(&kvm->vcpu_array);
	ret = kvm_share_hyp(kvm, kvm + 1);
	if (ret)
		goto free;
	ret = pkvm_create_hyp_vm(kvm);
	if (!ret)
		ret = xa_err(xa_store(&vm_kvms, handle, kvm, GFP_KERNEL));
	if (!ret)
		return 0;
	if (kvm->arch.pkvm.is_created)
		pkvm_destroy_hyp_vm(kvm);
	kvm_unshare_hyp(kvm, kvm + 1);
free:
	kfree(kvm);
	return ret;
}

/* The handle back to pKVM: with its hyp VM if it has one (as KVM destroys a VM). */
static int release_handle(u64 handle)
{
	struct kvm *kvm = xa_erase(&vm_kvms, handle);

	if (!kvm)
		return unreserve_handle(handle);
	pkvm_destroy_hyp_vm(kvm);
	kvm_unshare_hyp(kvm, kvm + 1);
	kfree(kvm);
	return 0;
}

/*
 * A VM as KVM makes one: a handle reserved at pKVM when it is created,
 * boot ops for it, then pKVM's hyp VM (at its first run).  Returns the
 * handle, or -errno.
 */
static int new_vm(void)
{
	int handle = reserve_handle(), ret;

	if (handle <= 0)
		return handle ? handle : -EINVAL;
	ret = register_vm(handle);
	if (ret) {
		WARN_ON(unreserve_handle(handle));
		return ret;
	}
	ret = create_hyp_vm(handle);
	if (ret) {
		WARN_ON(teardown_all(handle) || unreserve_handle(handle));
		return ret;
	}
	return handle;
}

/* Boot ops' teardown, then the handle back to pKVM. */
static int end_vm(u64 handle)
{
	int ret = teardown_all(handle);

	return ret ? ret : release_handle(handle);
}

void kvm_bootops_st_expect(struct kvm_bootops_st *t, const char *what, long got, long want)
{
	t->n++;
	if (got == want) {
		seq_printf(t->m, "ok %d - %s\n", t->n, what);
		return;
	}
	t->failed++;
	seq_printf(t->m, "not ok %d - %s # got %ld (0x%lx), want %ld\n", t->n, what, got, got,
		   want);
}

static void expect(struct kvm_bootops_st *t, const char *what, long got, long want)
{
	kvm_bootops_st_expect(t, what, got, want);
}

/* Not a pKVM handle: below its first, past its last, or with high bits set. */
static const u64 bad_ids[] = {
	1, 0xfff, 0x1000 + BOOTOPS_MAX_VMS, 1ULL << 31, 0xffffffffULL,
	(1ULL << 32) + 0x1000, ~0ULL,
};

static u8 zero_sig[BOOTOPS_SIG_SIZE];

static void test_ids(struct kvm_bootops_st *t, u32 vmid)
{
	char what[96];
	int i;

	for (i = 0; i < ARRAY_SIZE(bad_ids); i++) {
		u64 bad = bad_ids[i];

		snprintf(what, sizeof(what), "handle %#llx refused by every hypercall", bad);
		expect(t, what,
		       !!(register_vm(bad) == -EINVAL &&
			  HC(register_vcpu, bad, 0, 0) == -EINVAL &&
			  kvm_bootops_hvc_set_boot_info(bad, 0, PAGE_SIZE, zero_sig) == -EINVAL &&
			  REMAP1(bad, 0, 0) == -EINVAL &&
			  HC(verify_and_load_images, bad) == -EINVAL &&
			  HC(map_io, bad, 0, 0x9000000) == -EINVAL &&
			  HC(alloc_smmu, bad, 0, 0) == -EINVAL &&
			  HC(assign_smmu, bad, 0, 0) == -EINVAL &&
			  HC(map_smmu, bad, 0, 0, 0, 0) == -EINVAL &&
			  HC(clear_smmu, bad, 0, 0, 0) == -EINVAL &&
			  HC(teardown_vm, bad) == -EINVAL), 1);
	}
	expect(t, "handle 0 is not a VM", HC(verify_and_load_images, 0), -EINVAL);
	expect(t, "nor can it be registered", register_vm(0), -EINVAL);
	expect(t, "vcpuid MAX_VCPUS", HC(register_vcpu, vmid, BOOTOPS_MAX_VCPUS, 0), -EINVAL);
	expect(t, "vcpuid 2^32", HC(register_vcpu, vmid, 1ULL << 32, 0), -EINVAL);
	expect(t, "register vcpu 0", HC(register_vcpu, vmid, 0, 0), 0);
	expect(t, "register vcpu 0 twice", HC(register_vcpu, vmid, 0, 0), -EEXIST);
	expect(t, "load_idx MAX_LOAD_INFO", REMAP1(vmid, 0, BOOTOPS_MAX_LOAD_INFO),
	       -EINVAL);
	expect(t, "smmu index out of range", HC(alloc_smmu, 0, 0, BOOTOPS_SMMU_NUM), -EINVAL);
	expect(t, "smmu bank out of range", HC(alloc_smmu, 0, BOOTOPS_SMMU_NUM_CB, 0), -EINVAL);
}

static void test_boot_info(struct kvm_bootops_st *t, u32 vmid)
{
	int i;

	expect(t, "image size 0", kvm_bootops_hvc_set_boot_info(vmid, 0, 0, zero_sig), -EINVAL);
	expect(t, "image size 2^64-1", kvm_bootops_hvc_set_boot_info(vmid, 0, ~0ULL, zero_sig),
	       -EINVAL);
	expect(t, "image size 2^64-4096",
	       kvm_bootops_hvc_set_boot_info(vmid, 0, -4096ULL, zero_sig), -EINVAL);
	expect(t, "image above the size limit",
	       kvm_bootops_hvc_set_boot_info(vmid, 0, BOOTOPS_MAX_IMAGE_SIZE + 1, zero_sig),
	       -EINVAL);
	expect(t, "unaligned load address",
	       kvm_bootops_hvc_set_boot_info(vmid, 0x80000800, PAGE_SIZE, zero_sig), -EINVAL);
	expect(t, "wrapping range",
	       kvm_bootops_hvc_set_boot_info(vmid, -PAGE_SIZE, 2 * PAGE_SIZE, zero_sig), -EINVAL);
	expect(t, "beyond the IPA limit",
	       kvm_bootops_hvc_set_boot_info(vmid, 1ULL << 52, PAGE_SIZE, zero_sig), -EINVAL);
	for (i = 0; i < BOOTOPS_MAX_LOAD_INFO - 2; i++)
		expect(t, "declare another image",
		       kvm_bootops_hvc_set_boot_info(vmid, 0x90000000 + i * SZ_1M, PAGE_SIZE,
						     zero_sig), i + 1);
	expect(t, "overlapping image",
	       kvm_bootops_hvc_set_boot_info(vmid, 0x90000000, PAGE_SIZE, zero_sig), -EEXIST);
	expect(t, "fifth image", kvm_bootops_hvc_set_boot_info(vmid, 0x98000000, PAGE_SIZE,
							       zero_sig), 4);
	expect(t, "sixth image", kvm_bootops_hvc_set_boot_info(vmid, 0x99000000, PAGE_SIZE,
							       zero_sig), -ENOSPC);
}

/* Image 0 of vmid: one page at 0x80000000, declared by the caller. */
static void test_remap(struct kvm_bootops_st *t, u32 vmid, struct page *page, struct page *other)
{
	u64 hyp_pfn = PHYS_PFN(__pa_symbol(__hyp_bss_start));

	expect(t, "remap a hyp page", REMAP1(vmid, hyp_pfn, 0), -EPERM);
	expect(t, "remap a device page", REMAP1(vmid, 0x9000, 0), -EPERM);
	expect(t, "remap a page beyond memory", REMAP1(vmid, 1ULL << 40, 0), -EINVAL);
	expect(t, "remap pfn 2^64-1", REMAP1(vmid, ~0ULL, 0), -EINVAL);
	expect(t, "verify with an incomplete slot", verify_all(vmid), -EPERM);
	expect(t, "lend a batch of 0 pages", HC(remap_vm_image, vmid, 0, 0, page_to_pfn(page)),
	       -EINVAL);
	expect(t, "lend a batch of BOOTOPS_LEND_BATCH + 1 pages",
	       HC(remap_vm_image, vmid, 0, BOOTOPS_LEND_BATCH + 1, page_to_pfn(page)), -EINVAL);
	expect(t, "lend 2 pages to a 1-page image",
	       HC(remap_vm_image, vmid, 0, 2, page_to_pfn(page), page_to_pfn(other)), -ENOSPC);
	expect(t, "remap a host page", REMAP1(vmid, page_to_pfn(page), 0), 0);
	expect(t, "remap one page more than declared",
	       REMAP1(vmid, page_to_pfn(other), 0), -ENOSPC);
	expect(t, "the same page for another image",
	       REMAP1(vmid, page_to_pfn(page), 1), -EPERM);
}

/* A batch with a hyp page in it lends nothing, and says which page it was. */
static void test_batch(struct kvm_bootops_st *t, struct page *page, struct page *other)
{
	u64 pfns[3] = { page_to_pfn(page), PHYS_PFN(__pa_symbol(__hyp_bss_start)),
			page_to_pfn(other) }, bad = 0;
	int vmid = new_vm();
	u32 func = KVM_HOST_SMCCC_FUNC(__bootops_remap_vm_image);

	expect(t, "register a VM for batches", vmid > 0, 1);
	if (vmid <= 0)
		return;
	expect(t, "declare a 2-page image",
	       kvm_bootops_hvc_set_boot_info(vmid, 0x80000000, 2 * PAGE_SIZE, zero_sig), 0);
	expect(t, "batch with a hyp page refused", kvm_bootops_hvc(func, vmid, 0, 2, pfns, 2, &bad),
	       -EPERM);
	expect(t, "the refusal names the hyp page", bad, 1);
	pfns[1] = pfns[2];
	expect(t, "the batch's first page was not kept: lent again with another",
	       kvm_bootops_hvc(func, vmid, 0, 2, pfns, 2, &bad), 0);
	expect(t, "teardown after batches", end_vm(vmid), 0);
}

static void test_devices(struct kvm_bootops_st *t, u32 vmid, struct page *page)
{
	u64 hyp_pa = __pa_symbol(__hyp_bss_start);

	expect(t, "map_io of RAM", HC(map_io, vmid, 0xa0000000, page_to_phys(page)), -EPERM);
	expect(t, "map_io of a hyp page", HC(map_io, vmid, 0xa0000000, hyp_pa), -EPERM);
	expect(t, "map_io over an image", HC(map_io, vmid, 0x80000000, 0x9000000), -EEXIST);
	expect(t, "map_io of a device page", HC(map_io, vmid, 0xa0000000, 0x9000000), 0);
	expect(t, "map_io twice", HC(map_io, vmid, 0xa0000000, 0x9001000), -EEXIST);
	expect(t, "smmu bank to the host", HC(alloc_smmu, 0, 1, 0), 0);
	expect(t, "DMA to a hyp page", HC(map_smmu, 0, 1, 0, 0, hyp_pa), -EPERM);
	expect(t, "DMA to a device page", HC(map_smmu, 0, 1, 0, 0, 0x9000000), -EPERM);
	expect(t, "DMA to an image page", HC(map_smmu, 0, 1, 0, 0, page_to_phys(page)), -EPERM);
	expect(t, "clear an unmapped iova", HC(clear_smmu, 0, 1, 0, 0), -ENOENT);
	expect(t, "smmu bank to a VM", HC(alloc_smmu, vmid, 1, 0), 0);
	expect(t, "host maps through the VM's bank", HC(map_smmu, 0, 1, 0, 0, 0), -EPERM);
}

/* A VM with one 1-page image (page), signed with sig; its vmid or -errno. */
static int vm_with_page(struct page *page, const u8 *sig)
{
	int vmid = new_vm(), ret;

	if (vmid <= 0)
		return vmid ? vmid : -EINVAL;
	ret = kvm_bootops_hvc_set_boot_info(vmid, 0x80000000, PAGE_SIZE, sig);
	if (ret >= 0)
		ret = REMAP1(vmid, page_to_pfn(page), 0);
	if (ret) {
		end_vm(vmid);
		return ret;
	}
	return vmid;
}

/* Calls of verify_and_load_images until it is done, at most max; -ETIME if not. */
static int verify_calls(u64 vmid, int max, int *calls)
{
	int ret = BOOTOPS_CONTINUE;

	for (*calls = 0; *calls < max && ret == BOOTOPS_CONTINUE; ++*calls)
		ret = verify_slice(vmid);
	return ret == BOOTOPS_CONTINUE ? -ETIME : ret;
}

/*
 * At EL2 a signature check takes several calls and only one VM's check is
 * in progress at a time: another VM waits without progress until the first
 * ends or is torn down.  The signature is in range but wrong, so that the
 * whole check runs.
 */
static void test_one_check_at_a_time(struct kvm_bootops_st *t, struct page *pa, struct page *pb)
{
	static u8 sig[BOOTOPS_SIG_SIZE];
	int a, b, n = 0, ret;

	memset(sig, 0x11, sizeof(sig));
	a = vm_with_page(pa, sig);
	b = vm_with_page(pb, sig);
	expect(t, "two VMs with a 1-page image each", a > 0 && b > 0, 1);
	if (a <= 0 || b <= 0)
		goto out;
	/* A: load and hash, then the first check step; the check is A's now. */
	expect(t, "A: loaded and hashed", verify_slice(a), BOOTOPS_CONTINUE);
	expect(t, "A: first check step, more to come", verify_slice(a), BOOTOPS_CONTINUE);
	expect(t, "B waits while A's check is in progress", verify_calls(b, 20, &n), -ETIME);
	expect(t, "B: still VERIFYING, so it takes no vCPU", HC(register_vcpu, b, 0, 0), -EPERM);
	expect(t, "A torn down in the middle of its check", end_vm(a), 0);
	a = 0;
	ret = verify_calls(b, 20, &n);
	expect(t, "then B's check runs to its end: the wrong signature refused", ret,
	       -EKEYREJECTED);
	expect(t, "B's check took more than one step", n > 1, 1);
out:
	if (a > 0)
		end_vm(a);
	if (b > 0)
		end_vm(b);
}

/*
 * Boot ops know a VM by the handle pKVM reserved for it, take it once, and
 * only before pKVM has initialised it; pKVM keeps the handle while they
 * hold the VM.
 */
static void test_registration(struct kvm_bootops_st *t)
{
	int h = reserve_handle(), gone = reserve_handle();

	expect(t, "pKVM reserves two handles", h > 0 && gone > 0 && h != gone, 1);
	if (h <= 0 || gone <= 0)
		goto out;
	expect(t, "a handle given back", unreserve_handle(gone), 0);
	expect(t, "is not registered", register_vm(gone), -ENOENT);
	expect(t, "nor given back twice", unreserve_handle(gone), -ENOENT);
	gone = 0;
	expect(t, "register a reserved handle", register_vm(h), 0);
	expect(t, "a second registration of it refused", register_vm(h), -EEXIST);
	expect(t, "the same handle with high bits set refused",
	       register_vm((1ULL << 32) | h), -EINVAL);
	expect(t, "pKVM keeps the handle while boot ops hold the VM",
	       unreserve_handle(h), -EBUSY);
	expect(t, "and the VM is still boot ops' own", register_vm(h), -EEXIST);
	expect(t, "a reserved VM is not pKVM's to tear down",
	       (int)kvm_call_hyp_nvhe(__pkvm_teardown_vm, h), -ENOENT);
	expect(t, "boot ops let go", teardown_all(h), 0);
	expect(t, "then the handle goes back", unreserve_handle(h), 0);
	h = 0;
out:
	if (h > 0 && !teardown_all(h))
		unreserve_handle(h);
	if (gone > 0)
		unreserve_handle(gone);
}

/* pKVM's own share of one page with hyp, not through kvm_share_hyp()'s refcounts. */
static int pkvm_share(u64 pfn)
{
	int ret = kvm_call_hyp_nvhe(__pkvm_host_share_hyp, pfn, 1);

	if (!ret)
		WARN_ON(kvm_call_hyp_nvhe(__pkvm_host_unshare_hyp, pfn, 1));
	return ret;
}

/* -EFAULT if the host may not read va: hyp reflects the abort. */
static int host_read(const void *va)
{
	u64 word;

	return copy_from_kernel_nofault(&word, va, sizeof(word));
}

/* The refusals of the record's pages; h is reserved and not registered. */
static void test_record_refused(struct kvm_bootops_st *t, u64 h, u8 *rec, u64 lent_pfn, int other)
{
	u64 pfn = virt_to_pfn(rec);
	int i, owned = 0;

	expect(t, "record in hyp's pages",
	       HC(register_kvm, h, PHYS_PFN(__pa_symbol(__hyp_bss_start))), -EPERM);
	expect(t, "record in device pages", HC(register_kvm, h, 0x9000), -EINVAL);
	expect(t, "record beyond memory", HC(register_kvm, h, 1ULL << 40), -EINVAL);
	expect(t, "record at pfn 2^64-1", HC(register_kvm, h, ~0ULL), -EINVAL);
	expect(t, "record running past the end of memory",
	       HC(register_kvm, h, PHYS_PFN(memblock_end_of_DRAM()) - 1), -EINVAL);
	expect(t, "record in a page lent for an image", HC(register_kvm, h, lent_pfn), -EPERM);
	expect(t, "record in another VM's record",
	       HC(register_kvm, h, virt_to_pfn(xa_load(&vm_records, other))), -EPERM);
	if (!kvm_call_hyp_nvhe(__pkvm_host_share_hyp, pfn + 1, 1)) {
		expect(t, "record whose middle page the host shares with hyp",
		       HC(register_kvm, h, pfn), -EPERM);
		WARN_ON(kvm_call_hyp_nvhe(__pkvm_host_unshare_hyp, pfn + 1, 1));
	}
	for (i = 0; i < BOOTOPS_VM_STATE_PAGES; i++)
		owned += !pkvm_share(pfn + i);
	expect(t, "the refused pages are still the host's alone: pKVM shares each",
	       owned, BOOTOPS_VM_STATE_PAGES);
	expect(t, "with the host's bytes", rec[0] == 0xa5 && rec[RECORD_SIZE - 1] == 0xa5, 1);
}

/*
 * register_kvm's record pages: RAM the host alone owns, all of them.  A
 * refusal takes nothing and leaves the handle free.  While the VM exists
 * the pages are hyp's: the host can neither share, lend nor DMA-map them,
 * and its reads fault without stopping EL2.  Teardown returns them zeroed.
 */
static void test_record_pages(struct kvm_bootops_st *t)
{
	u8 *rec = alloc_record(), *lent = (u8 *)__get_free_page(GFP_KERNEL);
	int h = reserve_handle(), other = -ENOENT;
	u64 pfn;

	if (!rec || !lent || h <= 0) {
		expect(t, "pages and a handle for the record tests", h <= 0 ? h : -ENOMEM, 0);
		goto out;
	}
	pfn = virt_to_pfn(rec);
	memset(rec, 0xa5, RECORD_SIZE);
	other = vm_with_page(virt_to_page(lent), zero_sig);
	expect(t, "another VM, with a page lent for its image", other > 0, 1);
	if (other <= 0)
		goto out;
	test_record_refused(t, h, rec, virt_to_pfn(lent), other);
	expect(t, "then the handle registers, the record in those pages",
	       HC(register_kvm, h, pfn), 0);
	expect(t, "the record is hyp's: pKVM does not share it", pkvm_share(pfn + 2), -EPERM);
	expect(t, "a second VM's image",
	       kvm_bootops_hvc_set_boot_info(h, 0x80000000, PAGE_SIZE, zero_sig), 0);
	expect(t, "the record is not lent for it", REMAP1(h, pfn, 0), -EPERM);
	expect(t, "no stage 2 to map into before pKVM has the VM (KVM's first run)",
	       HC(map_io, h, 0xa0000000, 0x9000000), -ENOENT);
	expect(t, "host takes SMMU bank 3", HC(alloc_smmu, 0, 3, 0), 0);
	expect(t, "nor DMA-mapped for the host", HC(map_smmu, 0, 3, 0, 0, PFN_PHYS(pfn)), -EPERM);
	expect(t, "a host read of the record faults, and EL2 goes on",
	       host_read(rec + PAGE_SIZE), -EFAULT);
	if (teardown_all(h)) {
		expect(t, "teardown with the record", -EBUSY, 0);
		rec = NULL;	/* still hyp's: never freed */
		goto out;
	}
	expect(t, "teardown gives the record back zeroed", !memchr_inv(rec, 0, RECORD_SIZE), 1);
out:
	if (other > 0 && end_vm(other))
		lent = NULL;	/* the image page is still hyp's */
	if (h > 0)
		unreserve_handle(h);
	if (rec)
		free_pages_exact(rec, RECORD_SIZE);
	if (lent)
		free_page((unsigned long)lent);
}

/* Boot ops' table pages in use (get_vm_stats' x3), read through a VM of their own. */
static long tables_in_use(void)
{
	struct arm_smccc_res res;
	int h = new_vm();

	if (h <= 0)
		return h;
	arm_smccc_1_1_hvc(KVM_HOST_SMCCC_FUNC(__bootops_get_vm_stats), h, &res);
	end_vm(h);
	return (int)res.a1 ? (int)res.a1 : (long)res.a3;
}

/*
 * pKVM's own pool is untouched: it still maps host pages into hyp, here
 * the first page of each of 32 2-MiB blocks (held at once, so that they
 * are different blocks), most of them needing a new hyp table.
 */
static int pkvm_shares_scattered_pages(void)
{
	struct page *blocks[32];
	int i, n = 0, ret = 0;

	for (i = 0; i < ARRAY_SIZE(blocks); i++)
		blocks[i] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, PMD_SHIFT - PAGE_SHIFT);
	for (i = 0; i < ARRAY_SIZE(blocks) && !ret; i++) {
		void *va;

		if (!blocks[i])
			continue;
		va = page_address(blocks[i]);
		ret = kvm_share_hyp(va, va + PAGE_SIZE);
		if (!ret)
			kvm_unshare_hyp(va, va + PAGE_SIZE);
		n++;
	}
	for (i = 0; i < ARRAY_SIZE(blocks); i++)
		if (blocks[i])
			__free_pages(blocks[i], PMD_SHIFT - PAGE_SHIFT);
	return ret ? ret : n >= 16 ? 0 : -ENOSPC;
}

/*
 * Table pages for boot ops come from a pool of their own (4 MiB): host DMA
 * mappings 512 GiB apart take three new tables each and run it dry.  The
 * mapping that finds it empty is refused with -ENOMEM and its page is not
 * kept; pKVM, with its own pool, still shares pages with hyp; and the bank
 * taken again by its owner gives every table back.  (seq_file may run the
 * whole self-test twice: this leaves nothing behind.)
 */
static void test_table_pool_exhaustion(struct kvm_bootops_st *t)
{
	const int max = 512;
	struct page **pages = kcalloc(max, sizeof(*pages), GFP_KERNEL);
	int n, i, ret = 0, cleared = 0, mapped;
	long before;
	void *va;

	if (!pages) {
		expect(t, "allocate the DMA pages", -ENOMEM, 0);
		return;
	}
	expect(t, "host takes SMMU bank 3 for sparse DMA", HC(alloc_smmu, 0, 3, 0), 0);
	before = tables_in_use();
	for (n = 0; n < max && !ret; n++) {
		pages[n] = alloc_page(GFP_KERNEL);
		ret = pages[n] ? HC(map_smmu, 0, 3, 0, (u64)n << 39, page_to_phys(pages[n])) : 1;
	}
	n--;	/* the last page tried */
	mapped = ret ? n : n + 1;
	expect(t, "sparse host DMA mappings run boot ops' table pool dry: ENOMEM", ret, -ENOMEM);
	expect(t, "after hundreds of mappings (the pool is 4 MiB)", n > 250 && n < max, 1);
	va = ret == -ENOMEM ? page_address(pages[n]) : NULL;
	expect(t, "the refused page stays the host's: pKVM shares it with hyp",
	       va ? kvm_share_hyp(va, va + PAGE_SIZE) : -EINVAL, 0);
	if (va)
		kvm_unshare_hyp(va, va + PAGE_SIZE);
	expect(t, "pKVM's own pool is not boot ops': hyp still maps host pages",
	       pkvm_shares_scattered_pages(), 0);
	for (i = 0; i < mapped; i++)
		cleared += !HC(clear_smmu, 0, 3, 0, (u64)i << 39);
	expect(t, "every sparse mapping cleared", cleared, mapped);
	expect(t, "its owner takes the bank again: emptied in place, with no page to spare",
	       HC(alloc_smmu, 0, 3, 0), 0);
	expect(t, "boot ops' tables back to where they were",
	       before >= 0 && tables_in_use() == before, 1);
	for (i = 0; i <= n && i < max; i++)
		if (pages[i])
			__free_page(pages[i]);
	kfree(pages);
}

/*
 * A VM's stage 2 is pKVM's for it, with tables from pages the host gives
 * in the VM's memcache.  With none there, the load of its image is
 * refused with -ENOMEM and the VM is rejected (as for any failed load),
 * pKVM's own memory is untouched, and teardown gives the page back
 * scrubbed.  One VM's mappings can never use up another's or hyp's pages.
 */
static void test_s2_without_pages(struct kvm_bootops_st *t)
{
	struct page *page = alloc_page(GFP_KERNEL);
	int vmid = -ENOMEM;

	if (page) {
		memset(page_address(page), 0xa5, PAGE_SIZE);
		vmid = vm_with_page(page, zero_sig);
	}
	expect(t, "a VM with an image, no page in its memcache", vmid > 0, 1);
	if (vmid <= 0)
		goto out;
	expect(t, "its image cannot be mapped without table pages: ENOMEM",
	       HC(verify_and_load_images, vmid), -ENOMEM);
	expect(t, "and the VM is rejected for good", verify_all(vmid), -EPERM);
	expect(t, "pKVM's own pool is untouched: hyp still maps host pages",
	       pkvm_shares_scattered_pages(), 0);
	if (end_vm(vmid)) {
		expect(t, "teardown of the VM without tables", -EBUSY, 0);
		return;		/* the page is still hyp's: never freed */
	}
	expect(t, "the image page came back scrubbed",
	       !memchr_inv(page_address(page), 0, PAGE_SIZE), 1);
out:
	if (page)
		__free_page(page);
}

/*
 * Verification before pKVM has the VM (KVM's first run creates it) moves
 * nothing: -ENOENT, the VM still READY with its image page lent.  Once
 * pKVM has it, the same VM verifies (and its zero signature is refused).
 */
static void test_verify_before_hyp_vm(struct kvm_bootops_st *t)
{
	struct page *page = alloc_page(GFP_KERNEL);
	int h = reserve_handle(), ret = -ENOMEM;

	if (page && h > 0)
		ret = register_vm(h);
	expect(t, "a VM without its hyp VM yet", ret, 0);
	if (ret)
		goto out;
	expect(t, "its image declared and lent",
	       kvm_bootops_hvc_set_boot_info(h, 0x80000000, PAGE_SIZE, zero_sig) ||
	       REMAP1(h, page_to_pfn(page), 0), 0);
	expect(t, "verify before pKVM has the VM: ENOENT", HC(verify_and_load_images, h),
	       -ENOENT);
	expect(t, "and the VM is still READY: it takes a vCPU", HC(register_vcpu, h, 0, 0), 0);
	expect(t, "pKVM creates the VM", create_hyp_vm(h), 0);
	expect(t, "then it verifies: the zero signature is refused", verify_all(h),
	       -EKEYREJECTED);
	if (end_vm(h)) {
		expect(t, "teardown after a late verification", -EBUSY, 0);
		return;		/* the page is still hyp's: never freed */
	}
	h = 0;
out:
	if (h > 0)
		unreserve_handle(h);	/* registration failed: the handle only */
	if (page)
		__free_page(page);
}

static void test_image_lifecycle(struct kvm_bootops_st *t)
{
	struct page *page = alloc_page(GFP_KERNEL), *other = alloc_page(GFP_KERNEL);
	u32 vmid;
	u8 *va;
	int ret;

	if (!page || !other) {
		expect(t, "allocate test pages", -ENOMEM, 0);
		goto out;
	}
	va = page_address(page);
	memset(va, 0xa5, PAGE_SIZE);
	ret = new_vm();
	expect(t, "register a VM", ret > 0, 1);
	if (ret <= 0)
		goto out;
	vmid = ret;
	test_ids(t, vmid);
	ret = kvm_bootops_hvc_set_boot_info(vmid, 0x80000000, PAGE_SIZE, zero_sig);
	expect(t, "declare an image", ret, 0);
	expect(t, "remap into an undeclared slot", REMAP1(vmid, page_to_pfn(page), 1),
	       -ENOENT);
	test_boot_info(t, vmid);
	test_remap(t, vmid, page, other);
	test_devices(t, vmid, page);
	/* Slots 1-4 never got their page. */
	expect(t, "verify refused while slots are incomplete", verify_all(vmid),
	       -EPERM);
	expect(t, "teardown", teardown_all(vmid), 0);
	expect(t, "lent page returned with the host's data", va[7], 0xa5);
	expect(t, "teardown twice", teardown_all(vmid), -ENOENT);
	expect(t, "handle back to pKVM", release_handle(vmid), 0);

	ret = new_vm();
	expect(t, "handle reused", ret, vmid);
	vmid = ret;
	expect(t, "declare an image again",
	       kvm_bootops_hvc_set_boot_info(vmid, 0x80000000, PAGE_SIZE, zero_sig), 0);
	expect(t, "remap for a bad signature", REMAP1(vmid, page_to_pfn(page), 0), 0);
	expect(t, "bad signature rejected", verify_all(vmid), -EKEYREJECTED);
	expect(t, "rejected VM takes no new vCPU", HC(register_vcpu, vmid, 1, 0), -EPERM);
	expect(t, "rejected VM cannot verify again", verify_all(vmid), -EPERM);
	ret = HC(map_smmu, 0, 1, 0, 0x1000, page_to_phys(page));
	expect(t, "host cannot DMA-map the VM's page", ret, -EPERM);
	expect(t, "teardown of the rejected VM", end_vm(vmid), 0);
	/* Safe to read again only now: hyp gave the page back. */
	expect(t, "page came back scrubbed", !memchr_inv(va, 0, PAGE_SIZE), 1);
	ret = HC(map_smmu, 0, 1, 0, 0x1000, page_to_phys(other));
	expect(t, "torn-down VM's bank has no owner", ret, -EPERM);
	expect(t, "bank back to the host", HC(alloc_smmu, 0, 1, 0), 0);
	ret = HC(map_smmu, 0, 1, 0, 0x1000, page_to_phys(other));
	expect(t, "host DMA to its own page", ret, 0);
	expect(t, "host bank unmap", HC(clear_smmu, 0, 1, 0, 0x1000), 0);
	test_batch(t, page, other);
	test_one_check_at_a_time(t, page, other);
out:
	if (page)
		__free_page(page);
	if (other)
		__free_page(other);
}

/* One VM's life: image page lent, taken by a rejected VM, given back. */
static int one_cycle(int first, struct page *page, int i)
{
	u8 *va = page_address(page);
	int vmid = new_vm(), bad;

	memset(va, 0xa5, PAGE_SIZE);
	if (vmid != first)
		return 1;
	/* A zero signature is refused early: cheap enough for 1000 rounds. */
	bad = HC(register_vcpu, vmid, i % 8, 0) ||
	      kvm_bootops_hvc_set_boot_info(vmid, 0x80000000, PAGE_SIZE, zero_sig) ||
	      REMAP1(vmid, page_to_pfn(page), 0) ||
	      verify_all(vmid) != -EKEYREJECTED;
	/* Always torn down: the page must never be freed while hyp has it. */
	if (end_vm(vmid))
		return -EBUSY;
	return bad || memchr_inv(va, 0, PAGE_SIZE);
}

static void test_cycles(struct kvm_bootops_st *t)
{
	struct page *page = alloc_page(GFP_KERNEL);
	int i, first = new_vm(), ret;

	ret = first > 0 ? end_vm(first) : first;
	for (i = 0; i < 1000 && page && !ret; i++)
		ret = one_cycle(first, page, i);
	expect(t, "1000 cycles: one handle, the image page back and zeroed every time",
	       page ? ret : -ENOMEM, 0);
	if (page && ret != -EBUSY)
		__free_page(page);
}

/* Reads one page over and over from another CPU, counting what it sees. */
struct page_reader {
	void *va;
	unsigned long faults, zeroes;
};

static int page_reader_fn(void *arg)
{
	struct page_reader *r = arg;
	u64 word;

	while (!kthread_should_stop()) {
		if (copy_from_kernel_nofault(&word, r->va, sizeof(word)))
			r->faults++;
		else if (!word)
			r->zeroes++;
		cond_resched();
	}
	return 0;
}

/*
 * A host CPU keeps reading an image page while the other one gives it to
 * a VM and takes it back, 500 times.  Each read of the VM's page is
 * reflected as a fault; one whose page is returned while hyp is deciding
 * whose it is must be retried, not taken for a fault on hyp's own memory
 * (which stops EL2).  The reader sees both faults and the zeroed page.
 */
static void test_host_reads_race_teardown(struct kvm_bootops_st *t)
{
	struct page *page = alloc_page(GFP_KERNEL);
	struct page_reader r = { };
	struct task_struct *task;
	int i, first = new_vm(), ret;

	ret = first > 0 ? end_vm(first) : first;
	if (!page || ret || num_online_cpus() < 2) {
		expect(t, "two CPUs, a page and a VM handle for the race",
		       !page ? -ENOMEM : ret ? ret : -ENODEV, 0);
		goto out;
	}
	r.va = page_address(page);
	task = kthread_run(page_reader_fn, &r, "bootops-reader");
	if (IS_ERR(task)) {
		expect(t, "start the reader", PTR_ERR(task), 0);
		goto out;
	}
	for (i = 0; i < 500 && !ret; i++)
		ret = one_cycle(first, page, i);
	kthread_stop(task);
	expect(t, "500 VMs take and give back a page another CPU keeps reading", ret, 0);
	expect(t, "that CPU's reads of the VM's page faulted, and it read the zeroes after",
	       r.faults > 0 && r.zeroes > 0, 1);
out:
	if (page && ret != -EBUSY)
		__free_page(page);
}

static long el2_ownership_section(struct page *page, u64 pfn, u64 section, u64 *checks)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(KVM_HOST_SMCCC_FUNC(__bootops_ownership_selftest), pfn, section,
			  &res);
	*checks = res.a2;
	return res.a0 == SMCCC_RET_SUCCESS ? (long)res.a1 : -EOPNOTSUPP;
}

/*
 * Hyp's own test of its page transitions (mem_protect.c), one section (a
 * state of the page and every transition tried in it) per call, on a host
 * page.  Hyp answers with the source line of the first failed check and
 * the number of checks.  The page comes back the host's, scrubbed by the
 * reclaim in one of the sections.
 */
static void test_el2_ownership(struct kvm_bootops_st *t)
{
	struct page *page = alloc_page(GFP_KERNEL);
	u64 section, checks, total = 0;
	long ret = 0;

	if (!page) {
		expect(t, "allocate a page for hyp's ownership self-test", -ENOMEM, 0);
		return;
	}
	memset(page_address(page), 0x5a, PAGE_SIZE);
	for (section = 0; ret >= 0; section++) {
		ret = el2_ownership_section(page, page_to_pfn(page), section, &checks);
		if (ret == -ENOENT)
			break;
		expect(t, "hyp's ownership self-test section: no check failed (else its line)",
		       ret, 0);
		total += checks;
	}
	expect(t, "six sections, over a hundred checks", section == 6 && total > 100, 1);
	expect(t, "the page is the host's again, scrubbed",
	       !memchr_inv(page_address(page), 0, PAGE_SIZE), 1);
	expect(t, "not on a page the host does not own: hyp's",
	       el2_ownership_section(page, PHYS_PFN(__pa_symbol(__hyp_bss_start)), 0, &checks),
	       -EPERM);
	__free_page(page);
}

/* The log says which test runs: the TAP lines come only at the end. */
int kvm_bootops_st_vm_with_page(struct page *page)
{
	static u8 sig[BOOTOPS_SIG_SIZE];

	memset(sig, 0x11, sizeof(sig));
	return vm_with_page(page, sig);
}

int kvm_bootops_st_topup(u64 vmid)
{
	struct kvm *kvm = xa_load(&vm_kvms, vmid);

	return kvm ? kvm_bootops_topup_s2(kvm, KVM_BOOTOPS_S2_PAGE_TABLES) : -ENOENT;
}

int kvm_bootops_st_verify_slice(u64 vmid)
{
	return verify_slice(vmid);
}

int kvm_bootops_st_end_vm(u64 vmid)
{
	return end_vm(vmid);
}

#define RUN(t, test)				\
	do {					\
		pr_info("%s\n", #test);		\
		test(t);			\
	} while (0)

static int selftest_show(struct seq_file *m, void *v)
{
	struct kvm_bootops_st t = { .m = m };

	seq_puts(m, "TAP version 13\n");
	RUN(&t, test_el2_ownership);
	RUN(&t, test_registration);
	RUN(&t, test_record_pages);
	RUN(&t, test_table_pool_exhaustion);
	RUN(&t, test_s2_without_pages);
	RUN(&t, test_verify_before_hyp_vm);
	RUN(&t, test_image_lifecycle);
	RUN(&t, test_cycles);
	RUN(&t, test_host_reads_race_teardown);
	seq_printf(m, "1..%d\n", t.n);
	seq_printf(m, "# %d passed, %d failed\n", t.n - t.failed, t.failed);
	pr_info("%d passed, %d failed\n", t.n - t.failed, t.failed);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(selftest);

static int __init bootops_selftest_init(void)
{
	struct dentry *dir;

	if (!is_protected_kvm_enabled())
		return 0;
	dir = debugfs_create_dir("kvm-bootops", NULL);
	debugfs_create_file("selftest", 0400, dir, NULL, &selftest_fops);
	return 0;
}
late_initcall(bootops_selftest_init);
