// SPDX-License-Identifier: GPL-2.0-only
/*
 * How much heap and time one EL2 signature check takes.
 *
 * Built on the host (x86-64, libc) from the very mbedTLS files, the very
 * configuration (hyp/mbedtls/bootops_mbedtls_config.h) and the very glue
 * (hyp/mbedtls/platform_el2.c, hyp/crypto_mbedtls.c, hyp/verify.c) that
 * scripts/build-mbedtls-el2.sh builds for EL2.  Both are LP64 and the
 * allocator's block headers are made of size_t and pointers, so the heap
 * numbers are the ones EL2 sees.  measure_heap.sh makes the signatures
 * with tools/bootops-sign and the trust anchor with `bootops-sign anchor`.
 *
 *   measure_heap GOOD ADDR IMAGE SIG [ADDR IMAGE SIG ...] BAD ADDR IMAGE SIG ...
 *
 * Triples after GOOD must verify, after BAD must be rejected.  It reports:
 *   - payload peak: the most bytes mbedTLS holds at once (counting
 *     allocator), the number of blocks, and that nothing leaks;
 *   - arena peak: the smallest static arena with which memory_buffer_alloc
 *     serves every one of the checks (this is what matters at EL2: it
 *     includes block headers, alignment and fragmentation);
 *   - that the production arena (BOOTOPS_MBEDTLS_ARENA_SIZE) holds at
 *     least twice that, and stays consistent when several threads verify
 *     at once: serialised by a lock as hyp/crypto_mbedtls.c should (no
 *     wrong result allowed), and unserialised (reported only: the arena
 *     can run out and a good image then fails closed);
 *   - verification time and SHA-256 throughput on this host.
 * Ends with "measure-heap: N passed, N failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bootops/bootops.h>
#include <bootops/crypto.h>

#include <mbedtls/memory_buffer_alloc.h>
#include <mbedtls/platform.h>

#include "bootops_mbedtls.h"

struct check {
	u64 addr, size;
	u8 *bytes;
	u8 sig[BOOTOPS_SIG_SIZE];
	int good;
};

static struct check checks[256];
static int nchecks, passed, failed;

static void result(int ok, const char *what)
{
	printf("%sok %d - %s\n", ok ? "" : "not ", passed + failed + 1, what);
	if (ok)
		passed++;
	else
		failed++;
}

static u8 *read_all(const char *path, u64 *size)
{
	FILE *f = fopen(path, "rb");
	long n;
	u8 *buf;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "measure_heap: cannot read %s: %s\n", path, strerror(errno));
		exit(2);
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	fclose(f);
	*size = (u64)n;
	return buf;
}

/* Every check with the current allocator; 1 if all gave the expected result. */
static int run_all(void)
{
	int i, ok = 1;

	for (i = 0; i < nchecks; i++) {
		struct check *c = &checks[i];
		int ret = bootops_verify_image(c->addr, c->size, c->bytes, c->sig);

		if (c->good ? ret != 0 : ret != -EKEYREJECTED)
			ok = 0;
	}
	return ok;
}

/* ---- counting allocator (libc underneath) -------------------------- */

static size_t live, peak, live_blocks, peak_blocks, nallocs, biggest;

static void *count_calloc(size_t n, size_t size)
{
	size_t *p;

	if (!n || !size || n > (size_t)-1 / size)
		return NULL;
	p = calloc(1, n * size + 16);
	if (!p)
		return NULL;
	p[0] = n * size;
	live += n * size;
	live_blocks++;
	nallocs++;
	if (n * size > biggest)
		biggest = n * size;
	if (live > peak)
		peak = live;
	if (live_blocks > peak_blocks)
		peak_blocks = live_blocks;
	return p + 2;
}

static void count_free(void *ptr)
{
	size_t *p = ptr;

	if (!p)
		return;
	p -= 2;
	live -= p[0];
	live_blocks--;
	free(p);
}

/* ---- concurrent verifications on the production arena -------------- */

#define ROUNDS		5
#define MAX_THREADS	4

static int thread_failures, serialize;
static bootops_lock_t verify_lock;	/* models a lock in crypto_mbedtls.c */

