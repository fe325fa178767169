/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Boot ops uAPI (arm64, protected mode): VMs that run only signed images.
 *
 * A VMM checks KVM_CAP_ARM_BOOTOPS, creates the VM with
 * KVM_VM_TYPE_ARM_BOOTOPS or-ed into the type of KVM_CREATE_VM, writes
 * each boot image into guest memory, and declares it with
 * KVM_ARM_BOOTOPS_DECLARE_IMAGE.  At the first KVM_RUN the
 * hypervisor takes the images' pages from the host, maps them into the
 * guest and checks every signature; KVM_RUN fails with EKEYREJECTED if
 * any is bad, and the VM can then only be destroyed.  See
 * Documentation/virt/kvm/arm/bootops.rst.
 */
#ifndef _UAPI_ASM_KVM_BOOTOPS_H
#define _UAPI_ASM_KVM_BOOTOPS_H

#include <linux/types.h>

/*
 * KVM_CHECK_EXTENSION: the KVM_VM_TYPE_ARM_BOOTOPS* flags KVM_CREATE_VM
 * takes here, 0 where boot ops are off.  Far above upstream's numbers, so
 * that no VMM built against later headers mistakes it for another
 * capability while the uAPI is out of tree.
 */
#define KVM_CAP_ARM_BOOTOPS		1024

/* KVM_CREATE_VM type flag: the VM requires verified images. */
#define KVM_VM_TYPE_ARM_BOOTOPS		(1UL << 30)
/*
 * With KVM_VM_TYPE_ARM_BOOTOPS: the guest's ordinary memory becomes the
 * VM's own, as its images do (the host can no longer read or write it;
 * teardown zeroes it), instead of staying shared with the host.
 */
#define KVM_VM_TYPE_ARM_BOOTOPS_PRIVATE_MEM	(1UL << 29)

#define KVM_ARM_BOOTOPS_SIG_SIZE	64	/* ECDSA P-256, raw r || s */

/*
 * One boot image, already written into guest memory at guest_phys_addr
 * (4 KiB aligned) by the VMM.  The signature covers the image bytes, their
 * size and guest_phys_addr (Documentation/virt/kvm/arm/bootops.rst).
 */
struct kvm_arm_bootops_image {
	__u64 guest_phys_addr;
	__u64 size;
	__u8  signature[KVM_ARM_BOOTOPS_SIG_SIZE];
	__u64 flags;		/* must be 0 */
	__u64 reserved[3];	/* must be 0 */
};

/* VM ioctl; returns the image's index, or -1 with errno. */
#define KVM_ARM_BOOTOPS_DECLARE_IMAGE	_IOW(KVMIO, 0xd6, struct kvm_arm_bootops_image)

/*
 * The owner's signed boot manifest (its bytes, signature included, at
 * addr; Documentation/virt/kvm/arm/bootops.rst, "Boot manifests"), given
 * once before the first KVM_RUN.  With a manifest, the images declared
 * must be exactly its images, in its order; their signature fields are
 * not used.
 */
struct kvm_arm_bootops_manifest {
	__u64 addr;		/* user address of the manifest */
	__u64 size;		/* its size in bytes */
	__u64 flags;		/* must be 0 */
	__u64 reserved;		/* must be 0 */
};

#define KVM_ARM_BOOTOPS_SET_MANIFEST	_IOW(KVMIO, 0xd7, struct kvm_arm_bootops_manifest)

#endif /* _UAPI_ASM_KVM_BOOTOPS_H */
