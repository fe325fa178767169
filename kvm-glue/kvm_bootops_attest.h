/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot ops: the seed of hyp's attestation key, given while the host is
 * still trusted, and the public key hyp shows afterwards.
 */
#ifndef __ARM64_KVM_BOOTOPS_ATTEST_H__
#define __ARM64_KVM_BOOTOPS_ATTEST_H__

#include <linux/kvm_host.h>

#ifdef CONFIG_KVM_ARM_BOOTOPS
extern u8 kvm_nvhe_sym(bootops_attest_seed)[32];
void kvm_bootops_attest_seed_to_hyp(void);
#else
static inline void kvm_bootops_attest_seed_to_hyp(void) { }
#endif

#endif /* __ARM64_KVM_BOOTOPS_ATTEST_H__ */
