// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA isolation self-test: reading /sys/kernel/debug/kvm-bootops-dma/selftest
 * has a device the host controls, QEMU's edu (a DMA engine on PCIe, behind
 * hyp's SMMU), read and write physical addresses a hostile host chooses: a
 * page of hyp's, an image page hyp has taken but whose signature it has
 * not checked yet, a VM's page, and host pages; then gives the edu's stream
 * to a VM as a bank (alloc_smmu, map_smmu, clear_smmu) and back.  It
 * reports in TAP what the device got and what hyp's SMMU counted for its
 * stream.
 */
#define pr_fmt(fmt) "kvm-bootops-dma: " fmt

#include <linux/arm-smccc.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/kvm_host.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <asm/kvm_asm.h>
#include <asm/kvm_bootops_selftest.h>
#include <asm/kvm_bootops_smmu.h>
#include <asm/kvm_pkvm.h>

#include <bootops/abi.h>

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_CNT		0x90
#define EDU_DMA_CMD		0x98
#define  EDU_CMD_RUN		BIT(0)
#define  EDU_CMD_TO_RAM		BIT(1)
#define EDU_BUF			0x40000
/*
 * QEMU's SMMU faults a transfer 4 bytes at a time, an event each: 256
 * bytes stay within the 128-record event queue... twice over, once drained.
 */
#define DMA_LEN			256
/* SMMUv3 event F_TRANSLATION: hyp's map has no entry for the address. */
#define EVT_F_TRANSLATION	0x10

struct edu {
	struct pci_dev *pdev;
	void __iomem *regs;
	u32 sid;
};

struct faults {
	u64 nr, type, addr;
};

static DEFINE_MUTEX(edu_lock);
static struct edu edu;

static int edu_get(void)
{
	struct pci_dev *pdev;
	int ret;

	if (edu.regs)
		return 0;
	pdev = pci_get_device(EDU_VENDOR, EDU_DEVICE, NULL);
	if (!pdev)
		return -ENODEV;
	ret = pci_enable_device(pdev);
	if (ret)
		goto put;
	pci_set_master(pdev);
	edu.regs = pci_iomap(pdev, 0, 0);
	if (!edu.regs) {
		ret = -ENOMEM;
		goto put;
	}
	edu.pdev = pdev;
	edu.sid = pci_dev_id(pdev);
	return 0;
put:
	pci_dev_put(pdev);
	return ret;
}

/* One transfer between pa and the edu's buffer; the edu starts it 100 ms (virtual) later. */
static int edu_dma(u64 pa, bool to_ram)
{
	int i;

	writeq(to_ram ? EDU_BUF : pa, edu.regs + EDU_DMA_SRC);
	writeq(to_ram ? pa : EDU_BUF, edu.regs + EDU_DMA_DST);
	writeq(DMA_LEN, edu.regs + EDU_DMA_CNT);
	writeq(EDU_CMD_RUN | (to_ram ? EDU_CMD_TO_RAM : 0), edu.regs + EDU_DMA_CMD);
	for (i = 0; i < 1000; i++) {
		if (!(readq(edu.regs + EDU_DMA_CMD) & EDU_CMD_RUN))
			return 0;
		usleep_range(10000, 20000);
	}
	return -ETIMEDOUT;
}

static int stream_faults(u64 sid, struct faults *f)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = KVM_HOST_SMCCC_FUNC(__bootops_smmu_stream_faults),
		.a1 = sid,
	}, res;

	arm_smccc_1_2_hvc(&args, &res);
	f->nr = res.a2;
	f->type = res.a3;
	f->addr = res.a4;
	return res.a1;
}

/* One DMA and the faults it added to the edu's stream (the last one's type and address). */
static int dma_faults(u64 pa, bool to_ram, struct faults *added)
{
	struct faults before;
	int ret = stream_faults(edu.sid, &before) ?: edu_dma(pa, to_ram) ?:
		  stream_faults(edu.sid, added);

	added->nr -= before.nr;
	return ret;
}

/* The edu's buffer, through a host page: what its last read from RAM got. */
static int edu_buffer(struct page *page, u8 *out)
{
	int ret = edu_dma(page_to_phys(page), true);

	memcpy(out, page_address(page), DMA_LEN);
	return ret;
}

/* The edu's buffer loaded with byte c, from a host page. */
static int edu_load(struct page *page, u8 c)
{
	memset(page_address(page), c, DMA_LEN);
	return edu_dma(page_to_phys(page), false);
}

static void expect(struct kvm_bootops_st *t, const char *what, long got, long want)
{
	kvm_bootops_st_expect(t, what, got, want);
}

static bool all_bytes(const u8 *buf, u8 c)
{
	return !memchr_inv(buf, c, DMA_LEN);
}

/*
 * A DMA at pa is blocked: the write leaves no trace the device can read
 * back, the read brings the device zeros, and hyp's SMMU counts both as
 * translation faults at pa on the edu's stream.
 */
