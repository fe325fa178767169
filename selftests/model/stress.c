// SPDX-License-Identifier: GPL-2.0-only
/*
 * Real-threads stress of the vCPU and VM life cycle.
 *
 * Worker threads, each its own simulated CPU (sim_set_cpu is thread-local),
 * race set_vcpu_active or vcpu_enter (the run path), set_vcpu_inactive and
 * vcpu_take_reset on the vCPUs of a few verified VMs; a manager thread on
 * one more CPU tears VMs down and rebuilds them.  Every worker that activates a vCPU claims it in an
 * atomic owner word, and releases it just before it deactivates the vCPU,
 * so while hyp says ACTIVE at most that one worker may hold it:
 *   - a successful activation finding the vCPU already claimed means the
 *     vCPU is active on two CPUs at once;
 *   - set_vcpu_inactive succeeding for a vCPU the calling CPU does not run
 *     would let it run twice;
 *   - the owner's own set_vcpu_inactive must succeed;
 *   - teardown_vm succeeding while a vCPU of the VM is claimed tore down a
 *     running VM.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <bootops/bootops.h>
#include <bootops/state.h>

#include "refine.h"
#include "sim.h"

#define S_VMS		3
#define S_VCPUS		4
#define S_MAX_THREADS	16
#define S_KVM		0x1000ULL	/* every VM's kvm handle */

static int stop;
static int owner[S_VMS][S_VCPUS];	/* -1, or the worker running it */
static u64 vmid_of[S_VMS];
static int violations;
static char first_violation[256];
static u64 n_active, n_teardown, n_ops;

static void violation(const char *fmt, ...)
{
	va_list ap;

	if (__atomic_fetch_add(&violations, 1, __ATOMIC_SEQ_CST))
		return;
	va_start(ap, fmt);
	vsnprintf(first_violation, sizeof(first_violation), fmt, ap);
	va_end(ap);
}

static u64 next(u64 *s)
{
	u64 x = (*s += 0x9e3779b97f4a7c15ULL);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

struct worker {
	pthread_t thread;
	int id;
	u64 rng;
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	u64 ops = 0, act = 0;

	sim_set_cpu((u32)w->id);
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		u64 r = next(&w->rng);
		u32 s = (u32)(r % S_VMS), c = (u32)((r >> 8) % S_VCPUS), k;
		u64 v = __atomic_load_n(&vmid_of[s], __ATOMIC_ACQUIRE);
		int ret, expect = -1;

		ops++;
		if ((r >> 16) % 10 < 6) {
			/* The host's hypercall, or hyp's own run path. */
			bool run = (r >> 40) & 1;

			ret = run ? bootops_vcpu_enter(v, c, S_KVM) : bootops_set_vcpu_active(v, c);
			if (ret) {
				if (ret != -EBUSY && ret != -EPERM && ret != -ENOENT)
					violation("%s(%llu, %u) on cpu%d returned %d",
						  run ? "vcpu_enter" : "set_vcpu_active",
						  (unsigned long long)v, c, w->id, ret);
				continue;
			}
			act++;
			if (!__atomic_compare_exchange_n(&owner[s][c], &expect, w->id, false,
							 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
				violation("vm %llu vcpu %u made active on cpu%d while active on cpu%d",
					  (unsigned long long)v, c, w->id, expect);
				continue;
			}
			for (k = 0; k < (r >> 24) % 4; k++)
				bootops_vcpu_take_reset(v, c);
			__atomic_store_n(&owner[s][c], -1, __ATOMIC_SEQ_CST);
			ret = bootops_set_vcpu_inactive(v, c);
			if (ret)
				violation("set_vcpu_inactive(%llu, %u) by the cpu running it (cpu%d) returned %d",
					  (unsigned long long)v, c, w->id, ret);
		} else if ((r >> 16) % 10 < 9) {
			/* This CPU runs no vCPU outside the block above. */
			ret = bootops_set_vcpu_inactive(v, c);
			if (!ret)
				violation("set_vcpu_inactive(%llu, %u) succeeded on cpu%d, which does not run it",
					  (unsigned long long)v, c, w->id);
		} else {
			ret = bootops_vcpu_take_reset(v, c);
			if (ret < -ENOENT || ret > 1)
				violation("vcpu_take_reset(%llu, %u) returned %d", (unsigned long long)v, c, ret);
		}
	}
	__atomic_fetch_add(&n_ops, ops, __ATOMIC_RELAXED);
	__atomic_fetch_add(&n_active, act, __ATOMIC_RELAXED);
	return NULL;
}

/* Registers a VM with S_VCPUS vCPUs and no image, and verifies it. */
static u64 build_vm(void)
{
	int vmid = bootops_register_kvm(S_KVM, sim_vm_memory()), c;

	if (vmid <= 0) {
		violation("register_kvm returned %d", vmid);
		return 0;
	}
	for (c = 0; c < S_VCPUS; c++)
		if (bootops_register_vcpu((u64)vmid, (u64)c, 0x2000 + (u64)c))
			violation("register_vcpu(%d, %d) failed", vmid, c);
	if (bootops_verify_and_load_images((u64)vmid))
		violation("verify_and_load_images(%d) of a VM without images failed", vmid);
	return (u64)vmid;
}

struct manager {
	pthread_t thread;
	u32 cpu;
	u64 rng;
};

static void *manager(void *arg)
{
	struct manager *mg = arg;
	u64 teardowns = 0;

	sim_set_cpu(mg->cpu);
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		u64 r = next(&mg->rng);
		u32 s = (u32)(r % S_VMS), c;
		u64 v = vmid_of[s];
		int ret = bootops_teardown_vm(v);
		struct timespec ts = { 0, 200000 };

		if (ret == -EBUSY) {
			nanosleep(&ts, NULL);
			continue;
		}
		if (ret) {
			violation("teardown_vm(%llu) returned %d", (unsigned long long)v, ret);
			continue;
		}
		teardowns++;
		for (c = 0; c < S_VCPUS; c++) {
			int o = __atomic_load_n(&owner[s][c], __ATOMIC_SEQ_CST);

			if (o != -1)
				violation("vm %llu torn down while vcpu %u runs on cpu%d",
					  (unsigned long long)v, c, o);
		}
		__atomic_store_n(&vmid_of[s], build_vm(), __ATOMIC_RELEASE);
		nanosleep(&ts, NULL);
	}
	n_teardown = teardowns;
	return NULL;
}

