/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EL1 side of boot ops: KVM registers every VM and vCPU with the hyp, asks
 * it to verify and load the VM's images before the first run, and tears the
 * VM down at hyp when it is destroyed.  Only in protected mode: elsewhere
 * the host is trusted and there is no hyp to ask.
 */
#ifndef __ARM64_KVM_BOOTOPS_H__
#define __ARM64_KVM_BOOTOPS_H__

#include <linux/kvm_host.h>
#include <asm/kvm_asm.h>

#define BOOTOPS_HVC_SIG_SIZE	64
/*
 * Table pages in the VM's memcache before a call that maps into its stage
 * 2 at hyp: one page needs at most a table per level below the root; a
 * verification slice (128 pages of up to five images) at most 32, as the
 * EL1 self-test gives (KVM gives each image's own when it is declared).
 */
#define KVM_BOOTOPS_S2_PAGE_TABLES	4
#define KVM_BOOTOPS_S2_SLICE_PAGES	32

#ifdef CONFIG_KVM_ARM_BOOTOPS
/* kvm-arm.bootops=off: hyp enforces nothing (for measuring the cost). */
extern bool kvm_nvhe_sym(bootops_off);
bool kvm_bootops_off(void);
/* kvm-arm.bootops_sha256=c: hyp hashes in C, not with the SHA-256 instructions. */
extern bool kvm_nvhe_sym(bootops_sha256_c);
bool kvm_bootops_sha256_c(void);
/* What hyp's init found (bootops-platform.c), read before the host is deprivileged. */
extern bool kvm_nvhe_sym(bootops_hyp_tlbi_va_ignored);
void kvm_bootops_report_hyp_init(void);
int kvm_bootops_hvc(u64 func, u64 a1, u64 a2, u64 a3, const u64 *more, int nr, u64 *x2);
int kvm_bootops_hvc_set_boot_info(u64 handle, u64 load_addr, u64 size,
				  const u8 sig[BOOTOPS_HVC_SIG_SIZE]);
int kvm_bootops_register_at_hyp(u64 handle, void **record);
int kvm_bootops_init_vm(struct kvm *kvm);
bool kvm_bootops_destroy_vm(struct kvm *kvm);
int kvm_bootops_vcpu_precreate(struct kvm *kvm);
void kvm_bootops_vcpu_postcreate(struct kvm_vcpu *vcpu);
int kvm_bootops_first_run(struct kvm *kvm);
int kvm_bootops_topup_s2(struct kvm *kvm, unsigned long nr);
#else
static inline bool kvm_bootops_off(void) { return true; }
static inline bool kvm_bootops_sha256_c(void) { return false; }
static inline void kvm_bootops_report_hyp_init(void) { }
static inline int kvm_bootops_init_vm(struct kvm *kvm) { return 0; }
static inline bool kvm_bootops_destroy_vm(struct kvm *kvm) { return true; }
static inline int kvm_bootops_vcpu_precreate(struct kvm *kvm) { return 0; }
static inline void kvm_bootops_vcpu_postcreate(struct kvm_vcpu *vcpu) { }
static inline int kvm_bootops_first_run(struct kvm *kvm) { return 0; }
#endif

#endif /* __ARM64_KVM_BOOTOPS_H__ */
