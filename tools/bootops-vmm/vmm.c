// SPDX-License-Identifier: GPL-2.0
/*
 * bootops-vmm: launch a guest whose boot images the hypervisor verifies.
 *
 *   bootops-vmm [--plain] [--expect-reject] [--quiet]
 *               --mem SIZE@BASE --image FILE@ADDR[,sig=SIGFILE]...
 *               [--entry ADDR] [--x0 VALUE] [--gic-v3] [--timeout-ms N]
 *               [--smp N] [--expect-output TEXT]
 *
 * Creates a VM with KVM_VM_TYPE_ARM_BOOTOPS (unless --plain), one memslot
 * of SIZE bytes at guest physical BASE, copies each FILE to ADDR and
 * declares it with its 64-byte raw signature (KVM_ARM_BOOTOPS_DECLARE_IMAGE;
 * with --plain images are only copied), creates vCPU 0 (PSCI 0.2) with PC
 * at ENTRY (default: the first image's address) and runs it.  Bytes the
 * guest stores to the UART data register at 0x09000000 go to stdout; PSCI
 * SYSTEM_OFF ends the run.  Verdicts go to stderr, one line each, starting
 * "bootops-vmm: ".
 *
 * For an arm64 Linux kernel Image (booting.rst): --x0 gives the DTB's
 * address in x0 at entry, --gic-v3 adds an in-kernel GICv3 (distributor
 * 0x08000000, redistributor 0x080a0000) so the arch timer can interrupt;
 * UART reads answer like an idle PL011.  --smp N adds vCPUs 1..N-1
 * powered off, for the guest to start with PSCI CPU_ON, each run by a
 * thread of its own.  --expect-output fails a run whose guest output
 * lacks TEXT.
 *
 * Exit status: 0 the guest ran and shut down; 3 the hypervisor rejected
 * the images (KVM_RUN: EKEYREJECTED); 1 anything else (usage, files,
 * refused declaration, ENOEXEC, unhandled exit, timeout).
 * --expect-reject inverts the verdict for test lists: 0 if and only if the
 * images were rejected, 1 otherwise.
 *
 * Built with -DVMM_NO_MAIN this file is only the library in vmm.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/psci.h>

#include "vmm.h"

#define CORE_REG(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
		     KVM_REG_ARM_CORE_REG(x))

/* --- helpers ------------------------------------------------------------- */

int vmm_parse_u64(const char *s, uint64_t *val)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	}
	if (*end || (mul > 1 && v > UINT64_MAX / mul))
		return -EINVAL;
	*val = v * mul;
	return 0;
}

const char *vmm_errname(int err)
{
	static char buf[16];

	if (err < 0)
		err = -err;
	switch (err) {
	case EKEYREJECTED: return "EKEYREJECTED";
	case ENOKEY: return "ENOKEY";
	case ENOEXEC: return "ENOEXEC";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case EFAULT: return "EFAULT";
	case EEXIST: return "EEXIST";
	case ENOSPC: return "ENOSPC";
	case ENOTTY: return "ENOTTY";
	case ENOMEM: return "ENOMEM";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case ERANGE: return "ERANGE";
	case EMSGSIZE: return "EMSGSIZE";
	case EFBIG: return "EFBIG";
	case 0: return "0";
	}
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

int vmm_read_file(const char *path, size_t max, void **data, size_t *size)
{
	struct stat st;
	size_t got = 0;
	uint8_t *buf;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		goto fail;
	}
	if ((uint64_t)st.st_size > max) {
		err = -EFBIG;
		goto fail;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		err = -ENOMEM;
		goto fail;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? -errno : -EIO;
			free(buf);
			goto fail;
		}
		got += r;
	}
	close(fd);
	*data = buf;
	*size = got;
	return 0;
fail:
	close(fd);
	return err;
}

int vmm_read_sig(const char *path, uint8_t sig[VMM_SIG_SIZE], long *size_out)
{
	void *data;
	size_t size;
	int ret = vmm_read_file(path, 1 << 20, &data, &size);

	if (ret == -EFBIG) {
		if (size_out)
			*size_out = -1;
		return -EMSGSIZE;
	}
	if (ret)
		return ret;
	if (size_out)
		*size_out = (long)size;
	if (size != VMM_SIG_SIZE) {
		free(data);
		return -EMSGSIZE;
	}
	memcpy(sig, data, VMM_SIG_SIZE);
	free(data);
	return 0;
}

/* --- VM life cycle ------------------------------------------------------- */