static void expect_blocked(struct kvm_bootops_st *t, const char *what, u64 pa, struct page *scratch)
{
	u8 buf[DMA_LEN];
	struct faults f;
	char name[96];

	snprintf(name, sizeof(name), "%s: edu's write faults", what);
	expect(t, name, edu_load(scratch, 0x5c) ?: dma_faults(pa, true, &f), 0);
	expect(t, "  counted on its stream", f.nr > 0, 1);
	expect(t, "  as a translation fault", f.type, EVT_F_TRANSLATION);
	expect(t, "  at the address", f.addr >= pa && f.addr < pa + DMA_LEN, 1);
	snprintf(name, sizeof(name), "%s: edu's read faults", what);
	expect(t, name, dma_faults(pa, false, &f), 0);
	expect(t, "  counted on its stream", f.nr > 0, 1);
	expect(t, "  and the device got zeros, not the page",
	       !edu_buffer(scratch, buf) && all_bytes(buf, 0), 1);
}

/* A DMA at the host's page works both ways, and nothing faults. */
static void expect_reachable(struct kvm_bootops_st *t, const char *what, struct page *page,
			     struct page *scratch)
{
	u8 *va = page_address(page), buf[DMA_LEN];
	struct faults f;

	expect(t, what, edu_load(scratch, 0x3c) ?: dma_faults(page_to_phys(page), true, &f), 0);
	expect(t, "  the page has what the device wrote", all_bytes(va, 0x3c), 1);
	memset(va, 0xc3, DMA_LEN);
	expect(t, "  the device reads the page back",
	       !dma_faults(page_to_phys(page), false, &f) && !edu_buffer(scratch, buf) &&
	       all_bytes(buf, 0xc3), 1);
	expect(t, "  no fault", f.nr, 0);
}

static void test_hyp_page(struct kvm_bootops_st *t, struct page *scratch)
{
	expect_blocked(t, "a page of hyp's", hyp_mem_base, scratch);
}

/*
 * Between taking an image page and checking its signature (a slice of
 * verification apart) hyp has the page out of every device's reach; after
 * teardown the page is the host's again, and its DMA reaches it.
 */
static void test_image_page(struct kvm_bootops_st *t, struct page *page, struct page *scratch)
{
	int vmid = kvm_bootops_st_vm_with_page(page);

	expect(t, "a VM with a 1-page image", vmid > 0, 1);
	if (vmid <= 0)
		return;
	expect(t, "first slice: the page taken and hashed, signature not checked",
	       kvm_bootops_st_verify_slice(vmid), BOOTOPS_CONTINUE);
	expect_blocked(t, "the image page", page_to_phys(page), scratch);
	expect(t, "VM torn down", kvm_bootops_st_end_vm(vmid), 0);
	expect_reachable(t, "the page back from teardown: DMA reaches it", page, scratch);
}

#define HC(fn, ...)	((int)kvm_call_hyp_nvhe(__bootops_##fn, ##__VA_ARGS__))
/* Where the VM's page goes, and where the host maps its own in its bank. */
#define VM_GFN		0x90000
#define HOST_IOVA	0x10000000ULL

/* A DMA write of the edu's buffer to iova, and whether it faulted there. */
static void expect_dma_fault(struct kvm_bootops_st *t, const char *what, u64 iova, bool fault)
{
	struct faults f;
	int ret = dma_faults(iova, true, &f);

	expect(t, what, ret ?: fault ? f.nr > 0 && f.addr >= iova && f.addr < iova + DMA_LEN :
				       f.nr == 0, 1);
}

/*
 * The edu's stream as a bank (alloc_smmu, map_smmu, clear_smmu): given
 * to a VM it reaches that VM's pages at the addresses the VM has them,
 * and nothing else; every change is in force when the hypercall returns;
 * back to the host, or at the VM's teardown, nothing of it is left.
 */
static void test_vm_stream(struct kvm_bootops_st *t, struct page *img, struct page *vm_page,
			   struct page *host_page, struct page *scratch)
{
	u64 iova = (u64)VM_GFN << PAGE_SHIFT, rw = BOOTOPS_SMMU_ATTRS_RW;
	int vmid = kvm_bootops_st_vm_with_page(img);
	struct faults f;

