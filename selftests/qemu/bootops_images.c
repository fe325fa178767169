// SPDX-License-Identifier: GPL-2.0
/*
 * bootops_images: what KVM_ARM_BOOTOPS_DECLARE_IMAGE and the first KVM_RUN
 * of a boot ops VM accept and refuse, from user space in the QEMU guest
 * (kvm-arm.mode=protected).  Prints TAP; exits 0 only if every check passed.
 *
 *   bootops_images [FIXTURE_DIR]        (default /tests/vmm)
 *
 * Uses the VMM library of tools/bootops-vmm (vmm.c built with VMM_NO_MAIN)
 * and the fixtures scripts/build-vmm.sh makes in build/vmm/:
 *
 *   hello.bin             the guest (tools/bootops-vmm/guest/hello.S)
 *   hello.sig             signed by the kernel's trust anchor key for LOAD_ADDR
 *   hello.tampered.bin    hello.bin with one bit flipped
 *   hello.other-key.sig   hello.bin at LOAD_ADDR, signed by another key
 *   hello.other-addr.sig  hello.bin signed for OTHER_ADDR
 *   hello.other-size.sig  hello.padded.bin (hello.bin + one zero byte)
 *                         signed for LOAD_ADDR
 *   hello.padded.bin
 *
 * Every test uses a fresh VM with one 2 MiB memslot at MEM_BASE.  Each
 * refused declaration is followed by a good one on the same VM where that
 * makes sense: a refusal must change nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "vmm.h"

#ifndef LOAD_ADDR
#define LOAD_ADDR	0x80000000ULL	/* keep in sync with scripts/build-vmm.sh */
#endif
#ifndef OTHER_ADDR
#define OTHER_ADDR	0x80010000ULL
#endif
#define MEM_BASE	0x80000000ULL
#define MEM_SIZE	(2ULL << 20)
#define MAX_IMAGE_SIZE	(256ULL << 20)	/* hyp's BOOTOPS_MAX_IMAGE_SIZE */
#define MAX_IMAGES	5		/* hyp's BOOTOPS_MAX_LOAD_INFO */
#define RUN_TIMEOUT_MS	10000
#define MESSAGE		"hello from a verified guest\n"

static const char *dir = "/tests/vmm";
static struct blob hello = { .name = "hello.bin" },
		   tampered = { .name = "hello.tampered.bin" },
		   padded = { .name = "hello.padded.bin" },
		   touch = { .name = "touch.bin" },
		   regs_guest = { .name = "regs.bin" },
		   smp_guest = { .name = "smp.bin" },
		   big = { .name = "hello.big.bin" };
static uint8_t sig_big[VMM_SIG_SIZE];
static uint8_t sig_touch[VMM_SIG_SIZE], sig_regs[VMM_SIG_SIZE], sig_smp[VMM_SIG_SIZE];
static uint8_t sig_good[VMM_SIG_SIZE], sig_other_key[VMM_SIG_SIZE],
	       sig_other_addr[VMM_SIG_SIZE], sig_other_size[VMM_SIG_SIZE],
	       sig_zero[VMM_SIG_SIZE];
static int kvm = -1;

/* "0", "3", "EINVAL": a declaration/run result for the TAP line. */
static const char *res(int ret)
{
	static char buf[16][32];
	static int i;

	i = (i + 1) % 16;
	if (ret >= 0)
		snprintf(buf[i], sizeof(buf[i]), "%d", ret);
	else
		snprintf(buf[i], sizeof(buf[i]), "%s", vmm_errname(ret));
	return buf[i];
}

static const char *exit_name(int ret)
{
	switch (ret) {
	case VMM_EXIT_SHUTDOWN: return "SHUTDOWN";
	case VMM_EXIT_UNHANDLED: return "unhandled exit";
	case VMM_EXIT_TIMEOUT: return "timeout";
	}
	return res(ret);
}

static void load_blob_max(struct blob *b, size_t max)
{
	load_blob_from(dir, b, max);
}

static void load_blob(struct blob *b)
{
	load_blob_max(b, MEM_SIZE);
}

static void load_sig(const char *name, uint8_t sig[VMM_SIG_SIZE])
{
	char path[512];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = vmm_read_sig(path, sig, NULL);
	if (ret) {
		printf("Bail out! fixture %s: %s\n", path,
		       ret == -EMSGSIZE ? "not 64 bytes" : strerror(-ret));
		exit(1);
	}
}

/* A fresh VM (a VMM_* mode); bails out if that is impossible (nothing else could work). */
static void new_vm(struct vmm *v, unsigned int bootops)
{
	int ret = vmm_create(v, kvm, bootops, MEM_BASE, MEM_SIZE);

	if (ret) {
		printf("Bail out! KVM_CREATE_VM (%s) + memslot: %s%s\n",
		       bootops ? "KVM_VM_TYPE_ARM_BOOTOPS" : "type 0", res(ret),
		       bootops && ret == -EINVAL ?
		       ": kernel without boot ops, or not in protected mode" : "");
		exit(1);
	}
}

static int put(struct vmm *v, const struct blob *b, uint64_t addr)
{
	int ret = vmm_load(v, addr, b->data, b->size);

	if (ret)
		diag("cannot copy %s to 0x%llx: %s", b->name,
		     (unsigned long long)addr, res(ret));
	return ret;
}

/* Copy b to addr, declare it with size and sig; the index or -errno. */
static int put_declare(struct vmm *v, const struct blob *b, uint64_t addr,
		       uint64_t size, const uint8_t *sig)
{
	if (put(v, b, addr))
		return -ERANGE;
	return vmm_declare(v, addr, size, sig);
}

static int declare_at(struct vmm *v, uint64_t addr, uint64_t size)
{
	return vmm_declare(v, addr, size, sig_good);
}

/* vCPU at LOAD_ADDR, run to the end; the vmm_run() result. */
static int start(struct vmm *v, uint64_t entry)
{
	int ret = vmm_vcpu_init(v, entry);

	if (ret) {
		diag("vCPU setup: %s", res(ret));
		return ret;
	}
	ret = vmm_run(v, RUN_TIMEOUT_MS);
	if (ret == VMM_EXIT_UNHANDLED || ret == VMM_EXIT_TIMEOUT)
		diag("run: %s", v->why);
	if (v->out_len)
		diag("guest: %.*s", (int)strcspn(v->out, "\n"), v->out);
	return ret;
}

static bool ran_ok(struct vmm *v, int ret)
{
	return ret == VMM_EXIT_SHUTDOWN && !strcmp(v->out, MESSAGE);
}

/* --- the guest runs ------------------------------------------------------ */

static void test_plain_vm_runs(void)
{
	struct vmm v;
	int ret;

	new_vm(&v, false);
	put(&v, &hello, LOAD_ADDR);
	ret = start(&v, LOAD_ADDR);
	check(ran_ok(&v, ret), "plain VM (no flag, no image declared) runs the guest",
	      "run: %s, %zu bytes of output", exit_name(ret), v.out_len);
	vmm_destroy(&v);
}

static void test_good_image(void)
{
	struct vmm v;
	int idx, ret;

	new_vm(&v, true);
	idx = put_declare(&v, &hello, LOAD_ADDR, hello.size, sig_good);
	check(idx == 0, "signed image declared", "index %s, want 0", res(idx));
	ret = start(&v, LOAD_ADDR);
	check(ran_ok(&v, ret), "signed image verified: the guest prints its message and shuts down",
	      "run: %s, output \"%.*s\"", exit_name(ret),
	      (int)strcspn(v.out, "\n"), v.out);
	vmm_destroy(&v);
}

/* Destroys v's VM (hyp tears it down) but keeps its memory mapped, to look at. */
static void destroy_vm_keep_memory(struct vmm *v)
{
	close(v->vcpu);
	v->vcpu = -1;
	munmap(v->run, v->run_size);
	v->run = MAP_FAILED;
	close(v->vm);
	v->vm = -1;
}

static sigjmp_buf fault_jmp;

static void on_segv(int sig __attribute__((unused)))
{
	siglongjmp(fault_jmp, 1);
}

/* 1 if the access faulted (SIGSEGV), 0 if it went through. */
static int user_access_faults(volatile uint8_t *p, bool write)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	int faulted = 1;

	sigaction(SIGSEGV, &sa, &old);
	if (!sigsetjmp(fault_jmp, 1)) {
		if (write)
			*p = 0x42;
		else
			(void)*p;
		faulted = 0;
	}
	sigaction(SIGSEGV, &old, NULL);
	return faulted;
}

/*
 * After verification the host has lost the image's pages: its own reads
 * and writes fault (SIGSEGV), the kernel's copies fail with EFAULT, and
 * the machine stays up.  Once the VM is gone the page is back, zeroed.
 */
