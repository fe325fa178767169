/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot ops: guest memory of a VM that runs on hyp's stage 2 (a verified VM
 * with images).  KVM resolves its stage-2 faults by pinning the page and
 * asking hyp to share it into the VM, instead of writing a host table.
 */
#ifndef __ARM64_KVM_BOOTOPS_MEMORY_H__
#define __ARM64_KVM_BOOTOPS_MEMORY_H__

#include <linux/kvm_host.h>

#ifdef CONFIG_KVM_ARM_BOOTOPS
bool kvm_bootops_uses_hyp_s2(struct kvm *kvm);
int kvm_bootops_mem_abort(struct kvm_vcpu *vcpu, phys_addr_t fault_ipa,
			  struct kvm_memory_slot *memslot, unsigned long hva);
void kvm_bootops_init_memory(struct kvm *kvm);
void kvm_bootops_release_memory(struct kvm *kvm);
void kvm_bootops_create_debugfs(struct kvm *kvm);
#else
static inline bool kvm_bootops_uses_hyp_s2(struct kvm *kvm) { return false; }
static inline int kvm_bootops_mem_abort(struct kvm_vcpu *vcpu, phys_addr_t fault_ipa,
					struct kvm_memory_slot *memslot,
					unsigned long hva) { return -EINVAL; }
static inline void kvm_bootops_init_memory(struct kvm *kvm) { }
static inline void kvm_bootops_release_memory(struct kvm *kvm) { }
static inline void kvm_bootops_create_debugfs(struct kvm *kvm) { }
#endif

#endif /* __ARM64_KVM_BOOTOPS_MEMORY_H__ */