int vmm_create(struct vmm *v, int kvm, unsigned int mode, uint64_t mem_base,
	       uint64_t mem_size)
{
	unsigned long type = 0;
	struct kvm_userspace_memory_region region;
	long page = sysconf(_SC_PAGESIZE);
	int ret;

	memset(v, 0, sizeof(*v));
	v->kvm = v->vm = v->vcpu = v->gic = -1;
	v->mem = MAP_FAILED;
	v->run = MAP_FAILED;
	v->bootops = mode & VMM_BOOTOPS;
	v->mem_base = mem_base;
	v->mem_size = mem_size;

	if (!mem_size || mem_size % page || mem_base % page ||
	    mem_base + mem_size < mem_base)
		return -EINVAL;
	if (kvm < 0) {
		kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
		if (kvm < 0)
			return -errno;
		v->own_kvm = true;
	}
	v->kvm = kvm;

	if (mode & VMM_BOOTOPS)
		type |= KVM_VM_TYPE_ARM_BOOTOPS;
	if (mode == VMM_BOOTOPS_PRIVATE)
		type |= KVM_VM_TYPE_ARM_BOOTOPS_PRIVATE_MEM;
	v->vm = ioctl(kvm, KVM_CREATE_VM, type);
	if (v->vm < 0) {
		ret = -errno;
		goto fail;
	}
	/* Zero-filled and populated: every page exists before it is declared. */
	v->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (v->mem == MAP_FAILED) {
		ret = -errno;
		goto fail;
	}
	memset(v->mem, 0, mem_size);

	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = mem_base,
		.memory_size = mem_size,
		.userspace_addr = (uintptr_t)v->mem,
	};
	if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &region)) {
		ret = -errno;
		goto fail;
	}
	return 0;
fail:
	vmm_destroy(v);
	return ret;
}

int vmm_load(struct vmm *v, uint64_t gpa, const void *data, size_t size)
{
	if (gpa < v->mem_base || size > v->mem_size ||
	    gpa - v->mem_base > v->mem_size - size)
		return -ERANGE;
	memcpy(v->mem + (gpa - v->mem_base), data, size);
	return 0;
}

int vmm_declare_raw(struct vmm *v, const struct kvm_arm_bootops_image *img)
{
	int ret = ioctl(v->vm, KVM_ARM_BOOTOPS_DECLARE_IMAGE, img);

	return ret < 0 ? -errno : ret;
}

int vmm_declare(struct vmm *v, uint64_t gpa, uint64_t size,
		const uint8_t sig[VMM_SIG_SIZE])
{
	struct kvm_arm_bootops_image img;

	memset(&img, 0, sizeof(img));
	img.guest_phys_addr = gpa;
	img.size = size;
	memcpy(img.signature, sig, VMM_SIG_SIZE);
	return vmm_declare_raw(v, &img);
}

int vmm_set_manifest(struct vmm *v, const void *data, size_t size)
{
	struct kvm_arm_bootops_manifest m = { .addr = (uintptr_t)data, .size = size };
	int ret = ioctl(v->vm, KVM_ARM_BOOTOPS_SET_MANIFEST, &m);

	return ret < 0 ? -errno : ret;
}

int vmm_set_pc(struct vmm *v, uint64_t pc)
{
	struct kvm_one_reg reg = { .id = CORE_REG(regs.pc), .addr = (uintptr_t)&pc };

	if (v->vcpu < 0)
		return -EBADF;
	return ioctl(v->vcpu, KVM_SET_ONE_REG, &reg) ? -errno : 0;
}

int vmm_vcpu_init(struct vmm *v, uint64_t entry)
{
	return vmm_vcpu_init_with(v, entry, 0);
}

/* KVM_ARM_VCPU_FINALIZE for what needs it (SVE). */
static int finalize(struct vmm *v, uint32_t features)
{
	int what = KVM_ARM_VCPU_SVE;

	if (!(features & (1U << KVM_ARM_VCPU_SVE)))
		return 0;
	return ioctl(v->vcpu, KVM_ARM_VCPU_FINALIZE, &what) ? -errno : 0;
}

/* vCPU id of v's VM in v: KVM_ARM_VCPU_INIT with PSCI 0.2 and features, kvm_run mapped. */
static int vcpu_create(struct vmm *v, unsigned int id, uint32_t features)
{
	struct kvm_vcpu_init init;
	int size, ret;

	v->vcpu = ioctl(v->vm, KVM_CREATE_VCPU, id);
	if (v->vcpu < 0)
		return -errno;
	memset(&init, 0, sizeof(init));
	if (ioctl(v->vm, KVM_ARM_PREFERRED_TARGET, &init))
		return -errno;
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2 | features;
	if (ioctl(v->vcpu, KVM_ARM_VCPU_INIT, &init))
		return -errno;
	ret = finalize(v, features);
	if (ret)
		return ret;
	size = ioctl(v->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		return -errno;
	if ((size_t)size < sizeof(struct kvm_run))
		return -EINVAL;
	v->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu, 0);
	if (v->run == MAP_FAILED)
		return -errno;
	v->run_size = size;
	return 0;
}