int stress_run(unsigned int threads, double seconds, u64 seed)
{
	struct worker w[S_MAX_THREADS];
	struct manager mg;
	struct timespec t = { (time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9) };
	unsigned int i;
	u32 s, c;

	if (threads > S_MAX_THREADS)
		threads = S_MAX_THREADS;
	sim_reset();
	for (s = 0; s < S_VMS; s++) {
		vmid_of[s] = build_vm();
		for (c = 0; c < S_VCPUS; c++)
			owner[s][c] = -1;
	}
	stop = 0;
	for (i = 0; i < threads; i++) {
		w[i].id = (int)i;
		w[i].rng = seed * 1000003 + i;
		pthread_create(&w[i].thread, NULL, worker, &w[i]);
	}
	mg.cpu = threads;
	mg.rng = seed ^ 0xabcdef;
	pthread_create(&mg.thread, NULL, manager, &mg);
	nanosleep(&t, NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < threads; i++)
		pthread_join(w[i].thread, NULL);
	pthread_join(mg.thread, NULL);

	for (s = 0; s < S_VMS; s++)
		for (c = 0; c < S_VCPUS; c++)
			if (owner[s][c] != -1 ||
			    (bootops_vm(vmid_of[s]) &&
			     bootops_vm(vmid_of[s])->vcpu[c].state == BOOTOPS_VCPU_ACTIVE))
				violation("vm %llu vcpu %u still active after the run",
					  (unsigned long long)vmid_of[s], c);
	printf("stress: %u threads + manager, %.1f s: %llu calls, %llu activations, %llu teardowns\n",
	       threads, seconds, (unsigned long long)n_ops, (unsigned long long)n_active,
	       (unsigned long long)n_teardown);
	if (violations)
		printf("stress: %d violations, first: %s\n", violations, first_violation);
	printf("stress: %d passed, %d failed\n", !violations, !!violations);
	return violations ? 1 : 0;
}
