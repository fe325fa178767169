// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_smoke: the smallest useful end-to-end KVM check on arm64.
 *
 * Creates a VM with one vCPU (PSCI 0.2), one memslot holding a 3-instruction
 * guest that calls PSCI SYSTEM_OFF via HVC, runs it and expects a
 * KVM_EXIT_SYSTEM_EVENT / KVM_SYSTEM_EVENT_SHUTDOWN exit.  Prints TAP;
 * exits 0 only if every step passed.
 *
 *   kvm_smoke [ITERATIONS]     (default 1: create/run/destroy that many VMs)
 *   kvm_smoke --bench N        time N create/run/destroy cycles, print the
 *                              mean and median latency (a benchmark: the
 *                              steps are still checked, failures still fail)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/psci.h>

#define GUEST_PHYS	0x10000000ULL	/* where the memslot sits in the IPA space */
#define GUEST_SIZE	0x10000ULL	/* 64 KiB: a multiple of any page size */

/*
 * movz x0, #0x0008
 * movk x0, #0x8400, lsl #16     -> x0 = PSCI_0_2_FN_SYSTEM_OFF (0x84000008)
 * hvc  #0
 * b    .                        (never reached)
 */
_Static_assert(PSCI_0_2_FN_SYSTEM_OFF == 0x84000008U, "PSCI SYSTEM_OFF id");
static const uint32_t guest_code[] = {
	0xd2800100,
	0xf2b08000,
	0xd4000002,
	0x14000000,
};

static int tests_run, tests_failed, quiet;

/* One TAP test point; "detail" is printed as a TAP directive-free comment. */
static void check(int ok, const char *what, const char *detail)
{
	tests_run++;
	if (!ok)
		tests_failed++;
	if (quiet && ok)
		return;
	printf("%sok %d - %s%s%s\n", ok ? "" : "not ", tests_run, what,
	       detail && *detail ? " # " : "", detail ? detail : "");
	fflush(stdout);
}

#define CORE_REG(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
		     KVM_REG_ARM_CORE_REG(x))

static int get_reg(int vcpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu, KVM_GET_ONE_REG, &reg);
}

static int set_reg(int vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(vcpu, KVM_SET_ONE_REG, &reg);
}

/* Record one step of VM number "iter"; leave the VM on failure. */
#define STEP(cond, label, ...) do {					\
		int ok_ = (cond);					\
		char name_[96], detail_[160];				\
		snprintf(name_, sizeof(name_), "vm%d: %s", iter, label);\
		snprintf(detail_, sizeof(detail_), __VA_ARGS__);	\
		check(ok_, name_, detail_);				\
		if (!ok_)						\
			goto out;					\
	} while (0)

#define ERR(ret) ((ret) < 0 ? strerror(errno) : "ok")

static double now_us(void);

/* Where a life cycle spends its time (bench): create, vCPU, first run, destroy. */
enum { PH_CREATE, PH_VCPU, PH_RUN, PH_DESTROY, NR_PHASES };
static const char *const phase_name[NR_PHASES] = { "create", "vcpu", "run", "destroy" };
static double phase_us[NR_PHASES];
static double phase_t0;

static void phase_done(int ph)
{
	double t = now_us();

	phase_us[ph] += t - phase_t0;
	phase_t0 = t;
}