int vmm_vcpu_init_with(struct vmm *v, uint64_t entry, uint32_t features)
{
	return vcpu_create(v, 0, features) ?: vmm_set_pc(v, entry);
}

int vmm_set_xreg(struct vmm *v, unsigned int n, uint64_t val)
{
	struct kvm_one_reg reg = { .id = CORE_REG(regs.regs[0]) + 2 * n,
				   .addr = (uintptr_t)&val };

	if (n > 30)
		return -EINVAL;
	if (v->vcpu < 0)
		return -EBADF;
	return ioctl(v->vcpu, KVM_SET_ONE_REG, &reg) ? -errno : 0;
}

static int gic_attr(int fd, uint32_t group, uint64_t attr, void *addr)
{
	struct kvm_device_attr a = { .group = group, .attr = attr,
				     .addr = (uintptr_t)addr };

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

int vmm_gic_v3_init(struct vmm *v)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = VMM_GIC_DIST_BASE, redist = VMM_GIC_REDIST_BASE;
	int ret;

	if (v->vm < 0 || v->vcpu < 0)
		return -EBADF;
	if (v->gic >= 0)
		return -EEXIST;
	if (ioctl(v->vm, KVM_CREATE_DEVICE, &dev))
		return -errno;
	v->gic = dev.fd;
	ret = gic_attr(v->gic, KVM_DEV_ARM_VGIC_GRP_ADDR,
		       KVM_VGIC_V3_ADDR_TYPE_DIST, &dist);
	if (!ret)
		ret = gic_attr(v->gic, KVM_DEV_ARM_VGIC_GRP_ADDR,
			       KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist);
	if (!ret)
		ret = gic_attr(v->gic, KVM_DEV_ARM_VGIC_GRP_CTRL,
			       KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	return ret;
}

int vmm_run_once(struct vmm *v)
{
	if (v->vcpu < 0 || v->run == MAP_FAILED)
		return -EBADF;
	if (ioctl(v->vcpu, KVM_RUN, 0) < 0)
		return -errno;
	v->runs++;
	return 0;
}

/* Timeout: SIGALRM sets immediate_exit, so KVM_RUN returns EINTR even if
 * the signal lands between two KVM_RUN calls. */
static struct kvm_run *volatile alarm_run;
static volatile sig_atomic_t alarm_fired;

static void on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
	if (alarm_run)
		alarm_run->immediate_exit = 1;
}

static void set_alarm(struct vmm *v, int timeout_ms)
{
	struct itimerval it = { .it_value = {
		.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 } };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = timeout_ms > 0 ? on_alarm : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	alarm_fired = 0;
	alarm_run = timeout_ms > 0 ? v->run : NULL;
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: KVM_RUN gets EINTR */
	setitimer(ITIMER_REAL, &it, NULL);
}

static pthread_mutex_t console_lock = PTHREAD_MUTEX_INITIALIZER;

static void uart_byte(struct vmm *v, uint8_t c)
{
	if (v->console) {
		pthread_mutex_lock(&console_lock);
		uart_byte(v->console, c);
		pthread_mutex_unlock(&console_lock);
		return;
	}
	v->out_total++;
	if (c == '\n' || v->line_len == sizeof(v->line) - 1) {
		v->line[v->line_len] = 0;
		if (v->expect && strstr(v->line, v->expect))
			v->expect_seen = true;
		v->line_len = 0;
	}
	if (c != '\n')
		v->line[v->line_len++] = (char)c;
	if (v->out_len < sizeof(v->out) - 1) {
		v->out[v->out_len++] = (char)c;
		v->out[v->out_len] = 0;
	}
	if (v->echo) {
		fputc(c, v->echo);
		if (c == '\n')
			fflush(v->echo);
	}
}

/* What an idle PL011 reads as: UARTFR (0x18) TX and RX FIFOs empty,
 * UARTPeriphID0-3 and UARTPCellID0-3 (0xfe0-0xffc); 0 elsewhere. */