static void test_host_loses_image(void)
{
	int zero = open("/dev/zero", O_RDONLY), pipefd[2];
	uint8_t *img;
	struct vmm v;
	int ret;

	if (pipe(pipefd))
		pipefd[0] = pipefd[1] = -1;
	new_vm(&v, true);
	img = v.mem + (LOAD_ADDR - MEM_BASE);
	put_declare(&v, &hello, LOAD_ADDR, hello.size, sig_good);
	ret = start(&v, LOAD_ADDR);
	check(ran_ok(&v, ret), "verified guest ran", "run: %s", exit_name(ret));
	check(user_access_faults(img, false), "host read of a verified image page faults", "no fault");
	check(user_access_faults(img, true), "host write to a verified image page faults", "no fault");
	ret = write(pipefd[1], img, 1);
	check(ret < 0 && errno == EFAULT, "kernel read of the page on the host's behalf: EFAULT",
	      "write(pipe) returned %d (%s)", ret, strerror(errno));
	ret = read(zero, img, 1);
	check(ret < 0 && errno == EFAULT, "kernel write to the page on the host's behalf: EFAULT",
	      "read(/dev/zero) returned %d (%s)", ret, strerror(errno));
	destroy_vm_keep_memory(&v);
	check(!user_access_faults(img, false) && img[0] == 0 && img[hello.size - 1] == 0,
	      "after teardown the page is the host's again, zeroed", "first byte %#x", img[0]);
	vmm_destroy(&v);
	close(pipefd[0]);
	close(pipefd[1]);
	close(zero);
}

/* Positive controls for the address and size fixtures, and two images. */
static void test_two_good_images(void)
{
	struct vmm v;
	int i0, i1, ret;

	new_vm(&v, true);
	i0 = put_declare(&v, &hello, LOAD_ADDR, hello.size, sig_good);
	i1 = put_declare(&v, &hello, OTHER_ADDR, hello.size, sig_other_addr);
	ret = start(&v, OTHER_ADDR);
	check(i0 == 0 && i1 == 1 && ran_ok(&v, ret),
	      "two signed images (the second signed for and declared at OTHER_ADDR) run",
	      "indices %s, %s; run from 0x%llx: %s", res(i0), res(i1),
	      OTHER_ADDR, exit_name(ret));
	vmm_destroy(&v);
}

static void test_padded_image(void)
{
	struct vmm v;
	int idx, ret;

	new_vm(&v, true);
	idx = put_declare(&v, &padded, LOAD_ADDR, padded.size, sig_other_size);
	ret = start(&v, LOAD_ADDR);
	check(idx == 0 && ran_ok(&v, ret),
	      "image signed with its size + 1 and declared so runs",
	      "index %s, run: %s", res(idx), exit_name(ret));
	vmm_destroy(&v);
}

/* --- bad signatures: EKEYREJECTED at the first KVM_RUN, for good ---------- */

static void reject_case(const char *name, const struct blob *b, uint64_t addr,
			uint64_t size, const uint8_t *sig)
{
	char tname[200];
	struct vmm v;
	int idx, r1, r2, r3;

	new_vm(&v, true);
	idx = put_declare(&v, b, addr, size, sig);
	r1 = vmm_vcpu_init(&v, addr);
	if (!r1)
		r1 = vmm_run_once(&v);
	r2 = vmm_run_once(&v);
	r3 = vmm_run(&v, RUN_TIMEOUT_MS);
	snprintf(tname, sizeof(tname), "%s: rejected (EKEYREJECTED), and again at every KVM_RUN",
		 name);
	check(idx == 0 && r1 == -EKEYREJECTED && r2 == -EKEYREJECTED &&
	      r3 == -EKEYREJECTED && v.out_len == 0 && v.runs == 0, tname,
	      "declare %s; KVM_RUN %s, %s, %s; guest output %zu bytes",
	      res(idx), res(r1), res(r2), res(r3), v.out_len);
	vmm_destroy(&v);
}

static void test_rejections(void)
{
	reject_case("one flipped bit", &tampered, LOAD_ADDR, tampered.size, sig_good);
	reject_case("signed by another key", &hello, LOAD_ADDR, hello.size, sig_other_key);
	reject_case("signed for another address", &hello, LOAD_ADDR, hello.size,
		    sig_other_addr);
	reject_case("declared at another address than signed", &hello, OTHER_ADDR,
		    hello.size, sig_good);
	reject_case("signed with another size", &hello, LOAD_ADDR, hello.size,
		    sig_other_size);
	reject_case("declared one byte longer than signed", &hello, LOAD_ADDR,
		    hello.size + 1, sig_good);
	reject_case("declared one byte shorter than signed", &hello, LOAD_ADDR,
		    hello.size - 1, sig_good);
	reject_case("zeroed signature", &hello, LOAD_ADDR, hello.size, sig_zero);
}

static void test_one_bad_among_good(void)
{
	struct vmm v;
	int i0, i1, ret;

	new_vm(&v, true);
	i0 = put_declare(&v, &hello, LOAD_ADDR, hello.size, sig_good);
	i1 = put_declare(&v, &tampered, OTHER_ADDR, tampered.size, sig_other_addr);
	ret = start(&v, LOAD_ADDR);
	check(i0 == 0 && i1 == 1 && ret == -EKEYREJECTED && v.out_len == 0,
	      "a good image and a tampered one: the VM is rejected",
	      "indices %s, %s; run: %s", res(i0), res(i1), exit_name(ret));
	vmm_destroy(&v);
}

/* The debugfs directory KVM made for v's VM. */
static void vm_debugfs(struct vmm *v, const char *file, char *path, size_t len)
{
	snprintf(path, len, "/sys/kernel/debug/kvm/%d-%d/%s", getpid(), v->vm, file);
}

/*
 * Lifts KVM's own checks of a boot ops VM (debugfs bootops_unguarded): its
 * refusal to touch a verified vCPU's state and its ENOEXEC for a VM with
 * no image, so the VMM meets hyp as a hostile host would.
 */
static int unguard(struct vmm *v)
{
	char path[128];
	int fd, ret = 0;

	vm_debugfs(v, "bootops_unguarded", path, sizeof(path));
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "Y", 1) != 1)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	if (ret)
		diag("%s: %s", path, strerror(-ret));
	return ret;
}

/*
 * The VMM's own code elsewhere in guest RAM, the first PC aimed at it:
 * hyp refuses the first entry (EPERM), the code never runs, and the
 * refusal is final for that vCPU: moving the PC into the image afterwards
 * does not let it run either.
 */
static void test_first_pc_outside_images(void)
{
	uint64_t other = LOAD_ADDR + MEM_SIZE / 2;
	struct vmm v;
	int idx, ret, guarded, set, again;

	new_vm(&v, true);
	idx = put_declare(&v, &hello, LOAD_ADDR, hello.size, sig_good);
	put(&v, &hello, other);		/* the same code, not declared */
	ret = start(&v, other);
	guarded = vmm_set_pc(&v, LOAD_ADDR);
	set = unguard(&v) ?: vmm_set_pc(&v, LOAD_ADDR);
	again = vmm_run(&v, RUN_TIMEOUT_MS);
	check(idx == 0 && ret == -EPERM && guarded == -EPERM && !set && again == -EPERM &&
	      v.out_len == 0,
	      "first PC outside every verified image: hyp refuses the vCPU for good, nothing runs",
	      "index %s; run: %s; PC into the image: KVM %s, past KVM %s, run: %s; "
	      "%zu bytes of output", res(idx), exit_name(ret), res(guarded), res(set),
	      exit_name(again), v.out_len);
	vmm_destroy(&v);
}

/* --- a verified vCPU's state is hyp's (tools/bootops-vmm/guest/regs.S) ---- */

#define DOORBELL	0x09010000ULL
#define REGS_SECRET	0x5ec2e75ec2e75ec2ULL
#define REGS_PATTERN	0x0123456789abcdefULL
#define REGS_EVIL_PC	(LOAD_ADDR + 4)
#define REG_CORE(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(x))
#define REG_SCTLR_EL1	ARM64_SYS_REG(3, 0, 1, 0, 0)
#define REG_VBAR_EL1	ARM64_SYS_REG(3, 0, 12, 0, 0)

static int one_reg(struct vmm *v, unsigned long req, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(v->vcpu, req, &reg) ? -errno : 0;
}

static int get_reg(struct vmm *v, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return ioctl(v->vcpu, KVM_GET_ONE_REG, &reg) ? -errno : 0;
}

/* Runs v on to its next exit; true if it is an MMIO access at DOORBELL + off. */
static bool run_to_doorbell(struct vmm *v, uint64_t off, bool write)
{
	int ret = vmm_run(v, RUN_TIMEOUT_MS);

	if (ret != VMM_EXIT_UNHANDLED || v->run->exit_reason != KVM_EXIT_MMIO ||
	    v->run->mmio.phys_addr != DOORBELL + off || v->run->mmio.is_write != write) {
		diag("want an MMIO %s at 0x%llx: %s %s", write ? "write" : "read",
		     (unsigned long long)(DOORBELL + off), exit_name(ret), v->why);
		return false;
	}
	return true;
}

/* What a VMM that tampers with a vCPU at an exit got from KVM. */
struct tamper {
	int init;		/* KVM_ARM_VCPU_INIT (a reset) */
	int get;		/* KVM_GET_ONE_REG x19 */
	int set;		/* KVM_SET_ONE_REG PC, x19, PSTATE, SCTLR_EL1, VBAR_EL1 */
	int serror;		/* KVM_SET_VCPU_EVENTS: an SError pending */
	int step;		/* KVM_SET_GUEST_DEBUG: single-step */
	uint64_t x19;		/* what the read returned */
};

