// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_sha256: mbedTLS SHA-256 throughput on this CPU, built from the
 * same mbedTLS files and configuration hyp uses, so that the cost of
 * verifying an image can be set against hashing alone.
 *
 *   bench_sha256 [MiB]     (default 16)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/sha256.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 16, len = mib << 20;
	unsigned char *buf = malloc(len), out[32];
	double start, secs;

	if (!buf || !len)
		return 1;
	memset(buf, 0x5a, len);
	start = now_s();
	if (mbedtls_sha256_ret(buf, len, out, 0))
		return 1;
	secs = now_s() - start;
	printf("bench: mbedTLS SHA-256 alone: %zu MiB in %.3f s = %.1f MB/s\n",
	       mib, secs, len / secs / 1e6);
	free(buf);
	return 0;
}
