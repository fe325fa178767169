// SPDX-License-Identifier: GPL-2.0-only
/*
 * Real-threads test of the rollback minima: threads, each its own
 * simulated CPU, raise manifest key 1's minimum and read it back at once.
 * Hyp's minimum may only rise, so a thread never reads one below what it
 * read before, nor below what it raised it to itself, and in the end it
 * is the largest value any thread asked for.  Without keys_lock a raise
 * is a read-compare-write that can lose another CPU's higher value, and
 * ThreadSanitizer reports the race.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

#include <bootops/bootops.h>

#include "refine.h"
#include "sim.h"

#define K_THREADS	4
#define K_ID		1

struct keys_worker {
	pthread_t thread;
	u32 cpu;
	u64 rounds, bad;
};

static void *keys_worker(void *arg)
{
	struct keys_worker *w = arg;
	u64 i, seen = 0, want, now;
	u32 id;

	sim_set_cpu(w->cpu);
	for (i = 0; i < w->rounds; i++) {
		/* Each thread's values interleave with the others'. */
		want = i * K_THREADS + w->cpu;
		if (bootops_manifest_raise_min(K_ID, want))
			w->bad++;
		now = bootops_manifest_min(K_ID);
		if (now < seen || now < want)
			w->bad++;
		seen = now;
		/* The same minimum as the host's debugfs list reads it. */
		if (bootops_manifest_key_info(0, &id, &now) || id != K_ID || now < seen)
			w->bad++;
	}
	return NULL;
}

int stress_keys_run(u64 rounds)
{
	struct keys_worker w[K_THREADS];
	u64 bad = 0, want = rounds ? (rounds - 1) * K_THREADS + K_THREADS - 1 : 0;
	u32 i;

	sim_reset();
	for (i = 0; i < K_THREADS; i++) {
		w[i] = (struct keys_worker){ .cpu = i, .rounds = rounds };
		pthread_create(&w[i].thread, NULL, keys_worker, &w[i]);
	}
	for (i = 0; i < K_THREADS; i++) {
		pthread_join(w[i].thread, NULL);
		bad += w[i].bad;
	}
	if (rounds && bootops_manifest_min(K_ID) != want)
		bad++;
	printf("stress-keys: %u threads, %llu raises each: minimum %llu, %llu violations\n",
	       K_THREADS, (unsigned long long)rounds,
	       (unsigned long long)bootops_manifest_min(K_ID), (unsigned long long)bad);
	printf("stress-keys: %d passed, %d failed\n", !bad, !!bad);
	return bad ? 1 : 0;
}
