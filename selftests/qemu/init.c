// SPDX-License-Identifier: GPL-2.0
/*
 * bootops test /init: PID 1 of the QEMU initramfs.
 *
 * Mounts proc, sysfs, devtmpfs and debugfs, then runs every test listed in
 * /tests/list (one path relative to /tests per line, optional arguments,
 * '#' comments) with a per-test timeout, and reports in TAP 13.  A line
 * ending in " #known-failure <reason>" is a test that fails on vanilla
 * 6.12 too: its failure is reported as a TAP TODO and does not count as
 * one, and its passing is flagged, so that a new failure stands out:
 *
 *   TAP version 13
 *   1..N
 *   # <test output, prefixed>
 *   ok 1 - name
 *   not ok 2 - name # exit code 1
 *   ...
 *   not ok 3 - name # TODO known failure: <reason> (exit code 1)
 *   N passed, N failed[, N skipped][, N known failures][, N known failures passed]
 *   BOOTOPS-DONE rc=<0|1>
 *
 * then powers the machine off.  An extra last test point checks that the
 * kernel log has no BUG/WARNING/Oops/panic lines ("kernel log clean").
 *
 * Kernel command line knobs (read from /proc/cmdline):
 *   bootops.timeout=N      per-test timeout in seconds (default 300)
 *   bootops.dmesg=1        dump the whole kernel log at the end
 *   bootops.dmesgcheck=0   skip the "kernel log clean" test point
 *   bootops.shell=...      (unused, reserved)
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TESTS_DIR "/tests"
#define TEST_LIST TESTS_DIR "/list"
#define MAX_TESTS 256
#define MAX_ARGS 64
#define KSFT_SKIP 4

static int opt_timeout = 300;
static bool opt_dmesg;
static bool opt_dmesgcheck = true;

static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void do_mount(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		out("# init: mount %s on %s failed: %s\n", type, dst,
		    strerror(errno));
}

/* Make sure fds 0-2 are the console, even if the kernel could not open it. */
static void setup_console(void)
{
	int fd;

	if (fcntl(1, F_GETFD) != -1)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

static void parse_cmdline(void)
{
	char buf[4096], *tok, *save;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		return;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	out("# cmdline: %s\n", buf);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (!strncmp(tok, "bootops.timeout=", 16))
			opt_timeout = atoi(tok + 16) > 0 ? atoi(tok + 16) : opt_timeout;
		else if (!strncmp(tok, "bootops.dmesg=", 14))
			opt_dmesg = atoi(tok + 14) != 0;
		else if (!strncmp(tok, "bootops.dmesgcheck=", 19))
			opt_dmesgcheck = atoi(tok + 19) != 0;
	}
}

#define KNOWN_FAILURE " #known-failure "
#define KNOWN_WARNING " #known-warning "

struct test {
	char line[512];		/* as written in the list: the TAP name */
	char known[256];	/* why it fails on vanilla 6.12 too, or "" */
	char warn[256];		/* why it may leave a kernel warning, or "" */
};

/* Cuts " #tag reason" off s into out (empty without the tag). */
static void take_tag(char *s, const char *tag, char *out, size_t len)
{
	char *k = strstr(s, tag);

	out[0] = 0;
	if (k) {
		snprintf(out, len, "%s", k + strlen(tag));
		*k = 0;
	}
}

/*
 * "cmd args [#known-warning reason] [#known-failure reason]": the test,
 * and why it may fail or leave a kernel warning.
 */
static void parse_test(struct test *t, char *s)
{
	take_tag(s, KNOWN_FAILURE, t->known, sizeof(t->known));
	take_tag(s, KNOWN_WARNING, t->warn, sizeof(t->warn));
	snprintf(t->line, sizeof(t->line), "%s", s);
}

