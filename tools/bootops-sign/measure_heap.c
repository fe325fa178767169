// SPDX-License-Identifier: GPL-2.0-only
/*
 * Heap and time of EL2 signature checks, measured on the host with the
 * real EL2 allocator.
 *
 * measure_heap.sh builds this program from the very files hyp links: the
 * mbedTLS library files of hyp/mbedtls/sources.list, the EL2 configuration
 * (hyp/mbedtls/bootops_mbedtls_config.h), hyp/crypto_mbedtls.c,
 * hyp/verify.c and hyp/mbedtls/platform_el2.c, the allocator itself (one
 * build per BOOTOPS_MBEDTLS_ARENA_SIZE).  Those objects ("the EL2 objects")
 * are compiled with
 *
 *   -Dcalloc=bootops_el2_calloc -Dfree=bootops_el2_free
 *   -Dbootops_trust_anchor='(*bootops_measure_anchor)'
 *
 * so that mbedtls_calloc()/mbedtls_free(), which the configuration binds to
 * calloc()/free(), reach platform_el2.c and not libc, and so that the
 * anchor is a pointer this program sets before each check (a fresh key
 * per check).  This file is compiled without them and uses libc for its
 * own memory.  The link wraps bootops_el2_calloc/free (ld --wrap): the
 * wrappers only count and forward.  The host and EL2 are both LP64, the
 * bignum limbs are 64-bit on both, and the allocator's header is three
 * fixed-size fields, so the byte counts are the ones EL2 sees.
 *
 *   measure_heap [--fit] [--first N] LIST
 *
 * LIST: one check per line, "good|bad ANCHOR ADDR IMAGE SIG": ANCHOR a
 * 65-byte raw public key (0x04 || X || Y), SIG 64 bytes (r || s).  Good
 * checks must be accepted, bad ones rejected.
 *
 * Default: the measurement, TAP lines numbered from N (default 1):
 *   - before bootops_crypto_init() every check fails closed;
 *   - with the arena this program was built with (production: 16 KiB)
 *     every good check is accepted and every bad one rejected;
 *   - the heap in use is 0 after every verification (no leak);
 *   - the allocator's peak (bootops_mbedtls_heap_peak(), headers
 *     included), and at that moment the payload and the number of blocks;
 *   - several threads verifying at once (crypto_mbedtls.c's lock
 *     serialises them): no wrong result, nothing leaked, peak unchanged;
 *   - verification time and SHA-256 throughput on this host.
 * --fit: every check once, for measure_heap.sh's bisection of the arena
 *   size.  Exit 0 if all gave the expected result and nothing leaked,
 *   1 if only good checks failed (the arena was too small: fails closed),
 *   2 otherwise (a bad check accepted, or a leak).
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
#include <bootops/trust_anchor.h>

#include "bootops_mbedtls.h"

/* The anchor crypto_mbedtls.c reads (see -Dbootops_trust_anchor above). */
const u8 (*bootops_measure_anchor)[BOOTOPS_PUBKEY_SIZE];
/* No manifest key: only image signatures are measured. */
const struct bootops_manifest_key bootops_manifest_keys[1];
const u32 bootops_nr_manifest_keys;

struct check {
	const u8 *anchor;	/* BOOTOPS_PUBKEY_SIZE bytes */
	u64 addr, size;
	const u8 *bytes;
	u8 sig[BOOTOPS_SIG_SIZE];
	int good;
};

static struct check *checks;
static int nchecks, ngood, nkeys, first = 1, passed, failed;

static void result(int ok, const char *what)
{
	printf("%sok %d - %s\n", ok ? "" : "not ", first + passed + failed, what);
	if (ok)
		passed++;
	else
		failed++;
}

/* ---- input ---------------------------------------------------------- */

struct file {
	char *path;
	u8 *bytes;
	u64 size;
};

static struct file **files;
static int nfiles;

/* The bytes of path, read once. */
static struct file *load(const char *path)
{
	struct file *fl;
	FILE *f;
	long n;
	int i;

