// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs one of the kernel's boot-ops self-tests (a debugfs file) and relays
 * its TAP lines; exits non-zero if any line is "not ok" or none is "ok".
 *
 *   bootops_hcalls [FILE]   (default: the hypercall self-test)
 */
#include <stdio.h>
#include <string.h>

#define SELFTEST "/sys/kernel/debug/kvm-bootops/selftest"

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : SELFTEST;
	char line[256];
	int ok = 0, bad = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		fputs(line, stdout);
		ok += !strncmp(line, "ok ", 3);
		bad += !strncmp(line, "not ok", 6);
	}
	fclose(f);
	printf("bootops_hcalls: %d passed, %d failed\n", ok, bad);
	return ok && !bad ? 0 : 1;
}