	expect(t, "a VM for the edu's stream", vmid > 0, 1);
	if (vmid <= 0)
		return;
	/* What the VM's page holds when the host gives it: the edu reads it back later. */
	memset(page_address(vm_page), 0xa7, PAGE_SIZE);
	expect(t, "a host page given to the VM (assign_smmu)",
	       kvm_bootops_st_topup(vmid) ?: HC(assign_smmu, vmid, page_to_pfn(vm_page), VM_GFN),
	       0);
	expect_blocked(t, "the VM's page, from the host's stream", page_to_phys(vm_page), scratch);
	expect(t, "the edu's stream to the VM (alloc_smmu)", HC(alloc_smmu, vmid, edu.sid, 0), 0);
	expect_dma_fault(t, "  an empty bank: the VM's page unreachable", iova, true);
	expect_dma_fault(t, "  and no host page either", page_to_phys(host_page), true);
	expect(t, "the VM's page for DMA at its address (map_smmu)",
	       HC(map_smmu, vmid, edu.sid, 0, iova, page_to_phys(vm_page) | rw), 0);
	expect(t, "  the edu reads it, no fault", dma_faults(iova, false, &f) ?: (int)f.nr, 0);
	expect_dma_fault(t, "  and writes it", iova, false);
	expect_dma_fault(t, "  the next address is not mapped", iova + PAGE_SIZE, true);
	expect_dma_fault(t, "  a host page is out of the VM's stream's reach",
			 page_to_phys(host_page), true);
	expect(t, "unmapped (clear_smmu)", HC(clear_smmu, vmid, edu.sid, 0, iova), 0);
	expect_dma_fault(t, "  the edu's next write faults: no stale entry", iova, true);
	expect(t, "mapped again", HC(map_smmu, vmid, edu.sid, 0, iova, page_to_phys(vm_page) | rw),
	       0);
	expect_dma_fault(t, "  the edu writes it", iova, false);
	expect(t, "the bank to the host while the VM's page is mapped",
	       HC(alloc_smmu, 0, edu.sid, 0), 0);
	expect_dma_fault(t, "  the VM's page: no stale entry", iova, true);
	expect(t, "a host page in the host's bank",
	       HC(map_smmu, 0, edu.sid, 0, HOST_IOVA, page_to_phys(host_page) | rw), 0);
	memset(page_address(host_page), 0, PAGE_SIZE);
	expect_dma_fault(t, "  the edu writes it at the bank's address", HOST_IOVA, false);
	/*
	 * The edu's buffer is what it read from the VM's page: the host's
	 * bytes, so the host's blocked write changed nothing.  (A device keeps
	 * what it read across a reassignment; banks change only before a VM
	 * is verified, when its pages hold nothing the host did not give.)
	 */
	expect(t, "  with the VM's page as the host gave it: the blocked write changed nothing",
	       all_bytes(page_address(host_page), 0xa7), 1);
	expect(t, "  unmapped", HC(clear_smmu, 0, edu.sid, 0, HOST_IOVA), 0);
	expect(t, "the bank back to the VM", HC(alloc_smmu, vmid, edu.sid, 0), 0);
	expect(t, "  its page mapped",
	       HC(map_smmu, vmid, edu.sid, 0, iova, page_to_phys(vm_page) | rw), 0);
	expect(t, "VM torn down", kvm_bootops_st_end_vm(vmid), 0);
	expect_reachable(t, "the edu's stream has the host's view again: a host page", host_page,
			 scratch);
	expect_reachable(t, "  and the VM's page, given back", vm_page, scratch);
}

/* Faults are per stream: the edu's do not show on the host's disk. */
static void test_other_stream(struct kvm_bootops_st *t)
{
	struct pci_dev *disk = pci_get_device(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1042, NULL);
	struct faults f;

	if (!disk) {	/* a machine without one (make demo) */
		seq_printf(t->m, "ok %d - the virtio disk's own faults # SKIP no virtio disk\n", ++t->n);
		return;
	}
	expect(t, "its stream has faults of its own", stream_faults(pci_dev_id(disk), &f), 0);
	expect(t, "  none, for all the edu's", f.nr, 0);
	pci_dev_put(disk);
}

static void test_refusals(struct kvm_bootops_st *t)
{
	struct faults f;

	expect(t, "faults of a stream past the stream table",
	       stream_faults(KVM_BOOTOPS_SMMU_STREAMS, &f), -EINVAL);
	expect(t, "faults of a stream with the high bits set",
	       stream_faults(BIT_ULL(32) | edu.sid, &f), -EINVAL);
}

static int selftest_show(struct seq_file *m, void *v)
{
	struct page *page = alloc_page(GFP_KERNEL), *scratch = alloc_page(GFP_KERNEL);
	struct page *img = alloc_page(GFP_KERNEL), *vm_page = alloc_page(GFP_KERNEL);
	struct kvm_bootops_st t = { .m = m };

	seq_puts(m, "TAP version 13\n");
	mutex_lock(&edu_lock);
	expect(&t, "QEMU's edu on PCIe, behind the SMMU", edu_get(), 0);
	if (!edu.regs || !page || !scratch)
		goto out;
	expect_reachable(&t, "a host page: DMA reaches it", page, scratch);
	test_hyp_page(&t, scratch);
	test_image_page(&t, page, scratch);
	if (img && vm_page)
		test_vm_stream(&t, img, vm_page, page, scratch);
	test_other_stream(&t);
	test_refusals(&t);
out:
	mutex_unlock(&edu_lock);
	seq_printf(m, "1..%d\n# %d passed, %d failed\n", t.n, t.n - t.failed, t.failed);
	if (page)
		__free_page(page);
	if (scratch)
		__free_page(scratch);
	if (img)
		__free_page(img);
	if (vm_page)
		__free_page(vm_page);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(selftest);

static int __init bootops_dma_init(void)
{
	struct dentry *dir;

	if (!is_protected_kvm_enabled() || !kvm_bootops_smmu_present())
		return 0;
	dir = debugfs_create_dir("kvm-bootops-dma", NULL);
	debugfs_create_file("selftest", 0400, dir, NULL, &selftest_fops);
	return 0;
}
late_initcall(bootops_dma_init);