static void *worker(void *arg)
{
	long t = (long)arg;
	int r, i;

	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < nchecks; i++) {
			struct check *c = &checks[(i + t) % nchecks];
			int ret;

			if (serialize)
				bootops_lock(&verify_lock);
			ret = bootops_verify_image(c->addr, c->size, c->bytes, c->sig);
			if (serialize)
				bootops_unlock(&verify_lock);
			if (c->good ? ret != 0 : ret != -EKEYREJECTED)
				__atomic_add_fetch(&thread_failures, 1, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

/* Wrong results of nthreads verifying all checks ROUNDS times at once. */
static int stress(int nthreads, int serialized)
{
	pthread_t th[MAX_THREADS];
	int i;

	thread_failures = 0;
	serialize = serialized;
	bootops_lock_init(&verify_lock);
	for (i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, worker, (void *)(long)i);
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	return thread_failures;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static unsigned char arena[1 << 16] __attribute__((aligned(16)));
	int i, good = 1, ngood = 0;
	size_t lo, hi, min_arena;
	char msg[256];
	double t0, t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; ) {
		struct check *c;
		u64 siglen;
		u8 *sig;

		if (!strcmp(argv[i], "GOOD") || !strcmp(argv[i], "BAD")) {
			good = !strcmp(argv[i], "GOOD");
			i++;
			continue;
		}
		if (i + 3 > argc || nchecks == (int)(sizeof(checks) / sizeof(checks[0]))) {
			fprintf(stderr, "usage: measure_heap GOOD ADDR IMAGE SIG ... BAD ADDR IMAGE SIG ...\n");
			return 2;
		}
		c = &checks[nchecks++];
		c->addr = strtoull(argv[i], NULL, 0);
		c->bytes = read_all(argv[i + 1], &c->size);
		sig = read_all(argv[i + 2], &siglen);
		if (siglen != BOOTOPS_SIG_SIZE) {
			fprintf(stderr, "measure_heap: %s: not 64 bytes\n", argv[i + 2]);
			return 2;
		}
		memcpy(c->sig, sig, sizeof(c->sig));
		free(sig);
		c->good = good;
		ngood += good;
		i += 3;
	}
	if (!nchecks) {
		fprintf(stderr, "measure_heap: no signatures given\n");
		return 2;
	}

	/* 1. Before bootops_mbedtls_init(), mbedtls_calloc() fails: closed. */
	result(nchecks && checks[0].good ?
	       bootops_verify_image(checks[0].addr, checks[0].size, checks[0].bytes,
				    checks[0].sig) == -EKEYREJECTED : 1,
	       "before bootops_mbedtls_init(): a good signature is rejected (no heap)");

	/* 2. The production path. */
	bootops_mbedtls_init();
	snprintf(msg, sizeof(msg), "production arena (%lu bytes): %d good accepted, %d bad rejected",
		 bootops_mbedtls_arena_size(), ngood, nchecks - ngood);
	result(run_all(), msg);
	result(mbedtls_memory_buffer_alloc_verify() == 0, "arena consistent afterwards");

	/*
	 * 3. Verifications on several CPUs share the arena; its lock is
	 * port.h's bootops_lock_t (a hyp spinlock at EL2).  Serialised, as
	 * crypto_mbedtls.c should do it, nothing may go wrong; unserialised,
	 * the arena stays consistent but may run out (fails closed).
	 */
	{
		int wrong = stress(MAX_THREADS, 1);

		snprintf(msg, sizeof(msg), "%d threads x %d rounds, verification serialised: "
			 "%d wrong results, arena consistent", MAX_THREADS, ROUNDS, wrong);
		result(wrong == 0 && mbedtls_memory_buffer_alloc_verify() == 0, msg);
		for (i = 2; i <= MAX_THREADS; i++) {
			wrong = stress(i, 0);
			printf("# %d threads unserialised: %d of %d good checks failed for lack "
			       "of heap\n", i, wrong, i * ROUNDS * ngood);
		}
		result(mbedtls_memory_buffer_alloc_verify() == 0,
		       "arena consistent after unserialised runs");
	}

	/* 4. Time (this host, same configuration, production arena). */
	{
		struct check *c = &checks[0];
		int n = 0;

		t0 = now();
		do {
			bootops_verify_image(c->addr, c->size, c->bytes, c->sig);
			n++;
			t = now() - t0;
		} while (t < 1.0 || n < 20);
		printf("# verify time: %.3f ms per ECDSA-P256 check (%d runs, image %llu bytes, host)\n",
		       t / n * 1e3, n, (unsigned long long)c->size);
	}
	{
		size_t len = 16 << 20;
		u8 *buf = calloc(1, len), out[32];
		int n = 0;

		t0 = now();
		do {
			bootops_crypto_sha256(buf, len, out);
			n++;
			t = now() - t0;
		} while (t < 1.0);
		printf("# sha-256: %.0f MiB/s (host, EL2 configuration)\n", n * 16.0 / t);
		free(buf);
	}
	/* 5. Payload peak, with a counting allocator. */
	mbedtls_platform_set_calloc_free(count_calloc, count_free);
	result(run_all(), "counting allocator: same results");
	result(live == 0 && live_blocks == 0, "no leak: every block freed");
	printf("# payload peak: %zu bytes in %zu blocks at once (largest block %zu bytes; "
	       "%zu allocations for %d checks)\n", peak, peak_blocks, biggest, nallocs, nchecks);

	/*
	 * 6. Smallest arena that serves every check.  Allocation is
	 * deterministic, so success is monotonic in the size; the boundary is
	 * confirmed from both sides below.
	 */
	/* In units of 8 bytes: memory_buffer_alloc rounds to 8 anyway. */
	lo = 1;
	hi = sizeof(arena) / 8;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		mbedtls_memory_buffer_alloc_init(arena, mid * 8);
		if (run_all())
			hi = mid;
		else
			lo = mid + 1;
	}
	hi *= 8;
	min_arena = hi;
	{
		int ok = 1;
		size_t n;

		for (n = min_arena; n < min_arena + 256; n += 8) {
			mbedtls_memory_buffer_alloc_init(arena, n);
			ok &= run_all();
		}
		mbedtls_memory_buffer_alloc_init(arena, min_arena - 8);
		ok &= !run_all();
		result(ok, "arena boundary confirmed: every size from the minimum up works, minimum - 8 fails");
	}
	printf("# arena peak: %zu bytes (smallest arena that verifies)\n", min_arena);
	snprintf(msg, sizeof(msg), "production arena %lu >= 2 x arena peak %zu",
		 bootops_mbedtls_arena_size(), min_arena);
	result(bootops_mbedtls_arena_size() >= 2 * min_arena, msg);
	printf("measure-heap: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
