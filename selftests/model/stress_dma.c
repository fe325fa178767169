// SPDX-License-Identifier: GPL-2.0-only
/*
 * Real-threads test of hyp's SMMU driver: one CPU churns a host bank's
 * stream (alloc, map, DMA through it, clear), another gives host pages to
 * a VM and takes them back (each an ownership change the host's view
 * follows), a third drains the event queue.  The driver's one command
 * queue serves them all: a command lost to a race is a stale translation,
 * which the DMA checks see (and ThreadSanitizer the race itself).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

#include <bootops/bootops.h>
#include <bootops/smmuv3.h>

#include "refine.h"
#include "sim.h"

#define D_BANK		5
#define D_IOVA		0x1000ULL
#define D_RW		BOOTOPS_SMMU_ATTRS_RW
#define PG		BOOTOPS_PAGE_SIZE

struct dma_worker {
	pthread_t thread;
	u32 cpu;
	u64 rounds, bad;
	int *stop;
};

static bool dma_reaches(u32 sid, u64 iova, u64 pfn)
{
	u64 pa = 0;

	return !sim_smmu_dma(sid, iova, true, &pa) && pa == pfn * PG;
}

/* The host's bank: every mapping in force, and gone, when its call returns. */
static void *bank_churn(void *arg)
{
	struct dma_worker *w = arg;
	u64 i;

	sim_set_cpu(w->cpu);
	for (i = 0; i < w->rounds; i++) {
		u64 pfn = SIM_RAM_PFN + 40 + i % 8;

		if (bootops_alloc_smmu(0, D_BANK, 0) ||
		    bootops_map_smmu(0, D_BANK, 0, D_IOVA, pfn * PG | D_RW))
			w->bad++;
		if (!dma_reaches(D_BANK, D_IOVA, pfn))
			w->bad++;
		if (bootops_clear_smmu(0, D_BANK, 0, D_IOVA) || dma_reaches(D_BANK, D_IOVA, pfn))
			w->bad++;
	}
	__atomic_store_n(w->stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* A VM takes a host page (assign_smmu) and gives it back at teardown. */
static void *owner_churn(void *arg)
{
	struct dma_worker *w = arg;
	u64 i;

	sim_set_cpu(w->cpu);
	for (i = 0; !__atomic_load_n(w->stop, __ATOMIC_ACQUIRE); i++) {
		u64 pfn = SIM_RAM_PFN + 100 + i % 8;

		if (bootops_register_kvm(1, sim_vm_memory()) != 1) {
			w->bad++;
			break;
		}
		if (!dma_reaches(SIM_HOST_SID, pfn * PG, pfn) ||
		    bootops_assign_smmu(1, pfn, 0x10) || dma_reaches(SIM_HOST_SID, pfn * PG, pfn))
			w->bad++;
		while (bootops_teardown_vm(1) == BOOTOPS_CONTINUE)
			;
		if (!dma_reaches(SIM_HOST_SID, pfn * PG, pfn))
			w->bad++;
	}
	return NULL;
}

static void *event_reader(void *arg)
{
	struct dma_worker *w = arg;
	u64 nr, type, addr;

	sim_set_cpu(w->cpu);
	while (!__atomic_load_n(w->stop, __ATOMIC_ACQUIRE))
		if (bootops_smmuv3_stream_faults(D_BANK, &nr, &type, &addr))
			w->bad++;
	return NULL;
}

int stress_dma_run(u64 rounds)
{
	int stop = 0;
	struct dma_worker w[3];
	void *(*fn[3])(void *) = { bank_churn, owner_churn, event_reader };
	u64 bad = 0;
	u32 i;

	sim_reset();
	for (i = 0; i < 3; i++) {
		w[i] = (struct dma_worker){ .cpu = i, .rounds = rounds, .stop = &stop };
		pthread_create(&w[i].thread, NULL, fn[i], &w[i]);
	}
	for (i = 0; i < 3; i++) {
		pthread_join(w[i].thread, NULL);
		bad += w[i].bad;
	}
	bad += sim_check_invariants() != 0;
	printf("stress-dma: a host bank, a VM's pages and the event queue raced, %llu rounds: %llu violations\n",
	       (unsigned long long)rounds, (unsigned long long)bad);
	printf("stress-dma: %d passed, %d failed\n", !bad, !!bad);
	return bad ? 1 : 0;
}