static int read_list(struct test *tests)
{
	char buf[512];
	int n = 0;
	FILE *f = fopen(TEST_LIST, "r");

	if (!f) {
		out("# init: no %s: %s\n", TEST_LIST, strerror(errno));
		return 0;
	}
	while (n < MAX_TESTS && fgets(buf, sizeof(buf), f)) {
		char *s = buf, *e;

		while (isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = 0;
		if (!*s || *s == '#')
			continue;
		parse_test(&tests[n++], s);
	}
	fclose(f);
	return n;
}

/* Print what the test wrote, line by line, as TAP diagnostics. */
struct outbuf {
	char buf[4096];
	size_t len;
};

static void emit(struct outbuf *ob, const char *data, size_t n, bool flush)
{
	for (size_t i = 0; i < n; i++) {
		char c = data[i];

		if (c == '\n' || ob->len == sizeof(ob->buf) - 1) {
			ob->buf[ob->len] = 0;
			out("# %s\n", ob->buf);
			ob->len = 0;
			if (c == '\n')
				continue;
		}
		if (c != '\r')
			ob->buf[ob->len++] = c;
	}
	if (flush && ob->len) {
		ob->buf[ob->len] = 0;
		out("# %s\n", ob->buf);
		ob->len = 0;
	}
}

enum result { PASS, FAIL, SKIP };

static enum result run_test(int num, const char *line, char *why, size_t whylen)
{
	char argbuf[512], *argv[MAX_ARGS + 1], *save, *tok, path[600];
	int pfd[2], argc = 0, status = 0;
	struct outbuf ob = { .len = 0 };
	bool timed_out = false, exited = false, eof = false;
	double start = now(), deadline = start + opt_timeout;
	pid_t pid;

	snprintf(argbuf, sizeof(argbuf), "%s", line);
	for (tok = strtok_r(argbuf, " \t", &save); tok && argc < MAX_ARGS;
	     tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (argv[0][0] == '/')
		snprintf(path, sizeof(path), "%s", argv[0]);
	else
		snprintf(path, sizeof(path), TESTS_DIR "/%s", argv[0]);

	if (pipe2(pfd, O_CLOEXEC)) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return FAIL;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return FAIL;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (null >= 0)
			dup2(null, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		if (chdir(TESTS_DIR))
			_exit(127);
		execv(path, argv);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(pfd[1]);
	out("# [%d] running %s (timeout %ds)\n", num, line, opt_timeout);

	while (!eof || !exited) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		double left = deadline - now();
		char buf[1024];
		ssize_t r;

		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = true;
			/*
			 * Tests must not leave processes behind: as PID 1,
			 * kill(-1) reaches every other process, so the pipe
			 * gets its EOF.  Drain what is left for at most 2 s.
			 */
			kill(-1, SIGKILL);
			if (deadline > now() + 2)
				deadline = now() + 2;
			continue;
		}
		if (left <= 0 && !exited) {
			timed_out = true;
			kill(-1, SIGKILL);
			waitpid(pid, &status, 0);
			exited = true;
			deadline = now() + 2;	/* grace period to drain */
			continue;
		}
		if (left <= 0 && exited)
			break;
		if (eof) {
			/* Output done, child still running: wait a bit. */
			usleep(10000);
			continue;
		}
		if (poll(&p, 1, left > 0.05 ? 50 : (int)(left * 1000) + 1) <= 0)
			continue;
		r = read(pfd[0], buf, sizeof(buf));
		if (r > 0)
			emit(&ob, buf, r, false);
		else if (r == 0 || errno != EINTR)
			eof = true;
	}
	emit(&ob, "", 0, true);
	close(pfd[0]);
	/* PID 1 inherits every orphan: reap them. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;

	out("# [%d] %s: %.2f s\n", num, line, now() - start);
	if (timed_out) {
		snprintf(why, whylen, "TIMEOUT after %d s", opt_timeout);
		return FAIL;
	}
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) == 0)
			return PASS;
		if (WEXITSTATUS(status) == KSFT_SKIP) {
			snprintf(why, whylen, "SKIP");
			return SKIP;
		}
		snprintf(why, whylen, "exit code %d", WEXITSTATUS(status));
		return FAIL;
	}
	if (WIFSIGNALED(status)) {
		snprintf(why, whylen, "killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
		return FAIL;
	}
	snprintf(why, whylen, "unknown status 0x%x", status);
	return FAIL;
}

static char *read_dmesg(void)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf;

	if (len <= 0)
		len = 1 << 17;
	buf = malloc(len + 1);
	if (!buf)
		return NULL;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (len < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = 0;
	return buf;
}

static bool is_bad_line(const char *l)
{
	static const char *const bad[] = {
		"BUG:", "WARNING:", "Oops", "Kernel panic", "kernel BUG",
		"Internal error", "Call trace:", "hyp panic", "nVHE hyp panic",
		"Unable to handle", "INFO: task", "rcu_sched self-detected",
		"rcu: INFO",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strstr(l, bad[i]))
			return true;
	return false;
}

static bool is_interesting_line(const char *l)
{
	return is_bad_line(l) || strstr(l, "kvm") || strstr(l, "KVM") ||
	       strstr(l, "hyp") || strstr(l, "CPU features") ||
	       strstr(l, "bootops");
}

/* The number of "bad" lines in the kernel log so far. */
static int count_bad_lines(void)
{
	char *log = read_dmesg(), *line, *save;
	int bad = 0;

	if (!log)
		return 0;
	for (line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		bad += is_bad_line(line);
	free(log);
	return bad;
}

/*
 * Print the kernel log lines that matter as diagnostics; return the number
 * of "bad" lines (warnings, BUGs, oopses...).
 */
static int report_dmesg(void)
{
	char *log = read_dmesg(), *line, *save;
	int bad = 0;

	if (!log) {
		out("# init: cannot read kernel log: %s\n", strerror(errno));
		return 0;
	}
	if (opt_dmesg)
		out("--- dmesg ---\n%s--- end of dmesg ---\n", log);
	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		/* Drop the "<level>" prefix of SYSLOG_ACTION_READ_ALL. */
		if (line[0] == '<' && strchr(line, '>') && strchr(line, '>') - line <= 4)
			line = strchr(line, '>') + 1;
		if (is_bad_line(line))
			bad++;
		if (!opt_dmesg && is_interesting_line(line))
			out("# dmesg: %s\n", line);
	}
	free(log);
	return bad;
}

int main(void)
{
	static struct test tests[MAX_TESTS];
	int n, passed = 0, failed = 0, skipped = 0, known = 0, known_passed = 0, total;
	int bad_before = 0, tolerated = 0;
	struct utsname u;
	double t0;

	do_mount("devtmpfs", "/dev", "devtmpfs");
	setup_console();
	do_mount("proc", "/proc", "proc");
	do_mount("sysfs", "/sys", "sysfs");
	do_mount("debugfs", "/sys/kernel/debug", "debugfs");
	do_mount("tmpfs", "/tmp", "tmpfs");
	setenv("PATH", TESTS_DIR ":/bin:/sbin", 1);
	setenv("HOME", "/", 1);
	setenv("TERM", "dumb", 1);

	out("\nTAP version 13\n");
	if (!uname(&u))
		out("# kernel: %s %s %s\n", u.release, u.version, u.machine);
	out("# init: bootops test init, pid %d\n", getpid());
	parse_cmdline();
	n = read_list(tests);
	total = n + (opt_dmesgcheck ? 1 : 0);
	out("1..%d\n", total);

	t0 = now();
	bad_before = count_bad_lines();
	for (int i = 0; i < n; i++) {
		char why[128] = "";
		enum result r = run_test(i + 1, tests[i].line, why, sizeof(why));
		int bad_now = count_bad_lines();

		/* A warning a test may leave is named, and only there is it tolerated. */
		if (bad_now > bad_before && tests[i].warn[0]) {
			tolerated += bad_now - bad_before;
			out("# [%d] known kernel warning: %d line(s) during %s: %s\n", i + 1,
			    bad_now - bad_before, tests[i].line, tests[i].warn);
		}
		bad_before = bad_now;

		if (r == PASS && tests[i].known[0]) {
			passed++;
			known_passed++;
			out("ok %d - %s # TODO known failure, but it passed: %s\n", i + 1,
			    tests[i].line, tests[i].known);
		} else if (r == PASS) {
			passed++;
			out("ok %d - %s\n", i + 1, tests[i].line);
		} else if (r == SKIP) {
			skipped++;
			out("ok %d - %s # SKIP\n", i + 1, tests[i].line);
		} else if (tests[i].known[0]) {
			known++;
			out("not ok %d - %s # TODO known failure: %s (%s)\n", i + 1,
			    tests[i].line, tests[i].known, why);
		} else {
			failed++;
			out("not ok %d - %s # %s\n", i + 1, tests[i].line, why);
		}
	}
	out("# all tests: %.2f s\n", now() - t0);

	{
		int bad = report_dmesg() - tolerated;

		if (tolerated)
			out("# kernel log: %d line(s) of known warnings tolerated (see above)\n",
			    tolerated);
		if (opt_dmesgcheck) {
			if (bad) {
				failed++;
				out("not ok %d - kernel log clean # %d BUG/WARNING/Oops line(s)\n",
				    total, bad);
			} else {
				passed++;
				out("ok %d - kernel log clean\n", total);
			}
		}
	}

	out("%d passed, %d failed", passed, failed);
	if (skipped)
		out(", %d skipped", skipped);
	if (known)
		out(", %d known failures", known);
	if (known_passed)
		out(", %d known failures passed", known_passed);
	out("\n");
	out("BOOTOPS-DONE rc=%d\n", (failed || n == 0) ? 1 : 0);

	sync();
	reboot(RB_POWER_OFF);
	out("# init: reboot(RB_POWER_OFF) failed: %s\n", strerror(errno));
	for (;;)
		pause();
}
