/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot ops: a verified vCPU whose state is hyp's.  After its first
 * KVM_RUN the ioctls that would set or read that state fail with EPERM,
 * rather than act on the host's copy, which hyp no longer reads.  And a VM
 * that requires verified images, marked so at hyp before it first runs.
 */
#ifndef __ARM64_KVM_BOOTOPS_VCPU_H__
#define __ARM64_KVM_BOOTOPS_VCPU_H__

#include <linux/kvm_host.h>

#ifdef CONFIG_KVM_ARM_BOOTOPS
bool kvm_bootops_vcpu_state_is_hyps(struct kvm_vcpu *vcpu);
int kvm_bootops_vcpu_may_set_state(struct kvm_vcpu *vcpu);
int kvm_bootops_vcpu_may_access_reg(struct kvm_vcpu *vcpu, u64 id);
int kvm_bootops_require_images(struct kvm *kvm);
void kvm_bootops_vcpu_create_debugfs(struct kvm *kvm);
#else
static inline bool kvm_bootops_vcpu_state_is_hyps(struct kvm_vcpu *vcpu) { return false; }
static inline int kvm_bootops_vcpu_may_set_state(struct kvm_vcpu *vcpu) { return 0; }
static inline int kvm_bootops_vcpu_may_access_reg(struct kvm_vcpu *vcpu, u64 id) { return 0; }
static inline int kvm_bootops_require_images(struct kvm *kvm) { return 0; }
static inline void kvm_bootops_vcpu_create_debugfs(struct kvm *kvm) { }
#endif

#endif /* __ARM64_KVM_BOOTOPS_VCPU_H__ */
