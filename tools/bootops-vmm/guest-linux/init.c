// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the Linux guest that bootops-vmm boots from signed images:
 * says hello on the console, says which CPUs are online (a guest with two
 * vCPUs brought the second up with PSCI CPU_ON) and powers the VM off
 * (PSCI SYSTEM_OFF, which ends bootops-vmm's run).  Static, no libc beyond syscalls' wrappers.
 *
 * With "guest.disk=NAME" on its command line (the DTB's, so signed with
 * it), it first mounts the ext2 disk /dev/vda and writes NAME there: a
 * line saying which kernel wrote it, which the host reads back from the
 * disk image after the run (selftests/qemu/qemu_guests.sh).  A kernel
 * whose drivers are modules (Debian's) finds them in /modules, loaded in
 * the order /modules/order lists them.  With "guest.reboot=1" it resets
 * the machine (PSCI SYSTEM_RESET) instead of powering it off.  Given a
 * virtio console (/dev/hvc0), it says hello there too.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void say(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= w;
	}
}

static void say_cpus_online(int fd)
{
	char buf[64] = "", line[96];
	ssize_t n;
	int f;

	mkdir("/sys", 0755);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	f = open("/sys/devices/system/cpu/online", O_RDONLY);
	if (f < 0)
		return;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return;
	buf[strcspn(buf, "\n")] = 0;
	snprintf(line, sizeof(line), "guest: cpus-online=%s\n", buf);
	say(fd, line);
}

static void say_on_virtio_console(int fd)
{
	int hvc = open("/dev/hvc0", O_WRONLY | O_NOCTTY);

	if (hvc < 0)
		return;
	say(hvc, "hello over virtio-console\n");
	close(hvc);
	say(fd, "guest: said hello on /dev/hvc0\n");
}

/* The value of "KEY=" on the kernel command line, into val. */
static int cmdline_value(const char *key, char *val, size_t len)
{
	char buf[1024], *p;
	ssize_t n;
	int f;

	mkdir("/proc", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	f = open("/proc/cmdline", O_RDONLY);
	if (f < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (p = strtok(buf, " \n"); p; p = strtok(NULL, " \n")) {
		if (!strncmp(p, key, strlen(key)) && p[strlen(key)] == '=') {
			snprintf(val, len, "%s", p + strlen(key) + 1);
			return 0;
		}
	}
	return -1;
}

static void load_modules(int fd)
{
	char list[1024], path[160], line[200], *m;
	ssize_t n;
	int f, mod;

	f = open("/modules/order", O_RDONLY);
	if (f < 0)
		return;
	n = read(f, list, sizeof(list) - 1);
	close(f);
	if (n <= 0)
		return;
	list[n] = 0;
	for (m = strtok(list, "\n"); m; m = strtok(NULL, "\n")) {
		snprintf(path, sizeof(path), "/modules/%s", m);
		mod = open(path, O_RDONLY);
		if (mod < 0 || syscall(SYS_finit_module, mod, "", 0)) {
			snprintf(line, sizeof(line), "guest: cannot load %s\n", m);
			say(fd, line);
		}
		if (mod >= 0)
			close(mod);
	}
}

static void write_to_disk(int fd, const char *name)
{
	char path[160], line[256];
	struct utsname u;
	int f, i;

	mkdir("/mnt", 0755);
	load_modules(fd);
	/* The disk's driver may still be probing. */
	for (i = 0; i < 50 && access("/dev/vda", F_OK); i++)
		usleep(100000);
	if (mount("/dev/vda", "/mnt", "ext2", 0, NULL) &&
	    mount("/dev/vda", "/mnt", "ext4", 0, NULL)) {
		say(fd, "guest: cannot mount /dev/vda\n");
		return;
	}
	snprintf(path, sizeof(path), "/mnt/%s", name);
	f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f >= 0) {
		uname(&u);
		snprintf(line, sizeof(line), "written by the guest's kernel %s\n",
			 u.release);
		say(f, line);
		fsync(f);
		close(f);
		snprintf(line, sizeof(line), "guest: wrote /dev/vda:/%s\n", name);
		say(fd, line);
	}
	umount("/mnt");
}

int main(void)
{
	char disk[128], reset[8];
	struct utsname u;
	struct timespec ts;
	char buf[256];
	int fd;

	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_WRONLY | O_NOCTTY);
	if (fd < 0)
		fd = open("/dev/kmsg", O_WRONLY);
	if (fd < 0)
		fd = 1;
	say(fd, "hello from a verified Linux guest\n");
	say_on_virtio_console(fd);
	say_cpus_online(fd);
	if (!cmdline_value("guest.disk", disk, sizeof(disk)))
		write_to_disk(fd, disk);
	clock_gettime(CLOCK_BOOTTIME, &ts);
	if (!uname(&u)) {
		snprintf(buf, sizeof(buf),
			 "guest: %s %s %s, up %ld.%02ld s; powering off\n",
			 u.sysname, u.release, u.machine, (long)ts.tv_sec,
			 ts.tv_nsec / 10000000);
		say(fd, buf);
	}
	sync();
	if (!cmdline_value("guest.reboot", reset, sizeof(reset)) && reset[0] == '1') {
		say(fd, "guest: rebooting\n");
		reboot(RB_AUTOBOOT);
	}
	reboot(RB_POWER_OFF);
	say(fd, "guest: reboot(RB_POWER_OFF) failed\n");
	for (;;)
		pause();
}