/* One VM life cycle.  Returns 0 on success; every step is a TAP line. */
static int one_vm(int kvm, int iter)
{
	struct kvm_vcpu_init init;
	struct kvm_userspace_memory_region region;
	struct kvm_run *run = MAP_FAILED;
	int vm = -1, vcpu = -1, ret, mmap_size = 0, failed_before = tests_failed;
	void *mem = MAP_FAILED;
	uint64_t val = 0;

	phase_t0 = now_us();
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	STEP(vm >= 0, "KVM_CREATE_VM", "%s", ERR(vm));

	mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	STEP(mem != MAP_FAILED, "mmap guest memory", "%s",
	     mem == MAP_FAILED ? strerror(errno) : "ok");
	memcpy(mem, guest_code, sizeof(guest_code));

	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = GUEST_PHYS,
		.memory_size = GUEST_SIZE,
		.userspace_addr = (uintptr_t)mem,
	};
	ret = ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region);
	STEP(ret == 0, "KVM_SET_USER_MEMORY_REGION", "%s", ERR(ret));
	phase_done(PH_CREATE);

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	STEP(vcpu >= 0, "KVM_CREATE_VCPU", "%s", ERR(vcpu));

	memset(&init, 0, sizeof(init));
	ret = ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init);
	STEP(ret == 0, "KVM_ARM_PREFERRED_TARGET", "%s, target %u", ERR(ret),
	     init.target);

	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	ret = ioctl(vcpu, KVM_ARM_VCPU_INIT, &init);
	STEP(ret == 0, "KVM_ARM_VCPU_INIT (PSCI 0.2)", "%s", ERR(ret));

	ret = set_reg(vcpu, CORE_REG(regs.pc), GUEST_PHYS);
	STEP(ret == 0, "KVM_SET_ONE_REG pc", "%s, pc=0x%llx", ERR(ret),
	     (unsigned long long)GUEST_PHYS);

	mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	STEP(mmap_size >= (int)sizeof(*run), "KVM_GET_VCPU_MMAP_SIZE", "%d",
	     mmap_size);
	run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	STEP(run != MAP_FAILED, "mmap kvm_run", "%s",
	     run == MAP_FAILED ? strerror(errno) : "ok");
	phase_done(PH_VCPU);

	ret = ioctl(vcpu, KVM_RUN, 0);
	phase_done(PH_RUN);
	STEP(ret == 0, "KVM_RUN", "%s, exit_reason %u", ERR(ret),
	     run->exit_reason);

	if (run->exit_reason != KVM_EXIT_SYSTEM_EVENT) {
		get_reg(vcpu, CORE_REG(regs.pc), &val);
		printf("# unexpected exit reason %u, guest pc=0x%llx\n",
		       run->exit_reason, (unsigned long long)val);
		if (run->exit_reason == KVM_EXIT_MMIO)
			printf("# mmio at 0x%llx len %u write %u\n",
			       (unsigned long long)run->mmio.phys_addr,
			       run->mmio.len, run->mmio.is_write);
	}
	STEP(run->exit_reason == KVM_EXIT_SYSTEM_EVENT,
	     "exit is KVM_EXIT_SYSTEM_EVENT", "exit_reason %u", run->exit_reason);
	STEP(run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN,
	     "system event is SHUTDOWN (PSCI SYSTEM_OFF)", "type %u",
	     run->system_event.type);

	/* The HVC was handled: PC is past it, x0 holds KVM's PSCI reply. */
	ret = get_reg(vcpu, CORE_REG(regs.pc), &val);
	STEP(ret == 0 && val == GUEST_PHYS + 12, "guest pc after the hvc",
	     "pc=0x%llx", (unsigned long long)val);
	ret = get_reg(vcpu, CORE_REG(regs.regs[0]), &val);
	/* KVM's reply, should userspace resume the vCPU after SYSTEM_OFF. */
	STEP(ret == 0 && val == (uint64_t)(int64_t)PSCI_RET_INTERNAL_FAILURE,
	     "guest x0 == PSCI_RET_INTERNAL_FAILURE", "x0=0x%llx",
	     (unsigned long long)val);
out:
	if (run != MAP_FAILED)
		munmap(run, mmap_size);
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	if (mem != MAP_FAILED)
		munmap(mem, GUEST_SIZE);
	phase_done(PH_DESTROY);
	return tests_failed != failed_before;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* VM create + vCPU create + first guest instruction + destroy, n times. */
static int bench(int n)
{
	double *t = calloc(n, sizeof(*t)), sum = 0;
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), fails = 0;

	if (kvm < 0 || !t)
		return 1;
	quiet = 1;
	one_vm(kvm, -1);	/* warm-up */
	memset(phase_us, 0, sizeof(phase_us));
	for (int i = 0; i < n; i++) {
		double start = now_us();

		fails += one_vm(kvm, i);
		t[i] = now_us() - start;
		sum += t[i];
	}
	qsort(t, n, sizeof(*t), cmp_double);
	printf("bench: vm lifecycle: %d cycles, mean %.0f us, median %.0f us, %d failed\n",
	       n, sum / n, t[n / 2], fails);
	printf("bench: vm lifecycle phases (mean us):");
	for (int ph = 0; ph < NR_PHASES; ph++)
		printf(" %s %.0f", phase_name[ph], phase_us[ph] / n);
	printf("\n");
	close(kvm);
	free(t);
	return fails || tests_failed;
}

int main(int argc, char **argv)
{
	int iterations;

	if (argc > 2 && !strcmp(argv[1], "--bench"))
		return bench(atoi(argv[2]) > 0 ? atoi(argv[2]) : 100);
	iterations = argc > 1 ? atoi(argv[1]) : 1;
	int kvm, ret, fails = 0;
	char detail[64];

	if (iterations < 1)
		iterations = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	check(kvm >= 0, "open /dev/kvm", kvm < 0 ? strerror(errno) : "");
	if (kvm < 0)
		goto done;

	ret = ioctl(kvm, KVM_GET_API_VERSION, 0);
	snprintf(detail, sizeof(detail), "%d", ret);
	check(ret == KVM_API_VERSION, "KVM_GET_API_VERSION == 12", detail);
	if (ret != KVM_API_VERSION)
		goto done;

	ret = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PSCI_0_2);
	snprintf(detail, sizeof(detail), "%d", ret);
	check(ret > 0, "KVM_CAP_ARM_PSCI_0_2", detail);

	for (int i = 0; i < iterations; i++)
		fails += one_vm(kvm, i);
	close(kvm);
done:
	printf("1..%d\n", tests_run);
	printf("# kvm_smoke: %d/%d steps passed, %d VM iteration(s) failed\n",
	       tests_run - tests_failed, tests_run, fails);
	return tests_failed ? 1 : 0;
}