static void uart_read(uint64_t off, uint8_t *data, unsigned int len)
{
	static const uint8_t ids[8] = { 0x11, 0x10, 0x14, 0x00,
					0x0d, 0xf0, 0x05, 0xb1 };
	uint32_t val = 0;

	if (off == 0x18)
		val = 0x90;			/* TXFE | RXFE */
	else if (off >= 0xfe0 && off <= 0xffc && !(off & 3))
		val = ids[(off - 0xfe0) / 4];
	memset(data, 0, 8);
	for (unsigned int i = 0; i < len && i < 4; i++)
		data[i] = (uint8_t)(val >> (8 * i));
}

#define KEEP_RUNNING	(-1)

/* KEEP_RUNNING, or a vmm_exit value. */
static int handle_exit(struct vmm *v)
{
	struct kvm_run *run = v->run;
	uint64_t pc = 0;
	struct kvm_one_reg reg = { .id = CORE_REG(regs.pc), .addr = (uintptr_t)&pc };

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		if (run->mmio.phys_addr >= VMM_UART_BASE &&
		    run->mmio.phys_addr < VMM_UART_BASE + VMM_UART_SIZE &&
		    run->mmio.len <= 8) {
			if (!run->mmio.is_write)
				uart_read(run->mmio.phys_addr - VMM_UART_BASE,
					  run->mmio.data, run->mmio.len);
			else if (run->mmio.phys_addr == VMM_UART_BASE)
				uart_byte(v, run->mmio.data[0]);
			return KEEP_RUNNING;
		}
		ioctl(v->vcpu, KVM_GET_ONE_REG, &reg);
		snprintf(v->why, sizeof(v->why),
			 "MMIO %s at 0x%llx (len %u) outside the UART, pc=0x%llx",
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.phys_addr, run->mmio.len,
			 (unsigned long long)pc);
		return VMM_EXIT_UNHANDLED;
	case KVM_EXIT_SYSTEM_EVENT:
		if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN)
			return VMM_EXIT_SHUTDOWN;
		snprintf(v->why, sizeof(v->why), "system event %u (%s)",
			 run->system_event.type,
			 run->system_event.type == KVM_SYSTEM_EVENT_RESET ? "reset" :
			 run->system_event.type == KVM_SYSTEM_EVENT_CRASH ? "crash" :
			 "not shutdown");
		return VMM_EXIT_UNHANDLED;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(v->why, sizeof(v->why), "KVM_EXIT_FAIL_ENTRY, reason 0x%llx",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return VMM_EXIT_UNHANDLED;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(v->why, sizeof(v->why), "KVM_EXIT_INTERNAL_ERROR, suberror %u",
			 run->internal.suberror);
		return VMM_EXIT_UNHANDLED;
	default:
		ioctl(v->vcpu, KVM_GET_ONE_REG, &reg);
		snprintf(v->why, sizeof(v->why), "exit reason %u, pc=0x%llx",
			 run->exit_reason, (unsigned long long)pc);
		return VMM_EXIT_UNHANDLED;
	}
}

int vmm_run(struct vmm *v, int timeout_ms)
{
	int ret;

	v->why[0] = 0;
	if (!v->console)	/* a secondary leaves the process's timer to vCPU 0 */
		set_alarm(v, timeout_ms);
	for (;;) {
		ret = vmm_run_once(v);
		if (ret == -EINTR && v->stop)
			break;
		if (ret == -EINTR && alarm_fired) {
			snprintf(v->why, sizeof(v->why), "no shutdown after %d ms",
				 timeout_ms);
			ret = VMM_EXIT_TIMEOUT;
			break;
		}
		if (ret == -EINTR && !v->runs)
			v->eintr_before_run++;
		if (ret == -EINTR || ret == -EAGAIN)
			continue;
		if (ret < 0)
			break;
		ret = handle_exit(v);
		if (ret != KEEP_RUNNING)
			break;
	}
	if (!v->console)
		set_alarm(v, 0);
	if (v->run != MAP_FAILED && !v->stop)
		v->run->immediate_exit = 0;
	if (v->echo)
		fflush(v->echo);
	return ret;
}

int vmm_vcpu_add(struct vmm *v, struct vmm *sec, unsigned int id, bool off)
{
	memset(sec, 0, sizeof(*sec));
	sec->kvm = v->kvm;
	sec->vm = v->vm;
	sec->gic = -1;
	sec->mem = MAP_FAILED;
	sec->run = MAP_FAILED;
	sec->console = v;
	return vcpu_create(sec, id, off ? 1U << KVM_ARM_VCPU_POWER_OFF : 0);
}

void vmm_vcpu_remove(struct vmm *sec)
{
	if (sec->run != MAP_FAILED && sec->run)
		munmap(sec->run, sec->run_size);
	sec->run = MAP_FAILED;
	if (sec->vcpu >= 0)
		close(sec->vcpu);
	sec->vcpu = -1;
}

