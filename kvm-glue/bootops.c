// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops, EL1 glue: turns KVM's VM and vCPU life cycle into boot-ops
 * hypercalls.  Hyp decides; a refusal becomes the ioctl's errno and a line
 * in the kernel log.
 */
#define pr_fmt(fmt) "kvm-bootops: " fmt

#include <linux/arm-smccc.h>
#include <linux/err.h>
#include <linux/kvm_host.h>
#include <linux/unaligned.h>
#include <asm/kvm_asm.h>
#include <asm/kvm_bootops.h>
#include <asm/kvm_mmu.h>
#include <asm/kvm_pkvm.h>

#include <bootops/abi.h>

/*
 * A boot-ops hypercall with SMCCC 1.2's registers: x1-x3, then nr more
 * (x4..) from more[].  Returns hyp's x1; x2 goes to *x2 if asked for.
 */
int kvm_bootops_hvc(u64 func, u64 a1, u64 a2, u64 a3, const u64 *more, int nr, u64 *x2)
{
	struct arm_smccc_1_2_regs args = { .a0 = func, .a1 = a1, .a2 = a2, .a3 = a3 };
	struct arm_smccc_1_2_regs res;
	unsigned long *regs = &args.a4;
	int i;

	for (i = 0; i < nr; i++)
		regs[i] = more[i];
	arm_smccc_1_2_hvc(&args, &res);
	WARN_ON(res.a0 != SMCCC_RET_SUCCESS);
	if (x2)
		*x2 = res.a2;
	return res.a1;
}

/*
 * set_boot_info takes 11 arguments: the 64-byte signature goes in x4-x11,
 * each register holding 8 signature bytes in little-endian order.
 */
int kvm_bootops_hvc_set_boot_info(u64 handle, u64 load_addr, u64 size,
				  const u8 sig[BOOTOPS_HVC_SIG_SIZE])
{
	u64 words[BOOTOPS_HVC_SIG_SIZE / 8];
	int i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		words[i] = get_unaligned_le64(sig + 8 * i);
	return kvm_bootops_hvc(KVM_HOST_SMCCC_FUNC(__bootops_set_boot_info), handle, load_addr,
			       size, words, ARRAY_SIZE(words), NULL);
}

static bool bootops_disabled, bootops_sha256_in_c;

/*
 * kvm-arm.bootops=off turns boot ops off for the whole boot, hyp included
 * (it is told before it is initialised and the host cannot change it
 * afterwards).  Only for measuring what boot ops cost.
 */
static int __init early_bootops_cfg(char *arg)
{
	bool on;
	int ret = kstrtobool(arg, &on);

	if (!ret)
		bootops_disabled = !on;
	return ret;
}
early_param("kvm-arm.bootops", early_bootops_cfg);

/* kvm-arm.bootops_sha256=c: hash in C at EL2, to compare with the instructions. */
static int __init early_bootops_sha256_cfg(char *arg)
{
	if (!arg || (strcmp(arg, "c") && strcmp(arg, "insns")))
		return -EINVAL;
	bootops_sha256_in_c = !strcmp(arg, "c");
	pr_info("hyp hashes images %s\n", bootops_sha256_in_c ? "in C" :
		"with the SHA-256 instructions where the CPU has them");
	return 0;
}
early_param("kvm-arm.bootops_sha256", early_bootops_sha256_cfg);

bool kvm_bootops_off(void)
{
	return bootops_disabled;
}

bool kvm_bootops_sha256_c(void)
{
	return bootops_sha256_in_c;
}

/*
 * After __pkvm_init, while hyp's data is still the host's to read.  The
 * workaround is a flush of all of EL2's TLB on each hyp unmap: needed
 * only where TLBI VAE2IS misses hyp's own regime (QEMU < 8.1 with hVHE).
 */
void __init kvm_bootops_report_hyp_init(void)
{
	if (bootops_disabled)
		return;
	if (kvm_nvhe_sym(bootops_hyp_tlbi_va_ignored))
		pr_info("hyp: TLBI VAE2IS left a hyp translation behind; each hyp unmap also flushes EL2's TLB\n");
	else
		pr_info("hyp: TLBI VAE2IS removes hyp translations\n");
}

static bool bootops_on(void)
{
	return is_protected_kvm_enabled() && !bootops_disabled;
}

#define BOOTOPS_VM_RECORD_SIZE	(BOOTOPS_VM_STATE_PAGES * PAGE_SIZE)

/*
 * Hyp keeps a VM's record in pages the host gives it, as pKVM keeps its
 * own VM state, charged to the VM's creator.  They are hyp's from a 0
 * here until teardown returns 0: *record must not be freed before.
 */
int kvm_bootops_register_at_hyp(u64 handle, void **record)
{
	void *pages = alloc_pages_exact(BOOTOPS_VM_RECORD_SIZE, GFP_KERNEL_ACCOUNT);
	int ret;

	if (!pages)
		return -ENOMEM;
	ret = kvm_call_hyp_nvhe(__bootops_register_kvm, handle, virt_to_pfn(pages));
	if (ret)
		free_pages_exact(pages, BOOTOPS_VM_RECORD_SIZE);
	else
		*record = pages;
	return ret;
}

/*
 * Boot ops know the VM by the handle pKVM reserved for it at creation
 * (pkvm_init_host_vm()): hyp takes no id of the host's choosing.
 */
