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

/*
 * set_boot_info takes 11 arguments: the 64-byte signature goes in x4-x11,
 * each register holding 8 signature bytes in little-endian order.
 */
int kvm_bootops_hvc_set_boot_info(u64 vmid, u64 load_addr, u64 size,
				  const u8 sig[BOOTOPS_HVC_SIG_SIZE])
{
	struct arm_smccc_1_2_regs args = {
		.a0 = KVM_HOST_SMCCC_FUNC(__bootops_set_boot_info),
		.a1 = vmid,
		.a2 = load_addr,
		.a3 = size,
	};
	struct arm_smccc_1_2_regs res;
	unsigned long *regs = &args.a4;
	int i;

	for (i = 0; i < BOOTOPS_HVC_SIG_SIZE / 8; i++)
		regs[i] = get_unaligned_le64(sig + 8 * i);
	arm_smccc_1_2_hvc(&args, &res);
	WARN_ON(res.a0 != SMCCC_RET_SUCCESS);
	return res.a1;
}

static bool bootops_disabled;

/*
 * kvm-arm.bootops=off turns boot ops off for the whole boot, hyp included
 * (it is told before it is initialised and the host cannot change it
 * afterwards).  Only for measuring what boot ops cost.
 */
static int __init early_bootops_cfg(char *arg)
{
	return kstrtobool(arg, &bootops_disabled);
}
early_param("kvm-arm.bootops", early_bootops_cfg);

bool kvm_bootops_off(void)
{
	return bootops_disabled;
}

static bool bootops_on(void)
{
	return is_protected_kvm_enabled() && !bootops_disabled;
}

int kvm_bootops_init_vm(struct kvm *kvm)
{
	int vmid;

	if (!bootops_on())
		return 0;
	vmid = kvm_call_hyp_nvhe(__bootops_register_kvm, kvm);
	if (vmid < 0) {
		pr_warn_ratelimited("VM not registered at EL2: %pe\n", ERR_PTR(vmid));
		return vmid;
	}
	kvm->arch.bootops_vmid = vmid;
	kvm->arch.bootops_status = 0;
	pr_info_ratelimited("hyp registered VM, vmid %d\n", vmid);
	return 0;
}

void kvm_bootops_destroy_vm(struct kvm *kvm)
{
	int ret;

	if (!bootops_on() || !kvm->arch.bootops_vmid)
		return;
	ret = kvm_call_hyp_nvhe(__bootops_teardown_vm, kvm->arch.bootops_vmid);
	if (ret) {
		/* Hyp still owns the VM's pages: they must never be reused. */
		pr_warn_ratelimited("vmid %u: teardown refused: %pe\n",
				    kvm->arch.bootops_vmid, ERR_PTR(ret));
		return;
	}
	kvm->arch.bootops_vmid = 0;
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
	ret = kvm_call_hyp_nvhe(__bootops_register_vcpu, vcpu->kvm->arch.bootops_vmid,
				vcpu->vcpu_idx, vcpu);
	/* Such a vCPU is never entered by hyp: KVM_RUN fails with -EPERM. */
	if (ret)
		pr_warn_ratelimited("vmid %u: vCPU %u not registered: %pe\n",
				    vcpu->kvm->arch.bootops_vmid, vcpu->vcpu_idx, ERR_PTR(ret));
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
	mutex_lock(&kvm->arch.config_lock);
	if (!kvm->arch.bootops_status) {
		ret = kvm_call_hyp_nvhe(__bootops_verify_and_load_images,
					kvm->arch.bootops_vmid);
		kvm->arch.bootops_status = ret ? ret : 1;
		if (ret)
			pr_warn_ratelimited("vmid %u: images rejected: %pe\n",
					    kvm->arch.bootops_vmid, ERR_PTR(ret));
		else
			pr_info_ratelimited("vmid %u: images verified\n",
					    kvm->arch.bootops_vmid);
	}
	ret = kvm->arch.bootops_status < 0 ? kvm->arch.bootops_status : 0;
	mutex_unlock(&kvm->arch.config_lock);
	return ret;
}