/* An SError and single-stepping, each of which would divert the guest. */
static void divert(struct vmm *v, struct tamper *t)
{
	struct kvm_vcpu_events events;
	struct kvm_guest_debug dbg;

	memset(&events, 0, sizeof(events));
	events.exception.serror_pending = 1;
	t->serror = ioctl(v->vcpu, KVM_SET_VCPU_EVENTS, &events) ? -errno : 0;
	memset(&dbg, 0, sizeof(dbg));
	dbg.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
	t->step = ioctl(v->vcpu, KVM_SET_GUEST_DEBUG, &dbg) ? -errno : 0;
}

static void tamper_regs(struct vmm *v, struct tamper *t)
{
	struct kvm_vcpu_init init;

	t->x19 = 0;
	t->get = get_reg(v, REG_CORE(regs.regs[19]), &t->x19);
	memset(&init, 0, sizeof(init));
	t->init = ioctl(v->vm, KVM_ARM_PREFERRED_TARGET, &init) ? -errno : 0;
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (!t->init)
		t->init = ioctl(v->vcpu, KVM_ARM_VCPU_INIT, &init) ? -errno : 0;
	t->set = one_reg(v, KVM_SET_ONE_REG, REG_CORE(regs.pc), REGS_EVIL_PC) ?:
		 one_reg(v, KVM_SET_ONE_REG, REG_CORE(regs.regs[19]), 0) ?:
		 one_reg(v, KVM_SET_ONE_REG, REG_CORE(regs.pstate), 0x5 /* EL1h, DAIF clear */) ?:
		 one_reg(v, KVM_SET_ONE_REG, REG_SCTLR_EL1, 0x00C51878 /* + I-cache */) ?:
		 one_reg(v, KVM_SET_ONE_REG, REG_VBAR_EL1, 0);
}

/* The registers, then an SError and single-stepping on top. */
static void tamper(struct vmm *v, struct tamper *t)
{
	tamper_regs(v, t);
	divert(v, t);
}

/*
 * regs.S on a VM of this mode up to its doorbell: the HVC and the MMIO
 * read (answered REGS_PATTERN) on the way.  False if it did not get there.
 */
static bool regs_to_doorbell(struct vmm *v, unsigned int mode)
{
	int idx = 0, ret;

	new_vm(v, mode);
	if (mode == VMM_PLAIN)
		idx = put(v, &regs_guest, LOAD_ADDR);
	else
		idx = put_declare(v, &regs_guest, LOAD_ADDR, regs_guest.size, sig_regs);
	ret = idx ? idx : vmm_vcpu_init(v, LOAD_ADDR);
	if (ret) {
		diag("regs.bin: %s", res(ret));
		return false;
	}
	if (!run_to_doorbell(v, 8, false))
		return false;
	memcpy(v->run->mmio.data, &(uint64_t){ REGS_PATTERN }, 8);
	return run_to_doorbell(v, 0, true) && v->run->mmio.data[0] == 1;
}

/*
 * The control: on a plain VM the VMM owns the vCPU, so the same writes
 * take effect (the host's code runs) and the read sees the secret.  This
 * is what the verified cases below must not allow.
 */
static void test_plain_vcpu_is_the_hosts(void)
{
	struct tamper t = { 0 };
	struct vmm v;
	bool there;
	int ret;

	there = regs_to_doorbell(&v, VMM_PLAIN);
	if (there)
		tamper_regs(&v, &t);
	ret = there ? vmm_run(&v, RUN_TIMEOUT_MS) : -1;
	check(there && !t.init && !t.get && !t.set && t.x19 == REGS_SECRET &&
	      ret == VMM_EXIT_SHUTDOWN && !strcmp(v.out, "host code ran\n"),
	      "plain VM: the VMM reads x19 and moves the PC, and its code runs (the control)",
	      "at the doorbell: %s; init %s, get %s (0x%llx), set %s; run: %s, output \"%.*s\"",
	      there ? "yes" : "no", res(t.init), res(t.get), (unsigned long long)t.x19,
	      res(t.set), exit_name(ret), (int)strcspn(v.out, "\n"), v.out);
	vmm_destroy(&v);
}

/*
 * A verified vCPU after its first run: KVM refuses to set or read its
 * state, to inject an SError or to single-step it (EPERM); past KVM, as a
 * hostile host, all of it reaches only the host's copy: the guest, checking
 * its own x19, DAIF, SCTLR_EL1, VBAR_EL1 and PC, finds nothing changed and
 * takes no exception, and the host's copy of x19 never held the secret.  On the way, a host-handled HVC and an MMIO read changed
 * only the registers they may.
 */
static void verified_vcpu_is_hyps(unsigned int mode, const char *name)
{
	struct tamper kvm = { 0 }, host = { 0 };
	struct vmm v;
	bool there;
	int ret = -1, unguarded = -1;

	there = regs_to_doorbell(&v, mode);
	if (there) {
		tamper(&v, &kvm);
		unguarded = unguard(&v);
		tamper(&v, &host);
		ret = vmm_run(&v, RUN_TIMEOUT_MS);
	}
	check(there && kvm.init == -EPERM && kvm.get == -EPERM && kvm.set == -EPERM &&
	      kvm.serror == -EPERM && kvm.step == -EPERM && !unguarded && !host.get &&
	      !host.set && !host.serror && !host.step &&
	      host.x19 != REGS_SECRET &&
	      ret == VMM_EXIT_SHUTDOWN && !strcmp(v.out, "regs: ok\n"), name,
	      "at the doorbell: %s; KVM: init %s, get %s, set %s, SError %s, step %s; "
	      "past KVM: init %s, get %s (0x%llx), set %s, SError %s, step %s; run: %s, "
	      "output \"%.*s\"", there ? "yes" : "no", res(kvm.init), res(kvm.get),
	      res(kvm.set), res(kvm.serror), res(kvm.step), res(host.init), res(host.get),
	      (unsigned long long)host.x19, res(host.set), res(host.serror), res(host.step),
	      exit_name(ret), (int)strcspn(v.out, "\n"), v.out);
	vmm_destroy(&v);
}

static void test_verified_vcpu_is_hyps(void)
{
	verified_vcpu_is_hyps(VMM_BOOTOPS,
			      "verified vCPU, shared memory: KVM refuses its registers, hyp ignores "
			      "the host's writes and hides x19; HVC and MMIO work");
	verified_vcpu_is_hyps(VMM_BOOTOPS_PRIVATE,
			      "verified vCPU, private memory: KVM refuses its registers, hyp ignores "
			      "the host's writes and hides x19; HVC and MMIO work");
}

/* hello.bin on a VM of this mode, its vCPU with SVE; the vmm_run() result. */
static int run_sve(struct vmm *v, unsigned int mode)
{
	int ret;

	new_vm(v, mode);
	ret = mode == VMM_PLAIN ? put(v, &hello, LOAD_ADDR) :
	      put_declare(v, &hello, LOAD_ADDR, hello.size, sig_good);
	ret = ret < 0 ? ret : vmm_vcpu_init_with(v, LOAD_ADDR, 1U << KVM_ARM_VCPU_SVE);
	return ret ? ret : vmm_run(v, RUN_TIMEOUT_MS);
}

/*
 * A verified vCPU with SVE is refused at its first run (EOPNOTSUPP), and
 * its code never runs: pKVM 6.12 saves a guest's Z registers to memory
 * the host gives.  The control: the same vCPU on a plain VM runs.  Only
 * where KVM offers SVE (-cpu max).
 */
static void test_sve_vcpu_refused(void)
{
	int plain, verified;
	bool plain_ran;
	struct vmm v;

	if (ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_SVE) <= 0) {
		printf("ok %d - verified vCPU with SVE: refused (EOPNOTSUPP) # SKIP no SVE here\n",
		       ++tests_run);
		return;
	}
	plain = run_sve(&v, VMM_PLAIN);
	plain_ran = ran_ok(&v, plain);
	vmm_destroy(&v);
	verified = run_sve(&v, VMM_BOOTOPS);
	check(plain_ran && verified == -EOPNOTSUPP && !v.out_len,
	      "verified vCPU with SVE: refused (EOPNOTSUPP), its code never runs; "
	      "a plain VM's SVE vCPU runs (the control)",
	      "plain: %s; verified: %s, %zu bytes of output", exit_name(plain),
	      exit_name(verified), v.out_len);
	vmm_destroy(&v);
}

/* --- PSCI of a verified VM -------------------------------------------------- */

#define SMP_CONTEXT	0xc0ffee00c0ffee00ULL	/* smp.S's CPU_ON context */
#define SMP_MPIDR1	0x80000001ULL		/* KVM's MPIDR_EL1 for vCPU 1 */

/* vCPU 1 of smp.S's VM, run by a thread of its own. */
struct secondary {
	struct vmm v;		/* the VM's fds; its own vCPU fd, kvm_run, thread */
	int err;		/* what ended its runs: a KVM_RUN error, or -EPROTO */
	uint32_t exit_reason;	/* for -EPROTO */
	uint64_t ctx, mpidr;	/* its writes to DOORBELL + 8, + 24 */
	bool off_returned;	/* DOORBELL + 32: its CPU_OFF returned */
	bool ran_vcpu0_code;	/* DOORBELL: it ran vCPU 0's path */
	unsigned int uart;	/* bytes to the UART: "host code ran" */
};

