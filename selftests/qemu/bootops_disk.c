// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's own I/O through a DMA device behind hyp's SMMU: the virtio
 * disk (virtio-blk-pci, iommu_platform=on) that scripts/run-qemu.sh gives
 * the machine.  Mounts it (ext2), reads the file the image was made with,
 * writes one, and unmounts: every block goes by DMA to and from the host's
 * pages, through hyp's map of them.  scripts/kernel-selftests.sh reads the
 * written file back out of the disk image after the run.
 *
 *   bootops_disk DEVICE EXPECTED-TEXT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MNT		"/mnt"
#define GIVEN		MNT "/given.txt"
#define WRITTEN		MNT "/from-host.txt"
#define WRITTEN_TEXT	"written by the bootops host through hyp's SMMU\n"

static int tests, failed;

static void check(int ok, const char *what)
{
	tests++;
	failed += !ok;
	printf("%sok %d - %s\n", ok ? "" : "not ", tests, what);
	fflush(stdout);
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY), n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), ret = 0;
	ssize_t len = strlen(text);

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != len || fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	char buf[256];
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: bootops_disk DEVICE EXPECTED-TEXT\n");
		return 2;
	}
	printf("TAP version 13\n");
	mkdir(MNT, 0755);
	ret = mount(argv[1], MNT, "ext2", 0, NULL);
	if (ret)
		printf("# mount %s: %s\n", argv[1], strerror(errno));
	check(!ret, "the host mounts its virtio disk behind the SMMU");
	if (ret)
		goto out;
	ret = read_file(GIVEN, buf, sizeof(buf));
	check(ret > 0 && !strncmp(buf, argv[2], strlen(argv[2])),
	      "the host reads the disk's file (DMA into host pages)");
	check(!write_file(WRITTEN, WRITTEN_TEXT),
	      "the host writes a file and fsyncs it (DMA from host pages)");
	check(!umount(MNT), "the host unmounts the disk");
out:
	printf("1..%d\n# %d passed, %d failed\n", tests, tests - failed, failed);
	return failed || !tests;
}
