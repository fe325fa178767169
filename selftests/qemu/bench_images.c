// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_images: time from declaring a signed image to the guest's first
 * instruction (its first UART store), for each image given, in a VM that
 * requires verified images, and the same image in a plain VM (no boot
 * ops work), best of RUNS; then, with the first image, the round trip of
 * one MMIO exit to user space (a guest UART store, KVM_EXIT_MMIO, back to
 * the guest) and a VM's whole life (create to destroy) in both kinds of
 * VM, as ratios: what hyp's handling of a verified vCPU's exits, and boot
 * ops as a whole, cost.  A benchmark: prints numbers, fails only if
 * a run fails.
 *
 *   bench_images IMAGE SIG [IMAGE SIG ...]   (images load at LOAD_ADDR)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vmm.h"

#ifndef LOAD_ADDR
#define LOAD_ADDR	0x80000000ULL
#endif
#define SLACK		(2ULL << 20)
#define RUNS		3	/* per image and kind of VM: the best is printed */
#define MMIO_RUNS	5

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long long longest_call_ns, vm_longest_ns;

/* ms from declaring (or, plain, from vCPU set-up) to the first exit; <0: error. */
static double first_instruction_ms(int kvm, bool bootops, const void *img, size_t size,
				   const uint8_t sig[VMM_SIG_SIZE])
{
	long long ns;
	uint64_t mem = ((size + 0xfff) & ~0xfffULL) + SLACK;
	struct vmm v;
	double start, ms = -1;

	if (vmm_create(&v, kvm, bootops, LOAD_ADDR, mem) ||
	    vmm_load(&v, LOAD_ADDR, img, size))
		goto out;
	start = now_ms();
	if (bootops && vmm_declare(&v, LOAD_ADDR, size, sig) < 0)
		goto out;
	/* The first KVM_RUN verifies; it returns at the guest's first UART store. */
	if (vmm_vcpu_init(&v, LOAD_ADDR) || vmm_run_once(&v))
		goto out;
	ms = now_ms() - start;
	ns = bootops ? vmm_debugfs_read(&v, "bootops_longest_call_ns") : 0;
	if (bootops)
		vm_longest_ns = ns;
	if (ns > longest_call_ns)
		longest_call_ns = ns;
out:
	vmm_destroy(&v);
	return ms;
}

/*
 * us per MMIO exit: the guest's stores after its first one, each a
 * KVM_EXIT_MMIO the VMM answers, timed up to its PSCI SYSTEM_OFF; <0: error.
 */
static double mmio_exit_us(int kvm, bool bootops, const void *img, size_t size,
			   const uint8_t sig[VMM_SIG_SIZE])
{
	uint64_t mem = ((size + 0xfff) & ~0xfffULL) + SLACK;
	double start, us = -1;
	struct vmm v;

	if (vmm_create(&v, kvm, bootops, LOAD_ADDR, mem) ||
	    vmm_load(&v, LOAD_ADDR, img, size) ||
	    (bootops && vmm_declare(&v, LOAD_ADDR, size, sig) < 0) ||
	    vmm_vcpu_init(&v, LOAD_ADDR) || vmm_run_once(&v))
		goto out;
	start = now_ms();
	if (vmm_run(&v, 10000) != VMM_EXIT_SHUTDOWN || v.out_len < 2)
		goto out;
	us = (now_ms() - start) * 1e3 / (v.out_len - 1);
out:
	vmm_destroy(&v);
	return us;
}

/*
 * ms for a VM's whole life: create, declare (verified), vCPU, run to its
 * PSCI SYSTEM_OFF, destroy (hyp's teardown included); <0: error.
 */
static double lifecycle_ms(int kvm, bool bootops, const void *img, size_t size,
			   const uint8_t sig[VMM_SIG_SIZE])
{
	uint64_t mem = ((size + 0xfff) & ~0xfffULL) + SLACK;
	double start = now_ms();
	struct vmm v;
	int ret = -1;

	if (!vmm_create(&v, kvm, bootops, LOAD_ADDR, mem) &&
	    !vmm_load(&v, LOAD_ADDR, img, size) &&
	    !(bootops && vmm_declare(&v, LOAD_ADDR, size, sig) < 0) &&
	    !vmm_vcpu_init(&v, LOAD_ADDR))
		ret = vmm_run(&v, 10000);
	vmm_destroy(&v);
	return ret == VMM_EXIT_SHUTDOWN ? now_ms() - start : -1;
}