static void on_kick(int sig)
{
	(void)sig;
}

static void *secondary_runs(void *arg)
{
	struct secondary *s = arg;
	struct kvm_run *run = s->v.run;
	sigset_t alarm;
	uint64_t val;

	/* vmm_run()'s SIGALRM is vCPU 0's timeout, not this thread's. */
	sigemptyset(&alarm);
	sigaddset(&alarm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alarm, NULL);
	while (!s->v.stop) {
		s->err = vmm_run_once(&s->v);
		if (s->err)
			break;
		if (run->exit_reason != KVM_EXIT_MMIO) {
			s->err = -EPROTO;
			s->exit_reason = run->exit_reason;
			break;
		}
		if (!run->mmio.is_write)
			continue;
		memcpy(&val, run->mmio.data, sizeof(val));
		if (run->mmio.phys_addr == DOORBELL)
			s->ran_vcpu0_code = true;
		else if (run->mmio.phys_addr == DOORBELL + 8)
			s->ctx = val;
		else if (run->mmio.phys_addr == DOORBELL + 24)
			s->mpidr = val;
		else if (run->mmio.phys_addr == DOORBELL + 32)
			s->off_returned = true;
		else
			s->uart++;
	}
	s->v.done = true;
	return NULL;
}

/*
 * vCPU 1 as a hostile host sets it up: not powered off (so KVM would run
 * it at once), its PC at smp.S's "host code" and x0 not the guest's.
 */
static int add_vcpu1(struct vmm *v, struct secondary *s)
{
	return vmm_vcpu_add(v, &s->v, 1, false) ?: vmm_set_pc(&s->v, LOAD_ADDR + 4) ?:
	       vmm_set_xreg(&s->v, 0, 0xbad);
}

/* Ends the thread's KVM_RUN (asleep after CPU_OFF) with EINTR. */
static void stop_secondary(struct secondary *s)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_kick;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);	/* no SA_RESTART */
	vmm_secondary_stop(&s->v);
}

/* KVM_SET_MP_STATE runnable, then one KVM_RUN: the host insisting. */
static int run_anyway(struct vmm *v)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

	if (ioctl(v->vcpu, KVM_SET_MP_STATE, &mp))
		return -errno;
	return vmm_run_once(v);
}

struct smp_run {
	int early;		/* vCPU 1 run before any CPU_ON */
	uint64_t on;		/* CPU_ON's result, as vCPU 0 saw it */
	bool started, off;	/* the thread ran; vCPU 0 saw vCPU 1 off */
	int late;		/* vCPU 1 run again after its CPU_OFF */
	int ret;		/* vCPU 0 to the end */
	int after;		/* vCPU 0 run again after SYSTEM_OFF */
};

static void smp_steps(struct vmm *v, struct secondary *s, struct smp_run *r)
{
	r->early = vmm_run_once(&s->v);
	if (!run_to_doorbell(v, 0, true))
		return;
	memcpy(&r->on, v->run->mmio.data, sizeof(r->on));
	r->started = !pthread_create(&s->v.thread, NULL, secondary_runs, s);
	s->v.started = r->started;
	if (!r->started)
		return;
	r->off = run_to_doorbell(v, 16, true);
	stop_secondary(s);
	r->late = run_anyway(&s->v);
	r->ret = vmm_run(v, RUN_TIMEOUT_MS);
	r->after = run_anyway(v);
}

/*
 * PSCI of a verified VM is hyp's.  The host runs vCPU 1 before the guest
 * asked (at code of the image's it chose): refused.  vCPU 0's CPU_ON gets
 * hyp's answer, success, though the host's KVM says ALREADY_ON (it thinks
 * vCPU 1 on).  vCPU 1 starts at the guest's entry with the guest's
 * context in x0 (not the host's PC and x0) and KVM's MPIDR for vCPU 1;
 * its CPU_OFF does not return, vCPU 0 sees it off, and the host cannot
 * run it again.  After the guest's SYSTEM_OFF no vCPU runs.
 */
static void psci_is_hyps(unsigned int mode, const char *name)
{
	struct smp_run r = { .early = 1, .late = 1, .ret = -1, .after = 1, .on = ~0ULL };
	struct secondary s;
	struct vmm v;
	int ret;

	memset(&s, 0, sizeof(s));
	s.v.vcpu = -1;
	s.v.run = MAP_FAILED;
	new_vm(&v, mode);
	ret = put_declare(&v, &smp_guest, LOAD_ADDR, smp_guest.size, sig_smp);
	ret = ret < 0 ? ret : vmm_vcpu_init(&v, LOAD_ADDR) ?: add_vcpu1(&v, &s);
	if (ret)
		diag("smp.bin, two vCPUs: %s", res(ret));
	else
		smp_steps(&v, &s, &r);
	check(!ret && r.early == -EPERM && r.on == 0 && r.started && r.off &&
	      s.err == -EINTR && s.ctx == SMP_CONTEXT && s.mpidr == SMP_MPIDR1 &&
	      !s.off_returned && !s.ran_vcpu0_code && !s.uart && r.late == -EPERM &&
	      r.ret == VMM_EXIT_SHUTDOWN && !strcmp(v.out, "smp: ok\n") && r.after == -EPERM,
	      name, "vCPU 1 before CPU_ON: %s; CPU_ON: %lld; vCPU 1: %s, ended %s (exit %u), "
	      "x0 0x%llx, MPIDR 0x%llx, CPU_OFF returned %d, vCPU 0 code %d, UART %u; "
	      "vCPU 0 saw it off: %d; vCPU 1 again: %s; vCPU 0: %s \"%.*s\"; after SYSTEM_OFF: %s",
	      res(r.early), (long long)r.on, r.started ? "ran" : "no thread", res(s.err),
	      s.exit_reason, (unsigned long long)s.ctx, (unsigned long long)s.mpidr,
	      s.off_returned, s.ran_vcpu0_code, s.uart, r.off, res(r.late), exit_name(r.ret),
	      (int)strcspn(v.out, "\n"), v.out, res(r.after));
	vmm_vcpu_remove(&s.v);
	vmm_destroy(&v);
}

static void test_psci_is_hyps(void)
{
	psci_is_hyps(VMM_BOOTOPS,
		     "verified VM, shared memory: vCPU 1 starts only at its guest's CPU_ON, "
		     "with the guest's entry and context; CPU_OFF and SYSTEM_OFF stop it");
	psci_is_hyps(VMM_BOOTOPS_PRIVATE,
		     "verified VM, private memory: vCPU 1 starts only at its guest's CPU_ON, "
		     "with the guest's entry and context; CPU_OFF and SYSTEM_OFF stop it");
}

/* --- declarations the kernel refuses ------------------------------------- */

static void test_no_image(void)
{
	struct vmm v;
	int ret;

	new_vm(&v, true);
	put(&v, &hello, LOAD_ADDR);	/* in memory, not declared */
	ret = start(&v, LOAD_ADDR);
	check(ret == -ENOEXEC && v.out_len == 0,
	      "boot ops VM with no image declared: KVM_RUN fails with ENOEXEC",
	      "run: %s", exit_name(ret));
	vmm_destroy(&v);
}

/*
 * The same past KVM: hyp knows the VM requires images (KVM marks it so
 * before the first verification), so hyp itself refuses to verify it
 * without one, and the undeclared code never runs.
 */
static void test_no_image_past_kvm(void)
{
	struct vmm v;
	int ret, unguarded;

	new_vm(&v, true);
	put(&v, &hello, LOAD_ADDR);
	unguarded = unguard(&v);
	ret = start(&v, LOAD_ADDR);
	check(!unguarded && ret == -ENOEXEC && v.out_len == 0,
	      "boot ops VM with no image, past KVM's check: hyp refuses to verify it (ENOEXEC)",
	      "debugfs: %s; run: %s, %zu bytes of output", res(unguarded), exit_name(ret),
	      v.out_len);
	vmm_destroy(&v);
}

static void test_declare_after_run(void)
{
	struct vmm v;
	int idx, ret, late;

	new_vm(&v, true);
	idx = put_declare(&v, &hello, LOAD_ADDR, hello.size, sig_good);
	ret = start(&v, LOAD_ADDR);
	late = put_declare(&v, &hello, OTHER_ADDR, hello.size, sig_other_addr);
	check(idx == 0 && ran_ok(&v, ret) && late == -EBUSY,
	      "image declared after the first KVM_RUN (verified VM): EBUSY",
	      "first run %s, late declaration %s", exit_name(ret), res(late));
	vmm_destroy(&v);

	new_vm(&v, true);
	idx = put_declare(&v, &tampered, LOAD_ADDR, tampered.size, sig_good);
	ret = start(&v, LOAD_ADDR);
	late = put_declare(&v, &hello, OTHER_ADDR, hello.size, sig_other_addr);
	check(idx == 0 && ret == -EKEYREJECTED && late == -EBUSY,
	      "image declared after a rejected KVM_RUN: EBUSY",
	      "first run %s, late declaration %s", exit_name(ret), res(late));
	vmm_destroy(&v);
}

