// SPDX-License-Identifier: GPL-2.0-only
/*
 * bootops_off: run in a boot with kvm-arm.bootops=off.  Boot ops are off
 * in KVM and at hyp: a VM that requires verified images cannot be created,
 * a plain VM is registered nowhere (no bootops_handle in its debugfs, no
 * "hyp registered VM" in the kernel log) and still runs its guest.
 * Prints TAP; exits 0 only if every check passed.
 *
 *   bootops_off [FIXTURE_DIR]        (default /tests/vmm)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm.h"

#ifndef LOAD_ADDR
#define LOAD_ADDR	0x80000000ULL
#endif
#define MESSAGE		"hello from a verified guest\n"

static int run, failed;

static void check(int ok, const char *name, const char *detail)
{
	run++;
	failed += !ok;
	printf("%sok %d - %s%s%s\n", ok ? "" : "not ", run, name, *detail ? " # " : "", detail);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tests/vmm";
	char path[256], detail[128] = "", *log;
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), ret, len;
	struct vmm v;
	struct stat st;
	size_t size;
	void *img;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	if (kvm < 0) {
		printf("Bail out! /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	ret = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_BOOTOPS);
	snprintf(detail, sizeof(detail), "KVM_CHECK_EXTENSION: %d", ret);
	check(ret == 0, "KVM_CAP_ARM_BOOTOPS: no VM type flags", detail);
	ret = vmm_create(&v, kvm, VMM_BOOTOPS, LOAD_ADDR, 2 << 20);
	snprintf(detail, sizeof(detail), "KVM_CREATE_VM: %s", ret ? vmm_errname(ret) : "0");
	check(ret == -EINVAL, "a VM that requires verified images: EINVAL", detail);
	if (!ret)
		vmm_destroy(&v);

	snprintf(path, sizeof(path), "%s/hello.bin", dir);
	ret = vmm_create(&v, kvm, VMM_PLAIN, LOAD_ADDR, 2 << 20);
	if (!ret)
		ret = vmm_read_file(path, 2 << 20, &img, &size);
	if (!ret)
		ret = vmm_load(&v, LOAD_ADDR, img, size);
	if (!ret)
		ret = vmm_vcpu_init(&v, LOAD_ADDR);
	/* The VM's debugfs directory exists; boot ops put nothing in it. */
	snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%d-%d", getpid(), v.vm);
	ret = ret ? ret : stat(path, &st) ? -errno : 0;
	strncat(path, "/bootops_handle", sizeof(path) - strlen(path) - 1);
	check(!ret && stat(path, &st) && errno == ENOENT,
	      "a plain VM is not registered at hyp (its debugfs has no bootops_handle)", path);
	ret = ret ? ret : vmm_run(&v, 10000);
	snprintf(detail, sizeof(detail), "run: %d, guest: %.40s", ret, v.out);
	check(ret == VMM_EXIT_SHUTDOWN && !strcmp(v.out, MESSAGE), "the plain VM runs its guest",
	      detail);
	vmm_destroy(&v);

	len = klogctl(10, NULL, 0);			/* SYSLOG_ACTION_SIZE_BUFFER */
	log = len > 0 ? calloc(1, len + 1) : NULL;
	ret = log ? klogctl(3, log, len) : -1;		/* SYSLOG_ACTION_READ_ALL */
	check(ret > 0 && !strstr(log, "hyp registered VM"),
	      "the kernel log shows no VM registered at hyp", ret > 0 ? "" : "klogctl failed");
	free(log);
	printf("1..%d\n# bootops_off: %d passed, %d failed\n", run, run - failed, failed);
	return failed ? 1 : 0;
}
