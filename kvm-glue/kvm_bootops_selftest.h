/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall self-test's VMs, for the other in-kernel self-tests: a VM
 * as KVM makes one (a pKVM handle, boot ops, pKVM's hyp VM) with one
 * image page lent, verified one slice at a time.
 */
#ifndef __ASM_KVM_BOOTOPS_SELFTEST_H__
#define __ASM_KVM_BOOTOPS_SELFTEST_H__

#include <linux/types.h>

struct page;
struct seq_file;

/* A TAP report: one line per expectation, into m. */
struct kvm_bootops_st {
	struct seq_file *m;
	int n, failed;
};

/* "ok N - what", or "not ok N - what # got G, want W". */
void kvm_bootops_st_expect(struct kvm_bootops_st *t, const char *what, long got, long want);

/* A VM whose one 1-page image is page, signed wrongly; its vmid or -errno. */
int kvm_bootops_st_vm_with_page(struct page *page);
/* Table pages for one more page in its stage 2, as KVM gives before a fault. */
int kvm_bootops_st_topup(u64 vmid);
/* One slice of its verification: BOOTOPS_CONTINUE, 0 or -errno. */
int kvm_bootops_st_verify_slice(u64 vmid);
/* Its teardown, and its handle back to pKVM. */
int kvm_bootops_st_end_vm(u64 vmid);

#endif /* __ASM_KVM_BOOTOPS_SELFTEST_H__ */
