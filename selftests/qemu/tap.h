/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TAP 13 for the in-guest test programs (bootops_images, bootops_manifest):
 * numbered test points, diagnostics, and the fixtures they load.
 */
#ifndef __BOOTOPS_QEMU_TAP_H__
#define __BOOTOPS_QEMU_TAP_H__

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm.h"

static int tests_run, tests_failed;

/* One test point; its detail stays on the line (newlines become '|'). */
static void check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void check(int ok, const char *name, const char *fmt, ...)
{
	char detail[256] = "", *nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	while ((nl = strchr(detail, '\n')))
		*nl = '|';
	tests_run++;
	tests_failed += !ok;
	printf("%sok %d - %s%s%s\n", ok ? "" : "not ", tests_run, name,
	       *detail ? " # " : "", detail);
	fflush(stdout);
}

static inline void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* A fixture file from scripts/build-vmm.sh. */
struct blob {
	const char *name;
	void *data;
	size_t size;
};

/* Reads dir/b->name (at most max bytes), or bails out: no test could run. */
static inline void load_blob_from(const char *dir, struct blob *b, size_t max)
{
	char path[512];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, b->name);
	ret = vmm_read_file(path, max, &b->data, &b->size);
	if (ret) {
		printf("Bail out! fixture %s: %s (run scripts/build-vmm.sh)\n", path,
		       strerror(-ret));
		exit(1);
	}
}

static inline void load_blobs_from(const char *dir, struct blob *const *all, size_t n,
				   size_t max)
{
	size_t i;

	for (i = 0; i < n; i++)
		load_blob_from(dir, all[i], max);
}

/* /dev/kvm, or bail out: no test could run. */
static inline int open_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("Bail out! /dev/kvm: %s\n", strerror(errno));
		exit(1);
	}
	return fd;
}

#endif /* __BOOTOPS_QEMU_TAP_H__ */