/* After refusals, the VM takes the good image as index 0 and runs it. */
static void then_good_runs(struct vmm *v, const char *name, const char *what)
{
	char tname[200];
	int idx = put_declare(v, &hello, LOAD_ADDR, hello.size, sig_good), ret;

	ret = start(v, LOAD_ADDR);
	snprintf(tname, sizeof(tname), "%s: nothing changed, the signed image is index 0 and runs",
		 name);
	check(idx == 0 && ran_ok(v, ret), tname, "%s; index %s, run %s", what,
	      res(idx), exit_name(ret));
}

static void test_bad_ranges(void)
{
	struct {
		const char *what;
		uint64_t addr, size;
		int want;
	} cases[] = {
		{ "address 4 KiB + 2 KiB", LOAD_ADDR + 0x800, 0x100, -EINVAL },
		{ "address + 1", LOAD_ADDR + 1, 0x100, -EINVAL },
		{ "size 0", LOAD_ADDR, 0, -EINVAL },
		{ "size 256 MiB + 1", LOAD_ADDR, MAX_IMAGE_SIZE + 1, -EINVAL },
		{ "size 2^64 - 1", LOAD_ADDR, ~0ULL, -EINVAL },
		{ "range wrapping past 2^64", 0xfffffffffffff000ULL, 0x2000, -EINVAL },
		{ "just past the memslot", MEM_BASE + MEM_SIZE, 0x1000, -EFAULT },
		{ "across the memslot's end", MEM_BASE + MEM_SIZE - 0x1000, 0x1001, -EFAULT },
		{ "below the memslot", MEM_BASE - 0x1000, 0x1000, -EFAULT },
		{ "starting below the memslot", MEM_BASE - 0x1000, 0x2000, -EFAULT },
		{ "far outside the memslot", 0x40000000ULL, 0x1000, -EFAULT },
	};
	char tname[200], what[512] = "";
	struct vmm v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret;

		new_vm(&v, true);
		ret = declare_at(&v, cases[i].addr, cases[i].size);
		snprintf(tname, sizeof(tname), "declare %s (0x%llx, %#llx bytes): %s",
			 cases[i].what, (unsigned long long)cases[i].addr,
			 (unsigned long long)cases[i].size, res(cases[i].want));
		check(ret == cases[i].want, tname, "got %s", res(ret));
		vmm_destroy(&v);
	}

	/* All of them on one VM, then a good image. */
	new_vm(&v, true);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = declare_at(&v, cases[i].addr, cases[i].size);

		if (ret != cases[i].want)
			snprintf(what + strlen(what), sizeof(what) - strlen(what),
				 "[%s: %s] ", cases[i].what, res(ret));
	}
	then_good_runs(&v, "after every refused range on one VM",
		       *what ? what : "all refused as above");
	vmm_destroy(&v);
}

static void test_overlap(void)
{
	/* The first image: two pages at base (0x1800 bytes), never run. */
	const uint64_t base = LOAD_ADDR + 0x4000;
	struct {
		const char *what;
		uint64_t addr, size;
	} cases[] = {
		{ "the same range", base, 0x1800 },
		{ "same start, shorter", base, 0x10 },
		{ "starting in its last page", base + 0x1000, 0x1000 },
		{ "ending in its first page", base - 0x1000, 0x1001 },
		{ "covering it", base - 0x1000, 0x4000 },
	};
	struct vmm v;
	int first, other, ret, run;

	new_vm(&v, true);
	first = declare_at(&v, base, 0x1800);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char tname[200];

		ret = declare_at(&v, cases[i].addr, cases[i].size);
		snprintf(tname, sizeof(tname), "declare overlapping an earlier image (%s): EEXIST",
			 cases[i].what);
		check(first == 0 && ret == -EEXIST, tname,
		      "first %s at 0x%llx + 0x1800; 0x%llx + %#llx: %s", res(first),
		      (unsigned long long)base, (unsigned long long)cases[i].addr,
		      (unsigned long long)cases[i].size, res(ret));
	}
	/* Adjacent pages do not overlap. */
	ret = declare_at(&v, base + 0x2000, 0x1000);
	check(ret == 1, "declare the page right after an image: accepted", "index %s",
	      res(ret));
	ret = declare_at(&v, base - 0x1000, 0x1000);
	check(ret == 2, "declare the page right before an image: accepted", "index %s",
	      res(ret));
	vmm_destroy(&v);

	/* A refusal leaves the table as it was: the next image is index 1. */
	new_vm(&v, true);
	first = put_declare(&v, &hello, LOAD_ADDR, hello.size, sig_good);
	ret = declare_at(&v, LOAD_ADDR, hello.size);
	other = put_declare(&v, &hello, OTHER_ADDR, hello.size, sig_other_addr);
	run = start(&v, LOAD_ADDR);
	check(first == 0 && ret == -EEXIST && other == 1 && ran_ok(&v, run),
	      "after an EEXIST refusal the next image is index 1 and the VM runs",
	      "indices %s, %s, %s; run %s", res(first), res(ret), res(other),
	      exit_name(run));
	vmm_destroy(&v);
}

static void test_sixth_image(void)
{
	int idx[MAX_IMAGES + 1], ret;
	char got[128] = "";
	struct vmm v;
	bool ok = true;

	new_vm(&v, true);
	for (int i = 0; i <= MAX_IMAGES; i++) {
		idx[i] = declare_at(&v, LOAD_ADDR + 0x10000 * i, 0x1000);
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
			 i ? " " : "", res(idx[i]));
		ok &= i < MAX_IMAGES ? idx[i] == i : idx[i] == -ENOSPC;
	}
	check(ok, "five images accepted (indices 0-4), the sixth: ENOSPC", "%s", got);
	/* Each is the good image's signature over the wrong bytes/addresses:
	 * the run is a rejection, not a hang or a crash. */
	ret = start(&v, LOAD_ADDR);
	check(ret == -EKEYREJECTED, "five declared images with bad signatures: rejected",
	      "run %s", exit_name(ret));
	vmm_destroy(&v);
}

static void test_plain_vm_declare(void)
{
	struct vmm v;
	int ret, run;

	new_vm(&v, false);
	ret = put_declare(&v, &hello, LOAD_ADDR, hello.size, sig_good);
	run = start(&v, LOAD_ADDR);
	check(ret == -EINVAL && ran_ok(&v, run),
	      "declare on a VM created without the flag: EINVAL (and it still runs)",
	      "declare %s, run %s", res(ret), exit_name(run));
	vmm_destroy(&v);
}

static void test_flags_reserved(void)
{
	struct kvm_arm_bootops_image img;
	struct vmm v;
	const char *field[] = { "flags = 1", "flags = 1 << 63", "reserved[0] = 1",
				"reserved[1] = 1", "reserved[2] = 1 << 63" };
	int ret;

	for (int i = 0; i < 5; i++) {
		char tname[120];

		memset(&img, 0, sizeof(img));
		img.guest_phys_addr = LOAD_ADDR;
		img.size = hello.size;
		memcpy(img.signature, sig_good, VMM_SIG_SIZE);
		switch (i) {
		case 0: img.flags = 1; break;
		case 1: img.flags = 1ULL << 63; break;
		case 2: img.reserved[0] = 1; break;
		case 3: img.reserved[1] = 1; break;
		case 4: img.reserved[2] = 1ULL << 63; break;
		}
		new_vm(&v, true);
		put(&v, &hello, LOAD_ADDR);
		ret = vmm_declare_raw(&v, &img);
		snprintf(tname, sizeof(tname), "declare with %s: EINVAL", field[i]);
		check(ret == -EINVAL, tname, "got %s", res(ret));
		if (i == 4)
			then_good_runs(&v, "after a nonzero flags/reserved refusal",
				       "same VM");
		vmm_destroy(&v);
	}
}

/* The VMM refuses a signature file that is not exactly 64 bytes. */
static void test_sig_file_size(void)
{
	static const size_t sizes[] = { 0, 63, 65, 128 };
	char path[] = "/tmp/bootops_images.sigXXXXXX";
	uint8_t sig[VMM_SIG_SIZE], buf[128] = { 0 };
	char got[96] = "";
	bool ok = true;
	int fd = mkstemp(path), ret;

	if (fd < 0) {
		check(0, "signature files not of 64 bytes are refused by the VMM",
		      "mkstemp: %s", strerror(errno));
		return;
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		long size = -2;

		if (ftruncate(fd, 0) || pwrite(fd, buf, sizes[i], 0) != (ssize_t)sizes[i])
			ok = false;
		ret = vmm_read_sig(path, sig, &size);
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%zu: %s",
			 i ? ", " : "", sizes[i], res(ret));
		ok &= ret == -EMSGSIZE && size == (long)sizes[i];
	}
	if (ftruncate(fd, 0) || pwrite(fd, buf, 64, 0) != 64)
		ok = false;
	ret = vmm_read_sig(path, sig, NULL);
	ok &= ret == 0;
	check(ok, "signature files not of 64 bytes are refused by the VMM (64 accepted)",
	      "%s; 64: %s", got, res(ret));
	close(fd);
	unlink(path);
}

/* --- memory isolation: verified VMs run on hyp's stage 2 ------------------- */