static void on_kick(int sig)
{
	(void)sig;
}

static void *secondary_thread(void *arg)
{
	struct vmm *sec = arg;
	sigset_t alarm;
	int ret;

	/* vmm_run()'s SIGALRM is vCPU 0's timeout, not this thread's. */
	sigemptyset(&alarm);
	sigaddset(&alarm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alarm, NULL);
	ret = vmm_run(sec, 0);
	sec->result = ret;
	if (!sec->stop) {
		/* The guest powered off from this vCPU (or it failed): vCPU 0,
		 * asleep in KVM_RUN now, ends its vmm_run() with EINTR. */
		struct vmm *v0 = sec->console;

		sec->ended = true;
		v0->stop = true;
		v0->run->immediate_exit = 1;
		pthread_kill(v0->thread, SIGUSR2);
	}
	sec->done = true;
	return NULL;
}

int vmm_secondary_start(struct vmm *sec)
{
	struct sigaction sa;
	int ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_kick;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);	/* no SA_RESTART: KVM_RUN gets EINTR */

	sec->stop = false;
	sec->done = false;
	sec->ended = false;
	sec->console->thread = pthread_self();
	ret = -pthread_create(&sec->thread, NULL, secondary_thread, sec);
	sec->started = !ret;
	return ret;
}

void vmm_secondary_stop(struct vmm *sec)
{
	if (!sec->started)
		return;
	sec->started = false;
	sec->stop = true;
	sec->run->immediate_exit = 1;
	while (!sec->done) {
		pthread_kill(sec->thread, SIGUSR2);
		usleep(10000);
	}
	pthread_join(sec->thread, NULL);
	sec->run->immediate_exit = 0;
}

long long vmm_debugfs_read(struct vmm *v, const char *file)
{
	char path[128], buf[32] = "";
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%d-%d/%s", getpid(), v->vm, file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return VMM_NO_VALUE;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtoll(buf, NULL, 0) : VMM_NO_VALUE;
}

void vmm_destroy(struct vmm *v)
{
	/* The VM must be gone before its memory is unmapped: close the
	 * vCPU's mapping and fd, then the VM (its last reference). */
	vmm_vcpu_remove(v);
	if (v->gic >= 0)
		close(v->gic);
	v->gic = -1;
	if (v->vm >= 0)
		close(v->vm);
	v->vm = -1;
	if (v->mem != MAP_FAILED && v->mem)
		munmap(v->mem, v->mem_size);
	v->mem = MAP_FAILED;
	if (v->own_kvm && v->kvm >= 0)
		close(v->kvm);
	v->kvm = -1;
}

/* --- the command line tool ----------------------------------------------- */

#ifndef VMM_NO_MAIN

#define PROG "bootops-vmm"
#define MAX_SMP		8

struct image_arg {
	const char *file;
	const char *sig_file;
	uint64_t addr;
	void *data;
	size_t size;
	uint8_t sig[VMM_SIG_SIZE];
};

static bool quiet;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs(PROG ": error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: " PROG " [--plain | --private-mem] [--expect-reject] [--quiet]\n"
"                   --mem SIZE@BASE [--manifest FILE]\n"
"                   --image FILE@ADDR[,sig=SIGFILE]...\n"
"                   [--entry ADDR] [--x0 VALUE] [--gic-v3] [--timeout-ms N]\n"
"                   [--smp N] [--expect-output TEXT]\n"
"\n"
"  --mem SIZE@BASE     guest RAM: one memslot (e.g. 2M@0x80000000)\n"
"  --image FILE@ADDR[,sig=SIGFILE]\n"
"                      copy FILE to guest address ADDR (4 KiB aligned) and\n"
"                      declare it with the raw 64-byte signature SIGFILE\n"
"                      (made by bootops-sign sign --load-addr ADDR); up to %d\n"
"  --manifest FILE     the owner's signed boot manifest (bootops-sign manifest):\n"
"                      the images, in its order, need no SIGFILE\n"
"  --entry ADDR        initial PC (default: the first image's address)\n"
"  --x0 VALUE          initial x0 (a Linux Image: the DTB's guest address)\n"
"  --gic-v3            in-kernel GICv3: distributor 0x%llx, redistributor\n"
"                      0x%llx (a Linux guest needs it for its timer)\n"
"  --plain             a VM without boot ops: images are copied, not declared\n"
"  --private-mem       guest memory becomes the VM's (the host cannot read it)\n"
"  --timeout-ms N      give up after N ms (default 10000, 0: never)\n"
"  --smp N             N vCPUs (up to %d): 1..N-1 off until PSCI CPU_ON\n"
"  --expect-output TEXT  fail unless the guest's output contains TEXT\n"
"  --expect-reject     exit 0 if and only if the hypervisor rejects the images\n"
"  --quiet             no verdict lines on stderr (errors still appear)\n"
"\n"
"Guest stores to 0x%llx (UART data) go to stdout; PSCI SYSTEM_OFF ends it.\n"
"Exit: 0 guest shut down, 3 images rejected (EKEYREJECTED), 1 other error.\n",
		VMM_MAX_IMAGES, VMM_GIC_DIST_BASE, VMM_GIC_REDIST_BASE, MAX_SMP,
		VMM_UART_BASE);
}

