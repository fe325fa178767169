// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_memory: guest memory touch throughput in a verified VM (on hyp's
 * stage 2: every first touch is a fault KVM resolves with a share
 * hypercall) against a plain VM (KVM's own stage 2), in the same machine.
 * A benchmark: prints numbers, fails only if a run fails.
 *
 * The guest is touch.S: one store per page per pass, then a check pass.
 * First touch = pages / time of a 1-pass run; steady state = the extra
 * passes of a longer run over their extra time.  Best of REPEAT runs.
 *
 *   bench_memory TOUCH.BIN TOUCH.SIG [PAGES]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmm.h"

#ifndef LOAD_ADDR
#define LOAD_ADDR	0x80000000ULL
#endif
#define TOUCH_OFFSET	(1ULL << 20)	/* touch.S's TOUCH_BASE - LOAD_ADDR */
#define EXTRA_PASSES	20000
#define REPEAT		3

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct guest {
	void *bin;
	size_t size;
	uint8_t sig[VMM_SIG_SIZE];
};

/* ms the guest ran (first KVM_RUN to SYSTEM_OFF); <0: error. */
static double run_ms(int kvm, const struct guest *g, bool bootops, uint64_t pages,
		     uint64_t passes)
{
	uint64_t mem = TOUCH_OFFSET + pages * 4096 + (1ULL << 20);
	double start, ms = -1;
	struct vmm v;

	if (vmm_create(&v, kvm, bootops, LOAD_ADDR, mem) ||
	    vmm_load(&v, LOAD_ADDR, g->bin, g->size) ||
	    (bootops && vmm_declare(&v, LOAD_ADDR, g->size, g->sig) < 0) ||
	    vmm_vcpu_init(&v, LOAD_ADDR) || vmm_set_xreg(&v, 0, pages | passes << 32))
		goto out;
	start = now_ms();
	if (vmm_run(&v, 600000) == VMM_EXIT_SHUTDOWN && !strcmp(v.out, "touch ok\n"))
		ms = now_ms() - start;
out:
	vmm_destroy(&v);
	return ms;
}

static double best_ms(int kvm, const struct guest *g, bool bootops, uint64_t pages,
		      uint64_t passes)
{
	double best = -1;
	int i;

	for (i = 0; i < REPEAT; i++) {
		double ms = run_ms(kvm, g, bootops, pages, passes);

		if (ms < 0)
			return -1;
		if (best < 0 || ms < best)
			best = ms;
	}
	return best;
}

/* Pages per second for first touch and for steady state; false on error. */
static bool measure(int kvm, const struct guest *g, bool bootops, uint64_t pages,
		    double *first, double *steady)
{
	double one = best_ms(kvm, g, bootops, pages, 1);
	double more = best_ms(kvm, g, bootops, pages, 1 + EXTRA_PASSES);

	if (one <= 0 || more <= one)
		return false;
	*first = pages / (one / 1e3);
	*steady = pages * EXTRA_PASSES / ((more - one) / 1e3);
	printf("bench: memory %-8s %6llu pages: 1 pass %8.1f ms, %d passes %8.1f ms\n",
	       bootops ? "verified" : "plain", (unsigned long long)pages, one,
	       1 + EXTRA_PASSES, more);
	return true;
}

int main(int argc, char **argv)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	double vf, vs, pf, ps;
	struct guest g;
	uint64_t pages;

	if (kvm < 0 || argc < 3) {
		fprintf(stderr, "usage: bench_memory TOUCH.BIN TOUCH.SIG [PAGES]\n");
		return 1;
	}
	pages = argc > 3 ? strtoull(argv[3], NULL, 0) : 4096;
	if (vmm_read_file(argv[1], 1 << 20, &g.bin, &g.size) ||
	    vmm_read_sig(argv[2], g.sig, NULL)) {
		fprintf(stderr, "bench_memory: cannot read %s or %s\n", argv[1], argv[2]);
		return 1;
	}
	if (!measure(kvm, &g, true, pages, &vf, &vs) ||
	    !measure(kvm, &g, false, pages, &pf, &ps)) {
		fprintf(stderr, "bench_memory: a run failed\n");
		return 1;
	}
	printf("bench: memory first touch: verified %.0f pages/s, plain %.0f pages/s, ratio %.2f\n",
	       vf, pf, vf / pf);
	printf("bench: memory steady state: verified %.0f pages/s, plain %.0f pages/s, ratio %.2f\n",
	       vs, ps, vs / ps);
	return 0;
}
