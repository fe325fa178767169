// SPDX-License-Identifier: GPL-2.0-only
/*
 * bootops_test - KVM with boot ops in protected mode: every VM and vCPU is
 * registered with hyp, a VM runs only once verified, and teardown returns
 * everything.
 *
 *  - a VM runs guest code to completion and is destroyed;
 *  - 1000 create/run/destroy cycles leak no handle (all MAX_VMS can still be
 *    created at once afterwards) and no memory;
 *  - pKVM reserves a handle per VM at KVM_CREATE_VM, boot ops hold the VM
 *    by it: MAX_VMS of them, and one more VM is refused with ENOMEM (pKVM's
 *    errno for a full VM table);
 *  - no vCPU can be added once the VM has run (hyp verified it);
 *  - a vCPU is marked inactive at every exit, so it can be entered again
 *    from any CPU;
 *  - hostile hypercalls from EL1 (debugfs self-test) all get their errno.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "ucall_common.h"

#define BOOTOPS_MAX_VMS	255
#define CYCLES		1000

static void guest_code(void)
{
	GUEST_SYNC(1);
	GUEST_DONE();
}

static void run_to_done(struct kvm_vcpu *vcpu)
{
	struct ucall uc;

	vcpu_run(vcpu);
	TEST_ASSERT_EQ(get_ucall(vcpu, &uc), UCALL_SYNC);
	vcpu_run(vcpu);
	TEST_ASSERT_EQ(get_ucall(vcpu, &uc), UCALL_DONE);
}

static void test_run_and_destroy(void)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_code);

	run_to_done(vcpu);
	kvm_vm_free(vm);
	ksft_test_result_pass("VM runs guest code to completion and is destroyed\n");
}

static long mem_free_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	TEST_ASSERT(f, "open /proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Creates VMs until KVM_CREATE_VM fails; returns how many, frees them. */
static int create_all_vms(int *err)
{
	static int fds[BOOTOPS_MAX_VMS + 2];
	int kvm = open_kvm_dev_path_or_exit(), n;

	for (n = 0; n < BOOTOPS_MAX_VMS + 2; n++) {
		fds[n] = ioctl(kvm, KVM_CREATE_VM, 0);
		if (fds[n] < 0) {
			*err = errno;
			break;
		}
	}
	for (int i = 0; i < n; i++)
		close(fds[i]);
	close(kvm);
	return n;
}

static void test_vmid_limit(void)
{
	int err = 0, n = create_all_vms(&err);

	TEST_ASSERT(n == BOOTOPS_MAX_VMS && err == ENOMEM,
		    "created %d VMs, then errno %d; want %d, then ENOMEM",
		    n, err, BOOTOPS_MAX_VMS);
	ksft_test_result_pass("hyp reserves %d VM handles, then ENOMEM\n", n);
}

static void create_run_destroy(int n)
{
	for (int i = 0; i < n; i++) {
		struct kvm_vcpu *vcpu;
		struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_code);

		if (i % 10 == 0)
			run_to_done(vcpu);
		kvm_vm_free(vm);
	}
	/* VM fds are released asynchronously; let that settle. */
	sleep(1);
}

/*
 * A leaked handle shows as a VM that cannot be created afterwards.  MemFree
 * is printed, not asserted: under QEMU it moved by 1 to 8 MB over the same
 * 1000 cycles from one boot to the next (slab, RCU, per-CPU lists), too
 * noisy to tell a page from nothing.  Pages hyp takes are checked page by
 * page by the hypercall self-test instead.
 */
static void test_cycles(void)
{
	long warm, after;
	int err = 0;

	create_run_destroy(200);
	warm = mem_free_kb();
	create_run_destroy(CYCLES);
	after = mem_free_kb();
	TEST_ASSERT(create_all_vms(&err) == BOOTOPS_MAX_VMS,
		    "a handle leaked over %d cycles", CYCLES);
	ksft_test_result_pass("%d create/destroy cycles: no handle leaked (MemFree %+ld kB)\n",
			      CYCLES, after - warm);
}

static void test_no_vcpu_after_verification(void)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	int ret;

	run_to_done(vcpu);
	ret = __vm_ioctl(vm, KVM_CREATE_VCPU, (void *)1UL);
	TEST_ASSERT(ret < 0 && errno == EBUSY,
		    "KVM_CREATE_VCPU after the first run: %d (errno %d), want EBUSY", ret, errno);
	kvm_vm_free(vm);
	ksft_test_result_pass("no vCPU can be added to a verified VM\n");
}

static void guest_spin(void)
{
	for (;;)
		GUEST_SYNC(0);
}

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	TEST_ASSERT(!sched_setaffinity(0, sizeof(set), &set), "pin to CPU %d", cpu);
}

/*
 * Hyp marks the vCPU active on entry and inactive on exit: were an exit
 * missed, the next entry, from either CPU, would be refused as -EBUSY.
 */
static void test_vcpu_moves_between_cpus(void)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN), i;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_spin);
	struct ucall uc;

	for (i = 0; i < 200; i++) {
		pin_to_cpu(i % ncpus);
		vcpu_run(vcpu);
		TEST_ASSERT_EQ(get_ucall(vcpu, &uc), UCALL_SYNC);
	}
	kvm_vm_free(vm);
	ksft_test_result_pass("one vCPU entered 200 times across %d CPUs\n", ncpus);
}

static void test_hypercall_selftest(void)
{
	char buf[256];
	int ok = 0, bad = 0;
	FILE *f = fopen("/sys/kernel/debug/kvm-bootops/selftest", "r");

	if (!f) {
		ksft_test_result_skip("no /sys/kernel/debug/kvm-bootops/selftest\n");
		return;
	}
	while (fgets(buf, sizeof(buf), f)) {
		printf("# hyp: %s", buf);
		ok += !strncmp(buf, "ok ", 3);
		bad += !strncmp(buf, "not ok", 6);
	}
	fclose(f);
	TEST_ASSERT(ok > 0 && bad == 0, "hypercall self-test: %d ok, %d not ok", ok, bad);
	ksft_test_result_pass("hostile hypercalls from EL1: %d refused as documented\n", ok);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(6);
	test_run_and_destroy();
	test_vmid_limit();
	test_cycles();
	test_no_vcpu_after_verification();
	test_vcpu_moves_between_cpus();
	test_hypercall_selftest();
	ksft_finished();
}