#define TOUCH_BASE	(LOAD_ADDR + (1ULL << 20))	/* as touch.S */
#define TOUCH_OK	"touch ok\n"
#define FREE_IPA	(MEM_BASE + MEM_SIZE - 0x1000)	/* never touched */
#define SPARSE_IPA	(MEM_BASE + (1ULL << 40))	/* no stage-2 table on the way */
#define MEM_BASE_PFN	0x40000ULL			/* QEMU virt's first RAM page */

/* One host share/unshare through bootops_s2_probe: hyp's answer (0 or -errno). */
static int probe(struct vmm *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int probe(struct vmm *v, const char *fmt, ...)
{
	char path[128], cmd[96];
	long long ret;
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	vm_debugfs(v, "bootops_s2_probe", path, sizeof(path));
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, cmd, n) != n) {
		diag("probe \"%s\": %s", cmd, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;	/* neither 0 nor an errno: fails every check */
	}
	close(fd);
	ret = vmm_debugfs_read(v, "bootops_s2_probe");
	return ret == VMM_NO_VALUE ? 1 : (int)ret;
}

/* A verified VM that ran touch.S over `pages` pages; true if it said "touch ok". */
static bool run_touch_mode(struct vmm *v, unsigned int mode, uint64_t pages, uint64_t passes)
{
	int ret;

	new_vm(v, mode);
	if (put_declare(v, &touch, LOAD_ADDR, touch.size, sig_touch) != 0)
		return false;
	ret = vmm_vcpu_init(v, LOAD_ADDR);
	if (!ret)
		ret = vmm_set_xreg(v, 0, pages | passes << 32);
	if (!ret)
		ret = vmm_run(v, RUN_TIMEOUT_MS);
	if (ret != VMM_EXIT_SHUTDOWN || strcmp(v->out, TOUCH_OK)) {
		diag("touch guest: %s, output \"%.*s\"", exit_name(ret),
		     (int)strcspn(v->out, "\n"), v->out);
		return false;
	}
	return true;
}

static bool run_touch(struct vmm *v, uint64_t pages, uint64_t passes)
{
	return run_touch_mode(v, VMM_BOOTOPS, pages, passes);
}

/*
 * Ordinary guest memory is shared, page by page, as the guest faults: the
 * guest reads back what it wrote, and the host still sees it (shared, not
 * given).  The image stays the VM's: host faults on it are counted.
 */
static void test_guest_memory_shared(void)
{
	uint64_t k, pages = 64, bad = 0;
	long long before, after;
	struct vmm v;
	bool ran;

	ran = run_touch(&v, pages, 3);
	check(ran, "verified guest on hyp's stage 2 writes and reads back 64 fresh pages", "see above");
	for (k = 0; k < pages; k++) {
		uint64_t word;

		memcpy(&word, v.mem + (TOUCH_BASE - MEM_BASE) + k * 4096, sizeof(word));
		bad += word != (k | 2ULL << 32);
	}
	check(ran && !bad, "the host still reads the guest's ordinary memory (shared, not given)",
	      "%llu of %llu pages differ", (unsigned long long)bad, (unsigned long long)pages);
	before = vmm_debugfs_read(&v, "bootops_host_faults");
	user_access_faults(v.mem + (LOAD_ADDR - MEM_BASE), false);
	user_access_faults(v.mem + (LOAD_ADDR - MEM_BASE), true);
	after = vmm_debugfs_read(&v, "bootops_host_faults");
	check(before == 0 && after == 2, "hyp counts the host's faults on the VM's image (debugfs)",
	      "bootops_host_faults %lld before, %lld after a read and a write", before, after);
	vmm_destroy(&v);
}

/* The host may add and remove ordinary memory, never touch the image's. */
static void test_host_cannot_remap_image(void)
{
	int img_unshare, img_share, touched, fresh, unshare, again, pk_share, pk_unshare;
	int nopages, withpages;
	struct vmm v;

	if (!run_touch(&v, 4, 1)) {
		check(0, "host cannot remap or unmap an image address", "guest did not run");
		vmm_destroy(&v);
		return;
	}
	/*
	 * pKVM's stage 2 for the VM takes its tables from pages KVM gives in
	 * the VM's memcache: with none there, an address 1 TiB away (three
	 * tables on the way) is ENOMEM and the page stays the host's; with
	 * them, the same share goes through.  First, before any unshare has
	 * freed a table into the VM's pool.
	 */
	nopages = probe(&v, "share %llx nopages", SPARSE_IPA);
	withpages = probe(&v, "share %llx host", SPARSE_IPA);
	check(nopages == -ENOMEM && withpages == 0,
	      "no table pages from the host: a share is ENOMEM at EL2, the page stays the host's",
	      "without pages %s, with them %s", res(nopages), res(withpages));
	img_unshare = probe(&v, "unshare %llx", LOAD_ADDR);
	img_share = probe(&v, "share %llx host", LOAD_ADDR);
	touched = probe(&v, "share %llx host", TOUCH_BASE);
	fresh = probe(&v, "share %llx host", FREE_IPA);
	check(img_unshare == -EPERM && img_share == -EPERM,
	      "hyp refuses to unmap or remap an image address (EPERM)",
	      "unshare %s, share %s", res(img_unshare), res(img_share));
	check(touched == -EEXIST && fresh == 0,
	      "controls: a mapped address is EEXIST, a free one takes a host page",
	      "mapped %s, free %s", res(touched), res(fresh));
	pk_share = probe(&v, "pkvm share_hyp %llx", TOUCH_BASE);
	pk_unshare = probe(&v, "pkvm unshare_hyp %llx", TOUCH_BASE);
	check(pk_share == -EPERM && pk_unshare == -EPERM,
	      "pKVM's own share and unshare with hyp of a page the VM has: EPERM, hyp up",
	      "share_hyp %s, unshare_hyp %s", res(pk_share), res(pk_unshare));
	unshare = probe(&v, "unshare %llx", TOUCH_BASE);
	again = probe(&v, "unshare %llx", TOUCH_BASE);
	check(unshare == 0 && again == -ENOENT,
	      "ordinary memory can be taken back once, then it is gone (ENOENT)",
	      "unshare %s, again %s", res(unshare), res(again));
	vmm_destroy(&v);
}

/*
 * KVM_VM_TYPE_ARM_BOOTOPS_PRIVATE_MEM: guest memory becomes the VM's.  The
 * host's reads fault and are counted, it cannot take a page back, and after
 * teardown every page the guest touched is the host's again, zeroed.
 */
static void test_private_memory(void)
{
	/* More pages than a teardown slice: teardown of them takes several calls. */
	uint64_t k, pages = 200, nonzero = 0;
	uint8_t *touched;
	long long faults;
	int unshare;
	struct vmm v;
	bool ran;

	ran = run_touch_mode(&v, VMM_BOOTOPS_PRIVATE, pages, 2);
	touched = v.mem + (TOUCH_BASE - MEM_BASE);
	check(ran, "private-memory guest writes and reads back 200 pages", "see above");
	check(user_access_faults(touched, false) && user_access_faults(touched + 5 * 4096, true),
	      "host reads and writes of the guest's private memory fault", "no fault");
	faults = vmm_debugfs_read(&v, "bootops_host_faults");
	unshare = probe(&v, "unshare %llx", TOUCH_BASE);
	check(faults == 2 && unshare == -EPERM,
	      "those faults are counted, and the host cannot take the page back (EPERM)",
	      "bootops_host_faults %lld, unshare %s", faults, res(unshare));
	destroy_vm_keep_memory(&v);
	for (k = 0; k < pages; k++)
		nonzero += user_access_faults(touched + k * 4096, false) ||
			   *(volatile uint64_t *)(touched + k * 4096) != 0;
	check(ran && !nonzero,
	      "after teardown (in slices) every private page is the host's again, zeroed",
	      "%llu of %llu pages unreadable or not zero", (unsigned long long)nonzero,
	      (unsigned long long)pages);
	vmm_destroy(&v);
}

/*
 * Hostile arguments through the real hypercalls: every one is refused with
 * its documented errno, and the VM's image stays where it was.
 */
