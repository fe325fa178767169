/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot ops: a VM's boot manifest (KVM_ARM_BOOTOPS_SET_MANIFEST) and the
 * rollback minima hyp holds for the manifest keys.
 */
#ifndef __ARM64_KVM_BOOTOPS_MANIFEST_H__
#define __ARM64_KVM_BOOTOPS_MANIFEST_H__

#include <linux/kvm_host.h>

#ifdef CONFIG_KVM_ARM_BOOTOPS
/* kvm-arm.bootops_secver=, for hyp before it is initialised. */
extern u64 kvm_nvhe_sym(bootops_secver_boot)[8][2];
void kvm_bootops_secver_to_hyp(void);
int kvm_bootops_set_manifest(struct kvm *kvm, void __user *argp);
/* The VM's bootops_load_log in debugfs. */
void kvm_bootops_manifest_create_debugfs(struct kvm *kvm);
#else
static inline void kvm_bootops_manifest_create_debugfs(struct kvm *kvm) { }
static inline void kvm_bootops_secver_to_hyp(void) { }
static inline int kvm_bootops_set_manifest(struct kvm *kvm, void __user *argp)
{
	return -EINVAL;
}
#endif

#endif /* __ARM64_KVM_BOOTOPS_MANIFEST_H__ */