/* vCPUs 1..nr-1 of vm, powered off; 0 or -errno. */
static int add_secondaries(struct vmm *vm, struct vmm *sec, unsigned int nr)
{
	int ret;

	for (unsigned int i = 1; i < nr; i++) {
		ret = vmm_vcpu_add(vm, &sec[i - 1], i, true);
		if (ret)
			return ret;
	}
	return 0;
}

static int start_secondaries(struct vmm *sec, unsigned int nr)
{
	int ret;

	for (unsigned int i = 1; i < nr; i++) {
		ret = vmm_secondary_start(&sec[i - 1]);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * vCPU 0's run ended: stop the others.  If one of them ended it (the
 * guest powered off from that vCPU), its result is the run's.
 */
static int stop_secondaries(struct vmm *sec, unsigned int nr, int ret)
{
	for (unsigned int i = 1; i < nr; i++) {
		struct vmm *s = &sec[i - 1];

		vmm_secondary_stop(s);
		if (ret == -EINTR && s->ended) {
			ret = s->result;
			memcpy(s->console->why, s->why, sizeof(s->why));
		}
		vmm_vcpu_remove(s);
	}
	return ret;
}

/* "FILE@ADDR[,sig=SIGFILE]": modifies arg in place.  FILE may contain
 * '@' (the last one before ",sig=" counts), SIGFILE may contain anything. */
static int parse_image(char *arg, struct image_arg *img)
{
	char *sig = strstr(arg, ",sig="), *at;

	memset(img, 0, sizeof(*img));
	if (sig) {
		*sig = 0;
		img->sig_file = sig + 5;
		if (!*img->sig_file)
			return -1;
	}
	at = strrchr(arg, '@');
	if (!at || at == arg)
		return -1;
	*at++ = 0;
	img->file = arg;
	return vmm_parse_u64(at, &img->addr) ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct image_arg images[VMM_MAX_IMAGES];
	uint64_t mem_base = 0, mem_size = 0, entry = 0, x0 = 0, tmp;
	bool plain = false, expect_reject = false, have_mem = false, have_entry = false;
	bool gic_v3 = false, have_x0 = false, private_mem = false;
	int nimages = 0, timeout_ms = 10000, ret, rc = 1;
	static struct vmm sec[MAX_SMP - 1];
	const char *expect_output = NULL, *manifest_file = NULL;
	void *manifest = NULL;
	size_t manifest_size = 0;
	unsigned int smp = 1;
	struct vmm vm;

	for (unsigned int i = 0; i < MAX_SMP - 1; i++)
		sec[i].vcpu = -1;
	setvbuf(stdout, NULL, _IOFBF, 0);	/* flushed at each newline */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--plain")) {
			plain = true;
		} else if (!strcmp(a, "--expect-reject")) {
			expect_reject = true;
		} else if (!strcmp(a, "--quiet")) {
			quiet = true;
		} else if (!strcmp(a, "--mem") && val) {
			char *at = strchr(val, '@');

			i++;
			if (!at)
				goto bad_arg;
			*at = 0;
			if (vmm_parse_u64(val, &mem_size) ||
			    vmm_parse_u64(at + 1, &mem_base)) {
				*at = '@';
				goto bad_arg;
			}
			*at = '@';
			have_mem = true;
		} else if (!strcmp(a, "--image") && val) {
			i++;
			if (nimages == VMM_MAX_IMAGES) {
				err("more than %d images", VMM_MAX_IMAGES);
				return 1;
			}
			/* A copy: parse_image() cuts it, val stays whole. */
			if (parse_image(strdup(val) ?: "", &images[nimages]))
				goto bad_arg;
			nimages++;
		} else if (!strcmp(a, "--manifest") && val) {
			i++;
			manifest_file = val;
		} else if (!strcmp(a, "--entry") && val) {
			i++;
			if (vmm_parse_u64(val, &entry))
				goto bad_arg;
			have_entry = true;
		} else if (!strcmp(a, "--gic-v3")) {
			gic_v3 = true;
		} else if (!strcmp(a, "--private-mem")) {
			private_mem = true;
		} else if (!strcmp(a, "--x0") && val) {
			i++;
			if (vmm_parse_u64(val, &x0))
				goto bad_arg;
			have_x0 = true;
		} else if (!strcmp(a, "--timeout-ms") && val) {
			i++;
			if (vmm_parse_u64(val, &tmp) || tmp > INT_MAX)
				goto bad_arg;
			timeout_ms = (int)tmp;
		} else if (!strcmp(a, "--smp") && val) {
			i++;
			if (vmm_parse_u64(val, &tmp) || !tmp || tmp > MAX_SMP)
				goto bad_arg;
			smp = (unsigned int)tmp;
		} else if (!strcmp(a, "--expect-output") && val) {
			i++;
			expect_output = val;
		} else {
			err("unknown or incomplete option '%s'", a);
			usage(stderr);
			return 1;
		}
		continue;
bad_arg:
		err("bad value for %s: '%s'", a, val);
		usage(stderr);
		return 1;
	}
	if (!have_mem || !nimages) {
		err("--mem and at least one --image are required");
		usage(stderr);
		return 1;
	}
	if (!have_entry)
		entry = images[0].addr;

	/* Read everything before touching KVM. */
	if (manifest_file && !plain) {
		ret = vmm_read_file(manifest_file, VMM_MANIFEST_MAX, &manifest, &manifest_size);
		if (ret) {
			err("%s: %s", manifest_file,
			    ret == -EFBIG ? "too large for a manifest" : strerror(-ret));
			return 1;
		}
	}
	for (int i = 0; i < nimages; i++) {
		struct image_arg *im = &images[i];
		long sig_size = 0;

		ret = vmm_read_file(im->file, mem_size, &im->data, &im->size);
		if (ret == -EFBIG) {
			err("%s: larger than guest memory (%#llx bytes)", im->file,
			    (unsigned long long)mem_size);
			return 1;
		}
		if (ret) {
			err("%s: %s", im->file, strerror(-ret));
			return 1;
		}
		if (!im->size) {
			err("%s: empty image", im->file);
			return 1;
		}
		if (plain || (manifest && !im->sig_file))
			continue;
		if (!im->sig_file) {
			err("%s: no signature (--image %s@%#llx,sig=SIGFILE; or --plain)",
			    im->file, im->file, (unsigned long long)im->addr);
			return 1;
		}
		ret = vmm_read_sig(im->sig_file, im->sig, &sig_size);
		if (ret == -EMSGSIZE) {
			if (sig_size < 0)
				err("%s: not a signature: must be exactly %d bytes (raw r || s), it is larger",
				    im->sig_file, VMM_SIG_SIZE);
			else
				err("%s: not a signature: must be exactly %d bytes (raw r || s), it has %ld",
				    im->sig_file, VMM_SIG_SIZE, sig_size);
			return 1;
		}
		if (ret) {
			err("%s: %s", im->sig_file, strerror(-ret));
			return 1;
		}
	}

	ret = vmm_create(&vm, -1, plain ? VMM_PLAIN : private_mem ? VMM_BOOTOPS_PRIVATE :
			 VMM_BOOTOPS, mem_base, mem_size);
	if (ret) {
		if (ret == -ENOENT || ret == -EACCES)
			err("/dev/kvm: %s", strerror(-ret));
		else if (!plain && ret == -EINVAL)
			err("KVM_CREATE_VM with KVM_VM_TYPE_ARM_BOOTOPS (or the memslot %#llx@%#llx): %s "
			    "(kernel without boot ops, or not in protected mode?)",
			    (unsigned long long)mem_size, (unsigned long long)mem_base,
			    strerror(-ret));
		else
			err("creating the VM with %#llx bytes at %#llx: %s",
			    (unsigned long long)mem_size, (unsigned long long)mem_base,
			    strerror(-ret));
		return 1;
	}
	vm.echo = stdout;
	vm.expect = expect_output;
	say("VM created (%s), memory %#llx bytes at %#llx",
	    plain ? "plain: no boot ops" : "boot ops: signed images only",
	    (unsigned long long)mem_size, (unsigned long long)mem_base);

	if (manifest) {
		ret = vmm_set_manifest(&vm, manifest, manifest_size);
		if (ret) {
			err("KVM_ARM_BOOTOPS_SET_MANIFEST %s: refused: %s (%s)", manifest_file,
			    vmm_errname(ret), strerror(-ret));
			goto out;
		}
		say("manifest %s given (%zu bytes)", manifest_file, manifest_size);
	}
	for (int i = 0; i < nimages; i++) {
		struct image_arg *im = &images[i];

		ret = vmm_load(&vm, im->addr, im->data, im->size);
		if (ret) {
			err("%s: %#llx + %zu bytes is not inside guest memory [%#llx, %#llx)",
			    im->file, (unsigned long long)im->addr, im->size,
			    (unsigned long long)mem_base,
			    (unsigned long long)(mem_base + mem_size));
			goto out;
		}
		if (plain) {
			say("image %d loaded at %#llx (%zu bytes, %s), not declared (plain VM)",
			    i, (unsigned long long)im->addr, im->size, im->file);
			continue;
		}
		ret = vmm_declare(&vm, im->addr, im->size, im->sig);
		if (ret < 0) {
			err("KVM_ARM_BOOTOPS_DECLARE_IMAGE %s at %#llx (%zu bytes): refused: %s (%s)%s",
			    im->file, (unsigned long long)im->addr, im->size,
			    vmm_errname(ret), strerror(-ret),
			    ret == -ENOTTY ? ": kernel without boot ops" : "");
			goto out;
		}
		say("image %d declared at %#llx (%zu bytes, %s, signature %s)",
		    ret, (unsigned long long)im->addr, im->size, im->file,
		    im->sig_file ?: "in the manifest");
	}

	ret = vmm_vcpu_init(&vm, entry);
	if (ret) {
		err("setting up vCPU 0: %s (%s)", vmm_errname(ret), strerror(-ret));
		goto out;
	}
	if (have_x0) {
		ret = vmm_set_xreg(&vm, 0, x0);
		if (ret) {
			err("setting x0: %s (%s)", vmm_errname(ret), strerror(-ret));
			goto out;
		}
	}
	ret = add_secondaries(&vm, sec, smp);
	if (ret) {
		err("setting up vCPUs 1..%u: %s (%s)", smp - 1, vmm_errname(ret), strerror(-ret));
		goto out;
	}
	if (gic_v3) {
		ret = vmm_gic_v3_init(&vm);
		if (ret) {
			err("in-kernel GICv3 (dist %#llx, redist %#llx): %s (%s)",
			    VMM_GIC_DIST_BASE, VMM_GIC_REDIST_BASE,
			    vmm_errname(ret), strerror(-ret));
			goto out;
		}
		say("GICv3 in the kernel: distributor %#llx, redistributor %#llx",
		    VMM_GIC_DIST_BASE, VMM_GIC_REDIST_BASE);
	}
	if (have_x0)
		say("vCPU 0: PSCI 0.2, pc=%#llx, x0=%#llx; running",
		    (unsigned long long)entry, (unsigned long long)x0);
	else
		say("vCPU 0: PSCI 0.2, pc=%#llx; running", (unsigned long long)entry);
	if (smp > 1)
		say("vCPUs 1..%u: powered off, each in a thread, until the guest's CPU_ON",
		    smp - 1);

	ret = start_secondaries(sec, smp);
	if (!ret)
		ret = vmm_run(&vm, timeout_ms);
	ret = stop_secondaries(sec, smp, ret);
	if (ret == -EKEYREJECTED) {
		say("KVM_RUN: images rejected by the hypervisor (EKEYREJECTED)");
		rc = 3;
	} else if (ret < 0) {
		err("KVM_RUN: %s (%s)%s", vmm_errname(ret), strerror(-ret),
		    ret == -ENOEXEC ? ": no image declared" : "");
	} else if (ret == VMM_EXIT_SHUTDOWN) {
		if (!plain)
			say("images verified by the hypervisor; the guest ran");
		say("guest shut down (PSCI SYSTEM_OFF) after %u exits, %zu bytes of output",
		    vm.runs, vm.out_total);
		rc = 0;
		if (expect_output && !vm.expect_seen) {
			err("the guest's output lacks \"%s\" (--expect-output)", expect_output);
			rc = 1;
		}
	} else {
		err("%s: %s", ret == VMM_EXIT_TIMEOUT ? "timeout" : "unhandled exit",
		    vm.why);
	}
out:
	stop_secondaries(sec, smp, 0);
	vmm_destroy(&vm);
	fflush(stdout);
	for (int i = 0; i < nimages; i++)
		free(images[i].data);
	if (expect_reject) {
		if (rc == 3) {
			say("PASS: rejected, as expected (--expect-reject)");
			return 0;
		}
		if (rc == 0)
			err("FAIL: the guest ran, but a rejection was expected (--expect-reject)");
		else
			err("FAIL: no rejection (--expect-reject)");
		return 1;
	}
	return rc;
}
#endif /* VMM_NO_MAIN */
