// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's block I/O through its virtio disk (behind the SMMU): MiB
 * written, then read back, with O_DIRECT in 1 MiB requests, so that every
 * byte is a DMA to or from host pages.  Prints MB/s each way and checks
 * that the bytes read are those written.
 *
 *   bench_disk DEVICE MIB ROUNDS
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	(1 << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int pass(int fd, char *buf, long mib, int write_pass, int round, double *secs)
{
	double t0 = now();
	long i;

	for (i = 0; i < mib; i++) {
		ssize_t n;

		if (write_pass)
			memset(buf, (int)(i + round), CHUNK);
		n = write_pass ? pwrite(fd, buf, CHUNK, i * CHUNK) : pread(fd, buf, CHUNK, i * CHUNK);
		if (n != CHUNK) {
			perror(write_pass ? "pwrite" : "pread");
			return -1;
		}
		if (!write_pass && (buf[0] != (char)(i + round) || buf[CHUNK - 1] != (char)(i + round))) {
			fprintf(stderr, "bench_disk: MiB %ld read back wrong\n", i);
			return -1;
		}
	}
	if (write_pass && fdatasync(fd))
		return -1;
	*secs = now() - t0;
	return 0;
}

int main(int argc, char **argv)
{
	long mib = argc > 2 ? atol(argv[2]) : 16;
	int rounds = argc > 3 ? atoi(argv[3]) : 3, fd, r;
	char *buf;

	if (argc < 2 || mib <= 0 || rounds <= 0 || posix_memalign((void **)&buf, 4096, CHUNK))
		return 2;
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (r = 0; r < rounds; r++) {
		double w, rd;

		if (pass(fd, buf, mib, 1, r, &w) || pass(fd, buf, mib, 0, r, &rd))
			return 1;
		printf("bench: disk round %d: write %.1f MB/s, read %.1f MB/s (%ld MiB, O_DIRECT)\n",
		       r + 1, mib * 1.048576 / w, mib * 1.048576 / rd, mib);
	}
	close(fd);
	return 0;
}
