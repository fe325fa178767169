// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs the kernel's boot-ops hypercall self-test (debugfs) and relays its
 * TAP lines; exits non-zero if any line is "not ok" or none is "ok".
 */
#include <stdio.h>
#include <string.h>

#define SELFTEST "/sys/kernel/debug/kvm-bootops/selftest"

int main(void)
{
	char line[256];
	int ok = 0, bad = 0;
	FILE *f = fopen(SELFTEST, "r");

	if (!f) {
		perror(SELFTEST);
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