typedef double (*bench_fn)(int kvm, bool bootops, const void *img, size_t size,
			   const uint8_t sig[VMM_SIG_SIZE]);

/* The best of runs of fn; <0 if one failed. */
static double best_run(bench_fn fn, int runs, int kvm, bool bootops, const void *img,
		       size_t size, const uint8_t sig[VMM_SIG_SIZE])
{
	double best = -1, t;

	while (runs--) {
		t = fn(kvm, bootops, img, size, sig);
		if (t < 0)
			return t;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

/* fn for a verified and a plain VM, best of MMIO_RUNS each, and the ratio. */
static int compare(const char *what, const char *unit, bench_fn fn, int kvm, const char *image,
		   const char *sigfile)
{
	double with = -1, without = -1;
	uint8_t sig[VMM_SIG_SIZE];
	size_t size;
	void *img;

	if (!vmm_read_file(image, 1ULL << 30, &img, &size) &&
	    !vmm_read_sig(sigfile, sig, NULL)) {
		with = best_run(fn, MMIO_RUNS, kvm, true, img, size, sig);
		without = best_run(fn, MMIO_RUNS, kvm, false, img, size, sig);
		free(img);
	}
	if (with < 0 || without < 0) {
		printf("bench: %s: failed\n", what);
		return 1;
	}
	printf("bench: %s (best of %d): verified %.1f %s, plain %.1f %s, ratio %.2f\n", what,
	       MMIO_RUNS, with, unit, without, unit, with / without);
	return 0;
}

/*
 * The best of runs timings (as for SHA-256 alone: TCG's timing is noisy);
 * *longest gets the longest verification call of all of them.
 */
static double best_of(int runs, int kvm, bool bootops, const void *img, size_t size,
		      const uint8_t sig[VMM_SIG_SIZE], long long *longest)
{
	double best = -1, ms;

	while (runs--) {
		ms = first_instruction_ms(kvm, bootops, img, size, sig);
		if (ms < 0)
			return ms;
		if (best < 0 || ms < best)
			best = ms;
		if (bootops && vm_longest_ns > *longest)
			*longest = vm_longest_ns;
	}
	return best;
}

int main(int argc, char **argv)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), i, fails = 0;

	if (kvm < 0 || argc < 3 || argc % 2 == 0) {
		fprintf(stderr, "usage: bench_images IMAGE SIG [IMAGE SIG ...]\n");
		return 1;
	}
	/* One verified run first: TCG translates hyp's code paths on first use. */
	{
		uint8_t sig[VMM_SIG_SIZE];
		size_t size;
		void *img;

		if (!vmm_read_file(argv[1], 1ULL << 30, &img, &size) &&
		    !vmm_read_sig(argv[2], sig, NULL)) {
			first_instruction_ms(kvm, true, img, size, sig);
			free(img);
		}
		longest_call_ns = 0;
	}
	printf("bench: %10s %12s %12s %14s %14s\n", "image", "verified ms", "plain ms",
	       "verify MB/s", "longest call");
	for (i = 1; i + 1 < argc; i += 2) {
		uint8_t sig[VMM_SIG_SIZE];
		double with, without;
		long long longest = 0;
		size_t size;
		void *img;

		if (vmm_read_file(argv[i], 1ULL << 30, &img, &size) ||
		    vmm_read_sig(argv[i + 1], sig, NULL)) {
			fprintf(stderr, "bench_images: cannot read %s / %s\n", argv[i], argv[i + 1]);
			return 1;
		}
		with = best_of(RUNS, kvm, true, img, size, sig, &longest);
		without = best_of(RUNS, kvm, false, img, size, sig, &longest);
		if (with < 0 || without < 0) {
			fails++;
			printf("bench: %10zu   failed\n", size);
		} else {
			printf("bench: %7zu KiB %12.1f %12.1f %14.1f %11lld us\n", size >> 10, with,
			       without, size / ((with - without) / 1e3) / 1e6, longest / 1000);
		}
		free(img);
	}
	printf("bench: longest verification hypercall over all sizes: %lld us\n",
	       longest_call_ns / 1000);
	fails += compare("MMIO exit round trip", "us", mmio_exit_us, kvm, argv[1], argv[2]);
	fails += compare("VM life cycle, first image", "ms", lifecycle_ms, kvm, argv[1], argv[2]);
	return fails ? 1 : 0;
}
