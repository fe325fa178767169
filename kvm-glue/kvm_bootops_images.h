/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot ops: VMs that require verified images (KVM_VM_TYPE_ARM_BOOTOPS) and
 * the ioctl that declares their images (Documentation/virt/kvm/arm/bootops.rst).
 */
#ifndef __ARM64_KVM_BOOTOPS_IMAGES_H__
#define __ARM64_KVM_BOOTOPS_IMAGES_H__

#include <linux/kvm_host.h>
#include <uapi/asm/kvm_bootops.h>

/* KVM_CAP_ARM_BOOTOPS: the VM type flags accepted. */
int kvm_bootops_vm_types(void);
int kvm_bootops_vm_type(struct kvm *kvm, unsigned long *type);
int kvm_bootops_declare_image(struct kvm *kvm, void __user *argp);
int kvm_bootops_check_images(struct kvm *kvm);
void kvm_bootops_release_images(struct kvm *kvm);

#endif /* __ARM64_KVM_BOOTOPS_IMAGES_H__ */