static void test_hostile_share_args(void)
{
	static const struct {
		const char *what;
		int want;
		uint64_t vmid_add, vmid_set, ipa, pfn;	/* vmid_set: ~0 keeps the VM's handle */
	} c[] = {
		{ "handle 0 (the host)", -EINVAL, 0, 0, FREE_IPA, 0 },
		{ "handle 256", -EINVAL, 0, 256, FREE_IPA, 0 },
		{ "a handle past pKVM's table", -EINVAL, 0, 0x1000 + 255, FREE_IPA, 0 },
		{ "2^32 + the VM's handle", -EINVAL, 1ULL << 32, ~0ULL, FREE_IPA, 0 },
		{ "unaligned ipa", -EINVAL, 0, ~0ULL, FREE_IPA + 8, 0 },
		{ "ipa beyond the IPA space", -EINVAL, 0, ~0ULL, 1ULL << 52, 0 },
		{ "ipa 2^64 - 4K", -EINVAL, 0, ~0ULL, ~0xfffULL, 0 },
		{ "ipa of the image", -EPERM, 0, ~0ULL, LOAD_ADDR, 0 },
		{ "pfn beyond the PA space", -EINVAL, 0, ~0ULL, FREE_IPA, 1ULL << 40 },
		{ "pfn of the GIC (device)", -EPERM, 0, ~0ULL, FREE_IPA, VMM_GIC_DIST_BASE >> 12 },
	};
	long long vmid;
	unsigned int i, bad = 0;
	int img_unshare;
	struct vmm v;
	bool ran;

	ran = run_touch(&v, 1, 1);
	vmid = vmm_debugfs_read(&v, "bootops_handle");
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint64_t id = (c[i].vmid_set == ~0ULL ? (uint64_t)vmid : c[i].vmid_set) + c[i].vmid_add;
		/* pfn 0: the first RAM page, for cases refused before the page is looked at. */
		uint64_t pfn = c[i].pfn ? c[i].pfn : MEM_BASE_PFN;
		int ret = probe(&v, "hcall share %llx %llx %llx", (unsigned long long)id,
				(unsigned long long)c[i].ipa, (unsigned long long)pfn);

		if (ret != c[i].want) {
			diag("share with %s: %s, want %s", c[i].what, res(ret), res(c[i].want));
			bad++;
		}
	}
	img_unshare = probe(&v, "hcall unshare %llx %llx", (unsigned long long)vmid,
			    (unsigned long long)LOAD_ADDR);
	check(ran && vmid > 0 && !bad && img_unshare == -EPERM,
	      "hostile share/unshare arguments through the hypercalls: each refused as documented",
	      "%u of %zu cases wrong, unshare of the image %s", bad, sizeof(c) / sizeof(c[0]),
	      res(img_unshare));
	vmm_destroy(&v);
}

/*
 * One VM, one id: boot ops hold a VM by the handle pKVM reserved for it at
 * KVM_CREATE_VM.  A second registration under it is refused, before the
 * first run (EEXIST) and after it, once pKVM has initialised the VM (EBUSY),
 * and the VM still runs its verified image; the id is not the host's to
 * pick, so the handle with high bits set is no VM at all.  pKVM refuses to
 * tear the VM down while boot ops hold it (EBUSY): a new VM in its slot
 * would otherwise find the old one's boot-ops state.
 */
static void test_one_registration_per_vm(void)
{
	int before = 1, after = 1, high = 1, torn = 1, ret;
	long long handle = -1;
	struct vmm v;

	new_vm(&v, VMM_BOOTOPS);
	ret = put_declare(&v, &touch, LOAD_ADDR, touch.size, sig_touch);
	if (!ret) {
		handle = vmm_debugfs_read(&v, "bootops_handle");
		before = probe(&v, "hcall register %llx", handle);
		high = probe(&v, "hcall register %llx", handle | 1ULL << 32);
		ret = vmm_vcpu_init(&v, LOAD_ADDR);
	}
	if (!ret)
		ret = vmm_set_xreg(&v, 0, 1 | 1ULL << 32);
	if (!ret)
		ret = vmm_run(&v, RUN_TIMEOUT_MS);
	if (!ret) {
		after = probe(&v, "hcall register %llx", handle);
		torn = probe(&v, "hcall pkvm_teardown %llx", handle);
	}
	check(handle >= 0x1000 && before == -EEXIST && high == -EINVAL &&
	      ret == VMM_EXIT_SHUTDOWN && !strcmp(v.out, TOUCH_OK) && after == -EBUSY &&
	      torn == -EBUSY,
	      "a VM is registered at hyp once, under pKVM's handle: again before its run EEXIST, after it EBUSY; pKVM keeps it while boot ops hold it",
	      "handle %#llx: before the run %s, high bits %s, run %s, after %s, pKVM teardown %s",
	      handle, res(before), res(high), exit_name(ret), res(after), res(torn));
	vmm_destroy(&v);
}

/* Pages of another VM, of this VM's image, or of hyp never become guest memory. */
static void test_foreign_pages_refused(void)
{
	int other_img, own_img, hyp;
	struct vmm a, b;
	bool ran;

	ran = run_touch(&a, 1, 1);
	ran = run_touch(&b, 1, 1) && ran;
	other_img = probe(&b, "share %llx image %lld", FREE_IPA, vmm_debugfs_read(&a, "bootops_handle"));
	own_img = probe(&b, "share %llx image %lld", FREE_IPA, vmm_debugfs_read(&b, "bootops_handle"));
	hyp = probe(&b, "share %llx hyp", FREE_IPA);
	check(ran && other_img == -EPERM && own_img == -EPERM && hyp == -EPERM,
	      "another VM's, the VM's own image and hyp's pages cannot be shared in (EPERM)",
	      "other VM %s, own image %s, hyp %s", res(other_img), res(own_img), res(hyp));
	vmm_destroy(&b);
	vmm_destroy(&a);
}

/* An exact /proc/vmstat counter: per-CPU deltas are folded in first. */
static long long vmstat(const char *name)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	char line[128];
	long long val = -1;
	size_t len = strlen(name);
	FILE *f;

	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			diag("vm/stat_refresh: %s", strerror(errno));
		close(fd);
	}
	f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ' ')
			val = strtoll(line + len + 1, NULL, 10);
	if (f)
		fclose(f);
	return val;
}

/*
 * Page-table pages boot ops hold in their own pool at hyp (SMMU tables; a
 * VM's stage 2 takes the host's pages), read through a fresh VM.
 */
static long long hyp_tables(void)
{
	long long n;
	struct vmm v;

	new_vm(&v, true);
	n = vmm_debugfs_read(&v, "bootops_hyp_tables");
	vmm_destroy(&v);
	return n;
}

/*
 * 1000 create/load/run/destroy cycles of a verified VM that touches 16
 * pages leak nothing: every page KVM pinned (image and memory) is unpinned
 * again, and boot ops' own pool at hyp holds as many table pages as before.
 */
static void test_memory_cycles_leak_nothing(void)
{
	long long pin0 = vmstat("nr_foll_pin_acquired"), unpin0 = vmstat("nr_foll_pin_released");
	long long tables0 = hyp_tables(), tables, pinned, unpinned;
	long long free0 = vmstat("nr_free_pages");
	int i, failed = 0;
	struct vmm v;

	for (i = 0; i < 1000; i++) {
		failed += !run_touch(&v, 16, 1);
		vmm_destroy(&v);
		if (failed)
			break;
	}
	pinned = vmstat("nr_foll_pin_acquired") - pin0;
	unpinned = vmstat("nr_foll_pin_released") - unpin0;
	tables = hyp_tables();
	check(!failed && pin0 >= 0 && pinned >= 1000 * 17 && pinned == unpinned,
	      "1000 verified VM cycles: every pinned page is released, no cycle fails",
	      "%d cycles done, %d failed; %lld pins, %lld releases", i, failed, pinned, unpinned);
	check(tables0 >= 0 && tables == tables0,
	      "1000 verified VM cycles: boot ops' own table pool holds as many pages as before",
	      "%lld table pages before, %lld after", tables0, tables);
	/* Free pages move with the page cache and slabs: printed, not asserted. */
	diag("nr_free_pages %lld before, %lld after 1000 cycles", free0, vmstat("nr_free_pages"));
}

/* --- verification in slices (hello.big.bin: 24 MiB) ----------------------- */

#define BIG_MEM		(32ULL << 20)

static volatile sig_atomic_t ticks;
static timer_t tick_timer;
static bool tick_timer_made;

static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

/*
 * SIGUSR1 every us microseconds of wall-clock time (0: off), no
 * SA_RESTART.  A POSIX timer on CLOCK_MONOTONIC is an hrtimer: its signal
 * is raised from the interrupt, so it is pending while the task is still
 * in KVM_RUN (CPU-time timers are checked only on the way back to user).
 */
static void tick_every(long us)
{
	struct itimerspec it = { .it_interval = { 0, us * 1000 }, .it_value = { 0, us * 1000 } };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tick;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	if (!tick_timer_made && timer_create(CLOCK_MONOTONIC, &sev, &tick_timer)) {
		diag("timer_create: %s", strerror(errno));
		return;
	}
	tick_timer_made = true;
	timer_settime(tick_timer, 0, &it, NULL);
}

static bool new_big_vm(struct vmm *v)
{
	int ret = vmm_create(v, kvm, VMM_BOOTOPS, MEM_BASE, BIG_MEM);

	if (ret) {
		diag("32 MiB VM: %s", res(ret));
		return false;
	}
	ret = put_declare(v, &big, LOAD_ADDR, big.size, sig_big);
	if (!ret)
		ret = vmm_vcpu_init(v, LOAD_ADDR);
	if (ret)
		diag("24 MiB image: %s", res(ret));
	return !ret;
}

/*
 * A signal every 2 ms ends KVM_RUN with EINTR over and over while hyp
 * verifies 24 MiB; the guest still boots.  Were the verification to start
 * again at each KVM_RUN, it would never finish.
 */
