// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the Linux guest that bootops-vmm boots from signed images:
 * says hello on the console, says which CPUs are online (a guest with two
 * vCPUs brought the second up with PSCI CPU_ON) and powers the VM off
 * (PSCI SYSTEM_OFF, which ends bootops-vmm's run).  Static, no libc beyond syscalls' wrappers.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
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

int main(void)
{
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
	say_cpus_online(fd);
	clock_gettime(CLOCK_BOOTTIME, &ts);
	if (!uname(&u)) {
		snprintf(buf, sizeof(buf),
			 "guest: %s %s %s, up %ld.%02ld s; powering off\n",
			 u.sysname, u.release, u.machine, (long)ts.tv_sec,
			 ts.tv_nsec / 10000000);
		say(fd, buf);
	}
	sync();
	reboot(RB_POWER_OFF);
	say(fd, "guest: reboot(RB_POWER_OFF) failed\n");
	for (;;)
		pause();
}
