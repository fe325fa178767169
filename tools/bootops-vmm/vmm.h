/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bootops-vmm: a minimal arm64 VMM for boot ops, as a small library shared
 * by the command line tool (vmm.c's main) and the in-guest refusal tests
 * (selftests/qemu/bootops_images.c, built with -DVMM_NO_MAIN).
 *
 * One VM, one memslot of anonymous memory, vCPU 0 (PSCI 0.2) and, for
 * --smp, secondaries powered off, each run by a thread of its own; a
 * PL011-like UART data register at VMM_UART_BASE with no memslot behind
 * it: guest stores there are KVM_EXIT_MMIO exits, and each byte written
 * goes to the VMM's output.  Reads of the UART return what an idle PL011
 * would (flags: TX FIFO empty, RX FIFO empty; the PL011 peripheral and
 * PrimeCell IDs), enough for Linux's amba-pl011 driver.  PSCI SYSTEM_OFF
 * ends the run.  Optionally an in-kernel GICv3 and x0 at entry, for a
 * Linux kernel Image (x0 = the DTB's address).
 *
 * Library functions print nothing; they return 0 (or an index) on success
 * and a negative errno on failure.
 */
#ifndef BOOTOPS_VMM_H
#define BOOTOPS_VMM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/kvm.h>

/*
 * The boot ops uAPI.  Once the kernel that implements it is built, its
 * headers_install output (build/kernel-headers/include) has
 * <asm/kvm_bootops.h>, possibly already pulled in by <linux/kvm.h>; use it
 * then.  Otherwise use the repository's copy, include/uapi/kvm_bootops.h
 * (-I include/uapi).  Both are checked against the ABI below.
 */
#if !defined(KVM_ARM_BOOTOPS_DECLARE_IMAGE) && defined(__has_include)
#if __has_include(<asm/kvm_bootops.h>)
#include <asm/kvm_bootops.h>
#endif
#endif
#ifndef KVM_ARM_BOOTOPS_DECLARE_IMAGE
#include "kvm_bootops.h"
#endif

_Static_assert(KVM_VM_TYPE_ARM_BOOTOPS == (1UL << 30), "KVM_VM_TYPE_ARM_BOOTOPS");
_Static_assert(KVM_VM_TYPE_ARM_BOOTOPS_PRIVATE_MEM == (1UL << 29), "KVM_VM_TYPE_ARM_BOOTOPS_PRIVATE_MEM");
_Static_assert(KVM_ARM_BOOTOPS_SIG_SIZE == 64, "signature size");
_Static_assert(sizeof(struct kvm_arm_bootops_image) == 112, "struct size");
_Static_assert(offsetof(struct kvm_arm_bootops_image, signature) == 16, "signature offset");
_Static_assert(offsetof(struct kvm_arm_bootops_image, flags) == 80, "flags offset");
_Static_assert(offsetof(struct kvm_arm_bootops_image, reserved) == 88, "reserved offset");
_Static_assert(KVM_ARM_BOOTOPS_DECLARE_IMAGE ==
	       _IOW(KVMIO, 0xd6, struct kvm_arm_bootops_image), "ioctl number");

#ifndef EKEYREJECTED
#define EKEYREJECTED 129
#endif

#define VMM_UART_BASE		0x09000000ULL	/* PL011 UARTDR at offset 0 */
#define VMM_UART_SIZE		0x1000ULL
#define VMM_SIG_SIZE		KVM_ARM_BOOTOPS_SIG_SIZE
#define VMM_MAX_IMAGES		16		/* command line; hyp takes 5 */

/* In-kernel GICv3 (--gic-v3): the addresses QEMU's virt machine uses. */
#define VMM_GIC_DIST_BASE	0x08000000ULL	/* 64 KiB */
#define VMM_GIC_REDIST_BASE	0x080a0000ULL	/* 128 KiB per vCPU */

/* vmm_run() results other than a negative errno from KVM_RUN. */
enum vmm_exit {
	VMM_EXIT_SHUTDOWN = 0,	/* PSCI SYSTEM_OFF */
	VMM_EXIT_UNHANDLED = 1,	/* any other exit: see vmm.why */
	VMM_EXIT_TIMEOUT = 2,	/* timeout_ms elapsed */
};

struct vmm {
	int kvm, vm, vcpu;		/* -1 when not open */
	int gic;			/* vGICv3 device fd, -1 if none */
	bool own_kvm;			/* kvm was opened by vmm_create() */
	bool bootops;			/* created with KVM_VM_TYPE_ARM_BOOTOPS */
	uint8_t *mem;			/* the memslot's host mapping */
	uint64_t mem_base, mem_size;
	struct kvm_run *run;
	size_t run_size;
	unsigned int runs;		/* KVM_RUN calls that returned 0 */
	unsigned int eintr_before_run;	/* ... that ended with EINTR before the first */

	/* Guest UART output: kept in out[] (NUL-terminated, truncated to
	 * fit), and written to echo as it comes when echo is not NULL. */
	char out[4096];
	size_t out_len;
	size_t out_total;		/* bytes written, kept or not */
	FILE *echo;
	/* A line of the output that contains expect sets expect_seen. */
	const char *expect;
	bool expect_seen;
	char line[256];
	size_t line_len;

	char why[160];			/* what an unhandled exit was */

	/* A secondary vCPU (vmm_vcpu_add()): its UART bytes go to console,
	 * the vmm of vCPU 0; its thread (vmm_secondary_start()). */
	struct vmm *console;
	pthread_t thread;
	bool started;
	volatile bool stop, done;
	volatile bool ended;		/* by itself, not by vmm_secondary_stop() */
	int result;			/* what ended the thread's vmm_run() */
};

/* "0x80000000", "2147483648", "2M", "64K", "1G"; 0 or -EINVAL. */
int vmm_parse_u64(const char *s, uint64_t *val);
/* errno -> "EKEYREJECTED" (or "E<number>"). */
const char *vmm_errname(int err);

/* Whole file into a malloc'ed buffer; 0 or -errno (-EFBIG above max). */
int vmm_read_file(const char *path, size_t max, void **data, size_t *size);
/* A raw 64-byte signature file: 0, -errno, or -EMSGSIZE if the file is
 * not exactly 64 bytes long (*size_out, if given, gets its size). */
int vmm_read_sig(const char *path, uint8_t sig[VMM_SIG_SIZE], long *size_out);

/* vmm_create() modes. */
#define VMM_PLAIN		0	/* type 0: no boot ops */
#define VMM_BOOTOPS		1	/* KVM_VM_TYPE_ARM_BOOTOPS */
#define VMM_BOOTOPS_PRIVATE	3	/* ... | KVM_VM_TYPE_ARM_BOOTOPS_PRIVATE_MEM */

/*
 * Open /dev/kvm (kvm < 0) or use the given fd, create the VM (type from
 * mode, default IPA size) and one memslot of mem_size bytes at guest
 * physical mem_base, zero-filled and populated.  On failure everything is
 * undone.
 */
int vmm_create(struct vmm *v, int kvm, unsigned int mode, uint64_t mem_base,
	       uint64_t mem_size);
/* Copy data into guest memory at gpa; -ERANGE if not inside the memslot. */
int vmm_load(struct vmm *v, uint64_t gpa, const void *data, size_t size);
/* KVM_ARM_BOOTOPS_DECLARE_IMAGE: the image index (>= 0) or -errno. */
int vmm_declare(struct vmm *v, uint64_t gpa, uint64_t size,
		const uint8_t sig[VMM_SIG_SIZE]);
int vmm_declare_raw(struct vmm *v, const struct kvm_arm_bootops_image *img);
/* KVM_ARM_BOOTOPS_SET_MANIFEST: 0 or -errno. */
#define VMM_MANIFEST_MAX	4096
int vmm_set_manifest(struct vmm *v, const void *data, size_t size);
/* vCPU 0: PREFERRED_TARGET + VCPU_INIT with PSCI 0.2, PC = entry. */
int vmm_vcpu_init(struct vmm *v, uint64_t entry);
/* The same with more KVM_ARM_VCPU_* feature bits (SVE: finalized too). */
int vmm_vcpu_init_with(struct vmm *v, uint64_t entry, uint32_t features);
/*
 * vCPU id of v's VM in *sec, which shares v's VM and memory but has its
 * own vCPU fd and kvm_run: powered off (KVM_ARM_VCPU_POWER_OFF, a
 * secondary waiting for PSCI CPU_ON) if off.  Before vmm_gic_v3_init().
 */
int vmm_vcpu_add(struct vmm *v, struct vmm *sec, unsigned int id, bool off);
/* Undo vmm_vcpu_add() (after vmm_secondary_stop()); safe if it failed. */
void vmm_vcpu_remove(struct vmm *sec);
/* vmm_run() of a secondary in a thread of its own, until it stops. */
int vmm_secondary_start(struct vmm *sec);
/* Ends it (its KVM_RUN may sleep for good: a vCPU off) and joins it. */
void vmm_secondary_stop(struct vmm *sec);
/* Set a 64-bit core register of vCPU 0 (e.g. x0 = the DTB's address). */
int vmm_set_xreg(struct vmm *v, unsigned int n, uint64_t val);
int vmm_set_pc(struct vmm *v, uint64_t pc);
/*
 * After vmm_vcpu_init(): an in-kernel GICv3 (KVM_DEV_TYPE_ARM_VGIC_V3)
 * with its distributor at VMM_GIC_DIST_BASE and redistributors at
 * VMM_GIC_REDIST_BASE, initialised (KVM_DEV_ARM_VGIC_CTRL_INIT).  Lets the
 * guest use the arch timer's interrupts (a Linux guest needs that).
 */
int vmm_gic_v3_init(struct vmm *v);
/* One KVM_RUN: 0 or -errno. */
int vmm_run_once(struct vmm *v);
/*
 * Run until the guest shuts down: VMM_EXIT_SHUTDOWN, VMM_EXIT_UNHANDLED,
 * VMM_EXIT_TIMEOUT (timeout_ms > 0), or the negative errno of a failed
 * KVM_RUN (e.g. -EKEYREJECTED, -ENOEXEC).
 */
int vmm_run(struct vmm *v, int timeout_ms);
/* A number from the VM's KVM debugfs file (/sys/kernel/debug/kvm/PID-FD/file),
 * or VMM_NO_VALUE. */
#define VMM_NO_VALUE	(-0x7fffffffffffffffLL - 1)
long long vmm_debugfs_read(struct vmm *v, const char *file);
/* Undo vmm_create() and vmm_vcpu_init(); safe on a partly set up vmm. */
void vmm_destroy(struct vmm *v);

#endif /* BOOTOPS_VMM_H */