	for (i = 0; i < nfiles; i++)
		if (!strcmp(files[i]->path, path))
			return files[i];
	files = realloc(files, (nfiles + 1) * sizeof(*files));
	fl = calloc(1, sizeof(*fl));
	f = fopen(path, "rb");
	if (!files || !fl || !f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "measure_heap: cannot read %s: %s\n", path, strerror(errno));
		exit(2);
	}
	fl->path = strdup(path);
	fl->bytes = malloc((size_t)n + 1);
	fl->size = (u64)n;
	if (!fl->path || !fl->bytes || fread(fl->bytes, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "measure_heap: cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	files[nfiles++] = fl;
	return fl;
}

static void read_list(const char *list)
{
	char kind[8], anchor[1024], addr[64], image[1024], sig[1024], line[4200];
	FILE *f = fopen(list, "r");
	int i, lineno = 0;

	if (!f) {
		fprintf(stderr, "measure_heap: cannot read %s: %s\n", list, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		struct file *a, *s, *img;
		struct check *c;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%7s %1023s %63s %1023s %1023s", kind, anchor, addr, image, sig) != 5 ||
		    (strcmp(kind, "good") && strcmp(kind, "bad"))) {
			fprintf(stderr, "%s:%d: want: good|bad ANCHOR ADDR IMAGE SIG\n", list, lineno);
			exit(2);
		}
		a = load(anchor);
		s = load(sig);
		img = load(image);
		if (a->size != BOOTOPS_PUBKEY_SIZE || s->size != BOOTOPS_SIG_SIZE) {
			fprintf(stderr, "%s:%d: anchor must be %d bytes, signature %d\n",
				list, lineno, BOOTOPS_PUBKEY_SIZE, BOOTOPS_SIG_SIZE);
			exit(2);
		}
		checks = realloc(checks, (nchecks + 1) * sizeof(*checks));
		if (!checks)
			exit(2);
		c = &checks[nchecks++];
		c->anchor = a->bytes;
		c->addr = strtoull(addr, NULL, 0);
		c->bytes = img->bytes;
		c->size = img->size;
		memcpy(c->sig, s->bytes, BOOTOPS_SIG_SIZE);
		c->good = !strcmp(kind, "good");
		ngood += c->good;
	}
	fclose(f);
	if (!nchecks || !ngood || ngood == nchecks) {
		fprintf(stderr, "measure_heap: %s needs good and bad checks\n", list);
		exit(2);
	}
	/* Keys: the anchors of the good checks. */
	for (i = 0; i < nchecks; i++) {
		int j;

		for (j = 0; j < i && (!checks[j].good || checks[j].anchor != checks[i].anchor); j++)
			;
		nkeys += checks[i].good && j == i;
	}
}

/* ---- counting wrappers around the EL2 allocator ----------------------- */

void *__real_bootops_el2_calloc(size_t nmemb, size_t size);
void __real_bootops_el2_free(void *ptr);
void *__wrap_bootops_el2_calloc(size_t nmemb, size_t size);
void __wrap_bootops_el2_free(void *ptr);

#define MAX_LIVE	512

static struct {
	int on;				/* off: forward only (timing, threads) */
	void *ptr[MAX_LIVE];
	size_t len[MAX_LIVE];
	unsigned long live, payload;	/* blocks and requested bytes now */
	unsigned long calls, nulls, bad_frees;
	unsigned long top_in_use;	/* largest heap_in_use() seen */
	unsigned long top_blocks, top_payload;	/* ... and at that moment */
	size_t largest;
} cnt;

void *__wrap_bootops_el2_calloc(size_t nmemb, size_t size)
{
	void *p = __real_bootops_el2_calloc(nmemb, size);
	unsigned long i;

	if (!cnt.on)
		return p;
	cnt.calls++;
	if (!p) {
		cnt.nulls++;
		return p;
	}
	if (cnt.live == MAX_LIVE) {
		fprintf(stderr, "measure_heap: more than %d live blocks\n", MAX_LIVE);
		exit(2);
	}
	i = cnt.live++;
	cnt.ptr[i] = p;
	cnt.len[i] = nmemb * size;
	cnt.payload += nmemb * size;
	if (nmemb * size > cnt.largest)
		cnt.largest = nmemb * size;
	if (bootops_mbedtls_heap_in_use() > cnt.top_in_use) {
		cnt.top_in_use = bootops_mbedtls_heap_in_use();
		cnt.top_blocks = cnt.live;
		cnt.top_payload = cnt.payload;
	}
	return p;
}

void __wrap_bootops_el2_free(void *ptr)
{
	unsigned long i;

	if (cnt.on && ptr) {
		for (i = 0; i < cnt.live && cnt.ptr[i] != ptr; i++)
			;
		if (i == cnt.live) {
			cnt.bad_frees++;
		} else {
			cnt.payload -= cnt.len[i];
			cnt.live--;
			cnt.ptr[i] = cnt.ptr[cnt.live];
			cnt.len[i] = cnt.len[cnt.live];
		}
	}
	__real_bootops_el2_free(ptr);
}

/* ---- checks --------------------------------------------------------- */

static int verify(const struct check *c)
{
	bootops_measure_anchor = (const u8 (*)[BOOTOPS_PUBKEY_SIZE])c->anchor;
	return bootops_verify_image(c->addr, c->size, c->bytes, c->sig);
}

static int expected(const struct check *c, int ret)
{
	return c->good ? ret == 0 : ret == -EKEYREJECTED;
}

struct run {
	int good_ok, bad_ok, leaks;		/* leaks: checks after which in_use != 0 */
	unsigned long calls_min, calls_max;	/* calloc calls per verification */
};

/* Every check once, with the counting wrappers on. */
static struct run run_all(void)
{
	struct run r = { .calls_min = (unsigned long)-1 };
	int i;

	cnt.on = 1;
	for (i = 0; i < nchecks; i++) {
		unsigned long calls = cnt.calls;
		int ret = verify(&checks[i]);

		if (expected(&checks[i], ret)) {
			if (checks[i].good)
				r.good_ok++;
			else
				r.bad_ok++;
		}
		r.leaks += bootops_mbedtls_heap_in_use() != 0 || cnt.live != 0;
		calls = cnt.calls - calls;
		r.calls_min = calls < r.calls_min ? calls : r.calls_min;
		r.calls_max = calls > r.calls_max ? calls : r.calls_max;
	}
	cnt.on = 0;
	return r;
}

/* ---- concurrent verifications ---------------------------------------- */

#define THREADS	4
#define ROUNDS	10

static int thread_wrong;

/* Checks of the first key only: the anchor pointer is global. */
static void *worker(void *arg)
{
	long t = (long)arg;
	int r, i;

	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < nchecks; i++) {
			const struct check *c = &checks[(i + t) % nchecks];
			int ret;

			if (c->anchor != checks[0].anchor)
				continue;
			ret = bootops_verify_image(c->addr, c->size, c->bytes, c->sig);
			if (!expected(c, ret))
				__atomic_add_fetch(&thread_wrong, 1, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- modes ---------------------------------------------------------- */

static int fit(void)
{
	struct run r;

	bootops_crypto_init();
	r = run_all();
	printf("# arena %lu: %d/%d good accepted, %d/%d bad rejected, %lu allocations "
	       "failed, in use after every check: %s\n", bootops_mbedtls_arena_size(),
	       r.good_ok, ngood, r.bad_ok, nchecks - ngood, cnt.nulls,
	       r.leaks ? "NOT 0" : "0");
	if (r.leaks || cnt.bad_frees || r.bad_ok != nchecks - ngood)
		return 2;
	return r.good_ok == ngood ? 0 : 1;
}

static int measure(void)
{
	unsigned long peak;
	struct run r;
	char msg[512];
	double t0, t;
	int i, n;

	/* 1. No heap before bootops_crypto_init(): every check fails closed. */
	r = run_all();
	snprintf(msg, sizeof(msg), "before bootops_crypto_init(): all %d checks rejected "
		 "(%lu allocations, all failed), nothing in use", nchecks, cnt.calls);
	result(r.good_ok == 0 && r.bad_ok == nchecks - ngood && !r.leaks &&
	       cnt.nulls == cnt.calls && !bootops_mbedtls_heap_peak(), msg);

	/* 2. The arena this binary was built with. */
	bootops_crypto_init();
	memset(&cnt, 0, sizeof(cnt));
	r = run_all();
	snprintf(msg, sizeof(msg), "%lu-byte arena: %d/%d good signatures accepted, %d/%d bad "
		 "rejected (%d keys)", bootops_mbedtls_arena_size(), r.good_ok, ngood, r.bad_ok,
		 nchecks - ngood, nkeys);
	result(r.good_ok == ngood && r.bad_ok == nchecks - ngood && !cnt.nulls, msg);

	/* 3. Nothing leaks. */
	snprintf(msg, sizeof(msg), "heap in use back to 0 after each of the %d verifications, "
		 "every block freed once (%lu calloc calls)", nchecks, cnt.calls);
	result(!r.leaks && !cnt.bad_frees && bootops_mbedtls_heap_in_use() == 0, msg);

	/* 4. The peak, as the allocator counts it, and what it is made of. */
	peak = bootops_mbedtls_heap_peak();
	snprintf(msg, sizeof(msg), "allocator's peak (%lu bytes) = largest in-use seen at any "
		 "allocation", peak);
	result(peak && peak == cnt.top_in_use, msg);
	printf("# heap peak: %lu bytes, headers included (bootops_mbedtls_heap_peak()), over %d "
	       "verifications with %d keys\n", peak, nchecks, nkeys);
	printf("#   at the peak: %lu blocks, %lu bytes requested; largest block %zu bytes; "
	       "%lu-%lu calloc calls per verification\n", cnt.top_blocks, cnt.top_payload,
	       cnt.largest, r.calls_min, r.calls_max);

	/*
	 * 5. Several CPUs verifying at once: crypto_mbedtls.c's lock lets one
	 * verification at a time use the arena.  Each then starts from an
	 * empty, fully coalesced arena and allocates exactly as it did alone,
	 * so the peak cannot grow (these checks are a subset of the above).
	 */
	thread_wrong = 0;
	{
		pthread_t th[THREADS];

		bootops_measure_anchor = (const u8 (*)[BOOTOPS_PUBKEY_SIZE])checks[0].anchor;
		for (i = 0; i < THREADS; i++)
			pthread_create(&th[i], NULL, worker, (void *)(long)i);
		for (i = 0; i < THREADS; i++)
			pthread_join(th[i], NULL);
	}
	snprintf(msg, sizeof(msg), "%d threads x %d rounds at once (serialised by crypto_mbedtls.c): "
		 "%d wrong results, in use afterwards %lu, peak still %lu", THREADS, ROUNDS,
		 thread_wrong, bootops_mbedtls_heap_in_use(), bootops_mbedtls_heap_peak());
	result(!thread_wrong && bootops_mbedtls_heap_in_use() == 0 &&
	       bootops_mbedtls_heap_peak() == peak, msg);

	/* 6. Time on this host, counting off: a good check of the smallest image. */
	{
		const struct check *c = NULL;

		for (i = 0; i < nchecks; i++)
			if (checks[i].good && (!c || checks[i].size < c->size))
				c = &checks[i];
		n = 0;
		t0 = now();
		do {
			verify(c);
			n++;
			t = now() - t0;
		} while (t < 1.0 || n < 20);
		printf("# verify time: %.3f ms per check (ECDSA P-256 + SHA-256 of a %llu-byte "
		       "image and the header; %d runs, this host)\n", t / n * 1e3,
		       (unsigned long long)c->size, n);
	}
	{
		size_t len = 16 << 20;
		u8 *buf = calloc(1, len), out[BOOTOPS_DIGEST_SIZE];

		if (!buf)
			return 2;
		n = 0;
		t0 = now();
		do {
			bootops_sha256(buf, len, out);
			n++;
			t = now() - t0;
		} while (t < 1.0);
		printf("# sha-256: %.0f MiB/s (EL2 configuration, this host)\n", n * 16.0 / t);
		free(buf);
	}
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	int i, fit_mode = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--fit"))
			fit_mode = 1;
		else if (!strcmp(argv[i], "--first") && i + 2 < argc)
			first = atoi(argv[++i]);
		else
			break;
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: measure_heap [--fit] [--first N] LIST\n");
		return 2;
	}
	read_list(argv[i]);
	return fit_mode ? fit() : measure();
}
