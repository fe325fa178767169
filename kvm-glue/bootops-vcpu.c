// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops: KVM's side of a verified vCPU whose state is hyp's.
 *
 * From its first run on, hyp keeps a verified vCPU's registers, PSTATE,
 * system registers and trap configuration in its own copy and ignores the
 * host's (arch/arm64/kvm/hyp/nvhe/bootops-vcpu.c).  KVM therefore refuses
 * the ioctls that would write the host's copy and have it mean something
 * (KVM_SET_ONE_REG, KVM_ARM_VCPU_INIT, KVM_SET_VCPU_EVENTS,
 * KVM_SET_GUEST_DEBUG) or read it as if it were the guest's
 * (KVM_GET_ONE_REG): EPERM, never a stale value.  Firmware pseudo-registers
 * (KVM_REG_ARM_FW*, the VM's SMCCC configuration) and the cache geometry
 * (KVM_REG_ARM_DEMUX) describe the VM, not the vCPU's state, and stay.
 *
 * A VM created to require verified images is marked so at hyp before it
 * is first verified, so that hyp itself never verifies, and never runs, it
 * without an image; KVM's own ENOEXEC for that case only comes first.
 *
 * KVM's refusals are a courtesy to the VMM: a hostile host kernel skips
 * them.  Per VM, debugfs bootops_unguarded (write Y) lifts them, so that
 * tests can check hyp's side as such a host would meet it.  What a host
 * kernel could do beyond that (answers to exits the guest did not make,
 * trap bits, flags) hyp's own self-test of the exit protocol checks:
 * debugfs kvm-bootops-vcpu/selftest, with CONFIG_KVM_ARM_BOOTOPS_SELFTEST.
 */
#include <linux/arm-smccc.h>
#include <linux/debugfs.h>
#include <linux/kvm_host.h>
#include <linux/seq_file.h>

#include <asm/kvm_bootops.h>
#include <asm/kvm_bootops_images.h>
#include <asm/kvm_bootops_memory.h>
#include <asm/kvm_bootops_vcpu.h>

/* Verified, with images, and entered (or refused) once. */
bool kvm_bootops_vcpu_state_is_hyps(struct kvm_vcpu *vcpu)
{
	return kvm_bootops_uses_hyp_s2(vcpu->kvm) && vcpu_has_run_once(vcpu);
}

static bool guarded(struct kvm_vcpu *vcpu)
{
	return kvm_bootops_vcpu_state_is_hyps(vcpu) &&
	       !READ_ONCE(vcpu->kvm->arch.bootops_unguarded);
}

int kvm_bootops_vcpu_may_set_state(struct kvm_vcpu *vcpu)
{
	return guarded(vcpu) ? -EPERM : 0;
}

int kvm_bootops_vcpu_may_access_reg(struct kvm_vcpu *vcpu, u64 id)
{
	if (!guarded(vcpu))
		return 0;
	switch (id & KVM_REG_ARM_COPROC_MASK) {
	case KVM_REG_ARM_FW:
	case KVM_REG_ARM_FW_FEAT_BMAP:
	case KVM_REG_ARM_DEMUX:
		return 0;
	default:
		return -EPERM;
	}
}

/*
 * Before each first run of a vCPU: harmless once the VM is marked, in any
 * state, so vCPUs that start together need no order.
 */
int kvm_bootops_require_images(struct kvm *kvm)
{
	int ret;

	if (!kvm->arch.bootops_required)
		return 0;
	if (!READ_ONCE(kvm->arch.bootops_unguarded)) {
		ret = kvm_bootops_check_images(kvm);
		if (ret)
			return ret;
	}
	if (!kvm->arch.bootops_registered)
		return 0;
	return kvm_call_hyp_nvhe(__bootops_require_images, kvm->arch.pkvm.handle);
}

void kvm_bootops_vcpu_create_debugfs(struct kvm *kvm)
{
	if (kvm->arch.bootops_required)
		debugfs_create_bool("bootops_unguarded", 0600, kvm->debugfs_dentry,
				    &kvm->arch.bootops_unguarded);
}

#ifdef CONFIG_KVM_ARM_BOOTOPS_SELFTEST
/* One section of hyp's test: the line of its first failed check, or 0. */
static long el2_vcpu_section(u64 section, u64 *checks)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(KVM_HOST_SMCCC_FUNC(__bootops_vcpu_selftest), section, &res);
	*checks = res.a2;
	return res.a0 == SMCCC_RET_SUCCESS ? (long)res.a1 : -EOPNOTSUPP;
}

static int vcpu_selftest_show(struct seq_file *m, void *v)
{
	u64 section, checks, total = 0;
	int n = 0, failed = 0;
	long ret = 0;

	seq_puts(m, "TAP version 13\n");
	for (section = 0; ret >= 0; section++) {
		ret = el2_vcpu_section(section, &checks);
		if (ret == -ENOENT)
			break;
		n++;
		failed += ret != 0;
		seq_printf(m, "%sok %d - hyp's exit protocol self-test, section %llu: %llu checks%s",
			   ret ? "not " : "", n, section, checks, ret ? "" : "\n");
		if (ret)
			seq_printf(m, " # first failed check at bootops-vcpu.c:%ld\n", ret);
		total += checks;
	}
	n++;
	failed += !(section == 7 && total > 55);
	seq_printf(m, "%sok %d - seven sections, over 55 checks # %llu sections, %llu checks\n",
		   section == 7 && total > 55 ? "" : "not ", n, section, total);
	seq_printf(m, "1..%d\n# %d passed, %d failed\n", n, n - failed, failed);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vcpu_selftest);

static int __init bootops_vcpu_selftest_init(void)
{
	struct dentry *dir;

	if (!is_protected_kvm_enabled())
		return 0;
	dir = debugfs_create_dir("kvm-bootops-vcpu", NULL);
	debugfs_create_file("selftest", 0400, dir, NULL, &vcpu_selftest_fops);
	return 0;
}
late_initcall(bootops_vcpu_selftest_init);
#endif
