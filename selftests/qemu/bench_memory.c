// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_memory: guest memory touch throughput in verified VMs (on hyp's
 * stage 2: every first touch is a fault KVM resolves with a share, or for
 * private memory a donate, hypercall) against a plain VM (KVM's own stage
 * 2), in the same machine.
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
static double run_ms(int kvm, const struct guest *g, unsigned int mode, uint64_t pages,
		     uint64_t passes)
{
	uint64_t mem = TOUCH_OFFSET + pages * 4096 + (1ULL << 20);
	double start, ms = -1;
	struct vmm v;

	if (vmm_create(&v, kvm, mode, LOAD_ADDR, mem) ||
	    vmm_load(&v, LOAD_ADDR, g->bin, g->size) ||
	    (mode != VMM_PLAIN && vmm_declare(&v, LOAD_ADDR, g->size, g->sig) < 0) ||
	    vmm_vcpu_init(&v, LOAD_ADDR) || vmm_set_xreg(&v, 0, pages | passes << 32))
		goto out;
	start = now_ms();
	if (vmm_run(&v, 600000) == VMM_EXIT_SHUTDOWN && !strcmp(v.out, "touch ok\n"))
		ms = now_ms() - start;
out:
	vmm_destroy(&v);
	return ms;
}

static double best_ms(int kvm, const struct guest *g, unsigned int mode, uint64_t pages,
		      uint64_t passes)
{
	double best = -1;
	int i;

	for (i = 0; i < REPEAT; i++) {
		double ms = run_ms(kvm, g, mode, pages, passes);

		if (ms < 0)
			return -1;
		if (best < 0 || ms < best)
			best = ms;
	}
	return best;
}

static const char *const mode_name[] = {
	[VMM_PLAIN] = "plain", [VMM_BOOTOPS] = "verified", [VMM_BOOTOPS_PRIVATE] = "private",
};

/* Pages per second for first touch and for steady state; false on error. */
static bool measure(int kvm, const struct guest *g, unsigned int mode, uint64_t pages,
		    double *first, double *steady)
{
	double one = best_ms(kvm, g, mode, pages, 1);
	double more = best_ms(kvm, g, mode, pages, 1 + EXTRA_PASSES);

	if (one <= 0 || more <= one)
		return false;
	*first = pages / (one / 1e3);
	*steady = pages * EXTRA_PASSES / ((more - one) / 1e3);
	printf("bench: memory %-8s %6llu pages: 1 pass %8.1f ms, %d passes %8.1f ms\n",
	       mode_name[mode], (unsigned long long)pages, one, 1 + EXTRA_PASSES, more);
	return true;
}

int main(int argc, char **argv)
{
	static const unsigned int modes[] = { VMM_PLAIN, VMM_BOOTOPS, VMM_BOOTOPS_PRIVATE };
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	double first[4], steady[4];
	struct guest g;
	uint64_t pages;
	unsigned int i;

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
	for (i = 0; i < 3; i++) {
		if (!measure(kvm, &g, modes[i], pages, &first[modes[i]], &steady[modes[i]])) {
			fprintf(stderr, "bench_memory: a %s run failed\n", mode_name[modes[i]]);
			return 1;
		}
	}
	for (i = 1; i < 3; i++) {
		unsigned int m = modes[i];

		printf("bench: memory %s/plain: first touch %.0f/%.0f pages/s, ratio %.2f; "
		       "steady state %.0f/%.0f pages/s, ratio %.2f\n", mode_name[m],
		       first[m], first[VMM_PLAIN], first[m] / first[VMM_PLAIN],
		       steady[m], steady[VMM_PLAIN], steady[m] / steady[VMM_PLAIN]);
	}
	return 0;
}
