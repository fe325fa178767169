// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cross-check: signatures made by tools/bootops-sign must be accepted by
 * hyp's own code, and nothing else.  Linked with hyp/verify.c,
 * hyp/crypto_mbedtls.c and a trust anchor that `bootops-sign anchor`
 * generated from the signing key's public half (test.sh builds it).
 *
 *   test_cross ADDR IMAGE SIG [ADDR IMAGE SIG ...] [--wrong-key ADDR IMAGE SIG ...]
 *
 * Each triple after --wrong-key is a correct signature by another key: hyp
 * must reject it.  Prints TAP-like lines and, last,
 * "bootops-sign: N passed, N failed"; exits 1 if any check failed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bootops/bootops.h>

static int passed, failed;

static void __attribute__((format(printf, 2, 3))) check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", passed + failed + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
}

static u8 *read_all(const char *path, u64 *size)
{
	FILE *f = fopen(path, "rb");
	u8 *buf = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "test_cross: cannot read %s: %s\n", path, strerror(errno));
		exit(2);
	}
	/* One spare byte, so that "size + 1" can be tried without realloc. */
	buf = calloc(1, (size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "test_cross: cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	*size = (u64)n;
	return buf;
}

static u64 parse_u64(const char *s)
{
	char *end;
	u64 v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || !*s) {
		fprintf(stderr, "test_cross: bad address %s\n", s);
		exit(2);
	}
	return v;
}

static int verify(u64 addr, u64 size, const u8 *bytes, const u8 *sig)
{
	return bootops_verify_image(addr, size, bytes, sig);
}

/* A good signature: accepted as is, rejected after any change. */
static void good(u64 addr, const char *image, const char *sigfile)
{
	u64 size, siglen, pos[3];
	u8 *bytes = read_all(image, &size);
	u8 *sig = read_all(sigfile, &siglen);
	u8 bad[BOOTOPS_SIG_SIZE];
	int i, ret;

	if (siglen != BOOTOPS_SIG_SIZE || !size) {
		check(0, "%s: signature %llu bytes, image %llu bytes", image,
		      (unsigned long long)siglen, (unsigned long long)size);
		return;
	}
	ret = verify(addr, size, bytes, sig);
	check(ret == 0, "%s (%llu bytes at 0x%llx): hyp accepts the tool's signature (%d)",
	      image, (unsigned long long)size, (unsigned long long)addr, ret);

	pos[0] = 0;
	pos[1] = size / 2;
	pos[2] = size - 1;
	for (i = 0; i < 3; i++) {
		u8 bit = (u8)(1u << ((pos[i] + (u64)i) % 8));

		bytes[pos[i]] ^= bit;
		ret = verify(addr, size, bytes, sig);
		bytes[pos[i]] ^= bit;
		check(ret == -EKEYREJECTED, "%s: one bit flipped at byte %llu: rejected (%d)",
		      image, (unsigned long long)pos[i], ret);
	}

	ret = verify(addr + BOOTOPS_PAGE_SIZE, size, bytes, sig);
	check(ret == -EKEYREJECTED, "%s: load address + 4 KiB: rejected (%d)", image, ret);
	ret = verify(addr ^ (1ULL << 40), size, bytes, sig);
	check(ret == -EKEYREJECTED, "%s: load address bit 40 flipped: rejected (%d)",
	      image, ret);
	if (size > 1) {
		ret = verify(addr, size - 1, bytes, sig);
		check(ret == -EKEYREJECTED, "%s: size - 1: rejected (%d)", image, ret);
	}
	ret = verify(addr, size + 1, bytes, sig);	/* the spare byte is 0 */
	check(ret == -EKEYREJECTED, "%s: size + 1 (a zero byte appended): rejected (%d)",
	      image, ret);

	for (i = 0; i < 2; i++) {
		memcpy(bad, sig, sizeof(bad));
		bad[i * 32 + 31] ^= 1;
		ret = verify(addr, size, bytes, bad);
		check(ret == -EKEYREJECTED, "%s: signature %s changed: rejected (%d)", image,
		      i ? "s" : "r", ret);
	}
	/* r and s swapped: a classic mix-up of the raw layout. */
	memcpy(bad, sig + 32, 32);
	memcpy(bad + 32, sig, 32);
	ret = verify(addr, size, bytes, bad);
	check(ret == -EKEYREJECTED, "%s: r and s swapped: rejected (%d)", image, ret);

	/* Verification has no state: the good one still passes. */
	ret = verify(addr, size, bytes, sig);
	check(ret == 0, "%s: accepted again after the rejections (%d)", image, ret);
	free(sig);
	free(bytes);
}

static void wrong_key(u64 addr, const char *image, const char *sigfile)
{
	u64 size, siglen;
	u8 *bytes = read_all(image, &size);
	u8 *sig = read_all(sigfile, &siglen);
	int ret = siglen == BOOTOPS_SIG_SIZE ? verify(addr, size, bytes, sig) : 0;

	check(ret == -EKEYREJECTED, "%s: signed with another key: rejected (%d)", image, ret);
	free(sig);
	free(bytes);
}

int main(int argc, char **argv)
{
	int i = 1, wrong = 0;

	/* Edge cases that need no file. */
	{
		static const u8 zero_sig[BOOTOPS_SIG_SIZE];
		static const u8 byte = 0x5a;

		check(verify(0, 1, &byte, zero_sig) == -EKEYREJECTED,
		      "all-zero signature: rejected");
	}
	while (i < argc) {
		if (!strcmp(argv[i], "--wrong-key")) {
			wrong = 1;
			i++;
			continue;
		}
		if (i + 3 > argc) {
			fprintf(stderr, "usage: test_cross ADDR IMAGE SIG ... [--wrong-key ADDR IMAGE SIG ...]\n");
			return 2;
		}
		if (wrong)
			wrong_key(parse_u64(argv[i]), argv[i + 1], argv[i + 2]);
		else
			good(parse_u64(argv[i]), argv[i + 1], argv[i + 2]);
		i += 3;
	}
	printf("bootops-sign: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