static void test_verification_interrupted_and_resumed(void)
{
	struct vmm v;
	int ret = -1;

	if (new_big_vm(&v)) {
		tick_every(2000);
		ret = vmm_run(&v, 120000);
		tick_every(0);
	}
	check(ran_ok(&v, ret) && v.eintr_before_run > 1,
	      "a verification interrupted by signals goes on at the next KVM_RUN and completes",
	      "run: %s, %u KVM_RUNs ended with EINTR before the guest's first exit",
	      exit_name(ret), v.eintr_before_run);
	diag("24 MiB image: %u interrupted KVM_RUNs, %d signals, longest verification hypercall %lld us",
	     v.eintr_before_run, (int)ticks, vmm_debugfs_read(&v, "bootops_longest_call_ns") / 1000);
	vmm_destroy(&v);
}

/* Teardown in the middle of a verification gives every page back. */
static void test_teardown_mid_verification(void)
{
	uint8_t *img;
	bool faults = false;
	struct vmm v;
	size_t off;
	int ret = 0;

	if (!new_big_vm(&v)) {
		check(0, "teardown in the middle of a verification", "set-up failed");
		vmm_destroy(&v);
		return;
	}
	img = v.mem + (LOAD_ADDR - MEM_BASE);
	tick_every(1000);
	ret = vmm_run_once(&v);
	tick_every(0);
	check(ret == -EINTR && v.runs == 0, "a signal stops the first KVM_RUN of a 24 MiB image",
	      "KVM_RUN: %s", res(ret));
	destroy_vm_keep_memory(&v);
	for (off = 0; off < big.size && !faults; off += 4096)
		faults = user_access_faults(img + off, false);
	check(!faults && img[0] == 0,
	      "teardown mid-verification: every image page is the host's again, the taken ones zeroed",
	      "%s at offset %zu, first byte %#x", faults ? "fault" : "no fault", off, img[0]);
	vmm_destroy(&v);
}

/*
 * Hyp hashes with the SHA-256 instructions in the host's SIMD registers:
 * they must come back unchanged.  fp_kvm_run() loads v0-v31, makes the
 * KVM_RUN system call (the first: it verifies 24 MiB) and stores v0-v31.
 */
long fp_kvm_run(int fd, const uint8_t in[32][16], uint8_t out[32][16]);
__asm__(
"	.text\n"
"	.globl	fp_kvm_run\n"
"	.type	fp_kvm_run, %function\n"
"fp_kvm_run:\n"
"	stp	d8, d9, [sp, #-64]!\n"
"	stp	d10, d11, [sp, #16]\n"
"	stp	d12, d13, [sp, #32]\n"
"	stp	d14, d15, [sp, #48]\n"
"	mov	x9, x2\n"
"	ld1	{v0.16b-v3.16b}, [x1], #64\n"
"	ld1	{v4.16b-v7.16b}, [x1], #64\n"
"	ld1	{v8.16b-v11.16b}, [x1], #64\n"
"	ld1	{v12.16b-v15.16b}, [x1], #64\n"
"	ld1	{v16.16b-v19.16b}, [x1], #64\n"
"	ld1	{v20.16b-v23.16b}, [x1], #64\n"
"	ld1	{v24.16b-v27.16b}, [x1], #64\n"
"	ld1	{v28.16b-v31.16b}, [x1], #64\n"
"	mov	x1, #0xae80\n"			/* KVM_RUN */
"	mov	x2, #0\n"
"	mov	x8, #29\n"			/* __NR_ioctl */
"	svc	#0\n"
"	st1	{v0.16b-v3.16b}, [x9], #64\n"
"	st1	{v4.16b-v7.16b}, [x9], #64\n"
"	st1	{v8.16b-v11.16b}, [x9], #64\n"
"	st1	{v12.16b-v15.16b}, [x9], #64\n"
"	st1	{v16.16b-v19.16b}, [x9], #64\n"
"	st1	{v20.16b-v23.16b}, [x9], #64\n"
"	st1	{v24.16b-v27.16b}, [x9], #64\n"
"	st1	{v28.16b-v31.16b}, [x9], #64\n"
"	ldp	d10, d11, [sp, #16]\n"
"	ldp	d12, d13, [sp, #32]\n"
"	ldp	d14, d15, [sp, #48]\n"
"	ldp	d8, d9, [sp], #64\n"
"	ret\n"
"	.size	fp_kvm_run, . - fp_kvm_run\n");

static void test_host_simd_survives_verification(void)
{
	uint8_t in[32][16], out[32][16];
	struct vmm v;
	long ret = -1;
	int i, j, bad = -1;

	for (i = 0; i < 32; i++)
		for (j = 0; j < 16; j++)
			in[i][j] = (uint8_t)(0x5a ^ (i * 16 + j) * 7);
	memset(out, 0, sizeof(out));
	if (new_big_vm(&v))
		ret = fp_kvm_run(v.vcpu, (const uint8_t (*)[16])in, out);
	for (i = 31; i >= 0; i--)
		if (memcmp(in[i], out[i], 16))
			bad = i;
	check(ret == 0 && bad < 0,
	      "the host's v0-v31 survive a KVM_RUN that verifies 24 MiB at EL2",
	      "KVM_RUN returned %ld, first changed register v%d", ret, bad);
	vmm_destroy(&v);
}

/* What a VMM asks before it creates a VM that requires verified images. */
static void test_capability(void)
{
	int ret = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_BOOTOPS);

	check(ret == (KVM_VM_TYPE_ARM_BOOTOPS | KVM_VM_TYPE_ARM_BOOTOPS_PRIVATE_MEM),
	      "KVM_CAP_ARM_BOOTOPS: both VM type flags", "KVM_CHECK_EXTENSION: %#x", ret);
}

/* The value of key=N on the kernel command line, or -1. */
static int cmdline_int(const char *key)
{
	char buf[4096] = "", *p;
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	p = strstr(buf, key);
	return p ? atoi(p + strlen(key)) : -1;
}

/*
 * Hyp's init checks whether TLBI VAE2IS removes its own translations and
 * says so in the kernel log; the e2e script knows which QEMU and CPU model
 * it runs (bootops.tlbi_quirk=1 for QEMU < 8.1 with hVHE, whose TLBI
 * VAE2IS misses the EL2&0 regime).  Only there may hyp flush all of EL2.
 */
static void test_hyp_tlbi_probe(void)
{
	int want = cmdline_int("bootops.tlbi_quirk="), len = klogctl(10, NULL, 0), ret;
	char *log = len > 0 ? calloc(1, len + 1) : NULL;
	bool quirk, clean;

	ret = log ? klogctl(3, log, len) : -1;
	quirk = ret > 0 && strstr(log, "TLBI VAE2IS left a hyp translation behind");
	clean = ret > 0 && strstr(log, "TLBI VAE2IS removes hyp translations");
	check(want >= 0 && quirk + clean == 1 && quirk == (want == 1),
	      "hyp's TLBI probe finds what this QEMU and CPU model do",
	      "expected %s, log says %s", want < 0 ? "?" : want ? "the quirk" : "none",
	      quirk ? "quirk" : clean ? "none" : "nothing");
	free(log);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		dir = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");

	load_blob(&hello);
	load_blob(&tampered);
	load_blob(&padded);
	load_sig("hello.sig", sig_good);
	load_blob(&touch);
	load_sig("touch.sig", sig_touch);
	load_blob(&regs_guest);
	load_sig("regs.sig", sig_regs);
	load_blob(&smp_guest);
	load_sig("smp.sig", sig_smp);
	load_blob_max(&big, BIG_MEM);
	load_sig("hello.big.sig", sig_big);
	load_sig("hello.other-key.sig", sig_other_key);
	load_sig("hello.other-addr.sig", sig_other_addr);
	load_sig("hello.other-size.sig", sig_other_size);
	if (hello.size < 2 || tampered.size != hello.size || padded.size != hello.size + 1) {
		printf("Bail out! fixtures in %s do not match each other\n", dir);
		return 1;
	}
	diag("fixtures from %s: hello.bin %zu bytes, load 0x%llx, other address 0x%llx",
	     dir, hello.size, LOAD_ADDR, OTHER_ADDR);

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("Bail out! /dev/kvm: %s\n", strerror(errno));
		return 1;
	}

	test_sig_file_size();
	test_capability();
	test_hyp_tlbi_probe();
	test_plain_vm_runs();
	test_good_image();
	test_host_loses_image();
	test_two_good_images();
	test_padded_image();
	test_rejections();
	test_one_bad_among_good();
	test_first_pc_outside_images();
	test_plain_vcpu_is_the_hosts();
	test_verified_vcpu_is_hyps();
	test_psci_is_hyps();
	test_sve_vcpu_refused();
	test_no_image();
	test_no_image_past_kvm();
	test_declare_after_run();
	test_bad_ranges();
	test_overlap();
	test_sixth_image();
	test_plain_vm_declare();
	test_flags_reserved();
	test_guest_memory_shared();
	test_host_cannot_remap_image();
	test_foreign_pages_refused();
	test_hostile_share_args();
	test_one_registration_per_vm();
	test_private_memory();
	test_memory_cycles_leak_nothing();
	test_verification_interrupted_and_resumed();
	test_teardown_mid_verification();
	test_host_simd_survives_verification();

	close(kvm);
	printf("1..%d\n", tests_run);
	printf("# bootops_images: %d/%d passed\n", tests_run - tests_failed, tests_run);
	return tests_failed ? 1 : 0;
}