int kvm_bootops_init_vm(struct kvm *kvm)
{
	int ret;

	if (!bootops_on())
		return 0;
	ret = kvm_bootops_register_at_hyp(kvm->arch.pkvm.handle, &kvm->arch.bootops_record);
	if (ret) {
		pr_warn_ratelimited("VM %#x not registered at EL2: %pe\n",
				    kvm->arch.pkvm.handle, ERR_PTR(ret));
		return ret;
	}
	kvm->arch.bootops_registered = true;
	kvm->arch.bootops_status = 0;
	pr_info_ratelimited("hyp registered VM %#x\n", kvm->arch.pkvm.handle);
	return 0;
}

/* Teardown returns a slice of pages per call; it cannot be interrupted. */
static int teardown_at_hyp(struct kvm *kvm)
{
	int ret;

	for (;;) {
		ret = kvm_call_hyp_nvhe(__bootops_teardown_vm, kvm->arch.pkvm.handle);
		if (ret != BOOTOPS_CONTINUE)
			return ret;
		cond_resched();
	}
}

/*
 * Before pKVM's teardown: hyp keeps the VM's slot while boot ops hold the
 * VM.  False if hyp refused, in which case the slot (and the VM's pages)
 * stay hyp's and the caller must not hand the handle back.
 */
bool kvm_bootops_destroy_vm(struct kvm *kvm)
{
	int ret;

	if (!bootops_on() || !kvm->arch.bootops_registered)
		return true;
	ret = teardown_at_hyp(kvm);
	if (ret) {
		/* Hyp still owns the VM's pages and record: never reused. */
		pr_warn_ratelimited("VM %#x: teardown refused: %pe\n",
				    kvm->arch.pkvm.handle, ERR_PTR(ret));
		return false;
	}
	/* Hyp zeroed the record's pages and gave them back. */
	free_pages_exact(kvm->arch.bootops_record, BOOTOPS_VM_RECORD_SIZE);
	kvm->arch.bootops_record = NULL;
	kvm->arch.bootops_registered = false;
	return true;
}

/* Hyp refuses new vCPUs once the VM has been verified; say so up front. */
int kvm_bootops_vcpu_precreate(struct kvm *kvm)
{
	if (bootops_on() && kvm->arch.bootops_status)
		return -EBUSY;
	return 0;
}

void kvm_bootops_vcpu_postcreate(struct kvm_vcpu *vcpu)
{
	int ret;

	if (!bootops_on())
		return;
	ret = kvm_call_hyp_nvhe(__bootops_register_vcpu, vcpu->kvm->arch.pkvm.handle,
				vcpu->vcpu_idx, vcpu);
	/* Such a vCPU is never entered by hyp: KVM_RUN fails with -EPERM. */
	if (ret)
		pr_warn_ratelimited("VM %#x: vCPU %u not registered: %pe\n",
				    vcpu->kvm->arch.pkvm.handle, vcpu->vcpu_idx, ERR_PTR(ret));
}

/*
 * Pages for the tables of the VM's stage 2 at hyp, given before a call
 * that maps: the declaration of an image, for verification, and a fault.
 * Hyp takes from the VM's memcache only what a mapping lacks, and says
 * -ENOMEM if that is more than the memcache holds; pKVM's teardown gives
 * them back.
 */
int kvm_bootops_topup_s2(struct kvm *kvm, unsigned long nr)
{
	return topup_hyp_memcache(&kvm->arch.pkvm.bootops_mc, nr);
}

/*
 * One verification slice at hyp, timed with interrupts masked (as they are
 * at EL2), so that no interrupt handled on the way back counts: the
 * longest is in debugfs.
 */
static int verify_slice(struct kvm *kvm)
{
	unsigned long flags;
	u64 t0, ns;
	int ret;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	ret = kvm_call_hyp_nvhe(__bootops_verify_and_load_images, kvm->arch.pkvm.handle);
	ns = ktime_get_ns() - t0;
	local_irq_restore(flags);
	if (ns > kvm->arch.bootops_longest_call_ns)
		kvm->arch.bootops_longest_call_ns = ns;
	return ret;
}

/*
 * Hyp verifies in slices of bounded work and keeps its progress, so a
 * signal ends KVM_RUN with -EINTR and the next KVM_RUN goes on from there.
 */
static int verify_at_hyp(struct kvm *kvm)
{
	int ret;

	for (;;) {
		ret = verify_slice(kvm);
		if (ret != BOOTOPS_CONTINUE)
			return ret;
		if (signal_pending(current))
			return -EINTR;
		cond_resched();
	}
}

/*
 * Before the VM first runs, hyp takes its images from the host, maps them
 * and checks their signatures.  The outcome is final: a rejected VM never
 * runs and every later KVM_RUN returns the same error.
 */
int kvm_bootops_first_run(struct kvm *kvm)
{
	int ret;

	if (!bootops_on())
		return 0;
	/* The images go into the stage 2 pKVM keeps for the VM: it must exist. */
	ret = pkvm_create_hyp_vm(kvm);
	if (ret)
		return ret;
	mutex_lock(&kvm->arch.config_lock);
	if (!kvm->arch.bootops_status) {
		ret = verify_at_hyp(kvm);
		if (ret == -EINTR) {
			mutex_unlock(&kvm->arch.config_lock);
			return ret;
		}
		kvm->arch.bootops_status = ret ? ret : 1;
		/* Faults top it up again page by page, as they need. */
		free_hyp_memcache(&kvm->arch.pkvm.bootops_mc);
		if (ret)
			pr_warn_ratelimited("VM %#x: images rejected: %pe\n",
					    kvm->arch.pkvm.handle, ERR_PTR(ret));
		else
			pr_info_ratelimited("VM %#x: may run: every image it declared verified\n",
					    kvm->arch.pkvm.handle);
	}
	ret = kvm->arch.bootops_status < 0 ? kvm->arch.bootops_status : 0;
	mutex_unlock(&kvm->arch.config_lock);
	return ret;
}
